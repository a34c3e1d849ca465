//! The two-bucket conceptual model EXP-HYDRO (Patil & Stieglitz 2014), made differentiable so
//! that its six parameters are learned by gradient descent, as the benchmark of Li & Zhao
//! (Eq. 11): a Burn module generic over the backend, sequence-to-one over look-back windows.
//!
//! # Inputs and output
//! A batch `x` is `[batch, steps, 4]` in physical units, NOT normalised, features in the order
//! precipitation `P` (mm/day), daily maximum and minimum temperature (deg C), day length
//! (seconds, CAMELS Daymet `dayl(s)`). The mean temperature is `T = (tmax + tmin) / 2`. The
//! prediction is the total runoff `Q` (mm/day, not normalised) of the last day of the window.
//!
//! # Equations
//! Two storages, the snow bucket `S0` and the catchment (soil) bucket `S1` (mm):
//!
//! ```text
//! dS0/dt = Ps - M                     dS1/dt = Pr + M - ET - Q           (Li & Zhao, Eq. 11)
//! Ps = P H(Tmin - T)                  Pr = P - Ps                        (snowfall, rainfall)
//! M  = H(T - Tmax) min(S0, Df max(T - Tmax, 0))                          (degree-day melt)
//! PET = 29.8 D 0.611 exp(17.3 T / (T + 237.3)) / (T + 273.2)             (Hamon, D in hours)
//! ET = PET [w + H(S1 - Smax) (1 - w)],          w = min(S1 / Smax, 1)
//! Qb = Qmax [d + H(S1 - Smax) (1 - d)],         d = exp(-f max(Smax - S1, 0))
//! Qs = max(S1 - Smax, 0)                                                 (the spill)
//! Q  = Qb + Qs
//! ```
//!
//! Away from the thresholds these are exactly Patil & Stieglitz's branches: all precipitation
//! is snow below `Tmin`, melt `min(S0, Df (T - Tmax))` above `Tmax`, `ET = PET S1 / Smax` and
//! `Qb = Qmax exp(-f (Smax - S1))` below a full bucket, `ET = PET` and `Qb = Qmax` above it.
//!
//! # Smoothing
//! Each Heaviside step of the original model is replaced by the tanh step of Jiang et al.
//! (2020), `H(z) = (1 + tanh(k z)) / 2`, with one sharpness `k`
//! ([`ExpHydroConfig::step_sharpness`], default 5, as Jiang et al.): per deg C for the
//! temperature thresholds and per mm for the full-bucket threshold. At `k = 5` the rain/snow
//! split goes from 12 % to 88 % snow within ±0.2 deg C of `Tmin`. The ramps inside the melt and
//! the drainage are clamped (`max(·, 0)`) so that no flux turns negative where the smoothed step
//! leaks past its threshold; the functions are continuous there, so gradients exist everywhere
//! except on a set of measure zero.
//!
//! # Discretisation
//! Explicit (forward) Euler with a step of one day, as the daily formulation of the paper: the
//! fluxes of day `t` are computed from the storages at the start of day `t` and the forcing of
//! day `t`, then `S0 += Ps - M`, `S1 += Pr + M - ET - Q`. The runoff of day `t` therefore
//! depends on that day's rain only through later days. Because the step is explicit, it could
//! draw more from the soil bucket than it holds (for small `f` the baseflow of an empty bucket,
//! `Qmax exp(-f Smax)`, is most of `Qmax`): the day's ET, baseflow and spill are then scaled by
//! one common factor `min(1, W / (ET + Qb + Qs))`, `W = S1 + Pr + M` being the water the bucket
//! has that day, so that `S1` never goes below zero (Patil & Stieglitz's code sets every outflow
//! to zero once `S1 < 0` instead, which lets the storage go negative). Melt never exceeds `S0`.
//! Every step closes the water balance `P = d(S0 + S1) + ET + Q` up to rounding.
//!
//! # Initial storages
//! Every window starts with an empty snow bucket, `S0 = 0`, and a half-full soil bucket,
//! `S1 = 0.5 Smax` ([`ExpHydroConfig::initial_soil_fraction`]): half of the capacity is the
//! start with the smallest worst-case error when nothing is known about the state. The whole
//! window (365 days in the paper) is warm-up. The snow of the last day's season accumulates
//! inside the window. The soil bucket forgets its start within the year where it fills or
//! drains quickly (Smax of a few hundred mm in a humid basin), but not where it is large and
//! rarely full: its ET drawdown has a time scale of about `Smax / PET`, over a year for
//! `Smax` near 1000 mm, and there the start still shapes the runoff at the end of a 365-day
//! window. In basin 01031500 (Daymet), with `f = 0.01` 1/mm, `Smax = 1200` mm and
//! `Qmax = 20` mm/day, starting at 0, 0.5 or 1 `Smax` gives a runoff of 0.04, 0.58 or
//! 0.76 mm/day on 2002-03-19; with `f = 0.02` and `Smax = 300` mm, 0.881 mm/day each.
//!
//! # Parameters
//! Each of the six parameters is `lower + (upper - lower) sigmoid(theta)` of an unbounded
//! learnable `theta`, within the ranges of Patil & Stieglitz (2014): `f` in [0, 0.1] 1/mm,
//! `Smax` in [100, 1500] mm, `Qmax` in [10, 50] mm/day, `Df` in [0, 5] mm/day/deg C, `Tmax`
//! in [0, 3] deg C, `Tmin` in [-3, 0] deg C ([`LOWER_BOUNDS`], [`UPPER_BOUNDS`]). The sigmoid is
//! evaluated as `(1 + tanh(theta / 2)) / 2`, accurate to the backend's precision (Burn's own
//! sigmoid computes in `f32` whatever the backend) and saturating without overflow for extreme
//! `theta`. Parameters convert exactly to and from the backend-neutral
//! [`ExpHydroParameters`], which also carry the two fixed settings (a Burn record of the module
//! holds `theta` only).

