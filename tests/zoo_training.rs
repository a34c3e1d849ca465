//! The MC-LSTM and EXP-HYDRO through the language on the real CAMELS-US files: the checker's
//! diagnostics for a model that does not fit its data set, and tiny training runs whose run
//! directories show how the data was prepared (mass inputs and targets left in mm/day) and what
//! was learned (EXP-HYDRO's parameters within their published ranges).

use std::path::{Path, PathBuf};

use hydro::checking::{check_text, Environment};
use hydro::evaluation::{run, RunOptions};
use hydro::models::exphydro::{ExpHydroParameters, LOWER_BOUNDS, UPPER_BOUNDS};
use hydro::models::mclstm::McLstmWeights;
use hydro::syntax::render_plain;

fn env() -> Environment {
    Environment {
        data_root: std::env::var_os("HYDRO_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")),
        mode: Default::default(),
    }
}

fn run_script(name: &str, script: &str) -> PathBuf {
    let plan = match check_text("z.hydro", None, script.to_string(), &env()) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let runs_dir = std::env::temp_dir().join(format!("hydro-zoo-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&runs_dir);
    let options = RunOptions {
        runs_dir,
        device: None,
    };
    run(&plan, Path::new("z.hydro"), &options).unwrap_or_else(|e| panic!("run failed: {e:?}"))
}

fn check_errors(script: &str) -> String {
    match check_text("z.hydro", None, script.to_string(), &env()) {
        Ok(_) => panic!("checked without errors"),
        Err((sources, errors)) => render_plain(&errors, &sources),
    }
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Daymet forcings of 01031500 (record 1980..2014), no static attributes.
const DATA: &str = r#"
use "camels_us.hydro"
data camels = camels_us_daymet {
    basins   = ["01031500"]
    inputs   = [prcp, tmax, tmin, dayl, srad]
    statics  = []
    train    = 2000-10-01..2001-09-30
    test     = 2001-10-01..2002-09-30
    lookback = 60
}
"#;

#[test]
fn a_mass_input_the_data_set_does_not_read_is_a_diagnostic() {
    let text = check_errors(&format!(
        "{DATA}
model mc = mclstm {{ hidden = 4, mass_inputs = [swe] }}
train t = mc on camels {{ epochs = 1 }}
"
    ));
    assert!(text.contains("the MC-LSTM `mc` conserves `swe`"), "{text}");
    assert!(
        text.contains("has inputs [prcp, tmax, tmin, dayl, srad]"),
        "{text}"
    );
    assert!(text.contains("add `swe` to the `inputs`"), "{text}");
    let text = check_errors(&format!(
        "{DATA}
model mc = mclstm {{ hidden = 3, trash_cells = 3, mass_inputs = [prcp] }}
train t = mc on camels {{ epochs = 1 }}
"
    ));
    assert!(text.contains("has no cell left for runoff"), "{text}");
}

#[test]
fn exphydro_needs_its_four_forcings_and_no_statics() {
    let text = check_errors(
        r#"
use "camels_us.hydro"
data camels = camels_us_daymet {
    basins = ["01031500"]
    inputs = [prcp, tmax, srad]
    train  = 2000-10-01..2001-09-30
}
model bucket = exphydro {}
train t = bucket on camels { epochs = 1 }
"#,
    );
    assert!(
        text.contains("EXP-HYDRO `bucket` needs the forcings prcp, tmax, tmin, dayl"),
        "{text}"
    );
    assert!(text.contains("lacks tmin, dayl"), "{text}");
    assert!(text.contains("does not read static attributes"), "{text}");
}

#[test]
fn mclstm_trains_on_unscaled_precipitation_and_predicts_mm_per_day() {
    let dir = run_script(
        "mclstm",
        &format!(
            "{DATA}
model mc = mclstm {{ hidden = 4, mass_inputs = [prcp] }}
train t = mc on camels {{ epochs = 2, batch = 128, learning_rate = 0.01, seed = 2 }}
let s = evaluate(t, period = test, metrics = [nse])
write s -> \"s.csv\"
"
        ),
    );
    let normalization: serde_json::Value =
        serde_json::from_str(&read(dir.join("t/normalization.json"))).unwrap();
    let inputs = &normalization["inputs"];
    assert_eq!(inputs["names"][0], "prcp");
    assert_eq!(
        inputs["scaling"][0], "none",
        "the mass input stays in mm/day"
    );
    assert_eq!(
        inputs["scaling"][1], "z_score",
        "auxiliary inputs are normalised"
    );
    assert_eq!(normalization["targets"]["scaling"][0], "none");
    let weights: McLstmWeights = serde_json::from_str(&read(dir.join("t/weights.json"))).unwrap();
    assert_eq!(weights.shape.mass_inputs, 1);
    assert_eq!(weights.shape.aux_inputs, 4);
    assert_eq!((weights.shape.hidden, weights.shape.trash_cells), (4, 1));
    // Predictions are runoff in mm/day: never negative, and of the magnitude of the observed
    // flows (a model fed normalised precipitation or predicting normalised flow would be off by
    // orders of magnitude).
    let predictions = read(dir.join("t/test/predictions.csv"));
    let (mut observed, mut simulated) = (0.0, 0.0);
    for line in predictions.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let sim: f64 = cells[3].parse().unwrap();
        assert!(sim >= 0.0);
        simulated += sim;
        if let Ok(obs) = cells[2].parse::<f64>() {
            observed += obs;
        }
    }
    assert!(
        simulated > 0.05 * observed && simulated < 20.0 * observed,
        "simulated {simulated} vs observed {observed} mm"
    );
}

#[test]
fn exphydro_learns_parameters_within_their_ranges() {
    let dir = run_script(
        "exphydro",
        &format!(
            "{DATA}
model bucket = exphydro {{}}
train t = bucket on camels {{ epochs = 3, batch = 64, learning_rate = 0.1, seed = 1 }}
let s = evaluate(t, period = test, metrics = [nse])
write s -> \"s.csv\"
"
        ),
    );
    let normalization: serde_json::Value =
        serde_json::from_str(&read(dir.join("t/normalization.json"))).unwrap();
    for k in 0..4 {
        assert_eq!(normalization["inputs"]["scaling"][k], "none");
    }
    let saved: ExpHydroParameters =
        serde_json::from_str(&read(dir.join("t/weights.json"))).unwrap();
    let start = hydro::models::exphydro::ExpHydroConfig::new().parameters();
    assert_ne!(saved.theta, start.theta, "training moved the parameters");
    let physical = saved.physical().to_array();
    for ((value, low), high) in physical
        .iter()
        .zip(LOWER_BOUNDS.to_array())
        .zip(UPPER_BOUNDS.to_array())
    {
        assert!(
            (low..=high).contains(value),
            "{value} outside [{low}, {high}]"
        );
    }
    let csv = read(dir.join("t/weights_parameters.csv"));
    let row: Vec<f64> = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    for (a, b) in row.iter().zip(physical) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0));
    }
    // The training loss decreased.
    let log = read(dir.join("t/training_log.csv"));
    let losses: Vec<f64> = log
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(losses[2] < losses[0], "{losses:?}");
}
