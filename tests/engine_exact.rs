//! Exact answers derived by hand, compared with the enumeration code.

use boltzviz::engine::SimRng;
use boltzviz::engine::boltzmann::{BoltzmannMachine, Connectivity};
use boltzviz::engine::exact;
use boltzviz::engine::hopfield::{Hopfield, HopfieldRule};
use boltzviz::engine::rbm::Rbm;
use boltzviz::engine::spins::{
    bits_from_spins, bm_from_hopfield, hopfield_from_bm, spins_from_bits,
};

fn two_unit(w: f64, b1: f64, b2: f64) -> BoltzmannMachine {
    BoltzmannMachine::from_weights(2, vec![0.0, w, w, 0.0], vec![b1, b2], Connectivity::Full)
        .expect("valid")
}

/// States 00, 10, 01, 11 have energies 0, −b₁, −b₂, −(w + b₁ + b₂), so
/// Z = 1 + e^(b₁/T) + e^(b₂/T) + e^((w+b₁+b₂)/T) and ⟨s₁s₂⟩ = e^((w+b₁+b₂)/T) / Z.
#[test]
fn two_unit_partition_function_and_correlation_match_hand_derivation() {
    let (w, b1, b2, t) = (1.5, -0.5, 0.25, 0.7);
    let bm = two_unit(w, b1, b2);
    let z = 1.0 + (b1 / t).exp() + (b2 / t).exp() + ((w + b1 + b2) / t).exp();
    let log_z = exact::log_partition(&bm, t).expect("enumerable");
    assert!(
        (log_z - z.ln()).abs() < 1e-14,
        "log Z {log_z} vs {}",
        z.ln()
    );
    let m = exact::moments(&bm, t).expect("enumerable");
    let s1s2 = ((w + b1 + b2) / t).exp() / z;
    let s1 = ((b1 / t).exp() + ((w + b1 + b2) / t).exp()) / z;
    assert!((m.pair[1] - s1s2).abs() < 1e-14);
    assert!((m.pair[2] - s1s2).abs() < 1e-14);
    assert!((m.mean[0] - s1).abs() < 1e-14);
    let p = exact::distribution(&bm, t).expect("enumerable");
    assert!((p[3] - s1s2).abs() < 1e-14 && (p[1] - (b1 / t).exp() / z).abs() < 1e-14);
}

/// With w = 50, b = 0 and T = 0.05: log Z = log(3 + e^1000) = 1000 (to double precision).
#[test]
fn log_partition_does_not_overflow_at_low_temperature_and_large_weights() {
    let bm = two_unit(50.0, 0.0, 0.0);
    let log_z = exact::log_partition(&bm, 0.05).expect("enumerable");
    assert_eq!(log_z, 1000.0);
    // Ten units, all pairs joined by 50: the all-on state has E = −50·45, log Z → 45000 + log(1 + …).
    let n = 10;
    let weights = (0..n * n)
        .map(|k| if k / n == k % n { 0.0 } else { 50.0 })
        .collect();
    let bm = BoltzmannMachine::from_weights(n, weights, vec![0.0; n], Connectivity::Full)
        .expect("valid");
    let log_z = exact::log_partition(&bm, 0.05).expect("enumerable");
    assert!((log_z - 45_000.0).abs() < 1e-9, "{log_z}");
    assert!(
        exact::log_partition(&bm, 0.0).is_err(),
        "T = 0 has no finite Z and must be refused"
    );
}

/// Brute force: Z as a plain sum over all states with energies computed from the definition.
#[test]
fn gray_code_enumeration_matches_brute_force_on_random_machines() {
    let mut rng = SimRng::seed_from_u64(11);
    for (n, t) in [(7, 1.0), (9, 0.3), (12, 2.5)] {
        let bm =
            BoltzmannMachine::random(n, 0, Connectivity::Full, 1.0, 1.0, &mut rng).expect("bm");
        let mut z = 0.0;
        for idx in 0..1usize << n {
            let s: Vec<u8> = (0..n).map(|i| (idx >> i & 1) as u8).collect();
            let mut e = 0.0;
            for i in 0..n {
                e -= bm.biases()[i] * f64::from(s[i]);
                for j in 0..i {
                    e -= bm.weight(i, j) * f64::from(s[i] * s[j]);
                }
            }
            z += (-e / t).exp();
        }
        let log_z = exact::log_partition(&bm, t).expect("enumerable");
        assert!(
            (log_z - z.ln()).abs() < 1e-10,
            "n = {n}: {log_z} vs {}",
            z.ln()
        );
    }
}

#[test]
fn rbm_log_partition_matches_joint_enumeration_in_both_directions() {
    let mut rng = SimRng::seed_from_u64(5);
    for (nv, nh) in [(6, 3), (3, 6)] {
        let mut rbm = Rbm::random(nv, nh, 0.8, &mut rng).expect("rbm");
        let b = ndarray::Array1::from_shape_fn(nv, |i| 0.3 * i as f32 - 0.5);
        let c = ndarray::Array1::from_shape_fn(nh, |j| 0.2 - 0.25 * j as f32);
        rbm = Rbm::from_parts(rbm.weights().clone(), b, c).expect("parts");
        // Σ over every (v, h) of e^(−E(v,h)), E from its definition.
        let mut z = 0.0;
        for vi in 0..1usize << nv {
            for hi in 0..1usize << nh {
                let v: Vec<u8> = (0..nv).map(|i| (vi >> i & 1) as u8).collect();
                let h: Vec<u8> = (0..nh).map(|j| (hi >> j & 1) as u8).collect();
                z += (-rbm.energy(&v, &h).expect("sizes")).exp();
            }
        }
        let log_z = exact::rbm_log_partition(&rbm).expect("small");
        assert!(
            (log_z - z.ln()).abs() < 1e-9,
            "{nv}×{nh}: {log_z} vs {}",
            z.ln()
        );
    }
}

