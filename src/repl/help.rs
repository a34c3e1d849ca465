//! `:help`: the language's statements, and the data sources, models, losses, functions, training
//! settings and metrics of the library, generated from the same tables the checker reads, so
//! that the help lists exactly what scripts may use.

use std::fmt::Write as _;

use super::meta::COMMANDS;
use crate::analysis::metrics::METRICS;
use crate::checking::library::{
    CallSpec, ANALYSES, CHANGES, DATA_SOURCES, FUNCTIONS, LOSSES, MODELS, SCHEDULES, TRAIN_PARAMS,
};
use crate::checking::params::{Default, Param};
use crate::checking::stdlib;
use crate::syntax::did_you_mean;

/// A statement of the language.
struct Statement {
    keyword: &'static str,
    syntax: &'static str,
    doc: &'static str,
}

/// The statements, in the order a script usually uses them.
const STATEMENTS: &[Statement] = &[
    Statement {
        keyword: "use",
        syntax: "use \"file.hydro\"",
        doc: "brings another script's names into scope: a path relative to the script (at the prompt, to the current folder) or a file of the standard library",
    },
    Statement {
        keyword: "data",
        syntax: "data NAME = BASE { settings }",
        doc: "a data set; BASE is a data source or an earlier data declaration whose settings are extended or overridden",
    },
    Statement {
        keyword: "model",
        syntax: "model NAME = BASE { settings }",
        doc: "a model; BASE is an architecture or an earlier model declaration",
    },
    Statement {
        keyword: "train",
        syntax: "train NAME = MODEL on DATA { settings }",
        doc: "a training run; at the prompt it trains at once (Ctrl-C stops it after the current batch and keeps the weights reached so far)",
    },
    Statement {
        keyword: "sweep",
        syntax: "sweep NAME = RUN { axis = [values], ..., workers = N }",
        doc: "a grid of training runs: every combination of the listed values of training, model or data settings (e.g. seed = 1..8, hidden = [32, 64], train_years = [1, 3], basins = [\"01031500\", \"01022500\"]); `workers` members train at once; members finished by an earlier run are restored, not retrained",
    },
    Statement {
        keyword: "let",
        syntax: "let NAME = EXPR",
        doc: "a value: numbers, strings, dates 1999-10-01, date ranges 1999-10-01..2008-09-30, integer ranges 1..8, lists [a, b], names, calls f(x, k = v)",
    },
    Statement {
        keyword: "print",
        syntax: "print EXPR",
        doc: "prints a value (a metric table with its median and mean rows); at the prompt a bare expression prints too",
    },
    Statement {
        keyword: "write",
        syntax: "write EXPR -> \"file.csv\"",
        doc: "writes a table (or table.median / table.mean) as CSV or JSON, or a figure as PNG or SVG (both without an extension), into the run directory",
    },
];

/// Topics that group several entries.
const GROUPS: &[(&str, &str)] = &[
    ("statements", "the statements of the language"),
    ("data", "the `data` statement and the data sources"),
    ("models", "the `model` statement and the architectures"),
    ("training", "the `train` statement and its settings"),
    ("losses", "training losses"),
    ("schedules", "learning-rate schedules"),
    ("metrics", "metrics of `evaluate`"),
    ("functions", "functions callable in expressions"),
    ("analyses", "analysis and figure functions"),
    ("changes", "changes of an input in `scenario`"),
    ("commands", "the REPL's commands"),
];

/// Every word `:help` knows, for completion.
pub fn topics() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = GROUPS.iter().map(|(g, _)| *g).collect();
    words.extend(STATEMENTS.iter().map(|s| s.keyword));
    words.extend(COMMANDS.iter().map(|c| c.name));
    for spec in all_specs() {
        words.push(spec.name);
        words.extend(spec.params.iter().map(|p| p.name));
    }
    words.extend(TRAIN_PARAMS.iter().map(|p| p.name));
    words.extend(METRICS.iter().map(|m| m.name));
    words.sort();
    words.dedup();
    words
}

