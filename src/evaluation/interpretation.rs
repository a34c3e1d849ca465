//! Interpreting a trained run on a period of its data set: Integrated Gradients contributions of
//! the input features (Li & Zhao, Fig. 6-7), the sensitivity of the predictions to the static
//! attributes by the method of Morris (Kratzert et al. 2019, Table 4) and the NSE of the
//! predictions when the static attributes are perturbed by Gaussian noise (Kratzert et al.
//! 2019, Fig. 6).
//!
//! Every analysis uses the first target of the run and the days of the period with a complete
//! look-back window (observations are needed only for the NSE). Each basin is interpreted with
//! the model that predicts it (its own in a local run).

use super::dataset::LoadedData;
use super::error::RunError;
use super::evaluate::{predict_with_statics, PREDICTION_BATCH};
use super::training_run::{training_years, TrainedRun};
use crate::analysis::Table;
use crate::data::windows::{all_samples, Sample};
use crate::data::DateRange;
use crate::interpretation::gradients::{output_and_input_gradients, GradientError};
use crate::interpretation::integrated_gradients::{
    cumulative_table, feature_table, integrated_gradients, seasonal_table, Baseline, Contributions,
    FeatureKind,
};
use crate::interpretation::noise::{noise_summary, noise_table, noise_trials, push_noise_rows};
use crate::interpretation::sensitivity::{MeanAbsoluteEffect, StaticSensitivity};

/// The output interpreted: the run's first target.
const TARGET: usize = 0;

/// The contribution tables of [`attributions`].
#[derive(Debug, Clone, PartialEq)]
pub struct AttributionTables {
    /// Mean share of every feature per basin (see
    /// [`feature_table`](crate::interpretation::integrated_gradients::feature_table)).
    pub features: Table,
    /// Mean cumulative shares over the look-back per basin, one row per basin and lag (see
    /// [`cumulative_table`](crate::interpretation::integrated_gradients::cumulative_table)).
    pub cumulative: Table,
    /// Mean share by season of the prediction day per basin (see
    /// [`seasonal_table`](crate::interpretation::integrated_gradients::seasonal_table)).
    pub seasonal: Table,
}

/// The tables of [`noise_robustness`].
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseTables {
    /// The NSE of every basin, level and draw (see
    /// [`noise_table`](crate::interpretation::noise::noise_table)).
    pub trials: Table,
    /// The NSE of every level over the basins and draws (see
    /// [`noise_summary`](crate::interpretation::noise::noise_summary)).
    pub summary: Table,
}

/// The tables of [`static_sensitivity`].
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityTables {
    /// Sensitivity of every basin to every attribute (see [`StaticSensitivity::table`]).
    pub basins: Table,
    /// The overall ranking of the attributes (see [`StaticSensitivity::ranking`]).
    pub ranking: Table,
}

/// Integrated Gradients contributions of the input features (dynamic inputs and static
/// attributes) to the predictions of `basins` (gauge ids; every basin when empty) over `period`,
/// from `baseline` with `points` midpoint-rule points. At most `samples` predictions per basin
/// are attributed, spread evenly over the period (see [`evenly_spread`]).
pub fn attributions(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    basins: &[String],
    baseline: &Baseline,
    points: usize,
    samples: usize,
) -> Result<AttributionTables, RunError> {
    let chosen = basin_positions(data, basins)?;
    let lookback = run.spec.data.lookback;
    let days = all_samples(&data.records, period, lookback);
    let normalization = &run.normalization;
    let mut names = normalization.inputs.names.clone();
    names.extend(normalization.statics.names.iter().cloned());
    let mut kinds = vec![FeatureKind::Dynamic; normalization.inputs.len()];
    kinds.extend(vec![FeatureKind::Static; normalization.statics.len()]);
    if let Baseline::PerFeature(values) = baseline {
        if values.len() != names.len() {
            return Err(RunError::Other {
                message: format!(
                    "the baseline has {} values, the run has {} input features",
                    values.len(),
                    names.len()
                ),
                help: format!("give one value per feature: {}", names.join(", ")),
            });
        }
    }
    if points == 0 {
        return Err(RunError::Other {
            message: "Integrated Gradients need at least one integration point".into(),
            help: "use e.g. 50 points".into(),
        });
    }
    let mut tables = AttributionTables {
        features: feature_table(),
        cumulative: cumulative_table(&names),
        seasonal: seasonal_table(),
    };
    for basin in chosen {
        let weights = run.engine_for(basin).model_weights();
        let record = &data.records[basin];
        let mut contributions = Contributions::new(names.clone(), kinds.clone(), lookback);
        for chunk in evenly_spread(&days[basin], samples).chunks(PREDICTION_BATCH) {
            let batch = run.batch(&data.records, chunk);
            let attributions = integrated_gradients(&weights, &batch, TARGET, baseline, points)
                .map_err(gradient_error)?;
            let days: Vec<_> = chunk.iter().map(|s| record.dates[s.end]).collect();
            contributions.add(&attributions, &days);
        }
        let id = &data.basins[basin];
        contributions.push_feature_rows(id, &mut tables.features);
        contributions.push_cumulative_rows(id, &mut tables.cumulative);
        contributions.push_seasonal_rows(id, &mut tables.seasonal);
    }
    Ok(tables)
}

