//! Looking inside trained rainfall-runoff models.
//!
//! Which inputs predictions depend on: `gradients` differentiates a model's prediction with
//! respect to its inputs; `integrated_gradients` attributes predictions to the inputs (Integrated
//! Gradients) and summarises the attributions per feature, over the look-back and by season;
//! `sensitivity` ranks the static attributes by the method of Morris with exact gradients; `noise`
//! measures how predictions degrade when the static attributes are perturbed.
//!
//! What models hold: `states` gives their internal states at the end of each window, and `probe`
//! fits linear probes that read untrained hydrological variables (evapotranspiration, soil
//! moisture, ...) from those states.

pub mod gradients;
pub mod integrated_gradients;
pub mod noise;
pub mod probe;
pub mod sensitivity;
pub mod states;