use burn::config::Config;
use burn::module::{Module, Param};
use burn::tensor::backend::Backend;
use burn::tensor::{DType, Element, Tensor, TensorData};
use serde::{Deserialize, Serialize};

/// Number of learnable parameters of EXP-HYDRO.
pub const PARAMETER_COUNT: usize = 6;

/// One value per parameter of EXP-HYDRO: either the bounded physical values or the unbounded
/// `theta` they are computed from, as the holder states.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpHydroValues {
    /// Decline of the baseflow with the soil-water deficit, `f` (1/mm).
    pub f: f64,
    /// Capacity of the soil bucket, `Smax` (mm).
    pub smax: f64,
    /// Baseflow of a full soil bucket, `Qmax` (mm/day).
    pub qmax: f64,
    /// Degree-day melt factor, `Df` (mm/day/deg C).
    pub df: f64,
    /// Temperature above which snow melts, `Tmax` (deg C).
    pub tmax: f64,
    /// Temperature below which precipitation falls as snow, `Tmin` (deg C).
    pub tmin: f64,
}

/// Lower ends of the parameter ranges of Patil & Stieglitz (2014).
pub const LOWER_BOUNDS: ExpHydroValues = ExpHydroValues {
    f: 0.0,
    smax: 100.0,
    qmax: 10.0,
    df: 0.0,
    tmax: 0.0,
    tmin: -3.0,
};

/// Upper ends of the parameter ranges of Patil & Stieglitz (2014).
pub const UPPER_BOUNDS: ExpHydroValues = ExpHydroValues {
    f: 0.1,
    smax: 1500.0,
    qmax: 50.0,
    df: 5.0,
    tmax: 3.0,
    tmin: 0.0,
};

/// Closest a physical value given to [`ExpHydroValues::unbounded`] may come to an end of its
/// range, as a fraction of the range (an end itself would need an infinite `theta`).
const EDGE_FRACTION: f64 = 1e-9;

impl ExpHydroValues {
    /// The values in the order (f, Smax, Qmax, Df, Tmax, Tmin).
    pub fn to_array(&self) -> [f64; PARAMETER_COUNT] {
        [self.f, self.smax, self.qmax, self.df, self.tmax, self.tmin]
    }

    /// The values from an array in the order (f, Smax, Qmax, Df, Tmax, Tmin).
    pub fn from_array(values: [f64; PARAMETER_COUNT]) -> Self {
        let [f, smax, qmax, df, tmax, tmin] = values;
        ExpHydroValues {
            f,
            smax,
            qmax,
            df,
            tmax,
            tmin,
        }
    }

