//! Edits that turn a good file into a test case: byte flips, cuts, deleted and repeated spans,
//! splices of two files, troublesome tokens, numbers swapped for extreme ones, lists made
//! longer or shorter, names of variants swapped, lines dropped or repeated.
//!
//! Most edits keep the text well formed on purpose (a number for a number, one list element
//! more or less): a mutant the parser refuses tests little, and the bugs worth finding are in
//! what runs after a file is accepted. Byte-level damage is still there, for the parser.

use super::structure::{reshape_arrays, resize_lists, scale_fields};
use boltzviz::engine::SimRng;

/// What kind of text is edited (each has its own tokens and structure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A RON session file.
    Session,
    /// A JSON weights file.
    Json,
    /// 0/1 data, one pattern a line.
    Patterns,
}

/// Numbers that break assumptions: zero, negatives, the edges of every integer and float
/// type, values past a limit of the app (100 000 units, 2 000 hidden, 1 024 grid units), and
/// the non-numbers RON reads as floats.
const EXTREME_NUMBERS: [&str; 31] = [
    "0",
    "-1",
    "1",
    "2",
    "-0.0",
    "0.5",
    "1e-45",
    "5e-324",
    "1e30",
    "3.4e38",
    "1e39",
    "1e308",
    "-1e308",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "255",
    "256",
    "1023",
    "1025",
    "2001",
    "4097",
    "65536",
    "100000",
    "100001",
    "4000000000",
    "2147483648",
    "9223372036854775807",
    "18446744073709551615",
    "99999999999999999999",
];

/// No edit makes a text longer than this (4 MB: a 100 000-unit data line forty times over);
/// an edit that would is cut down, so that repeated edits cannot ask for gigabytes.
pub const MAX_MUTANT_BYTES: usize = 4_000_000;

/// Tokens spliced in at random places.
const TOKENS: [&str; 16] = [
    "(((((", "]]]", "[[[[", "\"", ",", ":", "None", "Some(", "()", "[]", "{}", "\\u0000",
    "\u{feff}", "é", "\n", "0",
];

/// Tokens for 0/1 data: separators, comments, other characters, long runs of values.
const DATA_TOKENS: [&str; 10] = ["\n", "\r\n", "#", " ", "\t", "2", "é", "\n\n", "0", "1"];

/// One random edit of `text`, drawing more text from `others` for splices.
pub fn mutate(text: &str, format: Format, others: &[&str], rng: &mut SimRng) -> String {
    let choice = rng.below(100);
    let mut bytes = text.as_bytes().to_vec();
    match (format, choice) {
        (_, 0..=2) => flip_bit(&mut bytes, rng),
        (_, 3..=5) => bytes.truncate(rng.below(bytes.len().max(1))),
        (_, 6..=8) => delete_span(&mut bytes, rng),
        (_, 9..=11) => duplicate_span(&mut bytes, rng),
        (_, 12..=13) => splice_raw(&mut bytes, others, rng),
        (_, 14..=18) => return crossover(text, format, others, rng),
        (Format::Patterns, 19..=44) => insert_token(&mut bytes, &DATA_TOKENS, rng),
        (Format::Patterns, _) => return edit_lines(text, rng, true),
        (_, 19..=22) => insert_token(&mut bytes, &TOKENS, rng),
        (_, 23..=26) => return edit_lines(text, rng, false),
        (Format::Session, 27..=31) => return swap_identifier(text, rng),
        (Format::Session, 32..=51) => return reshape_arrays(text, rng),
        (_, 27..=61) => return resize_lists(text, rng),
        (_, 62..=71) => return scale_fields(text, rng),
        (_, _) => return replace_number(text, rng),
    }
    bytes.truncate(MAX_MUTANT_BYTES);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn flip_bit(bytes: &mut [u8], rng: &mut SimRng) {
    let at = rng.below(bytes.len().max(1));
    if let Some(b) = bytes.get_mut(at) {
        *b ^= 1 << rng.below(8);
    }
}

/// A span start and end: mostly short, sometimes long.
fn span(len: usize, rng: &mut SimRng) -> (usize, usize) {
    let at = rng.below(len.max(1)).min(len);
    let max = if rng.below(4) == 0 { 5000 } else { 60 };
    (at, (at + 1 + rng.below(max)).min(len))
}

fn delete_span(bytes: &mut Vec<u8>, rng: &mut SimRng) {
    let (a, b) = span(bytes.len(), rng);
    bytes.drain(a..b);
}

fn duplicate_span(bytes: &mut Vec<u8>, rng: &mut SimRng) {
    let (a, b) = span(bytes.len(), rng);
    let copy = bytes[a..b].to_vec();
    let times = 1 + rng.below(3);
    for _ in 0..times {
        bytes.splice(a..a, copy.iter().copied());
    }
}

fn insert_token(bytes: &mut Vec<u8>, tokens: &[&str], rng: &mut SimRng) {
    let at = rng.below(bytes.len() + 1);
    let token = tokens[rng.below(tokens.len())];
    let times = if rng.below(5) == 0 {
        1 + rng.below(2000)
    } else {
        1
    };
    bytes.splice(at..at, token.repeat(times).bytes());
}

/// A span of another file inserted anywhere.
fn splice_raw(bytes: &mut Vec<u8>, others: &[&str], rng: &mut SimRng) {
    let Some(other) = pick(others, rng) else {
        return;
    };
    let (a, b) = span(other.len(), rng);
    let at = rng.below(bytes.len() + 1);
    bytes.splice(at..at, other.as_bytes()[a..b].iter().copied());
}

fn pick<'a>(items: &[&'a str], rng: &mut SimRng) -> Option<&'a str> {
    (!items.is_empty()).then(|| items[rng.below(items.len())])
}

