//! The CAMELS-US loaders on the real files, and their errors on missing or broken data.
//!
//! Expected values were read from the files with `sed`/`grep` (the line is quoted in each
//! comment) and conversions computed by hand from them.

mod common;

use common::data_root;

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use hydro::data::camels_us::{read_basin_list, AttributeTables, CamelsUs, ForcingSource};
use hydro::data::{DataError, DateRange};
use miette::Diagnostic;

fn camels() -> CamelsUs {
    CamelsUs::new(data_root().join("camels_us"))
}

fn attributes() -> AttributeTables {
    camels().attributes().expect("attribute tables")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn period(start: NaiveDate, end: NaiveDate) -> DateRange {
    DateRange::new(start, end)
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn help(err: &DataError) -> String {
    err.help().map(|h| h.to_string()).unwrap_or_default()
}

/// The value of input `name` on `day` in a record loaded for a short period.
fn input_on(source: ForcingSource, basin: &str, name: &str, day: NaiveDate) -> f32 {
    let record = camels()
        .load_basin(
            source,
            basin,
            &names(&[name]),
            period(day, day),
            &attributes(),
        )
        .unwrap();
    assert_eq!(record.dates, vec![day]);
    record.inputs[0][0]
}

#[test]
fn nldas_precipitation_by_header_name() {
    // nldas/01/01022500_lump_nldas_forcing_leap.txt line 10:
    // "1980 01 06 12	31449.60	1.13	244.04	0.00	-11.91	-11.91	144.01" (header PRCP(mm/day)).
    assert_eq!(
        input_on(ForcingSource::Nldas, "01022500", "prcp", date(1980, 1, 6)),
        1.13
    );
    // Line 7311: "2000 01 02 12	31302.07	1.22	186.32	0.00	-0.60	-0.60	508.26".
    assert_eq!(
        input_on(ForcingSource::Nldas, "01022500", "prcp", date(2000, 1, 2)),
        1.22
    );
    assert_eq!(
        input_on(ForcingSource::Nldas, "01022500", "vp", date(2000, 1, 2)),
        508.26
    );
}

#[test]
fn daymet_maurer_and_maurer_extended_variants() {
    // daymet (lower-case header, padded dates, file without final newline), line 7 of
    // daymet/01/01022500_lump_cida_forcing_leap.txt: "2000 01 03 12	31370.88	5.50	126.63	...".
    assert_eq!(
        input_on(ForcingSource::Daymet, "01022500", "prcp", date(2000, 1, 3)),
        5.5
    );
    // The last line: "2003 12 31 12	31104.01	0.00	152.04	0.00	6.89	-0.95	574.94".
    assert_eq!(
        input_on(ForcingSource::Daymet, "01022500", "vp", date(2003, 12, 31)),
        574.94
    );
    // maurer (capitalised header), line 6: "2000 01 02 12	31302.07	4.21	198.52	0.00	-4.08	-4.08".
    assert_eq!(
        input_on(ForcingSource::Maurer, "01022500", "prcp", date(2000, 1, 2)),
        4.21
    );
    assert_eq!(
        input_on(ForcingSource::Maurer, "01022500", "tmax", date(2000, 1, 2)),
        -4.08
    );
    // maurer_extended (tabs, unpadded dates, lower-case), line 6:
    // "2000	1	2	12	31302.07	4.21	198.52	0.0	4.18	-10.29	308.07".
    assert_eq!(
        input_on(
            ForcingSource::MaurerExtended,
            "01022500",
            "prcp",
            date(2000, 1, 2)
        ),
        4.21
    );
    assert_eq!(
        input_on(
            ForcingSource::MaurerExtended,
            "01022500",
            "tmax",
            date(2000, 1, 2)
        ),
        4.18
    );
    // maurer_extended/02/01547700, line 7: "2000	1	3	12	32832.0	6.45	195.57	0.0	12.28	-0.45	649.88".
    assert_eq!(
        input_on(
            ForcingSource::MaurerExtended,
            "01547700",
            "prcp",
            date(2000, 1, 3)
        ),
        6.45
    );
}

#[test]
fn record_layout_follows_the_requested_inputs_and_period() {
    // nldas/01/01013500 lines 2290-2291:
    // "2000 01 01 12	30172.48	0.17	167.17	0.00	-12.03	-12.03	210.92"
    // "2000 01 02 12	30253.07	0.06	161.35	0.00	-4.50	-4.50	397.03"
    let attrs = attributes();
    let record = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01013500",
            &names(&["tmax", "prcp", "dayl"]),
            period(date(1999, 12, 31), date(2000, 1, 2)),
            &attrs,
        )
        .unwrap();
    assert_eq!(record.basin, "01013500");
    assert_eq!(
        record.dates,
        vec![date(1999, 12, 31), date(2000, 1, 1), date(2000, 1, 2)]
    );
    assert_eq!(record.input_names, names(&["tmax", "prcp", "dayl"]));
    assert_eq!(&record.inputs[0][1..], &[-12.03, -4.50]);
    assert_eq!(&record.inputs[1][1..], &[0.17, 0.06]);
    assert_eq!(&record.inputs[2][1..], &[30172.48, 30253.07]);
    assert_eq!(record.target_names, names(&["streamflow"]));
    // camels_topo.txt line 2: "01013500;47.23739;-68.58264;250.31;21.64152;2252.7;2303.95".
    assert_eq!(record.area_km2, 2252.7);
    assert_eq!(record.index_of(date(2000, 1, 2)), Some(2));
}

#[test]
fn streamflow_in_mm_per_day_and_missing_days() {
    let attrs = attributes();
    // usgs_streamflow/01/01022500_streamflow_qc.txt line 7310: "01022500 2000 01 05   911.00 A";
    // area_gages2 of 01022500 (camels_topo.txt line 3) = 573.6 km^2.
    // 911 ft^3/s * 0.028316846592 m^3/ft^3 = 25.796647245 m^3/s; * 86400 s = 2228830.32 m^3/day;
    // / 573.6e6 m^2 = 0.0038856875 m/day = 3.8856875 mm/day.
    let record = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01022500",
            &names(&["prcp"]),
            period(date(2000, 1, 5), date(2000, 1, 5)),
            &attrs,
        )
        .unwrap();
    assert!(
        (record.targets[0][0] - 3.885_687_5).abs() < 1e-5,
        "{}",
        record.targets[0][0]
    );

    // Lines 12692-12693: 2014-09-30 is observed, 2014-10-01 is "01022500 2014 10 01  -999.00 M".
    let record = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01022500",
            &names(&["prcp"]),
            period(date(2014, 9, 30), date(2014, 10, 1)),
            &attrs,
        )
        .unwrap();
    assert!(!record.targets[0][0].is_nan());
    assert!(record.targets[0][1].is_nan(), "-999 must be missing");

    // 06221400's streamflow starts at line 1, "06221400 2002 06 30   495.00 A", while its nldas
    // forcing starts in 1993: earlier days are missing, not an error.
    // 495 cfs over area_gages2 227.88 km^2 (camels_topo.txt line 335):
    // 495 * 0.028316846592 * 86400 / 227.88e6 * 1000 = 5.3145 mm/day.
    let record = camels()
        .load_basin(
            ForcingSource::Nldas,
            "06221400",
            &names(&["prcp"]),
            period(date(2002, 6, 29), date(2002, 6, 30)),
            &attrs,
        )
        .unwrap();
    assert!(record.targets[0][0].is_nan());
    assert!(
        (record.targets[0][1] - 5.314_5).abs() < 1e-3,
        "{}",
        record.targets[0][1]
    );
}

