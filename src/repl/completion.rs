//! Tab completion: which words fit at the cursor. Statement keywords at the start of a statement;
//! data sources, models and declarations after `data X =`, `model X =`, `train X =` and `on`;
//! the settings of the declaration whose block the cursor is in; the accepted names of a setting
//! after `name =` (losses after `loss =`, metrics inside `metrics = [`, forcing variables inside
//! `inputs = [`); named arguments of calls; names in scope in expressions; meta-commands, help
//! topics and names after `:help` and `:show`; file paths inside strings and after `:load`/`:save`.
//!
//! [`complete`] is a pure function of the text, the cursor and a [`Scope`] snapshot, so that it
//! can be tested without a terminal; the line editor's helper turns its answer into candidates.

use std::collections::HashMap;

use super::help;
use super::lexer::{open_brackets, tokenize, Token, TokenKind, KEYWORDS};
use super::meta::COMMANDS;
use crate::analysis::metrics::METRICS;
use crate::checking::library::{
    self, constructors, described_calls, CallSpec, ANALYSES, FUNCTIONS, TRAIN_PARAMS,
};
use crate::checking::params::{Param, ParamKind};
use crate::checking::value::Value;
use crate::checking::{stdlib, Checker};
use crate::syntax::ast::DeclKind;

/// What completion knows about the session: the names in scope, the constructor each
/// declaration was built from (whose settings its blocks accept), and what each `let` value is.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    names: Vec<(String, &'static str)>,
    constructors: HashMap<String, &'static CallSpec>,
    values: HashMap<String, ValueClass>,
}

/// The rough type of a `let` value, to propose it only where it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueClass {
    Number,
    Text,
    Period,
    /// A list of names, e.g. forcing variables or attributes.
    Names,
    /// A list of strings, e.g. basin ids.
    Texts,
    Other,
}

impl Scope {
    /// A snapshot of the checker's scope.
    pub fn from_checker(checker: &Checker) -> Self {
        let names = checker.names_in_scope();
        let constructors = names
            .iter()
            .filter_map(|(name, _)| {
                let (_, constructor, _) = checker.declaration(name)?;
                Some((name.clone(), constructor))
            })
            .collect();
        let values = names
            .iter()
            .filter_map(|(name, _)| Some((name.clone(), classify(checker.value(name)?))))
            .collect();
        Scope {
            names,
            constructors,
            values,
        }
    }

    /// Names in scope holding `kind` (`data`, `model`, `train` or `value`).
    fn of_kind(&self, kind: &str) -> impl Iterator<Item = String> + '_ {
        let kind = kind.to_string();
        self.names
            .iter()
            .filter(move |(_, k)| *k == kind)
            .map(|(n, _)| n.clone())
    }

    /// `let` names whose values are of one of `classes`.
    fn values(&self, classes: &[ValueClass]) -> Vec<String> {
        self.values
            .iter()
            .filter(|(_, class)| classes.contains(class))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Every name in scope.
    fn all(&self) -> impl Iterator<Item = String> + '_ {
        self.names.iter().map(|(n, _)| n.clone())
    }
}

/// The class of a value.
fn classify(value: &Value) -> ValueClass {
    match value {
        Value::Integer(_) | Value::Number(_) => ValueClass::Number,
        Value::Text(_) | Value::Path(_) => ValueClass::Text,
        Value::Period(_) => ValueClass::Period,
        Value::BasinFile(_) => ValueClass::Texts,
        Value::List(items)
            if items.iter().all(|i| matches!(i.value, Value::Text(_))) && !items.is_empty() =>
        {
            ValueClass::Texts
        }
        Value::List(items) if items.iter().all(|i| matches!(i.value, Value::Symbol(_))) => {
            ValueClass::Names
        }
        _ => ValueClass::Other,
    }
}

