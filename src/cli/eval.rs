//! `boltzviz eval`: how well a model explains data — the mean log-likelihood in nats (exact
//! when the net can be enumerated, otherwise AIS with its spread), the reconstruction error
//! and the pseudo-likelihood.

use super::data::{read_data, read_model};
use super::flags;
use super::progress::Progress;
use crate::engine::ais::{AisConfig, ais_log_partition_with_progress};
use crate::engine::boltzmann::BoltzmannMachine;
use crate::engine::exact;
use crate::engine::pseudo_likelihood::{bm_pseudo_log_likelihood, rbm_pseudo_log_likelihood};
use crate::engine::rbm::Rbm;
use crate::engine::rbm_train::{matrix_from_patterns, reconstruction_error};
use crate::engine::{EngineError, SimRng};
use crate::sim::model::ImportedModel;
use ndarray::Array1;
use std::path::PathBuf;

/// RBMs whose smaller layer has at most this many units are enumerated exactly.
const EXACT_RBM_UNITS: usize = 24;

/// `eval`'s options.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// A session (.ron) or weights (.json).
    #[arg(long)]
    pub model: PathBuf,
    /// 0/1 data, one pattern a line (as long as the visible layer).
    #[arg(long)]
    pub data: PathBuf,
    /// The seed of AIS (only used when the model is too large to enumerate).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Independent AIS runs (only used when the model is too large to enumerate).
    #[arg(long, default_value_t = AisConfig::default().runs)]
    pub ais_runs: usize,
    /// Intermediate inverse temperatures of each AIS run.
    #[arg(long, default_value_t = AisConfig::default().betas)]
    pub ais_betas: usize,
}

/// The AIS settings from the flags, refused (exit status 2) before any work: at least 2 runs
/// (the spread needs two) and 1 temperature, and runs × temperatures within the count limit.
fn ais_config(args: &EvalArgs) -> anyhow::Result<AisConfig> {
    flags::count("--ais-runs", args.ais_runs, 2)?;
    flags::count("--ais-betas", args.ais_betas, 1)?;
    flags::total("--ais-runs × --ais-betas", args.ais_runs, args.ais_betas, 0)?;
    Ok(AisConfig {
        runs: args.ais_runs,
        betas: args.ais_betas,
    })
}

/// Runs `eval`.
pub fn eval(args: &EvalArgs) -> anyhow::Result<()> {
    let ais = ais_config(args)?;
    let model = read_model(&args.model)?;
    let set = read_data(&args.data, "--data")?;
    let data = &set.patterns;
    let nv = match &model {
        ImportedModel::Rbm(r) => r.n_visible(),
        ImportedModel::Boltzmann(b) => b.n_visible(),
    };
    if data[0].len() != nv {
        anyhow::bail!(
            "the data has {} units a pattern but the model has {nv} visible units",
            data[0].len()
        );
    }
    println!("{} patterns of {nv} units", data.len());
    match &model {
        ImportedModel::Rbm(rbm) => eval_rbm(rbm, data, args.seed, &ais)?,
        ImportedModel::Boltzmann(bm) => eval_bm(bm, data)?,
    }
    Ok(())
}

fn eval_rbm(rbm: &Rbm, data: &[Vec<u8>], seed: u64, ais: &AisConfig) -> anyhow::Result<()> {
    let matrix = matrix_from_patterns(data)?;
    let mean_free_energy = data
        .iter()
        .map(|v| rbm.free_energy(v))
        .sum::<Result<f64, EngineError>>()?
        / data.len() as f64;
    if exact_is_quick(rbm) {
        let ll = exact::rbm_log_likelihood(rbm, data)?;
        println!("log-likelihood (exact):  {ll:.4} nats per pattern");
    } else {
        // AIS from the base rate model with the data's pixel frequencies.
        let base: Array1<f32> = matrix.mean_axis(ndarray::Axis(0)).map_or_else(
            || Array1::zeros(rbm.n_visible()),
            |p| p.mapv(|q| (q.clamp(1e-3, 1.0 - 1e-3) / (1.0 - q.clamp(1e-3, 1.0 - 1e-3))).ln()),
        );
        eprintln!(
            "enumerating this model would take over a minute: estimating log Z by AIS ({} runs of {} temperatures)…",
            ais.runs, ais.betas
        );
        let mut rng = SimRng::seed_from_u64(seed);
        let mut progress = Progress::new("AIS", 1);
        let estimate =
            ais_log_partition_with_progress(rbm, &base, ais, &mut rng, |done, total| {
                progress.set_total(total);
                progress.update(done, "");
            })?;
        let ll = -mean_free_energy - estimate.log_z;
        let (low, high) = (
            -mean_free_energy - estimate.log_z_high,
            -mean_free_energy - estimate.log_z_low,
        );
        println!(
            "log-likelihood (AIS):    {ll:.4} nats per pattern (±3σ of Z: {low:.4} to {high:.4})"
        );
    }
    println!(
        "reconstruction error:    {:.5} per unit",
        reconstruction_error(rbm, &matrix)
    );
    println!(
        "pseudo-log-likelihood:   {:.4} nats per pattern",
        rbm_pseudo_log_likelihood(rbm, data)?
    );
    Ok(())
}

/// Whether exact enumeration of an RBM is quick (well under a minute): it sums over the
/// 2^k states of the smaller layer, each costing about one pass over the other layer's
/// weights, so the work is 2^k · max(nv, nh) multiply-adds; this machine class does about 10⁹
/// a second, and the bound is 2 · 10¹⁰ (e.g. 2000 × 24 is refused: 3.4 · 10¹⁰).
fn exact_is_quick(rbm: &Rbm) -> bool {
    let (small, large) = (
        rbm.n_visible().min(rbm.n_hidden()),
        rbm.n_visible().max(rbm.n_hidden()),
    );
    small <= EXACT_RBM_UNITS && (1u128 << small) * large as u128 <= 20_000_000_000
}

fn eval_bm(bm: &BoltzmannMachine, data: &[Vec<u8>]) -> anyhow::Result<()> {
    match exact::bm_log_likelihood(bm, data) {
        Ok(ll) => println!("log-likelihood (exact):  {ll:.4} nats per pattern"),
        Err(EngineError::TooLargeToEnumerate { units, limit }) => println!(
            "log-likelihood:          not computed ({units} units is more than the {limit} that \
             can be enumerated, and AIS here is for RBMs)"
        ),
        Err(e) => return Err(e.into()),
    }
    if bm.n_hidden() == 0 {
        let pll = bm_pseudo_log_likelihood(bm, data)?;
        println!("pseudo-log-likelihood:   {pll:.4} nats per pattern");
    } else {
        println!(
            "pseudo-log-likelihood:   not defined with hidden units (they must be summed out)"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumeration_is_chosen_only_when_it_is_quick() {
        let mut rng = SimRng::seed_from_u64(1);
        let small = Rbm::random(64, 16, 0.01, &mut rng).expect("rbm");
        assert!(exact_is_quick(&small), "65 536 states × 64: exact");
        let wide = Rbm::random(2000, 24, 0.01, &mut rng).expect("rbm");
        assert!(!exact_is_quick(&wide), "2^24 × 2000 = 3.4·10¹⁰: AIS");
        let mnist = Rbm::random(784, 20, 0.01, &mut rng).expect("rbm");
        assert!(exact_is_quick(&mnist), "2^20 × 784 = 8·10⁸: exact");
    }
}
