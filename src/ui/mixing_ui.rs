//! The Distribution view's mixing figures: the i.i.d. floor drawn beside the TV curve, and
//! τ_int and ESS in words a student can act on.

use super::theme;
use crate::sim::protocol::DistributionView;
use egui_plot::{Line, PlotPoints, PlotUi};

/// A TV up to this many times the floor's 99 % point is called "a little above" (a chain
/// with τ_int ≈ 9 sits about √9 = 3 times above the i.i.d. floor).
const NEAR_FLOOR: f64 = 3.0;

/// The floor's mean as a line and the ends of its 99 % band as thin lines (egui_plot fills
/// only convex polygons, and the band between two falling curves is not one).
pub fn floor_lines(p: &mut PlotUi<'_>, dist: &DistributionView) {
    if dist.floor_mean.is_empty() {
        return;
    }
    let band = theme::FLOOR.gamma_multiply(0.5);
    for edge in [&dist.floor_low, &dist.floor_high] {
        p.line(
            Line::new("i.i.d. 99 % band", PlotPoints::from(edge.clone()))
                .color(band)
                .width(1.0),
        );
    }
    p.line(
        Line::new("i.i.d. floor", PlotPoints::from(dist.floor_mean.clone()))
            .color(theme::FLOOR)
            .width(2.0),
    );
}

/// τ_int, ESS and where the TV stands against the floor, with an explanation on hover.
pub fn mixing_label_ui(ui: &mut egui::Ui, dist: &DistributionView) {
    let Some(m) = &dist.mixing else {
        ui.label("τ_int and the i.i.d. floor appear after a few samples.");
        return;
    };
    let tau = m.tau_energy.map_or("–".to_owned(), |t| format!("{t:.1}"));
    let unit = m
        .slowest_unit
        .map_or(String::new(), |(u, t)| format!(", slowest unit {u}: {t:.1}"));
    let bound = if m.converged { "" } else { " (at least: run longer)" };
    ui.label(format!(
        "τ_int(energy) = {tau}{unit}{bound}   ESS ≈ {:.0} of {} samples",
        m.ess, dist.samples
    ))
    .on_hover_text(
        "τ_int: how many sweeps the chain needs to forget where it was (1 for independent \
         draws). ESS = samples / τ_int: how many independent draws the samples are worth. \
         A chain stuck in one mode can show a small τ_int and still be wrong: compare the TV \
         with the floor.",
    );
    let (text, colour) = if dist.total_variation <= m.floor_band.1 {
        ("TV is at the i.i.d. floor: as good as independent exact draws.", theme::GOOD)
    } else if dist.total_variation <= NEAR_FLOOR * m.floor_band.1 {
        ("TV is a little above the floor: correlated samples, keep sampling.", theme::WARN)
    } else {
        ("TV is far above the floor: the chain has not explored the distribution (slow mixing).", theme::ERROR)
    };
    ui.colored_label(colour, text).on_hover_text(format!(
        "The floor is the TV that {} independent exact draws would give: mean {:.4}, 99 % of \
         the time between {:.4} and {:.4}.",
        dist.samples, m.floor_mean, m.floor_band.0, m.floor_band.1
    ));
}
