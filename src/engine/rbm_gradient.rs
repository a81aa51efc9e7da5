//! The exact gradient of an RBM's mean log-likelihood, for nets small enough to enumerate one
//! layer, and how far the CD-k and PCD estimates of it point from it.
//!
//! For data v⁽¹⁾…v⁽ᴺ⁾ the mean log-likelihood is `L = mean_n(−F(v⁽ⁿ⁾)) − log Z`, and
//!
//! ```text
//! ∂L/∂Wᵢⱼ = ⟨vᵢ hⱼ⟩_data − ⟨vᵢ hⱼ⟩_model,  ∂L/∂bᵢ = ⟨vᵢ⟩_data − ⟨vᵢ⟩_model,
//! ∂L/∂cⱼ = ⟨hⱼ⟩_data − ⟨hⱼ⟩_model,
//! ```
//!
//! where the data side averages `vᵢ P(hⱼ = 1 | v)` over the data (one product `Vᵀσ(VW + c)`)
//! and the model side is an expectation under the RBM's own distribution. That one is exact
//! here: the smaller layer (m units, states e) is enumerated with
//! `P(e) ∝ exp(aᵀe + Σ_o softplus(d_o + (eᵀC)_o))` — the other layer summed out — and given e
//! the other layer's units are independent with means `σ(d + eᵀC)`. So
//!
//! ```text
//! ⟨e⟩ = Σ_e P(e) e,   ⟨s⟩ = Σ_e P(e) σ(d + eᵀC),   ⟨e sᵀ⟩ = Σ_e P(e) e σ(d + eᵀC)ᵀ.
//! ```
//!
//! The states are walked in the blocks of [`super::rbm_exact::StateBlocks`] (the same table
//! and softplus as `log Z`, one exponential shared by softplus and sigmoid); per block, one
//! product of a (1 + m_lo) × 2^m_lo matrix — the states' weights p, then p·eᵢ for each low bit
//! i — with the block's means σ gives `Σ p σ` and every `Σ p eᵢ σ` of the block; a high bit
//! that is set adds the block's `Σ p σ`. The weights are normalized on the fly with a
//! running maximum (log-sum-exp: accumulators are rescaled when a larger log-weight arrives),
//! and accumulated in double precision; the softplus, sigmoid and block products run in single
//! precision (relative error ~10⁻⁶).
//!
//! [`RbmGradient::cosine`] and [`RbmGradient::norm_ratio`] compare an estimate with the exact
//! gradient over all parameters (W, b and c together).

use super::error::{EngineError, check_len};
use super::math::exp_f32;
use super::rbm::Rbm;
use super::rbm_exact::StateBlocks;
use super::small_gemm;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, Axis};

/// The largest smaller layer whose gradient is computed exactly (2²⁰ states; a 64×16 RBM takes
/// milliseconds, a 784×20 one about a second).
pub const MAX_GRADIENT_UNITS: usize = 20;

/// A gradient (or an estimate of one, or a set of moments) over an RBM's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct RbmGradient {
    /// With respect to W (nv × nh).
    pub w: Array2<f32>,
    /// With respect to the visible biases b.
    pub b: Array1<f32>,
    /// With respect to the hidden biases c.
    pub c: Array1<f32>,
}

/// Which layer the model expectation enumerates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumeratedLayer {
    /// All 2^nv visible states.
    Visible,
    /// All 2^nh hidden states.
    Hidden,
}

impl EnumeratedLayer {
    /// The smaller layer of `rbm` (hidden on a tie).
    pub fn smaller(rbm: &Rbm) -> Self {
        if rbm.n_hidden() <= rbm.n_visible() {
            Self::Hidden
        } else {
            Self::Visible
        }
    }
}

impl RbmGradient {
    /// Zeros for an nv × nh RBM.
    pub fn zeros(n_visible: usize, n_hidden: usize) -> Self {
        Self {
            w: Array2::zeros((n_visible, n_hidden)),
            b: Array1::zeros(n_visible),
            c: Array1::zeros(n_hidden),
        }
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.w
            .iter()
            .chain(&self.b)
            .chain(&self.c)
            .map(|&x| f64::from(x))
    }

    /// The inner product over every parameter.
    pub fn dot(&self, other: &Self) -> f64 {
        self.values().zip(other.values()).map(|(x, y)| x * y).sum()
    }

    /// The Euclidean norm over every parameter.
    pub fn norm(&self) -> f64 {
        self.dot(self).sqrt()
    }

