//! The real app driven headless by its labels (egui_kittest): draw, clamp, step the phases,
//! move the temperature, switch views, and check what the simulation did.

mod common;

use boltzviz::ui::View;
use common::{harness, wait_for, wait_long};
use egui_kittest::kittest::Queryable;

#[test]
fn invert_clear_and_drawing_change_the_grid() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });
    let on_before = h
        .state()
        .snapshot()
        .visible
        .iter()
        .filter(|&&s| s == 1)
        .count();
    h.get_by_label("Invert").click();
    wait_for(&mut h, "inverted grid", |a| {
        a.snapshot().visible.iter().filter(|&&s| s == 1).count() == 100 - on_before
    });
    h.get_by_label("Clear").click();
    wait_for(&mut h, "cleared grid", |a| {
        a.snapshot().visible.iter().all(|&s| s == 0)
    });
    // A left click in the middle of the visible grid paints a unit on.
    h.get_by_label("visible grid").click();
    wait_for(&mut h, "a painted unit", |a| {
        a.snapshot().visible.iter().filter(|&&s| s == 1).count() == 1
    });
}

#[test]
fn clamp_what_i_drew_marks_exactly_the_units_that_are_on() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        !a.snapshot().visible.is_empty()
    });
    h.get_by_label("Clamp what I drew").click();
    wait_for(&mut h, "clamps", |a| {
        a.snapshot().clamped.iter().any(|&c| c)
    });
    let snap = h.state().snapshot();
    assert!(
        snap.clamped
            .iter()
            .zip(&snap.visible)
            .all(|(&c, &v)| c == (v == 1))
    );
    h.get_by_label("Release all").click();
    wait_for(&mut h, "released", |a| {
        a.snapshot().clamped.iter().all(|&c| !c)
    });
}

#[test]
fn learning_phases_step_one_at_a_time() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        !a.snapshot().visible.is_empty()
    });
    h.get_by_label("Positive phase").click();
    wait_for(&mut h, "positive statistics", |a| {
        a.snapshot().learning.positive.is_some()
    });
    assert!(h.state().snapshot().learning.negative.is_none());
    h.get_by_label("Negative phase").click();
    wait_for(&mut h, "negative statistics", |a| {
        a.snapshot().learning.negative.is_some()
    });
    let generation = h.state().snapshot().weights_generation;
    h.get_by_label("Apply update").click();
    wait_for(&mut h, "an update", |a| a.snapshot().learning.updates == 1);
    assert!(
        h.state().snapshot().weights_generation > generation,
        "the weights changed"
    );
}

#[test]
fn temperature_buttons_reach_the_sampler_and_step_counts_sweeps() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        !a.snapshot().visible.is_empty()
    });
    assert_eq!(
        h.state().snapshot().temperature,
        0.0,
        "the opening scene is deterministic"
    );
    h.get_by_label("T = 1").click();
    wait_for(&mut h, "T = 1", |a| a.snapshot().temperature == 1.0);
    h.get_by_label("Step").click();
    wait_for(&mut h, "one sweep", |a| a.snapshot().sweeps == 1.0);
    h.get_by_label("T = 0").click();
    wait_for(&mut h, "T = 0", |a| a.snapshot().temperature == 0.0);
}

#[test]
fn views_switch_by_their_tabs() {
    let mut h = harness();
    for view in [
        View::Compare,
        View::Distribution,
        View::Weights,
        View::Learning,
        View::Network,
    ] {
        h.get_by_label(view.label()).click();
        h.run_steps(4);
        assert_eq!(h.state().state().view, view);
    }
}

#[test]
fn space_runs_and_pauses_the_simulation() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        !a.snapshot().visible.is_empty()
    });
    h.key_press(egui::Key::Space);
    wait_for(&mut h, "running", |a| a.snapshot().running);
    h.key_press(egui::Key::Space);
    wait_for(&mut h, "paused", |a| !a.snapshot().running);
}

