//! The analyses `integrated_gradients`, `static_sensitivity` and `noise_robustness` in scripts, on
//! real data: a tiny regional LSTM with three static attributes on two CAMELS-US basins (NLDAS),
//! one epoch. The written tables are checked against independent computations (the NSE of the
//! run's own evaluation and the textbook NSE of its predictions; statistics recomputed from the
//! trial table; the days of the evenly spread samples counted by hand) and against properties
//! that tie the tables together (shares summing to 100 %, the oldest lag of the look-back equal
//! to the feature shares, the seasonal shares averaging to them).

mod common;

use std::collections::BTreeMap;

use common::*;
use hydro::evaluation::{run, RunError, RunOptions};

/// The data set, the model and the run; `{analyses}` is replaced by each test's lines.
const SCRIPT: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = ["01013500", "03439000"]
    statics  = [p_mean, elev_mean, area_gages2]
    train    = 2000-10-01..2001-09-30
    test     = 2008-10-01..2009-03-31
    lookback = 30
}
model net = lstm { hidden = 4 }
train base = net on camels { loss = mse, epochs = 1, batch = 64, seed = 1 }
{analyses}
"#;

fn script(analyses: &str) -> String {
    SCRIPT.replace("{analyses}", analyses)
}

/// Parses a CSV column of numbers keyed by the values of other columns.
fn by_keys(path: &std::path::Path, keys: &[&str], value: &str) -> BTreeMap<Vec<String>, f64> {
    let (header, rows) = read_csv(path);
    let position = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let key_columns: Vec<usize> = keys.iter().map(|k| position(k)).collect();
    let value_column = position(value);
    rows.iter()
        .map(|row| {
            let key = key_columns.iter().map(|&j| row[j].clone()).collect();
            (key, row[value_column].parse().unwrap_or(f64::NAN))
        })
        .collect()
}

#[test]
fn integrated_gradients_tables_agree_with_each_other_and_the_spread_of_days() {
    let runs = scratch("analyses-ig");
    let dir = run_in(
        &runs,
        &script(
            r#"
let ig = integrated_gradients(base, baseline = zero, steps = 4, samples = 10, basins = ["03439000"])
write ig -> "features.csv"
write ig.lookback -> "lookback.csv"
write ig.seasons -> "seasons.csv"
let ig_mean = integrated_gradients(base, baseline = mean, steps = 4, samples = 10, basins = ["03439000"])
write ig_mean -> "features_mean.csv"
"#,
        ),
    );
    let features = dir.join("features.csv");
    let (header, rows) = read_csv(&features);
    assert_eq!(
        header,
        [
            "basin",
            "feature",
            "kind",
            "contribution_percent",
            "contribution_of_dynamic_percent",
            "predictions"
        ]
    );
    let names: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        names,
        [
            "prcp",
            "srad",
            "tmax",
            "vp",
            "dayl",
            "p_mean",
            "elev_mean",
            "area_gages2"
        ]
    );
    assert!(rows.iter().all(|r| r[0] == "03439000" && r[5] == "10"));
    let shares = csv_column(&features, "contribution_percent");
    assert!(
        (shares.iter().sum::<f64>() - 100.0).abs() < 1e-9,
        "{shares:?}"
    );
    let dynamic = csv_column(&features, "contribution_of_dynamic_percent");
    assert!((dynamic[..5].iter().sum::<f64>() - 100.0).abs() < 1e-9);
    assert!(
        dynamic[5..].iter().all(|v| v.is_nan()),
        "missing for statics"
    );

    // The look-back: one row per lag, cumulative shares that grow to 100 %, the sum of the
    // features' columns, and at the oldest lag the features' contributions.
    let lookback = dir.join("lookback.csv");
    let (header, rows) = read_csv(&lookback);
    assert_eq!(&header[..3], ["basin", "lag_days", "cumulative_percent"]);
    assert_eq!(header[3], "prcp_percent");
    assert_eq!(rows.len(), 30);
    let lags = csv_column(&lookback, "lag_days");
    assert_eq!(lags, (0..30).map(f64::from).collect::<Vec<_>>());
    let cumulative = csv_column(&lookback, "cumulative_percent");
    assert!(cumulative.windows(2).all(|w| w[0] <= w[1] + 1e-9));
    assert!((cumulative[29] - 100.0).abs() < 1e-9);
    for (lag, row) in rows.iter().enumerate() {
        let sum: f64 = row[3..].iter().map(|c| c.parse::<f64>().unwrap()).sum();
        assert!((sum - cumulative[lag]).abs() < 1e-9, "lag {lag}");
    }
    for (j, share) in shares.iter().enumerate() {
        let oldest: f64 = rows[29][3 + j].parse().unwrap();
        assert!((oldest - share).abs() < 1e-9, "{}", header[3 + j]);
    }

    // Seasons: the 10 days spread evenly over the 182 days from 2008-10-01 are days
    // floor((2i + 1) 182 / 20) = 9, 27, 45, 63, 81, 100, 118, 136, 154, 172 after it:
    // Oct 10, Oct 28, Nov 15 (SON), Dec 3, Dec 21, Jan 9, Jan 27, Feb 14 (DJF), Mar 4, Mar 22
    // (MAM). The prediction-weighted mean of the seasonal shares is the overall share.
    let seasons = dir.join("seasons.csv");
    let counts = by_keys(&seasons, &["season", "feature"], "predictions");
    let count = |season: &str| counts[&vec![season.to_string(), "prcp".to_string()]];
    assert_eq!(
        [count("DJF"), count("MAM"), count("JJA"), count("SON")],
        [5.0, 2.0, 0.0, 3.0]
    );
    let seasonal = by_keys(&seasons, &["season", "feature"], "contribution_percent");
    for (j, name) in names.iter().enumerate() {
        let weighted: f64 = ["DJF", "MAM", "SON"]
            .iter()
            .map(|s| count(s) * seasonal[&vec![s.to_string(), name.to_string()]])
            .sum::<f64>()
            / 10.0;
        assert!((weighted - shares[j]).abs() < 1e-9, "{name}");
        assert!(seasonal[&vec!["JJA".to_string(), name.to_string()]].is_nan());
    }

    // The training-mean baseline attributes differently from the physical zero.
    let from_mean = csv_column(dir.join("features_mean.csv"), "contribution_percent");
    assert!((from_mean.iter().sum::<f64>() - 100.0).abs() < 1e-9);
    assert!(
        from_mean
            .iter()
            .zip(&shares)
            .any(|(a, b)| (a - b).abs() > 1e-3),
        "{from_mean:?} {shares:?}"
    );
}

