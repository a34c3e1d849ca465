//! Sequence-to-one samples: which windows are usable, and how a batch of them is assembled.

use std::fmt;
use std::ops::Range;

use super::normalization::{FeatureStats, Normalization};
use super::period::DateRange;
use super::record::BasinRecord;

/// A batch of look-back windows, ready for an engine. All arrays are row-major `f32`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Number of samples.
    pub size: usize,
    /// Time steps per window (the look-back).
    pub steps: usize,
    /// Features per step: normalised dynamic inputs, then normalised static attributes.
    pub features: usize,
    /// Inputs, `[size][steps][features]`.
    pub x: Vec<f32>,
    /// Normalised targets at the last step, `[size][targets]`; never NaN in a training batch.
    pub y: Vec<f32>,
    /// Number of targets per sample.
    pub targets: usize,
    /// Standard deviation of each sample's basin target over the training period, in the
    /// target's physical units (`[size]`, used by the NSE* loss).
    pub basin_std: Vec<f32>,
}

/// One sequence-to-one sample: the window of `lookback` days of basin `basin` ending at day
/// `end` (positions `end + 1 - lookback ..= end` of `records[basin]`), predicting the targets
/// at `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sample {
    /// Position of the basin's record.
    pub basin: usize,
    /// Position of the window's last day in the record.
    pub end: usize,
}

/// How many samples of one basin were usable and how many were dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasinSampleCount {
    /// The gauge id.
    pub basin: String,
    /// Days of the period that are usable samples.
    pub usable: usize,
    /// Days of the period dropped because a target is missing.
    pub missing_target: usize,
    /// Days of the period without a complete look-back window in the record (too close to
    /// its start, or outside it).
    pub no_window: usize,
}

/// What [`usable_samples`] kept and dropped, per basin, for the caller to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleReport {
    /// The period whose days were considered.
    pub period: DateRange,
    /// One count per basin, in the order of the records.
    pub basins: Vec<BasinSampleCount>,
}

impl SampleReport {
    /// Total number of usable samples.
    pub fn usable(&self) -> usize {
        self.basins.iter().map(|b| b.usable).sum()
    }

    /// Total number of days dropped for a missing target.
    pub fn missing_target(&self) -> usize {
        self.basins.iter().map(|b| b.missing_target).sum()
    }
}

impl fmt::Display for SampleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} usable samples in {} basins, {} days dropped for missing targets",
            self.period,
            self.usable(),
            self.basins.len(),
            self.missing_target()
        )?;
        for b in &self.basins {
            write!(
                f,
                "\n  {}: {} usable, {} missing target",
                b.basin, b.usable, b.missing_target
            )?;
            if b.no_window > 0 {
                write!(f, ", {} without a complete window", b.no_window)?;
            }
        }
        Ok(())
    }
}

/// Positions of `record`'s days in `period` whose look-back window lies inside the record, and
/// the number of days of `period` without such a window. A look-back of 0 has no window.
fn window_ends(record: &BasinRecord, period: DateRange, lookback: usize) -> (Range<usize>, usize) {
    let first = record.dates.partition_point(|d| *d < period.start);
    let last = record
        .dates
        .partition_point(|d| *d <= period.end)
        .max(first);
    let start = if lookback == 0 {
        last
    } else {
        first.max(lookback - 1).min(last)
    };
    (start..last, period.days() - (last - start))
}

