//! Opening the window (the default command, `open FILE`, and `screenshot`).

use crate::ui::{BoltzVizApp, ScreenshotRequest, View};
use std::path::PathBuf;

/// Runs the app until its window closes. `open` loads a session at start; `screenshot`
/// renders a view to a PNG and exits.
pub fn run_app(
    view: View,
    open: Option<PathBuf>,
    screenshot: Option<ScreenshotRequest>,
) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 560.0])
            .with_title("BoltzViz")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "BoltzViz",
        options,
        Box::new(move |cc| {
            let mut app = BoltzVizApp::new(&cc.egui_ctx).with_view(view);
            if let Some(path) = open {
                app.open_session(path);
            }
            if let Some(request) = screenshot {
                app = app.with_screenshot(request);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "could not open the window: {e}\nBoltzViz needs an X11 or Wayland session \
             (headless: run it under xvfb-run)"
        )
    })
}
