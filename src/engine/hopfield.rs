//! Hopfield networks on ±1 spins.
//!
//! `E(σ) = −½ Σ_{i≠j} Jᵢⱼ σᵢ σⱼ − Σᵢ θᵢ σᵢ`; an update sets `σᵢ = sign(hᵢ)` with
//! `hᵢ = Σⱼ Jᵢⱼ σⱼ + θᵢ` (a tie keeps the current value). Asynchronous updates never raise E, so
//! the net descends to a fixed point: a stored pattern (recall) or a spurious minimum.
//! Synchronous updates can instead end in a 2-cycle, which [`Hopfield::run_to_fixed_point`] detects.
//!
//! Storage rules (Hertz, Krogh & Palmer 1991; Storkey 1997): Hebbian `J = (1/N) Σ_μ ξ^μ ξ^μᵀ`,
//! Storkey's incremental rule, and the pseudo-inverse (projection) rule `J = (1/N) Ξ C⁻¹ Ξᵀ`
//! with `C = ΞᵀΞ / N`. Every rule zeroes the diagonal.

use super::boltzmann::UpdateOrder;
use super::error::{EngineError, check_len, check_parameters};
use super::rng::SimRng;
use serde::{Deserialize, Serialize};

/// A rule for storing patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum HopfieldRule {
    /// `J = (1/N) Σ ξξᵀ`; capacity ≈ 0.138 N.
    #[default]
    Hebbian,
    /// Storkey's local incremental rule; larger capacity than Hebbian.
    Storkey,
    /// The projection rule `J = (1/N) Ξ C⁻¹ Ξᵀ`; every linearly independent pattern is stable.
    PseudoInverse,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Convergence {
    /// No unit changes any more.
    FixedPoint {
        /// Sweeps taken, including the last one that changed nothing.
        sweeps: usize,
    },
    /// Synchronous updates alternate between two states.
    TwoCycle {
        /// Sweeps taken.
        sweeps: usize,
    },
    /// Still changing after the allowed sweeps.
    MaxSweeps,
}

/// A Hopfield network: spin weights J (symmetric, zero diagonal), thresholds θ, and the patterns
/// it stores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hopfield {
    n: usize,
    weights: Vec<f64>,
    thresholds: Vec<f64>,
    patterns: Vec<Vec<i8>>,
}

impl Hopfield {
    /// An empty net of n units (refused over the size limit before allocating).
    pub fn new(n: usize) -> Result<Self, EngineError> {
        crate::engine::limits::check_net(n, 0)?;
        Ok(Self {
            n,
            weights: vec![0.0; n * n],
            thresholds: vec![0.0; n],
            patterns: Vec::new(),
        })
    }

    /// A net from explicit weights (n × n row-major) and thresholds; checked.
    pub fn from_weights(weights: Vec<f64>, thresholds: Vec<f64>) -> Result<Self, EngineError> {
        let n = thresholds.len();
        check_len("Hopfield weights (n × n)", n * n, weights.len())?;
        check_parameters("Hopfield weights", weights.iter().copied())?;
        check_parameters("Hopfield thresholds", thresholds.iter().copied())?;
        for i in 0..n {
            if weights[i * n + i] != 0.0 {
                return Err(EngineError::NonZeroDiagonal {
                    i,
                    value: weights[i * n + i],
                });
            }
            for j in 0..i {
                if weights[i * n + j] != weights[j * n + i] {
                    return Err(EngineError::Asymmetric {
                        i,
                        j,
                        wij: weights[i * n + j],
                        wji: weights[j * n + i],
                    });
                }
            }
        }
        Ok(Self {
            n,
            weights,
            thresholds,
            patterns: Vec::new(),
        })
    }

    /// A net storing `patterns` (each ±1, length n) with `rule`.
    pub fn store(n: usize, patterns: &[Vec<i8>], rule: HopfieldRule) -> Result<Self, EngineError> {
        for (k, p) in patterns.iter().enumerate() {
            check_len(&format!("pattern {k}"), n, p.len())?;
            if let Some(i) = p.iter().position(|&s| s != 1 && s != -1) {
                return Err(EngineError::BadParameter(format!(
                    "pattern {k}, unit {i}: spins must be ±1"
                )));
            }
        }
        if rule == HopfieldRule::PseudoInverse && patterns.len() > n {
            // C = ΞᵀΞ/N is p × p of rank at most n: singular, and p² memory for nothing.
            return Err(EngineError::Singular(format!(
                "the pseudo-inverse rule stores at most n = {n} linearly independent patterns, got {}",
                patterns.len()
            )));
        }
        let mut net = Self::new(n)?;
        match rule {
            HopfieldRule::Hebbian => net.hebbian(patterns),
            HopfieldRule::Storkey => patterns.iter().for_each(|p| net.storkey_add(p)),
            HopfieldRule::PseudoInverse => net.pseudo_inverse(patterns)?,
        }
        net.patterns = patterns.to_vec();
        Ok(net)
    }

