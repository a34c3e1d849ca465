//! Grouped box plots: for each group on the x axis (e.g. a training data size), one box per member
//! (e.g. a model), each summarising a metric over basins.
//!
//! Boxes span the lower to the upper quartile (linear interpolation between order statistics, the
//! default of numpy's `percentile`), with a black line at the median; Tukey whiskers reach the most
//! extreme values within 1.5 interquartile ranges of the box, and values beyond are outliers drawn as
//! circles. Missing values (NaN) are skipped; a member without finite values in a group leaves its
//! slot empty. Members are coloured and, when there are several, named in a legend row between
//! the title and the chart, where it hides no box. Group names too long to fit side by side are
//! written vertically. The figure is 1200 x 650 pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{with_category_chart, ValueAxis};
use super::style::{padded_range, series_colour, GRID};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1200, 650);
/// Fraction of a group's width taken by its boxes.
const GROUP_WIDTH: f64 = 0.8;
/// Fraction of a member's slot taken by its box.
const BOX_WIDTH: f64 = 0.75;
/// Whisker reach in interquartile ranges (Tukey).
const WHISKER_REACH: f64 = 1.5;

/// Summary of one box: quartiles, Tukey whiskers and outliers of the finite values.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStatistics {
    /// Number of finite values summarised.
    pub count: usize,
    /// 25th percentile.
    pub lower_quartile: f64,
    /// 50th percentile.
    pub median: f64,
    /// 75th percentile.
    pub upper_quartile: f64,
    /// Smallest value not below `lower_quartile - 1.5 IQR`.
    pub lower_whisker: f64,
    /// Largest value not above `upper_quartile + 1.5 IQR`.
    pub upper_whisker: f64,
    /// Values outside the whiskers, in ascending order.
    pub outliers: Vec<f64>,
}

impl BoxStatistics {
    /// Summarises the finite values of `values` (NaN and infinities are skipped); `None` when
    /// there is none.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let lower_quartile = percentile(&sorted, 25.0);
        let upper_quartile = percentile(&sorted, 75.0);
        let reach = WHISKER_REACH * (upper_quartile - lower_quartile);
        let (low_fence, high_fence) = (lower_quartile - reach, upper_quartile + reach);
        let inside = || {
            sorted
                .iter()
                .copied()
                .filter(|&v| v >= low_fence && v <= high_fence)
        };
        Some(BoxStatistics {
            count: sorted.len(),
            lower_quartile,
            median: percentile(&sorted, 50.0),
            upper_quartile,
            lower_whisker: inside().fold(f64::INFINITY, f64::min),
            upper_whisker: inside().fold(f64::NEG_INFINITY, f64::max),
            outliers: sorted
                .iter()
                .copied()
                .filter(|&v| v < low_fence || v > high_fence)
                .collect(),
        })
    }
}

/// The `percent` percentile of ascending `sorted` values, interpolating linearly between the order
/// statistics at rank `percent / 100 * (n - 1)`.
fn percentile(sorted: &[f64], percent: f64) -> f64 {
    let rank = percent / 100.0 * (sorted.len() - 1) as f64;
    let below = rank.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let weight = rank - below as f64;
    sorted[below] + weight * (sorted[above] - sorted[below])
}

