//! An RBM's learning curve measured beside its training, not in its way.
//!
//! A point of the curve is the exact mean log-likelihood (one log Z over 2¹⁶ hidden states for
//! the digits RBM, about 4.5 ms on one processor) or the reconstruction error. While the app
//! trains, a point is taken from a copy of the weights and measured on a thread of its own, on
//! one processor, while the simulation thread goes on with the next epochs; the point is added
//! to the curve where it was taken once its value arrives ([`PendingPoint::outcome`]). So the
//! training thread does not stop for these points, where `boltzviz train` stops its epochs for
//! each metric. (Points that took under 0.5 ms, for small RBMs, are cheaper to measure on the
//! training thread than to hand over: see [`super::rbm_metrics::MEASURE_BESIDE_FROM`].)
//!
//! The learner keeps the points in flight in the order they were taken and adds them in that
//! order, so the curve stays sorted; it waits for them ([`PendingPoint::wait`]) before
//! anything that changes what a point would be added to (a point measured on the spot, a new
//! held-out set, a change of rule run, a save).

use super::rbm_metrics;
use crate::engine::EngineError;
use crate::engine::rbm::Rbm;
use ndarray::Array2;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A measured point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointValues {
    /// The training data's value (exact mean log-likelihood in nats, or reconstruction error).
    pub train: f64,
    /// The held-out data's value, if held-out data was given.
    pub held_out: Option<f64>,
    /// The values are exact log-likelihoods.
    pub exact: bool,
    /// What the measurement cost: its thread's processor time when measured on one thread
    /// beside the training; wall time when measured on several (while idle) or on the
    /// training thread (which waited for it).
    pub spent: Duration,
}

/// Where a point goes once measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointPlace {
    /// The learning curve's x: updates when the weights were copied.
    pub updates: f64,
    /// The open rule run's x then (its updates), if the run records this point.
    pub run_updates: Option<f64>,
    /// The learning curve records it (false: only the run, whose start it is, while the
    /// curve already has a point at `updates`).
    pub on_curve: bool,
}

/// A point being measured on its own thread. Clones share the outcome (a copy of the
/// simulation made while a point is in flight still receives it).
#[derive(Clone, Debug)]
pub struct PendingPoint {
    /// Where it goes.
    pub place: PointPlace,
    outcome: Arc<OnceLock<Result<PointValues, EngineError>>>,
}

impl PendingPoint {
    /// Starts measuring `rbm` on `train` (and `held_out`, if given) on a new thread, with
    /// `threads` threads at most for a log Z large enough to split (1 while training runs:
    /// the other processors are the training's and the window's); if the system will not
    /// start a thread, measures here.
    pub fn start(
        rbm: Rbm,
        train: Arc<Array2<f32>>,
        held_out: Option<Arc<Array2<f32>>>,
        place: PointPlace,
        threads: usize,
    ) -> Self {
        let outcome = Arc::new(OnceLock::new());
        let job = Arc::new(Job {
            rbm,
            train,
            held_out,
            threads,
        });
        let (slot, on_thread) = (Arc::clone(&outcome), Arc::clone(&job));
        let started = std::thread::Builder::new()
            .name("boltzviz-curve".into())
            .spawn(move || {
                yield_to_other_threads();
                let _ = slot.set(on_thread.measure());
            });
        if started.is_err() {
            let _ = outcome.set(job.measure());
        }
        Self { place, outcome }
    }

    /// The outcome, if it has arrived.
    pub fn outcome(&self) -> Option<Result<PointValues, EngineError>> {
        self.outcome.get().cloned()
    }

    /// Waits for the outcome (a measurement always ends: a panic in it becomes an error).
    pub fn wait(&self) -> Result<PointValues, EngineError> {
        self.outcome.wait().clone()
    }
}

/// Lowers the calling thread's priority by 10 nice steps, so the window's and the training's
/// threads take a processor from it at once when they wake, rather than after a time slice.
fn yield_to_other_threads() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls; on Linux `who = 0` with PRIO_PROCESS is the calling
        // thread, whose own nice value this changes. A refusal leaves it as it was.
        unsafe {
            let now = libc::getpriority(libc::PRIO_PROCESS, 0);
            libc::setpriority(libc::PRIO_PROCESS, 0, (now + 10).min(19));
        }
    }
}

