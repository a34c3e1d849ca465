//! The thirteen hydrological signatures of the CAMELS data set that Kratzert et al. (2019, HESS,
//! Sect. 2.6.3) use to judge catchment similarity, computed from daily streamflow and
//! precipitation with the definitions of Addor et al. (2017, 2018) and the CAMELS-US attribute
//! table `camels_hydro.txt`:
//!
//! | name             | definition                                                         | unit    |
//! |------------------|--------------------------------------------------------------------|---------|
//! | `q_mean`         | mean daily discharge                                               | mm/day  |
//! | `runoff_ratio`   | mean daily discharge / mean daily precipitation                   | -       |
//! | `slope_fdc`      | (Q66 - Q33) / (Q̄ (0.66 - 0.33)), Qxx the xx-th flow percentile     | -       |
//! | `baseflow_index` | Σ baseflow / Σ discharge, Lyne-Hollick filter as Ladson et al. 2013 | -       |
//! | `stream_elas`    | median over years of (ΔQ_y / Q̄) / (ΔP_y / P̄), Sankarasubramanian 2001 | -   |
//! | `q5`             | 5th flow percentile (low flow)                                     | mm/day  |
//! | `q95`            | 95th flow percentile (high flow)                                   | mm/day  |
//! | `high_q_freq`    | days with Q > 9 × median(Q), per year                              | days/yr |
//! | `high_q_dur`     | mean length of runs of consecutive such days                       | days    |
//! | `low_q_freq`     | days with Q <= 0.2 × mean(Q), per year                             | days/yr |
//! | `low_q_dur`      | mean length of runs of consecutive such days                       | days    |
//! | `zero_q_freq`    | fraction of days with Q <= 0                                       | -       |
//! | `hfd_mean`       | mean over hydrological years (from 1 October) of the day on which   | day     |
//! |                  | the cumulative discharge first exceeds half of the year's total    |         |
//!
//! Details, following the CAMELS scripts (Addor, `hydro_signatures.R`):
//! - percentiles interpolate linearly between order statistics (R `quantile` type 7, numpy's
//!   default);
//! - `slope_fdc`: the attribute description speaks of the slope between the log-transformed 33rd
//!   and 66th percentiles (Sawicz et al. 2011), but the published `camels_hydro.txt` values are the
//!   slope of the flow duration curve normalised by the mean flow, (Q66 - Q33) / Q̄ / 0.33 (Yadav et
//!   al. 2007, non-exceedance percentiles): this reproduces the table to 12 digits for 01022500,
//!   01031500 and 13331500 over 1989-10-01..2009-09-30, whereas (ln Q66 - ln Q33) / 0.33 gives
//!   3.31 instead of 1.49 for 01031500. The table's definition is used, so that values agree with
//!   the attributes that Kratzert et al. (2019) analysed;
//! - frequencies are counts divided by the number of days with data, times 365.25;
//! - low flows are `<=` 0.2 × mean as in the CAMELS script (the attribute description says `<`);
//! - without any high (low) flow day the frequency and the duration are 0, as in CAMELS;
//! - the baseflow filter: quickflow f_k = α f_(k-1) + (1 + α)/2 (x_k - x_(k-1)), α = 0.925, baseflow
//!   x_k - f_k where f_k > 0 and x_k otherwise; a forward pass on the discharge, a backward and a
//!   forward pass on the baseflow of the previous pass, each started with f equal to its first
//!   input value; the series is padded by reflecting 30 values at each end (the first and last
//!   values themselves not repeated) and the padding removed afterwards, negative baseflow is set
//!   to 0;
//! - hydrological years start on 1 October; day 1 is 1 October.
//!
//! Missing data: NaN marks a missing value of discharge or precipitation, and `dates` must be
//! increasing (gaps between dates are allowed and treated like missing days):
//! - `q_mean`, `slope_fdc`, `q5`, `q95`, the frequencies and `zero_q_freq` use every day with
//!   discharge; `runoff_ratio` uses the days with both discharge and precipitation;
//! - runs of high or low flow days end at a missing day;
//! - `baseflow_index` filters each run of more than 30 consecutive days with discharge separately
//!   and averages the runs' indices weighted by their lengths (shorter runs are not used), as
//!   Ladson's reference implementation;
//! - `stream_elas` uses only complete hydrological years (discharge and precipitation on every
//!   day); annual and long-term means are over those years, and a year whose precipitation equals
//!   the long-term mean (elasticity undefined) is skipped;
//! - `hfd_mean` uses hydrological years with discharge on more than 95 % of 365 days (as CAMELS)
//!   and a positive total; the day counts from 1 October also across missing days.
//!
//! A signature is `None` when the data do not define it (no discharge, zero mean flow for the slope,
//! zero mean precipitation, fewer than two complete years for the elasticity, ...).

