//! The output folder, and the one owner of everything xorsweep does to it: preparing it (new,
//! `--force`, `--resume`), locking it, chunk paths, temporary files, clearing stale outputs.
//!
//! The rules, so that xorsweep never deletes or overwrites what it did not write:
//! - A folder is xorsweep's only if it holds the marker file [`MARKER`], written first thing in
//!   a new folder. `--force` on any other non-empty folder refuses, naming it; even in its own
//!   folder it deletes only the files it writes by name (never a whole tree).
//! - One writer per folder: an exclusive lock on [`LOCK`] is held for the whole run; a second
//!   xorsweep refuses at once, naming the holder's pid. The kernel drops a dead process's lock.
//! - Every file is written to a temporary file with an unpredictable name, created exclusively
//!   in the target folder (so nothing follows a planted symlink), then renamed over the final
//!   name (which replaces a symlink there rather than writing through it). A `chunks` (or
//!   another subfolder) that is a symlink or a file, or an output name taken by a folder, is
//!   refused before anything is deleted or written.
//! - The lock file is never written through: a symlink, a non-file or a file with another hard
//!   link where it goes is refused.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

use crate::error::{RuntimeError, UsageError};

/// The marker that makes a folder xorsweep's.
pub const MARKER: &str = ".xorsweep";
/// The lock file (holds the pid of the process that holds the lock).
pub const LOCK: &str = ".xorsweep.lock";
/// The folder of saved chunks.
pub const CHUNKS: &str = "chunks";
/// Prefix of temporary files: anything starting with it is debris of an interrupted write.
const TMP_PREFIX: &str = ".xorsweep-tmp-";
const MARKER_TEXT: &str = "This folder was written by xorsweep. `xorsweep sweep --force` here deletes only the files xorsweep writes.\n";

/// How to treat an existing folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Refuse a folder that holds results.
    New,
    /// Delete xorsweep's own files first (only in xorsweep's own folder).
    Force,
    /// Keep what is there (the caller checks it is the same sweep).
    Resume,
}

/// What a command writes in its folder, for [`OutDir::prepare`].
#[derive(Clone, Copy, Debug)]
pub struct Layout<'a> {
    /// The file names this command writes at the top of the folder (what `--force` deletes).
    pub outputs: &'a [&'a str],
    /// Subfolders it writes into besides [`CHUNKS`] (their files are its own, by name).
    pub subfolders: &'a [&'a str],
    /// Files written before any result (a sweep's sweep.toml): alone, they are no results.
    pub setup: &'a [&'a str],
    /// Whether the command can finish an interrupted run of itself (`--resume`).
    pub resumable: bool,
    /// The file written last, once every other is complete: a folder of ours without it holds
    /// an unfinished run, which a rerun replaces without `--force`. `None` when an unfinished
    /// run is resumed instead.
    pub finished_by: Option<&'a str>,
}

/// A prepared, locked output folder.
#[derive(Debug)]
pub struct OutDir {
    path: PathBuf,
    /// Held open for the lock's lifetime.
    _lock: File,
}

fn entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir)? {
        v.push(e?.file_name().to_string_lossy().into_owned());
    }
    Ok(v)
}

/// Chunk files in `chunks`, by name.
fn is_chunk_file(name: &str) -> bool {
    name.starts_with("chunk-") && name.ends_with(".bin")
}

impl Drop for OutDir {
    /// A finished (or failed) run leaves no lock file behind: only the marker and its files.
    /// The lock is still held while the file is removed, so no other xorsweep holds it.
    fn drop(&mut self) {
        let _ = fs::remove_file(self.path.join(LOCK));
    }
}

