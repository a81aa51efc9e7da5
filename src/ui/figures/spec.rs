//! What a figure shows, independent of how it is drawn: charts of lines, bars, bands and marks,
//! and panels of coloured cells (grids, weights, statistics). One description is drawn to PNG,
//! to SVG and into GIF frames by [`super::render`].

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// One thing drawn on a chart.
#[derive(Clone, Debug)]
pub enum Series {
    /// Points joined by a line.
    Line {
        /// Legend text.
        label: String,
        /// (x, y) in data units.
        points: Vec<(f64, f64)>,
        /// Colour.
        colour: Rgb,
        /// Dashed rather than solid.
        dashed: bool,
    },
    /// Separate dots (a marker each).
    Dots {
        /// Legend text (empty: not in the legend).
        label: String,
        /// (x, y) in data units.
        points: Vec<(f64, f64)>,
        /// Colour.
        colour: Rgb,
        /// Radius in pixels.
        radius: u32,
        /// Rings instead of filled dots.
        ring: bool,
    },
    /// Bars from 0 to a height: (left x, right x, height).
    Bars {
        /// Legend text.
        label: String,
        /// (left, right, height).
        bars: Vec<(f64, f64, f64)>,
        /// Colour.
        colour: Rgb,
    },
    /// A horizontal reference line across the chart, labelled at its right end.
    Level {
        /// Legend text, also written at the line's end.
        label: String,
        /// y.
        y: f64,
        /// Colour.
        colour: Rgb,
    },
    /// A vertical dashed mark.
    Mark {
        /// Legend text.
        label: String,
        /// x.
        x: f64,
        /// Colour.
        colour: Rgb,
    },
    /// A shaded band between two curves: (x, lower, upper).
    Band {
        /// Legend text.
        label: String,
        /// (x, lower y, upper y).
        points: Vec<(f64, f64, f64)>,
        /// Colour (drawn translucent).
        colour: Rgb,
    },
    /// Thin straight segments (edges of a graph), not in the legend.
    Segments {
        /// Pairs of end points.
        segments: Vec<((f64, f64), (f64, f64))>,
        /// Colour.
        colour: Rgb,
    },
}

impl Series {
    /// Every (x, y) the series needs to be in view.
    pub fn extent(&self) -> Vec<(f64, f64)> {
        match self {
            Series::Line { points, .. } | Series::Dots { points, .. } => points.clone(),
            Series::Bars { bars, .. } => bars
                .iter()
                .flat_map(|&(l, r, h)| [(l, 0.0), (r, h)])
                .collect(),
            Series::Level { y, .. } => vec![(f64::NAN, *y)],
            Series::Mark { x, .. } => vec![(*x, f64::NAN)],
            Series::Band { points, .. } => points
                .iter()
                .flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)])
                .collect(),
            Series::Segments { segments, .. } => {
                segments.iter().flat_map(|&(a, b)| [a, b]).collect()
            }
        }
    }

    /// The legend entry: text, colour, and whether the swatch is dashed (none for unlabelled
    /// series).
    pub fn legend(&self) -> Option<(&str, Rgb, bool)> {
        let (label, colour, dashed) = match self {
            Series::Line {
                label,
                colour,
                dashed,
                ..
            } => (label, *colour, *dashed),
            Series::Level { label, colour, .. } | Series::Mark { label, colour, .. } => {
                (label, *colour, true)
            }
            Series::Dots { label, colour, .. }
            | Series::Bars { label, colour, .. }
            | Series::Band { label, colour, .. } => (label, *colour, false),
            Series::Segments { .. } => return None,
        };
        (!label.is_empty()).then_some((label.as_str(), colour, dashed))
    }
}

/// A chart: title, axis titles, series, and a legend beside the plot (never over the curves).
#[derive(Clone, Debug, Default)]
pub struct Chart {
    /// Title above the chart.
    pub title: String,
    /// Horizontal axis title.
    pub x_label: String,
    /// Vertical axis title.
    pub y_label: String,
    /// What is drawn, in order (later on top).
    pub series: Vec<Series>,
    /// Values the axes must include besides the data (e.g. y = 0 and 1 for fractions).
    pub include: Vec<(f64, f64)>,
    /// Hide the tick labels of the x axis (e.g. state indices that mean nothing).
    pub hide_x_ticks: bool,
}

/// How cell values become colours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColourMap {
    /// Blue below zero, white at zero, red above, saturating at ±scale.
    Diverging {
        /// |value| drawn at full colour.
        scale: f32,
    },
    /// Light (0) to dark (max), for values that are never negative.
    Sequential {
        /// The value drawn darkest.
        max: f32,
    },
    /// Units: off, on, and probabilities in between, in the app's unit colours.
    Units,
}

/// A rectangle of coloured cells with a title (and a colour bar unless it shows units).
#[derive(Clone, Debug)]
pub struct Panel {
    /// Title above the cells.
    pub title: String,
    /// Cells across.
    pub cols: usize,
    /// Cells down.
    pub rows: usize,
    /// Row-major values, `rows × cols`.
    pub values: Vec<f32>,
    /// Colouring.
    pub map: ColourMap,
    /// Where visible units end and hidden begin, along rows and along columns: drawn as a line
    /// with "visible" / "hidden" written beside the cells.
    pub split: Option<(usize, usize)>,
    /// Cells outlined as clamped.
    pub outlined: Vec<bool>,
}

/// Several panels in a grid of `columns` columns, under one title.
#[derive(Clone, Debug, Default)]
pub struct Panels {
    /// Title above everything.
    pub title: String,
    /// Panels, left to right, top to bottom.
    pub panels: Vec<Panel>,
    /// Panels a row.
    pub columns: usize,
    /// Where the colour bars go.
    pub bars: Bars,
}

/// Colour bars of a set of panels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bars {
    /// One under each panel (unit panels never have one).
    #[default]
    Each,
    /// One for all panels, under them (they share the first panel's scale).
    Shared,
    /// None (the title explains the colours).
    None,
}

/// A figure.
#[derive(Clone, Debug)]
pub enum Figure {
    /// Axes with series.
    Chart(Chart),
    /// Cells.
    Panels(Panels),
    /// Figures one above the other, each with a share of the height.
    Column(Vec<(Figure, u32)>),
}
