//! Grouping basins by their attributes or by a learned catchment embedding, as in the analysis of
//! the EA-LSTM input-gate embedding: k-means clustering with k-means++ starts ([`kmeans`]), the
//! silhouette of a partition ([`silhouette`]), a sweep over the number of clusters reporting
//! inertia and mean and minimum silhouette ([`kmeans_sweep`]), the fractional reduction of the
//! variance of a hydrological signature by the clusters ([`variance_reduction`]), a principal
//! component projection for two-dimensional views ([`pca`]) and the z-scores of raw attribute
//! columns ([`standardise`]).
//!
//! Points are rows (`points[basin][feature]`), all of one length and finite; labels are cluster
//! numbers `0..k`, one per row. Distances are Euclidean.

pub mod kmeans;
pub mod pca;
pub mod silhouette;
pub mod standardise;
pub mod sweep;
pub mod variance;

pub use kmeans::{kmeans, kmeans_from, KMeans, MAX_ITERATIONS};
pub use pca::{pca, Pca};
pub use silhouette::{silhouette, Silhouette};
pub use standardise::{standardise, Standardised};
pub use sweep::{
    cluster_table, kmeans_partitions, kmeans_sweep, labels_table, silhouette_table, SweepPartition,
};
pub use variance::{
    cluster_variance_ratios, variance_reduction, variance_reduction_table, ClusterVariance,
};

/// Why a clustering analysis cannot be computed on the given points.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum ClusteringError {
    /// No points were given.
    #[error("there are no points to cluster")]
    NoPoints,
    /// A row has another number of features than the first one.
    #[error("point {row} has {found} features, the first point has {expected}")]
    RaggedPoints {
        /// The offending row.
        row: usize,
        /// Features of the first row.
        expected: usize,
        /// Features of this row.
        found: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("point {row} has a missing or infinite value in feature {feature}")]
    NonFinite {
        /// The offending row.
        row: usize,
        /// The offending column.
        feature: usize,
    },
    /// The number of clusters is zero or larger than the number of points.
    #[error("cannot form {k} clusters from {points} points")]
    BadClusterCount {
        /// Requested number of clusters.
        k: usize,
        /// Number of points.
        points: usize,
    },
    /// Labels and points (or values) differ in number.
    #[error("{labels} labels for {points} points")]
    LabelCount {
        /// Number of labels.
        labels: usize,
        /// Number of points or values.
        points: usize,
    },
    /// The silhouette needs at least two clusters and fewer clusters than points.
    #[error("the silhouette needs between 2 and {max} distinct clusters, found {found}")]
    SilhouetteClusters {
        /// Distinct labels found.
        found: usize,
        /// Largest allowed number (points - 1).
        max: usize,
    },
    /// More principal components were asked for than there are features.
    #[error("asked for {asked} principal components of {features} features")]
    BadComponentCount {
        /// Requested components.
        asked: usize,
        /// Features of the points.
        features: usize,
    },
    /// Every number of clusters of a sweep must be at least one.
    #[error("the numbers of clusters of a sweep must be at least 1")]
    EmptySweep,
    /// Names and rows differ in number.
    #[error("{names} names for {rows} rows")]
    NameCount {
        /// Number of names.
        names: usize,
        /// Number of rows.
        rows: usize,
    },
}

/// Checks that `points` is a non-empty matrix of finite numbers and returns its number of columns.
pub(crate) fn check_points(points: &[Vec<f64>]) -> Result<usize, ClusteringError> {
    let first = points.first().ok_or(ClusteringError::NoPoints)?;
    let dimension = first.len();
    for (row, point) in points.iter().enumerate() {
        if point.len() != dimension {
            return Err(ClusteringError::RaggedPoints {
                row,
                expected: dimension,
                found: point.len(),
            });
        }
        if let Some(feature) = point.iter().position(|x| !x.is_finite()) {
            return Err(ClusteringError::NonFinite { row, feature });
        }
    }
    Ok(dimension)
}

/// Squared Euclidean distance of two points of equal length.
pub(crate) fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}
