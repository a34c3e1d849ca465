//! Normalisation by training-period statistics: z-score (the default) or min-max to `[0, 1]`
//! (Yokoo et al.), with chosen inputs (the mass inputs of a mass-conserving model) and, for
//! models that predict fluxes directly, the targets left in physical units.
//!
//! Statistics are computed over the days of the training period of the training basins only
//! (missing target values ignored), so that nothing about validation or test data leaks into
//! the model. Static attributes are scaled over the training basins.
//!
//! Standard deviations are *population* standard deviations (divisor `n`, like xarray's
//! `std()` and numpy's `nanstd()` used by neuralhydrology). A constant feature (all values equal,
//! e.g. any static attribute when training on one basin) gets a scale of 1.0 instead of 0, so
//! that it normalises to a finite value instead of `NaN` or infinity.

use serde::{Deserialize, Serialize};

use super::error::DataError;
use super::period::DateRange;
use super::record::BasinRecord;
use super::windows::Sample;

/// How a feature is scaled: `normalised = (value - offset) / scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// Offset the mean, scale the (population) standard deviation.
    #[default]
    ZScore,
    /// Offset the minimum, scale the range: training values fall in `[0, 1]`.
    MinMax,
    /// Left in physical units (offset 0, scale 1).
    None,
}

impl std::str::FromStr for Scaling {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "zscore" => Ok(Scaling::ZScore),
            "minmax" => Ok(Scaling::MinMax),
            "none" => Ok(Scaling::None),
            other => Err(format!("unknown scaling `{other}`")),
        }
    }
}

/// Offset and scale of each of a list of features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureStats {
    /// Feature names.
    pub names: Vec<String>,
    /// How each feature is scaled.
    pub scaling: Vec<Scaling>,
    /// Subtracted from each feature (its mean or minimum, or 0), in physical units.
    pub offset: Vec<f64>,
    /// Divides each feature after the offset (its standard deviation or range, or 1; never 0).
    pub scale: Vec<f64>,
}

impl FeatureStats {
    /// Statistics of features `names`, scaled as `scaling(k)` says, where `values(k)` yields
    /// every training value of feature `k`; `NaN` values are ignored. Errors if a feature has
    /// no value.
    fn fit<I>(
        names: &[String],
        period: DateRange,
        values: impl Fn(usize) -> I,
        scaling: impl Fn(usize) -> Scaling,
    ) -> Result<Self, DataError>
    where
        I: Iterator<Item = f64> + Clone,
    {
        let mut stats = FeatureStats {
            names: names.to_vec(),
            scaling: Vec::with_capacity(names.len()),
            offset: Vec::with_capacity(names.len()),
            scale: Vec::with_capacity(names.len()),
        };
        for (k, name) in names.iter().enumerate() {
            let summary = summarize(values(k)).ok_or_else(|| DataError::NoTrainingData {
                feature: name.clone(),
                period,
            })?;
            let method = scaling(k);
            let (offset, scale) = match method {
                Scaling::ZScore => (summary.mean, summary.std),
                Scaling::MinMax => (summary.min, summary.max - summary.min),
                Scaling::None => (0.0, 1.0),
            };
            stats.scaling.push(method);
            stats.offset.push(offset);
            stats
                .scale
                .push(if summary.constant && method != Scaling::None {
                    1.0
                } else {
                    scale
                });
        }
        Ok(stats)
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there is no feature.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `value` of feature `k` normalised: `(value - offset) / scale`.
    pub fn normalize(&self, k: usize, value: f64) -> f64 {
        (value - self.offset[k]) / self.scale[k]
    }

    /// A normalised value of feature `k` back in physical units: `value * scale + offset`.
    pub fn denormalize(&self, k: usize, value: f64) -> f64 {
        value * self.scale[k] + self.offset[k]
    }
}

/// Mean, population standard deviation and range of a series.
struct Summary {
    mean: f64,
    std: f64,
    min: f64,
    max: f64,
    /// Whether all values are equal (then `std` is exactly 0).
    constant: bool,
}

/// Summary of the non-`NaN` values (`None` if there is none). Two passes: the mean, then the
/// squared deviations from it.
fn summarize(values: impl Iterator<Item = f64> + Clone) -> Option<Summary> {
    let (mut n, mut sum, mut min, mut max) = (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
    for v in values.clone().filter(|v| !v.is_nan()) {
        n += 1;
        sum += v;
        min = min.min(v);
        max = max.max(v);
    }
    if n == 0 {
        return None;
    }
    if min == max {
        return Some(Summary {
            mean: min,
            std: 0.0,
            min,
            max,
            constant: true,
        });
    }
    let mean = sum / n as f64;
    let squares: f64 = values
        .filter(|v| !v.is_nan())
        .map(|v| (v - mean) * (v - mean))
        .sum();
    Some(Summary {
        mean,
        std: (squares / n as f64).sqrt(),
        min,
        max,
        constant: false,
    })
}

/// How [`Normalization::fit`] scales a data set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingSettings {
    /// Scaling of every feature not named below.
    pub method: Scaling,
    /// Dynamic inputs left in physical units.
    pub unscaled_inputs: Vec<String>,
    /// Whether the targets stay in physical units.
    pub unscaled_targets: bool,
}

/// The normalisation of a data set: statistics of dynamic inputs, static attributes and targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Normalization {
    /// Dynamic inputs, in the order of the records' `input_names`.
    pub inputs: FeatureStats,
    /// Static attributes, in the order given to [`Normalization::fit`].
    pub statics: FeatureStats,
    /// Targets, in the order of the records' `target_names`.
    pub targets: FeatureStats,
}

