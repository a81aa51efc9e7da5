//! Learning, step by step or continuously: the positive phase (data clamped), the negative
//! phase (running free), the update ΔW = η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻), and the learning curve.
//! For an RBM the same steps walk one CD-k chain.

use super::curve::push_thinned;
use super::curve_meter::{PendingPoint, PointPlace, PointValues, thread_time};
use super::model::{Model, RbmModel};
use super::protocol::{LearningView, Phase, RbmWalkView};
use super::rbm_metrics::{self, MetricBudget};
use crate::engine::boltzmann::Chain;
use crate::engine::exact;
use crate::engine::learning::{self, LearningSettings, PhaseStats};
use crate::engine::math::sigmoid;
use crate::engine::patterns::PatternSet;
use crate::engine::rbm_exact;
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, cd_walk, matrix_from_patterns};
use crate::engine::{EngineError, SimRng};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Nets up to this many units get an exact learning curve.
const MAX_EXACT_CURVE_UNITS: usize = 20;
/// Patterns an RBM's stepped CD walk and its ⟨vh⟩ panels use.
const WALK_BATCH: usize = 20;
/// Mixed into the seed of the panels' walk during training, so its stream is not the
/// training's next one.
const WALK_STREAM: u64 = 0x5741_4C4B_5041_4E45;

/// An RBM's ⟨vᵢhⱼ⟩ of the data and of the reconstruction (nv × nh each, row-major).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RbmStatistics {
    /// ⟨vᵢ P(hⱼ | v)⟩ over the data.
    pub data: Arc<Vec<f32>>,
    /// The same after k Gibbs steps.
    pub reconstruction: Arc<Vec<f32>>,
}

/// The part of learning a session file keeps.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LearningState {
    /// Boltzmann learning settings (an RBM keeps its own in its trainer).
    pub settings: LearningSettings,
    /// Persistent negative chains of Boltzmann learning.
    pub negative_chains: Vec<Chain>,
    /// The last ⟨sᵢsⱼ⟩⁺, if collected and not yet applied.
    pub positive: Option<PhaseStats>,
    /// The last ⟨sᵢsⱼ⟩⁻.
    pub negative: Option<PhaseStats>,
    /// An RBM's last statistics.
    #[serde(default)]
    pub rbm_statistics: Option<RbmStatistics>,
    /// Updates applied.
    pub updates: usize,
    /// The learning curve, (update, value), thinned but never cut.
    pub curve: Vec<[f64; 2]>,
    /// Held-out patterns (an RBM's validation set; empty: none).
    #[serde(default, with = "crate::engine::patterns::bit_strings")]
    pub validation: Vec<Vec<u8>>,
    /// The held-out learning curve, (update, value), measured with [`Self::curve`].
    #[serde(default)]
    pub validation_curve: Vec<[f64; 2]>,
    /// An RBM's training rule (CD-k, PCD, exact) and one curve per run of a rule.
    #[serde(
        default,
        skip_serializing_if = "super::rule_runs::RuleRuns::is_untouched"
    )]
    pub rule_runs: super::rule_runs::RuleRuns,
}

/// The learning state of a session: what is saved, and what is only shown or running.
#[derive(Clone, Debug, Default)]
pub struct Learner {
    /// What a session file keeps.
    pub saved: LearningState,
    /// An RBM's CD walk of the first pattern, as stepped.
    pub rbm_walk: Option<RbmWalkView>,
    /// Continuous training is on.
    pub training: bool,
    /// Time spent training and measuring the curve since training started.
    pub metrics: MetricBudget,
    /// The training set as a matrix, built when training starts (the set cannot change while
    /// training runs: every command that changes it builds a new learner).
    training_data: Option<Arc<ndarray::Array2<f32>>>,
    /// An RBM's gradient estimates against the exact gradient (not saved).
    pub gradient: super::gradient::GradientCompare,
    /// Learning-curve points being measured beside the training, oldest first
    /// ([`super::curve_meter`]).
    pending: VecDeque<PendingPoint>,
    /// The exact training log-likelihood of the weights at an update, and the time measuring
    /// it took, if the curve measured it there and the weights have not changed since
    /// ([`Self::weights_replaced`]).
    measured_here: Option<(usize, f64, Duration)>,
    /// The update at which measuring the curve last failed (not tried again while idle).
    failed_at: Option<usize>,
    /// How long the last point took to measure.
    measured_cost: Option<Duration>,
    /// Measurements that failed, not yet reported.
    failures: Vec<EngineError>,
}

