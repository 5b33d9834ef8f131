//! `xorsweep serve`'s page in a real browser: headless Chromium (driven as in report_browser.rs)
//! opens the page at a phone's width (420 px) and a laptop's (1300 px), waits for the first
//! view's tiles, checks that the page decoded a tile into the same numbers the server sends
//! (and the server's are `xorsweep map`'s: serve.rs), pans by dragging, zooms with the wheel,
//! clicks a pixel and sees its net replayed, with every text at least 11 px, no sideways
//! scrolling and no script error; then chooses another map in the page's form (its tiles, a
//! net drawn from its run in the map's f32 lanes, the hash, a reload, a refused choice, the
//! view's chaos note). Every wait polls the page's own state against a deadline.
//!
//! Without Chromium the test fails when $CI is set, and otherwise passes with a loud notice.
//! Set $XORSWEEP_SCREENSHOTS to a folder to keep a screenshot of each width.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::report_browser::{Browser, Page, chromium_or_skip};
use crate::serve::Server;

/// The longest the page may take to show its tiles (a debug build, a busy machine).
const TILES: Duration = Duration::from_secs(120);

fn wait(p: &mut Page, expr: &str, what: &str) {
    let deadline = Instant::now() + TILES;
    while !p.eval_bool(expr) {
        assert!(Instant::now() < deadline, "{what}: not within {TILES:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn all_tiles(p: &mut Page, what: &str) {
    wait(
        p,
        "(function(){var l = window.xorsweepServe && xorsweepServe.loaded && xorsweepServe.loaded(); return !!l && l.visible > 0 && l.fine === l.visible;})()",
        what,
    );
}

fn mouse(p: &mut Page, kind: &str, x: f64, y: f64, extra: Value) {
    let mut params = json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 });
    if kind == "mouseMoved" {
        params["buttons"] = json!(1);
    }
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    p.cmd("Input.dispatchMouseEvent", params);
}

/// Where the map's canvas is: its left, top, width, height.
fn canvas(p: &mut Page) -> (f64, f64, f64, f64) {
    let r = p.eval("(function(){var r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top, r.width, r.height];})()");
    let f = |k: usize| r[k].as_f64().unwrap();
    (f(0), f(1), f(2), f(3))
}

fn check_width(p: &mut Page, server: &Server) {
    let w = p.width;
    all_tiles(p, &format!("{w} px: the first view's tiles"));
    let first = p.eval("xorsweepServe.firstView()").as_f64().unwrap();
    eprintln!("serve page at {w} px: first view complete {first:.2} s after the script started");
    // The page's decoded tile is the server's bytes.
    let view = p.eval("xorsweepServe.view()");
    let level = view["level"].as_u64().unwrap();
    let got = p.eval(&format!("xorsweepServe.tile({level}, 0, 0, 256)"));
    assert!(
        !got.is_null(),
        "{w} px: tile {level}/0/0 at 256² is in view"
    );
    let sent = server.get(&format!("/tile?z={level}&tx=0&ty=0&n=256"));
    assert_eq!(sent.status, 200);
    let n2 = 256 * 256;
    let fl = got["fl"].as_array().unwrap();
    assert_eq!(fl.len(), n2);
    for (k, v) in fl.iter().enumerate() {
        let want = f32::from_le_bytes(sent.body[4 * k..4 * k + 4].try_into().unwrap());
        let v = v.as_f64().map_or(f32::NAN, |x| x as f32);
        let same = v.to_bits() == want.to_bits() || (v.is_nan() && want.is_nan());
        assert!(
            same,
            "{w} px: pixel {k}: the page has {v}, the server sent {want}"
        );
    }
    // Legible and no sideways scrolling.
    assert!(
        p.eval_bool("document.documentElement.scrollWidth <= window.innerWidth"),
        "{w} px: scrolls sideways"
    );
    let small = p.eval("Array.from(document.querySelectorAll('body *')).filter(function(e){return e.childNodes.length && Array.from(e.childNodes).some(function(n){return n.nodeType === 3 && n.textContent.trim();}) && parseFloat(getComputedStyle(e).fontSize) < 11;}).map(function(e){return e.tagName + ' ' + e.textContent.slice(0, 30);})");
    assert_eq!(small, json!([]), "{w} px: texts under 11 px");
    assert!(
        p.eval_bool("/12px/.test(document.getElementById('map').getContext('2d').font)"),
        "{w} px: canvas font"
    );

    // Drag 120 px to the left: the centre moves right by 120 px of the map.
    let (left, top, cw, ch) = canvas(p);
    let (cx, cy) = (left + cw / 2.0, top + ch / 2.0);
    let before = p.eval("xorsweepServe.view()");
    mouse(p, "mousePressed", cx, cy, json!({}));
    mouse(p, "mouseMoved", cx - 60.0, cy, json!({}));
    mouse(p, "mouseMoved", cx - 120.0, cy, json!({}));
    mouse(p, "mouseReleased", cx - 120.0, cy, json!({}));
    let after = p.eval("xorsweepServe.view()");
    let ppw = 256.0 * 2f64.powf(before["z"].as_f64().unwrap());
    let moved = after["x"].as_f64().unwrap() - before["x"].as_f64().unwrap();
    assert!(
        (moved - 120.0 / ppw).abs() < 1e-9,
        "{w} px: drag moved the view {moved}, not {}",
        120.0 / ppw
    );
    assert!(
        p.eval_bool("/z=/.test(location.hash)"),
        "{w} px: the hash holds the view"
    );
    // The wheel zooms in around the pointer: 400 units up is one level deeper.
    mouse(
        p,
        "mouseWheel",
        cx,
        cy,
        json!({ "deltaX": 0, "deltaY": -400, "button": "none" }),
    );
    let zoomed = p.eval("xorsweepServe.view()");
    let dz = zoomed["z"].as_f64().unwrap() - after["z"].as_f64().unwrap();
    assert!((dz - 1.0).abs() < 1e-9, "{w} px: wheel zoomed by {dz}");
    all_tiles(p, &format!("{w} px: the zoomed view's tiles"));

    // A click opens the net under it and replays it.
    mouse(p, "mousePressed", cx + 10.0, cy + 10.0, json!({}));
    mouse(p, "mouseReleased", cx + 10.0, cy + 10.0, json!({}));
    wait(
        p,
        "!!xorsweepServe.lastNet",
        &format!("{w} px: the clicked net"),
    );
    let net = p.eval("xorsweepServe.lastNet");
    assert_eq!(net["replay"]["source"], "page", "{w} px: an f64 map's net");
    let text = p.eval("document.getElementById('net-outcome').textContent");
    assert!(
        text.as_str().unwrap().contains("Replayed here"),
        "{w} px: {text}"
    );
    let cmd = p.eval("document.getElementById('net-command').textContent");
    assert!(
        cmd.as_str().unwrap().starts_with("xorsweep map --epochs"),
        "{w} px: {cmd}"
    );
    let view_cmd = p.eval("document.getElementById('view-command').textContent");
    assert!(
        view_cmd.as_str().unwrap().contains("--zoom"),
        "{w} px: {view_cmd}"
    );
}

