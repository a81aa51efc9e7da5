//! Hinton's learning rules for RBMs against one-step updates derived by hand, and the fast exact
//! log-likelihood (matrix products + vectorized softplus) against independent enumerations.
//!
//! The update-rule tests run two trainers from the same RBM with the same seed: the random
//! numbers, the batch order and hence the CD gradient ∇ of a step taken from the same weights are
//! the same, so the difference of their parameters is what the rule alone adds, derived by hand.

#![allow(clippy::needless_range_loop)]

use boltzviz::engine::SimRng;
use boltzviz::engine::exact;
use boltzviz::engine::rbm::Rbm;
use boltzviz::engine::rbm_exact;
use boltzviz::engine::rbm_train::{RbmTrainConfig, RbmTrainer, Sparsity, matrix_from_patterns};
use ndarray::{Array1, Array2};

/// Eight random 0/1 rows of six units (fixed seed).
fn data(rng: &mut SimRng) -> Array2<f32> {
    Array2::from_shape_fn((8, 6), |_| if rng.uniform() < 0.4 { 1.0 } else { 0.0 })
}

fn rbm(seed: u64) -> Rbm {
    let mut rng = SimRng::seed_from_u64(seed);
    let w = Array2::from_shape_fn((6, 4), |_| 0.5 * rng.normal() as f32);
    let b = Array1::from_shape_fn(6, |_| 0.3 * rng.normal() as f32);
    let c = Array1::from_shape_fn(4, |_| 0.3 * rng.normal() as f32);
    Rbm::from_parts(w, b, c).expect("rbm")
}

/// One-batch epochs (the batch is the whole data) with `config`, from `rbm(7)` and seed 11.
fn run(config: RbmTrainConfig, epochs: usize) -> Vec<Rbm> {
    let mut r = rbm(7);
    let x = data(&mut SimRng::seed_from_u64(3));
    let mut trainer = RbmTrainer::new(
        &r,
        RbmTrainConfig {
            batch_size: x.nrows(),
            ..config
        },
    )
    .expect("config");
    let mut rng = SimRng::seed_from_u64(11);
    let mut states = vec![r.clone()];
    for _ in 0..epochs {
        trainer.train_epoch(&mut r, &x, &mut rng).expect("epoch");
        states.push(r.clone());
    }
    states
}

fn plain() -> RbmTrainConfig {
    RbmTrainConfig {
        learning_rate: 0.1,
        momentum: 0.0,
        weight_decay: 0.0,
        ..RbmTrainConfig::default()
    }
}

fn assert_close(a: &Array2<f32>, b: &Array2<f32>, tol: f32, what: &str) {
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol, "{what}: {x} vs {y}");
    }
}

#[test]
fn weight_decay_subtracts_eta_lambda_w() {
    // Δ = η(∇ − λW₀) = Δ_plain − ηλW₀ on the first step.
    let (eta, lambda) = (0.1f32, 0.01f32);
    let a = run(plain(), 1);
    let b = run(
        RbmTrainConfig {
            weight_decay: lambda,
            ..plain()
        },
        1,
    );
    let w0 = a[0].weights();
    let expected = a[1].weights() - &(w0 * (eta * lambda));
    assert_close(b[1].weights(), &expected, 1e-6, "W after a decayed step");
    // Biases are not decayed.
    assert_eq!(a[1].hidden_bias(), b[1].hidden_bias());
}

#[test]
fn momentum_adds_mu_times_the_last_step() {
    // Velocity starts at 0, so step 1 is the same; step 2 from the same W₁ adds μ(W₁ − W₀).
    for (switch, mu_second) in [(None, 0.5f32), (Some(1), 0.9f32)] {
        let a = run(plain(), 2);
        let b = run(
            RbmTrainConfig {
                momentum: 0.5,
                final_momentum: 0.9,
                momentum_switch_epoch: switch,
                ..plain()
            },
            2,
        );
        assert_close(b[1].weights(), a[1].weights(), 0.0, "first step");
        let last_step = a[1].weights() - a[0].weights();
        let expected = a[2].weights() + &(last_step * mu_second);
        assert_close(b[2].weights(), &expected, 1e-6, "second step");
    }
}

