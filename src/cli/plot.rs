//! A small raster line plot for the CLI's PNGs (no window, no font files): axes with numbered
//! ticks, one or more curves with dots, and dashed vertical marks.

use crate::persist::export::RgbImage;

/// A curve or mark to draw.
pub enum Series {
    /// (x, y) points joined by lines, in a colour.
    Curve(Vec<(f64, f64)>, [u8; 3]),
    /// A dashed vertical line at x, in a colour.
    Mark(f64, [u8; 3]),
}

const W: usize = 720;
const H: usize = 440;
const LEFT: usize = 60;
const BOTTOM: usize = 40;
const TOP: usize = 20;
const RIGHT: usize = 20;

/// 3 × 5 glyphs for tick labels: digits and the decimal point.
fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 1, 1],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        '.' => [0, 0, 0, 0, 2],
        _ => [0; 5],
    }
}

struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if (0..W as i64).contains(&x) && (0..H as i64).contains(&y) {
            let i = (y as usize * W + x as usize) * 3;
            self.pixels[i..i + 3].copy_from_slice(&c);
        }
    }

    fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), c: [u8; 3], dashed: bool) {
        let steps = (x1 - x0).abs().max((y1 - y0).abs()).max(1);
        for s in 0..=steps {
            if dashed && (s / 6) % 2 == 1 {
                continue;
            }
            let x = x0 + (x1 - x0) * s / steps;
            let y = y0 + (y1 - y0) * s / steps;
            self.set(x, y, c);
            self.set(x + 1, y, c);
        }
    }

    fn text(&mut self, x: i64, y: i64, text: &str, c: [u8; 3]) {
        for (k, ch) in text.chars().enumerate() {
            for (row, bits) in glyph(ch).iter().enumerate() {
                for col in 0..3 {
                    if bits >> (2 - col) & 1 == 1 {
                        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                            self.set(x + k as i64 * 8 + col * 2 + dx, y + row as i64 * 2 + dy, c);
                        }
                    }
                }
            }
        }
    }
}

/// Draws the series on axes x ∈ [0, x_max], y ∈ [0, y_max].
pub fn plot(series: &[Series], x_max: f64, y_max: f64) -> RgbImage {
    let mut canvas = Canvas {
        pixels: vec![255; W * H * 3],
    };
    let (grey, black) = ([200, 200, 200], [40, 40, 40]);
    let px = |x: f64| LEFT as i64 + ((x / x_max) * (W - LEFT - RIGHT) as f64).round() as i64;
    let py =
        |y: f64| (H - BOTTOM) as i64 - ((y / y_max) * (H - BOTTOM - TOP) as f64).round() as i64;
    for k in 0..=5 {
        let (x, y) = (x_max * k as f64 / 5.0, y_max * k as f64 / 5.0);
        canvas.line((px(x), py(0.0)), (px(x), py(y_max)), grey, false);
        canvas.line((px(0.0), py(y)), (px(x_max), py(y)), grey, false);
        let xl = format!("{}", (x * 10.0).round() / 10.0);
        canvas.text(px(x) - 8, (H - BOTTOM + 8) as i64, &xl, black);
        canvas.text(8, py(y) - 5, &format!("{:.1}", y), black);
    }
    canvas.line((px(0.0), py(0.0)), (px(x_max), py(0.0)), black, false);
    canvas.line((px(0.0), py(0.0)), (px(0.0), py(y_max)), black, false);
    for s in series {
        match s {
            Series::Mark(x, c) => canvas.line((px(*x), py(0.0)), (px(*x), py(y_max)), *c, true),
            Series::Curve(points, c) => {
                for pair in points.windows(2) {
                    let (a, b) = (pair[0], pair[1]);
                    canvas.line((px(a.0), py(a.1)), (px(b.0), py(b.1)), *c, false);
                }
                for &(x, y) in points {
                    for dx in -2..=2 {
                        for dy in -2..=2 {
                            canvas.set(px(x) + dx, py(y) + dy, *c);
                        }
                    }
                }
            }
        }
    }
    RgbImage {
        width: W,
        height: H,
        pixels: canvas.pixels,
    }
}
