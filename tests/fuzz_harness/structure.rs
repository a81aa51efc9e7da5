//! Edits that know the shape of the files: lists made longer or shorter (one, or every list
//! of a length), ndarrays reshaped with their data, and the floats of some fields scaled.
//!
//! These keep a file well formed and mostly self-consistent, so it gets past the parser and
//! the checks that only look at one part at a time, and reaches the code that runs it: an
//! RBM whose four chain arrays lost their rows together, a net whose weights, biases and
//! inputs were scaled by 10³⁰ together.

use super::mutate::{field_names, numbers};
use boltzviz::engine::SimRng;

/// Rewrites every `[…]` list of `text` (innermost first), giving each list's elements and
/// its index in closing order to `edit`, which may return new elements.
fn map_lists(text: &str, edit: &mut dyn FnMut(usize, Vec<String>) -> Vec<String>) -> String {
    let mut closed = 0;
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while pos < text.len() {
        match text[pos..].find('[') {
            Some(k) => {
                out.push_str(&text[pos..pos + k]);
                let (list, end) = one_list(text, pos + k, 0, &mut closed, edit);
                out.push_str(&list);
                pos = end;
            }
            None => {
                out.push_str(&text[pos..]);
                pos = text.len();
            }
        }
    }
    out
}

/// Lists nested deeper than this are kept as they are (an edit may have stacked thousands
/// of `[`; the harness must not overflow its own stack on them).
const MAX_NESTING: usize = 64;

/// The list that opens at `open`, `depth` lists deep, rewritten, and where it ends (an
/// unclosed or too deeply nested list is kept as it is).
fn one_list(
    text: &str,
    open: usize,
    depth_of_lists: usize,
    closed: &mut usize,
    edit: &mut dyn FnMut(usize, Vec<String>) -> Vec<String>,
) -> (String, usize) {
    if depth_of_lists > MAX_NESTING {
        return (text[open..].to_owned(), text.len());
    }
    let b = text.as_bytes();
    let mut elements: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut run = open + 1;
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'[' => {
                current.push_str(&text[run..i]);
                let (inner, end) = one_list(text, i, depth_of_lists + 1, closed, edit);
                current.push_str(&inner);
                i = end;
                run = end;
                continue;
            }
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                current.push_str(&text[run..i]);
                elements.push(std::mem::take(&mut current));
                run = i + 1;
            }
            b']' if depth == 0 => {
                current.push_str(&text[run..i]);
                if !current.trim().is_empty() {
                    elements.push(current);
                }
                let index = *closed;
                *closed += 1;
                let elements = edit(index, elements);
                return (format!("[{}]", elements.join(",")), i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    (text[open..].to_owned(), text.len())
}

/// `items` cycled to `n` elements (zeros if there were none).
fn cycled(items: &[String], n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            items
                .get(i % items.len().max(1))
                .cloned()
                .unwrap_or_else(|| "0".into())
        })
        .collect()
}

/// A new length for a list of `n`: none, one, one less or more, or twice as many.
fn new_length(n: usize, rng: &mut SimRng) -> usize {
    [0, 1, n.saturating_sub(1), n + 1, 2 * n][rng.below(5)]
}

/// One list made shorter or longer, or, half the time, every list of that length alike (so
/// a JSON "W" keeps its rows equal, or every mask and state of n units becomes n + 1). Sizes
/// stored beside the lists (`n`, `dim`) are left alone, as a careless tool would.
pub(super) fn resize_lists(text: &str, rng: &mut SimRng) -> String {
    let mut lengths = Vec::new();
    map_lists(text, &mut |_, items| {
        lengths.push(items.len());
        items
    });
    if lengths.is_empty() {
        return text.to_owned();
    }
    let pick = rng.below(lengths.len());
    let old = lengths[pick];
    let new = new_length(old, rng);
    let all = rng.below(2) == 0;
    map_lists(text, &mut |index, items| {
        if index == pick || (all && items.len() == old) {
            cycled(&items, new)
        } else {
            items
        }
    })
}

/// The most elements a reshaped array gets.
const MAX_ARRAY_ELEMENTS: usize = 200_000;

/// An ndarray in a session: `dim: (…)` and its `data: […]`.
struct ArrayAt {
    /// The text inside `dim: (` … `)`.
    dim: (usize, usize),
    /// The sizes.
    shape: Vec<usize>,
    /// The text inside `data: [` … `]`.
    data: (usize, usize),
}