/// Processor time the calling thread has used (on Linux; elsewhere, wall time since `start`):
/// what a measurement cost, not counting the time it waited for a processor.
pub(super) fn thread_time(start: Instant) -> Duration {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid timespec for the call to fill.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(
                ts.tv_sec.max(0) as u64,
                ts.tv_nsec.clamp(0, 999_999_999) as u32,
            );
        }
    }
    start.elapsed()
}

/// What one point measures: a copy of the weights, the training data, the held-out data.
struct Job {
    rbm: Rbm,
    train: Arc<Array2<f32>>,
    held_out: Option<Arc<Array2<f32>>>,
    threads: usize,
}

impl Job {
    /// The point's values on the calling thread alone (the other processors stay with
    /// training); a panic in the measurement becomes an error, so a waiting learner is always
    /// answered.
    fn measure(&self) -> Result<PointValues, EngineError> {
        measure_guarded(
            &self.rbm,
            &self.train,
            self.held_out.as_deref(),
            self.threads,
        )
    }
}

/// See [`Job::measure`].
fn measure_guarded(
    rbm: &Rbm,
    train: &Array2<f32>,
    held_out: Option<&Array2<f32>>,
    threads: usize,
) -> Result<PointValues, EngineError> {
    let start = Instant::now();
    let used_before = thread_time(start);
    let measured = catch_unwind(AssertUnwindSafe(|| {
        rbm_metrics::curve_values(rbm, train, held_out, threads)
    }))
    .unwrap_or_else(|_| {
        Err(EngineError::BadParameter(
            "internal error: measuring the learning curve stopped".into(),
        ))
    })?;
    Ok(PointValues {
        train: measured.0,
        held_out: measured.1,
        exact: rbm_metrics::exact_curve(rbm),
        // One thread: its processor time. Several (while idle): the wall time.
        spent: if threads > 1 {
            start.elapsed()
        } else {
            thread_time(start).saturating_sub(used_before)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimRng;
    use crate::engine::rbm_exact;

    #[test]
    fn a_pending_point_measures_the_weights_it_was_given() {
        let mut rng = SimRng::seed_from_u64(5);
        let rbm = Rbm::random(6, 3, 0.5, &mut rng).expect("rbm");
        let train = Arc::new(ndarray::array![[1.0, 0.0, 1.0, 0.0, 1.0, 1.0]]);
        let held_out = Arc::new(ndarray::array![[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]]);
        let place = PointPlace {
            updates: 7.0,
            run_updates: Some(2.0),
            on_curve: true,
        };
        let point = PendingPoint::start(
            rbm.clone(),
            Arc::clone(&train),
            Some(Arc::clone(&held_out)),
            place,
            1,
        );
        let copy = point.clone();
        let values = point.wait().expect("measured");
        let expected = |d: &Array2<f32>| rbm_exact::mean_log_likelihood(&rbm, d.view());
        assert_eq!(values.train, expected(&train).expect("ll"));
        assert_eq!(values.held_out, Some(expected(&held_out).expect("ll")));
        assert!(values.exact);
        assert_eq!(point.place, place);
        assert_eq!(
            copy.outcome(),
            Some(Ok(values)),
            "a copy made before it arrived has it"
        );
    }

    #[test]
    fn a_failed_measurement_is_an_error_not_a_hang() {
        let mut rng = SimRng::seed_from_u64(5);
        let rbm = Rbm::random(6, 3, 0.5, &mut rng).expect("rbm");
        let empty = Arc::new(Array2::<f32>::zeros((0, 6)));
        let place = PointPlace {
            updates: 0.0,
            run_updates: None,
            on_curve: true,
        };
        let point = PendingPoint::start(rbm, empty, None, place, 2);
        assert_eq!(point.wait(), Err(EngineError::EmptyData));
    }
}
