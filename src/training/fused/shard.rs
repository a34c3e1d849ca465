//! A shard: a fixed part of the batch with its own buffers, so shards run on separate threads
//! without sharing anything mutable.
//!
//! Buffers are time-major (`[step][sample][..]`) so one step of the whole shard is one contiguous
//! matrix. They grow to the largest shard seen and are reused by every later step.

use crate::models::weights::LstmShape;

/// The weights in the layouts the kernels read, prepared once per pass.
#[derive(Debug, Clone, Copy)]
pub struct ModelView<'a> {
    /// Sizes of the model.
    pub shape: LstmShape,
    /// Input weights, bias and hidden-to-gates weights stacked along the inputs of a step and
    /// transposed: `[inputs + 1 + hidden][4 * hidden]`, matching a row of [`Shard::steps_in`].
    pub stacked_transposed: &'a [f32],
    /// Hidden-to-gates matrix, `[4 * hidden][hidden]`.
    pub recurrent_weights: &'a [f32],
}

/// Width of a step's input row: the inputs, a constant one (for the bias) and `h_{t-1}`.
pub fn step_width(shape: LstmShape) -> usize {
    shape.inputs + 1 + shape.hidden
}

/// Buffers of one shard, sized for `samples` windows of `steps` steps.
#[derive(Debug, Default)]
pub struct Shard {
    /// Samples in the current pass.
    pub(super) samples: usize,
    /// Time steps in the current pass.
    pub(super) steps: usize,
    /// What each step reads, `[steps + 1][samples][inputs + 1 + hidden]`: row `(t, s)` is
    /// `x_t`, one, and `h_{t-1}` of sample `s`; block `steps` holds `h_T` after its one.
    pub(super) steps_in: Vec<f32>,
    /// Per step, the gate pre-activations, then activations, then pre-activation gradients:
    /// `[steps][samples][4 * hidden]`.
    pub(super) gates: Vec<f32>,
    /// Cell states `c_1 .. c_T`: `[steps][samples][hidden]`.
    pub(super) cells: Vec<f32>,
    /// Gradient of the loss with respect to the hidden state of the step being processed.
    pub(super) hidden_gradient: Vec<f32>,
    /// Gradient of the loss with respect to the cell state of the step being processed.
    pub(super) cell_gradient: Vec<f32>,
    /// This shard's gradient of the stacked weights (input weights, bias, hidden-to-gates
    /// weights), transposed like them: `[inputs + 1 + hidden][4 * hidden]`.
    pub(super) weights_gradient: Vec<f32>,
}

impl Shard {
    /// Sizes the buffers for `samples` windows of `steps` steps of a model of `shape`,
    /// allocating only when they have never been this large.
    pub(super) fn resize(&mut self, shape: LstmShape, samples: usize, steps: usize) {
        let hidden = shape.hidden;
        let width = step_width(shape);
        self.samples = samples;
        self.steps = steps;
        self.steps_in.resize((steps + 1) * samples * width, 0.0);
        self.gates.resize(steps * samples * 4 * hidden, 0.0);
        self.cells.resize(steps * samples * hidden, 0.0);
        self.hidden_gradient.resize(samples * hidden, 0.0);
        self.cell_gradient.resize(samples * hidden, 0.0);
        self.weights_gradient.resize(4 * hidden * width, 0.0);
    }

    /// Copies the final hidden state of each sample (`h_T`, zero without steps) into `states`
    /// (`[samples][hidden]`).
    pub(super) fn copy_final_state(&self, shape: LstmShape, states: &mut [f32]) {
        let width = step_width(shape);
        let block = &self.steps_in[self.steps * self.samples * width..];
        for (row, state) in block.chunks_exact(width).zip(states.chunks_exact_mut(shape.hidden)) {
            state.copy_from_slice(&row[shape.inputs + 1..]);
        }
    }
}
