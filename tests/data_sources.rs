//! The data sources `caravan` and `daily_csv` and multi-task targets from scripts: `hydro check`
//! diagnostics (no data read), run-time diagnostics pointing into the script, loaded values
//! compared with the raw files by hand, and tiny training runs on the real shared data
//! (Caravan, MOPEX through `daily_csv`, CAMELS-US streamflow + SAC-SMA evapotranspiration).

mod common;

use common::{data_root, scratch};

use std::path::{Path, PathBuf};

use hydro::checking::plan::{Plan, Step, TrainSpec};
use hydro::checking::{check_text, Environment};
use hydro::evaluation::dataset::load;
use hydro::evaluation::{run, RunError, RunOptions};
use hydro::syntax::render_plain;

/// Checks `text` against a data root that does not exist (checking reads no data) and returns
/// the rendered diagnostics, empty when the script is fine.
fn check(text: &str) -> String {
    let env = Environment {
        data_root: PathBuf::from("/nonexistent/data"),
        mode: Default::default(),
    };
    match check_text("script.hydro", None, text.to_string(), &env) {
        Ok(_) => String::new(),
        Err((sources, errors)) => render_plain(&errors, &sources),
    }
}

/// The checked plan of `text` with the real data root.
fn plan(text: &str) -> Plan {
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    match check_text("script.hydro", None, text.to_string(), &env) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    }
}

fn first_train(plan: &Plan) -> &TrainSpec {
    plan.steps
        .iter()
        .find_map(|s| match s {
            Step::Train(t) => Some(t.as_ref()),
            _ => None,
        })
        .expect("a training run")
}

fn run_script(text: &str, name: &str) -> Result<PathBuf, (Plan, RunError)> {
    let plan = plan(text);
    let options = RunOptions {
        runs_dir: scratch(name),
        device: None,
    };
    run(&plan, Path::new(&format!("{name}.hydro")), &options).map_err(|e| (plan, e))
}

fn rendered(plan: &Plan, error: RunError) -> String {
    match error {
        RunError::Script(e) => render_plain(&[*e], &plan.sources),
        other => format!("{other:?}"),
    }
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// The NSE column of a metrics.csv (basin rows only).
fn nse_values(csv: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "nse")
        .expect("an nse column");
    lines
        .map(|l| l.split(',').nth(column).unwrap().parse::<f64>().unwrap())
        .collect()
}

const CARAVAN: &str = r#"
data swiss = caravan {
    root     = data_dir("caravan")
    basins   = ["camelsch_4001", "camelsch_4003"]
    inputs   = [total_precipitation_sum, temperature_2m_mean, potential_evaporation_sum]
    statics  = [p_mean, aridity, frac_snow]
    train    = 2000-01-01..2001-12-31
    test     = 2002-01-01..2002-12-31
    lookback = 30
}
model net = lstm { hidden = 8 }
train small = net on swiss { epochs = 2, batch = 64, seed = 3, learning_rate = 0.01 }
let scores = evaluate(small, period = test, metrics = [nse, kge])
print scores
"#;

const MOPEX: &str = r#"
data mopex = daily_csv {
    root     = data_dir("mopex30")
    basins   = ["25", "43"]
    file     = "{basin}_30years.csv"
    columns  = [Year, Month, Day, P, Ep, Q, Qs, Qu]
    inputs   = [P, Ep]
    target   = Q
    train    = 1980-01-01..1981-12-31
    test     = 1982-01-01..1982-12-31
    lookback = 30
}
model net = lstm { hidden = 8 }
train small = net on mopex { epochs = 2, batch = 64, seed = 3, learning_rate = 0.01 }
let scores = evaluate(small, period = test, metrics = [nse])
print scores
"#;

const MULTITASK: &str = r#"
data camels = camels_us {
    root     = data_dir("camels_us")
    basins   = ["01031500"]
    forcing  = daymet
    inputs   = [prcp, srad, tmax, tmin, vp]
    targets  = [streamflow, et]
    train    = 2000-10-01..2002-09-30
    test     = 2002-10-01..2003-09-30
    lookback = 30
}
model net = lstm { hidden = 8 }
train both = net on camels {
    loss = nse_star(eps = 0.1), target_weights = [1.0, 0.5], epochs = 2, batch = 64, seed = 3, learning_rate = 0.01
}
let flow = evaluate(both, period = test, metrics = [nse])
let et = evaluate(both, period = test, metrics = [nse], target = et)
print flow
print et
"#;

