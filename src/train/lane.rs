//! The small vector trait the lane trainer is written against, and its four instances on
//! `wide`'s types (f64x4, f64x8, f32x8, f32x16); a fifth, double-double on f64x8, is
//! [`super::dd::Dd`] (`--precision dd`; speed under "Double-double" below).
//!
//! Like memchr's `Vector`: only the operations the algorithm needs. The training step in
//! [`super::batch`] is written once, generic over [`Lane`]; each instance supplies arithmetic,
//! comparisons as all-ones/all-zeros masks, and an `exp` of its own.
//!
//! `wide` picks its code path at compile time, so the crate's `.cargo/config.toml` builds for the
//! host CPU (`wide` on a plain x86-64 build would run 8×f64 through SSE2, 2–3× slower). See
//! [`F64Lanes`] for the widths used.
//!
//! ## Why K = 2 vectors per batch
//! One vector of nets is one dependency chain: forward → exp → divide → backward → update, and
//! the next epoch needs this one's weights, so one vector leaves most of the core idle.
//! [`Multi`] trains K independent vectors in one loop (each operation applied to each in turn),
//! so the core overlaps K chains; results are bit for bit those of one vector
//! (tests/lanes/interleaved.rs). Measured on an Intel Xeon (Sapphire Rapids, AVX-512; a shared
//! 2-vCPU VM), `bench --impl simd --nets 262144 --epochs 500 --threads 1` as net-epochs per CPU
//! second, medians of 3 alternated runs (spread ±3 %): f64x8 ×1/2/3/4: 70/90/83/86 M; f32x16
//! ×1/2/3/4: 172/215/190/211 M. K = 2 gains 1.27× (f64) and 1.25× (f32); more does not pay
//! here: the loop's ~40 live vectors per chain spill beyond 2 (32 registers). Without AVX-512
//! K = 1: f64x8 and f32x16 are already two ymm registers each there, and a second pair spills
//! the 16 ymm registers. Measured with an AVX2 build (`-C target-cpu=x86-64-v3`) on the same
//! Xeon core, same bench, 3 rounds: K = 1 f64 57.8–69.5 M, f32 170–181 M; K = 2 f64 53.5–54.4 M,
//! f32 132–137 M (the AVX-512 build: 100–102 M and 238–242 M).
//!
//! ## Double-double
//! [`super::dd::Dd`] holds each number as hi + lo (about 106 bits) and runs the same kernel with
//! K = 1: a dd operation is already 10–20 f64 operations in two or three independent chains,
//! work enough for the core to overlap without a second vector. Speed, on an AMD EPYC (`lscpu`; 2 shared vCPUs, AVX-512), a 256² map
//! of 1000 epochs on one thread, two alternated rounds: f64 (2×f64x8) 220 and 230 M
//! net-epochs/s, dd 3.11 and 3.16 M, about 71× slower: the dd exp alone is ~17 dd multiplies
//! and adds of ~10–20 f64 operations each, against 10 FMAs.
//!
//! ## Why a division, not a reciprocal estimate
//! The 12 divisions per epoch (one per sigmoid) looked like the next bound at K = 2, and AVX-512
//! has a 14-bit reciprocal estimate (`vrcp14`) that Newton steps refine (y ← y + y·(1 − d·y): two
//! FMAs a step; two steps in f64, one in f32, within about an ulp). Tried on the sigmoid with
//! K = 2 (`bench --impl simd --nets 262144 --epochs 500 --threads 1`, net-epochs per CPU second,
//! 3 alternated rounds, same Xeon): f64 83.0/83.0/83.4 M against 86.9/92.6/92.5 M with the
//! division, f32 221.7/219.2/214.3 M against 218.3/220.2/222.2 M. The divider is not what
//! limits the loop (it runs beside the FMA ports; the Newton steps add FMAs where those are the
//! bound), so the division stays: it is also correctly rounded, the same on every x86 CPU and
//! lane width (the estimate's bits are the vendor's, and AVX2 has none for f64), which keeps a
//! sweep's shards byte-identical across the machines of a cluster.
//!
//! ## exp
//! `wide`'s own `exp` handles every corner of the f64 range and costs ~80 instructions. Ours is a
//! table-driven range reduction `x = (k + j/16)·ln2 + r`, |r| ≤ ln2/32: n = 16k + j is x·16·log2 e
//! rounded (held in the low bits of a float by adding 1.5·2^mantissa), r = x − n·ln2/16 in two
//! parts (Cody–Waite, exact), e^r − 1 = r + r²·q(r) with q a Chebyshev fit (degree 4 in f64, 1 in
//! f32: e^r to 0.27 and 0.08 ulp), and e^x = s + s·(e^r − 1) in one FMA, where s = 2^k·2^(j/16)
//! is built without a shift of n to the right: the table holds 2^(j/16)'s bits less j shifted to
//! the exponent's bottom, so adding n shifted there gives k in the exponent (the trick of ARM's
//! optimized-routines). The 16 entries sit in registers and are picked by permutes (one on
//! AVX-512; two and a blend per 8 lanes on AVX2: [`super::pick`]). 10 FMA-class operations in
//! f64 and 7 in f32 per exp (the Taylor polynomial of degree 12 and 7 after a plain ln 2
//! reduction that this replaced: 16 and 11), and as many fewer steps in the chain a sigmoid
//! waits on. Worst error measured over the trainer's range, in
//! every lane type: 1 ulp (tests/lanes/exp.rs requires ≤ 2).
//! Inputs are first clamped to the range where 2^k is a normal number
//! ([-708, 709] in f64; [-87, 87] in f32, one short of it so that a sigmoid 1/(1 + e^87) ≈ 1.6e−38
//! is a normal number too: the f32 lanes train with subnormals flushed to zero, see
//! [`super::flush`], and a tiny output must not become a 0 the verdict or δout would see).
//! Inside that range it is within 2 ulp of the standard library (tested over the whole range the
//! trainer uses). Outside it only the sigmoid of a pre-activation beyond ±709 (±87 in f32)
//! changes, by less than 1e-307 (1.7e-38) absolute: σ(z) for such z is 0 or 1 to within that.
//! NaN propagates.
//!
//! ## tanh
//! For the tanh hidden units: with x = 2|z|, tanh|z| = m/(m+2) where m = e^x − 1, and the sign of
//! z put back. m comes from a Taylor polynomial of (e^x − 1)/x for x < 1 (degree 17 in f64, 9 in
//! f32: truncation below half an ulp) and from our `exp` above; there is no cancellation in either
//! branch (e^x − 1 ≥ 1.7 for x ≥ 1). Within 4 ulp of the standard library's tanh over the whole
//! line (tests/lanes/exp.rs); ±1 beyond ±354 (±44 in f32) where `exp` clamps; NaN propagates.
//!
//! ## ln
//! For the cross-entropy loss (through [`Lane::softplus`]): x = m·2^e with m in [√½, √2) read
//! off the bits (subnormals scaled up first), ln m = 2·atanh(s) with s = (m−1)/(m+1),
//! |s| ≤ 0.172, as an odd series to s²¹ (s¹¹ in f32), plus e·ln2 in two parts (Cody–Waite).
//! Within 2 ulp of the standard library (tests/lanes/exp.rs) for every positive x, subnormals
//! included; ln 0 = −∞, ln ∞ = ∞, negative and NaN inputs give NaN.

