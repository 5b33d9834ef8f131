//! The output folder, tried as a hostile or unlucky user would: xorsweep never deletes or writes
//! what it did not write, one writer per folder, nothing followed through a planted symlink,
//! SIGTERM saves and resumes, and old or foreign chunks are refused with a clear message.

use std::path::Path;
use std::process::{Command as Std, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::common::{frozen_after_chunks, saved_chunks, send, signal_frozen, xorsweep};

fn tiny(out: &Path) -> Vec<String> {
    [
        "sweep",
        "--quiet",
        "--lr",
        "1,4",
        "--init",
        "uniform:1",
        "--seeds",
        "20",
        "--epochs",
        "50",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.to_string_lossy().into_owned()])
    .collect()
}

/// A sweep that takes a few seconds on one thread (for locks and signals).
fn slow(out: &Path) -> Vec<String> {
    [
        "sweep",
        "--quiet",
        "--lr",
        "0.5,2",
        "--init",
        "uniform:1",
        "--seeds",
        "3000",
        "--epochs",
        "20000",
        "--chunk-nets",
        "64",
        "--threads",
        "1",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.to_string_lossy().into_owned()])
    .collect()
}

/// Every file under `dir` with its bytes (recursively), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(tree(&p));
        } else {
            v.push((
                p.display().to_string(),
                std::fs::read(&p).unwrap_or_default(),
            ));
        }
    }
    v.sort();
    v
}

#[test]
fn force_on_a_folder_xorsweep_did_not_make_deletes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let mine = d.path().join("mine");
    std::fs::create_dir_all(mine.join("chunks/deep")).unwrap();
    for (name, text) in [
        ("chunks/deep/thesis.tex", "years of work"),
        ("chunks/chunk-000000.bin", "not a chunk of xorsweep's"),
        ("runs.csv", "my own runs"),
        ("report.html", "<p>mine</p>"),
    ] {
        std::fs::write(mine.join(name), text).unwrap();
    }
    let before = tree(&mine);
    let mut args = tiny(&mine);
    args.push("--force".into());
    let out = xorsweep().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("not a xorsweep output folder") && err.contains(".xorsweep"),
        "{err}"
    );
    assert_eq!(tree(&mine), before, "nothing deleted or written");
}

#[test]
fn force_in_its_own_folder_deletes_only_its_own_files() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let mut args = tiny(&out);
    args.push("--keep-chunks".into());
    xorsweep().args(&args).assert().success();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::create_dir(out.join("chunks/sub")).unwrap();
    std::fs::write(out.join("chunks/sub/keep.txt"), "mine too").unwrap();
    args.push("--force".into());
    xorsweep().args(&args).assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("chunks/sub/keep.txt")).unwrap(),
        "mine too"
    );
}

#[test]
fn planted_symlinks_are_never_followed() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    xorsweep().args(tiny(&out)).assert().success();
    let outside = d.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    // Links where xorsweep's files go, pointing at files outside --out.
    for name in ["runs.csv", "report.html", "summary.csv", "manifest.json"] {
        let victim = outside.join(name);
        std::fs::write(&victim, "precious").unwrap();
        std::fs::remove_file(out.join(name)).unwrap();
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let mut args = tiny(&out);
    args.push("--force".into());
    xorsweep().args(&args).assert().success();
    xorsweep().arg("plot").arg(&out).assert().success();
    for e in std::fs::read_dir(&outside).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "precious",
            "{}",
            p.display()
        );
    }
    // A chunks folder that is a symlink is refused before anything is written through it.
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let out2 = d.path().join("out2");
    xorsweep().args(tiny(&out2)).assert().success();
    std::os::unix::fs::symlink(&other, out2.join("chunks")).unwrap();
    let mut args = tiny(&out2);
    args.push("--force".into());
    let o = xorsweep().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("chunks") && err.contains("symlink"), "{err}");
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 0);
}

#[test]
fn two_sweeps_on_one_folder_exactly_one_runs() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let bin = env!("CARGO_BIN_EXE_xorsweep");
    let first = Std::new(bin)
        .args(slow(&out))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let second = Std::new(bin)
        .args(slow(&out))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The loser refuses at once; kill the winner then (this test is about the refusal).
    let started = Instant::now();
    let (mut a, mut b) = (first, second);
    let loser = loop {
        if a.try_wait().unwrap().is_some() {
            break 0;
        }
        if b.try_wait().unwrap().is_some() {
            break 1;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "neither refused"
        );
        sleep(Duration::from_millis(10));
    };
    let (lost, won) = if loser == 0 { (a, &mut b) } else { (b, &mut a) };
    // Freeze the winner: it holds the lock, and cannot finish while we look.
    send(won.id(), libc::SIGSTOP);
    assert!(
        won.try_wait().unwrap().is_none(),
        "the winner finished too soon"
    );
    let lost = lost.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&lost.stderr);
    assert_eq!(lost.status.code(), Some(1), "{err}");
    assert!(err.contains("in use by another xorsweep, pid"), "{err}");
    // The second resume of a running sweep is refused the same way.
    let mut resume = slow(&out);
    resume.push("--resume".into());
    let o = xorsweep().args(&resume).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("in use by another xorsweep"));
    won.kill().unwrap();
    won.wait().unwrap();
    // A dead process's lock does not block: the sweep resumes (and is stopped again at once).
    let again = frozen_after_chunks(&resume, &out, saved_chunks(&out) + 1);
    let (code, err) = signal_frozen(again, libc::SIGTERM);
    assert_eq!(
        code,
        Some(143),
        "resumed after the holder died, stopped by SIGTERM: {err}"
    );
}

