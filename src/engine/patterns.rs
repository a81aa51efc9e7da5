//! Pattern sets: the bundled digits, built-in letters and bars-and-stripes, and a loader for
//! 0/1 text (one pattern a line, all of equal length).

use super::error::EngineError;
use super::rng::SimRng;
use serde::{Deserialize, Serialize};

/// Patterns of 0/1 units laid out on a `width × height` grid (row-major).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternSet {
    /// A name to show.
    pub name: String,
    /// Grid width.
    pub width: usize,
    /// Grid height.
    pub height: usize,
    /// The patterns, each `width × height` long. Saved as one string of `0`/`1` a pattern
    /// ([`bit_strings`]); lists of numbers are read too.
    #[serde(with = "bit_strings")]
    pub patterns: Vec<Vec<u8>>,
}

/// Patterns in files: each one a string such as `"0110"` (a quarter of the bytes of `[0, 1, 1,
/// 0]`, and far quicker to write and read); a list of numbers is accepted as well, as older
/// sessions have it. Values other than 0 and 1 in a list are left to
/// [`PatternSet::validate`]; a string may hold only the two digits.
pub mod bit_strings {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::fmt;

    /// Every pattern as a string of `0` and `1`; any other value is refused (it could not be
    /// read back).
    pub fn serialize<S: Serializer>(
        patterns: &[Vec<u8>],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut seq = serializer.serialize_seq(Some(patterns.len()))?;
        let mut text = String::new();
        for (k, p) in patterns.iter().enumerate() {
            text.clear();
            for &v in p {
                text.push(match v {
                    0 => '0',
                    1 => '1',
                    other => {
                        return Err(S::Error::custom(format!(
                            "pattern {} holds the value {other}; patterns are 0/1",
                            k + 1
                        )));
                    }
                });
            }
            seq.serialize_element(&text)?;
        }
        seq.end()
    }

    /// The patterns, from strings of 0/1 or lists of numbers.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Vec<u8>>, D::Error> {
        let rows: Vec<Row> = Vec::deserialize(deserializer)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// One pattern in either form.
    struct Row(Vec<u8>);

    impl<'de> Deserialize<'de> for Row {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(RowVisitor)
        }
    }

    struct RowVisitor;

    impl<'de> Visitor<'de> for RowVisitor {
        type Value = Row;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a pattern: a string of 0 and 1, or a list of numbers")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Row, E> {
            text.chars()
                .map(|c| match c {
                    '0' => Ok(0),
                    '1' => Ok(1),
                    _ => Err(E::custom(format!(
                        "a pattern string may hold only 0 and 1, found {c:?}"
                    ))),
                })
                .collect::<Result<Vec<u8>, E>>()
                .map(Row)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Row, A::Error> {
            let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(100_000));
            while let Some(v) = seq.next_element::<u8>()? {
                values.push(v);
            }
            Ok(Row(values))
        }
    }
}

impl PatternSet {
    /// Checks a set that did not come through a loader: a grid of at most 100 000 units, every
    /// pattern that long, every value 0 or 1.
    pub fn validate(&self) -> Result<(), EngineError> {
        let units = self.width.saturating_mul(self.height);
        if units == 0 || units > 100_000 {
            return Err(EngineError::BadParameter(format!(
                "a {} × {} grid is not allowed (1 to 100 000 units)",
                self.width, self.height
            )));
        }
        for (k, p) in self.patterns.iter().enumerate() {
            if p.len() != units {
                return Err(EngineError::SizeMismatch {
                    what: format!("pattern {} of \"{}\"", k + 1, self.name),
                    expected: units,
                    got: p.len(),
                });
            }
            if p.iter().any(|&v| v > 1) {
                return Err(EngineError::BadParameter(format!(
                    "pattern {} of \"{}\" has a value other than 0 or 1",
                    k + 1,
                    self.name
                )));
            }
        }
        Ok(())
    }
}

/// The 1500 bundled 8×8 binarized digits (see `assets/DIGITS_README.md`).
pub const DIGITS_TEXT: &str = include_str!("../../assets/digits.txt");
/// The labels (0–9) of [`DIGITS_TEXT`], one a line.
pub const DIGIT_LABELS_TEXT: &str = include_str!("../../assets/digits_labels.txt");

