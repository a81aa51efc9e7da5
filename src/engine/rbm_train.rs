//! Training RBMs by contrastive divergence (CD-k, Hinton 2002) and persistent CD (PCD,
//! Tieleman 2008), with mini-batches, momentum, weight decay and a learning-rate schedule.
//!
//! For a batch V₀ (B rows): H₀ = P(h | V₀); the negative sample Vₖ comes from k block-Gibbs steps
//! started at the data (CD) or at persistent chains (PCD), and Hₖ = P(h | Vₖ). Then
//! `∇W = (V₀ᵀH₀ − VₖᵀHₖ) / B`, `∇b = mean(V₀ − Vₖ)`, `∇c = mean(H₀ − Hₖ)`, and with momentum μ,
//! rate η and decay λ: `Δ ← μΔ + η(∇ − λW)`, `W ← W + Δ`.
//!
//! The rules of Hinton's "A Practical Guide to Training RBMs" (2010, UTML TR 2010-003):
//! momentum μ switched to a final μ' after a number of epochs (§9: 0.5, then 0.9), L2 weight
//! decay λ on W only (§10), the rate schedule η / (1 + δ·epoch), and an optional sparsity target
//! p (§11): each hidden unit's mean activation is tracked as `q ← 0.9 q + 0.1 mean_batch(H₀)`,
//! and the cross-entropy penalty `cost · (−p ln q − (1−p) ln(1−q))` adds `−cost · (q − p)` to
//! `∇cⱼ` and `−cost · (q − p) · mean_batch(vᵢ)` to `∇Wᵢⱼ` (its derivative through the
//! logistic unit's total input).

use super::error::EngineError;
use super::rbm::{Rbm, sample_bernoulli, sample_bernoulli_wide};
use super::rng::SimRng;
use super::small_gemm;
use super::wide_rng::WideRng;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, s};
use serde::{Deserialize, Serialize};

/// Settings for RBM training, checked by [`RbmTrainConfig::validate`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RbmTrainConfig {
    /// η, the learning rate at epoch 0.
    pub learning_rate: f32,
    /// The rate at epoch e is `η / (1 + lr_decay · e)`.
    pub lr_decay: f32,
    /// μ in [0, 1).
    pub momentum: f32,
    /// λ, L2 weight decay on W.
    pub weight_decay: f32,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Gibbs steps k of CD-k / PCD-k.
    pub cd_k: usize,
    /// Persistent chains (PCD) instead of restarting at the data (CD).
    pub persistent: bool,
    /// μ' that replaces `momentum` from epoch `momentum_switch_epoch` on (Hinton's 0.9).
    #[serde(default = "default_final_momentum")]
    pub final_momentum: f32,
    /// The epoch (0-based count of epochs done) from which `final_momentum` applies; `None`
    /// keeps `momentum` throughout.
    #[serde(default)]
    pub momentum_switch_epoch: Option<usize>,
    /// The sparsity target, if any.
    #[serde(default)]
    pub sparsity: Option<Sparsity>,
    /// k' that replaces `cd_k` from epoch `cd_k_switch_epoch` on.
    #[serde(default = "default_final_cd_k")]
    pub final_cd_k: usize,
    /// The epoch (0-based count of epochs done) from which `final_cd_k` applies; `None` keeps
    /// `cd_k` throughout.
    #[serde(default)]
    pub cd_k_switch_epoch: Option<usize>,
    /// If set to E, the rate also falls linearly to 0 at epoch E: it is multiplied by
    /// `max(0, 1 − e/E)` (Hinton's guide §7: a rate reduced towards the end of learning).
    #[serde(default)]
    pub anneal_to_epoch: Option<usize>,
}

/// The most Gibbs steps k (or k') a mini-batch may take.
pub const MAX_GIBBS_STEPS: usize = 1_000;

/// Hinton's sparsity target (§11 of the practical guide): a wanted mean activation p of every
/// hidden unit and the weight of the penalty.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sparsity {
    /// p in (0, 1).
    pub target: f32,
    /// The penalty's weight (≥ 0).
    pub cost: f32,
}

/// The decay of the running estimate q of each hidden unit's mean activation.
pub const SPARSITY_ESTIMATE_DECAY: f32 = 0.9;

/// Where a training step's model statistics come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum GradientRule {
    /// k Gibbs steps from the data (CD-k) or from persistent chains (PCD-k), as configured.
    #[default]
    Sampled,
    /// The exact model expectation by enumeration ([`super::rbm_gradient`]): each mini-batch
    /// moves by its own data term minus the exact model term. Small RBMs only.
    Exact,
}

fn default_final_momentum() -> f32 {
    0.9
}

/// The k' offered for the late part of learning (see [`RbmTrainConfig::final_cd_k`]).
pub const DEFAULT_FINAL_CD_K: usize = 3;
/// The share of a run's epochs after which k' is offered to take over (`train`'s default
/// `--cd-k-switch`, and the app's when the switch is turned on).
pub const DEFAULT_CD_K_SWITCH_SHARE: f64 = 0.95;

