//! The Tempering view: the ladder of replicas, each with its grid, temperature and energy; the
//! exchanges of the last round highlighted between neighbours with each pair's acceptance
//! rate; and the target chain's histogram against the exact distribution (small nets).
//! Controls (on/off, replicas K, hottest T) send commands; the settings live in the simulation.

use super::controls::named_drag;
use super::grid::{GridData, grid_ui};
use super::theme;
use crate::sim::protocol::{Command, Snapshot};
use crate::sim::tempering::{TemperingSettings, TemperingView};
use egui_plot::{Bar, BarChart, Legend, Plot};

/// Draws the view.
pub fn tempering_ui(ui: &mut egui::Ui, snap: &Snapshot, out: &mut Vec<Command>) {
    controls_ui(ui, snap, out);
    ui.separator();
    let Some(view) = &snap.tempering else {
        ui.label(
            "Parallel tempering runs K copies of the network at temperatures from the slider's \
             T up to a hot T. Hot copies cross energy barriers easily; neighbours propose to swap \
             states (accepted with probability min(1, exp((1/T_a − 1/T_b)(E_a − E_b)))), so states \
             found up high flow down to T. The grid you see elsewhere is the copy at T.",
        );
        return;
    };
    if view.temperatures.is_empty() {
        ui.label("Press Run or Step: the ladder starts from the current state.");
        return;
    }
    ladder_ui(ui, snap, view);
    ui.separator();
    target_histogram_ui(ui, snap);
}

fn controls_ui(ui: &mut egui::Ui, snap: &Snapshot, out: &mut Vec<Command>) {
    let current = snap.settings.tempering.clone();
    ui.horizontal(|ui| {
        let mut on = current.is_some();
        if ui
            .checkbox(&mut on, "Parallel tempering")
            .on_hover_text("Run a ladder of replicas and exchange their states")
            .changed()
        {
            out.push(Command::SetTempering(on.then(|| {
                TemperingSettings::geometric(8, (snap.settings.temperature * 10.0).max(1.0))
            })));
        }
        let Some(mut settings) = current else { return };
        ui.label("Replicas K");
        let k_changed = named_drag(
            ui,
            &mut settings.replicas,
            |d| d.range(2..=32),
            "Replicas K",
            "How many copies, the target included (2 to 32)",
        );
        ui.label("Hottest T");
        let t_changed = named_drag(
            ui,
            &mut settings.t_max,
            |d| d.range(0.01..=1e4).speed(0.1).max_decimals(2),
            "Hottest T",
            "The hottest replica's temperature; the ladder is geometric from T up to it",
        );
        if k_changed || t_changed {
            // K or the hottest T typed: back to a geometric ladder.
            out.push(Command::SetTempering(Some(TemperingSettings::geometric(
                settings.replicas,
                settings.t_max,
            ))));
        }
    });
    if let Some(view) = &snap.tempering {
        ladder_edit_ui(ui, view, out);
    }
}

/// The temperatures above T as text: edit them and press Enter for a ladder of your own.
fn ladder_edit_ui(ui: &mut egui::Ui, view: &TemperingView, out: &mut Vec<Command>) {
    let shown: Vec<String> = (view.temperatures.iter().skip(1))
        .map(|t| format!("{t:.3}"))
        .collect();
    let id = ui.make_persistent_id("tempering ladder text");
    ui.horizontal(|ui| {
        let label = ui.label("Ladder above T");
        // The text being typed is view state: kept in egui's memory while the field has focus.
        let mut text = ui
            .data_mut(|d| d.get_temp::<String>(id))
            .unwrap_or_else(|| shown.join(", "));
        let response = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(theme::LADDER_TEXT_WIDTH))
            .labelled_by(label.id)
            .on_hover_text(
                "The replicas' temperatures above T, rising, separated by commas; Enter applies",
            );
        if response.has_focus() {
            ui.data_mut(|d| d.insert_temp(id, text.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(id));
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let parsed: Result<Vec<f64>, _> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::parse::<f64>)
                .collect();
            // Unparsable text is sent as an empty ladder, which the simulation refuses with
            // its reason in the status bar.
            out.push(Command::SetTempering(Some(TemperingSettings::custom(
                parsed.unwrap_or_default(),
            ))));
        }
        if view.settings.custom.is_some()
            && ui
                .button("Geometric")
                .on_hover_text("Back to temperatures in geometric steps from T to the hottest")
                .clicked()
        {
            out.push(Command::SetTempering(Some(TemperingSettings::geometric(
                view.settings.replicas,
                view.settings.t_max,
            ))));
        }
    });
}

