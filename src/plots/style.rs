//! Shared look of the figures: font sizes, series colours, the viridis colour map, colour bars,
//! padded axis ranges, category axes and legends.
//!
//! Series colours are the Okabe-Ito palette, distinguishable with colour-vision deficiency; value
//! colours follow viridis, which is perceptually uniform and readable in grey scale.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Font family of all texts.
pub(crate) const FONT: &str = "sans-serif";
/// Font size of figure titles.
pub(crate) const TITLE_SIZE: u32 = 26;
/// Font size of axis descriptions.
pub(crate) const AXIS_DESC_SIZE: u32 = 20;
/// Font size of tick labels.
pub(crate) const TICK_SIZE: u32 = 16;
/// Font size of legend entries.
pub(crate) const LEGEND_SIZE: u32 = 18;
/// Outer margin of every chart in pixels.
pub(crate) const MARGIN: u32 = 15;
/// Colour of the grid lines at tick positions.
pub(crate) const GRID: RGBAColor = RGBAColor(0, 0, 0, 0.12);

/// Okabe-Ito colours in the order series receive them; yellow, weak on white, comes last.
const SERIES_COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// Colour of the series at `index`; the palette repeats after eight series.
pub(crate) fn series_colour(index: usize) -> RGBColor {
    SERIES_COLOURS[index % SERIES_COLOURS.len()]
}

/// Viridis sampled at 0, 1/8, ..., 1 (matplotlib's `viridis`), interpolated linearly in between.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (72, 40, 120),
    (62, 73, 137),
    (49, 104, 142),
    (38, 130, 142),
    (31, 158, 137),
    (53, 183, 121),
    (110, 206, 88),
    (253, 231, 37),
];

/// Viridis colour of `fraction` in [0, 1] (clamped): dark purple at 0, yellow at 1.
pub(crate) fn viridis(fraction: f64) -> RGBColor {
    let position = fraction.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let lower = (position.floor() as usize).min(VIRIDIS.len() - 2);
    let weight = position - lower as f64;
    let mix = |a: u8, b: u8| (a as f64 + weight * (b as f64 - a as f64)).round() as u8;
    let (a, b) = (VIRIDIS[lower], VIRIDIS[lower + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A range of values mapped onto the viridis colour map.
#[derive(Clone, Copy)]
pub(crate) struct ColourScale {
    /// Value drawn dark purple.
    pub low: f64,
    /// Value drawn yellow.
    pub high: f64,
}

impl ColourScale {
    /// The scale from the lowest to the highest finite value, widened by one unit each side when
    /// all values are equal; `None` when no value is finite.
    pub(crate) fn spanning(values: impl Iterator<Item = f64>) -> Option<Self> {
        let (low, high) = finite_extent(values)?;
        Some(if high > low {
            ColourScale { low, high }
        } else {
            ColourScale {
                low: low - 1.0,
                high: high + 1.0,
            }
        })
    }

    /// Colour of `value`; values outside the scale take the colour of the nearer end.
    pub(crate) fn colour(&self, value: f64) -> RGBColor {
        viridis((value - self.low) / (self.high - self.low))
    }
}

/// Lowest and highest finite value; `None` when no value is finite.
pub(crate) fn finite_extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |range: Option<(f64, f64)>, v| {
            Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })
}

/// The finite extent of `values` widened by `fraction` of its width on each side (by one unit when
/// the width is zero); `None` when no value is finite.
pub(crate) fn padded_range(values: impl Iterator<Item = f64>, fraction: f64) -> Option<(f64, f64)> {
    let (low, high) = finite_extent(values)?;
    Some(pad(low, high, fraction))
}

/// `low..high` widened by `fraction` of its width on each side, or by one unit when empty.
pub(crate) fn pad(low: f64, high: f64, fraction: f64) -> (f64, f64) {
    if high > low {
        let margin = fraction * (high - low);
        (low - margin, high + margin)
    } else {
        (low - 1.0, high + 1.0)
    }
}

/// Width in pixels of the colour bar strip at the right of a figure, labels included.
pub(crate) const COLOUR_BAR_WIDTH: u32 = 150;
/// Number of bands the colour bar gradient is drawn with.
const COLOUR_BAR_STEPS: usize = 128;

/// Draws a vertical colour bar for `scale` on `area`, with tick labels and the description `label`
/// on its right; `top` and `bottom` are the heights left free so that the bar lines up with the
/// plotting area of the neighbouring chart.
pub(crate) fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scale: ColourScale,
    label: &str,
    top: u32,
    bottom: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let mut bar = ChartBuilder::on(area)
        .margin_top(top)
        .margin_bottom(bottom)
        .margin_left(10)
        .margin_right(MARGIN)
        .right_y_label_area_size(COLOUR_BAR_WIDTH - 50)
        .build_cartesian_2d(0.0..1.0, scale.low..scale.high)?;
    let step = (scale.high - scale.low) / COLOUR_BAR_STEPS as f64;
    bar.draw_series((0..COLOUR_BAR_STEPS).map(|i| {
        let from = scale.low + i as f64 * step;
        let colour = scale.colour(from + 0.5 * step);
        Rectangle::new([(0.0, from), (1.0, from + step)], colour.filled())
    }))?;
    bar.draw_series(std::iter::once(Rectangle::new(
        [(0.0, scale.low), (1.0, scale.high)],
        BLACK.mix(0.6),
    )))?;
    bar.configure_mesh()
        .disable_mesh()
        .set_tick_mark_size(LabelAreaPosition::Right, 6)
        .y_label_formatter(&number_label)
        .disable_x_axis()
        .x_labels(0)
        .y_labels(6)
        .y_desc(label)
        .axis_desc_style((FONT, AXIS_DESC_SIZE))
        .label_style((FONT, TICK_SIZE))
        .draw()?;
    Ok(())
}

