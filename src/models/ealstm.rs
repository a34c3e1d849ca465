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

use std::path::Path;

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, Initializer, Linear, LinearConfig};
use burn::tensor::backend::Backend;
use burn::tensor::{s, Tensor, TensorData};

use crate::models::lstm::{flat_transposed, recorder, transposed, values, ModelFileError, LIMIT};
use crate::models::weights::{EaLstmShape, EaLstmWeights};

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

    /// Predictions `[batch, outputs]` for inputs `x` of shape `[batch, steps, features]`, the
    /// features being the dynamic inputs followed by the static attributes.
    ///
    /// As in the LSTM module, the recurrence loops over the steps and takes all three gate
    /// activations from one exponential over the gate block. Dropout acts on the last hidden
    /// state only under an autodiff backend.
    ///
    /// # Panics
    /// If `features` is not the number of dynamic inputs plus static attributes.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
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
        let device = x.device();
        let mut h = Tensor::<B, 2>::zeros([batch, hidden], &device);
        if steps == 0 {
            return self.head.forward(self.dropout.forward(h));
        }
        let gates = 3 * hidden;
        let x_s = x
            .clone()
            .slice([0..batch, 0..1, dynamic..features])
            .reshape([batch, statics]);
        let i = self.input_gate(x_s);
        // Step-major rows of the dynamic inputs, one contiguous block per step.
        let x = x
            .slice([0..batch, 0..steps, 0..dynamic])
            .swap_dims(0, 1)
            .reshape([steps, batch * dynamic]);
        // sigmoid(z) = 1 / (1 + exp(-z)) for f, o and tanh(z) = 2 / (1 + exp(-2z)) - 1 for g:
        // per gate block, the factor of the exponent, the scale and the offset.
        let block = |sigmoid_gate: f32, candidate: f32| {
            let mut values = vec![sigmoid_gate; gates];
            values[hidden..2 * hidden].fill(candidate);
            Tensor::<B, 2>::from_data(TensorData::new(values, [1, gates]), &device)
        };
        let exponent = block(-1.0, -2.0);
        let scale = block(1.0, 2.0);
        let offset = block(0.0, -1.0);
        let mut c = Tensor::<B, 2>::zeros([batch, hidden], &device);
        for t in 0..steps {
            let x_t = x.clone().narrow(0, t, 1).reshape([batch, dynamic]);
            let z = self.input.forward(x_t) + self.recurrent.forward(h);
            let e = (z.clamp(-LIMIT, LIMIT) * exponent.clone()).exp();
            let a = e.add_scalar(1.0).recip() * scale.clone() + offset.clone();
            let f = a.clone().slice([0..batch, 0..hidden]);
            let g = a.clone().slice([0..batch, hidden..2 * hidden]);
            let o = a.slice([0..batch, 2 * hidden..gates]);
            c = f * c + i.clone() * g;
            let e = (c.clone().clamp(-LIMIT, LIMIT) * -2.0).exp();
            h = o * (e.add_scalar(1.0).recip() * 2.0 - 1.0);
        }
        self.head.forward(self.dropout.forward(h))
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