impl Normalization {
    /// Fits the statistics on the training basins' `records` (all with the same inputs and
    /// targets, those of the first record) over the days of the periods `train` (the training
    /// period, or the years of it that are trained on), and on their static
    /// attributes `statics` (`[basin][attribute]`, named `static_names`), scaled as `settings`
    /// says.
    ///
    /// Errors ([`DataError::NoTrainingData`]) if a feature has no value at all in the training
    /// data (e.g. a target missing throughout the period).
    pub fn fit(
        records: &[BasinRecord],
        train: &[DateRange],
        statics: &[Vec<f64>],
        static_names: &[String],
        settings: &ScalingSettings,
    ) -> Result<Self, DataError> {
        let (input_names, target_names) = match records.first() {
            Some(r) => (r.input_names.as_slice(), r.target_names.as_slice()),
            None => (&[][..], &[][..]),
        };
        let method = settings.method;
        let whole = DateRange {
            start: train.iter().map(|p| p.start).min().unwrap_or_default(),
            end: train.iter().map(|p| p.end).max().unwrap_or_default(),
        };
        let inputs = FeatureStats::fit(
            input_names,
            whole,
            |k| {
                records
                    .iter()
                    .flat_map(move |r| train_values(&r.inputs[k], r, train))
            },
            |k| {
                if settings.unscaled_inputs.contains(&input_names[k]) {
                    Scaling::None
                } else {
                    method
                }
            },
        )?;
        let target_method = if settings.unscaled_targets {
            Scaling::None
        } else {
            method
        };
        let targets = FeatureStats::fit(
            target_names,
            whole,
            |k| {
                records
                    .iter()
                    .flat_map(move |r| train_values(&r.targets[k], r, train))
            },
            |_| target_method,
        )?;
        let statics = FeatureStats::fit(
            static_names,
            whole,
            |k| statics.iter().filter_map(move |row| row.get(k).copied()),
            |_| method,
        )?;
        Ok(Normalization {
            inputs,
            statics,
            targets,
        })
    }

    /// Normalised static attributes, `[basin][attribute]`, ready for batch assembly.
    pub fn normalize_statics(&self, statics: &[Vec<f64>]) -> Vec<Vec<f32>> {
        statics
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(k, &v)| self.statics.normalize(k, v) as f32)
                    .collect()
            })
            .collect()
    }
}

