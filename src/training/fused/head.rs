//! The linear head on the last hidden state, and inverted dropout on its input.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Fills `mask` for inverted dropout with drop probability `probability`: each value is zero
/// with that probability and `1 / (1 - probability)` otherwise, drawn in order from `rng`.
pub fn draw_dropout_mask(mask: &mut [f32], probability: f32, rng: &mut ChaCha8Rng) {
    let keep = 1.0 - probability;
    let scale = if keep > 0.0 { 1.0 / keep } else { 0.0 };
    for value in mask.iter_mut() {
        *value = if rng.random::<f32>() < probability {
            0.0
        } else {
            scale
        };
    }
}

/// The head's weights and sizes.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// `[outputs][hidden]`.
    pub weights: &'a [f32],
    /// `[outputs]`.
    pub bias: &'a [f32],
    /// Size of the hidden state.
    pub hidden: usize,
}

impl Head<'_> {
    /// Number of values predicted per sample.
    fn outputs(&self) -> usize {
        self.bias.len()
    }

    /// Writes `weights * state + bias` for each sample's `state` in `states`
    /// (`[samples][hidden]`) into `predictions` (`[samples][outputs]`).
    pub fn predict(&self, states: &[f32], predictions: &mut [f32]) {
        let outputs = self.outputs();
        for (state, prediction) in states
            .chunks_exact(self.hidden)
            .zip(predictions.chunks_exact_mut(outputs))
        {
            for ((value, row), bias) in prediction
                .iter_mut()
                .zip(self.weights.chunks_exact(self.hidden))
                .zip(self.bias)
            {
                *value = bias + dot(row, state);
            }
        }
    }

    /// Backpropagates `prediction_gradient` (`[samples][outputs]`) through the head applied to
    /// `states`: writes the head's weight and bias gradients into `weights_gradient` and
    /// `bias_gradient`, and the gradient with respect to the states into `state_gradient`.
    pub fn backward(
        &self,
        states: &[f32],
        prediction_gradient: &[f32],
        weights_gradient: &mut [f32],
        bias_gradient: &mut [f32],
        state_gradient: &mut [f32],
    ) {
        let outputs = self.outputs();
        weights_gradient.fill(0.0);
        bias_gradient.fill(0.0);
        state_gradient.fill(0.0);
        let samples = states
            .chunks_exact(self.hidden)
            .zip(prediction_gradient.chunks_exact(outputs))
            .zip(state_gradient.chunks_exact_mut(self.hidden));
        for ((state, gradient), state_gradient) in samples {
            for (output, &g) in gradient.iter().enumerate() {
                let row = output * self.hidden..(output + 1) * self.hidden;
                bias_gradient[output] += g;
                for ((w_grad, &s), (s_grad, &w)) in weights_gradient[row.clone()]
                    .iter_mut()
                    .zip(state)
                    .zip(state_gradient.iter_mut().zip(&self.weights[row]))
                {
                    *w_grad += g * s;
                    *s_grad += g * w;
                }
            }
        }
    }
}

/// Dot product of two equally long vectors.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
