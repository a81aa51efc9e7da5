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
use crate::engine::tempering::{
    MAX_REPLICAS, MIN_REPLICAS, Tempering, check_ladder, geometric_ladder,
};
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
    /// The temperatures above T, rising, when the person typed them (then `replicas` is
    /// their number plus one and `t_max` the last); None: geometric from T to `t_max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<Vec<f64>>,
}

impl Default for TemperingSettings {
    fn default() -> Self {
        Self::geometric(8, 10.0)
    }
}

impl TemperingSettings {
    /// `replicas` temperatures geometric from T to `t_max`.
    pub fn geometric(replicas: usize, t_max: f64) -> Self {
        Self {
            replicas,
            t_max,
            custom: None,
        }
    }

    /// The target at T and replicas at `above` (rising, all above T).
    pub fn custom(above: Vec<f64>) -> Self {
        Self {
            replicas: above.len() + 1,
            t_max: above.last().copied().unwrap_or(0.0),
            custom: Some(above),
        }
    }

    /// The whole ladder for target temperature `t`, checked (every rung above the last).
    pub fn ladder(&self, t: f64) -> Result<Vec<f64>, EngineError> {
        match &self.custom {
            Some(above) => {
                let ladder: Vec<f64> = std::iter::once(t).chain(above.iter().copied()).collect();
                check_ladder(&ladder).map_err(|e| {
                    EngineError::BadParameter(format!(
                        "the typed ladder does not fit T = {t}: {e}"
                    ))
                })?;
                Ok(ladder)
            }
            None => geometric_ladder(t, self.t_max, self.replicas),
        }
    }

    /// Checks K and T_max on their own (T_max > T is checked when a round runs).
    pub fn validate(&self) -> Result<(), EngineError> {
        if let Some(above) = &self.custom {
            let consistent = above.len() + 1 == self.replicas && above.last() == Some(&self.t_max);
            if !consistent {
                return Err(EngineError::BadParameter(
                    "a typed tempering ladder must match its number of replicas and hottest T"
                        .into(),
                ));
            }
            // Rising and positive: the same check as a ladder with a tiny target below it.
            let probe: Vec<f64> = std::iter::once(f64::MIN_POSITIVE)
                .chain(above.iter().copied())
                .collect();
            check_ladder(&probe)?;
        }
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
        if t <= 0.0 {
            return Err(EngineError::BadParameter(
                "tempering needs T > 0: raise T or switch tempering off".into(),
            ));
        }
        let t_max = self.settings.t_max;
        if t_max <= t {
            return Err(EngineError::BadParameter(format!(
                "tempering's hottest T ({t_max}) must be above T ({t}): raise it or lower T"
            )));
        }
        let ladder = self.settings.ladder(t)?;
        let fresh = self
            .ladder
            .as_ref()
            .is_some_and(|pt| pt.temperatures() == ladder.as_slice() && pt.target() == &m.chain);
        if !fresh {
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
