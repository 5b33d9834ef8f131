//! runs.csv: one text row per kept net, the header first ([`crate::report::schema::RunRow`]'s
//! fields), each row encoded by [`super::csv_row`].

use std::io::Write;

use super::{RunsSink, Temp, cannot_write, synced};
use crate::report::schema;
use crate::sweep::chunk::ChunkData;
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::Plan;

/// runs.csv being written.
pub struct CsvRuns(Temp);

impl RunsSink for CsvRuns {
    type Rows = Vec<u8>;
    const FILE: &'static str = "runs.csv";

    fn create(mut out: Temp) -> anyhow::Result<Self> {
        out.write_all(&schema::runs_header())
            .map_err(|e| cannot_write(Self::FILE, e))?;
        Ok(CsvRuns(out))
    }

    fn rows(plan: &Plan, which: RunsCsv, chunk: &ChunkData) -> Vec<u8> {
        schema::runs_rows(plan, which, chunk)
    }

    fn append(&mut self, rows: Vec<u8>) -> anyhow::Result<()> {
        self.0
            .write_all(&rows)
            .map_err(|e| cannot_write(Self::FILE, e))
    }

    fn finish(self) -> anyhow::Result<tempfile::NamedTempFile> {
        synced(self.0, Self::FILE)
    }
}
