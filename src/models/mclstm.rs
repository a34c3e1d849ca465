//! A sequence-to-one Mass-Conserving LSTM (MC-LSTM) for rainfall-runoff, as a Burn module
//! generic over the backend, with its backend-neutral weights.
//!
//! The equations are those of Li & Zhao (Eq. 2-10), who follow Hoedt et al. (2021, "MC-LSTM:
//! mass-conserving LSTM"). Every step `t` splits its features into the mass inputs `x[t]`
//! (precipitation in mm/day, not normalised, `>= 0`) and the auxiliary inputs `a[t]`
//! (normalised forcings and static attributes). All three gates see the same features
//! `[x[t], a[t], c[t-1] / |c[t-1]|_1]` (the paper's `V x + W a + U c/|c|_1 + b`):
//!
//! ```text
//! i[t] = normalised_sigmoid(gate_i)   [mass_inputs][hidden], each row sums to 1   (Eq. 2, 9)
//! o[t] = sigmoid(gate_o)              [hidden]                                    (Eq. 3)
//! R[t] = normalised_relu(gate_r)      [hidden][hidden], each row sums to 1        (Eq. 4, 10)
//! m[t] = R[t]^T c[t-1] + i[t]^T x[t]  (R[k][j]: share of cell k's water moved to cell j; Eq. 5)
//! h[t] = o[t] * m[t]                  outflow of each cell                        (Eq. 7)
//! c[t] = m[t] - h[t] = (1 - o[t]) * m[t]                                          (Eq. 6)
//! ```
//!
//! starting from empty cells `c[0] = 0` in every window. The first `trash_cells` cells are an
//! unobserved sink (evapotranspiration, Eq. 8 sums from the second cell): the prediction is the
//! summed outflow of the other cells at the last step, in mm/day, so the target is not
//! normalised for this model. Because the rows of `i` and `R` sum to one, every step conserves
//! water exactly: `sum x[t] = sum c[t] - sum c[t-1] + sum h[t]`. The model has no dropout (the
//! paper does not use it for the MC-LSTM).
//!
//! Where the paper is silent this module follows neuralhydrology's MC-LSTM (the implementation
//! of Hoedt et al.'s hydrology experiments), with three deliberate differences:
//! - `|c|_1` is taken per sample, as the equations say (neuralhydrology's `c.norm(1)` takes it
//!   over the whole batch, which makes a prediction depend on the other samples of its batch);
//!   like neuralhydrology it adds `1e-5` ([`CELL_NORM_EPSILON`]) so that empty cells give zeros.
//! - A row of `R` whose arguments are all `<= 0` would normalise `0 / 0`; such a cell keeps its
//!   water (the row becomes the identity's), where neuralhydrology's row of zeros would destroy
//!   it.
//! - The new state is `m - h` rather than `(1 - o) * m`, equal in exact arithmetic, so that
//!   `c + h` reproduces `m` up to a single rounding.
//!
//! Initialisation follows neuralhydrology: (semi-)orthogonal weights, zero biases, and the
//! output-gate bias set to `initial_output_bias` (neuralhydrology's `initial_forget_bias`, which
//! its MC-LSTM applies to the output gate: negative values start with closed outlets, so that
//! the model first stores water and learns when to release it).

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear};
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::models::lstm::{flat_transposed, transposed, values, LIMIT};

/// Added to the L1 norm of the cell states before dividing by it, so that empty cells (at the
/// start of every window) feed zeros to the gates.
pub const CELL_NORM_EPSILON: f64 = 1e-5;

/// Sizes of a sequence-to-one MC-LSTM.
///
/// The features of a step are the `mass_inputs` mass inputs followed by the `aux_inputs`
/// auxiliary inputs; the gates see these and the `hidden` normalised cell states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct McLstmShape {
    /// Mass inputs per step (precipitation in mm/day, not normalised), first among the features.
    pub mass_inputs: usize,
    /// Auxiliary inputs per step (normalised forcings, then normalised static attributes).
    pub aux_inputs: usize,
    /// Number of cells (the size of the cell state).
    pub hidden: usize,
    /// The first `trash_cells` cells, whose outflow is a sink and not part of the runoff.
    pub trash_cells: usize,
}

impl McLstmShape {
    /// Features per step of an input batch: the mass inputs, then the auxiliary inputs.
    pub fn features(&self) -> usize {
        self.mass_inputs + self.aux_inputs
    }

    /// Inputs of every gate: the step's features followed by the normalised cell states.
    pub fn gate_inputs(&self) -> usize {
        self.features() + self.hidden
    }

    /// Number of trainable values: weights and bias of the input gate (`mass_inputs * hidden`
    /// outputs), the redistribution (`hidden * hidden`) and the output gate (`hidden`).
    pub fn parameter_count(&self) -> usize {
        let outputs = self.mass_inputs * self.hidden + self.hidden * self.hidden + self.hidden;
        outputs * (self.gate_inputs() + 1)
    }

