//! Help: F1 and Help → Keyboard shortcuts open a window listing every shortcut.

mod common;

use boltzviz::ui::help::SHORTCUTS;
use common::{first_snapshot, harness};
use egui_kittest::kittest::Queryable;

#[test]
fn f1_and_the_help_menu_show_every_shortcut() {
    let mut h = harness();
    first_snapshot(&mut h);
    assert!(h.query_by_label("Keyboard").is_none(), "closed at first");
    h.key_press(egui::Key::F1);
    h.run_steps(3);
    for (key, action) in SHORTCUTS {
        assert!(h.query_by_label(key).is_some(), "{key} listed");
        assert!(h.query_by_label(action).is_some(), "{action} listed");
    }
    h.key_press(egui::Key::F1);
    h.run_steps(3);
    assert!(h.query_by_label("redo").is_none(), "F1 again closes it");
    h.get_by_label("Help").click();
    h.run_steps(4);
    h.get_by_label_contains("Keyboard shortcuts").click();
    h.run_steps(3);
    assert!(h.query_by_label("redo").is_some(), "the menu opens it too");
}

/// F5: presentation mode on every view — everything 1.6 × larger, the control panel folded
/// away (its Temperature slider gone), the tabs still all reachable; F5 again undoes it.
#[test]
fn presentation_mode_scales_every_view_and_folds_the_controls() {
    use boltzviz::ui::View;
    use boltzviz::ui::presentation::PRESENTATION_ZOOM;
    let mut h = harness();
    first_snapshot(&mut h);
    assert!(h.query_all_by_label("Temperature T").next().is_some());
    h.key_press(egui::Key::F5);
    h.run_steps(3);
    assert_eq!(h.ctx.zoom_factor(), PRESENTATION_ZOOM);
    assert!(
        h.query_all_by_label("Temperature T").next().is_none(),
        "controls folded"
    );
    for view in View::ALL {
        h.get_by_label(view.label()).click();
        h.run_steps(4);
        assert!(
            h.query_by_label(view.label()).is_some(),
            "{view:?} tab reachable"
        );
    }
    h.key_press(egui::Key::F5);
    h.run_steps(3);
    assert_eq!(h.ctx.zoom_factor(), 1.0);
    assert!(
        h.query_all_by_label("Temperature T").next().is_some(),
        "controls back"
    );
}
