//! The example sessions shipped in `assets/sessions/`, built deterministically from fixed
//! seeds: `boltzviz write-examples --out assets/sessions` regenerates them.

use crate::engine::boltzmann::Chain;
use crate::engine::learning::{LearningSettings, PhaseSettings, learning_step};
use crate::engine::patterns;
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::engine::{EngineError, SimRng};
use crate::persist::{PersistError, save_session};
use crate::sim::model::Model;
use crate::sim::protocol::{Command, ModelKind, ModelSpec, TrainingSource};
use crate::sim::{SavedSimulation, Simulation};
use std::path::Path;

/// The examples: (file name, menu label, builder).
pub const EXAMPLES: [(&str, &str, fn() -> Result<SavedSimulation, EngineError>); 3] = [
    (
        "letters-hopfield.ron",
        "Letters in a Hopfield net",
        letters_hopfield,
    ),
    ("digits-rbm.ron", "An RBM trained on the digits", digits_rbm),
    (
        "parity-boltzmann.ron",
        "Hidden units that learned parity",
        parity_boltzmann,
    ),
];

/// Writes every example into `dir`.
pub fn write_examples(dir: &Path) -> Result<(), PersistError> {
    std::fs::create_dir_all(dir).map_err(|error| PersistError::Write {
        path: dir.to_owned(),
        error,
    })?;
    for (name, _, build) in EXAMPLES {
        save_session(&dir.join(name), &build()?)?;
    }
    Ok(())
}

/// The opening scene: five letters stored in a Hopfield net, a noisy T on the grid, T = 0.
pub fn letters_hopfield() -> Result<SavedSimulation, EngineError> {
    Ok(Simulation::opening_scene()?.to_saved())
}

/// A 64 × 16 RBM after 100 epochs of CD-1 on the 1500 digits, a half-erased digit clamped.
pub fn digits_rbm() -> Result<SavedSimulation, EngineError> {
    let spec = ModelSpec {
        kind: ModelKind::Rbm,
        source: TrainingSource::Digits,
        hidden: 16,
        seed: 3,
        ..ModelSpec::default()
    };
    let mut sim = Simulation::new(spec)?;
    let mut saved = sim.to_saved();
    let Model::Rbm(m) = &mut saved.model else {
        return Err(EngineError::BadParameter("expected an RBM".into()));
    };
    let data = matrix_from_patterns(&saved.training_set.patterns)?;
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
    m.trainer = trainer;
    sim = Simulation::from_saved(saved)?;
    sim.apply(Command::ShowPattern(0))?;
    sim.apply(Command::SetTemperature(1.0))?;
    Ok(sim.to_saved())
}

/// A Boltzmann machine with 3 visible and 4 hidden units after learning 3-bit parity (which no
/// visible-only machine can model).
pub fn parity_boltzmann() -> Result<SavedSimulation, EngineError> {
    let spec = ModelSpec {
        kind: ModelKind::Boltzmann,
        source: TrainingSource::Parity,
        hidden: 4,
        seed: 17,
        ..ModelSpec::default()
    };
    let mut saved = Simulation::new(spec)?.to_saved();
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
    let Model::Net(m) = &mut saved.model else {
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
    saved.learning = settings;
    saved.negative_chains = chains;
    saved.updates = 3000;
    let mut sim = Simulation::from_saved(saved)?;
    sim.apply(Command::SetTemperature(1.0))?;
    Ok(sim.to_saved())
}
