//! The analyses `compare` (paired Wilcoxon signed-rank test and Cohen's d between two models'
//! metrics), `signatures` (CAMELS hydrological signatures of a data set) and `summarize` on real
//! data, checked against computations from the written tables and against the published CAMELS
//! attribute table.

mod common;

use std::path::Path;

use common::*;
use hydro::evaluation::{run, RunOptions};

/// Two tiny LSTMs on one basin (different learning rates), each over three seeds.
const COMPARE_SCRIPT: &str = r#"
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
train fast = net on camels { loss = mse, epochs = 1, batch = 64, seed = 1, learning_rate = 0.02 }
sweep base_seeds = base { seed = 1..3, workers = 2 }
sweep fast_seeds = fast { seed = 1..3, workers = 2 }
let a = evaluate(base_seeds, metrics = [nse, kge])
let b = evaluate(fast_seeds, metrics = [nse, kge])
write a -> "a.csv"
write b -> "b.csv"
write compare(a, b, metric = kge) -> "overall.csv"
write compare(a, b, metric = nse, by = seed, labels = ["base", "fast"]) -> "per_seed.csv"
write compare(a, b, by = basin) -> "per_basin.csv"
write summarize(a, threshold = 0.5) -> "summary.csv"
"#;

/// The two-sided exact p-value of the signed-rank test of `differences` (no ties, no zeros),
/// by enumerating every sign pattern: the share of patterns whose W+ is at least as extreme.
fn exact_p(differences: &[f64]) -> (f64, f64) {
    let n = differences.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| differences[i].abs().total_cmp(&differences[j].abs()));
    let mut rank = vec![0.0; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = (r + 1) as f64;
    }
    let w_plus: f64 = (0..n)
        .filter(|&i| differences[i] > 0.0)
        .map(|i| rank[i])
        .sum();
    let total = (n * (n + 1)) as f64 / 2.0;
    let sums: Vec<f64> = (0..1u32 << n)
        .map(|signs| (1..=n).filter(|r| signs >> (r - 1) & 1 == 1).sum::<usize>() as f64)
        .collect();
    let share = |f: &dyn Fn(f64) -> bool| sums.iter().filter(|s| f(**s)).count() as f64;
    let low = share(&|s| s <= w_plus) / sums.len() as f64;
    let high = share(&|s| s >= w_plus) / sums.len() as f64;
    (w_plus.min(total - w_plus), (2.0 * low.min(high)).min(1.0))
}

/// Mean and sample variance.
fn mean_var(x: &[f64]) -> (f64, f64) {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    (m, v)
}

/// Cohen's d with the pooled sample standard deviation (equal sizes).
fn cohens_d(a: &[f64], b: &[f64]) -> f64 {
    let ((ma, va), (mb, vb)) = (mean_var(a), mean_var(b));
    (ma - mb) / ((va + vb) / 2.0).sqrt()
}

