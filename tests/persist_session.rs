//! Session files: a save and a load in the middle of a run change nothing (the continued run
//! equals the uninterrupted one, bit for bit, for every model kind), the shipped examples
//! load, and saving fails safely.

use boltzviz::engine::hopfield::HopfieldRule;
use boltzviz::persist::atomic::write_atomically;
use boltzviz::persist::{self, PersistError, session_from_str, session_to_string};
use boltzviz::sim::protocol::{
    Command, ModelKind, ModelSpec, TrainingSource, UpdateOrder as Order,
};
use boltzviz::sim::{SavedSimulation, Simulation};
use std::io::Write;

mod common;
use common::assert_same;

fn spec(kind: ModelKind, source: TrainingSource, hidden: usize) -> ModelSpec {
    ModelSpec {
        kind,
        source,
        hidden,
        rule: HopfieldRule::Storkey,
        seed: 42,
    }
}

/// The whole saved state as text: equal text means equal state (f64s print exactly).
fn state_text(sim: &Simulation) -> String {
    session_to_string(&sim.to_saved()).expect("serializes")
}

/// Commands that touch every part of the state: drawing, clamps, T, order, sweeps, single
/// units, and for the learners the phases and training.
fn first_part(kind: ModelKind) -> Vec<Command> {
    let mut commands = vec![
        Command::ShowPattern(1),
        Command::AddNoise(0.2),
        Command::SetClamp(vec![(0, true), (3, true)]),
        Command::SetTemperature(0.8),
        Command::SetOrder(Order::Sequential),
        Command::Step(7),
        Command::StepUnit,
        Command::StepUnit,
    ];
    if kind != ModelKind::Hopfield {
        commands.extend([
            Command::PositivePhase,
            Command::NegativePhase,
            Command::ApplyUpdate,
        ]);
        commands.push(Command::PositivePhase);
    }
    commands
}

fn second_part(kind: ModelKind) -> Vec<Command> {
    let mut commands = vec![
        Command::Step(5),
        Command::SetOrder(Order::Random),
        Command::Step(4),
    ];
    if kind != ModelKind::Hopfield {
        commands.extend([
            Command::NegativePhase,
            Command::ApplyUpdate,
            Command::Step(3),
        ]);
    }
    commands
}

fn run(sim: &mut Simulation, commands: Vec<Command>) {
    for c in commands {
        sim.apply(c).expect("command");
    }
}

#[test]
fn save_and_load_midway_continues_the_same_random_stream_for_every_kind() {
    for (kind, source, hidden) in [
        (ModelKind::Hopfield, TrainingSource::Letters, 0),
        (ModelKind::Boltzmann, TrainingSource::BarsAndStripes, 6),
        (ModelKind::Rbm, TrainingSource::Digits, 16),
    ] {
        let mut straight = Simulation::new(spec(kind, source, hidden)).expect("builds");
        let mut interrupted = Simulation::new(spec(kind, source, hidden)).expect("builds");
        run(&mut straight, first_part(kind));
        run(&mut interrupted, first_part(kind));

        let text = state_text(&interrupted);
        let mut resumed = session_from_str(&text).expect("loads");
        assert_same(
            &state_text(&resumed),
            &text,
            &format!("{kind:?}: load then save"),
        );
        drop(interrupted);

        run(&mut straight, second_part(kind));
        run(&mut resumed, second_part(kind));
        assert_same(
            &state_text(&resumed),
            &state_text(&straight),
            &format!("{kind:?}: N sweeps, save, load, M sweeps against N + M sweeps"),
        );
    }
}

#[test]
fn continued_stream_is_not_trivially_equal() {
    // The check above would pass vacuously if a step changed nothing; make sure it does.
    let mut sim = Simulation::new(spec(
        ModelKind::Boltzmann,
        TrainingSource::BarsAndStripes,
        6,
    ))
    .expect("builds");
    run(&mut sim, first_part(ModelKind::Boltzmann));
    let before = state_text(&sim);
    run(&mut sim, second_part(ModelKind::Boltzmann));
    assert_ne!(before, state_text(&sim));
}

