//! `camels_us`: the CAMELS-US data set as distributed by NCAR (Newman et al. 2015, Addor et al. 2017).

use super::periods::with_periods;
use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// Forcing variables of the CAMELS-US basin-mean forcing files.
pub const FORCING_VARIABLES: &[&str] = &["dayl", "prcp", "srad", "swe", "tmax", "tmin", "vp"];

/// Targets of a CAMELS-US data set: observed streamflow, and columns of CAMELS' SAC-SMA +
/// Snow-17 model output (`model_output/`), which are model products.
pub const CAMELS_TARGETS: &[&str] = &["streamflow", "et", "pet", "swe", "mod_run"];

const PARAMS: [Param; 12] = with_periods([
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
        kind: ParamKind::Choice(CAMELS_TARGETS),
        default: Default::Absent,
        doc: "the predicted variable (default streamflow: USGS streamflow converted to mm/day); set `target` or `targets`, not both",
    },
    Param {
        name: "targets",
        kind: ParamKind::Names(Some(CAMELS_TARGETS)),
        default: Default::Absent,
        doc: "several predicted variables, e.g. [streamflow, et]: streamflow is the USGS observation (mm/day); et, pet, swe and mod_run are columns of CAMELS' SAC-SMA + Snow-17 output in model_output/ (Daymet-forced, mm/day, swe mm). This et is a model product standing in for an actual-evaporation product such as GLEAM",
    },
]);

/// The `camels_us` data-source constructor.
pub const CAMELS_US: CallSpec = CallSpec {
    name: "camels_us",
    doc: "CAMELS-US basins: basin-mean forcings, USGS streamflow (mm/day) and static attributes",
    params: &PARAMS,
};