    /// Panics unless the model has a mass input and at least one cell outside the sink.
    fn assert_valid(&self) {
        assert!(
            self.mass_inputs >= 1,
            "an MC-LSTM needs at least one mass input"
        );
        assert!(
            self.hidden > self.trash_cells,
            "an MC-LSTM needs more cells ({}) than trash cells ({})",
            self.hidden,
            self.trash_cells
        );
    }
}

/// All trainable parameters of an MC-LSTM, as flat row-major `f32` arrays.
///
/// The columns of every weight matrix are the gate inputs in the order (mass inputs, auxiliary
/// inputs, normalised cell states), i.e. the paper's `V`, `W` and `U` side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McLstmWeights {
    /// Sizes the arrays below are laid out for.
    pub shape: McLstmShape,
    /// Input-gate matrix, `[mass_inputs * hidden][gate_inputs]`: row `m * hidden + j` is the
    /// share of mass input `m` entering cell `j` (before normalisation over `j`).
    pub input_gate_w: Vec<f32>,
    /// Input-gate bias, `[mass_inputs * hidden]`.
    pub input_gate_b: Vec<f32>,
    /// Redistribution matrix, `[hidden * hidden][gate_inputs]`: row `k * hidden + j` is the
    /// share of cell `k`'s water moving to cell `j` (before normalisation over `j`).
    pub redistribution_w: Vec<f32>,
    /// Redistribution bias, `[hidden * hidden]`.
    pub redistribution_b: Vec<f32>,
    /// Output-gate matrix, `[hidden][gate_inputs]`.
    pub output_gate_w: Vec<f32>,
    /// Output-gate bias, `[hidden]`.
    pub output_gate_b: Vec<f32>,
}

impl McLstmWeights {
    /// Number of trainable values.
    pub fn parameter_count(&self) -> usize {
        self.input_gate_w.len()
            + self.input_gate_b.len()
            + self.redistribution_w.len()
            + self.redistribution_b.len()
            + self.output_gate_w.len()
            + self.output_gate_b.len()
    }
}

/// Sizes and initialisation of an [`McLstm`].
#[derive(Config, Debug)]
pub struct McLstmConfig {
    /// Mass inputs per step (precipitation in mm/day, not normalised), first among the features.
    pub mass_inputs: usize,
    /// Auxiliary inputs per step (normalised), after the mass inputs.
    pub aux_inputs: usize,
    /// Number of cells.
    pub hidden: usize,
    /// Cells whose outflow is an unobserved sink (evapotranspiration), not runoff.
    #[config(default = 1)]
    pub trash_cells: usize,
    /// Value the output-gate bias starts at in [`McLstmConfig::init`] (negative: outlets start
    /// closed and the cells fill up).
    #[config(default = 0.0)]
    pub initial_output_bias: f64,
}

impl McLstmConfig {
    /// The sizes of the model this configuration describes.
    pub fn shape(&self) -> McLstmShape {
        McLstmShape {
            mass_inputs: self.mass_inputs,
            aux_inputs: self.aux_inputs,
            hidden: self.hidden,
            trash_cells: self.trash_cells,
        }
    }

    /// A freshly initialised model, drawn from the backend's random generator (seed it with
    /// `B::seed`): every weight matrix (semi-)orthogonal, every bias zero except the output
    /// gate's, which is set to `initial_output_bias`.
    ///
    /// # Panics
    /// If there is no mass input, or no cell besides the trash cells.
    pub fn init<B: Backend>(&self, device: &B::Device) -> McLstm<B> {
        let shape = self.shape();
        shape.assert_valid();
        let McLstmShape {
            mass_inputs,
            hidden,
            trash_cells,
            ..
        } = shape;
        let gate_inputs = shape.gate_inputs();
        let gate = |outputs: usize, bias: f64| {
            let weight: Tensor<B, 2> = Initializer::Orthogonal { gain: 1.0 }
                .init([gate_inputs, outputs], device)
                .val();
            Linear {
                weight: Param::from_tensor(weight),
                bias: Some(Param::from_tensor(Tensor::full([outputs], bias, device))),
            }
        };
        McLstm {
            input_gate: gate(mass_inputs * hidden, 0.0),
            redistribution: gate(hidden * hidden, 0.0),
            output_gate: gate(hidden, self.initial_output_bias),
            trash_cells,
        }
    }
}

