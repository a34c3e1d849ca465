//! `gridded`: daily forcing fields in NetCDF files (time, y, x) with a gauge series per basin,
//! as in mHM's test domain: every cell as an input of a CNN-LSTM, or the basin means for a
//! lumped model on the same forcing.

use super::periods::with_periods;
use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

const PARAMS: [Param; 12] = with_periods([
    Param {
        name: "root",
        kind: ParamKind::Path,
        default: Default::Required,
        doc: "folder of the NetCDF files and gauge files, e.g. data_dir(\"mhm_test_domain/test_domain/input\")",
    },
    Param {
        name: "basins",
        kind: ParamKind::Basins,
        default: Default::Required,
        doc: "gauge ids, substituted for {basin} in `gauge_file`, e.g. [\"00398\"]",
    },
    Param {
        name: "inputs",
        kind: ParamKind::Names(None),
        default: Default::Required,
        doc: "gridded variables, e.g. [pre, tavg], each read from `variable_file`",
    },
    Param {
        name: "variable_file",
        kind: ParamKind::Text,
        default: Default::Absent,
        doc: "a variable's NetCDF file relative to root, {variable} standing for its name (default \"meteo/{variable}/{variable}.nc\")",
    },
    Param {
        name: "gauge_file",
        kind: ParamKind::Text,
        default: Default::Absent,
        doc: "a basin's discharge file (mHM gauge format, m3/s, -9999 missing) relative to root (default \"gauge/{basin}.txt\")",
    },
    Param {
        name: "layout",
        kind: ParamKind::Choice(&["grid", "basin_mean"]),
        default: Default::Name("grid"),
        doc: "grid: every cell of every variable is an input (named like pre[3,2]; for cnn_lstm); basin_mean: the mean of each variable over the domain's cells",
    },
    Param {
        name: "area",
        kind: ParamKind::Number { min: 1e-6, max: 1e8 },
        default: Default::Absent,
        doc: "basin area in km^2: the discharge target is then runoff in mm/day instead of m3/s",
    },
]);

/// The `gridded` data-source constructor.
pub const GRIDDED: CallSpec = CallSpec {
    name: "gridded",
    doc: "gridded daily forcing (NetCDF, time x y x x) with a gauge discharge series per basin: every cell as an input, or basin means",
    params: &PARAMS,
};