#[test]
fn static_sensitivity_ranks_the_attributes_of_each_basin() {
    let runs = scratch("analyses-sensitivity");
    let dir = run_in(
        &runs,
        &script(
            r#"
let s = static_sensitivity(base)
write s -> "sensitivity.csv"
write s.ranking -> "ranking.csv"
let one = static_sensitivity(base, basins = ["01013500"])
write one -> "one.csv"
"#,
        ),
    );
    let path = dir.join("sensitivity.csv");
    let (header, rows) = read_csv(&path);
    assert_eq!(
        header,
        [
            "basin",
            "attribute",
            "sensitivity",
            "normalised_sensitivity",
            "rank",
            "predictions"
        ]
    );
    assert_eq!(rows.len(), 2 * 3);
    // 182 test days with a complete look-back per basin.
    assert!(rows.iter().all(|r| r[5] == "182"));
    let sensitivity = csv_column(&path, "sensitivity");
    let normalised = csv_column(&path, "normalised_sensitivity");
    let rank = csv_column(&path, "rank");
    for basin in 0..2 {
        let s = &sensitivity[3 * basin..3 * basin + 3];
        let (min, max) = (
            s.iter().copied().fold(f64::INFINITY, f64::min),
            s.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        assert!(min > 0.0, "every attribute moves the prediction: {s:?}");
        for j in 0..3 {
            let expected = (s[j] - min) / (max - min);
            assert!((normalised[3 * basin + j] - expected).abs() < 1e-12);
            let larger = s.iter().filter(|v| **v > s[j]).count();
            assert_eq!(rank[3 * basin + j], (larger + 1) as f64);
        }
    }
    // The ranking: the mean over the two basins of the normalised sensitivities, sorted.
    let ranking = dir.join("ranking.csv");
    let (header, rows) = read_csv(&ranking);
    assert_eq!(header, ["rank", "attribute", "sensitivity", "basins"]);
    let attributes = ["p_mean", "elev_mean", "area_gages2"];
    let mut expected: Vec<(String, f64)> = (0..3)
        .map(|j| {
            (
                attributes[j].to_string(),
                (normalised[j] + normalised[3 + j]) / 2.0,
            )
        })
        .collect();
    expected.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (position, ((name, mean), row)) in expected.iter().zip(&rows).enumerate() {
        assert_eq!(row[0], (position + 1).to_string());
        assert_eq!(&row[1], name);
        assert!((row[2].parse::<f64>().unwrap() - mean).abs() < 1e-12);
        assert_eq!(row[3], "2");
    }
    // One basin chosen: its rows, the same values.
    let one = dir.join("one.csv");
    let (_, rows) = read_csv(&one);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r[0] == "01013500"));
    assert_eq!(csv_column(&one, "sensitivity"), sensitivity[..3]);
}

