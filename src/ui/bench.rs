//! The UI frame benchmark: the real app, headless (egui run + tessellation, no GPU), with a
//! 784 × 500 RBM sampling flat out on the simulation thread and the views shown in turn at
//! 60 frames a second; and the simulation's speed with and without the UI beside it.

use super::View;
use super::headless::HeadlessApp;
use crate::engine::SimRng;
use crate::engine::rbm::Rbm;
use crate::sim::model::ImportedModel;
use crate::sim::protocol::Command;
use crate::sim::{SimHandle, Simulation};
use std::time::{Duration, Instant};

/// What the benchmark measured.
#[derive(Clone, Debug)]
pub struct FrameReport {
    /// Frames measured.
    pub frames: usize,
    /// Median CPU time of one frame (egui run + tessellation), ms.
    pub median_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// Sweeps per second of the simulation alone.
    pub sweeps_per_sec_alone: f64,
    /// Sweeps per second while the UI draws beside it.
    pub sweeps_per_sec_with_ui: f64,
}

/// The scene: a random 784 × 500 RBM (a 28 × 28 grid) sampling as fast as possible at T = 1.
fn scene() -> Vec<Command> {
    let mut rng = SimRng::seed_from_u64(5);
    let rbm = Rbm::random(784, 500, 0.05, &mut rng).map(|r| Box::new(ImportedModel::Rbm(r)));
    let mut commands = Vec::new();
    if let Ok(model) = rbm {
        commands.push(Command::Import(model));
    }
    commands.extend([
        Command::SetSpeed(None),
        Command::SetTemperature(1.0),
        Command::Run,
    ]);
    commands
}

fn sweeps_now(handle: &SimHandle, last: &mut f64) -> f64 {
    if let Some(snapshot) = handle.take_snapshot() {
        *last = snapshot.sweeps;
    }
    *last
}

/// Sweeps per second of the simulation thread on its own over `duration`.
fn simulation_alone(duration: Duration) -> Result<f64, String> {
    let sim = Simulation::opening_scene().map_err(|e| e.to_string())?;
    let handle = SimHandle::spawn(sim, || {}).map_err(|e| e.to_string())?;
    for c in scene() {
        handle.send(c).map_err(|e| format!("{e:?}"))?;
    }
    let mut last = 0.0;
    std::thread::sleep(Duration::from_millis(500));
    let (t0, s0) = (Instant::now(), sweeps_now(&handle, &mut last));
    std::thread::sleep(duration);
    let s1 = sweeps_now(&handle, &mut last);
    Ok((s1 - s0) / t0.elapsed().as_secs_f64())
}

/// Resident memory of this process in kB (Linux; 0 elsewhere).
pub fn resident_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs the app headless for `duration` at 60 frames a second (784 × 500 RBM sampling flat
/// out, each view a second in turn) and calls `report(elapsed, resident kB, sweeps)` every
/// `every`.
pub fn soak(duration: Duration, every: Duration, mut report: impl FnMut(Duration, u64, f64)) {
    let mut headless = HeadlessApp::new(scene());
    let mut next_report = Duration::ZERO;
    let mut k = 0usize;
    while headless.started.elapsed() < duration {
        let spent = headless.frame(View::ALL[(k / 60) % View::ALL.len()]);
        let elapsed = headless.started.elapsed();
        if elapsed >= next_report {
            report(elapsed, resident_kb(), headless.app.snapshot.sweeps);
            next_report += every;
        }
        k += 1;
        HeadlessApp::pace(spent);
    }
    report(
        headless.started.elapsed(),
        resident_kb(),
        headless.app.snapshot.sweeps,
    );
}

/// Runs the benchmark for about `duration` with the UI, and as long again without.
pub fn frame_benchmark(duration: Duration) -> Result<FrameReport, String> {
    let sweeps_per_sec_alone = simulation_alone(duration)?;
    let mut headless = HeadlessApp::new(scene());
    let warm_up = Duration::from_millis(500);
    let mut times = Vec::new();
    let mut first_sweeps = None;
    let mut k = 0usize;
    while headless.started.elapsed() < duration + warm_up {
        let spent = headless.frame(View::ALL[k % View::ALL.len()]);
        // The first half second lets the model arrive and textures settle.
        if headless.started.elapsed() > warm_up {
            times.push(spent.as_secs_f64() * 1e3);
            if first_sweeps.is_none() {
                first_sweeps = Some((Instant::now(), headless.app.snapshot.sweeps));
            }
        }
        k += 1;
        HeadlessApp::pace(spent);
    }
    let app = &headless.app;
    let sweeps_per_sec_with_ui = first_sweeps.map_or(0.0, |(t, s)| {
        (app.snapshot.sweeps - s) / t.elapsed().as_secs_f64()
    });
    if app.snapshot.settings.grid != (28, 28) {
        return Err(format!(
            "the 784 × 500 RBM did not load (grid {:?}): {:?}",
            app.snapshot.settings.grid, app.state.message
        ));
    }
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(FrameReport {
        frames: times.len(),
        median_ms: pick(0.5),
        p95_ms: pick(0.95),
        sweeps_per_sec_alone,
        sweeps_per_sec_with_ui,
    })
}
