//! Tiles: the opened map's window cut into 2^z × 2^z squares at zoom level z (in log space on
//! a log axis), tile (0, 0) at the window's low corner, each trained as a map of its own n × n
//! pixels. A tile *is* a map: its axes print as `xorsweep map --x … --y …` takes them, exactly
//! (shortest round-trip digits), and it is trained by `map::compute`, so the same command
//! gives the same pixels bit for bit.
//!
//! On the wire a tile is four little-endian planes of n² values, row 0 the lowest y: final
//! loss, mean of loss/loss₀ and first solved epoch (NaN: never) as f32 (what map's `.npy` files
//! hold), then one byte of flags per pixel (1 trained, 2 converged, 4 diverged).

use super::query::Query;
use crate::map::compute::Pixel;
use crate::map::spec::{AxisSpec, MapSpec};

/// The deepest zoom level: 2^52 tiles a side, past where f64 tells a log axis's pixels apart
/// (a request that deep is refused by the axis's own check, with its reason).
pub const MAX_ZOOM: i64 = 52;
/// The most pixels along a tile's side (a 256² tile is 65 536 nets).
pub const MAX_SIZE: i64 = 256;
/// How far past the opened window tiles may lie, in windows, on every side.
pub const BEYOND: i64 = 1;
/// The parameters of a tile request: zoom level, tile column and row, pixels a side, and the
/// client's and request's ids that `/cancel` names.
pub const TILE_KEYS: [&str; 6] = ["z", "tx", "ty", "n", "c", "r"];
/// Bytes per pixel on the wire.
pub const BYTES_PER_PIXEL: usize = 13;

/// What a tile's pixels are made from, whole: its own map (window, pixels a side, base net and
/// seed, trainer, epochs, precision), written exactly: the `Debug` text of its spec, every
/// number in shortest round-trip digits, so two keys are equal exactly when the two maps train
/// the same nets. The colouring and the zoom's label change no pixel and are left out; the
/// cache and the trainings in flight are keyed by it, so a page's chosen map never gets another
/// map's tile.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PixelsKey(String);

impl PixelsKey {
    pub fn of(spec: &MapSpec) -> PixelsKey {
        let pixels = MapSpec {
            measure: None,
            zoom: 1.0,
            zoom_factor: 1.0,
            zoom_sequence: 0,
            csv: false,
            ..spec.clone()
        };
        PixelsKey(format!("{pixels:?}"))
    }

    /// The same map, told apart by `what` else it is for (a chaos measure's verdict).
    pub fn with(self, what: &str) -> PixelsKey {
        PixelsKey(format!("{} {what}", self.0))
    }
}

/// Which tile: zoom level, column, row (from the window's low corner), pixels a side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileKey {
    pub z: u32,
    pub tx: i64,
    pub ty: i64,
    pub n: u32,
}

impl TileKey {
    /// The tile a query names, each parameter in its range.
    pub fn from_query(q: &Query) -> Result<TileKey, String> {
        let n = q.int("n", 1, MAX_SIZE, None)? as u32;
        TileKey::placed(q, n)
    }

    /// The tile at the place a query names (`z`, `tx`, `ty`), at `n` pixels a side.
    pub fn placed(q: &Query, n: u32) -> Result<TileKey, String> {
        let z = q.int("z", 0, MAX_ZOOM, None)?;
        let side = 1i64 << z;
        let (lo, hi) = (-BEYOND * side, (1 + BEYOND) * side - 1);
        Ok(TileKey {
            z: z as u32,
            tx: q.int("tx", lo, hi, None)?,
            ty: q.int("ty", lo, hi, None)?,
            n,
        })
    }

    /// The tile as a map: `base` over the tile's window at n × n pixels; the axis's own check
    /// refuses a window where neighbouring pixels' values collapse or a rate is not positive.
    pub fn spec(&self, base: &MapSpec) -> Result<MapSpec, String> {
        let x = window(&base.x, self.z, self.tx, self.n).map_err(|e| format!("x: {e}"))?;
        let y = window(&base.y, self.z, self.ty, self.n).map_err(|e| format!("y: {e}"))?;
        Ok(MapSpec {
            x,
            y,
            zoom_sequence: 0,
            csv: false,
            ..base.clone()
        })
    }
}