/// The gates of one step, for a batch.
#[derive(Debug, Clone)]
pub struct McLstmGates<B: Backend> {
    /// Input gate `[batch, mass_inputs, hidden]`: how each mass input is shared among the
    /// cells; every `[sample, input, ..]` row is positive and sums to 1.
    pub input: Tensor<B, 3>,
    /// Redistribution `[batch, hidden, hidden]`: entry `[sample, k, j]` is the share of cell
    /// `k`'s water moved to cell `j`; every row is `>= 0` and sums to 1.
    pub redistribution: Tensor<B, 3>,
    /// Output gate `[batch, hidden]`, in `[0, 1]`: the share of each cell's water that leaves.
    pub output: Tensor<B, 2>,
}

/// Per-step quantities of a window, for analysis and water-balance checks.
#[derive(Debug, Clone)]
pub struct McLstmStates<B: Backend> {
    /// Water stored in each cell after each step, `[batch, steps, hidden]`, in mm.
    pub cells: Tensor<B, 3>,
    /// Outflow of each cell at each step, `[batch, steps, hidden]`, in mm/day: the sum over the
    /// first `trash_cells` cells is the sink, the sum over the others the runoff.
    pub outflow: Tensor<B, 3>,
}

/// A single-layer sequence-to-one MC-LSTM whose prediction is the runoff of its last step.
#[derive(Module, Debug)]
pub struct McLstm<B: Backend> {
    /// Input gate, `gate_inputs -> mass_inputs * hidden`, with bias.
    pub input_gate: Linear<B>,
    /// Redistribution, `gate_inputs -> hidden * hidden`, with bias.
    pub redistribution: Linear<B>,
    /// Output gate, `gate_inputs -> hidden`, with bias.
    pub output_gate: Linear<B>,
    /// The first `trash_cells` cells are a sink, excluded from the runoff.
    pub trash_cells: usize,
}

/// `1 / (1 + exp(-z))` with `z` clamped to `±LIMIT`.
fn sigmoid<B: Backend, const D: usize>(z: Tensor<B, D>) -> Tensor<B, D> {
    z.clamp(-LIMIT, LIMIT).neg().exp().add_scalar(1.0).recip()
}

impl<B: Backend> McLstm<B> {
    /// A model holding exactly `weights`.
    ///
    /// The arrays of `weights` must have the lengths its `shape` implies.
    ///
    /// # Panics
    /// If there is no mass input, or no cell besides the trash cells.
    pub fn from_weights(weights: &McLstmWeights, device: &B::Device) -> Self {
        let shape = weights.shape;
        shape.assert_valid();
        let gate_inputs = shape.gate_inputs();
        let gate = |w: &[f32], b: &[f32]| {
            let outputs = b.len();
            Linear {
                weight: Param::from_tensor(transposed(w, outputs, gate_inputs, device)),
                bias: Some(Param::from_tensor(Tensor::from_data(
                    TensorData::new(b.to_vec(), [outputs]),
                    device,
                ))),
            }
        };
        McLstm {
            input_gate: gate(&weights.input_gate_w, &weights.input_gate_b),
            redistribution: gate(&weights.redistribution_w, &weights.redistribution_b),
            output_gate: gate(&weights.output_gate_w, &weights.output_gate_b),
            trash_cells: shape.trash_cells,
        }
    }

    /// The sizes of this model.
    pub fn shape(&self) -> McLstmShape {
        let [gate_inputs, hidden] = self.output_gate.weight.shape().dims();
        let [_, input_outputs] = self.input_gate.weight.shape().dims();
        let mass_inputs = input_outputs / hidden;
        McLstmShape {
            mass_inputs,
            aux_inputs: gate_inputs - hidden - mass_inputs,
            hidden,
            trash_cells: self.trash_cells,
        }
    }

    /// Number of trainable values.
    pub fn parameter_count(&self) -> usize {
        self.shape().parameter_count()
    }

    /// A copy of the parameters in the backend-neutral layout.
    pub fn to_weights(&self) -> McLstmWeights {
        let bias = |linear: &Linear<B>| match &linear.bias {
            Some(bias) => values(bias.val()),
            None => vec![0.0; linear.weight.shape().dims::<2>()[1]],
        };
        McLstmWeights {
            shape: self.shape(),
            input_gate_w: flat_transposed(self.input_gate.weight.val()),
            input_gate_b: bias(&self.input_gate),
            redistribution_w: flat_transposed(self.redistribution.weight.val()),
            redistribution_b: bias(&self.redistribution),
            output_gate_w: flat_transposed(self.output_gate.weight.val()),
            output_gate_b: bias(&self.output_gate),
        }
    }

