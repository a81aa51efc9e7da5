//! The i.i.d. floor of the total-variation distance: how far the histogram of N independent
//! exact draws from p lies from p, `TV(p̂_N, p) = ½ Σᵢ |p̂ᵢ − pᵢ|`. A sampler can do no better
//! than this with N samples; a sampler far above it is mixing slowly (or is wrong).
//!
//! - The **mean** is exact. Each count Xᵢ is Binomial(N, pᵢ), and de Moivre's formula gives
//!   its mean absolute deviation with m = ⌊N pᵢ⌋:
//!   `E|Xᵢ − N pᵢ| = 2 (m + 1) C(N, m + 1) pᵢ^{m+1} (1 − pᵢ)^{N−m}`,
//!   so `E[TV] = (1/2N) Σᵢ E|Xᵢ − N pᵢ|` (linearity: the dependence between counts does not
//!   matter for the mean). For large N it approaches `½ Σᵢ √(2 pᵢ(1 − pᵢ)/(π N))`
//!   ([`iid_tv_mean_large_n`]).
//! - The **99 % band** (the 0.5 % and 99.5 % quantiles) comes from [`REPLICATES`] fixed-seed
//!   multinomial draws of N from p, each drawn as conditional binomials over the states in
//!   order of falling probability (exact inversion while N·q < [`INVERSION_LIMIT`], a rounded
//!   normal beyond). Once every draw is placed the remaining states contribute their whole
//!   mass, so a draw costs O(states actually hit), not O(all states).

use super::error::EngineError;
use super::rng::SimRng;

/// Multinomial replicates behind the 99 % band.
pub const REPLICATES: usize = 200;

/// Binomial draws with a mean N·q below this are drawn exactly by inversion; above, by a
/// rounded normal (skewness error ≈ (1 − 2q)/√(Nq(1−q)) ≤ 0.16 of a standard deviation).
pub const INVERSION_LIMIT: f64 = 40.0;

/// The i.i.d. floor for one N: the mean TV and its 99 % band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TvFloor {
    /// The number of independent draws N.
    pub draws: u64,
    /// E[TV(p̂_N, p)], exact.
    pub mean: f64,
    /// The 0.5 % quantile (from [`REPLICATES`] simulated multinomials).
    pub low: f64,
    /// The 99.5 % quantile.
    pub high: f64,
}

/// An exact distribution prepared for repeated floors: probabilities in falling order and
/// the mass that remains after each.
#[derive(Clone, Debug)]
pub struct FloorTable {
    sorted: Vec<f64>,
    /// `tail[i] = Σ_{j ≥ i} sorted[j]`.
    tail: Vec<f64>,
}

