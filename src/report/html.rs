//! report.html: one self-contained page per sweep (inline CSS, charts by relative link, no
//! network), drawn from the same parsed CSV files as the charts plus sweep.toml, so `xorsweep
//! plot` rewrites it byte for byte. Every piece of text from the files is HTML-escaped.

use std::fmt::Write;

use super::charts::axis::sig_label;
use super::charts::data::{Cell, ChartData, Group};
use super::charts::{Chart, Rendered};
use crate::baseline::LESSON_LR;

/// The best MSE an exactly symmetric net can reach: it can fit at most three of the four cases.
pub const SYMMETRIC_BOUND: f64 = 1.0 / 6.0;

const STYLE: &str = "
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 0 auto; max-width: 1240px;
       padding: 1.5em 2em 4em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.lede { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e3e3e3; text-align: left; }
th { background: #f3f3f3; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
.summary { max-height: 40em; overflow: auto; border: 1px solid #ddd; }
.summary table { font-size: 0.85em; }
.summary td, .summary th { white-space: nowrap; }
.summary th { position: sticky; top: 0; }
figure { margin: 2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #444; margin-top: 0.4em; }
.warn { color: #a33; }
code, pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.9em; }
pre { background: #f6f6f6; padding: 0.8em; overflow: auto; }
";

/// Text made safe for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number for reading: 4 significant digits, "–" for none.
fn n4(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        sig_label(x, 4)
    }
}

/// A loss or gap for the table: 3 significant digits, "–" for none.
fn n3(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        sig_label(x, 3)
    }
}

fn opt_n4(x: Option<f64>) -> String {
    x.map_or("–".into(), n4)
}

/// An epoch count, exact: whole, or with the .5 a median of two can have.
fn epoch(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn opt_epoch(x: Option<f64>) -> String {
    x.map_or("–".into(), epoch)
}

fn pct(f: f64) -> String {
    if f.is_finite() {
        format!("{:.1}%", 100.0 * f)
    } else {
        "–".into()
    }
}

/// The whole page.
pub fn page(data: &ChartData, charts: &[Rendered], sweep_toml: &str) -> Vec<u8> {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>xorsweep report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<h1>xorsweep: what decides whether a 2-2-1 net learns XOR</h1>\n");
    h.push_str("<p class=\"lede\">Many tiny sigmoid networks (h₁ = σ(w₁₁x₁ + w₁₂x₂ + b₁), h₂ = σ(w₂₁x₁ + w₂₂x₂ + b₂), out = σ(v₁h₁ + v₂h₂ + c)) trained by full-batch gradient descent on the four XOR cases, across learning rates and initialisations. A net counts as <em>solved</em> once all four outputs are on the right side of 0.5.</p>\n");
    config_section(&mut h, data, sweep_toml);
    headline_section(&mut h, data);
    charts_section(&mut h, charts);
    summary_section(&mut h, data);
    h.push_str("</body>\n</html>\n");
    h.into_bytes()
}

fn config_section(h: &mut String, data: &ChartData, sweep_toml: &str) {
    h.push_str("<h2>The sweep</h2>\n");
    let nets: u64 = data.cells.iter().map(|c| c.nets).sum();
    let _ = writeln!(
        h,
        "<p>{} cells (init scheme × learning rate), {} nets in all. The configuration, as written to <code>sweep.toml</code> (rerun it with <code>xorsweep sweep --config sweep.toml</code>):</p>",
        data.cells.len(),
        nets
    );
    match sweep_toml.parse::<toml::Table>() {
        Ok(table) => {
            h.push_str("<table>\n<tbody>\n");
            for (k, v) in &table {
                let shown = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                let _ = writeln!(
                    h,
                    "<tr><th>{}</th><td><code>{}</code></td></tr>",
                    esc(k),
                    esc(&shown)
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        Err(_) => {
            let _ = writeln!(h, "<pre>{}</pre>", esc(sweep_toml));
        }
    }
}

fn headline_section(h: &mut String, data: &ChartData) {
    h.push_str("<h2>Headline numbers</h2>\n<ul>\n");
    match data
        .example_near("lesson", LESSON_LR)
        .filter(|e| e.lr == LESSON_LR)
    {
        Some(e) => {
            let solved = match e.solved_epoch {
                Some(s) => format!("solved XOR at epoch {s} (all four cases right from then on)"),
                None => format!("did not solve XOR ({} of 4 cases right)", e.correct),
            };
            // What the lesson's own printout ends with: the loss at its last printed epoch.
            let last_printed = f64::from(crate::baseline::LESSON_STEPS - 1);
            let printed = data
                .baseline
                .as_ref()
                .and_then(|b| {
                    let i = b.epoch.iter().position(|&x| x == last_printed)?;
                    Some(format!(
                        "loss {} at epoch {last_printed}, the lesson's last printed line; ",
                        n4(b.loss[i])
                    ))
                })
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<li><strong>The lesson's net</strong> (its fixed weights, learning rate {}): {}final loss {} after {} epochs; {}.</li>",
                n4(e.lr),
                esc(&printed),
                n4(e.final_loss),
                data.cells
                    .iter()
                    .find(|c| c.cell == e.cell)
                    .and_then(|c| c.curve.epoch.last())
                    .map_or("all".into(), |x| n4(*x)),
                esc(&solved)
            );
        }
        None => h.push_str("<li>The sweep has no lesson net at learning rate 2.</li>\n"),
    }
    let symmetric: Vec<&Cell> = data
        .cells
        .iter()
        .filter(|c| c.scheme.init == "symmetric")
        .collect();
    if !symmetric.is_empty() {
        let nets: u64 = symmetric.iter().map(|c| c.nets).sum();
        let solved: u64 = symmetric.iter().map(|c| c.solved).sum();
        let best = symmetric
            .iter()
            .map(|c| c.final_loss_best)
            .filter(|x| !x.is_nan())
            .fold(f64::INFINITY, f64::min);
        let verdict = if best >= SYMMETRIC_BOUND {
            "none got below the bound, as the symmetry argument says".to_string()
        } else {
            "<span class=\"warn\">below the bound: this contradicts the symmetry argument</span>"
                .to_string()
        };
        let _ = writeln!(
            h,
            "<li><strong>Exactly symmetric nets</strong> (both hidden units identical): {solved} of {nets} solved XOR; best final loss {} against the bound 1/6 = {}: {verdict}.</li>",
            sig_label(best, 6),
            sig_label(SYMMETRIC_BOUND, 6)
        );
    }
    h.push_str("</ul>\n");
    let groups = data.groups();
    if groups.is_empty() {
        return;
    }
    h.push_str(
        "<p>Solved share per init scheme, over all its learning rates and at its best one:</p>\n",
    );
    h.push_str("<table>\n<thead><tr><th>init</th><th class=\"n\">nets</th><th class=\"n\">solved</th><th class=\"n\">share</th><th class=\"n\">best learning rate</th><th class=\"n\">share there</th><th class=\"n\">median epochs to solve there</th></tr></thead>\n<tbody>\n");
    for g in &groups {
        group_row(h, g);
    }
    h.push_str("</tbody>\n</table>\n");
}

fn group_row(h: &mut String, g: &Group) {
    let nets: u64 = g.cells.iter().map(|c| c.nets).sum();
    let solved: u64 = g.cells.iter().map(|c| c.solved).sum();
    // Best: highest share, then fewest epochs.
    let best = g.cells.iter().copied().max_by(|a, b| {
        a.solved_fraction.total_cmp(&b.solved_fraction).then(
            b.solved_epoch[1]
                .unwrap_or(f64::INFINITY)
                .total_cmp(&a.solved_epoch[1].unwrap_or(f64::INFINITY)),
        )
    });
    let share = if nets > 0 {
        solved as f64 / nets as f64
    } else {
        f64::NAN
    };
    let (lr, s, e) = match best {
        Some(b) if b.solved > 0 => (
            n4(b.lr),
            pct(b.solved_fraction),
            opt_epoch(b.solved_epoch[1]),
        ),
        _ => ("–".into(), "–".into(), "–".into()),
    };
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td class=\"n\">{nets}</td><td class=\"n\">{solved}</td><td class=\"n\">{}</td><td class=\"n\">{lr}</td><td class=\"n\">{s}</td><td class=\"n\">{e}</td></tr>",
        esc(&g.scheme.label()),
        pct(share)
    );
}

fn charts_section(h: &mut String, charts: &[Rendered]) {
    h.push_str("<h2>Charts</h2>\n");
    let mut skipped = Vec::new();
    for r in charts {
        match r {
            Rendered::Chart(Chart {
                file,
                title,
                caption,
                ..
            }) => {
                let _ = writeln!(
                    h,
                    "<figure>\n<img src=\"{}\" alt=\"{}\">\n<figcaption>{}</figcaption>\n</figure>",
                    esc(file),
                    esc(title),
                    esc(caption)
                );
            }
            Rendered::Skipped { file, why } => {
                skipped.push(format!("<li><code>{}</code>: {}</li>", esc(file), esc(why)))
            }
        }
    }
    if !skipped.is_empty() {
        let _ = writeln!(
            h,
            "<p>Not drawn for this sweep:</p>\n<ul>\n{}\n</ul>",
            skipped.join("\n")
        );
    }
}

fn summary_section(h: &mut String, data: &ChartData) {
    h.push_str("<h2>Every cell</h2>\n");
    h.push_str("<p>summary.csv, rounded for reading (the CSV has the exact numbers). Epochs to solve: median and quartiles over the nets that solved; final loss: median and quartiles over all nets; hidden gap: median at the end; the interval is the 95% Wilson interval of the solved share; “–” means none.</p>\n");
    h.push_str("<div class=\"summary\">\n<table>\n<thead><tr><th class=\"n\">cell</th><th>init</th><th class=\"n\">scale</th><th class=\"n\">ε</th><th class=\"n\">learning rate</th><th class=\"n\">nets</th><th class=\"n\">solved</th><th class=\"n\">share</th><th class=\"n\">95% interval</th><th class=\"n\">epochs to solve</th><th class=\"n\">[q1, q3]</th><th class=\"n\">final loss</th><th class=\"n\">[q1, q3]</th><th class=\"n\">best final loss</th><th class=\"n\">hidden gap</th><th class=\"n\">diverged</th></tr></thead>\n<tbody>\n");
    for c in &data.cells {
        let [e1, em, e3] = c.solved_epoch;
        let epoch_iqr = match (e1, e3) {
            (Some(a), Some(b)) => format!("[{}, {}]", epoch(a), epoch(b)),
            _ => "–".into(),
        };
        let [l1, lm, l3] = c.final_loss;
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">[{}, {}]</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">[{}, {}]</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            c.cell,
            esc(&c.scheme.init),
            opt_n4(c.scheme.scale),
            opt_n4(c.scheme.eps),
            n4(c.lr),
            c.nets,
            c.solved,
            pct(c.solved_fraction),
            pct(c.solved_ci95.0),
            pct(c.solved_ci95.1),
            opt_epoch(em),
            epoch_iqr,
            n3(lm),
            n3(l1),
            n3(l3),
            n3(c.final_loss_best),
            n3(c.median_hidden_gap),
            c.diverged
        );
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::data::Scheme;

    fn cell(init: &str, lr: f64, solved: u64, best: f64) -> Cell {
        Cell {
            cell: 0,
            scheme: Scheme {
                init: init.into(),
                scale: Some(1.0),
                eps: None,
            },
            lr,
            nets: 10,
            solved,
            solved_fraction: solved as f64 / 10.0,
            solved_ci95: (0.0, 1.0),
            solved_epoch: [None; 3],
            final_loss: [f64::NAN, 0.2, f64::INFINITY],
            final_loss_best: best,
            median_hidden_gap: 0.0,
            diverged: 0,
            curve: Default::default(),
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }

    #[test]
    fn page_states_the_symmetric_bound_and_escapes_config() {
        let data = ChartData {
            cells: vec![
                cell("symmetric", 2.0, 0, 0.17),
                cell("uniform<script>", 2.0, 7, 0.001),
            ],
            ..Default::default()
        };
        let charts = [Rendered::Skipped {
            file: "x.png",
            why: "no <data>".into(),
        }];
        let page =
            String::from_utf8(page(&data, &charts, "lr = \"0.5,<2>\"\nseeds = 10\n")).unwrap();
        assert!(
            page.contains(
                "0 of 10 solved XOR; best final loss 0.17 against the bound 1/6 = 0.166667"
            )
        );
        assert!(page.contains("none got below the bound"));
        assert!(page.contains("uniform&lt;script&gt;") && !page.contains("uniform<script>"));
        assert!(page.contains("<code>0.5,&lt;2&gt;</code>"));
        assert!(page.contains("no &lt;data&gt;"));
        assert!(page.contains("The sweep has no lesson net"));
        // NaN and infinite quartiles are shown, not hidden or crashed on.
        assert!(page.contains("<td class=\"n\">0.2</td><td class=\"n\">[–, inf]</td>"));
    }

    #[test]
    fn a_symmetric_net_below_the_bound_is_flagged() {
        let data = ChartData {
            cells: vec![cell("symmetric", 2.0, 0, 0.1)],
            ..Default::default()
        };
        let page = String::from_utf8(page(&data, &[], "")).unwrap();
        assert!(page.contains("class=\"warn\""));
    }
}
