//! What a sweep says it found must hold up: the fastest learning rates it names survive doubling
//! the seeds, the JSON carries every interval the claims rest on, and the terminal summary fits
//! the terminal.

use crate::common::{run_ok, xorsweep};

/// Learning rates of the default sweep around where uniform:0.1 and uniform:0.25 solve best:
/// 13.5 is the fastest by far but solves a few percent less often than 8.79, which 200 seeds
/// cannot tell apart and 400 can.
const LRS: &str = "5.712619770778241,8.788484346448943,13.520496761025612";

fn sweep_json(seeds: u32, dir: &std::path::Path) -> serde_json::Value {
    let out = xorsweep()
        .args([
            "sweep",
            "--init",
            "uniform:0.1",
            "--init",
            "uniform:0.25",
            "--lr",
            LRS,
        ])
        .args([
            "--seeds",
            &seeds.to_string(),
            "-q",
            "--json",
            "--runs-csv",
            "none",
            "-o",
        ])
        .arg(dir.join(format!("s{seeds}")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn lrs(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn fastest_rates_survive_doubling_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (sweep_json(200, dir.path()), sweep_json(400, dir.path()));
    let (a, b) = (
        a["summary"].as_array().unwrap(),
        b["summary"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 2);
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x["init"], y["init"]);
        let (fa, fb) = (lrs(&x["fastest_lrs"]), lrs(&y["fastest_lrs"]));
        assert!(!fa.is_empty() && !fb.is_empty(), "{x} {y}");
        assert!(
            fa.iter().any(|r| fb.contains(r)),
            "{}: fastest {fa:?} at 200 seeds, {fb:?} at 400",
            x["init"]
        );
        // Every claim carries its interval.
        for f in [x, y] {
            let fast = &f["fastest"];
            let m = fast["median_solved_epoch"].as_f64().unwrap();
            let ci = lrs(&fast["median_solved_epoch_ci95"]);
            assert!(ci[0] <= m && m <= ci[1], "{fast}");
            let share = fast["solved_fraction"].as_f64().unwrap();
            let wilson = lrs(&fast["solved_ci95"]);
            assert!(wilson[0] <= share && share <= wilson[1], "{fast}");
            assert!(!lrs(&f["tied_best_lrs"]).is_empty());
            assert!(f["sentence"].as_str().unwrap().contains("95% interval"));
        }
    }
}

#[test]
fn the_summary_fits_the_terminal_and_opens_with_sentences() {
    let dir = tempfile::tempdir().unwrap();
    for (columns, run) in [("80", 0), ("44", 1), ("", 2)] {
        let mut cmd = xorsweep();
        cmd.args(["sweep", "--init", "lesson", "--init", "uniform:1"])
            .args([
                "--init",
                "symmetric:1",
                "--init",
                "near-symmetric:1:1e-6,1e-3,1e-1",
            ])
            .args(["--lr", "0.5..32:5:log", "--seeds", "24", "--epochs", "3000"])
            .args(["--runs-csv", "none", "-o"])
            .arg(dir.path().join(format!("r{run}")));
        if columns.is_empty() {
            cmd.env_remove("COLUMNS");
        } else {
            cmd.env("COLUMNS", columns);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let width: usize = columns.parse().unwrap_or(80);
        // The summary's lines; the last names the output folder, as long as its path.
        for line in text.lines().filter(|l| !l.starts_with("results in ")) {
            assert!(
                line.chars().count() <= width,
                "COLUMNS={columns:?}: {} columns: {line:?}\n{text}",
                line.chars().count()
            );
        }
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "What the sweep found:", "{text}");
        assert!(
            lines[1].contains("nets") && lines[1].contains("solved XOR"),
            "{text}"
        );
        // The ε rows are folded under one heading, each ε once.
        assert_eq!(text.matches("near-symmetric:1, by ε:").count(), 1, "{text}");
        for eps in ["1e-6", "1e-3", "1e-1"] {
            assert!(text.contains(&format!("ε {eps}")), "{text}");
        }
        assert!(text.contains("one net per rate"), "{text}");
        // The key comes before the figures it explains: above the first scheme's row.
        let key = text.find("Tied-best: learning rates").expect("the key");
        assert!(
            key < text.find("\nlesson").expect("the lesson's row"),
            "{text}"
        );
        if width == 80 {
            // At 80 columns this sweep is a table: a header row, one row per scheme.
            assert!(
                text.contains("init") && text.contains("fastest: epochs (95% CI)"),
                "{text}"
            );
        }
    }
}

/// The terminal summary and report.html say what the sweep found in the same sentences (both
/// read them from src/report/findings.rs), and the solved-by-learning-rate chart's caption
/// repeats the sentence on speed within a tie.
#[test]
fn terminal_and_report_say_the_same_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = run_ok(
        xorsweep()
            .args(["sweep", "--init", "lesson", "--init", "uniform:1"])
            .args(["--init", "symmetric:1", "--lr", "0.5..8:5:log"])
            .args([
                "--seeds",
                "24",
                "--epochs",
                "3000",
                "--runs-csv",
                "none",
                "-o",
            ])
            .arg(&out)
            // Wide enough that no sentence is wrapped.
            .env("COLUMNS", "2000"),
    );
    let text = String::from_utf8(run.stdout).unwrap();
    let sentences: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "What the sweep found:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(str::trim)
        .collect();
    // The counts, the most reliable configuration (and what never solved), what ties with it,
    // speed within a tie, the symmetric bound.
    assert_eq!(sentences.len(), 5, "{text}");
    assert!(
        sentences[1].starts_with("The most reliable configuration: uniform:1 at learning rate ")
            && sentences[1].ends_with("; symmetric:1 never solved."),
        "{text}"
    );
    assert!(
        sentences[2].starts_with("Tied with it (95% intervals overlap): "),
        "{text}"
    );
    let html = std::fs::read_to_string(out.join("report.html"))
        .unwrap()
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&amp;", "&");
    for s in &sentences {
        assert!(
            html.contains(&format!("<li>{s}</li>")),
            "not in report.html: {s}"
        );
    }
    // The uniform:1 sentence against summary.csv, recomputed here with an interval of the
    // test's own (Wilson's, written out below): the most reliable rate and every rate whose
    // interval overlaps its interval are named, with their shares.
    let uniform = sentences
        .iter()
        .find(|s| s.contains("uniform:1") && s.contains("tie on solved share"))
        .unwrap_or_else(|| panic!("no uniform:1 tie in {sentences:?}"));
    let summary_csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let (want_rates, (lo, hi)) = best_and_tied(&summary_csv, "uniform");
    assert!(
        want_rates.len() > 1,
        "this sweep's uniform:1 has a tie: {want_rates:?}"
    );
    let said = percents(uniform);
    assert!(
        // Shares are printed to the digits that tell them apart: a whole percent here.
        said.iter()
            .any(|&(a, b)| (a - lo * 100.0).abs() <= 0.5 && (b - hi * 100.0).abs() <= 0.5),
        "{uniform}: the tied shares are {lo}–{hi} by summary.csv"
    );
    let range = format!("{}–{}", want_rates[0], want_rates[want_rates.len() - 1]);
    assert!(
        uniform.contains(&range),
        "{uniform}: tied rates {want_rates:?}"
    );
    let speed = sentences
        .iter()
        .find(|s| s.contains("tie on solved share"))
        .unwrap();
    let caption = html
        .split("<figcaption>")
        .filter_map(|c| c.split("</figcaption>").next())
        .find(|c| c.contains("solved_by_lr.png"))
        .unwrap();
    assert!(caption.contains(speed), "{caption}");
    // The snapped range: learning rate 4, not 3.999999999999999.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.contains(",4.0,") && !summary.contains("3.99999"),
        "{summary}"
    );
}

