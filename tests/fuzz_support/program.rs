//! Load, then run, then save and load again: what a person does with a file after opening it,
//! as one program that both fuzzers put every accepted input through.
//!
//! A reader that accepts a file promises more than "no panic while parsing": the simulation it
//! built must survive everything the app does next (publish a snapshot, sweep, step a unit,
//! learn, train, anneal) and must save to a file that loads again to the same text. Most bugs
//! a loader lets through only show up there (a chain with no rows is read fine and panics on
//! the first snapshot), so an accepted input is run, not just parsed.
//!
//! Errors from commands are fine (a refused command leaves the simulation as it was); what is
//! not fine is reported as a [`Problem`]: a session that cannot be saved, a saved session that
//! is refused or reads back differently, or a NaN on screen. Panics, hangs and allocations are
//! watched by whoever calls (see `tests/fuzz_harness`), helped by [`enter`], which records the
//! step being run so a crash names it.

use boltzviz::engine::SimRng;
use boltzviz::engine::hopfield::HopfieldRule;
use boltzviz::engine::patterns::{PatternSet, parse_patterns};
use boltzviz::persist::interchange::model_from_json;
use boltzviz::persist::{session_from_str, session_to_string};
use boltzviz::sim::model::build;
use boltzviz::sim::protocol::TrainingSource;
use boltzviz::sim::saved::squarest_grid;
use boltzviz::sim::{Command, ModelKind, ModelSpec, Simulation, Snapshot};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A step of the program, recorded before it runs so that a panic, a hang or a refused
/// allocation can say where it happened (read without allocating: see [`current_stage`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Between cases.
    Idle,
    /// Reading the text (session, weights or 0/1 data).
    Load,
    /// Replacing a running simulation's network by imported weights.
    Import,
    /// Building a model on parsed 0/1 data, as `boltzviz train` does.
    BuildOnData,
    /// Checking that model against its data, as a loaded session is checked.
    FromModel,
    /// Reading the same data through a file (`cli::data::read_data`).
    ReadDataFile,
    /// The first snapshot, right after loading.
    FirstSnapshot,
    /// Saving what was loaded.
    SaveLoaded,
    /// Loading that save again.
    ReloadLoaded,
    /// A few sweeps.
    Sweeps,
    /// Single-unit steps.
    UnitSteps,
    /// The positive phase of learning.
    PositivePhase,
    /// The negative phase of learning.
    NegativePhase,
    /// A learning update.
    ApplyUpdate,
    /// Continuous training, one step of it.
    Train,
    /// Starting the annealing schedule and sweeping through it.
    Anneal,
    /// A snapshot after the run.
    Snapshot,
    /// Saving after the run.
    SaveRun,
    /// Loading that save again.
    ReloadRun,
}

impl Stage {
    /// Every stage, in the order of its `usize` value.
    const ALL: [Stage; 19] = [
        Stage::Idle,
        Stage::Load,
        Stage::Import,
        Stage::BuildOnData,
        Stage::FromModel,
        Stage::ReadDataFile,
        Stage::FirstSnapshot,
        Stage::SaveLoaded,
        Stage::ReloadLoaded,
        Stage::Sweeps,
        Stage::UnitSteps,
        Stage::PositivePhase,
        Stage::NegativePhase,
        Stage::ApplyUpdate,
        Stage::Train,
        Stage::Anneal,
        Stage::Snapshot,
        Stage::SaveRun,
        Stage::ReloadRun,
    ];

    /// How a report names it.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Idle => "idle",
            Stage::Load => "load",
            Stage::Import => "import weights into a running simulation",
            Stage::BuildOnData => "build a model on the data",
            Stage::FromModel => "check the model against the data",
            Stage::ReadDataFile => "read the data through a file",
            Stage::FirstSnapshot => "first snapshot after loading",
            Stage::SaveLoaded => "save as loaded",
            Stage::ReloadLoaded => "reload what was saved as loaded",
            Stage::Sweeps => "Step(3) sweeps (+ snapshot)",
            Stage::UnitSteps => "StepUnit x5 (+ snapshot)",
            Stage::PositivePhase => "PositivePhase (+ snapshot)",
            Stage::NegativePhase => "NegativePhase (+ snapshot)",
            Stage::ApplyUpdate => "ApplyUpdate (+ snapshot)",
            Stage::Train => "Train(true), advance, Train(false) (+ snapshot)",
            Stage::Anneal => "Anneal, advance, Step(2) (+ snapshot)",
            Stage::Snapshot => "snapshot after the run",
            Stage::SaveRun => "save after the run",
            Stage::ReloadRun => "reload what was saved after the run",
        }
    }
}

