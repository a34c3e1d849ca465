//! Figures of tables: `cdf`, `boxplot`, `heatmap`, `scatter`, `bars` and `curves`. Each runner
//! gathers the numbers from its input tables when the script runs and returns a figure drawn when
//! written. Axis labels carry units where they are known: metrics by the registry's unit (NSE is
//! dimensionless, RMSE in mm/day), observed and simulated flows in mm/day.

use std::path::Path;

use super::{arg_error, input_tables, numeric_column};
use crate::analysis::{metrics, Cell, Table};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::{Figure, Output, RunError, Session};
use crate::plots::Categories;

/// The unit of flows (and of metrics in flow units, `[Q]`).
pub(crate) const FLOW_UNIT: &str = "mm/day";

/// How a column is described on an axis: a metric as its upper-case name with its unit
/// ("NSE (-)", "RMSE (mm/day)"), an observed or simulated flow with mm/day, anything else by name.
pub(crate) fn column_label(name: &str) -> String {
    if let Some(metric) = metrics::lookup(name) {
        let unit = match metric.unit {
            "[Q]" => FLOW_UNIT.to_string(),
            "[Q]^2" => format!("({FLOW_UNIT})²"),
            other => other.to_string(),
        };
        return format!("{} ({unit})", name.to_uppercase());
    }
    for (suffix, word) in [("observed", "Observed"), ("simulated", "Simulated")] {
        if name == suffix {
            return format!("{word} ({FLOW_UNIT})");
        }
        if let Some(target) = name.strip_suffix(&format!("_{suffix}")) {
            return format!("{word} {target} ({FLOW_UNIT})");
        }
    }
    match name {
        "percent" => "percent (%)".into(),
        _ => name.replace('_', " "),
    }
}

/// The metric name as written in titles ("NSE").
pub(crate) fn metric_name(name: &str) -> String {
    if metrics::lookup(name).is_some() {
        name.to_uppercase()
    } else {
        name.replace('_', " ")
    }
}

/// The `title` argument, or `default`.
pub(crate) fn title_or(spec: &AnalysisSpec, default: impl FnOnce() -> String) -> String {
    spec.symbol("title").unwrap_or_else(default)
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The finite numbers of column `name` (missing cells become NaN, which the figures skip).
fn values(spec: &AnalysisSpec, arg: &str, table: &Table, name: &str) -> Result<Vec<f64>, RunError> {
    Ok(numeric_column(spec, arg, table, name)?
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

/// The position of column `name` in `table`, or an error naming the columns there are.
fn column_index(
    spec: &AnalysisSpec,
    arg: &str,
    table: &Table,
    name: &str,
) -> Result<usize, RunError> {
    table.column(name).ok_or_else(|| {
        arg_error(
            spec,
            arg,
            format!("the table has no column `{name}`"),
            &format!("its columns are {}", table.columns.join(", ")),
        )
    })
}

/// `cdf(tables, metric = nse, labels, title, x_min)`: one empirical CDF per table.
pub fn cdf(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let metric = spec.symbol("metric").unwrap_or_else(|| "nse".into());
    let mut series = Vec::new();
    for (label, table) in input_tables(spec, session) {
        series.push((label, values(spec, "metric", &table, &metric)?));
    }
    let title = title_or(spec, || {
        format!("Empirical CDF of {} over basins", metric_name(&metric))
    });
    let x_label = column_label(&metric);
    let x_min = spec.number("x_min");
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::cdf(path, &title, &x_label, &series, x_min)
    })))
}

/// The distinct texts of `cells` in order of appearance, sorted numerically when all are numbers.
fn distinct(cells: impl IntoIterator<Item = Cell>) -> Vec<Cell> {
    let mut seen: Vec<Cell> = Vec::new();
    for cell in cells {
        if !seen.contains(&cell) {
            seen.push(cell);
        }
    }
    if seen.iter().all(|c| matches!(c, Cell::Number(_))) {
        seen.sort_by(|a, b| {
            a.as_number()
                .unwrap_or(f64::NAN)
                .total_cmp(&b.as_number().unwrap_or(f64::NAN))
        });
    }
    seen
}

/// `boxplot(tables, metric = nse, x = column, labels, title)`: one group per value of `x` (one
/// group without it), one box per table in each group.
pub fn boxplot(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let metric = spec.symbol("metric").unwrap_or_else(|| "nse".into());
    let x = spec.symbol("x");
    let tables = input_tables(spec, session);
    let mut keys: Vec<Vec<Cell>> = Vec::new();
    let mut metric_values: Vec<Vec<f64>> = Vec::new();
    for (_, table) in &tables {
        metric_values.push(values(spec, "metric", table, &metric)?);
        keys.push(match &x {
            Some(x) => {
                let j = column_index(spec, "x", table, x)?;
                table.rows.iter().map(|r| r[j].clone()).collect()
            }
            None => vec![Cell::Missing; table.rows.len()],
        });
    }
    let groups = distinct(keys.iter().flatten().cloned());
    let values: Vec<Vec<Vec<f64>>> = groups
        .iter()
        .map(|group| {
            keys.iter()
                .zip(&metric_values)
                .map(|(keys, values)| {
                    keys.iter()
                        .zip(values)
                        .filter(|(k, _)| *k == group)
                        .map(|(_, v)| *v)
                        .collect()
                })
                .collect()
        })
        .collect();
    let group_names: Vec<String> = match &x {
        Some(_) => groups.iter().map(Cell::as_text).collect(),
        None => vec!["all basins".into()],
    };
    let members: Vec<String> = tables.iter().map(|(label, _)| label.clone()).collect();
    let x_label = x
        .as_deref()
        .map_or_else(|| "Basins".to_string(), column_label);
    let title = title_or(spec, || match &x {
        Some(x) => format!("{} by {}", metric_name(&metric), x.replace('_', " ")),
        None => format!("{} over basins", metric_name(&metric)),
    });
    let y_label = column_label(&metric);
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::boxplot(
            path,
            &title,
            &x_label,
            &y_label,
            &group_names,
            &members,
            &values,
        )
    })))
}

