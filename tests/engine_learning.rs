//! Boltzmann learning with hidden units models 3-bit parity, which no visible-only Boltzmann
//! machine can: parity's first and second moments equal the uniform distribution's, so the best
//! visible-only model is uniform, with KL(data ‖ model) = log 8 − log 4 = log 2 ≈ 0.693 nats.

use boltzviz::engine::boltzmann::{BoltzmannMachine, Connectivity};
use boltzviz::engine::exact;
use boltzviz::engine::learning::{
    LearningSettings, PhaseSettings, learning_step, negative_phase, positive_phase,
};
use boltzviz::engine::patterns;
use boltzviz::engine::{EngineError, SimRng};

#[test]
fn hidden_units_learn_parity_below_the_visible_only_optimum() {
    let data = patterns::parity(3).patterns;
    let mut rng = SimRng::seed_from_u64(17);
    let mut bm =
        BoltzmannMachine::random(3, 4, Connectivity::Full, 0.5, 0.0, &mut rng).expect("bm");
    let mut settings = LearningSettings {
        learning_rate: 0.3,
        weight_decay: 0.0,
        positive: PhaseSettings {
            burn_in: 3,
            sample_sweeps: 20,
            ..PhaseSettings::default()
        },
        negative: PhaseSettings {
            burn_in: 3,
            sample_sweeps: 20,
            ..PhaseSettings::default()
        },
        persistent: true,
        negative_chains: 20,
    };
    let kl_start = exact::kl_data_model(&bm, 1.0, &data).expect("small");
    let mut chains = Vec::new();
    // A large rate to travel, then a small one so sampling noise does not shake the result.
    for step in 0..3000 {
        if step == 2000 {
            settings.learning_rate = 0.03;
        }
        learning_step(&mut bm, &data, &mut chains, &settings, &mut rng).expect("step");
    }
    let kl = exact::kl_data_model(&bm, 1.0, &data).expect("small");
    println!(
        "KL(data‖model): start {kl_start:.3}, after learning {kl:.3}, visible-only optimum {:.3}",
        2f64.ln()
    );
    assert!(kl < 0.25, "KL {kl} is not well below log 2");
}

#[test]
fn phases_refuse_bad_input_with_a_reason() {
    let bm = BoltzmannMachine::new(3, 1, Connectivity::Full).expect("bm");
    let mut rng = SimRng::seed_from_u64(0);
    let s = PhaseSettings::default();
    assert_eq!(
        positive_phase(&bm, &[], &s, 1.0, &mut rng),
        Err(EngineError::EmptyData)
    );
    let err = positive_phase(&bm, &[vec![1, 0]], &s, 1.0, &mut rng).expect_err("wrong size");
    assert!(err.to_string().contains("expected 3, got 2"), "{err}");
    let err = positive_phase(&bm, &[vec![1, 0, 1]], &s, -1.0, &mut rng).expect_err("T < 0");
    assert!(err.to_string().contains("temperature"), "{err}");
    let bad = LearningSettings {
        learning_rate: f64::NAN,
        ..LearningSettings::default()
    };
    let mut chains = Vec::new();
    assert!(
        negative_phase(&bm, &mut chains, &bad, 1.0, &mut rng).is_ok(),
        "sampling itself does not use η"
    );
    let mut bm2 = bm.clone();
    let err = learning_step(&mut bm2, &[vec![1, 0, 1]], &mut chains, &bad, &mut rng)
        .expect_err("NaN rate");
    assert!(err.to_string().contains("learning rate"), "{err}");
}
