//! The exact log-likelihood of an RBM, fast: free energies and log Z through matrix products
//! and a vectorized softplus, for the metrics `train` prints while it learns.
//!
//! With visible biases b, hidden biases c and weights W (nv × nh),
//!
//! * the free energy of a visible row v is `F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ)`, so the
//!   free energies of a whole data matrix V are one product `VW` and one softplus pass;
//! * `log Z = log Σ_e exp(aᵀe + Σ_o softplus(d_o + (eᵀC)_o))`, summing over every state e of
//!   the smaller layer (m units) and the other layer (k units) analytically, where C is W or Wᵀ
//!   and a, d the matching biases.
//!
//! The 2ᵐ states are split into low bits (the first m_lo units) and high bits: the field
//! `d + eᵀC` is `lo[e_lo] + hi[e_hi]`, where the table `lo` (2^m_lo × k) is one product of the
//! 0/1 matrix of low states with the first m_lo rows of C, and each `hi` row is the bias plus a
//! sum of rows of C. Each block of 2^m_lo states then costs one add and one exponential per
//! entry: `Σ_o softplus(x_o) = Σ_o max(x_o, 0) + ln Π_o (1 + e^(−|x_o|))`, one logarithm per
//! 64 factors ([`softplus_row`]). The row sums run in single precision (relative error of a
//! few 10⁻⁷); the log-sum-exp over states runs in double precision. [`super::exact::rbm_log_likelihood`]
//! computes the same numbers by Gray-code enumeration in double precision, and the tests compare
//! the two.

use super::error::{EngineError, check_len};
use super::math::{LogSumExp, exp_f32};
use super::rbm::Rbm;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, s};

/// The largest smaller layer enumerated (2²⁸ states), as in [`super::exact`].
pub const MAX_ENUMERATED_UNITS: usize = super::exact::MAX_ENUMERATED_UNITS;

/// Entries of the low-state table at most (it stays in the second-level cache).
const TABLE_ENTRIES: usize = 1 << 16;

/// softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + t) with t = e^(−|x|) ∈ (0, 1], in single
/// precision and branch-free.
///
/// `ln(1 + t) = 2 atanh(s) = 2(s + s³/3 + s⁵/5 + … + s¹³/13)` with `s = t / (2 + t)` ∈ (0, ⅓]:
/// no cancellation for tiny t, and the first omitted term is below 10⁻⁸.
#[inline(always)]
pub fn softplus_f32(x: f32) -> f32 {
    softplus_with(x, exp_f32(-x.abs()))
}

/// softplus(x) given `t = e^(−|x|)` (see [`softplus_f32`]).
#[inline(always)]
fn softplus_with(x: f32, t: f32) -> f32 {
    let s = t / (2.0 + t);
    let z = s * s;
    let p = 1.0 / 13.0;
    let p = p * z + 1.0 / 11.0;
    let p = p * z + 1.0 / 9.0;
    let p = p * z + 1.0 / 7.0;
    let p = p * z + 1.0 / 5.0;
    let p = p * z + 1.0 / 3.0;
    let p = p * z + 1.0;
    x.max(0.0) + 2.0 * s * p
}

/// Factors multiplied before one logarithm is taken (each factor is in (1, 2], so a product
/// stays below 2⁶⁴, far inside single precision).
const FACTORS_PER_LOG: usize = 64;

/// Partial sums and products kept side by side (one AVX-512 register, two AVX2 ones).
const LANES: usize = 16;

