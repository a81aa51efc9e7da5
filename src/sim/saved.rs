//! Everything a session file holds: the state a [`Simulation`] needs to continue exactly where
//! it was (models, chains, clamps, T and schedule, training set, learning settings, counters,
//! the seed and the random generator), and its checked restoration.
//!
//! Display-only state (the energy trace, the histogram, caches, speed measurements) is not
//! saved; a restored simulation starts paused.

use super::learner::{Learner, RbmStatistics};
use super::model::{ImportedModel, MAX_HIDDEN, Model, net_model, rbm_model};
use super::pacer::Pacer;
use super::protocol::{AnnealProgress, ModelKind, ModelSpec, TrainingSource, UpdateOrder};
use super::simulation::{Simulation, default_schedule};
use crate::engine::anneal::{MAX_STEPS, Schedule};
use crate::engine::boltzmann::Chain;
use crate::engine::error::{check_len, check_temperature};
use crate::engine::learning::{LearningSettings, PhaseStats};
use crate::engine::patterns::PatternSet;
use crate::engine::{EngineError, SimRng};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A simulation's persistent state (see the module docs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedSimulation {
    /// What the model was built from (kind, training source, hidden units, rule, seed).
    pub spec: ModelSpec,
    /// The random generator, mid-stream.
    pub rng: SimRng,
    /// The networks with their chains (and the RBM trainer).
    pub model: Model,
    /// The training set (also fixes the visible grid).
    pub training_set: PatternSet,
    /// Patterns the person stored from the grid.
    pub drawn: Vec<Vec<u8>>,
    /// Temperature T.
    pub temperature: f64,
    /// Update order.
    pub order: UpdateOrder,
    /// Sweeps per second (None: as fast as possible).
    pub sweeps_per_sec_limit: Option<f64>,
    /// Sweeps done (fractional within a sweep).
    pub sweeps: f64,
    /// The next unit of a sequential single-unit step.
    pub unit_cursor: usize,
    /// Boltzmann learning settings.
    pub learning: LearningSettings,
    /// Persistent negative chains of Boltzmann learning.
    pub negative_chains: Vec<Chain>,
    /// The last positive-phase statistics, if collected and not yet applied.
    pub positive: Option<PhaseStats>,
    /// The last negative-phase statistics.
    pub negative: Option<PhaseStats>,
    /// An RBM's last ⟨vᵢhⱼ⟩ of the data and of the reconstruction (nv × nh each).
    #[serde(default)]
    pub rbm_statistics: Option<(Vec<f32>, Vec<f32>)>,
    /// Learning updates applied.
    pub updates: usize,
    /// The learning curve: (update, value).
    pub curve: Vec<[f64; 2]>,
    /// An annealing schedule in progress: (steps, sweeps done within it).
    pub anneal: Option<AnnealProgress>,
    /// The annealing schedule Anneal runs (files from before it was saved get the default).
    #[serde(default = "default_schedule")]
    pub schedule: Schedule,
}

impl Simulation {
    /// The state to save.
    pub fn to_saved(&self) -> SavedSimulation {
        SavedSimulation {
            spec: self.spec.clone(),
            rng: self.rng.clone(),
            model: self.model.clone(),
            training_set: self.set.clone(),
            drawn: self.drawn.clone(),
            temperature: self.temperature,
            order: self.order,
            sweeps_per_sec_limit: self.pacer.limit(),
            sweeps: self.sweeps,
            unit_cursor: self.unit_cursor,
            learning: self.learner.settings.clone(),
            negative_chains: self.learner.negative_chains.clone(),
            positive: self.learner.positive.clone(),
            negative: self.learner.negative.clone(),
            rbm_statistics: self
                .learner
                .rbm_stats
                .as_ref()
                .map(|s| (s.data.to_vec(), s.reconstruction.to_vec())),
            updates: self.learner.updates,
            curve: self.learner.curve.clone(),
            anneal: self.anneal.clone(),
            schedule: self.schedule.clone(),
        }
    }

