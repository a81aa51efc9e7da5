//! A fuzzer that runs what it loads: mutants of every shipped session, of sessions built in
//! code (each model kind, with clamps, an annealing run in progress and learning statistics),
//! of their weights as JSON and of 0/1 data go through their reader, and each one that loads
//! is run as the app would run it, saved, and loaded again (`fuzz_support::program`).
//!
//! Fixed seeds, so every run tries the same few thousand cases and a failure reproduces. Each
//! case must not panic, not run past 2 s, and not ask for more than 500 MB; a case that does is
//! named (reader, case, seed, program stage, message, and the first frame in BoltzViz), and its
//! input is written to `target/fuzz-failures/` to reproduce. Cases run in child processes (see
//! `fuzz_harness::supervisor`) so that an abort or a hang takes down a child, not the test.
//!
//! The coverage-guided counterpart, with the same program and seeds, is in `fuzz/`.

mod fuzz_harness;
mod fuzz_support;

use fuzz_harness::alloc::Counting;
use fuzz_harness::cases::{Corpus, Target};
use fuzz_harness::child::{CHILD_ENV, run_child};
use fuzz_harness::report::{describe, findings};
use fuzz_harness::supervisor::supervise;
use fuzz_support::seeds::{built_sessions, pattern_seeds, session_seeds, weights_seeds};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One reader's run at a time: the machine has two cores, and a case's time limit assumes it
/// has one of them.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

// Cases per reader: sessions get most (they hold the most code behind them); 3 600 in all take
// about 50 s in release on the shared two-core machine, well under a minute and a half.
/// Session cases (about 30 s).
const SESSION_CASES: usize = 2_000;
/// Weights cases (cheap: a few seconds).
const WEIGHTS_CASES: usize = 1_000;
/// 0/1 data cases (each builds and runs one model; about 15 s).
const PATTERNS_CASES: usize = 600;
/// Set to a number, multiplies every count above (for a longer run by hand:
/// `BOLTZVIZ_FUZZ_SCALE=10`); the cases of the default run stay the first of the longer one.
const SCALE_ENV: &str = "BOLTZVIZ_FUZZ_SCALE";

/// Set to a file, each fuzz test runs just that file through its reader and the program, in
/// this process, so a panic shows its whole backtrace: how to reproduce a finding.
const REPLAY_ENV: &str = "BOLTZVIZ_FUZZ_REPLAY";

/// Runs one file as a case of `target`, failing on what the fuzzer would report. It runs as
/// cases 0, 1 and 2, so weights meet every kind of simulation and data every kind of model.
fn replay(target: Target, path: &std::path::Path, scratch: &std::path::Path) {
    let text = std::fs::read_to_string(path).expect("the file to replay");
    let corpus = Corpus::new(target, scratch);
    for case in 0..3 {
        fuzz_harness::alloc::reset_peak();
        let started = Instant::now();
        let outcome = corpus.run(case, &text);
        eprintln!(
            "{} as case {case}: {outcome:?} in {:.0?}, peak {:.1} MB",
            path.display(),
            started.elapsed(),
            fuzz_harness::alloc::peak_bytes() as f64 / 1e6
        );
        assert!(outcome.is_ok(), "{outcome:?}");
    }
}

