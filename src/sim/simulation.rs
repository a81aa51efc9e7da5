//! The thread-free simulation: apply a command, advance under a time budget, publish a snapshot.
//!
//! [`Simulation`] is a small coordinator. It owns the network and its chains, the training set,
//! the settings and the trace, and hands its parts what they need: a [`Learner`] (phases,
//! updates, curve), a [`Pacer`] (speed limit, measured rate) and a [`ViewCache`] (histogram,
//! exact distribution, landscape).
//!
//! Every command is transactional: [`Simulation::apply`] does all of it or returns an error
//! and leaves the simulation exactly as it was.

use super::learner::Learner;
use super::model::{Model, build, training_set};
use super::pacer::Pacer;
use super::protocol::{
    AnnealProgress, Command, Event, FaultSite, ModelKind, ModelSpec, Phase, Replacement, Settings,
    Snapshot, StopReason, TraceMark, TracePoint, TrainingSource, UnitStep,
};
use super::saved::SessionCore;
use super::tempering::{TemperingSettings, TemperingState};
use super::view_cache::ViewCache;
use crate::engine::anneal::Schedule;
use crate::engine::boltzmann::UpdateOrder;
use crate::engine::math::{p_on, zero_temperature_value};
use crate::engine::patterns::PatternSet;
use crate::engine::{EngineError, SimRng};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use super::view_cache::MAX_DISTRIBUTION_UNITS;

/// The largest drawing grid of a Hopfield net or Boltzmann machine (n² weights).
pub const MAX_NET_GRID_UNITS: usize = 1_024;
/// The largest drawing grid of an RBM.
pub const MAX_RBM_GRID_UNITS: usize = 4_096;
/// Trace points kept between two snapshots (a snapshot takes them).
const MAX_PENDING_TRACE: usize = 20_000;
/// The largest k of CD-k.
pub const MAX_CD_K: usize = 100;

/// Everything the simulation owns.
#[derive(Clone)]
pub struct Simulation {
    /// The saved state of the network and how it runs.
    pub(super) core: SessionCore,
    pub(super) running: bool,
    pub(super) learner: Learner,
    pub(super) pacer: Pacer,
    pub(super) views: ViewCache,
    pub(super) trace: Vec<TracePoint>,
    pub(super) trace_generation: u64,
    pub(super) last_unit: Option<UnitStep>,
    pub(super) weights_generation: u64,
    pub(super) events: Vec<Event>,
    /// A panic a test asked for ([`Command::InjectFault`]).
    pub(super) fault: Option<FaultSite>,
    /// Whether the Gradient panel is on screen ([`Command::WatchGradient`]).
    pub(super) gradient_watched: bool,
}

impl Simulation {
    /// A simulation of `spec`.
    pub fn new(spec: ModelSpec) -> Result<Self, EngineError> {
        let mut rng = SimRng::seed_from_u64(spec.seed);
        let set = training_set(spec.source, &[], (10, 10))?;
        let model = build(&spec, &set, &mut rng)?;
        Ok(Self::from_parts(spec, rng, model, set))
    }

    /// A fresh simulation around a model that already exists (defaults everywhere else).
    pub(super) fn from_parts(spec: ModelSpec, rng: SimRng, model: Model, set: PatternSet) -> Self {
        Self::from_core(SessionCore {
            spec,
            rng,
            model,
            training_set: set,
            drawn: Vec::new(),
            temperature: 1.0,
            order: UpdateOrder::Random,
            sweeps: 0.0,
            unit_cursor: 0,
            anneal: None,
            schedule: default_schedule(),
            tempering: None,
        })
    }

    /// A paused simulation of `core`, with no learning history, the default pace and a trace
    /// that starts at the current state.
    pub(super) fn from_core(core: SessionCore) -> Self {
        let mut sim = Self {
            core,
            running: false,
            learner: Learner::default(),
            pacer: Pacer::new(Some(20.0)),
            views: ViewCache::default(),
            trace: Vec::new(),
            trace_generation: 1,
            last_unit: None,
            weights_generation: 1,
            events: Vec::new(),
            fault: None,
            gradient_watched: false,
        };
        sim.restart_trace();
        sim
    }

    /// Takes over from `previous` on screen (after an undo or redo): generations move past
    /// its, so the window redraws the weights and starts a new trace at this state; paused.
    pub(super) fn continue_display_of(&mut self, previous: &Simulation) {
        self.weights_generation = previous.weights_generation.max(self.weights_generation) + 1;
        self.trace_generation = previous.trace_generation.max(self.trace_generation);
        self.gradient_watched = previous.gradient_watched;
        self.running = false;
        self.learner.training = false;
        self.core.anneal = None;
        self.restart_trace();
    }

