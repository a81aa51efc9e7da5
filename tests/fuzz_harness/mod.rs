//! The fixed-seed fuzz test's machinery (not shared with `cargo fuzz`, which has its own):
//! mutants of the seeds ([`mutate`], [`cases`]), child processes that run them under a time
//! limit ([`supervisor`]), a memory ceiling ([`alloc`]), and the report ([`report`]).

pub mod alloc;
pub mod cases;
pub mod child;
pub mod mutate;
pub mod report;
pub mod structure;
pub mod supervisor;
