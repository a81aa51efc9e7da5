//! Bad input returns an error that says what is wrong; nothing panics.

use boltzviz::engine::SimRng;
use boltzviz::engine::ais::{AisConfig, ais_log_partition};
use boltzviz::engine::anneal::Schedule;
use boltzviz::engine::boltzmann::{BoltzmannMachine, Chain, Connectivity, UpdateOrder};
use boltzviz::engine::exact;
use boltzviz::engine::hopfield::{Hopfield, HopfieldRule};
use boltzviz::engine::patterns::parse_patterns;
use boltzviz::engine::rbm::Rbm;
use boltzviz::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use ndarray::{Array1, Array2};

fn message<T: std::fmt::Debug>(r: Result<T, boltzviz::engine::EngineError>) -> String {
    r.expect_err("must be refused").to_string()
}

#[test]
fn every_kind_of_bad_input_is_named() {
    let mut rng = SimRng::seed_from_u64(0);
    // Mismatched sizes.
    assert!(
        message(BoltzmannMachine::from_weights(
            3,
            vec![0.0; 4],
            vec![0.0; 3],
            Connectivity::Full
        ))
        .contains("expected 9, got 4")
    );
    assert!(
        message(Rbm::from_parts(
            Array2::zeros((4, 2)),
            Array1::zeros(3),
            Array1::zeros(2)
        ))
        .contains("visible biases")
    );
    assert!(
        message(Hopfield::store(4, &[vec![1, -1, 1]], HopfieldRule::Hebbian)).contains("pattern 0")
    );
    // NaN and infinities.
    assert!(
        message(Rbm::from_parts(
            Array2::from_elem((2, 2), f32::INFINITY),
            Array1::zeros(2),
            Array1::zeros(2)
        ))
        .contains("finite")
    );
    assert!(
        message(BoltzmannMachine::from_weights(
            2,
            vec![0.0; 4],
            vec![f64::NAN, 0.0],
            Connectivity::Full
        ))
        .contains("biases must be finite")
    );
    // Negative temperatures, in every place a temperature goes.
    let bm = BoltzmannMachine::random(4, 0, Connectivity::Full, 1.0, 1.0, &mut rng).expect("bm");
    let mut chain = Chain::random(&bm, &mut rng);
    assert!(message(chain.sweep(&bm, -0.5, UpdateOrder::Random, &mut rng)).contains("temperature"));
    assert!(message(exact::log_partition(&bm, -1.0)).contains("T > 0"));
    assert!(
        message(
            Schedule::Linear {
                t_start: 2.0,
                t_end: -1.0,
                steps: 3,
                sweeps: 1
            }
            .steps()
        )
        .contains("temperature")
    );
    // Empty data.
    assert!(message(matrix_from_patterns(&[])).contains("empty"));
    assert!(message(exact::kl_data_model(&bm, 1.0, &[])).contains("empty"));
    let mut rbm = Rbm::random(3, 2, 0.1, &mut rng).expect("rbm");
    let mut trainer = RbmTrainer::new(&rbm, RbmTrainConfig::default()).expect("config");
    assert!(
        message(trainer.train_epoch(&mut rbm, &Array2::zeros((0, 3)), &mut rng)).contains("empty")
    );
    assert!(
        message(trainer.train_epoch(&mut rbm, &Array2::zeros((5, 4)), &mut rng))
            .contains("expected 3, got 4")
    );
    assert!(
        message(RbmTrainer::new(
            &rbm,
            RbmTrainConfig {
                momentum: 1.5,
                ..RbmTrainConfig::default()
            }
        ))
        .contains("momentum")
    );
    assert!(
        message(ais_log_partition(
            &rbm,
            &Array1::zeros(2),
            &AisConfig::default(),
            &mut rng
        ))
        .contains("AIS base biases")
    );
    // Sizes that would need absurd memory or time are refused before allocating.
    assert!(message(Rbm::random(200_000, 10, 0.1, &mut rng)).contains("too large"));
    let big = BoltzmannMachine::new(40, 0, Connectivity::Full).expect("bm");
    assert!(message(exact::log_partition(&big, 1.0)).contains("too many to enumerate"));
    // Broken text data names its line.
    assert!(message(parse_patterns("0011\n0102\n")).contains("line 2"));
}

/// A learning step that would push a parameter past ±10⁶ (or to NaN) is refused and leaves the
/// machine exactly as it was (the RBM's epoch: a unit test in `rbm_train`).
#[test]
fn diverging_learning_is_refused_and_undone() {
    use boltzviz::engine::learning::{Update, apply_update};
    let mut rng = SimRng::seed_from_u64(4);
    let mut bm =
        BoltzmannMachine::random(3, 0, Connectivity::Full, 0.5, 0.5, &mut rng).expect("bm");
    let before = bm.clone();
    let mut delta_weights = vec![0.0; 9];
    (delta_weights[1], delta_weights[3]) = (2e6, 2e6);
    let update = Update {
        delta_weights,
        delta_biases: vec![0.0; 3],
    };
    let text = message(apply_update(&mut bm, &update));
    assert!(text.contains("diverged") && text.contains("1e6"), "{text}");
    assert_eq!(bm, before, "the machine kept its parameters");
}

/// Weights beyond ±10⁶ (finite or not) are refused when a model is made from them, so every
/// energy and log-sum-exp downstream stays finite.
#[test]
fn absurd_parameters_are_refused_on_load() {
    let w = vec![0.0, 1e308, 1e308, 0.0];
    let text = message(BoltzmannMachine::from_weights(
        2,
        w,
        vec![0.0; 2],
        Connectivity::Full,
    ));
    assert!(text.contains("1e308") && text.contains("1e6"), "{text}");
}
