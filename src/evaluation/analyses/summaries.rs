//! `summarize` (statistics of every metric column over the rows) and `spread` (mean and standard
//! deviation of every metric across one axis of a sweep, e.g. over seeds per basin).

use super::{arg_error, input_tables};
use crate::analysis::{metrics, Cell, Table};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::{Output, RunError, Session};

/// Percentiles reported by `summarize`.
const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

/// Whether a column holds metric values (its name is a registered metric) rather than keys.
fn is_metric(column: &str) -> bool {
    metrics::lookup(column).is_some()
}

/// `summarize(table, threshold = 0)`.
pub fn summarize(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let (label, table) = input_tables(spec, session).remove(0);
    let threshold = spec.number("threshold").unwrap_or(0.0);
    let mut columns: Vec<String> = ["column", "count", "missing", "mean", "std", "min"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    columns.extend(PERCENTILES.iter().map(|p| format!("p{p}")));
    columns.push("max".into());
    columns.push(format!("count_le_{threshold}"));
    let mut summary = Table::new(&columns);
    for (j, name) in table.columns.iter().enumerate() {
        let cells: Vec<Option<f64>> = table.rows.iter().map(|r| r[j].as_number()).collect();
        if !is_metric(name) && !cells.iter().all(Option::is_some) {
            continue;
        }
        if !is_metric(name) && name != "value" {
            continue;
        }
        let values: Vec<f64> = cells.iter().flatten().copied().collect();
        let mut row = vec![Cell::Text(name.clone()), values.len().into()];
        row.push((cells.len() - values.len()).into());
        row.push(Cell::maybe(mean(&values)));
        row.push(Cell::maybe(sample_std(&values)));
        row.push(Cell::maybe(values.iter().copied().reduce(f64::min)));
        for p in PERCENTILES {
            row.push(Cell::maybe(percentile(&values, p)));
        }
        row.push(Cell::maybe(values.iter().copied().reduce(f64::max)));
        row.push(values.iter().filter(|v| **v <= threshold).count().into());
        summary.push(row);
    }
    if summary.rows.is_empty() {
        return Err(arg_error(
            spec,
            "threshold",
            "the table has no metric column to summarise".into(),
            &format!("its columns are {}", table.columns.join(", ")),
        ));
    }
    Ok(Output::table(label, "summary", summary))
}

/// `spread(table, over = seed)`.
pub fn spread(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let (label, table) = input_tables(spec, session).remove(0);
    let over = spec.symbol("over").unwrap_or_else(|| "seed".into());
    if table.column(&over).is_none() {
        return Err(arg_error(
            spec,
            "over",
            format!("the table has no column `{over}`"),
            &format!(
                "evaluate a sweep with the axis `{over}`; the columns are {}",
                table.columns.join(", ")
            ),
        ));
    }
    let keys: Vec<usize> = (0..table.columns.len())
        .filter(|&j| table.columns[j] != over && !is_metric(&table.columns[j]))
        .collect();
    let values: Vec<usize> = (0..table.columns.len())
        .filter(|&j| is_metric(&table.columns[j]))
        .collect();
    let mut columns: Vec<String> = keys.iter().map(|&j| table.columns[j].clone()).collect();
    columns.push("members".into());
    for &j in &values {
        columns.push(format!("{}_mean", table.columns[j]));
        columns.push(format!("{}_std", table.columns[j]));
    }
    let mut groups: Vec<(Vec<Cell>, Vec<usize>)> = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let key: Vec<Cell> = keys.iter().map(|&j| row[j].clone()).collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    let mut out = Table::new(&columns);
    for (key, rows) in groups {
        let mut row = key;
        row.push(rows.len().into());
        for &j in &values {
            let xs: Vec<f64> = rows
                .iter()
                .filter_map(|&i| table.rows[i][j].as_number())
                .collect();
            row.push(Cell::maybe(mean(&xs)));
            row.push(Cell::maybe(sample_std(&xs)));
        }
        out.push(row);
    }
    Ok(Output::table(format!("{label} over {over}"), "spread", out))
}

/// Arithmetic mean (`None` of nothing).
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Sample standard deviation (n - 1; `None` below two values).
pub(crate) fn sample_std(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    (values.len() > 1).then(|| {
        (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
    })
}

/// The `p`-th percentile with linear interpolation between order statistics (NumPy's default).
pub(crate) fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = p / 100.0 * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    let fraction = position - low as f64;
    Some(sorted[low] + (sorted[high] - sorted[low]) * fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [5, 25, 50, 75, 95]) = 1.15, 1.75, 2.5, 3.25, 3.85
        let v = [4.0, 1.0, 3.0, 2.0];
        let got: Vec<f64> = PERCENTILES
            .iter()
            .map(|p| percentile(&v, *p).unwrap())
            .collect();
        for (g, e) in got.iter().zip([1.15, 1.75, 2.5, 3.25, 3.85]) {
            assert!((g - e).abs() < 1e-12, "{got:?}");
        }
        assert_eq!(sample_std(&[2.0, 4.0]), Some(2f64.sqrt()));
        assert_eq!(sample_std(&[2.0]), None);
    }
}
