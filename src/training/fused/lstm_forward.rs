//! Forward pass of a shard: per step one product of the step's inputs and previous hidden state
//! with the stacked weights, then one fused element-wise pass over the step's gates. The
//! EA-LSTM's input gate is computed once per window from the static attributes (or given by the
//! caller), before the steps, and copied into each step's gate rows.

use super::activations::sigmoid;
use super::cell;
use super::matmul::{multiply, multiply_into_rows, Dims, Operand};
use super::shard::{step_width, two_blocks, ModelView, Shard};

impl Shard {
    /// Runs the model over `x` (`[samples][steps][features]`, batch-major as in a batch),
    /// keeping the activations of every step for the backward pass when `history`.
    /// [`Shard::copy_final_state`] then gives `h_T`.
    ///
    /// An EA-LSTM takes its constant input gate from `input_gates` (activations,
    /// `[samples][hidden]`) when given, else computes it from the static attributes in `x`.
    pub(super) fn forward(
        &mut self,
        model: &ModelView,
        x: &[f32],
        input_gates: Option<&[f32]>,
        samples: usize,
        steps: usize,
        history: bool,
    ) {
        let shape = model.shape;
        let hidden = shape.hidden;
        let width = step_width(shape);
        let features = shape.features();
        self.prepare(shape, samples, steps, history);
        assert!(
            input_gates.is_none() || shape.statics.is_some(),
            "only an EA-LSTM has a constant input gate"
        );
        self.input_gates_given = input_gates.is_some();
        if samples == 0 {
            return;
        }
        match (input_gates, shape.statics) {
            (Some(given), Some(_)) => {
                self.input_gates[..samples * hidden].copy_from_slice(given);
            }
            (None, Some(statics)) => self.set_input_gates(model, x, samples, steps, statics),
            (_, None) => {}
        }
        let step_gates = shape.step_gates();
        let offset = shape.step_gate_offset();
        let in_block = samples * width;
        let gate_block = samples * 4 * hidden;
        let cell_block = samples * hidden;
        let first_in = &mut self.steps_in[..in_block];
        for row in first_in.chunks_exact_mut(width) {
            row[shape.inputs + 1..].fill(0.0);
        }
        if steps > 0 {
            fill_inputs(first_in, x, 0, steps, shape.inputs, features, width);
        }
        for t in 0..steps {
            let (this, next) = (self.slot(t), self.slot(t + 1));
            let previous = t.checked_sub(1).map(|previous| self.slot(previous));
            let (step_in, next_in) = two_blocks(&mut self.steps_in, in_block, this, next);
            let gate_slot = if history { t } else { 0 };
            let gates = &mut self.gates[gate_slot * gate_block..(gate_slot + 1) * gate_block];
            multiply_into_rows(
                &mut gates[offset..],
                4 * hidden,
                Operand::plain(step_in),
                Operand::plain(model.stacked_transposed),
                Dims {
                    m: samples,
                    n: step_gates,
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
            let hidden_state = &mut next_in[shape.inputs + 1..];
            if shape.statics.is_some() {
                let rows = gates.chunks_exact_mut(4 * hidden);
                for (row, input_gate) in rows.zip(self.input_gates.chunks_exact(hidden)) {
                    row[..hidden].copy_from_slice(input_gate);
                }
                cell::forward_constant_input_gate(
                    gates,
                    previous_cell,
                    cell,
                    hidden_state,
                    width,
                    hidden,
                );
            } else {
                cell::forward(gates, previous_cell, cell, hidden_state, width, hidden);
            }
            if t + 1 < steps {
                fill_inputs(next_in, x, t + 1, steps, shape.inputs, features, width);
            }
        }
    }

    /// Computes the EA-LSTM's input gate `sigmoid(W_i x_s + b_i)` of every window of `x` from
    /// the static attributes of its first step (the last `statics` features) into
    /// `input_gates`, keeping the attributes in `static_in` for the backward pass.
    fn set_input_gates(
        &mut self,
        model: &ModelView,
        x: &[f32],
        samples: usize,
        steps: usize,
        statics: usize,
    ) {
        let shape = model.shape;
        let features = shape.features();
        let static_in = &mut self.static_in[..samples * (statics + 1)];
        for (sample, row) in static_in.chunks_exact_mut(statics + 1).enumerate() {
            if steps == 0 {
                row.fill(0.0);
            } else {
                let first_step = sample * steps * features;
                row[..statics].copy_from_slice(&x[first_step + shape.inputs..][..statics]);
            }
            row[statics] = 1.0;
        }
        let gates = &mut self.input_gates[..samples * shape.hidden];
        multiply(
            gates,
            Operand::plain(static_in),
            Operand::plain(model.static_transposed),
            Dims {
                m: samples,
                n: shape.hidden,
                k: statics + 1,
            },
            false,
        );
        gates.iter_mut().for_each(|v| *v = sigmoid::<false>(*v));
    }
}

/// Writes the first `inputs` features of step `t` of every window of `x`
/// (`[samples][steps][features]`) and the constant one into the step's rows `block`
/// (`[samples][width]`).
fn fill_inputs(
    block: &mut [f32],
    x: &[f32],
    t: usize,
    steps: usize,
    inputs: usize,
    features: usize,
    width: usize,
) {
    for (sample, row) in block.chunks_exact_mut(width).enumerate() {
        let source = &x[(sample * steps + t) * features..][..inputs];
        for (target, &value) in row.iter_mut().zip(source) {
            *target = value;
        }
        row[inputs] = 1.0;
    }
}
