//! Hydrograph figures: PNG and SVG output, texts, gaps in the observations and rejected inputs.

mod common;

use common::scratch;

use std::path::Path;

use chrono::{Days, NaiveDate};
use hydro::plots::{hydrograph, PlotError};

const TITLE: &str = "Synthetic basin, water years 2002-2004";

/// Three years of daily flow: a seasonal sine wave with a storm every 40 days; the simulation lags
/// and damps it. Observations are missing on days 200..230 and on days 500 and 502, leaving day 501
/// as an isolated observation: four observed runs, [0, 200), [230, 500), [501], [503, 1096).
fn series() -> (Vec<NaiveDate>, Vec<f64>, Vec<f64>) {
    let start = NaiveDate::from_ymd_opt(2001, 10, 1).unwrap();
    let n = 1096;
    let dates = (0..n)
        .map(|t| start.checked_add_days(Days::new(t)).unwrap())
        .collect();
    let flow = |t: f64| {
        let season = 2.0 + 1.5 * (2.0 * std::f64::consts::PI * t / 365.0).sin();
        let storm = 6.0 * (-((t % 40.0) / 3.0)).exp();
        season + storm
    };
    let mut observed: Vec<f64> = (0..n).map(|t| flow(t as f64)).collect();
    let simulated = (0..n).map(|t| 0.9 * flow(t as f64 - 2.0)).collect();
    for t in (200..230).chain([500, 502]) {
        observed[t] = f64::NAN;
    }
    (dates, observed, simulated)
}

fn draw(path: &Path) -> Result<(), PlotError> {
    let (dates, observed, simulated) = series();
    hydrograph(path, TITLE, &dates, &observed, &simulated, "mm/day")
}

#[test]
fn writes_png_and_svg_with_title_axis_labels_and_legend() {
    let dir = scratch("formats");
    let png = dir.join("hydrograph.png");
    let svg = dir.join("hydrograph.svg");
    draw(&png).unwrap();
    draw(&svg).unwrap();

    let png_bytes = std::fs::read(&png).unwrap();
    assert!(png_bytes.starts_with(b"\x89PNG"), "not a PNG file");
    assert!(
        png_bytes.len() > 10_000,
        "PNG only {} bytes",
        png_bytes.len()
    );

    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.len() > 10_000, "SVG only {} bytes", text.len());
    assert!(text.contains("width=\"1200\"") && text.contains("height=\"500\""));
    for label in [
        TITLE,
        "observed",
        "simulated",
        "Date",
        "Streamflow (mm/day)",
        "2002-01",
    ] {
        assert!(
            text.contains(&format!("\n{label}\n")),
            "SVG lacks text {label:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn observed_gaps_are_not_bridged() {
    let dir = scratch("gaps");
    let svg = dir.join("hydrograph.svg");
    draw(&svg).unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    // Series lines are 2 px wide (axes and grid 1 px): black for observed, blue for simulated.
    let lines = |colour: &str| {
        text.matches(&format!("stroke=\"{colour}\" stroke-width=\"2\""))
            .count()
    };
    // Three observed runs of several days plus the legend sample; the simulation is one line plus
    // its legend sample; the isolated observation on day 501 is a dot.
    assert_eq!(lines("#000000"), 4);
    assert_eq!(lines("#0072B2"), 2);
    assert_eq!(text.matches("<circle").count(), 1);
}

#[test]
fn other_extensions_are_rejected_with_the_file_name() {
    let dir = scratch("extension");
    let path = dir.join("hydrograph.jpg");
    let err = draw(&path).unwrap_err();
    assert!(
        matches!(err, PlotError::UnsupportedFormat { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("hydrograph.jpg"), "{err}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_series_are_rejected() {
    let dir = scratch("invalid");
    let path = dir.join("hydrograph.svg");
    let (dates, observed, simulated) = series();

    let err = hydrograph(&path, TITLE, &dates, &observed[1..], &simulated, "mm/day").unwrap_err();
    assert!(matches!(err, PlotError::LengthMismatch { .. }), "{err:?}");

    let mut shuffled = dates.clone();
    shuffled.swap(10, 11);
    let err = hydrograph(&path, TITLE, &shuffled, &observed, &simulated, "mm/day").unwrap_err();
    assert!(
        matches!(err, PlotError::DatesNotIncreasing { .. }),
        "{err:?}"
    );

    let missing = vec![f64::NAN; dates.len()];
    let err = hydrograph(&path, TITLE, &dates, &missing, &missing, "mm/day").unwrap_err();
    assert!(matches!(err, PlotError::NoData { .. }), "{err:?}");

    let err = hydrograph(&path, TITLE, &[], &[], &[], "mm/day").unwrap_err();
    assert!(matches!(err, PlotError::NoData { .. }), "{err:?}");
    assert!(err.to_string().contains("hydrograph.svg"), "{err}");
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unwritable_location_is_reported_with_the_file_name() {
    let path = std::env::temp_dir()
        .join(format!("hydro-plots-{}-absent", std::process::id()))
        .join("hydrograph.png");
    let err = draw(&path).unwrap_err();
    assert!(matches!(err, PlotError::Drawing { .. }), "{err:?}");
    assert!(err.to_string().contains("hydrograph.png"), "{err}");
}
