//! The simulation thread: owns a [`Simulation`], takes commands, publishes snapshots.
//!
//! While running it drains commands, advances for ~8 ms and publishes at most ~60 times a
//! second; while paused it blocks on the command channel. An RBM's learning curve is measured
//! beside it: when idle, the thread starts measuring the point where the model is, if the
//! curve has none there, and wakes every millisecond while points are being measured, to
//! publish them as they arrive.
//!
//! Everything the thread runs on the simulation (commands, advancing, snapshots) is inside one
//! guard: a panic is caught, reported as an event, the last good simulation (copied at most a
//! second earlier) comes back, paused.

use super::history::{self, History};
use super::protocol::{Command, Event, Snapshot};
use super::simulation::Simulation;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{
    Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, TrySendError, channel,
    sync_channel,
};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Commands waiting before the UI is told "busy".
const COMMAND_QUEUE: usize = 256;
/// Time spent advancing between looks at the command queue.
const STEP_BUDGET: Duration = Duration::from_millis(8);
/// Minimum time between snapshots (~60 per second).
const PUBLISH_EVERY: Duration = Duration::from_millis(16);
/// How often the last good simulation is copied, to fall back on after a panic.
const BACKUP_EVERY: Duration = Duration::from_secs(1);
/// How often an idle thread looks for learning-curve points measured beside the training.
const MEASURE_POLL: Duration = Duration::from_millis(1);

/// The UI's handle on the simulation thread. Dropping it stops and joins the thread.
pub struct SimHandle {
    /// UI → simulation, bounded.
    commands: SyncSender<Command>,
    /// Simulation → UI, never dropped.
    events: Receiver<Event>,
    /// Simulation → UI, latest wins.
    latest: Arc<Mutex<Option<Snapshot>>>,
    thread: Option<JoinHandle<()>>,
}

/// Why a command could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The queue is full; try again next frame.
    Busy,
    /// The thread has stopped.
    Stopped,
}

impl SimHandle {
    /// Starts the thread on `sim`; `wake` is called after each publish (e.g. request a repaint).
    pub fn spawn(sim: Simulation, wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (commands, command_rx) = sync_channel(COMMAND_QUEUE);
        let (event_tx, events) = channel();
        let latest = Arc::new(Mutex::new(None));
        let slot = latest.clone();
        let thread = std::thread::Builder::new()
            .name("boltzviz-sim".into())
            .spawn(move || run(sim, command_rx, event_tx, slot, wake))?;
        Ok(Self {
            commands,
            events,
            latest,
            thread: Some(thread),
        })
    }

    /// Sends a command without blocking.
    pub fn send(&self, command: Command) -> Result<(), SendError> {
        self.commands.try_send(command).map_err(|e| match e {
            TrySendError::Full(_) => SendError::Busy,
            TrySendError::Disconnected(_) => SendError::Stopped,
        })
    }

    /// The newest snapshot, if one arrived since the last call.
    pub fn take_snapshot(&self) -> Option<Snapshot> {
        self.latest.lock().ok().and_then(|mut slot| slot.take())
    }

    /// Events since the last call.
    pub fn events(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        // A full queue still lets the thread see the disconnect once the sender is gone.
        let _ = self.commands.try_send(Command::Quit);
        if let Some(thread) = self.thread.take() {
            let (dummy, _) = sync_channel(1);
            drop(std::mem::replace(&mut self.commands, dummy));
            let _ = thread.join();
        }
    }
}

