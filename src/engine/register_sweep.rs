//! Sequential Gibbs sweeps at T > 0 for nets of up to [`MAX_UNITS`] units, with every input
//! held in AVX2 registers.
//!
//! A sweep is a chain of n dependent decisions: unit i reads its input xᵢ, draws
//! `sᵢ ← [xᵢ > T·L]` (L standard logistic), and a change δ = s′ᵢ − sᵢ ∈ {−1, 0, 1} moves every
//! input, `xⱼ ← xⱼ + δ·wᵢⱼ`. Kept in memory, each decision waits for the previous update's
//! stores and a mispredicted "did it flip?" branch; here the inputs of a net of up to 104 units
//! live in at most 13 single-precision registers, δ is formed without a branch (0 for no
//! change), and every update is one fused multiply-add a register, with no memory traffic but
//! the weight row.
//!
//! To keep register indices fixed while the active unit moves, each weight row is stored
//! rotated so that it starts at the chunk of eight that holds its own unit, and the registers
//! rotate by one chunk after every eight units (see [`FastWeights`]).
//!
//! Precision: within a run the inputs are rounded to `f32` and updated in `f32` (the product
//! δ·w is exact, so each update rounds once). Every [`RESYNC_SWEEPS`] sweeps, and at the end,
//! the `f64` inputs are recomputed exactly from the state, so rounding never accumulates over
//! more than that many sweeps. An input is then off by about 10⁻⁶ of its scale, the same order
//! as the 2⁻²³ granularity of the logistic noise itself, so a decision can differ from the
//! double-precision sweep's only for an input within that distance of its threshold. T = 0
//! (where ties matter) and random scan order never come here.

use super::boltzmann::BoltzmannMachine;
use super::rng::SimRng;
use std::sync::OnceLock;

/// The largest net the register sweep takes: 13 registers of 8 lanes.
pub(crate) const MAX_UNITS: usize = 104;

/// Sweeps between exact recomputations of the inputs.
pub(crate) const RESYNC_SWEEPS: usize = 64;

/// The weights in single precision, each row rotated to start at its own unit's chunk:
/// `row(i)[8q + l] = w(i, 8((c + q) mod chunks) + l)` for c = ⌊i/8⌋, zero beyond the last unit.
pub(crate) struct FastWeights {
    chunks: usize,
    rows: Vec<f32>,
}

impl FastWeights {
    fn new(bm: &BoltzmannMachine) -> Self {
        let n = bm.n();
        // Smaller nets run with fewer registers: 4, 8 or 13 chunks of eight.
        let chunks = match n.div_ceil(8) {
            0..=4 => 4,
            5..=8 => 8,
            _ => 13,
        };
        let stride = 8 * chunks;
        let mut rows = vec![0f32; n * stride];
        for (i, (row, source)) in rows
            .chunks_exact_mut(stride)
            .zip(bm.weights().chunks_exact(n))
            .enumerate()
        {
            row.iter_mut().zip(source).for_each(|(w, &v)| *w = v as f32);
            // Unit i's row starts at its own chunk.
            row.rotate_left(8 * (i / 8));
        }
        Self { chunks, rows }
    }
}

/// A machine's [`FastWeights`], built on first use and dropped by every change to the weights.
/// It is derived data: serde skips it, a clone starts without it (rebuilt on first use, so
/// copies made for display cost nothing extra), and it never makes two machines unequal.
#[derive(Default)]
pub(crate) struct FastWeightsCache(OnceLock<FastWeights>);

impl Clone for FastWeightsCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl FastWeightsCache {
    pub(crate) fn get(&self, bm: &BoltzmannMachine) -> &FastWeights {
        self.0.get_or_init(|| FastWeights::new(bm))
    }

    /// Forgets the copy (call after any change to the weights).
    pub(crate) fn clear(&mut self) {
        self.0.take();
    }
}

impl PartialEq for FastWeightsCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for FastWeightsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.0.get().is_some() {
            "built"
        } else {
            "empty"
        };
        write!(f, "FastWeightsCache({state})")
    }
}

/// `sweeps` sequential sweeps at temperature `t > 0` over a net of at most [`MAX_UNITS`] units;
/// clamped units never change. Leaves `inputs` recomputed exactly from the final state and
/// returns the number of flips.
pub(crate) fn run(
    bm: &BoltzmannMachine,
    state: &mut [u8],
    inputs: &mut [f64],
    clamped: &[bool],
    t: f64,
    sweeps: usize,
    rng: &mut SimRng,
) -> usize {
    let n = bm.n();
    assert!(n <= MAX_UNITS && state.len() == n && inputs.len() == n && clamped.len() == n);
    assert!(t > 0.0);
    let args = RunArgs {
        bm,
        state,
        inputs,
        clamped,
        t,
        sweeps,
    };
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2_fma() {
            // SAFETY: the processor has the features the function was compiled for.
            return unsafe { run_avx2(args, rng) };
        }
    }
    run_with::<false>(args, rng)
}

