//! Any bytes as a weights file: read, and if accepted, imported into a running simulation of
//! one of the three kinds (picked by the input's length, so every input always meets the same
//! one), run, saved and loaded again (`tests/fuzz_support/program.rs`).

#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod fuzz_support;

use boltzviz::sim::Simulation;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// Built once: a Hopfield net, a Boltzmann machine and an RBM to import into.
static BASES: LazyLock<Vec<Simulation>> = LazyLock::new(fuzz_support::program::import_bases);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(base) = BASES.get(data.len() % BASES.len().max(1)) else {
        return;
    };
    if let Err(problem) = fuzz_support::program::run_weights_text(text, base) {
        panic!("{problem:?}");
    }
});
