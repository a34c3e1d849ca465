//! The `gridded` data source and the CNN-LSTM through the language, on the mHM test domain:
//! cells become inputs named `variable[row,column]` whose values are the NetCDF file's, basin
//! means are the means over the domain's cells, and a tiny CNN-LSTM trains on the grids; the
//! checker refuses a CNN-LSTM on a data set without grids.

mod common;

use common::data_root;

use std::path::Path;

use hydro::checking::{check_text, Environment};
use hydro::data::gridded::{parse_cell_name, read_forcing, GridVariable};
use hydro::data::DateRange;
use hydro::evaluation::{run, RunOptions};
use hydro::syntax::render_plain;

fn env() -> Environment {
    Environment {
        data_root: data_root(),
        mode: Default::default(),
    }
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

const DATA: &str = r#"
data grids = gridded {
    root     = data_dir("mhm_test_domain/test_domain/input")
    basins   = ["00398"]
    inputs   = [pre, tavg]
    train    = 1990-01-01..1990-06-30
    test     = 1990-07-01..1990-09-30
    lookback = 20
}
"#;

#[test]
fn cell_names_round_trip() {
    assert_eq!(parse_cell_name("pre[3,2]"), Some(("pre", 3, 2)));
    assert_eq!(parse_cell_name("tavg[10,0]"), Some(("tavg", 10, 0)));
    assert_eq!(parse_cell_name("prcp"), None);
    assert_eq!(parse_cell_name("pre[3]"), None);
    assert_eq!(hydro::data::gridded::cell_name("pre", 3, 2), "pre[3,2]");
}

#[test]
fn cells_are_the_grid_values_and_outside_cells_are_zero() {
    let input = data_root().join("mhm_test_domain/test_domain/input");
    let variables = vec![GridVariable {
        path: input.join("meteo/tavg/tavg.nc"),
        name: "tavg".into(),
    }];
    let day = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let mut forcing = read_forcing(
        "00398",
        &variables,
        DateRange::new(day, day + chrono::Days::new(9)),
    )
    .unwrap();
    // Every cell of the test domain is inside it; mask one as a domain edge would.
    assert!(forcing.valid.iter().all(|&v| v));
    forcing.valid[7] = false;
    let (names, series) = forcing.cell_series();
    assert_eq!(names.len(), forcing.ny * forcing.nx);
    assert_eq!((forcing.ny, forcing.nx), (9, 6));
    for (k, name) in names.iter().enumerate() {
        let (variable, y, x) = parse_cell_name(name).unwrap();
        assert_eq!((variable, k), ("tavg", y * 6 + x));
        for (d, &v) in series[k].iter().enumerate() {
            if forcing.valid[y * 6 + x] {
                assert_eq!(v, forcing.value(0, d, y, x));
            } else {
                assert_eq!(v, 0.0, "outside the domain");
            }
        }
    }
    assert!(series[7].iter().all(|&v| v == 0.0));
    assert!(
        series[8].iter().any(|&v| v > 0.0),
        "it rained somewhere in ten January days"
    );
}

#[test]
fn cnn_lstm_trains_on_the_grids_and_basin_means_feed_a_lumped_lstm() {
    let script = format!(
        "{DATA}
data means = grids {{ layout = basin_mean }}
model cnn = cnn_lstm {{ conv_channels = [2, 4], hidden = 4, layers = 2 }}
model lumped = lstm {{ hidden = 4 }}
train c = cnn on grids {{ epochs = 3, batch = 16, learning_rate = 0.01, seed = 1 }}
train l = lumped on means {{ epochs = 1, batch = 16, seed = 1 }}
let s = evaluate(c, period = test, metrics = [nse])
write s -> \"s.csv\"
"
    );
    let plan = match check_text("g.hydro", None, script, &env()) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let runs_dir = std::env::temp_dir().join(format!("hydro-grid-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&runs_dir);
    let options = RunOptions {
        runs_dir,
        device: None,
    };
    let dir = run(&plan, Path::new("g.hydro"), &options).unwrap_or_else(|e| panic!("{e:?}"));
    let normalization: serde_json::Value =
        serde_json::from_str(&read(dir.join("c/normalization.json"))).unwrap();
    let names = normalization["inputs"]["names"].as_array().unwrap();
    assert_eq!(names.len(), 2 * 9 * 6, "every cell of both variables");
    assert_eq!(names[0], "pre[0,0]");
    assert_eq!(names[54], "tavg[0,0]");
    let lumped: serde_json::Value =
        serde_json::from_str(&read(dir.join("l/normalization.json"))).unwrap();
    assert_eq!(
        lumped["inputs"]["names"],
        serde_json::json!(["pre", "tavg"])
    );
    assert_eq!(lumped["targets"]["names"], serde_json::json!(["discharge"]));
    // The CNN-LSTM's training loss decreased and its weights were written.
    let log = read(dir.join("c/training_log.csv"));
    let losses: Vec<f64> = log
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(losses[2] < losses[0], "{losses:?}");
    assert!(dir.join("c/weights.bin").is_file());
    let config: serde_json::Value =
        serde_json::from_str(&read(dir.join("c/weights_config.json"))).unwrap();
    assert_eq!(
        (config["height"].as_u64(), config["width"].as_u64()),
        (Some(9), Some(6))
    );
    assert_eq!(config["conv_channels"], serde_json::json!([2, 4]));
    assert!(read(dir.join("s.csv")).contains("00398"));
}

#[test]
fn a_cnn_lstm_needs_a_gridded_data_set() {
    let script = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins = ["01013500"]
    train  = 2000-10-01..2003-09-30
}
model cnn = cnn_lstm {}
train t = cnn on camels { epochs = 1 }
"#;
    let Err((sources, errors)) = check_text("g.hydro", None, script.to_string(), &env()) else {
        panic!("checked without errors");
    };
    let text = render_plain(&errors, &sources);
    assert!(
        text.contains("the CNN-LSTM `cnn` convolves over grids"),
        "{text}"
    );
    assert!(text.contains("`layout = grid`"), "{text}");
}

#[test]
fn a_two_layer_lstm_trains_through_burn_on_the_basin_means() {
    let script = format!(
        "{DATA}
data means = grids {{ layout = basin_mean }}
model deep = lstm {{ hidden = 6, layers = 2 }}
train d = deep on means {{ epochs = 4, batch = 16, learning_rate = 0.01, seed = 3 }}
"
    );
    let plan = match check_text("g.hydro", None, script, &env()) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let runs_dir = std::env::temp_dir().join(format!("hydro-deep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&runs_dir);
    let options = RunOptions {
        runs_dir,
        device: None,
    };
    let dir = run(&plan, Path::new("g.hydro"), &options).unwrap_or_else(|e| panic!("{e:?}"));
    let log = read(dir.join("log.txt"));
    assert!(log.contains("burn engine"), "{log}");
    let config: serde_json::Value =
        serde_json::from_str(&read(dir.join("d/weights_config.json"))).unwrap();
    assert_eq!(config["layers"], 2);
    assert_eq!(
        (config["inputs"].as_u64(), config["hidden"].as_u64()),
        (Some(2), Some(6))
    );
    // 2 layers of 4 * 6 gates over (inputs + hidden + bias), and a head of 6 + 1:
    // 24 * (2 + 6 + 1) + 24 * (6 + 6 + 1) + 7 = 216 + 312 + 7 = 535.
    assert!(log.contains("535 parameters"), "{log}");
    let losses: Vec<f64> = read(dir.join("d/training_log.csv"))
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(losses[3] < losses[0], "{losses:?}");
}
