//! An RBM's learning rules and held-out data in the simulation: a rule set by command shows in
//! the snapshot, is saved and loaded with the session, undoes, and reaches the trainer (the
//! app's training moves the weights exactly as the hand-derived update with the rule says);
//! held-out data of another width is refused in one line, and the curves hold the exact
//! log-likelihoods (checked by enumerating every (v, h) of a 3 × 2 RBM), also when measured
//! beside the training: at the update each point was taken, in the run it was taken in, and
//! published by the idle thread.

use boltzviz::engine::rbm_exact;
use boltzviz::engine::rbm_train::{Sparsity, matrix_from_patterns};
use boltzviz::persist::{session_from_str, session_to_string};
use boltzviz::sim::model::Model;
use boltzviz::sim::protocol::{Command, Event, ModelKind, ModelSpec, TrainingSource};
use boltzviz::sim::rbm_rules::RbmRule;
use boltzviz::sim::{SimHandle, Simulation};
use ndarray::{Array1, Array2};
use std::time::{Duration, Instant};

/// An RBM with 2 hidden units on 3-bit even parity (4 patterns: one mini-batch).
fn parity_rbm() -> Simulation {
    Simulation::new(ModelSpec {
        kind: ModelKind::Rbm,
        source: TrainingSource::Parity,
        hidden: 2,
        seed: 7,
        ..ModelSpec::default()
    })
    .expect("parity RBM")
}

/// An RBM on the 1500 digits with `hidden` hidden units.
fn digits_rbm(hidden: usize, seed: u64) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::Rbm,
        source: TrainingSource::Digits,
        hidden,
        seed,
        ..ModelSpec::default()
    }
}

/// The 3-bit patterns of odd parity: held out from the even ones.
fn odd_parity() -> Vec<Vec<u8>> {
    (0..8usize)
        .filter(|m| m.count_ones() % 2 == 1)
        .map(|m| (0..3).map(|i| u8::from(m >> i & 1 == 1)).collect())
        .collect()
}

/// (W, b, c) of the simulation's RBM.
fn parameters(sim: &Simulation) -> (Array2<f32>, Array1<f32>, Array1<f32>) {
    let Model::Rbm(m) = sim.model() else {
        panic!("an RBM")
    };
    (
        m.rbm.weights().clone(),
        m.rbm.visible_bias().clone(),
        m.rbm.hidden_bias().clone(),
    )
}

/// Exactly one epoch of the app's continuous training.
fn train_one_epoch(sim: &mut Simulation) {
    let before = sim.snapshot().learning.epoch;
    sim.apply(Command::Train(true)).expect("train");
    sim.advance(Duration::ZERO, Duration::ZERO).expect("epoch");
    sim.apply(Command::Train(false)).expect("stop");
    assert_eq!(sim.snapshot().learning.epoch, before + 1);
}

fn assert_close(a: f32, b: f32, what: &str) {
    assert!((a - b).abs() <= 1e-6 + 1e-5 * b.abs(), "{what}: {a} vs {b}");
}

#[test]
fn weight_decay_reaches_the_trainer_as_the_hand_derived_update_says() {
    // One batch from W₀ with zero momentum buffers: Δ = η(∇ − λW₀), so two runs that differ
    // only in λ differ by exactly −ηλW₀ in W, and not at all in the biases.
    let lambda = 0.2f32;
    let (mut plain, mut decayed) = (parity_rbm(), parity_rbm());
    plain
        .apply(Command::SetRbmRule(RbmRule::WeightDecay(0.0)))
        .expect("λ = 0");
    decayed
        .apply(Command::SetRbmRule(RbmRule::WeightDecay(lambda)))
        .expect("λ");
    let eta = decayed.settings().learning_rate as f32;
    let (w0, _, _) = parameters(&decayed);
    train_one_epoch(&mut plain);
    train_one_epoch(&mut decayed);
    let (w_plain, b_plain, c_plain) = parameters(&plain);
    let (w_decay, b_decay, c_decay) = parameters(&decayed);
    assert!(w_plain != w_decay, "decay changed the result");
    for ((&wd, &wp), &w) in w_decay.iter().zip(&w_plain).zip(&w0) {
        assert_close(wd - wp, -eta * lambda * w, "ΔW difference");
    }
    assert_eq!(b_plain, b_decay, "decay leaves the visible biases alone");
    assert_eq!(c_plain, c_decay, "decay leaves the hidden biases alone");
}

