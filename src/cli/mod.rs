//! The command line: the app by default, then headless commands for scripts.

pub mod examples;
pub mod gui;

use crate::ui::{ScreenshotRequest, View};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Watch Hopfield networks, Boltzmann machines and RBMs think.
///
/// With no command, opens the app.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Open the app on a saved session.
    ///
    /// Example: boltzviz open assets/sessions/digits-rbm.ron
    Open {
        /// A session file (.ron).
        file: PathBuf,
    },
    /// Render a view of the real app to a PNG and exit.
    ///
    /// Example: boltzviz screenshot --view compare --out screenshots/compare.png
    Screenshot {
        /// network, compare, distribution, weights or learning.
        #[arg(long, default_value = "network")]
        view: String,
        /// The PNG to write.
        #[arg(long)]
        out: PathBuf,
        /// Frames to let the scene run before capturing.
        #[arg(long, default_value_t = 90)]
        frames: u64,
    },
    /// Regenerate the example sessions shipped in assets/sessions.
    ///
    /// Example: boltzviz write-examples --out assets/sessions
    WriteExamples {
        /// The folder to write them to.
        #[arg(long, default_value = "assets/sessions")]
        out: PathBuf,
    },
}

/// Parses the arguments and runs the command.
pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        None => gui::run_app(View::Network, None, None),
        Some(Cmd::Open { file }) => gui::run_app(View::Network, Some(file), None),
        Some(Cmd::Screenshot { view, out, frames }) => {
            let Some(v) = View::from_name(&view) else {
                anyhow::bail!(
                    "unknown view {view:?}; use network, compare, distribution, weights or learning"
                );
            };
            let request = ScreenshotRequest {
                path: out,
                after_frames: frames,
                setup: crate::ui::screenshot_scene(v),
            };
            gui::run_app(v, None, Some(request))
        }
        Some(Cmd::WriteExamples { out }) => {
            examples::write_examples(&out)?;
            println!(
                "wrote {} example sessions to {}",
                examples::EXAMPLES.len(),
                out.display()
            );
            Ok(())
        }
    }
}
