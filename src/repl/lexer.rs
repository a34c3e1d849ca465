//! A tolerant tokenizer of partial hydro input, for the line editor: highlighting, completion and
//! the multi-line validator read tokens of text that is usually incomplete (an open block, a
//! string still being typed), which the pest grammar would reject as a whole.

use std::ops::Range;

/// The statement keywords of the language.
pub const KEYWORDS: &[&str] = &[
    "use", "data", "model", "train", "sweep", "let", "print", "write", "on",
];

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A name (keywords included; see [`Token::is_keyword`]).
    Name,
    /// A number literal.
    Number,
    /// An ISO date `YYYY-MM-DD`.
    Date,
    /// A string literal; `closed` is false while its closing quote is missing.
    Str {
        /// The closing quote is there.
        closed: bool,
    },
    /// A `#` comment up to the end of its line.
    Comment,
    /// An opening bracket: `{`, `[` or `(`.
    Open(char),
    /// A closing bracket: `}`, `]` or `)`.
    Close(char),
    /// `,`.
    Comma,
    /// `=`.
    Equals,
    /// `.` (a field access).
    Dot,
    /// `..` (a range).
    Range,
    /// `->` (the target of `write`).
    Arrow,
    /// A line break (settings of a block are separated by line breaks or commas).
    Newline,
    /// Anything else.
    Other,
}

/// A token and the byte range it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is in the text.
    pub range: Range<usize>,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.range.clone()]
    }

    /// Whether the token is one of the statement [`KEYWORDS`].
    pub fn is_keyword(&self, source: &str) -> bool {
        self.kind == TokenKind::Name && KEYWORDS.contains(&self.text(source))
    }
}

/// Splits `text` into tokens; whitespace other than line breaks is skipped. Never fails: text
/// the language does not know becomes [`TokenKind::Other`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let kind = match c {
            b'\n' => {
                i += 1;
                TokenKind::Newline
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                TokenKind::Comment
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += 1;
                }
                let closed = i < bytes.len() && bytes[i] == b'"';
                if closed {
                    i += 1;
                }
                TokenKind::Str { closed }
            }
            b'{' | b'[' | b'(' => {
                i += 1;
                TokenKind::Open(c as char)
            }
            b'}' | b']' | b')' => {
                i += 1;
                TokenKind::Close(c as char)
            }
            b',' => {
                i += 1;
                TokenKind::Comma
            }
            b'=' => {
                i += 1;
                TokenKind::Equals
            }
            b'.' if bytes.get(i + 1) == Some(&b'.') => {
                i += 2;
                TokenKind::Range
            }
            b'.' => {
                i += 1;
                TokenKind::Dot
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                TokenKind::Arrow
            }
            b'-' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number_end(bytes, i + 1);
                TokenKind::Number
            }
            b'0'..=b'9' => match date_end(bytes, i) {
                Some(end) => {
                    i = end;
                    TokenKind::Date
                }
                None => {
                    i = number_end(bytes, i);
                    TokenKind::Number
                }
            },
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                TokenKind::Name
            }
            _ => {
                // One whole character, so that ranges stay on character boundaries.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                TokenKind::Other
            }
        };
        tokens.push(Token {
            kind,
            range: start..i,
        });
    }
    tokens
}

/// The end of a number starting with a digit at `i`: digits, an optional fraction, an optional
/// exponent.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |bytes: &[u8], mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(bytes, i);
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(bytes, i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
        if bytes.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i = digits(bytes, i + 1 + sign);
        }
    }
    i
}

/// The end of a date `DDDD-D[D]-D[D]` starting at `i`, if one starts there.
fn date_end(bytes: &[u8], i: usize) -> Option<usize> {
    let run = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    if run(i) != 4 || bytes.get(i + 4) != Some(&b'-') {
        return None;
    }
    let month = run(i + 5);
    if !(1..=2).contains(&month) || bytes.get(i + 5 + month) != Some(&b'-') {
        return None;
    }
    let day = run(i + 6 + month);
    (1..=2).contains(&day).then_some(i + 6 + month + day)
}

/// The brackets still open at the end of `text` (outside strings and comments), innermost last,
/// each with the index of its token. A closing bracket that does not match is ignored: the parser
/// reports it once the input is submitted.
pub fn open_brackets(tokens: &[Token]) -> Vec<(char, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::Open(c) => stack.push((c, index)),
            TokenKind::Close(c) if stack.last().is_some_and(|(open, _)| matching(*open) == c) => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
}

/// The closing bracket of an opening one.
pub fn matching(open: char) -> char {
    match open {
        '{' => '}',
        '[' => ']',
        _ => ')',
    }
}
