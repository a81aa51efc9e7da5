//! The control panel: model, run controls, temperature, annealing, drawing, learning.
//!
//! Every control shows the simulation's own setting from the snapshot and sends a
//! [`Command`] when the person changes it. The only values kept here are drafts: a slider
//! being dragged or a field being typed into, dropped as soon as they are sent.

use super::UiState;
use super::grid::Brush;
use crate::engine::anneal::Schedule;
use crate::engine::hopfield::HopfieldRule;
use crate::sim::protocol::{
    Command, ModelKind, ModelSpec, Settings, Snapshot, TrainingSource, UpdateOrder,
};

/// Sweeps per second when "As fast as possible" is switched off.
const PACED_SPEED: f64 = 20.0;
/// Hidden units offered when a model that has none becomes one that needs them.
const DEFAULT_HIDDEN: usize = 16;

/// Draws the controls; what the person asks for goes to `out`.
pub fn controls_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    state: &mut UiState,
    out: &mut Vec<Command>,
) {
    model_ui(ui, snap, state, out);
    ui.separator();
    run_ui(ui, snap, state, out);
    ui.separator();
    temperature_ui(ui, snap, out);
    ui.separator();
    drawing_ui(ui, snap, state, out);
    // The Learning view shows these controls above its heatmaps instead.
    if state.view != super::View::Learning {
        ui.separator();
        learning_ui(ui, snap, out);
    }
}

/// A drag value with the name a screen reader (and a test) reads beside its number, and a
/// tooltip. Returns whether the person changed it.
pub(super) fn named_drag<T: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    value: &mut T,
    configure: impl FnOnce(egui::DragValue<'_>) -> egui::DragValue<'_>,
    label: &str,
    tip: &str,
) -> bool {
    let response = ui.add(configure(egui::DragValue::new(value)));
    let number = value.to_f64();
    response.widget_info(|| {
        let mut info = egui::WidgetInfo::drag_value(true, number);
        info.label = Some(label.to_owned());
        info
    });
    response.on_hover_text(tip).changed()
}

/// A row of buttons, each sending its command when clicked: (label, tooltip, command).
fn command_buttons<const N: usize>(
    ui: &mut egui::Ui,
    out: &mut Vec<Command>,
    buttons: [(&str, &str, Command); N],
) {
    for (label, tip, command) in buttons {
        if ui.button(label).on_hover_text(tip).clicked() {
            out.push(command);
        }
    }
}

/// The spec that rebuilds the model on screen with `change` applied.
fn spec_from(settings: &Settings, change: impl FnOnce(&mut ModelSpec)) -> ModelSpec {
    let mut spec = ModelSpec {
        kind: settings.kind,
        source: settings.source,
        hidden: settings.hidden,
        rule: settings.rule,
        seed: settings.seed,
    };
    change(&mut spec);
    spec
}