/// The stage being run, as an index into [`Stage::ALL`]: one word, so an allocator or a
/// watchdog on another thread can read it without taking a lock or allocating.
static STAGE: AtomicUsize = AtomicUsize::new(0);

/// Records that `stage` starts now.
pub fn enter(stage: Stage) {
    STAGE.store(stage as usize, Ordering::Relaxed);
}

/// The stage last entered (on any thread: one case runs at a time).
pub fn current_stage() -> Stage {
    Stage::ALL
        .get(STAGE.load(Ordering::Relaxed))
        .copied()
        .unwrap_or(Stage::Idle)
}

/// Something wrong that is not a crash: the program went on, but broke a promise.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Where.
    pub stage: Stage,
    /// What, in words.
    pub message: String,
}

/// What happened to an input that broke no promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The reader refused it (with a message; that is its job).
    Refused,
    /// It loaded and the whole program ran on it.
    Ran,
}

fn problem(stage: Stage, message: impl Into<String>) -> Problem {
    Problem {
        stage,
        message: message.into(),
    }
}

/// A session file's text: loaded, then run (see [`exercise`]).
pub fn run_session_text(text: &str) -> Result<Outcome, Problem> {
    enter(Stage::Load);
    let Ok(sim) = session_from_str(text) else {
        return Ok(Outcome::Refused);
    };
    exercise(sim)?;
    Ok(Outcome::Ran)
}

/// The simulations a weights file is imported into: one of each kind, so an import crosses
/// kinds (RBM weights into a Hopfield net and the other way) as often as not.
pub fn import_bases() -> Vec<Simulation> {
    let spec = |kind, source, hidden| ModelSpec {
        kind,
        source,
        hidden,
        rule: HopfieldRule::Hebbian,
        seed: 5,
    };
    [
        spec(ModelKind::Hopfield, TrainingSource::Letters, 0),
        spec(ModelKind::Boltzmann, TrainingSource::Parity, 2),
        spec(ModelKind::Rbm, TrainingSource::BarsAndStripes, 4),
    ]
    .into_iter()
    .filter_map(|s| Simulation::new(s).ok())
    .collect()
}

/// A weights file's text: read, imported into `base` (a running simulation), then run.
pub fn run_weights_text(text: &str, base: &Simulation) -> Result<Outcome, Problem> {
    enter(Stage::Load);
    let Ok(model) = model_from_json(text) else {
        return Ok(Outcome::Refused);
    };
    enter(Stage::Import);
    let mut sim = base.clone();
    if sim.apply(Command::Import(Box::new(model))).is_err() {
        return Ok(Outcome::Refused);
    }
    exercise(sim)?;
    Ok(Outcome::Ran)
}

/// 0/1 data: parsed, then a model of `kind` built on it as `boltzviz train` does (the data
/// as the training set on the squarest grid, as `cli::data::read_data` lays it), then run.
pub fn run_patterns_text(text: &str, kind: ModelKind) -> Result<Outcome, Problem> {
    enter(Stage::Load);
    let Ok(patterns) = parse_patterns(text) else {
        return Ok(Outcome::Refused);
    };
    let units = patterns.first().map_or(0, Vec::len);
    let (width, height) = squarest_grid(units);
    let set = PatternSet {
        name: "fuzz".into(),
        width,
        height,
        patterns,
    };
    let spec = ModelSpec {
        kind,
        source: TrainingSource::Drawn,
        hidden: if kind == ModelKind::Hopfield { 0 } else { 3 },
        rule: HopfieldRule::Hebbian,
        seed: 9,
    };
    enter(Stage::BuildOnData);
    let Ok(model) = build(&spec, &set, &mut SimRng::seed_from_u64(9)) else {
        return Ok(Outcome::Refused);
    };
    // `boltzviz train` builds on data of any width, and that is tested above. Running,
    // saving and loading grow with the n² weights of a net, so beyond a few hundred units
    // they are slow by size, which is not what this looks for: run nets a person could draw.
    let limit = match kind {
        ModelKind::Rbm => MAX_RUN_RBM_UNITS,
        _ => MAX_RUN_NET_UNITS,
    };
    if units > limit {
        return Ok(Outcome::Refused);
    }
    enter(Stage::FromModel);
    let Ok(sim) = Simulation::from_model(spec, model, set) else {
        return Ok(Outcome::Refused);
    };
    exercise(sim)?;
    Ok(Outcome::Ran)
}

