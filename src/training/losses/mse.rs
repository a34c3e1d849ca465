//! Mean squared error on normalised targets.

use super::{weighted_squared_error, TargetWeightedLoss};
use crate::data::windows::Batch;
use crate::training::engine::Loss;

/// `sum_t w_t mean_n((prediction_nt - target_nt)^2)`: each target's mean squared error over the
/// samples, weighted by its target weight (1 for every target unless wrapped in
/// [`super::Weighted`]).
#[derive(Debug, Clone, Copy)]
pub struct Mse;

impl TargetWeightedLoss for Mse {
    fn weighted_value_and_gradient(
        &self,
        prediction: &[f32],
        batch: &Batch,
        target_weights: &[f32],
    ) -> (f32, Vec<f32>) {
        weighted_squared_error(prediction, batch, target_weights, |_| 1.0)
    }
}

impl Loss for Mse {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        self.weighted_value_and_gradient(prediction, batch, &[])
    }
}
