//! Hopfield recall against known capacities (N = 100, 10 % of bits flipped).
//!
//! Known results: Hebbian storage keeps near-perfect recall up to about 0.11 N; Storkey's rule
//! to about 0.3 N at this size; the pseudo-inverse rule to about 0.4 N with these cues.
//! Each figure below is over `TRIALS` independent nets (TRIALS × p cues), so the standard error
//! of a recall fraction near 0.95 is about √(0.05·0.95 / (TRIALS·p)) ≤ 0.02.

use boltzviz::engine::SimRng;
use boltzviz::engine::boltzmann::UpdateOrder;
use boltzviz::engine::capacity::{CapacityConfig, capacity_sweep};
use boltzviz::engine::hopfield::{Convergence, Hopfield, HopfieldRule};

const TRIALS: usize = 12;

fn recall(rule: HopfieldRule, p: usize, seed: u64) -> f64 {
    let config = CapacityConfig {
        n: 100,
        rule,
        noise: 0.1,
        trials: TRIALS,
        pattern_counts: vec![p],
    };
    let points =
        capacity_sweep(&config, &mut SimRng::seed_from_u64(seed), |_, _| {}).expect("sweep");
    points[0].recalled
}

#[test]
fn hebbian_recalls_up_to_about_eleven_patterns_and_fails_well_beyond() {
    let at_capacity = recall(HopfieldRule::Hebbian, 11, 1);
    assert!(at_capacity >= 0.9, "Hebbian at p = 11: {at_capacity}");
    let beyond = recall(HopfieldRule::Hebbian, 25, 2);
    assert!(
        beyond < 0.5,
        "Hebbian at p = 25 should fail often: {beyond}"
    );
}

#[test]
fn storkey_recalls_up_to_about_thirty_patterns() {
    let r = recall(HopfieldRule::Storkey, 30, 3);
    assert!(r >= 0.9, "Storkey at p = 30: {r}");
    let hebb = recall(HopfieldRule::Hebbian, 30, 3);
    assert!(hebb < 0.2, "Hebbian at p = 30 must be far worse: {hebb}");
}

#[test]
fn pseudo_inverse_recalls_up_to_about_forty_patterns() {
    let r = recall(HopfieldRule::PseudoInverse, 40, 4);
    assert!(r >= 0.9, "pseudo-inverse at p = 40: {r}");
}

#[test]
fn synchronous_updates_detect_two_cycles() {
    // Two units joined by a negative weight, started equal: synchronous updates swap them forever.
    let net = Hopfield::from_weights(vec![0.0, -1.0, -1.0, 0.0], vec![0.0, 0.0]).expect("valid");
    let mut state = vec![1, 1];
    let mut rng = SimRng::seed_from_u64(0);
    let end = net
        .run_to_fixed_point(&mut state, UpdateOrder::Synchronous, 10, &mut rng)
        .expect("run");
    assert!(matches!(end, Convergence::TwoCycle { .. }), "{end:?}");
    let mut state = vec![1, 1];
    let end = net
        .run_to_fixed_point(&mut state, UpdateOrder::Sequential, 10, &mut rng)
        .expect("run");
    assert!(matches!(end, Convergence::FixedPoint { .. }));
    assert_eq!(
        state,
        vec![-1, 1],
        "unit 0 flips (h = −1), then unit 1 stays (h = +1): a minimum"
    );
}

#[test]
fn overlaps_identify_the_recalled_letter() {
    let letters = boltzviz::engine::patterns::letters();
    let spins: Vec<Vec<i8>> = letters
        .patterns
        .iter()
        .map(|p| boltzviz::engine::spins::spins_from_bits(p))
        .collect();
    let net = Hopfield::store(100, &spins, HopfieldRule::PseudoInverse).expect("store");
    let mut rng = SimRng::seed_from_u64(6);
    let mut cue = spins[2].clone();
    for i in (0..100).step_by(9) {
        cue[i] = -cue[i];
    }
    net.run_to_fixed_point(&mut cue, UpdateOrder::Random, 50, &mut rng)
        .expect("run");
    let overlaps = net.overlaps(&cue);
    assert_eq!(overlaps[2], 1.0, "{overlaps:?}");
}

/// The first demo works: every default letter, stored by the Hebbian rule, comes back exactly
/// at T = 0 from 20 % of its units flipped, in each of 100 corruptions; with C added (the
/// five letters of lesson 2) recall fails for C in most of them. (The rates are what the
/// default letters were chosen by.)
#[test]
fn the_default_letters_are_recalled_and_the_crowded_five_are_not() {
    use boltzviz::engine::patterns::{crowded_letters, letters};
    use boltzviz::sim::Simulation;
    use boltzviz::sim::protocol::{Command, ModelSpec, TrainingSource};
    use boltzviz::sim::simulation::nearest_pattern;
    let recalled = |set: &boltzviz::engine::patterns::PatternSet, shown: usize| {
        (1..=100u64)
            .filter(|&seed| {
                let spec = ModelSpec {
                    source: TrainingSource::Drawn,
                    rule: HopfieldRule::Hebbian,
                    seed,
                    ..ModelSpec::default()
                };
                let mut rng = SimRng::seed_from_u64(seed);
                let model = boltzviz::sim::model::build(&spec, set, &mut rng).expect("model");
                let mut sim = Simulation::from_model(spec, model, set.clone()).expect("sim");
                for c in [
                    Command::SetTemperature(0.0),
                    Command::ShowPattern(shown),
                    Command::AddNoise(0.2),
                    Command::Step(30),
                ] {
                    sim.apply(c).expect("command");
                }
                let visible = sim.snapshot().visible;
                nearest_pattern(&set.patterns, &visible) == Some((shown, 1.0))
            })
            .count()
    };
    let four = letters();
    for shown in 0..four.patterns.len() {
        assert_eq!(recalled(&four, shown), 100, "letter {shown}");
    }
    let five = crowded_letters();
    assert!(recalled(&five, 1) < 10, "C among five letters");
}
