//! Loading a checked data declaration: basin list, attribute tables, daily records covering all
//! its periods (with the look-back warm-up), and static attributes, for each data source
//! (`camels_us`, `caravan`, `daily_csv`). Data errors become diagnostics pointing at the setting
//! of the script that led to them (and name the data file and line where there is one).

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use super::error::{help_of, RunError};
use crate::checking::plan::{BasinsSpec, CsvSpec, DataSpec};
use crate::checking::value::Spanned;
use crate::data::camels_us::model_output::{add_model_targets, model_output_file};
use crate::data::camels_us::streamflow::cfs_to_mm_per_day;
use crate::data::camels_us::{read_basin_list, CamelsUs, ForcingSource};
use crate::data::caravan::{Caravan, CaravanAttributes};
use crate::data::daily_csv::{self, CsvFormat, DailyTable, DateColumns, Delimiter};
use crate::data::gridded::{basin_mean_record, read_forcing, DischargeUnit, GridVariable};
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

/// The periods of a declaration and the days a record must cover.
struct Periods<'a> {
    /// Train, validation and test as declared.
    declared: Vec<&'a Spanned<DateRange>>,
    /// The same, each extended back by the look-back warm-up.
    extended: Vec<DateRange>,
    /// From the earliest extended start to the latest end.
    whole: DateRange,
}

impl<'a> Periods<'a> {
    fn of(spec: &'a DataSpec) -> Self {
        let declared: Vec<&Spanned<DateRange>> = std::iter::once(&spec.train)
            .chain(&spec.validation)
            .chain(&spec.test)
            .collect();
        let warm_up = spec.lookback as u64 - 1;
        let extended: Vec<DateRange> = declared
            .iter()
            .map(|p| p.value.extended_back(warm_up))
            .collect();
        let start = extended.iter().map(|p| p.start).min();
        let end = extended.iter().map(|p| p.end).max();
        let whole = DateRange {
            start: start.expect("train is always present"),
            end: end.expect("train is always present"),
        };
        Periods {
            declared,
            extended,
            whole,
        }
    }
}

/// Reads everything `spec` declares.
pub fn load(spec: &DataSpec) -> Result<LoadedData, RunError> {
    let periods = Periods::of(spec);
    match spec.source.as_str() {
        "caravan" => load_caravan(spec, &periods),
        "daily_csv" => load_daily_csv(spec, &periods),
        "gridded" => load_gridded(spec, &periods),
        _ => load_camels_us(spec, &periods),
    }
}