#[test]
fn a_sparsity_target_reaches_the_trainer_as_the_hand_derived_update_says() {
    // First batch: q = mean over the data of P(h = 1 | v) = σ(c₀ + vᵀW₀); the penalty takes
    // cost·(q − p) from ∇c and cost·(q − p)·mean(vᵢ) from ∇W.
    let sparsity = Sparsity {
        target: 0.2,
        cost: 0.5,
    };
    let (mut plain, mut sparse) = (parity_rbm(), parity_rbm());
    sparse
        .apply(Command::SetRbmRule(RbmRule::Sparsity(Some(sparsity))))
        .expect("sparsity");
    let eta = sparse.settings().learning_rate as f32;
    let (w0, _, c0) = parameters(&sparse);
    let data = sparse.training_set().patterns.clone();
    let n = data.len() as f32;
    let q: Vec<f32> = (0..2)
        .map(|j| {
            data.iter()
                .map(|v| {
                    let x = c0[j] + (0..3).map(|i| f32::from(v[i]) * w0[[i, j]]).sum::<f32>();
                    1.0 / (1.0 + (-x).exp())
                })
                .sum::<f32>()
                / n
        })
        .collect();
    let v_mean: Vec<f32> = (0..3)
        .map(|i| data.iter().map(|v| f32::from(v[i])).sum::<f32>() / n)
        .collect();
    train_one_epoch(&mut plain);
    train_one_epoch(&mut sparse);
    let (w_plain, _, c_plain) = parameters(&plain);
    let (w_sparse, _, c_sparse) = parameters(&sparse);
    for j in 0..2 {
        let pull = sparsity.cost * (q[j] - sparsity.target);
        assert_close(c_sparse[j] - c_plain[j], -eta * pull, "Δc difference");
        for i in 0..3 {
            assert_close(
                w_sparse[[i, j]] - w_plain[[i, j]],
                -eta * pull * v_mean[i],
                "ΔW difference",
            );
        }
    }
}

#[test]
fn momentum_switch_and_rate_schedule_act_at_their_epochs() {
    let mut sim = parity_rbm();
    for rule in [
        RbmRule::Momentum(0.3),
        RbmRule::FinalMomentum(0.8),
        RbmRule::MomentumSwitch(Some(1)),
        RbmRule::RateDecay(1.0),
        RbmRule::RateEndEpoch(Some(3)),
    ] {
        sim.apply(Command::SetRbmRule(rule)).expect("rule");
    }
    let eta = sim.settings().learning_rate;
    let rates = |sim: &mut Simulation| sim.snapshot().learning.current_rates.expect("an RBM");
    let close = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6;
    // Epoch e: η / (1 + e) · (1 − e/3), μ before the switch at epoch 1, μ' from it.
    assert!(close(rates(&mut sim), (eta, 0.3)));
    train_one_epoch(&mut sim);
    assert!(close(rates(&mut sim), (eta / 2.0 * (2.0 / 3.0), 0.8)));
    // The rate reaches 0 at epoch 3 and training stops by itself there.
    sim.apply(Command::Train(true)).expect("train");
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.is_training() {
        sim.advance(Duration::from_millis(5), Duration::ZERO)
            .expect("advance");
        assert!(Instant::now() < deadline, "training did not stop");
    }
    let snap = sim.snapshot();
    assert_eq!(snap.learning.epoch, 3);
    assert!(close(snap.learning.current_rates.expect("rbm"), (0.0, 0.8)));
}

