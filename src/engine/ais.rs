//! Annealed importance sampling for the log partition function of an RBM too large to enumerate
//! (Neal 2001; Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief networks").
//!
//! Intermediate distributions `p_k(v) ∝ p*_k(v)` with
//! `log p*_k(v) = (1−βₖ) b_Aᵀv + βₖ bᵀv + Σⱼ softplus(βₖ (cⱼ + (vᵀW)ⱼ))`, from β₀ = 0 (independent
//! pixels with biases b_A, `log Z₀ = Σᵢ softplus(b_Aᵢ) + nₕ log 2`) to β_K = 1 (the RBM). Each run
//! draws v₀ ~ p₀ exactly, moves with one block-Gibbs step that leaves pₖ invariant, and gathers
//! `log w = Σₖ [log p*ₖ(vₖ₋₁) − log p*ₖ₋₁(vₖ₋₁)]`. Then `Ẑ = Z₀ · mean(w)` is unbiased.

use super::error::EngineError;
use super::math::{log_sum_exp, softplus};
use super::rbm::Rbm;
use super::rng::SimRng;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// Settings of an AIS run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AisConfig {
    /// Independent annealing runs M.
    pub runs: usize,
    /// Intermediate temperatures: 0→0.5, 0.5→0.9, 0.9→1 get 1/29, 8/29 and 20/29 of them
    /// (the spacing of Salakhutdinov & Murray, whose 14 500 this defaults to).
    pub betas: usize,
}

impl Default for AisConfig {
    fn default() -> Self {
        Self {
            runs: 100,
            betas: 14_500,
        }
    }
}

/// The estimate and its spread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AisEstimate {
    /// `log Ẑ = log Z₀ + log mean(w)`.
    pub log_z: f64,
    /// `log(Ẑ − 3σ̂)` where σ̂ is the standard error of Ẑ (−∞ when that is ≤ 0).
    pub log_z_low: f64,
    /// `log(Ẑ + 3σ̂)`.
    pub log_z_high: f64,
    /// Standard deviation of the log importance weights across runs.
    pub log_weight_std: f64,
}

/// The β schedule.
pub fn beta_schedule(total: usize) -> Vec<f64> {
    let total = total.max(3);
    let n1 = (total / 29).max(1);
    let n2 = (total * 8 / 29).max(1);
    let n3 = total.saturating_sub(n1 + n2).max(1);
    let mut betas = Vec::with_capacity(n1 + n2 + n3 + 1);
    let mut segment = |from: f64, to: f64, n: usize| {
        (0..n).for_each(|i| betas.push(from + (to - from) * i as f64 / n as f64))
    };
    segment(0.0, 0.5, n1);
    segment(0.5, 0.9, n2);
    segment(0.9, 1.0, n3);
    betas.push(1.0);
    betas
}

/// Estimates log Z of `rbm` with a base-rate model whose visible biases are `base_bias`
/// (the log-odds of the data's pixel means are a good choice; zeros also work).
pub fn ais_log_partition(
    rbm: &Rbm,
    base_bias: &Array1<f32>,
    config: &AisConfig,
    rng: &mut SimRng,
) -> Result<AisEstimate, EngineError> {
    ais_log_partition_with_progress(rbm, base_bias, config, rng, |_, _| {})
}

