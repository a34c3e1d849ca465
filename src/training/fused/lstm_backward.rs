//! Backpropagation through time for a shard: per step one fused element-wise pass, one product
//! accumulating the weight gradients and one product for the gradient of the previous hidden
//! state, all while the step's data is still in cache. The EA-LSTM's constant input gate sums
//! the gradient of its activations over the steps; when the gate came from static attributes,
//! one product after the last step turns that into the gradient of the static input-gate
//! weights. On request, one more product per step gives the gradient of the step inputs.

use super::cell;
use super::matmul::{multiply, multiply_into_rows, Dims, Operand};
use super::shard::{step_width, ModelView, Shard};

impl Shard {
    /// Backpropagates `final_gradient` (`dL/dh_T`, `[samples][hidden]`) through the last
    /// forward pass (which must have kept its history), leaving this shard's weight gradients
    /// in `weights_gradient`. For the EA-LSTM, `input_gate_gradient` receives the gradient of
    /// the constant input gate's activations and, when the forward pass computed that gate from
    /// static attributes, `static_gradient` the gradient of their weights. When
    /// `with_input_gradient`, `input_gradient` receives the gradient of the step inputs (only
    /// for models whose inputs hold no static attributes).
    pub(super) fn backward(
        &mut self,
        model: &ModelView,
        final_gradient: &[f32],
        with_input_gradient: bool,
    ) {
        let shape = model.shape;
        let hidden = shape.hidden;
        let width = step_width(shape);
        let step_gates = shape.step_gates();
        let offset = shape.step_gate_offset();
        let (samples, steps) = (self.samples, self.steps);
        let features = shape.features();
        let in_block = samples * width;
        let gate_block = samples * 4 * hidden;
        let cell_block = samples * hidden;
        let hidden_gradient = &mut self.hidden_gradient[..cell_block];
        let cell_gradient = &mut self.cell_gradient[..cell_block];
        let gate_gradient = &mut self.gate_gradient[..gate_block];
        let weights_gradient = &mut self.weights_gradient[..step_gates * width];
        let constant_input_gate = shape.statics.is_some();
        let input_gate_gradient: &mut [f32] = if constant_input_gate {
            &mut self.input_gate_gradient[..cell_block]
        } else {
            &mut []
        };
        let input_gradient: &mut [f32] = if with_input_gradient {
            assert_eq!(
                shape.statics.unwrap_or(0),
                0,
                "the input gradient covers step inputs only"
            );
            let length = samples * steps * features;
            if self.input_gradient.len() < length {
                self.input_gradient.resize(length, 0.0);
            }
            &mut self.input_gradient[..length]
        } else {
            &mut []
        };
        // The step inputs' rows of the stacked weights, `[inputs][step gates]`.
        let input_weights = &model.stacked_transposed[..shape.inputs * step_gates];
        hidden_gradient.copy_from_slice(final_gradient);
        cell_gradient.fill(0.0);
        weights_gradient.fill(0.0);
        input_gate_gradient.fill(0.0);
        for t in (0..steps).rev() {
            let previous_cell = t
                .checked_sub(1)
                .map(|previous| &self.cells[previous * cell_block..t * cell_block]);
            let step_backward = if constant_input_gate {
                cell::backward_constant_input_gate
            } else {
                cell::backward
            };
            step_backward(
                &self.gates[t * gate_block..(t + 1) * gate_block],
                previous_cell,
                &self.cells[t * cell_block..(t + 1) * cell_block],
                hidden_gradient,
                cell_gradient,
                gate_gradient,
                hidden,
            );
            if constant_input_gate {
                let rows = gate_gradient.chunks_exact(4 * hidden);
                for (total, row) in input_gate_gradient.chunks_exact_mut(hidden).zip(rows) {
                    for (total, gradient) in total.iter_mut().zip(&row[..hidden]) {
                        *total += gradient;
                    }
                }
            }
            // The step gates' columns (none at all in a shard without samples).
            let step_columns = gate_gradient.get(offset..).unwrap_or_default();
            let step_gate_gradient = Operand::rows(step_columns, 4 * hidden);
            multiply(
                weights_gradient,
                Operand::transposed(&self.steps_in[t * in_block..(t + 1) * in_block]),
                step_gate_gradient,
                Dims {
                    m: width,
                    n: step_gates,
                    k: samples,
                },
                true,
            );
            if with_input_gradient && samples > 0 {
                // Row `s` of step `t` starts at `(s * steps + t) * features` in `[samples][steps]
                // [features]`.
                multiply_into_rows(
                    &mut input_gradient[t * features..],
                    steps * features,
                    step_gate_gradient,
                    Operand::transposed(input_weights),
                    Dims {
                        m: samples,
                        n: shape.inputs,
                        k: step_gates,
                    },
                    false,
                );
            }
            if t > 0 {
                multiply(
                    hidden_gradient,
                    step_gate_gradient,
                    Operand::plain(model.recurrent_weights),
                    Dims {
                        m: samples,
                        n: hidden,
                        k: step_gates,
                    },
                    false,
                );
            }
        }
        if let (Some(statics), false) = (shape.statics, self.input_gates_given) {
            // From the activations' gradient to the pre-activations' through sigmoid' = i (1 - i).
            let gates = &self.input_gates[..cell_block];
            for (gradient, &gate) in input_gate_gradient.iter_mut().zip(gates) {
                *gradient *= gate * (1.0 - gate);
            }
            multiply(
                &mut self.static_gradient[..(statics + 1) * hidden],
                Operand::transposed(&self.static_in[..samples * (statics + 1)]),
                Operand::plain(input_gate_gradient),
                Dims {
                    m: statics + 1,
                    n: hidden,
                    k: samples,
                },
                false,
            );
        }
    }
}
