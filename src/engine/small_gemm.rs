//! `C += α A B` for the thin products of small RBMs, where GEMM's packing costs more than the
//! arithmetic.
//!
//! B (k × n) must be row-major with n a multiple of 16, at most [`MAX_COLUMNS`] columns and
//! [`MAX_DEPTH`] rows; A may have any non-negative strides (a transposed view included), and
//! any number of rows. With AVX2 and FMA, blocks of 4 rows × 16 columns of C stay in eight
//! registers while k runs: two loads of B and four broadcasts of A feed eight fused
//! multiply-adds. With AVX-512, a 16-column block of a row is one register and 8 rows run at
//! once: half the instructions. Both accumulate each entry of C in the same order with the
//! same fused operations, so they give the same bits. Other shapes, and machines without AVX2
//! and FMA, are left to GEMM.

use ndarray::{ArrayView2, ArrayViewMut2};

/// The widest B this kernel takes.
pub(crate) const MAX_COLUMNS: usize = 64;

/// The most rows of B (so that B, at most 64 KB, stays in the second-level cache).
pub(crate) const MAX_DEPTH: usize = 256;

/// Whether the kernel takes a product with `k` rows and `n` columns of B (on machines with AVX2
/// and FMA; elsewhere [`add_product`] still declines).
pub(crate) fn fits(k: usize, n: usize) -> bool {
    n > 0 && n.is_multiple_of(16) && n <= MAX_COLUMNS && k > 0 && k <= MAX_DEPTH
}

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
    if m == 0 || !fits(k, n) {
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
        if super::simd::avx512() {
            let a_ptr = a.as_ptr();
            // SAFETY: as below, with AVX-512F checked.
            unsafe { avx512::add_product(alpha, a_ptr, strides, m, k, b_flat, c_flat, n) };
            return true;
        }
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
            // Pointers walk A's column (stride s₁) and B's rows (stride n) with k; each of the R
            // rows of A sits q·s₀ past the first. Plain pointer steps, no index arithmetic or
            // bounds checks in the loop (the slices' lengths were asserted by the caller).
            let a_first = a.add(r * s0);
            let mut row_offsets = [0usize; R];
            for (q, o) in row_offsets.iter_mut().enumerate() {
                *o = q * s0;
            }
            for col in (0..n).step_by(16) {
                let mut acc = [[_mm256_setzero_ps(); 2]; R];
                let mut a_ptr = a_first;
                let mut b_ptr = b.as_ptr().add(col);
                for _ in 0..k {
                    let b0 = _mm256_loadu_ps(b_ptr);
                    let b1 = _mm256_loadu_ps(b_ptr.add(8));
                    for (acc_row, &offset) in acc.iter_mut().zip(&row_offsets) {
                        let x: __m256 = _mm256_broadcast_ss(&*a_ptr.add(offset));
                        acc_row[0] = _mm256_fmadd_ps(x, b0, acc_row[0]);
                        acc_row[1] = _mm256_fmadd_ps(x, b1, acc_row[1]);
                    }
                    a_ptr = a_ptr.wrapping_add(s1); // may step past the end after the last kk
                    b_ptr = b_ptr.wrapping_add(n);
                }
                for (q, acc_row) in acc.iter().enumerate() {
                    let out = c.as_mut_ptr().add((r + q) * n + col);
                    let c0 = _mm256_fmadd_ps(scale, acc_row[0], _mm256_loadu_ps(out));
                    let c1 = _mm256_fmadd_ps(scale, acc_row[1], _mm256_loadu_ps(out.add(8)));
                    _mm256_storeu_ps(out, c0);
                    _mm256_storeu_ps(out.add(8), c1);
                }
            }
        }
    }
}