/// Every ndarray of a session file.
fn arrays(text: &str) -> Vec<ArrayAt> {
    let mut out = Vec::new();
    for (at, key) in text.match_indices("dim: (") {
        let start = at + key.len();
        let Some(len) = text[start..].find(')') else {
            continue;
        };
        let shape: Option<Vec<usize>> = text[start..start + len]
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse().ok())
            .collect();
        let after = start + len;
        let Some(data_at) = text[after..].find("data: [").map(|k| after + k + 7) else {
            continue;
        };
        let Some(data_len) = text[data_at..].find(']') else {
            continue;
        };
        if let Some(shape) = shape {
            out.push(ArrayAt {
                dim: (start, start + len),
                shape,
                data: (data_at, data_at + data_len),
            });
        }
    }
    out
}

/// One axis of an ndarray resized with its data kept consistent (elements cycled), or,
/// half the time, that axis of every array that had the same size there: an RBM's four
/// chain arrays down to zero rows together, a layer grown in its weights, biases and
/// momentum at once. The file still parses; what it holds no longer agrees with the rest.
pub(super) fn reshape_arrays(text: &str, rng: &mut SimRng) -> String {
    let all = arrays(text);
    let Some(chosen) = all.get(rng.below(all.len().max(1))) else {
        return resize_lists(text, rng);
    };
    let axis = rng.below(chosen.shape.len().max(1));
    let Some(&old) = chosen.shape.get(axis) else {
        return text.to_owned();
    };
    let new = new_length(old, rng);
    let every = rng.below(3) != 0;
    let mut out = text.to_owned();
    // From the end, so earlier positions stay valid.
    for a in all.iter().rev() {
        let same = a.shape.len() == chosen.shape.len() && a.shape.get(axis) == Some(&old);
        if !(std::ptr::eq(a, chosen) || (every && same)) {
            continue;
        }
        let mut shape = a.shape.clone();
        shape[axis] = new;
        let items: Vec<String> = text[a.data.0..a.data.1]
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        // A size already made huge by an earlier edit is left as it is (the harness must not
        // ask for the gigabytes it is testing for).
        let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        let Some(count) = count.filter(|&c| c <= MAX_ARRAY_ELEMENTS) else {
            continue;
        };
        let data = cycled(&items, count).join(", ");
        let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        out.replace_range(a.data.0..a.data.1, &data);
        out.replace_range(a.dim.0..a.dim.1, &dims.join(", "));
    }
    out
}

/// Whether a number literal is a float (RON and JSON write floats with a point or exponent).
fn is_float(literal: &str) -> bool {
    literal.contains(['.', 'e', 'E'])
}

/// Every float of some fields (each field name of the file taken or not, at random)
/// multiplied by one factor: huge, tiny, zero or negated. Scaling a net's weights, biases and
/// inputs together keeps it symmetric and self-consistent, so it loads and runs with numbers
/// that overflow.
pub(super) fn scale_fields(text: &str, rng: &mut SimRng) -> String {
    let factor = [1e30, 1e36, 1e300, 1e-30, 0.0, -1.0, 1e15][rng.below(7)];
    let mut names: Vec<&str> = field_names(text).into_iter().map(|(_, n)| n).collect();
    names.sort_unstable();
    names.dedup();
    let chosen: Vec<&str> = names.into_iter().filter(|_| rng.below(2) == 0).collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for name in &chosen {
        for (at, _) in text.match_indices(name) {
            let start = at + name.len();
            let rest = &text[start..];
            let end = match rest.trim_start().chars().next() {
                Some('[') | Some('A') => rest
                    .find('[')
                    .and_then(|open| one_list_end(rest, open))
                    .map_or(start, |e| start + e),
                _ => start + rest.find([',', '\n', ')', '}']).unwrap_or(rest.len()),
            };
            spans.push((start, end));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in numbers(text) {
        let inside = spans.iter().any(|&(a, b)| a <= s && e <= b);
        let literal = &text[s..e];
        if inside
            && is_float(literal)
            && let Ok(v) = literal.parse::<f64>()
        {
            out.push_str(&text[last..s]);
            out.push_str(&format!("{:e}", v * factor));
            last = e;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Where the list opening at `open` closes (just past its `]`).
fn one_list_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.bytes().enumerate().skip(open) {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}
