//! Initial weights of the LSTM and the EA-LSTM, drawn as PyTorch initialises `nn.LSTM` and
//! `nn.Linear`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::models::weights::{EaLstmShape, EaLstmWeights, LstmShape, LstmWeights};

/// Weights for `shape` drawn from a ChaCha stream seeded with `seed`.
///
/// Every LSTM weight and bias, and the head's weights and bias, are uniform on
/// `[-1/sqrt(hidden), 1/sqrt(hidden)]` (PyTorch's defaults for `nn.LSTM` and for an `nn.Linear`
/// with `hidden` inputs); the forget-gate block of the bias is then set to
/// `initial_forget_bias`. The same seed always gives the same weights.
pub fn init_weights(shape: LstmShape, seed: u64, initial_forget_bias: f32) -> LstmWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bound = 1.0 / (shape.hidden.max(1) as f32).sqrt();
    let gates = 4 * shape.hidden;
    let mut draw = |count: usize| -> Vec<f32> {
        (0..count)
            .map(|_| rng.random_range(-bound..=bound))
            .collect()
    };
    let w_ih = draw(gates * shape.inputs);
    let w_hh = draw(gates * shape.hidden);
    let mut bias = draw(gates);
    let head_w = draw(shape.outputs * shape.hidden);
    let head_b = draw(shape.outputs);
    bias[shape.hidden..2 * shape.hidden].fill(initial_forget_bias);
    LstmWeights {
        shape,
        w_ih,
        w_hh,
        bias,
        head_w,
        head_b,
    }
}

/// EA-LSTM weights for `shape` drawn from a ChaCha stream seeded with `seed`, as
/// [`init_weights`] draws an LSTM's: every weight and bias uniform on
/// `[-1/sqrt(hidden), 1/sqrt(hidden)]`, then the forget-gate block of the bias (the first of
/// the three step-gate blocks) set to `initial_forget_bias`. The same seed always gives the
/// same weights.
pub fn init_ealstm_weights(
    shape: EaLstmShape,
    seed: u64,
    initial_forget_bias: f32,
) -> EaLstmWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bound = 1.0 / (shape.hidden.max(1) as f32).sqrt();
    let gates = 3 * shape.hidden;
    let mut draw = |count: usize| -> Vec<f32> {
        (0..count)
            .map(|_| rng.random_range(-bound..=bound))
            .collect()
    };
    let static_w = draw(shape.hidden * shape.statics);
    let static_b = draw(shape.hidden);
    let w_ih = draw(gates * shape.dynamic);
    let w_hh = draw(gates * shape.hidden);
    let mut bias = draw(gates);
    let head_w = draw(shape.outputs * shape.hidden);
    let head_b = draw(shape.outputs);
    bias[..shape.hidden].fill(initial_forget_bias);
    EaLstmWeights {
        shape,
        static_w,
        static_b,
        w_ih,
        w_hh,
        bias,
        head_w,
        head_b,
    }
}
