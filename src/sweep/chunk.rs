//! Completed chunks on disk: the sweep's unit of saving, resuming, sharding and merging.
//!
//! A chunk file holds the trained results of a fixed range of global run indices, framed by the
//! sweep's config hash and closed by a CRC-32, and is written under a temporary name and renamed
//! when complete. A file that is truncated, corrupted, from another sweep or for other runs is
//! rejected on read, never merged silently. Initial weights are not stored: they are a function
//! of (seed, run) and are recomputed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::train::{Curve, N_PARAMS, Outcome, Params};

const MAGIC: &[u8; 8] = b"XSWCHNK1";
const NONE_EPOCH: u32 = u32::MAX;

/// One trained net of the sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct NetRecord {
    pub run: u64,
    pub outcome: Outcome,
    pub curve: Curve,
}

pub fn chunk_dir(out: &Path) -> PathBuf {
    out.join("chunks")
}

pub fn chunk_path(out: &Path, k: u64) -> PathBuf {
    chunk_dir(out).join(format!("chunk-{k:06}.bin"))
}

/// Serialise a chunk's records.
pub fn encode(config_hash: &str, k: u64, records: &[NetRecord]) -> Vec<u8> {
    let mut b = Vec::with_capacity(64 + records.len() * 512);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&(config_hash.len() as u32).to_le_bytes());
    b.extend_from_slice(config_hash.as_bytes());
    b.extend_from_slice(&k.to_le_bytes());
    b.extend_from_slice(&(records.len() as u64).to_le_bytes());
    let n_log = records.first().map_or(0, |r| r.curve.loss.len());
    b.extend_from_slice(&(n_log as u64).to_le_bytes());
    for r in records {
        let o = &r.outcome;
        b.extend_from_slice(&r.run.to_le_bytes());
        let floats = o
            .params
            .0
            .iter()
            .chain([&o.final_loss])
            .chain(&o.outputs)
            .chain([&o.hidden_gap]);
        for x in floats.chain(&r.curve.loss).chain(&r.curve.gap) {
            b.extend_from_slice(&x.to_le_bytes());
        }
        for e in [o.solved_epoch, o.target_epoch] {
            b.extend_from_slice(&e.unwrap_or(NONE_EPOCH).to_le_bytes());
        }
        b.extend_from_slice(&[o.correct, u8::from(o.diverged)]);
    }
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
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
}

/// Parse and check a chunk: right sweep, right chunk, exactly the expected runs, intact.
pub fn decode(
    bytes: &[u8],
    config_hash: &str,
    k: u64,
    runs: Range<u64>,
    n_log: usize,
) -> Result<Vec<NetRecord>, String> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..8] != MAGIC {
        return Err("not a xorsweep chunk".into());
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body).to_le_bytes() != crc {
        return Err("checksum mismatch (truncated or corrupted)".into());
    }
    let mut r = Reader(&body[8..]);
    let hash_len = r.u32()? as usize;
    if r.take(hash_len)? != config_hash.as_bytes() {
        return Err("belongs to a sweep with another configuration".into());
    }
    if r.u64()? != k {
        return Err("holds another chunk's index".into());
    }
    let n = r.u64()?;
    if n != runs.end - runs.start {
        return Err(format!(
            "holds {n} nets, expected {}",
            runs.end - runs.start
        ));
    }
    if r.u64()? != n_log as u64 {
        return Err("curve length differs from the plan".into());
    }
    let mut records = Vec::with_capacity(n as usize);
    for expected_run in runs {
        let run = r.u64()?;
        if run != expected_run {
            return Err(format!("holds run {run} where run {expected_run} belongs"));
        }
        let mut floats = [0.0; N_PARAMS + 6];
        for x in floats.iter_mut() {
            *x = r.f64()?;
        }
        let mut curve = Curve {
            loss: Vec::with_capacity(n_log),
            gap: Vec::with_capacity(n_log),
        };
        for _ in 0..n_log {
            curve.loss.push(r.f64()?);
        }
        for _ in 0..n_log {
            curve.gap.push(r.f64()?);
        }
        let epoch = |e: u32| (e != NONE_EPOCH).then_some(e);
        let (solved_epoch, target_epoch) = (epoch(r.u32()?), epoch(r.u32()?));
        let (correct, diverged) = (r.u8()?, r.u8()? != 0);
        let outcome = Outcome {
            params: Params(floats[..N_PARAMS].try_into().expect("nine")),
            final_loss: floats[9],
            outputs: floats[10..14].try_into().expect("four"),
            hidden_gap: floats[14],
            correct,
            solved_epoch,
            target_epoch,
            diverged,
        };
        records.push(NetRecord {
            run,
            outcome,
            curve,
        });
    }
    if !r.0.is_empty() {
        return Err("has trailing bytes".into());
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(run: u64) -> NetRecord {
        NetRecord {
            run,
            outcome: Outcome {
                params: Params([run as f64; 9]),
                final_loss: 0.25,
                outputs: [0.1, 0.9, f64::NAN, 0.2],
                correct: 3,
                solved_epoch: Some(7),
                target_epoch: None,
                hidden_gap: 0.0,
                diverged: true,
            },
            curve: Curve {
                loss: vec![1.0, 0.5],
                gap: vec![0.0, 1e-300],
            },
        }
    }

    #[test]
    fn chunks_round_trip_and_reject_damage() {
        let recs: Vec<_> = (10..13).map(record).collect();
        let bytes = encode("abc", 5, &recs);
        let back = decode(&bytes, "abc", 5, 10..13, 2).unwrap();
        assert_eq!(format!("{back:?}"), format!("{recs:?}"));
        assert!(decode(&bytes[..bytes.len() - 7], "abc", 5, 10..13, 2).is_err());
        assert!(
            decode(&bytes, "abd", 5, 10..13, 2)
                .unwrap_err()
                .contains("configuration")
        );
        assert!(decode(&bytes, "abc", 6, 10..13, 2).is_err());
        assert!(decode(&bytes, "abc", 5, 10..14, 2).is_err());
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert!(
            decode(&flipped, "abc", 5, 10..13, 2)
                .unwrap_err()
                .contains("checksum")
        );
    }
}
