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

/// The example sessions of File → Examples (`assets/sessions/`).
pub const EXAMPLES: [Shipped; 3] = [
    Shipped {
        file: "letters-hopfield.ron",
        label: "Letters in a Hopfield net",
        text: include_str!("../../assets/sessions/letters-hopfield.ron"),
    },
    Shipped {
        file: "digits-rbm.ron",
        label: "An RBM trained on the digits",
        text: include_str!("../../assets/sessions/digits-rbm.ron"),
    },
    Shipped {
        file: "parity-boltzmann.ron",
        label: "Hidden units that learned parity",
        text: include_str!("../../assets/sessions/parity-boltzmann.ron"),
    },
];

/// The lessons' scenes, in lesson order (`assets/lessons/`).
pub const LESSON_SCENES: [Shipped; 6] = [
    Shipped {
        file: "1-energy-and-recall.ron",
        label: "1. Energy and recall",
        text: include_str!("../../assets/lessons/1-energy-and-recall.ron"),
    },
    Shipped {
        file: "2-spurious-and-capacity.ron",
        label: "2. Spurious states and capacity",
        text: include_str!("../../assets/lessons/2-spurious-and-capacity.ron"),
    },
    Shipped {
        file: "3-temperature.ron",
        label: "3. Temperature",
        text: include_str!("../../assets/lessons/3-temperature.ron"),
    },
    Shipped {
        file: "4-escaping-minima.ron",
        label: "4. Escaping local minima",
        text: include_str!("../../assets/lessons/4-escaping-minima.ron"),
    },
    Shipped {
        file: "5-hidden-units.ron",
        label: "5. Learning with hidden units",
        text: include_str!("../../assets/lessons/5-hidden-units.ron"),
    },
    Shipped {
        file: "6-rbm.ron",
        label: "6. Restricted Boltzmann machines",
        text: include_str!("../../assets/lessons/6-rbm.ron"),
    },
];