    /// The same settings (T, order, pace, schedule; an RBM's learning rules and held-out data)
    /// around another simulation's network: a new model keeps what the person chose for running
    /// and training it.
    pub(super) fn keeping_settings(&self, mut next: Self) -> Self {
        next.core.temperature = self.core.temperature;
        next.core.order = self.core.order;
        next.pacer = Pacer::new(self.pacer.limit());
        next.core.schedule = self.core.schedule.clone();
        // An RBM keeps its learning rules (checked when they were set) in the new RBM.
        if let (Model::Rbm(old), Model::Rbm(new)) = (&self.core.model, &mut next.core.model)
            && new
                .trainer
                .set_config(old.trainer.config().clone())
                .is_err()
        {
            debug_assert!(false, "a held configuration is always valid");
        }
        // Held-out data stays while it fits the new network.
        if next.nv() == self.nv() && matches!(next.core.model, Model::Rbm(_)) {
            next.learner.saved.validation = self.learner.saved.validation.clone();
        }
        next.core.tempering =
            (self.core.tempering.as_ref()).map(|t| TemperingState::new(t.settings.clone()));
        next.weights_generation = self.weights_generation + 1;
        next.gradient_watched = self.gradient_watched;
        next.trace_generation = self.trace_generation + 1;
        next
    }

    /// The default opening scene: letters stored in a Hopfield net, a noisy letter on the grid.
    pub fn opening_scene() -> Result<Self, EngineError> {
        let mut sim = Self::new(ModelSpec::default())?;
        sim.core.temperature = 0.0;
        sim.apply(Command::ShowPattern(0))?;
        sim.apply(Command::AddNoise(0.2))?;
        Ok(sim)
    }

    /// Whether continuous training is on (it needs no pause between advances).
    pub fn is_training(&self) -> bool {
        self.learner.training
    }

    /// Whether it runs continuously.
    pub fn is_running(&self) -> bool {
        self.running || self.learner.training || self.core.anneal.is_some()
    }

