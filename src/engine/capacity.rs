//! Capacity sweeps: how many random patterns a Hopfield net recalls exactly from a noisy cue.
//!
//! For each number of patterns p: `trials` times, store p random ±1 patterns of N units, flip
//! `round(noise · N)` distinct bits of each, run asynchronous random-order updates to a fixed
//! point, and count exact recalls. Theory for the Hebbian rule: about 0.138 N patterns are
//! retrievable (Amit, Gutfreund & Sompolinsky 1985), with near-perfect recall below about
//! 0.105 N (N / (2 ln N) for perfect recall of all bits as N → ∞).

use super::boltzmann::UpdateOrder;
use super::error::EngineError;
use super::hopfield::{Hopfield, HopfieldRule};
use super::rng::SimRng;
use serde::{Deserialize, Serialize};

/// What to sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapacityConfig {
    /// Units.
    pub n: usize,
    /// Storage rule.
    pub rule: HopfieldRule,
    /// Fraction of bits flipped in each cue, in [0, 0.5].
    pub noise: f64,
    /// Independent nets per pattern count.
    pub trials: usize,
    /// The pattern counts to try.
    pub pattern_counts: Vec<usize>,
}

/// One row of the result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapacityPoint {
    /// Patterns stored.
    pub patterns: usize,
    /// Fraction of cues recalled exactly.
    pub recalled: f64,
    /// Cues tried (trials × patterns).
    pub cues: usize,
}

/// The theory marks for N units and a rule: (patterns, what the mark means).
pub fn theory_marks(rule: HopfieldRule, n: usize) -> Vec<(f64, &'static str)> {
    let n = n as f64;
    match rule {
        HopfieldRule::Hebbian => vec![
            (
                0.138 * n,
                "0.138 N: Hebbian storage capacity (Amit, Gutfreund & Sompolinsky)",
            ),
            (
                n / (2.0 * n.ln()),
                "N / (2 ln N): every pattern recalled perfectly",
            ),
        ],
        HopfieldRule::Storkey => vec![(
            n / (2.0 * n.ln()).sqrt(),
            "N / sqrt(2 ln N): Storkey's capacity",
        )],
        HopfieldRule::PseudoInverse => {
            vec![(
                n,
                "N: the pseudo-inverse stores up to N independent patterns",
            )]
        }
    }
}

/// Runs the sweep, calling `progress(done, total)` after each pattern count.
pub fn capacity_sweep(
    config: &CapacityConfig,
    rng: &mut SimRng,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<CapacityPoint>, EngineError> {
    if config.n == 0 || config.trials == 0 {
        return Err(EngineError::BadParameter(
            "capacity sweep needs n > 0 and trials > 0".into(),
        ));
    }
    if !(0.0..=0.5).contains(&config.noise) {
        return Err(EngineError::BadParameter(format!(
            "noise must be in [0, 0.5], got {}",
            config.noise
        )));
    }
    let n = config.n;
    let flips = (config.noise * n as f64).round() as usize;
    let mut points = Vec::with_capacity(config.pattern_counts.len());
    for (done, &p) in config.pattern_counts.iter().enumerate() {
        let mut recalled = 0;
        for _ in 0..config.trials {
            let patterns: Vec<Vec<i8>> = (0..p)
                .map(|_| {
                    (0..n)
                        .map(|_| if rng.next_u64() >> 63 == 1 { 1 } else { -1 })
                        .collect()
                })
                .collect();
            let net = match Hopfield::store(n, &patterns, config.rule) {
                Ok(net) => net,
                // Dependent random patterns (rare, small N): count as not recalled.
                Err(EngineError::Singular(_)) => continue,
                Err(e) => return Err(e),
            };
            for pattern in &patterns {
                let mut cue = pattern.clone();
                let mut positions: Vec<usize> = (0..n).collect();
                rng.shuffle(&mut positions);
                positions[..flips].iter().for_each(|&i| cue[i] = -cue[i]);
                net.run_to_fixed_point(&mut cue, UpdateOrder::Random, 100, rng)?;
                recalled += usize::from(&cue == pattern);
            }
        }
        let cues = config.trials * p;
        points.push(CapacityPoint {
            patterns: p,
            recalled: if cues == 0 {
                1.0
            } else {
                recalled as f64 / cues as f64
            },
            cues,
        });
        progress(done + 1, config.pattern_counts.len());
    }
    Ok(points)
}
