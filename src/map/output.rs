//! The files of a map, as bytes: `.npy` arrays, the long CSV, the HTML page; and the one
//! function that writes them.

use std::fmt::Write as _;

use base64::Engine;

use super::compute::Pixel;
use super::spec::CSV_BYTES_PER_PIXEL;
use crate::outdir::{Layout, OutDir};
use crate::report::html::esc;

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
/// printed in its shortest round-trip form (`{:?}`: `1e300`, `1e-7`), so a row is at most
/// [`CSV_BYTES_PER_PIXEL`] bytes whatever the range, and the buffer is sized once for that.
pub fn csv(pixels: &[Pixel], xs: &[f64], ys: &[f64]) -> Vec<u8> {
    let mut s = String::with_capacity(pixels.len() * CSV_BYTES_PER_PIXEL as usize + 64);
    s.push_str("x,y,final_loss,mean_loss,solved_epoch,trained,diverged\n");
    for (k, p) in pixels.iter().enumerate() {
        let (x, y) = (xs[k % xs.len()], ys[k / xs.len()]);
        let epoch = if p.solved_epoch.is_nan() {
            String::new()
        } else {
            p.solved_epoch.to_string()
        };
        let _ = writeln!(
            s,
            "{x:?},{y:?},{:?},{:?},{epoch},{},{}",
            p.final_loss,
            p.mean_loss,
            u8::from(p.trained),
            u8::from(p.diverged)
        );
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

/// One row of the page's table of frames.
pub struct FrameRow {
    pub name: String,
    pub zoom: f64,
    pub x: String,
    pub y: String,
    /// Share of pixels trained (or converged, as the map's boundary is).
    pub share: f64,
    pub chaotic: String,
    pub dimension: String,
}

/// The page's style and script (the hover readout and the zoom command).
const CSS: &str = include_str!("map.css");
const JS: &str = include_str!("map.js");

/// map.html: the map (pointing at a net shows its axis values and outcome, a click the command
/// that zooms there), the zoom sequence and their dimensions on one self-contained page that
/// fits a phone. `page` is the script's data as JSON.
pub fn html(
    title: &str,
    verdict: &str,
    map_png: &[u8],
    page: &str,
    sheet_png: Option<&[u8]>,
    rows: &[FrameRow],
    toml: &str,
) -> Vec<u8> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{t}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<h1>{t}</h1>\n<p>One 2-2-1 XOR net per pixel, trained from the same base net with the hyperparameters of its place on the axes.</p>\n<dl>\n<dt>trained</dt><dd>all four outputs on the right side of 0.5 after the last epoch</dd>\n<dt>solved at epoch <i>e</i></dt><dd>all four right for the first time at epoch <i>e</i> (as in a sweep's <code>solved_epoch</code>; a net can solve and lose it again)</dd>\n<dt>converged</dt><dd>every loss finite and the mean of loss/loss₀ over the epochs below 1 (the paper's criterion)</dd>\n<dt>chaotic</dt><dd>the share of pixels whose verdict flips when both axis values move one ulp up; above 25 % the box count measures rounding, not a fractal boundary</dd>\n</dl>\n<p>The boundary between {verdict} and other pixels is measured by box counting (slope of log(boxes) against log(1/box side)).</p>\n<figure><img id=\"map-image\" src=\"{src}\" alt=\"trainability map\"><figcaption id=\"map-readout\" aria-live=\"polite\">Point at the map to read a net's axis values and outcome; click to get the command that zooms into that point.</figcaption></figure>\n<div class=\"zoom\"><pre id=\"map-zoom-command\">(click the map for the command that zooms into a point)</pre><button id=\"map-copy\" type=\"button\" hidden>copy</button></div>\n",
        t = esc(title),
        src = data_uri(map_png),
        verdict = esc(verdict)
    );
    let _ = write!(
        h,
        "<h2>Frames and boundary dimensions</h2>\n<div class=\"scroll\"><table>\n<tr><th>frame</th><th>zoom</th><th>x</th><th>y</th><th>{}</th><th>chaotic share</th><th>boundary</th></tr>\n",
        esc(verdict)
    );
    for r in rows {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}×</td><td>{}</td><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}</td></tr>",
            esc(&r.name),
            crate::format::tick(r.zoom),
            esc(&r.x),
            esc(&r.y),
            100.0 * r.share,
            esc(&r.chaotic),
            esc(&r.dimension)
        );
    }
    h.push_str("</table></div>\n");
    if let Some(sheet) = sheet_png {
        let _ = writeln!(
            h,
            "<h2>Zoom sequence</h2>\n<figure><img src=\"{}\" alt=\"zoom sequence\"></figure>",
            data_uri(sheet)
        );
    }
    let _ = write!(
        h,
        "<h2>Rerun</h2>\n<p><code>xorsweep map --config map.toml --out DIR</code> with this map.toml:</p>\n<pre>{}</pre>\n<script type=\"application/json\" id=\"map-data\">{}</script>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        esc(toml),
        page.replace("</", "<\\/")
    );
    h.into_bytes()
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
