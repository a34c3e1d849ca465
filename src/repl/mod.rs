//! `hydro repl`: an exploratory session. Statements run as soon as they are complete and
//! everything defined stays in memory (trained runs are not retrained when a later line refers
//! to them); meta-commands (`:help`, `:load`, `:vars`, `:show`, `:save`, `:reset`, `:quit`)
//! inspect and manage the session. The line editor completes keywords, names in scope, settings
//! and file paths, highlights the syntax, continues lines while a bracket is open, and keeps a
//! history in the user's data directory.
//!
//! Files: [`session`] (what inputs do), [`meta`] (commands), [`help`], [`inspect`] (`:vars`,
//! `:show`, printed values), [`transcript`] (`:save`), [`completion`], [`highlight`],
//! [`validate`], [`lexer`] (shared by the three), [`helper`] (rustyline), [`interrupt`] (Ctrl-C).

pub mod completion;
pub mod help;
pub mod helper;
pub mod highlight;
pub mod inspect;
pub mod interrupt;
pub mod lexer;
pub mod meta;
pub mod session;
pub mod transcript;
pub mod validate;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::Editor;

pub use interrupt::install_interrupt_handler;
pub use session::{Flow, Repl, ReplOptions};

/// The prompt.
const PROMPT: &str = "hydro> ";

/// Whether output should be coloured: stdout is a terminal, `NO_COLOR` is not set and the
/// terminal is not `dumb`.
pub fn colours_enabled() -> bool {
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// The history file: `<data dir>/hydro/history.txt` (e.g. `~/.local/share/hydro/history.txt`).
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("hydro").join("history.txt"))
}

/// Runs the REPL until `:quit` or Ctrl-D.
pub fn run(options: ReplOptions) -> ExitCode {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .max_history_size(10_000)
        .and_then(|c| c.history_ignore_dups(true))
        .map(|c| c.build());
    let mut editor: Editor<helper::ReplHelper, FileHistory> =
        match config.and_then(Editor::with_config) {
            Ok(editor) => editor,
            Err(e) => {
                eprintln!("error: cannot start the line editor: {e}");
                return ExitCode::FAILURE;
            }
        };
    editor.set_helper(Some(helper::ReplHelper::new(options.colours)));
    let history = open_history(&mut editor);
    let mut history_warned = false;
    println!(
        "hydro {} REPL: statements run as you enter them; `:help` for help, Tab completes, Ctrl-D quits",
        env!("CARGO_PKG_VERSION")
    );
    let mut repl = Repl::new(options);
    loop {
        if let Some(helper) = editor.helper_mut() {
            helper.scope = repl.scope();
        }
        match editor.readline(PROMPT) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    // A rejected entry (a duplicate) is not an error.
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(path) = &history {
                        if let Err(e) = editor.save_history(path) {
                            if !history_warned {
                                eprintln!(
                                    "warning: cannot write the history file {}: {e}",
                                    path.display()
                                );
                                history_warned = true;
                            }
                        }
                    }
                }
                if repl.handle(&line) == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: cannot read the input: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// Creates the history file's folder and loads earlier history; problems are warnings.
fn open_history(editor: &mut Editor<helper::ReplHelper, FileHistory>) -> Option<PathBuf> {
    let Some(path) = history_path() else {
        eprintln!("warning: no user data directory; the history is not kept");
        return None;
    };
    if let Some(folder) = path.parent() {
        if let Err(e) = std::fs::create_dir_all(folder) {
            eprintln!(
                "warning: cannot create {}: {e}; the history is not kept",
                folder.display()
            );
            return None;
        }
    }
    if path.exists() {
        if let Err(e) = editor.load_history(&path) {
            eprintln!(
                "warning: cannot read the history file {}: {e}",
                path.display()
            );
        }
    }
    Some(path)
}
