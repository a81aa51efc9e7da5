//! The example sessions shipped in `assets/sessions/`, built deterministically from fixed
//! seeds: `boltzviz write-examples --out assets/sessions` regenerates them.

use crate::engine::boltzmann::Chain;
use crate::engine::learning::{LearningSettings, PhaseSettings, learning_step};
use crate::engine::patterns;
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::engine::{EngineError, SimRng};
use crate::persist::{PersistError, save_session};
use crate::sim::model::{ImportedModel, Model};
use crate::sim::protocol::{Command, ModelKind, ModelSpec, TrainingSource};
use crate::sim::{SavedSimulation, Simulation};
use std::path::Path;

/// A function that builds a shipped session from fixed seeds.
pub type Builder = fn() -> Result<SavedSimulation, EngineError>;

/// The examples' builders, by file name (labels and texts: [`crate::persist::shipped`]).
pub const EXAMPLES: [(&str, Builder); 3] = [
    ("letters-hopfield.ron", letters_hopfield),
    ("digits-rbm.ron", digits_rbm),
    ("parity-boltzmann.ron", parity_boltzmann),
];

/// Writes every example into `dir`.
pub fn write_examples(dir: &Path) -> Result<(), PersistError> {
    write_all(dir, EXAMPLES.iter().copied())
}

/// Builds each session and saves it as `dir/name`.
fn write_all<'a>(
    dir: &Path,
    builds: impl Iterator<Item = (&'a str, Builder)>,
) -> Result<(), PersistError> {
    std::fs::create_dir_all(dir).map_err(|error| PersistError::Write {
        path: dir.to_owned(),
        error,
    })?;
    for (name, build) in builds {
        save_session(&dir.join(name), &build()?)?;
    }
    Ok(())
}

/// The opening scene: four letters (A, T, X, L) stored in a Hopfield net, a noisy A on the grid, T = 0.
pub fn letters_hopfield() -> Result<SavedSimulation, EngineError> {
    Ok(Simulation::opening_scene()?.to_saved())
}

/// A 64 × 16 RBM after 100 epochs of CD-1 on the 1500 digits, a half-erased digit clamped.
pub fn digits_rbm() -> Result<SavedSimulation, EngineError> {
    let mut saved = untrained(ModelKind::Rbm, TrainingSource::Digits, (16, 3), [])?;
    let Model::Rbm(m) = &mut saved.core.model else {
        return Err(EngineError::BadParameter("expected an RBM".into()));
    };
    let data = matrix_from_patterns(&saved.core.training_set.patterns)?;
    let config = RbmTrainConfig {
        learning_rate: 0.05,
        momentum: 0.5,
        ..RbmTrainConfig::default()
    };
    let mut trainer = RbmTrainer::new(&m.rbm, config)?;
    let mut rng = SimRng::seed_from_u64(3);
    for _ in 0..100 {
        trainer.train_epoch(&mut m.rbm, &data, &mut rng)?;
    }
    // The app counts those epochs as its updates, with the curve's point where they end.
    let log_likelihood = crate::engine::rbm_exact::mean_log_likelihood(&m.rbm, data.view())?;
    m.trainer = trainer;
    saved.learning.updates = 100;
    saved.learning.curve = vec![[100.0, log_likelihood]];
    let mut sim = Simulation::from_saved(saved)?;
    sim.apply(Command::ShowPattern(0))?;
    sim.apply(Command::SetTemperature(1.0))?;
    Ok(sim.to_saved())
}

