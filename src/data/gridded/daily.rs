//! Daily gridded forcing: several (time, y, x) variables on one grid over a period, and their
//! basin means.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::super::error::DataError;
use super::super::period::DateRange;
use super::grid::{self, Grid};

/// A variable of a NetCDF file: where to read one forcing variable from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridVariable {
    /// The NetCDF file.
    pub path: PathBuf,
    /// The variable name in the file (e.g. `pre`).
    pub name: String,
}

/// The input name of cell (`y`, `x`) of `variable`: `pre[3,2]`.
pub fn cell_name(variable: &str, y: usize, x: usize) -> String {
    format!("{variable}[{y},{x}]")
}

/// The variable and cell of an input named by [`cell_name`], if it is one.
pub fn parse_cell_name(name: &str) -> Option<(&str, usize, usize)> {
    let (variable, rest) = name.split_once('[')?;
    let (y, x) = rest.strip_suffix(']')?.split_once(',')?;
    Some((variable, y.parse().ok()?, x.parse().ok()?))
}

/// Daily forcing on a grid of `ny` x `nx` cells over a contiguous run of days.
#[derive(Debug, Clone, PartialEq)]
pub struct GriddedForcing {
    /// The days, contiguous and increasing.
    pub dates: Vec<NaiveDate>,
    /// The variable names, in the order of `values`.
    pub variables: Vec<String>,
    /// The values, `[variable][(day * ny + y) * nx + x]` (row-major `[time][y][x]` per
    /// variable), in the files' units; NaN in cells outside the domain.
    pub values: Vec<Vec<f32>>,
    /// Number of rows of the grid (the second dimension of the variables, e.g. `yc`).
    pub ny: usize,
    /// Number of columns of the grid (the third dimension, e.g. `xc`).
    pub nx: usize,
    /// The cells inside the domain, `[y * nx + x]`: every variable has a value there on every
    /// day.
    pub valid: Vec<bool>,
}

impl GriddedForcing {
    /// The value of variable `variable` on day `day` (positions in `variables` and `dates`)
    /// in cell (`y`, `x`).
    pub fn value(&self, variable: usize, day: usize, y: usize, x: usize) -> f32 {
        self.values[variable][(day * self.ny + y) * self.nx + x]
    }

    /// The grid of variable `variable` on day `day`, `[y * nx + x]`.
    pub fn frame(&self, variable: usize, day: usize) -> &[f32] {
        let cells = self.ny * self.nx;
        &self.values[variable][day * cells..(day + 1) * cells]
    }

    /// Every cell of every variable as a daily series, `[variable * ny * nx + y * nx + x][day]`,
    /// named `variable[y,x]` (see [`cell_name`]): the inputs of a model that convolves over the
    /// grid. Cells outside the domain are 0 on every day (a constant, which normalises to 0).
    pub fn cell_series(&self) -> (Vec<String>, Vec<Vec<f32>>) {
        let cells = self.ny * self.nx;
        let mut names = Vec::with_capacity(self.variables.len() * cells);
        let mut series = Vec::with_capacity(self.variables.len() * cells);
        for (v, variable) in self.variables.iter().enumerate() {
            for y in 0..self.ny {
                for x in 0..self.nx {
                    names.push(cell_name(variable, y, x));
                    let inside = self.valid[y * self.nx + x];
                    series.push(
                        (0..self.dates.len())
                            .map(|day| {
                                if inside {
                                    self.value(v, day, y, x)
                                } else {
                                    0.0
                                }
                            })
                            .collect(),
                    );
                }
            }
        }
        (names, series)
    }

    /// The mean of each variable over the cells inside the domain, per day, `[variable][day]`
    /// (the inputs of a lumped model on the same forcing).
    pub fn basin_means(&self) -> Vec<Vec<f32>> {
        self.means_over(&self.valid)
    }

