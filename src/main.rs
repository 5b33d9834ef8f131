//! The `xorsweep` binary: parse, dispatch, and turn errors into one line and an exit code
//! (2 for bad input, 128 + signal for an interrupted sweep, 1 for anything else).

use std::process::ExitCode;

use xorsweep::cli::{
    BenchArgs, BenchPrecision, Cli, Command, ImplArg, MapArgs, ServeArgs, SweepArgs, check_threads,
    resume_command,
};
use xorsweep::error::{Interrupted, UsageError};
use xorsweep::outdir::Mode;
use xorsweep::pipeline::{self, Finished, SweepOptions};
use xorsweep::sweep::config::SweepConfig;
use xorsweep::sweep::shard::{Recorded, Shard, resolve};
use xorsweep::train::{Hyper, batch, reference};
use xorsweep::{baseline, replay};

fn run(cli: Cli, argv: &[String]) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Baseline { lanes } => {
            let spec = baseline::lesson_spec();
            let lesson = reference::lesson(Hyper::lr(baseline::LESSON_LR));
            let (outcome, curve) = match lanes {
                None => reference::train(&lesson, &spec),
                Some(p) => batch::train(p.into(), &[lesson], &spec).remove(0),
            };
            print!("{}", baseline::render(&spec, &outcome, &curve));
        }
        Command::Sweep(args) => return sweep(&args, argv),
        Command::Replay {
            runs_csv,
            run,
            every,
        } => {
            let (text, reproduced) = replay::replay(&runs_csv, run, every)?;
            print!("{text}");
            if !reproduced {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Bench(args) => bench(&args)?,
        Command::Plot { dir, chart_init } => {
            let (written, skipped) = pipeline::plot(&dir, chart_init)?;
            for (file, why) in skipped {
                eprintln!("note: {file} not drawn: {}", xorsweep::escape::escape(&why));
            }
            println!(
                "wrote {} in {}",
                written.join(", "),
                xorsweep::escape::shown(&dir)
            );
        }
        Command::Completions { shell } => {
            let mut cmd = xorsweep::cli::command();
            clap_complete::generate(shell, &mut cmd, "xorsweep", &mut std::io::stdout());
        }
        Command::Man { subcommand, dir } => match dir {
            Some(dir) => {
                for path in xorsweep::manpages::write_all(&dir)? {
                    println!("wrote {}", xorsweep::escape::shown(&path));
                }
            }
            None => {
                let page = xorsweep::manpages::page(subcommand.as_deref())?;
                std::io::Write::write_all(&mut std::io::stdout(), &page)?;
            }
        },
        Command::Merge {
            out,
            shards,
            force,
            chart_init,
        } => {
            let done = pipeline::merge(&out, &shards, force, chart_init)?;
            report_finished(&done, false, false)?;
        }
        Command::Map(args) => map(&args, argv)?,
        Command::Serve(args) => return serve(&args, argv),
        Command::Compare { a, b, json, csv } => {
            let c = xorsweep::compare::compare(&a, &b)?;
            if let Some(path) = &csv {
                xorsweep::outdir::write_new_file(path, &xorsweep::compare::csv(&c), "--csv")?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                let columns =
                    xorsweep::report::terminal::columns(std::env::var("COLUMNS").ok().as_deref());
                print!("{}", xorsweep::compare::render(&c, columns));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `xorsweep sweep`: the config file and flags into a configuration, the shard (flags, the
/// scheduler's environment, the folder's record on `--resume`), then the dry run or the sweep.
fn sweep(args: &SweepArgs, argv: &[String]) -> anyhow::Result<ExitCode> {
    let mut config = SweepConfig::default();
    let mut file = None;
    if let Some(path) = &args.config {
        let shown = xorsweep::escape::shown(path);
        let text = xorsweep::fsio::read_text(path, xorsweep::fsio::CONFIG_LIMIT)
            .map_err(|e| UsageError::new(format!("--config: {e}")))?;
        config = config.apply(SweepConfig::patch_from_toml(&text, &shown)?);
        file = Some((text, shown));
    }
    config = config.apply(args.patch()?);
    if let Some((text, shown)) = &file {
        // A bad value from the file is reported at its line and column.
        config.check().map_err(|e| {
            xorsweep::config_file::locate(e, text, shown, |f| {
                xorsweep::config_file::flag_given(argv, f)
            })
        })?;
    }
    check_threads(args.threads)?;
    let shard = shard(args)?;
    let mode = if args.resume {
        Mode::Resume
    } else if args.force {
        Mode::Force
    } else {
        Mode::New
    };
    // A shard from the environment is spelled out in the resume command.
    let env_shard = shard
        .as_ref()
        .filter(|_| args.shard.is_none())
        .map(|s| (s.index, s.count));
    let opts = SweepOptions {
        out: args.out.clone(),
        mode,
        quiet: args.quiet,
        threads: args.threads,
        shard,
        keep_chunks: args.keep_chunks,
        resume_command: resume_command(argv, env_shard),
        chart_init: args.chart_init.clone(),
    };
    if args.dry_run {
        let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
        let d = pipeline::dry_run(config, &opts, threads)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&d)?);
        } else {
            print!("{}", render_dry_run(&d, &opts.out));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let done = pipeline::sweep(config, &opts)?;
    report_finished(&done, args.quiet, args.json)?;
    Ok(ExitCode::SUCCESS)
}

/// The shard this sweep trains: `--shard K/N`, or the scheduler's environment (with
/// `--shard-count`), checked on `--resume` against what the folder records.
fn shard(args: &SweepArgs) -> anyhow::Result<Option<Shard>> {
    let given = match &args.shard {
        Some(s) => Ok(Some(
            Shard::parse(s).map_err(|e| UsageError::new(format!("--shard: {e}")))?,
        )),
        None => Shard::from_env(|k| std::env::var(k).ok(), args.shard_count),
    };
    if args.shard_count.is_some() {
        if args.shard.is_some() {
            return Err(UsageError::new(
                "--shard-count: not used with --shard K/N, which gives its own count",
            )
            .into());
        }
        if matches!(given, Ok(None)) {
            return Err(UsageError::new(
                "--shard-count: no scheduler index is set (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID)",
            )
            .into());
        }
    }
    let recorded = match args.resume {
        true => pipeline::recorded_shard(&args.out)?,
        false => Recorded::Nothing,
    };
    let shown = xorsweep::escape::shown(&args.out);
    let (shard, note) = resolve(given, &recorded, args.resume, &shown).map_err(UsageError::new)?;
    if let Some(note) = note {
        eprintln!("{note}");
    }
    Ok(shard)
}

/// A map from `--config FILE`, the map flags and `--zoom` (of `map` or `serve`): a bad value
/// from the file is reported at its line and column.
fn resolve_map(
    config: Option<&std::path::Path>,
    flags: &xorsweep::map::spec::MapPatch,
    zoom: Option<xorsweep::map::spec::Zoom>,
    argv: &[String],
) -> anyhow::Result<(xorsweep::map::spec::MapConfig, xorsweep::map::spec::MapSpec)> {
    use xorsweep::map::spec;
    let mut file = None;
    let patch = match config {
        Some(path) => {
            let shown = xorsweep::escape::shown(path);
            let text = xorsweep::fsio::read_text(path, xorsweep::fsio::CONFIG_LIMIT)
                .map_err(|e| UsageError::new(format!("--config: {e}")))?;
            let patch = spec::MapConfig::patch_from_toml(&text, &shown)?;
            file = Some((text, shown));
            Some(patch)
        }
        None => None,
    };
    Ok(
        spec::resolve(patch, flags.clone(), zoom).map_err(|e| match &file {
            Some((text, shown)) => xorsweep::config_file::locate(e, text, shown, |f| {
                xorsweep::config_file::flag_given(argv, f)
            }),
            None => e,
        })?,
    )
}

/// `xorsweep map`: resolve the config file, flags and zoom into a map, make it, print it.
fn map(args: &MapArgs, argv: &[String]) -> anyhow::Result<()> {
    use xorsweep::map;
    let (config, spec) = resolve_map(args.config.as_deref(), &args.map, args.zoom, argv)?;
    check_threads(args.threads)?;
    let to = map::Destination {
        out: args.out.clone(),
        force: args.force,
        threads: args.threads,
        quiet: args.quiet,
    };
    if args.dry_run {
        let d = map::dry_run(&spec, &to)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&d)?);
        } else {
            print!("{}", render_map_dry_run(&d));
        }
        return Ok(());
    }
    let made = map::make(&config, &spec, &to)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&made)?);
        return Ok(());
    }
    if !args.quiet {
        println!("{}", made.summary());
    }
    println!(
        "results in {} (open {})",
        xorsweep::escape::shown(&made.out),
        xorsweep::escape::shown(&made.html)
    );
    Ok(())
}

