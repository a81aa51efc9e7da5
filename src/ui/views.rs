//! The central views and the status bar.

use super::format::thousands;
use super::grid::{GridData, grid_ui};
use super::heatmap::{
    HeatMap, HeatmapCache, filters_ui, heatmap_ui, probability_image_ui, styled_heatmap_ui,
};
use super::{UiState, View, theme};
use crate::engine::anneal::Schedule;
use crate::sim::protocol::{Command, ModelKind, RbmWalkView, Snapshot, TraceMark};
use egui_plot::{Bar, BarChart, HLine, Legend, Line, Plot, PlotPoints, Points, VLine};

/// Draws the current view.
pub fn view_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    state: &mut UiState,
    heatmaps: &mut HeatmapCache,
    out: &mut Vec<Command>,
) {
    match state.view {
        View::Network => network_ui(ui, snap, state, out),
        View::Compare => compare_ui(ui, snap, state, out),
        View::Distribution => distribution_ui(ui, snap),
        View::Weights => weights_ui(ui, snap, heatmaps),
        View::Landscape => super::landscape::landscape_ui(ui, snap),
        View::Tempering => super::tempering_view::tempering_ui(ui, snap, out),
        View::Learning => {
            super::controls::learning_ui(ui, snap, out);
            super::rbm_rules_ui::rbm_rules_ui(ui, snap, &mut state.intents, out);
            ui.separator();
            learning_ui(ui, snap, heatmaps);
            super::gradient_panel::gradient_ui(ui, snap, heatmaps, out);
        }
    }
}

fn visible_data<'a>(snap: &'a Snapshot, states: &'a [u8]) -> GridData<'a> {
    GridData {
        size: snap.settings.grid,
        states,
        p_on: &snap.visible_p_on,
        clamped: &snap.clamped,
        inputs: &snap.visible_input,
        biases: &snap.visible_bias,
        temperature: snap.temperature,
        last_unit: snap.last_unit.map(|u| u.unit),
    }
}

fn send_edits(edits: super::grid::GridEdits, out: &mut Vec<Command>) {
    if !edits.draw.is_empty() {
        out.push(Command::Draw(edits.draw));
    }
    if !edits.clamp.is_empty() {
        out.push(Command::SetClamp(edits.clamp));
    }
}

fn network_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.label("Visible units — draw with the mouse (left on, right off)");
            // As large as fits while leaving the energy trace below in view (presentation mode
            // zooms everything, so the room left is smaller).
            let side = (ui.available_height() - theme::TRACE_ROOM).clamp(120.0, 420.0);
            let edits = grid_ui(
                ui,
                "visible",
                &visible_data(snap, &snap.visible),
                side,
                state.show_probability,
                Some((state.brush, state.brush_size)),
            );
            if edits.hovered.is_some() {
                state.hovered_unit = edits.hovered;
            }
            send_edits(edits, out);
            let at_rest = snap.temperature == 0.0 && snap.fixed_point;
            recall_ui(ui, snap, snap.nearest, snap.spurious, at_rest);
        });
        if !snap.hidden.is_empty() {
            ui.vertical(|ui| {
                ui.label(format!("Hidden units ({})", snap.hidden.len()));
                let data = GridData {
                    size: snap.hidden_grid,
                    states: &snap.hidden,
                    p_on: &snap.hidden_p_on,
                    clamped: &[],
                    inputs: &[],
                    biases: &[],
                    temperature: snap.temperature,
                    last_unit: snap
                        .last_unit
                        .and_then(|u| u.unit.checked_sub(snap.visible.len())),
                };
                grid_ui(ui, "hidden", &data, 200.0, state.show_probability, None);
            });
        }
    });
    energy_plot_ui(ui, snap, state, out, false);
}