/// The help text for `topic`, or the overview without one.
pub fn help(topic: Option<&str>) -> String {
    let Some(topic) = topic.map(|t| t.trim().trim_start_matches(':')) else {
        return overview();
    };
    let mut out = String::new();
    match topic {
        "statements" | "language" => out.push_str(&statements()),
        "data" | "data_sources" => {
            out.push_str(&statement("data"));
            out.push_str("\ndata sources:\n");
            out.push_str(&specs(DATA_SOURCES));
        }
        "model" | "models" => {
            out.push_str(&statement("model"));
            out.push_str("\narchitectures:\n");
            out.push_str(&specs(MODELS));
        }
        "train" | "training" => {
            out.push_str(&statement("train"));
            out.push_str("\nsettings of a training run:\n");
            out.push_str(&params(TRAIN_PARAMS));
        }
        "loss" | "losses" => out.push_str(&specs(LOSSES)),
        "schedule" | "schedules" => out.push_str(&specs(SCHEDULES)),
        "metric" | "metrics" => out.push_str(&metrics(METRICS.iter().map(|m| m.name))),
        "function" | "functions" => out.push_str(&specs(FUNCTIONS)),
        "analysis" | "analyses" | "figures" => out.push_str(&specs(&analysis_specs())),
        "change" | "changes" => out.push_str(&specs(CHANGES)),
        "commands" | "meta" => out.push_str(&commands()),
        name => out.push_str(&entry(name)),
    }
    out
}

/// Help on one name: a statement, command, data source, model, loss, function, metric or setting.
fn entry(name: &str) -> String {
    let mut sections = Vec::new();
    if STATEMENTS.iter().any(|s| s.keyword == name) {
        sections.push(statement(name));
    }
    if let Some(command) = COMMANDS.iter().find(|c| c.name == name) {
        sections.push(format!(
            ":{} {}\n  {}\n",
            command.name, command.args, command.doc
        ));
    }
    let analyses = analysis_specs();
    for (what, list) in [
        ("data source", DATA_SOURCES),
        ("model", MODELS),
        ("loss", LOSSES),
        ("schedule", SCHEDULES),
        ("function", FUNCTIONS),
        ("analysis", analyses.as_slice()),
        ("scenario change", CHANGES),
    ] {
        if let Some(spec) = list.iter().find(|s| s.name == name) {
            sections.push(format!("{what} {}", specs(std::slice::from_ref(spec))));
        }
    }
    if METRICS.iter().any(|m| m.name == name) {
        sections.push(format!("metric\n{}", metrics(std::iter::once(name))));
    }
    if let Some(param) = TRAIN_PARAMS.iter().find(|p| p.name == name) {
        sections.push(format!(
            "setting of `train` declarations\n{}",
            params(std::slice::from_ref(param))
        ));
    }
    for spec in all_specs() {
        if let Some(param) = spec.params.iter().find(|p| p.name == name) {
            sections.push(format!(
                "setting of `{}`\n{}",
                spec.name,
                params(std::slice::from_ref(param))
            ));
        }
    }
    if !sections.is_empty() {
        return sections.join("\n");
    }
    let topics = topics();
    let mut out = format!("no help on `{name}`");
    if let Some(hint) = did_you_mean(name, topics.iter().copied()) {
        let _ = write!(out, "; {hint}");
    }
    out.push_str("\n(`:show NAME` describes a name of the session; `:help` lists the topics)\n");
    out
}

