//! `/net`: one pixel's net, for the page to open: its axis values, initial weights and trainer
//! (named as the report's trainer reads them, so `trainer.js` replays it), what the map kernel
//! made of it, and the command that trains it again. For a map in f32 or double-double, also
//! the net's run in the map's own lanes ([`LanesRun`]): the page's f64 replay is not their
//! arithmetic (the f32 lanes' `exp` is their own), so the server trains the net again in them.

use serde::Serialize;

use super::query::Query;
use super::tile::TileKey;
use crate::map::compute::{self, Pixel};
use crate::map::spec::MapSpec;
use crate::report::schema::TrainerColumns;
use crate::train::{Net, NetLo, Params, Precision, TrainSpec, batch};

/// The parameters of a net request: its tile's, and the pixel's column and row in it.
pub const NET_KEYS: [&str; 6] = ["z", "tx", "ty", "n", "i", "j"];

#[derive(Serialize)]
struct Value {
    name: String,
    value: f64,
}

/// What the kernel made of the net (the tile's pixel).
#[derive(Serialize)]
struct Outcome {
    trained: bool,
    converged: bool,
    diverged: bool,
    final_loss: f32,
    mean_loss: f32,
    solved_epoch: Option<f32>,
}

impl Outcome {
    fn of(p: &Pixel) -> Outcome {
        Outcome {
            trained: p.trained,
            converged: p.converged,
            diverged: p.diverged,
            final_loss: p.final_loss,
            mean_loss: p.mean_loss,
            solved_epoch: (!p.solved_epoch.is_nan()).then_some(p.solved_epoch),
        }
    }
}

/// Loss epochs and weight frames a lanes run sends: enough for a 360 px curve and a smooth
/// moving boundary, each spaced evenly over 0..=epochs.
const LOSS_POINTS: u32 = 1001;
const FRAMES: u32 = 101;

/// A net's run in the map's own lanes (`train::batch`): the loss at `loss_epochs`, the weights
/// at `frames`, and its outcome as the lanes computed it.
#[derive(Serialize)]
struct LanesRun {
    loss_epochs: Vec<u32>,
    loss: Vec<f64>,
    frames: Vec<u32>,
    weights: Vec<[f64; crate::train::N_PARAMS]>,
    trained: bool,
    diverged: bool,
    solved_epoch: Option<u32>,
    final_loss: f64,
}

/// At most `n` epochs spaced evenly over 0..=`epochs`, 0 and `epochs` among them.
fn spaced(epochs: u32, n: u32) -> Vec<u32> {
    if epochs < n {
        return (0..=epochs).collect();
    }
    let step = |k: u32| (u64::from(k) * u64::from(epochs) / u64::from(n - 1)) as u32;
    (0..n).map(step).collect()
}

/// `net` trained for `epochs` in the lanes of `precision`: the loss curve by [`batch::train`],
/// each frame's weights by [`batch::final_weights`].
fn lanes_run(precision: Precision, net: Net, epochs: u32) -> LanesRun {
    let spec = TrainSpec::new(epochs, spaced(epochs, LOSS_POINTS), None);
    let (outcome, curve) = batch::train(precision, &[net], &spec).remove(0);
    let frames = spaced(epochs, FRAMES);
    let weights = frame_weights(precision, net, &frames)
        .into_iter()
        .map(|w| w.map(|(hi, _)| hi))
        .collect();
    LanesRun {
        loss_epochs: spec.log_epochs,
        loss: curve.loss,
        frames,
        weights,
        trained: outcome.correct == 4,
        diverged: outcome.diverged,
        solved_epoch: outcome.solved_epoch,
        final_loss: outcome.final_loss,
    }
}

/// The weights of `net` at each epoch of `frames` (rising), in the lanes' full precision. A net
/// without momentum has no state but its weights, so each frame goes on from the last one (its
/// weights loaded as they were stored, the low parts of double-doubles with them): one run's
/// work in all, where training each frame from epoch 0 was about fifty (seconds for a dd net
/// of 20 000 epochs). A net with momentum has a velocity the lanes do not hand back: each of
/// its frames is trained from epoch 0.
fn frame_weights(precision: Precision, net: Net, frames: &[u32]) -> Vec<[(f64, f64); 9]> {
    if net.hyper.momentum != 0.0 {
        let from_0 = |&e: &u32| batch::final_weights(precision, &[net], None, e)[0];
        return frames.iter().map(from_0).collect();
    }
    let (mut at, mut w) = (0, net.init.0.map(|x| (x, 0.0)));
    let mut weights = Vec::with_capacity(frames.len());
    for &e in frames {
        let from = Net {
            init: Params(w.map(|(hi, _)| hi)),
            ..net
        };
        let lows = NetLo {
            init: Params(w.map(|(_, lo)| lo)),
            ..NetLo::zero()
        };
        w = batch::final_weights(precision, &[from], Some(&[lows]), e - at)[0];
        at = e;
        weights.push(w);
    }
    weights
}

#[derive(Serialize)]
struct NetJson {
    x: Value,
    y: Value,
    p0: [f64; crate::train::N_PARAMS],
    o: TrainerColumns,
    epochs: u32,
    precision: &'static str,
    kernel: Outcome,
    /// The net trained again in the map's lanes; `None` (null) for an f64 map.
    lanes: Option<LanesRun>,
    /// `xorsweep map` flags of the pixel's tile, and where the net is in its map.csv.
    tile_axes: String,
    pixel: String,
}

