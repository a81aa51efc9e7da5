//! The networks the simulation owns, built from a [`ModelSpec`].

use super::protocol::{ModelKind, ModelSpec, TrainingSource};
use crate::engine::boltzmann::{BoltzmannMachine, Chain, Connectivity};
use crate::engine::hopfield::Hopfield;
use crate::engine::patterns::{self, PatternSet};
use crate::engine::rbm::{Rbm, RbmChains};
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::engine::spins::{bm_from_hopfield, spins_from_bits};
use crate::engine::{EngineError, SimRng};
use serde::{Deserialize, Serialize};

/// Hidden units above this are refused (the window could not show them usefully).
pub const MAX_HIDDEN: usize = 2_000;

/// A general net (Hopfield or Boltzmann machine) with its sampled chain and the T = 0 twin
/// that starts from the same state (Hopfield beside Boltzmann).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NetModel {
    /// The machine (a Hopfield net is held as its equivalent Boltzmann machine).
    pub bm: BoltzmannMachine,
    /// The chain sampled at the slider's T.
    pub chain: Chain,
    /// The chain updated deterministically (T = 0).
    pub twin: Chain,
    /// `E_H = E_BM + offset` for a Hopfield net (0 for a Boltzmann machine).
    pub energy_offset: f64,
}

/// An RBM with one display chain and its trainer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RbmModel {
    /// The machine.
    pub rbm: Rbm,
    /// The chain shown on screen (one row).
    pub chains: RbmChains,
    /// The trainer.
    pub trainer: RbmTrainer,
}

/// Whichever model is on screen.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Model {
    /// Hopfield or Boltzmann machine.
    Net(NetModel),
    /// RBM.
    Rbm(RbmModel),
}

/// The training patterns of a source (drawn patterns passed in).
pub fn training_set(
    source: TrainingSource,
    drawn: &[Vec<u8>],
    grid: (usize, usize),
) -> Result<PatternSet, EngineError> {
    Ok(match source {
        TrainingSource::Letters => patterns::letters(),
        TrainingSource::Digits => patterns::digits()?,
        TrainingSource::BarsAndStripes => patterns::bars_and_stripes(4),
        TrainingSource::Parity => patterns::parity(3),
        TrainingSource::Drawn => PatternSet {
            name: "Drawn".into(),
            width: grid.0,
            height: grid.1,
            patterns: drawn.to_vec(),
        },
    })
}

/// Builds the model of `spec` for `set`.
pub fn build(spec: &ModelSpec, set: &PatternSet, rng: &mut SimRng) -> Result<Model, EngineError> {
    let nv = set.width * set.height;
    if spec.hidden > MAX_HIDDEN {
        return Err(EngineError::BadParameter(format!(
            "{} hidden units is too many (at most {MAX_HIDDEN})",
            spec.hidden
        )));
    }
    match spec.kind {
        ModelKind::Hopfield => {
            let spins: Vec<Vec<i8>> = set.patterns.iter().map(|p| spins_from_bits(p)).collect();
            let net = Hopfield::store(nv, &spins, spec.rule)?;
            let (bm, energy_offset) = bm_from_hopfield(&net)?;
            Ok(Model::Net(net_model(bm, energy_offset, rng)))
        }
        ModelKind::Boltzmann => {
            let bm = BoltzmannMachine::random(nv, spec.hidden, Connectivity::Full, 0.05, 0.0, rng)?;
            Ok(Model::Net(net_model(bm, 0.0, rng)))
        }
        ModelKind::Rbm => {
            let hidden = spec.hidden.max(1);
            let mut rbm = Rbm::random(nv, hidden, 0.01, rng)?;
            if !set.patterns.is_empty() {
                rbm.set_visible_bias_from_data(&matrix_from_patterns(&set.patterns)?);
            }
            Ok(Model::Rbm(rbm_model(rbm, rng)?))
        }
    }
}

/// An RBM with a random display chain and a fresh trainer (η = 0.1, momentum 0.5).
pub fn rbm_model(rbm: Rbm, rng: &mut SimRng) -> Result<RbmModel, EngineError> {
    let chains = RbmChains::random(&rbm, 1, rng);
    let config = RbmTrainConfig {
        learning_rate: 0.1,
        momentum: 0.5,
        ..RbmTrainConfig::default()
    };
    let trainer = RbmTrainer::new(&rbm, config)?;
    Ok(RbmModel {
        rbm,
        chains,
        trainer,
    })
}

/// A general net with a random chain and its T = 0 twin in the same state.
pub fn net_model(bm: BoltzmannMachine, energy_offset: f64, rng: &mut SimRng) -> NetModel {
    let chain = Chain::random(&bm, rng);
    let twin = chain.clone();
    NetModel {
        bm,
        chain,
        twin,
        energy_offset,
    }
}

/// A network read from a weights file, to replace the one on screen.
#[derive(Clone, Debug)]
pub enum ImportedModel {
    /// An RBM.
    Rbm(Rbm),
    /// A general Boltzmann machine.
    Boltzmann(BoltzmannMachine),
}
