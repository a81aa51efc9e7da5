//! Heatmaps of matrices (weights, statistics) with a diverging colour map centred on zero.
//! The texture is rebuilt only when the data's generation changes.

use super::theme;
use egui::{ColorImage, TextureHandle, TextureOptions, vec2};
use std::collections::HashMap;

/// Cached textures, keyed by a name, with the generation they were built from.
#[derive(Default)]
pub struct HeatmapCache {
    textures: HashMap<String, (u64, f32, TextureHandle)>,
}

/// How a heatmap colours its values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HeatMap {
    /// Blue, white, red around zero, scaled by the largest |value|.
    Diverging,
    /// Light to dark from 0 to `max` (values that are never negative; panels that share one
    /// scale pass the same `max`).
    Sequential {
        /// The value drawn darkest.
        max: f32,
    },
}

/// Draws `data` (rows × cols, row-major) as a diverging heatmap `max_size` at most, with a
/// legend; `what` names an entry in the hover text.
#[allow(clippy::too_many_arguments)]
pub fn heatmap_ui(
    ui: &mut egui::Ui,
    cache: &mut HeatmapCache,
    key: &str,
    data: &[f32],
    shape: (usize, usize),
    generation: u64,
    max_size: egui::Vec2,
    what: &str,
) {
    styled_heatmap_ui(
        ui,
        cache,
        key,
        data,
        (shape, None),
        generation,
        max_size,
        what,
        HeatMap::Diverging,
    );
}

/// A heatmap with a colour map of choice; `layout.1`, when given, is where visible units end
/// and hidden ones begin along rows and columns, drawn as lines with the words beside.
#[allow(clippy::too_many_arguments)]
pub fn styled_heatmap_ui(
    ui: &mut egui::Ui,
    cache: &mut HeatmapCache,
    key: &str,
    data: &[f32],
    layout: ((usize, usize), Option<(usize, usize)>),
    generation: u64,
    max_size: egui::Vec2,
    what: &str,
    map: HeatMap,
) {
    let ((rows, cols), split) = layout;
    if rows == 0 || cols == 0 || data.len() != rows * cols {
        ui.label(format!("{what}: nothing yet"));
        return;
    }
    let scale = match map {
        HeatMap::Diverging => data.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12),
        HeatMap::Sequential { max } => max.max(1e-12),
    };
    let entry = cache.textures.get(key);
    let needs_build = entry.is_none_or(|(g, s, _)| *g != generation || *s != scale);
    if needs_build {
        let pixels = data
            .iter()
            .map(|&v| match map {
                HeatMap::Diverging => theme::diverging(v, scale),
                HeatMap::Sequential { .. } => theme::colour32(theme::sequential(v, scale)),
            })
            .collect();
        let image = ColorImage::new([cols, rows], pixels);
        let texture = ui.ctx().load_texture(key, image, TextureOptions::NEAREST);
        cache
            .textures
            .insert(key.to_owned(), (generation, scale, texture));
    }
    let Some((_, scale, texture)) = cache.textures.get(key) else {
        return;
    };
    let aspect = cols as f32 / rows as f32;
    let mut size = vec2(max_size.x, max_size.x / aspect);
    if size.y > max_size.y {
        size = vec2(max_size.y * aspect, max_size.y);
    }
    let response = ui.add(egui::Image::new((texture.id(), size)).sense(egui::Sense::hover()));
    if let Some(split) = split {
        split_marks_ui(ui, response.rect, (rows, cols), split);
    }
    if let Some(pos) = response.hover_pos() {
        let c = (((pos.x - response.rect.min.x) / size.x) * cols as f32) as usize;
        let r = (((pos.y - response.rect.min.y) / size.y) * rows as f32) as usize;
        if r < rows && c < cols {
            response.on_hover_text_at_pointer(format!(
                "{what}[{r}][{c}] = {:.4}\njoins unit {r} (row) and unit {c} (column)",
                data[r * cols + c]
            ));
        }
    }
    legend_ui(ui, *scale, map);
}

/// Lines between visible and hidden units over a statistics heatmap, the words at the edges.
fn split_marks_ui(
    ui: &egui::Ui,
    rect: egui::Rect,
    (rows, cols): (usize, usize),
    (split_rows, split_cols): (usize, usize),
) {
    let painter = ui.painter();
    let ink = ui.visuals().strong_text_color();
    let stroke = egui::Stroke::new(2.0, ink);
    let font = egui::FontId::proportional(11.0);
    if split_rows > 0 && split_rows < rows {
        let y = rect.top() + rect.height() * split_rows as f32 / rows as f32;
        painter.line_segment([egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)], stroke);
        painter.text(
            egui::pos2(rect.right() + 3.0, (y + rect.bottom()) / 2.0),
            egui::Align2::LEFT_CENTER,
            "hid.",
            font.clone(),
            ink,
        );
    }
    if split_cols > 0 && split_cols < cols {
        let x = rect.left() + rect.width() * split_cols as f32 / cols as f32;
        painter.line_segment([egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())], stroke);
        painter.text(
            egui::pos2((x + rect.right()) / 2.0, rect.bottom() + 1.0),
            egui::Align2::CENTER_TOP,
            "hidden",
            font.clone(),
            ink,
        );
    }
    painter.text(
        egui::pos2(rect.right() + 3.0, rect.top() + 8.0),
        egui::Align2::LEFT_CENTER,
        "vis.",
        font.clone(),
        ink,
    );
    painter.text(
        egui::pos2(rect.left() + 18.0, rect.bottom() + 1.0),
        egui::Align2::CENTER_TOP,
        "visible",
        font,
        ink,
    );
}

