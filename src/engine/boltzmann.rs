//! General Boltzmann machines on 0/1 units with any symmetric connectivity.
//!
//! `E(s) = −Σ_{i<j} wᵢⱼ sᵢ sⱼ − Σᵢ bᵢ sᵢ`, `P(s) = e^(−E(s)/T) / Z`.
//! A Gibbs update of unit i computes its input `xᵢ = Σⱼ wᵢⱼ sⱼ + bᵢ` and sets `sᵢ = 1` with
//! probability `σ(xᵢ / T)`; at `T = 0` it sets `sᵢ = [xᵢ > 0]`, keeping its value on a tie —
//! exactly the Hopfield update on the same weights.
//!
//! Units `0..n_visible` are visible, the rest hidden. A [`Chain`] keeps every unit's input up
//! to date incrementally, so one update costs O(1) and a flip O(n).

use super::error::{EngineError, check_finite, check_len, check_parameters, check_temperature};
use super::math::{sigmoid, zero_temperature_value};
use super::register_sweep::{self, FastWeights, FastWeightsCache};
use super::rng::SimRng;
use serde::{Deserialize, Serialize};

/// Which pairs of units may be joined by a weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Connectivity {
    /// Every pair.
    Full,
    /// Only visible–hidden pairs (an RBM written as a general BM).
    Restricted,
    /// An explicit symmetric mask, n × n row-major, false on the diagonal.
    Custom(Vec<bool>),
}

/// How a sweep picks units: the one order type of the engine, the simulation and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UpdateOrder {
    /// Units 0, 1, …, n−1 in turn.
    #[default]
    Sequential,
    /// Units in random order: a Boltzmann chain draws n units uniformly with replacement; the
    /// ±1 Hopfield engine ([`super::hopfield`]) visits a fresh random permutation each sweep.
    Random,
    /// Every unit at once from the old state (Little dynamics; at T = 0 it may 2-cycle).
    Synchronous,
}

/// A Boltzmann machine: symmetric weights with zero diagonal, biases, and a connectivity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoltzmannMachine {
    n: usize,
    n_visible: usize,
    /// n × n, row-major, symmetric, zero diagonal, zero where `connectivity` forbids.
    weights: Vec<f64>,
    biases: Vec<f64>,
    connectivity: Connectivity,
    /// A single-precision copy of the weights for the register sweep, built on first use.
    #[serde(skip)]
    fast: FastWeightsCache,
}

impl BoltzmannMachine {
    /// An all-zero machine with `n_visible` visible and `n_hidden` hidden units.
    pub fn new(
        n_visible: usize,
        n_hidden: usize,
        connectivity: Connectivity,
    ) -> Result<Self, EngineError> {
        let n = crate::engine::limits::check_net(n_visible, n_hidden)?;
        if let Connectivity::Custom(mask) = &connectivity {
            check_len("connectivity mask (n × n)", n * n, mask.len())?;
            for i in 0..n {
                if mask[i * n + i] {
                    return Err(EngineError::BadParameter(format!(
                        "connectivity mask joins unit {i} to itself"
                    )));
                }
                for j in 0..i {
                    if mask[i * n + j] != mask[j * n + i] {
                        return Err(EngineError::BadParameter(format!(
                            "connectivity mask is not symmetric at ({i}, {j})"
                        )));
                    }
                }
            }
        }
        Ok(Self {
            n,
            n_visible,
            weights: vec![0.0; n * n],
            biases: vec![0.0; n],
            connectivity,
            fast: FastWeightsCache::default(),
        })
    }

