//! # BoltzViz
//!
//! Watch Hopfield networks, Boltzmann machines and restricted Boltzmann machines think.
//!
//! ## Module map
//! - [`engine`]: pure maths — models, learning rules, annealing, exact enumeration, AIS, data.
//! - [`sim`]: the simulation and its thread (no egui), and the saved form of a session.
//! - [`persist`]: session files (RON), weights for other tools (JSON), exports (PNG, CSV,
//!   0/1 text); atomic writes and checked reads.
//! - [`ui`]: the eframe app: views, lessons, the File menu, the headless frame benchmark.
//! - [`cli`]: the command line (`train`, `sample`, `eval`, `capacity`, `bench`, `screenshot`).
//!
//! ## Notation (used everywhere)
//! - Units are 0/1 in Boltzmann machines and RBMs: `E(s) = −Σ_{i<j} wᵢⱼ sᵢ sⱼ − Σᵢ bᵢ sᵢ`,
//!   W symmetric with zero diagonal, `P(s) = e^(−E(s)/T) / Z`.
//! - Gibbs update of unit i: `xᵢ = Σⱼ wᵢⱼ sⱼ + bᵢ`, `P(sᵢ = 1 | rest) = σ(xᵢ / T)`; `T = 0` is
//!   the deterministic limit `sᵢ = [xᵢ > 0]` (a tie keeps the value).
//! - Hopfield nets use ±1 spins `σ = 2s − 1`; see [`engine::spins`] for the one conversion.
//! - RBM: `E(v, h) = −bᵀv − cᵀh − vᵀWh`, `F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ)`.

// Index loops mirror the maths (wᵢⱼ, sᵢ) and read better than zipped iterators there; the model
// enum holds one of two models at a time, so its size difference does not matter.
#![allow(clippy::needless_range_loop, clippy::large_enum_variant)]

pub mod cli;
pub mod engine;
pub mod persist;
pub mod sim;
pub mod ui;
