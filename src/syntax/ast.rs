//! The abstract syntax tree of a hydro script. Every node carries its [`Span`].

use chrono::NaiveDate;

use super::source::Span;

/// A name as written, with its place in the script.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The text of the name.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// A parsed script: its statements in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Top-level statements.
    pub statements: Vec<Statement>,
}

/// One top-level statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `use "file.hydro"`: brings another script's names into scope.
    Use {
        /// The path as written (the string's contents).
        path: String,
        /// Span of the string literal.
        span: Span,
    },
    /// `data|model|train NAME = BASE [on DATA] { settings }`.
    Declaration(Declaration),
    /// `let NAME = EXPR`.
    Let {
        /// The bound name.
        name: Name,
        /// Its value.
        value: Expr,
    },
    /// `print EXPR`.
    Print {
        /// What to print.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `write EXPR -> PATH`: a table or figure into the run directory.
    Write {
        /// What to write.
        value: Expr,
        /// Where to (a string expression, relative to the run directory).
        target: Expr,
        /// The whole statement.
        span: Span,
    },
}

/// The kinds of declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    /// A data set.
    Data,
    /// A model architecture.
    Model,
    /// A training run of a model on a data set.
    Train,
    /// A grid of training runs varying settings of one training run.
    Sweep,
}

impl DeclKind {
    /// The keyword that introduces it.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Data => "data",
            DeclKind::Model => "model",
            DeclKind::Train => "train",
            DeclKind::Sweep => "sweep",
        }
    }
}

/// `data camels = camels_us { ... }`, `model net = lstm { ... }`, `train run = net on camels { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// Which kind of thing is declared.
    pub kind: DeclKind,
    /// Its name.
    pub name: Name,
    /// What it is built from: a registered constructor or an earlier declaration of the same kind.
    pub base: Name,
    /// The data set after `on` (training runs only).
    pub on: Option<Name>,
    /// The settings block.
    pub settings: Vec<Setting>,
    /// The whole declaration.
    pub span: Span,
}

/// `name = value` inside a block or as a named call argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The setting's name.
    pub name: Name,
    /// Its value.
    pub value: Expr,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The forms an expression takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A malformed literal, already reported by the parser.
    Invalid,
    /// A number literal; `integer` is true when written without a fraction or exponent.
    Number {
        /// Its value.
        value: f64,
        /// Written as an integer.
        integer: bool,
    },
    /// A string literal.
    Str(String),
    /// An ISO date `YYYY-MM-DD`.
    Date(NaiveDate),
    /// `a .. b`: a date range (both ends inclusive) or an integer range.
    Range(Box<Expr>, Box<Expr>),
    /// `[a, b, ...]`.
    List(Vec<Expr>),
    /// A bare name: a variable in scope or a symbol such as `nldas` or `prcp`.
    Name(String),
    /// `value.field`.
    Member(Box<Expr>, Name),
    /// `f(positional, name = value)`.
    Call {
        /// The function.
        callee: Name,
        /// Positional arguments in order.
        positional: Vec<Expr>,
        /// Named arguments.
        named: Vec<Setting>,
    },
}
