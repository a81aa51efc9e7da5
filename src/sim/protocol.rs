//! The messages that cross between the UI and the simulation thread.

use crate::engine::anneal::Schedule;
pub use crate::engine::boltzmann::UpdateOrder;
use crate::engine::hopfield::HopfieldRule;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which kind of network is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ModelKind {
    /// ±1 Hopfield net storing patterns (run as a Boltzmann machine on converted weights).
    #[default]
    Hopfield,
    /// A fully connected Boltzmann machine with hidden units.
    Boltzmann,
    /// A restricted Boltzmann machine.
    Rbm,
}

/// Where training patterns come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TrainingSource {
    /// The built-in 10×10 letters.
    #[default]
    Letters,
    /// The bundled 8×8 digits.
    Digits,
    /// Bars and stripes on a 4×4 grid.
    BarsAndStripes,
    /// 3-bit parity (a job for hidden units).
    Parity,
    /// Patterns the person stored from the grid.
    Drawn,
}

/// Everything needed to build a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// The kind.
    pub kind: ModelKind,
    /// The training set (also fixes the visible grid's shape).
    pub source: TrainingSource,
    /// Hidden units (Boltzmann, RBM).
    pub hidden: usize,
    /// Hopfield storage rule.
    pub rule: HopfieldRule,
    /// The seed of the whole run.
    pub seed: u64,
}

impl Default for ModelSpec {
    fn default() -> Self {
        Self {
            kind: ModelKind::Hopfield,
            source: TrainingSource::Letters,
            hidden: 16,
            rule: HopfieldRule::Hebbian,
            seed: 1,
        }
    }
}

/// A single-unit update as it happened: unit i, its input xᵢ, P(on) and the value it took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitStep {
    /// The unit.
    pub unit: usize,
    /// Its input xᵢ = Σⱼ wᵢⱼ sⱼ + bᵢ before the update.
    pub input: f64,
    /// P(sᵢ = 1) = σ(xᵢ / T) at that moment (the T = 0 step with its tie rule at T = 0).
    pub p_on: f64,
    /// The value it took.
    pub value: u8,
}

/// An annealing schedule being run: its (T, sweeps) steps and the sweeps done so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    from = "(Vec<(f64, usize)>, usize)",
    into = "(Vec<(f64, usize)>, usize)"
)]
pub struct AnnealProgress {
    /// (T, sweeps at T), in order.
    pub steps: Vec<(f64, usize)>,
    /// Sweeps done within the schedule.
    pub done: usize,
}

impl From<(Vec<(f64, usize)>, usize)> for AnnealProgress {
    fn from((steps, done): (Vec<(f64, usize)>, usize)) -> Self {
        Self { steps, done }
    }
}

impl From<AnnealProgress> for (Vec<(f64, usize)>, usize) {
    fn from(p: AnnealProgress) -> Self {
        (p.steps, p.done)
    }
}

impl AnnealProgress {
    /// Sweeps in the whole schedule.
    pub fn total_sweeps(&self) -> usize {
        self.steps.iter().map(|s| s.1).sum()
    }

    /// The temperature of the step the schedule is in (None once it is through).
    pub fn temperature(&self) -> Option<f64> {
        let mut left = self.done;
        self.steps.iter().find_map(|&(t, n)| {
            if left < n {
                Some(t)
            } else {
                left -= n;
                None
            }
        })
    }
}

