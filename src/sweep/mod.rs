//! Sweeps: plan the grid of nets (learning rates × initialisations × seeds), train it chunk by
//! chunk, and the chunk format that saving, sharding, resuming and merging rest on. Nothing here
//! knows the reports; the pipeline on top wires the two together.

pub mod chunk;
pub mod config;
pub mod plan;
pub mod shard;
pub mod spec;
pub mod streams;
pub mod work;
