//! Loss names and their arguments.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// Mean squared error on normalised targets.
pub const MSE: CallSpec = CallSpec {
    name: "mse",
    doc: "mean squared error on normalised targets",
    params: &[],
};

/// NSE* of Kratzert et al. (2019), Eq. 13.
pub const NSE_STAR: CallSpec = CallSpec {
    name: "nse_star",
    doc: "basin-averaged NSE* (Kratzert et al. 2019, Eq. 13): squared errors weighted by 1/(s_b + eps)^2",
    params: &[Param {
        name: "eps",
        kind: ParamKind::Number { min: 0.0, max: 1e6 },
        default: Default::Number(0.1),
        doc: "stabilises basins with small discharge variance",
    }],
};

/// The normalised squared error of Li & Zhao, Eq. 13: squared errors over the batch divided by the
/// batch's squared deviations from its mean observation (1 - NSE of the batch).
pub const NORMALIZED_SQUARED_ERROR: CallSpec = CallSpec {
    name: "normalized_squared_error",
    doc: "sum of squared errors over the batch divided by the sum of squared deviations of the observations from their batch mean (Li & Zhao, Eq. 13)",
    params: &[],
};
