//! Biases of the peak, middle and low flows, BPV, BMV and BLV (Li et al. 2023, J. Hydrol., Eq. 5,
//! after Yilmaz et al. 2008).
//!
//! The time steps are grouped by the exceedance probability of their observed value, and within a
//! group I the bias is BIV = Σ_{i∈I}(V_sim,i - V_obs,i) / Σ_{i∈I} V_obs,i, a fraction (not percent:
//! the paper's Table 3 lists e.g. BPV = -0.31):
//! - peak flows (BPV): exceedance probability 0 to 0.02,
//! - middle flows (BMV): 0.3 to 0.7,
//! - low flows (BLV): 0.7 to 1.
//!
//! Unlike FHV/FLV, simulated values are not sorted separately: each simulated value stays paired
//! with the observation of its time step. The valid pairs (missing observations dropped) are sorted
//! by observed flow in descending order, ties in time order; with n pairs, position i (0-based)
//! belongs to the group [a, b) of exceedance probabilities when round(a n) <= i < round(b n), with
//! round-half-to-even as in [`fdc`](super::fdc).

use super::pairs::{evaluate, Pairs};
use super::Metric;

/// Exceedance-probability range of the peak flows.
const PEAK: (f64, f64) = (0.0, 0.02);
/// Exceedance-probability range of the middle flows.
const MIDDLE: (f64, f64) = (0.3, 0.7);
/// Exceedance-probability range of the low flows.
const LOW: (f64, f64) = (0.7, 1.0);

/// Registry entry of [`bpv`].
pub const BPV: Metric = Metric {
    name: "bpv",
    description: "bias of the peak flows (observed exceedance 0-0.02), sum(sim-obs)/sum(obs)",
    unit: "-",
    compute: bpv,
};

/// Registry entry of [`bmv`].
pub const BMV: Metric = Metric {
    name: "bmv",
    description: "bias of the middle flows (observed exceedance 0.3-0.7), sum(sim-obs)/sum(obs)",
    unit: "-",
    compute: bmv,
};

/// Registry entry of [`blv`].
pub const BLV: Metric = Metric {
    name: "blv",
    description: "bias of the low flows (observed exceedance 0.7-1), sum(sim-obs)/sum(obs)",
    unit: "-",
    compute: blv,
};

/// Peak-flow bias BPV = Σ(Qs - Qo) / Σ Qo over the time steps whose observed flow has exceedance
/// probability 0 to 0.02 (Li et al. 2023, Eq. 5).
///
/// `None` when fewer than two valid pairs remain, the group is empty (fewer than 26 pairs) or its
/// observed flows sum to zero.
pub fn bpv(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p| range_bias(p, PEAK))
}

/// Middle-flow bias BMV = Σ(Qs - Qo) / Σ Qo over the time steps whose observed flow has exceedance
/// probability 0.3 to 0.7 (Li et al. 2023, Eq. 5).
///
/// `None` when fewer than two valid pairs remain, the group is empty or its observed flows sum to
/// zero.
pub fn bmv(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p| range_bias(p, MIDDLE))
}

/// Low-flow bias BLV = Σ(Qs - Qo) / Σ Qo over the time steps whose observed flow has exceedance
/// probability 0.7 to 1 (Li et al. 2023, Eq. 5).
///
/// `None` when fewer than two valid pairs remain, the group is empty or its observed flows sum to
/// zero.
pub fn blv(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p| range_bias(p, LOW))
}

/// Σ(Qs - Qo) / Σ Qo over the pairs whose observed exceedance probability lies in `range`.
fn range_bias(p: &Pairs, range: (f64, f64)) -> Option<f64> {
    let n = p.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p.observed[b].total_cmp(&p.observed[a]));
    let boundary = |fraction: f64| ((fraction * n as f64).round_ties_even() as usize).min(n);
    let group = &order[boundary(range.0)..boundary(range.1)];
    let obs_sum: f64 = group.iter().map(|&i| p.observed[i]).sum();
    let sim_sum: f64 = group.iter().map(|&i| p.simulated[i]).sum();
    (!group.is_empty() && obs_sum != 0.0).then(|| (sim_sum - obs_sum) / obs_sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Observed 1..=50 in a shuffled time order; by exceedance, position 0 is 50, so the peak
    /// group (positions 0..round(1.0) = 0..1) is {50}, the middle group (15..35) is {16..=35} and
    /// the low group (35..50) is {1..=15}.
    fn observed() -> Vec<f64> {
        (0..50).map(|i| ((i * 7) % 50 + 1) as f64).collect()
    }

    /// Simulated = observed + 1: BPV = 1/50, BMV = 20/Σ(16..=35) = 20/510, BLV = 15/Σ(1..=15) =
    /// 15/120.
    #[test]
    fn constant_offset_by_hand() {
        let obs = observed();
        let sim: Vec<f64> = obs.iter().map(|o| o + 1.0).collect();
        assert!((bpv(&obs, &sim).unwrap() - 0.02).abs() < 1e-15);
        assert!((bmv(&obs, &sim).unwrap() - 20.0 / 510.0).abs() < 1e-15);
        assert!((blv(&obs, &sim).unwrap() - 0.125).abs() < 1e-15);
    }

    /// Simulated values stay with their time step: with sim = 51 - obs the highest observation
    /// (50) is paired with 1, BPV = (1 - 50)/50, although both series have the same duration curve
    /// (FHV would be 0). Middle: Σ(51 - o) - Σ o over o = 16..=35 is 20·51 - 2·510 = 0. Low:
    /// Σ(51 - o - o) over o = 1..=15 = 765 - 240 = 525, over 120.
    #[test]
    fn groups_follow_the_observed_exceedance() {
        let obs = observed();
        let sim: Vec<f64> = obs.iter().map(|o| 51.0 - o).collect();
        assert!((bpv(&obs, &sim).unwrap() + 0.98).abs() < 1e-15);
        assert!(bmv(&obs, &sim).unwrap().abs() < 1e-15);
        assert!((blv(&obs, &sim).unwrap() - 525.0 / 120.0).abs() < 1e-13);
    }

    /// Missing observations are dropped: adding NaN observations changes nothing. With 25 pairs
    /// the peak group has round(0.5) = 0 members (half to even) and BPV is undefined.
    #[test]
    fn missing_observations_and_small_samples() {
        let mut obs = observed();
        let mut sim: Vec<f64> = obs.iter().map(|o| o + 1.0).collect();
        let expected = blv(&obs, &sim);
        obs.push(f64::NAN);
        sim.push(3.0);
        assert_eq!(blv(&obs, &sim), expected);
        assert_eq!(bpv(&obs[..25], &sim[..25]), None);
        assert!(bpv(&obs[..26], &sim[..26]).is_some());
    }

    #[test]
    fn registered_by_name() {
        for name in ["bpv", "bmv", "blv"] {
            assert_eq!(crate::analysis::lookup(name).unwrap().name, name);
        }
    }
}
