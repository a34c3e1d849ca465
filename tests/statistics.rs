//! Statistics for model comparisons against independent references.
//!
//! Wilcoxon p-values and Cohen's d were computed once with scipy 1.17.1 / numpy (script lines
//! quoted next to each literal); percentiles and counts are also checked by hand.

// Sample values such as 3.14 are data, not approximations of mathematical constants.
#![allow(clippy::approx_constant)]

use hydro::analysis::statistics::{
    across_seeds, cohens_d, compare_table, count_at_most, empirical_cdf, mean, percentile,
    sample_std, summary_table, wilcoxon_signed_rank, WilcoxonMethod,
};
use hydro::analysis::Cell;

/// Relative difference, for values spanning many orders of magnitude.
fn relative(got: f64, expected: f64) -> f64 {
    ((got - expected) / expected).abs()
}

/// Cohen's d with the pooled sample standard deviation, as computed in the reference script:
/// `sx=np.var(x,ddof=1); sy=np.var(y,ddof=1);
///  d=(x.mean()-y.mean())/np.sqrt(((nx-1)*sx+(ny-1)*sy)/(nx+ny-2))`.
fn assert_d(x: &[f64], y: &[f64], expected: f64) {
    let d = cohens_d(x, y).expect("d defined");
    assert!(relative(d, expected) < 1e-12, "d = {d}, numpy {expected}");
}

const SMALL_X: [f64; 9] = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
const SMALL_Y: [f64; 9] = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

/// 9 pairs without ties or zeros: exact null distribution.
/// scipy: `wilcoxon(x, y, correction=True)` → statistic 5.0, pvalue 0.0390625 (= 20/512).
#[test]
fn small_sample_uses_the_exact_distribution() {
    let result = wilcoxon_signed_rank(&SMALL_X, &SMALL_Y).unwrap();
    assert_eq!(result.method, WilcoxonMethod::Exact);
    assert_eq!(result.n, 9);
    assert_eq!(result.statistic, 5.0);
    assert!(relative(result.p_value, 0.0390625) < 1e-14, "{result:?}");
    assert_eq!(result.z, None);
    assert_d(&SMALL_X, &SMALL_Y, 0.5681239058332569);
}

/// Hand check of the exact p-value above: sorted by |d| the differences are 0.01, -0.08, -0.147,
/// 0.43, …, so W- = 2 + 3 = 5 = W. Under the null hypothesis P(W- <= 5) for n = 9 counts the
/// subsets of {1..9} with sum <= 5: {} {1} {2} {3} {1,2} {4} {1,3} {5} {1,4} {2,3}, 10 of the 512
/// sign patterns; doubled, p = 20/512.
#[test]
fn exact_p_value_is_a_subset_count() {
    let result = wilcoxon_signed_rank(&SMALL_X, &SMALL_Y).unwrap();
    assert_eq!(result.p_value, 20.0 / 512.0);
}

/// NaN pairs are dropped: the same test result with NaN in x or y of extra pairs.
#[test]
fn nan_pairs_are_dropped() {
    let mut x = SMALL_X.to_vec();
    let mut y = SMALL_Y.to_vec();
    x.extend([f64::NAN, 1.0]);
    y.extend([2.0, f64::NAN]);
    assert_eq!(
        wilcoxon_signed_rank(&x, &y),
        wilcoxon_signed_rank(&SMALL_X, &SMALL_Y)
    );
    // Cohen's d compares two samples: NaN values are dropped from each sample separately.
    x.push(f64::NAN);
    let mut x_only = SMALL_X.to_vec();
    x_only.push(1.0);
    let mut y_only = SMALL_Y.to_vec();
    y_only.push(2.0);
    assert_eq!(cohens_d(&x, &y), cohens_d(&x_only, &y_only));
}

/// 20 positive differences: W = 0, exact p = 2 / 2^20.
/// scipy: `x=np.round(np.linspace(0.1,2.0,20)**1.3,6); wilcoxon(x, np.zeros(20), correction=True)`
/// → statistic 0.0, pvalue 1.9073486328125e-06.
#[test]
fn twenty_positive_differences() {
    let x: Vec<f64> = (0..20)
        .map(|i| {
            let v: f64 = 0.1 + 0.1 * i as f64;
            (v.powf(1.3) * 1e6).round() / 1e6
        })
        .collect();
    let y = vec![0.0; 20];
    let result = wilcoxon_signed_rank(&x, &y).unwrap();
    assert_eq!(result.method, WilcoxonMethod::Exact);
    assert_eq!(result.statistic, 0.0);
    assert_eq!(result.p_value, 2.0 / 2f64.powi(20));
    assert!(relative(result.p_value, 1.9073486328125e-06) < 1e-14);
    // All differences negative: W+ = 0, the same p-value, and the statistic is +0 (not -0).
    let reversed = wilcoxon_signed_rank(&y, &x).unwrap();
    assert_eq!(reversed.p_value, result.p_value);
    assert!(reversed.statistic == 0.0 && reversed.statistic.is_sign_positive());
    // scipy: cohen's d as in `assert_d` → 2.0937860812572535
    assert_d(&x, &y, 2.0937860812572535);
}

