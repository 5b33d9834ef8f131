//! Colours that colour-blind readers can tell apart: viridis for ordered things (learning
//! rates, ε, values of a heat map) and the Okabe–Ito palette for a few unordered series.

use plotters::style::RGBColor;

/// matplotlib's viridis at 0, 0.1, …, 1; linear interpolation in between is within a few
/// units of the full 256-entry table.
const VIRIDIS: [(u8, u8, u8); 11] = [
    (68, 1, 84),
    (72, 36, 117),
    (65, 68, 135),
    (53, 95, 141),
    (42, 120, 142),
    (33, 145, 140),
    (34, 168, 132),
    (68, 191, 112),
    (122, 209, 81),
    (189, 223, 38),
    (253, 231, 37),
];

/// Viridis at `t` in [0, 1] (clamped; NaN gives the low end).
pub fn viridis(t: f64) -> RGBColor {
    interpolate(&VIRIDIS, t)
}

/// ColorBrewer's OrRd at 0, 0.125, …, 1: pale yellow to dark red, a second ordered palette that
/// viridis (no reds) never meets, for the other side of a trainability map's boundary.
const OR_RD: [(u8, u8, u8); 9] = [
    (255, 247, 236),
    (254, 232, 200),
    (253, 212, 158),
    (253, 187, 132),
    (252, 141, 89),
    (239, 101, 72),
    (215, 48, 31),
    (179, 0, 0),
    (127, 0, 0),
];

/// OrRd at `t` in [0, 1] (clamped; NaN gives the low end).
pub fn or_rd(t: f64) -> RGBColor {
    interpolate(&OR_RD, t)
}

fn interpolate(table: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (table.len() - 1) as f64;
    let i = (x.floor() as usize).min(table.len() - 2);
    let f = x - i as f64;
    let (a, b) = (table[i], table[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// `n` colours for ordered series: viridis from dark purple to yellow-green, stopping short of
/// the pale yellow end, which is hard to see on white.
pub fn series(n: usize) -> Vec<RGBColor> {
    (0..n)
        .map(|i| {
            let t = if n <= 1 {
                0.0
            } else {
                i as f64 / (n - 1) as f64
            };
            viridis(0.85 * t)
        })
        .collect()
}

/// Black or white, whichever reads better on `bg`.
pub fn text_on(bg: RGBColor) -> RGBColor {
    let l = 0.299 * f64::from(bg.0) + 0.587 * f64::from(bg.1) + 0.114 * f64::from(bg.2);
    if l > 140.0 {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    }
}

/// `c`, darkened where it is too light to read as text on white.
pub fn darker(c: RGBColor) -> RGBColor {
    let l = 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
    if l <= 120.0 {
        return c;
    }
    let k = 120.0 / l;
    let f = |x: u8| (f64::from(x) * k).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// `n` colours that can be told apart (Okabe–Ito's qualitative palette without its pale
/// yellow, ordered so that neighbours contrast; repeats after seven).
pub fn distinct(n: usize) -> Vec<RGBColor> {
    const SET: [RGBColor; 7] = [
        RGBColor(0, 114, 178),
        RGBColor(230, 159, 0),
        RGBColor(0, 0, 0),
        RGBColor(0, 158, 115),
        RGBColor(213, 94, 0),
        RGBColor(86, 180, 233),
        RGBColor(204, 121, 167),
    ];
    (0..n).map(|i| SET[i % SET.len()]).collect()
}

/// Okabe–Ito blue.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Okabe–Ito orange.
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const GREY: RGBColor = RGBColor(110, 110, 110);
pub const LIGHT_GREY: RGBColor = RGBColor(225, 225, 225);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_middle() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 145, 140));
        assert_eq!(viridis(0.05), RGBColor(70, 19, 101));
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(or_rd(0.0), RGBColor(255, 247, 236));
        assert_eq!(or_rd(1.0), RGBColor(127, 0, 0));
        assert_eq!(or_rd(f64::NAN), or_rd(0.0));
    }

    #[test]
    fn series_are_distinct_and_readable() {
        let s = series(5);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0], viridis(0.0));
        assert_ne!(s[4], viridis(1.0));
        assert_eq!(series(1), vec![viridis(0.0)]);
        let d = distinct(7);
        assert!((0..7).all(|i| (0..i).all(|j| d[i] != d[j])));
        assert_eq!(distinct(8)[7], d[0]);
        assert!(series(0).is_empty());
        assert_eq!(text_on(viridis(0.0)), RGBColor(255, 255, 255));
        assert_eq!(text_on(viridis(1.0)), RGBColor(0, 0, 0));
        assert_eq!(darker(viridis(0.0)), viridis(0.0));
        let d = darker(viridis(0.85));
        assert!(0.299 * f64::from(d.0) + 0.587 * f64::from(d.1) + 0.114 * f64::from(d.2) <= 121.0);
    }
}
