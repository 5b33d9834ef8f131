//! Reading the files xorsweep is given, safely: every read in the program goes through here so
//! that none can hang or exhaust memory, whatever sits at the path.
//!
//! - A file is opened with `O_NONBLOCK` (so a FIFO with no writer cannot block the open) and then
//!   checked with `fstat` on the open descriptor (so nothing can be swapped in between the check
//!   and the read): anything but a regular file — a FIFO, a device such as `/dev/zero`, a socket,
//!   a folder — is refused, naming the path.
//! - Every caller states the most bytes it will accept; the size is checked from the metadata
//!   before anything is read, and the read itself stops one byte past the limit in case the file
//!   grows meanwhile. So a 301-digit map range or a planted 8 GB file is a message, not an abort.
//! - Readers that can stream (CSV records) take the open [`File`] from [`open`] instead of the
//!   whole contents.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::escape::shown;

/// The most a hand-written or recorded TOML or JSON file (a `--config`, `sweep.toml`,
/// `map.toml`, a `manifest.json`) may hold: these are kilobytes.
pub const CONFIG_LIMIT: u64 = 1 << 20;

/// Why a file could not be read.
#[derive(Debug)]
pub enum Why {
    /// Not there.
    Missing,
    /// There, but not a regular file: what it is instead.
    NotRegular(&'static str),
    /// Larger than the caller accepts.
    TooLarge { size: u64, limit: u64 },
    /// Not UTF-8 text (for text reads).
    NotText,
    /// The open or read failed.
    Io(std::io::Error),
}

/// A file that could not be read, with its path.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub why: Why,
}

impl ReadError {
    /// Whether the file is simply absent (callers often treat that as its own case).
    pub fn is_missing(&self) -> bool {
        matches!(self.why, Why::Missing)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = shown(&self.path);
        match &self.why {
            Why::Missing => write!(f, "cannot read {path}: it does not exist"),
            Why::NotRegular(kind) => write!(
                f,
                "{path} is {kind}, not a regular file; xorsweep reads only regular files"
            ),
            Why::TooLarge { size, limit } => write!(
                f,
                "{path} is too large: {size} bytes, more than the {limit} this file can hold"
            ),
            Why::NotText => write!(f, "{path} is not UTF-8 text"),
            Why::Io(e) => write!(f, "cannot read {path}: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

fn kind_name(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if m.is_dir() { "a folder" } else { "not a file" }
}

/// Open `path` for reading without blocking, refuse it unless it is a regular file of at most
/// `limit` bytes, and return it with its size. Symlinks are followed (to a regular file, they
/// are the user's choice).
pub fn open(path: &Path, limit: u64) -> Result<(File, u64), ReadError> {
    let err = |why| ReadError {
        path: path.to_path_buf(),
        why,
    };
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            err(Why::Missing)
        } else {
            err(Why::Io(e))
        }
    })?;
    let meta = file.metadata().map_err(|e| err(Why::Io(e)))?;
    if !meta.is_file() {
        return Err(err(Why::NotRegular(kind_name(&meta))));
    }
    if meta.len() > limit {
        return Err(err(Why::TooLarge {
            size: meta.len(),
            limit,
        }));
    }
    Ok((file, meta.len()))
}

/// The whole of `path` (a regular file of at most `limit` bytes).
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open(path, limit)?;
    let mut bytes = Vec::with_capacity(size as usize);
    // One byte past the limit tells a file that grew after the check from one that did not.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError {
            path: path.to_path_buf(),
            why: Why::Io(e),
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError {
            path: path.to_path_buf(),
            why: Why::TooLarge {
                size: bytes.len() as u64,
                limit,
            },
        });
    }
    Ok(bytes)
}

/// The whole of `path` as UTF-8 text (a regular file of at most `limit` bytes).
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read(path, limit)?).map_err(|_| ReadError {
        path: path.to_path_buf(),
        why: Why::NotText,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "seeds = 3\n").unwrap();
        assert_eq!(read_text(&p, 10).unwrap(), "seeds = 3\n");
        let e = read_text(&p, 9).unwrap_err();
        assert!(matches!(e.why, Why::TooLarge { size: 10, limit: 9 }), "{e}");
        assert!(e.to_string().contains("too large"), "{e}");
    }

    #[test]
    fn devices_folders_and_missing_files_are_refused() {
        let e = read(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), 1 << 20).unwrap_err();
        assert!(matches!(e.why, Why::NotRegular("a folder")), "{e}");
        assert!(read(&dir.path().join("none"), 1).unwrap_err().is_missing());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_a_writer_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read(&p, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
    }
}
