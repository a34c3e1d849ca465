//! `daily_csv`: a folder of per-basin daily CSV files of any layout (header or not, any
//! delimiter and date format, inputs and targets in one file or two).

use super::periods::with_periods;
use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// The delimiters a script can name.
pub const DELIMITERS: &[&str] = &["comma", "semicolon", "tab", "whitespace"];

/// Units of target columns: kept as they are (`mm_per_day`) or converted to mm/day with `area`.
pub const TARGET_UNITS: &[&str] = &["mm_per_day", "m3_per_s", "cfs"];

const PARAMS: [Param; 19] = with_periods([
    Param {
        name: "root",
        kind: ParamKind::Path,
        default: Default::Required,
        doc: "the folder of the files, e.g. data_dir(\"mopex30\")",
    },
    Param {
        name: "basins",
        kind: ParamKind::Basins,
        default: Default::Required,
        doc: "basin ids as strings, substituted for {basin} in `file`: [\"25\", \"43\"] or basin_file(\"basins.txt\") (relative to root)",
    },
    Param {
        name: "file",
        kind: ParamKind::Text,
        default: Default::Absent,
        doc: "a basin's file relative to root, {basin} standing for its id (default \"{basin}.csv\"), e.g. \"{basin}_30years.csv\" or \"{basin}/meteo.csv\"",
    },
    Param {
        name: "target_file",
        kind: ParamKind::Text,
        default: Default::Absent,
        doc: "a basin's file of the targets when they are not in `file` (same pattern), e.g. \"{basin}/discharge.csv\"",
    },
    Param {
        name: "columns",
        kind: ParamKind::Names(None),
        default: Default::Absent,
        doc: "column names of files without a header line, e.g. [Year, Month, Day, P, Ep, Q, Qs, Qu] for MOPEX",
    },
    Param {
        name: "date",
        kind: ParamKind::Names(None),
        default: Default::Absent,
        doc: "the date column [date] or the year, month and day columns [Year, Month, Day] (default: a column named date, else year/month/day columns)",
    },
    Param {
        name: "date_format",
        kind: ParamKind::Text,
        default: Default::Absent,
        doc: "chrono format of a single date column, e.g. \"%d/%m/%Y\" (default: detected among %Y-%m-%d, %d/%m/%Y, %m/%d/%Y, %d.%m.%Y, %Y/%m/%d)",
    },
    Param {
        name: "delimiter",
        kind: ParamKind::Choice(DELIMITERS),
        default: Default::Absent,
        doc: "cell separator (default: detected from the first line)",
    },
    Param {
        name: "missing",
        kind: ParamKind::Texts,
        default: Default::Absent,
        doc: "cells marking a missing value (default [\"-999\", \"-9999\", \"NaN\", \"\"]; numbers match any spelling, -999.0 included)",
    },
    Param {
        name: "inputs",
        kind: ParamKind::Names(None),
        default: Default::Required,
        doc: "input columns (a unit in parentheses may be left out: precip finds precip(mm/day))",
    },
    Param {
        name: "target",
        kind: ParamKind::Name,
        default: Default::Absent,
        doc: "the target column, e.g. Q; set `target` or `targets`",
    },
    Param {
        name: "targets",
        kind: ParamKind::Names(None),
        default: Default::Absent,
        doc: "several target columns",
    },
    Param {
        name: "target_units",
        kind: ParamKind::Choice(TARGET_UNITS),
        default: Default::Name("mm_per_day"),
        doc: "unit of the target columns: mm_per_day (kept), m3_per_s or cfs (converted to mm/day with `area`)",
    },
    Param {
        name: "area",
        kind: ParamKind::Number { min: 1e-6, max: 1e8 },
        default: Default::Absent,
        doc: "basin area in km^2 (the same for every basin of the data set), needed when target_units is m3_per_s or cfs",
    },
]);

/// The `daily_csv` data-source constructor.
pub const DAILY_CSV: CallSpec = CallSpec {
    name: "daily_csv",
    doc: "per-basin daily CSV files: columns by name (or given for headerless files), date and delimiter detected or given",
    params: &PARAMS,
};