impl Learner {
    /// A learner continuing from saved state (not training, no walk shown).
    pub fn from_saved(saved: LearningState) -> Self {
        Self {
            saved,
            ..Self::default()
        }
    }
}

fn first_rows(patterns: &[Vec<u8>], k: usize) -> Vec<Vec<u8>> {
    patterns.iter().take(k).cloned().collect()
}

fn outer_mean(a: &ndarray::Array2<f32>, b: &ndarray::Array2<f32>) -> Vec<f32> {
    let m = a.t().dot(b) / a.nrows().max(1) as f32;
    m.iter().copied().collect()
}

impl Learner {
    /// η of whichever learning applies to `model`.
    pub fn learning_rate(&self, model: &Model) -> f64 {
        match model {
            Model::Net(_) => self.saved.settings.learning_rate,
            Model::Rbm(m) => f64::from(m.trainer.config().learning_rate),
        }
    }

    /// Sets η (> 0) for whichever learning applies to `model`.
    pub fn set_learning_rate(&mut self, model: &mut Model, eta: f64) -> Result<(), EngineError> {
        if !(eta.is_finite() && eta > 0.0 && eta <= 10.0) {
            return Err(EngineError::BadParameter(format!(
                "learning rate must be > 0 and at most 10, got {eta}"
            )));
        }
        match model {
            Model::Net(_) => self.saved.settings.learning_rate = eta,
            Model::Rbm(m) => m.trainer.set_config(RbmTrainConfig {
                learning_rate: eta as f32,
                ..m.trainer.config().clone()
            })?,
        }
        Ok(())
    }

    /// One stepped phase: collect ⟨sᵢsⱼ⟩⁺, collect ⟨sᵢsⱼ⟩⁻, or apply the update.
    pub fn step_phase(
        &mut self,
        phase: Phase,
        model: &mut Model,
        set: &PatternSet,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        match phase {
            Phase::Positive => self.positive_phase(model, set, rng),
            Phase::Negative => self.negative_phase(model, set, rng),
            Phase::Update => self.apply_update(model, set, rng),
        }
    }

    /// Collects ⟨sᵢsⱼ⟩⁺ (an RBM: walks CD-k for the first patterns and shows its data side).
    fn positive_phase(
        &mut self,
        model: &mut Model,
        set: &PatternSet,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        if set.patterns.is_empty() {
            return Err(EngineError::EmptyData);
        }
        match model {
            Model::Net(m) => {
                self.saved.positive = Some(learning::positive_phase(
                    &m.bm,
                    &set.patterns,
                    &self.saved.settings.positive,
                    1.0,
                    rng,
                )?);
            }
            Model::Rbm(m) => {
                self.walk_rbm(&m.rbm, m.trainer.current_cd_k(), set, 1, rng)?;
                if let Some(walk) = &self.rbm_walk {
                    m.chains
                        .visible
                        .row_mut(0)
                        .iter_mut()
                        .zip(&walk.v0)
                        .for_each(|(x, &v)| *x = v);
                }
            }
        }
        Ok(())
    }

