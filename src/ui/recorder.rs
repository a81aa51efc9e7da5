//! The Record button: frames of the network (or the Hopfield-vs-Boltzmann race) as the run
//! goes, drawn and compressed into a GIF on a thread of their own so the window never waits.

use super::figures::Figure;
use super::figures::animation::{self, GifWriter, MAX_FRAMES, RecordView};
use crate::persist::PersistError;
use crate::sim::Snapshot;
use crate::sim::protocol::TracePoint;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Shortest time between frames (and how long each is shown): 10 frames a second.
const FRAME_INTERVAL: Duration = Duration::from_millis(100);

/// Frames waiting for the encoder at most.
const FRAME_QUEUE: usize = 8;

/// The GIF's bytes, once the encoding thread has finished.
pub type Encoding = JoinHandle<Result<Vec<u8>, PersistError>>;

/// A recording in progress.
pub struct Recorder {
    /// What is recorded.
    pub view: RecordView,
    frames: SyncSender<Figure>,
    encoder: Encoding,
    sent: usize,
    encoded: Arc<AtomicUsize>,
    last_sweeps: Option<f64>,
    last_at: Option<Instant>,
    first_sweep: Option<f64>,
}

impl Recorder {
    /// Starts recording `view`.
    pub fn start(view: RecordView) -> Result<Self, PersistError> {
        // A short queue: when the encoder falls behind, frames are skipped, not piled up.
        let (frames, incoming) = sync_channel::<Figure>(FRAME_QUEUE);
        let encoded = Arc::new(AtomicUsize::new(0));
        let counter = encoded.clone();
        let mut gif = GifWriter::new(animation::FRAME, (FRAME_INTERVAL.as_millis() / 10) as u16)?;
        let encoder = std::thread::spawn(move || {
            for figure in incoming {
                gif.push(&figure)?;
                counter.store(gif.frames(), Ordering::Relaxed);
            }
            gif.finish()
        });
        Ok(Self {
            view,
            frames,
            encoder,
            sent: 0,
            encoded,
            last_sweeps: None,
            last_at: None,
            first_sweep: None,
        })
    }

    /// Takes a frame if the network moved since the last one and a tenth of a second has
    /// passed. Returns false once the recording is full.
    pub fn offer(&mut self, snap: &Snapshot, trace: &VecDeque<TracePoint>) -> bool {
        if self.sent >= MAX_FRAMES {
            return false;
        }
        let due = self.last_at.is_none_or(|t| t.elapsed() >= FRAME_INTERVAL);
        let moved = self.last_sweeps != Some(snap.sweeps);
        if !(due && moved) || snap.visible.is_empty() {
            return true;
        }
        let first = *self.first_sweep.get_or_insert(snap.sweeps);
        // Only the part of the trace since the recording began.
        let recent: Vec<TracePoint> = trace.iter().filter(|p| p.sweep >= first).copied().collect();
        if let Ok(figure) = animation::frame(self.view, snap, &recent, None)
            && self.frames.try_send(figure).is_ok()
        {
            self.sent += 1;
        }
        self.last_sweeps = Some(snap.sweeps);
        self.last_at = Some(Instant::now());
        true
    }

    /// Frames taken, and frames drawn into the GIF so far.
    pub fn progress(&self) -> (usize, usize) {
        (self.sent, self.encoded.load(Ordering::Relaxed))
    }

    /// Stops taking frames; the handle yields the GIF once the last frame is encoded.
    pub fn stop(self) -> Encoding {
        drop(self.frames);
        self.encoder
    }
}

/// Waits for the encoding to finish (a failure or a panic in it becomes an error).
pub fn finish(encoding: Encoding) -> Result<Vec<u8>, PersistError> {
    encoding
        .join()
        .map_err(|_| PersistError::Other("the GIF encoder failed".into()))?
}

/// What the current view records, if it records at all.
pub fn record_view(view: super::View) -> Option<RecordView> {
    match view {
        super::View::Network => Some(RecordView::Network),
        super::View::Compare => Some(RecordView::Compare),
        _ => None,
    }
}

/// The Record / Stop button beside "Export figure" (Network and Compare views, or while a
/// recording runs).
pub fn button_ui(
    ui: &mut egui::Ui,
    recording: &mut Option<Recorder>,
    view: super::View,
    intents: &mut Vec<super::intent::Intent>,
) -> Option<String> {
    if let Some(rec) = recording {
        let (taken, drawn) = rec.progress();
        let label = format!("Stop recording ({taken} frames)");
        if ui
            .button(label)
            .on_hover_text(format!(
                "{drawn} of {taken} frames drawn so far; stop to save the GIF"
            ))
            .clicked()
        {
            intents.push(super::intent::Intent::StopRecording);
        }
        ui.ctx().request_repaint_after(FRAME_INTERVAL);
        return None;
    }
    let target = record_view(view)?;
    if ui
        .button("Record")
        .on_hover_text(
            "Record the grid(s) and the energy trace as an animated GIF while the network runs \
             (10 frames a second, frames only when it moves)",
        )
        .clicked()
    {
        match Recorder::start(target) {
            Ok(rec) => *recording = Some(rec),
            Err(e) => return Some(format!("could not start recording: {e}")),
        }
    }
    None
}
