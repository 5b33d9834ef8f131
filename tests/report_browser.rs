//! report.html in a real browser: a tiny sweep's page opened in headless Chromium at a phone's
//! width (420 px) and a laptop's (1300 px), driven over the DevTools protocol (a websocket to
//! the browser Chromium starts with `--remote-debugging-port=0`, whose port it writes to
//! `DevToolsActivePort` in its profile folder). Asserts what a reader would notice: no
//! sideways scrolling of the page, every chart decoded, figures opening full size, the cell
//! table sorting and filtering, the explorer redrawing when the selection changes, and no
//! script error.
//!
//! Chromium is looked for at $XORSWEEP_CHROMIUM, /usr/bin/chromium, then `chromium` on PATH.
//! Without it the test fails when $CI is set, and otherwise passes with a loud notice. Every
//! wait has a deadline, and the browser is killed when the test ends, however it ends.
//! Run it alone with `cargo test --test report_browser`; set $XORSWEEP_SCREENSHOTS to a folder
//! to keep full-page screenshots of both widths.

mod common;

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// The charts a sweep of uniform:1 and the lesson's init draws.
const CHARTS: usize = 6;

/// The longest any one step (browser start, page load, one reply) may take.
const STEP: Duration = Duration::from_secs(30);

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("XORSWEEP_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let usual = PathBuf::from("/usr/bin/chromium");
    if usual.exists() {
        return Some(usual);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromium"))
            .find(|p| p.exists())
    })
}

/// A headless Chromium, killed (and its profile folder removed) when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Script errors the page reported (Runtime.exceptionThrown).
    errors: Vec<String>,
}

