//! Training losses, looked up by the name a script uses. Each is a weighted squared error on
//! normalised targets, written once in plain Rust and shared by every engine.

mod mse;
mod normalized_squared_error;
mod nse_star;

pub use mse::Mse;
pub use normalized_squared_error::NormalizedSquaredError;
pub use nse_star::NseStar;

use crate::checking::plan::LossSpec;
use crate::training::engine::Loss;

/// The loss a checked plan asks for.
pub fn from_spec(spec: LossSpec) -> Box<dyn Loss + Send + Sync> {
    match spec {
        LossSpec::Mse => Box::new(Mse),
        LossSpec::NseStar { eps } => Box::new(NseStar { eps: eps as f32 }),
        LossSpec::NormalizedSquaredError => Box::new(NormalizedSquaredError),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::windows::Batch;

    fn batch(y: Vec<f32>, basin_std: Vec<f32>) -> Batch {
        Batch {
            size: y.len(),
            steps: 1,
            features: 1,
            x: vec![0.0; y.len()],
            targets: 1,
            y,
            basin_std,
        }
    }

    #[test]
    fn mse_by_hand() {
        // errors 1, -2, 0.5 -> squares 1, 4, 0.25 -> mean 1.75; gradient 2 e / 3.
        let b = batch(vec![0.0, 1.0, -1.0], vec![1.0; 3]);
        let (value, gradient) = Mse.value_and_gradient(&[1.0, -1.0, -0.5], &b);
        assert!((value - 1.75).abs() < 1e-6);
        let expected = [2.0 / 3.0, -4.0 / 3.0, 1.0 / 3.0];
        for (g, e) in gradient.iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{gradient:?}");
        }
    }

    #[test]
    fn nse_star_weights_each_sample_by_its_basin_std() {
        // Eq. 13 of Kratzert et al. (2019) with eps = 0.1: sample 1 from a basin with s = 0.9
        // (weight 1/(1.0)^2 = 1), sample 2 from one with s = 1.9 (weight 1/(2.0)^2 = 0.25).
        // errors 2 and 2 -> (1 * 4 + 0.25 * 4) / 2 = 2.5; gradients 2 w e / 2 = 2 and 0.5.
        let b = batch(vec![0.0, 0.0], vec![0.9, 1.9]);
        let (value, gradient) = NseStar { eps: 0.1 }.value_and_gradient(&[2.0, 2.0], &b);
        assert!((value - 2.5).abs() < 1e-5, "{value}");
        assert!(
            (gradient[0] - 2.0).abs() < 1e-5 && (gradient[1] - 0.5).abs() < 1e-5,
            "{gradient:?}"
        );
    }

    #[test]
    fn normalized_squared_error_by_hand() {
        // Observations 1, 2, 6: mean 3, squared deviations 4 + 1 + 9 = 14.
        // Predictions 2, 2, 4: errors 1, 0, -2 -> squared 1 + 0 + 4 = 5 -> loss 5/14.
        // Gradient 2 e / 14: 1/7, 0, -2/7. Scaling the targets (y' = 2y + 1, predictions
        // alike) leaves the value unchanged.
        let b = batch(vec![1.0, 2.0, 6.0], vec![1.0; 3]);
        let (value, gradient) = NormalizedSquaredError.value_and_gradient(&[2.0, 2.0, 4.0], &b);
        assert!((value - 5.0 / 14.0).abs() < 1e-6, "{value}");
        let expected = [1.0 / 7.0, 0.0, -2.0 / 7.0];
        for (g, e) in gradient.iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{gradient:?}");
        }
        let scaled = batch(vec![3.0, 5.0, 13.0], vec![1.0; 3]);
        let (same, _) = NormalizedSquaredError.value_and_gradient(&[5.0, 5.0, 9.0], &scaled);
        assert!((same - value).abs() < 1e-6);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let b = batch(vec![0.3, -1.2, 0.7], vec![0.2, 1.5, 3.0]);
        let prediction = [0.1_f32, -0.4, 1.9];
        let losses: [Box<dyn Loss>; 3] = [
            Box::new(Mse),
            Box::new(NseStar { eps: 0.1 }),
            Box::new(NormalizedSquaredError),
        ];
        for loss in losses {
            let (_, gradient) = loss.value_and_gradient(&prediction, &b);
            for k in 0..3 {
                let h = 1e-3;
                let mut up = prediction;
                up[k] += h;
                let mut down = prediction;
                down[k] -= h;
                let numeric = (loss.value_and_gradient(&up, &b).0
                    - loss.value_and_gradient(&down, &b).0)
                    / (2.0 * h);
                assert!(
                    (numeric - gradient[k]).abs() < 1e-3,
                    "{k}: {numeric} vs {}",
                    gradient[k]
                );
            }
        }
    }
}
