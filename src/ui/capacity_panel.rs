//! The capacity panel: run a Hopfield capacity sweep for a rule and size on a background
//! thread, with a progress bar, and plot recall against the number of stored patterns with
//! the theory marks.

use super::theme;
use crate::engine::SimRng;
use crate::engine::capacity::{CapacityConfig, CapacityPoint, capacity_sweep, theory_marks};
use crate::engine::hopfield::HopfieldRule;
use egui_plot::{Legend, Line, Plot, PlotPoints, VLine};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

/// A sweep in progress.
struct Running {
    rule: HopfieldRule,
    done: Arc<AtomicUsize>,
    total: usize,
    result: Receiver<Result<Vec<CapacityPoint>, String>>,
}

/// The panel's state.
pub struct CapacityPanel {
    /// Storage rule of the next sweep.
    pub rule: HopfieldRule,
    /// Units N.
    pub n: usize,
    /// Fraction of each cue's bits flipped.
    pub noise: f64,
    /// Nets per pattern count.
    pub trials: usize,
    running: Option<Running>,
    /// Finished sweeps: (rule, N, points).
    pub results: Vec<(HopfieldRule, usize, Vec<CapacityPoint>)>,
    error: Option<String>,
}

impl Default for CapacityPanel {
    fn default() -> Self {
        Self {
            rule: HopfieldRule::Hebbian,
            n: 100,
            noise: 0.1,
            trials: 5,
            running: None,
            results: Vec::new(),
            error: None,
        }
    }
}

fn rule_colour(rule: HopfieldRule) -> egui::Color32 {
    match rule {
        HopfieldRule::Hebbian => theme::TRACE_MAIN,
        HopfieldRule::Storkey => theme::GOOD,
        HopfieldRule::PseudoInverse => theme::TRACE_DESCENT,
    }
}

impl CapacityPanel {
    /// Rules with a finished sweep.
    pub fn rules_done(&self) -> usize {
        let mut rules: Vec<HopfieldRule> = self.results.iter().map(|r| r.0).collect();
        rules.dedup();
        rules.len()
    }

    fn start(&mut self) {
        let max = match self.rule {
            HopfieldRule::Hebbian => 0.3,
            HopfieldRule::Storkey => 0.5,
            HopfieldRule::PseudoInverse => 0.9,
        } * self.n as f64;
        let max = (max.round() as usize).max(1);
        let step = (max / 12).max(1);
        let config = CapacityConfig {
            n: self.n,
            rule: self.rule,
            noise: self.noise,
            trials: self.trials,
            pattern_counts: (1..=max).filter(|p| p % step == 0 || *p == 1).collect(),
        };
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = channel();
        let counter = done.clone();
        let total = config.pattern_counts.len();
        std::thread::spawn(move || {
            let mut rng = SimRng::seed_from_u64(1);
            let result = capacity_sweep(&config, &mut rng, |k, _| {
                counter.store(k, Ordering::Relaxed)
            })
            .map_err(|e| e.to_string());
            let _ = tx.send(result);
        });
        self.running = Some(Running {
            rule: self.rule,
            done,
            total,
            result: rx,
        });
        self.error = None;
    }

    /// The panel.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if let Some(run) = &self.running
            && let Ok(result) = run.result.try_recv()
        {
            match result {
                Ok(points) => {
                    let (rule, n) = (run.rule, self.n);
                    self.results.retain(|r| r.0 != rule || r.1 != n);
                    self.results.push((rule, n, points));
                }
                Err(e) => self.error = Some(e),
            }
            self.running = None;
        }
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_label("Rule")
                .selected_text(format!("{:?}", self.rule))
                .show_ui(ui, |ui| {
                    for rule in [
                        HopfieldRule::Hebbian,
                        HopfieldRule::Storkey,
                        HopfieldRule::PseudoInverse,
                    ] {
                        ui.selectable_value(&mut self.rule, rule, format!("{rule:?}"));
                    }
                });
            ui.add(
                egui::DragValue::new(&mut self.n)
                    .range(10..=400)
                    .prefix("N = "),
            )
            .on_hover_text("Units of each random net");
            ui.add(
                egui::DragValue::new(&mut self.noise)
                    .range(0.0..=0.5)
                    .speed(0.01)
                    .prefix("noise "),
            )
            .on_hover_text("Fraction of each cue's bits flipped before recall");
            ui.add(
                egui::DragValue::new(&mut self.trials)
                    .range(1..=100)
                    .suffix(" nets"),
            )
            .on_hover_text("Independent random nets per number of patterns");
            let running = self.running.is_some();
            if ui
                .add_enabled(!running, egui::Button::new("Run capacity sweep"))
                .on_hover_text(
                    "Store p random patterns, corrupt each, run T = 0 descent, count exact recalls",
                )
                .clicked()
            {
                self.start();
            }
        });
        if let Some(run) = &self.running {
            let done = run.done.load(Ordering::Relaxed);
            ui.add(
                egui::ProgressBar::new(done as f32 / run.total.max(1) as f32).text(format!(
                    "{:?}: {done} of {} pattern counts",
                    run.rule, run.total
                )),
            );
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        if let Some(e) = &self.error {
            theme::signal_label(ui, theme::ERROR, e);
        }
        Plot::new("capacity")
            .height(200.0)
            .allow_scroll(false)
            // Top right: the curves start at the top left and fall to the bottom right.
            .legend(Legend::default().position(egui_plot::Corner::RightTop))
            .x_axis_label("patterns stored")
            .y_axis_label("fraction recalled")
            .include_y(0.0)
            .include_y(1.0)
            .show(ui, |plot| {
                for (rule, n, points) in &self.results {
                    let line: PlotPoints = points
                        .iter()
                        .map(|p| [p.patterns as f64, p.recalled])
                        .collect();
                    plot.line(
                        Line::new(format!("{rule:?}, N = {n}"), line).color(rule_colour(*rule)),
                    );
                    for (x, what) in theory_marks(*rule, *n) {
                        // The legend names the mark; the full sentence is in the README.
                        let short = what.split(':').next().unwrap_or(what);
                        plot.vline(
                            VLine::new(format!("{short} ({rule:?})"), x)
                                .color(rule_colour(*rule))
                                .style(egui_plot::LineStyle::dashed_loose()),
                        );
                    }
                }
            });
        let mut seen = Vec::new();
        for (rule, n, _) in &self.results {
            if seen.contains(&(*rule, *n)) {
                continue;
            }
            seen.push((*rule, *n));
            for (x, what) in theory_marks(*rule, *n) {
                ui.small(format!("{x:.1} patterns — {what}"));
            }
        }
    }
}