/// The largest net built on data that is also run (a 16 × 16 grid; 1 000-unit nets take
/// about a second of CPU for the program's saves and loads alone).
pub const MAX_RUN_NET_UNITS: usize = 256;
/// The largest RBM visible layer built on data that is also run (28 × 28 digits).
pub const MAX_RUN_RBM_UNITS: usize = 784;

/// Everything the app does with a simulation it loaded: snapshots between every step (the
/// worker publishes one a frame), sweeps, unit steps, both phases and an update, a training
/// step, an annealing run, and a save that must load again to the same text, both as loaded
/// and after the run.
pub fn exercise(mut sim: Simulation) -> Result<(), Problem> {
    enter(Stage::FirstSnapshot);
    check_snapshot(&sim.snapshot(), Stage::FirstSnapshot)?;
    round_trip(&sim, Stage::SaveLoaded, Stage::ReloadLoaded)?;
    let steps = [
        (Stage::Sweeps, Command::Step(3), 1),
        (Stage::UnitSteps, Command::StepUnit, 5),
        (Stage::PositivePhase, Command::PositivePhase, 1),
        (Stage::NegativePhase, Command::NegativePhase, 1),
        (Stage::ApplyUpdate, Command::ApplyUpdate, 1),
    ];
    for (stage, command, times) in steps {
        enter(stage);
        for _ in 0..times {
            // A refused command is the simulation's answer, not a failure.
            let _ = sim.apply(command.clone());
        }
        check_snapshot(&sim.snapshot(), stage)?;
    }
    enter(Stage::Train);
    if sim.apply(Command::Train(true)).is_ok() {
        // A short budget: one RBM epoch, or a few Boltzmann learning steps.
        let _ = sim.advance(Duration::from_millis(5), Duration::from_millis(50));
        let _ = sim.apply(Command::Train(false));
    }
    check_snapshot(&sim.snapshot(), Stage::Train)?;
    enter(Stage::Anneal);
    if sim.apply(Command::Anneal).is_ok() {
        let _ = sim.advance(Duration::from_millis(5), Duration::from_millis(100));
        let _ = sim.apply(Command::Step(2));
    }
    check_snapshot(&sim.snapshot(), Stage::Anneal)?;
    enter(Stage::Snapshot);
    check_snapshot(&sim.snapshot(), Stage::Snapshot)?;
    round_trip(&sim, Stage::SaveRun, Stage::ReloadRun)
}

/// Saves `sim`, loads the text again and saves that: a session the app wrote must load, and
/// must read back as exactly what was written (the session round trip of the house style).
fn round_trip(sim: &Simulation, save: Stage, reload: Stage) -> Result<(), Problem> {
    enter(save);
    let text = session_to_string(&sim.to_saved())
        .map_err(|e| problem(save, format!("the session cannot be saved: {e}")))?;
    enter(reload);
    let again = session_from_str(&text).map_err(|e| {
        problem(
            reload,
            format!("the session the app just saved is refused: {e}"),
        )
    })?;
    let text_again = session_to_string(&again.to_saved())
        .map_err(|e| problem(reload, format!("the reloaded session cannot be saved: {e}")))?;
    if text_again != text {
        let line = text
            .lines()
            .zip(text_again.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        return Err(problem(
            reload,
            format!(
                "the reloaded session saves differently from line {}: {:?} became {:?}",
                line + 1,
                text.lines().nth(line).unwrap_or_default(),
                text_again.lines().nth(line).unwrap_or_default(),
            ),
        ));
    }
    Ok(())
}

/// What the screen shows must be numbers: a NaN energy or probability means the loader let
/// through something the maths cannot run on (huge weights, a chain with no rows).
fn check_snapshot(snap: &Snapshot, stage: Stage) -> Result<(), Problem> {
    let nan_in = |values: &[f32]| values.iter().any(|x| x.is_nan());
    let found = if snap.energy.is_nan() {
        Some("the energy")
    } else if snap.descent_energy.is_nan() {
        Some("the T = 0 twin's energy")
    } else if nan_in(&snap.visible_p_on) {
        Some("a visible unit's P(on)")
    } else if nan_in(&snap.hidden_p_on) {
        Some("a hidden unit's P(on)")
    } else if snap.temperature.is_nan() {
        Some("the temperature")
    } else {
        None
    };
    match found {
        Some(what) => Err(problem(stage, format!("the snapshot shows NaN as {what}"))),
        None => Ok(()),
    }
}
