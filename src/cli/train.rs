//! `boltzviz train`: fit an RBM, a Boltzmann machine with hidden units, or store patterns in a
//! Hopfield net, reporting per-epoch metrics, and write a session (.ron) or weights (.json).

use super::data::read_data;
use super::flags;
use super::progress::Progress;
use crate::engine::SimRng;
use crate::engine::boltzmann::{BoltzmannMachine, Connectivity};
use crate::engine::exact;
use crate::engine::hopfield::HopfieldRule;
use crate::engine::learning::{LearningSettings, learning_step};
use crate::engine::rbm::Rbm;
use crate::engine::rbm_train::{RbmTrainConfig, RbmTrainer, matrix_from_patterns};
use crate::persist::interchange::{bm_to_json, rbm_to_json};
use crate::persist::{atomic::write_bytes, save_session};
use crate::sim::Simulation;
use crate::sim::model::{Model, RbmModel, net_model};
use crate::sim::protocol::{ModelKind, ModelSpec, TrainingSource};
use std::path::PathBuf;

/// Nets up to this many units get an exact metric each epoch.
const EXACT_METRIC_UNITS: usize = 20;

/// What to train.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelChoice {
    /// Restricted Boltzmann machine (CD-k or PCD-k).
    Rbm,
    /// Boltzmann machine with hidden units (Ackley–Hinton–Sejnowski learning).
    Bm,
    /// Hopfield net (one-shot storage).
    Hopfield,
}

/// Hopfield storage rule, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleChoice {
    /// Hebbian (about 0.138 N patterns).
    Hebb,
    /// Storkey (more, and fewer spurious states).
    Storkey,
    /// Pseudo-inverse (up to N linearly independent patterns).
    Pinv,
}

impl From<RuleChoice> for HopfieldRule {
    fn from(rule: RuleChoice) -> Self {
        match rule {
            RuleChoice::Hebb => HopfieldRule::Hebbian,
            RuleChoice::Storkey => HopfieldRule::Storkey,
            RuleChoice::Pinv => HopfieldRule::PseudoInverse,
        }
    }
}

/// `train`'s options.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// rbm, bm or hopfield.
    #[arg(long, value_enum)]
    pub model: ModelChoice,
    /// Training data: 0/1 text, one pattern a line.
    #[arg(long)]
    pub data: PathBuf,
    /// Hidden units (rbm, bm).
    #[arg(long, default_value_t = 16)]
    pub hidden: usize,
    /// Passes over the data (rbm) or learning steps (bm).
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Mini-batch size (rbm).
    #[arg(long, default_value_t = 20)]
    pub batch: usize,
    /// Learning rate η.
    #[arg(long, default_value_t = 0.05)]
    pub lr: f64,
    /// Gibbs steps k of CD-k (rbm).
    #[arg(long = "cd-k", default_value_t = 1)]
    pub cd_k: usize,
    /// Persistent chains (PCD) instead of restarting at the data.
    #[arg(long)]
    pub pcd: bool,
    /// Storage rule (hopfield).
    #[arg(long, value_enum, default_value = "hebb")]
    pub rule: RuleChoice,
    /// The seed of every random choice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write: a session (.ron, opens in the app) or weights (.json).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `train`.