    /// `cos θ = ⟨g, e⟩ / (‖g‖ ‖e‖)`; 0 when either is zero.
    pub fn cosine(&self, exact: &Self) -> f64 {
        let n = self.norm() * exact.norm();
        if n > 0.0 { self.dot(exact) / n } else { 0.0 }
    }

    /// `‖g‖ / ‖e‖` (0 when the exact gradient is zero).
    pub fn norm_ratio(&self, exact: &Self) -> f64 {
        let e = exact.norm();
        if e > 0.0 { self.norm() / e } else { 0.0 }
    }

    /// `self − other`, parameter by parameter.
    pub fn minus(&self, other: &Self) -> Self {
        Self {
            w: &self.w - &other.w,
            b: &self.b - &other.b,
            c: &self.c - &other.c,
        }
    }
}

/// Refuses RBMs whose smaller layer is too large for [`MAX_GRADIENT_UNITS`].
pub fn check_small_enough(rbm: &Rbm) -> Result<(), EngineError> {
    let m = rbm.n_visible().min(rbm.n_hidden());
    if m > MAX_GRADIENT_UNITS {
        return Err(EngineError::TooLargeToEnumerate {
            units: m,
            limit: MAX_GRADIENT_UNITS,
        });
    }
    Ok(())
}

/// The data side: `⟨v P(h | v)ᵀ⟩`, `⟨v⟩`, `⟨P(h | v)⟩` over the rows of `data` (0/1).
pub fn data_moments(rbm: &Rbm, data: ArrayView2<f32>) -> Result<RbmGradient, EngineError> {
    check_len(
        "data columns (visible units)",
        rbm.n_visible(),
        data.ncols(),
    )?;
    if data.nrows() == 0 {
        return Err(EngineError::EmptyData);
    }
    let n = data.nrows() as f32;
    let mut h = Array2::zeros((data.nrows(), rbm.n_hidden()));
    rbm.hidden_probs(data, &mut h, 1.0);
    let mut w = Array2::zeros((rbm.n_visible(), rbm.n_hidden()));
    general_mat_mul(1.0 / n, &data.t(), &h, 0.0, &mut w);
    let mean = |m: ArrayView2<f32>| m.sum_axis(Axis(0)) / n;
    Ok(RbmGradient {
        w,
        b: mean(data),
        c: mean(h.view()),
    })
}

