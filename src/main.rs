//! BoltzViz: the app, or a headless command (see `boltzviz --help`).

fn main() {
    // Before anything is written, so that Ctrl+C or a `kill` during a save removes the
    // half-written temporary file instead of leaving it beside the target.
    if let Err(e) = boltzviz::persist::atomic::remove_temps_on_signals() {
        eprintln!("warning: {e}; an interrupted save may leave a temporary file behind");
    }
    if let Err(e) = boltzviz::cli::run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
