//! Differentiable EXP-HYDRO: the water balance closing at every step on real CAMELS-US Daymet
//! forcing, gradients of all six parameters against central finite differences, single days
//! computed by hand (snowfall, melt limited by the degree-day factor and by the snowpack, the
//! spill of a full bucket, the outflow limiter of an emptying one), parameter bounds and exact
//! weight round trips, and a short Adam training on one basin's windows reducing the MSE.

mod common;

use common::data_root;

use burn::backend::{Autodiff, NdArray};
use burn::module::AutodiffModule;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::Backend;
use burn::tensor::{Element, Tensor, TensorData};
use chrono::NaiveDate;
use hydro::data::camels_us::{CamelsUs, ForcingSource};
use hydro::data::{BasinRecord, DateRange};
use hydro::models::exphydro::{
    ExpHydro, ExpHydroConfig, ExpHydroParameters, ExpHydroStates, ExpHydroValues, LOWER_BOUNDS,
    UPPER_BOUNDS,
};

type Cpu32 = NdArray<f32>;
type Cpu64 = NdArray<f64>;

/// `data` as a tensor in the float precision of `B` (Burn's default precision is shared by the
/// `f32` and `f64` CPU backends of one process).
fn tensor<B: Backend, const D: usize>(data: TensorData) -> Tensor<B, D> {
    Tensor::from_data(
        data,
        (&Default::default(), <B::FloatElem as Element>::dtype()),
    )
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The Daymet record of `basin` over `start..=end` with the model's four inputs, in order.
fn daymet(basin: &str, start: NaiveDate, end: NaiveDate) -> BasinRecord {
    let camels = CamelsUs::new(data_root().join("camels_us"));
    let attributes = camels.attributes().expect("attribute tables");
    let inputs: Vec<String> = ["prcp", "tmax", "tmin", "dayl"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    camels
        .load_basin(
            ForcingSource::Daymet,
            basin,
            &inputs,
            DateRange::new(start, end),
            &attributes,
        )
        .expect("Daymet record")
}

/// Windows of `lookback` days ending at positions `ends` of `record`, `[ends, lookback, 4]`,
/// and the observed runoff (mm/day) of each window's last day.
fn windows<B: Backend>(
    record: &BasinRecord,
    ends: &[usize],
    lookback: usize,
) -> (Tensor<B, 3>, Vec<f64>) {
    let mut x = Vec::with_capacity(ends.len() * lookback * 4);
    for &end in ends {
        for day in end + 1 - lookback..=end {
            x.extend(record.inputs.iter().map(|series| f64::from(series[day])));
        }
    }
    let y = ends
        .iter()
        .map(|&end| f64::from(record.targets[0][end]))
        .collect();
    (tensor(TensorData::new(x, [ends.len(), lookback, 4])), y)
}

/// Windows `[batch, steps, 4]` from rows `(P, tmax, tmin, day length in s)` per window.
fn synthetic<B: Backend>(days: &[Vec<[f64; 4]>]) -> Tensor<B, 3> {
    let steps = days[0].len();
    let x: Vec<f64> = days.iter().flatten().flatten().copied().collect();
    tensor(TensorData::new(x, [days.len(), steps, 4]))
}

fn values<B: Backend, const D: usize>(tensor: &Tensor<B, D>) -> Vec<f64> {
    tensor.clone().into_data().iter::<f64>().collect()
}

/// A model with the physical parameters `physical`, smoothing `sharpness` and initial soil
/// fraction `soil`.
fn model<B: Backend>(physical: [f64; 6], sharpness: f64, soil: f64) -> ExpHydro<B> {
    ExpHydroConfig::new()
        .with_initial_parameters(Some(ExpHydroValues::from_array(physical)))
        .with_step_sharpness(sharpness)
        .with_initial_soil_fraction(soil)
        .init(&Default::default())
}

/// (f, Smax, Qmax, Df, Tmax, Tmin) of a moderately wet catchment bucket.
const TYPICAL: [f64; 6] = [0.02, 300.0, 20.0, 2.5, 1.0, -1.0];
/// A small bucket that fills and spills.
const SMALL_BUCKET: [f64; 6] = [0.08, 110.0, 15.0, 3.0, 0.5, -0.5];
/// Almost no decline of the baseflow: the explicit step would empty the bucket below zero.
const LEAKY: [f64; 6] = [0.0005, 150.0, 45.0, 1.0, 2.0, -2.0];

/// Every series of `states` as `[batch][steps]` values.
struct Series {
    snow: Vec<f64>,
    soil: Vec<f64>,
    rain: Vec<f64>,
    snowfall: Vec<f64>,
    melt: Vec<f64>,
    evapotranspiration: Vec<f64>,
    baseflow: Vec<f64>,
    spill: Vec<f64>,
    runoff: Vec<f64>,
    initial_snow: Vec<f64>,
    initial_soil: Vec<f64>,
    steps: usize,
}

fn series<B: Backend>(states: &ExpHydroStates<B>) -> Series {
    Series {
        snow: values(&states.snow),
        soil: values(&states.soil),
        rain: values(&states.rain),
        snowfall: values(&states.snowfall),
        melt: values(&states.melt),
        evapotranspiration: values(&states.evapotranspiration),
        baseflow: values(&states.baseflow),
        spill: values(&states.spill),
        runoff: values(&states.runoff),
        initial_snow: values(&states.initial_snow),
        initial_soil: values(&states.initial_soil),
        steps: states.snow.dims()[1],
    }
}

/// What the water-balance check saw over all days of all windows.
#[derive(Debug, Default)]
struct BalanceReport {
    /// Largest `|P - d(S0 + S1) - ET - Q|` relative to the largest term of the day's balance.
    worst_relative_residual: f64,
    /// Days with at least 1 mm of snowfall, melt, and spill.
    snow_days: usize,
    melt_days: usize,
    spill_days: usize,
    /// Days on which the outflow took all the water the soil bucket had.
    emptied_days: usize,
}

/// Checks `P = d(S0 + S1) + ET + Q` and non-negative storages on every day of every window.
fn water_balance(precipitation: &[f64], s: &Series) -> BalanceReport {
    let mut report = BalanceReport::default();
    for (b, rain_and_snow) in precipitation.chunks(s.steps).enumerate() {
        let (mut snow, mut soil) = (s.initial_snow[b], s.initial_soil[b]);
        for (t, &p) in rain_and_snow.iter().enumerate() {
            let i = b * s.steps + t;
            assert!(
                s.snow[i] >= 0.0 && s.soil[i] >= 0.0,
                "negative storage at {i}"
            );
            let storage_change = s.snow[i] + s.soil[i] - snow - soil;
            let out = s.evapotranspiration[i] + s.runoff[i];
            let residual = p - storage_change - out;
            let scale = [p, snow + soil, s.snow[i] + s.soil[i], out, 1.0]
                .into_iter()
                .fold(0.0, f64::max);
            report.worst_relative_residual =
                report.worst_relative_residual.max(residual.abs() / scale);
            // The parts add up too: P = rain + snowfall, Q = baseflow + spill.
            assert!(
                (s.rain[i] + s.snowfall[i] - p).abs() <= 1e-6 * scale,
                "split at {i}"
            );
            assert!(
                (s.baseflow[i] + s.spill[i] - s.runoff[i]).abs() <= 1e-6 * scale,
                "runoff at {i}"
            );
            for flux in [s.rain[i], s.snowfall[i], s.melt[i], s.evapotranspiration[i]] {
                assert!(flux >= 0.0, "negative flux at {i}");
            }
            assert!(
                s.baseflow[i] >= 0.0 && s.spill[i] >= 0.0,
                "negative runoff at {i}"
            );
            report.snow_days += usize::from(s.snowfall[i] >= 1.0);
            report.melt_days += usize::from(s.melt[i] >= 1.0);
            report.spill_days += usize::from(s.spill[i] >= 1.0);
            report.emptied_days += usize::from(s.soil[i] == 0.0 && out > 0.0);
            (snow, soil) = (s.snow[i], s.soil[i]);
        }
    }
    report
}

/// Runs the water-balance check for `parameters` on one water year of two basins.
fn balance_on_real_data<B: Backend>(parameters: [f64; 6]) -> BalanceReport {
    // Water year 2001 (2000-10-01..2001-09-30, 365 days) of two New England basins with snow.
    let (start, end) = (date(2000, 10, 1), date(2001, 9, 30));
    let records = [
        daymet("01031500", start, end),
        daymet("01022500", start, end),
    ];
    let steps = records[0].len();
    assert_eq!(steps, 365);
    let mut parts = Vec::new();
    let mut precipitation = Vec::new();
    for record in &records {
        parts.push(windows::<B>(record, &[steps - 1], steps).0);
        precipitation.extend(record.inputs[0].iter().map(|&p| f64::from(p)));
    }
    let x = Tensor::cat(parts, 0);
    let states = model::<B>(parameters, 5.0, 0.5).forward_states(x);
    water_balance(&precipitation, &series(&states))
}

#[test]
fn water_balance_closes_every_day_on_daymet_forcing() {
    // (name, parameters, whether the bucket must spill, whether it must empty).
    for (name, parameters, spills, empties) in [
        ("typical", TYPICAL, false, false),
        ("small bucket", SMALL_BUCKET, true, false),
        ("leaky", LEAKY, false, true),
    ] {
        let exact = balance_on_real_data::<Cpu64>(parameters);
        let single = balance_on_real_data::<Cpu32>(parameters);
        println!("{name}: f64 {exact:?}\n{name}: f32 {single:?}");
        assert!(exact.worst_relative_residual < 1e-12, "{name}: {exact:?}");
        assert!(single.worst_relative_residual < 1e-5, "{name}: {single:?}");
        // The winter of Maine has snow and melt whatever the parameters; the small bucket
        // spills and the leaky one empties on many days, so every flux is exercised.
        assert!(
            exact.snow_days >= 10 && exact.melt_days >= 10,
            "{name}: {exact:?}"
        );
        if spills {
            assert!(exact.spill_days >= 10, "{name}: {exact:?}");
        }
        if empties {
            assert!(exact.emptied_days >= 10, "{name}: {exact:?}");
        }
    }
}

/// Mean squared error of the predictions of `model` for `x` against `y`.
fn mse<B: Backend>(model: &ExpHydro<B>, x: Tensor<B, 3>, y: &[f64]) -> f64 {
    let prediction = values(&model.forward(x));
    prediction
        .iter()
        .zip(y)
        .map(|(p, o)| (p - o).powi(2))
        .sum::<f64>()
        / y.len() as f64
}

#[test]
fn gradients_of_all_six_parameters_match_central_differences() {
    type B = Autodiff<Cpu64>;
    // Three windows of 200 days of basin 01031500 ending in late winter, spring melt and early
    // summer: snowfall, melt, ET and baseflow all shape the last day's runoff.
    let record = daymet("01031500", date(2000, 6, 1), date(2001, 5, 31));
    let ends = [
        record.index_of(date(2001, 3, 20)).unwrap(),
        record.index_of(date(2001, 4, 25)).unwrap(),
        record.index_of(date(2001, 5, 31)).unwrap(),
    ];
    let (x, y) = windows::<B>(&record, &ends, 200);
    let model = model::<B>(TYPICAL, 5.0, 0.5);
    let target: Tensor<B, 2> = tensor(TensorData::new(y.clone(), [y.len(), 1]));
    let loss = (model.forward(x.clone()) - target).powi_scalar(2).mean();
    let gradients = loss.backward();
    let analytic = values(&model.theta.grad(&gradients).expect("gradient of theta"));
    // Central differences of the loss in theta, on the plain f64 backend.
    let weights = model.to_weights();
    let x = x.inner();
    let h = 1e-5;
    for (i, &g) in analytic.iter().enumerate() {
        let loss_at = |shift: f64| {
            let mut theta = weights.theta.to_array();
            theta[i] += shift;
            let shifted = ExpHydroParameters {
                theta: ExpHydroValues::from_array(theta),
                ..weights
            };
            mse(
                &ExpHydro::<Cpu64>::from_weights(&shifted, &Default::default()),
                x.clone(),
                &y,
            )
        };
        let numeric = (loss_at(h) - loss_at(-h)) / (2.0 * h);
        println!("theta[{i}]: autodiff {g:.10e}, central difference {numeric:.10e}");
        assert!(g.abs() > 1e-4, "theta[{i}] hardly matters here: {g}");
        assert!(
            (g - numeric).abs() <= 1e-6 * g.abs(),
            "theta[{i}]: {g} vs {numeric}"
        );
    }
}

/// The first window's series of one day `t` as (snow, soil, rain, snowfall, melt, ET, baseflow,
/// spill, runoff).
fn day(s: &Series, t: usize) -> [f64; 9] {
    [
        s.snow[t],
        s.soil[t],
        s.rain[t],
        s.snowfall[t],
        s.melt[t],
        s.evapotranspiration[t],
        s.baseflow[t],
        s.spill[t],
        s.runoff[t],
    ]
}

fn assert_day(s: &Series, t: usize, expected: [f64; 9]) {
    let names = [
        "snow", "soil", "rain", "snowfall", "melt", "ET", "baseflow", "spill", "runoff",
    ];
    for ((name, got), want) in names.iter().zip(day(s, t)).zip(expected) {
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "day {t} {name}: {got}, expected {want}"
        );
    }
}

#[test]
fn single_days_match_hand_computation() {
    // Sharp steps (k = 1000 per deg C or mm): every threshold below is at least 2 deg C or
    // 4 mm away, where tanh(k z) is exactly ±1 in f64.
    // Hamon PET = 29.8 D 0.611 exp(17.3 T / (T + 237.3)) / (T + 273.2), D in hours.
    let (f, smax, qmax, df) = (0.05, 500.0, 20.0, 1.5);
    let m = model::<Cpu64>([f, smax, qmax, df, 1.0, -1.0], 1000.0, 0.5);
    // Day 1, cold: T = (-2 - 8) / 2 = -5 < Tmin, so the 10 mm fall as snow; no melt below Tmax.
    //   PET(-5, 10 h) = 298 * 0.611 exp(-86.5 / 232.3) / 268.2 = 0.467824933;
    //   S1 = 0.5 Smax = 250: ET = PET * 250 / 500 = 0.233912467,
    //   Qb = 20 exp(-0.05 * 250) = 7.45330634e-5; S1 = 250 - ET - Qb = 249.766013.
    // Day 2, warm: T = 6 > Tmax, melt = min(S0 = 10, 1.5 (6 - 1) = 7.5) = 7.5 (degree-day
    //   limited), S0 = 2.5. PET(6, 12 h) = 1.19896914, ET = PET * 249.766013 / 500,
    //   Qb = 20 exp(-0.05 (500 - 249.766013)).
    // Day 3, warmer and raining 4 mm: T = 11, melt = min(2.5, 1.5 * 10) = 2.5 (snow limited),
    //   all 4 mm fall as rain, S0 = 0. PET(11, 14 h) = 1.93023313.
    let x = synthetic::<Cpu64>(&[vec![
        [10.0, -2.0, -8.0, 36000.0],
        [0.0, 9.0, 3.0, 43200.0],
        [4.0, 15.0, 7.0, 50400.0],
    ]]);
    let s = series(&m.forward_states(x));
    let (et1, qb1) = (0.23391246659185166, 7.453306344157342e-05);
    let soil1 = 250.0 - et1 - qb1;
    assert!((soil1 - 249.7660130003447_f64).abs() < 1e-12);
    assert_day(&s, 0, [10.0, soil1, 0.0, 10.0, 0.0, et1, qb1, 0.0, qb1]);
    let (et2, qb2) = (0.598923483886985, 7.366615606162774e-05);
    assert_day(
        &s,
        1,
        [2.5, 256.66701585030165, 0.0, 0.0, 7.5, et2, qb2, 0.0, qb2],
    );
    let (et3, qb3) = (0.9908543529191823, 0.00010402108552597364);
    assert_day(
        &s,
        2,
        [0.0, 262.17605747629693, 4.0, 0.0, 2.5, et3, qb3, 0.0, qb3],
    );
    // The prediction is the last day's runoff.
    let q = values(&m.forward(synthetic::<Cpu64>(&[vec![
        [10.0, -2.0, -8.0, 36000.0],
        [0.0, 9.0, 3.0, 43200.0],
        [4.0, 15.0, 7.0, 50400.0],
    ]])));
    assert_eq!(q.len(), 1);
    assert!((q[0] - qb3).abs() < 1e-12);
}

#[test]
fn a_full_bucket_spills_and_an_emptying_one_gives_what_it_has() {
    // A bucket 98 % full (S1 = 490 of 500 mm) and 30 mm of rain at T = 15 deg C, 15 h of day:
    //   PET(15, 15 h) = 447 * 0.611 exp(259.5 / 252.3) / 288.2 = 2.65059209;
    //   ET = PET * 490 / 500 = 2.59758025, Qb = 20 exp(-0.05 * 10) = 12.1306132,
    //   S1 = 490 + 30 - ET - Qb = 505.271807 > Smax.
    // The next dry day the bucket is full: ET = PET, Qb = Qmax = 20, spill = S1 - 500 =
    //   5.27180655, S1 = 505.271807 - 2.65059209 - 20 - 5.27180655 = 477.349408.
    let m = model::<Cpu64>([0.05, 500.0, 20.0, 1.5, 1.0, -1.0], 1000.0, 0.98);
    let x = synthetic::<Cpu64>(&[vec![
        [30.0, 20.0, 10.0, 54000.0],
        [0.0, 20.0, 10.0, 54000.0],
    ]]);
    let s = series(&m.forward_states(x));
    let (et, qb) = (2.5975802518829227, 12.130613194252668);
    assert_day(
        &s,
        0,
        [0.0, 505.2718065538644, 30.0, 0.0, 0.0, et, qb, 0.0, qb],
    );
    let (pet, spill) = (2.6505920937580845, 5.271806553864394);
    assert_day(
        &s,
        1,
        [
            0.0,
            477.34940790624194,
            0.0,
            0.0,
            0.0,
            pet,
            20.0,
            spill,
            20.0 + spill,
        ],
    );
    // A nearly empty leaky bucket: S1 = 0.1 * 120 = 12 mm, f = 0.001, Qmax = 50, 2 mm of rain
    // at T = 15, 12 h of day. Demanded: ET = PET(15, 12 h) * 0.1 = 2.12047368 * 0.1, Qb = 50
    // exp(-0.001 * 108) = 44.8813798; only W = 14 mm are there, so both are scaled by
    // 14 / (0.212047368 + 44.8813798) = 0.310466533 and the bucket is empty.
    let m = model::<Cpu64>([0.001, 120.0, 50.0, 1.0, 1.0, -1.0], 1000.0, 0.1);
    let x = synthetic::<Cpu64>(&[vec![[2.0, 20.0, 10.0, 43200.0]]]);
    let s = series(&m.forward_states(x));
    let (et, qb): (f64, f64) = (0.0658336110175221, 13.934166388982478);
    assert!((et + qb - 14.0).abs() < 1e-12);
    assert_day(&s, 0, [0.0, 0.0, 2.0, 0.0, 0.0, et, qb, 0.0, qb]);
}

#[test]
fn default_smoothing_splits_rain_and_snow_around_tmin() {
    // k = 5: at T = Tmin half of P is snow; 0.2 deg C colder, (1 + tanh(1)) / 2 = 0.880797078.
    let m = model::<Cpu64>([0.05, 500.0, 20.0, 1.5, 2.0, -1.0], 5.0, 0.5);
    let x = synthetic::<Cpu64>(&[
        vec![[8.0, 0.0, -2.0, 36000.0]],
        vec![[8.0, -0.2, -2.2, 36000.0]],
    ]);
    let s = series(&m.forward_states(x));
    assert!((s.snowfall[0] - 4.0).abs() < 1e-9, "{}", s.snowfall[0]);
    assert!((s.snowfall[1] - 8.0 * 0.8807970779778824).abs() < 1e-9);
    assert!((s.rain[1] - 8.0 * (1.0 - 0.8807970779778824)).abs() < 1e-9);
}

#[test]
fn parameters_stay_in_their_ranges_and_weights_round_trip() {
    let lower = LOWER_BOUNDS.to_array();
    let upper = UPPER_BOUNDS.to_array();
    let device = Default::default();
    for theta in [-1e4, -80.0, -30.0, -1.0, 0.0, 2.5, 30.0, 80.0, 1e4] {
        let weights = ExpHydroParameters {
            theta: ExpHydroValues::from_array([theta; 6]),
            step_sharpness: 5.0,
            initial_soil_fraction: 0.5,
        };
        let single = ExpHydro::<Cpu32>::from_weights(&weights, &device).physical_parameters();
        let double = ExpHydro::<Cpu64>::from_weights(&weights, &device).physical_parameters();
        // In f32 the ends themselves are rounded to f32 (0.1 becomes 0.100000001).
        for (values, precision) in [(single.to_array(), 1e-7), (double.to_array(), 0.0)] {
            for (i, v) in values.into_iter().enumerate() {
                let slack = precision * upper[i].abs().max(lower[i].abs());
                assert!(
                    v >= lower[i] - slack && v <= upper[i] + slack,
                    "parameter {i} = {v} at theta {theta}"
                );
                let expected = weights.physical().to_array()[i];
                assert!((v - expected).abs() <= slack.max(1e-14 * upper[i].abs()));
            }
        }
        if theta.abs() >= 80.0 {
            let end = if theta > 0.0 { upper } else { lower };
            assert_eq!(double.to_array(), end, "theta {theta} saturates");
        }
    }
    // The middle of the ranges by default; given physical values otherwise.
    let middle = ExpHydroConfig::new().init::<Cpu64>(&device);
    assert_eq!(
        middle.physical_parameters().to_array(),
        [0.05, 800.0, 30.0, 2.5, 1.5, -1.5]
    );
    assert_eq!(
        ExpHydroValues::middle_of_ranges(),
        middle.physical_parameters()
    );
    let typical = model::<Cpu64>(TYPICAL, 5.0, 0.5).physical_parameters();
    for (got, want) in typical.to_array().into_iter().zip(TYPICAL) {
        assert!((got - want).abs() < 1e-12 * want.abs(), "{got} vs {want}");
    }
    // The ends of the ranges themselves are reachable to within 1e-9 of the range.
    let edges = ExpHydroConfig::new()
        .with_initial_parameters(Some(LOWER_BOUNDS))
        .init::<Cpu64>(&device);
    let theta = edges.to_weights().theta.to_array();
    assert!(
        theta.iter().all(|t| t.is_finite() && *t < -20.0),
        "{theta:?}"
    );
    // Round trips: exactly, in f32 for f32-representable values and in f64 for any.
    let representable = ExpHydroParameters {
        theta: ExpHydroValues::from_array([-1.25, 0.375, 3.0, -0.0078125, 12.5, -7.75]),
        step_sharpness: 5.0,
        initial_soil_fraction: 0.25,
    };
    let back = ExpHydro::<Cpu32>::from_weights(&representable, &device).to_weights();
    assert_eq!(back, representable);
    let arbitrary = ExpHydroParameters {
        theta: ExpHydroValues::from_array([
            0.1,
            -2.618_033_988_749_895,
            1e-300,
            7.3,
            -0.3,
            1.0 / 3.0,
        ]),
        step_sharpness: 20.0,
        initial_soil_fraction: 0.7,
    };
    let model = ExpHydro::<Cpu64>::from_weights(&arbitrary, &device);
    assert_eq!(model.to_weights(), arbitrary);
    assert_eq!(arbitrary.parameter_count(), 6);
    assert_eq!(burn::module::Module::num_params(&model), 6);
    let json = serde_json::to_string(&arbitrary).unwrap();
    let parsed: ExpHydroParameters = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, arbitrary);
}

