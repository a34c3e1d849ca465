//! Basin-mean meteorological forcing of CAMELS-US (Daymet, Maurer, NLDAS).
//!
//! A forcing file `<gauge>_lump_<tag>_forcing_leap.txt` has three header lines (gauge latitude,
//! mean elevation in m, area in m^2), a column header, then one row per day:
//! `Year Mnth Day Hr dayl(s) prcp(mm/day) srad(W/m2) swe(mm) tmax(C) tmin(C) vp(Pa)`.
//! The sources differ in capitalisation (`PRCP(mm/day)`, `Dayl(s)`), in date padding and in
//! tabs versus spaces, so columns are found by name (case-insensitive, unit suffix stripped),
//! never by position.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;

use super::super::error::{did_you_mean, DataError};
use super::super::period::DateRange;
use super::parse;

/// The forcing variables, by the lower-case short names used in scripts.
pub const FORCING_VARIABLES: [&str; 7] = ["dayl", "prcp", "srad", "swe", "tmax", "tmin", "vp"];

/// The units of [`FORCING_VARIABLES`], in the same order.
pub const FORCING_UNITS: [&str; 7] = ["s", "mm/day", "W/m2", "mm", "C", "C", "Pa"];

/// A source of basin-mean forcing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ForcingSource {
    /// Daymet (1 km grid), files tagged `cida`.
    Daymet,
    /// Maurer et al. (1/8 degree grid), files tagged `maurer`.
    Maurer,
    /// Maurer, extended to 2008 with daily temperature extremes, files tagged `maurer`.
    MaurerExtended,
    /// NLDAS (1/8 degree grid), files tagged `nldas`.
    Nldas,
}

impl ForcingSource {
    /// Every source.
    pub const ALL: [ForcingSource; 4] = [
        ForcingSource::Daymet,
        ForcingSource::Maurer,
        ForcingSource::MaurerExtended,
        ForcingSource::Nldas,
    ];

    /// The script name, which is also the directory name under `basin_mean_forcing`.
    pub fn name(self) -> &'static str {
        match self {
            ForcingSource::Daymet => "daymet",
            ForcingSource::Maurer => "maurer",
            ForcingSource::MaurerExtended => "maurer_extended",
            ForcingSource::Nldas => "nldas",
        }
    }

    /// The tag in the file names (`<gauge>_lump_<tag>_forcing_leap.txt`).
    pub fn file_tag(self) -> &'static str {
        match self {
            ForcingSource::Daymet => "cida",
            ForcingSource::Maurer | ForcingSource::MaurerExtended => "maurer",
            ForcingSource::Nldas => "nldas",
        }
    }

    /// The file name ending shared by this source's files, after the gauge id.
    pub fn file_suffix(self) -> String {
        format!("_lump_{}_forcing_leap.txt", self.file_tag())
    }
}

impl fmt::Display for ForcingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ForcingSource {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let names = ForcingSource::ALL.map(ForcingSource::name);
        ForcingSource::ALL
            .into_iter()
            .find(|source| source.name() == s)
            .ok_or_else(|| DataError::UnknownSource {
                name: s.to_string(),
                available: names.join(", "),
                help: did_you_mean(s, names, "use one of the sources listed"),
            })
    }
}

/// The position of the forcing variable `name` in [`FORCING_VARIABLES`].
pub fn variable_index(name: &str) -> Result<usize, DataError> {
    FORCING_VARIABLES
        .iter()
        .position(|v| *v == name)
        .ok_or_else(|| DataError::UnknownVariable {
            name: name.to_string(),
            available: FORCING_VARIABLES.join(", "),
            help: did_you_mean(
                name,
                FORCING_VARIABLES,
                "forcing variables are written in lower case without units",
            ),
        })
}

/// The forcing of one basin over a requested period.
#[derive(Debug, Clone, PartialEq)]
pub struct Forcing {
    /// Gauge latitude in degrees, from the first header line.
    pub latitude: f64,
    /// Mean basin elevation in m, from the second header line.
    pub elevation_m: f64,
    /// Basin area in m^2, from the third header line.
    pub area_m2: f64,
    /// The requested variables, `[variable][day of the period]`.
    pub values: Vec<Vec<f32>>,
}