#[test]
fn rules_and_held_out_data_show_in_the_snapshot_and_survive_save_and_load() {
    let mut sim = parity_rbm();
    let rules = [
        RbmRule::Persistent(true),
        RbmRule::Momentum(0.4),
        RbmRule::FinalMomentum(0.85),
        RbmRule::MomentumSwitch(Some(4)),
        RbmRule::WeightDecay(0.003),
        RbmRule::RateDecay(0.02),
        RbmRule::RateEndEpoch(Some(500)),
        RbmRule::Sparsity(Some(Sparsity {
            target: 0.15,
            cost: 0.02,
        })),
    ];
    for rule in rules {
        sim.apply(Command::SetRbmRule(rule)).expect("rule");
    }
    sim.apply(Command::SetValidation(odd_parity()))
        .expect("held-out data");
    let config = sim.settings().rbm_training.expect("an RBM shows its rules");
    assert!(config.persistent);
    assert_eq!(
        (config.momentum, config.final_momentum),
        (0.4, 0.85),
        "momentum"
    );
    assert_eq!(config.momentum_switch_epoch, Some(4));
    assert_eq!(config.weight_decay, 0.003);
    assert_eq!(config.lr_decay, 0.02);
    assert_eq!(config.anneal_to_epoch, Some(500));
    assert_eq!(
        config.sparsity,
        Some(Sparsity {
            target: 0.15,
            cost: 0.02
        })
    );
    for _ in 0..3 {
        train_one_epoch(&mut sim);
    }
    let before = sim.snapshot();
    assert_eq!(before.learning.validation_patterns, 4);
    assert!(!before.learning.validation_curve.is_empty());
    let text = session_to_string(&sim.to_saved()).expect("saves");
    let mut loaded = session_from_str(&text).expect("loads");
    let after = loaded.snapshot();
    assert_eq!(after.settings, before.settings, "every setting is back");
    assert_eq!(after.learning.validation_patterns, 4);
    assert_eq!(
        after.learning.validation_curve,
        before.learning.validation_curve
    );
    assert_eq!(after.learning.curve, before.learning.curve);
    assert_eq!(after.learning.epoch, 3);
    // A new model of the same width keeps the rules and the held-out data.
    let mut spec = ModelSpec {
        kind: ModelKind::Rbm,
        source: TrainingSource::Parity,
        hidden: 3,
        ..ModelSpec::default()
    };
    loaded
        .apply(Command::SetModel(spec.clone()))
        .expect("3 hidden");
    let rebuilt = loaded.snapshot();
    assert_eq!(rebuilt.settings.rbm_training, before.settings.rbm_training);
    assert_eq!(rebuilt.learning.validation_patterns, 4);
    spec.source = TrainingSource::Digits;
    loaded.apply(Command::SetModel(spec)).expect("digits");
    assert_eq!(
        loaded.snapshot().learning.validation_patterns,
        0,
        "no longer fits"
    );
}

#[test]
fn a_session_saved_before_the_rules_existed_loads_with_them_off() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // The digits session as shipped before the rules existed (format 2).
    let text = std::fs::read_to_string(root.join("tests/fixtures/v2-digits-rbm.ron"))
        .expect("old session");
    for field in [
        "final_momentum",
        "momentum_switch_epoch",
        "sparsity",
        "anneal_to_epoch",
        "final_cd_k",
        "cd_k_switch_epoch",
    ] {
        assert!(!text.contains(field), "the old file predates {field}");
    }
    let mut sim = session_from_str(&text).expect("loads");
    let snap = sim.snapshot();
    let config = snap.settings.rbm_training.expect("an RBM");
    assert_eq!(config.momentum_switch_epoch, None);
    assert_eq!(config.sparsity, None);
    assert_eq!(config.anneal_to_epoch, None);
    assert_eq!(config.cd_k_switch_epoch, None);
    assert_eq!(snap.learning.validation_patterns, 0);
}

#[test]
fn the_switch_of_k_acts_at_its_epoch_and_trains_as_that_many_steps() {
    // From epoch 1 on, k' = 3: epoch 0 runs CD-1, epoch 1 CD-3. The same run with k = 3 from
    // the start must then match the switched run's second epoch bit for bit when both start
    // from the same weights, momentum and random stream.
    let mut switched = parity_rbm();
    for rule in [RbmRule::FinalCdK(3), RbmRule::CdKSwitch(Some(1))] {
        switched.apply(Command::SetRbmRule(rule)).expect("rule");
    }
    let k_now = |sim: &mut Simulation| sim.snapshot().learning.current_cd_k.expect("an RBM");
    assert_eq!(k_now(&mut switched), 1);
    train_one_epoch(&mut switched);
    assert_eq!(k_now(&mut switched), 3);
    let mut three = switched.clone();
    three.apply(Command::SetCdK(3)).expect("k = 3");
    three
        .apply(Command::SetRbmRule(RbmRule::CdKSwitch(None)))
        .expect("no switch");
    assert_eq!(k_now(&mut three), 3);
    train_one_epoch(&mut switched);
    train_one_epoch(&mut three);
    assert_eq!(parameters(&switched), parameters(&three));
    // And a switch at epoch 0 (k' = 3 from the start) is no longer plain CD-1: different
    // weights after an epoch.
    let mut one = parity_rbm();
    let mut late = parity_rbm();
    late.apply(Command::SetRbmRule(RbmRule::CdKSwitch(Some(0))))
        .expect("switch now");
    train_one_epoch(&mut one);
    train_one_epoch(&mut late);
    assert_ne!(parameters(&one), parameters(&late), "k' = 3 took effect");
}

