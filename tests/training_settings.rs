//! Training settings on the real CAMELS-US files: a validation period with early stopping and a
//! learning-rate schedule, local training (one model per basin), training on a subset of whole
//! years, min-max scaling, the normalised squared-error loss, and the checker's diagnostics for
//! settings that need a validation period.

mod common;

use common::{data_root, scratch};

use std::path::{Path, PathBuf};

use hydro::checking::{check_text, Environment};
use hydro::evaluation::{run, RunOptions};
use hydro::syntax::render_plain;

fn env() -> Environment {
    Environment {
        data_root: data_root(),
        mode: Default::default(),
    }
}

/// Runs `script` and returns its run directory.
fn run_script(name: &str, script: &str) -> PathBuf {
    let plan = match check_text("s.hydro", None, script.to_string(), &env()) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let options = RunOptions {
        runs_dir: scratch(name),
        device: None,
    };
    run(&plan, Path::new("s.hydro"), &options).unwrap_or_else(|e| panic!("run failed: {e:?}"))
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// The rows of a CSV file as maps from column name to cell.
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

const DATA: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins     = ["01013500", "03439000"]
    train      = 2000-10-01..2003-09-30
    validation = 2003-10-01..2004-09-30
    test       = 2008-10-01..2009-09-30
    lookback   = 30
}
"#;

#[test]
fn early_stopping_keeps_the_best_epoch_and_the_step_schedule_decays() {
    // A learning rate far too high makes the validation loss worse after the first epochs, so
    // early stopping must end the run before the last of 30 epochs.
    let script = format!(
        "{DATA}
model net = lstm {{ hidden = 6 }}
train run = net on camels {{
    learning_rate = 0.05, epochs = 30, batch = 128, seed = 3, patience = 2,
    schedule = step(every = 1, factor = 0.5)
}}
let scores = evaluate(run, period = validation, metrics = [nse])
write scores -> \"scores.csv\"
"
    );
    let dir = run_script("early", &script);
    let log = csv_rows(&read(dir.join("run/training_log.csv")));
    assert!(
        log.len() < 30,
        "early stopping never stopped: {} epochs",
        log.len()
    );
    let validation: Vec<f64> = log
        .iter()
        .map(|r| r["validation_loss"].parse().unwrap())
        .collect();
    let best = validation
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    // It stopped exactly `patience` epochs after the best one.
    assert_eq!(best + 2 + 1, log.len(), "{validation:?}");
    // The learning rate halves every epoch.
    let rates: Vec<f64> = log
        .iter()
        .map(|r| r["learning_rate"].parse().unwrap())
        .collect();
    for pair in rates.windows(2) {
        assert!(
            (pair[1] - pair[0] * 0.5).abs() < 1e-9 * pair[0],
            "{rates:?}"
        );
    }
    assert!((rates[0] - 0.05).abs() < 1e-9);
    let text = read(dir.join("log.txt"));
    assert!(
        text.contains(&format!("keeping epoch {}", best + 1)),
        "{text}"
    );
    // The kept weights are those of the best epoch: a run of exactly that many epochs without
    // early stopping (same seed, so the same batches) scores the same on the validation period.
    let shorter = script
        .replace("epochs = 30", &format!("epochs = {}", best + 1))
        .replace("patience = 2,", "");
    let again = run_script("early-again", &shorter);
    assert_eq!(
        read(dir.join("scores.csv")),
        read(again.join("scores.csv")),
        "the restored weights are not the best epoch's"
    );
}

#[test]
fn local_training_builds_one_model_per_basin_on_its_own_samples() {
    let script = format!(
        "{DATA}
model net = lstm {{ hidden = 5 }}
train each = net on camels {{ mode = local, epochs = 2, batch = 256, seed = 1 }}
let scores = evaluate(each, period = test, metrics = [nse])
write scores -> \"scores.csv\"
"
    );
    let dir = run_script("local", &script);
    for basin in ["01013500", "03439000"] {
        assert!(
            dir.join(format!("each/weights_{basin}.mpk")).is_file(),
            "no model for {basin}"
        );
    }
    let log = csv_rows(&read(dir.join("each/training_log.csv")));
    assert_eq!(log.len(), 4, "two epochs for each of two basins");
    assert_eq!(log[0]["model"], "each [01013500]");
    assert_eq!(log[3]["model"], "each [03439000]");
    // Each basin's model saw only its own samples: 3 years = 1095 days, minus 0 missing,
    // so ceil(1095 / 256) = 5 batches per epoch (a regional model would run 9).
    let samples = csv_rows(&read(dir.join("each/training_samples.csv")));
    for (row, sample) in log
        .iter()
        .zip([&samples[0], &samples[0], &samples[1], &samples[1]])
    {
        let usable: usize = sample["usable_samples"].parse().unwrap();
        let batches: usize = row["batches"].parse().unwrap();
        assert_eq!(batches, usable.div_ceil(256), "{row:?}");
    }
    // The two basins' models differ.
    let a = std::fs::read(dir.join("each/weights_01013500.mpk")).unwrap();
    let b = std::fs::read(dir.join("each/weights_03439000.mpk")).unwrap();
    assert_ne!(a, b);
    let scores = csv_rows(&read(dir.join("scores.csv")));
    assert!(scores.iter().any(|r| r["basin"] == "01013500"));
}

