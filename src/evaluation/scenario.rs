//! Running a trained model on hypothetical inputs (Yokoo et al.): the data set's inputs are
//! changed over a period, the run predicts the period with the changed inputs and with reference
//! inputs (the observed ones, or the changed ones with precipitation zero: the paper's
//! zero-precipitation case), and the water balance compares the two simulations.
//!
//! The changes apply to a copy of the records (the loaded data stay as read), on the days of the
//! period *and* of its look-back warm-up (`lookback - 1` days before it): every prediction of the
//! period then sees only hypothetical inputs in its window, as in the paper's experiments, where
//! the model is driven by the hypothetical series alone. Changing only the period would let the
//! first `lookback - 1` days of it see observed inputs in their windows.
//!
//! Runoff is the run's first target in mm/day (de-normalised, negative values set to zero by
//! [`predict`]). Precipitation is the input named by the caller or else the one
//! [`precipitation_input`] recognises by name; its volumes are summed over the predicted days of the period only (the warm-up's precipitation
//! reaches runoff in the period but is not counted, as precipitation of the period's last days
//! reaches runoff after it).

use super::dataset::LoadedData;
use super::error::RunError;
use super::evaluate::{predict, BasinSeries};
use super::training_run::TrainedRun;
use crate::analysis::scenarios::{volume_m3, InputChange, Units, WaterBalance};
use crate::analysis::{Cell, Table};
use crate::data::{BasinRecord, DateRange};

/// Short names (lower case, unit suffix removed) of the inputs taken as precipitation for the
/// water balance: CAMELS-US `prcp`, Caravan `total_precipitation_sum`, and the usual column
/// names of daily files and grids.
pub const PRECIPITATION_NAMES: &[&str] = &[
    "prcp",
    "total_precipitation_sum",
    "precipitation",
    "precip",
    "pre",
    "p",
];

/// The position of the precipitation among the inputs `names`: the first whose short name (lower
/// case, without a unit in parentheses: `precip(mm/day)` -> `precip`) is one of
/// [`PRECIPITATION_NAMES`].
pub fn precipitation_input(names: &[String]) -> Option<usize> {
    names.iter().position(|name| {
        let short = name
            .split('(')
            .next()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        PRECIPITATION_NAMES.contains(&short.as_str())
    })
}

/// The simulation a scenario is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The run's simulation with the observed inputs: the ratio is the share of the change of
    /// precipitation passed on to runoff.
    Observed,
    /// The simulation with the scenario's inputs except precipitation, which is zero over the
    /// period and its warm-up (Yokoo et al.'s zero-precipitation case): the ratio is the share
    /// of the precipitation given that the model turns into runoff.
    ZeroPrecipitation,
}

/// The water balance of one basin.
#[derive(Debug, Clone, PartialEq)]
pub struct BasinBalance {
    /// Gauge id.
    pub basin: String,
    /// Basin area in km^2.
    pub area_km2: f64,
    /// Runoff and precipitation volumes of the two simulations compared.
    pub balance: WaterBalance,
}

/// The simulations of a period with observed and with changed inputs.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The run's predictions with the reference inputs, one per basin of the data set.
    pub baseline: Vec<BasinSeries>,
    /// The run's predictions with the changed inputs, on the same days.
    pub scenario: Vec<BasinSeries>,
    /// The water balance of each basin, scenario against reference.
    pub balances: Vec<BasinBalance>,
    /// The balances as a table: `basin, area_km2, baseline_runoff_m3, scenario_runoff_m3,
    /// baseline_precipitation_m3, scenario_precipitation_m3, water_balance_ratio`, `baseline`
    /// being the reference simulation (precipitation and ratio missing when no input is
    /// precipitation or its volume did not change).
    pub summary: Table,
}

/// The data set with `changes` (input name, change, units of its numbers) applied in turn to
/// every basin's record over `period` and its look-back warm-up. Numbers in [`Units::Scaled`]
/// are converted with the run's input normalisation.
///
/// Errors if a change names an input the data set does not have or cannot be applied
/// ([`InputChange::check`]).
pub fn scenario_data(
    run: &TrainedRun,
    data: &LoadedData,
    period: DateRange,
    changes: &[(String, InputChange, Units)],
) -> Result<LoadedData, RunError> {
    let stats = &run.normalization.inputs;
    let days = period.extended_back(run.spec.data.lookback.saturating_sub(1) as u64);
    let mut physical = Vec::with_capacity(changes.len());
    for (name, change, units) in changes {
        change.check().map_err(|message| RunError::Other {
            message: format!("cannot change input `{name}`: {message}"),
            help: "give the change finite numbers (days of the year 1..366)".into(),
        })?;
        let k = stats
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| RunError::Other {
                message: format!("the run `{}` has no input `{name}`", run.spec.name),
                help: format!("its inputs are [{}]", stats.names.join(", ")),
            })?;
        physical.push((name.as_str(), change.in_physical_units(*units, stats, k)));
    }
    let records = data
        .records
        .iter()
        .map(|record| changed_record(record, &physical, days))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LoadedData {
        basins: data.basins.clone(),
        records,
        statics: data.statics.clone(),
        static_names: data.static_names.clone(),
    })
}

/// A copy of `record` with `changes` (in physical units) applied in turn over `days`.
fn changed_record(
    record: &BasinRecord,
    changes: &[(&str, InputChange)],
    days: DateRange,
) -> Result<BasinRecord, RunError> {
    let mut changed = record.clone();
    for (name, change) in changes {
        let k = record
            .input_names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| RunError::Other {
                message: format!("basin {} has no input `{name}`", record.basin),
                help: format!("its inputs are [{}]", record.input_names.join(", ")),
            })?;
        changed.inputs[k] = change.apply(&record.dates, &changed.inputs[k], days);
    }
    Ok(changed)
}

