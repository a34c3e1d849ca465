//! Evaluating a trained run on a period of its data set: predictions for every day with a full
//! look-back window, metrics per basin on the days with observations, and the files that record
//! them (predictions CSV, metrics CSV, one hydrograph per basin).
//!
//! Predictions are de-normalised to mm/day and negative values are set to zero, as in the
//! evaluation of Kratzert et al. (2019): discharge cannot be negative.

use chrono::NaiveDate;
use std::fmt::Write as _;

use super::dataset::LoadedData;
use super::error::RunError;
use super::run_dir::RunDirectory;
use super::training_run::TrainedRun;
use crate::analysis::MetricTable;
use crate::checking::plan::EvaluateSpec;
use crate::data::windows::{all_samples, assemble};
use crate::data::DateRange;
use crate::plots::hydrograph::hydrograph;
use crate::syntax::ScriptError;

/// Windows predicted per engine call.
const PREDICTION_BATCH: usize = 512;

/// One basin's observed and simulated series over a period.
#[derive(Debug, Clone)]
pub struct BasinSeries {
    /// Gauge id.
    pub basin: String,
    /// Days.
    pub dates: Vec<NaiveDate>,
    /// Observed discharge (mm/day, NaN where missing).
    pub observed: Vec<f64>,
    /// Simulated discharge (mm/day).
    pub simulated: Vec<f64>,
}

/// Predicts every basin of `data` over `period` with `run` (each basin with its own model in a
/// local run).
pub fn predict(run: &mut TrainedRun, data: &LoadedData, period: DateRange) -> Vec<BasinSeries> {
    let lookback = run.spec.data.lookback;
    let per_basin = all_samples(&data.records, period, lookback);
    let mut series = Vec::with_capacity(per_basin.len());
    for (basin, (samples, record)) in per_basin.iter().zip(&data.records).enumerate() {
        let mut simulated = Vec::with_capacity(samples.len());
        for chunk in samples.chunks(PREDICTION_BATCH) {
            let batch = assemble(
                &data.records,
                &run.normalization,
                &run.statics,
                chunk,
                lookback,
                &run.basin_std,
            );
            let output = run.engine_for(basin).predict(&batch);
            let targets = &run.normalization.targets;
            simulated.extend(
                output
                    .iter()
                    .step_by(targets.len().max(1))
                    .map(|&v| targets.denormalize(0, f64::from(v)).max(0.0)),
            );
        }
        series.push(BasinSeries {
            basin: record.basin.clone(),
            dates: samples.iter().map(|s| record.dates[s.end]).collect(),
            observed: samples
                .iter()
                .map(|s| f64::from(record.targets[0][s.end]))
                .collect(),
            simulated,
        });
    }
    series
}

/// Runs `evaluate(...)`: predictions, metric table, and files under `<run>/<period>/`.
pub fn evaluate(
    spec: &EvaluateSpec,
    run: &mut TrainedRun,
    data: &LoadedData,
    run_dir: &mut RunDirectory,
) -> Result<MetricTable, RunError> {
    let period = match spec.period.as_str() {
        "train" => Some(run.spec.data.train.value),
        "validation" => run.spec.data.validation.as_ref().map(|p| p.value),
        _ => run.spec.data.test.as_ref().map(|p| p.value),
    }
    .expect("the checker makes sure the period is declared");
    let series = predict(run, data, period);
    let dir = run_dir.subdir(run.dir.join(&spec.period))?;
    let mut csv = String::from("date,basin,observed,simulated\n");
    for s in &series {
        for ((date, obs), sim) in s.dates.iter().zip(&s.observed).zip(&s.simulated) {
            let obs = if obs.is_nan() {
                String::new()
            } else {
                format!("{obs:.4}")
            };
            let _ = writeln!(csv, "{date},{},{obs},{sim:.4}", s.basin);
        }
    }
    run_dir.write(dir.join("predictions.csv"), &csv)?;
    let rows: Vec<(&str, &[f64], &[f64])> = series
        .iter()
        .map(|s| {
            (
                s.basin.as_str(),
                s.observed.as_slice(),
                s.simulated.as_slice(),
            )
        })
        .collect();
    let table = MetricTable::compute(&spec.metrics, &rows)
        .map_err(|e| ScriptError::new(spec.span, e.to_string()))?;
    let metrics_path = dir.join("metrics.csv");
    table
        .write_csv(&metrics_path)
        .map_err(|e| RunError::Other {
            message: e.to_string(),
            help: "check that the run directory is writable".into(),
        })?;
    let figures = run_dir.subdir(dir.join("hydrographs"))?;
    for s in &series {
        let path = figures.join(format!("{}.png", s.basin));
        let title = format!(
            "{} — {} ({} period {period})",
            s.basin, run.spec.name, spec.period
        );
        hydrograph(&path, &title, &s.dates, &s.observed, &s.simulated, "mm/day").map_err(|e| {
            RunError::Other {
                message: e.to_string(),
                help: "check that the run directory is writable".into(),
            }
        })?;
    }
    run_dir.note(&format!(
        "{}: evaluated on {} ({period}): {}, {}, {}",
        run.spec.name,
        spec.period,
        metrics_path.display(),
        dir.join("predictions.csv").display(),
        figures.display()
    ));
    Ok(table)
}
