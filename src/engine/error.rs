//! The one error type of the engine: each variant states the rule that was broken.

/// Something the engine was asked to do with input that cannot work.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// Two sizes that must agree do not.
    #[error("size mismatch in {what}: expected {expected}, got {got}")]
    SizeMismatch {
        /// What was being sized.
        what: String,
        /// The size required.
        expected: usize,
        /// The size given.
        got: usize,
    },
    /// A NaN or an infinity where a finite number is required.
    #[error("{what} must be finite, but entry {index} is {value}")]
    NotFinite {
        /// Which array.
        what: String,
        /// Flat index of the bad entry.
        index: usize,
        /// The value found.
        value: f64,
    },
    /// A temperature that is negative or not a number.
    #[error("temperature must be a finite number >= 0, got {0}")]
    BadTemperature(f64),
    /// A parameter out of its allowed range.
    #[error("{0}")]
    BadParameter(String),
    /// Training or evaluation was asked for with no data.
    #[error("the data set is empty")]
    EmptyData,
    /// A weight matrix that must be symmetric is not.
    #[error("weights must be symmetric, but w[{i}][{j}] = {wij} and w[{j}][{i}] = {wji}")]
    Asymmetric {
        /// Row.
        i: usize,
        /// Column.
        j: usize,
        /// `w[i][j]`.
        wij: f64,
        /// `w[j][i]`.
        wji: f64,
    },
    /// A self-connection where the model forbids it.
    #[error("weights must have a zero diagonal, but w[{i}][{i}] = {value}")]
    NonZeroDiagonal {
        /// The unit.
        i: usize,
        /// The diagonal value.
        value: f64,
    },
    /// The net is too large to enumerate exactly.
    #[error("{units} units is too many to enumerate exactly (the limit is {limit})")]
    TooLargeToEnumerate {
        /// Units that would be enumerated.
        units: usize,
        /// The largest supported.
        limit: usize,
    },
    /// A line of a pattern file could not be read.
    #[error("line {line}: {problem}")]
    BadPatternLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// Learning ran away: a parameter became non-finite or huge. The model keeps its last
    /// good parameters.
    #[error(
        "learning diverged: a parameter would reach {value:e} (the limit is ±{limit:e}); try a smaller learning rate"
    )]
    Diverged {
        /// The largest |parameter| the step would have made.
        value: f64,
        /// The bound.
        limit: f64,
    },
    /// A size over BoltzViz's declared limit (see [`crate::engine::limits`]).
    #[error("{what} is too large: {got} {unit}, the limit is {limit}")]
    TooLarge {
        /// What was being sized.
        what: String,
        /// The size asked for (u128, so products never wrap).
        got: u128,
        /// The limit.
        limit: usize,
        /// Units, weights, patterns…
        unit: String,
    },
    /// A matrix that had to be inverted is singular (e.g. repeated patterns).
    #[error("{0}")]
    Singular(String),
}

/// Checks that every value is finite.
pub fn check_finite(what: &str, values: impl IntoIterator<Item = f64>) -> Result<(), EngineError> {
    check_each(what, values, f64::INFINITY)
}

/// Checks that `got == expected`.
pub fn check_len(what: &str, expected: usize, got: usize) -> Result<(), EngineError> {
    if expected == got {
        Ok(())
    } else {
        Err(EngineError::SizeMismatch {
            what: what.to_owned(),
            expected,
            got,
        })
    }
}

/// Checks a temperature: finite and ≥ 0 (0 is the deterministic limit).
pub fn check_temperature(t: f64) -> Result<(), EngineError> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(EngineError::BadTemperature(t))
    }
}

/// The largest |weight| or |bias| a model may hold, loaded or learned: far beyond any useful
/// model (at T = 1 a weight of 40 already makes a unit deterministic to 17 digits), and small
/// enough that no energy of the largest net (2048² weights) comes near overflowing, so every
/// log-sum-exp stays finite. Learning that gets here has diverged.
pub const MAX_PARAMETER: f64 = 1e6;

/// Checks model parameters read from outside: finite and within ±[`MAX_PARAMETER`].
pub fn check_parameters(
    what: &str,
    values: impl IntoIterator<Item = f64>,
) -> Result<(), EngineError> {
    check_each(what, values, MAX_PARAMETER)
}

/// Every value finite and |value| ≤ `bound`; the error names the first that is not.
fn check_each(
    what: &str,
    values: impl IntoIterator<Item = f64>,
    bound: f64,
) -> Result<(), EngineError> {
    for (index, value) in values.into_iter().enumerate() {
        if !value.is_finite() {
            return Err(EngineError::NotFinite {
                what: what.to_owned(),
                index,
                value,
            });
        }
        if value.abs() > bound {
            return Err(EngineError::BadParameter(format!(
                "{what}: entry {index} is {value:e}, beyond ±{bound:e}, the largest magnitude BoltzViz accepts"
            )));
        }
    }
    Ok(())
}

/// Refuses parameters that learning has driven past [`MAX_PARAMETER`] or to NaN.
pub fn check_not_diverged(values: impl IntoIterator<Item = f64>) -> Result<(), EngineError> {
    let worst = values
        .into_iter()
        .map(f64::abs)
        .fold(0.0, |a: f64, b| if b.is_nan() || b > a { b } else { a });
    if worst <= MAX_PARAMETER {
        Ok(())
    } else {
        Err(EngineError::Diverged {
            value: worst,
            limit: MAX_PARAMETER,
        })
    }
}
