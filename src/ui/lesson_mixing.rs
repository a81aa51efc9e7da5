//! Lesson 7, "Mixing": its text and the two readings of the simulation its check needs — a
//! chain stuck far above the i.i.d. floor, and later a chain at the floor for its ESS.

use crate::sim::Snapshot;
use crate::sim::protocol::DistributionView;

/// What the lesson asks.
pub const TASK: &str = "Run (Space): the TV stays far above the green i.i.d. floor, because the chain \
     sits in one of the two modes and never crosses. Then bring it down to the floor: press \
     \"T = 3\" (hot enough to cross), or keep T = 1 and switch on Parallel tempering in the \
     Tempering view.";

/// Samples before the chain may be called stuck (the floor's band is then below 0.04).
const STUCK_SAMPLES: u64 = 1_000;
/// A stuck chain misses a whole mode: at least this TV.
const STUCK_TV: f64 = 0.2;
/// ...and at least this many times the floor's 99 % point.
const STUCK_RATIO: f64 = 4.0;
/// Samples before the chain may be called at the floor.
const FLOOR_SAMPLES: u64 = 2_000;

/// The Distribution view with its mixing figures, once there are `min` samples.
fn figures(snap: &Snapshot, min: u64) -> Option<(&DistributionView, f64, f64)> {
    let d = snap.distribution.as_ref()?;
    let m = d.mixing.as_ref()?;
    (d.samples >= min).then_some((d, m.floor_band.1, m.ess))
}

/// The sampled TV is far above the i.i.d. floor: a mode never visited.
pub fn stuck(snap: &Snapshot) -> bool {
    figures(snap, STUCK_SAMPLES).is_some_and(|(d, high, _)| {
        d.total_variation > STUCK_TV && d.total_variation > STUCK_RATIO * high
    })
}

/// The sampled TV is within the floor's 99 % point for ESS independent draws: the floor
/// shrinks like 1/√N, so for ESS = N/τ draws it is √(N/ESS) times the floor for N.
pub fn at_floor(snap: &Snapshot) -> bool {
    figures(snap, FLOOR_SAMPLES).is_some_and(|(d, high, ess)| {
        let scale = (d.samples as f64 / ess.max(1.0)).sqrt();
        d.total_variation <= high * scale
    })
}

/// The lesson's text, with the figures of the running net.
pub fn mixing_text(snap: &Snapshot, _: &super::UiState) -> String {
    let now = match figures(snap, 1) {
        Some((d, high, ess)) => format!(
            "Now: TV = {:.3} after {} samples; the i.i.d. floor's 99 % point is {high:.3}; \
             ESS ≈ {ess:.0}.",
            d.total_variation, d.samples
        ),
        None => "Run it to collect samples.".to_owned(),
    };
    let tempering = snap.tempering.as_ref().map_or(String::new(), |t| {
        format!(
            " Tempering is on: {} replicas from T = {:.2} to {:.2}.",
            t.settings.replicas, snap.temperature, t.settings.t_max
        )
    });
    format!(
        "A sampler can be right in law and still wrong in practice. This net has two deep \
         modes, all units on (three times as likely) and all off, with an energy barrier of \
         about 24 between them: at T = 1 a Gibbs chain would wait about e^24 sweeps to cross. \
         Its TV to the exact distribution cannot fall below the mass of the mode it never \
         visits.\n\nThe green line is the floor: the TV that as many independent exact draws \
         would give. τ_int counts the sweeps the chain needs to forget its state, and \
         ESS = samples / τ_int what the samples are worth. Inside one mode τ_int looks small: \
         only the floor shows that something is missing.\n\n{now}{tempering}"
    )
}