fn default_final_cd_k() -> usize {
    DEFAULT_FINAL_CD_K
}

impl Default for RbmTrainConfig {
    fn default() -> Self {
        Self {
            learning_rate: 0.1,
            lr_decay: 0.0,
            momentum: 0.5,
            weight_decay: 1e-4,
            batch_size: 20,
            cd_k: 1,
            persistent: false,
            final_momentum: default_final_momentum(),
            momentum_switch_epoch: None,
            sparsity: None,
            anneal_to_epoch: None,
            final_cd_k: DEFAULT_FINAL_CD_K,
            cd_k_switch_epoch: None,
        }
    }
}

impl RbmTrainConfig {
    /// Checks every setting, naming the first that breaks its rule.
    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |msg: String| Err(EngineError::BadParameter(msg));
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad(format!(
                "learning rate must be > 0, got {}",
                self.learning_rate
            ));
        }
        if !(self.lr_decay.is_finite() && self.lr_decay >= 0.0) {
            return bad(format!(
                "learning-rate decay must be >= 0, got {}",
                self.lr_decay
            ));
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return bad(format!("momentum must be in [0, 1), got {}", self.momentum));
        }
        if !(0.0..1.0).contains(&self.final_momentum) {
            return bad(format!(
                "final momentum must be in [0, 1), got {}",
                self.final_momentum
            ));
        }
        if let Some(sp) = self.sparsity {
            if !(sp.target > 0.0 && sp.target < 1.0) {
                return bad(format!(
                    "sparsity target must be in (0, 1), got {}",
                    sp.target
                ));
            }
            if !(sp.cost.is_finite() && sp.cost >= 0.0) {
                return bad(format!("sparsity cost must be >= 0, got {}", sp.cost));
            }
        }
        if !(self.weight_decay.is_finite() && (0.0..=1.0).contains(&self.weight_decay)) {
            return bad(format!(
                "weight decay must be in [0, 1], got {}",
                self.weight_decay
            ));
        }
        if self.learning_rate > 1000.0 {
            return bad(format!(
                "learning rate must be at most 1000, got {}",
                self.learning_rate
            ));
        }
        if self.batch_size == 0 || self.cd_k == 0 || self.final_cd_k == 0 {
            return bad("batch size, k and the final k must be at least 1".into());
        }
        for (what, k) in [("k", self.cd_k), ("the final k", self.final_cd_k)] {
            if k > MAX_GIBBS_STEPS {
                return bad(format!(
                    "{what} = {k} Gibbs steps is too many (at most {MAX_GIBBS_STEPS})"
                ));
            }
        }
        Ok(())
    }
}

/// What one epoch measured.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// Epoch number (1-based).
    pub epoch: usize,
    /// Mean squared error per pixel between V₀ and P(v | h₀ sampled), unless the trainer was
    /// told not to measure it ([`RbmTrainer::measure_reconstruction`]).
    pub reconstruction_error: Option<f64>,
    /// The learning rate used.
    pub learning_rate: f32,
}

/// The data, hidden and reconstruction states of one CD-k walk, for showing step by step.
#[derive(Clone, Debug, PartialEq)]
pub struct CdWalk {
    /// V₀ (the data).
    pub v0: Array2<f32>,
    /// P(h | V₀).
    pub h0_probs: Array2<f32>,
    /// Vₖ.
    pub vk: Array2<f32>,
    /// P(v | hₖ₋₁), the last reconstruction probabilities.
    pub vk_probs: Array2<f32>,
    /// P(h | Vₖ).
    pub hk_probs: Array2<f32>,
}

/// The trainer: settings, momentum buffers, persistent chains and reused work arrays.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RbmTrainer {
    config: RbmTrainConfig,
    epoch: usize,
    vel_w: Array2<f32>,
    vel_b: Array1<f32>,
    vel_c: Array1<f32>,
    chains: Option<Array2<f32>>,
    /// q, the running mean activation of each hidden unit (empty until sparsity first runs).
    #[serde(default)]
    mean_activation: Array1<f32>,
    #[serde(skip)]
    work: Work,
}

#[derive(Clone, Debug, Default)]
struct Work {
    h0: Array2<f32>,
    h: Array2<f32>,
    vk: Array2<f32>,
    hk: Array2<f32>,
    probs: Array2<f32>,
    stacked_v: Array2<f32>,
    stacked_h: Array2<f32>,
    grad_w: Array2<f32>,
    grad_b: Array1<f32>,
    grad_c: Array1<f32>,
    /// Leave the reconstruction error out (it costs a pass over the batch, and one more
    /// product for PCD; the random numbers drawn are the same either way).
    skip_reconstruction: bool,
    /// Wᵀ (nh × nv) in row-major order, so P(v | h) can use the register-blocked product;
    /// kept only where that kernel runs ([`small_gemm::fits`], AVX2 and FMA).
    w_t: Option<Array2<f32>>,
}

