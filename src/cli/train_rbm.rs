//! `boltzviz train --model rbm`: CD-k, PCD or the exact gradient (`--rule exact`, small RBMs)
//! with Hinton's learning rules, and metrics every
//! `--eval-every` epochs: the reconstruction error (free: the epoch measures it), and the exact
//! mean log-likelihood of the training data and of `--valid` (one log Z for both, through
//! [`crate::engine::rbm_exact`]) when the smaller layer can be enumerated quickly.

use super::progress::Progress;
use super::train::{
    DEFAULT_RBM_LR, EXACT_METRIC_UNITS, ScheduleChoice, TrainArgs, TrainRule, eval_every,
};
use crate::engine::SimRng;
use crate::engine::rbm::{Rbm, RbmChains};
use crate::engine::rbm_exact;
use crate::engine::rbm_train::{
    GradientRule, RbmTrainConfig, RbmTrainer, Sparsity, matrix_from_patterns, reconstruction_error,
};
use crate::sim::model::{Model, RbmModel};
use ndarray::Array2;

/// The trainer's settings from the flags (already checked by `check_flags`).
pub(super) fn config_from_args(args: &TrainArgs) -> RbmTrainConfig {
    RbmTrainConfig {
        learning_rate: args.lr.unwrap_or(DEFAULT_RBM_LR) as f32,
        lr_decay: args.lr_decay as f32,
        momentum: args.momentum as f32,
        final_momentum: args.final_momentum as f32,
        momentum_switch_epoch: Some(args.momentum_switch),
        weight_decay: args.decay as f32,
        batch_size: args.batch,
        cd_k: args.cd_k,
        final_cd_k: args
            .final_cd_k
            .unwrap_or(args.cd_k.max(crate::engine::rbm_train::DEFAULT_FINAL_CD_K)),
        cd_k_switch_epoch: Some(args.cd_k_switch.unwrap_or_else(|| {
            (crate::engine::rbm_train::DEFAULT_CD_K_SWITCH_SHARE * args.epochs as f64).round()
                as usize
        })),
        persistent: args.pcd,
        sparsity: args.sparsity.map(|target| Sparsity {
            target: target as f32,
            cost: args.sparsity_cost as f32,
        }),
        anneal_to_epoch: (args.lr_schedule == ScheduleChoice::Linear).then_some(args.epochs),
    }
}

/// CD/PCD, or the exact gradient (`--rule exact`).
fn gradient_rule(args: &TrainArgs) -> GradientRule {
    if args.rule == Some(TrainRule::Exact) {
        GradientRule::Exact
    } else {
        GradientRule::Sampled
    }
}

/// The exact learning curves a run measured (empty when the RBM is too large for them), for
/// the session it writes: the app's learning curve continues from them.
#[derive(Default)]
pub(super) struct MeasuredCurves {
    /// (epoch, mean log-likelihood of the training data).
    pub training: Vec<[f64; 2]>,
    /// (epoch, mean log-likelihood of `--valid`).
    pub held_out: Vec<[f64; 2]>,
}

