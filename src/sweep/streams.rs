//! The first two blocks of many ChaCha8 streams at once, one block per lane.
//!
//! Why: each net's initial weights are drawn from a ChaCha8 stream of its own (the master seed's
//! key, stream = global run index: [`super::plan`]), and a net reads 18 to 20 of the 32 words of
//! its stream's first two blocks. `rand_chacha` computes four blocks of one stream per refill,
//! half of them never read: 3 % of an f32 sweep's CPU. Here the first two blocks of [`STREAMS`]
//! streams are computed together, the block function written once over arrays of [`LANES`]
//! words (one lane per block) that the compiler keeps in vector registers. `rand_chacha` stays
//! the oracle (the tests compare every word, and the weights of every kind of init) and carries
//! a stream on past its first 32 words (a sampler's rare rejection).

use std::convert::Infallible;

use rand::{SeedableRng, TryRng};
use rand_chacha::ChaCha8Rng;
use wide::u32x16;

/// Blocks computed at once: 16 words fill one AVX-512 register, two AVX2 ones.
const LANES: usize = 16;
/// Streams whose first two blocks one call computes.
pub const STREAMS: usize = LANES / 2;
/// Words of a stream computed ahead: its first two 16-word blocks.
const WORDS: usize = 32;

/// One 32-bit word of the ChaCha state in each lane.
type Lanes = u32x16;

/// "expand 32-byte k", the first row of every ChaCha state.
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

#[inline(always)]
fn rotl<const N: u32>(x: Lanes) -> Lanes {
    (x << N) | (x >> (32 - N))
}

/// ChaCha's quarter round on rows a, b, c, d of the state.
#[inline(always)]
fn quarter(x: &mut [Lanes; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] += x[b];
    x[d] = rotl::<16>(x[d] ^ x[a]);
    x[c] += x[d];
    x[b] = rotl::<12>(x[b] ^ x[c]);
    x[a] += x[b];
    x[d] = rotl::<8>(x[d] ^ x[a]);
    x[c] += x[d];
    x[b] = rotl::<7>(x[b] ^ x[c]);
}

/// Two rounds: the columns, then the diagonals.
#[inline(always)]
fn double_round(x: &mut [Lanes; 16]) {
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
}

/// The first [`WORDS`] words of [`STREAMS`] streams, as the lanes computed them: row `r`, lane
/// `2s + b` is word `r` of block `b` of stream `s` (read in place: a transpose into per-stream
/// arrays cost more than the rounds).
pub struct FirstWords([Lanes; 16]);

impl FirstWords {
    /// Word `w` (< [`WORDS`]) of stream `s`.
    fn word(&self, s: usize, w: usize) -> u32 {
        self.0[w % 16].as_array()[2 * s + w / 16]
    }
}

/// Words 0..32 of stream `streams[s]` of `key`, for each `s`: blocks 0 and 1 of ChaCha8 with a
/// 64-bit block counter and a 64-bit stream id, as `rand_chacha`'s `ChaCha8Rng` (`from_seed(key)`,
/// `set_stream`) yields them. Lane `2s + b` computes block `b` of stream `s`.
pub fn first_words(key: &[u8; 32], streams: &[u64; STREAMS]) -> FirstWords {
    let k: [u32; 8] =
        std::array::from_fn(|i| u32::from_le_bytes(key[4 * i..4 * i + 4].try_into().unwrap()));
    let (mut lo, mut hi) = ([0u32; LANES], [0u32; LANES]);
    for (l, (lo, hi)) in lo.iter_mut().zip(&mut hi).enumerate() {
        (*lo, *hi) = (streams[l / 2] as u32, (streams[l / 2] >> 32) as u32);
    }
    let block = std::array::from_fn(|l| (l % 2) as u32);
    let init: [Lanes; 16] = std::array::from_fn(|r| match r {
        0..4 => Lanes::splat(SIGMA[r]),
        4..12 => Lanes::splat(k[r - 4]),
        12 => Lanes::new(block),
        13 => Lanes::splat(0),
        14 => Lanes::new(lo),
        _ => Lanes::new(hi),
    });
    let mut x = init;
    // ChaCha8: four double rounds.
    for _ in 0..4 {
        double_round(&mut x);
    }
    FirstWords(std::array::from_fn(|r| x[r] + init[r]))
}