    /// The mean of each variable over the cells marked in `cells` (`[y * nx + x]`, e.g. the
    /// catchment mask of another grid such as mHM's `et.nc`), per day, `[variable][day]`.
    pub fn means_over(&self, cells: &[bool]) -> Vec<Vec<f32>> {
        (0..self.variables.len())
            .map(|v| {
                (0..self.dates.len())
                    .map(|day| mean_over(self.frame(v, day), cells))
                    .collect()
            })
            .collect()
    }
}

/// The mean of `frame` over the cells marked in `valid` (NaN if there is none).
pub(super) fn mean_over(frame: &[f32], valid: &[bool]) -> f32 {
    let (sum, count) = frame
        .iter()
        .zip(valid)
        .filter(|(_, &ok)| ok)
        .fold((0.0_f64, 0_usize), |(s, n), (&v, _)| {
            (s + f64::from(v), n + 1)
        });
    (sum / count as f64) as f32
}

/// Reads `variables` for every day of `period`, the forcing of `basin` (named in errors).
///
/// Each variable's time coordinate is decoded from its CF `units` and must be daily over the
/// period. Every variable must cover the period ([`DataError::PeriodOutsideRecord`]) and share
/// one grid and one domain. Cells missing on every day of the period (fill or missing values)
/// lie outside the domain: they are NaN and excluded from [`GriddedForcing::basin_means`]. A
/// cell missing on some days only is an error ([`DataError::MissingGridValue`]) naming the
/// file, variable, day and cell.
pub fn read_forcing(
    basin: &str,
    variables: &[GridVariable],
    period: DateRange,
) -> Result<GriddedForcing, DataError> {
    if period.days() == 0 {
        return Err(DataError::EmptyPeriod { period });
    }
    let mut forcing = GriddedForcing {
        dates: period.start.iter_days().take(period.days()).collect(),
        variables: Vec::new(),
        values: Vec::new(),
        ny: 0,
        nx: 0,
        valid: Vec::new(),
    };
    for (k, variable) in variables.iter().enumerate() {
        let grid = read_period(basin, variable, period)?;
        let valid = grid.domain()?;
        if k == 0 {
            (forcing.ny, forcing.nx, forcing.valid) = (grid.ny, grid.nx, valid);
        } else if (grid.ny, grid.nx) != (forcing.ny, forcing.nx) || valid != forcing.valid {
            return Err(grid::structure_error(
                &variable.path,
                format!(
                    "`{}` is on a {} x {} grid with {} cells inside the domain, unlike `{}` \
                     ({} x {}, {} cells)",
                    variable.name,
                    grid.ny,
                    grid.nx,
                    valid.iter().filter(|&&v| v).count(),
                    variables[0].name,
                    forcing.ny,
                    forcing.nx,
                    forcing.valid.iter().filter(|&&v| v).count(),
                ),
            ));
        }
        forcing.values.push(grid.to_f32());
        forcing.variables.push(variable.name.clone());
    }
    Ok(forcing)
}

/// The days of `period` of one variable, checked to be daily and complete.
fn read_period(basin: &str, variable: &GridVariable, period: DateRange) -> Result<Grid, DataError> {
    let path = &variable.path;
    let grid = Grid::read(path, &variable.name, |times| {
        let (Some(first), Some(last)) = (times.first(), times.last()) else {
            return Err(grid::structure_error(path, "the time axis is empty"));
        };
        let available = DateRange::new(first.date(), last.date());
        if !available.covers(&period) {
            return Err(DataError::PeriodOutsideRecord {
                basin: basin.to_string(),
                path: path.clone(),
                requested: period,
                available,
            });
        }
        let start = times.partition_point(|t| t.date() < period.start);
        let end = times.partition_point(|t| t.date() <= period.end);
        Ok(start..end)
    })?;
    grid::check_daily(&grid.times, path)?;
    if grid.times.len() != period.days() {
        return Err(grid::structure_error(
            path,
            format!(
                "{} time steps fall in {period}, which has {} days",
                grid.times.len(),
                period.days()
            ),
        ));
    }
    Ok(grid)
}
