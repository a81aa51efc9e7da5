//! Reading a whole text file through a size cap that holds for anything at the path: a
//! regular file is refused by its length before a byte is read, and a device, pipe or FIFO
//! (which report no length) is read only up to the cap, then refused.

use super::PersistError;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Reads a whole text file of at most `limit` bytes (see the module docs).
pub fn read_text(path: &Path, limit: u64) -> Result<String, PersistError> {
    let read_error = |error| PersistError::Read {
        path: path.to_owned(),
        error,
    };
    let file = File::open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if metadata.is_dir() {
        return Err(read_error(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder",
        )));
    }
    if metadata.is_file() && metadata.len() > limit {
        return Err(PersistError::TooLarge {
            bytes: metadata.len(),
            limit,
        });
    }
    let raw = if metadata.is_file() {
        let mut raw = Vec::with_capacity(metadata.len() as usize);
        file.take(limit.saturating_add(1))
            .read_to_end(&mut raw)
            .map_err(read_error)?;
        raw
    } else {
        read_in_chunks(file, limit).map_err(read_error)?
    };
    if raw.len() as u64 > limit {
        return Err(PersistError::TooLarge {
            bytes: raw.len() as u64,
            limit,
        });
    }
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

/// Data files larger than this are refused unread (60 000 MNIST digits as 0/1 text take 47 MB).
pub const MAX_PATTERN_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a 0/1 text file of patterns (one a line, all of one width): at least one pattern.
pub fn load_patterns(path: &Path) -> Result<Vec<Vec<u8>>, PersistError> {
    let text = read_text(path, MAX_PATTERN_BYTES)?;
    let patterns = crate::engine::patterns::parse_patterns(&text)
        .map_err(|e| PersistError::Other(format!("{}: {e}", path.display())))?;
    if patterns.is_empty() {
        return Err(PersistError::Other(format!(
            "{} holds no patterns",
            path.display()
        )));
    }
    Ok(patterns)
}

/// Reads a stream of unknown length, up to `limit + 1` bytes, in 1 MB pieces joined once at
/// the end: at most twice the data is held at any time (a doubling buffer could hold four).
fn read_in_chunks(file: File, limit: u64) -> std::io::Result<Vec<u8>> {
    const CHUNK: u64 = 1 << 20;
    let mut source = file.take(limit.saturating_add(1));
    let mut chunks = Vec::new();
    loop {
        let mut chunk = Vec::with_capacity(CHUNK as usize);
        let got = (&mut source).take(CHUNK).read_to_end(&mut chunk)?;
        if got == 0 {
            break;
        }
        chunks.push(chunk);
    }
    Ok(chunks.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_read_only_up_to_the_cap() {
        // /dev/zero never ends and reports length 0: the cap must stop it.
        let error = read_text(Path::new("/dev/zero"), 1000).expect_err("refused");
        assert!(
            matches!(
                error,
                PersistError::TooLarge {
                    bytes: 1001,
                    limit: 1000
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn a_folder_is_refused_by_name() {
        let error = read_text(Path::new("/"), 1000).expect_err("refused");
        assert!(error.to_string().contains("folder"), "{error}");
    }
}
