//! Counting the lane kernel's vector operations per net-epoch, from the kernel itself.
//!
//! `bench --roofline` needs to know how many vector operations of each kind one epoch of one
//! vector of nets costs. Rather than a tally kept by hand (which goes stale with every kernel
//! change), the kernel is run on [`CountF64`] / [`CountF32`]: one-lane implementations of
//! [`Lane`] that compute in plain `f64` / `f32` exactly as one lane of `wide`'s vectors does
//! (fused multiply-adds, the same min/max and select semantics) and add one to a per-thread
//! counter of the operation's [`OpClass`] each time the kernel calls a vector operation. Their
//! `exp`, `tanh` and `ln` are the lane instances' own code: the `impl_lane!` macro of
//! [`super::lane`] is instantiated on them, so the polynomial degrees and every operation of the
//! range reductions are counted as they are. The real kernel is untouched: these types are only
//! another instantiation of the same generic code.
//!
//! One epoch's count is the difference between runs of 2 and 1 epochs, with nothing logged and
//! nets that never solve (zero weights, zero learning rates: the outputs stay at σ(0) = 0.5, not
//! strictly correct), so it holds the forward pass, the steps and the "solved" verdict, which the
//! kernel skips once every lane of a vector has solved (11 of the lesson's 342 operations). The
//! loss and hidden gap, computed only at logged epochs (every 500 in `bench`), are not in it.
//!
//! What a count is: one call of a [`Lane`] operation or of the `wide` methods the instances use.
//! Broadcasts of constants are not counted (hoisted out of the loop), nor bit casts (no
//! instruction), nor `!mask` (folded into an and-not). On AVX-512 with `wide`'s full-vector
//! masks a compare is a compare into a mask register plus a mask-to-vector move and a select a
//! vector-to-mask move plus a blend, unless LLVM fuses them; the count is of the operations the
//! code asks for, not of instructions.
//!
//! ## The lesson's count, by hand (f64; f32 in brackets where it differs)
//! Per epoch of one vector (sigmoid hidden and output units, mse, full batch, no momentum):
//! - `exp_neg` (12 per epoch, one per sigmoid): clamp 1 max + 1 min; t = fma; n = t − magic
//!   (add); r: 2 fma; q(r): 4 [1] fma; r·r 1 mul; e^r − 1 = r + r²·q: 1 fma; s = 2^k·2^(j/16): 1
//!   table pick (a permute, counted as a select) + 1 shift + 1 integer add; s + s·(e^r − 1): 1 fma.
//!   fma 10 [7], add 3, int 2, select 1.
//! - sigmoid = 1/(1 + e^(−z)): exp_neg + 1 add + 1 div: fma 10 [7], add 4, int 2, select 1, div 1.
//! - forward: hidden pre-activations 4 add per unit (b, w2 + b, w1 + b, (w1 + w2) + b): 8 add; 8
//!   hidden and 4 output sigmoids; outputs v1·h1 + v2·h2 + c: 2 mul + 2 add each: 8 mul, 8 add.
//!   fma 12·10 + 8 = 128 [92], add 8 + 12·4 + 8 = 64, int 24, select 12, div 12.
//! - verdict: 4 compares, 3 and, 1 and-not, 1 select, 1 or, 1 all-lanes test (11 operations).
//! - gradient: errors 2 sub; δout = e·out·(1 − out): 2 mul + 1 sub each (8 mul, 4 add); δh =
//!   (δout·v)·h·(1 − h): 3 mul + 1 sub each of 8 (24 mul, 8 add); the nine sums: w·1 2 add, b 3
//!   add per hidden unit (10 add), v 4 mul + 3 add per hidden unit (8 mul, 6 add), c 3 add.
//!   fma 40, add 2 + 4 + 8 + 10 + 6 + 3 = 33.
//! - update p ← p − (η·½)·g: 9 mul + 9 sub.
//!
//! Total: fma 177 [141], add 106, div 12, compare 4, select 13, logic 5, int 24, test 1: 342
//! [306] vector operations per 8 [16] nets, 42.75 [19.125] per net-epoch (before the table-driven
//! exp: fma 249 [189], int 36, select 1: 414 [354]). The test below pins
//! these numbers: a kernel change that alters them fails it, and this tally is updated with it.

