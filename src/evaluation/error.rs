//! Errors while running a checked plan: script diagnostics (pointing at the statement whose data
//! or settings failed) and failures to write the run directory.

use std::path::{Path, PathBuf};

use crate::syntax::ScriptError;

/// Why a run stopped.
#[derive(Debug)]
pub enum RunError {
    /// A problem attributable to a place in the script (e.g. a basin missing in the data).
    Script(Box<ScriptError>),
    /// A file of the run directory could not be written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Anything else with a message and a help line (e.g. a device not built in).
    Other {
        /// What went wrong.
        message: String,
        /// What to do.
        help: String,
    },
}

impl RunError {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        RunError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<ScriptError> for RunError {
    fn from(error: ScriptError) -> Self {
        RunError::Script(Box::new(error))
    }
}

/// A diagnostic's help text, if it has one.
pub fn help_of(diagnostic: &dyn miette::Diagnostic) -> Option<String> {
    diagnostic.help().map(|h| h.to_string())
}
