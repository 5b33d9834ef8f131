//! The boundary between trained and untrained pixels and its box-counting dimension.
//!
//! Two definitions of the boundary: the 2×2 neighbourhoods that mix trained and untrained nets
//! (a grid of (nx − 1) × (ny − 1) blocks; the primary one, as in Sohl-Dickstein 2024) and the
//! pixels with a 4-neighbour of the other verdict. Box counting covers a boundary with boxes of
//! side 2, 4, … up to a quarter of the map's shorter side, counts the boxes holding any
//! boundary, and fits the slope of ln(count) against ln(1/side) by least squares. A smooth curve
//! gives 1, a boundary that fills the plane gives 2.
//!
//! One fit is not the dimension. Measured on the paper condition's first frame, the slope rises
//! with the resolution (1.10, 1.19, 1.26, 1.32 at 100, 200, 400, 800 pixels a side) and moves
//! with the definition (1.33 with 4-neighbour pixels at 800): a finite picture of a fractal
//! boundary is a smooth curve below its pixel scale. So [`dimensions`] fits both definitions at
//! the frame's resolution and at every coarser one down to 64 pixels a side (the frame's pixels
//! taken every 2nd and 4th in both directions: the same window sampled more coarsely), and
//! reports the median of the fits with a range from the lowest fit less its standard error to
//! the highest plus its own. The range covers the resolution and definition dependence of this
//! frame; it says nothing of resolutions finer than the frame's.

use serde::Serialize;

/// The boundary mask of a trained/untrained grid (row-major, `nx` per row): one entry per 2×2
/// block, `(nx − 1) × (ny − 1)` of them, true where the block mixes.
pub fn boundary(trained: &[bool], nx: usize, ny: usize) -> Vec<bool> {
    assert_eq!(trained.len(), nx * ny, "one verdict per pixel");
    let (w, h) = (nx.saturating_sub(1), ny.saturating_sub(1));
    let mut out = Vec::with_capacity(w * h);
    for j in 0..h {
        let (a, b) = (
            &trained[j * nx..(j + 1) * nx],
            &trained[(j + 1) * nx..(j + 2) * nx],
        );
        out.extend((0..w).map(|i| {
            let n = [a[i], a[i + 1], b[i], b[i + 1]]
                .iter()
                .filter(|t| **t)
                .count();
            n != 0 && n != 4
        }));
    }
    out
}

/// The pixels of a `nx` × `ny` grid with a 4-neighbour of the other verdict (row-major).
pub fn pixel_boundary(trained: &[bool], nx: usize, ny: usize) -> Vec<bool> {
    assert_eq!(trained.len(), nx * ny, "one verdict per pixel");
    (0..nx * ny)
        .map(|k| {
            let (i, j, v) = (k % nx, k / nx, trained[k]);
            (i > 0 && trained[k - 1] != v)
                || (i + 1 < nx && trained[k + 1] != v)
                || (j > 0 && trained[k - nx] != v)
                || (j + 1 < ny && trained[k + nx] != v)
        })
        .collect()
}

/// The two boundary definitions, as [`Fit`] names them.
pub const BLOCKS: &str = "2×2 blocks";
pub const PIXELS: &str = "4-neighbour pixels";
/// The coarsest resolution fitted, in pixels a side (4 box sizes, 2 to 16).
pub const MIN_SIDE: usize = 64;

/// One box-counting fit: a boundary definition at one resolution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fit {
    pub definition: &'static str,
    /// Pixels a side of the grid fitted (the frame's, or every 2nd or 4th of them).
    pub nx: usize,
    pub ny: usize,
    pub dimension: Dimension,
}

/// A frame's dimension over its fits (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dimensions {
    /// The median of the fits.
    pub value: f64,
    /// The lowest fit less its standard error, the highest plus its own.
    pub low: f64,
    pub high: f64,
    pub fits: Vec<Fit>,
}

impl Dimensions {
    /// "1.49 (1.32–1.73)".
    pub fn text(&self) -> String {
        format!("{:.2} ({:.2}–{:.2})", self.value, self.low, self.high)
    }
}

