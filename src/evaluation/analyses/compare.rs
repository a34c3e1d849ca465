//! `compare`: the paired two-sided Wilcoxon signed-rank test and Cohen's d between one column (a
//! metric) of two tables, e.g. the per-basin NSE of two models (Kratzert et al. 2019, Sect. 3).
//!
//! Rows are paired by their keys: the `basin` column and the columns before it (the sweep axes
//! that `evaluate` writes first, e.g. `seed` or `train_years`), as far as both tables have them.
//! With `by = column` the rows are split by the values of that column and one test runs per value,
//! pairing the remaining keys: `by = basin` on two seed sweeps tests each basin across the seeds,
//! `by = train_years` each data size across seeds (and basins). Rows without a partner are left
//! out; a key that occurs twice in one table (e.g. the seeds of a sweep compared with a single
//! run) is an error, since a pair would be ambiguous.

use std::collections::HashMap;

use super::{arg_error, input_tables, numeric_column};
use crate::analysis::statistics::compare_table;
use crate::analysis::{Cell, Table};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::{Output, RunError, Session};

/// Why two tables cannot be compared: the argument the diagnostic points at, the message and a
/// help text.
#[derive(Debug, PartialEq)]
struct Unpairable {
    arg: &'static str,
    message: String,
    help: String,
}

/// `compare(a, b, metric = nse, by = column, labels = ["A", "B"])`.
pub fn compare(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let mut tables = input_tables(spec, session);
    let (label_b, b) = tables.remove(1);
    let (label_a, a) = tables.remove(0);
    let metric = spec.symbol("metric").unwrap_or_else(|| "nse".into());
    let by = spec.symbol("by");
    let values_a = numeric_column(spec, "metric", &a, &metric)?;
    let values_b = numeric_column(spec, "metric", &b, &metric)?;
    let test = paired_tests(
        (&label_a, &a, &values_a),
        (&label_b, &b, &values_b),
        by.as_deref(),
    )
    .map_err(|e| arg_error(spec, e.arg, e.message, &e.help))?;
    Ok(Output::table(
        format!("{label_a} vs {label_b}"),
        "test",
        test,
    ))
}

/// One labelled input table.
type Labelled<'a> = (&'a str, &'a Table);

/// One labelled input table with the values compared, one per row (`None` when missing).
type Sample<'a> = (&'a str, &'a Table, &'a [Option<f64>]);

/// The key columns of a table: `basin` and every column before it.
fn key_columns<'a>((label, table): Labelled<'a>) -> Result<&'a [String], Unpairable> {
    match table.column("basin") {
        Some(j) => Ok(&table.columns[..=j]),
        None => Err(Unpairable {
            arg: "metric",
            message: format!("the table of `{label}` has no `basin` column to pair rows by"),
            help: format!(
                "compare tables of `evaluate` (one row per basin); its columns are {}",
                table.columns.join(", ")
            ),
        }),
    }
}

