//! Finding and reading the files of a CAMELS-US directory tree.
//!
//! Per-basin files sit either directly in a data directory or in one level of sub-folders named
//! after the basin's 2-digit hydrological unit (`01` ... `18`). Files are found by searching
//! both places, so the unit does not have to be known.

use std::fs;
use std::path::{Path, PathBuf};

use super::super::error::DataError;

/// The whole text of a file.
pub(super) fn read_text(path: &Path) -> Result<String, DataError> {
    fs::read_to_string(path).map_err(|e| DataError::io(path, e))
}

/// The sub-directories of `dir`, sorted by name.
fn sub_dirs(dir: &Path) -> Result<Vec<PathBuf>, DataError> {
    let mut dirs = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| DataError::io(dir, e))? {
        let path = entry.map_err(|e| DataError::io(dir, e))?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// The file `name` in `dir` or in one of its sub-directories (`Ok(None)` if it is in neither;
/// an error if `dir` cannot be read).
pub(super) fn locate(dir: &Path, name: &str) -> Result<Option<PathBuf>, DataError> {
    let direct = dir.join(name);
    if direct.is_file() {
        return Ok(Some(direct));
    }
    Ok(sub_dirs(dir)?
        .into_iter()
        .map(|sub| sub.join(name))
        .find(|path| path.is_file()))
}

/// The gauge ids of the files named `<gauge id><suffix>` in `dir` and its sub-directories,
/// sorted and without duplicates.
pub(super) fn list_ids(dir: &Path, suffix: &str) -> Result<Vec<String>, DataError> {
    let mut ids = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(sub_dirs(dir)?);
    for d in &dirs {
        for entry in fs::read_dir(d).map_err(|e| DataError::io(d, e))? {
            let entry = entry.map_err(|e| DataError::io(d, e))?;
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(suffix)) else {
                continue;
            };
            if super::is_gauge_id(id) {
                ids.push(id.to_string());
            }
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}