/// The nearest stored pattern. "Recalled" is said only of a net that has come to rest on it:
/// T = 0 dynamics at a fixed point (`at_rest`). A sampler at T > 0 passes through patterns
/// without stopping, so it is only said to match one now.
fn recall_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    nearest: Option<(usize, f64)>,
    spurious: bool,
    at_rest: bool,
) {
    if let Some((k, m)) = nearest {
        let text = format!("nearest stored pattern: {} (overlap m = {m:+.2})", k + 1);
        if m >= 1.0 && at_rest {
            theme::signal_label(ui, theme::GOOD, format!("{text} — recalled"));
        } else if m >= 1.0 {
            ui.label(format!(
                "{text} — matches it now (sampling at T > 0 moves on)"
            ))
            .on_hover_text(
                "At T > 0 the state keeps changing; set T = 0 to see where it comes to rest",
            );
        } else {
            ui.label(text);
        }
    }
    if spurious && snap.settings.kind == ModelKind::Hopfield {
        theme::signal_label(
            ui,
            theme::WARN,
            "stable at T = 0 but no stored pattern: a spurious minimum",
        )
        .on_hover_text("Mixtures and negations of stored patterns are also energy minima");
    }
}

/// The energy trace: E over sweeps for both networks, with the stored patterns' energies.
pub fn energy_plot_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    state: &mut UiState,
    out: &mut Vec<Command>,
    with_descent: bool,
) {
    ui.horizontal(|ui| {
        ui.strong("Energy");
        ui.checkbox(&mut state.trace_live, "Follow")
            .on_hover_text("Off: pause the view to zoom and pan");
        if ui
            .button("Clear trace")
            .on_hover_text("Start the trace again from the current state")
            .clicked()
        {
            out.push(Command::ClearTrace);
        }
        ui.label(format!("E = {:.3}", snap.energy));
    });
    // The line follows the dynamics ([`crate::ui::figures::build::settled`]); edits at one
    // sweep are the markers below.
    let settled = || crate::ui::figures::build::settled(state.trace.iter());
    let main: PlotPoints = settled().map(|p| [p.sweep, p.energy]).collect();
    let descent: PlotPoints = settled().map(|p| [p.sweep, p.descent_energy]).collect();
    // Shorter when the window is (presentation mode), so the whole trace stays in view.
    let height = (ui.available_height() - 8.0).clamp(110.0, theme::PLOT_HEIGHT);
    let mut plot = Plot::new("energy")
        .height(height)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_label("sweeps")
        .y_axis_label("E");
    if state.trace_live {
        plot = plot.auto_bounds(egui::Vec2b::TRUE);
    }
    let dark = ui.visuals().dark_mode;
    plot.show(ui, |plot_ui| {
        let label = if with_descent {
            format!("Boltzmann (T = {:.2})", snap.temperature)
        } else {
            "E(s)".to_owned()
        };
        plot_ui.line(Line::new(label, main).color(theme::TRACE_MAIN));
        if with_descent {
            plot_ui.line(Line::new("Hopfield (T = 0)", descent).color(theme::TRACE_DESCENT));
        }
        // Each stored pattern's energy in its own colour, named in the legend.
        for (k, e) in snap
            .pattern_energies
            .iter()
            .enumerate()
            .take(crate::ui::figures::build::PATTERN_LINES)
        {
            plot_ui.hline(
                HLine::new(format!("pattern {}", k + 1), *e)
                    .color(theme::colour32(theme::pattern_colour(k)))
                    .style(egui_plot::LineStyle::dashed_loose()),
            );
        }
        // Where the trace starts and where the person drew, clamped or added noise.
        for mark in [
            TraceMark::Start,
            TraceMark::Drawn,
            TraceMark::Clamped,
            TraceMark::Noise,
            TraceMark::Pattern,
            TraceMark::Edited,
            TraceMark::Weights,
        ] {
            let points: PlotPoints = state
                .trace
                .iter()
                .filter(|p| p.mark == Some(mark))
                .map(|p| [p.sweep, p.energy])
                .collect();
            if !points.points().is_empty() {
                let (colour, shape) = theme::trace_mark_style(mark);
                let colour = theme::readable(dark, colour);
                plot_ui.points(
                    Points::new(mark.label(), points)
                        .shape(shape)
                        .radius(theme::TRACE_MARK_RADIUS)
                        .color(colour),
                );
            }
        }
    });
}

