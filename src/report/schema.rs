//! The CSV schema: one serde row struct per file, the single definition of its columns for the
//! writers, the chart reader, `plot` and `replay`. runs.csv ([`RunRow`]) is streamed chunk by
//! chunk and read back by `replay`; summary.csv ([`SummaryRow`]), curves.csv ([`CurveRow`]) and
//! examples.csv ([`ExampleRow`]) are written by [`super::csv`] and read by the charts. Column
//! names and order are a contract other scripts rely on; new columns go at the end (and read as
//! empty from older files).
//!
//! Every f64 field is a float column: the shortest text that reads back to the same f64, in
//! exponent form for very small or large values, a whole number with its ".0" (`num`, through
//! [`crate::format::float_with`]), so polars and pandas type the column float from its first row
//! whatever its values; integer fields are integers; "never" and "not applicable" are empty
//! cells; booleans are 0/1 so a spreadsheet reads them as numbers. Readers take `2` as well as
//! `2.0` (files of older versions). The per-cell files go through the csv crate, runs.csv
//! rows through [`super::runs::csv_row`] (the same bytes, several times faster).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::hyper::Setting;
use crate::sweep::chunk::ChunkData;
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::{Cell, Plan};
use crate::train::options::{ChoiceParam, HyperParam};
use crate::train::{
    Activation, Batch, Hyper, Loss, Net, Options, Outcome, OutputUnit, Params, Precision,
};

/// An f64 field as a float column's text ([`crate::format::float_with`]: `0.0`, `2.0`, `1e-12`).
/// Every CSV file's f64 fields go through it (compare's too).
///
/// A serializer that is not human-readable (runs.parquet's, [`super::runs::parquet`]) gets the
/// f64 itself, so that typed formats keep typed columns.
pub fn num<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if !s.is_human_readable() {
        return s.serialize_f64(*x);
    }
    crate::format::float_with(*x, |text| s.serialize_str(text))
}

pub fn opt_num<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => num(x, s),
        None => s.serialize_none(),
    }
}

/// The trainer columns of a row, with the lesson's values for files that predate them: the
/// numbers in [`HyperParam::ALL`]'s order (absent: not in the file), the options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainerColumns {
    pub numbers: [Option<f64>; HyperParam::COUNT],
    pub options: Options,
}

impl TrainerColumns {
    /// The columns of a net trained with `hyper` and `options`: every one written.
    pub fn of(hyper: &Hyper, options: Options) -> TrainerColumns {
        TrainerColumns {
            numbers: std::array::from_fn(|k| Some(hyper.get(HyperParam::ALL[k]))),
            options,
        }
    }

    /// The lesson's trainer, its rates absent (they are a cell's).
    pub fn lesson() -> TrainerColumns {
        TrainerColumns {
            numbers: std::array::from_fn(|k| {
                let p = HyperParam::ALL[k];
                (!p.is_rate()).then(|| p.default())
            }),
            options: Options::LESSON,
        }
    }

    pub fn get(&self, p: HyperParam) -> Option<f64> {
        self.numbers[p as usize]
    }

    /// The trainer of the row's net: absent rates are its cell's `lr`, other absent numbers
    /// the lesson's.
    pub fn hyper(&self, lr: f64) -> Hyper {
        let mut h = Hyper::lr(lr);
        for &p in HyperParam::ALL {
            if let Some(x) = self.get(p) {
                h.set(p, x);
            }
        }
        h
    }

    /// Whether the row's layers have rates of their own (its cell's `lr` is `lr_hidden`).
    pub fn per_layer(&self, lr: f64) -> bool {
        let h = self.hyper(lr);
        h.lr_out != h.lr_hidden
    }

    /// The row's setting: all but its learning rate (`per_layer`: of the whole sweep).
    pub fn setting(&self, lr: f64, per_layer: bool) -> Setting {
        Setting::of(&self.hyper(lr), self.options, per_layer)
    }
}

