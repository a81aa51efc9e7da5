//! Any bytes as a session file: read, and if accepted, run as the app runs a loaded session,
//! saved, and loaded again (`tests/fuzz_support/program.rs`, shared with `cargo test`).
//! A broken promise that is no crash (a save that does not load again, a NaN on screen)
//! panics, so libFuzzer keeps the input.

#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod fuzz_support;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The app reads session files as UTF-8 text; other bytes never reach the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(problem) = fuzz_support::program::run_session_text(text) {
        panic!("{problem:?}");
    }
});
