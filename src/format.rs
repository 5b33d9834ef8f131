//! Numbers for people, spelled once. Every number a person reads (the terminal summary,
//! report.html, chart labels and ticks, the `label` columns of the CSV files, the dry run, the
//! progress line) is written by one of the named formats below, so the same value reads the same
//! everywhere and typing what one place shows into the report's filter finds it, and map.csv's
//! numbers are [`exact_with`]'s. The page's trainer.js mirrors [`significant`] for the numbers a
//! net computes as it trains in the page, and nothing else (`tests/cli/report_browser.rs` holds the
//! two to the same strings).
//!
//! | what | format | e.g. |
//! | --- | --- | --- |
//! | a hyperparameter or axis value (learning rate, scale, momentum) | [`value`] | `8.788`, `0.5`, `1e-6` |
//! | ε of a near-symmetric init | [`exponent`] | `1e-3`, `1e-12` |
//! | a measured quantity (loss, hidden gap, an output) | [`measured`] | `0.01034`, `1.2e-5` |
//! | a chart tick or a number in a cramped label | [`tick`], [`fixed`] | `13.5`, `0.0769`, `0.50` |
//! | a loss as the lesson prints it (no exponent) | [`decimal`] | `0.000978` |
//! | a share of nets | [`share`], [`share_range`] | `84%`, `96.5%`, `76–84%` |
//! | a share where room is short (heat-map cells, ticks) | [`share_short`] | `12%`, `0.4%` |
//! | an epoch (or a median of epochs) | [`epochs`] | `3746`, `1345.5` |
//! | bytes, seconds | [`bytes`], [`seconds`] | `72.0 MiB`, `3.5 min` |
//! | a number a program reads back (sweep.toml, `data-v`, map.csv) | [`exact`] | `0.07692166378204152`, `2` |
//! | a float column of a CSV file (typed float by polars and pandas from its first row) | [`float_with`] | `0.07692166378204152`, `2.0`, `1e-12` |
//!
//! None is "–" in every format that takes an `Option`; NaN reads "NaN" and infinities "inf",
//! "-inf" where a format shows them at all.

/// Significant digits of a hyperparameter or axis value a person reads.
pub const VALUE_DIGITS: usize = 4;

/// Significant digits of a measured quantity.
pub const MEASURED_DIGITS: usize = 4;

/// Significant digits of a tick label.
pub const TICK_DIGITS: usize = 3;

/// What a format writes for "none".
pub const NONE: &str = "–";

/// `x` with at most `digits` significant digits, no trailing zeros, plain between 0.001 and 10⁶
/// (and never "-0"), like "2.5e-7" outside; "NaN", "inf" and "-inf" as such.
pub fn significant(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let digits = digits.max(1);
    let rounded: f64 = format!("{:.*e}", digits - 1, x).parse().unwrap_or(x);
    if rounded == 0.0 {
        return "0".into();
    }
    if (1e-3..1e6).contains(&rounded.abs()) {
        format!("{rounded}")
    } else {
        format!("{rounded:e}")
    }
}

/// A hyperparameter or axis value: [`VALUE_DIGITS`] significant digits, so a round value (a
/// typed one, or a snapped range point: [`crate::hyper::Values`]) reads exactly as typed.
pub fn value(x: f64) -> String {
    significant(x, VALUE_DIGITS)
}

/// A value read as a power of ten (the ε of near-symmetric inits, 1e-12 to 0.1): exact, in
/// exponent form ("1e-3", "2.5e-7"), as the init's label (`near-symmetric:1:1e-3`) spells it.
pub fn exponent(x: f64) -> String {
    format!("{x:e}")
}

/// A measured quantity (a loss, a hidden gap): [`MEASURED_DIGITS`] significant digits; NaN as
/// "–" (none was measured).
pub fn measured(x: f64) -> String {
    if x.is_nan() {
        NONE.into()
    } else {
        significant(x, MEASURED_DIGITS)
    }
}

/// A tick or a number in a cramped label: [`TICK_DIGITS`] significant digits.
pub fn tick(x: f64) -> String {
    significant(x, TICK_DIGITS)
}

/// `x` with exactly `decimals` decimals: the ticks of one linear axis, which share their
/// decimals ("0.0", "0.5", "1.0").
pub fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

/// A share as a percentage with one decimal: "12.3\u{a0}%".
pub fn percent(share: f64) -> String {
    format!("{:.1}\u{a0}%", 100.0 * share)
}

