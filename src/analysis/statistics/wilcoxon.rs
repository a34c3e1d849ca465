//! Paired, two-sided Wilcoxon signed-rank test.
//!
//! Conventions (those of scipy 1.17 `scipy.stats.wilcoxon(x, y, zero_method="wilcox",
//! correction=True, alternative="two-sided", method="auto")`):
//! - pairs where either value is NaN are dropped, then the differences d = x - y;
//! - zero differences are dropped (`zero_method="wilcox"`); `n` counts the remaining differences;
//! - |d| are ranked with average ranks for ties; W+ and W- are the rank sums of the positive and
//!   negative differences, and the statistic is W = min(W+, W-);
//! - the p-value is exact when there are at most [`EXACT_MAX_PAIRS`] pairs, no tied |d| and no zero
//!   difference: the null distribution of W+ (each of the 2^n sign patterns equally likely) is
//!   counted by dynamic programming and p = min(1, 2 min(P(W+ <= w+), P(W+ >= w+)));
//! - otherwise the normal approximation: z = (W+ - n(n+1)/4) / σ with
//!   σ² = (n(n+1)(2n+1) - Σ(t³ - t)/2) / 24 (t: sizes of groups of tied |d|), the continuity
//!   correction z ← z - sign(z)·0.5/σ, and p = P(|Z| >= |z|); the reported z is -|z|.
//!
//! With ties or zeros among at most 13 pairs scipy's `method="auto"` runs a permutation test
//! instead; here the normal approximation is used in that case as well (use scipy's
//! `method="asymptotic", correction=True` to compare).

use super::normal::two_sided_tail;

/// Largest number of pairs (zero differences included) for which the exact null distribution is
/// used, as scipy's `method="auto"`.
pub const EXACT_MAX_PAIRS: usize = 50;

/// How the p-value of a [`WilcoxonResult`] was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WilcoxonMethod {
    /// Exact null distribution (no ties, no zero differences, at most [`EXACT_MAX_PAIRS`] pairs).
    Exact,
    /// Normal approximation with tie correction and continuity correction.
    Normal,
}

impl WilcoxonMethod {
    /// `"exact"` or `"normal"`, as shown in tables.
    pub fn name(self) -> &'static str {
        match self {
            WilcoxonMethod::Exact => "exact",
            WilcoxonMethod::Normal => "normal",
        }
    }
}

/// Result of [`wilcoxon_signed_rank`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WilcoxonResult {
    /// Number of non-zero differences that entered the test.
    pub n: usize,
    /// Number of pairs dropped because their difference is zero.
    pub zeros: usize,
    /// W = min(W+, W-), the smaller signed-rank sum.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Standardised statistic -|z| (with continuity correction) when the normal approximation was
    /// used.
    pub z: Option<f64>,
    /// How the p-value was obtained.
    pub method: WilcoxonMethod,
}