use std::ops::{Add, BitAnd, BitOr, Div, Mul, Sub};
use wide::{f32x8, f32x16, f64x4, f64x8};

use super::Precision;

/// One SIMD vector of network parameters: lane `i` belongs to network `i` of the batch.
pub trait Lane:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
{
    /// Number of lanes (networks) in one vector.
    const WIDTH: usize;
    /// `wide`'s type name, for reports.
    const NAME: &'static str;
    const PRECISION: Precision;

    fn splat(x: f64) -> Self;
    /// Load `WIDTH` values (converted to the lane's precision).
    fn load(src: &[f64]) -> Self;
    /// Load `WIDTH` values given as double-doubles hi + lo (the dd nudge of a map, see
    /// [`super::dd`]). Lanes of f64 or less keep hi: hi + lo rounds to hi when |lo| ≤ ½ ulp(hi).
    #[inline(always)]
    fn load_dd(hi: &[f64], _lo: &[f64]) -> Self {
        Self::load(hi)
    }
    /// Store `WIDTH` values, widened to f64 (rounded to f64, for double-doubles).
    fn store(self, dst: &mut [f64]);
    /// Store what [`Lane::store`] rounds away, hi + lo − round(hi + lo) for double-doubles; 0
    /// for lanes of f64 or less, whose values are f64s.
    #[inline(always)]
    fn store_rest(self, dst: &mut [f64]) {
        dst[..Self::WIDTH].fill(0.0);
    }
    /// e^x, see the module docs for accuracy and range.
    fn exp(self) -> Self;
    /// e^(−x), with the negation folded into the range reduction (same accuracy as `exp`).
    fn exp_neg(self) -> Self;
    /// Lane mask (all ones where true) of `self > rhs`.
    fn gt(self, rhs: Self) -> Self;
    /// Lane mask of `self < rhs`.
    fn lt(self, rhs: Self) -> Self;
    /// Lane mask of `self != rhs` (set where either is NaN, like `!=` on numbers).
    fn ne(self, rhs: Self) -> Self;
    /// tanh x, see the module docs for accuracy.
    fn tanh(self) -> Self;
    /// Natural logarithm, see the module docs for accuracy; ln 0 = −∞, ln of a negative = NaN.
    fn ln(self) -> Self;
    /// Lane mask of lanes that are NaN.
    fn is_nan(self) -> Self;
    /// `mask ? if_true : if_false`, lane by lane.
    fn select(mask: Self, if_true: Self, if_false: Self) -> Self;
    fn abs(self) -> Self;
    /// Lane-wise maximum (either operand when one is NaN: callers handle NaN themselves).
    fn max(self, rhs: Self) -> Self;
    /// Square root, correctly rounded (as `f64::sqrt`).
    fn sqrt(self) -> Self;
    /// `self · a + b`, fused.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `!self & rhs` on masks.
    fn and_not(self, rhs: Self) -> Self;
    /// True if every lane of the mask is set.
    fn all(self) -> bool;

