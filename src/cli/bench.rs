//! `boltzviz bench`: the engine and UI speed targets as one table, measured here and now
//! (`cargo bench` runs the criterion versions of the engine ones).

use crate::engine::SimRng;
use crate::engine::boltzmann::{BoltzmannMachine, Chain, Connectivity, UpdateOrder};
use crate::engine::exact;
use crate::engine::patterns;
use crate::engine::rbm::Rbm;
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::engine::tempering::{self, Tempering};
use std::time::{Duration, Instant};

/// `bench`'s options.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Skip the UI frame benchmark (about 10 s).
    #[arg(long)]
    pub engine_only: bool,
    /// Seconds of each UI measurement.
    #[arg(long, default_value_t = 4.0)]
    pub ui_seconds: f64,
    /// Instead of the table: run the app headless this many minutes and print its memory
    /// every 30 s (it must stay flat).
    #[arg(long)]
    pub soak_minutes: Option<f64>,
    /// Instead of the table: BoltzViz against scikit-learn's BernoulliRBM and numpy, one
    /// thread each, side by side (runs benches/vs_sklearn.sh; needs Python with numpy and
    /// scikit-learn, and says so when they are missing).
    #[arg(long)]
    pub vs_sklearn: bool,
}

/// The comparison script, where this crate was built.
const VS_SKLEARN_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/vs_sklearn.sh");

/// Runs the scikit-learn comparison with this very binary.
fn vs_sklearn() -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let status = std::process::Command::new("sh")
        .arg(VS_SKLEARN_SCRIPT)
        .arg(&exe)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run {VS_SKLEARN_SCRIPT}: {e}"))?;
    if !status.success() {
        anyhow::bail!("{VS_SKLEARN_SCRIPT} failed ({status})");
    }
    Ok(())
}

struct Row {
    what: &'static str,
    measured: String,
    target: &'static str,
    met: bool,
}

/// The median of `runs` timings of `work`, in seconds.
fn median_secs(runs: usize, mut work: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                work();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// The median of `values` (the upper middle one for an even count; NaN when there are none).
pub(super) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn engine_rows() -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let mut rng = SimRng::seed_from_u64(1);
    let bm = BoltzmannMachine::random(100, 0, Connectivity::Full, 0.1, 0.1, &mut rng)?;
    let mut chain = Chain::random(&bm, &mut rng);
    let sweeps = 2_000;
    let secs = median_secs(7, || {
        let _ = chain.run(&bm, 1.0, sweeps, UpdateOrder::Sequential, &mut rng);
    });
    let rate = (sweeps * 100) as f64 / secs / 1e6;
    rows.push(Row {
        what: "Dense 100-unit BM Gibbs, T = 1",
        measured: format!("{rate:.1} M updates/s"),
        target: ">= 50 M updates/s",
        met: rate >= 50.0,
    });
    for (n, limit, target) in [(20, 0.05, "< 50 ms"), (24, 1.0, "< 1 s")] {
        let mut rng = SimRng::seed_from_u64(n as u64);
        let bm = BoltzmannMachine::random(n, 0, Connectivity::Full, 0.5, 0.5, &mut rng)?;
        let secs = median_secs(3, || {
            let _ = exact::log_partition(&bm, 1.0);
        });
        rows.push(Row {
            what: if n == 20 {
                "Exact log Z, 20 units"
            } else {
                "Exact log Z, 24 units"
            },
            measured: format!("{:.1} ms", secs * 1e3),
            target,
            met: secs < limit,
        });
    }
    rows.extend(tempering_rows()?);
    let digits = matrix_from_patterns(&patterns::digits()?.patterns)?;
    let config = RbmTrainConfig {
        learning_rate: 0.05,
        momentum: 0.5,
        weight_decay: 0.0,
        batch_size: 20,
        ..RbmTrainConfig::default()
    };
    let secs = median_secs(3, || {
        let mut rng = SimRng::seed_from_u64(3);
        if let Ok(mut rbm) = Rbm::random(64, 16, 0.01, &mut rng)
            && let Ok(mut trainer) = RbmTrainer::new(&rbm, config.clone())
        {
            for _ in 0..200 {
                let _ = trainer.train_epoch(&mut rbm, &digits, &mut rng);
            }
        }
    });
    rows.push(Row {
        what: "RBM 64×16 digits, CD-1, batch 20, 200 epochs",
        measured: format!("{secs:.3} s"),
        target: "< 0.2 s",
        met: secs < 0.2,
    });
    let mut rng_g = SimRng::seed_from_u64(4);
    let rbm_g = Rbm::random(64, 16, 0.1, &mut rng_g)?;
    let secs = median_secs(9, || {
        let _ = crate::engine::rbm_gradient::exact_gradient(&rbm_g, digits.view());
    });
    rows.push(Row {
        what: "Exact LL gradient, RBM 64×16 on the digits",
        measured: format!("{:.1} ms", secs * 1e3),
        target: "< 20 ms",
        met: secs < 0.02,
    });
    // Epochs of ten mini-batches (what an epoch's own work, the shuffle and the divergence
    // check, adds is shared as in real training), after one epoch that sizes the buffers.
    let (nv, nh, batch, batches) = (784, 500, 100, 10);
    let data = ndarray::Array2::from_shape_simple_fn((batch * batches, nv), || {
        f32::from(u8::from(rng.uniform() < 0.2))
    });
    let mut rbm = Rbm::random(nv, nh, 0.01, &mut rng)?;
    let mut trainer = RbmTrainer::new(
        &rbm,
        RbmTrainConfig {
            batch_size: batch,
            ..RbmTrainConfig::default()
        },
    )?;
    trainer.train_epoch(&mut rbm, &data, &mut rng)?;
    let secs = median_secs(9, || {
        let _ = trainer.train_epoch(&mut rbm, &data, &mut rng);
    });
    let gflops = (batches * 5 * 2 * batch * nv * nh) as f64 / secs / 1e9;
    rows.push(Row {
        what: "RBM 784×500, CD-1, batch 100",
        measured: format!("{gflops:.0} GFLOP/s"),
        target: ">= 40 GFLOP/s",
        met: gflops >= 40.0,
    });
    Ok(rows)
}

