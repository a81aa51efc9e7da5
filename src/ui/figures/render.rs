//! Draws a [`Figure`] with plotters, on any of its back ends: SVG text, or an RGB buffer that
//! becomes a PNG or a GIF frame. Sizes of text and margins follow the figure's height, so a
//! 1600 × 1000 slide and an 800 × 600 animation frame look alike.

use super::spec::{Bars, Chart, ColourMap, Figure, Panel, Panels, Rgb, Series};
use crate::ui::format::{short, tick};
use crate::ui::theme;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What went wrong while drawing.
#[derive(Debug, thiserror::Error)]
#[error("could not draw the figure: {0}")]
pub struct DrawError(pub String);

fn err(e: impl std::fmt::Debug) -> DrawError {
    DrawError(format!("{e:?}"))
}

/// Text sizes and the text clean-up of one drawing.
struct Style {
    /// Pixels per thousandth of the height, so everything scales with the figure.
    unit: f64,
}

impl Style {
    fn px(&self, thousandths: f64) -> u32 {
        (self.unit * thousandths).round().max(1.0) as u32
    }

    fn font(&self, thousandths: f64) -> TextStyle<'static> {
        ("sans-serif", f64::from(self.px(thousandths)))
            .into_font()
            .color(&INK)
    }
}

/// Text and axes.
const INK: RGBColor = RGBColor(
    theme::FIGURE_INK[0],
    theme::FIGURE_INK[1],
    theme::FIGURE_INK[2],
);

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// Draws `figure` over the whole of `area`, on white.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    figure: &Figure,
) -> Result<(), DrawError> {
    super::font::register()?;
    let (_, h) = area.dim_in_pixel();
    let style = Style {
        unit: f64::from(h.max(200)) / 1000.0,
    };
    area.fill(&colour(theme::FIGURE_PAPER)).map_err(err)?;
    draw_on(area, figure, &style)?;
    area.present().map_err(err)
}

fn draw_on<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    figure: &Figure,
    style: &Style,
) -> Result<(), DrawError> {
    match figure {
        Figure::Chart(chart) => draw_chart(area, chart, style),
        Figure::Panels(panels) => draw_panels(area, panels, style),
        Figure::Column(parts) => {
            let total: u32 = parts.iter().map(|p| p.1).sum::<u32>().max(1);
            let (_, h) = area.dim_in_pixel();
            let mut rest = area.clone();
            for (k, (part, share)) in parts.iter().enumerate() {
                let this = if k + 1 == parts.len() {
                    rest.clone()
                } else {
                    let (top, bottom) = rest.split_vertically(
                        (u64::from(h) * u64::from(*share) / u64::from(total)) as u32,
                    );
                    rest = bottom;
                    top
                };
                // Each part is drawn with the text size of the whole figure.
                draw_on(&this, part, style)?;
            }
            Ok(())
        }
    }
}

/// The data range of a chart, padded, never empty.
fn bounds(chart: &Chart) -> ((f64, f64), (f64, f64)) {
    let mut xs = (f64::INFINITY, f64::NEG_INFINITY);
    let mut ys = (f64::INFINITY, f64::NEG_INFINITY);
    let points = chart
        .series
        .iter()
        .flat_map(Series::extent)
        .chain(chart.include.iter().copied());
    for (x, y) in points {
        if x.is_finite() {
            xs = (xs.0.min(x), xs.1.max(x));
        }
        if y.is_finite() {
            ys = (ys.0.min(y), ys.1.max(y));
        }
    }
    let pad = |(lo, hi): (f64, f64), fraction: f64| {
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let span = hi - lo;
        if span <= 1e-12 * hi.abs().max(1.0) {
            let d = hi.abs().max(1.0) * 0.05;
            return (lo - d, hi + d);
        }
        (lo - span * fraction, hi + span * fraction)
    };
    (pad(xs, 0.02), pad(ys, 0.06))
}

fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    style: &Style,
) -> Result<(), DrawError> {
    let (w, _) = area.dim_in_pixel();
    let entries: Vec<(String, Rgb, bool)> = chart
        .series
        .iter()
        .filter_map(Series::legend)
        .map(|(label, c, dashed)| (label.to_owned(), c, dashed))
        .collect();
    let legend_font = style.font(24.0);
    let longest = entries
        .iter()
        .map(|(l, _, _)| {
            area.estimate_text_size(l, &legend_font)
                .map(|s| s.0)
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    let legend_width = if entries.is_empty() {
        0
    } else {
        (longest + style.px(80.0)).min(w * 2 / 5)
    };
    let (plot_area, legend_area) = area.split_horizontally(w - legend_width);
    let ((x0, x1), (y0, y1)) = bounds(chart);
    // The title on a strip of its own; below it a row for the y axis title, then the plot.
    let plot_area = if chart.title.is_empty() {
        plot_area
    } else {
        let title_height = style.px(60.0);
        let (strip, rest) = plot_area.split_vertically(title_height);
        let (strip_w, _) = strip.dim_in_pixel();
        strip
            .draw_text(
                &chart.title,
                &style.font(38.0).pos(Pos::new(HPos::Center, VPos::Center)),
                (
                    (strip_w / 2) as i32,
                    (title_height / 2) as i32 + style.px(6.0) as i32,
                ),
            )
            .map_err(err)?;
        rest
    };
    let mut builder = ChartBuilder::on(&plot_area);
    builder
        .margin(style.px(20.0))
        .margin_top(style.px(50.0))
        .x_label_area_size(style.px(80.0))
        .y_label_area_size(style.px(120.0));
    let mut c = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
    let hide_x = chart.hide_x_ticks;
    // A tick within rounding of zero is zero (not 7.78·10⁻¹⁷).
    let near_zero = |v: f64, span: f64| if v.abs() < span * 1e-9 { 0.0 } else { v };
    let x_format = move |v: &f64| {
        if hide_x {
            String::new()
        } else {
            tick(near_zero(*v, x1 - x0))
        }
    };
    let y_format = move |v: &f64| tick(near_zero(*v, y1 - y0));
    let x_desc = chart.x_label.as_str();
    c.configure_mesh()
        .x_desc(x_desc)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_labels(7)
        .y_labels(6)
        .label_style(style.font(24.0))
        .axis_desc_style(style.font(28.0))
        .bold_line_style(colour(theme::FIGURE_GRID))
        .light_line_style(colour(theme::FIGURE_PAPER))
        .axis_style(colour(theme::FIGURE_INK).stroke_width(style.px(2.0)))
        .draw()
        .map_err(err)?;
    // The y axis title reads across, above the axis (rotated text is harder to read on a slide).
    // (Pixel ranges are the back end's; drawing on `plot_area` is relative to its corner.)
    let (x_pixels, y_pixels) = c.plotting_area().get_pixel_range();
    let base = plot_area.get_base_pixel();
    plot_area
        .draw_text(
            &chart.y_label,
            &style.font(28.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
            (
                x_pixels.start - base.0 - style.px(60.0) as i32,
                y_pixels.start - base.1 - style.px(14.0) as i32,
            ),
        )
        .map_err(err)?;
    let line_width = style.px(3.5);
    // Pixel heights of the level labels written so far (labels that would overlap are left
    // to the legend).
    let mut level_labels: Vec<i32> = Vec::new();
    for series in &chart.series {
        match series {
            Series::Line {
                points,
                colour: c_,
                dashed,
                ..
            } => {
                let stroke = colour(*c_).stroke_width(line_width);
                // A line of one point would not show: draw it as a dot.
                if let [only] = points.as_slice() {
                    let r = style.px(6.0) as i32;
                    c.draw_series(std::iter::once(Circle::new(*only, r, colour(*c_).filled())))
                        .map_err(err)?;
                }
                if *dashed {
                    c.draw_series(DashedLineSeries::new(
                        points.iter().copied(),
                        style.px(14.0),
                        style.px(8.0),
                        stroke,
                    ))
                    .map_err(err)?;
                } else {
                    c.draw_series(LineSeries::new(points.iter().copied(), stroke))
                        .map_err(err)?;
                }
            }
            Series::Dots {
                points,
                colour: c_,
                radius,
                ring,
                ..
            } => {
                let shape = if *ring {
                    colour(*c_).stroke_width(style.px(2.5))
                } else {
                    colour(*c_).filled()
                };
                let r = (f64::from(*radius) * style.unit).round().max(1.0) as i32;
                c.draw_series(points.iter().map(|&p| Circle::new(p, r, shape)))
                    .map_err(err)?;
            }
            Series::Bars {
                bars, colour: c_, ..
            } => {
                c.draw_series(
                    bars.iter()
                        .map(|&(l, r, h)| Rectangle::new([(l, 0.0), (r, h)], colour(*c_).filled())),
                )
                .map_err(err)?;
            }
            Series::Level {
                label,
                y,
                colour: c_,
            } => {
                c.draw_series(DashedLineSeries::new(
                    [(x0, *y), (x1, *y)],
                    style.px(10.0),
                    style.px(6.0),
                    colour(*c_).stroke_width(style.px(2.5)),
                ))
                .map_err(err)?;
                let at = c.backend_coord(&(x1, *y));
                let at = (at.0 - base.0, at.1 - base.1);
                let room = style.px(22.0) as i32;
                if level_labels
                    .iter()
                    .any(|&other| (other - at.1).abs() < room)
                {
                    continue;
                }
                level_labels.push(at.1);
                let ink = colour(*c_);
                let text = style
                    .font(20.0)
                    .color(&ink)
                    .pos(Pos::new(HPos::Right, VPos::Bottom));
                plot_area
                    .draw_text(
                        label,
                        &text,
                        (at.0 - style.px(6.0) as i32, at.1 - style.px(3.0) as i32),
                    )
                    .map_err(err)?;
            }
            Series::Mark { x, colour: c_, .. } => {
                c.draw_series(DashedLineSeries::new(
                    [(*x, y0), (*x, y1)],
                    style.px(14.0),
                    style.px(8.0),
                    colour(*c_).stroke_width(style.px(3.0)),
                ))
                .map_err(err)?;
            }
            Series::Band {
                points, colour: c_, ..
            } => {
                let outline: Vec<(f64, f64)> = points
                    .iter()
                    .map(|&(x, _, hi)| (x, hi))
                    .chain(points.iter().rev().map(|&(x, lo, _)| (x, lo)))
                    .collect();
                c.draw_series(std::iter::once(Polygon::new(
                    outline,
                    colour(*c_).mix(0.25).filled(),
                )))
                .map_err(err)?;
            }
            Series::Segments {
                segments,
                colour: c_,
            } => {
                let stroke = colour(*c_).mix(0.45).stroke_width(1);
                c.draw_series(
                    segments
                        .iter()
                        .map(|&(a, b)| PathElement::new(vec![a, b], stroke)),
                )
                .map_err(err)?;
            }
        }
    }
    draw_legend(&legend_area, &entries, style)
}

/// The legend beside the plot: a swatch and the text for each entry, top down.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Rgb, bool)],
    style: &Style,
) -> Result<(), DrawError> {
    let line = style.px(40.0) as i32;
    let swatch = style.px(28.0) as i32;
    let top = style.px(90.0) as i32;
    let (_, h) = area.dim_in_pixel();
    for (k, (label, c, dashed)) in entries.iter().enumerate() {
        let y = top + k as i32 * line;
        if y + line > h as i32 {
            break;
        }
        if *dashed {
            for part in 0..3 {
                let x = part * swatch * 2 / 5;
                area.draw(&Rectangle::new(
                    [(x, y - swatch / 10), (x + swatch / 4, y + swatch / 10)],
                    colour(*c).filled(),
                ))
                .map_err(err)?;
            }
        } else {
            area.draw(&Rectangle::new(
                [(0, y - swatch / 6), (swatch, y + swatch / 6)],
                colour(*c).filled(),
            ))
            .map_err(err)?;
        }
        area.draw_text(
            label,
            &style.font(24.0).pos(Pos::new(HPos::Left, VPos::Center)),
            (swatch + style.px(10.0) as i32, y),
        )
        .map_err(err)?;
    }
    Ok(())
}

/// The colour of a cell value under a map.
fn cell_colour(map: ColourMap, v: f32) -> Rgb {
    match map {
        ColourMap::Diverging { scale } => theme::rgb(theme::diverging(v, scale)),
        ColourMap::Sequential { max } => theme::sequential(v, max),
        ColourMap::Units => theme::rgb(theme::grey(v)),
    }
}

fn draw_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &Panels,
    style: &Style,
) -> Result<(), DrawError> {
    let mut body = area.clone();
    if !panels.title.is_empty() {
        body = area
            .margin(style.px(14.0), 0, 0, 0)
            .titled(&panels.title, style.font(38.0))
            .map_err(err)?;
    }
    let columns = panels.columns.clamp(1, panels.panels.len().max(1));
    let rows = panels.panels.len().div_ceil(columns).max(1);
    let shared = (panels.bars == Bars::Shared)
        .then(|| panels.panels.first().map(|p| p.map))
        .flatten();
    let (body, bar_area) = match shared {
        Some(ColourMap::Units) | None => (body, None),
        Some(_) => {
            let (_, h) = body.dim_in_pixel();
            let (a, b) = body.split_vertically(h.saturating_sub(style.px(90.0)));
            (a, Some(b))
        }
    };
    for (k, cell_area) in body.split_evenly((rows, columns)).iter().enumerate() {
        if let Some(panel) = panels.panels.get(k) {
            draw_panel(cell_area, panel, style, panels.bars == Bars::Each)?;
        }
    }
    if let (Some(bar), Some(map)) = (bar_area, shared) {
        let (w, _) = bar.dim_in_pixel();
        draw_colour_bar(&bar, map, style, w / 4, w * 3 / 4)?;
    }
    Ok(())
}

/// Values averaged in square blocks so no more than about `limit` cells are drawn (a 784 × 500
/// weight matrix would otherwise make a 40 MB SVG).
fn coarsen(panel: &Panel, limit: usize) -> (usize, usize, Vec<f32>, usize) {
    let cells = panel.rows * panel.cols;
    if cells <= limit {
        return (panel.rows, panel.cols, panel.values.clone(), 1);
    }
    let block = ((cells as f64 / limit as f64).sqrt().ceil() as usize).max(2);
    let (rows, cols) = (panel.rows.div_ceil(block), panel.cols.div_ceil(block));
    let mut values = vec![0.0f32; rows * cols];
    let mut counts = vec![0u32; rows * cols];
    for r in 0..panel.rows {
        for c in 0..panel.cols {
            let k = (r / block) * cols + c / block;
            values[k] += panel.values[r * panel.cols + c];
            counts[k] += 1;
        }
    }
    for (v, n) in values.iter_mut().zip(&counts) {
        *v /= (*n).max(1) as f32;
    }
    (rows, cols, values, block)
}

/// Most cells drawn one by one in a panel.
const MAX_DRAWN_CELLS: usize = 40_000;

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    style: &Style,
    own_bar: bool,
) -> Result<(), DrawError> {
    let (w, h) = area.dim_in_pixel();
    let (rows, cols, values, block) = coarsen(panel, MAX_DRAWN_CELLS);
    if rows * cols == 0 || values.len() != rows * cols {
        return Ok(());
    }
    let title_room = style.px(50.0);
    let bar_room = if own_bar && panel.map != ColourMap::Units {
        style.px(80.0)
    } else {
        0
    };
    let label_room = if panel.split.is_some() {
        style.px(40.0)
    } else {
        0
    };
    let pad = style.px(16.0);
    let avail_w = w.saturating_sub(2 * pad + label_room);
    let avail_h = h.saturating_sub(title_room + bar_room + pad + label_room);
    let cell = (f64::from(avail_w) / cols as f64)
        .min(f64::from(avail_h) / rows as f64)
        .max(0.5);
    let (grid_w, grid_h) = (cell * cols as f64, cell * rows as f64);
    let left = (f64::from(w) - grid_w + f64::from(label_room)) / 2.0;
    // Centred in the room left, so a wide panel does not leave the slide's bottom empty.
    let top = f64::from(title_room + label_room) + (f64::from(avail_h) - grid_h).max(0.0) / 2.0;
    let mut title = panel.title.clone();
    if block > 1 {
        title.push_str(&format!(" (means of {block} × {block} blocks)"));
    }
    area.draw_text(
        &title,
        &style.font(28.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        (
            (w / 2) as i32,
            (top - f64::from(label_room) - f64::from(style.px(8.0))) as i32,
        ),
    )
    .map_err(err)?;
    let gap = if cell >= 8.0 { 1.0 } else { 0.0 };
    if gap > 0.0 {
        area.draw(&Rectangle::new(
            [
                (left as i32, top as i32),
                ((left + grid_w) as i32, (top + grid_h) as i32),
            ],
            colour(theme::rgb(theme::GRID_LINE)).filled(),
        ))
        .map_err(err)?;
    }
    for r in 0..rows {
        for c in 0..cols {
            let x = left + c as f64 * cell;
            let y = top + r as f64 * cell;
            let k = r * cols + c;
            let rect = [
                ((x + gap) as i32, (y + gap) as i32),
                (
                    (x + cell).round() as i32 - gap as i32,
                    (y + cell).round() as i32 - gap as i32,
                ),
            ];
            area.draw(&Rectangle::new(
                rect,
                colour(cell_colour(panel.map, values[k])).filled(),
            ))
            .map_err(err)?;
            if block == 1 && panel.outlined.get(k).copied().unwrap_or(false) {
                area.draw(&Rectangle::new(
                    rect,
                    colour(theme::rgb(theme::CLAMP)).stroke_width(style.px(4.0)),
                ))
                .map_err(err)?;
            }
        }
    }
    if let Some((split_rows, split_cols)) = panel.split {
        draw_split(
            area,
            style,
            (left, top, cell),
            (rows, cols, block),
            (split_rows, split_cols),
        )?;
    }
    if bar_room > 0 {
        let bar = area.margin((top + grid_h) as u32 + style.px(14.0), 0, 0, 0);
        // (The bar's labels may reach a little past the cells' edges.)
        draw_colour_bar(&bar, panel.map, style, left as u32, (left + grid_w) as u32)?;
    }
    Ok(())
}

/// The visible | hidden divisions of a statistics panel, with words beside the cells.
fn draw_split<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    (left, top, cell): (f64, f64, f64),
    (rows, cols, block): (usize, usize, usize),
    (split_rows, split_cols): (usize, usize),
) -> Result<(), DrawError> {
    let ink = colour(theme::FIGURE_INK).stroke_width(style.px(3.0));
    let words = style.font(20.0);
    let (grid_w, grid_h) = (cell * cols as f64, cell * rows as f64);
    let y_split = top + cell * split_rows as f64 / block as f64;
    let x_split = left + cell * split_cols as f64 / block as f64;
    if split_rows < rows * block {
        area.draw(&PathElement::new(
            vec![
                (left as i32, y_split as i32),
                ((left + grid_w) as i32, y_split as i32),
            ],
            ink,
        ))
        .map_err(err)?;
    }
    if split_cols < cols * block {
        area.draw(&PathElement::new(
            vec![
                (x_split as i32, top as i32),
                (x_split as i32, (top + grid_h) as i32),
            ],
            ink,
        ))
        .map_err(err)?;
    }
    let above = (top - f64::from(style.px(6.0))) as i32;
    let beside = (left - f64::from(style.px(6.0))) as i32;
    let centre = |a: f64, b: f64| ((a + b) / 2.0) as i32;
    let bottom_of = words.pos(Pos::new(HPos::Center, VPos::Bottom));
    area.draw_text("visible", &bottom_of, (centre(left, x_split), above))
        .map_err(err)?;
    if split_cols < cols * block {
        area.draw_text(
            "hidden",
            &bottom_of,
            (centre(x_split, left + grid_w), above),
        )
        .map_err(err)?;
    }
    let right_of = words.pos(Pos::new(HPos::Right, VPos::Center));
    area.draw_text("vis.", &right_of, (beside, centre(top, y_split)))
        .map_err(err)?;
    if split_rows < rows * block {
        area.draw_text("hid.", &right_of, (beside, centre(y_split, top + grid_h)))
            .map_err(err)?;
    }
    Ok(())
}

