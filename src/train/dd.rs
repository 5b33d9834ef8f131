//! Double-double lanes: each number an unevaluated sum hi + lo of two f64 (|lo| ≤ ½ ulp(hi)),
//! about 106 bits, eight nets per vector ([`Dd`], two `f64x8`), so that the one generic kernel
//! trains maps past f64's rounding (`--precision dd`).
//!
//! Why: at a map's deep zooms neighbouring pixels differ by a few f64 ulps, and rounding, not
//! the dynamics, decides their verdicts (the map's chaotic share). In double-double rounding is
//! 2⁵³ times smaller; what stays intricate there is the dynamics'.
//!
//! The arithmetic is the QD library's (Hida, Li and Bailey, 2001), with FMA for the exact
//! product: TwoSum and FastTwoSum for + and −, TwoProd (a·b − p by one FMA) for ×, the long
//! division (three quotient digits) for ÷, one Newton step on √hi for √. Each is within a few
//! units of 2⁻¹⁰⁶ relative (a "dd-ulp") of the exact result of its inputs.
//!
//! ## exp
//! x = k·ln2 + r with k = round(x/ln2) and ln2 in three parts (k·c₁ and k·c₂ exact by TwoProd,
//! so r is exact to 2⁻¹⁰⁶·|r| for every k the range has), s = r/2⁴, e^s − 1 by its Taylor series
//! to s¹⁴ (|s| ≤ 0.0217: the first term left out is below 2⁻¹⁰⁸ relative), squared back four
//! times as p ← p·(p + 2) (e^(2s) − 1 without cancellation), e^x = 2^k·(1 + p). Inputs are
//! clamped to [−708, 709] on hi as in the f64 lanes (so the sigmoid saturates the same way). The
//! kept e^r − 1 also gives expm1 for |x| < ln2/2 with no cancellation (tanh and ln use it).
//!
//! ## tanh and ln
//! tanh|z| = m/(m + 2) with m = e^(2|z|) − 1 (expm1 below ln2/2, e^x − 1 above, where e^x ≥ 1.41),
//! the sign put back. ln x = e·ln2 + ln m, x = m·2^e with m in [√½, √2): y₀ = ln m.hi in f64 (the
//! f64 lanes' ln, plus m.lo/m.hi), then one Newton step y = y₀ + ((m − 1) − expm1(y₀))/(1 +
//! expm1(y₀)): the error squares (|y₀ − ln m| ≤ 3 ulp, so below 2⁻¹⁰⁵·|ln m| after), and m − 1
//! and expm1 are free of cancellation near m = 1, so ln of 1 + u keeps u's relative accuracy
//! (bce's softplus).
//!
//! Accuracy against 256-bit arithmetic (tests/lanes/dd.rs: exp on [−670, 709], tanh on ±20 and
//! down to 2⁻⁵⁹, ln from 1e−300 to 1e300 and near 1, every input with a low half), worst
//! measured in dd-ulps (2⁻¹⁰⁶ relative): exp 1.3, tanh 3.7, ln 4.1 (the test requires ≤ 4, 8,
//! 8). Below e^−670 the low half runs into f64's subnormals, and the precision falls towards
//! f64's 53 bits at the clamp, e^−708. Training: on lesson runs that f64 ends 1e−13 to 1e−9 off
//! the 256-bit run, the dd lanes end within 3e−27 of it (2⁵¹–2⁵³ times closer than f64).
//!
//! Speed: about 71× slower than f64 (see [`Dd`]).
//!
//! Masks are both halves all ones or all zeros; comparisons look at hi, and at lo where the his
//! are equal. `store` rounds hi + lo to f64. Non-finite values: an overflow gives ∞ in hi and
//! NaN in lo, so a diverged net stores NaN (the verdict "diverged" is the same).

use std::ops::{Add, BitAnd, BitOr, Div, Mul, Sub};
use wide::{f64x8, u64x8};

use super::Precision;
use super::lane::Lane;

/// Eight double-double numbers: lane i is hi[i] + lo[i]. About 71× slower than the f64 lanes
/// (a 256² map of 1000 epochs on one thread of an AMD EPYC with AVX-512: 3.1 M net-epochs/s
/// against 220–230 M; see "Double-double" in [`super::lane`]).
#[derive(Clone, Copy, Debug)]
pub struct Dd {
    pub hi: f64x8,
    pub lo: f64x8,
}

