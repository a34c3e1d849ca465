//! Reading named columns of a [`DailyTable`] over a period: inputs complete, targets with gaps.

use super::super::error::DataError;
use super::super::period::DateRange;
use super::columns::find;
use super::DailyTable;

impl DailyTable {
    /// The columns `names` for every day of `period`, `[column][day]`, as inputs of `basin`.
    ///
    /// Errors if a name is not a column ([`DataError::UnknownColumn`], with a suggestion), if
    /// the rows do not cover the period ([`DataError::PeriodOutsideRecord`]), if a day of the
    /// period has no row ([`DataError::ForcingGap`]), if a value is missing
    /// ([`DataError::MissingInput`]) or is not a finite number ([`DataError::Malformed`]).
    pub fn inputs(
        &self,
        basin: &str,
        names: &[String],
        period: DateRange,
    ) -> Result<Vec<Vec<f32>>, DataError> {
        let indices = self.indices(names, period)?;
        let available = self.period();
        if !available.covers(&period) {
            return Err(DataError::PeriodOutsideRecord {
                basin: basin.to_string(),
                path: self.path.clone(),
                requested: period,
                available,
            });
        }
        let mut values = vec![Vec::with_capacity(period.days()); names.len()];
        let mut expected = period.start;
        for (row, &date) in self.rows.iter().zip(&self.dates) {
            if date < period.start {
                continue;
            }
            if date > period.end {
                break;
            }
            if date != expected {
                return Err(DataError::ForcingGap {
                    basin: basin.to_string(),
                    path: self.path.clone(),
                    missing: expected,
                    line: row.line,
                });
            }
            for (series, &i) in values.iter_mut().zip(&indices) {
                let cell = &row.cells[i];
                if self.is_missing(cell) {
                    return Err(DataError::MissingInput {
                        column: self.names[i].clone(),
                        value: cell.to_string(),
                        path: self.path.clone(),
                        line: row.line,
                    });
                }
                series.push(self.number(cell, i, row.line)?);
            }
            expected = date.succ_opt().unwrap_or(date);
        }
        Ok(values)
    }

    /// The columns `names` for every day of `period`, `[column][day]`, as targets: `NaN` on
    /// days whose value is missing or that have no row (the file may cover only part of the
    /// period).
    ///
    /// Errors if a name is not a column or a present value is not a finite number.
    pub fn targets(&self, names: &[String], period: DateRange) -> Result<Vec<Vec<f32>>, DataError> {
        let indices = self.indices(names, period)?;
        let mut values = vec![vec![f32::NAN; period.days()]; names.len()];
        for (row, &date) in self.rows.iter().zip(&self.dates) {
            if !period.contains(date) {
                continue;
            }
            let day = (date - period.start).num_days() as usize;
            for (series, &i) in values.iter_mut().zip(&indices) {
                let cell = &row.cells[i];
                if !self.is_missing(cell) {
                    series[day] = self.number(cell, i, row.line)?;
                }
            }
        }
        Ok(values)
    }

    /// The column positions of `names`, after checking that `period` is not empty.
    fn indices(&self, names: &[String], period: DateRange) -> Result<Vec<usize>, DataError> {
        if period.days() == 0 {
            return Err(DataError::EmptyPeriod { period });
        }
        names
            .iter()
            .map(|n| find(n, &self.names, &self.path))
            .collect()
    }

    /// Whether `cell` is one of the missing-value markers.
    fn is_missing(&self, cell: &str) -> bool {
        let number = cell.parse::<f64>().ok();
        self.missing
            .iter()
            .any(|marker| match (number, marker.parse::<f64>()) {
                (Some(a), Ok(b)) if a.is_finite() && b.is_finite() => a == b,
                _ => cell.eq_ignore_ascii_case(marker),
            })
    }

    /// The finite number in `cell` of column `column` on line `line`.
    fn number(&self, cell: &str, column: usize, line: usize) -> Result<f32, DataError> {
        match cell.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(DataError::malformed(
                &self.path,
                line,
                format!("`{cell}` is not a number in column {}", self.names[column]),
                "values must be decimal numbers or one of the missing-value markers",
            )),
        }
    }
}
