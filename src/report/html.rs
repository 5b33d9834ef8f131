//! report.html: one self-contained page per sweep. The charts are embedded as PNG data URIs,
//! the style and the script are inline, and the explorer's numbers are embedded as JSON: no
//! request of any kind leaves the page, so a mailed report.html shows everything. It is drawn
//! from the same parsed CSV files as the charts plus sweep.toml, so `xorsweep plot` rewrites it
//! byte for byte. Every piece of text from the files is HTML-escaped.
//!
//! Everything is in the static HTML (headline, charts, every cell); the script only adds to it:
//! sorting and filtering of the cell table, and the explorer, which draws one cell's loss band,
//! solved-by-epoch curve and example net's decision boundary from the embedded data. Figures
//! open full size on tap through a CSS `:target` overlay, without the script. Narrow screens get
//! a page no wider than themselves: wide tables scroll inside their own box.

use std::fmt::Write;

use base64::Engine;
use serde::Serialize;

use super::charts::data::{Cell, ChartData, Example, closest};
use super::charts::loss_by_lr;
use super::charts::{Chart, ChartOptions, Rendered};
use super::findings::{self, Finding};
use super::schema::ROLE_FIRST;
use crate::baseline::LESSON_LR;
use crate::format::{self, NONE};
use crate::train::{Activation, Batch, Loss, N_PARAMS, OutputUnit};

/// The best MSE an exactly symmetric net can reach: it can fit at most three of the four cases.
pub const SYMMETRIC_BOUND: f64 = 1.0 / 6.0;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

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

