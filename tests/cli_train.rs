//! `boltzviz train` and `eval` from the outside: the metrics flags, held-out data, the learning
//! rule flags and their refusals (one line, exit status 2, nothing written), AIS flags, exact
//! `eval` of a Boltzmann machine with hidden units, and the held-out likelihood the defaults reach.

use boltzviz::engine::patterns;
use boltzviz::persist::interchange::load_weights;
use boltzviz::sim::model::ImportedModel;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_boltzviz");
const DIGITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/digits.txt");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("runs")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("boltzviz-cli-train-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write_patterns(path: &Path, patterns: &[Vec<u8>]) {
    let text: String = patterns
        .iter()
        .map(|p| {
            p.iter()
                .map(|&b| if b != 0 { '1' } else { '0' })
                .collect::<String>()
                + "\n"
        })
        .collect();
    std::fs::write(path, text).expect("writes");
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A refusal: exit status 2, one line on stderr naming `needle`, and `out` not written.
fn assert_refused(extra: &[&str], needle: &str, out: &Path) {
    let out_s = out.to_string_lossy();
    let mut args = vec![
        "train", "--model", "rbm", "--data", DIGITS, "--epochs", "3", "--out", &out_s,
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{extra:?}: {err}");
    assert!(err.contains(needle), "{extra:?}: {err} lacks {needle}");
    assert!(!out.exists(), "{extra:?} wrote {}", out.display());
}

#[test]
fn bad_learning_flags_are_refused_with_status_2_and_nothing_written() {
    let d = dir("refusals");
    let out = d.join("never.ron");
    let narrow = d.join("narrow.txt");
    std::fs::write(&narrow, "010\n111\n").expect("writes");
    let narrow = narrow.to_string_lossy().into_owned();
    for (extra, needle) in [
        (vec!["--eval-every", "4"], "--eval-every"),
        (vec!["--valid", narrow.as_str()], "--valid"),
        (vec!["--momentum", "1"], "--momentum"),
        (vec!["--momentum=-0.1"], "--momentum"),
        (vec!["--final-momentum", "1.5"], "--final-momentum"),
        (vec!["--final-cd-k", "0"], "--final-cd-k"),
        (vec!["--final-cd-k", "101"], "--final-cd-k"),
        (vec!["--cd-k-switch", "2000000"], "--cd-k-switch"),
        (vec!["--decay=-0.001"], "--decay"),
        // Negative numbers written apart from their flag reach its range check too (not
        // "unexpected argument '-0'").
        (vec!["--decay", "-0.001"], "--decay"),
        (vec!["--final-momentum", "-0.1"], "--final-momentum"),
        (vec!["--lr", "-1"], "--lr"),
        (vec!["--hidden", "0"], "--hidden"),
        (vec!["--batch", "0"], "--batch"),
        (vec!["--decay", "NaN"], "--decay"),
        (vec!["--lr", "NaN"], "--lr"),
        (vec!["--lr-decay", "NaN"], "--lr-decay"),
        (vec!["--momentum", "NaN"], "--momentum"),
        (vec!["--sparsity", "NaN"], "--sparsity"),
        (vec!["--sparsity", "1"], "--sparsity"),
        (
            vec!["--sparsity", "0.1", "--sparsity-cost", "NaN"],
            "--sparsity-cost",
        ),
    ] {
        assert_refused(&extra, needle, &out);
    }
    // A held-out file that cannot be read or parsed: one line naming --valid (status 1, as
    // every file that cannot be read), nothing written.
    let bad = d.join("bad.txt");
    std::fs::write(&bad, "0101\n01x1\n").expect("writes");
    for valid in [d.join("missing.txt"), bad] {
        let out_s = out.to_string_lossy();
        let valid_s = valid.to_string_lossy();
        let o = run(&[
            "train", "--model", "rbm", "--data", DIGITS, "--epochs", "3", "--valid", &valid_s,
            "--out", &out_s,
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.starts_with("error: --valid"), "{err}");
        assert!(!out.exists());
    }
}

/// The lines that carry metrics.
fn metric_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.contains("epoch ")).collect()
}

#[test]
fn eval_every_sets_how_often_and_the_final_line_always_comes() {
    let d = dir("every");
    let out = d.join("m.json");
    let out_s = out.to_string_lossy();
    let base = [
        "train", "--model", "rbm", "--data", DIGITS, "--epochs", "10", "--hidden", "8",
    ];
    for (every, lines) in [("0", 1), ("5", 2), ("3", 4), ("1", 10)] {
        let mut args = base.to_vec();
        args.extend(["--eval-every", every, "--out", &out_s]);
        let o = run(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = stdout(&o);
        let m = metric_lines(&text);
        assert_eq!(m.len(), lines, "--eval-every {every}: {text}");
        let last = m.last().expect("a final line");
        assert!(last.starts_with("final: epoch 10"), "{last}");
        assert!(last.contains("exact log-likelihood"), "{last}");
    }
}

/// Splits the shipped digits (seed `seed`, 300 held out) into two files.
fn split_files(d: &Path, seed: u64) -> (String, String) {
    let digits = patterns::digits().expect("digits");
    let (train, valid) = patterns::split(&digits.patterns, 0.2, seed);
    assert_eq!((train.len(), valid.len()), (1200, 300));
    let (t, v) = (
        d.join(format!("train{seed}.txt")),
        d.join(format!("valid{seed}.txt")),
    );
    write_patterns(&t, &train);
    write_patterns(&v, &valid);
    (
        t.to_string_lossy().into_owned(),
        v.to_string_lossy().into_owned(),
    )
}

/// The held-out log-likelihood of a final line "… (held-out X)".
fn held_out(text: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.starts_with("final:"))
        .expect("final line");
    let tail = line.split("held-out ").nth(1).expect("held-out figure");
    tail.trim_end_matches(')').parse().expect("a number")
}

/// The issue's measure: `train --model rbm --hidden 16 --epochs 200 --batch 20` and nothing
/// else, trained on 1200 of the shipped digits, exact mean log-likelihood of the other 300;
/// one figure per split seed × training seed.
fn held_out_with_defaults(
    name: &str,
    splits: std::ops::RangeInclusive<u64>,
    seeds: &[u64],
) -> Vec<f64> {
    let d = dir(name);
    let out = d.join("m.json");
    let out_s = out.to_string_lossy();
    let mut figures = Vec::new();
    for split in splits {
        let (train, valid) = split_files(&d, split);
        for seed in seeds {
            let seed = seed.to_string();
            let o = run(&[
                "train", "--model", "rbm", "--data", &train, "--valid", &valid, "--hidden", "16",
                "--epochs", "200", "--batch", "20", "--seed", &seed, "--out", &out_s,
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            figures.push(held_out(&stdout(&o)));
        }
    }
    figures
}

fn mean(figures: &[f64]) -> f64 {
    figures.iter().sum::<f64>() / figures.len() as f64
}

#[test]
fn the_defaults_reach_the_issue_target_on_digits_not_trained_on() {
    // Issue 13: at least −18.1 nats on digits not trained on. The defaults were chosen on
    // splits 1–5 × training seeds 1–4 and checked on splits 6–10 × seeds 5–8, which played no
    // part in the choice; both sets are measured here, 40 runs (with the sampler's current
    // random streams: −17.98 and −18.07, −18.03 in all). One run's figure varies by about
    // 0.15 nats from split to split, so a mean over ten splits is known to about 0.05; the
    // mean is deterministic (fixed seeds). The bound is the issue's: far above the old
    // defaults (−18.58), but CD-1 throughout (−18.06 on these 40 runs) meets it too, so this
    // checks the target and not the switch of k, whose effect is checked in
    // tests/sim_learning_rules.rs (paired over these runs it adds 0.03 nats).
    let chosen = held_out_with_defaults("heldout-chosen", 1..=5, &[1, 2, 3, 4]);
    let fresh = held_out_with_defaults("heldout-fresh", 6..=10, &[5, 6, 7, 8]);
    let all: Vec<f64> = chosen.iter().chain(&fresh).copied().collect();
    eprintln!(
        "held-out mean {:.4} (chosen on {:.4}, fresh {:.4})",
        mean(&all),
        mean(&chosen),
        mean(&fresh)
    );
    assert!(
        mean(&all) >= -18.1,
        "held-out mean {} (chosen on {}, fresh {})",
        mean(&all),
        mean(&chosen),
        mean(&fresh)
    );
    assert!(
        mean(&fresh) >= -18.1,
        "on the fresh splits alone: {fresh:?}"
    );
}

#[test]
fn a_trained_session_keeps_learning_when_continued() {
    // The linear fall of the rate ends with the run; the saved trainer has none, so the app
    // continues at η / (1 + δe) > 0.
    let d = dir("session");
    let out = d.join("rbm.ron");
    let out_s = out.to_string_lossy();
    let o = run(&[
        "train", "--model", "rbm", "--data", DIGITS, "--hidden", "8", "--epochs", "4", "--out",
        &out_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sim = boltzviz::persist::load_session(&out).expect("loads");
    let boltzviz::sim::model::Model::Rbm(m) = sim.model() else {
        panic!("an RBM session");
    };
    let config = m.trainer.config();
    assert_eq!(config.anneal_to_epoch, None);
    assert!(m.trainer.current_learning_rate() > 0.0);
    assert_eq!(config.momentum_switch_epoch, Some(5));
}

#[test]
fn eval_takes_ais_flags_and_refuses_bad_ones() {
    let d = dir("ais");
    let model = d.join("wide.json");
    let model_s = model.to_string_lossy();
    // 30 hidden units: too many to enumerate quickly, so eval uses AIS.
    let o = run(&[
        "train", "--model", "rbm", "--data", DIGITS, "--hidden", "30", "--epochs", "2", "--out",
        &model_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&[
        "eval",
        "--model",
        &model_s,
        "--data",
        DIGITS,
        "--ais-runs",
        "4",
        "--ais-betas",
        "200",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("log-likelihood (AIS)"),
        "{}",
        stdout(&o)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("4 runs of 200 temperatures"));
    for bad in [["--ais-runs", "1"], ["--ais-betas", "0"]] {
        let o = run(&[
            "eval", "--model", &model_s, "--data", DIGITS, bad[0], bad[1],
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert!(err.contains(bad[0]), "{err}");
    }
}

#[test]
fn eval_of_a_boltzmann_machine_with_hidden_units_is_exact() {
    let d = dir("bm");
    let data = d.join("six.txt");
    let pats: Vec<Vec<u8>> = ["110000", "011000", "001100", "000110", "110000", "100001"]
        .iter()
        .map(|s| s.bytes().map(|b| b - b'0').collect())
        .collect();
    write_patterns(&data, &pats);
    let model = d.join("bm.json");
    let (data_s, model_s) = (data.to_string_lossy(), model.to_string_lossy());
    let o = run(&[
        "train", "--model", "bm", "--data", &data_s, "--hidden", "3", "--epochs", "5", "--out",
        &model_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["eval", "--model", &model_s, "--data", &data_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    let line = text
        .lines()
        .find(|l| l.starts_with("log-likelihood (exact):"))
        .expect("exact line");
    let printed: f64 = line
        .split_whitespace()
        .nth(2)
        .expect("figure")
        .parse()
        .expect("number");
    // Independently: P(v) = Σ_h e^(−E(v,h)) / Σ_{v,h} e^(−E), all 2⁹ states visited here.
    let Ok(ImportedModel::Boltzmann(bm)) = load_weights(&model) else {
        panic!("a Boltzmann machine");
    };
    assert_eq!((bm.n_visible(), bm.n()), (6, 9));
    let weight = |s: usize| {
        let state: Vec<u8> = (0..9).map(|i| ((s >> i) & 1) as u8).collect();
        (-bm.energy(&state)).exp()
    };
    let z: f64 = (0..512).map(weight).sum();
    let expected = pats
        .iter()
        .map(|p| {
            let v = p
                .iter()
                .enumerate()
                .fold(0usize, |a, (i, &b)| a | (usize::from(b) << i));
            let pv: f64 = (0..8).map(|h| weight(v | (h << 6))).sum::<f64>() / z;
            pv.ln()
        })
        .sum::<f64>()
        / pats.len() as f64;
    assert!((printed - expected).abs() < 1e-3, "{printed} vs {expected}");
}

#[test]
fn a_trained_session_carries_its_curves_and_held_out_data_into_the_app() {
    // The session `train` writes continues in the app where the run left off: its epochs are
    // the app's updates, the exact curves it printed are the learning curve's first points, and
    // the held-out patterns stay loaded (the app goes on measuring them).
    let d = dir("carried");
    let (train, valid) = split_files(&d, 3);
    let out = d.join("rbm.ron");
    let out_s = out.to_string_lossy();
    let o = run(&[
        "train",
        "--model",
        "rbm",
        "--data",
        &train,
        "--valid",
        &valid,
        "--hidden",
        "6",
        "--epochs",
        "4",
        "--eval-every",
        "2",
        "--out",
        &out_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The printed figures: "epoch 2: … exact log-likelihood A nats (held-out B)".
    let printed: Vec<(f64, f64, f64)> = stdout(&o)
        .lines()
        .filter(|l| l.contains("exact log-likelihood"))
        .map(|l| {
            let epoch = l.split("epoch ").nth(1).and_then(|t| t.split(':').next());
            let train = l
                .split("log-likelihood ")
                .nth(1)
                .and_then(|t| t.split(' ').next());
            let held = l.split("held-out ").nth(1).map(|t| t.trim_end_matches(')'));
            let num = |t: Option<&str>| t.expect("a figure").parse::<f64>().expect("a number");
            (num(epoch), num(train), num(held))
        })
        .collect();
    assert_eq!(printed.len(), 2, "{}", stdout(&o));
    let mut sim = boltzviz::persist::load_session(&out).expect("loads");
    let learning = sim.to_saved().learning;
    assert_eq!(learning.updates, 4);
    assert_eq!(learning.validation.len(), 300);
    assert_eq!(learning.curve.len(), 2);
    assert_eq!(learning.validation_curve.len(), 2);
    for (k, &(epoch, train_ll, held_ll)) in printed.iter().enumerate() {
        let ([x, t], [xv, v]) = (learning.curve[k], learning.validation_curve[k]);
        assert_eq!((x, xv), (epoch, epoch));
        assert!((t - train_ll).abs() <= 5e-4, "{t} printed as {train_ll}");
        assert!((v - held_ll).abs() <= 5e-4, "{v} printed as {held_ll}");
    }
    assert_eq!(sim.snapshot().learning.validation_curve.len(), 2);
}