fn model_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    let settings = &snap.settings;
    ui.strong("Model");
    let mut kind = settings.kind;
    egui::ComboBox::from_label("Kind")
        .selected_text(kind_label(kind))
        .show_ui(ui, |ui| {
            for k in [ModelKind::Hopfield, ModelKind::Boltzmann, ModelKind::Rbm] {
                ui.selectable_value(&mut kind, k, kind_label(k));
            }
        })
        .response
        .on_hover_text("Hopfield: E = −½ Σ wᵢⱼ sᵢsⱼ, descends to stored patterns. Boltzmann: samples P(s) ∝ e^(−E/T) with hidden units. RBM: visible–hidden links only.");
    if kind != settings.kind {
        out.push(Command::SetModel(spec_from(settings, |s| {
            s.kind = kind;
            if s.hidden == 0 {
                s.hidden = DEFAULT_HIDDEN;
            }
        })));
    }
    let mut source = settings.source;
    egui::ComboBox::from_label("Patterns")
        .selected_text(source_label(source, &settings.pattern_set))
        .show_ui(ui, |ui| {
            for s in [TrainingSource::Letters, TrainingSource::Digits, TrainingSource::BarsAndStripes, TrainingSource::Parity, TrainingSource::Drawn] {
                ui.selectable_value(&mut source, s, source_label(s, ""));
            }
        })
        .response
        .on_hover_text("The training set; it also fixes the visible grid (letters 10×10, digits 8×8, bars 4×4, parity 3 units).");
    if source != settings.source {
        out.push(Command::SetModel(spec_from(settings, |s| {
            s.source = source
        })));
    }
    if settings.kind == ModelKind::Hopfield {
        let mut rule = settings.rule;
        egui::ComboBox::from_label("Storage rule")
            .selected_text(format!("{rule:?}"))
            .show_ui(ui, |ui| {
                for r in [HopfieldRule::Hebbian, HopfieldRule::Storkey, HopfieldRule::PseudoInverse] {
                    ui.selectable_value(&mut rule, r, format!("{r:?}"));
                }
            })
            .response
            .on_hover_text("Hebbian J = (1/N) Σ ξξᵀ (~0.138 N patterns); Storkey adds local-field corrections; pseudo-inverse J = Ξ C⁻¹ Ξᵀ / N.");
        if rule != settings.rule {
            out.push(Command::SetModel(spec_from(settings, |s| s.rule = rule)));
        }
    } else {
        let mut hidden = state.drafts.hidden.unwrap_or(settings.hidden);
        // An RBM needs a hidden unit; a Boltzmann machine may have none (a visible-only net).
        let fewest = usize::from(settings.kind == ModelKind::Rbm);
        let response = ui
            .add(
                egui::Slider::new(&mut hidden, fewest..=500)
                    .logarithmic(true)
                    .text("Hidden units"),
            )
            .on_hover_text(
                "Hidden units learn latent structure; each adds a column to the weight matrix. \
                 Letting go of the slider rebuilds the model with random small weights.",
            );
        if response.changed() {
            state.drafts.hidden = Some(hidden);
        }
        let let_go = response.drag_stopped() || (response.changed() && !response.dragged());
        if let_go
            && let Some(h) = state.drafts.hidden.take()
            && h != settings.hidden
        {
            out.push(Command::SetModel(spec_from(settings, |s| s.hidden = h)));
        }
    }
    ui.horizontal(|ui| {
        let draft = state.drafts.grid.filter(|d| d.based_on == settings.grid);
        let (mut w, mut h) = draft.map_or(settings.grid, |d| d.size);
        let sides = [
            (
                &mut w,
                " wide",
                "Grid columns",
                "Columns of the visible grid (a new blank grid when you press Blank grid)",
            ),
            (&mut h, " high", "Grid rows", "Rows of the visible grid"),
        ];
        let mut changed = false;
        for (k, (side, suffix, name, tip)) in sides.into_iter().enumerate() {
            if k > 0 {
                ui.label("×");
            }
            changed |= named_drag(ui, side, |d| d.range(1..=64).suffix(suffix), name, tip);
        }
        if changed {
            state.drafts.grid = Some(super::GridDraft {
                size: (w, h),
                based_on: settings.grid,
            });
        }
        if ui
            .button("Blank grid")
            .on_hover_text(
                "A blank grid of this size for your own patterns (e.g. 28 × 28): draw, press \
                 Store, repeat. Hopfield and Boltzmann nets take up to 1024 units, RBMs 4096.",
            )
            .clicked()
        {
            state.drafts.grid = None;
            out.push(Command::NewGrid {
                width: w,
                height: h,
            });
        }
    });
}

fn run_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    let settings = &snap.settings;
    ui.strong("Run");
    ui.horizontal_wrapped(|ui| {
        let label = if snap.running { "Pause" } else { "Run" };
        if ui
            .button(label)
            .on_hover_text("Space: sweep continuously (each sweep updates every unit once)")
            .clicked()
        {
            out.push(if snap.running {
                Command::Pause
            } else {
                Command::Run
            });
        }
        command_buttons(
            ui,
            out,
            [
                ("Step", "S: one sweep of n single-unit updates", Command::Step(1)),
                (
                    "Unit",
                    "U: one unit update: sᵢ = 1 with probability σ(xᵢ/T); the unit is ringed on the grid",
                    Command::StepUnit,
                ),
            ],
        );
        if ui
            .button("Reset")
            .on_hover_text("R: every unit that is not clamped random from the seed (hidden ones too); counters and trace cleared")
            .clicked()
        {
            out.push(Command::Reset {
                seed: state.drafts.seed.take().unwrap_or(settings.seed),
            });
        }
    });
    ui.horizontal(|ui| {
        ui.label("Order");
        for (o, name, tip) in [
            (
                UpdateOrder::Random,
                "Random",
                "a random unit at each update",
            ),
            (
                UpdateOrder::Sequential,
                "Sequential",
                "units 0, 1, …, n-1 in turn",
            ),
            (
                UpdateOrder::Synchronous,
                "Synchronous",
                "all units at once from the old state (may 2-cycle)",
            ),
        ] {
            if ui
                .selectable_label(settings.order == o, name)
                .on_hover_text(format!("Order: {tip}"))
                .clicked()
                && settings.order != o
            {
                out.push(Command::SetOrder(o));
            }
        }
    });
    let mut fast = settings.speed.is_none();
    if ui
        .checkbox(&mut fast, "As fast as possible")
        .on_hover_text("No limit on sweeps per second")
        .changed()
    {
        out.push(Command::SetSpeed(if fast {
            None
        } else {
            Some(PACED_SPEED)
        }));
    }
    if let Some(mut sps) = settings.speed
        && ui
            .add(
                egui::Slider::new(&mut sps, 0.5..=1000.0)
                    .logarithmic(true)
                    .text("Sweeps per second"),
            )
            .on_hover_text("Speed of the running simulation")
            .changed()
    {
        out.push(Command::SetSpeed(Some(sps)));
    }
    ui.horizontal(|ui| {
        let mut seed = state.drafts.seed.unwrap_or(settings.seed);
        ui.label("Seed");
        if named_drag(
            ui,
            &mut seed,
            |d| d,
            "Seed",
            "One u64 seed reproduces a run bit for bit; Reset starts from it",
        ) {
            state.drafts.seed = Some(seed);
        }
        if state.drafts.seed.is_some_and(|s| s != settings.seed) {
            ui.weak(format!("(Reset to use; now {})", settings.seed));
        }
    });
}

