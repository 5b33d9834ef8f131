//! `xorsweep compare A B`: what changed between two sweeps (200 against 400 seeds, f32 against
//! f64, two epoch budgets). It first says how the two configurations differ (their sweep.toml:
//! epochs, seeds, precision, …), since that is what a difference is read against. Cells are
//! matched by their hyperparameters — the summary.csv columns of [`key_of`] — never by
//! position, so sweeps over different grids compare the cells they share and name the rest.
//! Per cell: the difference in solved share (B − A) with its 95 % interval ([`newcombe`]), and
//! the difference in median epoch of solving with both medians' order-statistic intervals. A
//! difference is flagged when its interval excludes 0 (share) or the two medians' intervals do
//! not overlap (speed); with many cells some flags are chance, and the output says how many.
//!
//! A median epoch of solving is taken over the nets that solved within the sweep's epoch cap,
//! so a cap can make it, not the nets. The median difference of a cell is *censored* — shown,
//! marked, never flagged — when ([`censored`]):
//! - under half of that cell's nets solved within their cap, in A or in B: the median epoch of
//!   all its nets lies past the cap, and the median of the solved ones describes the quicker
//!   minority the cap let through; or
//! - the two caps differ (both sweep.toml known) and the sweep with the smaller cap has the
//!   smaller median: its cap hides exactly its slowest solvers, so its median is pulled down
//!   by the cap and "faster" may be the cap's doing (300 against 3000 epochs: 261 → 464). A
//!   smaller-cap sweep that is slower all the same is compared as usual: its cap can only have
//!   made it look faster.
//!
//! Without a sweep.toml on either side (a folder of an older version) the caps are unknown:
//! only the first rule applies, and the output says so.
//!
//! Reads the two summary.csv files (through [`crate::report::schema::SummaryRow`]) and
//! sweep.toml files ([`SweepConfig`]), and
//! those as every command reads a file it is given: through [`crate::fsio`] (a FIFO or a device
//! is refused, never waited on or read without end) and checked row by row with the checks
//! `plot` makes ([`crate::report::checks`]), because a comparison of impossible numbers would
//! look like a measured one. Two sweeps with no cell in common are refused with the columns that
//! keep them apart. Labels and paths are escaped where they are shown ([`crate::escape`]): they
//! come from files and folder names. A signal stops it with exit 128 + N like the other
//! commands. Writes nothing but the optional CSV, as a new file.

use crate::report::newcombe;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Interrupted, UsageError};
use crate::escape::{escape, shown};
use crate::format::{epochs, share};
use crate::report::SUMMARY_CSV;
use crate::report::checks;
use crate::report::schema::{SummaryRow, num, opt_num, read_csv, write_csv};
use crate::report::terminal::wrap;
use crate::sweep::config::{SWEEP_TOML, SweepConfig};
use crate::train::options::{ChoiceParam, HyperParam};
use crate::{fsio, signals};

/// The columns of [`key_of`], in its order.
fn key_columns() -> Vec<&'static str> {
    let trainer = HyperParam::ALL
        .iter()
        .map(|p| p.name())
        .chain(ChoiceParam::ALL.iter().map(|c| c.name()));
    ["init", "scale", "eps", "lr"]
        .into_iter()
        .chain(trainer)
        .collect()
}

/// What names a cell: its init with its scale and ε, its learning rate and its whole trainer
/// (every column of the trainer table; a column a file predates reads as the lesson's value, a
/// rate as the cell's `lr`), each as the file's exact text. A cell of A matches the cell of B
/// with the same key, so files written before a hyperparameter existed still match.
fn key_of(r: &SummaryRow) -> Vec<String> {
    let t = r.trainer();
    let hyper = t.hyper(r.lr);
    let number = |x: Option<f64>| x.map(crate::format::exact).unwrap_or_default();
    let mut key = vec![
        r.init.clone(),
        number(r.scale),
        number(r.eps),
        number(Some(r.lr)),
    ];
    key.extend(HyperParam::ALL.iter().map(|&p| number(Some(hyper.get(p)))));
    key.extend(
        ChoiceParam::ALL
            .iter()
            .map(|&c| t.options.name_of(c).to_string()),
    );
    key
}

