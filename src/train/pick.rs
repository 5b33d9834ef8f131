//! A read of a 16-entry table by the low four bits of each lane: `exp`'s 2^(j/16) (see "exp" in
//! [`super::lane`]).
//!
//! The table is small enough to live in registers, so on AVX-512 the read is one permute
//! (`vpermt2q` over two registers of 8 u64, `vpermd` over one register of 16 u32), which uses
//! only the low index bits and so needs no mask. `wide` has no permute of its own: these
//! go through `core::arch` on the bits of `wide`'s vectors.
//!
//! AVX2's `vpermd` permutes 8 entries of 32 bits, so a pick of 16 is two permutes and a blend on
//! bit 3 of the index; a 64-bit entry is two such picks, of its low and its high halves, put
//! together by a blend of alternate halves. The AVX2 gather this replaced read the table from
//! memory and, on an AMD EPYC of family 25 (Zen 3, AVX2 only), made the table exp a loss: f32
//! 62 M net-epochs/s against 107 M for the Taylor exp it replaced (2727188), f64 30 against 38;
//! with the permutes 116 and 42 (`bench --impl simd --nets 65536 --epochs 500 --threads 1`,
//! medians of 10 alternated runs). Four permutes over the table as 8 u32 pairs, blended by bits
//! 2 and 3, measured between (f64 35 M). Every path reads the same entries, so results are the
//! same bits on every CPU and lane width.

#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
use std::arch::x86_64::*;
use wide::{u32x8, u32x16, u64x4, u64x8};

/// A vector of bits whose lanes index a 16-entry table of its own element type.
pub trait Pick16: Sized {
    type Entry;
    /// Lane i of the result is `table[self[i] % 16]`.
    fn pick16(self, table: &[Self::Entry; 16]) -> Self;
}

#[cfg(target_feature = "avx512f")]
impl Pick16 for u64x8 {
    type Entry = u64;
    #[inline(always)]
    fn pick16(self, table: &[u64; 16]) -> Self {
        let lo: [u64; 8] = std::array::from_fn(|i| table[i]);
        let hi: [u64; 8] = std::array::from_fn(|i| table[i + 8]);
        // SAFETY: with avx512f, u64x8 is one __m512i (repr(C), 64 bytes), and [u64; 8] is 64
        // bytes; every bit pattern is valid in all three.
        unsafe {
            let r = _mm512_permutex2var_epi64(
                std::mem::transmute::<[u64; 8], __m512i>(lo),
                std::mem::transmute::<u64x8, __m512i>(self),
                std::mem::transmute::<[u64; 8], __m512i>(hi),
            );
            std::mem::transmute::<__m512i, u64x8>(r)
        }
    }
}

#[cfg(target_feature = "avx512f")]
impl Pick16 for u32x16 {
    type Entry = u32;
    #[inline(always)]
    fn pick16(self, table: &[u32; 16]) -> Self {
        // SAFETY: with avx512f, u32x16 is one __m512i (repr(C), 64 bytes), and [u32; 16] is 64
        // bytes; every bit pattern is valid in all three.
        unsafe {
            let r = _mm512_permutexvar_epi32(
                std::mem::transmute::<u32x16, __m512i>(self),
                std::mem::transmute::<[u32; 16], __m512i>(*table),
            );
            std::mem::transmute::<__m512i, u32x16>(r)
        }
    }
}

/// Two halves, each read on its own (the 16-lane and 8-lane types without AVX-512).
#[cfg(not(target_feature = "avx512f"))]
macro_rules! pick_halves {
    ($wide:ty, $half:ty, $e:ty, $n:literal) => {
        impl Pick16 for $wide {
            type Entry = $e;
            #[inline(always)]
            fn pick16(self, table: &[$e; 16]) -> Self {
                let a = self.to_array();
                let lo = <$half>::new(std::array::from_fn(|i| a[i])).pick16(table);
                let hi = <$half>::new(std::array::from_fn(|i| a[i + $n])).pick16(table);
                let (lo, hi) = (lo.to_array(), hi.to_array());
                <$wide>::new(std::array::from_fn(
                    |i| if i < $n { lo[i] } else { hi[i - $n] },
                ))
            }
        }
    };
}
#[cfg(not(target_feature = "avx512f"))]
pick_halves!(u64x8, u64x4, u64, 4);
#[cfg(not(target_feature = "avx512f"))]
pick_halves!(u32x16, u32x8, u32, 8);

