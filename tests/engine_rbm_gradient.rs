//! The exact log-likelihood gradient of an RBM against central finite differences of the exact
//! log-likelihood (double-precision Gray-code enumeration, `exact::rbm_log_likelihood`), against
//! a 1 × 1 RBM by hand, enumerated over either layer; the CD-k estimate against it with a
//! statistical bound; and training by it.

use boltzviz::engine::SimRng;
use boltzviz::engine::exact;
use boltzviz::engine::rbm::Rbm;
use boltzviz::engine::rbm_gradient::{
    EnumeratedLayer, RbmGradient, exact_gradient, exact_gradient_enumerating,
};
use boltzviz::engine::rbm_train::{GradientRule, RbmTrainConfig, RbmTrainer};
use ndarray::{Array1, Array2};

fn random_rbm(nv: usize, nh: usize, seed: u64) -> Rbm {
    let mut rng = SimRng::seed_from_u64(seed);
    let w = Array2::from_shape_fn((nv, nh), |_| 0.8 * rng.normal() as f32);
    let b = Array1::from_shape_fn(nv, |_| 0.5 * rng.normal() as f32);
    let c = Array1::from_shape_fn(nh, |_| 0.5 * rng.normal() as f32);
    Rbm::from_parts(w, b, c).expect("rbm")
}

fn random_data(rows: usize, nv: usize, seed: u64) -> Array2<f32> {
    let mut rng = SimRng::seed_from_u64(seed);
    Array2::from_shape_fn((rows, nv), |_| if rng.uniform() < 0.4 { 1.0 } else { 0.0 })
}

fn patterns(data: &Array2<f32>) -> Vec<Vec<u8>> {
    data.rows()
        .into_iter()
        .map(|r| r.iter().map(|&x| x as u8).collect())
        .collect()
}

/// Which parameter: W[i][j], b[i] or c[j].
#[derive(Clone, Copy, Debug)]
enum Param {
    W(usize, usize),
    B(usize),
    C(usize),
}

fn with_param(rbm: &Rbm, p: Param, value: f32) -> Rbm {
    let (mut w, mut b, mut c) = (
        rbm.weights().clone(),
        rbm.visible_bias().clone(),
        rbm.hidden_bias().clone(),
    );
    match p {
        Param::W(i, j) => w[[i, j]] = value,
        Param::B(i) => b[i] = value,
        Param::C(j) => c[j] = value,
    }
    Rbm::from_parts(w, b, c).expect("rbm")
}

fn get(g: &RbmGradient, p: Param) -> f64 {
    f64::from(match p {
        Param::W(i, j) => g.w[[i, j]],
        Param::B(i) => g.b[i],
        Param::C(j) => g.c[j],
    })
}

fn all_params(nv: usize, nh: usize) -> Vec<Param> {
    let mut ps: Vec<Param> = (0..nv)
        .flat_map(|i| (0..nh).map(move |j| Param::W(i, j)))
        .collect();
    ps.extend((0..nv).map(Param::B));
    ps.extend((0..nh).map(Param::C));
    ps
}

/// The truncation error of a central difference with half-step h is `h²/6 · |L'''(ξ)|`. Along
/// one parameter θ with 0/1 statistic t (vᵢhⱼ, vᵢ or hⱼ), `L = mean(−F) − log Z`:
/// `∂³ log Z/∂θ³` is the third cumulant of a Bernoulli variable, `p(1−p)(1−2p)`, at most
/// `1/(6√3)` in size, and `∂³(−F)/∂θ³` is `t·σ''(x)` with `|σ''| ≤ 1/(6√3)` (or 0 for b).
/// So `|L'''| ≤ 2/(6√3)`. The single-precision softplus and sigmoid of the gradient add about
/// 10⁻⁶; the double-precision log-likelihood's rounding divided by 2h is below 10⁻¹¹.
fn fd_tolerance(h: f64) -> f64 {
    let third = 2.0 / (6.0 * 3f64.sqrt());
    h * h / 6.0 * third + 2e-6
}