/// The app's Train per epoch beside `train`'s (see [`super::bench_app_train`]).
fn app_train_row() -> anyhow::Result<Row> {
    let f = super::bench_app_train::measure()?;
    Ok(Row {
        what: "App Train vs `train`, digits RBM 64×16, batch 20, defaults",
        measured: format!(
            "{:.0} epochs/s (app thread), {:.0} (simulation alone) vs {:.0} (`train`), {} epochs; \
             app / `train` in the same round {:.3} (medians; {:.3} to the app's last curve \
             point, measured after the stop is shown)",
            f.worker,
            f.simulation,
            f.cli,
            super::bench_app_train::EPOCHS,
            f.worker_ratio,
            f.last_point_ratio
        ),
        target: "app >= `train`",
        met: f.worker_ratio >= 1.0,
    })
}

/// CPU time used by this process so far, all threads (seconds): on a machine shared with
/// other work, updates per CPU-second show the kernel's own speed where wall time cannot.
fn process_cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if status != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// The tempering rows' names: threads × sweeps a round.
const TEMPERING_ROWS: [&str; 4] = [
    "Tempering 8 × dense 100-unit BM, 1 thread, 10 sweeps/round",
    "Tempering 8 × dense 100-unit BM, 2 threads, 10 sweeps/round",
    "Tempering 8 × dense 100-unit BM, 1 thread, 50 sweeps/round",
    "Tempering 8 × dense 100-unit BM, 2 threads, 50 sweeps/round",
];