/// ln 2 in three parts (mpmath, 300 bits).
const LN2: [f64; 3] = [
    std::f64::consts::LN_2,
    2.3190468138462996e-17,
    5.707708438416212e-34,
];
/// 1/n! for n = 2..=14 as hi + lo (mpmath, 300 bits): e^s − 1 = s + s²/2! + … + s¹⁴/14!.
const INV_FACT: [(f64, f64); 13] = [
    (0.5, 0.0),
    (0.16666666666666666, 9.25185853854297e-18),
    (0.041666666666666664, 2.3129646346357427e-18),
    (0.008333333333333333, 1.1564823173178714e-19),
    (0.001388888888888889, -5.300543954373577e-20),
    (0.0001984126984126984, 1.7209558293420705e-22),
    (2.48015873015873e-05, 2.1511947866775882e-23),
    (2.7557319223985893e-06, -1.858393274046472e-22),
    (2.755731922398589e-07, 2.3767714622250297e-23),
    (2.505210838544172e-08, -1.448814070935912e-24),
    (2.08767569878681e-09, -1.20734505911326e-25),
    (1.6059043836821613e-10, 1.2585294588752098e-26),
    (1.1470745597729725e-11, 2.0655512752830745e-28),
];
/// exp's squarings: s = r/2^SQUARINGS. Each adds a few dd-ulps to e^s − 1 (relative), so
/// fewer and a longer series: 4 and degree 14 cost what 8 and degree 10 did, with half the error.
const SQUARINGS: i32 = 4;

/// s + e = a + b exactly (Knuth's TwoSum).
#[inline(always)]
fn two_sum(a: f64x8, b: f64x8) -> Dd {
    let s = a + b;
    let bb = s - a;
    Dd {
        hi: s,
        lo: (a - (s - bb)) + (b - bb),
    }
}

/// s + e = a + b exactly, for |a| ≥ |b| (Dekker's FastTwoSum).
#[inline(always)]
fn fast_two_sum(a: f64x8, b: f64x8) -> Dd {
    let s = a + b;
    Dd {
        hi: s,
        lo: b - (s - a),
    }
}

/// p + e = a·b exactly (the FMA gives a·b − p).
#[inline(always)]
fn two_prod(a: f64x8, b: f64x8) -> Dd {
    let p = a * b;
    Dd {
        hi: p,
        lo: a.mul_sub(b, p),
    }
}

impl Dd {
    #[inline(always)]
    fn new(hi: f64, lo: f64) -> Dd {
        Dd {
            hi: f64x8::splat(hi),
            lo: f64x8::splat(lo),
        }
    }
    /// A mask of both halves from an f64x8 mask.
    #[inline(always)]
    fn mask(m: f64x8) -> Dd {
        Dd { hi: m, lo: m }
    }
    #[inline(always)]
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
    /// self·2^k for an exact power of two `scale` (both halves scale exactly).
    #[inline(always)]
    fn scaled(self, scale: f64x8) -> Dd {
        Dd {
            hi: self.hi * scale,
            lo: self.lo * scale,
        }
    }
    /// self + b for an f64 b.
    #[inline(always)]
    fn add_f64(self, b: f64x8) -> Dd {
        let s = two_sum(self.hi, b);
        fast_two_sum(s.hi, s.lo + self.lo)
    }
    /// self·b for an f64 b.
    #[inline(always)]
    fn mul_f64(self, b: f64x8) -> Dd {
        let p = two_prod(self.hi, b);
        fast_two_sum(p.hi, self.lo.mul_add(b, p.lo))
    }

    /// (p, 2^k) with e^x = 2^k·(1 + p), x clamped to [−708, 709]; see "exp" in the module docs.
    #[inline(always)]
    fn exp_parts(self) -> (Dd, f64x8) {
        let lo_clamp = self.hi.simd_lt(f64x8::splat(-708.0));
        let hi_clamp = self.hi.simd_gt(f64x8::splat(709.0));
        let x = Dd::select(Dd::mask(lo_clamp), Dd::new(-708.0, 0.0), self);
        let x = Dd::select(Dd::mask(hi_clamp), Dd::new(709.0, 0.0), x);
        // k = round(x/ln2), held in the low bits of t (1.5·2⁵² has an ulp of 1).
        let magic = f64x8::splat(1.5 * (1u64 << 52) as f64);
        let t = x.hi.mul_add(f64x8::splat(std::f64::consts::LOG2_E), magic);
        let k = t - magic;
        let r = x - two_prod(k, f64x8::splat(LN2[0]));
        let r = r - two_prod(k, f64x8::splat(LN2[1]));
        let r = r.add_f64(-(k * f64x8::splat(LN2[2])));
        let s = r.scaled(f64x8::splat(1.0 / f64::from(1 << SQUARINGS)));
        // e^s − 1 = s·(1 + s·(1/2! + s·(1/3! + … + s·1/10!))), Horner from the top.
        let (h, l) = INV_FACT[INV_FACT.len() - 1];
        let mut q = Dd::new(h, l);
        for &(h, l) in INV_FACT[..INV_FACT.len() - 1].iter().rev() {
            q = q * s + Dd::new(h, l);
        }
        let mut p = (q * s).add_f64(f64x8::ONE) * s;
        for _ in 0..SQUARINGS {
            p = p * p.add_f64(f64x8::splat(2.0));
        }
        // 2^k from k's bits in t: (k + 1023) << 52.
        let k_bits = t.to_bits() - magic.to_bits() + u64x8::splat(1023);
        (p, f64x8::from_bits(k_bits << 52))
    }

