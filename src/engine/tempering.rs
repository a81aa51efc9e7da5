//! Parallel tempering (replica exchange): K copies of one Boltzmann machine at temperatures
//! T₀ < T₁ < … < T_{K−1}, each making Gibbs sweeps at its own temperature, and neighbours
//! proposing to exchange their states.
//!
//! The joint law Π_k P_{Tₖ}(xₖ) is stationary for every replica's Gibbs sweep, and an exchange
//! of the states x_a (at β_a = 1/T_a) and x_b (at β_b) accepted with the Metropolis probability
//!
//! `A = min(1, e^{(β_a − β_b)(E(x_a) − E(x_b))})`
//!
//! keeps it too: the ratio of the joint weights after and before is
//! `e^{−β_a E(x_b) − β_b E(x_a)} / e^{−β_a E(x_a) − β_b E(x_b)}`. So replica 0 samples P_{T₀}
//! exactly, while states climb to the hot end, cross barriers there, and come back down.
//! (Swendsen & Wang 1986; Geyer 1991; Hukushima & Nemoto 1996.)
//!
//! One [`Tempering::round`] is: every replica makes `sweeps` sequential sweeps (the engine's
//! own [`Chain::run`], on one thread or split over two), then the pairs (k, k+1) with k even
//! (even rounds) or odd (odd rounds) propose exchanges. Every replica owns its random stream
//! and the exchanges draw from their own, so the result is the same on one thread or two.

use super::boltzmann::{BoltzmannMachine, Chain, UpdateOrder};
use super::error::EngineError;
use super::rng::SimRng;
use serde::{Deserialize, Serialize};

/// The fewest replicas: a target and one hotter.
pub const MIN_REPLICAS: usize = 2;
/// The most replicas (beyond this the ladder's room is better spent on sweeps).
pub const MAX_REPLICAS: usize = 32;

/// Sweeps each replica makes between exchanges in the app and the CLI: enough that a round's
/// fixed costs (the exact recomputation of the inputs, a thread hand-off) stay small.
pub const SWEEPS_PER_ROUND: usize = 10;

/// `min(1, e^{(β_a − β_b)(E_a − E_b)})`: the probability of exchanging the states of two
/// replicas at inverse temperatures β_a, β_b whose states have energies E_a, E_b.
pub fn swap_acceptance(beta_a: f64, beta_b: f64, energy_a: f64, energy_b: f64) -> f64 {
    let log = (beta_a - beta_b) * (energy_a - energy_b);
    if log >= 0.0 { 1.0 } else { log.exp() }
}

/// `k` temperatures from `t_min` to `t_max` in geometric progression,
/// `Tₖ = t_min · (t_max/t_min)^{k/(K−1)}`: equal ratios give roughly equal exchange rates when
/// the heat capacity is flat.
pub fn geometric_ladder(t_min: f64, t_max: f64, k: usize) -> Result<Vec<f64>, EngineError> {
    check_count(k)?;
    if !(t_min.is_finite() && t_max.is_finite() && t_min > 0.0 && t_max > t_min) {
        return Err(EngineError::BadParameter(format!(
            "a tempering ladder needs 0 < T < T_max, both finite; got T = {t_min}, T_max = {t_max}"
        )));
    }
    let ratio = t_max / t_min;
    let last = (k - 1) as f64;
    let mut ladder: Vec<f64> = (0..k)
        .map(|i| t_min * ratio.powf(i as f64 / last))
        .collect();
    // Exactly the ends asked for, whatever the rounding of powf.
    ladder[0] = t_min;
    ladder[k - 1] = t_max;
    check_ladder(&ladder)?;
    Ok(ladder)
}

fn check_count(k: usize) -> Result<(), EngineError> {
    if (MIN_REPLICAS..=MAX_REPLICAS).contains(&k) {
        Ok(())
    } else {
        Err(EngineError::BadParameter(format!(
            "tempering takes {MIN_REPLICAS} to {MAX_REPLICAS} replicas, got {k}"
        )))
    }
}

/// Checks a ladder: [`MIN_REPLICAS`]..=[`MAX_REPLICAS`] finite temperatures > 0, strictly rising.
pub fn check_ladder(temperatures: &[f64]) -> Result<(), EngineError> {
    check_count(temperatures.len())?;
    if let Some(t) = temperatures.iter().find(|t| !(t.is_finite() && **t > 0.0)) {
        return Err(EngineError::BadParameter(format!(
            "every tempering temperature must be finite and > 0, got {t}"
        )));
    }
    if let Some(w) = temperatures.windows(2).find(|w| w[1] <= w[0]) {
        return Err(EngineError::BadParameter(format!(
            "tempering temperatures must rise strictly, but {} is followed by {}",
            w[0], w[1]
        )));
    }
    Ok(())
}

