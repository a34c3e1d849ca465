//! `cell_states` (a run's cell and hidden states at the end of each window), `probe` (linear
//! probes from the cell states to a variable of the data set) and `input_gates` (the
//! EA-LSTM's input gate of every basin, its embedding of the static attributes).

use super::{arg_error, input_run};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::states::{
    cell_states as states_table, input_gate_embedding, probe as fit_probes,
};
use crate::evaluation::sweep::period_of;
use crate::evaluation::{Output, RunError, Session};
use crate::syntax::ScriptError;

/// `cell_states(run, period = test, basins = [...])`: basin, date, `c_0..`, `h_0..`.
pub fn cell_states(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let period = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let basins = spec.symbols("basins");
    if let Some(unknown) = basins
        .iter()
        .flatten()
        .find(|basin| !data.basins.contains(basin))
    {
        return Err(arg_error(
            spec,
            "basins",
            format!("basin {unknown} is not in the data set of the run {name}"),
            &format!("its basins are {}", data.basins.join(", ")),
        ));
    }
    let table = states_table(run, data, period, basins.as_deref()).map_err(|e| at_call(spec, e))?;
    Ok(Output::table(name, "states", table))
}

/// `probe(run, variable = et, fit = train, period = test)`: the scores per basin and the
/// observed and probed series.
pub fn probe(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let variable = spec.symbol("variable").unwrap_or_default();
    if let Some(record) = data.records.first() {
        let known: Vec<&String> = record
            .target_names
            .iter()
            .chain(&record.input_names)
            .collect();
        if !known.contains(&&variable) {
            let names: Vec<&str> = known.iter().map(|n| n.as_str()).collect();
            return Err(arg_error(
                spec,
                "variable",
                format!("`{variable}` is not a target or input of the run {name}"),
                &format!(
                    "probe one of {} (a variable the model is not trained on can be a target of weight 0)",
                    names.join(", ")
                ),
            ));
        }
    }
    let fit = period_of(&run.spec, &spec.symbol("fit").unwrap_or_default());
    let test = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let tables = fit_probes(run, data, &variable, fit, test).map_err(|e| at_call(spec, e))?;
    Ok(Output::Tables {
        label: name,
        tables: vec![("scores", tables.scores), ("series", tables.series)],
    })
}

/// `input_gates(run)`: basin, then `gate_0..gate_{H-1}` (each in (0, 1)).
pub fn input_gates(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let (run, data, _) = session.run_and_data(&name);
    let table = input_gate_embedding(run, data).map_err(|e| at_call(spec, e))?;
    Ok(Output::table(name, "gates", table))
}

/// A failure of the analysis as a diagnostic pointing at its call.
fn at_call(spec: &AnalysisSpec, error: RunError) -> RunError {
    match error {
        RunError::Other { message, help } => {
            ScriptError::new(spec.span, message).with_help(help).into()
        }
        other => other,
    }
}
