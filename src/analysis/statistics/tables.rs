//! Statistics as [`Table`]s: the comparison of two models over the same basins and the summary of
//! metric columns.

use super::descriptive::{count_at_most, mean, percentile, percentile_of_sorted, sample_std};
use super::effect_size::cohens_d;
use super::wilcoxon::wilcoxon_signed_rank;
use crate::analysis::{Cell, Table};

/// Columns of [`compare_table`].
const COMPARE_COLUMNS: [&str; 12] = [
    "model_a",
    "model_b",
    "n",
    "median_a",
    "median_b",
    "mean_a",
    "mean_b",
    "wilcoxon_statistic",
    "p_value",
    "wilcoxon_method",
    "z",
    "cohens_d",
];

/// Columns of [`summary_table`] before the threshold count.
const SUMMARY_COLUMNS: [&str; 12] = [
    "column", "count", "missing", "mean", "std", "min", "p5", "p25", "median", "p75", "p95", "max",
];

/// One-row comparison of model `name_a` (values `a`) with model `name_b` (values `b`), paired by
/// position (e.g. the per-basin NSE of both models over the same basins).
///
/// Pairs where either value is NaN are dropped first; on the remaining `n` pairs the table gives
/// the medians and means of both, the [`wilcoxon_signed_rank`] statistic W, its two-sided p-value,
/// method (`exact` or `normal`) and z, and [`cohens_d`] (positive when `a` has the larger mean).
/// Undefined values (no pair left, lengths differ, zero variance) are missing cells; when the
/// lengths differ only the names are filled.
pub fn compare_table(name_a: &str, a: &[f64], name_b: &str, b: &[f64]) -> Table {
    let mut table = Table::new(&COMPARE_COLUMNS);
    let (valid_a, valid_b): (Vec<f64>, Vec<f64>) = if a.len() == b.len() {
        a.iter()
            .zip(b)
            .filter(|(x, y)| !x.is_nan() && !y.is_nan())
            .map(|(x, y)| (*x, *y))
            .unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    let test = wilcoxon_signed_rank(&valid_a, &valid_b);
    table.push(vec![
        Cell::from(name_a),
        Cell::from(name_b),
        Cell::from(valid_a.len()),
        Cell::maybe(median(&valid_a)),
        Cell::maybe(median(&valid_b)),
        Cell::maybe(mean(&valid_a)),
        Cell::maybe(mean(&valid_b)),
        Cell::maybe(test.map(|t| t.statistic)),
        Cell::maybe(test.map(|t| t.p_value)),
        test.map_or(Cell::Missing, |t| Cell::from(t.method.name())),
        Cell::maybe(test.and_then(|t| t.z)),
        Cell::maybe(cohens_d(&valid_a, &valid_b)),
    ]);
    table
}

/// One row per named column of values (e.g. a metric across basins, NaN for a missing value): the
/// count of non-NaN values, the number of missing ones, mean, sample standard deviation, minimum,
/// the 5th, 25th, 50th, 75th and 95th percentiles (numpy's linear interpolation), maximum, and the
/// number of values <= `threshold` (column `count_le_<threshold>`, e.g. `count_le_0` for the basins
/// with NSE <= 0). Statistics of a column without values are missing cells (its counts are 0).
pub fn summary_table(columns: &[(String, Vec<f64>)], threshold: f64) -> Table {
    let mut names: Vec<String> = SUMMARY_COLUMNS.iter().map(|c| c.to_string()).collect();
    names.push(format!("count_le_{threshold}"));
    let mut table = Table::new(&names);
    for (name, values) in columns {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| Cell::maybe(percentile_of_sorted(&sorted, q));
        table.push(vec![
            Cell::from(name.as_str()),
            Cell::from(sorted.len()),
            Cell::from(values.len() - sorted.len()),
            Cell::maybe(mean(&sorted)),
            Cell::maybe(sample_std(&sorted)),
            at(0.0),
            at(5.0),
            at(25.0),
            at(50.0),
            at(75.0),
            at(95.0),
            at(100.0),
            Cell::from(count_at_most(&sorted, threshold)),
        ]);
    }
    table
}

/// Median of values without NaN; `None` when empty.
fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}
