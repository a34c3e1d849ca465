//! [`FusedEngine`]: the fused CPU engine, for the LSTM ([`FusedLstm`]) and the EA-LSTM
//! ([`FusedEaLstm`]). It owns the parameters, Adam's state and every buffer of the forward and
//! backward passes, and splits each batch into fixed shards that run on up to two threads.
//!
//! The split into shards does not depend on the number of threads, and shard gradients are
//! summed in shard order, so a run gives bit-identical weights for a seed on one thread or two.

use std::marker::PhantomData;
use std::ops::Range;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::adam::{clip_grad_norm, Adam};
use super::denormals::{set_flush_denormals, FlushDenormals};
use super::head::{draw_dropout_mask, Head};
use super::parameters::{CellShape, FlatWeights, ParameterLayout};
use super::shard::{step_width, ModelView, Shard};
use crate::data::windows::Batch;
use crate::models::weights::{EaLstmWeights, LstmWeights, ModelWeights};
use crate::training::engine::{AdamSettings, Engine, Loss};

/// Number of parts a batch is split into (one per thread when two are available).
pub(super) const SHARDS: usize = 2;

/// Weights of a model the fused engine trains: [`LstmWeights`] or [`EaLstmWeights`].
pub trait FusedModel: FlatWeights + Clone + Into<ModelWeights> {}

impl FusedModel for LstmWeights {}

impl FusedModel for EaLstmWeights {}

/// A sequence-to-one LSTM with a linear head, trained on the CPU with fused kernels.
pub type FusedLstm = FusedEngine<LstmWeights>;

/// A sequence-to-one EA-LSTM with a linear head, trained on the CPU with fused kernels.
pub type FusedEaLstm = FusedEngine<EaLstmWeights>;

/// A sequence-to-one model with weights `W` (an LSTM or an EA-LSTM) and a linear head, trained on
/// the CPU with fused kernels.
#[derive(Debug)]
pub struct FusedEngine<W: FusedModel> {
    /// Where each block sits in the flat vectors.
    layout: ParameterLayout,
    /// All parameters, laid out by `layout`.
    parameters: Vec<f32>,
    /// Gradient of the last batch, laid out by `layout`.
    gradient: Vec<f32>,
    /// Largest gradient norm before the update, if clipping.
    clip_grad_norm: Option<f32>,
    /// Optimiser state.
    adam: Adam,
    /// Drop probability on the last hidden state during training.
    dropout: f32,
    /// Source of the dropout masks.
    rng: ChaCha8Rng,
    /// Whether shards run on separate threads.
    parallel: bool,
    /// Buffers of each part of the batch.
    shards: Vec<Shard>,
    /// Input weights, bias and hidden-to-gates weights of the step gates stacked and transposed,
    /// `[inputs + 1 + hidden][step gates]`.
    stacked_transposed: Vec<f32>,
    /// The EA-LSTM's static input-gate weights and bias stacked and transposed,
    /// `[statics + 1][hidden]` (empty for the LSTM).
    static_transposed: Vec<f32>,
    /// Last hidden states after dropout, `[samples][hidden]`.
    head_inputs: Vec<f32>,
    /// Dropout mask, `[samples][hidden]` (empty when dropout is off).
    mask: Vec<f32>,
    /// Gradient of the loss with respect to the last hidden states, `[samples][hidden]`.
    state_gradient: Vec<f32>,
    /// Predictions of the current batch, `[samples][outputs]`.
    predictions: Vec<f32>,
    /// The type of the weights the engine reads and returns.
    model: PhantomData<fn() -> W>,
}

