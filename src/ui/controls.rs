//! The control panel: model, run controls, temperature, annealing, drawing, learning.

use super::UiState;
use super::grid::Brush;
use crate::engine::anneal::Schedule;
use crate::engine::hopfield::HopfieldRule;
use crate::sim::protocol::{Command, ModelKind, ModelSpec, Order, Snapshot, TrainingSource};

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
    temperature_ui(ui, snap, state, out);
    ui.separator();
    drawing_ui(ui, snap, state, out);
    // The Learning view shows these controls above its heatmaps instead.
    if state.view != super::View::Learning {
        ui.separator();
        learning_ui(ui, snap, state, out);
    }
}

fn model_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    ui.strong("Model");
    let mut spec = snap.spec.clone();
    let before = spec.clone();
    egui::ComboBox::from_label("Kind")
        .selected_text(kind_label(spec.kind))
        .show_ui(ui, |ui| {
            for kind in [ModelKind::Hopfield, ModelKind::Boltzmann, ModelKind::Rbm] {
                ui.selectable_value(&mut spec.kind, kind, kind_label(kind));
            }
        })
        .response
        .on_hover_text("Hopfield: E = -½ Σ w_i_j σ_iσ_j, descends to stored patterns. Boltzmann: samples P(s) ~ e^(-E/T) with hidden units. RBM: visible–hidden links only.");
    egui::ComboBox::from_label("Patterns")
        .selected_text(source_label(spec.source))
        .show_ui(ui, |ui| {
            for source in [TrainingSource::Letters, TrainingSource::Digits, TrainingSource::BarsAndStripes, TrainingSource::Parity, TrainingSource::Drawn] {
                ui.selectable_value(&mut spec.source, source, source_label(source));
            }
        })
        .response
        .on_hover_text("The training set; it also fixes the visible grid (letters 10×10, digits 8×8, bars 4×4, parity 3 units).");
    if spec.kind == ModelKind::Hopfield {
        egui::ComboBox::from_label("Storage rule")
            .selected_text(format!("{:?}", spec.rule))
            .show_ui(ui, |ui| {
                for rule in [HopfieldRule::Hebbian, HopfieldRule::Storkey, HopfieldRule::PseudoInverse] {
                    ui.selectable_value(&mut spec.rule, rule, format!("{rule:?}"));
                }
            })
            .response
            .on_hover_text("Hebbian J = (1/N) Σ ξξ^T (~0.138 N patterns); Storkey adds local-field corrections; pseudo-inverse J = Ξ C-¹ Ξ^T / N.");
    } else {
        ui.add(
            egui::Slider::new(&mut state.hidden, 1..=500)
                .logarithmic(true)
                .text("Hidden units"),
        )
        .on_hover_text(
            "Hidden units learn latent structure; each adds a column to the weight matrix.",
        );
        if ui
            .button("Rebuild with these hidden units")
            .on_hover_text("New model with random small weights")
            .clicked()
        {
            spec.hidden = state.hidden;
            out.push(Command::SetModel(spec.clone()));
        }
    }
    if spec != before {
        spec.hidden = state.hidden;
        out.push(Command::SetModel(spec));
        state.trace.clear();
    }
    ui.horizontal(|ui| {
        ui.add(
            egui::DragValue::new(&mut state.grid_size.0)
                .range(2..=64)
                .suffix(" wide"),
        )
        .on_hover_text("Columns of a blank drawing grid");
        ui.label("×");
        ui.add(
            egui::DragValue::new(&mut state.grid_size.1)
                .range(1..=64)
                .suffix(" high"),
        )
        .on_hover_text("Rows of a blank drawing grid");
        if ui
            .button("Blank grid")
            .on_hover_text(
                "A blank grid of this size for your own patterns (e.g. 28 × 28): draw, press \
                 Store, repeat. Hopfield and Boltzmann nets take up to 1024 units, RBMs 4096.",
            )
            .clicked()
        {
            out.push(Command::NewGrid {
                width: state.grid_size.0,
                height: state.grid_size.1,
            });
            state.trace.clear();
        }
    });
}

fn run_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
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
        if ui
            .button("Step")
            .on_hover_text("S: one sweep of n single-unit updates")
            .clicked()
        {
            out.push(Command::Step(1));
        }
        if ui
            .button("Unit")
            .on_hover_text("U: one unit update: s_i = 1 with probability σ(x_i/T)")
            .clicked()
        {
            out.push(Command::StepUnit);
        }
        if ui
            .button("Reset")
            .on_hover_text("R: random start state from the seed; counters and trace cleared")
            .clicked()
        {
            out.push(Command::Reset { seed: state.seed });
            state.trace.clear();
        }
    });
    ui.horizontal(|ui| {
        ui.label("Order");
        for (o, name, tip) in [
            (Order::Random, "Random", "a random unit at each update"),
            (
                Order::Sequential,
                "Sequential",
                "units 0, 1, …, n-1 in turn",
            ),
            (
                Order::Synchronous,
                "Synchronous",
                "all units at once from the old state (may 2-cycle)",
            ),
        ] {
            if ui
                .selectable_label(false, name)
                .on_hover_text(tip)
                .clicked()
            {
                out.push(Command::SetOrder(o));
            }
        }
    });
    ui.horizontal(|ui| {
        let mut fast = state.speed.is_none();
        if ui
            .checkbox(&mut fast, "As fast as possible")
            .on_hover_text("No limit on sweeps per second")
            .changed()
        {
            state.speed = if fast { None } else { Some(20.0) };
            out.push(Command::SetSpeed(state.speed));
        }
    });
    if let Some(sps) = &mut state.speed
        && ui
            .add(
                egui::Slider::new(sps, 0.5..=1000.0)
                    .logarithmic(true)
                    .text("sweeps/s"),
            )
            .on_hover_text("Speed of the running simulation")
            .changed()
    {
        out.push(Command::SetSpeed(Some(*sps)));
    }
    ui.horizontal(|ui| {
        ui.label("Seed");
        ui.add(egui::DragValue::new(&mut state.seed))
            .on_hover_text("One u64 seed reproduces a run bit for bit; Reset uses it");
        ui.label(format!("(now {})", snap.seed));
    });
}

