//! Exact gradients of a model's prediction with respect to its inputs, through Burn's autodiff
//! on the CPU (`Autodiff<NdArray<f32>>`, whose LSTM recurrence backpropagates through the fused
//! kernels).
//!
//! The inputs are a [`Batch`]'s windows `x` (`[size][steps][features]`): the normalised dynamic
//! inputs followed by the normalised static attributes, repeated at every step. The LSTM and the
//! MC-LSTM read every copy of a static attribute; the EA-LSTM reads the copy of the first step
//! only. The derivative of a prediction with respect to a basin's static attribute is the sum of
//! the derivatives with respect to all its copies ([`InputGradients::summed_over_steps`]).
//!
//! Every sample's prediction depends on its own window only, so the gradient of the sum of the
//! predictions over the batch holds, for every sample, the gradient of its own prediction.

use std::ops::Range;

use burn::backend::{Autodiff, NdArray};
use burn::tensor::{Tensor, TensorData};

use crate::data::windows::Batch;
use crate::models::ealstm::EaLstm;
use crate::models::lstm::{values, Lstm};
use crate::models::mclstm::McLstm;
use crate::models::weights::ModelWeights;

/// The CPU backend the gradients are computed on.
type Cpu = NdArray<f32>;
/// Its autodiff.
type Differentiable = Autodiff<Cpu>;

/// A prediction per sample and its gradient with respect to every input of the sample's window.
#[derive(Debug, Clone, PartialEq)]
pub struct InputGradients {
    /// Number of samples.
    pub size: usize,
    /// Time steps per window.
    pub steps: usize,
    /// Features per step.
    pub features: usize,
    /// The predicted output `target` of every sample (`[size]`, in the model's output units:
    /// normalised for the LSTM and the EA-LSTM, mm/day for the MC-LSTM).
    pub outputs: Vec<f32>,
    /// `d output / d x`, `[size][steps][features]`.
    pub x: Vec<f32>,
}

impl InputGradients {
    /// The gradients of every sample with respect to the features `features`, summed over the
    /// steps: `[size][features.len()]`. For the static attributes (the last features of a
    /// batch), which a batch repeats at every step, this is the derivative of the prediction
    /// with respect to the basin's attribute value.
    ///
    /// # Panics
    /// If `features` reaches beyond the features of a step.
    pub fn summed_over_steps(&self, features: Range<usize>) -> Vec<f32> {
        assert!(features.end <= self.features, "features of a step");
        let width = features.len();
        let mut sums = vec![0.0f32; self.size * width];
        for (sample, sum) in sums.chunks_exact_mut(width.max(1)).enumerate() {
            let window =
                &self.x[sample * self.steps * self.features..][..self.steps * self.features];
            for step in window.chunks_exact(self.features) {
                for (s, g) in sum.iter_mut().zip(&step[features.clone()]) {
                    *s += g;
                }
            }
        }
        sums
    }
}

/// Why the gradients of a model could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum GradientError {
    /// The architecture has no input gradients here.
    #[error("input gradients are not available for the {architecture} model")]
    #[diagnostic(
        code(hydro::interpretation::unsupported),
        help("input attributions work for the `lstm`, `ealstm` and `mclstm` architectures")
    )]
    Unsupported {
        /// The architecture's name.
        architecture: &'static str,
    },
    /// The output asked for is not one the model predicts.
    #[error("the model predicts {outputs} values per sample, there is no output {target}")]
    #[diagnostic(code(hydro::interpretation::target))]
    NoSuchOutput {
        /// Position of the output asked for.
        target: usize,
        /// Number of outputs of the model.
        outputs: usize,
    },
    /// The batch does not have the features the model reads.
    #[error("the model reads {model} features per step, the batch holds {batch}")]
    #[diagnostic(code(hydro::interpretation::features))]
    Features {
        /// Features per step of the model.
        model: usize,
        /// Features per step of the batch.
        batch: usize,
    },
}

