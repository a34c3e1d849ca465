//! k-means, silhouettes, PCA, variance reduction and z-scores against scikit-learn 1.9 / numpy
//! values computed once (the script lines are quoted next to each literal), hand computations,
//! well-separated synthetic groups and the real CAMELS-US attribute tables.

mod common;

use common::data_root;

use hydro::analysis::clustering::{
    cluster_table, cluster_variance_ratios, kmeans, kmeans_from, kmeans_sweep, pca, silhouette,
    standardise, variance_reduction, variance_reduction_table, ClusteringError,
};
use hydro::analysis::Cell;
use hydro::data::camels_us::CamelsUs;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} != {expected} (tolerance {tolerance})"
    );
}

fn rows(data: &[&[f64]]) -> Vec<Vec<f64>> {
    data.iter().map(|r| r.to_vec()).collect()
}

/// Twelve 2-D points in three loose groups, started from a poor initialisation (two centroids in
/// the same group) so that Lloyd needs several iterations.
fn twelve_points() -> Vec<Vec<f64>> {
    rows(&[
        &[1.0, 2.0],
        &[1.5, 1.8],
        &[5.0, 8.0],
        &[8.0, 8.0],
        &[1.0, 0.6],
        &[9.0, 11.0],
        &[8.0, 2.0],
        &[10.0, 2.0],
        &[9.0, 3.0],
        &[4.0, 7.0],
        &[2.5, 2.5],
        &[7.0, 9.5],
    ])
}

#[test]
fn lloyd_from_a_given_start_matches_scikit_learn() {
    let start = rows(&[&[1.0, 2.0], &[1.5, 1.8], &[5.0, 8.0]]);
    let result = kmeans_from(&twelve_points(), &start).unwrap();
    // KMeans(n_clusters=3, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X):
    // labels_ [0, 0, 2, 2, 0, 2, 1, 1, 1, 2, 0, 2], inertia_ 33.11416666666667, n_iter_ 4,
    // cluster_centers_ [[1.5, 1.725], [9.0, 2.3333333333333335], [6.6, 8.7]]
    assert_eq!(result.labels, vec![0, 0, 2, 2, 0, 2, 1, 1, 1, 2, 0, 2]);
    assert_close(result.inertia, 33.11416666666667, 1e-12, "inertia");
    let expected = [[1.5, 1.725], [9.0, 2.3333333333333335], [6.6, 8.7]];
    for (centroid, want) in result.centroids.iter().zip(expected) {
        for (c, w) in centroid.iter().zip(want) {
            assert_close(*c, w, 1e-12, "centroid");
        }
    }
    // Assignment passes: from the start, two that change labels, one that confirms.
    assert_eq!(result.iterations, 4);
}

#[test]
fn an_empty_cluster_takes_the_farthest_point() {
    // Hand computation: no point is nearer to 100 than to 0.5, so cluster 1 starts empty and
    // takes 11 (farthest from 0.5); cluster 0 becomes mean(0, 1, 10) = 11/3, then 10 moves to
    // cluster 1: centroids 0.5 and 10.5, inertia 4 * 0.25 = 1. scikit-learn, KMeans(2,
    // init=[[0.5], [100.0]], n_init=1, tol=0.0): labels [0, 0, 1, 1], inertia 1.0.
    let points = rows(&[&[0.0], &[1.0], &[10.0], &[11.0]]);
    let result = kmeans_from(&points, &rows(&[&[0.5], &[100.0]])).unwrap();
    assert_eq!(result.labels, vec![0, 0, 1, 1]);
    assert_close(result.inertia, 1.0, 1e-12, "inertia");
    assert_close(result.centroids[1][0], 10.5, 1e-12, "relocated centroid");
}

