//! Broken files: each kind of damage gets its own message, nothing panics, and the session in
//! memory stays as it was. Plus a bounded fuzz run over mutated and truncated session files.

use boltzviz::engine::SimRng;
use boltzviz::persist::interchange::load_weights;
use boltzviz::persist::{load_session, session_from_str, session_to_string};
use boltzviz::sim::Simulation;
use std::path::Path;
use std::time::{Duration, Instant};

fn broken(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/broken")
        .join(name)
}

#[test]
fn every_broken_session_is_refused_with_its_own_message() {
    let cases = [
        ("not-ron.ron", "line 1, column"),
        ("truncated.ron", "line "),
        (
            "newer-version.ron",
            "format version 99, newer than this BoltzViz reads",
        ),
        ("size-mismatch.ron", "size mismatch in weights (n × n)"),
        ("asymmetric.ron", "weights must be symmetric"),
        ("nonzero-diagonal.ron", "diagonal"),
        ("nan.ron", "biases"),
        ("infinite.ron", "weights"),
        ("absurd-size.ron", "1 to 100 000 units"),
        ("wrong-type.ron", "line "),
        ("negative-temperature.ron", "temperature"),
    ];
    let mut messages = Vec::new();
    for (file, expected) in cases {
        let err = load_session(&broken(file)).expect_err(file).to_string();
        assert!(
            err.contains(expected),
            "{file}: {err:?} does not mention {expected:?}"
        );
        eprintln!("{file}: {err}");
        messages.push(err);
    }
    let mut unique = messages.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        messages.len(),
        "two kinds of damage share a message: {messages:#?}"
    );
}

#[test]
fn non_finite_values_are_named() {
    let nan = load_session(&broken("nan.ron"))
        .expect_err("NaN")
        .to_string();
    assert!(nan.contains("NaN"), "{nan}");
    let inf = load_session(&broken("infinite.ron"))
        .expect_err("inf")
        .to_string();
    assert!(inf.contains("inf"), "{inf}");
}

#[test]
fn every_broken_weights_file_is_refused_with_its_own_message() {
    let cases = [
        ("rbm-wrong-rows.json", "\"W\" rows (n_visible)"),
        ("bm-asymmetric.json", "symmetric"),
        ("bm-absurd.json", "1000000000 units, the limit is 100000"),
        ("unknown-kind.json", "neither RBM weights"),
    ];
    for (file, expected) in cases {
        let err = load_weights(&broken(file)).expect_err(file).to_string();
        assert!(
            err.contains(expected),
            "{file}: {err:?} does not mention {expected:?}"
        );
    }
}

#[test]
fn a_refused_file_leaves_the_running_session_as_it_was() {
    let sim = Simulation::opening_scene().expect("scene");
    let before = session_to_string(&sim.to_saved()).expect("text");
    for entry in std::fs::read_dir(broken("")).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "ron") {
            assert!(load_session(&path).is_err(), "{} loaded", path.display());
        }
    }
    // Loading builds a new simulation or nothing; the old one is never touched.
    assert_eq!(session_to_string(&sim.to_saved()).expect("text"), before);
}

/// One random edit of a session text: flip a byte, cut it short, delete or duplicate a span,
/// or splice in a troublesome token.
fn mutate(text: &str, rng: &mut SimRng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let n = bytes.len().max(1);
    let at = rng.below(n);
    match rng.below(6) {
        0 => {
            let i = at.min(bytes.len().saturating_sub(1));
            if let Some(b) = bytes.get_mut(i) {
                *b ^= 1 << rng.below(8);
            }
        }
        1 => bytes.truncate(at),
        2 => {
            let end = (at + 1 + rng.below(200)).min(bytes.len());
            bytes.drain(at..end);
        }
        3 => {
            let end = (at + 1 + rng.below(200)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(at..at, copy);
        }
        4 => {
            let tokens: [&[u8]; 8] = [
                b"99999999999999999999",
                b"-1",
                b"NaN",
                b"inf",
                b"(((((",
                b"]]]",
                b"\"",
                b"18446744073709551615",
            ];
            let token = tokens[rng.below(tokens.len())];
            bytes.splice(at..at, token.iter().copied());
        }
        _ => {
            // Replace a number by a huge one (sizes, counts, lengths).
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let digits: Vec<usize> = text
                .match_indices(|c: char| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if let Some(&i) = digits.get(rng.below(digits.len().max(1))) {
                bytes.splice(i..i, b"4000000000".iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_and_truncated_sessions_never_panic_or_hang() {
    let seeds = [
        include_str!("../assets/sessions/parity-boltzmann.ron"),
        include_str!("../assets/sessions/letters-hopfield.ron"),
    ];
    let mut rng = SimRng::seed_from_u64(2026);
    let started = Instant::now();
    let mut refused = 0;
    let cases = 600;
    for case in 0..cases {
        let mut text = seeds[case % seeds.len()].to_owned();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        let t0 = Instant::now();
        let result = std::panic::catch_unwind(|| session_from_str(&text).is_err());
        let Ok(was_refused) = result else {
            panic!(
                "case {case} panicked on this input:\n{}",
                &text[..text.len().min(400)]
            );
        };
        refused += usize::from(was_refused);
        assert!(
            t0.elapsed() < Duration::from_secs(2),
            "case {case} took {:?}",
            t0.elapsed()
        );
    }
    // Most random edits must be caught; a few (a changed digit in a state) are harmless.
    assert!(
        refused > cases / 2,
        "only {refused} of {cases} mutations refused"
    );
    assert!(started.elapsed() < Duration::from_secs(120));
}