fn compare_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    ui.label("Same weights, same start. Left: Hopfield descent (T = 0). Right: Boltzmann sampling at the slider's T. Draw on the right grid to set both.");
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.strong("Hopfield, T = 0");
            let data = GridData {
                temperature: 0.0,
                ..visible_data(snap, &snap.descent_visible)
            };
            grid_ui(ui, "descent", &data, 300.0, false, None);
            ui.label(format!("E = {:.3}", snap.descent_energy));
            // The descent twin runs at T = 0; it rests once its energy stops falling.
            recall_ui(ui, snap, snap.descent_nearest, false, true);
        });
        ui.add_space(20.0);
        ui.vertical(|ui| {
            ui.strong(format!("Boltzmann, T = {:.2}", snap.temperature));
            let edits = grid_ui(
                ui,
                "sampled",
                &visible_data(snap, &snap.visible),
                300.0,
                state.show_probability,
                Some((state.brush, state.brush_size)),
            );
            send_edits(edits, out);
            ui.label(format!("E = {:.3}", snap.energy));
            let at_rest = snap.temperature == 0.0 && snap.fixed_point;
            recall_ui(ui, snap, snap.nearest, false, at_rest);
        });
    });
    energy_plot_ui(ui, snap, state, out, true);
}

fn distribution_ui(ui: &mut egui::Ui, snap: &Snapshot) {
    let Some(dist) = &snap.distribution else {
        ui.label("The exact distribution needs a net of at most 12 units and T > 0.");
        ui.label("Try: Kind = Boltzmann machine, Patterns = 3-bit parity, hidden units <= 9, then raise T above 0 and press Run.");
        return;
    };
    ui.label(format!(
        "P(s) = e^(−E(s)/T) / Z over all {} states, ordered by energy.   log Z = {:.4}   Z = {}   samples = {}   TV(exact, sampled) = {:.4}",
        dist.states.len(),
        dist.log_z,
        crate::ui::format::scientific(dist.log_z.exp(), 4),
        thousands(dist.samples),
        dist.total_variation
    ));
    let exact: Vec<Bar> = dist
        .states
        .iter()
        .enumerate()
        .map(|(k, s)| Bar::new(k as f64, s.exact).width(0.45).fill(theme::EXACT))
        .collect();
    let sampled: Vec<Bar> = dist
        .states
        .iter()
        .enumerate()
        .map(|(k, s)| {
            Bar::new(k as f64 + 0.45, s.sampled)
                .width(0.45)
                .fill(theme::SAMPLED)
        })
        .collect();
    Plot::new("distribution")
        .height(260.0)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_label("states, lowest energy first")
        .y_axis_label("probability")
        .show(ui, |p| {
            p.bar_chart(BarChart::new("exact P(s)", exact).color(theme::EXACT));
            p.bar_chart(BarChart::new("sampled", sampled).color(theme::SAMPLED));
        });
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.strong("Total-variation distance as sampling goes on");
            Plot::new("tv")
                .width(380.0)
                .height(170.0)
                .allow_scroll(false)
                .legend(Legend::default())
                .x_axis_label("sweeps")
                .show(ui, |p| {
                    super::mixing_ui::floor_lines(p, dist);
                    p.line(
                        Line::new("TV", PlotPoints::from(dist.tv_curve.clone()))
                            .color(theme::SAMPLED),
                    );
                });
            super::mixing_ui::mixing_label_ui(ui, dist);
        });
        ui.vertical(|ui| {
            ui.strong(format!("P(on) = σ(x / T) at T = {:.2}", snap.temperature));
            let t = snap.temperature.max(1e-6);
            let curve: PlotPoints = (0..=200)
                .map(|k| {
                    let x = -6.0 + 12.0 * k as f64 / 200.0;
                    [x, crate::engine::math::sigmoid(x / t)]
                })
                .collect();
            Plot::new("sigmoid")
                .width(300.0)
                .height(170.0)
                .allow_scroll(false)
                .x_axis_label("input x")
                .show(ui, |p| {
                    p.line(Line::new("σ(x/T)", curve).color(theme::EXACT));
                });
        });
    });
}

fn weights_ui(ui: &mut egui::Ui, snap: &Snapshot, heatmaps: &mut HeatmapCache) {
    let (rows, cols) = snap.weights_shape;
    ui.label(format!(
        "W is {rows} × {cols}; blue negative, white zero, red positive. Hover a cell for wᵢⱼ."
    ));
    heatmap_ui(
        ui,
        heatmaps,
        "weights",
        &snap.weights,
        snap.weights_shape,
        snap.weights_generation,
        egui::vec2(520.0, 420.0),
        "w",
    );
    if snap.settings.kind == ModelKind::Rbm {
        ui.separator();
        ui.strong("Receptive fields: each hidden unit's weights drawn on the visible grid");
        filters_ui(
            ui,
            heatmaps,
            &snap.weights,
            snap.weights_shape,
            snap.settings.grid,
            snap.weights_generation,
        );
    }
}

