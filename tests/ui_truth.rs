//! The screen tells the truth: each finding of "The screen tells the truth" as a test of the
//! real app (egui_kittest, no renderer). Controls are read as a screen reader reads them.

mod common;

use boltzviz::persist::session_from_str;
use boltzviz::sim::model::Model;
use boltzviz::sim::protocol::{ModelKind, TraceMark, UpdateOrder};
use boltzviz::ui::BoltzVizApp;
use common::{first_snapshot, harness, wait_for, wait_long};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

type App = Harness<'static, BoltzVizApp>;

/// The number a control shows.
fn numeric(h: &App, label: &str) -> f64 {
    // A slider's text is also a label of that name; the control is the node with the number.
    h.get_all_by_label(label)
        .find_map(|n| n.accesskit_node().numeric_value())
        .unwrap_or_else(|| panic!("{label} shows no number"))
}

/// Steps until the unsaved-changes question shows (up to 20 frames) and answers Discard.
fn discard(h: &mut App) {
    for _ in 0..20 {
        if let Some(button) = h.query_by_label("Discard") {
            button.click();
            h.run_steps(2);
            return;
        }
        h.step();
    }
    panic!("the app did not ask about unsaved changes");
}

/// Whether the selectable (or checkbox) called `label` is on.
fn toggled(h: &App, label: &str) -> bool {
    h.get_all_by_label(label)
        .find_map(|n| n.accesskit_node().toggled())
        .map(|t| t == egui::accesskit::Toggled::True)
        .unwrap_or_else(|| panic!("no checkbox or selectable called {label}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// What a session file says, read from the file (not from the app).
struct Expected {
    kind: ModelKind,
    temperature: f64,
    order: UpdateOrder,
    speed: Option<f64>,
    learning_rate: f64,
    hidden: usize,
    grid: (usize, usize),
}

fn expected(text: &str) -> Expected {
    let saved = session_from_str(text)
        .expect("a shipped file loads")
        .to_saved();
    let core = &saved.core;
    let (learning_rate, hidden) = match &core.model {
        Model::Net(m) => (saved.learning.settings.learning_rate, m.bm.n_hidden()),
        Model::Rbm(m) => (
            f64::from(m.trainer.config().learning_rate),
            m.rbm.n_hidden(),
        ),
    };
    Expected {
        kind: core.spec.kind,
        temperature: core.temperature,
        order: core.order,
        speed: saved.sweeps_per_sec_limit,
        learning_rate,
        hidden,
        grid: (core.training_set.width, core.training_set.height),
    }
}

fn assert_controls_show(h: &App, e: &Expected, what: &str) {
    assert!(
        close(numeric(h, "Temperature T"), e.temperature),
        "{what}: T"
    );
    assert_eq!(
        toggled(h, "As fast as possible"),
        e.speed.is_none(),
        "{what}: pacing"
    );
    match e.speed {
        Some(sps) => assert!(close(numeric(h, "Sweeps per second"), sps), "{what}: speed"),
        None => assert!(h.query_by_label("Sweeps per second").is_none(), "{what}"),
    }
    assert!(
        close(numeric(h, "Learning rate η"), e.learning_rate),
        "{what}: η"
    );
    if e.kind == ModelKind::Hopfield {
        assert!(h.query_by_label("Hidden units").is_none(), "{what}");
    } else {
        assert_eq!(
            numeric(h, "Hidden units"),
            e.hidden as f64,
            "{what}: hidden"
        );
    }
    assert_eq!(
        numeric(h, "Grid columns"),
        e.grid.0 as f64,
        "{what}: columns"
    );
    assert_eq!(numeric(h, "Grid rows"), e.grid.1 as f64, "{what}: rows");
    for (order, label) in [
        (UpdateOrder::Random, "Random"),
        (UpdateOrder::Sequential, "Sequential"),
        (UpdateOrder::Synchronous, "Synchronous"),
    ] {
        assert_eq!(toggled(h, label), e.order == order, "{what}: order {label}");
    }
}

const LESSON_SCENES: [&str; 8] = [
    include_str!("../assets/lessons/1-energy-and-recall.ron"),
    include_str!("../assets/lessons/2-spurious-and-capacity.ron"),
    include_str!("../assets/lessons/3-temperature.ron"),
    include_str!("../assets/lessons/4-escaping-minima.ron"),
    include_str!("../assets/lessons/5-hidden-units.ron"),
    include_str!("../assets/lessons/6-rbm.ron"),
    include_str!("../assets/lessons/7-mixing.ron"),
    include_str!("../assets/lessons/8-how-good-is-cd.ron"),
];

/// Opens the parity example over unsaved work (answering Discard) and waits for it.
fn open_parity_discarding_work(h: &mut App) {
    h.state_mut().open_session(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/sessions/parity-boltzmann.ron"),
    );
    discard(h);
    wait_for(h, "the parity machine", |a| a.snapshot().hidden.len() == 4);
}

/// Finding 1: after a lesson scene or a session loads, every control shows the loaded value.
#[test]
fn controls_show_every_shipped_scene_and_session() {
    let mut h = harness();
    first_snapshot(&mut h);
    for (k, text) in LESSON_SCENES.iter().enumerate() {
        let e = expected(text);
        h.state_mut().open_lesson(k);
        wait_for(&mut h, "the lesson's scene", |a| {
            a.lessons().scene_on_screen(a.snapshot())
                && a.snapshot().settings.grid == e.grid
                && a.snapshot().settings.kind == e.kind
        });
        h.run_steps(4);
        assert_controls_show(&h, &e, &format!("lesson {}", k + 1));
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sessions");
    for name in [
        "letters-hopfield.ron",
        "digits-rbm.ron",
        "parity-boltzmann.ron",
    ] {
        let path = root.join(name);
        let e = expected(&std::fs::read_to_string(&path).expect("reads"));
        h.state_mut().open_session(path);
        wait_for(&mut h, "the session", |a| {
            a.files()
                .current
                .as_ref()
                .is_some_and(|p| p.ends_with(name))
                && a.snapshot().settings.grid == e.grid
        });
        h.run_steps(4);
        assert_controls_show(&h, &e, name);
    }
}

/// The same through `screenshot --ui-tree`'s code path: the AccessKit nodes of a headless
/// frame, for every shipped scene and session.
#[test]
fn the_ui_tree_shows_every_shipped_session_as_loaded() {
    use boltzviz::persist::shipped;
    use boltzviz::ui::ui_tree::{TreeRequest, UiNode, capture};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let scenes = shipped::LESSON_SCENES
        .iter()
        .map(|s| root.join("lessons").join(s.file));
    let sessions = shipped::EXAMPLES
        .iter()
        .map(|s| root.join("sessions").join(s.file));
    for path in scenes.chain(sessions) {
        let e = expected(&std::fs::read_to_string(&path).expect("reads"));
        let nodes = capture(TreeRequest {
            view: boltzviz::ui::View::Network,
            setup: Vec::new(),
            session: Some(path.clone()),
            lesson: None,
            frames: 30,
        });
        let what = path.display().to_string();
        let number = |label: &str| {
            nodes
                .iter()
                .find(|n: &&UiNode| n.label.as_deref() == Some(label) && n.numeric_value.is_some())
                .and_then(|n| n.numeric_value)
                .unwrap_or_else(|| panic!("{what}: no number for {label}"))
        };
        let on = |label: &str| {
            nodes
                .iter()
                .find(|n| n.label.as_deref() == Some(label) && n.toggled.is_some())
                .and_then(|n| n.toggled)
                .unwrap_or_else(|| panic!("{what}: no toggle {label}"))
        };
        assert!(close(number("Temperature T"), e.temperature), "{what}: T");
        assert_eq!(on("As fast as possible"), e.speed.is_none(), "{what}");
        if let Some(sps) = e.speed {
            assert!(close(number("Sweeps per second"), sps), "{what}: speed");
        }
        assert!(
            close(number("Learning rate η"), e.learning_rate),
            "{what}: η"
        );
        if e.kind != ModelKind::Hopfield {
            assert_eq!(number("Hidden units"), e.hidden as f64, "{what}: hidden");
        }
        assert_eq!(
            (number("Grid columns"), number("Grid rows")),
            (e.grid.0 as f64, e.grid.1 as f64),
            "{what}: grid"
        );
        let order = match e.order {
            UpdateOrder::Random => "Random",
            UpdateOrder::Sequential => "Sequential",
            UpdateOrder::Synchronous => "Synchronous",
        };
        assert!(on(order), "{what}: order {order}");
    }
}

/// Finding 2: reopening the lessons reloads the lesson's scene; Next asks before dropping
/// unsaved work, and after Cancel the lesson does not describe a model that is not its own.
#[test]
fn lessons_own_their_scene_and_ask_before_replacing_work() {
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Lessons").click();
    wait_for(&mut h, "lesson 1's scene", |a| {
        a.lessons().scene_on_screen(a.snapshot())
    });
    h.get_by_label("Lessons").click();
    h.run_steps(4);
    h.state_mut().open_session(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sessions/digits-rbm.ron"),
    );
    wait_for(&mut h, "the RBM", |a| {
        a.snapshot().settings.kind == ModelKind::Rbm
    });
    h.get_by_label("Lessons").click();
    wait_for(&mut h, "lesson 1's scene again", |a| {
        a.snapshot().settings.kind == ModelKind::Hopfield
            && a.lessons().scene_on_screen(a.snapshot())
    });
    h.get_by_label("Invert").click();
    h.run_steps(3);
    assert!(h.state().files().dirty);
    h.get_by_label("Next").click();
    h.run_steps(3);
    assert!(h.query_by_label("Discard").is_some(), "Next asks first");
    h.get_by_label("Cancel").click();
    h.run_steps(3);
    assert_eq!(h.state().lessons().index(), 1);
    assert!(!h.state().lessons().scene_on_screen(h.state().snapshot()));
    assert!(
        h.query_by_label("Try this").is_none(),
        "no lesson text over another model"
    );
    assert!(h.query_by_label("Open the lesson's scene").is_some());
    assert!(h.state().files().dirty, "the work is still there, unsaved");
}

/// Finding 3: a failed open keeps the unsaved flag; the question comes once a file is chosen;
/// importing weights asks too.
#[test]
fn a_failed_open_keeps_the_unsaved_flag_and_imports_ask_first() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Invert").click();
    h.run_steps(3);
    assert!(h.state().files().dirty);
    h.state_mut()
        .open_session(root.join("tests/broken/asymmetric.ron"));
    discard(&mut h);
    wait_for(&mut h, "the refusal", |a| {
        a.state().message.as_ref().is_some_and(|(_, error)| *error)
    });
    assert!(
        h.state().files().dirty,
        "nothing was replaced, so the work is still unsaved"
    );
    let weights =
        std::env::temp_dir().join(format!("boltzviz-ui-truth-{}.json", std::process::id()));
    let rbm = boltzviz::engine::rbm::Rbm::random(
        4,
        2,
        0.1,
        &mut boltzviz::engine::SimRng::seed_from_u64(1),
    )
    .expect("rbm");
    boltzviz::persist::interchange::save_weights(
        &weights,
        &boltzviz::sim::model::ImportedModel::Rbm(rbm),
    )
    .expect("writes");
    common::drop_file(&mut h, weights.clone());
    h.run_steps(3);
    assert!(
        h.query_by_label("Discard").is_some(),
        "an import asks before replacing work"
    );
    h.get_by_label("Cancel").click();
    h.run_steps(5);
    assert_eq!(h.state().snapshot().settings.kind, ModelKind::Hopfield);
    let _ = std::fs::remove_file(weights);
}

/// Finding 4: with a dialog open, keys belong to it; Escape closes it. (The unsaved-changes
/// question is the dialog here: the file picker's appearance depends on how fast the system
/// says it has no dialog service.)
#[test]
fn keys_do_not_go_through_dialogs_and_escape_closes_them() {
    let mut h = harness();
    first_snapshot(&mut h);
    let original = h.state().snapshot().visible.clone();
    h.get_by_label("Invert").click();
    h.run_steps(3);
    // The inverted state must be on screen before it is compared with what follows (on a busy
    // machine the simulation's answer can take longer than three frames).
    wait_for(&mut h, "the inverted grid", |a| {
        a.snapshot().visible != original
    });
    h.state_mut().open_session(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sessions/digits-rbm.ron"),
    );
    h.run_steps(4);
    assert!(h.state().files().dialog_open(), "the question is open");
    let before = h.state().snapshot().clone();
    for key in [
        egui::Key::S,
        egui::Key::R,
        egui::Key::L,
        egui::Key::U,
        egui::Key::Space,
    ] {
        h.key_press(key);
        h.run_steps(3);
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    h.run_steps(3);
    let after = h.state().snapshot();
    assert_eq!(after.sweeps, before.sweeps, "S, U and Space did nothing");
    assert_eq!(after.visible, before.visible, "R did not reset");
    assert!(!after.running);
    assert!(!h.state().lessons().open, "L did not open the lessons");
    h.key_press(egui::Key::Escape);
    h.run_steps(4);
    assert!(
        !h.state().files().dialog_open(),
        "Escape closed the question"
    );
    assert_eq!(
        h.state().snapshot().settings.kind,
        ModelKind::Hopfield,
        "Escape is Cancel: the work stays"
    );
}

/// Finding 5: Random keeps clamped units; two resets give the same energy (hidden units too).
#[test]
fn random_keeps_clamps_and_reset_is_repeatable() {
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Clear").click();
    h.get_by_label("visible grid").click();
    wait_for(&mut h, "one unit on", |a| {
        a.snapshot().visible.iter().filter(|&&s| s == 1).count() == 1
    });
    let unit = h
        .state()
        .snapshot()
        .visible
        .iter()
        .position(|&s| s == 1)
        .expect("on");
    h.get_by_label("Clamp what I drew").click();
    wait_for(&mut h, "the clamp", |a| a.snapshot().clamped[unit]);
    for _ in 0..5 {
        let before = h.state().snapshot().visible.clone();
        h.get_all_by_label("Random")
            .find(|n| n.accesskit_node().toggled().is_none())
            .expect("the Random button")
            .click();
        // 99 free units redrawn: the grid changes (the fixed seeds make this certain here).
        wait_for(&mut h, "a random grid", |a| a.snapshot().visible != before);
        assert_eq!(
            h.state().snapshot().visible[unit],
            1,
            "the clamped unit kept its value"
        );
    }
    open_parity_discarding_work(&mut h);
    let generation = h.state().snapshot().trace_generation;
    h.key_press(egui::Key::R);
    wait_for(&mut h, "a reset", |a| {
        a.snapshot().trace_generation > generation
    });
    let first = h.state().snapshot().clone();
    h.get_by_label("Step").click();
    wait_for(&mut h, "a sweep", |a| a.snapshot().sweeps == 1.0);
    h.key_press(egui::Key::R);
    wait_for(&mut h, "a second reset", |a| a.snapshot().sweeps == 0.0);
    let second = h.state().snapshot();
    assert_eq!(first.hidden, second.hidden);
    assert_eq!(
        first.energy, second.energy,
        "E at sweep 0 is the same after each reset"
    );
}

/// Finding 6: the trace starts at the starting point and marks edits; the status bar says
/// training while training.
#[test]
fn the_trace_keeps_the_start_and_the_status_bar_says_what_runs() {
    let mut h = harness();
    first_snapshot(&mut h);
    assert_eq!(
        h.state().state().trace.front().and_then(|p| p.mark),
        Some(TraceMark::Start)
    );
    // The opening scene's own noise is on the trace at sweep 0; one sweep, then more noise.
    h.get_by_label("Step").click();
    wait_for(&mut h, "a sweep", |a| a.snapshot().sweeps == 1.0);
    h.get_by_label("Add noise").click();
    wait_for(&mut h, "the noise marker", |a| {
        a.state()
            .trace
            .iter()
            .any(|p| p.mark == Some(TraceMark::Noise) && p.sweep == 1.0)
    });
    assert!(h.state().files().dirty, "noise is an unsaved change");
    open_parity_discarding_work(&mut h);
    let updates = h.state().snapshot().learning.updates;
    h.get_by_label("Train").click();
    wait_long(&mut h, "some updates", |a| {
        a.snapshot().learning.training && a.snapshot().learning.updates > updates + 20
    });
    h.run_steps(4);
    assert!(h.query_by_label_contains("training · update").is_some());
    assert!(h.query_by_label_contains("sweep 0 ·").is_none());
    assert!(
        h.state().snapshot().learning.positive.is_some(),
        "the ⟨sᵢsⱼ⟩ panels follow training"
    );
    h.get_by_label("Stop training").click();
    wait_for(&mut h, "stopped", |a| !a.snapshot().running);
}

/// Finding 7: a fast stroke paints every cell it crosses; U rings the unit it updated; a
/// sampler at T > 0 is not said to have "recalled".
#[test]
fn strokes_are_continuous_and_verdicts_are_honest() {
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Clear").click();
    wait_for(&mut h, "a clear grid", |a| {
        a.snapshot().visible.iter().all(|&s| s == 0)
    });
    let rect = h.get_by_label("visible grid").rect();
    let cell = rect.width() / 10.0;
    let at = |c: f32| egui::pos2(rect.min.x + (c + 0.5) * cell, rect.min.y + 0.5 * cell);
    let press = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.input_mut()
        .events
        .push(egui::Event::PointerMoved(at(0.0)));
    h.input_mut().events.push(press(at(0.0), true));
    h.step();
    // One pointer sample at the far end of the row: the cells between are painted too.
    h.input_mut()
        .events
        .push(egui::Event::PointerMoved(at(9.0)));
    h.step();
    h.input_mut().events.push(press(at(9.0), false));
    h.step();
    wait_for(&mut h, "the whole first row", |a| {
        a.snapshot().visible[..10].iter().all(|&s| s == 1)
    });
    h.key_press(egui::Key::U);
    wait_for(&mut h, "a unit step", |a| a.snapshot().last_unit.is_some());
    h.run_steps(4);
    assert!(h.query_by_label_contains("last update: unit").is_some());

    h.get_by_label("1").click();
    h.get_by_label("T = 1").click();
    wait_for(&mut h, "pattern 1 at T = 1", |a| {
        a.snapshot().temperature == 1.0 && a.snapshot().nearest.is_some_and(|(_, m)| m >= 1.0)
    });
    h.run_steps(4);
    assert!(
        h.query_by_label_contains("— recalled").is_none(),
        "sampling is not recall"
    );
    assert!(h.query_by_label_contains("matches it now").is_some());
}
