//! Exact answers for small nets, by enumerating every state.
//!
//! States are visited in Gray-code order, so consecutive states differ in one unit k and the
//! energy changes by `ΔE = −xₖ` (k turns on) or `+xₖ` (k turns off), with the inputs x of the
//! free units updated in O(n). Every sum of `e^(−E/T)` goes through a streaming log-sum-exp, so
//! `T = 0.05` with weights of size 50 neither overflows nor underflows.
//!
//! State indices: bit i of the index is unit i.

use super::boltzmann::BoltzmannMachine;
use super::error::{EngineError, check_len};
use super::math::{LogSumExp, softplus};
use super::rbm::Rbm;

/// The largest number of units enumerated (2²⁸ states).
pub const MAX_ENUMERATED_UNITS: usize = 28;
/// The largest net whose whole distribution is returned as a vector (2²² states, 32 MiB).
pub const MAX_DISTRIBUTION_UNITS: usize = 22;

fn check_exact_temperature(t: f64) -> Result<(), EngineError> {
    if t.is_finite() && t > 0.0 {
        Ok(())
    } else {
        Err(EngineError::BadParameter(format!(
            "exact probabilities need a temperature T > 0 (at T = 0 only the ground states remain), got {t}"
        )))
    }
}

fn check_enumerable(units: usize, limit: usize) -> Result<(), EngineError> {
    if units > limit {
        Err(EngineError::TooLargeToEnumerate { units, limit })
    } else {
        Ok(())
    }
}

/// Visits every assignment of the `free` units (others fixed as in `template`), calling
/// `visit(state, index, −E(state)/T)`. `index` has bit i set when unit i is on (all units).
pub fn enumerate_states(
    bm: &BoltzmannMachine,
    t: f64,
    template: &[u8],
    free: &[usize],
    mut visit: impl FnMut(&[u8], usize, f64),
) -> Result<(), EngineError> {
    check_exact_temperature(t)?;
    check_enumerable(free.len(), MAX_ENUMERATED_UNITS)?;
    bm.check_state(template)?;
    let n = bm.n();
    let mut state = template.to_vec();
    free.iter().for_each(|&f| state[f] = 0);
    let index_of = |s: &[u8]| {
        s.iter()
            .enumerate()
            .fold(0usize, |acc, (i, &b)| acc | (usize::from(b) << i.min(63)))
    };
    let mut index = if n <= 63 { index_of(&state) } else { 0 };
    let refresh = |state: &[u8]| -> (Vec<f64>, f64) {
        (
            free.iter().map(|&f| bm.input(state, f)).collect(),
            bm.energy(state),
        )
    };
    let (mut inputs, mut energy) = refresh(&state);
    // Row k of W restricted to the free units, so a flip touches only what is needed.
    let rows: Vec<Vec<f64>> = free
        .iter()
        .map(|&k| free.iter().map(|&f| bm.weight(f, k)).collect())
        .collect();
    let beta = 1.0 / t;
    visit(&state, index, -energy * beta);
    let total: u64 = 1u64 << free.len();
    for g in 1..total {
        let k = g.trailing_zeros() as usize;
        let unit = free[k];
        if state[unit] == 0 {
            state[unit] = 1;
            energy -= inputs[k];
            inputs.iter_mut().zip(&rows[k]).for_each(|(x, w)| *x += w);
        } else {
            state[unit] = 0;
            energy += inputs[k];
            inputs.iter_mut().zip(&rows[k]).for_each(|(x, w)| *x -= w);
        }
        index ^= 1usize << unit.min(63);
        // Recompute now and then so rounding cannot drift over millions of flips.
        if g & 0xFFFF == 0 {
            (inputs, energy) = refresh(&state);
        }
        visit(&state, index, -energy * beta);
    }
    Ok(())
}

