//! Gibbs sampling against the exact Boltzmann distribution, and against deliberately wrong
//! samplers to show the check can fail.
//!
//! Tolerance: for N independent draws from P, E[TV] ≈ ½ Σₛ √(2 pₛ(1−pₛ) / (π N)) (the mean of
//! a half-normal per state). Gibbs samples thinned by a few sweeps are nearly independent, so the
//! empirical TV must lie within 1.5× that expectation (plus a little for the residual
//! autocorrelation), while a wrong sampler's bias does not shrink with N.

use boltzviz::engine::SimRng;
use boltzviz::engine::boltzmann::{BoltzmannMachine, Chain, Connectivity, UpdateOrder};
use boltzviz::engine::exact;
use boltzviz::engine::math::{sigmoid, total_variation};

const N_UNITS: usize = 10;
const SAMPLES: usize = 200_000;
const THIN: usize = 3;

fn machine() -> BoltzmannMachine {
    let mut rng = SimRng::seed_from_u64(2024);
    BoltzmannMachine::random(N_UNITS, 0, Connectivity::Full, 0.6, 0.4, &mut rng).expect("bm")
}

fn expected_independent_tv(p: &[f64], n: usize) -> f64 {
    0.5 * p
        .iter()
        .map(|&pi| (2.0 * pi * (1.0 - pi) / (std::f64::consts::PI * n as f64)).sqrt())
        .sum::<f64>()
}

fn histogram(mut draw: impl FnMut() -> usize) -> Vec<f64> {
    let mut counts = vec![0.0; 1 << N_UNITS];
    for _ in 0..SAMPLES {
        counts[draw()] += 1.0;
    }
    counts.iter().map(|c| c / SAMPLES as f64).collect()
}

fn index(state: &[u8]) -> usize {
    exact::index_of_pattern(state)
}

fn max_pair_error(p_emp: &[f64], p_exact: &[f64]) -> f64 {
    let mut worst: f64 = 0.0;
    for i in 0..N_UNITS {
        for j in 0..i {
            let corr = |p: &[f64]| -> f64 {
                p.iter()
                    .enumerate()
                    .filter(|(s, _)| s >> i & 1 == 1 && s >> j & 1 == 1)
                    .map(|(_, q)| q)
                    .sum()
            };
            worst = worst.max((corr(p_emp) - corr(p_exact)).abs());
        }
    }
    worst
}

/// A correct sampler passes at three temperatures.
#[test]
fn gibbs_sampling_matches_the_exact_distribution() {
    let bm = machine();
    for (t, seed) in [(0.5, 1u64), (1.0, 2), (2.0, 3)] {
        let exact_p = exact::distribution(&bm, t).expect("enumerable");
        let mut rng = SimRng::seed_from_u64(seed);
        let mut chain = Chain::random(&bm, &mut rng);
        chain
            .run(&bm, t, 100, UpdateOrder::Random, &mut rng)
            .expect("burn-in");
        let emp = histogram(|| {
            chain
                .run(&bm, t, THIN, UpdateOrder::Sequential, &mut rng)
                .expect("run");
            index(chain.state())
        });
        let tv = total_variation(&emp, &exact_p);
        let bound = 1.5 * expected_independent_tv(&exact_p, SAMPLES);
        assert!(tv < bound, "T = {t}: TV {tv:.4} exceeds {bound:.4}");
        // Pair correlations: standard error ≤ 0.5/√N per pair; allow 5σ with autocorrelation.
        assert!(max_pair_error(&emp, &exact_p) < 5.0 * 0.5 / (SAMPLES as f64).sqrt() * 2.0);
    }
}

/// The double-precision single sweep (what the app's stepping uses; `run` above takes the
/// register path for nets this small) passes too, in random scan order as well.
#[test]
fn single_sweeps_match_the_exact_distribution() {
    let bm = machine();
    let t = 1.0;
    let exact_p = exact::distribution(&bm, t).expect("enumerable");
    for (order, seed) in [(UpdateOrder::Sequential, 6u64), (UpdateOrder::Random, 7)] {
        let mut rng = SimRng::seed_from_u64(seed);
        let mut chain = Chain::random(&bm, &mut rng);
        let emp = histogram(|| {
            for _ in 0..THIN {
                chain.sweep(&bm, t, order, &mut rng).expect("sweep");
            }
            index(chain.state())
        });
        let tv = total_variation(&emp, &exact_p);
        let bound = 1.5 * expected_independent_tv(&exact_p, SAMPLES);
        assert!(tv < bound, "{order:?}: TV {tv:.4} exceeds {bound:.4}");
    }
}

/// Updating every unit at once from the old state (synchronous "Gibbs") is not a Gibbs sampler
/// of P: the TV and the pair correlations catch it.
#[test]
fn the_check_rejects_a_sampler_that_updates_all_units_at_once() {
    let bm = machine();
    let t = 1.0;
    let exact_p = exact::distribution(&bm, t).expect("enumerable");
    let mut rng = SimRng::seed_from_u64(4);
    let mut state: Vec<u8> = vec![0; N_UNITS];
    let emp = histogram(|| {
        let inputs: Vec<f64> = (0..N_UNITS).map(|i| bm.input(&state, i)).collect();
        for (s, x) in state.iter_mut().zip(inputs) {
            *s = u8::from(rng.uniform() < sigmoid(x / t));
        }
        index(&state)
    });
    let tv = total_variation(&emp, &exact_p);
    let bound = 1.5 * expected_independent_tv(&exact_p, SAMPLES);
    assert!(
        tv > bound,
        "synchronous sampler went unnoticed: TV {tv:.4} ≤ {bound:.4}"
    );
    assert!(
        max_pair_error(&emp, &exact_p) > 0.02,
        "pair correlations should expose it"
    );
}

/// Using σ(2x/T) (the spin formula applied to 0/1 units: half the temperature) is caught.
#[test]
fn the_check_rejects_a_sampler_at_the_wrong_temperature() {
    let bm = machine();
    let t = 1.0;
    let exact_p = exact::distribution(&bm, t).expect("enumerable");
    let mut rng = SimRng::seed_from_u64(5);
    let mut chain = Chain::random(&bm, &mut rng);
    let emp = histogram(|| {
        chain
            .run(&bm, t / 2.0, THIN, UpdateOrder::Sequential, &mut rng)
            .expect("run");
        index(chain.state())
    });
    let tv = total_variation(&emp, &exact_p);
    let bound = 1.5 * expected_independent_tv(&exact_p, SAMPLES);
    assert!(
        tv > bound,
        "wrong temperature went unnoticed: TV {tv:.4} ≤ {bound:.4}"
    );
}
