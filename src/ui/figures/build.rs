//! Each figure the app can export, built from what the screen shows: the latest snapshot, the
//! energy trace the UI keeps, and the capacity window's finished sweeps.

use super::spec::{Bars, Chart, ColourMap, Figure, Panel, Panels, Series};
use crate::engine::capacity::{CapacityPoint, theory_marks};
use crate::engine::hopfield::HopfieldRule;
use crate::engine::math::sigmoid;
use crate::sim::Snapshot;
use crate::sim::protocol::{ModelKind, TracePoint};
use crate::ui::format::scientific;
use crate::ui::theme;

/// A figure kind, one for each plot or picture of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FigureKind {
    /// The visible grid (and the hidden units).
    Grid,
    /// Hopfield (T = 0) and Boltzmann grids side by side.
    CompareGrids,
    /// The energy trace with the stored patterns' energies.
    EnergyTrace,
    /// Both energy traces: Hopfield descent and Boltzmann sampling.
    RaceTrace,
    /// Exact P(s) beside the sampled histogram.
    Distribution,
    /// Total-variation distance against sweeps.
    TvCurve,
    /// σ(x / T) at the current T.
    Sigmoid,
    /// The weight matrix.
    Weights,
    /// RBM receptive fields.
    Filters,
    /// ⟨sᵢsⱼ⟩⁺, ⟨sᵢsⱼ⟩⁻ and their difference.
    PhaseStatistics,
    /// The learning curve.
    LearningCurve,
    /// Every state of a small net at its energy.
    Landscape,
    /// Capacity sweeps against theory.
    Capacity,
}

impl FigureKind {
    /// Every kind, in menu order.
    pub const ALL: [FigureKind; 13] = [
        FigureKind::Grid,
        FigureKind::CompareGrids,
        FigureKind::EnergyTrace,
        FigureKind::RaceTrace,
        FigureKind::Distribution,
        FigureKind::TvCurve,
        FigureKind::Sigmoid,
        FigureKind::Weights,
        FigureKind::Filters,
        FigureKind::PhaseStatistics,
        FigureKind::LearningCurve,
        FigureKind::Landscape,
        FigureKind::Capacity,
    ];

    /// The menu's words.
    pub fn label(self) -> &'static str {
        match self {
            FigureKind::Grid => "Network grid",
            FigureKind::CompareGrids => "Hopfield and Boltzmann grids",
            FigureKind::EnergyTrace => "Energy trace",
            FigureKind::RaceTrace => "Energy race (Hopfield vs Boltzmann)",
            FigureKind::Distribution => "Distribution histogram",
            FigureKind::TvCurve => "TV distance curve",
            FigureKind::Sigmoid => "σ(x/T) plot",
            FigureKind::Weights => "Weight heatmap",
            FigureKind::Filters => "Receptive fields",
            FigureKind::PhaseStatistics => "⟨sᵢsⱼ⟩ panels",
            FigureKind::LearningCurve => "Learning curve",
            FigureKind::Landscape => "Energy landscape",
            FigureKind::Capacity => "Capacity curves",
        }
    }

    /// The file name offered.
    pub fn file_stem(self) -> &'static str {
        match self {
            FigureKind::Grid => "grid",
            FigureKind::CompareGrids => "compare-grids",
            FigureKind::EnergyTrace => "energy",
            FigureKind::RaceTrace => "energy-race",
            FigureKind::Distribution => "distribution",
            FigureKind::TvCurve => "tv-distance",
            FigureKind::Sigmoid => "sigmoid",
            FigureKind::Weights => "weights",
            FigureKind::Filters => "filters",
            FigureKind::PhaseStatistics => "phase-statistics",
            FigureKind::LearningCurve => "learning-curve",
            FigureKind::Landscape => "landscape",
            FigureKind::Capacity => "capacity",
        }
    }
}

/// What figures are built from.
pub struct Sources<'a> {
    /// The latest snapshot.
    pub snapshot: &'a Snapshot,
    /// The energy trace as the UI keeps it.
    pub trace: &'a [TracePoint],
    /// Finished capacity sweeps: (rule, N, points).
    pub capacity: &'a [(HopfieldRule, usize, Vec<CapacityPoint>)],
}

