//! `boltzviz sample --diagnostics`: how well the kept states stand for the distribution.
//! Records every kept state and its energy, then prints the integrated autocorrelation time
//! of the energy and of the slowest unit, the effective sample size, and — for nets small
//! enough to enumerate — the total-variation distance to the exact distribution beside the
//! i.i.d. floor (what the same number of independent exact draws would give).

use crate::engine::exact::{MAX_DISTRIBUTION_UNITS, index_of_pattern};
use crate::engine::math::total_variation;
use crate::engine::mixing::{Autocorrelation, integrated_autocorrelation_time};
use crate::engine::tv_floor::FloorTable;
use std::fmt::Write as _;

/// The most bytes of kept states `--diagnostics` holds (units × kept states).
pub const MAX_RECORDED_BYTES: usize = 1 << 28;

/// The seed of the i.i.d. floor's simulated band (fixed, so reports repeat).
const FLOOR_SEED: u64 = 1;

/// Kept states and energies, in order.
pub struct Recorder {
    units: usize,
    states: Vec<u8>,
    energies: Vec<f64>,
}

impl Recorder {
    /// A recorder for `kept` states of `units` units, refused (one line, exit 2) when they
    /// would pass [`MAX_RECORDED_BYTES`].
    pub fn new(units: usize, kept: usize) -> anyhow::Result<Self> {
        let bytes = units.saturating_mul(kept);
        if bytes > MAX_RECORDED_BYTES {
            return Err(super::flags::usage(format!(
                "--diagnostics keeps every kept state: {units} units × {kept} states is more \
                 than {MAX_RECORDED_BYTES} bytes; keep fewer sweeps"
            )));
        }
        Ok(Self {
            units,
            states: Vec::with_capacity(bytes),
            energies: Vec::with_capacity(kept),
        })
    }

    /// Records one kept state (the units the recorder was made for) and its energy.
    pub fn record(&mut self, state: &[u8], energy: f64) {
        self.states.extend_from_slice(&state[..self.units.min(state.len())]);
        self.energies.push(energy);
    }

    /// The report; `exact` is the exact distribution over the recorded states (bit i of the
    /// index = unit i) when the net is small enough and nothing is clamped.
    pub fn report(&self, energy_name: &str, exact: Option<&[f64]>) -> String {
        let mut out = String::new();
        let n = self.energies.len();
        let _ = writeln!(out, "diagnostics over {n} kept states:");
        let energy = integrated_autocorrelation_time(&self.energies);
        let _ = writeln!(out, "  {energy_name}: {}", describe(energy.as_ref()));
        let slowest = (0..self.units)
            .filter_map(|u| {
                let series: Vec<f64> = self
                    .states
                    .iter()
                    .skip(u)
                    .step_by(self.units)
                    .map(|&s| f64::from(s))
                    .collect();
                integrated_autocorrelation_time(&series).map(|a| (u, a))
            })
            .max_by(|a, b| a.1.tau.total_cmp(&b.1.tau));
        match slowest {
            Some((u, a)) => {
                let _ = writeln!(out, "  slowest unit ({u}): {}", describe(Some(&a)));
            }
            None => {
                let _ = writeln!(out, "  units: none changed in the kept states");
            }
        }
        let _ = writeln!(
            out,
            "  (τ_int: sweeps between effectively independent states; ESS = N / τ_int)"
        );
        if let Some(p) = exact {
            self.tv_report(&mut out, p, energy.iter().chain(slowest.as_ref().map(|s| &s.1)));
        }
        out
    }

    fn tv_report<'a>(
        &self,
        out: &mut String,
        p: &[f64],
        taus: impl Iterator<Item = &'a Autocorrelation>,
    ) {
        let n = self.energies.len();
        let mut hist = vec![0.0; p.len()];
        for state in self.states.chunks_exact(self.units.max(1)) {
            if let Some(h) = hist.get_mut(index_of_pattern(state)) {
                *h += 1.0 / n as f64;
            }
        }
        let tv = total_variation(&hist, p);
        let Ok(table) = FloorTable::new(p) else {
            let _ = writeln!(out, "  TV to the exact distribution: {tv:.5}");
            return;
        };
        let iid = table.floor(n as u64, FLOOR_SEED);
        let _ = writeln!(
            out,
            "  TV to the exact distribution: {tv:.5}; i.i.d. floor for {n} draws: mean {:.5}, \
             99 % band [{:.5}, {:.5}]",
            iid.mean, iid.low, iid.high
        );
        let tau = taus.map(|a| a.tau).fold(1.0f64, f64::max);
        let ess = ((n as f64 / tau).floor() as u64).max(1);
        let at_ess = table.floor(ess, FLOOR_SEED);
        let verdict = if tv <= iid.high {
            "at the i.i.d. floor: the chain samples as well as independent draws"
        } else if tv <= at_ess.high {
            "above the i.i.d. floor but within the floor for ESS draws: correlated, but consistent"
        } else {
            "above the floor even for ESS draws: the chain has not explored the distribution \
             (slow mixing, e.g. stuck in one mode)"
        };
        let _ = writeln!(
            out,
            "  floor for ESS = {ess} draws: mean {:.5}, 99 % band [{:.5}, {:.5}]\n  verdict: {verdict}",
            at_ess.mean, at_ess.low, at_ess.high
        );
    }
}

/// Whether a net of `units` recorded units is small enough for the TV report.
pub fn enumerable(units: usize) -> bool {
    units <= MAX_TV_UNITS
}

/// The largest net whose TV `--diagnostics` reports (2²⁰ states).
pub const MAX_TV_UNITS: usize = if MAX_DISTRIBUTION_UNITS < 20 {
    MAX_DISTRIBUTION_UNITS
} else {
    20
};

fn describe(a: Option<&Autocorrelation>) -> String {
    match a {
        None => "no variation (τ_int undefined)".into(),
        Some(a) => {
            let note = if a.converged {
                ""
            } else {
                " (run too short for the window: a lower bound)"
            };
            format!(
                "τ_int = {:.2} ± {:.2} (window {}), ESS = {:.0}{note}",
                a.tau,
                a.std_error(),
                a.window,
                a.ess()
            )
        }
    }
}