impl Work {
    /// Every buffer sized for a batch `v0` of `rbm`, Wᵀ copied and H₀ = P(h | V₀) computed.
    fn start(&mut self, rbm: &Rbm, v0: ArrayView2<f32>) {
        let b = v0.nrows();
        let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
        for (buf, cols) in [
            (&mut self.h0, nh),
            (&mut self.h, nh),
            (&mut self.hk, nh),
            (&mut self.vk, nv),
            (&mut self.probs, nv),
        ] {
            resize(buf, b, cols);
        }
        resize(&mut self.grad_w, nv, nh);
        if small_gemm::fits(nh, nv) && super::simd::avx2_fma() {
            let w_t = self.w_t.get_or_insert_with(Default::default);
            resize(w_t, nh, nv);
            transpose_into(rbm.weights(), w_t);
        } else {
            self.w_t = None;
        }
        rbm.hidden_probs(v0, &mut self.h0, 1.0);
    }
}

impl RbmTrainer {
    /// A trainer for `rbm` with checked settings.
    pub fn new(rbm: &Rbm, config: RbmTrainConfig) -> Result<Self, EngineError> {
        config.validate()?;
        let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
        Ok(Self {
            config,
            epoch: 0,
            vel_w: Array2::zeros((nv, nh)),
            vel_b: Array1::zeros(nv),
            vel_c: Array1::zeros(nh),
            chains: None,
            mean_activation: Array1::zeros(0),
            work: Work::default(),
        })
    }

    /// Checks a trainer that did not come through [`Self::new`] against its RBM: settings,
    /// momentum buffers and persistent chains of the right shapes, finite numbers.
    pub fn validate_for(&self, rbm: &Rbm) -> Result<(), EngineError> {
        use super::error::{check_finite, check_len};
        self.config.validate()?;
        let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
        check_len("momentum buffer rows", nv, self.vel_w.nrows())?;
        check_len("momentum buffer columns", nh, self.vel_w.ncols())?;
        check_len("visible-bias momentum", nv, self.vel_b.len())?;
        check_len("hidden-bias momentum", nh, self.vel_c.len())?;
        let all = self.vel_w.iter().chain(&self.vel_b).chain(&self.vel_c);
        check_finite("momentum buffers", all.map(|&x| f64::from(x)))?;
        if !self.mean_activation.is_empty() {
            check_len("sparsity estimates", nh, self.mean_activation.len())?;
            if self
                .mean_activation
                .iter()
                .any(|q| !(0.0..=1.0).contains(q))
            {
                return Err(EngineError::BadParameter(
                    "sparsity estimates must be in [0, 1]".into(),
                ));
            }
        }
        if let Some(chains) = &self.chains {
            check_len("persistent chain columns", nv, chains.ncols())?;
            if chains.iter().any(|&x| x != 0.0 && x != 1.0) {
                return Err(EngineError::BadParameter(
                    "persistent chain states must be 0 or 1".into(),
                ));
            }
        }
        Ok(())
    }

    /// The settings.
    pub fn config(&self) -> &RbmTrainConfig {
        &self.config
    }

    /// Changes the settings (checked first; momentum buffers and chains are kept). A change of
    /// k or of persistence takes effect at the next mini-batch.
    pub fn set_config(&mut self, config: RbmTrainConfig) -> Result<(), EngineError> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// Epochs done.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The learning rate of the current epoch.
    pub fn current_learning_rate(&self) -> f32 {
        let e = self.epoch as f32;
        let linear = self
            .config
            .anneal_to_epoch
            .map_or(1.0, |end| (1.0 - e / end.max(1) as f32).max(0.0));
        self.config.learning_rate / (1.0 + self.config.lr_decay * e) * linear
    }

    /// Whether the next epochs measure their reconstruction error (on by default; `train`
    /// turns it off for the epochs whose metrics it does not print). Training is the same,
    /// random numbers included, either way.
    pub fn measure_reconstruction(&mut self, on: bool) {
        self.work.skip_reconstruction = !on;
    }

    /// The Gibbs steps k of the current epoch: `cd_k`, or `final_cd_k` once `cd_k_switch_epoch`
    /// epochs are done.
    pub fn current_cd_k(&self) -> usize {
        match self.config.cd_k_switch_epoch {
            Some(e) if self.epoch >= e => self.config.final_cd_k,
            _ => self.config.cd_k,
        }
    }

    /// The momentum of the current epoch: `momentum`, or `final_momentum` once
    /// `momentum_switch_epoch` epochs are done.
    pub fn current_momentum(&self) -> f32 {
        match self.config.momentum_switch_epoch {
            Some(e) if self.epoch >= e => self.config.final_momentum,
            _ => self.config.momentum,
        }
    }

    /// One pass over `data` (rows 0/1) in a random order of mini-batches, by CD-k or PCD-k.
    pub fn train_epoch(
        &mut self,
        rbm: &mut Rbm,
        data: &Array2<f32>,
        rng: &mut SimRng,
    ) -> Result<EpochStats, EngineError> {
        self.train_epoch_by(rbm, data, rng, GradientRule::Sampled)
    }