/// The [`compare_table`] rows of the values of `a` and `b`: one row without `by`, otherwise
/// one row per value of the column `by` (in order of appearance, `a` first) with that value in a
/// first column `by`. A table without the column `by` takes part with all its rows in every test.
fn paired_tests(
    (label_a, a, compared_a): Sample,
    (label_b, b, compared_b): Sample,
    by: Option<&str>,
) -> Result<Table, Unpairable> {
    let (keys_a, keys_b) = (key_columns((label_a, a))?, key_columns((label_b, b))?);
    let by_columns = by.map(|by| (a.column(by), b.column(by)));
    if let (Some(by), Some((None, None))) = (by, by_columns) {
        return Err(Unpairable {
            arg: "by",
            message: format!("neither table has a column `{by}`"),
            help: format!(
                "the tables' keys are {} and {}",
                keys_a.join(", "),
                keys_b.join(", ")
            ),
        });
    }
    let pairing: Vec<&str> = keys_a
        .iter()
        .filter(|k| keys_b.contains(k) && Some(k.as_str()) != by)
        .map(String::as_str)
        .collect();
    let (by_a, by_b) = by_columns.unwrap_or((None, None));
    // The groups: every value of the `by` column in either table, or one group of all rows.
    let mut groups: Vec<Option<Cell>> = Vec::new();
    for (table, column) in [(a, by_a), (b, by_b)] {
        if let Some(j) = column {
            for row in &table.rows {
                if !groups.contains(&Some(row[j].clone())) {
                    groups.push(Some(row[j].clone()));
                }
            }
        }
    }
    if by.is_none() {
        groups.push(None);
    }
    let mut columns: Vec<String> = by.map(str::to_string).into_iter().collect();
    columns.extend(compare_table("", &[], "", &[]).columns);
    let mut result = Table::new(&columns);
    for group in groups {
        let in_group = |table: &Table, column: Option<usize>| -> Vec<usize> {
            (0..table.rows.len())
                .filter(|&i| match (&group, column) {
                    (Some(value), Some(j)) => table.rows[i][j] == *value,
                    _ => true,
                })
                .collect()
        };
        let rows_a = keyed_rows((label_a, a), &in_group(a, by_a), &pairing, by)?;
        let rows_b = keyed_rows((label_b, b), &in_group(b, by_b), &pairing, by)?;
        // Missing values become NaN, and the test drops their pairs.
        let (mut values_a, mut values_b) = (Vec::new(), Vec::new());
        for (key, i) in &rows_a.order {
            if let Some(&k) = rows_b.by_key.get(key) {
                values_a.push(compared_a[*i].unwrap_or(f64::NAN));
                values_b.push(compared_b[k].unwrap_or(f64::NAN));
            }
        }
        let test = compare_table(label_a, &values_a, label_b, &values_b);
        let mut row: Vec<Cell> = group.into_iter().collect();
        row.extend(test.rows.into_iter().flatten());
        result.push(row);
    }
    Ok(result)
}

/// Rows of one table indexed by their pairing key (the cells of the pairing columns as text).
struct KeyedRows {
    /// The keys with their rows, in table order.
    order: Vec<(Vec<String>, usize)>,
    /// The row of each key.
    by_key: HashMap<Vec<String>, usize>,
}