/// `log Z = log Σ_s e^(−E(s)/T)` over all 2ⁿ states.
pub fn log_partition(bm: &BoltzmannMachine, t: f64) -> Result<f64, EngineError> {
    let free: Vec<usize> = (0..bm.n()).collect();
    let mut acc = LogSumExp::default();
    enumerate_states(bm, t, &vec![0; bm.n()], &free, |_, _, lw| acc.add(lw))?;
    Ok(acc.value())
}

/// `P(s) = e^(−E(s)/T) / Z` for every state, indexed by state (bit i = unit i).
pub fn distribution(bm: &BoltzmannMachine, t: f64) -> Result<Vec<f64>, EngineError> {
    check_enumerable(bm.n(), MAX_DISTRIBUTION_UNITS)?;
    let free: Vec<usize> = (0..bm.n()).collect();
    let mut log_w = vec![0.0; 1 << bm.n()];
    enumerate_states(bm, t, &vec![0; bm.n()], &free, |_, idx, lw| log_w[idx] = lw)?;
    let log_z = super::math::log_sum_exp(&log_w);
    Ok(log_w.into_iter().map(|lw| (lw - log_z).exp()).collect())
}

/// First and second moments of a distribution over states.
#[derive(Clone, Debug, PartialEq)]
pub struct Moments {
    /// ⟨sᵢ⟩.
    pub mean: Vec<f64>,
    /// ⟨sᵢ sⱼ⟩, n × n row-major (diagonal = ⟨sᵢ⟩).
    pub pair: Vec<f64>,
    /// log of the sum of weights visited (log Z for a free enumeration).
    pub log_z: f64,
}

/// Exact moments of the units under `P(free | fixed)`, with the non-free units as in `template`.
pub fn conditional_moments(
    bm: &BoltzmannMachine,
    t: f64,
    template: &[u8],
    free: &[usize],
) -> Result<Moments, EngineError> {
    let mut acc = LogSumExp::default();
    enumerate_states(bm, t, template, free, |_, _, lw| acc.add(lw))?;
    let log_z = acc.value();
    let n = bm.n();
    let mut mean = vec![0.0; n];
    let mut pair = vec![0.0; n * n];
    let mut on = Vec::with_capacity(n);
    enumerate_states(bm, t, template, free, |s, _, lw| {
        let p = (lw - log_z).exp();
        on.clear();
        on.extend(
            s.iter()
                .enumerate()
                .filter(|(_, b)| **b != 0)
                .map(|(i, _)| i),
        );
        for &i in &on {
            mean[i] += p;
            for &j in &on {
                pair[i * n + j] += p;
            }
        }
    })?;
    Ok(Moments { mean, pair, log_z })
}

/// Exact ⟨sᵢ⟩ and ⟨sᵢsⱼ⟩ of the free-running machine at temperature T.
pub fn moments(bm: &BoltzmannMachine, t: f64) -> Result<Moments, EngineError> {
    let free: Vec<usize> = (0..bm.n()).collect();
    conditional_moments(bm, t, &vec![0; bm.n()], &free)
}

/// `log P(v)` for every visible configuration (index bit i = visible unit i), hidden units summed out.
pub fn visible_log_probs(bm: &BoltzmannMachine, t: f64) -> Result<Vec<f64>, EngineError> {
    check_enumerable(bm.n_visible(), MAX_DISTRIBUTION_UNITS)?;
    let free: Vec<usize> = (0..bm.n()).collect();
    let mask = (1usize << bm.n_visible()) - 1;
    let mut buckets = vec![LogSumExp::default(); 1 << bm.n_visible()];
    let mut total = LogSumExp::default();
    enumerate_states(bm, t, &vec![0; bm.n()], &free, |_, idx, lw| {
        buckets[idx & mask].add(lw);
        total.add(lw);
    })?;
    let log_z = total.value();
    Ok(buckets.iter().map(|b| b.value() - log_z).collect())
}

/// The index of a visible pattern (bit i = unit i).
pub fn index_of_pattern(pattern: &[u8]) -> usize {
    pattern
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &b)| acc | (usize::from(b != 0) << i))
}

