//! What the views of a small net need that is costly to compute: the histogram of sampled
//! states, the exact distribution at the current T, the total-variation curve and the energy
//! landscape, each cached until the weights or T change.

use super::curve::push_thinned;
use super::mixing_tracker::MixingTracker;
use super::model::Model;
use super::protocol::{DistributionView, LandscapeView, StateRow};
use crate::engine::exact;
use crate::engine::landscape::{Landscape, MAX_LANDSCAPE_UNITS, index_of, landscape};
use crate::engine::math::total_variation;
use std::sync::Arc;

/// Nets up to this many units get the exact distribution view.
pub const MAX_DISTRIBUTION_UNITS: usize = 12;

/// A state with its energy and exact probability, ordered by energy in the cache.
#[derive(Clone, Copy, Debug)]
struct ExactState {
    index: usize,
    energy: f64,
    probability: f64,
}

/// The exact distribution at one T for one set of weights.
#[derive(Clone, Debug)]
struct ExactDistribution {
    temperature: f64,
    weights_generation: u64,
    states: Vec<ExactState>,
    log_z: f64,
}

/// The landscape of one set of weights.
#[derive(Clone, Debug)]
struct CachedLandscape {
    weights_generation: u64,
    landscape: Arc<Landscape>,
}

/// The histogram, the TV curve and the exact caches of a small net.
#[derive(Clone, Debug, Default)]
pub struct ViewCache {
    histogram: Vec<u64>,
    samples: u64,
    tv_curve: Vec<[f64; 2]>,
    exact: Option<ExactDistribution>,
    landscape: Option<CachedLandscape>,
    mixing: MixingTracker,
}

fn small_net_units(model: &Model) -> Option<usize> {
    match model {
        Model::Net(m) if m.bm.n() <= MAX_DISTRIBUTION_UNITS => Some(m.bm.n()),
        _ => None,
    }
}

impl ViewCache {
    /// Empties the histogram and the TV curve (after an edit, a new T or new weights).
    pub fn reset_histogram(&mut self, model: &Model) {
        self.histogram = small_net_units(model).map_or_else(Vec::new, |n| vec![0; 1 << n]);
        self.samples = 0;
        self.tv_curve.clear();
        self.exact = None;
        self.mixing.reset(small_net_units(model).unwrap_or(0));
    }

    /// Counts the main chain's state after a sweep.
    pub fn record(&mut self, model: &Model) {
        if let (Model::Net(m), Some(_)) = (model, small_net_units(model)) {
            let idx = exact::index_of_pattern(m.chain.state());
            if let Some(c) = self.histogram.get_mut(idx) {
                *c += 1;
                self.samples += 1;
                self.mixing.record(idx, m.chain.energy(&m.bm));
            }
        }
    }

    /// The exact distribution at `t` beside the histogram (nets of at most
    /// [`MAX_DISTRIBUTION_UNITS`] units, T > 0); adds a point to the TV curve at `sweeps`.
    pub fn distribution(
        &mut self,
        model: &Model,
        t: f64,
        weights_generation: u64,
        sweeps: f64,
    ) -> Option<DistributionView> {
        let Model::Net(m) = model else { return None };
        if m.bm.n() > MAX_DISTRIBUTION_UNITS || t <= 0.0 {
            return None;
        }
        let fresh = self
            .exact
            .as_ref()
            .is_some_and(|e| e.temperature == t && e.weights_generation == weights_generation);
        if !fresh {
            let p = exact::distribution(&m.bm, t).ok()?;
            let log_z = exact::log_partition(&m.bm, t).ok()?;
            let n = m.bm.n();
            let mut states: Vec<ExactState> = (0..p.len())
                .map(|index| {
                    let s: Vec<u8> = (0..n).map(|i| (index >> i & 1) as u8).collect();
                    ExactState {
                        index,
                        energy: m.bm.energy(&s),
                        probability: p[index],
                    }
                })
                .collect();
            self.mixing.set_exact(&p);
            states.sort_by(|a, b| a.energy.total_cmp(&b.energy));
            self.exact = Some(ExactDistribution {
                temperature: t,
                weights_generation,
                states,
                log_z,
            });
        }
        let exact = self.exact.as_ref()?;
        let total = self.samples.max(1) as f64;
        let rows: Vec<StateRow> = exact
            .states
            .iter()
            .map(|s| StateRow {
                index: s.index,
                energy: s.energy,
                exact: s.probability,
                sampled: self.histogram.get(s.index).copied().unwrap_or(0) as f64 / total,
            })
            .collect();
        let tv = if self.samples == 0 {
            1.0
        } else {
            let p: Vec<f64> = rows.iter().map(|r| r.exact).collect();
            let q: Vec<f64> = rows.iter().map(|r| r.sampled).collect();
            total_variation(&p, &q)
        };
        let new_point = self.samples > 0 && self.tv_curve.last().is_none_or(|l| l[0] < sweeps);
        if new_point {
            push_thinned(&mut self.tv_curve, [sweeps, tv]);
        }
        let mixing = self.mixing.view(self.samples, sweeps, new_point);
        let [floor_mean, floor_low, floor_high] = self.mixing.floor_curves();
        Some(DistributionView {
            states: rows,
            log_z: exact.log_z,
            total_variation: tv,
            samples: self.samples,
            tv_curve: self.tv_curve.clone(),
            floor_mean,
            floor_low,
            floor_high,
            mixing,
        })
    }

    /// The energy landscape of a small net (cached per weights) with where both chains are.
    pub fn landscape(&mut self, model: &Model, weights_generation: u64) -> Option<LandscapeView> {
        let Model::Net(m) = model else { return None };
        if m.bm.n() > MAX_LANDSCAPE_UNITS {
            return None;
        }
        let fresh = self
            .landscape
            .as_ref()
            .is_some_and(|c| c.weights_generation == weights_generation);
        if !fresh {
            self.landscape = Some(CachedLandscape {
                weights_generation,
                landscape: Arc::new(landscape(&m.bm).ok()?),
            });
        }
        let cached = self.landscape.as_ref()?;
        Some(LandscapeView {
            landscape: cached.landscape.clone(),
            energy_offset: m.energy_offset,
            state: index_of(m.chain.state()),
            descent_state: index_of(m.twin.state()),
        })
    }
}
