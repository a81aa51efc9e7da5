//! Weights as JSON for numpy and other tools.
//!
//! - RBM: `{"n_visible": V, "n_hidden": H, "W": [[…H numbers…] × V rows], "b": [V], "c": [H]}`
//! - general BM: `{"n": N, "W": [[…N…] × N rows], "b": [N]}`, W symmetric with a zero
//!   diagonal; an optional `"n_visible"` says how many of the N units are visible (default: all).
//!
//! Unknown keys are ignored. Sizes are checked against the arrays before anything is built.
//! In numpy: `d = json.load(open("rbm.json")); W = np.array(d["W"])`.

use super::PersistError;
use super::atomic::write_bytes;
use super::read::read_text;
use crate::engine::boltzmann::{BoltzmannMachine, Connectivity};
use crate::engine::error::check_len;
use crate::engine::rbm::Rbm;
use crate::sim::model::ImportedModel;
use ndarray::{Array1, Array2};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Weights files larger than this are refused unread.
pub const MAX_WEIGHTS_BYTES: u64 = 128 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct RbmJson {
    n_visible: usize,
    n_hidden: usize,
    #[serde(rename = "W")]
    w: Vec<Vec<f32>>,
    b: Vec<f32>,
    c: Vec<f32>,
}

#[derive(Serialize, Deserialize)]
struct BmJson {
    n: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n_visible: Option<usize>,
    #[serde(rename = "W")]
    w: Vec<Vec<f64>>,
    b: Vec<f64>,
}

/// The JSON text of an RBM.
pub fn rbm_to_json(rbm: &Rbm) -> String {
    let file = RbmJson {
        n_visible: rbm.n_visible(),
        n_hidden: rbm.n_hidden(),
        w: rbm
            .weights()
            .rows()
            .into_iter()
            .map(|r| r.to_vec())
            .collect(),
        b: rbm.visible_bias().to_vec(),
        c: rbm.hidden_bias().to_vec(),
    };
    serde_json::to_string(&file).unwrap_or_default()
}

/// The JSON text of a general Boltzmann machine.
pub fn bm_to_json(bm: &BoltzmannMachine) -> String {
    let n = bm.n();
    let file = BmJson {
        n,
        n_visible: (bm.n_visible() != n).then_some(bm.n_visible()),
        w: bm.weights().chunks(n).map(<[f64]>::to_vec).collect(),
        b: bm.biases().to_vec(),
    };
    serde_json::to_string(&file).unwrap_or_default()
}

/// Which keys a weights file has (their values are skipped).
#[derive(Deserialize)]
struct Keys {
    n_visible: Option<IgnoredAny>,
    n_hidden: Option<IgnoredAny>,
    n: Option<IgnoredAny>,
}

/// Reads either kind, telling them apart by their keys.
pub fn model_from_json(text: &str) -> Result<ImportedModel, PersistError> {
    // The keys first, skipping every value unread: a generic JSON tree of a large file would
    // take several times its size in memory.
    let keys: Keys = serde_json::from_str(text).map_err(json_error)?;
    if keys.n_visible.is_some() && keys.n_hidden.is_some() {
        let file: RbmJson = serde_json::from_str(text).map_err(json_error)?;
        rbm_from_json(file).map(ImportedModel::Rbm)
    } else if keys.n.is_some() {
        let file: BmJson = serde_json::from_str(text).map_err(json_error)?;
        bm_from_json(file).map(ImportedModel::Boltzmann)
    } else {
        Err(PersistError::Other(
            "neither RBM weights {\"n_visible\", \"n_hidden\", \"W\", \"b\", \"c\"} nor \
             Boltzmann-machine weights {\"n\", \"W\", \"b\"}"
                .into(),
        ))
    }
}

fn rbm_from_json(file: RbmJson) -> Result<Rbm, PersistError> {
    let (nv, nh) = (file.n_visible, file.n_hidden);
    if nv == 0 || nh == 0 {
        return Err(PersistError::Other(format!(
            "an RBM of {nv} × {nh} units is not allowed (at least one unit a layer)"
        )));
    }
    crate::engine::limits::check_weights("the RBM's weights", nv, nh)?;
    check_len("\"W\" rows (n_visible)", nv, file.w.len())?;
    for (i, row) in file.w.iter().enumerate() {
        check_len(&format!("\"W\" row {i} (n_hidden)"), nh, row.len())?;
    }
    check_len("\"b\" (n_visible)", nv, file.b.len())?;
    check_len("\"c\" (n_hidden)", nh, file.c.len())?;
    let flat: Vec<f32> = file.w.into_iter().flatten().collect();
    let w =
        Array2::from_shape_vec((nv, nh), flat).map_err(|e| PersistError::Other(e.to_string()))?;
    Ok(Rbm::from_parts(
        w,
        Array1::from(file.b),
        Array1::from(file.c),
    )?)
}

fn bm_from_json(file: BmJson) -> Result<BoltzmannMachine, PersistError> {
    let n = file.n;
    crate::engine::limits::check_net(n, 0)?;
    check_len("\"W\" rows (n)", n, file.w.len())?;
    for (i, row) in file.w.iter().enumerate() {
        check_len(&format!("\"W\" row {i} (n)"), n, row.len())?;
    }
    check_len("\"b\" (n)", n, file.b.len())?;
    let n_visible = file.n_visible.unwrap_or(n);
    if n_visible == 0 {
        return Err(PersistError::Other(
            "\"n_visible\" is 0: a Boltzmann machine needs at least one visible unit".into(),
        ));
    }
    let weights = file.w.into_iter().flatten().collect();
    Ok(BoltzmannMachine::from_weights(
        n_visible,
        weights,
        file.b,
        Connectivity::Full,
    )?)
}

/// Writes a model's weights as JSON, atomically.
pub fn save_weights(path: &Path, model: &ImportedModel) -> Result<(), PersistError> {
    let text = match model {
        ImportedModel::Rbm(rbm) => rbm_to_json(rbm),
        ImportedModel::Boltzmann(bm) => bm_to_json(bm),
    };
    write_bytes(path, text.as_bytes())
}

/// Reads a weights file.
pub fn load_weights(path: &Path) -> Result<ImportedModel, PersistError> {
    model_from_json(&read_text(path, MAX_WEIGHTS_BYTES)?)
}

fn json_error(e: serde_json::Error) -> PersistError {
    PersistError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}