    /// Takes the events raised since the last call.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    fn nv(&self) -> usize {
        self.core.training_set.width * self.core.training_set.height
    }

    /// Hidden units the network has.
    fn hidden_units(&self) -> usize {
        match &self.core.model {
            Model::Net(m) => m.bm.n_hidden(),
            Model::Rbm(m) => m.rbm.n_hidden(),
        }
    }

    /// Every setting, as the snapshot publishes it.
    pub fn settings(&self) -> Settings {
        let (cd_k, rbm_training) = match &self.core.model {
            Model::Rbm(m) => (m.trainer.config().cd_k, Some(m.trainer.config().clone())),
            Model::Net(_) => (1, None),
        };
        Settings {
            kind: self.core.spec.kind,
            source: self.core.spec.source,
            pattern_set: self.core.training_set.name.clone(),
            rule: self.core.spec.rule,
            hidden: self.hidden_units(),
            grid: (self.core.training_set.width, self.core.training_set.height),
            seed: self.core.spec.seed,
            temperature: self.core.temperature,
            order: self.core.order,
            speed: self.pacer.limit(),
            learning_rate: self.learner.learning_rate(&self.core.model),
            cd_k,
            rbm_rule: match &self.core.model {
                Model::Rbm(m) => self.learner.saved.rule_runs.rule(m.trainer.config()),
                Model::Net(_) => Default::default(),
            },
            schedule: self.core.schedule.clone(),
            rbm_training,
            tempering: self.core.tempering.as_ref().map(|t| t.settings.clone()),
        }
    }

    /// Applies one command: all of it, or an error with the simulation exactly as it was
    /// (learning-curve points in flight then arrive in it later, as if it had not run).
    pub fn apply(&mut self, command: Command) -> Result<(), EngineError> {
        if matches!(
            command,
            Command::SetCdK(_)
                | Command::SetRbmRule(_)
                | Command::SetTrainingRule(_)
                | Command::RestartRuleRun
        ) {
            // These can end the open rule run (a new rule or k opens another at the next
            // update; a restart puts other weights in place): points in flight, taken in the
            // open run, join it first.
            self.settle_curve();
        }
        let result = if command_is_checked_first(&command) {
            self.apply_unguarded(command)
        } else {
            let before = self.clone();
            let result = self.apply_unguarded(command);
            if result.is_err() {
                *self = before;
            }
            result
        };
        self.report_curve_failures();
        result
    }

    /// The command itself; may leave part of the work done on error ([`Self::apply`] undoes it).
    fn apply_unguarded(&mut self, command: Command) -> Result<(), EngineError> {
        match command {
            Command::SetModel(spec) => self.set_model(spec)?,
            Command::NewGrid { width, height } => self.new_grid(width, height)?,
            Command::SetTemperature(t) => {
                crate::engine::error::check_temperature(t)?;
                self.core.temperature = t;
                self.views.reset_histogram(&self.core.model);
            }
            Command::Run => self.running = true,
            Command::InjectFault(FaultSite::Apply) => panic!("fault injected in apply"),
            Command::InjectFault(site) => self.fault = Some(site),
            Command::Pause => {
                let was_training = self.learner.training;
                self.stop_all();
                if was_training {
                    self.finish_curve();
                }
            }
            Command::Step(n) => {
                self.current_temperature()?;
                for _ in 0..n {
                    self.sweep()?;
                }
            }
            Command::StepUnit => self.step_unit()?,
            Command::Draw(edits) => self.edit_visible(TraceMark::Drawn, false, |v, _| {
                for &(i, value) in &edits {
                    if let Some(slot) = v.get_mut(i) {
                        *slot = value.min(1);
                    }
                }
            }),
            Command::SetClamp(edits) => self.edit_clamps(|c| {
                for &(i, value) in &edits {
                    if let Some(slot) = c.get_mut(i) {
                        *slot = value;
                    }
                }
            }),
            Command::ClampDrawn => {
                let visible = self.visible_state();
                self.edit_clamps(|c| c.iter_mut().zip(&visible).for_each(|(c, &v)| *c = v == 1));
            }
            Command::ReleaseAll => self.edit_clamps(|c| c.iter_mut().for_each(|c| *c = false)),
            Command::Clear => self.edit_visible(TraceMark::Edited, true, |v, _| {
                v.iter_mut().for_each(|x| *x = 0)
            }),
            Command::Invert => self.edit_visible(TraceMark::Edited, true, |v, _| {
                v.iter_mut().for_each(|x| *x = 1 - *x)
            }),
            Command::FillRandom => self.edit_visible(TraceMark::Edited, true, |v, rng| {
                v.iter_mut().for_each(|x| *x = (rng.next_u64() >> 63) as u8)
            }),
            Command::AddNoise(fraction) => {
                if !(0.0..=1.0).contains(&fraction) {
                    return Err(EngineError::BadParameter(format!(
                        "noise must be between 0 and 1, got {fraction}"
                    )));
                }
                self.edit_visible(TraceMark::Noise, true, |v, rng| {
                    let mut idx: Vec<usize> = (0..v.len()).collect();
                    rng.shuffle(&mut idx);
                    let k = (fraction * v.len() as f64).round() as usize;
                    idx[..k].iter().for_each(|&i| v[i] = 1 - v[i]);
                });
            }
            Command::ShowPattern(k) => {
                let pattern = self
                    .core
                    .training_set
                    .patterns
                    .get(k)
                    .cloned()
                    .ok_or_else(|| {
                        EngineError::BadParameter(format!("there is no training pattern {}", k + 1))
                    })?;
                self.edit_visible(TraceMark::Pattern, true, |v, _| v.copy_from_slice(&pattern));
            }
            Command::StorePattern => self.store_pattern()?,
            Command::PositivePhase => self.learning_phase(Phase::Positive)?,
            Command::NegativePhase => self.learning_phase(Phase::Negative)?,
            Command::ApplyUpdate => self.learning_phase(Phase::Update)?,
            Command::Train(on) => {
                if on && self.core.spec.kind == ModelKind::Hopfield {
                    return Err(EngineError::BadParameter("a Hopfield net stores patterns in one shot; choose a Boltzmann machine or an RBM to train".into()));
                }
                let was_training = self.learner.training;
                self.learner.set_training(&self.core.training_set, on)?;
                if !on {
                    self.pacer.stop();
                }
                if was_training && !on {
                    self.finish_curve();
                }
            }
            Command::SetLearningRate(eta) => {
                self.learner.set_learning_rate(&mut self.core.model, eta)?
            }
            Command::SetCdK(k) => {
                let Model::Rbm(m) = &mut self.core.model else {
                    return Err(EngineError::BadParameter(
                        "k of CD-k belongs to an RBM; this model is not one".into(),
                    ));
                };
                if !(1..=MAX_CD_K).contains(&k) {
                    return Err(EngineError::BadParameter(format!(
                        "k of CD-k must be 1 to {MAX_CD_K}, got {k}"
                    )));
                }
                let config = crate::engine::rbm_train::RbmTrainConfig {
                    cd_k: k,
                    ..m.trainer.config().clone()
                };
                m.trainer.set_config(config)?;
            }
            Command::SetRbmRule(rule) => {
                let Model::Rbm(m) = &mut self.core.model else {
                    return Err(EngineError::BadParameter(
                        "these learning rules belong to an RBM; this model is not one".into(),
                    ));
                };
                let config = super::rbm_rules::with_rule(m.trainer.config(), rule)?;
                m.trainer.set_config(config)?;
            }
            Command::SetValidation(patterns) => {
                self.learner.set_validation(&self.core.model, patterns)?;
            }
            Command::SetTrainingRule(rule) => {
                let runs = &mut self.learner.saved.rule_runs;
                runs.set_rule(rule, rbm_of(&mut self.core.model, "the training rule")?)?;
            }
            Command::RestartRuleRun => {
                let runs = &mut self.learner.saved.rule_runs;
                runs.restart(rbm_of(&mut self.core.model, "going back to the start")?)?;
                self.learner.weights_replaced();
                self.weights_changed();
                self.mark_trace(TraceMark::Weights);
            }
            Command::SetSchedule(schedule) => {
                schedule.steps()?;
                self.core.schedule = schedule;
            }
            Command::Anneal => {
                self.core.anneal = Some(AnnealProgress {
                    steps: self.core.schedule.steps()?,
                    done: 0,
                });
            }
            Command::SetOrder(order) => self.core.order = order,
            Command::SetTempering(settings) => self.set_tempering(settings)?,
            Command::SetSpeed(limit) => self
                .pacer
                .set_limit(limit)
                .map_err(EngineError::BadParameter)?,
            Command::Reset { seed } => self.reset(seed),
            Command::ClearTrace => self.restart_trace(),
            Command::WatchGradient(on) => self.gradient_watched = on,
            Command::Capture => self.events.push(Event::Captured(Box::new(self.to_saved()))),
            Command::Replace(sim) => {
                let generation = self.weights_generation + 1;
                let trace_generation = self.trace_generation + 1;
                *self = Self {
                    weights_generation: generation,
                    trace_generation,
                    gradient_watched: self.gradient_watched,
                    ..*sim
                };
                self.restart_trace();
                self.events.push(Event::Replaced(Replacement::Session));
            }
            Command::Import(imported) => {
                *self = self.with_imported(*imported)?;
                self.restart_trace();
                self.events.push(Event::Replaced(Replacement::Weights));
            }
            Command::Quit => self.running = false,
            // The worker keeps the edit history and carries these out (see `history`).
            Command::Undo | Command::Redo => {}
        }
        Ok(())
    }

    fn set_model(&mut self, spec: ModelSpec) -> Result<(), EngineError> {
        let mut rng = SimRng::seed_from_u64(spec.seed);
        let grid = (self.core.training_set.width, self.core.training_set.height);
        let set = training_set(spec.source, &self.core.drawn, grid)?;
        if spec.source == TrainingSource::Drawn
            && set.patterns.is_empty()
            && spec.kind != ModelKind::Hopfield
        {
            return Err(EngineError::BadParameter(
                "the drawn training set is empty: draw a pattern and press “Store” first".into(),
            ));
        }
        let model = build(&spec, &set, &mut rng)?;
        let mut next = self.keeping_settings(Self::from_parts(spec, rng, model, set));
        next.core.drawn = std::mem::take(&mut self.core.drawn);
        *self = next;
        self.restart_trace();
        Ok(())
    }

    fn new_grid(&mut self, width: usize, height: usize) -> Result<(), EngineError> {
        let units = width.saturating_mul(height);
        let limit = if self.core.spec.kind == ModelKind::Rbm {
            MAX_RBM_GRID_UNITS
        } else {
            MAX_NET_GRID_UNITS
        };
        if width == 0 || height == 0 || units > limit {
            return Err(EngineError::BadParameter(format!(
                "a {width} × {height} grid is not possible here (1 to {limit} units for this kind of model)"
            )));
        }
        let spec = ModelSpec {
            source: TrainingSource::Drawn,
            ..self.core.spec.clone()
        };
        let set = PatternSet {
            name: "Drawn".into(),
            width,
            height,
            patterns: Vec::new(),
        };
        let mut rng = SimRng::seed_from_u64(spec.seed);
        let model = build(&spec, &set, &mut rng)?;
        *self = self.keeping_settings(Self::from_parts(spec, rng, model, set));
        self.restart_trace();
        Ok(())
    }

    /// Adds the grid to the drawn set; a Hopfield net (or a model already trained on drawings)
    /// is rebuilt on it, keeping what it stored.
    fn store_pattern(&mut self) -> Result<(), EngineError> {
        let state = self.visible_state();
        let rebuild = self.core.spec.source == TrainingSource::Drawn
            || self.core.spec.kind == ModelKind::Hopfield;
        if !rebuild {
            self.core.drawn.push(state);
            return Ok(());
        }
        if self.core.spec.source != TrainingSource::Drawn {
            // Keep what the net already stores, plus the new drawing.
            self.core.drawn = self.core.training_set.patterns.clone();
        }
        self.core.drawn.push(state.clone());
        let spec = ModelSpec {
            source: TrainingSource::Drawn,
            ..self.core.spec.clone()
        };
        self.set_model(spec)?;
        self.edit_visible(TraceMark::Pattern, false, |v, _| v.copy_from_slice(&state));
        Ok(())
    }

    /// A new start from `seed`: every unit that is not clamped random, visible and hidden,
    /// counters and trace cleared. Two resets with one seed give the same state.
    fn reset(&mut self, seed: u64) {
        self.core.spec.seed = seed;
        self.core.rng = SimRng::seed_from_u64(seed);
        self.core.sweeps = 0.0;
        self.core.unit_cursor = 0;
        self.core.anneal = None;
        self.last_unit = None;
        let rng = &mut self.core.rng;
        match &mut self.core.model {
            Model::Net(m) => {
                for i in 0..m.bm.n() {
                    let bit = (rng.next_u64() >> 63) as u8;
                    if !m.chain.clamped()[i] {
                        m.chain.set_unit(&m.bm, i, bit);
                    }
                }
                m.twin = m.chain.clone();
            }
            Model::Rbm(m) => {
                let clamped = m.chains.clamped.clone();
                for (x, &fixed) in m.chains.visible.row_mut(0).iter_mut().zip(&clamped) {
                    let bit = (rng.next_u64() >> 63) as u8;
                    if !fixed {
                        *x = f32::from(bit);
                    }
                }
                for x in m.chains.hidden.row_mut(0).iter_mut() {
                    *x = f32::from((rng.next_u64() >> 63) as u8);
                }
            }
        }
        self.restart_trace();
    }

    fn visible_state(&self) -> Vec<u8> {
        let nv = self.nv();
        match &self.core.model {
            Model::Net(m) => m.chain.state()[..nv].to_vec(),
            Model::Rbm(m) => binary_row(&m.chains.visible),
        }
    }

    fn clamp_mask(&self) -> Vec<bool> {
        let nv = self.nv();
        match &self.core.model {
            Model::Net(m) => m.chain.clamped()[..nv].to_vec(),
            Model::Rbm(m) => m.chains.clamped.clone(),
        }
    }

    /// Edits the visible units of the main chain and copies the result to the T = 0 twin.
    /// With `keep_clamped`, clamped units keep their value whatever the edit did.
    fn edit_visible(
        &mut self,
        mark: TraceMark,
        keep_clamped: bool,
        edit: impl FnOnce(&mut [u8], &mut SimRng),
    ) {
        let before = self.visible_state();
        let mut visible = before.clone();
        edit(&mut visible, &mut self.core.rng);
        if keep_clamped {
            for ((v, &old), fixed) in visible.iter_mut().zip(&before).zip(self.clamp_mask()) {
                if fixed {
                    *v = old;
                }
            }
        }
        match &mut self.core.model {
            Model::Net(m) => {
                for (i, &v) in visible.iter().enumerate() {
                    m.chain.set_unit(&m.bm, i, v);
                }
                m.twin = m.chain.clone();
            }
            Model::Rbm(m) => m
                .chains
                .visible
                .row_mut(0)
                .iter_mut()
                .zip(&visible)
                .for_each(|(x, &v)| *x = f32::from(v)),
        }
        self.last_unit = None;
        self.views.reset_histogram(&self.core.model);
        self.mark_trace(mark);
    }

    fn edit_clamps(&mut self, edit: impl FnOnce(&mut [bool])) {
        let nv = self.nv();
        match &mut self.core.model {
            Model::Net(m) => {
                let mut mask = m.chain.clamped().to_vec();
                edit(&mut mask[..nv]);
                // Lengths match by construction.
                let _ = m.chain.set_clamp_mask(mask.clone());
                let _ = m.twin.set_clamp_mask(mask);
            }
            Model::Rbm(m) => edit(&mut m.chains.clamped),
        }
        self.mark_trace(TraceMark::Clamped);
    }

    fn weights_changed(&mut self) {
        self.weights_generation += 1;
        self.views.reset_histogram(&self.core.model);
    }

    fn sweep(&mut self) -> Result<(), EngineError> {
        let t = self.current_temperature()?;
        let order = self.core.order;
        match &mut self.core.model {
            Model::Net(m) => {
                match &mut self.core.tempering {
                    Some(pt) => pt.round(m, t, &mut self.core.rng)?,
                    None => {
                        m.chain.sweep(&m.bm, t, order, &mut self.core.rng)?;
                    }
                }
                m.twin
                    .sweep(&m.bm, 0.0, UpdateOrder::Sequential, &mut self.core.rng)?;
            }
            Model::Rbm(m) => m.chains.step(&m.rbm, t as f32, &mut self.core.rng),
        }
        self.core.sweeps += 1.0;
        self.last_unit = None;
        self.after_sweep();
        Ok(())
    }

    /// Tempering on with these settings (a ladder already running with them keeps going), or
    /// off.
    fn set_tempering(&mut self, settings: Option<TemperingSettings>) -> Result<(), EngineError> {
        let Some(settings) = settings else {
            // A new sampler: the histogram starts afresh.
            if self.core.tempering.take().is_some() {
                self.views.reset_histogram(&self.core.model);
            }
            return Ok(());
        };
        settings.validate()?;
        if !matches!(self.core.model, Model::Net(_)) {
            return Err(EngineError::BadParameter(
                "tempering runs on a Hopfield net or Boltzmann machine, not an RBM".into(),
            ));
        }
        if self.core.tempering.as_ref().map(|t| &t.settings) != Some(&settings) {
            self.core.tempering = Some(TemperingState::new(settings));
            self.views.reset_histogram(&self.core.model);
        }
        Ok(())
    }

    fn step_unit(&mut self) -> Result<(), EngineError> {
        let t = self.current_temperature()?;
        let Model::Net(m) = &mut self.core.model else {
            return self.sweep();
        };
        let n = m.bm.n();
        let i = if self.core.order == UpdateOrder::Random {
            self.core.rng.below(n)
        } else {
            self.core.unit_cursor % n
        };
        self.core.unit_cursor = (self.core.unit_cursor + 1) % n;
        let input = m.chain.inputs()[i];
        let p = p_on(input, t, m.chain.state()[i]);
        m.chain.update_unit(&m.bm, i, t, &mut self.core.rng);
        m.twin.update_unit(&m.bm, i, 0.0, &mut self.core.rng);
        self.last_unit = Some(UnitStep {
            unit: i,
            input,
            p_on: if m.chain.clamped()[i] {
                f64::from(m.chain.state()[i])
            } else {
                p
            },
            value: m.chain.state()[i],
        });
        self.core.sweeps += 1.0 / n as f64;
        self.after_sweep();
        Ok(())
    }

    /// One stepped phase of learning; an update also marks the trace (the energies moved).
    fn learning_phase(&mut self, phase: Phase) -> Result<(), EngineError> {
        self.learner.step_phase(
            phase,
            &mut self.core.model,
            &self.core.training_set,
            &mut self.core.rng,
        )?;
        if phase == Phase::Update {
            self.weights_changed();
            self.mark_trace(TraceMark::Weights);
        }
        self.events.push(Event::PhaseDone(phase));
        Ok(())
    }

    fn current_temperature(&self) -> Result<f64, EngineError> {
        let t = self
            .core
            .anneal
            .as_ref()
            .and_then(AnnealProgress::temperature)
            .unwrap_or(self.core.temperature);
        crate::engine::error::check_temperature(t)?;
        Ok(t)
    }

    fn after_sweep(&mut self) {
        self.push_trace(None);
        if let Some(progress) = &mut self.core.anneal {
            progress.done += 1;
            if progress.done >= progress.total_sweeps() {
                self.core.temperature =
                    progress.steps.last().map_or(self.core.temperature, |s| s.0);
                self.core.anneal = None;
                self.events.push(Event::Stopped(StopReason::AnnealFinished));
            }
        }
        self.views.record(&self.core.model);
    }

    fn push_trace(&mut self, mark: Option<TraceMark>) {
        let (energy, descent_energy) = self.energies();
        let point = TracePoint {
            sweep: self.core.sweeps,
            energy,
            descent_energy,
            mark,
        };
        // A drag sends an edit a frame: one marker per place and kind is enough.
        if let Some(last) = self.trace.last_mut()
            && mark.is_some()
            && last.mark == mark
            && last.sweep == point.sweep
        {
            *last = point;
            return;
        }
        self.trace.push(point);
        if self.trace.len() > MAX_PENDING_TRACE {
            self.trace.drain(..MAX_PENDING_TRACE / 2);
        }
    }

    fn mark_trace(&mut self, mark: TraceMark) {
        self.push_trace(Some(mark));
    }

    /// Starts the trace afresh at the current state (the UI drops its copy of the old one).
    fn restart_trace(&mut self) {
        self.trace.clear();
        self.trace_generation += 1;
        self.views.reset_histogram(&self.core.model);
        self.mark_trace(TraceMark::Start);
    }

    fn energies(&self) -> (f64, f64) {
        match &self.core.model {
            Model::Net(m) => (
                m.chain.energy(&m.bm) + m.energy_offset,
                m.twin.energy(&m.bm) + m.energy_offset,
            ),
            Model::Rbm(m) => {
                let v: Vec<u8> = binary_row(&m.chains.visible);
                let f = m.rbm.free_energy(&v).unwrap_or(f64::NAN);
                (f, f)
            }
        }
    }

    /// Advances for about `budget` of wall time (or until the speed limit says stop). An error
    /// stops running, training and annealing, so it is reported once, not every frame.
    pub fn advance(&mut self, budget: Duration, since_last: Duration) -> Result<(), EngineError> {
        if self.fault.take_if(|f| *f == FaultSite::Advance).is_some() {
            panic!("fault injected in advance");
        }
        let result = self.advance_unguarded(budget, since_last);
        if result.is_err() {
            self.stop_all();
        }
        self.report_curve_failures();
        result
    }

    /// Whether learning-curve points are being measured beside the training (the thread then
    /// looks for them while idle).
    pub fn is_measuring(&self) -> bool {
        self.learner.is_measuring()
    }

    /// Adds the learning-curve points that have arrived; true if any did. A measurement that
    /// failed is reported as an event.
    pub fn harvest_curve(&mut self) -> bool {
        let changed = self.learner.harvest();
        self.report_curve_failures();
        changed
    }

    /// Starts measuring an RBM's learning curve at the current update if it has no point there
    /// and nothing runs (the thread calls this when idle; see [`Learner::complete_curve`]).
    pub fn complete_curve(&mut self) {
        if self.is_running() {
            return;
        }
        if let Model::Rbm(m) = &self.core.model
            && let Err(e) = self.learner.complete_curve(m, &self.core.training_set)
        {
            self.report_curve_failure(&e);
        }
    }

    /// Waits for the learning-curve points being measured and adds them (a failure is
    /// reported as an event).
    pub fn settle_curve(&mut self) {
        self.learner.settle();
        self.report_curve_failures();
    }

    /// Learning-curve measurements that failed become events (training goes on).
    fn report_curve_failures(&mut self) {
        for e in self.learner.take_failures() {
            self.report_curve_failure(&e);
        }
    }

    fn report_curve_failure(&mut self, e: &EngineError) {
        self.events.push(Event::Failed(format!(
            "a point of the learning curve could not be measured: {e}"
        )));
    }

    /// Measures the learning curve where training stopped. Stopping never fails for it: a
    /// measurement that cannot be made is reported as an event instead.
    fn finish_curve(&mut self) {
        if let Err(e) = self
            .learner
            .finish_curve(&self.core.model, &self.core.training_set)
        {
            self.events.push(Event::Failed(format!(
                "training stopped, but the learning curve could not be measured: {e}"
            )));
        }
    }

    /// Stops running, training and annealing (the Pause button).
    pub(super) fn stop_all(&mut self) {
        let was_running = self.is_running();
        self.running = false;
        self.learner.training = false;
        self.core.anneal = None;
        self.pacer.stop();
        if was_running {
            self.events.push(Event::Stopped(StopReason::Paused));
        }
    }

    fn advance_unguarded(
        &mut self,
        budget: Duration,
        since_last: Duration,
    ) -> Result<(), EngineError> {
        let start = Instant::now();
        if let (true, Model::Rbm(m)) = (self.learner.training, &mut self.core.model) {
            self.learner
                .train_rbm_for(m, &self.core.training_set, budget, &mut self.core.rng)?;
            self.weights_changed();
            self.pacer.measure(self.learner.saved.updates as f64);
            return Ok(());
        }
        if self.learner.training {
            while start.elapsed() < budget {
                self.learner.train_step(
                    &mut self.core.model,
                    &self.core.training_set,
                    &mut self.core.rng,
                )?;
                self.weights_changed();
            }
            self.pacer.measure(self.learner.saved.updates as f64);
            return Ok(());
        }
        // Sweeps are paid for with credit earned at the speed limit, so slow speeds still move.
        let mut allowed = self.pacer.allowance(since_last, self.core.anneal.is_some());
        while start.elapsed() < budget && allowed >= 1.0 {
            self.sweep()?;
            allowed -= 1.0;
            self.pacer.spend();
            if !self.is_running() {
                break;
            }
        }
        self.pacer.measure(self.core.sweeps);
        Ok(())
    }

    /// The snapshot to publish; takes the trace gathered since the last one.
    pub fn snapshot(&mut self) -> Snapshot {
        if self.fault.take_if(|f| *f == FaultSite::Snapshot).is_some() {
            panic!("fault injected in snapshot");
        }
        self.harvest_curve();
        let nv = self.nv();
        let t = self.current_temperature().unwrap_or(self.core.temperature);
        let (energy, descent_energy) = self.energies();
        let training = self.learner.training;
        let mut snap = Snapshot {
            settings: self.settings(),
            temperature: t,
            sweeps: self.core.sweeps,
            energy,
            descent_energy,
            new_trace: std::mem::take(&mut self.trace),
            trace_generation: self.trace_generation,
            last_unit: self.last_unit,
            sweeps_per_sec: if training { 0.0 } else { self.pacer.rate() },
            running: self.is_running(),
            anneal: self.core.anneal.clone(),
            weights_generation: self.weights_generation,
            ..Snapshot::default()
        };
        match &self.core.model {
            Model::Net(m) => {
                let n = m.bm.n();
                let s = m.chain.state();
                let inputs = m.chain.inputs();
                let p = |i: usize| p_on(inputs[i], t, s[i]) as f32;
                snap.visible = s[..nv].to_vec();
                snap.hidden = s[nv..].to_vec();
                snap.visible_input = inputs[..nv].iter().map(|&x| x as f32).collect();
                snap.visible_p_on = (0..nv).map(p).collect();
                snap.hidden_p_on = (nv..n).map(p).collect();
                snap.visible_bias = m.bm.biases()[..nv].iter().map(|&b| b as f32).collect();
                snap.clamped = m.chain.clamped()[..nv].to_vec();
                snap.descent_visible = m.twin.state()[..nv].to_vec();
                snap.hidden_grid = crate::engine::patterns::grid_for(n - nv);
                snap.weights = Arc::new(m.bm.weights().iter().map(|&w| w as f32).collect());
                snap.weights_shape = (n, n);
                snap.pattern_energies = self
                    .core
                    .training_set
                    .patterns
                    .iter()
                    .map(|p| {
                        let mut s = p.clone();
                        s.resize(n, 0);
                        m.bm.energy(&s) + m.energy_offset
                    })
                    .collect();
                snap.tempering = self.core.tempering.as_ref().map(|pt| pt.view(m, nv));
                snap.fixed_point = (0..n).all(|i| {
                    m.chain.clamped()[i] || zero_temperature_value(inputs[i], s[i]) == s[i]
                });
                snap.spurious = self.core.spec.kind == ModelKind::Hopfield
                    && snap.fixed_point
                    && !self
                        .core
                        .training_set
                        .patterns
                        .iter()
                        .any(|p| p.as_slice() == &s[..nv]);
            }
            Model::Rbm(m) => {
                snap.visible = binary_row(&m.chains.visible);
                snap.visible_p_on = m.chains.visible_probs.row(0).to_vec();
                snap.visible_input = vec![0.0; nv];
                snap.visible_bias = m.rbm.visible_bias().to_vec();
                snap.clamped = m.chains.clamped.clone();
                snap.hidden = binary_row(&m.chains.hidden);
                snap.hidden_p_on = m.chains.hidden_probs.row(0).to_vec();
                snap.hidden_grid = crate::engine::patterns::grid_for(m.rbm.n_hidden());
                snap.weights = Arc::new(m.rbm.weights().iter().copied().collect());
                snap.weights_shape = m.rbm.weights().dim();
                snap.descent_visible = snap.visible.clone();
            }
        }
        snap.distribution = self.views.distribution(
            &self.core.model,
            t,
            self.weights_generation,
            self.core.sweeps,
        );
        snap.landscape = self
            .views
            .landscape(&self.core.model, self.weights_generation);
        snap.gradient_watched = self.gradient_watched;
        snap.gradient = if self.gradient_watched {
            self.learner.gradient.view(
                &self.core.model,
                &self.core.training_set,
                &self.learner.saved.rule_runs,
                self.weights_generation,
                self.learner.saved.updates,
                self.core.spec.seed,
                training,
            )
        } else {
            // Not on screen: the last comparison as it was, with the rule runs (saved data,
            // no work), for the lesson that reads them.
            self.learner
                .gradient
                .last_view(&self.core.model, &self.learner.saved.rule_runs)
        };
        snap.nearest = nearest_pattern(&self.core.training_set.patterns, &snap.visible);
        snap.descent_nearest = if snap.descent_visible == snap.visible {
            snap.nearest
        } else {
            nearest_pattern(&self.core.training_set.patterns, &snap.descent_visible)
        };
        let updates_per_sec = if training { self.pacer.rate() } else { 0.0 };
        snap.learning =
            self.learner
                .view(&self.core.model, &self.core.training_set, updates_per_sec);
        snap
    }
}