/// The answer to a completion request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// Replace the text from `start` to the cursor with one of `words` (sorted, without
    /// duplicates; empty when nothing fits).
    Words {
        /// Byte offset where the word being completed starts.
        start: usize,
        /// The candidates, all starting with the text typed so far.
        words: Vec<String>,
    },
    /// Complete a file path that starts at `start`; `extra` are further candidates for the same
    /// range (standard-library files inside `use "..."`).
    Path {
        /// Byte offset where the path starts.
        start: usize,
        /// Candidates beside the files on disk.
        extra: Vec<String>,
    },
}

/// The completions of `line` with the cursor at byte `pos`.
pub fn complete(line: &str, pos: usize, scope: &Scope) -> Completion {
    let mut pos = pos.min(line.len());
    while !line.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &line[..pos];
    if let Some(meta) = complete_meta(before, scope) {
        return meta;
    }
    let tokens: Vec<Token> = tokenize(before);
    let nothing = Completion::Words {
        start: pos,
        words: Vec::new(),
    };
    let (start, context) = match tokens.last() {
        Some(t) if t.kind == (TokenKind::Str { closed: false }) => {
            let content = t.range.start + 1;
            let prefix = &before[content..];
            let in_use = statement_keyword(&tokens[..tokens.len() - 1], before) == Some("use");
            let extra = if in_use {
                stdlib::FILES
                    .iter()
                    .map(|(name, _)| name.to_string())
                    .filter(|name| name.starts_with(prefix))
                    .collect()
            } else {
                Vec::new()
            };
            return Completion::Path {
                start: content,
                extra,
            };
        }
        Some(t) if t.range.end == pos && t.kind == TokenKind::Name => {
            (t.range.start, &tokens[..tokens.len() - 1])
        }
        Some(t)
            if t.range.end == pos
                && !matches!(
                    t.kind,
                    TokenKind::Open(_)
                        | TokenKind::Close(_)
                        | TokenKind::Comma
                        | TokenKind::Equals
                        | TokenKind::Dot
                        | TokenKind::Range
                        | TokenKind::Arrow
                        | TokenKind::Newline
                ) =>
        {
            return nothing;
        }
        _ => (pos, &tokens[..]),
    };
    let context: Vec<Token> = context
        .iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .cloned()
        .collect();
    let prefix = &before[start..];
    let mut words: Vec<String> = candidates(&context, before, scope)
        .into_iter()
        .filter(|w| w.starts_with(prefix))
        .collect();
    words.sort();
    words.dedup();
    Completion::Words { start, words }
}

/// Completions of meta-commands and their arguments, if `before` is one.
fn complete_meta(before: &str, scope: &Scope) -> Option<Completion> {
    let trimmed = before.trim_start();
    if !trimmed.starts_with(':') {
        return None;
    }
    let offset = before.len() - trimmed.len();
    let Some(space) = trimmed.find(char::is_whitespace) else {
        let words = COMMANDS
            .iter()
            .map(|c| format!(":{}", c.name))
            .filter(|c| c.starts_with(trimmed))
            .collect::<Vec<_>>();
        let mut words = words;
        words.sort();
        return Some(Completion::Words {
            start: offset,
            words,
        });
    };
    let command = &trimmed[1..space];
    let argument = trimmed[space..].trim_start();
    let start = before.len() - argument.len();
    if argument.contains(char::is_whitespace) {
        return Some(Completion::Words {
            start,
            words: Vec::new(),
        });
    }
    let words: Vec<String> = match command {
        "help" => help::topics().into_iter().map(String::from).collect(),
        "show" => scope.all().collect(),
        "load" | "save" => {
            return Some(Completion::Path {
                start,
                extra: Vec::new(),
            })
        }
        _ => Vec::new(),
    };
    let mut words: Vec<String> = words
        .into_iter()
        .filter(|w| w.starts_with(argument))
        .collect();
    words.sort();
    words.dedup();
    Some(Completion::Words { start, words })
}

/// A token, or a bracketed group that is already closed.
#[derive(Debug, Clone, Copy)]
enum Item<'t> {
    Token(&'t Token),
    Group,
}

