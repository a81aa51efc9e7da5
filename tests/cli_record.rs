//! `boltzviz record`: the GIF decodes, with one frame for the start and one every K sweeps.

use std::path::Path;
use std::process::Command;

fn boltzviz() -> Command {
    Command::new(env!("CARGO_BIN_EXE_boltzviz"))
}

fn frames(path: &Path) -> (usize, u16, u16) {
    let file = std::fs::File::open(path).expect("gif exists");
    let mut decoder = gif::DecodeOptions::new()
        .read_info(std::io::BufReader::new(file))
        .expect("gif header");
    let (w, h) = (decoder.width(), decoder.height());
    let mut n = 0;
    while decoder.read_next_frame().expect("frame").is_some() {
        n += 1;
    }
    (n, w, h)
}

#[test]
fn record_writes_a_frame_at_the_start_and_every_k_sweeps() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (view, sweeps, every, expected) in [("network", 6, 1, 7), ("compare", 10, 3, 5)] {
        let out = dir.path().join(format!("{view}.gif"));
        let status = boltzviz()
            .args([
                "record",
                "--session",
                "assets/sessions/letters-hopfield.ron",
                "--view",
                view,
            ])
            .args([
                "--sweeps",
                &sweeps.to_string(),
                "--every",
                &every.to_string(),
            ])
            .arg("--out")
            .arg(&out)
            .output()
            .expect("runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        // ⌈sweeps / every⌉ steps, plus the starting frame.
        assert_eq!(frames(&out), (expected, 800, 600), "{view}");
    }
}

/// Runs `record ARGS --out OUT` and checks the refusal: exit 2, one line, nothing written.
fn assert_refused(args: &[&str], out: &Path) {
    let output = boltzviz()
        .arg("record")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    assert!(!out.exists(), "{args:?}: nothing written");
}

#[test]
fn record_refuses_bad_flags_in_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x.gif");
    for args in [
        &["--sweeps", "0"][..],
        &["--sweeps", "5", "--every", "6"],
        &["--sweeps", "100000", "--every", "1"],
        &["--temperature", "NaN"],
        &["--noise", "1.5"],
        // GIF delays are hundredths; viewers play 1 cs as 10 cs.
        &["--frame-ms", "15"],
        &["--anneal", "--temperature", "1"],
    ] {
        assert_refused(args, &out);
    }
    assert_refused(&[], &dir.path().join("x.png"));
}
