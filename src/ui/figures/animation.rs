//! Animated GIFs of a run: each frame the grid(s) above the energy trace, drawn like the
//! exported figures, for the app's Record button and `boltzviz record`.

use super::build::{energy_chart, grids_figure};
use super::spec::Figure;
use crate::persist::PersistError;
use crate::sim::Snapshot;
use crate::sim::protocol::TracePoint;

/// The size of a recorded frame: 4 : 3, small enough to keep a long GIF light.
pub const FRAME: (u32, u32) = (800, 600);

/// Most frames one recording keeps (about 100 MB of pixels before compression).
pub const MAX_FRAMES: usize = 2000;

/// What a recording shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RecordView {
    /// The grid and its energy trace.
    Network,
    /// Hopfield (T = 0) and Boltzmann grids racing, both energies.
    Compare,
}

/// One frame: the grid(s) on top, the energy trace below; `sweeps`, when known, is the span
/// of sweeps the whole recording covers, so the axis stays put from frame to frame.
pub fn frame(
    view: RecordView,
    snap: &Snapshot,
    trace: &[TracePoint],
    sweeps: Option<(f64, f64)>,
) -> Result<Figure, String> {
    let race = view == RecordView::Compare;
    let mut chart = energy_chart(snap, trace, race);
    if let Some((from, to)) = sweeps {
        chart.include.extend([(from, f64::NAN), (to, f64::NAN)]);
    }
    chart.title = format!(
        "after {} sweeps",
        crate::ui::format::thousands(snap.sweeps as u64)
    );
    Ok(Figure::Column(vec![
        (grids_figure(snap, race)?, 3),
        (Figure::Chart(chart), 2),
    ]))
}

/// A GIF being written, in memory (compressed frames are small).
pub struct GifWriter {
    encoder: gif::Encoder<Vec<u8>>,
    size: (u32, u32),
    delay: u16,
    frames: usize,
}

fn gif_error(e: gif::EncodingError) -> PersistError {
    PersistError::Other(format!("could not encode the GIF: {e}"))
}

impl GifWriter {
    /// A looping GIF of `size` frames shown `delay_cs` hundredths of a second each.
    pub fn new(size: (u32, u32), delay_cs: u16) -> Result<Self, PersistError> {
        let (w, h) = (
            u16::try_from(size.0).map_err(|_| PersistError::Other("frame too wide".into()))?,
            u16::try_from(size.1).map_err(|_| PersistError::Other("frame too tall".into()))?,
        );
        let mut encoder = gif::Encoder::new(Vec::new(), w, h, &[]).map_err(gif_error)?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(gif_error)?;
        Ok(Self {
            encoder,
            size,
            delay: delay_cs,
            frames: 0,
        })
    }

    /// Draws `figure` as the next frame (refused past [`MAX_FRAMES`]).
    pub fn push(&mut self, figure: &Figure) -> Result<(), PersistError> {
        if self.frames >= MAX_FRAMES {
            return Err(PersistError::Other(format!(
                "a recording keeps at most {MAX_FRAMES} frames"
            )));
        }
        let image = super::to_rgb(figure, self.size)?;
        // The frame's own palette of up to 256 colours (NeuQuant; speed 10 is good quality).
        let mut frame =
            gif::Frame::from_rgb_speed(image.width as u16, image.height as u16, &image.pixels, 10);
        frame.delay = self.delay;
        self.encoder.write_frame(&frame).map_err(gif_error)?;
        self.frames += 1;
        Ok(())
    }

    /// Frames so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// The finished GIF file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, PersistError> {
        if self.frames == 0 {
            return Err(PersistError::Other("the recording has no frames".into()));
        }
        self.encoder
            .into_inner()
            .map_err(|e| PersistError::Other(format!("could not finish the GIF: {e}")))
    }
}
