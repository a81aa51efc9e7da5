//! Broken files: each kind of damage gets its own message, nothing panics, and the session in
//! memory stays as it was. Plus a bounded fuzz run over mutated and truncated session files.

use boltzviz::engine::SimRng;
use boltzviz::persist::interchange::load_weights;
use boltzviz::persist::{load_session, session_from_str, session_to_string};
use boltzviz::sim::{Command, Simulation};
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

/// Each broken file goes where a file goes in the app: read, and only if its reader accepts
/// it, handed to the running simulation (a session replaces it, weights are imported into
/// it). Whoever refuses, the reader or the simulation, the simulation must come out as it went
/// in. One file (an RBM with more hidden units than the app shows) gets past its reader, so the
/// simulation's own all-or-nothing refusal is tested, not just a reader that never touched it.
#[test]
fn a_refused_file_leaves_the_running_session_as_it_was() {
    let mut sim = Simulation::opening_scene().expect("scene");
    let twin = sim.clone();
    let before = session_to_string(&sim.to_saved()).expect("text");
    let mut refused_by_the_simulation = Vec::new();
    for entry in std::fs::read_dir(broken("")).expect("corpus") {
        let path = entry.expect("entry").path();
        let name = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("ron") => {
                if let Ok(loaded) = load_session(&path) {
                    panic!("{name} loaded: {loaded:?}");
                }
            }
            Some("json") => {
                if let Ok(model) = load_weights(&path) {
                    let result = sim.apply(Command::Import(Box::new(model)));
                    assert!(result.is_err(), "{name} was imported");
                    refused_by_the_simulation.push(name);
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        refused_by_the_simulation.len(),
        1,
        "{refused_by_the_simulation:?}"
    );
    assert_eq!(session_to_string(&sim.to_saved()).expect("text"), before);
    assert!(
        sim.take_events().is_empty(),
        "a refused import announced a replacement"
    );
    // Not only the saved state: it runs on exactly as a copy that never saw a file.
    let mut twin = twin;
    for s in [&mut sim, &mut twin] {
        s.apply(Command::SetTemperature(0.5)).expect("T");
        s.apply(Command::Step(5)).expect("sweeps");
    }
    assert_eq!(
        session_to_string(&sim.to_saved()).expect("text"),
        session_to_string(&twin.to_saved()).expect("text")
    );
    assert_eq!(sim.snapshot().energy, twin.snapshot().energy);
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
