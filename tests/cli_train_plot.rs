//! `train --plot`: the learning curve as a slide-sized PNG or SVG, and the flag's refusals.

use std::process::Command;

fn boltzviz() -> Command {
    Command::new(env!("CARGO_BIN_EXE_boltzviz"))
}

#[test]
fn train_plot_writes_a_slide_sized_learning_curve_beside_the_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (plot, out) = (dir.path().join("curve.png"), dir.path().join("rbm.ron"));
    let output = boltzviz()
        .args([
            "train",
            "--model",
            "rbm",
            "--data",
            "assets/digits.txt",
            "--epochs",
            "10",
        ])
        .arg("--plot")
        .arg(&plot)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.exists());
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&plot).expect("plot"),
    ));
    let info = decoder.read_info().expect("png");
    assert_eq!((info.info().width, info.info().height), (1600, 1000));
    // Ten epochs, a point each (the default with --plot is about fifty points a run).
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.matches("exact log-likelihood").count(), 10, "{text}");
}

#[test]
fn train_plot_refuses_bad_plots_before_training() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("rbm.ron");
    for plot in [
        vec!["--plot", "curve.jpg"],
        vec!["--plot", "no-such-folder/curve.png"],
        vec!["--plot", "curve.png", "--eval-every", "0"],
    ] {
        let output = boltzviz()
            .args([
                "train",
                "--model",
                "rbm",
                "--data",
                "assets/digits.txt",
                "--epochs",
                "5",
            ])
            .args(&plot)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{plot:?}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{plot:?}: {err}");
        assert!(!out.exists(), "{plot:?}: nothing written");
    }
}
