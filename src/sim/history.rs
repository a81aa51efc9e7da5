//! Undo and redo of the edits a person makes (drawing, clamping, noise, clear, invert, random,
//! store, model and setting changes), kept by the worker beside the simulation.
//!
//! Each entry is the whole simulation as it was before an edit, so undo restores it exactly.
//! Edits of one kind in quick succession (the cells of one stroke, the values of one slider
//! drag) make one entry. Runs, steps and learning phases are not edits: undo goes back past
//! them to the state before the edit.

use super::model::Model;
use super::protocol::Command;
use super::rbm_rules::RbmRule;
use super::simulation::Simulation;
use std::mem::Discriminant;
use std::time::{Duration, Instant};

/// Entries kept at most (the oldest go first).
pub const MAX_UNDO: usize = 50;
/// Memory the entries may take together, roughly (the oldest go first; the newest stays).
pub const MAX_UNDO_BYTES: usize = 256 << 20;
/// Edits of one kind closer together than this join one entry.
const JOIN_WITHIN: Duration = Duration::from_millis(600);

/// The undo and redo stacks.
#[derive(Default)]
pub struct History {
    undo: Vec<Simulation>,
    redo: Vec<Simulation>,
    last_edit: Option<(EditKind, Instant)>,
}

/// What makes two edits "of one kind" (they join one entry when close in time): the command,
/// and for an RBM's learning rule which rule it is (one slider's drag joins; two controls
/// do not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditKind(Discriminant<Command>, Option<Discriminant<RbmRule>>);

/// The kind of `command`, taken before the command is consumed.
pub fn edit_kind(command: &Command) -> EditKind {
    let rule = match command {
        Command::SetRbmRule(rule) => Some(std::mem::discriminant(rule)),
        _ => None,
    };
    EditKind(std::mem::discriminant(command), rule)
}

/// Whether `command` is an edit a person can undo.
pub fn is_edit(command: &Command) -> bool {
    matches!(
        command,
        Command::SetModel(_)
            | Command::NewGrid { .. }
            | Command::SetTemperature(_)
            | Command::Draw(_)
            | Command::SetClamp(_)
            | Command::ClampDrawn
            | Command::ReleaseAll
            | Command::Clear
            | Command::Invert
            | Command::FillRandom
            | Command::AddNoise(_)
            | Command::ShowPattern(_)
            | Command::StorePattern
            | Command::SetLearningRate(_)
            | Command::SetSchedule(_)
            | Command::SetCdK(_)
            | Command::SetRbmRule(_)
            | Command::SetValidation(_)
            | Command::SetTrainingRule(_)
            | Command::RestartRuleRun
            | Command::SetOrder(_)
            | Command::SetSpeed(_)
            | Command::Reset { .. }
            | Command::Import(_)
    )
}

impl History {
    /// Whether `command` (an edit, now) starts a new entry rather than joining the last one.
    pub fn starts_entry(&self, command: &Command, now: Instant) -> bool {
        !matches!(
            self.last_edit,
            Some((kind, at)) if kind == edit_kind(command)
                && now.duration_since(at) < JOIN_WITHIN
        )
    }

    /// Records a successful edit of the kind `kind` ([`edit_kind`], taken before the command
    /// was consumed): `before` (if it starts an entry) is what undo goes back to.
    pub fn record_kind(&mut self, kind: EditKind, before: Option<Simulation>, now: Instant) {
        if let Some(before) = before {
            self.undo.push(before);
            while self.undo.len() > MAX_UNDO
                || (self.undo.len() > 1
                    && self.undo.iter().map(approximate_bytes).sum::<usize>() > MAX_UNDO_BYTES)
            {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.last_edit = Some((kind, now));
    }

    /// Forgets everything (a session was replaced).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Goes back one entry; false when there is none.
    pub fn undo(&mut self, sim: &mut Simulation) -> bool {
        Self::swap(&mut self.undo, &mut self.redo, sim, &mut self.last_edit)
    }

    /// Goes forward one entry; false when there is none.
    pub fn redo(&mut self, sim: &mut Simulation) -> bool {
        Self::swap(&mut self.redo, &mut self.undo, sim, &mut self.last_edit)
    }

    fn swap(
        from: &mut Vec<Simulation>,
        to: &mut Vec<Simulation>,
        sim: &mut Simulation,
        last_edit: &mut Option<(EditKind, Instant)>,
    ) -> bool {
        let Some(earlier) = from.pop() else {
            return false;
        };
        let current = std::mem::replace(sim, earlier);
        sim.continue_display_of(&current);
        to.push(current);
        *last_edit = None;
        true
    }

    /// (can undo, can redo), for the snapshot.
    pub fn available(&self) -> (bool, bool) {
        (!self.undo.is_empty(), !self.redo.is_empty())
    }
}

/// What one entry costs, roughly: the weights with their copies (a net keeps W in double and
/// single precision and learning statistics; an RBM W, its momentum and statistics) and the
/// training set.
fn approximate_bytes(sim: &Simulation) -> usize {
    let weights = match &sim.core.model {
        Model::Net(m) => m.bm.n() * m.bm.n() * 24,
        Model::Rbm(m) => m.rbm.n_visible() * m.rbm.n_hidden() * 16,
    };
    let set: usize = sim.core.training_set.patterns.iter().map(Vec::len).sum();
    let held_out: usize = sim.learner.saved.validation.iter().map(Vec::len).sum();
    weights + set + held_out
}
