//! The command line: the app by default, then headless commands for scripts.

pub mod bench;
mod bench_app_train;
pub mod capacity;
pub mod data;
pub mod eval;
pub mod examples;
pub mod flags;
pub mod gui;
pub mod progress;
pub mod record;
pub mod sample;
pub mod sample_diagnostics;
pub mod train;
pub mod train_plot;
mod train_rbm;

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
    /// Render a view of the real app to a PNG, or write what it shows as JSON, and exit.
    ///
    /// Example: boltzviz screenshot --view compare --out screenshots/compare.png
    /// Example: boltzviz screenshot --session assets/sessions/parity-boltzmann.ron --ui-tree ui.json
    Screenshot {
        /// network, compare, distribution, weights, learning, landscape or tempering.
        #[arg(long, default_value = "network")]
        view: String,
        /// The PNG to write (needs a display; under Xvfb is fine).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write what the frame shows, as a screen reader reads it, as JSON: a list of
        /// {"role", "label", "value", "numeric_value", "toggled"} (no display needed).
        #[arg(long)]
        ui_tree: Option<PathBuf>,
        /// Open this session file instead of the view's built-in scene.
        #[arg(long, conflicts_with = "lesson")]
        session: Option<PathBuf>,
        /// Frames to let the scene run before capturing.
        #[arg(long, default_value_t = 90)]
        frames: u64,
        /// Open this lesson (1 to the number of lessons) with its scene instead of the view's scene.
        #[arg(long)]
        lesson: Option<usize>,
        /// In presentation mode (F5): larger, controls folded.
        #[arg(long)]
        presentation: bool,
        /// With the light theme (implies --presentation).
        #[arg(long)]
        light: bool,
    },
    /// Train a model on 0/1 data and write a session (.ron) or weights (.json).
    ///
    /// Example: boltzviz train --model rbm --data assets/digits.txt --hidden 16 --epochs 50 --out rbm.ron
    Train(train::TrainArgs),
    /// Sample states from a saved model and write one 0/1 line per kept sweep.
    ///
    /// Example: boltzviz sample --model rbm.ron --temperature 1 --sweeps 100 --out samples.txt
    Sample(sample::SampleArgs),
    /// Mean log-likelihood (exact or AIS), reconstruction error and pseudo-likelihood.
    ///
    /// Example: boltzviz eval --model rbm.ron --data assets/digits.txt
    Eval(eval::EvalArgs),
    /// Hopfield recall against the number of stored patterns, with the theory marks.
    ///
    /// Example: boltzviz capacity --rule hebb --n 100 --noise 0.1 --trials 20 --out capacity.png
    Capacity(capacity::CapacityArgs),
    /// Record a run as an animated GIF: the grid(s) above the energy trace, a frame every K sweeps.
    ///
    /// Example: boltzviz record --session assets/sessions/letters-hopfield.ron --noise 0.2 --sweeps 10 --out recall.gif
    Record(record::RecordArgs),
    /// The engine and UI speed targets as one table.
    ///
    /// Example: boltzviz bench
    Bench(bench::BenchArgs),
    /// Regenerate the example sessions shipped in assets/sessions.
    ///
    /// Example: boltzviz write-examples --out assets/sessions
    WriteExamples {
        /// The folder to write them to.
        #[arg(long, default_value = "assets/sessions")]
        out: PathBuf,
    },
}

/// The command line parsed, with negative numbers taken as values everywhere (`--decay -0.1`
/// reaches the flag's own range check instead of being read as an unknown flag `-0`).
fn parse_command_line() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let command = Cli::command()
        .allow_negative_numbers(true)
        .mut_subcommands(|sub| sub.allow_negative_numbers(true));
    Cli::from_arg_matches(&command.try_get_matches()?)
}

/// Parses the arguments and runs the command.
pub fn run() -> anyhow::Result<()> {
    let cli = match parse_command_line() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // One line: clap's first, without its usage block.
            let text = e.render().to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            std::process::exit(2);
        }
        Err(e) => e.exit(),
    };
    match cli.command {
        None => gui::run_app(View::Network, None, None),
        Some(Cmd::Open { file }) => {
            // Refuse a broken file here, with its reason, before a window opens.
            crate::persist::load_session(&file)?;
            gui::run_app(View::Network, Some(file), None)
        }
        Some(Cmd::Screenshot {
            view,
            out,
            ui_tree,
            session,
            frames,
            lesson,
            presentation,
            light,
        }) => {
            let Some(v) = View::from_name(&view) else {
                anyhow::bail!(
                    "unknown view {view:?}; use network, compare, distribution, weights, learning, landscape or tempering"
                );
            };
            let count = crate::persist::shipped::LESSON_SCENES.len();
            if lesson.is_some_and(|k| !(1..=count).contains(&k)) {
                anyhow::bail!("there are lessons 1 to {count}");
            }
            if out.is_none() && ui_tree.is_none() {
                anyhow::bail!("say where to write: --out FILE.png, --ui-tree FILE.json, or both");
            }
            if let Some(path) = &session {
                // Refuse a broken file here, with its reason, rather than inside the window.
                crate::persist::load_session(path)?;
            }
            let setup = if lesson.is_some() || session.is_some() {
                Vec::new()
            } else {
                crate::ui::screenshot_scene(v)
            };
            if let Some(tree_path) = ui_tree {
                let nodes = crate::ui::ui_tree::capture(crate::ui::ui_tree::TreeRequest {
                    view: v,
                    setup: setup.clone(),
                    session: session.clone(),
                    lesson: lesson.map(|k| k - 1),
                    frames,
                });
                let json = serde_json::to_string_pretty(&nodes)?;
                crate::persist::atomic::write_bytes(&tree_path, json.as_bytes())?;
            }
            let Some(path) = out else { return Ok(()) };
            let request = ScreenshotRequest {
                path,
                after_frames: frames,
                setup,
                lesson: lesson.map(|k| k - 1),
                presentation: (presentation || light).then_some(light),
            };
            gui::run_app(v, session, Some(request))
        }
        Some(Cmd::Train(args)) => train::train(&args),
        Some(Cmd::Sample(args)) => sample::sample(&args),
        Some(Cmd::Eval(args)) => eval::eval(&args),
        Some(Cmd::Capacity(args)) => capacity::capacity(&args),
        Some(Cmd::Record(args)) => record::record(&args),
        Some(Cmd::Bench(args)) => bench::bench(&args),
        Some(Cmd::WriteExamples { out }) => {
            examples::write_examples(&out)?;
            let lessons = out.with_file_name("lessons");
            examples::write_lessons(&lessons)?;
            println!(
                "wrote {} example sessions to {} and {} lesson scenes to {}",
                examples::EXAMPLES.len(),
                out.display(),
                examples::LESSON_SCENES.len(),
                lessons.display()
            );
            Ok(())
        }
    }
}