/// `Σⱼ softplus(row[j] + hi[j])`, and with `SIGMOID` also `sig[j] = σ(row[j] + hi[j])`.
///
/// With xⱼ the sum and tⱼ = e^(−|xⱼ|) ∈ (0, 1], `Σⱼ softplus(xⱼ) = Σⱼ max(xⱼ, 0) + ln Πⱼ (1 + tⱼ)`:
/// one exponential an entry and one logarithm per [`FACTORS_PER_LOG`] entries, instead of an
/// exponential and a logarithm series each; the same tⱼ gives `σ(xⱼ) = 1/(1 + tⱼ)` for xⱼ ≥ 0
/// and `tⱼ/(1 + tⱼ)` below. Sixteen lanes of partial sums and products in a fixed order, so the
/// compiler vectorizes them and every machine gets the same bits. The relative error of the
/// product is below k·2⁻²³ and that of the logarithm below 3·10⁻⁷: as small as that of the
/// sum of k single-precision softplus terms it replaces.
#[inline(always)]
fn softplus_row<const SIGMOID: bool>(row: &[f32], hi: &[f32], sig: &mut [f32]) -> f32 {
    /// One entry: x = row + hi into the lane's sum of max(x, 0) and product of (1 + e^(−|x|)),
    /// and σ(x) from the same exponential.
    #[inline(always)]
    fn entry<const SIGMOID: bool>(x: f32, positive: &mut f32, product: &mut f32, sig: &mut f32) {
        let t = exp_f32(-x.abs());
        *positive += x.max(0.0);
        let one_plus = 1.0 + t;
        *product *= one_plus;
        if SIGMOID {
            let inv = 1.0 / one_plus;
            *sig = if x >= 0.0 { inv } else { t * inv };
        }
    }
    let k = row.len().min(hi.len());
    let mut positive = [0f32; LANES];
    let mut logs = 0f32;
    let mut unused = [0f32; FACTORS_PER_LOG];
    for start in (0..k).step_by(FACTORS_PER_LOG) {
        let end = (start + FACTORS_PER_LOG).min(k);
        let (xs, ys) = (&row[start..end], &hi[start..end]);
        let out: &mut [f32] = if SIGMOID {
            &mut sig[start..end]
        } else {
            &mut unused[..end - start]
        };
        let mut products = [1f32; LANES];
        let (xc, yc) = (xs.chunks_exact(LANES), ys.chunks_exact(LANES));
        let (x_tail, y_tail) = (xc.remainder(), yc.remainder());
        let mut oc = out.chunks_exact_mut(LANES);
        for ((x16, y16), o16) in xc.zip(yc).zip(&mut oc) {
            for l in 0..LANES {
                entry::<SIGMOID>(
                    x16[l] + y16[l],
                    &mut positive[l],
                    &mut products[l],
                    &mut o16[l],
                );
            }
        }
        let o_tail = oc.into_remainder();
        for (l, ((&x, &y), o)) in x_tail.iter().zip(y_tail).zip(o_tail).enumerate() {
            entry::<SIGMOID>(x + y, &mut positive[l], &mut products[l], o);
        }
        logs += super::math::ln_f32(products.iter().product::<f32>());
    }
    positive.iter().sum::<f32>() + logs
}

/// `out[r] = Σⱼ softplus(lo[r][j] + hi[j])` for the rows of `lo` (k entries each); see
/// [`softplus_row`].
#[inline(always)]
fn softplus_row_sums_kernel(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    let k = hi.len();
    for (row, o) in lo.chunks_exact(k).zip(out.iter_mut()) {
        *o = softplus_row::<false>(row, hi, &mut []);
    }
}

