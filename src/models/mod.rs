//! Model architectures, generic over the Burn backend, and their backend-neutral weights.

pub mod cnn_lstm;
pub mod ealstm;
pub mod exphydro;
pub mod lstm;
pub mod mclstm;
pub mod stacked_lstm;
pub mod weights;
