//! Figure functions of the language on a tiny real run: every figure is written as PNG and SVG,
//! and the SVG carries the title, the axis labels with units and the legend entries.

mod common;

use common::*;

/// A tiny LSTM on one basin, varied over two seeds, and every figure function.
const SCRIPT: &str = r#"
data camels = camels_us {
    root     = data_dir("camels_us")
    basins   = ["01031500"]
    forcing  = daymet
    inputs   = [prcp, tmax, tmin]
    train    = 2000-10-01..2002-09-30
    test     = 2002-10-01..2003-09-30
    lookback = 30
}
model net = lstm { hidden = 4 }
train base = net on camels { loss = mse, epochs = 1, batch = 64, seed = 1 }
sweep seeds = base { seed = 1..2, workers = 2 }
let single = evaluate(base, metrics = [nse, kge, rmse])
let members = evaluate(seeds, metrics = [nse, kge])
write predictions(base) -> "predictions.csv"
write cdf([single, members], metric = nse, labels = ["one run", "two seeds"]) -> "cdf"
write boxplot(members, metric = kge, x = seed) -> "boxplot"
write heatmap(single, value = "score") -> "heatmap"
write scatter(predictions(base)) -> "scatter"
write bars([members, members], category = basin, value = nse, labels = ["first", "second"]) -> "bars"
write curves(members, x = seed, y = [nse, kge], title = "Scores against the seed") -> "curves"
write basin_map(single, camels, metric = nse) -> "map"
write hydrograph(base) -> "hydrograph"
write hydrograph(seeds, basin = "01031500") -> "ensemble"
"#;

/// The SVG of figure `name`, after checking that its PNG exists and is not empty.
fn svg(dir: &std::path::Path, name: &str) -> String {
    let png = std::fs::metadata(dir.join(format!("{name}.png")))
        .unwrap_or_else(|e| panic!("{name}.png: {e}"));
    assert!(png.len() > 1000, "{name}.png has {} bytes", png.len());
    read(dir.join(format!("{name}.svg")))
}

/// Panics unless the SVG `svg` has a text element reading each of `texts`.
fn assert_contains(name: &str, svg: &str, texts: &[&str]) {
    let lines: Vec<&str> = svg.lines().map(str::trim).collect();
    let written: Vec<&str> = lines
        .windows(2)
        .filter(|w| w[0].starts_with("<text"))
        .map(|w| w[1])
        .collect();
    for text in texts {
        assert!(
            written.contains(text),
            "{name}.svg lacks {text:?}: {written:?}"
        );
    }
}

#[test]
fn every_figure_function_draws_its_title_labels_and_legend() {
    let runs = scratch("figures");
    let dir = run_in(&runs, SCRIPT);
    assert_contains(
        "cdf",
        &svg(&dir, "cdf"),
        &[
            "Empirical CDF of NSE over basins",
            "NSE (-)",
            "Cumulative fraction of basins",
            "one run",
            "two seeds",
        ],
    );
    assert_contains(
        "boxplot",
        &svg(&dir, "boxplot"),
        // The groups are the seeds of the sweep, one box each.
        &["KGE by seed", "KGE (-)", "seed", "1", "2"],
    );
    assert_contains(
        "heatmap",
        &svg(&dir, "heatmap"),
        &["base: score", "01031500", "nse", "kge", "rmse", "score"],
    );
    // One dot per test day with an observation, plus the legend's markers.
    let scatter = svg(&dir, "scatter");
    assert_contains(
        "scatter",
        &scatter,
        &[
            "Simulated against observed",
            "Observed (mm/day)",
            "Simulated (mm/day)",
            "1:1 line",
        ],
    );
    let observed = csv_column(dir.join("predictions.csv"), "observed");
    let days = observed.iter().filter(|v| v.is_finite()).count();
    let dots = scatter.matches("<circle").count();
    assert!(
        (days..=days + 2).contains(&dots),
        "{dots} dots for {days} observed days"
    );
    // The two rows of the basin (one per seed) are averaged, and the axis says so.
    assert_contains(
        "bars",
        &svg(&dir, "bars"),
        &[
            "NSE by basin",
            "NSE (-), mean over rows",
            "first",
            "second",
            "01031500",
        ],
    );
    assert_contains(
        "curves",
        &svg(&dir, "curves"),
        &[
            "Scores against the seed",
            "seed",
            "NSE, KGE (-)",
            "NSE",
            "KGE",
        ],
    );
    assert_contains(
        "map",
        &svg(&dir, "map"),
        &["base: NSE per basin", "NSE (-)", "01031500"],
    );
    assert_contains(
        "hydrograph",
        &svg(&dir, "hydrograph"),
        &[
            "base: basin 01031500, test period",
            "Streamflow (mm/day)",
            "observed",
            "simulated",
        ],
    );
    assert_contains(
        "ensemble",
        &svg(&dir, "ensemble"),
        &[
            "seeds (2 members): basin 01031500, test period",
            "Streamflow (mm/day)",
            "ensemble mean",
            "ensemble min-max",
        ],
    );
}

#[test]
fn figures_of_missing_columns_or_basins_are_clear_errors() {
    let script = SCRIPT.replace(
        "write hydrograph(base) -> \"hydrograph\"",
        "write hydrograph(base, basin = \"99999999\") -> \"hydrograph\"",
    );
    let runs = scratch("figure-errors");
    let options = hydro::evaluation::RunOptions {
        runs_dir: runs.clone(),
        device: None,
    };
    let error = hydro::evaluation::run(&plan(&script), std::path::Path::new("s.hydro"), &options)
        .expect_err("an unknown basin fails");
    let text = format!("{error:?}");
    assert!(text.contains("no basin `99999999`"), "{text}");
}
