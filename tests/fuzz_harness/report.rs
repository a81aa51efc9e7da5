//! Failures grouped into distinct findings, each with its smallest input written out for
//! reproduction, and a report that names every one.

use super::cases::Corpus;
use super::child::Failure;
use super::supervisor::RunSummary;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One distinct finding: failures of one kind at one place.
#[derive(Debug)]
pub struct Finding {
    /// What every failure of the group has in common.
    pub key: String,
    /// The failures, in case order.
    pub failures: Vec<Failure>,
    /// The smallest input of the group, written for reproduction.
    pub input: Option<PathBuf>,
}

/// Numbers out of a message, so that "the len is 3" and "the len is 7", or "is -3.5e14" and
/// "is 2", group together.
fn without_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().take(160) {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    // Signs, points and exponents around the digits belong to the number.
    loop {
        let shorter = ["-#", "#.#", "#e#", "#e-#", "#e+#"]
            .iter()
            .fold(out.clone(), |s, p| s.replace(p, "#"));
        if shorter == out {
            return out;
        }
        out = shorter;
    }
}

/// The group a failure belongs to: a crash by where it happened, a broken promise by which
/// promise and at which stage.
fn key(f: &Failure) -> String {
    if f.location.is_empty() {
        format!("{} | {} | {}", f.kind, f.stage, without_digits(&f.message))
    } else {
        format!("{} | {}", f.kind, f.location)
    }
}

/// Groups `failures` and writes each group's smallest input to `dir` as
/// `{target}-{kind}-{n}.{ext}` (older files of the target are removed first).
pub fn findings(failures: &[Failure], corpus: &Corpus, dir: &Path) -> Vec<Finding> {
    let target = corpus.target;
    let _ = std::fs::create_dir_all(dir);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("{}-", target.name())) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let mut groups: Vec<Finding> = Vec::new();
    for f in failures {
        let k = key(f);
        match groups.iter_mut().find(|g| g.key == k) {
            Some(g) => g.failures.push(f.clone()),
            None => groups.push(Finding {
                key: k,
                failures: vec![f.clone()],
                input: None,
            }),
        }
    }
    for (n, group) in groups.iter_mut().enumerate() {
        let smallest = group
            .failures
            .iter()
            .map(|f| corpus.input(f.case).0)
            .min_by_key(String::len)
            .unwrap_or_default();
        let kind = &group.failures[0].kind;
        let path = dir.join(format!(
            "{}-{kind}-{:02}.{}",
            target.name(),
            n + 1,
            target.extension()
        ));
        if std::fs::write(&path, smallest).is_ok() {
            group.input = Some(path);
        }
    }
    groups
}

/// A report of one target's run: the counts, then every finding.
pub fn describe(name: &str, summary: &RunSummary, groups: &[Finding], corpus: &Corpus) -> String {
    let mut out = format!(
        "[{name}] {} cases ({} seeds): {} ran the whole program, {} refused by the reader, {} \
         failed; slowest {:.0} ms, largest peak {:.1} MB, {} child processes\n",
        summary.cases,
        corpus.seeds.len(),
        summary.ran,
        summary.refused,
        summary.failures.len(),
        summary.slowest_micros as f64 / 1000.0,
        summary.max_peak_bytes as f64 / 1e6,
        summary.children,
    );
    for (n, g) in groups.iter().enumerate() {
        let f = &g.failures[0];
        let cases: Vec<String> = g
            .failures
            .iter()
            .take(8)
            .map(|f| f.case.to_string())
            .collect();
        let seed = corpus.input(f.case).1.to_owned();
        let _ = write!(
            out,
            "  #{} {} x{} (cases {}{}; first from {seed})\n      stage:   {}\n      what:    {}\n",
            n + 1,
            f.kind,
            g.failures.len(),
            cases.join(", "),
            if g.failures.len() > 8 { ", ..." } else { "" },
            f.stage,
            f.message.chars().take(400).collect::<String>(),
        );
        if !f.location.is_empty() {
            let _ = writeln!(out, "      where:   {}", f.location);
        }
        if let Some(path) = &g.input {
            let _ = writeln!(out, "      input:   {}", path.display());
        }
    }
    out
}
