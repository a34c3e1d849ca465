//! CAMELS' SAC-SMA + Snow-17 benchmark model output, read as extra target series.
//!
//! A file `model_output/flow_timeseries/daymet/<huc_02>/<gauge>_05_model_output.txt` has a
//! header `YR MNTH DY HR SWE PRCP RAIM TAIR PET ET MOD_RUN OBS_RUN` and one whitespace-separated
//! row per day (mm/day; `SWE` in mm, `TAIR` in degrees C).
//!
//! Every column is a product of the calibrated conceptual model (SAC-SMA soil moisture
//! accounting with Snow-17), run on Daymet forcing, except `OBS_RUN` (observed runoff) and the
//! forcing columns. In particular `ET` is *modelled* actual evapotranspiration: in multi-task
//! experiments it stands in for an actual-evaporation product such as GLEAM, and results
//! should say so. `OBS_RUN` is `0` on days without a USGS observation (e.g. 01031500 in late
//! 2014), so the streamflow files, not `OBS_RUN`, are the observed target.
//!
//! Values of `-999` or `-9999` are missing (`NaN`); days the file does not cover are `NaN`.

use std::path::{Path, PathBuf};

use super::super::daily_csv::{CsvFormat, DailyTable, DateColumns, Delimiter};
use super::super::error::DataError;
use super::super::record::BasinRecord;
use super::CamelsUs;

/// The value columns of a model output file, after the date columns `YR MNTH DY HR`.
pub const MODEL_OUTPUT_COLUMNS: [&str; 8] = [
    "SWE", "PRCP", "RAIM", "TAIR", "PET", "ET", "MOD_RUN", "OBS_RUN",
];

/// The directory of the model output files (Daymet-forced runs).
pub fn model_output_dir(camels: &CamelsUs) -> PathBuf {
    camels
        .root
        .join("model_output")
        .join("flow_timeseries")
        .join("daymet")
}

/// The model output file of `basin` (any HUC sub-folder), or a basin-not-found error
/// suggesting a basin present.
pub fn model_output_file(camels: &CamelsUs, basin: &str) -> Result<PathBuf, DataError> {
    super::find(
        &model_output_dir(camels),
        basin,
        "_05_model_output.txt",
        "SAC-SMA model output file",
    )
}

/// Reads a model output file (columns found by name, ignoring case: `et` finds `ET`).
pub fn read_model_output(path: &Path) -> Result<DailyTable, DataError> {
    let format = CsvFormat {
        date: DateColumns::Split {
            year: "YR".to_string(),
            month: "MNTH".to_string(),
            day: "DY".to_string(),
        },
        delimiter: Some(Delimiter::Whitespace),
        ..CsvFormat::default()
    };
    DailyTable::read(path, &format)
}

/// Appends the model output columns `columns` of `path` (e.g. `["ET"]`) to the targets of
/// `record`, aligned to its dates and named as requested; days without a value are `NaN`.
///
/// Errors if a column is not in the file (with a suggestion) or a row is malformed.
pub fn add_model_targets(
    record: &mut BasinRecord,
    path: &Path,
    columns: &[String],
) -> Result<(), DataError> {
    let Some(period) = record.period() else {
        return Ok(());
    };
    let table = read_model_output(path)?;
    record.targets.extend(table.targets(columns, period)?);
    record.target_names.extend(columns.iter().cloned());
    Ok(())
}
