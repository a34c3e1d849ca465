//! Training: losses, optimiser settings, the training loop and the engines that run it.
//!
//! On the CPU, models train on the fused kernels of [`fused`]; every backend (and the CUDA
//! device) goes through the Burn path of [`burn_engine`], the reference the fused kernels are
//! checked against.

pub mod architectures;
pub mod burn_engine;
pub mod burn_random;
pub mod device;
pub mod engine;
pub mod fused;
pub mod losses;
pub mod trainer;