impl<W: FusedModel> FusedEngine<W> {
    /// An engine starting from `weights`, with Adam configured by `adam`, inverted dropout with
    /// probability `dropout` on the last hidden state during training, and dropout masks drawn
    /// from a ChaCha stream seeded with `seed`. It uses two threads when the machine has them.
    ///
    /// # Panics
    /// If an array of `weights` does not have the length `weights.shape` implies.
    pub fn new(weights: W, adam: AdamSettings, dropout: f32, seed: u64) -> Self {
        let layout = ParameterLayout::new(weights.cell_shape());
        let parameters = layout.flatten(&weights);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            layout,
            gradient: vec![0.0; parameters.len()],
            adam: Adam::new(adam, parameters.len()),
            parameters,
            clip_grad_norm: adam.clip_grad_norm,
            dropout,
            rng: ChaCha8Rng::seed_from_u64(seed),
            parallel: threads >= 2,
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            stacked_transposed: Vec::new(),
            static_transposed: Vec::new(),
            head_inputs: Vec::new(),
            mask: Vec::new(),
            state_gradient: Vec::new(),
            predictions: Vec::new(),
            model: PhantomData,
        }
    }

    /// The same engine computing on `threads` threads (one, or two or more for two). Results do
    /// not depend on this choice.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.parallel = threads >= 2;
        self
    }

    /// The loss on `batch` and its gradient with respect to every parameter, without dropout,
    /// clipping or an update (for checking the backward pass).
    ///
    /// # Panics
    /// As [`Engine::train_step`].
    pub fn gradients(&mut self, batch: &Batch, loss: &dyn Loss) -> (f32, W) {
        let _flush = FlushDenormals::enable();
        let value = self.compute_gradient(batch, loss, false);
        (value, self.layout.unflatten(&self.gradient))
    }

    /// A copy of the current parameters.
    pub fn weights(&self) -> W {
        self.layout.unflatten(&self.parameters)
    }

    /// Sizes of the model.
    fn shape(&self) -> CellShape {
        self.layout.shape()
    }

    /// Runs forward and backward on `batch`, leaving the gradient in `self.gradient`; returns
    /// the loss.
    fn compute_gradient(&mut self, batch: &Batch, loss: &dyn Loss, dropout: bool) -> f32 {
        self.check_inputs(batch);
        let shape = self.shape();
        let samples = batch.size;
        let dropout = dropout && self.dropout > 0.0;
        self.mask
            .resize(if dropout { samples * shape.hidden } else { 0 }, 0.0);
        if dropout {
            draw_dropout_mask(&mut self.mask, self.dropout, &mut self.rng);
        }
        self.forward(&batch.x, samples, batch.steps, true);
        let (value, prediction_gradient) = loss.value_and_gradient(&self.predictions, batch);
        assert_eq!(
            prediction_gradient.len(),
            samples * shape.outputs,
            "the loss gradient must have one value per prediction"
        );
        self.backward(&prediction_gradient, samples);
        value
    }

    /// Panics with a clear message when `batch` does not fit the model.
    fn check_inputs(&self, batch: &Batch) {
        let shape = self.shape();
        assert_eq!(
            batch.features,
            shape.features(),
            "batch features must match the model inputs"
        );
        assert_eq!(
            batch.x.len(),
            batch.size * batch.steps * batch.features,
            "batch inputs must be [size][steps][features]"
        );
    }

    /// Copies the weights into the stacked, transposed layout the forward pass reads.
    fn prepare_weights(&mut self) {
        let shape = self.shape();
        let gates = shape.step_gates();
        let w_ih = &self.parameters[self.layout.w_ih()];
        let bias = &self.parameters[self.layout.bias()];
        let w_hh = &self.parameters[self.layout.w_hh()];
        self.stacked_transposed
            .resize(step_width(shape) * gates, 0.0);
        let (input_rows, rest) = self.stacked_transposed.split_at_mut(shape.inputs * gates);
        let (bias_row, recurrent_rows) = rest.split_at_mut(gates);
        transpose(w_ih, gates, shape.inputs, input_rows);
        bias_row.copy_from_slice(bias);
        transpose(w_hh, gates, shape.hidden, recurrent_rows);
        if let Some(statics) = shape.statics {
            let hidden = shape.hidden;
            self.static_transposed.resize((statics + 1) * hidden, 0.0);
            let (weight_rows, bias_row) = self.static_transposed.split_at_mut(statics * hidden);
            let static_w = &self.parameters[self.layout.static_w()];
            transpose(static_w, hidden, statics, weight_rows);
            bias_row.copy_from_slice(&self.parameters[self.layout.static_b()]);
        }
    }

    /// Forward pass over `x` (`[samples][steps][features]`), keeping every step for the backward
    /// pass when `history`: fills `head_inputs` (with the mask applied when `mask` is not
    /// empty) and `predictions`.
    fn forward(&mut self, x: &[f32], samples: usize, steps: usize, history: bool) {
        self.prepare_weights();
        let shape = self.shape();
        let hidden = shape.hidden;
        let view = ModelView {
            shape,
            stacked_transposed: &self.stacked_transposed,
            recurrent_weights: &self.parameters[self.layout.w_hh()],
            static_transposed: &self.static_transposed,
        };
        let window = steps * shape.features();
        for_each_shard(&mut self.shards, samples, self.parallel, |shard, range| {
            let x = &x[range.start * window..range.end * window];
            shard.forward(&view, x, None, range.len(), steps, history);
        });
        self.head_inputs.resize(samples * hidden, 0.0);
        for (index, shard) in self.shards.iter().enumerate() {
            let range = shard_range(index, samples);
            shard.copy_final_state(
                shape,
                &mut self.head_inputs[range.start * hidden..range.end * hidden],
            );
        }
        if !self.mask.is_empty() {
            for (value, keep) in self.head_inputs.iter_mut().zip(&self.mask) {
                *value *= keep;
            }
        }
        self.predictions.resize(samples * shape.outputs, 0.0);
        head(&self.layout, &self.parameters).predict(&self.head_inputs, &mut self.predictions);
    }

    /// Backward pass from `prediction_gradient` (`[samples][outputs]`) through the last
    /// forward pass, over `samples` samples; fills `gradient`.
    fn backward(&mut self, prediction_gradient: &[f32], samples: usize) {
        let shape = self.shape();
        let CellShape { inputs, hidden, .. } = shape;
        self.state_gradient.resize(samples * hidden, 0.0);
        let (recurrent_gradient, head_gradient) =
            self.gradient.split_at_mut(self.layout.head_w().start);
        let (head_w_gradient, head_b_gradient) = head_gradient.split_at_mut(shape.outputs * hidden);
        head(&self.layout, &self.parameters).backward(
            &self.head_inputs,
            prediction_gradient,
            head_w_gradient,
            head_b_gradient,
            &mut self.state_gradient,
        );
        if !self.mask.is_empty() {
            for (gradient, keep) in self.state_gradient.iter_mut().zip(&self.mask) {
                *gradient *= keep;
            }
        }
        let view = ModelView {
            shape,
            stacked_transposed: &self.stacked_transposed,
            recurrent_weights: &self.parameters[self.layout.w_hh()],
            static_transposed: &self.static_transposed,
        };
        let state_gradient = &self.state_gradient;
        for_each_shard(&mut self.shards, samples, self.parallel, |shard, range| {
            shard.backward(
                &view,
                &state_gradient[range.start * hidden..range.end * hidden],
                false,
            );
        });
        recurrent_gradient.fill(0.0);
        let (static_gradient, rest) = recurrent_gradient.split_at_mut(self.layout.w_ih().start);
        let (static_w, static_b) = static_gradient.split_at_mut(self.layout.static_w().len());
        let (w_ih, rest) = rest.split_at_mut(self.layout.w_ih().len());
        let (w_hh, bias) = rest.split_at_mut(self.layout.w_hh().len());
        let gates = shape.step_gates();
        for shard in &self.shards {
            let gradient = &shard.weights_gradient[..step_width(shape) * gates];
            let (input_rows, rest) = gradient.split_at(inputs * gates);
            let (bias_row, recurrent_rows) = rest.split_at(gates);
            add_transposed(w_ih, input_rows, inputs, gates);
            add(bias, bias_row);
            add_transposed(w_hh, recurrent_rows, hidden, gates);
            if let Some(statics) = shape.statics {
                let gradient = &shard.static_gradient[..(statics + 1) * hidden];
                let (weight_rows, bias_row) = gradient.split_at(statics * hidden);
                add_transposed(static_w, weight_rows, statics, hidden);
                add(static_b, bias_row);
            }
        }
    }
}

