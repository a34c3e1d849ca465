//! Training losses, looked up by the name a script uses. Each is a weighted squared error on
//! normalised targets, written once in plain Rust and shared by every engine.

mod mse;
mod nse_star;

pub use mse::Mse;
pub use nse_star::NseStar;

use crate::checking::plan::LossSpec;
use crate::training::engine::Loss;

/// The loss a checked plan asks for.
pub fn from_spec(spec: LossSpec) -> Box<dyn Loss + Send + Sync> {
    match spec {
        LossSpec::Mse => Box::new(Mse),
        LossSpec::NseStar { eps } => Box::new(NseStar { eps: eps as f32 }),
    }
}

/// Mean over all predictions of `weight(sample) * (prediction - target)^2`, and its gradient.
fn weighted_squared_error(
    prediction: &[f32],
    target: &[f32],
    outputs: usize,
    weight: impl Fn(usize) -> f32,
) -> (f32, Vec<f32>) {
    let n = prediction.len().max(1) as f32;
    let mut total = 0.0_f64;
    let gradient = prediction
        .iter()
        .zip(target)
        .enumerate()
        .map(|(k, (p, y))| {
            let w = weight(k / outputs.max(1));
            let error = p - y;
            total += f64::from(w * error * error);
            2.0 * w * error / n
        })
        .collect();
    ((total / f64::from(n)) as f32, gradient)
}
