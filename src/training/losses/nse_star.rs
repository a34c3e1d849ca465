//! NSE* of Kratzert et al. (2019), Eq. 13: squared errors of each sample weighted by
//! `1 / (s_b + eps)^2`, where `s_b` is the standard deviation of the sample's basin discharge over
//! the training period (in mm/day, as in the authors' code, while errors are on normalised
//! targets), averaged over all samples of the batch.
//!
//! With several targets the NSE* of each target is computed over the batch and the values are
//! summed with the target weights. The batch carries one scale per sample, that of the first
//! target (discharge), so every target of a sample is weighted by its basin's discharge scale.

use super::{weighted_squared_error, TargetWeightedLoss};
use crate::data::windows::Batch;
use crate::training::engine::Loss;

/// The basin-averaged NSE* loss.
#[derive(Debug, Clone, Copy)]
pub struct NseStar {
    /// Added to each basin's standard deviation (0.1 in the paper).
    pub eps: f32,
}

impl TargetWeightedLoss for NseStar {
    fn weighted_value_and_gradient(
        &self,
        prediction: &[f32],
        batch: &Batch,
        target_weights: &[f32],
    ) -> (f32, Vec<f32>) {
        weighted_squared_error(prediction, batch, target_weights, |sample| {
            let scale = batch.basin_std[sample] + self.eps;
            1.0 / (scale * scale)
        })
    }
}

impl Loss for NseStar {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        self.weighted_value_and_gradient(prediction, batch, &[])
    }
}
