//! Metrics checked against values computed by hand (arithmetic in the comments) and cross-checked
//! with numpy following neuralhydrology's `evaluation/metrics.py`.

use hydro::analysis::metrics::{
    alpha_nse, beta_nse, fhv, flv, fms, kge, kge_beta, kge_gamma, kge_r, lookup, mse, names, nse,
    pearson_r, rmse,
};

const NAN: f64 = f64::NAN;

fn assert_close(actual: Option<f64>, expected: f64, what: &str) {
    let value = actual.unwrap_or_else(|| panic!("{what}: expected {expected}, got None"));
    assert!(
        (value - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{what}: expected {expected}, got {value}"
    );
}

// Observed with one missing value (NaN); the pair at index 2 (sim 100) must be dropped, leaving
// obs = [1, 2, 3, 4, 5], sim = [1.5, 2, 2.5, 4.5, 5.5].
//   mean(obs) = 3, obs deviations -2 -1 0 1 2, Σ dev² = 10, std_obs = sqrt(10/5) = sqrt(2)
//   mean(sim) = 16/5 = 3.2, sim deviations -1.7 -1.2 -0.7 1.3 2.3, Σ dev² = 11.8
//   errors sim-obs = 0.5 0 -0.5 0.5 0.5, Σ err² = 1.0
const OBS: [f64; 6] = [1.0, 2.0, NAN, 3.0, 4.0, 5.0];
const SIM: [f64; 6] = [1.5, 2.0, 100.0, 2.5, 4.5, 5.5];

#[test]
fn nse_drops_missing_observations_pairwise() {
    // 1 - 1.0 / 10 = 0.9
    assert_close(nse(&OBS, &SIM), 0.9, "nse");
}

#[test]
fn squared_errors() {
    // mse = 1.0 / 5 = 0.2, rmse = sqrt(0.2) = 0.447213595499958
    assert_close(mse(&OBS, &SIM), 0.2, "mse");
    assert_close(rmse(&OBS, &SIM), 0.2f64.sqrt(), "rmse");
}

#[test]
fn nse_decomposition() {
    // alpha = sqrt(11.8/5) / sqrt(10/5) = sqrt(1.18) = 1.0862780491200215
    assert_close(alpha_nse(&OBS, &SIM), 1.18f64.sqrt(), "alpha_nse");
    // beta = (3.2 - 3) / sqrt(2) = 0.14142135623730961
    assert_close(beta_nse(&OBS, &SIM), 0.2 / 2f64.sqrt(), "beta_nse");
}

#[test]
fn correlation_and_kge_components() {
    // Σ dev_obs·dev_sim = 3.4 + 1.2 + 0 + 1.3 + 4.6 = 10.5; r = 10.5 / sqrt(10 · 11.8) = 0.9666033487932395
    let r = 10.5 / 118f64.sqrt();
    assert_close(pearson_r(&OBS, &SIM), r, "pearson_r");
    assert_close(kge_r(&OBS, &SIM), r, "kge_r");
    // beta = 3.2 / 3 = 1.0666666666666667
    assert_close(kge_beta(&OBS, &SIM), 3.2 / 3.0, "kge_beta");
    // gamma = std_sim / std_obs = sqrt(1.18) = 1.0862780491200215
    assert_close(kge_gamma(&OBS, &SIM), 1.18f64.sqrt(), "kge_gamma");
    // KGE = 1 - sqrt((r-1)² + (beta-1)² + (gamma-1)²)
    //     = 1 - sqrt(0.0011152 + 0.0044444 + 0.0074439) = 1 - 0.1140337 = 0.8859663097316092
    assert_close(kge(&OBS, &SIM), 0.885_966_309_731_609_2, "kge");
}

#[test]
fn perfect_simulation() {
    let obs = [1.0, 3.0, 2.0, 5.0, 4.0];
    assert_close(nse(&obs, &obs), 1.0, "nse");
    assert_close(kge(&obs, &obs), 1.0, "kge");
    assert_close(kge_r(&obs, &obs), 1.0, "kge_r");
    assert_close(kge_beta(&obs, &obs), 1.0, "kge_beta");
    assert_close(kge_gamma(&obs, &obs), 1.0, "kge_gamma");
    assert_close(pearson_r(&obs, &obs), 1.0, "pearson_r");
    assert_close(alpha_nse(&obs, &obs), 1.0, "alpha_nse");
    assert_close(beta_nse(&obs, &obs), 0.0, "beta_nse");
    assert_close(mse(&obs, &obs), 0.0, "mse");
    assert_close(rmse(&obs, &obs), 0.0, "rmse");
    // Identical flow duration curves: no bias in the mid-segment slope or the low flows.
    assert_close(fms(&obs, &obs), 0.0, "fms");
    assert_close(flv(&obs, &obs), 0.0, "flv");
}

#[test]
fn mean_simulation() {
    // sim = mean(obs) = 3 everywhere: Σ err² = Σ dev² = 10, so NSE = 1 - 10/10 = 0.
    let obs = [1.0, 2.0, 3.0, 4.0, 5.0];
    let sim = [3.0; 5];
    assert_close(nse(&obs, &sim), 0.0, "nse");
    // std_sim = 0: alpha = 0, gamma = 0; means equal: beta_nse = 0, kge_beta = 1.
    assert_close(alpha_nse(&obs, &sim), 0.0, "alpha_nse");
    assert_close(kge_gamma(&obs, &sim), 0.0, "kge_gamma");
    assert_close(beta_nse(&obs, &sim), 0.0, "beta_nse");
    assert_close(kge_beta(&obs, &sim), 1.0, "kge_beta");
    // A constant simulation has no correlation, hence no KGE.
    assert_eq!(pearson_r(&obs, &sim), None);
    assert_eq!(kge_r(&obs, &sim), None);
    assert_eq!(kge(&obs, &sim), None);
}

#[test]
fn undefined_cases_are_none() {
    let all: Vec<_> = names().map(|name| lookup(name).unwrap()).collect();
    // Fewer than two valid pairs, unequal lengths, empty input, a NaN or infinite simulation.
    for (obs, sim) in [
        (vec![1.0, NAN, NAN], vec![1.0, 2.0, 3.0]),
        (vec![1.0, 2.0, 3.0], vec![1.0, 2.0]),
        (vec![], vec![]),
        (vec![1.0, 2.0, 3.0], vec![1.0, NAN, 3.0]),
        (vec![1.0, 2.0, 3.0], vec![1.0, f64::INFINITY, 3.0]),
    ] {
        for metric in &all {
            assert_eq!(
                (metric.compute)(&obs, &sim),
                None,
                "{} on {obs:?} {sim:?}",
                metric.name
            );
        }
    }
    // Constant observations: no variance to normalise by.
    let obs = [2.0, 2.0, 2.0];
    let sim = [1.0, 2.0, 3.0];
    for f in [nse, alpha_nse, beta_nse, kge, kge_r, kge_gamma, pearson_r] {
        assert_eq!(f(&obs, &sim), None);
    }
    // mse still defined: (1 + 0 + 1) / 3
    assert_close(mse(&obs, &sim), 2.0 / 3.0, "mse");
    // Zero observed mean: beta = mean_sim / 0 is undefined, so is KGE.
    let obs = [-1.0, 1.0];
    let sim = [1.0, 2.0];
    assert_eq!(kge_beta(&obs, &sim), None);
    assert_eq!(kge(&obs, &sim), None);
    // A missing simulation where the observation is missing too is simply dropped.
    assert_close(nse(&[1.0, NAN, 3.0], &[1.0, NAN, 3.0]), 1.0, "nse");
}

/// 52 time steps: observed flows 1..=50 in scrambled order ((7 t mod 50) + 1 = 1, 8, 15, 22, ...)
/// plus two missing observations, simulated flow 0.5 · obs^1.2 (the pairs at the missing
/// observations carry arbitrary simulations, 123 and -5, which must be dropped). n = 50 valid pairs.
fn fdc_case() -> (Vec<f64>, Vec<f64>) {
    let mut obs: Vec<f64> = (0..50).map(|t| ((t * 7) % 50 + 1) as f64).collect();
    let mut sim: Vec<f64> = obs.iter().map(|q| 0.5 * q.powf(1.2)).collect();
    obs.insert(20, NAN);
    sim.insert(20, 123.0);
    obs.insert(41, NAN);
    sim.insert(41, -5.0);
    (obs, sim)
}

#[test]
fn fhv_top_two_percent() {
    // Sorted descending, obs = 50, 49, ..., 1; H = round(0.02 · 50) = 1: only the peak, obs 50 and
    // sim 0.5 · 50^1.2 = 54.66810369716389. FHV = (54.668... - 50) / 50 · 100 = 9.336207394327786
    let (obs, sim) = fdc_case();
    assert_close(
        fhv(&obs, &sim),
        (0.5 * 50f64.powf(1.2) - 50.0) / 50.0 * 100.0,
        "fhv",
    );
    assert_close(fhv(&obs, &sim), 9.336_207_394_327_786, "fhv");
}

#[test]
fn fms_mid_segment_slope() {
    // m1 = round(0.2 · 50) = index 10 -> obs 40, m2 = round(0.7 · 50) = index 35 -> obs 15 of the
    // descending curve. ln 40 - ln 15 = L = ln(8/3); simulated slope 1.2 L (sim = 0.5 obs^1.2).
    // FMS = (1.2 L - L) / (L + 1e-6) · 100 = 19.999979609111822
    let (obs, sim) = fdc_case();
    let l = (8.0f64 / 3.0).ln();
    assert_close(fms(&obs, &sim), (1.2 * l - l) / (l + 1e-6) * 100.0, "fms");
    assert_close(fms(&obs, &sim), 19.999_979_609_111_822, "fms");
}

#[test]
fn flv_lowest_thirty_percent() {
    // L = round(0.3 · 50) = 15 lowest flows: obs 15, 14, ..., 1, minimum 1, so
    // Σ(ln QO_l - ln QO_L) = Σ_{k=1..15} ln k = ln(15!) = S; simulated: 1.2 S.
    // FLV = -(1.2 S - S) / (S + 1e-6) · 100 = -19.99999928313542
    let (obs, sim) = fdc_case();
    let s: f64 = (1..=15).map(|k| (k as f64).ln()).sum();
    assert_close(flv(&obs, &sim), -(1.2 * s - s) / (s + 1e-6) * 100.0, "flv");
    assert_close(flv(&obs, &sim), -19.999_999_283_135_42, "flv");
}

#[test]
fn fdc_metrics_sort_each_series_separately() {
    // The simulation holds the same 50 values in reversed time order: a poor hydrograph (NSE < 0)
    // but identical flow duration curves, so all three biases vanish.
    let obs: Vec<f64> = (0..50).map(|t| ((t * 7) % 50 + 1) as f64).collect();
    let sim: Vec<f64> = obs.iter().rev().copied().collect();
    assert!(nse(&obs, &sim).unwrap() < 0.0);
    assert_close(fhv(&obs, &sim), 0.0, "fhv");
    assert_close(fms(&obs, &sim), 0.0, "fms");
    assert_close(flv(&obs, &sim), 0.0, "flv");
}

#[test]
fn fdc_metrics_clip_non_positive_flows() {
    // obs = 0..=49, sim = obs - 2 = -2..=47. Descending: obs 49..0, sim 47..-2.
    let obs: Vec<f64> = (0..50).map(f64::from).collect();
    let sim: Vec<f64> = obs.iter().map(|q| q - 2.0).collect();
    // FHV: top 1, (47 - 49) / 49 · 100 = -4.081632653061225
    assert_close(fhv(&obs, &sim), -2.0 / 49.0 * 100.0, "fhv");
    // FMS: index 10 -> obs 39, sim 37; index 35 -> obs 14, sim 12.
    // (ln(37/12) - ln(39/14)) / (ln(39/14) + 1e-6) · 100 = 9.90789844675355
    let obs_slope = (39.0f64 / 14.0).ln();
    let sim_slope = (37.0f64 / 12.0).ln();
    let expected = (sim_slope - obs_slope) / (obs_slope + 1e-6) * 100.0;
    assert_close(fms(&obs, &sim), expected, "fms");
    // FLV: lowest 15: obs 14..1, 0 -> 1e-6; sim 12..1, then 0, -1, -2 -> 1e-6.
    // Σ(ln QO_l - ln 1e-6) = ln(14!) + 14 ln 1e6; Σ(ln QS_l - ln 1e-6) = ln(12!) + 12 ln 1e6.
    // FLV = -(qsl - qol) / (qol + 1e-6) · 100 = 15.020023160078786
    let ln_factorial = |n: u32| (1..=n).map(|k| f64::from(k).ln()).sum::<f64>();
    let qol = ln_factorial(14) + 14.0 * 1e6f64.ln();
    let qsl = ln_factorial(12) + 12.0 * 1e6f64.ln();
    assert_close(flv(&obs, &sim), -(qsl - qol) / (qol + 1e-6) * 100.0, "flv");
    assert_close(flv(&obs, &sim), 15.020_023_160_078_786, "flv");
}

#[test]
fn fdc_segment_bounds_round_half_to_even() {
    // n = 15: FMS indices round(3.0) = 3 and round(10.5) = 10 (half to even, as np.round).
    // obs = 1..=15, sim = obs + 1; descending index 3 -> obs 12, sim 13; index 10 -> obs 5, sim 6.
    // FMS = (ln(13/6) - ln(12/5)) / (ln(12/5) + 1e-6) · 100 = -11.682739534727398
    // (rounding half up, index 11, would give -13.03).
    let obs: Vec<f64> = (1..=15).map(f64::from).collect();
    let sim: Vec<f64> = obs.iter().map(|q| q + 1.0).collect();
    let expected = ((13.0f64 / 6.0).ln() - 2.4f64.ln()) / (2.4f64.ln() + 1e-6) * 100.0;
    assert_close(fms(&obs, &sim), expected, "fms");
    // FLV: L = round(4.5) = 4: obs 4, 3, 2, 1 -> Σ ln(q/1) = ln 24; sim 5, 4, 3, 2 -> Σ ln(q/2) = ln 7.5.
    // FLV = -(ln 7.5 - ln 24) / (ln 24 + 1e-6) · 100 = 36.59945696022918
    let expected = -(7.5f64.ln() - 24f64.ln()) / (24f64.ln() + 1e-6) * 100.0;
    assert_close(flv(&obs, &sim), expected, "flv");
    // FHV: n = 25 gives H = round(0.5) = 0 -> undefined; n = 26 gives H = 1: (52 - 26) / 26 = 100 %.
    let obs: Vec<f64> = (1..=25).map(f64::from).collect();
    let sim: Vec<f64> = obs.iter().map(|q| 2.0 * q).collect();
    assert_eq!(fhv(&obs, &sim), None);
    let obs: Vec<f64> = (1..=26).map(f64::from).collect();
    let sim: Vec<f64> = obs.iter().map(|q| 2.0 * q).collect();
    assert_close(fhv(&obs, &sim), 100.0, "fhv");
}

#[test]
fn registry_holds_every_required_metric_once() {
    let required = [
        "nse",
        "kge",
        "kge_r",
        "kge_beta",
        "kge_gamma",
        "alpha_nse",
        "beta_nse",
        "pearson_r",
        "rmse",
        "mse",
        "fhv",
        "fms",
        "flv",
    ];
    let known: Vec<&str> = names().collect();
    for name in required {
        assert_eq!(known.iter().filter(|k| **k == name).count(), 1, "{name}");
        assert_eq!(lookup(name).map(|m| m.name), Some(name));
    }
    assert!(lookup("nash").is_none());
    // The registry entry computes the same value as the function.
    assert_close(
        (lookup("nse").unwrap().compute)(&OBS, &SIM),
        0.9,
        "registry nse",
    );
}