/// A ladder of replicas, their random streams and the exchange statistics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tempering {
    /// T₀ (the target) < T₁ < … ; `chains[k]` runs at `temperatures[k]`.
    temperatures: Vec<f64>,
    chains: Vec<Chain>,
    /// One stream per rung (it stays with the rung when states are exchanged).
    rngs: Vec<SimRng>,
    /// The exchanges' stream.
    swap_rng: SimRng,
    /// Rounds done (their parity picks the pairs).
    rounds: u64,
    /// Per pair (k, k+1): exchanges proposed and accepted.
    proposed: Vec<u64>,
    accepted: Vec<u64>,
    /// Per pair: whether the last round exchanged it.
    last_exchanged: Vec<bool>,
}

impl Tempering {
    /// Every replica starts as a copy of `start` (state and clamps), on the checked `ladder`;
    /// every random stream is drawn from `seed`.
    pub fn new(
        bm: &BoltzmannMachine,
        start: &Chain,
        ladder: Vec<f64>,
        seed: u64,
    ) -> Result<Self, EngineError> {
        check_ladder(&ladder)?;
        start.validate_shape_for(bm)?;
        let k = ladder.len();
        let mut chain = start.clone();
        chain.refresh(bm);
        let mut master = SimRng::seed_from_u64(seed);
        let rngs = (0..k)
            .map(|_| SimRng::seed_from_u64(master.next_u64()))
            .collect();
        Ok(Self {
            temperatures: ladder,
            chains: vec![chain; k],
            rngs,
            swap_rng: master,
            rounds: 0,
            proposed: vec![0; k - 1],
            accepted: vec![0; k - 1],
            last_exchanged: vec![false; k - 1],
        })
    }

    /// Checks a ladder read from a file against its machine.
    pub fn validate_for(&self, bm: &BoltzmannMachine) -> Result<(), EngineError> {
        check_ladder(&self.temperatures)?;
        let k = self.temperatures.len();
        let pairs = [&self.proposed, &self.accepted];
        if self.chains.len() != k
            || self.rngs.len() != k
            || pairs.iter().any(|p| p.len() != k - 1)
            || self.last_exchanged.len() != k - 1
        {
            return Err(EngineError::BadParameter(
                "the tempering ladder's replicas, streams and statistics differ in number".into(),
            ));
        }
        if self.accepted.iter().zip(&self.proposed).any(|(a, p)| a > p) {
            return Err(EngineError::BadParameter(
                "the tempering ladder accepted more exchanges than it proposed".into(),
            ));
        }
        self.rngs.iter().try_for_each(SimRng::validate)?;
        self.swap_rng.validate()?;
        self.chains.iter().try_for_each(|c| c.validate_for(bm))
    }

    /// The temperatures, target first.
    pub fn temperatures(&self) -> &[f64] {
        &self.temperatures
    }

    /// The replicas, `chains()[k]` at `temperatures()[k]`.
    pub fn chains(&self) -> &[Chain] {
        &self.chains
    }

    /// The replica at the target temperature T₀.
    pub fn target(&self) -> &Chain {
        &self.chains[0]
    }

    /// Rounds done.
    pub fn rounds(&self) -> u64 {
        self.rounds
    }

    /// Per pair (k, k+1): the fraction of proposed exchanges accepted (`None` before any).
    pub fn acceptance_rates(&self) -> Vec<Option<f64>> {
        self.proposed
            .iter()
            .zip(&self.accepted)
            .map(|(&p, &a)| (p > 0).then(|| a as f64 / p as f64))
            .collect()
    }

    /// Per pair: whether the last round exchanged its states.
    pub fn last_exchanged(&self) -> &[bool] {
        &self.last_exchanged
    }

    /// Recomputes every replica's inputs (after the weights changed).
    pub fn refresh(&mut self, bm: &BoltzmannMachine) {
        self.chains.iter_mut().for_each(|c| c.refresh(bm));
    }