fn load_camels_us(spec: &DataSpec, periods: &Periods) -> Result<LoadedData, RunError> {
    let forcing = spec.forcing.as_deref().unwrap_or("nldas");
    let source = ForcingSource::from_str(forcing).map_err(|e| fail(&e, spec, spec.span))?;
    let camels = CamelsUs::new(&spec.root);
    let attributes = camels.attributes().map_err(|e| attribute_error(&e, spec))?;
    let basins: Vec<Spanned<String>> = match &spec.basins {
        BasinsSpec::Listed(list) => list.clone(),
        BasinsSpec::File(file) => read_basin_list(spec.root.join(&file.value))
            .map_err(|e| fail(&e, spec, file.span))?
            .into_iter()
            .map(|b| Spanned {
                value: b,
                span: file.span,
            })
            .collect(),
    };
    let inputs = names(&spec.inputs);
    let targets = names(&spec.targets);
    let model_targets: Vec<String> = targets
        .iter()
        .filter(|t| *t != crate::data::caravan::STREAMFLOW)
        .cloned()
        .collect();
    let mut records = Vec::with_capacity(basins.len());
    for basin in &basins {
        let mut record = camels
            .load_basin(source, &basin.value, &inputs, periods.whole, &attributes)
            .map_err(|e| record_error(&e, spec, basin, periods))?;
        if !model_targets.is_empty() {
            let culprit = |e: &DataError| {
                let span = spec
                    .targets
                    .iter()
                    .find(|t| t.value != crate::data::caravan::STREAMFLOW)
                    .map_or(basin.span, |t| t.span);
                fail(e, spec, span).with_label(format!(
                    "model-output target of basin {} (CAMELS SAC-SMA output)",
                    basin.value
                ))
            };
            let path = model_output_file(&camels, &basin.value).map_err(|e| culprit(&e))?;
            add_model_targets(&mut record, &path, &model_targets).map_err(|e| culprit(&e))?;
        }
        records.push(in_target_order(record, &targets));
    }
    let ids: Vec<String> = basins.iter().map(|b| b.value.clone()).collect();
    let static_names = names(&spec.statics);
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

/// `record` with its targets reordered (and limited) to `order`, matched by name.
fn in_target_order(mut record: BasinRecord, order: &[String]) -> BasinRecord {
    let mut by_name: HashMap<String, Vec<f32>> = record
        .target_names
        .drain(..)
        .zip(record.targets.drain(..))
        .collect();
    record.targets = order
        .iter()
        .map(|name| by_name.remove(name).expect("every target was loaded"))
        .collect();
    record.target_names = order.to_vec();
    record
}

fn load_caravan(spec: &DataSpec, periods: &Periods) -> Result<LoadedData, RunError> {
    let caravan = Caravan::new(&spec.root);
    let basins = basin_ids(spec)?;
    let inputs = names(&spec.inputs);
    let targets = names(&spec.targets);
    let static_names = names(&spec.statics);
    let mut attributes: HashMap<String, CaravanAttributes> = HashMap::new();
    let mut records = Vec::with_capacity(basins.len());
    let mut statics = Vec::with_capacity(basins.len());
    for basin in &basins {
        let source = crate::data::caravan::source_of(&basin.value).unwrap_or_default();
        if !attributes.contains_key(source) {
            let tables = caravan.attributes(source).map_err(|e| {
                fail(&e, spec, basin.span).with_label("attribute tables of this basin's source")
            })?;
            attributes.insert(source.to_string(), tables);
        }
        let tables = &attributes[source];
        let record = caravan
            .load_basin(&basin.value, &inputs, &targets, periods.whole, tables)
            .map_err(|e| record_error(&e, spec, basin, periods))?;
        records.push(record);
        statics.push(if static_names.is_empty() {
            Vec::new()
        } else {
            tables
                .values(std::slice::from_ref(&basin.value), &static_names)
                .map_err(|e| attribute_error(&e, spec))?
                .remove(0)
        });
    }
    Ok(LoadedData {
        basins: basins.iter().map(|b| b.value.clone()).collect(),
        records,
        statics,
        static_names,
    })
}

/// How the files of a `daily_csv` data set are read.
fn csv_format(csv: &CsvSpec) -> CsvFormat {
    let date = match &csv.date[..] {
        [column] => DateColumns::Single {
            column: column.value.clone(),
            format: csv.date_format.clone(),
        },
        [year, month, day] => DateColumns::Split {
            year: year.value.clone(),
            month: month.value.clone(),
            day: day.value.clone(),
        },
        _ => DateColumns::Detect,
    };
    let delimiter = csv.delimiter.as_deref().map(|d| match d {
        "semicolon" => Delimiter::Semicolon,
        "tab" => Delimiter::Tab,
        "whitespace" => Delimiter::Whitespace,
        _ => Delimiter::Comma,
    });
    let defaults = CsvFormat::default();
    CsvFormat {
        date,
        delimiter,
        column_names: csv.columns.clone(),
        missing: csv.missing.clone().unwrap_or(defaults.missing),
    }
}

/// Converts targets written in `units` to mm/day over a basin of `area_km2`.
fn to_mm_per_day(values: &mut [f32], units: &str, area_km2: f64) {
    let convert: fn(f64, f64) -> f64 = match units {
        // m^3/s over area_km2 * 1e6 m^2, times 86400 s/day and 1000 mm/m.
        "m3_per_s" => |q, area| q * 86_400.0 / (area * 1e6) * 1000.0,
        "cfs" => cfs_to_mm_per_day,
        _ => return,
    };
    for v in values.iter_mut().filter(|v| !v.is_nan()) {
        *v = convert(f64::from(*v), area_km2) as f32;
    }
}

fn load_daily_csv(spec: &DataSpec, periods: &Periods) -> Result<LoadedData, RunError> {
    let csv = spec
        .csv
        .as_ref()
        .expect("the checker gives a daily_csv data set its file settings");
    let format = csv_format(csv);
    let basins = basin_ids(spec)?;
    let inputs = names(&spec.inputs);
    let targets = names(&spec.targets);
    let area_km2 = csv.area_km2.unwrap_or(f64::NAN);
    let mut records = Vec::with_capacity(basins.len());
    for basin in &basins {
        let read = |pattern: &Spanned<String>| {
            let path = spec
                .root
                .join(pattern.value.replace("{basin}", &basin.value));
            DailyTable::read(&path, &format)
                .map_err(|e| table_error(&e, spec, basin, pattern, &path))
        };
        let input_table = read(&csv.file)?;
        let target_table = match &csv.target_file {
            Some(pattern) => Some(read(pattern)?),
            None => None,
        };
        let mut record = daily_csv::load_basin(
            &basin.value,
            &input_table,
            &inputs,
            target_table.as_ref().unwrap_or(&input_table),
            &targets,
            periods.whole,
            area_km2,
        )
        .map_err(|e| record_error(&e, spec, basin, periods))?;
        for series in &mut record.targets {
            to_mm_per_day(series, &csv.target_units, area_km2);
        }
        records.push(record);
    }
    Ok(LoadedData {
        basins: basins.iter().map(|b| b.value.clone()).collect(),
        records,
        statics: vec![Vec::new(); basins.len()],
        static_names: Vec::new(),
    })
}

/// Reads a `gridded` data set: per basin, the NetCDF variables over the whole span of the
/// periods (every cell a series, or the basin means) and the gauge's discharge (m^3/s, or mm/day
/// with `area`).
fn load_gridded(spec: &DataSpec, periods: &Periods) -> Result<LoadedData, RunError> {
    let grid = spec
        .grid
        .as_ref()
        .expect("the checker gives a gridded data set its file settings");
    let basins = basin_ids(spec)?;
    let variables: Vec<GridVariable> = spec
        .inputs
        .iter()
        .map(|v| GridVariable {
            path: spec
                .root
                .join(grid.variable_file.replace("{variable}", &v.value)),
            name: v.value.clone(),
        })
        .collect();
    let unit = match grid.area_km2 {
        Some(_) => DischargeUnit::MillimetresPerDay,
        None => DischargeUnit::CubicMetresPerSecond,
    };
    let area_km2 = grid.area_km2.unwrap_or(f64::NAN);
    let mut records = Vec::with_capacity(basins.len());
    for basin in &basins {
        let forcing =
            read_forcing(&basin.value, &variables, periods.whole).map_err(|e| match &e {
                DataError::PeriodOutsideRecord { .. } => record_error(&e, spec, basin, periods),
                _ => {
                    // Point at the variable the error names, if any.
                    let variable = spec
                        .inputs
                        .iter()
                        .find(|v| e.to_string().contains(&format!("`{}`", v.value)));
                    fail(&e, spec, variable.map_or(spec.span, |v| v.span)).into()
                }
            })?;
        let gauge = spec
            .root
            .join(grid.gauge_file.replace("{basin}", &basin.value));
        let mut record = basin_mean_record(&basin.value, &forcing, &gauge, unit, area_km2)
            .map_err(|e| {
                fail(&e, spec, basin.span).with_label(format!("gauge of basin {}", basin.value))
            })?;
        record.target_names = names(&spec.targets);
        if grid.layout == "grid" {
            (record.input_names, record.inputs) = forcing.cell_series();
        }
        records.push(record);
    }
    Ok(LoadedData {
        basins: basins.iter().map(|b| b.value.clone()).collect(),
        records,
        statics: vec![Vec::new(); basins.len()],
        static_names: Vec::new(),
    })
}

/// The basins of a `caravan` or `daily_csv` data set; a basin file holds one id per line
/// (blank lines skipped), and a repeated id is an error naming the line.
fn basin_ids(spec: &DataSpec) -> Result<Vec<Spanned<String>>, RunError> {
    let file = match &spec.basins {
        BasinsSpec::Listed(list) => return Ok(list.clone()),
        BasinsSpec::File(file) => file,
    };
    let path = spec.root.join(&file.value);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| fail(&DataError::io(&path, e), spec, file.span))?;
    let mut ids: Vec<Spanned<String>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let id = line.trim();
        if id.is_empty() {
            continue;
        }
        if ids.iter().any(|b| b.value == id) {
            let error = DataError::malformed(
                &path,
                i + 1,
                format!("basin `{id}` is listed twice"),
                "list each basin once",
            );
            return Err(fail(&error, spec, file.span).into());
        }
        ids.push(Spanned {
            value: id.to_string(),
            span: file.span,
        });
    }
    Ok(ids)
}

