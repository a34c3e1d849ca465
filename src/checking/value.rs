//! Values known at check time. Everything in a script except the work itself (loading data,
//! training, evaluating) is a constant, so the checker computes it and validates it in place.

use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::data::period::DateRange;
use crate::syntax::Span;

/// A value together with the span of the expression that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub span: Span,
}

/// A check-time value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A whole number.
    Integer(i64),
    /// A real number.
    Number(f64),
    /// A string.
    Text(String),
    /// A calendar date.
    Date(NaiveDate),
    /// A date range, both ends inclusive.
    Period(DateRange),
    /// An integer range, both ends inclusive.
    IntRange(i64, i64),
    /// A list.
    List(Vec<Spanned<Value>>),
    /// A bare name that is not a variable: a forcing variable, an attribute, a metric...
    Symbol(String),
    /// A call kept as a description, e.g. `nse_star(eps = 0.1)` as a loss.
    Call(CallValue),
    /// A file path (already resolved against the script's folder or the data root).
    Path(PathBuf),
    /// A list of basins read from a file at run time.
    BasinFile(PathBuf),
    /// A reference to a declaration of the given kind and name.
    Declared(crate::syntax::ast::DeclKind, String),
    /// The result of the plan step with this index (e.g. a metric table from `evaluate`).
    Result(usize, ResultKind),
}

/// What a plan step produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    /// A per-basin metric table.
    MetricTable,
    /// The per-metric median over basins of a metric table.
    Median,
    /// The per-metric mean over basins of a metric table.
    Mean,
    /// A table computed by an analysis (its main table).
    Table,
    /// One of several named tables an analysis computes.
    Part(&'static str),
    /// A figure, drawn when written.
    Figure,
}

impl ResultKind {
    /// Whether the result is a table (of metrics, or of an analysis).
    pub fn is_table(self) -> bool {
        matches!(
            self,
            ResultKind::MetricTable | ResultKind::Table | ResultKind::Part(_)
        )
    }
}

/// A call kept as data: `name(arg = value, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallValue {
    /// The callee.
    pub name: String,
    /// Named arguments after checking (defaults filled in).
    pub args: BTreeMap<String, Spanned<Value>>,
}

impl Value {
    /// How the value is described in diagnostics ("a number", "a date range"...).
    pub fn describe(&self) -> String {
        match self {
            Value::Integer(_) => "an integer".into(),
            Value::Number(_) => "a number".into(),
            Value::Text(_) => "a string".into(),
            Value::Date(_) => "a date".into(),
            Value::Period(_) => "a date range".into(),
            Value::IntRange(..) => "an integer range".into(),
            Value::List(_) => "a list".into(),
            Value::Symbol(s) => format!("the name `{s}`"),
            Value::Call(c) => format!("a call to `{}`", c.name),
            Value::Path(_) => "a path".into(),
            Value::BasinFile(_) => "a basin list file".into(),
            Value::Declared(kind, name) => format!("the {} declaration `{name}`", kind.keyword()),
            Value::Result(_, ResultKind::MetricTable) => "a metric table".into(),
            Value::Result(_, ResultKind::Median) => "the median row of a metric table".into(),
            Value::Result(_, ResultKind::Mean) => "the mean row of a metric table".into(),
            Value::Result(_, ResultKind::Table) => "a table".into(),
            Value::Result(_, ResultKind::Part(part)) => format!("the table `{part}`"),
            Value::Result(_, ResultKind::Figure) => "a figure".into(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(i) => write!(f, "{i}"),
            Value::Number(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::Period(p) => write!(f, "{p}"),
            Value::IntRange(a, b) => write!(f, "{a}..{b}"),
            Value::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", item.value)?;
                }
                write!(f, "]")
            }
            Value::Symbol(s) => write!(f, "{s}"),
            Value::Call(c) => {
                write!(f, "{}(", c.name)?;
                for (i, (k, v)) in c.args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k} = {}", v.value)?;
                }
                write!(f, ")")
            }
            Value::Path(p) => write!(f, "{:?}", p.display().to_string()),
            Value::BasinFile(p) => write!(f, "basin_file({:?})", p.display().to_string()),
            Value::Declared(_, name) => write!(f, "{name}"),
            Value::Result(step, kind) => write!(f, "<{kind:?} of step {step}>"),
        }
    }
}
