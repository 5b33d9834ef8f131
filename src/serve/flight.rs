//! One training per key at a time: a tile (or a view's chaos) asked for by several clients at
//! once, or twice by one, is trained once and every asker gets the same bytes. The first asker
//! trains on its own handler thread; the others wait on the flight's condition variable.
//!
//! Cancelling is per asker: each brings its own flag (what `/cancel` sets). A cancelled asker
//! stops waiting at once, but the training goes on while any asker still wants it, so one
//! client's cancel never takes a tile from another; it stops (at its next task) only when every
//! asker has cancelled, or the server is stopping.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use super::lock;

pub type Bytes = Arc<Vec<u8>>;

/// What a flight ends in: the bytes, or stopped (every asker cancelled, or the server stops).
type Outcome = Option<Bytes>;

/// One training in progress: its askers' cancel flags, and its outcome once there is one.
#[derive(Default)]
struct Flight {
    askers: Mutex<Vec<Arc<AtomicBool>>>,
    outcome: Mutex<Option<Outcome>>,
    done: Condvar,
}

impl Flight {
    /// Every asker has cancelled.
    fn abandoned(&self) -> bool {
        lock(&self.askers).iter().all(|f| f.load(Ordering::Relaxed))
    }
}

/// The trainings in progress by key, and how many have been started.
pub struct Flights<K> {
    flights: Mutex<HashMap<K, Arc<Flight>>>,
    started: AtomicU64,
}

/// Why an asker got no bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// It cancelled (its flag is set).
    Cancelled,
    /// The server is stopping.
    Stopping,
}

impl<K: Hash + Eq + Clone> Flights<K> {
    pub fn new() -> Flights<K> {
        Flights {
            flights: Mutex::new(HashMap::new()),
            started: AtomicU64::new(0),
        }
    }

    /// Trainings started so far (a test counts them).
    pub fn started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// Askers waiting on or training `key` now.
    pub fn askers(&self, key: &K) -> usize {
        lock(&self.flights)
            .get(key)
            .map_or(0, |f| lock(&f.askers).len())
    }

    /// Wake every waiter to look at its flag again (after `/cancel` set one).
    pub fn wake(&self) {
        for f in lock(&self.flights).values() {
            let _guard = lock(&f.outcome);
            f.done.notify_all();
        }
    }

    /// The bytes of `key`: `cached` if it has them (asked under the flights' lock, so a
    /// training that just finished is found there), else those of the training in flight,
    /// else `train`ed here, `store`d, and handed to every asker. `train` gets the flight's
    /// stop: true once every asker has cancelled or `stopping` says so.
    pub fn get(
        &self,
        key: &K,
        cancelled: &Arc<AtomicBool>,
        stopping: &(dyn Fn() -> bool + Sync),
        cached: impl Fn() -> Option<Bytes>,
        train: impl FnOnce(&(dyn Fn() -> bool + Sync)) -> Outcome,
        store: impl Fn(&Bytes),
    ) -> Result<Bytes, Stopped> {
        let mut train = Some(train);
        loop {
            let (flight, leader) = {
                let mut flights = lock(&self.flights);
                if let Some(b) = cached() {
                    return Ok(b);
                }
                match flights.get(key) {
                    Some(f) => (f.clone(), false),
                    None => {
                        let f = Arc::new(Flight::default());
                        flights.insert(key.clone(), f.clone());
                        (f, true)
                    }
                }
            };
            lock(&flight.askers).push(cancelled.clone());
            let outcome = if leader {
                self.started.fetch_add(1, Ordering::Relaxed);
                let stop = || stopping() || flight.abandoned();
                let train = train.take().expect("a flight is led once per get");
                let outcome = train(&stop);
                if let Some(b) = &outcome {
                    store(b);
                }
                lock(&self.flights).remove(key);
                *lock(&flight.outcome) = Some(outcome.clone());
                flight.done.notify_all();
                outcome
            } else {
                let mut done = lock(&flight.outcome);
                while done.is_none() && !cancelled.load(Ordering::Relaxed) && !stopping() {
                    done = flight.done.wait(done).unwrap_or_else(|e| e.into_inner());
                }
                done.clone().flatten()
            };
            match outcome {
                Some(b) => return Ok(b),
                None if stopping() => return Err(Stopped::Stopping),
                None if cancelled.load(Ordering::Relaxed) => return Err(Stopped::Cancelled),
                // The training was abandoned by the others before this asker joined it:
                // train again (this time as leader, or joined to a newer flight).
                None if train.is_some() => continue,
                None => return Err(Stopped::Cancelled),
            }
        }
    }
}

