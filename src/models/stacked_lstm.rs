//! A sequence-to-one stack of LSTM layers with a linear head, as a Burn module generic over the
//! backend: the lumped baseline of Li et al. (2023, Table A1: two layers of 32 cells on the
//! basin means of the gridded forcing) and the recurrent part of their CNN-LSTM.
//!
//! Every layer runs the recurrence of [`crate::models::lstm`] (PyTorch's `nn.LSTM`, gate blocks
//! in the order input, forget, cell candidate, output, zero initial states):
//!
//! ```text
//! gates = x_t W_ih^T + h_{t-1} W_hh^T + b
//! i, f, o = sigmoid(gates_i), sigmoid(gates_f), sigmoid(gates_o);  g = tanh(gates_g)
//! c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
//! ```
//!
//! Layer `l > 0` reads the hidden state of layer `l - 1` at the same step, after dropout (as
//! PyTorch's `nn.LSTM(dropout=p)`, a fresh mask per step); the prediction is
//! `head(dropout(h_T))` from the last layer's hidden state at the last step.

use std::path::Path;

use burn::config::Config;
use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Dropout, Initializer, Linear, LinearConfig};
use burn::record::Recorder;
use burn::tensor::backend::Backend;
use burn::tensor::{s, Tensor, TensorData};

use crate::models::cnn_lstm::CnnLstmConfigError;
use crate::models::lstm::{recorder, ModelFileError, LIMIT};

/// Sizes and regularisation of a [`StackedLstm`].
#[derive(Config, Debug)]
pub struct StackedLstmConfig {
    /// Features per time step read by the first layer.
    pub inputs: usize,
    /// Size of the hidden and cell state of every layer.
    pub hidden: usize,
    /// Values predicted per sample (several for multi-task heads, e.g. discharge and
    /// evaporation).
    pub outputs: usize,
    /// Number of LSTM layers, at least 1.
    #[config(default = 2)]
    pub layers: usize,
    /// Probability of zeroing an element of a hidden state during training, in `[0, 1)`:
    /// between layers (at every step) and on the last hidden state before the head.
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Value the forget-gate bias of every layer starts at in [`StackedLstmConfig::init`].
    #[config(default = 0.0)]
    pub initial_forget_bias: f64,
}

impl StackedLstmConfig {
    /// A freshly initialised model, drawn from the backend's random generator (seed it with
    /// `B::seed`): every parameter uniform in `±1/sqrt(hidden)` as in PyTorch, except the
    /// forget-gate biases, which are set to `initial_forget_bias`.
    ///
    /// # Panics
    /// If `layers` is 0.
    pub fn init<B: Backend>(&self, device: &B::Device) -> StackedLstm<B> {
        let bound = 1.0 / (self.hidden.max(1) as f64).sqrt();
        drawn(self.build(
            Initializer::Uniform {
                min: -bound,
                max: bound,
            },
            device,
        ))
    }

    /// A model of these sizes with every parameter zero: the skeleton a model file is read
    /// into (it draws nothing from the backend's generator).
    pub(crate) fn zeros<B: Backend>(&self, device: &B::Device) -> StackedLstm<B> {
        self.build(Initializer::Zeros, device)
    }

    /// A model whose parameters come from `initializer`, forget-gate biases aside.
    fn build<B: Backend>(&self, initializer: Initializer, device: &B::Device) -> StackedLstm<B> {
        assert!(self.layers > 0, "a stacked LSTM needs at least one layer");
        let linear = |d_input, d_output, bias| {
            LinearConfig::new(d_input, d_output)
                .with_bias(bias)
                .with_initializer(initializer.clone())
                .init(device)
        };
        let hidden = self.hidden;
        let forget_bias = self.initial_forget_bias;
        let layers = (0..self.layers)
            .map(|layer| {
                let inputs = if layer == 0 { self.inputs } else { hidden };
                let mut input = linear(inputs, 4 * hidden, true);
                input.bias = input.bias.map(|bias| {
                    bias.map(|b| {
                        let forget = Tensor::full([hidden], forget_bias, &b.device());
                        b.slice_assign(s![hidden..2 * hidden], forget)
                    })
                });
                LstmLayer {
                    input,
                    recurrent: linear(hidden, 4 * hidden, false),
                }
            })
            .collect();
        StackedLstm {
            layers,
            dropout: Dropout { prob: self.dropout },
            head: linear(hidden, self.outputs, true),
        }
    }
}

/// One LSTM layer: the two projections onto the gate block `(i, f, g, o)`.
#[derive(Module, Debug)]
pub struct LstmLayer<B: Backend> {
    /// Input-to-gates projection, `inputs -> 4 * hidden`, carrying the gate bias.
    pub input: Linear<B>,
    /// Hidden-to-gates projection, `hidden -> 4 * hidden`, without bias.
    pub recurrent: Linear<B>,
}