fn learning_ui(ui: &mut egui::Ui, snap: &Snapshot, heatmaps: &mut HeatmapCache) {
    let l = &snap.learning;
    // η is the rate the next update uses: an RBM's schedule moves it away from the setting.
    let rate = match l.current_rates {
        Some((now, _)) if (now - l.learning_rate).abs() > 1e-12 => {
            format!("η = {now:.4} now (set to {:.3})", l.learning_rate)
        }
        _ => format!("η = {:.3}", l.learning_rate),
    };
    ui.label(format!(
        "ΔW = η (⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻) with {rate}.   {} training patterns, {} updates.",
        l.training_patterns, l.updates
    ));
    if snap.settings.kind == ModelKind::Rbm {
        ui.label("RBM: the positive phase is data to hidden (⟨vh⟩⁺), the negative phase is reconstruction to hidden after k Gibbs steps (⟨vh⟩⁻).");
        if let Some(walk) = &l.rbm_walk {
            rbm_walk_ui(ui, heatmaps, walk, snap);
        }
    }
    phase_panels_ui(ui, snap, heatmaps);
    learning_curve_ui(ui, snap);
}

/// ⟨sᵢsⱼ⟩⁺, ⟨sᵢsⱼ⟩⁻ (one sequential scale for both: they are never negative) and their
/// difference (diverging), rows and columns marked visible / hidden.
fn phase_panels_ui(ui: &mut egui::Ui, snap: &Snapshot, heatmaps: &mut HeatmapCache) {
    let l = &snap.learning;
    let size = egui::vec2(240.0, 240.0);
    let rbm = snap.settings.kind == ModelKind::Rbm;
    let nv = snap.visible.len();
    let split = (!rbm && nv < l.shape.0).then_some((nv, nv));
    if rbm {
        ui.label("Rows: visible units vᵢ; columns: hidden units hⱼ.");
    }
    let shared = l
        .positive
        .iter()
        .chain(l.negative.iter())
        .flat_map(|m| m.iter())
        .fold(0.0f32, |m, &x| m.max(x));
    let generation = l.updates as u64 * 4
        + u64::from(l.positive.is_some())
        + 2 * u64::from(l.negative.is_some())
        + snap.weights_generation * 1000;
    let panel = |ui: &mut egui::Ui,
                 heatmaps: &mut HeatmapCache,
                 (key, title, what): (&str, &str, &str),
                 data: Option<&[f32]>,
                 map: HeatMap,
                 missing: &str| {
        ui.vertical(|ui| {
            ui.strong(title);
            match data {
                Some(d) => styled_heatmap_ui(
                    ui,
                    heatmaps,
                    key,
                    d,
                    (l.shape, split),
                    generation,
                    size,
                    what,
                    map,
                ),
                None => {
                    ui.label(missing);
                }
            }
        });
    };
    let diff: Option<Vec<f32>> = match (&l.positive, &l.negative) {
        (Some(p), Some(n)) => Some(p.iter().zip(n.iter()).map(|(a, b)| a - b).collect()),
        _ => None,
    };
    ui.horizontal_top(|ui| {
        let sequential = HeatMap::Sequential { max: shared };
        panel(
            ui,
            heatmaps,
            ("positive", "⟨sᵢsⱼ⟩⁺ (clamped)", "⟨sᵢsⱼ⟩⁺"),
            l.positive.as_deref().map(Vec::as_slice),
            sequential,
            "press Positive phase",
        );
        // Room for the "vis." / "hid." words right of the cells.
        ui.add_space(28.0);
        panel(
            ui,
            heatmaps,
            ("negative", "⟨sᵢsⱼ⟩⁻ (free)", "⟨sᵢsⱼ⟩⁻"),
            l.negative.as_deref().map(Vec::as_slice),
            sequential,
            "press Negative phase",
        );
        ui.add_space(28.0);
        panel(
            ui,
            heatmaps,
            ("difference", "difference ∝ ΔW", "Δ"),
            diff.as_deref(),
            HeatMap::Diverging,
            "needs both phases",
        );
    });
}