    /// A machine from a full weight matrix (n × n row-major) and biases, checked for size,
    /// finiteness, symmetry, a zero diagonal and zeros where the connectivity has no edge.
    pub fn from_weights(
        n_visible: usize,
        weights: Vec<f64>,
        biases: Vec<f64>,
        connectivity: Connectivity,
    ) -> Result<Self, EngineError> {
        let n = biases.len();
        if n_visible > n {
            return Err(EngineError::BadParameter(format!(
                "{n_visible} visible units but only {n} units in all"
            )));
        }
        let n_squared = crate::engine::limits::check_net(n, 0)?.pow(2);
        check_len("weights (n × n)", n_squared, weights.len())?;
        let mut bm = Self::new(n_visible, n - n_visible, connectivity)?;
        check_parameters("weights", weights.iter().copied())?;
        check_parameters("biases", biases.iter().copied())?;
        for i in 0..n {
            let d = weights[i * n + i];
            if d != 0.0 {
                return Err(EngineError::NonZeroDiagonal { i, value: d });
            }
            for j in 0..i {
                let (wij, wji) = (weights[i * n + j], weights[j * n + i]);
                if wij != wji {
                    return Err(EngineError::Asymmetric { i, j, wij, wji });
                }
                if wij != 0.0 && !bm.allows(i, j) {
                    return Err(EngineError::BadParameter(format!(
                        "w[{i}][{j}] = {wij} but the connectivity has no edge between units {i} and {j}"
                    )));
                }
            }
        }
        bm.weights = weights;
        bm.biases = biases;
        Ok(bm)
    }

    /// Checks a machine that did not come through a constructor (e.g. read from a file):
    /// sizes, finiteness, symmetry, zero diagonal and the connectivity, as [`Self::from_weights`].
    pub fn validate(&self) -> Result<(), EngineError> {
        if self.n != self.biases.len() {
            return Err(EngineError::SizeMismatch {
                what: "biases (n)".into(),
                expected: self.n,
                got: self.biases.len(),
            });
        }
        Self::from_weights(
            self.n_visible,
            self.weights.clone(),
            self.biases.clone(),
            self.connectivity.clone(),
        )
        .map(|_| ())
    }

    /// Random weights N(0, scale²) on every allowed edge and biases N(0, bias_scale²).
    pub fn random(
        n_visible: usize,
        n_hidden: usize,
        connectivity: Connectivity,
        scale: f64,
        bias_scale: f64,
        rng: &mut SimRng,
    ) -> Result<Self, EngineError> {
        let mut bm = Self::new(n_visible, n_hidden, connectivity)?;
        let n = bm.n;
        for i in 0..n {
            for j in 0..i {
                if bm.allows(i, j) {
                    let w = scale * rng.normal();
                    bm.weights[i * n + j] = w;
                    bm.weights[j * n + i] = w;
                }
            }
            bm.biases[i] = bias_scale * rng.normal();
        }
        Ok(bm)
    }

    /// Number of units.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of visible units (units `0..n_visible`).
    pub fn n_visible(&self) -> usize {
        self.n_visible
    }

    /// Number of hidden units.
    pub fn n_hidden(&self) -> usize {
        self.n - self.n_visible
    }

    /// The connectivity.
    pub fn connectivity(&self) -> &Connectivity {
        &self.connectivity
    }

    /// Whether units i ≠ j may be joined.
    pub fn allows(&self, i: usize, j: usize) -> bool {
        if i == j {
            return false;
        }
        match &self.connectivity {
            Connectivity::Full => true,
            Connectivity::Restricted => (i < self.n_visible) != (j < self.n_visible),
            Connectivity::Custom(mask) => mask[i * self.n + j],
        }
    }

    /// The weight matrix, n × n row-major.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The biases.
    pub fn biases(&self) -> &[f64] {
        &self.biases
    }

    /// The weights in single precision for the register sweep (built once, then cached).
    pub(crate) fn fast_weights(&self) -> &FastWeights {
        self.fast.get(self)
    }

    /// wᵢⱼ.
    #[inline]
    pub fn weight(&self, i: usize, j: usize) -> f64 {
        self.weights[i * self.n + j]
    }

    /// Sets wᵢⱼ = wⱼᵢ = w. Refused on the diagonal, off the connectivity, or for non-finite w.
    pub fn set_weight(&mut self, i: usize, j: usize, w: f64) -> Result<(), EngineError> {
        if i >= self.n || j >= self.n {
            return Err(EngineError::BadParameter(format!(
                "unit index ({i}, {j}) out of range for {} units",
                self.n
            )));
        }
        if !w.is_finite() {
            return Err(EngineError::NotFinite {
                what: format!("w[{i}][{j}]"),
                index: 0,
                value: w,
            });
        }
        if !self.allows(i, j) {
            return Err(EngineError::BadParameter(format!(
                "units {i} and {j} cannot be joined in this machine"
            )));
        }
        self.weights[i * self.n + j] = w;
        self.weights[j * self.n + i] = w;
        self.fast.clear();
        Ok(())
    }

