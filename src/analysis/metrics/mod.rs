//! Goodness-of-fit metrics of simulated against observed streamflow, and their registry.
//!
//! Every metric takes `(observed, simulated)` of equal length and returns `Option<f64>`: missing
//! observations (NaN) are dropped pairwise by one shared helper before the metric is computed, and
//! `None` marks a value that is undefined for the data (too few valid pairs, constant observations,
//! ...; each function documents its cases). A metric never returns NaN or an infinite value.
//!
//! Adding a metric means one new file defining the function and its [`Metric`] entry, plus one line
//! in [`METRICS`] (and the `mod` line for a new file).

mod correlation;
mod fdc;
mod kge;
mod nse;
mod pairs;
mod range_bias;
mod squared_error;

pub use correlation::pearson_r;
pub use fdc::{fhv, flv, fms};
pub use kge::{kge, kge_beta, kge_gamma, kge_r};
pub use nse::{alpha_nse, beta_nse, nse};
pub use range_bias::{blv, bmv, bpv};
pub use squared_error::{mse, rmse};

/// A named metric as it can be requested from a script.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Name used in scripts and as the column header of metric tables, e.g. `"nse"`.
    pub name: &'static str,
    /// One-line description including the formula.
    pub description: &'static str,
    /// Unit of the value: `-` for dimensionless, `%` for percent biases, `[Q]` for the unit of the
    /// flow series (e.g. mm/day) and `[Q]^2` for its square.
    pub unit: &'static str,
    /// The metric as a function of `(observed, simulated)`; `None` when undefined.
    pub compute: fn(&[f64], &[f64]) -> Option<f64>,
}

/// All metrics known to the language, in the order they are listed to users.
pub const METRICS: &[Metric] = &[
    nse::NSE,
    nse::ALPHA_NSE,
    nse::BETA_NSE,
    kge::KGE,
    kge::KGE_R,
    kge::KGE_BETA,
    kge::KGE_GAMMA,
    correlation::PEARSON_R,
    squared_error::RMSE,
    squared_error::MSE,
    fdc::FHV,
    fdc::FMS,
    fdc::FLV,
    range_bias::BPV,
    range_bias::BMV,
    range_bias::BLV,
];

/// The metric called `name`, if there is one.
pub fn lookup(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|metric| metric.name == name)
}

/// Names of all metrics, in the order of [`METRICS`].
pub fn names() -> impl Iterator<Item = &'static str> {
    METRICS.iter().map(|metric| metric.name)
}

/// A metric name that is not in [`METRICS`].
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[error("unknown metric `{name}`")]
#[diagnostic(code(hydro::analysis::unknown_metric))]
pub struct UnknownMetric {
    /// The name that was asked for.
    pub name: String,
    /// A hint naming the closest known metric, or listing all of them.
    #[help]
    pub help: String,
}

impl UnknownMetric {
    /// The error for `name`, with a suggestion of the most similar known metric name (Jaro-Winkler
    /// similarity of at least 0.8), or otherwise the list of known metrics.
    pub fn new(name: &str) -> Self {
        let closest = names()
            .map(|known| (strsim::jaro_winkler(name, known), known))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(similarity, _)| *similarity >= 0.8);
        let help = match closest {
            Some((_, known)) => format!("did you mean `{known}`?"),
            None => format!(
                "known metrics are: {}",
                names().collect::<Vec<_>>().join(", ")
            ),
        };
        Self {
            name: name.to_string(),
            help,
        }
    }
}
