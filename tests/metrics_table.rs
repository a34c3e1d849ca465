//! Per-basin metric tables: summaries that skip undefined values, CSV text and the text rendering.

use hydro::analysis::MetricTable;

const NAN: f64 = f64::NAN;

/// Four basins, metrics nse and mse:
/// - A: obs 1..5, sim [1.5, 2, 2.5, 4.5, 5.5]: NSE = 1 - 1/10 = 0.9, MSE = 1/5 = 0.2
/// - B: perfect: NSE = 1, MSE = 0
/// - C: constant observations: NSE undefined, MSE = (1 + 0 + 1)/3 = 0.666...
/// - D: a single valid pair: both undefined
fn table() -> MetricTable {
    let basins = vec![
        (
            "A",
            vec![1.0, 2.0, 3.0, 4.0, 5.0],
            vec![1.5, 2.0, 2.5, 4.5, 5.5],
        ),
        ("B", vec![1.0, 3.0, 2.0], vec![1.0, 3.0, 2.0]),
        ("C", vec![2.0, 2.0, 2.0], vec![1.0, 2.0, 3.0]),
        ("D", vec![NAN, NAN, 1.0], vec![1.0, 1.0, 1.0]),
    ];
    MetricTable::compute(&["nse", "mse"], &basins).unwrap()
}

#[test]
fn median_and_mean_ignore_undefined_values() {
    let t = table();
    // nse defined for A, B: median = mean = (0.9 + 1) / 2 = 0.95
    assert!((t.median("nse").unwrap() - 0.95).abs() < 1e-12);
    assert!((t.mean("nse").unwrap() - 0.95).abs() < 1e-12);
    // mse defined for A, B, C: sorted 0, 0.2, 0.667 -> median 0.2; mean (0.2 + 0 + 2/3) / 3 = 0.28888...
    assert!((t.median("mse").unwrap() - 0.2).abs() < 1e-12);
    assert!((t.mean("mse").unwrap() - (0.2 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    assert_eq!(t.median("kge"), None);
    assert_eq!(t.rows[3].1, vec![None, None]);
}

#[test]
fn csv_leaves_undefined_cells_empty() {
    let dir = std::env::temp_dir().join(format!("hydro-metrics-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("metrics.csv");
    table().write_csv(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        text,
        "basin,nse,mse\nA,0.9,0.2\nB,1,0\nC,,0.6666666666666666\nD,,\n"
    );
}

#[test]
fn csv_write_error_names_the_file() {
    let path = std::env::temp_dir()
        .join("hydro-no-such-directory-for-metrics")
        .join("metrics.csv");
    let err = table().write_csv(&path).unwrap_err();
    assert!(err.to_string().contains("metrics.csv"), "{err}");
}

#[test]
fn display_is_an_aligned_table_with_summary_rows() {
    let text = table().to_string();
    let expected = "\
basin     nse    mse
A       0.900  0.200
B       1.000  0.000
C           -  0.667
D           -      -
--------------------
median  0.950  0.200
mean    0.950  0.289
";
    assert_eq!(text, expected);
}

#[test]
fn unknown_metric_names_suggest_the_closest() {
    let basins: Vec<(&str, Vec<f64>, Vec<f64>)> = Vec::new();
    let err = MetricTable::compute(&["nse", "kge_gama"], &basins).unwrap_err();
    assert_eq!(err.name, "kge_gama");
    assert!(err.help.contains("kge_gamma"), "{}", err.help);
}