/// A command from the UI.
#[derive(Clone, Debug)]
pub enum Command {
    /// Build a new model (discarding the current one).
    SetModel(ModelSpec),
    /// A blank visible grid of this size for drawing your own patterns (same kind of model).
    NewGrid {
        /// Columns.
        width: usize,
        /// Rows.
        height: usize,
    },
    /// Temperature (≥ 0).
    SetTemperature(f64),
    /// Run continuously.
    Run,
    /// Stop running.
    Pause,
    /// n sweeps.
    Step(usize),
    /// One single-unit update.
    StepUnit,
    /// Set visible units: (index, value).
    Draw(Vec<(usize, u8)>),
    /// Set the clamp flag of visible units: (index, clamped).
    SetClamp(Vec<(usize, bool)>),
    /// Clamp every visible unit that is on.
    ClampDrawn,
    /// Release every clamp.
    ReleaseAll,
    /// Visible units all off.
    Clear,
    /// Flip every visible unit.
    Invert,
    /// Random visible state.
    FillRandom,
    /// Flip this fraction of visible units.
    AddNoise(f64),
    /// Load the k-th training pattern onto the grid.
    ShowPattern(usize),
    /// Add the grid to the training set (Hopfield: store it).
    StorePattern,
    /// Boltzmann learning: collect ⟨sᵢsⱼ⟩⁺.
    PositivePhase,
    /// Collect ⟨sᵢsⱼ⟩⁻.
    NegativePhase,
    /// W += η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻).
    ApplyUpdate,
    /// Train continuously (true) or stop (false).
    Train(bool),
    /// Learning rate η.
    SetLearningRate(f64),
    /// The annealing schedule that [`Command::Anneal`] runs (checked when set).
    SetSchedule(Schedule),
    /// Run the annealing schedule in the settings.
    Anneal,
    /// Gibbs steps k of an RBM's CD-k (1 to 100).
    SetCdK(usize),
    /// One of an RBM's learning rules (PCD, momentum, decay, rate schedule, sparsity).
    SetRbmRule(super::rbm_rules::RbmRule),
    /// Held-out patterns for an RBM's learning curve, as wide as the visible layer (empty:
    /// none).
    SetValidation(Vec<Vec<u8>>),
    /// How an RBM's training estimates its gradient: CD-k, PCD-k or exact (small RBMs).
    SetTrainingRule(super::rule_runs::TrainingRule),
    /// An RBM's weights back to where its first rule run started (the runs' curves stay).
    RestartRuleRun,
    /// Update order.
    SetOrder(UpdateOrder),
    /// Parallel tempering on with these settings, or off (None).
    SetTempering(Option<super::tempering::TemperingSettings>),
    /// Sweeps per second (None: as fast as possible).
    SetSpeed(Option<f64>),
    /// Reset states and counters with a new seed (the model stays).
    Reset {
        /// The seed.
        seed: u64,
    },
    /// Forget the energy trace.
    ClearTrace,
    /// Whether the Gradient panel is on screen. Its comparison (the exact gradient by
    /// enumeration and three estimates over the whole training set, about 15 ms for the digits
    /// RBM) is computed only while it is: a view-only request, not an edit.
    WatchGradient(bool),
    /// Send the state to save ([`Event::Captured`]).
    Capture,
    /// Replace everything with a simulation loaded from a file (already checked).
    Replace(Box<super::Simulation>),
    /// Replace the network with one read from a weights file.
    Import(Box<super::model::ImportedModel>),
    /// Go back to the state before the last edit.
    Undo,
    /// Go forward again after an undo.
    Redo,
    /// Stop the thread.
    Quit,
    /// For tests of the thread's panic guard: panic at `site` (at once, at the next advance, or
    /// at the next snapshot). Never sent by the app.
    #[doc(hidden)]
    InjectFault(FaultSite),
}

/// Where [`Command::InjectFault`] makes the simulation panic.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultSite {
    /// Inside `apply`, at once.
    Apply,
    /// Inside the next `advance`.
    Advance,
    /// Inside the next `snapshot`.
    Snapshot,
}

/// A step of Boltzmann learning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// ⟨sᵢsⱼ⟩⁺ collected with the data clamped.
    Positive,
    /// ⟨sᵢsⱼ⟩⁻ collected running free.
    Negative,
    /// W moved by η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻).
    Update,
}

