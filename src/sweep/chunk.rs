//! Chunks: the sweep's unit of training, saving, resuming, sharding and merging.
//!
//! A chunk is a fixed range of global run indices. Training it gives [`ChunkData`]: each net's
//! outcome, and for every cell the chunk touches a partial aggregate of the cell's curves —
//! histograms ([`crate::sketch`]) of loss and hidden gap at each logged epoch, plus the exact
//! curve of the cell's first net if the chunk holds it. Curves per net are never kept: that is
//! what bounds memory and disk (about 120 bytes per net plus a few per net for the sketches).
//!
//! On disk a chunk is framed by the kernel version that trained it ([`KERNEL_VERSION`]) and the
//! sweep's config hash, and closed by a CRC-32, and it is written under a temporary name and
//! renamed when complete. A file that is truncated, corrupted, of an older format, of another
//! kernel version, from another sweep or for other runs is rejected on read, never merged
//! silently. Initial weights are not stored: they are a function of (seed, run) and are
//! recomputed. Hidden gap, correct count and divergence are derived from the stored weights and
//! outputs exactly as the trainer derives them.

use std::ops::Range;

use crate::sketch::Histogram;
use crate::train::{
    Curve, KERNEL_VERSION, N_PARAMS, Outcome, Params, Precision, count_correct, mse_of,
};

/// The format: magic, kernel version (u32), the bytes of each net's values (u8: 4 where every
/// value is an f32 widened, as an f32 sweep's are, else 8), then the rest as format 2.
const MAGIC: &[u8; 8] = b"XSWCHNK4";
/// The third format: as the fourth, without the width byte (values of 8 bytes).
const MAGIC_V3: &[u8; 8] = b"XSWCHNK3";
/// The second format: no kernel version, all trained by kernel version 1.
const MAGIC_V2: &[u8; 8] = b"XSWCHNK2";
/// The first format (whole curves per net, ~1 KB each), refused with its own message.
const MAGIC_V1: &[u8; 8] = b"XSWCHNK1";
const NONE_EPOCH: u32 = u32::MAX;
/// Values of one net's outcome on disk: weights, loss, outputs.
const NET_VALUES: usize = N_PARAMS + 5;
/// Bytes of one net's record with values of `width` bytes: the values and two u32 epochs.
const fn record_bytes(width: usize) -> usize {
    width * NET_VALUES + 8
}
/// Bytes of one net's outcome on disk, at most: 14 f64 values and two u32 epochs.
pub const NET_BYTES: usize = record_bytes(8);

/// Bytes of one net's outcome on disk in a sweep of `precision`: an f32 sweep's values are
/// f32s widened, stored in 4 bytes ([`put_records`]).
pub fn net_bytes(precision: Precision) -> usize {
    match precision {
        Precision::F32 => record_bytes(4),
        Precision::F64 | Precision::Dd => NET_BYTES,
    }
}

/// A cell's share of one chunk.
#[derive(Clone, Debug, PartialEq)]
pub struct CellPart {
    /// The cell's index in the plan.
    pub cell: usize,
    /// The exact curve of the cell's first net (replicate 0), if this chunk holds that net.
    pub first_net: Option<Curve>,
    /// Histograms of loss, then of hidden gap, at each logged epoch, over this chunk's nets of
    /// the cell.
    pub loss: Vec<Histogram>,
    pub gap: Vec<Histogram>,
}

/// One trained chunk.
#[derive(Clone, Debug, PartialEq)]
pub struct ChunkData {
    pub runs: Range<u64>,
    /// One outcome per run, in run order.
    pub nets: Vec<Outcome>,
    /// The cells the chunk's runs belong to, in order.
    pub cells: Vec<CellPart>,
}

/// What a chunk file must be to be accepted.
pub struct Expect<'a> {
    pub config_hash: &'a str,
    pub k: u64,
    pub runs: Range<u64>,
    pub cells: Range<usize>,
    /// Per cell of `cells`: how many of its nets the chunk holds, and whether its first net.
    pub parts: Vec<(u64, bool)>,
    pub n_log: usize,
}

