//! The simulation does exactly what it is asked and publishes what it has: failed commands
//! change nothing, bulk edits leave clamped units alone, a reset is a reset, the trace keeps
//! its start and its edits, and the learning curve keeps its whole history.

use boltzviz::engine::hopfield::HopfieldRule;
use boltzviz::persist::session_to_string;
use boltzviz::sim::model::Model;
use boltzviz::sim::protocol::{
    Command, ModelKind, ModelSpec, TraceMark, TrainingSource, UpdateOrder,
};
use boltzviz::sim::{Simulation, Snapshot};

/// Everything a session file would hold, as text: two simulations with equal text are the
/// same session.
fn saved_text(sim: &Simulation) -> String {
    session_to_string(&sim.to_saved()).expect("serializes")
}

fn spec(kind: ModelKind, source: TrainingSource, hidden: usize) -> ModelSpec {
    ModelSpec {
        kind,
        source,
        hidden,
        ..ModelSpec::default()
    }
}

fn assert_refused_unchanged(sim: &mut Simulation, command: Command) {
    let before = saved_text(sim);
    let settings = sim.settings();
    let what = format!("{command:?}");
    assert!(sim.apply(command).is_err(), "{what} should be refused");
    assert_eq!(saved_text(sim), before, "{what} left the session changed");
    assert_eq!(sim.settings(), settings, "{what} left the settings changed");
}

#[test]
fn a_store_that_fails_leaves_nothing_behind_and_the_next_store_works() {
    let mut sim = Simulation::new(ModelSpec {
        rule: HopfieldRule::PseudoInverse,
        ..ModelSpec::default()
    })
    .expect("letters");
    sim.apply(Command::ShowPattern(0)).expect("pattern 1");
    // The grid now repeats stored letter 1: C = ΞᵀΞ/N would be singular.
    assert_refused_unchanged(&mut sim, Command::StorePattern);
    sim.apply(Command::Clear).expect("clear");
    sim.apply(Command::Draw((0..30).map(|i| (i * 3, 1)).collect()))
        .expect("draw");
    let stored_before = sim.training_set().patterns.len();
    sim.apply(Command::StorePattern)
        .expect("a new drawing stores");
    assert_eq!(sim.training_set().patterns.len(), stored_before + 1);
}

#[test]
fn every_refused_command_leaves_the_simulation_exactly_as_it_was() {
    let mut hopfield = Simulation::opening_scene().expect("opening scene");
    for command in [
        Command::ShowPattern(999),
        Command::AddNoise(1.5),
        Command::SetTemperature(-1.0),
        Command::SetTemperature(f64::NAN),
        Command::SetSpeed(Some(0.0)),
        Command::SetLearningRate(0.0),
        Command::SetCdK(3),
        Command::NewGrid {
            width: 0,
            height: 4,
        },
        Command::Train(true),
        Command::ApplyUpdate,
        Command::SetModel(spec(ModelKind::Boltzmann, TrainingSource::Drawn, 4)),
        Command::SetSchedule(boltzviz::engine::anneal::Schedule::Steps(vec![(-2.0, 5)])),
        Command::SetModel(ModelSpec {
            hidden: 1_000_000,
            ..spec(ModelKind::Boltzmann, TrainingSource::Parity, 4)
        }),
    ] {
        assert_refused_unchanged(&mut hopfield, command);
    }
    let mut rbm =
        Simulation::new(spec(ModelKind::Rbm, TrainingSource::BarsAndStripes, 8)).expect("rbm");
    assert_refused_unchanged(&mut rbm, Command::SetCdK(0));
    assert_refused_unchanged(&mut rbm, Command::SetLearningRate(f64::INFINITY));
}

#[test]
fn bulk_edits_and_reset_leave_clamped_units_alone() {
    for kind in [ModelKind::Boltzmann, ModelKind::Rbm] {
        let mut sim =
            Simulation::new(spec(kind, TrainingSource::BarsAndStripes, 6)).expect("model");
        sim.apply(Command::Clear).expect("clear");
        let fixed: Vec<usize> = vec![0, 5, 10, 15];
        sim.apply(Command::Draw(fixed.iter().map(|&i| (i, 1)).collect()))
            .expect("draw");
        sim.apply(Command::ClampDrawn).expect("clamp");
        for command in [
            Command::FillRandom,
            Command::Invert,
            Command::AddNoise(1.0),
            Command::Clear,
            Command::Reset { seed: 77 },
            Command::ShowPattern(1),
        ] {
            let what = format!("{kind:?} {command:?}");
            sim.apply(command).expect("applies");
            let snap = sim.snapshot();
            for &i in &fixed {
                assert_eq!(snap.visible[i], 1, "{what} changed clamped unit {i}");
                assert!(snap.clamped[i]);
            }
        }
    }
}