    /// Logistic sigmoid 1/(1+e^(−z)), as the lesson writes it.
    #[inline(always)]
    fn sigmoid(self) -> Self {
        let one = Self::splat(1.0);
        one / (one + self.exp_neg())
    }

    /// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + u), u = e^(−|x|) ∈ (0, 1], as the
    /// reference's. ln(1 + u) without ln_1p: with w = 1 + u rounded, ln(1 + u) = ln w +
    /// ln(1 − ((w − 1) − u)/w), and ((w − 1) − u)/w is w's rounding error (exact: w − 1 is, by
    /// Sterbenz), at most half an ulp, so dropping the second-order term leaves ln's error plus
    /// about an ulp (tests/lanes/saturated.rs holds it to 1e−14 of the reference). Beyond `exp`'s
    /// clamp u is e^−708 (f32 e^−87) instead of less: an absolute error below 1e−307 (1.7e−38).
    /// NaN gives NaN (through u).
    #[inline(always)]
    fn softplus(self) -> Self {
        let one = Self::splat(1.0);
        let u = self.abs().exp_neg();
        let w = one + u;
        let ln_1p = w.ln() - ((w - one) - u) / w;
        self.max(Self::splat(0.0)) + ln_1p
    }
}

/// The vector of f64 training: 8 nets. With AVX-512 that is one register; with AVX2 it is two,
/// which measured 16 % faster than one f64x4 on the AVX2 machine this was tuned on (two
/// independent dependency chains per epoch hide the latency of the exp/divide chain).
pub type F64Vector = f64x8;
/// The vector of f32 training: 16 nets (one AVX-512 or two AVX2 registers).
pub type F32Vector = f32x16;

