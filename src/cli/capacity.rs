//! `boltzviz capacity`: how many patterns a Hopfield net recalls from noisy cues, as a table
//! and a PNG plot against the theory marks.

use super::progress::Progress;
use super::train::RuleChoice;
use crate::engine::SimRng;
use crate::engine::capacity::{CapacityConfig, capacity_sweep, theory_marks};
use std::path::PathBuf;

/// `capacity`'s options.
#[derive(clap::Args, Debug)]
pub struct CapacityArgs {
    /// Storage rule: hebb, storkey or pinv.
    #[arg(long, value_enum, default_value = "hebb")]
    pub rule: RuleChoice,
    /// Units N.
    #[arg(long, default_value_t = 100)]
    pub n: usize,
    /// Fraction of each cue's bits flipped.
    #[arg(long, default_value_t = 0.1)]
    pub noise: f64,
    /// Independent nets per pattern count.
    #[arg(long, default_value_t = 10)]
    pub trials: usize,
    /// Largest number of patterns tried (default: 0.3 N Hebbian, 0.5 N Storkey, 0.9 N pinv).
    #[arg(long)]
    pub max_patterns: Option<usize>,
    /// The seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write the plot here (PNG or SVG, by the extension).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `capacity`.
pub fn capacity(args: &CapacityArgs) -> anyhow::Result<()> {
    let n = args.n;
    crate::engine::limits::check_net(n, 0).map_err(|e| anyhow::anyhow!("--n {n}: {e}"))?;
    super::flags::within("--noise", args.noise, 0.0, 1.0)?;
    super::flags::count("--trials", args.trials, 1)?;
    if let Some(out) = &args.out {
        crate::ui::figures::FigureFormat::of(out)
            .map_err(|e| super::flags::usage(format!("--out: {e}")))?;
    }
    // Beyond 2N patterns no rule recalls anything (Hebb fails near 0.14 N, the
    // pseudo-inverse at N); the pseudo-inverse cannot store more than N at all.
    let most = if matches!(args.rule, RuleChoice::Pinv) {
        n
    } else {
        2 * n
    };
    if let Some(p) = args.max_patterns
        && !(1..=most).contains(&p)
    {
        anyhow::bail!(
            "--max-patterns must be from 1 to {most} for N = {n} with this rule, got {p}"
        );
    }
    let default_max = match args.rule {
        RuleChoice::Hebb => 0.3,
        RuleChoice::Storkey => 0.5,
        RuleChoice::Pinv => 0.9,
    } * n as f64;
    let max = args
        .max_patterns
        .unwrap_or(default_max.round() as usize)
        .max(1);
    let step = (max / 15).max(1);
    let counts: Vec<usize> = (1..=max).filter(|p| p % step == 0 || *p == 1).collect();
    let config = CapacityConfig {
        n,
        rule: args.rule.into(),
        noise: args.noise,
        trials: args.trials,
        pattern_counts: counts,
    };
    let mut rng = SimRng::seed_from_u64(args.seed);
    let mut progress = Progress::new("capacity", config.pattern_counts.len());
    let points = capacity_sweep(&config, &mut rng, |done, _| progress.update(done, ""))?;
    println!(
        "{:?} rule, N = {n}, {:.0} % of bits flipped, {} trials per count",
        args.rule,
        args.noise * 100.0,
        args.trials
    );
    println!("patterns  recalled  (cues)");
    for p in &points {
        println!(
            "{:>8}  {:>7.1} %  ({})",
            p.patterns,
            p.recalled * 100.0,
            p.cues
        );
    }
    let marks = theory_marks(args.rule.into(), n);
    for (x, what) in &marks {
        println!("theory: {x:.1} patterns — {what}");
    }
    if let Some(out) = &args.out {
        let figure = crate::ui::figures::build::capacity_chart(&[(args.rule.into(), n, points)])
            .map_err(|e| anyhow::anyhow!(e))?;
        crate::ui::figures::save(&figure, out, crate::ui::figures::SLIDE)?;
        println!(
            "wrote {} (fraction recalled against patterns stored; dashed: theory)",
            out.display()
        );
    }
    Ok(())
}
