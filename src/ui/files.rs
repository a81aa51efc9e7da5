//! The File menu: open, save, save as, recent files, examples, import and export, drag and
//! drop, the unsaved-changes flag and the question before work is thrown away.
//!
//! Every read and write runs on a short-lived thread and reports back through a channel, so
//! the window never waits on the disk. A failed load changes nothing; a failed save leaves the
//! old file whole (see [`crate::persist::atomic`]).

use super::{export_images, theme};
use crate::persist::{self, PersistError};
use crate::sim::model::ImportedModel;
use crate::sim::protocol::{Command, TracePoint};
use crate::sim::{SavedSimulation, Simulation, Snapshot};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// A dialog that answers faster than this was not shown (no dialog service): the app's own
/// picker opens instead.
const NO_DIALOG_SERVICE: Duration = Duration::from_millis(250);
/// Recent files kept.
const RECENT: usize = 8;

/// What a chosen path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Open a session.
    Open,
    /// Save the session under a new name.
    SaveAs,
    /// Replace the network by JSON weights.
    ImportWeights,
    /// Write the weights as JSON.
    ExportWeights,
    /// Write the visible grid as PNG.
    ExportGrid,
    /// Write the weight heatmap as PNG.
    ExportHeatmap,
    /// Write the RBM filter mosaic as PNG.
    ExportFilters,
    /// Write the energy trace as CSV.
    ExportTrace,
    /// Write the training set as 0/1 text.
    ExportTrainingSet,
}

impl Purpose {
    fn saves(self) -> bool {
        !matches!(self, Purpose::Open | Purpose::ImportWeights)
    }

    fn extension(self) -> &'static str {
        match self {
            Purpose::Open | Purpose::SaveAs => "ron",
            Purpose::ImportWeights | Purpose::ExportWeights => "json",
            Purpose::ExportGrid | Purpose::ExportHeatmap | Purpose::ExportFilters => "png",
            Purpose::ExportTrace => "csv",
            Purpose::ExportTrainingSet => "txt",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open a session",
            Purpose::SaveAs => "Save the session as",
            Purpose::ImportWeights => "Import weights (JSON)",
            Purpose::ExportWeights => "Export weights as JSON",
            Purpose::ExportGrid => "Export the visible grid as PNG",
            Purpose::ExportHeatmap => "Export the weight heatmap as PNG",
            Purpose::ExportFilters => "Export the filter mosaic as PNG",
            Purpose::ExportTrace => "Export the energy trace as CSV",
            Purpose::ExportTrainingSet => "Export the training set as 0/1 text",
        }
    }

    fn default_name(self) -> &'static str {
        match self {
            Purpose::Open | Purpose::SaveAs => "session.ron",
            Purpose::ImportWeights | Purpose::ExportWeights => "weights.json",
            Purpose::ExportGrid => "grid.png",
            Purpose::ExportHeatmap => "weights.png",
            Purpose::ExportFilters => "filters.png",
            Purpose::ExportTrace => "energy.csv",
            Purpose::ExportTrainingSet => "training-set.txt",
        }
    }
}

/// What a background job reports.
enum Outcome {
    Picked(Purpose, Option<PathBuf>, bool),
    Loaded(
        String,
        Option<PathBuf>,
        Result<Box<Simulation>, PersistError>,
    ),
    Imported(PathBuf, Result<Box<ImportedModel>, PersistError>),
    Wrote(PathBuf, Purpose, Result<(), PersistError>),
}

/// Something postponed until the person says what to do with unsaved changes.
#[derive(Clone, Debug)]
enum Deferred {
    PickSession,
    OpenPath(PathBuf),
    Example(usize),
    Scene(&'static str, &'static str),
    Quit,
}

/// The app's own file chooser, for machines without a dialog service.
struct Picker {
    purpose: Purpose,
    folder: PathBuf,
    name: String,
}

/// The File menu's state.
pub struct Files {
    /// The session file in use.
    pub current: Option<PathBuf>,
    /// Changes since the last save or load.
    pub dirty: bool,
    recent: Vec<PathBuf>,
    jobs: Sender<Outcome>,
    results: Receiver<Outcome>,
    awaiting_capture: Option<(Purpose, PathBuf)>,
    picker: Option<Picker>,
    confirm: Option<Deferred>,
    quit_confirmed: bool,
    /// The session on screen is a lesson's scene: moving between lessons need not ask.
    lesson_scene: bool,
    lesson_scene_pending: bool,
    busy: usize,
    title: String,
}

