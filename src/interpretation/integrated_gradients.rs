//! Integrated Gradients (Sundararajan et al. 2017; Li & Zhao, Eq. 12) and the summaries of
//! attributions the paper reports: the share of each input feature in the absolute attribution
//! (Fig. 6), its cumulative share over the look-back counted back from the prediction day
//! (Fig. 7a) and its share by season of the prediction day (Fig. 7b).
//!
//! The attribution of input `x_i` (one feature at one step of a window) is
//!
//! ```text
//! Phi_i(x) = (x_i - x'_i) * integral_0^1 d f(x' + a (x - x')) / d x_i  da          (Eq. 12)
//! ```
//!
//! for a baseline window `x'`. The integral is approximated by the midpoint rule with `m`
//! points `a_k = (k + 1/2) / m`, `k = 0..m`, whose error shrinks as `1/m^2` for smooth models.
//! By completeness, `sum_i Phi_i(x) = f(x) - f(x')` up to that error
//! ([`Attributions::completeness_gaps`]).
//!
//! Contributions follow the paper ("the mean percentage of absolute contribution", after Topp et
//! al. 2023): for every prediction, the share of feature `j` is
//! `100 * sum_t |Phi[t][j]| / sum_t sum_k |Phi[t][k]|`, and the contribution of the feature is
//! the mean of these shares over the predictions. Predictions whose attributions are all zero
//! have no shares and are left out.

use chrono::{Datelike, NaiveDate};

use super::gradients::{output_and_input_gradients, outputs, GradientError};
use crate::analysis::{Cell, Table};
use crate::data::windows::Batch;
use crate::models::weights::ModelWeights;

/// The baseline window `x'` of Integrated Gradients.
#[derive(Debug, Clone, PartialEq)]
pub enum Baseline {
    /// Every input zero in normalised space: every normalised feature at its training mean
    /// (and, for the MC-LSTM's unnormalised mass inputs, no precipitation).
    Zero,
    /// One value per feature (normalised units, in the order of a batch's features), the same
    /// at every step.
    PerFeature(Vec<f32>),
}

impl Baseline {
    /// The baseline value of feature `feature`.
    fn value(&self, feature: usize) -> f32 {
        match self {
            Baseline::Zero => 0.0,
            Baseline::PerFeature(values) => values[feature],
        }
    }
}

/// Integrated Gradients of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributions {
    /// Number of samples.
    pub size: usize,
    /// Time steps per window.
    pub steps: usize,
    /// Features per step.
    pub features: usize,
    /// `Phi`, `[size][steps][features]`, in the model's output units.
    pub values: Vec<f32>,
    /// `f(x)` of every sample, `[size]`.
    pub outputs: Vec<f32>,
    /// `f(x')` of every sample, `[size]`.
    pub baseline_outputs: Vec<f32>,
}

impl Attributions {
    /// The attributions of sample `sample`, `[steps][features]`.
    pub fn sample(&self, sample: usize) -> &[f32] {
        let len = self.steps * self.features;
        &self.values[sample * len..(sample + 1) * len]
    }

    /// For every sample, `sum_i Phi_i - (f(x) - f(x'))`: zero in exact arithmetic with
    /// infinitely many integration points.
    pub fn completeness_gaps(&self) -> Vec<f64> {
        (0..self.size)
            .map(|s| {
                let total: f64 = self.sample(s).iter().map(|&v| f64::from(v)).sum();
                total - (f64::from(self.outputs[s]) - f64::from(self.baseline_outputs[s]))
            })
            .collect()
    }
}

