//! `boltzviz sample`: draw states from a saved model at temperature T and write the visible
//! units, one 0/1 line per kept sweep.

use super::data::read_model;
use super::flags;
use super::progress::Progress;
use crate::engine::SimRng;
use crate::engine::boltzmann::{Chain, UpdateOrder};
use crate::engine::error::check_temperature;
use crate::engine::rbm::RbmChains;
use crate::persist::atomic::write_atomically;
use crate::sim::model::ImportedModel;
use std::io::Write;
use std::path::PathBuf;

/// `sample`'s options.
#[derive(clap::Args, Debug)]
pub struct SampleArgs {
    /// A session (.ron) or weights (.json, RBM or general BM).
    #[arg(long)]
    pub model: PathBuf,
    /// Temperature T ≥ 0 (0: deterministic descent).
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    pub temperature: f64,
    /// Sweeps to keep (after burn-in and thinning, one line each).
    #[arg(long, default_value_t = 100)]
    pub sweeps: usize,
    /// Sweeps discarded first.
    #[arg(long = "burn-in", default_value_t = 100)]
    pub burn_in: usize,
    /// Keep every K-th sweep.
    #[arg(long, default_value_t = 1)]
    pub thin: usize,
    /// The seed of the chain.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Clamp visible units: one character a unit, 0 or 1 to clamp, . or ? to leave free
    /// (e.g. "11..0...").
    #[arg(long)]
    pub clamp: Option<String>,
    /// The 0/1 text file to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// Parses a clamp pattern into (unit, value) pairs over `n` visible units.
pub fn parse_clamp(pattern: &str, n: usize) -> anyhow::Result<Vec<(usize, u8)>> {
    let chars: Vec<char> = pattern.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() != n {
        anyhow::bail!(
            "the clamp pattern has {} characters but the model has {n} visible units",
            chars.len()
        );
    }
    let mut pairs = Vec::new();
    for (i, c) in chars.into_iter().enumerate() {
        match c {
            '0' => pairs.push((i, 0)),
            '1' => pairs.push((i, 1)),
            '.' | '?' => {}
            other => anyhow::bail!(
                "the clamp pattern has {other:?} at position {}; use 0, 1, . or ?",
                i + 1
            ),
        }
    }
    Ok(pairs)
}

/// Runs `sample`.
pub fn sample(args: &SampleArgs) -> anyhow::Result<()> {
    check_temperature(args.temperature)?;
    let thin = flags::count("--thin", args.thin, 1)?;
    let sweeps = flags::count("--sweeps", args.sweeps, 1)?;
    let total = flags::total("--burn-in + --sweeps × --thin", sweeps, thin, args.burn_in)?;
    let model = read_model(&args.model)?;
    let mut rng = SimRng::seed_from_u64(args.seed);
    let mut progress = Progress::new("sampling", total);
    let mut kept = 0;
    let t = args.temperature;
    write_atomically(&args.out, |out: &mut dyn Write| {
        let mut emit = |done: usize, visible: &[u8], out: &mut dyn Write| -> std::io::Result<()> {
            if done > args.burn_in && (done - args.burn_in).is_multiple_of(args.thin) {
                let line: String = visible
                    .iter()
                    .map(|&b| if b != 0 { '1' } else { '0' })
                    .collect();
                writeln!(out, "{line}")?;
                kept += 1;
            }
            if done.is_multiple_of(100) || done == total {
                progress.update(done, "");
            }
            Ok(())
        };
        match &model {
            ImportedModel::Boltzmann(bm) => {
                let mut chain = Chain::random(bm, &mut rng);
                if let Some(pattern) = &args.clamp {
                    let pairs =
                        parse_clamp(pattern, bm.n_visible()).map_err(std::io::Error::other)?;
                    let (units, values): (Vec<usize>, Vec<u8>) = pairs.into_iter().unzip();
                    chain
                        .clamp(bm, &units, &values)
                        .map_err(std::io::Error::other)?;
                }
                for done in 1..=total {
                    chain
                        .sweep(bm, t, UpdateOrder::Sequential, &mut rng)
                        .map_err(std::io::Error::other)?;
                    emit(done, &chain.state()[..bm.n_visible()], out)?;
                }
            }
            ImportedModel::Rbm(rbm) => {
                let mut chains = RbmChains::random(rbm, 1, &mut rng);
                if let Some(pattern) = &args.clamp {
                    let pairs =
                        parse_clamp(pattern, rbm.n_visible()).map_err(std::io::Error::other)?;
                    for (i, v) in pairs {
                        chains.visible[[0, i]] = f32::from(v);
                        chains.clamped[i] = true;
                    }
                }
                for done in 1..=total {
                    chains.step(rbm, t as f32, &mut rng);
                    let visible: Vec<u8> = chains
                        .visible
                        .row(0)
                        .iter()
                        .map(|&x| u8::from(x > 0.5))
                        .collect();
                    emit(done, &visible, out)?;
                }
            }
        }
        Ok(())
    })?;
    println!("wrote {kept} states to {}", args.out.display());
    Ok(())
}
