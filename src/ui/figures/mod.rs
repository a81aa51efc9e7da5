//! Figures for slides: every plot and picture of the app — energy trace, distributions, TV
//! curve, σ, landscape, learning curve, ⟨sᵢsⱼ⟩ panels, capacity curves, grids, weights,
//! filters — described once ([`spec`], built from a snapshot in [`build`]) and drawn by
//! plotters ([`render`]) as PNG or SVG, the type following the file's extension. The CLI's
//! figures (`capacity --out`, `train --plot`, `record`) come through the same code.

pub mod animation;
pub mod build;
mod font;
pub mod render;
pub mod spec;

pub use build::FigureKind;
pub use spec::Figure;

use crate::persist::PersistError;
use crate::persist::export::{RgbImage, save_png};
use plotters::prelude::*;
use std::path::Path;

/// The size of an exported figure in pixels (and SVG user units): 16 : 10, sharp on a
/// 1920-pixel projector when it fills most of a slide.
pub const SLIDE: (u32, u32) = (1600, 1000);

/// Largest side of a figure drawn in memory (a bitmap of 4096² is 48 MB).
pub const MAX_SIDE: u32 = 4096;

/// The file types a figure is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureFormat {
    /// A bitmap.
    Png,
    /// Vector graphics.
    Svg,
}

impl FigureFormat {
    /// The format a path asks for by its extension (`.png` or `.svg`, any case).
    pub fn of(path: &Path) -> Result<Self, PersistError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Ok(Self::Png),
            Some("svg") => Ok(Self::Svg),
            _ => Err(PersistError::Other(format!(
                "{}: a figure is written as .png or .svg; the file name says neither",
                path.display()
            ))),
        }
    }
}

fn check_size((w, h): (u32, u32)) -> Result<(), PersistError> {
    if !(64..=MAX_SIDE).contains(&w) || !(64..=MAX_SIDE).contains(&h) {
        return Err(PersistError::Other(format!(
            "a figure must be 64 to {MAX_SIDE} pixels on each side, not {w} × {h}"
        )));
    }
    Ok(())
}

/// The figure as SVG text.
pub fn to_svg(figure: &Figure, size: (u32, u32)) -> Result<String, PersistError> {
    check_size(size)?;
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, size).into_drawing_area();
        render::draw(&area, figure).map_err(|e| PersistError::Other(e.to_string()))?;
    }
    Ok(text)
}

/// The figure as an RGB bitmap.
pub fn to_rgb(figure: &Figure, size: (u32, u32)) -> Result<RgbImage, PersistError> {
    check_size(size)?;
    let (w, h) = size;
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        render::draw(&area, figure).map_err(|e| PersistError::Other(e.to_string()))?;
    }
    Ok(RgbImage {
        width: w as usize,
        height: h as usize,
        pixels,
    })
}

/// Writes the figure to `path` as PNG or SVG (by the extension), atomically.
pub fn save(figure: &Figure, path: &Path, size: (u32, u32)) -> Result<(), PersistError> {
    match FigureFormat::of(path)? {
        FigureFormat::Png => save_png(path, &to_rgb(figure, size)?),
        FigureFormat::Svg => {
            crate::persist::atomic::write_bytes(path, to_svg(figure, size)?.as_bytes())
        }
    }
}
