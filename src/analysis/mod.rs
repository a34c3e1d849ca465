//! Analyses of simulated against observed streamflow.
//!
//! `metrics` holds the goodness-of-fit measures (NSE and its decomposition, KGE and its components,
//! correlation, squared errors and the flow-duration-curve signatures FHV, FMS and FLV) together with
//! a registry that maps each metric's script name to its function; `table` gathers metric values per
//! basin into a [`MetricTable`] with medians, means, CSV output and a text rendering; `scenarios`
//! changes input series into hypothetical ones and measures the water balance of the response.

pub mod metrics;
pub mod scenarios;
pub mod table;
pub mod tabular;

pub use metrics::{lookup, names, Metric, UnknownMetric, METRICS};
pub use table::{MetricTable, TableWriteError};
pub use tabular::{Cell, Table};
