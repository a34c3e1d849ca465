//! Parameter specifications: what a setting or call argument accepts, its default and its doc.
//! The same tables drive checking, defaults, and the help the REPL shows.

use std::collections::BTreeMap;

use super::value::{Spanned, Value};
use crate::syntax::{did_you_mean, ScriptError, Span};

/// The kind of value a parameter accepts.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    /// A whole number within bounds (inclusive).
    Integer {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A real number within bounds (inclusive).
    Number {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A file or folder path (a string, or a path-valued call such as `data_dir(...)`).
    Path,
    /// A string (e.g. a file-name pattern or a date format).
    Text,
    /// A list of strings (e.g. missing-value markers).
    Texts,
    /// One name, validated against the data at run time (e.g. a column of a file); a string
    /// stands for a name that is not an identifier (`"Discharge (mm/d)"`).
    Name,
    /// A list of numbers, each within bounds (inclusive).
    Numbers {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A date range `YYYY-MM-DD..YYYY-MM-DD`.
    Period,
    /// One name out of a fixed set.
    Choice(&'static [&'static str]),
    /// A list of names, from a fixed set or (when `None`) validated against the data at run time
    /// (then strings may stand for names that are not identifiers, e.g. `"precip(mm/day)"`).
    Names(Option<&'static [&'static str]>),
    /// A list of basin ids as strings, or `basin_file("...")`.
    Basins,
    /// A list of metric names from the metric registry.
    Metrics,
    /// A call to one of a registry's entries (e.g. a loss), or a bare name of one.
    OneOf(&'static [super::library::CallSpec]),
}

impl ParamKind {
    /// Describes what is expected, for "expected ..., found ..." messages.
    pub fn expectation(&self) -> String {
        match self {
            ParamKind::Integer { min, max } if *max == i64::MAX => format!("an integer >= {min}"),
            ParamKind::Integer { min, max } => format!("an integer in {min}..{max}"),
            ParamKind::Number { min, max } => format!("a number in [{min}, {max}]"),
            ParamKind::Path => "a path (a string)".into(),
            ParamKind::Text => "a string".into(),
            ParamKind::Texts => "a list of strings such as [\"-999\", \"NA\"]".into(),
            ParamKind::Name => "a name such as streamflow".into(),
            ParamKind::Numbers { min, max } => {
                format!("a list of numbers, each in [{min}, {max}], such as [1.0, 0.5]")
            }
            ParamKind::Period => "a date range such as 1999-10-01..2008-09-30".into(),
            ParamKind::Choice(options) => format!("one of {}", quoted(options)),
            ParamKind::Names(_) => "a list of names such as [prcp, tmax]".into(),
            ParamKind::Basins => {
                "a list of basin ids as strings, or basin_file(\"list.txt\")".into()
            }
            ParamKind::Metrics => "a list of metric names such as [nse, kge]".into(),
            ParamKind::OneOf(specs) => format!(
                "one of {}",
                quoted(&specs.iter().map(|s| s.name).collect::<Vec<_>>())
            ),
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A default value for an optional parameter.
#[derive(Debug, Clone, Copy)]
pub enum Default {
    /// The parameter must be given.
    Required,
    /// The parameter may be left out and then has no value.
    Absent,
    /// An integer default.
    Integer(i64),
    /// A number default.
    Number(f64),
    /// A name default (for `Choice` or `OneOf`).
    Name(&'static str),
    /// An empty list.
    EmptyList,
}

/// One parameter of a constructor or function.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Its name in scripts.
    pub name: &'static str,
    /// What it accepts.
    pub kind: ParamKind,
    /// Its default.
    pub default: Default,
    /// One line of documentation.
    pub doc: &'static str,
}

/// Checks given settings against parameter specs: unknown names, duplicates, wrong kinds,
/// missing required ones; fills defaults. Errors are pushed, the valid part is returned.
pub fn check_settings(
    params: &[Param],
    given: Vec<(crate::syntax::ast::Name, Spanned<Value>)>,
    owner: &str,
    owner_span: Span,
    errors: &mut Vec<ScriptError>,
) -> BTreeMap<String, Spanned<Value>> {
    let settings = check_settings_in_scope(params, given, owner, &[], errors);
    require_settings(params, &settings, owner, owner_span, errors);
    with_defaults(params, settings, owner_span)
}

/// Checks given settings without requiring or defaulting anything (declarations may be completed
/// by the declarations derived from them), knowing the names in scope to suggest one when a bare
/// name is unknown.
pub fn check_settings_in_scope(
    params: &[Param],
    given: Vec<(crate::syntax::ast::Name, Spanned<Value>)>,
    owner: &str,
    scope: &[&str],
    errors: &mut Vec<ScriptError>,
) -> BTreeMap<String, Spanned<Value>> {
    let mut out = BTreeMap::new();
    for (name, value) in given {
        let Some(param) = params.iter().find(|p| p.name == name.text) else {
            let mut error = ScriptError::new(
                name.span,
                format!("unknown setting `{}` for {owner}", name.text),
            )
            .with_label("not a setting of this");
            let valid = params.iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
            error = match did_you_mean(&name.text, params.iter().map(|p| p.name)) {
                Some(hint) => error.with_help(format!("{hint} ({owner} takes: {valid})")),
                None => error.with_help(format!("{owner} takes: {valid}")),
            };
            errors.push(error);
            continue;
        };
        if out.contains_key(param.name) {
            errors.push(
                ScriptError::new(name.span, format!("`{}` is set twice", name.text))
                    .with_label("second setting")
                    .with_help("remove one of the two settings"),
            );
            continue;
        }
        match coerce(param, value, scope, errors) {
            Some(v) => {
                out.insert(param.name.to_string(), v);
            }
            None => {
                // Keep a placeholder so that a wrong value is not also reported as missing.
                out.insert(
                    param.name.to_string(),
                    Spanned {
                        value: Value::Symbol(String::new()),
                        span: name.span,
                    },
                );
            }
        }
    }
    out
}

/// Reports every required parameter that has no value.
pub fn require_settings(
    params: &[Param],
    settings: &BTreeMap<String, Spanned<Value>>,
    owner: &str,
    owner_span: Span,
    errors: &mut Vec<ScriptError>,
) {
    for param in params {
        if matches!(param.default, Default::Required) && !settings.contains_key(param.name) {
            errors.push(
                ScriptError::new(
                    owner_span,
                    format!("{owner} needs the setting `{}`", param.name),
                )
                .with_label(format!("`{}` is missing", param.name))
                .with_help(format!("add `{} = ...`: {}", param.name, param.doc)),
            );
        }
    }
}

/// Fills the defaults of parameters that were not given.
pub fn with_defaults(
    params: &[Param],
    mut settings: BTreeMap<String, Spanned<Value>>,
    owner_span: Span,
) -> BTreeMap<String, Spanned<Value>> {
    for param in params {
        if settings.contains_key(param.name) {
            continue;
        }
        let value = match param.default {
            Default::Required | Default::Absent => continue,
            Default::Integer(i) => Value::Integer(i),
            Default::Number(x) => Value::Number(x),
            Default::Name(n) => Value::Symbol(n.to_string()),
            Default::EmptyList => Value::List(Vec::new()),
        };
        settings.insert(
            param.name.to_string(),
            Spanned {
                value,
                span: owner_span,
            },
        );
    }
    settings
}

/// Converts a value to the parameter's kind, or reports why it does not fit.
fn coerce(
    param: &Param,
    value: Spanned<Value>,
    scope: &[&str],
    errors: &mut Vec<ScriptError>,
) -> Option<Spanned<Value>> {
    let span = value.span;
    let wrong = |errors: &mut Vec<ScriptError>, value: &Value| {
        if let Value::Symbol(name) = value {
            let help = did_you_mean(name, scope.iter().copied()).unwrap_or_else(|| {
                format!("`{}` expects {}", param.name, param.kind.expectation())
            });
            errors.push(
                ScriptError::new(span, format!("unknown name `{name}`"))
                    .with_label("not defined in this script or the files it uses")
                    .with_help(help),
            );
            return None;
        }
        errors.push(
            ScriptError::new(
                span,
                format!("`{}` expects {}", param.name, param.kind.expectation()),
            )
            .with_label(format!("found {}", value.describe()))
            .with_help(param.doc),
        );
        None
    };
    // An integer range stands for the list of its integers where numbers are expected (`k = 2..15`).
    let value = match (&param.kind, value.value) {
        (ParamKind::Numbers { .. }, Value::IntRange(a, b)) if b >= a && b - a < 100_000 => {
            Spanned {
                value: Value::List(
                    (a..=b)
                        .map(|i| Spanned {
                            value: Value::Integer(i),
                            span,
                        })
                        .collect(),
                ),
                span,
            }
        }
        (_, v) => Spanned { value: v, span },
    };
    let converted = match (&param.kind, value.value) {
        (ParamKind::Integer { min, max }, Value::Integer(i)) => {
            if i < *min || i > *max {
                errors.push(
                    ScriptError::new(span, format!("`{}` is out of range", param.name))
                        .with_label(format!("{i} is not {}", param.kind.expectation()))
                        .with_help(param.doc),
                );
                return None;
            }
            Value::Integer(i)
        }
        (ParamKind::Number { min, max }, Value::Integer(i))
            if (*min..=*max).contains(&(i as f64)) =>
        {
            Value::Number(i as f64)
        }
        (ParamKind::Number { min, max }, Value::Number(x)) if (*min..=*max).contains(&x) => {
            Value::Number(x)
        }
        (ParamKind::Number { .. }, v @ (Value::Number(_) | Value::Integer(_))) => {
            errors.push(
                ScriptError::new(span, format!("`{}` is out of range", param.name))
                    .with_label(format!("{v} is not {}", param.kind.expectation()))
                    .with_help(param.doc),
            );
            return None;
        }
        (ParamKind::Text, v @ Value::Text(_)) => v,
        (ParamKind::Name, v @ Value::Symbol(_)) => v,
        (ParamKind::Name, Value::Text(s)) => Value::Symbol(s),
        (ParamKind::Texts, Value::List(items)) => {
            let mut ok = true;
            for item in &items {
                if !matches!(item.value, Value::Text(_)) {
                    errors.push(
                        ScriptError::new(
                            item.span,
                            format!("`{}` expects a list of strings", param.name),
                        )
                        .with_label(format!("found {}", item.value.describe()))
                        .with_help(param.doc),
                    );
                    ok = false;
                }
            }
            if !ok {
                return None;
            }
            Value::List(items)
        }
        (ParamKind::Numbers { min, max }, Value::List(items)) => {
            let mut numbers = Vec::with_capacity(items.len());
            for item in items {
                let x = match item.value {
                    Value::Integer(i) => i as f64,
                    Value::Number(x) => x,
                    ref other => {
                        errors.push(
                            ScriptError::new(
                                item.span,
                                format!("`{}` expects a list of numbers", param.name),
                            )
                            .with_label(format!("found {}", other.describe()))
                            .with_help(param.doc),
                        );
                        return None;
                    }
                };
                if !(*min..=*max).contains(&x) {
                    errors.push(
                        ScriptError::new(item.span, format!("`{}` is out of range", param.name))
                            .with_label(format!("{x} is not in [{min}, {max}]"))
                            .with_help(param.doc),
                    );
                    return None;
                }
                numbers.push(Spanned {
                    value: Value::Number(x),
                    span: item.span,
                });
            }
            Value::List(numbers)
        }
        (ParamKind::Path, Value::Text(s)) => Value::Path(s.into()),
        (ParamKind::Path, v @ Value::Path(_)) => v,
        (ParamKind::Period, Value::Period(p)) => {
            if p.start > p.end {
                errors.push(
                    ScriptError::new(span, format!("`{}` ends before it starts", param.name))
                        .with_label(format!("{} is after {}", p.start, p.end))
                        .with_help("write the earlier date first: START..END"),
                );
                return None;
            }
            Value::Period(p)
        }
        (ParamKind::Choice(options), Value::Symbol(s)) => {
            if !options.contains(&s.as_str()) {
                return unknown_name(errors, span, &s, param, options);
            }
            Value::Symbol(s)
        }
        (ParamKind::Names(options), Value::List(items)) => {
            let mut names = Vec::new();
            let mut ok = true;
            for item in items {
                match (&item.value, options) {
                    (Value::Symbol(s), Some(options)) if !options.contains(&s.as_str()) => {
                        unknown_name(errors, item.span, s, param, options);
                        ok = false;
                    }
                    (Value::Symbol(_), _) => names.push(item),
                    (Value::Text(s), None) => names.push(Spanned {
                        value: Value::Symbol(s.clone()),
                        span: item.span,
                    }),
                    (other, _) => {
                        errors.push(
                            ScriptError::new(
                                item.span,
                                format!("`{}` expects a list of names", param.name),
                            )
                            .with_label(format!("found {}", other.describe()))
                            .with_help(param.doc),
                        );
                        ok = false;
                    }
                }
            }
            if !ok {
                return None;
            }
            Value::List(names)
        }
        (ParamKind::Metrics, Value::List(items)) => {
            let mut ok = true;
            for item in &items {
                match &item.value {
                    Value::Symbol(s) if crate::analysis::metrics::lookup(s).is_some() => {}
                    Value::Symbol(s) => {
                        let names: Vec<&str> = crate::analysis::metrics::METRICS
                            .iter()
                            .map(|m| m.name)
                            .collect();
                        unknown_name(errors, item.span, s, param, &names);
                        ok = false;
                    }
                    other => {
                        errors.push(
                            ScriptError::new(
                                item.span,
                                format!("`{}` expects metric names", param.name),
                            )
                            .with_label(format!("found {}", other.describe()))
                            .with_help(param.doc),
                        );
                        ok = false;
                    }
                }
            }
            if !ok {
                return None;
            }
            Value::List(items)
        }
        (ParamKind::Basins, v @ Value::BasinFile(_)) => v,
        (ParamKind::Basins, Value::List(items)) => {
            let mut ok = true;
            for item in &items {
                if !matches!(item.value, Value::Text(_)) {
                    errors.push(
                        ScriptError::new(item.span, "basin ids are written as strings")
                            .with_label(format!("found {}", item.value.describe()))
                            .with_help("quote the id to keep its leading zeros, e.g. \"01013500\""),
                    );
                    ok = false;
                }
            }
            if !ok {
                return None;
            }
            Value::List(items)
        }
        (ParamKind::OneOf(specs), Value::Symbol(s)) => {
            let call = super::library::check_call_spec(specs, &s, span, Vec::new(), param, errors)?;
            Value::Call(call)
        }
        (ParamKind::OneOf(specs), Value::Call(call)) => {
            let args = super::library::raw_args(&call.args);
            Value::Call(super::library::check_call_spec(
                specs, &call.name, span, args, param, errors,
            )?)
        }
        (_, v) => return wrong(errors, &v),
    };
    Some(Spanned {
        value: converted,
        span,
    })
}

fn unknown_name(
    errors: &mut Vec<ScriptError>,
    span: Span,
    name: &str,
    param: &Param,
    options: &[&str],
) -> Option<Spanned<Value>> {
    let hint = did_you_mean(name, options.iter().copied())
        .unwrap_or_else(|| format!("`{}` accepts {}", param.name, quoted(options)));
    errors.push(
        ScriptError::new(span, format!("unknown name `{name}` for `{}`", param.name))
            .with_label("not one of the accepted names")
            .with_help(hint),
    );
    None
}
