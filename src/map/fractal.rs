//! The boundary between trained and untrained pixels and its box-counting dimension.
//!
//! Boundary pixels are the 2×2 neighbourhoods that mix trained and untrained nets: a grid of
//! (nx − 1) × (ny − 1) blocks. Box counting covers that grid with boxes of side 2, 4, … up to a
//! quarter of the map's shorter side, counts the boxes holding any boundary, and fits the slope of
//! ln(count) against ln(1/side) by least squares (Sohl-Dickstein 2024 does the same). A smooth
//! curve gives 1, a boundary that fills the plane gives 2.

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

/// The share of boundary blocks around a zoom target that a zoom sequence looks for: a smooth
/// curve through a window covers a few percent of it, plane-filling noise most of it; in between
/// are the filaments and islands worth zooming into.
pub const TARGET_DENSITY: f64 = 0.2;

/// Where a zoom sequence goes next. Candidates are the boundary blocks within a quarter of the
/// map's side from its centre whose surroundings (a window of an eighth of the side) are calm:
/// `chaos(i, j, half)`, the chaotic share of the pixels sampled in that window, at most
/// `calm` — or, if no candidate's is, as low as any candidate's (rounded to 1/1024). Among them
/// the one whose window is closest to [`TARGET_DENSITY`] boundary, so that the zoom follows an
/// intricate stretch rather than the nearest smooth line or a band of noise; ties go to the block
/// nearest the centre, then the lowest row and column. Returned as the fractional pixel position
/// of the block's centre, (i + 0.5, j + 0.5) for block (i, j).
pub fn zoom_target(
    mask: &[bool],
    w: usize,
    h: usize,
    calm: f64,
    chaos: impl Fn(usize, usize, usize) -> f64,
) -> Option<(f64, f64)> {
    // Summed-area table: sat[(j)(w+1) + i] = boundary blocks in [0, i) × [0, j).
    let mut sat = vec![0u32; (w + 1) * (h + 1)];
    for j in 0..h {
        let mut row = 0;
        for i in 0..w {
            row += u32::from(mask[j * w + i]);
            sat[(j + 1) * (w + 1) + i + 1] = sat[j * (w + 1) + i + 1] + row;
        }
    }
    let half = (w.min(h) / 16).max(1);
    let count = |i: usize, j: usize| {
        let (i0, j0) = (i.saturating_sub(half), j.saturating_sub(half));
        let (i1, j1) = ((i + half + 1).min(w), (j + half + 1).min(h));
        sat[j1 * (w + 1) + i1] + sat[j0 * (w + 1) + i0]
            - sat[j0 * (w + 1) + i1]
            - sat[j1 * (w + 1) + i0]
    };
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let reach = (w.min(h) as f64 / 4.0).max(1.0);
    let dist2 = |i: usize, j: usize| (i as f64 + 0.5 - cx).powi(2) + (j as f64 + 0.5 - cy).powi(2);
    let window = ((2 * half + 1) * (2 * half + 1)) as f64;
    // How far a window's boundary density is from the target (in parts per 1024, so that ties
    // are exact).
    let miss = |c: u32| ((f64::from(c) / window - TARGET_DENSITY).abs() * 1024.0).round() as u32;
    let per_1024 = |x: f64| (x * 1024.0).round() as u32;
    let mut candidates: Vec<(u32, u32, f64, usize, usize)> = Vec::new();
    for j in 0..h {
        for i in 0..w {
            if !mask[j * w + i] || dist2(i, j) > reach * reach {
                continue;
            }
            let c = per_1024(chaos(i, j, half));
            candidates.push((c, miss(count(i, j)), dist2(i, j), i, j));
        }
    }
    let lowest = candidates.iter().map(|c| c.0).min()?;
    let limit = lowest.max(per_1024(calm));
    let mut best: Option<(u32, f64, usize, usize)> = None;
    for &(_, m, d, i, j) in candidates.iter().filter(|c| c.0 <= limit) {
        if best.is_none_or(|(bm, bd, _, _)| m < bm || (m == bm && d < bd)) {
            best = Some((m, d, i, j));
        }
    }
    best.map(|(_, _, i, j)| (i as f64 + 0.5, j as f64 + 0.5))
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
        // A lone point at the centre (a smooth line), a patch of 16 boundary blocks a little off
        // it (20 % of its 9 × 9 window), a solid one far away.
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
        let calm = |_: usize, _: usize, _: usize| 0.0;
        let (x, y) = zoom_target(&mask, w, h, 0.05, calm).unwrap();
        assert!(
            (24.0..28.0).contains(&x) && (36.0..40.0).contains(&y),
            "{x} {y}"
        );
        // The same patch where rounding decides: the zoom goes to the calm lone point instead.
        let chaotic_patch = |i: usize, j: usize, _: usize| {
            if (20..32).contains(&i) && (32..44).contains(&j) {
                0.6
            } else {
                0.0
            }
        };
        assert_eq!(
            zoom_target(&mask, w, h, 0.05, chaotic_patch),
            Some((32.5, 32.5))
        );
        let mut lone = vec![false; w * h];
        lone[30 * w + 33] = true;
        assert_eq!(zoom_target(&lone, w, h, 0.05, calm), Some((33.5, 30.5)));
        assert_eq!(zoom_target(&[false; 4], 2, 2, 0.05, calm), None);
    }
}