#[test]
fn learning_rate_schedule_is_eta_over_one_plus_delta_e() {
    let mut r = rbm(7);
    let x = data(&mut SimRng::seed_from_u64(3));
    let config = RbmTrainConfig {
        learning_rate: 0.2,
        lr_decay: 0.5,
        batch_size: 8,
        ..plain()
    };
    let mut trainer = RbmTrainer::new(&r, config).expect("config");
    let mut rng = SimRng::seed_from_u64(1);
    for e in 0..4 {
        let stats = trainer.train_epoch(&mut r, &x, &mut rng).expect("epoch");
        let expected = 0.2 / (1.0 + 0.5 * e as f32);
        assert!((stats.learning_rate - expected).abs() < 1e-7, "epoch {e}");
    }
}

#[test]
fn linear_annealing_brings_the_rate_to_zero_at_the_last_epoch() {
    // η_e = η / (1 + δe) · max(0, 1 − e/E) with η = 0.3, δ = 0.1, E = 4.
    let mut r = rbm(7);
    let x = data(&mut SimRng::seed_from_u64(3));
    let config = RbmTrainConfig {
        learning_rate: 0.3,
        lr_decay: 0.1,
        anneal_to_epoch: Some(4),
        batch_size: 8,
        ..plain()
    };
    let mut trainer = RbmTrainer::new(&r, config).expect("config");
    let mut rng = SimRng::seed_from_u64(1);
    for (e, expected) in [0.3f32, 0.3 / 1.1 * 0.75, 0.3 / 1.2 * 0.5, 0.3 / 1.3 * 0.25]
        .into_iter()
        .enumerate()
    {
        let stats = trainer.train_epoch(&mut r, &x, &mut rng).expect("epoch");
        assert!((stats.learning_rate - expected).abs() < 1e-7, "epoch {e}");
    }
}

#[test]
fn sparsity_pulls_hidden_biases_by_cost_times_q_minus_p() {
    // q = mean over the batch of σ(cⱼ + Σᵢ vᵢWᵢⱼ), computed here in f64 from the start RBM;
    // the penalty changes ∇cⱼ by −cost(qⱼ − p) and ∇Wᵢⱼ by −cost(qⱼ − p)·mean(vᵢ).
    let (eta, p, cost) = (0.1f64, 0.05f64, 0.5f64);
    let start = rbm(7);
    let x = data(&mut SimRng::seed_from_u64(3));
    let q: Vec<f64> = (0..4)
        .map(|j| {
            x.rows()
                .into_iter()
                .map(|v| {
                    let a = f64::from(start.hidden_bias()[j])
                        + (0..6)
                            .map(|i| f64::from(v[i]) * f64::from(start.weights()[[i, j]]))
                            .sum::<f64>();
                    1.0 / (1.0 + (-a).exp())
                })
                .sum::<f64>()
                / 8.0
        })
        .collect();
    let v_mean: Vec<f64> = (0..6)
        .map(|i| x.column(i).iter().map(|&v| f64::from(v)).sum::<f64>() / 8.0)
        .collect();
    let a = run(plain(), 1);
    let b = run(
        RbmTrainConfig {
            sparsity: Some(Sparsity {
                target: p as f32,
                cost: cost as f32,
            }),
            ..plain()
        },
        1,
    );
    for j in 0..4 {
        let got = f64::from(b[1].hidden_bias()[j] - a[1].hidden_bias()[j]);
        let expected = -eta * cost * (q[j] - p);
        assert!((got - expected).abs() < 1e-6, "c[{j}]: {got} vs {expected}");
        for i in 0..6 {
            let got = f64::from(b[1].weights()[[i, j]] - a[1].weights()[[i, j]]);
            let expected = -eta * cost * (q[j] - p) * v_mean[i];
            assert!((got - expected).abs() < 1e-6, "W[{i},{j}]");
        }
    }
    // Visible biases do not feel the penalty.
    assert_eq!(a[1].visible_bias(), b[1].visible_bias());
}