/// Lane i of the result is `table[j[i] % 16]`, for 8 lanes of 32 bits: two `vpermd` of 8
/// entries and a blend on bit 3 of the index (`blendv` reads each lane's sign bit).
///
/// # Safety
/// The CPU has AVX2 (this is compiled only where the build targets it).
#[cfg(target_feature = "avx2")]
#[inline(always)]
unsafe fn pick16_epi32(table: &[u32; 16], j: __m256i) -> __m256i {
    // SAFETY: AVX2 is there (the caller's promise); each unaligned load reads 8 of the table's
    // 16 entries (32 bytes inside it).
    unsafe {
        let half = |h: usize| {
            let t = _mm256_loadu_si256(table[8 * h..].as_ptr().cast());
            _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t, j))
        };
        let bit3 = _mm256_castsi256_ps(_mm256_slli_epi32::<28>(j));
        _mm256_castps_si256(_mm256_blendv_ps(half(0), half(1), bit3))
    }
}

#[cfg(target_feature = "avx2")]
impl Pick16 for u64x4 {
    type Entry = u64;
    #[inline(always)]
    fn pick16(self, table: &[u64; 16]) -> Self {
        // The entries' low and high 32-bit halves as two tables of 16 (folded to constants
        // where `table` is one, as exp's is).
        let lows: [u32; 16] = std::array::from_fn(|i| table[i] as u32);
        let highs: [u32; 16] = std::array::from_fn(|i| (table[i] >> 32) as u32);
        // SAFETY: with avx2, u64x4 is one __m256i (repr(C), 32 bytes), every bit pattern valid.
        unsafe {
            // Both halves of lane i read j's low dword: the even one from `lows`, the odd one
            // from `highs`.
            let j = std::mem::transmute::<u64x4, __m256i>(self);
            let j = _mm256_shuffle_epi32::<0b10_10_00_00>(j);
            let r =
                _mm256_blend_epi32::<0b1010_1010>(pick16_epi32(&lows, j), pick16_epi32(&highs, j));
            std::mem::transmute::<__m256i, u64x4>(r)
        }
    }
}

#[cfg(target_feature = "avx2")]
impl Pick16 for u32x8 {
    type Entry = u32;
    #[inline(always)]
    fn pick16(self, table: &[u32; 16]) -> Self {
        // SAFETY: with avx2, u32x8 is one __m256i (repr(C), 32 bytes), every bit pattern valid.
        unsafe {
            let r = pick16_epi32(table, std::mem::transmute::<u32x8, __m256i>(self));
            std::mem::transmute::<__m256i, u32x8>(r)
        }
    }
}

/// Lane by lane (no AVX2: wide's portable paths).
#[cfg(not(target_feature = "avx2"))]
macro_rules! pick_lanes {
    ($($wide:ty, $e:ty);+) => {
        $(
            impl Pick16 for $wide {
                type Entry = $e;
                #[inline(always)]
                fn pick16(self, table: &[$e; 16]) -> Self {
                    <$wide>::new(self.to_array().map(|i| table[(i & 15) as usize]))
                }
            }
        )+
    };
}
#[cfg(not(target_feature = "avx2"))]
pick_lanes!(u64x4, u64; u32x8, u32);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lane reads its own entry, by the low four bits only, in every type.
    #[test]
    fn picks_by_the_low_four_bits() {
        let t64: [u64; 16] = std::array::from_fn(|i| 1000 + i as u64 * 7);
        let t32: [u32; 16] = std::array::from_fn(|i| 500 + i as u32 * 3);
        let idx = |i: usize| (i * 5 + 3) as u64 | ((i as u64) << 40);
        let want = |i: usize| ((i * 5 + 3) & 15) as u64;
        let a = u64x8::new(std::array::from_fn(idx)).pick16(&t64).to_array();
        let b = u64x4::new(std::array::from_fn(idx)).pick16(&t64).to_array();
        let c = u32x16::new(std::array::from_fn(|i| idx(i) as u32 | 0x30_0000))
            .pick16(&t32)
            .to_array();
        let d = u32x8::new(std::array::from_fn(|i| idx(i) as u32))
            .pick16(&t32)
            .to_array();
        for i in 0..16 {
            let j = want(i) as usize;
            assert_eq!(c[i], t32[j], "u32x16 lane {i}");
            if i < 8 {
                assert_eq!(a[i], t64[j], "u64x8 lane {i}");
                assert_eq!(d[i], t32[j], "u32x8 lane {i}");
            }
            if i < 4 {
                assert_eq!(b[i], t64[j], "u64x4 lane {i}");
            }
        }
    }
}