#[test]
fn shipped_sessions_are_registered_load_and_match_their_builders() {
    use boltzviz::cli::examples::{EXAMPLES, LESSON_SCENES};
    use boltzviz::persist::shipped;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let builders = EXAMPLES
        .iter()
        .map(|b| ("sessions", b))
        .chain(LESSON_SCENES.iter().map(|b| ("lessons", b)));
    let registered: Vec<&str> = shipped::EXAMPLES
        .iter()
        .chain(&shipped::LESSON_SCENES)
        .map(|s| s.file)
        .collect();
    let built: Vec<&str> = builders.clone().map(|(_, (name, _))| *name).collect();
    assert_eq!(
        registered, built,
        "the registry and write-examples list the same files"
    );
    for (shipped, (folder, (name, build))) in shipped::EXAMPLES
        .iter()
        .chain(&shipped::LESSON_SCENES)
        .zip(builders)
    {
        let path = root.join(folder).join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            on_disk, shipped.text,
            "{name}: the app carries the file on disk"
        );
        let sim = persist::load_session(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let boltzviz::sim::model::Model::Rbm(m) = sim.model()
            && m.rbm.n_visible() == 64
        {
            // An RBM of the digits: its training runs through matrixmultiply, whose kernels
            // (FMA or not) depend on the processor: check the file, not the last bit of a
            // rebuild. (Smaller RBMs are rebuilt like the rest.)
            continue;
        }
        let rebuilt: SavedSimulation = build().expect("builds");
        assert_same(
            &state_text(&sim),
            &session_to_string(&rebuilt).expect("serializes"),
            &format!("{name} is stale (run `boltzviz write-examples`)"),
        );
    }
}

#[test]
fn a_failed_save_keeps_the_old_file_and_leaves_no_temporary() {
    let dir = std::env::temp_dir().join(format!("boltzviz-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("session.ron");
    std::fs::write(&path, "old contents").expect("write");

    // A full disk, simulated: the writer fails half way.
    let full = write_atomically(&path, |w: &mut dyn Write| {
        w.write_all(b"new contents, half")?;
        Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "no space left on device",
        ))
    });
    assert!(matches!(full, Err(PersistError::Write { .. })), "{full:?}");
    assert!(
        full.map_err(|e| e.to_string())
            .unwrap_err()
            .contains("no space left")
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "old contents"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "session.ron")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // A folder that cannot be written: a path under a regular file.
    let saved = Simulation::opening_scene().expect("scene").to_saved();
    let under_file = path.join("inside.ron");
    let err = persist::save_session(&under_file, &saved).expect_err("must fail");
    assert!(err.to_string().contains("cannot write"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "old contents"
    );

    // A read-only folder (only meaningful without root's override of permissions).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.join("locked");
        std::fs::create_dir_all(&locked).expect("dir");
        std::fs::write(locked.join("session.ron"), "old").expect("write");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        let privileged = std::fs::write(locked.join("probe"), "x").is_ok();
        if !privileged {
            let err = persist::save_session(&locked.join("session.ron"), &saved)
                .expect_err("read-only folder");
            assert!(err.to_string().contains("cannot write"), "{err}");
            assert_eq!(
                std::fs::read_to_string(locked.join("session.ron")).expect("read"),
                "old"
            );
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn a_good_save_replaces_the_file_and_round_trips() {
    let dir = std::env::temp_dir().join(format!("boltzviz-good-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("s.ron");
    std::fs::write(&path, "old").expect("write");
    let sim = Simulation::opening_scene().expect("scene");
    persist::save_session(&path, &sim.to_saved()).expect("saves");
    let back = persist::load_session(&path).expect("loads");
    assert_eq!(state_text(&back), state_text(&sim));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// Version-1 files (one flat simulation record) still load, into exactly the state the
/// current file of the same scene holds: the fixtures are the shipped files as version 1
/// wrote them, from the same builders.
#[test]
fn version_one_sessions_load_into_the_same_state_as_version_two() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (v1, v2) in [
        (
            "tests/fixtures/v1-parity-boltzmann.ron",
            "assets/sessions/parity-boltzmann.ron",
        ),
        (
            "tests/fixtures/v1-hidden-units.ron",
            "assets/lessons/5-hidden-units.ron",
        ),
    ] {
        let old_text = std::fs::read_to_string(root.join(v1)).expect("fixture");
        assert!(old_text.contains("format_version: 1"), "{v1} is version 1");
        let old = persist::load_session(&root.join(v1)).expect("version 1 loads");
        let new = persist::load_session(&root.join(v2)).expect("version 2 loads");
        assert_same(&state_text(&old), &state_text(&new), v1);
        // The flat record's learning fields land in the learning part.
        let updates = old_text
            .lines()
            .find_map(|l| l.trim().strip_prefix("updates: "))
            .and_then(|v| v.trim_end_matches(',').parse::<usize>().ok())
            .expect("the fixture names its update count");
        assert_eq!(old.to_saved().learning.updates, updates, "{v1}");
    }
}