#[test]
fn held_out_data_of_another_width_is_refused_in_one_line() {
    let mut sim = parity_rbm();
    let before = session_to_string(&sim.to_saved()).expect("saves");
    let error = sim
        .apply(Command::SetValidation(vec![vec![0, 1, 1, 0]]))
        .expect_err("4 values for 3 units");
    let text = error.to_string();
    assert!(
        text.contains("4 values") && text.contains("3 units"),
        "{text}"
    );
    assert!(!text.contains('\n'), "one line: {text}");
    assert_eq!(session_to_string(&sim.to_saved()).expect("saves"), before);
    let mut net = Simulation::new(ModelSpec {
        kind: ModelKind::Boltzmann,
        source: TrainingSource::Parity,
        hidden: 1,
        ..ModelSpec::default()
    })
    .expect("bm");
    assert!(net.apply(Command::SetValidation(odd_parity())).is_err());
    assert!(
        net.apply(Command::SetRbmRule(RbmRule::WeightDecay(0.1)))
            .is_err()
    );
}

/// Mean log P(v) of `data` under `sim`'s RBM, by summing e^(−E(v,h)) over every (v, h).
fn brute_force_log_likelihood(sim: &Simulation, data: &[Vec<u8>]) -> f64 {
    let (w, b, c) = parameters(sim);
    let (nv, nh) = w.dim();
    let energy = |v: usize, h: usize| -> f64 {
        let bit = |x: usize, i: usize| f64::from(u8::from(x >> i & 1 == 1));
        let mut e = 0.0;
        for i in 0..nv {
            e -= f64::from(b[i]) * bit(v, i);
            for j in 0..nh {
                e -= f64::from(w[[i, j]]) * bit(v, i) * bit(h, j);
            }
        }
        for j in 0..nh {
            e -= f64::from(c[j]) * bit(h, j);
        }
        e
    };
    let unnormalised = |v: usize| {
        (0..1usize << nh)
            .map(|h| (-energy(v, h)).exp())
            .sum::<f64>()
    };
    let z: f64 = (0..1usize << nv).map(unnormalised).sum();
    let index = |p: &Vec<u8>| {
        p.iter()
            .enumerate()
            .map(|(i, &x)| usize::from(x) << i)
            .sum()
    };
    data.iter()
        .map(|p| (unnormalised(index(p)) / z).ln())
        .sum::<f64>()
        / data.len() as f64
}

#[test]
fn the_curves_hold_the_exact_training_and_held_out_log_likelihoods() {
    let mut sim = parity_rbm();
    sim.apply(Command::SetValidation(odd_parity()))
        .expect("held-out data");
    sim.apply(Command::Train(true)).expect("train");
    for _ in 0..20 {
        sim.advance(Duration::from_millis(2), Duration::ZERO)
            .expect("advance");
    }
    // Pausing measures the curves where training stopped.
    sim.apply(Command::Pause).expect("pause");
    let snap = sim.snapshot();
    let updates = snap.learning.updates as f64;
    let train = snap
        .learning
        .curve
        .last()
        .copied()
        .expect("a training point");
    let held_out = snap
        .learning
        .validation_curve
        .last()
        .copied()
        .expect("a held-out point");
    assert_eq!((train[0], held_out[0]), (updates, updates));
    let even = sim.training_set().patterns.clone();
    let exact_train = brute_force_log_likelihood(&sim, &even);
    let exact_held_out = brute_force_log_likelihood(&sim, &odd_parity());
    assert!(
        (train[1] - exact_train).abs() < 1e-4,
        "{train:?} vs {exact_train}"
    );
    assert!(
        (held_out[1] - exact_held_out).abs() < 1e-4,
        "{held_out:?} vs {exact_held_out}"
    );
    assert!(exact_train > exact_held_out, "trained on the even patterns");
}

