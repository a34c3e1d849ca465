//! The run directory: one folder per execution of a script, holding everything needed to
//! inspect and reproduce it (the script, resolved settings, statistics, weights, tables, figures,
//! and a log of what was printed).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::error::RunError;

/// An open run directory.
#[derive(Debug)]
pub struct RunDirectory {
    /// Its path.
    pub path: PathBuf,
    /// `log.txt`, shared by the members of a sweep trained at the same time.
    log: Mutex<File>,
}

impl RunDirectory {
    /// Creates `<parent>/<stem>-<YYYYmmdd-HHMMSS>` (with a numeric suffix if it exists already);
    /// its path is absolute.
    pub fn create(parent: &Path, stem: &str) -> Result<Self, RunError> {
        // Absolute, so that paths built from it stay valid whatever joins them later.
        let parent = std::path::absolute(parent).map_err(|e| RunError::io(parent, e))?;
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut path = parent.join(format!("{stem}-{stamp}"));
        let mut suffix = 1;
        while path.exists() {
            suffix += 1;
            path = parent.join(format!("{stem}-{stamp}-{suffix}"));
        }
        fs::create_dir_all(&path).map_err(|e| RunError::io(&path, e))?;
        let log_path = path.join("log.txt");
        let log = File::create(&log_path).map_err(|e| RunError::io(&log_path, e))?;
        Ok(RunDirectory {
            path,
            log: Mutex::new(log),
        })
    }

    /// Creates (if needed) and returns a sub-folder.
    pub fn subdir(&self, relative: impl AsRef<Path>) -> Result<PathBuf, RunError> {
        let dir = self.path.join(relative);
        fs::create_dir_all(&dir).map_err(|e| RunError::io(&dir, e))?;
        Ok(dir)
    }

    /// Writes a text file at a path relative to the run directory.
    pub fn write(&self, relative: impl AsRef<Path>, text: &str) -> Result<PathBuf, RunError> {
        let path = self.path.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| RunError::io(parent, e))?;
        }
        fs::write(&path, text).map_err(|e| RunError::io(&path, e))?;
        Ok(path)
    }

    /// Prints a line to stdout and appends it to `log.txt`.
    pub fn say(&self, line: &str) {
        println!("{line}");
        self.note(line);
    }

    /// Appends a line to `log.txt` only.
    pub fn note(&self, line: &str) {
        // The log is a convenience copy of the console; failing to extend it must not stop a run.
        if let Ok(mut log) = self.log.lock() {
            let _ = writeln!(log, "{line}");
        }
    }
}
