//! What a save may replace. Saving renames a new file over the old one, so it would silently
//! turn anything at that name into a regular file: a device, a FIFO, a directory's name, a
//! read-only file, a symbolic link. This module decides, before anything is written, which
//! file the rename goes over, or refuses with the reason.

use std::ffi::OsString;
use std::fs::{self, File, FileType, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The file a save renames over, and what the new file keeps of the old one.
#[derive(Debug)]
pub(super) struct Target {
    /// The regular file renamed over: the path itself, or a symbolic link's final target, so
    /// the link stays a link and the file it points to gets the new contents.
    pub path: PathBuf,
    /// The folder of `path`, where the temporary file is created: a rename is atomic only
    /// within one file system.
    pub dir: PathBuf,
    /// The last component of `path`, from which temporary files are named.
    pub name: OsString,
    /// The old file's mode and owner, or `None` when there is no old file.
    pub existing: Option<Existing>,
}

/// What a replaced file keeps: saving changes contents, not who may read them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Existing {
    /// Permission bits (with set-id and sticky bits), e.g. `0o600`.
    pub mode: u32,
    /// Owning user.
    pub uid: u32,
    /// Owning group.
    pub gid: u32,
}

/// Decides what saving to `path` replaces, or refuses (the error says why, in words).
///
/// Symbolic links are followed only to a regular file. Nothing that is not a regular file is
/// ever opened: opening a FIFO for writing would block until a reader came, and opening a
/// device can have effects of its own.
pub(super) fn resolve(path: &Path) -> io::Result<Target> {
    let own = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return new_file(path),
        other => other?,
    };
    if own.file_type().is_symlink() {
        let followed = match fs::metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refusal(
                    io::ErrorKind::NotFound,
                    "it is a symbolic link to nothing (its target does not exist)".into(),
                ));
            }
            other => other?,
        };
        if !followed.is_file() {
            return Err(refusal(
                io::ErrorKind::InvalidInput,
                format!(
                    "it is a symbolic link to {}, not to a regular file; saving replaces only \
                     regular files",
                    describe(followed.file_type())
                ),
            ));
        }
        return existing_file(fs::canonicalize(path)?, &followed);
    }
    if !own.is_file() {
        let kind = if own.is_dir() {
            io::ErrorKind::IsADirectory
        } else {
            io::ErrorKind::InvalidInput
        };
        return Err(refusal(
            kind,
            format!(
                "it is {}, not a regular file; saving replaces only regular files",
                describe(own.file_type())
            ),
        ));
    }
    existing_file(path.to_owned(), &own)
}

/// Nothing is there yet: the new file is created like any other (0666 minus the umask).
fn new_file(path: &Path) -> io::Result<Target> {
    Ok(Target {
        path: path.to_owned(),
        dir: folder_of(path),
        name: name_of(path)?,
        existing: None,
    })
}

/// A regular file the user may replace only if they may write to it.
fn existing_file(path: PathBuf, meta: &Metadata) -> io::Result<Target> {
    let mode = meta.mode() & 0o7777;
    // Root can open any file for writing, so the bits are checked first: a file nobody may
    // write to was made read-only on purpose.
    if mode & 0o222 == 0 {
        return Err(refusal(
            io::ErrorKind::PermissionDenied,
            format!("it is read-only (mode {mode:04o}); saving does not replace read-only files"),
        ));
    }
    check_writable(&path)?;
    Ok(Target {
        dir: folder_of(&path),
        name: name_of(&path)?,
        path,
        existing: Some(Existing {
            mode,
            uid: meta.uid(),
            gid: meta.gid(),
        }),
    })
}

/// Opens the file for writing without truncating it, the way the kernel would judge a write
/// by this user. `O_NOFOLLOW` and `O_NONBLOCK` guard against the name being swapped for a link
/// or a FIFO since it was looked at; the open handle is checked to be a regular file too.
fn check_writable(path: &Path) -> io::Result<()> {
    let file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| refusal(e.kind(), format!("this user may not write to it ({e})")))?;
    if File::metadata(&file)?.is_file() {
        Ok(())
    } else {
        Err(refusal(
            io::ErrorKind::InvalidInput,
            "it stopped being a regular file while being checked".into(),
        ))
    }
}

/// The folder a path lies in; `.` for a bare file name.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn name_of(path: &Path) -> io::Result<OsString> {
    path.file_name().map(ToOwned::to_owned).ok_or_else(|| {
        refusal(
            io::ErrorKind::InvalidInput,
            "it does not name a file (it ends in `..` or is a root)".into(),
        )
    })
}

/// Whether a file type is of one kind.
type IsKind = fn(&FileType) -> bool;

/// A file type in words, with its article.
fn describe(kind: FileType) -> &'static str {
    let kinds: [(IsKind, &'static str); 7] = [
        (FileType::is_dir, "a directory"),
        (FileTypeExt::is_fifo, "a FIFO (named pipe)"),
        (FileTypeExt::is_socket, "a socket"),
        (FileTypeExt::is_char_device, "a character device"),
        (FileTypeExt::is_block_device, "a block device"),
        (FileType::is_symlink, "a symbolic link"),
        (FileType::is_file, "a regular file"),
    ];
    kinds
        .iter()
        .find(|(is, _)| is(&kind))
        .map_or("an unknown kind of file", |(_, words)| words)
}

fn refusal(kind: io::ErrorKind, reason: String) -> io::Error {
    io::Error::new(kind, reason)
}
