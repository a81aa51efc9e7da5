//! The neuron grid: one square a unit, painted with the mouse, with hover details.

use super::theme;
use egui::{Rect, Sense, Stroke, Vec2, vec2};

/// What the brush does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Brush {
    /// Left paints on, right paints off.
    #[default]
    Draw,
    /// Left clamps, right releases.
    Clamp,
}

/// What the person did on the grid this frame.
#[derive(Default)]
pub struct GridEdits {
    /// (unit, value) to set.
    pub draw: Vec<(usize, u8)>,
    /// (unit, clamped) to set.
    pub clamp: Vec<(usize, bool)>,
    /// The unit under the pointer.
    pub hovered: Option<usize>,
}

/// What the grid shows.
pub struct GridData<'a> {
    /// Grid width and height.
    pub size: (usize, usize),
    /// 0/1 states.
    pub states: &'a [u8],
    /// P(on) (shown as grey when `show_probability`).
    pub p_on: &'a [f32],
    /// Clamp mask (may be empty).
    pub clamped: &'a [bool],
    /// Inputs x_i for the hover text (may be empty).
    pub inputs: &'a [f32],
    /// Biases for the hover text (may be empty).
    pub biases: &'a [f32],
    /// Temperature for the hover formula.
    pub temperature: f64,
    /// The unit the last single-unit step updated (ringed).
    pub last_unit: Option<usize>,
}

/// Draws a grid of at most `max_side` points; paints when `brush` is given. Returns the edits.
pub fn grid_ui(
    ui: &mut egui::Ui,
    id: &str,
    data: &GridData,
    max_side: f32,
    show_probability: bool,
    brush: Option<(Brush, usize)>,
) -> GridEdits {
    let (w, h) = data.size;
    let mut edits = GridEdits::default();
    if w == 0 || h == 0 {
        ui.label("(no units)");
        return edits;
    }
    let cell = (max_side / w.max(h) as f32).min(theme::MAX_CELL);
    let sense = if brush.is_some() {
        Sense::click_and_drag()
    } else {
        Sense::hover()
    };
    let (rect, response) = ui.allocate_exact_size(vec2(cell * w as f32, cell * h as f32), sense);
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, format!("{id} grid")));
    let painter = ui.painter_at(rect);
    for k in 0..(w * h).min(data.states.len()) {
        let (c, r) = (k % w, k / w);
        let min = rect.min + vec2(c as f32 * cell, r as f32 * cell);
        let cell_rect = Rect::from_min_size(min, Vec2::splat(cell)).shrink(cell * 0.06);
        let fill = if show_probability {
            theme::grey(data.p_on.get(k).copied().unwrap_or(0.0))
        } else if data.states[k] == 1 {
            theme::UNIT_ON
        } else {
            theme::UNIT_OFF
        };
        painter.rect_filled(cell_rect, cell * 0.12, fill);
        if data.clamped.get(k).copied().unwrap_or(false) {
            painter.rect_stroke(
                cell_rect,
                cell * 0.12,
                Stroke::new((cell * 0.12).max(1.5), theme::CLAMP),
                egui::StrokeKind::Inside,
            );
        }
    }
    if let Some(k) = data.last_unit.filter(|&k| k < w * h) {
        let min = rect.min + vec2((k % w) as f32 * cell, (k / w) as f32 * cell);
        painter.rect_stroke(
            Rect::from_min_size(min, Vec2::splat(cell)),
            cell * 0.12,
            Stroke::new((cell * 0.1).max(2.0), theme::LAST_UNIT),
            egui::StrokeKind::Inside,
        );
    }
    painter.rect_stroke(
        rect,
        2.0,
        Stroke::new(1.0, theme::GRID_LINE),
        egui::StrokeKind::Outside,
    );
    let unit_at = |p: egui::Pos2| -> Option<usize> {
        if !rect.contains(p) {
            return None;
        }
        let c = ((p.x - rect.min.x) / cell) as usize;
        let r = ((p.y - rect.min.y) / cell) as usize;
        (c < w && r < h).then_some(r * w + c)
    };
    if let Some(pos) = response.hover_pos()
        && let Some(k) = unit_at(pos)
    {
        edits.hovered = Some(k);
        let x = data.inputs.get(k).copied().unwrap_or(0.0);
        let p = data.p_on.get(k).copied().unwrap_or(0.0);
        let b = data.biases.get(k).copied().unwrap_or(0.0);
        let clamped = if data.clamped.get(k).copied().unwrap_or(false) {
            " (clamped)"
        } else {
            ""
        };
        let formula = if data.temperature > 0.0 {
            format!(
                "P(on) = σ(x/T) = σ({x:.2} / {:.2}) = {p:.3}",
                data.temperature
            )
        } else {
            format!("T = 0: on if x > 0, so P(on) = {p:.0}")
        };
        response.clone().on_hover_text_at_pointer(format!(
            "unit {k} (row {}, col {}){clamped}\nstate s = {}\ninput x = Σ w s + b = {x:.3}\nbias b = {b:.3}\n{formula}",
            k / w,
            k % w,
            data.states[k]
        ));
    }
    if let Some((mode, size)) = brush {
        let (primary_down, secondary_down, pointer) = ui.input(|i| {
            (
                i.pointer.primary_down(),
                i.pointer.secondary_down(),
                i.pointer.interact_pos(),
            )
        });
        // Held and moving: paint along the path from where the pointer was last frame, so a
        // fast stroke leaves no gaps. A click that pressed and let go within one frame paints
        // its cell too.
        let held = (primary_down || secondary_down)
            && (response.is_pointer_button_down_on() || response.dragged());
        let clicked_on = response.clicked();
        let clicked_off = response.secondary_clicked();
        let last_id = response.id.with("last pointer");
        if (held || clicked_on || clicked_off)
            && let Some(pos) = pointer.or(response.interact_pointer_pos())
        {
            let on = if held { primary_down } else { clicked_on };
            let from = if held {
                ui.data(|d| d.get_temp::<egui::Pos2>(last_id))
                    .unwrap_or(pos)
            } else {
                pos
            };
            let steps = ((pos - from).length() / (cell * 0.34)).ceil().max(1.0) as usize;
            let mut centres: Vec<usize> = (0..=steps)
                .filter_map(|k| unit_at(from.lerp(pos, k as f32 / steps as f32)))
                .collect();
            centres.dedup();
            let radius = size.saturating_sub(1) as isize;
            let mut painted = std::collections::HashSet::new();
            for center in centres {
                let (cc, cr) = ((center % w) as isize, (center / w) as isize);
                for dr in -radius..=radius {
                    for dc in -radius..=radius {
                        let (c, r) = (cc + dc, cr + dr);
                        if c < 0 || r < 0 || c >= w as isize || r >= h as isize {
                            continue;
                        }
                        let k = r as usize * w + c as usize;
                        if !painted.insert(k) {
                            continue;
                        }
                        match mode {
                            Brush::Draw => edits.draw.push((k, u8::from(on))),
                            Brush::Clamp => edits.clamp.push((k, on)),
                        }
                    }
                }
            }
            if held {
                ui.data_mut(|d| d.insert_temp(last_id, pos));
            }
        }
        if !held {
            ui.data_mut(|d| d.remove::<egui::Pos2>(last_id));
        }
    }
    edits
}
