//! Syntax highlighting of the line being edited: keywords (outside brackets), strings, numbers
//! and dates, comments and meta-commands in ANSI colours.

use super::lexer::{tokenize, TokenKind};

const RESET: &str = "\x1b[0m";
const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[2;37m";
const COMMAND: &str = "\x1b[1;34m";
/// The colour of hints (text suggested after the cursor).
pub const HINT: &str = "\x1b[2m";
/// The colour of the prompt.
pub const PROMPT: &str = "\x1b[1;32m";

/// `line` with ANSI colours around keywords, strings, numbers, dates, comments and a leading
/// meta-command. The text between the escape codes is `line` unchanged.
pub fn highlight(line: &str) -> String {
    let trimmed = line.trim_start();
    if trimmed.starts_with(':') {
        let indent = line.len() - trimmed.len();
        let end = trimmed
            .find(char::is_whitespace)
            .map_or(line.len(), |e| indent + e);
        return format!(
            "{}{COMMAND}{}{RESET}{}",
            &line[..indent],
            &line[indent..end],
            &line[end..]
        );
    }
    let mut out = String::with_capacity(line.len() + 16);
    let mut at = 0;
    // Keywords only count outside brackets: `train` inside a block is a setting.
    let mut depth = 0usize;
    for token in tokenize(line) {
        let colour = match token.kind {
            TokenKind::Open(_) => {
                depth += 1;
                continue;
            }
            TokenKind::Close(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            TokenKind::Name if depth == 0 && token.is_keyword(line) => KEYWORD,
            TokenKind::Str { .. } => STRING,
            TokenKind::Number | TokenKind::Date => NUMBER,
            TokenKind::Comment => COMMENT,
            _ => continue,
        };
        out.push_str(&line[at..token.range.start]);
        out.push_str(colour);
        out.push_str(token.text(line));
        out.push_str(RESET);
        at = token.range.end;
    }
    out.push_str(&line[at..]);
    out
}

/// Wraps `text` in a colour.
pub fn paint(colour: &str, text: &str) -> String {
    format!("{colour}{text}{RESET}")
}