/// The overview `:help` prints without a topic.
fn overview() -> String {
    let mut out = String::from(
        "Type statements of the hydro language; they run as soon as they are complete (a line with an\n\
         open `{`, `[` or `(` continues on the next). A bare expression such as `scores.median`\n\
         prints its value.\n\n",
    );
    out.push_str(&statements());
    out.push('\n');
    out.push_str(&commands());
    out.push_str("\nhelp topics (`:help TOPIC`):\n");
    for (group, doc) in GROUPS {
        let _ = writeln!(out, "  {group:<12} {doc}");
    }
    out.push_str("  or any name: a data source, model, loss, function, metric or setting (e.g. `:help lstm`)\n");
    out.push_str(
        "\nkeys: Tab completes; Up/Down browse the history; Ctrl-C clears the line, or stops a running\n\
         training after its current batch (keeping the weights reached so far); Ctrl-D quits.\n",
    );
    out
}

/// One line per statement.
fn statements() -> String {
    let mut out = String::from("statements:\n");
    for s in STATEMENTS {
        let _ = writeln!(out, "  {:<42} {}", s.syntax, first_clause(s.doc));
    }
    out
}

/// The statement `keyword` with its full description.
fn statement(keyword: &str) -> String {
    let Some(s) = STATEMENTS.iter().find(|s| s.keyword == keyword) else {
        return String::new();
    };
    let mut out = format!("{}\n  {}\n", s.syntax, s.doc);
    if keyword == "use" {
        let files: Vec<&str> = stdlib::FILES.iter().map(|(name, _)| *name).collect();
        let _ = writeln!(out, "  standard library: {}", files.join(", "));
    }
    out
}

/// The meta-commands.
fn commands() -> String {
    let mut out = String::from("commands:\n");
    for c in COMMANDS {
        let usage = format!(":{} {}", c.name, c.args);
        let _ = writeln!(out, "  {usage:<20} {}", c.doc);
    }
    out
}

/// Each spec: its name and doc, then its parameters.
fn specs(list: &[CallSpec]) -> String {
    let mut out = String::new();
    for spec in list {
        let _ = writeln!(out, "`{}`: {}", spec.name, spec.doc);
        out.push_str(&params(spec.params));
    }
    out
}

/// A parameter table: name, default and doc, then what it accepts on a second line.
fn params(list: &[Param]) -> String {
    let width = list.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for p in list {
        let default = default_text(&p.default);
        let _ = writeln!(out, "  {:<width$}  {default:<10}  {}", p.name, p.doc);
        let _ = writeln!(
            out,
            "  {:<width$}  {:<10}  accepts {}",
            "",
            "",
            p.kind.expectation()
        );
    }
    out
}

/// How a default is shown.
fn default_text(default: &Default) -> String {
    match default {
        Default::Required => "required".into(),
        Default::Absent => "none".into(),
        Default::Integer(i) => i.to_string(),
        Default::Number(x) => x.to_string(),
        Default::Name(n) => n.to_string(),
        Default::EmptyList => "[]".into(),
    }
}

/// The metrics called `names`: name, unit and description.
fn metrics<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for name in names {
        if let Some(m) = METRICS.iter().find(|m| m.name == name) {
            let _ = writeln!(out, "  {:<10} [{}]  {}", m.name, m.unit, m.description);
        }
    }
    out
}

/// Every data source, model, loss and function.
fn all_specs() -> impl Iterator<Item = &'static CallSpec> {
    DATA_SOURCES
        .iter()
        .chain(MODELS)
        .chain(LOSSES)
        .chain(SCHEDULES)
        .chain(FUNCTIONS)
        .chain(ANALYSES.iter().map(|a| &a.call))
        .chain(CHANGES)
}

/// The names, documentation and parameters of the analysis functions.
fn analysis_specs() -> Vec<CallSpec> {
    ANALYSES.iter().map(|a| a.call).collect()
}

/// The text of a description up to its first colon, semicolon or parenthesis.
fn first_clause(doc: &str) -> &str {
    let end = [";", ":", " ("]
        .iter()
        .filter_map(|sep| doc.find(sep))
        .min()
        .unwrap_or(doc.len());
    &doc[..end]
}
