//! What names hold: `:vars` (every name in scope, one line each), `:show NAME` (a data set's
//! basins, periods, inputs and loaded days; a model's settings; a training run's settings and
//! training state; a table), and the text a value prints as at the prompt.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::analysis::MetricTable;
use crate::checking::library::{CallSpec, TRAIN_PARAMS};
use crate::checking::params::{Default, Param};
use crate::checking::value::{ResultKind, Spanned, Value};
use crate::checking::Checker;
use crate::data::camels_us::read_basin_list;
use crate::evaluation::Session;
use crate::syntax::ast::DeclKind;
use crate::syntax::did_you_mean;

/// Tables with more rows than this print their first [`HEAD_ROWS`] rows and the summary.
const MAX_ROWS: usize = 30;
/// Rows shown of a long table.
const HEAD_ROWS: usize = 10;
/// Lists with more items than this are shown shortened.
const MAX_ITEMS: usize = 8;

/// What the REPL knows of a session: the checked names, the evaluation session (once
/// something ran) and which plan steps have results.
pub struct View<'a> {
    /// The checker with every accepted name.
    pub checker: &'a Checker,
    /// The evaluation session, if one was started.
    pub session: Option<&'a Session>,
    /// Indices of the plan steps that ran.
    pub done: &'a HashSet<usize>,
}

