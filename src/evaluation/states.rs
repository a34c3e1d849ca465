//! Internal states of a trained run as tables: the cell and hidden states at the end of every
//! window of a period, linear probes from the cell states to a column of the data set, and the
//! EA-LSTM's input-gate embedding of each basin.
//!
//! Probes read the cell states `c_T`, the memory of the LSTM, as Li et al. (2023, Sect. 4.1)
//! and Lees et al. (2022) do. A regional run shares one model, and so one state space, between
//! its basins: its probe is fitted once on the pooled samples of all basins in the fitting
//! period and scored per basin on the test period. A local run has one model per basin, whose
//! states mean different things: each basin gets its own probe. The variable is read from the
//! data set in its physical units (e.g. evapotranspiration in mm/day), on the last day of each
//! window; days without a value are skipped.

use super::dataset::LoadedData;
use super::error::RunError;
use super::evaluate::PREDICTION_BATCH;
use super::training_run::TrainedRun;
use crate::analysis::{Cell, Table};
use crate::checking::plan::TrainingMode;
use crate::data::windows::all_samples;
use crate::data::{BasinRecord, DateRange, Sample};
use crate::interpretation::probe::{LinearProbe, DEFAULT_RIDGE};
use crate::interpretation::states::{StateModel, States};
use crate::models::weights::ModelWeights;

/// The states at the end of every window of `period` for every basin of `data` (or only the
/// basins named in `basins`): columns `basin`, `date`, `c_0..c_{H-1}`, `h_0..h_{H-1}` (for an
/// MC-LSTM `c_j` is the water in cell `j` in mm and `h_j` its outflow in mm/day).
///
/// Fails for an architecture without cell states (EXP-HYDRO, the CNN-LSTM, the stacked LSTM).
pub fn cell_states(
    run: &TrainedRun,
    data: &LoadedData,
    period: DateRange,
    basins: Option<&[String]>,
) -> Result<Table, RunError> {
    let models = state_models(run)?;
    let hidden = models[0].hidden();
    let mut columns = vec!["basin".to_string(), "date".to_string()];
    columns.extend((0..hidden).map(|j| format!("c_{j}")));
    columns.extend((0..hidden).map(|j| format!("h_{j}")));
    let mut table = Table::new(&columns);
    let per_basin = all_samples(&data.records, period, run.spec.data.lookback);
    for (basin, samples) in per_basin.iter().enumerate() {
        let record = &data.records[basin];
        if basins.is_some_and(|chosen| !chosen.contains(&record.basin)) {
            continue;
        }
        let states = window_states(run, data, model_for(run, &models, basin), samples);
        for (k, sample) in samples.iter().enumerate() {
            let mut row = vec![
                Cell::Text(record.basin.clone()),
                Cell::Text(record.dates[sample.end].to_string()),
            ];
            row.extend(states.c[k].iter().map(|&v| Cell::number(f64::from(v))));
            row.extend(states.h[k].iter().map(|&v| Cell::number(f64::from(v))));
            table.push(row);
        }
    }
    Ok(table)
}

/// The tables of [`probe`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeTables {
    /// Per basin: `basin`, `nse`, `r` (Pearson), `fit_samples`, `test_samples` (days with an
    /// observed variable).
    pub scores: Table,
    /// Per basin and scored day of the test period: `date`, `basin`, `observed` (the variable)
    /// and `probed` (the probe's value from that day's cell states), both in the variable's
    /// units; `probed` is missing where the basin has no probe.
    pub series: Table,
}

/// Linear probes from the cell states to `variable` (a target or dynamic input of `data`, in
/// its physical units), fitted on `fit_period` and scored on `test_period`: the scores per
/// basin and the observed and probed series (see [`ProbeTables`]). A regional run's probe is
/// fitted on all basins pooled, a local run's per basin (see the module documentation); the
/// ridge penalty is [`DEFAULT_RIDGE`].
///
/// Fails when `variable` is not a column of `data`, for an architecture without cell states,
/// and for a regional run with fewer than two fitting days; a local run's basin with fewer
/// than two fitting days gets missing scores.
pub fn probe(
    run: &TrainedRun,
    data: &LoadedData,
    variable: &str,
    fit_period: DateRange,
    test_period: DateRange,
) -> Result<ProbeTables, RunError> {
    let mut tables = ProbeTables {
        scores: Table::new(&PROBE_COLUMNS),
        series: Table::new(&SERIES_COLUMNS),
    };
    let Some(first) = data.records.first() else {
        return Ok(tables);
    };
    if variable_series(first, variable).is_none() {
        let mut known = first.target_names.clone();
        known.extend(first.input_names.iter().cloned());
        return Err(RunError::Other {
            message: format!("`{variable}` is not a column of the data set"),
            help: format!("probe one of its targets or inputs: {}", known.join(", ")),
        });
    }
    let models = state_models(run)?;
    let lookback = run.spec.data.lookback;
    let observed = |period: DateRange| -> Vec<(Vec<Sample>, Vec<f64>)> {
        all_samples(&data.records, period, lookback)
            .into_iter()
            .zip(&data.records)
            .map(|(samples, record)| {
                let series = variable_series(record, variable).expect("every record has it");
                samples
                    .into_iter()
                    .map(|s| (s, f64::from(series[s.end])))
                    .filter(|(_, y)| !y.is_nan())
                    .unzip()
            })
            .collect()
    };
    let (fit, test) = (observed(fit_period), observed(test_period));
    let states_of = |basin: usize, samples: &[Sample]| {
        window_states(run, data, model_for(run, &models, basin), samples).c
    };
    let pooled = match run.spec.mode {
        TrainingMode::Regional => {
            let mut states = Vec::new();
            let mut y = Vec::new();
            for (basin, (samples, values)) in fit.iter().enumerate() {
                states.extend(states_of(basin, samples));
                y.extend(values);
            }
            let fitted =
                LinearProbe::fit(&states, &y, DEFAULT_RIDGE).map_err(|e| RunError::Other {
                    message: format!("no probe of `{variable}` over {fit_period}: {e}"),
                    help: "choose a fitting period in which the variable is observed".into(),
                })?;
            Some(fitted)
        }
        TrainingMode::Local => None,
    };
    for (basin, ((fit_samples, fit_y), (test_samples, test_y))) in fit.iter().zip(&test).enumerate()
    {
        let record = &data.records[basin];
        let local = match &pooled {
            Some(_) => None,
            None => LinearProbe::fit(&states_of(basin, fit_samples), fit_y, DEFAULT_RIDGE).ok(),
        };
        let fitted = pooled.as_ref().or(local.as_ref());
        let test_states = states_of(basin, test_samples);
        let score = fitted.map(|p| p.score(&test_states, test_y));
        tables.scores.push(vec![
            Cell::Text(record.basin.clone()),
            Cell::maybe(score.and_then(|s| s.nse)),
            Cell::maybe(score.and_then(|s| s.r)),
            Cell::from(fit_samples.len()),
            Cell::from(test_samples.len()),
        ]);
        for (k, (sample, observed)) in test_samples.iter().zip(test_y).enumerate() {
            tables.series.push(vec![
                Cell::Text(record.dates[sample.end].to_string()),
                Cell::Text(record.basin.clone()),
                Cell::number(*observed),
                Cell::maybe(fitted.map(|p| p.predict(&test_states[k]))),
            ]);
        }
    }
    Ok(tables)
}

