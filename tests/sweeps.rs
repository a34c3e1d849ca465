//! Sweeps: the grid of runs, ensembles, statistics across seeds, and resuming a sweep whose
//! members finished earlier.

mod common;

use common::*;

/// A tiny LSTM on one basin, varied over two seeds.
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
let members = evaluate(seeds, metrics = [nse])
let ensemble = evaluate(seeds, ensemble = seed, metrics = [nse])
let single = evaluate(base, metrics = [nse])
write members -> "members.csv"
write ensemble -> "ensemble.csv"
write single -> "single.csv"
write spread(members, over = seed) -> "spread.csv"
write summarize(members) -> "summary.csv"
"#;

#[test]
fn members_ensembles_and_spread_agree_with_independent_computations() {
    let runs = scratch("sweep");
    let dir = run_in(&runs, SCRIPT);
    let (header, rows) = read_csv(dir.join("members.csv"));
    assert_eq!(header, ["seed", "basin", "nse"]);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0][0].as_str(), rows[1][0].as_str()), ("1", "2"));
    let member_nse = csv_column(dir.join("members.csv"), "nse");
    // The member with seed 1 is the declared run itself.
    let single = csv_column(dir.join("single.csv"), "nse");
    assert!(
        (member_nse[0] - single[0]).abs() < 1e-12,
        "{member_nse:?} {single:?}"
    );
    assert!((member_nse[0] - member_nse[1]).abs() > 1e-6, "seeds differ");
    // The ensemble NSE is the NSE of the mean prediction, recomputed from the file.
    let predictions = dir.join("seeds/test_ensemble_seed/ensemble_predictions.csv");
    let observed = csv_column(&predictions, "observed");
    let mean = csv_column(&predictions, "mean");
    let (low, high) = (
        csv_column(&predictions, "min"),
        csv_column(&predictions, "max"),
    );
    assert!(mean
        .iter()
        .zip(&low)
        .zip(&high)
        .all(|((m, l), h)| l - 1e-4 <= *m && *m <= h + 1e-4));
    let ensemble = csv_column(dir.join("ensemble.csv"), "nse")[0];
    assert!(
        (ensemble - nse(&observed, &mean)).abs() < 1e-3,
        "{ensemble}"
    );
    // Spread over seeds: mean and sample standard deviation of the two members.
    let spread_mean = csv_column(dir.join("spread.csv"), "nse_mean")[0];
    let spread_std = csv_column(dir.join("spread.csv"), "nse_std")[0];
    let m = (member_nse[0] + member_nse[1]) / 2.0;
    let s = ((member_nse[0] - m).powi(2) + (member_nse[1] - m).powi(2)).sqrt();
    assert!((spread_mean - m).abs() < 1e-9 && (spread_std - s).abs() < 1e-9);
    let summary = read(dir.join("summary.csv"));
    assert!(summary
        .starts_with("column,count,missing,mean,std,min,p5,p25,median,p75,p95,max,count_le_0"));

    // Running again restores the declared run and both members instead of training them,
    // with the training log of the first run.
    let again = run_in(&runs, SCRIPT);
    let log = read(again.join("log.txt"));
    assert!(log.contains("2 finished earlier"), "{log}");
    assert!(
        log.contains("base: finished earlier, restored from"),
        "{log}"
    );
    assert!(!log.contains("trained in"), "{log}");
    assert_eq!(
        read(again.join("base/training_log.csv")),
        read(dir.join("base/training_log.csv"))
    );
    assert_eq!(read(dir.join("base/training_log.csv")).lines().count(), 2);
    let (_, members) = read_csv(again.join("seeds/trained_members.csv"));
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|m| m[2] == "no"), "{members:?}");
    assert!(members[0][0].contains("seed=1") && members[1][0].contains("seed=2"));
    assert_eq!(
        read(again.join("members.csv")),
        read(dir.join("members.csv"))
    );
}

#[test]
fn sweep_axes_are_checked_before_anything_runs() {
    let base = SCRIPT.split("sweep seeds").next().unwrap();
    let unknown = errors(&format!("{base}sweep s = base {{ hiden = [4, 8] }}"));
    assert!(
        unknown.contains("`hiden` is not a setting a sweep can vary"),
        "{unknown}"
    );
    assert!(unknown.contains("hidden"), "{unknown}");
    let single = errors(&format!("{base}sweep s = base {{ seed = 3 }}"));
    assert!(
        single.contains("the axis `seed` needs its values"),
        "{single}"
    );
    let range = errors(&format!("{base}sweep s = base {{ hidden = [4, 0] }}"));
    assert!(range.contains("out of range"), "{range}");
    let not_axis = errors(&format!(
        "{base}sweep s = base {{ hidden = [4, 8] }}\nlet e = evaluate(s, ensemble = seed, metrics = [nse])"
    ));
    assert!(not_axis.contains("`seed` is not an axis"), "{not_axis}");
    // Model and data settings are axes too; the grid is expanded into complete runs.
    let plan = plan(&format!(
        "{base}sweep s = base {{ hidden = [4, 8], lookback = [10, 20] }}"
    ));
    let sweep = plan
        .steps
        .iter()
        .find_map(|s| match s {
            hydro::checking::plan::Step::Sweep(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(sweep.members.len(), 4);
    assert_eq!(sweep.members[1].values, ["4", "20"]);
    assert_eq!(sweep.members[1].spec.data.lookback, 20);
    assert_eq!(sweep.members[2].spec.model.integer("hidden"), 8);
}

/// Burn-trained models (MC-LSTM; a two-layer LSTM with dropout) varied over three seeds.
fn burn_members(workers: usize) -> String {
    let base = SCRIPT.split("sweep seeds").next().unwrap();
    format!(
        r#"{base}
model mass = mclstm {{ hidden = 3, mass_inputs = [prcp] }}
model deep = lstm {{ hidden = 4, layers = 2, dropout = 0.3 }}
train mass_run = mass on camels {{ loss = mse, epochs = 1, batch = 64, seed = 1 }}
train deep_run = deep on camels {{ loss = mse, epochs = 1, batch = 64, seed = 1 }}
sweep mass_seeds = mass_run {{ seed = 1..3, workers = {workers} }}
sweep deep_seeds = deep_run {{ seed = 1..3, workers = {workers} }}
write evaluate(mass_seeds, metrics = [nse, kge]) -> "mass.csv"
write evaluate(deep_seeds, metrics = [nse, kge]) -> "deep.csv"
"#
    )
}

#[test]
fn burn_engine_members_trained_in_parallel_equal_those_trained_one_at_a_time() {
    // Burn's generator is one per process: members initialising and drawing dropout masks at
    // the same time must still each get the numbers of their own seed.
    let one = run_in(&scratch("sweep-burn-1"), &burn_members(1));
    let three = run_in(&scratch("sweep-burn-3"), &burn_members(3));
    for table in ["mass.csv", "deep.csv"] {
        let sequential = read(one.join(table));
        assert_eq!(sequential, read(three.join(table)), "{table}");
        let nse = csv_column(one.join(table), "nse");
        assert!(
            nse.len() == 3 && (nse[0] - nse[1]).abs() > 1e-9,
            "{table}: {nse:?}"
        );
    }
}
