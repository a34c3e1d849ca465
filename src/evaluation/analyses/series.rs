//! `predictions` (a run's observed and simulated series as a table) and `attributes` (a data set's
//! static attributes in physical units).

use super::input_run;
use crate::analysis::{Cell, Table};
use crate::checking::plan::{AnalysisInput, AnalysisSpec};
use crate::evaluation::evaluate::predict;
use crate::evaluation::sweep::period_of;
use crate::evaluation::{Output, RunError, Session};

/// `predictions(run, period = test)`: date, basin, then observed and simulated per target.
pub fn predictions(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let period = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let targets: Vec<String> = run
        .spec
        .data
        .targets
        .iter()
        .map(|t| t.value.clone())
        .collect();
    let series = predict(run, data, period);
    let mut columns = vec!["date".to_string(), "basin".to_string()];
    if let [_] = targets.as_slice() {
        columns.extend(["observed".to_string(), "simulated".to_string()]);
    } else {
        for t in &targets {
            columns.push(format!("{t}_observed"));
            columns.push(format!("{t}_simulated"));
        }
    }
    let mut table = Table::new(&columns);
    for s in &series {
        for (d, date) in s.dates.iter().enumerate() {
            let mut row = vec![Cell::Text(date.to_string()), Cell::Text(s.basin.clone())];
            for (observed, simulated) in s.observed.iter().zip(&s.simulated) {
                row.push(Cell::number(observed[d]));
                row.push(Cell::number(simulated[d]));
            }
            table.push(row);
        }
    }
    Ok(Output::table(name, "series", table))
}

/// `attributes(data)`: basin, then one column per static attribute of the data set.
pub fn attributes(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let Some(AnalysisInput::Data(data_spec)) = spec.inputs.first() else {
        unreachable!("the checker makes the input a data set")
    };
    session.load_data(data_spec)?;
    let data = session.loaded(data_spec);
    let mut columns = vec!["basin".to_string()];
    columns.extend(data.static_names.iter().cloned());
    let mut table = Table::new(&columns);
    for (basin, values) in data.basins.iter().zip(&data.statics) {
        let mut row = vec![Cell::Text(basin.clone())];
        row.extend(values.iter().map(|v| Cell::number(*v)));
        table.push(row);
    }
    Ok(Output::table(data_spec.name.clone(), "attributes", table))
}