#[test]
fn examples_open_from_the_file_menu_and_unsaved_changes_are_guarded() {
    use boltzviz::sim::protocol::ModelKind;
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });
    // Nothing changed yet: the example opens at once.
    h.get_by_label("File").click();
    h.run_steps(4);
    h.get_by_label("Examples").hover();
    h.run_steps(4);
    h.get_by_label("An RBM trained on the digits").click();
    wait_for(&mut h, "the RBM example", |a| {
        a.snapshot().settings.kind == ModelKind::Rbm && a.snapshot().settings.grid == (8, 8)
    });
    assert!(
        !h.state().files().dirty,
        "a freshly opened session is not dirty"
    );

    // A change, then another example: the app asks first, and Cancel keeps the session.
    h.get_by_label("Invert").click();
    h.run_steps(4);
    assert!(h.state().files().dirty);
    h.get_by_label("File").click();
    h.run_steps(4);
    h.get_by_label("Examples").hover();
    h.run_steps(4);
    h.get_by_label("Hidden units that learned parity").click();
    h.run_steps(4);
    h.get_by_label("Cancel").click();
    h.run_steps(20);
    assert_eq!(h.state().snapshot().settings.kind, ModelKind::Rbm);

    // Discard: the parity machine replaces it.
    h.get_by_label("File").click();
    h.run_steps(4);
    h.get_by_label("Examples").hover();
    h.run_steps(4);
    h.get_by_label("Hidden units that learned parity").click();
    h.run_steps(4);
    h.get_by_label("Discard").click();
    wait_for(&mut h, "the parity example", |a| {
        a.snapshot().settings.kind == ModelKind::Boltzmann && a.snapshot().hidden.len() == 4
    });
}

#[test]
fn a_blank_28_by_28_grid_can_be_drawn_on() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });
    // The size fields show the grid on screen until the person types another size.
    let columns = h.get_by_label("Grid columns");
    assert_eq!(
        egui_kittest::kittest::NodeT::accesskit_node(&columns).numeric_value(),
        Some(10.0)
    );
    columns.set_value_accesskit(28.0);
    h.run_steps(4);
    h.get_by_label("Grid rows").set_value_accesskit(28.0);
    h.run_steps(4);
    h.get_by_label("Blank grid").click();
    wait_for(&mut h, "a 28 × 28 grid", |a| {
        a.snapshot().settings.grid == (28, 28) && a.snapshot().visible.len() == 784
    });
    h.get_by_label("Clear").click();
    wait_for(&mut h, "a clear grid", |a| {
        a.snapshot().visible.iter().all(|&s| s == 0)
    });
    h.get_by_label("visible grid").click();
    wait_for(&mut h, "a painted unit", |a| {
        a.snapshot().visible.iter().filter(|&&s| s == 1).count() == 1
    });
}

#[test]
fn rbm_phases_step_through_the_cd_walk() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });
    h.get_by_label("Kind").click();
    h.run_steps(4);
    h.get_by_label("RBM").click();
    wait_for(&mut h, "an RBM", |a| {
        a.snapshot().settings.kind == boltzviz::sim::ModelKind::Rbm
    });
    h.get_by_label("Positive phase").click();
    wait_for(&mut h, "the data half of the walk", |a| {
        a.snapshot()
            .learning
            .rbm_walk
            .as_ref()
            .is_some_and(|w| w.stage == 1)
            && a.snapshot().learning.negative.is_none()
    });
    h.get_by_label("Negative phase").click();
    wait_for(&mut h, "the whole walk", |a| {
        let walk = a.snapshot().learning.rbm_walk.clone().unwrap_or_default();
        walk.stage == 2
            && walk.vk.len() == a.snapshot().visible.len()
            && walk.hk.len() == a.snapshot().hidden.len()
            && a.snapshot().learning.negative.is_some()
    });
}

/// Presses Next; work done in the lesson is unsaved, so the app asks first: discard it.
fn next_lesson(h: &mut egui_kittest::Harness<'static, boltzviz::ui::BoltzVizApp>) {
    h.get_by_label("Next").click();
    h.run_steps(3);
    if h.query_by_label("Discard").is_some() {
        h.get_by_label("Discard").click();
        h.run_steps(4);
    }
}

