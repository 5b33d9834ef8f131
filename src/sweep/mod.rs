//! Sweeps: plan the grid of nets (learning rates × initialisations × seeds), run it in chunks
//! across threads, save, shard, resume and merge.

pub mod chunk;
pub mod config;
pub mod merge;
pub mod plan;
pub mod run;
pub mod shard;
pub mod spec;
