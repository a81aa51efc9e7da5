//! Restricted Boltzmann machines: visible v ∈ {0,1}^nv, hidden h ∈ {0,1}^nh, no links within a
//! layer, so each layer is conditionally independent given the other and updates all at once.
//!
//! `E(v, h) = −bᵀv − cᵀh − vᵀWh` (W is nv × nh), `P(hⱼ = 1 | v) = σ((cⱼ + (vᵀW)ⱼ) / T)`,
//! `P(vᵢ = 1 | h) = σ((bᵢ + (Wh)ᵢ) / T)`, free energy `F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ)`.
//!
//! Parameters are `f32` for fast matrix products; every exact quantity (free energy, log Z) is
//! accumulated in `f64`. Training lives in [`super::rbm_train`].

use super::error::{EngineError, check_len, check_parameters};
use super::math::{sigmoid_f32, softplus};
use super::rng::SimRng;
use super::small_gemm;
use super::wide_rng::WideRng;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

/// A restricted Boltzmann machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rbm {
    w: Array2<f32>,
    b: Array1<f32>,
    c: Array1<f32>,
}

/// The largest layer accepted (refused before allocating).
pub const MAX_LAYER_UNITS: usize = crate::engine::limits::MAX_UNITS;

impl Rbm {
    /// Weights N(0, scale²), zero biases.
    pub fn random(
        n_visible: usize,
        n_hidden: usize,
        scale: f32,
        rng: &mut SimRng,
    ) -> Result<Self, EngineError> {
        check_layer_sizes(n_visible, n_hidden)?;
        let w = Array2::from_shape_simple_fn((n_visible, n_hidden), || scale * rng.normal() as f32);
        Ok(Self {
            w,
            b: Array1::zeros(n_visible),
            c: Array1::zeros(n_hidden),
        })
    }

    /// An RBM from its parts, checked for matching sizes and finite values.
    pub fn from_parts(w: Array2<f32>, b: Array1<f32>, c: Array1<f32>) -> Result<Self, EngineError> {
        let (nv, nh) = w.dim();
        check_layer_sizes(nv, nh)?;
        check_len("visible biases b", nv, b.len())?;
        check_len("hidden biases c", nh, c.len())?;
        check_parameters("W", w.iter().map(|&x| f64::from(x)))?;
        check_parameters("b", b.iter().map(|&x| f64::from(x)))?;
        check_parameters("c", c.iter().map(|&x| f64::from(x)))?;
        Ok(Self { w, b, c })
    }

    /// Visible units.
    pub fn n_visible(&self) -> usize {
        self.b.len()
    }

    /// Hidden units.
    pub fn n_hidden(&self) -> usize {
        self.c.len()
    }

    /// W (nv × nh).
    pub fn weights(&self) -> &Array2<f32> {
        &self.w
    }

    /// Visible biases b.
    pub fn visible_bias(&self) -> &Array1<f32> {
        &self.b
    }

    /// Hidden biases c.
    pub fn hidden_bias(&self) -> &Array1<f32> {
        &self.c
    }

    /// Mutable access to (W, b, c) for learning rules in this crate.
    pub(crate) fn parts_mut(&mut self) -> (&mut Array2<f32>, &mut Array1<f32>, &mut Array1<f32>) {
        (&mut self.w, &mut self.b, &mut self.c)
    }

    /// Sets the visible biases to the log-odds of each pixel's mean in `data` (clipped), the usual
    /// start (Hinton 2010, "A practical guide to training RBMs", §8.1).
    pub fn set_visible_bias_from_data(&mut self, data: &Array2<f32>) {
        let m = data.nrows().max(1) as f32;
        for (i, bi) in self.b.iter_mut().enumerate() {
            let p = (data.column(i).sum() / m).clamp(0.01, 0.99);
            *bi = (p / (1.0 - p)).ln();
        }
    }

    /// `F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vᵀW)ⱼ)`, in f64.
    pub fn free_energy(&self, v: &[u8]) -> Result<f64, EngineError> {
        check_len("visible pattern", self.n_visible(), v.len())?;
        let mut x: Vec<f64> = self.c.iter().map(|&c| f64::from(c)).collect();
        let mut linear = 0.0;
        for (i, _) in v.iter().enumerate().filter(|(_, s)| **s != 0) {
            linear += f64::from(self.b[i]);
            x.iter_mut()
                .zip(self.w.row(i))
                .for_each(|(xj, &w)| *xj += f64::from(w));
        }
        Ok(-linear - x.iter().map(|&xj| softplus(xj)).sum::<f64>())
    }

