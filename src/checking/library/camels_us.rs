//! `camels_us`: the CAMELS-US data set as distributed by NCAR (Newman et al. 2015, Addor et al. 2017).

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// Forcing variables of the CAMELS-US basin-mean forcing files.
pub const FORCING_VARIABLES: &[&str] = &["dayl", "prcp", "srad", "swe", "tmax", "tmin", "vp"];

/// The `camels_us` data-source constructor.
pub const CAMELS_US: CallSpec = CallSpec {
    name: "camels_us",
    doc: "CAMELS-US basins: basin-mean forcings, USGS streamflow (mm/day) and static attributes",
    params: &[
        Param {
            name: "root",
            kind: ParamKind::Path,
            default: Default::Required,
            doc: "folder holding basin_mean_forcing/, usgs_streamflow/ and camels_attributes_v2.0/, e.g. data_dir(\"camels_us\")",
        },
        Param {
            name: "basins",
            kind: ParamKind::Basins,
            default: Default::Required,
            doc: "the basins: [\"01013500\", ...] or basin_file(\"basins.txt\") (relative to root)",
        },
        Param {
            name: "forcing",
            kind: ParamKind::Choice(&["daymet", "maurer", "maurer_extended", "nldas"]),
            default: Default::Name("nldas"),
            doc: "which meteorological forcing product to read",
        },
        Param {
            name: "inputs",
            kind: ParamKind::Names(Some(FORCING_VARIABLES)),
            default: Default::Required,
            doc: "dynamic inputs, e.g. [prcp, srad, tmax, tmin, vp]",
        },
        Param {
            name: "statics",
            kind: ParamKind::Names(None),
            default: Default::EmptyList,
            doc: "static attributes from the CAMELS attribute tables, concatenated to every step",
        },
        Param {
            name: "target",
            kind: ParamKind::Choice(&["streamflow"]),
            default: Default::Name("streamflow"),
            doc: "the predicted variable (USGS streamflow converted to mm/day)",
        },
        Param {
            name: "train",
            kind: ParamKind::Period,
            default: Default::Required,
            doc: "training period, e.g. 1999-10-01..2008-09-30",
        },
        Param {
            name: "validation",
            kind: ParamKind::Period,
            default: Default::Absent,
            doc: "validation period",
        },
        Param {
            name: "test",
            kind: ParamKind::Period,
            default: Default::Absent,
            doc: "test period, e.g. 2008-10-01..2013-09-30",
        },
        Param {
            name: "lookback",
            kind: ParamKind::Integer { min: 1, max: 10_000 },
            default: Default::Integer(365),
            doc: "days of input the model sees before each predicted day",
        },
        Param {
            name: "scaling",
            kind: ParamKind::Choice(&["zscore", "minmax"]),
            default: Default::Name("zscore"),
            doc: "normalisation by training-period statistics: zscore (mean, std) or minmax (to [0, 1]); mass inputs of an mclstm and the inputs of exphydro stay unscaled",
        },
    ],
};