    /// The middle of every range (the physical values of `theta = 0`).
    pub fn middle_of_ranges() -> Self {
        Self::from_array(std::array::from_fn(|i| {
            (LOWER_BOUNDS.to_array()[i] + UPPER_BOUNDS.to_array()[i]) / 2.0
        }))
    }

    /// The physical values of these unbounded values `theta`:
    /// `lower + (upper - lower) sigmoid(theta)`, computed in `f64`.
    pub fn bounded(&self) -> Self {
        let (lower, upper) = (LOWER_BOUNDS.to_array(), UPPER_BOUNDS.to_array());
        let theta = self.to_array();
        Self::from_array(std::array::from_fn(|i| {
            lower[i] + (upper[i] - lower[i]) * (0.5 + 0.5 * (0.5 * theta[i]).tanh())
        }))
    }

    /// The unbounded `theta` of these physical values, the inverse of
    /// [`ExpHydroValues::bounded`]. Values outside their range, or closer to an end than 1e-9
    /// of it, are moved to that distance inside.
    pub fn unbounded(&self) -> Self {
        let (lower, upper) = (LOWER_BOUNDS.to_array(), UPPER_BOUNDS.to_array());
        let physical = self.to_array();
        Self::from_array(std::array::from_fn(|i| {
            let fraction = ((physical[i] - lower[i]) / (upper[i] - lower[i]))
                .clamp(EDGE_FRACTION, 1.0 - EDGE_FRACTION);
            (fraction / (1.0 - fraction)).ln()
        }))
    }
}

/// Everything that defines an [`ExpHydro`] model, backend-neutral: the six learnable values
/// and the two fixed settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpHydroParameters {
    /// The unbounded learnable values `theta` (see [`ExpHydroValues::bounded`]).
    pub theta: ExpHydroValues,
    /// Sharpness `k` of the smoothed steps `H(z) = (1 + tanh(k z)) / 2` (per deg C and per mm).
    pub step_sharpness: f64,
    /// Soil storage at the start of every window, as a fraction of `Smax`.
    pub initial_soil_fraction: f64,
}

impl ExpHydroParameters {
    /// Number of learnable values.
    pub fn parameter_count(&self) -> usize {
        PARAMETER_COUNT
    }

    /// The bounded physical parameters.
    pub fn physical(&self) -> ExpHydroValues {
        self.theta.bounded()
    }
}

/// Initial parameters and fixed settings of an [`ExpHydro`].
#[derive(Config, Debug)]
pub struct ExpHydroConfig {
    /// Physical parameter values training starts from; `None` starts every parameter at the
    /// middle of its range.
    pub initial_parameters: Option<ExpHydroValues>,
    /// Sharpness `k` of the smoothed steps `H(z) = (1 + tanh(k z)) / 2`, per deg C for the
    /// temperature thresholds and per mm for the full-bucket threshold.
    #[config(default = 5.0)]
    pub step_sharpness: f64,
    /// Soil storage at the start of every window as a fraction of `Smax`, in `[0, 1]`.
    #[config(default = 0.5)]
    pub initial_soil_fraction: f64,
}

impl ExpHydroConfig {
    /// The backend-neutral parameters this configuration starts from.
    pub fn parameters(&self) -> ExpHydroParameters {
        let theta = match &self.initial_parameters {
            Some(physical) => physical.unbounded(),
            None => ExpHydroValues::from_array([0.0; PARAMETER_COUNT]),
        };
        ExpHydroParameters {
            theta,
            step_sharpness: self.step_sharpness,
            initial_soil_fraction: self.initial_soil_fraction,
        }
    }

    /// A model at the initial parameters (deterministic: nothing is drawn at random).
    pub fn init<B: Backend>(&self, device: &B::Device) -> ExpHydro<B> {
        ExpHydro::from_weights(&self.parameters(), device)
    }
}

/// Differentiable EXP-HYDRO, sequence-to-one: the runoff of the last day of each window.
#[derive(Module, Debug)]
pub struct ExpHydro<B: Backend> {
    /// The unbounded learnable values `theta`, `[6]`, in the order (f, Smax, Qmax, Df, Tmax,
    /// Tmin).
    pub theta: Param<Tensor<B, 1>>,
    /// Sharpness `k` of the smoothed steps (fixed).
    pub step_sharpness: f64,
    /// Soil storage at the start of every window as a fraction of `Smax` (fixed).
    pub initial_soil_fraction: f64,
}

