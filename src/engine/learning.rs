//! Boltzmann learning (Ackley, Hinton & Sejnowski 1985).
//!
//! The log-likelihood gradient is `∂ℓ/∂wᵢⱼ = ⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻`: the positive phase clamps
//! the visible units to each training pattern and samples the hidden units (optionally annealed
//! first); the negative phase runs everything free. The update is
//! `Δwᵢⱼ = η (⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻ − λ wᵢⱼ)`, `Δbᵢ = η (⟨sᵢ⟩⁺ − ⟨sᵢ⟩⁻)`.
//!
//! The phases are separate calls returning their statistics, so a caller can show each one.

use super::anneal::Schedule;
use super::boltzmann::{BoltzmannMachine, Chain, UpdateOrder};
use super::error::{EngineError, check_len};
use super::rng::SimRng;
use serde::{Deserialize, Serialize};

/// Statistics collected in one phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseStats {
    /// Units.
    pub n: usize,
    /// ⟨sᵢ sⱼ⟩, n × n row-major (diagonal = ⟨sᵢ⟩).
    pub pair: Vec<f64>,
    /// ⟨sᵢ⟩.
    pub mean: Vec<f64>,
    /// Samples averaged.
    pub samples: usize,
}

impl PhaseStats {
    /// Checks statistics read from a file against a machine of `n` units.
    pub fn validate(&self, n: usize) -> Result<(), EngineError> {
        super::error::check_len("phase statistics (units)", n, self.n)?;
        super::error::check_len("pair statistics (n × n)", n * n, self.pair.len())?;
        super::error::check_len("mean statistics (n)", n, self.mean.len())?;
        let all = self.pair.iter().chain(&self.mean);
        if all.clone().any(|x| !(0.0..=1.0).contains(x)) {
            return Err(EngineError::BadParameter(
                "phase statistics must lie in [0, 1]".into(),
            ));
        }
        Ok(())
    }

    fn zeros(n: usize) -> Self {
        Self {
            n,
            pair: vec![0.0; n * n],
            mean: vec![0.0; n],
            samples: 0,
        }
    }

    fn add(&mut self, state: &[u8], on: &mut Vec<usize>) {
        on.clear();
        on.extend(
            state
                .iter()
                .enumerate()
                .filter(|(_, s)| **s != 0)
                .map(|(i, _)| i),
        );
        for &i in on.iter() {
            self.mean[i] += 1.0;
            for &j in on.iter() {
                self.pair[i * self.n + j] += 1.0;
            }
        }
        self.samples += 1;
    }

    fn normalize(mut self) -> Self {
        let m = self.samples.max(1) as f64;
        self.pair.iter_mut().for_each(|x| *x /= m);
        self.mean.iter_mut().for_each(|x| *x /= m);
        self
    }
}

/// How one phase samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseSettings {
    /// Optional annealing before sampling (ends at `temperature`).
    pub anneal: Option<Schedule>,
    /// Sweeps discarded before collecting.
    pub burn_in: usize,
    /// Sweeps collected (one sample each).
    pub sample_sweeps: usize,
    /// Scan order of the sweeps.
    pub order: UpdateOrder,
}

impl Default for PhaseSettings {
    fn default() -> Self {
        Self {
            anneal: None,
            burn_in: 5,
            sample_sweeps: 10,
            order: UpdateOrder::Sequential,
        }
    }
}

/// Settings of Boltzmann learning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearningSettings {
    /// η.
    pub learning_rate: f64,
    /// λ, L2 weight decay.
    pub weight_decay: f64,
    /// Positive phase sampling.
    pub positive: PhaseSettings,
    /// Negative phase sampling.
    pub negative: PhaseSettings,
    /// Keep the negative chains between updates (persistent chains) instead of restarting them.
    pub persistent: bool,
    /// Number of negative chains.
    pub negative_chains: usize,
}

