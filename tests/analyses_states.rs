//! `cell_states`, `probe` and `input_gates` through the language on real data: the LSTM's
//! hidden states against its cell states, the probe against a least-squares fit computed here
//! from the written states, its scores against the written series, and the EA-LSTM's input
//! gates against the affine form of their logits in a single static attribute.

mod common;

use std::path::Path;

use common::*;
use hydro::evaluation::{run, RunError, RunOptions};

/// An LSTM on one basin trained on streamflow only (evapotranspiration is a target of weight 0).
const LSTM: &str = r#"
data camels = camels_us {
    root     = data_dir("camels_us")
    basins   = ["01031500"]
    forcing  = daymet
    inputs   = [prcp, tmax, tmin]
    targets  = [streamflow, et]
    train    = 2000-10-01..2001-09-30
    test     = 2001-10-01..2002-09-30
    lookback = 30
}
model net = lstm { hidden = 4 }
train flow_only = net on camels { loss = mse, target_weights = [1, 0], epochs = 1, batch = 64, seed = 1 }
"#;

/// The analyses of the LSTM run of [`LSTM`].
const LSTM_ANALYSES: &str = r#"
write cell_states(flow_only) -> "test_states.csv"
write cell_states(flow_only, period = train) -> "train_states.csv"
let et_probe = probe(flow_only, variable = et, fit = train, period = test)
write et_probe -> "scores.csv"
write et_probe.series -> "series.csv"
let in_sample = probe(flow_only, variable = et, fit = train, period = train)
write in_sample.series -> "fit_series.csv"
"#;

/// An EA-LSTM on three basins whose only static attribute is the catchment area.
const EALSTM: &str = r#"
data camels = camels_us {
    root     = data_dir("camels_us")
    basins   = ["01022500", "01031500", "01547700"]
    forcing  = daymet
    inputs   = [prcp, tmax, tmin]
    statics  = [area_gages2]
    train    = 2000-10-01..2001-09-30
    test     = 2001-10-01..2002-09-30
    lookback = 30
}
model gated = ealstm { hidden = 4 }
train gated_run = gated on camels { loss = mse, epochs = 1, batch = 64, seed = 2 }
let gates = input_gates(gated_run)
write gates -> "gates.csv"
write attributes(camels) -> "attributes.csv"
write cell_states(gated_run) -> "all_states.csv"
write cell_states(gated_run, basins = ["01031500"]) -> "one_basin_states.csv"
"#;

/// The columns `names` of a CSV file, row by row.
fn rows_of(path: &Path, names: &[String]) -> Vec<Vec<f64>> {
    let columns: Vec<Vec<f64>> = names.iter().map(|n| csv_column(path, n)).collect();
    (0..columns[0].len())
        .map(|k| columns.iter().map(|c| c[k]).collect())
        .collect()
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let factor = a[row][col] / pivot_row[col];
            for (x, p) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *x -= factor * p;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    x
}

/// Ordinary least squares `y ≈ w·x + b`: `[w.., b]` from the normal equations.
fn least_squares(x: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let width = x[0].len() + 1;
    let mut a = vec![vec![0.0; width]; width];
    let mut b = vec![0.0; width];
    for (row, target) in x.iter().zip(y) {
        let extended: Vec<f64> = row.iter().copied().chain([1.0]).collect();
        for i in 0..width {
            b[i] += extended[i] * target;
            for j in 0..width {
                a[i][j] += extended[i] * extended[j];
            }
        }
    }
    solve(a, b)
}

/// Pearson's correlation (the textbook formula).
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

#[test]
fn lstm_states_and_an_et_probe_agree_with_independent_computations() {
    let runs = scratch("analyses-states-lstm");
    let dir = run_in(&runs, &format!("{LSTM}{LSTM_ANALYSES}"));

    // States of every test day; h = o * tanh(c) with o in (0, 1).
    let states = dir.join("test_states.csv");
    let (header, rows) = read_csv(&states);
    let cells: Vec<String> = (0..4).map(|j| format!("c_{j}")).collect();
    let hidden: Vec<String> = (0..4).map(|j| format!("h_{j}")).collect();
    let mut expected = vec!["basin".to_string(), "date".to_string()];
    expected.extend(cells.iter().chain(&hidden).cloned());
    assert_eq!(header, expected);
    assert_eq!(rows.len(), 365);
    assert_eq!(rows[0][..2], ["01031500", "2001-10-01"]);
    assert_eq!(rows[364][1], "2002-09-30");
    let c = rows_of(&states, &cells);
    let h = rows_of(&states, &hidden);
    for (c_day, h_day) in c.iter().zip(&h) {
        for (c, h) in c_day.iter().zip(h_day) {
            assert!(h * c >= 0.0, "h {h} and c {c} of one sign");
            assert!(
                h.abs() <= c.tanh().abs() + 1e-6,
                "|h| {h} <= |tanh c| ({c})"
            );
        }
    }

    // The probe is the least-squares fit of the training days' et on their cell states.
    let (fit_observed, fit_c) = (
        csv_column(dir.join("fit_series.csv"), "observed"),
        rows_of(&dir.join("train_states.csv"), &cells),
    );
    assert_eq!((fit_observed.len(), fit_c.len()), (365, 365));
    let coefficients = least_squares(&fit_c, &fit_observed);
    let series = dir.join("series.csv");
    let (header, series_rows) = read_csv(&series);
    assert_eq!(header, ["date", "basin", "observed", "probed"]);
    assert_eq!(series_rows[0][..2], ["2001-10-01", "01031500"]);
    let observed = csv_column(&series, "observed");
    let probed = csv_column(&series, "probed");
    assert_eq!(probed.len(), 365);
    let spread = observed.iter().fold(0.0f64, |m, y| m.max(y.abs()));
    for (day, state) in c.iter().enumerate() {
        let mine: f64 = coefficients[4] + (0..4).map(|j| coefficients[j] * state[j]).sum::<f64>();
        assert!(
            (mine - probed[day]).abs() < 1e-4 * spread,
            "day {day}: {mine} vs {}",
            probed[day]
        );
    }

    // The scores are the NSE and r of the written series.
    let (header, score_rows) = read_csv(dir.join("scores.csv"));
    assert_eq!(header, ["basin", "nse", "r", "fit_samples", "test_samples"]);
    assert_eq!(
        score_rows,
        [[
            "01031500".to_string(),
            score_rows[0][1].clone(),
            score_rows[0][2].clone(),
            "365".to_string(),
            "365".to_string(),
        ]]
    );
    let score_nse = csv_column(dir.join("scores.csv"), "nse")[0];
    let score_r = csv_column(dir.join("scores.csv"), "r")[0];
    assert!(
        (score_nse - nse(&observed, &probed)).abs() < 1e-9,
        "{score_nse}"
    );
    assert!(
        (score_r - pearson(&observed, &probed)).abs() < 1e-9,
        "{score_r}"
    );
    assert!(score_nse < 1.0 && score_r.abs() <= 1.0);
}

