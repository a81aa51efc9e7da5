//! `bench`: the app's Train against `boltzviz train`, per epoch, on the 64×16 digits RBM
//! (batch 20, CD-1, the `train` defaults for every rule).
//!
//! Three paths over the same epochs, each timed from the start of training to its end:
//! - `train`: the CLI's loop (flags parsed with their defaults, the trainer's epochs, the
//!   exact metrics every `--eval-every` epochs and at the end), without printing;
//! - the simulation alone: a [`Simulation`] given Train and advanced in 8 ms steps;
//! - the app's worker: a [`SimHandle`] (the thread the window talks to) given Train, its
//!   snapshots read when it wakes its reader (as the window is woken to repaint), until
//!   training stops by itself at the last epoch
//!   (the linear fall of the rate reaches 0 there, as `train --lr-schedule linear` does).
//!
//! The app measures its learning curve beside the training ([`crate::sim::curve_meter`]):
//! the starting point while idle, before Train is pressed (both app paths start their clocks
//! once it is in, as a person presses Train on a model already on screen), points during
//! training on another thread, and the last one once the stop has been published. `train`
//! stops its epochs for each of its metrics. Both measure the same figures; the app's epochs
//! do not wait for them. The row also gives the app's time to its last curve point (shown a
//! few milliseconds after the stop), beside `train`'s, whose time includes its last metric.

use super::bench::median;
use super::train::TrainArgs;
use super::train_rbm::config_from_args;
use crate::engine::SimRng;
use crate::engine::patterns;
use crate::engine::rbm::Rbm;
use crate::engine::rbm_exact;
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::sim::protocol::{Command, ModelKind, ModelSpec, TrainingSource};
use crate::sim::rbm_rules::RbmRule;
use crate::sim::{SimHandle, Simulation};
use clap::Parser;
use std::time::{Duration, Instant};

/// Epochs per timed run: the run (`train --epochs 200`, whose default metrics are one
/// exact evaluation, at the end).
pub const EPOCHS: usize = 200;
/// Rounds of the three paths side by side (each round about 0.2 s). Each round runs all three,
/// in turn forwards and backwards (so no path always runs first, when the processor is
/// freshest), and the figures are medians over the rounds: of each path's rate, and of the
/// app's rate over `train`'s in the same round (a paired ratio, so a change in the machine's
/// load between rounds falls on both sides of it). On this shared machine one round's ratio
/// scatters by ±10 % and more; the median of 41 moved between 1.02 and 1.09 over twelve runs.
const RUNS: usize = 41;
/// The longest a run may take before the benchmark gives up.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Epochs per second of each path, and the paired ratios (medians over [`RUNS`] rounds).
pub struct AppTrainFigures {
    /// `boltzviz train`'s loop.
    pub cli: f64,
    /// The simulation advanced directly.
    pub simulation: f64,
    /// The app's simulation thread.
    pub worker: f64,
    /// The app's thread over `train` in the same round.
    pub worker_ratio: f64,
    /// The same with the app's clock stopped when the curve's last point is shown (`train`'s
    /// time includes its last metric; the app measures it after the stop is shown).
    pub last_point_ratio: f64,
}

#[derive(Parser)]
struct TrainFlags {
    #[command(flatten)]
    args: TrainArgs,
}

/// `train --model rbm --hidden 16 --epochs 1000 --batch 20` with every other flag at its
/// default.
fn default_train_args() -> anyhow::Result<TrainArgs> {
    let epochs = EPOCHS.to_string();
    let flags = TrainFlags::try_parse_from([
        "train",
        "--model",
        "rbm",
        "--data",
        "digits",
        "--hidden",
        "16",
        "--batch",
        "20",
        "--epochs",
        &epochs,
        "--out",
        "unused.ron",
    ])?;
    Ok(flags.args)
}

