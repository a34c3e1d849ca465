//! `scenario` in scripts: hypothetical inputs (Yokoo et al.) on a tiny LSTM trained on the Rhone
//! at Gletsch (CAMELS-CH precipitation and temperature), the water balance against the observed
//! inputs and against zero precipitation, lists of inputs and changes applied in order.

mod common;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use common::*;
use hydro::evaluation::{run, RunOptions};

/// The Gletsch data set (min-max scaled as in the paper), a tiny LSTM and the given lines.
fn script(body: &str) -> String {
    format!(
        r#"
data gletsch = daily_csv {{
    root        = data_dir("camels_ch")
    basins      = ["ch_rhone_gletsch"]
    file        = "{{basin}}/meteo.csv"
    target_file = "{{basin}}/discharge.csv"
    inputs      = [precip, temp]
    target      = "Discharge (mm/d)"
    area        = 39.41
    scaling     = minmax
    train       = 2000-01-01..2000-12-31
    test        = 2001-01-01..2001-12-31
    lookback    = 30
}}
model net = lstm {{ hidden = 4 }}
train run = net on gletsch {{ loss = mse, epochs = 1, batch = 64, seed = 1 }}
{body}
"#
    )
}

/// Gletsch's precipitation (mm/day) by date, read from the CSV file.
fn observed_precipitation() -> Vec<(NaiveDate, f64)> {
    let text = read(data_root().join("camels_ch/ch_rhone_gletsch/meteo.csv"));
    text.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let date = NaiveDate::parse_from_str(cells[0], "%d/%m/%Y").unwrap();
            (date, cells[1].parse().unwrap())
        })
        .collect()
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * b.abs().max(1e-9)
}

fn sum(values: &[f64]) -> f64 {
    values.iter().sum()
}

/// The one-row summary's column `name`.
fn summary(dir: &Path, file: &str, name: &str) -> f64 {
    let values = csv_column(dir.join(file), name);
    assert_eq!(values.len(), 1, "one basin");
    values[0]
}

const AREA_KM2: f64 = 39.41;
const TEMPERATURE_CURVE: &str = "sinusoid(amplitude = 0.2, offset = 0.6, peak_day = 215)";

