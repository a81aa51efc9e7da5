//! The recent-files list, kept in the user's config folder (best effort: a convenience is
//! never worth an error).

use crate::persist;
use std::path::PathBuf;

/// Recent files kept.
const RECENT: usize = 8;

/// The most recently opened or saved sessions, newest first.
#[derive(Clone, Debug, Default)]
pub struct RecentFiles {
    paths: Vec<PathBuf>,
}

impl RecentFiles {
    /// The list as saved last time.
    pub fn load() -> Self {
        let paths = recent_file()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| text.lines().take(RECENT).map(PathBuf::from).collect())
            .unwrap_or_default();
        Self { paths }
    }

    /// Newest first.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Puts `path` first and saves the list.
    pub fn remember(&mut self, path: PathBuf) {
        self.paths.retain(|p| p != &path);
        self.paths.insert(0, path);
        self.paths.truncate(RECENT);
        let Some(file) = recent_file() else { return };
        let text: String = self
            .paths
            .iter()
            .map(|p| format!("{}\n", p.display()))
            .collect();
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
            let _ = persist::atomic::write_bytes(&file, text.as_bytes());
        }
    }
}

fn recent_file() -> Option<PathBuf> {
    config_file("recent.txt")
}

/// A file in BoltzViz's config folder (`$XDG_CONFIG_HOME/boltzviz` or `~/.config/boltzviz`).
pub fn config_file(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("boltzviz").join(name))
}
