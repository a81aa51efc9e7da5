//! The session's document state (file, unsaved flag, the question before work is thrown
//! away) and the file jobs: open, save, save as, examples, import and export.
//! The picker is [`super::picker`], the recent list [`super::recent`]; the File menu only
//! raises [`Intent`]s.
//!
//! Every read and write runs on a short-lived thread and reports back through a channel, so
//! the window never waits on the disk. A failed load changes nothing; a failed save leaves the
//! old file whole (see [`crate::persist::atomic`]).

use super::figures::{Figure, FigureFormat, FigureKind};
use super::intent::Intent;
use super::picker::{Picker, PickerAnswer};
use super::recent::RecentFiles;
use super::recorder::Encoding;
use super::theme;
use crate::persist::{self, PersistError, shipped};
use crate::sim::model::ImportedModel;
use crate::sim::protocol::{Command, TracePoint};
use crate::sim::{SavedSimulation, Simulation};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// A dialog that answers faster than this was not shown (no dialog service): the app's own
/// picker opens instead.
const NO_DIALOG_SERVICE: Duration = Duration::from_millis(250);

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
    /// Write a figure of what the screen shows, as PNG or SVG.
    ExportFigure(FigureKind, FigureFormat),
    /// Write the energy trace as CSV.
    ExportTrace,
    /// Write the finished recording as a GIF.
    SaveRecording,
    /// Write the training set as 0/1 text.
    ExportTrainingSet,
    /// Read held-out patterns (0/1 text) for an RBM's learning curve.
    LoadValidation,
}

impl Purpose {
    /// Whether the chosen path is written (not read).
    pub fn saves(self) -> bool {
        !matches!(
            self,
            Purpose::Open | Purpose::ImportWeights | Purpose::LoadValidation
        )
    }

