//! Script text -> AST with pest (`grammar/hydro.pest`); syntax errors become [`ScriptError`]s.

use chrono::NaiveDate;
use pest::iterators::Pair;
use pest::Parser;

use super::ast::*;
use super::diagnostic::ScriptError;
use super::source::{SourceId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/hydro.pest"]
struct HydroParser;

/// Parses a whole script. A syntax error stops parsing and is returned alone. Malformed literals
/// (such as the date `2008-13-01`) are reported beside the script, in which they become
/// [`ExprKind::Invalid`], so that checking can go on and find every other error.
pub fn parse(text: &str, source: SourceId) -> Result<(Script, Vec<ScriptError>), Vec<ScriptError>> {
    let mut pairs =
        HydroParser::parse(Rule::script, text).map_err(|e| vec![syntax_error(e, source)])?;
    let script = pairs
        .next()
        .expect("the script rule always yields one pair");
    let mut builder = Builder {
        source,
        errors: Vec::new(),
    };
    let statements = script
        .into_inner()
        .filter(|p| p.as_rule() != Rule::EOI)
        .map(|p| builder.statement(p))
        .collect();
    Ok((Script { statements }, builder.errors))
}

fn syntax_error(error: pest::error::Error<Rule>, source: SourceId) -> ScriptError {
    let (start, end) = match error.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    ScriptError::new(Span { source, start, end }, "syntax error")
        .with_label(format!("expected {expected}"))
        .with_help(
            "statements are `use`, `data`, `model`, `train`, `let`, `print` and `write`; settings go \
             in braces as `name = value`",
        )
}

fn describe_expected(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = rules
        .iter()
        .map(|r| match r {
            Rule::EOI => "end of input",
            Rule::use_stmt | Rule::kw_use => "`use`",
            Rule::declaration
            | Rule::decl_kind
            | Rule::kw_data
            | Rule::kw_model
            | Rule::kw_train
            | Rule::kw_sweep => "a declaration",
            Rule::let_stmt | Rule::kw_let => "`let`",
            Rule::print_stmt | Rule::kw_print => "`print`",
            Rule::write_stmt | Rule::kw_write => "`write`",
            Rule::kw_on => "`on`",
            Rule::block => "`{`",
            Rule::setting => "a setting `name = value`",
            Rule::expr | Rule::atom | Rule::argument => "a value",
            Rule::ident | Rule::name => "a name",
            Rule::string => "a string",
            Rule::date => "a date",
            Rule::number => "a number",
            Rule::list => "a list",
            Rule::call => "a call",
            _ => "something else",
        })
        .collect();
    names.sort();
    names.dedup();
    match names.len() {
        0 => "something else".to_string(),
        1 => names[0].to_string(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {last}", names.join(", "))
        }
    }
}

struct Builder {
    source: SourceId,
    errors: Vec<ScriptError>,
}

impl Builder {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span {
            source: self.source,
            start: s.start(),
            end: s.end(),
        }
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn statement(&mut self, pair: Pair<Rule>) -> Statement {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        match rule {
            Rule::use_stmt => {
                let _keyword = inner.next();
                let string = inner.next().expect("use has a string");
                Statement::Use {
                    span: self.span(&string),
                    path: string_contents(string),
                }
            }
            Rule::declaration => {
                let kind = match inner
                    .next()
                    .expect("kind")
                    .into_inner()
                    .next()
                    .map(|p| p.as_rule())
                {
                    Some(Rule::kw_data) => DeclKind::Data,
                    Some(Rule::kw_model) => DeclKind::Model,
                    Some(Rule::kw_sweep) => DeclKind::Sweep,
                    _ => DeclKind::Train,
                };
                let name = self.name(inner.next().expect("name"));
                let base = self.name(inner.next().expect("base"));
                let mut on = None;
                let mut settings = Vec::new();
                for part in inner {
                    match part.as_rule() {
                        Rule::kw_on => {}
                        Rule::ident => on = Some(self.name(part)),
                        Rule::block => settings = self.settings(part),
                        _ => {}
                    }
                }
                Statement::Declaration(Declaration {
                    kind,
                    name,
                    base,
                    on,
                    settings,
                    span,
                })
            }
            Rule::let_stmt => {
                let _keyword = inner.next();
                let name = self.name(inner.next().expect("name"));
                let value = self.expr(inner.next().expect("value"));
                Statement::Let { name, value }
            }
            Rule::print_stmt => {
                let _keyword = inner.next();
                Statement::Print {
                    value: self.expr(inner.next().expect("value")),
                    span,
                }
            }
            Rule::write_stmt => {
                let _keyword = inner.next();
                let value = self.expr(inner.next().expect("value"));
                let target = self.expr(inner.next().expect("target"));
                Statement::Write {
                    value,
                    target,
                    span,
                }
            }
            other => unreachable!("not a statement: {other:?}"),
        }
    }

    fn settings(&mut self, block: Pair<Rule>) -> Vec<Setting> {
        block.into_inner().map(|s| self.setting(s)).collect()
    }

    fn setting(&mut self, pair: Pair<Rule>) -> Setting {
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("setting name"));
        let value = self.expr(inner.next().expect("setting value"));
        Setting { name, value }
    }

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let mut inner = pair.into_inner();
                let first = self.expr(inner.next().expect("atom"));
                match inner.next() {
                    Some(second) => Expr {
                        kind: ExprKind::Range(Box::new(first), Box::new(self.expr(second))),
                        span,
                    },
                    None => first,
                }
            }
            Rule::atom => {
                let mut inner = pair.into_inner();
                let mut value = self.expr(inner.next().expect("primary"));
                for field in inner {
                    let field = self.name(field);
                    let span = value.span.to(field.span);
                    value = Expr {
                        kind: ExprKind::Member(Box::new(value), field),
                        span,
                    };
                }
                value
            }
            Rule::number => {
                let text = pair.as_str();
                let integer = !text.contains(['.', 'e', 'E']);
                let value = text.parse::<f64>().unwrap_or(f64::NAN);
                Expr {
                    kind: ExprKind::Number { value, integer },
                    span,
                }
            }
            Rule::string => Expr {
                kind: ExprKind::Str(string_contents(pair)),
                span,
            },
            Rule::date => {
                let text = pair.as_str();
                let kind = match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                    Ok(date) if text.len() == 10 => ExprKind::Date(date),
                    _ => {
                        self.errors.push(
                            ScriptError::new(span, format!("malformed date `{text}`"))
                                .with_label("not a valid calendar date in the form YYYY-MM-DD")
                                .with_help("write dates as ISO 8601, e.g. 1999-10-01"),
                        );
                        ExprKind::Invalid
                    }
                };
                Expr { kind, span }
            }
            Rule::list => Expr {
                kind: ExprKind::List(pair.into_inner().map(|p| self.expr(p)).collect()),
                span,
            },
            Rule::name => Expr {
                kind: ExprKind::Name(pair.as_str().to_string()),
                span,
            },
            Rule::call => {
                let mut inner = pair.into_inner();
                let callee = self.name(inner.next().expect("callee"));
                let mut positional = Vec::new();
                let mut named = Vec::new();
                for argument in inner {
                    let arg = argument.into_inner().next().expect("argument");
                    if arg.as_rule() == Rule::named_arg {
                        named.push(self.setting(arg));
                    } else {
                        positional.push(self.expr(arg));
                    }
                }
                Expr {
                    kind: ExprKind::Call {
                        callee,
                        positional,
                        named,
                    },
                    span,
                }
            }
            other => unreachable!("not an expression: {other:?}"),
        }
    }
}