/// What [`run`] was asked to do, passed on to its kernels.
struct RunArgs<'a> {
    bm: &'a BoltzmannMachine,
    state: &'a mut [u8],
    inputs: &'a mut [f64],
    clamped: &'a [bool],
    t: f64,
    sweeps: usize,
}

/// [`run_with`] compiled for AVX2, so the exact recomputation of the inputs vectorizes too.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2(args: RunArgs<'_>, rng: &mut SimRng) -> usize {
    run_with::<true>(args, rng)
}

/// Batches of up to [`RESYNC_SWEEPS`] sweeps in single precision, each followed by the exact
/// recomputation of the inputs.
#[inline(always)]
fn run_with<const AVX2: bool>(args: RunArgs<'_>, rng: &mut SimRng) -> usize {
    let RunArgs {
        bm,
        state,
        inputs,
        clamped,
        t,
        sweeps,
    } = args;
    let n = bm.n();
    let weights = bm.fast_weights();
    let lanes = 8 * weights.chunks;
    let mut free = [0f32; MAX_UNITS];
    free.iter_mut()
        .zip(clamped)
        .for_each(|(f, &c)| *f = if c { 0.0 } else { 1.0 });
    let t = t as f32;
    let mut flips = 0;
    let mut done = 0;
    while done < sweeps {
        let batch = RESYNC_SWEEPS.min(sweeps - done);
        let mut x = [0f32; MAX_UNITS];
        x.iter_mut()
            .zip(inputs.iter())
            .for_each(|(x, &v)| *x = v as f32);
        let (x, free) = (&mut x[..lanes], &free[..n]);
        flips += match () {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: AVX2 is only true when called from `run_avx2`, after the feature check.
            () if AVX2 => unsafe { avx2::sweeps(weights, state, free, x, t, batch, rng) },
            () => portable_sweeps(weights, state, free, x, t, batch, rng),
        };
        bm.write_inputs(state, inputs);
        done += batch;
    }
    flips
}

