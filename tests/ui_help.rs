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