    /// A simulation continuing from `saved`, after checking every part of it against every
    /// other (sizes, symmetric weights, finite numbers, 0/1 states, settings in range). An
    /// error names the first problem found.
    pub fn from_saved(saved: SavedSimulation) -> Result<Self, EngineError> {
        check_saved(&saved)?;
        let SavedSimulation {
            spec,
            rng,
            model,
            training_set,
            drawn,
            temperature,
            order,
            sweeps_per_sec_limit,
            sweeps,
            unit_cursor,
            learning,
            negative_chains,
            positive,
            negative,
            rbm_statistics,
            updates,
            curve,
            anneal,
            schedule,
        } = saved;
        let learner = Learner {
            settings: learning,
            negative_chains,
            positive,
            negative,
            rbm_stats: rbm_statistics.map(|(data, reconstruction)| RbmStatistics {
                data: Arc::new(data),
                reconstruction: Arc::new(reconstruction),
            }),
            rbm_walk: None,
            updates,
            curve,
            training: false,
        };
        let mut sim = Simulation {
            drawn,
            temperature,
            order,
            pacer: Pacer::new(sweeps_per_sec_limit),
            sweeps,
            unit_cursor,
            learner,
            anneal,
            schedule,
            ..Simulation::from_parts(spec, rng, model, training_set)
        };
        // The start of the trace shows the loaded state at its own sweep count.
        sim.apply(super::protocol::Command::ClearTrace)?;
        Ok(sim)
    }
}

fn bad(message: impl Into<String>) -> EngineError {
    EngineError::BadParameter(message.into())
}

fn check_saved(s: &SavedSimulation) -> Result<(), EngineError> {
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
    if let Some(limit) = s.sweeps_per_sec_limit
        && !(limit.is_finite() && limit > 0.0)
    {
        return Err(bad(format!("the speed must be > 0 sweeps/s, got {limit}")));
    }
    s.learning.validate()?;
    if let Some(progress) = &s.anneal {
        if progress.steps.is_empty() || progress.steps.len() > MAX_STEPS {
            return Err(bad("an annealing schedule needs 1 to 100 000 steps"));
        }
        for &(t, _) in &progress.steps {
            check_temperature(t)?;
        }
    }
    s.schedule.steps()?;
    if s.curve.iter().flatten().any(|x| !x.is_finite()) {
        return Err(bad("the learning curve holds a value that is not finite"));
    }
    match (&s.model, s.spec.kind) {
        (Model::Net(m), ModelKind::Hopfield | ModelKind::Boltzmann) => {
            m.bm.validate()?;
            check_len("visible units of the network", nv, m.bm.n_visible())?;
            if s.spec.kind == ModelKind::Hopfield && m.bm.n_hidden() != 0 {
                return Err(bad("a Hopfield net has no hidden units"));
            }
            m.chain.validate_for(&m.bm)?;
            m.twin.validate_for(&m.bm)?;
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
            for chain in &s.negative_chains {
                chain.validate_shape_for(&m.bm)?;
            }
            for stats in s.positive.iter().chain(&s.negative) {
                stats.validate(m.bm.n())?;
            }
            if s.rbm_statistics.is_some() {
                return Err(bad(
                    "a Hopfield net or Boltzmann machine holds RBM statistics",
                ));
            }
        }
        (Model::Rbm(m), ModelKind::Rbm) => {
            m.rbm.validate()?;
            check_len("visible units of the RBM", nv, m.rbm.n_visible())?;
            m.chains.validate_for(&m.rbm)?;
            m.trainer.validate_for(&m.rbm)?;
            if let Some((p, n)) = &s.rbm_statistics {
                let cells = m.rbm.n_visible() * m.rbm.n_hidden();
                check_len("RBM data statistics (nv × nh)", cells, p.len())?;
                check_len("RBM reconstruction statistics (nv × nh)", cells, n.len())?;
                if p.iter().chain(n).any(|x| !(0.0..=1.0).contains(x)) {
                    return Err(bad("RBM statistics must lie in [0, 1]"));
                }
            }
            if !s.negative_chains.is_empty() || s.positive.is_some() || s.negative.is_some() {
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
        let mut rng = self.rng.clone();
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
        let keeps_set = self.set.width * self.set.height == nv;
        let set = if keeps_set {
            self.set.clone()
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
                self.spec.source
            } else {
                TrainingSource::Drawn
            },
            ..self.spec.clone()
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
            .field("spec", &self.spec)
            .field("sweeps", &self.sweeps)
            .field("temperature", &self.temperature)
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
        &self.model
    }

    /// The training set.
    pub fn training_set(&self) -> &PatternSet {
        &self.set
    }
}
