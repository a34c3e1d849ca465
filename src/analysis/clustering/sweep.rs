//! Choosing the number of clusters: k-means for every k of a range with the inertia and the mean
//! and minimum silhouette of each partition, and the basin-by-basin result for a chosen k.

use std::ops::RangeInclusive;

use super::{kmeans, silhouette, ClusteringError};
use crate::analysis::{Cell, Table};

/// One row per k of `ks`: `k`, `inertia` (squared feature units), `mean_silhouette` and
/// `min_silhouette` (minimum over the points; both missing where undefined: k = 1 or k = points).
///
/// Every k uses the same `seed` and `restarts`, so a row does not depend on the other ks.
/// Fails for an empty range, a k of 0 or above the number of points, or invalid points.
pub fn kmeans_sweep(
    points: &[Vec<f64>],
    ks: RangeInclusive<usize>,
    restarts: usize,
    seed: u64,
) -> Result<Table, ClusteringError> {
    if ks.is_empty() || *ks.start() == 0 {
        return Err(ClusteringError::EmptySweep);
    }
    let mut table = Table::new(&["k", "inertia", "mean_silhouette", "min_silhouette"]);
    for k in ks {
        let partition = kmeans(points, k, restarts, seed)?;
        let (mean, min) = match silhouette(points, &partition.labels) {
            Ok(s) => (Cell::number(s.mean), Cell::number(s.min)),
            Err(ClusteringError::SilhouetteClusters { .. }) => (Cell::Missing, Cell::Missing),
            Err(other) => return Err(other),
        };
        table.push(vec![
            Cell::from(k),
            Cell::number(partition.inertia),
            mean,
            min,
        ]);
    }
    Ok(table)
}

/// One row per point for `k` clusters: `basin` (from `names`), `cluster` (0-based) and
/// `silhouette` (missing where undefined).
pub fn cluster_table<S: AsRef<str>>(
    names: &[S],
    points: &[Vec<f64>],
    k: usize,
    restarts: usize,
    seed: u64,
) -> Result<Table, ClusteringError> {
    if names.len() != points.len() {
        return Err(ClusteringError::NameCount {
            names: names.len(),
            rows: points.len(),
        });
    }
    let partition = kmeans(points, k, restarts, seed)?;
    let silhouettes = match silhouette(points, &partition.labels) {
        Ok(s) => s.per_point.into_iter().map(Cell::number).collect(),
        Err(ClusteringError::SilhouetteClusters { .. }) => vec![Cell::Missing; points.len()],
        Err(other) => return Err(other),
    };
    let mut table = Table::new(&["basin", "cluster", "silhouette"]);
    for ((name, label), s) in names.iter().zip(&partition.labels).zip(silhouettes) {
        table.push(vec![Cell::from(name.as_ref()), Cell::from(*label), s]);
    }
    Ok(table)
}
