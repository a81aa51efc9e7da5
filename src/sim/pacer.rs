//! The pace of a running simulation: the speed limit, the credit that lets slow speeds still
//! move, and the measured rate.

use std::time::{Duration, Instant};

/// How long the rate is averaged over.
const RATE_WINDOW: Duration = Duration::from_millis(500);

/// Paces sweeps to a limit and measures how many happen per second.
#[derive(Clone, Debug)]
pub struct Pacer {
    /// Sweeps per second allowed (None: as fast as possible).
    limit: Option<f64>,
    /// Sweeps earned at the limit and not yet spent.
    credit: f64,
    /// Where the current measuring window started: (when, count then).
    window: Option<(Instant, f64)>,
    /// The last measured rate (per second).
    measured: f64,
}

impl Pacer {
    /// A pacer at `limit` sweeps per second.
    pub fn new(limit: Option<f64>) -> Self {
        Self {
            limit,
            credit: 0.0,
            window: None,
            measured: 0.0,
        }
    }

    /// The speed limit.
    pub fn limit(&self) -> Option<f64> {
        self.limit
    }

    /// Sets the speed limit; a limit must be a positive number.
    pub fn set_limit(&mut self, limit: Option<f64>) -> Result<(), String> {
        if let Some(sps) = limit
            && !(sps.is_finite() && sps > 0.0)
        {
            return Err(format!("sweeps per second must be > 0, got {sps}"));
        }
        self.limit = limit;
        Ok(())
    }

    /// Sweeps allowed now, `since_last` after the last call (unlimited when `flat_out`).
    /// Credit is capped at a tenth of a second's worth, so a pause does not bank a burst.
    pub fn allowance(&mut self, since_last: Duration, flat_out: bool) -> f64 {
        match (self.limit, flat_out) {
            (Some(sps), false) => {
                self.credit = (self.credit + sps * since_last.as_secs_f64()).min(sps * 0.1 + 1.0);
                self.credit
            }
            _ => f64::INFINITY,
        }
    }

    /// One sweep was spent.
    pub fn spend(&mut self) {
        self.credit = (self.credit - 1.0).max(0.0);
    }

    /// Updates the measured rate from a running count (sweeps, or learning updates).
    pub fn measure(&mut self, count: f64) {
        let now = Instant::now();
        let (start, then) = *self.window.get_or_insert((now, count));
        let secs = now.duration_since(start).as_secs_f64();
        if secs >= RATE_WINDOW.as_secs_f64() {
            self.measured = (count - then) / secs;
            self.window = Some((now, count));
        }
    }

    /// The simulation stopped: no rate until it runs again.
    pub fn stop(&mut self) {
        self.window = None;
        self.measured = 0.0;
    }

    /// The measured rate per second.
    pub fn rate(&self) -> f64 {
        self.measured
    }
}