impl Default for LearningSettings {
    fn default() -> Self {
        Self {
            learning_rate: 0.05,
            weight_decay: 0.0,
            positive: PhaseSettings::default(),
            negative: PhaseSettings::default(),
            persistent: true,
            negative_chains: 20,
        }
    }
}

impl LearningSettings {
    /// Checks every setting.
    pub fn validate(&self) -> Result<(), EngineError> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(EngineError::BadParameter(format!(
                "learning rate must be > 0, got {}",
                self.learning_rate
            )));
        }
        if !(self.weight_decay.is_finite() && (0.0..=1.0).contains(&self.weight_decay)) {
            return Err(EngineError::BadParameter(format!(
                "weight decay must be in [0, 1], got {}",
                self.weight_decay
            )));
        }
        if self.learning_rate > 1000.0 {
            return Err(EngineError::BadParameter(format!(
                "learning rate must be at most 1000, got {}",
                self.learning_rate
            )));
        }
        if self.negative_chains == 0
            || self.positive.sample_sweeps == 0
            || self.negative.sample_sweeps == 0
        {
            return Err(EngineError::BadParameter(
                "need at least one negative chain and one sample sweep per phase".into(),
            ));
        }
        // A phase runs without a look at the command queue, so its work is bounded: at most
        // 1000 chains, 10 000 sweeps, and 10⁶ chain-sweeps in all (about a second).
        let sweeps = |p: &PhaseSettings| p.burn_in.saturating_add(p.sample_sweeps);
        let longest = sweeps(&self.positive).max(sweeps(&self.negative));
        if self.negative_chains > 1_000
            || longest > 10_000
            || self.negative_chains.saturating_mul(longest) > 1_000_000
        {
            return Err(EngineError::BadParameter(format!(
                "{} negative chains × {longest} sweeps a phase is too much work (at most 1000 \
                 chains, 10 000 sweeps, 10⁶ chain-sweeps)",
                self.negative_chains
            )));
        }
        for phase in [&self.positive, &self.negative] {
            if let Some(schedule) = &phase.anneal {
                schedule.steps()?;
            }
        }
        Ok(())
    }
}

fn settle(
    bm: &BoltzmannMachine,
    chain: &mut Chain,
    settings: &PhaseSettings,
    t: f64,
    rng: &mut SimRng,
) -> Result<(), EngineError> {
    if let Some(schedule) = &settings.anneal {
        for (ti, sweeps) in schedule.steps()? {
            chain.run(bm, ti, sweeps, settings.order, rng)?;
        }
    }
    chain.run(bm, t, settings.burn_in, settings.order, rng)
}

/// Positive phase: each pattern clamps the visible units; hidden units start random, are settled
/// and then sampled at temperature t. Returns ⟨sᵢsⱼ⟩⁺ and ⟨sᵢ⟩⁺.
pub fn positive_phase(
    bm: &BoltzmannMachine,
    data: &[Vec<u8>],
    settings: &PhaseSettings,
    t: f64,
    rng: &mut SimRng,
) -> Result<PhaseStats, EngineError> {
    if data.is_empty() {
        return Err(EngineError::EmptyData);
    }
    let visible: Vec<usize> = (0..bm.n_visible()).collect();
    let mut stats = PhaseStats::zeros(bm.n());
    let mut on = Vec::with_capacity(bm.n());
    for pattern in data {
        check_len(
            "training pattern (visible units)",
            bm.n_visible(),
            pattern.len(),
        )?;
        let mut chain = Chain::random(bm, rng);
        chain.clamp(bm, &visible, pattern)?;
        // With no hidden units the clamped state is the whole sample.
        let sweeps = if bm.n_hidden() == 0 {
            1
        } else {
            settings.sample_sweeps
        };
        if bm.n_hidden() > 0 {
            settle(bm, &mut chain, settings, t, rng)?;
        }
        for _ in 0..sweeps {
            if bm.n_hidden() > 0 {
                chain.sweep(bm, t, settings.order, rng)?;
            }
            stats.add(chain.state(), &mut on);
        }
    }
    Ok(stats.normalize())
}