/// `xorsweep serve`: the map as `map` resolves it, then the server until a stopping signal,
/// whose 128 + number is the exit code.
fn serve(args: &ServeArgs, argv: &[String]) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let one_frame = [
        ("--zoom-sequence", args.map.zoom_sequence.is_some()),
        ("--zoom-factor", args.map.zoom_factor.is_some()),
        ("--csv", args.map.csv.is_some()),
    ];
    if let Some((flag, _)) = one_frame.iter().find(|f| f.1) {
        return Err(UsageError::new(format!(
            "{flag}: serve shows one map to pan and zoom and writes no files; drop {flag}"
        ))
        .into());
    }
    let (config, spec) = resolve_map(args.config.as_deref(), &args.map, args.zoom, argv)?;
    check_threads(args.threads)?;
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    let signal = xorsweep::serve::serve(&config, &spec, addr, args.threads, |url| {
        println!("xorsweep serve: open {url} (Ctrl-C stops it)");
        let _ = std::io::stdout().flush();
    })?;
    if signal == 0 {
        return Err(xorsweep::error::RuntimeError::new(
            "the server stopped taking connections (its listening socket failed)",
        )
        .into());
    }
    eprintln!("stopped by {}", xorsweep::signals::name(signal));
    Ok(ExitCode::from((128 + signal).clamp(0, 255) as u8))
}

