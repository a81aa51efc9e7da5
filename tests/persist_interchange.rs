//! Interchange with other tools: JSON weights both ways (hand-written files as numpy would
//! write them), PNG images, CSV traces and 0/1 text.

use boltzviz::engine::SimRng;
use boltzviz::engine::boltzmann::{BoltzmannMachine, Connectivity};
use boltzviz::engine::patterns::parse_patterns;
use boltzviz::engine::rbm::Rbm;
use boltzviz::persist::export::{RgbImage, save_patterns, save_png, trace_csv};
use boltzviz::persist::interchange::{bm_to_json, model_from_json, rbm_to_json};
use boltzviz::sim::model::ImportedModel;
use boltzviz::sim::protocol::TracePoint;

#[test]
fn a_hand_written_rbm_file_reads_as_written() {
    // W is n_visible rows of n_hidden numbers; unknown keys ("note") are ignored.
    let text = r#"{"note": "from numpy", "n_visible": 3, "n_hidden": 2,
        "W": [[0.5, -1.0], [2.0, 0.0], [-0.25, 1.5]], "b": [0.1, 0.2, 0.3], "c": [-1.0, 1.0]}"#;
    let ImportedModel::Rbm(rbm) = model_from_json(text).expect("reads") else {
        panic!("not an RBM");
    };
    assert_eq!(rbm.weights()[[2, 1]], 1.5);
    assert_eq!(rbm.weights()[[1, 0]], 2.0);
    assert_eq!(rbm.visible_bias().to_vec(), vec![0.1, 0.2, 0.3]);
    assert_eq!(rbm.hidden_bias().to_vec(), vec![-1.0, 1.0]);
    // E(v, h) = −bᵀv − cᵀh − vᵀWh at v = (1, 0, 1), h = (0, 1), by hand:
    // −(0.1 + 0.3) − 1.0 − (−1.0 + 1.5) = −0.4 − 1.0 − 0.5 = −1.9.
    let e = rbm.energy(&[1, 0, 1], &[0, 1]).expect("energy");
    assert!((e - -1.9).abs() < 1e-6, "{e}");
}

#[test]
fn a_hand_written_boltzmann_file_reads_as_written() {
    let text = r#"{"n": 3, "W": [[0, 1.5, -2], [1.5, 0, 0.25], [-2, 0.25, 0]], "b": [1, 0, -1], "extra": [1]}"#;
    let ImportedModel::Boltzmann(bm) = model_from_json(text).expect("reads") else {
        panic!("not a Boltzmann machine");
    };
    assert_eq!(bm.n(), 3);
    assert_eq!(bm.n_visible(), 3);
    // E(1, 1, 1) = −(1.5 − 2 + 0.25) − (1 + 0 − 1) = 0.25.
    assert!((bm.energy(&[1, 1, 1]) - 0.25).abs() < 1e-12);
}

#[test]
fn weights_survive_a_json_round_trip_exactly() {
    let mut rng = SimRng::seed_from_u64(8);
    let rbm = Rbm::random(64, 16, 0.3, &mut rng).expect("rbm");
    let ImportedModel::Rbm(back) = model_from_json(&rbm_to_json(&rbm)).expect("reads") else {
        panic!("kind changed");
    };
    assert_eq!(back, rbm);
    let bm = BoltzmannMachine::random(5, 3, Connectivity::Full, 1.0, 0.5, &mut rng).expect("bm");
    let ImportedModel::Boltzmann(back) = model_from_json(&bm_to_json(&bm)).expect("reads") else {
        panic!("kind changed");
    };
    assert_eq!(back.weights(), bm.weights());
    assert_eq!(back.biases(), bm.biases());
    assert_eq!(back.n_visible(), 5);
}

#[test]
fn png_csv_and_text_exports_hold_what_was_given() {
    let dir = std::env::temp_dir().join(format!("boltzviz-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");

    let image = RgbImage::from_cells(
        2,
        1,
        3,
        |x, _| if x == 0 { [255, 0, 0] } else { [0, 0, 255] },
    );
    let png_path = dir.join("cells.png");
    save_png(&png_path, &image).expect("png");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).expect("open"),
    ));
    let mut reader = decoder.read_info().expect("header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    assert_eq!((info.width, info.height), (6, 3));
    assert_eq!(&buf[..3], &[255, 0, 0]);
    assert_eq!(&buf[15..18], &[0, 0, 255]);

    let trace = [
        TracePoint {
            sweep: 0.0,
            energy: -1.5,
            descent_energy: -2.0,
            mark: None,
        },
        TracePoint {
            sweep: 0.5,
            energy: -3.25,
            descent_energy: -2.0,
            mark: None,
        },
    ];
    assert_eq!(
        trace_csv(&trace),
        "sweep,energy,descent_energy\n0,-1.5,-2\n0.5,-3.25,-2\n"
    );

    let patterns = vec![vec![0, 1, 1], vec![1, 0, 0]];
    let txt = dir.join("set.txt");
    save_patterns(&txt, &patterns).expect("txt");
    let back = parse_patterns(&std::fs::read_to_string(&txt).expect("read")).expect("parse");
    assert_eq!(back, patterns);
    std::fs::remove_dir_all(&dir).expect("clean up");
}
