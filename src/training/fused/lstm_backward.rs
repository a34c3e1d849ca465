//! Backpropagation through time for a shard: per step one fused element-wise pass, one product
//! accumulating the weight gradients and one product for the gradient of the previous hidden
//! state, all while the step's data is still in cache.

use super::cell;
use super::matmul::{multiply, Dims, Operand};
use super::shard::{step_width, ModelView, Shard};

impl Shard {
    /// Backpropagates `final_gradient` (`dL/dh_T`, `[samples][hidden]`) through the last
    /// forward pass (which must have kept its history), leaving this shard's weight gradients
    /// in `weights_gradient`.
    pub(super) fn backward(&mut self, model: &ModelView, final_gradient: &[f32]) {
        let hidden = model.shape.hidden;
        let width = step_width(model.shape);
        let (samples, steps) = (self.samples, self.steps);
        let in_block = samples * width;
        let gate_block = samples * 4 * hidden;
        let cell_block = samples * hidden;
        let hidden_gradient = &mut self.hidden_gradient[..cell_block];
        let cell_gradient = &mut self.cell_gradient[..cell_block];
        let gate_gradient = &mut self.gate_gradient[..gate_block];
        let weights_gradient = &mut self.weights_gradient[..4 * hidden * width];
        hidden_gradient.copy_from_slice(final_gradient);
        cell_gradient.fill(0.0);
        weights_gradient.fill(0.0);
        for t in (0..steps).rev() {
            let previous_cell = t
                .checked_sub(1)
                .map(|previous| &self.cells[previous * cell_block..t * cell_block]);
            cell::backward(
                &self.gates[t * gate_block..(t + 1) * gate_block],
                previous_cell,
                &self.cells[t * cell_block..(t + 1) * cell_block],
                hidden_gradient,
                cell_gradient,
                gate_gradient,
                hidden,
            );
            multiply(
                weights_gradient,
                Operand::transposed(&self.steps_in[t * in_block..(t + 1) * in_block]),
                Operand::plain(gate_gradient),
                Dims {
                    m: width,
                    n: 4 * hidden,
                    k: samples,
                },
                true,
            );
            if t > 0 {
                multiply(
                    hidden_gradient,
                    Operand::plain(gate_gradient),
                    Operand::plain(model.recurrent_weights),
                    Dims {
                        m: samples,
                        n: hidden,
                        k: 4 * hidden,
                    },
                    false,
                );
            }
        }
    }
}