/// Parses 0/1 text: one pattern a line of `0`/`1` characters, all the same length. Lines end
/// in LF, CR LF or a lone CR (old Mac files). Blank lines and lines starting with `#` are
/// skipped; whitespace between characters is allowed. A bad line gives an error naming the line
/// and the problem; a line longer than [`MAX_UNITS`] values is refused before it is stored.
///
/// [`MAX_UNITS`]: crate::engine::limits::MAX_UNITS
pub fn parse_patterns(text: &str) -> Result<Vec<Vec<u8>>, EngineError> {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    for (index, line) in lines_any_ending(text).enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut pattern = Vec::with_capacity(trimmed.len().min(super::limits::MAX_UNITS));
        for (col, ch) in trimmed.chars().filter(|c| !c.is_whitespace()).enumerate() {
            if col == super::limits::MAX_UNITS {
                return Err(EngineError::BadPatternLine {
                    line: line_no,
                    problem: format!(
                        "has more than {} values, the limit on units",
                        super::limits::MAX_UNITS
                    ),
                });
            }
            match ch {
                '0' => pattern.push(0),
                '1' => pattern.push(1),
                other => {
                    return Err(EngineError::BadPatternLine {
                        line: line_no,
                        problem: format!(
                            "character {} is {other:?}; only 0 and 1 are allowed",
                            col + 1
                        ),
                    });
                }
            }
        }
        if let Some(first) = patterns.first()
            && first.len() != pattern.len()
        {
            return Err(EngineError::BadPatternLine {
                line: line_no,
                problem: format!(
                    "has {} values but the first pattern has {}",
                    pattern.len(),
                    first.len()
                ),
            });
        }
        patterns.push(pattern);
    }
    if patterns.is_empty() {
        return Err(EngineError::EmptyData);
    }
    Ok(patterns)
}

/// The lines of `text`, each ended by LF, CR LF or a lone CR.
fn lines_any_ending(text: &str) -> impl Iterator<Item = &str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
        .filter(move |_| !text.is_empty())
}

/// Writes patterns as 0/1 text, one a line.
pub fn format_patterns(patterns: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for p in patterns {
        out.extend(p.iter().map(|&b| if b != 0 { '1' } else { '0' }));
        out.push('\n');
    }
    out
}

/// Guesses a grid for `n` units: a square if n is one, else the most square factorization.
pub fn grid_for(n: usize) -> (usize, usize) {
    let mut best = (n, 1);
    for h in 1..=n {
        if h * h > n {
            break;
        }
        if n.is_multiple_of(h) {
            best = (n / h, h);
        }
    }
    best
}

/// The bundled digits.
pub fn digits() -> Result<PatternSet, EngineError> {
    Ok(PatternSet {
        name: "Digits (8×8)".into(),
        width: 8,
        height: 8,
        patterns: parse_patterns(DIGITS_TEXT)?,
    })
}

/// Labels of the bundled digits.
pub fn digit_labels() -> Vec<u8> {
    DIGIT_LABELS_TEXT
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

const LETTERS: [(&str, [&str; 10]); 5] = [
    (
        "A",
        [
            "...####...",
            "..##..##..",
            ".##....##.",
            ".##....##.",
            ".########.",
            ".##....##.",
            ".##....##.",
            ".##....##.",
            ".##....##.",
            "..........",
        ],
    ),
    (
        "C",
        [
            "..######..",
            ".##....##.",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##....##.",
            "..######..",
            "..........",
        ],
    ),
    (
        "T",
        [
            "##########",
            "##########",
            "....##....",
            "....##....",
            "....##....",
            "....##....",
            "....##....",
            "....##....",
            "....##....",
            "....##....",
        ],
    ),
    (
        "X",
        [
            "##......##",
            ".##....##.",
            "..##..##..",
            "...####...",
            "....##....",
            "...####...",
            "..##..##..",
            ".##....##.",
            "##......##",
            "..........",
        ],
    ),
    (
        "L",
        [
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".##.......",
            ".########.",
            ".########.",
        ],
    ),
];

/// The letters a Hopfield net recalls well: A, T, X and L (pairwise spin overlaps at most 0.24).
/// Stored by the Hebbian rule, each comes back at T = 0 from 20 % of its units flipped in
/// 100 of 100 trials; with C added (overlap 0.60 with L), C comes back in none and A and L in
/// under a third (measured; see `tests/engine_hopfield.rs`).
pub fn letters() -> PatternSet {
    letter_set("Letters (10×10)", &WELL_APART)
}

/// All five letters, C included: too crowded for Hebbian storage, so recall lands in mixtures
/// and spurious minima (lesson 2 shows them on purpose).
pub fn crowded_letters() -> PatternSet {
    letter_set("Five letters (C and L alike)", &[0, 1, 2, 3, 4])
}

/// The indices into `LETTERS` of [`letters`].
const WELL_APART: [usize; 4] = [0, 2, 3, 4];

fn letter_set(name: &str, which: &[usize]) -> PatternSet {
    let patterns = which
        .iter()
        .filter_map(|&k| LETTERS.get(k))
        .map(|(_, rows)| {
            rows.iter()
                .flat_map(|r| r.bytes().map(|b| u8::from(b == b'#')))
                .collect()
        })
        .collect();
    PatternSet {
        name: name.into(),
        width: 10,
        height: 10,
        patterns,
    }
}

/// The names of [`letters`], in order.
pub fn letter_names() -> Vec<&'static str> {
    WELL_APART
        .iter()
        .filter_map(|&k| LETTERS.get(k))
        .map(|(name, _)| *name)
        .collect()
}

