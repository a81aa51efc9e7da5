//! The Learning view's controls for an RBM's learning rules (Hinton's practical guide): PCD,
//! more Gibbs steps late in learning, momentum with its switch, weight decay, the learning-rate schedule and a sparsity target,
//! and the held-out (validation) data of the learning curve.
//!
//! Each control draws the trainer's own setting from the snapshot and sends a
//! [`Command::SetRbmRule`] when changed; the simulation holds the value, trains with it and
//! saves it in the session.

use super::controls::named_drag;
use super::intent::Intent;
use crate::engine::rbm_train::{RbmTrainConfig, Sparsity};
use crate::sim::protocol::{Command, Snapshot};
use crate::sim::rbm_rules::{MAX_RULE_EPOCH, RbmRule};

/// The switch epoch offered when the momentum switch is turned on (Hinton's guide: 5).
const DEFAULT_SWITCH_EPOCH: usize = 5;
/// The epoch offered when the linear fall of the rate is turned on.
const DEFAULT_END_EPOCH: usize = 200;
/// The sparsity target and cost offered when sparsity is turned on (the guide's 0.1 and a
/// small cost).
const DEFAULT_SPARSITY: Sparsity = Sparsity {
    target: 0.1,
    cost: 0.01,
};

const PCD_TIP: &str = "Persistent contrastive divergence (Tieleman 2008): the negative chains \
    carry on from where the last mini-batch left them instead of restarting at the data, so \
    ⟨vh⟩⁻ comes closer to the model's own distribution. Off: CD-k.";
const MOMENTUM_TIP: &str = "Momentum μ: each step keeps μ of the last one, Δ ← μΔ + η(∇ − λW), \
    so steps along a steady gradient grow up to 1/(1 − μ) times. Hinton's guide: 0.5 at first.";
const K_SWITCH_TIP: &str = "From this epoch on each mini-batch takes k' Gibbs steps instead of \
    k (the guide's §3.2: CD-1 early, more steps once the weights have grown and CD-1's bias \
    matters most). On the digits, CD-3 for the last 5 % of the epochs raises the held-out \
    log-likelihood by about 0.03 nats for 4 % more time.";
const SWITCH_TIP: &str = "From this epoch on the momentum becomes μ' (the guide: 0.9 after \
    about 5 epochs, once the large early changes are over).";
const DECAY_TIP: &str = "L2 weight decay λ: every step also pulls each weight towards 0 by \
    ηλW, Δ ← μΔ + η(∇ − λW). Keeps weights small, so the model generalizes better and its \
    Gibbs chains mix. The guide: 10⁻⁴ to 10⁻².";
const RATE_DECAY_TIP: &str = "Learning-rate schedule: at epoch e the rate is η / (1 + δe). \
    δ = 0 keeps η constant.";
const RATE_END_TIP: &str = "The rate also falls linearly, times max(0, 1 − e/E), reaching 0 at \
    epoch E; training stops there (clear it to train on). Late small steps average out the \
    sampling noise of CD.";
const SPARSITY_TIP: &str = "Sparsity target p (the guide's §11): each hidden unit's mean \
    activation q is tracked as q ← 0.9q + 0.1·mean(P(h|v)); the penalty cost·(q − p) is taken \
    from its bias gradient and, times mean(vᵢ), from its weights' gradients, so each unit \
    learns to be on for a fraction p of the data.";
const VALIDATION_TIP: &str = "0/1 text, one pattern a line, as wide as the visible layer. \
    The learning curve then shows the log-likelihood of these held-out patterns beside the \
    training one: where they part, the model is overfitting.";