    /// Sets bᵢ.
    pub fn set_bias(&mut self, i: usize, b: f64) -> Result<(), EngineError> {
        check_parameters("bias", [b])?;
        let slot = self
            .biases
            .get_mut(i)
            .ok_or_else(|| EngineError::BadParameter(format!("unit {i} out of range")))?;
        *slot = b;
        Ok(())
    }

    /// Adds `delta` (n × n, symmetric) to the weights on allowed edges and `delta_b` to biases.
    pub(crate) fn add_to_parameters(&mut self, delta_w: &[f64], delta_b: &[f64]) {
        self.fast.clear();
        let n = self.n;
        for i in 0..n {
            for j in 0..n {
                if self.allows(i, j) {
                    self.weights[i * n + j] += delta_w[i * n + j];
                }
            }
            self.biases[i] += delta_b[i];
        }
    }

    /// Input of unit i: `xᵢ = Σⱼ wᵢⱼ sⱼ + bᵢ`.
    pub fn input(&self, state: &[u8], i: usize) -> f64 {
        let row = &self.weights[i * self.n..(i + 1) * self.n];
        self.biases[i]
            + row
                .iter()
                .zip(state)
                .map(|(w, &s)| if s != 0 { *w } else { 0.0 })
                .sum::<f64>()
    }

    /// Every input at once: `xᵢ = bᵢ + Σ_{j on} wⱼᵢ` (rows, by symmetry), adding the rows of
    /// the units that are on in order of j, so the loop runs over whole rows and vectorizes.
    #[inline(always)]
    pub(crate) fn write_inputs(&self, state: &[u8], inputs: &mut [f64]) {
        let n = self.n;
        inputs.copy_from_slice(&self.biases);
        for (row, _) in self
            .weights
            .chunks_exact(n)
            .zip(state)
            .filter(|(_, s)| **s != 0)
        {
            inputs.iter_mut().zip(row).for_each(|(x, &w)| *x += w);
        }
    }

    /// Energy `E(s) = −Σ_{i<j} wᵢⱼ sᵢ sⱼ − Σᵢ bᵢ sᵢ`.
    pub fn energy(&self, state: &[u8]) -> f64 {
        let mut e = 0.0;
        for i in 0..self.n {
            if state[i] == 0 {
                continue;
            }
            e -= self.biases[i];
            let row = &self.weights[i * self.n..];
            for j in 0..i {
                if state[j] != 0 {
                    e -= row[j];
                }
            }
        }
        e
    }

    /// Checks that a state has one 0/1 value a unit.
    pub fn check_state(&self, state: &[u8]) -> Result<(), EngineError> {
        check_len("state", self.n, state.len())?;
        match state.iter().position(|&s| s > 1) {
            Some(i) => Err(EngineError::BadParameter(format!(
                "state of unit {i} is {}, not 0 or 1",
                state[i]
            ))),
            None => Ok(()),
        }
    }
}

/// One Markov chain over a machine's states: the state, every unit's input kept up to date,
/// and a clamp mask (clamped units are never updated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    state: Vec<u8>,
    inputs: Vec<f64>,
    clamped: Vec<bool>,
}

impl Chain {
    /// A chain starting in `state` (checked against the machine), nothing clamped.
    pub fn new(bm: &BoltzmannMachine, state: Vec<u8>) -> Result<Self, EngineError> {
        bm.check_state(&state)?;
        let mut inputs = vec![0.0; bm.n];
        bm.write_inputs(&state, &mut inputs);
        Ok(Self {
            state,
            inputs,
            clamped: vec![false; bm.n],
        })
    }

    /// A chain from a uniformly random state.
    pub fn random(bm: &BoltzmannMachine, rng: &mut SimRng) -> Self {
        let state: Vec<u8> = (0..bm.n).map(|_| (rng.next_u64() >> 63) as u8).collect();
        let mut inputs = vec![0.0; bm.n];
        bm.write_inputs(&state, &mut inputs);
        Self {
            state,
            inputs,
            clamped: vec![false; bm.n],
        }
    }

