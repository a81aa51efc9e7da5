//! Guided lessons: eight short texts with the formulas filled in from the running net, one thing
//! to try each, a check that reads the simulation and notices when it was done, and Back /
//! Next. Each lesson opens its own scene from `assets/lessons/`.

use super::capacity_panel::CapacityPanel;
use super::files::Files;
use super::{Intent, UiState, View, theme};
use crate::engine::math::sigmoid;
use crate::persist::shipped::LESSON_SCENES;
use crate::sim::Snapshot;
use crate::sim::protocol::ModelKind;

/// What the lesson has seen since its scene opened.
#[derive(Clone, Debug, Default)]
struct Seen {
    /// The scene has arrived (the simulation said so).
    scene_loaded: bool,
    corrupted: bool,
    anneal_ran: bool,
    walk_finished: bool,
    first_curve: Option<f64>,
    /// A chain was seen far above the i.i.d. floor (lesson 7).
    stuck: bool,
}

/// One lesson.
struct Lesson {
    title: &'static str,
    scene: &'static str,
    /// The kind of model the scene holds: the text reads only a model of this kind.
    kind: ModelKind,
    view: View,
    text: fn(&Snapshot, &UiState) -> String,
    task: &'static str,
    check: fn(&Snapshot, &Seen, &CapacityPanel) -> bool,
}

/// The live formula for the unit under the pointer (or unit 0).
fn unit_formula(snap: &Snapshot, state: &UiState) -> String {
    let i = state
        .hovered_unit
        .filter(|&i| i < snap.visible_input.len())
        .unwrap_or(0);
    let Some(&x) = snap.visible_input.get(i) else {
        return String::new();
    };
    let t = snap.temperature;
    if t > 0.0 {
        format!(
            "Unit {i} (hover another): P(on) = σ(x/T) = σ({x:.2} / {t:.2}) = {:.3}.",
            sigmoid(f64::from(x) / t)
        )
    } else {
        format!(
            "Unit {i} (hover another): x = {x:.2}, so at T = 0 it turns {}.",
            if x > 0.0 { "on" } else { "off" }
        )
    }
}

fn recall_text(snap: &Snapshot, state: &UiState) -> String {
    let nearest = snap.nearest.map_or_else(String::new, |(k, m)| {
        format!(
            " The nearest stored letter is {} with overlap m = {m:.2}.",
            k + 1
        )
    });
    format!(
        "A Hopfield net gives every state an energy E = −½ Σ wᵢⱼ sᵢsⱼ. Each update sets a \
         unit to the sign of its input xᵢ = Σⱼ wᵢⱼ sⱼ, which never raises E: the state rolls \
         downhill into the nearest well, and the wells are the stored letters.\n\nNow E = {:.2}.{nearest}\n{}",
        snap.energy,
        unit_formula(snap, state)
    )
}

fn capacity_text(snap: &Snapshot, _: &UiState) -> String {
    format!(
        "Every stored pattern digs a well, but the wells interfere. Store too many and the net \
         recalls mixtures: spurious minima that are no stored pattern. Hebbian storage keeps \
         about 0.138 N patterns (N = {} units here); Storkey's rule and the pseudo-inverse \
         keep more.\n\nThis net stores {} patterns. Draw your own and press Store to add more, \
         and watch for the \"spurious\" label.",
        snap.visible.len(),
        snap.pattern_energies.len()
    )
}

fn temperature_text(snap: &Snapshot, state: &UiState) -> String {
    let dist = snap.distribution.as_ref().map_or_else(
        || "Raise T above 0 to see the distribution.".to_owned(),
        |d| {
            format!(
                "log Z = {:.3} at T = {:.2}; the histogram of {} samples is {:.3} from the exact \
                 distribution (total variation).",
                d.log_z, snap.temperature, d.samples, d.total_variation
            )
        },
    );
    format!(
        "A Boltzmann machine samples instead of descending: P(s) = e^(−E(s)/T) / Z with \
         Z = Σₛ e^(−E(s)/T) over all states, and each unit turns on with P(on) = σ(x/T). Low T \
         piles the probability on the deepest states; T -> infinity spreads it evenly; T -> 0 is the \
         Hopfield net again.\n\n{dist}\n{}",
        unit_formula(snap, state)
    )
}

