//! Figures that read more than a table: `basin_map` (a table's metric at the basins' gauges) and
//! `hydrograph` (observed flow with a run's simulation, or with a sweep's ensemble mean and the
//! members' range).

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::figures::{column_label, metric_name, title_or, FLOW_UNIT};
use super::{arg_error, input_run, input_tables, numeric_column};
use crate::checking::plan::{AnalysisInput, AnalysisSpec, DataSpec};
use crate::data::camels_us::CamelsUs;
use crate::evaluation::evaluate::{predict, BasinSeries};
use crate::evaluation::sweep::period_of;
use crate::evaluation::{Figure, Output, RunError, Session};

/// Static attributes giving a gauge's latitude and longitude (degrees north and east).
const LATITUDE: &str = "gauge_lat";
/// See [`LATITUDE`].
const LONGITUDE: &str = "gauge_lon";

/// Latitude and longitude of each of `basins`: from the loaded data set's static attributes when
/// they include the gauge coordinates, otherwise from the CAMELS-US attribute tables under the data
/// set's root.
fn coordinates(
    spec: &AnalysisSpec,
    data: &DataSpec,
    session: &Session,
    basins: &[String],
) -> Result<Vec<(f64, f64)>, RunError> {
    if let Some(loaded) = session.data(&data.name) {
        let lat = loaded.static_names.iter().position(|n| n == LATITUDE);
        let lon = loaded.static_names.iter().position(|n| n == LONGITUDE);
        if let (Some(lat), Some(lon)) = (lat, lon) {
            let by_basin: HashMap<&str, (f64, f64)> = loaded
                .basins
                .iter()
                .zip(&loaded.statics)
                .map(|(b, s)| (b.as_str(), (s[lat], s[lon])))
                .collect();
            if let Some(found) = basins
                .iter()
                .map(|b| by_basin.get(b.as_str()).copied())
                .collect::<Option<Vec<_>>>()
            {
                return Ok(found);
            }
        }
    }
    if data.source != "camels_us" {
        return Err(arg_error(
            spec,
            "metric",
            format!(
                "the data set `{}` ({}) has no gauge coordinates",
                data.name, data.source
            ),
            "basin maps need the static attributes `gauge_lat` and `gauge_lon`, as CAMELS-US has",
        ));
    }
    let tables = CamelsUs::new(&data.root)
        .attributes()
        .map_err(|e| RunError::Other {
            message: format!("cannot read the gauge coordinates of `{}`: {e}", data.name),
            help: "the CAMELS-US attribute tables (camels_attributes_v2.0) must be under the data set's root".into(),
        })?;
    basins
        .iter()
        .map(|basin| {
            let read = |name| {
                tables.value(basin, name).map_err(|e| RunError::Other {
                    message: format!("no {name} of basin {basin}: {e}"),
                    help: "check the basin ids of the table against the data set".into(),
                })
            };
            Ok((read(LATITUDE)?, read(LONGITUDE)?))
        })
        .collect()
}

/// `basin_map(table, data, metric = nse, title)`: every basin of the table at its gauge, coloured
/// by the metric.
pub fn basin_map(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let metric = spec.symbol("metric").unwrap_or_else(|| "nse".into());
    let (label, table) = input_tables(spec, session).remove(0);
    let Some(AnalysisInput::Data(data)) = spec
        .inputs
        .iter()
        .find(|i| matches!(i, AnalysisInput::Data(_)))
    else {
        unreachable!("the checker makes the second input a data set")
    };
    let Some(basins) = table.texts("basin") else {
        return Err(arg_error(
            spec,
            "metric",
            "the table has no column `basin`".into(),
            &format!(
                "draw a table with one row per basin; its columns are {}",
                table.columns.join(", ")
            ),
        ));
    };
    let values = numeric_column(spec, "metric", &table, &metric)?;
    let located = coordinates(spec, data, session, &basins)?;
    let points: Vec<(String, f64, f64, f64)> = basins
        .into_iter()
        .zip(located)
        .zip(values)
        .map(|((basin, (lat, lon)), v)| (basin, lat, lon, v.unwrap_or(f64::NAN)))
        .collect();
    let title = title_or(spec, || {
        format!("{label}: {} per basin", metric_name(&metric))
    });
    let value_label = column_label(&metric);
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::basin_map(path, &title, &points, &value_label)
    })))
}

/// The series of `basin` (the first when `None`), or an error naming the basins there are.
fn basin_series(
    spec: &AnalysisSpec,
    series: Vec<BasinSeries>,
    basin: Option<&str>,
) -> Result<BasinSeries, RunError> {
    let names: Vec<String> = series.iter().map(|s| s.basin.clone()).collect();
    series
        .into_iter()
        .find(|s| basin.is_none_or(|b| s.basin == b))
        .ok_or_else(|| {
            arg_error(
                spec,
                "basin",
                format!("the run has no basin `{}`", basin.unwrap_or_default()),
                &format!("its basins are {}", names.join(", ")),
            )
        })
}

/// `hydrograph(run or sweep, period = test, basin = "id", title)`: the observed flow of one basin
/// (the first target) with the run's simulation, or with a sweep's ensemble mean and the members'
/// minimum to maximum as a band.
pub fn hydrograph(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let period_name = spec.symbol("period").unwrap_or_else(|| "test".into());
    let basin = spec.symbol("basin");
    if let Some(AnalysisInput::Sweep(_)) = spec.inputs.first() {
        let (sweep, data) = session.sweep_and_data(&name);
        let mut members = Vec::new();
        for (run, data) in sweep.runs.iter_mut().zip(data) {
            let period = period_of(&run.spec, &period_name);
            members.push(basin_series(
                spec,
                predict(run, data, period),
                basin.as_deref(),
            )?);
        }
        let mut first = members.remove(0);
        let index: HashMap<NaiveDate, usize> = first
            .dates
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, i))
            .collect();
        let mut simulations = vec![first.simulated[0].clone()];
        for member in &members {
            let mut aligned = vec![f64::NAN; first.dates.len()];
            for (date, value) in member.dates.iter().zip(&member.simulated[0]) {
                if let Some(&i) = index.get(date) {
                    aligned[i] = *value;
                }
            }
            simulations.push(aligned);
        }
        let title = title_or(spec, || {
            format!(
                "{name} ({} members): basin {}, {period_name} period",
                simulations.len(),
                first.basin
            )
        });
        let (dates, observed) = (first.dates, first.observed.swap_remove(0));
        return Ok(Output::Figure(Figure::new(move |path: &Path| {
            crate::plots::hydrograph_ensemble(
                path,
                &title,
                &dates,
                &observed,
                &simulations,
                FLOW_UNIT,
            )
        })));
    }
    let (run, data, _) = session.run_and_data(&name);
    let period = period_of(&run.spec, &period_name);
    let mut series = basin_series(spec, predict(run, data, period), basin.as_deref())?;
    let title = title_or(spec, || {
        format!("{name}: basin {}, {period_name} period", series.basin)
    });
    let observed = series.observed.swap_remove(0);
    let simulated = series.simulated.swap_remove(0);
    let dates = series.dates;
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::hydrograph(path, &title, &dates, &observed, &simulated, FLOW_UNIT)
    })))
}
