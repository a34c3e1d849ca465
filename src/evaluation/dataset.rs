//! Loading a checked data declaration: basin list, attribute tables, daily records covering all
//! its periods (with the look-back warm-up), and static attributes. Data errors become
//! diagnostics pointing at the setting of the script that led to them.

use std::str::FromStr;

use super::error::{help_of, RunError};
use crate::checking::plan::{BasinsSpec, DataSpec};
use crate::checking::value::Spanned;
use crate::data::camels_us::{read_basin_list, CamelsUs, ForcingSource};
use crate::data::{BasinRecord, DataError, DateRange};
use crate::syntax::{ScriptError, Span};

/// A data set in memory.
#[derive(Debug)]
pub struct LoadedData {
    /// Basin ids in the order of `records`.
    pub basins: Vec<String>,
    /// One record per basin, covering every period of the declaration plus the warm-up.
    pub records: Vec<BasinRecord>,
    /// Raw static attributes, `[basin][attribute]`.
    pub statics: Vec<Vec<f64>>,
    /// Names of the static attributes.
    pub static_names: Vec<String>,
}

/// Reads everything `spec` declares.
pub fn load(spec: &DataSpec) -> Result<LoadedData, RunError> {
    let source = ForcingSource::from_str(&spec.forcing).map_err(|e| fail(&e, spec, spec.span))?;
    let camels = CamelsUs::new(&spec.root);
    let attributes = camels.attributes().map_err(|e| attribute_error(&e, spec))?;
    let basins: Vec<Spanned<String>> = match &spec.basins {
        BasinsSpec::Listed(list) => list.clone(),
        BasinsSpec::File(file) => {
            let path = spec.root.join(&file.value);
            read_basin_list(&path)
                .map_err(|e| fail(&e, spec, file.span))?
                .into_iter()
                .map(|b| Spanned {
                    value: b,
                    span: file.span,
                })
                .collect()
        }
    };
    let periods: Vec<&Spanned<DateRange>> = std::iter::once(&spec.train)
        .chain(&spec.validation)
        .chain(&spec.test)
        .collect();
    let warm_up = spec.lookback as u64 - 1;
    let extended: Vec<DateRange> = periods
        .iter()
        .map(|p| p.value.extended_back(warm_up))
        .collect();
    let whole = DateRange {
        start: extended
            .iter()
            .map(|p| p.start)
            .min()
            .expect("train is always present"),
        end: extended
            .iter()
            .map(|p| p.end)
            .max()
            .expect("train is always present"),
    };
    let inputs: Vec<String> = spec.inputs.iter().map(|i| i.value.clone()).collect();
    let static_names: Vec<String> = spec.statics.iter().map(|s| s.value.clone()).collect();
    let mut records = Vec::with_capacity(basins.len());
    for basin in &basins {
        let record = camels
            .load_basin(source, &basin.value, &inputs, whole, &attributes)
            .map_err(|e| match &e {
                DataError::PeriodOutsideRecord { available, .. } => {
                    let culprit = periods
                        .iter()
                        .zip(&extended)
                        .find(|(_, range)| !available.covers(range))
                        .map_or(spec.span, |(p, _)| p.span);
                    fail(&e, spec, culprit)
                        .with_label(format!("basin {} has no complete record for this period (with its {}-day look-back)", basin.value, spec.lookback))
                }
                DataError::BasinNotFound { .. } => fail(&e, spec, basin.span).with_label("this basin"),
                _ => fail(&e, spec, basin.span).with_label(format!("while loading basin {}", basin.value)),
            })?;
        records.push(record);
    }
    let ids: Vec<String> = basins.iter().map(|b| b.value.clone()).collect();
    let statics = if static_names.is_empty() {
        vec![Vec::new(); ids.len()]
    } else {
        attributes
            .values(&ids, &static_names)
            .map_err(|e| attribute_error(&e, spec))?
    };
    Ok(LoadedData {
        basins: ids,
        records,
        statics,
        static_names,
    })
}

fn attribute_error(error: &DataError, spec: &DataSpec) -> RunError {
    let attribute = match error {
        DataError::UnknownAttribute { name, .. } => Some(name),
        DataError::MissingAttribute { attribute, .. } => Some(attribute),
        DataError::NotNumeric { attribute, .. } => Some(attribute),
        _ => None,
    };
    let span = attribute
        .and_then(|a| spec.statics.iter().find(|s| &s.value == a))
        .map_or(spec.span, |s| s.span);
    fail(error, spec, span).into()
}

fn fail(error: &DataError, spec: &DataSpec, span: Span) -> ScriptError {
    let mut diagnostic = ScriptError::new(span, error.to_string())
        .with_label(format!("in data set `{}`", spec.name));
    if let Some(help) = help_of(error) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}