/// Builds the figure, or says why there is nothing to draw.
pub fn build(kind: FigureKind, s: &Sources) -> Result<Figure, String> {
    let snap = s.snapshot;
    match kind {
        FigureKind::Grid => grids_figure(snap, false),
        FigureKind::CompareGrids => grids_figure(snap, true),
        FigureKind::EnergyTrace => Ok(Figure::Chart(energy_chart(snap, s.trace, false))),
        FigureKind::RaceTrace => Ok(Figure::Chart(energy_chart(snap, s.trace, true))),
        FigureKind::Distribution => distribution_chart(snap),
        FigureKind::TvCurve => tv_chart(snap),
        FigureKind::Sigmoid => Ok(Figure::Chart(sigmoid_chart(snap.temperature))),
        FigureKind::Weights => weights_figure(snap),
        FigureKind::Filters => filters_figure(snap),
        FigureKind::PhaseStatistics => phase_figure(snap),
        FigureKind::LearningCurve => learning_chart(snap),
        FigureKind::Landscape => landscape_chart(snap),
        FigureKind::Capacity => capacity_chart(s.capacity),
    }
}

/// The trace as the dynamics went: at each sweep count, the last state there (edits at one
/// sweep are markers; a line through them would double back).
pub fn settled<'a, I>(trace: I) -> impl Iterator<Item = &'a TracePoint>
where
    I: Iterator<Item = &'a TracePoint> + Clone,
{
    trace
        .clone()
        .zip(trace.skip(1).map(Some).chain([None]))
        .filter(|(p, next)| next.is_none_or(|n| n.sweep != p.sweep))
        .map(|(p, _)| p)
}

/// How many stored patterns get a labelled energy line.
pub const PATTERN_LINES: usize = 10;

/// The energy trace: E(sweeps), the T = 0 twin when `race`, and each stored pattern's energy
/// as a labelled line in its own colour.
pub fn energy_chart(snap: &Snapshot, trace: &[TracePoint], race: bool) -> Chart {
    let main: Vec<(f64, f64)> = settled(trace.iter()).map(|p| (p.sweep, p.energy)).collect();
    let mut series = Vec::new();
    for (k, e) in snap.pattern_energies.iter().enumerate().take(PATTERN_LINES) {
        series.push(Series::Level {
            label: format!("pattern {}", k + 1),
            y: *e,
            colour: theme::pattern_colour(k),
        });
    }
    if race {
        series.push(Series::Line {
            label: "Hopfield (T = 0)".into(),
            points: settled(trace.iter())
                .map(|p| (p.sweep, p.descent_energy))
                .collect(),
            colour: theme::FIGURE_SECOND,
            dashed: false,
        });
    }
    series.push(Series::Line {
        label: if race {
            format!("Boltzmann (T = {:.2})", snap.temperature)
        } else {
            format!("E(s), T = {:.2}", snap.temperature)
        },
        points: main,
        colour: theme::FIGURE_MAIN,
        dashed: false,
    });
    Chart {
        title: if race {
            "Hopfield descent against Boltzmann sampling".into()
        } else {
            "Energy as the network runs".into()
        },
        x_label: "sweeps".into(),
        y_label: "energy E".into(),
        series,
        ..Chart::default()
    }
}

fn units_panel(title: String, (w, h): (usize, usize), states: &[f32], clamped: &[bool]) -> Panel {
    Panel {
        title,
        cols: w,
        rows: h,
        values: states.to_vec(),
        map: ColourMap::Units,
        split: None,
        outlined: clamped.to_vec(),
    }
}

fn as_f32(states: &[u8]) -> Vec<f32> {
    states.iter().map(|&s| f32::from(s)).collect()
}

/// The network's grid (with its hidden units), or when `compare` the T = 0 twin's grid beside
/// the sampled one.
pub fn grids_figure(snap: &Snapshot, compare: bool) -> Result<Figure, String> {
    if compare {
        compare_grids(snap)
    } else {
        grid_figure(snap)
    }
}

