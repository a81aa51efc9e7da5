//! Eight xoshiro256++ generators stepped side by side, for drawing many Bernoulli samples at
//! once (the mini-batch sampling of RBM training).
//!
//! One serial xoshiro256++ step is a chain of dependent shifts and xors (about a nanosecond);
//! eight independent generators kept lane by lane (`state[word][lane]`) step together in a few
//! vector instructions, so a draw costs a fraction of that. Each lane is a
//! [`SimRng::seed_from_u64`] generator seeded by one draw of the parent, so the whole block is
//! fixed by the parent's state: a seeded run gives the same bits every time, on every machine
//! and every kernel build (integer arithmetic only, plus exact `i32 → f32` conversions).

use super::rng::SimRng;

/// Generators stepped together (one AVX-512 register of `u64`, two AVX2 registers).
pub const LANES: usize = 8;

/// Probabilities handled per block of draws: 4 steps × [`LANES`] × 2 uniforms of 24 bits.
const BLOCK: usize = 64;

/// [`LANES`] xoshiro256++ generators, stored word by word.
#[derive(Clone, Debug)]
pub struct WideRng {
    state: [[u64; LANES]; 4],
}

impl WideRng {
    /// [`LANES`] generators, lane `l` seeded (through SplitMix64) by the parent's `l`-th next
    /// draw. The parent advances by [`LANES`] draws.
    pub fn split_from(parent: &mut SimRng) -> Self {
        let mut state = [[0u64; LANES]; 4];
        for lane in 0..LANES {
            let words = SimRng::seed_from_u64(parent.next_u64()).state();
            for (word, value) in state.iter_mut().zip(words) {
                word[lane] = value;
            }
        }
        Self { state }
    }

    /// The next 64 random bits of each lane.
    #[inline(always)]
    fn next_lanes(&mut self) -> [u64; LANES] {
        let [s0, s1, s2, s3] = &mut self.state;
        let mut out = [0u64; LANES];
        for l in 0..LANES {
            out[l] = s0[l]
                .wrapping_add(s3[l])
                .rotate_left(23)
                .wrapping_add(s0[l]);
            let t = s1[l] << 17;
            s2[l] ^= s0[l];
            s3[l] ^= s1[l];
            s1[l] ^= s2[l];
            s0[l] ^= s3[l];
            s2[l] ^= t;
            s3[l] = s3[l].rotate_left(45);
        }
        out
    }

