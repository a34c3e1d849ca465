//! The store of finished training runs: `<runs dir>/finished/<name>-<key>/`.
//!
//! Every training run and sweep member that trains to its end is kept there (its complete
//! settings, its weights and its training log), where the key is a hash of everything the
//! script decides about the training: the resolved settings, the contents of a basin list file
//! and the version of hydro (not the contents of the data files). Running a script again (after
//! Ctrl-C, with one more analysis, or a sweep with more seeds) restores these runs instead of
//! training them again; training is deterministic on the CPU for a seed, so a restored run
//! equals a retrained one. Deleting a folder makes its run train again.

use std::path::{Path, PathBuf};

use super::training_run::TrainedRun;
use super::RunError;
use crate::checking::plan::{BasinsSpec, TrainSpec};
use crate::models::weights::ModelWeights;

/// The folder of run `name` trained as `spec`, under the parent of run directories `runs_dir`.
pub fn folder(runs_dir: &Path, name: &str, spec: &TrainSpec) -> Result<PathBuf, RunError> {
    Ok(runs_dir
        .join("finished")
        .join(format!("{name}-{}", training_key(spec)?)))
}

/// A stable key of everything that determines how `spec` trains.
fn training_key(spec: &TrainSpec) -> Result<String, RunError> {
    let mut text = serde_json::to_string(spec).expect("plain data serialises");
    text.push_str(env!("CARGO_PKG_VERSION"));
    if let BasinsSpec::File(file) = &spec.data.basins {
        let path = spec.data.root.join(&file.value);
        let listed = std::fs::read_to_string(&path).map_err(|e| RunError::io(&path, e))?;
        text.push_str(&listed);
    }
    Ok(format!("{:016x}", fnv1a(text.as_bytes())))
}

/// The 64-bit FNV-1a hash (stable across platforms and versions, unlike std's hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The weights of a finished run, if `folder` holds them.
pub fn read(folder: &Path) -> Option<Vec<ModelWeights>> {
    let text = std::fs::read_to_string(folder.join("weights.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Keeps a finished run: its settings and training log, then its weights (written last, so
/// that a folder with weights is complete).
pub fn write(folder: &Path, spec: &TrainSpec, run: &TrainedRun) -> Result<(), RunError> {
    std::fs::create_dir_all(folder).map_err(|e| RunError::io(folder, e))?;
    let settings = folder.join("member.json");
    std::fs::write(
        &settings,
        serde_json::to_string_pretty(spec).expect("plain data serialises"),
    )
    .map_err(|e| RunError::io(&settings, e))?;
    let log = run.dir.join(TRAINING_LOG);
    if log.exists() {
        let kept = folder.join(TRAINING_LOG);
        std::fs::copy(&log, &kept).map_err(|e| RunError::io(&kept, e))?;
    }
    let weights: Vec<ModelWeights> = run.engines.iter().map(|e| e.model_weights()).collect();
    let partial = folder.join("weights.json.partial");
    std::fs::write(
        &partial,
        serde_json::to_string(&weights).expect("plain data serialises"),
    )
    .map_err(|e| RunError::io(&partial, e))?;
    let path = folder.join("weights.json");
    std::fs::rename(&partial, &path).map_err(|e| RunError::io(&path, e))
}

/// Puts the training log kept in `folder` into the folder of the restored `run`.
pub fn restore_log(folder: &Path, run: &TrainedRun) -> Result<(), RunError> {
    let kept = folder.join(TRAINING_LOG);
    if kept.exists() {
        let log = run.dir.join(TRAINING_LOG);
        std::fs::copy(&kept, &log).map_err(|e| RunError::io(&log, e))?;
    }
    Ok(())
}

/// The file of a run's folder with its loss per epoch.
const TRAINING_LOG: &str = "training_log.csv";
