//! The session's accepted inputs, in order, and their rendering as a `.hydro` script (for
//! `:save`, and the run directory's `script.hydro`) that `hydro run` reproduces.
//!
//! `use` paths of local files are relative to the folder of the text that wrote them (the
//! current folder for typed lines, the script's folder for `:load`ed files); when the script is
//! written elsewhere they are made absolute so that they still resolve.

use std::path::{Path, PathBuf};

use crate::syntax::ast::Statement;
use crate::syntax::{parser, SourceId};

/// One accepted input.
#[derive(Debug, Clone)]
enum Entry {
    /// Typed at the prompt (a bare expression is kept as the `print` it ran as).
    Typed(String),
    /// Run with `:load`.
    Loaded {
        /// The file as given.
        path: PathBuf,
        /// Its text when it was loaded.
        text: String,
    },
}

/// The accepted inputs of a session.
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    entries: Vec<Entry>,
}

impl Transcript {
    /// Records a typed input.
    pub fn push_typed(&mut self, text: &str) {
        self.entries.push(Entry::Typed(text.trim_end().to_string()));
    }

    /// Records a loaded script.
    pub fn push_loaded(&mut self, path: &Path, text: &str) {
        self.entries.push(Entry::Loaded {
            path: path.to_path_buf(),
            text: text.to_string(),
        });
    }

    /// Forgets every input.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many inputs were accepted.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no input was accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The inputs as one script to be written into the folder `target`.
    pub fn render(&self, target: &Path) -> String {
        let here = std::env::current_dir().unwrap_or_default();
        let mut out = String::from(
            "# Saved from a hydro REPL session; `hydro run` on this file reproduces it.\n\n",
        );
        for entry in &self.entries {
            match entry {
                Entry::Typed(text) => {
                    out.push_str(&rewrite_uses(text, &here, target));
                    out.push('\n');
                }
                Entry::Loaded { path, text } => {
                    let base = path.parent().map_or_else(|| here.clone(), |p| here.join(p));
                    out.push_str(&format!("\n# :load {}\n", path.display()));
                    out.push_str(rewrite_uses(text, &base, target).trim_end());
                    out.push_str(&format!("\n# end of {}\n\n", path.display()));
                }
            }
        }
        out
    }
}

/// `text` with the paths of `use` statements that name local files (relative to `base`) made
/// absolute, unless `target` is the same folder as `base`. Text that does not parse is returned
/// unchanged.
fn rewrite_uses(text: &str, base: &Path, target: &Path) -> String {
    let Ok((script, _)) = parser::parse(text, SourceId(0)) else {
        return text.to_string();
    };
    let same_folder = match (base.canonicalize(), target.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let mut out = text.to_string();
    // From the end, so that earlier spans stay valid.
    for statement in script.statements.iter().rev() {
        let Statement::Use { path, span } = statement else {
            continue;
        };
        let local = base.join(path);
        if same_folder || !local.is_file() {
            continue;
        }
        if let Ok(absolute) = local.canonicalize() {
            out.replace_range(span.start..span.end, &format!("\"{}\"", absolute.display()));
        }
    }
    out
}