    /// `E(v, h) = −bᵀv − cᵀh − vᵀWh`, in f64.
    pub fn energy(&self, v: &[u8], h: &[u8]) -> Result<f64, EngineError> {
        check_len("visible pattern", self.n_visible(), v.len())?;
        check_len("hidden pattern", self.n_hidden(), h.len())?;
        let mut e = 0.0;
        for (i, &vi) in v.iter().enumerate() {
            if vi == 0 {
                continue;
            }
            e -= f64::from(self.b[i]);
            for (j, &hj) in h.iter().enumerate() {
                if hj != 0 {
                    e -= f64::from(self.w[[i, j]]);
                }
            }
        }
        e -= h
            .iter()
            .zip(&self.c)
            .filter(|(h, _)| **h != 0)
            .map(|(_, &c)| f64::from(c))
            .sum::<f64>();
        Ok(e)
    }

    /// `out = σ((v W + c) / T)` for a batch of visible rows (T > 0). Small RBMs multiply in
    /// the `small_gemm` module's register-blocked kernel, larger ones in GEMM.
    pub fn hidden_probs(&self, v: ArrayView2<f32>, out: &mut Array2<f32>, t: f32) {
        fill_rows(out, &self.c);
        if !small_gemm::add_product(1.0, v, self.w.view(), out.view_mut()) {
            general_mat_mul(1.0, &v, &self.w, 1.0, out);
        }
        apply_sigmoid(out.view_mut(), t);
    }

    /// `out = σ((h Wᵀ + b) / T)` for a batch of hidden rows (T > 0).
    pub fn visible_probs(&self, h: ArrayView2<f32>, out: &mut Array2<f32>, t: f32) {
        fill_rows(out, &self.b);
        general_mat_mul(1.0, &h, &self.w.t(), 1.0, out);
        apply_sigmoid(out.view_mut(), t);
    }
}

impl Rbm {
    /// Checks an RBM that did not come through a constructor: layer sizes, bias lengths,
    /// finite numbers.
    pub fn validate(&self) -> Result<(), EngineError> {
        check_layer_sizes(self.w.nrows(), self.w.ncols())?;
        check_len("visible biases b", self.w.nrows(), self.b.len())?;
        check_len("hidden biases c", self.w.ncols(), self.c.len())?;
        check_parameters("RBM weights W", self.w.iter().map(|&x| f64::from(x)))?;
        check_parameters("visible biases b", self.b.iter().map(|&x| f64::from(x)))?;
        check_parameters("hidden biases c", self.c.iter().map(|&x| f64::from(x)))
    }
}

impl RbmChains {
    /// Checks chains that did not come through a constructor against their RBM.
    pub fn validate_for(&self, rbm: &Rbm) -> Result<(), EngineError> {
        let (nv, nh, rows) = (rbm.n_visible(), rbm.n_hidden(), self.visible.nrows());
        if rows == 0 {
            return Err(EngineError::BadParameter(
                "an RBM needs at least one chain (the chains have no rows)".into(),
            ));
        }
        for (what, width, a) in [
            ("visible", nv, &self.visible),
            ("visible probability", nv, &self.visible_probs),
            ("hidden", nh, &self.hidden),
            ("hidden probability", nh, &self.hidden_probs),
        ] {
            check_len(&format!("chain {what} columns"), width, a.ncols())?;
        }
        check_len("chain clamp mask", nv, self.clamped.len())?;
        for (what, a) in [
            ("hidden", &self.hidden),
            ("visible probability", &self.visible_probs),
            ("hidden probability", &self.hidden_probs),
        ] {
            check_len(&format!("{what} chain rows"), rows, a.nrows())?;
        }
        if self
            .visible
            .iter()
            .chain(&self.hidden)
            .any(|&x| x != 0.0 && x != 1.0)
        {
            return Err(EngineError::BadParameter(
                "chain states must be 0 or 1".into(),
            ));
        }
        if self
            .visible_probs
            .iter()
            .chain(&self.hidden_probs)
            .any(|p| !(0.0..=1.0).contains(p))
        {
            return Err(EngineError::BadParameter(
                "chain probabilities must be in [0, 1]".into(),
            ));
        }
        Ok(())
    }
}