    /// The gates of a step with features `x_t` (`[batch, features]`: mass inputs, then
    /// auxiliary inputs) and cell states `cells` before the step (`[batch, hidden]`).
    pub fn gates(&self, x_t: Tensor<B, 2>, cells: Tensor<B, 2>) -> McLstmGates<B> {
        let [batch, hidden] = cells.dims();
        let device = cells.device();
        let mass_inputs = self.input_gate.weight.shape().dims::<2>()[1] / hidden;
        let norm = cells.clone().abs().sum_dim(1).add_scalar(CELL_NORM_EPSILON);
        let features = Tensor::cat(vec![x_t, cells / norm], 1);
        let input = sigmoid(self.input_gate.forward(features.clone())).reshape([
            batch,
            mass_inputs,
            hidden,
        ]);
        let input = input.clone() / input.sum_dim(2);
        let shares =
            relu(self.redistribution.forward(features.clone())).reshape([batch, hidden, hidden]);
        let total = shares.clone().sum_dim(2);
        // 1 where a cell would share out nothing: it keeps its water instead (identity row).
        let keeps = total.clone().lower_equal_elem(0.0).float();
        let eye = Tensor::<B, 2>::eye(hidden, &device).reshape([1, hidden, hidden]);
        let redistribution = shares / (total + keeps.clone()) + keeps * eye;
        let output = sigmoid(self.output_gate.forward(features));
        McLstmGates {
            input,
            redistribution,
            output,
        }
    }

    /// One step: the outflow of each cell and the cell states after the step (both
    /// `[batch, hidden]`), from features `x_t` and the cell states `cells` before it.
    fn step(&self, x_t: Tensor<B, 2>, cells: Tensor<B, 2>) -> (Tensor<B, 2>, Tensor<B, 2>) {
        let [batch, hidden] = cells.dims();
        let gates = self.gates(x_t.clone(), cells.clone());
        let [_, mass_inputs, _] = gates.input.dims();
        let mass = x_t
            .narrow(1, 0, mass_inputs)
            .reshape([batch, mass_inputs, 1]);
        let inflow = (mass * gates.input).sum_dim(1).reshape([batch, hidden]);
        let moved = (cells.reshape([batch, hidden, 1]) * gates.redistribution)
            .sum_dim(1)
            .reshape([batch, hidden]);
        let total = inflow + moved;
        let outflow = gates.output * total.clone();
        let cells = total - outflow.clone();
        (outflow, cells)
    }

    /// Runs the recurrence over `x` (`[batch, steps, features]`) from empty cells, handing the
    /// outflow and the cell states of every step to `visit`; returns the last step's outflow.
    fn run(
        &self,
        x: Tensor<B, 3>,
        mut visit: impl FnMut(&Tensor<B, 2>, &Tensor<B, 2>),
    ) -> Tensor<B, 2> {
        let [batch, steps, features] = x.dims();
        let shape = self.shape();
        assert_eq!(
            features,
            shape.features(),
            "MC-LSTM inputs are the mass inputs followed by the auxiliary inputs"
        );
        let device = x.device();
        // Step-major rows, so that every step's features are one contiguous block.
        let x = x.swap_dims(0, 1).reshape([steps, batch * features]);
        let mut cells = Tensor::<B, 2>::zeros([batch, shape.hidden], &device);
        let mut outflow = Tensor::<B, 2>::zeros([batch, shape.hidden], &device);
        for t in 0..steps {
            let x_t = x.clone().narrow(0, t, 1).reshape([batch, features]);
            (outflow, cells) = self.step(x_t, cells);
            visit(&outflow, &cells);
        }
        outflow
    }

    /// Predicted runoff `[batch, 1]` in mm/day for inputs `x` of shape `[batch, steps,
    /// features]` (mass inputs, then auxiliary inputs): the outflow of the cells outside the
    /// sink at the last step (zero for a window without steps).
    ///
    /// # Panics
    /// If `features` is not the number of mass plus auxiliary inputs.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        let outflow = self.run(x, |_, _| {});
        self.runoff(outflow)
    }

    /// The cell states and outflows of every step for inputs `x` (`[batch, steps, features]`).
    ///
    /// # Panics
    /// If `features` is not the number of mass plus auxiliary inputs, or `steps` is 0.
    pub fn forward_states(&self, x: Tensor<B, 3>) -> McLstmStates<B> {
        let [_, steps, _] = x.dims();
        assert!(steps > 0, "a window needs at least one step");
        let mut cells = Vec::with_capacity(steps);
        let mut outflow = Vec::with_capacity(steps);
        self.run(x, |h, c| {
            outflow.push(h.clone());
            cells.push(c.clone());
        });
        McLstmStates {
            cells: Tensor::stack(cells, 1),
            outflow: Tensor::stack(outflow, 1),
        }
    }

    /// The runoff `[batch, 1]`: the summed outflow (`[batch, hidden]`) of the cells after the
    /// trash cells.
    fn runoff(&self, outflow: Tensor<B, 2>) -> Tensor<B, 2> {
        let [_, hidden] = outflow.dims();
        outflow
            .narrow(1, self.trash_cells, hidden - self.trash_cells)
            .sum_dim(1)
    }
}