use std::cell::Cell;
use std::ops::{Add, BitAnd, BitOr, Div, Mul, Not, Shl, Shr, Sub};

use serde::Serialize;

use super::batch;
use super::lane::{Lane, Vector, impl_f32_lane, impl_f64_lane, impl_lane};
use super::pick::Pick16;
use super::{Hyper, Net, Options, Params, Precision, TrainSpec};

/// Kinds of vector operation, by the execution units they need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpClass {
    /// Multiplication or fused multiply-add.
    Fma,
    /// Addition, subtraction, minimum or maximum.
    Add,
    Div,
    Compare,
    /// Lane-wise choice by a mask (a blend), or a pick from a table in registers (a permute).
    Select,
    /// and, or, and-not, abs (an and with the sign mask).
    Logic,
    /// Integer add, subtract or shift of the bits (exp's 2^n, ln's exponent).
    Int,
    /// All-lanes test of a mask (the verdict's early exit).
    Test,
}

/// A number of vector operations of each [`OpClass`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ops {
    pub fma: u64,
    pub add: u64,
    pub div: u64,
    pub compare: u64,
    pub select: u64,
    pub logic: u64,
    pub int: u64,
    pub test: u64,
}

impl Ops {
    fn slot(&mut self, class: OpClass) -> &mut u64 {
        match class {
            OpClass::Fma => &mut self.fma,
            OpClass::Add => &mut self.add,
            OpClass::Div => &mut self.div,
            OpClass::Compare => &mut self.compare,
            OpClass::Select => &mut self.select,
            OpClass::Logic => &mut self.logic,
            OpClass::Int => &mut self.int,
            OpClass::Test => &mut self.test,
        }
    }

    /// Every operation counted.
    pub fn total(&self) -> u64 {
        self.fma
            + self.add
            + self.div
            + self.compare
            + self.select
            + self.logic
            + self.int
            + self.test
    }

    /// Operations other than multiply/fma, add and divide: compare, select, logic, integer, test.
    pub fn other(&self) -> u64 {
        self.compare + self.select + self.logic + self.int + self.test
    }

    fn minus(self, o: Ops) -> Ops {
        Ops {
            fma: self.fma - o.fma,
            add: self.add - o.add,
            div: self.div - o.div,
            compare: self.compare - o.compare,
            select: self.select - o.select,
            logic: self.logic - o.logic,
            int: self.int - o.int,
            test: self.test - o.test,
        }
    }
}

thread_local! {
    /// This thread's count since the last [`take`].
    static COUNTS: Cell<Ops> = const { Cell::new(Ops { fma: 0, add: 0, div: 0, compare: 0, select: 0, logic: 0, int: 0, test: 0 }) };
}

#[inline]
fn bump(class: OpClass) {
    COUNTS.with(|c| {
        let mut o = c.get();
        *o.slot(class) += 1;
        c.set(o);
    });
}

/// This thread's count, reset to zero.
fn take() -> Ops {
    COUNTS.with(|c| c.replace(Ops::default()))
}