impl OutDir {
    /// Prepare `path` for a run. `flag` names where the folder came from in messages (`--out`,
    /// `merge OUT`, `plot`); `outputs` are the file names this command writes (what `--force`
    /// may delete, with the chunk files, sweep.toml and manifest.json among them).
    pub fn prepare(path: &Path, mode: Mode, flag: &str, layout: &Layout) -> anyhow::Result<OutDir> {
        let outputs = layout.outputs;
        let shown = path.display();
        // A symlink to a folder is the user's choice of folder; anything else but a folder is not.
        if fs::symlink_metadata(path).is_ok() && !path.is_dir() {
            return Err(UsageError::new(format!(
                "{flag} {shown}: exists and is not a folder; choose a folder"
            ))
            .into());
        }
        // Nothing is created in a folder that is not xorsweep's: checked before the lock (whose
        // file would be the first thing written there) and again under it.
        Self::check_ours(path, mode, flag)?;
        fs::create_dir_all(path).map_err(|e| {
            UsageError::new(format!("{flag} {shown}: cannot create the folder: {e}"))
        })?;
        let lock = Self::lock(path, flag)?;
        let dir = OutDir {
            path: path.to_path_buf(),
            _lock: lock,
        };
        // Under the lock, the folder's state cannot change behind our back.
        let ours = Self::check_ours(path, mode, flag)?;
        let unfinished = Self::check_no_results(path, mode, ours, flag, layout)?;
        // Every path this run may delete or write is checked before anything is touched.
        dir.check_paths(layout)?;
        if !ours {
            dir.write(MARKER, MARKER_TEXT.as_bytes())?;
        }
        dir.remove_temp_files()?;
        if mode == Mode::Force {
            dir.remove_files(outputs)?;
            dir.remove_chunks()?;
        } else if unfinished {
            dir.remove_files(outputs)?;
        }
        Ok(dir)
    }

    /// The checks [`prepare`](Self::prepare) makes, with the same messages, without creating,
    /// locking or writing anything (`--dry-run`); a folder another xorsweep holds is refused too.
    pub fn check(path: &Path, mode: Mode, flag: &str, layout: &Layout) -> anyhow::Result<()> {
        if fs::symlink_metadata(path).is_ok() && !path.is_dir() {
            return Err(UsageError::new(format!(
                "{flag} {}: exists and is not a folder; choose a folder",
                path.display()
            ))
            .into());
        }
        let ours = Self::check_ours(path, mode, flag)?;
        if !path.is_dir() {
            return Ok(());
        }
        // Read-only, never created: a lock file is there only while (or if) a run holds it.
        if let Ok(file) = File::open(path.join(LOCK))
            && let Err(fs::TryLockError::WouldBlock) = file.try_lock()
        {
            return Err(RuntimeError::new(format!(
                "{flag} {}: is in use by another xorsweep; wait for it to finish or choose another folder",
                path.display()
            ))
            .into());
        }
        Self::check_no_results(path, mode, ours, flag, layout).map(|_| ())
    }

    /// A new run refuses a folder of xorsweep's that holds an earlier run's results; returns
    /// whether the folder holds an unfinished run, whose files a rerun replaces without --force
    /// (never a sweep's saved chunks, which --resume finishes).
    fn check_no_results(
        path: &Path,
        mode: Mode,
        ours: bool,
        flag: &str,
        layout: &Layout,
    ) -> anyhow::Result<bool> {
        let shown = path.display();
        let names = entries(path).map_err(|e| {
            RuntimeError::new(format!("{flag} {shown}: cannot list the folder: {e}"))
        })?;
        let has_results = names.iter().any(|n| {
            !matches!(n.as_str(), MARKER | LOCK | CHUNKS)
                && !layout.setup.contains(&n.as_str())
                && !n.starts_with(TMP_PREFIX)
        }) || has_chunk_files(path);
        let unfinished = layout
            .finished_by
            .is_some_and(|last| ours && !path.join(last).exists() && !has_chunk_files(path));
        if mode == Mode::New && ours && has_results && !unfinished {
            let resume = if layout.resumable {
                ", --resume to finish an interrupted sweep,"
            } else {
                ""
            };
            return Err(UsageError::new(format!(
                "{flag} {shown}: folder is not empty: it holds the results of an earlier run; add --force to replace them{resume} or choose another folder"
            ))
            .into());
        }
        Ok(unfinished)
    }

