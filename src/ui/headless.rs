//! The real app without a window: one egui frame (logic, ui, tessellation) at a time, for the
//! frame benchmark, the soak test and `screenshot --ui-tree`.

use super::{BoltzVizApp, View};
use crate::sim::protocol::Command;
use std::time::{Duration, Instant};

/// The app and an egui context of its own.
pub struct HeadlessApp {
    ctx: egui::Context,
    /// The app.
    pub app: BoltzVizApp,
    frame: eframe::Frame,
    /// When it started.
    pub started: Instant,
}

impl HeadlessApp {
    /// The app on the opening scene with `setup` sent first.
    pub fn new(setup: Vec<Command>) -> Self {
        let ctx = egui::Context::default();
        let mut app = BoltzVizApp::new(&ctx);
        app.pending.extend(setup);
        Self {
            ctx,
            app,
            frame: eframe::Frame::_new_kittest(),
            started: Instant::now(),
        }
    }

    /// Builds the AccessKit tree each frame (what a screen reader would read).
    pub fn with_accessibility(self) -> Self {
        self.ctx.enable_accesskit();
        self
    }

    /// Draws one 1280 × 800 frame of `view`; returns its output and the CPU time it took.
    pub fn frame_output(&mut self, view: View) -> (egui::FullOutput, Duration) {
        let start = Instant::now();
        self.app.state.view = view;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            time: Some(self.started.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let (app, frame) = (&mut self.app, &mut self.frame);
        let output = self.ctx.run_ui(input, |ui| {
            eframe::App::logic(app, ui.ctx(), frame);
            eframe::App::ui(app, ui, frame);
        });
        std::hint::black_box(
            self.ctx
                .tessellate(output.shapes.clone(), output.pixels_per_point),
        );
        (output, start.elapsed())
    }

    /// Draws one frame of `view`; returns the CPU time it took.
    pub fn frame(&mut self, view: View) -> Duration {
        self.frame_output(view).1
    }

    /// Sleeps out the rest of a 60 fps frame that took `spent`.
    pub fn pace(spent: Duration) {
        std::thread::sleep(Duration::from_micros(16_667).saturating_sub(spent));
    }
}