/// The whole page.
pub fn page(
    data: &ChartData,
    charts: &[Rendered],
    sweep_toml: &str,
    opts: &ChartOptions,
) -> Vec<u8> {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>xorsweep report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<h1>xorsweep: what decides whether a 2-2-1 net learns XOR</h1>\n");
    h.push_str("<p class=\"lede\">Many tiny sigmoid networks (h₁ = σ(w₁₁x₁ + w₁₂x₂ + b₁), h₂ = σ(w₂₁x₁ + w₂₂x₂ + b₂), out = σ(v₁h₁ + v₂h₂ + c)) trained by full-batch gradient descent on the four XOR cases, across learning rates (the gradient-descent step size η) and initialisations. A net counts as <em>solved</em> once all four outputs are on the right side of 0.5.</p>\n");
    config_section(&mut h, data, sweep_toml);
    headline_section(&mut h, data);
    charts_section(&mut h, charts);
    explorer_section(&mut h, data, opts, sweep_toml);
    summary_section(&mut h, data);
    footer(&mut h, sweep_toml);
    h.push_str("<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
    h.into_bytes()
}

/// sweep.toml's keys in the order a reader wants them (what was swept, how much, then the
/// mechanics), with a few words each; keys not listed follow in file order.
const CONFIG_ORDER: [(&str, &str); 8] = [
    ("init", "init schemes"),
    ("lr", "learning rates"),
    ("seeds", "nets per cell"),
    ("epochs", "epochs per net"),
    ("seed", "master seed"),
    ("precision", "arithmetic"),
    ("runs_csv", "rows of runs.csv"),
    ("chunk_nets", "nets per work chunk"),
];

/// A config value as text pieces that may wrap between them but never inside one: list items,
/// and the comma-separated values within an item.
fn config_value(v: &toml::Value) -> String {
    let items: Vec<String> = match v {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect(),
        other => vec![other.to_string()],
    };
    items
        .iter()
        .map(|item| {
            let parts: Vec<String> = item
                .split(',')
                .map(|p| format!("<span class=\"tok\">{}</span>", esc(p)))
                .collect();
            parts.join(",<wbr>")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// With `--target-loss`: per init, how many nets got their loss below it and how fast.
fn target_note(h: &mut String, data: &ChartData, target: f64) {
    let _ = writeln!(
        h,
        "<p>Nets whose loss went below the target loss {target} (<code>--target-loss</code>), per init: share of nets, and the median epoch of the first such loss at the learning rate where that median is lowest.</p>\n<ul class=\"plain\">"
    );
    for g in data.groups() {
        let (nets, reached) = g.cells.iter().fold((0, 0), |(n, k), c| {
            (n + c.nets, k + c.target.map_or(0, |t| t.0))
        });
        let fastest = g
            .cells
            .iter()
            .filter_map(|c| Some((c.lr, c.target?.1?)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let _ = write!(
            h,
            "<li><span class=\"tok\">{}</span>: {reached} of {nets} nets",
            esc(&g.scheme.label())
        );
        if let Some((lr, e)) = fastest {
            let _ = write!(h, "; fastest at learning rate {}: median epoch {}", format::value(lr), format::epochs(e));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");
}

fn config_section(h: &mut String, data: &ChartData, sweep_toml: &str) {
    h.push_str("<h2>The sweep</h2>\n");
    let nets: u64 = data.cells.iter().map(|c| c.nets).sum();
    let _ = writeln!(
        h,
        "<p>{} cells (init scheme × learning rate), {} nets in all. The configuration, as written to <code>sweep.toml</code> (rerun it with <code class=\"tok\">xorsweep sweep --config sweep.toml</code>):</p>",
        data.cells.len(),
        nets
    );
    match sweep_toml.parse::<toml::Table>() {
        Ok(table) => {
            h.push_str("<div class=\"scroll\">\n<table class=\"config\">\n<tbody>\n");
            let known = CONFIG_ORDER
                .iter()
                .filter_map(|(k, what)| Some((*k, Some(*what), table.get(*k)?)));
            let rest = table
                .iter()
                .filter(|(k, _)| CONFIG_ORDER.iter().all(|(o, _)| o != k))
                .map(|(k, v)| (k.as_str(), None, v));
            for (k, what, v) in known.chain(rest) {
                let _ = writeln!(
                    h,
                    "<tr><th><code>{}</code>{}</th><td><code>{}</code></td></tr>",
                    esc(k),
                    what.map_or(String::new(), |w| format!(
                        "<br><span class=\"hint\">{w}</span>"
                    )),
                    config_value(v)
                );
            }
            h.push_str("</tbody>\n</table>\n</div>\n");
            if let Some(n) = table
                .get("runs_csv")
                .and_then(|v| v.as_str())
                .and_then(|v| v.strip_prefix("sample:"))
            {
                let _ = writeln!(
                    h,
                    "<p class=\"note\"><strong>runs.csv is a sample</strong>: about {} nets spread evenly over the sweep (<code>runs_csv = sample:{}</code>), not every net. Counts and shares from it are not the sweep's; this page, summary.csv and curves.csv cover all {nets} nets.</p>",
                    esc(n),
                    esc(n)
                );
            }
            if let Some(t) = table.get("target_loss").and_then(|v| v.as_float()) {
                target_note(h, data, t);
            }
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
                        format::measured(b.loss[i])
                    ))
                })
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<li><strong>The lesson's net</strong> (its fixed weights, learning rate {}): {}final loss {} after {} epochs; {}.</li>",
                format::value(e.lr),
                esc(&printed),
                format::measured(e.final_loss),
                data.cells
                    .iter()
                    .find(|c| c.cell == e.cell)
                    .and_then(|c| c.curve.epoch.last())
                    .map_or("all".into(), |x| format::epochs(*x)),
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
            format::significant(best, 6),
            format::significant(SYMMETRIC_BOUND, 6)
        );
    }
    h.push_str("</ul>\n");
    let groups = data.groups();
    if groups.is_empty() {
        return;
    }
    let plain: Vec<Finding> = groups
        .iter()
        .filter(|g| g.scheme.is_independent())
        .map(findings::finding)
        .filter(|f| f.best.is_some())
        .collect();
    if !plain.is_empty() {
        h.push_str("<p>No sweep of this size can rank learning rates whose solved shares have overlapping 95% intervals, so the best is a range: per init, the learning rates tied with the best one; and, of the rates whose share may be within 10% of the best's (the upper end of its 95% interval reaches 0.9 times the best's lower end), the fastest by median epoch of solving, with its 95% order-statistic interval.</p>\n<ul class=\"plain\">\n");
        for f in plain {
            // The sentence opens with the init's name.
            let rest = f
                .sentence
                .strip_prefix(f.init.as_str())
                .unwrap_or(&f.sentence);
            let _ = writeln!(h, "<li><strong>{}</strong>{}</li>", esc(&f.init), esc(rest));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(
        "<p>Per init scheme: solved share over all its learning rates, the learning rates tied with its best (95% intervals of the solved share overlap the best one's), and the fastest of the rates whose share may be within 10% of the best's, by median epoch of solving (rates tied on speed: their 95% intervals of the median overlap):</p>\n",
    );
    h.push_str("<div class=\"scroll\">\n<table class=\"headline\">\n<thead><tr><th>init</th><th class=\"n\">nets</th><th class=\"n\">solved overall</th><th class=\"n\">learning rates tied with the best</th><th class=\"n\">solved there</th><th class=\"n\">best share (95% interval)</th><th class=\"n\">fastest (tied on speed)</th><th class=\"n\">its median epochs to solve (95% interval)</th></tr></thead>\n<tbody>\n");
    for g in &groups {
        group_row(h, &findings::finding(g));
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
}

fn group_row(h: &mut String, f: &Finding) {
    let overall = if f.nets > 0 {
        f.solved as f64 / f.nets as f64
    } else {
        f64::NAN
    };
    let dash = || NONE.to_string();
    let (rates, there, best, fast, fast_e) = match (&f.best, &f.fastest) {
        (Some(b), Some(fa)) => {
            let there = f
                .tied_solved_range
                .map_or_else(dash, |(lo, hi)| format::share_range(lo, hi));
            let best = match b.solved_ci95 {
                Some((lo, hi)) => format!(
                    "{} at {} ({})",
                    format::share(b.solved_fraction),
                    format::value(b.lr),
                    format::share_range(lo, hi)
                ),
                None => format!(
                    "{} at {} (one net)",
                    format::share(b.solved_fraction),
                    format::value(b.lr)
                ),
            };
            let fast = f
                .fastest_lrs
                .iter()
                .map(|&x| format::value(x))
                .collect::<Vec<_>>()
                .join(", ");
            (
                f.tied_best_text.clone().unwrap_or_else(dash),
                there,
                best,
                fast,
                findings::speed(fa),
            )
        }
        _ => (dash(), dash(), dash(), dash(), dash()),
    };
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        esc(&f.init),
        f.nets,
        f.solved,
        format::share(overall),
        esc(&rates),
        esc(&there),
        esc(&best),
        esc(&fast),
        esc(&fast_e)
    );
}

/// Width and height from a PNG's IHDR chunk (0 × 0 if it is not a PNG).
fn png_size(png: &[u8]) -> (u32, u32) {
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    if png.len() >= 24 && png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR" {
        (be(&png[16..20]), be(&png[20..24]))
    } else {
        (0, 0)
    }
}

fn charts_section(h: &mut String, charts: &[Rendered]) {
    h.push_str("<h2 id=\"charts\">Charts</h2>\n<p class=\"hint\">Tap or click a chart to see it full size. <span class=\"js-only-inline\">The charts are drawn in the page, one panel per row on a narrow screen; point at (or tap) a line or a dot to read its values.</span></p>\n");
    let mut skipped = Vec::new();
    for r in charts {
        match r {
            Rendered::Chart(Chart {
                file,
                title,
                caption,
                png,
            }) => {
                let id = file.trim_end_matches(".png");
                let (w, ht) = png_size(png);
                let _ = writeln!(
                    h,
                    "<div class=\"fig\" id=\"at-{id}\">\n<figure id=\"fig-{id}\" data-chart=\"{id}\">\n<a class=\"close\" href=\"#at-{id}\" aria-label=\"close\">✕ close</a>\n<a class=\"png\" href=\"#fig-{id}\"><img src=\"data:image/png;base64,{}\" width=\"{w}\" height=\"{ht}\" alt=\"{}\" data-file=\"{}\"></a>\n<div class=\"live\"></div>\n<figcaption>{} <span class=\"hint\">(also saved as <code>{}</code>; <a class=\"png-link\" href=\"#fig-{id}\">the PNG, full size</a>)</span></figcaption>\n</figure>\n</div>",
                    base64::engine::general_purpose::STANDARD.encode(png),
                    esc(title),
                    esc(file),
                    esc(caption),
                    esc(file)
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

/// A number for the embedded JSON: 4 significant digits (the charts cannot show more), None
/// for NaN and infinities (JSON has no such numbers).
fn j(x: f64) -> Option<f64> {
    x.is_finite()
        .then(|| format!("{x:.3e}").parse().unwrap_or(x))
}

#[derive(Serialize)]
struct ExampleJson {
    run: u64,
    /// `first`, `first_solved` or `first_failed`.
    role: String,
    /// Final weights, as examples.csv has them (exact).
    p: Vec<Option<f64>>,
    /// Initial weights (exact), when examples.csv has them.
    p0: Option<[f64; N_PARAMS]>,
    /// How it was trained beyond the learning rate.
    o: TrainerJson,
    correct: u8,
    solved: Option<u64>,
    loss: Option<f64>,
}

impl ExampleJson {
    fn new(e: &Example) -> ExampleJson {
        ExampleJson {
            run: e.run,
            role: if e.role.is_empty() {
                ROLE_FIRST.to_string()
            } else {
                e.role.clone()
            },
            p: e.params
                .iter()
                .map(|x| x.is_finite().then_some(*x))
                .collect(),
            p0: e.init_params.filter(|p| p.iter().all(|x| x.is_finite())),
            o: TrainerJson {
                activation: e.options.activation,
                output: e.options.output,
                loss: e.options.loss,
                batch: e.options.batch,
                lr_hidden: e.lr_hidden,
                lr_out: e.lr_out,
                momentum: e.momentum,
                weight_decay: e.weight_decay,
            },
            correct: e.correct,
            solved: e.solved_epoch,
            loss: e.final_loss.is_finite().then_some(e.final_loss),
        }
    }
}

/// A net's trainer, named as examples.csv's columns (and so as sweep.toml's keys and the
/// flags); absent numbers are the lesson's (`lr` for both layers, no momentum, no decay).
#[derive(Serialize)]
struct TrainerJson {
    activation: Activation,
    output: OutputUnit,
    loss: Loss,
    batch: Batch,
    lr_hidden: Option<f64>,
    lr_out: Option<f64>,
    momentum: Option<f64>,
    weight_decay: Option<f64>,
}

#[derive(Serialize)]
struct CellJson {
    id: u64,
    init: String,
    /// The scheme's scale and ε.
    sc: Option<f64>,
    eps: Option<f64>,
    lr: f64,
    nets: u64,
    solved: u64,
    share: Option<f64>,
    ci: [Option<f64>; 2],
    /// Quartiles of the solved epoch among solved nets.
    se: [Option<f64>; 3],
    /// Index into the list of distinct epoch grids.
    ei: usize,
    l: Vec<Option<f64>>,
    q1: Vec<Option<f64>>,
    q3: Vec<Option<f64>>,
    /// Median hidden gap.
    g: Vec<Option<f64>>,
    s: Vec<Option<f64>>,
    /// The cell's first net, then its first solving and first failing nets if others.
    ex: Vec<ExampleJson>,
}

#[derive(Serialize)]
struct GroupJson {
    label: String,
    /// Independent random weights (what the solved-share and heat-map charts compare).
    indep: bool,
    cells: Vec<u64>,
    tied: Vec<u64>,
    best: Option<u64>,
    fastest: Option<u64>,
}

#[derive(Serialize)]
struct BaselineJson {
    lr: f64,
    e: Vec<f64>,
    l: Vec<Option<f64>>,
    solved: Option<u64>,
}

#[derive(Serialize)]
struct SymmetryJson {
    lr: f64,
    sym: Option<u64>,
    /// Near-symmetric cells at `lr`, by ε.
    near: Vec<u64>,
}

#[derive(Serialize)]
struct ExplorerJson {
    epochs: Vec<Vec<f64>>,
    inits: Vec<String>,
    lrs: Vec<f64>,
    cells: Vec<CellJson>,
    initial: u64,
    groups: Vec<GroupJson>,
    /// The init whose learning curves the charts draw.
    chart_group: Option<String>,
    baseline: Option<BaselineJson>,
    sym: Option<SymmetryJson>,
    /// The cells whose example nets the decision-boundary chart draws.
    bnd: Vec<u64>,
    /// The cells whose curves loss_by_lr.png draws.
    loss_cells: Vec<u64>,
    /// Which rows runs.csv holds (`all`, `none`, `sample:N`), for the replay command.
    runs_csv: String,
    total_runs: u64,
}

/// The explorer's and the live charts' data: every cell with a curve, its numbers and its example
/// nets' weights; the groups' verdicts; the lesson's run.
fn explorer_json(data: &ChartData, opts: &ChartOptions, sweep_toml: &str) -> Option<String> {
    let mut epochs: Vec<Vec<f64>> = Vec::new();
    let mut cells = Vec::new();
    for c in data.cells.iter().filter(|c| !c.curve.epoch.is_empty()) {
        let ei = match epochs.iter().position(|e| *e == c.curve.epoch) {
            Some(i) => i,
            None => {
                epochs.push(c.curve.epoch.clone());
                epochs.len() - 1
            }
        };
        let v = |xs: &[f64]| xs.iter().map(|x| j(*x)).collect::<Vec<_>>();
        let ex = data
            .examples
            .iter()
            .chain(&data.other_examples)
            .filter(|e| e.cell == c.cell)
            .map(ExampleJson::new)
            .collect();
        cells.push(CellJson {
            id: c.cell,
            init: c.scheme.label(),
            sc: c.scheme.scale,
            eps: c.scheme.eps,
            lr: c.lr,
            nets: c.nets,
            solved: c.solved,
            share: j(c.solved_fraction),
            ci: [j(c.solved_ci95.0), j(c.solved_ci95.1)],
            se: c.solved_epoch,
            ei,
            l: v(&c.curve.loss),
            q1: v(&c.curve.loss_q1),
            q3: v(&c.curve.loss_q3),
            g: v(&c.curve.gap),
            s: v(&c.curve.solved),
            ex,
        });
    }
    let first = cells.first()?.id;
    let mut inits: Vec<String> = Vec::new();
    for c in &cells {
        if !inits.contains(&c.init) {
            inits.push(c.init.clone());
        }
    }
    let mut lrs: Vec<f64> = cells.iter().map(|c| c.lr).collect();
    lrs.sort_by(f64::total_cmp);
    lrs.dedup();
    let chart_group = data.chart_group(opts.chart_init.as_deref()).ok().flatten();
    // Start at the chart init's best cell, as the headline names it.
    let initial = chart_group
        .as_ref()
        .and_then(|g| g.verdict().map(|v| v.best.cell))
        .filter(|id| cells.iter().any(|c| c.id == *id))
        .unwrap_or(first);
    let groups = data
        .groups()
        .iter()
        .map(|g| {
            let v = g.verdict();
            GroupJson {
                label: g.scheme.label(),
                indep: g.scheme.is_independent(),
                cells: g.cells.iter().map(|c| c.cell).collect(),
                tied: v
                    .as_ref()
                    .map_or(Vec::new(), |v| v.tied.iter().map(|c| c.cell).collect()),
                best: v.as_ref().map(|v| v.best.cell),
                fastest: v.as_ref().map(|v| v.fastest.cell),
            }
        })
        .collect();
    let baseline = data.baseline.as_ref().map(|b| BaselineJson {
        lr: b.lr,
        e: b.epoch.clone(),
        l: b.loss.iter().map(|x| j(*x)).collect(),
        solved: data
            .example_near("lesson", b.lr)
            .filter(|e| e.lr == b.lr)
            .and_then(|e| e.solved_epoch),
    });
    let config = sweep_toml.parse::<toml::Table>().ok();
    let json = serde_json::to_string(&ExplorerJson {
        epochs,
        inits,
        lrs,
        initial,
        groups,
        chart_group: chart_group.map(|g| g.scheme.label()),
        baseline,
        sym: symmetry_cells(data),
        bnd: ["lesson", "symmetric"]
            .iter()
            .filter_map(|init| data.example_near(init, LESSON_LR).map(|e| e.cell))
            .collect(),
        loss_cells: loss_by_lr::chosen(data, opts)
            .map_or(Vec::new(), |ch| ch.cells.iter().map(|c| c.cell).collect()),
        runs_csv: config
            .as_ref()
            .and_then(|t| t.get("runs_csv")?.as_str().map(str::to_string))
            .unwrap_or_else(|| "all".into()),
        total_runs: data.cells.iter().map(|c| c.nets).sum(),
        cells,
    })
    .ok()?;
    // "<" only occurs inside JSON strings, where \u003c means the same; so no "</script>".
    Some(json.replace('<', "\\u003c"))
}

/// The cells the symmetry-breaking chart draws: exactly and nearly symmetric, at the learning
/// rate closest to the lesson's.
fn symmetry_cells(data: &ChartData) -> Option<SymmetryJson> {
    let both: Vec<&Cell> = data
        .cells
        .iter()
        .filter(|c| c.scheme.init.contains("symmetric"))
        .collect();
    let lr = both[closest(both.iter().map(|c| c.lr), LESSON_LR)?].lr;
    let mut near: Vec<&Cell> = both
        .iter()
        .copied()
        .filter(|c| c.scheme.init == "near-symmetric" && c.lr == lr)
        .collect();
    near.sort_by(|a, b| {
        a.scheme
            .eps
            .unwrap_or(0.0)
            .total_cmp(&b.scheme.eps.unwrap_or(0.0))
    });
    Some(SymmetryJson {
        lr,
        sym: both
            .iter()
            .find(|c| c.scheme.init == "symmetric" && c.lr == lr)
            .map(|c| c.cell),
        near: near.iter().map(|c| c.cell).collect(),
    })
}

fn explorer_section(h: &mut String, data: &ChartData, opts: &ChartOptions, sweep_toml: &str) {
    let Some(json) = explorer_json(data, opts, sweep_toml) else {
        return;
    };
    h.push_str("<h2>Explorer</h2>\n<p class=\"no-js\">The explorer draws any cell's curves, retrains its example nets in the browser and shows them learning; it needs JavaScript. Everything else it shows is also in the charts above and the table below.</p>\n");
    h.push_str(r#"<section id="explorer" class="js-only">
<p>Pick an init and a learning rate, or a cell of the grid (the share of nets solved), to see that cell's loss, when its nets solve, and watch one of its nets learn. The selection is kept in the page's address, so a link to it opens it.</p>
<div class="controls"><label>init <select id="ex-init"></select></label><label>learning rate <select id="ex-lr"></select></label></div>
<div class="scroll grid" id="ex-grid"></div>
<p id="ex-title" aria-live="polite"></p>
<div class="panels">
<figure><svg id="ex-loss" viewBox="0 0 360 250" role="img" aria-label="loss over training"></svg><figcaption>Loss over training: median net (line) and middle 50% of nets (band).</figcaption></figure>
<figure><svg id="ex-solved" viewBox="0 0 360 250" role="img" aria-label="share solved by epoch"></svg><figcaption>Share of the cell's nets solved by each epoch.</figcaption></figure>
</div>
<h3 id="watch">Watch a net learn</h3>
<p>The net is retrained here, in the page, from its initial weights by the same steps as xorsweep's reference trainer (<code>src/train/reference.rs</code>), then you can move through its epochs.</p>
<div class="controls" id="w-nets" role="group" aria-label="which net"></div>
<div class="controls"><button type="button" id="w-play">▶ play</button><label class="grow">epoch <input type="range" id="w-epoch" min="0" max="0" value="0"></label><output id="w-epoch-out" for="w-epoch"></output></div>
<div class="panels">
<figure><svg id="w-loss" viewBox="0 0 360 250" role="img" aria-label="this net's loss"></svg><figcaption>This net's loss at every epoch; the line marks the epoch shown.</figcaption></figure>
<figure><canvas id="w-boundary" width="240" height="240" aria-label="decision boundary at the epoch shown"></canvas><figcaption id="w-boundary-note"></figcaption></figure>
<figure><table id="w-out" class="outs"><thead><tr><th>x₁ x₂</th><th class="n">target</th><th class="n">output</th><th></th></tr></thead><tbody></tbody></table><figcaption id="w-state" aria-live="polite"></figcaption></figure>
</div>
<p id="w-check"></p>
<p class="replay">Check this net on the command line (in the sweep's folder): <code id="w-replay"></code> <button type="button" id="w-copy">copy</button> <span id="w-replay-note" class="hint"></span></p>
</section>
"#);
    let _ = writeln!(
        h,
        "<script type=\"application/json\" id=\"xs-data\">{json}</script>"
    );
}

/// A shell word: as it is when it has no character a shell treats specially, else single-quoted.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:,+-/=@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The sweep's command line, spelled from sweep.toml: every key as its flag (`runs_csv` as
/// `--runs-csv`), a list as the flag repeated.
fn command_line(sweep_toml: &str) -> Option<String> {
    let table = sweep_toml.parse::<toml::Table>().ok()?;
    let mut words = vec!["xorsweep".to_string(), "sweep".to_string()];
    for (k, v) in &table {
        let flag = format!("--{}", k.replace('_', "-"));
        let values: Vec<&toml::Value> = match v {
            toml::Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        for v in values {
            words.push(flag.clone());
            words.push(shell_word(
                &v.as_str().map_or_else(|| v.to_string(), str::to_string),
            ));
        }
    }
    Some(words.join(" "))
}

/// The page's footer: the version that wrote it and the command that reruns it. The date is in
/// manifest.json (`created`): the page itself is the same bytes whenever the same sweep is run.
fn footer(h: &mut String, sweep_toml: &str) {
    let _ = write!(
        h,
        "<footer>\n<p>Written by xorsweep {}. The sweep's command line (from sweep.toml): <code class=\"cmd\">{}</code>. When it ran: <code>created</code> in manifest.json, beside this file.</p>\n</footer>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&command_line(sweep_toml)
            .unwrap_or_else(|| "xorsweep sweep --config sweep.toml".into()))
    );
}

/// The every-cell table's columns: heading, and whether it shows by default (the defaults fit a
/// 1300 px window; the column chooser shows the others).
const CELL_COLUMNS: [(&str, bool); 16] = [
    ("init", true),
    ("learning rate", true),
    ("cell", false),
    ("scale", false),
    ("ε", false),
    ("nets", true),
    ("solved", true),
    ("share", true),
    ("share: 95% interval", true),
    ("epochs to solve: median", true),
    ("epochs to solve: [q1, q3]", false),
    ("final loss: median", true),
    ("final loss: [q1, q3]", false),
    ("best final loss", false),
    ("hidden gap", true),
    ("diverged", true),
];

/// One cell of the every-cell table: its sort key (`data-v`: the exact value, empty for none),
/// the second number of a pair (`data-w`), and the text shown.
struct Td {
    v: Option<String>,
    w: Option<String>,
    text: String,
}

/// The exact value of a number, for sorting and for the filter: empty for none.
fn key(x: f64) -> String {
    match x {
        _ if x.is_nan() => String::new(),
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ => format!("{x}"),
    }
}

fn opt_key(x: Option<f64>) -> String {
    x.map_or(String::new(), key)
}

impl Td {
    fn text(text: String) -> Td {
        Td {
            v: None,
            w: None,
            text,
        }
    }
    fn num(v: String, text: String) -> Td {
        Td {
            v: Some(v),
            w: None,
            text,
        }
    }
    fn pair(v: String, w: String, text: String) -> Td {
        Td {
            v: Some(v),
            w: Some(w),
            text,
        }
    }
    fn count(n: u64) -> Td {
        Td::num(n.to_string(), n.to_string())
    }
    fn real(x: f64) -> Td {
        Td::num(key(x), format::measured(x))
    }
    fn opt_real(x: Option<f64>) -> Td {
        Td::num(opt_key(x), x.map_or(NONE.into(), format::value))
    }
}

fn cell_row(c: &Cell) -> [Td; 16] {
    let [e1, em, e3] = c.solved_epoch;
    let [l1, lm, l3] = c.final_loss;
    let epoch_iqr = match (e1, e3) {
        (Some(a), Some(b)) => format!("[{}, {}]", format::epochs(a), format::epochs(b)),
        _ => NONE.into(),
    };
    [
        Td::text(esc(&c.scheme.label())),
        Td::real(c.lr),
        Td::count(c.cell),
        Td::opt_real(c.scheme.scale),
        Td::opt_real(c.scheme.eps),
        Td::count(c.nets),
        Td::count(c.solved),
        Td::num(key(c.solved_fraction), format::share(c.solved_fraction)),
        Td::pair(
            key(c.solved_ci95.0),
            key(c.solved_ci95.1),
            format!("[{}, {}]", format::share(c.solved_ci95.0), format::share(c.solved_ci95.1)),
        ),
        Td::num(opt_key(em), format::opt_epochs(em)),
        Td::pair(opt_key(e1), opt_key(e3), epoch_iqr),
        Td::real(lm),
        Td::pair(key(l1), key(l3), format!("[{}, {}]", format::measured(l1), format::measured(l3))),
        Td::real(c.final_loss_best),
        Td::real(c.median_hidden_gap),
        Td::count(c.diverged),
    ]
}

fn summary_section(h: &mut String, data: &ChartData) {
    h.push_str("<h2>Every cell</h2>\n");
    h.push_str("<p>summary.csv, every number to 4 significant digits (the CSV has them exactly); init as <code>--init</code> spells it, with the trainer setting after “·” when the sweep varies it. Epochs to solve: median and quartiles over the nets that solved; final loss: median and quartiles over all nets; hidden gap: median at the end; the interval is the 95% Wilson interval of the solved share; “–” means none.</p>\n");
    h.push_str("<div class=\"controls js-only\"><label>filter <input type=\"search\" id=\"cell-filter\" placeholder=\"e.g. uniform:1 8.79\" aria-controls=\"cells\"></label><span id=\"cell-count\" aria-live=\"polite\"></span><details id=\"cell-columns\"><summary>columns</summary><div class=\"choices\"></div></details><span class=\"hint\">Click a column heading to sort. A number finds the cells that show it rounded (8.79 finds 8.788; 84% finds 84.5%).</span></div>\n");
    h.push_str("<div class=\"scroll cells\">\n<table id=\"cells\">\n<thead><tr>");
    for (i, (name, shown)) in CELL_COLUMNS.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"n\"" };
        let _ = write!(
            h,
            "<th{class} data-shown=\"{}\">{}</th>",
            u8::from(*shown),
            esc(name)
        );
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for c in &data.cells {
        h.push_str("<tr>");
        for (i, td) in cell_row(c).into_iter().enumerate() {
            let tag = if i == 0 {
                "th scope=\"row\""
            } else {
                "td class=\"n\""
            };
            let _ = write!(h, "<{tag}");
            if let Some(v) = &td.v {
                let _ = write!(h, " data-v=\"{v}\"");
            }
            if let Some(w) = &td.w {
                let _ = write!(h, " data-w=\"{w}\"");
            }
            let close = if i == 0 { "th" } else { "td" };
            let _ = write!(h, ">{}</{close}>", td.text);
        }
        h.push_str("</tr>\n");
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
                setting: crate::hyper::Setting::LESSON,
            },
            lr,
            nets: 10,
            solved,
            solved_fraction: solved as f64 / 10.0,
            solved_ci95: (0.0, 1.0),
            solved_epoch: [None; 3],
            solved_epoch_median_ci95: None,
            final_loss: [f64::NAN, 0.2, f64::INFINITY],
            final_loss_best: best,
            median_hidden_gap: 0.0,
            diverged: 0,
            target: None,
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
        let page = String::from_utf8(page(
            &data,
            &charts,
            "lr = \"0.5,<2>\"\nseeds = 10\n",
            &ChartOptions::default(),
        ))
        .unwrap();
        assert!(
            page.contains(
                "0 of 10 solved XOR; best final loss 0.17 against the bound 1/6 = 0.166667"
            )
        );
        assert!(page.contains("none got below the bound"));
        assert!(page.contains("uniform&lt;script&gt;") && !page.contains("uniform<script>"));
        // Values may wrap between comma-separated items, never inside one.
        assert!(page.contains(
            "<code><span class=\"tok\">0.5</span>,<wbr><span class=\"tok\">&lt;2&gt;</span></code>"
        ));
        // The config in reading order: lr before seeds whatever the file's order.
        assert!(page.find("<code>lr</code>") < page.find("<code>seeds</code>"));
        assert!(page.contains("no &lt;data&gt;"));
        assert!(page.contains("The sweep has no lesson net"));
        // NaN and infinite quartiles are shown, not hidden or crashed on.
        assert!(page.contains(
            "<td class=\"n\" data-v=\"0.2\">0.2</td><td class=\"n\" data-v=\"\" data-w=\"Infinity\">[–, inf]</td>"
        ));
    }

    #[test]
    fn the_command_line_is_spelled_from_sweep_toml() {
        let toml = "lr = \"0.5..8:4:log\"\ninit = [\"uniform:1\", \"lesson\"]\nseeds = 16\nruns_csv = \"sample:20\"\nnote = \"it's\"\n";
        assert_eq!(
            command_line(toml).unwrap(),
            "xorsweep sweep --init uniform:1 --init lesson --lr 0.5..8:4:log --note 'it'\\''s' --runs-csv sample:20 --seeds 16"
        );
        assert_eq!(command_line("lr = ["), None);
        let page = String::from_utf8(page(
            &ChartData::default(),
            &[],
            toml,
            &ChartOptions::default(),
        ))
        .unwrap();
        assert!(page.contains(&format!("xorsweep {}", env!("CARGO_PKG_VERSION"))));
        assert!(
            page.contains("--note &#39;it&#39;\\&#39;&#39;s&#39;"),
            "escaped in the page"
        );
    }

    #[test]
    fn the_cell_table_has_every_column_and_a_default_set() {
        let data = ChartData {
            cells: vec![cell("uniform", 8.787_878, 7, 0.001)],
            ..Default::default()
        };
        let page = String::from_utf8(page(&data, &[], "", &ChartOptions::default())).unwrap();
        let heads = page.matches("<th class=\"n\" data-shown=").count() + 1;
        assert_eq!(heads, CELL_COLUMNS.len());
        // One format: 4 significant digits, the exact value kept for sorting and the filter.
        assert!(page.contains("<td class=\"n\" data-v=\"8.787878\">8.788</td>"));
        assert!(page.contains("<th scope=\"row\">uniform:1</th>"));
    }

    #[test]
    fn a_symmetric_net_below_the_bound_is_flagged() {
        let data = ChartData {
            cells: vec![cell("symmetric", 2.0, 0, 0.1)],
            ..Default::default()
        };
        let page = String::from_utf8(page(&data, &[], "", &ChartOptions::default())).unwrap();
        assert!(page.contains("class=\"warn\""));
    }
}