/// E(ξ) = −½ Σ_{i≠j} ξᵢξⱼξᵢξⱼ / N = −(N − 1)/2 for one Hebbian pattern.
#[test]
fn energy_of_a_single_stored_pattern_is_minus_half_n_minus_one() {
    let n = 10;
    let xi: Vec<i8> = vec![1, -1, 1, 1, -1, -1, 1, -1, 1, 1];
    let net = Hopfield::store(n, std::slice::from_ref(&xi), HopfieldRule::Hebbian).expect("store");
    assert!((net.energy(&xi) - (-4.5)).abs() < 1e-12);
    let neg: Vec<i8> = xi.iter().map(|s| -s).collect();
    assert!(
        (net.energy(&neg) - (-4.5)).abs() < 1e-12,
        "the negated pattern is an equal minimum"
    );
}

/// σ = 2s − 1: E_H(σ) = E_BM(s) + C, xᵢ = 2hᵢ, and the round trip returns the same net.
#[test]
fn spin_and_bit_conventions_convert_exactly_both_ways() {
    assert_eq!(spins_from_bits(&[0, 1, 1, 0]), vec![-1, 1, 1, -1]);
    assert_eq!(bits_from_spins(&[-1, 1, 1, -1]), vec![0, 1, 1, 0]);
    let mut rng = SimRng::seed_from_u64(2);
    let n = 6;
    let mut j = vec![0.0; n * n];
    for a in 0..n {
        for b in 0..a {
            let w = rng.normal();
            j[a * n + b] = w;
            j[b * n + a] = w;
        }
    }
    let theta: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
    let net = Hopfield::from_weights(j, theta).expect("valid");
    let (bm, offset) = bm_from_hopfield(&net).expect("convert");
    let t = 0.8;
    let z_spins: f64 = (0..1usize << n)
        .map(|idx| {
            let bits: Vec<u8> = (0..n).map(|i| (idx >> i & 1) as u8).collect();
            let spins = spins_from_bits(&bits);
            assert!((net.energy(&spins) - (bm.energy(&bits) + offset)).abs() < 1e-12);
            for i in 0..n {
                assert!((bm.input(&bits, i) - 2.0 * net.field(&spins, i)).abs() < 1e-12);
            }
            (-net.energy(&spins) / t).exp()
        })
        .sum();
    // Same T in both conventions: log Z_H = log Z_BM − C/T.
    let log_z_bm = boltzviz::engine::exact::log_partition(&bm, t).expect("small");
    assert!((z_spins.ln() - (log_z_bm - offset / t)).abs() < 1e-12);
    let back = hopfield_from_bm(&bm).expect("convert back");
    for (a, b) in back.weights().iter().zip(net.weights()) {
        assert!((a - b).abs() < 1e-12);
    }
    for (a, b) in back.thresholds().iter().zip(net.thresholds()) {
        assert!((a - b).abs() < 1e-12);
    }
}

/// At T = 0 the Boltzmann update is the Hopfield update on the converted weights.
#[test]
fn zero_temperature_gibbs_is_hopfield_dynamics() {
    use boltzviz::engine::boltzmann::{Chain, UpdateOrder};
    let patterns = boltzviz::engine::patterns::letters().patterns;
    let spins: Vec<Vec<i8>> = patterns.iter().map(|p| spins_from_bits(p)).collect();
    let net = Hopfield::store(100, &spins, HopfieldRule::Hebbian).expect("store");
    let (bm, _) = bm_from_hopfield(&net).expect("convert");
    let mut rng = SimRng::seed_from_u64(9);
    let start: Vec<u8> = (0..100).map(|_| (rng.next_u64() >> 63) as u8).collect();
    let mut chain = Chain::new(&bm, start.clone()).expect("chain");
    let mut state = spins_from_bits(&start);
    for _ in 0..5 {
        chain
            .sweep(&bm, 0.0, UpdateOrder::Sequential, &mut rng)
            .expect("sweep");
        net.sweep(&mut state, UpdateOrder::Sequential, &mut rng)
            .expect("sweep");
        assert_eq!(chain.state(), bits_from_spins(&state).as_slice());
    }
}

/// The exact gradient of a visible-only BM is data moments minus model moments; at the optimum
/// for 3-bit parity (uniform, since parity has the uniform's first and second moments)
/// it vanishes and KL = log 2.
#[test]
fn exact_gradient_vanishes_at_the_uniform_model_for_parity() {
    let data = boltzviz::engine::patterns::parity(3).patterns;
    let bm = BoltzmannMachine::new(3, 0, Connectivity::Full).expect("bm");
    let g = exact::log_likelihood_gradient(&bm, &data).expect("small");
    assert!(g.weights.iter().chain(&g.biases).all(|x| x.abs() < 1e-14));
    assert!((g.log_likelihood - (-(8f64.ln()))).abs() < 1e-14);
    let kl = exact::kl_data_model(&bm, 1.0, &data).expect("small");
    assert!((kl - 2f64.ln()).abs() < 1e-14);
}
