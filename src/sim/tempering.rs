//! Parallel tempering inside the simulation: the person's settings (replicas K, hottest T),
//! the engine's ladder, and what the Tempering view shows.
//!
//! While tempering is on, every sweep of a Hopfield net or Boltzmann machine is one round of
//! [`Tempering`] (each replica one sequential sweep, then neighbour exchanges) and the main
//! chain *is* the target replica at the slider's T, so the grid, the trace and the histogram
//! all show the target chain. The ladder is rebuilt — every replica a copy of the main chain,
//! temperatures geometric from T to T_max — whenever the main chain no longer equals the
//! target replica (an edit, a reset, new weights) or the ladder no longer matches T, K or T_max.
//! It is saved with the session, so a loaded session continues exactly.

use super::model::NetModel;
use crate::engine::tempering::{MAX_REPLICAS, MIN_REPLICAS, Tempering, geometric_ladder};
use crate::engine::{EngineError, SimRng};
use serde::{Deserialize, Serialize};

/// The most a hottest temperature may be.
pub const MAX_T_MAX: f64 = 1e4;

/// What the person chose: how many replicas and how hot the hottest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemperingSettings {
    /// Replicas K (target included).
    pub replicas: usize,
    /// The hottest replica's temperature.
    pub t_max: f64,
}

impl Default for TemperingSettings {
    fn default() -> Self {
        Self {
            replicas: 8,
            t_max: 10.0,
        }
    }
}

impl TemperingSettings {
    /// Checks K and T_max on their own (T_max > T is checked when a round runs).
    pub fn validate(&self) -> Result<(), EngineError> {
        if !(MIN_REPLICAS..=MAX_REPLICAS).contains(&self.replicas) {
            return Err(EngineError::BadParameter(format!(
                "tempering takes {MIN_REPLICAS} to {MAX_REPLICAS} replicas, got {}",
                self.replicas
            )));
        }
        if !(self.t_max.is_finite() && self.t_max > 0.0 && self.t_max <= MAX_T_MAX) {
            return Err(EngineError::BadParameter(format!(
                "the hottest tempering temperature must be above 0 and at most {MAX_T_MAX}, got {}",
                self.t_max
            )));
        }
        Ok(())
    }
}

/// Tempering as saved in the session: the settings and the running ladder (None until the
/// first round, and after a change that asks for a new one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemperingState {
    /// K and T_max.
    pub settings: TemperingSettings,
    /// The replicas, their streams and exchange counts.
    pub ladder: Option<Tempering>,
}

/// What the Tempering view draws.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TemperingView {
    /// K and T_max as set.
    pub settings: TemperingSettings,
    /// Every replica's temperature, target first (empty before the first round).
    pub temperatures: Vec<f64>,
    /// Every replica's energy.
    pub energies: Vec<f64>,
    /// Every replica's visible units.
    pub visible: Vec<Vec<u8>>,
    /// Per neighbour pair (k, k+1): the fraction of proposed exchanges accepted.
    pub acceptance: Vec<Option<f64>>,
    /// Per pair: whether the last round exchanged it.
    pub last_exchanged: Vec<bool>,
    /// Rounds done by this ladder.
    pub rounds: u64,
}

impl TemperingState {
    /// Tempering with `settings`, its ladder still to be built.
    pub fn new(settings: TemperingSettings) -> Self {
        Self {
            settings,
            ladder: None,
        }
    }

    /// One round at target temperature `t`; the main chain becomes the target replica.
    /// Builds the ladder first when it is missing or stale (its seed drawn from `rng`).
    pub fn round(&mut self, m: &mut NetModel, t: f64, rng: &mut SimRng) -> Result<(), EngineError> {
        let TemperingSettings { replicas, t_max } = self.settings;
        if t <= 0.0 {
            return Err(EngineError::BadParameter(
                "tempering needs T > 0: raise T or switch tempering off".into(),
            ));
        }
        if t_max <= t {
            return Err(EngineError::BadParameter(format!(
                "tempering's hottest T ({t_max}) must be above T ({t}): raise it or lower T"
            )));
        }
        let fresh = self.ladder.as_ref().is_some_and(|pt| {
            let temps = pt.temperatures();
            temps.len() == replicas
                && temps.first() == Some(&t)
                && temps.last() == Some(&t_max)
                && pt.target() == &m.chain
        });
        if !fresh {
            let ladder = geometric_ladder(t, t_max, replicas)?;
            self.ladder = Some(Tempering::new(&m.bm, &m.chain, ladder, rng.next_u64())?);
        }
        if let Some(pt) = &mut self.ladder {
            pt.round(&m.bm, 1, false)?;
            m.chain.clone_from(pt.target());
        }
        Ok(())
    }

    /// Checks a loaded state against its network.
    pub fn validate_for(&self, m: &NetModel) -> Result<(), EngineError> {
        self.settings.validate()?;
        match &self.ladder {
            Some(pt) => pt.validate_for(&m.bm),
            None => Ok(()),
        }
    }

    /// The view of `nv` visible units.
    pub fn view(&self, m: &NetModel, nv: usize) -> TemperingView {
        let mut view = TemperingView {
            settings: self.settings.clone(),
            ..TemperingView::default()
        };
        if let Some(pt) = &self.ladder {
            view.temperatures = pt.temperatures().to_vec();
            view.energies = pt
                .chains()
                .iter()
                .map(|c| c.energy(&m.bm) + m.energy_offset)
                .collect();
            view.visible = pt.chains().iter().map(|c| c.state()[..nv].to_vec()).collect();
            view.acceptance = pt.acceptance_rates();
            view.last_exchanged = pt.last_exchanged().to_vec();
            view.rounds = pt.rounds();
        }
        view
    }
}
