//! `exphydro`: the two-bucket conceptual model EXP-HYDRO (Patil & Stieglitz 2014), made
//! differentiable so that its six parameters train with the networks' loop (Li & Zhao, Eq. 11).

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// Forcing inputs EXP-HYDRO reads, in physical units.
pub const EXPHYDRO_INPUTS: &[&str] = &["prcp", "tmax", "tmin", "dayl"];

/// The `exphydro` model constructor.
pub const EXPHYDRO: CallSpec = CallSpec {
    name: "exphydro",
    doc: "differentiable EXP-HYDRO (Patil & Stieglitz 2014; Li & Zhao Eq. 11): snow and soil buckets forced by prcp, tmax, tmin and dayl (unscaled); its six bounded parameters f, Smax, Qmax, Df, Tmax, Tmin are learned; predicts runoff in mm/day",
    params: &[
        Param {
            name: "step_sharpness",
            kind: ParamKind::Number { min: 0.01, max: 1000.0 },
            default: Default::Number(5.0),
            doc: "sharpness k of the smoothed thresholds H(z) = (1 + tanh(k z)) / 2 (per deg C and per mm)",
        },
        Param {
            name: "initial_soil_fraction",
            kind: ParamKind::Number { min: 0.0, max: 1.0 },
            default: Default::Number(0.5),
            doc: "soil storage at the start of every window, as a fraction of Smax",
        },
    ],
};