#[test]
fn scripts_of_every_source_check_without_data() {
    for script in [CARAVAN, MOPEX, MULTITASK] {
        assert_eq!(check(script), "");
    }
}

#[test]
fn check_reports_target_weights_of_the_wrong_length() {
    let out = check(&MULTITASK.replace("[1.0, 0.5]", "[1.0, 0.5, 2]"));
    assert!(out.contains("3 target weights for 2 targets"), "{out}");
    assert!(
        out.contains("data set `camels` has the targets [streamflow, et]"),
        "{out}"
    );
    // One target by default: two weights do not fit it.
    let out = check(&MULTITASK.replace("targets  = [streamflow, et]", ""));
    assert!(out.contains("2 target weights for 1 targets"), "{out}");
}

#[test]
fn check_reports_wrong_kinds_of_values_where_they_are() {
    let out = check(&MULTITASK.replace("[1.0, 0.5]", "[1.0, \"half\"]"));
    assert!(
        out.contains("`target_weights` expects a list of numbers"),
        "{out}"
    );
    assert!(out.contains("found a string"), "{out}");
    assert!(out.contains("script.hydro:14:"), "{out}");
    let out = check(&MOPEX.replace("file     = \"{basin}_30years.csv\"", "file = 30"));
    assert!(out.contains("`file` expects a string"), "{out}");
    let out = check(&MOPEX.replace("target   = Q", "target = Q\n    missing = [-999]"));
    assert!(out.contains("`missing` expects a list of strings"), "{out}");
    let out = check(&MULTITASK.replace(
        "target_weights = [1.0, 0.5]",
        "target_weights = [1.0, -0.5]",
    ));
    assert!(out.contains("`target_weights` is out of range"), "{out}");
}

#[test]
fn check_reports_unknown_targets_with_a_suggestion() {
    let out = check(&MULTITASK.replace("[streamflow, et]", "[streamflow, ett]"));
    assert!(out.contains("unknown name `ett` for `targets`"), "{out}");
    assert!(out.contains("did you mean `et`?"), "{out}");
    let out = check(&MULTITASK.replace("target = et)", "target = swe)"));
    assert!(
        out.contains("`swe` is not a target of data set `camels`"),
        "{out}"
    );
    let out = check(&MULTITASK.replace(
        "targets  = [streamflow, et]",
        "target = streamflow\n    targets = [streamflow, et]",
    ));
    assert!(out.contains("both `target` and `targets` are set"), "{out}");
    // A declaration deriving from the stdlib's (which sets `target = streamflow`) may set
    // `targets`: it replaces the inherited `target`.
    let derived = r#"
use "camels_us.hydro"
data camels = camels_us_daymet {
    basins = ["01031500"], targets = [streamflow, et]
    train = 2000-10-01..2002-09-30
}
model net = lstm { hidden = 8 }
train both = net on camels { target_weights = [1.0, 0.5] }
"#;
    assert_eq!(check(derived), "");
    assert!(
        check(&derived.replace("[1.0, 0.5]", "[1.0]")).contains("1 target weights for 2 targets")
    );
}

#[test]
fn check_reports_daily_csv_settings_that_do_not_fit_together() {
    let out = check(&MOPEX.replace("    target   = Q\n", ""));
    assert!(
        out.contains("a `daily_csv` data set needs its target column"),
        "{out}"
    );
    let out = check(&MOPEX.replace("\"{basin}_30years.csv\"", "\"25_30years.csv\""));
    assert!(out.contains("`file` does not contain `{basin}`"), "{out}");
    let out = check(&MOPEX.replace("target   = Q", "target = Q\n    target_units = m3_per_s"));
    assert!(out.contains("`m3_per_s` needs the basin area"), "{out}");
    let out = check(&MOPEX.replace("columns  =", "date = [Year, Month]\n    columns  ="));
    assert!(out.contains("`date` names 2 columns"), "{out}");
    let out = check(&CARAVAN.replace("\"camelsch_4003\"", "\"4003\""));
    assert!(out.contains("`4003` is not a Caravan basin id"), "{out}");
}

