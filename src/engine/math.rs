//! Numerically careful scalar helpers shared by every model.

/// The T = 0 limit of a Gibbs update, the one rule every model and view uses:
/// sᵢ ← `[xᵢ > 0]`, and a tie (xᵢ = 0) keeps the current value.
#[inline(always)]
pub fn zero_temperature_value(x: f64, current: u8) -> u8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        0
    } else {
        current
    }
}

/// P(sᵢ = 1 | rest) = σ(xᵢ / T) for T > 0; at T = 0 the deterministic step of
/// [`zero_temperature_value`] (1 or 0, and the current value on a tie).
pub fn p_on(x: f64, t: f64, current: u8) -> f64 {
    if t > 0.0 {
        sigmoid(x / t)
    } else {
        f64::from(zero_temperature_value(x, current))
    }
}

/// The logistic function σ(x) = 1 / (1 + e^(−x)), accurate for large |x|.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// σ(x) in single precision, for the inner loops of RBM training: `1 / (1 + e^(−x))` with
/// [`exp_f32`], branch-free so loops over it vectorize.
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-x))
}

/// e^x in single precision without a library call (Cephes `expf`: x = n ln 2 + r, |r| ≤ ½ ln 2,
/// a degree-6 polynomial for e^r, then 2ⁿ by exponent bits). Relative error below 2·10⁻⁷ on
/// [−87, 88]; inputs beyond are clamped there (so it returns ~1e-38 or ~1.6e38, never NaN or ∞).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    // Round to nearest by the 1.5·2²³ trick: t = 1.5·2²³ + n holds n in its low mantissa bits,
    // so both n and 2ⁿ come from plain adds and integer ops that vectorize on any x86-64
    // (`f32::round` is a library call there, and `as i32` a scalar saturating conversion).
    const ROUNDER: f32 = 12_582_912.0;
    let t = x * std::f32::consts::LOG2_E + ROUNDER;
    let n = t - ROUNDER;
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_6e-1;
    let p = p * r + 5e-1;
    let er = p * r * r + r + 1.0;
    let bits = t.to_bits().wrapping_sub(ROUNDER.to_bits() - 127) << 23; // (n + 127) << 23
    er * f32::from_bits(bits)
}

/// ln x in single precision without a library call (Cephes `logf`: x = m·2ᵉ with
/// m ∈ [√½, √2), a degree-9 polynomial for ln m). Branch-free, so loops over it vectorize.
/// Relative error below 3·10⁻⁷ for every positive normal x; other inputs are not meaningful.
#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    let bits = x.to_bits();
    let exponent = ((bits >> 23) as i32 - 126) as f32;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f00_0000); // m ∈ [½, 1)
    let small = m < std::f32::consts::FRAC_1_SQRT_2;
    let e = if small { exponent - 1.0 } else { exponent };
    let m = if small { m + m } else { m } - 1.0;
    let z = m * m;
    let p = 7.037_683_6e-2_f32;
    let p = p * m - 1.151_461e-1;
    let p = p * m + 1.167_699_9e-1;
    let p = p * m - 1.242_014_1e-1;
    let p = p * m + 1.424_932_3e-1;
    let p = p * m - 1.666_805_8e-1;
    let p = p * m + 2.000_071_4e-1;
    let p = p * m - 2.499_999_4e-1;
    let p = p * m + 3.333_333e-1;
    let y = p * m * z + e * -2.121_944_4e-4 - 0.5 * z;
    m + y + e * 0.693_359_4
}

/// softplus(x) = log(1 + e^x), without overflow for large x or loss for very negative x.
#[inline]
pub fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// log Σ e^(xᵢ), shifted by the maximum so nothing overflows. Empty input gives −∞.
pub fn log_sum_exp(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max.is_infinite() {
        return max;
    }
    max + values.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
}

/// log(e^a + e^b) for two terms.
#[inline]
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY || hi == f64::INFINITY {
        hi
    } else {
        hi + (lo - hi).exp().ln_1p()
    }
}