/// Three groups of 30 points in 4-D, far apart compared with their spread.
fn blobs() -> (Vec<Vec<f64>>, Vec<usize>) {
    let centres = [
        [0.0, 0.0, 0.0, 0.0],
        [10.0, 0.0, 5.0, 0.0],
        [0.0, 10.0, 0.0, -8.0],
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut points = Vec::new();
    let mut truth = Vec::new();
    for i in 0..90 {
        let group = i % 3;
        points.push(
            centres[group]
                .iter()
                .map(|c| c + rng.random_range(-1.0..1.0))
                .collect(),
        );
        truth.push(group);
    }
    (points, truth)
}

#[test]
fn kmeans_finds_well_separated_groups_and_the_sweep_picks_their_number() {
    let (points, truth) = blobs();
    let result = kmeans(&points, 3, 4, 11).unwrap();
    // Same partition up to renaming: labels map one-to-one onto the true groups.
    let mut mapping = [None; 3];
    for (&label, &group) in result.labels.iter().zip(&truth) {
        let seen = mapping[group].get_or_insert(label);
        assert_eq!(*seen, label, "group {group} split");
    }
    let mut used: Vec<usize> = mapping.iter().map(|m| m.unwrap()).collect();
    used.sort_unstable();
    assert_eq!(used, vec![0, 1, 2]);

    let sweep = kmeans_sweep(&points, 1..=6, 4, 11).unwrap();
    assert_eq!(
        sweep.columns,
        ["k", "inertia", "mean_silhouette", "min_silhouette"]
    );
    let means = sweep.numbers("mean_silhouette").unwrap();
    assert_eq!(means[0], None, "no silhouette for one cluster");
    let best = (1..means.len())
        .max_by(|&a, &b| means[a].unwrap().total_cmp(&means[b].unwrap()))
        .unwrap();
    assert_eq!(sweep.rows[best][0], Cell::Number(3.0));
    // Inertia never grows with k for the best of several restarts on such data.
    let inertia: Vec<f64> = sweep
        .numbers("inertia")
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert!(inertia.windows(2).all(|w| w[1] <= w[0]), "{inertia:?}");
    // Minimum never above mean.
    for (mean, min) in means.iter().zip(sweep.numbers("min_silhouette").unwrap()) {
        if let (Some(mean), Some(min)) = (mean, min) {
            assert!(min <= *mean);
        }
    }
}

#[test]
fn kmeans_is_deterministic_for_a_seed() {
    let (points, _) = blobs();
    let first = kmeans(&points, 5, 3, 42).unwrap();
    let again = kmeans(&points, 5, 3, 42).unwrap();
    assert_eq!(first, again);
    // More restarts from the same stream can only keep or lower the inertia.
    let more = kmeans(&points, 5, 6, 42).unwrap();
    assert!(more.inertia <= first.inertia);
}

#[test]
fn kmeans_rejects_bad_input() {
    let points = twelve_points();
    assert_eq!(
        kmeans(&points, 0, 1, 0).unwrap_err(),
        ClusteringError::BadClusterCount { k: 0, points: 12 }
    );
    assert!(kmeans(&points, 13, 1, 0).is_err());
    let mut holed = points.clone();
    holed[3][1] = f64::NAN;
    assert_eq!(
        kmeans(&holed, 2, 1, 0).unwrap_err(),
        ClusteringError::NonFinite { row: 3, feature: 1 }
    );
    assert!(kmeans_sweep(&points, 0..=3, 1, 0).is_err());
}

#[test]
fn silhouettes_match_scikit_learn() {
    let points = rows(&[
        &[0.0, 0.0],
        &[0.5, 0.2],
        &[0.1, 0.9],
        &[4.0, 4.0],
        &[4.2, 3.7],
        &[3.8, 4.5],
        &[4.1, 4.0],
        &[9.0, 0.0],
        &[2.0, 2.0],
        &[0.3, 0.3],
    ]);
    // Cluster 2 is a single point (silhouette 0); point 8 is nearer to cluster 0 (negative).
    let labels = [0, 0, 0, 1, 1, 1, 1, 2, 1, 0];
    let result = silhouette(&points, &labels).unwrap();
    // silhouette_samples(S, labs).tolist(); silhouette_score(S, labs) = 0.6538397989501814
    let expected = [
        0.8788399386176334,
        0.8876087223105115,
        0.8253081890763961,
        0.8180643268513094,
        0.7910876921973159,
        0.7676985105537811,
        0.817164159523578,
        0.0,
        -0.1568847501998303,
        0.9095112005711184,
    ];
    for (s, e) in result.per_point.iter().zip(expected) {
        assert_close(*s, e, 1e-12, "silhouette sample");
    }
    assert_close(result.mean, 0.6538397989501814, 1e-12, "silhouette score");
    assert_close(result.min, -0.1568847501998303, 1e-12, "minimum silhouette");
    // Cluster means by hand from the samples above.
    let cluster_one = (expected[3] + expected[4] + expected[5] + expected[6] + expected[8]) / 5.0;
    assert_eq!(result.cluster_means[1].0, 1);
    assert_close(
        result.cluster_means[1].1,
        cluster_one,
        1e-12,
        "cluster mean",
    );
    assert_eq!(result.cluster_means[2], (2, 0.0));

    assert!(matches!(
        silhouette(&points, &[0; 10]),
        Err(ClusteringError::SilhouetteClusters { found: 1, .. })
    ));
    assert!(silhouette(&points, &[0, 1]).is_err());
}

/// Points shared with the reference script: `sin(0.7 i + 1.3 j) + 0.1 i j`, 9 rows, 4 columns.
fn formula_points() -> Vec<Vec<f64>> {
    (0..9)
        .map(|i| {
            (0..4)
                .map(|j| (0.7 * i as f64 + 1.3 * j as f64).sin() + 0.1 * (i * j) as f64)
                .collect()
        })
        .collect()
}

#[test]
fn pca_matches_scikit_learn() {
    let result = pca(&formula_points(), 3).unwrap();
    // PCA(n_components=3).fit(P): explained_variance_ratio_, explained_variance_
    let ratio = [
        0.7842233647482779,
        0.19541194241049087,
        0.020364692841231297,
    ];
    let variance = [3.4689609191260256, 0.864391985528364, 0.09008189091498506];
    for c in 0..3 {
        assert_close(result.explained_variance_ratio[c], ratio[c], 1e-10, "ratio");
        assert_close(result.explained_variance[c], variance[c], 1e-10, "variance");
    }
    // components_ (scikit-learn also makes each row's largest |loading| positive, so the signs
    // agree, not only up to sign).
    let components = [
        [
            -0.3718122440650544,
            -0.05699928643379834,
            0.542970515224539,
            0.7507927517671871,
        ],
        [
            -0.18665046203116584,
            0.6944817963338675,
            0.5436033140489743,
            -0.43284186089079824,
        ],
        [
            0.7565184004205907,
            0.49164671983752173,
            -0.025583937277386982,
            0.4304751733276415,
        ],
    ];
    for (got, want) in result.components.iter().zip(components) {
        for (g, w) in got.iter().zip(want) {
            assert_close(*g, w, 1e-9, "loading");
        }
    }
    // pca.transform(P), first, fifth and last rows
    let projected = [
        (
            0,
            [-1.6044451853175015, 1.0504904729782085, -0.5281632829281215],
        ),
        (
            4,
            [
                -0.19406868522723641,
                -1.2294578285450424,
                0.045292693163678566,
            ],
        ),
        (
            8,
            [1.968108794845048, 1.2533797839211278, 0.44328970189756745],
        ),
    ];
    for (row, want) in projected {
        for (g, w) in result.projected[row].iter().zip(want) {
            assert_close(*g, w, 1e-9, "projection");
        }
    }
    let table = result.variance_table();
    assert_eq!(table.rows.len(), 3);
    let names: Vec<String> = (0..9).map(|i| format!("b{i}")).collect();
    let projection = result.projection_table(&names).unwrap();
    assert_eq!(projection.columns, ["basin", "pc1", "pc2", "pc3"]);
    assert!(pca(&formula_points(), 5).is_err());
}

#[test]
fn variance_reduction_by_hand() {
    // Values 1, 2, 3 | 10, 12 and a missing one. Overall mean 28/5 = 5.6, total sum of squares
    // 4.6² + 3.6² + 2.6² + 4.4² + 6.4² = 101.2; within: (1 + 0 + 1) + (1 + 1) = 4;
    // reduction 1 - 4 / 101.2. Sample variances: all 101.2 / 4 = 25.3, cluster 0: 2 / 2 = 1,
    // cluster 1: 2 / 1 = 2.
    let values = [1.0, 2.0, 3.0, 10.0, 12.0, f64::NAN];
    let labels = [0, 0, 0, 1, 1, 1];
    assert_close(
        variance_reduction(&values, &labels).unwrap(),
        1.0 - 4.0 / 101.2,
        1e-14,
        "reduction",
    );
    let ratios = cluster_variance_ratios(&values, &labels).unwrap();
    assert_eq!(ratios[0].count, 3);
    assert_eq!(ratios[1].count, 2);
    assert_close(ratios[0].ratio, 1.0 / 25.3, 1e-14, "ratio 0");
    assert_close(ratios[1].ratio, 2.0 / 25.3, 1e-14, "ratio 1");
    // Clusters that are each uniform explain everything; equal cluster means explain nothing.
    assert_eq!(
        variance_reduction(&[1.0, 1.0, 5.0], &[0, 0, 1]).unwrap(),
        1.0
    );
    assert_close(
        variance_reduction(&[1.0, 3.0, 1.0, 3.0], &[0, 0, 1, 1]).unwrap(),
        0.0,
        1e-15,
        "no reduction",
    );
    assert!(variance_reduction(&[2.0, 2.0], &[0, 1]).unwrap().is_nan());
    assert!(variance_reduction(&[1.0], &[0, 1]).is_err());

    let table = variance_reduction_table(&[("q_mean", values.to_vec())], &labels).unwrap();
    assert_eq!(
        table.columns,
        [
            "variable",
            "basins",
            "variance_reduction",
            "variance_ratio_cluster_0",
            "variance_ratio_cluster_1"
        ]
    );
    assert_eq!(table.rows[0][1], Cell::Number(5.0));
}

#[test]
fn standardise_by_hand() {
    // Column 0: 1, 2, 3 -> mean 2, sample std 1. Column 1 constant -> zeros. Column 2: 0, NaN, 4
    // -> mean 2, std sqrt(8), the NaN kept.
    let result = standardise(&rows(&[
        &[1.0, 5.0, 0.0],
        &[2.0, 5.0, f64::NAN],
        &[3.0, 5.0, 4.0],
    ]))
    .unwrap();
    assert_eq!(result.means[0], 2.0);
    assert_eq!(result.stds[0], 1.0);
    assert_eq!(result.values[0][0], -1.0);
    assert_eq!(result.values[2][0], 1.0);
    assert_eq!(result.values[1][1], 0.0);
    assert_close(result.stds[2], 8f64.sqrt(), 1e-15, "std with NaN");
    assert!(result.values[1][2].is_nan());
    assert_close(result.values[2][2], 2.0 / 8f64.sqrt(), 1e-15, "z-score");
}

#[test]
fn camels_attributes_by_region() {
    let camels = CamelsUs::new(data_root().join("camels_us"));
    let attributes = camels.attributes().expect("CAMELS-US attribute tables");
    let basins = attributes.basins().to_vec();
    assert_eq!(basins.len(), 671);
    let raw: Vec<Vec<f64>> = basins
        .iter()
        .map(|b| {
            ["p_mean", "aridity", "frac_snow"]
                .iter()
                .map(|a| attributes.value(b, a).unwrap())
                .collect()
        })
        .collect();
    let z = standardise(&raw).unwrap().values;
    let regions: Vec<usize> = basins
        .iter()
        .map(|b| {
            attributes
                .text(b, "huc_02")
                .unwrap()
                .parse::<usize>()
                .unwrap()
                - 1
        })
        .collect();
    let signature = |name: &str| -> Vec<f64> {
        basins
            .iter()
            .map(|b| attributes.value(b, name).unwrap_or(f64::NAN))
            .collect()
    };
    // /tmp script (numpy + scikit-learn, csv module, basins sorted): Z = (A - A.mean(0)) /
    // A.std(0, ddof=1) of p_mean, aridity, frac_snow; labels = huc_02 - 1;
    // silhouette_samples(Z, labels): mean -0.15426963519504847, min -0.8891943389501
    let by_region = silhouette(&z, &regions).unwrap();
    assert_close(
        by_region.mean,
        -0.15426963519504847,
        1e-12,
        "mean silhouette",
    );
    assert_close(by_region.min, -0.8891943389501, 1e-12, "minimum silhouette");
    // 1 - within / total sums of squares over the 670 basins with a value (numpy):
    // q_mean 0.5309557504935416, hfd_mean 0.3944452874601688;
    // np.var(h[has & (labels == 0)], ddof=1) / np.var(h[has], ddof=1) = 0.1543885104364346
    let q_mean = signature("q_mean");
    assert_eq!(q_mean.iter().filter(|q| q.is_nan()).count(), 1);
    assert_close(
        variance_reduction(&q_mean, &regions).unwrap(),
        0.5309557504935416,
        1e-12,
        "q_mean",
    );
    let hfd_mean = signature("hfd_mean");
    assert_close(
        variance_reduction(&hfd_mean, &regions).unwrap(),
        0.3944452874601688,
        1e-12,
        "hfd_mean",
    );
    let ratios = cluster_variance_ratios(&hfd_mean, &regions).unwrap();
    assert_close(ratios[0].ratio, 0.1543885104364346, 1e-12, "hfd_mean ratio");
    // PCA(n_components=2).fit(Z).explained_variance_ratio_
    let projection = pca(&z, 2).unwrap();
    assert_close(
        projection.explained_variance_ratio[0],
        0.5976795432718592,
        1e-10,
        "pc1",
    );
    assert_close(
        projection.explained_variance_ratio[1],
        0.3209866416026574,
        1e-10,
        "pc2",
    );
    // k-means on the z-scores: every basin labelled, its silhouette reported.
    let table = cluster_table(&basins, &z, 6, 2, 0).unwrap();
    assert_eq!(table.rows.len(), 671);
    assert!(table
        .numbers("silhouette")
        .unwrap()
        .iter()
        .all(|s| s.is_some_and(|s| (-1.0..=1.0).contains(&s))));
}
