//! Writing files so that nothing half-written ever looks complete: write to a temporary name in
//! the same folder, then rename over the final name (atomic on POSIX file systems).

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Prefix of temporary files; anything starting with it is debris of an interrupted write.
pub const TMP_PREFIX: &str = ".tmp-";

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .context("output path has no file name")?
        .to_string_lossy();
    let tmp = dir.join(format!("{TMP_PREFIX}{}-{name}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
