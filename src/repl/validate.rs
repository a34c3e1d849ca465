//! Multi-line input: a statement continues on the next line while one of its blocks, lists or
//! calls is still open.

use super::lexer::{open_brackets, tokenize};

/// Whether `input` is ready to be run: a meta-command (one line), or text in which every `{`,
/// `[` and `(` outside strings and comments has been closed. Input with a stray closing
/// bracket counts as complete, so that the parser can point at it.
pub fn is_complete(input: &str) -> bool {
    input.trim_start().starts_with(':') || open_brackets(&tokenize(input)).is_empty()
}
