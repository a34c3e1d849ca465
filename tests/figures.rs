//! Figures of the papers: every figure drawn to PNG and SVG, its texts, pixel size and geometry
//! checked, and rejected inputs.

mod common;

use common::scratch;

use std::path::Path;

use chrono::{Days, NaiveDate};
use hydro::plots::{
    bars, basin_map, boxplot, cdf, curves, heatmap, hydrograph_band, hydrograph_ensemble, scatter,
    Band, BoxStatistics, Categories, EnsembleBand, PlotError,
};

/// Width and height from the IHDR chunk of a PNG file (bytes 16..24, big-endian).
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{path:?} is not a PNG"
    );
    assert_eq!(&bytes[12..16], b"IHDR");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

/// Draws a figure as PNG and SVG into `dir` under `name`, checks the PNG pixel size and the SVG
/// size, and returns the SVG text.
fn draw_both(
    dir: &Path,
    name: &str,
    size: (u32, u32),
    draw: impl Fn(&Path) -> Result<(), PlotError>,
) -> String {
    let png = dir.join(format!("{name}.png"));
    let svg = dir.join(format!("{name}.svg"));
    draw(&png).unwrap();
    draw(&svg).unwrap();
    assert_eq!(png_size(&png), size, "pixel size of {png:?}");
    let text = std::fs::read_to_string(&svg).unwrap();
    let header = format!("width=\"{}\" height=\"{}\"", size.0, size.1);
    assert!(text.contains(&header), "{svg:?} lacks {header}");
    text
}

/// Asserts that the SVG writes each of `texts` as a text element of its own.
fn assert_texts(svg: &str, texts: &[&str]) {
    for text in texts {
        assert!(
            svg.contains(&format!("\n{text}\n")),
            "SVG lacks text {text:?}"
        );
    }
}

/// Values of attribute `name` of every SVG element `element` whose attributes include `filter`.
fn attribute_values(svg: &str, element: &str, filter: &str, name: &str) -> Vec<f64> {
    svg.split(&format!("<{element} "))
        .skip(1)
        .filter_map(|rest| {
            let tag = format!(" {}", &rest[..rest.find('>').unwrap()]);
            if !tag.contains(filter) {
                return None;
            }
            let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            let value = &tag[start..];
            value[..value.find('"').unwrap()].parse().ok()
        })
        .collect()
}

