//! Static catchment attributes of CAMELS-US (the `camels_attributes_v2.0` tables).
//!
//! Seven `;`-separated tables, `camels_{clim,geol,hydro,name,soil,topo,vege}.txt`, each with a
//! header line and one row per basin starting with `gauge_id`. Gauge ids stay 8-character
//! strings (never numbers, which would lose leading zeros). A column is numeric when every
//! present value is a number; others (e.g. `high_prec_timing`, `dom_land_cover`) are
//! categorical. `NA` or an empty cell marks a missing value.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::super::error::{did_you_mean, DataError};

/// The attribute tables, in the order their columns are listed.
pub const ATTRIBUTE_TABLES: [&str; 7] = [
    "camels_clim.txt",
    "camels_geol.txt",
    "camels_hydro.txt",
    "camels_name.txt",
    "camels_soil.txt",
    "camels_topo.txt",
    "camels_vege.txt",
];

/// The attribute holding the basin area in km^2 used to convert discharge to mm/day.
pub const AREA_ATTRIBUTE: &str = "area_gages2";

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
    numeric: bool,
}

/// All static attribute tables of CAMELS-US, read once.
#[derive(Debug)]
pub struct AttributeTables {
    dir: PathBuf,
    tables: Vec<Table>,
    columns: Vec<Column>,
    by_name: HashMap<String, usize>,
    basins: Vec<String>,
}

/// Whether a cell marks a missing value.
fn is_missing(cell: &str) -> bool {
    cell.is_empty() || cell == "NA"
}

impl AttributeTables {
    /// Reads the tables from `dir` (the `camels_attributes_v2.0` directory).
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, DataError> {
        let dir = dir.as_ref().to_path_buf();
        let mut tables = AttributeTables {
            dir: dir.clone(),
            tables: Vec::new(),
            columns: Vec::new(),
            by_name: HashMap::new(),
            basins: Vec::new(),
        };
        let mut basins = BTreeSet::new();
        for file in ATTRIBUTE_TABLES {
            let path = dir.join(file);
            let text = super::files::read_text(&path)?;
            tables.add_table(path, &text)?;
        }
        for table in &tables.tables {
            basins.extend(table.rows.keys().cloned());
        }
        tables.basins = basins.into_iter().collect();
        Ok(tables)
    }