fn grid_figure(snap: &Snapshot) -> Result<Figure, String> {
    let (w, h) = snap.settings.grid;
    if w * h == 0 || snap.visible.len() != w * h {
        return Err("there is no grid to export".into());
    }
    let mut panels = vec![units_panel(
        format!("visible units (E = {:.3})", snap.energy),
        (w, h),
        &as_f32(&snap.visible),
        &snap.clamped,
    )];
    let (hw, hh) = snap.hidden_grid;
    if hw * hh > 0 && snap.hidden.len() <= hw * hh {
        let mut hidden = as_f32(&snap.hidden);
        hidden.resize(hw * hh, 0.0);
        panels.push(units_panel("hidden units".into(), (hw, hh), &hidden, &[]));
    }
    Ok(Figure::Panels(Panels {
        title: format!("Network at T = {:.2}", snap.temperature),
        columns: panels.len(),
        panels,
        bars: Bars::None,
    }))
}

fn compare_grids(snap: &Snapshot) -> Result<Figure, String> {
    let (w, h) = snap.settings.grid;
    if w * h == 0 || snap.visible.len() != w * h || snap.descent_visible.len() != w * h {
        return Err("there are no grids to export".into());
    }
    Ok(Figure::Panels(Panels {
        title: "Same weights, same start".into(),
        columns: 2,
        panels: vec![
            units_panel(
                format!("Hopfield, T = 0 (E = {:.3})", snap.descent_energy),
                (w, h),
                &as_f32(&snap.descent_visible),
                &[],
            ),
            units_panel(
                format!(
                    "Boltzmann, T = {:.2} (E = {:.3})",
                    snap.temperature, snap.energy
                ),
                (w, h),
                &as_f32(&snap.visible),
                &snap.clamped,
            ),
        ],
        bars: Bars::None,
    }))
}

fn distribution_chart(snap: &Snapshot) -> Result<Figure, String> {
    let dist = snap
        .distribution
        .as_ref()
        .ok_or("the exact distribution needs a net of at most 12 units and T > 0")?;
    let bars = |offset: f64, value: fn(&crate::sim::protocol::StateRow) -> f64| {
        dist.states
            .iter()
            .enumerate()
            .map(|(k, s)| (k as f64 + offset, k as f64 + offset + 0.42, value(s)))
            .collect()
    };
    Ok(Figure::Chart(Chart {
        title: format!(
            "P(s) = e^(−E/T)/Z at T = {:.2}: exact against {} samples",
            snap.temperature,
            crate::ui::format::thousands(dist.samples)
        ),
        x_label: format!("the {} states, lowest energy first", dist.states.len()),
        y_label: "probability".into(),
        series: vec![
            Series::Bars {
                label: "exact P(s)".into(),
                bars: bars(-0.42, |s| s.exact),
                colour: theme::FIGURE_SECOND,
            },
            Series::Bars {
                label: "sampled".into(),
                bars: bars(0.0, |s| s.sampled),
                colour: theme::FIGURE_MAIN,
            },
        ],
        include: vec![(f64::NAN, 0.0)],
        hide_x_ticks: true,
    }))
}

fn tv_chart(snap: &Snapshot) -> Result<Figure, String> {
    let dist = snap
        .distribution
        .as_ref()
        .ok_or("the TV curve needs a net of at most 12 units and T > 0")?;
    Ok(Figure::Chart(Chart {
        title: format!(
            "Total-variation distance, exact against sampled (now {})",
            scientific(dist.total_variation, 3)
        ),
        x_label: "sweeps".into(),
        y_label: "TV distance".into(),
        series: tv_series(dist),
        include: vec![(f64::NAN, 0.0)],
        ..Chart::default()
    }))
}

/// The sampler's TV with, when known, the TV of as many independent exact draws: its mean
/// and its 99 % band (the floor a perfectly mixing sampler would sit on).
fn tv_series(dist: &crate::sim::protocol::DistributionView) -> Vec<Series> {
    let xy = |c: &[[f64; 2]]| c.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>();
    let mut series = Vec::new();
    if dist.floor_low.len() == dist.floor_high.len() && !dist.floor_low.is_empty() {
        series.push(Series::Band {
            label: "i.i.d. floor, 99 % band".into(),
            points: dist
                .floor_low
                .iter()
                .zip(&dist.floor_high)
                .map(|(lo, hi)| (lo[0], lo[1], hi[1]))
                .collect(),
            colour: theme::FIGURE_SECOND,
        });
    }
    if !dist.floor_mean.is_empty() {
        series.push(Series::Line {
            label: "i.i.d. floor (mean)".into(),
            points: xy(&dist.floor_mean),
            colour: theme::FIGURE_SECOND,
            dashed: true,
        });
    }
    series.push(Series::Line {
        label: "TV of the sampler".into(),
        points: xy(&dist.tv_curve),
        colour: theme::FIGURE_MAIN,
        dashed: false,
    });
    series
}

