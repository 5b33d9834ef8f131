//! `xorsweep serve`: a trainability map to explore in the browser. A local web server serves one
//! page (compiled into the binary) that pans and zooms over the map in tiles, each trained on
//! demand by the map's own kernel (`map::compute`, so a tile is the same pixels, bit for bit,
//! as `xorsweep map` over its window), coarse first then fine, and opens any pixel's net to
//! replay its training in the page with the report's trainer.
//!
//! Why tiny_http: the work is training, which rayon's pool does on every core; the server only
//! has to hand a few requests at a time to it. tiny_http is a small, synchronous, well-kept
//! HTTP/1.1 server with four small dependencies: a fixed set of handler threads blocks on
//! requests and on the pool, with no async runtime (axum would bring tokio and its executor
//! for nothing this needs, and a second kind of thread to reason about next to rayon's).
//!
//! [`query`] checks requests' parameters, [`choice`] resolves the map a page chose (with
//! `xorsweep map`'s own parsers), [`tile`] maps a tile to a map and its pixels to bytes,
//! [`cache`] keeps recent tiles in a bounded budget, [`flight`] trains a tile asked for by
//! several clients once, [`net`] opens one pixel's net, [`chaos`] measures a view's boundary
//! chaos, [`page`] holds the page, and [`routes`] answers a request (no I/O); this module runs
//! the server: its threads, cancellations, and a clean stop on SIGINT/SIGTERM/SIGHUP.

pub mod cache;
pub mod chaos;
pub mod choice;
pub mod flight;
pub mod net;
pub mod page;
pub mod query;
pub mod routes;
pub mod tile;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::Context;

use crate::error::RuntimeError;
use crate::map::spec::{MapConfig, MapSpec};
use cache::Cache;
use flight::{Bytes, Flights, Stopped};
use tile::PixelsKey;

/// Threads that take requests: enough for several clients' tiles at once (each blocks while the
/// pool trains its tile), few enough that a burst cannot start unbounded work.
pub const HANDLERS: usize = 8;
/// Memory for recent tiles: about 75 tiles of 256² pixels.
pub const CACHE_BYTES: usize = 64 << 20;
/// Memory for recent views' chaos measures (a few kB of JSON each).
pub const CHAOS_CACHE_BYTES: usize = 4 << 20;
/// How often the server looks for a stopping signal.
const POLL: Duration = Duration::from_millis(100);

/// Bytes made on demand (tiles, chaos measures): the recent ones kept within a budget, and
/// each key made once at a time however many ask for it.
pub struct Store {
    cache: Mutex<Cache<PixelsKey>>,
    pub flights: Flights<PixelsKey>,
}

impl Store {
    fn new(budget: usize) -> Store {
        Store {
            cache: Mutex::new(Cache::new(budget)),
            flights: Flights::new(),
        }
    }

    /// Bytes the cache holds.
    pub fn used(&self) -> usize {
        lock(&self.cache).used()
    }
}