/// Independent vectors per batch ([`Multi`]), see "Why K" in the module docs: 2 with AVX-512;
/// 1 without, where [`F64Vector`] and [`F32Vector`] are already two registers each.
pub const VECTORS: usize = if cfg!(target_feature = "avx512f") {
    2
} else {
    1
};
/// Lanes used for f64 training: [`VECTORS`] × [`F64Vector`].
pub type F64Lanes = Multi<F64Vector, VECTORS>;
/// Lanes used for f32 training: [`VECTORS`] × [`F32Vector`].
pub type F32Lanes = Multi<F32Vector, VECTORS>;

macro_rules! impl_lane {
    ($v:ident, $t:ty, $n:literal, $prec:expr, $bits:ident, $u:ty,
     mantissa = $mant:literal, bias = $bias:literal, clamp = [$lo:literal, $hi:literal],
     ln2 = [$ln2_hi:expr, $ln2_lo:expr], exp2_16 = [$($tab:literal),+], poly = [$($c:expr),+],
     expm1_terms = $em_n:literal, atanh_terms = $at_n:literal) => {
        impl Vector for $v {
            const NAMES: [&'static str; 4] = [
                stringify!($v),
                concat!("2×", stringify!($v)),
                concat!("3×", stringify!($v)),
                concat!("4×", stringify!($v)),
            ];
        }

        impl Lane for $v {
            const WIDTH: usize = $n;
            const NAME: &'static str = stringify!($v);
            const PRECISION: Precision = $prec;

            #[inline(always)]
            fn splat(x: f64) -> Self {
                $v::splat(x as $t)
            }
            #[inline(always)]
            fn load(src: &[f64]) -> Self {
                let mut a = [0.0 as $t; $n];
                for (d, s) in a.iter_mut().zip(src) {
                    *d = *s as $t;
                }
                $v::new(a)
            }
            #[inline(always)]
            fn store(self, dst: &mut [f64]) {
                for (d, s) in dst.iter_mut().zip(self.to_array()) {
                    *d = f64::from(s);
                }
            }
            #[inline(always)]
            fn exp(self) -> Self {
                Self::exp_neg($v::ZERO - self)
            }
            #[inline(always)]
            fn exp_neg(self) -> Self {
                // e^(−z) = 2^k · 2^(j/16) · e^r with 16k + j = n = round(−z·16·log2 e) and
                // r = −z − n·ln2/16, |r| ≤ ln2/32 (Cody–Waite in two parts).
                // 1.5·2^mantissa: adding it rounds to an integer held in the low mantissa bits.
                const MAGIC: $t = 1.5 * (1u64 << $mant) as $t;
                const SHIFT: i32 = $mant - 4;
                // 2^(j/16)'s bits less j << SHIFT: adding n << SHIFT (k in the exponent, j where
                // this took it away) gives 2^k · 2^(j/16) (see "exp" in the module docs).
                const TABLE: [$u; 16] = {
                    let bits: [$u; 16] = [$($tab),+];
                    let mut t = [0; 16];
                    let mut j = 0;
                    while j < 16 {
                        t[j] = bits[j].wrapping_sub((j as $u) << SHIFT);
                        j += 1;
                    }
                    t
                };
                let magic = $v::splat(MAGIC);
                // Clamp z to [−hi, −lo] (so −z is in [lo, hi]); min(a, max(b, z)) keeps NaN:
                // maxpd/minpd return their second operand when one is NaN.
                let z = $v::splat(-($lo)).fast_min($v::splat(-($hi)).fast_max(self));
                let t = z.mul_neg_add($v::splat(16.0 * std::f64::consts::LOG2_E as $t), magic);
                let n = t - magic;
                let r = n.mul_neg_sub($v::splat($ln2_hi / 16.0), z);
                let r = n.mul_neg_add($v::splat($ln2_lo / 16.0), r);
                // e^r − 1 = r + r²·q(r), q fitted on |r| ≤ 0.0218, Horner from the highest degree.
                let coeffs: &[$t] = &[$($c),+];
                let mut q = $v::splat(coeffs[0]);
                for &c in &coeffs[1..] {
                    q = q.mul_add(r, $v::splat(c));
                }
                let em1 = (r * r).mul_add(q, r);
                // n sits in the low bits of t, and MAGIC's bits shifted by SHIFT are all gone.
                let bits = t.to_bits();
                let s = $v::from_bits($crate::train::pick::Pick16::pick16(bits, &TABLE) + (bits << SHIFT));
                s.mul_add(em1, s)
            }
            #[inline(always)]
            fn gt(self, rhs: Self) -> Self {
                self.simd_gt(rhs)
            }
            #[inline(always)]
            fn lt(self, rhs: Self) -> Self {
                self.simd_lt(rhs)
            }
            #[inline(always)]
            fn ne(self, rhs: Self) -> Self {
                self.simd_ne(rhs)
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                // (e^x − 1)/x = Σ x^k/(k+1)!, k < expm1_terms, Horner from the highest degree.
                const Q: [$t; $em_n] = {
                    let mut q = [0.0 as $t; $em_n];
                    let (mut k, mut f) = (0, 1.0f64);
                    while k < $em_n {
                        f *= (k + 1) as f64;
                        q[k] = (1.0 / f) as $t;
                        k += 1;
                    }
                    q
                };
                let (one, two) = ($v::ONE, $v::splat(2.0));
                let a = $v::abs(self);
                let x = a + a;
                let mut q = $v::splat(Q[$em_n - 1]);
                for k in (0..$em_n - 1).rev() {
                    q = q.mul_add(x, $v::splat(Q[k]));
                }
                let m = $v::select(x.simd_lt(one), x * q, Lane::exp(x) - one);
                let t = m / (m + two);
                // copysign(t, self): t ≥ 0 (or NaN), so or-ing in the sign bit of self is exact.
                t | (self & $v::splat(-0.0))
            }
            #[inline(always)]
            fn ln(self) -> Self {
                // 1/(2k+1) for k = 1..atanh_terms: ln m = 2s + 2s·s²·Σ s^(2k−2)/(2k+1).
                const A: [$t; $at_n] = {
                    let mut a = [0.0 as $t; $at_n];
                    let mut k = 0;
                    while k < $at_n {
                        a[k] = (1.0 / (2 * k + 3) as f64) as $t;
                        k += 1;
                    }
                    a
                };
                const SCALE_BITS: i32 = $mant + 2;
                let x = self;
                let one = $v::ONE;
                let tiny = x.simd_lt($v::splat(<$t>::MIN_POSITIVE));
                let scale = (1u64 << SCALE_BITS) as $t;
                let xs = $v::select(tiny, x * $v::splat(scale), x);
                let bits = xs.to_bits();
                // The biased exponent as a float: 2^mantissa + e, read off, minus 2^mantissa.
                let magic = (1u64 << $mant) as $t;
                let e = $v::from_bits((bits >> $mant) | $bits::splat(magic.to_bits())) - $v::splat(magic);
                let m = $v::from_bits((bits & $bits::splat((1 << $mant) - 1)) | $bits::splat((1.0 as $t).to_bits()));
                let big = m.simd_gt($v::splat(std::f64::consts::SQRT_2 as $t));
                let m = $v::select(big, m * $v::splat(0.5), m);
                let e = e - $v::splat($bias as $t) + (big & one)
                    - (tiny & $v::splat(SCALE_BITS as $t));
                let s = (m - one) / (m + one);
                let s2 = s * s;
                let mut q = $v::splat(A[$at_n - 1]);
                for k in (0..$at_n - 1).rev() {
                    q = q.mul_add(s2, $v::splat(A[k]));
                }
                let t = s + s;
                let ln_m = t.mul_add(s2 * q, t);
                let r = e.mul_add($v::splat($ln2_hi), e.mul_add($v::splat($ln2_lo), ln_m));
                let r = $v::select(x.simd_eq($v::ZERO), $v::splat(<$t>::NEG_INFINITY), r);
                let r = $v::select(x.simd_eq($v::splat(<$t>::INFINITY)), x, r);
                // Negative and NaN inputs: NaN.
                $v::select(x.simd_ge($v::ZERO), r, $v::splat(<$t>::NAN))
            }
            #[inline(always)]
            fn is_nan(self) -> Self {
                self.simd_ne(self)
            }
            #[inline(always)]
            fn select(mask: Self, if_true: Self, if_false: Self) -> Self {
                mask.select(if_true, if_false)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                $v::abs(self)
            }
            #[inline(always)]
            fn max(self, rhs: Self) -> Self {
                self.fast_max(rhs)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                $v::sqrt(self)
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $v::mul_add(self, a, b)
            }
            #[inline(always)]
            fn and_not(self, rhs: Self) -> Self {
                !self & rhs
            }
            #[inline(always)]
            fn all(self) -> bool {
                $v::all(self)
            }
        }
    };
}

