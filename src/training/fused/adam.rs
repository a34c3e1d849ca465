//! Gradient clipping and the Adam optimiser, in place on flat parameter and gradient vectors.

use crate::training::engine::AdamSettings;

/// Added to the gradient norm before dividing by it, as in PyTorch's `clip_grad_norm_`.
const NORM_EPSILON: f64 = 1e-6;

/// Scales `gradient` down so its global L2 norm is at most `max_norm` (PyTorch's
/// `clip_grad_norm_`: the factor is `max_norm / (norm + 1e-6)`, applied only when below one).
/// Returns the norm before clipping.
pub fn clip_grad_norm(gradient: &mut [f32], max_norm: f32) -> f32 {
    let norm = gradient
        .iter()
        .map(|&g| f64::from(g) * f64::from(g))
        .sum::<f64>()
        .sqrt();
    let factor = f64::from(max_norm) / (norm + NORM_EPSILON);
    if factor < 1.0 {
        let factor = factor as f32;
        gradient.iter_mut().for_each(|g| *g *= factor);
    }
    norm as f32
}

/// Adam's state for one parameter vector (PyTorch semantics: bias-corrected moments, epsilon
/// added to the root of the corrected second moment, no weight decay).
#[derive(Debug, Clone)]
pub struct Adam {
    /// Decay rates and epsilon (the learning rate is given per update).
    settings: AdamSettings,
    /// Running mean of the gradient.
    first_moment: Vec<f32>,
    /// Running mean of the squared gradient.
    second_moment: Vec<f32>,
    /// Updates made so far.
    steps: i32,
}

impl Adam {
    /// Fresh state (zero moments) for `parameters` values.
    pub fn new(settings: AdamSettings, parameters: usize) -> Self {
        Self {
            settings,
            first_moment: vec![0.0; parameters],
            second_moment: vec![0.0; parameters],
            steps: 0,
        }
    }

    /// One Adam update of `parameters` along `gradient` with step size `learning_rate`.
    ///
    /// # Panics
    /// If `parameters` or `gradient` does not have the length the state was made for.
    pub fn update(&mut self, parameters: &mut [f32], gradient: &[f32], learning_rate: f32) {
        assert_eq!(parameters.len(), self.first_moment.len());
        assert_eq!(gradient.len(), self.first_moment.len());
        self.steps = self.steps.saturating_add(1);
        let AdamSettings {
            beta1,
            beta2,
            epsilon,
            ..
        } = self.settings;
        let correction1 = 1.0 - f64::from(beta1).powi(self.steps);
        let correction2 = 1.0 - f64::from(beta2).powi(self.steps);
        let step_size = (f64::from(learning_rate) / correction1) as f32;
        let root_correction2 = correction2.sqrt() as f32;
        let values = parameters
            .iter_mut()
            .zip(gradient)
            .zip(self.first_moment.iter_mut().zip(&mut self.second_moment));
        for ((p, &g), (m, v)) in values {
            *m = beta1 * *m + (1.0 - beta1) * g;
            *v = beta2 * *v + (1.0 - beta2) * g * g;
            *p -= step_size * *m / (v.sqrt() / root_correction2 + epsilon);
        }
    }
}
