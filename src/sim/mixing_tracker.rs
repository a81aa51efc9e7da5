//! The live mixing figures of the Distribution view: the i.i.d. floor of the TV distance
//! beside the sampled TV, and the integrated autocorrelation time and effective sample size of
//! the sampled chain (see [`crate::engine::mixing`] and [`crate::engine::tv_floor`]).
//!
//! The costly parts are recomputed only now and then: τ̂ of the energy and of every unit (one
//! FFT each, over the most recent samples) when the samples have grown by a tenth, the
//! floor's simulated 99 % band when they have doubled. Between those, the floor's mean is exact at every point and the band is the mean
//! times the ratios last simulated (both ends shrink like 1/√N).

use super::curve::push_thinned;
use crate::engine::mixing::{Autocorrelation, integrated_autocorrelation_time};
use crate::engine::tv_floor::FloorTable;

/// τ̂ is estimated from the most recent this many samples: one FFT of 2¹⁵ points per series
/// (about a millisecond), so a recomputation never stalls the simulation thread for long.
/// Times beyond about a tenth of it show as "at least" (the window rule fails).
const WINDOW: usize = 1 << 14;
/// Fewer samples than this give no figures.
const MIN_SAMPLES: u64 = 32;
/// The seed of the floor's simulated band (fixed, so the band does not flicker).
const FLOOR_SEED: u64 = 7;

/// τ̂ and ESS of the sampled chain, and the i.i.d. floor at its sample count.
#[derive(Clone, Debug, PartialEq)]
pub struct MixingView {
    /// τ̂_int of the energy (None: the energy never changed).
    pub tau_energy: Option<f64>,
    /// Whether every τ̂ shown met Sokal's window rule (otherwise they are lower bounds).
    pub converged: bool,
    /// The unit with the largest τ̂_int, and that τ̂.
    pub slowest_unit: Option<(usize, f64)>,
    /// N / max(τ̂, 1) over the energy and the slowest unit.
    pub ess: f64,
    /// Mean TV of as many independent exact draws as there are samples.
    pub floor_mean: f64,
    /// The floor's 99 % band, low and high ends.
    pub floor_band: (f64, f64),
}

/// τ̂ at some number of samples: (samples, energy, slowest unit with its τ̂).
type Taus = (u64, Option<Autocorrelation>, Option<(usize, Autocorrelation)>);

/// Series of the sampled chain and the cached figures.
#[derive(Clone, Debug, Default)]
pub struct MixingTracker {
    energies: Vec<f64>,
    states: Vec<u32>,
    units: usize,
    table: Option<FloorTable>,
    /// (samples, low/mean, high/mean) of the last simulated band.
    band: Option<(u64, f64, f64)>,
    /// τ̂ of the last estimate.
    taus: Option<Taus>,
    floor_mean: Vec<[f64; 2]>,
    floor_low: Vec<[f64; 2]>,
    floor_high: Vec<[f64; 2]>,
}

/// The last [`WINDOW`] values.
fn recent<T>(series: &[T]) -> &[T] {
    &series[series.len().saturating_sub(WINDOW)..]
}

/// Whether `now` samples are a tenth more than `then`.
fn due(then: u64, now: u64) -> bool {
    now > then + then / 10
}

impl MixingTracker {
    /// Forgets everything (a new histogram) for a net of `units` units.
    pub fn reset(&mut self, units: usize) {
        *self = Self {
            units,
            ..Self::default()
        };
    }

    /// The exact distribution the floor is for (bit i of the index = unit i).
    pub fn set_exact(&mut self, p: &[f64]) {
        self.table = FloorTable::new(p).ok();
        self.band = None;
    }

    /// Records one sample: the chain's state index and energy.
    pub fn record(&mut self, index: usize, energy: f64) {
        if self.energies.len() >= 2 * WINDOW {
            self.energies.drain(..WINDOW);
            self.states.drain(..WINDOW);
        }
        self.energies.push(energy);
        self.states.push(index as u32);
    }

    /// The figures at `samples` samples; adds a floor point at `sweeps` when `new_point`
    /// (the TV curve just got one).
    pub fn view(&mut self, samples: u64, sweeps: f64, new_point: bool) -> Option<MixingView> {
        if samples < MIN_SAMPLES {
            return None;
        }
        let table = self.table.as_ref()?;
        let mean = table.mean(samples);
        // The band's ratios to the mean settle as N grows (both ends ∝ 1/√N): simulate them
        // again only when the samples have doubled.
        if self.band.is_none_or(|(then, _, _)| samples >= 2 * then) {
            let floor = table.floor(samples, FLOOR_SEED);
            let ratio = |x: f64| if floor.mean > 0.0 { x / floor.mean } else { 0.0 };
            self.band = Some((samples, ratio(floor.low), ratio(floor.high)));
        }
        let (_, low, high) = self.band?;
        if self.taus.as_ref().is_none_or(|(then, _, _)| due(*then, samples)) {
            self.taus = Some((samples, self.tau_energy(), self.slowest_unit()));
        }
        let (_, energy, slowest) = self.taus.as_ref()?;
        if new_point {
            push_thinned(&mut self.floor_mean, [sweeps, mean]);
            push_thinned(&mut self.floor_low, [sweeps, mean * low]);
            push_thinned(&mut self.floor_high, [sweeps, mean * high]);
        }
        let tau = energy
            .iter()
            .chain(slowest.as_ref().map(|s| &s.1))
            .map(|a| a.tau)
            .fold(1.0f64, f64::max);
        let converged = energy
            .iter()
            .chain(slowest.as_ref().map(|s| &s.1))
            .all(|a| a.converged);
        Some(MixingView {
            tau_energy: energy.map(|a| a.tau),
            converged,
            slowest_unit: slowest.map(|(u, a)| (u, a.tau)),
            ess: samples as f64 / tau,
            floor_mean: mean,
            floor_band: (mean * low, mean * high),
        })
    }

    /// The floor curves (sweeps, value): mean, 99 % band low end, high end.
    pub fn floor_curves(&self) -> [Vec<[f64; 2]>; 3] {
        [
            self.floor_mean.clone(),
            self.floor_low.clone(),
            self.floor_high.clone(),
        ]
    }

    fn tau_energy(&self) -> Option<Autocorrelation> {
        integrated_autocorrelation_time(recent(&self.energies))
    }

    fn slowest_unit(&self) -> Option<(usize, Autocorrelation)> {
        (0..self.units)
            .filter_map(|u| {
                let series: Vec<f64> = recent(&self.states)
                    .iter()
                    .map(|&s| f64::from((s >> u) & 1))
                    .collect();
                integrated_autocorrelation_time(&series).map(|a| (u, a))
            })
            .max_by(|a, b| a.1.tau.total_cmp(&b.1.tau))
    }
}
