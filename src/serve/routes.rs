//! What each request gets: the page's assets, `view.json`, tiles, nets, a view's chaos and
//! cancellations, and for anything else a 404; a malformed or absurd request a 400 with a
//! one-line reason. Every request but the assets' and `/cancel` may choose a map with
//! `xorsweep map`'s flags (`choice`); without them it is about the map the server opened.
//! No I/O here: [`respond`] maps a method and URL to a [`Reply`], so every answer can be
//! tested without a socket.

use std::sync::Arc;

use super::chaos::{self, CHAOS_KEYS};
use super::choice::{self, Map};
use super::flight::Stopped;
use super::net::{NET_KEYS, net};
use super::page;
use super::query::{Query, split};
use super::tile::{PixelsKey, TILE_KEYS, TileKey, encode};
use super::{State, Store};
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
    // A request's own parameters, and the flags that choose a map.
    let parse = |own: &[&str]| {
        let known: Vec<&str> = own
            .iter()
            .copied()
            .chain(state.keys.iter().map(String::as_str))
            .collect();
        Query::parse(query, &known)
    };
    let map = |q: &Query| choice::chosen(q, &state.keys, &state.opened);
    let json = |bytes: Vec<u8>| Reply::ok("application/json", Body::Owned(bytes));
    let result = match path {
        "/" | "/index.html" => Ok(asset("text/html; charset=utf-8", page::HTML)),
        "/serve.css" => Ok(asset("text/css; charset=utf-8", page::CSS)),
        "/serve.js" => Ok(asset("text/javascript; charset=utf-8", page::SCRIPT)),
        "/serve-pointer.js" => Ok(asset("text/javascript; charset=utf-8", page::POINTER)),
        "/serve-form.js" => Ok(asset("text/javascript; charset=utf-8", page::FORM)),
        "/serve-scale.js" => Ok(asset("text/javascript; charset=utf-8", page::SCALE)),
        "/serve-net.js" => Ok(asset("text/javascript; charset=utf-8", page::NET)),
        "/trainer.js" => Ok(asset("text/javascript; charset=utf-8", page::TRAINER)),
        "/view.json" if query.is_empty() => Ok(json(state.view_json.clone().into_bytes())),
        "/view.json" => parse(&[]).and_then(|q| Ok(json(page::view_json(&map(&q)?).into_bytes()))),
        "/tile" => parse(&TILE_KEYS).and_then(|q| tile(state, &q, &map(&q)?)),
        "/net" => parse(&NET_KEYS).and_then(|q| Ok(json(net(&q, &map(&q)?.spec)?.into_bytes()))),
        "/chaos" => parse(&CHAOS_KEYS).and_then(|q| chaos(state, &q, &map(&q)?)),
        "/cancel" => Query::parse(query, &["c", "r"]).and_then(|q| {
            state.cancel((q.id("c")?, q.id("r")?));
            Ok(Reply::ok(TEXT, Body::Static("ok\n")))
        }),
        _ => {
            return Reply::error(
                404,
                "not found: the server has /, /view.json, /tile, /net and /chaos",
            );
        }
    };
    result.unwrap_or_else(|reason| Reply::error(400, reason))
}

/// Bytes from `store` for a request, or the 503 of a cancelled or stopping one.
fn made(
    state: &State,
    store: &Store,
    key: &PixelsKey,
    q: &Query,
    make: impl FnOnce(&(dyn Fn() -> bool + Sync)) -> Option<Vec<u8>>,
) -> Result<Result<Arc<Vec<u8>>, Reply>, String> {
    let id = (q.id("c")?, q.id("r")?);
    let got = state.made(store, key, id, |stop| make(stop).map(Arc::new));
    Ok(got.map_err(|why| {
        Reply::error(
            503,
            match why {
                Stopped::Cancelled => "cancelled",
                Stopped::Stopping => "the server is stopping",
            },
        )
    }))
}

/// A tile of `map`: cached, or trained on the pool once however many ask (unless every asker
/// cancels first).
fn tile(state: &State, q: &Query, map: &Map) -> Result<Reply, String> {
    let spec = TileKey::from_query(q)?.spec(&map.spec)?;
    let key = PixelsKey::of(&spec);
    let hidden = indicatif::ProgressBar::hidden();
    let train = |stop: &(dyn Fn() -> bool + Sync)| {
        let pixels = state
            .pool
            .install(|| compute::compute_until(&spec, &hidden, stop))?;
        Some(encode(&pixels))
    };
    let bytes = match made(state, &state.tiles, &key, q, train)? {
        Ok(b) => b,
        Err(reply) => return Ok(reply),
    };
    let mut reply = Reply::ok("application/octet-stream", Body::Shared(bytes));
    reply.headers = vec![
        ("X-Map-X", spec.x.to_string()),
        ("X-Map-Y", spec.y.to_string()),
        ("X-Cache-Bytes", state.tiles.used().to_string()),
    ];
    Ok(reply)
}

/// The boundary chaos of the view's tile of `map` (see `chaos`), cached like a tile.
fn chaos(state: &State, q: &Query, map: &Map) -> Result<Reply, String> {
    let spec = chaos::spec(q, map)?;
    let key = PixelsKey::of(&spec).with(spec.verdict().name());
    let measure = |stop: &(dyn Fn() -> bool + Sync)| chaos::measure(&spec, &state.pool, stop);
    Ok(match made(state, &state.chaos, &key, q, measure)? {
        Ok(b) => Reply::ok("application/json", Body::Shared(b)),
        Err(reply) => reply,
    })
}
