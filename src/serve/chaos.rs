//! `/chaos`: whether rounding decides the pixels of the view, measured as `xorsweep map`
//! measures a frame (`map::boundary_chaos`, `map::collapse`, worded by `map::rounding_text`):
//! the tile under the view's centre at the view's level, trained as a [`SIZE`]² map, its
//! boundary pixels trained again nudged one ulp on the axes and on the weights and half a pixel
//! on the axes. A fixed size bounds the cost (at most 4·[`SIZE`]² nets), and the tile's window
//! makes it a key like a tile's, so it is cached and trained once however many ask.

use serde::Serialize;

use super::choice::Map;
use super::query::Query;
use super::tile::TileKey;
use crate::map::chaos::BoundaryChaos;
use crate::map::compute;
use crate::map::spec::{MapSpec, Measure};

/// Pixels a side of the map a view's chaos is measured on: its boundary is some hundreds of
/// pixels, enough for intervals of a few percent.
pub const SIZE: u32 = 128;
/// The parameters of a chaos request: the tile's place, the verdict, and the ids `/cancel`
/// names.
pub const CHAOS_KEYS: [&str; 6] = ["z", "tx", "ty", "v", "c", "r"];

#[derive(Serialize)]
struct ChaosJson {
    /// `--x … --y …` of the measured window.
    window: String,
    n: u32,
    verdict: &'static str,
    boundary_chaos: BoundaryChaos,
    axis_collapse: Option<String>,
    rounding_dominated: bool,
    text: String,
    /// Pixels (row-major, row 0 the lowest y) whose verdict a one-ulp nudge flipped.
    flipped: Vec<usize>,
}

/// The map a chaos request measures: `map`'s tile at [`SIZE`]², with the verdict `v` names
/// (trained or converged; absent: the map's own).
pub fn spec(q: &Query, map: &Map) -> Result<MapSpec, String> {
    let mut spec = TileKey::placed(q, SIZE)?.spec(&map.spec)?;
    match q.text("v")?.as_deref() {
        None => {}
        Some("trained") => spec.measure = None,
        Some("converged") => spec.measure = Some(Measure::Converged),
        Some(other) => {
            return Err(format!(
                "parameter 'v': '{}' is not a verdict (trained or converged)",
                other.escape_default()
            ));
        }
    }
    Ok(spec)
}

/// Measure `spec` on `pool` (see the module's docs), the JSON the page reads; None if `stop`
/// said stop.
pub fn measure(
    spec: &MapSpec,
    pool: &rayon::ThreadPool,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<u8>> {
    let hidden = indicatif::ProgressBar::hidden();
    let pixels = pool.install(|| compute::compute_until(spec, &hidden, stop))?;
    let verdicts: Vec<bool> = pixels.iter().map(|p| p.verdict(spec.verdict())).collect();
    let b = crate::map::boundary_chaos(spec, &verdicts, (pool, &hidden), stop)?;
    let collapse = crate::map::collapse(spec);
    let json = ChaosJson {
        window: format!("--x {} --y {}", spec.x, spec.y),
        n: SIZE,
        verdict: spec.verdict().name(),
        text: crate::map::rounding_text(&b, collapse.as_deref()),
        rounding_dominated: b.rounding_dominated || collapse.is_some(),
        flipped: b.flipped().collect(),
        axis_collapse: collapse,
        boundary_chaos: b,
    };
    Some(serde_json::to_vec(&json).expect("a chaos measure always serialises"))
}
