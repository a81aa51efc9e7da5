//! `boltzviz sample --diagnostics` and `--tempering` from the outside, on the two-mode net
//! (10 units, all-on 3× as likely as all-off at T = 1): one Gibbs chain stays in one mode and
//! the diagnostics say it is far above the i.i.d. floor; tempering's target chain visits both
//! modes in the exact proportion. Bad flags: one line, exit status 2, nothing written.

use boltzviz::engine::two_modes::two_mode_net;
use boltzviz::persist::interchange::bm_to_json;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_boltzviz");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("runs")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("boltzviz-cli-mix-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn two_mode_model(d: &std::path::Path) -> String {
    let path = d.join("two_modes.json");
    std::fs::write(&path, bm_to_json(&two_mode_net().expect("net"))).expect("writes");
    path.to_string_lossy().into_owned()
}

fn field(text: &str, key: &str) -> f64 {
    let start = text.find(key).unwrap_or_else(|| panic!("{key} missing in {text}")) + key.len();
    text[start..]
        .trim_start()
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no number after {key} in {text}"))
}

/// The fraction of written states with more than half the units on (the upper mode).
fn upper_fraction(path: &std::path::Path) -> f64 {
    let text = std::fs::read_to_string(path).expect("reads");
    let lines: Vec<&str> = text.lines().collect();
    let upper = lines
        .iter()
        .filter(|l| l.chars().filter(|&c| c == '1').count() * 2 > l.len())
        .count();
    upper as f64 / lines.len() as f64
}

#[test]
fn diagnostics_show_gibbs_stuck_and_tempering_at_the_floor() {
    let d = dir("modes");
    let model = two_mode_model(&d);
    let out = d.join("gibbs.txt");
    let o = run(&[
        "sample", "--model", &model, "--sweeps", "20000", "--seed", "3", "--out",
        &out.to_string_lossy(), "--diagnostics",
    ]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    let upper = upper_fraction(&out);
    assert!(upper == 0.0 || upper == 1.0, "Gibbs changed mode: {upper}");
    let tv = field(&text, "TV to the exact distribution:");
    let floor_high = field(&text, "99 % band [");
    assert!(tv > 0.2 && tv > 20.0 * floor_high, "{text}");
    assert!(text.contains("τ_int") && text.contains("ESS"), "{text}");
    assert!(text.contains("verdict: above the floor even for ESS draws"), "{text}");

    let out = d.join("pt.txt");
    let o = run(&[
        "sample", "--model", &model, "--sweeps", "20000", "--seed", "3", "--out",
        &out.to_string_lossy(), "--diagnostics", "--tempering", "8", "--t-max", "10",
    ]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    // P(upper mode) = 3/4 of the two modes' mass (0.9988 of all); the mode indicator's
    // τ is below 20 rounds, so its standard error is below √(20 · 0.19 / 20000) ≈ 0.014.
    let upper = upper_fraction(&out);
    assert!((upper - 0.75).abs() < 0.05, "tempering upper-mode fraction {upper}\n{text}");
    assert!(text.contains("exchange acceptance per rung pair"), "{text}");
    assert!(!text.contains("verdict: above the floor even"), "{text}");
}

#[test]
fn bad_tempering_flags_are_refused_with_status_2_and_nothing_written() {
    let d = dir("refusals");
    let model = two_mode_model(&d);
    let out = d.join("never.txt");
    let out_s = out.to_string_lossy().into_owned();
    for (extra, needle) in [
        (&["--tempering", "1"][..], "--tempering must be from 2 to 32"),
        (&["--tempering", "33"][..], "--tempering must be from 2 to 32"),
        (&["--tempering", "4", "--t-max", "0.5"][..], "--t-max must be"),
        (&["--tempering", "4", "--t-max", "NaN"][..], "--t-max must be"),
        (&["--tempering", "4", "--t-max", "inf"][..], "--t-max must be"),
        (&["--t-max", "3"][..], "--t-max needs --tempering"),
        (&["--tempering", "4", "--temperature", "0"][..], "--tempering needs --temperature > 0"),
    ] {
        let mut args = vec!["sample", "--model", &model, "--out", &out_s];
        args.extend_from_slice(extra);
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: {err} lacks {needle}");
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
}