/// Every bars-and-stripes pattern on a `side × side` grid: each row all on or all off, or each
/// column all on or all off (2^(side+1) − 2 distinct patterns; the all-off and all-on patterns
/// appear once each).
pub fn bars_and_stripes(side: usize) -> PatternSet {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    for mask in 0..(1usize << side) {
        let rows: Vec<u8> = (0..side * side)
            .map(|k| u8::from(mask >> (k / side) & 1 == 1))
            .collect();
        let cols: Vec<u8> = (0..side * side)
            .map(|k| u8::from(mask >> (k % side) & 1 == 1))
            .collect();
        for p in [rows, cols] {
            if !patterns.contains(&p) {
                patterns.push(p);
            }
        }
    }
    PatternSet {
        name: format!("Bars and stripes ({side}×{side})"),
        width: side,
        height: side,
        patterns,
    }
}

/// The even-parity patterns of `bits` bits (a task only hidden units can model).
pub fn parity(bits: usize) -> PatternSet {
    let patterns = (0..1usize << bits)
        .filter(|m| m.count_ones() % 2 == 0)
        .map(|m| (0..bits).map(|i| u8::from(m >> i & 1 == 1)).collect())
        .collect();
    PatternSet {
        name: format!("{bits}-bit even parity"),
        width: bits,
        height: 1,
        patterns,
    }
}

/// Splits patterns into (train, held out) with a seeded shuffle; `held_out` in [0, 1].
pub fn split(patterns: &[Vec<u8>], held_out: f64, seed: u64) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut order: Vec<usize> = (0..patterns.len()).collect();
    SimRng::seed_from_u64(seed).shuffle(&mut order);
    let n_test = ((patterns.len() as f64) * held_out.clamp(0.0, 1.0)).round() as usize;
    let test = order[..n_test]
        .iter()
        .map(|&i| patterns[i].clone())
        .collect();
    let train = order[n_test..]
        .iter()
        .map(|&i| patterns[i].clone())
        .collect();
    (train, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_saved_as_strings_and_read_in_both_forms() {
        let set = PatternSet {
            name: "two".into(),
            width: 3,
            height: 1,
            patterns: vec![vec![0, 1, 1], vec![1, 0, 0]],
        };
        let text = ron::to_string(&set).expect("writes");
        assert!(text.contains(r#"patterns:["011","100"]"#), "{text}");
        assert_eq!(ron::from_str::<PatternSet>(&text), Ok(set.clone()));
        // The older form, lists of numbers, still reads.
        let old = r#"(name:"two",width:3,height:1,patterns:[[0,1,1],[1,0,0]])"#;
        assert_eq!(ron::from_str::<PatternSet>(old), Ok(set));
        // A string with anything but 0 and 1 is refused, naming the character.
        let bad = r#"(name:"x",width:2,height:1,patterns:["0x"])"#;
        let err = ron::from_str::<PatternSet>(bad).expect_err("refused");
        assert!(err.to_string().contains("only 0 and 1"), "{err}");
    }

    #[test]
    fn every_line_ending_ends_a_line() {
        let expected = vec![vec![0, 1], vec![1, 1], vec![1, 0]];
        for text in [
            "01\n11\n10\n",
            "01\r\n11\r\n10\r\n",
            "01\r11\r10\r",
            "01\r11\n10",
        ] {
            assert_eq!(parse_patterns(text), Ok(expected.clone()), "{text:?}");
        }
        // Line numbers count CR-only lines too.
        assert!(matches!(
            parse_patterns("01\r11\r1x\r"),
            Err(EngineError::BadPatternLine { line: 3, .. })
        ));
    }

    #[test]
    fn a_line_wider_than_the_unit_limit_is_refused() {
        let wide = "1".repeat(crate::engine::limits::MAX_UNITS + 1);
        let error = parse_patterns(&wide).expect_err("too wide");
        assert!(error.to_string().contains("100000"), "{error}");
        let widest = "1".repeat(crate::engine::limits::MAX_UNITS);
        assert_eq!(parse_patterns(&widest).map(|p| p[0].len()), Ok(100_000));
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            parse_patterns("0101\n01x1\n"),
            Err(EngineError::BadPatternLine {
                line: 2,
                problem: "character 3 is 'x'; only 0 and 1 are allowed".into()
            })
        );
        assert!(matches!(
            parse_patterns("0101\n\n011\n"),
            Err(EngineError::BadPatternLine { line: 3, .. })
        ));
        assert_eq!(parse_patterns("\n# nothing\n"), Err(EngineError::EmptyData));
    }

    #[test]
    fn bundled_sets_have_their_documented_shapes() {
        let d = digits().expect("digits parse");
        assert_eq!((d.patterns.len(), d.patterns[0].len()), (1500, 64));
        assert_eq!(digit_labels().len(), 1500);
        assert!(letters().patterns.iter().all(|p| p.len() == 100));
        // 2^(3+1) − 2 = 14 distinct bars-and-stripes patterns on 3 × 3.
        assert_eq!(bars_and_stripes(3).patterns.len(), 14);
        assert_eq!(parity(3).patterns.len(), 4);
    }
}