/// Trains an RBM on `data`, printing metrics, and returns it as a model for the session with
/// the exact curves it measured.
pub(super) fn train_rbm(
    args: &TrainArgs,
    data: &[Vec<u8>],
    valid: Option<&[Vec<u8>]>,
    rng: &mut SimRng,
) -> anyhow::Result<(Model, MeasuredCurves)> {
    let matrix = matrix_from_patterns(data)?;
    let valid = valid.map(matrix_from_patterns).transpose()?;
    let mut rbm = Rbm::random(matrix.ncols(), args.hidden, 0.01, rng)?;
    rbm.set_visible_bias_from_data(&matrix);
    let mut trainer = RbmTrainer::new(&rbm, config_from_args(args))?;
    let every = eval_every(args);
    let exact = rbm.n_visible().min(rbm.n_hidden()) <= EXACT_METRIC_UNITS;
    let mut plot = args.plot.as_deref().map(|path| {
        let (y_label, names): (&str, &[&str]) = match (exact, valid.is_some()) {
            (true, true) => ("mean log-likelihood, nats", &["training", "held-out"]),
            (true, false) => ("mean log-likelihood, nats", &["training"]),
            (false, _) => (
                "reconstruction error per pixel",
                &["training (reconstruction)"],
            ),
        };
        super::train_plot::LearningPlot::new(
            path,
            format!(
                "RBM {} × {}: learning curve",
                rbm.n_visible(),
                rbm.n_hidden()
            ),
            y_label,
            names,
        )
    });
    let mut progress = Progress::new("training", args.epochs);
    let mut curves = MeasuredCurves::default();
    for epoch in 1..=args.epochs {
        let last = epoch == args.epochs;
        let reported = (every > 0 && epoch % every == 0) || last;
        // The reconstruction error is measured only in the epochs whose line is printed.
        trainer.measure_reconstruction(reported);
        let stats = trainer
            .train_epoch_by(&mut rbm, &matrix, rng, gradient_rule(args))
            .map_err(|e| anyhow::anyhow!("at epoch {epoch}: {e}"))?;
        let recon = stats.reconstruction_error.unwrap_or(f64::NAN);
        if reported {
            let (text, ll) = metrics(&rbm, &matrix, valid.as_ref())?;
            let x = epoch as f64;
            curves.training.extend(ll.first().map(|&v| [x, v]));
            curves.held_out.extend(ll.get(1).map(|&v| [x, v]));
            if let Some(plot) = &mut plot {
                if exact {
                    for (k, v) in ll.iter().enumerate() {
                        plot.push(k, epoch, *v);
                    }
                } else {
                    plot.push(0, epoch, recon);
                }
            }
            let line = format!(
                "{}epoch {epoch}: reconstruction error {:.4}{text}",
                if last { "final: " } else { "" },
                recon,
            );
            progress.update(epoch, &line);
            println!("{line}");
        } else {
            progress.update(epoch, "");
        }
    }
    if let Some(plot) = plot {
        plot.write();
    }
    trainer.measure_reconstruction(true);
    // The fall to 0 belongs to this run: a session continued in the app keeps learning at
    // η / (1 + δe) instead of a rate stuck at 0.
    trainer.set_config(RbmTrainConfig {
        anneal_to_epoch: None,
        ..trainer.config().clone()
    })?;
    let chains = RbmChains::random(&rbm, 1, rng);
    Ok((
        Model::Rbm(RbmModel {
            rbm,
            chains,
            trainer,
        }),
        curves,
    ))
}

/// The log-likelihood part of a metrics line, and the exact mean log-likelihoods (training,
/// then held-out): exact when the smaller layer has at most [`EXACT_METRIC_UNITS`] units, else
/// the held-out reconstruction error only (and no log-likelihoods).
fn metrics(
    rbm: &Rbm,
    train: &Array2<f32>,
    valid: Option<&Array2<f32>>,
) -> anyhow::Result<(String, Vec<f64>)> {
    if rbm.n_visible().min(rbm.n_hidden()) <= EXACT_METRIC_UNITS {
        let mut sets = vec![train.view()];
        sets.extend(valid.map(|v| v.view()));
        let ll = rbm_exact::mean_log_likelihoods(rbm, &sets)?;
        let text = match ll.get(1) {
            Some(v) => format!(", exact log-likelihood {:.3} nats (held-out {v:.3})", ll[0]),
            None => format!(", exact log-likelihood {:.3} nats", ll[0]),
        };
        Ok((text, ll))
    } else {
        let text = valid.map_or_else(String::new, |v| {
            format!(
                ", held-out reconstruction error {:.4}",
                reconstruction_error(rbm, v)
            )
        });
        Ok((text, Vec::new()))
    }
}
