//! Parsing the fields of CAMELS-US text rows, with errors that name the file, line and column.

use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;

use super::super::error::DataError;

/// The date written as the three fields `year month day` (zero-padded or not).
pub(super) fn date(
    year: &str,
    month: &str,
    day: &str,
    path: &Path,
    line: usize,
) -> Result<NaiveDate, DataError> {
    let parsed = match (year.parse(), month.parse(), day.parse()) {
        (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    parsed.ok_or_else(|| {
        DataError::malformed(
            path,
            line,
            format!("`{year} {month} {day}` is not a valid date (year month day)"),
            "each row starts with the year, month and day of the observation",
        )
    })
}

/// The finite number in `field`, found in column `column`.
pub(super) fn number<T>(field: &str, column: &str, path: &Path, line: usize) -> Result<T, DataError>
where
    T: FromStr + Copy + Into<f64>,
{
    match field.parse::<T>() {
        Ok(v) if v.into().is_finite() => Ok(v),
        _ => Err(DataError::malformed(
            path,
            line,
            format!("`{field}` is not a number in column {column}"),
            "every value must be a finite decimal number",
        )),
    }
}

/// An error for a row with `found` fields where `expected` were due.
pub(super) fn column_count(path: &Path, line: usize, expected: usize, found: usize) -> DataError {
    DataError::malformed(
        path,
        line,
        format!("expected {expected} columns, found {found}"),
        "every row must have one value per column of the header, separated by whitespace",
    )
}

/// An error for a row whose date does not come after the previous row's.
pub(super) fn out_of_order(
    path: &Path,
    line: usize,
    date: NaiveDate,
    previous: NaiveDate,
) -> DataError {
    DataError::malformed(
        path,
        line,
        format!("date {date} does not follow the previous row's date {previous}"),
        "rows must be in increasing date order, one row per day",
    )
}
