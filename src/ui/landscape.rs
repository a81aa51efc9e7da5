//! The energy landscape view: all 2ⁿ states of a small net as points (height = energy),
//! neighbours one flip apart joined, local minima ringed, each state coloured by the basin its
//! T = 0 descent ends in, and the two chains moving over it live.

use super::theme;
use crate::engine::landscape::{Landscape, state_of};
use crate::engine::math::log_sum_exp;
use crate::sim::Snapshot;
use crate::sim::protocol::LandscapeView;
use egui::{Pos2, Rect, Sense, Stroke, pos2, vec2};

/// Each state's slot from the left: basins left to right (lowest minimum first), each drawn as
/// a valley — its minimum in the middle, higher states alternately right and left of it.
pub fn slots(l: &Landscape) -> Vec<usize> {
    let states = l.energies.len();
    let rank_of_minimum = |m: usize| l.minima.iter().position(|&x| x == m).unwrap_or(usize::MAX);
    let mut order: Vec<usize> = (0..states).collect();
    order.sort_by(|&a, &b| {
        rank_of_minimum(l.basin[a])
            .cmp(&rank_of_minimum(l.basin[b]))
            .then(l.energies[a].total_cmp(&l.energies[b]))
    });
    let mut slot_of = vec![0usize; states];
    let mut start = 0;
    while start < states {
        let basin = l.basin[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&k| l.basin[k] == basin)
                .count();
        let m = end - start;
        for (j, &k) in order[start..end].iter().enumerate() {
            // 0, +1, −1, +2, −2, … around the middle of the block.
            let offset = if j % 2 == 1 {
                (j as i64 + 1) / 2
            } else {
                -(j as i64 / 2)
            };
            let slot = (m as i64 - 1) / 2 + offset;
            slot_of[k] = start + slot.clamp(0, m as i64 - 1) as usize;
        }
        start = end;
    }
    slot_of
}

/// Screen positions of every state: x from its [`slots`], y the energy, high at the top.
fn layout(view: &LandscapeView, rect: Rect) -> Vec<Pos2> {
    let l = &view.landscape;
    let states = l.energies.len();
    let (lo, hi) = l
        .energies
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &e| {
            (a.min(e), b.max(e))
        });
    let span = (hi - lo).max(1e-9);
    slots(l)
        .iter()
        .zip(&l.energies)
        .map(|(&slot, &e)| {
            let x = rect.left() + rect.width() * (slot as f32 + 0.5) / states as f32;
            let y = rect.bottom() - rect.height() * ((e - lo) / span) as f32;
            pos2(x, y)
        })
        .collect()
}

fn basin_colour(view: &LandscapeView, k: usize) -> egui::Color32 {
    let l = &view.landscape;
    let rank = l.minima.iter().position(|&m| m == l.basin[k]).unwrap_or(0);
    theme::BASINS[rank % theme::BASINS.len()]
}

/// The view.
pub fn landscape_ui(ui: &mut egui::Ui, snap: &Snapshot) {
    let Some(view) = &snap.landscape else {
        ui.label(
            "The landscape shows every state of a net with at most 12 units. Choose a small \
             model: Kind \"Boltzmann machine\" with Patterns \"3-bit parity\", or a Hopfield net on a \
             blank 3 × 3 grid.",
        );
        return;
    };
    let l = &view.landscape;
    ui.label(format!(
        "{} states of {} units, {} local minima. Colour: the basin (where T = 0 descent from the \
         state ends). Ringed dots: local minima. Orange circle: the sampled state at T = {:.2}; \
         blue circle: the T = 0 twin. Lines join states one flip apart.",
        l.energies.len(),
        l.n,
        l.minima.len(),
        snap.temperature
    ));
    let size = vec2(
        ui.available_width().max(300.0),
        (ui.available_height() - 10.0).max(260.0),
    );
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, theme::UNIT_OFF);
    let inner = rect.shrink(16.0);
    let positions = layout(view, inner);
    let states = l.energies.len();
    for k in 0..states {
        for i in 0..l.n {
            let j = k ^ (1 << i);
            if j > k {
                painter.line_segment(
                    [positions[k], positions[j]],
                    Stroke::new(0.5, theme::LANDSCAPE_EDGE),
                );
            }
        }
    }
    let radius = if states > 1024 { 1.8 } else { 3.0 };
    for (k, &p) in positions.iter().enumerate() {
        painter.circle_filled(p, radius, basin_colour(view, k));
    }
    for &m in &l.minima {
        painter.circle_stroke(
            positions[m],
            radius + 4.0,
            Stroke::new(1.5, basin_colour(view, m)),
        );
    }
    painter.circle_stroke(
        positions[view.descent_state],
        11.0,
        Stroke::new(2.5, theme::TRACE_DESCENT),
    );
    painter.circle_stroke(
        positions[view.state],
        8.0,
        Stroke::new(2.5, theme::TRACE_MAIN),
    );
    if let Some(pointer) = response.hover_pos() {
        let nearest = (0..states).min_by(|&a, &b| {
            positions[a]
                .distance(pointer)
                .total_cmp(&positions[b].distance(pointer))
        });
        if let Some(k) = nearest.filter(|&k| positions[k].distance(pointer) < 10.0) {
            response.on_hover_ui_at_pointer(|ui| state_tooltip(ui, view, k, snap));
        }
    }
}

/// A hovered state: its units as a small grid, its energy and its probability at T.
fn state_tooltip(ui: &mut egui::Ui, view: &LandscapeView, k: usize, snap: &Snapshot) {
    let l = &view.landscape;
    let bits = state_of(k, l.n);
    let (w, h) = snap.settings.grid;
    let cell = 12.0;
    let visible = (w * h).min(l.n);
    let rows = if visible == 0 {
        0
    } else {
        visible.div_ceil(w.max(1))
    };
    let hidden = l.n - visible;
    let (rect, _) = ui.allocate_exact_size(
        vec2(
            cell * w.max(hidden).max(1) as f32,
            cell * (rows as f32 + if hidden > 0 { 1.5 } else { 0.0 }),
        ),
        Sense::hover(),
    );
    let paint = |i: usize, x: f32, y: f32| {
        let r = Rect::from_min_size(pos2(x, y), vec2(cell - 1.0, cell - 1.0));
        let on = bits[i] != 0;
        ui.painter()
            .rect_filled(r, 2.0, if on { theme::UNIT_ON } else { theme::GRID_LINE });
    };
    for i in 0..visible {
        paint(
            i,
            rect.left() + cell * (i % w) as f32,
            rect.top() + cell * (i / w) as f32,
        );
    }
    for j in 0..hidden {
        paint(
            visible + j,
            rect.left() + cell * j as f32,
            rect.top() + cell * (rows as f32 + 0.5),
        );
    }
    let e = l.energies[k] + view.energy_offset;
    ui.label(format!("state {k}   E = {e:.3}"));
    let t = snap.temperature;
    if t > 0.0 {
        let log_weights: Vec<f64> = l.energies.iter().map(|e| -e / t).collect();
        let log_z = log_sum_exp(&log_weights);
        ui.label(format!(
            "P = e^(−E/T) / Z = {:.4}   (T = {t:.2}, log Z = {log_z:.3})",
            (log_weights[k] - log_z).exp()
        ));
    } else {
        ui.label("T = 0: the dynamics only roll downhill");
    }
    let basin = l.basin[k];
    if basin == k {
        ui.label("a local minimum");
    } else {
        ui.label(format!(
            "descent ends in state {basin} (E = {:.3})",
            l.energies[basin] + view.energy_offset
        ));
    }
}