/// Ties and three zero differences (4-4, 6-6, 15-15): normal approximation with tie and continuity correction.
/// scipy: `wilcoxon(x, y, correction=True)` (auto falls back to asymptotic, n = 16 > 13) →
/// statistic 22.0, pvalue 0.09845939615054179, and with `method="asymptotic"`
/// zstatistic -1.652368778646329.
#[test]
fn ties_and_zeros_use_the_normal_approximation() {
    let x: Vec<f64> = (1..=16).map(f64::from).collect();
    let y = [
        0.0, 4.0, 1.0, 4.0, 3.0, 6.0, 9.0, 6.0, 11.0, 8.0, 8.0, 14.0, 10.0, 11.0, 15.0, 12.0,
    ];
    let result = wilcoxon_signed_rank(&x, &y).unwrap();
    assert_eq!(result.method, WilcoxonMethod::Normal);
    assert_eq!(result.zeros, 3);
    assert_eq!(result.n, 13);
    assert_eq!(result.statistic, 22.0);
    assert!(
        relative(result.p_value, 0.09845939615054179) < 1e-12,
        "{result:?}"
    );
    assert!(relative(result.z.unwrap(), -1.652368778646329) < 1e-12);
    assert_d(&x, &y, 0.18948006851848);
}

/// 60 pairs (more than 50): normal approximation.
/// scipy: `rng=np.random.default_rng(42); a=np.round(rng.normal(0.7,0.2,60),4);
/// b=np.round(a-rng.normal(0.02,0.05,60),4); wilcoxon(a, b, correction=True)` → statistic 626.0,
/// pvalue 0.033684991667338814, zstatistic -2.1238224659692477; Cohen's d 0.06643631996267328.
#[test]
fn sixty_pairs_use_the_normal_approximation() {
    let a = [
        0.7609, 0.492, 0.8501, 0.8881, 0.3098, 0.4396, 0.7256, 0.6368, 0.6966, 0.5294, 0.8759,
        0.8556, 0.7132, 0.9254, 0.7935, 0.5281, 0.7738, 0.5082, 0.8757, 0.69, 0.663, 0.5638,
        0.9445, 0.6691, 0.6143, 0.6296, 0.8065, 0.7731, 0.7825, 0.7862, 1.1283, 0.6187, 0.5976,
        0.5372, 0.8232, 0.9258, 0.6772, 0.532, 0.5351, 0.8301, 0.8487, 0.8086, 0.5669, 0.7464,
        0.7233, 0.7437, 0.8743, 0.7447, 0.8358, 0.7135, 0.7578, 0.8263, 0.4086, 0.6361, 0.6059,
        0.5722, 0.645, 0.999, 0.5268, 0.8937,
    ];
    let b = [
        0.825, 0.4887, 0.822, 0.8388, 0.2542, 0.3799, 0.723, 0.6399, 0.6337, 0.519, 0.9197, 0.8923,
        0.7392, 0.8805, 0.7664, 0.4736, 0.7752, 0.4803, 0.8244, 0.6855, 0.6202, 0.5769, 0.9427,
        0.6682, 0.6541, 0.5853, 0.81, 0.7525, 0.7385, 0.7439, 1.075, 0.6036, 0.5988, 0.5212,
        0.8876, 0.9782, 0.7233, 0.5619, 0.4951, 0.8554, 0.8476, 0.7236, 0.5647, 0.6895, 0.75,
        0.734, 0.9018, 0.7417, 0.7738, 0.7799, 0.7161, 0.7944, 0.4183, 0.6884, 0.5823, 0.5787,
        0.6134, 0.9779, 0.4267, 0.8857,
    ];
    let result = wilcoxon_signed_rank(&a, &b).unwrap();
    assert_eq!(result.method, WilcoxonMethod::Normal);
    assert_eq!(result.n, 60);
    assert_eq!(result.statistic, 626.0);
    assert!(
        relative(result.p_value, 0.033684991667338814) < 1e-12,
        "{result:?}"
    );
    assert!(relative(result.z.unwrap(), -2.1238224659692477) < 1e-12);
    assert_d(&a, &b, 0.06643631996267328);
}