/// The same arithmetic one lane at a time, for machines without AVX2 and as the reference the
/// vector kernel is tested against: the inputs stay in unit order and lane k of unit i's
/// rotated row is mapped back to unit (8⌊i/8⌋ + k) mod lanes, so every input sees the same
/// operations in the same order as in the registers.
fn portable_sweeps(
    weights: &FastWeights,
    state: &mut [u8],
    free: &[f32],
    x: &mut [f32],
    t: f32,
    sweeps: usize,
    rng: &mut SimRng,
) -> usize {
    let n = state.len();
    let lanes = 8 * weights.chunks;
    let mut noise = [0f32; MAX_UNITS];
    let noise = &mut noise[..n];
    let mut flips = 0;
    for _ in 0..sweeps {
        rng.fill_logistic(noise);
        for (i, &l) in noise.iter().enumerate() {
            let own = 8 * (i / 8);
            let old = f32::from(state[i]);
            let on = if x[i] > t * l { 1.0 } else { 0.0 };
            let delta = (on - old) * free[i];
            state[i] = u8::from(old + delta > 0.5);
            flips += usize::from(delta != 0.0);
            let row = &weights.rows[i * lanes..(i + 1) * lanes];
            for (k, &w) in row.iter().enumerate() {
                let j = (own + k) % lanes;
                x[j] += delta * w;
            }
        }
    }
    flips
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{FastWeights, SimRng};
    use std::arch::x86_64::{
        __m128, __m256, _CMP_GT_OQ, _mm_add_ss, _mm_blendv_ps, _mm_cmp_ss, _mm_cvtss_f32,
        _mm_movehdup_ps, _mm_movehl_ps, _mm_set_ss, _mm_shuffle_ps, _mm256_broadcastss_ps,
        _mm256_castps256_ps128, _mm256_extractf128_ps, _mm256_fmadd_ps, _mm256_loadu_ps,
        _mm256_setzero_ps, _mm256_storeu_ps,
    };

    /// Lane L of a register, in lane 0 of the result.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn lane<const L: usize>(v: __m256) -> __m128 {
        let half = if L < 4 {
            _mm256_castps256_ps128(v)
        } else {
            _mm256_extractf128_ps::<1>(v)
        };
        match L % 4 {
            0 => half,
            1 => _mm_movehdup_ps(half),
            2 => _mm_movehl_ps(half, half),
            _ => _mm_shuffle_ps::<0xff>(half, half),
        }
    }

    /// One update of unit i, lane L of register 0: the decision, then x += δ·row(i).
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn update<const CH: usize, const L: usize>(
        x: [__m256; CH],
        i: usize,
        row: &[f32],
        threshold: f32,
        state: &mut [u8],
        free: &[f32],
        flips: &mut usize,
    ) -> [__m256; CH] {
        assert!(row.len() == 8 * CH);
        let old = _mm_set_ss(f32::from(state[i]));
        let if_on = _mm_set_ss((1.0 - f32::from(state[i])) * free[i]);
        let if_off = _mm_set_ss((0.0 - f32::from(state[i])) * free[i]);
        let on = _mm_cmp_ss::<_CMP_GT_OQ>(lane::<L>(x[0]), _mm_set_ss(threshold));
        let delta = _mm_blendv_ps(if_off, if_on, on);
        let d = _mm_cvtss_f32(delta);
        state[i] = u8::from(_mm_cvtss_f32(_mm_add_ss(old, delta)) > 0.5);
        *flips += usize::from(d != 0.0);
        let dv = _mm256_broadcastss_ps(delta);
        std::array::from_fn(|q| {
            // SAFETY: row has 8·CH lanes (asserted above), so lanes 8q..8q + 8 are in it.
            let w = unsafe { _mm256_loadu_ps(row.as_ptr().add(8 * q)) };
            _mm256_fmadd_ps(dv, w, x[q])
        })
    }

    /// [`super::portable_sweeps`] with the inputs in 4, 8 or 13 registers.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn sweeps(
        weights: &FastWeights,
        state: &mut [u8],
        free: &[f32],
        xs: &mut [f32],
        t: f32,
        sweeps: usize,
        rng: &mut SimRng,
    ) -> usize {
        match weights.chunks {
            4 => sweeps_in::<4>(weights, state, free, xs, t, sweeps, rng),
            8 => sweeps_in::<8>(weights, state, free, xs, t, sweeps, rng),
            _ => sweeps_in::<13>(weights, state, free, xs, t, sweeps, rng),
        }
    }

    #[target_feature(enable = "avx2,fma")]
    fn sweeps_in<const CH: usize>(
        weights: &FastWeights,
        state: &mut [u8],
        free: &[f32],
        xs: &mut [f32],
        t: f32,
        sweeps: usize,
        rng: &mut SimRng,
    ) -> usize {
        let n = state.len();
        let lanes = 8 * CH;
        assert!(weights.chunks == CH && n <= lanes && free.len() == n && xs.len() == lanes);
        assert!(weights.rows.len() == n * lanes);
        let mut x = [_mm256_setzero_ps(); CH];
        for (q, xq) in x.iter_mut().enumerate() {
            // SAFETY: xs has 8·CH lanes (asserted above).
            *xq = unsafe { _mm256_loadu_ps(xs.as_ptr().add(8 * q)) };
        }
        let mut noise = [0f32; super::MAX_UNITS];
        let mut flips = 0;
        for _ in 0..sweeps {
            rng.fill_logistic(&mut noise[..n]);
            noise[..n].iter_mut().for_each(|l| *l *= t);
            for c in 0..CH {
                let first = 8 * c;
                macro_rules! unit {
                    ($l:literal) => {
                        let i = first + $l;
                        if i < n {
                            let row = &weights.rows[i * lanes..(i + 1) * lanes];
                            x = update::<CH, $l>(x, i, row, noise[i], state, free, &mut flips);
                        }
                    };
                }
                unit!(0);
                unit!(1);
                unit!(2);
                unit!(3);
                unit!(4);
                unit!(5);
                unit!(6);
                unit!(7);
                // Rotate by one chunk (register renames).
                x = std::array::from_fn(|q| x[(q + 1) % CH]);
            }
        }
        for (q, xq) in x.iter().enumerate() {
            // SAFETY: as for the loads.
            unsafe { _mm256_storeu_ps(xs.as_mut_ptr().add(8 * q), *xq) };
        }
        flips
    }
}