/// Paired two-sided Wilcoxon signed-rank test of `x` against `y` (see the module documentation for
/// the exact conventions).
///
/// `None` when the slices differ in length or no non-zero difference remains.
pub fn wilcoxon_signed_rank(x: &[f64], y: &[f64]) -> Option<WilcoxonResult> {
    if x.len() != y.len() {
        return None;
    }
    let valid: Vec<f64> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| a - b)
        .collect();
    let pairs = valid.len();
    let differences: Vec<f64> = valid.into_iter().filter(|d| *d != 0.0).collect();
    let n = differences.len();
    if n == 0 {
        return None;
    }
    let zeros = pairs - n;
    let (ranks, tie_groups) = average_ranks(&differences);
    // A fold from +0 (the float `sum` of nothing is -0, written as "-0" in tables).
    let rank_sum_positive = differences
        .iter()
        .zip(&ranks)
        .filter(|(d, _)| **d > 0.0)
        .fold(0.0, |sum, (_, r)| sum + r);
    let total = (n * (n + 1)) as f64 / 2.0;
    let statistic = rank_sum_positive.min(total - rank_sum_positive);
    let has_ties = tie_groups.iter().any(|&t| t > 1);

    if pairs <= EXACT_MAX_PAIRS && !has_ties && zeros == 0 {
        let w_plus = rank_sum_positive.round() as usize;
        let p_value = exact_two_sided_p(n, w_plus);
        return Some(WilcoxonResult {
            n,
            zeros,
            statistic,
            p_value,
            z: None,
            method: WilcoxonMethod::Exact,
        });
    }

    let nf = n as f64;
    let tie_term: f64 = tie_groups
        .iter()
        .map(|&t| {
            let t = t as f64;
            t * t * t - t
        })
        .sum();
    let sigma = ((nf * (nf + 1.0) * (2.0 * nf + 1.0) - tie_term / 2.0) / 24.0).sqrt();
    let raw_z = (rank_sum_positive - nf * (nf + 1.0) / 4.0) / sigma;
    // No correction at the centre (scipy's sign(0) is 0, Rust's 0.0.signum() is 1). Elsewhere
    // |W+ - n(n+1)/4| is a positive multiple of 0.5, so the correction never crosses zero.
    let corrected = if raw_z == 0.0 {
        0.0
    } else {
        raw_z - raw_z.signum() * 0.5 / sigma
    };
    Some(WilcoxonResult {
        n,
        zeros,
        statistic,
        p_value: two_sided_tail(corrected).min(1.0),
        z: Some(-corrected.abs()),
        method: WilcoxonMethod::Normal,
    })
}

/// Average ranks (1-based) of |d| and the sizes of the groups of equal |d|.
fn average_ranks(differences: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut order: Vec<usize> = (0..differences.len()).collect();
    order.sort_by(|&a, &b| differences[a].abs().total_cmp(&differences[b].abs()));
    let mut ranks = vec![0.0; differences.len()];
    let mut groups = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let value = differences[order[start]].abs();
        let mut end = start + 1;
        while end < order.len() && differences[order[end]].abs() == value {
            end += 1;
        }
        // Positions start..end (0-based) share the mean of ranks start+1..=end.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        groups.push(end - start);
        start = end;
    }
    (ranks, groups)
}

/// Exact two-sided p-value min(1, 2 min(P(W+ <= w), P(W+ >= w))) of the signed-rank sum W+ of `n`
/// untied differences under the null hypothesis.
///
/// `counts[s]` is the number of subsets of {1, …, n} with sum `s` (the sign patterns giving W+ = s);
/// each of the 2^n patterns has probability 2^-n. For n <= 50 the counts stay below 2^50 and are
/// exact in `u64` and in the `f64` sums.
fn exact_two_sided_p(n: usize, w_plus: usize) -> f64 {
    let max_sum = n * (n + 1) / 2;
    let mut counts = vec![0u64; max_sum + 1];
    counts[0] = 1;
    for rank in 1..=n {
        for s in (rank..=max_sum).rev() {
            counts[s] += counts[s - rank];
        }
    }
    let total = 2f64.powi(n as i32);
    let at_most: u64 = counts[..=w_plus].iter().sum();
    let at_least: u64 = counts[w_plus..].iter().sum();
    let tail = at_most.min(at_least) as f64 / total;
    (2.0 * tail).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n = 3: the 8 sign patterns give W+ = 0, 1, 2, 3, 3, 4, 5, 6, so P(W+ <= 0) = 1/8 and the
    /// two-sided p-value of W+ = 0 is 1/4; W+ = 3 is the centre, p = 1.
    #[test]
    fn exact_distribution_of_three_pairs() {
        assert_eq!(exact_two_sided_p(3, 0), 0.25);
        assert_eq!(exact_two_sided_p(3, 6), 0.25);
        assert_eq!(exact_two_sided_p(3, 1), 0.5);
        assert_eq!(exact_two_sided_p(3, 3), 1.0);
    }

    /// |d| = 1, 2, 2, 3 has ranks 1, 2.5, 2.5, 4 and one tie group of size 2.
    #[test]
    fn average_ranks_of_ties() {
        let (ranks, groups) = average_ranks(&[-2.0, 1.0, 3.0, 2.0]);
        assert_eq!(ranks, vec![2.5, 1.0, 4.0, 2.5]);
        assert_eq!(groups, vec![1, 2, 1]);
    }
}