impl Drop for Browser {
    /// Ask Chromium to close (so that it takes its helper processes with it), wait up to five
    /// seconds, then kill it.
    fn drop(&mut self) {
        let close = json!({ "id": 0, "method": "Browser.close" }).to_string();
        if self.ws.send(Message::text(close)).is_ok() {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start(exe: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
        // From here on the browser dies with `guard` whatever happens.
        let mut guard = Started { child: Some(child) };
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + STEP;
        let (port, path) = loop {
            if let Ok(s) = fs::read_to_string(&port_file)
                && let [port, path] = s.lines().collect::<Vec<_>>()[..]
            {
                break (port.to_string(), path.to_string());
            }
            if let Some(Ok(Some(status))) = guard.child.as_mut().map(Child::try_wait) {
                panic!("Chromium exited before opening its DevTools port: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "Chromium wrote no DevToolsActivePort within {STEP:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
        stream.set_read_timeout(Some(STEP)).unwrap();
        stream.set_write_timeout(Some(STEP)).unwrap();
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("websocket handshake");
        Browser {
            child: guard.child.take().unwrap(),
            _profile: profile,
            ws,
            next_id: 0,
            errors: Vec::new(),
        }
    }

    /// Send one command (to a page's session, if given) and wait for its reply.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        let deadline = Instant::now() + STEP;
        loop {
            assert!(Instant::now() < deadline, "{method}: no reply in {STEP:?}");
            let m = match self.ws.read() {
                Ok(Message::Text(t)) => t,
                Ok(_) => continue,
                Err(e) => panic!("{method}: {e}"),
            };
            let v: Value = serde_json::from_str(&m).unwrap();
            if v["method"] == "Runtime.exceptionThrown" {
                self.errors
                    .push(v["params"]["exceptionDetails"].to_string());
            }
            if v["id"] == id {
                if let Some(e) = v.get("error") {
                    panic!("{method}: {e}");
                }
                return v["result"].clone();
            }
        }
    }
}

/// The child until [`Browser`] owns it: killed if setting up the connection fails.
struct Started {
    child: Option<Child>,
}

impl Drop for Started {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// One tab at a given width.
struct Page<'a> {
    b: &'a mut Browser,
    session: String,
    width: u32,
}

impl Page<'_> {
    fn open<'a>(b: &'a mut Browser, url: &str, width: u32, script: bool) -> Page<'a> {
        let target = b.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        let mut p = Page { b, session, width };
        p.cmd("Runtime.enable", json!({}));
        p.cmd("Page.enable", json!({}));
        p.cmd(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
        if !script {
            p.cmd(
                "Emulation.setScriptExecutionDisabled",
                json!({ "value": true }),
            );
        }
        p.cmd("Page.navigate", json!({ "url": url }));
        let deadline = Instant::now() + STEP;
        while !p.eval_bool(
            "document.readyState === 'complete' && Array.from(document.images).every(i => i.complete)",
        ) {
            assert!(
                Instant::now() < deadline,
                "{width} px: the page did not load in {STEP:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        p
    }

    fn cmd(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.b.call(Some(&s), method, params)
    }

    /// The value of a JavaScript expression (made JSON-able by the page).
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.cmd(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{} px: {expr}: {e}", self.width);
        }
        r["result"]["value"].clone()
    }

    fn eval_bool(&mut self, expr: &str) -> bool {
        self.eval(expr).as_bool().unwrap_or(false)
    }

    /// The whole page as screenshots 1200 px high each, `report_<width>_<k>.png` in `dir`.
    fn screenshots(&mut self, dir: &Path) {
        use base64::Engine;
        fs::create_dir_all(dir).unwrap();
        let height = self
            .eval("document.documentElement.scrollHeight")
            .as_f64()
            .unwrap();
        let tile = 1200.0;
        for k in 0..(height / tile).ceil() as u32 {
            let y = f64::from(k) * tile;
            let clip = json!({ "x": 0, "y": y, "width": self.width, "height": tile.min(height - y), "scale": 1 });
            let r = self.cmd(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true, "clip": clip }),
            );
            let png = base64::engine::general_purpose::STANDARD
                .decode(r["data"].as_str().unwrap())
                .unwrap();
            fs::write(dir.join(format!("report_{}_{k:02}.png", self.width)), png).unwrap();
        }
    }
}

/// The checks at one width.
fn check_page(p: &mut Page) {
    let w = p.width;
    // No sideways scrolling of the page itself. (On a phone the layout viewport grows to fit a
    // page too wide for it, so the test compares with the width asked for.)
    let sizes = p.eval("[document.documentElement.scrollWidth, window.innerWidth]");
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    assert!(
        scroll <= u64::from(w) && inner == u64::from(w),
        "{w} px: the page is {scroll} px wide in a {inner} px window"
    );
    // Every chart decoded.
    let imgs = p.eval(
        "Array.from(document.images).map(i => [i.getAttribute('data-file'), i.naturalWidth])",
    );
    let imgs = imgs.as_array().unwrap();
    assert_eq!(imgs.len(), CHARTS, "{w} px: {imgs:?}");
    for i in imgs {
        assert!(i[1].as_u64().unwrap() > 0, "{w} px: {} not decoded", i[0]);
    }
    // A figure opens full size (the CSS :target overlay) and closes again.
    p.eval("location.hash = '#fig-loss_by_lr'");
    let open = p.eval(
        "(() => { const f = document.getElementById('fig-loss_by_lr'); const i = f.querySelector('img'); \
         return [getComputedStyle(f).position, i.width, i.naturalWidth]; })()",
    );
    assert_eq!(open[0], "fixed", "{w} px: the figure did not open: {open}");
    assert_eq!(
        open[1].as_f64().unwrap().round() as u64,
        open[2].as_u64().unwrap(),
        "{w} px: the opened figure is not at full size: {open}"
    );
    p.eval("document.querySelector('#fig-loss_by_lr .close').click()");
    assert!(
        p.eval_bool(
            "getComputedStyle(document.getElementById('fig-loss_by_lr')).position !== 'fixed'"
        ),
        "{w} px: the figure did not close"
    );
    assert!(
        p.eval_bool(&format!("document.documentElement.scrollWidth <= {w}")),
        "{w} px: overflow after closing a figure"
    );

    // Sorting by learning rate reorders the rows, ascending then descending.
    let column = |p: &mut Page, i: usize| -> Vec<String> {
        let v = p.eval(&format!(
            "Array.from(document.querySelectorAll('#cells tbody tr')).map(r => r.cells[{i}].getAttribute('data-v'))"
        ));
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    let before = column(p, 0);
    p.eval("document.querySelectorAll('#cells thead th')[4].querySelector('button').click()");
    let lrs: Vec<f64> = column(p, 4).iter().map(|s| s.parse().unwrap()).collect();
    assert!(
        lrs.windows(2).all(|x| x[0] <= x[1]),
        "{w} px: not ascending: {lrs:?}"
    );
    assert_ne!(column(p, 0), before, "{w} px: sorting moved no row");
    p.eval("document.querySelectorAll('#cells thead th')[4].querySelector('button').click()");
    let lrs: Vec<f64> = column(p, 4).iter().map(|s| s.parse().unwrap()).collect();
    assert!(
        lrs.windows(2).all(|x| x[0] >= x[1]),
        "{w} px: not descending: {lrs:?}"
    );

    // The filter hides the rows that do not match.
    let shown = "Array.from(document.querySelectorAll('#cells tbody tr')).filter(r => r.offsetParent !== null).map(r => r.cells[1].textContent)";
    let all = p.eval(shown).as_array().unwrap().len();
    p.eval(
        "(() => { const f = document.getElementById('cell-filter'); f.value = 'lesson'; \
         f.dispatchEvent(new Event('input')); })()",
    );
    let left = p.eval(shown);
    let left = left.as_array().unwrap();
    assert!(
        !left.is_empty() && left.len() < all,
        "{w} px: filter 'lesson' left {} of {all} rows",
        left.len()
    );
    assert!(left.iter().all(|t| t == "lesson"), "{w} px: {left:?}");
    let count = p.eval("document.getElementById('cell-count').textContent");
    assert_eq!(count, format!("{} of {all} cells shown", left.len()));

    // The explorer redraws its three charts when another cell is picked, by the grid or the
    // menus.
    let state = "(() => [document.getElementById('explorer').getAttribute('data-cell'), \
         document.getElementById('ex-title').textContent, \
         document.querySelector('#ex-loss path.median').getAttribute('d'), \
         document.querySelector('#ex-solved path.cdf').getAttribute('d'), \
         document.getElementById('ex-boundary').toDataURL()])()";
    let first = p.eval(state);
    assert!(
        first[1].as_str().unwrap().contains("nets solved XOR"),
        "{first}"
    );
    let other = p.eval(
        "(() => { const b = Array.from(document.querySelectorAll('#ex-grid button')).find(b => b.getAttribute('aria-pressed') === 'false' && b.closest('tr').firstChild.textContent === 'uniform:1'); b.click(); return b.getAttribute('data-cell'); })()",
    );
    let second = p.eval(state);
    assert_eq!(second[0], other, "{w} px: the grid did not select its cell");
    for (k, what) in [
        (1, "title"),
        (2, "loss chart"),
        (3, "solved chart"),
        (4, "decision boundary"),
    ] {
        assert_ne!(
            first[k], second[k],
            "{w} px: the explorer's {what} did not change"
        );
    }
    p.eval(
        "(() => { const s = document.getElementById('ex-init'); s.value = 'lesson'; \
         s.dispatchEvent(new Event('change')); })()",
    );
    let third = p.eval(state);
    assert!(
        third[1]
            .as_str()
            .unwrap()
            .starts_with("lesson at learning rate"),
        "{w} px: picking the init did not select it: {third}"
    );
    assert_ne!(third[4], second[4], "{w} px: boundary not redrawn");
    assert!(
        p.eval_bool(&format!("document.documentElement.scrollWidth <= {w}")),
        "{w} px: overflow after using the explorer"
    );
}

#[test]
fn report_works_in_headless_chromium_at_phone_and_laptop_width() {
    let Some(chromium) = find_chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "Chromium not found (looked at $XORSWEEP_CHROMIUM, /usr/bin/chromium and PATH); \
                 CI must install it: apt-get install -y chromium"
            );
        }
        eprintln!(
            "\n\n************************************************************\n\
             SKIPPED report_browser: no Chromium (set $XORSWEEP_CHROMIUM or\n\
             apt-get install -y chromium). With $CI set this is a failure.\n\
             ************************************************************\n"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    common::xorsweep()
        .args(["sweep", "--lr", "0.5..8:4:log", "--init", "uniform:1"])
        .args(["--init", "lesson", "--seeds", "16", "--epochs", "300"])
        .args(["--quiet", "--out"])
        .arg(&out)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let report = out.join("report.html");
    let html = fs::read_to_string(&report).unwrap();
    // Nothing is fetched: every source is a data URI, and no stylesheet or script is linked.
    for attr in ["src=\"", "href=\"http", "url("] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            assert!(
                attr != "src=\"" || rest.starts_with("data:"),
                "external source in report.html: {}",
                &html[i..(i + 80).min(html.len())]
            );
            assert!(attr == "src=\"", "external reference in report.html");
        }
    }
    assert!(!html.contains("<link"), "report.html links a file");

