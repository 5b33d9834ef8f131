//! The `xorsweep` binary: parse, dispatch, and turn errors into one line and an exit code
//! (2 for bad input, 130 for an interrupted sweep, 1 for anything else).

use std::process::ExitCode;

use clap::Parser;
use xorsweep::cli::{BenchArgs, BenchPrecision, Cli, Command, ImplArg, resume_command};
use xorsweep::error::{Interrupted, UsageError};
use xorsweep::sweep::config::SweepConfig;
use xorsweep::sweep::run::RunOptions;
use xorsweep::sweep::shard::Shard;
use xorsweep::train::{Params, batch, reference};
use xorsweep::{baseline, plot, replay, sweep};

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Baseline { lanes } => {
            let spec = baseline::lesson_spec();
            let (outcome, curve) = match lanes {
                None => reference::train(Params::LESSON, baseline::LESSON_LR, &spec),
                Some(p) => batch::train(p.into(), &[Params::LESSON], &[baseline::LESSON_LR], &spec)
                    .remove(0),
            };
            print!("{}", baseline::render(&spec, &outcome, &curve));
        }
        Command::Sweep(args) => {
            let mut config = SweepConfig::default();
            if let Some(path) = &args.config {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path)
                    .map_err(|e| UsageError::new(format!("--config {shown}: cannot read: {e}")))?;
                config = config.apply(SweepConfig::patch_from_toml(&text, &shown)?);
            }
            config = config.apply(args.patch());
            check_threads(args.threads)?;
            let shard = match &args.shard {
                Some(s) => {
                    Some(Shard::parse(s).map_err(|e| UsageError::new(format!("--shard: {e}")))?)
                }
                None => Shard::from_env(|k| std::env::var(k).ok(), args.shard_count)
                    .map_err(UsageError::new)?,
            };
            if args.shard_count.is_some() {
                if args.shard.is_some() {
                    return Err(UsageError::new(
                        "--shard-count: not used with --shard K/N, which gives its own count",
                    )
                    .into());
                }
                if shard.is_none() {
                    return Err(UsageError::new(
                        "--shard-count: no scheduler index is set (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID)",
                    )
                    .into());
                }
            }
            let argv: Vec<String> = std::env::args().collect();
            let opts = RunOptions {
                out: args.out.clone(),
                force: args.force,
                resume: args.resume,
                quiet: args.quiet,
                threads: args.threads,
                shard,
                keep_chunks: args.keep_chunks,
                resume_command: resume_command(&argv),
            };
            let done = sweep::run::run(config, &opts)?;
            report_finished(&done, args.quiet);
        }
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
        Command::Plot { dir } => {
            let (written, skipped) = plot::plot(&dir)?;
            for (file, why) in skipped {
                eprintln!("note: {file} not drawn: {why}");
            }
            println!("wrote {} in {}", written.join(", "), dir.display());
        }
        Command::Merge { out, shards, force } => {
            let opts = RunOptions {
                out,
                force,
                resume: false,
                quiet: false,
                threads: None,
                shard: None,
                keep_chunks: false,
                resume_command: String::new(),
            };
            let done = sweep::merge::merge(&shards, &opts)?;
            report_finished(&done, false);
        }
        Command::Map(args) => xorsweep::map::run(&args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The most threads a run may ask for: far more than any machine this runs on has cores.
const MAX_THREADS: usize = 1024;

fn check_threads(threads: Option<usize>) -> Result<(), UsageError> {
    match threads {
        Some(0) => Err(UsageError::new("--threads: must be at least 1")),
        Some(t) if t > MAX_THREADS => Err(UsageError::new(format!(
            "--threads: {t} is more than {MAX_THREADS}"
        ))),
        _ => Ok(()),
    }
}

/// The most nets one benchmark repeat may hold in memory (about 100 bytes each).
const MAX_BENCH_NETS: usize = 50_000_000;

fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    use std::io::Write;
    use xorsweep::bench::{self, Impl};
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
    let mut thread_counts = vec![1, threads];
    thread_counts.dedup();

    let (inits, lrs) = bench::bench_nets(args.nets);
    if !args.json {
        print!(
            "{}",
            bench::render::header(threads, args.nets, args.epochs, args.repeats)
        );
    }
    let mut all = Vec::new();
    for &(implementation, precision) in &configs {
        for &t in &thread_counts {
            let m = bench::measure(
                implementation,
                precision,
                t,
                &inits,
                &lrs,
                args.epochs,
                args.repeats,
            )?;
            if args.json {
                println!("{}", serde_json::to_string(&m)?);
            } else {
                print!("{}", bench::render::measurement(&m));
            }
            std::io::stdout().flush()?;
            all.push(m);
        }
    }
    if !args.json {
        print!("{}", bench::render::comparisons(&all));
    }
    Ok(())
}

fn report_finished(done: &sweep::run::Finished, quiet: bool) {
    if done.already_complete {
        println!(
            "nothing to resume: the sweep in {} is already complete",
            done.out.display()
        );
        return;
    }
    if let Some(shard) = &done.shard {
        println!(
            "shard {}/{} (from {}): {} nets trained, {} saved in {}; when every shard is done, join them with: xorsweep merge OUT SHARD_DIR...",
            shard.index,
            shard.count,
            shard.source,
            done.nets,
            if done.nets == 1 { "it is" } else { "they are" },
            done.out.join("chunks").display()
        );
        return;
    }
    if !quiet && done.chunks_trained > 0 {
        println!(
            "trained {} nets in {:.2} s ({:.1} M net-epochs/s); {:.2} s in all",
            done.nets,
            done.training_seconds,
            done.net_epochs_per_second / 1e6,
            done.wall_seconds
        );
    }
    println!("results in {}", done.out.display());
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
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else if e.downcast_ref::<Interrupted>().is_some() {
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