/// As [`softplus_row_sums_kernel`], and also `sig[r][j] = σ(lo[r][j] + hi[j])`.
#[inline(always)]
fn softplus_sigmoid_kernel(lo: &[f32], hi: &[f32], out: &mut [f32], sig: &mut [f32]) {
    let k = hi.len();
    for ((row, o), srow) in lo
        .chunks_exact(k)
        .zip(out.iter_mut())
        .zip(sig.chunks_exact_mut(k))
    {
        *o = softplus_row::<true>(row, hi, srow);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn softplus_sigmoid_avx2(lo: &[f32], hi: &[f32], out: &mut [f32], sig: &mut [f32]) {
    softplus_sigmoid_kernel(lo, hi, out, sig);
}

/// The dispatcher of [`softplus_sigmoid_kernel`]: the AVX2 build where the processor has it
/// (the same bits as the portable one).
fn softplus_sigmoid_rows(lo: &[f32], hi: &[f32], out: &mut [f32], sig: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the processor supports the feature the function was compiled for.
            unsafe { softplus_sigmoid_avx2(lo, hi, out, sig) };
            return;
        }
    }
    softplus_sigmoid_kernel(lo, hi, out, sig);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn softplus_row_sums_avx2(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    softplus_row_sums_kernel(lo, hi, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn softplus_row_sums_avx512(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    softplus_row_sums_kernel(lo, hi, out);
}

/// The dispatcher: the AVX-512 or AVX2 build where the processor has it, the same bits as the
/// portable one.
fn softplus_row_sums(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx512() {
            // SAFETY: the processor supports the feature the function was compiled for.
            unsafe { softplus_row_sums_avx512(lo, hi, out) };
            return;
        }
        if super::simd::avx2() {
            // SAFETY: the processor supports the feature the function was compiled for.
            unsafe { softplus_row_sums_avx2(lo, hi, out) };
            return;
        }
    }
    softplus_row_sums_kernel(lo, hi, out);
}

/// The softplus row sums through the AVX2 (and AVX-512) builds and the portable one, compared
/// bit for bit, for rows of 21 and of 150 entries (three products of up to 64 factors)
/// (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_softplus_kernels() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        if !super::simd::avx2() {
            return None;
        }
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for k in [21usize, 150] {
            let rows = 37;
            let lo: Vec<f32> = (0..rows * k)
                .map(|i| ((i * 7919) % 1000) as f32 * 0.05 - 25.0)
                .collect();
            let hi: Vec<f32> = (0..k).map(|j| (j % 21) as f32 * 0.3 - 3.0).collect();
            let (mut fast, mut plain) = (vec![0f32; rows], vec![0f32; rows]);
            // SAFETY: AVX2 was just checked.
            unsafe { softplus_row_sums_avx2(&lo, &hi, &mut fast) };
            softplus_row_sums_kernel(&lo, &hi, &mut plain);
            if bits(&fast) != bits(&plain) {
                return Some(Err(format!("softplus row sums of {k} differ")));
            }
            if super::simd::avx512() {
                let mut widest = vec![0f32; rows];
                // SAFETY: AVX-512F was just checked.
                unsafe { softplus_row_sums_avx512(&lo, &hi, &mut widest) };
                if bits(&widest) != bits(&plain) {
                    return Some(Err(format!("softplus row sums of {k} (AVX-512) differ")));
                }
            }
            let (mut sig_fast, mut sig_plain) = (vec![0f32; rows * k], vec![0f32; rows * k]);
            // SAFETY: AVX2 was just checked.
            unsafe { softplus_sigmoid_avx2(&lo, &hi, &mut fast, &mut sig_fast) };
            softplus_sigmoid_kernel(&lo, &hi, &mut plain, &mut sig_plain);
            if bits(&fast) != bits(&plain) || bits(&sig_fast) != bits(&sig_plain) {
                return Some(Err(format!("softplus-and-sigmoid rows of {k} differ")));
            }
        }
        Some(Ok(()))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

/// `F(v)` for every row of `data` (0/1 entries, nv columns), in nats.
pub fn free_energies(rbm: &Rbm, data: ArrayView2<f32>) -> Result<Vec<f64>, EngineError> {
    check_len(
        "data columns (visible units)",
        rbm.n_visible(),
        data.ncols(),
    )?;
    let mut field = Array2::<f32>::zeros((data.nrows(), rbm.n_hidden()));
    general_mat_mul(1.0, &data, rbm.weights(), 0.0, &mut field);
    let hidden_bias = rbm.hidden_bias().to_vec();
    let mut sums = vec![0f32; data.nrows()];
    match field.as_slice() {
        Some(flat) => softplus_row_sums(flat, &hidden_bias, &mut sums),
        None => return Err(EngineError::BadParameter("field not contiguous".into())),
    }
    let b = rbm.visible_bias();
    Ok(data
        .rows()
        .into_iter()
        .zip(sums)
        .map(|(v, s)| {
            let linear: f64 = v
                .iter()
                .zip(b)
                .map(|(&x, &bi)| f64::from(x) * f64::from(bi))
                .sum();
            -linear - f64::from(s)
        })
        .collect())
}

/// The states of one layer of an RBM (the enumerated layer, m units), walked in blocks of
/// 2^m_lo states that share their high bits, with the other layer (k units) summed out. The
/// machinery of [`log_partition`], shared with [`super::rbm_gradient`].
pub(crate) struct StateBlocks<'a> {
    /// C (m × k): Wᵀ when the hidden layer is enumerated, W when the visible one is.
    pub coupling: ArrayView2<'a, f32>,
    /// Biases of the enumerated layer (m).
    pub a: &'a ndarray::Array1<f32>,
    /// Biases of the summed-out layer (k).
    pub d: &'a ndarray::Array1<f32>,
    /// Low bits per block.
    pub m_lo: usize,
    /// The 2^m_lo low states as a 0/1 matrix (2^m_lo × m_lo), bit i of row r is unit i.
    pub low_states: Array2<f32>,
    /// `lo = low_states · C[..m_lo]` (2^m_lo × k, row-major).
    lo: Array2<f32>,
    /// `aᵀe` over the low bits of each row.
    linear_lo: Vec<f64>,
}