fn temperature_ui(ui: &mut egui::Ui, snap: &Snapshot, out: &mut Vec<Command>) {
    let settings = &snap.settings;
    ui.strong("Temperature");
    // The slider shows the T the sampler uses now (annealing moves it).
    let mut t = snap.temperature;
    let slider = egui::Slider::new(&mut t, 0.0..=20.0)
        .logarithmic(true)
        .smallest_positive(0.01)
        .text("Temperature T");
    if ui
        .add_enabled(snap.anneal.is_none(), slider)
        .on_hover_text("P(sᵢ = 1) = σ(xᵢ / T): high T explores, T near 0 is Hopfield descent")
        .changed()
    {
        out.push(Command::SetTemperature(t));
    }
    ui.horizontal(|ui| {
        for (value, tip) in [
            (
                0.0,
                "Deterministic: sᵢ = [xᵢ > 0], exactly Hopfield dynamics",
            ),
            (1.0, "The temperature learning uses"),
            (3.0, "Hot: every state is nearly as likely as any other"),
        ] {
            if ui
                .button(format!("T = {value}"))
                .on_hover_text(tip)
                .clicked()
            {
                out.push(Command::SetTemperature(value));
            }
        }
    });
    let Schedule::Geometric {
        mut t_start,
        mut t_end,
        mut steps,
        mut sweeps,
    } = geometric(&settings.schedule)
    else {
        return;
    };
    let mut changed = false;
    ui.horizontal(|ui| {
        changed |= named_drag(
            ui,
            &mut t_start,
            |d| d.range(0.01..=50.0).speed(0.1).prefix("from "),
            "Anneal from T",
            "Anneal: start temperature",
        );
        changed |= named_drag(
            ui,
            &mut t_end,
            |d| d.range(0.001..=50.0).speed(0.01).prefix("to "),
            "Anneal to T",
            "Anneal: end temperature",
        );
    });
    ui.horizontal(|ui| {
        changed |= named_drag(
            ui,
            &mut steps,
            |d| d.range(1..=500).prefix("steps "),
            "Anneal steps",
            "Anneal: number of temperatures, geometric: Tₖ = T₀ (T₁/T₀)^(k/(K-1))",
        );
        changed |= named_drag(
            ui,
            &mut sweeps,
            |d| d.range(1..=1000).prefix("sweeps "),
            "Sweeps per step",
            "Anneal: sweeps at each temperature",
        );
    });
    if changed {
        out.push(Command::SetSchedule(Schedule::Geometric {
            t_start,
            t_end,
            steps,
            sweeps,
        }));
    }
    if ui
        .button("Anneal")
        .on_hover_text(
            "Run the schedule from high to low T: escapes local minima that descent gets stuck in",
        )
        .clicked()
    {
        out.push(Command::Anneal);
    }
    super::views::schedule_plot_ui(ui, &settings.schedule, snap);
}

/// The schedule as geometric steps for the editor (a list of steps is shown as its ends).
fn geometric(schedule: &Schedule) -> Schedule {
    match schedule {
        Schedule::Geometric { .. } => schedule.clone(),
        Schedule::Linear {
            t_start,
            t_end,
            steps,
            sweeps,
        } => Schedule::Geometric {
            t_start: *t_start,
            t_end: *t_end,
            steps: *steps,
            sweeps: *sweeps,
        },
        Schedule::Steps(list) => Schedule::Geometric {
            t_start: list.first().map_or(8.0, |s| s.0),
            t_end: list.last().map_or(0.05, |s| s.0),
            steps: list.len().max(1),
            sweeps: list.first().map_or(10, |s| s.1),
        },
    }
}

