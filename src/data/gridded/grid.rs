//! Reading one gridded variable `(time, y, x)` of a NetCDF file, with its time axis decoded
//! and its fill and missing values recognised.
//!
//! A value is missing when it equals the variable's `_FillValue` or one of its
//! `missing_value`s (numbers, or a number written as text), or is NaN; without `_FillValue`,
//! netCDF's default fill for floating-point variables counts as well. Packed variables are
//! unpacked with `scale_factor` and `add_offset`. `valid_min`/`valid_max`/`valid_range` are
//! not applied. Only the standard (proleptic) Gregorian calendar is supported.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use netcdf::AttributeValue;

use super::super::error::DataError;
use super::cf_time::TimeUnits;

/// netCDF's default fill value of `double` variables.
const DEFAULT_FILL_DOUBLE: f64 = 9.969_209_968_386_869e36;
/// netCDF's default fill value of `float` variables.
const DEFAULT_FILL_FLOAT: f32 = 9.969_21e36;

/// The calendars decoded as the proleptic Gregorian calendar.
const CALENDARS: [&str; 3] = ["standard", "gregorian", "proleptic_gregorian"];

/// Some time steps of one gridded variable.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    /// The file.
    pub path: PathBuf,
    /// The variable name.
    pub variable: String,
    /// The instants of the steps read.
    pub times: Vec<NaiveDateTime>,
    /// Number of rows (second dimension).
    pub ny: usize,
    /// Number of columns (third dimension).
    pub nx: usize,
    /// The values, `[(step * ny + y) * nx + x]`, unpacked; missing values as written.
    pub values: Vec<f64>,
    /// The values meaning "missing".
    markers: Vec<f64>,
}

/// An error about the structure of `path`.
pub(super) fn structure_error(path: &Path, message: impl Into<String>) -> DataError {
    DataError::NetCdf {
        path: path.to_path_buf(),
        message: message.into(),
        help: "a gridded variable has the dimensions (time, y, x), and its time coordinate CF \
               `units` such as `days since 1989-01-01`"
            .to_string(),
    }
}

/// An error from the netCDF library while reading `path`.
fn library_error(path: &Path, error: netcdf::Error) -> DataError {
    DataError::NetCdf {
        path: path.to_path_buf(),
        message: error.to_string(),
        help: "check that the file is a complete NetCDF file".to_string(),
    }
}

/// The numbers of an attribute value (a number written as text counts).
fn numbers(value: AttributeValue) -> Vec<f64> {
    match value {
        AttributeValue::Str(s) => s.trim().parse().ok().into_iter().collect(),
        AttributeValue::Strs(v) => v.iter().filter_map(|s| s.trim().parse().ok()).collect(),
        AttributeValue::Doubles(v) => v,
        AttributeValue::Floats(v) => v.into_iter().map(f64::from).collect(),
        AttributeValue::Ints(v) => v.into_iter().map(f64::from).collect(),
        AttributeValue::Shorts(v) => v.into_iter().map(f64::from).collect(),
        other => f64::try_from(other).ok().into_iter().collect(),
    }
}

/// The text of an attribute value.
fn text(value: AttributeValue) -> Option<String> {
    match value {
        AttributeValue::Str(s) => Some(s),
        _ => None,
    }
}

impl Grid {
    /// Reads the steps of `variable` in `path` selected by `select`, which is given the
    /// decoded instants of all steps and returns the range of steps to read.
    pub(super) fn read(
        path: &Path,
        variable: &str,
        select: impl FnOnce(&[NaiveDateTime]) -> Result<Range<usize>, DataError>,
    ) -> Result<Grid, DataError> {
        let file = netcdf::open(path).map_err(|e| library_error(path, e))?;
        let Some(var) = file.variable(variable) else {
            let names: Vec<String> = file.variables().map(|v| v.name()).collect();
            return Err(DataError::NetCdf {
                path: path.to_path_buf(),
                message: format!(
                    "no variable `{variable}`; the variables are {}",
                    names.join(", ")
                ),
                help: super::super::error::did_you_mean(
                    variable,
                    names.iter().map(String::as_str),
                    "give the name of a (time, y, x) variable of the file",
                ),
            });
        };
        let dims = var.dimensions();
        let [time_dim, y_dim, x_dim] = dims else {
            return Err(structure_error(
                path,
                format!(
                    "`{variable}` has {} dimensions, not (time, y, x)",
                    dims.len()
                ),
            ));
        };
        let (ny, nx) = (y_dim.len(), x_dim.len());
        let all_times = read_times(&file, &time_dim.name(), path)?;
        let steps = select(&all_times)?;
        let values: Vec<f64> = if steps.is_empty() {
            Vec::new()
        } else {
            var.get_values::<f64, _>([steps.clone(), 0..ny, 0..nx])
                .map_err(|e| library_error(path, e))?
        };
        let attribute = |name: &str| var.attribute_value(name).and_then(Result::ok);
        let mut markers: Vec<f64> = Vec::new();
        match attribute("_FillValue") {
            Some(fill) => markers.extend(numbers(fill)),
            None => markers.extend([DEFAULT_FILL_DOUBLE, f64::from(DEFAULT_FILL_FLOAT)]),
        }
        if let Some(missing) = attribute("missing_value") {
            markers.extend(numbers(missing));
        }
        let scale = attribute("scale_factor").and_then(|v| numbers(v).first().copied());
        let offset = attribute("add_offset").and_then(|v| numbers(v).first().copied());
        let mut grid = Grid {
            path: path.to_path_buf(),
            variable: variable.to_string(),
            times: all_times[steps].to_vec(),
            ny,
            nx,
            values,
            markers,
        };
        if scale.is_some() || offset.is_some() {
            let (scale, offset) = (scale.unwrap_or(1.0), offset.unwrap_or(0.0));
            for i in 0..grid.values.len() {
                if !grid.is_missing(grid.values[i]) {
                    grid.values[i] = grid.values[i] * scale + offset;
                }
            }
        }
        Ok(grid)
    }

