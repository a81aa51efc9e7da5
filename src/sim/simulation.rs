//! The thread-free simulation: apply a command, advance under a time budget, publish a snapshot.

use super::model::{Model, build, training_set};
use super::protocol::{
    Command, DistributionView, Event, LandscapeView, LearningView, ModelKind, ModelSpec, Order,
    RbmWalkView, Snapshot, TracePoint, TrainingSource,
};
use crate::engine::boltzmann::ScanOrder;
use crate::engine::exact;
use crate::engine::landscape::{Landscape, MAX_LANDSCAPE_UNITS, index_of, landscape};
use crate::engine::learning::{self, LearningSettings, PhaseStats};
use crate::engine::math::{sigmoid, total_variation};
use crate::engine::patterns::PatternSet;
use crate::engine::rbm_train::{cd_walk, matrix_from_patterns, reconstruction_error};
use crate::engine::{EngineError, SimRng};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest drawing grid of a Hopfield net or Boltzmann machine (n² weights).
pub const MAX_NET_GRID_UNITS: usize = 1_024;
/// The largest drawing grid of an RBM.
pub const MAX_RBM_GRID_UNITS: usize = 4_096;
/// Nets up to this many units get the exact distribution view.
pub const MAX_DISTRIBUTION_UNITS: usize = 12;
/// Nets up to this many units get an exact learning curve.
const MAX_EXACT_CURVE_UNITS: usize = 20;
/// Points kept in the learning and TV curves.
const MAX_CURVE_POINTS: usize = 2_000;

