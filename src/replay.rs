//! `xorsweep replay RUNS_CSV RUN_ID`: retrain one recorded net from its initial weights and
//! hyperparameters with the same trainer the sweep used, print a lesson-style trace, and check
//! that it reproduces the recorded row exactly. It trains with the row's trainer columns, so
//! it first checks that they agree with each other (a row whose `lr` differs from the rate it
//! would train with is refused, naming the columns). A runs.parquet is refused with what to run
//! instead.

use std::path::Path;

use crate::baseline;
use crate::error::UsageError;
use crate::escape::{escape, shown};
use crate::format::exact;
use crate::fsio;
use crate::report::schema::RunRow;
use crate::train::{PARAM_NAMES, TrainSpec, batch};

/// The row of `run` in `path`, read as a stream (a runs.csv may be gigabytes). Every row is
/// read, so that a file holding the run twice is refused rather than half-used.
fn find_row(path: &Path, run: u64) -> Result<RunRow<'static>, UsageError> {
    let shown = shown(path);
    let (file, _) =
        fsio::open(path, u64::MAX).map_err(|e| UsageError::new(format!("replay: {e}")))?;
    let mut file = std::io::BufReader::new(file);
    // A sweep run with --runs-format parquet wrote runs.parquet instead: say what to do.
    let head = std::io::BufRead::fill_buf(&mut file)
        .map_err(|e| UsageError::new(format!("replay: cannot read {shown}: {e}")))?;
    if head.starts_with(b"PAR1") {
        return Err(UsageError::new(format!(
            "replay: {shown} is a Parquet file (runs.parquet); replay reads runs.csv: rerun the sweep without --runs-format parquet (the same runs, bit for bit) and replay its runs.csv"
        )));
    }
    let mut reader = csv::Reader::from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| UsageError::new(format!("replay: {shown} is not a CSV file: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    let added = crate::report::schema::runs_columns_added();
    if let Some(missing) = crate::report::schema::runs_columns()
        .into_iter()
        .filter(|c| !added.contains(c))
        .find(|c| !header.contains(c))
    {
        return Err(UsageError::new(format!(
            "replay: {shown} is not a runs.csv of this xorsweep (no column '{missing}')"
        )));
    }
    let (mut rows, mut lo, mut hi) = (0u64, u64::MAX, 0u64);
    let mut found: Option<(RunRow<'static>, u64)> = None;
    for rec in reader.deserialize::<RunRow>() {
        let row = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            let column = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err
                    .field()
                    .and_then(|i| header.get(i as usize))
                    .map(|c| format!(", column {c}"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let what = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
                _ => e.to_string(),
            };
            UsageError::new(format!("replay: {shown}: line {line}{column}: {what}"))
        })?;
        let line = rows + 2;
        let this = row.run;
        if this == run {
            if let Some((_, first)) = &found {
                return Err(UsageError::new(format!(
                    "replay: {shown} holds run {run} twice (lines {first} and {line}); a runs.csv has each run once: use the file the sweep wrote"
                )));
            }
            found = Some((row, line));
        }
        rows += 1;
        (lo, hi) = (lo.min(this), hi.max(this));
    }
    if let Some((row, _)) = found {
        return Ok(row);
    }
    let holds = if rows == 0 {
        "no rows".to_string()
    } else {
        format!("{rows} rows, runs {lo} to {hi}")
    };
    Err(UsageError::new(format!(
        "replay: run {run} is not in {shown} ({holds})"
    )))
}

/// A round printing interval for a run of `epochs` steps, about an eighth of it: 1, 2, 2.5 or 5
/// times a power of ten (the lesson's 4001 steps give 500).
pub fn round_every(epochs: u32) -> u32 {
    let raw = f64::from(epochs.saturating_sub(1).max(1)) / 8.0;
    let mut scale = 1.0;
    loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * scale;
            if step >= raw {
                return step as u32;
            }
        }
        scale *= 10.0;
    }
}

