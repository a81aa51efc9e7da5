//! Every colour and size of the app.

use egui::Color32;

/// A unit that is on.
pub const UNIT_ON: Color32 = Color32::from_rgb(250, 200, 60);
/// A unit that is off.
pub const UNIT_OFF: Color32 = Color32::from_rgb(30, 34, 48);
/// Outline of a clamped unit.
pub const CLAMP: Color32 = Color32::from_rgb(90, 200, 255);
/// Grid lines between units.
pub const GRID_LINE: Color32 = Color32::from_rgb(60, 64, 80);
/// The main network's trace.
pub const TRACE_MAIN: Color32 = Color32::from_rgb(250, 170, 60);
/// The held-out (validation) learning curve.
pub const CURVE_HELD_OUT: Color32 = Color32::from_rgb(120, 180, 255);
/// The T = 0 twin's trace.
pub const TRACE_DESCENT: Color32 = Color32::from_rgb(120, 180, 255);
/// Reference lines (stored-pattern energies).
pub const REFERENCE: Color32 = Color32::from_rgb(140, 140, 150);
/// Exact probabilities.
pub const EXACT: Color32 = Color32::from_rgb(120, 180, 255);
/// Sampled frequencies.
pub const SAMPLED: Color32 = Color32::from_rgb(250, 170, 60);
/// The i.i.d. floor of the TV distance and its 99 % band.
pub const FLOOR: Color32 = Color32::from_rgb(120, 220, 140);
/// A neighbour pair of tempering replicas that swapped in the last round.
pub const SWAPPED: Color32 = Color32::from_rgb(255, 90, 200);
/// Largest side of one tempering replica's grid (points).
pub const REPLICA_SIDE: f32 = 72.0;
/// Width of the tempering ladder's text field (points).
pub const LADDER_TEXT_WIDTH: f32 = 420.0;
/// States shown in the tempering view's histogram (the most probable first).
pub const HISTOGRAM_STATES: usize = 16;
/// Error text.
pub const ERROR: Color32 = Color32::from_rgb(255, 110, 110);
/// Good news text (recalled), and the first-launch hint.
pub const GOOD: Color32 = Color32::from_rgb(120, 220, 140);
/// Warning text (spurious).
pub const WARN: Color32 = Color32::from_rgb(255, 200, 90);
/// Negative end of the diverging weight map.
pub const NEGATIVE: [u8; 3] = [40, 110, 230];
/// Zero of the diverging map.
pub const ZERO: [u8; 3] = [245, 245, 245];
/// Positive end of the diverging map.
pub const POSITIVE: [u8; 3] = [215, 50, 40];

/// Ring around the unit the last single-unit step updated.
pub const LAST_UNIT: Color32 = Color32::from_rgb(255, 90, 200);
/// Radius of the edit markers on the energy trace.
pub const TRACE_MARK_RADIUS: f32 = 4.0;

/// The colour and marker shape of an edit on the energy trace.
pub fn trace_mark_style(
    mark: crate::sim::protocol::TraceMark,
) -> (Color32, egui_plot::MarkerShape) {
    use crate::sim::protocol::TraceMark;
    use egui_plot::MarkerShape;
    match mark {
        TraceMark::Start => (Color32::from_rgb(235, 235, 235), MarkerShape::Circle),
        TraceMark::Drawn => (Color32::from_rgb(250, 200, 60), MarkerShape::Square),
        TraceMark::Clamped => (CLAMP, MarkerShape::Diamond),
        TraceMark::Noise => (Color32::from_rgb(255, 110, 110), MarkerShape::Asterisk),
        TraceMark::Pattern => (GOOD, MarkerShape::Up),
        TraceMark::Edited => (Color32::from_rgb(200, 150, 255), MarkerShape::Cross),
        TraceMark::Weights => (Color32::from_rgb(255, 90, 200), MarkerShape::Down),
    }
}

/// Largest side of one grid cell in points.
pub const MAX_CELL: f32 = 34.0;
/// Height kept below the network grid for the energy trace and its labels (points).
pub const TRACE_ROOM: f32 = 230.0;
/// Width of the control panel.
pub const CONTROL_PANEL_WIDTH: f32 = 270.0;
/// Height of trace plots.
pub const PLOT_HEIGHT: f32 = 200.0;

/// The diverging colour of `value / scale` ∈ [-1, 1]: blue, white, red.
pub fn diverging(value: f32, scale: f32) -> Color32 {
    let t = if scale > 0.0 {
        (value / scale).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let (end, a) = if t < 0.0 {
        (NEGATIVE, -t)
    } else {
        (POSITIVE, t)
    };
    let mix = |k: usize| {
        (f32::from(ZERO[k]) + (f32::from(end[k]) - f32::from(ZERO[k])) * a).round() as u8
    };
    Color32::from_rgb(mix(0), mix(1), mix(2))
}

/// A grey level for a probability in [0, 1].
pub fn grey(p: f32) -> Color32 {
    let off = UNIT_OFF;
    let on = UNIT_ON;
    let p = p.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * p).round() as u8;
    Color32::from_rgb(
        mix(off.r(), on.r()),
        mix(off.g(), on.g()),
        mix(off.b(), on.b()),
    )
}

