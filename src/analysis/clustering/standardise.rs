//! Z-scores of raw attribute columns, so that attributes in different units (mm/day, m, km², -)
//! weigh alike in Euclidean distances.
//!
//! Each column is centred on its mean and divided by its sample standard deviation (divided by
//! `n - 1`, as the catchment attributes are normalised for the EA-LSTM). NaN values are skipped in
//! the statistics and stay NaN; a constant column becomes all zeros.

use super::ClusteringError;

/// Standardised columns and the statistics used.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardised {
    /// The z-scores, in the layout of the input (`values[row][column]`).
    pub values: Vec<Vec<f64>>,
    /// Mean of every column (NaN for a column without values).
    pub means: Vec<f64>,
    /// Sample standard deviation of every column (NaN below two values).
    pub stds: Vec<f64>,
}

/// The z-scores of every column of `rows`.
///
/// Fails for no rows or rows of different lengths.
pub fn standardise(rows: &[Vec<f64>]) -> Result<Standardised, ClusteringError> {
    let first = rows.first().ok_or(ClusteringError::NoPoints)?;
    let width = first.len();
    if let Some(row) = rows.iter().position(|r| r.len() != width) {
        return Err(ClusteringError::RaggedPoints {
            row,
            expected: width,
            found: rows[row].len(),
        });
    }
    let mut means = Vec::with_capacity(width);
    let mut stds = Vec::with_capacity(width);
    for j in 0..width {
        let column: Vec<f64> = rows.iter().map(|r| r[j]).filter(|x| !x.is_nan()).collect();
        let n = column.len();
        let mean = column.iter().sum::<f64>() / n as f64;
        let std = if n < 2 {
            f64::NAN
        } else {
            (column.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
        };
        means.push(mean);
        stds.push(std);
    }
    let values = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(means.iter().zip(&stds))
                .map(|(&x, (&mean, &std))| {
                    if x.is_nan() {
                        f64::NAN
                    } else if std > 0.0 {
                        (x - mean) / std
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    Ok(Standardised {
        values,
        means,
        stds,
    })
}