impl Phase {
    /// How the status bar names it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Positive => "positive phase",
            Phase::Negative => "negative phase",
            Phase::Update => "learning update",
        }
    }
}

/// Why the simulation stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The person paused it.
    Paused,
    /// An annealing schedule ran to its end.
    AnnealFinished,
}

/// What replaced the session on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// A whole session (a file, an example, a lesson's scene).
    Session,
    /// The network, from a weights file.
    Weights,
}

/// Something that happened, sent once and never dropped.
#[derive(Clone, Debug)]
pub enum Event {
    /// A command failed; the simulation is unchanged.
    Failed(String),
    /// A learning phase finished.
    PhaseDone(Phase),
    /// The simulation stopped running.
    Stopped(StopReason),
    /// The state to save, as asked by [`Command::Capture`].
    Captured(Box<super::SavedSimulation>),
    /// The whole simulation or its network was replaced.
    Replaced(Replacement),
}

/// What the person (or a command) did at a point of the energy trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceMark {
    /// Where the trace starts: a new model, a loaded session, a reset.
    Start,
    /// Units drawn on the grid.
    Drawn,
    /// Clamps set or released.
    Clamped,
    /// Noise added.
    Noise,
    /// A stored pattern put on the grid.
    Pattern,
    /// Cleared, inverted or filled at random.
    Edited,
    /// The weights changed (learning, a stored pattern).
    Weights,
}

impl TraceMark {
    /// The legend's words for it.
    pub fn label(self) -> &'static str {
        match self {
            TraceMark::Start => "start",
            TraceMark::Drawn => "drawn",
            TraceMark::Clamped => "clamped",
            TraceMark::Noise => "noise added",
            TraceMark::Pattern => "pattern shown",
            TraceMark::Edited => "grid edited",
            TraceMark::Weights => "weights changed",
        }
    }
}

/// A sample of the energy trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TracePoint {
    /// Sweeps so far (fractional within a sweep).
    pub sweep: f64,
    /// Energy of the main network.
    pub energy: f64,
    /// Energy of the T = 0 (Hopfield) twin.
    pub descent_energy: f64,
    /// Set where an edit happened (not after a plain sweep).
    pub mark: Option<TraceMark>,
}

/// Statistics of learning, shown as heatmaps.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LearningView {
    /// ⟨sᵢsⱼ⟩⁺ (rows × cols).
    pub positive: Option<Arc<Vec<f32>>>,
    /// ⟨sᵢsⱼ⟩⁻.
    pub negative: Option<Arc<Vec<f32>>>,
    /// Shape of the statistics matrices (rows, cols).
    pub shape: (usize, usize),
    /// The learning curve: (step, value).
    pub curve: Vec<[f64; 2]>,
    /// What the curve measures.
    pub curve_label: String,
    /// Learning updates applied.
    pub updates: usize,
    /// η.
    pub learning_rate: f64,
    /// Training patterns.
    pub training_patterns: usize,
    /// Whether continuous training is on.
    pub training: bool,
    /// Learning updates per second while training.
    pub updates_per_sec: f64,
    /// An RBM's CD-k walk for the first training pattern, when stepped through the phases.
    pub rbm_walk: Option<RbmWalkView>,
    /// The held-out learning curve (update, value), measured with `curve`.
    pub validation_curve: Vec<[f64; 2]>,
    /// Held-out patterns loaded (0: none).
    pub validation_patterns: usize,
    /// An RBM trainer's epochs done (the momentum switch and rate schedule count these).
    pub epoch: usize,
    /// An RBM's learning rate and momentum at the current epoch, after schedule and switch.
    pub current_rates: Option<(f64, f64)>,
    /// An RBM's Gibbs steps a mini-batch at the current epoch (k, or k' after its switch).
    pub current_cd_k: Option<usize>,
}

