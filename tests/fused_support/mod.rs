//! Helpers shared by the fused-engine tests: a mean-squared-error loss and random batches.

use hydro::data::windows::Batch;
use hydro::training::engine::{AdamSettings, Loss};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Mean squared error over every prediction of a batch.
pub struct MeanSquaredError;

impl Loss for MeanSquaredError {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        let count = prediction.len() as f32;
        let errors: Vec<f32> = prediction
            .iter()
            .zip(&batch.y)
            .map(|(p, y)| p - y)
            .collect();
        let value = errors.iter().map(|e| e * e).sum::<f32>() / count;
        (value, errors.iter().map(|e| 2.0 * e / count).collect())
    }
}

/// A batch of `size` windows of `steps` steps with inputs and targets uniform on `[-1, 1]`.
pub fn random_batch(
    size: usize,
    steps: usize,
    features: usize,
    targets: usize,
    seed: u64,
) -> Batch {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draw =
        |count: usize| -> Vec<f32> { (0..count).map(|_| rng.random_range(-1.0..1.0)).collect() };
    Batch {
        size,
        steps,
        features,
        x: draw(size * steps * features),
        y: draw(size * targets),
        targets,
        basin_std: vec![1.0; size],
    }
}

/// PyTorch's Adam defaults with the given clipping.
pub fn adam(clip_grad_norm: Option<f32>) -> AdamSettings {
    AdamSettings {
        learning_rate: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm,
    }
}
