//! How much of the spread of a hydrological signature across basins a partition of the basins
//! explains.
//!
//! The fractional reduction of variance is `1 - W / T`, with `T` the sum of squared deviations of
//! the signature from its mean over all basins and `W` the same sum taken within each cluster about
//! the cluster's mean: 1 when every cluster is uniform in the signature, 0 when the cluster means
//! all equal the overall mean. The paper's code reports, per cluster, the ratio of the cluster's
//! sample variance to the sample variance of all basins (pandas `var`, missing values skipped);
//! [`cluster_variance_ratios`] gives these ratios. Missing (NaN) signature values are skipped.

use super::ClusteringError;
use crate::analysis::{Cell, Table};

/// The spread of a signature within one cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterVariance {
    /// The cluster label.
    pub cluster: usize,
    /// Basins of the cluster with a value.
    pub count: usize,
    /// Sample variance (divided by `count - 1`) within the cluster; NaN below two values.
    pub variance: f64,
    /// `variance` over the sample variance of all basins with a value.
    pub ratio: f64,
}

fn check_lengths(values: &[f64], labels: &[usize]) -> Result<(), ClusteringError> {
    if values.len() != labels.len() {
        return Err(ClusteringError::LabelCount {
            labels: labels.len(),
            points: values.len(),
        });
    }
    Ok(())
}

/// The finite values of all basins and of every cluster slot `0..=max label`.
fn finite_groups(values: &[f64], labels: &[usize]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let slots = labels.iter().max().map_or(0, |m| m + 1);
    let mut all = Vec::with_capacity(values.len());
    let mut groups = vec![Vec::new(); slots];
    for (&label, &value) in labels.iter().zip(values) {
        if value.is_finite() {
            all.push(value);
            groups[label].push(value);
        }
    }
    (all, groups)
}

/// Sum of squared deviations from the mean (0 for no values).
fn sum_of_squares(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean) * (v - mean)).sum()
}

/// Sample variance (divided by `n - 1`); NaN below two values.
fn sample_variance(values: &[f64]) -> f64 {
    if values.len() < 2 {
        f64::NAN
    } else {
        sum_of_squares(values) / (values.len() - 1) as f64
    }
}

/// `1 - (within-cluster sum of squares) / (total sum of squares)` of `values` under `labels`.
///
/// NaN values are skipped; the result is NaN when fewer than two values remain or they are all
/// equal. Fails when values and labels differ in number.
pub fn variance_reduction(values: &[f64], labels: &[usize]) -> Result<f64, ClusteringError> {
    check_lengths(values, labels)?;
    let (all, groups) = finite_groups(values, labels);
    let total = sum_of_squares(&all);
    if all.len() < 2 || total <= 0.0 {
        return Ok(f64::NAN);
    }
    let within: f64 = groups.iter().map(|g| sum_of_squares(g)).sum();
    Ok(1.0 - within / total)
}

/// Per cluster present in `labels` (increasing label order), its sample variance of `values` and
/// the ratio to the sample variance over all basins, NaN values skipped.
pub fn cluster_variance_ratios(
    values: &[f64],
    labels: &[usize],
) -> Result<Vec<ClusterVariance>, ClusteringError> {
    check_lengths(values, labels)?;
    let (all, groups) = finite_groups(values, labels);
    let total = sample_variance(&all);
    Ok(groups
        .iter()
        .enumerate()
        .filter(|(cluster, _)| labels.contains(cluster))
        .map(|(cluster, group)| {
            let variance = sample_variance(group);
            ClusterVariance {
                cluster,
                count: group.len(),
                variance,
                ratio: variance / total,
            }
        })
        .collect())
}

/// One row per `(name, values)` variable (e.g. a signature): `variable`, `basins` (with a value),
/// `variance_reduction` and `variance_ratio_cluster_<c>` for every cluster `c` present in `labels`
/// (missing where undefined).
pub fn variance_reduction_table<S: AsRef<str>>(
    variables: &[(S, Vec<f64>)],
    labels: &[usize],
) -> Result<Table, ClusteringError> {
    let clusters: Vec<usize> = {
        let mut present = labels.to_vec();
        present.sort_unstable();
        present.dedup();
        present
    };
    let mut columns = vec![
        "variable".to_string(),
        "basins".to_string(),
        "variance_reduction".to_string(),
    ];
    columns.extend(
        clusters
            .iter()
            .map(|c| format!("variance_ratio_cluster_{c}")),
    );
    let mut table = Table::new(&columns);
    for (name, values) in variables {
        let reduction = variance_reduction(values, labels)?;
        let ratios = cluster_variance_ratios(values, labels)?;
        let mut row = vec![
            Cell::from(name.as_ref()),
            Cell::from(values.iter().filter(|v| v.is_finite()).count()),
            Cell::number(reduction),
        ];
        row.extend(ratios.iter().map(|r| Cell::number(r.ratio)));
        table.push(row);
    }
    Ok(table)
}
