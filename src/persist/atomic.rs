//! Writing a file so that it is either wholly new or wholly old: write a temporary file in
//! the same folder, sync it, and rename it over the target (a rename within one file system
//! is atomic). If anything fails, the temporary file is removed and the old file is untouched.

use super::PersistError;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` through `write`, atomically (see the module docs).
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), PersistError> {
    let temp = temporary_path(path);
    let result = write_then_rename(path, &temp, write);
    if result.is_err() {
        // Best effort: the temporary file may not even exist.
        let _ = fs::remove_file(&temp);
    }
    result.map_err(|error| PersistError::Write {
        path: path.to_owned(),
        error,
    })
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), PersistError> {
    write_atomically(path, |w| w.write_all(bytes))
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let temp_name = format!(".{name}.{}.tmp", std::process::id());
    path.with_file_name(temp_name)
}

fn write_then_rename(
    path: &Path,
    temp: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let file = File::create(temp)?;
    let mut buffered = BufWriter::new(file);
    write(&mut buffered)?;
    let file = buffered.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, path)?;
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Reads a whole text file, refusing files over `limit` bytes before reading them.
pub fn read_text(path: &Path, limit: u64) -> Result<String, PersistError> {
    let read_error = |error| PersistError::Read {
        path: path.to_owned(),
        error,
    };
    let bytes = fs::metadata(path).map_err(read_error)?.len();
    if bytes > limit {
        return Err(PersistError::TooLarge { bytes, limit });
    }
    let raw = fs::read(path).map_err(read_error)?;
    String::from_utf8(raw).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + good.iter().rev().take_while(|&&b| b != b'\n').count();
        PersistError::Syntax {
            line,
            column,
            message: "the file is not text (invalid UTF-8)".into(),
        }
    })
}