/// Integrated Gradients of output `target` for every window of `batch`, from `baseline`, with
/// `points` midpoint-rule points along the path (at least 1).
///
/// # Panics
/// If `points` is 0, or a [`Baseline::PerFeature`] does not hold one value per feature.
pub fn integrated_gradients(
    weights: &ModelWeights,
    batch: &Batch,
    target: usize,
    baseline: &Baseline,
    points: usize,
) -> Result<Attributions, GradientError> {
    assert!(points > 0, "at least one integration point");
    if let Baseline::PerFeature(values) = baseline {
        assert_eq!(
            values.len(),
            batch.features,
            "one baseline value per feature"
        );
    }
    let features = batch.features.max(1);
    let start: Vec<f32> = (0..batch.x.len())
        .map(|i| baseline.value(i % features))
        .collect();
    let baseline_batch = Batch {
        x: start.clone(),
        ..batch.clone()
    };
    let mut path_sum = vec![0.0f64; batch.x.len()];
    for k in 0..points {
        let alpha = (k as f32 + 0.5) / points as f32;
        let point = Batch {
            x: start
                .iter()
                .zip(&batch.x)
                .map(|(&b, &x)| b + alpha * (x - b))
                .collect(),
            ..batch.clone()
        };
        let gradients = output_and_input_gradients(weights, &point, target)?;
        for (sum, &g) in path_sum.iter_mut().zip(&gradients.x) {
            *sum += f64::from(g);
        }
    }
    let values = path_sum
        .iter()
        .zip(batch.x.iter().zip(&start))
        .map(|(sum, (&x, &b))| ((f64::from(x) - f64::from(b)) * sum / points as f64) as f32)
        .collect();
    Ok(Attributions {
        size: batch.size,
        steps: batch.steps,
        features: batch.features,
        values,
        outputs: outputs(weights, batch, target)?,
        baseline_outputs: outputs(weights, &baseline_batch, target)?,
    })
}

/// A meteorological season of the northern hemisphere, by the month of the prediction day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Season {
    /// December, January, February.
    Djf,
    /// March, April, May.
    Mam,
    /// June, July, August.
    Jja,
    /// September, October, November.
    Son,
}

impl Season {
    /// The four seasons, winter first.
    pub const ALL: [Season; 4] = [Season::Djf, Season::Mam, Season::Jja, Season::Son];

    /// The season of `date`.
    pub fn of(date: NaiveDate) -> Season {
        match date.month() {
            12 | 1 | 2 => Season::Djf,
            3..=5 => Season::Mam,
            6..=8 => Season::Jja,
            _ => Season::Son,
        }
    }

    /// Its label: `DJF`, `MAM`, `JJA` or `SON`.
    pub fn label(self) -> &'static str {
        match self {
            Season::Djf => "DJF",
            Season::Mam => "MAM",
            Season::Jja => "JJA",
            Season::Son => "SON",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The shares (in %) of each feature in the absolute attributions `window` (`[steps][features]`)
/// of one prediction, or `None` when every attribution is zero.
pub fn feature_shares(window: &[f32], features: usize) -> Option<Vec<f64>> {
    let mut sums = vec![0.0f64; features];
    for step in window.chunks_exact(features) {
        for (sum, &v) in sums.iter_mut().zip(step) {
            *sum += f64::from(v.abs());
        }
    }
    let total: f64 = sums.iter().sum();
    (total > 0.0).then(|| sums.iter().map(|s| 100.0 * s / total).collect())
}

/// The cumulative shares (in %) of each feature in the absolute attributions `window`
/// (`[steps][features]`) of one prediction, counted back from the prediction day:
/// `[lag][features]`, where lag 0 is the last step (the prediction day) and entry `[lag][j]`
/// is the share of feature `j` at lags `0..=lag`. The last lag holds the [`feature_shares`].
/// `None` when every attribution is zero.
pub fn cumulative_shares(window: &[f32], features: usize) -> Option<Vec<Vec<f64>>> {
    let total: f64 = window.iter().map(|&v| f64::from(v.abs())).sum();
    if total <= 0.0 {
        return None;
    }
    let mut running = vec![0.0f64; features];
    let curve = window
        .chunks_exact(features)
        .rev()
        .map(|step| {
            for (sum, &v) in running.iter_mut().zip(step) {
                *sum += 100.0 * f64::from(v.abs()) / total;
            }
            running.clone()
        })
        .collect();
    Some(curve)
}

/// Whether a feature is a dynamic input or a static attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureKind {
    /// A time series (a meteorological forcing).
    Dynamic,
    /// A basin attribute, the same at every step.
    Static,
}

/// Mean contributions of the features to many predictions of one basin, gathered batch by
/// batch (so that the attributions of a long period need not be kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Contributions {
    /// Feature names, in the order of a batch's features.
    pub names: Vec<String>,
    /// The kind of each feature.
    pub kinds: Vec<FeatureKind>,
    /// Steps per window.
    pub steps: usize,
    /// Predictions with shares (some attribution not zero).
    pub predictions: usize,
    /// Predictions whose attributions were all zero, left out.
    pub without_attribution: usize,
    /// Sum over predictions of the feature shares, `[features]`.
    share_sums: Vec<f64>,
    /// Sum over predictions of the shares among the dynamic inputs only, `[features]` (zero
    /// for static attributes).
    dynamic_share_sums: Vec<f64>,
    /// Predictions with some dynamic attribution not zero.
    dynamic_predictions: usize,
    /// Sum over predictions of the cumulative shares, `[lag][features]`.
    cumulative_sums: Vec<Vec<f64>>,
    /// Per season, the number of predictions and the sum of their feature shares.
    seasonal_sums: [(usize, Vec<f64>); 4],
}