#[test]
fn a_subset_of_whole_years_and_min_max_scaling() {
    let script = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = ["01013500"]
    train    = 1999-10-01..2005-09-30
    test     = 2008-10-01..2009-09-30
    lookback = 30
    scaling  = minmax
}
model net = lstm { hidden = 4 }
train few = net on camels {
    epochs = 1, batch = 256, seed = 1, train_years = 2, years_seed = 4,
    loss = normalized_squared_error
}
"#;
    let dir = run_script("years", script);
    let log = read(dir.join("log.txt"));
    // Two of the six water years 1999-10-01..2005-09-30, each 365 or 366 days long, starting on
    // an October 1st.
    let line = log
        .lines()
        .find(|l| l.contains("training on 2 of the years"))
        .unwrap_or_else(|| panic!("{log}"));
    let years: Vec<&str> = line.rsplit(": ").next().unwrap().split(", ").collect();
    assert_eq!(years.len(), 2, "{line}");
    let mut days = 0;
    for year in &years {
        let (start, end) = year.split_once("..").unwrap();
        assert!(
            start.ends_with("-10-01") && end.ends_with("-09-30"),
            "{year}"
        );
        let start = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
        let end = chrono::NaiveDate::parse_from_str(end, "%Y-%m-%d").unwrap();
        days += (end - start).num_days() + 1;
    }
    let samples = csv_rows(&read(dir.join("few/training_samples.csv")));
    let usable: i64 = samples[0]["usable_samples"].parse().unwrap();
    let missing: i64 = samples[0]["missing_target"].parse().unwrap();
    assert_eq!(
        usable + missing,
        days,
        "samples only from the two drawn years"
    );
    // Min-max statistics: offsets are minima, training inputs map into [0, 1].
    let normalization: serde_json::Value =
        serde_json::from_str(&read(dir.join("few/normalization.json"))).unwrap();
    let scaling = &normalization["inputs"]["scaling"];
    assert!(
        scaling.as_array().unwrap().iter().all(|s| s == "min_max"),
        "{scaling}"
    );
    let prcp = normalization["inputs"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .position(|n| n == "prcp")
        .unwrap();
    // Precipitation has dry days in any two years: its minimum is 0.
    assert_eq!(normalization["inputs"]["offset"][prcp], 0.0);
    // A different years_seed draws different years (6 choose 2 = 15 draws).
    let other = run_script(
        "years-other",
        &script.replace("years_seed = 4", "years_seed = 5"),
    );
    let other_log = read(other.join("log.txt"));
    let other_line = other_log
        .lines()
        .find(|l| l.contains("training on 2 of the years"))
        .unwrap();
    assert_ne!(line.rsplit(": ").next(), other_line.rsplit(": ").next());
}

#[test]
fn early_stopping_without_a_validation_period_is_a_diagnostic() {
    let script = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins = ["01013500"]
    train  = 2000-10-01..2003-09-30
}
model net = lstm { hidden = 4 }
train run = net on camels { patience = 3, schedule = plateau(patience = 2) }
"#;
    let Err((sources, errors)) = check_text("s.hydro", None, script.to_string(), &env()) else {
        panic!("checked without errors");
    };
    let text = render_plain(&errors, &sources);
    assert_eq!(errors.len(), 2, "{text}");
    assert!(
        text.contains("this setting needs a validation period"),
        "{text}"
    );
    assert!(text.contains("patience = 3"), "{text}");
    assert!(text.contains("plateau(patience = 2)"), "{text}");
    assert!(text.contains("set `validation ="), "{text}");
}
