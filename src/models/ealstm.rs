//! A sequence-to-one Entity-Aware LSTM (EA-LSTM, Kratzert et al. 2019, Eq. 7-12) with a linear
//! head, as a Burn module generic over the backend.
//!
//! The static attributes `x_s` of the basin set the input gate once per window; the dynamic
//! inputs `x_d[t]` drive the three other gates, in the order (forget, cell candidate, output):
//!
//! ```text
//! i = sigmoid(W_i x_s + b_i)                                  (constant over time)
//! f, o = sigmoid(gates_f), sigmoid(gates_o);  g = tanh(gates_g),
//!     gates = x_d[t] W_ih^T + h[t-1] W_hh^T + b
//! c[t] = f * c[t-1] + i * g;  h[t] = o * tanh(c[t])
//! ```
//!
//! starting from zero states. Inputs are batches `[batch, steps, features]` whose features are
//! the dynamic inputs followed by the static attributes (repeated at every step, as hydro's
//! batches hold them); the static attributes are read at the first step. The prediction is
//! `head(dropout(h_T))`. Parameters convert exactly to and from the backend-neutral
//! [`EaLstmWeights`].
//!
//! The recurrence runs as one backend operation ([`LstmBackend`], see
//! `training::fused::backend`) given the input gate, so the model stays generic while
//! `NdArray<f32>` and its autodiff run hydro's fused kernels.

use std::path::Path;

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, Initializer, Linear, LinearConfig};
use burn::tensor::backend::Backend;
use burn::tensor::{s, Tensor, TensorData};

use crate::models::lstm::{
    flat_transposed, gate_bias, recorder, transposed, values, ModelFileError, LIMIT,
};
use crate::models::weights::{EaLstmShape, EaLstmWeights};
use crate::training::fused::backend::{LstmBackend, Recurrence};

/// Sizes and regularisation of an [`EaLstm`].
#[derive(Config, Debug)]
pub struct EaLstmConfig {
    /// Dynamic inputs per time step.
    pub dynamic: usize,
    /// Static attributes per basin.
    pub statics: usize,
    /// Size of the hidden and cell state.
    pub hidden: usize,
    /// Values predicted per sample.
    pub outputs: usize,
    /// Probability of zeroing an element of the last hidden state during training, in `[0, 1)`.
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Value the forget-gate bias starts at in [`EaLstmConfig::init`].
    #[config(default = 0.0)]
    pub initial_forget_bias: f64,
}

impl EaLstmConfig {
    /// The sizes of the model this configuration describes.
    pub fn shape(&self) -> EaLstmShape {
        EaLstmShape {
            dynamic: self.dynamic,
            statics: self.statics,
            hidden: self.hidden,
            outputs: self.outputs,
        }
    }

    /// A freshly initialised model, drawn from the backend's random generator (seed it with
    /// `B::seed`): every parameter uniform in `±1/sqrt(hidden)`, except the forget-gate bias,
    /// which is set to `initial_forget_bias`.
    pub fn init<B: Backend>(&self, device: &B::Device) -> EaLstm<B> {
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
        let mut input = linear(self.dynamic, 3 * self.hidden, true);
        let hidden = self.hidden;
        let forget_bias = self.initial_forget_bias;
        input.bias = input.bias.map(|bias| {
            bias.map(|b| {
                let forget = Tensor::full([hidden], forget_bias, &b.device());
                b.slice_assign(s![0..hidden], forget)
            })
        });
        EaLstm {
            static_gate: linear(self.statics, self.hidden, true),
            input,
            recurrent: linear(self.hidden, 3 * self.hidden, false),
            dropout: Dropout { prob: self.dropout },
            head: linear(self.hidden, self.outputs, true),
        }
    }
}

/// A single-layer sequence-to-one EA-LSTM followed by dropout and a linear head.
#[derive(Module, Debug)]
pub struct EaLstm<B: Backend> {
    /// Static-attributes-to-input-gate projection, `statics -> hidden`, with bias (Eq. 7).
    pub static_gate: Linear<B>,
    /// Dynamic-inputs-to-gates projection, `dynamic -> 3 * hidden`, carrying the gate bias.
    pub input: Linear<B>,
    /// Hidden-to-gates projection, `hidden -> 3 * hidden`, without bias.
    pub recurrent: Linear<B>,
    /// Dropout on the last hidden state (active only under an autodiff backend).
    pub dropout: Dropout,
    /// Hidden-to-output head, `hidden -> outputs`.
    pub head: Linear<B>,
}

