//! CD against the exact gradient, for the Learning view's Gradient panel: for the current
//! parameters of a small RBM, the exact log-likelihood gradient over the whole training set
//! and the CD-1, CD-k and PCD estimates of it over the same set (through the trainer's own
//! code, [`RbmTrainer::estimate_gradient`]), with each estimate's cosine similarity and norm
//! ratio to the exact one, and their history over training.
//!
//! Computed only while the panel is on screen ([`crate::sim::protocol::Command::WatchGradient`];
//! otherwise the snapshot carries the last comparison as it was); while training at most every
//! [`MIN_INTERVAL`], and no more often than keeps its cost
//! within [`TRAINING_SHARE`] of the time (about every 3 s for the digits RBM), so watching it
//! does not slow training; and once after any other change of the weights, with its own random numbers seeded from the session seed and the update count,
//! so it never changes the training run. Display only: nothing here is saved, since it can be
//! recomputed.

use super::curve::push_thinned;
use super::model::Model;
use super::rule_runs::{RuleRun, RuleRuns};
use crate::engine::patterns::PatternSet;
use crate::engine::rbm::Rbm;
use crate::engine::rbm_gradient::{MAX_GRADIENT_UNITS, RbmGradient, exact_gradient};
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::engine::{EngineError, SimRng};
use ndarray::Array2;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The least time between two comparisons while training.
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);
/// While training, a comparison waits until the time since the last one is at least its cost
/// divided by this share.
pub const TRAINING_SHARE: f64 = 0.005;
/// k of the CD-k estimate when the trainer's own k is 1 (so that it differs from CD-1).
pub const COMPARED_K: usize = 10;

/// One estimate beside the exact gradient.
#[derive(Clone, Debug, PartialEq)]
pub struct EstimateView {
    /// "CD-1", "CD-10", "PCD-1".
    pub label: String,
    /// Its ΔW direction (nv × nh, row-major).
    pub w: Arc<Vec<f32>>,
    /// cos θ to the exact gradient over all parameters.
    pub cosine: f64,
    /// ‖estimate‖ / ‖exact‖.
    pub norm_ratio: f64,
}

/// The Gradient panel's content.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GradientView {
    /// Why there is nothing to compare (too large an RBM, no data), if so.
    pub unavailable: Option<String>,
    /// W's shape (nv, nh).
    pub shape: (usize, usize),
    /// Bumped with each new comparison (for the heatmap textures).
    pub generation: u64,
    /// The update count the comparison was made at.
    pub at_update: usize,
    /// The exact ∂L/∂W (nv × nh, row-major).
    pub exact: Arc<Vec<f32>>,
    /// ‖exact gradient‖ over all parameters.
    pub exact_norm: f64,
    /// CD-1, CD-k and PCD.
    pub estimates: Vec<EstimateView>,
    /// Per estimate (same order): (update, cos θ) over training.
    pub cosine_history: Vec<Vec<[f64; 2]>>,
    /// Per estimate: (update, norm ratio) over training.
    pub ratio_history: Vec<Vec<[f64; 2]>>,
    /// The exact log-likelihood curve of each rule run (saved in the session).
    pub runs: Vec<RuleRun>,
}

/// The comparison and its history (not saved).
#[derive(Clone, Debug, Default)]
pub struct GradientCompare {
    view: GradientView,
    weights_generation: Option<u64>,
    last_time: Option<Instant>,
    /// What the last comparison took.
    last_cost: Duration,
    /// Persistent chains of the PCD estimate, kept between comparisons.
    pcd: Option<RbmTrainer>,
}

impl GradientCompare {
    /// The panel's content, recomputed when the weights changed (while `training`, at most
    /// every [`MIN_INTERVAL`] and within [`TRAINING_SHARE`] of the time); None for a model that
    /// is no RBM.
    #[allow(clippy::too_many_arguments)]
    pub fn view(
        &mut self,
        model: &Model,
        set: &PatternSet,
        runs: &RuleRuns,
        weights_generation: u64,
        updates: usize,
        seed: u64,
        training: bool,
    ) -> Option<GradientView> {
        let Model::Rbm(m) = model else {
            return None;
        };
        let stale = self.weights_generation != Some(weights_generation);
        let wait = MIN_INTERVAL.max(self.last_cost.div_f64(TRAINING_SHARE));
        let due = !training || self.last_time.is_none_or(|t| t.elapsed() >= wait);
        if stale && due {
            self.weights_generation = Some(weights_generation);
            let start = Instant::now();
            let k = m.trainer.config().cd_k;
            if let Err(e) = self.compare(&m.rbm, set, k, updates, seed) {
                self.view.unavailable = Some(e.to_string());
            }
            self.last_time = Some(Instant::now());
            self.last_cost = start.elapsed();
        }
        self.view.runs = runs.runs.clone();
        Some(self.view.clone())
    }