/// Tile `t` of 2^z along axis `a`, at `n` pixels.
fn window(a: &AxisSpec, z: u32, t: i64, n: u32) -> Result<AxisSpec, String> {
    let side = (1u64 << z) as f64;
    let (u0, u1) = if a.log {
        (a.lo.ln(), a.hi.ln())
    } else {
        (a.lo, a.hi)
    };
    let w = u1 - u0;
    let lo = u0 + w * (t as f64 / side);
    let hi = u0 + w * ((t + 1) as f64 / side);
    let (lo, hi) = if a.log {
        (lo.exp(), hi.exp())
    } else {
        (lo, hi)
    };
    AxisSpec { lo, hi, n, ..*a }.checked()
}

/// A tile's pixels on the wire (see the module's docs).
pub fn encode(pixels: &[Pixel]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels.len() * BYTES_PER_PIXEL);
    for f in [
        (|p: &Pixel| p.final_loss) as fn(&Pixel) -> f32,
        |p| p.mean_loss,
        |p| p.solved_epoch,
    ] {
        out.extend(pixels.iter().flat_map(|p| f(p).to_le_bytes()));
    }
    out.extend(
        pixels
            .iter()
            .map(|p| u8::from(p.trained) | u8::from(p.converged) << 1 | u8::from(p.diverged) << 2),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::spec::MapConfig;

    #[test]
    fn tiles_cut_the_window_and_neighbours_share_their_edges() {
        let base = MapConfig::default().validate().unwrap();
        let whole = TileKey {
            z: 0,
            tx: 0,
            ty: 0,
            n: 8,
        }
        .spec(&base)
        .unwrap();
        assert!((whole.x.lo - 0.1).abs() < 1e-15 && (whole.x.hi - 1000.0).abs() < 1e-12);
        let a = TileKey {
            z: 2,
            tx: 1,
            ty: 3,
            n: 8,
        }
        .spec(&base)
        .unwrap();
        let b = TileKey {
            z: 2,
            tx: 2,
            ty: 3,
            n: 8,
        }
        .spec(&base)
        .unwrap();
        assert_eq!(a.x.hi, b.x.lo);
        // A quarter of four decades is one decade: 1..10 (in log space).
        assert!((a.x.lo - 1.0).abs() < 1e-12 && (a.x.hi - 10.0).abs() < 1e-12);
        assert!((a.y.hi - 1000.0).abs() < 1e-9);
        assert_eq!(a.epochs, base.epochs);
        // So deep that neighbouring pixels' values collapse: refused with the axis's reason.
        let deep = TileKey {
            z: 52,
            tx: 0,
            ty: 0,
            n: 256,
        }
        .spec(&base)
        .unwrap_err();
        assert!(deep.contains("apart"), "{deep}");
    }

    #[test]
    fn pixel_keys_tell_apart_what_changes_pixels_and_nothing_else() {
        let base = MapConfig::default().validate().unwrap();
        let key = |spec: &MapSpec| {
            let t = TileKey {
                z: 1,
                tx: 0,
                ty: 1,
                n: 16,
            };
            PixelsKey::of(&t.spec(spec).unwrap())
        };
        let same = MapSpec {
            measure: Some(crate::map::spec::Measure::Converged),
            zoom: 10.0,
            ..base.clone()
        };
        assert_eq!(key(&base), key(&same));
        let mut f32s = base.clone();
        f32s.precision = crate::train::Precision::F32;
        let mut tanh = base.clone();
        tanh.options.activation = "tanh".parse().unwrap();
        let mut momentum = base.clone();
        momentum.hyper.momentum = 0.5;
        let mut longer = base.clone();
        longer.epochs += 1;
        let mut seed = base.clone();
        seed.seed += 1;
        let mut wider = base.clone();
        wider.x.hi = 2000.0;
        for other in [f32s, tanh, momentum, longer, seed, wider] {
            assert_ne!(key(&base), key(&other), "{other:?}");
        }
    }

    #[test]
    fn the_wire_holds_four_planes() {
        let p = Pixel {
            final_loss: 0.25,
            mean_loss: 0.5,
            solved_epoch: f32::NAN,
            trained: false,
            converged: true,
            diverged: false,
        };
        let bytes = encode(&[p, Pixel { trained: true, ..p }]);
        assert_eq!(bytes.len(), 2 * BYTES_PER_PIXEL);
        assert_eq!(bytes[0..4], 0.25f32.to_le_bytes());
        assert_eq!(bytes[8..12], 0.5f32.to_le_bytes());
        assert!(f32::from_le_bytes(bytes[16..20].try_into().unwrap()).is_nan());
        assert_eq!(bytes[24..26], [2, 3]);
    }
}
