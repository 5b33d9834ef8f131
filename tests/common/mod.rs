//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod oracle;

use std::path::Path;
use std::process::{Child, Command as Std, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xorsweep::train::Params;

/// `n` seeded random nets: scale log-uniform in [0.1, 8], lr log-uniform in [0.01, 50].
pub fn random_nets(seed: u64, n: usize) -> Vec<(Params, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let scale = (rng.random_range(0.1f64.ln()..8f64.ln())).exp();
            let lr = (rng.random_range(0.01f64.ln()..50f64.ln())).exp();
            let p = Params(std::array::from_fn(|_| rng.random_range(-scale..scale)));
            (p, lr)
        })
        .collect()
}

/// Units in the last place between two f64 values (0 when bit-identical).
pub fn ulps(a: f64, b: f64) -> u64 {
    let key = |x: f64| {
        let i = x.to_bits() as i64;
        if i < 0 { i64::MIN - i } else { i }
    };
    key(a).abs_diff(key(b))
}

/// The xorsweep binary built for these tests.
pub fn xorsweep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xorsweep"))
}

/// Run `cmd`, assert that it exited 0 (its stderr in the failure message), and return its output.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let run = cmd.output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    run
}

/// Saved chunk files (`chunk-*.bin`, not temporary files) in `out/chunks`.
pub fn saved_chunks(out: &Path) -> usize {
    std::fs::read_dir(out.join("chunks"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with("chunk-") && name.ends_with(".bin")
                })
                .count()
        })
        .unwrap_or(0)
}