/// σ(x / T) over x ∈ [−6, 6], with the T → 0 step for comparison.
pub fn sigmoid_chart(temperature: f64) -> Chart {
    let t = temperature.max(1e-6);
    let curve = (0..=400)
        .map(|k| {
            let x = -6.0 + 12.0 * f64::from(k) / 400.0;
            (x, sigmoid(x / t))
        })
        .collect();
    Chart {
        title: format!("P(on) = σ(x/T) at T = {temperature:.2}"),
        x_label: "input x".into(),
        y_label: "P(unit on)".into(),
        series: vec![
            Series::Line {
                label: "T → 0: Hopfield's step".into(),
                points: vec![(-6.0, 0.0), (0.0, 0.0), (0.0, 1.0), (6.0, 1.0)],
                colour: theme::FIGURE_SECOND,
                dashed: true,
            },
            Series::Line {
                label: format!("σ(x/T), T = {temperature:.2}"),
                points: curve,
                colour: theme::FIGURE_MAIN,
                dashed: false,
            },
        ],
        include: vec![(f64::NAN, 0.0), (f64::NAN, 1.0)],
        ..Chart::default()
    }
}

fn largest_abs(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-12)
}

fn weights_figure(snap: &Snapshot) -> Result<Figure, String> {
    let (rows, cols) = snap.weights_shape;
    if rows * cols == 0 || snap.weights.len() != rows * cols {
        return Err("there are no weights to export".into());
    }
    let what = if snap.settings.kind == ModelKind::Rbm {
        "rows: visible units i, columns: hidden units j"
    } else {
        "unit i down, unit j across"
    };
    Ok(Figure::Panels(Panels {
        title: format!("Weights wᵢⱼ ({rows} × {cols}; {what})"),
        columns: 1,
        panels: vec![Panel {
            title: "blue negative, white zero, red positive".into(),
            cols,
            rows,
            values: snap.weights.to_vec(),
            map: ColourMap::Diverging {
                scale: largest_abs(&snap.weights),
            },
            split: (snap.settings.kind != ModelKind::Rbm && snap.visible.len() < rows)
                .then_some((snap.visible.len(), snap.visible.len())),
            outlined: Vec::new(),
        }],
        bars: Bars::Each,
    }))
}

fn filters_figure(snap: &Snapshot) -> Result<Figure, String> {
    let (nv, nh) = snap.weights_shape;
    let (gw, gh) = snap.settings.grid;
    if snap.settings.kind != ModelKind::Rbm
        || nv != gw * gh
        || nh == 0
        || snap.weights.len() != nv * nh
    {
        return Err("receptive fields are drawn for RBMs".into());
    }
    let panels = (0..nh)
        .map(|j| {
            let values: Vec<f32> = (0..nv).map(|i| snap.weights[i * nh + j]).collect();
            Panel {
                title: format!("h{}", j + 1),
                cols: gw,
                rows: gh,
                map: ColourMap::Diverging {
                    scale: largest_abs(&values),
                },
                values,
                split: None,
                outlined: Vec::new(),
            }
        })
        .collect();
    Ok(Figure::Panels(Panels {
        title: "Receptive fields: each hidden unit's weights on the visible grid (own scale; blue −, red +)".into(),
        columns: (nh as f64).sqrt().ceil() as usize,
        panels,
        bars: Bars::None,
    }))
}

