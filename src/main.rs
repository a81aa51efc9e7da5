//! BoltzViz: the app, or a headless command.

use boltzviz::ui::{BoltzVizApp, ScreenshotRequest, View};
use clap::{Parser, Subcommand};

/// Watch Hopfield networks, Boltzmann machines and RBMs think.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Render a view of the real app to a PNG and exit.
    ///
    /// Example: boltzviz screenshot --view compare --out screenshots/compare.png
    Screenshot {
        /// network, compare, distribution, weights or learning.
        #[arg(long, default_value = "network")]
        view: String,
        /// The PNG to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Frames to let the scene run before capturing.
        #[arg(long, default_value_t = 90)]
        frames: u64,
    },
}

fn main() {
    let cli = Cli::parse();
    let (view, screenshot) = match cli.command {
        None => (View::Network, None),
        Some(Cmd::Screenshot { view, out, frames }) => {
            let Some(v) = View::from_name(&view) else {
                eprintln!(
                    "error: unknown view {view:?}; use network, compare, distribution, weights or learning"
                );
                std::process::exit(2);
            };
            (
                v,
                Some(ScreenshotRequest {
                    path: out,
                    after_frames: frames,
                    setup: boltzviz::ui::screenshot_scene(v),
                }),
            )
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("BoltzViz"),
        ..Default::default()
    };
    let result = eframe::run_native(
        "BoltzViz",
        options,
        Box::new(move |cc| {
            let mut app = BoltzVizApp::new(&cc.egui_ctx).with_view(view);
            if let Some(request) = screenshot {
                app = app.with_screenshot(request);
            }
            Ok(Box::new(app))
        }),
    );
    if let Err(e) = result {
        eprintln!("error: could not open the window: {e}");
        eprintln!("BoltzViz needs an X11 or Wayland session (headless: run it under xvfb-run).");
        std::process::exit(1);
    }
}
