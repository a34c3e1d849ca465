//! The generic daily CSV loader on real files of other layouts (CAMELS-CH `meteo.csv` and
//! `discharge.csv` with dd/mm/yyyy dates, headerless MOPEX files with year/month/day columns)
//! and on small files written here to exercise detection, missing values and errors.
//!
//! Expected values were read from the files with `sed`/`grep`; the line is quoted in each
//! comment.

mod common;

use common::data_root;

use std::fs;
use std::path::PathBuf;

use chrono::NaiveDate;
use hydro::data::daily_csv::{load_basin, CsvFormat, DailyTable, DateColumns, Delimiter};
use hydro::data::{DataError, DateRange};
use miette::Diagnostic;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn help(err: &DataError) -> String {
    err.help().map(|h| h.to_string()).unwrap_or_default()
}

/// A file `name` with `text` in a fresh directory under the system temporary directory.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro_daily_csv_{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

fn mopex_format() -> CsvFormat {
    CsvFormat {
        column_names: Some(names(&["Year", "Month", "Day", "P", "Ep", "Q", "Qs", "Qu"])),
        ..CsvFormat::default()
    }
}

#[test]
fn camels_ch_meteo_and_discharge_with_detected_day_month_year() {
    let dir = data_root().join("camels_ch/ch_sitter_stgallen");
    let meteo = DailyTable::read(dir.join("meteo.csv"), &CsvFormat::default()).unwrap();
    let discharge = DailyTable::read(dir.join("discharge.csv"), &CsvFormat::default()).unwrap();
    // meteo.csv line 1: "date,precip(mm/day),temp(C),rel_sun_dur(%),pet_sim(mm/day)";
    // line 2: "01/01/1981,..."; line 14611: "31/12/2020,...".
    assert_eq!(
        meteo.period(),
        DateRange::new(date(1981, 1, 1), date(2020, 12, 31))
    );
    let period = DateRange::new(date(2005, 7, 16), date(2005, 7, 18));
    // Columns by short name (`precip` for `precip(mm/day)`, `temp` for `temp(C)`) and by full
    // name; discharge.csv's header is "Date,Discharge (m3/s),Discharge (mm/d)".
    let record = load_basin(
        "ch_sitter_stgallen",
        &meteo,
        &names(&["precip", "temp", "pet_sim(mm/day)"]),
        &discharge,
        &names(&["Discharge (mm/d)"]),
        period,
        261.0,
    )
    .unwrap();
    // meteo.csv lines 8964-8966: "16/07/2005,1.63,20.59,17.27,3.62",
    // "17/07/2005,0,21.12,48.57,4.68", "18/07/2005,34.9,18.21,37.24,3.35".
    assert_eq!(record.inputs[0], vec![1.63, 0.0, 34.9]);
    assert_eq!(record.inputs[1], vec![20.59, 21.12, 18.21]);
    assert_eq!(record.inputs[2], vec![3.62, 4.68, 3.35]);
    // discharge.csv lines 8964-8966: "16/07/2005,2.572,0.851", "17/07/2005,2.777,0.919",
    // "18/07/2005,6.331,2.095".
    assert_eq!(record.targets[0], vec![0.851, 0.919, 2.095]);
    assert_eq!(
        record.dates,
        vec![date(2005, 7, 16), date(2005, 7, 17), date(2005, 7, 18)]
    );
}

#[test]
fn ambiguous_short_names_ask_for_the_full_name() {
    let path = data_root().join("camels_ch/ch_sitter_stgallen/discharge.csv");
    let discharge = DailyTable::read(&path, &CsvFormat::default()).unwrap();
    let period = DateRange::new(date(2005, 7, 16), date(2005, 7, 18));
    let err = discharge
        .targets(&names(&["discharge"]), period)
        .unwrap_err();
    assert!(matches!(err, DataError::UnknownColumn { .. }), "{err:?}");
    assert!(
        help(&err).contains("`Discharge (m3/s)`, `Discharge (mm/d)`"),
        "{err:?}"
    );
}