/// Columns of the scores of a [`probe`].
const PROBE_COLUMNS: [&str; 5] = ["basin", "nse", "r", "fit_samples", "test_samples"];

/// Columns of the series of a [`probe`].
const SERIES_COLUMNS: [&str; 4] = ["date", "basin", "observed", "probed"];

/// The input gate of every basin of an EA-LSTM run, its embedding of the basin's normalised
/// static attributes (Kratzert et al. 2019, Sect. 2.6.3, Fig. 8): columns `basin`,
/// `gate_0..gate_{H-1}`, each in `(0, 1)`.
///
/// Fails for a run of another architecture.
pub fn input_gate_embedding(run: &TrainedRun, data: &LoadedData) -> Result<Table, RunError> {
    let weights: Vec<ModelWeights> = run.engines.iter().map(|e| e.model_weights()).collect();
    let gates = |basin: usize| match &weights[engine_index(run, basin)] {
        ModelWeights::EaLstm(w) => Ok(w.input_gates(&run.statics[basin])),
        _ => Err(RunError::Other {
            message: format!(
                "the run {} is not an EA-LSTM: it has no input-gate embedding",
                run.spec.name
            ),
            help: "train the model with `ealstm`".into(),
        }),
    };
    let mut table = None;
    for (basin, id) in data.basins.iter().enumerate() {
        let values = gates(basin)?;
        let table = table.get_or_insert_with(|| {
            let mut columns = vec!["basin".to_string()];
            columns.extend((0..values.len()).map(|j| format!("gate_{j}")));
            Table::new(&columns)
        });
        let mut row = vec![Cell::Text(id.clone())];
        row.extend(values.iter().map(|&g| Cell::number(f64::from(g))));
        table.push(row);
    }
    Ok(table.unwrap_or_else(|| Table::new(&["basin"])))
}

/// The models of the run's engines, in their order.
fn state_models(run: &TrainedRun) -> Result<Vec<StateModel>, RunError> {
    run.engines
        .iter()
        .map(|engine| {
            StateModel::new(&engine.model_weights()).map_err(|e| RunError::Other {
                message: format!("run {}: {e}", run.spec.name),
                help: "read states of a run trained with `lstm`, `ealstm` or `mclstm`".into(),
            })
        })
        .collect()
}

/// The position of the engine that predicts basin `basin`.
fn engine_index(run: &TrainedRun, basin: usize) -> usize {
    match run.spec.mode {
        TrainingMode::Regional => 0,
        TrainingMode::Local => basin,
    }
}

/// The model that predicts basin `basin`.
fn model_for<'a>(run: &TrainedRun, models: &'a [StateModel], basin: usize) -> &'a StateModel {
    &models[engine_index(run, basin)]
}

/// The states at the end of the windows `samples`, in prediction-sized batches.
fn window_states(
    run: &TrainedRun,
    data: &LoadedData,
    model: &StateModel,
    samples: &[Sample],
) -> States {
    let mut states = States {
        h: Vec::with_capacity(samples.len()),
        c: Vec::with_capacity(samples.len()),
    };
    for chunk in samples.chunks(PREDICTION_BATCH) {
        let batch = run.batch(&data.records, chunk);
        let more = model.states(&batch);
        states.h.extend(more.h);
        states.c.extend(more.c);
    }
    states
}

/// The daily values of the target or dynamic input `name` of `record` (physical units).
fn variable_series<'a>(record: &'a BasinRecord, name: &str) -> Option<&'a [f32]> {
    let find = |names: &[String], series: &'a [Vec<f32>]| {
        names
            .iter()
            .position(|n| n == name)
            .map(|k| series[k].as_slice())
    };
    find(&record.target_names, &record.targets)
        .or_else(|| find(&record.input_names, &record.inputs))
}