fn escape_text(snap: &Snapshot, _: &UiState) -> String {
    format!(
        "A spin glass: 36 units joined by random weights, a landscape of many valleys. Both nets \
         share the weights and the start. On the left, T = 0 descent rolls into the nearest \
         valley and stays: there every single flip raises E. On the right, sampling at T > 0 \
         climbs over ridges; lowering T slowly (annealing) lets it settle in a deeper valley.\n\nE (sampling, T = {:.2}) = {:.2}; E (descent) = {:.2}.",
        snap.temperature, snap.energy, snap.descent_energy
    )
}

fn hidden_text(snap: &Snapshot, _: &UiState) -> String {
    let l = &snap.learning;
    let kl = l.curve.last().map_or_else(
        || "not measured yet".to_owned(),
        |p| format!("{:.3} nats", p[1]),
    );
    format!(
        "3-bit parity (patterns with an even number of 1s) cannot be modelled by visible units \
         alone: their best KL(data || model) is log 2 = 0.693. Hidden units can. Learning moves \
         each weight by ΔW = η(⟨sᵢsⱼ⟩⁺ − ⟨sᵢsⱼ⟩⁻): the positive phase clamps the data, the \
         negative phase runs free.\n\nη = {:.2}, {} updates, exact KL now {kl}.",
        l.learning_rate, l.updates
    )
}

fn rbm_text(snap: &Snapshot, _: &UiState) -> String {
    let l = &snap.learning;
    let k = l.rbm_walk.as_ref().map_or(1, |w| w.k);
    format!(
        "An RBM has no links inside a layer, so a whole layer updates at once given the other. \
         CD-{k} learning walks data -> hidden -> reconstruction -> hidden and moves W by \
         η(<v h>data - <v h>reconstruction). Trained on the digits, its hidden units become \
         stroke detectors (Weights view), it dreams new digits when run, and it fills in a \
         half-erased digit when the rest is clamped.\n\n{} updates so far; curve: {}.",
        l.updates, l.curve_label
    )
}

/// Updates each rule must run in lesson 8.
const CD_LESSON_UPDATES: usize = 300;

fn cd_text(snap: &Snapshot, _: &UiState) -> String {
    let Some(g) = &snap.gradient else {
        return String::new();
    };
    let estimates: Vec<String> = g
        .estimates
        .iter()
        .map(|e| {
            format!(
                "{}: cos θ = {:.2}, length × {:.2}",
                e.label, e.cosine, e.norm_ratio
            )
        })
        .collect();
    let runs: Vec<String> = g
        .runs
        .iter()
        .filter_map(|r| {
            let ll = r.curve.last()?[1];
            Some(format!(
                "{} after {} updates: L = {ll:.2} nats",
                r.label, r.updates
            ))
        })
        .collect();
    format!(
        "Learning should climb the log-likelihood L of the data, whose gradient is \
         ∂L/∂W = <v h>data - <v h>model. The model side averages over every state of the net, \
         so CD-k replaces it with a sample k Gibbs steps away from the data: cheap, but it \
         points elsewhere. This RBM has only 2^8 hidden states, so the exact gradient can be \
         summed. The Gradient panel (Learning view, below the curve) shows it beside CD-1, \
         CD-10 and PCD for the current weights, and how well each points (cos θ = 1: the same \
         direction).\n\nNow: {}.\nRuns: {}.",
        if estimates.is_empty() {
            "not compared yet".to_owned()
        } else {
            estimates.join("; ")
        },
        if runs.is_empty() {
            "none yet".to_owned()
        } else {
            runs.join("; ")
        }
    )
}

/// A CD run and an exact run of at least [`CD_LESSON_UPDATES`] updates each, from the same start.
fn cd_raced(snap: &Snapshot) -> bool {
    let Some(g) = &snap.gradient else {
        return false;
    };
    let long = |r: &&crate::sim::rule_runs::RuleRun| r.updates >= CD_LESSON_UPDATES;
    let cd = g
        .runs
        .iter()
        .filter(long)
        .find(|r| r.label.starts_with("CD-"));
    let exact = g.runs.iter().filter(long).find(|r| r.label == "exact");
    matches!((cd, exact), (Some(a), Some(b)) if a.curve.first() == b.curve.first())
}

