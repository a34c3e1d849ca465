//! CAMELS-US as distributed by NCAR: basin-mean forcing, USGS streamflow and static attributes.
//!
//! Layout under the CAMELS-US root:
//! - `basin_mean_forcing/<source>/[<huc_02>/]<gauge>_lump_<tag>_forcing_leap.txt` (see [`forcing`]);
//! - `usgs_streamflow/[<huc_02>/]<gauge>_streamflow_qc.txt` (see [`streamflow`]);
//! - `camels_attributes_v2.0/camels_*.txt` (see [`attributes`]).
//!
//! Gauge ids are 8-digit strings with their leading zeros.

pub mod attributes;
mod files;
pub mod forcing;
pub mod model_output;
mod parse;
pub mod streamflow;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use attributes::AttributeTables;
pub use forcing::{ForcingSource, FORCING_UNITS, FORCING_VARIABLES};

use super::error::{did_you_mean, DataError};
use super::period::DateRange;
use super::record::BasinRecord;

/// The name of the streamflow target (in mm/day).
pub const STREAMFLOW: &str = "streamflow";

/// Whether `id` is a CAMELS-US gauge id: exactly 8 ASCII digits.
pub fn is_gauge_id(id: &str) -> bool {
    id.len() == 8 && id.bytes().all(|b| b.is_ascii_digit())
}

/// A CAMELS-US directory tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CamelsUs {
    /// The CAMELS-US root (holding `basin_mean_forcing`, `usgs_streamflow`, ...).
    pub root: PathBuf,
}

impl CamelsUs {
    /// The data set rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CamelsUs { root: root.into() }
    }

    /// The directory of the attribute tables.
    pub fn attributes_dir(&self) -> PathBuf {
        self.root.join("camels_attributes_v2.0")
    }

    /// Reads the static attribute tables.
    pub fn attributes(&self) -> Result<AttributeTables, DataError> {
        AttributeTables::load(self.attributes_dir())
    }

    /// The directory of a forcing source's files.
    pub fn forcing_dir(&self, source: ForcingSource) -> PathBuf {
        self.root.join("basin_mean_forcing").join(source.name())
    }

    /// The directory of the streamflow files.
    pub fn streamflow_dir(&self) -> PathBuf {
        self.root.join("usgs_streamflow")
    }

    /// The gauge ids that have a forcing file of `source`, sorted.
    pub fn list_basins(&self, source: ForcingSource) -> Result<Vec<String>, DataError> {
        files::list_ids(&self.forcing_dir(source), &source.file_suffix())
    }

    /// The forcing file of `basin` from `source`.
    pub fn forcing_file(&self, source: ForcingSource, basin: &str) -> Result<PathBuf, DataError> {
        let dir = self.forcing_dir(source);
        let what = format!("{source} forcing file");
        find(&dir, basin, &source.file_suffix(), &what)
    }

    /// The streamflow file of `basin`.
    pub fn streamflow_file(&self, basin: &str) -> Result<PathBuf, DataError> {
        find(
            &self.streamflow_dir(),
            basin,
            "_streamflow_qc.txt",
            "streamflow file",
        )
    }

    /// Loads the record of `basin` for exactly `period`: the forcing variables `inputs` (short
    /// names, see [`FORCING_VARIABLES`]) from `source`, and the streamflow target in mm/day
    /// (converted with the basin's `area_gages2` from `attributes`).
    ///
    /// `period` should already include the look-back warm-up before the first day to predict.
    /// The forcing must cover it completely ([`DataError::PeriodOutsideRecord`] states the
    /// available range otherwise); streamflow need not: days without an observation are `NaN`.
    /// A period ending before it starts is an error ([`DataError::EmptyPeriod`]).
    pub fn load_basin(
        &self,
        source: ForcingSource,
        basin: &str,
        inputs: &[String],
        period: DateRange,
        attributes: &AttributeTables,
    ) -> Result<BasinRecord, DataError> {
        if period.days() == 0 {
            return Err(DataError::EmptyPeriod { period });
        }
        for name in inputs {
            forcing::variable_index(name)?;
        }
        let forcing_path = self.forcing_file(source, basin)?;
        let streamflow_path = self.streamflow_file(basin)?;
        let area_km2 = attributes.area_km2(basin)?;
        let names: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let forcing = forcing::read_forcing(&forcing_path, basin, &names, period)?;
        let flow = streamflow::read_streamflow(&streamflow_path, basin, period, area_km2)?;
        Ok(BasinRecord {
            basin: basin.to_string(),
            dates: period.start.iter_days().take(period.days()).collect(),
            inputs: forcing.values,
            input_names: inputs.to_vec(),
            targets: vec![flow],
            target_names: vec![STREAMFLOW.to_string()],
            area_km2,
        })
    }
}

/// The file `<basin><suffix>` in `dir` or its sub-directories, or a basin-not-found error with
/// a suggestion among the basins present.
fn find(dir: &Path, basin: &str, suffix: &str, what: &str) -> Result<PathBuf, DataError> {
    if let Some(path) = files::locate(dir, &format!("{basin}{suffix}"))? {
        return Ok(path);
    }
    let present = files::list_ids(dir, suffix)?;
    let otherwise = match present.len() {
        0 => "the directory holds no such files".to_string(),
        n => format!(
            "{n} basins have one here ({}{}); gauge ids have 8 digits, leading zeros included",
            present[..n.min(5)].join(", "),
            if n > 5 { ", ..." } else { "" }
        ),
    };
    Err(DataError::BasinNotFound {
        basin: basin.to_string(),
        what: what.to_string(),
        searched: dir.to_path_buf(),
        help: did_you_mean(basin, present.iter().map(String::as_str), &otherwise),
    })
}

/// Reads a basin list: one 8-digit gauge id per line; blank lines are skipped, surrounding
/// whitespace ignored. A malformed or repeated id is an error naming the line.
pub fn read_basin_list(path: impl AsRef<Path>) -> Result<Vec<String>, DataError> {
    let path = path.as_ref();
    let text = files::read_text(path)?;
    let mut basins = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let id = line.trim();
        if id.is_empty() {
            continue;
        }
        if !is_gauge_id(id) {
            let help = if id.len() == 7 && id.bytes().all(|b| b.is_ascii_digit()) {
                format!("a leading zero may have been lost: did you mean `0{id}`?")
            } else {
                "write one 8-digit gauge id per line, leading zeros included".to_string()
            };
            return Err(DataError::malformed(
                path,
                n,
                format!("`{id}` is not an 8-digit gauge id"),
                help,
            ));
        }
        if let Some(first) = seen.insert(id, n) {
            return Err(DataError::malformed(
                path,
                n,
                format!("basin `{id}` is already listed at line {first}"),
                "list each basin once",
            ));
        }
        basins.push(id.to_string());
    }
    Ok(basins)
}