    /// One pass over `data` in a random order of mini-batches, each update's model term from
    /// `rule` (momentum, decay, schedules and sparsity apply alike).
    ///
    /// Built for AVX-512 and AVX2 as well, where the processor has them, so the short loops of
    /// a mini-batch (bias gradients, momentum steps, copies) run in the wide registers; every
    /// element is computed by the same operations in the same order, so the bits are the same.
    pub fn train_epoch_by(
        &mut self,
        rbm: &mut Rbm,
        data: &Array2<f32>,
        rng: &mut SimRng,
        rule: GradientRule,
    ) -> Result<EpochStats, EngineError> {
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx512() {
                // SAFETY: the processor supports the feature the function was compiled for.
                return unsafe { self.train_epoch_avx512(rbm, data, rng, rule) };
            }
            if super::simd::avx2() {
                // SAFETY: the processor supports the feature the function was compiled for.
                return unsafe { self.train_epoch_avx2(rbm, data, rng, rule) };
            }
        }
        self.train_epoch_kernel(rbm, data, rng, rule)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn train_epoch_avx512(
        &mut self,
        rbm: &mut Rbm,
        data: &Array2<f32>,
        rng: &mut SimRng,
        rule: GradientRule,
    ) -> Result<EpochStats, EngineError> {
        self.train_epoch_kernel(rbm, data, rng, rule)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn train_epoch_avx2(
        &mut self,
        rbm: &mut Rbm,
        data: &Array2<f32>,
        rng: &mut SimRng,
        rule: GradientRule,
    ) -> Result<EpochStats, EngineError> {
        self.train_epoch_kernel(rbm, data, rng, rule)
    }

    #[inline(always)]
    fn train_epoch_kernel(
        &mut self,
        rbm: &mut Rbm,
        data: &Array2<f32>,
        rng: &mut SimRng,
        rule: GradientRule,
    ) -> Result<EpochStats, EngineError> {
        if rule == GradientRule::Exact {
            super::rbm_gradient::check_small_enough(rbm)?;
        }
        if data.nrows() == 0 {
            return Err(EngineError::EmptyData);
        }
        super::error::check_len(
            "data columns (visible units)",
            rbm.n_visible(),
            data.ncols(),
        )?;
        // A diverged epoch is undone: the RBM and the trainer keep their last good state.
        // The work buffers are not part of the state: leave them out of the copy.
        let work = std::mem::take(&mut self.work);
        let backup = (rbm.clone(), self.clone());
        self.work = work;
        let mut order: Vec<usize> = (0..data.nrows()).collect();
        rng.shuffle(&mut order);
        // The epoch's Bernoulli draws come from generators stepped side by side, seeded here.
        let mut draws = WideRng::split_from(rng);
        let bs = self.config.batch_size.min(data.nrows());
        let mut batch = Array2::<f32>::zeros((bs, data.ncols()));
        let lr = self.current_learning_rate();
        let mu = self.current_momentum();
        let mut err = 0.0;
        let mut rows = 0usize;
        for chunk in order.chunks(bs) {
            let mut view = batch.slice_mut(s![..chunk.len(), ..]);
            for (mut dst, &src) in view.rows_mut().into_iter().zip(chunk) {
                match (dst.as_slice_mut(), data.row(src).to_slice()) {
                    (Some(d), Some(s)) => d.copy_from_slice(s),
                    _ => dst.assign(&data.row(src)),
                }
            }
            let step = self.step(
                rbm,
                batch.slice(s![..chunk.len(), ..]),
                lr,
                mu,
                &mut draws,
                rule,
            );
            match step {
                Ok(e) => err += e * chunk.len() as f64,
                Err(e) => {
                    (*rbm, *self) = backup;
                    return Err(e);
                }
            }
            rows += chunk.len();
        }
        let parameters = rbm
            .weights()
            .iter()
            .chain(rbm.visible_bias())
            .chain(rbm.hidden_bias())
            .map(|&x| f64::from(x));
        if let Err(e) = super::error::check_not_diverged(parameters) {
            (*rbm, *self) = backup;
            return Err(e);
        }
        self.epoch += 1;
        Ok(EpochStats {
            epoch: self.epoch,
            reconstruction_error: (!self.work.skip_reconstruction).then(|| err / rows as f64),
            learning_rate: lr,
        })
    }

    /// One update on one batch by `rule`; returns its reconstruction error.
    ///
    /// Works in buffers kept between calls: no allocation once the first batch has run.
    #[inline(always)]
    fn step(
        &mut self,
        rbm: &mut Rbm,
        v0: ArrayView2<f32>,
        lr: f32,
        mu: f32,
        rng: &mut WideRng,
        rule: GradientRule,
    ) -> Result<f64, EngineError> {
        let recon = match rule {
            GradientRule::Sampled => self.sampled_gradient(rbm, v0, rng),
            GradientRule::Exact => self.exact_gradient(rbm, v0, rng)?,
        };
        if let Some(sparsity) = self.config.sparsity {
            let w = &mut self.work;
            add_sparsity_gradient(
                sparsity,
                v0,
                w.h0.view(),
                &mut self.mean_activation,
                &mut w.grad_w,
                &mut w.grad_c,
            );
        }
        self.apply_gradient(rbm, lr, mu);
        Ok(recon)
    }

    /// The direction this trainer's CD-k / PCD-k would move `rbm` on `batch` (rows 0/1):
    /// `(V₀ᵀH₀ − VₖᵀHₖ) / B` and the bias terms, through the same code as training, with no
    /// sparsity term, no decay and no momentum; the RBM is unchanged (PCD chains advance).
    pub fn estimate_gradient(
        &mut self,
        rbm: &Rbm,
        batch: ArrayView2<f32>,
        rng: &mut SimRng,
    ) -> Result<super::rbm_gradient::RbmGradient, EngineError> {
        super::error::check_len(
            "data columns (visible units)",
            rbm.n_visible(),
            batch.ncols(),
        )?;
        if batch.nrows() == 0 {
            return Err(EngineError::EmptyData);
        }
        self.sampled_gradient(rbm, batch, &mut WideRng::split_from(rng));
        let w = &self.work;
        Ok(super::rbm_gradient::RbmGradient {
            w: w.grad_w.clone(),
            b: w.grad_b.clone(),
            c: w.grad_c.clone(),
        })
    }

    /// The exact rule's step: H₀ = P(h | V₀), then the batch's data term minus the exact model
    /// term into the gradient buffers. The reconstruction error is measured from the data as
    /// in PCD.
    fn exact_gradient(
        &mut self,
        rbm: &Rbm,
        v0: ArrayView2<f32>,
        rng: &mut WideRng,
    ) -> Result<f64, EngineError> {
        let model = super::rbm_gradient::model_moments(
            rbm,
            super::rbm_gradient::EnumeratedLayer::smaller(rbm),
        )?;
        let b = v0.nrows();
        let w = &mut self.work;
        w.start(rbm, v0);
        let inv_b = 1.0 / b as f32;
        general_mat_mul(inv_b, &v0.t(), &w.h0, 0.0, &mut w.grad_w);
        w.grad_w -= &model.w;
        w.grad_b = v0.sum_axis(ndarray::Axis(0)) * inv_b - &model.b;
        w.grad_c = w.h0.sum_axis(ndarray::Axis(0)) * inv_b - &model.c;
        w.h.assign(&w.h0);
        sample_bernoulli_wide(w.h.view_mut(), rng);
        if w.skip_reconstruction {
            return Ok(f64::NAN);
        }
        visible_probs(rbm, w.w_t.as_ref(), w.h.view(), &mut w.probs);
        Ok(squared_error(v0, w.probs.view()))
    }

    /// W, b, c moved by `Δ ← μΔ + η(∇ − λW)` from the gradient buffers.
    #[inline(always)]
    fn apply_gradient(&mut self, rbm: &mut Rbm, lr: f32, mu: f32) {
        let w = &self.work;
        let decay = self.config.weight_decay;
        let (wt, bias_v, bias_h) = rbm.parts_mut();
        momentum_step(&mut self.vel_w, wt, &w.grad_w, mu, lr, Some(decay));
        momentum_step(&mut self.vel_b, bias_v, &w.grad_b, mu, lr, None);
        momentum_step(&mut self.vel_c, bias_h, &w.grad_c, mu, lr, None);
    }

    /// CD-k / PCD-k on one batch into the gradient buffers (no sparsity, no update); returns
    /// the reconstruction error.
    #[inline(always)]
    fn sampled_gradient(&mut self, rbm: &Rbm, v0: ArrayView2<f32>, rng: &mut WideRng) -> f64 {
        let b = v0.nrows();
        let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
        let k = self.current_cd_k();
        let w = &mut self.work;
        w.start(rbm, v0);
        // Start of the negative chain: data (CD) or the persistent chains (PCD).
        // The chains keep one row per batch row; a short last batch uses the first rows.
        let start_from_chains =
            self.config.persistent && self.chains.as_ref().is_some_and(|c| c.nrows() >= b);
        if start_from_chains {
            if let Some(chains) = &self.chains {
                rbm.hidden_probs(chains.slice(s![..b, ..]), &mut w.h, 1.0);
            }
        } else {
            w.h.assign(&w.h0);
        }
        let mut recon = 0.0;
        for step in 0..k {
            sample_bernoulli_wide(w.h.view_mut(), rng);
            visible_probs(rbm, w.w_t.as_ref(), w.h.view(), &mut w.vk);
            if step == 0 && !start_from_chains && !w.skip_reconstruction {
                recon = squared_error(v0, w.vk.view());
            }
            sample_bernoulli_wide(w.vk.view_mut(), rng);
            rbm.hidden_probs(w.vk.view(), &mut w.hk, 1.0);
            if step + 1 < k {
                w.h.assign(&w.hk);
            }
        }
        if start_from_chains {
            // Reconstruction error is still measured from the data.
            w.h.assign(&w.h0);
            sample_bernoulli_wide(w.h.view_mut(), rng);
            if !w.skip_reconstruction {
                resize(&mut w.probs, b, nv);
                visible_probs(rbm, w.w_t.as_ref(), w.h.view(), &mut w.probs);
                recon = squared_error(v0, w.probs.view());
            }
        }
        if self.config.persistent {
            match &mut self.chains {
                Some(chains) if chains.nrows() >= b => chains.slice_mut(s![..b, ..]).assign(&w.vk),
                _ => self.chains = Some(w.vk.clone()),
            }
        }
        // ∇W = (V₀ᵀH₀ − VₖᵀHₖ) / B
        let inv_b = 1.0 / b as f32;
        // Small RBMs: two register-blocked products; larger ones one stacked GEMM.
        w.grad_w.fill(0.0);
        let thin = small_gemm::add_product(inv_b, v0.t(), w.h0.view(), w.grad_w.view_mut())
            && small_gemm::add_product(-inv_b, w.vk.t(), w.hk.view(), w.grad_w.view_mut());
        if !thin {
            // Both products in one: [V₀; Vₖ]ᵀ [H₀; −Hₖ] (one packing pass instead of two).
            resize(&mut w.stacked_v, 2 * b, nv);
            resize(&mut w.stacked_h, 2 * b, nh);
            w.stacked_v.slice_mut(s![..b, ..]).assign(&v0);
            w.stacked_v.slice_mut(s![b.., ..]).assign(&w.vk);
            w.stacked_h.slice_mut(s![..b, ..]).assign(&w.h0);
            ndarray::Zip::from(w.stacked_h.slice_mut(s![b.., ..]))
                .and(&w.hk)
                .for_each(|d, &h| *d = -h);
            general_mat_mul(inv_b, &w.stacked_v.t(), &w.stacked_h, 0.0, &mut w.grad_w);
        }
        column_mean_difference(v0, w.vk.view(), inv_b, &mut w.grad_b);
        column_mean_difference(w.h0.view(), w.hk.view(), inv_b, &mut w.grad_c);
        recon
    }
}

/// A few training epochs through the AVX2 (and AVX-512) builds of [`RbmTrainer::train_epoch_by`]
/// and the portable one, compared bit for bit (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_epoch_builds() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        if !super::simd::avx2() {
            return None;
        }
        let mut rng = SimRng::seed_from_u64(8);
        // 64 × 16 (the small kernels) and 24 × 5 (GEMM): 0/1 data of 70 rows, batches of 20.
        for (nv, nh) in [(64, 16), (24, 5)] {
            let data = Array2::from_shape_simple_fn((70, nv), || (rng.next_u64() >> 63) as f32);
            let Ok(start) = Rbm::random(nv, nh, 0.1, &mut rng) else {
                return Some(Err("an RBM for the comparison".into()));
            };
            let config = RbmTrainConfig {
                batch_size: 20,
                sparsity: Some(Sparsity {
                    target: 0.1,
                    cost: 0.01,
                }),
                ..RbmTrainConfig::default()
            };
            let run = |build: usize| -> Result<Rbm, String> {
                let mut rbm = start.clone();
                let mut trainer =
                    RbmTrainer::new(&rbm, config.clone()).map_err(|e| e.to_string())?;
                let mut rng = SimRng::seed_from_u64(3);
                for _ in 0..3 {
                    let (rbm, data, rng) = (&mut rbm, &data, &mut rng);
                    let rule = GradientRule::Sampled;
                    // SAFETY: AVX2 was checked above, AVX-512F just before its build is used.
                    let stats = match build {
                        0 => trainer.train_epoch_kernel(rbm, data, rng, rule),
                        1 => unsafe { trainer.train_epoch_avx2(rbm, data, rng, rule) },
                        _ => unsafe { trainer.train_epoch_avx512(rbm, data, rng, rule) },
                    };
                    stats.map_err(|e| e.to_string())?;
                }
                Ok(rbm)
            };
            let builds = if super::simd::avx512() { 3 } else { 2 };
            let plain = match run(0) {
                Ok(rbm) => rbm,
                Err(e) => return Some(Err(e)),
            };
            for build in 1..builds {
                let bits = |rbm: &Rbm| -> Vec<u32> {
                    let (w, b, c) = (rbm.weights(), rbm.visible_bias(), rbm.hidden_bias());
                    w.iter().chain(b).chain(c).map(|x| x.to_bits()).collect()
                };
                match run(build) {
                    Ok(rbm) if bits(&rbm) == bits(&plain) => {}
                    Ok(_) => return Some(Err(format!("{nv}×{nh}: build {build} differs"))),
                    Err(e) => return Some(Err(e)),
                }
            }
        }
        Some(Ok(()))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

