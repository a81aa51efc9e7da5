//! A counting global allocator with a ceiling, so a test case that asks for too much memory is
//! caught and named instead of taking the machine with it.
//!
//! Every allocation adds to the live total; one that would lift it past [`LIMIT_BYTES`] is
//! refused (a null pointer). Code that reserves with `try_reserve` gets an error it can
//! handle; code that does not (the usual `Vec::with_capacity(n)` with an `n` read from a file)
//! makes Rust abort the process: that is the bug, and it is why cases run in a child process
//! (see [`super::supervisor`]). Before refusing, the allocator writes one `FUZZ-ALLOC` line to
//! stderr with the size, the program's stage and the first frame in BoltzViz, so the parent
//! can say which code asked.
//!
//! Writing that line allocates (a backtrace, a string); a thread-local flag lets those small
//! allocations through and keeps the report from recursing.

use super::child::first_boltzviz_frame;
use crate::fuzz_support::program::current_stage;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The most a case may hold live at once (the brief's 500 MB; BoltzViz's largest shipped
/// session needs a few megabytes).
pub const LIMIT_BYTES: usize = 500 * 1_000_000;

/// Bytes live now.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most bytes live since [`reset_peak`].
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set while this thread writes a refusal report (its own allocations pass).
    static REPORTING: Cell<bool> = const { Cell::new(false) };
}

/// The test binary's allocator: [`System`], counted and capped.
pub struct Counting;

/// Starts a new peak measurement (at the start of a case).
pub fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// The peak since [`reset_peak`].
pub fn peak_bytes() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Counts `grow` more bytes, or refuses them (and reports) if that passes the limit.
fn admit(grow: usize) -> bool {
    let before = LIVE.fetch_add(grow, Ordering::Relaxed);
    let live = before.saturating_add(grow);
    if live > LIMIT_BYTES && !REPORTING.with(Cell::get) {
        LIVE.fetch_sub(grow, Ordering::Relaxed);
        REPORTING.with(|r| r.set(true));
        report_refusal(grow, before);
        REPORTING.with(|r| r.set(false));
        return false;
    }
    PEAK.fetch_max(live, Ordering::Relaxed);
    true
}

/// One line on stderr: `FUZZ-ALLOC {"bytes":…,"live":…,"stage":…,"frame":…}`.
fn report_refusal(bytes: usize, live: usize) {
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    let line = serde_json::json!({
        "bytes": bytes,
        "live": live,
        "stage": current_stage().name(),
        "frame": first_boltzviz_frame(&trace),
    });
    let _ = writeln!(std::io::stderr(), "FUZZ-ALLOC {line}");
}

// SAFETY: every call is passed on to `System` unchanged; the counting around it only decides
// whether to pass it on at all (a refusal returns null, which `GlobalAlloc` allows).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's layout, as received.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: as in `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with this layout (through the methods above).
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !admit(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's pointer, layout and size, as received.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > old {
                LIVE.fetch_sub(new_size - old, Ordering::Relaxed);
            }
        } else if new_size < old {
            LIVE.fetch_sub(old - new_size, Ordering::Relaxed);
        }
        p
    }
}
