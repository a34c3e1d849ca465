//! Analyses of simulated against observed streamflow.
//!
//! `metrics` holds the goodness-of-fit measures (NSE and its decomposition, KGE and its components,
//! correlation, squared errors, the flow-duration-curve signatures FHV, FMS and FLV, and the biases
//! of the peak, middle and low flows BPV, BMV and BLV) together with a registry that maps each
//! metric's script name to its function; `table` gathers metric values per basin into a
//! [`MetricTable`] with medians, means, CSV output and a text rendering; `statistics` compares
//! models across basins and seeds (Wilcoxon signed-rank test, Cohen's d, percentiles and summary
//! tables); `signatures` computes the thirteen CAMELS hydrological signatures of a basin from its
//! discharge and precipitation; `scenarios` changes input series into hypothetical ones and
//! measures the water balance of the response; `tabular` is the general [`Table`] every analysis
//! returns.

pub mod clustering;
pub mod metrics;
pub mod scenarios;
pub mod signatures;
pub mod statistics;
pub mod table;
pub mod tabular;

pub use metrics::{lookup, names, Metric, UnknownMetric, METRICS};
pub use table::{MetricTable, TableWriteError};
pub use tabular::{Cell, Table};
