//! Everything a session file holds: the state a [`Simulation`] needs to continue exactly where
//! it was (models, chains, clamps, T and schedule, training set, learning settings, counters,
//! the seed and the random generator), and its checked restoration.
//!
//! Display-only state (the energy trace, the histogram, caches, speed measurements) is not
//! saved; a restored simulation starts paused.

use super::learner::{Learner, LearningState, RbmStatistics};
use super::model::{ImportedModel, MAX_HIDDEN, Model, net_model, rbm_model};
use super::pacer::Pacer;
use super::protocol::{AnnealProgress, ModelKind, ModelSpec, TrainingSource, UpdateOrder};
use super::simulation::Simulation;
use super::tempering::TemperingState;
use crate::engine::anneal::{MAX_STEPS, Schedule};
use crate::engine::error::{check_len, check_temperature};
use crate::engine::patterns::PatternSet;
use crate::engine::{EngineError, SimRng};
use serde::{Deserialize, Serialize};

/// The state of the network a session runs: what it is, its chains, its training set, how it
/// runs and how far it got. [`Simulation`] holds exactly this as its `core`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionCore {
    /// What the model was built from (kind, training source, hidden units, rule, seed).
    pub spec: ModelSpec,
    /// The random generator, mid-stream.
    pub rng: SimRng,
    /// The networks with their chains (and the RBM trainer).
    pub model: Model,
    /// The training set (also fixes the visible grid).
    pub training_set: PatternSet,
    /// Patterns the person stored from the grid.
    #[serde(with = "crate::engine::patterns::bit_strings")]
    pub drawn: Vec<Vec<u8>>,
    /// Temperature T.
    pub temperature: f64,
    /// Update order.
    pub order: UpdateOrder,
    /// Sweeps done (fractional within a sweep).
    pub sweeps: f64,
    /// The next unit of a sequential single-unit step.
    pub unit_cursor: usize,
    /// An annealing schedule in progress.
    pub anneal: Option<AnnealProgress>,
    /// The annealing schedule Anneal runs.
    pub schedule: Schedule,
    /// Parallel tempering, when on (absent in sessions saved before it existed, and left out
    /// when off, so such sessions read and write the same bytes as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tempering: Option<TemperingState>,
}

/// A simulation's persistent state (see the module docs): three parts, each held whole by
/// the running [`Simulation`], so saving and loading copy no field by hand.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedSimulation {
    /// The network and how it runs.
    pub core: SessionCore,
    /// Learning settings, chains, statistics and curve.
    pub learning: LearningState,
    /// Sweeps per second (None: as fast as possible).
    pub sweeps_per_sec_limit: Option<f64>,
}

impl Simulation {
    /// The state to save.
    pub fn to_saved(&self) -> SavedSimulation {
        // With every learning-curve point taken so far (a failed one is left out).
        let mut learner = self.learner.clone();
        learner.settle();
        SavedSimulation {
            core: self.core.clone(),
            learning: learner.saved,
            sweeps_per_sec_limit: self.pacer.limit(),
        }
    }

    /// A simulation continuing from `saved`, after checking every part of it against every
    /// other (sizes, symmetric weights, finite numbers, 0/1 states, settings in range). An
    /// error names the first problem found.
    pub fn from_saved(saved: SavedSimulation) -> Result<Self, EngineError> {
        check_saved(&saved)?;
        let mut sim = Simulation {
            learner: Learner::from_saved(saved.learning),
            pacer: Pacer::new(saved.sweeps_per_sec_limit),
            ..Simulation::from_core(saved.core)
        };
        // The start of the trace shows the loaded state at its own sweep count.
        sim.apply(super::protocol::Command::ClearTrace)?;
        Ok(sim)
    }
}

fn bad(message: impl Into<String>) -> EngineError {
    EngineError::BadParameter(message.into())
}