    /// Walks CD-k from the first [`WALK_BATCH`] patterns and keeps the statistics and the
    /// first pattern's walk at `stage`.
    fn walk_rbm(
        &mut self,
        rbm: &crate::engine::rbm::Rbm,
        k: usize,
        set: &PatternSet,
        stage: u8,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        let batch = first_rows(&set.patterns, WALK_BATCH);
        let walk = cd_walk(rbm, matrix_from_patterns(&batch)?, k, rng);
        self.saved.rbm_statistics = Some(RbmStatistics {
            data: Arc::new(outer_mean(&walk.v0, &walk.h0_probs)),
            reconstruction: Arc::new(outer_mean(&walk.vk, &walk.hk_probs)),
        });
        let first = |a: &ndarray::Array2<f32>| a.row(0).to_vec();
        self.rbm_walk = Some(RbmWalkView {
            stage,
            k,
            v0: first(&walk.v0),
            h0: first(&walk.h0_probs),
            vk: first(&walk.vk_probs),
            hk: first(&walk.hk_probs),
        });
        Ok(())
    }

    /// Collects ⟨sᵢsⱼ⟩⁻ (an RBM: shows the reconstruction side of its walk).
    fn negative_phase(
        &mut self,
        model: &mut Model,
        set: &PatternSet,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        match model {
            Model::Net(m) => {
                self.saved.negative = Some(learning::negative_phase(
                    &m.bm,
                    &mut self.saved.negative_chains,
                    &self.saved.settings,
                    1.0,
                    rng,
                )?);
            }
            Model::Rbm(_) => {
                if self.saved.rbm_statistics.is_none() {
                    self.positive_phase(model, set, rng)?;
                }
                if let Some(walk) = &mut self.rbm_walk {
                    walk.stage = 2;
                }
            }
        }
        Ok(())
    }

    /// W += η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻) from the stepped phases (an RBM: one CD epoch on the first
    /// patterns).
    fn apply_update(
        &mut self,
        model: &mut Model,
        set: &PatternSet,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        match model {
            Model::Net(m) => {
                let (Some(pos), Some(neg)) = (&self.saved.positive, &self.saved.negative) else {
                    return Err(EngineError::BadParameter(
                        "run the positive and the negative phase before applying an update".into(),
                    ));
                };
                let update = learning::compute_update(&m.bm, pos, neg, &self.saved.settings)?;
                learning::apply_update(&mut m.bm, &update)?;
                m.chain.refresh(&m.bm);
                m.twin.refresh(&m.bm);
            }
            Model::Rbm(m) => {
                let data = matrix_from_patterns(&first_rows(&set.patterns, WALK_BATCH))?;
                let config = RbmTrainConfig {
                    batch_size: data.nrows().max(1),
                    ..m.trainer.config().clone()
                };
                let mut trainer = RbmTrainer::new(&m.rbm, config)?;
                trainer.train_epoch(&mut m.rbm, &data, rng)?;
            }
        }
        self.saved.updates += 1;
        self.record_curve_point(model, set)?;
        Ok(())
    }

    /// Starts or stops continuous training.
    pub fn set_training(&mut self, set: &PatternSet, on: bool) -> Result<(), EngineError> {
        if on && set.patterns.is_empty() {
            return Err(EngineError::EmptyData);
        }
        if on && !self.training {
            self.metrics = MetricBudget::default();
            self.training_data = None;
        }
        self.training = on;
        Ok(())
    }

    /// One step of continuous training: for a Boltzmann machine exactly the three stepped
    /// buttons (so the phase panels move with training), for an RBM at least one epoch over all
    /// the patterns (see [`Self::train_rbm_for`]).
    pub fn train_step(
        &mut self,
        model: &mut Model,
        set: &PatternSet,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        match model {
            Model::Net(_) => {
                self.positive_phase(model, set, rng)?;
                self.negative_phase(model, set, rng)?;
                self.apply_update(model, set, rng)
            }
            Model::Rbm(m) => self.train_rbm_for(m, set, Duration::ZERO, rng),
        }
    }

