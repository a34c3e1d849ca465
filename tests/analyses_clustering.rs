//! `kmeans`, `pca` and `variance_reduction` through the language on the static attributes of the
//! 19 CAMELS-US basins with NLDAS forcings, checked against computations redone here from the
//! written attribute table, and on attributes with missing values (skipped basins, errors).

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;
use hydro::evaluation::{run, RunOptions};

/// The 19 NLDAS basins with their 27 attributes (no training: only the attributes are read).
const DATA: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = basin_file("basins_nldas19.txt")
    train    = 2003-10-01..2004-09-30
    test     = 2004-10-01..2005-09-30
    lookback = 30
}
let attrs = attributes(camels)
"#;

/// A tiny LSTM on five of the basins, tested on a year before 06221400 has flow records, so that
/// its metrics are missing.
const SCORES: &str = r#"
data few = camels_us_nldas {
    basins   = ["01013500", "01022500", "01333000", "02046000", "06221400"]
    train    = 2003-10-01..2004-09-30
    test     = 2000-10-01..2001-09-30
    lookback = 30
}
model net = lstm { hidden = 4 }
train tiny = net on few { loss = mse, epochs = 1, batch = 64, seed = 1 }
let scores = evaluate(tiny, metrics = [nse, kge])
"#;

/// Rows of a CSV file as basin -> numbers of every other column (NaN for empty cells).
fn by_basin(path: &Path) -> (Vec<String>, Vec<(String, Vec<f64>)>) {
    let (header, rows) = read_csv(path);
    assert_eq!(header[0], "basin");
    let rows = rows
        .into_iter()
        .map(|r| {
            let values = r[1..]
                .iter()
                .map(|c| c.parse().unwrap_or(f64::NAN))
                .collect();
            (r[0].clone(), values)
        })
        .collect();
    (header[1..].to_vec(), rows)
}

