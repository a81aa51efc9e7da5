//! BoltzViz: the app, or a headless command (see `boltzviz --help`).

fn main() {
    if let Err(e) = boltzviz::cli::run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
