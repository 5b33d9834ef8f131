//! A request's query string, checked: every parameter known, none given twice, each a number
//! in its range. Whatever a client sends, the answer is a value or a one-line reason for a 400,
//! never a panic: the server is reached by anything on the machine (or the network with
//! `--bind`), so nothing in a request is trusted. Text values (a chosen map's flags) arrive
//! percent-encoded, as a page's `encodeURIComponent` writes them, and are decoded here.

use std::collections::HashMap;

/// The longest query string read: a tile's is under 80 characters, and a chosen map's flags
/// (two axes, a base net and a handful of trainer options, percent-encoded) under 400.
pub const MAX_QUERY: usize = 1024;

/// The parameters of one request, each known to the endpoint and given once.
#[derive(Debug)]
pub struct Query<'a> {
    pairs: HashMap<&'a str, &'a str>,
}

impl<'a> Query<'a> {
    /// Split `query` (the part after `?`) into its parameters, refusing unknown or repeated
    /// ones and oversized queries.
    pub fn parse(query: &'a str, known: &[&str]) -> Result<Query<'a>, String> {
        if query.len() > MAX_QUERY {
            return Err(format!(
                "the query is {} characters, more than {MAX_QUERY}",
                query.len()
            ));
        }
        let mut pairs = HashMap::new();
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            if !known.contains(&k) {
                return Err(format!(
                    "unknown parameter '{}' (expected {})",
                    k.escape_default(),
                    known.join(", ")
                ));
            }
            if pairs.insert(k, v).is_some() {
                return Err(format!("parameter '{k}' given twice"));
            }
        }
        Ok(Query { pairs })
    }

    /// A whole number in `lo..=hi`; `None` (absent) only where `default` is given.
    pub fn int(&self, key: &str, lo: i64, hi: i64, default: Option<i64>) -> Result<i64, String> {
        let Some(v) = self.pairs.get(key) else {
            return default.ok_or_else(|| format!("parameter '{key}' is missing"));
        };
        let x: i64 = v.parse().map_err(|_| {
            format!(
                "parameter '{key}': '{}' is not a whole number",
                v.escape_default()
            )
        })?;
        if !(lo..=hi).contains(&x) {
            return Err(format!("parameter '{key}': {x} is not in {lo}..={hi}"));
        }
        Ok(x)
    }

    /// The text of `key`, percent-decoded (`%3A` is `:`; `+` is itself), if given.
    pub fn text(&self, key: &str) -> Result<Option<String>, String> {
        let Some(v) = self.pairs.get(key) else {
            return Ok(None);
        };
        let bad = || {
            format!(
                "parameter '{key}': '{}' is not percent-encoded UTF-8 text",
                v.escape_default()
            )
        };
        let (mut bytes, mut rest) = (Vec::with_capacity(v.len()), v.as_bytes());
        while let Some((&b, tail)) = rest.split_first() {
            if b != b'%' {
                bytes.push(b);
                rest = tail;
                continue;
            }
            let hex = tail
                .get(..2)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(bad)?;
            bytes.push(byte);
            rest = &tail[2..];
        }
        String::from_utf8(bytes).map(Some).map_err(|_| bad())
    }

    /// An unsigned 64-bit id (a client's or a request's), 0 when absent.
    pub fn id(&self, key: &str) -> Result<u64, String> {
        match self.pairs.get(key) {
            None => Ok(0),
            Some(v) => v.parse().map_err(|_| {
                format!(
                    "parameter '{key}': '{}' is not an id (a whole number from 0 to 2^64 - 1)",
                    v.escape_default()
                )
            }),
        }
    }
}

/// Split a request's URL into its path and query.
pub fn split(url: &str) -> (&str, &str) {
    url.split_once('?').unwrap_or((url, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_queries_have_reasons() {
        let known = ["z", "n"];
        assert!(Query::parse("z=1&q=2", &known).unwrap_err().contains("'q'"));
        assert!(
            Query::parse("z=1&z=2", &known)
                .unwrap_err()
                .contains("twice")
        );
        let long = "z=1&".repeat(300);
        assert!(
            Query::parse(&long, &known)
                .unwrap_err()
                .contains("more than")
        );
        let q = Query::parse("z=-1&n=NaN", &known).unwrap();
        assert!(
            q.int("z", 0, 10, None)
                .unwrap_err()
                .contains("not in 0..=10")
        );
        assert!(
            q.int("n", 0, 10, None)
                .unwrap_err()
                .contains("not a whole number")
        );
        let q = Query::parse("z=99999999999999999999999", &known).unwrap();
        assert!(q.int("z", 0, 10, None).is_err());
        let q = Query::parse("", &known).unwrap();
        assert!(q.int("z", 0, 10, None).unwrap_err().contains("missing"));
        assert_eq!(q.int("n", 0, 10, Some(4)), Ok(4));
        assert_eq!(split("/tile?z=1"), ("/tile", "z=1"));
        let q = Query::parse(
            "z=lr%3A0.1..1e%2B3%3A8%3Alog&n=%E2%82%AC+&x=%zz",
            &["z", "n", "x"],
        )
        .unwrap();
        assert_eq!(q.text("z").unwrap().unwrap(), "lr:0.1..1e+3:8:log");
        assert_eq!(q.text("n").unwrap().unwrap(), "€+");
        assert!(q.text("x").unwrap_err().contains("'x'"));
        assert_eq!(q.text("y"), Ok(None));
        let q = Query::parse("z=%FF&n=%4&x=%+1", &["z", "n", "x"]).unwrap();
        assert!(q.text("z").is_err() && q.text("n").is_err() && q.text("x").is_err());
    }
}
