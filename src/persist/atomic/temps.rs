//! The temporary files this process is writing, so that SIGINT, SIGTERM or SIGHUP (Ctrl+C, a
//! `kill`, a closed terminal) removes them before the process ends instead of leaving
//! megabytes of half-written file behind.
//!
//! One lock covers the list and every step that creates, renames or removes a listed file, and
//! the signal thread takes it before cleaning up and never gives it back: so a file is never
//! on disk unlisted while a save is in progress, and nothing new is created after the clean-up.

use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, mpsc};
use tempfile::{Builder, NamedTempFile};

/// Paths of the temporary files being written, by any thread.
static WRITING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether the signal thread runs (it is started at most once).
static INSTALLED: AtomicBool = AtomicBool::new(false);

fn writing() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while holding the lock leaves the list itself consistent.
    WRITING.lock().unwrap_or_else(PoisonError::into_inner)
}

fn forget(list: &mut Vec<PathBuf>, path: &Path) {
    list.retain(|listed| listed != path);
}

/// Creates a temporary file in `dir` as `builder` says, lets `fill` write it, and renames it
/// over `target` (atomically replacing it). The file is listed from the moment it exists until
/// it is renamed or removed, which happens on any error and on a panic in `fill`.
pub(super) fn fill_then_rename(
    builder: &Builder,
    dir: &Path,
    target: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mut temp = ListedTemp::create(builder, dir)?;
    if let Some(file) = temp.file.as_mut() {
        fill(file.as_file_mut())?;
    }
    temp.rename_over(target)
}

/// A temporary file on the list until it is renamed into place or dropped (which removes it).
struct ListedTemp {
    /// `Some` until [`ListedTemp::rename_over`] or `Drop` takes it.
    file: Option<NamedTempFile>,
}

impl ListedTemp {
    fn create(builder: &Builder, dir: &Path) -> io::Result<Self> {
        let mut list = writing();
        let file = builder.tempfile_in(dir).map_err(|e| {
            let reason = format!("cannot create a temporary file in {}: {e}", dir.display());
            io::Error::new(e.kind(), reason)
        })?;
        list.push(file.path().to_owned());
        Ok(Self { file: Some(file) })
    }

    /// On failure the temporary file is removed.
    fn rename_over(mut self, target: &Path) -> io::Result<()> {
        let mut list = writing();
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("the temporary file was already renamed"))?;
        forget(&mut list, file.path());
        // On failure the error holds the temporary file, which is removed when it drops here,
        // still under the lock.
        file.persist(target).map(drop).map_err(|e| e.error)
    }
}

impl Drop for ListedTemp {
    /// Removes a file that was not renamed, and takes it off the list, under the lock: a signal
    /// never finds it on disk but off the list.
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut list = writing();
            forget(&mut list, file.path());
            drop(file);
        }
    }
}

/// Starts (once per process; later calls do nothing) a thread named `signal-cleanup` that, on
/// SIGINT, SIGTERM or SIGHUP, removes every temporary file being written and exits with
/// 128 + the signal's number, as a shell reports a process killed by that signal.
///
/// Call it first thing in `main`. The handler itself only wakes the thread (that is all a
/// signal handler may safely do, which is why `signal_hook`'s iterator is used); the removal
/// runs as ordinary code. The thread lives as long as the process and is never joined. SIGKILL
/// cannot be caught: a file it abandons is removed by the next save to the same file.
pub fn remove_temps_on_signals() -> io::Result<()> {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let started = start_signal_thread();
    if started.is_err() {
        INSTALLED.store(false, Ordering::SeqCst);
    }
    started
}

/// The signals are registered on the thread itself, so they are never caught unless a thread
/// is there to act on them (a caught signal no longer ends the process by default).
fn start_signal_thread() -> io::Result<()> {
    let (report, registered) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("signal-cleanup".into())
        .spawn(move || {
            let mut signals = match Signals::new([SIGINT, SIGTERM, SIGHUP]) {
                Ok(signals) => signals,
                Err(e) => {
                    // The receiver waits for exactly this message.
                    let _ = report.send(Err(e));
                    return;
                }
            };
            let _ = report.send(Ok(()));
            if let Some(signal) = signals.forever().next() {
                // Held until exit: no save may create a file after this sweep.
                let list = writing();
                for path in list.iter() {
                    // Best effort: the process ends either way.
                    let _ = fs::remove_file(path);
                }
                std::process::exit(128 + signal);
            }
        })?;
    registered
        .recv()
        .map_err(|_| io::Error::other("the signal thread ended before registering"))?
}