/// Box counts of both boundary definitions at the frame's resolution and the coarser ones of
/// at least [`MIN_SIDE`] pixels a side; None if no fit has a dimension.
pub fn dimensions(trained: &[bool], nx: usize, ny: usize) -> Option<Dimensions> {
    let mut fits = Vec::new();
    for step in [1, 2, 4] {
        let (sx, sy) = (nx.div_ceil(step), ny.div_ceil(step));
        if step > 1 && sx.min(sy) < MIN_SIDE {
            break;
        }
        let grid: Vec<bool> = (0..sy)
            .flat_map(|j| (0..sx).map(move |i| (i, j)))
            .map(|(i, j)| trained[(j * step) * nx + i * step])
            .collect();
        let blocks = boundary(&grid, sx, sy);
        let pixels = pixel_boundary(&grid, sx, sy);
        let fitted = [
            (
                BLOCKS,
                box_dimension(&blocks, sx.saturating_sub(1), sy.saturating_sub(1)),
            ),
            (PIXELS, box_dimension(&pixels, sx, sy)),
        ];
        for (definition, d) in fitted {
            if let Some(dimension) = d {
                fits.push(Fit {
                    definition,
                    nx: sx,
                    ny: sy,
                    dimension,
                });
            }
        }
    }
    if fits.is_empty() {
        return None;
    }
    let value = crate::report::stats::median(fits.iter().map(|f| f.dimension.value).collect());
    let se = |f: &Fit| f.dimension.stderr.unwrap_or(0.0);
    let low = fits
        .iter()
        .map(|f| f.dimension.value - se(f))
        .fold(f64::INFINITY, f64::min);
    let high = fits
        .iter()
        .map(|f| f.dimension.value + se(f))
        .fold(f64::NEG_INFINITY, f64::max);
    Some(Dimensions {
        value,
        low,
        high,
        fits,
    })
}

/// A box-counting dimension with what it was fitted to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dimension {
    /// The fitted slope.
    pub value: f64,
    /// Its standard error (None with only two box sizes).
    pub stderr: Option<f64>,
    /// Box sides in pixels.
    pub sizes: Vec<u32>,
    /// Boxes holding boundary, per side.
    pub counts: Vec<u64>,
}

/// Box-counting dimension of a `w` × `h` mask (row-major). Sides 2, 4, … up to a quarter of the
/// shorter side of the map (`w + 1`, `h + 1` pixels). None when fewer than two sides fit (a map
/// under 16 pixels a side) or the mask is empty.
pub fn box_dimension(mask: &[bool], w: usize, h: usize) -> Option<Dimension> {
    assert_eq!(mask.len(), w * h, "a mask of w × h");
    let limit = (w.min(h) + 1) / 4;
    // occupied[j][i] at side s: does box (i, j) of side s hold boundary? Each side's grid is the
    // previous one pooled 2×2.
    let (mut cw, mut ch) = (w, h);
    let mut occ: Vec<bool> = mask.to_vec();
    let (mut sizes, mut counts) = (Vec::new(), Vec::new());
    let mut side = 1;
    while side * 2 <= limit {
        let (nw, nh) = (cw.div_ceil(2), ch.div_ceil(2));
        let mut next = vec![false; nw * nh];
        for j in 0..ch {
            for i in 0..cw {
                if occ[j * cw + i] {
                    next[(j / 2) * nw + i / 2] = true;
                }
            }
        }
        (occ, cw, ch, side) = (next, nw, nh, side * 2);
        sizes.push(side as u32);
        counts.push(occ.iter().filter(|o| **o).count() as u64);
    }
    if sizes.len() < 2 || counts.contains(&0) {
        return None;
    }
    let xs: Vec<f64> = sizes.iter().map(|&s| -f64::from(s).ln()).collect();
    let ys: Vec<f64> = counts.iter().map(|&c| (c as f64).ln()).collect();
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    let stderr = (xs.len() > 2).then(|| {
        let rss: f64 = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| (y - my - slope * (x - mx)).powi(2))
            .sum();
        (rss / (n - 2.0) / sxx).sqrt()
    });
    Some(Dimension {
        value: slope,
        stderr,
        sizes,
        counts,
    })
}