/// Per gate block of `4 * hidden` columns, the constants that turn one exponential into the
/// four activations: `sigmoid(z) = 1 / (1 + exp(-z))` for i, f, o and
/// `tanh(z) = 2 / (1 + exp(-2z)) - 1` for g.
struct GateActivation<B: Backend> {
    /// Factor of the gate value in the exponent (-1 or -2).
    exponent: Tensor<B, 2>,
    /// Scale of the reciprocal (1 or 2).
    scale: Tensor<B, 2>,
    /// Offset added last (0 or -1).
    offset: Tensor<B, 2>,
}

impl<B: Backend> GateActivation<B> {
    /// The constants for `hidden` cells.
    fn new(hidden: usize, device: &B::Device) -> Self {
        let gates = 4 * hidden;
        let block = |sigmoid_gate: f32, candidate: f32| {
            let mut values = vec![sigmoid_gate; gates];
            values[2 * hidden..3 * hidden].fill(candidate);
            Tensor::<B, 2>::from_data(TensorData::new(values, [1, gates]), device)
        };
        Self {
            exponent: block(-1.0, -2.0),
            scale: block(1.0, 2.0),
            offset: block(0.0, -1.0),
        }
    }
}

impl<B: Backend> LstmLayer<B> {
    /// The states `(h_t, c_t)` after reading `x_t` `[batch, inputs]` in states `(h, c)`
    /// `[batch, hidden]`.
    fn step(
        &self,
        x_t: Tensor<B, 2>,
        h: Tensor<B, 2>,
        c: Tensor<B, 2>,
        activation: &GateActivation<B>,
    ) -> (Tensor<B, 2>, Tensor<B, 2>) {
        let [batch, hidden] = h.dims();
        let gates = 4 * hidden;
        let z = self.input.forward(x_t) + self.recurrent.forward(h);
        let e = (z.clamp(-LIMIT, LIMIT) * activation.exponent.clone()).exp();
        let a = e.add_scalar(1.0).recip() * activation.scale.clone() + activation.offset.clone();
        let i = a.clone().slice([0..batch, 0..hidden]);
        let f = a.clone().slice([0..batch, hidden..2 * hidden]);
        let g = a.clone().slice([0..batch, 2 * hidden..3 * hidden]);
        let o = a.slice([0..batch, 3 * hidden..gates]);
        let c = f * c + i * g;
        let e = (c.clone().clamp(-LIMIT, LIMIT) * -2.0).exp();
        let h = o * (e.add_scalar(1.0).recip() * 2.0 - 1.0);
        (h, c)
    }
}

/// A stack of LSTM layers followed by dropout and a linear head on the last hidden state.
#[derive(Module, Debug)]
pub struct StackedLstm<B: Backend> {
    /// The layers, first to last; layer 0 reads the inputs, layer `l` the hidden state of
    /// layer `l - 1`.
    pub layers: Vec<LstmLayer<B>>,
    /// Dropout between layers and on the last hidden state (active only under an autodiff
    /// backend).
    pub dropout: Dropout,
    /// Hidden-to-output head, `hidden -> outputs`.
    pub head: Linear<B>,
}

/// A prediction with the states of the last layer behind it.
#[derive(Debug, Clone)]
pub struct StackedLstmStates<B: Backend> {
    /// Predictions `[batch, outputs]`.
    pub prediction: Tensor<B, 2>,
    /// Hidden states of the last layer at every step, `[batch, steps, hidden]`.
    pub hidden: Tensor<B, 3>,
    /// Cell states of the last layer at every step, `[batch, steps, hidden]` (the slowly
    /// varying memory, e.g. snow or soil storage, that probes regress on).
    pub cell: Tensor<B, 3>,
}

/// The steps of `x` `[batch, steps, features]` as `steps` tensors `[batch, features]`.
///
/// The gradient of a slice is a tensor of the sliced tensor's full size, so slicing every step
/// straight out of `x` would make the backward pass quadratic in the number of steps when `x`
/// itself needs gradients (the CNN features of a CNN-LSTM). Slicing first blocks of about
/// `sqrt(steps)` steps and then the steps of each block costs about `2 sqrt(steps)` full-size
/// gradients instead of `steps`.
pub(crate) fn split_steps<B: Backend>(x: Tensor<B, 3>) -> Vec<Tensor<B, 2>> {
    let [batch, steps, features] = x.dims();
    // Step-major rows, so that every step's inputs are one contiguous block.
    let x = x.swap_dims(0, 1).reshape([steps, batch * features]);
    let block = (steps as f64).sqrt().ceil().max(1.0) as usize;
    let mut out = Vec::with_capacity(steps);
    for start in (0..steps).step_by(block) {
        let len = block.min(steps - start);
        let chunk = x.clone().narrow(0, start, len);
        out.extend((0..len).map(|t| chunk.clone().narrow(0, t, 1).reshape([batch, features])));
    }
    out
}

