//! Which vector kernels the engine may use. Every dispatcher asks here: AVX2 (with FMA) when
//! the processor has it, and AVX-512F builds of some kernels where it has that too, unless the
//! environment variable [`PORTABLE_ENV`] is set to anything but `0`, which forces the portable
//! path everywhere — so the portable code is exercised (and checked against exact answers) on
//! machines that would otherwise never run it. Every path gives the same bits;
//! `tests/kernels.rs` compares them (the AVX-512 builds where the processor has AVX-512), and
//! reports a comparison as skipped (ignored) where it cannot run.

use std::sync::OnceLock;

/// The environment variable that forces the portable kernels.
pub const PORTABLE_ENV: &str = "BOLTZVIZ_PORTABLE";

/// Whether [`PORTABLE_ENV`] forces the portable kernels (read once per process).
pub fn portable_forced() -> bool {
    static FORCED: OnceLock<bool> = OnceLock::new();
    *FORCED
        .get_or_init(|| std::env::var_os(PORTABLE_ENV).is_some_and(|v| !v.is_empty() && v != "0"))
}

/// AVX2 may be used.
pub fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        !portable_forced() && std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// AVX2 and FMA may be used.
pub fn avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        avx2() && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// AVX-512F may be used too (with AVX2 and FMA).
pub fn avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static DETECTED: OnceLock<bool> = OnceLock::new();
        avx2_fma() && *DETECTED.get_or_init(|| std::arch::is_x86_feature_detected!("avx512f"))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The kernels in use, for reports (`bench`, test output).
pub fn describe() -> &'static str {
    if avx512() {
        "AVX2 + FMA, AVX-512 where it pays (small products, σ, softplus sums)"
    } else if avx2_fma() {
        "AVX2 + FMA"
    } else if portable_forced() {
        "portable (forced by BOLTZVIZ_PORTABLE)"
    } else {
        "portable (this processor has no AVX2 + FMA)"
    }
}

/// One vector-versus-portable comparison: `None` where the vector kernel cannot run here, else
/// whether the two agreed bit for bit (the error says where they differ).
#[doc(hidden)]
pub type KernelComparison = fn() -> Option<Result<(), String>>;

/// The comparisons, by name. For `tests/kernels.rs`.
#[doc(hidden)]
pub fn kernel_comparisons() -> Vec<(&'static str, KernelComparison)> {
    vec![
        (
            "single-unit sweep: vector and portable agree bit for bit",
            super::boltzmann::compare_sweep_kernels,
        ),
        (
            "register sweep: vector and portable agree bit for bit",
            super::register_sweep::compare_kernels,
        ),
        (
            "small matrix product: vector kernel equals the triple loop",
            super::small_gemm::compare_kernel,
        ),
        (
            "sigmoid over a slice: vector and portable agree bit for bit",
            super::rbm::compare_sigmoid_kernels,
        ),
        (
            "softplus row sums: vector and portable agree bit for bit",
            super::rbm_exact::compare_softplus_kernels,
        ),
        (
            "Bernoulli draws from eight generators: vector and portable agree bit for bit",
            super::wide_rng::compare_kernels,
        ),
        (
            "training epochs: the vector builds and the portable one agree bit for bit",
            super::rbm_train::compare_epoch_builds,
        ),
    ]
}