impl<'a> StateBlocks<'a> {
    /// The blocks of the hidden layer (`enumerate_hidden`) or of the visible layer.
    pub fn new(rbm: &'a Rbm, enumerate_hidden: bool) -> Result<Self, EngineError> {
        let w = rbm.weights();
        let (coupling, a, d) = if enumerate_hidden {
            (w.t(), rbm.hidden_bias(), rbm.visible_bias())
        } else {
            (w.view(), rbm.visible_bias(), rbm.hidden_bias())
        };
        let (m, k) = coupling.dim();
        if m > MAX_ENUMERATED_UNITS {
            return Err(EngineError::TooLargeToEnumerate {
                units: m,
                limit: MAX_ENUMERATED_UNITS,
            });
        }
        let table_bits = (TABLE_ENTRIES / k.max(1)).max(1).ilog2() as usize;
        let m_lo = m.min(table_bits.max(1));
        let rows = 1usize << m_lo;
        let low_states = Array2::from_shape_fn((rows, m_lo), |(r, i)| ((r >> i) & 1) as f32);
        let mut lo = Array2::<f32>::zeros((rows, k));
        general_mat_mul(
            1.0,
            &low_states,
            &coupling.slice(s![..m_lo, ..]),
            0.0,
            &mut lo,
        );
        let mut blocks = Self {
            coupling,
            a,
            d,
            m_lo,
            low_states,
            lo,
            linear_lo: Vec::new(),
        };
        blocks.linear_lo = (0..rows).map(|r| blocks.linear(r, 0, m_lo)).collect();
        Ok(blocks)
    }

    /// Units m of the enumerated layer.
    pub fn units(&self) -> usize {
        self.coupling.nrows()
    }

    /// States in a block (2^m_lo).
    pub fn rows(&self) -> usize {
        self.low_states.nrows()
    }

    /// Blocks (2^(m − m_lo)).
    pub fn blocks(&self) -> usize {
        1usize << (self.units() - self.m_lo)
    }

    /// `Σ aᵢ` over the set bits of `state` (bit 0 is unit `from`).
    fn linear(&self, state: usize, from: usize, to: usize) -> f64 {
        (from..to)
            .filter(|&i| (state >> (i - from)) & 1 == 1)
            .map(|i| f64::from(self.a[i]))
            .sum()
    }

    /// The table `lo` as one row-major slice.
    pub fn lo(&self) -> Result<&[f32], EngineError> {
        self.lo
            .as_slice()
            .ok_or_else(|| EngineError::BadParameter("table not contiguous".into()))
    }