    /// Whether `value` (as stored) is missing.
    pub(super) fn is_missing(&self, value: f64) -> bool {
        value.is_nan() || self.markers.contains(&value)
    }

    /// The cells inside the domain, `[y * nx + x]`: those with a value on at least one step.
    ///
    /// A cell missing on every step read lies outside the domain; a cell missing on some steps
    /// only is an error ([`DataError::MissingGridValue`]) naming the first such step.
    pub(super) fn domain(&self) -> Result<Vec<bool>, DataError> {
        let cells = self.ny * self.nx;
        let mut valid = vec![false; cells];
        let mut first_missing: Vec<Option<usize>> = vec![None; cells];
        for (step, frame) in self.values.chunks(cells.max(1)).enumerate() {
            for (cell, &v) in frame.iter().enumerate() {
                if self.is_missing(v) {
                    first_missing[cell].get_or_insert(step);
                } else {
                    valid[cell] = true;
                }
            }
        }
        for cell in 0..cells {
            if let (true, Some(step)) = (valid[cell], first_missing[cell]) {
                return Err(DataError::MissingGridValue {
                    variable: self.variable.clone(),
                    path: self.path.clone(),
                    date: self.times[step].date(),
                    y: cell / self.nx,
                    x: cell % self.nx,
                    value: self.values[step * cells + cell],
                });
            }
        }
        Ok(valid)
    }

    /// The values as `f32`, NaN where missing.
    pub(super) fn to_f32(&self) -> Vec<f32> {
        self.values
            .iter()
            .map(|&v| {
                if self.is_missing(v) {
                    f32::NAN
                } else {
                    v as f32
                }
            })
            .collect()
    }
}

/// The decoded instants of the time coordinate `name`, checked to increase.
fn read_times(
    file: &netcdf::File,
    name: &str,
    path: &Path,
) -> Result<Vec<NaiveDateTime>, DataError> {
    let Some(time) = file.variable(name) else {
        return Err(structure_error(
            path,
            format!("no coordinate variable `{name}` for the time dimension"),
        ));
    };
    let attribute = |a: &str| time.attribute_value(a).and_then(Result::ok).and_then(text);
    let Some(units) = attribute("units") else {
        return Err(structure_error(
            path,
            format!("the time coordinate `{name}` has no `units`"),
        ));
    };
    if let Some(calendar) = attribute("calendar") {
        if !CALENDARS.contains(&calendar.to_ascii_lowercase().as_str()) {
            return Err(structure_error(
                path,
                format!(
                    "calendar `{calendar}` of `{name}` is not supported (only {})",
                    CALENDARS.join(", ")
                ),
            ));
        }
    }
    let Some(decoder) = TimeUnits::parse(&units) else {
        return Err(structure_error(
            path,
            format!("cannot read the time units `{units}` of `{name}`"),
        ));
    };
    let raw: Vec<f64> = time
        .get_values::<f64, _>(..)
        .map_err(|e| library_error(path, e))?;
    let mut times = Vec::with_capacity(raw.len());
    for (i, &value) in raw.iter().enumerate() {
        let Some(instant) = decoder.decode(value) else {
            return Err(structure_error(
                path,
                format!("time step {i} ({value} {units}) is not a valid instant"),
            ));
        };
        if let Some(&previous) = times.last() {
            if instant <= previous {
                return Err(structure_error(
                    path,
                    format!(
                        "time step {i} ({instant}) does not follow the previous step ({previous})"
                    ),
                ));
            }
        }
        times.push(instant);
    }
    Ok(times)
}

/// Checks that each of `times` falls on the day after the previous one.
pub(super) fn check_daily(times: &[NaiveDateTime], path: &Path) -> Result<(), DataError> {
    for (i, pair) in times.windows(2).enumerate() {
        let (a, b): (NaiveDate, NaiveDate) = (pair[0].date(), pair[1].date());
        if a.succ_opt() != Some(b) {
            return Err(structure_error(
                path,
                format!(
                    "time step {} is {b}, not the day after {a}: the variable is not daily",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}
