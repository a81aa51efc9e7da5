//! The Learning view's Gradient panel (RBMs small enough to enumerate): the exact
//! log-likelihood gradient ∂L/∂W beside the CD-1, CD-k and PCD estimates for the same weights,
//! how well each points (cosine) and how long it is (norm ratio) over training, the choice of
//! training rule, and one exact log-likelihood curve per rule run. Draws the snapshot only.

use super::heatmap::{HeatmapCache, heatmap_ui};
use super::theme;
use crate::sim::gradient::GradientView;
use crate::sim::protocol::{Command, Snapshot};
use crate::sim::rule_runs::TrainingRule;
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints};

/// Side of each gradient heatmap.
const HEATMAP_SIDE: f32 = 150.0;
/// Height of the panel's plots.
const PLOT_HEIGHT: f32 = 170.0;

/// How long a sent watch may go unseen in the snapshots before it is sent again (the
/// simulation rebuilt from a backup after a fault may have forgotten it).
const WATCH_RESEND: std::time::Duration = std::time::Duration::from_millis(500);

/// Asks the simulation to compute the panel's comparison exactly while `wanted` (the Learning
/// view or the lesson about it is on screen): sends [`Command::WatchGradient`] when the
/// snapshot says otherwise, and again if the snapshots still disagree after [`WATCH_RESEND`].
pub fn keep_watch(
    snap: &Snapshot,
    wanted: bool,
    sent: &mut Option<(bool, std::time::Instant)>,
    out: &mut Vec<Command>,
) {
    if snap.gradient_watched == wanted {
        *sent = None;
        return;
    }
    let waiting = sent.is_some_and(|(w, at)| w == wanted && at.elapsed() < WATCH_RESEND);
    if !waiting {
        out.push(Command::WatchGradient(wanted));
        *sent = Some((wanted, std::time::Instant::now()));
    }
}

/// The panel, when the snapshot has one (an RBM on screen).
pub fn gradient_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    heatmaps: &mut HeatmapCache,
    out: &mut Vec<Command>,
) {
    let Some(view) = &snap.gradient else {
        return;
    };
    egui::CollapsingHeader::new("Gradient: CD against the exact gradient")
        .default_open(true)
        .show(ui, |ui| {
            rule_ui(ui, snap, out);
            match &view.unavailable {
                Some(reason) => {
                    ui.colored_label(theme::WARN, reason);
                }
                None => {
                    heatmaps_ui(ui, view, heatmaps);
                    agreement_plots_ui(ui, view);
                }
            }
            runs_plot_ui(ui, view);
        });
}

/// The training rule and the way back to the start.
fn rule_ui(ui: &mut egui::Ui, snap: &Snapshot, out: &mut Vec<Command>) {
    let settings = &snap.settings;
    ui.horizontal_wrapped(|ui| {
        ui.label("Train by:");
        for rule in TrainingRule::ALL {
            let text = match rule {
                TrainingRule::Exact => "the exact gradient".to_owned(),
                other => other.label(settings.cd_k),
            };
            if ui
                .radio(settings.rbm_rule == rule, format!("train by {text}"))
                .on_hover_text(rule_help(rule))
                .clicked()
                && settings.rbm_rule != rule
            {
                out.push(Command::SetTrainingRule(rule));
            }
        }
        if ui
            .button("Back to the start weights")
            .on_hover_text(
                "Put W, b and c back where the first run began (the curves stay), to race another rule from the same start",
            )
            .clicked()
        {
            out.push(Command::RestartRuleRun);
        }
    });
}

fn rule_help(rule: TrainingRule) -> &'static str {
    match rule {
        TrainingRule::CdK => {
            "<v h>_model read after k Gibbs steps started at the data: cheap, biased"
        }
        TrainingRule::Pcd => "<v h>_model read from chains that persist between updates",
        TrainingRule::Exact => {
            "<v h>_model summed over every state of the smaller layer: the true gradient of the log-likelihood"
        }
    }
}