impl<B: Backend> StackedLstm<B> {
    /// Size of the hidden state of every layer.
    pub fn hidden(&self) -> usize {
        self.head.weight.dims()[0]
    }

    /// Number of parameters (weights and biases of all layers and the head).
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }

    /// Predictions `[batch, outputs]` for inputs `x` `[batch, steps, features]`.
    ///
    /// The recurrence loops over the steps and, within a step, over the layers; all four gate
    /// activations of a layer come from one exponential over its gate block. Dropout acts only
    /// under an autodiff backend.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.run(x, false).prediction
    }

    /// The predictions of [`StackedLstm::forward`] together with the hidden and cell states of
    /// the last layer at every step.
    pub fn forward_states(&self, x: Tensor<B, 3>) -> StackedLstmStates<B> {
        self.run(x, true)
    }

    /// The recurrence over `x`, keeping the last layer's states of every step if `keep_states`
    /// (otherwise the returned state tensors hold the last step only).
    fn run(&self, x: Tensor<B, 3>, keep_states: bool) -> StackedLstmStates<B> {
        let [batch, _, _] = x.dims();
        let hidden = self.hidden();
        let device = x.device();
        let activation = GateActivation::new(hidden, &device);
        let zeros = || Tensor::<B, 2>::zeros([batch, hidden], &device);
        let mut h: Vec<Tensor<B, 2>> = self.layers.iter().map(|_| zeros()).collect();
        let mut c: Vec<Tensor<B, 2>> = self.layers.iter().map(|_| zeros()).collect();
        let mut hidden_states = Vec::new();
        let mut cell_states = Vec::new();
        let last = self.layers.len() - 1;
        for x_t in split_steps(x) {
            let mut input = x_t;
            for (l, layer) in self.layers.iter().enumerate() {
                if l > 0 {
                    input = self.dropout.forward(input);
                }
                let (h_t, c_t) = layer.step(input, h[l].clone(), c[l].clone(), &activation);
                input = h_t.clone();
                h[l] = h_t;
                c[l] = c_t;
            }
            if keep_states {
                hidden_states.push(h[last].clone());
                cell_states.push(c[last].clone());
            }
        }
        let h_last = h.swap_remove(last);
        let c_last = c.swap_remove(last);
        let prediction = self.head.forward(self.dropout.forward(h_last.clone()));
        let (hidden, cell) = if keep_states {
            (
                Tensor::stack(hidden_states, 1),
                Tensor::stack(cell_states, 1),
            )
        } else {
            (h_last.unsqueeze_dim(1), c_last.unsqueeze_dim(1))
        };
        StackedLstmStates {
            prediction,
            hidden,
            cell,
        }
    }

    /// The name and dimensions of every parameter, in a fixed order (to compare a model read
    /// from a file with the sizes asked for).
    pub(crate) fn parameter_shapes(&self, prefix: &str) -> Vec<(String, Vec<usize>)> {
        let linear = |name: String, linear: &Linear<B>| {
            let mut out = vec![(format!("{name}.weight"), linear.weight.dims().to_vec())];
            if let Some(bias) = &linear.bias {
                out.push((format!("{name}.bias"), bias.dims().to_vec()));
            }
            out
        };
        let mut out = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            out.extend(linear(format!("{prefix}layers.{l}.input"), &layer.input));
            out.extend(linear(
                format!("{prefix}layers.{l}.recurrent"),
                &layer.recurrent,
            ));
        }
        out.extend(linear(format!("{prefix}head"), &self.head));
        out
    }

    /// Writes the parameters to `path` with its extension set to `.mpk` (named MessagePack,
    /// full precision), so that [`StackedLstm::load`] restores them bit for bit.
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        save_module(self.clone(), path)
    }

    /// Reads a model of configuration `config` from the file [`StackedLstm::save`] wrote at
    /// `path`; an error if the file holds other sizes.
    pub fn load(
        config: &StackedLstmConfig,
        path: &Path,
        device: &B::Device,
    ) -> Result<Self, LayeredModelFileError> {
        let skeleton = config.zeros::<B>(device);
        let expected = skeleton.parameter_shapes("");
        let record: StackedLstmRecord<B> = read_record(path, device)?;
        let model_name = "stacked LSTM";
        let layers = (skeleton.layers.len(), record.layers.len());
        check_count(path, model_name, "LSTM layers", layers.0, layers.1)?;
        let model = skeleton.load_record(record);
        check_shapes(path, model_name, &expected, &model.parameter_shapes(""))?;
        Ok(model)
    }
}

