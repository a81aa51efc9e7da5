//! Any bytes as 0/1 data: parsed, and if accepted, a model of each kind built on it as
//! `boltzviz train` does, run, saved and loaded again (`tests/fuzz_support/program.rs`).

#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod fuzz_support;

use boltzviz::sim::ModelKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [ModelKind::Hopfield, ModelKind::Boltzmann, ModelKind::Rbm] {
        if let Err(problem) = fuzz_support::program::run_patterns_text(text, kind) {
            panic!("{kind:?}: {problem:?}");
        }
    }
});
