//! The inputs both fuzzers start from: every session the app ships, the version-1 files it
//! still reads, and sessions built here in code that hold what the shipped ones do not (clamped
//! units, an annealing schedule half run, learning statistics waiting to be applied, an RBM's
//! CD statistics), one of each model kind; the weights of each as JSON; and 0/1 data.
//!
//! Mutants of a file that already holds a state are far more likely to load and reach the
//! code that runs that state than mutants of an empty one, hence the built sessions.

use boltzviz::engine::EngineError;
use boltzviz::engine::anneal::Schedule;
use boltzviz::engine::patterns::{self, DIGITS_TEXT, format_patterns};
use boltzviz::persist::interchange::{bm_to_json, rbm_to_json};
use boltzviz::persist::{session_from_str, session_to_string, shipped};
use boltzviz::sim::model::Model;
use boltzviz::sim::protocol::{TrainingSource, UpdateOrder};
use boltzviz::sim::{Command, ModelKind, ModelSpec, Simulation};
use std::time::Duration;

/// One seed input.
#[derive(Clone, Debug)]
pub struct Seed {
    /// Where it came from, for reports and corpus file names.
    pub name: String,
    /// Its text.
    pub text: String,
}

fn seed(name: &str, text: impl Into<String>) -> Seed {
    Seed {
        name: name.into(),
        text: text.into(),
    }
}

/// A simulation of `kind` on `source`, seeded.
fn new_sim(
    kind: ModelKind,
    source: TrainingSource,
    hidden: usize,
    seed: u64,
) -> Result<Simulation, EngineError> {
    Simulation::new(ModelSpec {
        kind,
        source,
        hidden,
        seed,
        ..ModelSpec::default()
    })
}

/// Applies each command; any refusal is an error (a seed must hold what it says it holds).
fn apply_all(sim: &mut Simulation, commands: Vec<Command>) -> Result<(), EngineError> {
    commands.into_iter().try_for_each(|c| sim.apply(c))
}

/// One step of continuous training, as the worker runs it.
fn train_once(sim: &mut Simulation) -> Result<(), EngineError> {
    sim.apply(Command::Train(true))?;
    sim.advance(Duration::from_millis(1), Duration::from_millis(50))?;
    sim.apply(Command::Train(false))
}

/// A geometric schedule of `steps` temperatures, `sweeps` each, started and a few sweeps in.
fn annealing(steps: usize, sweeps: usize, done: usize) -> Vec<Command> {
    vec![
        Command::SetSchedule(Schedule::Geometric {
            t_start: 4.0,
            t_end: 0.1,
            steps,
            sweeps,
        }),
        Command::Anneal,
        Command::Step(done),
    ]
}

/// Sessions built in code, one per model kind and more (see the module docs). Each is
/// paused mid-way: clamps set, an annealing run in progress, learning statistics collected.
pub fn built_sessions() -> Result<Vec<(String, Simulation)>, EngineError> {
    let mut out = Vec::new();

    // A 4 × 3 Hopfield net on two drawn patterns: small enough for the exact distribution and
    // the landscape views, so the snapshot runs them too.
    let mut hopfield = new_sim(ModelKind::Hopfield, TrainingSource::Letters, 0, 3)?;
    let mut commands = vec![
        Command::NewGrid {
            width: 4,
            height: 3,
        },
        Command::Draw(vec![(0, 1), (1, 1), (5, 1), (6, 1), (10, 1)]),
        Command::StorePattern,
        Command::Clear,
        Command::Draw(vec![(2, 1), (3, 1), (7, 1), (8, 1)]),
        Command::StorePattern,
        Command::SetClamp(vec![(0, true), (4, true)]),
        Command::SetTemperature(0.7),
        Command::PositivePhase,
        Command::NegativePhase,
    ];
    commands.extend(annealing(5, 3, 4));
    apply_all(&mut hopfield, commands)?;
    out.push(("built-hopfield-drawn".into(), hopfield));

    // Parity with hidden units: stepped learning, an update applied and the next phases
    // collected but not applied, sequential unit steps part-way through the net.
    let mut parity = new_sim(ModelKind::Boltzmann, TrainingSource::Parity, 3, 11)?;
    let commands = vec![
        Command::SetClamp(vec![(1, true)]),
        Command::PositivePhase,
        Command::NegativePhase,
        Command::ApplyUpdate,
        Command::PositivePhase,
        Command::NegativePhase,
        Command::SetOrder(UpdateOrder::Sequential),
        Command::StepUnit,
        Command::StepUnit,
        Command::SetSchedule(Schedule::Linear {
            t_start: 3.0,
            t_end: 0.2,
            steps: 4,
            sweeps: 2,
        }),
        Command::Anneal,
        Command::Step(3),
        Command::SetSpeed(Some(7.5)),
    ];
    apply_all(&mut parity, commands)?;
    out.push(("built-boltzmann-parity".into(), parity));

    // Bars and stripes with hidden units, after continuous training.
    let mut bars = new_sim(ModelKind::Boltzmann, TrainingSource::BarsAndStripes, 4, 12)?;
    train_once(&mut bars)?;
    let mut commands = vec![
        Command::SetClamp(vec![(0, true), (5, true), (15, true)]),
        Command::PositivePhase,
        Command::NegativePhase,
    ];
    commands.extend(annealing(6, 2, 5));
    apply_all(&mut bars, commands)?;
    out.push(("built-boltzmann-bars".into(), bars));

    // An RBM with CD-2: trained, then stepped to the positive phase (its statistics held).
    let mut rbm = new_sim(ModelKind::Rbm, TrainingSource::BarsAndStripes, 6, 13)?;
    apply_all(&mut rbm, vec![Command::SetCdK(2)])?;
    train_once(&mut rbm)?;
    let commands = vec![
        Command::SetClamp(vec![(0, true), (3, true)]),
        Command::PositivePhase,
        Command::NegativePhase,
        Command::ApplyUpdate,
        Command::PositivePhase,
        Command::SetSchedule(Schedule::Steps(vec![(2.0, 3), (0.5, 4), (0.0, 2)])),
        Command::Anneal,
        Command::Step(3),
        Command::SetTemperature(0.8),
    ];
    apply_all(&mut rbm, commands)?;
    out.push(("built-rbm-bars".into(), rbm));

    // An RBM on a 3 × 3 grid of drawn patterns (few visible units: the exact views run).
    let mut drawn = new_sim(ModelKind::Rbm, TrainingSource::Letters, 2, 14)?;
    let mut commands = vec![
        Command::NewGrid {
            width: 3,
            height: 3,
        },
        Command::Draw(vec![(0, 1), (4, 1), (8, 1)]),
        Command::StorePattern,
        Command::Clear,
        Command::Draw(vec![(2, 1), (4, 1), (6, 1)]),
        Command::StorePattern,
        Command::SetClamp(vec![(4, true)]),
        Command::PositivePhase,
        Command::NegativePhase,
    ];
    commands.extend(annealing(3, 2, 1));
    apply_all(&mut drawn, commands)?;
    out.push(("built-rbm-drawn".into(), drawn));
    Ok(out)
}