/// A Boltzmann machine with 3 visible and 4 hidden units after learning 3-bit parity (which no
/// visible-only machine can model).
pub fn parity_boltzmann() -> Result<SavedSimulation, EngineError> {
    let mut saved = untrained(ModelKind::Boltzmann, TrainingSource::Parity, (4, 17), [])?;
    let phase = PhaseSettings {
        burn_in: 3,
        sample_sweeps: 20,
        ..PhaseSettings::default()
    };
    let mut settings = LearningSettings {
        learning_rate: 0.3,
        weight_decay: 0.0,
        positive: phase.clone(),
        negative: phase,
        persistent: true,
        negative_chains: 20,
    };
    let Model::Net(m) = &mut saved.core.model else {
        return Err(EngineError::BadParameter(
            "expected a Boltzmann machine".into(),
        ));
    };
    let data = patterns::parity(3).patterns;
    let mut rng = SimRng::seed_from_u64(17);
    let mut chains: Vec<Chain> = Vec::new();
    for step in 0..3000 {
        if step == 2000 {
            settings.learning_rate = 0.03;
        }
        learning_step(&mut m.bm, &data, &mut chains, &settings, &mut rng)?;
    }
    m.chain.refresh(&m.bm);
    m.twin.refresh(&m.bm);
    saved.learning.settings = settings;
    saved.learning.negative_chains = chains;
    saved.learning.updates = 3000;
    let mut sim = Simulation::from_saved(saved)?;
    sim.apply(Command::SetTemperature(1.0))?;
    Ok(sim.to_saved())
}

/// The lessons' scenes: (file name, builder), shipped in `assets/lessons/`.
pub const LESSON_SCENES: [(&str, Builder); 8] = [
    ("1-energy-and-recall.ron", lesson_recall),
    ("2-spurious-and-capacity.ron", lesson_capacity),
    ("3-temperature.ron", lesson_temperature),
    ("4-escaping-minima.ron", lesson_escape),
    ("5-hidden-units.ron", lesson_hidden_units),
    ("6-rbm.ron", lesson_rbm),
    ("7-mixing.ron", lesson_mixing),
    ("8-how-good-is-cd.ron", lesson_cd),
];

/// Writes every lesson scene into `dir`.
pub fn write_lessons(dir: &Path) -> Result<(), PersistError> {
    write_all(dir, LESSON_SCENES.iter().copied())
}

/// Three letters in a Hopfield net; a corrupted T on the grid; T = 0, slow enough to watch.
fn lesson_recall() -> Result<SavedSimulation, EngineError> {
    let letters = patterns::letters();
    let set = patterns::PatternSet {
        name: "Three letters".into(),
        patterns: letters.patterns[..3].to_vec(),
        ..letters
    };
    stored(
        set,
        11,
        [
            Command::ShowPattern(2),
            Command::SetTemperature(0.0),
            Command::SetSpeed(Some(4.0)),
        ],
    )
}

/// A Hebbian Hopfield net storing `set` (seed `seed`), after `commands`.
fn stored(
    set: patterns::PatternSet,
    seed: u64,
    commands: impl IntoIterator<Item = Command>,
) -> Result<SavedSimulation, EngineError> {
    let spec = ModelSpec {
        source: TrainingSource::Drawn,
        seed,
        ..ModelSpec::default()
    };
    let mut rng = SimRng::seed_from_u64(spec.seed);
    let model = crate::sim::model::build(&spec, &set, &mut rng)?;
    let mut sim = Simulation::from_model(spec, model, set)?;
    for c in commands {
        sim.apply(c)?;
    }
    Ok(sim.to_saved())
}

/// The five letters, C included, in a Hebbian Hopfield net: spurious states on purpose, then
/// more patterns and the capacity sweep.
fn lesson_capacity() -> Result<SavedSimulation, EngineError> {
    // All five letters: C and L overlap so much that Hebbian recall finds mixtures.
    stored(
        patterns::crowded_letters(),
        ModelSpec::default().seed,
        [
            Command::SetTemperature(0.0),
            Command::ShowPattern(0),
            Command::AddNoise(0.2),
            Command::SetSpeed(Some(10.0)),
        ],
    )
}

/// The parity Boltzmann machine (7 units: small enough for the exact distribution) at T = 0.5.
fn lesson_temperature() -> Result<SavedSimulation, EngineError> {
    let mut sim = Simulation::from_saved(parity_boltzmann()?)?;
    sim.apply(Command::SetTemperature(0.5))?;
    sim.apply(Command::SetSpeed(None))?;
    Ok(sim.to_saved())
}

/// The seed of lesson 7's chain: it falls into the all-off mode (P = ¼) and stays there.
pub const MIXING_SEED: u64 = 3;