/// A horizontal colour bar from x = `from` to `to` at the top of `area`, with its end and
/// middle values written under it.
fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: ColourMap,
    style: &Style,
    from: u32,
    to: u32,
) -> Result<(), DrawError> {
    let (lo, hi) = match map {
        ColourMap::Diverging { scale } => (-scale, scale),
        ColourMap::Sequential { max } => (0.0, max),
        ColourMap::Units => return Ok(()),
    };
    let height = style.px(22.0) as i32;
    let steps = 64;
    let span = f64::from(to.saturating_sub(from)).max(1.0);
    for s in 0..steps {
        let x0 = f64::from(from) + span * s as f64 / steps as f64;
        let x1 = f64::from(from) + span * (s + 1) as f64 / steps as f64;
        let v = lo + (hi - lo) * (s as f32 + 0.5) / steps as f32;
        area.draw(&Rectangle::new(
            [(x0 as i32, 0), (x1.ceil() as i32, height)],
            colour(cell_colour(map, v)).filled(),
        ))
        .map_err(err)?;
    }
    let y = height + style.px(4.0) as i32;
    for (x, v, h) in [
        (f64::from(from), lo, HPos::Left),
        (
            (f64::from(from) + f64::from(to)) / 2.0,
            (lo + hi) / 2.0,
            HPos::Center,
        ),
        (f64::from(to), hi, HPos::Right),
    ] {
        let under = style.font(20.0).pos(Pos::new(h, VPos::Top));
        area.draw_text(&short(f64::from(v)), &under, (x as i32, y))
            .map_err(err)?;
    }
    Ok(())
}
