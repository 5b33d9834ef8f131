//! Axes: where a value goes and what its ticks say. Every chart plots on plain `f64`
//! coordinates; a log axis plots log10(x) and an epoch axis log10(1 + epoch), so epoch 0 (the
//! untrained net) still has a place. Ticks are chosen here once so that all charts read alike:
//! "1000" rather than "1000.0", powers of ten as 10⁻⁴ when an axis spans far from 1, and no
//! label that would be cut off at an edge.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use crate::format;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Linear,
    /// log10(x), for x > 0.
    Log,
    /// log10(1 + epoch): a log axis that keeps epoch 0.
    Epoch,
}

/// One axis: its scale, its range in plot coordinates, and its ticks.
#[derive(Clone, Debug)]
pub struct Axis {
    pub scale: Scale,
    range: Range<f64>,
    /// Labelled ticks: (plot coordinate, label).
    ticks: Vec<(f64, String)>,
    /// Unlabelled grid lines (plot coordinates).
    minor: Vec<f64>,
}

impl Axis {
    /// A linear axis over [lo, hi] with at most about `max_ticks` ticks at 1, 2 or 5 × 10ᵏ.
    pub fn linear(lo: f64, hi: f64, max_ticks: usize) -> Axis {
        let (lo, hi) = widen(lo, hi, 1.0);
        let raw = (hi - lo) / max_ticks.max(1) as f64;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0 * mag);
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let ticks = (first..=last)
            .map(|k| {
                let v = k as f64 * step;
                let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
                (v, format::fixed(v, decimals))
            })
            .collect();
        Axis {
            scale: Scale::Linear,
            range: lo..hi,
            ticks,
            minor: Vec::new(),
        }
    }

    /// A log axis over [lo, hi] (both > 0), ticked at powers of ten (every second or third one
    /// when it spans many decades; with 2× and 5× when it spans little more than one).
    pub fn log(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = widen(lo.log10(), hi.log10(), 0.5);
        let (d0, d1) = ((lo - 1e-9).ceil() as i32, (hi + 1e-9).floor() as i32);
        let decades: Vec<i32> = (d0..=d1).collect();
        let every = match decades.len() {
            0..=9 => 1,
            10..=18 => 2,
            _ => 3,
        };
        let superscript = decades.iter().any(|d| !(-3..=4).contains(d));
        let mut ticks: Vec<(f64, String)> = decades
            .iter()
            .filter(|d| d.rem_euclid(every) == 0)
            .map(|&d| (f64::from(d), power_label(d, superscript)))
            .collect();
        let mut minor: Vec<f64> = decades
            .iter()
            .filter(|d| d.rem_euclid(every) != 0)
            .map(|&d| f64::from(d))
            .collect();
        if decades.len() <= 4 {
            // Within about a decade, label 2× and 5× too, or every multiple if that is still
            // fewer than two labels.
            let multiples = |d: i32| {
                (2..=9)
                    .map(move |m| (m, (f64::from(m) * 10f64.powi(d)).log10()))
                    .filter(|(_, v)| (lo..=hi).contains(v))
            };
            let in_range = ((d0 - 1)..=d1).flat_map(multiples);
            let n25 = in_range.clone().filter(|(m, _)| *m == 2 || *m == 5).count();
            let label_all = decades.len() + n25 < 2;
            for (m, v) in in_range {
                if label_all || (decades.len() <= 1 && (m == 2 || m == 5)) {
                    ticks.push((v, format::tick(10f64.powf(v))));
                } else {
                    minor.push(v);
                }
            }
        }
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        Axis {
            scale: Scale::Log,
            range: lo..hi,
            ticks,
            minor,
        }
    }

    /// A log axis over exactly [lo, hi] (both > 0) at any depth of zoom: [`Axis::log`]'s powers
    /// of ten where it spans a decade or more, else plain numbers at 1, 2 or 5 × 10ᵏ steps (as
    /// many digits as the steps need), placed at their logarithms.
    pub fn log_zoomable(lo: f64, hi: f64) -> Axis {
        if hi / lo >= 10.0 {
            return Axis::log(lo, hi);
        }
        let lin = Axis::linear(lo, hi, 6);
        Axis {
            scale: Scale::Log,
            range: lo.log10()..hi.log10(),
            ticks: lin
                .ticks
                .into_iter()
                .filter(|t| t.0 > 0.0)
                .map(|(v, l)| (v.log10(), l))
                .collect(),
            minor: Vec::new(),
        }
    }

    /// Categories 0, 1, …, n − 1 (cells of a heat map), each labelled.
    pub fn categories(labels: Vec<String>) -> Axis {
        let n = labels.len().max(1) as f64;
        Axis {
            scale: Scale::Linear,
            range: -0.5..n - 0.5,
            ticks: labels
                .into_iter()
                .enumerate()
                .map(|(i, l)| (i as f64, l))
                .collect(),
            minor: Vec::new(),
        }
    }

    /// Fractions 0..=1 shown as percentages, with a little room so that 0 and 1 are not on the
    /// frame.
    pub fn fraction() -> Axis {
        Axis {
            scale: Scale::Linear,
            range: -0.03..1.05,
            ticks: (0..=5)
                .map(|i| (f64::from(i) / 5.0, format::share_short(f64::from(i) / 5.0)))
                .collect(),
            minor: (0..5).map(|i| (f64::from(i) + 0.5) / 5.0).collect(),
        }
    }

    /// The same ticks on the plot range [lo, hi] (ticks outside it dropped).
    pub fn clipped(mut self, lo: f64, hi: f64) -> Axis {
        self.range = lo..hi;
        self.ticks.retain(|t| (lo..=hi).contains(&t.0));
        self.minor.retain(|t| (lo..=hi).contains(t));
        self
    }

    /// Epochs 0..=max on a log10(1 + epoch) axis, ticked at 0, 1, 10, 100, …: written out up to
    /// 10000, and every power from 100 on as 10ⁿ when the axis reaches 10⁵ (so that one axis never
    /// mixes "10000" with "1e5").
    pub fn epochs(max: f64) -> Axis {
        let hi = (1.0 + max.max(1.0)).log10();
        let mut ticks = vec![(0.0, "0".to_string())];
        let mut minor = Vec::new();
        let mut p = 1.0f64;
        let powers = max >= 1e5;
        let mut d = 0;
        while p <= max.max(1.0) {
            ticks.push(((1.0 + p).log10(), power_label(d, powers && d > 1)));
            d += 1;
            for m in 2..=9 {
                let e = f64::from(m) * p;
                if e <= max {
                    minor.push((1.0 + e).log10());
                }
            }
            p *= 10.0;
        }
        Axis {
            scale: Scale::Epoch,
            range: 0.0..hi,
            ticks,
            minor,
        }
    }

    /// Only the labels that fit side by side on an axis `width` pixels long, `measure` giving a
    /// label's width in pixels: from the first, each keeps its label if it starts at least `gap`
    /// pixels after the last kept one ends; the others become unlabelled grid lines. What a
    /// narrow panel shows (every label where there is room, not every second one).
    pub fn fit(mut self, width: f64, gap: f64, measure: impl Fn(&str) -> f64) -> Axis {
        let (start, span) = (self.range.start, self.range.end - self.range.start);
        let mut end = f64::NEG_INFINITY;
        let (keep, drop): (Vec<_>, Vec<_>) = self.ticks.into_iter().partition(|(t, label)| {
            let centre = (t - start) / span * width;
            let half = measure(label) / 2.0;
            let fits = centre - half >= end + gap;
            if fits {
                end = centre + half;
            }
            fits
        });
        self.ticks = keep;
        self.minor.extend(drop.into_iter().map(|t| t.0));
        self
    }

    /// Plot coordinate of a data value; None where the value cannot be drawn (NaN, ±inf, ≤ 0 on
    /// a log axis).
    pub fn to(&self, v: f64) -> Option<f64> {
        let t = match self.scale {
            Scale::Linear => v,
            Scale::Log if v > 0.0 => v.log10(),
            Scale::Log => return None,
            Scale::Epoch if v >= 0.0 => (1.0 + v).log10(),
            Scale::Epoch => return None,
        };
        t.is_finite().then_some(t)
    }

    /// Plot coordinate of a data value that can be drawn and lies within the axis.
    pub fn to_within(&self, v: f64) -> Option<f64> {
        self.to(v)
            .filter(|t| self.range.start <= *t && *t <= self.range.end)
    }

    /// The range in plot coordinates.
    pub fn range(&self) -> Range<f64> {
        self.range.clone()
    }

    /// The coordinate spec for plotters: the range with these ticks and grid lines.
    pub fn spec(&self) -> Coord {
        Coord {
            range: self.range(),
            bold: self.ticks.iter().map(|t| t.0).collect(),
            light: self.minor.clone(),
        }
    }

    /// The label of the tick at plot coordinate `t` (plotters asks by value).
    pub fn label(&self, t: f64) -> String {
        self.ticks
            .iter()
            .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))
            .map(|x| x.1.clone())
            .unwrap_or_default()
    }

    /// The labelled ticks: (plot coordinate, label).
    pub fn ticks(&self) -> &[(f64, String)] {
        &self.ticks
    }

    /// The unlabelled grid lines (plot coordinates).
    pub fn minor(&self) -> &[f64] {
        &self.minor
    }
}

