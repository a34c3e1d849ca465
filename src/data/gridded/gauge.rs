//! Daily discharge of a gauge in mHM's gauge format.
//!
//! A file such as `input/gauge/00398.txt` has five header lines:
//! ```text
//! 00398:GAUGE 1 (Abfluss)     DAILY
//! nodata  -9999
//! n       1       measurements per day [1, 1440]
//! start  1990  01  01  00  00   (YYYY MM DD HH MM)
//! end    1993  12  31  00  00   (YYYY MM DD HH MM)
//! ```
//! then one row per day, `YYYY MM DD HH MM discharge`, discharge in m^3/s. The `nodata` value
//! marks a missing day.

use std::path::Path;

use chrono::NaiveDate;

use super::super::error::DataError;
use super::super::period::DateRange;

/// Number of header lines of a gauge file.
const HEADER_LINES: usize = 5;

/// The discharge of a gauge over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugeSeries {
    /// The days of the period.
    pub dates: Vec<NaiveDate>,
    /// Discharge in m^3/s per day; NaN where missing (the `nodata` value, or no row).
    pub discharge_m3s: Vec<f32>,
}

/// The unit a gauge's discharge is given in as a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DischargeUnit {
    /// m^3/s, as in the gauge file.
    CubicMetresPerSecond,
    /// Runoff depth in mm/day over the basin area.
    MillimetresPerDay,
}

impl DischargeUnit {
    /// The name of the discharge target in this unit.
    pub fn target_name(self) -> &'static str {
        match self {
            DischargeUnit::CubicMetresPerSecond => "discharge_m3s",
            DischargeUnit::MillimetresPerDay => "discharge_mm_day",
        }
    }
}

/// Discharge in m^3/s as runoff depth in mm/day over a basin of `area_km2` km^2:
/// `q * 86400 s / (area_km2 * 1e6 m^2) * 1000 mm/m`.
pub fn m3s_to_mm_per_day(q: f64, area_km2: f64) -> f64 {
    q * 86_400.0 / (area_km2 * 1e6) * 1000.0
}

impl GaugeSeries {
    /// The discharge in `unit` (`area_km2` converts to mm/day; unused for m^3/s).
    pub fn values(&self, unit: DischargeUnit, area_km2: f64) -> Vec<f32> {
        match unit {
            DischargeUnit::CubicMetresPerSecond => self.discharge_m3s.clone(),
            DischargeUnit::MillimetresPerDay => self
                .discharge_m3s
                .iter()
                .map(|&q| m3s_to_mm_per_day(f64::from(q), area_km2) as f32)
                .collect(),
        }
    }
}

/// Reads the discharge of the gauge file `path` for every day of `period`; days that are
/// missing or outside the file's rows are NaN.
///
/// Errors if the header is not the mHM gauge header with one measurement per day, or a row is
/// malformed or not after the previous row.
pub fn read_gauge(path: impl AsRef<Path>, period: DateRange) -> Result<GaugeSeries, DataError> {
    let path = path.as_ref();
    if period.days() == 0 {
        return Err(DataError::EmptyPeriod { period });
    }
    let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
    let lines: Vec<&str> = text.lines().collect();
    let keyword = |n: usize, key: &str| -> Result<Vec<&str>, DataError> {
        let fields: Vec<&str> = lines
            .get(n - 1)
            .map_or(Vec::new(), |l| l.split_whitespace().collect());
        match fields.split_first() {
            Some((first, rest)) if first.eq_ignore_ascii_case(key) && !rest.is_empty() => {
                Ok(rest.to_vec())
            }
            _ => Err(header_error(path, n, key)),
        }
    };
    let nodata: f64 = keyword(2, "nodata")?[0]
        .parse()
        .map_err(|_| header_error(path, 2, "nodata"))?;
    if keyword(3, "n")?[0] != "1" {
        return Err(DataError::malformed(
            path,
            3,
            "the gauge has more than one measurement per day",
            "only daily gauge series (`n 1`) are supported",
        ));
    }
    keyword(4, "start")?;
    keyword(5, "end")?;
    let mut discharge = vec![f32::NAN; period.days()];
    let mut previous: Option<NaiveDate> = None;
    for (i, line) in lines.iter().enumerate().skip(HEADER_LINES) {
        let n = i + 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let (date, value) = parse_row(&fields, path, n)?;
        if previous.is_some_and(|p| date <= p) {
            return Err(DataError::malformed(
                path,
                n,
                format!("date {date} does not follow the previous row's date"),
                "rows must be in increasing date order, one row per day",
            ));
        }
        previous = Some(date);
        if period.contains(date) && value != nodata {
            discharge[(date - period.start).num_days() as usize] = value as f32;
        }
    }
    Ok(GaugeSeries {
        dates: period.start.iter_days().take(period.days()).collect(),
        discharge_m3s: discharge,
    })
}

/// The date and discharge of a row `YYYY MM DD HH MM value`.
fn parse_row(fields: &[&str], path: &Path, line: usize) -> Result<(NaiveDate, f64), DataError> {
    let [y, m, d, _, _, value] = fields else {
        return Err(DataError::malformed(
            path,
            line,
            format!(
                "expected 6 fields (YYYY MM DD HH MM discharge), found {}",
                fields.len()
            ),
            "each row holds a date, an hour, a minute and the discharge in m3/s",
        ));
    };
    let date = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    let Some(date) = date else {
        return Err(DataError::malformed(
            path,
            line,
            format!("`{y} {m} {d}` is not a valid date (year month day)"),
            "each row starts with the year, month and day",
        ));
    };
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((date, v)),
        _ => Err(DataError::malformed(
            path,
            line,
            format!("`{value}` is not a number (discharge in m3/s)"),
            "the last field of a row is the discharge, or the nodata value",
        )),
    }
}

/// An error for header line `line`, which should start with `key`.
fn header_error(path: &Path, line: usize, key: &str) -> DataError {
    DataError::malformed(
        path,
        line,
        format!("expected the header line `{key} <value>`"),
        "an mHM gauge file has 5 header lines: name, `nodata`, `n`, `start`, `end`",
    )
}