/// 300 positive differences: a p-value in the far tail, as for 531 basins in the EA-LSTM paper.
/// scipy: `n=300; x=np.arange(1,n+1)*0.01; y=x-np.arange(1,n+1)*0.001;
/// wilcoxon(x, y, correction=True, method="asymptotic")` → statistic 0.0,
/// pvalue 6.114136859304273e-51, zstatistic -15.012141512436735; Cohen's d 0.18237233482161494.
#[test]
fn far_tail_p_value_of_many_pairs() {
    let x: Vec<f64> = (1..=300).map(|i| i as f64 * 0.01).collect();
    let y: Vec<f64> = (1..=300)
        .map(|i| i as f64 * 0.01 - i as f64 * 0.001)
        .collect();
    let result = wilcoxon_signed_rank(&x, &y).unwrap();
    assert_eq!(result.method, WilcoxonMethod::Normal);
    assert_eq!(result.statistic, 0.0);
    assert!(
        relative(result.p_value, 6.114136859304273e-51) < 1e-9,
        "{result:?}"
    );
    assert!(relative(result.z.unwrap(), -15.012141512436735) < 1e-12);
    assert_d(&x, &y, 0.18237233482161494);
}

#[test]
fn undefined_cases() {
    assert_eq!(wilcoxon_signed_rank(&[1.0, 2.0], &[1.0, 2.0]), None);
    assert_eq!(wilcoxon_signed_rank(&[1.0, 2.0], &[1.0]), None);
    assert_eq!(cohens_d(&[1.0], &[2.0, 3.0]), None);
    assert_eq!(cohens_d(&[1.0, 1.0], &[2.0, 2.0]), None);
}

/// Cohen's d by hand: x = 1, 2, 3 (mean 2, s² = 1), y = 3, 4, 5, 6, 7 (mean 5, s² = 2.5):
/// pooled s² = (2·1 + 4·2.5) / 6 = 2, d = (2 - 5) / √2.
#[test]
fn cohens_d_by_hand_with_unequal_sizes() {
    let d = cohens_d(&[1.0, 2.0, 3.0], &[3.0, 4.0, 5.0, 6.0, 7.0]).unwrap();
    assert!((d + 3.0 / 2f64.sqrt()).abs() < 1e-14, "{d}");
}