/// [`ais_log_partition`], calling `progress(done, total)` after each intermediate temperature
/// (for a progress bar on long runs).
pub fn ais_log_partition_with_progress(
    rbm: &Rbm,
    base_bias: &Array1<f32>,
    config: &AisConfig,
    rng: &mut SimRng,
    mut progress: impl FnMut(usize, usize),
) -> Result<AisEstimate, EngineError> {
    let (nv, nh) = (rbm.n_visible(), rbm.n_hidden());
    super::error::check_len("AIS base biases", nv, base_bias.len())?;
    super::error::check_finite("AIS base biases", base_bias.iter().map(|&x| f64::from(x)))?;
    if config.runs == 0 {
        return Err(EngineError::BadParameter(
            "AIS needs at least one run".into(),
        ));
    }
    let m = config.runs;
    let betas = beta_schedule(config.betas);
    let b_a: Vec<f64> = base_bias.iter().map(|&x| f64::from(x)).collect();
    let b: Vec<f64> = rbm.visible_bias().iter().map(|&x| f64::from(x)).collect();
    let c = rbm.hidden_bias();
    // v₀ ~ p₀: independent pixels with P(vᵢ = 1) = σ(b_Aᵢ).
    let mut v = Array2::<f32>::zeros((m, nv));
    for mut row in v.rows_mut() {
        for (x, &ba) in row.iter_mut().zip(&b_a) {
            *x = f32::from(u8::from(rng.uniform() < super::math::sigmoid(ba)));
        }
    }
    let mut log_w = vec![0.0f64; m];
    let mut x = Array2::<f32>::zeros((m, nh)); // c + vW
    let mut h = Array2::<f32>::zeros((m, nh));
    let mut a = Array2::<f32>::zeros((m, nv)); // hWᵀ
    // log p*_β(v) for one row given its x = c + vW.
    let log_p_star =
        |beta: f64, v_row: ndarray::ArrayView1<f32>, x_row: ndarray::ArrayView1<f32>| -> f64 {
            let linear: f64 = v_row
                .iter()
                .zip(&b_a)
                .zip(&b)
                .filter(|((vi, _), _)| **vi != 0.0)
                .map(|((_, ba), bi)| (1.0 - beta) * ba + beta * bi)
                .sum();
            linear
                + x_row
                    .iter()
                    .map(|&xj| softplus(beta * f64::from(xj)))
                    .sum::<f64>()
        };
    for k in 1..betas.len() {
        progress(k, betas.len() - 1);
        let (beta_prev, beta) = (betas[k - 1], betas[k]);
        x.rows_mut().into_iter().for_each(|mut r| r.assign(c));
        general_mat_mul(1.0, &v, rbm.weights(), 1.0, &mut x);
        for (r, lw) in log_w.iter_mut().enumerate() {
            *lw += log_p_star(beta, v.row(r), x.row(r)) - log_p_star(beta_prev, v.row(r), x.row(r));
        }
        if k + 1 == betas.len() {
            break;
        }
        // Transition leaving p_β invariant: h ~ σ(β x), then v ~ σ((1−β) b_A + β (b + hWᵀ)).
        let beta32 = beta as f32;
        ndarray::Zip::from(&mut h).and(&x).for_each(|hj, &xj| {
            *hj = f32::from(u8::from(
                rng.uniform_f32() < super::math::sigmoid_f32(beta32 * xj),
            ));
        });
        general_mat_mul(1.0, &h, &rbm.weights().t(), 0.0, &mut a);
        for (mut v_row, a_row) in v.rows_mut().into_iter().zip(a.rows()) {
            for (i, (vi, &ai)) in v_row.iter_mut().zip(a_row).enumerate() {
                let input = (1.0 - beta) * b_a[i] + beta * (b[i] + f64::from(ai));
                *vi = f32::from(u8::from(rng.uniform() < super::math::sigmoid(input)));
            }
        }
    }
    let log_z0: f64 =
        b_a.iter().map(|&x| softplus(x)).sum::<f64>() + nh as f64 * std::f64::consts::LN_2;
    let log_mean_w = log_sum_exp(&log_w) - (m as f64).ln();
    // Spread: σ̂ of mean(w), computed on w / max(w) to stay in range.
    let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let r: Vec<f64> = log_w.iter().map(|lw| (lw - max).exp()).collect();
    let mean_r = r.iter().sum::<f64>() / m as f64;
    let var_r = r.iter().map(|x| (x - mean_r).powi(2)).sum::<f64>() / (m.max(2) - 1) as f64;
    let se_r = (var_r / m as f64).sqrt();
    let log_z = log_z0 + log_mean_w;
    let low = mean_r - 3.0 * se_r;
    let mean_lw = log_w.iter().sum::<f64>() / m as f64;
    let log_weight_std =
        (log_w.iter().map(|x| (x - mean_lw).powi(2)).sum::<f64>() / m as f64).sqrt();
    Ok(AisEstimate {
        log_z,
        log_z_low: if low > 0.0 {
            log_z0 + max + low.ln()
        } else {
            f64::NEG_INFINITY
        },
        log_z_high: log_z0 + max + (mean_r + 3.0 * se_r).ln(),
        log_weight_std,
    })
}
