//! A radix-2 fast Fourier transform, just enough for autocovariances of long series in
//! O(N log N) (Wiener–Khinchin: the autocovariance is the inverse transform of |F(x)|²,
//! with zero padding to at least 2N so the circular sum does not wrap).

use std::f64::consts::TAU;

/// The longest series [`autocovariance`] takes whole (longer ones are cut to their last
/// `MAX_SERIES` values): the transform then holds 2²³ complex numbers, 128 MiB.
pub const MAX_SERIES: usize = 1 << 22;

/// In-place iterative Cooley–Tukey transform of `re + i·im` (length a power of two):
/// `X_k = Σₜ xₜ e^{∓2πi kt/L}`, the minus sign when `inverse` is false. Unscaled.
fn transform(re: &mut [f64], im: &mut [f64], inverse: bool) {
    let len = re.len();
    debug_assert!(len.is_power_of_two() && im.len() == len);
    // Bit-reversal permutation.
    let mut j = 0;
    for i in 1..len {
        let mut bit = len >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut size = 2;
    while size <= len {
        let half = size / 2;
        let angle = sign * TAU / size as f64;
        // Twiddles computed directly (not by repeated multiplication) so errors do not grow.
        let twiddles: Vec<(f64, f64)> = (0..half)
            .map(|k| {
                let a = angle * k as f64;
                (a.cos(), a.sin())
            })
            .collect();
        for start in (0..len).step_by(size) {
            for (k, &(wr, wi)) in twiddles.iter().enumerate() {
                let (a, b) = (start + k, start + k + half);
                let (xr, xi) = (re[b] * wr - im[b] * wi, re[b] * wi + im[b] * wr);
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
        }
        size *= 2;
    }
}

/// The empirical autocovariances of a series about its mean, normalised by N:
/// `ĉₖ = (1/N) Σ_{t=0}^{N−1−k} (xₜ − x̄)(xₜ₊ₖ − x̄)` for k = 0..N (the positive-definite
/// estimator). Series longer than [`MAX_SERIES`] are cut to their last values first.
pub fn autocovariance(series: &[f64]) -> Vec<f64> {
    let series = &series[series.len().saturating_sub(MAX_SERIES)..];
    let n = series.len();
    if n == 0 {
        return Vec::new();
    }
    let mean = series.iter().sum::<f64>() / n as f64;
    let len = (2 * n).next_power_of_two();
    let mut re = vec![0.0; len];
    let mut im = vec![0.0; len];
    re.iter_mut()
        .zip(series)
        .for_each(|(r, &x)| *r = x - mean);
    transform(&mut re, &mut im, false);
    re.iter_mut().zip(im.iter_mut()).for_each(|(r, i)| {
        *r = *r * *r + *i * *i;
        *i = 0.0;
    });
    transform(&mut re, &mut im, true);
    let scale = 1.0 / (len as f64 * n as f64);
    re.truncate(n);
    re.iter_mut().for_each(|r| *r *= scale);
    re
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_direct_sum() {
        let series: Vec<f64> = (0..37).map(|t| ((t * t) % 11) as f64 - 0.3 * t as f64).collect();
        let n = series.len();
        let mean = series.iter().sum::<f64>() / n as f64;
        let fast = autocovariance(&series);
        for (k, &c) in fast.iter().enumerate() {
            let direct: f64 = (0..n - k)
                .map(|t| (series[t] - mean) * (series[t + k] - mean))
                .sum::<f64>()
                / n as f64;
            assert!((c - direct).abs() < 1e-10, "lag {k}: {c} vs {direct}");
        }
    }
}
