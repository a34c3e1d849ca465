//! Helpers shared by the integration tests: the data root, scratch folders, running a script.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use hydro::checking::{check_text, Environment};
use hydro::evaluation::{run, RunOptions};
use hydro::syntax::render_plain;

/// The shared data (`$HYDRO_DATA`, default `../shared/data` beside the crate).
pub fn data_root() -> PathBuf {
    std::env::var_os("HYDRO_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

/// The checker's environment over the shared data.
pub fn env() -> Environment {
    Environment {
        data_root: data_root(),
        mode: Default::default(),
    }
}

/// An empty folder unique to this test process and `name`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Checks `script`, panicking with the rendered diagnostics when it has errors.
pub fn plan(script: &str) -> hydro::checking::plan::Plan {
    match check_text("s.hydro", None, script.to_string(), &env()) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    }
}

/// The rendered errors of a script that must not check.
pub fn errors(script: &str) -> String {
    match check_text("s.hydro", None, script.to_string(), &env()) {
        Ok(_) => panic!("the script checked:\n{script}"),
        Err((sources, errors)) => render_plain(&errors, &sources),
    }
}

/// Runs `script` with run directories under `runs_dir`; returns the run directory.
pub fn run_in(runs_dir: &Path, script: &str) -> PathBuf {
    let options = RunOptions {
        runs_dir: runs_dir.to_path_buf(),
        device: None,
    };
    run(&plan(script), Path::new("s.hydro"), &options)
        .unwrap_or_else(|e| panic!("run failed: {e:?}"))
}

/// A file's text.
pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// A CSV file as its header and rows of cells.
pub fn read_csv(path: impl AsRef<Path>) -> (Vec<String>, Vec<Vec<String>>) {
    let text = read(path);
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(String::from)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

/// The column `name` of a CSV file as numbers (NaN for empty cells).
pub fn csv_column(path: impl AsRef<Path>, name: &str) -> Vec<f64> {
    let (header, rows) = read_csv(path);
    let j = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    rows.iter()
        .map(|r| r[j].parse().unwrap_or(f64::NAN))
        .collect()
}

/// NSE of `simulated` against `observed`, skipping missing observations (the textbook formula).
pub fn nse(observed: &[f64], simulated: &[f64]) -> f64 {
    let pairs: Vec<(f64, f64)> = observed
        .iter()
        .zip(simulated)
        .filter(|(o, _)| !o.is_nan())
        .map(|(o, s)| (*o, *s))
        .collect();
    let mean = pairs.iter().map(|p| p.0).sum::<f64>() / pairs.len() as f64;
    let error: f64 = pairs.iter().map(|(o, s)| (o - s).powi(2)).sum();
    let variance: f64 = pairs.iter().map(|(o, _)| (o - mean).powi(2)).sum();
    1.0 - error / variance
}
