//! `summarize` (statistics of every metric column over the rows) and `spread` (mean and standard
//! deviation of every metric across one axis of a sweep, e.g. over seeds per basin).

use super::{arg_error, input_tables};
use crate::analysis::statistics::{mean, sample_std, summary_table};
use crate::analysis::{metrics, Cell, Table};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::{Output, RunError, Session};

/// Whether a column holds metric values (its name is a registered metric) rather than keys.
fn is_metric(column: &str) -> bool {
    metrics::lookup(column).is_some()
}

/// `summarize(table, threshold = 0)`.
pub fn summarize(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let (label, table) = input_tables(spec, session).remove(0);
    let threshold = spec.number("threshold").unwrap_or(0.0);
    summary_of(&table, threshold)
        .map(|summary| Output::table(label, "summary", summary))
        .ok_or_else(|| {
            arg_error(
                spec,
                "threshold",
                "the table has no metric column to summarise".into(),
                &format!("its columns are {}", table.columns.join(", ")),
            )
        })
}

/// The [`summary_table`] of the metric columns of `table` (and of a column `value` whose cells are
/// all numbers), missing cells counted as missing; `None` when there is no such column.
fn summary_of(table: &Table, threshold: f64) -> Option<Table> {
    let columns: Vec<(String, Vec<f64>)> = table
        .columns
        .iter()
        .enumerate()
        .filter_map(|(j, name)| {
            let cells: Vec<Option<f64>> = table.rows.iter().map(|r| r[j].as_number()).collect();
            let summarised =
                is_metric(name) || (name == "value" && cells.iter().all(Option::is_some));
            summarised.then(|| {
                let values = cells.iter().map(|c| c.unwrap_or(f64::NAN)).collect();
                (name.clone(), values)
            })
        })
        .collect();
    (!columns.is_empty()).then(|| summary_table(&columns, threshold))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// NSE 4, 1, 3, 2 and a missing cell: numpy.percentile([1, 2, 3, 4], [5, 25, 50, 75, 95]) =
    /// 1.15, 1.75, 2.5, 3.25, 3.85; std of 1..4 is sqrt(5/3); two values <= 2. The basin column
    /// is a key, not summarised; an all-number `value` column is.
    #[test]
    fn summary_of_the_metric_columns() {
        let mut table = Table::new(&["basin", "nse", "value"]);
        for (basin, nse) in [("a", 4.0), ("b", 1.0), ("c", 3.0), ("d", 2.0)] {
            table.push(vec![
                Cell::from(basin),
                Cell::Number(nse),
                Cell::Number(nse),
            ]);
        }
        table.push(vec![Cell::from("e"), Cell::Missing, Cell::Number(0.0)]);
        let summary = summary_of(&table, 2.0).unwrap();
        assert_eq!(summary.column("count_le_2"), Some(12));
        assert_eq!(summary.texts("column").unwrap(), ["nse", "value"]);
        let nse: Vec<f64> = summary.rows[0][1..]
            .iter()
            .map(|c| c.as_number().unwrap())
            .collect();
        let expected = [
            4.0,
            1.0,
            2.5,
            (5.0f64 / 3.0).sqrt(),
            1.0,
            1.15,
            1.75,
            2.5,
            3.25,
            3.85,
            4.0,
            2.0,
        ];
        for (got, want) in nse.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{nse:?}");
        }
        assert_eq!(summary.rows[1][1], Cell::Number(5.0));
        let mut keys_only = Table::new(&["basin", "value"]);
        keys_only.push(vec![Cell::from("a"), Cell::Missing]);
        assert_eq!(summary_of(&keys_only, 0.0), None);
    }
}
