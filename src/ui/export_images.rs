//! Pictures of what is on screen, for File › Export: the visible grid, the weight heatmap and
//! the RBM filter mosaic, in the app's own colours.

use super::theme;
use crate::persist::export::RgbImage;
use crate::sim::Snapshot;
use crate::sim::protocol::ModelKind;

/// Pixels per cell, chosen so small grids still make a usable picture.
fn cell_pixels(cells_across: usize, target: usize) -> usize {
    (target / cells_across.max(1)).clamp(2, 32)
}

fn rgb(c: egui::Color32) -> [u8; 3] {
    [c.r(), c.g(), c.b()]
}

/// The visible grid, on units in the "on" colour.
pub fn grid_image(snapshot: &Snapshot) -> Option<RgbImage> {
    let (w, h) = snapshot.settings.grid;
    if w * h == 0 || snapshot.visible.len() != w * h {
        return None;
    }
    let scale = cell_pixels(w.max(h), 320);
    Some(RgbImage::from_cells(w, h, scale, |x, y| {
        rgb(if snapshot.visible[y * w + x] != 0 {
            theme::UNIT_ON
        } else {
            theme::UNIT_OFF
        })
    }))
}

/// The weight matrix, blue below zero and red above, scaled by the largest |w|.
pub fn heatmap_image(snapshot: &Snapshot) -> Option<RgbImage> {
    let (rows, cols) = snapshot.weights_shape;
    let w = &snapshot.weights;
    if rows * cols == 0 || w.len() != rows * cols {
        return None;
    }
    let scale = w.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12);
    let pixels = cell_pixels(rows.max(cols), 600);
    Some(RgbImage::from_cells(cols, rows, pixels, |x, y| {
        rgb(theme::diverging(w[y * cols + x], scale))
    }))
}

/// Each hidden unit's weights to the visible grid as a tile, tiles in a near-square mosaic
/// with a one-cell gap (RBMs only).
pub fn filters_image(snapshot: &Snapshot) -> Option<RgbImage> {
    let (nv, nh) = snapshot.weights_shape;
    let (gw, gh) = snapshot.settings.grid;
    if snapshot.settings.kind != ModelKind::Rbm || nv != gw * gh || nh == 0 {
        return None;
    }
    let w = &snapshot.weights;
    let per_row = (nh as f64).sqrt().ceil() as usize;
    let rows = nh.div_ceil(per_row);
    let (cols_cells, rows_cells) = (per_row * (gw + 1) + 1, rows * (gh + 1) + 1);
    let scales: Vec<f32> = (0..nh)
        .map(|j| {
            (0..nv)
                .fold(0.0f32, |m, i| m.max(w[i * nh + j].abs()))
                .max(1e-12)
        })
        .collect();
    let pixels = cell_pixels(cols_cells.max(rows_cells), 800);
    Some(RgbImage::from_cells(
        cols_cells,
        rows_cells,
        pixels,
        |x, y| {
            let (tx, ty) = (x / (gw + 1), y / (gh + 1));
            let (cx, cy) = (x % (gw + 1), y % (gh + 1));
            let j = ty * per_row + tx;
            if cx == 0 || cy == 0 || j >= nh {
                return rgb(theme::GRID_LINE);
            }
            let i = (cy - 1) * gw + (cx - 1);
            rgb(theme::diverging(w[i * nh + j], scales[j]))
        },
    ))
}
