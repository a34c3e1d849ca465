//! Cohen's d effect size between two sets of values (e.g. the per-basin NSE of two models).
//!
//! Kratzert et al. (2019, HESS, Sect. 3) report "the effect size ... evaluated using Cohen's d"
//! citing Cohen (1988) without writing the formula; Cohen's pooled-standard-deviation form is used:
//!
//! d = (mean(x) - mean(y)) / s,  s² = ((n_x - 1) s_x² + (n_y - 1) s_y²) / (n_x + n_y - 2)
//!
//! with s_x², s_y² the sample variances (divisor n - 1). For equal sizes s² = (s_x² + s_y²) / 2.
//! The sign is kept (positive when `x` has the larger mean); the paper reports |d|. The code
//! published with the paper uses population variances (divisor n) inside the same pooled formula,
//! which makes its |d| larger by the factor sqrt(n / (n - 1)) for equal sizes (0.09 % for 531
//! basins).

use super::descriptive::{mean_of, non_nan_values, sample_variance_of};

/// Cohen's d = (mean(x) - mean(y)) / s with the pooled sample standard deviation s (see the module
/// documentation). NaN values are dropped from each sample.
///
/// `None` when either sample has fewer than two values or the pooled standard deviation is zero.
pub fn cohens_d(x: &[f64], y: &[f64]) -> Option<f64> {
    let x = non_nan_values(x);
    let y = non_nan_values(y);
    if x.len() < 2 || y.len() < 2 {
        return None;
    }
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    let pooled_variance = ((nx - 1.0) * sample_variance_of(&x)
        + (ny - 1.0) * sample_variance_of(&y))
        / (nx + ny - 2.0);
    (pooled_variance > 0.0).then(|| (mean_of(&x) - mean_of(&y)) / pooled_variance.sqrt())
}
