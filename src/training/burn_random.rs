//! Burn's random numbers, one draw sequence per seed even when engines run in parallel.
//!
//! A Burn backend has a single process-wide generator: `B::seed` resets it, and module
//! initialisation and dropout masks draw from it. Two engines working in different threads
//! (the members of a sweep, parallel tests) would otherwise interleave their draws, so a run's
//! weights would depend on thread timing. [`seeded`] holds one process-wide lock from the seed
//! to the end of the draws that depend on it; every other draw (a module built only to load
//! saved parameters) runs under the same lock through [`apart`], so it cannot land between
//! another engine's seed and its draws.

use std::sync::Mutex;

use burn::tensor::backend::Backend;

/// Held while a seeded Burn generator is in use.
static BURN_GENERATOR: Mutex<()> = Mutex::new(());

/// Seeds backend `B`'s generator with `seed` and runs `draw` before any other thread can seed or
/// draw through this function.
pub fn seeded<B: Backend, T>(device: &B::Device, seed: u64, draw: impl FnOnce() -> T) -> T {
    let _turn = BURN_GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    B::seed(device, seed);
    draw()
}

/// Runs `draw`, whose random numbers are thrown away (a module built only to load saved
/// parameters into), while no other thread is between seeding and drawing in [`seeded`].
pub fn apart<T>(draw: impl FnOnce() -> T) -> T {
    let _turn = BURN_GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    draw()
}
