//! The Tempering view driven by its labels: switch tempering on, watch the ladder run, type a
//! ladder of your own and see the simulation use it.

mod common;

use common::{harness, wait_for, wait_long};
use egui_kittest::kittest::Queryable;

#[test]
fn tempering_is_switched_on_and_its_ladder_typed_in_the_view() {
    let mut h = harness();
    wait_for(&mut h, "first snapshot", |a| a.snapshot().visible.len() == 100);
    h.get_by_label("T = 1").click();
    h.run_steps(3);
    h.get_by_label("Tempering").click();
    h.run_steps(3);
    h.get_by_label("Parallel tempering").click();
    h.run_steps(3);
    h.key_press(egui::Key::Space);
    wait_long(&mut h, "the default ladder running", |a| {
        a.snapshot()
            .tempering
            .as_ref()
            .is_some_and(|t| t.temperatures.len() == 8 && t.rounds > 20)
    });
    let field = h.get_by_label("Ladder above T");
    field.focus();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Ladder above T").type_text("1.5, 2.5, 4");
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    wait_long(&mut h, "the typed ladder running", |a| {
        a.snapshot()
            .tempering
            .as_ref()
            .is_some_and(|t| t.temperatures == [1.0, 1.5, 2.5, 4.0] && t.rounds > 5)
    });
    assert!(h.query_by_label("Geometric").is_some());
}