fn temperature_ui(ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState, out: &mut Vec<Command>) {
    ui.strong("Temperature");
    let slider = egui::Slider::new(&mut state.temperature, 0.0..=20.0)
        .logarithmic(true)
        .smallest_positive(0.01)
        .text("T");
    if ui
        .add(slider)
        .on_hover_text("P(s_i = 1) = σ(x_i / T): high T explores, T near 0 is Hopfield descent")
        .changed()
    {
        out.push(Command::SetTemperature(state.temperature));
    }
    ui.horizontal(|ui| {
        if ui
            .button("T = 0")
            .on_hover_text("Deterministic: s_i = [x_i > 0], exactly Hopfield dynamics")
            .clicked()
        {
            state.temperature = 0.0;
            out.push(Command::SetTemperature(0.0));
        }
        if ui
            .button("T = 1")
            .on_hover_text("The temperature learning uses")
            .clicked()
        {
            state.temperature = 1.0;
            out.push(Command::SetTemperature(1.0));
        }
        if ui
            .button("T = 3")
            .on_hover_text("Hot: every state is nearly as likely as any other")
            .clicked()
        {
            state.temperature = 3.0;
            out.push(Command::SetTemperature(3.0));
        }
    });
    ui.horizontal(|ui| {
        let (t0, t1, _, _) = &mut state.anneal;
        ui.add(
            egui::DragValue::new(t0)
                .range(0.01..=50.0)
                .speed(0.1)
                .prefix("from "),
        )
        .on_hover_text("Start temperature");
        ui.add(
            egui::DragValue::new(t1)
                .range(0.001..=50.0)
                .speed(0.01)
                .prefix("to "),
        )
        .on_hover_text("End temperature");
    });
    ui.horizontal(|ui| {
        let (_, _, steps, sweeps) = &mut state.anneal;
        ui.add(egui::DragValue::new(steps).range(1..=500).prefix("steps "))
            .on_hover_text("Number of temperatures, geometric: T_k = T0 (T1/T0)^(k/(K-1))");
        ui.add(
            egui::DragValue::new(sweeps)
                .range(1..=1000)
                .prefix("sweeps "),
        )
        .on_hover_text("Sweeps at each temperature");
    });
    let (t_start, t_end, steps, sweeps) = state.anneal;
    let schedule = Schedule::Geometric {
        t_start,
        t_end,
        steps,
        sweeps,
    };
    if ui
        .button("Anneal")
        .on_hover_text(
            "Run the schedule from high to low T: escapes local minima that descent gets stuck in",
        )
        .clicked()
    {
        out.push(Command::Anneal(schedule.clone()));
        state.temperature = t_end;
    }
    super::views::schedule_plot_ui(ui, &schedule, snap);
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
            ("Clear", "All visible units off", Command::Clear),
            ("Invert", "s_i becomes 1 - s_i", Command::Invert),
            (
                "Random",
                "Each unit on with probability ½",
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
        for (label, tip, command) in buttons {
            if ui.button(label).on_hover_text(tip).clicked() {
                out.push(command);
            }
        }
    });
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut state.noise, 0.0..=0.5).text("noise"))
            .on_hover_text("Fraction of units to flip");
        if ui
            .button("Add noise")
            .on_hover_text("Flip this fraction of the visible units")
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
                .on_hover_text("Put this training pattern on the grid")
                .clicked()
            {
                out.push(Command::ShowPattern(k));
            }
        }
    });
    ui.checkbox(&mut state.show_probability, "Show P(on) as grey")
        .on_hover_text("Grey level = σ(x_i/T) instead of the 0/1 state");
}

/// η, the three phase buttons and Train.
pub fn learning_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    state: &mut UiState,
    out: &mut Vec<Command>,
) {
    ui.strong("Learning");
    if ui
        .add(
            egui::Slider::new(&mut state.learning_rate, 0.001..=1.0)
                .logarithmic(true)
                .text("η"),
        )
        .on_hover_text("Learning rate: ΔW = η(<s_is_j>+ - <s_is_j>-)")
        .changed()
    {
        out.push(Command::SetLearningRate(state.learning_rate));
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Positive phase")
            .on_hover_text(
                "Clamp the visible units to each pattern, sample the hidden ones: <s_is_j>+",
            )
            .clicked()
        {
            out.push(Command::PositivePhase);
        }
        if ui
            .button("Negative phase")
            .on_hover_text("Run free: <s_is_j>-")
            .clicked()
        {
            out.push(Command::NegativePhase);
        }
        if ui
            .button("Apply update")
            .on_hover_text("W += η(<s_is_j>+ - <s_is_j>-)")
            .clicked()
        {
            out.push(Command::ApplyUpdate);
        }
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

fn source_label(source: TrainingSource) -> &'static str {
    match source {
        TrainingSource::Letters => "Letters",
        TrainingSource::Digits => "Digits",
        TrainingSource::BarsAndStripes => "Bars and stripes",
        TrainingSource::Parity => "3-bit parity",
        TrainingSource::Drawn => "My drawings",
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