/// `out = σ(h Wᵀ + b)` with `w_t` = Wᵀ stored row-major: the register-blocked product where
/// the shapes suit it, GEMM otherwise (the same as [`Rbm::visible_probs`] at T = 1).
fn visible_probs(rbm: &Rbm, w_t: Option<&Array2<f32>>, h: ArrayView2<f32>, out: &mut Array2<f32>) {
    super::rbm::fill_rows(out, rbm.visible_bias());
    let thin = w_t.is_some_and(|w_t| small_gemm::add_product(1.0, h, w_t.view(), out.view_mut()));
    if !thin {
        general_mat_mul(1.0, &h, &rbm.weights().t(), 1.0, out);
    }
    super::rbm::apply_sigmoid(out.view_mut(), 1.0);
}

/// Updates the running mean activations q from this batch's P(h | V₀) and adds the sparsity
/// penalty's gradient: `∇cⱼ −= cost·(qⱼ − p)`, `∇Wᵢⱼ −= cost·(qⱼ − p)·mean(vᵢ)`.
pub fn add_sparsity_gradient(
    sparsity: Sparsity,
    v0: ArrayView2<f32>,
    h0: ArrayView2<f32>,
    q: &mut Array1<f32>,
    grad_w: &mut Array2<f32>,
    grad_c: &mut Array1<f32>,
) {
    let Some(batch_mean) = h0.mean_axis(ndarray::Axis(0)) else {
        return;
    };
    if q.len() == batch_mean.len() {
        let d = SPARSITY_ESTIMATE_DECAY;
        q.zip_mut_with(&batch_mean, |qj, &m| *qj = d * *qj + (1.0 - d) * m);
    } else {
        // The first batch starts the estimate at its own mean.
        *q = batch_mean;
    }
    let pull = q.mapv(|qj| sparsity.cost * (qj - sparsity.target));
    *grad_c -= &pull;
    if let Some(v_mean) = v0.mean_axis(ndarray::Axis(0)) {
        for (mut row, &vi) in grad_w.rows_mut().into_iter().zip(&v_mean) {
            row.zip_mut_with(&pull, |g, &p| *g -= p * vi);
        }
    }
}

