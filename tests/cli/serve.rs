//! `xorsweep serve` over real sockets: the binary started on a free port (the test waits on the
//! URL it prints, never a fixed sleep), a tile fetched over HTTP compared bit for bit with
//! `xorsweep map` over the tile's window, a net with its tile's pixel, malformed requests
//! answered 400 while the server keeps serving, a burst of new connections (a page's assets)
//! answered on each, a bounded load of 8 clients × 100 tiles (its latency and the server's peak
//! memory printed, not asserted: they are the machine's), and SIGINT/SIGTERM ending it with
//! 130/143.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{run_ok, send, xorsweep};

/// A running `xorsweep serve`, killed when dropped if it is still running.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// host:port.
    pub(crate) addr: String,
    _stdout: BufReader<ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Server {
    /// Start `xorsweep serve ARGS` on a free port and wait for the line with its URL.
    pub(crate) fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xorsweep"))
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        // Blocks until the server prints, or ends (EOF: an empty line).
        out.read_line(&mut line).unwrap();
        let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("no URL printed: {line:?}; stderr: {err}");
        };
        let addr = url.trim_start_matches("http://").trim_end_matches('/');
        Server {
            addr: addr.to_string(),
            child,
            _stdout: out,
        }
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        get(&self.addr, path)
    }
}