    /// Continuous training of an RBM for about `budget` of wall time (at least one epoch):
    /// epochs over all the patterns through the trainer's own code path (the one
    /// `boltzviz train` runs), the learning curve measured beside them at a bounded share of
    /// the time ([`MetricBudget`], [`super::curve_meter`]), and one fresh CD walk for the
    /// panels at the end. Training stops by itself once a linear fall has brought the rate to
    /// 0; the point where it stopped is left to [`Self::complete_curve`], so the stop is
    /// published without waiting for it.
    pub fn train_rbm_for(
        &mut self,
        m: &mut RbmModel,
        set: &PatternSet,
        budget: Duration,
        rng: &mut SimRng,
    ) -> Result<(), EngineError> {
        let start = Instant::now();
        let width = set.width * set.height;
        let (data, starting) = match &self.training_data {
            Some(d) if d.nrows() == set.patterns.len() && d.ncols() == width => {
                (Arc::clone(d), false)
            }
            _ => {
                let d = Arc::new(matrix_from_patterns(&set.patterns)?);
                self.training_data = Some(Arc::clone(&d));
                (d, true)
            }
        };
        if starting {
            self.start_curve(m, &data)?;
        }
        loop {
            if m.trainer.current_learning_rate() <= 0.0 {
                self.training = false;
                break;
            }
            let epoch_start = Instant::now();
            // Through the chosen rule (CD-k, PCD or exact), recorded in its run.
            self.saved.rule_runs.train_epoch(m, &data, rng)?;
            self.saved.updates += 1;
            self.metrics.add_training(epoch_start.elapsed());
            self.harvest();
            if self.pending.is_empty() {
                self.measure_if_due(&m.rbm, &data)?;
            }
            if start.elapsed() >= budget {
                break;
            }
        }
        // The panels' walk draws from a stream of its own, seeded from the session's generator
        // without advancing it: how the wall time happened to be sliced into calls must not
        // change the training's random stream (a seed gives the same model every time).
        let mut walk_rng = SimRng::seed_from_u64(rng.clone().next_u64() ^ WALK_STREAM);
        self.walk_rbm(&m.rbm, m.trainer.current_cd_k(), set, 2, &mut walk_rng)
    }

    /// Measures the curve at the current update unless it already has a point there (when
    /// training stops, so the curve ends where the model is).
    pub fn finish_curve(&mut self, model: &Model, set: &PatternSet) -> Result<(), EngineError> {
        self.settle();
        if self.saved.updates == 0 || self.has_point_here() {
            return Ok(());
        }
        match model {
            Model::Rbm(m) => self.record_rbm_point(&m.rbm, &matrix_from_patterns(&set.patterns)?),
            Model::Net(_) => Ok(()),
        }
    }

    /// Where training starts: the curve starts at the model as it is, and a new rule run
    /// starts with that figure too. It is known if the thread measured it while idle
    /// ([`Self::complete_curve`]); if it is still being measured, the run takes it when it
    /// arrives; else it is measured now, beside the first epochs (only for the run, if the
    /// curve has a point here for other weights: the weights went back to the start, or the
    /// session was loaded). Training does not wait for any of these.
    fn start_curve(
        &mut self,
        m: &RbmModel,
        data: &Arc<ndarray::Array2<f32>>,
    ) -> Result<(), EngineError> {
        self.harvest();
        let here = self.saved.updates;
        if let Some((updates, log_likelihood, spent)) = self.measured_here
            && updates == here
        {
            self.saved.rule_runs.prepare_known(m, log_likelihood);
            // The starting point counts against the budget, as one taken now would.
            self.metrics.add_measuring(spent);
            return Ok(());
        }
        if !self.saved.rule_runs.prepare_awaiting(m) {
            // No new run: the curve alone.
            if !self.has_point_here() {
                self.take_point(&m.rbm, data)?;
            }
            return Ok(());
        }
        let run_updates = self.saved.rule_runs.place(&m.rbm);
        if let Some(point) = self.pending.back_mut()
            && point.place.updates == here as f64
        {
            // Measured for the curve while idle, still in flight: the run takes it too.
            point.place.run_updates = run_updates;
            Ok(())
        } else if self.has_point_here() {
            self.take_point_for(&m.rbm, data, false)
        } else {
            self.take_point(&m.rbm, data)
        }
    }

