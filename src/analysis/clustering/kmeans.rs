//! k-means clustering (Lloyd's algorithm) with greedy k-means++ starts.
//!
//! Each restart draws k-means++ centroids from one ChaCha stream seeded by the caller, so a seed
//! gives the same partition on every machine; the restart with the smallest inertia (sum of squared
//! distances of the points to their centroids) is kept. Lloyd iterations alternate assigning every
//! point to its nearest centroid and moving every centroid to the mean of its points until no label
//! changes (or [`MAX_ITERATIONS`]). A cluster left empty takes the point farthest from its centroid,
//! as scikit-learn does.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{check_points, squared_distance, ClusteringError};

/// Most assignment passes of one restart (scikit-learn's default `max_iter`).
pub const MAX_ITERATIONS: usize = 300;

/// A k-means partition.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeans {
    /// The cluster (`0..k`) of every point.
    pub labels: Vec<usize>,
    /// The mean of every cluster's points, `k` rows of the points' length.
    pub centroids: Vec<Vec<f64>>,
    /// Sum over the points of the squared distance to their centroid.
    pub inertia: f64,
    /// Assignment passes of the kept restart, the first one from the initial centroids included
    /// (scikit-learn's `n_iter_`).
    pub iterations: usize,
}

/// The best of `restarts` (at least one) k-means runs with k-means++ starts drawn from `seed`.
pub fn kmeans(
    points: &[Vec<f64>],
    k: usize,
    restarts: usize,
    seed: u64,
) -> Result<KMeans, ClusteringError> {
    check_points(points)?;
    check_cluster_count(k, points.len())?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut best: Option<KMeans> = None;
    for _ in 0..restarts.max(1) {
        let run = lloyd(points, kmeans_plus_plus(points, k, &mut rng));
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    Ok(best.expect("at least one restart"))
}

/// Lloyd iterations from the given initial centroids (one run, no restarts).
pub fn kmeans_from(
    points: &[Vec<f64>],
    initial_centroids: &[Vec<f64>],
) -> Result<KMeans, ClusteringError> {
    let dimension = check_points(points)?;
    check_cluster_count(initial_centroids.len(), points.len())?;
    let centroids = initial_centroids.to_vec();
    let centroid_dimension = check_points(&centroids)?;
    if centroid_dimension != dimension {
        return Err(ClusteringError::RaggedPoints {
            row: 0,
            expected: dimension,
            found: centroid_dimension,
        });
    }
    Ok(lloyd(points, centroids))
}

fn check_cluster_count(k: usize, points: usize) -> Result<(), ClusteringError> {
    if k == 0 || k > points {
        return Err(ClusteringError::BadClusterCount { k, points });
    }
    Ok(())
}

/// Greedy k-means++: the first centroid is a uniformly drawn point; each further one is the best,
/// by the resulting inertia, of `2 + ln k` candidates drawn with probability proportional to the
/// squared distance to the nearest centroid chosen so far.
fn kmeans_plus_plus(points: &[Vec<f64>], k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let n = points.len();
    let trials = 2 + (k as f64).ln().floor() as usize;
    let first = rng.random_range(0..n);
    let mut centroids = vec![points[first].clone()];
    let mut nearest: Vec<f64> = points
        .iter()
        .map(|p| squared_distance(p, &points[first]))
        .collect();
    while centroids.len() < k {
        let mut cumulative = Vec::with_capacity(n);
        let mut running = 0.0;
        for d in &nearest {
            running += d;
            cumulative.push(running);
        }
        let potential = running;
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let target = rng.random::<f64>() * potential;
            let candidate = cumulative.partition_point(|&c| c <= target).min(n - 1);
            let distances: Vec<f64> = points
                .iter()
                .zip(&nearest)
                .map(|(p, &d)| d.min(squared_distance(p, &points[candidate])))
                .collect();
            let candidate_potential: f64 = distances.iter().sum();
            if best.as_ref().is_none_or(|b| candidate_potential < b.0) {
                best = Some((candidate_potential, candidate, distances));
            }
        }
        let (_, chosen, distances) = best.expect("at least two trials");
        centroids.push(points[chosen].clone());
        nearest = distances;
    }
    centroids
}

/// Nearest centroid of every point (the first on ties) and its squared distance.
fn assign(points: &[Vec<f64>], centroids: &[Vec<f64>]) -> (Vec<usize>, Vec<f64>) {
    points
        .iter()
        .map(|p| {
            centroids
                .iter()
                .enumerate()
                .map(|(c, centroid)| (c, squared_distance(p, centroid)))
                .fold((0, f64::INFINITY), |best, candidate| {
                    if candidate.1 < best.1 {
                        candidate
                    } else {
                        best
                    }
                })
        })
        .unzip()
}

/// Centroids as the means of their points; an empty cluster takes the point farthest from its own
/// centroid (the farthest first, one point per empty cluster), which leaves its old cluster.
fn update(
    points: &[Vec<f64>],
    labels: &[usize],
    distances: &[f64],
    previous: &[Vec<f64>],
) -> Vec<Vec<f64>> {
    let k = previous.len();
    let dimension = previous[0].len();
    let mut sums = vec![vec![0.0; dimension]; k];
    let mut counts = vec![0usize; k];
    for (point, &label) in points.iter().zip(labels) {
        counts[label] += 1;
        for (s, x) in sums[label].iter_mut().zip(point) {
            *s += x;
        }
    }
    let empty: Vec<usize> = (0..k).filter(|&c| counts[c] == 0).collect();
    if !empty.is_empty() {
        let mut farthest: Vec<usize> = (0..points.len()).collect();
        farthest.sort_by(|&a, &b| distances[b].total_cmp(&distances[a]));
        for (&cluster, &point) in empty.iter().zip(&farthest) {
            let old = labels[point];
            counts[old] -= 1;
            for (s, x) in sums[old].iter_mut().zip(&points[point]) {
                *s -= x;
            }
            sums[cluster] = points[point].clone();
            counts[cluster] = 1;
        }
    }
    sums.into_iter()
        .zip(counts)
        .zip(previous)
        .map(|((sum, count), old)| {
            if count == 0 {
                old.clone()
            } else {
                sum.into_iter().map(|s| s / count as f64).collect()
            }
        })
        .collect()
}

/// Lloyd iterations until no label changes.
fn lloyd(points: &[Vec<f64>], mut centroids: Vec<Vec<f64>>) -> KMeans {
    let (mut labels, mut distances) = assign(points, &centroids);
    let mut iterations = 1;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        centroids = update(points, &labels, &distances, &centroids);
        let (new_labels, new_distances) = assign(points, &centroids);
        let converged = new_labels == labels;
        labels = new_labels;
        distances = new_distances;
        if converged {
            break;
        }
    }
    KMeans {
        labels,
        centroids,
        inertia: distances.iter().sum(),
        iterations,
    }
}
