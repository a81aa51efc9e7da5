//! How temporary files are named, and removing those whose writer died.
//!
//! A save to `NAME` writes `.NAME.boltzviz-PID-RANDOM.tmp` beside it: hidden, recognisably
//! ours, with the writing process's id so a later save can tell an abandoned file (its process
//! is gone, e.g. killed with SIGKILL, which no handler sees) from one still being written.
//! `RANDOM` makes the name unpredictable, and the file is created exclusively (`O_EXCL`), so a
//! file or link planted at a guessed name makes creation retry rather than write through it.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// Ends every temporary file's name.
pub(super) const SUFFIX: &str = ".tmp";

/// Random characters in a temporary file's name (letters and digits: about 59 bits).
pub(super) const RANDOM_CHARS: usize = 10;

/// File names are at most 255 bytes on common file systems; the target's name is cut to this
/// many bytes in the temporary name, leaving room for the rest.
const MAX_NAME_BYTES: usize = 200;

/// `.NAME.boltzviz-`: what every temporary file for `name` starts with, whoever wrote it.
fn common_prefix(name: &OsStr) -> Vec<u8> {
    let bytes = name.as_bytes();
    let mut cut = bytes.len().min(MAX_NAME_BYTES);
    // Do not split a UTF-8 character: back up over continuation bytes.
    while cut < bytes.len() && cut > 0 && bytes[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(&bytes[..cut]);
    prefix.extend_from_slice(b".boltzviz-");
    prefix
}

/// `.NAME.boltzviz-PID-`: the prefix of this process's temporary files for `name`.
pub(super) fn prefix_for_this_process(name: &OsStr) -> OsString {
    let mut prefix = common_prefix(name);
    prefix.extend_from_slice(format!("{}-", std::process::id()).as_bytes());
    OsString::from_vec(prefix)
}

/// The process id in a temporary file's name, if `file_name` is one of ours for the file
/// whose common prefix is `prefix`.
fn writer_of(file_name: &[u8], prefix: &[u8]) -> Option<u32> {
    let rest = file_name
        .strip_prefix(prefix)?
        .strip_suffix(SUFFIX.as_bytes())?;
    let dash = rest.iter().position(|&b| b == b'-')?;
    let (pid, random) = (&rest[..dash], &rest[dash + 1..]);
    let plausible = !pid.is_empty()
        && pid.iter().all(u8::is_ascii_digit)
        && !random.is_empty()
        && random.iter().all(u8::is_ascii_alphanumeric);
    if !plausible {
        return None;
    }
    std::str::from_utf8(pid).ok()?.parse().ok()
}

/// Whether process `pid` is certainly gone. Without `/proc` (not Linux, or not mounted) it
/// cannot be told, and every process counts as alive.
fn is_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Removes the temporary files for `name` in `dir` left by processes that no longer run.
///
/// Files of this process (another thread may be writing one) and of live processes are kept,
/// and so is anything that is not a regular file (a planted link is not ours to follow or
/// remove). Best effort: a file that cannot be listed or removed only stays behind.
///
/// A process id is only meaningful on this machine and in this PID namespace; a folder shared
/// with another machine or container could hold a live writer's file that looks abandoned.
pub(super) fn remove_abandoned(dir: &Path, name: &OsStr) {
    let prefix = common_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = writer_of(entry.file_name().as_bytes(), &prefix) else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|kind| kind.is_file());
        if regular && pid != std::process::id() && is_gone(pid) {
            // Best effort: if it cannot be removed now, the next save tries again.
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_pattern_names_a_writer() {
        let prefix = common_prefix(OsStr::new("out.txt"));
        let pid = |s: &str| writer_of(s.as_bytes(), &prefix);
        assert_eq!(pid(".out.txt.boltzviz-123-aZ09xxxxxx.tmp"), Some(123));
        assert_eq!(pid(".out.txt.boltzviz-123-.tmp"), None);
        assert_eq!(pid(".out.txt.boltzviz--abc.tmp"), None);
        assert_eq!(pid(".out.txt.boltzviz-+12-abc.tmp"), None);
        assert_eq!(pid(".out.txt.boltzviz-12-a/b.tmp"), None);
        assert_eq!(pid(".out.txt.123.tmp"), None);
        assert_eq!(pid(".out.txt.x.boltzviz-123-abc.tmp"), None);
        assert_eq!(pid(".out.txt.boltzviz-123-abc"), None);
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let name = "é".repeat(150); // 300 bytes
        let prefix = common_prefix(OsStr::new(&name));
        assert!(prefix.len() <= MAX_NAME_BYTES + ".".len() + ".boltzviz-".len());
        assert!(std::str::from_utf8(&prefix).is_ok());
    }
}
