//! The one random generator of BoltzViz: xoshiro256++ seeded through SplitMix64. (Training's
//! many Bernoulli draws come from [`super::wide_rng::WideRng`], eight generators of the same
//! kind seeded from this one each epoch.)
//!
//! Portable (the same stream on every platform and version), tiny, fast, and serializable, so a
//! saved session resumes the same random stream bit for bit. It implements `rand`'s traits so
//! anything in the `rand` ecosystem can draw from it.

use super::math::ln_f32;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

/// xoshiro256++ (Blackman & Vigna 2019). Always built from an explicit `u64` seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimRng {
    state: [u64; 4],
}

impl SimRng {
    /// A generator whose whole stream is fixed by `seed`.
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Self {
            state: [next(), next(), next(), next()],
        }
    }

    /// Checks a state read from a file: xoshiro256++ never reaches the all-zero state (it would
    /// then give zeros forever).
    pub fn validate(&self) -> Result<(), super::EngineError> {
        if self.state == [0; 4] {
            return Err(super::EngineError::BadParameter(
                "the random generator's state is all zeros, which xoshiro256++ never reaches"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The four state words (to seed generators stepped side by side from this one's stream).
    pub(crate) fn state(&self) -> [u64; 4] {
        self.state
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, 1) in single precision (24 random bits).
    #[inline]
    pub fn uniform_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as i32 as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// A standard logistic draw L = ln(U / (1 − U)), so that P(L < z) = σ(z).
    ///
    /// A Gibbs update is then `sᵢ ← [xᵢ/T > L]`: the same law as `U < σ(xᵢ/T)`, but the
    /// noise does not depend on xᵢ, so it can be drawn ahead, many at a time, off the chain's
    /// critical path. U takes the 2²³ midpoints (k + ½)/2²³, exact in `f32` as is 1 − U, so L
    /// is finite and P(L < z) is within 2⁻²³ + 10⁻⁶ of σ(z).
    #[inline(always)]
    pub fn logistic_f32(&mut self) -> f32 {
        logistic_from_bits((self.next_u64() >> 41) as u32)
    }

    /// Fills `out` with independent standard logistic draws (two from each 64 random bits).
    /// Inlined into the caller so the logarithms vectorize with its instruction set.
    #[inline(always)]
    pub fn fill_logistic(&mut self, out: &mut [f32]) {
        let mut pairs = out.chunks_exact_mut(2);
        for pair in &mut pairs {
            let r = self.next_u64();
            pair[0] = f32::from_bits((r >> 41) as u32);
            pair[1] = f32::from_bits(((r >> 9) & 0x007f_ffff) as u32);
        }
        if let [last] = pairs.into_remainder() {
            *last = f32::from_bits((self.next_u64() >> 41) as u32);
        }
        // The 23-bit integers were parked in the f32 slots as raw bits; turn each into L.
        for v in out.iter_mut() {
            *v = logistic_from_bits(v.to_bits());
        }
    }

    /// Uniform integer in `0..n` (Lemire's multiply-shift; n must be > 0).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// True with probability `p`.
    #[inline]
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Shuffles a slice in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

impl rand::TryRng for SimRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_u64() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// L = ln(U / (1 − U)) for U = (k + ½)/2²³, k < 2²³, i.e. ln((k + ½) / (2²³ − k − ½)):
/// numerator and denominator are exact in `f32`, so only the quotient and the log round.
#[inline(always)]
fn logistic_from_bits(k: u32) -> f32 {
    let numerator = k as i32 as f32 + 0.5;
    ln_f32(numerator / ((1u32 << 23) as f32 - numerator))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::math::sigmoid;

    #[test]
    fn logistic_quantiles_match_the_exact_logit() {
        for k in [0u32, 1, 1000, 1 << 22, (1 << 23) - 1, 3_333_333] {
            let u = (f64::from(k) + 0.5) / f64::from(1u32 << 23);
            let exact = (u / (1.0 - u)).ln();
            let err = (f64::from(logistic_from_bits(k)) - exact).abs();
            assert!(err < 2e-6, "k = {k}: error {err}");
        }
    }

    #[test]
    fn logistic_draws_have_the_logistic_law() {
        // P(L < z) = σ(z); with n draws the count's standard deviation is √(n p (1 − p)).
        let n = 400_000;
        let mut rng = SimRng::seed_from_u64(11);
        let mut draws = vec![0f32; n];
        rng.fill_logistic(&mut draws[..n / 2]);
        draws[n / 2..]
            .iter_mut()
            .for_each(|d| *d = rng.logistic_f32());
        for z in [-3.0f64, -1.0, 0.0, 0.5, 2.0] {
            let p = sigmoid(z);
            let count = draws.iter().filter(|&&l| f64::from(l) < z).count() as f64;
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!((count - n as f64 * p).abs() < 5.0 * sd, "z = {z}: {count}");
        }
    }

    #[test]
    fn matches_reference_xoshiro256plusplus_stream() {
        // Reference values: xoshiro256++ from state [1, 2, 3, 4] (Vigna's C code).
        let mut rng = SimRng {
            state: [1, 2, 3, 4],
        };
        let expected = [41943041u64, 58720359, 3588806011781223, 3591011842654386];
        for e in expected {
            assert_eq!(rng.next_u64(), e);
        }
    }

    #[test]
    fn below_stays_in_range_and_serde_round_trip_continues_stream() {
        let mut rng = SimRng::seed_from_u64(7);
        assert!((0..1000).all(|_| rng.below(10) < 10));
        let text = serde_json::to_string(&rng).expect("serialize");
        let mut copy: SimRng = serde_json::from_str(&text).expect("deserialize");
        assert_eq!(copy.next_u64(), rng.next_u64());
    }
}
