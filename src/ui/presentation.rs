//! Presentation mode for a projector (View menu, F5): everything scaled up by
//! [`PRESENTATION_ZOOM`] (text about 21 px at 1280 × 800), the control panel folded away so the
//! picture gets the room, and a light theme beside the dark one (projectors wash out dark
//! themes). Ctrl + / Ctrl − / Ctrl 0 still zoom by hand on top of it.

/// The zoom of presentation mode: egui's 13–14 px body text becomes 21–22 px.
pub const PRESENTATION_ZOOM: f32 = 1.6;

/// What the View menu sets (view state only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Presentation {
    /// Presentation mode is on.
    pub on: bool,
    /// The light theme.
    pub light: bool,
    /// The control panel is folded away.
    pub controls_hidden: bool,
    applied: Option<(bool, bool)>,
}

impl Presentation {
    /// The View menu.
    pub fn menu_ui(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("View", |ui| {
            if ui
                .add(egui::Button::selectable(self.on, "Presentation mode").shortcut_text("F5"))
                .on_hover_text("Everything larger for a projector, controls folded away")
                .clicked()
            {
                self.toggle();
                ui.close();
            }
            if ui
                .add(egui::Button::selectable(self.light, "Light theme"))
                .on_hover_text("Dark on light: reads better on most projectors")
                .clicked()
            {
                self.light = !self.light;
                ui.close();
            }
            if ui
                .add(
                    egui::Button::selectable(!self.controls_hidden, "Control panel")
                        .shortcut_text("F6"),
                )
                .clicked()
            {
                self.controls_hidden = !self.controls_hidden;
                ui.close();
            }
        });
    }

    /// F5 toggles presentation mode, F6 the control panel (call only when keys are the app's).
    pub fn keys(&mut self, ctx: &egui::Context) {
        let (f5, f6) = ctx.input(|i| (i.key_pressed(egui::Key::F5), i.key_pressed(egui::Key::F6)));
        if f5 {
            self.toggle();
        }
        if f6 {
            self.controls_hidden = !self.controls_hidden;
        }
    }

    /// Turns presentation mode on, with the light theme or not.
    pub fn enter(&mut self, light: bool) {
        self.on = true;
        self.controls_hidden = true;
        self.light = light;
    }

    fn toggle(&mut self) {
        self.on = !self.on;
        self.controls_hidden = self.on;
    }

    /// Applies the zoom and theme when they changed (so a hand zoom is kept otherwise).
    pub fn apply(&mut self, ctx: &egui::Context) {
        let wanted = (self.on, self.light);
        if self.applied == Some(wanted) {
            return;
        }
        if self.applied.map(|(on, _)| on) != Some(self.on) {
            ctx.set_zoom_factor(if self.on { PRESENTATION_ZOOM } else { 1.0 });
        }
        ctx.set_theme(if self.light {
            egui::Theme::Light
        } else {
            egui::Theme::Dark
        });
        self.applied = Some(wanted);
    }
}