#[test]
fn the_exact_gradient_matches_central_differences_of_the_exact_log_likelihood() {
    let (nv, nh) = (5, 3);
    let rbm = random_rbm(nv, nh, 21);
    let data = random_data(7, nv, 22);
    let pats = patterns(&data);
    let grad = exact_gradient(&rbm, data.view()).expect("gradient");
    let value = |p: Param| {
        get(
            &RbmGradient {
                w: rbm.weights().clone(),
                b: rbm.visible_bias().clone(),
                c: rbm.hidden_bias().clone(),
            },
            p,
        )
    };
    let mut worst = 0f64;
    for p in all_params(nv, nh) {
        let theta = value(p);
        let (up, down) = ((theta + 0.05) as f32, (theta - 0.05) as f32);
        // The step actually taken, after rounding the parameter to single precision.
        let h = (f64::from(up) - f64::from(down)) / 2.0;
        let l_up = exact::rbm_log_likelihood(&with_param(&rbm, p, up), &pats).expect("ll");
        let l_down = exact::rbm_log_likelihood(&with_param(&rbm, p, down), &pats).expect("ll");
        let fd = (l_up - l_down) / (2.0 * h);
        let err = (get(&grad, p) - fd).abs();
        assert!(
            err <= fd_tolerance(h),
            "{p:?}: exact {} vs FD {fd} (error {err:e}, bound {:e})",
            get(&grad, p),
            fd_tolerance(h)
        );
        worst = worst.max(err);
    }
    assert!(
        grad.norm() > 0.05,
        "a non-trivial gradient: {}",
        grad.norm()
    );
    eprintln!("worst FD error {worst:e}, bound {:e}", fd_tolerance(0.05));
}

#[test]
fn enumerating_either_layer_gives_the_same_gradient() {
    for (nv, nh, seed) in [(4, 7, 1), (7, 4, 2), (6, 6, 3), (3, 12, 4)] {
        let rbm = random_rbm(nv, nh, seed);
        let data = random_data(5, nv, seed + 100);
        let by_v = exact_gradient_enumerating(&rbm, data.view(), EnumeratedLayer::Visible)
            .expect("visible");
        let by_h =
            exact_gradient_enumerating(&rbm, data.view(), EnumeratedLayer::Hidden).expect("hidden");
        let diff = by_v.minus(&by_h);
        let max = diff
            .w
            .iter()
            .chain(&diff.b)
            .chain(&diff.c)
            .fold(0f32, |m, &x| m.max(x.abs()));
        // Both are single-precision sums of at most 2¹² terms normalized in double precision.
        assert!(max < 1e-5, "{nv}×{nh}: layers differ by {max}");
    }
}

/// A 1 × 1 RBM by hand: Z = 1 + e^b + e^c + e^(b+c+w); data {v = 1}.
#[test]
fn a_one_by_one_rbm_matches_the_hand_derived_gradient() {
    let (w, b, c) = (0.7f64, -0.3f64, 0.4f64);
    let rbm = Rbm::from_parts(
        Array2::from_elem((1, 1), w as f32),
        Array1::from_elem(1, b as f32),
        Array1::from_elem(1, c as f32),
    )
    .expect("rbm");
    let data = Array2::from_elem((1, 1), 1.0f32);
    let z = 1.0 + b.exp() + c.exp() + (b + c + w).exp();
    let p_vh = (b + c + w).exp() / z;
    let p_v = (b.exp() + (b + c + w).exp()) / z;
    let p_h = (c.exp() + (b + c + w).exp()) / z;
    let sig = 1.0 / (1.0 + (-(c + w)).exp());
    for layer in [EnumeratedLayer::Visible, EnumeratedLayer::Hidden] {
        let g = exact_gradient_enumerating(&rbm, data.view(), layer).expect("gradient");
        let close = |x: f32, y: f64| (f64::from(x) - y).abs() < 1e-6;
        assert!(
            close(g.w[[0, 0]], sig - p_vh),
            "{layer:?} W {}",
            g.w[[0, 0]]
        );
        assert!(close(g.b[0], 1.0 - p_v), "{layer:?} b {}", g.b[0]);
        assert!(close(g.c[0], sig - p_h), "{layer:?} c {}", g.c[0]);
    }
}