/// `KL(data ‖ model) = Σ_v P_data(v) log(P_data(v) / P_model(v))` in nats, over the visible units,
/// with `P_data` the empirical distribution of `data`.
pub fn kl_data_model(bm: &BoltzmannMachine, t: f64, data: &[Vec<u8>]) -> Result<f64, EngineError> {
    if data.is_empty() {
        return Err(EngineError::EmptyData);
    }
    let log_p = visible_log_probs(bm, t)?;
    let mut counts = std::collections::BTreeMap::new();
    for v in data {
        check_len("data pattern", bm.n_visible(), v.len())?;
        *counts.entry(index_of_pattern(v)).or_insert(0usize) += 1;
    }
    let m = data.len() as f64;
    Ok(counts
        .values()
        .zip(counts.keys())
        .map(|(&c, &idx)| {
            let p = c as f64 / m;
            p * (p.ln() - log_p[idx])
        })
        .sum())
}

/// Mean exact log-likelihood `mean_v log P(v)` at T = 1 of visible patterns under a Boltzmann
/// machine with or without hidden units: `log P(v) = log Σ_h e^(−E(v, h)) − log Z`, with log Z
/// over all 2ⁿ states and the sum over the 2^(n_hidden) hidden states once per distinct
/// pattern. Needs n ≤ [`MAX_ENUMERATED_UNITS`].
pub fn bm_log_likelihood(bm: &BoltzmannMachine, data: &[Vec<u8>]) -> Result<f64, EngineError> {
    if data.is_empty() {
        return Err(EngineError::EmptyData);
    }
    check_enumerable(bm.n(), MAX_ENUMERATED_UNITS)?;
    let log_z = log_partition(bm, 1.0)?;
    let hidden: Vec<usize> = (bm.n_visible()..bm.n()).collect();
    let mut clamped = std::collections::HashMap::new();
    let mut total = 0.0;
    for v in data {
        check_len("data pattern", bm.n_visible(), v.len())?;
        let log_pv = match clamped.get(v) {
            Some(&lp) => lp,
            None => {
                let mut template = v.clone();
                template.resize(bm.n(), 0);
                let mut acc = LogSumExp::default();
                enumerate_states(bm, 1.0, &template, &hidden, |_, _, lw| acc.add(lw))?;
                let lp = acc.value() - log_z;
                clamped.insert(v.clone(), lp);
                lp
            }
        };
        total += log_pv;
    }
    Ok(total / data.len() as f64)
}

/// The exact gradient of the mean log-likelihood of `data` (visible patterns) at T = 1:
/// `∂ℓ/∂wᵢⱼ = ⟨sᵢsⱼ⟩_data − ⟨sᵢsⱼ⟩_model`, `∂ℓ/∂bᵢ = ⟨sᵢ⟩_data − ⟨sᵢ⟩_model`, where the data
/// average clamps the visible units and takes the exact posterior over the hidden ones.
#[derive(Clone, Debug, PartialEq)]
pub struct ExactGradient {
    /// ∂ℓ/∂W, n × n (zero where the connectivity has no edge and on the diagonal).
    pub weights: Vec<f64>,
    /// ∂ℓ/∂b.
    pub biases: Vec<f64>,
    /// The mean log-likelihood ℓ = mean log P(v) in nats.
    pub log_likelihood: f64,
}

/// Computes [`ExactGradient`] by enumeration.
pub fn log_likelihood_gradient(
    bm: &BoltzmannMachine,
    data: &[Vec<u8>],
) -> Result<ExactGradient, EngineError> {
    if data.is_empty() {
        return Err(EngineError::EmptyData);
    }
    let n = bm.n();
    let hidden: Vec<usize> = (bm.n_visible()..n).collect();
    let model = moments(bm, 1.0)?;
    let mut pos_pair = vec![0.0; n * n];
    let mut pos_mean = vec![0.0; n];
    let mut ll = 0.0;
    for v in data {
        check_len("data pattern", bm.n_visible(), v.len())?;
        let mut template = v.clone();
        template.resize(n, 0);
        let cond = conditional_moments(bm, 1.0, &template, &hidden)?;
        ll += cond.log_z - model.log_z;
        pos_pair
            .iter_mut()
            .zip(&cond.pair)
            .for_each(|(a, b)| *a += b);
        pos_mean
            .iter_mut()
            .zip(&cond.mean)
            .for_each(|(a, b)| *a += b);
    }
    let m = data.len() as f64;
    let weights = (0..n * n)
        .map(|k| {
            if bm.allows(k / n, k % n) {
                pos_pair[k] / m - model.pair[k]
            } else {
                0.0
            }
        })
        .collect();
    let biases = (0..n).map(|i| pos_mean[i] / m - model.mean[i]).collect();
    Ok(ExactGradient {
        weights,
        biases,
        log_likelihood: ll / m,
    })
}