#[test]
fn attribute_values_and_gauge_ids() {
    let attrs = attributes();
    // camels_clim.txt line 2: "01013500;3.12667898699521;1.97155451060917;...;son;202.2;...".
    assert_eq!(attrs.value("01013500", "p_mean").unwrap(), 3.12667898699521);
    assert_eq!(attrs.text("01013500", "high_prec_timing").unwrap(), "son");
    // camels_vege.txt line 2 writes "    Mixed Forests" (leading spaces).
    assert_eq!(
        attrs.text("01013500", "dom_land_cover").unwrap(),
        "Mixed Forests"
    );
    // camels_name.txt line 2: "01013500;01;Fish River near Fort Kent, Maine".
    assert_eq!(attrs.text("01013500", "huc_02").unwrap(), "01");
    assert_eq!(attrs.area_km2("01022500").unwrap(), 573.6);
    // 671 basins, ids with their leading zeros.
    assert_eq!(attrs.basins().len(), 671);
    assert_eq!(attrs.basins()[0], "01013500");
    assert!(
        attrs.names().any(|n| n == "geol_porostiy"),
        "names are kept as written"
    );

    let list = read_basin_list(camels().root.join("basins_nldas19.txt")).unwrap();
    assert_eq!(list.len(), 19);
    assert_eq!(list[0], "01013500");
    assert_eq!(list[18], "12010000");
    // The 19 long nldas records plus 01547700, 02064000 and 03015500.
    let nldas = camels().list_basins(ForcingSource::Nldas).unwrap();
    assert_eq!(nldas.len(), 22);
    assert_eq!(nldas[0], "01013500");
    assert_eq!(
        camels().list_basins(ForcingSource::Daymet).unwrap(),
        names(&["01022500", "01031500", "01547700", "02064000", "03015500"])
    );
}

