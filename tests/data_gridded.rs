//! Gridded NetCDF forcing of the mHM test domain (`pre`, `tavg`, monthly `et`), its basin
//! means, and the gauge series, on the real files; masking and errors on small files written
//! here.
//!
//! Expected values were read with `ncdump -v pre pre.nc` (and `tavg`, `et`); the time step
//! and grid row are quoted in each comment. Basin means were computed separately from the
//! `ncdump` listing (mean over the cells with a value).

mod common;

use common::data_root;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use hydro::data::gridded::{
    basin_mean_record, read_forcing, read_gauge, read_monthly, DischargeUnit, GridVariable,
};
use hydro::data::{DataError, DateRange};

fn input_dir() -> PathBuf {
    data_root().join("mhm_test_domain/test_domain/input")
}

fn pre_and_tavg() -> Vec<GridVariable> {
    vec![
        GridVariable {
            path: input_dir().join("meteo/pre/pre.nc"),
            name: "pre".to_string(),
        },
        GridVariable {
            path: input_dir().join("meteo/tavg/tavg.nc"),
            name: "tavg".to_string(),
        },
    ]
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro_gridded_{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Writes a (time, y, x) variable `pre` of 2 x 2 cells with `_FillValue` -9999 and a daily time
/// axis starting 2000-01-01.
fn write_grid(path: &Path, steps: usize, values: &[f64]) {
    let mut file = netcdf::create(path).unwrap();
    file.add_dimension("time", steps).unwrap();
    file.add_dimension("y", 2).unwrap();
    file.add_dimension("x", 2).unwrap();
    let mut time = file.add_variable::<f64>("time", &["time"]).unwrap();
    time.put_attribute("units", "days since 2000-01-01 00:00:00")
        .unwrap();
    let days: Vec<f64> = (0..steps).map(|d| d as f64).collect();
    time.put_values(&days, ..).unwrap();
    let mut pre = file
        .add_variable::<f64>("pre", &["time", "y", "x"])
        .unwrap();
    pre.set_fill_value(-9999.0_f64).unwrap();
    pre.put_values(values, ..).unwrap();
}

#[test]
fn mhm_grid_shape_and_one_cell() {
    let period = DateRange::new(date(1990, 1, 1), date(1990, 1, 31));
    let forcing = read_forcing("00398", &pre_and_tavg(), period).unwrap();
    // `ncdump -h pre.nc`: dimensions time = 1826, xc = 6, yc = 9; pre(time, yc, xc).
    assert_eq!((forcing.ny, forcing.nx), (9, 6));
    assert_eq!(forcing.dates.len(), 31);
    assert_eq!(forcing.variables, vec!["pre", "tavg"]);
    assert_eq!(forcing.values[0].len(), 31 * 9 * 6);
    assert!(
        forcing.valid.iter().all(|&v| v),
        "no cell of pre/tavg is masked"
    );
    // time = 379 is 1990-01-15 (days since 1989-01-01). Row yc = 4 of pre at that step:
    // 3.29999995231628, 2.60000014305115, 2.40000009536743, 2.40000009536743, 2.5, 3.79999995231628.
    let day = 14;
    assert_eq!(forcing.dates[day], date(1990, 1, 15));
    assert_eq!(forcing.value(0, day, 4, 0), 3.3);
    assert_eq!(forcing.value(0, day, 4, 2), 2.4);
    assert_eq!(forcing.value(0, day, 4, 5), 3.8);
    // tavg at the same step, yc = 4, xc = 2: 2.54999995231628.
    assert_eq!(forcing.value(1, day, 4, 2), 2.55);
}

#[test]
fn basin_means_over_the_54_cells() {
    let period = DateRange::new(date(1990, 1, 15), date(1990, 1, 15));
    let forcing = read_forcing("00398", &pre_and_tavg(), period).unwrap();
    let means = forcing.basin_means();
    // Means of the 54 values of step 379 in the ncdump listing: pre 3.1277778391484854,
    // tavg 2.4987036399543285.
    assert!((means[0][0] - 3.127_777_8).abs() < 1e-5, "{}", means[0][0]);
    assert!((means[1][0] - 2.498_703_6).abs() < 1e-5, "{}", means[1][0]);
    // Over the 34 cells that mHM's et.nc has values for (the catchment's cells), pre of step
    // 379 averages 3.279411834828994.
    let et = read_monthly(input_dir().join("optional_data/et.nc"), "et").unwrap();
    let means = forcing.means_over(&et.valid);
    assert!((means[0][0] - 3.279_411_8).abs() < 1e-5, "{}", means[0][0]);
}

#[test]
fn period_outside_the_grid_states_the_available_range() {
    let period = DateRange::new(date(1988, 12, 1), date(1989, 1, 10));
    let err = read_forcing("00398", &pre_and_tavg(), period).unwrap_err();
    match err {
        DataError::PeriodOutsideRecord {
            available, path, ..
        } => {
            // time = 0 .. 1825, days since 1989-01-01.
            assert_eq!(
                available,
                DateRange::new(date(1989, 1, 1), date(1993, 12, 31))
            );
            assert!(path.ends_with("pre/pre.nc"), "{path:?}");
        }
        other => panic!("expected PeriodOutsideRecord, got {other:?}"),
    }
}

#[test]
fn unknown_variable_suggests_one_of_the_file() {
    let variables = vec![GridVariable {
        path: input_dir().join("meteo/pre/pre.nc"),
        name: "pr".to_string(),
    }];
    let err = read_forcing(
        "00398",
        &variables,
        DateRange::new(date(1990, 1, 1), date(1990, 1, 2)),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::NetCdf { .. }), "{err:?}");
    assert!(err.to_string().contains("no variable `pr`"), "{err}");
}

#[test]
fn a_fill_value_on_some_days_is_an_error_naming_date_and_cell() {
    let path = temp_path("gap.nc");
    // Cell (y 1, x 0) is missing on the second day only.
    #[rustfmt::skip]
    let values = [
        1.0, 2.0, 3.0, 4.0,
        1.0, 2.0, -9999.0, 4.0,
        1.0, 2.0, 3.0, 4.0,
    ];
    write_grid(&path, 3, &values);
    let variables = vec![GridVariable {
        path: path.clone(),
        name: "pre".to_string(),
    }];
    let err = read_forcing(
        "test",
        &variables,
        DateRange::new(date(2000, 1, 1), date(2000, 1, 3)),
    )
    .unwrap_err();
    match &err {
        DataError::MissingGridValue {
            variable,
            path: p,
            date: d,
            y,
            x,
            value,
        } => {
            assert_eq!(variable, "pre");
            assert_eq!(p, &path);
            assert_eq!((*d, *y, *x, *value), (date(2000, 1, 2), 1, 0, -9999.0));
        }
        other => panic!("expected MissingGridValue, got {other:?}"),
    }
    assert!(err.to_string().contains("gap.nc"), "{err}");
    // The first day alone has no gap.
    let forcing = read_forcing(
        "test",
        &variables,
        DateRange::new(date(2000, 1, 1), date(2000, 1, 1)),
    )
    .unwrap();
    assert_eq!(forcing.values[0], vec![1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn cells_masked_on_every_day_are_nan_and_left_out_of_means() {
    let path = temp_path("masked.nc");
    // Cell (y 0, x 1) is outside the domain.
    #[rustfmt::skip]
    let values = [
        1.0, -9999.0, 3.0, 5.0,
        2.0, -9999.0, 4.0, 9.0,
    ];
    write_grid(&path, 2, &values);
    let variables = vec![GridVariable {
        path,
        name: "pre".to_string(),
    }];
    let forcing = read_forcing(
        "test",
        &variables,
        DateRange::new(date(2000, 1, 1), date(2000, 1, 2)),
    )
    .unwrap();
    assert_eq!(forcing.valid, vec![true, false, true, true]);
    assert!(forcing.value(0, 1, 0, 1).is_nan());
    // (1 + 3 + 5) / 3 = 3 and (2 + 4 + 9) / 3 = 5.
    assert_eq!(forcing.basin_means(), vec![vec![3.0, 5.0]]);
}

#[test]
fn monthly_et_with_its_domain_mask() {
    let et = read_monthly(input_dir().join("optional_data/et.nc"), "et").unwrap();
    // `ncdump -v time et.nc`: 48 steps, "hours since 1990-1-1 00:00:00", 743 (1990-01-31 23:00)
    // ... 35063 (1993-12-31 23:00).
    assert_eq!(et.months.len(), 48);
    assert_eq!(et.months[0], date(1990, 1, 1));
    assert_eq!(et.months[47], date(1993, 12, 1));
    assert_eq!((et.ny, et.nx), (9, 6));
    // 20 of the 54 cells are `_` (fill) in every month: cells 0, 1, 4, 5, 10, 11, 16, 17, 18,
    // 24, 30, 36, 37, 42, 43, 48, 49, 50, 51, 53 (row-major).
    assert_eq!(et.valid.iter().filter(|&&v| v).count(), 34);
    assert!(!et.valid[0] && !et.valid[53] && et.valid[2]);
    // Step 6 (5087 hours = 1990-07-31 23:00), y 2, x 3: 66.5678973686281.
    assert_eq!(et.months[6], date(1990, 7, 1));
    assert!((et.value(6, 2, 3) - 66.567_9).abs() < 1e-4);
    assert!(et.value(6, 0, 0).is_nan());
    // Mean of the 34 values of step 6: 78.84069311501366.
    assert!((et.basin_means()[6] - 78.840_69).abs() < 1e-3);
}

#[test]
fn gauge_series_in_cubic_metres_or_millimetres() {
    let path = input_dir().join("gauge/00398.txt");
    let period = DateRange::new(date(1989, 12, 31), date(1990, 1, 3));
    let gauge = read_gauge(&path, period).unwrap();
    // 00398.txt lines 6-8: "1990  01  01  00  00    157.000", "1990  01  02  00  00    129.000",
    // "1990  01  03  00  00    117.000"; the record starts 1990-01-01.
    assert!(gauge.discharge_m3s[0].is_nan());
    assert_eq!(&gauge.discharge_m3s[1..], &[157.0, 129.0, 117.0]);
    // 157 m3/s over 1000 km^2: 157 * 86400 / 1e9 m/day = 13.5648 mm/day.
    let mm = gauge.values(DischargeUnit::MillimetresPerDay, 1000.0);
    assert!((mm[1] - 13.5648).abs() < 1e-4, "{}", mm[1]);
    assert_eq!(
        gauge.values(DischargeUnit::CubicMetresPerSecond, 1000.0)[3],
        117.0
    );
}

#[test]
fn gauge_nodata_is_missing_and_malformed_rows_name_their_line() {
    let header = "00001:GAUGE 1 (test)     DAILY\nnodata  -9999\nn       1       measurements per day [1, 1440]\n\
                  start  2000  01  01  00  00   (YYYY MM DD HH MM)\nend    2000  01  03  00  00   (YYYY MM DD HH MM)\n";
    let rows = "2000  01  01  00  00    10.000\n2000  01  02  00  00  -9999.000\n2000  01  03  00  00    12.000\n";
    let path = temp_path("00001.txt");
    fs::write(&path, format!("{header}{rows}")).unwrap();
    let period = DateRange::new(date(2000, 1, 1), date(2000, 1, 3));
    let gauge = read_gauge(&path, period).unwrap();
    assert_eq!(gauge.discharge_m3s[0], 10.0);
    assert!(gauge.discharge_m3s[1].is_nan());
    assert_eq!(gauge.discharge_m3s[2], 12.0);

    let path = temp_path("00002.txt");
    fs::write(&path, format!("{header}{rows}2000  01  04  00  00\n")).unwrap();
    let err = read_gauge(&path, period).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("00002.txt") && text.contains("line 9"),
        "{text}"
    );
}

#[test]
fn lumped_record_from_basin_means_and_the_gauge() {
    let period = DateRange::new(date(1990, 1, 15), date(1990, 1, 16));
    let forcing = read_forcing("00398", &pre_and_tavg(), period).unwrap();
    let gauge = input_dir().join("gauge/00398.txt");
    let record = basin_mean_record(
        "00398",
        &forcing,
        &gauge,
        DischargeUnit::MillimetresPerDay,
        2000.0,
    )
    .unwrap();
    assert_eq!(record.input_names, vec!["pre", "tavg"]);
    assert_eq!(record.inputs, forcing.basin_means());
    assert!((record.inputs[0][0] - 3.127_777_8).abs() < 1e-5);
    // 00398.txt lines 20-21: "1990  01  15  00  00     66.000", "1990  01  16  00  00     76.000";
    // 66 m3/s over 2000 km^2 = 66 * 86.4 / 2000 = 2.8512 mm/day.
    assert_eq!(record.target_names, vec!["discharge_mm_day"]);
    assert!(
        (record.targets[0][0] - 2.8512).abs() < 1e-5,
        "{:?}",
        record.targets
    );
    assert!(
        (record.targets[0][1] - 3.2832).abs() < 1e-5,
        "{:?}",
        record.targets
    );
}
