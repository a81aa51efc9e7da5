//! The simulation: a thread-free [`Simulation`] (apply a command, advance under a budget,
//! publish a snapshot), the protocol that crosses threads, and the worker thread.
//! Knows nothing of egui.

pub mod curve;
pub mod curve_meter;
pub mod gradient;
pub mod history;
pub mod learner;
pub mod mixing_tracker;
pub mod model;
pub mod pacer;
pub mod protocol;
pub mod rbm_metrics;
pub mod rbm_rules;
pub mod rule_runs;
pub mod saved;
pub mod simulation;
pub mod tempering;
pub mod view_cache;
pub mod worker;

pub use protocol::{Command, Event, ModelKind, ModelSpec, Settings, Snapshot};
pub use saved::SavedSimulation;
pub use simulation::Simulation;
pub use worker::SimHandle;
