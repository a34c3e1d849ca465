//! Training losses, looked up by the name a script uses. Each is a weighted squared error on
//! normalised targets, written once in plain Rust and shared by every engine.
//!
//! With several targets (e.g. streamflow and evapotranspiration) every loss is computed for each
//! target over the batch and the per-target values are summed with the training run's
//! `target_weights` (all 1 by default): `L = sum_t w_t L_t`. With one target of weight 1 this is
//! the single-target loss.

mod mse;
mod normalized_squared_error;
mod nse_star;

pub use mse::Mse;
pub use normalized_squared_error::NormalizedSquaredError;
pub use nse_star::NseStar;

use crate::checking::plan::LossSpec;
use crate::data::windows::Batch;
use crate::training::engine::Loss;

/// A loss defined per target whose per-target values are summed with given weights.
pub trait TargetWeightedLoss {
    /// The loss `sum_t w_t L_t` and its gradient for `prediction` (`[batch][targets]`) against
    /// `batch.y`; `target_weights[t]` is `w_t`, and a target without a weight (all of them when
    /// the slice is empty) has weight 1.
    fn weighted_value_and_gradient(
        &self,
        prediction: &[f32],
        batch: &Batch,
        target_weights: &[f32],
    ) -> (f32, Vec<f32>);
}

/// A per-target loss with the weights of its targets.
#[derive(Debug, Clone)]
pub struct Weighted<L> {
    /// The per-target loss.
    pub loss: L,
    /// One weight per target.
    pub target_weights: Vec<f32>,
}

impl<L: TargetWeightedLoss> Loss for Weighted<L> {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        self.loss
            .weighted_value_and_gradient(prediction, batch, &self.target_weights)
    }
}

/// The loss a checked plan asks for, with one weight per target (`target_weights`, empty for
/// all 1).
pub fn from_spec(spec: LossSpec, target_weights: &[f64]) -> Box<dyn Loss + Send + Sync> {
    let target_weights: Vec<f32> = target_weights.iter().map(|&w| w as f32).collect();
    match spec {
        LossSpec::Mse => Box::new(Weighted {
            loss: Mse,
            target_weights,
        }),
        LossSpec::NseStar { eps } => Box::new(Weighted {
            loss: NseStar { eps: eps as f32 },
            target_weights,
        }),
        LossSpec::NormalizedSquaredError => Box::new(Weighted {
            loss: NormalizedSquaredError,
            target_weights,
        }),
    }
}

/// The weight of target `target` (1 when `weights` has none for it).
fn target_weight(weights: &[f32], target: usize) -> f32 {
    weights.get(target).copied().unwrap_or(1.0)
}

/// `sum_t w_t mean_n(s(n) * (prediction_nt - y_nt)^2)` over the `batch.size` samples `n` and
/// targets `t`, with sample weight `s(n)` and target weight `w_t`, and its gradient.
fn weighted_squared_error(
    prediction: &[f32],
    batch: &Batch,
    target_weights: &[f32],
    sample_weight: impl Fn(usize) -> f32,
) -> (f32, Vec<f32>) {
    let outputs = batch.targets.max(1);
    let n = (prediction.len() / outputs).max(1) as f32;
    let mut total = 0.0_f64;
    let gradient = prediction
        .iter()
        .zip(&batch.y)
        .enumerate()
        .map(|(k, (p, y))| {
            let w = sample_weight(k / outputs) * target_weight(target_weights, k % outputs);
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

    /// Two samples with two targets each: y = [[0, 0], [1, 2]], predictions [[1, 2], [1, 0]]
    /// (errors [[1, 2], [0, -2]]), target weights 1 and 0.5.
    fn two_targets() -> (Batch, [f32; 4], Vec<f64>) {
        let b = Batch {
            size: 2,
            steps: 1,
            features: 1,
            x: vec![0.0; 2],
            targets: 2,
            y: vec![0.0, 0.0, 1.0, 2.0],
            basin_std: vec![0.9, 1.9],
        };
        (b, [1.0, 2.0, 1.0, 0.0], vec![1.0, 0.5])
    }

    fn assert_close(actual: &[f32], expected: &[f32]) {
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-5, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn weighted_mse_of_two_targets_by_hand() {
        // Target 1: (1 + 0) / 2 = 0.5; target 2: (4 + 4) / 2 = 4; 1 * 0.5 + 0.5 * 4 = 2.5.
        // Gradient 2 w e / 2: [[1, 1], [0, -1]].
        let (b, prediction, weights) = two_targets();
        let (value, gradient) =
            from_spec(LossSpec::Mse, &weights).value_and_gradient(&prediction, &b);
        assert!((value - 2.5).abs() < 1e-6, "{value}");
        assert_close(&gradient, &[1.0, 1.0, 0.0, -1.0]);
        // Equal weights: the plain sum of the two targets' MSEs.
        let (unweighted, _) = Mse.value_and_gradient(&prediction, &b);
        assert!((unweighted - 4.5).abs() < 1e-6, "{unweighted}");
    }

    #[test]
    fn weighted_nse_star_of_two_targets_by_hand() {
        // Sample weights 1/(0.9 + 0.1)^2 = 1 and 1/(1.9 + 0.1)^2 = 0.25.
        // Target 1: (1 * 1 + 0.25 * 0) / 2 = 0.5; target 2: (1 * 4 + 0.25 * 4) / 2 = 2.5;
        // 0.5 + 0.5 * 2.5 = 1.75. Gradient 2 s w e / 2: [[1, 1], [0, -0.25]].
        let (b, prediction, weights) = two_targets();
        let loss = from_spec(LossSpec::NseStar { eps: 0.1 }, &weights);
        let (value, gradient) = loss.value_and_gradient(&prediction, &b);
        assert!((value - 1.75).abs() < 1e-5, "{value}");
        assert_close(&gradient, &[1.0, 1.0, 0.0, -0.25]);
    }

    #[test]
    fn weighted_normalized_squared_error_of_two_targets_by_hand() {
        // Target 1: y 0, 1 (mean 0.5, deviations 0.5), errors 1, 0 -> 1 / 0.5 = 2.
        // Target 2: y 0, 2 (mean 1, deviations 2), errors 2, -2 -> 8 / 2 = 4.
        // 2 + 0.5 * 4 = 4. Gradient 2 w e / D: [[4, 1], [0, -1]].
        let (b, prediction, weights) = two_targets();
        let loss = from_spec(LossSpec::NormalizedSquaredError, &weights);
        let (value, gradient) = loss.value_and_gradient(&prediction, &b);
        assert!((value - 4.0).abs() < 1e-5, "{value}");
        assert_close(&gradient, &[4.0, 1.0, 0.0, -1.0]);
    }

    #[test]
    fn weighted_gradients_match_finite_differences() {
        let (b, _, weights) = two_targets();
        let prediction = [0.4_f32, -0.7, 1.3, 0.2];
        for spec in [
            LossSpec::Mse,
            LossSpec::NseStar { eps: 0.1 },
            LossSpec::NormalizedSquaredError,
        ] {
            let loss = from_spec(spec, &weights);
            let (_, gradient) = loss.value_and_gradient(&prediction, &b);
            for k in 0..prediction.len() {
                let h = 1e-3;
                let mut up = prediction;
                up[k] += h;
                let mut down = prediction;
                down[k] -= h;
                let numeric = (loss.value_and_gradient(&up, &b).0
                    - loss.value_and_gradient(&down, &b).0)
                    / (2.0 * h);
                assert!(
                    (numeric - gradient[k]).abs() < 2e-3,
                    "{spec}, {k}: {numeric} vs {}",
                    gradient[k]
                );
            }
        }
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