/// The single value of a column of a one-row CSV.
fn only(path: &Path, column: &str) -> f64 {
    let values = csv_column(path, column);
    assert_eq!(values.len(), 1, "{column} of {}", path.display());
    values[0]
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

#[test]
fn compare_pairs_seeds_and_basins_and_matches_the_formulas() {
    let dir = run_in(&scratch("compare"), COMPARE_SCRIPT);
    let (header, rows) = read_csv(dir.join("a.csv"));
    assert_eq!(header, ["seed", "basin", "nse", "kge"]);
    assert_eq!(rows.len(), 3);
    // Both sweeps list the seeds in the same order, so the pairs are the rows by position.
    let (kge_a, kge_b) = (
        csv_column(dir.join("a.csv"), "kge"),
        csv_column(dir.join("b.csv"), "kge"),
    );
    let (nse_a, nse_b) = (
        csv_column(dir.join("a.csv"), "nse"),
        csv_column(dir.join("b.csv"), "nse"),
    );

    // Over all seeds: n = 3, W and the exact p by enumeration, Cohen's d by its formula.
    let overall = dir.join("overall.csv");
    let (_, cells) = read_csv(&overall);
    assert_eq!(cells[0][..2], ["base_seeds", "fast_seeds"]);
    assert_eq!(only(&overall, "n"), 3.0);
    let differences: Vec<f64> = kge_a.iter().zip(&kge_b).map(|(a, b)| a - b).collect();
    let (w, p) = exact_p(&differences);
    assert!(close(only(&overall, "wilcoxon_statistic"), w));
    assert!(close(only(&overall, "p_value"), p), "p {p}");
    assert!(close(only(&overall, "mean_a"), mean_var(&kge_a).0));
    let mut sorted = kge_b.clone();
    sorted.sort_by(f64::total_cmp);
    assert!(close(only(&overall, "median_b"), sorted[1]));
    assert!(close(only(&overall, "cohens_d"), cohens_d(&kge_a, &kge_b)));

    // `by = basin` on one basin is the same test of the NSE across the three seeds.
    let per_basin = dir.join("per_basin.csv");
    let (header, cells) = read_csv(&per_basin);
    assert_eq!(header[..3], ["basin", "model_a", "model_b"]);
    assert_eq!(cells[0][0], "01031500");
    let differences: Vec<f64> = nse_a.iter().zip(&nse_b).map(|(a, b)| a - b).collect();
    let (w, p) = exact_p(&differences);
    assert!(close(only(&per_basin, "wilcoxon_statistic"), w));
    assert!(close(only(&per_basin, "p_value"), p));
    assert!(close(
        only(&per_basin, "cohens_d"),
        cohens_d(&nse_a, &nse_b)
    ));

    // `by = seed`: one pair per seed, the seed's own NSE values; one pair gives p = 1.
    let per_seed = dir.join("per_seed.csv");
    let (header, cells) = read_csv(&per_seed);
    assert_eq!(header[..3], ["seed", "model_a", "model_b"]);
    assert_eq!(cells.len(), 3);
    assert_eq!(csv_column(&per_seed, "seed"), [1.0, 2.0, 3.0]);
    assert!(cells.iter().all(|row| row[1] == "base" && row[2] == "fast"));
    assert_eq!(csv_column(&per_seed, "n"), [1.0; 3]);
    for (got, want) in csv_column(&per_seed, "mean_b").iter().zip(&nse_b) {
        assert!(close(*got, *want));
    }
    assert_eq!(csv_column(&per_seed, "p_value"), [1.0; 3]);
    assert!(csv_column(&per_seed, "cohens_d").iter().all(|d| d.is_nan()));

    // `summarize` counts the values at or below its threshold.
    let summary = dir.join("summary.csv");
    let (header, _) = read_csv(&summary);
    assert_eq!(header.last().unwrap(), "count_le_0.5");
    let at_most = nse_a.iter().filter(|v| **v <= 0.5).count() as f64;
    assert_eq!(csv_column(&summary, "count_le_0.5")[0], at_most);
    assert!(close(csv_column(&summary, "mean")[0], mean_var(&nse_a).0));
    assert!(close(
        csv_column(&summary, "std")[0],
        mean_var(&nse_a).1.sqrt()
    ));
}

/// Basin 01031500 over 1989-10-01..2009-09-30 with Daymet forcing, the period and forcing of the
/// CAMELS attribute table.
fn signature_script(precipitation: &str) -> String {
    format!(
        r#"
data camels = camels_us {{
    root     = data_dir("camels_us")
    basins   = ["01031500"]
    forcing  = daymet
    inputs   = [prcp, tmax]
    train    = 1989-10-01..2009-09-30
    lookback = 30
}}
let s = signatures(camels, period = train, precipitation = {precipitation})
write s -> "signatures.csv"
"#
    )
}

/// The published signatures of basin 01031500 in `camels_hydro.txt`, by name.
fn published(name: &str) -> f64 {
    let path = data_root().join("camels_us/camels_attributes_v2.0/camels_hydro.txt");
    let text = read(path);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let row: Vec<&str> = lines
        .find(|line| line.starts_with("01031500"))
        .unwrap()
        .split(';')
        .collect();
    let j = header.iter().position(|h| *h == name).unwrap();
    row[j].parse().unwrap()
}

/// The signatures over the declared training period (not the loaded look-back warm-up before
/// it) agree with the published table: continuous signatures to 1e-6 relative (single-precision
/// data), counts, durations and the half-flow date exactly, the elasticity to 2e-4 (see
/// tests/signatures.rs). A precipitation input the data set lacks is an error naming its inputs.
#[test]
fn signatures_of_a_data_set_match_the_camels_table() {
    let dir = run_in(&scratch("signatures"), &signature_script("prcp"));
    let table = dir.join("signatures.csv");
    let (header, rows) = read_csv(&table);
    assert_eq!(header.len(), 14);
    assert_eq!(header[0], "basin");
    assert_eq!(rows[0][0], "01031500");
    for name in &header[1..] {
        let (got, want) = (only(&table, name), published(name));
        let tolerance = match name.as_str() {
            "stream_elas" => 2e-4,
            "high_q_freq" | "high_q_dur" | "low_q_freq" | "low_q_dur" | "zero_q_freq"
            | "hfd_mean" => 1e-12,
            _ => 1e-6,
        };
        let error = if want == 0.0 {
            got.abs()
        } else {
            ((got - want) / want).abs()
        };
        assert!(error <= tolerance, "{name}: ours {got}, published {want}");
    }

    let options = RunOptions {
        runs_dir: scratch("signatures-error"),
        device: None,
    };
    let error = run(
        &plan(&signature_script("swe")),
        Path::new("s.hydro"),
        &options,
    )
    .expect_err("swe is not an input");
    let shown = format!("{error:?}");
    assert!(
        shown.contains("data set `camels` has no input `swe`"),
        "{shown}"
    );
    assert!(shown.contains("prcp, tmax"), "{shown}");
}
