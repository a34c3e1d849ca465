//! A sequence-to-one LSTM with a linear head, as a Burn module generic over the backend.
//!
//! The recurrence follows PyTorch's `nn.LSTM` with gate blocks in the order (input, forget,
//! cell candidate, output): for every time step `t`,
//!
//! ```text
//! gates = x_t W_ih^T + h_{t-1} W_hh^T + b
//! i, f, o = sigmoid(gates_i), sigmoid(gates_f), sigmoid(gates_o);  g = tanh(gates_g)
//! c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
//! ```
//!
//! starting from zero states. The prediction is `head(dropout(h_T))`, the head applied to the
//! last hidden state, as in the rainfall-runoff LSTMs of Kratzert et al. Parameters convert
//! exactly to and from the backend-neutral [`LstmWeights`].
//!
//! The recurrence runs as one backend operation ([`LstmBackend`], see
//! `training::fused::backend`), so the model stays generic while `NdArray<f32>` and its autodiff
//! run hydro's fused kernels.

use std::path::Path;

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, Initializer, Linear, LinearConfig};
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder, RecorderError};
use burn::tensor::backend::Backend;
use burn::tensor::{s, Tensor, TensorData};

use crate::models::weights::{EaLstmShape, LstmShape, LstmWeights};
use crate::training::fused::backend::{LstmBackend, Recurrence};

/// Sizes and regularisation of an [`Lstm`].
#[derive(Config, Debug)]
pub struct LstmConfig {
    /// Features per time step.
    pub inputs: usize,
    /// Size of the hidden and cell state.
    pub hidden: usize,
    /// Values predicted per sample.
    pub outputs: usize,
    /// Probability of zeroing an element of the last hidden state during training, in `[0, 1)`.
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Value the forget-gate bias starts at in [`LstmConfig::init`] (a positive value helps the
    /// cell keep long memories such as snow storage early in training).
    #[config(default = 0.0)]
    pub initial_forget_bias: f64,
}

impl LstmConfig {
    /// The sizes of the model this configuration describes.
    pub fn shape(&self) -> LstmShape {
        LstmShape {
            inputs: self.inputs,
            hidden: self.hidden,
            outputs: self.outputs,
        }
    }

    /// A freshly initialised model, drawn from the backend's random generator (seed it with
    /// `B::seed`): every parameter uniform in `±1/sqrt(hidden)` as in PyTorch, except the
    /// forget-gate bias, which is set to `initial_forget_bias`.
    pub fn init<B: Backend>(&self, device: &B::Device) -> Lstm<B> {
        let bound = 1.0 / (self.hidden.max(1) as f64).sqrt();
        let initializer = Initializer::Uniform {
            min: -bound,
            max: bound,
        };
        let linear = |d_input, d_output, bias| {
            LinearConfig::new(d_input, d_output)
                .with_bias(bias)
                .with_initializer(initializer.clone())
                .init(device)
        };
        let mut input = linear(self.inputs, 4 * self.hidden, true);
        let hidden = self.hidden;
        let forget_bias = self.initial_forget_bias;
        input.bias = input.bias.map(|bias| {
            bias.map(|b| {
                let forget = Tensor::full([hidden], forget_bias, &b.device());
                b.slice_assign(s![hidden..2 * hidden], forget)
            })
        });
        Lstm {
            input,
            recurrent: linear(self.hidden, 4 * self.hidden, false),
            dropout: Dropout { prob: self.dropout },
            head: linear(self.hidden, self.outputs, true),
        }
    }
}

/// Bound on the arguments of the activations, which keeps their exponentials finite (and so
/// their gradients free of `0 * inf`); beyond it the activations are within 1e-17 of 0 or ±1.
pub(crate) const LIMIT: f32 = 40.0;

/// A single-layer sequence-to-one LSTM followed by dropout and a linear head.
#[derive(Module, Debug)]
pub struct Lstm<B: Backend> {
    /// Input-to-gates projection, `inputs -> 4 * hidden`, carrying the gate bias.
    pub input: Linear<B>,
    /// Hidden-to-gates projection, `hidden -> 4 * hidden`, without bias.
    pub recurrent: Linear<B>,
    /// Dropout on the last hidden state (active only under an autodiff backend).
    pub dropout: Dropout,
    /// Hidden-to-output head, `hidden -> outputs`.
    pub head: Linear<B>,
}

/// A `[rows][cols]` row-major matrix as a `[cols, rows]` tensor (Burn's `[d_input, d_output]`).
pub(crate) fn transposed<B: Backend>(
    values: &[f32],
    rows: usize,
    cols: usize,
    device: &B::Device,
) -> Tensor<B, 2> {
    let mut out = vec![0.0f32; values.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = values[r * cols + c];
        }
    }
    Tensor::from_data(TensorData::new(out, [cols, rows]), device)
}

