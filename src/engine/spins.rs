//! The one place where ±1 spins (Hopfield) and 0/1 units (Boltzmann) meet.
//!
//! With `σ = 2s − 1`, the Hopfield energy
//! `E_H(σ) = −½ Σ_{i≠j} Jᵢⱼ σᵢ σⱼ − Σᵢ θᵢ σᵢ` equals the Boltzmann energy
//! `E(s) = −Σ_{i<j} wᵢⱼ sᵢ sⱼ − Σᵢ bᵢ sᵢ` plus a constant `C`, where
//!
//! - `wᵢⱼ = 4 Jᵢⱼ`, `bᵢ = 2 θᵢ − 2 Σⱼ Jᵢⱼ`,
//! - `C = −½ Σ_{i≠j} Jᵢⱼ + Σᵢ θᵢ`.
//!
//! The unit's input becomes `xᵢ = 2 hᵢ` with `hᵢ = Σⱼ Jᵢⱼ σⱼ + θᵢ`, so
//! `P(sᵢ = 1) = σ(xᵢ / T) = σ(2 hᵢ / T)`: **the temperature is the same number in both
//! conventions**, and since energies differ by a constant, so is every probability.
//! Writing `σ(hᵢ/T)` for spins would silently halve every temperature.

use super::boltzmann::{BoltzmannMachine, Connectivity};
use super::error::EngineError;
use super::hopfield::Hopfield;

/// Spin from a 0/1 unit: `σ = 2s − 1`.
pub fn spins_from_bits(bits: &[u8]) -> Vec<i8> {
    bits.iter().map(|&s| if s != 0 { 1 } else { -1 }).collect()
}

/// 0/1 unit from a spin: `s = (σ + 1) / 2`.
pub fn bits_from_spins(spins: &[i8]) -> Vec<u8> {
    spins.iter().map(|&s| u8::from(s > 0)).collect()
}

/// The Boltzmann machine (all units visible, full connectivity) with the same dynamics and
/// distribution as a Hopfield net, and the constant `C` with `E_H(σ) = E_BM(s) + C`.
pub fn bm_from_hopfield(net: &Hopfield) -> Result<(BoltzmannMachine, f64), EngineError> {
    let n = net.n();
    let j = net.weights();
    let theta = net.thresholds();
    let weights: Vec<f64> = j.iter().map(|w| 4.0 * w).collect();
    let biases: Vec<f64> = (0..n)
        .map(|i| 2.0 * theta[i] - 2.0 * j[i * n..(i + 1) * n].iter().sum::<f64>())
        .collect();
    let offset = -0.5 * j.iter().sum::<f64>() + theta.iter().sum::<f64>();
    let bm = BoltzmannMachine::from_weights(n, weights, biases, Connectivity::Full)?;
    Ok((bm, offset))
}

/// The Hopfield net (spin weights J and thresholds θ) equivalent to a fully visible Boltzmann
/// machine: `Jᵢⱼ = wᵢⱼ / 4`, `θᵢ = bᵢ / 2 + Σⱼ wᵢⱼ / 4`. The inverse of [`bm_from_hopfield`].
pub fn hopfield_from_bm(bm: &BoltzmannMachine) -> Result<Hopfield, EngineError> {
    let n = bm.n();
    let w = bm.weights();
    let weights: Vec<f64> = w.iter().map(|x| x / 4.0).collect();
    let thresholds: Vec<f64> = (0..n)
        .map(|i| bm.biases()[i] / 2.0 + w[i * n..(i + 1) * n].iter().sum::<f64>() / 4.0)
        .collect();
    Hopfield::from_weights(weights, thresholds)
}
