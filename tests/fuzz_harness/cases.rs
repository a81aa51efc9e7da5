//! The cases of each reader: case `i` is a pure function of the seeds and `i`, so a child
//! process can start at any case, and the parent can write out the input of a case that took
//! its child down without having kept it.

use super::mutate::{Format, MAX_MUTANT_BYTES, mutate};
use crate::fuzz_support::program::{
    self, Outcome, Problem, Stage, enter, run_patterns_text, run_session_text, run_weights_text,
};
use crate::fuzz_support::seeds::{Seed, pattern_seeds, session_seeds, weights_seeds};
use boltzviz::engine::SimRng;
use boltzviz::sim::{ModelKind, Simulation};
use std::path::{Path, PathBuf};

/// A reader under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Session files (`persist::session_from_str`).
    Session,
    /// Weights files (`persist::interchange::model_from_json`).
    Weights,
    /// 0/1 data (`engine::patterns::parse_patterns`, `cli::data::read_data`).
    Patterns,
}

impl Target {
    /// Its name in reports, file names and the child's command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Session => "session",
            Target::Weights => "weights_json",
            Target::Patterns => "patterns",
        }
    }

    /// The target called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        [Target::Session, Target::Weights, Target::Patterns]
            .into_iter()
            .find(|t| t.name() == name)
    }

    /// The extension of its files.
    pub fn extension(self) -> &'static str {
        match self {
            Target::Session => "ron",
            Target::Weights => "json",
            Target::Patterns => "txt",
        }
    }

    fn format(self) -> Format {
        match self {
            Target::Session => Format::Session,
            Target::Weights => Format::Json,
            Target::Patterns => Format::Patterns,
        }
    }
}

/// The seeds of one target and what running a case needs.
pub struct Corpus {
    /// Which reader.
    pub target: Target,
    /// The seed inputs (cases 0..seeds.len() are the seeds themselves).
    pub seeds: Vec<Seed>,
    /// Simulations that weights are imported into.
    bases: Vec<Simulation>,
    /// Where the data target writes its input for `read_data`.
    scratch: PathBuf,
}

/// How many edits a mutant gets: mostly one (it then often still loads), sometimes several.
const EDITS: [usize; 8] = [1, 1, 1, 1, 2, 2, 3, 5];

impl Corpus {
    /// Builds the seeds of `target` (sessions are built in code, which takes a moment).
    pub fn new(target: Target, scratch_dir: &Path) -> Self {
        let sessions = || session_seeds().expect("the built sessions build");
        let seeds = match target {
            Target::Session => sessions(),
            Target::Weights => weights_seeds(&sessions()),
            Target::Patterns => pattern_seeds(),
        };
        let bases = match target {
            Target::Weights => program::import_bases(),
            _ => Vec::new(),
        };
        Self {
            target,
            seeds,
            bases,
            scratch: scratch_dir.join(format!("data-{}.txt", std::process::id())),
        }
    }

    /// The input of case `case` and the seed it came from.
    pub fn input(&self, case: usize) -> (String, &str) {
        let k = case % self.seeds.len();
        let seed = &self.seeds[k];
        if case < self.seeds.len() {
            return (seed.text.clone(), &seed.name);
        }
        let mut rng =
            SimRng::seed_from_u64(0x5EED_F022 ^ ((self.target as u64) << 48) ^ case as u64);
        let others: Vec<&str> = self.seeds.iter().map(|s| s.text.as_str()).collect();
        let mut text = seed.text.clone();
        for _ in 0..EDITS[rng.below(EDITS.len())] {
            text = mutate(&text, self.target.format(), &others, &mut rng);
            if text.len() > MAX_MUTANT_BYTES {
                let mut end = MAX_MUTANT_BYTES;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
            }
        }
        (text, &seed.name)
    }

    /// Runs one input through its reader and the program (see `fuzz_support::program`).
    pub fn run(&self, case: usize, text: &str) -> Result<Outcome, Problem> {
        match self.target {
            Target::Session => run_session_text(text),
            Target::Weights => {
                let base = &self.bases[case % self.bases.len()];
                run_weights_text(text, base)
            }
            Target::Patterns => {
                let kinds = [ModelKind::Hopfield, ModelKind::Boltzmann, ModelKind::Rbm];
                let outcome = run_patterns_text(text, kinds[case % kinds.len()])?;
                self.read_data_agrees(text)?;
                Ok(outcome)
            }
        }
    }

    /// `cli::data::read_data` reads the same text from a file: it must accept exactly what
    /// `parse_patterns` accepts, with the same patterns.
    fn read_data_agrees(&self, text: &str) -> Result<(), Problem> {
        enter(Stage::ReadDataFile);
        let wrong = |message: String| Problem {
            stage: Stage::ReadDataFile,
            message,
        };
        std::fs::write(&self.scratch, text).map_err(|e| wrong(format!("scratch file: {e}")))?;
        let from_file = boltzviz::cli::data::read_data(&self.scratch, "--data").ok();
        let parsed = boltzviz::engine::patterns::parse_patterns(text).ok();
        match (from_file, parsed) {
            (Some(set), Some(patterns)) if set.patterns != patterns => Err(wrong(
                "read_data and parse_patterns read different patterns".into(),
            )),
            (Some(_), None) => Err(wrong(
                "read_data accepts what parse_patterns refuses".into(),
            )),
            (None, Some(_)) => Err(wrong(
                "read_data refuses what parse_patterns accepts".into(),
            )),
            _ => Ok(()),
        }
    }
}