    /// Checks a chain that did not come through a constructor against its machine: sizes, 0/1
    /// states, and inputs that agree with the weights (to 10⁻⁶ of their scale).
    pub fn validate_for(&self, bm: &BoltzmannMachine) -> Result<(), EngineError> {
        self.validate_shape_for(bm)?;
        for (i, &x) in self.inputs.iter().enumerate() {
            let exact = bm.input(&self.state, i);
            let scale = 1.0
                + bm.weights[i * bm.n..(i + 1) * bm.n]
                    .iter()
                    .map(|w| w.abs())
                    .sum::<f64>();
            if (x - exact).abs() > 1e-6 * scale {
                return Err(EngineError::BadParameter(format!(
                    "the saved input of unit {i} is {x} but the weights and state give {exact}"
                )));
            }
        }
        Ok(())
    }

    /// Checks sizes, 0/1 states and finite inputs only: for chains whose inputs are brought up
    /// to date before use (the persistent chains of learning, refreshed each negative phase).
    pub fn validate_shape_for(&self, bm: &BoltzmannMachine) -> Result<(), EngineError> {
        check_len("chain state (n)", bm.n, self.state.len())?;
        check_len("chain inputs (n)", bm.n, self.inputs.len())?;
        check_len("chain clamp mask (n)", bm.n, self.clamped.len())?;
        bm.check_state(&self.state)?;
        check_finite("chain inputs", self.inputs.iter().copied())
    }

    /// The current state.
    pub fn state(&self) -> &[u8] {
        &self.state
    }

    /// The input xᵢ of every unit.
    pub fn inputs(&self) -> &[f64] {
        &self.inputs
    }

    /// The clamp mask.
    pub fn clamped(&self) -> &[bool] {
        &self.clamped
    }

    /// Recomputes every input from scratch (after the weights changed).
    pub fn refresh(&mut self, bm: &BoltzmannMachine) {
        bm.write_inputs(&self.state, &mut self.inputs);
    }

    /// Sets unit i to `value`, updating every input in O(n): xⱼ ± wᵢⱼ for every j.
    ///
    /// The row is added or subtracted without rounding a product (the factor is ±1), so the
    /// inputs are the same to the last bit whichever instruction set runs the loop.
    #[inline(always)]
    pub fn set_unit(&mut self, bm: &BoltzmannMachine, i: usize, value: u8) {
        if self.state[i] == value {
            return;
        }
        self.state[i] = value;
        let row = &bm.weights[i * bm.n..(i + 1) * bm.n];
        if value != 0 {
            self.inputs.iter_mut().zip(row).for_each(|(x, w)| *x += w);
        } else {
            self.inputs.iter_mut().zip(row).for_each(|(x, w)| *x -= w);
        }
    }

    /// Clamps `units` to `values` (sets them, then freezes them).
    pub fn clamp(
        &mut self,
        bm: &BoltzmannMachine,
        units: &[usize],
        values: &[u8],
    ) -> Result<(), EngineError> {
        check_len("clamp values", units.len(), values.len())?;
        for (&i, &v) in units.iter().zip(values) {
            if i >= bm.n || v > 1 {
                return Err(EngineError::BadParameter(format!(
                    "cannot clamp unit {i} to {v}"
                )));
            }
            self.set_unit(bm, i, v);
            self.clamped[i] = true;
        }
        Ok(())
    }

    /// Replaces the whole clamp mask (without changing the state).
    pub fn set_clamp_mask(&mut self, mask: Vec<bool>) -> Result<(), EngineError> {
        check_len("clamp mask", self.clamped.len(), mask.len())?;
        self.clamped = mask;
        Ok(())
    }

    /// Releases every clamp.
    pub fn release_all(&mut self) {
        self.clamped.iter_mut().for_each(|c| *c = false);
    }

