//! The child's side of a fuzz run: it runs its cases one by one, each on a worker thread
//! watched for time, catching panics with their message and place, and reports each case as
//! one `FUZZ {json}` line on stdout (see [`super::supervisor`] for why a child at all).

use super::alloc::{peak_bytes, reset_peak};
use super::cases::{Corpus, Target};
use crate::fuzz_support::program::{Outcome, Stage, current_stage, enter};
use serde::{Deserialize, Serialize};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Set in a child's environment to `target:first:end` (cases `first..end`).
pub const CHILD_ENV: &str = "BOLTZVIZ_FUZZ_CHILD";
/// A case whose thread has run longer than this hangs (the brief: 2 s). Measured as the
/// worker thread's CPU time where Linux tells it (`/proc`), since on a shared two-core machine
/// wall time mostly measures the neighbours' builds; as wall time elsewhere.
pub const CASE_LIMIT: Duration = Duration::from_secs(2);
/// However busy the machine, a case still running after this much wall time hangs.
const WALL_LIMIT: Duration = Duration::from_secs(20);
/// How often the watchdog looks.
const POLL: Duration = Duration::from_millis(50);
/// Set to a folder, a child also writes each case's input there (`{target}-{case}.{ext}`),
/// to look at a case that passed but ran slowly, say.
pub const DUMP_ENV: &str = "BOLTZVIZ_FUZZ_DUMP";

/// What a child reports about a case.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "event")]
pub enum Report {
    /// Case `case` starts.
    Start {
        /// The case.
        case: usize,
    },
    /// It broke no promise.
    Done {
        /// The case.
        case: usize,
        /// It loaded and ran (else the reader refused it).
        ran: bool,
        /// How long it took.
        micros: u64,
        /// The most memory live while it ran.
        peak_bytes: usize,
    },
    /// It failed.
    Fail {
        /// The case.
        case: usize,
        /// The failure.
        failure: Failure,
    },
}

/// One failed case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Failure {
    /// The case.
    pub case: usize,
    /// panic, hang, abort, memory, or wrong (a broken promise that is no crash).
    pub kind: String,
    /// The program's stage.
    pub stage: String,
    /// The panic message, the problem, or what the child's stderr said.
    pub message: String,
    /// Where: the panic's location and the first BoltzViz frame of the stack.
    pub location: String,
}

/// The innermost frames of a backtrace in BoltzViz's own code (`src/`, not the tests), up
/// to three, innermost first: `new at src/engine/hopfield.rs:61:22 < store at …`.
pub fn first_boltzviz_frame(trace: &str) -> String {
    let lines: Vec<&str> = trace.lines().map(str::trim).collect();
    let mut frames = Vec::new();
    for pair in lines.windows(2) {
        let (function, place) = (pair[0], pair[1]);
        let Some(place) = place.strip_prefix("at ") else {
            continue;
        };
        let Some(k) = place.find("/src/") else {
            continue;
        };
        let ours = place.starts_with("./src/") || place.starts_with(env!("CARGO_MANIFEST_DIR"));
        if !ours {
            continue;
        }
        let function = function.split_once(": ").map_or(function, |(_, f)| f);
        frames.push(format!("{function} at {}", &place[k + 1..]));
        if frames.len() == 3 {
            break;
        }
    }
    frames.join(" < ")
}

/// The last panic on any thread: (message, location with its BoltzViz frame).
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

fn record_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| l.to_string()).unwrap_or_default();
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        let frames = first_boltzviz_frame(&trace);
        let location = if frames.is_empty() {
            at
        } else {
            format!("{at}; via {frames}")
        };
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some((message, location));
        }
    }));
}

fn emit(report: &Report) {
    let json = serde_json::to_string(report).expect("a report serializes");
    println!("FUZZ {json}");
}