    fn hebbian(&mut self, patterns: &[Vec<i8>]) {
        let n = self.n;
        let scale = 1.0 / n as f64;
        for p in patterns {
            for i in 0..n {
                let pi = f64::from(p[i]) * scale;
                let row = &mut self.weights[i * n..(i + 1) * n];
                row.iter_mut()
                    .zip(p)
                    .for_each(|(w, &pj)| *w += pi * f64::from(pj));
                row[i] = 0.0;
            }
        }
    }

    /// Storkey (1997): `ΔJᵢⱼ = (1/N)(ξᵢξⱼ − ξᵢ hⱼᵢ − hᵢⱼ ξⱼ)` with the local field
    /// `hᵢⱼ = Σ_{k≠i,j} Jᵢₖ ξₖ`.
    fn storkey_add(&mut self, p: &[i8]) {
        let n = self.n;
        let xi: Vec<f64> = p.iter().map(|&s| f64::from(s)).collect();
        let h: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|k| self.weights[i * n + k] * xi[k]).sum())
            .collect();
        let old = self.weights.clone();
        let scale = 1.0 / n as f64;
        // The change is symmetric in i and j; computing it once per pair keeps J exactly
        // symmetric (two evaluations could round apart).
        for i in 0..n {
            for j in 0..i {
                let h_ij = h[i] - old[i * n + j] * xi[j];
                let h_ji = h[j] - old[j * n + i] * xi[i];
                let w = old[i * n + j] + scale * (xi[i] * xi[j] - xi[i] * h_ji - h_ij * xi[j]);
                self.weights[i * n + j] = w;
                self.weights[j * n + i] = w;
            }
        }
    }

    fn pseudo_inverse(&mut self, patterns: &[Vec<i8>]) -> Result<(), EngineError> {
        let n = self.n;
        let p = patterns.len();
        if p == 0 {
            return Ok(());
        }
        // C = ΞᵀΞ / N (p × p), then J = Ξ C⁻¹ Ξᵀ / N.
        let mut c = vec![0.0; p * p];
        for a in 0..p {
            for b in 0..=a {
                let dot: i64 = patterns[a]
                    .iter()
                    .zip(&patterns[b])
                    .map(|(&x, &y)| i64::from(x) * i64::from(y))
                    .sum();
                c[a * p + b] = dot as f64 / n as f64;
                c[b * p + a] = c[a * p + b];
            }
        }
        let c_inv = invert_spd(&c, p)?;
        // M = C⁻¹ Ξᵀ (p × n); J = Ξ M / N.
        let mut m = vec![0.0; p * n];
        for a in 0..p {
            for b in 0..p {
                let cab = c_inv[a * p + b];
                for i in 0..n {
                    m[a * n + i] += cab * f64::from(patterns[b][i]);
                }
            }
        }
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let s: f64 = (0..p)
                        .map(|a| f64::from(patterns[a][i]) * m[a * n + j])
                        .sum();
                    self.weights[i * n + j] = s / n as f64;
                }
            }
        }
        // Symmetrize away rounding so the energy is well defined.
        for i in 0..n {
            for j in 0..i {
                let avg = 0.5 * (self.weights[i * n + j] + self.weights[j * n + i]);
                self.weights[i * n + j] = avg;
                self.weights[j * n + i] = avg;
            }
        }
        Ok(())
    }

    /// Number of units.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The weights J, n × n row-major.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The thresholds θ.
    pub fn thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// The stored patterns.
    pub fn patterns(&self) -> &[Vec<i8>] {
        &self.patterns
    }

    /// Local field `hᵢ = Σⱼ Jᵢⱼ σⱼ + θᵢ`.
    pub fn field(&self, state: &[i8], i: usize) -> f64 {
        self.thresholds[i]
            + self.weights[i * self.n..(i + 1) * self.n]
                .iter()
                .zip(state)
                .map(|(w, &s)| w * f64::from(s))
                .sum::<f64>()
    }

    /// `E(σ) = −½ Σ_{i≠j} Jᵢⱼ σᵢ σⱼ − Σᵢ θᵢ σᵢ`.
    pub fn energy(&self, state: &[i8]) -> f64 {
        let n = self.n;
        let mut e = 0.0;
        for i in 0..n {
            let si = f64::from(state[i]);
            let row: f64 = self.weights[i * n..(i + 1) * n]
                .iter()
                .zip(state)
                .map(|(w, &s)| w * f64::from(s))
                .sum();
            e -= 0.5 * si * row + self.thresholds[i] * si;
        }
        e
    }

    /// Overlap `m_μ = (1/N) Σᵢ ξᵢ^μ σᵢ` with every stored pattern.
    pub fn overlaps(&self, state: &[i8]) -> Vec<f64> {
        self.patterns.iter().map(|p| overlap(p, state)).collect()
    }

    /// Updates unit i deterministically; returns whether it flipped.
    pub fn update_unit(&self, state: &mut [i8], i: usize) -> bool {
        let h = self.field(state, i);
        let new = if h > 0.0 {
            1
        } else if h < 0.0 {
            -1
        } else {
            state[i]
        };
        let flipped = new != state[i];
        state[i] = new;
        flipped
    }

    /// One sweep in the given order; returns the number of flips.
    pub fn sweep(
        &self,
        state: &mut [i8],
        order: UpdateOrder,
        rng: &mut SimRng,
    ) -> Result<usize, EngineError> {
        check_len("Hopfield state", self.n, state.len())?;
        let mut flips = 0;
        match order {
            UpdateOrder::Sequential => {
                (0..self.n).for_each(|i| flips += usize::from(self.update_unit(state, i)))
            }
            UpdateOrder::Random => {
                let mut order: Vec<usize> = (0..self.n).collect();
                rng.shuffle(&mut order);
                order
                    .into_iter()
                    .for_each(|i| flips += usize::from(self.update_unit(state, i)));
            }
            UpdateOrder::Synchronous => {
                let fields: Vec<f64> = (0..self.n).map(|i| self.field(state, i)).collect();
                for (s, h) in state.iter_mut().zip(fields) {
                    let new = if h > 0.0 {
                        1
                    } else if h < 0.0 {
                        -1
                    } else {
                        *s
                    };
                    flips += usize::from(new != *s);
                    *s = new;
                }
            }
        }
        Ok(flips)
    }

    /// Sweeps until nothing changes (or, synchronously, until a 2-cycle), at most `max_sweeps`.
    pub fn run_to_fixed_point(
        &self,
        state: &mut [i8],
        order: UpdateOrder,
        max_sweeps: usize,
        rng: &mut SimRng,
    ) -> Result<Convergence, EngineError> {
        let mut two_back: Option<Vec<i8>> = None;
        for sweep in 1..=max_sweeps {
            let before = state.to_vec();
            if self.sweep(state, order, rng)? == 0 {
                return Ok(Convergence::FixedPoint { sweeps: sweep });
            }
            if order == UpdateOrder::Synchronous && two_back.as_deref() == Some(&*state) {
                return Ok(Convergence::TwoCycle { sweeps: sweep });
            }
            two_back = Some(before);
        }
        Ok(Convergence::MaxSweeps)
    }
}