#[test]
fn a_rule_change_undoes_and_redoes() {
    let handle = SimHandle::spawn(parity_rbm(), || {}).expect("thread");
    let decay = |handle: &SimHandle| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            handle.send(Command::Capture).expect("sent");
            std::thread::sleep(Duration::from_millis(5));
            for event in handle.events() {
                if let Event::Captured(saved) = event {
                    let Model::Rbm(m) = &saved.core.model else {
                        panic!("an RBM")
                    };
                    return m.trainer.config().weight_decay;
                }
            }
            assert!(Instant::now() < deadline, "no capture");
        }
    };
    let start = decay(&handle);
    handle
        .send(Command::SetRbmRule(RbmRule::WeightDecay(0.05)))
        .expect("sent");
    assert_eq!(decay(&handle), 0.05);
    handle.send(Command::Undo).expect("sent");
    assert_eq!(decay(&handle), start);
    handle.send(Command::Redo).expect("sent");
    assert_eq!(decay(&handle), 0.05);
}

#[test]
fn a_session_file_whose_held_out_data_does_not_fit_is_refused() {
    let mut saved = parity_rbm().to_saved();
    saved.learning.validation = vec![vec![0, 1, 1, 0]];
    let text = session_to_string(&saved).expect("saves");
    let error = session_from_str(&text)
        .map(|_| ())
        .expect_err("4 values for 3 units");
    assert!(error.to_string().contains("3 units"), "{error}");
    saved.learning.validation = odd_parity();
    saved.learning.validation_curve = vec![[1.0, f64::NAN]];
    let text = session_to_string(&saved).expect("saves");
    assert!(
        session_from_str(&text).is_err(),
        "a curve value that is not finite"
    );
}

#[test]
fn the_app_trains_the_same_model_however_its_time_is_sliced() {
    // The same seed and rules give the same weights whether each call of the simulation runs
    // one epoch or many (the panels' CD walk after each call draws from a stream of its own).
    let run = |budget: Duration| {
        let mut sim = Simulation::new(digits_rbm(16, 5)).expect("digits RBM");
        sim.apply(Command::SetRbmRule(RbmRule::RateEndEpoch(Some(30))))
            .expect("rule");
        sim.apply(Command::Train(true)).expect("train");
        let start = Instant::now();
        while sim.is_training() {
            sim.advance(budget, Duration::ZERO).expect("advance");
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "training did not stop"
            );
        }
        assert_eq!(sim.snapshot().learning.epoch, 30);
        parameters(&sim)
    };
    let sliced = run(Duration::ZERO);
    let whole = run(Duration::from_secs(10));
    assert_eq!(
        sliced, whole,
        "the weights depend on how training time was sliced"
    );
}

