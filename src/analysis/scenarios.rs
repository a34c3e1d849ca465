//! Hypothetical inputs and the water balance of a model's response to them (Yokoo et al.): an
//! input series (precipitation, temperature...) is replaced, zeroed, scaled, shifted, made a
//! sinusoid of the day of the year or set to a constant during a season, over a range of days;
//! the volumes of simulated runoff and of precipitation then tell how much of a change of
//! precipitation a model passes on to runoff.
//!
//! The numbers of a change are given either in physical units or in the model's scaled units
//! (the normalisation the run fitted on its training period: min-max to `[0, 1]` as in the
//! paper, or z-scores), and [`InputChange::in_physical_units`] converts them with the input's
//! [`FeatureStats`]. Levels (a replacement value, a sinusoid's mean) convert as
//! `value * scale + offset`, differences (a shift, a sinusoid's amplitude) as `value * scale`;
//! factors and zero are the same in both. An input the run leaves unscaled (a mass input of the
//! MC-LSTM, the forcings of EXP-HYDRO) has offset 0 and scale 1: its scaled units are physical.
//!
//! Days of the year are chrono's ordinals: 1 on 1 January, 365 on 31 December of a common year
//! and 366 on 31 December of a leap year, so from 1 March on a day number falls one calendar day
//! earlier in a leap year.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};

use crate::data::{DateRange, FeatureStats};

/// Cubic metres of water in a depth of 1 mm over 1 km^2: 0.001 m * 1e6 m^2.
pub const CUBIC_METRES_PER_MM_KM2: f64 = 1000.0;

/// The units the numbers of an [`InputChange`] are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// The input's own units (mm/day, deg C...).
    Physical,
    /// The run's normalised units of the input (min-max: 0 the training minimum, 1 the
    /// training maximum).
    Scaled,
}

/// A change of one input series on the days of a range.
#[derive(Debug, Clone, PartialEq)]
pub enum InputChange {
    /// Every day takes this value.
    Replace(f64),
    /// Every day is zero (in physical units whatever the [`Units`]: no precipitation).
    Zero,
    /// Every value is multiplied by this factor.
    Scale(f64),
    /// This amount is added to every value (a physical input may become negative: the change
    /// does not clip).
    Shift(f64),
    /// Every day takes `offset + amplitude * cos(2 pi (doy - peak_day) / period_days)`, where
    /// `doy` is the day's day of the year: a curve of the calendar day repeated every year,
    /// with its maximum on day `peak_day`. With a period of 365 days, 31 December of a leap
    /// year (day 366) takes the value of 1 January.
    Sinusoid {
        /// Wavelength in days (365 for the annual cycle).
        period_days: f64,
        /// Half the difference between maximum and minimum.
        amplitude: f64,
        /// The mean value.
        offset: f64,
        /// Day of the year of the maximum.
        peak_day: f64,
    },
    /// The days whose day of the year lies in `from_doy..=to_doy` take `value` and the other
    /// days keep theirs; the season runs across New Year when `from_doy > to_doy` (mid-October
    /// to mid-March: 288 to 74).
    SeasonalConstant {
        /// The value during the season.
        value: f64,
        /// First day of the year of the season (1..=366).
        from_doy: u32,
        /// Last day of the year of the season (1..=366).
        to_doy: u32,
    },
}

impl InputChange {
    /// Why the change cannot be applied, if it cannot: a period that is not positive and
    /// finite, a day of the year outside `1..=366`, or a non-finite number.
    pub fn check(&self) -> Result<(), String> {
        let finite = |name: &str, x: f64| {
            if x.is_finite() {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number, not {x}"))
            }
        };
        match *self {
            InputChange::Replace(x) => finite("the value", x),
            InputChange::Zero => Ok(()),
            InputChange::Scale(x) => finite("the factor", x),
            InputChange::Shift(x) => finite("the shift", x),
            InputChange::Sinusoid {
                period_days,
                amplitude,
                offset,
                peak_day,
            } => {
                finite("the amplitude", amplitude)?;
                finite("the offset", offset)?;
                finite("the peak day", peak_day)?;
                if period_days.is_finite() && period_days > 0.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "the period must be a positive number of days, not {period_days}"
                    ))
                }
            }
            InputChange::SeasonalConstant {
                value,
                from_doy,
                to_doy,
            } => {
                finite("the value", value)?;
                for (name, doy) in [("first", from_doy), ("last", to_doy)] {
                    if !(1..=366).contains(&doy) {
                        return Err(format!(
                            "the {name} day of the season must be a day of the year 1..366, not {doy}"
                        ));
                    }
                }
                Ok(())
            }
        }
    }

    /// The same change with its numbers in physical units, given in `units` for input `k` of
    /// `stats` (levels as `value * scale + offset`, differences as `value * scale`).
    pub fn in_physical_units(&self, units: Units, stats: &FeatureStats, k: usize) -> InputChange {
        if units == Units::Physical {
            return self.clone();
        }
        let level = |x: f64| stats.denormalize(k, x);
        let difference = |x: f64| x * stats.scale[k];
        match *self {
            InputChange::Replace(x) => InputChange::Replace(level(x)),
            InputChange::Zero => InputChange::Zero,
            InputChange::Scale(factor) => InputChange::Scale(factor),
            InputChange::Shift(x) => InputChange::Shift(difference(x)),
            InputChange::Sinusoid {
                period_days,
                amplitude,
                offset,
                peak_day,
            } => InputChange::Sinusoid {
                period_days,
                amplitude: difference(amplitude),
                offset: level(offset),
                peak_day,
            },
            InputChange::SeasonalConstant {
                value,
                from_doy,
                to_doy,
            } => InputChange::SeasonalConstant {
                value: level(value),
                from_doy,
                to_doy,
            },
        }
    }

    /// The changed value of `date`, whose value was `value`.
    pub fn value_on(&self, date: NaiveDate, value: f64) -> f64 {
        match *self {
            InputChange::Replace(x) => x,
            InputChange::Zero => 0.0,
            InputChange::Scale(factor) => value * factor,
            InputChange::Shift(x) => value + x,
            InputChange::Sinusoid {
                period_days,
                amplitude,
                offset,
                peak_day,
            } => {
                let doy = f64::from(date.ordinal());
                offset + amplitude * (2.0 * PI * (doy - peak_day) / period_days).cos()
            }
            InputChange::SeasonalConstant {
                value: constant,
                from_doy,
                to_doy,
            } => {
                if in_season(date, from_doy, to_doy) {
                    constant
                } else {
                    value
                }
            }
        }
    }

    /// The series `values` of the days `dates` with the days in `range` changed (the others
    /// as they were).
    ///
    /// # Panics
    /// If `dates` and `values` differ in length (a programming error).
    pub fn apply(&self, dates: &[NaiveDate], values: &[f32], range: DateRange) -> Vec<f32> {
        assert_eq!(dates.len(), values.len(), "one value per day");
        dates
            .iter()
            .zip(values)
            .map(|(&date, &value)| {
                if range.contains(date) {
                    self.value_on(date, f64::from(value)) as f32
                } else {
                    value
                }
            })
            .collect()
    }
}

