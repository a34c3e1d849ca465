//! The normalised squared error of Li & Zhao (papers/002, Eq. 13):
//! `sum_n (y_n - yhat_n)^2 / sum_n (y_n - mean(y))^2` over the samples of a batch, i.e. one minus
//! the batch's NSE. The ratio does not change under an affine rescaling of the targets, so it is
//! the same on normalised targets as in mm/day. A batch whose observations are all equal has no
//! variance to normalise by; its denominator is floored at `1e-6` per sample.
//!
//! With several targets the ratio is computed for each target and the ratios are summed with
//! the target weights.

use super::{target_weight, TargetWeightedLoss};
use crate::data::windows::Batch;
use crate::training::engine::Loss;

/// Smallest mean squared deviation the denominator is allowed (per sample).
const FLOOR: f64 = 1e-6;

/// Sum of squared errors over sum of squared deviations from the batch mean, per target,
/// summed over targets with the target weights.
#[derive(Debug, Clone, Copy)]
pub struct NormalizedSquaredError;

impl TargetWeightedLoss for NormalizedSquaredError {
    fn weighted_value_and_gradient(
        &self,
        prediction: &[f32],
        batch: &Batch,
        target_weights: &[f32],
    ) -> (f32, Vec<f32>) {
        let outputs = batch.targets.max(1);
        let n = prediction.len() / outputs;
        let mut gradient = vec![0.0_f32; prediction.len()];
        let mut total = 0.0_f64;
        for target in 0..outputs {
            let weight = f64::from(target_weight(target_weights, target));
            let column = |k: usize| k * outputs + target;
            let mean = (0..n).map(|k| f64::from(batch.y[column(k)])).sum::<f64>() / n.max(1) as f64;
            let deviations: f64 = (0..n)
                .map(|k| (f64::from(batch.y[column(k)]) - mean).powi(2))
                .sum::<f64>()
                .max(FLOOR * n as f64);
            for k in 0..n {
                let error = f64::from(prediction[column(k)]) - f64::from(batch.y[column(k)]);
                total += weight * error * error / deviations;
                gradient[column(k)] = (2.0 * weight * error / deviations) as f32;
            }
        }
        (total as f32, gradient)
    }
}

impl Loss for NormalizedSquaredError {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        self.weighted_value_and_gradient(prediction, batch, &[])
    }
}