/// The counting types of one precision: `$v` (a number) and `$bits` (its bits), with the
/// methods of `wide`'s vectors that `impl_lane!` calls, one lane wide.
macro_rules! counting_types {
    ($v:ident, $t:ty, $bits:ident, $u:ty) => {
        /// One lane of the kernel's arithmetic that counts its operations (see the module docs).
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $v($t);

        /// The bits of a [`
        #[doc = stringify!($v)]
        /// `].
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $bits($u);

        impl $v {
            const ZERO: Self = $v(0.0);
            const ONE: Self = $v(1.0);

            fn splat(x: $t) -> Self {
                $v(x)
            }
            fn new(a: [$t; 1]) -> Self {
                $v(a[0])
            }
            fn to_array(self) -> [$t; 1] {
                [self.0]
            }
            fn to_bits(self) -> $bits {
                $bits(self.0.to_bits())
            }
            fn from_bits(b: $bits) -> Self {
                $v(<$t>::from_bits(b.0))
            }
            fn mask(set: bool) -> Self {
                $v(<$t>::from_bits(if set { <$u>::MAX } else { 0 }))
            }
            fn sign_set(self) -> bool {
                self.0.is_sign_negative()
            }
            /// maxpd: `rhs` unless `self > rhs` (so `rhs` when either is NaN).
            fn fast_max(self, rhs: Self) -> Self {
                bump(OpClass::Add);
                if self.0 > rhs.0 { self } else { rhs }
            }
            /// minpd: `rhs` unless `self < rhs`.
            fn fast_min(self, rhs: Self) -> Self {
                bump(OpClass::Add);
                if self.0 < rhs.0 { self } else { rhs }
            }
            fn mul_add(self, a: Self, b: Self) -> Self {
                bump(OpClass::Fma);
                $v(self.0.mul_add(a.0, b.0))
            }
            /// b − self·a, fused.
            fn mul_neg_add(self, a: Self, b: Self) -> Self {
                bump(OpClass::Fma);
                $v((-self.0).mul_add(a.0, b.0))
            }
            /// −(self·a) − b, fused.
            fn mul_neg_sub(self, a: Self, b: Self) -> Self {
                bump(OpClass::Fma);
                $v((-self.0).mul_add(a.0, -b.0))
            }
            fn simd_gt(self, rhs: Self) -> Self {
                bump(OpClass::Compare);
                Self::mask(self.0 > rhs.0)
            }
            fn simd_lt(self, rhs: Self) -> Self {
                bump(OpClass::Compare);
                Self::mask(self.0 < rhs.0)
            }
            fn simd_ge(self, rhs: Self) -> Self {
                bump(OpClass::Compare);
                Self::mask(self.0 >= rhs.0)
            }
            fn simd_eq(self, rhs: Self) -> Self {
                bump(OpClass::Compare);
                Self::mask(self.0 == rhs.0)
            }
            fn simd_ne(self, rhs: Self) -> Self {
                bump(OpClass::Compare);
                Self::mask(self.0 != rhs.0)
            }
            fn abs(self) -> Self {
                bump(OpClass::Logic);
                $v(self.0.abs())
            }
            /// On the divider, as a division.
            fn sqrt(self) -> Self {
                bump(OpClass::Div);
                $v(self.0.sqrt())
            }
            /// By the mask's sign bit, as the AVX-512 and AVX2 blends.
            fn select(self, if_true: Self, if_false: Self) -> Self {
                bump(OpClass::Select);
                if self.sign_set() { if_true } else { if_false }
            }
            fn all(self) -> bool {
                bump(OpClass::Test);
                self.sign_set()
            }
        }

        impl $bits {
            fn splat(x: $u) -> Self {
                $bits(x)
            }
        }

        /// A permute on AVX-512: counted as a [`OpClass::Select`].
        impl Pick16 for $bits {
            type Entry = $u;
            fn pick16(self, table: &[$u; 16]) -> Self {
                bump(OpClass::Select);
                $bits(table[(self.0 & 15) as usize])
            }
        }

        impl Add for $v {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                bump(OpClass::Add);
                $v(self.0 + rhs.0)
            }
        }
        impl Sub for $v {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                bump(OpClass::Add);
                $v(self.0 - rhs.0)
            }
        }
        impl Mul for $v {
            type Output = Self;
            fn mul(self, rhs: Self) -> Self {
                bump(OpClass::Fma);
                $v(self.0 * rhs.0)
            }
        }
        impl Div for $v {
            type Output = Self;
            fn div(self, rhs: Self) -> Self {
                bump(OpClass::Div);
                $v(self.0 / rhs.0)
            }
        }
        impl BitAnd for $v {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                bump(OpClass::Logic);
                $v(<$t>::from_bits(self.0.to_bits() & rhs.0.to_bits()))
            }
        }
        impl BitOr for $v {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                bump(OpClass::Logic);
                $v(<$t>::from_bits(self.0.to_bits() | rhs.0.to_bits()))
            }
        }
        /// Not counted: `!a & b` is one and-not.
        impl Not for $v {
            type Output = Self;
            fn not(self) -> Self {
                $v(<$t>::from_bits(!self.0.to_bits()))
            }
        }
        impl Add for $bits {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                bump(OpClass::Int);
                $bits(self.0.wrapping_add(rhs.0))
            }
        }
        impl Sub for $bits {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                bump(OpClass::Int);
                $bits(self.0.wrapping_sub(rhs.0))
            }
        }
        impl Shl<i32> for $bits {
            type Output = Self;
            fn shl(self, by: i32) -> Self {
                bump(OpClass::Int);
                $bits(self.0 << by)
            }
        }
        impl Shr<i32> for $bits {
            type Output = Self;
            fn shr(self, by: i32) -> Self {
                bump(OpClass::Int);
                $bits(self.0 >> by)
            }
        }
        impl BitAnd for $bits {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                bump(OpClass::Logic);
                $bits(self.0 & rhs.0)
            }
        }
        impl BitOr for $bits {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                bump(OpClass::Logic);
                $bits(self.0 | rhs.0)
            }
        }
    };
}

