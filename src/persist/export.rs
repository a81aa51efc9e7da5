//! Exports for other programs: PNG images, CSV traces, 0/1 text.

use super::PersistError;
use super::atomic::{write_atomically, write_bytes};
use crate::engine::patterns::format_patterns;
use crate::sim::protocol::TracePoint;
use std::io::Write;
use std::path::Path;

/// An RGB image, row-major, 3 bytes a pixel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width × height × 3` bytes.
    pub pixels: Vec<u8>,
}

impl RgbImage {
    /// An image of `cols × rows` cells, each `scale × scale` pixels, cell (col, row) coloured
    /// by `colour`.
    pub fn from_cells(
        cols: usize,
        rows: usize,
        scale: usize,
        colour: impl Fn(usize, usize) -> [u8; 3],
    ) -> Self {
        let (width, height) = (cols * scale, rows * scale);
        let mut pixels = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                pixels.extend_from_slice(&colour(x / scale, y / scale));
            }
        }
        Self {
            width,
            height,
            pixels,
        }
    }
}

/// Writes a PNG, atomically.
pub fn save_png(path: &Path, image: &RgbImage) -> Result<(), PersistError> {
    let (w, h) = (image.width as u32, image.height as u32);
    if w == 0 || h == 0 || image.pixels.len() != image.width * image.height * 3 {
        return Err(PersistError::Other(format!(
            "cannot write an empty or inconsistent {w} × {h} image"
        )));
    }
    write_atomically(path, |out: &mut dyn Write| {
        let mut encoder = png::Encoder::new(out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
        writer
            .write_image_data(&image.pixels)
            .map_err(std::io::Error::other)?;
        writer.finish().map_err(std::io::Error::other)
    })
}

/// The energy trace as CSV: `sweep,energy,descent_energy`.
pub fn trace_csv(points: &[TracePoint]) -> String {
    let mut text = String::from("sweep,energy,descent_energy\n");
    for p in points {
        text.push_str(&format!("{},{},{}\n", p.sweep, p.energy, p.descent_energy));
    }
    text
}

/// Writes the energy trace as CSV, atomically.
pub fn save_trace_csv(path: &Path, points: &[TracePoint]) -> Result<(), PersistError> {
    write_bytes(path, trace_csv(points).as_bytes())
}

/// Writes patterns as 0/1 text (one a line), atomically.
pub fn save_patterns(path: &Path, patterns: &[Vec<u8>]) -> Result<(), PersistError> {
    write_bytes(path, format_patterns(patterns).as_bytes())
}