    /// e^x − 1: exact of cancellation for |x| < ln2/2 (k = 0), e^x − 1 above.
    #[inline(always)]
    fn expm1(self) -> Dd {
        let (p, scale) = self.exp_parts();
        let k_zero = Dd::mask(scale.simd_eq(f64x8::ONE));
        Dd::select(
            k_zero,
            p,
            p.add_f64(f64x8::ONE).scaled(scale).add_f64(-f64x8::ONE),
        )
    }
}

impl Dd {
    /// ln x, see "tanh and ln" in the module docs; ln 0 = −∞, ln ∞ = ∞, negative and NaN: NaN.
    #[inline(always)]
    fn ln_dd(self) -> Dd {
        const SCALE_BITS: i32 = 54;
        // A subnormal hi is scaled up first, so that its exponent reads as a normal one's.
        let tiny = self.hi.simd_lt(f64x8::splat(f64::MIN_POSITIVE));
        let up = self.scaled(f64x8::splat(2f64.powi(SCALE_BITS)));
        let x = Dd::select(Dd::mask(tiny), up, self);
        let bits = x.hi.to_bits();
        // The biased exponent as a float (2⁵² + e read off, less 2⁵²), the mantissa in [1, 2).
        let magic = (1u64 << 52) as f64;
        let e = f64x8::from_bits((bits >> 52) | u64x8::splat(magic.to_bits())) - magic;
        let mantissa = (bits & u64x8::splat((1 << 52) - 1)) | u64x8::splat(1f64.to_bits());
        let m_hi = f64x8::from_bits(mantissa);
        let big = m_hi.simd_gt(f64x8::splat(std::f64::consts::SQRT_2));
        let m_hi = big.select(m_hi * 0.5, m_hi);
        let one = f64x8::ONE;
        let e = e - 1023.0 + (big & one) - (tiny & f64x8::splat(f64::from(SCALE_BITS)));
        // m = x·(m.hi/x.hi): the ratio is an exact power of two, so lo scales exactly too.
        let m = x.scaled(m_hi / x.hi);
        // ln m.hi + m.lo/m.hi: without lo's first-order term y₀ would be up to ½ ulp of m off,
        // and the Newton step's δ²/2 ≈ 2⁻¹⁰⁷ absolute, far above 2⁻¹⁰⁶·|ln m| near m = 1.
        let y0 = <f64x8 as Lane>::ln(m.hi) + m.lo / m.hi;
        let q = Dd {
            hi: y0,
            lo: f64x8::ZERO,
        }
        .expm1();
        let y = (m.add_f64(-one) - q) / q.add_f64(one);
        let ln_m = y.add_f64(y0);
        let e_ln2 = (two_prod(e, f64x8::splat(LN2[0])) + two_prod(e, f64x8::splat(LN2[1])))
            .add_f64(e * f64x8::splat(LN2[2]));
        let r = e_ln2 + ln_m;
        let special = |at: f64x8, v: f64, r: Dd| Dd::select(Dd::mask(at), Dd::new(v, 0.0), r);
        let r = special(self.hi.simd_eq(f64x8::ZERO), f64::NEG_INFINITY, r);
        let r = special(
            self.hi.simd_eq(f64x8::splat(f64::INFINITY)),
            f64::INFINITY,
            r,
        );
        // Negative and NaN inputs: NaN.
        special(!self.hi.simd_ge(f64x8::ZERO), f64::NAN, r)
    }
}

impl Add for Dd {
    type Output = Dd;
    /// QD's accurate addition: both halves by TwoSum, renormalised twice.
    #[inline(always)]
    fn add(self, b: Dd) -> Dd {
        let s = two_sum(self.hi, b.hi);
        let t = two_sum(self.lo, b.lo);
        let u = fast_two_sum(s.hi, s.lo + t.hi);
        fast_two_sum(u.hi, u.lo + t.lo)
    }
}

impl Sub for Dd {
    type Output = Dd;
    #[inline(always)]
    fn sub(self, b: Dd) -> Dd {
        self.add(b.neg())
    }
}

impl Mul for Dd {
    type Output = Dd;
    /// hi·hi exactly, plus the cross terms by FMA (lo·lo is below 2⁻¹⁰⁶).
    #[inline(always)]
    fn mul(self, b: Dd) -> Dd {
        let p = two_prod(self.hi, b.hi);
        let cross = self.hi.mul_add(b.lo, self.lo.mul_add(b.hi, p.lo));
        fast_two_sum(p.hi, cross)
    }
}