/// The rule controls and the validation buttons (an RBM only). Buttons that open a file raise
/// an [`Intent`].
pub fn rbm_rules_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    intents: &mut Vec<Intent>,
    out: &mut Vec<Command>,
) {
    let Some(config) = &snap.settings.rbm_training else {
        return;
    };
    let mut rules = Vec::new();
    let mut send = |rule| rules.push(rule);
    ui.horizontal_wrapped(|ui| {
        let mut pcd = config.persistent;
        if ui
            .checkbox(&mut pcd, "PCD (persistent chains)")
            .on_hover_text(PCD_TIP)
            .changed()
        {
            send(RbmRule::Persistent(pcd));
        }
        ui.separator();
        k_switch_ui(ui, config, &mut send);
    });
    ui.horizontal_wrapped(|ui| momentum_ui(ui, config, &mut send));
    ui.horizontal_wrapped(|ui| {
        DECAY.ui(ui, config.weight_decay, RbmRule::WeightDecay, &mut send);
        ui.separator();
        schedule_ui(ui, config, &mut send);
    });
    ui.horizontal_wrapped(|ui| {
        sparsity_ui(ui, config, &mut send);
        ui.separator();
        validation_ui(ui, snap, intents, out);
    });
    out.extend(rules.into_iter().map(Command::SetRbmRule));
    let l = &snap.learning;
    if let (Some((eta, mu)), Some(k_now)) = (l.current_rates, l.current_cd_k) {
        let steps = if snap.settings.rbm_rule == crate::sim::rule_runs::TrainingRule::Exact {
            String::new()
        } else {
            format!(
                ", {k_now} Gibbs step{} a batch",
                if k_now == 1 { "" } else { "s" }
            )
        };
        ui.label(format!(
            "Epoch {}: rate now {eta:.4}, momentum now {mu:.2}{steps}",
            l.epoch
        ));
    }
}

/// A drag value for an f32 rule: visible words, accessible label, tooltip, range, drag
/// speed and decimals.
struct F32Rule(
    &'static str,
    &'static str,
    &'static str,
    f32,
    f32,
    f64,
    usize,
);

const MOMENTUM: F32Rule = F32Rule("Momentum", "Momentum μ", MOMENTUM_TIP, 0.0, 0.99, 0.01, 2);
const FINAL_MOMENTUM: F32Rule = F32Rule("μ'", "Final momentum μ'", SWITCH_TIP, 0.0, 0.99, 0.01, 2);
const DECAY: F32Rule = F32Rule(
    "Weight decay",
    "Weight decay λ",
    DECAY_TIP,
    0.0,
    1.0,
    1e-4,
    5,
);
const RATE_DECAY: F32Rule = F32Rule(
    "Rate η/(1+δe), δ",
    "Learning-rate decay δ",
    RATE_DECAY_TIP,
    0.0,
    10.0,
    1e-3,
    4,
);
const TARGET: F32Rule = F32Rule(
    "p",
    "Sparsity target p",
    SPARSITY_TIP,
    0.001,
    0.999,
    0.005,
    3,
);
const COST: F32Rule = F32Rule("cost", "Sparsity cost", SPARSITY_TIP, 0.0, 10.0, 1e-3, 4);

impl F32Rule {
    /// Draws `value`; sends `rule(new value)` when the person changes it.
    fn ui(
        &self,
        ui: &mut egui::Ui,
        value: f32,
        rule: impl FnOnce(f32) -> RbmRule,
        send: &mut impl FnMut(RbmRule),
    ) {
        let Self(shown, label, tip, low, high, speed, decimals) = *self;
        ui.label(shown);
        let mut value = value;
        if named_drag(
            ui,
            &mut value,
            |d| d.range(low..=high).speed(speed).max_decimals(decimals),
            label,
            tip,
        ) {
            send(rule(value));
        }
    }
}

fn k_switch_ui(ui: &mut egui::Ui, config: &RbmTrainConfig, send: &mut impl FnMut(RbmRule)) {
    // Offered when turned on: 95 % of the way to where the rate falls to 0, as `boltzviz
    // train` does, or of the 200 epochs offered for that fall.
    let end = config.anneal_to_epoch.unwrap_or(DEFAULT_END_EPOCH);
    let switch = OptionalEpoch {
        checkbox: "then k' Gibbs steps from epoch",
        drag: "Switch epoch of k",
        offered: (crate::engine::rbm_train::DEFAULT_CD_K_SWITCH_SHARE * end as f64).round()
            as usize,
        first: 0,
        tip: K_SWITCH_TIP,
    };
    if let Some(epoch) = switch.ui(ui, config.cd_k_switch_epoch) {
        send(RbmRule::CdKSwitch(epoch));
    }
    if config.cd_k_switch_epoch.is_some() {
        ui.label("k'");
        let mut k = config.final_cd_k;
        if named_drag(
            ui,
            &mut k,
            |d| d.range(1..=crate::sim::simulation::MAX_CD_K),
            "Final Gibbs steps k'",
            K_SWITCH_TIP,
        ) {
            send(RbmRule::FinalCdK(k));
        }
    }
}

