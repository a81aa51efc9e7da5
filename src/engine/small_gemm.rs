//! `C += α A B` for the thin products of small RBMs, where GEMM's packing costs more than the
//! arithmetic.
//!
//! B (k × n) must be row-major with n a multiple of 16, at most [`MAX_COLUMNS`] columns and
//! [`MAX_DEPTH`] rows; A may have any non-negative strides (a transposed view included). Blocks of 4 rows × 16 columns of C stay in eight
//! AVX2 registers while k runs: two loads of B and four broadcasts of A feed eight fused
//! multiply-adds. Other shapes, and machines without AVX2 and FMA, are left to GEMM.

use ndarray::{ArrayView2, ArrayViewMut2};

/// The widest B this kernel takes.
pub(crate) const MAX_COLUMNS: usize = 64;

/// The most rows of B (so that B, at most 64 KB, stays in the second-level cache).
pub(crate) const MAX_DEPTH: usize = 256;

/// `c += alpha · a · b` when the shapes suit the kernel and the processor has AVX2 and FMA;
/// returns false (leaving `c` alone) otherwise.
pub(crate) fn add_product(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    mut c: ArrayViewMut2<f32>,
) -> bool {
    let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
    assert!(b.nrows() == k && c.nrows() == m && c.ncols() == n);
    if n == 0 || !n.is_multiple_of(16) || n > MAX_COLUMNS || m == 0 || k == 0 || k > MAX_DEPTH {
        return false;
    }
    let (Some(b_flat), Some(c_flat)) = (b.to_slice(), c.as_slice_mut()) else {
        return false;
    };
    let (Ok(s0), Ok(s1)) = (
        usize::try_from(a.strides()[0]),
        usize::try_from(a.strides()[1]),
    ) else {
        return false; // negative strides
    };
    let strides = [s0, s1];
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2_fma() {
            // The last element of A is at (m−1)·s₀ + (k−1)·s₁ from its start; a view's
            // pointer and strides keep it inside its allocation.
            let a_ptr = a.as_ptr();
            // SAFETY: features checked; A is read only at (r, kk) < (m, k) through its own
            // strides; B and C are whole slices of the sizes asserted in the kernel.
            unsafe { avx2::add_product(alpha, a_ptr, strides, m, k, b_flat, c_flat, n) };
            return true;
        }
    }
    let _ = (alpha, strides, b_flat, c_flat);
    false
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256, _mm256_broadcast_ss, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_set1_ps,
        _mm256_setzero_ps, _mm256_storeu_ps,
    };

    /// C (m × n, row-major) += α A (m × k, strides) B (k × n, row-major).
    ///
    /// # Safety
    /// AVX2 and FMA must be present, and `a` must be valid for reads at `r·s₀ + kk·s₁` for every
    /// r < m, kk < k.
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn add_product(
        alpha: f32,
        a: *const f32,
        strides: [usize; 2],
        m: usize,
        k: usize,
        b: &[f32],
        c: &mut [f32],
        n: usize,
    ) {
        assert!(b.len() == k * n && c.len() == m * n && n.is_multiple_of(16));
        let mut r = 0;
        while r + 4 <= m {
            // SAFETY: rows r..r + 4 are below m (the caller's contract covers them).
            unsafe { rows_block::<4>(alpha, a, strides, r, k, b, c, n) };
            r += 4;
        }
        while r < m {
            // SAFETY: as above, for one row.
            unsafe { rows_block::<1>(alpha, a, strides, r, k, b, c, n) };
            r += 1;
        }
    }

    /// Rows r..r + R of C, sixteen columns at a time, with the R × 16 block in registers.
    ///
    /// # Safety
    /// As [`add_product`], with r + R ≤ m.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn rows_block<const R: usize>(
        alpha: f32,
        a: *const f32,
        [s0, s1]: [usize; 2],
        r: usize,
        k: usize,
        b: &[f32],
        c: &mut [f32],
        n: usize,
    ) {
        unsafe {
            let scale = _mm256_set1_ps(alpha);
            for col in (0..n).step_by(16) {
                let mut acc = [[_mm256_setzero_ps(); 2]; R];
                for kk in 0..k {
                    let brow = &b[kk * n + col..kk * n + col + 16];
                    let b0 = _mm256_loadu_ps(brow.as_ptr());
                    let b1 = _mm256_loadu_ps(brow.as_ptr().add(8));
                    for (q, acc_row) in acc.iter_mut().enumerate() {
                        let x: __m256 = _mm256_broadcast_ss(&*a.add((r + q) * s0 + kk * s1));
                        acc_row[0] = _mm256_fmadd_ps(x, b0, acc_row[0]);
                        acc_row[1] = _mm256_fmadd_ps(x, b1, acc_row[1]);
                    }
                }
                for (q, acc_row) in acc.iter().enumerate() {
                    let out = &mut c[(r + q) * n + col..(r + q) * n + col + 16];
                    let c0 = _mm256_fmadd_ps(scale, acc_row[0], _mm256_loadu_ps(out.as_ptr()));
                    let c1 =
                        _mm256_fmadd_ps(scale, acc_row[1], _mm256_loadu_ps(out.as_ptr().add(8)));
                    _mm256_storeu_ps(out.as_mut_ptr(), c0);
                    _mm256_storeu_ps(out.as_mut_ptr().add(8), c1);
                }
            }
        }
    }
}

/// The vector kernel against the plain triple loop on small-integer entries (every product
/// and sum exact in f32, so the two must match exactly whatever the order), for plain and
/// transposed A (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_kernel() -> Option<Result<(), String>> {
    use ndarray::Array2;
    let integers = |rows: usize, cols: usize, seed: usize| {
        Array2::from_shape_fn((rows, cols), |(r, c)| {
            ((r * 7 + c * 3 + seed) % 9) as f32 - 4.0
        })
    };
    if !super::simd::avx2_fma() {
        return None;
    }
    for (m, k, n) in [
        (1, 1, 16),
        (5, 7, 16),
        (20, 64, 16),
        (9, 3, 64),
        (4, 40, 32),
    ] {
        let (a, b) = (integers(m, k, 1), integers(k, n, 2));
        let mut c = integers(m, n, 3);
        let expected = &c + &(a.dot(&b) * 2.0);
        if !add_product(2.0, a.view(), b.view(), c.view_mut()) || c != expected {
            return Some(Err(format!("{m}×{k}×{n}: the kernel differs")));
        }
        let at = integers(k, m, 4);
        let mut c = Array2::zeros((m, n));
        if !add_product(1.0, at.t(), b.view(), c.view_mut()) || c != at.t().dot(&b) {
            return Some(Err(format!(
                "transposed A, {m}×{k}×{n}: the kernel differs"
            )));
        }
    }
    Some(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Small-integer entries: every product and sum is exact in f32, so the kernel must match
    /// the plain triple loop exactly, whatever its order.
    fn integers(rows: usize, cols: usize, seed: usize) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |(r, c)| {
            ((r * 7 + c * 3 + seed) % 9) as f32 - 4.0
        })
    }

    #[test]
    fn shapes_it_does_not_take_are_left_alone() {
        let (a, b) = (integers(3, 4, 0), integers(4, 12, 0));
        let mut c = Array2::zeros((3, 12));
        assert!(!add_product(1.0, a.view(), b.view(), c.view_mut()));
        // A column-major B is not taken either.
        let b = integers(16, 4, 1);
        let mut c = Array2::zeros((3, 16));
        assert!(!add_product(1.0, a.view(), b.t(), c.view_mut()));
        assert!(c.iter().all(|&x| x == 0.0));
    }
}
