//! The one error type that changes the exit code: bad input (exit 2, like clap's own errors).

/// A problem with what the user asked for: a one-line message naming the flag and the problem.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(msg: impl Into<String>) -> Self {
        UsageError(msg.into())
    }
}

/// A sweep stopped by Ctrl-C after saving its completed chunks (exit code 130).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);
