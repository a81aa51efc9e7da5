//! Hostile inputs to the command line: each is refused with one line on stderr, exit status 1
//! or 2, within 2 s and under a 600 MB address-space limit (an allocation the code did not
//! check first would abort, or be killed, instead). Each case is one of the findings of the
//! "nothing a file, a flag or a fault can do takes BoltzViz down" issue.

use boltzviz::engine::hopfield::HopfieldRule;
use boltzviz::persist::session_to_string;
use boltzviz::sim::Simulation;
use boltzviz::sim::protocol::{ModelKind, ModelSpec, TrainingSource};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_boltzviz");

struct Outcome {
    code: Option<i32>,
    stderr: String,
    stdout: String,
    took: Duration,
}

/// Runs the binary with `args` under `ulimit -v` (600 MB), from the crate root.
fn run(args: &[&str]) -> Outcome {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("ulimit -v 600000; exec '{BIN}' {}", quoted.join(" "));
    let start = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        took: start.elapsed(),
    }
}

/// Asserts a one-line refusal that mentions `needle`.
fn refused(args: &[&str], needle: &str) {
    let o = run(args);
    let what = args.join(" ");
    assert!(
        matches!(o.code, Some(1 | 2)),
        "{what}: exit {:?}, stderr {:?}",
        o.code,
        o.stderr
    );
    assert_eq!(
        o.stderr.trim_end().lines().count(),
        1,
        "{what}: {:?}",
        o.stderr
    );
    assert!(
        o.stderr.contains(needle),
        "{what}: {:?} lacks {needle:?}",
        o.stderr
    );
    assert!(o.took < Duration::from_secs(2), "{what}: took {:?}", o.took);
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("boltzviz-hostile-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes");
    path.to_string_lossy().into_owned()
}

/// A session's RON text with `n` declared as `n` and as many biases, but a short weights list.
fn huge_declared_session() -> String {
    let spec = ModelSpec {
        kind: ModelKind::Boltzmann,
        source: TrainingSource::Parity,
        hidden: 4,
        rule: HopfieldRule::Hebbian,
        seed: 1,
    };
    let text =
        session_to_string(&Simulation::new(spec).expect("builds").to_saved()).expect("serializes");
    let biases = format!("biases: [{}]", vec!["0.0"; 100_000].join(", "));
    let start = text.find("biases: [").expect("biases");
    let end = start + text[start..].find(']').expect("end") + 1;
    let text = format!("{}{}{}", &text[..start], biases, &text[end..]);
    text.replacen("n: 7,", "n: 100000,", 1)
}

