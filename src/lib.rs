//! xorsweep: train many tiny 2-2-1 XOR networks at once and show how learning rate and
//! initialisation decide whether they learn.

pub mod baseline;
pub mod train;
