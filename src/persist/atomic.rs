//! Writing a file so that it is either wholly new or wholly old, touching nothing but that
//! file: write a temporary file in the same folder, sync it, and rename it over the target (a
//! rename within one file system is atomic). If anything fails, the temporary file is removed
//! and the old file is untouched.
//!
//! A rename replaces whatever has the name, so before writing, [`target`] refuses anything that
//! is not a regular file the user may write (devices, FIFOs, sockets, directories, read-only
//! files, links to anything but a regular file) and follows a symbolic link to its regular
//! file, so the link stays a link. The new file keeps the old one's mode (and owner, where the
//! user may set it). Temporary files have unpredictable names and are created exclusively
//! ([`temp_names`]); they are removed on every error, on SIGINT, SIGTERM and SIGHUP once
//! [`remove_temps_on_signals`] runs, and, when a killed process abandoned one, by the next save
//! to the same file.

mod target;
mod temp_names;
mod temps;

pub use temps::remove_temps_on_signals;

use super::PersistError;
use std::fs::{File, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use target::{Existing, Target};

/// The mode a new file is created with; the umask takes its bits away as for any new file.
const NEW_FILE_MODE: u32 = 0o666;

/// The mode a temporary file replacing an existing one starts with, private until it gets the
/// old file's mode.
const PRIVATE_MODE: u32 = 0o600;

/// Writes `path` through `write`, atomically (see the module docs). Refuses, before calling
/// `write`, to replace anything but a regular file the user may write.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), PersistError> {
    target::resolve(path)
        .and_then(|target| {
            temp_names::remove_abandoned(&target.dir, &target.name);
            write_then_rename(&target, write)
        })
        .map_err(|error| PersistError::Write {
            path: path.to_owned(),
            error,
        })
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), PersistError> {
    write_atomically(path, |w| w.write_all(bytes))
}

fn write_then_rename(
    target: &Target,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let prefix = temp_names::prefix_for_this_process(&target.name);
    let mode = if target.existing.is_some() {
        PRIVATE_MODE
    } else {
        NEW_FILE_MODE
    };
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(temp_names::SUFFIX)
        .rand_bytes(temp_names::RANDOM_CHARS)
        .permissions(Permissions::from_mode(mode));
    temps::fill_then_rename(&builder, &target.dir, &target.path, |file| {
        let mut buffered = BufWriter::new(&mut *file);
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        if let Some(existing) = target.existing {
            keep_mode_and_owner(file, existing)?;
        }
        file.sync_all()
    })?;
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Ok(dir) = File::open(&target.dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Gives the new file the old one's owner and mode. The owner first, since changing it clears
/// set-id bits. Only root may give a file away, so for anyone else a different owner stays
/// theirs (the old file was theirs to write, not necessarily theirs to own).
fn keep_mode_and_owner(file: &File, old: Existing) -> io::Result<()> {
    let new = file.metadata()?;
    if (new.uid(), new.gid()) != (old.uid, old.gid) {
        // Best effort, see above.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid), Some(old.gid));
    }
    file.set_permissions(Permissions::from_mode(old.mode))
}