fn render_map_dry_run(d: &xorsweep::map::DryRun) -> String {
    let frames = if d.frames > 1 {
        format!(" × up to {} frames", d.frames)
    } else {
        String::new()
    };
    let mut s = format!(
        "dry run (nothing written):\n  {}×{} = {} pixels{frames}, {} epochs each; with the nudged pixels of the chaos measures at most {} nets = {:.3e} net-epochs\n  calibrated on this machine: {:.1} M net-epochs/s on {}\n  estimated time: {}\n  would write in {}:\n",
        d.nx,
        d.ny,
        d.pixels_per_frame,
        d.epochs,
        d.nets,
        d.net_epochs,
        d.calibrated_net_epochs_per_second / 1e6,
        xorsweep::bench::render::plural(d.threads, "thread"),
        xorsweep::format::seconds(d.estimated_seconds),
        xorsweep::escape::shown(&d.out)
    );
    for f in &d.files {
        s.push_str(&format!("    {f}\n"));
    }
    s
}

/// The most nets one benchmark repeat may hold in memory (about 100 bytes each).
const MAX_BENCH_NETS: usize = 50_000_000;

/// What `xorsweep bench` measures, from its checked flags.
struct BenchPlan {
    threads: usize,
    configs: Vec<(xorsweep::bench::Impl, xorsweep::train::Precision)>,
    thread_counts: Vec<usize>,
    settings: Vec<xorsweep::hyper::Setting>,
}

