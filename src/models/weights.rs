//! Backend-neutral LSTM weights: the one layout every training engine reads and writes.
//!
//! Gate blocks are stacked in the order (input, forget, cell candidate, output), as in PyTorch,
//! so weights convert one to one between the fused CPU engine, the Burn module and peers.

use serde::{Deserialize, Serialize};

/// Sizes of a sequence-to-one LSTM with a linear head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LstmShape {
    /// Features per time step (dynamic inputs plus any static attributes concatenated to them).
    pub inputs: usize,
    /// Size of the hidden and cell state.
    pub hidden: usize,
    /// Values predicted per sample (one per target).
    pub outputs: usize,
}

/// All trainable parameters of the LSTM and its head, as flat row-major `f32` arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LstmWeights {
    /// Sizes the arrays below are laid out for.
    pub shape: LstmShape,
    /// Input-to-gates matrix, `[4 * hidden][inputs]`.
    pub w_ih: Vec<f32>,
    /// Hidden-to-gates matrix, `[4 * hidden][hidden]`.
    pub w_hh: Vec<f32>,
    /// Gate bias, `[4 * hidden]` (a single bias; PyTorch's two biases sum into it).
    pub bias: Vec<f32>,
    /// Head matrix, `[outputs][hidden]`.
    pub head_w: Vec<f32>,
    /// Head bias, `[outputs]`.
    pub head_b: Vec<f32>,
}