/// Why the file at `path` is a chunk this xorsweep must not mix with its own, by its first bytes
/// alone: of the first format, or trained by another kernel version (a path that is not a
/// regular file, or any other file, gives None).
pub fn foreign(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut head = [0u8; 12];
    crate::fsio::open(path, u64::MAX)
        .ok()
        .and_then(|(mut f, _)| f.read_exact(&mut head).ok())
        .and_then(|()| foreign_head(&head))
}

/// [`foreign`] of a chunk's first 12 bytes.
fn foreign_head(head: &[u8]) -> Option<String> {
    let version = match head.get(..8)? {
        m if m == MAGIC_V1 => {
            return Some("a chunk of an older xorsweep (format 1, whole curves per net), which this version does not read".into());
        }
        m if m == MAGIC_V2 => 1,
        m if m == MAGIC || m == MAGIC_V3 => u32::from_le_bytes(head.get(8..12)?.try_into().ok()?),
        _ => return None,
    };
    (version != KERNEL_VERSION).then(|| {
        format!("a chunk trained by kernel version {version}, and this xorsweep's kernel is version {KERNEL_VERSION} (results differ in their last bits), which must not be mixed")
    })
}

/// The most bytes a chunk that `expect` describes can take on disk: its header, its nets, and
/// per cell the first net's curve and two histograms per logged epoch, each with at most one
/// entry per net of the cell (and per bucket), every varint at its longest. Anything larger is
/// not that chunk, and is refused before it is read.
pub fn max_len(expect: &Expect) -> u64 {
    const VARINT: u64 = 10;
    let n_log = expect.n_log as u64;
    let nets = expect.runs.end - expect.runs.start;
    let header = 8 + 4 + 1 + 4 + expect.config_hash.len() as u64 + 4 * 8;
    let cells: u64 = expect
        .parts
        .iter()
        .map(|&(part_nets, _)| {
            let entries = part_nets.min(u64::from(crate::sketch::BUCKETS));
            VARINT + 1 + 2 * 8 * n_log + 2 * n_log * (VARINT + entries * 2 * VARINT)
        })
        .sum();
    header + nets * NET_BYTES as u64 + VARINT + cells + 4
}

fn varint(b: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        b.push((x as u8) | 0x80);
        x >>= 7;
    }
    b.push(x as u8);
}

fn put_histogram(b: &mut Vec<u8>, h: &Histogram) {
    varint(b, h.0.len() as u64);
    let mut prev = 0;
    for &(bucket, count) in &h.0 {
        varint(b, u64::from(bucket - prev));
        varint(b, u64::from(count));
        prev = bucket;
    }
}

/// A net's values as stored: weights, loss, outputs.
fn values(o: &Outcome) -> impl Iterator<Item = f64> + '_ {
    o.params
        .0
        .iter()
        .chain([&o.final_loss])
        .chain(&o.outputs)
        .copied()
}

/// Append the nets' records: 4 bytes a value when every value is an f32 widened (an f32
/// sweep's: 64 bytes a net instead of 120, less to write, sync and read back), else 8; bit for
/// bit either way, NaN payloads included. Returns the width. Written narrow first, checking
/// each value as it goes, and again wide from the first value that is not an f32 (in an f64
/// sweep, the first net's): one pass over the nets either way.
fn put_records(b: &mut Vec<u8>, nets: &[Outcome]) -> usize {
    let at = b.len();
    if put_records_of::<4>(b, nets) {
        return 4;
    }
    b.truncate(at);
    put_records_of::<8>(b, nets);
    8
}

