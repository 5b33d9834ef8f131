//! The command line (clap). Parsing only: each subcommand hands a plain struct to the module
//! that does the work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::error::UsageError;
use crate::hints::Offer;
use crate::map::spec::{MapPatch, Zoom};
use crate::sweep::config::ConfigPatch;
use crate::sweep::spec::INIT_SCHEMES;
use crate::train::Precision;
use crate::train::options::HyperParam;

/// `--help` is wrapped to the terminal's width (clap's `wrap_help`: the terminal's size, else
/// `$COLUMNS`, else 100), but never wider than this, so that a wide terminal still gets lines a
/// person can read.
const MAX_HELP_COLUMNS: usize = 100;

/// The command line: the derived definitions, with every numeric trainer flag of `map` and
/// `serve` saying that a map takes one value of it (the sweep's help speaks of lists).
pub fn command() -> clap::Command {
    let cli = <Cli as clap::CommandFactory>::command()
        .max_term_width(MAX_HELP_COLUMNS)
        .mut_subcommands(|sub| sub.mut_args(no_file_names));
    ["map", "serve"].into_iter().fold(cli, |cli, name| {
        cli.mut_subcommand(name, |map| {
            let numbers = HyperParam::ALL.iter().filter(|p| !p.is_rate());
            numbers.fold(map, |map, p| {
                map.mut_arg(p.name(), |a| {
                    let help = a.get_help().map(ToString::to_string).unwrap_or_default();
                    a.help(format!(
                        "{help} A map takes one value, for every pixel, unless an axis varies it."
                    ))
                })
            })
        })
    })
}

/// Shell completions offer file names only where a file or folder goes: a value that is neither
/// a path (its `value_hint` says so) nor one of a list of names (`possible_values`, through
/// [`Offer`]) is a number or a spec, for which completion offers nothing rather than the names
/// of the files here.
fn no_file_names(arg: clap::Arg) -> clap::Arg {
    let unhinted = arg.get_value_hint() == ValueHint::Unknown;
    // `num_args = 0`: a flag (map's --csv), whatever its action.
    let takes =
        arg.get_action().takes_values() && arg.get_num_args().is_none_or(|n| n.takes_values());
    if takes && unhinted && arg.get_possible_values().is_empty() {
        arg.value_hint(ValueHint::Other)
    } else {
        arg
    }
}

/// Parse `argv` as [`command`] defines it.
pub fn parse(argv: &[String]) -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches_from(argv)?;
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
}

/// The subcommands, as `xorsweep man SUBCOMMAND` takes them (a test checks the list against
/// [`Command`]).
pub const SUBCOMMANDS: [&str; 11] = [
    "baseline",
    "sweep",
    "replay",
    "bench",
    "plot",
    "merge",
    "completions",
    "man",
    "map",
    "compare",
    "serve",
];

/// Exit codes, shown in `--help` and every man page.
pub const EXIT_CODES: &str = "Exit codes: 0 success; 1 runtime failure (I/O, disk full, folder in use, a replay that does not reproduce); 2 usage error (a bad flag or value); 128 + N when stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP: completed chunks are kept, resume with --resume).";

