//! The simulation's Gradient panel data and training rule: the published exact gradient is the
//! engine's for the session's own RBM, the rule is a saved setting that resumes exactly, each
//! rule run keeps its own curve, going back to the start really restores the start, and rules
//! that cannot apply are refused with nothing changed.

use boltzviz::engine::rbm_gradient::exact_gradient;
use boltzviz::engine::rbm_train::matrix_from_patterns;
use boltzviz::persist::{session_from_str, session_to_string};
use boltzviz::sim::model::Model;
use boltzviz::sim::protocol::{Command, ModelKind, ModelSpec, TrainingSource};
use boltzviz::sim::rule_runs::TrainingRule;
use boltzviz::sim::{SavedSimulation, Simulation};
use std::time::Duration;

fn rbm_sim(source: TrainingSource, hidden: usize) -> Simulation {
    Simulation::new(ModelSpec {
        kind: ModelKind::Rbm,
        source,
        hidden,
        ..ModelSpec::default()
    })
    .expect("simulation")
}

fn saved_text(sim: &Simulation) -> String {
    session_to_string(&sim.to_saved()).expect("serializes")
}

fn rbm_of(saved: &SavedSimulation) -> boltzviz::engine::rbm::Rbm {
    match &saved.core.model {
        Model::Rbm(m) => m.rbm.clone(),
        Model::Net(_) => panic!("an RBM session"),
    }
}

/// `n` training updates (an RBM trains one epoch per advance).
fn train(sim: &mut Simulation, n: usize) {
    sim.apply(Command::Train(true)).expect("train");
    for _ in 0..n {
        sim.advance(Duration::ZERO, Duration::from_millis(16))
            .expect("advance");
    }
    sim.apply(Command::Train(false)).expect("stop");
}

#[test]
fn the_panel_shows_the_engines_exact_gradient_of_the_sessions_rbm() {
    let mut sim = rbm_sim(TrainingSource::BarsAndStripes, 8);
    train(&mut sim, 3);
    // Nothing is computed while the panel is off screen: the snapshot carries the last
    // comparison, none yet.
    let snap = sim.snapshot();
    assert!(!snap.gradient_watched);
    assert!(
        snap.gradient
            .is_some_and(|g| g.estimates.is_empty() && g.generation == 0)
    );
    sim.apply(Command::WatchGradient(true)).expect("watch");
    let snap = sim.snapshot();
    assert!(snap.gradient_watched);
    let view = snap.gradient.expect("an RBM has a gradient panel");
    assert_eq!(view.unavailable, None);
    let saved = sim.to_saved();
    let data = matrix_from_patterns(&saved.core.training_set.patterns).expect("data");
    let exact = exact_gradient(&rbm_of(&saved), data.view()).expect("exact");
    assert_eq!(view.shape, (16, 8));
    assert_eq!(*view.exact, exact.w.iter().copied().collect::<Vec<f32>>());
    let labels: Vec<&str> = view.estimates.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["CD-1", "CD-10", "PCD-1"]);
    for e in &view.estimates {
        assert!(
            (-1.0..=1.0).contains(&e.cosine) && e.norm_ratio > 0.0,
            "{e:?}"
        );
    }
}