#[test]
fn huge_declared_sizes_are_refused_before_allocating() {
    let d = dir("sizes");
    let session = write(&d, "big.ron", &huge_declared_session());
    let data = write(&d, "d7.txt", "0101111\n");
    for args in [
        vec!["eval", "--model", &session, "--data", &data],
        vec![
            "sample",
            "--model",
            &session,
            "--out",
            "/tmp/never-written.txt",
        ],
        vec!["open", &session],
        vec![
            "screenshot",
            "--session",
            &session,
            "--out",
            "/tmp/never.png",
        ],
    ] {
        refused(&args, "the limit is");
    }
    let wide = write(&d, "wide.txt", &format!("{}\n", "1".repeat(100_000)));
    refused(
        &[
            "train",
            "--model",
            "hopfield",
            "--data",
            &wide,
            "--out",
            "/tmp/x.ron",
        ],
        "the limit is",
    );
    refused(
        &[
            "train",
            "--model",
            "bm",
            "--data",
            &wide,
            "--out",
            "/tmp/x.ron",
        ],
        "the limit is",
    );
    let many = write(&d, "many.txt", &"0110\n".repeat(20_000));
    refused(
        &[
            "train",
            "--model",
            "hopfield",
            "--rule",
            "pinv",
            "--data",
            &many,
            "--out",
            "/tmp/x.ron",
        ],
        "at most n = 4",
    );
    let small = write(&d, "d4.txt", "0101\n1100\n");
    for hidden in ["100000", "9223372036854775807", "18446744073709551615"] {
        refused(
            &[
                "train",
                "--model",
                "bm",
                "--data",
                &small,
                "--hidden",
                hidden,
                "--out",
                "/tmp/x.ron",
            ],
            "--hidden",
        );
    }
    refused(&["capacity", "--n", "1000000"], "the limit is");
    refused(
        &["capacity", "--max-patterns", "18446744073709551615"],
        "--max-patterns",
    );
    refused(&["eval", "--model", "/dev/zero", "--data", &data], "limit");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn flags_out_of_range_are_refused_before_any_work() {
    for (args, needle) in [
        (vec!["bench", "--ui-seconds", "nan"], "--ui-seconds"),
        (vec!["bench", "--ui-seconds=-1"], "--ui-seconds"),
        (vec!["bench", "--ui-seconds", "1e30"], "--ui-seconds"),
        (vec!["bench", "--soak-minutes", "nan"], "--soak-minutes"),
        (vec!["bench", "--ui-seconds", "abc"], "--ui-seconds"),
        (
            vec![
                "sample",
                "--model",
                "assets/sessions/parity-boltzmann.ron",
                "--sweeps",
                "9223372036854775809",
                "--thin",
                "2",
                "--out",
                "/tmp/x.txt",
            ],
            "--sweeps",
        ),
        (
            vec![
                "sample",
                "--model",
                "assets/sessions/parity-boltzmann.ron",
                "--burn-in",
                "18446744073709551615",
                "--out",
                "/tmp/x.txt",
            ],
            "--burn-in",
        ),
        (
            vec![
                "train",
                "--model",
                "bm",
                "--data",
                "assets/digits.txt",
                "--lr",
                "1e30",
                "--out",
                "/tmp/x.ron",
            ],
            "--lr",
        ),
    ] {
        refused(&args, needle);
    }
}

#[test]
fn broken_models_are_refused_not_run() {
    let d = dir("models");
    // An RBM session whose chains have no rows.
    let spec = ModelSpec {
        kind: ModelKind::Rbm,
        source: TrainingSource::Parity,
        hidden: 2,
        rule: HopfieldRule::Hebbian,
        seed: 1,
    };
    let mut text =
        session_to_string(&Simulation::new(spec).expect("builds").to_saved()).expect("serializes");
    let chains = text.find("chains: RbmChains(").expect("chains");
    let trainer = chains + text[chains..].find("trainer:").expect("trainer");
    let mut block = text[chains..trainer].replace("dim: (1, ", "dim: (0, ");
    while let Some(start) = block.find("data: [0").or_else(|| block.find("data: [1")) {
        let end = start + block[start..].find(']').expect("end");
        block.replace_range(start..end, "data: [");
    }
    text.replace_range(chains..trainer, &block);
    let no_rows = write(&d, "no-rows.ron", &text);
    refused(&["open", &no_rows], "at least one chain");
    refused(
        &["sample", "--model", &no_rows, "--out", "/tmp/x.txt"],
        "at least one chain",
    );
    // Finite but absurd weights, and a machine with no visible units.
    let huge = write(
        &d,
        "huge.json",
        r#"{"n": 2, "W": [[0, 1e308], [1e308, 0]], "b": [0, 0]}"#,
    );
    let data2 = write(&d, "d2.txt", "01\n11\n");
    refused(&["eval", "--model", &huge, "--data", &data2], "1e6");
    let no_visible = write(
        &d,
        "nv0.json",
        r#"{"n": 2, "n_visible": 0, "W": [[0, 1], [1, 0]], "b": [0, 0]}"#,
    );
    refused(
        &["sample", "--model", &no_visible, "--out", "/tmp/x.txt"],
        "n_visible",
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn cr_only_line_endings_read_as_lines() {
    let d = dir("cr");
    let data = write(&d, "cr.txt", &"0110\r1001\r".repeat(10));
    let out = d.join("m.ron");
    let o = run(&[
        "train",
        "--model",
        "hopfield",
        "--data",
        &data,
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(o.stdout.contains("20 patterns of 4 units"), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn long_work_reports_progress_when_stderr_is_not_a_terminal() {
    let d = dir("progress");
    let out = d.join("s.txt");
    let o = run(&[
        "sample",
        "--model",
        "assets/sessions/parity-boltzmann.ron",
        "--sweeps",
        "300000",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let lines = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("sampling:"))
        .count();
    assert!(lines >= 10, "a line every tenth at least: {:?}", o.stderr);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn a_pseudo_likelihood_of_a_trained_hopfield_net_is_finite() {
    // The digits in a Hebbian Hopfield net: some units' inputs are so large that σ underflows,
    // which once made the pseudo-log-likelihood −∞.
    let d = dir("pll");
    let out = d.join("h.json");
    let o = run(&[
        "train",
        "--model",
        "hopfield",
        "--data",
        "assets/digits.txt",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let o = run(&[
        "eval",
        "--model",
        &out.to_string_lossy(),
        "--data",
        "assets/digits.txt",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let line = o
        .stdout
        .lines()
        .find(|l| l.starts_with("pseudo-log-likelihood"))
        .expect("a pseudo-likelihood line");
    let value: f64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("a number");
    // −4466.6 is the value recomputed independently (outside BoltzViz) when the bug was found.
    assert!((value - (-4466.6)).abs() < 0.05, "{line}");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn endless_training_keeps_reporting_when_stderr_is_not_a_terminal() {
    // 10⁹ steps would take days; within 7 s a log must show more than its header.
    let d = dir("endless");
    let data = write(&d, "parity.txt", "000\n011\n101\n110\n");
    let out = d.join("never.ron");
    let child = Command::new(BIN)
        .args([
            "train",
            "--model",
            "bm",
            "--hidden",
            "2",
            "--epochs",
            "1000000000",
        ])
        .args(["--data", &data, "--out", &out.to_string_lossy()])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    std::thread::sleep(Duration::from_secs(7));
    let mut child = child;
    let _ = child.kill();
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .lines()
            .filter(|l| l.starts_with("training:"))
            .count()
            >= 1,
        "a progress line within 7 s: {stderr:?}"
    );
    assert!(!out.exists(), "nothing written for an interrupted run");
    let _ = std::fs::remove_dir_all(d);
}