// exp's table: the bits of 2^(j/16), j = 0..16, correctly rounded (mpmath at 200 bits; every
// entry is exercised by tests/lanes/exp.rs at x = n·ln2/16 and at both ends of r's interval). q(r) ≈ (e^r − r − 1)/r²: Chebyshev fits on |r| ≤ 0.0218
// (mpmath `chebyfit`), degree 4 in f64 (error 0.27 ulp of 1, coefficients rounded), degree 1 in
// f32 (0.08 ulp).
macro_rules! impl_f64_lane {
    ($v:ident, $n:literal, $bits:ident) => {
        impl_lane!(
            $v,
            f64,
            $n,
            Precision::F64,
            $bits,
            u64,
            mantissa = 52,
            bias = 1023,
            clamp = [-708.0, 709.0],
            ln2 = [0.693145751953125, 1.428_606_820_309_417_2e-6],
            exp2_16 = [
                0x3ff0000000000000,
                0x3ff0b5586cf9890f,
                0x3ff172b83c7d517b,
                0x3ff2387a6e756238,
                0x3ff306fe0a31b715,
                0x3ff3dea64c123422,
                0x3ff4bfdad5362a27,
                0x3ff5ab07dd485429,
                0x3ff6a09e667f3bcd,
                0x3ff7a11473eb0187,
                0x3ff8ace5422aa0db,
                0x3ff9c49182a3f090,
                0x3ffae89f995ad3ad,
                0x3ffc199bdd85529c,
                0x3ffd5818dcfba487,
                0x3ffea4afa2a490da
            ],
            poly = [
                0.0013889036223496245,
                0.008333451201174817,
                0.04166666666491618,
                0.16666666665266278,
                0.5
            ],
            expm1_terms = 18,
            atanh_terms = 10
        );
    };
}