    /// Refuse, before anything is deleted or written, a folder where an output name is taken
    /// by a folder, or a subfolder ([`CHUNKS`] or the layout's) by a symlink or a file.
    fn check_paths(&self, layout: &Layout) -> anyhow::Result<()> {
        for name in layout.outputs {
            let p = self.path.join(name);
            if fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
                return Err(UsageError::new(format!(
                    "{} is a folder where xorsweep writes a file; move it away",
                    p.display()
                ))
                .into());
            }
        }
        for sub in std::iter::once(&CHUNKS).chain(layout.subfolders) {
            let p = self.path.join(sub);
            if let Ok(m) = fs::symlink_metadata(&p)
                && (m.file_type().is_symlink() || !m.is_dir())
            {
                return Err(not_a_real_folder(&p).into());
            }
        }
        Ok(())
    }

    /// Whether `path` holds xorsweep's marker; an error if it is a non-empty folder without one
    /// (a lock file or temporary debris alone is what a start that failed at once leaves).
    fn check_ours(path: &Path, mode: Mode, flag: &str) -> anyhow::Result<bool> {
        let shown = path.display();
        if !path.is_dir() {
            return Ok(false);
        }
        let names = entries(path).map_err(|e| {
            RuntimeError::new(format!("{flag} {shown}: cannot list the folder: {e}"))
        })?;
        let ours = names.iter().any(|n| n == MARKER);
        let foreign = names
            .iter()
            .any(|n| n != LOCK && !n.starts_with(TMP_PREFIX));
        if !ours && foreign {
            let why = match mode {
                Mode::Force => "--force deletes files only in folders xorsweep made",
                Mode::Resume => "nothing of xorsweep's to --resume there",
                Mode::New => "choose a new or empty folder",
            };
            return Err(UsageError::new(format!(
                "{flag} {shown}: not a xorsweep output folder (it is not empty and holds no {MARKER} marker); {why}"
            ))
            .into());
        }
        Ok(ours)
    }

    /// Open an existing folder of xorsweep's for rewriting some of its files (`plot`).
    pub fn open_existing(path: &Path, flag: &str) -> anyhow::Result<OutDir> {
        let shown = path.display();
        if !path.is_dir() {
            return Err(UsageError::new(format!("{flag}: {shown} is not a folder")).into());
        }
        if !path.join(MARKER).is_file() {
            return Err(UsageError::new(format!(
                "{flag}: {shown} is not a xorsweep output folder (no {MARKER} marker; rerun the sweep with this xorsweep to make one)"
            ))
            .into());
        }
        let lock = Self::lock(path, flag)?;
        let dir = OutDir {
            path: path.to_path_buf(),
            _lock: lock,
        };
        dir.remove_temp_files()?;
        Ok(dir)
    }

    fn lock(path: &Path, flag: &str) -> anyhow::Result<File> {
        let lock_path = path.join(LOCK);
        let shown = path.display();
        let not_plain = || -> anyhow::Error {
            UsageError::new(format!(
                "{flag} {shown}: {LOCK} is not a plain file of xorsweep's (a symlink, a FIFO, a folder, or a hard link to another file); remove it"
            ))
            .into()
        };
        if fs::symlink_metadata(&lock_path).is_ok_and(|m| !m.is_file()) {
            return Err(not_plain());
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // Never through a symlink planted where the lock file goes, and never blocking on
        // whatever else is there.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut options,
            libc::O_NOFOLLOW | libc::O_NONBLOCK,
        );
        let mut file = options
            .open(&lock_path)
            .map_err(|e| cannot_write_there(flag, path, e))?;
        // The file opened is the one checked, and it is nobody else's: a hard link planted as
        // the lock file would otherwise have its target truncated and overwritten below.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = file
                .metadata()
                .map_err(|e| RuntimeError::new(format!("{flag} {shown}: cannot lock: {e}")))?;
            if !m.is_file() || m.nlink() != 1 {
                return Err(not_plain());
            }
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                // The holder writes its pid right after locking: give it a moment.
                let mut pid = String::new();
                for _ in 0..50 {
                    pid = crate::fsio::read_text(&lock_path, 64).unwrap_or_default();
                    if !pid.trim().is_empty() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                let pid = pid.trim();
                let who = if pid.is_empty() {
                    String::new()
                } else {
                    format!(", pid {pid}")
                };
                return Err(RuntimeError::new(format!(
                    "{flag} {shown}: is in use by another xorsweep{who}; wait for it to finish or choose another folder"
                ))
                .into());
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(RuntimeError::new(format!(
                    "{flag} {shown}: cannot lock the folder: {e}"
                ))
                .into());
            }
        }
        // The lock file may have been removed by a run that just finished (see `Drop`) after we
        // opened it: then our lock is on a file nobody else can see, so take the new one.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let same = match (file.metadata(), fs::metadata(&lock_path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if !same {
                drop(file);
                return Self::lock(path, flag);
            }
        }
        if let Err(e) = file
            .set_len(0)
            .and_then(|_| file.write_all(format!("{}\n", std::process::id()).as_bytes()))
        {
            // The lock is ours (held): a start that fails here (a full disk) leaves no lock
            // file behind, as a run that fails later does (`Drop`).
            let _ = fs::remove_file(&lock_path);
            return Err(cannot_write_there(flag, path, e));
        }
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The chunks folder, created if needed; refused if it is a symlink.
    pub fn chunk_dir(&self) -> anyhow::Result<PathBuf> {
        self.subfolder(CHUNKS)
    }

    pub fn chunk_path(&self, k: u64) -> PathBuf {
        chunk_path(&self.path, k)
    }

    /// A new temporary file in `dir` (this folder or its chunks folder), created exclusively
    /// under an unpredictable name; [`NamedTempFile::persist`] it to its final name.
    pub fn temp_file_in(&self, dir: &Path) -> anyhow::Result<NamedTempFile> {
        let mut b = tempfile::Builder::new();
        b.prefix(TMP_PREFIX);
        // Readable like any file the user makes (tempfile's default is owner-only); the umask
        // still applies.
        #[cfg(unix)]
        b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        b.tempfile_in(dir).map_err(|e| {
            RuntimeError::new(format!("cannot write in {}: {e}", dir.display())).into()
        })
    }

    /// A subfolder of this folder, created if needed; refused if it is a symlink or a file.
    fn subfolder(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = self.path.join(name);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                Err(not_a_real_folder(&dir).into())
            }
            Ok(_) => Ok(dir),
            Err(_) => {
                fs::create_dir(&dir).map_err(|e| {
                    RuntimeError::new(format!("cannot create {}: {e}", dir.display()))
                })?;
                Ok(dir)
            }
        }
    }

    /// Write `name` (a file of this folder, or `SUB/file` in a subfolder) atomically: temporary
    /// file, fsync, rename.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let target = self.path.join(name);
        let dir = match name.split_once('/') {
            Some((sub, _)) => self.subfolder(sub)?,
            None => self.path.clone(),
        };
        let mut tmp = self.temp_file_in(&dir)?;
        tmp.write_all(bytes)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| RuntimeError::new(format!("cannot write {}: {e}", target.display())))?;
        tmp.persist(&target).map_err(|e| {
            RuntimeError::new(format!("cannot write {}: {}", target.display(), e.error))
        })?;
        Ok(())
    }

    /// Whether this folder holds `name`.
    pub fn has(&self, name: &str) -> bool {
        fs::symlink_metadata(self.path.join(name)).is_ok()
    }

    /// Remove the named files of xorsweep's (a symlink is removed, never followed).
    pub fn remove_files(&self, names: &[&str]) -> anyhow::Result<()> {
        for name in names {
            let p = self.path.join(name);
            if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
                fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
            }
        }
        Ok(())
    }

    /// Remove the chunk files (and the chunks folder if that leaves it empty).
    pub fn remove_chunks(&self) -> anyhow::Result<()> {
        self.remove_files_in(CHUNKS, is_chunk_file)
    }

    /// Remove the files of subfolder `sub` that `ours` recognises as xorsweep's (and temporary
    /// debris), then the subfolder if that leaves it empty. A symlinked subfolder is left alone.
    pub fn remove_files_in(&self, sub: &str, ours: impl Fn(&str) -> bool) -> anyhow::Result<()> {
        let dir = self.path.join(sub);
        if !fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            return Ok(());
        }
        for name in entries(&dir)? {
            let p = dir.join(&name);
            let file = fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir());
            if file && (ours(&name) || name.starts_with(TMP_PREFIX)) {
                fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
            }
        }
        let _ = fs::remove_dir(&dir);
        Ok(())
    }

    fn remove_temp_files(&self) -> anyhow::Result<()> {
        for dir in [self.path.clone(), self.path.join(CHUNKS)] {
            if !fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            for name in entries(&dir)? {
                if name.starts_with(TMP_PREFIX) {
                    let _ = fs::remove_file(dir.join(name));
                }
            }
        }
        Ok(())
    }
}

