//! CAMELS' SAC-SMA model output (ET and other columns) as extra targets aligned to a CAMELS-US
//! record, and errors on unknown columns, absent basins and malformed files.
//!
//! Expected values were read from the files with `sed`/`grep`; the line is quoted in each
//! comment. ET here is modelled (SAC-SMA + Snow-17), a stand-in for an actual-evaporation
//! product.

mod common;

use common::data_root;

use std::fs;
use std::path::PathBuf;

use chrono::NaiveDate;
use hydro::data::camels_us::model_output::{
    add_model_targets, model_output_file, read_model_output,
};
use hydro::data::camels_us::{CamelsUs, ForcingSource};
use hydro::data::{DataError, DateRange};
use miette::Diagnostic;

fn camels() -> CamelsUs {
    CamelsUs::new(data_root().join("camels_us"))
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

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro_model_output_{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn et_becomes_an_extra_target_aligned_to_the_record() {
    let camels = camels();
    let attributes = camels.attributes().unwrap();
    // Four days before the model run starts (1980-10-01) and two inside it.
    let period = DateRange::new(date(1980, 9, 27), date(1980, 10, 2));
    let mut record = camels
        .load_basin(
            ForcingSource::Daymet,
            "01031500",
            &names(&["prcp"]),
            period,
            &attributes,
        )
        .unwrap();
    let path = model_output_file(&camels, "01031500").unwrap();
    assert!(
        path.ends_with("daymet/01/01031500_05_model_output.txt"),
        "{path:?}"
    );
    add_model_targets(&mut record, &path, &names(&["ET", "MOD_RUN"])).unwrap();
    assert_eq!(record.target_names, names(&["streamflow", "ET", "MOD_RUN"]));
    let et = &record.targets[1];
    assert_eq!(et.len(), 6);
    assert!(et[..4].iter().all(|v| v.is_nan()), "{et:?}");
    // 01031500_05_model_output.txt lines 2-3:
    // "1980 10 01 12   0.0000000   0.0000000   0.0000000  10.2500000   1.5713000   1.5400000   2.4764000   0.5550000"
    // "1980 10 02 12   0.0000000   2.0800000   2.0800000   9.5900000   1.2619000   1.2227000   2.0492000   0.4979000"
    assert_eq!(&et[4..], &[1.54, 1.2227]);
    assert_eq!(&record.targets[2][4..], &[2.4764, 2.0492]);
}

#[test]
fn columns_are_read_by_name_ignoring_case() {
    let path = model_output_file(&camels(), "13331500").unwrap();
    let table = read_model_output(&path).unwrap();
    // 13331500_05_model_output.txt: first row 1980 10 01 (line 2), last 2010 12 31 (line 11050).
    assert_eq!(
        table.period(),
        DateRange::new(date(1980, 10, 1), date(2010, 12, 31))
    );
    let day = DateRange::new(date(2010, 12, 31), date(2010, 12, 31));
    // Line 11050: "2010 12 31 12 396.3449000   0.1100000   0.1006000 -17.9800000   0.0714000   0.0686000   0.6191000   0.4489000".
    let values = table.targets(&names(&["et", "SWE", "tair"]), day).unwrap();
    assert_eq!(values, vec![vec![0.0686], vec![396.3449], vec![-17.98]]);
    // 01031500 line 7047: "2000 01 15 12  60.5976000   0.0000000   0.0533000 -21.1050000   0.1200000   0.1187000   0.4226000   0.5359000".
    let path = model_output_file(&camels(), "01031500").unwrap();
    let day = DateRange::new(date(2000, 1, 15), date(2000, 1, 15));
    let values = read_model_output(&path)
        .unwrap()
        .targets(&names(&["PET", "ET"]), day)
        .unwrap();
    assert_eq!(values, vec![vec![0.12], vec![0.1187]]);
}

#[test]
fn unknown_column_and_absent_basin_are_errors() {
    let path = model_output_file(&camels(), "01031500").unwrap();
    let mut record = camels()
        .load_basin(
            ForcingSource::Daymet,
            "01031500",
            &names(&["prcp"]),
            DateRange::new(date(2000, 1, 1), date(2000, 1, 31)),
            &camels().attributes().unwrap(),
        )
        .unwrap();
    let err = add_model_targets(&mut record, &path, &names(&["ETT"])).unwrap_err();
    assert!(matches!(err, DataError::UnknownColumn { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `ET`?");
    assert_eq!(
        record.target_names,
        names(&["streamflow"]),
        "nothing appended on error"
    );

    let err = model_output_file(&camels(), "01022500").unwrap_err();
    assert!(matches!(err, DataError::BasinNotFound { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `01031500`?");
}

#[test]
fn missing_values_are_nan_and_malformed_rows_name_their_line() {
    let header = "YR MNTH DY HR SWE PRCP RAIM TAIR PET ET MOD_RUN OBS_RUN\n";
    let rows = "2000 01 01 12 0.0 1.0 1.0 2.0 0.5 0.4 1.1 1.2\n\
                2000 01 02 12 0.0 1.0 1.0 2.0 0.5 -999.0000000 1.1 1.2\n\
                2000 01 03 12 0.0 1.0 1.0 2.0 0.5 0.3 1.1\n";
    let path = temp_file("00000001_05_model_output.txt", &format!("{header}{rows}"));
    let table = read_model_output(&path);
    let err = table.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("00000001_05_model_output.txt") && text.contains("line 4"),
        "{text}"
    );

    let rows: String = rows.lines().take(2).map(|l| format!("{l}\n")).collect();
    let path = temp_file("00000002_05_model_output.txt", &format!("{header}{rows}"));
    let period = DateRange::new(date(2000, 1, 1), date(2000, 1, 3));
    let et = read_model_output(&path)
        .unwrap()
        .targets(&names(&["ET"]), period)
        .unwrap();
    assert_eq!(et[0][0], 0.4);
    assert!(et[0][1].is_nan() && et[0][2].is_nan(), "{et:?}");
}
