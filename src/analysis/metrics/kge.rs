//! Kling-Gupta efficiency and its three components.
//!
//! Li & Zhao, Eq. 14-17 (after Gupta et al. 2009):
//! - KGE = 1 - sqrt((r - 1)² + (β - 1)² + (γ - 1)²)            (Eq. 14)
//! - r = Pearson correlation of observed and simulated flow   (Eq. 15)
//! - β = μs / μo, the ratio of the means                      (Eq. 16)
//! - γ = σs / σo, the ratio of the standard deviations         (Eq. 17)
//!
//! γ is the ratio of standard deviations as the paper states (the original 2009 KGE), not the ratio of
//! coefficients of variation of the modified KGE' (Kling et al. 2012). This is the same value as
//! neuralhydrology's `kge` with unit weights, where the variability term is called alpha. σ is the
//! population standard deviation (divisor n); the ratio does not depend on that choice.

use super::correlation::correlation;
use super::pairs::{evaluate, mean, std_dev, Pairs};
use super::Metric;

/// Registry entry of [`kge`].
pub const KGE: Metric = Metric {
    name: "kge",
    description: "Kling-Gupta efficiency, 1 - sqrt((r-1)^2 + (beta-1)^2 + (gamma-1)^2)",
    unit: "-",
    compute: kge,
};

/// Registry entry of [`kge_r`].
pub const KGE_R: Metric = Metric {
    name: "kge_r",
    description: "KGE correlation component r, Pearson correlation of obs and sim",
    unit: "-",
    compute: kge_r,
};

/// Registry entry of [`kge_beta`].
pub const KGE_BETA: Metric = Metric {
    name: "kge_beta",
    description: "KGE bias component beta, mean(sim) / mean(obs)",
    unit: "-",
    compute: kge_beta,
};

/// Registry entry of [`kge_gamma`].
pub const KGE_GAMMA: Metric = Metric {
    name: "kge_gamma",
    description: "KGE variability component gamma, std(sim) / std(obs)",
    unit: "-",
    compute: kge_gamma,
};

/// Kling-Gupta efficiency, KGE = 1 - sqrt((r - 1)² + (β - 1)² + (γ - 1)²) (Li & Zhao, Eq. 14), with
/// γ = σs/σo as in Eq. 17 (neuralhydrology `kge` with unit weights).
///
/// `None` when fewer than two valid pairs remain, either series has zero variance (r undefined) or
/// the observed mean is zero (β undefined).
pub fn kge(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let r = correlation(p)?;
        let beta = mean_ratio(p)?;
        let gamma = std_ratio(p)?;
        Some(1.0 - ((r - 1.0).powi(2) + (beta - 1.0).powi(2) + (gamma - 1.0).powi(2)).sqrt())
    })
}

/// KGE correlation component r, the Pearson correlation coefficient (Li & Zhao, Eq. 15).
///
/// `None` when fewer than two valid pairs remain or either series has zero variance.
pub fn kge_r(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, correlation)
}

/// KGE bias component β = μs / μo (Li & Zhao, Eq. 16; neuralhydrology `beta_kge`).
///
/// `None` when fewer than two valid pairs remain or the observed mean is zero.
pub fn kge_beta(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, mean_ratio)
}

/// KGE variability component γ = σs / σo (Li & Zhao, Eq. 17).
///
/// `None` when fewer than two valid pairs remain or the observations have zero variance.
pub fn kge_gamma(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, std_ratio)
}

/// β = μs / μo; `None` when the observed mean is zero.
fn mean_ratio(p: &Pairs) -> Option<f64> {
    let mu_obs = mean(&p.observed);
    (mu_obs != 0.0).then(|| mean(&p.simulated) / mu_obs)
}

/// γ = σs / σo; `None` when the observations are constant.
fn std_ratio(p: &Pairs) -> Option<f64> {
    let sigma_obs = std_dev(&p.observed);
    (sigma_obs > 0.0).then(|| std_dev(&p.simulated) / sigma_obs)
}