impl View<'_> {
    /// `:vars`: every name in scope with what it holds.
    pub fn vars(&self) -> String {
        let names = self.checker.names_in_scope();
        if names.is_empty() {
            return "no names yet; `use \"camels_us.hydro\"` brings the CAMELS-US declarations\n"
                .into();
        }
        let width = names.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (name, kind) in &names {
            let what = match *kind {
                "data" => format!("data set{}", self.data_brief(name)),
                "model" => self.declaration_brief(name, "model"),
                "train" => format!("training run, {}", self.training_state(name)),
                _ => self.value_brief(name),
            };
            let _ = writeln!(out, "  {name:<width$}  {what}");
        }
        out
    }

    /// `:show NAME`.
    pub fn show(&self, name: &str) -> String {
        if let Some(spec) = self.checker.train_spec(name) {
            return self.show_training(name, spec);
        }
        if let Some((kind, constructor, settings)) = self.checker.declaration(name) {
            return match kind {
                DeclKind::Data => self.show_data(name, constructor, settings),
                _ => format!(
                    "model `{name}` ({})\n{}",
                    constructor.name,
                    settings_text(constructor.params, settings)
                ),
            };
        }
        if let Some(value) = self.checker.value(name) {
            return match value {
                Value::Result(step, ResultKind::MetricTable) => match self.table(*step) {
                    Some(table) => format!(
                        "`{name}`: metric table, {} basins x {} metrics\n{table}",
                        table.rows.len(),
                        table.metrics.len()
                    ),
                    None => format!("`{name}`: {}\n", not_computed()),
                },
                other => format!("`{name}` = {}\n", self.value_text(other)),
            };
        }
        let names: Vec<String> = self
            .checker
            .names_in_scope()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let hint = did_you_mean(name, names.iter().map(String::as_str))
            .map_or(String::new(), |h| format!("; {h}"));
        format!("`{name}` is not defined{hint} (`:vars` lists the names)\n")
    }

    /// The text `print` shows for a value; metric tables with many basins are summarised.
    pub fn value_text(&self, value: &Value) -> String {
        match value {
            Value::Result(step, kind) => match self.table(*step) {
                Some(table) if *kind == ResultKind::MetricTable => table_text(table),
                Some(table) if matches!(kind, ResultKind::Median | ResultKind::Mean) => {
                    summary_line(table, *kind)
                }
                _ if self.done.contains(step) => self
                    .session
                    .and_then(|s| s.show(value).ok())
                    .unwrap_or_else(|| not_computed().to_string()),
                _ => not_computed().to_string(),
            },
            Value::Declared(_, name) => self.checker.describe(name).unwrap_or_else(|| name.clone()),
            other => other.to_string(),
        }
    }

    /// The table of the plan step `step`, if it ran.
    fn table(&self, step: usize) -> Option<&MetricTable> {
        if !self.done.contains(&step) {
            return None;
        }
        self.session?.table(step)
    }

    fn show_data(
        &self,
        name: &str,
        constructor: &CallSpec,
        settings: &BTreeMap<String, Spanned<Value>>,
    ) -> String {
        let width = column_width(constructor.params);
        let mut out = format!("data set `{name}` ({})\n", constructor.name);
        let basins = match settings.get("basins").map(|b| &b.value) {
            Some(Value::List(items)) => format!("{} listed: {}", items.len(), list_text(items)),
            Some(Value::BasinFile(file)) => {
                let count = match settings.get("root").map(|r| &r.value) {
                    Some(Value::Path(root)) => match read_basin_list(root.join(file)) {
                        Ok(list) => format!("{} basins", list.len()),
                        Err(e) => format!("cannot be read: {e}"),
                    },
                    _ => "relative to `root`, which is not set yet".to_string(),
                };
                format!("basin_file({:?}): {count}", file.display().to_string())
            }
            _ => "not set yet".to_string(),
        };
        let _ = writeln!(out, "  {:<width$}{basins}", "basins");
        out.push_str(&settings_text(
            constructor.params.iter().filter(|p| p.name != "basins"),
            settings,
        ));
        match self.session.and_then(|s| s.data(name)) {
            Some(data) => {
                let days = data.records.first().map_or(0, |r| r.dates.len());
                let span = match (
                    data.records.first().and_then(|r| r.dates.first()),
                    data.records.first().and_then(|r| r.dates.last()),
                ) {
                    (Some(a), Some(b)) => format!(" ({a}..{b}, look-back warm-up included)"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  {:<width$}{} basins, {days} days each{span}",
                    "loaded",
                    data.basins.len()
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  {:<width$}not yet (the first training run on it loads it)",
                    "loaded"
                );
            }
        }
        out
    }

    fn show_training(&self, name: &str, spec: &crate::checking::plan::TrainSpec) -> String {
        let mut out = format!(
            "training run `{name}`: model `{}` on data set `{}`\n",
            spec.model.name, spec.data.name
        );
        let width = column_width(TRAIN_PARAMS);
        let model = &spec.model;
        let _ = writeln!(
            out,
            "  {:<width$}{} ({})",
            "model",
            model.architecture,
            model.summary()
        );
        if let Some((_, _, settings)) = self.checker.declaration(name) {
            out.push_str(&settings_text(TRAIN_PARAMS, settings));
        }
        match self.session.and_then(|s| s.trained(name)) {
            Some(run) => {
                let epochs = run.log.epochs.len();
                let loss = run
                    .log
                    .epochs
                    .last()
                    .map_or("-".into(), |e| format!("{:.5}", e.mean_loss));
                let cut = if run.log.interrupted && epochs > 0 {
                    " (the last one cut short)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {:<width$}{epochs} of {} epochs run{cut}, final loss {loss}",
                    "trained", spec.epochs
                );
                if run.log.interrupted {
                    let _ = writeln!(
                        out,
                        "  {:<width$}yes: stopped by Ctrl-C; the weights reached then are kept (declare the run again to retrain it)",
                        "interrupted"
                    );
                } else {
                    let _ = writeln!(out, "  {:<width$}no", "interrupted");
                }
                let _ = writeln!(out, "  {:<width$}{}", "files", run.dir.display());
            }
            None => {
                let _ = writeln!(out, "  {:<width$}not trained in this session", "trained");
            }
        }
        out
    }

    fn training_state(&self, name: &str) -> String {
        match self.session.and_then(|s| s.trained(name)) {
            Some(run) => {
                let loss = run
                    .log
                    .epochs
                    .last()
                    .map_or("-".into(), |e| format!("{:.4}", e.mean_loss));
                let state = if run.log.interrupted {
                    ", interrupted (weights kept)"
                } else {
                    ""
                };
                format!(
                    "trained {} epochs, final loss {loss}{state}",
                    run.log.epochs.len()
                )
            }
            None => "not trained".into(),
        }
    }

    fn data_brief(&self, name: &str) -> String {
        let source = self.declaration_brief(name, "");
        match self.session.and_then(|s| s.data(name)) {
            Some(data) => format!("{source}, loaded: {} basins", data.basins.len()),
            None => source,
        }
    }

    fn declaration_brief(&self, name: &str, what: &str) -> String {
        match self.checker.declaration(name) {
            Some((_, constructor, _)) if what.is_empty() => format!(" ({})", constructor.name),
            Some((_, constructor, _)) => format!("{what} ({})", constructor.name),
            None => what.to_string(),
        }
    }

    fn value_brief(&self, name: &str) -> String {
        match self.checker.value(name) {
            Some(Value::Result(step, ResultKind::MetricTable)) => match self.table(*step) {
                Some(t) => format!(
                    "metric table ({} basins x {} metrics)",
                    t.rows.len(),
                    t.metrics.len()
                ),
                None => format!("metric table ({})", not_computed()),
            },
            Some(v @ Value::Result(..)) => v.describe(),
            Some(Value::List(items)) => format!("list of {}: {}", items.len(), list_text(items)),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    }
}

/// Explains a result whose step did not run.
fn not_computed() -> &'static str {
    "not computed: its input was interrupted before it ran (enter it again)"
}

