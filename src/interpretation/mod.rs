//! Looking inside trained rainfall-runoff models: their internal states at the end of each
//! window, and linear probes that read untrained hydrological variables (evapotranspiration,
//! soil moisture, ...) from those states.

pub mod probe;
pub mod states;