#[derive(Parser, Debug)]
#[command(
    name = "xorsweep",
    version,
    about = "Train many tiny 2-2-1 XOR networks at once and see what learning rate and initialisation do",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the lesson's pinned run (weights 0.5 -0.4 0.1 / 0.9 0.3 -0.2 / 0.8 -0.6 0.05, η = 2).
    #[command(after_help = "Examples:\n  xorsweep baseline\n  xorsweep baseline --lanes f32")]
    Baseline {
        /// Train with the lane trainer in this precision instead of the scalar reference.
        #[arg(long, value_enum)]
        lanes: Option<PrecisionArg>,
    },
    /// Run a sweep (with no arguments: the default sweep) and write CSV, charts and a report.
    #[command(
        after_help = "Examples:\n  xorsweep sweep                      # the default sweep, into ./xorsweep-out\n  xorsweep sweep --lr 0.1..10:20:log --init uniform:1 --seeds 500 -o out\n  xorsweep sweep --init near-symmetric:1:1e-12..0.1:12:log --epochs 20000 -o eps\n  xorsweep sweep --dry-run --seeds 100000 # sizes and time, writes nothing\n  xorsweep sweep -o out --resume          # finish an interrupted sweep\n  xorsweep sweep --shard 0/4 -o part0     # one of 4 shards; then xorsweep merge"
    )]
    Sweep(Box<SweepArgs>),
    /// Retrain one row of a runs.csv from its recorded initial weights and print its trace.
    #[command(
        after_help = "Examples:\n  xorsweep replay xorsweep-out/runs.csv 0\n  xorsweep replay results/runs.csv 1234 --every 100"
    )]
    Replay {
        /// A runs.csv written by `xorsweep sweep`.
        #[arg(value_hint = ValueHint::FilePath)]
        runs_csv: PathBuf,
        /// The row's `run` number.
        run: u64,
        /// Print the loss every N epochs (default: an eighth of the run, 500 for the lesson).
        #[arg(long, value_name = "N")]
        every: Option<u32>,
    },
    /// Measure training throughput (net-epochs per second) of the scalar reference and the lanes.
    #[command(
        after_help = "Examples:\n  xorsweep bench\n  xorsweep bench --impl simd --precision f64 --nets 262144 --epochs 2000 -j 2\n  xorsweep bench --json > bench.jsonl",
        // Bench draws its own learning rates (and refuses these flags with a message that says
        // so): not listed in its help.
        mut_arg("lr", |a| a.hide(true)),
        mut_arg("lr_hidden", |a| a.hide(true)),
        mut_arg("lr_out", |a| a.hide(true))
    )]
    Bench(Box<BenchArgs>),
    /// Redraw the charts and report.html of a sweep's output folder from its CSV files and
    /// sweep.toml, without retraining.
    #[command(after_help = "Examples:\n  xorsweep plot xorsweep-out")]
    Plot {
        /// The output folder of `xorsweep sweep` (or `merge`).
        #[arg(value_hint = ValueHint::DirPath)]
        dir: PathBuf,
        /// The init whose learning curves the line charts show, e.g. uniform:2
        /// [default: uniform:1 if the sweep has it, else the first random init].
        #[arg(long, value_name = "SPEC", value_parser = Offer::new(INIT_SCHEMES), hide_possible_values = true)]
        chart_init: Option<String>,
    },
    /// Merge the output folders of `sweep --shard K/N` runs into one sweep's outputs.
    #[command(
        after_help = "Examples:\n  xorsweep merge merged part0 part1 part2 part3\n  xorsweep merge merged parts/* --force"
    )]
    Merge {
        /// Folder to write the merged outputs to.
        #[arg(value_hint = ValueHint::DirPath)]
        out: PathBuf,
        /// The shard folders, in any order.
        #[arg(required = true, value_hint = ValueHint::DirPath)]
        shards: Vec<PathBuf>,
        /// Replace an earlier merge's or sweep's files in OUT (only in a folder xorsweep made).
        #[arg(short, long)]
        force: bool,
        /// The init whose learning curves the line charts show, e.g. uniform:2
        /// [default: uniform:1 if the sweep has it, else the first random init].
        #[arg(long, value_name = "SPEC", value_parser = Offer::new(INIT_SCHEMES), hide_possible_values = true)]
        chart_init: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish) to stdout.
    #[command(
        after_help = "Examples:\n  xorsweep completions bash \\\n    > ~/.local/share/bash-completion/completions/xorsweep\n  xorsweep completions zsh > ~/.zfunc/_xorsweep\n  xorsweep completions fish > ~/.config/fish/completions/xorsweep.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff) to stdout: xorsweep(1), or a subcommand's xorsweep-SUBCOMMAND(1)
    /// with all its options; or write every page into a folder.
    #[command(
        after_help = "Examples:\n  xorsweep man > xorsweep.1 && man ./xorsweep.1\n  xorsweep man sweep | man -l -\n  # xorsweep.1 and one xorsweep-SUBCOMMAND.1 per subcommand:\n  xorsweep man --dir /usr/local/share/man/man1"
    )]
    Man {
        /// The subcommand whose page to print [default: the top page, xorsweep(1)].
        #[arg(value_parser = SUBCOMMANDS, conflicts_with = "dir")]
        subcommand: Option<String>,
        /// Write every page (xorsweep.1 and one xorsweep-SUBCOMMAND.1 per subcommand) into DIR,
        /// replacing only earlier xorsweep pages there.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
    /// Draw a trainability map: one net per pixel over two hyperparameters (per-layer learning
    /// rates, momentum, weight decay, offsets or scale of the initial weights), the boundary's
    /// fractal dimension and chaotic share, zooms.
    #[command(
        after_help = "Examples:\n  xorsweep map              # the lesson's lr-hidden × lr-out plane, 512²\n  xorsweep map --x lr-hidden:0.1..1000:1024:log --y lr-out:0.1..1000:1024:log \\\n    -o lr-plane\n  xorsweep map --x eps:1e-12..1e-1:512:log --y lr:0.1..100:512:log \\\n    --init symmetric:1 -o eps\n  xorsweep map --zoom-sequence 4 -o zoom # 4 frames, each 10× deeper\n  # the paper's condition:\n  xorsweep map --activation tanh --output linear --measure converged -o tanh\n  xorsweep map --x momentum:0..0.99:256 --y lr:0.1..100:256:log -o momentum\n  xorsweep map --config lr-plane/map.toml --zoom 1.3,1.5,100 -o deeper",
        // The sweep's defaults are lists; a map sets one value for every pixel but its axes.
        mut_arg("lr", |a| a.help("Learning rate of both layers, one value for every pixel (unless an axis varies it) [default: 2, the lesson's]")),
        mut_arg("lr_hidden", |a| a.help("Learning rate of the hidden layer (w11 w12 b1 w21 w22 b2), with --lr-out instead of --lr: one value each")),
        mut_arg("lr_out", |a| a.help("Learning rate of the output unit (v1 v2 c), with --lr-hidden: one value each"))
    )]
    Map(Box<MapArgs>),
    /// Compare two sweeps cell by cell: the change in solved share (with its 95% Newcombe
    /// interval) and in median epoch of solving, cells matched by their hyperparameters.
    #[command(
        after_help = "Examples:\n  xorsweep compare seeds200 seeds400\n  xorsweep compare short long --csv diff.csv\n  xorsweep compare f64 f32 --json > diff.json"
    )]
    Compare {
        /// The first sweep's output folder (the baseline: differences are B − A).
        #[arg(value_hint = ValueHint::DirPath)]
        a: PathBuf,
        /// The second sweep's output folder.
        #[arg(value_hint = ValueHint::DirPath)]
        b: PathBuf,
        /// The comparison as JSON on stdout instead of the table.
        #[arg(long)]
        json: bool,
        /// Also write every shared cell's comparison to this CSV file (a new file: an existing
        /// one is never overwritten).
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        csv: Option<PathBuf>,
    },
    /// Explore a trainability map in the browser: a local web server whose page pans and zooms
    /// over tiles trained on demand, and opens any pixel's net to watch it learn.
    #[command(
        after_help = "Examples:\n  xorsweep serve            # the lesson's lr-hidden × lr-out plane on a free port\n  xorsweep serve --port 8080 --epochs 300\n  xorsweep serve --config lr-plane/map.toml\n  xorsweep serve --x momentum:0..0.99:256 --y lr:0.1..100:256:log --activation tanh\n  xorsweep serve --bind 0.0.0.0 --port 8080 # reachable from other machines, on purpose\n\nStops on Ctrl-C (exit 130) or SIGTERM (exit 143).",
        mut_arg("lr", |a| a.help("Learning rate of both layers, one value for every pixel (unless an axis varies it) [default: 2, the lesson's]")),
        mut_arg("lr_hidden", |a| a.help("Learning rate of the hidden layer, with --lr-out instead of --lr: one value each")),
        mut_arg("lr_out", |a| a.help("Learning rate of the output unit, with --lr-hidden: one value each"))
    )]
    Serve(Box<ServeArgs>),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// A map.toml (written by every map) whose window and trainer the page opens; flags given
    /// as well override it.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    /// The map the page opens, as `xorsweep map` takes it (the axes' N is the size of the
    /// first view; tiles have their own).
    #[command(flatten)]
    pub map: MapPatch,
    /// Open zoomed F-fold around (CX, CY) (in log space on log axes).
    #[arg(long, value_name = "CX,CY,F", allow_hyphen_values = true)]
    pub zoom: Option<Zoom>,
    /// TCP port to listen on [default: a free one, printed at start].
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u16,
    /// Address to listen on: 127.0.0.1 keeps the server to this machine; 0.0.0.0 or another
    /// interface's address exposes it to the network, on purpose.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Worker threads that train tiles [default: all cores].
    #[arg(short = 'j', long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

