//! The data layer: reading hydrological data sets, normalising them, and cutting them into
//! look-back windows for training and evaluation.
//!
//! - [`camels_us`]: the CAMELS-US loaders (forcing, streamflow, attribute tables) producing one
//!   [`BasinRecord`] per basin for a requested period, and CAMELS' SAC-SMA model output as
//!   extra targets;
//! - [`caravan`]: the Caravan CSV layout (time series by column name, attribute tables);
//! - [`daily_csv`]: any per-basin daily CSV file (date format and delimiter given or detected);
//! - [`gridded`]: gridded NetCDF forcing (time, y, x), basin means, and gauge series;
//! - [`record`]: the in-memory daily record of a basin (inputs complete, targets `NaN` where
//!   an observation is missing);
//! - [`period`]: inclusive date ranges;
//! - [`normalization`]: z-score statistics fitted on the training period of training basins;
//! - [`windows`]: usable samples (missing targets skipped), batch assembly;
//! - [`shuffle`]: deterministic shuffling of samples;
//! - [`error`]: [`DataError`], whose every variant names the file (and line) concerned.
//!
//! Data are read in place from the data root, given by the `HYDRO_DATA` environment variable
//! (default `../shared/data`, relative to the current directory); see [`data_root`].

pub mod camels_us;
pub mod caravan;
pub mod daily_csv;
pub mod error;
pub mod gridded;
pub mod normalization;
pub mod period;
pub mod record;
pub mod shuffle;
pub mod windows;

use std::path::PathBuf;

pub use error::DataError;
pub use normalization::{FeatureStats, Normalization, Scaling, ScalingSettings};
pub use period::DateRange;
pub use record::BasinRecord;
pub use windows::{Batch, Sample, SampleReport};

/// The environment variable naming the data root.
pub const DATA_ROOT_VARIABLE: &str = "HYDRO_DATA";

/// The data root used when [`DATA_ROOT_VARIABLE`] is not set.
pub const DEFAULT_DATA_ROOT: &str = "../shared/data";

/// The data root: the value of `HYDRO_DATA` if set, `../shared/data` otherwise.
pub fn data_root() -> PathBuf {
    std::env::var_os(DATA_ROOT_VARIABLE)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_ROOT))
}