#[test]
fn water_balance_against_observed_inputs_and_against_zero_precipitation() {
    let body = format!(
        r#"
let dry = scenario(run, input = precip, change = zero)
write dry -> "dry.csv"
write dry.series -> "dry_series.csv"
write predictions(run) -> "predictions.csv"
let cold_dry = scenario(run, input = [precip, temp], change = [zero, {TEMPERATURE_CURVE}], units = scaled)
write cold_dry.series -> "cold_dry_series.csv"
let snow = scenario(run, input = [precip, precip, temp], change = [zero, seasonal(value = 0.03, from_day = 288, to_day = 74), {TEMPERATURE_CURVE}], units = scaled, relative_to = zero_precipitation)
write snow -> "snow.csv"
write snow.series -> "snow_series.csv"
let winter_only = scenario(run, input = precip, change = [zero, seasonal(value = 0.03, from_day = 288, to_day = 74)], units = scaled, relative_to = zero_precipitation, precipitation = precip)
write winter_only -> "winter_only.csv"
"#
    );
    let dir = run_in(&scratch("scenario-balance"), &script(&body));
    let precipitation = observed_precipitation();
    let in_year = |year: i32| -> Vec<f64> {
        precipitation
            .iter()
            .filter(|(d, _)| d.year() == year)
            .map(|(_, p)| *p)
            .collect()
    };
    let (test_year, train_year) = (in_year(2001), in_year(2000));
    assert_eq!((test_year.len(), train_year.len()), (365, 366));

    // Zero precipitation against the observed inputs: the baseline is the run's ordinary
    // simulation, the precipitation volumes are the test year's sum (0 for the scenario), and
    // the ratio is the runoff change over the precipitation change, from the written series.
    let (header, rows) = read_csv(dir.join("dry_series.csv"));
    assert_eq!(
        header,
        [
            "basin",
            "date",
            "observed_mm_day",
            "baseline_mm_day",
            "scenario_mm_day"
        ]
    );
    assert_eq!(rows.len(), 365);
    assert_eq!(rows[0][1], "2001-01-01");
    let baseline = csv_column(dir.join("dry_series.csv"), "baseline_mm_day");
    let dry = csv_column(dir.join("dry_series.csv"), "scenario_mm_day");
    assert_eq!(
        baseline,
        csv_column(dir.join("predictions.csv"), "simulated"),
        "the baseline is the ordinary prediction"
    );
    assert_ne!(baseline, dry, "the model reads precipitation");
    let volume = |depths: f64| depths * AREA_KM2 * 1000.0;
    let observed_volume = volume(sum(&test_year));
    assert!(close(
        summary(&dir, "dry.csv", "baseline_precipitation_m3"),
        observed_volume,
        1e-6
    ));
    assert_eq!(summary(&dir, "dry.csv", "scenario_precipitation_m3"), 0.0);
    assert!(close(
        summary(&dir, "dry.csv", "scenario_runoff_m3"),
        volume(sum(&dry)),
        1e-9
    ));
    let ratio = (volume(sum(&dry)) - volume(sum(&baseline))) / (0.0 - observed_volume);
    let written = summary(&dir, "dry.csv", "water_balance_ratio");
    assert!(close(written, ratio, 1e-6), "{written} {ratio}");

    // Constant precipitation in the snow-accumulation season with the temperature curve,
    // against zero precipitation with the same curve: the reference series is the scenario of
    // `cold_dry`, run on its own.
    let snow_reference = csv_column(dir.join("snow_series.csv"), "baseline_mm_day");
    let snow = csv_column(dir.join("snow_series.csv"), "scenario_mm_day");
    assert_eq!(
        snow_reference,
        csv_column(dir.join("cold_dry_series.csv"), "scenario_mm_day")
    );
    // 0.03 in min-max units of the training year's precipitation on the 152 days from
    // 15 October to 15 March (days 288..365 and 1..74 of 2001), 0 on the others.
    let (low, high) = train_year
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            (l.min(*p), h.max(*p))
        });
    let season_days = 365 - 288 + 1 + 74;
    let given = volume((0.03 * (high - low) + low) * season_days as f64);
    assert_eq!(summary(&dir, "snow.csv", "baseline_precipitation_m3"), 0.0);
    let written_given = summary(&dir, "snow.csv", "scenario_precipitation_m3");
    assert!(close(written_given, given, 1e-6), "{written_given} {given}");
    let ratio = (volume(sum(&snow)) - volume(sum(&snow_reference))) / given;
    let written = summary(&dir, "snow.csv", "water_balance_ratio");
    assert!(close(written, ratio, 1e-5), "{written} {ratio}");
    assert!(written.is_finite());

    // One input taking two changes in turn gives the same precipitation (observed
    // temperature, so another runoff); its reference is the zero-precipitation simulation with
    // the observed temperature, the scenario of `dry`.
    let winter_given = summary(&dir, "winter_only.csv", "scenario_precipitation_m3");
    assert!(close(winter_given, given, 1e-6));
    assert_eq!(
        summary(&dir, "winter_only.csv", "baseline_precipitation_m3"),
        0.0
    );
    assert!(close(
        summary(&dir, "winter_only.csv", "baseline_runoff_m3"),
        volume(sum(&dry)),
        1e-9
    ));
}

#[test]
fn inputs_and_changes_that_do_not_fit_are_refused() {
    // At check time: a misspelt change in a list, a sinusoid without its peak day, an unknown
    // reference.
    let text = errors(&script(
        "let s = scenario(run, input = [precip, temp], change = [zero, sinusiod(amplitude = 1, peak_day = 200)])",
    ));
    assert!(text.contains("sinusoid"), "{text}");
    let text = errors(&script(
        "let s = scenario(run, input = temp, change = sinusoid(amplitude = 0.2))",
    ));
    assert!(text.contains("peak_day"), "{text}");
    let text = errors(&script(
        "let s = scenario(run, input = precip, change = zero, relative_to = zero_precip)",
    ));
    assert!(text.contains("zero_precipitation"), "{text}");

    // At run time: lists of different lengths, an input the run does not have.
    let runs = scratch("scenario-refused");
    let failure = |body: &str| -> String {
        let options = RunOptions {
            runs_dir: runs.clone(),
            device: None,
        };
        match run(&plan(&script(body)), &PathBuf::from("s.hydro"), &options) {
            Ok(_) => panic!("the script ran: {body}"),
            Err(error) => format!("{error:?}"),
        }
    };
    let text = failure(
        "let s = scenario(run, input = [precip, temp, temp], change = [zero, shift(by = 1)])",
    );
    assert!(text.contains("3 inputs but 2 changes"), "{text}");
    let text = failure("let s = scenario(run, input = swe, change = zero)");
    assert!(
        text.contains("no input `swe`") && text.contains("precip, temp"),
        "{text}"
    );
}