impl<B: Backend> EaLstm<B> {
    /// A model holding exactly `weights`, with dropout probability `dropout` (in `[0, 1)`).
    ///
    /// The arrays of `weights` must have the lengths its `shape` implies.
    pub fn from_weights(weights: &EaLstmWeights, dropout: f64, device: &B::Device) -> Self {
        let EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs,
        } = weights.shape;
        let gates = 3 * hidden;
        let vector =
            |v: &[f32]| Tensor::<B, 1>::from_data(TensorData::new(v.to_vec(), [v.len()]), device);
        EaLstm {
            static_gate: Linear {
                weight: Param::from_tensor(transposed(&weights.static_w, hidden, statics, device)),
                bias: Some(Param::from_tensor(vector(&weights.static_b))),
            },
            input: Linear {
                weight: Param::from_tensor(transposed(&weights.w_ih, gates, dynamic, device)),
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
    pub fn shape(&self) -> EaLstmShape {
        let [statics, hidden] = self.static_gate.weight.shape().dims();
        let [dynamic, _] = self.input.weight.shape().dims();
        let [_, outputs] = self.head.weight.shape().dims();
        EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs,
        }
    }

    /// A copy of the parameters in the backend-neutral layout.
    pub fn to_weights(&self) -> EaLstmWeights {
        let shape = self.shape();
        let bias = |linear: &Linear<B>, len: usize| match &linear.bias {
            Some(bias) => values(bias.val()),
            None => vec![0.0; len],
        };
        EaLstmWeights {
            shape,
            static_w: flat_transposed(self.static_gate.weight.val()),
            static_b: bias(&self.static_gate, shape.hidden),
            w_ih: flat_transposed(self.input.weight.val()),
            w_hh: flat_transposed(self.recurrent.weight.val()),
            bias: bias(&self.input, 3 * shape.hidden),
            head_w: flat_transposed(self.head.weight.val()),
            head_b: bias(&self.head, shape.outputs),
        }
    }

    /// The input gate `sigmoid(W_i x_s + b_i)` (`[batch, hidden]`) for static attributes
    /// `statics` (`[batch, statics]`).
    pub fn input_gate(&self, statics: Tensor<B, 2>) -> Tensor<B, 2> {
        let z = self.static_gate.forward(statics).clamp(-LIMIT, LIMIT);
        z.neg().exp().add_scalar(1.0).recip()
    }

    /// The recurrence of this model over inputs `x` of shape `[batch, steps, features]` (the
    /// dynamic inputs followed by the static attributes), to run with
    /// [`Recurrence::final_state`] (the backend's operation) or
    /// [`Recurrence::straightforward_final_state`] (plain tensor operations): the dynamic
    /// inputs, and the input gate of the static attributes of the first step (of zero
    /// attributes for windows without steps, whose state stays zero anyway).
    ///
    /// # Panics
    /// If `features` is not the number of dynamic inputs plus static attributes.
    pub fn recurrence(&self, x: Tensor<B, 3>) -> Recurrence<B> {
        let [batch, steps, features] = x.dims();
        let EaLstmShape {
            dynamic,
            statics,
            hidden,
            ..
        } = self.shape();
        assert_eq!(
            features,
            dynamic + statics,
            "EA-LSTM inputs are the dynamic inputs followed by the static attributes"
        );
        let x_s = if steps == 0 {
            Tensor::zeros([batch, statics], &x.device())
        } else {
            x.clone()
                .slice([0..batch, 0..1, dynamic..features])
                .reshape([batch, statics])
        };
        Recurrence {
            x: x.slice([0..batch, 0..steps, 0..dynamic]),
            input_weights: self.input.weight.val(),
            recurrent_weights: self.recurrent.weight.val(),
            bias: gate_bias(&self.input, 3 * hidden),
            input_gate: Some(self.input_gate(x_s)),
        }
    }

    /// Predictions `[batch, outputs]` for the last hidden state `h_T` (`[batch, hidden]`): the
    /// head after dropout, which acts only under an autodiff backend.
    pub fn head_forward(&self, final_state: Tensor<B, 2>) -> Tensor<B, 2> {
        self.head.forward(self.dropout.forward(final_state))
    }

    /// Writes the parameters to `path` with its extension set to `.mpk` (named MessagePack,
    /// full precision), so that [`EaLstm::load`] restores them bit for bit.
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        self.clone()
            .save_file(path.to_path_buf(), &recorder())
            .map_err(|source| ModelFileError::Save {
                path: path.with_extension("mpk").display().to_string(),
                source,
            })
    }

    /// Reads a model of configuration `config` from the file [`EaLstm::save`] wrote at `path`.
    pub fn load(
        config: &EaLstmConfig,
        path: &Path,
        device: &B::Device,
    ) -> Result<Self, ModelFileError> {
        let file = path.with_extension("mpk").display().to_string();
        // A zero skeleton of the right sizes: it draws nothing from the backend's generator.
        let expected = config.shape();
        let EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs,
        } = expected;
        let zeros = EaLstmWeights {
            shape: expected,
            static_w: vec![0.0; hidden * statics],
            static_b: vec![0.0; hidden],
            w_ih: vec![0.0; 3 * hidden * dynamic],
            w_hh: vec![0.0; 3 * hidden * hidden],
            bias: vec![0.0; 3 * hidden],
            head_w: vec![0.0; outputs * hidden],
            head_b: vec![0.0; outputs],
        };
        let model = Self::from_weights(&zeros, config.dropout, device)
            .load_file(path.to_path_buf(), &recorder(), device)
            .map_err(|source| ModelFileError::Load {
                path: file.clone(),
                source,
            })?;
        let found = model.shape();
        let biases_present = model.static_gate.bias.is_some()
            && model.input.bias.is_some()
            && model.recurrent.bias.is_none()
            && model.head.bias.is_some();
        let gates_ok = model.input.weight.shape().dims::<2>()[1] == 3 * hidden
            && model.recurrent.weight.shape().dims::<2>() == [hidden, 3 * hidden];
        if found != expected || !biases_present || !gates_ok {
            return Err(ModelFileError::EaLstmShape {
                path: file,
                expected,
                found,
            });
        }
        Ok(model)
    }
}

impl<B: LstmBackend> EaLstm<B> {
    /// Predictions `[batch, outputs]` for inputs `x` of shape `[batch, steps, features]`, the
    /// features being the dynamic inputs followed by the static attributes: the head, after
    /// dropout, on the last hidden state of the recurrence, which the backend runs as one
    /// operation ([`LstmBackend`]: fused kernels on `NdArray<f32>`, plain tensor operations
    /// elsewhere).
    ///
    /// # Panics
    /// If `features` is not the number of dynamic inputs plus static attributes.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.head_forward(self.recurrence(x).final_state())
    }
}