/// The map chosen in the page's form: its tiles are the server's for that choice, the hash
/// holds it (a reload opens it again), a bad choice is refused with the server's reason shown
/// under the form, and the view's chaos note comes in.
fn check_choice(p: &mut Page, server: &Server, shot: Option<PathBuf>) {
    let w = p.width;
    p.eval(
        "(function(){var d = document.getElementById('choose'); d.open = true;
          var set = function (id, v) { document.getElementById(id).value = v; };
          set('choice-x', 'momentum'); set('choice-x-lo', '0'); set('choice-x-hi', '0.9');
          document.getElementById('choice-x-log').checked = false;
          set('choice-f-activation', 'tanh'); set('choice-f-epochs', '200');
          set('choice-f-precision', 'f32');
          document.querySelector('#choice-form button[type=submit]').click(); return true;})()",
    );
    wait(
        p,
        "xorsweep.serve.V.x.name === 'momentum'",
        &format!("{w} px: the chosen map"),
    );
    // Tiles past the window's edge are refused (momentum leaves [0, 1) there).
    wait(
        p,
        "(function(){var l = xorsweepServe.loaded(); return l.fine > 0 && l.fine + l.failed === l.visible;})()",
        &format!("{w} px: the chosen map's tiles"),
    );
    assert!(
        p.eval_bool("document.documentElement.scrollWidth <= window.innerWidth"),
        "{w} px: scrolls sideways with the form open"
    );
    let choice = p.eval("xorsweepServe.choice()");
    let choice = choice.as_str().unwrap().to_string();
    assert!(
        choice.contains("activation=tanh") && choice.contains("x=momentum%3A0..0.9%3A"),
        "{w} px: {choice}"
    );
    assert!(
        p.eval_bool("location.hash.indexOf('activation=tanh') > 0"),
        "{w} px: the hash holds the choice"
    );
    let level = p.eval("xorsweepServe.view().level").as_u64().unwrap();
    let got = p.eval(&format!("xorsweepServe.tile({level}, 0, 0, 256)"));
    let sent = server.get(&format!("/tile?z={level}&tx=0&ty=0&n=256&{choice}"));
    assert_eq!(sent.status, 200);
    for (k, v) in got["fl"].as_array().unwrap().iter().enumerate().step_by(97) {
        let want = f32::from_le_bytes(sent.body[4 * k..4 * k + 4].try_into().unwrap());
        let v = v.as_f64().map_or(f32::NAN, |x| x as f32);
        assert!(
            v.to_bits() == want.to_bits() || (v.is_nan() && want.is_nan()),
            "{w} px: pixel {k} of the chosen map: {v}, the server sent {want}"
        );
    }
    check_lanes_net(p);
    // The chaos of the view, in map's words.
    wait(
        p,
        "!!xorsweepServe.chaos()",
        &format!("{w} px: the view's chaos"),
    );
    let note = p.eval("document.getElementById('chaos').textContent");
    assert!(
        note.as_str()
            .unwrap()
            .contains(" pixels here (one-ulp nudges flip "),
        "{w} px: {note}"
    );
    // The overlay marks every boundary pixel that flipped (this map has some).
    let flipped = p
        .eval("xorsweepServe.chaos().flipped.length")
        .as_u64()
        .unwrap();
    assert!(flipped > 0, "{w} px: no boundary pixel flips");
    p.eval(
        "(function(){var b = document.getElementById('flips'); b.click(); return b.checked;})()",
    );
    wait(
        p,
        &format!("xorsweepServe.marks() === {flipped}"),
        &format!("{w} px: the flips marked"),
    );
    if let Some(path) = shot {
        p.eval("document.getElementById('choose').open = false; true");
        screenshot(p, &path);
    }
    // A reload opens the chosen map from the hash.
    p.cmd("Page.reload", json!({}));
    wait(
        p,
        "!!window.xorsweepServe && xorsweep.serve.V.x.name === 'momentum' && xorsweep.serve.V.epochs === 200",
        &format!("{w} px: the reloaded choice"),
    );
    // A bad choice: the server's reason under the form; the map shown stays.
    p.eval(
        "(function(){document.getElementById('choose').open = true;
          document.getElementById('choice-x-lo').value = 'abc';
          document.querySelector('#choice-form button[type=submit]').click(); return true;})()",
    );
    wait(
        p,
        "!document.getElementById('choice-error').hidden",
        &format!("{w} px: the refusal"),
    );
    let error = p.eval("document.getElementById('choice-error').textContent");
    assert!(
        error.as_str().unwrap().contains("--x") && error.as_str().unwrap().contains("abc"),
        "{w} px: {error}"
    );
    assert!(p.eval_bool("xorsweep.serve.V.x.name === 'momentum'"));
}

