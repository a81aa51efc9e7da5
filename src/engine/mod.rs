//! The maths: Hopfield networks, Boltzmann machines and RBMs, their learning rules, annealing,
//! exact enumeration for small nets and annealed importance sampling for large ones.
//!
//! No egui, no threads, no I/O beyond parsing text. Every function that can meet bad input
//! returns [`EngineError`] naming the problem.

pub mod ais;
pub mod anneal;
pub mod boltzmann;
pub mod capacity;
pub mod error;
pub mod exact;
mod fft;
pub mod hopfield;
pub mod landscape;
pub mod learning;
pub mod limits;
pub mod math;
pub mod mixing;
pub mod patterns;
pub mod pseudo_likelihood;
pub mod rbm;
pub mod rbm_exact;
pub mod rbm_gradient;
pub mod rbm_train;
mod register_sweep;
pub mod rng;
pub mod simd;
mod small_gemm;
pub mod spins;
pub mod tempering;
pub mod tv_floor;
pub mod two_modes;
pub mod wide_rng;

pub use anneal::Schedule;
pub use boltzmann::{BoltzmannMachine, Chain, UpdateOrder};
pub use error::EngineError;
pub use hopfield::{Hopfield, HopfieldRule};
pub use rbm::Rbm;
pub use rng::SimRng;
