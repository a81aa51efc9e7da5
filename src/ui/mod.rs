//! The eframe app: draws the latest snapshot and sends what the person asked for.

pub mod bench;
pub mod capacity_panel;
pub mod controls;
pub mod export_images;
pub mod files;
pub mod grid;
pub mod heatmap;
pub mod landscape;
pub mod lessons;
pub mod theme;
pub mod views;

use crate::sim::protocol::{Command, TracePoint};
use crate::sim::worker::SendError;
use crate::sim::{Event, SimHandle, Simulation, Snapshot};
use std::collections::VecDeque;

/// The views of the central area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    /// Grids and the energy trace.
    #[default]
    Network,
    /// Hopfield (T = 0) beside Boltzmann (T).
    Compare,
    /// Exact Boltzmann distribution vs sampled histogram.
    Distribution,
    /// The weight heatmap and RBM filters.
    Weights,
    /// Positive / negative phase statistics and the learning curve.
    Learning,
    /// Every state of a small net: energies, basins, minima.
    Landscape,
}

impl View {
    /// All views in tab order.
    pub const ALL: [View; 6] = [
        View::Network,
        View::Compare,
        View::Distribution,
        View::Weights,
        View::Learning,
        View::Landscape,
    ];

    /// The tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Network => "Network",
            View::Compare => "Hopfield vs Boltzmann",
            View::Distribution => "Distribution",
            View::Weights => "Weights",
            View::Learning => "Learning phases",
            View::Landscape => "Energy landscape",
        }
    }

    /// Parses a view name as used by `boltzviz screenshot --view`.
    pub fn from_name(name: &str) -> Option<View> {
        match name.to_ascii_lowercase().as_str() {
            "network" => Some(View::Network),
            "compare" => Some(View::Compare),
            "distribution" => Some(View::Distribution),
            "weights" => Some(View::Weights),
            "learning" => Some(View::Learning),
            "landscape" => Some(View::Landscape),
            _ => None,
        }
    }
}

/// Points kept in the energy trace (a ring buffer, so memory stays flat).
pub const TRACE_CAPACITY: usize = 5_000;

/// View state owned by the app and passed to the panels.
pub struct UiState {
    /// Current view.
    pub view: View,
    /// Show P(on) as grey levels instead of states.
    pub show_probability: bool,
    /// Brush mode and size.
    pub brush: grid::Brush,
    /// Brush side in units.
    pub brush_size: usize,
    /// Slider temperature (the simulation's T is what the snapshot says).
    pub temperature: f64,
    /// The seed field.
    pub seed: u64,
    /// Noise fraction for "Add noise".
    pub noise: f64,
    /// Sweeps per second; None = as fast as possible.
    pub speed: Option<f64>,
    /// Annealing schedule being edited: start T, end T, steps, sweeps per step.
    pub anneal: (f64, f64, usize, usize),
    /// The energy trace.
    pub trace: VecDeque<TracePoint>,
    /// Trace follows new data (false: paused for zooming).
    pub trace_live: bool,
    /// The last error or message.
    pub message: Option<(String, bool)>,
    /// Hidden units for new models.
    pub hidden: usize,
    /// Learning rate field.
    pub learning_rate: f64,
    /// Size of a new blank drawing grid (columns, rows).
    pub grid_size: (usize, usize),
    /// The visible unit last under the pointer (for the lessons' live formulas).
    pub hovered_unit: Option<usize>,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            view: View::Network,
            show_probability: false,
            brush: grid::Brush::Draw,
            brush_size: 1,
            temperature: 0.0,
            seed: 1,
            noise: 0.1,
            speed: Some(20.0),
            anneal: (8.0, 0.05, 30, 10),
            trace: VecDeque::with_capacity(TRACE_CAPACITY),
            trace_live: true,
            message: None,
            hidden: 16,
            learning_rate: 0.05,
            grid_size: (28, 28),
            hovered_unit: None,
        }
    }
}

/// A request to capture the window once it has drawn `after_frames` frames.
pub struct ScreenshotRequest {
    /// Where to write the PNG.
    pub path: std::path::PathBuf,
    /// Frames to wait first.
    pub after_frames: u64,
    /// Commands to send at start (set up the scene).
    pub setup: Vec<Command>,
    /// Open this lesson (0-based) instead.
    pub lesson: Option<usize>,
}

/// The BoltzViz app.
pub struct BoltzVizApp {
    sim: Option<SimHandle>,
    snapshot: Snapshot,
    state: UiState,
    heatmaps: heatmap::HeatmapCache,
    pending: Vec<Command>,
    frames: u64,
    screenshot: Option<ScreenshotRequest>,
    screenshot_done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    files: files::Files,
    lessons: lessons::Lessons,
}

