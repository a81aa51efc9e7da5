//! The one registry of the sessions shipped in `assets/`: the example sessions of the File
//! menu and the lessons' scenes, with their file names, labels and text. The app opens them
//! from here; `boltzviz write-examples` writes them under these names (its builders live in
//! [`crate::cli::examples`]), and a test checks that the two agree.

/// A session file shipped with the app.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    /// The file name in its folder.
    pub file: &'static str,
    /// What the menu or the lesson calls it.
    pub label: &'static str,
    /// The RON text.
    pub text: &'static str,
}

/// A [`Shipped`] entry for `assets/$folder/$file`.
macro_rules! shipped {
    ($folder:literal, $file:literal, $label:literal) => {
        Shipped {
            file: $file,
            label: $label,
            text: include_str!(concat!("../../assets/", $folder, "/", $file)),
        }
    };
}

/// The example sessions of File → Examples (`assets/sessions/`).
pub const EXAMPLES: [Shipped; 3] = [
    shipped!(
        "sessions",
        "letters-hopfield.ron",
        "Letters in a Hopfield net"
    ),
    shipped!("sessions", "digits-rbm.ron", "An RBM trained on the digits"),
    shipped!(
        "sessions",
        "parity-boltzmann.ron",
        "Hidden units that learned parity"
    ),
];

/// The lessons' scenes, in lesson order (`assets/lessons/`).
pub const LESSON_SCENES: [Shipped; 8] = [
    shipped!("lessons", "1-energy-and-recall.ron", "1. Energy and recall"),
    shipped!(
        "lessons",
        "2-spurious-and-capacity.ron",
        "2. Spurious states and capacity"
    ),
    shipped!("lessons", "3-temperature.ron", "3. Temperature"),
    shipped!(
        "lessons",
        "4-escaping-minima.ron",
        "4. Escaping local minima"
    ),
    shipped!(
        "lessons",
        "5-hidden-units.ron",
        "5. Learning with hidden units"
    ),
    shipped!("lessons", "6-rbm.ron", "6. Restricted Boltzmann machines"),
    shipped!("lessons", "7-mixing.ron", "7. Mixing"),
    shipped!("lessons", "8-how-good-is-cd.ron", "8. How good is CD?"),
];