/// The values of a tensor, row-major.
pub(crate) fn values<B: Backend, const D: usize>(tensor: Tensor<B, D>) -> Vec<f32> {
    tensor.into_data().iter::<f32>().collect()
}

/// A `[d_input, d_output]` weight as a flat row-major `[d_output][d_input]` matrix.
pub(crate) fn flat_transposed<B: Backend>(weight: Tensor<B, 2>) -> Vec<f32> {
    values(weight.transpose())
}

impl<B: Backend> Lstm<B> {
    /// A model holding exactly `weights`, with dropout probability `dropout` (in `[0, 1)`).
    ///
    /// The arrays of `weights` must have the lengths its `shape` implies.
    pub fn from_weights(weights: &LstmWeights, dropout: f64, device: &B::Device) -> Self {
        let LstmShape {
            inputs,
            hidden,
            outputs,
        } = weights.shape;
        let gates = 4 * hidden;
        let vector =
            |v: &[f32]| Tensor::<B, 1>::from_data(TensorData::new(v.to_vec(), [v.len()]), device);
        Lstm {
            input: Linear {
                weight: Param::from_tensor(transposed(&weights.w_ih, gates, inputs, device)),
                bias: Some(Param::from_tensor(vector(&weights.bias))),
            },
            recurrent: Linear {
                weight: Param::from_tensor(transposed(&weights.w_hh, gates, hidden, device)),
                bias: None,
            },
            dropout: Dropout { prob: dropout },
            head: Linear {
                weight: Param::from_tensor(transposed(&weights.head_w, outputs, hidden, device)),
                bias: Some(Param::from_tensor(vector(&weights.head_b))),
            },
        }
    }

    /// The sizes of this model.
    pub fn shape(&self) -> LstmShape {
        let [inputs, gates] = self.input.weight.shape().dims();
        let [_, outputs] = self.head.weight.shape().dims();
        LstmShape {
            inputs,
            hidden: gates / 4,
            outputs,
        }
    }

    /// A copy of the parameters in the backend-neutral layout.
    pub fn to_weights(&self) -> LstmWeights {
        let shape = self.shape();
        let bias = |linear: &Linear<B>, len: usize| match &linear.bias {
            Some(bias) => values(bias.val()),
            None => vec![0.0; len],
        };
        LstmWeights {
            shape,
            w_ih: flat_transposed(self.input.weight.val()),
            w_hh: flat_transposed(self.recurrent.weight.val()),
            bias: bias(&self.input, 4 * shape.hidden),
            head_w: flat_transposed(self.head.weight.val()),
            head_b: bias(&self.head, shape.outputs),
        }
    }

    /// The recurrence of this model over inputs `x` of shape `[batch, steps, features]`, to
    /// run with [`Recurrence::final_state`] (the backend's operation) or
    /// [`Recurrence::straightforward_final_state`] (plain tensor operations).
    pub fn recurrence(&self, x: Tensor<B, 3>) -> Recurrence<B> {
        let gates = self.input.weight.shape().dims::<2>()[1];
        Recurrence {
            x,
            input_weights: self.input.weight.val(),
            recurrent_weights: self.recurrent.weight.val(),
            bias: gate_bias(&self.input, gates),
            input_gate: None,
        }
    }

    /// Predictions `[batch, outputs]` for the last hidden state `h_T` (`[batch, hidden]`): the
    /// head after dropout, which acts only under an autodiff backend.
    pub fn head_forward(&self, final_state: Tensor<B, 2>) -> Tensor<B, 2> {
        self.head.forward(self.dropout.forward(final_state))
    }