#[test]
fn two_resets_with_one_seed_give_one_state_hidden_units_included() {
    let mut sim =
        Simulation::new(spec(ModelKind::Boltzmann, TrainingSource::Parity, 4)).expect("bm");
    sim.apply(Command::SetTemperature(1.0)).expect("T");
    sim.apply(Command::Reset { seed: 5 }).expect("reset");
    let first = sim.snapshot();
    sim.apply(Command::Step(17)).expect("steps");
    sim.apply(Command::Reset { seed: 5 }).expect("reset");
    let second = sim.snapshot();
    assert_eq!(first.visible, second.visible);
    assert_eq!(first.hidden, second.hidden, "hidden units reset too");
    assert_eq!(first.energy, second.energy);
    assert_eq!(second.sweeps, 0.0);
    let mut rbm =
        Simulation::new(spec(ModelKind::Rbm, TrainingSource::BarsAndStripes, 6)).expect("rbm");
    rbm.apply(Command::Reset { seed: 9 }).expect("reset");
    let a = rbm.snapshot();
    rbm.apply(Command::Step(3)).expect("steps");
    rbm.apply(Command::Reset { seed: 9 }).expect("reset");
    let b = rbm.snapshot();
    assert_eq!((a.visible, a.hidden), (b.visible, b.hidden));
}

fn marks(snap: &Snapshot) -> Vec<Option<TraceMark>> {
    snap.new_trace.iter().map(|p| p.mark).collect()
}

#[test]
fn the_trace_starts_at_the_starting_point_and_marks_every_edit() {
    let mut sim = Simulation::new(ModelSpec::default()).expect("letters");
    sim.apply(Command::SetTemperature(0.0)).expect("T = 0");
    sim.apply(Command::ShowPattern(0)).expect("pattern");
    let clean = sim.snapshot();
    assert_eq!(marks(&clean).first(), Some(&Some(TraceMark::Start)));
    sim.apply(Command::AddNoise(0.2)).expect("noise");
    let noisy = sim.snapshot();
    // The noisy state is on the trace at sweep 0 with its own (higher) energy, before any sweep.
    let noise_point = noisy.new_trace.last().expect("a point");
    assert_eq!(noise_point.mark, Some(TraceMark::Noise));
    assert_eq!(noise_point.sweep, 0.0);
    // The Hopfield energy of the noisy grid in ±1 spins, E = −½ Σᵢⱼ Jᵢⱼ σᵢσⱼ with Hebbian
    // J = (1/N) Σ_μ ξᵘξᵘᵀ (zero diagonal), computed here from the letters themselves.
    let letters = boltzviz::engine::patterns::letters().patterns;
    let spin = |b: u8| 2.0 * f64::from(b) - 1.0;
    let n = noisy.visible.len();
    let mut e = 0.0;
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let jij: f64 =
                    letters.iter().map(|p| spin(p[i]) * spin(p[j])).sum::<f64>() / n as f64;
                e -= 0.5 * jij * spin(noisy.visible[i]) * spin(noisy.visible[j]);
            }
        }
    }
    assert!(
        (noise_point.energy - e).abs() < 1e-9,
        "E = {e}, traced {}",
        noise_point.energy
    );
    assert!(noisy.energy > clean.energy, "noise raised the energy");
    sim.apply(Command::Step(3)).expect("sweeps");
    sim.apply(Command::SetClamp(vec![(0, true)]))
        .expect("clamp");
    let later = sim.snapshot();
    assert_eq!(
        marks(&later),
        vec![None, None, None, Some(TraceMark::Clamped)],
        "three sweeps, then the clamp"
    );
    let generation = later.trace_generation;
    sim.apply(Command::Reset { seed: 3 }).expect("reset");
    let reset = sim.snapshot();
    assert!(
        reset.trace_generation > generation,
        "a reset starts a new trace"
    );
    assert_eq!(marks(&reset), vec![Some(TraceMark::Start)]);
}

