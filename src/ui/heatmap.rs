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

/// Draws `data` (rows × cols, row-major) as a heatmap `side` points wide at most, with a legend.
/// `label_of(i)` names a row/column unit in the hover text.
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
    let (rows, cols) = shape;
    if rows == 0 || cols == 0 || data.len() != rows * cols {
        ui.label(format!("{what}: nothing yet"));
        return;
    }
    let entry = cache.textures.get(key);
    let needs_build = entry.is_none_or(|(g, _, _)| *g != generation);
    if needs_build {
        let scale = data.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12);
        let pixels = data.iter().map(|&v| theme::diverging(v, scale)).collect();
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
    legend_ui(ui, *scale);
}

fn legend_ui(ui: &mut egui::Ui, scale: f32) {
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