/// One CD-k walk of an RBM, shown as four small images: data → hidden → reconstruction →
/// hidden.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RbmWalkView {
    /// 1 after the positive phase (data side), 2 after the negative phase (both sides).
    pub stage: u8,
    /// Gibbs steps k.
    pub k: usize,
    /// The data v₀.
    pub v0: Vec<f32>,
    /// P(h = 1 | v₀).
    pub h0: Vec<f32>,
    /// P(v = 1 | hₖ₋₁), the reconstruction after k steps.
    pub vk: Vec<f32>,
    /// P(h = 1 | vₖ).
    pub hk: Vec<f32>,
}

/// One state of a small net in the distribution view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StateRow {
    /// The state's index (bit i is unit i).
    pub index: usize,
    /// E(s).
    pub energy: f64,
    /// The exact P(s) = e^(−E/T) / Z.
    pub exact: f64,
    /// The fraction of samples that were s.
    pub sampled: f64,
}

/// The exact Boltzmann distribution of a small net beside the sampled histogram.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DistributionView {
    /// Every state, ordered by energy.
    pub states: Vec<StateRow>,
    /// log Z at the current T.
    pub log_z: f64,
    /// Total-variation distance between exact and sampled.
    pub total_variation: f64,
    /// Samples in the histogram.
    pub samples: u64,
    /// (sweeps, TV) since the histogram was reset.
    pub tv_curve: Vec<[f64; 2]>,
    /// The i.i.d. floor beside it: (sweeps, mean TV of as many independent exact draws).
    pub floor_mean: Vec<[f64; 2]>,
    /// (sweeps, low end of the floor's 99 % band).
    pub floor_low: Vec<[f64; 2]>,
    /// (sweeps, high end of the floor's 99 % band).
    pub floor_high: Vec<[f64; 2]>,
    /// τ_int, ESS and the floor now (None until there are a few samples).
    pub mixing: Option<super::mixing_tracker::MixingView>,
}

/// Every state of a small net with its energy and basin, and where the chains are.
#[derive(Clone, Debug, PartialEq)]
pub struct LandscapeView {
    /// Energies (of the 0/1 machine), minima and basins.
    pub landscape: Arc<crate::engine::landscape::Landscape>,
    /// Added to each energy for display (a Hopfield net's spin energy).
    pub energy_offset: f64,
    /// The sampled chain's state index.
    pub state: usize,
    /// The T = 0 twin's state index.
    pub descent_state: usize,
}

/// Every setting of the session, as the simulation holds it. Each control draws its value from
/// here and sends a [`Command`] to change it; the UI keeps no copy.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The kind of network.
    pub kind: ModelKind,
    /// Where the training patterns came from.
    pub source: TrainingSource,
    /// The pattern set's own name (e.g. "Letters", "Drawn", "Imported").
    pub pattern_set: String,
    /// Hopfield storage rule.
    pub rule: HopfieldRule,
    /// Hidden units the network has (0 for a Hopfield net).
    pub hidden: usize,
    /// Visible grid (columns, rows).
    pub grid: (usize, usize),
    /// The seed of the run (Reset starts from it).
    pub seed: u64,
    /// The temperature set (annealing may be using another one right now: see
    /// [`Snapshot::temperature`]).
    pub temperature: f64,
    /// Update order.
    pub order: UpdateOrder,
    /// Sweeps per second (None: as fast as possible).
    pub speed: Option<f64>,
    /// Learning rate η of whichever learning applies (Boltzmann learning or the RBM trainer).
    pub learning_rate: f64,
    /// Gibbs steps k of an RBM's CD-k.
    pub cd_k: usize,
    /// How an RBM's training estimates its gradient.
    pub rbm_rule: super::rule_runs::TrainingRule,
    /// The annealing schedule.
    pub schedule: Schedule,
    /// An RBM trainer's settings, every learning rule among them (None for other models).
    pub rbm_training: Option<crate::engine::rbm_train::RbmTrainConfig>,
    /// Parallel tempering (None: off).
    pub tempering: Option<super::tempering::TemperingSettings>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            kind: ModelKind::Hopfield,
            source: TrainingSource::Letters,
            pattern_set: String::new(),
            rule: HopfieldRule::Hebbian,
            hidden: 0,
            grid: (0, 0),
            seed: 1,
            temperature: 0.0,
            order: UpdateOrder::Random,
            speed: Some(20.0),
            learning_rate: 0.05,
            cd_k: 1,
            rbm_rule: Default::default(),
            schedule: Schedule::default(),
            rbm_training: None,
            tempering: None,
        }
    }
}

