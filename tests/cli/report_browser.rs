//! report.html in a real browser: a tiny sweep's page opened in headless Chromium at a phone's
//! width (420 px) and a laptop's (1300 px), driven over the DevTools protocol (a websocket to
//! the browser Chromium starts with `--remote-debugging-port=0`, whose port it writes to
//! `DevToolsActivePort` in its profile folder). Asserts what a reader would notice: no
//! sideways scrolling of the page, every text of every chart (the SVG Rust draws for the page,
//! and the explorer's panels) at least 11 px at both widths and inside its chart, the charts
//! shown unscaled and none drawn by the script, a readout on pointing, every PNG
//! decoded and opening full size, the cell table in its own box (sticky header and first
//! column, a column chooser, sorting, a filter that matches numbers by rounding), the explorer
//! redrawing, its nets retrained in the page agreeing with xorsweep's, the slider and play
//! moving them, the selection kept in the address, a working replay command, and no script
//! error.
//!
//! Chromium is looked for at $XORSWEEP_CHROMIUM, /usr/bin/chromium, then `chromium` on PATH.
//! Without it the test fails when $CI is set, and otherwise passes with a loud notice. Every
//! wait has a deadline, and the browser is killed when the test ends, however it ends.
//! Run it alone with `cargo test --test report_browser`; set $XORSWEEP_SCREENSHOTS to a folder
//! to keep full-page screenshots of both widths.

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

/// Chromium for a browser test named `test`, or None after saying loudly that the test is
/// skipped; under CI (with $CI set) a missing Chromium fails the test instead.
pub(crate) fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "Chromium not found (looked at $XORSWEEP_CHROMIUM, /usr/bin/chromium and PATH); \
                 CI must install it: apt-get install -y chromium"
            );
        }
        eprintln!(
            "\n\n************************************************************\n\
             SKIPPED {test}: no Chromium (set $XORSWEEP_CHROMIUM or\n\
             apt-get install -y chromium). With $CI set this is a failure.\n\
             ************************************************************\n"
        );
    }
    found
}

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
pub(crate) struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Script errors the page reported (Runtime.exceptionThrown).
    pub(crate) errors: Vec<String>,
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
    pub(crate) fn start(exe: &Path) -> Browser {
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
pub(crate) struct Page<'a> {
    b: &'a mut Browser,
    session: String,
    pub(crate) width: u32,
}