/// ∂L/∂W exactly, then each estimate with its cosine and norm ratio.
fn heatmaps_ui(ui: &mut egui::Ui, view: &GradientView, heatmaps: &mut HeatmapCache) {
    ui.label(format!(
        "∂L/∂W = <v h>_data − <v h>_model for the weights at update {} (rows: visible units, columns: hidden units); |exact gradient| = {:.4}",
        view.at_update, view.exact_norm
    ));
    let size = egui::vec2(HEATMAP_SIDE, HEATMAP_SIDE);
    ui.horizontal_wrapped(|ui| {
        ui.vertical(|ui| {
            ui.strong("exact");
            heatmap_ui(
                ui,
                heatmaps,
                "gradient_exact",
                &view.exact,
                view.shape,
                view.generation,
                size,
                "∂L/∂W",
            );
        });
        for (i, e) in view.estimates.iter().enumerate() {
            ui.vertical(|ui| {
                ui.strong(&e.label);
                heatmap_ui(
                    ui,
                    heatmaps,
                    &format!("gradient_estimate_{i}"),
                    &e.w,
                    view.shape,
                    view.generation,
                    size,
                    &e.label,
                );
                ui.label(format!("cos θ = {:.3}", e.cosine));
                ui.label(format!("|estimate| / |exact| = {:.2}", e.norm_ratio));
            });
        }
    });
}

/// Cosine similarity and norm ratio of each estimate over training.
fn agreement_plots_ui(ui: &mut egui::Ui, view: &GradientView) {
    let width = (ui.available_width() / 2.0 - 8.0).max(200.0);
    ui.horizontal_top(|ui| {
        history_plot_ui(
            ui,
            (
                "gradient_cosine",
                "cos θ to the exact gradient (1 = same direction)",
            ),
            "same direction",
            view,
            &view.cosine_history,
            width,
        );
        history_plot_ui(
            ui,
            (
                "gradient_norm_ratio",
                "|estimate| / |exact| (1 = same length)",
            ),
            "same length",
            view,
            &view.ratio_history,
            width,
        );
    });
}

/// One plot of a measure of every estimate over training, with its ideal value 1 marked.
fn history_plot_ui(
    ui: &mut egui::Ui,
    (id, title): (&str, &str),
    ideal: &str,
    view: &GradientView,
    histories: &[Vec<[f64; 2]>],
    width: f32,
) {
    ui.vertical(|ui| {
        ui.strong(title);
        Plot::new(id)
            .height(PLOT_HEIGHT)
            .width(width)
            .allow_scroll(false)
            .legend(Legend::default())
            .x_axis_label("updates")
            .show(ui, |p| {
                p.hline(HLine::new(ideal, 1.0).color(theme::REFERENCE));
                for (i, (e, h)) in view.estimates.iter().zip(histories).enumerate() {
                    p.line(
                        Line::new(e.label.clone(), PlotPoints::from(h.clone()))
                            .color(theme::GRADIENT_SERIES[(i + 1) % 4]),
                    );
                }
            });
    });
}

/// One exact log-likelihood curve per rule run.
fn runs_plot_ui(ui: &mut egui::Ui, view: &GradientView) {
    ui.strong("Exact log-likelihood per pattern (nats) of each run, from its own start");
    if view.runs.is_empty() {
        ui.label(
            "Train to start a run; change the rule (or go back to the start) to start another.",
        );
        return;
    }
    Plot::new("gradient_runs")
        .height(PLOT_HEIGHT)
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_label("updates in the run")
        .show(ui, |p| {
            for (i, run) in view.runs.iter().enumerate() {
                let colour = theme::GRADIENT_SERIES[series_of(&run.label)];
                p.line(
                    Line::new(
                        format!("run {}: {}", i + 1, run.label),
                        PlotPoints::from(run.curve.clone()),
                    )
                    .color(colour)
                    .width(1.0 + i as f32 * 0.5),
                );
            }
        });
}

/// The colour slot of a rule: exact, CD-1, CD-k, PCD.
fn series_of(label: &str) -> usize {
    if label == "exact" {
        0
    } else if label == "CD-1" {
        1
    } else if label.starts_with("CD-") {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_is_sent_once_and_again_only_if_it_goes_unseen() {
        let mut snap = Snapshot::default();
        let (mut sent, mut out) = (None, Vec::new());
        let watches = |out: &[Command]| {
            out.iter()
                .map(|c| match c {
                    Command::WatchGradient(on) => Some(*on),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        keep_watch(&snap, true, &mut sent, &mut out);
        keep_watch(&snap, true, &mut sent, &mut out);
        assert_eq!(watches(&out), [Some(true)], "once while it travels");
        // Unseen for longer than the resend time: sent again.
        sent = sent.map(|(w, at)| (w, at - WATCH_RESEND));
        keep_watch(&snap, true, &mut sent, &mut out);
        assert_eq!(out.len(), 2);
        // Seen: nothing more, and leaving the view sends the opposite at once.
        snap.gradient_watched = true;
        keep_watch(&snap, true, &mut sent, &mut out);
        assert_eq!((out.len(), sent.is_none()), (2, true));
        keep_watch(&snap, false, &mut sent, &mut out);
        assert_eq!(watches(&out), [Some(true), Some(true), Some(false)]);
    }
}
