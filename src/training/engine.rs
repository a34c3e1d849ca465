//! The contract between the training loop and the engines that compute on a device.
//!
//! An engine owns a model's parameters and its optimiser state. The loop hands it batches and a
//! loss; the loss is plain Rust on the predictions (it is tiny next to the recurrence), so every
//! engine shares one implementation of every loss.

use crate::data::windows::Batch;
use crate::models::weights::ModelWeights;

/// A loss on a batch of predictions, with its gradient.
pub trait Loss {
    /// Returns the loss value and `d loss / d prediction`, both for the predictions
    /// `prediction` (`[batch][outputs]`, normalised units) against `batch.y`.
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>);
}

/// Adam settings shared by every engine (PyTorch's conventions and defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamSettings {
    /// Step size.
    pub learning_rate: f32,
    /// First-moment decay.
    pub beta1: f32,
    /// Second-moment decay.
    pub beta2: f32,
    /// Added to the root of the second moment.
    pub epsilon: f32,
    /// Largest global L2 norm of the gradient before the update; `None` leaves it unclipped.
    pub clip_grad_norm: Option<f32>,
}

/// Something that trains and runs one model on a device. Engines move between threads (the
/// members of a sweep train at the same time).
pub trait Engine: Send {
    /// One optimisation step (forward, loss, backward, clipping, Adam update) with dropout active;
    /// returns the batch loss before the update.
    fn train_step(&mut self, batch: &Batch, loss: &dyn Loss, learning_rate: f32) -> f32;
    /// Predictions `[batch][outputs]` for `batch.x` without dropout (targets are ignored).
    fn predict(&mut self, batch: &Batch) -> Vec<f32>;
    /// A copy of the current parameters (each engine also offers them in its model's own type
    /// through an inherent `weights` method).
    fn model_weights(&self) -> ModelWeights;
}