/// A summed-area table: `at(i, j)` = the sum over [0, i) × [0, j).
pub struct Sat {
    w: usize,
    sums: Vec<u32>,
}

impl Sat {
    pub fn of(values: &[u32], w: usize, h: usize) -> Sat {
        let mut sums = vec![0u32; (w + 1) * (h + 1)];
        for j in 0..h {
            let mut row = 0;
            for i in 0..w {
                row += values[j * w + i];
                sums[(j + 1) * (w + 1) + i + 1] = sums[j * (w + 1) + i + 1] + row;
            }
        }
        Sat { w, sums }
    }

    /// The sum over the window [i0, i1) × [j0, j1).
    pub fn window(&self, (i0, j0): (usize, usize), (i1, j1): (usize, usize)) -> u32 {
        let at = |i: usize, j: usize| self.sums[j * (self.w + 1) + i];
        at(i1, j1) + at(i0, j0) - at(i1, j0) - at(i0, j1)
    }
}

/// The share of boundary blocks around a zoom target that a zoom sequence prefers among equally
/// intricate ones: a smooth curve through a window covers a few percent of it, plane-filling
/// noise most of it.
pub const TARGET_DENSITY: f64 = 0.2;

/// Where a zoom sequence goes next (see [`zoom_target`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Target {
    /// The fractional pixel position of the block's centre, (i + 0.5, j + 0.5) for block (i, j).
    pub at: (f64, f64),
    /// The share of boundary pixels in its window that flip under a one-ulp nudge.
    pub chaos: f64,
    /// `chaos` at most the calm share asked for.
    pub calm: bool,
    /// The window's local box-count dimension between box sides 1 and 4: ln(n₁/n₄)/ln 4 (1 for
    /// a line, 2 for a filled window; 0 when it holds fewer boundary blocks than half its side).
    pub intricacy: f64,
}