/// A click on the chosen f32 map opens a net drawn from its run in the map's own lanes (the
/// server's), the page's f64 replay set beside it.
fn check_lanes_net(p: &mut Page) {
    let w = p.width;
    // The form above may have pushed the map out of the viewport.
    p.eval("xorsweepServe.lastNet = null; document.getElementById('map').scrollIntoView({ block: 'center' }); true");
    let (left, top, cw, ch) = canvas(p);
    let (cx, cy) = (left + cw / 2.0, top + ch / 2.0);
    mouse(p, "mousePressed", cx, cy, json!({}));
    mouse(p, "mouseReleased", cx, cy, json!({}));
    wait(
        p,
        "!!xorsweepServe.lastNet",
        &format!("{w} px: the f32 map's net"),
    );
    let net = p.eval("xorsweepServe.lastNet");
    let (replay, lanes) = (&net["replay"], &net["net"]["lanes"]);
    assert_eq!(replay["source"], "lanes", "{w} px: {net}");
    let frames = lanes["weights"].as_array().unwrap();
    assert_eq!(
        replay["final"],
        frames[frames.len() - 1],
        "{w} px: the last frame"
    );
    assert_eq!(replay["solved"], lanes["solved_epoch"], "{w} px");
    let outcome = text(p, "net-outcome");
    for words in [
        "The map kernel (f32 lanes): ",
        "Replayed on the server in f32 lanes: ",
        ", the same.\nIn f64 here (the report\u{2019}s trainer): ",
    ] {
        assert!(
            outcome.contains(words),
            "{w} px: {outcome:?} lacks {words:?}"
        );
    }
    let head = text(p, "weights");
    assert!(
        head.contains("(f32 lanes, on the server)"),
        "{w} px: {head}"
    );
    let caption = text(p, "loss-caption");
    assert!(
        caption.ends_with("the map\u{2019}s f32 lanes"),
        "{w} px: {caption}"
    );
    p.eval("window.scrollTo(0, 0); true");
}

/// The text of the element with id `id`.
fn text(p: &mut Page, id: &str) -> String {
    let js = format!("document.getElementById('{id}').textContent");
    p.eval(&js).as_str().unwrap().to_string()
}

/// The viewport as a PNG file.
fn screenshot(p: &mut Page, path: &std::path::Path) {
    use base64::Engine;
    let r = p.cmd("Page.captureScreenshot", json!({ "format": "png" }));
    let png = base64::engine::general_purpose::STANDARD
        .decode(r["data"].as_str().unwrap())
        .unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, png).unwrap();
}

#[test]
fn the_serve_page_pans_zooms_and_opens_a_net_in_headless_chromium() {
    let Some(chromium) = chromium_or_skip("serve_browser") else {
        return;
    };
    let server = Server::start(&["--epochs", "300"]);
    let mut browser = Browser::start(&chromium);
    let shots = std::env::var_os("XORSWEEP_SCREENSHOTS").map(PathBuf::from);
    for width in [420, 1300] {
        let url = format!("http://{}/", server.addr);
        let mut page = Page::open(&mut browser, &url, width, true);
        check_width(&mut page, &server);
        if let Some(d) = &shots {
            screenshot(&mut page, &d.join(format!("serve_{width}.png")));
        }
        let shot = shots
            .as_ref()
            .map(|d| d.join(format!("serve_{width}_chosen.png")));
        check_choice(&mut page, &server, shot);
    }
    assert!(
        browser.errors.is_empty(),
        "script errors: {:?}",
        browser.errors
    );
}
