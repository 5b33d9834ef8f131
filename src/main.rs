//! The `xorsweep` binary: parse, dispatch, and turn errors into one line and an exit code
//! (2 for bad input, 130 for an interrupted sweep, 1 for anything else).

use std::process::ExitCode;

use anyhow::Context;
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
            if args.threads == Some(0) {
                return Err(UsageError::new("--threads: must be at least 1").into());
            }
            let shard = match &args.shard {
                Some(s) => {
                    Some(Shard::parse(s).map_err(|e| UsageError::new(format!("--shard: {e}")))?)
                }
                None => Shard::from_env(|k| std::env::var(k).ok(), args.shard_count)
                    .map_err(UsageError::new)?,
            };
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
            let written = plot::plot(&dir)?;
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
            let done = sweep::merge::merge(&shards, &opts).context("merge failed")?;
            report_finished(&done, false);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    use std::io::Write;
    use xorsweep::bench::{self, Impl};
    use xorsweep::train::Precision;

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