impl<W: FusedModel> Engine for FusedEngine<W> {
    fn train_step(&mut self, batch: &Batch, loss: &dyn Loss, learning_rate: f32) -> f32 {
        let _flush = FlushDenormals::enable();
        let value = self.compute_gradient(batch, loss, true);
        if batch.size == 0 {
            return value;
        }
        if let Some(max_norm) = self.clip_grad_norm {
            clip_grad_norm(&mut self.gradient, max_norm);
        }
        self.adam
            .update(&mut self.parameters, &self.gradient, learning_rate);
        value
    }

    fn predict(&mut self, batch: &Batch) -> Vec<f32> {
        let _flush = FlushDenormals::enable();
        self.check_inputs(batch);
        self.mask.clear();
        self.forward(&batch.x, batch.size, batch.steps, false);
        self.predictions.clone()
    }

    fn model_weights(&self) -> ModelWeights {
        self.weights().into()
    }
}

/// Writes the transpose of `matrix` (`[rows][columns]`) into `transposed` (`[columns][rows]`).
pub(super) fn transpose(matrix: &[f32], rows: usize, columns: usize, transposed: &mut [f32]) {
    for row in 0..rows {
        for column in 0..columns {
            transposed[column * rows + row] = matrix[row * columns + column];
        }
    }
}