/// `out[j] = scale · Σ_rows (a[r][j] − b[r][j])`, reusing `out`.
#[inline(always)]
fn column_mean_difference(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    scale: f32,
    out: &mut Array1<f32>,
) {
    let n = a.ncols();
    if out.len() != n {
        *out = Array1::zeros(n);
    }
    if n == 0 {
        return;
    }
    out.fill(0.0);
    let Some(sums) = out.as_slice_mut() else {
        return;
    };
    match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => {
            for (ra, rb) in a.chunks_exact(n).zip(b.chunks_exact(n)) {
                for ((o, &x), &y) in sums.iter_mut().zip(ra).zip(rb) {
                    *o += x - y;
                }
            }
        }
        _ => {
            for (ra, rb) in a.rows().into_iter().zip(b.rows()) {
                for ((o, &x), &y) in sums.iter_mut().zip(&ra).zip(&rb) {
                    *o += x - y;
                }
            }
        }
    }
    sums.iter_mut().for_each(|o| *o *= scale);
}

/// One momentum step on a parameter array: `Δ ← μΔ + η(∇ − λθ)` (weights, `decay` λ) or
/// `Δ ← μΔ + η∇` (biases, no decay), then `θ ← θ + Δ`, element by element in one pass: the
/// same arithmetic, in the same order, as two whole-array passes.
#[inline(always)]
fn momentum_step<D: ndarray::Dimension>(
    velocity: &mut ndarray::Array<f32, D>,
    param: &mut ndarray::Array<f32, D>,
    grad: &ndarray::Array<f32, D>,
    mu: f32,
    lr: f32,
    decay: Option<f32>,
) {
    let decayed = |v: &mut f32, p: &mut f32, g: f32, decay: f32| {
        *v = mu * *v + lr * (g - decay * *p);
        *p += *v;
    };
    let plain = |v: &mut f32, p: &mut f32, g: f32| {
        *v = mu * *v + lr * g;
        *p += *v;
    };
    match (
        velocity.as_slice_mut(),
        param.as_slice_mut(),
        grad.as_slice(),
    ) {
        (Some(vs), Some(ps), Some(gs)) => {
            let all = vs.iter_mut().zip(ps.iter_mut()).zip(gs);
            match decay {
                Some(d) => all.for_each(|((v, p), &g)| decayed(v, p, g, d)),
                None => all.for_each(|((v, p), &g)| plain(v, p, g)),
            }
        }
        _ => {
            let all = ndarray::Zip::from(velocity).and(param).and(grad);
            match decay {
                Some(d) => all.for_each(|v, p, &g| decayed(v, p, g, d)),
                None => all.for_each(|v, p, &g| plain(v, p, g)),
            }
        }
    }
}