/// The settings of a declaration in parameter order, with defaults marked.
fn settings_text<'p>(
    params: impl IntoIterator<Item = &'p Param>,
    settings: &BTreeMap<String, Spanned<Value>>,
) -> String {
    let params: Vec<&Param> = params.into_iter().collect();
    let width = column_width(params.iter().copied());
    let mut out = String::new();
    for param in params {
        let value = match (settings.get(param.name), param.default) {
            (Some(v), _) => match &v.value {
                Value::List(items) => format!("[{}]", list_text(items)),
                other => other.to_string(),
            },
            (None, Default::Required) => "not set yet (required)".into(),
            (None, Default::Absent) => "none".into(),
            (None, Default::Integer(i)) => format!("{i} (default)"),
            (None, Default::Number(x)) => format!("{x} (default)"),
            (None, Default::Name(n)) => format!("{n} (default)"),
            (None, Default::EmptyList) => "[] (default)".into(),
        };
        let _ = writeln!(out, "  {:<width$}{value}", param.name);
    }
    out
}

/// The width of the name column of a settings listing: the longest name and two spaces, at
/// least 12.
fn column_width<'p>(params: impl IntoIterator<Item = &'p Param>) -> usize {
    params
        .into_iter()
        .map(|p| p.name.len() + 2)
        .fold(12, usize::max)
}

/// A list's items, shortened when long.
fn list_text(items: &[Spanned<Value>]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(MAX_ITEMS)
        .map(|i| i.value.to_string())
        .collect();
    let mut text = shown.join(", ");
    if items.len() > MAX_ITEMS {
        let _ = write!(text, ", ... ({} in all)", items.len());
    }
    text
}

/// A metric table as printed at the prompt: whole up to [`MAX_ROWS`] basins, else its first rows
/// and the median and mean rows.
pub fn table_text(table: &MetricTable) -> String {
    let text = table.to_string();
    let n = table.rows.len();
    if n <= MAX_ROWS {
        return text;
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in &lines[..=HEAD_ROWS] {
        out.push_str(line);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "... {} more basins (`write NAME -> \"table.csv\"` writes them all)",
        n - HEAD_ROWS
    );
    for line in &lines[1 + n..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The median or mean row of a table as `metric = value` pairs.
fn summary_line(table: &MetricTable, kind: ResultKind) -> String {
    let label = if kind == ResultKind::Median {
        "median"
    } else {
        "mean"
    };
    let cells: Vec<String> = table
        .metrics
        .iter()
        .map(|m| {
            let v = if kind == ResultKind::Median {
                table.median(m)
            } else {
                table.mean(m)
            };
            format!("{m} = {}", v.map_or("-".to_string(), |v| format!("{v:.3}")))
        })
        .collect();
    format!(
        "{label} over {} basins: {}",
        table.rows.len(),
        cells.join(", ")
    )
}
