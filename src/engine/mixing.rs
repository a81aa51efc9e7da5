//! How fast a Markov chain forgets: the integrated autocorrelation time and the effective
//! sample size of a scalar series (the energy of a chain, or one unit's state).
//!
//! For a stationary series fₜ with autocorrelation ρₖ = Cov(fₜ, fₜ₊ₖ)/Var(f), the mean of N
//! consecutive values has variance ≈ τ_int · Var(f)/N with
//!
//! `τ_int = 1 + 2 Σ_{k≥1} ρₖ`,
//!
//! so the chain is worth `ESS = N / τ_int` independent draws (i.i.d. data give τ_int = 1).
//!
//! The estimate sums the empirical ρ̂ₖ (autocovariances normalised by N, all lags at once by
//! FFT) up to a window M and stops at Sokal's automatic window: the smallest M with
//! `M ≥ c · τ̂_int(M)`, c = [`SOKAL_C`]. Summing further adds only noise; stopping sooner
//! misses the tail. Its variance is `Var(τ̂) ≈ 2(2M + 1)/N · τ²` (Sokal 1997, "Monte Carlo
//! methods in statistical mechanics", eq. 3.19; Madras & Sokal 1988). If no M below N/2 meets
//! the rule the series is too short to say, and the result says so ([`Autocorrelation::converged`]).

use super::fft::{MAX_SERIES, autocovariance};

/// Sokal's window factor c: the window M is the smallest with M ≥ c · τ̂_int(M). Five is
/// Sokal's choice for chains whose autocorrelation falls roughly exponentially.
pub const SOKAL_C: f64 = 5.0;

/// Lags summed directly before switching to the FFT of all lags.
const DIRECT_LAGS: usize = 64;

/// The integrated autocorrelation time of one series and what follows from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Autocorrelation {
    /// τ̂_int = 1 + 2 Σ_{k=1}^{M} ρ̂ₖ. Anticorrelated chains may give τ̂ < 1 (more information
    /// per draw than i.i.d. ones).
    pub tau: f64,
    /// The window M where the sum stopped.
    pub window: usize,
    /// The number of values N.
    pub len: usize,
    /// Whether Sokal's rule was met below N/2 (otherwise the series is too short and τ̂ is a
    /// lower bound at best).
    pub converged: bool,
}

impl Autocorrelation {
    /// Effective sample size N / max(τ̂, 1): never more than N, so a noisy τ̂ below 1 does not
    /// promise more than N independent draws.
    pub fn ess(&self) -> f64 {
        self.len as f64 / self.tau.max(1.0)
    }

    /// The estimator's standard error √(2(2M + 1)/N) · τ̂.
    pub fn std_error(&self) -> f64 {
        (2.0 * (2.0 * self.window as f64 + 1.0) / self.len as f64).sqrt() * self.tau
    }
}

