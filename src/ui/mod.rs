//! The eframe app: draws the latest snapshot and sends what the person asked for.

pub mod bench;
pub mod capacity_panel;
pub mod controls;
pub mod edit_menu;
pub mod figure_menu;
pub mod figures;
pub mod files;
pub mod fonts;
pub mod format;
pub mod gradient_panel;
pub mod grid;
pub mod headless;
pub mod heatmap;
pub mod help;
pub mod intent;
pub mod landscape;
pub mod lesson_mixing;
pub mod lessons;
pub mod mixing_ui;
pub mod picker;
pub mod presentation;
pub mod rbm_rules_ui;
pub mod recent;
pub mod recorder;
pub mod tempering_view;
pub mod theme;
pub mod ui_tree;
pub mod views;

pub use intent::Intent;

use crate::sim::protocol::{Command, Replacement, StopReason, TracePoint};
use crate::sim::worker::SendError;
use crate::sim::{Event, SimHandle, Simulation, Snapshot};
use std::collections::VecDeque;
use std::time::Instant;

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
    /// Parallel tempering: the ladder of replicas and their swaps.
    Tempering,
}

impl View {
    /// All views in tab order.
    pub const ALL: [View; 7] = [
        View::Network,
        View::Compare,
        View::Distribution,
        View::Weights,
        View::Learning,
        View::Landscape,
        View::Tempering,
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
            View::Tempering => "Tempering",
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
            "tempering" => Some(View::Tempering),
            _ => None,
        }
    }
}

/// Points kept in the energy trace (a ring buffer, so memory stays flat).
pub const TRACE_CAPACITY: usize = 5_000;
/// How long a message that is not an error stays in the status bar.
const MESSAGE_SECS: f64 = 6.0;

/// A size being typed for a new blank grid, and the grid it was typed over (a draft over
/// another grid is stale and dropped).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridDraft {
    /// (columns, rows) typed.
    pub size: (usize, usize),
    /// The grid on screen when it was typed.
    pub based_on: (usize, usize),
}

/// Values being edited that the simulation has not been sent yet. Each control shows its
/// draft while there is one and the simulation's value otherwise.
#[derive(Clone, Debug, Default)]
pub struct Drafts {
    /// Hidden units while the slider is held (sent on release).
    pub hidden: Option<usize>,
    /// A blank grid's size (sent by Blank grid).
    pub grid: Option<GridDraft>,
    /// A seed (sent by Reset).
    pub seed: Option<u64>,
}

/// View state owned by the app and passed to the panels. Nothing here is a session setting.
pub struct UiState {
    /// Current view.
    pub view: View,
    /// Show P(on) as grey levels instead of states.
    pub show_probability: bool,
    /// Brush mode.
    pub brush: grid::Brush,
    /// Brush side in units.
    pub brush_size: usize,
    /// Noise fraction for "Add noise" (a tool, like the brush).
    pub noise: f64,
    /// The energy trace as received.
    pub trace: VecDeque<TracePoint>,
    /// Which trace of the simulation `trace` holds.
    pub trace_generation: u64,
    /// Trace follows new data (false: paused for zooming).
    pub trace_live: bool,
    /// The last error or message.
    pub message: Option<(String, bool)>,
    /// When the message was set.
    pub message_at: Instant,
    /// The visible unit last under the pointer (for the lessons' live formulas).
    pub hovered_unit: Option<usize>,
    /// Values being edited.
    pub drafts: Drafts,
    /// App-level actions asked for this frame.
    pub intents: Vec<Intent>,
    /// The Keyboard window and the first-launch hint.
    pub help: help::Help,
    /// Presentation mode, theme and the folded control panel.
    pub presentation: presentation::Presentation,
    /// A recording in progress (the Record button).
    pub recording: Option<recorder::Recorder>,
    /// The Gradient panel's watch last asked for, and when, until a snapshot shows it.
    pub gradient_watch_sent: Option<(bool, Instant)>,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            view: View::Network,
            show_probability: false,
            brush: grid::Brush::Draw,
            brush_size: 1,
            noise: 0.1,
            trace: VecDeque::with_capacity(TRACE_CAPACITY),
            trace_generation: 0,
            trace_live: true,
            message: None,
            message_at: Instant::now(),
            hovered_unit: None,
            drafts: Drafts::default(),
            intents: Vec::new(),
            help: help::Help::default(),
            presentation: presentation::Presentation::default(),
            recording: None,
            gradient_watch_sent: None,
        }
    }
}

impl UiState {
    /// Shows a message in the status bar (errors stay, others fade after a few seconds).
    pub fn say(&mut self, message: (String, bool)) {
        self.message = Some(message);
        self.message_at = Instant::now();
    }