#[test]
fn every_lesson_loads_its_scene_and_notices_its_task() {
    use boltzviz::sim::ModelKind;
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });

    // 1. Energy and recall: three letters; corrupt one, run, and it is recalled.
    h.get_by_label("Lessons").click();
    wait_for(&mut h, "lesson 1's scene", |a| {
        a.snapshot().pattern_energies.len() == 3 && a.snapshot().sweeps == 0.0
    });
    assert!(!h.state().lessons().is_done(0));
    h.run_steps(3);
    h.get_by_label("Add noise").click();
    h.run_steps(3);
    h.key_press(egui::Key::Space);
    wait_long(&mut h, "lesson 1 noticing the recall", |a| {
        a.lessons().is_done(0)
    });

    // 2. Capacity: two rules' sweeps.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 2's scene", |a| {
        a.lessons().index() == 1 && a.snapshot().pattern_energies.len() == 5
    });
    h.get_by_label("Run capacity sweep").click();
    wait_long(&mut h, "the Hebbian sweep", |a| {
        !a.lessons().is_done(1) && a.lessons().capacity.results.len() == 1
    });
    h.get_by_label("Rule").click();
    h.run_steps(4);
    h.get_by_label("Storkey").click();
    h.run_steps(4);
    h.get_by_label("Run capacity sweep").click();
    wait_long(&mut h, "lesson 2 noticing both sweeps", |a| {
        a.lessons().is_done(1)
    });

    // 3. Temperature: hot sampling flattens the histogram.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 3's scene", |a| {
        a.lessons().index() == 2 && a.snapshot().distribution.is_some()
    });
    assert!(!h.state().lessons().is_done(2));
    h.get_by_label("T = 3").click();
    h.run_steps(4);
    h.key_press(egui::Key::Space);
    wait_long(&mut h, "lesson 3 noticing the flat histogram", |a| {
        a.lessons().is_done(2)
    });

    // 4. Escaping local minima: annealing ends below the stuck descent.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 4's scene", |a| {
        a.lessons().index() == 3 && a.snapshot().settings.grid == (6, 6)
    });
    h.get_by_label("As fast as possible").click();
    h.run_steps(4);
    // The left panel scrolls on this 1000-point-high window.
    h.get_by_label("Anneal").scroll_to_me();
    h.run_steps(4);
    h.get_by_label("Anneal").click();
    wait_long(&mut h, "lesson 4 noticing the escape", |a| {
        a.lessons().is_done(3)
    });

    // 5. Hidden units: stepping once, then training lowers the exact KL.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 5's scene", |a| {
        a.lessons().index() == 4 && a.snapshot().hidden.len() == 4
    });
    for button in ["Positive phase", "Negative phase", "Apply update"] {
        h.get_by_label(button).click();
        h.run_steps(3);
    }
    h.get_by_label("Train").click();
    wait_long(&mut h, "lesson 5 noticing the KL fall", |a| {
        a.lessons().is_done(4)
    });
    h.get_by_label("Stop training").click();
    h.run_steps(4);

    // 6. RBM: one CD walk stepped, one update.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 6's scene", |a| {
        a.lessons().index() == 5 && a.snapshot().settings.kind == ModelKind::Rbm
    });
    for button in ["Positive phase", "Negative phase", "Apply update"] {
        h.get_by_label(button).click();
        h.run_steps(3);
    }
    wait_long(&mut h, "lesson 6 noticing the walk and the update", |a| {
        a.lessons().is_done(5)
    });

    // 7. Mixing: one Gibbs chain stays far above the i.i.d. floor; tempering brings it down.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 7's scene", |a| {
        a.lessons().index() == 6 && a.snapshot().settings.grid == (5, 2)
    });
    h.key_press(egui::Key::Space);
    wait_long(&mut h, "the chain stuck in one mode", |a| {
        a.snapshot()
            .distribution
            .as_ref()
            .is_some_and(|d| d.samples >= 1_500 && d.total_variation > 0.2 && d.mixing.is_some())
    });
    assert!(!h.state().lessons().is_done(6));
    h.get_by_label("Tempering").click();
    h.run_steps(4);
    h.get_by_label("Parallel tempering").click();
    wait_long(&mut h, "lesson 7 noticing the chain at the floor", |a| {
        a.lessons().is_done(6) && a.snapshot().tempering.is_some()
    });
    // 8. How good is CD?: CD-1, then the exact gradient from the same start.
    next_lesson(&mut h);
    wait_for(&mut h, "lesson 8's scene", |a| {
        a.lessons().scene_on_screen(a.snapshot())
            && a.snapshot().settings.grid == (4, 4)
            && a.snapshot().gradient.is_some()
    });
    let runs_of = |a: &boltzviz::ui::BoltzVizApp| {
        a.snapshot()
            .gradient
            .as_ref()
            .map_or_else(Vec::new, |g| g.runs.clone())
    };
    h.get_by_label("Train").click();
    wait_long(&mut h, "300 CD-1 updates", |a| {
        runs_of(a).first().is_some_and(|r| r.updates >= 300)
    });
    h.get_by_label("Stop training").click();
    h.run_steps(4);
    assert!(!h.state().lessons().is_done(h.state().lessons().index()));
    for button in ["Back to the start weights", "train by the exact gradient"] {
        // Scrolling is animated: let it settle before clicking.
        h.get_by_label(button).scroll_to_me();
        h.run_steps(30);
        h.get_by_label(button).click();
        h.run_steps(4);
    }
    h.get_by_label("Train").scroll_to_me();
    h.run_steps(30);
    h.get_by_label("Train").click();
    wait_long(&mut h, "lesson 8 noticing the race", |a| {
        a.lessons().is_done(a.lessons().index())
    });
    let labels: Vec<String> = runs_of(h.state()).into_iter().map(|r| r.label).collect();
    assert_eq!(labels, ["CD-1", "exact"]);
    h.get_by_label("Stop training").click();
    h.run_steps(4);
}