#[test]
fn unknown_column_suggests_a_header_name() {
    let path = data_root().join("camels_ch/ch_rhone_gletsch/meteo.csv");
    let meteo = DailyTable::read(&path, &CsvFormat::default()).unwrap();
    let period = DateRange::new(date(2005, 7, 15), date(2005, 7, 15));
    // ch_rhone_gletsch/meteo.csv line 8963: "15/07/2005,0.31,9.63,3.33".
    assert_eq!(
        meteo.inputs("gletsch", &names(&["temp"]), period).unwrap(),
        vec![vec![9.63]]
    );
    let err = meteo
        .inputs("gletsch", &names(&["precp"]), period)
        .unwrap_err();
    assert!(err.to_string().contains("meteo.csv"), "{err}");
    assert_eq!(help(&err), "did you mean `precip(mm/day)`?");
}

#[test]
fn headerless_mopex_with_given_column_names() {
    let path = data_root().join("mopex30/120_30years.csv");
    let table = DailyTable::read(&path, &mopex_format()).unwrap();
    let day = DateRange::new(date(1985, 6, 15), date(1985, 6, 15));
    // 120_30years.csv line 4915: "1985,6,15,0.38,5.419,0.0797,0.0,0.0797".
    assert_eq!(
        table.inputs("120", &names(&["P", "Ep"]), day).unwrap(),
        vec![vec![0.38], vec![5.419]]
    );
    assert_eq!(
        table.targets(&names(&["Q"]), day).unwrap(),
        vec![vec![0.0797]]
    );
    // Line 1: "1972,1,1,..."; last line: "2001,12,31,...".
    assert_eq!(
        table.period(),
        DateRange::new(date(1972, 1, 1), date(2001, 12, 31))
    );
}

#[test]
fn a_gap_in_the_rows_is_an_input_error_and_missing_targets() {
    // 322_30years.csv lines 8674-8675: "1995,9,30,0.0,1.958,0.1978,0.0,0.1978" then
    // "1996,10,1,2.14,1.901,0.7785,0.5589,0.21960000000000002": a year without rows.
    let path = data_root().join("mopex30/322_30years.csv");
    let table = DailyTable::read(&path, &mopex_format()).unwrap();
    let period = DateRange::new(date(1995, 9, 30), date(1996, 10, 1));
    let err = table.inputs("322", &names(&["P"]), period).unwrap_err();
    match err {
        DataError::ForcingGap { missing, line, .. } => {
            assert_eq!(missing, date(1995, 10, 1));
            assert_eq!(line, 8675);
        }
        other => panic!("expected ForcingGap, got {other:?}"),
    }
    let flow = table.targets(&names(&["Q"]), period).unwrap();
    assert_eq!(flow[0].len(), 368);
    assert_eq!(flow[0][0], 0.1978);
    assert!(flow[0][1..367].iter().all(|q| q.is_nan()));
    assert_eq!(flow[0][367], 0.7785);
}

#[test]
fn period_outside_the_record_is_an_error_for_inputs_only() {
    let path = data_root().join("mopex30/120_30years.csv");
    let table = DailyTable::read(&path, &mopex_format()).unwrap();
    let period = DateRange::new(date(2001, 12, 30), date(2002, 1, 2));
    let err = table.inputs("120", &names(&["P"]), period).unwrap_err();
    match err {
        DataError::PeriodOutsideRecord { available, .. } => {
            assert_eq!(
                available,
                DateRange::new(date(1972, 1, 1), date(2001, 12, 31))
            );
        }
        other => panic!("expected PeriodOutsideRecord, got {other:?}"),
    }
    // 120_30years.csv last line: "2001,12,31,0.0,0.077,0.0217,0.0,0.0217".
    let flow = table.targets(&names(&["Q"]), period).unwrap();
    assert_eq!(flow[0][1], 0.0217);
    assert!(flow[0][2].is_nan() && flow[0][3].is_nan());
}