/// `module` with every parameter drawn now, in the module's order.
///
/// Burn initialises parameters lazily, at their first use, and a copy of a parameter not yet
/// drawn draws again on its own: drawing right after seeding makes a model depend on the seed
/// alone, and its copies equal.
pub(crate) fn drawn<B: Backend, M: Module<B>>(module: M) -> M {
    /// Reads every float parameter, which draws it if it is still lazy.
    struct Draw;
    impl<B: Backend> ModuleVisitor<B> for Draw {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
            param.val();
        }
    }
    module.visit(&mut Draw);
    module
}

/// Writes `module` to `path` (extension `.mpk`) with the project's recorder.
pub(crate) fn save_module<B: Backend, M: Module<B>>(
    module: M,
    path: &Path,
) -> Result<(), ModelFileError> {
    module
        .save_file(path.to_path_buf(), &recorder())
        .map_err(|source| ModelFileError::Save {
            path: path.with_extension("mpk").display().to_string(),
            source,
        })
}

/// Reads the record of a module from the file at `path` (extension `.mpk`), to be checked
/// before it is loaded into a skeleton (Burn panics on lists of other lengths).
pub(crate) fn read_record<B: Backend, R: burn::record::Record<B>>(
    path: &Path,
    device: &B::Device,
) -> Result<R, ModelFileError> {
    recorder()
        .load(path.to_path_buf(), device)
        .map_err(|source| ModelFileError::Load {
            path: path.with_extension("mpk").display().to_string(),
            source,
        })
}

/// An error if the file at `path` holds `found` parts (layers, convolutions) where the
/// configuration has `expected`.
pub(crate) fn check_count(
    path: &Path,
    model: &'static str,
    part: &'static str,
    expected: usize,
    found: usize,
) -> Result<(), LayeredModelFileError> {
    if expected == found {
        return Ok(());
    }
    Err(LayeredModelFileError::Count {
        path: path.with_extension("mpk").display().to_string(),
        model,
        part,
        expected,
        found,
    })
}

/// An error naming the first parameter whose dimensions in the file differ from the expected
/// ones.
pub(crate) fn check_shapes(
    path: &Path,
    model: &'static str,
    expected: &[(String, Vec<usize>)],
    found: &[(String, Vec<usize>)],
) -> Result<(), LayeredModelFileError> {
    let shape_error =
        |parameter: &str, expected: Vec<usize>, found: Vec<usize>| LayeredModelFileError::Shape {
            path: path.with_extension("mpk").display().to_string(),
            model,
            parameter: parameter.to_string(),
            expected,
            found,
        };
    for (k, (name, dims)) in expected.iter().enumerate() {
        match found.get(k) {
            Some((found_name, found_dims)) if found_name == name && found_dims == dims => {}
            Some((_, found_dims)) => {
                return Err(shape_error(name, dims.clone(), found_dims.clone()))
            }
            None => return Err(shape_error(name, dims.clone(), Vec::new())),
        }
    }
    if let Some((name, dims)) = found.get(expected.len()) {
        return Err(shape_error(name, Vec::new(), dims.clone()));
    }
    Ok(())
}

/// A file of a layered model (stacked LSTM, CNN-LSTM) that could not be written or read, or
/// that holds other sizes than the ones asked for.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LayeredModelFileError {
    /// The file could not be written or read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(#[from] ModelFileError),
    /// The CNN of the configuration asked for does not fit its grid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Sizes(#[from] CnnLstmConfigError),
    /// The file holds another number of layers or convolutions than the configuration.
    #[error("the model file `{path}` holds a {model} with {found} {part}, not {expected}")]
    #[diagnostic(
        code(hydro::model::shape),
        help("load it with the model settings it was trained with")
    )]
    Count {
        /// The file that was read.
        path: String,
        /// The kind of model.
        model: &'static str,
        /// What was counted.
        part: &'static str,
        /// The number the configuration implies.
        expected: usize,
        /// The number in the file.
        found: usize,
    },
    /// A parameter in the file has other dimensions than the configuration implies.
    #[error(
        "the model file `{path}` holds a {model} whose parameter `{parameter}` has dimensions \
         {found:?}, not {expected:?}"
    )]
    #[diagnostic(
        code(hydro::model::shape),
        help(
            "load it with the model settings (grid size, convolution channels, hidden size, \
             layers, outputs) it was trained with"
        )
    )]
    Shape {
        /// The file that was read.
        path: String,
        /// The kind of model.
        model: &'static str,
        /// The parameter that differs.
        parameter: String,
        /// Its dimensions under the configuration (empty: not expected at all).
        expected: Vec<usize>,
        /// Its dimensions in the file (empty: missing from the file).
        found: Vec<usize>,
    },
}