/// Whether column `j` holds numbers (at least one, and no text).
fn is_numeric(table: &Table, j: usize) -> bool {
    table.rows.iter().any(|r| matches!(r[j], Cell::Number(_)))
        && table.rows.iter().all(|r| !matches!(r[j], Cell::Text(_)))
}

/// `heatmap(table, value = "label", title)`: one row per table row, named by its first text column
/// (e.g. basin), one column per numeric column.
pub fn heatmap(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let (label, table) = input_tables(spec, session).remove(0);
    let name_column = (0..table.columns.len()).find(|&j| !is_numeric(&table, j));
    let numeric: Vec<usize> = (0..table.columns.len())
        .filter(|&j| Some(j) != name_column && is_numeric(&table, j))
        .collect();
    if numeric.is_empty() || table.rows.is_empty() {
        return Err(arg_error(
            spec,
            "value",
            "the table has no numeric column (or no row) to draw".into(),
            &format!("its columns are {}", table.columns.join(", ")),
        ));
    }
    let row_names: Vec<String> = match name_column {
        Some(j) => table.rows.iter().map(|r| r[j].as_text()).collect(),
        None => (1..=table.rows.len()).map(|i| i.to_string()).collect(),
    };
    let row_label =
        name_column.map_or_else(|| "Row".to_string(), |j| column_label(&table.columns[j]));
    let column_names: Vec<String> = numeric.iter().map(|&j| table.columns[j].clone()).collect();
    let values: Vec<Vec<f64>> = table
        .rows
        .iter()
        .map(|r| {
            numeric
                .iter()
                .map(|&j| r[j].as_number().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let value_label = spec.symbol("value").unwrap_or_else(|| "Value".into());
    let title = title_or(spec, || format!("{label}: {value_label}"));
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::heatmap(
            path,
            &title,
            Categories {
                label: &row_label,
                names: &row_names,
            },
            Categories {
                label: "Column",
                names: &column_names,
            },
            &values,
            &value_label,
        )
    })))
}

/// `scatter(tables, x = observed, y = simulated, identity = yes, labels, title)`: one series of
/// (x, y) points per table.
pub fn scatter(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let x = spec.symbol("x").unwrap_or_else(|| "observed".into());
    let y = spec.symbol("y").unwrap_or_else(|| "simulated".into());
    let identity = spec.symbol("identity").as_deref() != Some("no");
    let mut series = Vec::new();
    for (label, table) in input_tables(spec, session) {
        let xs = values(spec, "x", &table, &x)?;
        let ys = values(spec, "y", &table, &y)?;
        series.push((label, xs.into_iter().zip(ys).collect::<Vec<_>>()));
    }
    let title = title_or(spec, || {
        capitalised(&format!("{} against {}", metric_name(&y), metric_name(&x)))
    });
    let (x_label, y_label) = (column_label(&x), column_label(&y));
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::scatter(path, &title, &x_label, &y_label, &series, identity)
    })))
}

/// The mean of the finite values of `values` (NaN of none).
fn finite_mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, count) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// What rows averaged per value of the column `key` are: basins when the tables have a basin
/// column other than `key`, rows otherwise.
fn averaged_over(tables: &[(String, Table)], key: &str) -> &'static str {
    if key != "basin" && tables.iter().any(|(_, t)| t.column("basin").is_some()) {
        "basins"
    } else {
        "rows"
    }
}