impl Default for Files {
    fn default() -> Self {
        let (jobs, results) = channel();
        Self {
            current: None,
            dirty: false,
            recent: load_recent(),
            jobs,
            results,
            awaiting_capture: None,
            picker: None,
            confirm: None,
            quit_confirmed: false,
            lesson_scene: false,
            lesson_scene_pending: false,
            busy: 0,
            title: String::new(),
        }
    }
}

/// The example sessions shipped in `assets/sessions` (menu label, file text).
pub const EXAMPLES: [(&str, &str); 3] = [
    (
        "Letters in a Hopfield net",
        include_str!("../../assets/sessions/letters-hopfield.ron"),
    ),
    (
        "An RBM trained on the digits",
        include_str!("../../assets/sessions/digits-rbm.ron"),
    ),
    (
        "Hidden units that learned parity",
        include_str!("../../assets/sessions/parity-boltzmann.ron"),
    ),
];

impl Files {
    /// Whether a file job is running (for a spinner).
    pub fn busy(&self) -> bool {
        self.busy > 0 || self.awaiting_capture.is_some()
    }

    /// Notes a command that changes the session (everything but view-only ones).
    pub fn note_command(&mut self, command: &Command) {
        if !matches!(
            command,
            Command::Capture
                | Command::ClearTrace
                | Command::SetSpeed(_)
                | Command::Pause
                | Command::Replace(_)
                | Command::Quit
        ) {
            self.dirty = true;
        }
    }

    /// Open a session: asks first if there are unsaved changes.
    pub fn request_open(&mut self) {
        self.defer_or_run(Deferred::PickSession);
    }

    /// Open `path` (dropped on the window, a recent file, or the command line).
    pub fn request_open_path(&mut self, path: PathBuf) {
        self.defer_or_run(Deferred::OpenPath(path));
    }

    /// Ctrl+S: save to the current file, or ask for a name.
    pub fn request_save(&mut self, pending: &mut Vec<Command>) {
        match self.current.clone() {
            Some(path) => self.capture_for(Purpose::SaveAs, path, pending),
            None => self.choose(Purpose::SaveAs),
        }
    }

    /// Ask for a path for `purpose` (native dialog, or the app's own picker).
    pub fn choose(&mut self, purpose: Purpose) {
        let jobs = self.jobs.clone();
        let folder = self.start_folder();
        self.busy += 1;
        std::thread::spawn(move || {
            let started = Instant::now();
            let dialog = rfd::FileDialog::new()
                .set_title(purpose.title())
                .set_directory(&folder)
                .add_filter(purpose.extension(), &[purpose.extension()]);
            let path = if purpose.saves() {
                dialog.set_file_name(purpose.default_name()).save_file()
            } else {
                dialog.pick_file()
            };
            let no_service = path.is_none() && started.elapsed() < NO_DIALOG_SERVICE;
            let _ = jobs.send(Outcome::Picked(purpose, path, no_service));
        });
    }

    fn start_folder(&self) -> PathBuf {
        self.current
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_owned)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    fn defer_or_run(&mut self, action: Deferred) {
        if self.dirty {
            self.confirm = Some(action);
        } else {
            self.run_deferred(action);
        }
    }

    fn run_deferred(&mut self, action: Deferred) {
        match action {
            Deferred::PickSession => self.choose(Purpose::Open),
            Deferred::OpenPath(path) => self.load(path),
            Deferred::Example(k) => self.load_example(k),
            Deferred::Scene(label, text) => {
                self.load_text(label, text);
                self.lesson_scene_pending = true;
            }
            Deferred::Quit => self.quit_confirmed = true,
        }
    }

