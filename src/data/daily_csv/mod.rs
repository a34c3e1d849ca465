//! A generic per-basin daily CSV file: one row per day, columns named in a header line (or
//! given by the caller for a file without one), read by name.
//!
//! The caller states, or leaves to detection:
//! - the date: one column in a chrono format (detected among [`DATE_FORMATS`] when not
//!   given; dates that fit several formats are an error asking for the format), or separate
//!   year, month and day columns (see [`DateColumns`]);
//! - the delimiter (detected among `,`, `;`, tab and whitespace; see [`Delimiter`]);
//! - the column names of a headerless file (e.g. MOPEX: `Year,Month,Day,P,Ep,Q,Qs,Qu`);
//! - the missing-value markers (default [`DEFAULT_MISSING`]: `-999`, `-9999`, `NaN`, empty;
//!   numeric markers match any spelling of the same number, `-999.00` included).
//!
//! Rows must be in increasing date order. Inputs must be complete over the requested period:
//! a day without a row is a [`DataError::ForcingGap`], a missing value a
//! [`DataError::MissingInput`] naming the file, line and column. Targets may have gaps: a
//! missing value or a day without a row is `NaN`. Inputs and targets may come from different
//! files (CAMELS-CH keeps meteorology in `meteo.csv` and discharge in `discharge.csv`).

mod columns;
mod dates;
mod series;
pub(in crate::data) mod tokens;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use dates::{DateColumns, DATE_FORMATS};
pub use tokens::Delimiter;

use super::error::DataError;
use super::period::DateRange;
use super::record::BasinRecord;
use dates::DateReader;
use tokens::Row;

/// The missing-value markers used unless others are given.
pub const DEFAULT_MISSING: [&str; 4] = ["-999", "-9999", "NaN", ""];

/// How to read a daily CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFormat {
    /// How the date of a row is written.
    pub date: DateColumns,
    /// The delimiter, or `None` to detect it from the first line.
    pub delimiter: Option<Delimiter>,
    /// The column names of a file without header line; `None` reads them from the first line.
    pub column_names: Option<Vec<String>>,
    /// Cells marking a missing value (compared as numbers when both are numbers, as text
    /// ignoring case otherwise).
    pub missing: Vec<String>,
}

impl Default for CsvFormat {
    /// Everything detected, a header line, the [`DEFAULT_MISSING`] markers.
    fn default() -> Self {
        CsvFormat {
            date: DateColumns::Detect,
            delimiter: None,
            column_names: None,
            missing: DEFAULT_MISSING.map(String::from).to_vec(),
        }
    }
}

/// A daily file read into memory: its columns and its dated rows.
#[derive(Debug, Clone)]
pub struct DailyTable {
    path: PathBuf,
    names: Vec<String>,
    dates: Vec<NaiveDate>,
    rows: Vec<Row>,
    missing: Vec<String>,
}

impl DailyTable {
    /// Reads `path` as described by `format`.
    ///
    /// Errors if the file cannot be read, has no data row, a row has another number of cells
    /// than the header, a date is invalid or not after the previous row's, or the date format
    /// cannot be told.
    pub fn read(path: impl AsRef<Path>, format: &CsvFormat) -> Result<Self, DataError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
        let delimiter = format.delimiter.unwrap_or_else(|| Delimiter::detect(&text));
        let mut rows = tokens::split_rows(&text, delimiter, path)?;
        let names: Vec<String> = match &format.column_names {
            Some(names) => names.clone(),
            None if rows.is_empty() => Vec::new(),
            None => rows.remove(0).cells.iter().map(String::from).collect(),
        };
        if rows.is_empty() {
            return Err(DataError::malformed(
                path,
                1,
                "the file has no data rows",
                "a daily file needs a header (or given column names) and one row per day",
            ));
        }
        for row in &rows {
            if row.cells.len() != names.len() {
                return Err(DataError::malformed(
                    path,
                    row.line,
                    format!("expected {} cells, found {}", names.len(), row.cells.len()),
                    format!("every row has one cell per column ({})", names.join(", ")),
                ));
            }
        }
        let reader = DateReader::resolve(&format.date, &names, &rows, path)?;
        let mut dates: Vec<NaiveDate> = Vec::with_capacity(rows.len());
        for row in &rows {
            let date = reader.date(row, path)?;
            if let Some(&previous) = dates.last() {
                if date <= previous {
                    return Err(DataError::malformed(
                        path,
                        row.line,
                        format!("date {date} does not follow the previous row's date {previous}"),
                        "rows must be in increasing date order, one row per day",
                    ));
                }
            }
            dates.push(date);
        }
        Ok(DailyTable {
            path: path.to_path_buf(),
            names,
            dates,
            rows,
            missing: format.missing.clone(),
        })
    }

    /// The file the table was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The column names, date columns included.
    pub fn columns(&self) -> &[String] {
        &self.names
    }

    /// The dates of the rows, increasing (days without a row are absent).
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// The days from the first row to the last.
    pub fn period(&self) -> DateRange {
        // `read` guarantees at least one row.
        DateRange::new(self.dates[0], self.dates[self.dates.len() - 1])
    }
}

/// The record of `basin` over exactly `period`: the columns `input_names` of `inputs`
/// (complete, see [`DailyTable::inputs`]) and the columns `target_names` of `targets` (`NaN`
/// where missing, see [`DailyTable::targets`]), in the files' units; `area_km2` is recorded
/// as the basin area. `inputs` and `targets` may be the same table.
pub fn load_basin(
    basin: &str,
    inputs: &DailyTable,
    input_names: &[String],
    targets: &DailyTable,
    target_names: &[String],
    period: DateRange,
    area_km2: f64,
) -> Result<BasinRecord, DataError> {
    Ok(BasinRecord {
        basin: basin.to_string(),
        dates: period.start.iter_days().take(period.days()).collect(),
        inputs: inputs.inputs(basin, input_names, period)?,
        input_names: input_names.to_vec(),
        targets: targets.targets(target_names, period)?,
        target_names: target_names.to_vec(),
        area_km2,
    })
}