/// Measures the three paths.
pub fn measure() -> anyhow::Result<AppTrainFigures> {
    let args = default_train_args()?;
    let config = config_from_args(&args);
    let every = super::train::eval_every(&args);
    let digits = patterns::digits()?;
    let data = matrix_from_patterns(&digits.patterns)?;
    let cli = || -> anyhow::Result<Duration> {
        let mut rng = SimRng::seed_from_u64(1);
        let mut rbm = Rbm::random(data.ncols(), 16, 0.01, &mut rng)?;
        rbm.set_visible_bias_from_data(&data);
        let mut trainer = RbmTrainer::new(&rbm, config.clone())?;
        let start = Instant::now();
        for epoch in 1..=EPOCHS {
            let reported = (every > 0 && epoch % every == 0) || epoch == EPOCHS;
            trainer.measure_reconstruction(reported);
            trainer.train_epoch(&mut rbm, &data, &mut rng)?;
            if reported {
                rbm_exact::mean_log_likelihood(&rbm, data.view())?;
            }
        }
        Ok(start.elapsed())
    };
    let simulation = || -> anyhow::Result<Duration> {
        let mut sim = app_simulation(&config)?;
        // As the app's thread does while idle: the curve's starting point.
        sim.complete_curve();
        sim.settle_curve();
        let start = Instant::now();
        sim.apply(Command::Train(true))?;
        while sim.is_training() {
            sim.advance(Duration::from_millis(8), Duration::ZERO)?;
            anyhow::ensure!(start.elapsed() < RUN_LIMIT, "the simulation did not stop");
        }
        Ok(start.elapsed())
    };
    let worker = || -> anyhow::Result<(Duration, Duration)> {
        // The thread wakes its reader after each publish, as it asks the window to repaint.
        let (woken, wakes) = std::sync::mpsc::channel();
        let handle = SimHandle::spawn(app_simulation(&config)?, move || {
            let _ = woken.send(());
        })?;
        // Idle, the thread measures the curve's starting point; Train is pressed after it
        // has shown.
        loop {
            wakes
                .recv_timeout(RUN_LIMIT)
                .map_err(|_| anyhow::anyhow!("the worker did not measure the start"))?;
            let snap = handle.take_snapshot();
            if snap.is_some_and(|s| s.learning.curve.first().is_some_and(|p| p[0] == 0.0)) {
                break;
            }
        }
        while wakes.try_recv().is_ok() {}
        let start = Instant::now();
        handle
            .send(Command::Train(true))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let (mut started, mut stopped) = (false, None);
        loop {
            wakes
                .recv_timeout(RUN_LIMIT)
                .map_err(|_| anyhow::anyhow!("the worker did not stop"))?;
            let Some(snap) = handle.take_snapshot() else {
                continue;
            };
            started |= snap.learning.training;
            if started && !snap.learning.training && stopped.is_none() {
                anyhow::ensure!(snap.learning.epoch == EPOCHS, "stopped early");
                stopped = Some(start.elapsed());
            }
            // Then the last point of the curve, measured once the stop is shown.
            if let Some(stopped) = stopped
                && snap
                    .learning
                    .curve
                    .last()
                    .is_some_and(|p| p[0] == EPOCHS as f64)
            {
                return Ok((stopped, start.elapsed()));
            }
        }
    };
    // The three side by side in each round, so a change in the machine's load falls on all.
    let mut rates = [Vec::new(), Vec::new(), Vec::new()];
    let mut to_last_point = Vec::new();
    for round in 0..RUNS {
        let mut order = [0, 1, 2];
        if round % 2 == 1 {
            order.reverse();
        }
        for path in order {
            let time = match path {
                0 => cli()?,
                1 => simulation()?,
                _ => {
                    let (stopped, last_point) = worker()?;
                    to_last_point.push(EPOCHS as f64 / last_point.as_secs_f64());
                    stopped
                }
            };
            rates[path].push(EPOCHS as f64 / time.as_secs_f64());
        }
    }
    let worker_ratio = median(rates[2].iter().zip(&rates[0]).map(|(w, c)| w / c).collect());
    let last_point_ratio = median(
        to_last_point
            .iter()
            .zip(&rates[0])
            .map(|(w, c)| w / c)
            .collect(),
    );
    let [cli, simulation, worker] = rates.map(median);
    Ok(AppTrainFigures {
        cli,
        simulation,
        worker,
        worker_ratio,
        last_point_ratio,
    })
}

/// The app's digits RBM with `train`'s rules set through the Learning view's commands, the
/// rate falling to 0 at the last epoch (where training stops by itself).
fn app_simulation(config: &RbmTrainConfig) -> anyhow::Result<Simulation> {
    let mut sim = Simulation::new(ModelSpec {
        kind: ModelKind::Rbm,
        source: TrainingSource::Digits,
        hidden: 16,
        ..ModelSpec::default()
    })?;
    sim.apply(Command::SetLearningRate(f64::from(config.learning_rate)))?;
    for rule in [
        RbmRule::Momentum(config.momentum),
        RbmRule::FinalMomentum(config.final_momentum),
        RbmRule::MomentumSwitch(config.momentum_switch_epoch),
        RbmRule::WeightDecay(config.weight_decay),
        RbmRule::RateDecay(config.lr_decay),
        RbmRule::RateEndEpoch(Some(EPOCHS)),
        RbmRule::FinalCdK(config.final_cd_k),
        RbmRule::CdKSwitch(config.cd_k_switch_epoch),
    ] {
        sim.apply(Command::SetRbmRule(rule))?;
    }
    Ok(sim)
}