/// Every session seed: the shipped examples and lesson scenes, the version-1 fixtures, and
/// [`built_sessions`] saved.
pub fn session_seeds() -> Result<Vec<Seed>, EngineError> {
    let mut out: Vec<Seed> = shipped::EXAMPLES
        .iter()
        .chain(&shipped::LESSON_SCENES)
        .map(|s| seed(s.file, s.text))
        .collect();
    out.push(seed(
        "v1-parity-boltzmann.ron",
        include_str!("../fixtures/v1-parity-boltzmann.ron"),
    ));
    out.push(seed(
        "v1-hidden-units.ron",
        include_str!("../fixtures/v1-hidden-units.ron"),
    ));
    for (name, sim) in built_sessions()? {
        let text = session_to_string(&sim.to_saved())
            .map_err(|e| EngineError::BadParameter(format!("{name}: {e}")))?;
        out.push(seed(&format!("{name}.ron"), text));
    }
    Ok(out)
}

/// The weights of every session seed as JSON (both kinds of file), plus the broken weights
/// files of `tests/broken` (one edit away from loading).
pub fn weights_seeds(sessions: &[Seed]) -> Vec<Seed> {
    let mut out: Vec<Seed> = sessions
        .iter()
        .filter_map(|s| {
            let sim = session_from_str(&s.text).ok()?;
            let json = match sim.model() {
                Model::Net(m) => bm_to_json(&m.bm),
                Model::Rbm(m) => rbm_to_json(&m.rbm),
            };
            Some(seed(&s.name.replace(".ron", ".json"), json))
        })
        .collect();
    out.push(seed(
        "broken-rbm-wrong-rows.json",
        include_str!("../broken/rbm-wrong-rows.json"),
    ));
    out.push(seed(
        "broken-bm-asymmetric.json",
        include_str!("../broken/bm-asymmetric.json"),
    ));
    out.push(seed(
        "small-bm.json",
        r#"{"n": 2, "n_visible": 1, "W": [[0, 0.5], [0.5, 0]], "b": [0.1, -0.1]}"#,
    ));
    out
}

/// 0/1 data: the built-in sets written as text, the first digits, and files with comments,
/// blank lines, spaces between values and Windows line ends (all allowed).
pub fn pattern_seeds() -> Vec<Seed> {
    let digits: String = DIGITS_TEXT
        .lines()
        .take(40)
        .map(|l| format!("{l}\n"))
        .collect();
    vec![
        seed(
            "letters.txt",
            format_patterns(&patterns::letters().patterns),
        ),
        seed(
            "bars-and-stripes.txt",
            format_patterns(&patterns::bars_and_stripes(4).patterns),
        ),
        seed("parity.txt", format_patterns(&patterns::parity(3).patterns)),
        seed("digits-40.txt", digits),
        seed(
            "commented.txt",
            "# three patterns\n\n0 1 0 1\n1 0 1 0\n\n# last\n1 1 0 0\n",
        ),
        seed("crlf.txt", "0110\r\n1001\r\n1111\r\n"),
    ]
}