/// Wilson's 95 % score interval of `k` of `n`, as any textbook writes it.
fn wilson(k: f64, n: f64) -> (f64, f64) {
    let (z, p) = (1.959964, k / n);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    (centre - half, centre + half)
}

/// From summary.csv text: the learning rates (as a person reads them: `1` for the file's `1.0`) of `init`'s most reliable cell and of
/// every cell whose Wilson interval overlaps that cell's, in order, and the lowest and highest
/// solved share among them.
fn best_and_tied(summary: &str, init: &str) -> (Vec<String>, (f64, f64)) {
    let mut rows = summary.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (ci, cl, cn, cs) = (col("init"), col("lr"), col("nets"), col("solved"));
    let cells: Vec<(String, f64, (f64, f64))> = rows
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[ci] == init)
        .map(|r| {
            let (n, k): (f64, f64) = (r[cn].parse().unwrap(), r[cs].parse().unwrap());
            (
                r[cl].parse::<f64>().unwrap().to_string(),
                k / n,
                wilson(k, n),
            )
        })
        .collect();
    let best = cells
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
        .clone();
    let tied: Vec<&(String, f64, (f64, f64))> = cells
        .iter()
        .filter(|c| c.2.0 <= best.2.1 && best.2.0 <= c.2.1)
        .collect();
    let shares = tied.iter().map(|c| c.1);
    let lo = shares.clone().fold(f64::INFINITY, f64::min);
    let hi = shares.fold(0.0, f64::max);
    (tied.iter().map(|c| c.0.clone()).collect(), (lo, hi))
}

/// Every "A–B%" range of percentages in `text`.
fn percents(text: &str) -> Vec<(f64, f64)> {
    text.split('%')
        .filter_map(|part| {
            let tail = part.rsplit(['(', ' ']).next()?;
            let (a, b) = tail.split_once('–')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect()
}