/// `out ← aᵀ` (a is nv × nh, out nh × nv, both row-major) by plain loops over slices.
fn transpose_into(a: &Array2<f32>, out: &mut Array2<f32>) {
    let (rows, cols) = a.dim();
    debug_assert_eq!(out.dim(), (cols, rows));
    match (a.as_slice(), out.as_slice_mut()) {
        (Some(src), Some(dst)) if rows > 0 => {
            if !small_gemm::transpose(src, rows, cols, dst) {
                for (j, out_row) in dst.chunks_exact_mut(rows).enumerate() {
                    for (d, &x) in out_row.iter_mut().zip(src[j..].iter().step_by(cols)) {
                        *d = x;
                    }
                }
            }
        }
        _ => out.assign(&a.t()),
    }
}

fn resize(a: &mut Array2<f32>, rows: usize, cols: usize) {
    if a.dim() != (rows, cols) {
        *a = Array2::zeros((rows, cols));
    }
}

/// Mean of (vᵢ − pᵢ)² over every entry; eight partial sums so the loop vectorizes.
fn squared_error(v: ArrayView2<f32>, p: ArrayView2<f32>) -> f64 {
    let total = match (v.as_slice(), p.as_slice()) {
        (Some(v), Some(p)) => {
            let mut lanes = [0f32; 8];
            let (vc, pc) = (v.chunks_exact(8), p.chunks_exact(8));
            let tail: f32 = vc
                .remainder()
                .iter()
                .zip(pc.remainder())
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            for (a, b) in vc.zip(pc) {
                for k in 0..8 {
                    lanes[k] += (a[k] - b[k]) * (a[k] - b[k]);
                }
            }
            lanes.iter().sum::<f32>() + tail
        }
        _ => v.iter().zip(p).map(|(a, b)| (a - b) * (a - b)).sum(),
    };
    f64::from(total) / v.len().max(1) as f64
}