/// The trainer's columns, named as examples.csv names them (and so as sweep.toml's keys and the
/// flags), absent numbers left out: what the report's page reads.
impl Serialize for TrainerColumns {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for &c in ChoiceParam::ALL {
            m.serialize_entry(c.name(), self.options.name_of(c))?;
        }
        for &p in HyperParam::ALL {
            if let Some(x) = self.get(p) {
                m.serialize_entry(p.name(), &x)?;
            }
        }
        m.end()
    }
}

/// Declares a row struct with the trainer's columns: `[struct Row { fields before } { fields
/// after }]`. The table's `numbers` and `choices` go between the two groups, its `appended`
/// numbers at the end (new columns go at the end); `trainer()` reads them, `trained_with`
/// makes a row with them set (the other fields default, for `..` in a struct literal).
macro_rules! trainer_row {
    (
        [$(#[$m:meta])* pub struct $name:ident $(<$lt:lifetime>)? { $($before:tt)* } { $($after:tt)* }]
        numbers { $($(#[$doc:meta])* $f:ident $v:ident { $($info:tt)* },)* }
        appended { $($(#[$adoc:meta])* $af:ident $av:ident { $($ainfo:tt)* },)* }
        choices { $($(#[$cdoc:meta])* $c:ident $t:ident { $($cinfo:tt)* },)* }
    ) => {
        $(#[$m])*
        pub struct $name $(<$lt>)? {
            $($before)*
            $(
                #[serde(default, serialize_with = "opt_num")]
                pub $f: Option<f64>,
            )*
            $(
                #[serde(default)]
                pub $c: $t,
            )*
            $($after)*
            $(
                #[serde(default, serialize_with = "opt_num")]
                pub $af: Option<f64>,
            )*
        }

        impl $(<$lt>)? $name $(<$lt>)? {
            /// The row's trainer columns (absent numbers: a file that predates them).
            pub fn trainer(&self) -> TrainerColumns {
                TrainerColumns {
                    numbers: [$(self.$f,)* $(self.$af,)*],
                    options: Options { $($c: self.$c,)* },
                }
            }

            /// A row with the trainer columns of `t` and every other field its default.
            pub fn trained_with(t: &TrainerColumns) -> Self {
                let [$($f,)* $($af,)*] = t.numbers;
                Self {
                    $($f,)*
                    $($af,)*
                    $($c: t.options.$c,)*
                    ..Default::default()
                }
            }
        }
    };
}

crate::train::options::hyperparameters!(trainer_row [
/// One row of runs.csv: one net.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunRow<'a> {
    pub run: u64,
    pub init: Cow<'a, str>,
    #[serde(serialize_with = "num")]
    pub lr: f64,
    pub epochs: u32,
    /// The net's replicate index within its cell.
    pub seed: u64,
    pub precision: Precision,
    #[serde(serialize_with = "opt_num")]
    pub scale: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub eps: Option<f64>,
    #[serde(serialize_with = "num")]
    pub w11_init: f64,
    #[serde(serialize_with = "num")]
    pub w12_init: f64,
    #[serde(serialize_with = "num")]
    pub b1_init: f64,
    #[serde(serialize_with = "num")]
    pub w21_init: f64,
    #[serde(serialize_with = "num")]
    pub w22_init: f64,
    #[serde(serialize_with = "num")]
    pub b2_init: f64,
    #[serde(serialize_with = "num")]
    pub v1_init: f64,
    #[serde(serialize_with = "num")]
    pub v2_init: f64,
    #[serde(serialize_with = "num")]
    pub c_init: f64,
    #[serde(serialize_with = "num")]
    pub w11: f64,
    #[serde(serialize_with = "num")]
    pub w12: f64,
    #[serde(serialize_with = "num")]
    pub b1: f64,
    #[serde(serialize_with = "num")]
    pub w21: f64,
    #[serde(serialize_with = "num")]
    pub w22: f64,
    #[serde(serialize_with = "num")]
    pub b2: f64,
    #[serde(serialize_with = "num")]
    pub v1: f64,
    #[serde(serialize_with = "num")]
    pub v2: f64,
    #[serde(serialize_with = "num")]
    pub c: f64,
    #[serde(serialize_with = "num")]
    pub final_loss: f64,
    #[serde(serialize_with = "num")]
    pub out_00: f64,
    #[serde(serialize_with = "num")]
    pub out_01: f64,
    #[serde(serialize_with = "num")]
    pub out_10: f64,
    #[serde(serialize_with = "num")]
    pub out_11: f64,
    pub correct: u8,
    pub solved_epoch: Option<u32>,
    #[serde(serialize_with = "num")]
    pub hidden_gap: f64,
    pub diverged: u8,
    /// First epoch with loss below `--target-loss` (empty when not reached or not asked for).
    pub target_epoch: Option<u32>,
    /// The net's cell, as a person reads it: `uniform:1 @ lr 8.788`.
    pub label: Cow<'a, str>,
    /// Mean squared error of the final weights, whatever the loss (compares across losses).
    #[serde(default, serialize_with = "opt_num")]
    pub final_mse: Option<f64>,
} {
    /// 1 if the net solved XOR at some epoch (`solved_epoch` is set), else 0: a spreadsheet's
    /// share of solved nets is the column's mean. Empty in files of older versions.
    #[serde(default)]
    pub solved: u8,
}]);

/// The columns of runs.csv, in order: the row struct's fields (serde's names for them).
pub fn runs_columns() -> Vec<String> {
    let header = runs_header();
    let mut r = csv::Reader::from_reader(&header[..]);
    r.headers()
        .expect("the header is one CSV record")
        .iter()
        .map(str::to_string)
        .collect()
}

/// Columns of runs.csv that the first versions did not write: a file without them still reads
/// (they default, see [`RunRow`]). Every column from `final_mse` on.
pub fn runs_columns_added() -> Vec<String> {
    let all = runs_columns();
    let first = all
        .iter()
        .position(|c| c == "final_mse")
        .unwrap_or(all.len());
    all[first..].to_vec()
}

impl<'a> RunRow<'a> {
    /// The row of global run `run` of `cell`, with its outcome; `label` is [`Cell::label`].
    pub fn new(plan: &Plan, cell: &Cell, run: u64, o: &Outcome, label: &'a str) -> RunRow<'a> {
        let seed = run - cell.first_run;
        let i = plan.initial_params(cell.init, run).0;
        let (hyper, options) = (cell.hyper(), cell.setting.options);
        RunRow {
            run,
            init: Cow::Borrowed(cell.init.name()),
            lr: cell.lr,
            epochs: plan.config.epochs,
            seed,
            precision: plan.config.precision,
            scale: cell.init.scale(),
            eps: cell.init.eps(),
            w11_init: i[0],
            w12_init: i[1],
            b1_init: i[2],
            w21_init: i[3],
            w22_init: i[4],
            b2_init: i[5],
            v1_init: i[6],
            v2_init: i[7],
            c_init: i[8],
            // The outcome's columns are set by `with_outcome`, below.
            w11: 0.0,
            w12: 0.0,
            b1: 0.0,
            w21: 0.0,
            w22: 0.0,
            b2: 0.0,
            v1: 0.0,
            v2: 0.0,
            c: 0.0,
            final_loss: 0.0,
            out_00: 0.0,
            out_01: 0.0,
            out_10: 0.0,
            out_11: 0.0,
            correct: 0,
            solved_epoch: None,
            hidden_gap: 0.0,
            diverged: 0,
            target_epoch: None,
            label: Cow::Borrowed(label),
            final_mse: None,
            solved: 0,
            ..RunRow::trained_with(&TrainerColumns::of(&hyper, options))
        }
        .with_outcome(o)
    }

    /// This row with its outcome columns set from `o` (`replay` compares the result).
    pub fn with_outcome(self, o: &Outcome) -> RunRow<'a> {
        let p = o.params.0;
        RunRow {
            w11: p[0],
            w12: p[1],
            b1: p[2],
            w21: p[3],
            w22: p[4],
            b2: p[5],
            v1: p[6],
            v2: p[7],
            c: p[8],
            final_loss: o.final_loss,
            out_00: o.outputs[0],
            out_01: o.outputs[1],
            out_10: o.outputs[2],
            out_11: o.outputs[3],
            correct: o.correct,
            solved_epoch: o.solved_epoch,
            hidden_gap: o.hidden_gap,
            diverged: u8::from(o.diverged),
            target_epoch: o.target_epoch,
            final_mse: Some(o.final_mse),
            solved: u8::from(o.solved_epoch.is_some()),
            ..self
        }
    }

    /// The trainer the row's net was trained with (the lesson's, at `lr`, for older files).
    pub fn net(&self) -> Net {
        let t = self.trainer();
        Net {
            init: self.initial_params(),
            hyper: t.hyper(self.lr),
            options: t.options,
        }
    }

    pub fn initial_params(&self) -> Params {
        Params([
            self.w11_init,
            self.w12_init,
            self.b1_init,
            self.w21_init,
            self.w22_init,
            self.b2_init,
            self.v1_init,
            self.v2_init,
            self.c_init,
        ])
    }

    pub fn final_params(&self) -> Params {
        Params([
            self.w11, self.w12, self.b1, self.w21, self.w22, self.b2, self.v1, self.v2, self.c,
        ])
    }
}

/// Which runs a `--runs-csv` choice keeps: all, none, or about N spread evenly (always the
/// lesson's rows, so the sample can be checked against the lesson). `cell` is the run's cell.
pub fn keep_run(plan: &Plan, which: RunsCsv, cell: &Cell, run: u64) -> bool {
    match which {
        RunsCsv::All => true,
        RunsCsv::None => false,
        RunsCsv::Sample(n) => {
            let stride = plan.total_runs.div_ceil(n).max(1);
            run.is_multiple_of(stride) || !cell.init.is_random()
        }
    }
}

/// The header line of runs.csv: the row struct's field names.
pub fn runs_header() -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(RunRow::default()).expect("in memory");
    let bytes = w.into_inner().expect("in memory");
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    bytes[..end].to_vec()
}

/// How many rows runs.csv (or runs.parquet) gets under `which`: counted per cell, without
/// going through the runs.
pub fn kept_rows(plan: &Plan, which: RunsCsv) -> u64 {
    match which {
        RunsCsv::All => plan.total_runs,
        RunsCsv::None => 0,
        RunsCsv::Sample(n) => {
            let stride = plan.total_runs.div_ceil(n).max(1);
            plan.cells
                .iter()
                .map(|c| {
                    if c.init.is_random() {
                        // Multiples of `stride` in [first_run, first_run + nets).
                        (c.first_run + c.nets).div_ceil(stride) - c.first_run.div_ceil(stride)
                    } else {
                        c.nets
                    }
                })
                .sum()
        }
    }
}

/// Call `f` with the row of each of one chunk's kept nets, in run order: what runs.csv and
/// runs.parquet hold of the chunk.
pub fn for_each_kept_row(
    plan: &Plan,
    which: RunsCsv,
    chunk: &ChunkData,
    mut f: impl FnMut(&RunRow),
) {
    // The chunk's nets, cell by cell (its parts): each cell's label is made once.
    let mut nets = chunk.runs.clone().zip(&chunk.nets);
    for part in &chunk.cells {
        let cell = &plan.cells[part.cell];
        let label = cell.label();
        let start = cell.first_run.max(chunk.runs.start);
        let end = (cell.first_run + cell.nets).min(chunk.runs.end);
        for (run, o) in nets.by_ref().take((end - start) as usize) {
            if keep_run(plan, which, cell, run) {
                f(&RunRow::new(plan, cell, run, o, &label));
            }
        }
    }
}

/// The runs.csv lines of one chunk's kept nets (no header): appended in chunk order, they make
/// the file.
pub fn runs_rows(plan: &Plan, which: RunsCsv, chunk: &ChunkData) -> Vec<u8> {
    let mut out = Vec::with_capacity(match which {
        RunsCsv::All => chunk.nets.len() * 700,
        _ => 0,
    });
    for_each_kept_row(plan, which, chunk, |row| {
        super::runs::csv_row::append(row, &mut out)
            .expect("RunRow's fields are scalars, strings, options and unit variants")
    });
    out
}

crate::train::options::hyperparameters!(trainer_row [
/// One row of summary.csv: one cell, over every one of its nets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub cell: u64,
    pub init: String,
    #[serde(serialize_with = "opt_num")]
    pub scale: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub eps: Option<f64>,
    #[serde(serialize_with = "num")]
    pub lr: f64,
    pub nets: u64,
    pub solved: u64,
    #[serde(serialize_with = "num")]
    pub solved_fraction: f64,
    #[serde(serialize_with = "num")]
    pub solved_ci95_low: f64,
    #[serde(serialize_with = "num")]
    pub solved_ci95_high: f64,
    /// Quartiles of the first solved epoch among solved nets (empty when none solved).
    #[serde(serialize_with = "opt_num")]
    pub solved_epoch_q1: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub solved_epoch_median: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub solved_epoch_q3: Option<f64>,
    /// Quartiles of the final loss (NaN where they reach into diverged nets).
    #[serde(serialize_with = "opt_num")]
    pub final_loss_q1: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub final_loss_median: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub final_loss_q3: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub final_loss_best: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub median_hidden_gap: Option<f64>,
    pub diverged: u64,
    /// The cell as a person reads it: `uniform:1 @ lr 8.788`.
    #[serde(default)]
    pub label: String,
    /// With `--target-loss`: nets that got below it, their share, their median first epoch.
    #[serde(default)]
    pub target_reached: Option<u64>,
    #[serde(default, serialize_with = "opt_num")]
    pub target_reached_fraction: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub target_epoch_median: Option<f64>,
    /// Median of the final MSE (equal to final_loss_median for the lesson's loss).
    #[serde(default, serialize_with = "opt_num")]
    pub final_mse_median: Option<f64>,
} {
    /// Distribution-free 95 % interval of `solved_epoch_median` (order statistics of the solved
    /// nets' epochs, the binomial sign-test interval); empty below 6 solved nets.
    #[serde(default, serialize_with = "opt_num")]
    pub solved_epoch_median_ci95_low: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub solved_epoch_median_ci95_high: Option<f64>,
}]);

/// One row of curves.csv: a cell's statistics at one logged epoch (`kind = cell`), or one net's
/// values (`kind = net`: a cell's first net; `kind = baseline`: the lesson's run by the reference
/// trainer). The two never share a column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveRow {
    pub kind: String,
    pub cell: Option<u64>,
    #[serde(default)]
    pub label: String,
    pub init: String,
    #[serde(serialize_with = "opt_num")]
    pub scale: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub eps: Option<f64>,
    #[serde(serialize_with = "num")]
    pub lr: f64,
    pub run: Option<u64>,
    pub epoch: u32,
    #[serde(default, serialize_with = "opt_num")]
    pub loss_median: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub loss_q1: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub loss_q3: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub hidden_gap_median: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub hidden_gap_q1: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub hidden_gap_q3: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub solved_fraction: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub net_loss: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub net_hidden_gap: Option<f64>,
}

crate::train::options::hyperparameters!(trainer_row [
/// One row of examples.csv: a cell's first net with its final weights (the decision-boundary
/// chart and the report's explorer draw from it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExampleRow {
    pub run: u64,
    pub cell: u64,
    pub init: String,
    #[serde(serialize_with = "opt_num")]
    pub scale: Option<f64>,
    #[serde(serialize_with = "opt_num")]
    pub eps: Option<f64>,
    #[serde(serialize_with = "num")]
    pub lr: f64,
    #[serde(serialize_with = "num")]
    pub w11: f64,
    #[serde(serialize_with = "num")]
    pub w12: f64,
    #[serde(serialize_with = "num")]
    pub b1: f64,
    #[serde(serialize_with = "num")]
    pub w21: f64,
    #[serde(serialize_with = "num")]
    pub w22: f64,
    #[serde(serialize_with = "num")]
    pub b2: f64,
    #[serde(serialize_with = "num")]
    pub v1: f64,
    #[serde(serialize_with = "num")]
    pub v2: f64,
    #[serde(serialize_with = "num")]
    pub c: f64,
    #[serde(serialize_with = "num")]
    pub final_loss: f64,
    pub correct: u8,
    pub solved_epoch: Option<u64>,
    pub diverged: u8,
} {
    /// Which net of its cell this is: `first` (replicate 0), `first_solved` or `first_failed`
    /// (the cell's first net that solved XOR, or did not, when that is not its first net).
    /// Files older than this column hold only first nets and read as empty.
    #[serde(default)]
    pub role: String,
    /// The initial weights, from which the report's explorer retrains the net (empty in files
    /// older than these columns).
    #[serde(default, serialize_with = "opt_num")]
    pub w11_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub w12_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub b1_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub w21_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub w22_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub b2_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub v1_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub v2_init: Option<f64>,
    #[serde(default, serialize_with = "opt_num")]
    pub c_init: Option<f64>,
}]);

/// [`ExampleRow::role`] of a cell's first net, and of its first nets that solved and failed.
pub const ROLE_FIRST: &str = "first";
pub const ROLE_FIRST_SOLVED: &str = "first_solved";
pub const ROLE_FIRST_FAILED: &str = "first_failed";

impl ExampleRow {
    /// The initial weights, when the file has all nine.
    pub fn initial_params(&self) -> Option<Params> {
        Some(Params([
            self.w11_init?,
            self.w12_init?,
            self.b1_init?,
            self.w21_init?,
            self.w22_init?,
            self.b2_init?,
            self.v1_init?,
            self.v2_init?,
            self.c_init?,
        ]))
    }

    pub fn params(&self) -> Params {
        Params([
            self.w11, self.w12, self.b1, self.w21, self.w22, self.b2, self.v1, self.v2, self.c,
        ])
    }
}

/// Serialise `rows` as a CSV file with its header.
pub fn write_csv<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// Read a CSV file of rows `T`; an error names the file, the line and the column.
pub fn read_csv<T: for<'de> Deserialize<'de>>(file: &str, bytes: &[u8]) -> anyhow::Result<Vec<T>> {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r
        .headers()
        .map_err(|e| anyhow::anyhow!("{file}: unreadable header: {e}"))?
        .clone();
    r.deserialize()
        .map(|row| {
            row.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        let column = err
                            .field()
                            .and_then(|i| header.get(i as usize))
                            .map_or(String::new(), |c| format!(" column {c}:"));
                        let what = err.to_string();
                        match what.strip_prefix("missing field `") {
                            Some(rest) => anyhow::anyhow!(
                                "{file}: no column {}: not a file of this xorsweep",
                                rest.trim_end_matches('`')
                            ),
                            None => anyhow::anyhow!("{file}: line {line}:{column} {}", err.kind()),
                        }
                    }
                    _ => anyhow::anyhow!("{file}: line {line}: {e}"),
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_spelled_as_ryu_spells_them() {
        use rand::{RngExt, SeedableRng};
        let ryu = |x: f64| {
            let mut buf = ryu::Buffer::new();
            let text = if x.is_finite() {
                buf.format_finite(x)
            } else {
                buf.format(x)
            };
            text.strip_suffix(".0").unwrap_or(text).to_string()
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        let special = [
            0.0,
            -0.0,
            1.0,
            2.0,
            0.5,
            1e-12,
            123.0,
            1e15,
            1e16,
            1.5e16,
            1e17,
            9_007_199_254_740_993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let powers = (-330..310).flat_map(|i| [10f64.powi(i), -1.5 * 10f64.powi(i)]);
        let bits: Vec<f64> = (0..300_000)
            .map(|_| f64::from_bits(rng.random::<u64>()))
            .collect();
        let typical: Vec<f64> = (0..300_000)
            .map(|_| 10f64.powf(rng.random_range(-30.0..20.0)))
            .collect();
        for x in special.into_iter().chain(powers).chain(bits).chain(typical) {
            assert_eq!(crate::format::exact(x), ryu(x), "{x:e}");
        }
    }

    #[test]
    fn runs_rows_are_the_csv_crate_s_bytes() {
        // Inits with and without scale and eps, a diverging rate (NaN and inf columns), nets
        // that never solve (empty solved_epoch), a chunk split inside a cell.
        let plan = crate::sweep::plan::mixed_plan(5, 60, 4);
        let mut scratch = crate::sweep::work::Scratch::default();
        for k in 0..plan.chunks() {
            let data = crate::sweep::work::train_chunk(&plan, k, &mut scratch);
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            for_each_kept_row(&plan, RunsCsv::All, &data, |row| w.serialize(row).unwrap());
            let want = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let got = String::from_utf8(runs_rows(&plan, RunsCsv::All, &data)).unwrap();
            assert_eq!(got, want, "chunk {k}");
        }
    }

    #[test]
    fn the_header_is_the_row_struct_s_field_list() {
        let plan = Plan::new(crate::sweep::config::SweepConfig {
            trainer: crate::hyper::TrainerAxes {
                lr: Some("1".parse().unwrap()),
                ..Default::default()
            },
            init: vec!["uniform:1".parse().unwrap()],
            seeds: 1,
            epochs: 3,
            ..Default::default()
        });
        let net = plan.net(0);
        let spec = crate::train::TrainSpec::new(3, vec![], None);
        let (o, _) = crate::train::reference::train(&net, &spec);
        let mut w = csv::Writer::from_writer(Vec::new());
        let label = plan.cells[0].label();
        let row = RunRow::new(&plan, &plan.cells[0], 0, &o, &label);
        w.serialize(&row).unwrap();
        let bytes = w.into_inner().unwrap();
        assert!(bytes.starts_with(&runs_header()));
        let mut r = csv::Reader::from_reader(&bytes[..]);
        let back: RunRow = r.deserialize().next().unwrap().unwrap();
        assert_eq!(back, row);
        assert_eq!(back.net(), net);
        assert_eq!(back.final_params(), o.params);
    }

    #[test]
    fn numbers_round_trip_exactly_and_read_well() {
        let xs = [
            0.0,
            1.0,
            2.0,
            0.1,
            1.0 / 3.0,
            1e-12,
            2.5e-300,
            123456789.123,
            1e20,
            -7.25e-5,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
        ];
        let rows: Vec<CurveRow> = xs
            .iter()
            .map(|&x| CurveRow {
                kind: "net".into(),
                cell: Some(1),
                label: String::new(),
                init: "uniform".into(),
                scale: Some(1.0),
                eps: None,
                lr: x,
                run: None,
                epoch: 0,
                loss_median: None,
                loss_q1: None,
                loss_q3: None,
                hidden_gap_median: None,
                hidden_gap_q1: None,
                hidden_gap_q3: None,
                solved_fraction: None,
                net_loss: Some(x),
                net_hidden_gap: None,
            })
            .collect();
        let bytes = write_csv(rows.iter());
        let text = String::from_utf8(bytes.clone()).unwrap();
        // Float columns keep a whole number's ".0", so a reader types them float.
        assert!(text.contains(",2.0,") && text.contains(",1e-12,"), "{text}");
        assert!(!text.contains(",2,"), "{text}");
        let back: Vec<CurveRow> = read_csv("curves.csv", &bytes).unwrap();
        for (x, r) in xs.iter().zip(&back) {
            let same = |a: f64| a.to_bits() == x.to_bits() || (a.is_nan() && x.is_nan());
            assert!(same(r.lr) && same(r.net_loss.unwrap()), "{x} -> {}", r.lr);
        }
        // Files of older versions wrote `2`: still read.
        let old = String::from_utf8(bytes).unwrap().replace(",2.0,", ",2,");
        let back: Vec<CurveRow> = read_csv("curves.csv", old.as_bytes()).unwrap();
        assert!(back.iter().any(|r| r.lr == 2.0), "{old}");
    }
}
