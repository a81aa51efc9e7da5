//! `train --plot FILE`: the learning curve of a run, drawn through the same figure code as the
//! app's exports (PNG or SVG by the extension).

use crate::ui::figures::spec::{Chart, Figure, Series};
use crate::ui::figures::{self, FigureFormat};
use crate::ui::theme;
use std::path::{Path, PathBuf};

/// Epochs between plotted points when `--plot` is given without `--eval-every`: about fifty
/// points a curve.
pub fn default_plot_every(epochs: usize) -> usize {
    (epochs / 50).max(1)
}

/// Checks the plot's file type and folder before any training.
pub fn check_plot_path(path: &Path) -> anyhow::Result<()> {
    FigureFormat::of(path).map_err(|e| super::flags::usage(format!("--plot: {e}")))?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    if folder.is_some_and(|f| !f.is_dir()) {
        return Err(super::flags::usage(format!(
            "--plot {}: there is no such folder",
            path.display()
        )));
    }
    Ok(())
}

/// One curve: legend text, colour, (epoch, value) points.
type Curve = (String, [u8; 3], Vec<(f64, f64)>);

/// The curves collected during training.
pub struct LearningPlot {
    path: PathBuf,
    title: String,
    y_label: String,
    curves: Vec<Curve>,
}

impl LearningPlot {
    /// A plot to be written to `path`, with one curve for each name.
    pub fn new(path: &Path, title: String, y_label: &str, names: &[&str]) -> Self {
        let colours = [
            theme::FIGURE_MAIN,
            theme::FIGURE_SECOND,
            theme::FIGURE_THIRD,
        ];
        Self {
            path: path.to_owned(),
            title,
            y_label: y_label.into(),
            curves: names
                .iter()
                .zip(colours.iter().cycle())
                .map(|(n, c)| ((*n).to_owned(), *c, Vec::new()))
                .collect(),
        }
    }

    /// Adds a point to curve `k` (ignored if there is no such curve or the value is not finite).
    pub fn push(&mut self, k: usize, epoch: usize, value: f64) {
        if let Some(curve) = self.curves.get_mut(k)
            && value.is_finite()
        {
            curve.2.push((epoch as f64, value));
        }
    }

    /// Draws and writes the plot (a 1600 × 1000 slide). A failure is reported on standard
    /// error and does not stop the command: the trained model is still written.
    pub fn write(self) {
        let path = self.path.clone();
        match self.draw() {
            Ok(()) => println!("wrote {}", path.display()),
            Err(e) => eprintln!("could not write the plot {}: {e}", path.display()),
        }
    }

    fn draw(self) -> anyhow::Result<()> {
        let chart = Chart {
            title: self.title,
            x_label: "epochs".into(),
            y_label: self.y_label,
            series: self
                .curves
                .into_iter()
                .filter(|c| !c.2.is_empty())
                .map(|(label, colour, points)| Series::Line {
                    label,
                    points,
                    colour,
                    dashed: false,
                })
                .collect(),
            ..Chart::default()
        };
        figures::save(&Figure::Chart(chart), &self.path, figures::SLIDE)?;
        Ok(())
    }
}
