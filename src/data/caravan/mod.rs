//! The Caravan data set layout: daily time series per basin and static attribute tables.
//!
//! Under the Caravan root:
//! - `timeseries/csv/<source>/<basin>.csv`: a header `date,<variable>,...` and one row per day
//!   (`%Y-%m-%d`), ERA5-Land variables plus `streamflow` in mm/day; an empty cell is a missing
//!   value (see [`super::daily_csv`] for how inputs and targets treat it);
//! - `attributes/<source>/*.csv`: attribute tables keyed by `gauge_id` (see [`attributes`]).
//!
//! Basin ids are `<source>_<gauge id>`: `camels_01022500`, `camelsch_4001`, `camelses_1414`.

pub mod attributes;

use std::path::{Path, PathBuf};

pub use attributes::CaravanAttributes;

use super::daily_csv::{self, CsvFormat, DailyTable, DateColumns, Delimiter};
use super::error::{did_you_mean, DataError};
use super::period::DateRange;
use super::record::BasinRecord;

/// The name of the streamflow column (mm/day), the usual target.
pub const STREAMFLOW: &str = "streamflow";

/// A Caravan directory tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caravan {
    /// The Caravan root (holding `timeseries/` and `attributes/`).
    pub root: PathBuf,
}

/// How Caravan time series files are written.
fn timeseries_format() -> CsvFormat {
    CsvFormat {
        date: DateColumns::Single {
            column: "date".to_string(),
            format: Some("%Y-%m-%d".to_string()),
        },
        delimiter: Some(Delimiter::Comma),
        ..CsvFormat::default()
    }
}

/// The source of a basin id: `camelsch` for `camelsch_4001` (`None` without a `_`).
pub fn source_of(basin: &str) -> Option<&str> {
    match basin.split_once('_') {
        Some((source, id)) if !source.is_empty() && !id.is_empty() => Some(source),
        _ => None,
    }
}

impl Caravan {
    /// The data set rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Caravan { root: root.into() }
    }

    /// The directory of the time series files of `source`.
    pub fn timeseries_dir(&self, source: &str) -> PathBuf {
        self.root.join("timeseries").join("csv").join(source)
    }

    /// The directory of the attribute tables of `source`.
    pub fn attributes_dir(&self, source: &str) -> PathBuf {
        self.root.join("attributes").join(source)
    }

    /// Reads the attribute tables of `source` (e.g. `camelsch`).
    pub fn attributes(&self, source: &str) -> Result<CaravanAttributes, DataError> {
        CaravanAttributes::load(self.attributes_dir(source))
    }

    /// The time series file of `basin`, or a basin-not-found error suggesting a basin present.
    pub fn timeseries_file(&self, basin: &str) -> Result<PathBuf, DataError> {
        let Some(source) = source_of(basin) else {
            return Err(DataError::BasinNotFound {
                basin: basin.to_string(),
                what: "time series file".to_string(),
                searched: self.root.join("timeseries").join("csv"),
                help: "Caravan basin ids are `<source>_<gauge id>`, e.g. `camelsch_4001`"
                    .to_string(),
            });
        };
        let dir = self.timeseries_dir(source);
        let path = dir.join(format!("{basin}.csv"));
        if path.is_file() {
            return Ok(path);
        }
        let present = csv_stems(&dir)?;
        Err(DataError::BasinNotFound {
            basin: basin.to_string(),
            what: "time series file".to_string(),
            searched: dir,
            help: did_you_mean(
                basin,
                present.iter().map(String::as_str),
                &format!("the basins here are {}", present.join(", ")),
            ),
        })
    }

    /// Reads the whole time series file of `basin`.
    pub fn read_timeseries(&self, basin: &str) -> Result<DailyTable, DataError> {
        DailyTable::read(self.timeseries_file(basin)?, &timeseries_format())
    }

    /// Loads the record of `basin` for exactly `period`: the columns `inputs` (complete over
    /// the period: a missing cell is an error naming file, line and column) and `targets`
    /// (usually [`STREAMFLOW`]; `NaN` where missing), with the area from `attributes`.
    ///
    /// Errors also for an unknown column (with a suggestion among the header's names) and a
    /// period outside the file's dates ([`DataError::PeriodOutsideRecord`]).
    pub fn load_basin(
        &self,
        basin: &str,
        inputs: &[String],
        targets: &[String],
        period: DateRange,
        attributes: &CaravanAttributes,
    ) -> Result<BasinRecord, DataError> {
        let table = self.read_timeseries(basin)?;
        let area_km2 = attributes.area_km2(basin)?;
        daily_csv::load_basin(basin, &table, inputs, &table, targets, period, area_km2)
    }
}

/// The stems of the `*.csv` files in `dir`, sorted.
fn csv_stems(dir: &Path) -> Result<Vec<String>, DataError> {
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| DataError::io(dir, e))? {
        let path = entry.map_err(|e| DataError::io(dir, e))?.path();
        if path.extension().is_some_and(|e| e == "csv") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                stems.push(stem.to_string());
            }
        }
    }
    stems.sort();
    Ok(stems)
}