    /// The current energy, E(s), recomputed from the inputs in O(n):
    /// `E = −½ Σᵢ sᵢ (xᵢ + bᵢ)` since `Σᵢ sᵢ xᵢ = 2 Σ_{i<j} wᵢⱼ sᵢ sⱼ + Σ bᵢ sᵢ`.
    pub fn energy(&self, bm: &BoltzmannMachine) -> f64 {
        -0.5 * self
            .state
            .iter()
            .zip(&self.inputs)
            .zip(&bm.biases)
            .map(|((&s, x), b)| if s != 0 { x + b } else { 0.0 })
            .sum::<f64>()
    }

    /// One Gibbs update of unit i at temperature t (no-op if clamped). Returns whether it flipped.
    ///
    /// sᵢ ← 1 with probability σ(xᵢ/T), drawn as `[xᵢ/T > L]` with L standard logistic
    /// (see [`SimRng::logistic_f32`]); at T = 0, sᵢ ← `[xᵢ > 0]` (unchanged when xᵢ = 0).
    /// Expects `t` already checked (see [`check_temperature`]).
    pub fn update_unit(
        &mut self,
        bm: &BoltzmannMachine,
        i: usize,
        t: f64,
        rng: &mut SimRng,
    ) -> bool {
        let noise = if t > 0.0 { rng.logistic_f32() } else { 0.0 };
        self.update_with_noise(bm, i, t, noise)
    }

    /// The update rule given its logistic noise: sᵢ ← [xᵢ > T·L] for T > 0.
    #[inline(always)]
    fn update_with_noise(&mut self, bm: &BoltzmannMachine, i: usize, t: f64, noise: f32) -> bool {
        if self.clamped[i] {
            return false;
        }
        let x = self.inputs[i];
        let new = if t == 0.0 {
            zero_temperature_value(x, self.state[i])
        } else {
            u8::from(x > t * f64::from(noise))
        };
        let flipped = new != self.state[i];
        self.set_unit(bm, i, new);
        flipped
    }

    /// One sweep: n single-unit updates in the given order. Returns the number of flips.
    pub fn sweep(
        &mut self,
        bm: &BoltzmannMachine,
        t: f64,
        order: UpdateOrder,
        rng: &mut SimRng,
    ) -> Result<usize, EngineError> {
        check_temperature(t)?;
        if order == UpdateOrder::Synchronous {
            return Ok(self.synchronous_sweep(bm, t, rng));
        }
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2_fma() {
                // SAFETY: the processor supports the feature the function was compiled for.
                return Ok(unsafe { self.sweep_avx2(bm, t, order, rng) });
            }
        }
        Ok(self.sweep_kernel::<false>(bm, t, order, rng))
    }

    /// Every unfixed unit decides from the inputs of the old state, then all change together:
    /// sᵢ ← 1 with probability σ(xᵢ/T) (the T = 0 rule at T = 0). Returns the number of flips.
    fn synchronous_sweep(&mut self, bm: &BoltzmannMachine, t: f64, rng: &mut SimRng) -> usize {
        let old = self.inputs.clone();
        let mut flips = 0;
        for (i, x) in old.into_iter().enumerate() {
            if self.clamped[i] {
                continue;
            }
            let new = if t == 0.0 {
                zero_temperature_value(x, self.state[i])
            } else {
                u8::from(rng.uniform() < sigmoid(x / t))
            };
            if new != self.state[i] {
                flips += 1;
                self.set_unit(bm, i, new);
            }
        }
        flips
    }

    /// [`Self::sweep_kernel`] compiled for AVX2: the logistic noise and the O(n) input updates
    /// of every flip run several lanes at a time (the results are bit-identical).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn sweep_avx2(
        &mut self,
        bm: &BoltzmannMachine,
        t: f64,
        order: UpdateOrder,
        rng: &mut SimRng,
    ) -> usize {
        self.sweep_kernel::<true>(bm, t, order, rng)
    }

    /// The sweep itself. The noise of the next (up to) [`BLOCK`] updates is drawn in one vectorized
    /// batch, so the serial part of each update is a compare and, on a flip, a row addition.
    #[inline(always)]
    fn sweep_kernel<const FMA: bool>(
        &mut self,
        bm: &BoltzmannMachine,
        t: f64,
        order: UpdateOrder,
        rng: &mut SimRng,
    ) -> usize {
        const BATCH: usize = BLOCK;
        let n = bm.n;
        let mut noise = [0f32; BATCH];
        let mut units = [0usize; BATCH];
        let mut flips = 0;
        let mut done = 0;
        while done < n {
            let len = BATCH.min(n - done);
            if t > 0.0 {
                rng.fill_logistic(&mut noise[..len]);
            }
            let block = match order {
                UpdateOrder::Sequential | UpdateOrder::Synchronous => Units::From(done),
                UpdateOrder::Random => {
                    units[..len].iter_mut().for_each(|u| *u = rng.below(n));
                    Units::Listed(&units[..len])
                }
            };
            flips += gibbs_block::<FMA>(
                &mut self.state,
                &mut self.inputs,
                &self.clamped,
                &bm.weights,
                t,
                block,
                &noise[..len],
            );
            done += len;
        }
        flips
    }

    /// `sweeps` sweeps at temperature t.
    ///
    /// Two or more sequential sweeps at T > 0 (above 10⁻³⁸) of nets of at most 104 units run
    /// with every input in AVX2 registers (the `register_sweep` module; a plain loop of the
    /// same arithmetic elsewhere). They follow the same law and draw the same noise as
    /// [`Self::sweep`]. The inputs are tracked in single precision for up to 64 sweeps at a time
    /// and then recomputed exactly, so the two paths part only where an input lies within
    /// about 10⁻⁶ of its threshold. Everything else runs [`Self::sweep`] in a loop.
    pub fn run(
        &mut self,
        bm: &BoltzmannMachine,
        t: f64,
        sweeps: usize,
        order: UpdateOrder,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        check_temperature(t)?;
        // Below f32's smallest normal number T would round to 0 in single precision.
        let t_in_single = t >= f64::from(f32::MIN_POSITIVE);
        // One sweep is cheaper in place than with the exact recomputation that ends a run.
        let registers = t_in_single
            && order == UpdateOrder::Sequential
            && bm.n <= register_sweep::MAX_UNITS
            && sweeps >= 2;
        if registers {
            register_sweep::run(
                bm,
                &mut self.state,
                &mut self.inputs,
                &self.clamped,
                t,
                sweeps,
                rng,
            );
            return Ok(());
        }
        for _ in 0..sweeps {
            self.sweep(bm, t, order, rng)?;
        }
        Ok(())
    }
}