/// Axis of `count` categories drawn at positions `0, 1, ..., count - 1`, with half a unit of room
/// on each side and one tick per category.
pub(crate) struct CategoryAxis {
    count: usize,
}

/// The category axis for `count` categories.
pub(crate) fn category_axis(count: usize) -> CategoryAxis {
    CategoryAxis { count }
}

impl Ranged for CategoryAxis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = (value + 0.5) / self.count as f64;
        limit.0 + (fraction * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            (0..self.count).map(|i| i as f64).collect()
        }
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.count as f64 - 0.5
    }
}

/// Name of the category at axis position `position`, empty between categories.
pub(crate) fn category_name(names: &[String], position: f64) -> String {
    let index = position.round();
    if (position - index).abs() > 1e-6 || index < 0.0 {
        return String::new();
    }
    names.get(index as usize).cloned().unwrap_or_default()
}

/// Whether category names would collide written horizontally across `width` pixels, in which case
/// they are written vertically.
pub(crate) fn names_need_rotation(names: &[String], width: u32) -> bool {
    // Tick labels average about 0.55 em per character.
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let label_width = 0.55 * TICK_SIZE as f64 * longest as f64 + 10.0;
    label_width * names.len() as f64 > width as f64
}

/// Height of the label area below a category axis: room for the names, vertical if rotated.
pub(crate) fn category_label_area(names: &[String], rotated: bool) -> u32 {
    if rotated {
        let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        (0.55 * TICK_SIZE as f64 * longest as f64) as u32 + 50
    } else {
        55
    }
}

/// Writes `names` vertically below the plotting area spanning `plot_pixels` (backend pixels, as
/// from `DrawingArea::get_pixel_range`), one under each category position, reading downwards from
/// just below the axis; `area` is the drawing area the chart was built on.
pub(crate) fn draw_vertical_names<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot_pixels: (Range<i32>, Range<i32>),
    names: &[String],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (base_x, base_y) = area.get_base_pixel();
    let (x_pixels, y_pixels) = plot_pixels;
    let style = TextStyle::from((FONT, TICK_SIZE))
        .transform(FontTransform::Rotate90)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let width = (x_pixels.end - x_pixels.start) as f64;
    for (index, name) in names.iter().enumerate() {
        let fraction = (index as f64 + 0.5) / names.len() as f64;
        let x = x_pixels.start + (fraction * width).round() as i32 - base_x;
        let y = y_pixels.end - base_y + 8;
        area.draw(&Text::new(name.clone(), (x, y), style.clone()))?;
    }
    Ok(())
}

