//! xorsweep: train many tiny 2-2-1 XOR networks at once and show, in numbers and pictures, how
//! learning rate and initialisation decide whether they learn.
//!
//! `cli` parses, `sweep` plans and runs, `train` computes (no I/O), `report` writes CSV, charts
//! and the HTML page; `plot` redraws the charts and page from a finished sweep's files.

pub mod baseline;
pub mod bench;
pub mod cli;
pub mod cpu;
pub mod error;
pub mod fsutil;
pub mod map;
pub mod plot;
pub mod replay;
pub mod report;
pub mod sweep;
pub mod train;
