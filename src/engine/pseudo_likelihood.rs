//! Pseudo-log-likelihood: Σᵢ log P(sᵢ | s₋ᵢ), averaged over the data. It needs no partition
//! function, so it is defined for any size of net.
//!
//! For a net without hidden units P(sᵢ = 1 | s₋ᵢ) = σ(xᵢ) with xᵢ the unit's input, so
//! log P(sᵢ | s₋ᵢ) = log σ((2sᵢ − 1) xᵢ) = −softplus(−(2sᵢ − 1) xᵢ): computed that way it is
//! finite for every finite input (log σ(−800) is −800, where σ(−800) itself underflows to 0).
//! For an RBM the same with the free energy F: log P(vᵢ | v₋ᵢ) = −softplus(F(v) − F(ṽ)) with
//! ṽ = v with unit i flipped.

use super::boltzmann::BoltzmannMachine;
use super::error::{EngineError, check_len};
use super::math::softplus;
use super::rbm::Rbm;

/// The mean pseudo-log-likelihood of `data` under a net with no hidden units (nats a pattern).
pub fn bm_pseudo_log_likelihood(
    bm: &BoltzmannMachine,
    data: &[Vec<u8>],
) -> Result<f64, EngineError> {
    if bm.n_hidden() != 0 {
        return Err(EngineError::BadParameter(
            "the pseudo-likelihood is not defined with hidden units (they must be summed out)"
                .into(),
        ));
    }
    mean_over(data, |s| {
        check_len("pattern", bm.n(), s.len())?;
        Ok((0..s.len())
            .map(|i| {
                let sign = if s[i] != 0 { 1.0 } else { -1.0 };
                -softplus(-sign * bm.input(s, i))
            })
            .sum())
    })
}

/// The mean pseudo-log-likelihood of `data` under an RBM (nats a pattern).
pub fn rbm_pseudo_log_likelihood(rbm: &Rbm, data: &[Vec<u8>]) -> Result<f64, EngineError> {
    mean_over(data, |v| {
        let f = rbm.free_energy(v)?;
        let mut flipped = v.clone();
        let mut total = 0.0;
        for i in 0..v.len() {
            flipped[i] ^= 1;
            total -= softplus(f - rbm.free_energy(&flipped)?);
            flipped[i] ^= 1;
        }
        Ok(total)
    })
}

fn mean_over(
    data: &[Vec<u8>],
    per_pattern: impl Fn(&Vec<u8>) -> Result<f64, EngineError>,
) -> Result<f64, EngineError> {
    if data.is_empty() {
        return Err(EngineError::EmptyData);
    }
    let mut total = 0.0;
    for v in data {
        total += per_pattern(v)?;
    }
    Ok(total / data.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::boltzmann::Connectivity;
    use crate::engine::math::log_add_exp;
    use crate::engine::rng::SimRng;

    /// log P(sᵢ | s₋ᵢ) from the two energies: −E(s) − log(e^(−E(s)) + e^(−E(s'))).
    fn by_energies(bm: &BoltzmannMachine, data: &[Vec<u8>]) -> f64 {
        let mut total = 0.0;
        for s in data {
            for i in 0..s.len() {
                let mut other = s.clone();
                other[i] ^= 1;
                let (e, e_other) = (bm.energy(s), bm.energy(&other));
                total += -e - log_add_exp(-e, -e_other);
            }
        }
        total / data.len() as f64
    }

    #[test]
    fn agrees_with_energy_differences_even_where_sigma_underflows() {
        for scale in [0.5, 500.0] {
            let mut rng = SimRng::seed_from_u64(3);
            let bm = BoltzmannMachine::random(9, 0, Connectivity::Full, scale, scale, &mut rng)
                .expect("bm");
            let data: Vec<Vec<u8>> = (0..20)
                .map(|_| (0..9).map(|_| u8::from(rng.uniform() < 0.5)).collect())
                .collect();
            let pll = bm_pseudo_log_likelihood(&bm, &data).expect("pll");
            let expected = by_energies(&bm, &data);
            assert!(pll.is_finite(), "scale {scale}: {pll}");
            assert!(
                (pll - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "scale {scale}: {pll} vs {expected}"
            );
        }
    }
}