/// The most units [`gibbs_block`] takes at once.
const BLOCK: usize = 64;

/// Updates `units` in turn, unit `units[k]` with logistic noise `noise[k]`: sᵢ ← [xᵢ > T·L]
/// (T = 0: sᵢ ← [xᵢ > 0], kept when xᵢ = 0), and on a flip xⱼ ± wᵢⱼ for every j. Returns the
/// number of flips. The ±1 factor makes every addition exact in the product, so the fused
/// form (one instruction with FMA) and the plain one give the same bits.
#[inline(always)]
fn gibbs_block<const FMA: bool>(
    state: &mut [u8],
    inputs: &mut [f64],
    clamped: &[bool],
    weights: &[f64],
    t: f64,
    units: Units,
    noise: &[f32],
) -> usize {
    let n = state.len();
    assert!(inputs.len() == n && clamped.len() == n && weights.len() == n * n);
    let mut flips = 0;
    for (k, &l) in noise.iter().enumerate() {
        let i = match units {
            Units::From(first) => first + k,
            Units::Listed(list) => list[k],
        };
        if clamped[i] {
            continue;
        }
        let x = inputs[i];
        let old = state[i];
        let on = if t > 0.0 {
            x > t * f64::from(l)
        } else {
            x > 0.0 || (x == 0.0 && old != 0)
        };
        if on == (old != 0) {
            continue;
        }
        state[i] = u8::from(on);
        flips += 1;
        let sign = if on { 1.0 } else { -1.0 };
        let row = &weights[i * n..(i + 1) * n];
        inputs
            .iter_mut()
            .zip(row)
            .for_each(|(x, &w)| *x = signed_add::<FMA>(*x, sign, w));
    }
    flips
}

