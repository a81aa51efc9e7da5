//! Undo and redo: a random sequence of edits (with runs and steps between them), then undo all,
//! gives back exactly the starting state; redo all gives back exactly the end. In the window,
//! Ctrl+Z and Ctrl+Shift+Z do the same, and File → New asks before dropping unsaved work.

mod common;

use boltzviz::engine::SimRng;
use boltzviz::persist::session_to_string;
use boltzviz::sim::history::MAX_UNDO;
use boltzviz::sim::protocol::{Command, Event, ModelKind, ModelSpec, TrainingSource};
use boltzviz::sim::{SimHandle, Simulation};
use common::{assert_same, first_snapshot, harness, wait_for};
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

/// The whole saved state, through the thread's Capture.
fn captured(handle: &SimHandle) -> String {
    handle.send(Command::Capture).expect("sent");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        for e in handle.events() {
            if let Event::Captured(saved) = e {
                return session_to_string(&saved).expect("serializes");
            }
        }
        assert!(Instant::now() < deadline, "no capture");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn random_edit(rng: &mut SimRng, n: usize) -> Command {
    match rng.below(9) {
        0 => Command::Draw(vec![(rng.below(n), 1), (rng.below(n), 0)]),
        1 => Command::SetClamp(vec![(rng.below(n), true)]),
        2 => Command::AddNoise(0.3),
        3 => Command::Invert,
        4 => Command::FillRandom,
        5 => Command::SetTemperature(0.5 + rng.uniform()),
        6 => Command::Clear,
        7 => Command::ReleaseAll,
        _ => Command::ShowPattern(rng.below(3)),
    }
}

#[test]
fn undo_all_gives_back_the_start_and_redo_all_the_end() {
    for kind in [ModelKind::Hopfield, ModelKind::Boltzmann, ModelKind::Rbm] {
        let spec = ModelSpec {
            kind,
            source: TrainingSource::Digits,
            hidden: if kind == ModelKind::Hopfield { 0 } else { 6 },
            ..ModelSpec::default()
        };
        let handle =
            SimHandle::spawn(Simulation::new(spec).expect("builds"), || {}).expect("thread");
        let start = captured(&handle);
        let mut rng = SimRng::seed_from_u64(kind as u64 + 1);
        let mut last = None;
        for k in 0..20 {
            // Steps between edits (not before the first: undo goes back to before an edit).
            if k > 0 && rng.below(3) == 0 {
                handle.send(Command::Step(2)).expect("sent");
            }
            // Each edit of another kind than the one before, so each makes its own entry.
            let edit = loop {
                let edit = random_edit(&mut rng, 64);
                if last != Some(std::mem::discriminant(&edit)) {
                    break edit;
                }
            };
            last = Some(std::mem::discriminant(&edit));
            handle.send(edit).expect("sent");
        }
        let end = captured(&handle);
        assert_ne!(start, end, "{kind:?}: the edits changed something");
        for _ in 0..MAX_UNDO + 5 {
            handle.send(Command::Undo).expect("sent");
        }
        assert_same(&captured(&handle), &start, &format!("{kind:?}: undo all"));
        for _ in 0..MAX_UNDO + 5 {
            handle.send(Command::Redo).expect("sent");
        }
        assert_same(&captured(&handle), &end, &format!("{kind:?}: redo all"));
    }
}

#[test]
fn ctrl_z_undoes_in_the_window_and_new_asks_first() {
    let mut h = harness();
    first_snapshot(&mut h);
    let before = h.state().snapshot().visible.clone();
    h.get_by_label("Invert").click();
    wait_for(&mut h, "inverted", |a| a.snapshot().visible != before);
    wait_for(&mut h, "undo offered", |a| a.snapshot().can_undo);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait_for(&mut h, "undone", |a| a.snapshot().visible == before);
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    wait_for(&mut h, "redone", |a| a.snapshot().visible != before);
    // Unsaved work: New asks, Cancel keeps it; Discard starts the opening scene.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(3);
    assert!(h.query_by_label("Discard").is_some(), "New asks first");
    h.get_by_label("Cancel").click();
    h.run_steps(3);
    assert_ne!(h.state().snapshot().visible, before, "Cancel kept the work");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(3);
    h.get_by_label("Discard").click();
    wait_for(&mut h, "the opening scene", |a| {
        a.snapshot().visible == before
    });
}