    /// Whether the curve has, or is measuring, a point at the current update.
    fn has_point_here(&self) -> bool {
        let last = match self.pending.back() {
            Some(p) => Some(p.place.updates),
            None => self.saved.curve.last().map(|p| p[0]),
        };
        last == Some(self.saved.updates as f64)
    }

    /// Where a point measured now goes.
    fn place_here(&self, rbm: &crate::engine::rbm::Rbm) -> PointPlace {
        PointPlace {
            updates: self.saved.updates as f64,
            run_updates: self.saved.rule_runs.place(rbm),
            on_curve: true,
        }
    }

    /// The held-out patterns as a matrix, if there are any.
    fn held_out_matrix(&self) -> Result<Option<ndarray::Array2<f32>>, EngineError> {
        if self.saved.validation.is_empty() {
            Ok(None)
        } else {
            matrix_from_patterns(&self.saved.validation).map(Some)
        }
    }

    /// Starts measuring the RBM's training (and held-out) values at the current update beside
    /// the training ([`super::curve_meter`]); they join the curves when they arrive.
    fn take_point(
        &mut self,
        rbm: &crate::engine::rbm::Rbm,
        data: &Arc<ndarray::Array2<f32>>,
    ) -> Result<(), EngineError> {
        self.take_point_for(rbm, data, true)
    }

    /// [`Self::take_point`], for the learning curve and the open rule run, or (`on_curve`
    /// false) for the run alone.
    fn take_point_for(
        &mut self,
        rbm: &crate::engine::rbm::Rbm,
        data: &Arc<ndarray::Array2<f32>>,
        on_curve: bool,
    ) -> Result<(), EngineError> {
        let held_out = self.held_out_matrix()?.map(Arc::new);
        let place = PointPlace {
            on_curve,
            ..self.place_here(rbm)
        };
        // While training, one processor; idle, all of them (the point is wanted soon).
        let threads = if self.training {
            1
        } else {
            rbm_exact::all_processors()
        };
        self.pending.push_back(PendingPoint::start(
            rbm.clone(),
            Arc::clone(data),
            held_out,
            place,
            threads,
        ));
        Ok(())
    }

    /// Measures the curve here if the budget allows: beside the training, or on this thread
    /// when the last point was too cheap to be worth a thread of its own.
    fn measure_if_due(
        &mut self,
        rbm: &crate::engine::rbm::Rbm,
        data: &Arc<ndarray::Array2<f32>>,
    ) -> Result<(), EngineError> {
        let inline = self
            .measured_cost
            .is_some_and(|cost| cost < rbm_metrics::MEASURE_BESIDE_FROM);
        if inline && self.metrics.due(rbm_metrics::INLINE_METRIC_SHARE) {
            self.record_rbm_point(rbm, data)
        } else if !inline && self.metrics.due(rbm_metrics::METRIC_SHARE) {
            self.take_point(rbm, data)
        } else {
            Ok(())
        }
    }

    /// Adds the RBM's training (and held-out) values at the current update to the curves now,
    /// on this thread, after any point still being measured (a stepped update, where training
    /// was paused, a point during training too cheap to hand over).
    fn record_rbm_point(
        &mut self,
        rbm: &crate::engine::rbm::Rbm,
        data: &ndarray::Array2<f32>,
    ) -> Result<(), EngineError> {
        self.settle();
        let start = Instant::now();
        let used_before = thread_time(start);
        let held_out = self.held_out_matrix()?;
        let (train, held_out) =
            rbm_metrics::curve_values(rbm, data, held_out.as_ref(), rbm_exact::all_processors())?;
        let values = PointValues {
            train,
            held_out,
            exact: rbm_metrics::exact_curve(rbm),
            spent: start.elapsed(),
        };
        // Whether the next point is worth a thread of its own goes by the processor time this
        // one took: a moment without the processor must not send small models' points away.
        let cost = thread_time(start).saturating_sub(used_before);
        self.measured_cost = Some(cost);
        self.add_point(self.place_here(rbm), values);
        Ok(())
    }

