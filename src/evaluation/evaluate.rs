//! Evaluating a trained run on a period of its data set: predictions for every day with a full
//! look-back window, metrics per basin on the days with observations, and the files that record
//! them (predictions CSV, metrics CSV, one hydrograph per basin).
//!
//! Predictions are de-normalised to the targets' units (mm/day) and negative values are set to
//! zero, as in the evaluation of Kratzert et al. (2019): discharge (and evapotranspiration,
//! snow water equivalent) cannot be negative.
//!
//! A data set with several targets is predicted for all of them at once: `predictions.csv`
//! holds an observed/simulated column pair per target, and the metrics are computed for the
//! target the `evaluate` call names (the first by default), in `metrics.csv` and
//! `hydrographs/` for the first target and `metrics_<target>.csv` and `hydrographs_<target>/`
//! for the others.

use chrono::NaiveDate;
use std::fmt::Write as _;

use super::dataset::LoadedData;
use super::error::RunError;
use super::run_dir::RunDirectory;
use super::training_run::TrainedRun;
use crate::analysis::MetricTable;
use crate::checking::plan::EvaluateSpec;
use crate::data::windows::all_samples;
use crate::data::DateRange;
use crate::plots::hydrograph::hydrograph;
use crate::syntax::ScriptError;

/// Windows predicted per engine call.
pub(super) const PREDICTION_BATCH: usize = 512;

/// One basin's observed and simulated series of every target over a period.
#[derive(Debug, Clone)]
pub struct BasinSeries {
    /// Gauge id.
    pub basin: String,
    /// Days.
    pub dates: Vec<NaiveDate>,
    /// Observed values `[target][day]` (e.g. discharge in mm/day, NaN where missing).
    pub observed: Vec<Vec<f64>>,
    /// Simulated values `[target][day]`.
    pub simulated: Vec<Vec<f64>>,
}

/// Predicts every basin of `data` over `period` with `run` (each basin with its own model in a
/// local run).
pub fn predict(run: &mut TrainedRun, data: &LoadedData, period: DateRange) -> Vec<BasinSeries> {
    let statics = run.statics.clone();
    predict_with_statics(run, data, period, &statics)
}

/// Predicts every basin of `data` over `period` with `run` as [`predict`] does, but with the
/// normalised static attributes `statics` (`[basin][attribute]`, e.g. perturbed ones) in place
/// of the run's.
pub fn predict_with_statics(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    statics: &[Vec<f32>],
) -> Vec<BasinSeries> {
    let lookback = run.spec.data.lookback;
    let per_basin = all_samples(&data.records, period, lookback);
    let mut series = Vec::with_capacity(per_basin.len());
    for (basin, (samples, record)) in per_basin.iter().zip(&data.records).enumerate() {
        let outputs = run.normalization.targets.len().max(1);
        let mut simulated = vec![Vec::with_capacity(samples.len()); outputs];
        for chunk in samples.chunks(PREDICTION_BATCH) {
            let batch = run.batch_with(&data.records, statics, chunk);
            let output = run.engine_for(basin).predict(&batch);
            for (k, &v) in output.iter().enumerate() {
                let target = k % outputs;
                let value = run.normalization.targets.denormalize(target, f64::from(v));
                simulated[target].push(value.max(0.0));
            }
        }
        series.push(BasinSeries {
            basin: record.basin.clone(),
            dates: samples.iter().map(|s| record.dates[s.end]).collect(),
            observed: record
                .targets
                .iter()
                .map(|t| samples.iter().map(|s| f64::from(t[s.end])).collect())
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
    run_dir: &RunDirectory,
) -> Result<MetricTable, RunError> {
    let period = match spec.period.as_str() {
        "train" => Some(run.spec.data.train.value),
        "validation" => run.spec.data.validation.as_ref().map(|p| p.value),
        _ => run.spec.data.test.as_ref().map(|p| p.value),
    }
    .expect("the checker makes sure the period is declared");
    let series = predict(run, data, period);
    let dir = run_dir.subdir(run.dir.join(&spec.period))?;
    let names: Vec<&str> = run
        .spec
        .data
        .targets
        .iter()
        .map(|t| t.value.as_str())
        .collect();
    run_dir.write(
        dir.join("predictions.csv"),
        &predictions_csv(&series, &names),
    )?;
    let target = spec.target_index;
    let table = score(spec, &series)?;
    let suffix = if target == 0 {
        String::new()
    } else {
        format!("_{}", spec.target)
    };
    let metrics_path = dir.join(format!("metrics{suffix}.csv"));
    table
        .write_csv(&metrics_path)
        .map_err(|e| RunError::Other {
            message: e.to_string(),
            help: "check that the run directory is writable".into(),
        })?;
    let figures = run_dir.subdir(dir.join(format!("hydrographs{suffix}")))?;
    let unit = if spec.target == "swe" { "mm" } else { "mm/day" };
    for s in &series {
        let path = figures.join(format!("{}.png", s.basin));
        let title = format!(
            "{} — {} {} ({} period {period})",
            s.basin, run.spec.name, spec.target, spec.period
        );
        let (observed, simulated) = (&s.observed[target], &s.simulated[target]);
        hydrograph(&path, &title, &s.dates, observed, simulated, unit).map_err(|e| {
            RunError::Other {
                message: e.to_string(),
                help: "check that the run directory is writable".into(),
            }
        })?;
    }
    run_dir.note(&format!(
        "{}: evaluated {} on {} ({period}): {}, {}, {}",
        run.spec.name,
        spec.target,
        spec.period,
        metrics_path.display(),
        dir.join("predictions.csv").display(),
        figures.display()
    ));
    Ok(table)
}

/// The predictions of every basin: `date,basin,observed,simulated` for one target, and an
/// `<target>_observed,<target>_simulated` column pair per target for several.
fn predictions_csv(series: &[BasinSeries], targets: &[&str]) -> String {
    let mut csv = String::from("date,basin");
    if let [_] = targets {
        csv.push_str(",observed,simulated");
    } else {
        for t in targets {
            let _ = write!(csv, ",{t}_observed,{t}_simulated");
        }
    }
    csv.push('\n');
    for s in series {
        for (day, date) in s.dates.iter().enumerate() {
            let _ = write!(csv, "{date},{}", s.basin);
            for (observed, simulated) in s.observed.iter().zip(&s.simulated) {
                let obs = observed[day];
                if obs.is_nan() {
                    let _ = write!(csv, ",,{:.4}", simulated[day]);
                } else {
                    let _ = write!(csv, ",{obs:.4},{:.4}", simulated[day]);
                }
            }
            csv.push('\n');
        }
    }
    csv
}

/// The metrics `spec` asks for, of its target in every basin of `series`.
pub(crate) fn score(
    spec: &EvaluateSpec,
    series: &[BasinSeries],
) -> Result<MetricTable, ScriptError> {
    let target = spec.target_index;
    let rows: Vec<(&str, &[f64], &[f64])> = series
        .iter()
        .map(|s| {
            (
                s.basin.as_str(),
                s.observed[target].as_slice(),
                s.simulated[target].as_slice(),
            )
        })
        .collect();
    MetricTable::compute(&spec.metrics, &rows)
        .map_err(|e| ScriptError::new(spec.span, e.to_string()))
}