#[test]
fn missing_markers_are_errors_in_inputs_and_nan_in_targets() {
    let path = temp_file(
        "markers.csv",
        "Date;P;Q\n2000-01-01;1.5;-9999.0\n2000-01-02;NaN;0.3\n2000-01-03;;0.4\n2000-01-04;2.0;-999\n",
    );
    let table = DailyTable::read(&path, &CsvFormat::default()).unwrap();
    let period = DateRange::new(date(2000, 1, 1), date(2000, 1, 4));
    let q = table.targets(&names(&["Q"]), period).unwrap();
    assert!(q[0][0].is_nan() && q[0][3].is_nan());
    assert_eq!(&q[0][1..3], &[0.3, 0.4]);
    let err = table.inputs("b", &names(&["P"]), period).unwrap_err();
    match &err {
        DataError::MissingInput {
            column,
            value,
            path: p,
            line,
        } => {
            assert_eq!((column.as_str(), value.as_str(), *line), ("P", "NaN", 3));
            assert!(p.ends_with("markers.csv"));
        }
        other => panic!("expected MissingInput, got {other:?}"),
    }
    // With only `-9999` as a marker, `NaN` is not a number and the empty cell of line 4 is
    // not either: both are malformed, not silently missing.
    let strict = CsvFormat {
        missing: names(&["-9999"]),
        ..CsvFormat::default()
    };
    let table = DailyTable::read(&path, &strict).unwrap();
    let err = table.targets(&names(&["P"]), period).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("markers.csv") && text.contains("line 3"),
        "{text}"
    );
}

#[test]
fn a_malformed_row_names_file_and_line() {
    let path = temp_file(
        "short_row.csv",
        "date,P,Q\n01.01.2000,1.0,0.1\n\n02.01.2000,2.0\n03.01.2000,3.0,0.3\n",
    );
    let err = DailyTable::read(&path, &CsvFormat::default()).unwrap_err();
    let text = err.to_string();
    // Line 3 is blank: the short row is line 4.
    assert!(
        text.contains("short_row.csv") && text.contains("line 4"),
        "{text}"
    );
    assert!(text.contains("expected 3 cells, found 2"), "{text}");

    let path = temp_file(
        "bad_date.csv",
        "date,P\n2000-01-01,1.0\n2000-01-02,2.0\n2000-02-30,3\n",
    );
    let err = DailyTable::read(&path, &CsvFormat::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("bad_date.csv") && text.contains("line 4"),
        "{text}"
    );
}

#[test]
fn date_formats_are_detected_or_reported_ambiguous() {
    // Day.month.year, tab-separated.
    let path = temp_file("dotted.tsv", "datum\tP\n31.12.1999\t1.0\n01.01.2000\t2.0\n");
    let format = CsvFormat {
        date: DateColumns::Single {
            column: "datum".to_string(),
            format: None,
        },
        ..CsvFormat::default()
    };
    let table = DailyTable::read(&path, &format).unwrap();
    assert_eq!(table.dates(), &[date(1999, 12, 31), date(2000, 1, 1)]);

    // Every day is at most 12: day/month and month/day both fit.
    let text = "date P\n01/02/2000 1.0\n02/02/2000 2.0\n03/02/2000 3.0\n";
    let path = temp_file("ambiguous.txt", text);
    let err = DailyTable::read(&path, &CsvFormat::default()).unwrap_err();
    match &err {
        DataError::AmbiguousDateFormat {
            candidates, line, ..
        } => {
            assert_eq!(candidates, "%d/%m/%Y, %m/%d/%Y");
            assert_eq!(*line, 2);
        }
        other => panic!("expected AmbiguousDateFormat, got {other:?}"),
    }
    assert!(help(&err).contains("give the date format"), "{err:?}");
    // Given the format, the same file reads, whitespace-separated.
    let format = CsvFormat {
        date: DateColumns::Single {
            column: "date".to_string(),
            format: Some("%m/%d/%Y".to_string()),
        },
        delimiter: Some(Delimiter::Whitespace),
        ..CsvFormat::default()
    };
    let table = DailyTable::read(&path, &format).unwrap();
    assert_eq!(table.dates()[2], date(2000, 3, 2));
}

#[test]
fn rows_out_of_order_are_errors() {
    let path = temp_file("order.csv", "YR,MNTH,DY,P\n2000,1,2,1.0\n2000,1,1,2.0\n");
    let err = DailyTable::read(&path, &CsvFormat::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("order.csv") && text.contains("line 3"),
        "{text}"
    );
    assert!(text.contains("does not follow"), "{text}");
}
