//! The CLI fits its ecosystem: completions for every shell, a man page, short flags, examples in
//! every subcommand's help, a dry run that writes nothing, JSON for scripts.

use crate::common::{run_ok, xorsweep};

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = xorsweep().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("xorsweep") && text.contains("sweep"),
            "{shell}"
        );
        assert!(text.contains("chart-init"), "{shell}: flags of subcommands");
    }
    let out = xorsweep().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH xorsweep 1"), "{page}");
    assert!(
        page.contains("Exit codes"),
        "the man page documents exit codes"
    );
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in [
        "sweep",
        "baseline",
        "replay",
        "bench",
        "plot",
        "merge",
        "map",
        "completions",
        "man",
        "serve",
    ] {
        let out = xorsweep().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{sub}");
        assert!(help.contains("Examples:\n  xorsweep "), "{sub}: {help}");
    }
}

#[test]
fn short_flags_dry_run_and_json() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let tiny = [
        "--lr",
        "1,4",
        "--init",
        "uniform:1",
        "--seeds",
        "8",
        "--epochs",
        "40",
    ];

    let dry = xorsweep()
        .arg("sweep")
        .args(tiny)
        .args(["--dry-run", "--json", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(dry.status.success());
    assert!(!out.exists(), "a dry run writes nothing");
    let v: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        (v["cells"].as_u64(), v["nets"].as_u64()),
        (Some(2), Some(16))
    );
    assert!(v["estimated_seconds"].as_f64().unwrap() > 0.0);
    assert!(v["peak_memory_bytes"].as_u64().unwrap() > 0);

    let run = run_ok(
        xorsweep()
            .arg("sweep")
            .args(tiny)
            .args(["-q", "-j", "1", "--json", "-o"])
            .arg(&out),
    );
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let summary = v["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["init"], "uniform:1");
    assert_eq!(summary[0]["nets"], 16);

    // The human summary names what was found, per init, on stdout.
    let again = xorsweep()
        .arg("sweep")
        .args(tiny)
        .args(["-f", "-j", "2", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(again.status.success());
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(
        text.contains("What the sweep found") && text.contains("uniform:1"),
        "{text}"
    );
}