    /// Parses one table's `text` and adds its columns.
    fn add_table(&mut self, path: PathBuf, text: &str) -> Result<(), DataError> {
        let table = self.tables.len();
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header: Vec<&str> = match lines.next() {
            Some((_, l)) => l.split(';').map(str::trim).collect(),
            None => Vec::new(),
        };
        if header.first() != Some(&"gauge_id") {
            return Err(DataError::malformed(
                &path,
                1,
                "the header does not start with `gauge_id`",
                "an attribute table is `;`-separated with a header line `gauge_id;<attribute>;...`",
            ));
        }
        let first_column = self.columns.len();
        for name in &header[1..] {
            if let Some(&other) = self.by_name.get(*name) {
                let other_file = &self.tables[self.columns[other].table].path;
                return Err(DataError::malformed(
                    &path,
                    1,
                    format!(
                        "attribute `{name}` is also a column of `{}`",
                        other_file.display()
                    ),
                    "attribute names must be unique across the tables",
                ));
            }
            self.by_name.insert(name.to_string(), self.columns.len());
            self.columns.push(Column {
                name: name.to_string(),
                table,
                cells: Vec::new(),
                numeric: true,
            });
        }
        let mut rows = HashMap::new();
        for (n, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(';').map(str::trim).collect();
            if cells.len() != header.len() {
                return Err(DataError::malformed(
                    &path,
                    n,
                    format!("expected {} columns, found {}", header.len(), cells.len()),
                    "every row must have one `;`-separated value per column of the header",
                ));
            }
            let id = cells[0];
            if !super::is_gauge_id(id) {
                return Err(DataError::malformed(
                    &path,
                    n,
                    format!("`{id}` is not an 8-digit gauge id"),
                    "gauge ids have 8 digits, leading zeros included",
                ));
            }
            if let Some(&(_, first)) = rows.get(id) {
                return Err(DataError::malformed(
                    &path,
                    n,
                    format!("basin `{id}` already has a row at line {first}"),
                    "each basin has one row per table",
                ));
            }
            rows.insert(id.to_string(), (rows.len(), n));
            for (column, cell) in self.columns[first_column..].iter_mut().zip(&cells[1..]) {
                column.numeric &= is_missing(cell) || cell.parse::<f64>().is_ok_and(f64::is_finite);
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

    /// The gauge ids that have a row in at least one table, sorted.
    pub fn basins(&self) -> &[String] {
        &self.basins
    }

    /// Whether attribute `name` is numeric (errors if there is no such attribute).
    pub fn is_numeric(&self, name: &str) -> Result<bool, DataError> {
        Ok(self.column(name)?.numeric)
    }

    /// The numeric value of attribute `name` for `basin`.
    ///
    /// Errors if the attribute is unknown, categorical, or missing (`NA`) for the basin, or if
    /// the basin has no row in the attribute's table.
    pub fn value(&self, basin: &str, name: &str) -> Result<f64, DataError> {
        let column = self.column(name)?;
        if !column.numeric {
            return Err(self.not_numeric(column));
        }
        let cell = self.cell(basin, column)?;
        cell.parse::<f64>().map_err(|_| self.not_numeric(column))
    }

    /// The text of attribute `name` for `basin` (any attribute, e.g. the categorical
    /// `dom_land_cover` or `gauge_name`), without surrounding whitespace.
    pub fn text(&self, basin: &str, name: &str) -> Result<&str, DataError> {
        let column = self.column(name)?;
        self.cell(basin, column)
    }

    /// The values of `names` for each of `basins`, `[basin][attribute]`.
    pub fn values(&self, basins: &[String], names: &[String]) -> Result<Vec<Vec<f64>>, DataError> {
        basins
            .iter()
            .map(|b| names.iter().map(|n| self.value(b, n)).collect())
            .collect()
    }

    /// The basin area in km^2 (`area_gages2`), checked to be positive.
    pub fn area_km2(&self, basin: &str) -> Result<f64, DataError> {
        let area = self.value(basin, AREA_ATTRIBUTE)?;
        if area > 0.0 {
            return Ok(area);
        }
        let column = self.column(AREA_ATTRIBUTE)?;
        let table = &self.tables[column.table];
        let line = table.rows.get(basin).map_or(0, |&(_, line)| line);
        Err(DataError::malformed(
            &table.path,
            line,
            format!("{AREA_ATTRIBUTE} of basin `{basin}` is {area}, not a positive area"),
            "discharge is converted to mm/day with the basin area, which must be positive",
        ))
    }

    /// The column `name`, or an unknown-attribute error with a suggestion.
    fn column(&self, name: &str) -> Result<&Column, DataError> {
        match self.by_name.get(name) {
            Some(&i) => Ok(&self.columns[i]),
            None => Err(DataError::UnknownAttribute {
                name: name.to_string(),
                dir: self.dir.clone(),
                help: did_you_mean(
                    name,
                    self.names(),
                    "attribute names are the column headers of the camels_*.txt tables",
                ),
            }),
        }
    }

    /// The cell of `column` for `basin`, checked to be present.
    fn cell<'a>(&'a self, basin: &str, column: &'a Column) -> Result<&'a str, DataError> {
        let table = &self.tables[column.table];
        let Some(&(row, line)) = table.rows.get(basin) else {
            return Err(DataError::BasinNotFound {
                basin: basin.to_string(),
                what: "attribute row".to_string(),
                searched: table.path.clone(),
                help: did_you_mean(
                    basin,
                    self.basins.iter().map(String::as_str),
                    "gauge ids have 8 digits, leading zeros included",
                ),
            });
        };
        let cell = column.cells[row].as_str();
        if is_missing(cell) {
            return Err(DataError::MissingAttribute {
                basin: basin.to_string(),
                attribute: column.name.clone(),
                value: cell.to_string(),
                path: table.path.clone(),
                line,
            });
        }
        Ok(cell)
    }

    /// The error for a categorical column requested as a number.
    fn not_numeric(&self, column: &Column) -> DataError {
        let example = column.cells.iter().find(|c| !is_missing(c));
        DataError::NotNumeric {
            attribute: column.name.clone(),
            path: self.tables[column.table].path.clone(),
            example: example.cloned().unwrap_or_default(),
        }
    }
}