#[test]
fn the_rule_is_saved_and_training_resumes_exactly() {
    let mut sim = rbm_sim(TrainingSource::BarsAndStripes, 6);
    sim.apply(Command::SetTrainingRule(TrainingRule::Exact))
        .expect("exact");
    assert_eq!(sim.settings().rbm_rule, TrainingRule::Exact);
    train(&mut sim, 7);
    let text = saved_text(&sim);
    let mut resumed = session_from_str(&text).expect("loads");
    assert_eq!(resumed.settings().rbm_rule, TrainingRule::Exact);
    train(&mut sim, 6);
    train(&mut resumed, 6);
    // The same model, trainer, random stream and runs. Where the learning curves have points
    // is the metric budget's (wall time, and the cost of the last point, which only the
    // session that measured it knows), so only their common points must agree.
    let (a, b) = (resumed.to_saved(), sim.to_saved());
    let without_curves = |saved: &SavedSimulation| {
        let mut saved = saved.clone();
        saved.learning.curve.clear();
        saved
            .learning
            .rule_runs
            .runs
            .iter_mut()
            .for_each(|r| r.curve.clear());
        session_to_string(&saved).expect("serializes")
    };
    assert_eq!(without_curves(&a), without_curves(&b));
    let curves = |s: &SavedSimulation| {
        let mut all = vec![s.learning.curve.clone()];
        all.extend(s.learning.rule_runs.runs.iter().map(|r| r.curve.clone()));
        all
    };
    for (ca, cb) in curves(&a).iter().zip(&curves(&b)) {
        assert_eq!(ca.first(), cb.first());
        assert_eq!(ca.last(), cb.last());
        for p in ca {
            if let Some(q) = cb.iter().find(|q| q[0] == p[0]) {
                assert_eq!(p, q, "the same update, the same weights, the same figure");
            }
        }
    }
    let runs = sim.to_saved().learning.rule_runs.runs;
    assert_eq!(runs.len(), 1, "one rule, one run: {runs:?}");
    assert_eq!(runs[0].label, "exact");
    assert_eq!(runs[0].updates, 13);
}

#[test]
fn each_rule_gets_its_own_run_and_every_run_can_start_from_the_same_weights() {
    let mut sim = rbm_sim(TrainingSource::BarsAndStripes, 6);
    let start = rbm_of(&sim.to_saved());
    train(&mut sim, 10);
    assert_ne!(rbm_of(&sim.to_saved()), start, "training moved the weights");
    sim.apply(Command::RestartRuleRun)
        .expect("back to the start");
    assert_eq!(
        rbm_of(&sim.to_saved()),
        start,
        "the very weights of the start"
    );
    sim.apply(Command::SetTrainingRule(TrainingRule::Exact))
        .expect("exact");
    train(&mut sim, 10);
    sim.apply(Command::RestartRuleRun)
        .expect("back to the start");
    sim.apply(Command::SetCdK(10)).expect("k");
    sim.apply(Command::SetTrainingRule(TrainingRule::CdK))
        .expect("CD");
    train(&mut sim, 10);
    let runs = sim.to_saved().learning.rule_runs.runs;
    let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["CD-1", "exact", "CD-10"]);
    for r in &runs {
        assert_eq!(
            r.curve[0], runs[0].curve[0],
            "{} starts where the others do",
            r.label
        );
        assert_eq!(r.curve.last().map(|p| p[0]), Some(10.0));
    }
}

#[test]
fn rules_that_cannot_apply_are_refused_with_nothing_changed() {
    // 64 visible and 30 hidden: too large to enumerate.
    let mut sim = rbm_sim(TrainingSource::Digits, 30);
    let before = saved_text(&sim);
    assert!(
        sim.apply(Command::SetTrainingRule(TrainingRule::Exact))
            .is_err()
    );
    assert_eq!(saved_text(&sim), before);
    sim.apply(Command::WatchGradient(true)).expect("watch");
    assert_eq!(
        saved_text(&sim),
        before,
        "watching is no change to the session"
    );
    let view = sim.snapshot().gradient.expect("an RBM");
    assert!(view.unavailable.is_some_and(|r| r.contains("at most 20")));
    assert!(sim.apply(Command::RestartRuleRun).is_err(), "no start yet");
    assert_eq!(saved_text(&sim), before);
    let mut hopfield = Simulation::new(ModelSpec::default()).expect("hopfield");
    let before = saved_text(&hopfield);
    assert!(
        hopfield
            .apply(Command::SetTrainingRule(TrainingRule::Pcd))
            .is_err()
    );
    assert_eq!(saved_text(&hopfield), before);
    hopfield.apply(Command::WatchGradient(true)).expect("watch");
    assert!(hopfield.snapshot().gradient.is_none());
}
