//! Which rule trains an RBM (CD-k, PCD-k or the exact gradient), and one exact log-likelihood
//! curve per run of a rule, so the rules can be compared from the same start.
//!
//! A run begins at the first update after the rule (or k) changed, or after the weights went
//! back to the start ([`RuleRuns::restart`]); its curve starts with the log-likelihood before
//! its first update and adds a point whenever the learning curve is measured (see
//! [`RuleRuns::record_point`]). The start is the RBM as
//! it was before the first run's first update. All of this is saved in the session.

use super::curve::push_thinned;
use super::model::RbmModel;
use crate::engine::rbm::Rbm;
use crate::engine::rbm_exact;
use crate::engine::rbm_gradient::{self, MAX_GRADIENT_UNITS};
use crate::engine::rbm_train::{GradientRule, RbmTrainConfig, RbmTrainer};
use crate::engine::{EngineError, SimRng};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Runs kept (the oldest goes first).
pub const MAX_RUNS: usize = 8;

/// How an RBM's training estimates its gradient, as the person chose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TrainingRule {
    /// Contrastive divergence, k Gibbs steps from the data.
    #[default]
    CdK,
    /// Persistent contrastive divergence, k steps from chains kept between updates.
    Pcd,
    /// The exact log-likelihood gradient (small RBMs).
    Exact,
}

impl TrainingRule {
    /// Every rule, in the order the controls show them.
    pub const ALL: [TrainingRule; 3] = [TrainingRule::CdK, TrainingRule::Pcd, TrainingRule::Exact];

    /// "CD-k", "PCD-k" or "exact" with this k.
    pub fn label(self, k: usize) -> String {
        match self {
            TrainingRule::CdK => format!("CD-{k}"),
            TrainingRule::Pcd => format!("PCD-{k}"),
            TrainingRule::Exact => "exact".into(),
        }
    }
}

/// One run of one rule: its label and its exact log-likelihood curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleRun {
    /// "CD-1", "CD-10", "PCD-1", "exact"…
    pub label: String,
    /// Updates done in this run.
    pub updates: usize,
    /// (updates in this run, mean exact log-likelihood in nats).
    pub curve: Vec<[f64; 2]>,
}

/// The rule and the runs (saved in the session).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleRuns {
    /// Training follows the exact gradient (else CD-k or PCD-k, as the trainer is set).
    pub exact: bool,
    /// The parameters every run can go back to.
    pub start: Option<Rbm>,
    /// The runs, oldest first.
    pub runs: Vec<RuleRun>,
    /// The last run continues with the next update.
    pub open: bool,
}

impl RuleRuns {
    /// Nothing chosen or run yet (a session file then leaves the field out).
    pub fn is_untouched(&self) -> bool {
        *self == Self::default()
    }

    /// The rule in force for `config`.
    pub fn rule(&self, config: &RbmTrainConfig) -> TrainingRule {
        match (self.exact, config.persistent) {
            (true, _) => TrainingRule::Exact,
            (false, true) => TrainingRule::Pcd,
            (false, false) => TrainingRule::CdK,
        }
    }

    /// Chooses the rule; the exact one only for an RBM small enough to enumerate.
    pub fn set_rule(&mut self, rule: TrainingRule, m: &mut RbmModel) -> Result<(), EngineError> {
        if rule == TrainingRule::Exact {
            rbm_gradient::check_small_enough(&m.rbm)?;
        }
        m.trainer.set_config(RbmTrainConfig {
            persistent: rule == TrainingRule::Pcd,
            ..m.trainer.config().clone()
        })?;
        self.exact = rule == TrainingRule::Exact;
        self.open = false;
        Ok(())
    }

    /// One training epoch of `m` on `data` by the chosen rule, recorded in the current run.
    pub fn train_epoch(
        &mut self,
        m: &mut RbmModel,
        data: &Array2<f32>,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        let rule = if self.exact {
            GradientRule::Exact
        } else {
            GradientRule::Sampled
        };
        let tracked = m.rbm.n_visible().min(m.rbm.n_hidden()) <= MAX_GRADIENT_UNITS;
        if tracked {
            self.begin_update(m, data)?;
        }
        // The app never shows an epoch's own reconstruction error: leave it out.
        m.trainer.measure_reconstruction(false);
        m.trainer.train_epoch_by(&mut m.rbm, data, rng, rule)?;
        if tracked && let Some(run) = self.runs.last_mut() {
            run.updates += 1;
        }
        Ok(())
    }

    /// Where the open run would record a point measured now: its updates so far (None when
    /// no run is open or `rbm` is too large to track).
    pub fn place(&self, rbm: &Rbm) -> Option<f64> {
        let tracked = rbm.n_visible().min(rbm.n_hidden()) <= MAX_GRADIENT_UNITS;
        match (tracked, self.open, self.runs.last()) {
            (true, true, Some(run)) => Some(run.updates as f64),
            _ => None,
        }
    }