impl Page<'_> {
    pub(crate) fn open<'a>(b: &'a mut Browser, url: &str, width: u32, script: bool) -> Page<'a> {
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
            if Instant::now() >= deadline {
                let state = p.eval(
                    "location.href + ' ' + document.readyState + ': ' + performance.getEntriesByType('resource').map(e => e.name + ' ' + Math.round(e.duration) + ' ms').join(', ')",
                );
                panic!("{width} px: the page did not load in {STEP:?}: {state}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        p
    }

    pub(crate) fn cmd(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.b.call(Some(&s), method, params)
    }

    /// The value of a JavaScript expression (made JSON-able by the page).
    pub(crate) fn eval(&mut self, expr: &str) -> Value {
        let r = self.cmd(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{} px: {expr}: {e}", self.width);
        }
        r["result"]["value"].clone()
    }

    pub(crate) fn eval_bool(&mut self, expr: &str) -> bool {
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

    // Charts at this width: every chart is in the page as the SVG Rust drew (the same drawing as
    // its PNG), and so are the explorer's panels; every text of every one of them is at least
    // 11 CSS px (its font size × the scale its view box is drawn at) and lies inside its
    // picture; the page's charts are shown at their own size (never scaled); the PNGs are out
    // of the way (one tap away in the overlay).
    let charts = p.eval(
        "(() => { const svgs = Array.from(document.querySelectorAll('figure[data-chart] svg.chart, #explorer svg')); \
         const texts = []; const out = []; const scales = []; let wide = 0; \
         svgs.forEach(svg => { \
           const r = svg.getBoundingClientRect(); const k = r.width / svg.viewBox.baseVal.width; \
           if (svg.classList.contains('chart')) scales.push(Math.round(k * 1000) / 1000); \
           wide = Math.max(wide, r.right); \
           svg.querySelectorAll('text').forEach(t => { if (!t.textContent.trim()) return; \
             texts.push(parseFloat(getComputedStyle(t).fontSize) * k); \
             const b = t.getBoundingClientRect(); \
             if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1) \
               out.push((svg.id || svg.getAttribute('aria-label')) + ': ' + t.textContent); }); }); \
         const small = texts.indexOf(Math.min(...texts)); \
         return [document.querySelectorAll('figure[data-chart] svg.chart').length, svgs.length, texts.length, \
           Math.min(...texts), out, wide, scales.filter(k => k !== 1), \
           Array.from(document.images).filter(i => i.offsetParent !== null).length]; })()",
    );
    assert_eq!(charts[0], CHARTS, "{w} px: {charts}");
    assert_eq!(charts[1], CHARTS + 3, "{w} px: {charts}");
    assert!(charts[2].as_u64().unwrap() > 100, "{w} px: {charts}");
    let smallest = charts[3].as_f64().unwrap();
    println!("{w} px: smallest chart text {smallest:.2} px");
    assert!(
        smallest >= 11.0,
        "{w} px: chart text drawn at {smallest:.1} px (want at least 11): {charts}"
    );
    assert_eq!(
        charts[4],
        json!([]),
        "{w} px: text outside its chart: {charts}"
    );
    assert!(
        charts[5].as_f64().unwrap() <= f64::from(w),
        "{w} px: a chart sticks out: {charts}"
    );
    assert_eq!(charts[6], json!([]), "{w} px: a chart is scaled: {charts}");
    assert_eq!(charts[7], 0, "{w} px: a PNG is shown shrunk: {charts}");
    // Pointing at a chart's dot reads its values out (written by Rust on the dot's mark).
    let read = p.eval(
        "(() => { const svg = document.querySelector('figure[data-chart=solved_by_lr] svg.chart'); \
         const c = svg.querySelector('.hits circle'); const r = c.getBoundingClientRect(); \
         svg.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 })); \
         return [svg.closest('figure').querySelector('.readout').textContent, c.getAttribute('data-say')]; })()",
    );
    let said = read[0].as_str().unwrap();
    assert!(
        said.contains("learning rate") && said.contains("solved") && read[0] == read[1],
        "{w} px: readout {read}"
    );
    // No chart is drawn by the script: the page's only SVG charts are Rust's.
    assert!(
        p.eval_bool("document.querySelectorAll('figure[data-chart] svg').length === document.querySelectorAll('figure[data-chart] svg.chart').length"),
        "{w} px: a chart drawn in the page"
    );

    // The every-cell table: its own box; at 1300 px its default columns fit; the header stays
    // on top and the first column at the left while the box scrolls.
    let fit = p.eval(
        "(() => { const box = document.querySelector('.scroll.cells'); const t = document.getElementById('cells'); \
         return [t.scrollWidth, box.clientWidth, parseFloat(getComputedStyle(box).maxHeight), window.innerHeight]; })()",
    );
    if w >= 1300 {
        assert!(
            fit[0].as_u64().unwrap() <= fit[1].as_u64().unwrap(),
            "{w} px: the default columns do not fit: {fit}"
        );
    }
    assert!(
        fit[2].as_f64().unwrap() <= fit[3].as_f64().unwrap() * 0.8,
        "{w} px: the table's box is not capped: {fit}"
    );
    // (The tiny sweep's table is shorter than the cap: the box is made 200 px high to scroll it.)
    let sticky = p.eval(
        "(() => { const box = document.querySelector('.scroll.cells'); box.style.maxHeight = '200px'; box.scrollTop = 100; box.scrollLeft = 300; \
         const b = box.getBoundingClientRect(); const th = document.querySelector('#cells thead th:nth-child(2)'); \
         const first = Array.from(document.querySelectorAll('#cells tbody th')).find(x => { const r = x.getBoundingClientRect(); return r.top > b.top + 40; }); \
         const r = [Math.round(th.getBoundingClientRect().top - b.top), Math.round(first.getBoundingClientRect().left - b.left), box.scrollTop, box.scrollLeft]; \
         box.scrollTop = 0; box.scrollLeft = 0; box.style.maxHeight = ''; return r; })()",
    );
    assert!(
        sticky[0].as_i64().unwrap().abs() <= 2 && sticky[1].as_i64().unwrap().abs() <= 2,
        "{w} px: header or first column did not stay (offsets from the box, scroll): {sticky}"
    );
    assert!(
        sticky[2].as_u64().unwrap() > 0 && (w >= 1300 || sticky[3].as_u64().unwrap() > 0),
        "{w} px: the box did not scroll: {sticky}"
    );
    // The column chooser shows a hidden column and hides it again.
    let best = "getComputedStyle(Array.from(document.querySelectorAll('#cells thead th')).find(t => t.textContent.startsWith('best final loss'))).display";
    assert_eq!(p.eval(best), "none", "{w} px");
    let toggle = "(() => { const b = Array.from(document.querySelectorAll('#cell-columns input')).find(i => i.parentNode.textContent.trim() === 'best final loss'); b.click(); })()";
    p.eval(toggle);
    assert_ne!(
        p.eval(best),
        "none",
        "{w} px: the chooser did not show the column"
    );
    p.eval(toggle);
    assert_eq!(
        p.eval(best),
        "none",
        "{w} px: the chooser did not hide the column"
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
    let before = column(p, 2);
    p.eval("document.querySelectorAll('#cells thead th')[1].querySelector('button').click()");
    let lrs: Vec<f64> = column(p, 1).iter().map(|s| s.parse().unwrap()).collect();
    assert!(
        lrs.windows(2).all(|x| x[0] <= x[1]),
        "{w} px: not ascending: {lrs:?}"
    );
    assert_ne!(column(p, 2), before, "{w} px: sorting moved no row");
    p.eval("document.querySelectorAll('#cells thead th')[1].querySelector('button').click()");
    let lrs: Vec<f64> = column(p, 1).iter().map(|s| s.parse().unwrap()).collect();
    assert!(
        lrs.windows(2).all(|x| x[0] >= x[1]),
        "{w} px: not descending: {lrs:?}"
    );

    // The filter hides the rows that do not match: words, and numbers by rounding.
    let shown = "Array.from(document.querySelectorAll('#cells tbody tr')).filter(r => r.offsetParent !== null).map(r => [r.cells[0].textContent, r.cells[1].getAttribute('data-v')])";
    let set_filter = |p: &mut Page, f: &str| {
        p.eval(&format!(
            "(() => {{ const f = document.getElementById('cell-filter'); f.value = '{f}'; \
             f.dispatchEvent(new Event('input')); }})()"
        ));
    };
    let all = p.eval(shown).as_array().unwrap().len();
    set_filter(p, "lesson");
    let left = p.eval(shown);
    let left = left.as_array().unwrap();
    assert!(
        !left.is_empty() && left.len() < all,
        "{w} px: filter 'lesson' left {} of {all} rows",
        left.len()
    );
    assert!(left.iter().all(|t| t[0] == "lesson"), "{w} px: {left:?}");
    let count = p.eval("document.getElementById('cell-count').textContent");
    assert_eq!(count, format!("{} of {all} cells shown", left.len()));
    // 1.26 is the learning rate 2^(1/3) = 1.2599… rounded: it finds those rows and no other.
    set_filter(p, "uniform:1 1.26");
    let left = p.eval(shown);
    let left = left.as_array().unwrap();
    assert!(!left.is_empty(), "{w} px: '1.26' found nothing");
    for r in left {
        let lr: f64 = r[1].as_str().unwrap().parse().unwrap();
        assert!(
            r[0] == "uniform:1" && (lr - 1.26).abs() <= 0.005,
            "{w} px: '1.26' found {r}"
        );
    }
    set_filter(p, "");

    // The explorer redraws its charts when another cell is picked, by the grid or the menus.
    let state = "(() => [document.getElementById('explorer').getAttribute('data-cell'), \
         document.getElementById('ex-title').textContent, \
         document.querySelector('#ex-loss path.median').getAttribute('d'), \
         document.querySelector('#ex-solved path.cdf').getAttribute('d'), \
         document.getElementById('w-boundary').toDataURL(), location.hash])()";
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
    // The selection is in the address.
    let hash = second[5].as_str().unwrap();
    assert!(
        hash.starts_with(&format!(
            "#cell={}&net=first&epoch=",
            other.as_str().unwrap()
        )),
        "{w} px: address {hash:?}"
    );
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

    // Watch a net learn: the slider moves the outputs and the boundary; play advances.
    let watch = "(() => [document.getElementById('w-epoch').value, document.getElementById('w-state').textContent, \
         Array.from(document.querySelectorAll('#w-out tbody td:nth-child(3)')).map(t => t.textContent).join(' '), \
         document.getElementById('w-boundary').toDataURL()])()";
    let end = p.eval(watch);
    p.eval(
        "(() => { const s = document.getElementById('w-epoch'); s.value = 0; s.dispatchEvent(new Event('input')); })()",
    );
    let start = p.eval(watch);
    assert_eq!(start[0], "0", "{w} px: {start}");
    assert!(
        start[1].as_str().unwrap().starts_with("Epoch 0: loss"),
        "{w} px: {start}"
    );
    for (k, what) in [(2, "outputs"), (3, "decision boundary")] {
        assert_ne!(
            start[k], end[k],
            "{w} px: the {what} did not move with the slider"
        );
    }
    p.eval("document.getElementById('w-play').click()");
    let deadline = Instant::now() + STEP;
    while p.eval("document.getElementById('w-epoch').value") == "0" {
        assert!(Instant::now() < deadline, "{w} px: play did not advance");
        std::thread::sleep(Duration::from_millis(20));
    }
    p.eval("document.getElementById('w-play').click()");
    assert!(
        p.eval_bool(&format!("document.documentElement.scrollWidth <= {w}")),
        "{w} px: overflow after using the explorer"
    );
}

/// Every example net retrained in the page ends where xorsweep's trainer did. JavaScript and
/// Rust both compute in f64, and the page follows src/train/reference.rs operation by operation,
/// so only exp(), tanh() and ln() may differ: the lanes' by up to 4 ulp (lane.rs), which over a
/// run of a few hundred epochs grows to about 3e-8 at most in a well-conditioned net (`strict`:
/// the lesson's weights at a modest learning rate), held to 1e-7 in every weight and in its solved
/// epoch (the oracle tests' relative tolerance). A chaotic net (large steps) may amplify a
/// last-bit difference, so of all the nets at least 85% must agree to 1e-7 (measured: 94 of 96 and 7 of 8 in the sweeps below; a
/// diverged net agrees when both trainers end with non-finite weights). Returns the strictly checked nets and their deviation.
fn check_retraining(p: &mut Page, strict: impl Fn(&str, f64) -> bool) -> Vec<(u64, f64)> {
    let r = p.eval(
        "(() => { const d = JSON.parse(document.getElementById('xs-data').textContent); const out = []; \
         d.cells.forEach(c => c.ex.forEach(e => { const r = window.xorsweepRetrain(c.id, e.role); \
           const dev = Math.max(...r.got.map((g, k) => r.want[k] === null ? (isFinite(g) ? Infinity : 0) : Math.abs(g - r.want[k]))); \
           out.push([c.id, e.role, c.init, dev, r.solved, r.wantSolved, c.lr]); })); return out; })()",
    );
    let rows = r.as_array().unwrap();
    assert!(!rows.is_empty());
    let mut checked = Vec::new();
    for row in rows {
        let dev = row[3].as_f64().unwrap_or(f64::INFINITY);
        if strict(row[2].as_str().unwrap(), row[6].as_f64().unwrap()) {
            assert!(dev <= 1e-7, "net {row}: weights differ by {dev:e}");
            assert_eq!(row[4], row[5], "net {row}: solved epoch");
            checked.push((row[0].as_u64().unwrap(), dev));
        }
    }
    let close = rows
        .iter()
        .filter(|r| r[3].as_f64().is_some_and(|d| d <= 1e-7))
        .count();
    assert!(
        close * 100 >= rows.len() * 85,
        "only {close} of {} nets agree to 1e-7",
        rows.len()
    );
    if std::env::var_os("XORSWEEP_RETRAIN_DETAIL").is_some() {
        for r in rows {
            eprintln!("{r}");
        }
    }
    let devs: Vec<f64> = rows
        .iter()
        .map(|r| r[3].as_f64().unwrap_or(f64::INFINITY))
        .collect();
    eprintln!(
        "retrained {} nets in the page: {} bit-identical to examples.csv, largest deviation {:e}, {} with another solved epoch",
        devs.len(),
        devs.iter().filter(|d| **d == 0.0).count(),
        devs.iter().copied().fold(0.0, f64::max),
        rows.iter().filter(|r| r[4] != r[5]).count()
    );
    checked
}

/// The one number writer the page keeps (trainer.js's `fmt`, for the numbers a net computes as
/// it trains in the page) spells numbers as src/format.rs's `significant` does, at 3 and 4
/// digits across the range where the two languages switch to exponents differently. Excluded:
/// values exactly halfway between two 3- or 4-digit decimals (Rust rounds those to even,
/// JavaScript up), which no measured loss lands on. Every other number on the page is written
/// by format.rs itself.
fn check_formats_match_format_rs(p: &mut Page) {
    use xorsweep::format;
    let values = [
        0.0888,
        0.000978,
        1.2e-5,
        8.788484346448943,
        13.520496761025612,
        123456.7,
        2e6,
        2.5e7,
        -0.25,
        0.07692166378204152,
        1e-7,
        3.999999999999999,
        0.16666666,
        0.5,
        32.0,
        1e-3,
        999999.0,
        0.0009999,
        -1e-9,
        0.0,
    ];
    let got = p.eval(&format!(
        "(() => {{ const f = window.xorsweepFormat; return [{v}.map(x => f.significant(x, 3)), {v}.map(x => f.significant(x, 4))]; }})()",
        v = json!(values),
    ));
    let want = json!([
        values
            .iter()
            .map(|&x| format::significant(x, 3))
            .collect::<Vec<_>>(),
        values.iter().map(|&x| format::value(x)).collect::<Vec<_>>(),
    ]);
    assert_eq!(
        got, want,
        "trainer.js and format.rs spell numbers differently"
    );
}

#[test]
fn report_works_in_headless_chromium_at_phone_and_laptop_width() {
    let Some(chromium) = chromium_or_skip("report_browser") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    crate::common::xorsweep()
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
    // The page's trainer agrees with xorsweep's; the replay command it offers works; a link with
    // the selection in its address opens on that selection; the footer names the version.
    let mut page = Page::open(&mut browser, &url, 1300, true);
    let checked = check_retraining(&mut page, |init, _| init == "lesson");
    assert!(checked.len() >= 4, "{checked:?}");
    let chosen = page.eval(
        "(() => { const b = document.querySelector('#w-nets button[data-role=first_solved]:not([disabled])') || document.querySelector('#w-nets button[data-role=first_failed]:not([disabled])');          if (b) b.click(); return [location.hash, document.getElementById('ex-title').textContent, document.getElementById('w-replay').textContent,          document.getElementById('w-check').getAttribute('data-dev'), document.querySelector('footer').textContent, !!b]; })()",
    );
    assert_eq!(
        chosen[5], true,
        "no cell's first solving or failing net to step to"
    );
    let hash = chosen[0].as_str().unwrap();
    assert!(
        hash.contains("&net=first_solved&") || hash.contains("&net=first_failed&"),
        "{hash}"
    );
    let replay = chosen[2].as_str().unwrap();
    let args: Vec<&str> = replay.split(' ').collect();
    assert_eq!(&args[..3], ["xorsweep", "replay", "runs.csv"], "{replay}");
    crate::common::xorsweep()
        .current_dir(&out)
        .args(&args[1..])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    let footer = chosen[4].as_str().unwrap();
    assert!(
        footer.contains(env!("CARGO_PKG_VERSION"))
            && footer.contains("xorsweep sweep ")
            && footer.contains(" --lr 0.5..8:4:log "),
        "{footer}"
    );
    drop(page);
    let mut page = Page::open(&mut browser, &format!("{url}{hash}"), 420, true);
    let again = page.eval(
        "[location.hash, document.getElementById('ex-title').textContent, document.getElementById('w-replay').textContent]",
    );
    assert_eq!(
        again,
        json!([hash, chosen[1], chosen[2]]),
        "a link with the selection"
    );
    check_formats_match_format_rs(&mut page);
    drop(page);

    // Every trainer option: the lesson's net under each combination of hidden activation,
    // loss, batch, momentum and weight decay, and with a rate per layer, retrained in the page.
    let options = dir.path().join("options");
    crate::common::xorsweep()
        .args(["sweep", "--init", "lesson", "--lr", "0.5,2", "--activation"])
        .args([
            "sigmoid,tanh,relu",
            "--loss",
            "mse,bce",
            "--batch",
            "full,online",
        ])
        .args([
            "--momentum",
            "0,0.5",
            "--weight-decay",
            "0,0.001",
            "--epochs",
            "300",
        ])
        .args(["--quiet", "--out"])
        .arg(&options)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let linear = dir.path().join("linear");
    crate::common::xorsweep()
        .args([
            "sweep",
            "--init",
            "lesson",
            "--lr-hidden",
            "0.5,2",
            "--lr-out",
            "0.1,0.5",
        ])
        .args([
            "--output",
            "linear",
            "--activation",
            "tanh,identity",
            "--epochs",
            "300",
        ])
        .args(["--quiet", "--out"])
        .arg(&linear)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    for folder in [&options, &linear] {
        let url = format!("file://{}", folder.join("report.html").display());
        let mut page = Page::open(&mut browser, &url, 1300, true);
        let checked = check_retraining(&mut page, |init, lr| {
            init.starts_with("lesson") && lr <= 0.5
        });
        assert!(checked.len() >= 4, "{}: {checked:?}", folder.display());
        // Cells that differ only in their trainer are told apart in the grid and the table.
        let names = page.eval(
            "(() => { const rows = Array.from(document.querySelectorAll('#ex-grid tbody th')).map(t => t.textContent);              return [rows.length, new Set(rows).size, document.querySelectorAll('#ex-grid button').length,              JSON.parse(document.getElementById('xs-data').textContent).cells.length]; })()",
        );
        assert_eq!(names[0], names[1], "{names}");
        assert_eq!(names[2], names[3], "every cell has its button: {names}");
        drop(page);
    }

    check_option_grid(&mut browser, dir.path());

    // With scripts off the static report is all there: every row, every chart, and a word
    // that the explorer needs a script instead of its empty controls.
    let mut page = Page::open(&mut browser, &url, 420, false);
    let rows = html.matches("<tr><th scope=\"row\">").count();
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

/// A sweep over trainer options with random inits, as a user runs it to learn what matters:
/// its page names settings as settings, says what matters, keeps every chart's text inside its
/// chart at both widths, keeps the init and the learning rate in view in the cell table, and
/// its parallel coordinates filter the cell table by dragging along an axis (and clear on a tap).
fn check_option_grid(browser: &mut Browser, dir: &Path) {
    let grid = dir.join("grid");
    crate::common::xorsweep()
        .args(["sweep", "--init", "uniform:1", "--lr", "0.5,4,32"])
        .args(["--momentum", "0,0.9", "--activation", "sigmoid,tanh"])
        .args(["--seeds", "24", "--epochs", "300", "--quiet", "--out"])
        .arg(&grid)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let html = fs::read_to_string(grid.join("report.html")).unwrap();
    assert!(
        html.contains("1 init × 4 trainer settings"),
        "the grid is named"
    );
    assert!(html.contains("init × trainer setting × learning rate"));
    assert!(html.contains("What changes the best achievable share most"));
    assert!(
        !html.contains("init schemes"),
        "settings called init schemes"
    );
    let url = format!("file://{}", grid.join("report.html").display());
    for width in [420, 1300] {
        let mut p = Page::open(browser, &url, width, true);
        let out = p.eval(
            "(() => { const out = []; document.querySelectorAll('figure[data-chart] svg.chart').forEach(svg => { \
               const r = svg.getBoundingClientRect(); svg.querySelectorAll('text').forEach(t => { \
                 if (!t.textContent.trim()) return; const b = t.getBoundingClientRect(); \
                 if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1) \
                   out.push(svg.getAttribute('aria-label') + ': ' + t.textContent); }); }); \
               const lr = document.querySelector('#cells tbody td:nth-child(2)'); \
               return [out, document.querySelectorAll('figure[data-chart=parallel_coordinates]').length, \
                 getComputedStyle(lr).position]; })()",
        );
        assert_eq!(out, json!([[], 1, "sticky"]), "{width} px");
    }
    let mut p = Page::open(browser, &url, 1300, true);
    // Drag along the solved axis over its top half: only cells solving at least about half stay.
    let brushed = p.eval(
        "(() => { const svg = document.querySelector('figure[data-chart=parallel_coordinates] svg.chart'); \
           const grabs = svg.querySelectorAll('.pc-grab'); const g = grabs[grabs.length - 1]; \
           const r = g.getBoundingClientRect(); const x = r.left + r.width / 2; \
           const fire = (type, y) => g.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, pointerId: 7, bubbles: true })); \
           const rows = () => Array.from(document.querySelectorAll('#cells tbody tr')).filter(t => !t.hidden).length; \
           const all = rows(); fire('pointerdown', r.top + 1); fire('pointermove', r.top + r.height / 2); \
           fire('pointerup', r.top + r.height / 2); const kept = rows(); \
           const shares = Array.from(document.querySelectorAll('#cells tbody tr')).filter(t => !t.hidden) \
             .map(t => Number(t.cells[7].getAttribute('data-v'))); \
           const g2 = svg.querySelectorAll('.pc-grab'); const h = g2[g2.length - 1]; \
           h.dispatchEvent(new PointerEvent('pointerdown', { clientX: x, clientY: r.top + 5, pointerId: 7, bubbles: true })); \
           h.dispatchEvent(new PointerEvent('pointerup', { clientX: x, clientY: r.top + 5, pointerId: 7, bubbles: true })); \
           return [all, kept, Math.min(...shares), rows(), document.getElementById('cell-count').textContent]; })()",
    );
    let (all, kept) = (brushed[0].as_u64().unwrap(), brushed[1].as_u64().unwrap());
    assert!(
        kept > 0 && kept < all,
        "brushing kept {kept} of {all}: {brushed}"
    );
    assert!(
        brushed[2].as_f64().unwrap() >= 0.4,
        "a brushed-out cell stayed: {brushed}"
    );
    assert_eq!(brushed[3].as_u64().unwrap(), all, "a tap clears: {brushed}");
}

/// What the explorer retrains from (no browser needed): examples.csv holds, per cell, its first
/// net, its first net that solved and its first that did not (when those are other nets), each
/// with the initial and final weights runs.csv has for that run.
#[test]
fn examples_csv_holds_each_cell_s_first_solving_and_failing_nets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    crate::common::xorsweep()
        .args([
            "sweep",
            "--lr",
            "2,8",
            "--init",
            "uniform:1",
            "--init",
            "lesson",
        ])
        // Master seed 2: a cell whose first net solves and later one does not, and one the
        // other way round.
        .args([
            "--seeds", "16", "--epochs", "1000", "--seed", "2", "--quiet", "--out",
        ])
        .arg(&out)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let read = |name: &str| -> Vec<std::collections::HashMap<String, String>> {
        let mut r = csv::Reader::from_path(out.join(name)).unwrap();
        let header = r.headers().unwrap().clone();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                header
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    };
    let runs = read("runs.csv");
    let examples = read("examples.csv");
    let weights = [
        "w11", "w12", "b1", "w21", "w22", "b2", "v1", "v2", "c", "w11_init", "w12_init", "b1_init",
        "w21_init", "w22_init", "b2_init", "v1_init", "v2_init", "c_init",
    ];
    let mut roles = std::collections::HashSet::new();
    let mut cells: Vec<&String> = examples.iter().map(|e| &e["cell"]).collect();
    cells.dedup();
    assert_eq!(cells.len(), 4, "{examples:?}");
    for cell in cells {
        let in_cell: Vec<_> = examples.iter().filter(|e| e["cell"] == *cell).collect();
        let first = in_cell[0];
        assert_eq!(first["role"], "first", "{first:?}");
        // The cell's runs, in order: from the first net's run, as many as the cell has.
        let start: u64 = first["run"].parse().unwrap();
        let label = &runs.iter().find(|r| r["run"] == first["run"]).unwrap()["label"];
        let cell_runs: Vec<_> = runs.iter().filter(|r| &r["label"] == label).collect();
        assert_eq!(cell_runs[0]["run"], start.to_string());
        let solved = cell_runs.iter().find(|r| !r["solved_epoch"].is_empty());
        let failed = cell_runs.iter().find(|r| r["solved_epoch"].is_empty());
        for (role, want) in [("first_solved", solved), ("first_failed", failed)] {
            let got = in_cell.iter().find(|e| e["role"] == role);
            match want.filter(|w| w["run"] != first["run"]) {
                Some(w) => {
                    let g = got.unwrap_or_else(|| panic!("cell {cell}: no {role} row"));
                    assert_eq!(g["run"], w["run"], "cell {cell} {role}");
                    roles.insert(role);
                }
                None => assert!(got.is_none(), "cell {cell}: {role} row {got:?}"),
            }
        }
        for e in &in_cell {
            let r = runs.iter().find(|r| r["run"] == e["run"]).unwrap();
            for w in weights {
                assert_eq!(e[w], r[w], "cell {cell} run {} column {w}", e["run"]);
            }
        }
    }
    assert_eq!(
        roles.len(),
        2,
        "the sweep had no cell with both kinds of net: {roles:?}"
    );
}