/// At most `count` of `samples`, spread evenly: all of them when there are no more than
/// `count`, else sample `floor((2 i + 1) n / (2 count))` for `i = 0..count` (the middles of
/// `count` equal parts of the `n` samples).
pub fn evenly_spread(samples: &[Sample], count: usize) -> Vec<Sample> {
    let n = samples.len();
    if n <= count {
        return samples.to_vec();
    }
    (0..count)
        .map(|i| samples[(2 * i + 1) * n / (2 * count)])
        .collect()
}

/// The baseline of every input at its physical zero (no precipitation, 0 degC, ...), in the
/// normalised units of the run: `normalize(0)` of every dynamic input, then of every static
/// attribute.
pub fn physical_zero_baseline(run: &TrainedRun) -> Baseline {
    let normalization = &run.normalization;
    let inputs = (0..normalization.inputs.len()).map(|k| normalization.inputs.normalize(k, 0.0));
    let statics = (0..normalization.statics.len()).map(|k| normalization.statics.normalize(k, 0.0));
    Baseline::PerFeature(inputs.chain(statics).map(|v| v as f32).collect())
}

/// The baseline of every input at its training mean, in the normalised units of the run: the
/// mean of every dynamic input over the days the run was trained on (its training years) of
/// every basin of `data`, and of every static attribute over the basins (missing values left
/// out). For z-scored features this is 0; it differs for min-max scaled features and for inputs
/// left in physical units (the mass inputs of the MC-LSTM).
pub fn training_mean_baseline(run: &TrainedRun, data: &LoadedData) -> Baseline {
    let normalization = &run.normalization;
    let periods = training_years(&run.spec);
    let mut values = Vec::with_capacity(normalization.inputs.len() + normalization.statics.len());
    for k in 0..normalization.inputs.len() {
        let series = data.records.iter().flat_map(|record| {
            periods.iter().flat_map(move |period| {
                let start = record.dates.partition_point(|d| *d < period.start);
                let end = record
                    .dates
                    .partition_point(|d| *d <= period.end)
                    .max(start);
                record.inputs[k][start..end].iter().map(|&v| f64::from(v))
            })
        });
        values.push(normalization.inputs.normalize(k, mean_of_present(series)));
    }
    for k in 0..normalization.statics.len() {
        let attribute = data.statics.iter().filter_map(|row| row.get(k).copied());
        values.push(
            normalization
                .statics
                .normalize(k, mean_of_present(attribute)),
        );
    }
    Baseline::PerFeature(values.into_iter().map(|v| v as f32).collect())
}

/// The mean of the values that are not NaN (NaN when there are none).
fn mean_of_present(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values
        .filter(|v| !v.is_nan())
        .fold((0.0, 0usize), |(sum, count), v| (sum + v, count + 1));
    sum / count as f64
}