/// Which units a block updates: consecutive from a first one, or listed.
#[derive(Clone, Copy)]
enum Units<'a> {
    From(usize),
    Listed(&'a [usize]),
}

/// x + s·w for s = ±1. The product is exact, so the fused form (one instruction where the
/// processor has FMA) rounds exactly like the plain one.
#[inline(always)]
fn signed_add<const FMA: bool>(x: f64, s: f64, w: f64) -> f64 {
    if FMA { s.mul_add(w, x) } else { x + s * w }
}

/// The AVX2 sweep and the portable one from the same chain and noise, compared bit for bit
/// at three temperatures and orders (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_sweep_kernels() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        if !super::simd::avx2_fma() {
            return None;
        }
        let mut rng = SimRng::seed_from_u64(9);
        let mut run = || -> Result<(), EngineError> {
            let bm = BoltzmannMachine::random(70, 30, Connectivity::Full, 0.3, 0.2, &mut rng)?;
            let start = Chain::random(&bm, &mut rng);
            for (t, order) in [
                (1.0, UpdateOrder::Sequential),
                (0.7, UpdateOrder::Random),
                (0.0, UpdateOrder::Sequential),
            ] {
                let (mut fast, mut plain) = (start.clone(), start.clone());
                let (mut rng_fast, mut rng_plain) = (rng.clone(), rng.clone());
                for _ in 0..20 {
                    // SAFETY: the features were just checked.
                    unsafe { fast.sweep_avx2(&bm, t, order, &mut rng_fast) };
                    plain.sweep_kernel::<false>(&bm, t, order, &mut rng_plain);
                }
                if fast != plain {
                    return Err(EngineError::BadParameter(format!(
                        "the sweeps differ at T = {t}, {order:?}"
                    )));
                }
            }
            Ok(())
        };
        Some(run().map_err(|e| e.to_string()))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_inputs_match_recomputed_after_many_updates() {
        let mut rng = SimRng::seed_from_u64(3);
        let bm =
            BoltzmannMachine::random(6, 4, Connectivity::Full, 1.0, 0.5, &mut rng).expect("bm");
        let mut chain = Chain::random(&bm, &mut rng);
        chain
            .run(&bm, 1.0, 50, UpdateOrder::Random, &mut rng)
            .expect("run");
        for i in 0..bm.n() {
            assert!((chain.inputs()[i] - bm.input(chain.state(), i)).abs() < 1e-9);
        }
        assert!((chain.energy(&bm) - bm.energy(chain.state())).abs() < 1e-9);
    }

    #[test]
    fn bad_weights_are_refused_with_the_reason() {
        let asym = BoltzmannMachine::from_weights(
            2,
            vec![0.0, 1.0, 2.0, 0.0],
            vec![0.0; 2],
            Connectivity::Full,
        );
        assert!(matches!(asym, Err(EngineError::Asymmetric { .. })));
        let diag = BoltzmannMachine::from_weights(
            2,
            vec![1.0, 0.0, 0.0, 0.0],
            vec![0.0; 2],
            Connectivity::Full,
        );
        assert!(matches!(
            diag,
            Err(EngineError::NonZeroDiagonal { i: 0, .. })
        ));
        let nan = BoltzmannMachine::from_weights(
            2,
            vec![0.0, f64::NAN, f64::NAN, 0.0],
            vec![0.0; 2],
            Connectivity::Full,
        );
        assert!(matches!(nan, Err(EngineError::NotFinite { .. })));
        let size =
            BoltzmannMachine::from_weights(2, vec![0.0; 3], vec![0.0; 2], Connectivity::Full);
        assert!(matches!(size, Err(EngineError::SizeMismatch { .. })));
        let bm = BoltzmannMachine::new(2, 0, Connectivity::Full).expect("bm");
        let mut chain = Chain::new(&bm, vec![0, 1]).expect("chain");
        let mut rng = SimRng::seed_from_u64(0);
        assert!(matches!(
            chain.sweep(&bm, -1.0, UpdateOrder::Sequential, &mut rng),
            Err(EngineError::BadTemperature(_))
        ));
        assert!(
            chain
                .sweep(&bm, f64::NAN, UpdateOrder::Sequential, &mut rng)
                .is_err()
        );
    }
}