/// Reads the variables `variables` (short names, see [`FORCING_VARIABLES`]) of the forcing file
/// `path` of basin `basin` for every day of `period`.
///
/// Errors if the file does not cover the period ([`DataError::PeriodOutsideRecord`]), if a day
/// inside the period has no row ([`DataError::ForcingGap`]), or if any row is malformed (wrong
/// number of columns, a date that is not after the previous one, a value that is not a finite
/// number or is a `-999` missing-value marker).
pub fn read_forcing(
    path: &Path,
    basin: &str,
    variables: &[&str],
    period: DateRange,
) -> Result<Forcing, DataError> {
    let text = super::files::read_text(path)?;
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut header_number = |what: &str| -> Result<f64, DataError> {
        match lines.next() {
            Some((n, l)) => parse::number(l.trim(), what, path, n),
            None => Err(truncated(path, 0, what)),
        }
    };
    let latitude = header_number("latitude")?;
    let elevation_m = header_number("elevation")?;
    let area_m2 = header_number("area")?;
    let (header_line, header) = lines
        .next()
        .ok_or_else(|| truncated(path, 3, "column header"))?;
    let columns = Columns::parse(header, variables, path, header_line)?;

    let n_days = period.days();
    let mut values = vec![vec![0.0_f32; n_days]; variables.len()];
    let mut fields: Vec<&str> = Vec::with_capacity(columns.names.len());
    let mut first: Option<NaiveDate> = None;
    let mut previous: Option<NaiveDate> = None;
    let mut last_line = header_line;
    for (n, line) in lines {
        fields.clear();
        fields.extend(line.split_ascii_whitespace());
        if fields.is_empty() {
            continue;
        }
        last_line = n;
        if fields.len() != columns.names.len() {
            return Err(parse::column_count(
                path,
                n,
                columns.names.len(),
                fields.len(),
            ));
        }
        let date = parse::date(fields[0], fields[1], fields[2], path, n)?;
        if let Some(prev) = previous {
            check_step(prev, date, period, basin, path, n)?;
        }
        first.get_or_insert(date);
        previous = Some(date);
        if period.contains(date) {
            let day = (date - period.start).num_days() as usize;
            for (k, &col) in columns.indices.iter().enumerate() {
                values[k][day] = forcing_value(fields[col], columns.names[col], path, n)?;
            }
        }
    }
    let (Some(first), Some(last)) = (first, previous) else {
        return Err(truncated(path, last_line, "daily rows"));
    };
    let available = DateRange::new(first, last);
    if !available.covers(&period) {
        return Err(DataError::PeriodOutsideRecord {
            basin: basin.to_string(),
            path: path.to_path_buf(),
            requested: period,
            available,
        });
    }
    Ok(Forcing {
        latitude,
        elevation_m,
        area_m2,
        values,
    })
}

/// Checks that `date` follows `previous` and that no day of `period` was skipped between them.
fn check_step(
    previous: NaiveDate,
    date: NaiveDate,
    period: DateRange,
    basin: &str,
    path: &Path,
    line: usize,
) -> Result<(), DataError> {
    if date <= previous {
        return Err(parse::out_of_order(path, line, date, previous));
    }
    let gap_start = previous.succ_opt().unwrap_or(date);
    if gap_start < date && gap_start <= period.end && date > period.start {
        return Err(DataError::ForcingGap {
            basin: basin.to_string(),
            path: path.to_path_buf(),
            missing: gap_start.max(period.start),
            line,
        });
    }
    Ok(())
}

/// A forcing value: a finite number that is not a missing-value marker (`-999` or below).
fn forcing_value(field: &str, column: &str, path: &Path, line: usize) -> Result<f32, DataError> {
    let v: f32 = parse::number(field, column, path, line)?;
    if v <= -999.0 {
        return Err(DataError::malformed(
            path,
            line,
            format!("`{field}` in column {column} marks a missing value"),
            "forcing must be complete; choose a period or basin without missing forcing",
        ));
    }
    Ok(v)
}

/// An error for a file that ends before `what`.
fn truncated(path: &Path, line: usize, what: &str) -> DataError {
    DataError::malformed(
        path,
        line + 1,
        format!("the file ends before the {what}"),
        "a forcing file has 3 header lines (latitude, elevation, area), a column header and daily rows",
    )
}

/// The column header of a forcing file and the positions of the requested variables in it.
struct Columns<'a> {
    /// The column names as written.
    names: Vec<&'a str>,
    /// For each requested variable, its column position.
    indices: Vec<usize>,
}

impl<'a> Columns<'a> {
    /// Parses the header `line` (line number `n`) and finds `variables` in it.
    fn parse(line: &'a str, variables: &[&str], path: &Path, n: usize) -> Result<Self, DataError> {
        let names: Vec<&str> = line.split_ascii_whitespace().collect();
        let date_columns = ["year", "mnth", "day", "hr"];
        let starts_with_date = names.len() >= date_columns.len()
            && names
                .iter()
                .zip(date_columns)
                .all(|(name, expected)| short_name(name) == expected);
        if !starts_with_date {
            return Err(DataError::malformed(
                path,
                n,
                format!("expected a column header starting `Year Mnth Day Hr`, found `{line}`"),
                "a forcing file has 3 header lines (latitude, elevation, area), then a column header",
            ));
        }
        let indices = variables
            .iter()
            .map(|v| {
                names
                    .iter()
                    .position(|name| short_name(name) == *v)
                    .ok_or_else(|| {
                        DataError::malformed(
                            path,
                            n,
                            format!("the column header has no `{v}` column"),
                            format!("the columns are {}", names.join(" ")),
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Columns { names, indices })
    }
}

/// The lower-case column name without its unit suffix: `PRCP(mm/day)` -> `prcp`.
fn short_name(column: &str) -> String {
    column
        .split('(')
        .next()
        .unwrap_or(column)
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_ignore_case_and_units() {
        assert_eq!(short_name("PRCP(mm/day)"), "prcp");
        assert_eq!(short_name("Dayl(s)"), "dayl");
        assert_eq!(short_name("vp(Pa)"), "vp");
        assert_eq!(short_name("Year"), "year");
    }

    #[test]
    fn sources_round_trip_through_names() {
        for source in ForcingSource::ALL {
            assert_eq!(source.name().parse::<ForcingSource>().unwrap(), source);
        }
        assert_eq!(ForcingSource::Daymet.file_tag(), "cida");
        assert_eq!(ForcingSource::MaurerExtended.file_tag(), "maurer");
        let err = "nldsa".parse::<ForcingSource>().unwrap_err();
        assert!(
            format!("{err:?}").contains("did you mean `nldas`?"),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_variable_suggests_a_name() {
        assert_eq!(variable_index("prcp").unwrap(), 1);
        let err = variable_index("prcpp").unwrap_err();
        assert!(
            format!("{err:?}").contains("did you mean `prcp`?"),
            "{err:?}"
        );
    }
}
