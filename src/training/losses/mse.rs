//! Mean squared error on normalised targets.

use super::weighted_squared_error;
use crate::data::windows::Batch;
use crate::training::engine::Loss;

/// `mean((prediction - target)^2)` over samples and targets.
#[derive(Debug, Clone, Copy)]
pub struct Mse;

impl Loss for Mse {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        weighted_squared_error(prediction, &batch.y, batch.targets, |_| 1.0)
    }
}