impl Contributions {
    /// Nothing gathered yet, for windows of `steps` steps with features `names` of kinds
    /// `kinds`.
    pub fn new(names: Vec<String>, kinds: Vec<FeatureKind>, steps: usize) -> Self {
        let features = names.len();
        assert_eq!(kinds.len(), features, "one kind per feature");
        Contributions {
            names,
            kinds,
            steps,
            predictions: 0,
            without_attribution: 0,
            share_sums: vec![0.0; features],
            dynamic_share_sums: vec![0.0; features],
            dynamic_predictions: 0,
            cumulative_sums: vec![vec![0.0; features]; steps],
            seasonal_sums: std::array::from_fn(|_| (0, vec![0.0; features])),
        }
    }

    /// Adds the attributions of a batch whose predictions are for the days `days` (`[size]`).
    ///
    /// # Panics
    /// If the attributions have other steps or features than this summary, or `days` does not
    /// hold one day per sample.
    pub fn add(&mut self, attributions: &Attributions, days: &[NaiveDate]) {
        let features = self.names.len();
        assert_eq!(attributions.features, features, "features of the summary");
        assert_eq!(attributions.steps, self.steps, "steps of the summary");
        assert_eq!(days.len(), attributions.size, "one day per prediction");
        for (sample, &day) in days.iter().enumerate() {
            let window = attributions.sample(sample);
            let Some(shares) = feature_shares(window, features) else {
                self.without_attribution += 1;
                continue;
            };
            self.predictions += 1;
            add_to(&mut self.share_sums, &shares);
            let (count, sums) = &mut self.seasonal_sums[Season::of(day).index()];
            *count += 1;
            add_to(sums, &shares);
            if let Some(curve) = cumulative_shares(window, features) {
                for (sums, lag) in self.cumulative_sums.iter_mut().zip(&curve) {
                    add_to(sums, lag);
                }
            }
            let dynamic: f64 = shares
                .iter()
                .zip(&self.kinds)
                .filter(|(_, kind)| **kind == FeatureKind::Dynamic)
                .map(|(share, _)| share)
                .sum();
            if dynamic > 0.0 {
                self.dynamic_predictions += 1;
                for ((sum, share), kind) in self
                    .dynamic_share_sums
                    .iter_mut()
                    .zip(&shares)
                    .zip(&self.kinds)
                {
                    if *kind == FeatureKind::Dynamic {
                        *sum += 100.0 * share / dynamic;
                    }
                }
            }
        }
    }

    /// The mean share of each feature over the predictions, in % (`NaN` without predictions).
    pub fn mean_shares(&self) -> Vec<f64> {
        mean_of(&self.share_sums, self.predictions)
    }

    /// The mean share of each dynamic input among the dynamic inputs only, in % (`NaN` for the
    /// static attributes and without predictions).
    pub fn mean_dynamic_shares(&self) -> Vec<f64> {
        let mut shares = mean_of(&self.dynamic_share_sums, self.dynamic_predictions);
        for (share, kind) in shares.iter_mut().zip(&self.kinds) {
            if *kind == FeatureKind::Static {
                *share = f64::NAN;
            }
        }
        shares
    }

    /// The mean cumulative share of each feature, `[lag][features]`, in %.
    pub fn mean_cumulative_shares(&self) -> Vec<Vec<f64>> {
        self.cumulative_sums
            .iter()
            .map(|sums| mean_of(sums, self.predictions))
            .collect()
    }