    /// The message to show now, if any.
    pub fn current_message(&self) -> Option<&(String, bool)> {
        self.message
            .as_ref()
            .filter(|(_, error)| *error || self.message_at.elapsed().as_secs_f64() < MESSAGE_SECS)
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
    /// In presentation mode (and the light theme when `light`).
    pub presentation: Option<bool>,
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
        fonts::install(ctx);
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
                app.take_trace();
                match SimHandle::spawn(sim, move || waker_ctx.request_repaint()) {
                    Ok(handle) => app.sim = Some(handle),
                    Err(e) => app
                        .state
                        .say((format!("could not start the simulation thread: {e}"), true)),
                }
            }
            Err(e) => app
                .state
                .say((format!("could not build the opening scene: {e}"), true)),
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
        if let Some(light) = request.presentation {
            self.state.presentation.enter(light);
        }
        if let Some(k) = request.lesson {
            self.open_lesson(k);
        }
        self.screenshot = Some(request);
        self
    }

    /// Switches to `view` (as its tab does).
    pub fn show_view(&mut self, view: View) {
        self.state.view = view;
    }

    /// Sends commands to the simulation, as controls do (for tests and scripted scenes).
    pub fn send_commands(&mut self, commands: impl IntoIterator<Item = Command>) {
        self.pending.extend(commands);
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
                    self.state
                        .say(("busy: the simulation is catching up".into(), false));
                }
                Err(SendError::Stopped) => self
                    .state
                    .say(("the simulation thread has stopped".into(), true)),
            }
        }
        self.pending = keep;
    }

    /// Moves the snapshot's new trace points into the kept trace; a new trace generation
    /// (new model, reset, loaded session) starts it afresh.
    fn take_trace(&mut self) {
        let snap = &mut self.snapshot;
        let trace = &mut self.state.trace;
        if snap.trace_generation != self.state.trace_generation {
            trace.clear();
            self.state.trace_generation = snap.trace_generation;
        }
        for p in snap.new_trace.drain(..) {
            if trace.len() == TRACE_CAPACITY {
                trace.pop_front();
            }
            trace.push_back(p);
        }
    }

    fn take_updates(&mut self) {
        let Some(sim) = &self.sim else { return };
        if let Some(snap) = sim.take_snapshot() {
            self.snapshot = snap;
            self.take_trace();
        }
        let Some(sim) = &self.sim else { return };
        let mut replaced = false;
        for event in sim.events() {
            let message = match event {
                Event::Failed(msg) => Some((msg, true)),
                Event::PhaseDone(phase) => Some((format!("{} done", phase.label()), false)),
                Event::Stopped(StopReason::AnnealFinished) => {
                    self.lessons.on_anneal_finished();
                    Some(("annealing finished".to_owned(), false))
                }
                Event::Stopped(StopReason::Paused) => None,
                Event::Replaced(what) => {
                    self.lessons.on_replaced();
                    replaced = true;
                    Some((
                        match what {
                            Replacement::Session => "session loaded",
                            Replacement::Weights => "weights imported",
                        }
                        .to_owned(),
                        false,
                    ))
                }
                Event::Captured(saved) => {
                    self.files.on_captured(saved);
                    None
                }
            };
            if let Some(message) = message {
                self.state.say(message);
            }
        }
        // The new session's first snapshot may still be on its way; the next one counts.
        if !replaced {
            self.lessons.observe(&self.snapshot);
        }
        let trace = &self.state.trace;
        if let Some(message) = self.files.poll(trace, &mut self.pending) {
            self.state.say(message);
        }
    }

    /// Keyboard shortcuts: only when no text field has focus and no dialog is open (a dialog's
    /// keys are its own; Escape closes it).
    fn shortcuts(&mut self, ctx: &egui::Context) {
        if self.files.dialog_open() {
            if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
                self.state.intents.push(Intent::CloseDialog);
            }
            return;
        }
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        files::Files::input(ctx, &mut self.state.intents);
        edit_menu::keys(ctx, &mut self.pending);
        self.state.help.keys(ctx);
        self.state.presentation.keys(ctx);
        let plain = |i: &egui::InputState, key| i.modifiers.is_none() && i.key_pressed(key);
        let (space, s, u, r, l) = ctx.input(|i| {
            (
                plain(i, egui::Key::Space),
                plain(i, egui::Key::S),
                plain(i, egui::Key::U),
                plain(i, egui::Key::R),
                plain(i, egui::Key::L),
            )
        });
        if l {
            self.state.intents.push(Intent::ToggleLessons);
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
                seed: self
                    .state
                    .drafts
                    .seed
                    .take()
                    .unwrap_or(self.snapshot.settings.seed),
            });
        }
    }

    /// Carries out the intents of this frame, in order.
    fn handle_intents(&mut self) {
        for intent in std::mem::take(&mut self.state.intents) {
            match intent {
                Intent::ToggleLessons => {
                    self.lessons.toggle(&mut self.files, &mut self.state);
                }
                Intent::OpenLesson(k) => self.open_lesson(k),
                Intent::ToggleCapacity => {
                    self.lessons.capacity_window = !self.lessons.capacity_window;
                }
                Intent::StopRecording => {
                    if let Some(rec) = self.state.recording.take()
                        && let Err(why) = self.files.save_recording(rec.stop())
                    {
                        self.state
                            .say((format!("the recording is lost: {why}"), true));
                    }
                }
                Intent::ExportFigure(kind, format) => {
                    let result = self
                        .build_figure(kind)
                        .map_err(|why| format!("nothing to export: {why}"))
                        .and_then(|figure| self.files.export_figure(kind, format, figure));
                    if let Err(why) = result {
                        self.state.say((why, true));
                    }
                }
                other => self.files.handle(other, &mut self.pending),
            }
        }
        if self.files.take_scene_cancelled() {
            self.lessons.on_scene_cancelled();
        }
    }

    /// The figure of `kind` as the screen shows it now.
    pub fn build_figure(&self, kind: figures::FigureKind) -> Result<figures::Figure, String> {
        let trace: Vec<TracePoint> = self.state.trace.iter().copied().collect();
        figures::build::build(
            kind,
            &figures::build::Sources {
                snapshot: &self.snapshot,
                trace: &trace,
                capacity: &self.lessons.capacity.results,
            },
        )
    }

    /// Writes the figure of `kind` to `path` (PNG or SVG by its extension) in the background,
    /// as the Export figure menu does once it has a path; the status bar says when it is done.
    pub fn export_figure_to(
        &mut self,
        kind: figures::FigureKind,
        path: std::path::PathBuf,
    ) -> Result<(), String> {
        let format = figures::FigureFormat::of(&path).map_err(|e| e.to_string())?;
        let figure = self.build_figure(kind)?;
        self.files
            .write_figure(path, files::Purpose::ExportFigure(kind, format), figure);
        Ok(())
    }

    /// Stops the recording and writes it to `path` (as Stop and the file dialog do).
    pub fn stop_recording_to(&mut self, path: std::path::PathBuf) -> Result<(), String> {
        let rec = self
            .state
            .recording
            .take()
            .ok_or("nothing is being recorded")?;
        self.files.write_recording(path, rec.stop());
        Ok(())
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
        self.files.window_ui(ctx);
        self.shortcuts(ctx);
        self.handle_intents();
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
            // Wrapped: in presentation mode the tabs take two rows rather than run off.
            ui.horizontal_wrapped(|ui| {
                files.menu_ui(ui, &mut state.intents);
                edit_menu::menu_ui(ui, snapshot, pending);
                state.presentation.menu_ui(ui);
                state.help.menu_ui(ui);
                ui.heading("BoltzViz");
                ui.separator();
                for view in View::ALL {
                    ui.selectable_value(&mut state.view, view, view.label());
                }
                ui.separator();
                if ui
                    .selectable_label(lessons.open, "Lessons")
                    .on_hover_text("Eight guided lessons with live formulas (L); each opens its own scene")
                    .clicked()
                {
                    state.intents.push(Intent::ToggleLessons);
                }
                if ui
                    .selectable_label(lessons.capacity_window, "Capacity")
                    .on_hover_text("Hopfield capacity sweeps: recall against patterns stored, with theory marks")
                    .clicked()
                {
                    state.intents.push(Intent::ToggleCapacity);
                }
                files.status_ui(ui);
            });
            state.help.hint_ui(ui, snapshot);
        });
        state.help.window_ui(ui.ctx());
        if lessons.open {
            egui::Panel::right("lessons")
                .default_size(360.0)
                .resizable(true)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| lessons.ui(ui, snapshot, state));
                });
        }
        egui::Panel::bottom("status").show(ui, |ui| views::status_ui(ui, snapshot, state));
        state.presentation.apply(ui.ctx());
        if !state.presentation.controls_hidden {
            egui::Panel::left("controls")
                .default_size(theme::CONTROL_PANEL_WIDTH)
                .resizable(true)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .show(ui, |ui| controls::controls_ui(ui, snapshot, state, pending));
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let kinds =
                figure_menu::kinds_of(state.view, snapshot, !lessons.capacity.results.is_empty());
            ui.horizontal(|ui| {
                figure_menu::menu_ui(ui, &kinds, &mut state.intents);
                if let Some(problem) =
                    recorder::button_ui(ui, &mut state.recording, state.view, &mut state.intents)
                {
                    state.say((problem, true));
                }
            });
            if let Some(rec) = &mut state.recording
                && !rec.offer(snapshot, &state.trace)
            {
                state.intents.push(Intent::StopRecording);
            }
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
        if let Some(message) = files.windows_ui(ui.ctx(), &state.trace, pending) {
            state.say(message);
        }
        gradient_panel::keep_watch(
            snapshot,
            state.view == View::Learning || (lessons.open && lessons.index() == 7),
            &mut state.gradient_watch_sent,
            pending,
        );
        self.handle_intents();
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
        View::Tempering => tempering_view::screenshot_scene(),
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