/// The net of the pixel a query names, trained once by the map kernel (and, in an f32 or dd map,
/// again in its lanes: [`lanes_run`]): the JSON the page reads.
pub fn net(q: &Query, base: &MapSpec) -> Result<String, String> {
    let key = TileKey::from_query(q)?;
    let last = i64::from(key.n) - 1;
    let (i, j) = (q.int("i", 0, last, None)?, q.int("j", 0, last, None)?);
    let spec = key.spec(base)?;
    let k = (j * i64::from(key.n) + i) as usize;
    let (net, p): (_, Pixel) = compute::one_pixel(&spec, k);
    let json = NetJson {
        x: Value {
            name: spec.x.kind.to_string(),
            value: spec.x.value(i as u32),
        },
        y: Value {
            name: spec.y.kind.to_string(),
            value: spec.y.value(j as u32),
        },
        p0: net.init.0,
        o: TrainerColumns::of(&net.hyper, net.options),
        epochs: spec.epochs,
        precision: spec.precision.name(),
        kernel: Outcome::of(&p),
        lanes: (spec.precision != Precision::F64)
            .then(|| lanes_run(spec.precision, net, spec.epochs)),
        tile_axes: format!("--x {} --y {}", spec.x, spec.y),
        pixel: format!(
            "pixel {} of {} along x, {} of {} along y: row {} of map.csv",
            i + 1,
            key.n,
            j + 1,
            key.n,
            k + 1
        ),
    };
    Ok(serde_json::to_string(&json).expect("a net always serialises"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::spec::MapConfig;

    #[test]
    fn spaced_epochs_start_at_0_end_at_the_last_and_rise() {
        assert_eq!(spaced(300, 1001), (0..=300).collect::<Vec<_>>());
        assert_eq!(spaced(0, FRAMES), [0]);
        for (epochs, n) in [(100, 101), (20_000, 101), (20_000, 1001), (1 << 24, 1001)] {
            let s = spaced(epochs, n);
            assert_eq!((s.len(), s[0], s[s.len() - 1]), (n as usize, 0, epochs));
            assert!(s.windows(2).all(|w| w[0] < w[1]), "{epochs} {n}");
        }
    }

    /// A net's lanes run is its map pixel bit for bit (final loss, solved epoch, trained,
    /// diverged), in f32 over a window where some nets train and some do not, and in dd; its
    /// last frame is the run's final weights, its last loss the final loss.
    #[test]
    fn a_lanes_run_ends_where_the_map_kernel_s_pixel_does() {
        for (precision, n, epochs) in [(Precision::F32, 8, 300), (Precision::Dd, 3, 120)] {
            let spec = MapConfig {
                x: format!("lr-hidden:1..10:{n}:log").parse().unwrap(),
                y: format!("lr-out:10..100:{n}:log").parse().unwrap(),
                epochs,
                precision,
                ..MapConfig::default()
            }
            .validate()
            .unwrap();
            let trained = (0..spec.pixels()).filter(|&k| agrees(&spec, k)).count();
            if precision == Precision::F32 {
                assert!(trained > 0 && trained < spec.pixels(), "{trained} trained");
            }
        }
    }

    /// Frames that go on from the last one are, to the last bit of the lanes (dd's low parts
    /// too), each frame trained from epoch 0; with momentum too (trained from 0).
    #[test]
    fn each_frame_is_its_epochs_trained_from_the_start() {
        let mut net = compute::one_pixel(&MapConfig::default().validate().unwrap(), 7).0;
        let frames = spaced(90, 7);
        for precision in [Precision::F32, Precision::Dd, Precision::F64] {
            for momentum in [0.0, 0.5] {
                net.hyper.momentum = momentum;
                let from_0: Vec<_> = frames
                    .iter()
                    .map(|&e| batch::final_weights(precision, &[net], None, e)[0])
                    .collect();
                let bits = |w: &[[(f64, f64); 9]]| -> Vec<(u64, u64)> {
                    w.iter()
                        .flat_map(|f| f.map(|(h, l)| (h.to_bits(), l.to_bits())))
                        .collect()
                };
                let got = frame_weights(precision, net, &frames);
                assert_eq!(bits(&got), bits(&from_0), "{precision} β {momentum}");
                assert_ne!(got[1], got[2], "the weights move");
            }
        }
    }

    /// Pixel `k`'s lanes run against its map pixel; whether it trained.
    fn agrees(spec: &MapSpec, k: usize) -> bool {
        let (net, p) = compute::one_pixel(spec, k);
        let run = lanes_run(spec.precision, net, spec.epochs);
        let at = format!("{} pixel {k}", spec.precision);
        assert_eq!(
            (run.final_loss as f32).to_bits(),
            p.final_loss.to_bits(),
            "{at}"
        );
        let solved = run.solved_epoch.map(|e| e as f32);
        assert_eq!(
            solved,
            (!p.solved_epoch.is_nan()).then_some(p.solved_epoch),
            "{at}"
        );
        assert_eq!((run.trained, run.diverged), (p.trained, p.diverged), "{at}");
        let end = TrainSpec::new(spec.epochs, vec![], None);
        let params = batch::train(spec.precision, &[net], &end)[0].0.params;
        let bits = |w: &[f64; 9]| w.map(f64::to_bits);
        assert_eq!(run.weights.last().map(bits), Some(bits(&params.0)), "{at}");
        assert_eq!(run.frames.last(), Some(&spec.epochs));
        assert_eq!(
            run.loss.last().map(|l| l.to_bits()),
            Some(run.final_loss.to_bits())
        );
        p.trained
    }
}