const LESSONS: [Lesson; 8] = [
    Lesson {
        title: "1. Energy and recall",
        scene: LESSON_SCENES[0].text,
        kind: ModelKind::Hopfield,
        view: View::Network,
        text: recall_text,
        task: "Press \"Add noise\" to corrupt the letter, then Run (Space) and watch E fall until the \
               net is back on a letter.",
        check: |snap, seen, _| {
            seen.corrupted && snap.sweeps > 0.0 && snap.nearest.is_some_and(|(_, m)| m > 0.999)
        },
    },
    Lesson {
        title: "2. Spurious states and capacity",
        scene: LESSON_SCENES[1].text,
        kind: ModelKind::Hopfield,
        view: View::Network,
        text: capacity_text,
        task: "Run the capacity sweep below for the Hebbian rule, then for Storkey's, and compare \
               where each curve falls against its theory mark.",
        check: |_, _, capacity| capacity.rules_done() >= 2,
    },
    Lesson {
        title: "3. Temperature",
        scene: LESSON_SCENES[2].text,
        kind: ModelKind::Boltzmann,
        view: View::Distribution,
        text: temperature_text,
        task: "Run (Space), then move T above 2 and watch the histogram flatten toward uniform.",
        check: |snap, _, _| {
            snap.temperature >= 2.0
                && snap.distribution.as_ref().is_some_and(|d| {
                    let top = d.states.iter().map(|s| s.sampled).fold(0.0, f64::max);
                    d.samples >= 300 && top < 0.1
                })
        },
    },
    Lesson {
        title: "4. Escaping local minima",
        scene: LESSON_SCENES[3].text,
        kind: ModelKind::Boltzmann,
        view: View::Compare,
        text: escape_text,
        task: "Press Anneal: T falls from high to low while both nets run. When it has finished, \
               the sampled net should sit lower than the stuck one.",
        check: |snap, seen, _| {
            seen.anneal_ran && snap.anneal.is_none() && snap.energy < snap.descent_energy - 1e-9
        },
    },
    Lesson {
        title: "5. Learning with hidden units",
        scene: LESSON_SCENES[4].text,
        kind: ModelKind::Boltzmann,
        view: View::Learning,
        text: hidden_text,
        task: "Step Positive phase, Negative phase and Apply update once, then press Train and \
               let the exact KL fall by at least 0.1 nats.",
        check: |snap, seen, _| {
            let l = &snap.learning;
            match (seen.first_curve, l.curve.last()) {
                (Some(first), Some(last)) => l.updates >= 2 && last[1] <= first - 0.1,
                _ => false,
            }
        },
    },
    Lesson {
        title: "6. Restricted Boltzmann machines",
        scene: LESSON_SCENES[5].text,
        kind: ModelKind::Rbm,
        view: View::Learning,
        text: rbm_text,
        task: "Press Positive phase, then Negative phase to see one CD walk, then Apply update. \
               Afterwards Train for a while and look at the filters in the Weights view.",
        check: |snap, seen, _| seen.walk_finished && snap.learning.updates >= 1,
    },
    Lesson {
        title: "7. Mixing",
        scene: LESSON_SCENES[6].text,
        kind: ModelKind::Boltzmann,
        view: View::Distribution,
        text: super::lesson_mixing::mixing_text,
        task: super::lesson_mixing::TASK,
        check: |snap, seen, _| seen.stuck && super::lesson_mixing::at_floor(snap),
    },
    Lesson {
        title: "8. How good is CD?",
        scene: LESSON_SCENES[7].text,
        kind: ModelKind::Rbm,
        view: View::Learning,
        text: cd_text,
        task: "Press Train and let CD-1 run for 300 updates, then Stop training. Press \"Back to the \
               start weights\", choose \"train by the exact gradient\" and Train 300 updates again: \
               compare the two curves and the cos θ of each estimate. (To race CD-10 too, set \
               Gibbs steps k to 10 and go back to the start once more.)",
        check: |snap, _, _| cd_raced(snap),
    },
];

/// The lessons panel's state.
#[derive(Default)]
pub struct Lessons {
    /// Whether the panel is open.
    pub open: bool,
    index: usize,
    /// The lesson asked for its scene and the session has not been replaced since.
    awaiting_scene: bool,
    seen: Seen,
    done: [bool; LESSONS.len()],
    /// The capacity panel (lesson 2, also on its own).
    pub capacity: CapacityPanel,
    /// The capacity panel's own window is open.
    pub capacity_window: bool,
}

impl Lessons {
    /// Which lesson is shown (0-based).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether lesson `k`'s check has passed.
    pub fn is_done(&self, k: usize) -> bool {
        self.done.get(k).copied().unwrap_or(false)
    }