/// The position among the run's inputs of the precipitation: the input `name` if given (an
/// error if the run has no such input), else the one [`precipitation_input`] recognises.
fn precipitation_of(run: &TrainedRun, name: Option<&str>) -> Result<Option<usize>, RunError> {
    let names = &run.normalization.inputs.names;
    match name {
        None => Ok(precipitation_input(names)),
        Some(name) => names
            .iter()
            .position(|n| n == name)
            .map(Some)
            .ok_or_else(|| RunError::Other {
                message: format!("the run `{}` has no input `{name}`", run.spec.name),
                help: format!("its inputs are [{}]", names.join(", ")),
            }),
    }
}

/// Predicts `period` with `run` on `data` changed by `changes` (see [`scenario_data`]) and on
/// the `reference` inputs, and the water balance of each basin (scenario against reference).
/// `precipitation` names the input holding precipitation (`None`: the one
/// [`precipitation_input`] recognises); without one the precipitation volumes and the ratio are
/// missing, and [`Reference::ZeroPrecipitation`] is an error.
pub fn run_scenario(
    run: &mut TrainedRun,
    data: &LoadedData,
    period: DateRange,
    changes: &[(String, InputChange, Units)],
    precipitation: Option<&str>,
    reference: Reference,
) -> Result<ScenarioResult, RunError> {
    let precipitation =
        precipitation_of(run, precipitation)?.map(|k| run.normalization.inputs.names[k].clone());
    let changed = scenario_data(run, data, period, changes)?;
    let zero_precipitation = match reference {
        Reference::Observed => None,
        Reference::ZeroPrecipitation => {
            let name = precipitation.clone().ok_or_else(|| RunError::Other {
                message: format!(
                    "the run `{}` has no input recognised as precipitation",
                    run.spec.name
                ),
                help: format!(
                    "name it with `precipitation = ...` (its inputs are [{}])",
                    run.normalization.inputs.names.join(", ")
                ),
            })?;
            let mut without = changes.to_vec();
            without.push((name, InputChange::Zero, Units::Physical));
            Some(scenario_data(run, data, period, &without)?)
        }
    };
    let reference_data = zero_precipitation.as_ref().unwrap_or(data);
    let baseline = predict(run, reference_data, period);
    let scenario = predict(run, &changed, period);
    let balances = baseline
        .iter()
        .zip(&scenario)
        .zip(reference_data.records.iter().zip(&changed.records))
        .map(|((base, scen), (before, hypothetical))| {
            let precipitation = |record: &BasinRecord| -> Option<Vec<f64>> {
                let name = precipitation.as_ref()?;
                let k = record.input_names.iter().position(|n| n == name)?;
                base.dates
                    .iter()
                    .map(|&date| Some(f64::from(record.inputs[k][record.index_of(date)?])))
                    .collect()
            };
            let area = before.area_km2;
            let (baseline_precipitation_m3, scenario_precipitation_m3) =
                match (precipitation(before), precipitation(hypothetical)) {
                    (Some(p_base), Some(p_scen)) => {
                        (volume_m3(&p_base, area), volume_m3(&p_scen, area))
                    }
                    _ => (f64::NAN, f64::NAN),
                };
            let balance = WaterBalance {
                baseline_runoff_m3: volume_m3(&base.simulated[0], area),
                scenario_runoff_m3: volume_m3(&scen.simulated[0], area),
                baseline_precipitation_m3,
                scenario_precipitation_m3,
            };
            BasinBalance {
                basin: before.basin.clone(),
                area_km2: area,
                balance,
            }
        })
        .collect::<Vec<_>>();
    Ok(ScenarioResult {
        summary: balance_table(&balances),
        baseline,
        scenario,
        balances,
    })
}

/// The balances as a table, one row per basin.
fn balance_table(balances: &[BasinBalance]) -> Table {
    let mut table = Table::new(&[
        "basin",
        "area_km2",
        "baseline_runoff_m3",
        "scenario_runoff_m3",
        "baseline_precipitation_m3",
        "scenario_precipitation_m3",
        "water_balance_ratio",
    ]);
    for b in balances {
        let w = &b.balance;
        table.push(vec![
            Cell::Text(b.basin.clone()),
            Cell::number(b.area_km2),
            Cell::number(w.baseline_runoff_m3),
            Cell::number(w.scenario_runoff_m3),
            Cell::number(w.baseline_precipitation_m3),
            Cell::number(w.scenario_precipitation_m3),
            Cell::number(w.ratio()),
        ]);
    }
    table
}

/// The simulations day by day for CSV output: `basin, date, observed_mm_day, baseline_mm_day,
/// scenario_mm_day` (the first target; observed missing where there is no observation;
/// `baseline` the reference simulation).
pub fn series_table(result: &ScenarioResult) -> Table {
    let mut table = Table::new(&[
        "basin",
        "date",
        "observed_mm_day",
        "baseline_mm_day",
        "scenario_mm_day",
    ]);
    for (base, scen) in result.baseline.iter().zip(&result.scenario) {
        for (day, date) in base.dates.iter().enumerate() {
            table.push(vec![
                Cell::Text(base.basin.clone()),
                Cell::Text(date.to_string()),
                Cell::number(base.observed[0][day]),
                Cell::number(base.simulated[0][day]),
                Cell::number(scen.simulated[0][day]),
            ]);
        }
    }
    table
}
