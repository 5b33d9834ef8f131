//! Where a sweep's per-net rows go: runs.csv or runs.parquet, one [`RunsSink`] each, a file per
//! format (hyperfine's exporters, ripgrep's `Sink`). The pipeline pushes every chunk's kept rows
//! into the sink the sweep's `--runs-format` picks, in run order, then finishes the file.
//!
//! A chunk's rows are made on the thread that trained it ([`RunsSink::rows`], the costly part:
//! formatting or columnising ~1 000 values per net), and appended by the one consumer
//! ([`RunsSink::append`]), so the file is the same bytes for any thread count. Each format's
//! rows are its own type, so a chunk can never reach a sink of the other format.

pub mod csv;
pub mod csv_row;
pub mod parquet;

use std::io::BufWriter;

use crate::sweep::chunk::ChunkData;
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::Plan;

/// The temporary file a sink writes into (renamed into place once the reports are written).
pub type Temp = BufWriter<tempfile::NamedTempFile>;

/// A runs file being written: rows of chunks in run order, then the finished file.
pub trait RunsSink: Sized {
    /// One chunk's kept rows in this format, ready to append.
    type Rows: Send;
    /// The file's name in the sweep's folder.
    const FILE: &'static str;

    /// Start the file in `out` (its header, if the format has one).
    fn create(out: Temp) -> anyhow::Result<Self>;

    /// The rows of `chunk`'s nets that `which` keeps, in run order (on any thread).
    fn rows(plan: &Plan, which: RunsCsv, chunk: &ChunkData) -> Self::Rows;

    /// Append the next chunk's rows.
    fn append(&mut self, rows: Self::Rows) -> anyhow::Result<()>;

    /// The complete file, flushed and synced.
    fn finish(self) -> anyhow::Result<tempfile::NamedTempFile>;
}

/// `e` as the error of writing `file`.
fn cannot_write(file: &str, e: impl std::fmt::Display) -> anyhow::Error {
    crate::error::RuntimeError::new(format!("cannot write {file}: {e}")).into()
}

/// `out` flushed and synced to disk.
fn synced(out: Temp, file: &str) -> anyhow::Result<tempfile::NamedTempFile> {
    let temp = out
        .into_inner()
        .map_err(|e| cannot_write(file, e.error()))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| cannot_write(file, e))?;
    Ok(temp)
}