#[test]
fn noise_robustness_without_noise_reproduces_the_evaluation() {
    let runs = scratch("analyses-noise");
    let dir = run_in(
        &runs,
        &script(
            r#"
let noise = noise_robustness(base, sigmas = [0.0, 0.5], draws = 3, seed = 7)
write noise -> "noise.csv"
write noise.summary -> "summary.csv"
write evaluate(base, metrics = [nse]) -> "metrics.csv"
write predictions(base) -> "series.csv"
"#,
        ),
    );
    let path = dir.join("noise.csv");
    let (header, rows) = read_csv(&path);
    assert_eq!(header, ["basin", "sigma", "draw", "nse"]);
    assert_eq!(rows.len(), 2 * 2 * 3);
    let values = by_keys(&path, &["basin", "sigma", "draw"], "nse");
    let metrics = by_keys(&dir.join("metrics.csv"), &["basin"], "nse");
    let series = dir.join("series.csv");
    let (_, series_rows) = read_csv(&series);
    let observed = csv_column(&series, "observed");
    let simulated = csv_column(&series, "simulated");
    for basin in ["01013500", "03439000"] {
        // The textbook NSE of the run's predictions (as written, 6 decimals or more).
        let days: Vec<usize> = (0..series_rows.len())
            .filter(|&i| series_rows[i][1] == basin)
            .collect();
        let o: Vec<f64> = days.iter().map(|&i| observed[i]).collect();
        let s: Vec<f64> = days.iter().map(|&i| simulated[i]).collect();
        let textbook = nse(&o, &s);
        let evaluated = metrics[&vec![basin.to_string()]];
        assert!(
            (textbook - evaluated).abs() < 1e-4,
            "{textbook} {evaluated}"
        );
        for draw in 0..3 {
            let key = |sigma: &str| vec![basin.to_string(), sigma.to_string(), draw.to_string()];
            assert!(
                (values[&key("0")] - evaluated).abs() < 1e-12,
                "zero noise: {} against {evaluated}",
                values[&key("0")]
            );
            assert!(
                (values[&key("0.5")] - evaluated).abs() > 1e-9,
                "noise moves the NSE of {basin}"
            );
        }
    }
    // The summary recomputed from the trials.
    let summary = dir.join("summary.csv");
    let (header, rows) = read_csv(&summary);
    assert_eq!(
        header,
        [
            "sigma",
            "median_nse",
            "mean_nse",
            "min_nse",
            "max_nse",
            "trials",
            "undefined"
        ]
    );
    assert_eq!(rows.len(), 2);
    for (row, sigma) in rows.iter().zip(["0", "0.5"]) {
        assert_eq!(row[0], sigma);
        let mut level: Vec<f64> = values
            .iter()
            .filter(|(key, _)| key[1] == sigma)
            .map(|(_, v)| *v)
            .collect();
        level.sort_by(f64::total_cmp);
        assert_eq!(level.len(), 6);
        let cell = |j: usize| row[j].parse::<f64>().unwrap();
        assert!(
            (cell(1) - (level[2] + level[3]) / 2.0).abs() < 1e-12,
            "median"
        );
        assert!(
            (cell(2) - level.iter().sum::<f64>() / 6.0).abs() < 1e-12,
            "mean"
        );
        assert!((cell(3) - level[0]).abs() < 1e-12);
        assert!((cell(4) - level[5]).abs() < 1e-12);
        assert_eq!((row[5].as_str(), row[6].as_str()), ("6", "0"));
    }
}

#[test]
fn an_unknown_basin_is_reported_at_the_argument() {
    let source = script(
        r#"
let ig = integrated_gradients(base, steps = 1, samples = 1, basins = ["99999999"])
"#,
    );
    let options = RunOptions {
        runs_dir: scratch("analyses-unknown-basin"),
        device: None,
    };
    let error =
        run(&plan(&source), std::path::Path::new("s.hydro"), &options).expect_err("the run fails");
    let RunError::Script(diagnostic) = error else {
        panic!("a diagnostic, found {error:?}");
    };
    let offset = source.find("[\"99999999\"]").unwrap();
    assert_eq!(diagnostic.span.start, offset, "{diagnostic:?}");
    let rendered = format!("{diagnostic:?}");
    assert!(
        rendered.contains("99999999 is not in the data set"),
        "{rendered}"
    );
}