    /// Adds measured values to the curves where they were taken.
    fn add_point(&mut self, place: PointPlace, values: PointValues) {
        self.metrics.add_measuring(values.spent);
        if let (true, Some(x)) = (values.exact, place.run_updates) {
            self.saved.rule_runs.record_point(x, values.train);
        }
        if place.on_curve {
            push_thinned(&mut self.saved.curve, [place.updates, values.train]);
            if values.exact {
                self.measured_here = Some((place.updates as usize, values.train, values.spent));
            }
        }
        // The held-out curve, once per update (a point for the run alone, or taken when a
        // new held-out set came, adds it where it has none).
        let held_out_here = self.saved.validation_curve.last().map(|p| p[0]) == Some(place.updates);
        if let (Some(v), false) = (values.held_out, held_out_here) {
            push_thinned(&mut self.saved.validation_curve, [place.updates, v]);
        }
    }

    /// Adds the points that have arrived, in the order they were taken; true if any did (or
    /// failed: see [`Self::take_failures`]).
    pub fn harvest(&mut self) -> bool {
        let mut changed = false;
        while let Some(outcome) = self.pending.front().and_then(PendingPoint::outcome) {
            if let Some(point) = self.pending.pop_front() {
                self.add_outcome(point.place, outcome);
                changed = true;
            }
        }
        changed
    }

    /// Waits for every point being measured and adds it.
    pub fn settle(&mut self) {
        while let Some(point) = self.pending.pop_front() {
            self.add_outcome(point.place, point.wait());
        }
    }

    /// Adds a measured point, or keeps its failure to be reported (the training goes on; the
    /// idle thread does not try that update again).
    fn add_outcome(&mut self, place: PointPlace, outcome: Result<PointValues, EngineError>) {
        match outcome {
            Ok(values) => {
                // Measured on a thread of its own: `spent` is that thread's processor time.
                self.measured_cost = Some(values.spent);
                self.add_point(place, values);
            }
            Err(e) => {
                self.failed_at = Some(place.updates as usize);
                self.failures.push(e);
            }
        }
    }

    /// Measurements that failed since the last call.
    pub fn take_failures(&mut self) -> Vec<EngineError> {
        std::mem::take(&mut self.failures)
    }

