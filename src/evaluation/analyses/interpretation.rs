//! `integrated_gradients` (contributions of the inputs to a run's predictions, Li & Zhao Fig.
//! 6-7), `static_sensitivity` (Morris sensitivity to the static attributes, Kratzert et al. 2019
//! Table 4) and `noise_robustness` (NSE under Gaussian noise on the static attributes, Kratzert
//! et al. 2019 Fig. 6).
//!
//! The tables they return (columns in %, of the run's first target):
//! - `integrated_gradients(run)`: `features` (the main table) `basin, feature, kind,
//!   contribution_percent, contribution_of_dynamic_percent, predictions`: the mean share of each
//!   feature in the absolute attributions of all features, and among the dynamic inputs only
//!   (missing for static attributes); `lookback` `basin, lag_days, cumulative_percent,
//!   <feature>_percent...`: one row per basin and lag (0 = the prediction day), the mean share of
//!   all features and of each feature at lags `0..=lag_days` (a curve per basin: choose one basin
//!   with `basins = [...]` to draw it); `seasons` `basin, season, feature, contribution_percent,
//!   predictions`: the shares by season (DJF, MAM, JJA, SON) of the prediction day.
//! - `static_sensitivity(run)`: `sensitivity` `basin, attribute, sensitivity,
//!   normalised_sensitivity, rank, predictions` (mean absolute gradient of the normalised
//!   prediction per normalised attribute, min-max scaled per basin, 1 = most sensitive) and
//!   `ranking` `rank, attribute, sensitivity, basins` (mean normalised sensitivity over the
//!   basins).
//! - `noise_robustness(run, sigmas = [...])`: `nse` `basin, sigma, draw, nse` and `summary`
//!   `sigma, median_nse, mean_nse, min_nse, max_nse, trials, undefined` over the basins and
//!   draws.

use super::{arg_error, input_run};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::interpretation::{
    attributions, basin_positions, noise_robustness as noise_tables, physical_zero_baseline,
    static_sensitivity as sensitivity_tables, training_mean_baseline,
};
use crate::evaluation::sweep::period_of;
use crate::evaluation::{Output, RunError, Session};
use crate::syntax::ScriptError;

/// `integrated_gradients(run, period = test, basins = [...], baseline = zero | mean, steps = 50,
/// samples = 365)`.
pub fn integrated_gradients(
    spec: &AnalysisSpec,
    session: &mut Session,
) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let period = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let basins = spec.symbols("basins").unwrap_or_default();
    basin_positions(data, &basins).map_err(|e| at(spec, Some("basins"), e))?;
    let baseline = match spec.symbol("baseline").as_deref() {
        Some("mean") => training_mean_baseline(run, data),
        _ => physical_zero_baseline(run),
    };
    let steps = count(spec, "steps", 50);
    let samples = count(spec, "samples", 365);
    let tables = attributions(run, data, period, &basins, &baseline, steps, samples)
        .map_err(|e| at(spec, None, e))?;
    Ok(Output::Tables {
        label: name,
        tables: vec![
            ("features", tables.features),
            ("lookback", tables.cumulative),
            ("seasons", tables.seasonal),
        ],
    })
}

/// `static_sensitivity(run, period = test, basins = [...])`.
pub fn static_sensitivity(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let period = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let basins = spec.symbols("basins").unwrap_or_default();
    basin_positions(data, &basins).map_err(|e| at(spec, Some("basins"), e))?;
    let tables = sensitivity_tables(run, data, period, &basins).map_err(|e| at(spec, None, e))?;
    Ok(Output::Tables {
        label: name,
        tables: vec![("sensitivity", tables.basins), ("ranking", tables.ranking)],
    })
}

/// `noise_robustness(run, period = test, sigmas = [...], draws = 50, seed = 1)`.
pub fn noise_robustness(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let period = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let sigmas = spec.numbers("sigmas").unwrap_or_default();
    let draws = count(spec, "draws", 50);
    let seed = spec.integer("seed").unwrap_or(1).max(0) as u64;
    let tables =
        noise_tables(run, data, period, &sigmas, draws, seed).map_err(|e| at(spec, None, e))?;
    Ok(Output::Tables {
        label: name,
        tables: vec![("nse", tables.trials), ("summary", tables.summary)],
    })
}

/// The positive integer argument `arg` (the checker bounds it), `default` when absent.
fn count(spec: &AnalysisSpec, arg: &str, default: usize) -> usize {
    spec.integer(arg)
        .map_or(default, |value| usize::try_from(value).unwrap_or(default))
}

/// A failure of the analysis as a diagnostic pointing at the argument `arg`, or at the call.
fn at(spec: &AnalysisSpec, arg: Option<&str>, error: RunError) -> RunError {
    match error {
        RunError::Other { message, help } => match arg {
            Some(arg) => arg_error(spec, arg, message, &help),
            None => ScriptError::new(spec.span, message).with_help(help).into(),
        },
        other => other,
    }
}