/// The points of the first SVG polyline drawn with `stroke`.
fn polyline(svg: &str, stroke: &str) -> Vec<(f64, f64)> {
    let line = svg
        .split("<polyline ")
        .skip(1)
        .find(|rest| rest.contains(&format!("stroke=\"{stroke}\"")))
        .expect("polyline of that colour");
    let start = line.find("points=\"").unwrap() + 8;
    let points = &line[start..];
    points[..points.find('"').unwrap()]
        .split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// NSE of two models over 40 synthetic basins (a deterministic spread with some poor basins).
fn nse_series() -> Vec<(String, Vec<f64>)> {
    let nse = |shift: f64, i: usize| {
        let u = (i as f64 + 0.5) / 40.0;
        1.0 - shift - 0.6 * (1.0 - u).powi(3) - if i < 3 { 2.0 } else { 0.0 }
    };
    vec![
        (
            "EA-LSTM".to_string(),
            (0..40).map(|i| nse(0.0, i)).collect(),
        ),
        ("LSTM".to_string(), (0..40).map(|i| nse(0.08, i)).collect()),
        ("mHM".to_string(), (0..40).map(|i| nse(0.2, i)).collect()),
    ]
}

#[test]
fn cdf_draws_clipped_step_curves_with_legend() {
    let dir = scratch("cdf");
    let series = nse_series();
    let svg = draw_both(&dir, "cdf", (1000, 700), |path| {
        cdf(path, "NSE over 40 basins", "NSE (-)", &series, Some(0.0))
    });
    assert_texts(
        &svg,
        &[
            "NSE over 40 basins",
            "NSE (-)",
            "Cumulative fraction of basins",
            "EA-LSTM",
            "LSTM",
            "mHM",
        ],
    );

    // One series of four finite values, one of them (-2) below the axis start 0: the curve starts
    // at (0, 0), rises at the left edge to 1/4, then steps at 0.5, 0.7, 0.9 and ends at (0.9, 1).
    let single = vec![("model".to_string(), vec![0.5, f64::NAN, 0.9, -2.0, 0.7])];
    let path = dir.join("single.svg");
    cdf(&path, "One model", "NSE (-)", &single, Some(0.0)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("\nmodel\n"), "a single series has no legend");
    let points = polyline(&text, "#0072B2");
    assert_eq!(points.len(), 2 * 4 + 2);
    let (left, bottom) = points[0];
    let (right, top) = points[points.len() - 1];
    assert_eq!(
        points[2].0, left,
        "the clipped value is drawn at the axis start"
    );
    let level = |y: f64| (bottom - y) / (bottom - top);
    assert!((level(points[2].1) - 0.25).abs() < 0.01, "{points:?}");
    let x_of = |x: f64| left + x / 0.9 * (right - left);
    // Steps at 0.5 (points 3, 4) and 0.7 (points 5, 6), within a pixel of rounding.
    for (index, value) in [(3, 0.5), (4, 0.5), (5, 0.7), (6, 0.7)] {
        assert!((points[index].0 - x_of(value)).abs() <= 1.0, "{points:?}");
    }
    assert!((level(points[4].1) - 0.5).abs() < 0.01);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cdf_rejects_empty_and_missing_series() {
    let dir = scratch("cdf-errors");
    let path = dir.join("cdf.svg");
    let err = cdf(&path, "t", "NSE (-)", &[], None).unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
    let missing = vec![("LSTM".to_string(), vec![f64::NAN, f64::NAN])];
    let err = cdf(&path, "t", "NSE (-)", &missing, None).unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteValues { .. }), "{err:?}");
    assert!(err.to_string().contains("LSTM") && err.to_string().contains("cdf.svg"));
    let err = cdf(&path, "t", "NSE (-)", &nse_series(), Some(f64::NAN)).unwrap_err();
    assert!(matches!(err, PlotError::InvalidValue { .. }), "{err:?}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn box_statistics_match_numpy_percentiles_and_tukey_whiskers() {
    // numpy: v = [0.31, -0.52, 0.77, 0.64, 0.12, 0.95, 0.58, -3.1, 0.83, 0.70, 0.44];
    // np.percentile(v, [25, 50, 75]) = [0.215, 0.58, 0.735]; fences q1 -/+ 1.5 IQR = -0.565, 1.515,
    // so -0.52 (just inside) is the lower whisker, 0.95 the upper, and -3.1 the only outlier.
    let values = [
        0.31,
        -0.52,
        0.77,
        f64::NAN,
        0.64,
        0.12,
        0.95,
        0.58,
        -3.1,
        0.83,
        0.70,
        0.44,
    ];
    let s = BoxStatistics::of(&values).unwrap();
    assert_eq!(s.count, 11);
    for (got, expected) in [
        (s.lower_quartile, 0.215),
        (s.median, 0.58),
        (s.upper_quartile, 0.735),
        (s.lower_whisker, -0.52),
        (s.upper_whisker, 0.95),
    ] {
        assert!((got - expected).abs() < 1e-12, "{s:?}");
    }
    assert_eq!(s.outliers, vec![-3.1]);
    // numpy: np.percentile([1, 2, ..., 9, 40], [25, 50, 75]) = [3.25, 5.5, 7.75].
    let mut ten: Vec<f64> = (1..=9).map(f64::from).collect();
    ten.push(40.0);
    let s = BoxStatistics::of(&ten).unwrap();
    assert_eq!(
        (s.lower_quartile, s.median, s.upper_quartile),
        (3.25, 5.5, 7.75)
    );
    assert_eq!((s.upper_whisker, s.outliers.clone()), (9.0, vec![40.0]));
    assert_eq!(BoxStatistics::of(&[f64::NAN]), None);
}

#[test]
fn boxplot_draws_one_box_per_group_and_member() {
    let dir = scratch("boxplot");
    let groups = names(&["3 years", "6 years", "9 years", "15 years"]);
    let members = names(&["LSTM", "MC-LSTM", "EXP-HYDRO"]);
    let values: Vec<Vec<Vec<f64>>> = (0..4)
        .map(|g| {
            (0..3)
                .map(|m| {
                    (0..30)
                        .map(|b| {
                            let spread = ((b * 7 + m * 3) % 30) as f64 / 30.0;
                            0.45 + 0.05 * g as f64 - 0.1 * m as f64 + 0.4 * spread
                                - if b == 0 { 1.2 } else { 0.0 }
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let svg = draw_both(&dir, "boxplot", (1200, 650), |path| {
        boxplot(
            path,
            "KGE by training data size",
            "Training period",
            "KGE (-)",
            &groups,
            &members,
            &values,
        )
    });
    assert_texts(
        &svg,
        &[
            "KGE by training data size",
            "Training period",
            "KGE (-)",
            "3 years",
            "15 years",
            "LSTM",
            "MC-LSTM",
            "EXP-HYDRO",
        ],
    );
    // Twelve boxes, each a filled rectangle and its outline; medians are 3 px black lines.
    let medians = svg.matches("stroke=\"#000000\" stroke-width=\"3\"").count();
    assert_eq!(medians, 12);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn boxplot_rejects_mismatched_shapes() {
    let dir = scratch("boxplot-errors");
    let path = dir.join("box.png");
    let groups = names(&["a", "b"]);
    let members = names(&["LSTM"]);
    let err = boxplot(&path, "t", "x", "y", &groups, &members, &[vec![vec![1.0]]]).unwrap_err();
    assert!(
        matches!(
            err,
            PlotError::CountMismatch {
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let ragged = vec![vec![vec![1.0]], vec![vec![1.0], vec![2.0]]];
    let err = boxplot(&path, "t", "x", "y", &groups, &members, &ragged).unwrap_err();
    assert!(err.to_string().contains("group \"b\""), "{err}");
    let missing = vec![vec![vec![f64::NAN]], vec![vec![]]];
    let err = boxplot(&path, "t", "x", "y", &groups, &members, &missing).unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteValues { .. }), "{err:?}");
    let err = boxplot(&path, "t", "x", "y", &[], &members, &[]).unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn heatmap_colours_cells_by_viridis_and_labels_the_colour_bar() {
    let dir = scratch("heatmap");
    let rows = names(&["01013500", "01022500", "01030500"]);
    let columns: Vec<String> = (1..=4).map(|c| format!("cell {c}")).collect();
    // Values from 0 to 1: the lowest is the first viridis colour, the highest the last, 0.5 the
    // middle one (matplotlib viridis(0.0), viridis(0.5), viridis(1.0) = #440154, #26828E, #FDE725).
    let values = vec![
        vec![0.0, 0.25, 0.5, 0.75],
        vec![1.0, f64::NAN, 0.5, 0.5],
        vec![0.1, 0.2, 0.3, 0.4],
    ];
    let svg = draw_both(&dir, "heatmap", (1200, 700), |path| {
        heatmap(
            path,
            "Input gate activations",
            Categories {
                label: "Basin (USGS gauge ID)",
                names: &rows,
            },
            Categories {
                label: "Input gate cell",
                names: &columns,
            },
            &values,
            "Mean activation (-)",
        )
    });
    assert_texts(
        &svg,
        &[
            "Input gate activations",
            "Basin (USGS gauge ID)",
            "Input gate cell",
            "Mean activation (-)",
            "01013500",
            "cell 4",
        ],
    );
    let cells = |fill: &str| {
        attribute_values(&svg, "rect", &format!("fill=\"{fill}\""), "width")
            .iter()
            .filter(|&&w| w > 50.0)
            .count()
    };
    assert_eq!(cells("#440154"), 1);
    assert_eq!(cells("#26828E"), 3);
    assert_eq!(cells("#FDE725"), 1);
    assert_eq!(cells("#DCDCDC"), 1, "the missing cell is grey");
    std::fs::remove_dir_all(&dir).unwrap();

    // 531 basins by 64 cells: names are thinned so that they stay readable.
    let dir = scratch("heatmap-large");
    let rows: Vec<String> = (0..531).map(|b| format!("{:08}", 1_000_000 + b)).collect();
    let columns: Vec<String> = (0..64).map(|c| c.to_string()).collect();
    let values: Vec<Vec<f64>> = (0..531)
        .map(|b| (0..64).map(|c| ((b * c) % 17) as f64 / 16.0).collect())
        .collect();
    let rows = Categories {
        label: "Basin",
        names: &rows,
    };
    let columns = Categories {
        label: "Cell",
        names: &columns,
    };
    let png = dir.join("heatmap.png");
    heatmap(
        &png,
        "Input gates",
        rows,
        columns,
        &values,
        "Activation (-)",
    )
    .unwrap();
    assert_eq!(png_size(&png), (1200, 700));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn heatmap_rejects_ragged_rows() {
    let dir = scratch("heatmap-errors");
    let path = dir.join("heatmap.svg");
    let rows = names(&["a", "b"]);
    let columns = names(&["x", "y"]);
    let axis = |names| Categories { label: "l", names };
    let ragged = vec![vec![1.0, 2.0], vec![3.0]];
    let err = heatmap(&path, "t", axis(&rows), axis(&columns), &ragged, "v").unwrap_err();
    assert!(
        matches!(
            err,
            PlotError::CountMismatch {
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("row \"b\""), "{err}");
    let missing = vec![vec![f64::NAN; 2]; 2];
    let err = heatmap(&path, "t", axis(&rows), axis(&columns), &missing, "v").unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteValues { .. }), "{err:?}");
    let err = heatmap(&path, "t", axis(&rows), axis(&[]), &ragged, "v").unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scatter_shares_axes_with_the_identity_line() {
    let dir = scratch("scatter");
    let daily = |bias: f64| -> Vec<(f64, f64)> {
        (0..365)
            .map(|t| {
                let observed = 2.0 + 1.8 * (t as f64 / 58.0).sin();
                (observed, bias * observed + 0.3 * (t as f64 * 1.7).cos())
            })
            .collect()
    };
    let mut single_task = daily(0.9);
    single_task.push((f64::NAN, 1.0));
    let series = vec![
        ("LSTM ST".to_string(), single_task),
        ("LSTM MT".to_string(), daily(1.0)),
    ];
    let svg = draw_both(&dir, "scatter", (800, 800), |path| {
        scatter(
            path,
            "Evaporation, test period",
            "GLEAM (mm/day)",
            "Simulated (mm/day)",
            &series,
            true,
        )
    });
    assert_texts(
        &svg,
        &[
            "Evaporation, test period",
            "GLEAM (mm/day)",
            "Simulated (mm/day)",
            "LSTM ST",
            "LSTM MT",
            "1:1 line",
        ],
    );
    // The 1:1 line runs from the lower left to the upper right corner of the shared range.
    let line = polyline(&svg, "#5A5A5A");
    assert_eq!(line.len(), 2);
    assert!(line[0].0 < line[1].0 && line[0].1 > line[1].1, "{line:?}");
    // 730 points drawn (the one with a missing coordinate is skipped), plus the legend markers.
    assert_eq!(svg.matches("<circle").count(), 730 + 2);
    std::fs::remove_dir_all(&dir).unwrap();

    let path = std::env::temp_dir().join("hydro-figures-never-written.svg");
    let none = vec![("a".to_string(), vec![(f64::NAN, 1.0)])];
    let err = scatter(&path, "t", "x", "y", &none, false).unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteValues { .. }), "{err:?}");
    let err = scatter(&path, "t", "x", "y", &[], true).unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
}

#[test]
fn bars_are_proportional_to_their_values() {
    let dir = scratch("bars");
    let features = names(&["P", "Tmax", "Tmin", "SR", "VP", "DLen"]);
    let series = vec![
        ("LSTM".to_string(), vec![60.0, 10.0, 8.0, 12.0, 6.0, 4.0]),
        (
            "MC-LSTM".to_string(),
            vec![30.0, 20.0, 15.0, f64::NAN, 20.0, 15.0],
        ),
    ];
    let svg = draw_both(&dir, "bars", (1200, 650), |path| {
        bars(
            path,
            "Contributions of the inputs",
            "Input feature",
            "Contribution (%)",
            &features,
            &series,
        )
    });
    assert_texts(
        &svg,
        &[
            "Contributions of the inputs",
            "Input feature",
            "Contribution (%)",
            "P",
            "DLen",
            "LSTM",
            "MC-LSTM",
        ],
    );
    // Bar heights in pixels are proportional to the values (a pixel of rounding each).
    let lstm = attribute_values(&svg, "rect", "fill=\"#0072B2\"", "height");
    let mc = attribute_values(&svg, "rect", "fill=\"#D55E00\"", "height");
    // One 14 px legend swatch each (drawn first, above the chart), then six LSTM bars and five
    // MC-LSTM bars (one value missing).
    assert_eq!((lstm.len(), mc.len()), (7, 6));
    assert_eq!((lstm[0], mc[0]), (14.0, 14.0));
    let per_percent = lstm[1] / 60.0;
    for (height, value) in lstm[1..].iter().zip([60.0, 10.0, 8.0, 12.0, 6.0, 4.0]) {
        assert!((height - value * per_percent).abs() <= 1.5, "{lstm:?}");
    }
    assert!((mc[1] - 30.0 * per_percent).abs() <= 1.5, "{mc:?}");
    std::fs::remove_dir_all(&dir).unwrap();

    // Twenty catchments with eight-digit gauge IDs: the names are written vertically.
    let dir = scratch("bars-many");
    let gauges: Vec<String> = (0..20)
        .map(|i| format!("{}", 14_316_700 + 1_111 * i))
        .collect();
    let shares = |offset: f64| -> Vec<f64> {
        (0..20)
            .map(|i| 20.0 + offset + (i * 7 % 11) as f64 * 4.0)
            .collect()
    };
    let series = vec![
        ("LSTM".to_string(), shares(0.0)),
        ("MC-LSTM".to_string(), shares(10.0)),
    ];
    let svg = draw_both(&dir, "bars", (1200, 650), |path| {
        bars(
            path,
            "Contribution of precipitation",
            "Catchment (USGS gauge ID)",
            "Contribution (%)",
            &gauges,
            &series,
        )
    });
    assert_texts(&svg, &["14316700", "14337809"]);
    assert!(
        svg.contains("rotate(90"),
        "gauge IDs are written vertically"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let path = dir.join("bars.svg");
    let short = vec![("LSTM".to_string(), vec![1.0])];
    let err = bars(&path, "t", "x", "y", &features, &short).unwrap_err();
    assert!(
        matches!(
            err,
            PlotError::CountMismatch {
                expected: 6,
                found: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let err = bars(&path, "t", "x", "y", &[], &short).unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
}

#[test]
fn curves_join_markers_and_break_at_missing_values() {
    let dir = scratch("curves");
    let k: Vec<f64> = (2..=15).map(f64::from).collect();
    let mean: Vec<f64> = k.iter().map(|k| 0.45 - 0.015 * k).collect();
    let mut minimum: Vec<f64> = k.iter().map(|k| 0.1 - 0.02 * k).collect();
    minimum[5] = f64::NAN;
    let series = vec![
        ("mean silhouette".to_string(), k.clone(), mean),
        ("minimum silhouette".to_string(), k.clone(), minimum),
    ];
    let svg = draw_both(&dir, "curves", (1000, 650), |path| {
        curves(
            path,
            "Silhouette of k-means clusters",
            "Number of clusters k (-)",
            "Silhouette score (-)",
            &series,
        )
    });
    assert_texts(
        &svg,
        &[
            "Silhouette of k-means clusters",
            "Number of clusters k (-)",
            "Silhouette score (-)",
            "mean silhouette",
            "minimum silhouette",
        ],
    );
    // The mean is one line; the minimum breaks at its missing value into two; legend samples too.
    let lines = |colour: &str| {
        svg.matches(&format!("stroke=\"{colour}\" stroke-width=\"2\""))
            .count()
    };
    assert_eq!(lines("#0072B2"), 1 + 1);
    assert_eq!(lines("#D55E00"), 2 + 1);
    assert_eq!(svg.matches("<circle").count(), 14 + 13 + 2);
    std::fs::remove_dir_all(&dir).unwrap();

    let path = dir.join("curves.svg");
    let short = vec![("a".to_string(), vec![1.0, 2.0], vec![1.0])];
    let err = curves(&path, "t", "x", "y", &short).unwrap_err();
    assert!(matches!(err, PlotError::CountMismatch { .. }), "{err:?}");
    let bad_x = vec![("a".to_string(), vec![f64::NAN], vec![1.0])];
    let err = curves(&path, "t", "x", "y", &bad_x).unwrap_err();
    assert!(matches!(err, PlotError::InvalidValue { .. }), "{err:?}");
}

#[test]
fn basin_map_keeps_the_shape_of_the_region() {
    let dir = scratch("map");
    // A grid of 30 basins over 30..40 degrees north, 110..90 degrees west, and one missing value.
    let mut points: Vec<(String, f64, f64, f64)> = (0..30)
        .map(|i| {
            let (row, column) = (i / 6, i % 6);
            let latitude = 30.0 + 2.5 * row as f64;
            let longitude = -110.0 + 4.0 * column as f64;
            (
                format!("{i:08}"),
                latitude,
                longitude,
                0.3 + 0.02 * i as f64,
            )
        })
        .collect();
    points[7].3 = f64::NAN;
    let svg = draw_both(&dir, "map", (1200, 700), |path| {
        basin_map(path, "NSE per basin", &points, "NSE (-)")
    });
    assert_texts(
        &svg,
        &[
            "NSE per basin",
            "Longitude (°E)",
            "Latitude (°N)",
            "NSE (-)",
            "-100°",
        ],
    );
    // Filled dots: x pixels per degree of longitude are cos(35°) = 0.819 times the y pixels per
    // degree of latitude (the mean latitude of the padded extent is 35°).
    let filled = |name: &str| attribute_values(&svg, "circle", "fill=\"#", name);
    let (cx, cy) = (filled("cx"), filled("cy"));
    assert_eq!(
        cx.len(),
        29,
        "29 filled dots, the basin without a value a ring"
    );
    let (x0, y0) = (cx[0], cy[0]);
    let x_per_degree = (cx[5] - x0) / 20.0;
    let y_per_degree = (y0 - cy[24]) / 10.0;
    let ratio = x_per_degree / y_per_degree;
    let expected = 35f64.to_radians().cos();
    assert!(
        (ratio - expected).abs() < 0.01,
        "ratio {ratio}, expected {expected}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let path = dir.join("map.svg");
    let far = vec![("x".to_string(), 95.0, 10.0, 1.0)];
    let err = basin_map(&path, "t", &far, "v").unwrap_err();
    assert!(matches!(err, PlotError::InvalidValue { .. }), "{err:?}");
    let err = basin_map(&path, "t", &[], "v").unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
    let missing = vec![("x".to_string(), 45.0, 10.0, f64::NAN)];
    let err = basin_map(&path, "t", &missing, "v").unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteValues { .. }), "{err:?}");
}

/// Two years of daily dates from 2001-10-01 and an observed flow with a gap.
fn flow_dates() -> (Vec<NaiveDate>, Vec<f64>) {
    let start = NaiveDate::from_ymd_opt(2001, 10, 1).unwrap();
    let dates: Vec<NaiveDate> = (0..730)
        .map(|t| start.checked_add_days(Days::new(t)).unwrap())
        .collect();
    let mut observed: Vec<f64> = (0..730)
        .map(|t| 2.0 + 1.5 * (t as f64 / 58.1).sin() + 5.0 * (-((t % 45) as f64) / 3.0).exp())
        .collect();
    for value in &mut observed[300..320] {
        *value = f64::NAN;
    }
    (dates, observed)
}

#[test]
fn ensemble_band_is_the_mean_and_range_of_the_members() {
    // Step 0: 1, 3, 8 -> mean 4, min 1, max 8; step 1: 2, NaN, 4 -> mean 3; step 2: all missing.
    let members = vec![
        vec![1.0, 2.0, f64::NAN],
        vec![3.0, f64::NAN, f64::NAN],
        vec![8.0, 4.0, f64::NAN],
    ];
    let band = EnsembleBand::of(&members);
    assert_eq!(&band.mean[..2], &[4.0, 3.0]);
    assert_eq!(&band.min[..2], &[1.0, 2.0]);
    assert_eq!(&band.max[..2], &[8.0, 4.0]);
    assert!(band.mean[2].is_nan() && band.min[2].is_nan() && band.max[2].is_nan());

    let dir = scratch("band");
    let (dates, observed) = flow_dates();
    let members: Vec<Vec<f64>> = (0..8)
        .map(|seed| {
            let scale = 0.85 + 0.04 * seed as f64;
            observed
                .iter()
                .enumerate()
                .map(|(t, _)| {
                    let t = t as f64;
                    scale * (2.0 + 1.5 * (t / 58.1).sin()) + 3.0 * (-((t % 45.0) / 4.0)).exp()
                })
                .collect()
        })
        .collect();
    let svg = draw_both(&dir, "ensemble", (1200, 500), |path| {
        hydrograph_ensemble(
            path,
            "Basin 14316700, 8 seeds",
            &dates,
            &observed,
            &members,
            "mm/day",
        )
    });
    assert_texts(
        &svg,
        &[
            "Basin 14316700, 8 seeds",
            "Date",
            "Streamflow (mm/day)",
            "observed",
            "ensemble mean",
            "ensemble min-max",
        ],
    );
    // The band is one polygon (members have no gaps); the observations break into two lines.
    assert_eq!(svg.matches("<polygon").count(), 1);
    assert_eq!(
        svg.matches("stroke=\"#000000\" stroke-width=\"2\"").count(),
        2 + 1
    );

    // Given bounds with a gap split the band.
    let central = EnsembleBand::of(&members).mean;
    let lower: Vec<f64> = central.iter().map(|c| 0.8 * c).collect();
    let mut upper: Vec<f64> = central.iter().map(|c| 1.2 * c).collect();
    upper[100] = f64::NAN;
    let band = Band {
        central_label: "median",
        range_label: "5-95 %",
        central: &central,
        lower: &lower,
        upper: &upper,
    };
    let svg = draw_both(&dir, "band", (1200, 500), |path| {
        hydrograph_band(path, "Quantile band", &dates, &observed, band, "mm/day")
    });
    assert_texts(&svg, &["median", "5-95 %"]);
    assert_eq!(svg.matches("<polygon").count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hydrograph_band_rejects_invalid_series() {
    let dir = scratch("band-errors");
    let path = dir.join("band.png");
    let (dates, observed) = flow_dates();
    let err =
        hydrograph_ensemble(&path, "t", &dates, &observed, &[vec![1.0; 10]], "mm/day").unwrap_err();
    assert!(
        matches!(
            err,
            PlotError::CountMismatch {
                expected: 730,
                found: 10,
                ..
            }
        ),
        "{err:?}"
    );
    let err = hydrograph_ensemble(&path, "t", &dates, &observed, &[], "mm/day").unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
    let mut shuffled = dates.clone();
    shuffled.swap(3, 4);
    let members = vec![observed.clone()];
    let err = hydrograph_ensemble(&path, "t", &shuffled, &observed, &members, "").unwrap_err();
    assert!(
        matches!(err, PlotError::DatesNotIncreasing { .. }),
        "{err:?}"
    );
    let missing = vec![f64::NAN; dates.len()];
    let err = hydrograph_ensemble(
        &path,
        "t",
        &dates,
        &missing,
        std::slice::from_ref(&missing),
        "",
    )
    .unwrap_err();
    assert!(matches!(err, PlotError::NoFiniteValues { .. }), "{err:?}");
    let err = hydrograph_ensemble(&path, "t", &[], &[], &[vec![]], "").unwrap_err();
    assert!(matches!(err, PlotError::EmptyInput { .. }), "{err:?}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
