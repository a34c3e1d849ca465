//! Linear probes: a linear regression from a model's internal states to a hydrological
//! variable the model was not trained on (Li et al. 2023, Sect. 2.2 and 4.1, after Lees et al.
//! 2022 and Hewitt & Liang 2019), e.g. evapotranspiration or soil moisture from the cell states
//! of a streamflow model. A probe is fitted on the states of one period and scored (NSE, Pearson
//! r) on another; a good score says the variable can be read linearly from the states.
//!
//! The fit standardises every state to zero mean and unit (population) variance over the
//! fitting samples (a constant state becomes zero and gets no weight) and solves ridge
//! regression on the standardised states `z`,
//!
//! ```text
//! minimise  (1/n) Σ (y - b - w·z)² + λ |w|²,   i.e.   (ZᵀZ/n + λ I) w = Zᵀ(y - ȳ)/n,  b = ȳ,
//! ```
//!
//! by a Cholesky factorisation in `f64`. On standardised states `ZᵀZ/n` has a unit diagonal,
//! so `λ` is relative to a state's variance; the default [`DEFAULT_RIDGE`] `= 1e-6` only keeps
//! the system positive definite when states are collinear or constant (saturated cells) and
//! leaves a well-posed least-squares fit unchanged to about six digits. The same fit is
//! scikit-learn's `Ridge(alpha = λ n)` on the standardised states. Samples whose variable is
//! missing (NaN) are skipped, in the fit and in the scores.

use crate::analysis::metrics::{nse, pearson_r};

/// Default ridge penalty `λ` on the weights of the standardised states.
pub const DEFAULT_RIDGE: f64 = 1e-6;

/// A fitted linear probe `y ≈ b + Σ_j w_j (s_j - mean_j) / scale_j`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearProbe {
    /// Mean of each state over the fitting samples.
    pub mean: Vec<f64>,
    /// Population standard deviation of each state over the fitting samples (1 for a constant
    /// state, which then contributes nothing).
    pub scale: Vec<f64>,
    /// Weight of each standardised state, in the units of the variable.
    pub weights: Vec<f64>,
    /// Intercept `b`: the mean of the variable over the fitting samples.
    pub intercept: f64,
    /// Number of fitting samples (those with an observed variable).
    pub samples: usize,
}

/// Why a probe could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbeError {
    /// Fewer than two samples have an observed variable.
    #[error("a probe needs at least two samples with an observed variable, found {observed}")]
    TooFewSamples {
        /// Samples with an observed variable.
        observed: usize,
    },
    /// The ridge penalty is negative or not finite.
    #[error("the ridge penalty must be a finite number >= 0, not {ridge}")]
    InvalidRidge {
        /// The penalty given.
        ridge: f64,
    },
    /// The normal equations are singular (possible only with a zero ridge penalty).
    #[error(
        "the states are collinear: the normal equations are singular; use a ridge penalty > 0"
    )]
    Singular,
}

/// The score of a probe on a set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbeScore {
    /// Nash-Sutcliffe efficiency of the probe's values against the variable (`None` when
    /// undefined: fewer than two samples or a constant variable).
    pub nse: Option<f64>,
    /// Pearson correlation of the probe's values with the variable (`None` when undefined).
    pub r: Option<f64>,
    /// Number of samples with an observed variable.
    pub samples: usize,
}

