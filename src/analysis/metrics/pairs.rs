//! Pairing of observed and simulated series before a metric is computed.
//!
//! Missing observations are encoded as NaN (for example the `-999` gaps of USGS streamflow after
//! loading). They are excluded pairwise, i.e. the time step is dropped from both series, exactly once
//! here so that every metric sees the same valid pairs. Unlike neuralhydrology's `_mask_valid`, a
//! non-finite simulated value is not dropped silently: it makes every metric undefined (`None`),
//! because it signals a broken simulation rather than missing data.

/// The valid (observed, simulated) pairs of one basin, in time order, all finite.
pub(crate) struct Pairs {
    /// Observed values of the valid pairs.
    pub observed: Vec<f64>,
    /// Simulated values of the valid pairs.
    pub simulated: Vec<f64>,
}

impl Pairs {
    /// Number of valid pairs.
    pub fn len(&self) -> usize {
        self.observed.len()
    }
}

/// Computes `metric` on the valid pairs of `observed` and `simulated`.
///
/// Returns `None` when the series differ in length, when an observed value is infinite, when a
/// simulated value at a non-missing observation is NaN or infinite, when fewer than two valid pairs
/// remain, or when `metric` itself is undefined or yields a non-finite value.
pub(crate) fn evaluate(
    observed: &[f64],
    simulated: &[f64],
    metric: impl Fn(&Pairs) -> Option<f64>,
) -> Option<f64> {
    if observed.len() != simulated.len() {
        return None;
    }
    let mut pairs = Pairs {
        observed: Vec::with_capacity(observed.len()),
        simulated: Vec::with_capacity(simulated.len()),
    };
    for (&obs, &sim) in observed.iter().zip(simulated) {
        if obs.is_nan() {
            continue;
        }
        if !obs.is_finite() || !sim.is_finite() {
            return None;
        }
        pairs.observed.push(obs);
        pairs.simulated.push(sim);
    }
    if pairs.len() < 2 {
        return None;
    }
    metric(&pairs).filter(|value| value.is_finite())
}

/// Arithmetic mean of a non-empty slice.
pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Population standard deviation (divisor `n`, numpy/xarray `ddof = 0`) of a non-empty slice.
pub(crate) fn std_dev(values: &[f64]) -> f64 {
    let mu = mean(values);
    let sum_sq: f64 = values.iter().map(|v| (v - mu) * (v - mu)).sum();
    (sum_sq / values.len() as f64).sqrt()
}
