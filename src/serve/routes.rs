//! What each request gets: the page's assets, `view.json`, tiles, nets and cancellations,
//! and for anything else a 404; a malformed or absurd request a 400 with a one-line reason.
//! No I/O here: [`respond`] maps a method and URL to a [`Reply`], so every answer can be
//! tested without a socket.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::State;
use super::net::{NET_KEYS, net};
use super::page;
use super::query::{Query, split};
use super::tile::{TILE_KEYS, TileKey, encode};
use crate::map::compute;

/// A reply's body: static text, a cached tile's shared bytes, or bytes made for it.
pub enum Body {
    Static(&'static str),
    Shared(Arc<Vec<u8>>),
    Owned(Vec<u8>),
}

impl Body {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Body::Static(s) => s.as_bytes(),
            Body::Shared(b) => b,
            Body::Owned(b) => b,
        }
    }
}

/// An answer to one request.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Body,
    /// Extra headers: a tile's axes as `xorsweep map` takes them, the cache's size.
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn ok(content_type: &'static str, body: Body) -> Reply {
        Reply {
            status: 200,
            content_type,
            body,
            headers: Vec::new(),
        }
    }

    /// A plain-text error: one line.
    pub fn error(status: u16, reason: impl Into<String>) -> Reply {
        let mut text: String = reason.into();
        text.push('\n');
        Reply {
            status,
            content_type: TEXT,
            body: Body::Owned(text.into_bytes()),
            headers: Vec::new(),
        }
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

/// The answer to `method url`.
pub fn respond(state: &State, method: &str, url: &str) -> Reply {
    if method != "GET" {
        return Reply::error(405, format!("{method}: only GET is served"));
    }
    let (path, query) = split(url);
    let asset = |t, s| Reply::ok(t, Body::Static(s));
    let result = match path {
        "/" | "/index.html" => Ok(asset("text/html; charset=utf-8", page::HTML)),
        "/serve.css" => Ok(asset("text/css; charset=utf-8", page::CSS)),
        "/serve.js" => Ok(asset("text/javascript; charset=utf-8", page::SCRIPT)),
        "/serve-pointer.js" => Ok(asset("text/javascript; charset=utf-8", page::POINTER)),
        "/serve-net.js" => Ok(asset("text/javascript; charset=utf-8", page::NET)),
        "/trainer.js" => Ok(asset("text/javascript; charset=utf-8", page::TRAINER)),
        "/view.json" => Ok(Reply::ok(
            "application/json",
            Body::Owned(state.view_json.clone().into_bytes()),
        )),
        "/tile" => Query::parse(query, &TILE_KEYS).and_then(|q| tile(state, &q)),
        "/net" => Query::parse(query, &NET_KEYS).and_then(|q| {
            let json = net(&q, &state.spec)?;
            Ok(Reply::ok(
                "application/json",
                Body::Owned(json.into_bytes()),
            ))
        }),
        "/cancel" => Query::parse(query, &["c", "r"]).and_then(|q| {
            if let Some(flag) = state.in_flight().get(&(q.id("c")?, q.id("r")?)) {
                flag.store(true, Ordering::Relaxed);
            }
            Ok(Reply::ok(TEXT, Body::Static("ok\n")))
        }),
        _ => {
            return Reply::error(
                404,
                "not found: the server has /, /view.json, /tile and /net",
            );
        }
    };
    result.unwrap_or_else(|reason| Reply::error(400, reason))
}

/// A tile: from the cache, else trained on the pool (unless the client cancels it first).
fn tile(state: &State, q: &Query) -> Result<Reply, String> {
    let key = TileKey::from_query(q)?;
    let spec = key.spec(&state.spec)?;
    let id = (q.id("c")?, q.id("r")?);
    let cached = state.cache().get(&key);
    let bytes = match cached {
        Some(b) => b,
        None => {
            let cancelled = state.register(id);
            let stop = || cancelled.load(Ordering::Relaxed) || state.stopping();
            let hidden = indicatif::ProgressBar::hidden();
            let pixels = state
                .pool
                .install(|| compute::compute_until(&spec, &hidden, &stop));
            state.unregister(id);
            let Some(pixels) = pixels else {
                return Ok(Reply::error(503, "cancelled"));
            };
            let b = Arc::new(encode(&pixels));
            state.cache().put(key, b.clone());
            b
        }
    };
    let mut reply = Reply::ok("application/octet-stream", Body::Shared(bytes));
    reply.headers = vec![
        ("X-Map-X", spec.x.to_string()),
        ("X-Map-Y", spec.y.to_string()),
        ("X-Cache-Bytes", state.cache().used().to_string()),
    ];
    Ok(reply)
}
