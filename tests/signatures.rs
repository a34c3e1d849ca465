//! Hydrological signatures on hand-computed series and on a real CAMELS-US basin against the
//! published CAMELS attribute table.

mod common;

use common::data_root;

use chrono::{Duration, NaiveDate};
use hydro::analysis::signatures::{signature_table, signatures, SIGNATURE_NAMES};
use hydro::data::camels_us::{CamelsUs, ForcingSource};
use hydro::data::DateRange;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `n` consecutive days from `start`.
fn days(start: NaiveDate, n: usize) -> Vec<NaiveDate> {
    (0..n).map(|i| start + Duration::days(i as i64)).collect()
}

/// The published signatures of `basin` from `camels_hydro.txt`, in the order of SIGNATURE_NAMES.
fn published(basin: &str) -> Vec<f64> {
    let path = data_root().join("camels_us/camels_attributes_v2.0/camels_hydro.txt");
    let text = std::fs::read_to_string(&path).expect("camels_hydro.txt");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let row: Vec<&str> = lines
        .find(|line| line.starts_with(basin))
        .expect("basin row")
        .split(';')
        .collect();
    SIGNATURE_NAMES
        .iter()
        .map(|name| {
            let column = header.iter().position(|h| h == name).expect("column");
            row[column].parse().unwrap()
        })
        .collect()
}

/// Relative difference.
fn relative(got: f64, expected: f64) -> f64 {
    ((got - expected) / expected).abs()
}

/// Ten days (mean 7.5, median 1): high-flow days (> 9) are 20, 20, 30 in two runs; low-flow days
/// (<= 0.2 · 7.5 = 1.5) are the seven days with 1 or 0, in two runs (1 1 1 and 1 0 0 1); two days
/// without flow. Sorted 0 0 1 1 1 1 1 20 20 30: q5 at h = 0.45 is 0, q95 at h = 8.55 is
/// 20 + 0.55 · 10 = 25.5; Q33 (h = 2.97) = Q66 (h = 5.94) = 1, so the slope is 0.
#[test]
fn flow_statistics_by_hand() {
    let q = [1.0, 1.0, 1.0, 20.0, 20.0, 1.0, 0.0, 0.0, 1.0, 30.0];
    let p = [5.0; 10];
    let s = signatures(&days(date(2001, 3, 1), 10), &q, &p);
    assert_eq!(s.q_mean, Some(7.5));
    assert_eq!(s.runoff_ratio, Some(1.5));
    assert_eq!(s.q5, Some(0.0));
    assert!((s.q95.unwrap() - 25.5).abs() < 1e-12);
    assert_eq!(s.slope_fdc, Some(0.0));
    assert!((s.high_q_freq.unwrap() - 3.0 / 10.0 * 365.25).abs() < 1e-12);
    assert_eq!(s.high_q_dur, Some(1.5));
    assert!((s.low_q_freq.unwrap() - 7.0 / 10.0 * 365.25).abs() < 1e-12);
    assert_eq!(s.low_q_dur, Some(3.5));
    assert_eq!(s.zero_q_freq, Some(0.2));
    // Too short for the baseflow filter (runs must exceed 30 days), no complete year.
    assert_eq!(s.baseflow_index, None);
    assert_eq!(s.stream_elas, None);
    assert_eq!(s.hfd_mean, None);
}

/// A missing day and a gap in the dates both end runs. Day 5 (20) missing: values
/// 1 1 1 20 _ 1 0 0 1 30 have mean 55/9 and median 1; high days 20 and 30 are two runs of one day.
/// With all values present but a one-day gap in the dates between the two 20s, the high days form
/// three runs (20 | 20, 30 apart): duration 1.
#[test]
fn missing_days_and_date_gaps_end_runs() {
    let mut q = [1.0, 1.0, 1.0, 20.0, 20.0, 1.0, 0.0, 0.0, 1.0, 30.0];
    let p = [5.0; 10];
    let dates = days(date(2001, 3, 1), 10);
    q[4] = f64::NAN;
    let s = signatures(&dates, &q, &p);
    assert!((s.q_mean.unwrap() - 55.0 / 9.0).abs() < 1e-12);
    assert_eq!(s.high_q_dur, Some(1.0));
    assert!((s.high_q_freq.unwrap() - 2.0 / 9.0 * 365.25).abs() < 1e-12);
    q[4] = 20.0;
    let mut gapped = dates.clone();
    for day in gapped.iter_mut().skip(4) {
        *day += Duration::days(1);
    }
    assert_eq!(signatures(&gapped, &q, &p).high_q_dur, Some(1.0));
    assert_eq!(signatures(&dates, &q, &p).high_q_dur, Some(1.5));
}