    /// The last comparison as it was (nothing computed), with `runs` up to date; None for a
    /// model that is no RBM.
    pub fn last_view(&self, model: &Model, runs: &RuleRuns) -> Option<GradientView> {
        let Model::Rbm(_) = model else {
            return None;
        };
        let mut view = self.view.clone();
        view.runs = runs.runs.clone();
        Some(view)
    }

    fn compare(
        &mut self,
        rbm: &Rbm,
        set: &PatternSet,
        k: usize,
        updates: usize,
        seed: u64,
    ) -> Result<(), EngineError> {
        let smaller = rbm.n_visible().min(rbm.n_hidden());
        if smaller > MAX_GRADIENT_UNITS {
            self.view.unavailable = Some(format!(
                "the exact gradient needs at most {MAX_GRADIENT_UNITS} units in the smaller layer; this RBM has {} visible and {} hidden",
                rbm.n_visible(),
                rbm.n_hidden()
            ));
            return Ok(());
        }
        let data = matrix_from_patterns(&set.patterns)?;
        let exact = exact_gradient(rbm, data.view())?;
        let mut rng =
            SimRng::seed_from_u64(seed ^ (updates as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let k_compared = if k > 1 { k } else { COMPARED_K };
        let estimates = [
            ("CD-1".to_owned(), estimate(rbm, &data, 1, &mut rng)?),
            (
                format!("CD-{k_compared}"),
                estimate(rbm, &data, k_compared, &mut rng)?,
            ),
            ("PCD-1".to_owned(), self.pcd_estimate(rbm, &data, &mut rng)?),
        ];
        let v = &mut self.view;
        v.unavailable = None;
        v.shape = rbm.weights().dim();
        v.generation += 1;
        v.at_update = updates;
        v.exact = Arc::new(exact.w.iter().copied().collect());
        v.exact_norm = exact.norm();
        v.cosine_history.resize(estimates.len(), Vec::new());
        v.ratio_history.resize(estimates.len(), Vec::new());
        v.estimates = estimates
            .into_iter()
            .enumerate()
            .map(|(i, (label, g))| {
                let (cosine, norm_ratio) = (g.cosine(&exact), g.norm_ratio(&exact));
                push_thinned(&mut v.cosine_history[i], [updates as f64, cosine]);
                push_thinned(&mut v.ratio_history[i], [updates as f64, norm_ratio]);
                EstimateView {
                    label,
                    w: Arc::new(g.w.iter().copied().collect()),
                    cosine,
                    norm_ratio,
                }
            })
            .collect();
        Ok(())
    }

    /// PCD-1 over the whole set, its chains kept from one comparison to the next (started
    /// afresh at the data when the shape changed).
    fn pcd_estimate(
        &mut self,
        rbm: &Rbm,
        data: &Array2<f32>,
        rng: &mut SimRng,
    ) -> Result<RbmGradient, EngineError> {
        let fits = self
            .pcd
            .as_ref()
            .is_some_and(|t| t.validate_for(rbm).is_ok() && t.config().batch_size == data.nrows());
        let mut trainer = match self.pcd.take() {
            Some(t) if fits => t,
            _ => RbmTrainer::new(rbm, whole_batch(data, 1, true))?,
        };
        let g = trainer.estimate_gradient(rbm, data.view(), rng);
        self.pcd = Some(trainer);
        g
    }
}

/// Settings of a one-batch estimate over all of `data`.
fn whole_batch(data: &Array2<f32>, k: usize, persistent: bool) -> RbmTrainConfig {
    RbmTrainConfig {
        batch_size: data.nrows().max(1),
        cd_k: k,
        persistent,
        ..RbmTrainConfig::default()
    }
}

/// CD-k over all of `data` as one batch, through the trainer's code.
fn estimate(
    rbm: &Rbm,
    data: &Array2<f32>,
    k: usize,
    rng: &mut SimRng,
) -> Result<RbmGradient, EngineError> {
    RbmTrainer::new(rbm, whole_batch(data, k, false))?.estimate_gradient(rbm, data.view(), rng)
}
