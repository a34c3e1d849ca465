//! `scenario` (Yokoo et al.'s hypothetical inputs): a run's simulation with inputs changed
//! against a reference simulation, as the water balance of each basin (`summary`) and the series
//! day by day (`series`).
//!
//! `input` and `change` each take one value or a list: equal lists pair in order, one input
//! takes every change in turn (`input = precip, change = [zero, seasonal(...)]`: zero outside
//! the season), one change applies to every input. Changes apply in the order written.

use super::{arg_error, input_run};
use crate::analysis::scenarios::{InputChange, Units};
use crate::checking::plan::AnalysisSpec;
use crate::checking::value::{Spanned, Value};
use crate::evaluation::scenario::{precipitation_input, run_scenario, series_table, Reference};
use crate::evaluation::sweep::period_of;
use crate::evaluation::{Output, RunError, Session};

/// `scenario(run, input = ..., change = ..., units = physical, relative_to = observed,
/// precipitation = ..., period = test)`.
pub fn scenario(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let name = input_run(spec).to_string();
    let units = match spec.symbol("units").as_deref() {
        Some("scaled") => Units::Scaled,
        _ => Units::Physical,
    };
    let reference = match spec.symbol("relative_to").as_deref() {
        Some("zero_precipitation") => Reference::ZeroPrecipitation,
        _ => Reference::Observed,
    };
    let precipitation = spec.symbol("precipitation");
    let (run, data, _) = session.run_and_data(&name);
    let inputs = &run.normalization.inputs.names;
    let changes = changes_of(spec)?;
    for (input, change) in &changes {
        if !inputs.contains(input) {
            return Err(arg_error(
                spec,
                "input",
                format!("the run `{name}` has no input `{input}`"),
                &format!("its inputs are [{}]", inputs.join(", ")),
            ));
        }
        if let Err(message) = change.check() {
            return Err(arg_error(
                spec,
                "change",
                format!("cannot change `{input}`: {message}"),
                "give the change finite numbers and a positive period",
            ));
        }
    }
    if let Some(given) = precipitation.as_ref().filter(|p| !inputs.contains(p)) {
        return Err(arg_error(
            spec,
            "precipitation",
            format!("the run `{name}` has no input `{given}`"),
            &format!("its inputs are [{}]", inputs.join(", ")),
        ));
    }
    if reference == Reference::ZeroPrecipitation
        && precipitation.is_none()
        && precipitation_input(inputs).is_none()
    {
        return Err(arg_error(
            spec,
            "relative_to",
            format!("the run `{name}` has no input recognised as precipitation"),
            &format!(
                "name it with `precipitation = ...` (its inputs are [{}])",
                inputs.join(", ")
            ),
        ));
    }
    let period = period_of(&run.spec, &spec.symbol("period").unwrap_or_default());
    let changes: Vec<(String, InputChange, Units)> = changes
        .into_iter()
        .map(|(input, change)| (input, change, units))
        .collect();
    let result = run_scenario(
        run,
        data,
        period,
        &changes,
        precipitation.as_deref(),
        reference,
    )?;
    let series = series_table(&result);
    Ok(Output::Tables {
        label: name,
        tables: vec![("summary", result.summary), ("series", series)],
    })
}

/// The values of an argument that takes one value or a list.
fn one_or_list(value: &Spanned<Value>) -> Vec<&Value> {
    match &value.value {
        Value::List(items) => items.iter().map(|item| &item.value).collect(),
        single => vec![single],
    }
}

/// The (input, change) pairs of the call, in the order they apply.
fn changes_of(spec: &AnalysisSpec) -> Result<Vec<(String, InputChange)>, RunError> {
    let (Some(inputs), Some(changes)) = (spec.arg("input"), spec.arg("change")) else {
        unreachable!("the checker requires `input` and `change`")
    };
    let inputs: Vec<String> = one_or_list(inputs)
        .into_iter()
        .map(|value| match value {
            Value::Symbol(name) | Value::Text(name) => name.clone(),
            other => unreachable!("the checker makes inputs names, not {other:?}"),
        })
        .collect();
    let changes: Vec<InputChange> = one_or_list(changes).into_iter().map(input_change).collect();
    let pairs = match (inputs.len(), changes.len()) {
        (n, m) if n == m => inputs.into_iter().zip(changes).collect(),
        (1, _) => changes
            .into_iter()
            .map(|change| (inputs[0].clone(), change))
            .collect(),
        (_, 1) => inputs
            .into_iter()
            .map(|input| (input, changes[0].clone()))
            .collect(),
        (n, m) => {
            return Err(arg_error(
                spec,
                "change",
                format!("{n} inputs but {m} changes"),
                "give one change per input (in the same order), one input for all the changes or one change for all the inputs",
            ))
        }
    };
    Ok(pairs)
}

/// The change a checked call of the `changes` library describes.
fn input_change(value: &Value) -> InputChange {
    let Value::Call(call) = value else {
        unreachable!("the checker makes a change a call, not {value:?}")
    };
    let number = |name: &str| match call.args.get(name).map(|v| &v.value) {
        Some(Value::Number(x)) => *x,
        Some(Value::Integer(i)) => *i as f64,
        other => unreachable!("the checker fills `{name}` of `{}`: {other:?}", call.name),
    };
    let day = |name: &str| number(name) as u32;
    match call.name.as_str() {
        "zero" => InputChange::Zero,
        "replace" => InputChange::Replace(number("value")),
        "scale" => InputChange::Scale(number("factor")),
        "shift" => InputChange::Shift(number("by")),
        "sinusoid" => InputChange::Sinusoid {
            period_days: number("period"),
            amplitude: number("amplitude"),
            offset: number("offset"),
            peak_day: number("peak_day"),
        },
        "seasonal" => InputChange::SeasonalConstant {
            value: number("value"),
            from_doy: day("from_day"),
            to_doy: day("to_day"),
        },
        other => unreachable!("`{other}` is not a change of the library"),
    }
}