/// numpy: `np.percentile([3,1,4,1,5,9,2,6], [0,5,25,50,75,95,100])` →
/// 1.0, 1.0, 1.75, 3.5, 5.25, 7.949999999999998, 9.0 (by hand, sorted 1 1 2 3 4 5 6 9,
/// h = 7q/100: q = 95 gives h = 6.65 and 6 + 0.65·3 = 7.95); `np.std(v, ddof=1)` 2.748376143938713.
#[test]
fn percentiles_mean_and_std_as_numpy() {
    let values = [3.0, 1.0, f64::NAN, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
    let expected = [
        (0.0, 1.0),
        (5.0, 1.0),
        (25.0, 1.75),
        (50.0, 3.5),
        (75.0, 5.25),
        (95.0, 7.949999999999998),
        (100.0, 9.0),
    ];
    for (q, want) in expected {
        let got = percentile(&values, q).unwrap();
        assert!((got - want).abs() < 1e-12, "p{q} = {got}, numpy {want}");
    }
    assert_eq!(percentile(&values, 101.0), None);
    assert_eq!(percentile(&[f64::NAN], 50.0), None);
    assert_eq!(mean(&values), Some(3.875));
    assert!((sample_std(&values).unwrap() - 2.748376143938713).abs() < 1e-12);
    assert_eq!(sample_std(&[1.0]), None);
}

#[test]
fn empirical_cdf_and_threshold_counts() {
    let values = [0.5, -0.2, 0.5, f64::NAN, 0.0, 0.9];
    assert_eq!(
        empirical_cdf(&values),
        vec![(-0.2, 0.2), (0.0, 0.4), (0.5, 0.8), (0.9, 1.0)]
    );
    assert_eq!(count_at_most(&values, 0.0), 2);
}

/// Basin 0 has values 1, 2, 3 over three seeds (mean 2, std 1); basin 1 is missing in one seed
/// (4, 6: mean 5, std √2); basin 2 only in the longest run.
#[test]
fn mean_and_std_across_seeds() {
    let seed_a = [1.0, 4.0];
    let seed_b = [2.0, f64::NAN];
    let seed_c = [3.0, 6.0, 7.0];
    let stats = across_seeds(&[&seed_a, &seed_b, &seed_c]);
    assert_eq!(stats.len(), 3);
    assert_eq!(
        (stats[0].count, stats[0].mean, stats[0].std),
        (3, Some(2.0), Some(1.0))
    );
    assert_eq!(stats[1].count, 2);
    assert_eq!(stats[1].mean, Some(5.0));
    assert!((stats[1].std.unwrap() - 2f64.sqrt()).abs() < 1e-15);
    assert_eq!(
        (stats[2].count, stats[2].mean, stats[2].std),
        (1, Some(7.0), None)
    );
}

#[test]
fn compare_table_of_two_models() {
    let mut a = SMALL_X.to_vec();
    let mut b = SMALL_Y.to_vec();
    a.push(f64::NAN);
    b.push(0.3);
    let table = compare_table("ealstm", &a, "lstm", &b);
    assert_eq!(
        table.columns,
        [
            "model_a",
            "model_b",
            "n",
            "median_a",
            "median_b",
            "mean_a",
            "mean_b",
            "wilcoxon_statistic",
            "p_value",
            "wilcoxon_method",
            "z",
            "cohens_d"
        ]
    );
    let row = &table.rows[0];
    assert_eq!(row[0], Cell::from("ealstm"));
    assert_eq!(row[2], Cell::Number(9.0));
    // Medians by hand: sorted x 0.5 1.3 1.55 1.62 1.68 …, sorted y 0.598 0.647 0.878 1.06 1.06 ….
    assert_eq!(row[3], Cell::Number(1.68));
    assert_eq!(row[4], Cell::Number(1.06));
    assert_eq!(row[7], Cell::Number(5.0));
    assert_eq!(row[8], Cell::Number(0.0390625));
    assert_eq!(row[9], Cell::from("exact"));
    assert_eq!(row[10], Cell::Missing);
    let d = row[11].as_number().unwrap();
    assert!(relative(d, 0.5681239058332569) < 1e-12);
}

#[test]
fn summary_table_of_metric_columns() {
    let nse = vec![3.0, 1.0, f64::NAN, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
    let shifted: Vec<f64> = nse.iter().map(|v| v - 4.0).collect();
    let table = summary_table(
        &[
            ("nse".to_string(), nse.clone()),
            ("shifted".to_string(), shifted),
            ("empty".to_string(), vec![]),
        ],
        0.0,
    );
    assert_eq!(
        table.columns,
        [
            "column",
            "count",
            "missing",
            "mean",
            "std",
            "min",
            "p5",
            "p25",
            "median",
            "p75",
            "p95",
            "max",
            "count_le_0"
        ]
    );
    let numbers = |row: usize| -> Vec<Option<f64>> {
        table.rows[row][1..].iter().map(Cell::as_number).collect()
    };
    let nse_row = numbers(0);
    assert_eq!(nse_row[..3], [Some(8.0), Some(1.0), Some(3.875)]);
    assert_eq!(nse_row[4..8], [Some(1.0), Some(1.0), Some(1.75), Some(3.5)]);
    assert_eq!(nse_row[10], Some(9.0));
    assert_eq!(nse_row[11], Some(0.0));
    // shifted: -3 -3 -2 -1 0 1 2 5, five values <= 0.
    assert_eq!(numbers(1)[11], Some(5.0));
    assert_eq!(numbers(2)[..2], [Some(0.0), Some(0.0)]);
    assert_eq!(table.rows[2][3], Cell::Missing);
    // Another threshold names its column: sorted 1 1 2 3 4 5 6 9, four values <= 3.
    let at_three = summary_table(&[("nse".to_string(), nse)], 3.0);
    assert_eq!(at_three.columns.last().unwrap(), "count_le_3");
    assert_eq!(at_three.rows[0].last().unwrap(), &Cell::Number(4.0));
}

/// Differences 1, -1, 2, -2 (tied): W+ = 1.5 + 3.5 = 5 = n(n+1)/4, z = 0 without continuity
/// correction. scipy: `wilcoxon([1,-1,2,-2], [0,0,0,0], method="asymptotic", correction=True)` →
/// statistic 5.0, pvalue 1.0, zstatistic -0.0.
#[test]
fn balanced_differences_give_p_one() {
    let result = wilcoxon_signed_rank(&[1.0, -1.0, 2.0, -2.0], &[0.0; 4]).unwrap();
    assert_eq!(result.method, WilcoxonMethod::Normal);
    assert_eq!(result.statistic, 5.0);
    assert_eq!(result.p_value, 1.0);
    assert_eq!(result.z, Some(0.0));
}
