//! Hydrograph with an uncertainty band: observed streamflow, a central simulation (e.g. the mean of
//! an ensemble of seeds) and a shaded band between a lower and an upper simulation (e.g. the
//! ensemble minimum and maximum) against date.
//!
//! Observed flow is black, the central simulation blue and the band light blue. Missing values
//! (NaN) end line segments and leave holes in the band, which covers only dates where both bounds
//! are available. The figure is 1200 x 500 pixels, like the plain hydrograph.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::date_axis::date_ticks;
use super::hydrograph::{flow_range, segments};
use super::style::{
    draw_legend, number_label, swatch_legend, AXIS_DESC_SIZE, FONT, GRID, MARGIN, TICK_SIZE,
    TITLE_SIZE,
};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1200, 500);
/// Most date labels on the time axis.
const MAX_DATE_TICKS: usize = 10;
/// Colour of the observed series.
const OBSERVED_COLOUR: RGBColor = RGBColor(0, 0, 0);
/// Colour of the central simulation and, lightened, of the band (Okabe-Ito blue).
const SIMULATED_COLOUR: RGBColor = RGBColor(0, 114, 178);
/// Opacity of the band.
const BAND_OPACITY: f64 = 0.3;

/// A central simulation with lower and upper bounds, one value per date each, and their legend
/// entries.
#[derive(Debug, Clone, Copy)]
pub struct Band<'a> {
    /// Legend entry of the central line, e.g. "ensemble mean".
    pub central_label: &'a str,
    /// Legend entry of the band, e.g. "ensemble min-max".
    pub range_label: &'a str,
    /// Central simulated flow.
    pub central: &'a [f64],
    /// Lower bound of the band.
    pub lower: &'a [f64],
    /// Upper bound of the band.
    pub upper: &'a [f64],
}

/// Mean, minimum and maximum at each time step over the members of an ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleBand {
    /// Mean of the finite member values at each step (NaN where no member has one).
    pub mean: Vec<f64>,
    /// Lowest finite member value at each step (NaN where no member has one).
    pub min: Vec<f64>,
    /// Highest finite member value at each step (NaN where no member has one).
    pub max: Vec<f64>,
}

impl EnsembleBand {
    /// Summarises `members` (one simulated series each) step by step; a step has as many values as
    /// members reach it, and missing values (NaN) are skipped.
    pub fn of(members: &[Vec<f64>]) -> Self {
        let steps = members.iter().map(Vec::len).max().unwrap_or(0);
        let mut band = EnsembleBand {
            mean: Vec::with_capacity(steps),
            min: Vec::with_capacity(steps),
            max: Vec::with_capacity(steps),
        };
        for t in 0..steps {
            let values = members.iter().filter_map(|m| m.get(t)).copied();
            let (count, sum, min, max) = values.filter(|v| v.is_finite()).fold(
                (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY),
                |(count, sum, min, max), v| (count + 1, sum + v, min.min(v), max.max(v)),
            );
            if count == 0 {
                band.mean.push(f64::NAN);
                band.min.push(f64::NAN);
                band.max.push(f64::NAN);
            } else {
                band.mean.push(sum / count as f64);
                band.min.push(min);
                band.max.push(max);
            }
        }
        band
    }
}

/// Writes a hydrograph of `observed` flow and the ensemble `members` (e.g. one simulation per
/// random seed) to `path`, as PNG or SVG according to the extension: the ensemble mean as a line
/// and the ensemble minimum to maximum as a band (see [`EnsembleBand`]).
///
/// `unit` is the flow unit of the y axis, e.g. "mm/day". Fails as [`hydrograph_band`] does, and
/// when `members` is empty or a member does not have one value per date.
pub fn hydrograph_ensemble(
    path: &Path,
    title: &str,
    dates: &[NaiveDate],
    observed: &[f64],
    members: &[Vec<f64>],
    unit: &str,
) -> Result<(), PlotError> {
    if members.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of ensemble members".to_string(),
        });
    }
    if let Some((index, member)) = members
        .iter()
        .enumerate()
        .find(|(_, m)| m.len() != dates.len())
    {
        return Err(PlotError::CountMismatch {
            path: path.to_path_buf(),
            what: format!("ensemble member {}", index + 1),
            expected: dates.len(),
            found: member.len(),
        });
    }
    let ensemble = EnsembleBand::of(members);
    let band = Band {
        central_label: "ensemble mean",
        range_label: "ensemble min-max",
        central: &ensemble.mean,
        lower: &ensemble.min,
        upper: &ensemble.max,
    };
    hydrograph_band(path, title, dates, observed, band, unit)
}

