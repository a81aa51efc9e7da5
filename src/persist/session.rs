//! Session files: RON with a `format_version`, holding a [`SavedSimulation`].
//!
//! ```text
//! SessionFile(
//!     format_version: 3,
//!     saved_by: "BoltzViz 0.1.0",
//!     simulation: SavedSimulation(
//!         core: SessionCore(spec: ModelSpec(kind: Hopfield, …), rng: …, model: Net(…), …),
//!         learning: LearningState(settings: …, updates: 0, curve: [], …),
//!         sweeps_per_sec_limit: Some(20.0),
//!     ),
//! )
//! ```
//! Version 1 (one flat simulation record) is still read, and version 2 (patterns as lists of
//! numbers instead of strings of 0/1, which version 3 also reads). Loading checks the version first (a
//! newer file is refused with its own message), then the
//! syntax (with line and column), then every part of the simulation against every other.

use super::PersistError;
use super::atomic::write_atomically;
use super::read::read_text;
use super::session_v1::SessionFileV1;
use crate::sim::{SavedSimulation, Simulation};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// The format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 3;
/// Session files larger than this are refused unread (a 784 × 500 RBM takes about 10 MB).
pub const MAX_SESSION_BYTES: u64 = 128 * 1024 * 1024;

/// The whole file.
#[derive(Serialize, Deserialize)]
struct SessionFile {
    format_version: u32,
    saved_by: String,
    simulation: SavedSimulation,
}

/// Just the version, read before the rest (RON checks struct names, hence the rename).
#[derive(Deserialize)]
#[serde(rename = "SessionFile")]
struct VersionProbe {
    format_version: u32,
}

/// The RON text of a session.
pub fn session_to_string(saved: &SavedSimulation) -> Result<String, PersistError> {
    let file = SessionFile {
        format_version: FORMAT_VERSION,
        saved_by: format!("BoltzViz {}", env!("CARGO_PKG_VERSION")),
        simulation: saved.clone(),
    };
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .compact_arrays(true);
    ron::ser::to_string_pretty(&file, pretty).map_err(|e| PersistError::Other(e.to_string()))
}

/// A checked simulation from session text; any problem gives its own message.
pub fn session_from_str(text: &str) -> Result<Simulation, PersistError> {
    let probe: VersionProbe =
        ron::de::from_str(text).map_err(|e| explained(syntax_error(e), text))?;
    if probe.format_version > FORMAT_VERSION {
        return Err(PersistError::TooNew {
            found: probe.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let saved = if probe.format_version < 2 {
        let file: SessionFileV1 =
            ron::de::from_str(text).map_err(|e| explained(syntax_error(e), text))?;
        SavedSimulation::from(file.simulation)
    } else {
        let file: SessionFile =
            ron::de::from_str(text).map_err(|e| explained(syntax_error(e), text))?;
        file.simulation
    };
    Ok(Simulation::from_saved(saved)?)
}

/// Saves atomically: the old file stays whole if anything fails.
pub fn save_session(path: &Path, saved: &SavedSimulation) -> Result<(), PersistError> {
    let text = session_to_string(saved)?;
    write_atomically(path, |w: &mut dyn Write| w.write_all(text.as_bytes()))
}

/// Loads and checks a session file.
pub fn load_session(path: &Path) -> Result<Simulation, PersistError> {
    session_from_str(&read_text(path, MAX_SESSION_BYTES)?)
}

/// Adds what a person most likely needs to hear: the file is something else entirely, or it
/// was cut short.
fn explained(error: PersistError, text: &str) -> PersistError {
    let PersistError::Syntax {
        line,
        column,
        message,
    } = error
    else {
        return error;
    };
    let lines = text.trim_end().lines().count().max(1);
    let message = if line == 1 && column == 1 {
        format!("this is not a BoltzViz session file ({message})")
    } else if line >= lines {
        format!("{message}; the file seems cut short")
    } else {
        message
    };
    PersistError::Syntax {
        line,
        column,
        message,
    }
}

/// RON's error with its position.
pub(super) fn syntax_error(e: ron::error::SpannedError) -> PersistError {
    PersistError::Syntax {
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    }
}