fn check_saved(saved: &SavedSimulation) -> Result<(), EngineError> {
    let (s, learning) = (&saved.core, &saved.learning);
    if s.spec.hidden > MAX_HIDDEN {
        return Err(bad(format!(
            "{} hidden units is too many (at most {MAX_HIDDEN})",
            s.spec.hidden
        )));
    }
    s.rng.validate()?;
    s.training_set.validate()?;
    let nv = s.training_set.width * s.training_set.height;
    for (k, p) in s.drawn.iter().enumerate() {
        check_len(&format!("drawn pattern {}", k + 1), nv, p.len())?;
        if p.iter().any(|&v| v > 1) {
            return Err(bad(format!(
                "drawn pattern {} has a value other than 0 or 1",
                k + 1
            )));
        }
    }
    check_temperature(s.temperature)?;
    if !(s.sweeps.is_finite() && s.sweeps >= 0.0) {
        return Err(bad(format!(
            "the sweep count must be >= 0, got {}",
            s.sweeps
        )));
    }
    if let Some(limit) = saved.sweeps_per_sec_limit
        && !(limit.is_finite() && limit > 0.0)
    {
        return Err(bad(format!("the speed must be > 0 sweeps/s, got {limit}")));
    }
    learning.settings.validate()?;
    if let Some(progress) = &s.anneal {
        if progress.steps.is_empty() || progress.steps.len() > MAX_STEPS {
            return Err(bad("an annealing schedule needs 1 to 100 000 steps"));
        }
        for &(t, _) in &progress.steps {
            check_temperature(t)?;
        }
    }
    s.schedule.steps()?;
    if learning
        .curve
        .iter()
        .chain(&learning.validation_curve)
        .flatten()
        .any(|x| !x.is_finite())
    {
        return Err(bad("the learning curve holds a value that is not finite"));
    }
    super::rbm_metrics::check_validation(&learning.validation, nv)?;
    match (&s.model, s.spec.kind) {
        (Model::Net(m), ModelKind::Hopfield | ModelKind::Boltzmann) => {
            m.bm.validate()?;
            check_len("visible units of the network", nv, m.bm.n_visible())?;
            if s.spec.kind == ModelKind::Hopfield && m.bm.n_hidden() != 0 {
                return Err(bad("a Hopfield net has no hidden units"));
            }
            m.chain.validate_for(&m.bm)?;
            m.twin.validate_for(&m.bm)?;
            if let Some(tempering) = &s.tempering {
                tempering.validate_for(m)?;
            }
            if !m.energy_offset.is_finite() {
                return Err(bad("the energy offset is not finite"));
            }
            if s.unit_cursor >= m.bm.n() {
                return Err(bad(format!(
                    "the unit cursor {} is past the last unit",
                    s.unit_cursor
                )));
            }
            // Learning refreshes these chains' inputs before each negative phase.
            for chain in &learning.negative_chains {
                chain.validate_shape_for(&m.bm)?;
            }
            for stats in learning.positive.iter().chain(&learning.negative) {
                stats.validate(m.bm.n())?;
            }
            if learning.rbm_statistics.is_some() {
                return Err(bad(
                    "a Hopfield net or Boltzmann machine holds RBM statistics",
                ));
            }
            if !learning.validation.is_empty() {
                return Err(bad(
                    "a Hopfield net or Boltzmann machine holds held-out data",
                ));
            }
        }
        (Model::Rbm(m), ModelKind::Rbm) => {
            m.rbm.validate()?;
            check_len("visible units of the RBM", nv, m.rbm.n_visible())?;
            m.chains.validate_for(&m.rbm)?;
            m.trainer.validate_for(&m.rbm)?;
            learning.rule_runs.validate_for(&m.rbm)?;
            if let Some(RbmStatistics {
                data: p,
                reconstruction: n,
            }) = &learning.rbm_statistics
            {
                let cells = m.rbm.n_visible() * m.rbm.n_hidden();
                check_len("RBM data statistics (nv × nh)", cells, p.len())?;
                check_len("RBM reconstruction statistics (nv × nh)", cells, n.len())?;
                if p.iter().chain(n.iter()).any(|x| !(0.0..=1.0).contains(x)) {
                    return Err(bad("RBM statistics must lie in [0, 1]"));
                }
            }
            if !learning.negative_chains.is_empty()
                || learning.positive.is_some()
                || learning.negative.is_some()
            {
                return Err(bad(
                    "an RBM session holds Boltzmann-learning chains or statistics",
                ));
            }
        }
        (_, kind) => {
            return Err(bad(format!(
                "the model's weights do not match its kind ({kind:?})"
            )));
        }
    }
    Ok(())
}

impl Simulation {
    /// This simulation with its network replaced by an imported one. The settings stay; the
    /// training set stays when its grid has as many units as the new visible layer, otherwise
    /// an empty set on a grid as square as the unit count allows takes its place.
    pub(super) fn with_imported(&self, imported: ImportedModel) -> Result<Self, EngineError> {
        let mut rng = self.core.rng.clone();
        let (model, kind, nv, hidden) = match imported {
            ImportedModel::Rbm(rbm) => {
                let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
                (
                    Model::Rbm(rbm_model(rbm, &mut rng)?),
                    ModelKind::Rbm,
                    nv,
                    nh,
                )
            }
            ImportedModel::Boltzmann(bm) => {
                let (nv, nh) = (bm.n_visible(), bm.n_hidden());
                (
                    Model::Net(net_model(bm, 0.0, &mut rng)),
                    ModelKind::Boltzmann,
                    nv,
                    nh,
                )
            }
        };
        if hidden > MAX_HIDDEN {
            return Err(EngineError::BadParameter(format!(
                "{hidden} hidden units is too many (at most {MAX_HIDDEN})"
            )));
        }
        let keeps_set = self.core.training_set.width * self.core.training_set.height == nv;
        let set = if keeps_set {
            self.core.training_set.clone()
        } else {
            let (width, height) = squarest_grid(nv);
            PatternSet {
                name: "Imported".into(),
                width,
                height,
                patterns: Vec::new(),
            }
        };
        let spec = ModelSpec {
            kind,
            hidden,
            source: if keeps_set {
                self.core.spec.source
            } else {
                TrainingSource::Drawn
            },
            ..self.core.spec.clone()
        };
        Ok(self.keeping_settings(Simulation::from_parts(spec, rng, model, set)))
    }
}

/// The factor pair w × h = n with w ≥ h and w − h smallest (784 → 28 × 28, 12 → 4 × 3).
pub fn squarest_grid(n: usize) -> (usize, usize) {
    let mut h = (n as f64).sqrt() as usize;
    while h > 1 && !n.is_multiple_of(h) {
        h -= 1;
    }
    let h = h.max(1);
    (n / h, h)
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("spec", &self.core.spec)
            .field("sweeps", &self.core.sweeps)
            .field("temperature", &self.core.temperature)
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// A simulation around a model built elsewhere (the CLI's `train`), checked like a loaded
    /// session: the model must fit the training set's grid and its kind.
    pub fn from_model(spec: ModelSpec, model: Model, set: PatternSet) -> Result<Self, EngineError> {
        let rng = SimRng::seed_from_u64(spec.seed);
        Self::from_saved(Simulation::from_parts(spec, rng, model, set).to_saved())
    }

    /// The network, for reading (the CLI's `sample` and `eval`).
    pub fn model(&self) -> &Model {
        &self.core.model
    }

    /// The training set.
    pub fn training_set(&self) -> &PatternSet {
        &self.core.training_set
    }
}