/// The largest summary.csv compare reads (a sweep has at most 5 000 cells of ~0.5 kB).
pub const MAX_SUMMARY_BYTES: u64 = 64 << 20;

/// One sweep's side of a cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub nets: u64,
    pub solved: u64,
    pub solved_fraction: f64,
    pub solved_ci95: (f64, f64),
    pub median_solved_epoch: Option<f64>,
    pub median_solved_epoch_ci95: Option<(f64, f64)>,
}

/// A cell both sweeps have, and how it changed from A to B.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellDiff {
    /// The cell as a person reads it (`uniform:1 @ lr 8.788`).
    pub label: String,
    pub a: Side,
    pub b: Side,
    /// B's solved share minus A's, with its 95 % interval (Newcombe's hybrid score method).
    pub share_difference: f64,
    pub share_difference_ci95: (f64, f64),
    /// The interval excludes 0.
    pub share_significant: bool,
    /// B's median epoch of solving minus A's (None when either solved no net).
    pub median_epoch_difference: Option<f64>,
    /// The two medians' 95 % intervals do not overlap, and the difference is not censored.
    pub median_epoch_significant: bool,
    /// An epoch cap may make the difference of medians (see the module docs): not flagged.
    pub median_epoch_censored: bool,
}

/// A key of sweep.toml whose values differ: A's and B's, as sweep.toml spells them (None:
/// left out, the default).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigDifference {
    pub key: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// What `compare` found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub cells_a: usize,
    pub cells_b: usize,
    /// How the two sweep.toml differ in what decides a cell's numbers (every key but
    /// runs_csv, runs_format and chunk_nets); None when a folder has no sweep.toml.
    pub config_differences: Option<Vec<ConfigDifference>>,
    /// Each sweep's epoch cap (None: no sweep.toml).
    pub epochs_a: Option<u32>,
    pub epochs_b: Option<u32>,
    /// Labels of the cells only one of the two sweeps has.
    pub only_in_a: Vec<String>,
    pub only_in_b: Vec<String>,
    pub shared: usize,
    pub share_significant: usize,
    pub median_epoch_significant: usize,
    /// Cells whose median difference is censored by an epoch cap.
    pub median_epoch_censored: usize,
    /// Cells whose share would be flagged by chance alone if nothing differed (5 % of them).
    pub expected_by_chance: f64,
    /// Every shared cell has the same nets, solved count and median in both, and no cell is
    /// missing from either.
    pub identical: bool,
    pub cells: Vec<CellDiff>,
}

/// A summary.csv row with its key.
struct Keyed {
    key: Vec<String>,
    row: SummaryRow,
}

fn label(r: &SummaryRow) -> String {
    if r.label.is_empty() {
        format!("{} @ lr {}", r.init, r.lr)
    } else {
        r.label.clone()
    }
}

