//! The error types that decide the exit code and carry a one-line message: bad input (exit 2,
//! like clap's own errors), a runtime failure (exit 1: I/O, disk full, folder in use), and an
//! interruption by a signal (exit 128 + the signal's number). Any other error exits 1 too.

/// A problem with what the user asked for: a one-line message naming the flag and the problem.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(msg: impl Into<String>) -> Self {
        UsageError(msg.into())
    }
}

/// Something went wrong while doing what was asked (the request itself was fine).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RuntimeError(pub String);

impl RuntimeError {
    pub fn new(msg: impl Into<String>) -> Self {
        RuntimeError(msg.into())
    }
}

/// A sweep stopped by SIGINT, SIGTERM or SIGHUP after saving its completed chunks.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Interrupted {
    pub signal: i32,
    pub message: String,
}

impl Interrupted {
    /// 128 + the signal's number, as a shell reports a process a signal ended.
    pub fn exit_code(&self) -> u8 {
        (128 + self.signal).clamp(0, 255) as u8
    }
}
