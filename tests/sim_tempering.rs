//! Tempering and the mixing figures in the simulation: the ladder is saved and resumed bit for
//! bit, old sessions load without it, bad settings are refused with the simulation unchanged,
//! and the Distribution view's floor and τ̂ say what the two-mode net does.

use boltzviz::engine::two_modes::two_mode_net;
use boltzviz::persist::session::{session_from_str, session_to_string};
use boltzviz::sim::Simulation;
use boltzviz::sim::model::ImportedModel;
use boltzviz::sim::protocol::Command;
use boltzviz::sim::tempering::TemperingSettings;

fn two_mode_sim(tempering: bool) -> Simulation {
    let mut sim = Simulation::opening_scene().expect("scene");
    let bm = two_mode_net().expect("net");
    sim.apply(Command::Import(Box::new(ImportedModel::Boltzmann(bm))))
        .expect("import");
    sim.apply(Command::SetTemperature(1.0)).expect("T");
    sim.apply(Command::Reset { seed: 5 }).expect("reset");
    if tempering {
        sim.apply(Command::SetTempering(Some(TemperingSettings::geometric(8, 10.0))))
            .expect("tempering");
    }
    sim
}

fn saved_text(sim: &Simulation) -> String {
    session_to_string(&sim.to_saved()).expect("serializes")
}

#[test]
fn a_saved_ladder_continues_exactly_like_an_uninterrupted_run() {
    let mut whole = two_mode_sim(true);
    whole.apply(Command::Step(300)).expect("steps");
    let mut first = two_mode_sim(true);
    first.apply(Command::Step(120)).expect("steps");
    let text = saved_text(&first);
    assert!(text.contains("tempering"), "the ladder is saved");
    let mut resumed = session_from_str(&text).expect("loads");
    resumed.apply(Command::Step(180)).expect("steps");
    assert_eq!(saved_text(&resumed), saved_text(&whole));
    let view = whole.snapshot().tempering.expect("view");
    assert_eq!(view.temperatures.len(), 8);
    assert_eq!(view.rounds, 300);
    assert!((view.temperatures[7] - 10.0).abs() < 1e-12);
}

#[test]
fn sessions_without_tempering_still_load() {
    let sim = two_mode_sim(false);
    let text = saved_text(&sim);
    // A session written before tempering existed has no such field at all.
    let old = text.replace("tempering: None,", "");
    assert!(!old.contains("tempering"), "{old}");
    let loaded = session_from_str(&old).expect("loads");
    assert_eq!(loaded.settings().tempering, None);
}

#[test]
fn bad_settings_are_refused_and_change_nothing() {
    let mut sim = two_mode_sim(false);
    let before = saved_text(&sim);
    for (replicas, t_max) in [(1, 10.0), (33, 10.0), (8, f64::NAN), (8, -1.0), (8, 1e9)] {
        let result = sim.apply(Command::SetTempering(Some(TemperingSettings::geometric(
            replicas, t_max,
        ))));
        assert!(result.is_err(), "K = {replicas}, T_max = {t_max}");
        assert_eq!(saved_text(&sim), before);
    }
    // T_max below T is refused when a round runs, and the run stops with the reason.
    sim.apply(Command::SetTempering(Some(TemperingSettings::geometric(4, 0.5))))
        .expect("set");
    assert!(sim.apply(Command::Step(1)).is_err());
}

#[test]
fn the_distribution_view_shows_gibbs_above_the_floor_and_tempering_at_it() {
    for tempering in [false, true] {
        let mut sim = two_mode_sim(tempering);
        sim.apply(Command::Step(4_000)).expect("steps");
        let snap = sim.snapshot();
        let dist = snap.distribution.expect("distribution");
        let mixing = dist.mixing.expect("mixing figures");
        assert!(mixing.floor_band.0 <= mixing.floor_mean && mixing.floor_mean <= mixing.floor_band.1);
        assert!(!dist.floor_mean.is_empty() && dist.floor_mean.len() == dist.floor_high.len());
        assert!(mixing.tau_energy.is_some() && mixing.ess > 0.0);
        if tempering {
            // The floor is for N independent draws; the target chain's τ̂ is about 8 rounds
            // here, so its TV may sit up to √8 ≈ 2.8 times higher and still be at the floor
            // for its ESS.
            assert!(
                dist.total_variation < 3.0 * mixing.floor_band.1,
                "tempering TV {} vs floor {:?}",
                dist.total_variation,
                mixing.floor_band
            );
        } else {
            assert!(
                dist.total_variation > 0.2 && dist.total_variation > 10.0 * mixing.floor_band.1,
                "Gibbs TV {} vs floor {:?}",
                dist.total_variation,
                mixing.floor_band
            );
        }
    }
}

#[test]
fn a_typed_ladder_is_used_as_typed_and_checked() {
    let mut sim = two_mode_sim(false);
    sim.apply(Command::SetTempering(Some(TemperingSettings::custom(vec![1.5, 3.0, 6.0]))))
        .expect("typed ladder");
    sim.apply(Command::Step(20)).expect("steps");
    let view = sim.snapshot().tempering.expect("view");
    assert_eq!(view.temperatures, vec![1.0, 1.5, 3.0, 6.0]);
    assert_eq!((view.settings.replicas, view.settings.t_max), (4, 6.0));
    // Not rising, or empty: refused at once, nothing changed.
    let before = saved_text(&sim);
    for bad in [vec![3.0, 2.0], vec![], vec![2.0, f64::NAN]] {
        assert!(
            sim.apply(Command::SetTempering(Some(TemperingSettings::custom(bad.clone()))))
                .is_err(),
            "{bad:?}"
        );
        assert_eq!(saved_text(&sim), before);
    }
    // A ladder that starts below T fits no target: the run refuses with the reason.
    sim.apply(Command::SetTempering(Some(TemperingSettings::custom(vec![0.5, 2.0]))))
        .expect("set");
    let err = sim.apply(Command::Step(1)).expect_err("below T");
    assert!(err.to_string().contains("does not fit T = 1"), "{err}");
}