#[test]
fn an_unknown_caravan_column_points_at_the_script_with_a_suggestion() {
    let script = CARAVAN.replace("temperature_2m_mean,", "temperature_2m_maen,");
    let (plan, error) = run_script(&script, "bad-column").expect_err("unknown column");
    let out = rendered(&plan, error);
    assert!(
        out.contains("unknown column `temperature_2m_maen`"),
        "{out}"
    );
    assert!(out.contains("camelsch_4001.csv"), "{out}");
    assert!(out.contains("did you mean `temperature_2m_mean`?"), "{out}");
    // Line 5 of the script, where the misspelt input is written.
    assert!(out.contains("script.hydro:5:"), "{out}");
}

#[test]
fn a_bad_daily_csv_row_names_the_data_file_and_line() {
    let dir = scratch("bad-row-data");
    std::fs::write(
        dir.join("x.csv"),
        "date,p,q\n2000-01-01,1.0,0.5\n2000-01-02,oops,0.6\n2000-01-03,2.0,0.7\n",
    )
    .unwrap();
    let script = format!(
        r#"
data tiny = daily_csv {{
    root = "{}", basins = ["x"], inputs = [p], target = q
    train = 2000-01-02..2000-01-03, lookback = 1
}}
model net = lstm {{ hidden = 2 }}
train t = net on tiny {{ epochs = 1 }}
"#,
        dir.display()
    );
    let (plan, error) = run_script(&script, "bad-row").expect_err("malformed value");
    let out = rendered(&plan, error);
    assert!(out.contains("x.csv"), "{out}");
    assert!(out.contains("line 3"), "{out}");
    assert!(out.contains("oops"), "{out}");
}

#[test]
fn loaded_values_match_the_raw_files() {
    // caravan/timeseries/csv/camelsch/camelsch_4001.csv, line 7307 (2001-01-01):
    // temperature_2m_mean -1.4, total_precipitation_sum 0.14, potential_evaporation_sum 1.13,
    // streamflow 1.65 (mm/day).
    let caravan = plan(CARAVAN);
    let data = load(&first_train(&caravan).data).unwrap_or_else(|e| panic!("{e:?}"));
    let record = &data.records[0];
    assert_eq!(record.basin, "camelsch_4001");
    let day = record
        .index_of(chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap())
        .unwrap();
    assert_eq!(record.inputs[0][day], 0.14);
    assert_eq!(record.inputs[1][day], -1.4);
    assert_eq!(record.inputs[2][day], 1.13);
    assert_eq!(record.targets[0][day], 1.65);
    assert_eq!(data.static_names, ["p_mean", "aridity", "frac_snow"]);

    // mopex30/25_30years.csv has no header; line 1 is 1972-01-01 and the rows are daily, so
    // 1980-01-01 is line 1 + 2922 days = line 2923: `1980,1,1,P,Ep,Q,...`.
    let mopex = plan(MOPEX);
    let data = load(&first_train(&mopex).data).unwrap_or_else(|e| panic!("{e:?}"));
    let raw = read(data_root().join("mopex30/25_30years.csv"));
    let line: Vec<&str> = raw.lines().nth(2922).unwrap().split(',').collect();
    assert_eq!(&line[..3], ["1980", "1", "1"]);
    let record = &data.records[0];
    let day = record
        .index_of(chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap())
        .unwrap();
    assert_eq!(record.inputs[0][day], line[3].parse::<f32>().unwrap());
    assert_eq!(record.targets[0][day], line[5].parse::<f32>().unwrap());

    // camels_us/model_output/flow_timeseries/daymet/01/01031500_05_model_output.txt, line 7399
    // (2001 01 01): ET 0.2958 mm/day, the second target after streamflow.
    let multitask = plan(MULTITASK);
    let data = load(&first_train(&multitask).data).unwrap_or_else(|e| panic!("{e:?}"));
    let record = &data.records[0];
    assert_eq!(record.target_names, ["streamflow", "et"]);
    let day = record
        .index_of(chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap())
        .unwrap();
    assert!((record.targets[1][day] - 0.2958).abs() < 1e-6);
}

#[test]
fn a_small_caravan_lstm_trains_and_evaluates() {
    let dir = run_script(CARAVAN, "caravan").unwrap_or_else(|(p, e)| panic!("{}", rendered(&p, e)));
    let nse = nse_values(&read(dir.join("small/test/metrics.csv")));
    assert_eq!(nse.len(), 2);
    assert!(nse.iter().all(|v| v.is_finite()), "{nse:?}");
    let predictions = read(dir.join("small/test/predictions.csv"));
    assert!(predictions.starts_with("date,basin,observed,simulated\n"));
    // 2 basins x 365 days of 2002.
    assert_eq!(predictions.lines().count(), 1 + 2 * 365);
}

