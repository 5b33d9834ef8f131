//! Every lane implementation (f64x4, f64x8, f32x8, f32x16, and K interleaved vectors) against the
//! scalar reference and against each other, in one test crate: each lane type's kernel (24
//! option loops × 2 kernels) is compiled once for all of these tests, not once per file.

#[path = "../common/mod.rs"]
mod common;

mod dd;
mod exp;
mod interleaved;
mod per_layer;
mod saturated;
mod symmetry;
mod vs_oracle;
