//! Help: the Keyboard window (every shortcut, from one table) and the first-launch hint, a
//! line that says where to start and goes away for good once the person has run a network.

use super::recent::config_file;
use crate::sim::Snapshot;

/// Every shortcut, as the Keyboard window and the README list them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "run / pause"),
    ("S", "one sweep"),
    ("U", "one single-unit update"),
    ("R", "reset the state from the seed"),
    (
        "L",
        "open or close the lessons (opening loads the lesson's scene)",
    ),
    ("Escape", "close the open dialog"),
    ("Ctrl+N", "new session (asks before dropping unsaved work)"),
    ("Ctrl+O", "open a session"),
    ("Ctrl+S / Ctrl+Shift+S", "save / save as"),
    ("Ctrl+Z", "undo the last edit"),
    ("Ctrl+Shift+Z / Ctrl+Y", "redo"),
    (
        "Ctrl + / Ctrl − / Ctrl 0",
        "zoom in / out / back to 100 % (for a projector)",
    ),
    (
        "F5",
        "presentation mode: larger, controls folded (View menu)",
    ),
    ("F6", "show or hide the control panel"),
    ("F1", "this list"),
];

/// What the help remembers: the Keyboard window, and whether the hint is still due.
pub struct Help {
    /// The Keyboard window is open.
    pub keys_open: bool,
    hint_due: bool,
}

impl Default for Help {
    fn default() -> Self {
        let seen = config_file("hint-seen").is_some_and(|f| f.exists());
        Self {
            keys_open: false,
            hint_due: !seen,
        }
    }
}

impl Help {
    /// The Help menu.
    pub fn menu_ui(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("Help", |ui| {
            if ui
                .add(egui::Button::new("Keyboard shortcuts").shortcut_text("F1"))
                .clicked()
            {
                self.keys_open = true;
                ui.close();
            }
        });
    }

    /// F1 toggles the Keyboard window (call only when keys are the app's).
    pub fn keys(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.key_pressed(egui::Key::F1)) {
            self.keys_open = !self.keys_open;
        }
    }

    /// The Keyboard window, when open.
    pub fn window_ui(&mut self, ctx: &egui::Context) {
        egui::Window::new("Keyboard")
            .open(&mut self.keys_open)
            .resizable(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (key, action) in SHORTCUTS {
                        ui.strong(*key);
                        ui.label(*action);
                        ui.end_row();
                    }
                });
                ui.weak("Keys act when no text field has focus and no dialog is open.");
            });
    }

    /// The first-launch hint, until the person has run a network once (then never again).
    pub fn hint_ui(&mut self, ui: &mut egui::Ui, snapshot: &Snapshot) {
        if !self.hint_due {
            return;
        }
        if snapshot.running || snapshot.sweeps > 0.0 {
            self.hint_due = false;
            if let Some(file) = config_file("hint-seen") {
                if let Some(dir) = file.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let _ = std::fs::write(file, b"");
            }
            return;
        }
        super::theme::signal_label(
            ui,
            super::theme::GOOD,
            "Start here: draw on the grid, press Space to run, move the temperature T.",
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readme_lists_every_shortcut() {
        let readme = include_str!("../../README.md");
        for (key, _) in super::SHORTCUTS {
            assert!(readme.contains(&format!("| {key} |")), "README lacks {key}");
        }
    }
}
