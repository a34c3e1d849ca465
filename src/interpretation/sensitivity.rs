//! Sensitivity of the predictions to the static attributes by the method of Morris applied with
//! exact gradients (Kratzert et al. 2019, Sect. 2.6.2, Eq. 15 and Table 4).
//!
//! The elementary effect of attribute `i` on a prediction is `EE_i = d f(x) / d x_i` (Eq. 15),
//! taken exactly from the model (in normalised output units per normalised attribute unit).
//! The sensitivity of a basin to the attribute is the mean of `|EE_i|` over the basin's
//! predictions. The overall ranking (Table 4) normalises every basin's sensitivities to the
//! range `[0, 1]` (`(s - min) / (max - min)` over the basin's attributes) and averages the
//! normalised values of each attribute over the basins.

use crate::analysis::{Cell, Table};

/// The mean absolute elementary effect of every static attribute over many predictions of one
/// basin, gathered batch by batch.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanAbsoluteEffect {
    sums: Vec<f64>,
    predictions: usize,
}

impl MeanAbsoluteEffect {
    /// Nothing gathered yet, for `statics` attributes.
    pub fn new(statics: usize) -> Self {
        MeanAbsoluteEffect {
            sums: vec![0.0; statics],
            predictions: 0,
        }
    }

    /// Adds the elementary effects of a batch, `[size][statics]` (e.g. from
    /// [`InputGradients::summed_over_steps`](super::gradients::InputGradients::summed_over_steps)
    /// over the static attributes).
    ///
    /// # Panics
    /// If `effects` is not a whole number of rows of `statics` values.
    pub fn add(&mut self, effects: &[f32]) {
        let statics = self.sums.len();
        if statics == 0 {
            return;
        }
        assert_eq!(
            effects.len() % statics,
            0,
            "rows of one effect per attribute"
        );
        for row in effects.chunks_exact(statics) {
            for (sum, &e) in self.sums.iter_mut().zip(row) {
                *sum += f64::from(e.abs());
            }
            self.predictions += 1;
        }
    }

    /// Number of predictions gathered.
    pub fn predictions(&self) -> usize {
        self.predictions
    }

    /// The mean `|EE_i|` of every attribute (`NaN` without predictions).
    pub fn means(&self) -> Vec<f64> {
        self.sums
            .iter()
            .map(|s| s / self.predictions as f64)
            .collect()
    }
}

/// Sensitivities of several basins to the static attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticSensitivity {
    /// Names of the static attributes.
    pub attributes: Vec<String>,
    /// Gauge ids.
    pub basins: Vec<String>,
    /// Mean `|d prediction / d attribute|`, `[basin][attribute]`.
    pub values: Vec<Vec<f64>>,
    /// Number of predictions averaged per basin.
    pub predictions: Vec<usize>,
}

impl StaticSensitivity {
    /// Every basin's sensitivities normalised to `[0, 1]` over its attributes,
    /// `(s - min) / (max - min)`; all zero where the basin's sensitivities are all equal, `NaN`
    /// where they are not finite.
    pub fn normalised(&self) -> Vec<Vec<f64>> {
        self.values.iter().map(|row| min_max(row)).collect()
    }

    /// Per basin and attribute: `basin`, `attribute`, `sensitivity` (mean absolute gradient,
    /// normalised output per normalised attribute), `normalised_sensitivity` (in `[0, 1]`),
    /// `rank` (1 for the attribute the basin is most sensitive to), `predictions`.
    pub fn table(&self) -> Table {
        let mut table = Table::new(&[
            "basin",
            "attribute",
            "sensitivity",
            "normalised_sensitivity",
            "rank",
            "predictions",
        ]);
        for (((basin, row), normalised), &predictions) in self
            .basins
            .iter()
            .zip(&self.values)
            .zip(self.normalised())
            .zip(&self.predictions)
        {
            let ranks = ranks(row);
            for (((name, &value), scaled), rank) in
                self.attributes.iter().zip(row).zip(normalised).zip(ranks)
            {
                table.push(vec![
                    basin.as_str().into(),
                    name.as_str().into(),
                    Cell::number(value),
                    Cell::number(scaled),
                    rank.into(),
                    predictions.into(),
                ]);
            }
        }
        table
    }

    /// The overall ranking (Table 4 of the paper): `rank`, `attribute`, `sensitivity` (mean over
    /// the basins of the normalised sensitivity), `basins` (number of basins averaged, those
    /// with finite normalised values), most sensitive first.
    pub fn ranking(&self) -> Table {
        let normalised = self.normalised();
        let mut means: Vec<(usize, f64, usize)> = (0..self.attributes.len())
            .map(|j| {
                let finite: Vec<f64> = normalised
                    .iter()
                    .map(|row| row[j])
                    .filter(|v| v.is_finite())
                    .collect();
                let mean = finite.iter().sum::<f64>() / finite.len() as f64;
                (j, mean, finite.len())
            })
            .collect();
        means.sort_by(|a, b| descending(a.1, b.1).then(a.0.cmp(&b.0)));
        let mut table = Table::new(&["rank", "attribute", "sensitivity", "basins"]);
        for (position, (j, mean, basins)) in means.into_iter().enumerate() {
            table.push(vec![
                (position + 1).into(),
                self.attributes[j].as_str().into(),
                Cell::number(mean),
                basins.into(),
            ]);
        }
        table
    }
}

/// `(v - min) / (max - min)` of every value; zeros when they are all equal.
fn min_max(values: &[f64]) -> Vec<f64> {
    if values.iter().any(|v| !v.is_finite()) {
        return vec![f64::NAN; values.len()];
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = max - min;
    values
        .iter()
        .map(|v| if range > 0.0 { (v - min) / range } else { 0.0 })
        .collect()
}

/// The rank of every value, 1 for the largest; ties in the order of the values, non-finite
/// values last.
fn ranks(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| descending(values[a], values[b]).then(a.cmp(&b)));
    let mut ranks = vec![0; values.len()];
    for (position, index) in order.into_iter().enumerate() {
        ranks[index] = position + 1;
    }
    ranks
}

/// Larger finite values first, non-finite values last.
fn descending(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_finite(), b.is_finite()) {
        (true, true) => b.total_cmp(&a),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => std::cmp::Ordering::Equal,
    }
}
