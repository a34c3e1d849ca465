//! Descriptive statistics with numpy's conventions: percentiles by linear interpolation (numpy's
//! default `method="linear"`), the empirical CDF, threshold counts, the mean and the sample standard
//! deviation (divisor n - 1, numpy `ddof=1`). NaN values are ignored everywhere (numpy's `nan*`
//! functions).

/// The non-NaN values of `values`, in order.
pub(crate) fn non_nan_values(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|v| !v.is_nan()).collect()
}

/// Mean of a non-empty slice without NaN.
pub(crate) fn mean_of(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Sample variance (divisor n - 1) of a slice of at least two values without NaN.
pub(crate) fn sample_variance_of(values: &[f64]) -> f64 {
    let mu = mean_of(values);
    values.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / (values.len() - 1) as f64
}

/// Sorted copy of the non-NaN values.
fn sorted_values(values: &[f64]) -> Vec<f64> {
    let mut sorted = non_nan_values(values);
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// The `q`-th percentile (`0 <= q <= 100`) by linear interpolation between order statistics, as
/// numpy's `np.nanpercentile(values, q)`: with the sorted values a_0 <= … <= a_(n-1) and
/// h = (n - 1) q / 100, the value a_⌊h⌋ + (h - ⌊h⌋)(a_⌊h⌋+1 - a_⌊h⌋).
///
/// `None` when no value is left or `q` is outside [0, 100].
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    percentile_of_sorted(&sorted_values(values), q)
}

/// [`percentile`] of values already sorted in increasing order and free of NaN.
pub(crate) fn percentile_of_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=100.0).contains(&q) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q / 100.0;
    let below = h.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    Some(sorted[below] + (h - below as f64) * (sorted[above] - sorted[below]))
}

/// Points of the empirical cumulative distribution function: for each distinct value v, in
/// increasing order, the pair (v, fraction of values <= v). NaN values are ignored.
pub fn empirical_cdf(values: &[f64]) -> Vec<(f64, f64)> {
    let sorted = sorted_values(values);
    let n = sorted.len() as f64;
    let mut points: Vec<(f64, f64)> = Vec::new();
    for (i, &v) in sorted.iter().enumerate() {
        let fraction = (i + 1) as f64 / n;
        match points.last_mut() {
            Some(last) if last.0 == v => last.1 = fraction,
            _ => points.push((v, fraction)),
        }
    }
    points
}

/// Number of values `<= threshold` (e.g. basins with NSE <= 0); NaN values are not counted.
pub fn count_at_most(values: &[f64], threshold: f64) -> usize {
    values.iter().filter(|v| **v <= threshold).count()
}

/// Mean of the non-NaN values; `None` when there is none.
pub fn mean(values: &[f64]) -> Option<f64> {
    let values = non_nan_values(values);
    (!values.is_empty()).then(|| mean_of(&values))
}

/// Sample standard deviation (divisor n - 1, numpy `ddof=1`) of the non-NaN values; `None` with
/// fewer than two values.
pub fn sample_std(values: &[f64]) -> Option<f64> {
    let values = non_nan_values(values);
    (values.len() >= 2).then(|| sample_variance_of(&values).sqrt())
}

/// Mean and sample standard deviation of one item (a basin) across seeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanStd {
    /// Number of seeds with a value for the item.
    pub count: usize,
    /// Mean across those seeds, `None` when there is none.
    pub mean: Option<f64>,
    /// Sample standard deviation across those seeds, `None` with fewer than two.
    pub std: Option<f64>,
}

/// Per item, the mean and sample standard deviation across runs: `runs[seed][item]` is the value
/// of `item` (e.g. a basin's NSE) in the run with that seed; NaN marks a missing value. Items are
/// numbered as in the longest run.
pub fn across_seeds(runs: &[&[f64]]) -> Vec<MeanStd> {
    let items = runs.iter().map(|run| run.len()).max().unwrap_or(0);
    (0..items)
        .map(|item| {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|run| run.get(item).copied())
                .filter(|v| !v.is_nan())
                .collect();
            MeanStd {
                count: values.len(),
                mean: mean(&values),
                std: sample_std(&values),
            }
        })
        .collect()
}