#[derive(Args, Debug, Default)]
pub struct MapArgs {
    /// A map.toml (written by every map) to rerun; flags given as well override it. Its keys
    /// are the long flags' names with underscores (x, y, init, activation, zoom_sequence, …).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    /// What the map is: every flag here is also a key of map.toml.
    #[command(flatten)]
    pub map: MapPatch,
    /// Zoom F-fold around (CX, CY) (in log space on log axes).
    #[arg(long, value_name = "CX,CY,F", allow_hyphen_values = true)]
    pub zoom: Option<Zoom>,
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "xorsweep-map", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,
    /// Replace an earlier map's files in --out (only in a folder xorsweep made, and only the
    /// files it writes).
    #[arg(short, long)]
    pub force: bool,
    /// No progress bar and no summary (the output folder is still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print what the map made as JSON on stdout (its folder, files, and per frame the
    /// trained share, chaotic share and boundary dimension) instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Make the map's checks (it refuses what the map refuses, with the same message and exit
    /// code), then print its pixels, frames, net-epochs, an estimate of its time from a short
    /// calibration run, and the files it would write; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Which trainers to measure.
    #[arg(long = "impl", value_enum, default_value = "all")]
    pub implementation: ImplArg,
    /// Which lane precisions to measure (the scalar reference is always f64).
    #[arg(long, value_enum, default_value = "both")]
    pub precision: BenchPrecision,
    /// Networks trained per repeat.
    #[arg(long, value_name = "N", default_value_t = 65536)]
    pub nets: usize,
    /// Gradient steps per network.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub epochs: u32,
    /// Threads for the multi-threaded measurements (1 thread is always measured too)
    /// [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Timed repeats per configuration.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub repeats: usize,
    /// One JSON object per measured configuration instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also measure this core's vector FMA, add and divide rates, count the kernel's vector
    /// operations per net-epoch, and give each 1-thread lane measurement's share of the issue
    /// limit they set (in the JSON: a `roofline` object).
    #[arg(long)]
    pub roofline: bool,
    /// The trainers measured: every combination of the options given (--activation, --output,
    /// --loss, --batch, --momentum, …: every trainer flag); the lesson's when none is. The nets' learning
    /// rates are bench's own (uniform in [0.5, 4]).
    #[command(flatten)]
    pub trainer: crate::hyper::TrainerAxes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImplArg {
    Scalar,
    Simd,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchPrecision {
    F64,
    F32,
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    F64,
    F32,
}

impl From<PrecisionArg> for Precision {
    fn from(p: PrecisionArg) -> Precision {
        match p {
            PrecisionArg::F64 => Precision::F64,
            PrecisionArg::F32 => Precision::F32,
        }
    }
}

#[derive(Args, Debug, Default)]
pub struct SweepArgs {
    /// A TOML file whose keys are the long flags' names with underscores (lr, init, seeds,
    /// momentum, lr_hidden, …). Flags given as well override it. Every sweep writes its own as
    /// OUT/sweep.toml.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    /// What the sweep trains: every flag here is also a key of --config files and sweep.toml.
    #[command(flatten)]
    pub set: ConfigPatch,
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "xorsweep-out", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,
    /// Replace the results of an earlier run in --out (only in a folder xorsweep made, and
    /// only the files it writes).
    #[arg(short, long, conflicts_with = "resume")]
    pub force: bool,
    /// Finish an interrupted sweep in --out (same arguments as the original run).
    #[arg(long)]
    pub resume: bool,
    /// No progress bar and no summary (the output folder is still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the end-of-sweep summary as JSON on stdout (progress and notes stay on stderr).
    #[arg(long)]
    pub json: bool,
    /// Print the sweep's size (cells, nets, net-epochs), an estimate of its time from a short
    /// calibration run, and its peak memory and disk; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Train only shard K of N (0-based) of the sweep; join shards with `xorsweep merge`.
    /// Without it, Slurm array, Kubernetes Indexed Job and AWS Batch array variables are used.
    #[arg(long, value_name = "K/N", allow_hyphen_values = true)]
    pub shard: Option<String>,
    /// Shard count where the scheduler does not export it (Kubernetes, AWS Batch).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub shard_count: Option<u64>,
    /// The init whose learning curves the line charts show, e.g. uniform:2
    /// [default: uniform:1 if the sweep has it, else the first random init].
    #[arg(long, value_name = "SPEC", value_parser = Offer::new(INIT_SCHEMES), hide_possible_values = true)]
    pub chart_init: Option<String>,
    /// Keep the completed chunks in OUT/chunks after the reports are written.
    #[arg(long)]
    pub keep_chunks: bool,
}

impl SweepArgs {
    /// The flags that set the sweep's configuration, checked like a config file's keys.
    pub fn patch(&self) -> Result<ConfigPatch, UsageError> {
        self.set.trainer.check()?;
        Ok(self.set.clone())
    }
}

/// The most threads a run may ask for: far more than any machine this runs on has cores.
const MAX_THREADS: usize = 1024;

/// `--threads` of any command: at least 1, at most [`MAX_THREADS`].
pub fn check_threads(threads: Option<usize>) -> Result<(), UsageError> {
    match threads {
        Some(0) => Err(UsageError::new("--threads: must be at least 1")),
        Some(t) if t > MAX_THREADS => Err(UsageError::new(format!(
            "--threads: {t} is more than {MAX_THREADS}"
        ))),
        _ => Ok(()),
    }
}

/// Quote an argument for a POSIX shell if it needs it.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=,+-@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// The command line that resumes this invocation: the same arguments plus --resume. A shard
/// the scheduler's environment gave (`shard`, as index and count) is spelled `--shard K/N`
/// (in place of any `--shard-count`), so that the command resumes that shard outside the job
/// array too, never the whole sweep.
pub fn resume_command(args: &[String], shard: Option<(u64, u64)>) -> String {
    let mut v: Vec<String> = Vec::with_capacity(args.len() + 3);
    let mut skip = false;
    for a in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        match a.as_str() {
            "--force" | "--resume" => {}
            "--shard-count" if shard.is_some() => skip = true,
            _ if shard.is_some() && a.starts_with("--shard-count=") => {}
            _ => v.push(shell_quote(a)),
        }
    }
    if let Some((k, n)) = shard {
        v.push("--shard".into());
        v.push(format!("{k}/{n}"));
    }
    v.push("--resume".into());
    v.join(" ")
}
