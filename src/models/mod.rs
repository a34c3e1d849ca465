//! Model architectures, generic over the Burn backend, and their backend-neutral weights.

pub mod ealstm;
pub mod exphydro;
pub mod lstm;
pub mod mclstm;
pub mod weights;
