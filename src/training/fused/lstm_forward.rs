//! Forward pass of a shard: per step one product of the step's inputs and previous hidden state
//! with the stacked weights, then one fused element-wise pass over the step's gates.

use super::cell;
use super::matmul::{multiply, Dims, Operand};
use super::shard::{step_width, ModelView, Shard};

impl Shard {
    /// Runs the LSTM over `x` (`[samples][steps][inputs]`, batch-major as in a batch), keeping
    /// the activations the backward pass needs. [`Shard::copy_final_state`] then gives `h_T`.
    pub(super) fn forward(&mut self, model: &ModelView, x: &[f32], samples: usize, steps: usize) {
        let shape = model.shape;
        let hidden = shape.hidden;
        let width = step_width(shape);
        self.resize(shape, samples, steps);
        if samples == 0 {
            return;
        }
        self.gather_inputs(x, shape.inputs, hidden);
        let gate_block = samples * 4 * hidden;
        let state_block = samples * hidden;
        let in_block = samples * width;
        for t in 0..steps {
            let gates = &mut self.gates[t * gate_block..(t + 1) * gate_block];
            let (this_in, next_in) = self.steps_in[t * in_block..(t + 2) * in_block].split_at_mut(in_block);
            multiply(
                gates,
                Operand::plain(this_in),
                Operand::plain(model.stacked_transposed),
                Dims {
                    m: samples,
                    n: 4 * hidden,
                    k: width,
                },
                false,
            );
            let (earlier_cells, cells) = self.cells.split_at_mut(t * state_block);
            let previous_cell = t
                .checked_sub(1)
                .map(|previous| &earlier_cells[previous * state_block..]);
            cell::forward(
                gates,
                previous_cell,
                &mut cells[..state_block],
                &mut next_in[shape.inputs + 1..],
                width,
                hidden,
            );
        }
    }

    /// Fills the input part of every step's row (the inputs, taken from the batch-major `x`,
    /// and the constant one) and sets `h_0` to zero.
    fn gather_inputs(&mut self, x: &[f32], inputs: usize, hidden: usize) {
        let (samples, steps) = (self.samples, self.steps);
        let width = inputs + 1 + hidden;
        for (row, target) in self.steps_in.chunks_exact_mut(width).enumerate() {
            let (t, sample) = (row / samples, row % samples);
            if t < steps {
                let source = (sample * steps + t) * inputs;
                target[..inputs].copy_from_slice(&x[source..source + inputs]);
            } else {
                target[..inputs].fill(0.0);
            }
            target[inputs] = 1.0;
            if t == 0 {
                target[inputs + 1..].fill(0.0);
            }
        }
    }
}