#[test]
fn the_learning_curve_keeps_its_first_point_however_long_training_runs() {
    let mut sim =
        Simulation::new(spec(ModelKind::Boltzmann, TrainingSource::Parity, 2)).expect("bm");
    sim.apply(Command::Train(true)).expect("train");
    let mut first = None;
    while sim.snapshot().learning.updates < 5_000 {
        sim.advance(
            std::time::Duration::from_millis(50),
            std::time::Duration::ZERO,
        )
        .expect("advance");
        first = first.or_else(|| sim.snapshot().learning.curve.first().copied());
    }
    let curve = sim.snapshot().learning.curve;
    assert_eq!(curve.first().copied(), first, "the start is never dropped");
    assert_eq!(curve.first().map(|p| p[0]), Some(1.0));
    assert!(curve.len() <= boltzviz::sim::curve::MAX_CURVE_POINTS);
}

#[test]
fn a_single_unit_step_says_which_unit_it_updated_with_its_input() {
    let mut sim =
        Simulation::new(spec(ModelKind::Boltzmann, TrainingSource::Parity, 4)).expect("bm");
    sim.apply(Command::SetOrder(UpdateOrder::Sequential))
        .expect("order");
    sim.apply(Command::SetTemperature(0.0)).expect("T = 0");
    let before = sim.snapshot();
    // xᵢ = Σⱼ wᵢⱼ sⱼ + bᵢ summed afresh from the weights and the whole state (visible + hidden).
    let Model::Net(m) = sim.model() else {
        panic!("a Boltzmann machine")
    };
    let state: Vec<u8> = before
        .visible
        .iter()
        .chain(&before.hidden)
        .copied()
        .collect();
    let input: f64 = (0..m.bm.n())
        .map(|j| m.bm.weight(0, j) * f64::from(state[j]))
        .sum::<f64>()
        + m.bm.biases()[0];
    sim.apply(Command::StepUnit).expect("unit");
    let step = sim.snapshot().last_unit.expect("the step is published");
    assert_eq!(step.unit, 0, "sequential order starts at unit 0");
    assert!(
        (step.input - input).abs() < 1e-12,
        "x = {input}, published {}",
        step.input
    );
    let expected = if input > 0.0 {
        1
    } else if input < 0.0 {
        0
    } else {
        before.visible[0]
    };
    assert_eq!(
        step.value, expected,
        "T = 0: [x > 0], a tie keeps the value"
    );
    sim.apply(Command::Step(1)).expect("sweep");
    assert_eq!(sim.snapshot().last_unit, None, "a sweep is not one unit");
}

#[test]
fn the_settings_published_are_the_ones_the_session_holds() {
    let mut sim = Simulation::opening_scene().expect("opening scene");
    sim.apply(Command::SetOrder(UpdateOrder::Synchronous))
        .expect("order");
    sim.apply(Command::SetSpeed(None)).expect("speed");
    sim.apply(Command::SetTemperature(0.7)).expect("T");
    let s = sim.snapshot().settings;
    assert_eq!(s.order, UpdateOrder::Synchronous);
    assert_eq!(s.speed, None);
    assert_eq!(s.temperature, 0.7);
    assert_eq!(s.hidden, 0, "a Hopfield net has no hidden units");
    assert_eq!(s.grid, (10, 10));
    // A new model keeps how the person runs it.
    sim.apply(Command::SetModel(spec(
        ModelKind::Rbm,
        TrainingSource::Digits,
        12,
    )))
    .expect("rbm");
    let s = sim.snapshot().settings;
    assert_eq!(
        (s.order, s.speed, s.temperature),
        (UpdateOrder::Synchronous, None, 0.7)
    );
    assert_eq!((s.hidden, s.grid, s.kind), (12, (8, 8), ModelKind::Rbm));
    sim.apply(Command::SetLearningRate(0.3)).expect("η");
    sim.apply(Command::SetCdK(5)).expect("k");
    let s = sim.snapshot().settings;
    assert!((s.learning_rate - 0.3).abs() < 1e-7);
    assert_eq!(s.cd_k, 5);
}