/// One CD-k walk from `v0` without changing the RBM: data → hidden → reconstruction → hidden.
pub fn cd_walk(rbm: &Rbm, v0: Array2<f32>, k: usize, rng: &mut SimRng) -> CdWalk {
    let (b, nv, nh) = (v0.nrows(), rbm.n_visible(), rbm.n_hidden());
    let mut h0_probs = Array2::zeros((b, nh));
    rbm.hidden_probs(v0.view(), &mut h0_probs, 1.0);
    let mut h = h0_probs.clone();
    let mut vk = v0.clone();
    let mut vk_probs = Array2::zeros((b, nv));
    let mut hk_probs = h0_probs.clone();
    for _ in 0..k.max(1) {
        sample_bernoulli(h.view_mut(), rng);
        rbm.visible_probs(h.view(), &mut vk_probs, 1.0);
        vk.assign(&vk_probs);
        sample_bernoulli(vk.view_mut(), rng);
        rbm.hidden_probs(vk.view(), &mut hk_probs, 1.0);
        h.assign(&hk_probs);
    }
    CdWalk {
        v0,
        h0_probs,
        vk,
        vk_probs,
        hk_probs,
    }
}

/// Mean reconstruction error (squared, per pixel) of `data` through one deterministic pass
/// v → P(h|v) → P(v|h).
pub fn reconstruction_error(rbm: &Rbm, data: &Array2<f32>) -> f64 {
    let mut h = Array2::zeros((data.nrows(), rbm.n_hidden()));
    rbm.hidden_probs(data.view(), &mut h, 1.0);
    let mut v = Array2::zeros(data.dim());
    rbm.visible_probs(h.view(), &mut v, 1.0);
    squared_error(data.view(), v.view())
}

/// Turns 0/1 patterns into a matrix (one row a pattern).
pub fn matrix_from_patterns(patterns: &[Vec<u8>]) -> Result<Array2<f32>, EngineError> {
    let first = patterns.first().ok_or(EngineError::EmptyData)?;
    let cols = first.len();
    let mut m = Array2::zeros((patterns.len(), cols));
    for (r, p) in patterns.iter().enumerate() {
        super::error::check_len(&format!("pattern {r}"), cols, p.len())?;
        m.row_mut(r)
            .iter_mut()
            .zip(p)
            .for_each(|(x, &b)| *x = f32::from(b));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An epoch that drives a parameter past ±10⁶ is refused and undone. (A learning rate that
    /// large is refused by the config, so the test sets it behind the check.)
    #[test]
    fn a_diverging_epoch_is_refused_and_undone() {
        let mut rng = SimRng::seed_from_u64(4);
        let data = matrix_from_patterns(&[vec![1, 0, 1, 1], vec![0, 1, 0, 0]]).expect("data");
        let mut rbm = Rbm::random(4, 3, 0.01, &mut rng).expect("rbm");
        let mut trainer = RbmTrainer::new(&rbm, RbmTrainConfig::default()).expect("trainer");
        trainer.config.learning_rate = 1e30;
        let (rbm_before, trainer_before) = (rbm.clone(), trainer.clone());
        let error = trainer
            .train_epoch(&mut rbm, &data, &mut rng)
            .expect_err("diverged");
        assert!(error.to_string().contains("diverged"), "{error}");
        assert_eq!(rbm, rbm_before, "the RBM kept its parameters");
        assert_eq!(trainer.epoch, trainer_before.epoch);
    }
}