#[test]
fn a_small_lstm_trains_on_mopex_through_daily_csv() {
    let dir = run_script(MOPEX, "mopex").unwrap_or_else(|(p, e)| panic!("{}", rendered(&p, e)));
    let nse = nse_values(&read(dir.join("small/test/metrics.csv")));
    assert_eq!(nse.len(), 2);
    assert!(nse.iter().all(|v| v.is_finite()), "{nse:?}");
}

#[test]
fn a_multi_task_run_gives_metrics_for_both_targets() {
    let dir =
        run_script(MULTITASK, "multitask").unwrap_or_else(|(p, e)| panic!("{}", rendered(&p, e)));
    let flow = nse_values(&read(dir.join("both/test/metrics.csv")));
    let et = nse_values(&read(dir.join("both/test/metrics_et.csv")));
    assert_eq!((flow.len(), et.len()), (1, 1));
    assert!(flow[0].is_finite() && et[0].is_finite(), "{flow:?} {et:?}");
    assert_ne!(flow, et);
    let predictions = read(dir.join("both/test/predictions.csv"));
    let mut lines = predictions.lines();
    assert_eq!(
        lines.next().unwrap(),
        "date,basin,streamflow_observed,streamflow_simulated,et_observed,et_simulated"
    );
    // The first test day, 2002-10-01: the model output file
    // (camels_us/model_output/flow_timeseries/daymet/01/01031500_05_model_output.txt, line
    // 8037) has ET 1.1498 mm/day, written with four decimals as the observed ET.
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[..2], ["2002-10-01", "01031500"]);
    assert_eq!(first[4], "1.1498");
    let settings = read(dir.join("settings.json"));
    assert!(settings.contains("\"target_weights\""), "{settings}");
}

#[test]
fn daily_csv_reads_inputs_and_targets_from_two_files_and_converts_units() {
    // camels_ch/ch_sitter_appenzell/meteo.csv line 2: `01/01/1981,8.24,-0.98,0.42,0.58`
    // (date,precip(mm/day),temp(C),sunshine_dur(h),pet_sim(mm/day)); discharge.csv line 2:
    // `01/01/1981,1.064,1.235` (Date,Discharge (m3/s),Discharge (mm/d)).
    let script = |target: &str| {
        format!(
            r#"
data swiss = daily_csv {{
    root = data_dir("camels_ch"), basins = ["ch_sitter_appenzell"]
    file = "{{basin}}/meteo.csv", target_file = "{{basin}}/discharge.csv"
    inputs = [precip, temp, pet_sim], {target}
    train = 1981-01-01..1981-12-31, lookback = 1
}}
model net = lstm {{ hidden = 2 }}
train t = net on swiss {{ epochs = 1 }}
"#
        )
    };
    let checked = plan(&script("target = \"Discharge (mm/d)\""));
    let data = load(&first_train(&checked).data).unwrap_or_else(|e| panic!("{e:?}"));
    let record = &data.records[0];
    assert_eq!(
        record.dates[0],
        chrono::NaiveDate::from_ymd_opt(1981, 1, 1).unwrap()
    );
    assert_eq!(
        [
            record.inputs[0][0],
            record.inputs[1][0],
            record.inputs[2][0]
        ],
        [8.24, -0.98, 0.58]
    );
    assert_eq!(record.targets[0][0], 1.235);
    // 1.064 m^3/s over 74.43 km^2: 1.064 * 86400 / 74.43e6 * 1000 = 1.2351 mm/day, the file's
    // own mm/d column to its three decimals.
    let checked = plan(&script(
        "target = \"Discharge (m3/s)\", target_units = m3_per_s, area = 74.43",
    ));
    let data = load(&first_train(&checked).data).unwrap_or_else(|e| panic!("{e:?}"));
    let converted = data.records[0].targets[0][0];
    assert!(
        (converted - 1.064 * 86.4 / 74.43).abs() < 1e-5,
        "{converted}"
    );
    assert!((converted - 1.235).abs() < 5e-4, "{converted}");
}