/// The head of this file and the tail of another, cut at the same field name (`width:`,
/// `"W":`) or, for data, at a line start: a well-formed file whose parts disagree.
fn crossover(text: &str, format: Format, others: &[&str], rng: &mut SimRng) -> String {
    let Some(other) = pick(others, rng) else {
        return text.to_owned();
    };
    if format == Format::Patterns {
        let head = text
            .lines()
            .take(rng.below(8))
            .collect::<Vec<_>>()
            .join("\n");
        let tail = other
            .lines()
            .skip(rng.below(8))
            .collect::<Vec<_>>()
            .join("\n");
        return format!("{head}\n{tail}\n");
    }
    let names = field_names(text);
    let Some(&(at, name)) = names.get(rng.below(names.len().max(1))) else {
        return text.to_owned();
    };
    let cuts: Vec<usize> = other.match_indices(name).map(|(i, _)| i).collect();
    match cuts.get(rng.below(cuts.len().max(1))) {
        Some(&cut) => format!("{}{}", &text[..at], &other[cut..]),
        None => text.to_owned(),
    }
}

/// Every `name:` (RON) or `"name":` (JSON) with its position.
pub(super) fn field_names(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (colon, _) in text.match_indices(':') {
        let head = &text[..colon];
        let start = head
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '"'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        if colon > start + 1 {
            out.push((start, &text[start..=colon]));
        }
    }
    out
}

/// The spans of every number literal (sign, digits, fraction, exponent).
pub(super) fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
        let mut end = i;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b".+-".contains(&b[end])) {
            let sign_ok = !b"+-".contains(&b[end]) || matches!(b[end - 1], b'e' | b'E');
            if !sign_ok {
                break;
            }
            end += 1;
        }
        out.push((start, end));
        i = end.max(i + 1);
    }
    out
}

/// One number replaced: half the time one that follows a field name (a size, a count, a
/// setting), else any (mostly weights); by an extreme value, or the old one nudged.
fn replace_number(text: &str, rng: &mut SimRng) -> String {
    let all = numbers(text);
    let named: Vec<(usize, usize)> = all
        .iter()
        .copied()
        .filter(|&(s, _)| text[..s].trim_end().ends_with([':', '(']))
        .collect();
    let pool = if rng.below(2) == 0 && !named.is_empty() {
        &named
    } else {
        &all
    };
    let Some(&(s, e)) = pool.get(rng.below(pool.len().max(1))) else {
        return text.to_owned();
    };
    let old = &text[s..e];
    let new = match rng.below(4) {
        0 => match old.parse::<i128>() {
            Ok(v) => (v + [-1, 1, -2, 2][rng.below(4)]).to_string(),
            Err(_) => format!("{old}0"),
        },
        1 => format!("{old}{}", "0".repeat(1 + rng.below(12))),
        _ => EXTREME_NUMBERS[rng.below(EXTREME_NUMBERS.len())].to_owned(),
    };
    format!("{}{new}{}", &text[..s], &text[e..])
}

/// A variant or struct name (a capitalized word outside strings) replaced by another from the
/// same file: `Rbm` for `Net`, `Sequential` for `Random`, `Some` for `None`.
fn swap_identifier(text: &str, rng: &mut SimRng) -> String {
    let b = text.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_uppercase() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let end = (i..b.len())
                .find(|&j| !b[j].is_ascii_alphanumeric())
                .unwrap_or(b.len());
            words.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    let (Some(&(s, e)), Some(&(s2, e2))) = (
        words.get(rng.below(words.len().max(1))),
        words.get(rng.below(words.len().max(1))),
    ) else {
        return text.to_owned();
    };
    format!("{}{}{}", &text[..s], &text[s2..e2], &text[e..])
}

/// A line dropped, repeated, swapped with another, or (data) made many times longer, all
/// within [`MAX_MUTANT_BYTES`].
fn edit_lines(text: &str, rng: &mut SimRng, data: bool) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let room = MAX_MUTANT_BYTES.saturating_sub(text.len());
    let k = rng.below(lines.len());
    let line_len = lines[k].len() + 1;
    match rng.below(if data { 6 } else { 3 }) {
        0 => {
            lines.remove(k);
        }
        1 => {
            let copies = if rng.below(4) == 0 {
                1 + rng.below(500)
            } else {
                1
            };
            for _ in 0..copies.min(room / line_len) {
                lines.insert(k, lines[k].clone());
            }
        }
        2 => {
            let j = rng.below(lines.len());
            lines.swap(k, j);
        }
        3 => {
            let times = [2, 10, 1000, 1001][rng.below(4)];
            lines[k] = lines[k].repeat(times.min(1 + room / line_len));
        }
        4 => {
            // Every pattern longer alike: the file stays well formed, the net grows.
            let times = [2, 10, 100, 1000, 1001][rng.below(5)];
            let times = times.min(1 + room / text.len().max(1));
            lines.iter_mut().for_each(|l| *l = l.repeat(times));
        }
        _ => {
            let cut = rng.below(lines[k].len() + 1);
            lines[k].truncate(cut);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
