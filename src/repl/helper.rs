//! The line editor's helper: completion, history hints, syntax highlighting and the multi-line
//! validator, wired into rustyline.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::completion::{complete, Completion, Scope};
use super::highlight::{self, highlight, paint};
use super::validate::is_complete;

/// The helper of the REPL's line editor.
pub struct ReplHelper {
    /// The names in scope, refreshed after every input.
    pub scope: Scope,
    colours: bool,
    files: FilenameCompleter,
    history: HistoryHinter,
}

impl ReplHelper {
    /// A helper that highlights in colour when `colours` is true.
    pub fn new(colours: bool) -> Self {
        ReplHelper {
            scope: Scope::default(),
            colours,
            files: FilenameCompleter::new(),
            history: HistoryHinter::new(),
        }
    }
}

/// A candidate that shows and inserts `word`.
fn pair(word: String) -> Pair {
    Pair {
        display: word.clone(),
        replacement: word,
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match complete(line, pos, &self.scope) {
            Completion::Words { start, words } => {
                Ok((start, words.into_iter().map(pair).collect()))
            }
            Completion::Path { start, extra } => {
                let (from, mut files) = self.files.complete_path(line, pos)?;
                if files.is_empty() {
                    return Ok((start, extra.into_iter().map(pair).collect()));
                }
                if from == start {
                    files.extend(extra.into_iter().map(pair));
                }
                Ok((from, files))
            }
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.history.hint(line, pos, ctx)
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.colours {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.colours {
            Cow::Owned(paint(highlight::PROMPT, prompt))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colours {
            Cow::Owned(paint(highlight::HINT, hint))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colours
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl Helper for ReplHelper {}