#[test]
fn bad_rules_are_refused() {
    let r = rbm(1);
    for bad in [
        RbmTrainConfig {
            final_momentum: 1.0,
            ..plain()
        },
        RbmTrainConfig {
            final_momentum: f32::NAN,
            ..plain()
        },
        RbmTrainConfig {
            sparsity: Some(Sparsity {
                target: 0.0,
                cost: 1.0,
            }),
            ..plain()
        },
        RbmTrainConfig {
            sparsity: Some(Sparsity {
                target: 0.1,
                cost: f32::NAN,
            }),
            ..plain()
        },
    ] {
        assert!(RbmTrainer::new(&r, bad.clone()).is_err(), "{bad:?}");
    }
}

/// `log Σ_{v,h} e^(bᵀv + cᵀh + vᵀWh)` by visiting every joint state, in f64.
fn brute_force_log_z(rbm: &Rbm) -> f64 {
    let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
    let mut terms = Vec::new();
    for vs in 0..1usize << nv {
        for hs in 0..1usize << nh {
            let v = |i: usize| ((vs >> i) & 1) as f64;
            let h = |j: usize| ((hs >> j) & 1) as f64;
            let mut e = 0.0;
            for i in 0..nv {
                e += v(i) * f64::from(rbm.visible_bias()[i]);
                for j in 0..nh {
                    e += v(i) * h(j) * f64::from(rbm.weights()[[i, j]]);
                }
            }
            for j in 0..nh {
                e += h(j) * f64::from(rbm.hidden_bias()[j]);
            }
            terms.push(e);
        }
    }
    let m = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln()
}

fn random_rbm(nv: usize, nh: usize, scale: f64, seed: u64) -> Rbm {
    let mut rng = SimRng::seed_from_u64(seed);
    let w = Array2::from_shape_fn((nv, nh), |_| (scale * rng.normal()) as f32);
    let b = Array1::from_shape_fn(nv, |_| (scale * rng.normal()) as f32);
    let c = Array1::from_shape_fn(nh, |_| (scale * rng.normal()) as f32);
    Rbm::from_parts(w, b, c).expect("rbm")
}

#[test]
fn fast_log_z_equals_the_sum_over_every_joint_state() {
    // Both layer orders (hidden enumerated, visible enumerated), mild and large weights.
    for (nv, nh, scale, seed) in [
        (5, 4, 0.5, 1),
        (4, 6, 2.0, 2),
        (7, 3, 4.0, 3),
        (3, 3, 0.1, 4),
    ] {
        let rbm = random_rbm(nv, nh, scale, seed);
        let fast = rbm_exact::log_partition(&rbm).expect("fast");
        let brute = brute_force_log_z(&rbm);
        // Single-precision softplus sums: relative error ~1e-6 of the sum.
        assert!(
            (fast - brute).abs() <= 1e-5 * brute.abs().max(1.0),
            "{nv}×{nh}: {fast} vs {brute}"
        );
    }
}

#[test]
fn fast_log_likelihood_equals_gray_code_enumeration() {
    // 64 × 12 and 12 × 64 (each enumerates 2¹² states), one spanning several blocks (64 × 16),
    // and one whose summed-out layer (150 units) takes several products of 64 factors and a
    // ragged tail.
    for (nv, nh, seed) in [(64, 12, 5), (12, 64, 6), (64, 16, 7), (150, 6, 8)] {
        let rbm = random_rbm(nv, nh, 0.3, seed);
        let mut rng = SimRng::seed_from_u64(seed);
        let patterns: Vec<Vec<u8>> = (0..50)
            .map(|_| (0..nv).map(|_| u8::from(rng.uniform() < 0.3)).collect())
            .collect();
        let slow = exact::rbm_log_likelihood(&rbm, &patterns).expect("slow");
        let m = matrix_from_patterns(&patterns).expect("matrix");
        let fast = rbm_exact::mean_log_likelihood(&rbm, m.view()).expect("fast");
        assert!(
            (fast - slow).abs() <= 2e-5 * slow.abs().max(1.0),
            "{nv}×{nh}: {fast} vs {slow}"
        );
        // Free energies one by one.
        let f = rbm_exact::free_energies(&rbm, m.view()).expect("free energies");
        for (v, fv) in patterns.iter().zip(&f) {
            let exact_f = rbm.free_energy(v).expect("f");
            assert!((fv - exact_f).abs() <= 1e-5 * exact_f.abs().max(1.0));
        }
    }
}