fn check_layer_sizes(n_visible: usize, n_hidden: usize) -> Result<(), EngineError> {
    if n_visible == 0 || n_hidden == 0 {
        return Err(EngineError::BadParameter(format!(
            "an RBM needs at least one visible and one hidden unit, got {n_visible} × {n_hidden}"
        )));
    }
    crate::engine::limits::check_weights("the RBM's weights", n_visible, n_hidden)?;
    Ok(())
}

/// Replaces each x by σ(x / T); at T = 0 by the step `[x > 0]`.
pub fn apply_sigmoid(mut x: ArrayViewMut2<f32>, t: f32) {
    if t == 0.0 {
        x.mapv_inplace(|v| if v > 0.0 { 1.0 } else { 0.0 });
    } else {
        let beta = 1.0 / t;
        match x.as_slice_memory_order_mut() {
            Some(flat) => sigmoid_slice(flat, beta),
            None => x.mapv_inplace(|v| sigmoid_f32(v * beta)),
        }
    }
}

/// `xᵢ ← σ(β xᵢ)` over a slice, in the AVX-512 or AVX2 build where the processor has it (plain
/// adds and multiplies only, so every machine gets the same bits).
fn sigmoid_slice(xs: &mut [f32], beta: f32) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx512() {
            // SAFETY: the processor supports the feature the function was compiled for.
            unsafe { sigmoid_slice_avx512(xs, beta) };
            return;
        }
        if super::simd::avx2() {
            // SAFETY: the processor supports the feature the function was compiled for.
            unsafe { sigmoid_slice_avx2(xs, beta) };
            return;
        }
    }
    sigmoid_slice_kernel(xs, beta);
}