/// `target/` of this build (the test binary sits in `target/<profile>/deps/`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Runs `cases` mutants of `target`'s seeds (or, in a child, the cases it was given) and fails
/// naming every distinct failure.
fn fuzz(test_name: &str, target: Target, cases: usize) {
    let scratch = target_dir().join("fuzz-tmp");
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let _ = std::fs::create_dir_all(&scratch);
        run_child(&spec, &scratch);
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Ok(path) = std::env::var(REPLAY_ENV) {
        replay(target, &PathBuf::from(path), &scratch);
        return;
    }
    let scale: f64 = std::env::var(SCALE_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let cases = ((cases as f64 * scale).round() as usize).max(1);
    let started = Instant::now();
    let summary = supervise(test_name, target, cases);
    let corpus = Corpus::new(target, &scratch);
    let groups = findings(
        &summary.failures,
        &corpus,
        &target_dir().join("fuzz-failures"),
    );
    let report = describe(target.name(), &summary, &groups, &corpus);
    let elapsed = started.elapsed().as_secs_f64();
    assert!(
        groups.is_empty(),
        "{} distinct failures in {elapsed:.1} s:\n{report}",
        groups.len()
    );
    eprintln!("{report}  in {elapsed:.1} s");
    // A fuzzer whose mutants never load tests only the parser.
    assert!(
        summary.ran * 10 >= cases,
        "only {} of {cases} mutants loaded and ran",
        summary.ran
    );
}

#[test]
fn session_mutants_that_load_run_save_and_reload() {
    fuzz(
        "session_mutants_that_load_run_save_and_reload",
        Target::Session,
        SESSION_CASES,
    );
}

#[test]
fn weights_mutants_that_load_import_run_save_and_reload() {
    fuzz(
        "weights_mutants_that_load_import_run_save_and_reload",
        Target::Weights,
        WEIGHTS_CASES,
    );
}

#[test]
fn data_mutants_that_load_train_run_save_and_reload() {
    fuzz(
        "data_mutants_that_load_train_run_save_and_reload",
        Target::Patterns,
        PATTERNS_CASES,
    );
}

/// The seeds hold what the module docs promise; a seed that lost its clamps or its annealing
/// run would quietly stop the fuzzer from reaching that code.
#[test]
fn built_seeds_hold_clamps_annealing_and_learning_statistics_and_load() {
    let built = built_sessions().expect("the built sessions build");
    let kinds: Vec<_> = built.iter().map(|(_, s)| s.settings().kind).collect();
    for kind in [
        boltzviz::sim::ModelKind::Hopfield,
        boltzviz::sim::ModelKind::Boltzmann,
        boltzviz::sim::ModelKind::Rbm,
    ] {
        assert!(kinds.contains(&kind), "no built seed of kind {kind:?}");
    }
    for (name, mut sim) in built {
        let saved = sim.to_saved();
        assert!(
            saved.core.anneal.is_some(),
            "{name}: no annealing in progress"
        );
        let learning = &saved.learning;
        assert!(
            learning.positive.is_some() || learning.rbm_statistics.is_some(),
            "{name}: no learning statistics"
        );
        assert!(
            sim.snapshot().clamped.contains(&true),
            "{name}: nothing clamped"
        );
        let text = boltzviz::persist::session_to_string(&saved).expect("saves");
        boltzviz::persist::session_from_str(&text).expect(&name);
    }
    let sessions = session_seeds().expect("seeds");
    let shipped = boltzviz::persist::shipped::EXAMPLES.len()
        + boltzviz::persist::shipped::LESSON_SCENES.len();
    assert!(sessions.len() >= shipped + 5);
    // Every session seed's model is also a weights seed.
    assert!(weights_seeds(&sessions).len() >= sessions.len());
    assert!(
        pattern_seeds()
            .iter()
            .all(|s| boltzviz::engine::patterns::parse_patterns(&s.text).is_ok())
    );
    // Writes the seeds as a corpus for `cargo fuzz` when asked (see fuzz/README.md).
    if let Ok(dir) = std::env::var("BOLTZVIZ_FUZZ_CORPUS") {
        let groups = [
            ("session", sessions.clone()),
            ("weights_json", weights_seeds(&sessions)),
            ("patterns", pattern_seeds()),
        ];
        for (target, seeds) in groups {
            let folder = PathBuf::from(&dir).join(target);
            std::fs::create_dir_all(&folder).expect("corpus folder");
            for seed in seeds {
                std::fs::write(folder.join(&seed.name), seed.text).expect("corpus file");
            }
        }
    }
}