#[test]
fn too_large_a_net_is_refused() {
    let rbm = random_rbm(24, 22, 5);
    let data = random_data(2, 24, 6);
    let e = exact_gradient(&rbm, data.view()).expect_err("too large");
    assert!(e.to_string().contains("22"), "{e}");
}

/// CD-k with long chains (k = 200 on a 6 × 4 net that mixes in a few steps) from N = 4000 rows
/// is the exact gradient plus noise: the data side is the same P(h | v) products, and each
/// model-side entry is a mean of N independent chains' values in [0, 1], so its standard error
/// is at most 0.5/√N ≈ 0.0079; 5 standard errors bound every entry.
#[test]
fn a_long_chain_cd_estimate_agrees_with_the_exact_gradient_within_its_standard_error() {
    let rbm = random_rbm(6, 4, 31);
    let small = random_data(8, 6, 32);
    let rows = 4000;
    let data = Array2::from_shape_fn((rows, 6), |(r, i)| small[[r % 8, i]]);
    let exact = exact_gradient(&rbm, small.view()).expect("exact");
    let mut trainer = RbmTrainer::new(
        &rbm,
        RbmTrainConfig {
            cd_k: 200,
            batch_size: rows,
            ..RbmTrainConfig::default()
        },
    )
    .expect("trainer");
    let mut rng = SimRng::seed_from_u64(33);
    let est = trainer
        .estimate_gradient(&rbm, data.view(), &mut rng)
        .expect("estimate");
    let bound = 5.0 * 0.5 / (rows as f64).sqrt();
    let diff = est.minus(&exact);
    for &d in diff.w.iter().chain(&diff.b).chain(&diff.c) {
        assert!(
            f64::from(d).abs() < bound,
            "entry off by {d}, bound {bound}"
        );
    }
    assert!(est.cosine(&exact) > 0.95, "cosine {}", est.cosine(&exact));
}

/// Full-batch gradient ascent by the exact gradient, no momentum or decay. Along any direction
/// the log-likelihood's second derivative is a data term minus a model variance, each at most
/// (parameters)/4 = 34/4 in size here, so with η = 0.05 ≤ 1/17 every step increases L (the
/// descent lemma). CD-1 from the same start with the same η and epochs ends no higher.
#[test]
fn exact_gradient_training_climbs_monotonically_and_beats_cd1() {
    let (nv, nh) = (6, 4);
    let start = random_rbm(nv, nh, 41);
    let data = random_data(8, nv, 42);
    let pats = patterns(&data);
    let config = RbmTrainConfig {
        learning_rate: 0.05,
        momentum: 0.0,
        weight_decay: 0.0,
        batch_size: data.nrows(),
        ..RbmTrainConfig::default()
    };
    let run = |rule: GradientRule, check_monotone: bool| {
        let mut rbm = start.clone();
        let mut trainer = RbmTrainer::new(&rbm, config.clone()).expect("trainer");
        let mut rng = SimRng::seed_from_u64(43);
        let mut last = exact::rbm_log_likelihood(&rbm, &pats).expect("ll");
        for epoch in 0..300 {
            trainer
                .train_epoch_by(&mut rbm, &data, &mut rng, rule)
                .expect("epoch");
            let ll = exact::rbm_log_likelihood(&rbm, &pats).expect("ll");
            if check_monotone {
                assert!(ll >= last - 1e-9, "epoch {epoch}: {ll} < {last}");
            }
            last = ll;
        }
        last
    };
    let before = exact::rbm_log_likelihood(&start, &pats).expect("ll");
    let by_exact = run(GradientRule::Exact, true);
    let by_cd1 = run(GradientRule::Sampled, false);
    eprintln!("LL: start {before}, exact {by_exact}, CD-1 {by_cd1}");
    assert!(by_exact > before + 0.5, "learned: {before} → {by_exact}");
    assert!(by_exact >= by_cd1, "exact {by_exact} < CD-1 {by_cd1}");
}
