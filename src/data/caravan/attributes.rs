//! Static attributes of one Caravan source: every `*.csv` table of `attributes/<source>/`
//! (`attributes_caravan_*`, `attributes_hydroatlas_*`, `attributes_other_*`), merged.
//!
//! Each table is comma-separated with quoted cells where needed (gauge names contain commas),
//! a header line starting with `gauge_id`, and one row per basin (`camels_01022500`,
//! `camelsch_4001`). Attributes are read as numbers only: a categorical column (`gauge_name`,
//! `country`) requested as a number is an error, and so is a missing cell (empty, `NA` or
//! `NaN`), naming the file and line.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::super::daily_csv::tokens::{split_rows, Row};
use super::super::daily_csv::Delimiter;
use super::super::error::{did_you_mean, DataError};

/// The attribute holding the catchment area in km^2.
pub const AREA_ATTRIBUTE: &str = "area";

/// One table: its file and where each basin's row is.
#[derive(Debug)]
struct Table {
    path: PathBuf,
    /// Gauge id -> (row position, 1-based line number).
    rows: HashMap<String, (usize, usize)>,
}

/// One attribute column.
#[derive(Debug)]
struct Column {
    name: String,
    table: usize,
    /// The cells, trimmed, in row order.
    cells: Vec<String>,
}

/// The attribute tables of one Caravan source, read once.
#[derive(Debug)]
pub struct CaravanAttributes {
    dir: PathBuf,
    tables: Vec<Table>,
    columns: Vec<Column>,
    by_name: HashMap<String, usize>,
    basins: Vec<String>,
}

/// Whether a cell marks a missing value.
fn is_missing(cell: &str) -> bool {
    cell.is_empty() || cell == "NA" || cell.eq_ignore_ascii_case("nan")
}

impl CaravanAttributes {
    /// Reads every `*.csv` table in `dir` (e.g. `caravan/attributes/camelsch`), in name order.
    ///
    /// Errors if the directory holds no table, a header does not start with `gauge_id`, an
    /// attribute appears in two tables, a row has the wrong number of cells, or a basin has
    /// two rows in one table.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, DataError> {
        let dir = dir.as_ref().to_path_buf();
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| DataError::io(&dir, e))? {
            let path = entry.map_err(|e| DataError::io(&dir, e))?.path();
            if path.extension().is_some_and(|e| e == "csv") {
                paths.push(path);
            }
        }
        paths.sort();
        if paths.is_empty() {
            let missing = std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no attribute table (*.csv) in this directory",
            );
            return Err(DataError::io(&dir, missing));
        }
        let mut attributes = CaravanAttributes {
            dir,
            tables: Vec::new(),
            columns: Vec::new(),
            by_name: HashMap::new(),
            basins: Vec::new(),
        };
        for path in paths {
            attributes.add_table(path)?;
        }
        let basins: BTreeSet<&String> = attributes
            .tables
            .iter()
            .flat_map(|t| t.rows.keys())
            .collect();
        attributes.basins = basins.into_iter().cloned().collect();
        Ok(attributes)
    }

    /// Reads the table `path` and adds its columns.
    fn add_table(&mut self, path: PathBuf) -> Result<(), DataError> {
        let text = std::fs::read_to_string(&path).map_err(|e| DataError::io(&path, e))?;
        let mut records = split_rows(&text, Delimiter::Comma, &path)?.into_iter();
        let malformed = |line: usize, message: String, help: &str| {
            DataError::malformed(&path, line, message, help)
        };
        let header = match records.next() {
            Some(h) if h.cells.get(0) == Some("gauge_id") => h.cells,
            _ => {
                return Err(malformed(
                    1,
                    "the header does not start with `gauge_id`".to_string(),
                    "a Caravan attribute table has a header line `gauge_id,<attribute>,...`",
                ))
            }
        };
        let table = self.tables.len();
        let first_column = self.columns.len();
        for name in header.iter().skip(1) {
            if let Some(&other) = self.by_name.get(name) {
                let other_file = self.tables[self.columns[other].table].path.display();
                return Err(malformed(
                    1,
                    format!("attribute `{name}` is also a column of `{other_file}`"),
                    "attribute names must be unique across the tables of a source",
                ));
            }
            self.by_name.insert(name.to_string(), self.columns.len());
            self.columns.push(Column {
                name: name.to_string(),
                table,
                cells: Vec::new(),
            });
        }
        let mut rows = HashMap::new();
        for Row { line, cells } in records {
            if cells.len() != header.len() {
                return Err(malformed(
                    line,
                    format!("expected {} cells, found {}", header.len(), cells.len()),
                    "every row has one cell per column of the header",
                ));
            }
            let id = &cells[0];
            if let Some(&(_, first)) = rows.get(id) {
                return Err(malformed(
                    line,
                    format!("basin `{id}` already has a row at line {first}"),
                    "each basin has one row per table",
                ));
            }
            rows.insert(id.to_string(), (rows.len(), line));
            let columns = self.columns[first_column..].iter_mut();
            for (column, cell) in columns.zip(cells.iter().skip(1)) {
                column.cells.push(cell.to_string());
            }
        }
        self.tables.push(Table { path, rows });
        Ok(())
    }

    /// The directory the tables were read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// All attribute names (without `gauge_id`), table by table in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// The basin ids that have a row in at least one table, sorted.
    pub fn basins(&self) -> &[String] {
        &self.basins
    }

    /// The numeric value of attribute `name` for `basin`.
    ///
    /// Errors if the attribute is unknown ([`DataError::UnknownAttribute`], with a
    /// suggestion), the basin has no row in its table, the cell is missing
    /// ([`DataError::MissingAttribute`]) or not a number ([`DataError::NotNumeric`]).
    pub fn value(&self, basin: &str, name: &str) -> Result<f64, DataError> {
        let Some(&index) = self.by_name.get(name) else {
            return Err(DataError::UnknownAttribute {
                name: name.to_string(),
                dir: self.dir.clone(),
                help: did_you_mean(
                    name,
                    self.names(),
                    "attribute names are the column headers of the attribute tables",
                ),
            });
        };
        let column = &self.columns[index];
        let table = &self.tables[column.table];
        let Some(&(row, line)) = table.rows.get(basin) else {
            return Err(DataError::BasinNotFound {
                basin: basin.to_string(),
                what: "attribute row".to_string(),
                searched: table.path.clone(),
                help: did_you_mean(
                    basin,
                    self.basins.iter().map(String::as_str),
                    "Caravan basin ids are `<source>_<gauge id>`, e.g. `camelsch_4001`",
                ),
            });
        };
        let cell = &column.cells[row];
        if is_missing(cell) {
            return Err(DataError::MissingAttribute {
                basin: basin.to_string(),
                attribute: name.to_string(),
                value: cell.clone(),
                path: table.path.clone(),
                line,
            });
        }
        match cell.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(DataError::NotNumeric {
                attribute: name.to_string(),
                path: table.path.clone(),
                example: cell.clone(),
            }),
        }
    }

    /// The values of `names` for each of `basins`, `[basin][attribute]`.
    pub fn values(&self, basins: &[String], names: &[String]) -> Result<Vec<Vec<f64>>, DataError> {
        basins
            .iter()
            .map(|b| names.iter().map(|n| self.value(b, n)).collect())
            .collect()
    }

    /// The catchment area of `basin` in km^2 (attribute `area`).
    pub fn area_km2(&self, basin: &str) -> Result<f64, DataError> {
        self.value(basin, AREA_ATTRIBUTE)
    }
}