/// σ over a slice through the AVX2 (and AVX-512) builds and the portable one, compared bit
/// for bit (see [`super::simd::kernel_comparisons`]).
pub(crate) fn compare_sigmoid_kernels() -> Option<Result<(), String>> {
    #[cfg(target_arch = "x86_64")]
    {
        if !super::simd::avx2() {
            return None;
        }
        let xs: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.037).collect();
        for beta in [0.25f32, 1.0, 3.0] {
            let (mut fast, mut plain) = (xs.clone(), xs.clone());
            // SAFETY: AVX2 was just checked.
            unsafe { sigmoid_slice_avx2(&mut fast, beta) };
            sigmoid_slice_kernel(&mut plain, beta);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            if bits(&fast) != bits(&plain) {
                return Some(Err(format!("σ differs at β = {beta}")));
            }
            if super::simd::avx512() {
                let mut widest = xs.clone();
                // SAFETY: AVX-512F was just checked.
                unsafe { sigmoid_slice_avx512(&mut widest, beta) };
                if bits(&widest) != bits(&plain) {
                    return Some(Err(format!("σ (AVX-512) differs at β = {beta}")));
                }
            }
        }
        Some(Ok(()))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sigmoid_slice_avx2(xs: &mut [f32], beta: f32) {
    sigmoid_slice_kernel(xs, beta);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sigmoid_slice_avx512(xs: &mut [f32], beta: f32) {
    sigmoid_slice_kernel(xs, beta);
}

#[inline(always)]
fn sigmoid_slice_kernel(xs: &mut [f32], beta: f32) {
    for v in xs.iter_mut() {
        *v = sigmoid_f32(*v * beta);
    }
}

/// Every row of `out` set to `row` (row by row: cheaper than a broadcasting assignment for the
/// short rows of a mini-batch).
pub(crate) fn fill_rows(out: &mut Array2<f32>, row: &Array1<f32>) {
    debug_assert_eq!(out.ncols(), row.len());
    match (out.as_slice_mut(), row.as_slice()) {
        (Some(dst), Some(src)) if !src.is_empty() => {
            dst.chunks_exact_mut(src.len())
                .for_each(|d| d.copy_from_slice(src));
        }
        _ => out.assign(row),
    }
}

/// Replaces each probability p by a 0/1 draw with P(1) = p.
///
/// Each 64 random bits give two 24-bit uniforms u, and pᵢ ← `[u < pᵢ]`. The bits are drawn
/// first, 64 uniforms at a time, so the comparisons run as one vector loop.
pub fn sample_bernoulli(mut p: ArrayViewMut2<f32>, rng: &mut SimRng) {
    const SCALE: f32 = 1.0 / (1u32 << 24) as f32;
    let mut uniforms = [0i32; 64];
    let mut draw = |chunk: &mut [f32]| {
        for pair in uniforms.chunks_exact_mut(2) {
            let r = rng.next_u64();
            pair[0] = (r >> 40) as i32;
            pair[1] = ((r >> 8) & 0xff_ffff) as i32;
        }
        // i32 → f32 is one vector instruction (and exact: the values have 24 bits).
        for (pi, &u) in chunk.iter_mut().zip(&uniforms) {
            *pi = if (u as f32) * SCALE < *pi { 1.0 } else { 0.0 };
        }
    };
    match p.as_slice_memory_order_mut() {
        Some(flat) => flat.chunks_mut(64).for_each(&mut draw),
        None => p.iter_mut().for_each(|pi| draw(std::slice::from_mut(pi))),
    }
}

/// [`sample_bernoulli`] with the draws from [`WideRng`]'s side-by-side generators (the
/// training loop's sampler: many draws a batch).
pub fn sample_bernoulli_wide(mut p: ArrayViewMut2<f32>, rng: &mut WideRng) {
    if let Some(flat) = p.as_slice_memory_order_mut() {
        rng.sample_bernoulli(flat);
        return;
    }
    for mut row in p.rows_mut() {
        let mut drawn = row.to_vec();
        rng.sample_bernoulli(&mut drawn);
        row.iter_mut().zip(drawn).for_each(|(x, d)| *x = d);
    }
}

/// A set of block-Gibbs chains over an RBM (one row a chain), with optional clamped visible
/// units (inpainting: clamped pixels keep their values, the rest are sampled given them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RbmChains {
    /// Visible states, chains × nv (0/1 values).
    pub visible: Array2<f32>,
    /// Hidden states, chains × nh.
    pub hidden: Array2<f32>,
    /// P(vᵢ = 1 | h) of the last half-step, chains × nv.
    pub visible_probs: Array2<f32>,
    /// P(hⱼ = 1 | v) of the last half-step, chains × nh.
    pub hidden_probs: Array2<f32>,
    /// Which visible units are clamped (shared by all chains).
    pub clamped: Vec<bool>,
}

impl RbmChains {
    /// `chains` chains from uniformly random visible states.
    pub fn random(rbm: &Rbm, chains: usize, rng: &mut SimRng) -> Self {
        let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
        let visible = Array2::from_shape_simple_fn((chains, nv), || (rng.next_u64() >> 63) as f32);
        Self {
            visible,
            hidden: Array2::zeros((chains, nh)),
            visible_probs: Array2::from_elem((chains, nv), 0.5),
            hidden_probs: Array2::from_elem((chains, nh), 0.5),
            clamped: vec![false; nv],
        }
    }

    /// One block-Gibbs step at temperature t: h ~ P(h | v), then v ~ P(v | h) for unclamped v.
    pub fn step(&mut self, rbm: &Rbm, t: f32, rng: &mut SimRng) {
        self.step_hidden(rbm, t, rng);
        self.step_visible(rbm, t, rng);
    }

    /// Half-step: h ~ P(h | v).
    pub fn step_hidden(&mut self, rbm: &Rbm, t: f32, rng: &mut SimRng) {
        rbm.hidden_probs(self.visible.view(), &mut self.hidden_probs, t);
        self.hidden.assign(&self.hidden_probs);
        sample_bernoulli(self.hidden.view_mut(), rng);
    }

    /// Half-step: v ~ P(v | h), leaving clamped units as they are.
    pub fn step_visible(&mut self, rbm: &Rbm, t: f32, rng: &mut SimRng) {
        rbm.visible_probs(self.hidden.view(), &mut self.visible_probs, t);
        for (mut row, probs) in self
            .visible
            .rows_mut()
            .into_iter()
            .zip(self.visible_probs.rows())
        {
            for ((v, &p), &clamped) in row.iter_mut().zip(probs).zip(&self.clamped) {
                if !clamped {
                    *v = if rng.uniform_f32() < p { 1.0 } else { 0.0 };
                }
            }
        }
    }
}