fn phase_figure(snap: &Snapshot) -> Result<Figure, String> {
    let l = &snap.learning;
    let (rows, cols) = l.shape;
    let (Some(p), Some(n)) = (&l.positive, &l.negative) else {
        return Err("run the positive and the negative phase first".into());
    };
    if rows * cols == 0 || p.len() != rows * cols || n.len() != rows * cols {
        return Err("the phase statistics do not match the network".into());
    }
    let shared = p
        .iter()
        .chain(n.iter())
        .fold(0.0f32, |m, &x| m.max(x))
        .max(1e-12);
    let rbm = snap.settings.kind == ModelKind::Rbm;
    let nv = snap.visible.len();
    let split = (!rbm && nv < rows).then_some((nv, nv));
    let panel = |title: &str, values: Vec<f32>, map| Panel {
        title: title.into(),
        cols,
        rows,
        values,
        map,
        split,
        outlined: Vec::new(),
    };
    let diff: Vec<f32> = p.iter().zip(n.iter()).map(|(a, b)| a - b).collect();
    let diff_scale = largest_abs(&diff);
    Ok(Figure::Panels(Panels {
        title: if rbm {
            "⟨vᵢhⱼ⟩ with the data (+) and the reconstruction (−); rows visible, columns hidden"
                .into()
        } else {
            "⟨sᵢsⱼ⟩ clamped to the data (+) and running free (−)".into()
        },
        columns: 3,
        panels: vec![
            panel(
                "⟨sᵢsⱼ⟩⁺ (clamped)",
                p.to_vec(),
                ColourMap::Sequential { max: shared },
            ),
            panel(
                "⟨sᵢsⱼ⟩⁻ (free)",
                n.to_vec(),
                ColourMap::Sequential { max: shared },
            ),
            panel(
                "difference ∝ ΔW",
                diff,
                ColourMap::Diverging { scale: diff_scale },
            ),
        ],
        bars: Bars::Each,
    }))
}

/// A centred moving average over `window` points (shorter at the ends), in O(n) through
/// prefix sums (it runs every frame the Learning view is open).
pub fn smooth(points: &[[f64; 2]], window: usize) -> Vec<(f64, f64)> {
    let half = window / 2;
    let mut prefix = Vec::with_capacity(points.len() + 1);
    prefix.push(0.0);
    for p in points {
        prefix.push(prefix[prefix.len() - 1] + p[1]);
    }
    (0..points.len())
        .map(|k| {
            let (a, b) = (k.saturating_sub(half), (k + half + 1).min(points.len()));
            (points[k][0], (prefix[b] - prefix[a]) / (b - a) as f64)
        })
        .collect()
}

/// The smoothing window for a curve of `n` points: about a fiftieth of it, odd.
pub fn smoothing_window(n: usize) -> usize {
    (n / 50) | 1
}

fn learning_chart(snap: &Snapshot) -> Result<Figure, String> {
    let l = &snap.learning;
    if l.curve.is_empty() {
        return Err("there is no learning curve yet: train first".into());
    }
    let held_out = !l.validation_curve.is_empty();
    let name = if held_out { "training" } else { "measured" };
    let mut series = vec![Series::Line {
        label: format!("{name} (each point)"),
        points: l.curve.iter().map(|p| (p[0], p[1])).collect(),
        colour: theme::rgb(theme::REFERENCE),
        dashed: false,
    }];
    let window = smoothing_window(l.curve.len());
    if window > 1 {
        series.push(Series::Line {
            label: format!("{name}, mean of {window} points"),
            points: smooth(&l.curve, window),
            colour: theme::FIGURE_MAIN,
            dashed: false,
        });
    }
    if held_out {
        series.push(Series::Line {
            label: format!("held-out ({} patterns)", l.validation_patterns),
            points: l.validation_curve.iter().map(|p| (p[0], p[1])).collect(),
            colour: theme::FIGURE_THIRD,
            dashed: false,
        });
    }
    if let Some((y, label)) = learning_reference(snap) {
        series.push(Series::Level {
            label: label.into(),
            y,
            colour: theme::FIGURE_SECOND,
        });
    }
    Ok(Figure::Chart(Chart {
        title: format!(
            "Learning curve ({} updates)",
            crate::ui::format::thousands(l.updates as u64)
        ),
        x_label: "updates".into(),
        y_label: l.curve_label.clone(),
        series,
        ..Chart::default()
    }))
}

/// A reference level for the learning curve: for 3-bit parity, the KL of the best model
/// without hidden units is log 2 (every pairwise statistic of parity is that of uniform noise).
pub fn learning_reference(snap: &Snapshot) -> Option<(f64, &'static str)> {
    (snap.settings.pattern_set.contains("parity") && snap.learning.curve_label.contains("KL"))
        .then_some((
            std::f64::consts::LN_2,
            "log 2: the best without hidden units",
        ))
}