    /// Writes the parameters to `path` with its extension set to `.mpk` (named MessagePack,
    /// full precision), so that [`Lstm::load`] restores them bit for bit.
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        self.clone()
            .save_file(path.to_path_buf(), &recorder())
            .map_err(|source| ModelFileError::Save {
                path: path.with_extension("mpk").display().to_string(),
                source,
            })
    }

    /// Reads a model of configuration `config` from the file [`Lstm::save`] wrote at `path`.
    pub fn load(
        config: &LstmConfig,
        path: &Path,
        device: &B::Device,
    ) -> Result<Self, ModelFileError> {
        let file = path.with_extension("mpk").display().to_string();
        // A zero skeleton of the right sizes: it draws nothing from the backend's generator.
        let shape = config.shape();
        let gates = 4 * shape.hidden;
        let zeros = LstmWeights {
            shape,
            w_ih: vec![0.0; gates * shape.inputs],
            w_hh: vec![0.0; gates * shape.hidden],
            bias: vec![0.0; gates],
            head_w: vec![0.0; shape.outputs * shape.hidden],
            head_b: vec![0.0; shape.outputs],
        };
        let model = Self::from_weights(&zeros, config.dropout, device)
            .load_file(path.to_path_buf(), &recorder(), device)
            .map_err(|source| ModelFileError::Load {
                path: file.clone(),
                source,
            })?;
        let found = model.shape();
        let expected = config.shape();
        let biases_present = model.input.bias.is_some()
            && model.recurrent.bias.is_none()
            && model.head.bias.is_some();
        let recurrent_ok =
            model.recurrent.weight.shape().dims::<2>() == [expected.hidden, 4 * expected.hidden];
        if found != expected || !biases_present || !recurrent_ok {
            return Err(ModelFileError::Shape {
                path: file,
                expected,
                found,
            });
        }
        Ok(model)
    }
}

impl<B: LstmBackend> Lstm<B> {
    /// Predictions `[batch, outputs]` for inputs `x` of shape `[batch, steps, features]`: the
    /// head, after dropout, on the last hidden state of the recurrence, which the backend runs
    /// as one operation ([`LstmBackend`]: fused kernels on `NdArray<f32>`, plain tensor
    /// operations elsewhere).
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.head_forward(self.recurrence(x).final_state())
    }
}

/// The bias of a gate projection (zeros when it has none), `[gates]`.
pub(crate) fn gate_bias<B: Backend>(linear: &Linear<B>, gates: usize) -> Tensor<B, 1> {
    match &linear.bias {
        Some(bias) => bias.val(),
        None => Tensor::zeros([gates], &linear.weight.device()),
    }
}

/// The recorder of model files: named MessagePack at full precision.
pub(crate) fn recorder() -> NamedMpkFileRecorder<FullPrecisionSettings> {
    NamedMpkFileRecorder::new()
}

/// A model file that could not be written or read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ModelFileError {
    /// Writing the file failed.
    #[error("could not write the model file `{path}`")]
    #[diagnostic(
        code(hydro::model::save),
        help("check that the run directory exists and is writable")
    )]
    Save {
        /// The file that was being written.
        path: String,
        /// What the recorder reported.
        #[source]
        source: RecorderError,
    },
    /// Reading the file failed.
    #[error("could not read the model file `{path}`")]
    #[diagnostic(
        code(hydro::model::load),
        help("check that the path points at a model saved by hydro and that the file is complete")
    )]
    Load {
        /// The file that was being read.
        path: String,
        /// What the recorder reported.
        #[source]
        source: RecorderError,
    },
    /// The file holds a model of other sizes than the one asked for.
    #[error("the model file `{path}` holds an LSTM of sizes {found:?}, not {expected:?}")]
    #[diagnostic(
        code(hydro::model::shape),
        help("load it with the model settings (inputs, hidden size, outputs) it was trained with")
    )]
    Shape {
        /// The file that was read.
        path: String,
        /// Sizes the caller asked for.
        expected: LstmShape,
        /// Sizes found in the file.
        found: LstmShape,
    },
    /// The file holds an EA-LSTM of other sizes than the one asked for.
    #[error("the model file `{path}` holds an EA-LSTM of sizes {found:?}, not {expected:?}")]
    #[diagnostic(
        code(hydro::model::shape),
        help(
            "load it with the model settings (dynamic inputs, static attributes, hidden size, \
             outputs) it was trained with"
        )
    )]
    EaLstmShape {
        /// The file that was read.
        path: String,
        /// Sizes the caller asked for.
        expected: EaLstmShape,
        /// Sizes found in the file.
        found: EaLstmShape,
    },
}