/// The values of `series` (a series of `record`) on the days that fall in one of `train`.
fn train_values<'a>(
    series: &'a [f32],
    record: &'a BasinRecord,
    train: &'a [DateRange],
) -> impl Iterator<Item = f64> + Clone + 'a {
    train.iter().flat_map(move |period| {
        let start = record.dates.partition_point(|d| *d < period.start);
        let end = record
            .dates
            .partition_point(|d| *d <= period.end)
            .max(start);
        series[start..end].iter().map(|&v| f64::from(v))
    })
}

/// Standard deviation (population) of target `target` of each basin over its training
/// `samples` (`[basin][sample]`), in physical units — the per-basin scale of the NSE* loss.
/// A basin without training sample, or whose training targets are all equal, gets 0.0 (the
/// loss adds its own epsilon).
pub fn basin_target_std(
    records: &[BasinRecord],
    samples: &[Vec<Sample>],
    target: usize,
) -> Vec<f32> {
    samples
        .iter()
        .map(|basin_samples| {
            let values = basin_samples
                .iter()
                .map(|s| f64::from(records[s.basin].targets[target][s.end]));
            summarize(values).map_or(0.0, |s| s.std as f32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A 5-day record starting 2000-01-01 with one input and one target.
    fn record(basin: &str, input: [f32; 5], target: [f32; 5]) -> BasinRecord {
        BasinRecord {
            basin: basin.into(),
            dates: d(2000, 1, 1).iter_days().take(5).collect(),
            inputs: vec![input.to_vec()],
            input_names: vec!["prcp".into()],
            targets: vec![target.to_vec()],
            target_names: vec!["streamflow".into()],
            area_km2: 1.0,
        }
    }

    #[test]
    fn statistics_cover_only_the_training_period_and_skip_missing_targets() {
        // Training period: days 2..4 (2000-01-02..2000-01-04).
        // Inputs in it: basin a 2, 4, 6; basin b 8, 10, 12 -> mean 42/6 = 7,
        // squared deviations 25+9+1+1+9+25 = 70, population std sqrt(70/6) = 3.4156502...
        // Targets in it: a 1, NaN, 3; b 5, 7, NaN -> values 1, 3, 5, 7, mean 4,
        // squared deviations 9+1+1+9 = 20, std sqrt(20/4) = sqrt(5) = 2.2360680...
        // The values 100 and -100 on the first and last day lie outside and must be ignored.
        let a = record(
            "a",
            [100.0, 2.0, 4.0, 6.0, -100.0],
            [100.0, 1.0, f32::NAN, 3.0, 100.0],
        );
        let b = record(
            "b",
            [100.0, 8.0, 10.0, 12.0, -100.0],
            [100.0, 5.0, 7.0, f32::NAN, 100.0],
        );
        // Statics of the two basins: area 10 and 30 -> mean 20, std 10; a constant 2.5.
        let statics = vec![vec![10.0, 2.5], vec![30.0, 2.5]];
        let names = vec!["area".to_string(), "constant".to_string()];
        let train = DateRange::new(d(2000, 1, 2), d(2000, 1, 4));
        let n = Normalization::fit(
            &[a, b],
            &[train],
            &statics,
            &names,
            &ScalingSettings::default(),
        )
        .unwrap();
        assert_eq!(n.inputs.offset, vec![7.0]);
        assert!((n.inputs.scale[0] - (70.0_f64 / 6.0).sqrt()).abs() < 1e-12);
        assert!((n.inputs.scale[0] - 3.415_650_2).abs() < 1e-6);
        assert_eq!(n.targets.offset, vec![4.0]);
        assert!((n.targets.scale[0] - 5.0_f64.sqrt()).abs() < 1e-12);
        assert_eq!(n.statics.offset, vec![20.0, 2.5]);
        assert_eq!(n.statics.scale, vec![10.0, 1.0], "a constant gets std 1.0");
        assert_eq!(
            n.normalize_statics(&statics),
            vec![vec![-1.0, 0.0], vec![1.0, 0.0]]
        );
        assert_eq!(n.targets.denormalize(0, n.targets.normalize(0, 6.5)), 6.5);
    }

    #[test]
    fn one_basin_constant_features_do_not_produce_nan() {
        // 0.1 three times: the sum divided by 3 is not exactly 0.1 in floating point, but
        // the guard recognises the constant series and gives mean 0.1 (as f32 -> f64), std 1.
        let r = record("a", [0.1; 5], [0.1; 5]);
        let train = DateRange::new(d(2000, 1, 1), d(2000, 1, 5));
        let n = Normalization::fit(
            &[r],
            &[train],
            &[vec![7.0]],
            &["x".to_string()],
            &ScalingSettings::default(),
        )
        .unwrap();
        assert_eq!(n.inputs.scale, vec![1.0]);
        assert_eq!(n.inputs.offset, vec![f64::from(0.1_f32)]);
        assert_eq!(n.statics.scale, vec![1.0]);
        assert_eq!(n.normalize_statics(&[vec![7.0]]), vec![vec![0.0]]);
    }

    #[test]
    fn a_target_without_training_values_is_an_error() {
        let r = record("a", [1.0; 5], [f32::NAN; 5]);
        let train = DateRange::new(d(2000, 1, 1), d(2000, 1, 5));
        let err =
            Normalization::fit(&[r], &[train], &[], &[], &ScalingSettings::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("no training data for `streamflow`"),
            "{err}"
        );
    }

    #[test]
    fn basin_std_uses_each_basins_samples() {
        // Basin 0 samples at days 1 and 3: targets 2 and 4 -> mean 3, population std 1
        // (the 9s on other days are not samples). Basin 1 has a single sample -> 0.0.
        let a = record("a", [0.0; 5], [1.0, 2.0, 9.0, 4.0, 9.0]);
        let b = record("b", [0.0; 5], [1.0; 5]);
        let samples = vec![
            vec![Sample { basin: 0, end: 1 }, Sample { basin: 0, end: 3 }],
            vec![Sample { basin: 1, end: 2 }],
        ];
        assert_eq!(basin_target_std(&[a, b], &samples, 0), vec![1.0, 0.0]);
    }

    #[test]
    fn min_max_maps_training_values_to_the_unit_interval_and_exempt_inputs_stay_raw() {
        // Inputs in the training days 2..4: 2, 4, 6 and 8, 10, 12 -> min 2, range 10.
        // Targets 1, 3, 5, 7 (NaN skipped), left unscaled.
        let a = record(
            "a",
            [100.0, 2.0, 4.0, 6.0, -100.0],
            [0.0, 1.0, f32::NAN, 3.0, 0.0],
        );
        let b = record(
            "b",
            [100.0, 8.0, 10.0, 12.0, -100.0],
            [0.0, 5.0, 7.0, f32::NAN, 0.0],
        );
        let train = DateRange::new(d(2000, 1, 2), d(2000, 1, 4));
        let settings = ScalingSettings {
            method: Scaling::MinMax,
            unscaled_inputs: Vec::new(),
            unscaled_targets: true,
        };
        let n = Normalization::fit(&[a.clone(), b.clone()], &[train], &[], &[], &settings).unwrap();
        assert_eq!((n.inputs.offset[0], n.inputs.scale[0]), (2.0, 10.0));
        assert_eq!(n.inputs.normalize(0, 2.0), 0.0);
        assert_eq!(n.inputs.normalize(0, 12.0), 1.0);
        assert_eq!(n.inputs.normalize(0, 7.0), 0.5);
        assert_eq!(n.targets.scaling, vec![Scaling::None]);
        assert_eq!(n.targets.normalize(0, 6.5), 6.5);
        let exempt = ScalingSettings {
            unscaled_inputs: vec!["prcp".into()],
            ..ScalingSettings::default()
        };
        let n = Normalization::fit(&[a, b], &[train], &[], &[], &exempt).unwrap();
        assert_eq!((n.inputs.offset[0], n.inputs.scale[0]), (0.0, 1.0));
        assert_eq!(n.targets.scaling, vec![Scaling::ZScore]);
        assert_eq!(n.targets.offset, vec![4.0]);
    }
}