    /// Replaces each probability p in `probs` by a 0/1 draw with P(1) = p.
    ///
    /// Each 64 random bits give two 24-bit uniforms u (bits 40–63 and 8–31), and
    /// p ← `[u / 2²⁴ < p]`, so P(1) is p rounded up to a multiple of 2⁻²⁴. A block of 64
    /// probabilities takes four steps of all lanes; a short last block uses the first of them.
    pub fn sample_bernoulli(&mut self, probs: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx512() {
                // SAFETY: the processor supports the feature the function was compiled for.
                unsafe { self.sample_bernoulli_avx512(probs) };
                return;
            }
            if super::simd::avx2() {
                // SAFETY: the processor supports the feature the function was compiled for.
                unsafe { self.sample_bernoulli_avx2(probs) };
                return;
            }
        }
        self.sample_bernoulli_kernel(probs);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn sample_bernoulli_avx2(&mut self, probs: &mut [f32]) {
        self.sample_bernoulli_kernel(probs);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn sample_bernoulli_avx512(&mut self, probs: &mut [f32]) {
        self.sample_bernoulli_kernel(probs);
    }

    #[inline(always)]
    fn sample_bernoulli_kernel(&mut self, probs: &mut [f32]) {
        const SCALE: f32 = 1.0 / (1u32 << 24) as f32;
        let mut uniforms = [0i32; BLOCK];
        for chunk in probs.chunks_mut(BLOCK) {
            for step in uniforms.chunks_exact_mut(2 * LANES) {
                let bits = self.next_lanes();
                let (high, low) = step.split_at_mut(LANES);
                for l in 0..LANES {
                    high[l] = (bits[l] >> 40) as i32;
                    low[l] = ((bits[l] >> 8) & 0xff_ffff) as i32;
                }
            }
            // i32 → f32 is exact (24 bits) and one vector instruction.
            for (p, &u) in chunk.iter_mut().zip(&uniforms) {
                *p = if (u as f32) * SCALE < *p { 1.0 } else { 0.0 };
            }
        }
    }
}

/// The sampler through its AVX2 (and AVX-512) builds and the portable one, compared bit for
/// bit (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_kernels() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        if !super::simd::avx2() {
            return None;
        }
        // 1000 = 15 full blocks and a short one; probabilities on a fine grid including 0 and 1.
        let probs: Vec<f32> = (0..1000).map(|i| (i % 101) as f32 / 100.0).collect();
        let start = WideRng::split_from(&mut SimRng::seed_from_u64(5));
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let (mut plain, mut plain_rng) = (probs.clone(), start.clone());
        plain_rng.sample_bernoulli_kernel(&mut plain);
        let (mut fast, mut fast_rng) = (probs.clone(), start.clone());
        // SAFETY: AVX2 was just checked.
        unsafe { fast_rng.sample_bernoulli_avx2(&mut fast) };
        if bits(&fast) != bits(&plain) || fast_rng.state != plain_rng.state {
            return Some(Err("Bernoulli draws (AVX2) differ".into()));
        }
        if super::simd::avx512() {
            let (mut widest, mut widest_rng) = (probs, start);
            // SAFETY: AVX-512F was just checked.
            unsafe { widest_rng.sample_bernoulli_avx512(&mut widest) };
            if bits(&widest) != bits(&plain) || widest_rng.state != plain_rng.state {
                return Some(Err("Bernoulli draws (AVX-512) differ".into()));
            }
        }
        Some(Ok(()))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lane_is_the_serial_generator_seeded_by_one_parent_draw() {
        let mut parent = SimRng::seed_from_u64(42);
        let mut wide = WideRng::split_from(&mut parent.clone());
        let mut serial: Vec<SimRng> = (0..LANES)
            .map(|_| SimRng::seed_from_u64(parent.next_u64()))
            .collect();
        for _ in 0..100 {
            let lanes = wide.next_lanes();
            for (l, rng) in serial.iter_mut().enumerate() {
                assert_eq!(lanes[l], rng.next_u64(), "lane {l}");
            }
        }
    }

    #[test]
    fn splitting_advances_the_parent_by_one_draw_a_lane() {
        let mut parent = SimRng::seed_from_u64(3);
        let mut skipped = parent.clone();
        WideRng::split_from(&mut parent);
        (0..LANES).for_each(|_| {
            skipped.next_u64();
        });
        assert_eq!(parent, skipped);
    }

    #[test]
    fn draws_are_one_with_the_given_probability() {
        // n independent draws per probability: the count of ones has standard deviation
        // √(n p (1 − p)); 5 of them bound a fluke at about 1 in 1.7 million per check.
        let levels = [0.0f32, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0];
        let n = 200_000;
        let mut probs: Vec<f32> = (0..n * levels.len())
            .map(|i| levels[i % levels.len()])
            .collect();
        let mut rng = WideRng::split_from(&mut SimRng::seed_from_u64(9));
        // Uneven pieces: short last blocks must not bias anything.
        let (a, rest) = probs.split_at_mut(333);
        rng.sample_bernoulli(a);
        rng.sample_bernoulli(rest);
        for (k, &p) in levels.iter().enumerate() {
            let ones: f64 = probs
                .iter()
                .skip(k)
                .step_by(levels.len())
                .map(|&x| f64::from(x))
                .sum();
            let p = f64::from(p);
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (ones - n as f64 * p).abs() <= 5.0 * sd,
                "p = {p}: {ones} ones of {n}"
            );
        }
        assert!(probs.iter().all(|&x| x == 0.0 || x == 1.0));
    }

    #[test]
    fn neighbouring_draws_are_uncorrelated() {
        // Pairs (xᵢ, xᵢ₊₁) at p = ½, including pairs across lanes, steps and blocks: each of
        // the four outcomes has probability ¼, so a count's standard deviation is √(n·3/16).
        let n = 400_000;
        let mut x = vec![0.5f32; n + 1];
        WideRng::split_from(&mut SimRng::seed_from_u64(17)).sample_bernoulli(&mut x);
        let mut counts = [0f64; 4];
        for pair in x.windows(2) {
            counts[(2.0 * pair[0] + pair[1]) as usize] += 1.0;
        }
        let sd = (n as f64 * 3.0 / 16.0).sqrt();
        for (k, &c) in counts.iter().enumerate() {
            assert!((c - n as f64 / 4.0).abs() <= 5.0 * sd, "outcome {k}: {c}");
        }
    }
}