fn ladder_ui(ui: &mut egui::Ui, snap: &Snapshot, view: &TemperingView) {
    ui.label(format!(
        "{} rounds. Each replica: its T, its state, its energy. Between neighbours: the share of \
         proposed swaps accepted; highlighted when the last round swapped them.",
        view.rounds
    ));
    let side = theme::REPLICA_SIDE;
    ui.horizontal_top(|ui| {
        for (k, visible) in view.visible.iter().enumerate() {
            ui.vertical(|ui| {
                let t = view.temperatures.get(k).copied().unwrap_or(0.0);
                let name = if k == 0 { "target" } else { "replica" };
                ui.strong(format!("T = {t:.2}")).on_hover_text(name);
                let data = GridData {
                    size: snap.settings.grid,
                    states: visible,
                    p_on: &[],
                    clamped: &snap.clamped,
                    inputs: &[],
                    biases: &[],
                    temperature: t,
                    last_unit: None,
                };
                grid_ui(ui, &format!("replica {k}"), &data, side, false, None);
                ui.label(format!(
                    "E = {:.2}",
                    view.energies.get(k).copied().unwrap_or(0.0)
                ));
            });
            if let Some(rate) = view.acceptance.get(k) {
                let swapped = view.last_exchanged.get(k).copied().unwrap_or(false);
                let colour = if swapped {
                    theme::SWAPPED
                } else {
                    theme::REFERENCE
                };
                let rate = rate.map_or("–".to_owned(), |r| format!("{r:.2}"));
                ui.vertical(|ui| {
                    ui.add_space(theme::REPLICA_SIDE * 0.3);
                    ui.label(egui::RichText::new("swap").color(colour).strong());
                    ui.label(egui::RichText::new(rate).color(colour))
                        .on_hover_text("Share of proposed swaps between these neighbours accepted");
                });
            }
        }
    });
}

fn target_histogram_ui(ui: &mut egui::Ui, snap: &Snapshot) {
    let Some(dist) = &snap.distribution else {
        ui.label("The target chain's histogram against the exact distribution needs a net of at most 12 units.");
        return;
    };
    let floor = dist.mixing.as_ref().map_or(String::new(), |m| {
        format!(
            "   i.i.d. floor {:.4} (99 % band {:.4} – {:.4})",
            m.floor_mean, m.floor_band.0, m.floor_band.1
        )
    });
    ui.label(format!(
        "Target chain (T = {:.2}) against the exact distribution: TV = {:.4} after {} samples{floor}",
        snap.temperature, dist.total_variation, dist.samples
    ));
    // The most probable states only, so the bars stay readable.
    let shown = dist.states.len().min(theme::HISTOGRAM_STATES);
    let exact: Vec<Bar> = (dist.states.iter().take(shown).enumerate())
        .map(|(k, s)| Bar::new(k as f64, s.exact).width(0.45).fill(theme::EXACT))
        .collect();
    let sampled: Vec<Bar> = (dist.states.iter().take(shown).enumerate())
        .map(|(k, s)| {
            Bar::new(k as f64 + 0.45, s.sampled)
                .width(0.45)
                .fill(theme::SAMPLED)
        })
        .collect();
    Plot::new("tempering target")
        .height(180.0)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_label(format!("the {shown} lowest-energy states"))
        .y_axis_label("probability")
        .show(ui, |p| {
            p.bar_chart(BarChart::new("exact P(s)", exact).color(theme::EXACT));
            p.bar_chart(BarChart::new("target chain", sampled).color(theme::SAMPLED));
        });
}

/// The screenshot's scene: the two-mode net at T = 1 with 8 replicas up to T = 10, running.
pub fn screenshot_scene() -> Vec<Command> {
    use crate::engine::two_modes::{TARGET_T, two_mode_net};
    use crate::sim::model::ImportedModel;
    let Ok(bm) = two_mode_net() else {
        return Vec::new();
    };
    vec![
        Command::Import(Box::new(ImportedModel::Boltzmann(bm))),
        Command::SetTemperature(TARGET_T),
        Command::SetTempering(Some(TemperingSettings::geometric(8, 10.0))),
        Command::SetSpeed(Some(60.0)),
        Command::Run,
    ]
}
