//! The Edit menu and its keys: undo and redo of the person's edits (the simulation keeps the
//! history; the menu only asks, and shows what the snapshot says is possible).

use crate::sim::{Command, Snapshot};

/// The Edit menu.
pub fn menu_ui(ui: &mut egui::Ui, snapshot: &Snapshot, pending: &mut Vec<Command>) {
    ui.menu_button("Edit", |ui| {
        let undo = ui
            .add_enabled(
                snapshot.can_undo,
                egui::Button::new("Undo").shortcut_text("Ctrl+Z"),
            )
            .on_hover_text(
                "Back to the state before your last edit (drawing, clamps, noise, settings, model)",
            );
        if undo.clicked() {
            pending.push(Command::Undo);
            ui.close();
        }
        let redo = ui.add_enabled(
            snapshot.can_redo,
            egui::Button::new("Redo").shortcut_text("Ctrl+Shift+Z"),
        );
        if redo.clicked() {
            pending.push(Command::Redo);
            ui.close();
        }
    });
}

/// Ctrl+Z undoes; Ctrl+Shift+Z and Ctrl+Y redo. Call only when keys are the app's (no dialog,
/// no text field with focus: a text field keeps its own undo).
pub fn keys(ctx: &egui::Context, pending: &mut Vec<Command>) {
    let (undo, redo) = ctx.input_mut(|i| {
        let redo = i.consume_key(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::Z,
        ) || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y);
        (i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z), redo)
    });
    if redo {
        pending.push(Command::Redo);
    } else if undo {
        pending.push(Command::Undo);
    }
}