fn string_contents(pair: Pair<Rule>) -> String {
    pair.into_inner()
        .next()
        .map(|body| body.as_str().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Script {
        let (script, errors) = parse(text, SourceId(0)).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(errors.is_empty(), "{errors:?}");
        script
    }

    fn let_value(text: &str) -> ExprKind {
        match parse_ok(text).statements.remove(0) {
            Statement::Let { value, .. } => value.kind,
            other => panic!("not a let: {other:?}"),
        }
    }

    #[test]
    fn literals_ranges_lists_calls_and_members() {
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        match let_value("let p = 1999-10-01..2008-09-30") {
            ExprKind::Range(a, b) => {
                assert_eq!(a.kind, ExprKind::Date(date("1999-10-01")));
                assert_eq!(b.kind, ExprKind::Date(date("2008-09-30")));
            }
            other => panic!("{other:?}"),
        }
        match let_value("let r = 1..8") {
            ExprKind::Range(a, b) => {
                assert_eq!(
                    a.kind,
                    ExprKind::Number {
                        value: 1.0,
                        integer: true
                    }
                );
                assert_eq!(
                    b.kind,
                    ExprKind::Number {
                        value: 8.0,
                        integer: true
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            let_value("let x = -1.5e-3"),
            ExprKind::Number {
                value: -1.5e-3,
                integer: false
            }
        );
        assert_eq!(let_value("let s = \"a b\""), ExprKind::Str("a b".into()));
        match let_value("let l = [prcp, \"x\", 3,]") {
            ExprKind::List(items) => assert_eq!(items.len(), 3),
            other => panic!("{other:?}"),
        }
        match let_value("let c = nse_star(eps = 0.1)") {
            ExprKind::Call {
                callee,
                positional,
                named,
            } => {
                assert_eq!(callee.text, "nse_star");
                assert!(positional.is_empty());
                assert_eq!(named[0].name.text, "eps");
            }
            other => panic!("{other:?}"),
        }
        match let_value("let m = scores.median") {
            ExprKind::Member(inner, field) => {
                assert_eq!(inner.kind, ExprKind::Name("scores".into()));
                assert_eq!(field.text, "median");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn declarations_comments_and_keywords_as_setting_names() {
        let script = parse_ok(
            "# a comment\nuse \"x.hydro\"  # trailing\ndata d = camels_us { train = 2000-01-01..2001-01-01, lookback = 3 }\n\
             model m = lstm\ntrain t = m on d { epochs = 1 }\nprint t\nwrite s -> \"s.csv\"\n",
        );
        assert_eq!(script.statements.len(), 6);
        let Statement::Declaration(data) = &script.statements[1] else {
            panic!()
        };
        assert_eq!(
            (data.kind, data.name.text.as_str(), data.base.text.as_str()),
            (DeclKind::Data, "d", "camels_us")
        );
        assert_eq!(data.settings[0].name.text, "train");
        let Statement::Declaration(train) = &script.statements[3] else {
            panic!()
        };
        assert_eq!(train.on.as_ref().map(|n| n.text.as_str()), Some("d"));
    }

    #[test]
    fn keywords_cannot_be_declared_names() {
        assert!(parse("let data = 1", SourceId(0)).is_err());
    }

    #[test]
    fn spans_point_at_the_text() {
        let script = parse_ok("let answer = 42");
        let Statement::Let { name, value } = &script.statements[0] else {
            panic!()
        };
        assert_eq!((name.span.start, name.span.end), (4, 10));
        assert_eq!((value.span.start, value.span.end), (13, 15));
    }

    #[test]
    fn malformed_dates_are_collected_and_parsing_goes_on() {
        let (script, errors) = parse("let a = 2000-02-30\nlet b = 2001-1-01", SourceId(0)).unwrap();
        assert_eq!(script.statements.len(), 2);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].message, "malformed date `2000-02-30`");
    }
}