/// Negative phase: the chains run free at temperature t (they are settled first unless they are
/// persistent and already exist). Returns ⟨sᵢsⱼ⟩⁻ and ⟨sᵢ⟩⁻.
pub fn negative_phase(
    bm: &BoltzmannMachine,
    chains: &mut Vec<Chain>,
    settings: &LearningSettings,
    t: f64,
    rng: &mut SimRng,
) -> Result<PhaseStats, EngineError> {
    let fresh = !settings.persistent || chains.len() != settings.negative_chains;
    if fresh {
        *chains = (0..settings.negative_chains)
            .map(|_| Chain::random(bm, rng))
            .collect();
    }
    let mut stats = PhaseStats::zeros(bm.n());
    let mut on = Vec::with_capacity(bm.n());
    for chain in chains.iter_mut() {
        chain.release_all();
        chain.refresh(bm);
        if fresh {
            settle(bm, chain, &settings.negative, t, rng)?;
        }
        for _ in 0..settings.negative.sample_sweeps {
            chain.sweep(bm, t, settings.negative.order, rng)?;
            stats.add(chain.state(), &mut on);
        }
    }
    Ok(stats.normalize())
}

/// The update of one learning step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Update {
    /// ΔW, n × n (zero where no edge is allowed).
    pub delta_weights: Vec<f64>,
    /// Δb.
    pub delta_biases: Vec<f64>,
}

/// `Δwᵢⱼ = η (⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻ − λ wᵢⱼ)` on allowed edges, `Δbᵢ = η (⟨sᵢ⟩⁺ − ⟨sᵢ⟩⁻)`.
pub fn compute_update(
    bm: &BoltzmannMachine,
    pos: &PhaseStats,
    neg: &PhaseStats,
    settings: &LearningSettings,
) -> Result<Update, EngineError> {
    settings.validate()?;
    let n = bm.n();
    check_len("positive statistics", n, pos.n)?;
    check_len("negative statistics", n, neg.n)?;
    let (eta, decay) = (settings.learning_rate, settings.weight_decay);
    let delta_weights = (0..n * n)
        .map(|k| {
            let (i, j) = (k / n, k % n);
            if bm.allows(i, j) {
                eta * (pos.pair[k] - neg.pair[k] - decay * bm.weight(i, j))
            } else {
                0.0
            }
        })
        .collect();
    let delta_biases = (0..n).map(|i| eta * (pos.mean[i] - neg.mean[i])).collect();
    Ok(Update {
        delta_weights,
        delta_biases,
    })
}

/// Adds an update to the machine.
pub fn apply_update(bm: &mut BoltzmannMachine, update: &Update) -> Result<(), EngineError> {
    check_len("ΔW", bm.n() * bm.n(), update.delta_weights.len())?;
    check_len("Δb", bm.n(), update.delta_biases.len())?;
    super::error::check_finite("ΔW", update.delta_weights.iter().copied())?;
    // Checked before anything moves: a diverged step leaves the machine as it was.
    let after = |old: &[f64], delta: &[f64]| -> Vec<f64> {
        old.iter().zip(delta).map(|(w, d)| w + d).collect()
    };
    super::error::check_not_diverged(
        after(bm.weights(), &update.delta_weights)
            .into_iter()
            .chain(after(bm.biases(), &update.delta_biases)),
    )?;
    bm.add_to_parameters(&update.delta_weights, &update.delta_biases);
    Ok(())
}

/// One full learning step: positive phase, negative phase, update. Returns the update.
pub fn learning_step(
    bm: &mut BoltzmannMachine,
    data: &[Vec<u8>],
    chains: &mut Vec<Chain>,
    settings: &LearningSettings,
    rng: &mut SimRng,
) -> Result<Update, EngineError> {
    let pos = positive_phase(bm, data, &settings.positive, 1.0, rng)?;
    let neg = negative_phase(bm, chains, settings, 1.0, rng)?;
    let update = compute_update(bm, &pos, &neg, settings)?;
    apply_update(bm, &update)?;
    Ok(update)
}