/// Writes a hydrograph of `observed` flow, the central simulation of `band` and its lower to upper
/// range against `dates` to `path`, as PNG or SVG according to the extension.
///
/// `unit` is the flow unit of the y axis, e.g. "mm/day" gives "Streamflow (mm/day)".
///
/// Fails when `dates` is empty, when a series does not have one value per date, when the dates are
/// not strictly increasing, when no value is finite, when the extension is neither `.png` nor
/// `.svg`, or when the file cannot be written.
pub fn hydrograph_band(
    path: &Path,
    title: &str,
    dates: &[NaiveDate],
    observed: &[f64],
    band: Band<'_>,
    unit: &str,
) -> Result<(), PlotError> {
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of dates".to_string(),
        });
    };
    for (series, what) in [
        (observed, "the observed flow"),
        (band.central, "the central simulation"),
        (band.lower, "the lower bound"),
        (band.upper, "the upper bound"),
    ] {
        if series.len() != dates.len() {
            return Err(PlotError::CountMismatch {
                path: path.to_path_buf(),
                what: format!("{what} (one value per date)"),
                expected: dates.len(),
                found: series.len(),
            });
        }
    }
    if let Some(pair) = dates.windows(2).find(|pair| pair[1] <= pair[0]) {
        return Err(PlotError::DatesNotIncreasing {
            path: path.to_path_buf(),
            previous: pair[0],
            date: pair[1],
        });
    }
    let all = observed
        .iter()
        .chain(band.central)
        .chain(band.lower)
        .chain(band.upper);
    let flow_range = flow_range(all).ok_or_else(|| PlotError::NoFiniteValues {
        path: path.to_path_buf(),
        what: "the flow series".to_string(),
    })?;
    let days: Vec<i32> = dates.iter().map(|d| d.num_days_from_ce()).collect();
    let figure = BandHydrograph {
        title,
        y_label: if unit.is_empty() {
            "Streamflow".to_string()
        } else {
            format!("Streamflow ({unit})")
        },
        first,
        last,
        flow_range,
        central_label: band.central_label,
        range_label: band.range_label,
        observed: segments(&days, observed),
        central: segments(&days, band.central),
        band: band_pieces(&days, band.lower, band.upper),
    };
    render(path, SIZE, &figure)
}

/// Outlines of the band over each run of dates where both bounds are finite: the upper bound
/// forwards, then the lower bound backwards.
fn band_pieces(days: &[i32], lower: &[f64], upper: &[f64]) -> Vec<Vec<(i32, f64)>> {
    let both: Vec<f64> = lower
        .iter()
        .zip(upper)
        .map(|(l, u)| if u.is_finite() { *l } else { f64::NAN })
        .collect();
    segments(days, &both)
        .into_iter()
        .map(|run| {
            let start = days.partition_point(|&d| d < run[0].0);
            let upper_run = (start..start + run.len()).map(|i| (days[i], upper[i]));
            upper_run.chain(run.into_iter().rev()).collect()
        })
        .collect()
}

/// A validated hydrograph with a band, ready to draw.
struct BandHydrograph<'a> {
    title: &'a str,
    y_label: String,
    first: NaiveDate,
    last: NaiveDate,
    flow_range: (f64, f64),
    central_label: &'a str,
    range_label: &'a str,
    observed: Vec<Vec<(i32, f64)>>,
    central: Vec<Vec<(i32, f64)>>,
    band: Vec<Vec<(i32, f64)>>,
}

impl Figure for BandHydrograph<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.fill(&WHITE)?;
        let ticks = date_ticks(self.first, self.last, MAX_DATE_TICKS);
        let first_day = self.first.num_days_from_ce();
        let last_day = self.last.num_days_from_ce().max(first_day + 1);
        let x_axis = (first_day..last_day).with_key_points(ticks.days);
        let mut chart = ChartBuilder::on(area)
            .caption(self.title, (FONT, TITLE_SIZE))
            .margin(MARGIN)
            .x_label_area_size(55)
            .y_label_area_size(75)
            .build_cartesian_2d(x_axis, self.flow_range.0..self.flow_range.1)?;
        let date_label = |day: &i32| {
            NaiveDate::from_num_days_from_ce_opt(*day)
                .map(|d| d.format(ticks.format).to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_desc("Date")
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&date_label)
            .y_label_formatter(&number_label)
            .y_labels(8)
            .axis_desc_style((FONT, AXIS_DESC_SIZE))
            .label_style((FONT, TICK_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;

        let band_colour = SIMULATED_COLOUR.mix(BAND_OPACITY);
        chart.draw_series(
            self.band
                .iter()
                .map(|outline| Polygon::new(outline.clone(), band_colour.filled())),
        )?;
        swatch_legend(
            &mut chart,
            self.range_label,
            RGBColor(
                lighten(SIMULATED_COLOUR.0),
                lighten(SIMULATED_COLOUR.1),
                lighten(SIMULATED_COLOUR.2),
            ),
        )?;
        for (label, colour, segments) in [
            (self.central_label, SIMULATED_COLOUR, &self.central),
            ("observed", OBSERVED_COLOUR, &self.observed),
        ] {
            let style = colour.stroke_width(2);
            for segment in segments {
                if let [point] = segment.as_slice() {
                    chart.draw_series(std::iter::once(Circle::new(*point, 2, colour.filled())))?;
                } else {
                    chart.draw_series(LineSeries::new(segment.iter().copied(), style))?;
                }
            }
            chart
                .draw_series(std::iter::empty::<Circle<(i32, f64), i32>>())?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 25, y)], style));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

/// A colour channel seen through the band's opacity over white.
fn lighten(channel: u8) -> u8 {
    (255.0 - BAND_OPACITY * (255.0 - channel as f64)).round() as u8
}
