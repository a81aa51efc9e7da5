//! A net with two deep, unequal modes: the standard case where a single Gibbs chain is
//! correct in law but useless in practice, and tempering is not.
//!
//! Every pair of the n units is joined by the same weight w > 0 and every unit has the same
//! bias b, so with k units on `E(k) = −w·k(k−1)/2 − b·k`. With b chosen as
//! `b = (ln r · T − w·n(n−1)/2) / n` the all-on state is r times as likely as the all-off one
//! at temperature T (`E(n) − E(0) = −T ln r`), and half-way the energy climbs to a barrier of
//! about `w n²/8` — at w = 2, n = 10 and T = 1 a Gibbs chain would wait ~e²⁴ sweeps to cross.

use super::boltzmann::{BoltzmannMachine, Connectivity};
use super::error::EngineError;

/// Units in [`two_mode_net`].
pub const UNITS: usize = 10;
/// The weight between every pair.
pub const WEIGHT: f64 = 2.0;
/// P(all on) / P(all off) at [`TARGET_T`].
pub const RATIO: f64 = 3.0;
/// The temperature the modes are tuned for.
pub const TARGET_T: f64 = 1.0;

/// The two-mode net: [`UNITS`] units, weight [`WEIGHT`] between every pair, the bias that
/// makes all-on [`RATIO`] times as likely as all-off at [`TARGET_T`]. All units visible.
pub fn two_mode_net() -> Result<BoltzmannMachine, EngineError> {
    let n = UNITS;
    let pairs = (n * (n - 1) / 2) as f64;
    let bias = (RATIO.ln() * TARGET_T - WEIGHT * pairs) / n as f64;
    let mut weights = vec![WEIGHT; n * n];
    (0..n).for_each(|i| weights[i * n + i] = 0.0);
    BoltzmannMachine::from_weights(n, weights, vec![bias; n], Connectivity::Full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::exact::distribution;

    #[test]
    fn the_modes_have_the_ratio_asked_for() {
        let bm = two_mode_net().expect("net");
        let p = distribution(&bm, TARGET_T).expect("exact");
        let (off, on) = (p[0], p[(1 << UNITS) - 1]);
        assert!((on / off - RATIO).abs() < 1e-9, "{on} / {off}");
        // The two modes hold nearly all the mass (one flip from either costs about 9 in energy).
        assert!(on + off > 0.998, "{}", on + off);
    }
}
