//! `mclstm`: the Mass-Conserving LSTM (Hoedt et al. 2021; Li & Zhao, Eq. 2-10), whose cells
//! store and release the mass inputs without creating or destroying water.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// The `mclstm` model constructor.
pub const MCLSTM: CallSpec = CallSpec {
    name: "mclstm",
    doc: "MC-LSTM (Li & Zhao Eq. 2-10): the mass inputs (unscaled, mm/day) are stored in and released from cells; other inputs and statics steer the gates; one or more cells are an unobserved sink (evapotranspiration); predicts runoff in mm/day",
    params: &[
        Param {
            name: "hidden",
            kind: ParamKind::Integer { min: 2, max: 1024 },
            default: Default::Integer(20),
            doc: "number of cells (the paper: 20)",
        },
        Param {
            name: "mass_inputs",
            kind: ParamKind::Names(None),
            default: Default::Required,
            doc: "inputs that are mass (e.g. [prcp]): left unscaled, conserved by the cells; they must be among the data set's inputs",
        },
        Param {
            name: "trash_cells",
            kind: ParamKind::Integer { min: 0, max: 1023 },
            default: Default::Integer(1),
            doc: "cells whose outflow is a sink (evapotranspiration), not part of the runoff",
        },
        Param {
            name: "initial_output_bias",
            kind: ParamKind::Number { min: -100.0, max: 100.0 },
            default: Default::Number(0.0),
            doc: "initial output-gate bias (negative: outlets start closed and the cells fill up)",
        },
    ],
};
