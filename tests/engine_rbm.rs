//! RBMs on the bundled digits: exact log-likelihood well above the independent-pixel baseline,
//! and AIS agreeing with the exact log Z.

#![allow(clippy::needless_range_loop)]

use boltzviz::engine::SimRng;
use boltzviz::engine::ais::{AisConfig, ais_log_partition};
use boltzviz::engine::exact;
use boltzviz::engine::patterns;
use boltzviz::engine::rbm::{Rbm, RbmChains};
use boltzviz::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};

/// Mean log-likelihood of `test` under independent pixels with the (Laplace-smoothed) pixel means
/// of `train`: `Σᵢ [vᵢ log pᵢ + (1 − vᵢ) log(1 − pᵢ)]`.
fn independent_pixels_log_likelihood(train: &[Vec<u8>], test: &[Vec<u8>]) -> f64 {
    let n = train[0].len();
    let p: Vec<f64> = (0..n)
        .map(|i| {
            (train.iter().filter(|v| v[i] == 1).count() as f64 + 1.0) / (train.len() as f64 + 2.0)
        })
        .collect();
    test.iter()
        .map(|v| {
            (0..n)
                .map(|i| {
                    if v[i] == 1 {
                        p[i].ln()
                    } else {
                        (1.0 - p[i]).ln()
                    }
                })
                .sum::<f64>()
        })
        .sum::<f64>()
        / test.len() as f64
}

fn train_digits_rbm(epochs: usize, seed: u64) -> (Rbm, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let digits = patterns::digits().expect("bundled digits");
    let (train, test) = patterns::split(&digits.patterns, 0.1, 42);
    let data = matrix_from_patterns(&train).expect("matrix");
    let mut rng = SimRng::seed_from_u64(seed);
    let mut rbm = Rbm::random(64, 16, 0.01, &mut rng).expect("rbm");
    rbm.set_visible_bias_from_data(&data);
    let config = RbmTrainConfig {
        learning_rate: 0.1,
        lr_decay: 0.0,
        momentum: 0.5,
        weight_decay: 1e-4,
        batch_size: 20,
        cd_k: 1,
        persistent: false,
        ..RbmTrainConfig::default()
    };
    let mut trainer = RbmTrainer::new(&rbm, config).expect("config");
    for _ in 0..epochs {
        trainer
            .train_epoch(&mut rbm, &data, &mut rng)
            .expect("epoch");
    }
    (rbm, train, test)
}

#[test]
fn trained_rbm_beats_independent_pixels_on_held_out_digits() {
    let (rbm, train, test) = train_digits_rbm(100, 7);
    let baseline = independent_pixels_log_likelihood(&train, &test);
    let ll = exact::rbm_log_likelihood(&rbm, &test).expect("16 hidden units enumerate");
    println!("held-out log-likelihood: RBM {ll:.2} nats, independent pixels {baseline:.2} nats");
    assert!(baseline < -22.0 && baseline > -28.0, "baseline {baseline}");
    assert!(
        ll > baseline + 5.0,
        "RBM {ll:.2} is not far above the baseline {baseline:.2}"
    );
}

#[test]
fn ais_agrees_with_the_exact_log_partition_of_a_trained_rbm() {
    let (rbm, train, _) = train_digits_rbm(60, 8);
    let exact_log_z = exact::rbm_log_partition(&rbm).expect("enumerable");
    let mut base = rbm.clone();
    base.set_visible_bias_from_data(&matrix_from_patterns(&train).expect("matrix"));
    let estimate = ais_log_partition(
        &rbm,
        base.visible_bias(),
        &AisConfig::default(),
        &mut SimRng::seed_from_u64(3),
    )
    .expect("ais");
    println!(
        "exact log Z {exact_log_z:.4}, AIS {:.4} [{:.4}, {:.4}]",
        estimate.log_z, estimate.log_z_low, estimate.log_z_high
    );
    assert!(
        (estimate.log_z - exact_log_z).abs() < 0.1,
        "AIS {} vs exact {exact_log_z}",
        estimate.log_z
    );
    assert!(estimate.log_z_low <= estimate.log_z && estimate.log_z <= estimate.log_z_high);
}

#[test]
fn inpainting_keeps_clamped_pixels_and_samples_the_rest() {
    let (rbm, _, test) = train_digits_rbm(30, 9);
    let mut rng = SimRng::seed_from_u64(1);
    let mut chains = RbmChains::random(&rbm, 1, &mut rng);
    let digit = &test[0];
    for i in 0..32 {
        chains.visible[[0, i]] = f32::from(digit[i]);
        chains.clamped[i] = true;
    }
    for _ in 0..50 {
        chains.step(&rbm, 1.0, &mut rng);
    }
    for i in 0..32 {
        assert_eq!(chains.visible[[0, i]], f32::from(digit[i]));
    }
    assert!(chains.visible.iter().all(|&v| v == 0.0 || v == 1.0));
}