/// Read DIR/summary.csv through [`fsio`] (a regular file of at most [`MAX_SUMMARY_BYTES`], so
/// a FIFO or a device is refused at once) and check every row with the checks `plot` makes
/// ([`checks::summary_row`]): its rows, each with its [`key_of`]. Every refusal names the file, and a value's refusal its line and column.
fn read_side(dir: &Path, which: &str) -> anyhow::Result<Vec<Keyed>> {
    let path = dir.join(SUMMARY_CSV);
    let shown = shown(&path);
    let bytes = fsio::read(&path, MAX_SUMMARY_BYTES).map_err(|e| {
        UsageError::new(if !e.is_missing() {
            format!("compare: {which}: {e}; give the output folder of `xorsweep sweep` or `merge`")
        } else if dir.is_dir() {
            format!(
                "compare: {which} {} holds no {SUMMARY_CSV}; give the output folder of a finished `xorsweep sweep` or `merge` (a shard's folder has none: merge the shards first)",
                crate::escape::shown(dir)
            )
        } else {
            format!(
                "compare: {which} {} is not a folder, so it has no {SUMMARY_CSV}; give the output folder of `xorsweep sweep` or `merge`",
                crate::escape::shown(dir)
            )
        })
    })?;
    let rows: Vec<SummaryRow> =
        read_csv(&shown, &bytes).map_err(|e| UsageError::new(format!("compare: {e:#}")))?;
    checks::cell_count(rows.len()).map_err(|e| UsageError::new(format!("compare: {shown} {e}")))?;
    // The records again, for each row's line number.
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let mut out = Vec::with_capacity(rows.len());
    for (record, row) in reader.records().zip(rows) {
        let record = record.map_err(|e| UsageError::new(format!("compare: {shown}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        checks::summary_row(&row).map_err(|e| {
            UsageError::new(format!(
                "compare: {shown}: line {line}: {e}; a summary.csv as xorsweep writes it cannot hold that (was it edited? rerun the sweep or `xorsweep merge` to rewrite it)"
            ))
        })?;
        out.push(Keyed {
            key: key_of(&row),
            row,
        });
    }
    Ok(out)
}

/// The largest sweep.toml compare reads.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// DIR/sweep.toml, checked as `plot` and `merge` check it; None when the folder has none (a
/// folder of an older version, or a copy of its summary.csv alone).
fn read_config(dir: &Path, which: &str) -> anyhow::Result<Option<SweepConfig>> {
    let path = dir.join(SWEEP_TOML);
    let shown = shown(&path);
    let bytes = match fsio::read(&path, MAX_CONFIG_BYTES) {
        Err(e) if e.is_missing() => return Ok(None),
        Err(e) => return Err(UsageError::new(format!("compare: {which}: {e}")).into()),
        Ok(b) => b,
    };
    let text = String::from_utf8_lossy(&bytes);
    SweepConfig::from_sweep_toml(&text, &shown)
        .map(Some)
        .map_err(|e| {
            UsageError::new(format!(
                "compare: {which}: {e}; a sweep.toml as xorsweep writes it cannot hold that (rerun the sweep)"
            ))
            .into()
        })
}

/// The two sweep.toml: how they differ, and each epoch cap (None: unknown).
type Configs = (Option<Vec<ConfigDifference>>, (Option<u32>, Option<u32>));

fn configs(a: &Path, b: &Path) -> anyhow::Result<Configs> {
    let (ca, cb) = (read_config(a, "A")?, read_config(b, "B")?);
    let caps = (ca.as_ref().map(|c| c.epochs), cb.as_ref().map(|c| c.epochs));
    Ok((config_differences(ca.as_ref(), cb.as_ref()), caps))
}

/// Keys of sweep.toml that change no cell's numbers: where the runs go and how they are
/// chunked.
const NOT_RESULTS: [&str; 3] = ["runs_csv", "runs_format", "chunk_nets"];

/// How the configurations differ in what decides a cell's numbers (None: one is unknown).
fn config_differences(
    a: Option<&SweepConfig>,
    b: Option<&SweepConfig>,
) -> Option<Vec<ConfigDifference>> {
    let (a, b) = (a?, b?);
    let all = a.differing(b).into_iter();
    let results = all.filter(|(k, _, _)| !NOT_RESULTS.contains(&k.as_str()));
    Some(
        results
            .map(|(key, a, b)| ConfigDifference { key, a, b })
            .collect(),
    )
}

/// "epochs 300 in A, 3000 in B; seeds 200 in A, 400 in B".
fn spell_differences(d: &[ConfigDifference]) -> String {
    let value = |v: &Option<String>| escape(v.as_deref().unwrap_or("default")).into_owned();
    let parts: Vec<String> = d
        .iter()
        .map(|d| format!("{} {} in A, {} in B", d.key, value(&d.a), value(&d.b)))
        .collect();
    parts.join("; ")
}

/// Whether an epoch cap may make the difference between the two medians (the rule of the
/// module docs): under half of a side's nets solved, or the side with the smaller of two known
/// caps has the smaller median.
fn censored(a: &SummaryRow, b: &SummaryRow, caps: (Option<u32>, Option<u32>)) -> bool {
    let under_half = |r: &SummaryRow| 2 * r.solved < r.nets;
    let capped_faster = match (caps, a.solved_epoch_median, b.solved_epoch_median) {
        ((Some(ca), Some(cb)), Some(ma), Some(mb)) => (ca < cb && ma < mb) || (cb < ca && mb < ma),
        _ => false,
    };
    under_half(a) || under_half(b) || capped_faster
}

fn side(r: &SummaryRow) -> Side {
    Side {
        nets: r.nets,
        solved: r.solved,
        solved_fraction: r.solved_fraction,
        solved_ci95: (r.solved_ci95_low, r.solved_ci95_high),
        median_solved_epoch: r.solved_epoch_median,
        median_solved_epoch_ci95: r
            .solved_epoch_median_ci95_low
            .zip(r.solved_epoch_median_ci95_high),
    }
}

fn diff(a: &SummaryRow, b: &SummaryRow, caps: (Option<u32>, Option<u32>)) -> CellDiff {
    let (d, ci) = newcombe::difference_95(a.solved, a.nets, b.solved, b.nets)
        .unwrap_or((f64::NAN, (f64::NAN, f64::NAN)));
    let (sa, sb) = (side(a), side(b));
    let apart = match (sa.median_solved_epoch_ci95, sb.median_solved_epoch_ci95) {
        (Some((a0, a1)), Some((b0, b1))) => a1 < b0 || b1 < a0,
        _ => false,
    };
    let both = sa.median_solved_epoch.is_some() && sb.median_solved_epoch.is_some();
    let median_epoch_censored = both && censored(a, b, caps);
    CellDiff {
        label: label(a),
        share_difference: d,
        share_difference_ci95: ci,
        share_significant: ci.0 > 0.0 || ci.1 < 0.0,
        median_epoch_difference: sa
            .median_solved_epoch
            .zip(sb.median_solved_epoch)
            .map(|(x, y)| y - x),
        median_epoch_significant: apart && !median_epoch_censored,
        median_epoch_censored,
        a: sa,
        b: sb,
    }
}

/// A signal received so far stops the comparison: nothing has been written or printed yet.
fn stopped(signal: &std::sync::atomic::AtomicUsize) -> Result<(), Interrupted> {
    match signals::pending(signal) {
        None => Ok(()),
        Some(s) => Err(Interrupted {
            signal: s,
            message: format!(
                "compare: interrupted by {}; nothing was written",
                signals::name(s)
            ),
        }),
    }
}

/// Why two sweeps share no cell: the key columns whose values never meet (A's and B's values,
/// a few of each), or, when every column has a value in both, that no combination does.
fn no_common_cell(ra: &[Keyed], rb: &[Keyed]) -> String {
    let values = |rows: &[Keyed], i: usize| -> Vec<String> {
        let mut v: Vec<String> = rows.iter().map(|k| k.key[i].clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let spell = |v: &[String]| -> String {
        let v: Vec<String> = v
            .iter()
            .map(|x| {
                if x.is_empty() {
                    "(none)".into()
                } else {
                    x.clone()
                }
            })
            .collect();
        some(&v)
    };
    let apart: Vec<String> = key_columns()
        .iter()
        .enumerate()
        .filter_map(|(i, column)| {
            let (va, vb) = (values(ra, i), values(rb, i));
            va.iter()
                .all(|x| !vb.contains(x))
                .then(|| format!("{column} is {} in A, {} in B", spell(&va), spell(&vb)))
        })
        .collect();
    if apart.is_empty() {
        "each column has values in both, but no cell of A has all of a cell of B's".into()
    } else {
        apart.join("; ")
    }
}

/// Compare the sweeps in folders `a` and `b` (see the module docs). Bad input (no
/// summary.csv, a malformed one, a cell twice in one file) is a [`UsageError`].
pub fn compare(a: &Path, b: &Path) -> anyhow::Result<Comparison> {
    let signal = signals::received();
    let ra = read_side(a, "A")?;
    stopped(&signal)?;
    let rb = read_side(b, "B")?;
    stopped(&signal)?;
    let (config_differences, caps) = configs(a, b)?;
    let mut index: HashMap<&[String], usize> = HashMap::new();
    for (i, k) in rb.iter().enumerate() {
        if index.insert(&k.key, i).is_some() {
            return Err(UsageError::new(format!(
                "compare: {} lists the cell {} twice; is it a summary.csv of one sweep?",
                shown(&b.join(SUMMARY_CSV)),
                label(&k.row)
            ))
            .into());
        }
    }
    let mut seen_a: HashMap<&[String], ()> = HashMap::new();
    let mut used_b = vec![false; rb.len()];
    let mut cells = Vec::new();
    let mut only_in_a = Vec::new();
    for k in &ra {
        if seen_a.insert(&k.key, ()).is_some() {
            return Err(UsageError::new(format!(
                "compare: {} lists the cell {} twice; is it a summary.csv of one sweep?",
                shown(&a.join(SUMMARY_CSV)),
                label(&k.row)
            ))
            .into());
        }
        match index.get(k.key.as_slice()) {
            Some(&j) => {
                used_b[j] = true;
                cells.push(diff(&k.row, &rb[j].row, caps));
            }
            None => only_in_a.push(label(&k.row)),
        }
    }
    if cells.is_empty() {
        let configs = match &config_differences {
            Some(d) if !d.is_empty() => {
                format!("; their sweep.toml differ in {}", spell_differences(d))
            }
            _ => String::new(),
        };
        return Err(UsageError::new(format!(
            "compare: A {} and B {} have no cell in common: {}{configs}; compare sweeps that share some of their grid (the same --init and trainer flags, overlapping --lr)",
            shown(a),
            shown(b),
            no_common_cell(&ra, &rb)
        ))
        .into());
    }
    stopped(&signal)?;
    let only_in_b: Vec<String> = rb
        .iter()
        .zip(&used_b)
        .filter(|(_, used)| !**used)
        .map(|(k, _)| label(&k.row))
        .collect();
    let identical = only_in_a.is_empty()
        && only_in_b.is_empty()
        && cells.iter().all(|c| {
            c.a.nets == c.b.nets
                && c.a.solved == c.b.solved
                && c.a.median_solved_epoch == c.b.median_solved_epoch
        });
    Ok(Comparison {
        a: a.display().to_string(),
        b: b.display().to_string(),
        cells_a: ra.len(),
        cells_b: rb.len(),
        config_differences,
        epochs_a: caps.0,
        epochs_b: caps.1,
        shared: cells.len(),
        share_significant: cells.iter().filter(|c| c.share_significant).count(),
        median_epoch_significant: cells.iter().filter(|c| c.median_epoch_significant).count(),
        median_epoch_censored: cells.iter().filter(|c| c.median_epoch_censored).count(),
        expected_by_chance: newcombe::expected_by_chance(cells.len()),
        identical,
        only_in_a,
        only_in_b,
        cells,
    })
}

/// A signed difference of shares in percentage points: "+12.5 pp".
fn points(d: f64) -> String {
    if d.is_finite() {
        format!("{} pp", crate::format::points(d))
    } else {
        crate::format::NONE.into()
    }
}

/// A few labels, then how many more.
fn some(labels: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut s = labels
        .iter()
        .take(SHOWN)
        .map(|l| escape(l).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > SHOWN {
        s.push_str(&format!(" and {} more", labels.len() - SHOWN));
    }
    s
}

/// The first line: how the configurations differ.
fn configurations(c: &Comparison) -> String {
    match &c.config_differences {
        None => "Configurations: unknown (a folder has no sweep.toml), and so are the epoch caps: only medians of cells where under half the nets solved are taken as censored.".into(),
        Some(d) if d.is_empty() => "Configurations: the same (sweep.toml).".into(),
        Some(d) => format!("Configurations differ in {}.", spell_differences(d)),
    }
}

/// The comparison for a terminal of `width` columns: what is shared, what differs, and a table
/// of the flagged cells (or one block per flagged cell where the table would not fit).
pub fn render(c: &Comparison, width: usize) -> String {
    let width = width.max(crate::report::terminal::MIN_COLUMNS);
    let mut lines = Vec::new();
    let say = |s: String, lines: &mut Vec<String>| lines.extend(wrap(&s, width, 0, 2));
    say(configurations(c), &mut lines);
    say(
        format!(
            "A = {} ({} cells), B = {} ({} cells): {} cells in common.",
            escape(&c.a),
            c.cells_a,
            escape(&c.b),
            c.cells_b,
            c.shared
        ),
        &mut lines,
    );
    if !c.only_in_a.is_empty() {
        say(
            format!("Only in A ({}): {}.", c.only_in_a.len(), some(&c.only_in_a)),
            &mut lines,
        );
    }
    if !c.only_in_b.is_empty() {
        say(
            format!("Only in B ({}): {}.", c.only_in_b.len(), some(&c.only_in_b)),
            &mut lines,
        );
    }
    if c.identical {
        say(
            "No difference: every cell has the same nets, solved count and median epoch of solving in both.".into(),
            &mut lines,
        );
        return lines.join("\n") + "\n";
    }
    say(
        format!(
            "Solved share differs (B − A, 95% Newcombe interval excludes 0) in {} of {} cells; about {:.1} would by chance alone if nothing differed. Median epoch of solving differs (95% order-statistic intervals apart) in {} cells.",
            c.share_significant, c.shared, c.expected_by_chance, c.median_epoch_significant
        ),
        &mut lines,
    );
    if c.median_epoch_censored > 0 {
        say(
            format!(
                "In {} cells an epoch cap censors the medians (\"capped\"): not compared.",
                c.median_epoch_censored
            ),
            &mut lines,
        );
    }
    let flagged: Vec<&CellDiff> = c
        .cells
        .iter()
        .filter(|d| d.share_significant || d.median_epoch_significant)
        .collect();
    if flagged.is_empty() {
        return lines.join("\n") + "\n";
    }
    lines.push(String::new());
    let rows: Vec<[String; 5]> = flagged.iter().map(|d| flagged_row(d)).collect();
    lines.extend(flagged_table(&rows, width));
    lines.push(String::new());
    lines.extend(wrap(
        "*: significant at 95%. capped: an epoch cap censors the medians (under half the nets solved within the cap, or the sweep with the smaller cap is the faster), so they are not compared. Every cell, flagged or not: --json or --csv FILE.",
        width,
        0,
        0,
    ));
    lines.join("\n") + "\n"
}

/// A flagged cell's row: label, A's and B's shares, the difference with its interval, the
/// medians (`*` where significant, "capped" where censored).
fn flagged_row(d: &CellDiff) -> [String; 5] {
    let median = |s: &Side| s.median_solved_epoch.map_or("–".into(), epochs);
    let mark = |b: bool| if b { " *" } else { "" };
    [
        escape(&d.label).into_owned(),
        share(d.a.solved_fraction),
        share(d.b.solved_fraction),
        format!(
            "{} ({} to {}){}",
            points(d.share_difference),
            points(d.share_difference_ci95.0).trim_end_matches(" pp"),
            points(d.share_difference_ci95.1).trim_end_matches(" pp"),
            mark(d.share_significant)
        ),
        format!(
            "{} → {}{}{}",
            median(&d.a),
            median(&d.b),
            mark(d.median_epoch_significant),
            if d.median_epoch_censored {
                " capped"
            } else {
                ""
            }
        ),
    ]
}

/// The flagged cells' rows (cell, A, B, difference, medians) as a table of aligned columns, or
/// one block per cell where the table would be wider than `width`.
fn flagged_table(rows: &[[String; 5]], width: usize) -> Vec<String> {
    let head = ["cell", "A", "B", "B − A (95% CI)", "median epochs"];
    let w: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: [&str; 5]| {
        let mut l = String::new();
        for (i, x) in r.iter().enumerate() {
            l.push_str(x);
            if i < 4 {
                l.push_str(&" ".repeat(w[i] - x.chars().count() + 2));
            }
        }
        l.trim_end().to_string()
    };
    let mut table = vec![line(head)];
    table.extend(
        rows.iter()
            .map(|r| line([&r[0], &r[1], &r[2], &r[3], &r[4]])),
    );
    if table.iter().all(|l| l.chars().count() <= width) {
        return table;
    }
    let mut lines = Vec::new();
    for r in rows {
        lines.extend(wrap(&r[0], width, 0, 2));
        lines.extend(wrap(
            &format!("share {} → {}: {}", r[1], r[2], r[3]),
            width,
            2,
            4,
        ));
        lines.extend(wrap(&format!("median epochs {}", r[4]), width, 2, 4));
    }
    lines
}

/// One row of the comparison CSV: f64 columns through the one float writer, like the sweep's
/// files ([`num`]).
#[derive(Serialize)]
struct CsvRow<'a> {
    label: &'a str,
    a_nets: u64,
    a_solved: u64,
    #[serde(serialize_with = "num")]
    a_solved_fraction: f64,
    b_nets: u64,
    b_solved: u64,
    #[serde(serialize_with = "num")]
    b_solved_fraction: f64,
    #[serde(serialize_with = "num")]
    share_difference: f64,
    #[serde(serialize_with = "num")]
    share_difference_ci95_low: f64,
    #[serde(serialize_with = "num")]
    share_difference_ci95_high: f64,
    share_significant: u8,
    #[serde(serialize_with = "opt_num")]
    a_solved_epoch_median: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    a_solved_epoch_median_ci95_low: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    a_solved_epoch_median_ci95_high: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    b_solved_epoch_median: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    b_solved_epoch_median_ci95_low: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    b_solved_epoch_median_ci95_high: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    median_epoch_difference: Option<f64>,
    median_epoch_significant: u8,
    /// 1 where an epoch cap censors the medians (not compared).
    median_epoch_censored: u8,
}

/// The comparison as CSV: one row per shared cell, every number of [`CellDiff`].
pub fn csv(c: &Comparison) -> Vec<u8> {
    write_csv(c.cells.iter().map(|d| CsvRow {
        label: &d.label,
        a_nets: d.a.nets,
        a_solved: d.a.solved,
        a_solved_fraction: d.a.solved_fraction,
        b_nets: d.b.nets,
        b_solved: d.b.solved,
        b_solved_fraction: d.b.solved_fraction,
        share_difference: d.share_difference,
        share_difference_ci95_low: d.share_difference_ci95.0,
        share_difference_ci95_high: d.share_difference_ci95.1,
        share_significant: u8::from(d.share_significant),
        a_solved_epoch_median: d.a.median_solved_epoch,
        a_solved_epoch_median_ci95_low: d.a.median_solved_epoch_ci95.map(|x| x.0),
        a_solved_epoch_median_ci95_high: d.a.median_solved_epoch_ci95.map(|x| x.1),
        b_solved_epoch_median: d.b.median_solved_epoch,
        b_solved_epoch_median_ci95_low: d.b.median_solved_epoch_ci95.map(|x| x.0),
        b_solved_epoch_median_ci95_high: d.b.median_solved_epoch_ci95.map(|x| x.1),
        median_epoch_difference: d.median_epoch_difference,
        median_epoch_significant: u8::from(d.median_epoch_significant),
        median_epoch_censored: u8::from(d.median_epoch_censored),
    }))
}