#[test]
fn sigterm_saves_prints_the_resume_command_and_resumes_identically() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let child = frozen_after_chunks(&slow(&out), &out, 1);
    let (code, err) = signal_frozen(child, libc::SIGTERM);
    assert_eq!(code, Some(143), "{err}");
    assert!(
        err.contains("SIGTERM") && err.contains("Resume with:"),
        "{err}"
    );
    assert!(!out.join("runs.csv").exists(), "nothing complete-looking");
    let mut resume = slow(&out);
    resume.push("--resume".into());
    xorsweep().args(&resume).assert().success();
    let whole = d.path().join("whole");
    xorsweep().args(slow(&whole)).assert().success();
    for name in [
        "runs.csv",
        "summary.csv",
        "curves.csv",
        "examples.csv",
        "report.html",
    ] {
        assert!(
            std::fs::read(out.join(name)).unwrap() == std::fs::read(whole.join(name)).unwrap(),
            "{name} differs after SIGTERM + resume"
        );
    }
}

#[test]
fn an_interrupted_start_can_be_rerun_or_resumed() {
    let d = tempfile::tempdir().unwrap();
    for (i, extra) in [None, Some("--resume")].iter().enumerate() {
        let out = d.path().join(format!("o{i}"));
        // What a start on a full disk leaves: the marker, an empty chunks folder.
        std::fs::create_dir_all(out.join("chunks")).unwrap();
        std::fs::write(out.join(".xorsweep"), "").unwrap();
        let mut args = tiny(&out);
        args.extend(extra.map(String::from));
        xorsweep().args(&args).assert().success();
        assert!(out.join("runs.csv").exists());
    }
}

#[test]
fn chunks_of_the_old_format_and_merges_into_an_input_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let mut args = tiny(&out);
    args.extend([
        "--chunk-nets".into(),
        "8".into(),
        "--shard".into(),
        "0/2".into(),
    ]);
    xorsweep().args(&args).assert().success();
    let chunk = out.join("chunks/chunk-000000.bin");
    let mut bytes = std::fs::read(&chunk).unwrap();
    bytes[..8].copy_from_slice(b"XSWCHNK1");
    std::fs::write(&chunk, bytes).unwrap();
    args.push("--resume".into());
    let o = xorsweep().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("older xorsweep") && err.contains("--force"),
        "{err}"
    );

    let s1 = d.path().join("s1");
    let mut args = tiny(&s1);
    args.extend([
        "--chunk-nets".into(),
        "8".into(),
        "--shard".into(),
        "1/2".into(),
    ]);
    xorsweep().args(&args).assert().success();
    let o = xorsweep()
        .arg("merge")
        .arg(&s1)
        .arg(&out)
        .arg(&s1)
        .arg("--force")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("one of the shard folders"), "{err}");
}

/// The first chunk file (by name) of the sweep in `out`, rewritten as trained by kernel version
/// `version` (its CRC-32 made good again); its name.
fn set_kernel_version(out: &Path, version: u32) -> String {
    let mut names: Vec<String> = std::fs::read_dir(out.join("chunks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("chunk-") && n.ends_with(".bin"))
        .collect();
    names.sort();
    let chunk = out.join("chunks").join(&names[0]);
    let mut bytes = std::fs::read(&chunk).unwrap();
    assert_eq!(&bytes[..8], b"XSWCHNK4");
    bytes[8..12].copy_from_slice(&version.to_le_bytes());
    let n = bytes.len() - 4;
    let crc = crc32fast::hash(&bytes[..n]).to_le_bytes();
    bytes[n..].copy_from_slice(&crc);
    std::fs::write(chunk, bytes).unwrap();
    names.swap_remove(0)
}

#[test]
fn chunks_of_another_kernel_version_are_not_mixed_by_resume_or_merge() {
    let d = tempfile::tempdir().unwrap();
    let version = xorsweep::train::KERNEL_VERSION;
    let shard = |i: usize| {
        let out = d.path().join(format!("s{i}"));
        let mut args = tiny(&out);
        args.extend(["--chunk-nets", "8", "--shard", &format!("{i}/2")].map(String::from));
        xorsweep()
            .args(&args)
            .arg("--keep-chunks")
            .assert()
            .success();
        (out, args)
    };
    let (s0, mut args) = shard(0);
    let (s1, _) = shard(1);
    let manifest = std::fs::read_to_string(s0.join("manifest.json")).unwrap();
    assert!(
        manifest.contains(&format!("\"kernel_version\": {version}")),
        "{manifest}"
    );
    // Merge: a shard whose chunk another kernel version trained, intact but for that.
    set_kernel_version(&s1, version + 1);
    let out = d.path().join("merged");
    let o = xorsweep()
        .arg("merge")
        .args([&out, &s0, &s1])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("kernel version {}", version + 1)),
        "{err}"
    );
    assert!(!out.exists());
    // Resume: one line that names the chunk, the versions and --force.
    let name = set_kernel_version(&s0, version - 1);
    args.push("--resume".into());
    let o = xorsweep().args(&args).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&name)
            && err.contains(&format!("kernel version {}", version - 1))
            && err.contains(&format!("is version {version}"))
            && err.contains("--force"),
        "{err}"
    );
}
