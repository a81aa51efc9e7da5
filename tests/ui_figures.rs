//! Every figure kind exported from the running app as PNG and as SVG: the file exists, decodes,
//! and is a 1600 × 1000 slide with the figure's title in it.

mod common;

use boltzviz::ui::figures::{FigureKind, SLIDE};
use boltzviz::ui::{View, figure_menu, screenshot_scene};
use common::{first_snapshot, harness, wait_for, wait_long};
use egui_kittest::kittest::Queryable;
use std::path::Path;

/// Decodes a PNG and returns its width and height.
fn png_size(path: &Path) -> (u32, u32) {
    let file = std::fs::File::open(path).expect("png exists");
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("png header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buffer).expect("png pixels");
    // Not a blank page: a slide with a figure has many distinct colours.
    let mut colours: Vec<&[u8]> = buffer[..info.buffer_size()].chunks(3).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 8, "{} looks blank", path.display());
    (info.width, info.height)
}

/// Checks an SVG: well formed at the top level, the slide's size, some drawing in it.
fn check_svg(path: &Path) {
    let text = std::fs::read_to_string(path).expect("svg exists");
    assert!(
        text.trim_start().starts_with("<svg"),
        "{} is no SVG",
        path.display()
    );
    assert!(
        text.trim_end().ends_with("</svg>"),
        "{} is cut short",
        path.display()
    );
    assert!(
        text.contains(&format!("width=\"{}\"", SLIDE.0))
            && text.contains(&format!("height=\"{}\"", SLIDE.1)),
        "{} has another size",
        path.display()
    );
    assert!(text.contains("<text"), "{} has no titles", path.display());
    assert!(
        text.matches("<rect").count()
            + text.matches("<polyline").count()
            + text.matches("<circle").count()
            > 3
    );
}

fn export_both(
    h: &mut egui_kittest::Harness<'static, boltzviz::ui::BoltzVizApp>,
    kind: FigureKind,
    dir: &Path,
) {
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{}.{ext}", kind.file_stem()));
        let _ = std::fs::remove_file(&path);
        h.state_mut()
            .export_figure_to(kind, path.clone())
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        wait_for(h, "the figure written", |_| path.exists());
        if ext == "png" {
            assert_eq!(png_size(&path), SLIDE, "{kind:?}");
        } else {
            check_svg(&path);
        }
    }
}

#[test]
fn every_figure_kind_exports_as_png_and_svg() {
    let temp = tempfile::tempdir().expect("temp dir");
    // BOLTZVIZ_KEEP_FIGURES=DIR keeps the figures there, to look at.
    let kept = std::env::var_os("BOLTZVIZ_KEEP_FIGURES").map(std::path::PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temp.path());
    let mut h = harness();
    first_snapshot(&mut h);
    let mut exported = Vec::new();
    for view in View::ALL {
        let generation = h.state().snapshot().weights_generation;
        h.state_mut().show_view(view);
        h.state_mut().send_commands(screenshot_scene(view));
        // Let the scene set itself up and run a little.
        wait_long(&mut h, "the view's scene", |a| {
            let s = a.snapshot();
            match view {
                View::Network | View::Compare => s.sweeps > 3.0,
                View::Distribution | View::Tempering => {
                    s.distribution.as_ref().is_some_and(|d| d.samples > 100)
                }
                View::Landscape => s.landscape.is_some() && s.sweeps > 3.0,
                View::Weights => s.weights_generation > generation && s.learning.updates > 0,
                View::Learning => s.learning.negative.is_some() && s.learning.updates == 1,
            }
        });
        h.step();
        for kind in figure_menu::kinds_of(view, h.state().snapshot(), false) {
            export_both(&mut h, kind, dir);
            exported.push(kind);
        }
        h.state_mut()
            .send_commands([boltzviz::sim::protocol::Command::Pause]);
    }
    // The capacity curves, from a sweep run in the capacity window.
    h.get_by_label("Capacity").click();
    h.run_steps(4);
    h.get_by_label("Run capacity sweep").click();
    wait_long(&mut h, "a capacity sweep", |a| {
        !a.lessons().capacity.results.is_empty()
    });
    export_both(&mut h, FigureKind::Capacity, dir);
    exported.push(FigureKind::Capacity);
    for kind in FigureKind::ALL {
        assert!(exported.contains(&kind), "{kind:?} was never exported");
    }
}

#[test]
fn the_export_menu_offers_each_figure_of_the_view_and_refuses_what_is_not_there() {
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Export figure").click();
    h.run_steps(2);
    assert!(h.query_by_label("Network grid").is_some());
    assert!(h.query_by_label("Energy trace").is_some());
    // The opening scene has not learned: no phase statistics to draw, said in words.
    let err = h
        .state_mut()
        .export_figure_to(
            FigureKind::PhaseStatistics,
            std::env::temp_dir().join("never.png"),
        )
        .expect_err("no statistics yet");
    assert!(err.contains("phase"), "{err}");
    let err = h
        .state_mut()
        .export_figure_to(FigureKind::Grid, std::env::temp_dir().join("grid.jpg"))
        .expect_err("not a figure type");
    assert!(err.contains(".png or .svg"), "{err}");
}

/// Counts the frames of a GIF by decoding it whole.
fn gif_frames(path: &Path) -> (usize, (u16, u16)) {
    let file = std::fs::File::open(path).expect("gif exists");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::io::BufReader::new(file))
        .expect("gif header");
    let size = (decoder.width(), decoder.height());
    let mut frames = 0;
    while decoder.read_next_frame().expect("gif frame").is_some() {
        frames += 1;
    }
    (frames, size)
}

#[test]
fn the_record_button_writes_a_gif_of_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Record").click();
    h.run_steps(2);
    assert!(h.state().state().recording.is_some(), "recording started");
    h.state_mut().send_commands([
        boltzviz::sim::protocol::Command::SetSpeed(Some(20.0)),
        boltzviz::sim::protocol::Command::Run,
    ]);
    wait_long(&mut h, "ten frames", |a| {
        a.state()
            .recording
            .as_ref()
            .is_some_and(|r| r.progress().0 >= 10)
    });
    let taken = h
        .state()
        .state()
        .recording
        .as_ref()
        .map_or(0, |r| r.progress().0);
    let path = dir.path().join("run.gif");
    h.state_mut()
        .stop_recording_to(path.clone())
        .expect("a recording");
    wait_for(&mut h, "the GIF written", |_| path.exists());
    let (frames, size) = gif_frames(&path);
    // Frames taken after `taken` was read (before Stop) are in the file too.
    assert!(
        frames >= taken && frames <= taken + 3,
        "{frames} frames, {taken} taken"
    );
    assert_eq!(size, (800, 600));
}

#[test]
fn stop_recording_stops_and_asks_where_to_save() {
    let mut h = harness();
    first_snapshot(&mut h);
    h.get_by_label("Record").click();
    h.run_steps(2);
    h.state_mut().send_commands([
        boltzviz::sim::protocol::Command::SetSpeed(Some(20.0)),
        boltzviz::sim::protocol::Command::Run,
    ]);
    wait_long(&mut h, "two frames", |a| {
        a.state()
            .recording
            .as_ref()
            .is_some_and(|r| r.progress().0 >= 2)
    });
    h.get_by_label_contains("Stop recording").click();
    h.run_steps(2);
    assert!(
        h.state().state().recording.is_none(),
        "Stop stopped the recording"
    );
    // With no dialog service the app's own file picker asks for the GIF's name.
    wait_for(&mut h, "the save dialog", |a| a.files().dialog_open());
}