impl FloorTable {
    /// Checks `p` (finite, ≥ 0, summing to 1 within 10⁻⁶) and sorts it.
    pub fn new(p: &[f64]) -> Result<Self, EngineError> {
        if p.is_empty() || p.iter().any(|&x| !x.is_finite() || x < 0.0) {
            return Err(EngineError::BadParameter(
                "a distribution needs at least one state and finite probabilities ≥ 0".into(),
            ));
        }
        let total: f64 = p.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(EngineError::BadParameter(format!(
                "the probabilities sum to {total}, not 1"
            )));
        }
        let mut sorted: Vec<f64> = p.iter().map(|x| x / total).filter(|&x| x > 0.0).collect();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let mut tail = vec![0.0; sorted.len() + 1];
        for i in (0..sorted.len()).rev() {
            tail[i] = tail[i + 1] + sorted[i];
        }
        Ok(Self { sorted, tail })
    }

    /// The exact mean E[TV] for `draws` ≥ 1 independent draws (de Moivre).
    pub fn mean(&self, draws: u64) -> f64 {
        let n = draws.max(1);
        let total: f64 = self
            .sorted
            .iter()
            .map(|&p| binomial_mean_abs_deviation(n, p))
            .sum();
        total / (2.0 * n as f64)
    }

    /// The mean and the 99 % band for `draws` ≥ 1 draws, the band from [`REPLICATES`]
    /// multinomials drawn from `seed`.
    pub fn floor(&self, draws: u64, seed: u64) -> TvFloor {
        let n = draws.max(1);
        let mut rng = SimRng::seed_from_u64(seed);
        let mut tvs: Vec<f64> = (0..REPLICATES)
            .map(|_| self.replicate_tv(n, &mut rng))
            .collect();
        tvs.sort_by(f64::total_cmp);
        let quantile = |q: f64| tvs[((q * (REPLICATES - 1) as f64).round() as usize).min(REPLICATES - 1)];
        TvFloor {
            draws: n,
            mean: self.mean(n),
            low: quantile(0.005),
            high: quantile(0.995),
        }
    }

    /// TV of one multinomial histogram of n draws.
    fn replicate_tv(&self, n: u64, rng: &mut SimRng) -> f64 {
        let inv_n = 1.0 / n as f64;
        let mut remaining = n;
        let mut abs_sum = 0.0;
        for (i, &p) in self.sorted.iter().enumerate() {
            if remaining == 0 {
                // Every later state got nothing: each contributes |0 − p| = p.
                abs_sum += self.tail[i];
                break;
            }
            let rest = self.tail[i];
            let x = if p >= rest || i + 1 == self.sorted.len() {
                remaining
            } else {
                binomial(remaining, p / rest, rng)
            };
            remaining -= x;
            abs_sum += (x as f64 * inv_n - p).abs();
        }
        0.5 * abs_sum
    }
}

/// `½ Σᵢ √(2 pᵢ(1 − pᵢ)/(π N))`: the large-N limit of E[TV] (each count nearly normal, and
/// E|Z| = σ√(2/π)).
pub fn iid_tv_mean_large_n(p: &[f64], draws: u64) -> f64 {
    let n = draws.max(1) as f64;
    0.5 * p
        .iter()
        .map(|&q| (2.0 * q * (1.0 - q) / (std::f64::consts::PI * n)).sqrt())
        .sum::<f64>()
}