/// Exact log Z of an RBM (T = 1), enumerating its smaller layer:
/// `log Z = log Σ_h e^(cᵀh + Σᵢ softplus(bᵢ + (Wh)ᵢ))` (or the same with the layers swapped).
pub fn rbm_log_partition(rbm: &Rbm) -> Result<f64, EngineError> {
    let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
    // Enumerate layer "e" (size m) and sum out layer "o" (size k) analytically.
    let enumerate_hidden = nh <= nv;
    let (m, k) = if enumerate_hidden { (nh, nv) } else { (nv, nh) };
    check_enumerable(m, MAX_ENUMERATED_UNITS)?;
    let w = rbm.weights();
    // coupling(e, o) in f64.
    let coupling = |e: usize, o: usize| -> f64 {
        if enumerate_hidden {
            f64::from(w[[o, e]])
        } else {
            f64::from(w[[e, o]])
        }
    };
    let (bias_e, bias_o): (Vec<f64>, Vec<f64>) = if enumerate_hidden {
        (
            rbm.hidden_bias().iter().map(|&x| f64::from(x)).collect(),
            rbm.visible_bias().iter().map(|&x| f64::from(x)).collect(),
        )
    } else {
        (
            rbm.visible_bias().iter().map(|&x| f64::from(x)).collect(),
            rbm.hidden_bias().iter().map(|&x| f64::from(x)).collect(),
        )
    };
    let cols: Vec<Vec<f64>> = (0..m)
        .map(|e| (0..k).map(|o| coupling(e, o)).collect())
        .collect();
    let mut state = vec![false; m];
    let mut linear = 0.0; // bias_eᵀ e
    let mut field = bias_o.clone(); // bias_o + coupling·e
    let term =
        |linear: f64, field: &[f64]| linear + field.iter().map(|&x| softplus(x)).sum::<f64>();
    let mut acc = LogSumExp::default();
    acc.add(term(linear, &field));
    for g in 1u64..(1u64 << m) {
        let e = g.trailing_zeros() as usize;
        let sign = if state[e] { -1.0 } else { 1.0 };
        state[e] = !state[e];
        linear += sign * bias_e[e];
        field
            .iter_mut()
            .zip(&cols[e])
            .for_each(|(x, w)| *x += sign * w);
        if g & 0xFFFF == 0 {
            linear = (0..m).filter(|&i| state[i]).map(|i| bias_e[i]).sum();
            field = (0..k)
                .map(|o| {
                    bias_o[o]
                        + (0..m)
                            .filter(|&i| state[i])
                            .map(|i| cols[i][o])
                            .sum::<f64>()
                })
                .collect();
        }
        acc.add(term(linear, &field));
    }
    Ok(acc.value())
}

/// Mean exact log-likelihood `mean_v (−F(v)) − log Z` of 0/1 data under an RBM, in nats.
pub fn rbm_log_likelihood(rbm: &Rbm, data: &[Vec<u8>]) -> Result<f64, EngineError> {
    if data.is_empty() {
        return Err(EngineError::EmptyData);
    }
    let log_z = rbm_log_partition(rbm)?;
    let mut total = 0.0;
    for v in data {
        total -= rbm.free_energy(v)?;
    }
    Ok(total / data.len() as f64 - log_z)
}