/// `bars(tables, category = column, value = column, labels, title)`: one bar per distinct value of
/// `category` (in the first table's order) and table. A table with several rows per category (e.g.
/// one per basin) gives the mean over them, which the y axis then says.
pub fn bars(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let category = spec.symbol("category").unwrap_or_default();
    let value = spec.symbol("value").unwrap_or_default();
    let tables = input_tables(spec, session);
    let mut keys: Vec<Vec<String>> = Vec::new();
    let mut heights: Vec<Vec<f64>> = Vec::new();
    for (_, table) in &tables {
        let j = column_index(spec, "category", table, &category)?;
        keys.push(table.rows.iter().map(|r| r[j].as_text()).collect());
        heights.push(values(spec, "value", table, &value)?);
    }
    let mut categories: Vec<String> = Vec::new();
    for key in keys.iter().flatten() {
        if !categories.contains(key) {
            categories.push(key.clone());
        }
    }
    let mut averaged = false;
    let mut series = Vec::new();
    for ((label, _), (keys, heights)) in tables.iter().zip(keys.iter().zip(&heights)) {
        let bars: Vec<f64> = categories
            .iter()
            .map(|c| {
                let rows: Vec<f64> = keys
                    .iter()
                    .zip(heights)
                    .filter(|(k, _)| *k == c)
                    .map(|(_, v)| *v)
                    .collect();
                averaged |= rows.len() > 1;
                finite_mean(rows)
            })
            .collect();
        series.push((label.clone(), bars));
    }
    let y_label = if averaged {
        format!(
            "{}, mean over {}",
            column_label(&value),
            averaged_over(&tables, &category)
        )
    } else {
        column_label(&value)
    };
    let x_label = column_label(&category);
    let title = title_or(spec, || {
        format!("{} by {}", metric_name(&value), category.replace('_', " "))
    });
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::bars(path, &title, &x_label, &y_label, &categories, &series)
    })))
}

/// One axis label for the columns `names`: the column's label for one, the metrics' names with
/// their common unit ("NSE, KGE (-)"), otherwise the names.
fn shared_label(names: &[String]) -> String {
    if let [one] = names {
        return column_label(one);
    }
    let joined = names
        .iter()
        .map(|n| metric_name(n))
        .collect::<Vec<_>>()
        .join(", ");
    let units: Vec<&str> = names
        .iter()
        .filter_map(|n| metrics::lookup(n).map(|m| m.unit))
        .collect();
    match units.as_slice() {
        [first, rest @ ..] if units.len() == names.len() && rest.iter().all(|u| u == first) => {
            let unit = column_label(&names[0]);
            let unit = unit.rsplit_once(" (").map_or("", |(_, u)| u);
            format!("{joined} ({unit}")
        }
        _ => joined,
    }
}

/// `curves(tables, x = column, y = [columns], labels, title)`: one line per table and y column
/// against the numeric column `x`, in increasing x. A table with several rows per x value (e.g. one
/// per basin or per feature) gives the mean over them, which the y axis then says.
pub fn curves(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let x = spec.symbol("x").unwrap_or_default();
    let ys = spec.symbols("y").unwrap_or_default();
    let tables = input_tables(spec, session);
    let several_tables = tables.len() > 1;
    let mut averaged = false;
    let mut series = Vec::new();
    for (label, table) in &tables {
        let j = column_index(spec, "x", table, &x)?;
        if table.rows.iter().any(|r| matches!(r[j], Cell::Text(_))) {
            return Err(arg_error(
                spec,
                "x",
                format!("the column `{x}` is not numeric"),
                "curves need numbers on the x axis; draw categories with `bars`",
            ));
        }
        let xs: Vec<Option<f64>> = table.rows.iter().map(|r| r[j].as_number()).collect();
        let mut positions: Vec<f64> = xs.iter().flatten().copied().collect();
        positions.sort_by(f64::total_cmp);
        positions.dedup();
        averaged |= positions.len() < xs.iter().flatten().count();
        for y in &ys {
            let column = values(spec, "y", table, y)?;
            let means: Vec<f64> = positions
                .iter()
                .map(|p| {
                    finite_mean(
                        xs.iter()
                            .zip(&column)
                            .filter(|(x, _)| **x == Some(*p))
                            .map(|(_, v)| *v),
                    )
                })
                .collect();
            let name = match (several_tables, ys.len() > 1) {
                (true, true) => format!("{label}: {}", metric_name(y)),
                (true, false) => label.clone(),
                (false, _) => metric_name(y),
            };
            series.push((name, positions.clone(), means));
        }
    }
    let described = shared_label(&ys);
    let y_label = if averaged {
        format!("{described}, mean over {}", averaged_over(&tables, &x))
    } else {
        described
    };
    let x_label = column_label(&x);
    let title = title_or(spec, || {
        let names: Vec<String> = ys.iter().map(|y| metric_name(y)).collect();
        format!("{} against {}", names.join(", "), x.replace('_', " "))
    });
    Ok(Output::Figure(Figure::new(move |path: &Path| {
        crate::plots::curves(path, &title, &x_label, &y_label, &series)
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_the_units_of_metrics_and_flows() {
        assert_eq!(column_label("nse"), "NSE (-)");
        assert_eq!(column_label("rmse"), "RMSE (mm/day)");
        assert_eq!(column_label("observed"), "Observed (mm/day)");
        assert_eq!(column_label("et_simulated"), "Simulated et (mm/day)");
        assert_eq!(column_label("train_years"), "train years");
    }

    #[test]
    fn groups_keep_their_order_unless_all_are_numbers() {
        let texts = distinct(["b", "a", "b"].map(Cell::from));
        assert_eq!(texts, ["b", "a"].map(Cell::from));
        let numbers = distinct([9.0, 3.0, 9.0, 6.0].map(Cell::Number));
        assert_eq!(numbers, [3.0, 6.0, 9.0].map(Cell::Number));
    }
}
