//! map.html in headless Chromium at a phone's and a laptop's width: every frame's grid at the
//! column's width, its ticks and colour bars legible (≥ 11 px) and inside the page, and every
//! frame answering a click with its net's outcome and the command that zooms there.

use std::time::Duration;

use crate::report_browser::{Browser, Page, chromium_or_skip};

/// Click the middle of frame `k`'s grid; what its readout and zoom command then say.
fn click(p: &mut Page, k: usize) -> (String, String) {
    let r = p.eval(&format!(
        "(() => {{ const f = document.querySelectorAll('figure.map-frame')[{k}]; \
           const img = f.querySelector('img.map-grid'); const r = img.getBoundingClientRect(); \
           img.dispatchEvent(new MouseEvent('click', {{ bubbles: true, \
             clientX: r.left + r.width * 0.5, clientY: r.top + r.height * 0.5 }})); \
           return [f.querySelector('.map-readout').textContent, \
                   f.querySelector('.map-zoom-command').textContent]; }})()"
    ));
    (
        r[0].as_str().unwrap().to_string(),
        r[1].as_str().unwrap().to_string(),
    )
}

#[test]
fn map_page_reads_on_a_phone_and_every_frame_answers_clicks() {
    let Some(chromium) = chromium_or_skip("map_browser") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m");
    crate::common::xorsweep()
        .args(["map", "--quiet", "--epochs", "300", "--zoom-sequence", "2"])
        .args([
            "--x",
            "lr-hidden:0.5..80:48:log",
            "--y",
            "lr-out:0.5..60:48:log",
        ])
        .arg("--out")
        .arg(&out)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let url = format!("file://{}", out.join("map.html").display());
    let mut browser = Browser::start(&chromium);
    for width in [420, 1300] {
        let mut p = Page::open(&mut browser, &url, width, true);
        let frames = p.eval("document.querySelectorAll('figure.map-frame').length");
        assert_eq!(frames.as_u64(), Some(2), "{width} px");
        let widths = p.eval(
            "Array.from(document.querySelectorAll('img.map-grid')).map(i => i.getBoundingClientRect().width)",
        );
        for w in widths.as_array().unwrap() {
            let w = w.as_f64().unwrap();
            // The column less the y ticks at 420 px; at most 46 rem on a laptop.
            if width == 420 {
                assert!(w >= 0.75 * 420.0, "{width} px: the grid is {w} px wide");
            } else {
                assert!(
                    (500.0..=46.0 * 16.0).contains(&w),
                    "{width} px: grid {w} px"
                );
            }
        }
        let small = p.eval(
            "Array.from(document.querySelectorAll('.plot span, .plot div, .bars span, .bars div'))\
               .filter(e => e.textContent.trim() && parseFloat(getComputedStyle(e).fontSize) < 11)\
               .map(e => e.textContent)",
        );
        assert_eq!(small, serde_json::json!([]), "{width} px: text under 11 px");
        let outside = p.eval(
            "Array.from(document.querySelectorAll('.x-ticks span, .y-ticks span, .bar-ticks span'))\
               .filter(e => { const r = e.getBoundingClientRect(); \
                 return r.left < 0 || r.right > window.innerWidth; }).map(e => e.textContent)",
        );
        assert_eq!(
            outside,
            serde_json::json!([]),
            "{width} px: ticks off the page"
        );
        assert!(
            p.eval_bool("document.documentElement.scrollWidth <= window.innerWidth"),
            "{width} px: the page scrolls sideways"
        );
        for (k, depth) in [(0, "10"), (1, "100")] {
            let (readout, command) = click(&mut p, k);
            assert!(
                readout.contains("(pixel "),
                "{width} px, frame {k}: {readout}"
            );
            assert!(
                !readout.contains("no bar") && !readout.contains("not readable"),
                "{width} px, frame {k}: {readout}"
            );
            assert!(
                command.starts_with("xorsweep map --config ")
                    && command.contains(&format!(",{depth} --zoom-sequence 1 --out ")),
                "{width} px, frame {k}: {command}"
            );
        }
    }
}
