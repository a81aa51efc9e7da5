//! Nothing the simulation thread runs can take it down: a panic injected in a command, in
//! advancing, or in a snapshot is caught, reported, and the last good model comes back (paused),
//! after which the thread still answers commands.

use boltzviz::sim::protocol::{Command, Event, FaultSite, ModelKind, ModelSpec, TrainingSource};
use boltzviz::sim::{SimHandle, Simulation, Snapshot};
use std::time::{Duration, Instant};

/// Waits for a snapshot that satisfies `accept`, gathering events meanwhile.
fn wait_snapshot(
    handle: &SimHandle,
    events: &mut Vec<Event>,
    accept: impl Fn(&Snapshot) -> bool,
) -> Snapshot {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        events.extend(handle.events());
        if let Some(s) = handle.take_snapshot()
            && accept(&s)
        {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "no snapshot came; events: {events:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn failures(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Failed(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_panic_at_each_place_is_caught_reported_and_the_model_survives() {
    for site in [FaultSite::Apply, FaultSite::Advance, FaultSite::Snapshot] {
        for kind in [ModelKind::Boltzmann, ModelKind::Rbm] {
            let spec = ModelSpec {
                kind,
                source: TrainingSource::Digits,
                hidden: 8,
                ..ModelSpec::default()
            };
            let sim = Simulation::new(spec).expect("builds");
            let handle = SimHandle::spawn(sim, || {}).expect("thread starts");
            let mut events = Vec::new();
            handle.send(Command::Step(3)).expect("sent");
            let before = wait_snapshot(&handle, &mut events, |s| s.sweeps >= 3.0);
            // Wait past the thread's one-second backup interval so the backup holds sweep 3.
            std::thread::sleep(Duration::from_millis(1100));
            handle.send(Command::Step(1)).expect("sent");
            wait_snapshot(&handle, &mut events, |s| s.sweeps >= 4.0);

            handle.send(Command::InjectFault(site)).expect("sent");
            match site {
                FaultSite::Apply => {}
                FaultSite::Advance => handle.send(Command::Run).expect("sent"),
                FaultSite::Snapshot => handle.send(Command::Step(1)).expect("sent"),
            }
            let deadline = Instant::now() + Duration::from_secs(20);
            while failures(&events).is_empty() {
                assert!(Instant::now() < deadline, "{site:?}: no failure reported");
                events.extend(handle.events());
                std::thread::sleep(Duration::from_millis(5));
            }
            let message = failures(&events).join("; ");
            assert!(
                message.contains("internal error") && message.contains("last good model"),
                "{site:?}: {message}"
            );
            // The thread still works: one more step publishes the restored model, paused, with
            // the same network (the digits grid and its weights).
            events.clear();
            handle.send(Command::Step(1)).expect("sent");
            let after = wait_snapshot(&handle, &mut events, |s| !s.running);
            assert_eq!(after.settings.kind, kind, "{site:?}");
            assert_eq!(after.settings.grid, before.settings.grid, "{site:?}");
            assert!(after.sweeps >= 4.0, "{site:?}: sweep {}", after.sweeps);
            assert_eq!(
                after.weights, before.weights,
                "{site:?}: the weights changed"
            );
            assert!(failures(&events).is_empty(), "{site:?}: {events:?}");
        }
    }
}