/// What the UI draws: the latest state of everything on screen.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Every setting of the session (the model's kind, grid, hidden units and seed among
    /// them).
    pub settings: Settings,
    /// Hidden grid width and height (0 if none).
    pub hidden_grid: (usize, usize),
    /// Visible states (0/1).
    pub visible: Vec<u8>,
    /// P(on) of each visible unit at the current T.
    pub visible_p_on: Vec<f32>,
    /// Input xᵢ of each visible unit.
    pub visible_input: Vec<f32>,
    /// Bias of each visible unit.
    pub visible_bias: Vec<f32>,
    /// Clamp mask over visible units.
    pub clamped: Vec<bool>,
    /// Hidden states.
    pub hidden: Vec<u8>,
    /// P(on) of each hidden unit.
    pub hidden_p_on: Vec<f32>,
    /// State of the T = 0 twin (Hopfield beside Boltzmann), visible units.
    pub descent_visible: Vec<u8>,
    /// Temperature.
    pub temperature: f64,
    /// Sweeps done.
    pub sweeps: f64,
    /// Energy now.
    pub energy: f64,
    /// Energy of the T = 0 twin.
    pub descent_energy: f64,
    /// Energies of the stored/training patterns (reference lines).
    pub pattern_energies: Vec<f64>,
    /// Trace since the last snapshot.
    pub new_trace: Vec<TracePoint>,
    /// Bumped whenever the trace starts afresh (new model, loaded session, reset): the UI
    /// drops what it kept of the old one.
    pub trace_generation: u64,
    /// The unit the last single-unit step updated, with its input x and P(on) at that moment.
    pub last_unit: Option<UnitStep>,
    /// Nearest stored pattern, its overlap m ∈ [−1, 1], and whether the state is spurious.
    pub nearest: Option<(usize, f64)>,
    /// The state is a fixed point at T = 0 that is no stored pattern.
    pub spurious: bool,
    /// No unit would change under a T = 0 update (a Hopfield net or Boltzmann machine).
    pub fixed_point: bool,
    /// Overlap of the descent twin with its nearest pattern.
    pub descent_nearest: Option<(usize, f64)>,
    /// Sweeps per second measured.
    pub sweeps_per_sec: f64,
    /// Running?
    pub running: bool,
    /// An edit can be undone.
    pub can_undo: bool,
    /// An undone edit can be redone.
    pub can_redo: bool,
    /// An annealing schedule in progress.
    pub anneal: Option<AnnealProgress>,
    /// Weights as a matrix (rows × cols) with a generation number.
    pub weights: Arc<Vec<f32>>,
    /// Shape of `weights`.
    pub weights_shape: (usize, usize),
    /// Bumped when the weights change.
    pub weights_generation: u64,
    /// Learning statistics.
    pub learning: LearningView,
    /// Exact distribution view (small nets only).
    pub distribution: Option<DistributionView>,
    /// The energy landscape (nets of at most 12 units).
    pub landscape: Option<LandscapeView>,
    /// An RBM's exact gradient beside its CD and PCD estimates (while watched).
    pub gradient: Option<super::gradient::GradientView>,
    /// Whether the Gradient panel's comparison is being computed ([`Command::WatchGradient`]).
    pub gradient_watched: bool,
    /// The tempering ladder, when tempering is on.
    pub tempering: Option<super::tempering::TemperingView>,
}
