//! Heat map of a matrix of values, e.g. input-gate activations of the cells (columns) in each basin
//! (rows), coloured by viridis with a colour bar.
//!
//! Rows run top to bottom in the given order, columns left to right. Missing values (NaN) are drawn
//! light grey. Row and column names label the axes; when there are too many to read, only every
//! k-th is written. The colour bar spans the lowest to the highest finite value. The figure is
//! 1200 x 700 pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    category_axis, category_label_area, category_name, draw_colour_bar, draw_vertical_names,
    names_need_rotation, ColourScale, AXIS_DESC_SIZE, COLOUR_BAR_WIDTH, FONT, MARGIN, TICK_SIZE,
    TITLE_SIZE,
};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1200, 700);
/// Most names written along the x axis.
const MAX_COLUMN_NAMES: usize = 30;
/// Most names written along the y axis.
const MAX_ROW_NAMES: usize = 20;
/// Colour of cells without a value.
const MISSING_COLOUR: RGBColor = RGBColor(220, 220, 220);

/// The names along one axis of a heat map and the description of that axis.
#[derive(Debug, Clone, Copy)]
pub struct Categories<'a> {
    /// Description of the axis, e.g. "Basin (USGS gauge ID)".
    pub label: &'a str,
    /// One name per row or column.
    pub names: &'a [String],
}

/// Writes a heat map of `values[row][column]` to `path`, as PNG or SVG according to the extension.
///
/// `rows` and `columns` give the names and descriptions of both axes (rows on the y axis, top to
/// bottom; columns on the x axis); `value_label` describes the colour bar, with unit.
///
/// Fails when there are no rows or no columns, when `values` does not have one row of one value
/// per column for each row name, when no value is finite, when the extension is neither `.png` nor
/// `.svg`, or when the file cannot be written.
pub fn heatmap(
    path: &Path,
    title: &str,
    rows: Categories<'_>,
    columns: Categories<'_>,
    values: &[Vec<f64>],
    value_label: &str,
) -> Result<(), PlotError> {
    for (axis, what) in [
        (rows, "the list of row names"),
        (columns, "the list of column names"),
    ] {
        if axis.names.is_empty() {
            return Err(PlotError::EmptyInput {
                path: path.to_path_buf(),
                what: what.to_string(),
            });
        }
    }
    if values.len() != rows.names.len() {
        return Err(PlotError::CountMismatch {
            path: path.to_path_buf(),
            what: "the values (one list per row)".to_string(),
            expected: rows.names.len(),
            found: values.len(),
        });
    }
    if let Some((name, row)) = rows
        .names
        .iter()
        .zip(values)
        .find(|(_, row)| row.len() != columns.names.len())
    {
        return Err(PlotError::CountMismatch {
            path: path.to_path_buf(),
            what: format!("row \"{name}\""),
            expected: columns.names.len(),
            found: row.len(),
        });
    }
    let scale = ColourScale::spanning(values.iter().flatten().copied()).ok_or_else(|| {
        PlotError::NoFiniteValues {
            path: path.to_path_buf(),
            what: "the matrix".to_string(),
        }
    })?;
    let figure = HeatMap {
        title,
        rows,
        columns,
        values,
        value_label,
        scale,
    };
    render(path, SIZE, &figure)
}

/// Names at every `step`-th position, the others blank, so that at most `most` remain.
fn thinned(names: &[String], most: usize) -> Vec<String> {
    let step = names.len().div_ceil(most);
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if i % step == 0 {
                n.clone()
            } else {
                String::new()
            }
        })
        .collect()
}

/// A validated heat map ready to draw.
struct HeatMap<'a> {
    title: &'a str,
    rows: Categories<'a>,
    columns: Categories<'a>,
    values: &'a [Vec<f64>],
    value_label: &'a str,
    scale: ColourScale,
}

impl Figure for HeatMap<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.fill(&WHITE)?;
        let body = area.titled(self.title, (FONT, TITLE_SIZE))?;
        let (width, _) = body.dim_in_pixel();
        let (main, bar) = body.split_horizontally(width - COLOUR_BAR_WIDTH);
        let row_names = thinned(self.rows.names, MAX_ROW_NAMES);
        let column_names = thinned(self.columns.names, MAX_COLUMN_NAMES);
        let rotated = names_need_rotation(&column_names, width - COLOUR_BAR_WIDTH - 200);
        let x_area = category_label_area(&column_names, rotated);
        let longest_row = row_names.iter().map(|n| n.chars().count()).max();
        let y_area = (0.55 * TICK_SIZE as f64 * longest_row.unwrap_or(0) as f64) as u32 + 50;
        let n_rows = self.rows.names.len();
        let mut chart = ChartBuilder::on(&main)
            .margin(MARGIN)
            .margin_right(5)
            .x_label_area_size(x_area)
            .y_label_area_size(y_area)
            .build_cartesian_2d(
                category_axis(self.columns.names.len()),
                category_axis(n_rows),
            )?;
        // Row `r` is drawn at height `n_rows - 1 - r`, so the first row is on top.
        // Vertical names are written separately, below the axis.
        let column_name = |x: &f64| {
            if rotated {
                String::new()
            } else {
                category_name(&column_names, *x)
            }
        };
        let row_name = |y: &f64| category_name(&row_names, (n_rows - 1) as f64 - *y);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.columns.label)
            .y_desc(self.rows.label)
            .x_label_formatter(&column_name)
            .y_label_formatter(&row_name)
            .label_style((FONT, TICK_SIZE))
            .axis_desc_style((FONT, AXIS_DESC_SIZE))
            .draw()?;
        if rotated {
            let pixels = chart.plotting_area().get_pixel_range();
            draw_vertical_names(&main, pixels, &column_names)?;
        }
        chart.draw_series(self.values.iter().enumerate().flat_map(|(r, row)| {
            let y = (n_rows - 1 - r) as f64;
            row.iter().enumerate().map(move |(c, &value)| {
                let colour = if value.is_finite() {
                    self.scale.colour(value)
                } else {
                    MISSING_COLOUR
                };
                let x = c as f64;
                Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], colour.filled())
            })
        }))?;
        draw_colour_bar(&bar, self.scale, self.value_label, MARGIN, MARGIN + x_area)
    }
}
