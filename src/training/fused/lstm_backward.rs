//! Backpropagation through time for a shard: per step one fused element-wise pass, one product
//! accumulating the weight gradients and one product for the gradient of the previous hidden
//! state, all while the step's data is still in cache.

use super::cell;
use super::matmul::{multiply, Dims, Operand};
use super::shard::{step_width, ModelView, Shard};

impl Shard {
    /// Backpropagates `final_gradient` (`dL/dh_T`, `[samples][hidden]`) through the pass
    /// [`Shard::forward`] stored, leaving this shard's weight gradients in `weights_gradient`.
    pub(super) fn backward(&mut self, model: &ModelView, final_gradient: &[f32]) {
        let hidden = model.shape.hidden;
        let width = step_width(model.shape);
        let (samples, steps) = (self.samples, self.steps);
        let gate_block = samples * 4 * hidden;
        let state_block = samples * hidden;
        let in_block = samples * width;
        self.hidden_gradient.copy_from_slice(final_gradient);
        self.cell_gradient.fill(0.0);
        self.weights_gradient.fill(0.0);
        for t in (0..steps).rev() {
            let gates = &mut self.gates[t * gate_block..(t + 1) * gate_block];
            let (earlier_cells, cells) = self.cells.split_at(t * state_block);
            let previous_cell = t
                .checked_sub(1)
                .map(|previous| &earlier_cells[previous * state_block..]);
            cell::backward(
                gates,
                previous_cell,
                &cells[..state_block],
                &self.hidden_gradient,
                &mut self.cell_gradient,
                hidden,
            );
            multiply(
                &mut self.weights_gradient,
                Operand::transposed(&self.steps_in[t * in_block..(t + 1) * in_block]),
                Operand::plain(gates),
                Dims {
                    m: width,
                    n: 4 * hidden,
                    k: samples,
                },
                true,
            );
            if t > 0 {
                multiply(
                    &mut self.hidden_gradient,
                    Operand::plain(gates),
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