/// The sensitivity of the predictions of `basins` (gauge ids; every basin when empty) over
/// `period` to the static attributes: the mean absolute gradient of the prediction with respect
/// to each normalised attribute, and the ranking of the attributes by their sensitivities
/// normalised per basin.
pub fn static_sensitivity(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    basins: &[String],
) -> Result<SensitivityTables, RunError> {
    let statics = run.normalization.statics.len();
    if statics == 0 {
        return Err(no_statics());
    }
    let chosen = basin_positions(data, basins)?;
    let dynamic = run.normalization.inputs.len();
    let lookback = run.spec.data.lookback;
    let samples = all_samples(&data.records, period, lookback);
    let mut sensitivity = StaticSensitivity {
        attributes: run.normalization.statics.names.clone(),
        basins: chosen.iter().map(|&b| data.basins[b].clone()).collect(),
        values: Vec::with_capacity(chosen.len()),
        predictions: Vec::with_capacity(chosen.len()),
    };
    for basin in chosen {
        let weights = run.engine_for(basin).model_weights();
        let mut effects = MeanAbsoluteEffect::new(statics);
        for chunk in samples[basin].chunks(PREDICTION_BATCH) {
            let batch = run.batch(&data.records, chunk);
            let gradients =
                output_and_input_gradients(&weights, &batch, TARGET).map_err(gradient_error)?;
            effects.add(&gradients.summed_over_steps(dynamic..dynamic + statics));
        }
        sensitivity.values.push(effects.means());
        sensitivity.predictions.push(effects.predictions());
    }
    Ok(SensitivityTables {
        basins: sensitivity.table(),
        ranking: sensitivity.ranking(),
    })
}

/// The NSE over `period` of every basin predicted with its normalised static attributes
/// perturbed by `N(0, sigma)` noise, `draws` draws for every `sigma` of `sigmas`, the noise
/// drawn from `seed` (see [`noise_trials`]): the trials `basin, sigma, draw, nse` and their
/// summary per level.
pub fn noise_robustness(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    sigmas: &[f64],
    draws: usize,
    seed: u64,
) -> Result<NoiseTables, RunError> {
    if run.normalization.statics.is_empty() {
        return Err(no_statics());
    }
    let lookback = run.spec.data.lookback;
    let observed: Vec<Vec<f64>> = all_samples(&data.records, period, lookback)
        .iter()
        .zip(&data.records)
        .map(|(samples, record)| {
            samples
                .iter()
                .map(|s| f64::from(record.targets[TARGET][s.end]))
                .collect()
        })
        .collect();
    let statics = run.statics.clone();
    let trials = noise_trials(&statics, sigmas, draws, seed, &observed, |perturbed| {
        predict_with_statics(run, data, period, perturbed)
            .into_iter()
            .map(|series| series.simulated.into_iter().nth(TARGET).unwrap_or_default())
            .collect()
    });
    let mut table = noise_table();
    for (basin, basin_trials) in data.basins.iter().zip(&trials) {
        push_noise_rows(&mut table, basin, basin_trials);
    }
    Ok(NoiseTables {
        summary: noise_summary(&trials),
        trials: table,
    })
}

/// The positions of the gauge ids `basins` in `data` (all basins when empty), or an error
/// naming a basin that is not in it.
pub fn basin_positions(data: &LoadedData, basins: &[String]) -> Result<Vec<usize>, RunError> {
    if basins.is_empty() {
        return Ok((0..data.basins.len()).collect());
    }
    basins
        .iter()
        .map(|id| {
            data.basins
                .iter()
                .position(|b| b == id)
                .ok_or_else(|| RunError::Other {
                    message: format!("basin {id} is not in the data set"),
                    help: format!("the basins are {}", data.basins.join(", ")),
                })
        })
        .collect()
}

fn gradient_error(error: GradientError) -> RunError {
    RunError::Other {
        message: error.to_string(),
        help: crate::evaluation::error::help_of(&error)
            .unwrap_or_else(|| "interpret a run of the `lstm`, `ealstm` or `mclstm` models".into()),
    }
}

fn no_statics() -> RunError {
    RunError::Other {
        message: "the run has no static attributes".into(),
        help: "train the run with static attributes (`statics = [...]` in its data set)".into(),
    }
}