/// The usable training or validation samples of each record: every day of `period` whose full
/// look-back window lies in the record and whose targets are all observed. Windows whose target
/// is missing are never produced. Returns the samples `[basin][sample]` (in date order) and a
/// report of what was kept and dropped.
pub fn usable_samples(
    records: &[BasinRecord],
    period: DateRange,
    lookback: usize,
) -> (Vec<Vec<Sample>>, SampleReport) {
    let mut samples = Vec::with_capacity(records.len());
    let mut counts = Vec::with_capacity(records.len());
    for (basin, record) in records.iter().enumerate() {
        let (ends, no_window) = window_ends(record, period, lookback);
        let candidates = ends.len();
        let kept: Vec<Sample> = ends
            .filter(|&end| record.targets.iter().all(|t| !t[end].is_nan()))
            .map(|end| Sample { basin, end })
            .collect();
        counts.push(BasinSampleCount {
            basin: record.basin.clone(),
            usable: kept.len(),
            missing_target: candidates - kept.len(),
            no_window,
        });
        samples.push(kept);
    }
    let report = SampleReport {
        period,
        basins: counts,
    };
    (samples, report)
}

/// Every sample of `period` with a complete look-back window, including days whose target is
/// missing — for prediction and evaluation over a whole period (`[basin][sample]`, date order).
pub fn all_samples(
    records: &[BasinRecord],
    period: DateRange,
    lookback: usize,
) -> Vec<Vec<Sample>> {
    records
        .iter()
        .enumerate()
        .map(|(basin, record)| {
            window_ends(record, period, lookback)
                .0
                .map(|end| Sample { basin, end })
                .collect()
        })
        .collect()
}