/// Overlap `(1/N) Σ ξᵢ σᵢ` between two spin vectors.
pub fn overlap(a: &[i8], b: &[i8]) -> f64 {
    let dot: i64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| i64::from(x) * i64::from(y))
        .sum();
    dot as f64 / a.len().max(1) as f64
}

/// Inverse of a symmetric positive definite matrix by Cholesky factorization.
fn invert_spd(a: &[f64], p: usize) -> Result<Vec<f64>, EngineError> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = a[i * p + j] - (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum::<f64>();
            if i == j {
                if s <= 1e-12 {
                    return Err(EngineError::Singular(
                        "the patterns are linearly dependent (e.g. a repeated or negated pattern), so the pseudo-inverse rule cannot store them".into(),
                    ));
                }
                l[i * p + i] = s.sqrt();
            } else {
                l[i * p + j] = s / l[j * p + j];
            }
        }
    }
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![0.0; p * p];
    for col in 0..p {
        let mut y = vec![0.0; p];
        for i in 0..p {
            let rhs = if i == col { 1.0 } else { 0.0 };
            y[i] = (rhs - (0..i).map(|k| l[i * p + k] * y[k]).sum::<f64>()) / l[i * p + i];
        }
        for i in (0..p).rev() {
            let s: f64 = ((i + 1)..p).map(|k| l[k * p + i] * inv[k * p + col]).sum();
            inv[i * p + col] = (y[i] - s) / l[i * p + i];
        }
    }
    Ok(inv)
}