#[test]
fn the_capacity_window_runs_a_sweep_with_progress() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });
    h.get_by_label("Capacity").click();
    h.run_steps(4);
    h.get_by_label("Run capacity sweep").click();
    wait_long(&mut h, "a finished Hebbian sweep", |a| {
        a.lessons().capacity.results.len() == 1
    });
    let points = &h.state().lessons().capacity.results[0].2;
    // Hebbian, N = 100, 10 % noise: one pattern is always recalled, 30 almost never.
    assert_eq!(points.first().map(|p| p.recalled), Some(1.0));
    assert!(
        points
            .last()
            .is_some_and(|p| p.patterns >= 24 && p.recalled < 0.5)
    );
}

#[test]
fn dropping_a_session_opens_it_and_a_broken_one_changes_nothing() {
    use boltzviz::sim::protocol::ModelKind;
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| {
        a.snapshot().visible.len() == 100
    });

    let broken = assets.join("tests/broken/asymmetric.ron");
    common::drop_file(&mut h, broken);
    wait_for(&mut h, "the refusal", |a| {
        a.state()
            .message
            .as_ref()
            .is_some_and(|(m, error)| *error && m.contains("symmetric"))
    });
    assert_eq!(
        h.state().snapshot().settings.kind,
        ModelKind::Hopfield,
        "the session stayed"
    );

    let good = assets.join("assets/sessions/parity-boltzmann.ron");
    common::drop_file(&mut h, good);
    wait_for(&mut h, "the dropped session", |a| {
        a.snapshot().settings.kind == ModelKind::Boltzmann && a.snapshot().hidden.len() == 4
    });
    assert!(
        h.state()
            .files()
            .current
            .as_ref()
            .is_some_and(|p| p.ends_with("parity-boltzmann.ron"))
    );
}
