//! `boltzviz sample`: draw states from a saved model at temperature T and write the visible
//! units, one 0/1 line per kept sweep.

use super::data::read_model;
use super::flags;
use super::progress::Progress;
use crate::engine::SimRng;
use crate::engine::boltzmann::{Chain, UpdateOrder};
use crate::engine::error::check_temperature;
use crate::engine::exact::visible_log_probs;
use crate::engine::tempering::{MAX_REPLICAS, MIN_REPLICAS, Tempering, geometric_ladder};
use super::sample_diagnostics::{Recorder, enumerable};
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
    /// Also print how well the kept states stand for the distribution: τ_int and ESS of the
    /// energy and of the slowest unit, and for nets of at most 20 units with nothing clamped
    /// the TV to the exact distribution beside the i.i.d. floor.
    #[arg(long)]
    pub diagnostics: bool,
    /// Parallel tempering with K replicas (2 to 32) from --temperature up to --t-max, in
    /// geometric steps; each sweep is one round (every replica sweeps, then neighbours propose
    /// exchanges) and only the target temperature's states are kept. General BMs only.
    #[arg(long, value_name = "K")]
    pub tempering: Option<usize>,
    /// The hottest replica's temperature (needs --tempering; default 4 × --temperature).
    #[arg(long = "t-max", allow_hyphen_values = true)]
    pub t_max: Option<f64>,
}

/// The tempering ladder the flags ask for, checked (one-line refusals, exit 2).
fn ladder_from_flags(args: &SampleArgs) -> anyhow::Result<Option<Vec<f64>>> {
    let Some(k) = args.tempering else {
        if args.t_max.is_some() {
            return Err(flags::usage("--t-max needs --tempering K"));
        }
        return Ok(None);
    };
    if !(MIN_REPLICAS..=MAX_REPLICAS).contains(&k) {
        return Err(flags::usage(format!(
            "--tempering must be from {MIN_REPLICAS} to {MAX_REPLICAS} replicas, got {k}"
        )));
    }
    let t = args.temperature;
    if t <= 0.0 {
        return Err(flags::usage(format!(
            "--tempering needs --temperature > 0, got {t}"
        )));
    }
    let t_max = args.t_max.unwrap_or(4.0 * t);
    if !(t_max.is_finite() && t_max > t) {
        return Err(flags::usage(format!(
            "--t-max must be a finite number above --temperature ({t}), got {t_max}"
        )));
    }
    geometric_ladder(t, t_max, k)
        .map(Some)
        .map_err(|e| flags::usage(e.to_string()))
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
    let ladder = ladder_from_flags(args)?;
    let model = read_model(&args.model)?;
    let n_visible = match &model {
        ImportedModel::Boltzmann(bm) => bm.n_visible(),
        ImportedModel::Rbm(rbm) => {
            if ladder.is_some() {
                return Err(flags::usage(
                    "--tempering needs a general Boltzmann machine; this model is an RBM",
                ));
            }
            rbm.n_visible()
        }
    };
    let mut recorder = if args.diagnostics {
        Some(Recorder::new(n_visible, sweeps)?)
    } else {
        None
    };
    let mut rng = SimRng::seed_from_u64(args.seed);
    let mut progress = Progress::new("sampling", total);
    let mut kept = 0;
    let t = args.temperature;
    let mut acceptance = Vec::new();
    write_atomically(&args.out, |out: &mut dyn Write| {
        let mut emit = |done: usize,
                        visible: &[u8],
                        energy: f64,
                        out: &mut dyn Write|
         -> std::io::Result<()> {
            if done > args.burn_in && (done - args.burn_in).is_multiple_of(args.thin) {
                if let Some(r) = recorder.as_mut() {
                    r.record(visible, energy);
                }
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
                if let Some(ladder) = &ladder {
                    let seed = rng.next_u64();
                    let mut pt = Tempering::new(bm, &chain, ladder.clone(), seed)
                        .map_err(std::io::Error::other)?;
                    for done in 1..=total {
                        pt.round(bm, 1, false).map_err(std::io::Error::other)?;
                        let target = pt.target();
                        emit(done, &target.state()[..bm.n_visible()], target.energy(bm), out)?;
                    }
                    acceptance = pt.acceptance_rates();
                } else {
                    for done in 1..=total {
                        chain
                            .sweep(bm, t, UpdateOrder::Sequential, &mut rng)
                            .map_err(std::io::Error::other)?;
                        emit(done, &chain.state()[..bm.n_visible()], chain.energy(bm), out)?;
                    }
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
                    let energy = if args.diagnostics {
                        rbm.free_energy(&visible).map_err(std::io::Error::other)?
                    } else {
                        0.0
                    };
                    emit(done, &visible, energy, out)?;
                }
            }
        }
        Ok(())
    })?;
    println!("wrote {kept} states to {}", args.out.display());
    if !acceptance.is_empty() {
        let rates: Vec<String> = acceptance
            .iter()
            .map(|a| a.map_or("–".into(), |a| format!("{a:.2}")))
            .collect();
        println!("tempering: exchange acceptance per rung pair: {}", rates.join(" "));
    }
    if let Some(recorder) = &recorder {
        let (energy_name, exact) = match &model {
            ImportedModel::Boltzmann(bm) => {
                let small = enumerable(bm.n()) && args.clamp.is_none() && t > 0.0;
                let exact = if small {
                    Some(visible_log_probs(bm, t)?.iter().map(|l| l.exp()).collect::<Vec<_>>())
                } else {
                    None
                };
                ("energy E(s)", exact)
            }
            ImportedModel::Rbm(_) => ("free energy F(v) (at T = 1)", None),
        };
        print!("{}", recorder.report(energy_name, exact.as_deref()));
        if exact.is_none() {
            println!(
                "  (TV against the exact distribution: only for general BMs of at most {} units \
                 with nothing clamped and T > 0)",
                super::sample_diagnostics::MAX_TV_UNITS
            );
        }
    }
    Ok(())
}
