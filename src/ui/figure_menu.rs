//! The "Export figure" menu above each view: every plot and picture of the view, as PNG or
//! SVG, drawn for a slide ([`super::figures`]).

use super::View;
use super::figures::{FigureFormat, FigureKind};
use super::intent::Intent;
use crate::sim::Snapshot;
use crate::sim::protocol::ModelKind;

/// The figures a view shows (and the capacity curves once a sweep has finished).
pub fn kinds_of(view: View, snap: &Snapshot, capacity_done: bool) -> Vec<FigureKind> {
    let mut kinds = match view {
        View::Network => vec![FigureKind::Grid, FigureKind::EnergyTrace],
        View::Compare => vec![FigureKind::CompareGrids, FigureKind::RaceTrace],
        View::Distribution => vec![
            FigureKind::Distribution,
            FigureKind::TvCurve,
            FigureKind::Sigmoid,
        ],
        View::Weights if snap.settings.kind == ModelKind::Rbm => {
            vec![FigureKind::Weights, FigureKind::Filters]
        }
        View::Weights => vec![FigureKind::Weights],
        View::Learning => vec![FigureKind::PhaseStatistics, FigureKind::LearningCurve],
        View::Landscape => vec![FigureKind::Landscape],
        // The target chain is the main chain: its histogram and TV are the Distribution's.
        View::Tempering => vec![FigureKind::Distribution, FigureKind::TvCurve],
    };
    if capacity_done {
        kinds.push(FigureKind::Capacity);
    }
    kinds
}

/// The menu button; a choice raises [`Intent::ExportFigure`].
pub fn menu_ui(ui: &mut egui::Ui, kinds: &[FigureKind], intents: &mut Vec<Intent>) {
    ui.menu_button("Export figure", |ui| {
        for &kind in kinds {
            ui.horizontal(|ui| {
                ui.label(kind.label());
                for (format, words) in [(FigureFormat::Png, "PNG…"), (FigureFormat::Svg, "SVG…")] {
                    if ui
                        .button(words)
                        .on_hover_text(format!(
                            "Save the {} as it is now, 1600 × 1000, with title, axis titles and legend",
                            kind.label().to_lowercase()
                        ))
                        .clicked()
                    {
                        intents.push(Intent::ExportFigure(kind, format));
                        ui.close();
                    }
                }
            });
        }
    })
    .response
    .on_hover_text("Save this view's plots and pictures for slides (PNG or SVG)");
}
