//! `caravan`: the Caravan layout (Kratzert et al. 2023): one daily CSV file per basin under
//! `timeseries/csv/<source>/` (ERA5-Land variables and streamflow in mm/day) and attribute
//! tables under `attributes/<source>/`.

use super::periods::with_periods;
use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

const PARAMS: [Param; 11] = with_periods([
    Param {
        name: "root",
        kind: ParamKind::Path,
        default: Default::Required,
        doc: "folder holding timeseries/csv/<source>/ and attributes/<source>/, e.g. data_dir(\"caravan\")",
    },
    Param {
        name: "basins",
        kind: ParamKind::Basins,
        default: Default::Required,
        doc: "Caravan basin ids `<source>_<gauge id>`: [\"camelsch_4001\", ...] or basin_file(\"basins.txt\") (relative to root)",
    },
    Param {
        name: "inputs",
        kind: ParamKind::Names(None),
        default: Default::Required,
        doc: "time-series columns used as dynamic inputs, e.g. [total_precipitation_sum, temperature_2m_mean, potential_evaporation_sum] (checked against each file's header)",
    },
    Param {
        name: "statics",
        kind: ParamKind::Names(None),
        default: Default::EmptyList,
        doc: "attributes of the tables in attributes/<source>/ (e.g. area, p_mean, aridity), concatenated to every step",
    },
    Param {
        name: "target",
        kind: ParamKind::Name,
        default: Default::Absent,
        doc: "the predicted column (default streamflow, mm/day); set `target` or `targets`, not both",
    },
    Param {
        name: "targets",
        kind: ParamKind::Names(None),
        default: Default::Absent,
        doc: "several predicted columns, e.g. [streamflow, volumetric_soil_water_layer_1_mean]",
    },
]);

/// The `caravan` data-source constructor.
pub const CARAVAN: CallSpec = CallSpec {
    name: "caravan",
    doc: "Caravan basins: ERA5-Land daily inputs by column name, streamflow (mm/day) and attribute tables",
    params: &PARAMS,
};
