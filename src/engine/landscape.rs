//! The energy landscape of a small net: every state's energy, the local minima, and the basin
//! of each state — the minimum that deterministic descent (T = 0) from it reaches.
//!
//! States are indexed by their bits: state k has sᵢ = (k >> i) & 1. Two states are neighbours
//! when they differ in one unit. A local minimum is a state none of whose neighbours has a
//! lower energy. Descent visits units 0, 1, …, n−1 in turn, setting sᵢ = `[xᵢ > 0]` (ties keep
//! the value), until a whole sweep changes nothing; it ends in a local minimum.

use super::EngineError;
use super::boltzmann::{BoltzmannMachine, Chain, UpdateOrder};
use super::rng::SimRng;

/// Nets up to this many units get a landscape (2ⁿ points, n·2ⁿ⁻¹ edges).
pub const MAX_LANDSCAPE_UNITS: usize = 12;

/// The landscape of one machine.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    /// Units n.
    pub n: usize,
    /// E(k) for every state k.
    pub energies: Vec<f64>,
    /// The local minimum that descent from state k reaches.
    pub basin: Vec<usize>,
    /// Every local minimum, lowest energy first.
    pub minima: Vec<usize>,
}

/// The bits of state k.
pub fn state_of(k: usize, n: usize) -> Vec<u8> {
    (0..n).map(|i| (k >> i & 1) as u8).collect()
}

/// The index of a state.
pub fn index_of(state: &[u8]) -> usize {
    state
        .iter()
        .enumerate()
        .fold(0, |k, (i, &s)| k | (usize::from(s != 0) << i))
}

/// Computes the landscape (at most [`MAX_LANDSCAPE_UNITS`] units).
pub fn landscape(bm: &BoltzmannMachine) -> Result<Landscape, EngineError> {
    let n = bm.n();
    if n > MAX_LANDSCAPE_UNITS {
        return Err(EngineError::TooLargeToEnumerate {
            units: n,
            limit: MAX_LANDSCAPE_UNITS,
        });
    }
    let states = 1usize << n;
    let energies: Vec<f64> = (0..states).map(|k| bm.energy(&state_of(k, n))).collect();
    let mut minima: Vec<usize> = (0..states)
        .filter(|&k| (0..n).all(|i| energies[k ^ (1 << i)] >= energies[k]))
        .collect();
    minima.sort_by(|&a, &b| energies[a].total_cmp(&energies[b]).then(a.cmp(&b)));
    // T = 0 updates draw no random numbers; the generator is only a required argument.
    let mut unused = SimRng::seed_from_u64(0);
    let basin = (0..states)
        .map(|k| {
            let mut chain = Chain::new(bm, state_of(k, n))?;
            for _ in 0..(4 * n + 4) {
                if chain.sweep(bm, 0.0, UpdateOrder::Sequential, &mut unused)? == 0 {
                    break;
                }
            }
            Ok(index_of(chain.state()))
        })
        .collect::<Result<Vec<usize>, EngineError>>()?;
    Ok(Landscape {
        n,
        energies,
        basin,
        minima,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::boltzmann::Connectivity;

    #[test]
    fn two_units_that_like_each_other_have_two_basins() {
        // w = 2, b = −1: E(00) = 0, E(10) = E(01) = 1, E(11) = 2·(−1) − 2 = 0.
        let bm = BoltzmannMachine::from_weights(
            2,
            vec![0.0, 2.0, 2.0, 0.0],
            vec![-1.0, -1.0],
            Connectivity::Full,
        )
        .expect("bm");
        let l = landscape(&bm).expect("small");
        assert_eq!(l.energies, vec![0.0, 1.0, 1.0, 0.0]);
        assert_eq!(l.minima.len(), 2);
        assert!(l.minima.contains(&0) && l.minima.contains(&3));
        assert_eq!(l.basin[0], 0);
        assert_eq!(l.basin[3], 3);
        // From 10, unit 0 sees x = −1 < 0 and turns off: 00.
        assert_eq!(l.basin[1], 0);
        // From 01, unit 0 sees x = 2 − 1 = 1 > 0 and turns on: 11.
        assert_eq!(l.basin[2], 3);
    }

    #[test]
    fn every_basin_ends_in_a_local_minimum() {
        let mut rng = SimRng::seed_from_u64(4);
        let bm =
            BoltzmannMachine::random(8, 0, Connectivity::Full, 1.0, 0.5, &mut rng).expect("bm");
        let l = landscape(&bm).expect("small");
        for &b in &l.basin {
            assert!(
                l.minima.contains(&b),
                "descent stopped at {b}, not a minimum"
            );
        }
    }
}