use chrono::{Datelike, NaiveDate};

use super::statistics::percentile;
use super::{Cell, Table};

/// Names of the signatures, in the order of [`Signatures::values`] and of the columns of
/// [`signature_table`] (after `basin`); the names of the CAMELS attribute table.
pub const SIGNATURE_NAMES: [&str; 13] = [
    "q_mean",
    "runoff_ratio",
    "slope_fdc",
    "baseflow_index",
    "stream_elas",
    "q5",
    "q95",
    "high_q_freq",
    "high_q_dur",
    "low_q_freq",
    "low_q_dur",
    "zero_q_freq",
    "hfd_mean",
];

/// Units of the signatures, in the order of [`SIGNATURE_NAMES`] (discharge and precipitation in
/// mm/day).
pub const SIGNATURE_UNITS: [&str; 13] = [
    "mm/day", "-", "-", "-", "-", "mm/day", "mm/day", "days/yr", "days", "days/yr", "days", "-",
    "day",
];

/// Filter parameter α of the Lyne-Hollick baseflow filter (Ladson et al. 2013).
const BASEFLOW_ALPHA: f64 = 0.925;
/// Number of values reflected at each end of a run before filtering, and the length a run of
/// days with discharge must exceed to be filtered.
const BASEFLOW_REFLECTED: usize = 30;
/// High flow days exceed this multiple of the median daily flow.
const HIGH_FLOW_MEDIAN_FACTOR: f64 = 9.0;
/// Low flow days are at most this multiple of the mean daily flow.
const LOW_FLOW_MEAN_FACTOR: f64 = 0.2;
/// Days per year used to turn day fractions into frequencies.
const DAYS_PER_YEAR: f64 = 365.25;
/// A hydrological year enters the half-flow date with discharge on more than this many days.
const HALF_FLOW_MIN_DAYS: f64 = 0.95 * 365.0;
/// Month in which the hydrological year starts (October).
const HYDROLOGICAL_YEAR_START_MONTH: u32 = 10;

/// The thirteen signatures of one basin (see the module documentation for definitions and units);
/// `None` where the data do not define a signature.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Signatures {
    /// Mean daily discharge (mm/day).
    pub q_mean: Option<f64>,
    /// Mean daily discharge over mean daily precipitation (-).
    pub runoff_ratio: Option<f64>,
    /// Slope of the flow duration curve between its 33rd and 66th percentiles, normalised by the
    /// mean flow (-).
    pub slope_fdc: Option<f64>,
    /// Baseflow index (-).
    pub baseflow_index: Option<f64>,
    /// Streamflow-precipitation elasticity (-).
    pub stream_elas: Option<f64>,
    /// 5th flow percentile (mm/day).
    pub q5: Option<f64>,
    /// 95th flow percentile (mm/day).
    pub q95: Option<f64>,
    /// Frequency of high-flow days (days/yr).
    pub high_q_freq: Option<f64>,
    /// Mean duration of high-flow events (days).
    pub high_q_dur: Option<f64>,
    /// Frequency of low-flow days (days/yr).
    pub low_q_freq: Option<f64>,
    /// Mean duration of low-flow events (days).
    pub low_q_dur: Option<f64>,
    /// Fraction of days without flow (-).
    pub zero_q_freq: Option<f64>,
    /// Mean half-flow date (day of the hydrological year, 1 October = 1).
    pub hfd_mean: Option<f64>,
}

impl Signatures {
    /// The signatures in the order of [`SIGNATURE_NAMES`].
    pub fn values(&self) -> [Option<f64>; 13] {
        [
            self.q_mean,
            self.runoff_ratio,
            self.slope_fdc,
            self.baseflow_index,
            self.stream_elas,
            self.q5,
            self.q95,
            self.high_q_freq,
            self.high_q_dur,
            self.low_q_freq,
            self.low_q_dur,
            self.zero_q_freq,
            self.hfd_mean,
        ]
    }
}

