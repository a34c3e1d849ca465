//! The fused CPU engine: a hand-written LSTM forward pass, backpropagation through time and Adam
//! on flat `f32` buffers, with matrix products from the `gemm` crate and vectorised element-wise
//! kernels. It trains the sequence-to-one LSTM with a linear head that rainfall-runoff
//! experiments use, and the EA-LSTM (whose input gate is set by static attributes once per
//! window), faster on a CPU than a general tensor library.
//!
//! Parts: [`engine`] (the [`FusedLstm`] and [`FusedEaLstm`] engines), `lstm_forward` and
//! `lstm_backward` (the passes over one shard of a batch), `cell` and `activations` (their
//! element-wise kernels), `matmul` (the matrix products), `head`, `parameters` (the flat
//! parameter vector), [`adam`] (clipping and the optimiser), [`init`] (initial weights),
//! [`denormals`], and [`backend`] (the recurrence as a Burn backend extension, which runs these
//! kernels under Burn models).

mod activations;
pub mod adam;
pub mod backend;
mod cell;
pub mod denormals;
pub mod engine;
mod head;
pub mod init;
mod lstm_backward;
mod lstm_forward;
mod matmul;
mod parameters;
mod shard;

pub use adam::{clip_grad_norm, Adam};
pub use backend::{AutodiffLstmBackend, LstmBackend, Recurrence};
pub use denormals::set_flush_denormals;
pub use engine::{FusedEaLstm, FusedEngine, FusedLstm, FusedModel};
pub use init::{init_ealstm_weights, init_weights};