impl Item<'_> {
    fn kind(&self) -> Option<TokenKind> {
        match self {
            Item::Token(t) => Some(t.kind),
            Item::Group => None,
        }
    }

    fn name<'s>(&self, source: &'s str) -> Option<&'s str> {
        match self {
            Item::Token(t) if t.kind == TokenKind::Name => Some(t.text(source)),
            _ => None,
        }
    }

    /// Whether the item ends a value (so that what follows starts something new).
    fn ends_value(&self) -> bool {
        match self {
            Item::Group => true,
            Item::Token(t) => matches!(
                t.kind,
                TokenKind::Name | TokenKind::Number | TokenKind::Date | TokenKind::Str { .. }
            ),
        }
    }
}

/// Collapses closed bracket groups into single items; unmatched openers stay tokens.
fn collapse(tokens: &[Token]) -> Vec<Item<'_>> {
    let mut out: Vec<Item<'_>> = Vec::new();
    let mut openers: Vec<(char, usize)> = Vec::new();
    for token in tokens {
        match token.kind {
            TokenKind::Open(c) => {
                openers.push((c, out.len()));
                out.push(Item::Token(token));
            }
            TokenKind::Close(c) => match openers.last() {
                Some(&(open, at)) if super::lexer::matching(open) == c => {
                    openers.pop();
                    out.truncate(at);
                    out.push(Item::Group);
                }
                _ => out.push(Item::Token(token)),
            },
            _ => out.push(Item::Token(token)),
        }
    }
    out
}

/// The keyword of the statement the end of `tokens` belongs to (at the outermost level).
fn statement_keyword<'s>(tokens: &[Token], source: &'s str) -> Option<&'s str> {
    let items = collapse(tokens);
    statement(&items, source)
        .first()
        .and_then(|i| i.name(source))
        .filter(|k| KEYWORDS.contains(k))
}

/// The items of the last statement in `items` (from its keyword on), or all of them when no
/// statement keyword is there.
fn statement<'a, 't>(items: &'a [Item<'t>], source: &str) -> &'a [Item<'t>] {
    let start = items
        .iter()
        .rposition(
            |i| matches!(i, Item::Token(t) if t.is_keyword(source) && t.text(source) != "on"),
        )
        .unwrap_or(0);
    &items[start..]
}