    /// The simulation replaced its session: the lesson's scene if it asked for one (start
    /// watching afresh), otherwise some other session that the lesson does not describe.
    pub fn on_replaced(&mut self) {
        self.seen = Seen {
            scene_loaded: std::mem::take(&mut self.awaiting_scene),
            ..Seen::default()
        };
    }

    /// The person kept their work instead of the lesson's scene.
    pub fn on_scene_cancelled(&mut self) {
        self.awaiting_scene = false;
    }

    /// Whether the session on screen is this lesson's scene.
    pub fn scene_on_screen(&self, snap: &Snapshot) -> bool {
        self.seen.scene_loaded && snap.settings.kind == LESSONS[self.index].kind
    }

    /// An annealing schedule ran to its end (fast runs finish between two snapshots).
    pub fn on_anneal_finished(&mut self) {
        self.seen.anneal_ran = true;
    }

    /// Reads each new snapshot for the checks.
    pub fn observe(&mut self, snap: &Snapshot) {
        if !self.open || !self.scene_on_screen(snap) {
            return;
        }
        let seen = &mut self.seen;
        seen.corrupted |= snap.nearest.is_some_and(|(_, m)| m < 0.99);
        seen.walk_finished |= snap
            .learning
            .rbm_walk
            .as_ref()
            .is_some_and(|w| w.stage >= 2);
        seen.stuck |= super::lesson_mixing::stuck(snap);
        if seen.first_curve.is_none() {
            seen.first_curve = snap.learning.curve.first().map(|p| p[1]);
        }
        let lesson = &LESSONS[self.index];
        if (lesson.check)(snap, &self.seen, &self.capacity) {
            self.done[self.index] = true;
        }
    }

    /// Shows lesson `k` and asks for its scene (the File menu asks about unsaved work first).
    fn go_to(&mut self, k: usize, files: &mut Files, state: &mut UiState) {
        self.index = k.min(LESSONS.len() - 1);
        let lesson = &LESSONS[self.index];
        self.seen = Seen::default();
        self.awaiting_scene = true;
        state.view = lesson.view;
        files.request_scene(lesson.title, lesson.scene);
    }

    /// Opens the panel on lesson `k` (0-based) and its scene.
    pub fn open_at(&mut self, k: usize, files: &mut Files, state: &mut UiState) {
        self.open = true;
        self.go_to(k, files, state);
    }

    /// Opens the panel on the lesson it was on, with that lesson's scene, or closes it.
    pub fn toggle(&mut self, files: &mut Files, state: &mut UiState) {
        self.open = !self.open;
        if self.open {
            self.go_to(self.index, files, state);
        }
    }

    /// The panel. Back, Next and Restart raise intents; the text only reads the lesson's own
    /// scene.
    pub fn ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot, state: &mut UiState) {
        let lesson = &LESSONS[self.index];
        ui.heading(lesson.title);
        ui.horizontal(|ui| {
            for k in 0..LESSONS.len() {
                let mark = if self.done[k] { " done" } else { "" };
                ui.weak(format!("{}{mark}", k + 1));
            }
        });
        ui.separator();
        if self.scene_on_screen(snap) {
            ui.label((lesson.text)(snap, state));
            ui.add_space(6.0);
            ui.strong("Try this");
            ui.label(lesson.task);
            ui.add_space(4.0);
            if self.done[self.index] {
                theme::signal_label(ui, theme::GOOD, "Done! Press Next when you are ready.");
            } else {
                ui.weak("Not yet: the lesson is watching the simulation.");
            }
        } else if self.awaiting_scene {
            ui.weak("Opening the lesson's scene…");
        } else {
            ui.label(
                "The model on screen is not this lesson's scene, so the lesson cannot describe it.",
            );
            if ui
                .button("Open the lesson's scene")
                .on_hover_text("Asks first if there are unsaved changes")
                .clicked()
            {
                state.intents.push(Intent::OpenLesson(self.index));
            }
        }
        if self.index == 1 {
            ui.separator();
            self.capacity.ui(ui);
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.index > 0, egui::Button::new("Back"))
                .clicked()
            {
                state.intents.push(Intent::OpenLesson(self.index - 1));
            }
            if ui
                .add_enabled(self.index + 1 < LESSONS.len(), egui::Button::new("Next"))
                .clicked()
            {
                state.intents.push(Intent::OpenLesson(self.index + 1));
            }
            if ui
                .button("Restart lesson")
                .on_hover_text("Open this lesson's scene again")
                .clicked()
            {
                state.intents.push(Intent::OpenLesson(self.index));
            }
        });
    }
}