#[test]
fn runoff_is_finite_and_non_negative_at_the_ends_of_the_ranges() {
    // Every parameter at its lower or upper end, in four combinations, over a year of Daymet
    // forcing (in f32, the training precision).
    let record = daymet("01031500", date(2000, 10, 1), date(2001, 9, 30));
    let (x, _) = windows::<Cpu32>(&record, &[364], 365);
    for pattern in [[0u8; 6], [1; 6], [0, 1, 0, 1, 0, 1], [1, 0, 1, 0, 1, 0]] {
        let theta = pattern.map(|upper| if upper == 1 { 60.0 } else { -60.0 });
        let weights = ExpHydroParameters {
            theta: ExpHydroValues::from_array(theta),
            step_sharpness: 5.0,
            initial_soil_fraction: 0.5,
        };
        let states = ExpHydro::<Cpu32>::from_weights(&weights, &Default::default())
            .forward_states(x.clone());
        let s = series(&states);
        for series in [&s.runoff, &s.evapotranspiration, &s.soil, &s.snow, &s.melt] {
            assert!(
                series.iter().all(|v| v.is_finite() && *v >= 0.0),
                "pattern {pattern:?}"
            );
        }
    }
}

#[test]
fn a_few_adam_steps_on_real_windows_reduce_the_mse() {
    type B = Autodiff<Cpu32>;
    // Basin 01031500, look-back 365: windows ending every 9th day of water year 2002.
    let record = daymet("01031500", date(2000, 10, 1), date(2002, 9, 30));
    let first = record.index_of(date(2001, 10, 1)).unwrap();
    let ends: Vec<usize> = (first..record.len())
        .step_by(9)
        .filter(|&end| !record.targets[0][end].is_nan())
        .collect();
    assert!(ends.len() >= 35);
    let (x, y) = windows::<B>(&record, &ends, 365);
    let target: Tensor<B, 2> = tensor(TensorData::new(y.clone(), [y.len(), 1]));
    // From the default start, the middle of every range.
    let mut model = ExpHydroConfig::new().init::<B>(&Default::default());
    let before = mse(&model.valid(), x.clone().inner(), &y);
    let mut optimizer = AdamConfig::new().init();
    for _ in 0..20 {
        let loss = (model.forward(x.clone()) - target.clone())
            .powi_scalar(2)
            .mean();
        let gradients = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(0.1, model, gradients);
    }
    let after = mse(&model.valid(), x.inner(), &y);
    println!(
        "MSE {before:.4} -> {after:.4} (mm/day)^2, parameters {:?}",
        model.physical_parameters()
    );
    assert!(after < 0.6 * before, "{before} -> {after}");
}