counting_types!(CountF64, f64, CountU64, u64);
counting_types!(CountF32, f32, CountU32, u32);
impl_f64_lane!(CountF64, 1, CountU64);
impl_f32_lane!(CountF32, 1, CountU32);

/// The count of training one net for `epochs` epochs with the lanes of `V`.
fn count_run<V: Lane>(net: &Net, epochs: u32) -> Ops {
    take();
    std::hint::black_box(batch::train_with::<V>(
        std::slice::from_ref(net),
        &TrainSpec::new(epochs, Vec::new(), None),
    ));
    take()
}

/// Vector operations of one epoch of one vector of nets trained with `options` and the
/// numbers of `hyper` but its rates (momentum, decay, clipping) in `precision` (see the module
/// docs for what is counted). One vector holds [`batch::lane_width`] nets. Panics on options
/// [`Options::check`] refuses, and on double-double (no counting lanes: `bench --roofline` offers
/// f64 and f32 only).
pub fn per_vector_epoch(precision: Precision, options: Options, hyper: Hyper) -> Ops {
    let net = Net {
        init: Params([0.0; super::N_PARAMS]),
        hyper: Hyper {
            lr_hidden: 0.0,
            lr_out: 0.0,
            ..hyper
        },
        options,
    };
    let (one, two) = match precision {
        Precision::F64 => (
            count_run::<CountF64>(&net, 1),
            count_run::<CountF64>(&net, 2),
        ),
        Precision::F32 => (
            count_run::<CountF32>(&net, 1),
            count_run::<CountF32>(&net, 2),
        ),
        Precision::Dd => panic!("no operation count for double-double lanes"),
    };
    two.minus(one)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::options::{Activation, Batch, HyperParam, Loss, OutputUnit};
    use crate::train::{Outcome, lane};

    /// The module docs' tally of the lesson's epoch.
    #[test]
    fn lesson_count_is_the_tally() {
        let f64_ops = per_vector_epoch(Precision::F64, Options::LESSON, Hyper::LESSON);
        let tally = Ops {
            fma: 177,
            add: 106,
            div: 12,
            compare: 4,
            select: 13,
            logic: 5,
            int: 24,
            test: 1,
        };
        assert_eq!(f64_ops, tally);
        assert_eq!(f64_ops.total(), 342);
        let f32_ops = per_vector_epoch(Precision::F32, Options::LESSON, Hyper::LESSON);
        assert_eq!(f32_ops, Ops { fma: 141, ..tally });
        assert_eq!(f32_ops.total(), 306);
    }

    /// Momentum takes the stateful loop; other options cost what they should relative to the
    /// lesson (no exact tally: these pin directions that cannot hold by accident).
    #[test]
    fn options_change_the_count() {
        let lesson = per_vector_epoch(Precision::F64, Options::LESSON, Hyper::LESSON);
        let momentum = per_vector_epoch(
            Precision::F64,
            Options::LESSON,
            Hyper {
                momentum: 0.9,
                ..Hyper::LESSON
            },
        );
        assert!(momentum.select > lesson.select && momentum.fma > lesson.fma);
        let relu = Options {
            activation: Activation::Relu,
            ..Options::LESSON
        };
        let relu = per_vector_epoch(Precision::F64, relu, Hyper::LESSON);
        // Eight hidden sigmoids (10 fma, 4 add, 2 int, 1 select, 1 div each) fewer.
        assert_eq!(relu.div, lesson.div - 8);
        assert_eq!(relu.int, lesson.int - 16);
        let bce = Options {
            loss: Loss::Bce,
            ..Options::LESSON
        };
        // Not the lesson's options: the stateful loop, as with momentum. The loss is not
        // computed in an unlogged epoch, and bce's δout has no g′: 2 mul fewer per case.
        let bce = per_vector_epoch(Precision::F64, bce, Hyper::LESSON);
        assert_eq!(
            bce,
            Ops {
                fma: momentum.fma - 8,
                add: momentum.add - 4,
                ..momentum
            }
        );
        let online = Options {
            batch: Batch::Online,
            output: OutputUnit::Sigmoid,
            ..Options::LESSON
        };
        // Online: the epoch's forward pass of all four cases (12 sigmoids: the verdict's, and
        // case 00's step) and one of each later case after its predecessor's step (3 each).
        assert_eq!(
            per_vector_epoch(Precision::F64, online, Hyper::LESSON).div,
            21
        );
    }

    fn bits(o: &[(Outcome, crate::train::Curve)]) -> Vec<Vec<u64>> {
        o.iter()
            .map(|(o, c)| {
                // NaN's sign and payload are not the arithmetic's: one NaN for all.
                let b = |x: &f64| if x.is_nan() { 1 } else { x.to_bits() };
                let mut v: Vec<u64> = o.params.0.iter().map(b).collect();
                v.extend(o.outputs.iter().map(b));
                v.push(b(&o.final_loss));
                v.extend(c.loss.iter().chain(&c.gap).map(b));
                v.push(u64::from(o.solved_epoch.unwrap_or(u32::MAX)));
                v
            })
            .collect()
    }

    /// The counting lanes compute what one lane of the real vectors computes, bit for bit, for
    /// every option combination: they run the kernel's code, not an approximation of it.
    #[test]
    fn counting_lanes_compute_like_the_vectors() {
        let spec = TrainSpec::new(120, vec![0, 7, 120], Some(0.05));
        let mut all = Vec::new();
        for &activation in Activation::ALL {
            for &output in OutputUnit::ALL {
                for &loss in Loss::ALL {
                    for &batch in Batch::ALL {
                        all.push(Options {
                            activation,
                            output,
                            loss,
                            batch,
                        });
                    }
                }
            }
        }
        all.retain(|o| o.check().is_ok());
        assert_eq!(all.len(), 24);
        for options in all {
            // The plain loop, and the stateful one with every number not a rate set to 0.5.
            let mut stateful = Hyper::LESSON;
            for &p in HyperParam::ALL.iter().filter(|p| !p.is_rate()) {
                stateful.set(p, 0.5);
            }
            for hyper in [Hyper::LESSON, stateful] {
                let nets: Vec<Net> = (0..5)
                    .map(|i| Net {
                        init: Params(std::array::from_fn(|k| {
                            ((i * 9 + k) as f64 * 0.37).sin() * 1.5
                        })),
                        hyper: Hyper {
                            lr_hidden: 0.5 + i as f64,
                            lr_out: 0.7 + i as f64,
                            ..hyper
                        },
                        options,
                    })
                    .collect();
                assert_eq!(
                    bits(&batch::train_with::<CountF64>(&nets, &spec)),
                    bits(&batch::train_with::<lane::F64Lanes>(&nets, &spec)),
                    "f64 {options:?} {hyper:?}"
                );
                assert_eq!(
                    bits(&batch::train_with::<CountF32>(&nets, &spec)),
                    bits(&batch::train_with::<lane::F32Lanes>(&nets, &spec)),
                    "f32 {options:?} {hyper:?}"
                );
            }
        }
    }
}