/// The child's side: runs cases `first..end` of `target`, reporting each.
pub fn run_child(spec: &str, scratch: &Path) {
    let mut parts = spec.split(':');
    let (Some(target), Some(Ok(first)), Some(Ok(end))) = (
        parts.next().and_then(Target::from_name),
        parts.next().map(str::parse::<usize>),
        parts.next().map(str::parse::<usize>),
    ) else {
        panic!("bad {CHILD_ENV}: {spec:?}");
    };
    record_panics();
    let corpus = Arc::new(Corpus::new(target, scratch));
    let dump = std::env::var_os(DUMP_ENV).map(std::path::PathBuf::from);
    for case in first..end {
        emit(&Report::Start { case });
        let (text, _) = corpus.input(case);
        if let Some(dir) = &dump {
            let name = format!("{}-{case}.{}", target.name(), target.extension());
            let _ = std::fs::write(dir.join(name), &text);
        }
        let (tx, rx) = channel();
        let (tid_tx, tid_rx) = channel();
        let worker_corpus = Arc::clone(&corpus);
        reset_peak();
        let started = Instant::now();
        let worker = std::thread::Builder::new()
            .name(format!("fuzz-case-{case}"))
            .spawn(move || {
                let _ = tid_tx.send(own_thread_id());
                let result =
                    std::panic::catch_unwind(AssertUnwindSafe(|| worker_corpus.run(case, &text)));
                let _ = tx.send(result);
            })
            .expect("a worker thread starts");
        let tid = tid_rx.recv().ok().flatten();
        let received = watch(&rx, tid, started);
        let micros = started.elapsed().as_micros() as u64;
        let stage = current_stage().name().to_owned();
        let fail = |kind: &str, message: String, location: String| Report::Fail {
            case,
            failure: Failure {
                case,
                kind: kind.into(),
                stage: stage.clone(),
                message,
                location,
            },
        };
        let report = match received {
            Ok(Ok(Ok(outcome))) => Report::Done {
                case,
                ran: outcome == Outcome::Ran,
                micros,
                peak_bytes: peak_bytes(),
            },
            Ok(Ok(Err(problem))) => Report::Fail {
                case,
                failure: Failure {
                    case,
                    kind: "wrong".into(),
                    stage: problem.stage.name().into(),
                    message: problem.message,
                    location: String::new(),
                },
            },
            Ok(Err(_)) => {
                let (message, location) = LAST_PANIC
                    .lock()
                    .ok()
                    .and_then(|mut p| p.take())
                    .unwrap_or_default();
                fail("panic", message, location)
            }
            Err(spent) => {
                let message = format!("still running after {spent}");
                emit(&fail("hang", message, String::new()));
                // The worker cannot be stopped; the process can.
                std::process::exit(3);
            }
        };
        let _ = worker.join();
        enter(Stage::Idle);
        emit(&report);
    }
}

/// The kernel's id of the calling thread (Linux), to read its CPU time from `/proc`.
fn own_thread_id() -> Option<u32> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// CPU time (user + system) of thread `tid` of this process, from `/proc` (in clock ticks of
/// 1/100 s, Linux's fixed USER_HZ).
fn thread_cpu_time(tid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // The name in parentheses may hold spaces; the fields after it are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Waits for the worker's result; `Err` with how long it ran once it passed the limits.
fn watch<T>(
    rx: &std::sync::mpsc::Receiver<T>,
    tid: Option<u32>,
    started: Instant,
) -> Result<T, String> {
    loop {
        match rx.recv_timeout(POLL) {
            Ok(result) => return Ok(result),
            Err(RecvTimeoutError::Disconnected) => {
                return Err("a worker that vanished".into());
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        let wall = started.elapsed();
        let cpu = tid.and_then(thread_cpu_time);
        let spent = cpu.unwrap_or(wall);
        if spent > CASE_LIMIT || wall > WALL_LIMIT {
            return Err(match cpu {
                Some(cpu) => format!("{cpu:.1?} of CPU time ({wall:.1?} wall)"),
                None => format!("{wall:.1?}"),
            });
        }
    }
}