/// Column z-scores with the sample standard deviation.
fn zscores(points: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = points.len() as f64;
    let width = points[0].len();
    let mean: Vec<f64> = (0..width)
        .map(|j| points.iter().map(|p| p[j]).sum::<f64>() / n)
        .collect();
    let std: Vec<f64> = (0..width)
        .map(|j| (points.iter().map(|p| (p[j] - mean[j]).powi(2)).sum::<f64>() / (n - 1.0)).sqrt())
        .collect();
    points
        .iter()
        .map(|p| (0..width).map(|j| (p[j] - mean[j]) / std[j]).collect())
        .collect()
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// Per cluster, the mean of its points.
fn centroids(points: &[Vec<f64>], labels: &[usize], k: usize) -> Vec<Vec<f64>> {
    (0..k)
        .map(|c| {
            let members: Vec<&Vec<f64>> = points
                .iter()
                .zip(labels)
                .filter(|(_, &l)| l == c)
                .map(|(p, _)| p)
                .collect();
            (0..points[0].len())
                .map(|j| members.iter().map(|p| p[j]).sum::<f64>() / members.len() as f64)
                .collect()
        })
        .collect()
}

/// Rousseeuw's silhouette of every point, straight from the definition.
fn silhouettes(points: &[Vec<f64>], labels: &[usize]) -> Vec<f64> {
    let mean_distance = |i: usize, c: usize| {
        let others: Vec<f64> = (0..points.len())
            .filter(|&j| j != i && labels[j] == c)
            .map(|j| distance(&points[i], &points[j]))
            .collect();
        others.iter().sum::<f64>() / others.len() as f64
    };
    let k = labels.iter().max().unwrap() + 1;
    (0..points.len())
        .map(|i| {
            if labels.iter().filter(|&&l| l == labels[i]).count() == 1 {
                return 0.0;
            }
            let a = mean_distance(i, labels[i]);
            let b = (0..k)
                .filter(|&c| c != labels[i])
                .map(|c| mean_distance(i, c))
                .fold(f64::INFINITY, f64::min);
            (b - a) / a.max(b)
        })
        .collect()
}

/// 1 - within-cluster over total sum of squares, NaN values left out.
fn reduction(values: &[f64], labels: &[usize]) -> f64 {
    let sum_of_squares = |xs: &[f64]| {
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>()
    };
    let pairs: Vec<(f64, usize)> = values
        .iter()
        .zip(labels)
        .filter(|(v, _)| !v.is_nan())
        .map(|(v, l)| (*v, *l))
        .collect();
    let all: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let within: f64 = (0..=*labels.iter().max().unwrap())
        .map(|c| {
            let group: Vec<f64> = pairs.iter().filter(|p| p.1 == c).map(|p| p.0).collect();
            if group.is_empty() {
                0.0
            } else {
                sum_of_squares(&group)
            }
        })
        .sum();
    1.0 - within / sum_of_squares(&all)
}

/// The labels of one k from a written labels table, by basin.
fn labels_of(path: &Path, k: usize) -> HashMap<String, usize> {
    let (header, rows) = read_csv(path);
    assert_eq!(header, ["basin", "k", "cluster"]);
    rows.iter()
        .filter(|r| r[1] == k.to_string())
        .map(|r| (r[0].clone(), r[2].parse().unwrap()))
        .collect()
}

#[test]
fn kmeans_pca_and_variance_reduction_of_camels_attributes_agree_with_recomputations() {
    let script = format!(
        r#"{DATA}
write attrs -> "attributes.csv"
let clusters = kmeans(attrs, k = 2..4, restarts = 5, seed = 1)
write clusters -> "silhouette.csv"
write clusters.labels -> "labels.csv"
let projection = pca(attrs, components = 3, standardize = yes)
write projection -> "projection.csv"
write projection.variance -> "variance.csv"
write variance_reduction(attrs, clusters.labels, k = 3) -> "reduction.csv"
"#
    );
    let dir = run_in(&scratch("clustering-attributes"), &script);
    let (names, rows) = by_basin(&dir.join("attributes.csv"));
    assert_eq!((rows.len(), names.len()), (19, 27));
    let basins: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let raw: Vec<Vec<f64>> = rows.iter().map(|r| r.1.clone()).collect();
    let z = zscores(&raw);

    // Silhouette table: one row per k, inertia and silhouettes of the written labels.
    let (header, table) = read_csv(dir.join("silhouette.csv"));
    assert_eq!(
        header,
        ["k", "inertia", "mean_silhouette", "min_silhouette"]
    );
    assert_eq!(table.len(), 3);
    let inertia = csv_column(dir.join("silhouette.csv"), "inertia");
    let means = csv_column(dir.join("silhouette.csv"), "mean_silhouette");
    let mins = csv_column(dir.join("silhouette.csv"), "min_silhouette");
    for (row, k) in (2..=4).enumerate() {
        assert_eq!(table[row][0], k.to_string());
        let by_basin = labels_of(&dir.join("labels.csv"), k);
        assert_eq!(by_basin.len(), 19);
        let labels: Vec<usize> = basins.iter().map(|b| by_basin[b]).collect();
        assert!((0..k).all(|c| labels.contains(&c)), "k = {k}: {labels:?}");
        let centres = centroids(&z, &labels, k);
        let sum: f64 = z
            .iter()
            .zip(&labels)
            .map(|(p, &l)| distance(p, &centres[l]).powi(2))
            .sum();
        assert!((inertia[row] - sum).abs() < 1e-9 * sum, "k = {k}");
        // Lloyd's fixed point: every basin is nearest to its own cluster's mean.
        for (p, &l) in z.iter().zip(&labels) {
            let own = distance(p, &centres[l]);
            assert!(centres.iter().all(|c| own <= distance(p, c) + 1e-12));
        }
        let s = silhouettes(&z, &labels);
        let mean = s.iter().sum::<f64>() / s.len() as f64;
        let min = s.iter().copied().fold(f64::INFINITY, f64::min);
        assert!((means[row] - mean).abs() < 1e-12, "k = {k}");
        assert!((mins[row] - min).abs() < 1e-12, "k = {k}");
    }
    // More clusters of the best of several restarts never raise the inertia here.
    assert!(inertia.windows(2).all(|w| w[1] <= w[0]), "{inertia:?}");

    // PCA of the z-scored attributes. Reference: scikit-learn on the CAMELS text files,
    // `PCA(3).fit((X - X.mean(0)) / X.std(0, ddof=1))` with X the 27 attributes of the 19
    // basins: explained_variance_ratio_ = [0.39855867, 0.15879228, 0.11475715],
    // explained_variance_ = [10.76108414, 4.2873916, 3.09844298].
    let ratio = csv_column(dir.join("variance.csv"), "explained_variance_ratio");
    let variance = csv_column(dir.join("variance.csv"), "explained_variance");
    for (got, expected) in ratio.iter().zip([0.39855867, 0.15879228, 0.11475715]) {
        assert!((got - expected).abs() < 1e-7, "{ratio:?}");
    }
    for (got, expected) in variance.iter().zip([10.76108414, 4.2873916, 3.09844298]) {
        assert!((got - expected).abs() < 1e-6, "{variance:?}");
    }
    // The projections are the basins' coordinates: sample variance = explained variance,
    // uncorrelated, centred.
    let (pcs, projected) = by_basin(&dir.join("projection.csv"));
    assert_eq!(pcs, ["pc1", "pc2", "pc3"]);
    assert_eq!(
        projected.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        basins
    );
    let column = |c: usize| -> Vec<f64> { projected.iter().map(|r| r.1[c]).collect() };
    for (a, explained) in variance.iter().enumerate() {
        let xa = column(a);
        assert!(xa.iter().sum::<f64>().abs() < 1e-9);
        let var = xa.iter().map(|x| x * x).sum::<f64>() / 18.0;
        assert!((var - explained).abs() < 1e-9, "pc{}", a + 1);
        for b in (a + 1)..3 {
            let cross: f64 = xa.iter().zip(column(b)).map(|(x, y)| x * y).sum();
            assert!(cross.abs() < 1e-9, "pc{} and pc{}", a + 1, b + 1);
        }
    }

    // Variance reduction of every raw attribute by the 3 clusters, recomputed by hand.
    let by_basin3 = labels_of(&dir.join("labels.csv"), 3);
    let labels3: Vec<usize> = basins.iter().map(|b| by_basin3[b]).collect();
    let (header, table) = read_csv(dir.join("reduction.csv"));
    assert_eq!(
        header,
        [
            "variable",
            "basins",
            "variance_reduction",
            "variance_ratio_cluster_0",
            "variance_ratio_cluster_1",
            "variance_ratio_cluster_2"
        ]
    );
    assert_eq!(
        table.iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        names
    );
    let reductions = csv_column(dir.join("reduction.csv"), "variance_reduction");
    for (j, got) in reductions.iter().enumerate() {
        let values: Vec<f64> = raw.iter().map(|r| r[j]).collect();
        let expected = reduction(&values, &labels3);
        assert!((got - expected).abs() < 1e-12, "{}", names[j]);
        assert_eq!(table[j][1], "19");
    }
}

#[test]
fn basins_with_missing_values_are_skipped_with_a_note_and_bad_calls_are_errors() {
    let script = format!(
        r#"{DATA}{SCORES}
write scores -> "scores.csv"
let score_clusters = kmeans(scores, k = [3, 2], seed = 2)
write score_clusters.labels -> "score_labels.csv"
write pca(scores) -> "score_projection.csv"
let clusters = kmeans(attrs, k = 2..3)
write clusters.labels -> "labels.csv"
write variance_reduction(scores, clusters.labels, k = 2) -> "reduction.csv"
write variance_reduction(attrs, score_clusters.labels, k = 2) -> "partial.csv"
"#
    );
    let dir = run_in(&scratch("clustering-gaps"), &script);
    let log = read(dir.join("log.txt"));
    assert!(
        log.contains(
            "kmeans(tiny): skipped 1 of 5 basins with missing values: 06221400 (nse, kge)"
        ),
        "{log}"
    );
    assert!(log.contains("pca(tiny): skipped 1 of 5 basins"), "{log}");
    for k in [2, 3] {
        let labels = labels_of(&dir.join("score_labels.csv"), k);
        assert_eq!(labels.len(), 4);
        assert!(!labels.contains_key("06221400"));
    }
    assert_eq!(read_csv(dir.join("score_projection.csv")).1.len(), 4);

    // The 5 basins are clustered by their attributes; each metric uses the basins it has.
    assert!(
        log.contains(
            "variance_reduction(tiny): missing values left out of their column only: nse (1), kge (1)"
        ),
        "{log}"
    );
    let labels = labels_of(&dir.join("labels.csv"), 2);
    let (names, rows) = by_basin(&dir.join("scores.csv"));
    assert_eq!(names, ["nse", "kge"]);
    let assigned: Vec<usize> = rows.iter().map(|r| labels[&r.0]).collect();
    assert_eq!(csv_column(dir.join("reduction.csv"), "basins"), [4.0, 4.0]);
    let reductions = csv_column(dir.join("reduction.csv"), "variance_reduction");
    for (j, got) in reductions.iter().enumerate() {
        let values: Vec<f64> = rows.iter().map(|r| r.1[j]).collect();
        assert_eq!(values.iter().filter(|v| v.is_nan()).count(), 1);
        assert!(
            (got - reduction(&values, &assigned)).abs() < 1e-12,
            "{}",
            names[j]
        );
    }
    // Clusters of 4 basins, attributes of 19: the 15 without a cluster are left out.
    assert!(
        log.contains("variance_reduction(camels): skipped 15 of 19 basins without a cluster"),
        "{log}"
    );
    assert!(csv_column(dir.join("partial.csv"), "basins")
        .iter()
        .all(|&n| n == 4.0));

    let failure = |calls: &str| -> String {
        let options = RunOptions {
            runs_dir: scratch("clustering-errors"),
            device: None,
        };
        match run(
            &plan(&format!("{DATA}{calls}")),
            Path::new("s.hydro"),
            &options,
        ) {
            Ok(_) => panic!("ran: {calls}"),
            Err(e) => format!("{e:?}"),
        }
    };
    let unknown_k = failure(
        "let c = kmeans(attrs, k = 2..3)\nwrite variance_reduction(attrs, c.labels, k = 5) -> \"r.csv\"",
    );
    assert!(
        unknown_k.contains("has no clustering with k = 5") && unknown_k.contains("are 2, 3"),
        "{unknown_k}"
    );
    let not_basins =
        failure("let c = kmeans(attrs, k = 2..3)\nwrite kmeans(c, k = [2]) -> \"r.csv\"");
    assert!(not_basins.contains("has no `basin` column"), "{not_basins}");
    let too_many = failure("write kmeans(attrs, k = [20]) -> \"r.csv\"");
    assert!(
        too_many.contains("cannot form 20 clusters from 19 basins"),
        "{too_many}"
    );
    let components = failure("write pca(attrs, components = 28) -> \"r.csv\"");
    assert!(
        components.contains("asked for 28 components of 27 numeric columns"),
        "{components}"
    );
}