macro_rules! impl_f32_lane {
    ($v:ident, $n:literal, $bits:ident) => {
        impl_lane!(
            $v,
            f32,
            $n,
            Precision::F32,
            $bits,
            u32,
            mantissa = 23,
            bias = 127,
            clamp = [-87.0, 87.0],
            ln2 = [355.0 / 512.0, -2.121_944_4e-4],
            exp2_16 = [
                0x3f800000, 0x3f85aac3, 0x3f8b95c2, 0x3f91c3d3, 0x3f9837f0, 0x3f9ef532, 0x3fa5fed7,
                0x3fad583f, 0x3fb504f3, 0x3fbd08a4, 0x3fc5672a, 0x3fce248c, 0x3fd744fd, 0x3fe0ccdf,
                0x3feac0c7, 0x3ff5257d
            ],
            poly = [0.16666865, 0.5000099],
            expm1_terms = 10,
            atanh_terms = 5
        );
    };
}

// Also instantiated by `super::count` on its counting types, so that the op count runs this code.
pub(crate) use {impl_f32_lane, impl_f64_lane, impl_lane};

impl_f64_lane!(f64x4, 4, u64x4);
impl_f64_lane!(f64x8, 8, u64x8);
impl_f32_lane!(f32x8, 8, u32x8);
impl_f32_lane!(f32x16, 16, u32x16);

