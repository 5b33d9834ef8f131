//! Numbers for people: the one place that decides how a number a person reads is spelled
//! (labels, legends, the terminal). Files that programs read (CSV, TOML) keep the shortest text
//! that reads back to the same f64 instead.

/// `x` to `digits` significant digits, without trailing zeros (`8.788`, `0.05`, `32`).
pub fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (digits - 1 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
