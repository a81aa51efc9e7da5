//! A progress bar on standard error for long work: redrawn in place on a terminal, a line
//! every tenth of the way otherwise (logs stay readable).

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Progress through `total` steps.
pub struct Progress {
    label: String,
    total: usize,
    started: Instant,
    terminal: bool,
    last_tenth: usize,
}

impl Progress {
    /// A bar for `total` steps of `label`.
    pub fn new(label: &str, total: usize) -> Self {
        Self {
            label: label.to_owned(),
            total: total.max(1),
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            last_tenth: 0,
        }
    }

    /// `done` steps finished; `note` says how it is going (e.g. the current metrics).
    pub fn update(&mut self, done: usize, note: &str) {
        let fraction = done.min(self.total) as f64 / self.total as f64;
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = if done > 0 {
            elapsed / fraction - elapsed
        } else {
            0.0
        };
        let mut err = std::io::stderr().lock();
        if self.terminal {
            const WIDTH: usize = 30;
            let filled = (fraction * WIDTH as f64).round() as usize;
            let _ = write!(
                err,
                "\r{} [{}{}] {:>3.0}% {done}/{} {note} (ETA {eta:.0} s)   ",
                self.label,
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                fraction * 100.0,
                self.total
            );
            if done >= self.total {
                let _ = writeln!(err);
            }
        } else {
            let tenth = (fraction * 10.0).floor() as usize;
            if tenth > self.last_tenth || done >= self.total {
                self.last_tenth = tenth;
                let _ = writeln!(
                    err,
                    "{}: {:.0}% ({done}/{}) {note}",
                    self.label,
                    fraction * 100.0,
                    self.total
                );
            }
        }
    }
}
