//! The one declared limit on model sizes, checked on every path that makes a model (files,
//! JSON, data widths, command-line flags, app controls) before anything is allocated.
//!
//! - at most [`MAX_UNITS`] units in any layer, grid or data line;
//! - at most [`MAX_WEIGHTS`] weights in any network: a fully connected net of n units holds
//!   n² (so n ≤ 2048), an RBM nv · nh (784 × 5 350 fits; 784 × 500 uses a tenth).
//!
//! 2²² weights take 32 MB in double precision and about 90 MB as session text, so the largest
//! model loads, runs (with its single-precision copy and learning statistics) and saves in well
//! under half a gigabyte. Products are formed in `u128`, so no size can wrap around.

use super::error::EngineError;

/// The most units in any one layer, grid or data line.
pub const MAX_UNITS: usize = 100_000;
/// The most weights in any one network.
pub const MAX_WEIGHTS: usize = 1 << 22;

/// Checks a count of units: 1 to [`MAX_UNITS`].
pub fn check_units(what: &str, units: usize) -> Result<(), EngineError> {
    if units > MAX_UNITS {
        return Err(too_large(what, units as u128, MAX_UNITS, "units"));
    }
    Ok(())
}

/// Checks a `rows × cols` weight matrix against [`MAX_WEIGHTS`] (and each side against
/// [`MAX_UNITS`]); returns the number of weights.
pub fn check_weights(what: &str, rows: usize, cols: usize) -> Result<usize, EngineError> {
    check_units(what, rows)?;
    check_units(what, cols)?;
    let weights = rows as u128 * cols as u128;
    if weights > MAX_WEIGHTS as u128 {
        return Err(too_large(
            &format!("{what} ({rows} × {cols})"),
            weights,
            MAX_WEIGHTS,
            "weights",
        ));
    }
    Ok(weights as usize)
}

/// The units of a fully connected net of `visible + hidden` units, checked (n ≥ 1, n² weights
/// within the limit).
pub fn check_net(visible: usize, hidden: usize) -> Result<usize, EngineError> {
    let n = visible as u128 + hidden as u128;
    if n == 0 {
        return Err(EngineError::BadParameter(
            "a network needs at least one unit".into(),
        ));
    }
    if n > MAX_UNITS as u128 {
        return Err(too_large("the network", n, MAX_UNITS, "units"));
    }
    let n = n as usize;
    check_weights("the network's weights", n, n)?;
    Ok(n)
}

fn too_large(what: &str, got: u128, limit: usize, unit: &str) -> EngineError {
    EngineError::TooLarge {
        what: what.to_owned(),
        got,
        limit,
        unit: unit.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_at_their_edges_and_never_wrap() {
        assert_eq!(check_net(2048, 0), Ok(2048));
        assert!(check_net(2048, 1).is_err());
        assert_eq!(check_weights("W", 784, 500), Ok(392_000));
        assert!(check_weights("W", 100_000, 100_000).is_err());
        // usize::MAX + 1 would wrap to 0 in usize arithmetic.
        assert!(check_net(usize::MAX, 1).is_err());
        let message = check_weights("W", 5000, 5000)
            .expect_err("over the limit")
            .to_string();
        assert!(
            message.contains("25000000") && message.contains("4194304"),
            "{message}"
        );
    }
}
