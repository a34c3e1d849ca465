//! Map of basins: one dot per gauge at its longitude and latitude (degrees), coloured by a value
//! (e.g. NSE, or a catchment attribute) with a viridis colour bar. No outlines are drawn.
//!
//! The axes keep the local shape: one degree of longitude is drawn `cos(latitude)` as long as one
//! degree of latitude at the mean latitude of the basins (an equirectangular projection), the
//! shorter extent being widened to fit the figure. Basins with a missing value (NaN) are drawn as
//! grey rings. With at most 25 basins, each is labelled with its name. The figure is 1200 x 700
//! pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    draw_colour_bar, finite_extent, ColourScale, AXIS_DESC_SIZE, COLOUR_BAR_WIDTH, FONT, GRID,
    MARGIN, TICK_SIZE, TITLE_SIZE,
};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1200, 700);
/// Most basins labelled with their names.
const MAX_NAMED: usize = 25;
/// Height of the label area below the plot.
const X_LABEL_AREA: u32 = 55;
/// Width of the label area left of the plot.
const Y_LABEL_AREA: u32 = 75;
/// Radius of a basin dot in pixels.
const DOT_RADIUS: i32 = 5;
/// Colour of basins without a value.
const MISSING_COLOUR: RGBColor = RGBColor(150, 150, 150);

/// Writes a map of `points` (name, latitude in degrees north, longitude in degrees east, value) to
/// `path`, as PNG or SVG according to the extension; `value_label` describes the colour bar, with
/// unit.
///
/// Fails when `points` is empty, when a latitude is not in [-90, 90] or a longitude not in
/// [-180, 180], when no value is finite, when the extension is neither `.png` nor `.svg`, or when
/// the file cannot be written.
pub fn basin_map(
    path: &Path,
    title: &str,
    points: &[(String, f64, f64, f64)],
    value_label: &str,
) -> Result<(), PlotError> {
    if points.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of basins".to_string(),
        });
    }
    for (name, latitude, longitude, _) in points {
        if !(-90.0..=90.0).contains(latitude) || !(-180.0..=180.0).contains(longitude) {
            return Err(PlotError::InvalidValue {
                path: path.to_path_buf(),
                what: format!(
                    "basin \"{name}\" lies at latitude {latitude}, longitude {longitude} \
                     (degrees north and east)"
                ),
            });
        }
    }
    let scale = ColourScale::spanning(points.iter().map(|p| p.3)).ok_or_else(|| {
        PlotError::NoFiniteValues {
            path: path.to_path_buf(),
            what: "the basin values".to_string(),
        }
    })?;
    let figure = BasinMap {
        title,
        points,
        value_label,
        scale,
    };
    render(path, SIZE, &figure)
}

/// Longitude and latitude ranges around `points` (5 % margin, at least half a degree) whose drawn
/// lengths at `width` x `height` pixels keep an equirectangular projection at their mean latitude.
fn map_extent(
    points: &[(String, f64, f64, f64)],
    width: u32,
    height: u32,
) -> ((f64, f64), (f64, f64)) {
    let extent = |values: &mut dyn Iterator<Item = f64>| {
        let (low, high) = finite_extent(values).expect("points are not empty");
        let margin = (0.05 * (high - low)).max(0.5);
        (low - margin, high + margin)
    };
    let (mut west, mut east) = extent(&mut points.iter().map(|p| p.2));
    let (mut south, mut north) = extent(&mut points.iter().map(|p| p.1));
    let shrink = ((south + north) / 2.0).to_radians().cos().max(0.1);
    // Pixels per degree of longitude must be `shrink` times the pixels per degree of latitude.
    let lon_span = width as f64 * (north - south) / (shrink * height as f64);
    if lon_span > east - west {
        let centre = (west + east) / 2.0;
        (west, east) = (centre - lon_span / 2.0, centre + lon_span / 2.0);
    } else {
        let lat_span = shrink * height as f64 * (east - west) / width as f64;
        let centre = (south + north) / 2.0;
        (south, north) = (centre - lat_span / 2.0, centre + lat_span / 2.0);
    }
    ((west, east), (south, north))
}

/// Decimals of the degree labels of an axis spanning `span` degrees, so that ticks about a tenth of
/// the span apart are told apart (whole degrees for continental maps, more for a few gauges).
fn degree_decimals(span: f64) -> usize {
    match span {
        s if s >= 10.0 => 0,
        s if s >= 1.0 => 1,
        _ => 2,
    }
}

/// A validated basin map ready to draw.
struct BasinMap<'a> {
    title: &'a str,
    points: &'a [(String, f64, f64, f64)],
    value_label: &'a str,
    scale: ColourScale,
}

impl Figure for BasinMap<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.fill(&WHITE)?;
        let body = area.titled(self.title, (FONT, TITLE_SIZE))?;
        let (width, height) = body.dim_in_pixel();
        let (main, bar) = body.split_horizontally(width - COLOUR_BAR_WIDTH);
        let plot_width = width - COLOUR_BAR_WIDTH - 2 * MARGIN - Y_LABEL_AREA;
        let plot_height = height - 2 * MARGIN - X_LABEL_AREA;
        let (longitudes, latitudes) = map_extent(self.points, plot_width, plot_height);
        let mut chart = ChartBuilder::on(&main)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(longitudes.0..longitudes.1, latitudes.0..latitudes.1)?;
        let lon_decimals = degree_decimals(longitudes.1 - longitudes.0);
        let lat_decimals = degree_decimals(latitudes.1 - latitudes.0);
        let lon_degrees = |v: &f64| format!("{v:.lon_decimals$}°");
        let lat_degrees = |v: &f64| format!("{v:.lat_decimals$}°");
        chart
            .configure_mesh()
            .x_desc("Longitude (°E)")
            .y_desc("Latitude (°N)")
            .x_label_formatter(&lon_degrees)
            .y_label_formatter(&lat_degrees)
            .x_labels(10)
            .y_labels(8)
            .axis_desc_style((FONT, AXIS_DESC_SIZE))
            .label_style((FONT, TICK_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;
        // Basins without a value first, so that coloured dots stay on top.
        let missing = self.points.iter().filter(|p| !p.3.is_finite());
        chart.draw_series(missing.map(|(_, latitude, longitude, _)| {
            Circle::new(
                (*longitude, *latitude),
                DOT_RADIUS,
                MISSING_COLOUR.stroke_width(2),
            )
        }))?;
        let present = self.points.iter().filter(|p| p.3.is_finite());
        chart.draw_series(present.clone().map(|(_, latitude, longitude, value)| {
            Circle::new(
                (*longitude, *latitude),
                DOT_RADIUS,
                self.scale.colour(*value).filled(),
            )
        }))?;
        chart.draw_series(present.map(|(_, latitude, longitude, _)| {
            Circle::new((*longitude, *latitude), DOT_RADIUS, BLACK.mix(0.5))
        }))?;
        if self.points.len() <= MAX_NAMED {
            chart.draw_series(self.points.iter().map(|(name, latitude, longitude, _)| {
                EmptyElement::at((*longitude, *latitude))
                    + Text::new(name.clone(), (DOT_RADIUS + 3, -8), (FONT, 14))
            }))?;
        }
        draw_colour_bar(
            &bar,
            self.scale,
            self.value_label,
            MARGIN,
            MARGIN + X_LABEL_AREA,
        )
    }
}
