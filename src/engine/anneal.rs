//! Annealing schedules: a list of (temperature, sweeps) steps run from first to last.
//!
//! Sampling at a high T explores; lowering T slowly lets the chain settle in deep wells instead
//! of the first local minimum (Kirkpatrick, Gelatt & Vecchi 1983).

use super::error::{EngineError, check_temperature};
use serde::{Deserialize, Serialize};

/// A temperature schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Schedule {
    /// `T_k = T_start · (T_end / T_start)^(k / (steps − 1))`, `sweeps` at each.
    Geometric {
        /// First temperature (> 0).
        t_start: f64,
        /// Last temperature (> 0).
        t_end: f64,
        /// Number of temperatures.
        steps: usize,
        /// Sweeps at each temperature.
        sweeps: usize,
    },
    /// `T_k` evenly spaced from `t_start` to `t_end`.
    Linear {
        /// First temperature.
        t_start: f64,
        /// Last temperature.
        t_end: f64,
        /// Number of temperatures.
        steps: usize,
        /// Sweeps at each temperature.
        sweeps: usize,
    },
    /// An explicit list of (T, sweeps).
    Steps(Vec<(f64, usize)>),
}

impl Default for Schedule {
    fn default() -> Self {
        Self::Geometric {
            t_start: 10.0,
            t_end: 0.1,
            steps: 20,
            sweeps: 5,
        }
    }
}

/// The longest schedule accepted (refused before anything is allocated).
pub const MAX_STEPS: usize = 100_000;

impl Schedule {
    /// The (T, sweeps) steps, checked: temperatures finite and ≥ 0 (> 0 for geometric), at least
    /// one step.
    pub fn steps(&self) -> Result<Vec<(f64, usize)>, EngineError> {
        let declared = match self {
            Self::Geometric { steps, .. } | Self::Linear { steps, .. } => *steps,
            Self::Steps(list) => list.len(),
        };
        if declared > MAX_STEPS {
            return Err(EngineError::BadParameter(format!(
                "an annealing schedule of {declared} steps is too long (at most {MAX_STEPS})"
            )));
        }
        let steps = match self {
            Self::Geometric {
                t_start,
                t_end,
                steps,
                sweeps,
            } => {
                if !(*t_start > 0.0 && *t_end > 0.0) {
                    return Err(EngineError::BadParameter(format!(
                        "a geometric schedule needs positive temperatures, got {t_start} -> {t_end}"
                    )));
                }
                ramp(*steps, *sweeps, |frac| {
                    t_start * (t_end / t_start).powf(frac)
                })
            }
            Self::Linear {
                t_start,
                t_end,
                steps,
                sweeps,
            } => ramp(*steps, *sweeps, |frac| t_start + (t_end - t_start) * frac),
            Self::Steps(list) => list.clone(),
        };
        if steps.is_empty() {
            return Err(EngineError::BadParameter(
                "an annealing schedule needs at least one step".into(),
            ));
        }
        for &(t, _) in &steps {
            check_temperature(t)?;
        }
        Ok(steps)
    }

    /// Total sweeps over the whole schedule.
    pub fn total_sweeps(&self) -> Result<usize, EngineError> {
        Ok(self.steps()?.iter().map(|s| s.1).sum())
    }

    /// The temperature after `sweep` sweeps (the last T once the schedule is over).
    pub fn temperature_at(&self, sweep: usize) -> Result<f64, EngineError> {
        let steps = self.steps()?;
        let mut left = sweep;
        for &(t, n) in &steps {
            if left < n {
                return Ok(t);
            }
            left -= n;
        }
        Ok(steps.last().map_or(0.0, |s| s.0))
    }
}

/// `steps` (at least one) temperatures `at(frac)` for frac evenly from 0 to 1 (just 1 when
/// there is one step), each held for `sweeps` sweeps.
fn ramp(steps: usize, sweeps: usize, at: impl Fn(f64) -> f64) -> Vec<(f64, usize)> {
    let k = steps.max(1);
    (0..k)
        .map(|i| {
            let frac = if k == 1 {
                1.0
            } else {
                i as f64 / (k - 1) as f64
            };
            (at(frac), sweeps)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_schedule_hits_both_ends_with_constant_ratio() {
        let s = Schedule::Geometric {
            t_start: 8.0,
            t_end: 1.0,
            steps: 4,
            sweeps: 2,
        }
        .steps()
        .expect("steps");
        let ts: Vec<f64> = s.iter().map(|x| x.0).collect();
        for (a, b) in ts.iter().zip([8.0, 4.0, 2.0, 1.0]) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!(Schedule::Steps(vec![(1.0, 3), (-1.0, 2)]).steps().is_err());
        assert!(Schedule::Steps(vec![]).steps().is_err());
    }
}