    /// Whether learning-curve points are being measured.
    pub fn is_measuring(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The weights changed without an update (they went back to the start): a figure measured
    /// at this update no longer describes them.
    pub fn weights_replaced(&mut self) {
        self.measured_here = None;
    }

    /// Starts measuring the RBM's curve at the current update, beside whatever runs next, if
    /// it (or the held-out curve) has no point there (the simulation thread calls this when
    /// idle: the curve then shows where an untrained model starts, where training stopped by
    /// itself, and new held-out data's figure, without the training waiting for any).
    pub fn complete_curve(&mut self, m: &RbmModel, set: &PatternSet) -> Result<(), EngineError> {
        let here = self.saved.updates as f64;
        let held_out_missing = !self.saved.validation.is_empty()
            && self.saved.validation_curve.last().map(|p| p[0]) != Some(here);
        if self.training || set.patterns.is_empty() || self.failed_at == Some(self.saved.updates) {
            return Ok(());
        }
        let data = || matrix_from_patterns(&set.patterns).map(Arc::new);
        if !self.has_point_here() {
            self.take_point(&m.rbm, &data()?)
        } else if held_out_missing && self.pending.is_empty() {
            // New held-out data: its figure for the model as it is, at once.
            self.take_point_for(&m.rbm, &data()?, false)
        } else {
            Ok(())
        }
    }

    /// Sets the held-out patterns (empty: none) and starts their curve afresh. Only an RBM
    /// takes them, and only as wide as its visible layer.
    pub fn set_validation(
        &mut self,
        model: &Model,
        patterns: Vec<Vec<u8>>,
    ) -> Result<(), EngineError> {
        // Points in flight were taken with the old held-out set: they join its curve first.
        self.settle();
        if !patterns.is_empty() {
            let Model::Rbm(m) = model else {
                return Err(EngineError::BadParameter(
                    "held-out data is for RBMs (their log-likelihood is computed exactly); this model is not one".into(),
                ));
            };
            rbm_metrics::check_validation(&patterns, m.rbm.n_visible())?;
        }
        self.saved.validation = patterns;
        self.saved.validation_curve.clear();
        Ok(())
    }

    fn record_curve_point(&mut self, model: &Model, set: &PatternSet) -> Result<(), EngineError> {
        let value = match model {
            Model::Net(m) if m.bm.n() <= MAX_EXACT_CURVE_UNITS => {
                exact::kl_data_model(&m.bm, 1.0, &set.patterns)?
            }
            Model::Net(m) => {
                let total: f64 = set
                    .patterns
                    .iter()
                    .map(|p| {
                        let mut s = p.clone();
                        s.resize(m.bm.n(), 0);
                        (0..p.len())
                            .map(|i| (sigmoid(m.bm.input(&s, i)) - f64::from(p[i])).powi(2))
                            .sum::<f64>()
                            / p.len() as f64
                    })
                    .sum();
                total / set.patterns.len().max(1) as f64
            }
            Model::Rbm(m) => {
                return self.record_rbm_point(&m.rbm, &matrix_from_patterns(&set.patterns)?);
            }
        };
        push_thinned(&mut self.saved.curve, [self.saved.updates as f64, value]);
        Ok(())
    }

    fn curve_label(model: &Model) -> &'static str {
        match model {
            Model::Net(m) if m.bm.n() <= MAX_EXACT_CURVE_UNITS => "exact KL(data || model), nats",
            Model::Net(_) => "one-step reconstruction error (visible, given the data)",
            Model::Rbm(m) if rbm_metrics::exact_curve(&m.rbm) => {
                "exact log-likelihood per pattern, nats"
            }
            Model::Rbm(_) => "reconstruction error per pixel",
        }
    }

    /// What the Learning view shows.
    pub fn view(&self, model: &Model, set: &PatternSet, updates_per_sec: f64) -> LearningView {
        let (positive, negative, shape) = match (model, &self.saved.rbm_statistics) {
            (Model::Rbm(m), Some(stats)) => (
                Some(stats.data.clone()),
                // Stepping: the reconstruction side shows once the negative phase is pressed.
                (self.rbm_walk.as_ref().is_none_or(|w| w.stage >= 2))
                    .then(|| stats.reconstruction.clone()),
                (m.rbm.n_visible(), m.rbm.n_hidden()),
            ),
            (Model::Net(m), _) => {
                let to32 = |s: &Option<PhaseStats>| {
                    s.as_ref()
                        .map(|s| Arc::new(s.pair.iter().map(|&x| x as f32).collect::<Vec<f32>>()))
                };
                (
                    to32(&self.saved.positive),
                    to32(&self.saved.negative),
                    (m.bm.n(), m.bm.n()),
                )
            }
            _ => (None, None, (0, 0)),
        };
        LearningView {
            positive,
            negative,
            shape,
            curve: self.saved.curve.clone(),
            curve_label: Self::curve_label(model).into(),
            updates: self.saved.updates,
            learning_rate: self.learning_rate(model),
            training_patterns: set.patterns.len(),
            training: self.training,
            updates_per_sec,
            rbm_walk: self.rbm_walk.clone(),
            validation_curve: self.saved.validation_curve.clone(),
            validation_patterns: self.saved.validation.len(),
            epoch: match model {
                Model::Rbm(m) => m.trainer.epoch(),
                Model::Net(_) => 0,
            },
            current_rates: match model {
                Model::Rbm(m) => Some((
                    f64::from(m.trainer.current_learning_rate()),
                    f64::from(m.trainer.current_momentum()),
                )),
                Model::Net(_) => None,
            },
            current_cd_k: match model {
                Model::Rbm(m) => Some(m.trainer.current_cd_k()),
                Model::Net(_) => None,
            },
        }
    }
}
