//! report.html: one self-contained page per sweep. Each chart is inline SVG, drawn by the same
//! Rust function as its PNG (`charts`, laid out for a phone and shown at its own size), with the
//! PNG embedded as a data URI one tap away; the style and the scripts are inline, and the
//! explorer's data is embedded as JSON (`explorer`): no request of any kind leaves the page, so
//! a mailed report.html shows everything. It is drawn from the same parsed CSV files as the
//! charts plus sweep.toml, so `xorsweep plot` rewrites it byte for byte. Every piece of text
//! from the files is HTML-escaped.
//!
//! Everything is in the static HTML (headline, charts, every cell); the scripts only add to it:
//! the charts' readouts (their text written here, on the SVG's marks), sorting and filtering of
//! the cell table, and the explorer, which draws one cell's loss band and solved-by-epoch
//! curve, and retrains its example nets, from the embedded data. Figures open full size on tap
//! through a CSS `:target` overlay, without the script. Narrow screens get a page no wider than
//! themselves: wide tables scroll inside their own box.

use askama::Template;
use base64::Engine;

use super::answers::{Answers, Shape};
use super::charts::data::{Cell, ChartData};
use super::charts::{Chart, ChartOptions, Rendered};
use super::findings::{self, Finding};
use crate::baseline::LESSON_LR;
use crate::format::{self, NONE};

const STYLE: &str = include_str!("report.css");
/// The page's scripts, in the order they run: the readouts and the cell table, the trainer
/// (the reference's arithmetic), the explorer.
const SCRIPT: [&str; 3] = [
    include_str!("report.js"),
    include_str!("trainer.js"),
    include_str!("explorer.js"),
];

/// report.html's template (`templates/report.html`): every field is text to show (escaped by
/// the template) unless its name says otherwise.
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    /// report.css, inlined as it is.
    style: &'a str,
    /// The scripts, inlined as they are.
    script: &'a [&'a str],
    config: ConfigView,
    headline: Headline,
    figures: Vec<Figure>,
    /// Charts not drawn: (file, why).
    skipped: Vec<(String, String)>,
    /// The explorer's data, JSON with every "<" escaped (so inlined as it is).
    explorer: Option<String>,
    /// The every-cell table's headings and whether each shows by default (1) or not (0).
    columns: Vec<(&'static str, u8)>,
    rows: Vec<CellRow>,
    version: &'static str,
    command: String,
}

/// The whole page.
pub fn page(
    data: &ChartData,
    answers: &Answers,
    charts: &[Rendered],
    sweep_toml: &str,
    opts: &ChartOptions,
) -> Vec<u8> {
    let (figures, skipped) = figures(charts);
    let page = Page {
        style: STYLE,
        script: &SCRIPT,
        config: config_view(data, answers.shape, sweep_toml),
        headline: headline(data, answers),
        figures,
        skipped,
        explorer: super::explorer::json(data, opts, sweep_toml),
        columns: CELL_COLUMNS
            .iter()
            .map(|&(name, shown)| (name, u8::from(shown)))
            .collect(),
        rows: data.cells.iter().map(CellRow::new).collect(),
        version: env!("CARGO_PKG_VERSION"),
        command: command_line(sweep_toml)
            .unwrap_or_else(|| "xorsweep sweep --config sweep.toml".into()),
    };
    page.render()
        .expect("the report template writes to a String, which cannot fail")
        .into_bytes()
}

/// sweep.toml's keys in the order a reader wants them (what was swept, how much, then the
/// mechanics), with a few words each; keys not listed follow in file order.
const CONFIG_ORDER: [(&str, &str); 8] = [
    ("init", "initialisations"),
    ("lr", "learning rates"),
    ("seeds", "nets per cell"),
    ("epochs", "epochs per net"),
    ("seed", "master seed"),
    ("precision", "arithmetic"),
    ("runs_csv", "rows of runs.csv"),
    ("chunk_nets", "nets per work chunk"),
];

