//! A shard: a fixed part of the batch with its own buffers, so shards run on separate threads
//! without sharing anything mutable.
//!
//! Buffers are time-major (`[step][sample][..]`) so one step of the whole shard is one contiguous
//! matrix. They grow to the largest shard seen and are reused by every later step.

use super::parameters::CellShape;

/// The weights in the layouts the kernels read, prepared once per pass.
#[derive(Debug, Clone, Copy)]
pub struct ModelView<'a> {
    /// Sizes of the model.
    pub shape: CellShape,
    /// Input weights, bias and hidden-to-gates weights of the step gates stacked along the
    /// inputs of a step and transposed: `[inputs + 1 + hidden][step gates]`, matching a row of a
    /// shard's step inputs.
    pub stacked_transposed: &'a [f32],
    /// Hidden-to-gates matrix of the step gates, `[step gates][hidden]`.
    pub recurrent_weights: &'a [f32],
    /// The EA-LSTM's static input-gate weights and bias, stacked and transposed:
    /// `[statics + 1][hidden]` (empty for the LSTM).
    pub static_transposed: &'a [f32],
}

/// Width of a step's input row: the inputs, a constant one (for the bias) and `h_{t-1}`.
pub fn step_width(shape: CellShape) -> usize {
    shape.inputs + 1 + shape.hidden
}

/// Buffers of one shard for a pass over `samples` windows of `steps` steps.
///
/// A training pass keeps every step (`history`) for the backward pass; an inference pass keeps
/// only what the next step reads, in alternating blocks, so its memory does not grow with the
/// look-back.
#[derive(Debug, Default, Clone)]
pub struct Shard {
    /// Samples in the current pass.
    pub(super) samples: usize,
    /// Time steps in the current pass.
    pub(super) steps: usize,
    /// Whether the current pass keeps every step.
    pub(super) history: bool,
    /// EA-LSTM: whether the current pass was given its input gates, rather than computing them
    /// from static attributes in the inputs.
    pub(super) input_gates_given: bool,
    /// What each step reads: row `(t, s)` is `x_t`, one and `h_{t-1}` of sample `s`
    /// (`inputs + 1 + hidden` values); one block of `samples` rows per step, the block after the
    /// last step holding `h_T`.
    pub(super) steps_in: Vec<f32>,
    /// Gate activations, one `[samples][4 * hidden]` block per step.
    pub(super) gates: Vec<f32>,
    /// Cell states `c_1 .. c_T`, one `[samples][hidden]` block per step.
    pub(super) cells: Vec<f32>,
    /// Gradients of the gate pre-activations of the step being backpropagated.
    pub(super) gate_gradient: Vec<f32>,
    /// Gradient of the loss with respect to the hidden state of the step being processed.
    pub(super) hidden_gradient: Vec<f32>,
    /// Gradient of the loss with respect to the cell state of the step being processed.
    pub(super) cell_gradient: Vec<f32>,
    /// This shard's gradient of the stacked weights (input weights, bias, hidden-to-gates
    /// weights), transposed like them: `[inputs + 1 + hidden][step gates]`.
    pub(super) weights_gradient: Vec<f32>,
    /// EA-LSTM: each sample's static attributes and a constant one, `[samples][statics + 1]`.
    pub(super) static_in: Vec<f32>,
    /// EA-LSTM: each sample's constant input gate, `[samples][hidden]`.
    pub(super) input_gates: Vec<f32>,
    /// EA-LSTM: gradient of the loss with respect to the input gate's pre-activations, summed
    /// over the steps, `[samples][hidden]`.
    pub(super) input_gate_gradient: Vec<f32>,
    /// EA-LSTM: this shard's gradient of the static input-gate weights and bias, transposed like
    /// them: `[statics + 1][hidden]`.
    pub(super) static_gradient: Vec<f32>,
    /// Gradient of the loss with respect to the step inputs, `[samples][steps][features]`, when
    /// the last backward pass was asked for it.
    pub(super) input_gradient: Vec<f32>,
}

impl Shard {
    /// Prepares the buffers for a pass over `samples` windows of `steps` steps of a model of
    /// `shape`, keeping every step when `history`. Buffers never shrink, so passes of
    /// alternating sizes allocate (and clear) memory only the first time.
    pub(super) fn prepare(
        &mut self,
        shape: CellShape,
        samples: usize,
        steps: usize,
        history: bool,
    ) {
        let hidden = shape.hidden;
        self.samples = samples;
        self.steps = steps;
        self.history = history;
        let (input_blocks, gate_blocks, cell_blocks) = if history {
            (steps + 1, steps, steps)
        } else {
            (2, 1, 2)
        };
        grow(
            &mut self.steps_in,
            input_blocks * samples * step_width(shape),
        );
        grow(&mut self.gates, gate_blocks * samples * 4 * hidden);
        grow(&mut self.cells, cell_blocks * samples * hidden);
        if history {
            grow(&mut self.gate_gradient, samples * 4 * hidden);
            grow(&mut self.hidden_gradient, samples * hidden);
            grow(&mut self.cell_gradient, samples * hidden);
            grow(
                &mut self.weights_gradient,
                shape.step_gates() * step_width(shape),
            );
        }
        if let Some(statics) = shape.statics {
            grow(&mut self.static_in, samples * (statics + 1));
            grow(&mut self.input_gates, samples * hidden);
            if history {
                grow(&mut self.input_gate_gradient, samples * hidden);
                grow(&mut self.static_gradient, (statics + 1) * hidden);
            }
        }
    }

    /// Index of the block that holds step `t` in the step-input and cell buffers.
    pub(super) fn slot(&self, t: usize) -> usize {
        if self.history {
            t
        } else {
            t % 2
        }
    }

    /// Copies the final hidden state of each sample (`h_T`, zero without steps) into `states`
    /// (`[samples][hidden]`).
    pub(super) fn copy_final_state(&self, shape: CellShape, states: &mut [f32]) {
        let width = step_width(shape);
        let start = self.slot(self.steps) * self.samples * width;
        let rows = self.steps_in[start..start + self.samples * width].chunks_exact(width);
        for (row, state) in rows.zip(states.chunks_exact_mut(shape.hidden)) {
            state.copy_from_slice(&row[shape.inputs + 1..]);
        }
    }
}

/// Lengthens `buffer` to at least `length`.
fn grow(buffer: &mut Vec<f32>, length: usize) {
    if buffer.len() < length {
        buffer.resize(length, 0.0);
    }
}

/// Block `read` (immutable) and block `write` (mutable) of `buffer`, blocks being `block` long;
/// the two must differ.
pub(super) fn two_blocks(
    buffer: &mut [f32],
    block: usize,
    read: usize,
    write: usize,
) -> (&[f32], &mut [f32]) {
    if read < write {
        let (head, tail) = buffer.split_at_mut(write * block);
        (&head[read * block..(read + 1) * block], &mut tail[..block])
    } else {
        let (head, tail) = buffer.split_at_mut(read * block);
        (
            &tail[..block],
            &mut head[write * block..(write + 1) * block],
        )
    }
}