/// Where a zoom sequence goes next. Candidates are the boundary blocks within a quarter of the
/// map's side from its centre; each is judged by its window (the 4 × 4 box it lies in and
/// ⌊side/64⌋ boxes either side: about an eighth of the side, the next frame's extent at a
/// 10-fold zoom): its boundary chaos `chaos(from, to)` over
/// the blocks [from, to) (None: nothing sampled there, counted as 1), and its intricacy
/// ([`Target::intricacy`]). Among the calm candidates (chaos at most `calm`; if none is, those
/// as low as the lowest, rounded to 1/1024) the most intricate (to 1/256) wins, so that the zoom
/// stays on a boundary that keeps its structure rather than walking off along a smooth line;
/// ties go to the window whose boundary density is nearest [`TARGET_DENSITY`], then to the
/// block nearest the centre, then the lowest row and column.
pub fn zoom_target(
    mask: &[bool],
    w: usize,
    h: usize,
    calm: f64,
    chaos: impl Fn((usize, usize), (usize, usize)) -> Option<f64>,
) -> Option<Target> {
    // Windows are whole 4 × 4 boxes: q boxes either side of the candidate's own.
    let q = (w.min(h) / 64).max(1);
    let ones = Sat::of(
        &mask.iter().map(|&b| u32::from(b)).collect::<Vec<_>>(),
        w,
        h,
    );
    let (w4, h4) = (w.div_ceil(4), h.div_ceil(4));
    let mut pooled = vec![0u32; w4 * h4];
    for k in (0..w * h).filter(|&k| mask[k]) {
        pooled[(k / w / 4) * w4 + (k % w) / 4] = 1;
    }
    let fours = Sat::of(&pooled, w4, h4);
    // The window in boxes, then in blocks.
    let window = |i: usize, j: usize| {
        let (b0, b1) = ((i / 4).saturating_sub(q), (j / 4).saturating_sub(q));
        let boxes = ((b0, b1), ((i / 4 + q + 1).min(w4), (j / 4 + q + 1).min(h4)));
        let blocks = (
            (4 * b0, 4 * b1),
            ((4 * boxes.1.0).min(w), (4 * boxes.1.1).min(h)),
        );
        (boxes, blocks)
    };
    let side = (4 * (2 * q + 1)) as f64;
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let reach = (w.min(h) as f64 / 4.0).max(1.0);
    let dist2 = |i: usize, j: usize| (i as f64 + 0.5 - cx).powi(2) + (j as f64 + 0.5 - cy).powi(2);
    let per = |x: f64, n: f64| (x * n).round() as u32;
    // (chaos per 1024, −intricacy per 256, density miss per 1024, distance², i, j)
    let mut candidates: Vec<(u32, i64, u32, f64, usize, usize, Target)> = Vec::new();
    for k in (0..w * h).filter(|&k| mask[k]) {
        let (i, j) = (k % w, k / w);
        if dist2(i, j) > reach * reach {
            continue;
        }
        let (boxes, (from, to)) = window(i, j);
        let n1 = f64::from(ones.window(from, to));
        let n4 = f64::from(fours.window(boxes.0, boxes.1));
        let intricacy = if n1 >= side / 2.0 {
            (n1 / n4).ln() / 4f64.ln()
        } else {
            0.0
        };
        let c = chaos(from, to).unwrap_or(1.0);
        let area = ((to.0 - from.0) * (to.1 - from.1)) as f64;
        let target = Target {
            at: (i as f64 + 0.5, j as f64 + 0.5),
            chaos: c,
            calm: c <= calm,
            intricacy,
        };
        let miss = per((n1 / area - TARGET_DENSITY).abs(), 1024.0);
        candidates.push((
            per(c, 1024.0),
            -i64::from(per(intricacy, 256.0)),
            miss,
            dist2(i, j),
            i,
            j,
            target,
        ));
    }
    let lowest = candidates.iter().map(|c| c.0).min()?;
    let limit = lowest.max(per(calm, 1024.0));
    candidates
        .into_iter()
        .filter(|c| c.0 <= limit)
        .min_by(|a, b| {
            (a.1, a.2)
                .cmp(&(b.1, b.2))
                .then(a.3.total_cmp(&b.3))
                .then((a.5, a.4).cmp(&(b.5, b.4)))
        })
        .map(|c| c.6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn dim_of_trained(trained: &[bool], n: usize) -> f64 {
        let m = boundary(trained, n, n);
        box_dimension(&m, n - 1, n - 1).unwrap().value
    }

    #[test]
    fn a_straight_boundary_is_one_dimensional() {
        let n = 512;
        let vertical: Vec<bool> = (0..n * n).map(|k| k % n < 200).collect();
        let d = dim_of_trained(&vertical, n);
        assert!((d - 1.0).abs() < 0.05, "vertical: {d}");
        let diagonal: Vec<bool> = (0..n * n).map(|k| k % n + 37 < k / n).collect();
        let d = dim_of_trained(&diagonal, n);
        assert!((d - 1.0).abs() < 0.05, "diagonal: {d}");
    }

    #[test]
    fn noise_fills_the_plane() {
        let n = 512;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // A square map filled with noise: nearly every 2×2 block mixes.
        let trained: Vec<bool> = (0..n * n)
            .map(|_| rng.random_range(0.0..1.0) < 0.5)
            .collect();
        let d = dim_of_trained(&trained, n);
        assert!((d - 2.0).abs() < 0.1, "noise: {d}");
    }

    /// The Koch curve (dimension ln 4 / ln 3 ≈ 1.2619), drawn into the mask directly.
    #[test]
    fn a_koch_curve_has_its_dimension() {
        let n = 1024;
        let mut pts = vec![(20.0f64, 300.0f64), (1004.0, 300.0)];
        for _ in 0..7 {
            let mut next = vec![pts[0]];
            for w in pts.windows(2) {
                let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                let (dx, dy) = ((x1 - x0) / 3.0, (y1 - y0) / 3.0);
                let a = (x0 + dx, y0 + dy);
                let b = (x0 + 2.0 * dx, y0 + 2.0 * dy);
                let (c, s) = (0.5, 3f64.sqrt() / 2.0);
                let peak = (a.0 + c * dx - s * dy, a.1 + s * dx + c * dy);
                next.extend([a, peak, b, (x1, y1)]);
            }
            pts = next;
        }
        let mut mask = vec![false; n * n];
        for w in pts.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let steps = ((x1 - x0).hypot(y1 - y0) * 4.0).ceil() as usize + 1;
            for t in 0..=steps {
                let f = t as f64 / steps as f64;
                let (x, y) = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
                mask[y as usize * n + x as usize] = true;
            }
        }
        let d = box_dimension(&mask, n, n).unwrap();
        let koch = 4f64.ln() / 3f64.ln();
        assert!((d.value - koch).abs() < 0.05, "koch: {d:?}");
        assert!(d.stderr.unwrap() < 0.05);
    }

    #[test]
    fn too_small_or_empty_has_no_dimension() {
        assert!(box_dimension(&[true; 100], 10, 10).is_none());
        assert!(box_dimension(&[false; 64 * 64], 64, 64).is_none());
        assert_eq!(boundary(&[true, false, true, true], 2, 2), [true]);
        assert_eq!(boundary(&[true; 4], 2, 2), [false]);
    }

    #[test]
    fn zoom_goes_to_intricate_boundary_near_the_centre() {
        let (w, h) = (64, 64);
        let mut mask = vec![false; w * h];
        // A lone point at the centre, a patch of 16 boundary blocks a little off it (a filled
        // 4 × 4 box: intricacy 2), a solid one out of reach.
        mask[32 * w + 32] = true;
        for j in 36..40 {
            for i in 24..28 {
                mask[j * w + i] = true;
            }
        }
        for j in 0..10 {
            for i in 0..10 {
                mask[j * w + i] = true;
            }
        }
        let calm = |_: (usize, usize), _: (usize, usize)| Some(0.0);
        let t = zoom_target(&mask, w, h, 0.05, calm).unwrap();
        let (x, y) = t.at;
        assert!(
            (24.0..28.0).contains(&x) && (36.0..40.0).contains(&y),
            "{t:?}"
        );
        assert!(t.calm && t.intricacy > 1.9, "{t:?}");
        // The same patch where rounding decides: the zoom goes to the calm lone point instead.
        let chaotic_patch = |from: (usize, usize), to: (usize, usize)| {
            let patch = from.0 < 28 && to.0 > 24 && from.1 < 40 && to.1 > 36;
            Some(if patch { 0.6 } else { 0.0 })
        };
        let t = zoom_target(&mask, w, h, 0.05, chaotic_patch).unwrap();
        assert_eq!((t.at, t.calm, t.intricacy), ((32.5, 32.5), true, 0.0));
        let mut lone = vec![false; w * h];
        lone[30 * w + 33] = true;
        assert_eq!(
            zoom_target(&lone, w, h, 0.05, calm).unwrap().at,
            (33.5, 30.5)
        );
        // Nothing calm anywhere: the least chaotic, flagged as not calm.
        let t = zoom_target(&lone, w, h, 0.05, |_, _| None).unwrap();
        assert_eq!((t.calm, t.chaos), (false, 1.0));
        assert_eq!(zoom_target(&[false; 4], 2, 2, 0.05, calm), None);
    }

    /// A straight line through the centre and a tangle off it: the zoom prefers the tangle,
    /// which packs more boundary into each 4 × 4 box, to the nearer line.
    #[test]
    fn zoom_prefers_a_tangled_boundary_to_a_straight_one() {
        let (w, h) = (128, 128);
        let mut mask = vec![false; w * h];
        for i in 0..w {
            mask[64 * w + i] = true;
        }
        // Every other block in rows and columns 72–88: 8 a box, intricacy 1.5.
        for j in 72..88 {
            for i in 72..88 {
                mask[j * w + i] = (i + j) % 2 == 0;
            }
        }
        let calm = |_: (usize, usize), _: (usize, usize)| Some(0.0);
        let t = zoom_target(&mask, w, h, 0.05, calm).unwrap();
        assert!(t.at.0 > 70.0 && t.at.1 > 70.0, "{t:?}");
        assert!((t.intricacy - 1.5).abs() < 0.01, "{t:?}");
        // Without the tangle, the line, at intricacy 1.
        for j in 72..88 {
            for i in 72..88 {
                mask[j * w + i] = false;
            }
        }
        let t = zoom_target(&mask, w, h, 0.05, calm).unwrap();
        assert_eq!((t.at, t.intricacy), ((63.5, 64.5), 1.0));
    }
}