    fn extension(self) -> &'static str {
        match self {
            Purpose::ExportFigure(_, FigureFormat::Png) => "png",
            Purpose::ExportFigure(_, FigureFormat::Svg) => "svg",
            Purpose::Open | Purpose::SaveAs => "ron",
            Purpose::ImportWeights | Purpose::ExportWeights => "json",
            Purpose::ExportTrace => "csv",
            Purpose::SaveRecording => "gif",
            Purpose::ExportTrainingSet | Purpose::LoadValidation => "txt",
        }
    }

    /// The dialog title and the menu's words.
    pub fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open a session",
            Purpose::SaveAs => "Save the session as",
            Purpose::ImportWeights => "Import weights (JSON)",
            Purpose::ExportWeights => "Export weights as JSON",
            Purpose::ExportFigure(_, FigureFormat::Png) => "Export the figure as PNG",
            Purpose::ExportFigure(_, FigureFormat::Svg) => "Export the figure as SVG",
            Purpose::ExportTrace => "Export the energy trace as CSV",
            Purpose::SaveRecording => "Save the recording as GIF",
            Purpose::ExportTrainingSet => "Export the training set as 0/1 text",
            Purpose::LoadValidation => "Load validation data (0/1 text)",
        }
    }

    fn default_name(self) -> String {
        match self {
            Purpose::Open | Purpose::SaveAs => "session.ron".into(),
            Purpose::ImportWeights | Purpose::ExportWeights => "weights.json".into(),
            Purpose::ExportFigure(kind, _) => format!("{}.{}", kind.file_stem(), self.extension()),
            Purpose::ExportTrace => "energy.csv".into(),
            Purpose::SaveRecording => "recording.gif".into(),
            Purpose::ExportTrainingSet => "training-set.txt".into(),
            Purpose::LoadValidation => "validation.txt".into(),
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
    ReadValidation(PathBuf, Result<Vec<Vec<u8>>, PersistError>),
    Wrote(PathBuf, Purpose, Result<(), PersistError>),
}

/// Something postponed until the person says what to do with unsaved changes.
#[derive(Clone, Debug)]
enum Deferred {
    New,
    OpenPath(PathBuf),
    ImportPath(PathBuf),
    Example(usize),
    Scene(&'static str, &'static str),
    Quit,
}

/// The document's state and its file jobs.
pub struct Files {
    /// The session file in use.
    pub current: Option<PathBuf>,
    /// Changes since the last save or load.
    pub dirty: bool,
    recent: RecentFiles,
    jobs: Sender<Outcome>,
    results: Receiver<Outcome>,
    awaiting_capture: Option<(Purpose, PathBuf)>,
    /// The figure of the screen at the moment its export was asked for, waiting for a path.
    figure: Option<Box<Figure>>,
    /// A stopped recording, waiting for a path.
    recording: Option<Encoding>,
    picker: Option<(Purpose, Picker)>,
    confirm: Option<Deferred>,
    quit_confirmed: bool,
    scene_cancelled: bool,
    busy: usize,
    title: String,
}

impl Default for Files {
    fn default() -> Self {
        let (jobs, results) = channel();
        Self {
            current: None,
            dirty: false,
            recent: RecentFiles::load(),
            jobs,
            results,
            awaiting_capture: None,
            figure: None,
            recording: None,
            picker: None,
            confirm: None,
            quit_confirmed: false,
            scene_cancelled: false,
            busy: 0,
            title: String::new(),
        }
    }
}

impl Files {
    /// Whether a file job is running (for a spinner).
    pub fn busy(&self) -> bool {
        self.busy > 0 || self.awaiting_capture.is_some()
    }

    /// Whether a dialog (the picker or the unsaved-changes question) is open: keys then
    /// belong to it.
    pub fn dialog_open(&self) -> bool {
        self.picker.is_some() || self.confirm.is_some()
    }

    /// Closes whichever dialog is open (Escape), as its Cancel button would.
    pub fn close_dialog(&mut self) {
        // A cancelled export or recording is dropped, so the next one can ask.
        if let Some((purpose, _)) = self.picker.take() {
            self.drop_waiting(purpose);
        }
        self.cancel_confirm();
    }

    /// Drops what was waiting for a path that will not come.
    fn drop_waiting(&mut self, purpose: Purpose) {
        match purpose {
            Purpose::ExportFigure(..) => self.figure = None,
            Purpose::SaveRecording => self.recording = None,
            _ => {}
        }
    }

    fn cancel_confirm(&mut self) {
        self.scene_cancelled |= matches!(self.confirm, Some(Deferred::Scene(..)));
        self.confirm = None;
    }

    /// Whether a lesson's scene was refused at the unsaved-changes question (once).
    pub fn take_scene_cancelled(&mut self) -> bool {
        std::mem::take(&mut self.scene_cancelled)
    }

    /// Notes a command that changes the session (everything but view-only ones).
    pub fn note_command(&mut self, command: &Command) {
        if !matches!(
            command,
            Command::Capture
                | Command::ClearTrace
                | Command::WatchGradient(_)
                | Command::SetSpeed(_)
                | Command::Pause
                | Command::Replace(_)
                | Command::Quit
        ) {
            self.dirty = true;
        }
    }

    /// Carries out a file intent; returns a message for the status bar.
    pub fn handle(&mut self, intent: Intent, pending: &mut Vec<Command>) {
        match intent {
            Intent::New => self.defer_or_run(Deferred::New),
            Intent::Open => self.choose(Purpose::Open),
            Intent::OpenPath(path) => self.defer_or_run(Deferred::OpenPath(path)),
            Intent::Save => match self.current.clone() {
                Some(path) => self.capture_for(Purpose::SaveAs, path, pending),
                None => self.choose(Purpose::SaveAs),
            },
            Intent::SaveAs => self.choose(Purpose::SaveAs),
            Intent::ImportWeights => self.choose(Purpose::ImportWeights),
            Intent::ImportPath(path) => self.defer_or_run(Deferred::ImportPath(path)),
            Intent::Export(purpose) => self.choose(purpose),
            Intent::LoadValidation => self.choose(Purpose::LoadValidation),
            Intent::LoadValidationPath(path) => self.read_validation(path),
            Intent::OpenExample(k) => self.defer_or_run(Deferred::Example(k)),
            Intent::CloseDialog => self.close_dialog(),
            Intent::ToggleLessons
            | Intent::OpenLesson(_)
            | Intent::ToggleCapacity
            | Intent::ExportFigure(..)
            | Intent::StopRecording => {}
        }
    }

    /// Open a session (`boltzviz open FILE`): asks first if there are unsaved changes.
    pub fn request_open_path(&mut self, path: PathBuf) {
        self.defer_or_run(Deferred::OpenPath(path));
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
            Deferred::New => self.start_new(),
            Deferred::OpenPath(path) => self.load(path),
            Deferred::ImportPath(path) => self.import(path),
            Deferred::Example(k) => {
                if let Some(example) = shipped::EXAMPLES.get(k) {
                    self.load_text(example.label, example.text);
                }
            }
            Deferred::Scene(label, text) => self.load_text(label, text),
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

    fn import(&mut self, path: PathBuf) {
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = persist::interchange::load_weights(&path).map(Box::new);
            let _ = jobs.send(Outcome::Imported(path, result));
        });
    }

    /// Open a built-in scene (a lesson's): asks first if there are unsaved changes.
    pub fn request_scene(&mut self, label: &'static str, text: &'static str) {
        self.defer_or_run(Deferred::Scene(label, text));
    }

    /// A new session: the opening scene, built off the UI thread like any load.
    fn start_new(&mut self) {
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = Simulation::opening_scene()
                .map(Box::new)
                .map_err(PersistError::from);
            let _ = jobs.send(Outcome::Loaded("a new session".into(), None, result));
        });
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
                    let model = match saved.core.model {
                        crate::sim::model::Model::Net(m) => ImportedModel::Boltzmann(m.bm),
                        crate::sim::model::Model::Rbm(m) => ImportedModel::Rbm(m.rbm),
                    };
                    persist::interchange::save_weights(&path, &model)
                }
                Purpose::ExportTrainingSet => {
                    persist::export::save_patterns(&path, &saved.core.training_set.patterns)
                }
                _ => persist::save_session(&path, &saved),
            };
            let _ = jobs.send(Outcome::Wrote(path, purpose, result));
        });
    }

    /// Handles finished jobs; returns a message for the status bar.
    pub fn poll(
        &mut self,
        trace: &std::collections::VecDeque<TracePoint>,
        pending: &mut Vec<Command>,
    ) -> Option<(String, bool)> {
        let mut message = None;
        while let Ok(outcome) = self.results.try_recv() {
            self.busy = self.busy.saturating_sub(1);
            message = match outcome {
                Outcome::Picked(purpose, Some(path), _) => {
                    self.use_path(purpose, path, trace, pending)
                }
                Outcome::Picked(purpose, None, true) => {
                    self.picker = Some((
                        purpose,
                        Picker {
                            title: purpose.title(),
                            extension: purpose.extension(),
                            saves: purpose.saves(),
                            folder: self.start_folder(),
                            name: if purpose.saves() {
                                purpose.default_name()
                            } else {
                                String::new()
                            },
                        },
                    ));
                    None
                }
                Outcome::Picked(Purpose::SaveRecording, None, false) => {
                    self.recording = None;
                    Some(("the recording was not saved".into(), false))
                }
                Outcome::Picked(purpose, None, false) => {
                    self.drop_waiting(purpose);
                    None
                }
                Outcome::Loaded(name, path, Ok(sim)) => {
                    pending.push(Command::Replace(sim));
                    self.dirty = false;
                    self.current = path.clone();
                    if let Some(p) = path {
                        self.recent.remember(p);
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
                Outcome::ReadValidation(path, Ok(patterns)) => {
                    let message = format!(
                        "read {} held-out patterns from {}",
                        patterns.len(),
                        path.display()
                    );
                    pending.push(Command::SetValidation(patterns));
                    Some((message, false))
                }
                Outcome::ReadValidation(path, Err(e)) => Some((
                    format!(
                        "could not read validation data from {}: {e}",
                        path.display()
                    ),
                    true,
                )),
                Outcome::Wrote(path, purpose, Ok(())) => {
                    if purpose == Purpose::SaveAs {
                        self.dirty = false;
                        self.current = Some(path.clone());
                        self.recent.remember(path.clone());
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
        trace: &std::collections::VecDeque<TracePoint>,
        pending: &mut Vec<Command>,
    ) -> Option<(String, bool)> {
        let path = with_extension(path, purpose.extension());
        match purpose {
            // The question about unsaved work comes once there is a file to open.
            Purpose::Open => self.defer_or_run(Deferred::OpenPath(path)),
            Purpose::ImportWeights => self.defer_or_run(Deferred::ImportPath(path)),
            Purpose::LoadValidation => self.read_validation(path),
            Purpose::SaveAs | Purpose::ExportWeights | Purpose::ExportTrainingSet => {
                self.capture_for(purpose, path, pending)
            }
            Purpose::SaveRecording => match self.recording.take() {
                Some(encoding) => self.write_recording(path, encoding),
                None => return Some(("there is no recording to save".into(), true)),
            },
            Purpose::ExportFigure(..) => match self.figure.take() {
                Some(figure) => self.write_figure(path, purpose, *figure),
                None => return Some(("there is no figure waiting to be exported".into(), true)),
            },
            Purpose::ExportTrace => {
                let points: Vec<TracePoint> = trace.iter().copied().collect();
                self.write_in_background(path, purpose, move |p| {
                    persist::export::save_trace_csv(p, &points)
                });
            }
        }
        None
    }

    /// Asks where to write `figure` (PNG or SVG); the figure is the screen as it is now.
    /// Refused (with the reason) while another figure is still waiting for its file name.
    pub fn export_figure(
        &mut self,
        kind: FigureKind,
        format: FigureFormat,
        figure: Figure,
    ) -> Result<(), String> {
        if self.figure.is_some() {
            return Err("another figure is still waiting for its file name".into());
        }
        self.figure = Some(Box::new(figure));
        self.choose(Purpose::ExportFigure(kind, format));
        Ok(())
    }

    /// Asks where to save a stopped recording (dropped if the person cancels).
    /// Refused (with the reason) while another recording is still waiting for its file name.
    pub fn save_recording(&mut self, encoding: Encoding) -> Result<(), String> {
        if self.recording.is_some() {
            return Err("another recording is still waiting for its file name".into());
        }
        self.recording = Some(encoding);
        self.choose(Purpose::SaveRecording);
        Ok(())
    }

    /// Writes a stopped recording to `path` once its last frame is encoded.
    pub fn write_recording(&mut self, path: PathBuf, encoding: Encoding) {
        self.write_in_background(path, Purpose::SaveRecording, move |p| {
            persist::atomic::write_bytes(p, &super::recorder::finish(encoding)?)
        });
    }

    /// Writes `figure` to `path` in the background, at slide size; the type follows the
    /// extension.
    pub fn write_figure(&mut self, path: PathBuf, purpose: Purpose, figure: Figure) {
        self.write_in_background(path, purpose, move |p| {
            crate::ui::figures::save(&figure, p, crate::ui::figures::SLIDE)
        });
    }

    /// Reads held-out patterns in the background; the simulation checks their width.
    fn read_validation(&mut self, path: PathBuf) {
        let jobs = self.jobs.clone();
        self.busy += 1;
        std::thread::spawn(move || {
            let result = persist::read::load_patterns(&path);
            let _ = jobs.send(Outcome::ReadValidation(path, result));
        });
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

    /// The File menu: every item raises an intent.
    pub fn menu_ui(&self, ui: &mut egui::Ui, intents: &mut Vec<Intent>) {
        ui.menu_button("File", |ui| {
            let mut item =
                |ui: &mut egui::Ui, label: &str, shortcut: &str, tip: &str, intent: Intent| {
                    let mut button = egui::Button::new(label);
                    if !shortcut.is_empty() {
                        button = button.shortcut_text(shortcut);
                    }
                    let response = ui.add(button);
                    let response = if tip.is_empty() {
                        response
                    } else {
                        response.on_hover_text(tip)
                    };
                    if response.clicked() {
                        intents.push(intent);
                        ui.close();
                    }
                };
            item(
                ui,
                "New",
                "Ctrl+N",
                "Start again from the opening scene (asks first if there are unsaved changes)",
                Intent::New,
            );
            item(
                ui,
                "Open…",
                "Ctrl+O",
                "Open a saved session (.ron); you can also drop one on the window",
                Intent::Open,
            );
            item(
                ui,
                "Save",
                "Ctrl+S",
                "Save everything: network, states, clamps, T, training, random stream",
                Intent::Save,
            );
            item(ui, "Save as…", "Ctrl+Shift+S", "", Intent::SaveAs);
            ui.menu_button("Recent files", |ui| {
                if self.recent.paths().is_empty() {
                    ui.weak("none yet");
                }
                for path in self.recent.paths() {
                    item(
                        ui,
                        &path.display().to_string(),
                        "",
                        "",
                        Intent::OpenPath(path.clone()),
                    );
                }
            });
            ui.menu_button("Examples", |ui| {
                for (k, example) in shipped::EXAMPLES.iter().enumerate() {
                    item(ui, example.label, "", "", Intent::OpenExample(k));
                }
            });
            ui.separator();
            item(
                ui,
                "Import weights (JSON)…",
                "",
                "RBM: {\"n_visible\", \"n_hidden\", \"W\", \"b\", \"c\"}; \
                 Boltzmann machine: {\"n\", \"W\", \"b\"}",
                Intent::ImportWeights,
            );
            item(
                ui,
                "Load validation data…",
                "",
                "Held-out 0/1 patterns for an RBM's learning curve (as wide as the visible layer); \
                 you can also drop a .txt file on the window",
                Intent::LoadValidation,
            );
            ui.menu_button("Export", |ui| {
                for purpose in [
                    Purpose::ExportWeights,
                    Purpose::ExportTrace,
                    Purpose::ExportTrainingSet,
                ] {
                    let label = capitalise(purpose.title().trim_start_matches("Export "));
                    item(ui, &label, "", "", Intent::Export(purpose));
                }
            });
        });
    }

    /// The picker and the unsaved-changes question, when open.
    pub fn windows_ui(
        &mut self,
        ctx: &egui::Context,
        trace: &std::collections::VecDeque<TracePoint>,
        pending: &mut Vec<Command>,
    ) -> Option<(String, bool)> {
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
                // The flag stays until something replaces the session: a load that fails
                // leaves the work, and its changes, where they were.
                Some(true) => {
                    self.confirm = None;
                    self.run_deferred(action);
                }
                Some(false) => self.cancel_confirm(),
                None => {}
            }
        }
        let (purpose, picker) = self.picker.as_mut()?;
        let purpose = *purpose;
        match picker.ui(ctx) {
            PickerAnswer::Waiting => None,
            PickerAnswer::Cancelled => {
                self.picker = None;
                None
            }
            PickerAnswer::Chosen(path) => {
                self.picker = None;
                self.use_path(purpose, path, trace, pending)
            }
        }
    }

    /// Ctrl+O / Ctrl+S / Ctrl+Shift+S and files dropped on the window, as intents.
    pub fn input(ctx: &egui::Context, intents: &mut Vec<Intent>) {
        let (new, open, save, save_as, dropped) = ctx.input_mut(|i| {
            let save_as = i.consume_key(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::S,
            );
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::N),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::O),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
                save_as,
                std::mem::take(&mut i.raw.dropped_files),
            )
        });
        if new {
            intents.push(Intent::New);
        }
        if open {
            intents.push(Intent::Open);
        }
        if save_as {
            intents.push(Intent::SaveAs);
        } else if save {
            intents.push(Intent::Save);
        }
        for file in dropped {
            let path = file.path().to_owned();
            intents.push(match path.extension().and_then(|e| e.to_str()) {
                Some("json") => Intent::ImportPath(path),
                Some("txt") => Intent::LoadValidationPath(path),
                _ => Intent::OpenPath(path),
            });
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
            theme::signal_label(ui, theme::WARN, "working on a file…");
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