impl Div for Dd {
    type Output = Dd;
    /// QD's accurate division: three quotient digits, each from the remainder.
    #[inline(always)]
    fn div(self, b: Dd) -> Dd {
        let q1 = self.hi / b.hi;
        let r = self - b.mul_f64(q1);
        let q2 = r.hi / b.hi;
        let r = r - b.mul_f64(q2);
        let q3 = r.hi / b.hi;
        fast_two_sum(q1, q2).add_f64(q3)
    }
}

impl BitAnd for Dd {
    type Output = Dd;
    #[inline(always)]
    fn bitand(self, b: Dd) -> Dd {
        Dd {
            hi: self.hi & b.hi,
            lo: self.lo & b.lo,
        }
    }
}

impl BitOr for Dd {
    type Output = Dd;
    #[inline(always)]
    fn bitor(self, b: Dd) -> Dd {
        Dd {
            hi: self.hi | b.hi,
            lo: self.lo | b.lo,
        }
    }
}

impl Lane for Dd {
    const WIDTH: usize = 8;
    const NAME: &'static str = "dd×f64x8";
    const PRECISION: Precision = Precision::Dd;

    #[inline(always)]
    fn splat(x: f64) -> Self {
        Dd::new(x, 0.0)
    }
    #[inline(always)]
    fn load(src: &[f64]) -> Self {
        Dd {
            hi: f64x8::load(src),
            lo: f64x8::ZERO,
        }
    }
    /// hi + lo normalised by TwoSum (lo may be above half an ulp of hi, or hi 0).
    #[inline(always)]
    fn load_dd(hi: &[f64], lo: &[f64]) -> Self {
        two_sum(f64x8::load(hi), f64x8::load(lo))
    }
    #[inline(always)]
    fn store(self, dst: &mut [f64]) {
        dst[..8].copy_from_slice(&(self.hi + self.lo).to_array());
    }
    #[inline(always)]
    fn store_rest(self, dst: &mut [f64]) {
        let s = self.hi + self.lo;
        dst[..8].copy_from_slice(&(self.lo - (s - self.hi)).to_array());
    }
    #[inline(always)]
    fn exp(self) -> Self {
        let (p, scale) = self.exp_parts();
        p.add_f64(f64x8::ONE).scaled(scale)
    }
    #[inline(always)]
    fn exp_neg(self) -> Self {
        self.neg().exp()
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> Self {
        let lo_gt = self.hi.simd_eq(rhs.hi) & self.lo.simd_gt(rhs.lo);
        Dd::mask(self.hi.simd_gt(rhs.hi) | lo_gt)
    }
    #[inline(always)]
    fn lt(self, rhs: Self) -> Self {
        rhs.gt(self)
    }
    #[inline(always)]
    fn ne(self, rhs: Self) -> Self {
        Dd::mask(self.hi.simd_ne(rhs.hi) | self.lo.simd_ne(rhs.lo))
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        let a = self.abs();
        let m = (a + a).expm1();
        let t = m / m.add_f64(f64x8::splat(2.0));
        Dd::select(Dd::mask(self.hi.simd_lt(f64x8::ZERO)), t.neg(), t)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        self.ln_dd()
    }
    #[inline(always)]
    fn is_nan(self) -> Self {
        Dd::mask(self.hi.simd_ne(self.hi))
    }
    #[inline(always)]
    fn select(mask: Self, if_true: Self, if_false: Self) -> Self {
        Dd {
            hi: mask.hi.select(if_true.hi, if_false.hi),
            lo: mask.hi.select(if_true.lo, if_false.lo),
        }
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Dd::select(Dd::mask(self.hi.simd_lt(f64x8::ZERO)), self.neg(), self)
    }
    #[inline(always)]
    fn max(self, rhs: Self) -> Self {
        Dd::select(self.gt(rhs), self, rhs)
    }
    /// s = √hi, then one Newton step s + (x − s²)/(2s) with s² exact by TwoProd; 0 and ∞ as
    /// √hi gives them.
    #[inline(always)]
    fn sqrt(self) -> Self {
        let s = self.hi.sqrt();
        let r = self - two_prod(s, s);
        let step = fast_two_sum(s, r.hi / (s + s));
        let exact = s.simd_eq(f64x8::ZERO) | s.simd_eq(f64x8::splat(f64::INFINITY));
        Dd::select(
            Dd::mask(exact),
            Dd {
                hi: s,
                lo: f64x8::ZERO,
            },
            step,
        )
    }
    /// self·a + b in double-double (not fused: the product is kept to 106 bits anyway).
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    #[inline(always)]
    fn and_not(self, rhs: Self) -> Self {
        Dd {
            hi: !self.hi & rhs.hi,
            lo: !self.lo & rhs.lo,
        }
    }
    #[inline(always)]
    fn all(self) -> bool {
        self.hi.all()
    }
}
