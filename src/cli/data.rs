//! Reading the files the commands take: 0/1 data and models (session or JSON weights).

use crate::engine::patterns::{PatternSet, parse_patterns};
use crate::persist::interchange::load_weights;
use crate::persist::load_session;
use crate::persist::read::read_text;
use crate::sim::model::{ImportedModel, Model};
use crate::sim::saved::squarest_grid;
use anyhow::Context;
use std::path::Path;

/// Data files larger than this are refused unread (60 000 MNIST digits as 0/1 text take 47 MB).
pub const MAX_DATA_BYTES: u64 = 64 * 1024 * 1024;

/// A 0/1 data file as a pattern set on the squarest grid its length allows (64 → 8 × 8);
/// `flag` names where it came from in any error (`--data`, `--valid`).
pub fn read_data(path: &Path, flag: &str) -> anyhow::Result<PatternSet> {
    let text = read_text(path, MAX_DATA_BYTES).with_context(|| flag.to_owned())?;
    let patterns = parse_patterns(&text).with_context(|| format!("{flag} {}", path.display()))?;
    let Some(first) = patterns.first() else {
        anyhow::bail!("{flag} {} holds no patterns", path.display());
    };
    let (width, height) = squarest_grid(first.len());
    Ok(PatternSet {
        name: path
            .file_stem()
            .map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned()),
        width,
        height,
        patterns,
    })
}

/// A model from a session (.ron) or a weights file (.json).
pub fn read_model(path: &Path) -> anyhow::Result<ImportedModel> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        return Ok(load_weights(path)?);
    }
    let sim = load_session(path)?;
    Ok(match sim.model() {
        Model::Net(m) => ImportedModel::Boltzmann(m.bm.clone()),
        Model::Rbm(m) => ImportedModel::Rbm(m.rbm.clone()),
    })
}
