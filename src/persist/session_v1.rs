//! Reading version-1 session files, whose simulation was one flat record (before the state
//! was split into [`SessionCore`], [`LearningState`] and the pace). Only reading: this build
//! writes version 2.

use crate::engine::SimRng;
use crate::engine::anneal::Schedule;
use crate::engine::boltzmann::{Chain, UpdateOrder};
use crate::engine::learning::{LearningSettings, PhaseStats};
use crate::engine::patterns::PatternSet;
use crate::sim::learner::{LearningState, RbmStatistics};
use crate::sim::model::Model;
use crate::sim::protocol::{AnnealProgress, ModelSpec};
use crate::sim::saved::{SavedSimulation, SessionCore};
use crate::sim::simulation::default_schedule;
use serde::Deserialize;
use std::sync::Arc;

/// A version-1 session file.
#[derive(Deserialize)]
#[serde(rename = "SessionFile")]
pub(super) struct SessionFileV1 {
    pub simulation: SavedSimulationV1,
}

/// The flat simulation record of version 1, field for field.
#[derive(Deserialize)]
#[serde(rename = "SavedSimulation")]
pub(super) struct SavedSimulationV1 {
    spec: ModelSpec,
    rng: SimRng,
    model: Model,
    training_set: PatternSet,
    drawn: Vec<Vec<u8>>,
    temperature: f64,
    order: UpdateOrder,
    sweeps_per_sec_limit: Option<f64>,
    sweeps: f64,
    unit_cursor: usize,
    learning: LearningSettings,
    negative_chains: Vec<Chain>,
    positive: Option<PhaseStats>,
    negative: Option<PhaseStats>,
    #[serde(default)]
    rbm_statistics: Option<(Vec<f32>, Vec<f32>)>,
    updates: usize,
    curve: Vec<[f64; 2]>,
    anneal: Option<AnnealProgress>,
    #[serde(default = "default_schedule")]
    schedule: Schedule,
}

impl From<SavedSimulationV1> for SavedSimulation {
    fn from(v1: SavedSimulationV1) -> Self {
        SavedSimulation {
            core: SessionCore {
                spec: v1.spec,
                rng: v1.rng,
                model: v1.model,
                training_set: v1.training_set,
                drawn: v1.drawn,
                temperature: v1.temperature,
                order: v1.order,
                sweeps: v1.sweeps,
                unit_cursor: v1.unit_cursor,
                anneal: v1.anneal,
                schedule: v1.schedule,
                tempering: None,
            },
            learning: LearningState {
                settings: v1.learning,
                negative_chains: v1.negative_chains,
                positive: v1.positive,
                negative: v1.negative,
                rbm_statistics: v1
                    .rbm_statistics
                    .map(|(data, reconstruction)| RbmStatistics {
                        data: Arc::new(data),
                        reconstruction: Arc::new(reconstruction),
                    }),
                updates: v1.updates,
                curve: v1.curve,
                ..LearningState::default()
            },
            sweeps_per_sec_limit: v1.sweeps_per_sec_limit,
        }
    }
}
