//! Pearson correlation coefficient between observed and simulated flow.
//!
//! r = Σ(Qo - μo)(Qs - μs) / (sqrt(Σ(Qo - μo)²) sqrt(Σ(Qs - μs)²)), Li & Zhao, Eq. 15; the same value
//! as neuralhydrology's `pearsonr` (scipy `pearsonr`). Also the `r` component of the KGE.

use super::pairs::{evaluate, mean, Pairs};
use super::Metric;

/// Registry entry of [`pearson_r`].
pub const PEARSON_R: Metric = Metric {
    name: "pearson_r",
    description: "Pearson correlation coefficient between observed and simulated flow",
    unit: "-",
    compute: pearson_r,
};

/// Pearson correlation coefficient r (Li & Zhao, Eq. 15; neuralhydrology `pearsonr`), computed on the
/// valid pairs (missing observations dropped).
///
/// `None` when fewer than two valid pairs remain or either series has zero variance.
pub fn pearson_r(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, correlation)
}

/// Pearson correlation of valid pairs; `None` when either series is constant.
pub(crate) fn correlation(p: &Pairs) -> Option<f64> {
    let mu_obs = mean(&p.observed);
    let mu_sim = mean(&p.simulated);
    let (mut covariance, mut var_obs, mut var_sim) = (0.0, 0.0, 0.0);
    for (o, s) in p.observed.iter().zip(&p.simulated) {
        covariance += (o - mu_obs) * (s - mu_sim);
        var_obs += (o - mu_obs) * (o - mu_obs);
        var_sim += (s - mu_sim) * (s - mu_sim);
    }
    (var_obs > 0.0 && var_sim > 0.0).then(|| covariance / (var_obs.sqrt() * var_sim.sqrt()))
}
