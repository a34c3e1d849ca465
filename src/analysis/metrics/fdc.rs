//! Flow-duration-curve signatures FHV, FMS and FLV (Yilmaz et al. 2008).
//!
//! Kratzert et al. (2019, HESS), Table 1 lists the three biases; the table's FLV formula is garbled in
//! the paper text, so all three follow neuralhydrology's `fdc_fhv`, `fdc_fms` and `fdc_flv`
//! (`evaluation/metrics.py`):
//! - Observed and simulated flows of the valid pairs are sorted separately in descending order (the
//!   flow duration curves QO and QS); index 0 is the highest flow, exceedance probability i / n.
//! - Segment boundaries are `round(fraction * n)` with round-half-to-even, as numpy's `np.round`.
//! - FHV = Σ_{h=1..H}(QS_h - QO_h) / Σ_{h=1..H} QO_h × 100 over the top H = round(0.02 n) flows.
//! - FMS = ((ln QS_m1 - ln QS_m2) - (ln QO_m1 - ln QO_m2)) / (ln QO_m1 - ln QO_m2 + 1e-6) × 100 with
//!   m1 = round(0.2 n), m2 = round(0.7 n) (exceedance 0.2 and 0.7).
//! - FLV = -[Σ_{l=1..L}(ln QS_l - ln QS_L) - Σ_{l=1..L}(ln QO_l - ln QO_L)]
//!   / (Σ_{l=1..L}(ln QO_l - ln QO_L) + 1e-6) × 100 over the lowest L = round(0.3 n) flows, where
//!   QS_L, QO_L are the minimum flows.
//! - Before taking logarithms, flows `<= 0` are clipped to 1e-6 (neuralhydrology clips simulated
//!   flows `<= 0` and observed flows `== 0`; negative observed flows, where it would take the log of a
//!   negative number, are clipped here as well). The `+ 1e-6` in the FMS and FLV denominators is
//!   neuralhydrology's, kept so values agree with it.

use super::pairs::{evaluate, Pairs};
use super::Metric;

/// Fraction of the highest flows used by FHV (top 2 % of the flow duration curve).
const HIGH_FLOW_FRACTION: f64 = 0.02;
/// Exceedance probability at the upper end of the FMS mid-segment.
const MID_SEGMENT_START: f64 = 0.2;
/// Exceedance probability at the lower end of the FMS mid-segment.
const MID_SEGMENT_END: f64 = 0.7;
/// Fraction of the lowest flows used by FLV (lowest 30 % of the flow duration curve).
const LOW_FLOW_FRACTION: f64 = 0.3;
/// Smallest flow allowed before taking logarithms, and the guard added to FMS/FLV denominators.
const LOG_FLOOR: f64 = 1e-6;

/// Registry entry of [`fhv`].
pub const FHV: Metric = Metric {
    name: "fhv",
    description: "bias of the top 2% peak flows of the flow duration curve",
    unit: "%",
    compute: fhv,
};

/// Registry entry of [`fms`].
pub const FMS: Metric = Metric {
    name: "fms",
    description:
        "bias of the flow duration curve mid-segment slope (exceedance 0.2 to 0.7, log flows)",
    unit: "%",
    compute: fms,
};

/// Registry entry of [`flv`].
pub const FLV: Metric = Metric {
    name: "flv",
    description: "bias of the lowest 30% of the flow duration curve (log flows)",
    unit: "%",
    compute: flv,
};

/// Top 2 % peak-flow bias, FHV = Σ(QS_h - QO_h) / Σ QO_h × 100 over the H = round(0.02 n) highest
/// flows of each flow duration curve (Kratzert et al. 2019, Table 1; neuralhydrology `fdc_fhv`).
///
/// `None` when fewer than two valid pairs remain, when H is zero (fewer than 26 valid pairs) or when
/// the observed peak flows sum to zero.
pub fn fhv(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let (obs, sim) = duration_curves(p);
        let h = segment_length(HIGH_FLOW_FRACTION, obs.len());
        let obs_sum: f64 = obs[..h].iter().sum();
        let sim_sum: f64 = sim[..h].iter().sum();
        (h > 0 && obs_sum != 0.0).then(|| (sim_sum - obs_sum) / obs_sum * 100.0)
    })
}

/// Bias of the flow-duration-curve mid-segment slope,
/// FMS = ((ln QS_m1 - ln QS_m2) - (ln QO_m1 - ln QO_m2)) / (ln QO_m1 - ln QO_m2 + 1e-6) × 100 with
/// m1, m2 the flows at exceedance 0.2 and 0.7 (Kratzert et al. 2019, Table 1; neuralhydrology
/// `fdc_fms`, including its 1e-6 clipping of flows and its 1e-6 denominator guard).
///
/// `None` when fewer than two valid pairs remain.
pub fn fms(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let (obs, sim) = duration_curves(p);
        let m1 = segment_length(MID_SEGMENT_START, obs.len());
        let m2 = segment_length(MID_SEGMENT_END, obs.len());
        let log_flow = |curve: &[f64], i: usize| curve.get(i).map(|q| q.max(LOG_FLOOR).ln());
        let sim_slope = log_flow(&sim, m1)? - log_flow(&sim, m2)?;
        let obs_slope = log_flow(&obs, m1)? - log_flow(&obs, m2)?;
        Some((sim_slope - obs_slope) / (obs_slope + LOG_FLOOR) * 100.0)
    })
}

/// Low-flow bias over the lowest 30 % of the flow duration curve in log space,
/// FLV = -(Σ(ln QS_l - ln QS_L) - Σ(ln QO_l - ln QO_L)) / (Σ(ln QO_l - ln QO_L) + 1e-6) × 100, with
/// L = round(0.3 n) lowest flows and QS_L, QO_L their minima (Kratzert et al. 2019, Table 1;
/// neuralhydrology `fdc_flv`, including its 1e-6 clipping of flows and its 1e-6 denominator guard).
///
/// `None` when fewer than two valid pairs remain.
pub fn flv(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    evaluate(observed, simulated, |p: &Pairs| {
        let (obs, sim) = duration_curves(p);
        let l = segment_length(LOW_FLOW_FRACTION, obs.len());
        let low_flow_volume = |curve: &[f64]| {
            let logs: Vec<f64> = curve[curve.len() - l..]
                .iter()
                .map(|q| q.max(LOG_FLOOR).ln())
                .collect();
            let minimum = logs.iter().copied().fold(f64::INFINITY, f64::min);
            logs.iter().map(|v| v - minimum).sum::<f64>()
        };
        let sim_volume = low_flow_volume(&sim);
        let obs_volume = low_flow_volume(&obs);
        Some(-(sim_volume - obs_volume) / (obs_volume + LOG_FLOOR) * 100.0)
    })
}

/// Observed and simulated flow duration curves: each series sorted in descending order.
fn duration_curves(p: &Pairs) -> (Vec<f64>, Vec<f64>) {
    let descending = |values: &[f64]| {
        let mut sorted = values.to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        sorted
    };
    (descending(&p.observed), descending(&p.simulated))
}

/// `round(fraction * n)` with ties to even (numpy `np.round`), capped at `n`.
fn segment_length(fraction: f64, n: usize) -> usize {
    ((fraction * n as f64).round_ties_even() as usize).min(n)
}