/// The Gradient panel's series: exact, CD-1, CD-k, PCD.
pub const GRADIENT_SERIES: [Color32; 4] = [
    Color32::from_rgb(120, 180, 255),
    Color32::from_rgb(250, 170, 60),
    Color32::from_rgb(220, 110, 200),
    Color32::from_rgb(110, 210, 140),
];
/// Basin colours of the energy landscape, cycled when there are more basins.
pub const BASINS: [Color32; 8] = [
    Color32::from_rgb(230, 120, 80),
    Color32::from_rgb(110, 190, 120),
    Color32::from_rgb(120, 150, 240),
    Color32::from_rgb(220, 190, 80),
    Color32::from_rgb(200, 110, 200),
    Color32::from_rgb(90, 200, 200),
    Color32::from_rgb(240, 150, 170),
    Color32::from_rgb(170, 170, 110),
];
/// Edges between neighbouring states.
pub const LANDSCAPE_EDGE: Color32 = Color32::from_rgba_premultiplied(70, 74, 90, 90);

/// Figures for slides and recordings (PNG, SVG, GIF): white paper.
pub const FIGURE_PAPER: [u8; 3] = [255, 255, 255];
/// Figures: text and axes.
pub const FIGURE_INK: [u8; 3] = [35, 38, 48];
/// Figures: the light grid behind the curves.
pub const FIGURE_GRID: [u8; 3] = [226, 228, 236];
/// Figures: lines on white that read at a distance (the app's trace orange and blue, darkened).
pub const FIGURE_MAIN: [u8; 3] = [225, 115, 0];
/// Figures: the second line (T = 0 twin, exact values).
pub const FIGURE_SECOND: [u8; 3] = [30, 100, 200];
/// Figures: held-out or third lines.
pub const FIGURE_THIRD: [u8; 3] = [40, 150, 70];

/// One colour per stored pattern (Tableau 10, readable on dark and light backgrounds alike),
/// cycled past ten: the trace's pattern lines, their legend dots and the figures.
pub const PATTERNS: [[u8; 3]; 10] = [
    [78, 121, 167],
    [242, 142, 43],
    [225, 87, 89],
    [118, 183, 178],
    [89, 161, 79],
    [237, 201, 72],
    [176, 122, 161],
    [255, 157, 167],
    [156, 117, 95],
    [186, 176, 172],
];

/// The colour of stored pattern k.
pub fn pattern_colour(k: usize) -> [u8; 3] {
    PATTERNS[k % PATTERNS.len()]
}

/// Light end of the sequential map (value 0).
pub const SEQUENTIAL_LOW: [u8; 3] = [247, 251, 255];
/// Dark end of the sequential map (the largest value).
pub const SEQUENTIAL_HIGH: [u8; 3] = [8, 48, 107];

/// The sequential colour of `value / max` ∈ [0, 1]: near-white to dark blue, for quantities
/// that are never negative (⟨sᵢsⱼ⟩, probabilities).
pub fn sequential(value: f32, max: f32) -> [u8; 3] {
    let t = if max > 0.0 {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |k: usize| {
        (f32::from(SEQUENTIAL_LOW[k])
            + (f32::from(SEQUENTIAL_HIGH[k]) - f32::from(SEQUENTIAL_LOW[k])) * t)
            .round() as u8
    };
    [mix(0), mix(1), mix(2)]
}

/// An sRGB triple as an egui colour.
pub fn colour32(rgb: [u8; 3]) -> Color32 {
    Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// An egui colour as an sRGB triple.
pub fn rgb(c: Color32) -> [u8; 3] {
    [c.r(), c.g(), c.b()]
}

/// A signal colour made readable on the current background: as it is on the dark theme, about
/// half as bright on the light one (the dark theme's pale green on white would vanish on a
/// projector).
pub fn readable(dark_mode: bool, c: Color32) -> Color32 {
    if dark_mode {
        c
    } else {
        let dim = |v: u8| (f32::from(v) * 0.55).round() as u8;
        Color32::from_rgb(dim(c.r()), dim(c.g()), dim(c.b()))
    }
}

/// A label in a signal colour (GOOD, WARN, ERROR…), readable on either theme.
pub fn signal_label(
    ui: &mut egui::Ui,
    c: Color32,
    text: impl Into<egui::RichText>,
) -> egui::Response {
    let c = readable(ui.visuals().dark_mode, c);
    ui.colored_label(c, text)
}