/// The words that fit after `tokens` (comments removed).
fn candidates(tokens: &[Token], source: &str, scope: &Scope) -> Vec<String> {
    if tokens.last().is_some_and(|t| t.kind == TokenKind::Dot) {
        return vec!["median".into(), "mean".into()];
    }
    let stack = open_brackets(tokens);
    let Some(&(open, at)) = stack.last() else {
        let items = collapse(tokens);
        let items: Vec<Item<'_>> = items
            .into_iter()
            .filter(|i| i.kind() != Some(TokenKind::Newline))
            .collect();
        return statement_candidates(statement(&items, source), source, scope);
    };
    let separator_newline = open == '{';
    let inner = collapse(&tokens[at + 1..]);
    let first_argument = !inner.iter().any(|i| i.kind() == Some(TokenKind::Comma));
    let segment_start = inner
        .iter()
        .rposition(|i| {
            i.kind() == Some(TokenKind::Comma)
                || (separator_newline && i.kind() == Some(TokenKind::Newline))
        })
        .map_or(0, |p| p + 1);
    let segment: Vec<Item<'_>> = inner[segment_start..]
        .iter()
        .copied()
        .filter(|i| i.kind() != Some(TokenKind::Newline))
        .collect();
    match open {
        '{' => {
            let params = block_params(&tokens[..at], source, scope);
            setting_candidates(&segment, params, source, scope)
        }
        '(' => {
            let before = collapse(&tokens[..at]);
            let callee = before.last().and_then(|i| i.name(source)).unwrap_or("");
            if callee == "evaluate" && first_argument && segment.is_empty() {
                return scope.of_kind("train").collect();
            }
            let spec = FUNCTIONS
                .iter()
                .chain(described_calls())
                .chain(ANALYSES.iter().map(|a| &a.call))
                .find(|f| f.name == callee);
            let takes_inputs = library::analysis(callee).is_some();
            match spec {
                Some(_) if takes_inputs && first_argument && segment.is_empty() => {
                    expression_candidates(scope)
                }
                Some(spec) if !matches!(callee, "data_dir" | "basin_file") => {
                    setting_candidates(&segment, Some(spec.params), source, scope)
                }
                Some(_) => Vec::new(),
                None => expression_candidates(scope),
            }
        }
        _ => {
            let before = collapse(&tokens[..at]);
            let key = match before.as_slice() {
                [.., name, Item::Token(eq)] if eq.kind == TokenKind::Equals => name.name(source),
                _ => None,
            };
            let enclosing = stack.len().checked_sub(2).map(|i| stack[i]);
            let params = match enclosing {
                Some(('{', at)) => block_params(&tokens[..at], source, scope),
                Some(('(', at)) => {
                    let before = collapse(&tokens[..at]);
                    let callee = before.last().and_then(|i| i.name(source)).unwrap_or("");
                    FUNCTIONS
                        .iter()
                        .chain(described_calls())
                        .chain(ANALYSES.iter().map(|a| &a.call))
                        .find(|f| f.name == callee)
                        .map(|f| f.params)
                }
                _ => None,
            };
            let param = key.and_then(|k| params.and_then(|ps| ps.iter().find(|p| p.name == k)));
            match param {
                Some(param) => list_item_candidates(param),
                None if enclosing.is_none() => expression_candidates(scope),
                None => Vec::new(),
            }
        }
    }
}