use wide::{u32x8, u32x16, u64x4, u64x8};

/// One `wide` vector type (as opposed to [`Multi`]): its name as a batch of 1–4 of it.
pub trait Vector: Lane {
    /// [`Lane::NAME`] of `Multi<Self, K>`, index K − 1: `f64x8`, `2×f64x8`, …
    const NAMES: [&'static str; 4];
}

/// `K` independent vectors of `V` used as one: every operation is applied to each in turn, so a
/// loop over `Multi` runs K independent dependency chains side by side and the core overlaps
/// their latencies (exp, divide, the step's chain) instead of waiting on one. Each lane still
/// gets exactly `V`'s operations, so results are bit for bit those of `V`, for any K.
#[derive(Clone, Copy, Debug)]
pub struct Multi<V, const K: usize>(pub [V; K]);

macro_rules! multi_binop {
    ($($tr:ident $f:ident),+) => {
        $(
            impl<V: Vector, const K: usize> $tr for Multi<V, K> {
                type Output = Self;
                #[inline(always)]
                fn $f(self, rhs: Self) -> Self {
                    self.pair(rhs, V::$f)
                }
            }
        )+
    };
}

multi_binop!(Add add, Sub sub, Mul mul, Div div, BitAnd bitand, BitOr bitor);

impl<V: Vector, const K: usize> Multi<V, K> {
    #[inline(always)]
    fn each(self, f: impl Fn(V) -> V) -> Self {
        Multi(self.0.map(f))
    }
    #[inline(always)]
    fn pair(self, rhs: Self, f: impl Fn(V, V) -> V) -> Self {
        Multi(std::array::from_fn(|i| f(self.0[i], rhs.0[i])))
    }
}

impl<V: Vector, const K: usize> Lane for Multi<V, K> {
    const WIDTH: usize = V::WIDTH * K;
    /// `2×f64x8` (K = 1: the vector's own name; K above 4 does not compile).
    const NAME: &'static str = V::NAMES[K - 1];
    const PRECISION: Precision = V::PRECISION;

    #[inline(always)]
    fn splat(x: f64) -> Self {
        Multi([V::splat(x); K])
    }
    #[inline(always)]
    fn load(src: &[f64]) -> Self {
        Multi(std::array::from_fn(|i| V::load(&src[i * V::WIDTH..])))
    }
    #[inline(always)]
    fn store(self, dst: &mut [f64]) {
        for (i, v) in self.0.into_iter().enumerate() {
            v.store(&mut dst[i * V::WIDTH..]);
        }
    }
    #[inline(always)]
    fn exp(self) -> Self {
        self.each(V::exp)
    }
    #[inline(always)]
    fn exp_neg(self) -> Self {
        self.each(V::exp_neg)
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> Self {
        self.pair(rhs, V::gt)
    }
    #[inline(always)]
    fn lt(self, rhs: Self) -> Self {
        self.pair(rhs, V::lt)
    }
    #[inline(always)]
    fn ne(self, rhs: Self) -> Self {
        self.pair(rhs, V::ne)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        self.each(V::tanh)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        self.each(V::ln)
    }
    #[inline(always)]
    fn is_nan(self) -> Self {
        self.each(V::is_nan)
    }
    #[inline(always)]
    fn select(mask: Self, if_true: Self, if_false: Self) -> Self {
        Multi(std::array::from_fn(|i| {
            V::select(mask.0[i], if_true.0[i], if_false.0[i])
        }))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.each(V::abs)
    }
    #[inline(always)]
    fn max(self, rhs: Self) -> Self {
        self.pair(rhs, V::max)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        self.each(V::sqrt)
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Multi(std::array::from_fn(|i| self.0[i].mul_add(a.0[i], b.0[i])))
    }
    #[inline(always)]
    fn and_not(self, rhs: Self) -> Self {
        self.pair(rhs, V::and_not)
    }
    #[inline(always)]
    fn all(self) -> bool {
        self.0.iter().all(|v| v.all())
    }
}