#[test]
fn ealstm_gates_are_an_affine_logit_of_the_one_static_attribute() {
    let runs = scratch("analyses-states-ealstm");
    let dir = run_in(&runs, EALSTM);
    let gates = dir.join("gates.csv");
    let (header, rows) = read_csv(&gates);
    assert_eq!(header, ["basin", "gate_0", "gate_1", "gate_2", "gate_3"]);
    let basins: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(basins, ["01022500", "01031500", "01547700"]);
    let area = csv_column(dir.join("attributes.csv"), "area_gages2");
    assert!(area[0] != area[1] && area[1] != area[2] && area[0] != area[2]);
    // gate_j = sigmoid(w_j * z(area) + b_j) with z affine: the logits of the three basins lie
    // on one line over the area.
    for j in 0..4 {
        let gate = csv_column(&gates, &format!("gate_{j}"));
        assert!(gate.iter().all(|g| *g > 0.0 && *g < 1.0), "{gate:?}");
        let logit: Vec<f64> = gate.iter().map(|g| (g / (1.0 - g)).ln()).collect();
        let slope_01 = (logit[1] - logit[0]) / (area[1] - area[0]);
        let slope_02 = (logit[2] - logit[0]) / (area[2] - area[0]);
        let scale = slope_01.abs().max(slope_02.abs()).max(1e-12);
        assert!(
            (slope_01 - slope_02).abs() < 1e-3 * scale + 1e-9,
            "gate_{j}: slopes {slope_01} and {slope_02}"
        );
    }

    // The states of one chosen basin are its rows of the states of all basins.
    let (_, all) = read_csv(dir.join("all_states.csv"));
    let (_, one) = read_csv(dir.join("one_basin_states.csv"));
    assert_eq!(all.len(), 3 * 365);
    let chosen: Vec<_> = all.into_iter().filter(|r| r[0] == "01031500").collect();
    assert_eq!(one, chosen);
}

/// The diagnostic of a script that checks but fails while running, and the text it points at.
fn run_failure(script: &str) -> (String, String) {
    let options = RunOptions {
        runs_dir: scratch("analyses-states-failure"),
        device: None,
    };
    match run(&plan(script), Path::new("s.hydro"), &options) {
        Err(RunError::Script(error)) => {
            let pointed = script[error.span.start..error.span.end].to_string();
            (
                format!("{}\n{}", error.message, error.help.unwrap_or_default()),
                pointed,
            )
        }
        Err(other) => panic!("expected a diagnostic, got {other:?}"),
        Ok(_) => panic!("the script ran"),
    }
}

#[test]
fn unknown_variables_basins_and_architectures_are_reported_at_the_call() {
    let (message, pointed) = run_failure(&format!(
        "{LSTM}let p = probe(flow_only, variable = soil_moisture)\n"
    ));
    assert!(message.contains("soil_moisture"), "{message}");
    assert!(
        message.contains("et") && message.contains("prcp"),
        "{message}"
    );
    assert_eq!(pointed, "soil_moisture");

    let (message, pointed) = run_failure(&format!(
        "{LSTM}let s = cell_states(flow_only, basins = [\"01022500\"])\n"
    ));
    assert!(
        message.contains("01022500") && message.contains("01031500"),
        "{message}"
    );
    assert!(pointed.contains("01022500"), "{pointed}");

    let (message, pointed) = run_failure(&format!("{LSTM}let g = input_gates(flow_only)\n"));
    assert!(message.contains("not an EA-LSTM"), "{message}");
    assert_eq!(pointed, "input_gates(flow_only)");
}
