//! General result tables: named columns of text or numbers, one row per item (a basin, a member of
//! a sweep, a feature...). Every analysis returns a [`Table`]; the run writes it as CSV or JSON and
//! `print` shows it as aligned text. Missing cells (an undefined metric, a basin without data) are
//! [`Cell::Missing`], written as empty CSV cells and JSON `null`, never as a number.

use std::fmt;
use std::path::Path;

use super::table::{MetricTable, TableWriteError};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A label: a basin id, a model name, a feature name...
    Text(String),
    /// A value (finite).
    Number(f64),
    /// Undefined or not available.
    Missing,
}

impl Cell {
    /// A number cell, or [`Cell::Missing`] for a non-finite value.
    pub fn number(x: f64) -> Cell {
        if x.is_finite() {
            Cell::Number(x)
        } else {
            Cell::Missing
        }
    }

    /// A number cell from an optional value.
    pub fn maybe(x: Option<f64>) -> Cell {
        x.map_or(Cell::Missing, Cell::number)
    }

    /// The cell's number, if it is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// The cell as text (numbers in full precision, missing as the empty string).
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => x.to_string(),
            Cell::Missing => String::new(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::number(x)
    }
}

impl From<Option<f64>> for Cell {
    fn from(x: Option<f64>) -> Self {
        Cell::maybe(x)
    }
}

impl From<usize> for Cell {
    fn from(x: usize) -> Self {
        Cell::Number(x as f64)
    }
}

/// A table: `rows[i][j]` is column `columns[j]` of row `i`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new<S: AsRef<str>>(columns: &[S]) -> Self {
        Table {
            columns: columns.iter().map(|c| c.as_ref().to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    ///
    /// # Panics
    /// If the row does not have one cell per column (a programming error).
    pub fn push(&mut self, row: Vec<Cell>) {
        assert_eq!(
            row.len(),
            self.columns.len(),
            "a row of table with columns {:?}",
            self.columns
        );
        self.rows.push(row);
    }

    /// The position of the column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cells of column `name` as numbers (`None` for missing or text cells).
    pub fn numbers(&self, name: &str) -> Option<Vec<Option<f64>>> {
        let j = self.column(name)?;
        Some(self.rows.iter().map(|r| r[j].as_number()).collect())
    }

    /// The cells of column `name` as text.
    pub fn texts(&self, name: &str) -> Option<Vec<String>> {
        let j = self.column(name)?;
        Some(self.rows.iter().map(|r| r[j].as_text()).collect())
    }

    /// Writes the table as CSV (missing cells empty).
    pub fn write_csv(&self, path: &Path) -> Result<(), TableWriteError> {
        let error = |source| TableWriteError {
            path: path.to_path_buf(),
            source,
        };
        let mut writer = csv::Writer::from_path(path).map_err(error)?;
        writer.write_record(&self.columns).map_err(error)?;
        for row in &self.rows {
            writer
                .write_record(row.iter().map(Cell::as_text))
                .map_err(error)?;
        }
        writer.flush().map_err(|e| error(e.into()))
    }

    /// The table as a JSON array of objects, one per row (missing cells `null`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    let mut object = serde_json::Map::new();
                    for (name, cell) in self.columns.iter().zip(row) {
                        let value = match cell {
                            Cell::Text(s) => s.clone().into(),
                            Cell::Number(x) => (*x).into(),
                            Cell::Missing => serde_json::Value::Null,
                        };
                        object.insert(name.clone(), value);
                    }
                    serde_json::Value::Object(object)
                })
                .collect(),
        )
    }
}

impl From<&MetricTable> for Table {
    fn from(metrics: &MetricTable) -> Self {
        let mut columns = vec!["basin".to_string()];
        columns.extend(metrics.metrics.iter().cloned());
        let mut table = Table::new(&columns);
        for (basin, values) in &metrics.rows {
            let mut row = vec![Cell::Text(basin.clone())];
            row.extend(values.iter().map(|v| Cell::maybe(*v)));
            table.push(row);
        }
        table
    }
}

/// Aligned text: numbers with 4 significant decimals, missing as `-`.
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Cell::Text(s) => s.clone(),
                        Cell::Number(x) if x.fract() == 0.0 && x.abs() < 1e9 => {
                            format!("{x:.0}")
                        }
                        Cell::Number(x) => format!("{x:.4}"),
                        Cell::Missing => "-".to_string(),
                    })
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                shown
                    .iter()
                    .map(|r| r[j].len())
                    .max()
                    .unwrap_or(0)
                    .max(c.len())
            })
            .collect();
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:>w$}"))
                .collect::<Vec<_>>()
                .join("  ")
        };
        writeln!(f, "{}", line(&self.columns))?;
        for row in &shown {
            writeln!(f, "{}", line(row))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_tables_convert_with_missing_cells() {
        let metrics = MetricTable {
            metrics: vec!["nse".into()],
            rows: vec![("a".into(), vec![Some(0.5)]), ("b".into(), vec![None])],
        };
        let table = Table::from(&metrics);
        assert_eq!(table.columns, ["basin", "nse"]);
        assert_eq!(table.numbers("nse").unwrap(), [Some(0.5), None]);
        assert_eq!(table.to_json()[1]["nse"], serde_json::Value::Null);
        assert_eq!(Cell::number(f64::NAN), Cell::Missing);
    }
}