/// Adds a legend entry `label` drawn as a filled square of `colour`.
pub(crate) fn swatch_legend<DB: DrawingBackend, CT: CoordTranslate>(
    chart: &mut ChartContext<'_, DB, CT>,
    label: &str,
    colour: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    CT::From: Clone + 'static,
{
    chart
        .draw_series(std::iter::empty::<Circle<CT::From, i32>>())?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 14, y + 7)], colour.filled()));
    Ok(())
}

/// Draws the legend of the labelled series at `position`.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FONT, LEGEND_SIZE))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()
}

/// The legend corner with the fewest of `points` near it, in the order upper right, upper left,
/// lower right, lower left on ties; "near" is within 40 % of the width and 35 % of the height of
/// the `x_range` by `y_range` plotting area.
pub(crate) fn emptiest_corner(
    points: impl Iterator<Item = (f64, f64)>,
    x_range: (f64, f64),
    y_range: (f64, f64),
) -> SeriesLabelPosition {
    let mut counts = [0usize; 4];
    for (x, y) in points {
        let fx = (x - x_range.0) / (x_range.1 - x_range.0);
        let fy = (y - y_range.0) / (y_range.1 - y_range.0);
        let (right, left, upper, lower) = (fx > 0.6, fx < 0.4, fy > 0.65, fy < 0.35);
        for (count, near) in
            counts
                .iter_mut()
                .zip([upper && right, upper && left, lower && right, lower && left])
        {
            *count += usize::from(near);
        }
    }
    let corners = [
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::LowerRight,
        SeriesLabelPosition::LowerLeft,
    ];
    let best = (0..4).min_by_key(|&i| counts[i]).unwrap_or(0);
    corners[best].clone()
}

/// Tick label of a number: at most three decimals without trailing zeros ("0.25", "2", "-0.1"),
/// zero without sign, and scientific notation for magnitudes below 0.001 or from a million.
pub(crate) fn number_label(value: &f64) -> String {
    let magnitude = value.abs();
    if magnitude < 1e-9 {
        return "0".to_string();
    }
    if !(1e-3..1e6).contains(&magnitude) {
        return format!("{value:.1e}");
    }
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Height in pixels of the legend row drawn between a title and its chart.
pub(crate) const LEGEND_ROW_HEIGHT: u32 = 30;

/// Draws a centred row of legend entries, a square of each colour followed by its name, on `area`
/// (typically a strip of [`LEGEND_ROW_HEIGHT`] pixels above the chart, where it hides no data).
pub(crate) fn draw_legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    const SWATCH: i32 = 14;
    const GAP: i32 = 8;
    const SPACING: i32 = 30;
    let font = TextStyle::from((FONT, LEGEND_SIZE));
    let widths = entries
        .iter()
        .map(|(name, _)| area.estimate_text_size(name, &font).map(|(w, _)| w as i32))
        .collect::<Result<Vec<i32>, _>>()?;
    let total: i32 = widths
        .iter()
        .map(|w| SWATCH + GAP + w + SPACING)
        .sum::<i32>()
        - SPACING;
    let (width, height) = area.dim_in_pixel();
    let mut x = ((width as i32 - total) / 2).max(0);
    let y = height as i32 / 2;
    let text_style = font.pos(Pos::new(HPos::Left, VPos::Center));
    for ((name, colour), text_width) in entries.iter().zip(widths) {
        area.draw(&Rectangle::new(
            [(x, y - SWATCH / 2), (x + SWATCH, y + SWATCH / 2)],
            colour.filled(),
        ))?;
        area.draw(&Text::new(
            name.to_string(),
            (x + SWATCH + GAP, y),
            text_style.clone(),
        ))?;
        x += SWATCH + GAP + text_width + SPACING;
    }
    Ok(())
}
