//! The Caravan loaders on the real files (time series by column name, attribute tables), and
//! their errors on missing or broken data.
//!
//! Expected values were read from the files with `sed`/`grep`/`awk`; the line is quoted in
//! each comment (long rows shortened to the cells concerned, with their column numbers).

mod common;

use common::data_root;

use std::fs;
use std::path::PathBuf;

use chrono::NaiveDate;
use hydro::data::caravan::{Caravan, CaravanAttributes, STREAMFLOW};
use hydro::data::{DataError, DateRange};
use miette::Diagnostic;

fn caravan() -> Caravan {
    Caravan::new(data_root().join("caravan"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn help(err: &DataError) -> String {
    err.help().map(|h| h.to_string()).unwrap_or_default()
}

fn attributes(source: &str) -> CaravanAttributes {
    caravan().attributes(source).expect("attribute tables")
}

/// A fresh directory under the system temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro_caravan_{name}_{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn inputs_and_streamflow_by_column_name() {
    // camelsch_4001.csv line 6941, columns 1, 6 (temperature_2m_mean), 38
    // (total_precipitation_sum), 40 (streamflow): "2000-01-01,...,-0.04,...,3.47,0.15,3.8,...".
    let day = DateRange::new(date(2000, 1, 1), date(2000, 1, 2));
    let record = caravan()
        .load_basin(
            "camelsch_4001",
            &names(&["total_precipitation_sum", "temperature_2m_mean"]),
            &names(&[STREAMFLOW]),
            day,
            &attributes("camelsch"),
        )
        .unwrap();
    assert_eq!(record.dates, vec![date(2000, 1, 1), date(2000, 1, 2)]);
    assert_eq!(record.inputs[0][0], 3.47);
    assert_eq!(record.inputs[1][0], -0.04);
    assert_eq!(record.targets[0][0], 3.8);
    assert_eq!(record.target_names, names(&["streamflow"]));
    // attributes_other_camelsch.csv line 229:
    // "camelsch_4001,Tegernau,DE,47.72,7.79,69.75704021470985" (area in km^2).
    assert_eq!(record.area_km2, 69.757_040_214_709_85);
}

#[test]
fn empty_streamflow_cells_are_missing_targets() {
    // camelsch_4001.csv line 2, columns 1, 6, 38-41: "1981-01-01,-0.36,6.02,0.76,,4.91583976790821":
    // streamflow (column 40) is empty on the first day.
    let record = caravan()
        .load_basin(
            "camelsch_4001",
            &names(&["total_precipitation_sum"]),
            &names(&[STREAMFLOW]),
            DateRange::new(date(1981, 1, 1), date(1981, 1, 1)),
            &attributes("camelsch"),
        )
        .unwrap();
    assert_eq!(record.inputs[0], vec![6.02]);
    assert!(record.targets[0][0].is_nan());
}

#[test]
fn a_missing_input_names_file_line_and_column() {
    // camelses_1414.csv line 337, columns 1, 38-45: "1991-09-01,1.31,5.26,,,,,,0.0": pr_emo1
    // (column 41) is empty from 1990-10-01 to 1991-09-30.
    let err = caravan()
        .load_basin(
            "camelses_1414",
            &names(&["total_precipitation_sum", "pr_emo1"]),
            &names(&[STREAMFLOW]),
            DateRange::new(date(1991, 9, 1), date(1991, 10, 31)),
            &attributes("camelses"),
        )
        .unwrap_err();
    match &err {
        DataError::MissingInput {
            column, path, line, ..
        } => {
            assert_eq!(column, "pr_emo1");
            assert!(path.ends_with("camelses/camelses_1414.csv"), "{path:?}");
            assert_eq!(*line, 337);
        }
        other => panic!("expected MissingInput, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("camelses_1414.csv") && text.contains("line 337"),
        "{text}"
    );

    // From 1991-10-01 on, pr_emo1 is present: line 1623,
    // "1995-03-10,1.62,3.49,6.61,0.0,10.44,2.46,4.39,6.72864416806122" (columns 1, 38-45).
    let record = caravan()
        .load_basin(
            "camelses_1414",
            &names(&["pr_emo1", "ta_emo1"]),
            &names(&[STREAMFLOW]),
            DateRange::new(date(1995, 3, 10), date(1995, 3, 10)),
            &attributes("camelses"),
        )
        .unwrap();
    assert_eq!(record.inputs, vec![vec![0.0], vec![10.44]]);
    assert_eq!(record.targets, vec![vec![6.61]]);
}

#[test]
fn unknown_column_suggests_the_header_name() {
    let err = caravan()
        .load_basin(
            "camelsch_4003",
            &names(&["total_precipitation_sun"]),
            &names(&[STREAMFLOW]),
            DateRange::new(date(2000, 1, 1), date(2000, 12, 31)),
            &attributes("camelsch"),
        )
        .unwrap_err();
    assert!(matches!(err, DataError::UnknownColumn { .. }), "{err:?}");
    assert!(err.to_string().contains("camelsch_4003.csv"), "{err}");
    assert_eq!(help(&err), "did you mean `total_precipitation_sum`?");
}

#[test]
fn period_outside_the_record_states_the_available_range() {
    // camelsch_4003.csv runs from 1981-01-01 (line 2) to 2020-12-31 (line 14611).
    let err = caravan()
        .load_basin(
            "camelsch_4003",
            &names(&["total_precipitation_sum"]),
            &names(&[STREAMFLOW]),
            DateRange::new(date(1980, 10, 1), date(1981, 9, 30)),
            &attributes("camelsch"),
        )
        .unwrap_err();
    match err {
        DataError::PeriodOutsideRecord {
            basin, available, ..
        } => {
            assert_eq!(basin, "camelsch_4003");
            assert_eq!(
                available,
                DateRange::new(date(1981, 1, 1), date(2020, 12, 31))
            );
        }
        other => panic!("expected PeriodOutsideRecord, got {other:?}"),
    }
}

#[test]
fn unknown_basin_suggests_a_file_present() {
    let err = caravan().timeseries_file("camelsch_4031").unwrap_err();
    assert!(matches!(err, DataError::BasinNotFound { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `camelsch_4001`?");
    let err = caravan().timeseries_file("4001").unwrap_err();
    assert!(help(&err).contains("<source>_<gauge id>"), "{err:?}");
}

#[test]
fn attributes_merge_all_tables_of_a_source() {
    let camels = attributes("camels");
    // attributes_caravan_camels.csv line 2: "camels_01022500,3.2037127797932845,14.543954411664076,...".
    assert_eq!(
        camels.value("camels_01022500", "p_mean").unwrap(),
        3.203_712_779_793_284_5
    );
    // attributes_other_camels.csv line 2:
    // `camels_01022500,"Narraguagus River at Cherryfield, Maine",United States of America,44.60797,-67.93524,619.1025954030504`
    // (the quoted name holds a comma).
    assert_eq!(
        camels.area_km2("camels_01022500").unwrap(),
        619.102_595_403_050_4
    );
    assert_eq!(
        camels.value("camels_01022500", "gauge_lat").unwrap(),
        44.60797
    );
    assert_eq!(camels.basins().len(), 482);
    let values = camels
        .values(&names(&["camels_01022500"]), &names(&["p_mean", "area"]))
        .unwrap();
    assert_eq!(
        values,
        vec![vec![3.203_712_779_793_284_5, 619.102_595_403_050_4]]
    );
}

#[test]
fn attribute_errors_are_specific() {
    let camels = attributes("camels");
    let err = camels.value("camels_01022500", "p_maen").unwrap_err();
    assert!(matches!(err, DataError::UnknownAttribute { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `p_mean`?");
    let err = camels.value("camels_01022500", "gauge_name").unwrap_err();
    assert!(matches!(err, DataError::NotNumeric { .. }), "{err:?}");
    let err = camels.value("camels_01022501", "p_mean").unwrap_err();
    assert!(matches!(err, DataError::BasinNotFound { .. }), "{err:?}");
}

#[test]
fn a_missing_attribute_names_file_and_line() {
    let dir = temp_dir("missing_attribute");
    fs::write(
        dir.join("attributes_caravan_x.csv"),
        "gauge_id,p_mean,aridity\nx_1,3.2,0.5\nx_2,,0.7\n",
    )
    .unwrap();
    fs::write(
        dir.join("attributes_other_x.csv"),
        "gauge_id,area\nx_1,10.5\nx_2,20\n",
    )
    .unwrap();
    let tables = CaravanAttributes::load(&dir).unwrap();
    assert_eq!(tables.value("x_2", "aridity").unwrap(), 0.7);
    assert_eq!(tables.area_km2("x_2").unwrap(), 20.0);
    let err = tables.value("x_2", "p_mean").unwrap_err();
    match &err {
        DataError::MissingAttribute { path, line, .. } => {
            assert!(path.ends_with("attributes_caravan_x.csv"), "{path:?}");
            assert_eq!(*line, 3);
        }
        other => panic!("expected MissingAttribute, got {other:?}"),
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_attribute_row_names_file_and_line() {
    let dir = temp_dir("malformed_attribute");
    fs::write(
        dir.join("attributes_caravan_x.csv"),
        "gauge_id,p_mean,aridity\nx_1,3.2,0.5\nx_2,0.7\n",
    )
    .unwrap();
    let err = CaravanAttributes::load(&dir).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("attributes_caravan_x.csv") && text.contains("line 3"),
        "{text}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_time_series_row_names_file_and_line() {
    let dir = temp_dir("malformed_series");
    let series = dir.join("timeseries/csv/x");
    fs::create_dir_all(&series).unwrap();
    fs::write(
        series.join("x_1.csv"),
        "date,total_precipitation_sum,streamflow\n2000-01-01,1.5,0.3\n2000-01-02,abc,0.4\n",
    )
    .unwrap();
    let attributes = dir.join("attributes/x");
    fs::create_dir_all(&attributes).unwrap();
    fs::write(
        attributes.join("attributes_other_x.csv"),
        "gauge_id,area\nx_1,10\n",
    )
    .unwrap();
    let caravan = Caravan::new(&dir);
    let err = caravan
        .load_basin(
            "x_1",
            &names(&["total_precipitation_sum"]),
            &names(&[STREAMFLOW]),
            DateRange::new(date(2000, 1, 1), date(2000, 1, 2)),
            &caravan.attributes("x").unwrap(),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("x_1.csv") && text.contains("line 3"),
        "{text}"
    );
    assert!(text.contains("`abc` is not a number"), "{text}");
    fs::remove_dir_all(&dir).unwrap();
}