/// The signatures of one basin from daily discharge `q` and precipitation `p` (both mm/day, NaN
/// missing) on `dates` (increasing). All signatures are `None` when the three slices differ in
/// length.
pub fn signatures(dates: &[NaiveDate], q: &[f64], p: &[f64]) -> Signatures {
    if dates.len() != q.len() || dates.len() != p.len() {
        return Signatures::default();
    }
    let flows: Vec<f64> = q.iter().copied().filter(|v| v.is_finite()).collect();
    if flows.is_empty() {
        return Signatures::default();
    }
    let q_mean = flows.iter().sum::<f64>() / flows.len() as f64;
    let q_median = percentile(&flows, 50.0);
    let (high_q_freq, high_q_dur) = match q_median {
        Some(median) => {
            let threshold = HIGH_FLOW_MEDIAN_FACTOR * median;
            frequency_and_duration(dates, q, flows.len(), |v| v > threshold)
        }
        None => (None, None),
    };
    let low_threshold = LOW_FLOW_MEAN_FACTOR * q_mean;
    let (low_q_freq, low_q_dur) =
        frequency_and_duration(dates, q, flows.len(), |v| v <= low_threshold);
    let zero_days = flows.iter().filter(|v| **v <= 0.0).count();
    Signatures {
        q_mean: Some(q_mean),
        runoff_ratio: runoff_ratio(q, p),
        slope_fdc: slope_fdc(&flows, q_mean),
        baseflow_index: baseflow_index(dates, q),
        stream_elas: stream_elasticity(dates, q, p),
        q5: percentile(&flows, 5.0),
        q95: percentile(&flows, 95.0),
        high_q_freq,
        high_q_dur,
        low_q_freq,
        low_q_dur,
        zero_q_freq: Some(zero_days as f64 / flows.len() as f64),
        hfd_mean: half_flow_date_mean(dates, q),
    }
}

/// One row per basin: `basin`, then the signatures named as in [`SIGNATURE_NAMES`] (units in
/// [`SIGNATURE_UNITS`]); undefined signatures are missing cells.
pub fn signature_table(basins: &[(String, Signatures)]) -> Table {
    let mut columns = vec!["basin"];
    columns.extend(SIGNATURE_NAMES);
    let mut table = Table::new(&columns);
    for (basin, values) in basins {
        let mut row = vec![Cell::from(basin.as_str())];
        row.extend(values.values().into_iter().map(Cell::maybe));
        table.push(row);
    }
    table
}

/// Mean discharge over mean precipitation on the days with both; `None` when there is no such
/// day or the mean precipitation is not positive.
fn runoff_ratio(q: &[f64], p: &[f64]) -> Option<f64> {
    let (mut sum_q, mut sum_p, mut days) = (0.0, 0.0, 0usize);
    for (&qi, &pi) in q.iter().zip(p) {
        if qi.is_finite() && pi.is_finite() {
            sum_q += qi;
            sum_p += pi;
            days += 1;
        }
    }
    (days > 0 && sum_p > 0.0).then(|| sum_q / sum_p)
}

/// (Q66 - Q33) / (Q̄ (0.66 - 0.33)) with Qxx the xx-th percentile and Q̄ the mean flow, the
/// definition that reproduces the CAMELS table (see the module documentation); `None` when the
/// mean flow is not positive.
fn slope_fdc(flows: &[f64], mean_flow: f64) -> Option<f64> {
    let q33 = percentile(flows, 33.0)?;
    let q66 = percentile(flows, 66.0)?;
    (mean_flow > 0.0).then(|| (q66 - q33) / mean_flow / (0.66 - 0.33))
}

/// Whether day `i` directly follows day `i - 1` in the calendar.
fn consecutive(dates: &[NaiveDate], i: usize) -> bool {
    i > 0 && (dates[i] - dates[i - 1]).num_days() == 1
}

