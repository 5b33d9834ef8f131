//! The `xorsweep` binary: parse, dispatch, and turn errors into one line and an exit code
//! (2 for bad input, 130 for an interrupted sweep, 1 for anything else).

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use xorsweep::cli::{Cli, Command, resume_command};
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