/// Curves with at most this many points also mark each one (a curve of one point, the
/// untrained model's, is otherwise a dot too small to see).
const MARKED_CURVE_POINTS: usize = 30;

/// The learning curve's whole history: the measured points faint, a moving average over
/// them, the held-out curve when there is one, and log 2 for the parity lesson. The heading
/// gives the newest point's figures.
fn learning_curve_ui(ui: &mut egui::Ui, snap: &Snapshot) {
    use crate::ui::figures::build::{learning_reference, smooth, smoothing_window};
    let l = &snap.learning;
    let newest = l.curve.last().map_or_else(String::new, |p| {
        let held_out = (l.validation_curve.last())
            .filter(|v| v[0] == p[0])
            .map_or_else(String::new, |v| format!(", held-out {:.3}", v[1]));
        format!(
            ": {:.3} at update {}{held_out}",
            p[1],
            thousands(p[0] as u64)
        )
    });
    ui.strong(format!("Learning curve: {}{newest}", l.curve_label));
    let held_out = !l.validation_curve.is_empty();
    let window = smoothing_window(l.curve.len());
    // The legend goes in the corner the curve leaves free: its newest points are at the right,
    // at the top when it has risen (a log-likelihood), at the bottom when it has fallen.
    let risen = matches!((l.curve.first(), l.curve.last()), (Some(a), Some(b)) if b[1] > a[1]);
    let corner = if risen {
        egui_plot::Corner::RightBottom
    } else {
        egui_plot::Corner::RightTop
    };
    let mut plot = Plot::new("learning_curve")
        .height(180.0)
        // The mouse wheel scrolls the page; dragging and Ctrl + wheel still pan and zoom.
        .allow_scroll(false)
        .x_axis_label("updates")
        .legend(Legend::default().position(corner));
    if l.training {
        // While training the curve always shows its whole history (as the energy trace does
        // while it runs): a pan or zoom made earlier must not leave the new points off-plot.
        plot = plot.auto_bounds(egui::Vec2b::TRUE);
    }
    plot.show(ui, |p| {
        let name = if held_out {
            "training".to_owned()
        } else {
            l.curve_label.clone()
        };
        if window > 1 {
            p.line(
                Line::new(
                    format!("{name} (each point)"),
                    PlotPoints::from(l.curve.clone()),
                )
                .color(theme::TRACE_MAIN.gamma_multiply(0.35)),
            );
            let smoothed: PlotPoints = smooth(&l.curve, window)
                .into_iter()
                .map(|(x, y)| [x, y])
                .collect();
            p.line(
                Line::new(format!("{name}, mean of {window}"), smoothed).color(theme::TRACE_MAIN),
            );
        } else {
            p.line(
                Line::new(name.clone(), PlotPoints::from(l.curve.clone())).color(theme::TRACE_MAIN),
            );
        }
        if l.curve.len() <= MARKED_CURVE_POINTS {
            p.points(
                Points::new(name, PlotPoints::from(l.curve.clone()))
                    .radius(3.0)
                    .color(theme::TRACE_MAIN),
            );
        }
        if held_out {
            let name = format!("held-out ({} patterns)", l.validation_patterns);
            let points = || PlotPoints::from(l.validation_curve.clone());
            p.line(Line::new(name.clone(), points()).color(theme::CURVE_HELD_OUT));
            if l.validation_curve.len() <= MARKED_CURVE_POINTS {
                p.points(
                    Points::new(name, points())
                        .radius(3.0)
                        .color(theme::CURVE_HELD_OUT),
                );
            }
        }
        if let Some((y, label)) = learning_reference(snap) {
            p.hline(
                HLine::new(label, y)
                    .color(theme::TRACE_DESCENT)
                    .style(egui_plot::LineStyle::dashed_loose()),
            );
        }
    });
}

