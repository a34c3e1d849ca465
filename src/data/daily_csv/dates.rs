//! The date of each row of a daily file: one column in a given or detected format, or three
//! columns holding the year, month and day.

use std::path::Path;

use chrono::NaiveDate;

use super::super::error::DataError;
use super::columns::{find, short_name};
use super::tokens::Row;

/// The formats tried, in this order, when a date column's format is not given (chrono syntax).
pub const DATE_FORMATS: [&str; 5] = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d"];

/// Short names recognised as the year, month and day columns when the date is detected.
const YEAR_NAMES: [&str; 3] = ["year", "yr", "yyyy"];
const MONTH_NAMES: [&str; 4] = ["month", "mnth", "mon", "mm"];
const DAY_NAMES: [&str; 3] = ["day", "dy", "dd"];

/// How the date of a row is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DateColumns {
    /// One column holding the date, in a chrono format such as `%d/%m/%Y`; `None` detects the
    /// format among [`DATE_FORMATS`] (an error if several fit every date of the file).
    Single {
        /// The column name.
        column: String,
        /// The format, or `None` to detect it.
        format: Option<String>,
    },
    /// The year, month and day in three columns.
    Split {
        /// The year column.
        year: String,
        /// The month column.
        month: String,
        /// The day column.
        day: String,
    },
    /// A column named `date` (any capitalisation, unit suffix ignored) in a detected format,
    /// or else columns named like year, month and day (`Year`/`YR`, `Month`/`Mnth`,
    /// `Day`/`DY`).
    #[default]
    Detect,
}

/// Where the date of a row is and how to read it, resolved against a file's columns.
#[derive(Debug, Clone)]
pub(super) enum DateReader {
    /// One column and its format.
    Single { index: usize, format: String },
    /// Three columns: year, month, day.
    Split {
        year: usize,
        month: usize,
        day: usize,
    },
}

impl DateReader {
    /// Resolves `spec` against the column `names` of `path`, detecting the format from `rows`
    /// where needed.
    pub(super) fn resolve(
        spec: &DateColumns,
        names: &[String],
        rows: &[Row],
        path: &Path,
    ) -> Result<Self, DataError> {
        match spec {
            DateColumns::Single { column, format } => {
                let index = find(column, names, path)?;
                let format = match format {
                    Some(f) => f.clone(),
                    None => detect_format(index, rows, path)?,
                };
                Ok(DateReader::Single { index, format })
            }
            DateColumns::Split { year, month, day } => Ok(DateReader::Split {
                year: find(year, names, path)?,
                month: find(month, names, path)?,
                day: find(day, names, path)?,
            }),
            DateColumns::Detect => Self::detect(names, rows, path),
        }
    }

    /// A `date` column with a detected format, or year/month/day columns.
    fn detect(names: &[String], rows: &[Row], path: &Path) -> Result<Self, DataError> {
        let position = |accepted: &[&str]| {
            names
                .iter()
                .position(|n| accepted.contains(&short_name(n).as_str()))
        };
        if let Some(index) = position(&["date"]) {
            let format = detect_format(index, rows, path)?;
            return Ok(DateReader::Single { index, format });
        }
        match (
            position(&YEAR_NAMES),
            position(&MONTH_NAMES),
            position(&DAY_NAMES),
        ) {
            (Some(year), Some(month), Some(day)) => Ok(DateReader::Split { year, month, day }),
            _ => Err(DataError::malformed(
                path,
                1,
                format!("no date column among the columns {}", names.join(", ")),
                "name the date column (and its format), or the year, month and day columns",
            )),
        }
    }

    /// The date of `row`.
    pub(super) fn date(&self, row: &Row, path: &Path) -> Result<NaiveDate, DataError> {
        match self {
            DateReader::Single { index, format } => {
                let cell = &row.cells[*index];
                NaiveDate::parse_from_str(cell, format).map_err(|_| {
                    DataError::malformed(
                        path,
                        row.line,
                        format!("`{cell}` is not a date in the format `{format}`"),
                        "every row needs a valid date in the file's date format",
                    )
                })
            }
            DateReader::Split { year, month, day } => {
                let (y, m, d) = (&row.cells[*year], &row.cells[*month], &row.cells[*day]);
                let date = match (y.parse(), m.parse(), d.parse()) {
                    (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
                    _ => None,
                };
                date.ok_or_else(|| {
                    DataError::malformed(
                        path,
                        row.line,
                        format!("`{y} {m} {d}` is not a valid date (year month day)"),
                        "every row needs a valid year, month and day",
                    )
                })
            }
        }
    }
}

/// The single format of [`DATE_FORMATS`] that fits the cell at `index` in every row.
fn detect_format(index: usize, rows: &[Row], path: &Path) -> Result<String, DataError> {
    let mut candidates: Vec<&str> = DATE_FORMATS.to_vec();
    for row in rows {
        let cell = &row.cells[index];
        let fitting: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|f| NaiveDate::parse_from_str(cell, f).is_ok())
            .collect();
        if fitting.is_empty() {
            let tried = candidates.join(", ");
            return Err(DataError::malformed(
                path,
                row.line,
                format!(
                    "`{cell}` is not a date in any format that fits the dates before it ({tried})"
                ),
                "give the date format explicitly (chrono syntax, e.g. `%d/%m/%Y`)",
            ));
        }
        candidates = fitting;
    }
    match (candidates.as_slice(), rows.first()) {
        ([only], _) => Ok(only.to_string()),
        (_, Some(first)) => Err(DataError::AmbiguousDateFormat {
            path: path.to_path_buf(),
            candidates: candidates.join(", "),
            example: first.cells[index].to_string(),
            line: first.line,
        }),
        (_, None) => Err(DataError::malformed(
            path,
            1,
            "the file has no data rows",
            "a daily file needs a header (or given column names) and one row per day",
        )),
    }
}
