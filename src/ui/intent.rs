//! What the person asked the app (not the simulation) to do: one enum, collected from menus,
//! buttons and shortcuts during a frame and carried out in one place after every panel has
//! drawn ([`super::BoltzVizApp`]'s `handle_intents`).

use super::figures::{FigureFormat, FigureKind};
use super::files::Purpose;
use std::path::PathBuf;

/// An app-level action.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// Start a new session (the opening scene); asks about unsaved changes first.
    New,
    /// Choose a session file to open (asks about unsaved changes once a file is chosen).
    Open,
    /// Open this session file (recent files, drag and drop, the command line).
    OpenPath(PathBuf),
    /// Save to the current file, or ask for a name.
    Save,
    /// Save under a new name.
    SaveAs,
    /// Choose a weights file to import (asks about unsaved changes once it is chosen).
    ImportWeights,
    /// Import this weights file.
    ImportPath(PathBuf),
    /// Choose held-out (validation) data for an RBM's learning curve.
    LoadValidation,
    /// Read held-out data from this 0/1 text file (a .txt dropped on the window).
    LoadValidationPath(PathBuf),
    /// Export something (weights, images, trace, training set).
    Export(Purpose),
    /// Export a figure of the screen as it is now.
    ExportFigure(FigureKind, FigureFormat),
    /// Stop the recording and ask where to save it.
    StopRecording,
    /// Open the k-th example session.
    OpenExample(usize),
    /// Show or hide the lessons (showing loads the lesson's scene).
    ToggleLessons,
    /// Open lesson k (0-based) with its scene.
    OpenLesson(usize),
    /// Show or hide the capacity window.
    ToggleCapacity,
    /// Close the open dialog (Escape).
    CloseDialog,
}