/// The RBM of `model`, or an error saying `what` belongs to one.
fn rbm_of<'a>(
    model: &'a mut Model,
    what: &str,
) -> Result<&'a mut super::model::RbmModel, EngineError> {
    match model {
        Model::Rbm(m) => Ok(m),
        Model::Net(_) => Err(EngineError::BadParameter(format!(
            "{what} belongs to an RBM; this model is not one"
        ))),
    }
}

/// Commands that check everything before they change anything, so they need no copy to roll
/// back to (the others run on a copy's promise: see [`Simulation::apply`]).
fn command_is_checked_first(command: &Command) -> bool {
    matches!(
        command,
        Command::Draw(_)
            | Command::SetClamp(_)
            | Command::Run
            | Command::Pause
            | Command::SetTemperature(_)
            | Command::SetOrder(_)
            | Command::SetSpeed(_)
            | Command::SetSchedule(_)
            | Command::SetLearningRate(_)
            | Command::SetRbmRule(_)
            | Command::SetValidation(_)
            | Command::ClearTrace
            | Command::WatchGradient(_)
            | Command::Capture
            | Command::Replace(_)
            | Command::Quit
            | Command::Undo
            | Command::Redo
            | Command::InjectFault(_)
    )
}

/// The schedule a new session offers: T from 8 down to 0.05 in 30 geometric steps of 10 sweeps.
pub fn default_schedule() -> Schedule {
    Schedule::Geometric {
        t_start: 8.0,
        t_end: 0.05,
        steps: 30,
        sweeps: 10,
    }
}

/// The 0/1 states of the first chain in a matrix of 0.0/1.0 values (an empty row reads as no
/// units).
fn binary_row(states: &ndarray::Array2<f32>) -> Vec<u8> {
    if states.nrows() == 0 {
        return Vec::new();
    }
    states.row(0).iter().map(|&x| u8::from(x > 0.5)).collect()
}

/// The stored pattern with the largest overlap m = (1/N) Σ ξᵢσᵢ (spins) and that overlap.
pub fn nearest_pattern(patterns: &[Vec<u8>], state: &[u8]) -> Option<(usize, f64)> {
    patterns
        .iter()
        .enumerate()
        .filter(|(_, p)| p.len() == state.len())
        .map(|(k, p)| {
            // A sum of 0/1 (rather than filter and count) so the loop vectorizes: the snapshot
            // runs this over the whole training set ~60 times a second.
            let agree: u32 = p.iter().zip(state).map(|(a, b)| u32::from(a == b)).sum();
            (k, 2.0 * f64::from(agree) / state.len().max(1) as f64 - 1.0)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}
