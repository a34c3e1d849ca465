//! Runners of the analysis and figure functions: one file per function, each registered below
//! under the name the library's table (`checking::library::analyses`) gives it.

mod clustering;
mod compare;
mod figures;
mod interpretation;
mod run_figures;
mod scenario;
mod series;
mod signatures;
mod states;
mod summaries;

use super::{Output, RunError, Session};
use crate::analysis::Table;
use crate::checking::plan::{AnalysisInput, AnalysisSpec};
use crate::syntax::ScriptError;

/// Computes an analysis from the session's results.
type Runner = fn(&AnalysisSpec, &mut Session) -> Result<Output, RunError>;

/// Every runner, by function name.
const RUNNERS: &[(&str, Runner)] = &[
    ("summarize", summaries::summarize),
    ("spread", summaries::spread),
    ("predictions", series::predictions),
    ("attributes", series::attributes),
    ("scenario", scenario::scenario),
    ("kmeans", clustering::kmeans),
    ("pca", clustering::pca),
    ("variance_reduction", clustering::variance_reduction),
    ("compare", compare::compare),
    ("signatures", signatures::signatures),
    ("cell_states", states::cell_states),
    ("probe", states::probe),
    ("input_gates", states::input_gates),
    ("integrated_gradients", interpretation::integrated_gradients),
    ("static_sensitivity", interpretation::static_sensitivity),
    ("noise_robustness", interpretation::noise_robustness),
    ("cdf", figures::cdf),
    ("boxplot", figures::boxplot),
    ("heatmap", figures::heatmap),
    ("scatter", figures::scatter),
    ("bars", figures::bars),
    ("curves", figures::curves),
    ("basin_map", run_figures::basin_map),
    ("hydrograph", run_figures::hydrograph),
];

/// Runs the analysis `spec`.
pub fn run(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let runner = RUNNERS
        .iter()
        .find(|(name, _)| *name == spec.function)
        .map(|(_, r)| *r)
        .expect("every analysis of the library has a runner");
    runner(spec, session)
}

/// The tables given as inputs, with their labels (a `labels = [...]` argument overrides them).
pub(crate) fn input_tables(spec: &AnalysisSpec, session: &Session) -> Vec<(String, Table)> {
    let mut tables: Vec<(String, Table)> = spec
        .inputs
        .iter()
        .filter_map(|input| match input {
            AnalysisInput::Result(step, kind) => Some(session.input_table(*step, *kind)),
            _ => None,
        })
        .collect();
    if let Some(labels) = spec.symbols("labels") {
        for ((label, _), given) in tables.iter_mut().zip(labels) {
            *label = given;
        }
    }
    tables
}

/// The name of the run an analysis reads (its first input).
pub(crate) fn input_run(spec: &AnalysisSpec) -> &str {
    match spec.inputs.first() {
        Some(AnalysisInput::Run(name) | AnalysisInput::Sweep(name)) => name,
        _ => unreachable!("the checker makes the first input a run"),
    }
}

/// An error pointing at the argument `arg` of the call (or the call).
pub(crate) fn arg_error(spec: &AnalysisSpec, arg: &str, message: String, help: &str) -> RunError {
    ScriptError::new(spec.span_of(arg), message)
        .with_help(help.to_string())
        .into()
}

/// The column `name` of `table` as numbers, or an error naming the columns there are.
pub(crate) fn numeric_column(
    spec: &AnalysisSpec,
    arg: &str,
    table: &Table,
    name: &str,
) -> Result<Vec<Option<f64>>, RunError> {
    table.numbers(name).ok_or_else(|| {
        arg_error(
            spec,
            arg,
            format!("the table has no column `{name}`"),
            &format!("its columns are {}", table.columns.join(", ")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::RUNNERS;
    use crate::checking::library::ANALYSES;

    #[test]
    fn every_analysis_of_the_library_has_one_runner() {
        for analysis in ANALYSES {
            let count = RUNNERS
                .iter()
                .filter(|(n, _)| *n == analysis.name())
                .count();
            assert_eq!(count, 1, "runners of `{}`", analysis.name());
        }
        for (name, _) in RUNNERS {
            assert!(
                ANALYSES.iter().any(|a| a.name() == *name),
                "runner `{name}` has no library entry"
            );
        }
    }
}