/// Assembles a batch of `samples` with windows of `lookback` days.
///
/// `x` holds, for every step of every window, the normalised dynamic inputs followed by the
/// basin's normalised static attributes (`statics[basin]`, repeated at every step; pass an empty
/// slice when there are none). `y` holds the normalised targets at each window's last day; a
/// missing target stays `NaN` (possible only for samples from [`all_samples`], used for
/// evaluation; samples from [`usable_samples`] never have one). `basin_std[basin]` is copied
/// for each sample.
///
/// Panics if a sample does not belong to `records` (a programming error: samples come from
/// [`usable_samples`] or [`all_samples`] on the same records).
pub fn assemble(
    records: &[BasinRecord],
    normalization: &Normalization,
    statics: &[Vec<f32>],
    samples: &[Sample],
    lookback: usize,
    basin_std: &[f32],
) -> Batch {
    let n_inputs = normalization.inputs.len();
    let n_statics = normalization.statics.len();
    let n_targets = normalization.targets.len();
    let features = n_inputs + n_statics;
    let scale = |stats: &FeatureStats| -> Vec<(f64, f64)> {
        stats
            .offset
            .iter()
            .zip(&stats.scale)
            .map(|(&m, &s)| (m, 1.0 / s))
            .collect()
    };
    let (inputs_scale, targets_scale) =
        (scale(&normalization.inputs), scale(&normalization.targets));
    let mut x = vec![0.0_f32; samples.len() * lookback * features];
    let mut y = Vec::with_capacity(samples.len() * n_targets);
    let mut stds = Vec::with_capacity(samples.len());
    if features > 0 && lookback > 0 {
        for (sample, window) in samples.iter().zip(x.chunks_exact_mut(lookback * features)) {
            let record = &records[sample.basin];
            let start = sample.end + 1 - lookback;
            let basin_statics: &[f32] = if n_statics > 0 {
                &statics[sample.basin]
            } else {
                &[]
            };
            for (t, step) in window.chunks_exact_mut(features).enumerate() {
                let (dynamic, fixed) = step.split_at_mut(n_inputs);
                for ((value, series), &(mean, inv_std)) in
                    dynamic.iter_mut().zip(&record.inputs).zip(&inputs_scale)
                {
                    *value = ((f64::from(series[start + t]) - mean) * inv_std) as f32;
                }
                fixed.copy_from_slice(basin_statics);
            }
        }
    }
    for sample in samples {
        let record = &records[sample.basin];
        for (series, &(mean, inv_std)) in record.targets.iter().zip(&targets_scale) {
            y.push(((f64::from(series[sample.end]) - mean) * inv_std) as f32);
        }
        stds.push(basin_std[sample.basin]);
    }
    Batch {
        size: samples.len(),
        steps: lookback,
        features,
        x,
        y,
        targets: n_targets,
        basin_std: stds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::normalization::Scaling;
    use chrono::NaiveDate;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2000, 1, day).unwrap()
    }

    /// Days 2000-01-01..06 (positions 0..5): prcp 0..5, tmax 10..60, target missing at 0 and 3.
    fn record() -> BasinRecord {
        BasinRecord {
            basin: "01022500".into(),
            dates: (1..=6).map(d).collect(),
            inputs: vec![
                vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
                vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            ],
            input_names: vec!["prcp".into(), "tmax".into()],
            targets: vec![vec![f32::NAN, 1.0, 2.0, f32::NAN, 4.0, 5.0]],
            target_names: vec!["streamflow".into()],
            area_km2: 1.0,
        }
    }

    /// Days 2000-01-03..05 only (positions 0..2), target always observed.
    fn short_record() -> BasinRecord {
        BasinRecord {
            basin: "01013500".into(),
            dates: (3..=5).map(d).collect(),
            inputs: vec![vec![7.0; 3], vec![8.0; 3]],
            input_names: vec!["prcp".into(), "tmax".into()],
            targets: vec![vec![9.0; 3]],
            target_names: vec!["streamflow".into()],
            area_km2: 1.0,
        }
    }

    fn ends(samples: &[Sample]) -> Vec<usize> {
        samples.iter().map(|s| s.end).collect()
    }

    #[test]
    fn usable_samples_need_a_full_window_and_observed_targets() {
        // Period 01-02..01-06 = positions 1..5 of the first record. With a look-back of 3 a
        // window ending at position p covers p-2..p, so position 1 has no full window;
        // of 2, 3, 4, 5 position 3 has a missing target: usable 2, 4, 5.
        // The short record holds 01-03..01-05 (positions 0..2): only position 2 (01-05) has a
        // full window; the other 4 days of the 5-day period have none.
        let records = [record(), short_record()];
        let period = DateRange::new(d(2), d(6));
        let (samples, report) = usable_samples(&records, period, 3);
        assert_eq!(ends(&samples[0]), vec![2, 4, 5]);
        assert!(samples[0].iter().all(|s| s.basin == 0));
        assert_eq!(samples[1], vec![Sample { basin: 1, end: 2 }]);
        assert_eq!(
            report.basins[0],
            BasinSampleCount {
                basin: "01022500".into(),
                usable: 3,
                missing_target: 1,
                no_window: 1
            }
        );
        assert_eq!(report.basins[1].usable, 1);
        assert_eq!(report.basins[1].missing_target, 0);
        assert_eq!(report.basins[1].no_window, 4);
        assert_eq!(report.usable(), 4);
        assert_eq!(report.missing_target(), 1);
        let text = report.to_string();
        assert!(
            text.starts_with(
                "2000-01-02..2000-01-06: 4 usable samples in 2 basins, 1 days dropped"
            ),
            "{text}"
        );
    }

    #[test]
    fn all_samples_keep_missing_targets() {
        let records = [record(), short_record()];
        let all = all_samples(&records, DateRange::new(d(2), d(6)), 3);
        assert_eq!(ends(&all[0]), vec![2, 3, 4, 5]);
        assert_eq!(ends(&all[1]), vec![2]);
        // A look-back of 1 needs no history: every day of the period is a window end,
        // and a look-back of 0 has no window at all.
        assert_eq!(
            ends(&all_samples(&records, DateRange::new(d(1), d(6)), 1)[0]),
            vec![0, 1, 2, 3, 4, 5]
        );
        assert!(all_samples(&records, DateRange::new(d(1), d(6)), 0)[0].is_empty());
        // A period outside the record has no sample.
        assert!(all_samples(&records, DateRange::new(d(10), d(12)), 1)[0].is_empty());
    }

    #[test]
    fn assemble_lays_out_inputs_then_statics_per_step() {
        let stats = |names: &[&str], offset: Vec<f64>, scale: Vec<f64>| FeatureStats {
            names: names.iter().map(|n| n.to_string()).collect(),
            scaling: vec![Scaling::ZScore; names.len()],
            offset,
            scale,
        };
        let normalization = Normalization {
            inputs: stats(&["prcp", "tmax"], vec![2.0, 30.0], vec![2.0, 10.0]),
            statics: stats(&["a", "b"], vec![0.0, 0.0], vec![1.0, 1.0]),
            targets: stats(&["streamflow"], vec![1.0], vec![2.0]),
        };
        let records = [record(), short_record()];
        let statics = vec![vec![0.5, -0.5], vec![0.25, 0.75]];
        let samples = [
            Sample { basin: 0, end: 4 },
            Sample { basin: 1, end: 2 },
            Sample { basin: 0, end: 3 },
        ];
        let batch = assemble(&records, &normalization, &statics, &samples, 3, &[0.7, 0.1]);
        assert_eq!(
            (batch.size, batch.steps, batch.features, batch.targets),
            (3, 3, 4, 1)
        );
        // Sample 0: positions 2, 3, 4: prcp (2,3,4 - 2)/2 = 0, 0.5, 1; tmax (30,40,50 - 30)/10 =
        // 0, 1, 2; statics 0.5, -0.5 at every step.
        // Sample 1: prcp (7-2)/2 = 2.5, tmax (8-30)/10 = -2.2, statics 0.25, 0.75.
        // Sample 2: positions 1, 2, 3: prcp -0.5, 0, 0.5; tmax -1, 0, 1.
        #[rustfmt::skip]
        let expected_x = [
            0.0, 0.0, 0.5, -0.5,   0.5, 1.0, 0.5, -0.5,   1.0, 2.0, 0.5, -0.5,
            2.5, -2.2, 0.25, 0.75, 2.5, -2.2, 0.25, 0.75, 2.5, -2.2, 0.25, 0.75,
            -0.5, -1.0, 0.5, -0.5, 0.0, 0.0, 0.5, -0.5,   0.5, 1.0, 0.5, -0.5,
        ];
        assert_eq!(batch.x.len(), expected_x.len());
        for (i, (got, want)) in batch.x.iter().zip(expected_x).enumerate() {
            assert!((got - want).abs() < 1e-6, "x[{i}] = {got}, expected {want}");
        }
        // Targets: (4 - 1)/2 = 1.5, (9 - 1)/2 = 4, and the missing target at position 3 stays NaN.
        assert_eq!(&batch.y[..2], &[1.5, 4.0]);
        assert!(batch.y[2].is_nan());
        assert_eq!(batch.basin_std, vec![0.7, 0.1, 0.7]);
    }

    #[test]
    fn assemble_without_statics() {
        let mut normalization = Normalization {
            inputs: FeatureStats {
                names: vec!["prcp".into(), "tmax".into()],
                scaling: vec![Scaling::ZScore; 2],
                offset: vec![0.0; 2],
                scale: vec![1.0; 2],
            },
            statics: FeatureStats {
                names: vec![],
                scaling: vec![],
                offset: vec![],
                scale: vec![],
            },
            targets: FeatureStats {
                names: vec!["streamflow".into()],
                scaling: vec![Scaling::ZScore],
                offset: vec![0.0],
                scale: vec![1.0],
            },
        };
        let batch = assemble(
            &[record()],
            &normalization,
            &[],
            &[Sample { basin: 0, end: 1 }],
            2,
            &[1.0],
        );
        assert_eq!(batch.features, 2);
        assert_eq!(batch.x, vec![0.0, 10.0, 1.0, 20.0]);
        assert_eq!(batch.y, vec![1.0]);
        normalization.inputs.scale = vec![2.0, 10.0];
        let batch = assemble(
            &[record()],
            &normalization,
            &[],
            &[Sample { basin: 0, end: 1 }],
            2,
            &[1.0],
        );
        assert_eq!(batch.x, vec![0.0, 1.0, 0.5, 2.0]);
    }
}