/// Frequency (days/yr) of the days with discharge satisfying `event`, and the mean length of runs
/// of consecutive such days; both 0 without any such day. `valid_days` is the number of days with
/// discharge.
fn frequency_and_duration(
    dates: &[NaiveDate],
    q: &[f64],
    valid_days: usize,
    event: impl Fn(f64) -> bool,
) -> (Option<f64>, Option<f64>) {
    let mut event_days = 0usize;
    let mut runs = 0usize;
    let mut previous_was_event = false;
    for (i, &value) in q.iter().enumerate() {
        let is_event = value.is_finite() && event(value);
        if is_event {
            event_days += 1;
            if !(previous_was_event && consecutive(dates, i)) {
                runs += 1;
            }
        }
        previous_was_event = is_event;
    }
    if event_days == 0 {
        return (Some(0.0), Some(0.0));
    }
    let frequency = event_days as f64 / valid_days as f64 * DAYS_PER_YEAR;
    (Some(frequency), Some(event_days as f64 / runs as f64))
}

/// Baseflow index: each run of more than [`BASEFLOW_REFLECTED`] consecutive days with discharge
/// is filtered separately (see [`run_baseflow_index`]) and the runs' indices are averaged with
/// their lengths as weights. `None` when there is no such run with positive total flow.
fn baseflow_index(dates: &[NaiveDate], q: &[f64]) -> Option<f64> {
    let mut weighted_sum = 0.0;
    let mut weight = 0usize;
    let mut start = 0;
    while start < q.len() {
        if !q[start].is_finite() {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < q.len() && q[end].is_finite() && consecutive(dates, end) {
            end += 1;
        }
        if end - start > BASEFLOW_REFLECTED {
            if let Some(index) = run_baseflow_index(&q[start..end]) {
                weighted_sum += index * (end - start) as f64;
                weight += end - start;
            }
        }
        start = end;
    }
    (weight > 0).then(|| weighted_sum / weight as f64)
}

/// Baseflow index Σ baseflow / Σ q of one complete run of more than [`BASEFLOW_REFLECTED`] daily
/// flows: the run is padded by reflection, filtered forward, backward and forward again, and the
/// padding removed; `None` when the run's total flow is not positive.
fn run_baseflow_index(q: &[f64]) -> Option<f64> {
    let n = q.len();
    let pad = BASEFLOW_REFLECTED;
    let mut padded: Vec<f64> = (1..=pad).rev().map(|i| q[i]).collect();
    padded.extend_from_slice(q);
    padded.extend((n - 1 - pad..n - 1).rev().map(|i| q[i]));
    let first = filter_pass(&padded, false);
    let second = filter_pass(&first, true);
    let third = filter_pass(&second, false);
    let baseflow: f64 = third[pad..pad + n].iter().map(|b| b.max(0.0)).sum();
    let total: f64 = q.iter().sum();
    (total > 0.0).then(|| baseflow / total)
}

/// One pass of the Lyne-Hollick filter over `input`, forward or `backward`, returning the
/// baseflow: quickflow f starts at the first input value met, f_k = α f_(k-1) + (1 + α)/2
/// (x_k - x_(k-1)), and the baseflow is x_k - f_k where f_k > 0, x_k otherwise.
fn filter_pass(input: &[f64], backward: bool) -> Vec<f64> {
    let n = input.len();
    let at = |k: usize| if backward { n - 1 - k } else { k };
    let mut baseflow = vec![0.0; n];
    let mut quickflow = input[at(0)];
    for k in 0..n {
        let x = input[at(k)];
        if k > 0 {
            let previous = input[at(k - 1)];
            quickflow = BASEFLOW_ALPHA * quickflow + 0.5 * (1.0 + BASEFLOW_ALPHA) * (x - previous);
        }
        baseflow[at(k)] = if quickflow > 0.0 { x - quickflow } else { x };
    }
    baseflow
}

/// The hydrological year of `date` (the calendar year in which it starts on 1 October).
fn hydrological_year(date: NaiveDate) -> i32 {
    if date.month() >= HYDROLOGICAL_YEAR_START_MONTH {
        date.year()
    } else {
        date.year() - 1
    }
}

/// 1 October of hydrological year `year`.
fn hydrological_year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, HYDROLOGICAL_YEAR_START_MONTH, 1)
        .expect("1 October exists in every year")
}

/// Consecutive groups of day positions belonging to the same hydrological year, with that year.
fn hydrological_years(dates: &[NaiveDate]) -> Vec<(i32, std::ops::Range<usize>)> {
    let mut years: Vec<(i32, std::ops::Range<usize>)> = Vec::new();
    for (i, &date) in dates.iter().enumerate() {
        let year = hydrological_year(date);
        match years.last_mut() {
            Some((last, range)) if *last == year => range.end = i + 1,
            _ => years.push((year, i..i + 1)),
        }
    }
    years
}