/// The rows `rows` of `table` by their values in the `pairing` columns; an error when two rows
/// share a key.
fn keyed_rows(
    (label, table): Labelled,
    rows: &[usize],
    pairing: &[&str],
    by: Option<&str>,
) -> Result<KeyedRows, Unpairable> {
    let positions: Vec<usize> = pairing
        .iter()
        .filter_map(|name| table.column(name))
        .collect();
    let mut keyed = KeyedRows {
        order: Vec::new(),
        by_key: HashMap::new(),
    };
    for &i in rows {
        let key: Vec<String> = positions
            .iter()
            .map(|&j| table.rows[i][j].as_text())
            .collect();
        if keyed.by_key.insert(key.clone(), i).is_some() {
            let shown: Vec<String> = pairing
                .iter()
                .zip(&key)
                .map(|(name, value)| format!("{name} {value}"))
                .collect();
            let others: Vec<&str> = key_columns((label, table))?
                .iter()
                .map(String::as_str)
                .filter(|k| !pairing.contains(k) && Some(*k) != by)
                .collect();
            let help = match others.first() {
                Some(other) => format!(
                    "rows are paired by {}; `{label}` also varies {}: test per value with `by = {other}`, or average over it with `evaluate(..., ensemble = {other})`",
                    pairing.join(", "),
                    others.join(", ")
                ),
                None => format!("rows are paired by {}", pairing.join(", ")),
            };
            return Err(Unpairable {
                arg: if by.is_some() { "by" } else { "metric" },
                message: format!(
                    "the table of `{label}` has several rows for {}",
                    shown.join(", ")
                ),
                help,
            });
        }
        keyed.order.push((key, i));
    }
    Ok(keyed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table `seed, basin, nse` with one row per seed and basin.
    fn sweep(values: &[(f64, &str, f64)]) -> Table {
        let mut table = Table::new(&["seed", "basin", "nse"]);
        for &(seed, basin, nse) in values {
            table.push(vec![
                Cell::Number(seed),
                Cell::from(basin),
                Cell::number(nse),
            ]);
        }
        table
    }

    /// The tests of the `nse` columns of `a` and `b` (labelled so).
    fn nse_tests(a: &Table, b: &Table, by: Option<&str>) -> Result<Table, Unpairable> {
        let (nse_a, nse_b) = (a.numbers("nse").unwrap(), b.numbers("nse").unwrap());
        paired_tests(("a", a, &nse_a), ("b", b, &nse_b), by)
    }

    /// A column of the single result row, as a number.
    fn number(table: &Table, row: usize, column: &str) -> Option<f64> {
        table.rows[row][table.column(column).unwrap()].as_number()
    }

    /// Rows pair by seed and basin whatever their order; a row without a partner is left out.
    /// Differences (a - b) 0.1, -0.2, 0.3, 0.4: ranks 1, 2, 3, 4, W+ = 8, W- = 2, W = 2, exact.
    #[test]
    fn pairs_by_keys_not_by_position() {
        let a = sweep(&[
            (1.0, "x", 0.6),
            (1.0, "y", 0.5),
            (2.0, "x", 0.9),
            (2.0, "y", 0.8),
            (3.0, "x", 0.1),
        ]);
        let b = sweep(&[
            (2.0, "y", 0.4),
            (2.0, "x", 0.6),
            (1.0, "y", 0.7),
            (1.0, "x", 0.5),
        ]);
        let test = nse_tests(&a, &b, None).unwrap();
        assert_eq!(test.rows.len(), 1);
        assert_eq!(number(&test, 0, "n"), Some(4.0));
        assert_eq!(number(&test, 0, "wilcoxon_statistic"), Some(2.0));
        let mean_a = (0.6 + 0.5 + 0.9 + 0.8) / 4.0;
        assert!((number(&test, 0, "mean_a").unwrap() - mean_a).abs() < 1e-12);
    }

    /// `by = basin` runs one test per basin across the seeds; the `by` column comes first.
    #[test]
    fn one_test_per_value_of_by() {
        let a = sweep(&[(1.0, "x", 0.6), (2.0, "x", 0.9), (1.0, "y", 0.5)]);
        let b = sweep(&[(1.0, "x", 0.5), (2.0, "x", 0.7), (1.0, "y", 0.7)]);
        let test = nse_tests(&a, &b, Some("basin")).unwrap();
        assert_eq!(test.columns[..3], ["basin", "model_a", "model_b"]);
        assert_eq!(test.texts("basin").unwrap(), ["x", "y"]);
        assert_eq!(test.numbers("n").unwrap(), [Some(2.0), Some(1.0)]);
        assert!((number(&test, 0, "mean_b").unwrap() - 0.6).abs() < 1e-12);
    }

    /// A single run against a seed sweep pairs by basin only, so the seeds make pairs ambiguous;
    /// `by = seed` compares each seed with the single run.
    #[test]
    fn ambiguous_pairs_are_an_error() {
        let a = sweep(&[(1.0, "x", 0.6), (2.0, "x", 0.9)]);
        let mut b = Table::new(&["basin", "nse"]);
        b.push(vec![Cell::from("x"), Cell::Number(0.5)]);
        let error = nse_tests(&a, &b, None).unwrap_err();
        assert_eq!(
            error.message,
            "the table of `a` has several rows for basin x"
        );
        assert!(error.help.contains("`by = seed`"), "{}", error.help);
        let per_seed = nse_tests(&a, &b, Some("seed")).unwrap();
        assert_eq!(per_seed.numbers("seed").unwrap(), [Some(1.0), Some(2.0)]);
        assert_eq!(per_seed.numbers("n").unwrap(), [Some(1.0), Some(1.0)]);
        let mut no_basin = Table::new(&["nse"]);
        no_basin.push(vec![Cell::Number(0.5)]);
        let unkeyed = nse_tests(&a, &no_basin, None).unwrap_err();
        assert_eq!(
            unkeyed.message,
            "the table of `b` has no `basin` column to pair rows by"
        );
        let no_by = nse_tests(&a, &b, Some("hidden")).unwrap_err();
        assert_eq!(no_by.arg, "by");
    }
}