/// Parallel tempering, 8 replicas of a dense 100-unit BM, 10 or 50 sweeps a round: on one thread
/// and on two (replicas split between them each round); the app and CLI use the faster.
fn tempering_rows() -> anyhow::Result<Vec<Row>> {
    let mut rng = SimRng::seed_from_u64(2);
    let bm = BoltzmannMachine::random(100, 0, Connectivity::Full, 0.1, 0.1, &mut rng)?;
    let start = Chain::random(&bm, &mut rng);
    let ladder = tempering::geometric_ladder(1.0, 4.0, 8)?;
    let mut rows = Vec::new();
    for (two_threads, sweeps) in [(false, 10), (true, 10), (false, 50), (true, 50)] {
        let rounds = 2_000 / sweeps;
        let mut pt = Tempering::new(&bm, &start, ladder.clone(), 3)?;
        let mut cpu_secs = Vec::new();
        let secs = median_secs(7, || {
            let cpu = process_cpu_secs();
            for _ in 0..rounds {
                let _ = pt.round(&bm, sweeps, two_threads);
            }
            cpu_secs.push(process_cpu_secs() - cpu);
        });
        let updates = (rounds * sweeps * 8 * 100) as f64;
        let rate = updates / secs / 1e6;
        let cpu_rate = updates / median(cpu_secs).max(1e-9) / 1e6;
        rows.push(Row {
            what: TEMPERING_ROWS[usize::from(two_threads) + 2 * usize::from(sweeps == 50)],
            measured: format!("{rate:.1} M updates/s ({cpu_rate:.1} M per CPU-second)"),
            target: ">= 60 M updates/s",
            met: rate >= 60.0,
        });
    }
    Ok(rows)
}

fn ui_rows(seconds: f64) -> anyhow::Result<Vec<Row>> {
    let report = crate::ui::bench::frame_benchmark(Duration::from_secs_f64(seconds))
        .map_err(|e| anyhow::anyhow!(e))?;
    let slowdown = 1.0 - report.sweeps_per_sec_with_ui / report.sweeps_per_sec_alone.max(1e-9);
    Ok(vec![
        Row {
            what: "UI frame, 784×500 RBM sampling, views in turn (median)",
            measured: format!(
                "{:.2} ms (p95 {:.2} ms, {} frames)",
                report.median_ms, report.p95_ms, report.frames
            ),
            target: "< 8 ms",
            met: report.median_ms < 8.0,
        },
        Row {
            what: "Simulation speed with the UI beside it",
            measured: format!(
                "{:.0} sweeps/s vs {:.0} alone ({:+.0} %)",
                report.sweeps_per_sec_with_ui,
                report.sweeps_per_sec_alone,
                -slowdown * 100.0
            ),
            target: "<= 20 % slower",
            met: slowdown <= 0.2,
        },
    ])
}

/// Runs `bench` and prints the table.
pub fn bench(args: &BenchArgs) -> anyhow::Result<()> {
    let ui_seconds = super::flags::positive("--ui-seconds", args.ui_seconds, 3600.0, "seconds")?;
    let soak_minutes = args
        .soak_minutes
        .map(|m| super::flags::positive("--soak-minutes", m, 7.0 * 24.0 * 60.0, "minutes"))
        .transpose()?;
    if let Some(minutes) = soak_minutes {
        println!("| minutes | resident memory | sweeps |");
        println!("|---|---|---|");
        crate::ui::bench::soak(
            Duration::from_secs_f64(minutes * 60.0),
            Duration::from_secs(30),
            |t, kb, sweeps| {
                println!(
                    "| {:.1} | {:.1} MB | {sweeps:.0} |",
                    t.as_secs_f64() / 60.0,
                    kb as f64 / 1024.0
                )
            },
        );
        return Ok(());
    }
    if args.vs_sklearn {
        return vs_sklearn();
    }
    eprintln!("measuring the engine…");
    let mut rows = engine_rows()?;
    eprintln!("measuring the app's Train beside `train`…");
    rows.push(app_train_row()?);
    if !args.engine_only {
        eprintln!(
            "measuring the UI ({:.0} s with and without it)…",
            ui_seconds
        );
        rows.extend(ui_rows(ui_seconds)?);
    }
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown processor".into());
    println!(
        "BoltzViz benchmarks on {cpu}, {} threads available, kernels: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        crate::engine::simd::describe()
    );
    println!("| Benchmark | Measured | Target | Met |");
    println!("|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} |",
            r.what,
            r.measured,
            r.target,
            if r.met { "yes" } else { "no" }
        );
    }
    Ok(())
}