/// Send `signal` to process `pid`.
pub fn send(pid: u32, signal: libc::c_int) {
    // SAFETY: kill(2) with a pid we spawned and a valid signal number touches no memory of ours.
    let rc = unsafe { libc::kill(pid as libc::pid_t, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
}

/// Start xorsweep with `args` (stderr piped), wait until `out/chunks` holds at least `chunks`
/// saved chunks, and freeze the process there with SIGSTOP: the test then signals a sweep that
/// is certainly still running, on any machine, in debug or release. Waiting is polling for an
/// observable state, never a fixed sleep; the sweep must have more chunks than `chunks`.
pub fn frozen_after_chunks(args: &[String], out: &Path, chunks: usize) -> Child {
    let mut cmd = Std::new(env!("CARGO_BIN_EXE_xorsweep"));
    cmd.args(args);
    frozen_command(cmd, out, chunks)
}

/// [`frozen_after_chunks`] for a command of the caller's (its environment set, say).
pub fn frozen_command(cmd: Std, out: &Path, chunks: usize) -> Child {
    let what = format!("{chunks} chunks were seen: give it more chunks");
    frozen_when(
        cmd,
        || saved_chunks(out) >= chunks,
        &what,
        &out.join("manifest.json"),
    )
}

/// Start `cmd` (stderr piped), poll until `ready()` says so, and freeze the process there with
/// SIGSTOP; `what` names what never came if it ends first. `manifest` must not exist yet: the
/// process is certainly still at work when frozen.
pub fn frozen_when(mut cmd: Std, ready: impl Fn() -> bool, what: &str, manifest: &Path) -> Child {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            let err = child.wait_with_output().unwrap().stderr;
            panic!(
                "it ended ({status}) before {what}\n{}",
                String::from_utf8_lossy(&err)
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "not ready in 10 minutes: {what}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    send(child.id(), libc::SIGSTOP);
    assert!(
        !manifest.exists(),
        "it had already finished when it was frozen"
    );
    child
}

/// Every output file at the top of `dir`, by name, with its bytes: not the manifest (which
/// records timings), nor the lock (a run removes it when it ends, but a kill after the manifest
/// leaves it behind).
pub fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap();
            p.is_file() && name != "manifest.json" && name != ".xorsweep.lock"
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

/// The two folders hold the same output files, byte for byte, runs.csv among them.
pub fn assert_same_outputs(a: &Path, b: &Path) {
    let (x, y) = (outputs(a), outputs(b));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&x), names(&y), "{} vs {}", a.display(), b.display());
    for ((name, p), (_, q)) in x.iter().zip(&y) {
        assert!(
            p == q,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    assert!(x.iter().any(|f| f.0 == "runs.csv"));
}

/// Deliver `signal` to a process frozen by [`frozen_after_chunks`] and let it run on to handle
/// it; return its exit code and stderr.
pub fn signal_frozen(child: Child, signal: libc::c_int) -> (Option<i32>, String) {
    send(child.id(), signal);
    send(child.id(), libc::SIGCONT);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The lesson's trainer for init `p` at learning rate `lr`.
pub fn lr_net(p: xorsweep::train::Params, lr: f64) -> xorsweep::train::Net {
    xorsweep::train::Net {
        init: p,
        hyper: xorsweep::train::Hyper::lr(lr),
        options: xorsweep::train::Options::LESSON,
    }
}

/// [`lr_net`] of every (init, lr) pair.
pub fn lr_nets(inits: &[xorsweep::train::Params], lrs: &[f64]) -> Vec<xorsweep::train::Net> {
    inits
        .iter()
        .zip(lrs)
        .map(|(p, lr)| lr_net(*p, *lr))
        .collect()
}

/// One trainer variant for the option tests: a name, its options, and its hyperparameters as a
/// function of a base learning rate (scaled so that most nets neither stall nor blow up).
pub struct Trainer {
    pub name: &'static str,
    pub options: xorsweep::train::Options,
    pub hyper: fn(f64) -> xorsweep::train::Hyper,
}

/// Every trainer option once (each activation, the linear output, bce, online batch, momentum,
/// weight decay, per-layer rates) and one combination of several.
pub fn trainers() -> Vec<Trainer> {
    use xorsweep::train::{Activation, Batch, Hyper, Loss, Options, OutputUnit};
    let lesson = Options::LESSON;
    let with = |activation| Options {
        activation,
        ..lesson
    };
    vec![
        Trainer {
            name: "lesson",
            options: lesson,
            hyper: |lr| Hyper::lr(lr),
        },
        Trainer {
            name: "tanh",
            options: with(Activation::Tanh),
            hyper: |lr| Hyper::lr(lr * 0.2),
        },
        Trainer {
            name: "relu",
            options: with(Activation::Relu),
            hyper: |lr| Hyper::lr(lr * 0.1),
        },
        Trainer {
            name: "identity",
            options: with(Activation::Identity),
            hyper: |lr| Hyper::lr(lr * 0.02),
        },
        Trainer {
            name: "linear output",
            options: Options {
                output: OutputUnit::Linear,
                ..lesson
            },
            hyper: |lr| Hyper::lr(lr * 0.02),
        },
        Trainer {
            name: "bce",
            options: Options {
                loss: Loss::Bce,
                ..lesson
            },
            hyper: Hyper::lr,
        },
        Trainer {
            name: "online",
            options: Options {
                batch: Batch::Online,
                ..lesson
            },
            hyper: |lr| Hyper::lr(lr * 0.2),
        },
        Trainer {
            name: "momentum 0.9",
            options: lesson,
            hyper: |lr| Hyper {
                momentum: 0.9,
                ..Hyper::lr(lr * 0.05)
            },
        },
        Trainer {
            name: "weight decay 1e-3",
            options: lesson,
            hyper: |lr| Hyper {
                weight_decay: 1e-3,
                ..Hyper::lr(lr)
            },
        },
        Trainer {
            name: "per-layer rates",
            options: lesson,
            hyper: |lr| Hyper::rates(lr * 0.3, lr),
        },
        Trainer {
            name: "tanh, linear, online, momentum 0.5, decay 1e-2",
            options: Options {
                activation: Activation::Tanh,
                output: OutputUnit::Linear,
                loss: Loss::Mse,
                batch: Batch::Online,
            },
            hyper: |lr| Hyper {
                momentum: 0.5,
                weight_decay: 1e-2,
                ..Hyper::lr(lr * 0.01)
            },
        },
        Trainer {
            name: "clip 0.05",
            options: lesson,
            hyper: |lr| Hyper {
                clip: 0.05,
                ..Hyper::lr(lr)
            },
        },
        Trainer {
            name: "online, clip 0.5, momentum 0.9, decay 1e-3",
            options: Options {
                batch: Batch::Online,
                ..lesson
            },
            hyper: |lr| Hyper {
                clip: 0.5,
                momentum: 0.9,
                weight_decay: 1e-3,
                ..Hyper::lr(lr * 0.05)
            },
        },
        Trainer {
            name: "relu, bce, online, momentum 0.5",
            options: Options {
                activation: Activation::Relu,
                loss: Loss::Bce,
                batch: Batch::Online,
                ..lesson
            },
            hyper: |lr| Hyper {
                momentum: 0.5,
                ..Hyper::lr(lr * 0.05)
            },
        },
    ]
}

/// `random_nets` as nets of `trainer`.
pub fn trainer_nets(trainer: &Trainer, seed: u64, n: usize) -> Vec<xorsweep::train::Net> {
    random_nets(seed, n)
        .into_iter()
        .map(|(init, lr)| xorsweep::train::Net {
            init,
            hyper: (trainer.hyper)(lr),
            options: trainer.options,
        })
        .collect()
}