/// "The sweep": its size and sweep.toml, key by key.
struct ConfigView {
    cells: usize,
    /// What a cell is: "init × trainer setting × learning rate".
    cell_words: &'static str,
    nets: u64,
    /// sweep.toml's keys in reading order; None when it does not parse (then `raw` is shown).
    table: Option<Vec<ConfigRow>>,
    raw: String,
    /// `N` of `runs_csv = sample:N`.
    sample: Option<String>,
    target: Option<TargetNote>,
}

/// One key of sweep.toml: its name, a few words of what it is, and its value as list items of
/// comma-separated parts (the page may wrap between parts, never inside one).
struct ConfigRow {
    key: String,
    what: Option<&'static str>,
    items: Vec<Vec<String>>,
}

/// With `--target-loss`: per init, how many nets got their loss below it and how fast.
struct TargetNote {
    target: String,
    rows: Vec<TargetRow>,
}

struct TargetRow {
    init: String,
    reached: u64,
    nets: u64,
    /// The learning rate where the median epoch of reaching the target is lowest, and it.
    fastest: Option<(String, String)>,
}

fn config_items(v: &toml::Value) -> Vec<Vec<String>> {
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
        .map(|item| item.split(',').map(str::to_string).collect())
        .collect()
}

fn target_note(data: &ChartData, target: f64) -> TargetNote {
    let rows = data
        .groups()
        .iter()
        .map(|g| {
            let (nets, reached) = g.cells.iter().fold((0, 0), |(n, k), c| {
                (n + c.nets, k + c.target.map_or(0, |t| t.0))
            });
            let fastest = g
                .cells
                .iter()
                .filter_map(|c| Some((c.lr, c.target?.1?)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(lr, e)| (format::value(lr), format::epochs(e)));
            TargetRow {
                init: g.scheme.label(),
                reached,
                nets,
                fastest,
            }
        })
        .collect();
    TargetNote {
        target: format::value(target),
        rows,
    }
}

fn config_view(data: &ChartData, shape: Shape, sweep_toml: &str) -> ConfigView {
    let table = sweep_toml.parse::<toml::Table>().ok();
    let rows = table.as_ref().map(|table| {
        let known = CONFIG_ORDER
            .iter()
            .filter_map(|(k, what)| Some((*k, Some(*what), table.get(*k)?)));
        let rest = table
            .iter()
            .filter(|(k, _)| CONFIG_ORDER.iter().all(|(o, _)| o != k))
            .map(|(k, v)| (k.as_str(), None, v));
        known
            .chain(rest)
            .map(|(key, what, v)| ConfigRow {
                key: key.to_string(),
                what,
                items: config_items(v),
            })
            .collect()
    });
    ConfigView {
        cells: data.cells.len(),
        cell_words: shape.cell_words(),
        nets: data.cells.iter().map(|c| c.nets).sum(),
        sample: table.as_ref().and_then(|t| {
            t.get("runs_csv")?
                .as_str()?
                .strip_prefix("sample:")
                .map(str::to_string)
        }),
        target: table
            .as_ref()
            .and_then(|t| t.get("target_loss")?.as_float())
            .map(|t| target_note(data, t)),
        table: rows,
        raw: sweep_toml.to_string(),
    }
}

/// "Headline numbers": what the sweep found (the terminal summary's sentences), the lesson's
/// net, the symmetric bound, the per-scheme findings and their table.
struct Headline {
    overview: Vec<String>,
    /// What one row of the per-scheme table is ("init", "init · trainer setting").
    row_words: &'static str,
    /// What matters: the ranking of the hyperparameters, each one's finding, and the grid
    /// averages (labelled as such).
    ranking: Option<String>,
    matters: Vec<String>,
    averages: Vec<String>,
    lesson: Option<LessonLine>,
    /// The symmetric nets' sentence, and whether it contradicts the symmetry argument.
    symmetric: Option<(String, bool)>,
    /// Independent random inits' findings: (init, the sentence after the init's name).
    plain: Vec<(String, String)>,
    groups: Vec<GroupRow>,
}

/// The lesson's own net at its own learning rate.
struct LessonLine {
    lr: String,
    /// "loss 0.0888 at epoch 999, the lesson's last printed line; " (or empty).
    printed: String,
    final_loss: String,
    epochs: String,
    solved: String,
}

/// One init scheme's row of the headline table.
struct GroupRow {
    init: String,
    nets: u64,
    solved: u64,
    overall: String,
    rates: String,
    there: String,
    best: String,
    fastest: String,
    fastest_epochs: String,
}

fn lesson_line(data: &ChartData) -> Option<LessonLine> {
    let e = data
        .example_near("lesson", LESSON_LR)
        .filter(|e| e.lr == LESSON_LR)?;
    // What the lesson's own printout ends with: the loss at its last printed epoch.
    let last_printed = f64::from(crate::baseline::LESSON_STEPS - 1);
    let printed = data
        .baseline
        .as_ref()
        .and_then(|b| {
            let i = b.epoch.iter().position(|&x| x == last_printed)?;
            Some(format!(
                "loss {} at epoch {}, the lesson's last printed line; ",
                format::measured(b.loss[i]),
                format::epochs(last_printed)
            ))
        })
        .unwrap_or_default();
    Some(LessonLine {
        lr: format::value(e.lr),
        printed,
        final_loss: format::measured(e.final_loss),
        epochs: data
            .cells
            .iter()
            .find(|c| c.cell == e.cell)
            .and_then(|c| c.curve.epoch.last())
            .map_or("all".into(), |x| format::epochs(*x)),
        solved: match e.solved_epoch {
            Some(s) => format!("solved XOR at epoch {s} (all four cases right from then on)"),
            None => format!("did not solve XOR ({} of 4 cases right)", e.correct),
        },
    })
}

fn headline(data: &ChartData, answers: &Answers) -> Headline {
    let groups = data.groups();
    let found = &answers.summary;
    let plain = groups
        .iter()
        .zip(found)
        .filter(|(g, f)| g.scheme.is_independent() && f.best.is_some())
        .map(|(_, f)| {
            // The sentence opens with the init's name.
            let rest = f
                .sentence
                .strip_prefix(f.init.as_str())
                .unwrap_or(&f.sentence);
            (f.init.clone(), rest.to_string())
        })
        .collect();
    let symmetric = findings::symmetric_verdict(found);
    // The symmetric nets' sentence is its own bullet (flagged when it contradicts the bound).
    let overview = answers
        .overview()
        .into_iter()
        .filter(|s| symmetric.as_ref().is_none_or(|(sym, _)| sym != s))
        .collect();
    let matters = &answers.what_matters;
    Headline {
        overview,
        row_words: answers.shape.row_words(),
        ranking: super::matters::ranking(matters),
        matters: matters.iter().map(|m| m.sentence.clone()).collect(),
        averages: matters
            .iter()
            .map(|m| {
                let avg: Vec<String> = m.levels.iter().map(super::matters::grid_average).collect();
                format!("{}: {}", m.name, avg.join(", "))
            })
            .collect(),
        lesson: lesson_line(data),
        symmetric,
        plain,
        groups: found.iter().map(GroupRow::new).collect(),
    }
}

impl GroupRow {
    fn new(f: &Finding) -> GroupRow {
        let overall = if f.nets > 0 {
            f.solved as f64 / f.nets as f64
        } else {
            f64::NAN
        };
        let dash = || NONE.to_string();
        let (rates, there, best, fastest, fastest_epochs) = match (&f.best, &f.fastest) {
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
        GroupRow {
            init: f.init.clone(),
            nets: f.nets,
            solved: f.solved,
            overall: format::share(overall),
            rates,
            there,
            best,
            fastest,
            fastest_epochs,
        }
    }
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

/// One chart as the page shows it.
struct Figure {
    /// The file name without ".png": the figure's anchor.
    id: String,
    /// The chart as the page shows it: an `<svg>` element (markup, inlined as it is).
    svg: String,
    png_base64: String,
    width: u32,
    height: u32,
    title: String,
    file: String,
    caption: String,
}

/// The charts drawn, and (file, why) of those not drawn.
fn figures(charts: &[Rendered]) -> (Vec<Figure>, Vec<(String, String)>) {
    let mut figures = Vec::new();
    let mut skipped = Vec::new();
    for r in charts {
        match r {
            Rendered::Chart(Chart {
                file,
                title,
                caption,
                png,
                svg,
            }) => {
                let (width, height) = png_size(png);
                figures.push(Figure {
                    id: file.trim_end_matches(".png").to_string(),
                    svg: svg.clone(),
                    png_base64: base64::engine::general_purpose::STANDARD.encode(png),
                    width,
                    height,
                    title: title.clone(),
                    file: file.to_string(),
                    caption: caption.clone(),
                });
            }
            Rendered::Skipped { file, why } => skipped.push((file.to_string(), why.clone())),
        }
    }
    (figures, skipped)
}

/// A shell word: as it is when it has no character a shell treats specially, else single-quoted.
pub fn shell_word(s: &str) -> String {
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
        _ => format::exact(x),
    }
}

fn opt_key(x: Option<f64>) -> String {
    x.map_or(String::new(), key)
}

impl Td {
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
    /// A hyperparameter's value.
    fn value(x: Option<f64>) -> Td {
        Td::num(opt_key(x), x.map_or(NONE.into(), format::value))
    }
    /// A measured quantity.
    fn measured(x: f64) -> Td {
        Td::num(key(x), format::measured(x))
    }
}

/// One row of the every-cell table, its columns in [`CELL_COLUMNS`]' order.
struct CellRow {
    init: String,
    lr: Td,
    cell: Td,
    scale: Td,
    eps: Td,
    nets: Td,
    solved: Td,
    share: Td,
    share_ci: Td,
    epochs_median: Td,
    epochs_quartiles: Td,
    loss_median: Td,
    loss_quartiles: Td,
    loss_best: Td,
    hidden_gap: Td,
    diverged: Td,
}

impl CellRow {
    fn new(c: &Cell) -> CellRow {
        let [e1, em, e3] = c.solved_epoch;
        let [l1, lm, l3] = c.final_loss;
        let epoch_iqr = match (e1, e3) {
            (Some(a), Some(b)) => format!("[{}, {}]", format::epochs(a), format::epochs(b)),
            _ => NONE.into(),
        };
        CellRow {
            init: c.scheme.label(),
            lr: Td::value(Some(c.lr)),
            cell: Td::count(c.cell),
            scale: Td::value(c.scheme.scale),
            eps: Td::num(
                opt_key(c.scheme.eps),
                c.scheme.eps.map_or(NONE.into(), format::exponent),
            ),
            nets: Td::count(c.nets),
            solved: Td::count(c.solved),
            share: Td::num(key(c.solved_fraction), format::share(c.solved_fraction)),
            share_ci: Td::pair(
                key(c.solved_ci95.0),
                key(c.solved_ci95.1),
                format!(
                    "[{}, {}]",
                    format::share(c.solved_ci95.0),
                    format::share(c.solved_ci95.1)
                ),
            ),
            epochs_median: Td::num(opt_key(em), format::opt_epochs(em)),
            epochs_quartiles: Td::pair(opt_key(e1), opt_key(e3), epoch_iqr),
            loss_median: Td::measured(lm),
            loss_quartiles: Td::pair(
                key(l1),
                key(l3),
                format!("[{}, {}]", format::measured(l1), format::measured(l3)),
            ),
            loss_best: Td::measured(c.final_loss_best),
            hidden_gap: Td::measured(c.median_hidden_gap),
            diverged: Td::count(c.diverged),
        }
    }
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
            &Answers::of(&data),
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
        assert!(page.contains("uniform&#60;script&#62;") && !page.contains("uniform<script>"));
        // Values may wrap between comma-separated items, never inside one.
        assert!(page.contains(
            "<code><span class=\"tok\">0.5</span>,<wbr><span class=\"tok\">&#60;2&#62;</span></code>"
        ));
        // The config in reading order: lr before seeds whatever the file's order.
        assert!(page.find("<code>lr</code>") < page.find("<code>seeds</code>"));
        assert!(page.contains("no &#60;data&#62;"));
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
            &Answers::default(),
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
        let page = String::from_utf8(page(
            &data,
            &Answers::of(&data),
            &[],
            "",
            &ChartOptions::default(),
        ))
        .unwrap();
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
        let page = String::from_utf8(page(
            &data,
            &Answers::of(&data),
            &[],
            "",
            &ChartOptions::default(),
        ))
        .unwrap();
        assert!(page.contains("class=\"warn\""));
    }
}