/// A plotters coordinate on plot coordinates with an [`Axis`]'s ticks as its key points (the
/// labels come from [`Axis::label`]).
pub struct Coord {
    range: Range<f64>,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for Coord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, (p0, p1): (i32, i32)) -> i32 {
        let f = (v - self.range.start) / (self.range.end - self.range.start);
        let px = f64::from(p1 - p0) * f;
        // Like plotters' own f64 coordinate; far-off and non-finite values land at an edge.
        p0 + if px.is_nan() {
            0
        } else {
            (px + 1e-3).floor().clamp(-1e6, 1e6) as i32
        }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// A range that is not empty or inverted: equal ends are spread by `pad` either way.
fn widen(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    match (lo.is_finite(), hi.is_finite()) {
        (true, true) if hi > lo => (lo, hi),
        (true, true) => (lo.min(hi) - pad, lo.max(hi) + pad),
        (true, false) => (lo - pad, lo + pad),
        (false, true) => (hi - pad, hi + pad),
        (false, false) => (0.0, 1.0),
    }
}

/// 10ᵈ as text: "10⁻⁴" in superscript style, else plainly ("0.001", "1", "1000").
pub fn power_label(d: i32, superscript: bool) -> String {
    if !superscript {
        return format::tick(10f64.powi(d));
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if d < 0 {
        s.push('⁻');
    }
    for c in d.unsigned_abs().to_string().chars() {
        s.push(SUP[c.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(a: &Axis) -> Vec<&str> {
        a.ticks().iter().map(|t| t.1.as_str()).collect()
    }

    #[test]
    fn powers_of_ten() {
        assert_eq!(power_label(-4, true), "10⁻⁴");
        assert_eq!(power_label(12, true), "10¹²");
        assert_eq!(power_label(0, true), "10⁰");
        assert_eq!(power_label(-2, false), "0.01");
        assert_eq!(power_label(3, false), "1000");
    }

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(
            labels(&Axis::linear(0.0, 20000.0, 8)),
            ["0", "5000", "10000", "15000", "20000"]
        );
        assert_eq!(
            labels(&Axis::linear(0.0, 1.0, 5)),
            ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        assert_eq!(
            labels(&Axis::linear(-0.5, 1.5, 4)),
            ["-0.5", "0.0", "0.5", "1.0", "1.5"]
        );
        // A degenerate range still gets ticks and never panics.
        assert!(!Axis::linear(3.0, 3.0, 5).ticks().is_empty());
        assert!(!Axis::linear(f64::NAN, f64::INFINITY, 5).ticks().is_empty());
    }

    #[test]
    fn log_ticks_are_decades() {
        let a = Axis::log(1e-5, 0.3);
        assert_eq!(labels(&a), ["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"]);
        assert_eq!(
            labels(&Axis::log(0.001, 10.0)),
            ["0.001", "0.01", "0.1", "1", "10"]
        );
        let wide = Axis::log(1e-13, 10.0);
        assert_eq!(
            labels(&wide),
            ["10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"]
        );
        // Within one decade: 2× and 5× are labelled too.
        assert_eq!(labels(&Axis::log(0.15, 0.6)), ["0.2", "0.5"]);
        // Within less than a decade and without 2× or 5×: every multiple.
        assert_eq!(labels(&Axis::log(1400.0, 4500.0)), ["2000", "3000", "4000"]);
        assert_eq!(a.to(0.01), Some(-2.0));
        assert_eq!(a.to(0.0), None);
        assert_eq!(a.to(f64::NAN), None);
        assert_eq!(a.label(-2.0000001), "10⁻²");
        assert_eq!(a.to_within(0.01), Some(-2.0));
        assert_eq!(a.to_within(100.0), None);
        // One value: a decade either side.
        assert_eq!(Axis::log(1.0, 1.0).range(), -0.5..0.5);
    }

    #[test]
    fn categories_sit_at_their_index() {
        let a = Axis::categories(vec!["a".into(), "b".into()]);
        assert_eq!(a.range(), -0.5..1.5);
        assert_eq!(a.label(1.0), "b");
        assert_eq!(Axis::categories(Vec::new()).range(), -0.5..0.5);
    }

    #[test]
    fn fraction_axis_is_in_percent() {
        let a = Axis::fraction();
        assert_eq!(labels(&a), ["0%", "20%", "40%", "60%", "80%", "100%"]);
        assert!(a.range().contains(&0.0) && a.range().contains(&1.0));
        let c = a.clipped(0.0, 0.5);
        assert_eq!(
            (c.range(), labels(&c)),
            (0.0..0.5, vec!["0%", "20%", "40%"])
        );
    }

    #[test]
    fn fitted_axes_drop_only_the_labels_that_collide() {
        // 8 px a character: "10000" is 40 px wide. The 20000-epoch axis puts 0, 1, 10, 100, 1000
        // and 10000 at 0, 7 %, 24 %, 47 %, 70 % and 93 % of its length.
        let by_chars = |s: &str| 8.0 * s.chars().count() as f64;
        let narrow = Axis::epochs(20000.0).fit(190.0, 6.0, by_chars);
        assert_eq!(labels(&narrow), ["0", "10", "100", "1000", "10000"]);
        // The dropped tick stays as a grid line.
        assert!(narrow.spec().light.contains(&(2f64).log10()));
        assert_eq!(
            labels(&Axis::epochs(20000.0).fit(600.0, 6.0, by_chars)).len(),
            6
        );
        // Too narrow for neighbours: every other one, the first always kept.
        let tiny = Axis::epochs(20000.0).fit(100.0, 6.0, by_chars);
        assert_eq!(labels(&tiny), ["0", "10", "1000"]);
    }

    #[test]
    fn epoch_axis_keeps_zero() {
        let a = Axis::epochs(20000.0);
        assert_eq!(labels(&a), ["0", "1", "10", "100", "1000", "10000"]);
        assert_eq!(a.to(0.0), Some(0.0));
        assert_eq!(a.to(9.0), Some(1.0));
        assert!((a.range().end - 20001f64.log10()).abs() < 1e-12);
        // Past 10⁵ every power from 100 is written as one.
        let long = Axis::epochs(200_000.0);
        assert_eq!(labels(&long), ["0", "1", "10", "10²", "10³", "10⁴", "10⁵"]);
    }
}
