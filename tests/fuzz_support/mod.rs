//! What the fixed-seed fuzz test (`tests/persist_fuzz.rs`) and the coverage-guided targets
//! (`fuzz/fuzz_targets/*.rs`, which include this folder by path) share: the program every
//! input that loads is put through ([`program`]) and the inputs both start from ([`seeds`]).
//!
//! One copy of each, so the two fuzzers cannot drift apart: a finding of `cargo fuzz`
//! reproduces in `cargo test` with the same steps and the same checks, and the other way round.

pub mod program;
pub mod seeds;
