//! The files of a map, as bytes: `.npy` arrays, the long CSV (the HTML page is [`super::page`]);
//! and the one function that writes them.

use std::fmt::Write as _;

use base64::Engine;

use super::compute::Pixel;
use super::spec::CSV_BYTES_PER_PIXEL;
use crate::format;
use crate::outdir::{Layout, OutDir};

/// A 2-D little-endian f32 array in NPY format 1.0, shape (ny, nx), C order: `values` row by
/// row, row 0 first.
pub fn npy_f32(ny: usize, nx: usize, values: impl Iterator<Item = f32>) -> Vec<u8> {
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({ny}, {nx}), }}");
    // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
    let used = 10 + header.len() + 1;
    header.push_str(&" ".repeat(used.next_multiple_of(64) - used));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + 4 * nx * ny);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The four measure arrays: (file name, bytes).
pub fn npy_files(pixels: &[Pixel], nx: usize, ny: usize) -> Vec<(String, Vec<u8>)> {
    let one = |f: fn(&Pixel) -> f32| npy_f32(ny, nx, pixels.iter().map(f));
    vec![
        ("final_loss.npy".into(), one(|p| p.final_loss)),
        ("mean_loss.npy".into(), one(|p| p.mean_loss)),
        ("solved_epoch.npy".into(), one(|p| p.solved_epoch)),
        (
            "trained.npy".into(),
            one(|p| if p.trained { 1.0 } else { 0.0 }),
        ),
    ]
}

/// map.csv: one row per pixel (x, y and every measure), the lowest y first. Every number is
/// written by the one number writer: the float columns by [`format::float_with`] (the shortest
/// text that reads back, a whole number with its ".0": `1e300`, `1e-7`, `2.0`, so that polars
/// and pandas type them float from the first row), `solved_epoch`, a whole number of steps, by
/// [`format::exact_with`] (`412`); so a row is at most [`CSV_BYTES_PER_PIXEL`] bytes whatever
/// the range, and the buffer is sized once for that.
pub fn csv(pixels: &[Pixel], xs: &[f64], ys: &[f64]) -> Vec<u8> {
    let mut s = String::with_capacity(pixels.len() * CSV_BYTES_PER_PIXEL as usize + 64);
    s.push_str("x,y,final_loss,mean_loss,solved_epoch,trained,diverged\n");
    let put = |x: f32, s: &mut String| format::float_with(x, |t| s.push_str(t));
    for (k, p) in pixels.iter().enumerate() {
        let (x, y) = (xs[k % xs.len()], ys[k / xs.len()]);
        format::float_with(x, |t| s.push_str(t));
        s.push(',');
        format::float_with(y, |t| s.push_str(t));
        s.push(',');
        put(p.final_loss, &mut s);
        s.push(',');
        put(p.mean_loss, &mut s);
        s.push(',');
        if !p.solved_epoch.is_nan() {
            format::exact_with(p.solved_epoch, |t| s.push_str(t));
        }
        let _ = writeln!(s, ",{},{}", u8::from(p.trained), u8::from(p.diverged));
    }
    s.into_bytes()
}

/// An image as a data URI.
pub fn data_uri(png: &[u8]) -> String {
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

/// Every top-level file a map writes (what `--force` may delete); the frames of a zoom
/// sequence go to [`FRAMES`].
pub const OUTPUTS: [&str; 10] = [
    "map.png",
    "map-raw.png",
    "final_loss.npy",
    "mean_loss.npy",
    "solved_epoch.npy",
    "trained.npy",
    "map.csv",
    "map.toml",
    "map.html",
    "manifest.json",
];
/// The subfolder of a zoom sequence's frames.
pub const FRAMES: &str = "frames";
/// The last file written, once every other is in place: a folder without it holds a map that
/// failed or was interrupted, which a rerun replaces without `--force`.
pub const FINISHED_BY: &str = "manifest.json";
/// What a map writes in its folder.
pub const LAYOUT: Layout = Layout {
    outputs: &OUTPUTS,
    subfolders: &[FRAMES],
    setup: &[],
    resumable: false,
    finished_by: Some(FINISHED_BY),
};

/// Write a map's files into its prepared folder, each atomically, [`FINISHED_BY`] last; names
/// may hold the one subfolder [`FRAMES`]. Frames an earlier map left there are removed first
/// (`--force`). `stop` is asked before each file: `Ok(false)` if it said stop, leaving an
/// unfinished map (no [`FINISHED_BY`]) that a rerun replaces.
pub fn write_outputs(
    dir: &OutDir,
    files: &[(String, Vec<u8>)],
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<bool> {
    let unfinished = |e: anyhow::Error| {
        e.context(format!(
            "the map is unfinished (no {FINISHED_BY}) and the files written so far are kept; fix the problem and rerun the same command (no --force needed)"
        ))
    };
    dir.remove_files_in(FRAMES, |name| {
        (name.starts_with("frame-") || name == "contact-sheet.png") && name.ends_with(".png")
    })
    .map_err(unfinished)?;
    let (last, rest): (Vec<_>, Vec<_>) = files.iter().partition(|f| f.0 == FINISHED_BY);
    for (name, bytes) in rest.into_iter().chain(last) {
        if stop() {
            return Ok(false);
        }
        dir.write(name, bytes).map_err(unfinished)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memory check budgets CSV_BYTES_PER_PIXEL a row: the longest numbers fit in it.
    #[test]
    fn a_map_csv_row_fits_its_budget_whatever_the_values() {
        let worst = Pixel {
            final_loss: -f32::MIN_POSITIVE * 1.5,
            mean_loss: -3.4028235e38,
            solved_epoch: 4_294_967_000.0,
            trained: true,
            converged: true,
            diverged: true,
        };
        let xs = [-1.2345678901234567e-300, 1e300];
        let ys = [-2.2250738585072014e-308];
        let bytes = csv(&[worst, worst], &xs, &ys);
        let text = String::from_utf8(bytes).unwrap();
        for row in text.lines().skip(1) {
            assert!(
                row.len() < CSV_BYTES_PER_PIXEL as usize,
                "{} bytes: {row}",
                row.len()
            );
        }
        assert!(text.contains("1e300,"), "{text}");
    }
}