impl BoltzVizApp {
    /// The app on the opening scene, with its simulation thread woken through `ctx`.
    pub fn new(ctx: &egui::Context) -> Self {
        let waker_ctx = ctx.clone();
        let mut app = Self {
            sim: None,
            snapshot: Snapshot::default(),
            state: UiState::default(),
            heatmaps: heatmap::HeatmapCache::default(),
            pending: Vec::new(),
            frames: 0,
            screenshot: None,
            screenshot_done: Default::default(),
            files: files::Files::default(),
            lessons: lessons::Lessons::default(),
        };
        match Simulation::opening_scene() {
            Ok(mut sim) => {
                app.snapshot = sim.snapshot();
                match SimHandle::spawn(sim, move || waker_ctx.request_repaint()) {
                    Ok(handle) => app.sim = Some(handle),
                    Err(e) => {
                        app.state.message =
                            Some((format!("could not start the simulation thread: {e}"), true))
                    }
                }
            }
            Err(e) => {
                app.state.message = Some((format!("could not build the opening scene: {e}"), true))
            }
        }
        app
    }

    /// Opens on `view`.
    pub fn with_view(mut self, view: View) -> Self {
        self.state.view = view;
        self
    }

    /// Captures the window to a PNG after a while, then closes.
    pub fn with_screenshot(mut self, request: ScreenshotRequest) -> Self {
        self.pending.extend(request.setup.iter().cloned());
        if let Some(k) = request.lesson {
            self.open_lesson(k);
        }
        self.screenshot = Some(request);
        self
    }

    /// Opens a session file once the window is up (as `boltzviz open FILE` does).
    pub fn open_session(&mut self, path: std::path::PathBuf) {
        self.files.request_open_path(path);
    }

    /// Opens the lessons panel on lesson `k` (0-based), as `boltzviz screenshot --lesson` does.
    pub fn open_lesson(&mut self, k: usize) {
        self.lessons.open_at(k, &mut self.files, &mut self.state);
    }

    /// The lessons' state (for tests).
    pub fn lessons(&self) -> &lessons::Lessons {
        &self.lessons
    }

    /// The File menu's state (for tests).
    pub fn files(&self) -> &files::Files {
        &self.files
    }

    /// The latest snapshot (for tests).
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The view state (for tests).
    pub fn state(&self) -> &UiState {
        &self.state
    }

    fn send_pending(&mut self) {
        let Some(sim) = &self.sim else { return };
        let mut keep = Vec::new();
        for command in self.pending.drain(..) {
            let noted = command.clone();
            match sim.send(command) {
                Ok(()) => self.files.note_command(&noted),
                Err(SendError::Busy) => {
                    keep.push(noted);
                    self.state.message =
                        Some(("busy: the simulation is catching up".into(), false));
                }
                Err(SendError::Stopped) => {
                    self.state.message = Some(("the simulation thread has stopped".into(), true))
                }
            }
        }
        self.pending = keep;
    }

    fn take_updates(&mut self) {
        let Some(sim) = &self.sim else { return };
        if let Some(mut snap) = sim.take_snapshot() {
            for p in snap.new_trace.drain(..) {
                if self.state.trace.len() == TRACE_CAPACITY {
                    self.state.trace.pop_front();
                }
                self.state.trace.push_back(p);
            }
            // The slider follows the simulation when T changed there (annealing, a loaded
            // session), not on every snapshot: that would pull it back while it is dragged.
            if snap.temperature != self.snapshot.temperature {
                self.state.temperature = snap.temperature;
            }
            // Likewise the hidden-unit slider follows a model built or loaded elsewhere.
            if snap.spec.hidden != self.snapshot.spec.hidden && snap.spec.hidden > 0 {
                self.state.hidden = snap.spec.hidden;
            }
            self.snapshot = snap;
        }
        let mut replaced = false;
        for event in sim.events() {
            let message = match event {
                Event::Failed(msg) => Some((msg, true)),
                Event::PhaseDone(what) => Some((format!("{what} done"), false)),
                Event::Stopped(why) => {
                    if why.contains("annealing") {
                        self.lessons.on_anneal_finished();
                    }
                    Some((why, false))
                }
                Event::Replaced(what) => {
                    self.state.trace.clear();
                    replaced = true;
                    Some((what, false))
                }
                Event::Captured(saved) => {
                    self.files.on_captured(saved);
                    None
                }
            };
            if message.is_some() {
                self.state.message = message;
            }
        }
        if replaced {
            // The scene's first snapshot may still be on its way; the next one counts.
            self.lessons.on_replaced();
        } else {
            self.lessons.observe(&self.snapshot);
        }
        let (snapshot, trace) = (&self.snapshot, &self.state.trace);
        if let Some(message) = self.files.poll(snapshot, trace, &mut self.pending) {
            self.state.message = Some(message);
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let (space, s, u, r, l) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Space),
                i.key_pressed(egui::Key::S),
                i.key_pressed(egui::Key::U),
                i.key_pressed(egui::Key::R),
                i.key_pressed(egui::Key::L),
            )
        });
        if l {
            self.lessons.toggle(&mut self.files, &mut self.state);
        }
        if space {
            self.pending.push(if self.snapshot.running {
                Command::Pause
            } else {
                Command::Run
            });
        }
        if s {
            self.pending.push(Command::Step(1));
        }
        if u {
            self.pending.push(Command::StepUnit);
        }
        if r {
            self.pending.push(Command::Reset {
                seed: self.state.seed,
            });
            self.state.trace.clear();
        }
    }

    fn capture_if_due(&mut self, ctx: &egui::Context) {
        let Some(request) = &self.screenshot else {
            return;
        };
        if self
            .screenshot_done
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            self.files.allow_quit();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if self.frames == request.after_frames {
            let path = request.path.clone();
            let done = self.screenshot_done.clone();
            ctx.request_screenshot(move |image| {
                if let Err(e) = write_png(&path, &image) {
                    eprintln!("could not write {}: {e}", path.display());
                }
                done.store(true, std::sync::atomic::Ordering::SeqCst);
            });
        }
        ctx.request_repaint();
    }
}

