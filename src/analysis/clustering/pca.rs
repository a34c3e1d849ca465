//! Principal component analysis for two-dimensional views of basin attributes or embeddings.
//!
//! The points are centred, their sample covariance (divided by `n - 1`) is decomposed by cyclic
//! Jacobi rotations into eigenvalues (the explained variances) and orthonormal eigenvectors (the
//! components), sorted by decreasing variance. Each component's sign is fixed so that its largest
//! loading in absolute value is positive (the rule scikit-learn applies to `components_`).
//! The projections are the centred points times the components.

use super::{check_points, ClusteringError};
use crate::analysis::{Cell, Table};

/// Jacobi sweeps before giving up on the off-diagonal mass reaching rounding level.
const MAX_SWEEPS: usize = 100;

/// A principal component decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// The points in component coordinates: one row per point, one column per component.
    pub projected: Vec<Vec<f64>>,
    /// Each component's share of the total variance.
    pub explained_variance_ratio: Vec<f64>,
    /// Each component's variance (covariance eigenvalue, in squared feature units).
    pub explained_variance: Vec<f64>,
    /// The components: one unit row of loadings per component, in feature order.
    pub components: Vec<Vec<f64>>,
    /// The feature means that were subtracted.
    pub mean: Vec<f64>,
}

/// The first `components` principal components of `points`.
///
/// Fails for no points, ragged or non-finite rows, or more components than features.
pub fn pca(points: &[Vec<f64>], components: usize) -> Result<Pca, ClusteringError> {
    let dimension = check_points(points)?;
    if components > dimension {
        return Err(ClusteringError::BadComponentCount {
            asked: components,
            features: dimension,
        });
    }
    let n = points.len();
    let mean: Vec<f64> = (0..dimension)
        .map(|j| points.iter().map(|p| p[j]).sum::<f64>() / n as f64)
        .collect();
    let centred: Vec<Vec<f64>> = points
        .iter()
        .map(|p| p.iter().zip(&mean).map(|(x, m)| x - m).collect())
        .collect();
    let denominator = (n.max(2) - 1) as f64;
    let mut upper = vec![vec![0.0; dimension]; dimension];
    for row in &centred {
        for (a, xa) in row.iter().enumerate() {
            for (sum, xb) in upper[a][a..].iter_mut().zip(&row[a..]) {
                *sum += xa * xb;
            }
        }
    }
    let covariance: Vec<Vec<f64>> = (0..dimension)
        .map(|a| {
            (0..dimension)
                .map(|b| upper[a.min(b)][a.max(b)] / denominator)
                .collect()
        })
        .collect();
    let (eigenvalues, eigenvectors) = jacobi_eigen(covariance);
    let mut order: Vec<usize> = (0..dimension).collect();
    order.sort_by(|&a, &b| eigenvalues[b].total_cmp(&eigenvalues[a]));
    let total: f64 = eigenvalues.iter().map(|v| v.max(0.0)).sum();
    let chosen: Vec<usize> = order.into_iter().take(components).collect();
    let components: Vec<Vec<f64>> = chosen
        .iter()
        .map(|&c| {
            let mut vector: Vec<f64> = (0..dimension).map(|j| eigenvectors[j][c]).collect();
            let largest =
                vector
                    .iter()
                    .copied()
                    .fold(0.0_f64, |m, x| if x.abs() > m.abs() { x } else { m });
            if largest < 0.0 {
                vector.iter_mut().for_each(|x| *x = -*x);
            }
            vector
        })
        .collect();
    let explained_variance: Vec<f64> = chosen.iter().map(|&c| eigenvalues[c].max(0.0)).collect();
    let explained_variance_ratio = explained_variance
        .iter()
        .map(|v| if total > 0.0 { v / total } else { 0.0 })
        .collect();
    let projected = centred
        .iter()
        .map(|row| {
            components
                .iter()
                .map(|c| row.iter().zip(c).map(|(x, l)| x * l).sum())
                .collect()
        })
        .collect();
    Ok(Pca {
        projected,
        explained_variance_ratio,
        explained_variance,
        components,
        mean,
    })
}

impl Pca {
    /// One row per point: `basin` (from `names`) and `pc1`, `pc2`, ... (feature units).
    pub fn projection_table<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, ClusteringError> {
        if names.len() != self.projected.len() {
            return Err(ClusteringError::NameCount {
                names: names.len(),
                rows: self.projected.len(),
            });
        }
        let mut columns = vec!["basin".to_string()];
        columns.extend((1..=self.components.len()).map(|c| format!("pc{c}")));
        let mut table = Table::new(&columns);
        for (name, row) in names.iter().zip(&self.projected) {
            let mut cells = vec![Cell::from(name.as_ref())];
            cells.extend(row.iter().map(|&x| Cell::number(x)));
            table.push(cells);
        }
        Ok(table)
    }

    /// One row per component: `component` (1, 2, ...), `explained_variance`,
    /// `explained_variance_ratio`.
    pub fn variance_table(&self) -> Table {
        let mut table = Table::new(&[
            "component",
            "explained_variance",
            "explained_variance_ratio",
        ]);
        for (c, (variance, ratio)) in self
            .explained_variance
            .iter()
            .zip(&self.explained_variance_ratio)
            .enumerate()
        {
            table.push(vec![
                Cell::from(c + 1),
                Cell::number(*variance),
                Cell::number(*ratio),
            ]);
        }
        table
    }
}

/// Eigenvalues and eigenvectors (as the columns of the returned matrix) of a symmetric matrix by
/// cyclic Jacobi rotations.
fn jacobi_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let scale: f64 = a.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum::<f64>()
            .sqrt();
        if off <= f64::EPSILON * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in (p + 1)..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (head, tail) = a.split_at_mut(q);
                for (apk, aqk) in head[p].iter_mut().zip(tail[0].iter_mut()) {
                    let (x, y) = (*apk, *aqk);
                    *apk = c * x - s * y;
                    *aqk = s * x + c * y;
                }
                for row in v.iter_mut() {
                    let vkp = row[p];
                    let vkq = row[q];
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}
