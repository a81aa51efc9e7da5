//! Cases run in a child process (this same test binary, started again with
//! [`CHILD_ENV`] set), each on its own worker thread with a time limit; the parent reads what
//! the child reports, line by line, and starts a new child after the case that took one down.
//!
//! Why a child: a panic can be caught in-process, but an abort cannot (a refused allocation,
//! a stack overflow, a panic while panicking), and a worker thread stuck in a loop cannot be
//! stopped; a process can be, and its last "started case i" line names the culprit.
//!
//! The child writes one `FUZZ {json}` line on stdout as each case starts and one as it ends;
//! a refused allocation writes `FUZZ-ALLOC {json}` on stderr (see [`super::alloc`]) just before
//! Rust aborts.

use super::alloc::LIMIT_BYTES;
use super::cases::Target;
use super::child::{CHILD_ENV, Failure, Report};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

/// A child silent for this long is stuck beyond its own watchdog, and is killed.
const SILENCE_LIMIT: Duration = Duration::from_secs(30);

/// What one target's run found.
#[derive(Debug, Default)]
pub struct RunSummary {
    /// Cases run.
    pub cases: usize,
    /// Cases the reader refused.
    pub refused: usize,
    /// Cases that loaded and ran the whole program.
    pub ran: usize,
    /// The largest peak of live memory of a case.
    pub max_peak_bytes: usize,
    /// The slowest case that finished.
    pub slowest_micros: u64,
    /// Children started.
    pub children: usize,
    /// Every failed case.
    pub failures: Vec<Failure>,
}

/// A line from the child: stdout or stderr.
enum Line {
    Out(String),
    Err(String),
}

/// The parent's side: runs cases `0..cases` of `target` in as many children as it takes.
pub fn supervise(test_name: &str, target: Target, cases: usize) -> RunSummary {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut summary = RunSummary {
        cases,
        ..RunSummary::default()
    };
    let mut next = 0;
    let mut retried_hang: Option<usize> = None;
    while next < cases {
        summary.children += 1;
        let mut child = Command::new(&exe)
            .args([test_name, "--exact", "--nocapture", "--test-threads", "1"])
            .env(CHILD_ENV, format!("{}:{next}:{cases}", target.name()))
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("a child test process starts");
        let (tx, rx) = channel();
        let out = child.stdout.take().expect("piped stdout");
        let err = child.stderr.take().expect("piped stderr");
        let tx_err = tx.clone();
        let readers = [
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    let _ = tx.send(Line::Out(line));
                }
            }),
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let _ = tx_err.send(Line::Err(line));
                }
            }),
        ];
        let mut running: Option<usize> = None;
        let mut stderr_tail: Vec<String> = Vec::new();
        let mut silent = false;
        let mut hung = false;
        loop {
            match rx.recv_timeout(SILENCE_LIMIT) {
                Ok(Line::Out(line)) => {
                    let Some(json) = line.strip_prefix("FUZZ ") else {
                        continue;
                    };
                    match serde_json::from_str::<Report>(json) {
                        Ok(Report::Start { case }) => running = Some(case),
                        Ok(Report::Done {
                            case,
                            ran,
                            micros,
                            peak_bytes,
                        }) => {
                            running = None;
                            next = case + 1;
                            summary.ran += usize::from(ran);
                            summary.refused += usize::from(!ran);
                            summary.max_peak_bytes = summary.max_peak_bytes.max(peak_bytes);
                            summary.slowest_micros = summary.slowest_micros.max(micros);
                        }
                        Ok(Report::Fail { case, failure }) => {
                            running = None;
                            next = case + 1;
                            hung |= failure.kind == "hang";
                            // A hang on a loaded machine may be the machine: run it once more.
                            if failure.kind == "hang" && retried_hang != Some(case) {
                                retried_hang = Some(case);
                                next = case;
                            } else {
                                summary.failures.push(failure);
                            }
                        }
                        Err(e) => panic!("unreadable report {json:?}: {e}"),
                    }
                }
                Ok(Line::Err(line)) => {
                    if stderr_tail.len() == 200 {
                        stderr_tail.remove(0);
                    }
                    stderr_tail.push(line);
                }
                Err(RecvTimeoutError::Timeout) => {
                    silent = true;
                    let _ = child.kill();
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let status = child.wait().expect("the child ends");
        for reader in readers {
            let _ = reader.join();
        }
        if let Some(case) = running {
            summary
                .failures
                .push(crash(case, &status, silent, &stderr_tail));
            next = case + 1;
        } else if !status.success() && !hung {
            // Died setting up the next case (building seeds, making the mutant): that case.
            let mut failure = crash(next, &status, silent, &stderr_tail);
            failure.stage = "between cases (the harness, not a reader)".into();
            summary.failures.push(failure);
            next += 1;
        }
    }
    summary
}

/// The failure of a case whose child died: a refused allocation if the allocator said so, else
/// an abort (or a kill, for a silent child) with the end of its stderr.
fn crash(
    case: usize,
    status: &std::process::ExitStatus,
    silent: bool,
    stderr: &[String],
) -> Failure {
    let alloc = stderr
        .iter()
        .find_map(|l| l.strip_prefix("FUZZ-ALLOC "))
        .and_then(|j| serde_json::from_str::<Value>(j).ok());
    if let Some(a) = alloc {
        return Failure {
            case,
            kind: "memory".into(),
            stage: a["stage"].as_str().unwrap_or_default().into(),
            message: format!(
                "asked for {} bytes with {} live (limit {})",
                a["bytes"], a["live"], LIMIT_BYTES
            ),
            location: a["frame"].as_str().unwrap_or_default().into(),
        };
    }
    let said: Vec<&str> = stderr
        .iter()
        .map(String::as_str)
        .filter(|l| !l.trim().is_empty())
        .collect();
    Failure {
        case,
        kind: if silent { "hang" } else { "abort" }.into(),
        stage: String::new(),
        message: format!("child {status}: {}", said.join(" | ")),
        location: String::new(),
    }
}