/// The trainer's parts that are not the lesson's, for the replay's first line.
fn trainer_note(net: &crate::train::Net) -> String {
    let per_layer = net.hyper.lr_out != net.hyper.lr_hidden;
    let setting = crate::hyper::Setting::of(&net.hyper, net.options, per_layer);
    let d = setting.describe();
    if d.is_empty() { d } else { format!(" · {d}") }
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// The row's rate columns against each other and against what replay trains with
/// ([`RunRow::net`]: `lr_hidden` and `lr_out`, or `lr` for both in files that predate them). A
/// row's `lr` is its cell's rate, the hidden layer's, so it must equal `lr_hidden`; only
/// `lr_out` may differ (a per-layer sweep). A row that disagrees would print one rate and
/// train at another, then claim to reproduce itself.
fn check_rates(row: &RunRow, run: u64) -> Result<(), UsageError> {
    let refuse = |why: String| {
        UsageError::new(format!(
            "replay: run {run}: {why}; a sweep never writes such a row: use the runs.csv the sweep wrote"
        ))
    };
    for (column, x) in [("lr_hidden", row.lr_hidden), ("lr_out", row.lr_out)] {
        if let Some(x) = x {
            crate::hyper::check_lr(x).map_err(|e| refuse(format!("column {column}: {e}")))?;
        }
    }
    match (row.lr_hidden, row.lr_out) {
        (None, None) => Ok(()),
        (Some(h), Some(o)) if h.to_bits() != row.lr.to_bits() => Err(refuse(format!(
            "columns lr ({}), lr_hidden ({}) and lr_out ({}) disagree: lr is not the hidden layer's rate it would train with",
            exact(row.lr),
            exact(h),
            exact(o)
        ))),
        (Some(_), Some(_)) => Ok(()),
        (Some(_), None) | (None, Some(_)) => Err(refuse(format!(
            "columns lr_hidden and lr_out: one is empty and the other holds {}",
            exact(row.lr_hidden.or(row.lr_out).unwrap_or(f64::NAN))
        ))),
    }
}

/// How the replayed `outcome` differs from the recorded `row`, bit for bit (the CSV's numbers
/// round-trip exactly), one "column: recorded x, replayed y" per difference.
fn differences(row: &RunRow, outcome: &crate::train::Outcome) -> Vec<String> {
    let replayed = row.clone().with_outcome(outcome);
    let o = outcome;
    let recorded = row.final_params().0;
    let mut differ: Vec<String> = PARAM_NAMES
        .iter()
        .zip(recorded.iter().zip(o.params.0))
        .filter(|(_, (a, b))| !same(**a, *b))
        .map(|(p, (a, b))| format!("{p}: recorded {a}, replayed {b}"))
        .collect();
    let pairs = [
        ("out_00", row.out_00, replayed.out_00),
        ("out_01", row.out_01, replayed.out_01),
        ("out_10", row.out_10, replayed.out_10),
        ("out_11", row.out_11, replayed.out_11),
        ("final_loss", row.final_loss, replayed.final_loss),
        ("hidden_gap", row.hidden_gap, replayed.hidden_gap),
    ];
    differ.extend(
        pairs
            .iter()
            .filter(|(_, a, b)| !same(*a, *b))
            .map(|(c, a, b)| format!("{c}: recorded {a}, replayed {b}")),
    );
    if row.correct != replayed.correct {
        differ.push(format!(
            "correct: recorded {}, replayed {}",
            row.correct, replayed.correct
        ));
    }
    if row.solved_epoch != replayed.solved_epoch {
        differ.push(format!(
            "solved_epoch: recorded {:?}, replayed {:?}",
            row.solved_epoch, replayed.solved_epoch
        ));
    }
    if row.diverged != replayed.diverged {
        differ.push(format!(
            "diverged: recorded {}, replayed {}",
            row.diverged, replayed.diverged
        ));
    }
    differ
}

/// Replay run `run` of `path`; returns the text to print and whether it reproduced the row.
pub fn replay(path: &Path, run: u64, every: Option<u32>) -> Result<(String, bool), UsageError> {
    let row = find_row(path, run)?;
    let bad = |col: &str, value: String| {
        UsageError::new(format!(
            "replay: run {run}: column {col} holds '{value}', not a valid value"
        ))
    };
    let init = row.initial_params();
    crate::hyper::check_lr(row.lr).map_err(|_| bad("lr", row.lr.to_string()))?;
    check_rates(&row, run)?;
    if !["lesson", "uniform", "normal", "symmetric", "near-symmetric"].contains(&&*row.init) {
        return Err(bad("init", escape(&row.init).into_owned()));
    }
    // A sweep starts every net from finite weights, scales and gaps: anything else was not
    // written by one, and training it would only "not reproduce".
    for (k, w) in init.0.iter().enumerate() {
        if !w.is_finite() {
            return Err(bad(&format!("{}_init", PARAM_NAMES[k]), w.to_string()));
        }
    }
    for (col, x) in [("scale", row.scale), ("eps", row.eps)] {
        if let Some(x) = x
            && !(x.is_finite() && x >= 0.0)
        {
            return Err(bad(col, x.to_string()));
        }
    }
    let epochs = row.epochs;
    if epochs == 0 || epochs > crate::train::MAX_EPOCHS {
        return Err(bad("epochs", epochs.to_string()));
    }
    if every == Some(0) {
        return Err(UsageError::new("replay: --every must be at least 1"));
    }
    let every = every.unwrap_or_else(|| round_every(epochs));
    // Every N epochs, and always the last: epoch `epochs`, the trained net (weights after every
    // step), where curves.csv and the report end too.
    let mut log: Vec<u32> = (0..epochs).step_by(every as usize).collect();
    log.push(epochs);
    let spec = TrainSpec::new(epochs, log, None);
    let net = row.net();
    net.hyper
        .check()
        .map_err(|e| UsageError::new(format!("replay: run {run}: {e}")))?;
    net.options
        .check()
        .map_err(|e| UsageError::new(format!("replay: run {run}: {e}")))?;
    let (outcome, curve) = batch::train(row.precision, &[net], &spec).remove(0);

    let mut text = format!(
        "run {run}: init {}{}{}, lr {}{}, seed {}, {epochs} steps, {} lanes\ninitial weights {init}\n\n",
        escape(&row.init),
        row.scale.map(|x| format!(" scale {x}")).unwrap_or_default(),
        row.eps.map(|x| format!(" eps {x:e}")).unwrap_or_default(),
        row.lr,
        trainer_note(&net),
        row.seed,
        row.precision,
    );
    text.push_str(&baseline::render(&spec, &outcome, &curve));
    let solved = outcome
        .solved_epoch
        .map_or("never".into(), |e| format!("at epoch {e}"));
    text.push_str(&format!(
        "\nfinal weights {}\nfinal loss {}, {}/4 correct, solved {solved}, hidden gap {}{}\n",
        outcome.params,
        outcome.final_loss,
        outcome.correct,
        outcome.hidden_gap,
        if outcome.diverged { ", DIVERGED" } else { "" }
    ));

    let differ = differences(&row, &outcome);
    if differ.is_empty() {
        text.push_str("reproduces the recorded row exactly\n");
    } else {
        text.push_str(&format!(
            "DOES NOT reproduce the recorded row: {}\n",
            differ.join("; ")
        ));
    }
    Ok((text, differ.is_empty()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_intervals() {
        for (epochs, every) in [
            (4001, 500),
            (20000, 2500),
            (300, 50),
            (2, 1),
            (1, 1),
            (100, 20),
        ] {
            assert_eq!(super::round_every(epochs), every, "{epochs}");
        }
    }
}
