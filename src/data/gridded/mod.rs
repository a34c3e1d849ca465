//! Gridded forcing in NetCDF files, dimensions (time, y, x), with a separate gauge series:
//! the inputs of a CNN-LSTM, and their basin means for a lumped LSTM on the same data.
//!
//! - [`daily`]: several daily variables (e.g. mHM's `pre` and `tavg`) over a period as one
//!   [`GriddedForcing`], and basin means per day;
//! - [`monthly`]: a monthly variable (e.g. mHM's `et.nc`) as a [`MonthlyGrid`];
//! - [`gauge`]: daily discharge of an mHM gauge file, in m^3/s or mm/day;
//! - [`basin_mean_record`]: the basin means and the gauge as a [`BasinRecord`].
//!
//! Missing values: a cell that holds a fill or missing value on every step read lies outside
//! the domain (the grid masks it) and is NaN, excluded from basin means; a cell missing on some
//! steps only is an error naming the file, variable, date and cell. Time is decoded from the
//! CF `units` of the time coordinate (`days since ...`, `hours since ...`).

mod cf_time;
pub mod daily;
pub mod gauge;
mod grid;
pub mod monthly;

use std::path::Path;

pub use daily::{cell_name, parse_cell_name, read_forcing, GridVariable, GriddedForcing};
pub use gauge::{read_gauge, DischargeUnit, GaugeSeries};
pub use monthly::{read_monthly, MonthlyGrid};

use super::error::DataError;
use super::record::BasinRecord;

/// The record of `basin` for a lumped model: the basin means of `forcing` as inputs and the
/// discharge of the gauge file `gauge_path` over the same days as the target, in `unit`
/// (converted to mm/day with `area_km2` if asked; `area_km2` is recorded either way). Days
/// without discharge are NaN.
pub fn basin_mean_record(
    basin: &str,
    forcing: &GriddedForcing,
    gauge_path: &Path,
    unit: DischargeUnit,
    area_km2: f64,
) -> Result<BasinRecord, DataError> {
    let record = BasinRecord {
        basin: basin.to_string(),
        dates: forcing.dates.clone(),
        inputs: forcing.basin_means(),
        input_names: forcing.variables.clone(),
        targets: Vec::new(),
        target_names: vec![unit.target_name().to_string()],
        area_km2,
    };
    let Some(period) = record.period() else {
        return Ok(BasinRecord {
            targets: vec![Vec::new()],
            ..record
        });
    };
    let gauge = read_gauge(gauge_path, period)?;
    Ok(BasinRecord {
        targets: vec![gauge.values(unit, area_km2)],
        ..record
    })
}