/// Per-step fluxes and storages of a batch of windows, each `[batch, steps]` in mm/day
/// (fluxes) or mm (storages), from [`ExpHydro::forward_states`].
#[derive(Debug, Clone)]
pub struct ExpHydroStates<B: Backend> {
    /// Snow storage `S0` at the end of each day.
    pub snow: Tensor<B, 2>,
    /// Soil storage `S1` at the end of each day.
    pub soil: Tensor<B, 2>,
    /// Rainfall `Pr`.
    pub rain: Tensor<B, 2>,
    /// Snowfall `Ps`.
    pub snowfall: Tensor<B, 2>,
    /// Snowmelt `M`.
    pub melt: Tensor<B, 2>,
    /// Hamon potential evapotranspiration `PET`.
    pub potential_evapotranspiration: Tensor<B, 2>,
    /// Actual evapotranspiration `ET`.
    pub evapotranspiration: Tensor<B, 2>,
    /// Baseflow `Qb`.
    pub baseflow: Tensor<B, 2>,
    /// Surface runoff of a full bucket `Qs` (the spill).
    pub spill: Tensor<B, 2>,
    /// Total runoff `Q = Qb + Qs`.
    pub runoff: Tensor<B, 2>,
    /// Snow storage at the start of each window, `[batch]`.
    pub initial_snow: Tensor<B, 1>,
    /// Soil storage at the start of each window, `[batch]`.
    pub initial_soil: Tensor<B, 1>,
}

/// Hamon's (1961) potential evapotranspiration (mm/day) for mean temperatures `temperature`
/// (deg C) and day lengths `day_hours` (hours), as in EXP-HYDRO:
/// `29.8 D 0.611 exp(17.3 T / (T + 237.3)) / (T + 273.2)`.
pub fn hamon_pet<B: Backend, const D: usize>(
    temperature: Tensor<B, D>,
    day_hours: Tensor<B, D>,
) -> Tensor<B, D> {
    let saturation_vapour_pressure = (temperature.clone().mul_scalar(17.3)
        / temperature.clone().add_scalar(237.3))
    .exp()
    .mul_scalar(0.611);
    day_hours.mul_scalar(29.8) * saturation_vapour_pressure / temperature.add_scalar(273.2)
}

/// The forcing of one day for a batch of windows, each `[batch]`.
struct Day<B: Backend> {
    precipitation: Tensor<B, 1>,
    temperature: Tensor<B, 1>,
    potential_evapotranspiration: Tensor<B, 1>,
}

/// The fluxes of one day and the storages at its end, each `[batch]`.
struct DayResult<B: Backend> {
    potential_evapotranspiration: Tensor<B, 1>,
    snow: Tensor<B, 1>,
    soil: Tensor<B, 1>,
    rain: Tensor<B, 1>,
    snowfall: Tensor<B, 1>,
    melt: Tensor<B, 1>,
    evapotranspiration: Tensor<B, 1>,
    baseflow: Tensor<B, 1>,
    spill: Tensor<B, 1>,
    runoff: Tensor<B, 1>,
}

/// The physical parameters as `[1]` tensors, ready to broadcast over a batch.
struct Physical<B: Backend> {
    f: Tensor<B, 1>,
    smax: Tensor<B, 1>,
    qmax: Tensor<B, 1>,
    df: Tensor<B, 1>,
    tmax: Tensor<B, 1>,
    tmin: Tensor<B, 1>,
}

/// The float precision of backend `B`. Tensors are created in it explicitly: Burn keeps one
/// default precision per kind of device for the whole process, shared for instance by
/// `NdArray<f32>` and `NdArray<f64>`, and set by whichever created a tensor first.
fn precision<B: Backend>() -> DType {
    <B::FloatElem as Element>::dtype()
}

/// Smallest outflow demand the limiter divides by (mm/day), far below any flux that matters.
const DEMAND_FLOOR: f64 = 1e-30;

impl<B: Backend> ExpHydro<B> {
    /// A model holding exactly `weights`.
    pub fn from_weights(weights: &ExpHydroParameters, device: &B::Device) -> Self {
        let theta = weights.theta.to_array().to_vec();
        ExpHydro {
            theta: Param::from_tensor(Tensor::from_data(
                TensorData::new(theta, [PARAMETER_COUNT]),
                (device, precision::<B>()),
            )),
            step_sharpness: weights.step_sharpness,
            initial_soil_fraction: weights.initial_soil_fraction,
        }
    }

