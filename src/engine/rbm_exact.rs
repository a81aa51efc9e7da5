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
//! sum of rows of C. Each block of 2^m_lo states then costs one add and one softplus per entry.
//! The softplus and the row sums run in single precision (relative error ~10⁻⁷ a term); the
//! log-sum-exp over states runs in double precision. [`super::exact::rbm_log_likelihood`]
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
    let t = exp_f32(-x.abs());
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

/// `out[r] = Σⱼ softplus(lo[r][j] + hi[j])` for the rows of `lo` (k entries each). Two simple
/// loops a row, so the compiler vectorizes both: the softplus into a buffer, then an eight-lane sum.
#[inline(always)]
fn softplus_row_sums_kernel(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    let k = hi.len();
    let mut buf = vec![0f32; k];
    for (row, o) in lo.chunks_exact(k).zip(out.iter_mut()) {
        for ((b, &x), &y) in buf.iter_mut().zip(row).zip(hi) {
            *b = softplus_f32(x + y);
        }
        let mut lanes = [0f32; 8];
        let chunks = buf.chunks_exact(8);
        let tail: f32 = chunks.remainder().iter().sum();
        for c in chunks {
            for l in 0..8 {
                lanes[l] += c[l];
            }
        }
        *o = lanes.iter().sum::<f32>() + tail;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn softplus_row_sums_avx2(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    softplus_row_sums_kernel(lo, hi, out);
}

/// The dispatcher: eight lanes where the processor has AVX2, the same bits either way.
fn softplus_row_sums(lo: &[f32], hi: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the processor supports the feature the function was compiled for.
            unsafe { softplus_row_sums_avx2(lo, hi, out) };
            return;
        }
    }
    softplus_row_sums_kernel(lo, hi, out);
}

/// The softplus row sums through the AVX2 build and the portable one, compared bit for bit
/// (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_softplus_kernels() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        if !super::simd::avx2() {
            return None;
        }
        let lo: Vec<f32> = (0..37 * 21)
            .map(|i| ((i * 7919) % 1000) as f32 * 0.05 - 25.0)
            .collect();
        let hi: Vec<f32> = (0..21).map(|j| j as f32 * 0.3 - 3.0).collect();
        let (mut fast, mut plain) = (vec![0f32; 37], vec![0f32; 37]);
        // SAFETY: AVX2 was just checked.
        unsafe { softplus_row_sums_avx2(&lo, &hi, &mut fast) };
        softplus_row_sums_kernel(&lo, &hi, &mut plain);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        if bits(&fast) != bits(&plain) {
            return Some(Err("softplus row sums differ".into()));
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

/// Exact `log Z` (T = 1), enumerating the smaller layer in blocks (see the module docs).
pub fn log_partition(rbm: &Rbm) -> Result<f64, EngineError> {
    let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
    let enumerate_hidden = nh <= nv;
    let w = rbm.weights();
    // C: m × k; a: biases of the enumerated layer; d: of the summed-out one.
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
    let linear = |state: usize, from: usize, to: usize| -> f64 {
        (from..to)
            .filter(|&i| (state >> (i - from)) & 1 == 1)
            .map(|i| f64::from(a[i]))
            .sum()
    };
    let linear_lo: Vec<f64> = (0..rows).map(|r| linear(r, 0, m_lo)).collect();
    let lo_flat = lo
        .as_slice()
        .ok_or_else(|| EngineError::BadParameter("table not contiguous".into()))?;
    let mut hi = vec![0f32; k];
    let mut sums = vec![0f32; rows];
    let mut acc = LogSumExp::default();
    for high in 0..1usize << (m - m_lo) {
        hi.iter_mut().zip(d).for_each(|(h, &dj)| *h = dj);
        for i in (0..m - m_lo).filter(|&i| (high >> i) & 1 == 1) {
            hi.iter_mut()
                .zip(coupling.row(m_lo + i))
                .for_each(|(h, &c)| *h += c);
        }
        let linear_hi = linear(high, m_lo, m);
        softplus_row_sums(lo_flat, &hi, &mut sums);
        let terms = linear_lo
            .iter()
            .zip(&sums)
            .map(|(&l, &s)| l + linear_hi + f64::from(s));
        let block_max = terms.clone().fold(f64::NEG_INFINITY, f64::max);
        let scaled: f64 = terms.map(|t| (t - block_max).exp()).sum();
        acc.add(block_max + scaled.ln());
    }
    Ok(acc.value())
}

/// Mean exact log-likelihood `mean_v(−F(v)) − log Z` in nats of each data matrix (rows 0/1),
/// sharing one `log Z`.
pub fn mean_log_likelihoods(rbm: &Rbm, sets: &[ArrayView2<f32>]) -> Result<Vec<f64>, EngineError> {
    if sets.iter().any(|s| s.nrows() == 0) {
        return Err(EngineError::EmptyData);
    }
    let log_z = log_partition(rbm)?;
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