fn legend_ui(ui: &mut egui::Ui, scale: f32, map: HeatMap) {
    if let HeatMap::Sequential { .. } = map {
        ui.horizontal(|ui| {
            ui.label("0");
            let (rect, _) = ui.allocate_exact_size(vec2(140.0, 12.0), egui::Sense::hover());
            let steps = 28;
            for k in 0..steps {
                let t = (k as f32 + 0.5) / steps as f32;
                let x0 = rect.min.x + rect.width() * k as f32 / steps as f32;
                let r = egui::Rect::from_min_max(
                    egui::pos2(x0, rect.min.y),
                    egui::pos2(x0 + rect.width() / steps as f32 + 0.5, rect.max.y),
                );
                ui.painter()
                    .rect_filled(r, 0.0, theme::colour32(theme::sequential(t, 1.0)));
            }
            ui.label(format!("{scale:.3} (shared)"));
        });
        return;
    }
    ui.horizontal(|ui| {
        ui.label(format!("{:.3}", -scale));
        let (rect, _) = ui.allocate_exact_size(vec2(140.0, 12.0), egui::Sense::hover());
        let steps = 28;
        for k in 0..steps {
            let t = -1.0 + 2.0 * (k as f32 + 0.5) / steps as f32;
            let x0 = rect.min.x + rect.width() * k as f32 / steps as f32;
            let r = egui::Rect::from_min_max(
                egui::pos2(x0, rect.min.y),
                egui::pos2(x0 + rect.width() / steps as f32 + 0.5, rect.max.y),
            );
            ui.painter().rect_filled(r, 0.0, theme::diverging(t, 1.0));
        }
        ui.label(format!("+{scale:.3}"));
    });
}

/// Each hidden unit's receptive field (a column of W) as a small image: the filter mosaic.
pub fn filters_ui(
    ui: &mut egui::Ui,
    cache: &mut HeatmapCache,
    weights: &[f32],
    shape: (usize, usize),
    grid: (usize, usize),
    generation: u64,
) {
    let (nv, nh) = shape;
    let (gw, gh) = grid;
    if nv != gw * gh || nh == 0 {
        return;
    }
    let shown = nh.min(100);
    let per_row = (shown as f32).sqrt().ceil() as usize;
    let tile = (360.0 / per_row as f32).clamp(16.0, 64.0);
    egui::Grid::new("filters")
        .spacing(vec2(3.0, 3.0))
        .show(ui, |ui| {
            for j in 0..shown {
                let column: Vec<f32> = (0..nv).map(|i| weights[i * nh + j]).collect();
                let key = format!("filter{j}");
                let entry = cache.textures.get(&key);
                if entry.is_none_or(|(g, _, _)| *g != generation) {
                    let scale = column.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12);
                    let image = ColorImage::new(
                        [gw, gh],
                        column.iter().map(|&v| theme::diverging(v, scale)).collect(),
                    );
                    let texture = ui.ctx().load_texture(&key, image, TextureOptions::NEAREST);
                    cache
                        .textures
                        .insert(key.clone(), (generation, scale, texture));
                }
                if let Some((_, _, texture)) = cache.textures.get(&key) {
                    ui.add(egui::Image::new((
                        texture.id(),
                        vec2(tile, tile * gh as f32 / gw as f32),
                    )))
                    .on_hover_text(format!("hidden unit {j}: its weights to every pixel"));
                }
                if (j + 1) % per_row == 0 {
                    ui.end_row();
                }
            }
        });
}

/// Probabilities in [0, 1] on a `width × height` grid as grey levels (off colour → on colour),
/// at most `side` points wide; hovering shows the unit and its value.
#[allow(clippy::too_many_arguments)]
pub fn probability_image_ui(
    ui: &mut egui::Ui,
    cache: &mut HeatmapCache,
    key: &str,
    values: &[f32],
    grid: (usize, usize),
    generation: u64,
    side: f32,
    what: &str,
) {
    let (w, h) = grid;
    if w * h == 0 || values.len() != w * h {
        return;
    }
    if cache
        .textures
        .get(key)
        .is_none_or(|(g, _, _)| *g != generation)
    {
        let image = ColorImage::new([w, h], values.iter().map(|&p| theme::grey(p)).collect());
        let texture = ui.ctx().load_texture(key, image, TextureOptions::NEAREST);
        cache
            .textures
            .insert(key.to_owned(), (generation, 1.0, texture));
    }
    let Some((_, _, texture)) = cache.textures.get(key) else {
        return;
    };
    let size = vec2(side, side * h as f32 / w as f32);
    let response = ui.add(egui::Image::new((texture.id(), size)).sense(egui::Sense::hover()));
    if let Some(pos) = response.hover_pos() {
        let c = (((pos.x - response.rect.min.x) / size.x) * w as f32) as usize;
        let r = (((pos.y - response.rect.min.y) / size.y) * h as f32) as usize;
        if r < h && c < w {
            response.on_hover_text_at_pointer(format!(
                "{what}: unit {} = {:.3}",
                r * w + c,
                values[r * w + c]
            ));
        }
    }
}