fn drawing_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    ui.strong("Draw and clamp");
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.brush, Brush::Draw, "Draw brush")
            .on_hover_text("Left button paints on, right paints off");
        ui.selectable_value(&mut state.brush, Brush::Clamp, "Clamp brush")
            .on_hover_text("Left button clamps a unit (held fixed), right releases");
    });
    ui.add(egui::Slider::new(&mut state.brush_size, 1..=4).text("Brush size"))
        .on_hover_text("Side of the square brush in units (2k - 1)");
    ui.horizontal_wrapped(|ui| {
        let buttons: [(&str, &str, Command); 6] = [
            (
                "Clear",
                "All visible units off (clamped units keep their value)",
                Command::Clear,
            ),
            (
                "Invert",
                "sᵢ becomes 1 - sᵢ (clamped units keep their value)",
                Command::Invert,
            ),
            (
                "Random",
                "Each unit on with probability ½ (clamped units keep their value)",
                Command::FillRandom,
            ),
            (
                "Clamp what I drew",
                "Clamp every visible unit that is on",
                Command::ClampDrawn,
            ),
            ("Release all", "No unit clamped", Command::ReleaseAll),
            (
                "Store",
                "Add the grid to the training set (a Hopfield net stores it at once)",
                Command::StorePattern,
            ),
        ];
        command_buttons(ui, out, buttons);
    });
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut state.noise, 0.0..=0.5).text("Noise"))
            .on_hover_text("Fraction of units to flip");
        if ui
            .button("Add noise")
            .on_hover_text(
                "Flip this fraction of the visible units (clamped units keep their value)",
            )
            .clicked()
        {
            out.push(Command::AddNoise(state.noise));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Show pattern:");
        let count = snap.learning.training_patterns.min(10);
        for k in 0..count {
            if ui
                .small_button(format!("{}", k + 1))
                .on_hover_text(
                    "Put this training pattern on the grid (clamped units keep their value)",
                )
                .clicked()
            {
                out.push(Command::ShowPattern(k));
            }
        }
    });
    ui.checkbox(&mut state.show_probability, "Show P(on) as grey")
        .on_hover_text("Grey level = σ(xᵢ/T) instead of the 0/1 state");
}

/// η, k, the three phase buttons and Train.
pub fn learning_ui(ui: &mut egui::Ui, snap: &Snapshot, out: &mut Vec<Command>) {
    let settings = &snap.settings;
    ui.strong("Learning");
    let mut eta = settings.learning_rate;
    if ui
        .add(
            egui::Slider::new(&mut eta, 0.001..=1.0)
                .logarithmic(true)
                .text("Learning rate η"),
        )
        .on_hover_text("ΔW = η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻)")
        .changed()
    {
        out.push(Command::SetLearningRate(eta));
    }
    if settings.kind == ModelKind::Rbm {
        let mut k = settings.cd_k;
        if ui
            .add(
                egui::Slider::new(&mut k, 1..=crate::sim::simulation::MAX_CD_K)
                    .logarithmic(true)
                    .text("Gibbs steps k"),
            )
            .on_hover_text("CD-k: k Gibbs steps from the data before ⟨vh⟩⁻ is read")
            .changed()
        {
            out.push(Command::SetCdK(k));
        }
    }
    ui.horizontal_wrapped(|ui| {
        command_buttons(
            ui,
            out,
            [
                (
                    "Positive phase",
                    "Clamp the visible units to each pattern, sample the hidden ones: ⟨sᵢsⱼ⟩⁺",
                    Command::PositivePhase,
                ),
                (
                    "Negative phase",
                    "Run free: ⟨sᵢsⱼ⟩⁻",
                    Command::NegativePhase,
                ),
                (
                    "Apply update",
                    "W += η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻)",
                    Command::ApplyUpdate,
                ),
            ],
        );
        let label = if snap.learning.training {
            "Stop training"
        } else {
            "Train"
        };
        if ui
            .button(label)
            .on_hover_text("Repeat positive phase, negative phase, update")
            .clicked()
        {
            out.push(Command::Train(!snap.learning.training));
        }
    });
}

fn kind_label(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Hopfield => "Hopfield",
        ModelKind::Boltzmann => "Boltzmann machine",
        ModelKind::Rbm => "RBM",
    }
}

/// The pattern set's label; a set of drawings named otherwise (a spin glass, imported
/// weights) shows its own name.
fn source_label(source: TrainingSource, set_name: &str) -> String {
    match source {
        TrainingSource::Letters => "Letters".into(),
        TrainingSource::Digits => "Digits".into(),
        TrainingSource::BarsAndStripes => "Bars and stripes".into(),
        TrainingSource::Parity => "3-bit parity".into(),
        TrainingSource::Drawn if set_name.is_empty() || set_name == "Drawn" => "My drawings".into(),
        TrainingSource::Drawn => set_name.to_owned(),
    }
}

/// The spec a model button would send (exposed for tests).
pub fn spec_with(kind: ModelKind, source: TrainingSource, hidden: usize) -> ModelSpec {
    ModelSpec {
        kind,
        source,
        hidden,
        ..ModelSpec::default()
    }
}
