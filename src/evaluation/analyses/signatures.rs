//! `signatures`: the thirteen CAMELS hydrological signatures (Addor et al. 2018, as used by
//! Kratzert et al. 2019, Sect. 2.6.3) of every basin of a data set, from its observed discharge
//! (the data set's first target, mm/day) and a precipitation input (mm/day) over one of its
//! periods. Missing observations stay missing (NaN) and are handled by
//! [`crate::analysis::signatures::signatures`].

use super::arg_error;
use crate::analysis::signatures::{signature_table, signatures as basin_signatures};
use crate::checking::plan::{AnalysisInput, AnalysisSpec};
use crate::evaluation::sweep::data_period;
use crate::evaluation::{Output, RunError, Session};

/// `signatures(data, period = train, precipitation = prcp)`: basin and the 13 signatures.
pub fn signatures(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let Some(AnalysisInput::Data(data_spec)) = spec.inputs.first() else {
        unreachable!("the checker makes the input a data set")
    };
    let precipitation = spec
        .symbol("precipitation")
        .unwrap_or_else(|| "prcp".into());
    let period = data_period(data_spec, &spec.symbol("period").unwrap_or_default());
    session.load_data(data_spec)?;
    let data = session.loaded(data_spec);
    let mut rows = Vec::with_capacity(data.records.len());
    for record in &data.records {
        let Some(p_index) = record.input_names.iter().position(|n| *n == precipitation) else {
            return Err(arg_error(
                spec,
                "precipitation",
                format!(
                    "data set `{}` has no input `{precipitation}`",
                    data_spec.name
                ),
                &format!(
                    "its inputs are {}; name the precipitation input or add it to `inputs`",
                    record.input_names.join(", ")
                ),
            ));
        };
        let days: Vec<usize> = (0..record.len())
            .filter(|&d| period.contains(record.dates[d]))
            .collect();
        let dates: Vec<_> = days.iter().map(|&d| record.dates[d]).collect();
        let discharge: Vec<f64> = match record.targets.first() {
            Some(q) => days.iter().map(|&d| f64::from(q[d])).collect(),
            None => vec![f64::NAN; days.len()],
        };
        let rain: Vec<f64> = days
            .iter()
            .map(|&d| f64::from(record.inputs[p_index][d]))
            .collect();
        rows.push((
            record.basin.clone(),
            basin_signatures(&dates, &discharge, &rain),
        ));
    }
    Ok(Output::table(
        data_spec.name.clone(),
        "signatures",
        signature_table(&rows),
    ))
}