/// The AVX2 register kernel and the portable one from the same state and noise, compared bit
/// for bit (states, flips and every input) for three sizes with clamped units (see
/// [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_kernels() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        use super::boltzmann::{Chain, Connectivity};
        if !super::simd::avx2_fma() {
            return None;
        }
        let compare = |n: usize| -> Result<(), String> {
            let mut rng = SimRng::seed_from_u64(5);
            let scale = 1.0 / (n as f64).sqrt();
            let bm = BoltzmannMachine::random(n, 0, Connectivity::Full, scale, 0.2, &mut rng)
                .map_err(|e| e.to_string())?;
            let mut chain = Chain::random(&bm, &mut rng);
            chain
                .clamp(&bm, &[0, 1], &[1, 0])
                .map_err(|e| e.to_string())?;
            let weights = bm.fast_weights();
            let lanes = 8 * weights.chunks;
            let free: Vec<f32> = chain
                .clamped()
                .iter()
                .map(|&c| if c { 0.0 } else { 1.0 })
                .collect();
            let mut x = vec![0f32; lanes];
            x.iter_mut()
                .zip(chain.inputs())
                .for_each(|(x, &v)| *x = v as f32);
            let (mut state_a, mut x_a, mut rng_a) =
                (chain.state().to_vec(), x.clone(), rng.clone());
            let (mut state_b, mut x_b, mut rng_b) = (chain.state().to_vec(), x, rng);
            let flips_a =
                portable_sweeps(weights, &mut state_a, &free, &mut x_a, 0.8, 30, &mut rng_a);
            // SAFETY: the features were checked above.
            let flips_b = unsafe {
                avx2::sweeps(weights, &mut state_b, &free, &mut x_b, 0.8, 30, &mut rng_b)
            };
            let bits = |x: &[f32]| x[..n].iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            if flips_a != flips_b || state_a != state_b || bits(&x_a) != bits(&x_b) {
                return Err(format!("n = {n}: the kernels differ"));
            }
            Ok(())
        };
        Some([7, 40, 100].into_iter().try_for_each(compare))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::boltzmann::{Chain, Connectivity, UpdateOrder};

    /// A random machine of n units with the first `clamped` units clamped to 1, 0, 1, …
    fn setup(n: usize, clamped: usize, seed: u64) -> (BoltzmannMachine, Chain, SimRng) {
        let mut rng = SimRng::seed_from_u64(seed);
        let scale = 1.0 / (n as f64).sqrt();
        let bm = BoltzmannMachine::random(n, 0, Connectivity::Full, scale, 0.2, &mut rng)
            .expect("machine");
        let mut chain = Chain::random(&bm, &mut rng);
        let units: Vec<usize> = (0..clamped).collect();
        let values: Vec<u8> = (0..clamped).map(|k| u8::from(k % 2 == 0)).collect();
        chain.clamp(&bm, &units, &values).expect("clamp");
        (bm, chain, rng)
    }

    /// The register run follows the trajectory of the exact double-precision sweep, which draws
    /// the same noise: the two differ only when an input lies within ~10⁻⁶ of its threshold,
    /// which these fixed seeds never meet. This checks the rotated layout, the register
    /// rotation, the clamps and every register count against an independent implementation.
    #[test]
    fn register_run_follows_the_double_precision_sweeps() {
        for (n, clamped) in [(1, 0), (10, 3), (33, 0), (64, 5), (100, 7), (104, 0)] {
            for t in [0.5, 1.0, 3.0] {
                let (bm, start, rng) = setup(n, clamped, n as u64);
                let (mut fast, mut exact) = (start.clone(), start);
                let (mut rng_fast, mut rng_exact) = (rng.clone(), rng);
                fast.run(&bm, t, 90, UpdateOrder::Sequential, &mut rng_fast)
                    .expect("run");
                for _ in 0..90 {
                    exact
                        .sweep(&bm, t, UpdateOrder::Sequential, &mut rng_exact)
                        .expect("sweep");
                }
                assert_eq!(fast.state(), exact.state(), "n = {n}, T = {t}");
                assert_eq!(rng_fast, rng_exact, "the same noise was drawn");
                for (a, b) in fast.inputs().iter().zip(exact.inputs()) {
                    assert!((a - b).abs() < 1e-9, "n = {n}: input {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn changing_a_weight_rebuilds_the_single_precision_copy() {
        let (mut bm, _, _) = setup(12, 0, 8);
        let before = bm.fast_weights().rows.clone();
        bm.set_weight(0, 5, 2.5).expect("weight");
        let after = &bm.fast_weights().rows;
        assert_ne!(&before, after);
        assert_eq!(
            after[5], 2.5,
            "row 0 starts at its own chunk, so lane 5 is unit 5"
        );
    }
}
