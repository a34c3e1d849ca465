//! Errors of the data layer.
//!
//! Every failure names the file (or directory) it concerns and, for problems with a file's
//! content, the 1-based line number, and carries a help line saying what to do about it.
//! Bad data is never turned into numbers silently: a malformed or missing forcing value is an
//! error, and only missing observations of a target (streamflow) become `NaN` ("missing").

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

use super::period::DateRange;

/// A failure while reading or preparing hydrological data.
#[derive(Debug, Error, Diagnostic)]
pub enum DataError {
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    #[diagnostic(
        code(hydro::data::io),
        help("check that the path exists and is readable; the data root is taken from the HYDRO_DATA environment variable (default `../shared/data`)")
    )]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A line of a data file does not have the expected form.
    #[error("malformed data in `{}` at line {line}: {message}", path.display())]
    #[diagnostic(code(hydro::data::malformed))]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong with the line.
        message: String,
        /// What to do about it.
        #[help]
        help: String,
    },

    /// No data file exists for a basin.
    #[error("basin `{basin}` not found: no {what} for it under `{}`", searched.display())]
    #[diagnostic(code(hydro::data::basin_not_found))]
    BasinNotFound {
        /// The requested gauge id.
        basin: String,
        /// What was looked for (e.g. "nldas forcing file").
        what: String,
        /// The directory or file that was searched.
        searched: PathBuf,
        /// A "did you mean" suggestion, or a hint about the basins present.
        #[help]
        help: String,
    },

    /// The requested period is not covered by a basin's record.
    #[error("period {requested} is outside the record of basin `{basin}` in `{}`, which covers {available}", path.display())]
    #[diagnostic(
        code(hydro::data::period_outside_record),
        help("choose a period inside {available} (remember that the look-back warm-up extends it backwards), or use another data source")
    )]
    PeriodOutsideRecord {
        /// The gauge id.
        basin: String,
        /// The file holding the record.
        path: PathBuf,
        /// The period that was asked for.
        requested: DateRange,
        /// The period the file covers.
        available: DateRange,
    },

    /// A period whose end comes before its start.
    #[error("period {period} is empty: it ends before it starts")]
    #[diagnostic(
        code(hydro::data::empty_period),
        help("write periods as `start..end` with the start first, both days included")
    )]
    EmptyPeriod {
        /// The period.
        period: DateRange,
    },

    /// A day is missing inside the requested period of a forcing file.
    #[error("forcing of basin `{basin}` in `{}` has no row for {missing} (the rows jump to line {line})", path.display())]
    #[diagnostic(
        code(hydro::data::forcing_gap),
        help("forcing records must be complete daily series; choose a period that avoids the gap")
    )]
    ForcingGap {
        /// The gauge id.
        basin: String,
        /// The forcing file.
        path: PathBuf,
        /// The first missing day.
        missing: chrono::NaiveDate,
        /// The line of the first row after the gap.
        line: usize,
    },

    /// A name that is not a static attribute of the tables.
    #[error("unknown attribute `{name}` in the tables under `{}`", dir.display())]
    #[diagnostic(code(hydro::data::unknown_attribute))]
    UnknownAttribute {
        /// The requested name.
        name: String,
        /// The attribute directory.
        dir: PathBuf,
        /// A "did you mean" suggestion.
        #[help]
        help: String,
    },

    /// A static attribute has no value (`NA` or empty) for a basin.
    #[error("attribute `{attribute}` of basin `{basin}` is missing (`{value}`) in `{}` at line {line}", path.display())]
    #[diagnostic(
        code(hydro::data::missing_attribute),
        help("drop this attribute from the static inputs, or drop the basin from the basin list")
    )]
    MissingAttribute {
        /// The gauge id.
        basin: String,
        /// The attribute name.
        attribute: String,
        /// The cell as written in the file.
        value: String,
        /// The attribute table.
        path: PathBuf,
        /// The 1-based line of the basin's row.
        line: usize,
    },

    /// A categorical attribute was requested as a number.
    #[error("attribute `{attribute}` in `{}` is categorical (e.g. `{example}`), not a number", path.display())]
    #[diagnostic(
        code(hydro::data::categorical_attribute),
        help("only numeric attributes can be static inputs; categorical ones can be read as text")
    )]
    NotNumeric {
        /// The attribute name.
        attribute: String,
        /// The attribute table.
        path: PathBuf,
        /// One of the column's values.
        example: String,
    },

    /// A name that is not a variable of the data set.
    #[error("unknown variable `{name}`; the variables are {available}")]
    #[diagnostic(code(hydro::data::unknown_variable))]
    UnknownVariable {
        /// The requested name.
        name: String,
        /// The known variable names, comma-separated.
        available: String,
        /// A "did you mean" suggestion.
        #[help]
        help: String,
    },

    /// A name that is not a forcing source.
    #[error("unknown forcing source `{name}`; the sources are {available}")]
    #[diagnostic(code(hydro::data::unknown_source))]
    UnknownSource {
        /// The requested name.
        name: String,
        /// The known source names, comma-separated.
        available: String,
        /// A "did you mean" suggestion.
        #[help]
        help: String,
    },

    /// Normalisation statistics cannot be computed because the training data has no value.
    #[error("no training data for `{feature}` in {period}")]
    #[diagnostic(
        code(hydro::data::no_training_data),
        help("check the training period and the basin list: every feature needs at least one observed value")
    )]
    NoTrainingData {
        /// The feature without values.
        feature: String,
        /// The training period.
        period: DateRange,
    },

    /// An input value is missing (a missing-value marker or an empty cell) inside the period.
    #[error("input `{column}` is missing (`{value}`) in `{}` at line {line}", path.display())]
    #[diagnostic(
        code(hydro::data::missing_input),
        help("inputs must be complete over the period and its warm-up: choose a period or an input without missing values")
    )]
    MissingInput {
        /// The column of the input.
        column: String,
        /// The cell as written in the file.
        value: String,
        /// The file.
        path: PathBuf,
        /// The 1-based line of the row.
        line: usize,
    },

    /// A column name that is not in a file's header.
    #[error("unknown column `{name}` in `{}`; the columns are {available}", path.display())]
    #[diagnostic(code(hydro::data::unknown_column))]
    UnknownColumn {
        /// The requested name.
        name: String,
        /// The file.
        path: PathBuf,
        /// The column names of the file, comma-separated.
        available: String,
        /// A "did you mean" suggestion.
        #[help]
        help: String,
    },

    /// The dates of a file fit more than one date format.
    #[error("the dates in `{}` fit several formats ({candidates}), e.g. `{example}` at line {line}", path.display())]
    #[diagnostic(
        code(hydro::data::ambiguous_date_format),
        help("give the date format explicitly, e.g. `%d/%m/%Y` for day/month/year or `%m/%d/%Y` for month/day/year")
    )]
    AmbiguousDateFormat {
        /// The file.
        path: PathBuf,
        /// The formats that fit every date, comma-separated.
        candidates: String,
        /// The first date as written.
        example: String,
        /// The 1-based line of that date.
        line: usize,
    },

    /// A NetCDF file cannot be read or lacks the expected variables, dimensions or attributes.
    #[error("cannot use NetCDF file `{}`: {message}", path.display())]
    #[diagnostic(code(hydro::data::netcdf))]
    NetCdf {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
        /// What to do about it.
        #[help]
        help: String,
    },

    /// A grid cell holds a fill or missing value on some days of the period but not on all.
    #[error("`{variable}` in `{}` is missing ({value}) on {date} in cell y = {y}, x = {x} (0-based)", path.display())]
    #[diagnostic(
        code(hydro::data::missing_grid_value),
        help("cells missing on every day of the period lie outside the domain and are masked; a cell missing on some days only is a gap in the forcing: choose a period without it")
    )]
    MissingGridValue {
        /// The variable.
        variable: String,
        /// The file.
        path: PathBuf,
        /// The day of the missing value.
        date: chrono::NaiveDate,
        /// The 0-based row of the cell.
        y: usize,
        /// The 0-based column of the cell.
        x: usize,
        /// The value found (the fill or missing value).
        value: f64,
    },
}

impl DataError {
    /// An [`DataError::Io`] error for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }

    /// A [`DataError::Malformed`] error for line `line` of `path`.
    pub fn malformed(
        path: impl Into<PathBuf>,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        DataError::Malformed {
            path: path.into(),
            line,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// A help line: "did you mean `x`?" when a close candidate exists, `otherwise` if not.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match closest(name, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => otherwise.to_string(),
    }
}