/// Check `bench`'s flags (each refusal names its flag) and list what it measures: trainers ×
/// precisions × thread counts × trainer settings.
fn bench_plan(args: &BenchArgs) -> anyhow::Result<BenchPlan> {
    use xorsweep::bench::Impl;
    use xorsweep::train::Precision;

    check_threads(args.threads)?;
    if args.epochs > xorsweep::train::MAX_EPOCHS {
        return Err(UsageError::new(format!(
            "--epochs: {} is more than the supported {}",
            args.epochs,
            xorsweep::train::MAX_EPOCHS
        ))
        .into());
    }
    if args.nets > MAX_BENCH_NETS {
        return Err(UsageError::new(format!(
            "--nets: {} is more than {MAX_BENCH_NETS} (memory)",
            args.nets
        ))
        .into());
    }
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    for (flag, value) in [
        ("--threads", threads),
        ("--nets", args.nets),
        ("--repeats", args.repeats),
        ("--epochs", args.epochs as usize),
    ] {
        if value == 0 {
            return Err(UsageError::new(format!("{flag}: must be at least 1")).into());
        }
    }
    let precisions: &[Precision] = match args.precision {
        BenchPrecision::F64 => &[Precision::F64],
        BenchPrecision::F32 => &[Precision::F32],
        BenchPrecision::Both => &[Precision::F64, Precision::F32],
    };
    let mut configs: Vec<(Impl, Precision)> = Vec::new();
    if matches!(args.implementation, ImplArg::Scalar | ImplArg::All) {
        if !precisions.contains(&Precision::F64) {
            return Err(UsageError::new(
                "--impl scalar: the scalar reference is f64 only; use --precision f64 or both",
            )
            .into());
        }
        configs.push((Impl::Scalar, Precision::F64));
    }
    if matches!(args.implementation, ImplArg::Simd | ImplArg::All) {
        configs.extend(precisions.iter().map(|&p| (Impl::Simd, p)));
    }
    if args.roofline && !configs.iter().any(|&(i, _)| i == Impl::Simd) {
        return Err(UsageError::new(
            "--roofline: measures the lane trainer; use --impl simd or all",
        )
        .into());
    }
    let mut thread_counts = vec![1, threads];
    thread_counts.dedup();
    let axes = &args.trainer;
    if axes.lr.is_some() || axes.lr_hidden.is_some() || axes.lr_out.is_some() {
        return Err(UsageError::new(
            "--lr/--lr-hidden/--lr-out: bench draws its own learning rates (uniform in [0.5, 4]); give the trainer options only",
        )
        .into());
    }
    axes.check()?;
    let settings = axes.settings();

    Ok(BenchPlan {
        threads,
        configs,
        thread_counts,
        settings,
    })
}

fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    use std::io::Write;
    use xorsweep::bench::{self, Impl};

    let BenchPlan {
        threads,
        configs,
        thread_counts,
        settings,
    } = bench_plan(args)?;
    if !args.json {
        print!(
            "{}",
            bench::render::header(threads, args.nets, args.epochs, args.repeats)
        );
    }
    // The probe first, on an idle core (before rayon's pools exist), once per precision.
    let mut probes = Vec::new();
    if args.roofline {
        for &(_, precision) in configs.iter().filter(|c| c.0 == Impl::Simd) {
            let rates = bench::roofline::probe(precision);
            if !args.json {
                print!("{}", bench::render::probe(&rates));
                std::io::stdout().flush()?;
            }
            probes.push((precision, rates));
        }
    }
    let mut all = Vec::new();
    for setting in &settings {
        let nets = bench::setting_nets(args.nets, setting);
        let trainer = bench::trainer_name(setting);
        for &(implementation, precision) in &configs {
            for &t in &thread_counts {
                let mut m = bench::measure(
                    &trainer,
                    implementation,
                    precision,
                    t,
                    &nets,
                    args.epochs,
                    args.repeats,
                )?;
                if implementation == Impl::Simd
                    && t == 1
                    && let Some(&(_, rates)) = probes.iter().find(|p| p.0 == precision)
                {
                    m.roofline = Some(bench::roofline::of(&m, setting, rates));
                }
                if args.json {
                    println!("{}", serde_json::to_string(&m)?);
                } else {
                    print!("{}", bench::render::measurement(&m));
                    if let Some(r) = &m.roofline {
                        print!("{}", bench::render::roofline(r));
                    }
                }
                std::io::stdout().flush()?;
                all.push(m);
            }
        }
    }
    if !args.json {
        print!("{}", bench::render::comparisons(&all));
    }
    Ok(())
}