    /// For block `high`: fills `hi` with `d + Σ` of the coupling rows of its set high bits
    /// (so the summed-out layer's field at row r is `lo[r] + hi`), `sums[r]` with
    /// `Σ_o softplus(lo[r][o] + hi[o])`, and `log_weights[r]` with the unnormalized
    /// `log P(e) = aᵀe + sums[r]` of each state e of the block; and, if given, `sig` (rows × k)
    /// with the summed-out layer's means `σ(lo[r] + hi)` given each state.
    pub fn block(
        &self,
        high: usize,
        hi: &mut [f32],
        sums: &mut [f32],
        log_weights: &mut [f64],
        sig: Option<&mut [f32]>,
    ) -> Result<(), EngineError> {
        hi.iter_mut().zip(self.d).for_each(|(h, &dj)| *h = dj);
        for i in (0..self.units() - self.m_lo).filter(|&i| (high >> i) & 1 == 1) {
            hi.iter_mut()
                .zip(self.coupling.row(self.m_lo + i))
                .for_each(|(h, &c)| *h += c);
        }
        let linear_hi = self.linear(high, self.m_lo, self.units());
        match sig {
            Some(sig) => softplus_sigmoid_rows(self.lo()?, hi, sums, sig),
            None => softplus_row_sums(self.lo()?, hi, sums),
        }
        log_weights
            .iter_mut()
            .zip(self.linear_lo.iter().zip(sums.iter()))
            .for_each(|(t, (&l, &s))| *t = l + linear_hi + f64::from(s));
        Ok(())
    }
}

/// Exact `log Z` (T = 1), enumerating the smaller layer in blocks (see the module docs).
///
/// Large enumerations split the blocks over up to [`MAX_THREADS`] threads; each block's
/// `log Σ` is computed alone and the blocks are summed in order on the calling thread, so the
/// result has the same bits whatever the number of threads.
pub fn log_partition(rbm: &Rbm) -> Result<f64, EngineError> {
    log_partition_on(rbm, all_processors())
}

/// The processors this machine offers (1 if it will not say): the most threads worth using.
pub fn all_processors() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// [`log_partition`] on at most `max_threads` threads (1: on the calling thread alone, for a
/// caller that keeps the other processors for other work). The bits do not depend on it.
pub fn log_partition_on(rbm: &Rbm, max_threads: usize) -> Result<f64, EngineError> {
    let blocks = StateBlocks::new(rbm, rbm.n_hidden() <= rbm.n_visible())?;
    let work = blocks.blocks() * blocks.rows() * blocks.d.len();
    let threads = if work >= PARALLEL_MIN_ENTRIES {
        max_threads
    } else {
        1
    };
    log_partition_over(&blocks, threads)
}

/// [`log_partition`] over the blocks of `blocks`, split over at most `threads` threads (and
/// [`MAX_THREADS`]); a part whose thread the system will not start is done on the calling
/// thread.
fn log_partition_over(blocks: &StateBlocks, threads: usize) -> Result<f64, EngineError> {
    let count = blocks.blocks();
    let threads = threads.clamp(1, MAX_THREADS).min(count);
    let per_thread = count.div_ceil(threads);
    let part = |first: usize| -> Result<Vec<f64>, EngineError> {
        let mut logs = vec![0f64; per_thread.min(count - first)];
        block_log_sums(blocks, first, &mut logs)?;
        Ok(logs)
    };
    let firsts: Vec<usize> = (0..count).step_by(per_thread).collect();
    let parts: Vec<Result<Vec<f64>, EngineError>> = if threads == 1 {
        firsts.into_iter().map(part).collect()
    } else {
        std::thread::scope(|scope| {
            let started: Vec<_> = firsts
                .into_iter()
                .map(|first| {
                    let thread = std::thread::Builder::new()
                        .spawn_scoped(scope, move || part(first))
                        .ok();
                    (first, thread)
                })
                .collect();
            // Every started thread is joined before any outcome is looked at.
            started
                .into_iter()
                .map(|(first, thread)| match thread {
                    Some(handle) => handle.join().unwrap_or_else(|_| {
                        Err(EngineError::BadParameter(
                            "internal error: a thread summing log Z stopped".into(),
                        ))
                    }),
                    None => part(first),
                })
                .collect()
        })
    };
    let mut acc = LogSumExp::default();
    for logs in parts {
        logs?.into_iter().for_each(|x| acc.add(x));
    }
    Ok(acc.value())
}