/// Streamflow-precipitation elasticity of Sankarasubramanian et al. (2001):
/// median over complete hydrological years y of ((Q_y - Q̄) / Q̄) / ((P_y - P̄) / P̄), with Q_y, P_y
/// the year's mean daily discharge and precipitation and Q̄, P̄ their means over all complete years.
fn stream_elasticity(dates: &[NaiveDate], q: &[f64], p: &[f64]) -> Option<f64> {
    let mut annual: Vec<(f64, f64)> = Vec::new();
    for (year, range) in hydrological_years(dates) {
        let days_in_year =
            (hydrological_year_start(year + 1) - hydrological_year_start(year)).num_days();
        let complete = range
            .clone()
            .filter(|&i| q[i].is_finite() && p[i].is_finite())
            .count();
        if complete as i64 != days_in_year {
            continue;
        }
        let days = complete as f64;
        let mean_q = q[range.clone()].iter().sum::<f64>() / days;
        let mean_p = p[range].iter().sum::<f64>() / days;
        annual.push((mean_q, mean_p));
    }
    if annual.len() < 2 {
        return None;
    }
    let years = annual.len() as f64;
    let long_term_q = annual.iter().map(|(q, _)| q).sum::<f64>() / years;
    let long_term_p = annual.iter().map(|(_, p)| p).sum::<f64>() / years;
    if long_term_q == 0.0 || long_term_p == 0.0 {
        return None;
    }
    let ratios: Vec<f64> = annual
        .iter()
        .filter(|(_, p)| *p != long_term_p)
        .map(|(q, p)| ((q - long_term_q) / long_term_q) / ((p - long_term_p) / long_term_p))
        .collect();
    percentile(&ratios, 50.0)
}

/// Mean over hydrological years of the half-flow date: the day (1 October = 1) on which the
/// cumulative discharge of the year first exceeds half of its total. Years need discharge on more
/// than [`HALF_FLOW_MIN_DAYS`] days and a positive total.
fn half_flow_date_mean(dates: &[NaiveDate], q: &[f64]) -> Option<f64> {
    let mut half_flow_days = Vec::new();
    for (year, range) in hydrological_years(dates) {
        let valid: Vec<usize> = range.filter(|&i| q[i].is_finite()).collect();
        let total: f64 = valid.iter().map(|&i| q[i]).sum();
        if (valid.len() as f64) <= HALF_FLOW_MIN_DAYS || total <= 0.0 {
            continue;
        }
        let mut cumulative = 0.0;
        for &i in &valid {
            cumulative += q[i];
            if cumulative > 0.5 * total {
                let day = (dates[i] - hydrological_year_start(year)).num_days() + 1;
                half_flow_days.push(day as f64);
                break;
            }
        }
    }
    (!half_flow_days.is_empty())
        .then(|| half_flow_days.iter().sum::<f64>() / half_flow_days.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One forward pass by hand, α = 0.925, (1 + α)/2 = 0.9625, input 1, 3, 2:
    /// f = 1 → baseflow 0; f = 0.925·1 + 0.9625·2 = 2.85 → 3 - 2.85 = 0.15;
    /// f = 0.925·2.85 - 0.9625 = 1.67375 → 2 - 1.67375 = 0.32625.
    #[test]
    fn forward_pass_by_hand() {
        let baseflow = filter_pass(&[1.0, 3.0, 2.0], false);
        let expected = [0.0, 0.15, 0.32625];
        for (got, want) in baseflow.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{baseflow:?}");
        }
    }

    /// The backward pass is the forward pass on the reversed series, reversed.
    #[test]
    fn backward_pass_mirrors_forward_pass() {
        let series = [1.0, 3.0, 2.0, 0.5];
        let mut reversed = series;
        reversed.reverse();
        let mut forward_of_reversed = filter_pass(&reversed, false);
        forward_of_reversed.reverse();
        assert_eq!(filter_pass(&series, true), forward_of_reversed);
    }

    #[test]
    fn hydrological_year_starts_in_october() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(hydrological_year(date(2000, 9, 30)), 1999);
        assert_eq!(hydrological_year(date(2000, 10, 1)), 2000);
    }
}