fn render_dry_run(d: &pipeline::DryRun, out: &std::path::Path) -> String {
    let e = &d.estimate;
    let seconds = xorsweep::format::seconds;
    let mut s = format!(
        "dry run (nothing written):\n  {} cells, {} nets × {} epochs = {:.3e} net-epochs\n  calibrated on this machine: {:.1} M net-epochs/s on {} when idle (the sweep's cells in miniature, {} × {} nets × {} epochs, {})\n  estimated time: {} ({}–{} over the repeats; on an idle machine {}, the reports {} of it)\n  peak memory: about {}\n  peak disk: about {}\n  would write in {}:\n",
        d.cells,
        d.nets,
        d.epochs,
        d.net_epochs,
        e.calibrated_net_epochs_per_second / 1e6,
        xorsweep::bench::render::plural(d.threads, "thread"),
        e.calibration_repeats,
        e.calibration_nets,
        e.calibration_epochs,
        seconds(e.calibration_seconds),
        seconds(e.estimated_seconds),
        seconds(e.estimated_seconds_range[0]),
        seconds(e.estimated_seconds_range[1]),
        seconds(e.idle_seconds),
        seconds(e.reports_seconds),
        xorsweep::format::bytes(d.peak_memory_bytes),
        xorsweep::format::bytes(d.peak_disk_bytes),
        out.display()
    );
    if let Some(hw) = d.solved_share_ci95_half_width_worst {
        s.push_str(&format!(
            "  a solved share is known to ±{:.1} percentage points at worst (95% Wilson interval at --seeds {}, share ½); 4× the seeds halves it\n",
            100.0 * hw,
            d.seeds
        ));
    }
    for f in &d.files {
        s.push_str(&format!("    {f}\n"));
    }
    for w in &d.warnings {
        s.push_str(&format!("{w}\n"));
    }
    s
}

fn report_finished(done: &Finished, quiet: bool, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(done)?);
        return Ok(());
    }
    if done.already_complete {
        let what = match &done.shard {
            Some(s) => format!(
                "shard {}/{} in {} is already complete; when every shard is done, join them with: xorsweep merge OUT SHARD_DIR...",
                s.index,
                s.count,
                xorsweep::escape::shown(&done.out)
            ),
            None => format!(
                "the sweep in {} is already complete",
                xorsweep::escape::shown(&done.out)
            ),
        };
        println!("nothing to resume: {what}");
        return Ok(());
    }
    if let Some(shard) = &done.shard {
        println!(
            "shard {}/{} (0-based: shard {} of {}, from {}): {} nets trained, {} saved in {}; when every shard is done, join them with: xorsweep merge OUT SHARD_DIR...",
            shard.index,
            shard.count,
            shard.index + 1,
            shard.count,
            shard.source,
            done.nets,
            if done.nets == 1 { "it is" } else { "they are" },
            xorsweep::escape::shown(&done.out.join("chunks"))
        );
        if done.nets == 0 {
            eprintln!(
                "note: this shard got no nets: a sweep is split by whole chunks of --chunk-nets nets, and this one has fewer chunks than shards; use a smaller --chunk-nets (same value for every shard) to spread it"
            );
        }
        return Ok(());
    }
    if !quiet {
        if done.chunks_trained > 0 {
            eprintln!(
                "trained {} nets in {:.2} s ({:.1} M net-epochs/s); {:.2} s in all",
                done.nets,
                done.training_seconds,
                done.net_epochs_per_second / 1e6,
                done.wall_seconds
            );
        }
        let columns = xorsweep::report::terminal::columns(std::env::var("COLUMNS").ok().as_deref());
        print!(
            "{}",
            xorsweep::report::terminal::render(&done.answers, columns)
        );
    }
    println!(
        "results in {} (open {}/report.html)",
        xorsweep::escape::shown(&done.out),
        xorsweep::escape::shown(&done.out)
    );
    Ok(())
}