    /// A copy of the parameters in the backend-neutral layout.
    pub fn to_weights(&self) -> ExpHydroParameters {
        let theta: Vec<f64> = self.theta.val().into_data().iter::<f64>().collect();
        ExpHydroParameters {
            theta: ExpHydroValues::from_array(
                theta
                    .try_into()
                    .expect("EXP-HYDRO holds one value per parameter"),
            ),
            step_sharpness: self.step_sharpness,
            initial_soil_fraction: self.initial_soil_fraction,
        }
    }

    /// The bounded physical parameters, as the model computes them in its precision.
    pub fn physical_parameters(&self) -> ExpHydroValues {
        let values: Vec<f64> = self.bounded().into_data().iter::<f64>().collect();
        ExpHydroValues::from_array(
            values
                .try_into()
                .expect("EXP-HYDRO holds one value per parameter"),
        )
    }

    /// `lower + (upper - lower) sigmoid(theta)`, `[6]`.
    fn bounded(&self) -> Tensor<B, 1> {
        let device = self.theta.device();
        let vector = |values: [f64; PARAMETER_COUNT]| {
            Tensor::<B, 1>::from_data(
                TensorData::new(values.to_vec(), [PARAMETER_COUNT]),
                (&device, precision::<B>()),
            )
        };
        let lower = LOWER_BOUNDS.to_array();
        let upper = UPPER_BOUNDS.to_array();
        let range: [f64; PARAMETER_COUNT] = std::array::from_fn(|i| upper[i] - lower[i]);
        let sigmoid = self
            .theta
            .val()
            .mul_scalar(0.5)
            .tanh()
            .mul_scalar(0.5)
            .add_scalar(0.5);
        vector(lower) + vector(range) * sigmoid
    }

    /// The physical parameters, each a `[1]` tensor.
    fn physical(&self) -> Physical<B> {
        let values = self.bounded();
        let take = |i: usize| values.clone().narrow(0, i, 1);
        Physical {
            f: take(0),
            smax: take(1),
            qmax: take(2),
            df: take(3),
            tmax: take(4),
            tmin: take(5),
        }
    }

    /// The smoothed Heaviside step `(1 + tanh(k z)) / 2`.
    fn step<const D: usize>(&self, z: Tensor<B, D>) -> Tensor<B, D> {
        z.mul_scalar(self.step_sharpness)
            .tanh()
            .mul_scalar(0.5)
            .add_scalar(0.5)
    }

    /// One explicit daily step from storages `snow` and `soil` under the forcing `day`.
    fn advance(
        &self,
        p: &Physical<B>,
        day: Day<B>,
        snow: Tensor<B, 1>,
        soil: Tensor<B, 1>,
    ) -> DayResult<B> {
        let Day {
            precipitation,
            temperature,
            potential_evapotranspiration,
        } = day;
        // Snow bucket.
        let snowfall = precipitation.clone() * self.step(p.tmin.clone() - temperature.clone());
        let rain = precipitation - snowfall.clone();
        let warmth = temperature - p.tmax.clone();
        let potential_melt = p.df.clone() * warmth.clone().clamp_min(0.0);
        let melt = self.step(warmth) * snow.clone().min_pair(potential_melt);
        let snow = snow + snowfall.clone() - melt.clone();
        // Soil bucket, fluxes from the storage at the start of the day.
        let excess = soil.clone() - p.smax.clone();
        let full = self.step(excess.clone());
        let wetness = (soil.clone() / p.smax.clone()).clamp_max(1.0);
        let dryness = wetness.clone().neg().add_scalar(1.0);
        let evapotranspiration =
            potential_evapotranspiration.clone() * (wetness + full.clone() * dryness);
        let drainage = (p.f.clone() * excess.clone().neg().clamp_min(0.0))
            .neg()
            .exp();
        let undrained = drainage.clone().neg().add_scalar(1.0);
        let baseflow = p.qmax.clone() * (drainage + full * undrained);
        let spill = excess.clamp_min(0.0);
        // Limit the day's outflow to the water the bucket has.
        let available = soil + rain.clone() + melt.clone();
        let demand = evapotranspiration.clone() + baseflow.clone() + spill.clone();
        let keep = (available.clone() / demand.clamp_min(DEMAND_FLOOR)).clamp_max(1.0);
        let evapotranspiration = evapotranspiration * keep.clone();
        let baseflow = baseflow * keep.clone();
        let spill = spill * keep;
        let runoff = baseflow.clone() + spill.clone();
        let soil = (available - evapotranspiration.clone() - runoff.clone()).clamp_min(0.0);
        DayResult {
            potential_evapotranspiration,
            snow,
            soil,
            rain,
            snowfall,
            melt,
            evapotranspiration,
            baseflow,
            spill,
            runoff,
        }
    }

