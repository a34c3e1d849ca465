//! Golden-file tests of the published experiments: every script in `examples/papers/` runs in its
//! quick mode (`by_mode(quick = ...)` values, as `hydro run --quick`), and every table it writes at
//! the top of its run directory (`write table -> "name.csv"`) is compared with the pinned copy in
//! `tests/golden/<script>/name.csv`.
//!
//! Comparison rules: the set of files, the header and the number of rows must match exactly; a
//! cell that reads as a real number on both sides (one of them written with a decimal point or an
//! exponent) must agree within `ABSOLUTE + RELATIVE * |expected|`
//! (training on the CPU is deterministic for a seed, the tolerance absorbs last-bit differences
//! of floating-point kernels between CPUs); every other cell (basin ids such as 01031500, names,
//! whole numbers such as counts) must be equal. A failure lists each differing cell with its file, row, column, expected
//! and actual value.
//!
//! Re-blessing after an intended change: `HYDRO_BLESS=1 cargo test --release --test golden`
//! rewrites the golden files from the new run and prints every cell that moved (the same listing
//! as a failure); review it, then commit the files. Each folder's `CHECKS.md` says how its values
//! were checked independently when first pinned.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use hydro::checking::{check_file, RunMode};
use hydro::evaluation::{run, RunOptions};
use hydro::syntax::render_plain;

/// Absolute tolerance of numeric cells.
const ABSOLUTE: f64 = 1e-6;
/// Relative tolerance of numeric cells.
const RELATIVE: f64 = 1e-4;

fn golden_dir(stem: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(stem)
}

/// Runs `examples/papers/<stem>.hydro` in quick mode; returns its run directory.
fn run_quick(stem: &str) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/papers")
        .join(format!("{stem}.hydro"));
    let mut environment = env();
    environment.mode = RunMode::Quick;
    let plan = match check_file(&script, &environment) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let options = RunOptions {
        runs_dir: scratch(&format!("golden-{stem}")),
        device: None,
    };
    run(&plan, &script, &options).unwrap_or_else(|e| panic!("{stem} failed: {e:?}"))
}

/// The CSV files at the top of a folder, by name.
fn tables_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".csv"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every difference between an expected and an actual CSV text, one line each.
fn differences(file: &str, expected: &str, actual: &str) -> Vec<String> {
    let parse = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let (expected, actual) = (parse(expected), parse(actual));
    let mut found = Vec::new();
    if expected.first() != actual.first() {
        found.push(format!(
            "{file}: header differs: expected {:?}, actual {:?}",
            expected.first(),
            actual.first()
        ));
        return found;
    }
    if expected.len() != actual.len() {
        found.push(format!(
            "{file}: expected {} rows, actual {}",
            expected.len() - 1,
            actual.len().saturating_sub(1)
        ));
    }
    let header = &expected[0];
    for (r, (e_row, a_row)) in expected.iter().zip(&actual).enumerate().skip(1) {
        for (c, (e, a)) in e_row.iter().zip(a_row).enumerate() {
            let column = header.get(c).map_or("?", String::as_str);
            let fractional = |s: &str| s.contains(['.', 'e', 'E']) || s.contains("NaN");
            let same = match (e.parse::<f64>(), a.parse::<f64>()) {
                (Ok(x), Ok(y)) if fractional(e) || fractional(a) => {
                    (x - y).abs() <= ABSOLUTE + RELATIVE * x.abs()
                }
                _ => e == a,
            };
            if !same {
                found.push(format!(
                    "{file}: row {r}, column {column}: expected {e}, actual {a}"
                ));
            }
        }
    }
    found
}

/// Runs one paper script and compares (or, with `HYDRO_BLESS=1`, re-blesses) its tables.
fn check_paper(stem: &str) {
    let dir = run_quick(stem);
    let golden = golden_dir(stem);
    let written = tables_in(&dir);
    assert!(!written.is_empty(), "{stem} writes no table");
    if std::env::var_os("HYDRO_BLESS").is_some() {
        std::fs::create_dir_all(&golden).unwrap();
        for name in tables_in(&golden).difference(&written) {
            println!("{stem}: {name} is no longer written; removed");
            std::fs::remove_file(golden.join(name)).unwrap();
        }
        for name in &written {
            let actual = read(dir.join(name));
            match std::fs::read_to_string(golden.join(name)) {
                Ok(expected) => {
                    for line in differences(name, &expected, &actual) {
                        println!("{stem}: moved: {line}");
                    }
                }
                Err(_) => println!("{stem}: {name} is new"),
            }
            std::fs::write(golden.join(name), actual).unwrap();
        }
        return;
    }
    let pinned = tables_in(&golden);
    let mut found = Vec::new();
    for name in pinned.symmetric_difference(&written) {
        found.push(if pinned.contains(name) {
            format!("{name}: pinned but not written by the script")
        } else {
            format!("{name}: written by the script but not pinned")
        });
    }
    for name in pinned.intersection(&written) {
        found.extend(differences(
            name,
            &read(golden.join(name)),
            &read(dir.join(name)),
        ));
    }
    assert!(
        found.is_empty(),
        "{stem}: {} difference(s) from tests/golden/{stem} (run dir {}); re-bless with \
         HYDRO_BLESS=1 cargo test --release --test golden if intended:\n{}",
        found.len(),
        dir.display(),
        found.join("\n")
    );
}

#[test]
fn the_comparison_names_file_row_column_expected_and_actual() {
    let expected = "basin,nse\n01031500,0.5\n01022500,0.25\n";
    assert!(differences("t.csv", expected, expected).is_empty());
    let close = "basin,nse\n01031500,0.50000001\n01022500,0.25\n";
    assert!(differences("t.csv", expected, close).is_empty());
    let moved = "basin,nse\n01031500,0.51\n01022500,0.25\n";
    assert_eq!(
        differences("t.csv", expected, moved),
        ["t.csv: row 1, column nse: expected 0.5, actual 0.51"]
    );
    let renamed = "basin,nse\n01031501,0.5\n01022500,0.25\n";
    assert_eq!(
        differences("t.csv", expected, renamed),
        ["t.csv: row 1, column basin: expected 01031500, actual 01031501"]
    );
    let whole = "basin,nse\n01031500,1\n01022500,0.25\n";
    assert_eq!(
        differences(
            "t.csv",
            whole,
            "basin,nse\n01031500,0.9999999\n01022500,0.25\n"
        )
        .len(),
        0
    );
    let shorter = "basin,nse\n01031500,0.5\n";
    assert!(differences("t.csv", expected, shorter)[0].contains("expected 2 rows, actual 1"));
    let header = "basin,kge\n01031500,0.5\n01022500,0.25\n";
    assert!(differences("t.csv", expected, header)[0].contains("header differs"));
}

#[test]
fn kratzert2019_ealstm() {
    check_paper("kratzert2019_ealstm");
}

#[test]
fn li_zhao2022_water_balance() {
    check_paper("li_zhao2022_water_balance");
}

#[test]
fn yokoo2022_physical() {
    check_paper("yokoo2022_physical");
}

#[test]
fn li2023_cnn_lstm() {
    check_paper("li2023_cnn_lstm");
}