/// The same kernel with one 16-lane register per row of a 16-column block: half the
/// multiply-adds and loads of the AVX2 one, and eight rows of C at a time. Each entry of C is
/// accumulated in the same order with the same fused operations, so the bits are the same.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_storeu_ps,
    };

    /// C (m × n, row-major) += α A (m × k, strides) B (k × n, row-major).
    ///
    /// # Safety
    /// AVX-512F must be present, and `a` must be valid for reads at `r·s₀ + kk·s₁` for every
    /// r < m, kk < k.
    #[target_feature(enable = "avx512f")]
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
        while r + 8 <= m {
            // SAFETY: rows r..r + 8 are below m (the caller's contract covers them).
            unsafe { rows_block::<8>(alpha, a, strides, r, k, b, c, n) };
            r += 8;
        }
        while r + 4 <= m {
            // SAFETY: as above, for four rows.
            unsafe { rows_block::<4>(alpha, a, strides, r, k, b, c, n) };
            r += 4;
        }
        while r < m {
            // SAFETY: as above, for one row.
            unsafe { rows_block::<1>(alpha, a, strides, r, k, b, c, n) };
            r += 1;
        }
    }

    /// Rows r..r + R of C, sixteen columns at a time, the R × 16 block in R registers.
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
            let scale = _mm512_set1_ps(alpha);
            let a_first = a.add(r * s0);
            let mut row_offsets = [0usize; R];
            for (q, o) in row_offsets.iter_mut().enumerate() {
                *o = q * s0;
            }
            for col in (0..n).step_by(16) {
                let mut acc = [_mm512_setzero_ps(); R];
                let mut a_ptr = a_first;
                let mut b_ptr = b.as_ptr().add(col);
                for _ in 0..k {
                    let b_row = _mm512_loadu_ps(b_ptr);
                    for (acc_row, &offset) in acc.iter_mut().zip(&row_offsets) {
                        let x = _mm512_set1_ps(*a_ptr.add(offset));
                        *acc_row = _mm512_fmadd_ps(x, b_row, *acc_row);
                    }
                    a_ptr = a_ptr.wrapping_add(s1); // may step past the end after the last kk
                    b_ptr = b_ptr.wrapping_add(n);
                }
                for (q, acc_row) in acc.iter().enumerate() {
                    let out = c.as_mut_ptr().add((r + q) * n + col);
                    _mm512_storeu_ps(out, _mm512_fmadd_ps(scale, *acc_row, _mm512_loadu_ps(out)));
                }
            }
        }
    }
}

/// `dst ← srcᵀ` for a row-major `rows × cols` source whose sides are multiples of 8, in 8 × 8
/// tiles transposed in AVX registers (a copy: exact); returns false (leaving `dst` alone) for
/// other shapes or machines without AVX2.
pub(crate) fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) -> bool {
    let fits = rows.is_multiple_of(8)
        && cols.is_multiple_of(8)
        && rows > 0
        && cols > 0
        && src.len() == rows * cols
        && dst.len() == rows * cols;
    #[cfg(target_arch = "x86_64")]
    {
        if fits && super::simd::avx2() {
            // SAFETY: AVX2 checked; the lengths and the multiples of 8 were checked above.
            unsafe { tiles::transpose(src, rows, cols, dst) };
            return true;
        }
    }
    let _ = (fits, src, dst);
    false
}

#[cfg(target_arch = "x86_64")]
mod tiles {
    use std::arch::x86_64::{
        _mm256_loadu_ps, _mm256_permute2f128_ps, _mm256_shuffle_ps, _mm256_storeu_ps,
        _mm256_unpackhi_ps, _mm256_unpacklo_ps,
    };