    /// Runs the model over windows `x` (`[batch, steps, 4]`), handing every day's result to
    /// `visit` in order; returns the initial snow and soil storages `[batch]`.
    fn simulate(
        &self,
        x: Tensor<B, 3>,
        mut visit: impl FnMut(DayResult<B>),
    ) -> (Tensor<B, 1>, Tensor<B, 1>) {
        let [batch, steps, features] = x.dims();
        assert_eq!(
            features, 4,
            "EXP-HYDRO inputs are precipitation, tmax, tmin and day length"
        );
        assert!(steps > 0, "EXP-HYDRO windows need at least one day");
        let device = x.device();
        let x = if x.dtype() == precision::<B>() {
            x
        } else {
            x.cast(precision::<B>())
        };
        let p = self.physical();
        // Day-major forcing, `[steps, batch]` each.
        let x = x.swap_dims(0, 1);
        let column = |k: usize| x.clone().narrow(2, k, 1).reshape([steps, batch]);
        let precipitation = column(0);
        let temperature = (column(1) + column(2)).mul_scalar(0.5);
        let pet = hamon_pet(temperature.clone(), column(3).div_scalar(3600.0));
        let initial_snow = Tensor::<B, 1>::zeros([batch], (&device, precision::<B>()));
        let initial_soil = p
            .smax
            .clone()
            .mul_scalar(self.initial_soil_fraction)
            .expand([batch]);
        let (mut snow, mut soil) = (initial_snow.clone(), initial_soil.clone());
        let day = |series: &Tensor<B, 2>, t: usize| series.clone().narrow(0, t, 1).reshape([batch]);
        for t in 0..steps {
            let forcing = Day {
                precipitation: day(&precipitation, t),
                temperature: day(&temperature, t),
                potential_evapotranspiration: day(&pet, t),
            };
            let result = self.advance(&p, forcing, snow, soil);
            snow = result.snow.clone();
            soil = result.soil.clone();
            visit(result);
        }
        (initial_snow, initial_soil)
    }

    /// The runoff `Q` (mm/day) of the last day of each window, `[batch, 1]`, for windows `x` of
    /// shape `[batch, steps, 4]` (precipitation mm/day, tmax and tmin deg C, day length s; not
    /// normalised; inputs in another float precision than the backend's are converted).
    ///
    /// # Panics
    /// If the windows have no day or not four features.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, _, _] = x.dims();
        let mut last = None;
        self.simulate(x, |day| last = Some(day.runoff));
        last.expect("at least one day").reshape([batch, 1])
    }

    /// Every day's fluxes and storages for windows `x` (as in [`ExpHydro::forward`], which
    /// returns the last column of their `runoff`).
    ///
    /// # Panics
    /// If the windows have no day or not four features.
    pub fn forward_states(&self, x: Tensor<B, 3>) -> ExpHydroStates<B> {
        let mut days = Vec::with_capacity(x.dims()[1]);
        let (initial_snow, initial_soil) = self.simulate(x, |day| days.push(day));
        let series = |pick: fn(&DayResult<B>) -> &Tensor<B, 1>| -> Tensor<B, 2> {
            Tensor::stack(days.iter().map(|day| pick(day).clone()).collect(), 1)
        };
        ExpHydroStates {
            snow: series(|d| &d.snow),
            soil: series(|d| &d.soil),
            rain: series(|d| &d.rain),
            snowfall: series(|d| &d.snowfall),
            melt: series(|d| &d.melt),
            potential_evapotranspiration: series(|d| &d.potential_evapotranspiration),
            evapotranspiration: series(|d| &d.evapotranspiration),
            baseflow: series(|d| &d.baseflow),
            spill: series(|d| &d.spill),
            runoff: series(|d| &d.runoff),
            initial_snow,
            initial_soil,
        }
    }
}
