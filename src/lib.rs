//! xorsweep: train many tiny 2-2-1 XOR networks at once and show, in numbers and pictures, how
//! learning rate and initialisation decide whether they learn.
//!
//! Layers, each knowing only those below it: `cli` parses into typed values; `pipeline` wires
//! plan → train → aggregate → write for sweep, resume, merge and plot, writing every file
//! through `outdir`; `sweep` plans and trains chunks; `report` renders CSV, charts and HTML from
//! aggregates; `train` computes (no I/O); `sketch` is the mergeable quantile sketch. Every file
//! is read through `fsio` (regular files only, sizes checked first) and every value echoed to
//! the terminal is escaped by `escape`; `compare` reads two finished
//! sweeps' summaries and says what differs; `serve` serves a map to explore in the browser, its
//! tiles trained by `map`'s own compute.

pub mod baseline;
pub mod bench;
pub mod cli;
pub mod compare;
pub mod config_file;
pub mod cpu;
pub mod error;
pub mod escape;
pub mod format;
pub mod fsio;
pub mod hints;
pub mod hyper;
pub mod manpages;
pub mod map;
pub mod outdir;
pub mod pipeline;
pub mod progress;
pub mod replay;
pub mod report;
pub mod serve;
pub mod signals;
pub mod sketch;
pub mod sweep;
pub mod train;