/// Everything the simulation owns.
#[derive(Clone)]
pub struct Simulation {
    pub(super) spec: ModelSpec,
    pub(super) rng: SimRng,
    pub(super) model: Model,
    pub(super) set: PatternSet,
    pub(super) drawn: Vec<Vec<u8>>,
    pub(super) temperature: f64,
    pub(super) order: Order,
    pub(super) sweeps_per_sec_limit: Option<f64>,
    pub(super) running: bool,
    pub(super) training: bool,
    pub(super) sweeps: f64,
    pub(super) unit_cursor: usize,
    pub(super) trace: Vec<TracePoint>,
    pub(super) settings: LearningSettings,
    pub(super) negative_chains: Vec<crate::engine::boltzmann::Chain>,
    pub(super) positive: Option<PhaseStats>,
    pub(super) negative: Option<PhaseStats>,
    pub(super) rbm_stats: Option<(Arc<Vec<f32>>, Arc<Vec<f32>>)>,
    pub(super) rbm_walk: Option<RbmWalkView>,
    pub(super) landscape_cache: Option<(u64, Arc<Landscape>)>,
    pub(super) updates: usize,
    pub(super) curve: Vec<[f64; 2]>,
    pub(super) anneal: Option<(Vec<(f64, usize)>, usize)>,
    pub(super) histogram: Vec<u64>,
    pub(super) histogram_samples: u64,
    pub(super) tv_curve: Vec<[f64; 2]>,
    pub(super) exact_cache: Option<(f64, u64, Vec<(usize, f64, f64)>, f64)>,
    pub(super) weights_generation: u64,
    pub(super) measured_sps: f64,
    pub(super) sweep_credit: f64,
    pub(super) speed_window: Option<(Instant, f64)>,
    pub(super) events: Vec<Event>,
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
        let mut sim = Self {
            spec,
            rng,
            model,
            set,
            drawn: Vec::new(),
            temperature: 1.0,
            order: Order::Random,
            sweeps_per_sec_limit: Some(20.0),
            running: false,
            training: false,
            sweeps: 0.0,
            unit_cursor: 0,
            trace: Vec::new(),
            settings: LearningSettings::default(),
            negative_chains: Vec::new(),
            positive: None,
            negative: None,
            rbm_stats: None,
            rbm_walk: None,
            landscape_cache: None,
            updates: 0,
            curve: Vec::new(),
            anneal: None,
            histogram: Vec::new(),
            histogram_samples: 0,
            tv_curve: Vec::new(),
            exact_cache: None,
            weights_generation: 1,
            measured_sps: 0.0,
            sweep_credit: 0.0,
            speed_window: None,
            events: Vec::new(),
        };
        sim.reset_histogram();
        sim
    }

    /// The default opening scene: letters stored in a Hopfield net, a noisy letter on the grid.
    pub fn opening_scene() -> Result<Self, EngineError> {
        let mut sim = Self::new(ModelSpec::default())?;
        sim.temperature = 0.0;
        sim.apply(Command::ShowPattern(0))?;
        sim.apply(Command::AddNoise(0.2))?;
        Ok(sim)
    }

    /// Whether it runs continuously.
    pub fn is_running(&self) -> bool {
        self.running || self.training || self.anneal.is_some()
    }

    /// Takes the events raised since the last call.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    fn nv(&self) -> usize {
        self.set.width * self.set.height
    }

    fn scan(&self) -> ScanOrder {
        match self.order {
            Order::Sequential | Order::Synchronous => ScanOrder::Sequential,
            Order::Random => ScanOrder::Random,
        }
    }

    /// Applies one command. An error leaves the simulation as it was.
    pub fn apply(&mut self, command: Command) -> Result<(), EngineError> {
        match command {
            Command::SetModel(spec) => {
                let mut rng = SimRng::seed_from_u64(spec.seed);
                let grid = (self.set.width, self.set.height);
                let set = training_set(spec.source, &self.drawn, grid)?;
                if spec.source == TrainingSource::Drawn
                    && set.patterns.is_empty()
                    && spec.kind != ModelKind::Hopfield
                {
                    return Err(EngineError::BadParameter(
                        "the drawn training set is empty: draw a pattern and press “Store” first"
                            .into(),
                    ));
                }
                let model = build(&spec, &set, &mut rng)?;
                let generation = self.weights_generation + 1;
                *self = Self {
                    drawn: std::mem::take(&mut self.drawn),
                    temperature: self.temperature,
                    order: self.order,
                    sweeps_per_sec_limit: self.sweeps_per_sec_limit,
                    weights_generation: generation,
                    ..Self::from_parts(spec, rng, model, set)
                };
                self.reset_histogram();
            }
            Command::NewGrid { width, height } => {
                let units = width.saturating_mul(height);
                let limit = if self.spec.kind == ModelKind::Rbm {
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
                    ..self.spec.clone()
                };
                let set = PatternSet {
                    name: "Drawn".into(),
                    width,
                    height,
                    patterns: Vec::new(),
                };
                let mut rng = SimRng::seed_from_u64(spec.seed);
                let model = build(&spec, &set, &mut rng)?;
                let generation = self.weights_generation + 1;
                *self = Self {
                    temperature: self.temperature,
                    order: self.order,
                    sweeps_per_sec_limit: self.sweeps_per_sec_limit,
                    weights_generation: generation,
                    ..Self::from_parts(spec, rng, model, set)
                };
            }
            Command::SetTemperature(t) => {
                crate::engine::error::check_temperature(t)?;
                self.temperature = t;
                self.reset_histogram();
            }
            Command::Run => self.running = true,
            Command::Pause => {
                self.running = false;
                self.speed_window = None;
                self.measured_sps = 0.0;
                self.training = false;
                self.anneal = None;
            }
            Command::Step(n) => {
                for _ in 0..n {
                    self.sweep()?;
                }
            }
            Command::StepUnit => self.step_unit()?,
            Command::Draw(edits) => self.edit_visible(|v, _| {
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
            Command::Clear => self.edit_visible(|v, _| v.iter_mut().for_each(|x| *x = 0)),
            Command::Invert => self.edit_visible(|v, _| v.iter_mut().for_each(|x| *x = 1 - *x)),
            Command::FillRandom => self.edit_visible(|v, rng| {
                v.iter_mut().for_each(|x| *x = (rng.next_u64() >> 63) as u8)
            }),
            Command::AddNoise(fraction) => {
                if !(0.0..=1.0).contains(&fraction) {
                    return Err(EngineError::BadParameter(format!(
                        "noise must be between 0 and 1, got {fraction}"
                    )));
                }
                self.edit_visible(|v, rng| {
                    let mut idx: Vec<usize> = (0..v.len()).collect();
                    rng.shuffle(&mut idx);
                    let k = (fraction * v.len() as f64).round() as usize;
                    idx[..k].iter().for_each(|&i| v[i] = 1 - v[i]);
                });
            }
            Command::ShowPattern(k) => {
                let pattern = self.set.patterns.get(k).cloned().ok_or_else(|| {
                    EngineError::BadParameter(format!("there is no training pattern {}", k + 1))
                })?;
                self.edit_visible(|v, _| v.copy_from_slice(&pattern));
            }
            Command::StorePattern => {
                let state = self.visible_state();
                self.drawn.push(state.clone());
                if self.spec.source == TrainingSource::Drawn
                    || self.spec.kind == ModelKind::Hopfield
                {
                    let spec = ModelSpec {
                        source: TrainingSource::Drawn,
                        ..self.spec.clone()
                    };
                    if self.spec.source != TrainingSource::Drawn {
                        // Keep what the net already stores, plus the new drawing.
                        self.drawn = self
                            .set
                            .patterns
                            .iter()
                            .cloned()
                            .chain(std::iter::once(state.clone()))
                            .collect();
                    }
                    self.apply(Command::SetModel(spec))?;
                    self.edit_visible(|v, _| v.copy_from_slice(&state));
                }
            }
            Command::PositivePhase => self.positive_phase()?,
            Command::NegativePhase => self.negative_phase()?,
            Command::ApplyUpdate => self.apply_update()?,
            Command::Train(on) => {
                if on && self.set.patterns.is_empty() {
                    return Err(EngineError::EmptyData);
                }
                if on && self.spec.kind == ModelKind::Hopfield {
                    return Err(EngineError::BadParameter("a Hopfield net stores patterns in one shot; choose a Boltzmann machine or an RBM to train".into()));
                }
                self.training = on;
            }
            Command::SetLearningRate(eta) => {
                if !(eta.is_finite() && eta > 0.0) {
                    return Err(EngineError::BadParameter(format!(
                        "learning rate must be > 0, got {eta}"
                    )));
                }
                self.settings.learning_rate = eta;
            }
            Command::Anneal(schedule) => self.anneal = Some((schedule.steps()?, 0)),
            Command::SetOrder(order) => self.order = order,
            Command::SetSpeed(limit) => {
                if let Some(sps) = limit
                    && !(sps.is_finite() && sps > 0.0)
                {
                    return Err(EngineError::BadParameter(format!(
                        "sweeps per second must be > 0, got {sps}"
                    )));
                }
                self.sweeps_per_sec_limit = limit;
            }
            Command::Reset { seed } => {
                self.spec.seed = seed;
                self.rng = SimRng::seed_from_u64(seed);
                self.sweeps = 0.0;
                self.trace.clear();
                self.anneal = None;
                self.edit_visible(|v, rng| {
                    v.iter_mut().for_each(|x| *x = (rng.next_u64() >> 63) as u8)
                });
                self.reset_histogram();
            }
            Command::ClearTrace => self.trace.clear(),
            Command::Capture => self.events.push(Event::Captured(Box::new(self.to_saved()))),
            Command::Replace(sim) => {
                let generation = self.weights_generation + 1;
                *self = Self {
                    weights_generation: generation,
                    ..*sim
                };
                self.events.push(Event::Replaced("session loaded".into()));
            }
            Command::Import(imported) => {
                *self = self.with_imported(*imported)?;
                self.events.push(Event::Replaced("weights imported".into()));
            }
            Command::Quit => self.running = false,
        }
        Ok(())
    }

    fn visible_state(&self) -> Vec<u8> {
        let nv = self.nv();
        match &self.model {
            Model::Net(m) => m.chain.state()[..nv].to_vec(),
            Model::Rbm(m) => binary_row(&m.chains.visible),
        }
    }

    /// Edits the visible units of the main chain and copies the result to the T = 0 twin.
    fn edit_visible(&mut self, edit: impl FnOnce(&mut [u8], &mut SimRng)) {
        let mut visible = self.visible_state();
        edit(&mut visible, &mut self.rng);
        match &mut self.model {
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
        self.reset_histogram();
    }

    fn edit_clamps(&mut self, edit: impl FnOnce(&mut [bool])) {
        let nv = self.nv();
        match &mut self.model {
            Model::Net(m) => {
                let mut mask = m.chain.clamped().to_vec();
                edit(&mut mask[..nv]);
                // Lengths match by construction.
                let _ = m.chain.set_clamp_mask(mask.clone());
                let _ = m.twin.set_clamp_mask(mask);
            }
            Model::Rbm(m) => edit(&mut m.chains.clamped),
        }
    }

    fn sweep(&mut self) -> Result<(), EngineError> {
        let t = self.current_temperature()?;
        let scan = self.scan();
        let order = self.order;
        match &mut self.model {
            Model::Net(m) => {
                if order == Order::Synchronous {
                    synchronous_sweep(m, t, &mut self.rng);
                } else {
                    m.chain.sweep(&m.bm, t, scan, &mut self.rng)?;
                }
                m.twin
                    .sweep(&m.bm, 0.0, ScanOrder::Sequential, &mut self.rng)?;
            }
            Model::Rbm(m) => m.chains.step(&m.rbm, t as f32, &mut self.rng),
        }
        self.sweeps += 1.0;
        self.after_sweep();
        Ok(())
    }

    fn step_unit(&mut self) -> Result<(), EngineError> {
        let t = self.current_temperature()?;
        if let Model::Net(m) = &mut self.model {
            let n = m.bm.n();
            let i = if self.order == Order::Random {
                self.rng.below(n)
            } else {
                self.unit_cursor % n
            };
            self.unit_cursor = (self.unit_cursor + 1) % n;
            m.chain.update_unit(&m.bm, i, t, &mut self.rng);
            m.twin.update_unit(&m.bm, i, 0.0, &mut self.rng);
            self.sweeps += 1.0 / n as f64;
            self.after_sweep();
            Ok(())
        } else {
            self.sweep()
        }
    }

    fn current_temperature(&self) -> Result<f64, EngineError> {
        let t = match &self.anneal {
            Some((steps, done)) => {
                let mut left = *done;
                steps
                    .iter()
                    .find(|(_, n)| {
                        if left < *n {
                            true
                        } else {
                            left -= n;
                            false
                        }
                    })
                    .map_or(self.temperature, |s| s.0)
            }
            None => self.temperature,
        };
        crate::engine::error::check_temperature(t)?;
        Ok(t)
    }

    fn after_sweep(&mut self) {
        let (energy, descent_energy) = self.energies();
        self.trace.push(TracePoint {
            sweep: self.sweeps,
            energy,
            descent_energy,
        });
        if self.trace.len() > 20_000 {
            self.trace.drain(..10_000);
        }
        if let Some((steps, done)) = &mut self.anneal {
            *done += 1;
            if *done >= steps.iter().map(|s| s.1).sum::<usize>() {
                self.temperature = steps.last().map_or(self.temperature, |s| s.0);
                self.anneal = None;
                self.events
                    .push(Event::Stopped("annealing finished".into()));
            }
        }
        if let Model::Net(m) = &self.model
            && m.bm.n() <= MAX_DISTRIBUTION_UNITS
        {
            let idx = exact::index_of_pattern(m.chain.state());
            if let Some(c) = self.histogram.get_mut(idx) {
                *c += 1;
                self.histogram_samples += 1;
            }
        }
    }

    fn energies(&self) -> (f64, f64) {
        match &self.model {
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

    fn reset_histogram(&mut self) {
        let n = match &self.model {
            Model::Net(m) if m.bm.n() <= MAX_DISTRIBUTION_UNITS => m.bm.n(),
            _ => 0,
        };
        self.histogram = if n > 0 { vec![0; 1 << n] } else { Vec::new() };
        self.histogram_samples = 0;
        self.tv_curve.clear();
        self.exact_cache = None;
    }

    fn positive_phase(&mut self) -> Result<(), EngineError> {
        if self.set.patterns.is_empty() {
            return Err(EngineError::EmptyData);
        }
        match &mut self.model {
            Model::Net(m) => {
                let stats = learning::positive_phase(
                    &m.bm,
                    &self.set.patterns,
                    &self.settings.positive,
                    1.0,
                    &mut self.rng,
                )?;
                self.positive = Some(stats);
            }
            Model::Rbm(m) => {
                let batch = first_rows(&self.set.patterns, 20);
                let walk = cd_walk(
                    &m.rbm,
                    matrix_from_patterns(&batch)?,
                    m.trainer.config().cd_k,
                    &mut self.rng,
                );
                let pos = outer_mean(&walk.v0, &walk.h0_probs);
                let neg = outer_mean(&walk.vk, &walk.hk_probs);
                m.chains.visible.row_mut(0).assign(&walk.v0.row(0));
                self.rbm_stats = Some((Arc::new(pos), Arc::new(neg)));
                let first = |a: &ndarray::Array2<f32>| a.row(0).to_vec();
                self.rbm_walk = Some(RbmWalkView {
                    stage: 1,
                    k: m.trainer.config().cd_k,
                    v0: first(&walk.v0),
                    h0: first(&walk.h0_probs),
                    vk: first(&walk.vk_probs),
                    hk: first(&walk.hk_probs),
                });
            }
        }
        self.events.push(Event::PhaseDone("positive phase"));
        Ok(())
    }

    fn negative_phase(&mut self) -> Result<(), EngineError> {
        match &mut self.model {
            Model::Net(m) => {
                let stats = learning::negative_phase(
                    &m.bm,
                    &mut self.negative_chains,
                    &self.settings,
                    1.0,
                    &mut self.rng,
                )?;
                self.negative = Some(stats);
            }
            Model::Rbm(_) => {
                if self.rbm_stats.is_none() {
                    self.positive_phase()?;
                }
                if let Some(walk) = &mut self.rbm_walk {
                    walk.stage = 2;
                }
            }
        }
        self.events.push(Event::PhaseDone("negative phase"));
        Ok(())
    }

    fn apply_update(&mut self) -> Result<(), EngineError> {
        match &mut self.model {
            Model::Net(m) => {
                let (Some(pos), Some(neg)) = (&self.positive, &self.negative) else {
                    return Err(EngineError::BadParameter(
                        "run the positive and the negative phase before applying an update".into(),
                    ));
                };
                let update = learning::compute_update(&m.bm, pos, neg, &self.settings)?;
                learning::apply_update(&mut m.bm, &update)?;
                m.chain.refresh(&m.bm);
                m.twin.refresh(&m.bm);
            }
            Model::Rbm(m) => {
                let data = matrix_from_patterns(&first_rows(&self.set.patterns, 20))?;
                let config = crate::engine::rbm_train::RbmTrainConfig {
                    batch_size: data.nrows(),
                    ..m.trainer.config().clone()
                };
                let mut trainer = crate::engine::rbm_train::RbmTrainer::new(&m.rbm, config)?;
                trainer.train_epoch(&mut m.rbm, &data, &mut self.rng)?;
            }
        }
        self.updates += 1;
        self.weights_generation += 1;
        self.record_curve_point()?;
        self.reset_histogram();
        Ok(())
    }

    fn train_step(&mut self) -> Result<(), EngineError> {
        match &mut self.model {
            Model::Net(m) => {
                learning::learning_step(
                    &mut m.bm,
                    &self.set.patterns,
                    &mut self.negative_chains,
                    &self.settings,
                    &mut self.rng,
                )?;
                m.chain.refresh(&m.bm);
                m.twin.refresh(&m.bm);
            }
            Model::Rbm(m) => {
                let data = matrix_from_patterns(&self.set.patterns)?;
                m.trainer.train_epoch(&mut m.rbm, &data, &mut self.rng)?;
            }
        }
        self.updates += 1;
        self.weights_generation += 1;
        self.record_curve_point()
    }

    fn record_curve_point(&mut self) -> Result<(), EngineError> {
        let value = match &self.model {
            Model::Net(m) if m.bm.n() <= MAX_EXACT_CURVE_UNITS => {
                exact::kl_data_model(&m.bm, 1.0, &self.set.patterns)?
            }
            Model::Net(m) => {
                let total: f64 = self
                    .set
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
                total / self.set.patterns.len() as f64
            }
            Model::Rbm(m)
                if m.rbm.n_hidden() <= MAX_EXACT_CURVE_UNITS && self.updates.is_multiple_of(5) =>
            {
                exact::rbm_log_likelihood(&m.rbm, &self.set.patterns)?
            }
            Model::Rbm(m) if m.rbm.n_hidden() > MAX_EXACT_CURVE_UNITS => {
                reconstruction_error(&m.rbm, &matrix_from_patterns(&self.set.patterns)?)
            }
            Model::Rbm(_) => return Ok(()),
        };
        self.curve.push([self.updates as f64, value]);
        if self.curve.len() > MAX_CURVE_POINTS {
            self.curve.drain(..MAX_CURVE_POINTS / 2);
        }
        Ok(())
    }

    fn curve_label(&self) -> &'static str {
        match &self.model {
            Model::Net(m) if m.bm.n() <= MAX_EXACT_CURVE_UNITS => "exact KL(data || model), nats",
            Model::Net(_) => "one-step reconstruction error (visible, given the data)",
            Model::Rbm(m) if m.rbm.n_hidden() <= MAX_EXACT_CURVE_UNITS => {
                "exact log-likelihood per pattern, nats"
            }
            Model::Rbm(_) => "reconstruction error per pixel",
        }
    }

    /// Advances for about `budget` of wall time (or until the speed limit says stop).
    pub fn advance(&mut self, budget: Duration, since_last: Duration) -> Result<(), EngineError> {
        let start = Instant::now();
        if self.training {
            while start.elapsed() < budget {
                self.train_step()?;
                if matches!(self.model, Model::Rbm(_)) {
                    break;
                }
            }
            return Ok(());
        }
        // Sweeps are paid for with credit earned at the speed limit, so slow speeds still move.
        let mut allowed = match (self.sweeps_per_sec_limit, self.anneal.is_some()) {
            (Some(sps), false) => {
                self.sweep_credit =
                    (self.sweep_credit + sps * since_last.as_secs_f64()).min(sps * 0.1 + 1.0);
                self.sweep_credit
            }
            _ => f64::INFINITY,
        };
        while start.elapsed() < budget && allowed >= 1.0 {
            self.sweep()?;
            allowed -= 1.0;
            self.sweep_credit = (self.sweep_credit - 1.0).max(0.0);
            if !self.is_running() {
                break;
            }
        }
        let (window_start, sweeps_then) = *self.speed_window.get_or_insert((start, self.sweeps));
        let secs = window_start.elapsed().as_secs_f64();
        if secs >= 0.5 {
            self.measured_sps = (self.sweeps - sweeps_then) / secs;
            self.speed_window = Some((Instant::now(), self.sweeps));
        }
        Ok(())
    }

    /// The snapshot to publish; takes the trace gathered since the last one.
    pub fn snapshot(&mut self) -> Snapshot {
        let nv = self.nv();
        let t = self.current_temperature().unwrap_or(self.temperature);
        let p_on = |x: f64| -> f32 {
            if t == 0.0 {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    0.0
                } else {
                    0.5
                }
            } else {
                sigmoid(x / t) as f32
            }
        };
        let (energy, descent_energy) = self.energies();
        let mut snap = Snapshot {
            spec: self.spec.clone(),
            grid: (self.set.width, self.set.height),
            temperature: t,
            sweeps: self.sweeps,
            energy,
            descent_energy,
            new_trace: std::mem::take(&mut self.trace),
            sweeps_per_sec: self.measured_sps,
            running: self.is_running(),
            anneal: self.anneal.clone(),
            weights_generation: self.weights_generation,
            seed: self.spec.seed,
            ..Snapshot::default()
        };
        match &self.model {
            Model::Net(m) => {
                let n = m.bm.n();
                let s = m.chain.state();
                snap.visible = s[..nv].to_vec();
                snap.hidden = s[nv..].to_vec();
                snap.visible_input = m.chain.inputs()[..nv].iter().map(|&x| x as f32).collect();
                snap.visible_p_on = m.chain.inputs()[..nv].iter().map(|&x| p_on(x)).collect();
                snap.hidden_p_on = m.chain.inputs()[nv..].iter().map(|&x| p_on(x)).collect();
                snap.visible_bias = m.bm.biases()[..nv].iter().map(|&b| b as f32).collect();
                snap.clamped = m.chain.clamped()[..nv].to_vec();
                snap.descent_visible = m.twin.state()[..nv].to_vec();
                snap.hidden_grid = crate::engine::patterns::grid_for(n - nv);
                snap.weights = Arc::new(m.bm.weights().iter().map(|&w| w as f32).collect());
                snap.weights_shape = (n, n);
                snap.pattern_energies = self
                    .set
                    .patterns
                    .iter()
                    .map(|p| {
                        let mut s = p.clone();
                        s.resize(n, 0);
                        m.bm.energy(&s) + m.energy_offset
                    })
                    .collect();
                snap.spurious = self.spec.kind == ModelKind::Hopfield
                    && (0..n).all(|i| {
                        let x = m.chain.inputs()[i];
                        m.chain.clamped()[i] || x == 0.0 || (x > 0.0) == (s[i] == 1)
                    })
                    && !self.set.patterns.iter().any(|p| p.as_slice() == &s[..nv]);
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
        snap.distribution = self.exact_distribution(t);
        snap.landscape = self.landscape_view();
        snap.nearest = nearest_pattern(&self.set.patterns, &snap.visible);
        snap.descent_nearest = nearest_pattern(&self.set.patterns, &snap.descent_visible);
        snap.learning = self.learning_view();
        snap
    }

    fn learning_view(&self) -> LearningView {
        let (positive, negative, shape) = match (&self.model, &self.rbm_stats) {
            (Model::Rbm(m), Some((p, n))) => (
                Some(p.clone()),
                // Stepping: the reconstruction side shows once the negative phase is pressed.
                (self.rbm_walk.as_ref().is_none_or(|w| w.stage >= 2)).then(|| n.clone()),
                (m.rbm.n_visible(), m.rbm.n_hidden()),
            ),
            (Model::Net(m), _) => {
                let to32 = |s: &Option<PhaseStats>| {
                    s.as_ref()
                        .map(|s| Arc::new(s.pair.iter().map(|&x| x as f32).collect::<Vec<f32>>()))
                };
                (
                    to32(&self.positive),
                    to32(&self.negative),
                    (m.bm.n(), m.bm.n()),
                )
            }
            _ => (None, None, (0, 0)),
        };
        LearningView {
            positive,
            negative,
            shape,
            curve: self.curve.clone(),
            curve_label: self.curve_label().into(),
            updates: self.updates,
            learning_rate: self.settings.learning_rate,
            training_patterns: self.set.patterns.len(),
            training: self.training,
            rbm_walk: self.rbm_walk.clone(),
        }
    }

    /// The energy landscape of a small net (cached per weights) with where both chains are.
    fn landscape_view(&mut self) -> Option<LandscapeView> {
        let Model::Net(m) = &self.model else {
            return None;
        };
        if m.bm.n() > MAX_LANDSCAPE_UNITS {
            return None;
        }
        let stale = self
            .landscape_cache
            .as_ref()
            .is_none_or(|(g, _)| *g != self.weights_generation);
        if stale {
            let l = landscape(&m.bm).ok()?;
            self.landscape_cache = Some((self.weights_generation, Arc::new(l)));
        }
        let (_, l) = self.landscape_cache.as_ref()?;
        Some(LandscapeView {
            landscape: l.clone(),
            energy_offset: m.energy_offset,
            state: index_of(m.chain.state()),
            descent_state: index_of(m.twin.state()),
        })
    }

    fn exact_distribution(&mut self, t: f64) -> Option<DistributionView> {
        let Model::Net(m) = &self.model else {
            return None;
        };
        if m.bm.n() > MAX_DISTRIBUTION_UNITS || t <= 0.0 {
            return None;
        }
        let stale = !matches!(&self.exact_cache, Some((ct, generation, _, _)) if *ct == t && *generation == self.weights_generation);
        if stale {
            let p = exact::distribution(&m.bm, t).ok()?;
            let log_z = exact::log_partition(&m.bm, t).ok()?;
            let n = m.bm.n();
            let mut states: Vec<(usize, f64, f64)> = (0..p.len())
                .map(|idx| {
                    let s: Vec<u8> = (0..n).map(|i| (idx >> i & 1) as u8).collect();
                    (idx, m.bm.energy(&s), p[idx])
                })
                .collect();
            states.sort_by(|a, b| a.1.total_cmp(&b.1));
            self.exact_cache = Some((t, self.weights_generation, states, log_z));
        }
        let (_, _, states, log_z) = self.exact_cache.as_ref()?;
        let total = self.histogram_samples.max(1) as f64;
        let rows: Vec<(usize, f64, f64, f64)> = states
            .iter()
            .map(|&(idx, e, p)| (idx, e, p, self.histogram[idx] as f64 / total))
            .collect();
        let exact_p: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let sampled: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let tv = if self.histogram_samples == 0 {
            1.0
        } else {
            total_variation(&exact_p, &sampled)
        };
        if self.histogram_samples > 0 && self.tv_curve.last().is_none_or(|l| l[0] < self.sweeps) {
            self.tv_curve.push([self.sweeps, tv]);
            if self.tv_curve.len() > MAX_CURVE_POINTS {
                self.tv_curve.drain(..MAX_CURVE_POINTS / 2);
            }
        }
        Some(DistributionView {
            states: rows,
            log_z: *log_z,
            total_variation: tv,
            samples: self.histogram_samples,
            tv_curve: self.tv_curve.clone(),
        })
    }
}

fn synchronous_sweep(m: &mut super::model::NetModel, t: f64, rng: &mut SimRng) {
    let inputs = m.chain.inputs().to_vec();
    let state = m.chain.state().to_vec();
    for (i, x) in inputs.into_iter().enumerate() {
        if m.chain.clamped()[i] {
            continue;
        }
        let new = if t == 0.0 {
            if x > 0.0 {
                1
            } else if x < 0.0 {
                0
            } else {
                state[i]
            }
        } else {
            u8::from(rng.uniform() < sigmoid(x / t))
        };
        m.chain.set_unit(&m.bm, i, new);
    }
}

/// The 0/1 states of the first chain in a matrix of 0.0/1.0 values.
fn binary_row(states: &ndarray::Array2<f32>) -> Vec<u8> {
    states.row(0).iter().map(|&x| u8::from(x > 0.5)).collect()
}

fn first_rows(patterns: &[Vec<u8>], k: usize) -> Vec<Vec<u8>> {
    patterns.iter().take(k).cloned().collect()
}

fn outer_mean(a: &ndarray::Array2<f32>, b: &ndarray::Array2<f32>) -> Vec<f32> {
    let m = a.t().dot(b) / a.nrows().max(1) as f32;
    m.iter().copied().collect()
}

/// The stored pattern with the largest overlap m = (1/N) Σ ξᵢσᵢ (spins) and that overlap.
pub fn nearest_pattern(patterns: &[Vec<u8>], state: &[u8]) -> Option<(usize, f64)> {
    patterns
        .iter()
        .enumerate()
        .filter(|(_, p)| p.len() == state.len())
        .map(|(k, p)| {
            let agree = p.iter().zip(state).filter(|(a, b)| a == b).count() as f64;
            (k, 2.0 * agree / state.len().max(1) as f64 - 1.0)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}
