//! Forward pass of a shard: per step one product of the step's inputs and previous hidden state
//! with the stacked weights, then one fused element-wise pass over the step's gates.

use super::cell;
use super::matmul::{multiply, Dims, Operand};
use super::shard::{step_width, two_blocks, ModelView, Shard};

impl Shard {
    /// Runs the LSTM over `x` (`[samples][steps][inputs]`, batch-major as in a batch), keeping
    /// the activations of every step for the backward pass when `history`.
    /// [`Shard::copy_final_state`] then gives `h_T`.
    pub(super) fn forward(
        &mut self,
        model: &ModelView,
        x: &[f32],
        samples: usize,
        steps: usize,
        history: bool,
    ) {
        let shape = model.shape;
        let hidden = shape.hidden;
        let width = step_width(shape);
        self.prepare(shape, samples, steps, history);
        if samples == 0 {
            return;
        }
        let in_block = samples * width;
        let gate_block = samples * 4 * hidden;
        let cell_block = samples * hidden;
        let first_in = &mut self.steps_in[..in_block];
        for row in first_in.chunks_exact_mut(width) {
            row[shape.inputs + 1..].fill(0.0);
        }
        if steps > 0 {
            fill_inputs(first_in, x, 0, steps, shape.inputs, width);
        }
        for t in 0..steps {
            let (this, next) = (self.slot(t), self.slot(t + 1));
            let previous = t.checked_sub(1).map(|previous| self.slot(previous));
            let (step_in, next_in) = two_blocks(&mut self.steps_in, in_block, this, next);
            let gate_slot = if history { t } else { 0 };
            let gates = &mut self.gates[gate_slot * gate_block..(gate_slot + 1) * gate_block];
            multiply(
                gates,
                Operand::plain(step_in),
                Operand::plain(model.stacked_transposed),
                Dims {
                    m: samples,
                    n: 4 * hidden,
                    k: width,
                },
                false,
            );
            let (previous_cell, cell) = match previous {
                Some(previous) => {
                    let (c_prev, c) = two_blocks(&mut self.cells, cell_block, previous, this);
                    (Some(c_prev), c)
                }
                None => (
                    None,
                    &mut self.cells[this * cell_block..(this + 1) * cell_block],
                ),
            };
            cell::forward(
                gates,
                previous_cell,
                cell,
                &mut next_in[shape.inputs + 1..],
                width,
                hidden,
            );
            if t + 1 < steps {
                fill_inputs(next_in, x, t + 1, steps, shape.inputs, width);
            }
        }
    }
}

/// Writes the inputs of step `t` of every window of `x` (`[samples][steps][inputs]`) and the
/// constant one into the step's rows `block` (`[samples][width]`).
fn fill_inputs(block: &mut [f32], x: &[f32], t: usize, steps: usize, inputs: usize, width: usize) {
    for (sample, row) in block.chunks_exact_mut(width).enumerate() {
        let source = &x[(sample * steps + t) * inputs..][..inputs];
        for (target, &value) in row.iter_mut().zip(source) {
            *target = value;
        }
        row[inputs] = 1.0;
    }
}