/// A model whose prediction can be differentiated, built from its weights on `B` (boxed: the
/// modules differ much in size).
enum Differentiated<B: burn::tensor::backend::Backend> {
    Lstm(Box<Lstm<B>>),
    EaLstm(Box<EaLstm<B>>),
    McLstm(Box<McLstm<B>>),
}

impl<B: crate::training::fused::backend::LstmBackend> Differentiated<B> {
    /// The model holding `weights` (without dropout), after checking that it reads
    /// `features` features per step and has an output `target`.
    fn new(weights: &ModelWeights, features: usize, target: usize) -> Result<Self, GradientError> {
        let device = Default::default();
        let (model, model_features, outputs) = match weights {
            ModelWeights::Lstm(w) => (
                Self::Lstm(Box::new(Lstm::from_weights(w, 0.0, &device))),
                w.shape.inputs,
                w.shape.outputs,
            ),
            ModelWeights::EaLstm(w) => (
                Self::EaLstm(Box::new(EaLstm::from_weights(w, 0.0, &device))),
                w.shape.features(),
                w.shape.outputs,
            ),
            ModelWeights::McLstm(w) => (
                Self::McLstm(Box::new(McLstm::from_weights(w, &device))),
                w.shape.features(),
                1,
            ),
            ModelWeights::ExpHydro(_) => return Err(unsupported("EXP-HYDRO")),
            ModelWeights::CnnLstm(_) => return Err(unsupported("CNN-LSTM")),
            ModelWeights::StackedLstm(_) => return Err(unsupported("stacked LSTM")),
        };
        if model_features != features {
            return Err(GradientError::Features {
                model: model_features,
                batch: features,
            });
        }
        if target >= outputs {
            return Err(GradientError::NoSuchOutput { target, outputs });
        }
        Ok(model)
    }

    /// Predictions `[batch, outputs]` for windows `x` (`[batch, steps, features]`).
    fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        match self {
            Self::Lstm(model) => model.forward(x),
            Self::EaLstm(model) => model.forward(x),
            Self::McLstm(model) => model.forward(x),
        }
    }
}

fn unsupported(architecture: &'static str) -> GradientError {
    GradientError::Unsupported { architecture }
}

/// The windows of `batch` as a tensor `[size, steps, features]`.
fn windows<B: burn::tensor::backend::Backend>(batch: &Batch) -> Tensor<B, 3> {
    Tensor::from_data(
        TensorData::new(batch.x.clone(), [batch.size, batch.steps, batch.features]),
        &Default::default(),
    )
}

/// The predicted output `target` of every sample of `batch` (`[size]`), without gradients.
pub fn outputs(
    weights: &ModelWeights,
    batch: &Batch,
    target: usize,
) -> Result<Vec<f32>, GradientError> {
    let model = Differentiated::<Cpu>::new(weights, batch.features, target)?;
    if batch.size == 0 {
        return Ok(Vec::new());
    }
    let predictions = model.forward(windows(batch));
    Ok(values(
        predictions.slice([0..batch.size, target..target + 1]),
    ))
}

/// The predicted output `target` of every sample of `batch` and its exact gradient with respect
/// to every input of the sample's window, by reverse-mode differentiation.
pub fn output_and_input_gradients(
    weights: &ModelWeights,
    batch: &Batch,
    target: usize,
) -> Result<InputGradients, GradientError> {
    let model = Differentiated::<Differentiable>::new(weights, batch.features, target)?;
    let mut gradients = InputGradients {
        size: batch.size,
        steps: batch.steps,
        features: batch.features,
        outputs: Vec::new(),
        x: vec![0.0; batch.x.len()],
    };
    if batch.size == 0 || batch.steps == 0 {
        gradients.outputs = outputs(weights, batch, target)?;
        return Ok(gradients);
    }
    let x = windows::<Differentiable>(batch).require_grad();
    let predicted = model
        .forward(x.clone())
        .slice([0..batch.size, target..target + 1]);
    let tape = predicted.clone().sum().backward();
    gradients.outputs = values(predicted.inner());
    if let Some(grad) = x.grad(&tape) {
        gradients.x = values(grad);
    }
    Ok(gradients)
}
