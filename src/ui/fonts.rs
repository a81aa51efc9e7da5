//! The symbols font: a subset of DejaVu Sans (Latin, Greek, sub- and superscripts, arrows,
//! mathematical operators; licence in `assets/fonts/LICENSE-DejaVu.txt`) built into the
//! binary. The app uses it after egui's own font, so ⟨sᵢsⱼ⟩⁺, ∝ and ‖ draw everywhere; the
//! exported figures use it alone.

/// The font file's bytes.
pub const SYMBOLS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-BoltzViz.ttf");

/// Adds the symbols font as the last fallback of the proportional and monospace families.
pub fn install(ctx: &egui::Context) {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    ctx.add_font(FontInsert::new(
        "dejavu-symbols",
        egui::FontData::from_static(SYMBOLS),
        [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect(),
    ));
}