    /// One round: `sweeps` sweeps of every replica, on two threads when `two_threads` (the
    /// same result either way), then one set of neighbour exchanges.
    pub fn round(
        &mut self,
        bm: &BoltzmannMachine,
        sweeps: usize,
        two_threads: bool,
    ) -> Result<(), EngineError> {
        let Self {
            temperatures,
            chains,
            rngs,
            ..
        } = self;
        let advance = |chains: &mut [Chain], rngs: &mut [SimRng], temps: &[f64]| {
            chains
                .iter_mut()
                .zip(rngs.iter_mut())
                .zip(temps)
                .try_for_each(|((c, r), &t)| c.run(bm, t, sweeps, UpdateOrder::Sequential, r))
        };
        if two_threads {
            let half = chains.len() / 2;
            let (chains_a, chains_b) = chains.split_at_mut(half);
            let (rngs_a, rngs_b) = rngs.split_at_mut(half);
            let (temps_a, temps_b) = temperatures.split_at(half);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| advance(chains_b, rngs_b, temps_b));
                let mine = advance(chains_a, rngs_a, temps_a);
                let theirs = other.join().unwrap_or_else(|_| {
                    Err(EngineError::BadParameter(
                        "a tempering thread stopped unexpectedly".into(),
                    ))
                });
                mine.and(theirs)
            })?;
        } else {
            advance(chains, rngs, temperatures)?;
        }
        self.exchange(bm);
        Ok(())
    }

    /// Proposes exchanges between the pairs (k, k+1) with k of the round's parity.
    fn exchange(&mut self, bm: &BoltzmannMachine) {
        let first = (self.rounds % 2) as usize;
        self.last_exchanged.iter_mut().for_each(|e| *e = false);
        for k in (first..self.chains.len() - 1).step_by(2) {
            let (beta_a, beta_b) = (1.0 / self.temperatures[k], 1.0 / self.temperatures[k + 1]);
            let (e_a, e_b) = (self.chains[k].energy(bm), self.chains[k + 1].energy(bm));
            let accept = swap_acceptance(beta_a, beta_b, e_a, e_b);
            self.proposed[k] += 1;
            if self.swap_rng.uniform() < accept {
                self.chains.swap(k, k + 1);
                self.accepted[k] += 1;
                self.last_exchanged[k] = true;
            }
        }
        self.rounds += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::boltzmann::Connectivity;

    #[test]
    fn acceptance_by_hand() {
        // β = 1 and ½; the cold replica has E = −1, the hot E = −3: moving the lower energy
        // to the cold end is always accepted, the reverse with e^{(1 − ½)(−3 + 1)} = e⁻¹.
        assert_eq!(swap_acceptance(1.0, 0.5, -1.0, -3.0), 1.0);
        assert!((swap_acceptance(1.0, 0.5, -3.0, -1.0) - (-1.0f64).exp()).abs() < 1e-15);
        assert_eq!(swap_acceptance(1.0, 0.5, 2.0, 2.0), 1.0);
    }

    #[test]
    fn two_replicas_exchange_at_the_hand_computed_rate() {
        // One unit with bias b = 1 and no weights: E(1) = −1, E(0) = 0. Clamps pin each
        // replica's state so only exchanges act. β₀ = 1, β₁ = ½. With E = 0 at the cold end
        // and −1 at the hot one, A = min(1, e^{½·(0 + 1)}) = 1; the other way round,
        // A = e^{½·(−1 − 0)} = e^{−½}.
        let mut bm = BoltzmannMachine::new(1, 0, Connectivity::Full).expect("bm");
        bm.set_bias(0, 1.0).expect("bias");
        let mut start = Chain::new(&bm, vec![0]).expect("chain");
        start.clamp(&bm, &[0], &[0]).expect("clamp");
        let mut pt = Tempering::new(&bm, &start, vec![1.0, 2.0], 3).expect("pt");
        let mut hot = Chain::new(&bm, vec![1]).expect("chain");
        hot.clamp(&bm, &[0], &[1]).expect("clamp");
        pt.chains[1] = hot;
        let rounds = 40_000;
        let mut from_high = (0u64, 0u64);
        for _ in 0..rounds {
            let cold_is_low = pt.chains[0].state()[0] == 1;
            let even = pt.rounds.is_multiple_of(2);
            pt.round(&bm, 0, false).expect("round");
            if even && cold_is_low {
                from_high.0 += 1;
                from_high.1 += u64::from(pt.last_exchanged[0]);
            } else if even {
                assert!(pt.last_exchanged[0], "a downhill exchange must be accepted");
            }
        }
        let p = (-0.5f64).exp();
        let rate = from_high.1 as f64 / from_high.0 as f64;
        let sd = (p * (1.0 - p) / from_high.0 as f64).sqrt();
        assert!((rate - p).abs() < 4.0 * sd, "rate {rate} vs {p}");
        // Odd rounds have no pair with two replicas.
        assert_eq!(pt.proposed[0], rounds / 2);
    }

    #[test]
    fn one_thread_and_two_give_the_same_run() {
        let mut rng = SimRng::seed_from_u64(8);
        let bm = BoltzmannMachine::random(30, 0, Connectivity::Full, 0.4, 0.2, &mut rng)
            .expect("bm");
        let start = Chain::random(&bm, &mut rng);
        let ladder = geometric_ladder(0.5, 4.0, 5).expect("ladder");
        let mut a = Tempering::new(&bm, &start, ladder.clone(), 1).expect("pt");
        let mut b = Tempering::new(&bm, &start, ladder, 1).expect("pt");
        for _ in 0..50 {
            a.round(&bm, 3, false).expect("round");
            b.round(&bm, 3, true).expect("round");
        }
        assert_eq!(a, b);
        assert!(a.accepted.iter().sum::<u64>() > 0);
    }

    #[test]
    fn ladders_are_checked() {
        let ladder = geometric_ladder(1.0, 8.0, 4).expect("ladder");
        let expected = [1.0, 2.0, 4.0, 8.0];
        assert!(ladder.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12));
        assert!(geometric_ladder(1.0, 1.0, 4).is_err());
        assert!(geometric_ladder(0.0, 2.0, 4).is_err());
        assert!(geometric_ladder(1.0, f64::NAN, 4).is_err());
        assert!(geometric_ladder(1.0, 2.0, 1).is_err());
        assert!(geometric_ladder(1.0, 2.0, MAX_REPLICAS + 1).is_err());
        assert!(check_ladder(&[1.0, 3.0, 2.0]).is_err());
    }
}
