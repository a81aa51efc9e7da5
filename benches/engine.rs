//! Engine speed targets (one thread):
//! - dense 100-unit BM Gibbs at T = 1: ≥ 50 M single-unit updates/s (read "elem/s");
//! - exact log Z: 20 units < 50 ms, 24 units < 1 s;
//! - RBM 64×16, CD-1, batch 20, 200 epochs over the 1500 digits: < 0.2 s;
//! - RBM 784×500 CD-1 batch 100: ≥ 40 GFLOP/s of matrix work (read "elem/s" as FLOP/s).

use boltzviz::engine::SimRng;
use boltzviz::engine::boltzmann::{BoltzmannMachine, Chain, Connectivity, UpdateOrder};
use boltzviz::engine::exact;
use boltzviz::engine::patterns;
use boltzviz::engine::rbm::Rbm;
use boltzviz::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn gibbs(c: &mut Criterion) {
    let mut rng = SimRng::seed_from_u64(1);
    let n = 100;
    let bm = BoltzmannMachine::random(
        n,
        0,
        Connectivity::Full,
        1.0 / (n as f64).sqrt(),
        0.1,
        &mut rng,
    )
    .expect("bm");
    let mut chain = Chain::random(&bm, &mut rng);
    let mut group = c.benchmark_group("gibbs");
    group.throughput(Throughput::Elements(n as u64 * 100));
    group.bench_function("dense100_T1_100sweeps", |b| {
        b.iter(|| {
            chain
                .run(&bm, 1.0, 100, UpdateOrder::Sequential, &mut rng)
                .expect("run")
        })
    });
    group.finish();
}

fn exact_log_z(c: &mut Criterion) {
    let mut group = c.benchmark_group("exact_log_z");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for n in [20, 24] {
        let mut rng = SimRng::seed_from_u64(n as u64);
        let bm =
            BoltzmannMachine::random(n, 0, Connectivity::Full, 0.5, 0.5, &mut rng).expect("bm");
        group.bench_function(format!("{n}_units"), |b| {
            b.iter(|| black_box(exact::log_partition(&bm, 1.0).expect("ok")))
        });
    }
    group.finish();
}

fn rbm_digits(c: &mut Criterion) {
    let digits = patterns::digits().expect("digits");
    let data = matrix_from_patterns(&digits.patterns).expect("matrix");
    let config = RbmTrainConfig {
        learning_rate: 0.05,
        lr_decay: 0.0,
        momentum: 0.5,
        weight_decay: 0.0,
        batch_size: 20,
        cd_k: 1,
        persistent: false,
        ..RbmTrainConfig::default()
    };
    let mut group = c.benchmark_group("rbm_digits");
    group.sample_size(10);
    group.bench_function("64x16_cd1_b20_200epochs", |b| {
        b.iter(|| {
            let mut rng = SimRng::seed_from_u64(3);
            let mut rbm = Rbm::random(64, 16, 0.01, &mut rng).expect("rbm");
            let mut trainer = RbmTrainer::new(&rbm, config.clone()).expect("config");
            for _ in 0..200 {
                trainer
                    .train_epoch(&mut rbm, &data, &mut rng)
                    .expect("epoch");
            }
            black_box(rbm)
        })
    });
    group.finish();
}

fn rbm_large(c: &mut Criterion) {
    let (nv, nh, batch) = (784usize, 500usize, 100usize);
    let mut rng = SimRng::seed_from_u64(4);
    let data = ndarray::Array2::from_shape_simple_fn((batch, nv), || {
        f32::from(u8::from(rng.uniform() < 0.2))
    });
    let mut rbm = Rbm::random(nv, nh, 0.01, &mut rng).expect("rbm");
    let config = RbmTrainConfig {
        batch_size: batch,
        ..RbmTrainConfig::default()
    };
    let mut trainer = RbmTrainer::new(&rbm, config).expect("config");
    // Five products of 2·B·nv·nh flops each: V·W (twice), H·Wᵀ, V₀ᵀH₀ and VₖᵀHₖ.
    let flops = 5 * 2 * batch * nv * nh;
    let mut group = c.benchmark_group("rbm_784x500");
    group.throughput(Throughput::Elements(flops as u64));
    group.bench_function("cd1_batch100", |b| {
        b.iter(|| {
            trainer
                .train_epoch(&mut rbm, &data, &mut rng)
                .expect("epoch")
        })
    });
    group.finish();
}

criterion_group!(benches, gibbs, exact_log_z, rbm_digits, rbm_large);
criterion_main!(benches);
