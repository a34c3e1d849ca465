//! Choosing the number of clusters: k-means for every k of a list with the inertia and the mean
//! and minimum silhouette of each partition, and the basin-by-basin clusters of every k (or of one
//! chosen k).

use std::ops::RangeInclusive;

use super::{kmeans, silhouette, ClusteringError, KMeans, Silhouette};
use crate::analysis::{Cell, Table};

/// The k-means partition of one k of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPartition {
    /// The number of clusters.
    pub k: usize,
    /// The best partition of the restarts.
    pub partition: KMeans,
    /// Its silhouettes (`None` where undefined: k = 1 or k = points).
    pub silhouette: Option<Silhouette>,
}

/// k-means (`restarts` k-means++ starts from `seed`) for every k of `ks`, in the given order.
///
/// Every k uses the same `seed` and `restarts`, so a partition does not depend on the other ks.
/// Fails for an empty list, a k of 0 or above the number of points, or invalid points.
pub fn kmeans_partitions(
    points: &[Vec<f64>],
    ks: &[usize],
    restarts: usize,
    seed: u64,
) -> Result<Vec<SweepPartition>, ClusteringError> {
    if ks.is_empty() || ks.contains(&0) {
        return Err(ClusteringError::EmptySweep);
    }
    ks.iter()
        .map(|&k| {
            let partition = kmeans(points, k, restarts, seed)?;
            let silhouette = match silhouette(points, &partition.labels) {
                Ok(s) => Some(s),
                Err(ClusteringError::SilhouetteClusters { .. }) => None,
                Err(other) => return Err(other),
            };
            Ok(SweepPartition {
                k,
                partition,
                silhouette,
            })
        })
        .collect()
}

/// One row per partition: `k`, `inertia` (squared feature units), `mean_silhouette` and
/// `min_silhouette` (minimum over the points; both missing where undefined).
pub fn silhouette_table(partitions: &[SweepPartition]) -> Table {
    let mut table = Table::new(&["k", "inertia", "mean_silhouette", "min_silhouette"]);
    for p in partitions {
        let (mean, min) = p
            .silhouette
            .as_ref()
            .map_or((Cell::Missing, Cell::Missing), |s| {
                (Cell::number(s.mean), Cell::number(s.min))
            });
        table.push(vec![
            Cell::from(p.k),
            Cell::number(p.partition.inertia),
            mean,
            min,
        ]);
    }
    table
}

/// One row per partition and point, partitions first: `basin` (from `names`), `k` and `cluster`
/// (0-based).
pub fn labels_table<S: AsRef<str>>(
    names: &[S],
    partitions: &[SweepPartition],
) -> Result<Table, ClusteringError> {
    let mut table = Table::new(&["basin", "k", "cluster"]);
    for p in partitions {
        if names.len() != p.partition.labels.len() {
            return Err(ClusteringError::NameCount {
                names: names.len(),
                rows: p.partition.labels.len(),
            });
        }
        for (name, &label) in names.iter().zip(&p.partition.labels) {
            table.push(vec![
                Cell::from(name.as_ref()),
                Cell::from(p.k),
                Cell::from(label),
            ]);
        }
    }
    Ok(table)
}

/// The [`silhouette_table`] of k-means for every k of `ks`.
///
/// Fails for an empty range, a k of 0 or above the number of points, or invalid points.
pub fn kmeans_sweep(
    points: &[Vec<f64>],
    ks: RangeInclusive<usize>,
    restarts: usize,
    seed: u64,
) -> Result<Table, ClusteringError> {
    let ks: Vec<usize> = ks.collect();
    Ok(silhouette_table(&kmeans_partitions(
        points, &ks, restarts, seed,
    )?))
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