/// Three hydrological years from 1 October 2001 (365, 365 and 366 days) with constant daily
/// values P = 2, 3, 4 and Q = 1, 1.5, 3: P̄ = 3, Q̄ = 11/6. Year 1: ((1 - 11/6)/(11/6)) / (-1/3)
/// = 15/11; year 2 has P = P̄ and is skipped; year 3: (7/11) / (1/3) = 21/11; median 18/11.
/// A further partial year (100 days) is not complete and is ignored.
#[test]
fn streamflow_elasticity_by_hand() {
    let lengths = [365, 365, 366, 100];
    let (p_levels, q_levels) = ([2.0, 3.0, 4.0, 9.0], [1.0, 1.5, 3.0, 9.0]);
    let mut p = Vec::new();
    let mut q = Vec::new();
    for (i, &n) in lengths.iter().enumerate() {
        p.extend(std::iter::repeat_n(p_levels[i], n));
        q.extend(std::iter::repeat_n(q_levels[i], n));
    }
    let dates = days(date(2001, 10, 1), q.len());
    assert_eq!(dates[365 + 365 + 366], date(2004, 10, 1));
    let s = signatures(&dates, &q, &p);
    assert!(
        (s.stream_elas.unwrap() - 18.0 / 11.0).abs() < 1e-12,
        "{s:?}"
    );
    let total_q = 365.0 + 365.0 * 1.5 + 366.0 * 3.0 + 900.0;
    let total_p = 365.0 * 2.0 + 365.0 * 3.0 + 366.0 * 4.0 + 900.0;
    assert!((s.runoff_ratio.unwrap() - total_q / total_p).abs() < 1e-12);
}

/// Hydrological year 2001 with 1 mm/day every day: the cumulative flow exceeds half of 365 on day
/// 183 (1 April 2002). Year 2002 with all its flow on 10 October: day 10. Year 2003 has only 300
/// days and is skipped (not more than 95 % of 365). Mean (183 + 10) / 2 = 96.5.
#[test]
fn half_flow_date_by_hand() {
    let mut q = vec![1.0; 365];
    let mut second = vec![0.0; 365];
    second[9] = 100.0;
    q.extend(second);
    q.extend(vec![5.0; 300]);
    let p = vec![1.0; q.len()];
    let s = signatures(&days(date(2001, 10, 1), q.len()), &q, &p);
    assert_eq!(s.hfd_mean, Some(96.5));
}

/// Baseflow index of a synthetic 80-day series q_k = 1 + 3 sin²(k/5) + 10 [k mod 17 = 0] against
/// an independent numpy implementation of the Ladson et al. (2013) procedure:
/// `pad = np.concatenate([q[30:0:-1], q, q[-2:-32:-1]])`, passes forward/backward/forward with
/// `f[0] = x[0]; f[k] = a*f[k-1] + 0.5*(1+a)*(x[k]-x[k-1]); b = np.where(f > 0, x - f, x)`,
/// `base = np.clip(b[30:110], 0, None); base.sum()/q.sum()` → 0.5521507183428566.
/// Split by a missing day into runs of 40 and 39 days, the index is their length-weighted mean;
/// a run of 30 days or fewer is not used.
#[test]
fn baseflow_index_against_numpy_and_with_gaps() {
    let q: Vec<f64> = (0..80)
        .map(|k| {
            let x = k as f64 / 5.0;
            1.0 + 3.0 * x.sin().powi(2) + if k % 17 == 0 { 10.0 } else { 0.0 }
        })
        .collect();
    let p = vec![1.0; 80];
    let dates = days(date(2001, 3, 1), 80);
    let bfi = signatures(&dates, &q, &p).baseflow_index.unwrap();
    assert!(relative(bfi, 0.5521507183428566) < 1e-12, "{bfi}");

    let bfi_of =
        |dates: &[NaiveDate], q: &[f64]| signatures(dates, q, &vec![1.0; q.len()]).baseflow_index;
    let mut gapped = q.clone();
    gapped[40] = f64::NAN;
    let first = bfi_of(&dates[..40], &q[..40]).unwrap();
    let second = bfi_of(&dates[41..], &q[41..]).unwrap();
    let weighted = bfi_of(&dates, &gapped).unwrap();
    assert!((weighted - (40.0 * first + 39.0 * second) / 79.0).abs() < 1e-14);
    gapped[70] = f64::NAN; // the second run becomes 29 and 9 days long
    assert_eq!(bfi_of(&dates, &gapped), Some(first));
    assert_eq!(bfi_of(&dates[..30], &q[..30]), None);
}