/// Whether the day of the year of `date` lies in `from_doy..=to_doy`, a season that runs across
/// New Year when `from_doy > to_doy`.
pub fn in_season(date: NaiveDate, from_doy: u32, to_doy: u32) -> bool {
    let doy = date.ordinal();
    if from_doy <= to_doy {
        (from_doy..=to_doy).contains(&doy)
    } else {
        doy >= from_doy || doy <= to_doy
    }
}

/// The volume in m^3 of daily depths `depths_mm` (mm/day, summed over the days) over a basin of
/// `area_km2`: `sum(depths) * area_km2 * 1000` (1 mm over 1 km^2 is 1000 m^3). `NaN` depths
/// make the volume `NaN`.
pub fn volume_m3(depths_mm: &[f64], area_km2: f64) -> f64 {
    depths_mm.iter().sum::<f64>() * area_km2 * CUBIC_METRES_PER_MM_KM2
}

/// Runoff and precipitation volumes of a basin under a baseline and a scenario, over the same
/// days, in m^3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaterBalance {
    /// Simulated runoff of the baseline.
    pub baseline_runoff_m3: f64,
    /// Simulated runoff of the scenario.
    pub scenario_runoff_m3: f64,
    /// Precipitation of the baseline (`NaN` if unknown).
    pub baseline_precipitation_m3: f64,
    /// Precipitation of the scenario (`NaN` if unknown).
    pub scenario_precipitation_m3: f64,
}

impl WaterBalance {
    /// The volumes of daily runoff and precipitation series (mm/day, day by day over the same
    /// days) over a basin of `area_km2`.
    pub fn new(
        baseline_runoff: &[f64],
        scenario_runoff: &[f64],
        baseline_precipitation: &[f64],
        scenario_precipitation: &[f64],
        area_km2: f64,
    ) -> Self {
        WaterBalance {
            baseline_runoff_m3: volume_m3(baseline_runoff, area_km2),
            scenario_runoff_m3: volume_m3(scenario_runoff, area_km2),
            baseline_precipitation_m3: volume_m3(baseline_precipitation, area_km2),
            scenario_precipitation_m3: volume_m3(scenario_precipitation, area_km2),
        }
    }

    /// The share of the change of precipitation that the model passes on to runoff:
    /// `(V_Q,scenario - V_Q,baseline) / (V_P,scenario - V_P,baseline)`. 1 for a model that
    /// conserves mass (and stores nothing over the days), 0 for one that ignores precipitation;
    /// `NaN` when the precipitation volumes are equal or unknown.
    pub fn ratio(&self) -> f64 {
        let precipitation = self.scenario_precipitation_m3 - self.baseline_precipitation_m3;
        if precipitation == 0.0 {
            return f64::NAN;
        }
        (self.scenario_runoff_m3 - self.baseline_runoff_m3) / precipitation
    }
}

/// The water-balance ratio of a scenario against a baseline: the change of simulated runoff
/// volume over the change of precipitation volume, both in m^3 from daily depths (mm/day) over
/// the basin area `area_km2`:
///
/// `ratio = (sum Q_scenario - sum Q_baseline) * A * 1000 / ((sum P_scenario - sum P_baseline) * A * 1000)`
///
/// (see [`WaterBalance::ratio`]). With runoff and precipitation both depths over the same basin
/// the area cancels; it matters when volumes are reported.
pub fn water_balance_ratio(
    baseline_runoff: &[f64],
    scenario_runoff: &[f64],
    baseline_precipitation: &[f64],
    scenario_precipitation: &[f64],
    area_km2: f64,
) -> f64 {
    WaterBalance::new(
        baseline_runoff,
        scenario_runoff,
        baseline_precipitation,
        scenario_precipitation,
        area_km2,
    )
    .ratio()
}