/// A streaming log-sum-exp: add terms one at a time, read log Σ e^(xᵢ) at the end.
///
/// Keeps a running maximum `m` and `Σ e^(xᵢ − m)`, rescaling when a new maximum arrives,
/// so it neither overflows nor needs a second pass.
#[derive(Clone, Copy, Debug)]
pub struct LogSumExp {
    max: f64,
    scaled_sum: f64,
}

impl Default for LogSumExp {
    fn default() -> Self {
        Self {
            max: f64::NEG_INFINITY,
            scaled_sum: 0.0,
        }
    }
}

impl LogSumExp {
    /// Adds e^x to the sum.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if self.max == f64::INFINITY {
            // The sum is already +∞ (and ∞ − ∞ would make it NaN).
            return;
        }
        if x <= self.max {
            self.scaled_sum += (x - self.max).exp();
        } else {
            self.scaled_sum = self.scaled_sum * (self.max - x).exp() + 1.0;
            self.max = x;
        }
    }

    /// log of the sum so far (−∞ when empty).
    pub fn value(&self) -> f64 {
        if self.max == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            self.max + self.scaled_sum.ln()
        }
    }
}

/// Total-variation distance ½ Σ |pᵢ − qᵢ| between two distributions on the same states.
pub fn total_variation(p: &[f64], q: &[f64]) -> f64 {
    0.5 * p.iter().zip(q).map(|(a, b)| (a - b).abs()).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_matches_definition_and_saturates_without_nan() {
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-15);
        assert!((sigmoid(2.0) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
    }

    #[test]
    fn fast_exp_is_accurate_over_its_range() {
        let mut x = -87.0f32;
        while x < 88.0 {
            let exact = f64::from(x).exp();
            let rel = ((f64::from(exp_f32(x)) - exact) / exact).abs();
            assert!(rel < 3e-7, "exp({x}): relative error {rel}");
            x += 0.0137;
        }
        assert!(exp_f32(-1000.0) >= 0.0 && exp_f32(1000.0).is_finite());
        assert!((sigmoid_f32(0.0) - 0.5).abs() < 1e-7);
    }

    #[test]
    fn fast_ln_is_accurate_from_tiny_to_huge() {
        let mut x = 1e-30f32;
        while x < 1e30 {
            let exact = f64::from(x).ln();
            let err = (f64::from(ln_f32(x)) - exact).abs();
            assert!(err <= 3e-7 * exact.abs().max(1.0), "ln({x}): error {err}");
            x *= 1.0137;
        }
        assert_eq!(ln_f32(1.0), 0.0);
    }

    #[test]
    fn softplus_is_stable_at_extremes() {
        assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
        assert_eq!(softplus(800.0), 800.0);
        assert!(softplus(-800.0) >= 0.0);
    }

    #[test]
    fn log_sum_exp_never_makes_nan_from_infinities() {
        let mut acc = LogSumExp::default();
        for x in [1.0, f64::INFINITY, 2.0, f64::INFINITY] {
            acc.add(x);
        }
        assert_eq!(acc.value(), f64::INFINITY);
        assert_eq!(log_sum_exp(&[f64::INFINITY, 3.0]), f64::INFINITY);
        assert_eq!(log_add_exp(f64::INFINITY, f64::INFINITY), f64::INFINITY);
    }

    #[test]
    fn streaming_log_sum_exp_agrees_with_closed_form() {
        let xs = [1000.0, 999.0, -5.0, 1001.0];
        let mut acc = LogSumExp::default();
        xs.iter().for_each(|&x| acc.add(x));
        let expected = 1001.0 + (1.0 + (-1.0f64).exp() + (-2.0f64).exp()).ln();
        assert!((acc.value() - expected).abs() < 1e-12);
        assert!((log_sum_exp(&xs) - expected).abs() < 1e-12);
    }
}