/// Threads at most for one log Z.
const MAX_THREADS: usize = 8;

/// Table entries (states × summed-out units) below which log Z stays on one thread: starting
/// a thread costs tens of microseconds, this much work about a millisecond.
const PARALLEL_MIN_ENTRIES: usize = 1 << 20;

/// `log Σ_e exp(…)` over each block `first + i` into `out[i]`, with buffers of its own.
fn block_log_sums(blocks: &StateBlocks, first: usize, out: &mut [f64]) -> Result<(), EngineError> {
    let rows = blocks.rows();
    let mut hi = vec![0f32; blocks.d.len()];
    let mut sums = vec![0f32; rows];
    let mut terms = vec![0f64; rows];
    for (i, log_sum) in out.iter_mut().enumerate() {
        blocks.block(first + i, &mut hi, &mut sums, &mut terms, None)?;
        let block_max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let scaled: f64 = terms.iter().map(|t| (t - block_max).exp()).sum();
        *log_sum = block_max + scaled.ln();
    }
    Ok(())
}

/// Mean exact log-likelihood `mean_v(−F(v)) − log Z` in nats of each data matrix (rows 0/1),
/// sharing one `log Z`.
pub fn mean_log_likelihoods(rbm: &Rbm, sets: &[ArrayView2<f32>]) -> Result<Vec<f64>, EngineError> {
    mean_log_likelihoods_on(rbm, sets, all_processors())
}

/// [`mean_log_likelihoods`] with log Z on at most `max_threads` threads (the same bits).
pub fn mean_log_likelihoods_on(
    rbm: &Rbm,
    sets: &[ArrayView2<f32>],
    max_threads: usize,
) -> Result<Vec<f64>, EngineError> {
    if sets.iter().any(|s| s.nrows() == 0) {
        return Err(EngineError::EmptyData);
    }
    let log_z = log_partition_on(rbm, max_threads)?;
    sets.iter()
        .map(|set| {
            let f = free_energies(rbm, *set)?;
            Ok(-f.iter().sum::<f64>() / f.len() as f64 - log_z)
        })
        .collect()
}

/// Mean exact log-likelihood of one data matrix, in nats.
pub fn mean_log_likelihood(rbm: &Rbm, data: ArrayView2<f32>) -> Result<f64, EngineError> {
    Ok(mean_log_likelihoods(rbm, &[data])?[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimRng;

    #[test]
    fn log_z_over_threads_has_the_bits_of_one_thread() {
        // 24 visible, 20 hidden: 2²⁰ hidden states in blocks. Split over 2, 3 and 7 threads
        // (uneven last parts included), and through the public function, the result must have
        // the bits of the blocks summed in order on one thread.
        let mut rng = SimRng::seed_from_u64(21);
        let rbm = Rbm::random(24, 20, 0.3, &mut rng).expect("rbm");
        let blocks = StateBlocks::new(&rbm, true).expect("blocks");
        let mut block_logs = vec![0f64; blocks.blocks()];
        block_log_sums(&blocks, 0, &mut block_logs).expect("blocks sum");
        let mut acc = LogSumExp::default();
        block_logs.into_iter().for_each(|x| acc.add(x));
        let one = acc.value();
        for threads in [1, 2, 3, 7] {
            let split = log_partition_over(&blocks, threads).expect("log Z");
            assert_eq!(
                split.to_bits(),
                one.to_bits(),
                "{threads} threads: {split} vs {one}"
            );
        }
        let public = log_partition(&rbm).expect("log Z");
        assert_eq!(public.to_bits(), one.to_bits(), "{public} vs {one}");
        let alone = log_partition_on(&rbm, 1).expect("log Z");
        assert_eq!(alone.to_bits(), one.to_bits(), "{alone} vs {one}");
    }
}