/// E|X − n p| for X ~ Binomial(n, p), by de Moivre's formula (in logarithms).
fn binomial_mean_abs_deviation(n: u64, p: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 {
        return 0.0;
    }
    let m = ((n as f64 * p).floor() as u64).min(n - 1);
    let k = m + 1;
    let log = std::f64::consts::LN_2 + (k as f64).ln() + ln_choose(n, k)
        + k as f64 * p.ln()
        + (n - m) as f64 * (-p).ln_1p();
    log.exp()
}

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// ln Γ(x) for x ≥ ½ (Lanczos, g = 7, nine terms; relative error below 10⁻¹⁵).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (std::f64::consts::TAU).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// A Binomial(n, q) draw: inversion (exact) when n·min(q, 1 − q) < [`INVERSION_LIMIT`],
/// otherwise the normal law of the same mean and variance, rounded and clipped to 0..=n.
fn binomial(n: u64, q: f64, rng: &mut SimRng) -> u64 {
    if q <= 0.0 {
        return 0;
    }
    if q >= 1.0 {
        return n;
    }
    if q > 0.5 {
        return n - binomial(n, 1.0 - q, rng);
    }
    let mean = n as f64 * q;
    if mean < INVERSION_LIMIT {
        // Walk the pmf upward: P(k+1)/P(k) = (n − k)/(k + 1) · q/(1 − q).
        let odds = q / (1.0 - q);
        let mut pmf = (n as f64 * (-q).ln_1p()).exp();
        let mut u = rng.uniform();
        let mut k = 0;
        while u > pmf && k < n {
            u -= pmf;
            pmf *= (n - k) as f64 / (k + 1) as f64 * odds;
            k += 1;
        }
        k
    } else {
        let x = mean + (mean * (1.0 - q)).sqrt() * rng.normal();
        x.round().clamp(0.0, n as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact law of TV for two states: TV = |X/N − p| with X ~ Binomial(N, p).
    fn two_state_law(n: u64, p: f64) -> Vec<(f64, f64)> {
        let mut law: Vec<(f64, f64)> = (0..=n)
            .map(|x| {
                let log = ln_choose(n, x) + x as f64 * p.ln() + (n - x) as f64 * (1.0 - p).ln();
                ((x as f64 / n as f64 - p).abs(), log.exp())
            })
            .collect();
        law.sort_by(|a, b| a.0.total_cmp(&b.0));
        law
    }

    #[test]
    fn de_moivre_matches_the_binomial_law_by_hand() {
        // n = 1: E|X − p| = 2p(1 − p). n = 3, p = ½: |X − 1.5| is 1.5 w.p. ¼ and 0.5 w.p. ¾.
        assert!((binomial_mean_abs_deviation(1, 0.3) - 0.42).abs() < 1e-12);
        assert!((binomial_mean_abs_deviation(3, 0.5) - 0.75).abs() < 1e-12);
        // Against the whole law for a larger case.
        let (n, p) = (500, 0.13);
        let exact: f64 = two_state_law(n, p).iter().map(|(d, w)| d * w).sum::<f64>();
        let table = FloorTable::new(&[p, 1.0 - p]).expect("table");
        assert!((table.mean(n) - exact).abs() < 1e-10, "{} vs {exact}", table.mean(n));
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn the_band_covers_99_percent_of_the_exact_two_state_law() {
        let (n, p) = (2_000, 0.3);
        let floor = FloorTable::new(&[p, 1.0 - p]).expect("table").floor(n, 4);
        let cdf = |v: f64| -> f64 {
            two_state_law(n, p)
                .iter()
                .filter(|(d, _)| *d <= v + 1e-15)
                .map(|(_, w)| w)
                .sum()
        };
        // The 199th of 200 ordered draws covers Beta(199, 2) of the law: mean 0.990, sd 0.007.
        let cover = cdf(floor.high);
        assert!((0.96..=0.9999).contains(&cover), "upper covers {cover}");
        let below = cdf(floor.low - 1e-12);
        assert!(below <= 0.04, "lower leaves {below} below");
    }

    #[test]
    fn the_simulated_mean_agrees_with_the_exact_one_and_the_large_n_limit() {
        let mut p: Vec<f64> = (1..=40).map(|i| f64::from(i).powi(2)).collect();
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= total);
        let table = FloorTable::new(&p).expect("table");
        for (n, seed) in [(50u64, 1u64), (3_000, 2), (200_000, 3)] {
            let mut rng = SimRng::seed_from_u64(seed);
            let tvs: Vec<f64> = (0..2_000).map(|_| table.replicate_tv(n, &mut rng)).collect();
            let mean = tvs.iter().sum::<f64>() / tvs.len() as f64;
            let sd = (tvs.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / 1_999.0).sqrt();
            let exact = table.mean(n);
            // Four standard errors of the simulated mean, plus 1 % for the normal draws.
            assert!(
                (mean - exact).abs() < 4.0 * sd / (2_000f64).sqrt() + 0.01 * exact,
                "N = {n}: simulated {mean} vs exact {exact}"
            );
        }
        let n = 1_000_000;
        let (exact, limit) = (table.mean(n), iid_tv_mean_large_n(&p, n));
        assert!((exact - limit).abs() < 0.01 * exact, "{exact} vs {limit}");
    }

    #[test]
    fn bad_distributions_are_refused() {
        assert!(FloorTable::new(&[]).is_err());
        assert!(FloorTable::new(&[0.5, f64::NAN]).is_err());
        assert!(FloorTable::new(&[0.5, 0.2]).is_err());
        assert!(FloorTable::new(&[1.5, -0.5]).is_err());
    }
}