#[test]
fn attribute_errors_name_file_line_and_suggestion() {
    let attrs = attributes();
    let err = attrs.value("01013500", "p_mea").unwrap_err();
    assert!(matches!(err, DataError::UnknownAttribute { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `p_mean`?");

    // camels_vege.txt line 2 ends "...;    Mixed Forests;NA;NA": root_depth_50 is NA.
    let err = attrs.value("01013500", "root_depth_50").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("camels_vege.txt"), "{text}");
    assert!(text.contains("line 2"), "{text}");
    assert!(
        text.contains("01013500") && text.contains("root_depth_50"),
        "{text}"
    );

    let err = attrs.value("01013500", "high_prec_timing").unwrap_err();
    assert!(err.to_string().contains("categorical"), "{err}");

    let err = attrs.value("1013500", "p_mean").unwrap_err();
    assert!(matches!(err, DataError::BasinNotFound { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `01013500`?");
}

#[test]
fn unknown_basin_names_the_directory() {
    let err = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01022501",
            &names(&["prcp"]),
            period(date(2000, 1, 1), date(2000, 1, 2)),
            &attributes(),
        )
        .unwrap_err();
    assert!(matches!(err, DataError::BasinNotFound { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("basin_mean_forcing/nldas"), "{text}");
    assert!(text.contains("01022501"), "{text}");
    assert_eq!(help(&err), "did you mean `01022500`?");
}

#[test]
fn period_outside_the_record_states_the_available_range() {
    // nldas/01/01013500: first row "1993 09 29 ...", last row "2013 10 03 ...".
    let err = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01013500",
            &names(&["prcp"]),
            period(date(1990, 1, 1), date(2000, 1, 1)),
            &attributes(),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("1990-01-01..2000-01-01"), "{text}");
    assert!(text.contains("1993-09-29..2013-10-03"), "{text}");
    // maurer covers 2000..2002 only.
    let err = camels()
        .load_basin(
            ForcingSource::Maurer,
            "01022500",
            &names(&["prcp"]),
            period(date(2002, 12, 1), date(2003, 1, 1)),
            &attributes(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("2000-01-01..2002-12-31"), "{err}");
    // A reversed period is empty, not an empty record.
    let err = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01013500",
            &names(&["prcp"]),
            period(date(2000, 1, 2), date(2000, 1, 1)),
            &attributes(),
        )
        .unwrap_err();
    assert!(matches!(err, DataError::EmptyPeriod { .. }), "{err:?}");
}

#[test]
fn unknown_input_variable_suggests_a_name() {
    let err = camels()
        .load_basin(
            ForcingSource::Nldas,
            "01013500",
            &names(&["prcp", "tmaxx"]),
            period(date(2000, 1, 1), date(2000, 1, 2)),
            &attributes(),
        )
        .unwrap_err();
    assert!(matches!(err, DataError::UnknownVariable { .. }), "{err:?}");
    assert_eq!(help(&err), "did you mean `tmax`?");
}

/// A CAMELS-US tree in a fresh temporary directory, with basin 01022500's forcing (no HUC
/// sub-folder) and streamflow built from the given rows.
struct TempCamels {
    root: PathBuf,
}

impl TempCamels {
    const FORCING: &'static str = "basin_mean_forcing/nldas/01022500_lump_nldas_forcing_leap.txt";
    const STREAMFLOW: &'static str = "usgs_streamflow/01/01022500_streamflow_qc.txt";

    fn new(test: &str, forcing_rows: &[&str], streamflow_rows: &[&str]) -> Self {
        let root = std::env::temp_dir().join(format!("hydro_data_{test}_{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let header = "  44.82\n 133.00\n 587675987\n\
            Year Mnth Day Hr\tDayl(s)\tPRCP(mm/day)\tSRAD(W/m2)\tSWE(mm)\tTmax(C)\tTmin(C)\tVp(Pa)\n";
        let write = |rel: &str, text: String| {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            Self::FORCING,
            format!("{header}{}\n", forcing_rows.join("\n")),
        );
        write(
            Self::STREAMFLOW,
            format!("{}\n", streamflow_rows.join("\n")),
        );
        TempCamels { root }
    }

    fn load(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<hydro::data::BasinRecord, DataError> {
        CamelsUs::new(&self.root).load_basin(
            ForcingSource::Nldas,
            "01022500",
            &names(&["prcp", "tmax"]),
            period(start, end),
            &attributes(),
        )
    }
}

impl Drop for TempCamels {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

const ROW1: &str = "2000 01 01 12\t31185.94\t0.00\t247.36\t0.00\t-5.69\t-5.69\t257.60";
const ROW2: &str = "2000 01 02 12\t31302.07\t1.50\t209.59\t0.00\t-3.05\t-3.05\t310.93";
const ROW3: &str = "2000 01 03 12\t31370.89\t2.25\t219.97\t0.00\t-6.52\t-6.52\t188.85";
const ROW4: &str = "2000 01 04 12\t31370.89\t3.00\t219.97\t0.00\t-6.52\t-6.52\t188.85";
const FLOW: [&str; 2] = [
    "01022500 2000 01 01   255.00 A:e",
    "01022500 2000 01 02   -999.00 M",
];

#[test]
fn a_tree_without_huc_folder_is_read() {
    let tree = TempCamels::new("flat", &[ROW1, ROW2, ROW3], &FLOW);
    let record = tree.load(date(2000, 1, 1), date(2000, 1, 3)).unwrap();
    assert_eq!(record.inputs[0], vec![0.0, 1.5, 2.25]);
    assert_eq!(record.inputs[1], vec![-5.69, -3.05, -6.52]);
    // 255 cfs over 573.6 km^2: 255 * 0.028316846592 * 86400 / 573.6e6 * 1000 = 1.0876 mm/day;
    // the second day is -999 and the third has no row: both missing.
    assert!(
        (record.targets[0][0] - 1.0876).abs() < 1e-4,
        "{}",
        record.targets[0][0]
    );
    assert!(record.targets[0][1].is_nan() && record.targets[0][2].is_nan());
}

#[test]
fn a_short_row_names_file_and_line() {
    // Lines 1-4 are the header, so the third row is line 7.
    let tree = TempCamels::new(
        "short_row",
        &[ROW1, ROW2, "2000 01 03 12\t31370.89\t2.25\t219.97"],
        &FLOW,
    );
    let err = tree.load(date(2000, 1, 1), date(2000, 1, 2)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(TempCamels::FORCING), "{text}");
    assert!(text.contains("line 7"), "{text}");
    assert!(text.contains("expected 11 columns, found 7"), "{text}");
}

#[test]
fn a_non_number_names_the_column() {
    let bad = "2000 01 02 12\t31302.07\tabc\t209.59\t0.00\t-3.05\t-3.05\t310.93";
    let tree = TempCamels::new("not_number", &[ROW1, bad, ROW3], &FLOW);
    let err = tree.load(date(2000, 1, 1), date(2000, 1, 3)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line 6"), "{text}");
    assert!(
        text.contains("`abc` is not a number in column PRCP(mm/day)"),
        "{text}"
    );
    // A -999 forcing value is a missing-value marker, not a number to train on.
    let marker = "2000 01 02 12\t31302.07\t-999.00\t209.59\t0.00\t-3.05\t-3.05\t310.93";
    let tree = TempCamels::new("marker", &[ROW1, marker, ROW3], &FLOW);
    let err = tree.load(date(2000, 1, 1), date(2000, 1, 3)).unwrap_err();
    assert!(err.to_string().contains("marks a missing value"), "{err}");
}

#[test]
fn a_missing_day_inside_the_period_is_a_gap() {
    // Rows for 01-01, 01-02 and 01-04: 2000-01-03 is missing; the row after the gap is line 7.
    let tree = TempCamels::new("gap", &[ROW1, ROW2, ROW4], &FLOW);
    let err = tree.load(date(2000, 1, 1), date(2000, 1, 4)).unwrap_err();
    assert!(matches!(err, DataError::ForcingGap { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("2000-01-03") && text.contains("line 7"),
        "{text}"
    );
    // The gap does not matter for a period that avoids it.
    let record = tree.load(date(2000, 1, 1), date(2000, 1, 2)).unwrap();
    assert_eq!(record.inputs[0], vec![0.0, 1.5]);
    // A repeated day is malformed.
    let tree = TempCamels::new("repeat", &[ROW1, ROW2, ROW2], &FLOW);
    let err = tree.load(date(2000, 1, 1), date(2000, 1, 2)).unwrap_err();
    assert!(err.to_string().contains("line 7"), "{err}");
}

#[test]
fn a_streamflow_row_of_another_gauge_is_an_error() {
    let flow = [
        "01022500 2000 01 01   255.00 A",
        "01022501 2000 01 02   255.00 A",
    ];
    let tree = TempCamels::new("gauge", &[ROW1, ROW2], &flow);
    let err = tree.load(date(2000, 1, 1), date(2000, 1, 2)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(TempCamels::STREAMFLOW), "{text}");
    assert!(
        text.contains("line 2") && text.contains("01022501"),
        "{text}"
    );
}

#[test]
fn a_malformed_basin_list_names_the_line() {
    let dir = std::env::temp_dir().join(format!("hydro_data_list_{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("basins.txt");
    fs::write(&path, "01013500\n\n1022500\n").unwrap();
    let err = read_basin_list(&path).unwrap_err();
    let _ = fs::remove_dir_all(&dir);
    let text = err.to_string();
    assert!(
        text.contains("basins.txt") && text.contains("line 3"),
        "{text}"
    );
    assert_eq!(
        help(&err),
        "a leading zero may have been lost: did you mean `01022500`?"
    );
}

#[test]
fn loading_the_nldas_benchmark_basins_is_fast() {
    let start = Instant::now();
    let camels = camels();
    let attrs = camels.attributes().unwrap();
    let basins = read_basin_list(camels.root.join("basins_nldas19.txt")).unwrap();
    let inputs = names(&["prcp", "srad", "tmax", "tmin", "vp", "dayl"]);
    // The long nldas records all cover 1993-10-01..2013-09-30.
    let train = period(date(1993, 10, 1), date(2013, 9, 30));
    let records: Vec<_> = basins
        .iter()
        .map(|b| camels.load_basin(ForcingSource::Nldas, b, &inputs, train, &attrs))
        .collect::<Result<_, _>>()
        .unwrap();
    let elapsed = start.elapsed();
    eprintln!(
        "loaded {} basins and the attributes in {elapsed:?}",
        records.len()
    );
    assert_eq!(records.len(), 19);
    assert!(records.iter().all(|r| r.len() == train.days()));
    assert!(elapsed.as_secs_f64() < 5.0, "{elapsed:?}");
}