    fn load(&mut self, path: PathBuf) {
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = persist::load_session(&path).map(Box::new);
            let name = path.display().to_string();
            let _ = jobs.send(Outcome::Loaded(name, Some(path), result));
        });
    }

    /// Open a built-in scene (a lesson's): asks first if there are unsaved changes.
    pub fn request_scene(&mut self, label: &'static str, text: &'static str) {
        if self.lesson_scene {
            self.load_text(label, text);
            self.lesson_scene_pending = true;
        } else {
            self.defer_or_run(Deferred::Scene(label, text));
        }
    }

    fn load_example(&mut self, k: usize) {
        if let Some(&(label, text)) = EXAMPLES.get(k) {
            self.load_text(label, text);
        }
    }

    fn load_text(&mut self, label: &'static str, text: &'static str) {
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = persist::session_from_str(text).map(Box::new);
            let _ = jobs.send(Outcome::Loaded(format!("\"{label}\""), None, result));
        });
    }

    fn capture_for(&mut self, purpose: Purpose, path: PathBuf, pending: &mut Vec<Command>) {
        self.awaiting_capture = Some((purpose, path));
        pending.push(Command::Capture);
    }

    /// The simulation sent its state: write whatever was waiting for it.
    pub fn on_captured(&mut self, saved: Box<SavedSimulation>) {
        let Some((purpose, path)) = self.awaiting_capture.take() else {
            return;
        };
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = match purpose {
                Purpose::ExportWeights => {
                    let model = match saved.model {
                        crate::sim::model::Model::Net(m) => ImportedModel::Boltzmann(m.bm),
                        crate::sim::model::Model::Rbm(m) => ImportedModel::Rbm(m.rbm),
                    };
                    persist::interchange::save_weights(&path, &model)
                }
                Purpose::ExportTrainingSet => {
                    persist::export::save_patterns(&path, &saved.training_set.patterns)
                }
                _ => persist::save_session(&path, &saved),
            };
            let _ = jobs.send(Outcome::Wrote(path, purpose, result));
        });
    }

    /// Handles finished jobs; returns a message for the status bar.
    pub fn poll(
        &mut self,
        snapshot: &Snapshot,
        trace: &std::collections::VecDeque<TracePoint>,
        pending: &mut Vec<Command>,
    ) -> Option<(String, bool)> {
        let mut message = None;
        while let Ok(outcome) = self.results.try_recv() {
            self.busy = self.busy.saturating_sub(1);
            message = match outcome {
                Outcome::Picked(purpose, Some(path), _) => {
                    self.use_path(purpose, path, snapshot, trace, pending)
                }
                Outcome::Picked(purpose, None, true) => {
                    self.picker = Some(Picker {
                        purpose,
                        folder: self.start_folder(),
                        name: if purpose.saves() {
                            purpose.default_name().into()
                        } else {
                            String::new()
                        },
                    });
                    None
                }
                Outcome::Picked(_, None, false) => None,
                Outcome::Loaded(name, path, Ok(sim)) => {
                    pending.push(Command::Replace(sim));
                    self.dirty = false;
                    self.lesson_scene = std::mem::take(&mut self.lesson_scene_pending);
                    self.current = path.clone();
                    if let Some(p) = path {
                        self.remember(p);
                    }
                    Some((format!("opened {name}"), false))
                }
                Outcome::Loaded(name, _, Err(e)) => Some((
                    format!("could not open {name}: {e}. Nothing was changed."),
                    true,
                )),
                Outcome::Imported(path, Ok(model)) => {
                    pending.push(Command::Import(model));
                    Some((format!("imported weights from {}", path.display()), false))
                }
                Outcome::Imported(path, Err(e)) => Some((
                    format!(
                        "could not import {}: {e}. Nothing was changed.",
                        path.display()
                    ),
                    true,
                )),
                Outcome::Wrote(path, purpose, Ok(())) => {
                    if purpose == Purpose::SaveAs {
                        self.dirty = false;
                        self.current = Some(path.clone());
                        self.remember(path.clone());
                    }
                    Some((format!("saved {}", path.display()), false))
                }
                Outcome::Wrote(_, _, Err(e)) => Some((format!("{e}"), true)),
            }
            .or(message);
        }
        message
    }

    fn use_path(
        &mut self,
        purpose: Purpose,
        path: PathBuf,
        snapshot: &Snapshot,
        trace: &std::collections::VecDeque<TracePoint>,
        pending: &mut Vec<Command>,
    ) -> Option<(String, bool)> {
        let path = with_extension(path, purpose.extension());
        match purpose {
            Purpose::Open => self.load(path),
            Purpose::SaveAs | Purpose::ExportWeights | Purpose::ExportTrainingSet => {
                self.capture_for(purpose, path, pending)
            }
            Purpose::ImportWeights => {
                let jobs = self.jobs.clone();
                self.busy += 1;
                std::thread::spawn(move || {
                    let result = persist::interchange::load_weights(&path).map(Box::new);
                    let _ = jobs.send(Outcome::Imported(path, result));
                });
            }
            Purpose::ExportGrid | Purpose::ExportHeatmap | Purpose::ExportFilters => {
                let image = match purpose {
                    Purpose::ExportGrid => export_images::grid_image(snapshot),
                    Purpose::ExportHeatmap => export_images::heatmap_image(snapshot),
                    _ => export_images::filters_image(snapshot),
                };
                let Some(image) = image else {
                    return Some(("there is nothing to export for this model".into(), true));
                };
                self.write_in_background(path, purpose, move |p| {
                    persist::export::save_png(p, &image)
                });
            }
            Purpose::ExportTrace => {
                let points: Vec<TracePoint> = trace.iter().copied().collect();
                self.write_in_background(path, purpose, move |p| {
                    persist::export::save_trace_csv(p, &points)
                });
            }
        }
        None
    }

    fn write_in_background(
        &mut self,
        path: PathBuf,
        purpose: Purpose,
        write: impl FnOnce(&Path) -> Result<(), PersistError> + Send + 'static,
    ) {
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = write(&path);
            let _ = jobs.send(Outcome::Wrote(path, purpose, result));
        });
    }

    fn remember(&mut self, path: PathBuf) {
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
        save_recent(&self.recent);
    }

    /// The File menu.
    pub fn menu_ui(&mut self, ui: &mut egui::Ui, pending: &mut Vec<Command>) {
        ui.menu_button("File", |ui| {
            if ui
                .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
                .on_hover_text("Open a saved session (.ron); you can also drop one on the window")
                .clicked()
            {
                self.request_open();
                ui.close();
            }
            if ui
                .add(egui::Button::new("Save").shortcut_text("Ctrl+S"))
                .on_hover_text(
                    "Save everything: network, states, clamps, T, training, random stream",
                )
                .clicked()
            {
                self.request_save(pending);
                ui.close();
            }
            if ui
                .add(egui::Button::new("Save as…").shortcut_text("Ctrl+Shift+S"))
                .clicked()
            {
                self.choose(Purpose::SaveAs);
                ui.close();
            }
            ui.menu_button("Recent files", |ui| {
                if self.recent.is_empty() {
                    ui.weak("none yet");
                }
                for path in self.recent.clone() {
                    if ui.button(path.display().to_string()).clicked() {
                        self.request_open_path(path);
                        ui.close();
                    }
                }
            });
            ui.menu_button("Examples", |ui| {
                for (k, (label, _)) in EXAMPLES.iter().enumerate() {
                    if ui.button(*label).clicked() {
                        self.defer_or_run(Deferred::Example(k));
                        ui.close();
                    }
                }
            });
            ui.separator();
            if ui
                .button("Import weights (JSON)…")
                .on_hover_text(
                    "RBM: {\"n_visible\", \"n_hidden\", \"W\", \"b\", \"c\"}; \
                     Boltzmann machine: {\"n\", \"W\", \"b\"}",
                )
                .clicked()
            {
                self.choose(Purpose::ImportWeights);
                ui.close();
            }
            ui.menu_button("Export", |ui| {
                for purpose in [
                    Purpose::ExportWeights,
                    Purpose::ExportGrid,
                    Purpose::ExportHeatmap,
                    Purpose::ExportFilters,
                    Purpose::ExportTrace,
                    Purpose::ExportTrainingSet,
                ] {
                    let label = purpose.title().trim_start_matches("Export ");
                    if ui.button(capitalise(label)).clicked() {
                        self.choose(purpose);
                        ui.close();
                    }
                }
            });
        });
    }

    /// The picker and the unsaved-changes question, when open.
    pub fn windows_ui(
        &mut self,
        ctx: &egui::Context,
        snapshot: &Snapshot,
        trace: &std::collections::VecDeque<TracePoint>,
        pending: &mut Vec<Command>,
    ) -> Option<(String, bool)> {
        let mut message = None;
        if let Some(action) = self.confirm.clone() {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("unsaved changes")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label("The current session has changes that are not saved. Discard them?");
                ui.horizontal(|ui| {
                    if ui.button("Discard").clicked() {
                        answer = Some(true);
                    }
                    if ui.button("Cancel").clicked() {
                        answer = Some(false);
                    }
                });
            });
            match answer {
                Some(true) => {
                    self.confirm = None;
                    self.dirty = false;
                    self.run_deferred(action);
                }
                Some(false) => self.confirm = None,
                None => {}
            }
        }
        let mut chosen = None;
        let mut close = false;
        if let Some(picker) = &mut self.picker {
            egui::Window::new(picker.purpose.title())
                .collapsible(false)
                .default_width(460.0)
                .show(ctx, |ui| {
                    ui.weak("No system file dialog answered, so here is BoltzViz's own.");
                    ui.horizontal(|ui| {
                        ui.label("Folder:");
                        let mut folder = picker.folder.display().to_string();
                        if ui.text_edit_singleline(&mut folder).changed() {
                            picker.folder = PathBuf::from(folder);
                        }
                        if ui.button("Up").clicked()
                            && let Some(parent) = picker.folder.parent()
                        {
                            picker.folder = parent.to_owned();
                        }
                    });
                    egui::ScrollArea::vertical()
                        .max_height(240.0)
                        .show(ui, |ui| {
                            for (name, is_dir) in
                                list_folder(&picker.folder, picker.purpose.extension())
                            {
                                let label = if is_dir {
                                    format!("{name}/")
                                } else {
                                    name.clone()
                                };
                                if ui.selectable_label(picker.name == name, label).clicked() {
                                    if is_dir {
                                        picker.folder = picker.folder.join(&name);
                                    } else {
                                        picker.name = name;
                                    }
                                }
                            }
                        });
                    ui.horizontal(|ui| {
                        ui.label("File name:");
                        ui.text_edit_singleline(&mut picker.name);
                    });
                    ui.horizontal(|ui| {
                        let ok = if picker.purpose.saves() {
                            "Save"
                        } else {
                            "Open"
                        };
                        if ui
                            .add_enabled(!picker.name.trim().is_empty(), egui::Button::new(ok))
                            .clicked()
                        {
                            chosen = Some((picker.purpose, picker.folder.join(picker.name.trim())));
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                });
        }
        if let Some((purpose, path)) = chosen {
            self.picker = None;
            message = self.use_path(purpose, path, snapshot, trace, pending);
        } else if close {
            self.picker = None;
        }
        message
    }

    /// Ctrl+O / Ctrl+S / Ctrl+Shift+S and files dropped on the window.
    pub fn input(&mut self, ctx: &egui::Context, pending: &mut Vec<Command>) {
        let (open, save, save_as, dropped) = ctx.input_mut(|i| {
            let save_as = i.consume_key(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::S,
            );
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::O),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
                save_as,
                std::mem::take(&mut i.raw.dropped_files),
            )
        });
        if open {
            self.request_open();
        }
        if save_as {
            self.choose(Purpose::SaveAs);
        } else if save {
            self.request_save(pending);
        }
        for file in dropped {
            let path = file.path().to_owned();
            match path.extension().and_then(|e| e.to_str()) {
                Some("json") => {
                    self.use_path(
                        Purpose::ImportWeights,
                        path,
                        &Snapshot::default(),
                        &Default::default(),
                        pending,
                    );
                }
                _ => self.request_open_path(path),
            }
        }
    }

    /// Keeps the window title in step ("BoltzViz — name *" when unsaved) and asks before
    /// the window closes on unsaved changes.
    pub fn window_ui(&mut self, ctx: &egui::Context) {
        let name = self
            .current
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(
                || "untitled".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        let title = format!("BoltzViz — {name}{}", if self.dirty { " *" } else { "" });
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if ctx.input(|i| i.viewport().close_requested()) && self.dirty && !self.quit_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm = Some(Deferred::Quit);
        }
        if self.quit_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Lets the window close without asking (a scripted screenshot is done).
    pub fn allow_quit(&mut self) {
        self.quit_confirmed = true;
    }

    /// A label for the status bar while a file job runs.
    pub fn status_ui(&self, ui: &mut egui::Ui) {
        if self.busy() {
            ui.spinner();
            ui.colored_label(theme::WARN, "working on a file…");
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(extension)
    }
}

/// Sub-folders and files with `extension`, folders first, each sorted.
fn list_folder(folder: &Path, extension: &str) -> Vec<(String, bool)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut listed: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let is_dir = e.file_type().ok()?.is_dir();
            let name = e.file_name().to_string_lossy().into_owned();
            let wanted = is_dir || name.ends_with(&format!(".{extension}"));
            (wanted && !name.starts_with('.')).then_some((name, is_dir))
        })
        .collect();
    listed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    listed
}

fn recent_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("boltzviz").join("recent.txt"))
}

fn load_recent() -> Vec<PathBuf> {
    recent_file()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|text| text.lines().take(RECENT).map(PathBuf::from).collect())
        .unwrap_or_default()
}

fn save_recent(recent: &[PathBuf]) {
    let Some(file) = recent_file() else { return };
    let text: String = recent
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    if let Some(dir) = file.parent() {
        // Best effort: recent files are a convenience, never worth an error.
        let _ = std::fs::create_dir_all(dir);
        let _ = persist::atomic::write_bytes(&file, text.as_bytes());
    }
}