    let mut browser = Browser::start(&chromium);
    let url = format!("file://{}", report.display());
    let shots = std::env::var_os("XORSWEEP_SCREENSHOTS").map(PathBuf::from);
    for width in [420, 1300] {
        let mut page = Page::open(&mut browser, &url, width, true);
        if let Some(d) = &shots {
            page.screenshots(&d.join("before"));
        }
        check_page(&mut page);
        if let Some(d) = &shots {
            // After the checks: sorted, filtered, the explorer on another cell.
            page.screenshots(&d.join("after"));
        }
    }
    // With scripts off the static report is all there: every row, every chart, and a word
    // that the explorer needs a script instead of its empty controls.
    let mut page = Page::open(&mut browser, &url, 420, false);
    let rows = html.matches("<tr><td class=\"n\" data-v=").count();
    let seen = page.eval(
        "[document.documentElement.classList.contains('js'), \
         document.querySelectorAll('#cells tbody tr').length, \
         Array.from(document.images).filter(i => i.naturalWidth > 0).length, \
         document.querySelector('.no-js').offsetParent !== null, \
         document.getElementById('explorer').offsetParent === null, \
         document.documentElement.scrollWidth]",
    );
    assert_eq!(
        seen,
        json!([false, rows, CHARTS, true, true, seen[5]]),
        "without scripts"
    );
    assert!(seen[5].as_u64().unwrap() <= 420, "without scripts: {seen}");
    drop(page);
    assert!(
        browser.errors.is_empty(),
        "script errors: {:?}",
        browser.errors
    );
}
