//! BoltzViz's own file chooser, for machines where no system dialog answers.

use std::path::{Path, PathBuf};

/// What the person did in the picker this frame.
pub enum PickerAnswer {
    /// Nothing yet.
    Waiting,
    /// Chose this path.
    Chosen(PathBuf),
    /// Closed it.
    Cancelled,
}

/// The picker's state: the folder shown and the name being typed.
pub struct Picker {
    /// The window's title.
    pub title: &'static str,
    /// Files with this extension are listed.
    pub extension: &'static str,
    /// Save (a name may be new) or open (pick an existing file).
    pub saves: bool,
    /// The folder shown.
    pub folder: PathBuf,
    /// The file name being typed or picked.
    pub name: String,
}

impl Picker {
    /// The picker window.
    pub fn ui(&mut self, ctx: &egui::Context) -> PickerAnswer {
        let mut answer = PickerAnswer::Waiting;
        egui::Window::new(self.title)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.weak(
                    "No system file dialog answered, so here is BoltzViz's own. Escape closes it.",
                );
                ui.horizontal(|ui| {
                    ui.label("Folder:");
                    let mut folder = self.folder.display().to_string();
                    if ui.text_edit_singleline(&mut folder).changed() {
                        self.folder = PathBuf::from(folder);
                    }
                    if ui.button("Up").clicked()
                        && let Some(parent) = self.folder.parent()
                    {
                        self.folder = parent.to_owned();
                    }
                });
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        for (name, is_dir) in list_folder(&self.folder, self.extension) {
                            let label = if is_dir {
                                format!("{name}/")
                            } else {
                                name.clone()
                            };
                            if ui.selectable_label(self.name == name, label).clicked() {
                                if is_dir {
                                    self.folder = self.folder.join(&name);
                                } else {
                                    self.name = name;
                                }
                            }
                        }
                    });
                ui.horizontal(|ui| {
                    ui.label("File name:");
                    ui.text_edit_singleline(&mut self.name)
                        .on_hover_text("The file's name in the folder above");
                });
                ui.horizontal(|ui| {
                    let ok = if self.saves { "Save" } else { "Open" };
                    if ui
                        .add_enabled(!self.name.trim().is_empty(), egui::Button::new(ok))
                        .clicked()
                    {
                        answer = PickerAnswer::Chosen(self.folder.join(self.name.trim()));
                    }
                    if ui.button("Cancel").clicked() {
                        answer = PickerAnswer::Cancelled;
                    }
                });
            });
        answer
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
