//! `/net`: one pixel's net, for the page to open: its axis values, initial weights and trainer
//! (named as the report's trainer reads them, so `trainer.js` replays it), what the map kernel
//! made of it, and the command that trains it again.

use serde::Serialize;

use super::query::Query;
use super::tile::TileKey;
use crate::map::compute::{self, Pixel};
use crate::map::spec::MapSpec;
use crate::report::schema::TrainerColumns;

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

#[derive(Serialize)]
struct NetJson {
    x: Value,
    y: Value,
    p0: [f64; crate::train::N_PARAMS],
    o: TrainerColumns,
    epochs: u32,
    precision: &'static str,
    kernel: Outcome,
    /// `xorsweep map` flags of the pixel's tile, and where the net is in its map.csv.
    tile_axes: String,
    pixel: String,
}

/// The net of the pixel a query names, trained once by the map kernel: the JSON the page
/// reads.
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
        kernel: Outcome {
            trained: p.trained,
            converged: p.converged,
            diverged: p.diverged,
            final_loss: p.final_loss,
            mean_loss: p.mean_loss,
            solved_epoch: (!p.solved_epoch.is_nan()).then_some(p.solved_epoch),
        },
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
