//! Per-basin metric tables.
//!
//! A [`MetricTable`] holds one row per basin and one column per metric, computed with the functions of
//! the [`metrics`](super::metrics) registry. Summary statistics across basins (median, mean) ignore
//! basins where a metric is undefined; the CSV output leaves such cells empty.

use std::fmt;
use std::path::{Path, PathBuf};

use super::metrics::{lookup, Metric, UnknownMetric};

/// Metric values per basin: `rows[i].1[j]` is metric `metrics[j]` of basin `rows[i].0`, `None` where
/// the metric is undefined for that basin.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricTable {
    /// Metric names, one per column.
    pub metrics: Vec<String>,
    /// Basin identifier and its metric values, one row per basin, in input order.
    pub rows: Vec<(String, Vec<Option<f64>>)>,
}

/// The CSV file of a metric table could not be written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write metric table to {}", path.display())]
#[diagnostic(
    code(hydro::analysis::table_write),
    help("check that the directory exists and is writable")
)]
pub struct TableWriteError {
    /// The CSV file that was being written.
    pub path: PathBuf,
    /// The underlying I/O or CSV error.
    #[source]
    pub source: csv::Error,
}

impl MetricTable {
    /// Computes the metrics `names` for every `(basin, observed, simulated)` triple of `per_basin`.
    ///
    /// Fails with [`UnknownMetric`] (with a did-you-mean hint) when a name is not in the registry.
    pub fn compute<N, B, O, S>(names: &[N], per_basin: &[(B, O, S)]) -> Result<Self, UnknownMetric>
    where
        N: AsRef<str>,
        B: AsRef<str>,
        O: AsRef<[f64]>,
        S: AsRef<[f64]>,
    {
        let metrics = names
            .iter()
            .map(|name| lookup(name.as_ref()).ok_or_else(|| UnknownMetric::new(name.as_ref())))
            .collect::<Result<Vec<&Metric>, _>>()?;
        let rows = per_basin
            .iter()
            .map(|(basin, observed, simulated)| {
                let values = metrics
                    .iter()
                    .map(|metric| (metric.compute)(observed.as_ref(), simulated.as_ref()))
                    .collect();
                (basin.as_ref().to_string(), values)
            })
            .collect();
        Ok(Self {
            metrics: metrics
                .iter()
                .map(|metric| metric.name.to_string())
                .collect(),
            rows,
        })
    }

    /// The defined values of column `metric` in basin order; `None` when the table has no such column.
    pub fn column(&self, metric: &str) -> Option<Vec<f64>> {
        let index = self.metrics.iter().position(|name| name == metric)?;
        Some(
            self.rows
                .iter()
                .filter_map(|(_, values)| values.get(index).copied().flatten())
                .collect(),
        )
    }

    /// Median over basins of column `metric`, ignoring undefined values (the mean of the two middle
    /// values for an even count, as numpy's `median`); `None` when the column is unknown or has no
    /// defined value.
    pub fn median(&self, metric: &str) -> Option<f64> {
        let mut values = self.column(metric)?;
        values.sort_by(f64::total_cmp);
        let n = values.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(values[n / 2]),
            _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
        }
    }

    /// Arithmetic mean over basins of column `metric`, ignoring undefined values; `None` when the
    /// column is unknown or has no defined value.
    pub fn mean(&self, metric: &str) -> Option<f64> {
        let values = self.column(metric)?;
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }

    /// Writes the table as CSV: a header `basin,<metric>,...`, then one line per basin with values in
    /// full precision and an empty cell where a metric is undefined.
    pub fn write_csv(&self, path: &Path) -> Result<(), TableWriteError> {
        let wrap = |source: csv::Error| TableWriteError {
            path: path.to_path_buf(),
            source,
        };
        let mut writer = csv::Writer::from_path(path).map_err(wrap)?;
        let header = std::iter::once("basin").chain(self.metrics.iter().map(String::as_str));
        writer.write_record(header).map_err(wrap)?;
        for (basin, values) in &self.rows {
            let cells = values
                .iter()
                .map(|value| value.map(|v| v.to_string()).unwrap_or_default());
            let record: Vec<String> = std::iter::once(basin.clone()).chain(cells).collect();
            writer.write_record(&record).map_err(wrap)?;
        }
        writer.flush().map_err(|e| wrap(e.into()))
    }
}

/// An aligned text table: a `basin` column, one column per metric with three decimals (`-` where
/// undefined), then `median` and `mean` rows over basins.
impl fmt::Display for MetricTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cell =
            |value: Option<f64>| value.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
        let basin_rows: Vec<(String, Vec<String>)> = self
            .rows
            .iter()
            .map(|(basin, values)| (basin.clone(), values.iter().map(|v| cell(*v)).collect()))
            .collect();
        let summary_rows: Vec<(String, Vec<String>)> = vec![
            (
                "median".to_string(),
                self.metrics.iter().map(|m| cell(self.median(m))).collect(),
            ),
            (
                "mean".to_string(),
                self.metrics.iter().map(|m| cell(self.mean(m))).collect(),
            ),
        ];
        let lines = || basin_rows.iter().chain(&summary_rows);

        let basin_width = lines()
            .map(|(label, _)| label.chars().count())
            .fold(5, usize::max);
        let widths: Vec<usize> = self
            .metrics
            .iter()
            .enumerate()
            .map(|(j, name)| {
                lines()
                    .map(|(_, cells)| cells.get(j).map_or(0, |c| c.chars().count()))
                    .fold(name.chars().count(), usize::max)
            })
            .collect();

        write_line(f, "basin", &self.metrics, basin_width, &widths)?;
        for (label, cells) in &basin_rows {
            write_line(f, label, cells, basin_width, &widths)?;
        }
        let rule_width = basin_width + widths.iter().map(|w| w + 2).sum::<usize>();
        writeln!(f, "{}", "-".repeat(rule_width))?;
        for (label, cells) in &summary_rows {
            write_line(f, label, cells, basin_width, &widths)?;
        }
        Ok(())
    }
}

/// Writes one text-table line: `label` left-aligned in `label_width`, then each cell right-aligned in
/// its column width, two spaces apart.
fn write_line(
    f: &mut fmt::Formatter<'_>,
    label: &str,
    cells: &[String],
    label_width: usize,
    widths: &[usize],
) -> fmt::Result {
    write!(f, "{label:<label_width$}")?;
    for (text, width) in cells.iter().zip(widths) {
        write!(f, "  {text:>width$}")?;
    }
    writeln!(f)
}
