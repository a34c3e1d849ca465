//! Interpreting a trained run on a period of its data set: Integrated Gradients contributions of
//! the input features (Li & Zhao, Fig. 6-7), the sensitivity of the predictions to the static
//! attributes by the method of Morris (Kratzert et al. 2019, Table 4) and the NSE of the
//! predictions when the static attributes are perturbed by Gaussian noise (Kratzert et al.
//! 2019, Fig. 6).
//!
//! Every analysis uses the first target of the run and every day of the period with a complete
//! look-back window (observations are needed only for the NSE). Each basin is interpreted with
//! the model that predicts it (its own in a local run).

use super::dataset::LoadedData;
use super::error::RunError;
use super::evaluate::PREDICTION_BATCH;
use super::training_run::TrainedRun;
use crate::analysis::Table;
use crate::data::windows::{all_samples, assemble, Sample};
use crate::data::DateRange;
use crate::interpretation::gradients::{output_and_input_gradients, GradientError};
use crate::interpretation::integrated_gradients::{
    cumulative_table, feature_table, integrated_gradients, seasonal_table, Baseline, Contributions,
    FeatureKind,
};
use crate::interpretation::noise::{noise_table, noise_trials, push_noise_rows};
use crate::interpretation::sensitivity::{MeanAbsoluteEffect, StaticSensitivity};

/// The output interpreted: the run's first target.
const TARGET: usize = 0;

/// The contribution tables of [`attributions`].
#[derive(Debug, Clone, PartialEq)]
pub struct AttributionTables {
    /// Mean share of every feature per basin (see
    /// [`feature_table`](crate::interpretation::integrated_gradients::feature_table)).
    pub features: Table,
    /// Mean cumulative share over the look-back per basin (see
    /// [`cumulative_table`](crate::interpretation::integrated_gradients::cumulative_table)).
    pub cumulative: Table,
    /// Mean share by season of the prediction day per basin (see
    /// [`seasonal_table`](crate::interpretation::integrated_gradients::seasonal_table)).
    pub seasonal: Table,
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
/// from `baseline` with `points` midpoint-rule points.
pub fn attributions(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    basins: &[String],
    baseline: &Baseline,
    points: usize,
) -> Result<AttributionTables, RunError> {
    let chosen = basin_positions(data, basins)?;
    let lookback = run.spec.data.lookback;
    let samples = all_samples(&data.records, period, lookback);
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
        cumulative: cumulative_table(),
        seasonal: seasonal_table(),
    };
    for basin in chosen {
        let weights = run.engine_for(basin).model_weights();
        let record = &data.records[basin];
        let mut contributions = Contributions::new(names.clone(), kinds.clone(), lookback);
        for chunk in samples[basin].chunks(PREDICTION_BATCH) {
            let batch = assemble(
                &data.records,
                &run.normalization,
                &run.statics,
                chunk,
                lookback,
                &run.basin_std,
            );
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

/// The sensitivity of every basin's predictions over `period` to the static attributes: the
/// mean absolute gradient of the prediction with respect to each normalised attribute, and the
/// ranking of the attributes by their sensitivities normalised per basin.
pub fn static_sensitivity(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
) -> Result<SensitivityTables, RunError> {
    let statics = run.normalization.statics.len();
    if statics == 0 {
        return Err(no_statics());
    }
    let dynamic = run.normalization.inputs.len();
    let lookback = run.spec.data.lookback;
    let samples = all_samples(&data.records, period, lookback);
    let mut sensitivity = StaticSensitivity {
        attributes: run.normalization.statics.names.clone(),
        basins: data.basins.clone(),
        values: Vec::with_capacity(data.basins.len()),
        predictions: Vec::with_capacity(data.basins.len()),
    };
    for (basin, basin_samples) in samples.iter().enumerate() {
        let weights = run.engine_for(basin).model_weights();
        let mut effects = MeanAbsoluteEffect::new(statics);
        for chunk in basin_samples.chunks(PREDICTION_BATCH) {
            let batch = assemble(
                &data.records,
                &run.normalization,
                &run.statics,
                chunk,
                lookback,
                &run.basin_std,
            );
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
/// drawn from `seed`: a table `basin, sigma, draw, nse`.
pub fn noise_robustness(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    sigmas: &[f64],
    draws: usize,
    seed: u64,
) -> Result<Table, RunError> {
    if run.normalization.statics.is_empty() {
        return Err(no_statics());
    }
    let lookback = run.spec.data.lookback;
    let samples = all_samples(&data.records, period, lookback);
    let mut table = noise_table();
    let mut statics = run.statics.clone();
    for (basin, basin_samples) in samples.iter().enumerate() {
        let record = &data.records[basin];
        let observed: Vec<f64> = basin_samples
            .iter()
            .map(|s| f64::from(record.targets[TARGET][s.end]))
            .collect();
        let unperturbed = run.statics[basin].clone();
        let trials = noise_trials(
            &unperturbed,
            sigmas,
            draws,
            seed,
            basin,
            &observed,
            |perturbed| {
                statics[basin] = perturbed.to_vec();
                simulate(run, data, basin, basin_samples, &statics)
            },
        );
        statics[basin] = unperturbed;
        push_noise_rows(&mut table, &data.basins[basin], &trials);
    }
    Ok(table)
}

/// The first target of `samples` of basin `basin`, predicted with the normalised static
/// attributes `statics` (`[basin][attribute]`), de-normalised and set to zero where negative
/// as [`predict`](super::evaluate::predict) does.
fn simulate(
    run: &mut TrainedRun,
    data: &LoadedData,
    basin: usize,
    samples: &[Sample],
    statics: &[Vec<f32>],
) -> Vec<f64> {
    let lookback = run.spec.data.lookback;
    let outputs = run.normalization.targets.len().max(1);
    let mut simulated = Vec::with_capacity(samples.len());
    for chunk in samples.chunks(PREDICTION_BATCH) {
        let batch = assemble(
            &data.records,
            &run.normalization,
            statics,
            chunk,
            lookback,
            &run.basin_std,
        );
        let output = run.engine_for(basin).predict(&batch);
        for value in output.iter().step_by(outputs) {
            let value = run
                .normalization
                .targets
                .denormalize(TARGET, f64::from(*value));
            simulated.push(value.max(0.0));
        }
    }
    simulated
}

/// The positions of the gauge ids `basins` in `data` (all basins when empty).
fn basin_positions(data: &LoadedData, basins: &[String]) -> Result<Vec<usize>, RunError> {
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