/// Stream `id` of `key` as `rand_chacha` yields it: the oracle, and what a [`Stream`] reads on
/// from past its first words.
pub fn chacha(key: &[u8; 32], id: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::from_seed(*key);
    r.set_stream(id);
    r
}

/// A stream read from its first words ([`first_words`]), then from `rand_chacha` at word 32:
/// word for word what `ChaCha8Rng::from_seed(key)` with `set_stream(id)` yields.
pub struct Stream<'a> {
    first: &'a FirstWords,
    /// Which of `first`'s streams.
    s: usize,
    at: usize,
    key: &'a [u8; 32],
    id: u64,
    rest: Option<ChaCha8Rng>,
}

impl<'a> Stream<'a> {
    /// Stream `s` of `first`, whose id is `id`.
    pub fn new(first: &'a FirstWords, s: usize, key: &'a [u8; 32], id: u64) -> Self {
        assert!(s < STREAMS, "stream {s} of {STREAMS}");
        Stream {
            first,
            s,
            at: 0,
            key,
            id,
            rest: None,
        }
    }

    fn word(&mut self) -> u32 {
        if self.at < WORDS {
            self.at += 1;
            return self.first.word(self.s, self.at - 1);
        }
        let (key, id) = (self.key, self.id);
        let rest = self.rest.get_or_insert_with(|| {
            let mut r = chacha(key, id);
            r.set_word_pos(WORDS as u128);
            r
        });
        rand::Rng::next_u32(rest)
    }
}

/// Words in order, a u64 from two (low first), bytes from whole words, little-endian (a partial
/// last word's other bytes dropped): `rand_core`'s block RNG rules, so samplers read the same.
impl TryRng for Stream<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.word())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lo = self.word();
        let hi = self.word();
        Ok((u64::from(hi) << 32) | u64::from(lo))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for part in dst.chunks_mut(4) {
            let w = self.word().to_le_bytes();
            part.copy_from_slice(&w[..part.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn first_words_are_rand_chacha_s_for_any_streams() {
        let key: [u8; 32] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        let ids = [0, 1, 7, 255, 1 << 32, (1 << 32) + 5, u64::MAX - 1, u64::MAX];
        let words = first_words(&key, &ids);
        for (s, &id) in ids.iter().enumerate() {
            let mut r = chacha(&key, id);
            let want: Vec<u32> = (0..WORDS).map(|_| r.next_u32()).collect();
            let got: Vec<u32> = (0..WORDS).map(|w| words.word(s, w)).collect();
            assert_eq!(got, want, "stream {id}");
        }
    }

    #[test]
    fn a_stream_reads_on_past_its_first_words_as_rand_chacha_does() {
        let key = [7u8; 32];
        let ids: [u64; STREAMS] = std::array::from_fn(|s| 1000 + s as u64);
        let words = first_words(&key, &ids);
        // Mixed reads: u32s, u64s straddling word 32 and the 64-word refill, bytes.
        for start in 0..3 {
            let mut ours = Stream::new(&words, 3, &key, ids[3]);
            let mut want = chacha(&key, ids[3]);
            for _ in 0..start {
                assert_eq!(ours.next_u32(), want.next_u32());
            }
            for i in 0..80 {
                assert_eq!(ours.next_u64(), want.next_u64(), "start {start}, u64 {i}");
            }
            let (mut a, mut b) = ([0u8; 7], [0u8; 7]);
            ours.fill_bytes(&mut a);
            want.fill_bytes(&mut b);
            assert_eq!((a, ours.next_u32()), (b, want.next_u32()), "start {start}");
        }
    }
}