    /// Adds `log_likelihood`, the exact mean log-likelihood of the training data that the
    /// learning curve measured at `run_updates` of the open run (see [`Self::place`]), to the
    /// run's curve (once per update; a run opened awaiting its first point gets it here).
    /// The learning curve is measured at a bounded share of the time
    /// ([`super::rbm_metrics::MetricBudget`]), so the runs cost no more than it does.
    pub fn record_point(&mut self, run_updates: f64, log_likelihood: f64) {
        if let (true, Some(run)) = (self.open, self.runs.last_mut())
            && run.curve.last().is_none_or(|p| p[0] < run_updates)
        {
            push_thinned(&mut run.curve, [run_updates, log_likelihood]);
        }
    }

    /// What the next epoch would do first (keep the start, open a new run if the rule or k
    /// changed), with `log_likelihood`, the exact mean log-likelihood of the training data
    /// under the current weights, as the new run's first point.
    pub fn prepare_known(&mut self, m: &RbmModel, log_likelihood: f64) {
        self.open_run_if_tracked(m, Some(log_likelihood));
    }

    fn open_run_if_tracked(&mut self, m: &RbmModel, first: Option<f64>) {
        if m.rbm.n_visible().min(m.rbm.n_hidden()) <= MAX_GRADIENT_UNITS {
            self.open_run(m, first);
        }
    }

    /// What the next epoch would do first (keep the start, open a new run if the rule or k
    /// changed); a new run's first point, the log-likelihood of the current weights, is left
    /// for the caller to record ([`Self::record_point`] at 0) once measured.
    /// Returns whether a run opened.
    pub fn prepare_awaiting(&mut self, m: &RbmModel) -> bool {
        let opens =
            m.rbm.n_visible().min(m.rbm.n_hidden()) <= MAX_GRADIENT_UNITS && self.opens_new_run(m);
        self.open_run_if_tracked(m, None);
        opens
    }

    /// Keeps the start and opens a new run when the rule or k changed, its first point
    /// measured here.
    fn begin_update(&mut self, m: &RbmModel, data: &Array2<f32>) -> Result<(), EngineError> {
        if self.opens_new_run(m) {
            let ll = rbm_exact::mean_log_likelihood(&m.rbm, data.view())?;
            self.open_run(m, Some(ll));
        }
        Ok(())
    }

    /// Whether the next update opens a new run (the rule or k changed, or none is open).
    fn opens_new_run(&self, m: &RbmModel) -> bool {
        let label = self.rule(m.trainer.config()).label(m.trainer.config().cd_k);
        !(self.open && self.runs.last().is_some_and(|r| r.label == label))
    }

    /// Keeps the start, and opens a new run, starting at `first` (or awaiting its first
    /// point), unless the open one continues.
    fn open_run(&mut self, m: &RbmModel, first: Option<f64>) {
        if self.start.is_none() {
            self.start = Some(m.rbm.clone());
        }
        if self.opens_new_run(m) {
            if self.runs.len() >= MAX_RUNS {
                self.runs.remove(0);
            }
            self.runs.push(RuleRun {
                label: self.rule(m.trainer.config()).label(m.trainer.config().cd_k),
                updates: 0,
                curve: first.map(|ll| vec![[0.0, ll]]).unwrap_or_default(),
            });
            self.open = true;
        }
    }

    /// Puts the weights back to the start (momentum and chains afresh, settings kept); the next
    /// update opens a new run.
    pub fn restart(&mut self, m: &mut RbmModel) -> Result<(), EngineError> {
        let Some(start) = &self.start else {
            return Err(EngineError::BadParameter(
                "no start to go back to yet: train first".into(),
            ));
        };
        let trainer = RbmTrainer::new(start, m.trainer.config().clone())?;
        m.rbm = start.clone();
        m.trainer = trainer;
        self.open = false;
        Ok(())
    }

    /// Checks saved runs against the session's RBM.
    pub fn validate_for(&self, rbm: &Rbm) -> Result<(), EngineError> {
        if let Some(start) = &self.start {
            start.validate()?;
            if start.weights().dim() != rbm.weights().dim() {
                return Err(EngineError::BadParameter(
                    "the rule runs' start has another shape than the RBM".into(),
                ));
            }
        }
        if self.exact {
            rbm_gradient::check_small_enough(rbm)?;
        }
        if self.runs.len() > MAX_RUNS {
            return Err(EngineError::BadParameter(format!(
                "at most {MAX_RUNS} rule runs, got {}",
                self.runs.len()
            )));
        }
        let values = self.runs.iter().flat_map(|r| r.curve.iter().flatten());
        if values.copied().any(|x| !x.is_finite()) {
            return Err(EngineError::BadParameter(
                "a rule run's curve holds a value that is not finite".into(),
            ));
        }
        Ok(())
    }
}