pub fn train(args: &TrainArgs) -> anyhow::Result<()> {
    check_flags(args)?;
    let set = read_data(&args.data)?;
    let nv = set.width * set.height;
    match args.model {
        ModelChoice::Rbm => flags::hidden_units(args.hidden, nv, true)?,
        ModelChoice::Bm => flags::hidden_units(args.hidden, nv, false)?,
        ModelChoice::Hopfield => crate::engine::limits::check_net(nv, 0)
            .map_err(|e| anyhow::anyhow!("{nv} units a pattern: {e}"))
            .map(|_| ())?,
    }
    let mut rng = SimRng::seed_from_u64(args.seed);
    println!(
        "{} patterns of {nv} units ({} × {}) from {}",
        set.patterns.len(),
        set.width,
        set.height,
        args.data.display()
    );
    let (model, kind, hidden) = match args.model {
        ModelChoice::Rbm => (
            train_rbm(args, &set.patterns, &mut rng)?,
            ModelKind::Rbm,
            args.hidden,
        ),
        ModelChoice::Bm => (
            train_bm(args, &set.patterns, &mut rng)?,
            ModelKind::Boltzmann,
            args.hidden,
        ),
        ModelChoice::Hopfield => {
            let spec = ModelSpec {
                rule: args.rule.into(),
                ..ModelSpec::default()
            };
            let model = crate::sim::model::build(&spec, &set, &mut rng)?;
            println!(
                "stored {} patterns with the {:?} rule",
                set.patterns.len(),
                args.rule
            );
            (model, ModelKind::Hopfield, 0)
        }
    };
    write_model(args, model, kind, hidden, set)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

/// Every flag that does not depend on the data, checked before the data is read.
fn check_flags(args: &TrainArgs) -> anyhow::Result<()> {
    flags::count("--epochs", args.epochs, 1)?;
    flags::count("--batch", args.batch, 1)?;
    flags::positive("--lr", args.lr, 1000.0, "")?;
    if !(1..=crate::sim::simulation::MAX_CD_K).contains(&args.cd_k) {
        anyhow::bail!(
            "--cd-k must be from 1 to {}, got {}",
            crate::sim::simulation::MAX_CD_K,
            args.cd_k
        );
    }
    Ok(())
}

fn train_rbm(args: &TrainArgs, data: &[Vec<u8>], rng: &mut SimRng) -> anyhow::Result<Model> {
    let matrix = matrix_from_patterns(data)?;
    let mut rbm = Rbm::random(matrix.ncols(), args.hidden, 0.01, rng)?;
    rbm.set_visible_bias_from_data(&matrix);
    let config = RbmTrainConfig {
        learning_rate: args.lr as f32,
        batch_size: args.batch,
        cd_k: args.cd_k,
        persistent: args.pcd,
        ..RbmTrainConfig::default()
    };
    let mut trainer = RbmTrainer::new(&rbm, config)?;
    let exact_ll = rbm.n_visible().min(rbm.n_hidden()) <= EXACT_METRIC_UNITS;
    let mut progress = Progress::new("training", args.epochs);
    for epoch in 1..=args.epochs {
        let stats = trainer
            .train_epoch(&mut rbm, &matrix, rng)
            .map_err(|e| anyhow::anyhow!("at epoch {epoch}: {e}"))?;
        let mut line = format!(
            "epoch {epoch}: reconstruction error {:.4}",
            stats.reconstruction_error
        );
        if exact_ll {
            let ll = exact::rbm_log_likelihood(&rbm, data)?;
            line.push_str(&format!(", exact log-likelihood {ll:.3} nats"));
        }
        progress.update(epoch, &line);
        println!("{line}");
    }
    let chains = crate::engine::rbm::RbmChains::random(&rbm, 1, rng);
    Ok(Model::Rbm(RbmModel {
        rbm,
        chains,
        trainer,
    }))
}

fn train_bm(args: &TrainArgs, data: &[Vec<u8>], rng: &mut SimRng) -> anyhow::Result<Model> {
    let nv = data.first().map_or(0, Vec::len);
    let mut bm = BoltzmannMachine::random(nv, args.hidden, Connectivity::Full, 0.1, 0.0, rng)?;
    let settings = LearningSettings {
        learning_rate: args.lr,
        persistent: args.pcd || LearningSettings::default().persistent,
        ..LearningSettings::default()
    };
    settings.validate()?;
    let exact_kl = bm.n() <= EXACT_METRIC_UNITS;
    let mut chains = Vec::new();
    let mut progress = Progress::new("training", args.epochs);
    let report_every = (args.epochs / 20).max(1);
    for step in 1..=args.epochs {
        learning_step(&mut bm, data, &mut chains, &settings, rng)
            .map_err(|e| anyhow::anyhow!("at step {step}: {e}"))?;
        progress.update(step, "");
        if step % report_every == 0 || step == args.epochs {
            let line = if exact_kl {
                let kl = exact::kl_data_model(&bm, 1.0, data)?;
                format!("step {step}: exact KL(data || model) {kl:.4} nats")
            } else {
                format!("step {step}")
            };
            progress.update(step, &line);
            println!("{line}");
        }
    }
    Ok(Model::Net(net_model(bm, 0.0, rng)))
}

fn write_model(
    args: &TrainArgs,
    model: Model,
    kind: ModelKind,
    hidden: usize,
    set: crate::engine::patterns::PatternSet,
) -> anyhow::Result<()> {
    let is_json = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let text = match &model {
            Model::Net(m) => bm_to_json(&m.bm),
            Model::Rbm(m) => rbm_to_json(&m.rbm),
        };
        write_bytes(&args.out, text.as_bytes())?;
        return Ok(());
    }
    let spec = ModelSpec {
        kind,
        source: TrainingSource::Drawn,
        hidden,
        rule: args.rule.into(),
        seed: args.seed,
    };
    let sim = Simulation::from_model(spec, model, set)?;
    save_session(&args.out, &sim.to_saved())?;
    Ok(())
}