/// τ̂_int of `series` (its last [`MAX_SERIES`] values) with Sokal's automatic window, or
/// `None` when it cannot be estimated:
/// fewer than 4 values, a value that is not finite, or no variation at all (a chain that never
/// moved has no autocorrelation time to speak of).
pub fn integrated_autocorrelation_time(series: &[f64]) -> Option<Autocorrelation> {
    let series = &series[series.len().saturating_sub(MAX_SERIES)..];
    let n = series.len();
    if n < 4 || series.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mean = series.iter().sum::<f64>() / n as f64;
    // Most chains forget within a few dozen steps: their lags summed directly cost O(N·M);
    // only a window beyond DIRECT_LAGS pays for the FFT of all lags.
    let direct = |k: usize| -> f64 {
        series[..n - k]
            .iter()
            .zip(&series[k..])
            .map(|(a, b)| (a - mean) * (b - mean))
            .sum::<f64>()
            / n as f64
    };
    let c0 = direct(0);
    // Relative to the series' scale, so a constant series with rounding noise counts as constant.
    let scale = series.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if c0 <= (scale * 1e-12).powi(2) || !c0.is_finite() {
        return None;
    }
    let mut acov: Option<Vec<f64>> = None;
    let mut tau = 1.0;
    let limit = n / 2;
    for m in 1..=limit {
        let c = if m <= DIRECT_LAGS {
            direct(m)
        } else {
            acov.get_or_insert_with(|| autocovariance(series))[m]
        };
        tau += 2.0 * c / c0;
        if m as f64 >= SOKAL_C * tau {
            return Some(Autocorrelation {
                tau,
                window: m,
                len: n,
                converged: true,
            });
        }
    }
    Some(Autocorrelation {
        tau,
        window: limit,
        len: n,
        converged: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SimRng;

    /// An AR(1) series xₜ = φ xₜ₋₁ + εₜ started from its stationary law: ρₖ = φᵏ, so
    /// τ_int = 1 + 2φ/(1 − φ) = (1 + φ)/(1 − φ).
    fn ar1(phi: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = SimRng::seed_from_u64(seed);
        let mut x = rng.normal() / (1.0 - phi * phi).sqrt();
        (0..n)
            .map(|_| {
                x = phi * x + rng.normal();
                x
            })
            .collect()
    }

    #[test]
    fn ar1_gives_its_known_time_within_the_estimators_error() {
        for (phi, seed) in [(0.5, 1), (0.9, 2), (0.95, 3), (-0.3, 4)] {
            let exact = (1.0 + phi) / (1.0 - phi);
            let n = 200_000;
            let est = integrated_autocorrelation_time(&ar1(phi, n, seed)).expect("estimate");
            assert!(est.converged, "φ = {phi}: window did not converge");
            // Sokal's variance with the exact τ, plus the window's bias: the omitted tail
            // 2 Σ_{k>M} φᵏ = 2 φ^{M+1}/(1 − φ) (zero for M ≥ 5τ to within e⁻⁵ of τ).
            let sd = (2.0 * (2.0 * est.window as f64 + 1.0) / n as f64).sqrt() * exact;
            let bias = 2.0 * phi.abs().powi(est.window as i32 + 1) / (1.0 - phi.abs());
            let err = (est.tau - exact).abs();
            assert!(err < 4.0 * sd + bias, "φ = {phi}: τ̂ = {} vs {exact}", est.tau);
            assert!((est.ess() - n as f64 / est.tau.max(1.0)).abs() < 1e-9);
        }
    }

    #[test]
    fn independent_draws_give_one() {
        let mut rng = SimRng::seed_from_u64(9);
        let n = 100_000;
        let series: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
        let est = integrated_autocorrelation_time(&series).expect("estimate");
        // τ = 1 exactly for i.i.d. data; the window is then M = 5 or so.
        let sd = (2.0 * (2.0 * est.window as f64 + 1.0) / n as f64).sqrt();
        assert!((est.tau - 1.0).abs() < 4.0 * sd, "τ̂ = {}", est.tau);
        assert!(est.window <= 7, "window {}", est.window);
    }

    #[test]
    fn a_hand_computed_short_series() {
        // 1, −1 alternating (mean 0, c₀ = 1): ρ̂ₖ = (−1)ᵏ (N − k)/N. With N = 8:
        // τ(1) = 1 − 2·7/8 = −0.75, and M = 1 ≥ 5·(−0.75): the window stops at once.
        let series = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        let est = integrated_autocorrelation_time(&series).expect("estimate");
        assert_eq!(est.window, 1);
        assert!((est.tau + 0.75).abs() < 1e-12, "τ̂ = {}", est.tau);
        assert_eq!(est.ess(), 8.0);
    }

    #[test]
    fn no_answer_without_variation_or_data() {
        assert!(integrated_autocorrelation_time(&[2.0; 100]).is_none());
        assert!(integrated_autocorrelation_time(&[1.0, 2.0]).is_none());
        assert!(integrated_autocorrelation_time(&[1.0, f64::NAN, 0.0, 2.0, 1.0]).is_none());
    }

    #[test]
    fn a_series_too_short_for_its_memory_says_so() {
        // A straight ramp: every lag up to N/2 is positively correlated, so no window below
        // N/2 satisfies M ≥ 5τ̂(M).
        let ramp: Vec<f64> = (0..200).map(f64::from).collect();
        let est = integrated_autocorrelation_time(&ramp).expect("estimate");
        assert!(!est.converged);
        assert_eq!(est.window, 100);
        assert!(est.tau > 20.0, "τ̂ = {}", est.tau);
    }
}
