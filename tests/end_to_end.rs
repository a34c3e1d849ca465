//! End to end on the real CAMELS-US files: a small regional LSTM trained twice with the same seed
//! (identical results), its training loss decreasing, and the run directory's contents; plus the
//! `hydro` binary's `check` and `run` exit codes and data-dependent diagnostics.

mod common;

use common::{data_root, scratch};

use std::path::{Path, PathBuf};
use std::process::Command;

use hydro::checking::{check_text, Environment};
use hydro::evaluation::{run, RunError, RunOptions};
use hydro::syntax::render_plain;

const SCRIPT: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = ["01013500", "03439000", "06221400"]
    train    = 2000-10-01..2003-09-30
    test     = 2008-10-01..2009-09-30
    lookback = 60
}
model net = lstm { hidden = 12, dropout = 0.2, initial_forget_bias = 3 }
train small = net on camels {
    loss = nse_star(eps = 0.1), learning_rate = 0.005, epochs = 4, batch = 64, seed = 7, clip_grad_norm = 1
}
let scores = evaluate(small, period = test, metrics = [nse, kge, rmse])
print scores
write scores -> "scores.csv"
"#;

fn run_once(runs_dir: &Path) -> PathBuf {
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    let plan = match check_text("small.hydro", None, SCRIPT.to_string(), &env) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let options = RunOptions {
        runs_dir: runs_dir.to_path_buf(),
        device: None,
    };
    run(&plan, Path::new("small.hydro"), &options).unwrap_or_else(|e| panic!("run failed: {e:?}"))
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn same_seed_same_results_and_the_loss_decreases() {
    let first = run_once(&scratch("first"));
    let second = run_once(&scratch("second"));

    // Identical predictions, metrics and training losses across two runs with the same seed.
    for file in [
        "small/test/predictions.csv",
        "small/test/metrics.csv",
        "small/training_log.csv",
    ] {
        let (a, b) = (read(first.join(file)), read(second.join(file)));
        let a: Vec<&str> = a
            .lines()
            .map(|l| {
                if file.ends_with("training_log.csv") {
                    l.rsplit_once(',').unwrap().0
                } else {
                    l
                }
            })
            .collect();
        let b: Vec<&str> = b
            .lines()
            .map(|l| {
                if file.ends_with("training_log.csv") {
                    l.rsplit_once(',').unwrap().0
                } else {
                    l
                }
            })
            .collect();
        assert_eq!(a, b, "{file} differs between two runs with the same seed");
    }

    // Training loss decreases from the first to the last epoch.
    let log = read(first.join("small/training_log.csv"));
    let losses: Vec<f64> = log
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(losses.len(), 4);
    assert!(
        losses[3] < losses[0] * 0.8,
        "loss did not decrease enough: {losses:?}"
    );

    // The run directory holds everything a user needs.
    for file in [
        "script.hydro",
        "settings.json",
        "log.txt",
        "scores.csv",
        "small/normalization.json",
        "small/weights.mpk",
        "small/training_samples.csv",
        "small/test/hydrographs/01013500.png",
        "small/test/hydrographs/06221400.png",
    ] {
        assert!(first.join(file).is_file(), "missing {file}");
    }
    let settings: serde_json::Value =
        serde_json::from_str(&read(first.join("settings.json"))).unwrap();
    let train = &settings["steps"][0];
    assert_eq!(train["step"], "train");
    assert_eq!(train["model"]["hidden"], 12);
    assert_eq!(train["data"]["lookback"], 60);
    assert_eq!(train["data"]["statics"].as_array().unwrap().len(), 27);

    // Predictions: one row per test day and basin (365 days x 3 basins), missing obs left empty,
    // simulated flows never negative.
    let predictions = read(first.join("small/test/predictions.csv"));
    let rows: Vec<Vec<&str>> = predictions
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 365 * 3);
    assert!(rows.iter().all(|r| r[3].parse::<f64>().unwrap() >= 0.0));
    assert_eq!(rows[0][0], "2008-10-01");
    assert_eq!(rows[0][1], "01013500");
    let metrics = read(first.join("small/test/metrics.csv"));
    assert_eq!(metrics.lines().next(), Some("basin,nse,kge,rmse"));
    assert_eq!(metrics.lines().count(), 4);
}

#[test]
fn data_errors_point_into_the_script() {
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    let cases = [
        // A basin without NLDAS forcing.
        (
            "\"06221400\"]",
            "\"06221400\", \"01234567\"]",
            "basin `01234567` not found",
        ),
        // A period before the record starts (NLDAS begins 1993-09-29 for these basins; 01013500
        // starts in 1980 but 03439000 does not).
        (
            "2000-10-01..2003-09-30",
            "1990-10-01..2003-09-30",
            "is outside the record of basin",
        ),
    ];
    for (from, to, expected) in cases {
        let script = SCRIPT.replace(from, to);
        let plan = check_text("bad.hydro", None, script, &env)
            .unwrap_or_else(|(s, e)| panic!("{}", render_plain(&e, &s)));
        let options = RunOptions {
            runs_dir: scratch("errors"),
            device: None,
        };
        match run(&plan, Path::new("bad.hydro"), &options) {
            Err(RunError::Script(error)) => {
                let text = render_plain(&[*error], &plan.sources);
                assert!(text.contains(expected), "{text}");
                assert!(
                    text.contains("bad.hydro:"),
                    "diagnostic points into the script: {text}"
                );
            }
            other => panic!("expected a script diagnostic, got {other:?}"),
        }
    }
}

#[test]
fn unknown_attribute_is_reported_at_its_name() {
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    let script = SCRIPT.replace(
        "lookback = 60",
        "lookback = 60, statics = [p_mean, aridityy]",
    );
    let plan = check_text("attr.hydro", None, script, &env)
        .unwrap_or_else(|(s, e)| panic!("{}", render_plain(&e, &s)));
    let options = RunOptions {
        runs_dir: scratch("attr"),
        device: None,
    };
    match run(&plan, Path::new("attr.hydro"), &options) {
        Err(RunError::Script(error)) => {
            let text = render_plain(&[*error], &plan.sources);
            assert!(text.contains("unknown attribute `aridityy`"), "{text}");
            assert!(text.contains("did you mean `aridity`?"), "{text}");
        }
        other => panic!("expected a script diagnostic, got {other:?}"),
    }
}

#[test]
fn the_binary_exits_non_zero_on_errors() {
    let dir = scratch("binary");
    let script = dir.join("broken.hydro");
    std::fs::write(&script, SCRIPT.replace("hidden = 12", "hiden = 12")).unwrap();
    for command in ["check", "run"] {
        let output = Command::new(env!("CARGO_BIN_EXE_hydro"))
            .args(
                [command, script.to_str().unwrap(), "--runs-dir"]
                    [..if command == "run" { 3 } else { 2 }]
                    .iter(),
            )
            .args(if command == "run" {
                vec![dir.join("runs").display().to_string()]
            } else {
                vec![]
            })
            .env("HYDRO_DATA", data_root())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{command} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("unknown setting `hiden` for `lstm`"),
            "{stderr}"
        );
        assert!(stderr.contains("1 error"), "{stderr}");
        assert!(
            !dir.join("runs").exists(),
            "nothing is run when checking fails"
        );
    }
    let good = dir.join("good.hydro");
    std::fs::write(&good, SCRIPT).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hydro"))
        .args(["check", good.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