fn landscape_chart(snap: &Snapshot) -> Result<Figure, String> {
    let view = snap
        .landscape
        .as_ref()
        .ok_or("the landscape needs a net of at most 12 units")?;
    let l = &view.landscape;
    let slots = crate::ui::landscape::slots(l);
    let at = |k: usize| (slots[k] as f64, l.energies[k]);
    let mut segments = Vec::new();
    for k in 0..l.energies.len() {
        for i in 0..l.n {
            let j = k ^ (1 << i);
            if j > k {
                segments.push((at(k), at(j)));
            }
        }
    }
    let mut series = vec![Series::Segments {
        segments,
        colour: theme::FIGURE_INK,
    }];
    for (rank, &m) in l.minima.iter().enumerate() {
        let colour = theme::rgb(theme::BASINS[rank % theme::BASINS.len()]);
        let points: Vec<(f64, f64)> = (0..l.energies.len())
            .filter(|&k| l.basin[k] == m)
            .map(at)
            .collect();
        series.push(Series::Dots {
            label: if rank < 8 {
                format!("valley of minimum {} (E = {:.2})", rank + 1, l.energies[m])
            } else {
                String::new()
            },
            points,
            colour,
            radius: if l.energies.len() > 1024 { 3 } else { 6 },
            ring: false,
        });
        series.push(Series::Dots {
            label: String::new(),
            points: vec![at(m)],
            colour,
            radius: 14,
            ring: true,
        });
    }
    series.push(Series::Dots {
        label: "T = 0 twin".into(),
        points: vec![at(view.descent_state)],
        colour: theme::FIGURE_SECOND,
        radius: 20,
        ring: true,
    });
    series.push(Series::Dots {
        label: format!("sampled state (T = {:.2})", snap.temperature),
        points: vec![at(view.state)],
        colour: theme::FIGURE_MAIN,
        radius: 16,
        ring: true,
    });
    Ok(Figure::Chart(Chart {
        title: format!(
            "Energy landscape: {} states of {} units, {} local minima (ringed)",
            l.energies.len(),
            l.n,
            l.minima.len()
        ),
        x_label: "states, grouped by the valley T = 0 descent ends in".into(),
        y_label: "energy E".into(),
        series,
        hide_x_ticks: true,
        ..Chart::default()
    }))
}

/// The colour of a storage rule in capacity figures.
pub fn rule_colour(rule: HopfieldRule) -> [u8; 3] {
    match rule {
        HopfieldRule::Hebbian => theme::FIGURE_MAIN,
        HopfieldRule::Storkey => theme::FIGURE_THIRD,
        HopfieldRule::PseudoInverse => theme::FIGURE_SECOND,
    }
}

/// Capacity sweeps: the fraction recalled against patterns stored, each rule's theory marks
/// dashed in its colour.
pub fn capacity_chart(
    results: &[(HopfieldRule, usize, Vec<CapacityPoint>)],
) -> Result<Figure, String> {
    if results.is_empty() {
        return Err("run a capacity sweep first".into());
    }
    let mut series = Vec::new();
    for (rule, n, points) in results {
        let colour = rule_colour(*rule);
        series.push(Series::Line {
            label: format!("{rule:?}, N = {n}"),
            points: points
                .iter()
                .map(|p| (p.patterns as f64, p.recalled))
                .collect(),
            colour,
            dashed: false,
        });
        for (x, what) in theory_marks(*rule, *n) {
            series.push(Series::Mark {
                label: what.split(':').next().unwrap_or(what).to_owned() + &format!(" ({rule:?})"),
                x,
                colour,
            });
        }
    }
    Ok(Figure::Chart(Chart {
        title: "Hopfield capacity: exact recall from noisy cues".into(),
        x_label: "patterns stored p".into(),
        y_label: "fraction recalled".into(),
        series,
        include: vec![(0.0, 0.0), (f64::NAN, 1.0)],
        ..Chart::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_averages_the_window_and_shortens_it_at_the_ends() {
        let points: Vec<[f64; 2]> = [1.0, 2.0, 6.0, 4.0, 5.0]
            .iter()
            .enumerate()
            .map(|(k, &y)| [k as f64, y])
            .collect();
        // Window 3: (1+2)/2, (1+2+6)/3, (2+6+4)/3, (6+4+5)/3, (4+5)/2.
        assert_eq!(
            smooth(&points, 3),
            vec![(0.0, 1.5), (1.0, 3.0), (2.0, 4.0), (3.0, 5.0), (4.0, 4.5)]
        );
        assert_eq!(smoothing_window(10), 1);
        assert_eq!(smoothing_window(200), 5);
    }
}
