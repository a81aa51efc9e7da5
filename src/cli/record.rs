//! `boltzviz record`: a run as an animated GIF — the grid(s) above the energy trace, a frame
//! every K sweeps — drawn like the app's figures.

use super::flags;
use super::progress::Progress;
use crate::persist::atomic::write_bytes;
use crate::sim::Simulation;
use crate::sim::protocol::{Command, TracePoint};
use crate::ui::figures::animation::{self, GifWriter, MAX_FRAMES, RecordView};
use std::path::PathBuf;

/// `record`'s options.
#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// The session to run (default: the opening scene, the letters net).
    #[arg(long)]
    pub session: Option<PathBuf>,
    /// Sweeps to run.
    #[arg(long, default_value_t = 40)]
    pub sweeps: usize,
    /// Sweeps between frames.
    #[arg(long, default_value_t = 1)]
    pub every: usize,
    /// network (the grid and its trace) or compare (Hopfield against Boltzmann).
    #[arg(long, value_enum, default_value = "network")]
    pub view: RecordView,
    /// Run at this temperature instead of the session's.
    #[arg(long)]
    pub temperature: Option<f64>,
    /// Flip this fraction of the visible units first (a cue to recall from).
    #[arg(long)]
    pub noise: Option<f64>,
    /// Run the session's annealing schedule (T falling from hot to cold) from the first sweep.
    #[arg(long)]
    pub anneal: bool,
    /// Milliseconds each frame is shown.
    #[arg(long, default_value_t = 200)]
    pub frame_ms: u32,
    /// The GIF to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `record`.
pub fn record(args: &RecordArgs) -> anyhow::Result<()> {
    flags::count("--sweeps", args.sweeps, 1)?;
    flags::count("--every", args.every, 1)?;
    if args.every > args.sweeps {
        return Err(flags::usage(format!(
            "--every {} is more than the {} sweeps",
            args.every, args.sweeps
        )));
    }
    let frames = args.sweeps.div_ceil(args.every) + 1;
    if frames > MAX_FRAMES {
        return Err(flags::usage(format!(
            "--sweeps {} / --every {} makes {frames} frames; a GIF keeps at most {MAX_FRAMES}",
            args.sweeps, args.every
        )));
    }
    if let Some(t) = args.temperature {
        flags::non_negative("--temperature", t, 1e6)?;
    }
    if let Some(noise) = args.noise {
        flags::within("--noise", noise, 0.0, 1.0)?;
    }
    // GIF delays are hundredths of a second, and viewers play 1 cs or less as 10 cs.
    if !(20..=10_000).contains(&args.frame_ms) {
        return Err(flags::usage(format!(
            "--frame-ms must be from 20 to 10000, got {}",
            args.frame_ms
        )));
    }
    if args.anneal && args.temperature.is_some() {
        return Err(flags::usage(
            "--temperature and --anneal disagree: annealing sets T by the session's schedule",
        ));
    }
    if !args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gif"))
    {
        return Err(flags::usage(format!(
            "--out {}: a recording is written as .gif",
            args.out.display()
        )));
    }
    let mut sim = match &args.session {
        Some(path) => crate::persist::load_session(path)?,
        None => Simulation::opening_scene()?,
    };
    if let Some(t) = args.temperature {
        sim.apply(Command::SetTemperature(t))?;
    }
    if let Some(noise) = args.noise {
        sim.apply(Command::AddNoise(noise))?;
    }
    if args.anneal {
        sim.apply(Command::Anneal)?;
    }
    let mut trace: Vec<TracePoint> = Vec::new();
    let first = sim.snapshot();
    trace.extend(first.new_trace.iter().copied());
    let start = first.sweeps;
    let span = Some((start, start + args.sweeps as f64));
    let mut gif = GifWriter::new(animation::FRAME, ((args.frame_ms + 5) / 10) as u16)?;
    let mut progress = Progress::new("recording", frames);
    let mut add_frame = |sim: &mut Simulation, gif: &mut GifWriter| -> anyhow::Result<()> {
        let snap = sim.snapshot();
        trace.extend(snap.new_trace.iter().copied());
        let figure =
            animation::frame(args.view, &snap, &trace, span).map_err(|e| anyhow::anyhow!(e))?;
        gif.push(&figure)?;
        progress.update(gif.frames(), "");
        Ok(())
    };
    add_frame(&mut sim, &mut gif)?;
    let mut done = 0;
    while done < args.sweeps {
        let step = args.every.min(args.sweeps - done);
        sim.apply(Command::Step(step))?;
        done += step;
        add_frame(&mut sim, &mut gif)?;
    }
    let count = gif.frames();
    write_bytes(&args.out, &gif.finish()?)?;
    println!(
        "wrote {} ({count} frames, {} sweeps, {} ms a frame)",
        args.out.display(),
        args.sweeps,
        args.frame_ms
    );
    Ok(())
}