/// Writes grouped box plots to `path`, as PNG or SVG according to the extension.
///
/// `values[g][m]` are the values (e.g. one per basin) of member `members[m]` in group `groups[g]`.
/// `x_label` describes the groups and `y_label` the values, with units.
///
/// Fails when `groups` or `members` is empty, when `values` does not have one entry per group and
/// one list per member in each, when no value at all is finite, when the extension is neither
/// `.png` nor `.svg`, or when the file cannot be written.
pub fn boxplot(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    groups: &[String],
    members: &[String],
    values: &[Vec<Vec<f64>>],
) -> Result<(), PlotError> {
    for (list, what) in [
        (groups, "the list of groups"),
        (members, "the list of members"),
    ] {
        if list.is_empty() {
            return Err(PlotError::EmptyInput {
                path: path.to_path_buf(),
                what: what.to_string(),
            });
        }
    }
    if values.len() != groups.len() {
        return Err(PlotError::CountMismatch {
            path: path.to_path_buf(),
            what: "the values (one list per group)".to_string(),
            expected: groups.len(),
            found: values.len(),
        });
    }
    let mut boxes = Vec::new();
    for (g, (group, per_member)) in groups.iter().zip(values).enumerate() {
        if per_member.len() != members.len() {
            return Err(PlotError::CountMismatch {
                path: path.to_path_buf(),
                what: format!("the values of group \"{group}\" (one list per member)"),
                expected: members.len(),
                found: per_member.len(),
            });
        }
        for (m, member_values) in per_member.iter().enumerate() {
            if let Some(statistics) = BoxStatistics::of(member_values) {
                boxes.push(PlacedBox {
                    centre: g as f64 - GROUP_WIDTH / 2.0
                        + (m as f64 + 0.5) * GROUP_WIDTH / members.len() as f64,
                    member: m,
                    statistics,
                });
            }
        }
    }
    let y_range = padded_range(
        boxes.iter().flat_map(|b| {
            let s = &b.statistics;
            [s.lower_whisker, s.upper_whisker]
                .into_iter()
                .chain(s.outliers.iter().copied())
        }),
        0.05,
    )
    .ok_or_else(|| PlotError::NoFiniteValues {
        path: path.to_path_buf(),
        what: "the values".to_string(),
    })?;
    let figure = BoxPlot {
        title,
        x_label,
        y_label,
        groups,
        members,
        y_range,
        half_width: BOX_WIDTH * GROUP_WIDTH / members.len() as f64 / 2.0,
        boxes,
    };
    render(path, SIZE, &figure)
}

/// One box at its position on the x axis.
struct PlacedBox {
    centre: f64,
    member: usize,
    statistics: BoxStatistics,
}

/// Box plots ready to draw.
struct BoxPlot<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    groups: &'a [String],
    members: &'a [String],
    y_range: (f64, f64),
    half_width: f64,
    boxes: Vec<PlacedBox>,
}

impl Figure for BoxPlot<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let series: Vec<&str> = self.members.iter().map(String::as_str).collect();
        let y = ValueAxis {
            label: self.y_label,
            range: self.y_range,
            ticks: 8,
        };
        with_category_chart(
            area,
            self.title,
            &series,
            (self.groups, self.x_label),
            y,
            |chart| {
                let separators = (1..self.groups.len()).map(|g| {
                    let x = g as f64 - 0.5;
                    PathElement::new(vec![(x, self.y_range.0), (x, self.y_range.1)], GRID)
                });
                chart.draw_series(separators)?;

                let w = self.half_width;
                for placed in &self.boxes {
                    let colour = series_colour(placed.member);
                    let s = &placed.statistics;
                    let x = placed.centre;
                    let edge = colour.stroke_width(2);
                    let whiskers = [
                        vec![(x, s.upper_quartile), (x, s.upper_whisker)],
                        vec![(x, s.lower_quartile), (x, s.lower_whisker)],
                        vec![
                            (x - w / 2.0, s.upper_whisker),
                            (x + w / 2.0, s.upper_whisker),
                        ],
                        vec![
                            (x - w / 2.0, s.lower_whisker),
                            (x + w / 2.0, s.lower_whisker),
                        ],
                    ];
                    chart.draw_series(whiskers.into_iter().map(|p| PathElement::new(p, edge)))?;
                    chart.draw_series([
                        Rectangle::new(
                            [(x - w, s.lower_quartile), (x + w, s.upper_quartile)],
                            colour.mix(0.35).filled(),
                        ),
                        Rectangle::new(
                            [(x - w, s.lower_quartile), (x + w, s.upper_quartile)],
                            edge,
                        ),
                    ])?;
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - w, s.median), (x + w, s.median)],
                        BLACK.stroke_width(3),
                    )))?;
                    chart.draw_series(
                        s.outliers
                            .iter()
                            .map(|&v| Circle::new((x, v), 3, colour.stroke_width(1))),
                    )?;
                }
                Ok(())
            },
        )
    }
}