fn run(
    mut sim: Simulation,
    commands: Receiver<Command>,
    events: Sender<Event>,
    latest: Arc<Mutex<Option<Snapshot>>>,
    wake: impl Fn(),
) {
    let mut last_publish = Instant::now() - PUBLISH_EVERY;
    let mut last_advance = Instant::now();
    let mut dirty = true;
    let mut backup: Option<Simulation> = None;
    let mut last_backup = Instant::now() - BACKUP_EVERY;
    let mut history = History::default();
    loop {
        if last_backup.elapsed() >= BACKUP_EVERY {
            backup = Some(sim.clone());
            last_backup = Instant::now();
        }
        // Take commands: block when idle, poll when running.
        let first = if sim.is_running() {
            match commands.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            if dirty {
                publish(&mut sim, &history, &mut backup, &events, &latest, &wake);
                dirty = false;
            }
            // Idle, and published: the curve's point here is measured now, beside whatever
            // comes next.
            guarded(&mut sim, &mut backup, &events, |s| {
                s.complete_curve();
                Ok(())
            });
            let received = if sim.is_measuring() {
                commands.recv_timeout(MEASURE_POLL)
            } else {
                commands.recv().map_err(|_| RecvTimeoutError::Disconnected)
            };
            match received {
                Ok(c) => {
                    last_advance = Instant::now();
                    Some(c)
                }
                Err(RecvTimeoutError::Timeout) => {
                    // Points that have arrived are added, and published below.
                    guarded(&mut sim, &mut backup, &events, |s| {
                        dirty |= s.harvest_curve();
                        Ok(())
                    });
                    None
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        for command in first
            .into_iter()
            .chain(std::iter::from_fn(|| commands.try_recv().ok()))
        {
            match command {
                Command::Quit => return,
                Command::Undo => {
                    history.undo(&mut sim);
                }
                Command::Redo => {
                    history.redo(&mut sim);
                }
                command if history::is_edit(&command) => {
                    let now = Instant::now();
                    let before = history.starts_entry(&command, now).then(|| sim.clone());
                    let probe = history::edit_kind(&command);
                    let mut ok = false;
                    guarded(&mut sim, &mut backup, &events, |s| {
                        s.apply(command)?;
                        ok = true;
                        Ok(())
                    });
                    if ok {
                        history.record_kind(probe, before, now);
                    }
                }
                Command::Replace(next) => {
                    history.clear();
                    guarded(&mut sim, &mut backup, &events, |s| {
                        s.apply(Command::Replace(next))
                    });
                }
                command => guarded(&mut sim, &mut backup, &events, |s| s.apply(command)),
            }
            dirty = true;
        }
        if sim.is_running() {
            let since = last_advance.elapsed();
            last_advance = Instant::now();
            guarded(&mut sim, &mut backup, &events, |s| {
                s.advance(STEP_BUDGET, since)
            });
            dirty = true;
        }
        for e in sim.take_events() {
            let _ = events.send(e);
        }
        if dirty && last_publish.elapsed() >= PUBLISH_EVERY {
            publish(&mut sim, &history, &mut backup, &events, &latest, &wake);
            last_publish = Instant::now();
            dirty = false;
        } else if sim.is_running() && !sim.is_training() {
            // Paced sweeps wait for their credit; training needs no pause.
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Runs `f`; an error becomes a `Failed` event, a panic restores the last good simulation.
fn guarded(
    sim: &mut Simulation,
    backup: &mut Option<Simulation>,
    events: &Sender<Event>,
    f: impl FnOnce(&mut Simulation) -> Result<(), crate::engine::EngineError>,
) {
    match catch_unwind(AssertUnwindSafe(|| f(sim))) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            let _ = events.send(Event::Failed(e.to_string()));
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let _ = events.send(Event::Failed(format!(
                "internal error in the simulation ({what}); the last good model was kept"
            )));
            if let Some(good) = backup.clone() {
                *sim = good;
            }
            // Whatever was running when it broke would likely break again.
            sim.stop_all();
        }
    }
}

/// Publishes a snapshot, inside the panic guard like everything else the thread runs.
fn publish(
    sim: &mut Simulation,
    history: &History,
    backup: &mut Option<Simulation>,
    events: &Sender<Event>,
    latest: &Mutex<Option<Snapshot>>,
    wake: &impl Fn(),
) {
    let mut taken = None;
    guarded(sim, backup, events, |s| {
        taken = Some(s.snapshot());
        Ok(())
    });
    let Some(mut snapshot) = taken else {
        wake();
        return;
    };
    (snapshot.can_undo, snapshot.can_redo) = history.available();
    if let Ok(mut slot) = latest.lock() {
        // Keep any trace the UI has not taken yet.
        if let Some(old) = slot.take() {
            let mut trace = old.new_trace;
            trace.append(&mut snapshot.new_trace);
            snapshot.new_trace = trace;
        }
        *slot = Some(snapshot);
    }
    // The snapshot may have raised events (a curve point that failed): deliver them now.
    for e in sim.take_events() {
        let _ = events.send(e);
    }
    wake();
}