    /// The number of predictions of `season` and the mean share of each feature over them,
    /// in %.
    pub fn mean_seasonal_shares(&self, season: Season) -> (usize, Vec<f64>) {
        let (count, sums) = &self.seasonal_sums[season.index()];
        (*count, mean_of(sums, *count))
    }

    /// Appends the rows `basin, feature, kind, contribution_percent,
    /// contribution_of_dynamic_percent, predictions` of this summary to `table` (see
    /// [`feature_table`]).
    pub fn push_feature_rows(&self, basin: &str, table: &mut Table) {
        for ((name, kind), (share, dynamic)) in self.names.iter().zip(&self.kinds).zip(
            self.mean_shares()
                .into_iter()
                .zip(self.mean_dynamic_shares()),
        ) {
            table.push(vec![
                basin.into(),
                name.as_str().into(),
                kind_label(*kind).into(),
                Cell::number(share),
                Cell::number(dynamic),
                self.predictions.into(),
            ]);
        }
    }

    /// Appends the rows `basin, lag_days, cumulative_percent, <feature>_percent...` of this
    /// summary to `table` (a [`cumulative_table`] of its features): one row per lag, with the
    /// share of all features and of each feature at lags `0..=lag_days`.
    pub fn push_cumulative_rows(&self, basin: &str, table: &mut Table) {
        for (lag, shares) in self.mean_cumulative_shares().iter().enumerate() {
            let mut row = vec![basin.into(), lag.into(), Cell::number(shares.iter().sum())];
            row.extend(shares.iter().map(|&share| Cell::number(share)));
            table.push(row);
        }
    }

    /// Appends the rows `basin, season, feature, contribution_percent, predictions` of this
    /// summary to `table` (see [`seasonal_table`]).
    pub fn push_seasonal_rows(&self, basin: &str, table: &mut Table) {
        for season in Season::ALL {
            let (count, shares) = self.mean_seasonal_shares(season);
            for (name, &share) in self.names.iter().zip(&shares) {
                table.push(vec![
                    basin.into(),
                    season.label().into(),
                    name.as_str().into(),
                    Cell::number(share),
                    count.into(),
                ]);
            }
        }
    }
}

/// An empty table of feature contributions: `basin`, `feature`, `kind` (`dynamic` or
/// `static`), `contribution_percent` (mean share in the absolute attribution of all features),
/// `contribution_of_dynamic_percent` (mean share among the dynamic inputs only, missing for
/// static attributes), `predictions` (number of predictions averaged).
pub fn feature_table() -> Table {
    Table::new(&[
        "basin",
        "feature",
        "kind",
        "contribution_percent",
        "contribution_of_dynamic_percent",
        "predictions",
    ])
}

/// An empty table of cumulative contributions over the look-back, one row per basin and lag:
/// `basin`, `lag_days` (0 is the prediction day), `cumulative_percent` (mean share of all
/// features at lags `0..=lag_days`: 100 at the oldest lag), then `<feature>_percent` for each of
/// the features `names` (mean share of the feature at lags `0..=lag_days`; the oldest lag holds
/// the feature's contribution).
pub fn cumulative_table(names: &[String]) -> Table {
    let mut columns = vec![
        "basin".to_string(),
        "lag_days".to_string(),
        "cumulative_percent".to_string(),
    ];
    columns.extend(names.iter().map(|name| format!("{name}_percent")));
    Table::new(&columns)
}

/// An empty table of seasonal contributions: `basin`, `season` (`DJF`, `MAM`, `JJA`, `SON` of
/// the prediction day), `feature`, `contribution_percent`, `predictions`.
pub fn seasonal_table() -> Table {
    Table::new(&[
        "basin",
        "season",
        "feature",
        "contribution_percent",
        "predictions",
    ])
}

fn kind_label(kind: FeatureKind) -> &'static str {
    match kind {
        FeatureKind::Dynamic => "dynamic",
        FeatureKind::Static => "static",
    }
}

fn add_to(sums: &mut [f64], values: &[f64]) {
    for (sum, value) in sums.iter_mut().zip(values) {
        *sum += value;
    }
}

fn mean_of(sums: &[f64], count: usize) -> Vec<f64> {
    sums.iter().map(|s| s / count as f64).collect()
}
