//! The silhouette of a partition (Rousseeuw 1987) with Euclidean distances.
//!
//! For point `i` in cluster `A`, `a(i)` is its mean distance to the other points of `A` and `b(i)`
//! the smallest mean distance to the points of another cluster; its silhouette is
//! `(b - a) / max(a, b)`, in `[-1, 1]`, and 0 for the only point of a cluster (scikit-learn's
//! convention). The EA-LSTM embedding analysis reports, per number of clusters, the mean and the
//! minimum of the per-point silhouettes (`np.mean` and `np.min` of `silhouette_samples` in the
//! paper's code), which are [`Silhouette::mean`] and [`Silhouette::min`].

use super::{check_points, ClusteringError};

/// Silhouettes of one partition.
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    /// The silhouette of every point.
    pub per_point: Vec<f64>,
    /// Mean over the points (scikit-learn's `silhouette_score`).
    pub mean: f64,
    /// Minimum over the points.
    pub min: f64,
    /// `(label, mean silhouette of its points)` for every label present, in increasing label order.
    pub cluster_means: Vec<(usize, f64)>,
}

/// The silhouettes of the partition `labels` of `points`.
///
/// Fails unless there are as many labels as points and between 2 and `points - 1` distinct labels.
pub fn silhouette(points: &[Vec<f64>], labels: &[usize]) -> Result<Silhouette, ClusteringError> {
    check_points(points)?;
    let n = points.len();
    if labels.len() != n {
        return Err(ClusteringError::LabelCount {
            labels: labels.len(),
            points: n,
        });
    }
    let slots = labels.iter().max().map_or(0, |m| m + 1);
    let mut sizes = vec![0usize; slots];
    for &label in labels {
        sizes[label] += 1;
    }
    let present = sizes.iter().filter(|&&s| s > 0).count();
    if present < 2 || present >= n {
        return Err(ClusteringError::SilhouetteClusters {
            found: present,
            max: n.saturating_sub(1),
        });
    }
    // distance_sums[i][c]: sum of the distances of point i to the points of cluster c.
    let mut distance_sums = vec![vec![0.0; slots]; n];
    for i in 0..n {
        for j in (i + 1)..n {
            let d = super::squared_distance(&points[i], &points[j]).sqrt();
            distance_sums[i][labels[j]] += d;
            distance_sums[j][labels[i]] += d;
        }
    }
    let per_point: Vec<f64> = (0..n)
        .map(|i| {
            let own = labels[i];
            if sizes[own] == 1 {
                return 0.0;
            }
            let a = distance_sums[i][own] / (sizes[own] - 1) as f64;
            let b = (0..slots)
                .filter(|&c| c != own && sizes[c] > 0)
                .map(|c| distance_sums[i][c] / sizes[c] as f64)
                .fold(f64::INFINITY, f64::min);
            let scale = a.max(b);
            if scale > 0.0 {
                (b - a) / scale
            } else {
                0.0
            }
        })
        .collect();
    let mean = per_point.iter().sum::<f64>() / n as f64;
    let min = per_point.iter().copied().fold(f64::INFINITY, f64::min);
    let cluster_means = (0..slots)
        .filter(|&c| sizes[c] > 0)
        .map(|c| {
            let sum: f64 = per_point
                .iter()
                .zip(labels)
                .filter(|(_, &l)| l == c)
                .map(|(s, _)| s)
                .sum();
            (c, sum / sizes[c] as f64)
        })
        .collect();
    Ok(Silhouette {
        per_point,
        mean,
        min,
        cluster_means,
    })
}
