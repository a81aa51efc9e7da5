//! The font figures are drawn with: the built-in DejaVu Sans subset ([`crate::ui::fonts`]),
//! registered with plotters once, so drawing needs no font files on the machine and every
//! symbol of the app's notation (⟨sᵢsⱼ⟩⁺, σ, ∝, ‖) has a glyph.

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
                crate::ui::fonts::SYMBOLS,
            )
            .map_err(|_| "the embedded font could not be read".to_owned())
        })
        .clone()
        .map_err(DrawError)
}