fn main() -> ExitCode {
    // Die quietly like other Unix tools when stdout is a closed pipe (`xorsweep bench | head`),
    // instead of panicking in println!.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A sweep's workers allocate each chunk's outcomes and bytes (~1 MB each) and the consumer
    // frees them: glibc served those from fresh mmaps (or trimmed them back to the OS), so
    // every chunk paid page faults that zeroed ~2 MB — 3–6 % of a 1M-net × 500-epoch f32
    // sweep's CPU (perf, Sapphire Rapids). Kept in the heap up to 32 MiB (glibc's largest mmap
    // threshold on 64-bit; a larger value is refused), freed memory is reused. The price: up to
    // 128 MiB of freed memory stays with the process (the default sweep's peak RSS 69 → 92 MB; a
    // 16 MiB trim threshold gave back only 12 MB of that and all the page faults returned).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in main, before any other thread exists or allocates much;
    // mallopt only changes glibc's allocation thresholds.
    unsafe {
        let taken = libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20)
            + libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
        debug_assert_eq!(taken, 2, "glibc refused a threshold");
    }
    // Arguments as the OS gives them: a non-UTF-8 one is a usage error, not a panic.
    let mut argv = Vec::new();
    for a in std::env::args_os() {
        match a.into_string() {
            Ok(s) => argv.push(s),
            Err(bad) => {
                eprintln!(
                    "error: argument {} is not valid UTF-8; xorsweep takes UTF-8 arguments (rename the file or folder)",
                    xorsweep::escape::escape(&bad.to_string_lossy())
                );
                return ExitCode::from(2);
            }
        }
    }
    let cli = match xorsweep::cli::parse(&argv) {
        Ok(cli) => cli,
        // Help and version go to stdout as clap prints them; an error echoes the argument it
        // names, so it is printed escaped.
        Err(e) if e.use_stderr() => {
            // clap drops escape sequences when it renders (its own styling is such sequences):
            // a value of `1 ESC ]0;x BEL` would read as "'1' is not a number". The same parse
            // of the arguments written out (`1\x1b]0;x\x07`) fails the same way and shows them.
            let escaped: Vec<String> = argv
                .iter()
                .map(|a| xorsweep::escape::escape(a).into_owned())
                .collect();
            let e = if escaped != argv {
                xorsweep::cli::parse(&escaped)
                    .err()
                    .filter(clap::Error::use_stderr)
                    .unwrap_or(e)
            } else {
                e
            };
            eprint!(
                "{}",
                xorsweep::escape::escape_message(&e.render().to_string())
            );
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
        Err(e) => e.exit(),
    };
    match run(cli, &argv) {
        Ok(code) => code,
        Err(e) => {
            // Values echoed from files and arguments are escaped, whatever message holds them;
            // only an interruption's message has lines of its own (the resume command).
            let text = format!("{e:#}");
            let text = if e.downcast_ref::<Interrupted>().is_some() {
                xorsweep::escape::escape_message(&text)
            } else {
                xorsweep::escape::escape(&text).into_owned()
            };
            eprintln!("error: {text}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else if let Some(i) = e.downcast_ref::<Interrupted>() {
                ExitCode::from(i.exit_code())
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