/// The annealing schedule as a small plot with the current T marked.
pub fn schedule_plot_ui(ui: &mut egui::Ui, schedule: &Schedule, snap: &Snapshot) {
    let Ok(steps) = schedule.steps() else {
        theme::signal_label(ui, theme::ERROR, "the schedule needs positive temperatures");
        return;
    };
    let mut points = Vec::new();
    let mut sweep = 0.0;
    for (t, n) in &steps {
        points.push([sweep, *t]);
        sweep += *n as f64;
        points.push([sweep, *t]);
    }
    Plot::new("schedule")
        .height(90.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_axes([true, true])
        .show(ui, |p| {
            p.line(Line::new("T(sweep)", PlotPoints::from(points)).color(theme::EXACT));
            if let Some(progress) = &snap.anneal {
                p.vline(VLine::new("now", progress.done as f64).color(theme::SAMPLED));
            }
        });
}

/// The status bar: what the simulation is doing now.
pub fn status_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &UiState) {
    ui.horizontal(|ui| {
        let l = &snap.learning;
        if l.training {
            ui.label(format!("training · update {}", thousands(l.updates as u64)));
            ui.separator();
            ui.label(format!("{:.1} updates/s", l.updates_per_sec));
        } else {
            ui.label(format!("sweep {}", thousands(snap.sweeps.max(0.0) as u64)));
            ui.separator();
            ui.label(format!(
                "{} sweeps/s",
                thousands(snap.sweeps_per_sec.max(0.0).round() as u64)
            ));
        }
        ui.separator();
        ui.label(format!("T = {:.3}", snap.temperature));
        ui.separator();
        ui.label(format!("E = {:.3}", snap.energy));
        ui.separator();
        let doing = if l.training {
            "training"
        } else if snap.anneal.is_some() {
            "annealing"
        } else if snap.running {
            "running"
        } else {
            "paused"
        };
        ui.label(doing);
        if let Some(step) = &snap.last_unit {
            ui.separator();
            ui.label(format!(
                "last update: unit {} · x = {:.2} · P(on) = {:.2} · s = {}",
                step.unit, step.input, step.p_on, step.value
            ));
        }
        if let Some((msg, is_error)) = state.current_message() {
            ui.separator();
            theme::signal_label(ui, if *is_error { theme::ERROR } else { theme::GOOD }, msg);
        }
    });
}

/// One picture of the CD walk: its texture key, caption, values, grid and the stage it needs.
struct WalkStep<'a> {
    key: &'a str,
    label: &'a str,
    values: &'a [f32],
    grid: (usize, usize),
    stage: u8,
}

/// The CD-k walk of the first training pattern: data → P(h | data) → reconstruction →
/// P(h | reconstruction), the right half once the negative phase has been stepped.
fn rbm_walk_ui(
    ui: &mut egui::Ui,
    heatmaps: &mut HeatmapCache,
    walk: &RbmWalkView,
    snap: &Snapshot,
) {
    let generation = snap.weights_generation * 4 + u64::from(walk.stage);
    let side = 84.0;
    ui.horizontal_top(|ui| {
        let (visible, hidden) = (snap.settings.grid, snap.hidden_grid);
        let steps = [
            WalkStep {
                key: "walk_v0",
                label: "data v0",
                values: &walk.v0,
                grid: visible,
                stage: 1,
            },
            WalkStep {
                key: "walk_h0",
                label: "P(h | v0)",
                values: &walk.h0,
                grid: hidden,
                stage: 1,
            },
            WalkStep {
                key: "walk_vk",
                label: "reconstruction",
                values: &walk.vk,
                grid: visible,
                stage: 2,
            },
            WalkStep {
                key: "walk_hk",
                label: "P(h | reconstruction)",
                values: &walk.hk,
                grid: hidden,
                stage: 2,
            },
        ];
        for (
            k,
            WalkStep {
                key,
                label,
                values,
                grid,
                stage,
            },
        ) in steps.into_iter().enumerate()
        {
            if k > 0 {
                ui.label(if k == 2 {
                    format!("  {} Gibbs step(s) ->  ", walk.k)
                } else {
                    "  ->  ".to_owned()
                });
            }
            ui.vertical(|ui| {
                ui.small(label);
                if walk.stage >= stage {
                    probability_image_ui(ui, heatmaps, key, values, grid, generation, side, label);
                } else {
                    ui.weak("press Negative phase");
                }
            });
        }
    });
}
