//! BoltzViz: the app, or a headless command (see `boltzviz --help`).

fn main() {
    // Before anything is written, so that Ctrl+C or a `kill` during a save removes the
    // half-written temporary file instead of leaving it beside the target.
    if let Err(e) = boltzviz::persist::atomic::remove_temps_on_signals() {
        eprintln!("warning: {e}; an interrupted save may leave a temporary file behind");
    }
    if let Err(e) = boltzviz::cli::run() {
        eprintln!("error: {e:#}");
        // A refused flag value is a usage error (status 2, as clap's own); the rest is 1.
        std::process::exit(if boltzviz::cli::flags::is_usage(&e) {
            2
        } else {
            1
        });
    }
}