/// A failure to read a `daily_csv` file: a missing file points at the basin, a malformed one
/// at the file setting (the message names the file and line).
fn table_error(
    error: &DataError,
    spec: &DataSpec,
    basin: &Spanned<String>,
    pattern: &Spanned<String>,
    path: &Path,
) -> RunError {
    if !path.is_file() {
        return ScriptError::new(
            basin.span,
            format!("basin `{}` has no file `{}`", basin.value, path.display()),
        )
        .with_label(format!("in data set `{}`", spec.name))
        .with_help(format!(
            "the file name comes from `{}` with {{basin}} replaced by the id; check the id and the pattern",
            pattern.value
        ))
        .into();
    }
    column_error(error, spec).unwrap_or_else(|| {
        fail(error, spec, pattern.span)
            .with_label(format!("reading the file of basin {}", basin.value))
            .into()
    })
}

/// An unknown column points at the input, target or date column that names it.
fn column_error(error: &DataError, spec: &DataSpec) -> Option<RunError> {
    let DataError::UnknownColumn { name, .. } = error else {
        return None;
    };
    let dates = spec.csv.iter().flat_map(|c| &c.date);
    let setting = spec
        .inputs
        .iter()
        .chain(&spec.targets)
        .chain(dates)
        .find(|s| &s.value == name)?;
    Some(
        fail(error, spec, setting.span)
            .with_label("not a column of the file")
            .into(),
    )
}

/// A failure to load a basin's record, pointing at the period, the column or the basin concerned.
fn record_error(
    error: &DataError,
    spec: &DataSpec,
    basin: &Spanned<String>,
    periods: &Periods,
) -> RunError {
    if let Some(diagnostic) = column_error(error, spec) {
        return diagnostic;
    }
    match error {
        DataError::PeriodOutsideRecord { available, .. } => {
            let culprit = periods
                .declared
                .iter()
                .zip(&periods.extended)
                .find(|(_, range)| !available.covers(range))
                .map_or(spec.span, |(p, _)| p.span);
            fail(error, spec, culprit).with_label(format!(
                "basin {} has no complete record for this period (with its {}-day look-back)",
                basin.value, spec.lookback
            ))
        }
        DataError::BasinNotFound { .. } => fail(error, spec, basin.span).with_label("this basin"),
        _ => {
            fail(error, spec, basin.span).with_label(format!("while loading basin {}", basin.value))
        }
    }
    .into()
}

fn names(list: &[Spanned<String>]) -> Vec<String> {
    list.iter().map(|s| s.value.clone()).collect()
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