/// A folder the user named that cannot be written: a usage error (exit 2) when the folder is
/// not writable — permissions or a read-only file system, like a folder that cannot be created:
/// the fix is another folder — and a runtime error (exit 1) otherwise (a full disk, an I/O
/// error: the fix is to the machine, and a rerun then works).
pub fn cannot_write_there(flag: &str, path: &Path, e: std::io::Error) -> anyhow::Error {
    let shown = crate::escape::shown(path);
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            UsageError::new(format!(
                "{flag} {shown}: cannot write there ({e}); choose a folder you can write to"
            ))
            .into()
        }
        _ => RuntimeError::new(format!("{flag} {shown}: cannot write there: {e}")).into(),
    }
}

fn not_a_real_folder(dir: &Path) -> UsageError {
    UsageError::new(format!(
        "{} is not a real folder (a symlink or a file): xorsweep writes only into folders of its own; remove it",
        dir.display()
    ))
}

/// Write a single file that must not exist yet (`flag` names where its path came from): a
/// temporary file in its folder, fsync, then a rename that refuses to replace anything, so an
/// existing file (xorsweep's or not) is never overwritten and a failed write leaves no
/// half-written file under the final name.
pub fn write_new_file(path: &Path, bytes: &[u8], flag: &str) -> anyhow::Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(UsageError::new(format!(
            "{flag} {}: the file exists; xorsweep does not overwrite it: pick another name or remove it",
            path.display()
        ))
        .into());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(UsageError::new(format!(
            "{flag} {}: there is no folder {}; create it first",
            path.display(),
            dir.display()
        ))
        .into());
    }
    let mut b = tempfile::Builder::new();
    b.prefix(TMP_PREFIX);
    #[cfg(unix)]
    b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = b
        .tempfile_in(&dir)
        .map_err(|e| cannot_write_there(flag, &dir, e))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| RuntimeError::new(format!("cannot write {}: {e}", path.display())))?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::Error::from(UsageError::new(format!(
                "{flag} {}: the file exists; xorsweep does not overwrite it: pick another name or remove it",
                path.display()
            )))
        } else {
            RuntimeError::new(format!("cannot write {}: {}", path.display(), e.error)).into()
        }
    })?;
    Ok(())
}