#[test]
fn undefined_signatures() {
    let dates = days(date(2001, 3, 1), 3);
    let nothing = signatures(&dates, &[f64::NAN; 3], &[1.0; 3]);
    assert_eq!(nothing.values(), [None; 13]);
    assert_eq!(
        signatures(&dates, &[1.0; 2], &[1.0; 3]).values(),
        [None; 13]
    );
    let dry = signatures(&dates, &[0.0; 3], &[0.0; 3]);
    assert_eq!(dry.runoff_ratio, None);
    assert_eq!(dry.slope_fdc, None);
    assert_eq!(dry.zero_q_freq, Some(1.0));
}

#[test]
fn table_of_signatures() {
    let dates = days(date(2001, 3, 1), 10);
    let q = [1.0, 1.0, 1.0, 20.0, 20.0, 1.0, 0.0, 0.0, 1.0, 30.0];
    let s = signatures(&dates, &q, &[5.0; 10]);
    let table = signature_table(&[("basin_a".to_string(), s)]);
    assert_eq!(table.columns[0], "basin");
    assert_eq!(&table.columns[1..], SIGNATURE_NAMES);
    assert_eq!(table.numbers("q_mean").unwrap(), vec![Some(7.5)]);
    assert_eq!(table.numbers("hfd_mean").unwrap(), vec![None]);
}

/// Basin 01031500 (Piscataquis River, Maine) over 1989-10-01..2009-09-30 with Daymet
/// precipitation, the period and forcing of the CAMELS table, against `camels_hydro.txt`.
/// The loader gives single-precision values, so continuous signatures agree to about 1e-7
/// relative (tolerance 1e-6); counts, durations and the half-flow date agree exactly. The
/// elasticity differs by 5e-5 relative (ours 1.648781, published 1.648693; tolerance 2e-4).
#[test]
fn camels_basin_01031500_against_published_signatures() {
    let camels = CamelsUs::new(data_root().join("camels_us"));
    let attributes = camels.attributes().unwrap();
    let record = camels
        .load_basin(
            ForcingSource::Daymet,
            "01031500",
            &["prcp".to_string()],
            DateRange::new(date(1989, 10, 1), date(2009, 9, 30)),
            &attributes,
        )
        .unwrap();
    let q: Vec<f64> = record.targets[0].iter().map(|&v| v as f64).collect();
    let p: Vec<f64> = record.inputs[0].iter().map(|&v| v as f64).collect();
    let ours = signatures(&record.dates, &q, &p).values();
    let published = published("01031500");
    for (i, name) in SIGNATURE_NAMES.iter().enumerate() {
        let got = ours[i].unwrap_or_else(|| panic!("{name} undefined"));
        let want = published[i];
        let tolerance = match *name {
            "stream_elas" => 2e-4,
            "high_q_freq" | "high_q_dur" | "low_q_freq" | "low_q_dur" | "zero_q_freq"
            | "hfd_mean" => 1e-12,
            _ => 1e-6,
        };
        let error = if want == 0.0 {
            got.abs()
        } else {
            relative(got, want)
        };
        assert!(error <= tolerance, "{name}: ours {got}, published {want}");
    }
}