/// [`put_records`] at `W` bytes a value; false (and the records half written) at the first
/// value that `W` bytes cannot hold exactly.
fn put_records_of<const W: usize>(b: &mut Vec<u8>, nets: &[Outcome]) -> bool {
    // Grown once and written in place: no capacity check, no copy per net.
    let record = record_bytes(W);
    let at = b.len();
    b.resize(at + record * nets.len(), 0);
    for (r, o) in b[at..].chunks_exact_mut(record).zip(nets) {
        let (floats, epochs) = r.split_at_mut(W * NET_VALUES);
        for (to, x) in floats.chunks_exact_mut(W).zip(values(o)) {
            if W == 4 {
                let narrow = x as f32;
                if f64::from(narrow).to_bits() != x.to_bits() {
                    return false;
                }
                to.copy_from_slice(&narrow.to_le_bytes());
            } else {
                to.copy_from_slice(&x.to_le_bytes());
            }
        }
        for (to, e) in epochs
            .chunks_exact_mut(4)
            .zip([o.solved_epoch, o.target_epoch])
        {
            to.copy_from_slice(&e.unwrap_or(NONE_EPOCH).to_le_bytes());
        }
    }
    true
}

/// At least the bytes [`encode`] writes (varints at their longest), so that its buffer is
/// allocated once: growing it copied the whole chunk once the histograms came.
fn encoded_len_bound(config_hash: &str, data: &ChunkData) -> usize {
    const VARINT: usize = 10;
    let parts: usize = data
        .cells
        .iter()
        .map(|p| {
            let curve = p
                .first_net
                .as_ref()
                .map_or(0, |c| 8 * (c.loss.len() + c.gap.len()));
            let hists = p.loss.iter().chain(&p.gap);
            VARINT
                + 1
                + curve
                + hists
                    .map(|h| VARINT + 2 * VARINT * h.0.len())
                    .sum::<usize>()
        })
        .sum();
    64 + config_hash.len() + data.nets.len() * NET_BYTES + VARINT + parts + 4
}

