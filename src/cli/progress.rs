//! A progress bar on standard error for long work: redrawn in place on a terminal (at most ten
//! times a second), otherwise a line every tenth of the way and at least every five seconds,
//! so a log shows the job is alive however long it runs.

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Progress through `total` steps.
pub struct Progress {
    label: String,
    total: usize,
    started: Instant,
    terminal: bool,
    last_tenth: usize,
    last_line: Instant,
}

/// The longest a log goes without a progress line.
const LOG_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// The shortest time between two redraws on a terminal.
const REDRAW_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

impl Progress {
    /// A bar for `total` steps of `label`.
    pub fn new(label: &str, total: usize) -> Self {
        Self {
            label: label.to_owned(),
            total: total.max(1),
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            last_tenth: 0,
            last_line: Instant::now(),
        }
    }

    /// Changes the number of steps (when it is known only once the work starts).
    pub fn set_total(&mut self, total: usize) {
        self.total = total.max(1);
    }

    /// `done` steps finished; `note` says how it is going (e.g. the current metrics).
    pub fn update(&mut self, done: usize, note: &str) {
        let finished = done >= self.total;
        let tenth = (done.min(self.total) * 10 / self.total).min(10);
        let due = if self.terminal {
            self.last_line.elapsed() >= REDRAW_EVERY
        } else {
            tenth > self.last_tenth || self.last_line.elapsed() >= LOG_EVERY
        };
        if !(due || finished) {
            return;
        }
        self.last_line = Instant::now();
        let fraction = done.min(self.total) as f64 / self.total as f64;
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = if done > 0 {
            elapsed / fraction - elapsed
        } else {
            0.0
        };
        // The line is composed first and written in one call (stderr is unbuffered: piece by
        // piece it would be a system call for every field).
        let line = if self.terminal {
            const WIDTH: usize = 30;
            let filled = (fraction * WIDTH as f64).round() as usize;
            let end = if finished { "\n" } else { "" };
            format!(
                "\r{} [{}{}] {:>3.0}% {done}/{} {note} (ETA {eta:.0} s)   {end}",
                self.label,
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                fraction * 100.0,
                self.total
            )
        } else {
            self.last_tenth = tenth;
            format!(
                "{}: {:.1}% ({done}/{}) {note} (ETA {eta:.0} s)\n",
                self.label,
                fraction * 100.0,
                self.total
            )
        };
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}
