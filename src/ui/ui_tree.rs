//! What a frame shows, as a screen reader would read it: the AccessKit nodes egui builds,
//! written as JSON (`boltzviz screenshot --ui-tree FILE`) so scripts and tests can check that
//! each control shows the simulation's value.

use super::headless::HeadlessApp;
use super::{Intent, View};
use crate::sim::protocol::Command;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UiNode {
    /// AccessKit's role ("Slider", "CheckBox", "Button", "ComboBox", "Label", …).
    pub role: String,
    /// The label a screen reader reads.
    pub label: Option<String>,
    /// A text value (a combo box's selection, a text field).
    pub value: Option<String>,
    /// A numeric value (a slider, a drag value).
    pub numeric_value: Option<f64>,
    /// A checkbox or selectable's state.
    pub toggled: Option<bool>,
}

/// The nodes of a frame's AccessKit update (empty when AccessKit was off).
pub fn nodes(output: &egui::FullOutput) -> Vec<UiNode> {
    let Some(update) = &output.platform_output.accesskit_update else {
        return Vec::new();
    };
    // A slider is named by the label beside it (AccessKit's labelled-by relation).
    let labels: std::collections::HashMap<_, _> = update
        .nodes
        .iter()
        .filter_map(|(id, node)| Some((*id, node.label().or(node.value())?.to_owned())))
        .collect();
    update
        .nodes
        .iter()
        .map(|(_, node)| UiNode {
            role: format!("{:?}", node.role()),
            label: node.label().map(str::to_owned).or_else(|| {
                node.labelled_by()
                    .iter()
                    .find_map(|id| labels.get(id).cloned())
            }),
            value: node.value().map(str::to_owned),
            numeric_value: node.numeric_value(),
            toggled: node.toggled().map(|t| t == egui::accesskit::Toggled::True),
        })
        .filter(|n| n.label.is_some() || n.value.is_some() || n.numeric_value.is_some())
        .collect()
}

/// What to show before the tree is read.
pub struct TreeRequest {
    /// The view.
    pub view: View,
    /// Commands that set the scene up.
    pub setup: Vec<Command>,
    /// A session file to open instead.
    pub session: Option<PathBuf>,
    /// A lesson (0-based) to open with its scene instead.
    pub lesson: Option<usize>,
    /// Frames to draw first (at 60 a second, so the simulation answers).
    pub frames: u64,
}

/// Runs the app headless as asked and returns the last frame's nodes.
pub fn capture(request: TreeRequest) -> Vec<UiNode> {
    let mut headless = HeadlessApp::new(request.setup).with_accessibility();
    if let Some(path) = request.session {
        headless.app.open_session(path);
    }
    if let Some(k) = request.lesson {
        headless.app.state.intents.push(Intent::OpenLesson(k));
    }
    for _ in 0..request.frames.max(2) {
        let (_, spent) = headless.frame_output(request.view);
        HeadlessApp::pace(spent);
    }
    // A last frame once the simulation has surely answered everything sent.
    std::thread::sleep(Duration::from_millis(50));
    nodes(&headless.frame_output(request.view).0)
}
