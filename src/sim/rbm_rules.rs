//! The learning rules of an RBM that a person sets in the Learning view (Hinton, "A Practical
//! Guide to Training RBMs", 2010): persistent chains (PCD) or CD, momentum μ with its switch
//! to μ' after some epochs (§9), L2 weight decay λ (§10), the rate schedule
//! η / (1 + δ·epoch), optionally falling linearly to 0 at an epoch E (§7), and a sparsity
//! target p with its cost (§11).
//!
//! Each rule is one [`RbmRule`]; [`with_rule`] gives the trainer's settings with it changed,
//! checked whole, so the simulation holds every value in its trainer
//! ([`crate::engine::rbm_train::RbmTrainConfig`]) and trains through the very code path that
//! `boltzviz train` uses.

use crate::engine::EngineError;
use crate::engine::rbm_train::{RbmTrainConfig, Sparsity};

/// The latest epoch a momentum switch or a linear fall of the rate may name.
pub const MAX_RULE_EPOCH: usize = 1_000_000;

/// One learning rule of an RBM, as the Learning view sets it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RbmRule {
    /// Persistent chains (PCD) instead of restarting the negative chain at the data (CD).
    Persistent(bool),
    /// k', the Gibbs steps from the k switch on (1 to [`crate::sim::simulation::MAX_CD_K`]).
    FinalCdK(usize),
    /// The epoch from which k' applies (None: k throughout).
    CdKSwitch(Option<usize>),
    /// μ, the momentum in [0, 1) until the switch.
    Momentum(f32),
    /// μ', the momentum in [0, 1) from the switch on.
    FinalMomentum(f32),
    /// The epoch from which μ' applies (None: μ throughout).
    MomentumSwitch(Option<usize>),
    /// λ, the L2 weight decay on W (0 to 1).
    WeightDecay(f32),
    /// δ of the rate schedule η / (1 + δ·epoch) (≥ 0).
    RateDecay(f32),
    /// E: the rate also falls linearly to 0 at epoch E (None: it does not).
    RateEndEpoch(Option<usize>),
    /// A wanted mean activation p ∈ (0, 1) of every hidden unit and the penalty's weight (None:
    /// no sparsity penalty).
    Sparsity(Option<Sparsity>),
}

/// `config` with `rule` changed, or an error naming the rule that is out of range (the
/// settings are then not changed).
pub fn with_rule(config: &RbmTrainConfig, rule: RbmRule) -> Result<RbmTrainConfig, EngineError> {
    let epoch_in_range = |what: &str, e: Option<usize>| match e {
        Some(e) if e > MAX_RULE_EPOCH => Err(EngineError::BadParameter(format!(
            "{what} must be at most epoch {MAX_RULE_EPOCH}, got {e}"
        ))),
        _ => Ok(e),
    };
    let mut next = config.clone();
    match rule {
        RbmRule::Persistent(on) => next.persistent = on,
        RbmRule::FinalCdK(k) => {
            let max = crate::sim::simulation::MAX_CD_K;
            if !(1..=max).contains(&k) {
                return Err(EngineError::BadParameter(format!(
                    "the final k must be from 1 to {max}, got {k}"
                )));
            }
            next.final_cd_k = k;
        }
        RbmRule::CdKSwitch(e) => {
            next.cd_k_switch_epoch = epoch_in_range("the switch of k", e)?;
        }
        RbmRule::Momentum(mu) => next.momentum = mu,
        RbmRule::FinalMomentum(mu) => next.final_momentum = mu,
        RbmRule::MomentumSwitch(e) => {
            next.momentum_switch_epoch = epoch_in_range("the momentum switch", e)?;
        }
        RbmRule::WeightDecay(lambda) => next.weight_decay = lambda,
        RbmRule::RateDecay(delta) => {
            if delta > 1e6 {
                return Err(EngineError::BadParameter(format!(
                    "the learning-rate decay δ must be at most 10⁶, got {delta}"
                )));
            }
            next.lr_decay = delta;
        }
        RbmRule::RateEndEpoch(e) => {
            if e == Some(0) {
                return Err(EngineError::BadParameter(
                    "the rate cannot fall to 0 at epoch 0: choose epoch 1 or later".into(),
                ));
            }
            next.anneal_to_epoch = epoch_in_range("the end of the rate's fall", e)?;
        }
        RbmRule::Sparsity(s) => next.sparsity = s,
    }
    next.validate()?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_changes_its_own_setting_only() {
        let base = RbmTrainConfig::default();
        let decay = with_rule(&base, RbmRule::WeightDecay(0.01)).expect("decay");
        assert_eq!(
            decay,
            RbmTrainConfig {
                weight_decay: 0.01,
                ..base.clone()
            }
        );
        let switch = with_rule(&base, RbmRule::MomentumSwitch(Some(5))).expect("switch");
        assert_eq!(switch.momentum_switch_epoch, Some(5));
        assert_eq!(switch.momentum, base.momentum);
        let late_k = with_rule(&base, RbmRule::FinalCdK(7)).expect("k'");
        assert_eq!(
            late_k,
            RbmTrainConfig {
                final_cd_k: 7,
                ..base.clone()
            }
        );
        let k_switch = with_rule(&base, RbmRule::CdKSwitch(Some(150))).expect("k switch");
        assert_eq!(k_switch.cd_k_switch_epoch, Some(150));
        assert_eq!(k_switch.cd_k, base.cd_k);
    }

    #[test]
    fn rules_out_of_range_are_refused_by_name() {
        let base = RbmTrainConfig::default();
        for (rule, words) in [
            (RbmRule::Momentum(1.0), "momentum"),
            (RbmRule::FinalMomentum(-0.1), "final momentum"),
            (RbmRule::WeightDecay(f32::NAN), "weight decay"),
            (RbmRule::RateDecay(-1.0), "decay"),
            (RbmRule::RateEndEpoch(Some(0)), "epoch 0"),
            (RbmRule::FinalCdK(0), "final k"),
            (RbmRule::FinalCdK(101), "final k"),
            (RbmRule::CdKSwitch(Some(MAX_RULE_EPOCH + 1)), "switch of k"),
            (
                RbmRule::Sparsity(Some(Sparsity {
                    target: 1.0,
                    cost: 0.1,
                })),
                "sparsity target",
            ),
        ] {
            let error = with_rule(&base, rule).expect_err("refused");
            assert!(error.to_string().contains(words), "{rule:?}: {error}");
        }
    }
}