#[test]
fn the_curve_measured_beside_training_holds_the_exact_values_where_they_were_taken() {
    // Points are measured on a thread of their own while the epochs go on; each must land at
    // the update its weights were copied at. Here: the start (before the first update) and
    // where training stops by itself (the rate falls to 0 at epoch 40), against sums over
    // every (v, h) of the weights as they were then. The start is measured either while
    // idle, before Train is pressed (as the app's thread does), or beside the first epochs.
    for measured_while_idle in [false, true] {
        let mut sim = parity_rbm();
        sim.apply(Command::SetValidation(odd_parity()))
            .expect("held-out data");
        sim.apply(Command::SetRbmRule(RbmRule::RateEndEpoch(Some(40))))
            .expect("rule");
        let even = sim.training_set().patterns.clone();
        let start_train = brute_force_log_likelihood(&sim, &even);
        let start_held_out = brute_force_log_likelihood(&sim, &odd_parity());
        if measured_while_idle {
            sim.complete_curve();
            assert!(sim.is_measuring() || !sim.snapshot().learning.curve.is_empty());
        }
        sim.apply(Command::Train(true)).expect("train");
        let started = Instant::now();
        while sim.is_training() {
            sim.advance(Duration::from_millis(1), Duration::ZERO)
                .expect("advance");
            assert!(started.elapsed() < Duration::from_secs(60), "did not stop");
        }
        // Stopped by itself: the thread, idle, measures where training stopped.
        sim.complete_curve();
        sim.settle_curve();
        assert!(!sim.is_measuring());
        let end_train = brute_force_log_likelihood(&sim, &even);
        let end_held_out = brute_force_log_likelihood(&sim, &odd_parity());
        let learning = sim.snapshot().learning;
        assert_eq!(learning.updates, 40);
        let close = |point: Option<&[f64; 2]>, x: f64, value: f64, what: &str| {
            let point = point.unwrap_or_else(|| panic!("{what}: no point"));
            assert_eq!(point[0], x, "{what}: {point:?}");
            assert!(
                (point[1] - value).abs() < 1e-4,
                "{what} (idle start: {measured_while_idle}): {point:?} vs {value}"
            );
        };
        close(learning.curve.first(), 0.0, start_train, "curve start");
        close(learning.curve.last(), 40.0, end_train, "curve end");
        close(
            learning.validation_curve.first(),
            0.0,
            start_held_out,
            "held-out start",
        );
        close(
            learning.validation_curve.last(),
            40.0,
            end_held_out,
            "held-out end",
        );
        for curve in [&learning.curve, &learning.validation_curve] {
            assert!(curve.windows(2).all(|w| w[0][0] < w[1][0]), "{curve:?}");
        }
        // The rule run (CD-1) starts with the start's figure, and ends where training did.
        let runs = sim.to_saved().learning.rule_runs.runs;
        assert_eq!(runs.len(), 1);
        close(runs[0].curve.first(), 0.0, start_train, "run start");
        close(runs[0].curve.last(), 40.0, end_train, "run end");
    }
}

#[test]
fn the_app_publishes_the_last_curve_point_after_training_stops_by_itself() {
    // The digits RBM's point takes milliseconds on its thread, so training usually stops
    // before the last one arrives: the idle simulation thread must still publish it, with
    // no command to wake it.
    let mut sim = Simulation::new(digits_rbm(16, 3)).expect("digits RBM");
    sim.apply(Command::SetRbmRule(RbmRule::RateEndEpoch(Some(20))))
        .expect("rule");
    let (woken, wakes) = std::sync::mpsc::channel();
    let handle = SimHandle::spawn(sim, move || {
        let _ = woken.send(());
    })
    .expect("thread");
    handle.send(Command::Train(true)).expect("train");
    let mut stopped = false;
    loop {
        wakes
            .recv_timeout(Duration::from_secs(30))
            .expect("a snapshot within 30 s");
        let Some(snap) = handle.take_snapshot() else {
            continue;
        };
        let learning = snap.learning;
        stopped |= learning.updates == 20 && !learning.training;
        if stopped && learning.curve.last().map(|p| p[0]) == Some(20.0) {
            assert_eq!(learning.curve.first().map(|p| p[0]), Some(0.0));
            assert!(
                learning.curve.iter().all(|p| p[1] < 0.0),
                "{:?}",
                learning.curve
            );
            break;
        }
    }
    assert!(handle.events().is_empty());
}