/// Writes an egui image as an 8-bit RGBA PNG.
pub fn write_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut encoder = png::Encoder::new(
        std::io::BufWriter::new(file),
        image.size[0] as u32,
        image.size[1] as u32,
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    writer.write_image_data(&bytes).map_err(|e| e.to_string())
}

impl eframe::App for BoltzVizApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_updates();
        self.files.input(ctx, &mut self.pending);
        self.files.window_ui(ctx);
        self.shortcuts(ctx);
        self.send_pending();
        self.capture_if_due(ctx);
        self.frames += 1;
        if self.snapshot.running {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let Self {
            snapshot,
            state,
            heatmaps,
            pending,
            files,
            lessons,
            ..
        } = self;
        egui::Panel::top("tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                files.menu_ui(ui, pending);
                ui.heading("BoltzViz");
                ui.separator();
                for view in View::ALL {
                    ui.selectable_value(&mut state.view, view, view.label());
                }
                ui.separator();
                if ui
                    .selectable_label(lessons.open, "Lessons")
                    .on_hover_text("Six guided lessons with live formulas (L)")
                    .clicked()
                {
                    lessons.toggle(files, state);
                }
                if ui
                    .selectable_label(lessons.capacity_window, "Capacity")
                    .on_hover_text("Hopfield capacity sweeps: recall against patterns stored, with theory marks")
                    .clicked()
                {
                    lessons.capacity_window = !lessons.capacity_window;
                }
                files.status_ui(ui);
            });
        });
        if lessons.open {
            egui::Panel::right("lessons")
                .default_size(360.0)
                .resizable(true)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .show(ui, |ui| lessons.ui(ui, snapshot, state, files, pending));
                });
        }
        egui::Panel::bottom("status").show(ui, |ui| views::status_ui(ui, snapshot, state));
        egui::Panel::left("controls")
            .default_size(theme::CONTROL_PANEL_WIDTH)
            .resizable(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .show(ui, |ui| controls::controls_ui(ui, snapshot, state, pending));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::both().show(ui, |ui| {
                views::view_ui(ui, snapshot, state, heatmaps, pending)
            });
        });
        if lessons.capacity_window && !(lessons.open && lessons.index() == 1) {
            let mut open = true;
            egui::Window::new("Hopfield capacity")
                .open(&mut open)
                .default_width(520.0)
                .show(ui.ctx(), |ui| lessons.capacity.ui(ui));
            lessons.capacity_window = open;
        }
        if let Some(message) = files.windows_ui(ui.ctx(), snapshot, &state.trace, pending) {
            state.message = Some(message);
        }
        self.send_pending();
    }
}

/// Commands that set up a telling scene for a view's screenshot.
pub fn screenshot_scene(view: View) -> Vec<Command> {
    use crate::sim::protocol::{ModelKind, ModelSpec, TrainingSource};
    let spec = |kind, source, hidden| {
        Command::SetModel(ModelSpec {
            kind,
            source,
            hidden,
            ..ModelSpec::default()
        })
    };
    match view {
        View::Network => vec![
            Command::ShowPattern(1),
            Command::AddNoise(0.25),
            Command::SetSpeed(Some(5.0)),
            Command::SetTemperature(0.0),
            Command::Run,
        ],
        View::Compare => vec![
            Command::ShowPattern(2),
            Command::AddNoise(0.35),
            Command::SetTemperature(1.5),
            Command::SetSpeed(Some(30.0)),
            Command::Run,
        ],
        View::Distribution => vec![
            spec(ModelKind::Boltzmann, TrainingSource::Parity, 4),
            Command::Train(true),
            Command::Pause,
            Command::SetTemperature(1.0),
            Command::SetSpeed(None),
            Command::Run,
        ],
        View::Weights => vec![
            spec(ModelKind::Rbm, TrainingSource::Digits, 36),
            Command::Train(true),
        ],
        View::Landscape => vec![
            spec(ModelKind::Boltzmann, TrainingSource::Parity, 4),
            Command::Train(true),
            Command::Pause,
            Command::SetTemperature(0.7),
            Command::SetSpeed(Some(3.0)),
            Command::Run,
        ],
        View::Learning => vec![
            spec(ModelKind::Boltzmann, TrainingSource::Parity, 4),
            Command::PositivePhase,
            Command::NegativePhase,
            Command::ApplyUpdate,
            Command::PositivePhase,
            Command::NegativePhase,
        ],
    }
}