/// What the server shares between its handler threads.
pub struct State {
    /// The opened map: what a request that chooses none is about.
    pub opened: choice::Map,
    /// The query keys that choose a map (`xorsweep map`'s flags a page may set).
    pub keys: Vec<String>,
    pub view_json: String,
    pub pool: rayon::ThreadPool,
    pub tiles: Store,
    pub chaos: Store,
    /// Tiles in training by (client, request) id, with the flag `/cancel` sets.
    in_flight: Mutex<HashMap<(u64, u64), Arc<AtomicBool>>>,
    signal: Arc<AtomicUsize>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked mid-update leaves a map or cache that is still whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub fn new(
        config: &MapConfig,
        spec: &MapSpec,
        threads: Option<usize>,
    ) -> anyhow::Result<State> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(t) = threads {
            builder = builder.num_threads(t);
        }
        let opened = choice::Map {
            config: config.clone(),
            spec: spec.clone(),
        };
        Ok(State {
            view_json: page::view_json(&opened),
            opened,
            keys: choice::fields().into_iter().map(|f| f.key).collect(),
            pool: builder.build().context("starting worker threads")?,
            tiles: Store::new(CACHE_BYTES),
            chaos: Store::new(CHAOS_CACHE_BYTES),
            in_flight: Mutex::new(HashMap::new()),
            signal: crate::signals::received(),
        })
    }

    fn in_flight(&self) -> MutexGuard<'_, HashMap<(u64, u64), Arc<AtomicBool>>> {
        lock(&self.in_flight)
    }

    /// Cancel request `id` if it is waiting or training: it stops waiting, and its training
    /// stops if no other request wants it.
    pub fn cancel(&self, id: (u64, u64)) {
        if let Some(flag) = self.in_flight().get(&id) {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.tiles.flights.wake();
        self.chaos.flights.wake();
    }

    /// The bytes of `key` in `store` for request `id` (cancellable through `/cancel` when the
    /// client named itself: client id not 0): cached, or joined to the training in flight, or
    /// made here by `make`, which is given when to stop.
    pub fn made(
        &self,
        store: &Store,
        key: &PixelsKey,
        id: (u64, u64),
        make: impl FnOnce(&(dyn Fn() -> bool + Sync)) -> Option<Bytes>,
    ) -> Result<Bytes, Stopped> {
        let flag = Arc::new(AtomicBool::new(false));
        if id.0 != 0 {
            self.in_flight().insert(id, flag.clone());
        }
        let stopping = || self.stopping();
        let put = |b: &Bytes| lock(&store.cache).put(key.clone(), b.clone());
        let got = store.flights.get(
            key,
            &flag,
            &stopping,
            || lock(&store.cache).get(key),
            make,
            put,
        );
        self.in_flight().remove(&id);
        got
    }

    /// A stopping signal has come: work in progress ends at its next task.
    pub fn stopping(&self) -> bool {
        crate::signals::pending(&self.signal).is_some()
    }
}

/// Answer one request, a panic in it answered 500 rather than losing the thread.
fn handle(state: &State, request: tiny_http::Request) {
    let method = request.method().as_str().to_string();
    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        routes::respond(state, &method, request.url())
    }))
    .unwrap_or_else(|_| routes::Reply::error(500, "internal error (a bug: please report it)"));
    let header = |k: &str, v: &str| {
        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("ASCII header")
    };
    let mut response = tiny_http::Response::from_data(reply.body.bytes())
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(header("Cache-Control", "no-store"));
    for (k, v) in &reply.headers {
        response.add_header(header(k, v));
    }
    // A client that went away is no error of the server's.
    let _ = request.respond(response);
}

/// Serve the map `spec` (from `config`) at `addr` until a stopping signal: call `ready` with the
/// page's URL once listening, and return the signal's number.
pub fn serve(
    config: &MapConfig,
    spec: &MapSpec,
    addr: SocketAddr,
    threads: Option<usize>,
    ready: impl FnOnce(&str),
) -> anyhow::Result<i32> {
    let state = Arc::new(State::new(config, spec, threads)?);
    let server = tiny_http::Server::http(addr).map_err(|e| {
        RuntimeError::new(format!(
            "--port/--bind: cannot listen on {addr}: {e}; pick another --port, or leave it out for a free one"
        ))
    })?;
    let bound = server.server_addr().to_ip().unwrap_or(addr);
    ready(&format!("http://{bound}/"));
    let server = Arc::new(server);
    // Handlers block in `recv`, and are woken with `unblock` once a signal comes. (A page's
    // script that waited half a minute was tiny_http's connection pool, not `recv_timeout`:
    // vendor/tiny_http/PATCHED.md.)
    let handlers: Vec<_> = (0..HANDLERS)
        .map(|_| {
            let (server, state) = (server.clone(), state.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    if state.stopping() {
                        break;
                    }
                    handle(&state, request);
                }
            })
        })
        .collect();
    while !state.stopping() && handlers.iter().any(|h| !h.is_finished()) {
        std::thread::sleep(POLL);
    }
    for _ in &handlers {
        server.unblock();
    }
    for h in handlers {
        let _ = h.join();
    }
    Ok(crate::signals::pending(&state.signal).unwrap_or(0))
}
