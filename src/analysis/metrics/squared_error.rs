//! Mean squared error and root mean squared error.
//!
//! MSE = (1/T) Σ(Qs - Qo)² and RMSE = sqrt(MSE) (Yokoo et al. use RMSE; neuralhydrology `mse` and
//! `rmse`). Both carry the unit of the flow series (squared for MSE).

use super::pairs::{evaluate, Pairs};
use super::Metric;

/// Registry entry of [`mse`].
pub const MSE: Metric = Metric {
    name: "mse",
    description: "mean squared error, mean((sim-obs)^2)",
    unit: "[Q]^2",
    compute: mse,
};

/// Registry entry of [`rmse`].
pub const RMSE: Metric = Metric {
    name: "rmse",
    description: "root mean squared error, sqrt(mean((sim-obs)^2))",
    unit: "[Q]",
    compute: rmse,
};

/// Mean squared error, MSE = (1/T) Σ(Qs - Qo)² over the valid pairs (neuralhydrology `mse`).
///
/// `None` when fewer than two valid pairs remain.
pub fn mse(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p| Some(mean_squared(p)))
}

/// Root mean squared error, RMSE = sqrt((1/T) Σ(Qs - Qo)²) over the valid pairs (neuralhydrology
/// `rmse`).
///
/// `None` when fewer than two valid pairs remain.
pub fn rmse(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p| Some(mean_squared(p).sqrt()))
}

/// (1/T) Σ(Qs - Qo)² of valid pairs.
fn mean_squared(p: &Pairs) -> f64 {
    let sum: f64 = p
        .observed
        .iter()
        .zip(&p.simulated)
        .map(|(o, s)| (s - o) * (s - o))
        .sum();
    sum / p.len() as f64
}
