//! Model architectures, generic over the Burn backend, and their backend-neutral weights.

pub mod ealstm;
pub mod lstm;
pub mod mclstm;
pub mod weights;
