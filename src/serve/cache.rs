//! The recently trained tiles, kept up to a byte budget and dropped least recently used first:
//! panning back over a view costs nothing, and memory stays bounded however long the server
//! runs. A handful of entries is scanned to evict (tens of tiles): no ordered structure needed.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// A least-recently-used store of byte buffers, at most `budget` bytes in all.
#[derive(Debug)]
pub struct Cache<K> {
    budget: usize,
    used: usize,
    clock: u64,
    entries: HashMap<K, (Arc<Vec<u8>>, u64)>,
}

impl<K: Hash + Eq + Clone> Cache<K> {
    pub fn new(budget: usize) -> Cache<K> {
        Cache {
            budget,
            used: 0,
            clock: 0,
            entries: HashMap::new(),
        }
    }

    /// The bytes under `key`, marked as just used.
    pub fn get(&mut self, key: &K) -> Option<Arc<Vec<u8>>> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|e| {
            e.1 = clock;
            e.0.clone()
        })
    }

    /// Keep `bytes` under `key`, dropping the least recently used entries until they fit (a
    /// buffer larger than the whole budget is not kept).
    pub fn put(&mut self, key: K, bytes: Arc<Vec<u8>>) {
        if bytes.len() > self.budget {
            return;
        }
        if let Some((old, _)) = self.entries.remove(&key) {
            self.used -= old.len();
        }
        while self.used + bytes.len() > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|e| e.1.1)
                .map(|e| e.0.clone())
            else {
                break;
            };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.used -= old.len();
            }
        }
        self.clock += 1;
        self.used += bytes.len();
        self.entries.insert(key, (bytes, self.clock));
    }

    /// Bytes held.
    pub fn used(&self) -> usize {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_to_its_budget_and_drops_the_least_recently_used() {
        let mut c = Cache::new(30);
        let buf = |n: usize| Arc::new(vec![0u8; n]);
        c.put(1, buf(10));
        c.put(2, buf(10));
        c.put(3, buf(10));
        assert!(c.get(&1).is_some());
        c.put(4, buf(10));
        // 2 was the least recently used (1 was read after it).
        assert!(c.get(&2).is_none());
        assert!(c.get(&1).is_some() && c.get(&3).is_some() && c.get(&4).is_some());
        assert_eq!(c.used(), 30);
        c.put(5, buf(31));
        assert!(c.get(&5).is_none());
        c.put(3, buf(5));
        assert_eq!(c.used(), 25);
    }
}