impl LinearProbe {
    /// Fits `y[k] ≈ probe(states[k])` by ridge regression with penalty `ridge` on the
    /// standardised states (see the module documentation), skipping samples whose `y` is NaN.
    ///
    /// # Panics
    /// If `states` and `y` differ in length or the rows of `states` differ in width.
    pub fn fit(states: &[Vec<f32>], y: &[f64], ridge: f64) -> Result<Self, ProbeError> {
        assert_eq!(states.len(), y.len(), "one value of the variable per state");
        if !(ridge.is_finite() && ridge >= 0.0) {
            return Err(ProbeError::InvalidRidge { ridge });
        }
        let width = states.first().map_or(0, Vec::len);
        assert!(
            states.iter().all(|s| s.len() == width),
            "every state has the same size"
        );
        let observed: Vec<usize> = (0..y.len()).filter(|&k| !y[k].is_nan()).collect();
        let n = observed.len();
        if n < 2 {
            return Err(ProbeError::TooFewSamples { observed: n });
        }
        let count = n as f64;
        let mut mean = vec![0.0; width];
        for &k in &observed {
            for (m, &s) in mean.iter_mut().zip(&states[k]) {
                *m += f64::from(s);
            }
        }
        mean.iter_mut().for_each(|m| *m /= count);
        let mut scale = vec![0.0; width];
        for &k in &observed {
            for ((v, &s), m) in scale.iter_mut().zip(&states[k]).zip(&mean) {
                *v += (f64::from(s) - m).powi(2);
            }
        }
        scale.iter_mut().for_each(|v| {
            let std = (*v / count).sqrt();
            *v = if std > 0.0 { std } else { 1.0 };
        });
        let intercept = observed.iter().map(|&k| y[k]).sum::<f64>() / count;
        // Normal equations (ZᵀZ/n + λ I) w = Zᵀ(y - ȳ)/n, lower triangle of the matrix.
        let mut matrix = vec![0.0; width * width];
        let mut rhs = vec![0.0; width];
        let mut z = vec![0.0; width];
        for &k in &observed {
            for ((zj, &s), (m, sd)) in z.iter_mut().zip(&states[k]).zip(mean.iter().zip(&scale)) {
                *zj = (f64::from(s) - m) / sd;
            }
            let deviation = y[k] - intercept;
            for i in 0..width {
                rhs[i] += z[i] * deviation;
                let row = &mut matrix[i * width..i * width + i + 1];
                for (a, zj) in row.iter_mut().zip(&z) {
                    *a += z[i] * zj;
                }
            }
        }
        for i in 0..width {
            for j in 0..=i {
                matrix[i * width + j] /= count;
            }
            matrix[i * width + i] += ridge;
            rhs[i] /= count;
        }
        let weights = solve_cholesky(&mut matrix, rhs, width).ok_or(ProbeError::Singular)?;
        Ok(LinearProbe {
            mean,
            scale,
            weights,
            intercept,
            samples: n,
        })
    }

    /// The probe's value for one state.
    ///
    /// # Panics
    /// If `state` does not have the size of the fitted states.
    pub fn predict(&self, state: &[f32]) -> f64 {
        assert_eq!(
            state.len(),
            self.weights.len(),
            "a state of the fitted size"
        );
        self.intercept
            + state
                .iter()
                .zip(&self.weights)
                .zip(self.mean.iter().zip(&self.scale))
                .map(|((&s, w), (m, sd))| w * (f64::from(s) - m) / sd)
                .sum::<f64>()
    }

    /// The probe's value for each state.
    pub fn predict_all(&self, states: &[Vec<f32>]) -> Vec<f64> {
        states.iter().map(|s| self.predict(s)).collect()
    }

    /// NSE and Pearson r of the probe's values against `y` on the samples where `y` is
    /// observed (not NaN).
    ///
    /// # Panics
    /// If `states` and `y` differ in length.
    pub fn score(&self, states: &[Vec<f32>], y: &[f64]) -> ProbeScore {
        assert_eq!(states.len(), y.len(), "one value of the variable per state");
        let simulated = self.predict_all(states);
        ProbeScore {
            nse: nse(y, &simulated),
            r: pearson_r(y, &simulated),
            samples: y.iter().filter(|v| !v.is_nan()).count(),
        }
    }
}

/// Solves `A x = b` for the symmetric positive definite `A` (`[size][size]`, row-major, its
/// lower triangle read and overwritten by the Cholesky factor `L`, `A = L Lᵀ`). `None` when a
/// pivot is not positive (the matrix is singular or not positive definite).
fn solve_cholesky(a: &mut [f64], mut b: Vec<f64>, size: usize) -> Option<Vec<f64>> {
    for j in 0..size {
        let pivot = a[j * size + j] - (0..j).map(|k| a[j * size + k].powi(2)).sum::<f64>();
        if pivot.is_nan() || pivot <= 0.0 {
            return None;
        }
        let diagonal = pivot.sqrt();
        a[j * size + j] = diagonal;
        for i in j + 1..size {
            let dot: f64 = (0..j).map(|k| a[i * size + k] * a[j * size + k]).sum();
            a[i * size + j] = (a[i * size + j] - dot) / diagonal;
        }
    }
    // Forward substitution L u = b, then back substitution Lᵀ x = u.
    for i in 0..size {
        let dot: f64 = (0..i).map(|k| a[i * size + k] * b[k]).sum();
        b[i] = (b[i] - dot) / a[i * size + i];
    }
    for i in (0..size).rev() {
        let dot: f64 = (i + 1..size).map(|k| a[k * size + i] * b[k]).sum();
        b[i] = (b[i] - dot) / a[i * size + i];
    }
    Some(b)
}
