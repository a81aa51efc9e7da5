//! Checks on command-line values that the types alone do not make: finite positive durations,
//! counts whose products must not overflow, sizes within the model limits. Every check runs
//! before any work starts, and each refusal is one line naming the flag.

use crate::engine::limits;

/// A refusal of a command-line value. `main` exits with status 2 for it, as for clap's own
/// refusals (a usage error), and 1 for a failure of the work itself.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A [`UsageError`] as the `anyhow::Error` commands return.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Whether `error` is a refusal of a command-line value (exit status 2).
pub fn is_usage(error: &anyhow::Error) -> bool {
    error.downcast_ref::<UsageError>().is_some()
}

/// A momentum-like flag in `[0, 1)`.
pub fn fraction_below_one(flag: &str, value: f64) -> anyhow::Result<f64> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(value)
    } else {
        Err(usage(format!(
            "{flag} must be at least 0 and less than 1, got {value}"
        )))
    }
}

/// A flag that must be a finite number ≥ 0 and at most `max`.
pub fn non_negative(flag: &str, value: f64, max: f64) -> anyhow::Result<f64> {
    if value.is_finite() && (0.0..=max).contains(&value) {
        Ok(value)
    } else {
        Err(usage(format!(
            "{flag} must be a number from 0 to {max}, got {value}"
        )))
    }
}

/// The most sweeps, epochs or steps any one command runs (about 30 years at 10⁹ a second):
/// larger counts are almost always a typo, and stay far from overflowing `usize`.
pub const MAX_COUNT: usize = 1 << 60;

/// A positive flag: a finite number greater than 0 and at most `max` (`unit` says of what,
/// e.g. "seconds", or is empty).
pub fn positive(flag: &str, value: f64, max: f64, unit: &str) -> anyhow::Result<f64> {
    if value.is_finite() && value > 0.0 && value <= max {
        Ok(value)
    } else {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        Err(usage(format!(
            "{flag} must be greater than 0 and at most {max}{unit}, got {value}"
        )))
    }
}

/// A count flag: `min` to [`MAX_COUNT`].
pub fn count(flag: &str, value: usize, min: usize) -> anyhow::Result<usize> {
    if value < min {
        Err(usage(format!("{flag} must be at least {min}, got {value}")))
    } else if value > MAX_COUNT {
        Err(usage(format!(
            "{flag} must be at most 2⁶⁰ (about 1.2·10¹⁸), got {value}"
        )))
    } else {
        Ok(value)
    }
}

/// `a · b + c` for counts from flags, refused when it passes [`MAX_COUNT`] (`what` names the
/// flags involved).
pub fn total(what: &str, a: usize, b: usize, c: usize) -> anyhow::Result<usize> {
    let sum = a as u128 * b as u128 + c as u128;
    if sum > MAX_COUNT as u128 {
        return Err(usage(format!(
            "{what} is {sum}, more than the 2⁶⁰ (about 1.2·10¹⁸) one command may run"
        )));
    }
    Ok(sum as usize)
}

/// A real-valued flag in `[low, high]` (finite).
pub fn within(flag: &str, value: f64, low: f64, high: f64) -> anyhow::Result<f64> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(usage(format!(
            "{flag} must be a number from {low} to {high}, got {value}"
        )))
    }
}

/// Hidden units for a model of `visible` units: 1 or more for an RBM, and within the size
/// limit (see [`limits`]) for either kind.
pub fn hidden_units(hidden: usize, visible: usize, rbm: bool) -> anyhow::Result<()> {
    if rbm {
        if hidden == 0 {
            return Err(usage("--hidden must be at least 1 for an RBM"));
        }
        limits::check_weights("--hidden: the RBM's weights", visible, hidden)
            .map_err(|e| usage(e.to_string()))?;
    } else {
        limits::check_net(visible, hidden).map_err(|e| {
            usage(format!(
                "--hidden {hidden} with {visible} visible units: {e}"
            ))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_must_be_finite_and_positive() {
        for bad in [f64::NAN, -1.0, 0.0, 1e30, f64::INFINITY] {
            assert!(
                positive("--ui-seconds", bad, 3600.0, "seconds").is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            positive("--ui-seconds", 4.0, 3600.0, "seconds").ok(),
            Some(4.0)
        );
    }

    #[test]
    fn totals_never_wrap() {
        // 2^63 + 1 sweeps × 2 would wrap to 2 in usize arithmetic.
        assert!(total("--sweeps × --thin", (1 << 63) + 1, 2, 0).is_err());
        assert!(total("x", 1, 1, usize::MAX).is_err());
        assert_eq!(total("x", 1000, 3, 100).ok(), Some(3100));
    }
}