impl<K: Hash + Eq + Clone> Default for Flights<K> {
    fn default() -> Self {
        Flights::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::thread;

    fn flag() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    /// Spin (no sleep) until `done` holds: the other thread's step has happened.
    fn until(done: impl Fn() -> bool) {
        while !done() {
            thread::yield_now();
        }
    }

    #[test]
    fn two_askers_of_one_key_share_one_training() {
        let flights = Flights::<u32>::new();
        let (a, b) = (flag(), flag());
        let (started, is_started) = channel();
        let (release, released) = channel::<()>();
        let never = || false;
        thread::scope(|s| {
            let f = &flights;
            let (a, b, never) = (&a, &b, &never);
            let leader = s.spawn(move || {
                let train = move |stop: &(dyn Fn() -> bool + Sync)| {
                    started.send(()).unwrap();
                    released.recv().unwrap();
                    assert!(!stop());
                    Some(Arc::new(vec![1, 2, 3]))
                };
                f.get(&7, a, never, || None, train, |_| {})
            });
            is_started.recv().unwrap();
            let follower = s.spawn(move || {
                let train = |_: &(dyn Fn() -> bool + Sync)| panic!("trained twice");
                f.get(&7, b, never, || None, train, |_| {})
            });
            until(|| f.askers(&7) == 2);
            release.send(()).unwrap();
            let (x, y) = (leader.join().unwrap(), follower.join().unwrap());
            assert!(Arc::ptr_eq(&x.unwrap(), &y.unwrap()));
        });
        assert_eq!(flights.started(), 1);
        assert_eq!(flights.askers(&7), 0);
    }

    #[test]
    fn a_cancelled_asker_leaves_and_the_training_stops_only_when_all_have() {
        let flights = Flights::<u32>::new();
        let never = || false;
        for everyone in [false, true] {
            let (a, b) = (flag(), flag());
            let (started, is_started) = channel();
            let (release, released) = channel::<()>();
            thread::scope(|s| {
                let f = &flights;
                let (a, b, never) = (&a, &b, &never);
                let leader = s.spawn(move || {
                    let train = move |stop: &(dyn Fn() -> bool + Sync)| {
                        started.send(()).unwrap();
                        released.recv().unwrap();
                        // Stopped only when both cancelled: then the training gives up.
                        (!stop()).then(|| Arc::new(vec![9]))
                    };
                    f.get(&1, a, never, || None, train, |_| {})
                });
                is_started.recv().unwrap();
                let follower = s.spawn(move || {
                    let train = |_: &(dyn Fn() -> bool + Sync)| panic!("trained twice");
                    f.get(&1, b, never, || None, train, |_| {})
                });
                until(|| f.askers(&1) == 2);
                // The follower cancels: it stops waiting at once, while the leader still trains.
                b.store(true, Ordering::Relaxed);
                f.wake();
                assert_eq!(follower.join().unwrap(), Err(Stopped::Cancelled));
                if everyone {
                    a.store(true, Ordering::Relaxed);
                }
                release.send(()).unwrap();
                let got = leader.join().unwrap();
                if everyone {
                    assert_eq!(got, Err(Stopped::Cancelled));
                } else {
                    assert_eq!(got.unwrap().as_slice(), [9]);
                }
            });
        }
        assert_eq!(flights.started(), 2);
    }

    #[test]
    fn what_is_cached_is_not_trained_and_what_is_trained_is_stored() {
        let flights = Flights::<u32>::new();
        let stored = Mutex::new(None);
        let never = || false;
        let got = flights.get(
            &3,
            &flag(),
            &never,
            || None,
            |_| Some(Arc::new(vec![5])),
            |b| *stored.lock().unwrap() = Some(b.clone()),
        );
        assert_eq!(got.unwrap().as_slice(), [5]);
        let cached = stored.lock().unwrap().clone();
        let again = flights.get(
            &3,
            &flag(),
            &never,
            || cached.clone(),
            |_| panic!("trained again"),
            |_| {},
        );
        assert_eq!(again.unwrap().as_slice(), [5]);
        assert_eq!(flights.started(), 1);
        let stopping = || true;
        let stopped = flights.get(
            &4,
            &flag(),
            &stopping,
            || None,
            |stop| {
                assert!(stop());
                None
            },
            |_| {},
        );
        assert_eq!(stopped, Err(Stopped::Stopping));
    }
}
