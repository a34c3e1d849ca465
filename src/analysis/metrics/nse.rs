//! Nash-Sutcliffe efficiency and its decomposition (alpha-NSE, beta-NSE).
//!
//! Formulas of Kratzert et al. (2019, HESS), Table 1, which cite Nash & Sutcliffe (1970) and
//! Gupta et al. (2009):
//! - NSE = 1 - Σ(Qs - Qo)² / Σ(Qo - μo)²
//! - alpha-NSE = σs / σo
//! - beta-NSE = (μs - μo) / σo
//!
//! As in neuralhydrology (`nse`, `alpha_nse`, `beta_nse` in `evaluation/metrics.py`), σ is the
//! population standard deviation (divisor n).

use super::pairs::{evaluate, mean, std_dev, Pairs};
use super::Metric;

/// Registry entry of [`nse`].
pub const NSE: Metric = Metric {
    name: "nse",
    description: "Nash-Sutcliffe efficiency, 1 - sum((sim-obs)^2) / sum((obs-mean(obs))^2)",
    unit: "-",
    compute: nse,
};

/// Registry entry of [`alpha_nse`].
pub const ALPHA_NSE: Metric = Metric {
    name: "alpha_nse",
    description: "alpha-NSE, ratio of standard deviations std(sim) / std(obs)",
    unit: "-",
    compute: alpha_nse,
};

/// Registry entry of [`beta_nse`].
pub const BETA_NSE: Metric = Metric {
    name: "beta_nse",
    description:
        "beta-NSE, difference of means scaled by std(obs), (mean(sim) - mean(obs)) / std(obs)",
    unit: "-",
    compute: beta_nse,
};

/// Nash-Sutcliffe efficiency, NSE = 1 - Σ(Qs - Qo)² / Σ(Qo - μo)² (Kratzert et al. 2019, Table 1;
/// Nash & Sutcliffe 1970), computed on the valid pairs (missing observations dropped).
///
/// `None` when fewer than two valid pairs remain or the observations have zero variance.
pub fn nse(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let mu = mean(&p.observed);
        let denominator: f64 = p.observed.iter().map(|o| (o - mu) * (o - mu)).sum();
        let numerator: f64 = p
            .observed
            .iter()
            .zip(&p.simulated)
            .map(|(o, s)| (s - o) * (s - o))
            .sum();
        (denominator > 0.0).then(|| 1.0 - numerator / denominator)
    })
}

/// alpha-NSE = σs / σo, the ratio of the population standard deviations of simulated and observed
/// flow (Kratzert et al. 2019, Table 1; Gupta et al. 2009; neuralhydrology `alpha_nse`).
///
/// `None` when fewer than two valid pairs remain or the observations have zero variance.
pub fn alpha_nse(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let sigma_obs = std_dev(&p.observed);
        (sigma_obs > 0.0).then(|| std_dev(&p.simulated) / sigma_obs)
    })
}

/// beta-NSE = (μs - μo) / σo, the bias of the mean flow scaled by the population standard deviation of
/// the observations (Kratzert et al. 2019, Table 1; Gupta et al. 2009; neuralhydrology `beta_nse`).
///
/// `None` when fewer than two valid pairs remain or the observations have zero variance.
pub fn beta_nse(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let sigma_obs = std_dev(&p.observed);
        (sigma_obs > 0.0).then(|| (mean(&p.simulated) - mean(&p.observed)) / sigma_obs)
    })
}
