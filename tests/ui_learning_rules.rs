//! The Learning view's rule controls in the real app: each control found by its label sends
//! its rule to the simulation, which shows it back; held-out data dropped on the window (a
//! .txt file) draws a second, labelled learning curve, and data of another width is refused
//! with a one-line message in the status bar.

mod common;

use boltzviz::sim::ModelKind;
use boltzviz::ui::View;
use common::{drop_file, first_snapshot, harness, wait_for, wait_long};
use egui_kittest::kittest::Queryable;

fn rbm_in_learning_view() -> egui_kittest::Harness<'static, boltzviz::ui::BoltzVizApp> {
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Kind").click();
    h.run_steps(4);
    h.get_by_label("RBM").click();
    wait_for(&mut h, "an RBM", |a| {
        a.snapshot().settings.kind == ModelKind::Rbm
    });
    h.get_by_label(View::Learning.label()).click();
    h.run_steps(4);
    h
}

#[test]
fn each_rule_control_sends_its_rule_and_shows_it_back() {
    let mut h = rbm_in_learning_view();
    let config = |a: &boltzviz::ui::BoltzVizApp| a.snapshot().settings.rbm_training.clone();
    assert!(h.query_by_label("Weight decay λ").is_some());
    assert!(h.query_by_label("Momentum μ").is_some());
    assert!(h.query_by_label("Learning-rate decay δ").is_some());
    h.get_by_label("PCD (persistent chains)").click();
    wait_for(&mut h, "PCD on", |a| {
        config(a).is_some_and(|c| c.persistent)
    });
    h.get_by_label("then μ' from epoch").click();
    wait_for(&mut h, "the momentum switch", |a| {
        config(a).is_some_and(|c| c.momentum_switch_epoch == Some(5))
    });
    assert!(h.query_by_label("Final momentum μ'").is_some());
    h.get_by_label("to 0 at epoch").click();
    wait_for(&mut h, "the linear fall", |a| {
        config(a).is_some_and(|c| c.anneal_to_epoch == Some(200))
    });
    h.get_by_label("Sparsity target").click();
    wait_for(&mut h, "a sparsity target", |a| {
        config(a).is_some_and(|c| c.sparsity.is_some_and(|s| s.target == 0.1))
    });
    assert!(h.query_by_label("Sparsity target p").is_some());
    // Undo (Ctrl+Z) takes the last rule back, and only it (another control's change is an
    // entry of its own however soon it came).
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait_for(&mut h, "sparsity undone, the fall kept", |a| {
        config(a).is_some_and(|c| c.sparsity.is_none() && c.anneal_to_epoch == Some(200))
    });
}

#[test]
fn dropped_validation_data_draws_a_held_out_curve_and_a_wrong_width_is_refused() {
    let mut h = rbm_in_learning_view();
    assert!(h.query_by_label("Load validation data…").is_some());
    let folder = std::env::temp_dir().join(format!("boltzviz-valid-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    // The opening grid is 10 × 10: 100 units. Three patterns of the wrong width first.
    let narrow = folder.join("narrow.txt");
    std::fs::write(&narrow, "0101\n1100\n0011\n").expect("write");
    drop_file(&mut h, narrow);
    wait_for(&mut h, "the width refused", |a| {
        a.state().current_message().is_some_and(|(text, error)| {
            *error && text.contains("4 values") && text.contains("100 units")
        })
    });
    assert_eq!(h.state().snapshot().learning.validation_patterns, 0);
    let wide = folder.join("held-out.txt");
    let line = |k: usize| {
        (0..100)
            .map(|i| if (i + k).is_multiple_of(3) { '1' } else { '0' })
            .collect::<String>()
    };
    std::fs::write(&wide, format!("{}\n{}\n", line(0), line(1))).expect("write");
    drop_file(&mut h, wide);
    wait_for(&mut h, "held-out data", |a| {
        a.snapshot().learning.validation_patterns == 2
    });
    h.get_by_label("Train").click();
    wait_long(&mut h, "a held-out curve", |a| {
        a.snapshot().learning.validation_curve.len() >= 2
    });
    h.get_by_label("Stop training").click();
    wait_for(&mut h, "stopped", |a| !a.snapshot().learning.training);
    let l = &h.state().snapshot().learning;
    assert_eq!(
        l.curve.last().map(|p| p[0]),
        l.validation_curve.last().map(|p| p[0]),
        "both curves end at the same update"
    );
    h.run_steps(3);
    assert!(
        h.query_by_label("held-out (2 patterns)").is_some(),
        "the legend names it"
    );
    assert!(h.query_by_label("training").is_some());
    h.get_by_label("Remove").click();
    wait_for(&mut h, "held-out data removed", |a| {
        a.snapshot().learning.validation_patterns == 0
    });
    let _ = std::fs::remove_dir_all(folder);
}
