//! Hypothetical-input scenarios (Yokoo et al.): each input change worked by hand, day-of-year
//! seasons across New Year and in leap years, scaled-to-physical conversion, runoff and
//! precipitation volumes, the water-balance ratio of a synthetic model whose answer is known,
//! and a tiny trained LSTM on the real CAMELS-US files run on zero precipitation.

mod common;

use common::data_root;

use chrono::NaiveDate;
use hydro::analysis::scenarios::{
    in_season, volume_m3, water_balance_ratio, InputChange, Units, WaterBalance,
    CUBIC_METRES_PER_MM_KM2,
};
use hydro::checking::plan::Step;
use hydro::checking::{check_text, Environment};
use hydro::data::{DateRange, FeatureStats, Scaling};
use hydro::evaluation::dataset;
use hydro::evaluation::evaluate::predict;
use hydro::evaluation::scenario::{
    precipitation_input, run_scenario, scenario_data, series_table, Reference,
};
use hydro::evaluation::training_run;
use hydro::evaluation::RunDirectory;
use hydro::syntax::render_plain;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn days(start: NaiveDate, n: usize) -> Vec<NaiveDate> {
    start.iter_days().take(n).collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn replace_zero_scale_and_shift_change_only_the_days_of_the_range() {
    let dates = days(d(2000, 1, 1), 5);
    let values = [1.0, 2.0, 3.0, 4.0, 5.0];
    let range = DateRange::new(d(2000, 1, 2), d(2000, 1, 4));
    let apply = |change: InputChange| change.apply(&dates, &values, range);
    assert_eq!(apply(InputChange::Replace(7.5)), [1.0, 7.5, 7.5, 7.5, 5.0]);
    assert_eq!(apply(InputChange::Zero), [1.0, 0.0, 0.0, 0.0, 5.0]);
    assert_eq!(apply(InputChange::Scale(0.5)), [1.0, 1.0, 1.5, 2.0, 5.0]);
    assert_eq!(
        apply(InputChange::Shift(-2.5)),
        [1.0, -0.5, 0.5, 1.5, 5.0],
        "a shift does not clip at zero"
    );
    // A range reaching beyond the series changes the days the series has.
    let wide = DateRange::new(d(1999, 12, 1), d(2000, 2, 1));
    assert_eq!(InputChange::Zero.apply(&dates, &values, wide), [0.0; 5]);
}

#[test]
fn a_season_runs_across_new_year_by_day_of_the_year() {
    // Mid-October to mid-March as days of the year 288..=74. 2000 is a leap year: day 288 is
    // 14 October 2000 (274 days to the end of September); in 2001 day 74 is 15 March (59 days to
    // the end of February). Days from 2000-10-01 to 2001-03-31 in the season: 14 Oct 2000 to
    // 15 Mar 2001 = 18 + 30 + 31 + 31 + 28 + 15 = 153 days (counted again with Python's
    // `date.timetuple().tm_yday` over the same days: 153, first 2000-10-14, last 2001-03-15).
    let dates: Vec<NaiveDate> = d(2000, 10, 1)
        .iter_days()
        .take_while(|x| *x <= d(2001, 3, 31))
        .collect();
    let values = vec![0.5_f32; dates.len()];
    let change = InputChange::SeasonalConstant {
        value: 3.0,
        from_doy: 288,
        to_doy: 74,
    };
    let range = DateRange::new(dates[0], *dates.last().unwrap());
    let changed = change.apply(&dates, &values, range);
    let in_it: Vec<NaiveDate> = dates
        .iter()
        .zip(&changed)
        .filter(|(_, v)| **v == 3.0)
        .map(|(x, _)| *x)
        .collect();
    assert_eq!(in_it.len(), 153);
    assert_eq!(in_it[0], d(2000, 10, 14));
    assert_eq!(*in_it.last().unwrap(), d(2001, 3, 15));
    assert!(
        changed.iter().all(|v| *v == 3.0 || *v == 0.5),
        "others kept"
    );
    // In a common year day 288 is 15 October.
    assert!(!in_season(d(2001, 10, 14), 288, 74));
    assert!(in_season(d(2001, 10, 15), 288, 74));
    // A season within the year, and day 366, which only leap years have.
    assert!(in_season(d(2001, 6, 1), 100, 200));
    assert!(!in_season(d(2001, 1, 1), 100, 200));
    assert!(in_season(d(2000, 12, 31), 366, 366));
    assert!(!in_season(d(2001, 12, 31), 366, 366));
    assert!(in_season(d(2000, 2, 29), 60, 60), "29 February is day 60");
    assert!(
        in_season(d(2001, 3, 1), 60, 60),
        "1 March is day 60 of 2001"
    );
}

#[test]
fn the_sinusoid_is_a_curve_of_the_day_of_the_year() {
    // The paper's annual temperature curve between 0.2 and 0.9 (amplitude 0.35 around 0.55),
    // here with its maximum on day 210. Reference values from Python:
    // `0.55 + 0.35 * np.cos(2 * np.pi * (date.timetuple().tm_yday - 210) / 365)`.
    let change = InputChange::Sinusoid {
        period_days: 365.0,
        amplitude: 0.35,
        offset: 0.55,
        peak_day: 210.0,
    };
    let expected = [
        (d(2001, 7, 29), 0.9),
        (d(2001, 1, 1), 0.235_789_812_263_018_32),
        (d(2001, 10, 27), 0.557_530_634_102_677_8),
        (d(2001, 4, 15), 0.467_928_013_650_356_63),
        (d(2002, 4, 15), 0.467_928_013_650_356_63),
        // Day 366 of a leap year: one period after 1 January.
        (d(2000, 12, 31), 0.235_789_812_263_018_26),
    ];
    for (date, value) in expected {
        let got = change.value_on(date, 12.0);
        assert!(close(got, value, 1e-12), "{date}: {got} vs {value}");
    }
    // Applied to a series: the f32 values of the curve on the days of the range only.
    let dates = days(d(2001, 7, 28), 3);
    let range = DateRange::new(d(2001, 7, 29), d(2001, 7, 30));
    let changed = change.apply(&dates, &[-1.0, -1.0, -1.0], range);
    assert_eq!(changed[0], -1.0);
    assert_eq!(changed[1], 0.9_f32);
    assert!(changed[2] < 0.9 && changed[2] > 0.899);
}

/// Min-max statistics of precipitation (0..101.2 mm/day) and temperature (-20..21.6 deg C): the
/// paper's scaled 0.01 of precipitation is about 1.01 mm and 0.05 of temperature 2.08 deg C.
fn minmax_stats() -> FeatureStats {
    FeatureStats {
        names: vec!["prcp".into(), "tmean".into()],
        scaling: vec![Scaling::MinMax, Scaling::MinMax],
        offset: vec![0.0, -20.0],
        scale: vec![101.2, 41.6],
    }
}

#[test]
fn scaled_numbers_convert_as_levels_differences_or_factors() {
    let stats = minmax_stats();
    let physical = |change: InputChange, k| change.in_physical_units(Units::Scaled, &stats, k);
    // Levels: value * scale + offset. 0.03 * 101.2 = 3.036 mm; 0.5 * 41.6 - 20 = 0.8 deg C.
    match physical(InputChange::Replace(0.5), 1) {
        InputChange::Replace(x) => assert!(close(x, 0.8, 1e-12), "{x}"),
        other => panic!("{other:?}"),
    }
    match physical(
        InputChange::SeasonalConstant {
            value: 0.03,
            from_doy: 288,
            to_doy: 74,
        },
        0,
    ) {
        InputChange::SeasonalConstant {
            value,
            from_doy: 288,
            to_doy: 74,
        } => assert!(close(value, 3.036, 1e-12), "{value}"),
        other => panic!("{other:?}"),
    }
    // Differences: value * scale. The paper's shift of 0.05 is 2.08 deg C.
    match physical(InputChange::Shift(0.05), 1) {
        InputChange::Shift(x) => assert!(close(x, 2.08, 1e-12), "{x}"),
        other => panic!("{other:?}"),
    }
    // The sinusoid 0.2..0.9: amplitude 0.35 * 41.6 = 14.56, mean 0.55 * 41.6 - 20 = 2.88 deg C,
    // so -11.68..17.44 deg C.
    match physical(
        InputChange::Sinusoid {
            period_days: 365.0,
            amplitude: 0.35,
            offset: 0.55,
            peak_day: 210.0,
        },
        1,
    ) {
        InputChange::Sinusoid {
            period_days,
            amplitude,
            offset,
            peak_day,
        } => {
            assert_eq!((period_days, peak_day), (365.0, 210.0));
            assert!(close(amplitude, 14.56, 1e-12), "{amplitude}");
            assert!(close(offset, 2.88, 1e-12), "{offset}");
        }
        other => panic!("{other:?}"),
    }
    // Factors and zero are the same in both units; physical numbers are left alone.
    assert_eq!(
        physical(InputChange::Scale(1.5), 1),
        InputChange::Scale(1.5)
    );
    assert_eq!(physical(InputChange::Zero, 1), InputChange::Zero);
    assert_eq!(
        InputChange::Shift(0.05).in_physical_units(Units::Physical, &stats, 1),
        InputChange::Shift(0.05)
    );
    // Z-scores: 1.5 standard deviations (4) above the mean (10) is 16.
    let zscore = FeatureStats {
        names: vec!["tmax".into()],
        scaling: vec![Scaling::ZScore],
        offset: vec![10.0],
        scale: vec![4.0],
    };
    assert_eq!(
        InputChange::Replace(1.5).in_physical_units(Units::Scaled, &zscore, 0),
        InputChange::Replace(16.0)
    );
}

#[test]
fn changes_that_cannot_apply_are_refused() {
    let season = |from_doy, to_doy| InputChange::SeasonalConstant {
        value: 1.0,
        from_doy,
        to_doy,
    };
    assert!(season(288, 74).check().is_ok());
    assert!(season(0, 74).check().unwrap_err().contains("1..366"));
    assert!(season(288, 367).check().unwrap_err().contains("not 367"));
    let sinusoid = |period_days| InputChange::Sinusoid {
        period_days,
        amplitude: 1.0,
        offset: 0.0,
        peak_day: 1.0,
    };
    assert!(sinusoid(365.0).check().is_ok());
    assert!(sinusoid(0.0).check().unwrap_err().contains("positive"));
    assert!(InputChange::Replace(f64::NAN).check().is_err());
}

#[test]
fn volumes_are_depths_times_area() {
    // 1 mm over 1 km^2 = 0.001 m * 1e6 m^2 = 1000 m^3.
    assert_eq!(CUBIC_METRES_PER_MM_KM2, 1000.0);
    assert_eq!(volume_m3(&[1.0], 1.0), 1000.0);
    // 2 + 3 mm over 2.5 km^2 = 5 * 2.5 * 1000 = 12500 m^3.
    assert_eq!(volume_m3(&[2.0, 3.0], 2.5), 12_500.0);
    // The paper's check: a constant 0.01 scaled (1.012 mm/day) during a 160-day season over
    // the 12,850 km^2 upstream of Ishikari Ohashi: 1.012 * 160 * 12850 * 1000 m^3 = 2.08 km^3
    // (the paper reports 2.08 km^3).
    let season = vec![1.012; 160];
    let volume = volume_m3(&season, 12_850.0);
    assert!(close(volume, 2_080_672_000.0, 1e-12), "{volume}");
    assert!(volume_m3(&[1.0, f64::NAN], 1.0).is_nan());
}

/// A synthetic model with a known share of precipitation reaching runoff: base flow 0.5 mm/day
/// plus `share` of the precipitation of two days before.
fn lagged_runoff(precipitation: &[f64], share: f64) -> Vec<f64> {
    (0..precipitation.len())
        .map(|t| {
            0.5 + if t >= 2 {
                share * precipitation[t - 2]
            } else {
                0.0
            }
        })
        .collect()
}

#[test]
fn the_ratio_of_a_synthetic_model_is_its_share_of_precipitation() {
    // Eight days; the last two without precipitation in both simulations, so all of it has
    // reached runoff by the end. Baseline precipitation 1, 0, 4, 2, 0, 3, 0, 0 (10 mm);
    // scenario: the days 2..=4 (positions 1..=3) replaced by 5 mm -> 1, 5, 5, 5, 0, 3, 0, 0 (19 mm).
    let dates = days(d(2001, 1, 1), 8);
    let baseline_p = [1.0_f32, 0.0, 4.0, 2.0, 0.0, 3.0, 0.0, 0.0];
    let scenario_p = InputChange::Replace(5.0).apply(
        &dates,
        &baseline_p,
        DateRange::new(d(2001, 1, 2), d(2001, 1, 4)),
    );
    assert_eq!(scenario_p, [1.0, 5.0, 5.0, 5.0, 0.0, 3.0, 0.0, 0.0]);
    let to_f64 = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    let (baseline_p, scenario_p) = (to_f64(&baseline_p), to_f64(&scenario_p));
    let baseline_q = lagged_runoff(&baseline_p, 0.4);
    let scenario_q = lagged_runoff(&scenario_p, 0.4);
    // Runoff: 8 * 0.5 + 0.4 * 10 = 8 mm and 8 * 0.5 + 0.4 * 19 = 11.6 mm; over 3 km^2
    // 24000 and 34800 m^3; precipitation 30000 and 57000 m^3.
    let area = 3.0;
    let balance = WaterBalance::new(&baseline_q, &scenario_q, &baseline_p, &scenario_p, area);
    assert!(close(balance.baseline_runoff_m3, 24_000.0, 1e-12));
    assert!(close(balance.scenario_runoff_m3, 34_800.0, 1e-12));
    assert_eq!(balance.baseline_precipitation_m3, 30_000.0);
    assert_eq!(balance.scenario_precipitation_m3, 57_000.0);
    // (34800 - 24000) / (57000 - 30000) = 10800 / 27000 = 0.4, whatever the area.
    let ratio = water_balance_ratio(&baseline_q, &scenario_q, &baseline_p, &scenario_p, area);
    assert!(close(ratio, 0.4, 1e-12), "{ratio}");
    let elsewhere = water_balance_ratio(&baseline_q, &scenario_q, &baseline_p, &scenario_p, 500.0);
    assert!(close(elsewhere, 0.4, 1e-12), "{elsewhere}");
    // A mass-conserving model passes all of it on; unchanged precipitation has no ratio.
    let full = water_balance_ratio(
        &lagged_runoff(&baseline_p, 1.0),
        &lagged_runoff(&scenario_p, 1.0),
        &baseline_p,
        &scenario_p,
        area,
    );
    assert!(close(full, 1.0, 1e-12), "{full}");
    assert!(water_balance_ratio(&baseline_q, &scenario_q, &baseline_p, &baseline_p, area).is_nan());
}

#[test]
fn precipitation_is_recognised_by_its_short_name() {
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(precipitation_input(&names(&["tmax", "prcp"])), Some(1));
    assert_eq!(
        precipitation_input(&names(&["temp(C)", "precip(mm/day)"])),
        Some(1)
    );
    assert_eq!(
        precipitation_input(&names(&["total_precipitation_sum"])),
        Some(0)
    );
    assert_eq!(precipitation_input(&names(&["P", "Ep"])), Some(0));
    assert_eq!(precipitation_input(&names(&["tmax", "srad"])), None);
}

#[test]
fn zero_precipitation_changes_only_precipitation_of_a_trained_lstm() {
    // A tiny LSTM (hidden 4, one epoch) on one basin's Daymet forcings, min-max scaled.
    let script = r#"
use "camels_us.hydro"
data camels = camels_us_daymet {
    basins   = ["01031500"]
    inputs   = [prcp, tmax, tmin]
    statics  = []
    train    = 2000-10-01..2001-09-30
    test     = 2001-10-01..2002-09-30
    lookback = 30
    scaling  = minmax
}
model small = lstm { hidden = 4 }
train t = small on camels { epochs = 1, batch = 128, seed = 3 }
"#;
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    let plan = check_text("s.hydro", None, script.to_string(), &env)
        .unwrap_or_else(|(sources, errors)| panic!("{}", render_plain(&errors, &sources)));
    let Some(Step::Train(spec)) = plan.steps.first() else {
        panic!("the first step trains")
    };
    let runs_dir = std::env::temp_dir().join(format!("hydro-scenarios-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&runs_dir);
    let run_dir = RunDirectory::create(&runs_dir, "s").unwrap();
    let data = dataset::load(&spec.data).unwrap_or_else(|e| panic!("{e:?}"));
    let mut run = training_run::train(spec, &data, &run_dir).unwrap_or_else(|e| panic!("{e:?}"));
    let test = DateRange::new(d(2001, 10, 1), d(2002, 9, 30));
    let changes = vec![("prcp".to_string(), InputChange::Zero, Units::Physical)];

    // The changed data: precipitation zero over the test year and its 29-day warm-up
    // (from 2001-09-02), everything else bit for bit as loaded.
    let changed = scenario_data(&run, &data, test, &changes).unwrap();
    let (before, after) = (&data.records[0], &changed.records[0]);
    assert_eq!(before.dates, after.dates);
    assert_eq!(before.targets, after.targets);
    assert_eq!(
        before.inputs[1..],
        after.inputs[1..],
        "tmax and tmin unchanged"
    );
    assert_eq!(before.area_km2, after.area_km2);
    let warm_up_start = d(2001, 9, 2);
    let mut zeroed = 0;
    for (k, date) in before.dates.iter().enumerate() {
        if DateRange::new(warm_up_start, test.end).contains(*date) {
            assert_eq!(after.inputs[0][k], 0.0, "{date}");
            zeroed += 1;
        } else {
            assert_eq!(after.inputs[0][k], before.inputs[0][k], "{date}");
        }
    }
    assert_eq!(zeroed, 365 + 29);
    assert!(
        before.inputs[0][before.index_of(test.start).unwrap()..]
            .iter()
            .any(|p| *p > 0.0),
        "the observed test year has precipitation"
    );

    let result = run_scenario(&mut run, &data, test, &changes, None, Reference::Observed).unwrap();
    let (baseline, scenario) = (&result.baseline[0], &result.scenario[0]);
    assert_eq!(baseline.dates.len(), 365);
    assert_eq!(baseline.dates[0], test.start);
    assert_eq!(scenario.dates, baseline.dates);
    assert_eq!(scenario.observed, baseline.observed);
    assert_eq!(scenario.simulated[0].len(), 365);
    // The baseline is the run's ordinary prediction of the period.
    let ordinary = predict(&mut run, &data, test);
    assert_eq!(ordinary[0].simulated, baseline.simulated);
    // The model reads precipitation, so the simulation changes.
    assert_ne!(scenario.simulated, baseline.simulated);

    // The summary, recomputed from the series and the record: volumes in m^3 over the test
    // year, scenario precipitation zero.
    let area = before.area_km2;
    let start = before.index_of(test.start).unwrap();
    let observed_p: f64 = before.inputs[0][start..start + 365]
        .iter()
        .map(|&p| f64::from(p))
        .sum();
    let runoff = |s: &[f64]| s.iter().sum::<f64>() * area * 1000.0;
    let row = |column: &str| result.summary.numbers(column).unwrap()[0].unwrap();
    assert_eq!(result.summary.texts("basin").unwrap(), ["01031500"]);
    assert!(close(
        row("baseline_precipitation_m3"),
        observed_p * area * 1000.0,
        1e-12
    ));
    assert_eq!(row("scenario_precipitation_m3"), 0.0);
    assert!(close(
        row("baseline_runoff_m3"),
        runoff(&baseline.simulated[0]),
        1e-12
    ));
    assert!(close(
        row("scenario_runoff_m3"),
        runoff(&scenario.simulated[0]),
        1e-12
    ));
    let expected_ratio = (runoff(&scenario.simulated[0]) - runoff(&baseline.simulated[0]))
        / (0.0 - observed_p * area * 1000.0);
    assert!(close(row("water_balance_ratio"), expected_ratio, 1e-12));

    // The day-by-day table.
    let series = series_table(&result);
    assert_eq!(series.rows.len(), 365);
    assert_eq!(series.texts("date").unwrap()[0], "2001-10-01");
    assert_eq!(
        series.numbers("scenario_mm_day").unwrap()[10],
        Some(scenario.simulated[0][10])
    );

    // No change against the zero-precipitation reference: the reference is the simulation
    // without precipitation above, the scenario the observed one, so the ratio is the same.
    let against_zero = run_scenario(
        &mut run,
        &data,
        test,
        &[],
        Some("prcp"),
        Reference::ZeroPrecipitation,
    )
    .unwrap();
    assert_eq!(against_zero.baseline[0].simulated, scenario.simulated);
    assert_eq!(against_zero.scenario[0].simulated, baseline.simulated);
    let reversed = against_zero.summary.numbers("water_balance_ratio").unwrap()[0].unwrap();
    assert!(close(reversed, expected_ratio, 1e-12), "{reversed}");
    // Without any change, against the observed inputs, nothing changes: no ratio.
    let same = run_scenario(&mut run, &data, test, &[], None, Reference::Observed).unwrap();
    assert_eq!(same.summary.numbers("water_balance_ratio").unwrap(), [None]);

    // Scaled units on the real run: a temperature of 0.5 is the middle of the training range.
    let tmax = 1;
    let stats = &run.normalization.inputs;
    let train_start = before.index_of(d(2000, 10, 1)).unwrap();
    let train_year = &before.inputs[tmax][train_start..train_start + 365];
    let (low, high) = train_year
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(f64::from(v)), h.max(f64::from(v)))
        });
    assert_eq!((stats.offset[tmax], stats.scale[tmax]), (low, high - low));
    let middle = vec![("tmax".to_string(), InputChange::Replace(0.5), Units::Scaled)];
    let warm = scenario_data(&run, &data, test, &middle).unwrap();
    let k = before.index_of(test.start).unwrap();
    assert!(close(
        f64::from(warm.records[0].inputs[tmax][k]),
        (low + high) / 2.0,
        1e-6
    ));

    // An input the run does not have is an error naming the run's inputs.
    let unknown = vec![("swe".to_string(), InputChange::Zero, Units::Physical)];
    let Err(error) = scenario_data(&run, &data, test, &unknown) else {
        panic!("swe is not an input")
    };
    let text = format!("{error:?}");
    assert!(
        text.contains("no input `swe`") && text.contains("prcp, tmax, tmin"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&runs_dir);
}
