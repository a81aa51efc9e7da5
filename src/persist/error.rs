//! What can go wrong with a file, in words a person can act on.

use crate::engine::EngineError;
use std::path::PathBuf;

/// A file could not be read, written or understood. The session in memory is never changed
/// when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The file could not be read.
    #[error("cannot read {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file could not be written; the old file (if any) is untouched.
    #[error("cannot write {path}: {error} (the old file, if any, is untouched)")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is larger than any session or weights file this program writes.
    #[error("the file is {bytes} bytes, more than the {limit}-byte limit; it is not read")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// Not RON, truncated, or a field of the wrong type.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected or found.
        message: String,
    },
    /// Saved by a newer BoltzViz.
    #[error(
        "the file has format version {found}, newer than this BoltzViz reads (up to {supported}); \
         update BoltzViz to open it"
    )]
    TooNew {
        /// The file's version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// Well-formed but inconsistent: sizes that do not match, asymmetric weights, NaN, ….
    #[error("the contents are not a valid network: {0}")]
    Invalid(EngineError),
    /// Anything else (e.g. an image that cannot be encoded).
    #[error("{0}")]
    Other(String),
}

impl From<EngineError> for PersistError {
    fn from(e: EngineError) -> Self {
        Self::Invalid(e)
    }
}