/// An HTTP reply: status, headers (names lower-cased), body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> &str {
        let found = self.headers.iter().find(|h| h.0 == name);
        found.map_or_else(|| panic!("no {name} header"), |h| h.1.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `GET path` on a connection of its own (the server closes it after the reply).
pub(crate) fn get(addr: &str, path: &str) -> Reply {
    raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

fn raw(addr: &str, request: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header");
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let body = &bytes[split + 4..];
    // tiny_http sends bodies over 32 KiB chunked.
    let chunked = headers
        .iter()
        .any(|h| h.0 == "transfer-encoding" && h.1 == "chunked");
    Reply {
        status,
        headers,
        body: if chunked {
            dechunk(body)
        } else {
            body.to_vec()
        },
    }
}

/// A chunked body's bytes: chunks of `SIZE-IN-HEX\r\nDATA\r\n` up to a chunk of size 0.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size");
        let size = std::str::from_utf8(&rest[..eol]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
        rest = &rest[eol + 2 + size + 2..];
    }
}

/// The f32 values of a `.npy` file of map's (little-endian '<f4', header length at bytes 8..10).
fn npy(path: &Path) -> Vec<f32> {
    let b = std::fs::read(path).unwrap();
    let header = u16::from_le_bytes([b[8], b[9]]) as usize;
    b[10 + header..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// One of a tile's f32 planes (0: final loss, 1: mean loss ratio, 2: solved epoch).
fn plane(body: &[u8], n2: usize, k: usize) -> Vec<f32> {
    body[4 * n2 * k..4 * n2 * (k + 1)]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

const EPOCHS: &str = "300";

#[test]
fn a_tile_over_http_is_the_map_command_s_pixels_bit_for_bit() {
    let server = Server::start(&["--epochs", EPOCHS]);
    let n = 24usize;
    let n2 = n * n;
    // The upper right quarter's lower left quarter: hidden rates 1..10, output 10..100 (log),
    // where trained and untrained nets meet.
    let tile = server.get(&format!("/tile?z=2&tx=1&ty=2&n={n}"));
    assert_eq!(tile.status, 200, "{}", tile.text());
    assert_eq!(tile.body.len(), 13 * n2);
    let (x, y) = (tile.header("x-map-x"), tile.header("x-map-y"));
    assert!(x.starts_with("lr-hidden:") && x.ends_with(":24:log"), "{x}");
    assert!(y.starts_with("lr-out:"), "{y}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m");
    run_ok(
        xorsweep()
            .args([
                "map", "--epochs", EPOCHS, "--x", x, "--y", y, "--csv", "-q", "-o",
            ])
            .arg(&out),
    );
    for (k, file) in ["final_loss", "mean_loss", "solved_epoch"]
        .iter()
        .enumerate()
    {
        let want = npy(&out.join(format!("{file}.npy")));
        let got = plane(&tile.body, n2, k);
        assert_eq!(want.len(), n2, "{file}");
        let same = want
            .iter()
            .zip(&got)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "{file}: the tile's pixels differ from xorsweep map's");
    }
    let flags = &tile.body[12 * n2..];
    let trained = npy(&out.join("trained.npy"));
    let csv = std::fs::read_to_string(out.join("map.csv")).unwrap();
    let diverged: Vec<bool> = csv.lines().skip(1).map(|l| l.ends_with(",1")).collect();
    let mean = plane(&tile.body, n2, 1);
    for k in 0..n2 {
        assert_eq!(flags[k] & 1 == 1, trained[k] == 1.0, "trained, pixel {k}");
        assert_eq!(flags[k] & 4 == 4, diverged[k], "diverged, pixel {k}");
        let converged = !diverged[k] && mean[k] < 1.0;
        assert_eq!(flags[k] & 2 == 2, converged, "converged, pixel {k}");
    }
    // Not vacuous: the tile holds both sides of the boundary.
    let count = flags.iter().filter(|f| *f & 1 == 1).count();
    assert!(count > 0 && count < n2, "{count} of {n2} trained");

    // A net opened from the tile is its pixel: same weights, same kernel outcome.
    let (i, j) = (5, 17);
    let net = server.get(&format!("/net?z=2&tx=1&ty=2&n={n}&i={i}&j={j}"));
    assert_eq!(net.status, 200, "{}", net.text());
    let v: serde_json::Value = serde_json::from_slice(&net.body).unwrap();
    let k = j * n + i;
    assert_eq!(v["kernel"]["trained"], flags[k] & 1 == 1);
    let final_loss = v["kernel"]["final_loss"].as_f64().unwrap() as f32;
    assert_eq!(final_loss.to_bits(), plane(&tile.body, n2, 0)[k].to_bits());
    assert_eq!(
        v["p0"],
        serde_json::json!([0.5, -0.4, 0.1, 0.9, 0.3, -0.2, 0.8, -0.6, 0.05])
    );
    assert_eq!(v["o"]["activation"], "sigmoid");
    assert!(v["tile_axes"].as_str().unwrap().contains(x));
    // An f64 map's net is replayed by the page alone.
    assert!(v["lanes"].is_null(), "{v}");
}

/// Pixel `k`'s net of tile `tile` (a `/tile` request, n×n), from `/net`.
fn net_of(server: &Server, tile: &str, n: usize, k: usize) -> serde_json::Value {
    let path = format!(
        "{}&i={}&j={}",
        tile.replace("/tile?", "/net?"),
        k % n,
        k / n
    );
    let net = server.get(&path);
    assert_eq!(net.status, 200, "{}", net.text());
    serde_json::from_slice(&net.body).unwrap()
}

/// `/net`'s lanes run of pixel `k` is the tile's pixel bit for bit: final loss (as f32), first
/// solved epoch, trained; its curve and frames span 0..=epochs. Whether the pixel trained.
fn lanes_agree(body: &[u8], n2: usize, k: usize, v: &serde_json::Value, epochs: u64) -> bool {
    let l = &v["lanes"];
    let at = format!("{} pixel {k}: {l}", v["precision"]);
    // JSON writes NaN (a diverged loss, no solved epoch) as null.
    let bits = |x: f32| (!x.is_nan()).then_some(x.to_bits());
    let json = |key: &str| l[key].as_f64().and_then(|x| bits(x as f32));
    assert_eq!(json("final_loss"), bits(plane(body, n2, 0)[k]), "{at}");
    assert_eq!(json("solved_epoch"), bits(plane(body, n2, 2)[k]), "{at}");
    let trained = body[12 * n2 + k] & 1 == 1;
    assert_eq!(l["trained"], trained, "{at}");
    for (epochs_key, values_key) in [("loss_epochs", "loss"), ("frames", "weights")] {
        let e = l[epochs_key].as_array().unwrap();
        assert_eq!(
            (e[0].as_u64(), e[e.len() - 1].as_u64()),
            (Some(0), Some(epochs))
        );
        assert_eq!(l[values_key].as_array().unwrap().len(), e.len(), "{at}");
    }
    trained
}

#[test]
fn an_f32_or_dd_map_s_net_comes_with_its_run_in_the_map_s_lanes_bit_for_bit() {
    let server = Server::start(&["--epochs", EPOCHS, "--precision", "f32"]);
    let (n, n2) = (24usize, 576usize);
    // Where trained and untrained nets meet (the tile of the test above), in f32.
    let tile = format!("/tile?z=2&tx=1&ty=2&n={n}");
    let body = server.get(&tile).body;
    let mut trained = 0;
    for k in (0..n2).step_by(29) {
        let v = net_of(&server, &tile, n, k);
        assert_eq!(v["precision"], "f32");
        trained += usize::from(lanes_agree(&body, n2, k, &v, 300));
    }
    assert!(
        trained > 0 && trained < n2.div_ceil(29),
        "{trained} trained"
    );
    // A double-double map chosen by the request: its lanes too.
    let dd = "/tile?z=2&tx=1&ty=2&n=8&precision=dd&epochs=120";
    let body = server.get(dd).body;
    let v = net_of(&server, dd, 8, 27);
    assert_eq!(v["precision"], "dd");
    lanes_agree(&body, 64, 27, &v, 120);
}

#[test]
fn malformed_requests_get_400_with_a_reason_and_the_server_keeps_serving() {
    let server = Server::start(&["--epochs", "20"]);
    let long = format!("/tile?z=0&tx=0&ty=0&n=4&{}", "c=1&".repeat(300));
    let cases: Vec<(String, u16, &str)> = vec![
        ("/tile?z=-1&tx=0&ty=0&n=8".into(), 400, "'z'"),
        ("/tile?z=53&tx=0&ty=0&n=8".into(), 400, "'z'"),
        ("/tile?z=1e3&tx=0&ty=0&n=8".into(), 400, "whole number"),
        ("/tile?z=1&tx=NaN&ty=0&n=8".into(), 400, "'tx'"),
        ("/tile?z=1&tx=0&ty=0&n=0".into(), 400, "'n'"),
        ("/tile?z=1&tx=0&ty=0&n=257".into(), 400, "'n'"),
        (
            "/tile?z=1&tx=0&ty=0&n=99999999999999999999".into(),
            400,
            "'n'",
        ),
        ("/tile?z=1&tx=99&ty=0&n=8".into(), 400, "'tx'"),
        ("/tile?z=1&tx=0&ty=0".into(), 400, "missing"),
        (
            "/tile?z=1&tx=0&ty=0&n=8&shape=big".into(),
            400,
            "unknown parameter",
        ),
        ("/tile?z=1&z=1&tx=0&ty=0&n=8".into(), 400, "twice"),
        (long, 400, "more than"),
        ("/tile?z=50&tx=0&ty=0&n=256".into(), 400, "apart"),
        ("/net?z=0&tx=0&ty=0&n=8&i=8&j=0".into(), 400, "'i'"),
        ("/cancel?c=x".into(), 400, "'c'"),
        ("/../../etc/passwd".into(), 404, "not found"),
        ("/serve.js/../../../etc/passwd".into(), 404, "not found"),
        ("/src/serve/mod.rs".into(), 404, "not found"),
    ];
    for (path, status, reason) in &cases {
        let r = server.get(path);
        let text = r.text();
        assert_eq!(r.status, *status, "{path}: {text}");
        assert!(text.contains(reason), "{path}: {text}");
        assert_eq!(text.lines().count(), 1, "{path}: one line: {text}");
    }
    let post = "POST /tile?z=0&tx=0&ty=0&n=4 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    assert_eq!(raw(&server.addr, post).status, 405);
    let ok = server.get("/tile?z=0&tx=0&ty=0&n=8");
    assert_eq!((ok.status, ok.body.len()), (200, 13 * 64));
    // The page and its assets are served from the binary; the trainer is the report's file.
    let page = server.get("/");
    assert!(page.text().contains("<canvas id=\"map\""));
    let trainer = server.get("/trainer.js");
    assert_eq!(trainer.text(), include_str!("../../src/report/trainer.js"));
    let view: serde_json::Value = serde_json::from_slice(&server.get("/view.json").body).unwrap();
    assert_eq!(view["x"]["name"], "lr-hidden");
    assert_eq!(view["epochs"], 20);
}

/// Send `GET path` on a connection kept alive, and say whether a reply starts within 30 s.
fn answered(s: &mut TcpStream, path: &str) -> bool {
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    s.write_all(request.as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200"
}

#[test]
fn a_burst_of_connections_is_answered_on_each() {
    // A page load: the page's connection kept alive, then one connection per asset opened at
    // once. tiny_http 0.12.0 queued some of them behind threads that kept other connections,
    // and their requests were never answered (vendor/tiny_http/PATCHED.md); it did so in
    // one fresh server in a few, so each trial starts one.
    for trial in 0..10 {
        let server = Server::start(&["--epochs", "20"]);
        let mut page = TcpStream::connect(&server.addr).unwrap();
        assert!(answered(&mut page, "/"), "trial {trial}: the page");
        let mut assets: Vec<_> = (0..5)
            .map(|_| TcpStream::connect(&server.addr).unwrap())
            .collect();
        for (k, s) in assets.iter_mut().enumerate() {
            assert!(answered(s, "/serve.css"), "trial {trial}: asset {k}");
        }
    }
}

/// The server's peak resident memory (VmHWM), in kB.
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn eight_clients_get_a_hundred_tiles_each() {
    let server = Server::start(&["--epochs", "50"]);
    let addr = server.addr.clone();
    let (clients, each, n) = (8u64, 100u64, 16usize);
    let started = Instant::now();
    let latencies: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let addr = addr.clone();
                s.spawn(move || {
                    (0..each)
                        .map(|k| {
                            // Tiles spread over levels 0..=6; some repeat (cache hits).
                            let z = (c + k) % 7;
                            let side = 1u64 << z;
                            let (tx, ty) = ((c * 31 + k * 7) % side, (c * 17 + k * 13) % side);
                            let t0 = Instant::now();
                            let r = get(&addr, &format!("/tile?z={z}&tx={tx}&ty={ty}&n={n}"));
                            assert_eq!(r.status, 200, "{}", r.text());
                            assert_eq!(r.body.len(), 13 * n * n);
                            let cached: usize = r.header("x-cache-bytes").parse().unwrap();
                            assert!(cached <= xorsweep::serve::CACHE_BYTES);
                            t0.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let wall = started.elapsed();
    assert_eq!(latencies.len(), (clients * each) as usize);
    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p) as usize];
    eprintln!(
        "serve load: {clients} clients × {each} tiles of {n}² × 50 epochs in {:.2} s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; server peak RSS {} MB",
        wall.as_secs_f64(),
        q(0.5),
        q(0.99),
        ms[ms.len() - 1],
        peak_rss_kb(server.child.id()) / 1024
    );
    // Still serving after the load.
    assert_eq!(server.get("/view.json").status, 200);
}

#[test]
fn sigint_and_sigterm_stop_it_with_130_and_143() {
    for (signal, code, name) in [
        (libc::SIGINT, 130, "SIGINT"),
        (libc::SIGTERM, 143, "SIGTERM"),
    ] {
        let mut server = Server::start(&[]);
        // It answers before it is stopped.
        assert_eq!(server.get("/view.json").status, 200);
        send(server.child.id(), signal);
        let status = server.child.wait().unwrap();
        let mut err = String::new();
        server
            .child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(code), "{name}: {err}");
        assert!(err.contains(&format!("stopped by {name}")), "{err}");
    }
}

#[test]
fn flags_a_server_cannot_use_and_a_port_in_use_are_refused() {
    let out = xorsweep().args(["serve", "--csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--csv") && err.lines().count() == 1, "{err}");
    let out = xorsweep()
        .args(["serve", "--x", "lr:0..1:4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let server = Server::start(&[]);
    let port = server.addr.rsplit(':').next().unwrap();
    let out = xorsweep().args(["serve", "--port", port]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--port") && err.contains(port), "{err}");
}

/// `s` as a page's `encodeURIComponent` writes it (what the tests' values need).
fn encode(s: &str) -> String {
    s.replace('%', "%25")
        .replace(':', "%3A")
        .replace(',', "%2C")
        .replace('+', "%2B")
}

#[test]
fn a_chosen_map_s_tile_is_the_map_command_s_pixels_and_a_bad_choice_is_refused() {
    let server = Server::start(&["--epochs", EPOCHS]);
    let (n, n2) = (16usize, 256usize);
    let flags = [
        ("x", "momentum:0..0.9:32"),
        ("y", "lr:0.5..50:32:log"),
        ("activation", "tanh"),
        ("epochs", "200"),
    ];
    let choice: String = flags
        .iter()
        .map(|(k, v)| format!("&{k}={}", encode(v)))
        .collect();
    let tile = server.get(&format!("/tile?z=1&tx=1&ty=0&n={n}{choice}"));
    assert_eq!(tile.status, 200, "{}", tile.text());
    let (x, y) = (tile.header("x-map-x"), tile.header("x-map-y"));
    assert!(
        x.starts_with("momentum:0.45..0.9") && y.starts_with("lr:"),
        "{x} {y}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m");
    run_ok(
        xorsweep()
            .args(["map", "--activation", "tanh", "--epochs", "200"])
            .args(["--x", x, "--y", y, "-q", "-o"])
            .arg(&out),
    );
    let want = npy(&out.join("final_loss.npy"));
    let got = plane(&tile.body, n2, 0);
    assert!(
        want.iter()
            .zip(&got)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
    // The same place without a choice is the opened map's tile, not the cached chosen one.
    let opened = server.get(&format!("/tile?z=1&tx=1&ty=0&n={n}"));
    assert!(opened.header("x-map-x").starts_with("lr-hidden:"));
    assert_ne!(opened.body, tile.body);
    // The view and a net of the chosen map.
    let view: serde_json::Value =
        serde_json::from_slice(&server.get(&format!("/view.json?{}", &choice[1..])).body).unwrap();
    assert_eq!(
        (view["x"]["name"].as_str(), view["epochs"].as_u64()),
        (Some("momentum"), Some(200))
    );
    let field = view["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "activation");
    assert_eq!(field.unwrap()["value"], "tanh");
    let net = server.get(&format!("/net?z=1&tx=1&ty=0&n={n}&i=3&j=4{choice}"));
    let v: serde_json::Value = serde_json::from_slice(&net.body).unwrap();
    assert_eq!(
        (v["o"]["activation"].as_str(), v["epochs"].as_u64()),
        (Some("tanh"), Some(200))
    );
    // Bad choices: map's own reason, naming the flag, in one line.
    for (query, words) in [
        ("x=lr%3A0..1%3A8", "--x"),
        ("epochs=999999", "--epochs"),
        ("activation=softmax", "--activation"),
        ("csv=true", "unknown parameter 'csv'"),
        ("x=%ZZ", "percent-encoded"),
    ] {
        for path in [
            "/view.json?",
            "/tile?z=0&tx=0&ty=0&n=4&",
            "/chaos?z=0&tx=0&ty=0&",
        ] {
            let r = server.get(&format!("{path}{query}"));
            let text = r.text();
            assert_eq!(r.status, 400, "{path}{query}: {text}");
            assert!(
                text.contains(words) && text.lines().count() == 1,
                "{path}{query}: {text}"
            );
        }
    }
}

#[test]
fn a_view_s_chaos_says_whether_rounding_decides_its_pixels() {
    let server = Server::start(&["--epochs", "60", "--precision", "f32"]);
    let get = |path: &str| {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        (v, r.body)
    };
    // The whole window: a boundary the dynamics draw, measured as map measures a frame.
    let (whole, bytes) = get("/chaos?z=0&tx=0&ty=0");
    let b = &whole["boundary_chaos"];
    assert_eq!(whole["n"], 128);
    assert!(b["sampled"].as_u64().unwrap() > 0, "{whole}");
    assert!(b["half_pixel"]["share"].as_f64().unwrap() > 0.0, "{whole}");
    let dominated = whole["rounding_dominated"].as_bool().unwrap();
    let text = whole["text"].as_str().unwrap();
    assert_eq!(dominated, text.starts_with("rounding decides"), "{text}");
    assert!(text.contains("for half a pixel"), "{text}");
    assert!(whole["axis_collapse"].is_null());
    // Asked again: the same bytes, from the cache.
    assert_eq!(get("/chaos?z=0&tx=0&ty=0").1, bytes);
    // 2^22 tiles a side: neighbouring pixels of a 128² tile are the same f32.
    let mid = 1u64 << 21;
    let (deep, _) = get(&format!("/chaos?z=22&tx={mid}&ty={mid}&v=converged"));
    assert_eq!(deep["verdict"], "converged");
    assert_eq!(deep["rounding_dominated"], true);
    let text = deep["text"].as_str().unwrap();
    assert!(
        text.starts_with("rounding decides pixels here: neighbouring axis values collapse"),
        "{text}"
    );
    let bad = server.get("/chaos?z=0&tx=0&ty=0&v=maybe");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("'v'"));
}