/// Candidates at the outermost level, given the items of the current statement.
fn statement_candidates(st: &[Item<'_>], source: &str, scope: &Scope) -> Vec<String> {
    let new_statement = || -> Vec<String> {
        KEYWORDS
            .iter()
            .filter(|k| **k != "on")
            .map(|k| k.to_string())
            .collect()
    };
    let Some(first) = st
        .first()
        .and_then(|i| i.name(source))
        .filter(|k| KEYWORDS.contains(k))
    else {
        // A bare expression, or the start of the input.
        return if st.is_empty() {
            new_statement()
                .into_iter()
                .chain(expression_candidates(scope))
                .collect()
        } else {
            expression_after(st, scope, new_statement)
        };
    };
    let is = |i: usize, kind: TokenKind| st.get(i).and_then(Item::kind) == Some(kind);
    match first {
        "data" | "model" => {
            let kind = if first == "data" {
                DeclKind::Data
            } else {
                DeclKind::Model
            };
            match st.len() {
                3 if is(2, TokenKind::Equals) => constructors(kind)
                    .iter()
                    .map(|c| c.name.to_string())
                    .chain(scope.of_kind(kind.keyword()))
                    .collect(),
                n if n >= 4 => new_statement(),
                _ => Vec::new(),
            }
        }
        "train" => match st.len() {
            3 if is(2, TokenKind::Equals) => scope.of_kind("model").collect(),
            4 => vec!["on".into()],
            5 if st[4].name(source) == Some("on") => scope.of_kind("data").collect(),
            n if n >= 6 => new_statement(),
            _ => Vec::new(),
        },
        "sweep" => match st.len() {
            3 if is(2, TokenKind::Equals) => scope.of_kind("train").collect(),
            n if n >= 4 => new_statement(),
            _ => Vec::new(),
        },
        "let" if st.len() >= 3 && is(2, TokenKind::Equals) => {
            expression_after(&st[3..], scope, new_statement)
        }
        "print" => expression_after(&st[1..], scope, new_statement),
        "write" if !st.iter().any(|i| i.kind() == Some(TokenKind::Arrow)) => {
            expression_after(&st[1..], scope, new_statement)
        }
        "write" if st.last().is_some_and(Item::ends_value) => new_statement(),
        "use" if st.len() >= 2 => new_statement(),
        _ => Vec::new(),
    }
}

/// Candidates after the items of an expression typed so far: a value where one is expected,
/// else (after a complete value) the start of a new statement.
fn expression_after(
    items: &[Item<'_>],
    scope: &Scope,
    new_statement: impl Fn() -> Vec<String>,
) -> Vec<String> {
    match items.last() {
        Some(last) if last.ends_value() => new_statement(),
        _ => expression_candidates(scope),
    }
}

/// Names that can start an expression: names in scope and functions.
fn expression_candidates(scope: &Scope) -> Vec<String> {
    scope
        .all()
        .chain(FUNCTIONS.iter().map(|f| f.name.to_string()))
        .chain(ANALYSES.iter().map(|a| a.name().to_string()))
        .collect()
}

/// The settings accepted by the block that follows `tokens` (a declaration's header).
fn block_params(tokens: &[Token], source: &str, scope: &Scope) -> Option<&'static [Param]> {
    let items = collapse(tokens);
    let items: Vec<Item<'_>> = items
        .into_iter()
        .filter(|i| i.kind() != Some(TokenKind::Newline))
        .collect();
    let st = statement(&items, source);
    match st.first().and_then(|i| i.name(source))? {
        "train" | "sweep" => Some(TRAIN_PARAMS),
        keyword @ ("data" | "model") => {
            let kind = if keyword == "data" {
                DeclKind::Data
            } else {
                DeclKind::Model
            };
            let base = st.get(3).and_then(|i| i.name(source))?;
            constructors(kind)
                .iter()
                .find(|c| c.name == base)
                .or_else(|| scope.constructors.get(base).copied())
                .map(|c| c.params)
        }
        _ => None,
    }
}

/// Candidates inside a block or a call's arguments: setting names where one starts, accepted
/// values after `name =`.
fn setting_candidates(
    segment: &[Item<'_>],
    params: Option<&'static [Param]>,
    source: &str,
    scope: &Scope,
) -> Vec<String> {
    let Some(params) = params else {
        return Vec::new();
    };
    let names = || {
        params
            .iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>()
    };
    match segment {
        [] => names(),
        [name, Item::Token(eq), value @ ..] if eq.kind == TokenKind::Equals => {
            if value.last().is_some_and(Item::ends_value) {
                return names();
            }
            match name
                .name(source)
                .and_then(|n| params.iter().find(|p| p.name == n))
            {
                Some(param) => value_candidates(param, scope),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Names accepted as the value of `param`.
fn value_candidates(param: &Param, scope: &Scope) -> Vec<String> {
    use ValueClass as C;
    let with = |first: &str, classes: &[ValueClass]| {
        let mut words = scope.values(classes);
        words.push(first.to_string());
        words
    };
    match param.kind {
        ParamKind::Choice(options) => options.iter().map(|o| o.to_string()).collect(),
        ParamKind::OneOf(specs) => specs.iter().map(|s| s.name.to_string()).collect(),
        ParamKind::Path => with("data_dir", &[C::Text]),
        ParamKind::Text => scope.values(&[C::Text]),
        ParamKind::Texts => scope.values(&[C::Texts]),
        ParamKind::Name | ParamKind::Numbers { .. } => Vec::new(),
        ParamKind::Basins => with("basin_file", &[C::Texts]),
        ParamKind::Names(_) | ParamKind::Metrics => scope.values(&[C::Names]),
        ParamKind::Period => scope.values(&[C::Period]),
        ParamKind::Integer { .. } | ParamKind::Number { .. } => scope.values(&[C::Number]),
    }
}

/// Names accepted as items of the list value of `param`.
fn list_item_candidates(param: &Param) -> Vec<String> {
    match param.kind {
        ParamKind::Names(Some(options)) => options.iter().map(|o| o.to_string()).collect(),
        ParamKind::Metrics => METRICS.iter().map(|m| m.name.to_string()).collect(),
        _ => Vec::new(),
    }
}