/// Adds the transpose of `values` (`[rows][columns]`) to `totals` (`[columns][rows]`).
pub(super) fn add_transposed(totals: &mut [f32], values: &[f32], rows: usize, columns: usize) {
    for row in 0..rows {
        for column in 0..columns {
            totals[column * rows + row] += values[row * columns + column];
        }
    }
}

/// Adds `values` to `totals` element by element.
pub(super) fn add(totals: &mut [f32], values: &[f32]) {
    for (total, value) in totals.iter_mut().zip(values) {
        *total += value;
    }
}

/// The head's view of the flat `parameters`.
fn head<'a>(layout: &ParameterLayout, parameters: &'a [f32]) -> Head<'a> {
    Head {
        weights: &parameters[layout.head_w()],
        bias: &parameters[layout.head_b()],
        hidden: layout.shape().hidden,
    }
}

/// Samples of shard `index` when `samples` are split into [`SHARDS`] nearly equal parts.
pub(super) fn shard_range(index: usize, samples: usize) -> Range<usize> {
    let per_shard = samples.div_ceil(SHARDS);
    let start = (index * per_shard).min(samples);
    start..(start + per_shard).min(samples)
}

/// Runs `work` on every shard with its range of samples: on spawned threads (each flushing
/// denormals) besides the calling one when `parallel`, else one after another.
pub(super) fn for_each_shard<W>(shards: &mut [Shard], samples: usize, parallel: bool, work: W)
where
    W: Fn(&mut Shard, Range<usize>) + Sync,
{
    if !parallel {
        for (index, shard) in shards.iter_mut().enumerate() {
            work(shard, shard_range(index, samples));
        }
        return;
    }
    std::thread::scope(|scope| {
        let work = &work;
        let mut shards = shards.iter_mut().enumerate();
        let first = shards.next();
        for (index, shard) in shards {
            scope.spawn(move || {
                set_flush_denormals();
                work(shard, shard_range(index, samples));
            });
        }
        if let Some((index, shard)) = first {
            work(shard, shard_range(index, samples));
        }
    });
}
