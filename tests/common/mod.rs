//! What the UI tests share: the app in a headless harness and waits with a time limit.
#![allow(dead_code)]

use boltzviz::ui::BoltzVizApp;
use egui_kittest::Harness;
use std::time::{Duration, Instant};

/// The real app in a 1280 × 1000 headless window.
pub fn harness() -> Harness<'static, BoltzVizApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 1000.0))
        .build_eframe(|cc| BoltzVizApp::new(&cc.egui_ctx))
}

/// Runs frames until `done` holds for the app (the simulation answers on its own thread),
/// failing after `limit`.
pub fn wait_up_to(
    h: &mut Harness<'static, BoltzVizApp>,
    limit: Duration,
    what: &str,
    done: impl Fn(&BoltzVizApp) -> bool,
) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < limit, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
}

/// Waits up to 10 s (commands and snapshots).
pub fn wait_for(
    h: &mut Harness<'static, BoltzVizApp>,
    what: &str,
    done: impl Fn(&BoltzVizApp) -> bool,
) {
    wait_up_to(h, Duration::from_secs(10), what, done);
}

/// Waits up to 60 s (training, annealing, sweeps).
pub fn wait_long(
    h: &mut Harness<'static, BoltzVizApp>,
    what: &str,
    done: impl Fn(&BoltzVizApp) -> bool,
) {
    wait_up_to(h, Duration::from_secs(60), what, done);
}

/// Waits for the opening scene's first snapshot.
pub fn first_snapshot(h: &mut Harness<'static, BoltzVizApp>) {
    wait_for(h, "first snapshot", |a| a.snapshot().visible.len() == 100);
}

/// A file "dropped" on the window by the test.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops `path` on the window.
pub fn drop_file(h: &mut Harness<'static, BoltzVizApp>, path: std::path::PathBuf) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
}

/// Equal texts, or a panic showing the first line where they differ.
pub fn assert_same(left: &str, right: &str, what: &str) {
    if let Some((k, (a, b))) = left
        .lines()
        .zip(right.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        let cut = |s: &str| s.chars().take(300).collect::<String>();
        panic!(
            "{what}: line {} differs:\n  {}\n  {}",
            k + 1,
            cut(a),
            cut(b)
        );
    }
    assert_eq!(
        left.lines().count(),
        right.lines().count(),
        "{what}: lengths differ"
    );
}