#[test]
fn every_point_measured_beside_training_is_the_exact_figure_of_its_update() {
    // 64×15 on the digits: a point takes a couple of milliseconds, so points are measured on
    // a thread of their own while the epochs go on. A replay one epoch at a time (a seed
    // trains the same weights however the time is sliced) measures each recorded update on
    // the spot: every figure must have the same bits, so each point was measured on the
    // weights of the update it is drawn at.
    let spec = digits_rbm(15, 9);
    const EPOCHS: usize = 1200;
    let start_training = |sim: &mut Simulation| {
        sim.apply(Command::SetRbmRule(RbmRule::RateEndEpoch(Some(EPOCHS))))
            .expect("rule");
        sim.apply(Command::Train(true)).expect("train");
    };
    let mut sim = Simulation::new(spec.clone()).expect("digits RBM");
    start_training(&mut sim);
    let (started, mut in_flight_while_training) = (Instant::now(), false);
    while sim.is_training() {
        sim.advance(Duration::from_millis(8), Duration::ZERO)
            .expect("advance");
        in_flight_while_training |= sim.is_training() && sim.is_measuring();
        assert!(started.elapsed() < Duration::from_secs(120), "did not stop");
    }
    sim.complete_curve();
    sim.settle_curve();
    assert!(
        in_flight_while_training,
        "points were measured beside the epochs"
    );
    let curve = sim.snapshot().learning.curve;
    assert!(
        curve.len() >= 3,
        "the start, the end and points between: {curve:?}"
    );
    assert_eq!(curve.first().map(|p| p[0]), Some(0.0));
    assert_eq!(curve.last().map(|p| p[0]), Some(EPOCHS as f64));

    let mut replay = Simulation::new(spec).expect("digits RBM");
    start_training(&mut replay);
    let data = matrix_from_patterns(&replay.training_set().patterns).expect("data");
    let mut points = curve.iter().peekable();
    for update in 0..=EPOCHS {
        if let Some(point) = points.next_if(|p| p[0] == update as f64) {
            let Model::Rbm(m) = replay.model() else {
                panic!("an RBM")
            };
            let exact = rbm_exact::mean_log_likelihood(&m.rbm, data.view()).expect("exact");
            assert_eq!(
                point[1].to_bits(),
                exact.to_bits(),
                "update {update}: {point:?} vs {exact}"
            );
        }
        if update < EPOCHS {
            replay
                .advance(Duration::ZERO, Duration::ZERO)
                .expect("one epoch");
        }
    }
    assert!(points.next().is_none(), "every point is at an update");
}

#[test]
fn a_point_in_flight_when_k_changes_stays_in_the_run_it_was_taken_in() {
    // A new k opens a new rule run at the next update. A point taken before, still being
    // measured, belongs to the old run at the old run's update, never to the new one.
    let mut sim = Simulation::new(digits_rbm(15, 4)).expect("digits RBM");
    sim.apply(Command::Train(true)).expect("train");
    let started = Instant::now();
    let mut k = 1;
    while k < 4 {
        sim.advance(Duration::from_millis(4), Duration::ZERO)
            .expect("advance");
        if sim.is_measuring() && sim.snapshot().learning.updates > 0 {
            k += 1;
            sim.apply(Command::SetCdK(k)).expect("k");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no point in flight"
        );
    }
    for _ in 0..20 {
        sim.advance(Duration::from_millis(4), Duration::ZERO)
            .expect("advance");
    }
    sim.apply(Command::Train(false)).expect("stop");
    let runs = sim.to_saved().learning.rule_runs.runs;
    let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["CD-1", "CD-2", "CD-3", "CD-4"]);
    for run in &runs {
        assert_eq!(run.curve.first().map(|p| p[0]), Some(0.0), "{run:?}");
        assert!(
            run.curve.windows(2).all(|w| w[0][0] < w[1][0]),
            "in order: {run:?}"
        );
        assert!(
            run.curve.iter().all(|p| p[0] <= run.updates as f64),
            "every point within the run's own updates: {run:?}"
        );
    }
}

#[test]
fn new_held_out_data_gets_its_figure_while_idle_without_a_second_training_point() {
    // Held-out data loaded after training: the idle thread measures its figure for the model
    // as it is, at the current update, and the training curve keeps its one point there.
    let mut sim = parity_rbm();
    train_one_epoch(&mut sim);
    train_one_epoch(&mut sim);
    let before = sim.snapshot().learning.curve;
    assert_eq!(before.last().map(|p| p[0]), Some(2.0));
    sim.apply(Command::SetValidation(odd_parity()))
        .expect("held-out data");
    sim.complete_curve();
    sim.settle_curve();
    let learning = sim.snapshot().learning;
    assert_eq!(
        learning.curve, before,
        "no second training point at update 2"
    );
    let exact = brute_force_log_likelihood(&sim, &odd_parity());
    let point = learning
        .validation_curve
        .last()
        .copied()
        .expect("a held-out point");
    assert_eq!(point[0], 2.0);
    assert!((point[1] - exact).abs() < 1e-4, "{point:?} vs {exact}");
    assert_eq!(learning.validation_curve.len(), 1);
}