fn momentum_ui(ui: &mut egui::Ui, config: &RbmTrainConfig, send: &mut impl FnMut(RbmRule)) {
    MOMENTUM.ui(ui, config.momentum, RbmRule::Momentum, send);
    if let Some(epoch) = MOMENTUM_SWITCH.ui(ui, config.momentum_switch_epoch) {
        send(RbmRule::MomentumSwitch(epoch));
    }
    if config.momentum_switch_epoch.is_some() {
        FINAL_MOMENTUM.ui(ui, config.final_momentum, RbmRule::FinalMomentum, send);
    }
}

fn schedule_ui(ui: &mut egui::Ui, config: &RbmTrainConfig, send: &mut impl FnMut(RbmRule)) {
    RATE_DECAY.ui(ui, config.lr_decay, RbmRule::RateDecay, send);
    if let Some(end) = RATE_FALL.ui(ui, config.anneal_to_epoch) {
        send(RbmRule::RateEndEpoch(end));
    }
}

/// The momentum switch's checkbox and epoch.
const MOMENTUM_SWITCH: OptionalEpoch = OptionalEpoch {
    checkbox: "then μ' from epoch",
    drag: "Momentum switch epoch",
    offered: DEFAULT_SWITCH_EPOCH,
    first: 0,
    tip: SWITCH_TIP,
};

/// The linear fall's checkbox and end epoch.
const RATE_FALL: OptionalEpoch = OptionalEpoch {
    checkbox: "to 0 at epoch",
    drag: "Epoch the rate reaches 0",
    offered: DEFAULT_END_EPOCH,
    first: 1,
    tip: RATE_END_TIP,
};

/// An epoch that may be off: a checkbox, and the epoch's drag value when on.
struct OptionalEpoch {
    checkbox: &'static str,
    drag: &'static str,
    /// The epoch offered when the checkbox is turned on.
    offered: usize,
    /// The first epoch allowed.
    first: usize,
    tip: &'static str,
}

impl OptionalEpoch {
    /// The new value if the person changed it.
    fn ui(&self, ui: &mut egui::Ui, current: Option<usize>) -> Option<Option<usize>> {
        let mut on = current.is_some();
        if ui
            .checkbox(&mut on, self.checkbox)
            .on_hover_text(self.tip)
            .changed()
        {
            return Some(on.then_some(self.offered));
        }
        let mut epoch = current?;
        named_drag(
            ui,
            &mut epoch,
            |d| d.range(self.first..=MAX_RULE_EPOCH),
            self.drag,
            self.tip,
        )
        .then_some(Some(epoch))
    }
}

fn sparsity_ui(ui: &mut egui::Ui, config: &RbmTrainConfig, send: &mut impl FnMut(RbmRule)) {
    let mut on = config.sparsity.is_some();
    if ui
        .checkbox(&mut on, "Sparsity target")
        .on_hover_text(SPARSITY_TIP)
        .changed()
    {
        send(RbmRule::Sparsity(on.then_some(DEFAULT_SPARSITY)));
    }
    if let Some(sparsity) = config.sparsity {
        TARGET.ui(
            ui,
            sparsity.target,
            |target| RbmRule::Sparsity(Some(Sparsity { target, ..sparsity })),
            send,
        );
        COST.ui(
            ui,
            sparsity.cost,
            |cost| RbmRule::Sparsity(Some(Sparsity { cost, ..sparsity })),
            send,
        );
    }
}

fn validation_ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    intents: &mut Vec<Intent>,
    out: &mut Vec<Command>,
) {
    if ui
        .button("Load validation data…")
        .on_hover_text(VALIDATION_TIP)
        .clicked()
    {
        intents.push(Intent::LoadValidation);
    }
    let held_out = snap.learning.validation_patterns;
    if held_out > 0 {
        ui.label(format!("{held_out} held-out patterns"));
        if ui
            .button("Remove")
            .on_hover_text("Forget the held-out patterns and their curve")
            .clicked()
        {
            out.push(Command::SetValidation(Vec::new()));
        }
    }
}