    /// # Safety
    /// AVX2 must be present; `src` and `dst` hold `rows × cols` values, both multiples of 8.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
        assert!(src.len() == rows * cols && dst.len() == rows * cols);
        assert!(rows.is_multiple_of(8) && cols.is_multiple_of(8));
        for bi in (0..rows).step_by(8) {
            for bj in (0..cols).step_by(8) {
                // SAFETY: rows bi..bi + 8 and columns bj..bj + 8 are inside src (asserted), and
                // rows bj..bj + 8, columns bi..bi + 8 inside dst.
                unsafe {
                    let r = |q: usize| _mm256_loadu_ps(src.as_ptr().add((bi + q) * cols + bj));
                    let (r0, r1, r2, r3) = (r(0), r(1), r(2), r(3));
                    let (r4, r5, r6, r7) = (r(4), r(5), r(6), r(7));
                    let t0 = _mm256_unpacklo_ps(r0, r1);
                    let t1 = _mm256_unpackhi_ps(r0, r1);
                    let t2 = _mm256_unpacklo_ps(r2, r3);
                    let t3 = _mm256_unpackhi_ps(r2, r3);
                    let t4 = _mm256_unpacklo_ps(r4, r5);
                    let t5 = _mm256_unpackhi_ps(r4, r5);
                    let t6 = _mm256_unpacklo_ps(r6, r7);
                    let t7 = _mm256_unpackhi_ps(r6, r7);
                    let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
                    let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
                    let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
                    let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
                    let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
                    let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
                    let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
                    let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
                    let out = [
                        _mm256_permute2f128_ps::<0x20>(u0, u4),
                        _mm256_permute2f128_ps::<0x20>(u1, u5),
                        _mm256_permute2f128_ps::<0x20>(u2, u6),
                        _mm256_permute2f128_ps::<0x20>(u3, u7),
                        _mm256_permute2f128_ps::<0x31>(u0, u4),
                        _mm256_permute2f128_ps::<0x31>(u1, u5),
                        _mm256_permute2f128_ps::<0x31>(u2, u6),
                        _mm256_permute2f128_ps::<0x31>(u3, u7),
                    ];
                    for (p, v) in out.into_iter().enumerate() {
                        _mm256_storeu_ps(dst.as_mut_ptr().add((bj + p) * rows + bi), v);
                    }
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
        (13, 16, 64),
        (64, 20, 16),
    ] {
        let (a, b) = (integers(m, k, 1), integers(k, n, 2));
        let mut c = integers(m, n, 3);
        let expected = &c + &(a.dot(&b) * 2.0);
        if !add_product(2.0, a.view(), b.view(), c.view_mut()) || c != expected {
            return Some(Err(format!("{m}×{k}×{n}: the kernel differs")));
        }
        // The AVX2 kernel directly, also where add_product would take the AVX-512 one.
        #[cfg(target_arch = "x86_64")]
        {
            let mut c2 = integers(m, n, 3);
            let (b_flat, c_flat) = (b.as_slice(), c2.as_slice_mut());
            if let (Some(b_flat), Some(c_flat)) = (b_flat, c_flat) {
                // SAFETY: AVX2 and FMA were checked above; A is a whole standard-layout array.
                unsafe { avx2::add_product(2.0, a.as_ptr(), [k, 1], m, k, b_flat, c_flat, n) };
            }
            if c2 != expected {
                return Some(Err(format!("{m}×{k}×{n}: the AVX2 kernel differs")));
            }
        }
        let at = integers(k, m, 4);
        let mut c = Array2::zeros((m, n));
        if !add_product(1.0, at.t(), b.view(), c.view_mut()) || c != at.t().dot(&b) {
            return Some(Err(format!(
                "transposed A, {m}×{k}×{n}: the kernel differs"
            )));
        }
    }
    for (rows, cols) in [(8, 8), (64, 16), (16, 64), (24, 40)] {
        let src: Vec<f32> = (0..rows * cols).map(|i| i as f32 * 0.5 - 7.0).collect();
        let mut dst = vec![0f32; rows * cols];
        if !transpose(&src, rows, cols, &mut dst) {
            return Some(Err(format!("{rows}×{cols}: the tiled transpose declined")));
        }
        let expected: Vec<f32> = (0..cols)
            .flat_map(|j| (0..rows).map(move |i| (i, j)))
            .map(|(i, j)| src[i * cols + j])
            .collect();
        if dst != expected {
            return Some(Err(format!("{rows}×{cols}: the tiled transpose differs")));
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
