//! The vector kernels against the portable ones, bit for bit. Where the vector kernels cannot
//! run (no AVX2 + FMA, or BOLTZVIZ_PORTABLE set) each comparison is reported as ignored — a
//! skip shown as such, never a silent pass. (A custom harness, so the skip is decided at run
//! time: `harness = false` in Cargo.toml.)

use boltzviz::engine::simd;
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let runnable = simd::avx2_fma();
    if !runnable {
        eprintln!(
            "kernel comparisons skipped: the kernels in use here are {}",
            simd::describe()
        );
    }
    let trials = simd::kernel_comparisons()
        .into_iter()
        .map(|(name, compare)| {
            Trial::test(name, move || match compare() {
                Some(Ok(())) => Ok(()),
                Some(Err(e)) => Err(Failed::from(e)),
                None => Err(Failed::from("the vector kernel cannot run here")),
            })
            .with_ignored_flag(!runnable)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