/// The model side `⟨v hᵀ⟩`, `⟨v⟩`, `⟨h⟩` under the RBM's distribution (T = 1), exactly, by
/// enumerating `layer` (see the module docs).
pub fn model_moments(rbm: &Rbm, layer: EnumeratedLayer) -> Result<RbmGradient, EngineError> {
    let enumerate_hidden = layer == EnumeratedLayer::Hidden;
    let blocks = StateBlocks::new(rbm, enumerate_hidden)?;
    let (m, k, m_lo, rows) = (blocks.units(), blocks.d.len(), blocks.m_lo, blocks.rows());
    let mut hi = vec![0f32; k];
    let mut sums = vec![0f32; rows];
    let mut log_w = vec![0f64; rows];
    // σ(d + eᵀC) for each state of the block (rows × k).
    let mut sig = Array2::<f32>::zeros((rows, k));
    // Row 0: the weights p of the block's states; row 1 + i: p times bit i. Then one product
    // `weights · sig` gives Σ p σ (row 0) and Σ p eᵢ σ (rows 1..).
    let mut weights = Array2::<f32>::zeros((m_lo + 1, rows));
    let mut block_sums = Array2::<f32>::zeros((m_lo + 1, k));
    // Accumulators, all scaled by e^(−max): row 0 of `cross` is Σ P σ, row 1 + i is Σ P eᵢ σ.
    let mut max = f64::NEG_INFINITY;
    let mut total = 0f64;
    let mut e_acc = vec![0f64; m];
    let mut cross = Array2::<f64>::zeros((m + 1, k));
    // Bit i of every state of a block, as rows (m_lo × 2^m_lo).
    let bits_t = blocks.low_states.t().as_standard_layout().into_owned();
    let bits = bits_t
        .as_slice()
        .ok_or_else(|| EngineError::BadParameter("buffer not contiguous".into()))?;
    for high in 0..blocks.blocks() {
        let sig_flat = sig
            .as_slice_mut()
            .ok_or_else(|| EngineError::BadParameter("buffer not contiguous".into()))?;
        blocks.block(high, &mut hi, &mut sums, &mut log_w, Some(sig_flat))?;
        let block_max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if block_max > max {
            let scale = (max - block_max).exp();
            total *= scale;
            e_acc.iter_mut().for_each(|x| *x *= scale);
            cross.mapv_inplace(|x| x * scale);
            max = block_max;
        }
        let flat = weights
            .as_slice_mut()
            .ok_or_else(|| EngineError::BadParameter("buffer not contiguous".into()))?;
        let (p, bit_rows) = flat.split_at_mut(rows);
        p.iter_mut()
            .zip(&log_w)
            .for_each(|(pr, &l)| *pr = exp_f32((l - max) as f32));
        let block_total = sum_f64(p);
        for (i, (out, bit)) in bit_rows
            .chunks_exact_mut(rows)
            .zip(bits.chunks_exact(rows))
            .enumerate()
        {
            out.iter_mut()
                .zip(bit)
                .zip(p.iter())
                .for_each(|((o, &b), &pr)| *o = b * pr);
            e_acc[i] += sum_f64(out);
        }
        weighted_sums(&weights, &sig, &mut block_sums);
        total += block_total;
        cross
            .slice_mut(ndarray::s![..=m_lo, ..])
            .zip_mut_with(&block_sums, |a, &x| *a += f64::from(x));
        let s_block = block_sums.row(0);
        for i in (0..m - m_lo).filter(|&i| (high >> i) & 1 == 1) {
            e_acc[m_lo + i] += block_total;
            cross
                .row_mut(1 + m_lo + i)
                .iter_mut()
                .zip(s_block)
                .for_each(|(a, &x)| *a += f64::from(x));
        }
    }
    let norm = |x: f64| (x / total) as f32;
    let e = Array1::from_iter(e_acc.iter().map(|&x| norm(x)));
    let s = cross.row(0).mapv(norm);
    let cross = cross.slice(ndarray::s![1.., ..]).mapv(norm);
    Ok(if enumerate_hidden {
        RbmGradient {
            w: cross.t().to_owned(),
            b: s,
            c: e,
        }
    } else {
        RbmGradient {
            w: cross,
            b: e,
            c: s,
        }
    })
}

/// `Σ x` in double precision, four partial sums (the adds overlap instead of waiting on each
/// other).
fn sum_f64(x: &[f32]) -> f64 {
    let mut lanes = [0f64; 4];
    let chunks = x.chunks_exact(4);
    let tail: f64 = chunks.remainder().iter().map(|&v| f64::from(v)).sum();
    for c in chunks {
        for l in 0..4 {
            lanes[l] += f64::from(c[l]);
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// `out = weights · sig`: the register-blocked product over slices of [`small_gemm::MAX_DEPTH`]
/// states where the shapes suit it (it skips GEMM's packing), GEMM otherwise.
fn weighted_sums(weights: &Array2<f32>, sig: &Array2<f32>, out: &mut Array2<f32>) {
    out.fill(0.0);
    let rows = sig.nrows();
    let step = small_gemm::MAX_DEPTH;
    let mut fast = true;
    for start in (0..rows).step_by(step) {
        let end = (start + step).min(rows);
        let a = weights.slice(ndarray::s![.., start..end]);
        let b = sig.slice(ndarray::s![start..end, ..]);
        if !small_gemm::add_product(1.0, a, b, out.view_mut()) {
            fast = false;
            break;
        }
    }
    if !fast {
        general_mat_mul(1.0, weights, sig, 0.0, out);
    }
}

/// The exact gradient of the mean log-likelihood of `data` (rows 0/1), enumerating the smaller
/// layer; refused past [`MAX_GRADIENT_UNITS`].
pub fn exact_gradient(rbm: &Rbm, data: ArrayView2<f32>) -> Result<RbmGradient, EngineError> {
    check_small_enough(rbm)?;
    exact_gradient_enumerating(rbm, data, EnumeratedLayer::smaller(rbm))
}

/// The exact gradient, enumerating the layer asked for (up to the enumeration limit of
/// [`super::rbm_exact`]).
pub fn exact_gradient_enumerating(
    rbm: &Rbm,
    data: ArrayView2<f32>,
    layer: EnumeratedLayer,
) -> Result<RbmGradient, EngineError> {
    let data_side = data_moments(rbm, data)?;
    let model_side = model_moments(rbm, layer)?;
    Ok(data_side.minus(&model_side))
}