/// Path of chunk `k` under an output folder (also used to read shards' chunks).
pub fn chunk_path(out: &Path, k: u64) -> PathBuf {
    out.join(CHUNKS).join(format!("chunk-{k:06}.bin"))
}

/// Whether `out/chunks` holds any chunk file.
pub fn has_chunk_files(out: &Path) -> bool {
    fs::read_dir(out.join(CHUNKS)).is_ok_and(|d| {
        d.flatten()
            .any(|e| is_chunk_file(&e.file_name().to_string_lossy()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwritable_folder_is_a_usage_error_and_a_full_disk_a_runtime_one() {
        let p = Path::new("/ro/out");
        for errno in [libc::EROFS, libc::EACCES, libc::EPERM] {
            let e = cannot_write_there("--out", p, std::io::Error::from_raw_os_error(errno));
            assert!(e.is::<UsageError>(), "{errno}: {e}");
            assert!(
                e.to_string().contains("choose a folder you can write to"),
                "{e}"
            );
        }
        for errno in [libc::ENOSPC, libc::EIO, libc::EFBIG] {
            let e = cannot_write_there("--out", p, std::io::Error::from_raw_os_error(errno));
            assert!(e.is::<RuntimeError>(), "{errno}: {e}");
            assert!(
                e.to_string()
                    .starts_with("--out /ro/out: cannot write there"),
                "{e}"
            );
        }
    }
}
