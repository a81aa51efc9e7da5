//! The font figures are drawn with: egui's own (Ubuntu Light), registered with plotters once,
//! so drawing needs no font files on the machine.

use super::render::DrawError;
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// Registers the figures' font family ("sans-serif") on first use.
pub fn register() -> Result<(), DrawError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(
                "sans-serif",
                FontStyle::Normal,
                epaint_default_fonts::UBUNTU_LIGHT,
            )
            .map_err(|_| "the embedded font could not be read".to_owned())
        })
        .clone()
        .map_err(DrawError)
}
