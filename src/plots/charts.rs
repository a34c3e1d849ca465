//! The two chart layouts most figures share: numbers against numbers (CDFs, curves, scatter
//! plots) and values over named categories (bars, box plots), each with its title, margins,
//! label areas and grid.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    category_axis, category_label_area, category_name, draw_legend_row, draw_vertical_names,
    names_need_rotation, number_label, series_colour, CategoryAxis, AXIS_DESC_SIZE, FONT, GRID,
    LEGEND_ROW_HEIGHT, MARGIN, TICK_SIZE, TITLE_SIZE,
};

/// A value axis: its description, its range and about how many ticks it shows.
pub(crate) struct ValueAxis<'a> {
    /// The axis description.
    pub label: &'a str,
    /// Lowest and highest value shown.
    pub range: (f64, f64),
    /// About how many tick labels.
    pub ticks: usize,
}

/// A chart of numbers against numbers.
pub(crate) type XyChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Clears `area` and draws the title, both axes and the grid of a chart of `x` against `y`.
pub(crate) fn xy_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    x: ValueAxis,
    y: ValueAxis,
) -> Result<XyChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, TITLE_SIZE))
        .margin(MARGIN)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(x.range.0..x.range.1, y.range.0..y.range.1)?;
    chart
        .configure_mesh()
        .x_desc(x.label)
        .y_desc(y.label)
        .x_label_formatter(&number_label)
        .y_label_formatter(&number_label)
        .x_labels(x.ticks)
        .y_labels(y.ticks)
        .axis_desc_style((FONT, AXIS_DESC_SIZE))
        .label_style((FONT, TICK_SIZE))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    Ok(chart)
}

/// A chart of values over named categories.
pub(crate) type CategoryChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<CategoryAxis, RangedCoordf64>>;

/// Clears `area` and draws the title, a legend row naming `series` (when
/// there are several), the category axis of `categories` (names written vertically when they
/// would collide), the value axis `y` and its grid; then `draw` adds the data.
pub(crate) fn with_category_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    series: &[&str],
    (categories, x_label): (&[String], &str),
    y: ValueAxis,
    draw: impl FnOnce(&mut CategoryChart<'_, DB>) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let rotated = names_need_rotation(categories, area.dim_in_pixel().0.saturating_sub(120));
    let body = area.titled(title, (FONT, TITLE_SIZE))?;
    let plot = if series.len() > 1 {
        let (legend, plot) = body.split_vertically(LEGEND_ROW_HEIGHT);
        let entries: Vec<(&str, RGBColor)> = (series.iter().enumerate())
            .map(|(s, name)| (*name, series_colour(s)))
            .collect();
        draw_legend_row(&legend, &entries)?;
        plot
    } else {
        body
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin(MARGIN)
        .x_label_area_size(category_label_area(categories, rotated))
        .y_label_area_size(75)
        .build_cartesian_2d(category_axis(categories.len()), y.range.0..y.range.1)?;
    // Vertical names are written separately, below the axis.
    let category = |x: &f64| {
        if rotated {
            String::new()
        } else {
            category_name(categories, *x)
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(x_label)
        .y_desc(y.label)
        .x_label_formatter(&category)
        .label_style((FONT, TICK_SIZE))
        .y_label_formatter(&number_label)
        .y_labels(y.ticks)
        .axis_desc_style((FONT, AXIS_DESC_SIZE))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    if rotated {
        let pixels = chart.plotting_area().get_pixel_range();
        draw_vertical_names(&plot, pixels, categories)?;
    }
    draw(&mut chart)
}