/// `x` with at most `digits` significant digits written out in decimals, never an exponent, as
/// the lesson prints losses: "0.0888", "0.000978".
pub fn decimal(x: f64, digits: usize) -> String {
    if !x.is_finite() || x == 0.0 {
        return significant(x, digits);
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (digits.max(1) as i32 - 1 - mag).clamp(0, 17) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A share of nets: whole percents from 10 % to 90 %, one decimal outside (so 0.5 % is not
/// "0%" and 99.5 % not "100%"), "<0.1%" and ">99.9%" at the very ends; exactly 0 and 1 as "0%"
/// and "100%"; "–" for none.
pub fn share(f: f64) -> String {
    if !f.is_finite() {
        NONE.into()
    } else if f > 0.0 && f < 0.001 {
        "<0.1%".into()
    } else if f > 0.999 && f < 1.0 {
        ">99.9%".into()
    } else if f == 0.0 || f == 1.0 || (0.1..=0.9).contains(&f) {
        // Halves rounded up (not to even, as `{:.0}` would).
        format!("{:.0}%", (100.0 * f).round())
    } else {
        format!("{:.1}%", (100.0 * f * 10.0).round() / 10.0)
    }
}

/// A range of shares: "76–84%", or one share when both ends read the same.
pub fn share_range(lo: f64, hi: f64) -> String {
    let (a, b) = (share(lo), share(hi));
    if a == b {
        a
    } else {
        format!("{}–{b}", a.trim_end_matches('%'))
    }
}

/// A share where room is short (a heat-map cell, an axis tick): whole percents, one
/// significant digit below 1 % ("12%", "0.4%", "100%"); "–" for none.
pub fn share_short(f: f64) -> String {
    if !f.is_finite() {
        return NONE.into();
    }
    let p = 100.0 * f;
    if p > 0.0 && p < 1.0 {
        format!("{}%", significant(p, 1))
    } else {
        format!("{p:.0}%")
    }
}

/// A signed difference of shares in percentage points, one decimal: "+16.0", "-2.8", "0.0";
/// "–" for none.
pub fn points(d: f64) -> String {
    if !d.is_finite() {
        return NONE.into();
    }
    let s = format!("{:+.1}", 100.0 * d);
    if s == "+0.0" || s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}

/// An epoch, or a median of epochs: whole, or with the .5 a median of two can have; "–" when
/// not finite.
pub fn epochs(x: f64) -> String {
    if !x.is_finite() {
        NONE.into()
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// [`epochs`] of an epoch that may not exist.
pub fn opt_epochs(x: Option<f64>) -> String {
    x.map_or(NONE.into(), epochs)
}

/// An f64 as the shortest text that reads back to the same f64, without a trailing ".0" (`2`,
/// `0.5`, `1e-12`, `0.07692166378204152`): what sweep.toml, the CSV files' numbers and the
/// report's sort keys hold. Infinities are "inf" and "-inf", NaN "NaN".
pub fn exact(x: f64) -> String {
    exact_with(x, str::to_string)
}

/// A float the exact writer spells: f64, or f32 (map.csv's measures, as the lanes computed
/// them: the shortest text that reads back to the same f32).
pub trait Exact: zmij::Float + Copy + Into<f64> {}
impl Exact for f32 {}
impl Exact for f64 {}

/// `f` of [`exact`]'s text, without allocating (map.csv's writer).
pub fn exact_with<X: Exact, R>(x: X, f: impl FnOnce(&str) -> R) -> R {
    spell(x, false, f)
}

/// `f` of a float column's text: [`exact`]'s, but a whole number keeps its ".0" (`0.0`, `2.0`,
/// `-3.0`; `1e16`, `1e-12`, `NaN`, `inf` as [`exact`] spells them). Every f64 field of a CSV
/// file goes through it, whatever its value: the column's type decides, so a reader that types a
/// column from its first rows (polars, pandas, DuckDB) reads momentum's `0.0, …, 0.9` as floats,
/// where `0, …, 0.9` made polars type it integer and then fail at `0.9`.
pub fn float_with<X: Exact, R>(x: X, f: impl FnOnce(&str) -> R) -> R {
    spell(x, true, f)
}

/// [`float_with`]'s text as a String.
pub fn float(x: f64) -> String {
    float_with(x, str::to_string)
}

/// The shortest text that reads back to `x`, written by zmij (several times faster than ryu,
/// which matters for a million-row runs.csv) and spelled as ryu spells it: no `+` in a positive
/// exponent (`1e300`), `NaN`, `inf`, `-inf`; a whole number's ".0" kept when `point`.
fn spell<X: Exact, R>(x: X, point: bool, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = zmij::Buffer::new();
    let v: f64 = x.into();
    let text = if v.is_nan() {
        "NaN"
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }
    } else {
        buf.format_finite(x)
    };
    // A byte search: `split_once("e+")` set up a substring searcher per number (2.6 % of a
    // `--runs-csv all` sweep's CPU time).
    match text.bytes().position(|b| b == b'e') {
        // Only for |x| ≥ 1e16: not worth a buffer of its own.
        Some(e) if text.as_bytes().get(e + 1) == Some(&b'+') => {
            f(&format!("{}e{}", &text[..e], &text[e + 2..]))
        }
        _ if point => f(text),
        _ => f(text.strip_suffix(".0").unwrap_or(text)),
    }
}

/// A size in binary units with one decimal: `812 B`, `72.0 MiB`, `23.2 GiB`.
pub fn bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = b as f64;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{b} B")
    } else {
        format!("{x:.1} {}", UNITS[unit])
    }
}

/// A duration with one decimal in seconds, minutes or hours: `4.2 s`, `3.5 min`, `2.0 h`.
pub fn seconds(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_ticks_read_well() {
        assert_eq!(value(8.788484346448943), "8.788");
        assert_eq!(value(0.05), "0.05");
        assert_eq!(value(32.0), "32");
        assert_eq!(value(0.17753), "0.1775");
        assert_eq!(value(1e-6), "1e-6");
        assert_eq!(exponent(0.001), "1e-3");
        assert_eq!(tick(1000.0), "1000");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(0.07692166378204152), "0.0769");
        assert_eq!(tick(13.520496761025612), "13.5");
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(2.5e-7), "2.5e-7");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(1e-300 * 1e-300), "0");
        assert_eq!(tick(f64::NAN), "NaN");
        assert_eq!(tick(f64::INFINITY), "inf");
        assert_eq!(significant(0.16666666, 4), "0.1667");
        assert_eq!(significant(20000.0, 2), "20000");
        assert_eq!(measured(f64::NAN), "–");
        assert_eq!(measured(f64::INFINITY), "inf");
        assert_eq!(decimal(0.25178813017184287, 3), "0.252");
        assert_eq!(decimal(9.78325611426522e-4, 3), "0.000978");
        assert_eq!(decimal(0.0034022868367758422, 3), "0.0034");
        assert_eq!(decimal(6.354893653794946e-5, 3), "0.0000635");
        assert_eq!(decimal(1234.4, 3), "1234");
        assert_eq!(decimal(0.0, 3), "0");
        assert_eq!(decimal(f64::NAN, 3), "NaN");
    }

    #[test]
    fn shares_keep_a_decimal_below_ten_and_above_ninety_percent() {
        assert_eq!(share(0.0), "0%");
        assert_eq!(share(0.005), "0.5%");
        assert_eq!(share(0.0975), "9.8%");
        assert_eq!(share(0.1), "10%");
        assert_eq!(share(0.84), "84%");
        assert_eq!(share(0.965), "96.5%");
        assert_eq!(share(0.9999), ">99.9%");
        assert_eq!(share(0.0004), "<0.1%");
        assert_eq!(share(1.0), "100%");
        assert_eq!(share(f64::NAN), "–");
        assert_eq!(share_range(0.76, 0.84), "76–84%");
        assert_eq!(share_range(0.003, 0.02), "0.3–2.0%");
        assert_eq!(share_range(1.0, 1.0), "100%");
        assert_eq!(share_short(0.12), "12%");
        assert_eq!(share_short(0.004), "0.4%");
        assert_eq!(share_short(1.0), "100%");
        assert_eq!(share_short(0.0), "0%");
    }

    #[test]
    fn epochs_exact_and_files_round_trip() {
        assert_eq!(epochs(3746.0), "3746");
        assert_eq!(epochs(1345.5), "1345.5");
        assert_eq!(epochs(f64::NAN), "–");
        assert_eq!(opt_epochs(None), "–");
        for (x, s) in [
            (1.0, "1"),
            (0.5, "0.5"),
            (1e-12, "1e-12"),
            (3.999999999999999, "3.999999999999999"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(exact(x), s);
        }
        for x in [0.07692166378204152, 1e300, -2.5e-7, 123456789.0] {
            assert_eq!(exact(x).parse::<f64>().unwrap(), x);
        }
        for (x, s) in [
            (0.0, "0.0"),
            (2.0, "2.0"),
            (-3.0, "-3.0"),
            (0.9, "0.9"),
            (1e-12, "1e-12"),
            (1e16, "1e16"),
            (1e300, "1e300"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(float(x), s);
            let back: f64 = float(x).parse().unwrap();
            assert!(back.to_bits() == x.to_bits() || x.is_nan() && back.is_nan());
        }
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(72 << 20), "72.0 MiB");
        assert_eq!(seconds(4.25), "4.2 s");
        assert_eq!(seconds(210.0), "3.5 min");
    }
}
