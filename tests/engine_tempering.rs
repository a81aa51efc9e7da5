//! Parallel tempering against exact enumeration, where plain Gibbs sampling fails: the
//! two-mode net (10 units, all-on 3× as likely as all-off at T = 1, a barrier of ~24 between).
//!
//! Tolerance. N correlated draws whose slowest observable has integrated autocorrelation time
//! τ carry about as much information as N/τ independent ones: every histogram entry p̂ₛ has
//! variance ≈ τₛ pₛ(1 − pₛ)/N, where τₛ is the autocorrelation time of the indicator [x = s]. In
//! a two-mode net almost all the mass and almost all the error sit in the two modes, whose
//! indicators move with the mode indicator [more than half the units on], the chain's slowest
//! observable; the energy is the other candidate. So with τ = max(τ_mode, τ_energy) the TV of
//! the chain is distributed, to first order, like the TV of ESS = N/τ i.i.d. draws, and must lie
//! below the 99.5 % quantile of the i.i.d. floor at ESS draws. A chain stuck in one mode misses
//! the other mode's whole mass (≥ 0.25) whatever N is.

use boltzviz::engine::SimRng;
use boltzviz::engine::boltzmann::{Chain, UpdateOrder};
use boltzviz::engine::exact::{self, index_of_pattern};
use boltzviz::engine::math::total_variation;
use boltzviz::engine::mixing::integrated_autocorrelation_time;
use boltzviz::engine::tempering::{Tempering, geometric_ladder};
use boltzviz::engine::tv_floor::FloorTable;
use boltzviz::engine::two_modes::{TARGET_T, UNITS, two_mode_net};

const SAMPLES: usize = 60_000;
const BURN_IN: usize = 500;

fn histogram(indices: &[usize]) -> Vec<f64> {
    let mut h = vec![0.0; 1 << UNITS];
    indices.iter().for_each(|&i| h[i] += 1.0);
    h.iter_mut().for_each(|x| *x /= indices.len() as f64);
    h
}

fn mode(state: &[u8]) -> f64 {
    f64::from(u8::from(state.iter().filter(|&&s| s != 0).count() * 2 > state.len()))
}

#[test]
fn gibbs_stays_in_one_mode_but_tempering_matches_the_exact_distribution() {
    let bm = two_mode_net().expect("net");
    let p = exact::distribution(&bm, TARGET_T).expect("exact");
    let floor = FloorTable::new(&p).expect("table");

    // One Gibbs chain.
    let mut rng = SimRng::seed_from_u64(31);
    let mut chain = Chain::random(&bm, &mut rng);
    let mut gibbs = Vec::with_capacity(SAMPLES);
    let mut gibbs_modes = 0.0;
    for sweep in 0..BURN_IN + SAMPLES {
        chain
            .sweep(&bm, TARGET_T, UpdateOrder::Sequential, &mut rng)
            .expect("sweep");
        if sweep >= BURN_IN {
            gibbs.push(index_of_pattern(chain.state()));
            gibbs_modes += mode(chain.state());
        }
    }
    assert!(
        gibbs_modes == 0.0 || gibbs_modes == SAMPLES as f64,
        "the Gibbs chain changed mode ({gibbs_modes} of {SAMPLES} samples in the upper one)"
    );
    let gibbs_tv = total_variation(&histogram(&gibbs), &p);
    let iid = floor.floor(SAMPLES as u64, 1);
    assert!(gibbs_tv > 0.2, "Gibbs TV {gibbs_tv}");
    assert!(gibbs_tv > 20.0 * iid.high, "Gibbs TV {gibbs_tv} vs floor {}", iid.high);

    // Tempering from the same kind of start, 8 replicas from T = 1 to 10.
    let ladder = geometric_ladder(TARGET_T, 10.0, 8).expect("ladder");
    let start = Chain::random(&bm, &mut rng);
    let mut pt = Tempering::new(&bm, &start, ladder, 77).expect("pt");
    let (mut states, mut energies, mut modes) = (vec![], vec![], vec![]);
    for round in 0..BURN_IN + SAMPLES {
        pt.round(&bm, 1, false).expect("round");
        if round >= BURN_IN {
            let target = pt.target();
            states.push(index_of_pattern(target.state()));
            energies.push(target.energy(&bm));
            modes.push(mode(target.state()));
        }
    }
    let tv = total_variation(&histogram(&states), &p);
    let tau_energy = integrated_autocorrelation_time(&energies).expect("τ energy");
    let tau_mode = integrated_autocorrelation_time(&modes).expect("τ mode");
    assert!(tau_energy.converged && tau_mode.converged);
    let tau = tau_energy.tau.max(tau_mode.tau).max(1.0);
    let ess = (SAMPLES as f64 / tau).floor() as u64;
    let bound = floor.floor(ess, 2);
    println!(
        "tempering TV {tv:.5}, τ_energy {:.2}, τ_mode {:.2}, ESS {ess}, floor at ESS mean {:.5} \
         band [{:.5}, {:.5}]; Gibbs TV {gibbs_tv:.4}; acceptance {:?}",
        tau_energy.tau,
        tau_mode.tau,
        bound.mean,
        bound.low,
        bound.high,
        pt.acceptance_rates()
    );
    assert!(tv <= bound.high, "tempering TV {tv} above the floor's 99.5 % point {}", bound.high);
    // The target chain crossed between the modes many times.
    let crossings = modes.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(crossings > 100, "{crossings} mode changes");
}