/// The two-mode net (10 units; all-on 3× as likely as all-off at T = 1, a barrier of ~24
/// between) at T = 1, as fast as possible, from a random state: one Gibbs chain stays in the
/// mode it falls into.
fn lesson_mixing() -> Result<SavedSimulation, EngineError> {
    let bm = crate::engine::two_modes::two_mode_net()?;
    let mut sim = Simulation::opening_scene()?;
    sim.apply(Command::Import(Box::new(ImportedModel::Boltzmann(bm))))?;
    sim.apply(Command::SetTemperature(crate::engine::two_modes::TARGET_T))?;
    sim.apply(Command::SetSpeed(None))?;
    sim.apply(Command::Reset { seed: MIXING_SEED })?;
    Ok(sim.to_saved())
}

/// The seed of lesson 4's spin glass: one where T = 0 descent from the start stalls in a
/// valley that annealing with the app's default schedule gets below.
pub const ESCAPE_SEED: u64 = 12;

/// A 6 × 6 spin glass (random symmetric weights, many valleys) from a random state at T = 0.
fn lesson_escape() -> Result<SavedSimulation, EngineError> {
    spin_glass(ESCAPE_SEED)
}

/// A 6 × 6 Boltzmann machine with N(0, 1) weights and no biases, from seed `seed`.
pub fn spin_glass(seed: u64) -> Result<SavedSimulation, EngineError> {
    let spec = ModelSpec {
        kind: ModelKind::Boltzmann,
        source: TrainingSource::Drawn,
        hidden: 0,
        seed,
        ..ModelSpec::default()
    };
    let mut rng = SimRng::seed_from_u64(seed);
    let bm = crate::engine::boltzmann::BoltzmannMachine::random(
        36,
        0,
        crate::engine::boltzmann::Connectivity::Full,
        1.0,
        0.0,
        &mut rng,
    )?;
    let set = patterns::PatternSet {
        name: "Spin glass".into(),
        width: 6,
        height: 6,
        patterns: Vec::new(),
    };
    let model = Model::Net(crate::sim::model::net_model(bm, 0.0, &mut rng));
    let mut sim = Simulation::from_model(spec, model, set)?;
    sim.apply(Command::SetTemperature(0.0))?;
    sim.apply(Command::SetSpeed(Some(30.0)))?;
    Ok(sim.to_saved())
}

/// An untrained Boltzmann machine with 4 hidden units for 3-bit parity, η = 0.3.
fn lesson_hidden_units() -> Result<SavedSimulation, EngineError> {
    untrained(
        ModelKind::Boltzmann,
        TrainingSource::Parity,
        (4, 17),
        [Command::SetLearningRate(0.3), Command::SetTemperature(1.0)],
    )
}

/// An untrained 64 × 16 RBM on the digits.
fn lesson_rbm() -> Result<SavedSimulation, EngineError> {
    untrained(
        ModelKind::Rbm,
        TrainingSource::Digits,
        (16, 6),
        [Command::ShowPattern(0), Command::SetTemperature(1.0)],
    )
}

/// An untrained 16 × 8 RBM on 4 × 4 bars and stripes, η = 0.3: small enough (2⁸ hidden states)
/// for the exact gradient, with CD-1 as its rule.
fn lesson_cd() -> Result<SavedSimulation, EngineError> {
    untrained(
        ModelKind::Rbm,
        TrainingSource::BarsAndStripes,
        (8, 3),
        [
            Command::SetLearningRate(0.3),
            Command::ShowPattern(0),
            Command::SetTemperature(1.0),
        ],
    )
}

/// A new model of `kind` on `source` with (hidden units, seed), after `commands`.
fn untrained(
    kind: ModelKind,
    source: TrainingSource,
    (hidden, seed): (usize, u64),
    commands: impl IntoIterator<Item = Command>,
) -> Result<SavedSimulation, EngineError> {
    let spec = ModelSpec {
        kind,
        source,
        hidden,
        seed,
        ..ModelSpec::default()
    };
    let mut sim = Simulation::new(spec)?;
    for c in commands {
        sim.apply(c)?;
    }
    Ok(sim.to_saved())
}
