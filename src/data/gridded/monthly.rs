//! Monthly gridded variables, such as mHM's monthly actual evapotranspiration (`et.nc`).
//!
//! Each time step is assigned to the calendar month its instant falls in (mHM stamps a month
//! at its last hour: `743 hours since 1990-1-1` is 1990-01-31 23:00, January). Steps must be
//! consecutive months.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::super::error::DataError;
use super::daily::mean_over;
use super::grid::{self, Grid};

/// One variable on a grid of `ny` x `nx` cells, one value per month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyGrid {
    /// The variable name.
    pub variable: String,
    /// The first day of each month, consecutive months.
    pub months: Vec<NaiveDate>,
    /// The values, `[(month * ny + y) * nx + x]`, in the file's units; NaN outside the domain.
    pub values: Vec<f32>,
    /// Number of rows of the grid.
    pub ny: usize,
    /// Number of columns of the grid.
    pub nx: usize,
    /// The cells inside the domain, `[y * nx + x]`.
    pub valid: Vec<bool>,
}

impl MonthlyGrid {
    /// The value of month `month` (position in `months`) in cell (`y`, `x`).
    pub fn value(&self, month: usize, y: usize, x: usize) -> f32 {
        self.values[(month * self.ny + y) * self.nx + x]
    }

    /// The mean over the cells inside the domain, per month.
    pub fn basin_means(&self) -> Vec<f32> {
        let cells = self.ny * self.nx;
        self.values
            .chunks(cells.max(1))
            .map(|frame| mean_over(frame, &self.valid))
            .collect()
    }
}

/// Reads every month of `variable` in `path`.
///
/// Cells missing in every month lie outside the domain (NaN); a cell missing in some months
/// only is an error ([`DataError::MissingGridValue`]), as is a time axis that skips or repeats
/// a month.
pub fn read_monthly(path: impl AsRef<Path>, variable: &str) -> Result<MonthlyGrid, DataError> {
    let path = path.as_ref();
    let grid = Grid::read(path, variable, |times| Ok(0..times.len()))?;
    let months: Vec<NaiveDate> = grid
        .times
        .iter()
        .filter_map(|t| t.date().with_day(1))
        .collect();
    for (i, pair) in months.windows(2).enumerate() {
        if pair[0].checked_add_months(chrono::Months::new(1)) != Some(pair[1]) {
            return Err(grid::structure_error(
                path,
                format!(
                    "time step {} falls in {}, not in the month after {}",
                    i + 1,
                    pair[1].format("%Y-%m"),
                    pair[0].format("%Y-%m")
                ),
            ));
        }
    }
    let valid = grid.domain()?;
    Ok(MonthlyGrid {
        variable: variable.to_string(),
        months,
        values: grid.to_f32(),
        ny: grid.ny,
        nx: grid.nx,
        valid,
    })
}