/// Serialise a chunk.
pub fn encode(config_hash: &str, k: u64, data: &ChunkData) -> Vec<u8> {
    let n_log = data.cells.first().map_or(0, |c| c.loss.len());
    let bound = encoded_len_bound(config_hash, data);
    let mut b = Vec::with_capacity(bound);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&KERNEL_VERSION.to_le_bytes());
    // The records' value width, known once they are written.
    let width_at = b.len();
    b.push(0);
    b.extend_from_slice(&(config_hash.len() as u32).to_le_bytes());
    b.extend_from_slice(config_hash.as_bytes());
    for x in [k, data.runs.start, data.nets.len() as u64, n_log as u64] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b[width_at] = put_records(&mut b, &data.nets) as u8;
    varint(&mut b, data.cells.len() as u64);
    for part in &data.cells {
        varint(&mut b, part.cell as u64);
        match &part.first_net {
            None => b.push(0),
            Some(curve) => {
                b.push(1);
                for x in curve.loss.iter().chain(&curve.gap) {
                    b.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        for h in part.loss.iter().chain(&part.gap) {
            put_histogram(&mut b, h);
        }
    }
    debug_assert!(
        b.len() + 4 <= bound,
        "{} bytes over the bound {bound}",
        b.len() + 4
    );
    let crc = crc32fast::hash(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.0.len() < n {
            return Err("truncated".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn f64(&mut self) -> Result<f64, String> {
        Ok(f64::from_bits(self.u64()?))
    }
    /// One net's outcome, its values `width` bytes each; what is derived from them (mse,
    /// correct count, hidden gap, divergence) derived as the trainer does.
    fn outcome(&mut self, width: usize) -> Result<Outcome, String> {
        let mut floats = [0.0; NET_VALUES];
        for x in floats.iter_mut() {
            *x = self.value(width)?;
        }
        let epoch = |e: u32| (e != NONE_EPOCH).then_some(e);
        let (solved_epoch, target_epoch) = (epoch(self.u32()?), epoch(self.u32()?));
        let params = Params(floats[..N_PARAMS].try_into().expect("nine"));
        let final_loss = floats[N_PARAMS];
        let outputs: [f64; 4] = floats[N_PARAMS + 1..].try_into().expect("four");
        Ok(Outcome {
            params,
            final_loss,
            final_mse: mse_of(&outputs),
            outputs,
            correct: count_correct(&outputs),
            solved_epoch,
            target_epoch,
            hidden_gap: params.hidden_gap(),
            diverged: !(params.is_finite() && final_loss.is_finite()),
        })
    }
    /// A value of `width` bytes: an f32 (widened) or an f64.
    fn value(&mut self, width: usize) -> Result<f64, String> {
        if width == 4 {
            Ok(f64::from(f32::from_bits(self.u32()?)))
        } else {
            self.f64()
        }
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn varint(&mut self) -> Result<u64, String> {
        let mut x = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            x |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(x);
            }
        }
        Err("malformed number".into())
    }
    fn histogram(&mut self) -> Result<Histogram, String> {
        let n = self.varint()?;
        if n > u64::from(crate::sketch::BUCKETS) {
            return Err("malformed histogram".into());
        }
        let mut h = Vec::with_capacity(n as usize);
        let mut bucket = 0u64;
        for i in 0..n {
            let step = self.varint()?;
            if i > 0 && step == 0 {
                return Err("malformed histogram".into());
            }
            bucket = bucket
                .checked_add(step)
                .filter(|&b| b < u64::from(crate::sketch::BUCKETS))
                .ok_or("malformed histogram")?;
            let count = u32::try_from(self.varint()?).map_err(|_| "malformed histogram")?;
            if count == 0 {
                return Err("malformed histogram".into());
            }
            h.push((bucket as u32, count));
        }
        Ok(Histogram(h))
    }
}

/// Parse and check a chunk: right format, right sweep, right chunk, exactly the expected runs
/// and cells, intact.
pub fn decode(bytes: &[u8], expect: &Expect) -> Result<ChunkData, String> {
    if let Some(why) = foreign_head(bytes.get(..12).unwrap_or(bytes)) {
        return Err(format!(
            "{why}: rerun the sweep from the start (--force) instead of --resume"
        ));
    }
    let v3 = bytes.get(..8) == Some(MAGIC_V3);
    if bytes.len() < MAGIC.len() + 9 || (&bytes[..8] != MAGIC && !v3) {
        return Err("not a xorsweep chunk".into());
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body).to_le_bytes() != crc {
        return Err("checksum mismatch (truncated or corrupted)".into());
    }
    let mut r = Reader(&body[12..]);
    let width = if v3 { 8 } else { usize::from(r.u8()?) };
    if width != 4 && width != 8 {
        return Err(format!("malformed header (values of {width} bytes)"));
    }
    let hash_len = r.u32()? as usize;
    if r.take(hash_len)? != expect.config_hash.as_bytes() {
        return Err("belongs to a sweep with another configuration".into());
    }
    if r.u64()? != expect.k {
        return Err("holds another chunk's index".into());
    }
    let (first, n) = (r.u64()?, r.u64()?);
    if first != expect.runs.start || n != expect.runs.end - expect.runs.start {
        return Err(format!(
            "holds runs {first}..{}, expected {}..{}",
            first.saturating_add(n),
            expect.runs.start,
            expect.runs.end
        ));
    }
    let n_log = r.u64()? as usize;
    if n_log != expect.n_log {
        return Err("curve length differs from the plan".into());
    }
    let nets = (0..n)
        .map(|_| r.outcome(width))
        .collect::<Result<Vec<_>, _>>()?;
    let n_cells = r.varint()?;
    if n_cells != (expect.cells.end - expect.cells.start) as u64 {
        return Err("holds another set of cells than the plan".into());
    }
    let mut cells = Vec::with_capacity(n_cells as usize);
    for (expected_cell, &(nets, holds_first)) in expect.cells.clone().zip(&expect.parts) {
        if r.varint()? != expected_cell as u64 {
            return Err("holds another set of cells than the plan".into());
        }
        let first_net = match r.u8()? {
            0 => None,
            1 => {
                let mut read = || (0..n_log).map(|_| r.f64()).collect::<Result<Vec<_>, _>>();
                let loss = read()?;
                let gap = read()?;
                Some(Curve { loss, gap })
            }
            _ => return Err("malformed cell".into()),
        };
        if first_net.is_some() != holds_first {
            return Err("a cell's first net's curve is missing or misplaced".into());
        }
        let mut hists = (0..2 * n_log)
            .map(|_| r.histogram())
            .collect::<Result<Vec<_>, _>>()?;
        if hists.iter().any(|h| h.total() != nets) {
            return Err("a histogram does not count the cell's nets".into());
        }
        let gap = hists.split_off(n_log);
        cells.push(CellPart {
            cell: expected_cell,
            first_net,
            loss: hists,
            gap,
        });
    }
    if !r.0.is_empty() {
        return Err("has trailing bytes".into());
    }
    Ok(ChunkData {
        runs: expect.runs.clone(),
        nets,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::histogram;

    fn data() -> ChunkData {
        let net = |run: u64| {
            let params = Params([run as f64; 9]);
            let outputs = [0.1, 0.9, f64::NAN, 0.2];
            Outcome {
                params,
                final_loss: 0.25,
                final_mse: mse_of(&outputs),
                outputs,
                correct: count_correct(&outputs),
                solved_epoch: Some(7),
                target_epoch: None,
                hidden_gap: params.hidden_gap(),
                diverged: false,
            }
        };
        ChunkData {
            runs: 10..13,
            nets: (10..13).map(net).collect(),
            cells: vec![
                CellPart {
                    cell: 4,
                    first_net: None,
                    loss: vec![histogram([1.0]), histogram([0.5])],
                    gap: vec![histogram([0.0]), histogram([f64::NAN])],
                },
                CellPart {
                    cell: 5,
                    first_net: Some(Curve {
                        loss: vec![1.0, 0.5],
                        gap: vec![0.0, 1e-300],
                    }),
                    loss: vec![histogram([3.0, 0.0]), histogram([3.0, 1e-300])],
                    gap: vec![histogram([2.0, 2.0]), histogram([4.0, f64::INFINITY])],
                },
            ],
        }
    }

    fn expect(hash: &str, k: u64, runs: Range<u64>) -> Expect<'_> {
        Expect {
            config_hash: hash,
            k,
            runs,
            cells: 4..6,
            parts: vec![(1, false), (2, true)],
            n_log: 2,
        }
    }

    /// The CRC-32 made good after an edit.
    fn reseal(bytes: &mut [u8]) {
        let n = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..n]).to_le_bytes();
        bytes[n..].copy_from_slice(&crc);
    }

    #[test]
    fn an_f32_sweeps_chunk_stores_4_byte_values_bit_for_bit_and_format_3_still_reads() {
        // f32 values widened, a NaN with a payload and a −0 among them: 4 bytes a value.
        let mut narrow = data();
        let nan = f64::from(f32::from_bits(0x7fc0_1234));
        for (i, o) in narrow.nets.iter_mut().enumerate() {
            o.outputs = [0.1f32, 0.9f32, -0.0f32, 1e-30f32].map(f64::from);
            o.params.0[i] = nan;
            o.final_loss = f64::from(0.3f32);
        }
        let wide = encode("abc", 5, &data());
        let bytes = encode("abc", 5, &narrow);
        assert_eq!((wide[12], bytes[12]), (8, 4));
        assert_eq!(wide.len() - bytes.len(), 3 * 4 * NET_VALUES);
        // What the dry run counts per net on disk.
        for (d, p) in [(&narrow, Precision::F32), (&data(), Precision::F64)] {
            let mut records = Vec::new();
            put_records(&mut records, &d.nets);
            assert_eq!(records.len(), d.nets.len() * net_bytes(p), "{p:?}");
        }
        let back = decode(&bytes, &expect("abc", 5, 10..13)).unwrap();
        let bits = |d: &ChunkData| -> Vec<u64> {
            d.nets
                .iter()
                .flat_map(|o| values(o).map(f64::to_bits).collect::<Vec<_>>())
                .collect()
        };
        assert_eq!(bits(&back), bits(&narrow));
        assert_eq!(format!("{:?}", back.cells), format!("{:?}", narrow.cells));
        // One value that is not an f32 keeps the whole chunk at 8 bytes, wherever it is (the
        // records written narrow so far are written again wide), and it reads back exactly.
        for (net, last_output) in [(1, false), (2, true)] {
            let mut one_wide = narrow.clone();
            if last_output {
                one_wide.nets[net].outputs[3] = 0.7;
            } else {
                one_wide.nets[net].final_loss = 0.3;
            }
            let bytes = encode("abc", 5, &one_wide);
            assert_eq!(bytes[12], 8);
            let back = decode(&bytes, &expect("abc", 5, 10..13)).unwrap();
            assert_eq!(bits(&back), bits(&one_wide));
        }
        // Format 3 (a sweep saved by the previous xorsweep, same kernel): no width byte.
        let mut v3 = wide.clone();
        v3[..8].copy_from_slice(MAGIC_V3);
        v3.remove(12);
        reseal(&mut v3);
        let back = decode(&v3, &expect("abc", 5, 10..13)).unwrap();
        assert_eq!(format!("{back:?}"), format!("{:?}", data()));
        let mut odd = bytes.clone();
        odd[12] = 5;
        reseal(&mut odd);
        let e = decode(&odd, &expect("abc", 5, 10..13)).unwrap_err();
        assert!(e.contains("values of 5 bytes"), "{e}");
    }

    #[test]
    fn hostile_histograms_are_malformed_not_a_panic() {
        let mut b = Vec::new();
        for x in [2, 5, 1, u64::MAX - 1, 1] {
            varint(&mut b, x);
        }
        assert!(Reader(&b).histogram().unwrap_err().contains("malformed"));
        let mut b = Vec::new();
        for x in [2, 5, 1, 0, 1] {
            varint(&mut b, x);
        }
        assert!(Reader(&b).histogram().is_err(), "repeated bucket");
        let mut b = Vec::new();
        varint(&mut b, u64::MAX);
        assert!(Reader(&b).histogram().is_err(), "absurd length");
    }

    #[test]
    fn chunks_round_trip_and_reject_damage() {
        let d = data();
        let bytes = encode("abc", 5, &d);
        let back = decode(&bytes, &expect("abc", 5, 10..13)).unwrap();
        assert_eq!(format!("{back:?}"), format!("{d:?}"));
        assert!(decode(&bytes[..bytes.len() - 7], &expect("abc", 5, 10..13)).is_err());
        let other = decode(&bytes, &expect("abd", 5, 10..13)).unwrap_err();
        assert!(other.contains("configuration"), "{other}");
        assert!(decode(&bytes, &expect("abc", 6, 10..13)).is_err());
        assert!(decode(&bytes, &expect("abc", 5, 10..14)).is_err());
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        let e = decode(&flipped, &expect("abc", 5, 10..13)).unwrap_err();
        assert!(e.contains("checksum"), "{e}");
        let wrong = Expect {
            parts: vec![(1, true), (2, false)],
            ..expect("abc", 5, 10..13)
        };
        assert!(decode(&bytes, &wrong).unwrap_err().contains("first net"));
        let mut old = bytes.clone();
        old[..8].copy_from_slice(MAGIC_V1);
        let e = decode(&old, &expect("abc", 5, 10..13)).unwrap_err();
        assert!(e.contains("older xorsweep"), "{e}");
        // Another kernel's chunk, however intact: format 2 (version 1), or another version.
        let mut v2 = bytes.clone();
        v2[..8].copy_from_slice(MAGIC_V2);
        let e = decode(&v2, &expect("abc", 5, 10..13)).unwrap_err();
        assert!(
            e.contains("kernel version 1,") && e.contains("--force"),
            "{e}"
        );
        let mut other = bytes.clone();
        other[8..12].copy_from_slice(&(KERNEL_VERSION + 1).to_le_bytes());
        let n = other.len() - 4;
        let crc = crc32fast::hash(&other[..n]).to_le_bytes();
        other[n..].copy_from_slice(&crc);
        let e = decode(&other, &expect("abc", 5, 10..13)).unwrap_err();
        assert!(
            e.contains(&format!("kernel version {}", KERNEL_VERSION + 1)),
            "{e}"
        );
    }
}
