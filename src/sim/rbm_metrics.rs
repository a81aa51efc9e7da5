//! What an RBM's learning curve measures, and how often: the exact mean log-likelihood of the
//! training set and of a held-out (validation) set, sharing one log Z
//! ([`crate::engine::rbm_exact`]), when the smaller layer can be enumerated; the reconstruction
//! error of both otherwise.
//!
//! One exact evaluation of the 64×16 digits RBM costs about as much as ten epochs of its
//! training. While the app trains continuously, the curve is measured beside the training on
//! a thread of its own ([`super::curve_meter`]), so the training thread does not stop for it,
//! and at a bounded share of the time ([`MetricBudget`]), so the measuring thread leaves the
//! other processor mostly to the window. Points cheaper than [`MEASURE_BESIDE_FROM`] are
//! measured on the training thread, at a smaller share.

use crate::engine::EngineError;
use crate::engine::rbm::Rbm;
use crate::engine::rbm_exact;
use crate::engine::rbm_train::reconstruction_error;
use ndarray::Array2;
use std::time::Duration;

/// RBMs whose smaller layer has at most this many units get an exact learning curve.
pub const MAX_EXACT_CURVE_UNITS: usize = 20;
/// The share of training time the curve's measurements may take while training runs, when
/// they run beside it on a processor of their own: this bounds what they take from the
/// window, not from the training. For the digits RBM (about 4.5 ms an evaluation on one
/// processor) that is a point every 0.2 s or so.
pub const METRIC_SHARE: f64 = 0.02;
/// The share when the training thread measures the points itself (points so cheap that a
/// thread of their own would cost more, [`MEASURE_BESIDE_FROM`]): what training gives up.
pub const INLINE_METRIC_SHARE: f64 = 0.005;
/// Points expected to take at least this long (as the last one did) are measured beside the
/// training; cheaper ones on the training thread (starting a thread costs tens of µs).
pub const MEASURE_BESIDE_FROM: Duration = Duration::from_micros(500);

/// Whether `rbm`'s curve is the exact log-likelihood (else the reconstruction error).
pub fn exact_curve(rbm: &Rbm) -> bool {
    rbm.n_visible().min(rbm.n_hidden()) <= MAX_EXACT_CURVE_UNITS
}

/// The curve's value for the training data and, if given, the held-out data: the exact mean
/// log-likelihood in nats (one log Z for both, on at most `max_threads` threads) or the
/// reconstruction error per pixel.
pub fn curve_values(
    rbm: &Rbm,
    train: &Array2<f32>,
    valid: Option<&Array2<f32>>,
    max_threads: usize,
) -> Result<(f64, Option<f64>), EngineError> {
    if exact_curve(rbm) {
        let mut sets = vec![train.view()];
        sets.extend(valid.map(|v| v.view()));
        let values = rbm_exact::mean_log_likelihoods_on(rbm, &sets, max_threads)?;
        Ok((values[0], values.get(1).copied()))
    } else {
        Ok((
            reconstruction_error(rbm, train),
            valid.map(|v| reconstruction_error(rbm, v)),
        ))
    }
}

/// Time spent training and measuring since training started: a measurement is due while
/// measuring has taken at most a share of the training time. The point where training started
/// counts when its cost is known (it was measured in this session), so the next one waits for
/// the share; otherwise the first epoch is measured.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MetricBudget {
    training: Duration,
    measuring: Duration,
}

impl MetricBudget {
    /// Adds time spent training.
    pub fn add_training(&mut self, spent: Duration) {
        self.training += spent;
    }

    /// Adds time spent measuring.
    pub fn add_measuring(&mut self, spent: Duration) {
        self.measuring += spent;
    }

    /// Whether the next measurement keeps `share` (of the training time).
    pub fn due(&self, share: f64) -> bool {
        self.measuring.as_secs_f64() <= share * self.training.as_secs_f64()
    }
}

/// Checks held-out patterns against the visible layer: one line naming the first that does
/// not fit.
pub fn check_validation(patterns: &[Vec<u8>], n_visible: usize) -> Result<(), EngineError> {
    for (k, p) in patterns.iter().enumerate() {
        if p.len() != n_visible {
            return Err(EngineError::BadParameter(format!(
                "the validation data has {} values in pattern {}, but the visible layer has {n_visible} units",
                p.len(),
                k + 1
            )));
        }
        if p.iter().any(|&v| v > 1) {
            return Err(EngineError::BadParameter(format!(
                "validation pattern {} has a value other than 0 or 1",
                k + 1
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn measurements_keep_their_share_of_the_time() {
        let mut budget = MetricBudget::default();
        assert!(budget.due(METRIC_SHARE), "the first epoch is measured");
        budget.add_training(Duration::from_millis(1));
        budget.add_measuring(Duration::from_millis(10));
        assert!(!budget.due(METRIC_SHARE));
        budget.add_training(Duration::from_millis(498));
        assert!(
            !budget.due(METRIC_SHARE),
            "10 ms of 499 ms is more than 2 %"
        );
        budget.add_training(Duration::from_millis(1));
        assert!(budget.due(METRIC_SHARE), "10 ms of 500 ms is 2 %");
        assert!(!budget.due(INLINE_METRIC_SHARE), "but more than 0.5 %");
        budget.add_training(Duration::from_millis(1500));
        assert!(budget.due(INLINE_METRIC_SHARE), "10 ms of 2000 ms is 0.5 %");
    }

    #[test]
    fn validation_of_another_width_is_refused_in_one_line() {
        let error = check_validation(&[vec![0, 1, 1]], 64).expect_err("refused");
        let text = error.to_string();
        assert!(
            text.contains("3 values") && text.contains("64 units"),
            "{text}"
        );
        assert!(!text.contains('\n'));
        assert!(check_validation(&[vec![0, 1, 1]], 3).is_ok());
        assert!(check_validation(&[vec![0, 2, 1]], 3).is_err());
    }
}
