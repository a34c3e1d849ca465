//! Checking calls of analysis and figure functions against the library's table: the positional
//! inputs must be of the kinds the analysis reads (runs, sweeps, tables, data sets), the named
//! arguments are checked like any settings, and periods must be declared on the data set read.

use super::{list, Binding, Checker};
use crate::checking::library::{Analysis, InputKind, OutputKind};
use crate::checking::params::check_settings;
use crate::checking::plan::{AnalysisInput, AnalysisSpec, DataSpec, Step};
use crate::checking::value::{ResultKind, Spanned, Value};
use crate::syntax::ast::{DeclKind, Expr, Setting};
use crate::syntax::{ScriptError, Span};

impl Checker {
    /// Checks `name(inputs..., arg = value, ...)` of an analysis and adds its plan step.
    pub(super) fn analysis_call(
        &mut self,
        analysis: &'static Analysis,
        positional: &[Expr],
        named: &[Setting],
        span: Span,
    ) -> Option<Spanned<Value>> {
        let name = analysis.name();
        let usage = || {
            let inputs: Vec<&str> = analysis.inputs.iter().map(|k| k.describe()).collect();
            format!("`{name}` reads {}", inputs.join(", then "))
        };
        if positional.len() != analysis.inputs.len() {
            self.errors.push(
                ScriptError::new(
                    span,
                    format!(
                        "`{name}` takes {} input{} before its named arguments",
                        analysis.inputs.len(),
                        if analysis.inputs.len() == 1 { "" } else { "s" }
                    ),
                )
                .with_label(format!("found {}", positional.len()))
                .with_help(usage()),
            );
            return None;
        }
        let mut inputs = Vec::new();
        // The data set periods are checked against (of the first run, sweep or data input).
        let mut data: Option<DataSpec> = None;
        let mut ok = true;
        for (expr, kind) in positional.iter().zip(analysis.inputs) {
            let Some(value) = self.expr(expr) else {
                ok = false;
                continue;
            };
            match self.analysis_input(&value, *kind, &mut data) {
                Some(mut resolved) => inputs.append(&mut resolved),
                None => {
                    let found = value.value.describe();
                    self.errors.push(
                        ScriptError::new(
                            value.span,
                            format!("`{name}` needs {} here", kind.describe()),
                        )
                        .with_label(format!("found {found}"))
                        .with_help(usage()),
                    );
                    ok = false;
                }
            }
        }
        let given = self.settings(named);
        let before = self.errors.len();
        let args = check_settings(
            analysis.call.params,
            given.values,
            &format!("`{name}`"),
            span,
            &mut self.errors,
        );
        if !ok || !given.complete || self.errors.len() != before {
            return None;
        }
        if let Some(data) = &data {
            for period_arg in ["period", "fit"] {
                let Some(given) = args.get(period_arg) else {
                    continue;
                };
                let Value::Symbol(period) = &given.value else {
                    continue;
                };
                let declared = match period.as_str() {
                    "validation" => data.validation.is_some(),
                    "test" => data.test.is_some(),
                    _ => true,
                };
                if !declared {
                    self.errors.push(
                        ScriptError::new(
                            given.span,
                            format!("data set `{}` has no {period} period", data.name),
                        )
                        .with_label("not declared on the data set")
                        .with_help(format!(
                            "add `{period} = START..END` to the data declaration"
                        )),
                    );
                    return None;
                }
            }
        }
        self.steps.push(Step::Analysis(AnalysisSpec {
            function: name.to_string(),
            inputs,
            args,
            span,
        }));
        let kind = match analysis.output {
            OutputKind::Tables(_) => ResultKind::Table,
            OutputKind::Figure => ResultKind::Figure,
        };
        Some(Spanned {
            value: Value::Result(self.steps.len() - 1, kind),
            span,
        })
    }

    /// Resolves one positional input, or `None` when it is not of the kind required.
    fn analysis_input(
        &mut self,
        value: &Spanned<Value>,
        kind: InputKind,
        data: &mut Option<DataSpec>,
    ) -> Option<Vec<AnalysisInput>> {
        let declared = |checker: &Self, name: &str| match checker.scope.get(name) {
            Some(Binding::Declared(d)) => Some(d.clone()),
            _ => None,
        };
        match (&value.value, kind) {
            (Value::Declared(DeclKind::Train, name), InputKind::Run | InputKind::RunOrSweep) => {
                let train = declared(self, name)?.train?;
                data.get_or_insert(train.data.clone());
                Some(vec![AnalysisInput::Run(name.clone())])
            }
            (Value::Declared(DeclKind::Sweep, name), InputKind::RunOrSweep) => {
                let train = declared(self, name)?.train?;
                data.get_or_insert(train.data.clone());
                Some(vec![AnalysisInput::Sweep(name.clone())])
            }
            (Value::Declared(DeclKind::Data, name), InputKind::Data) => {
                let name_node = crate::syntax::ast::Name {
                    text: name.clone(),
                    span: value.span,
                };
                match self.complete(&name_node, DeclKind::Data)? {
                    super::Completed::Data(spec) => {
                        data.get_or_insert((*spec).clone());
                        Some(vec![AnalysisInput::Data(spec)])
                    }
                    super::Completed::Model(_) => None,
                }
            }
            (Value::Result(step, result), InputKind::Table | InputKind::Tables)
                if result.is_table() =>
            {
                Some(vec![AnalysisInput::Result(*step, *result)])
            }
            (Value::List(items), InputKind::Tables) if !items.is_empty() => items
                .iter()
                .map(|item| match item.value {
                    Value::Result(step, result) if result.is_table() => {
                        Some(AnalysisInput::Result(step, result))
                    }
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// The field `field` of the result of step `step`: a named table of an analysis.
    pub(super) fn result_part(&self, step: usize, field: &str) -> Result<ResultKind, String> {
        let Some(Step::Analysis(spec)) = self.steps.get(step) else {
            return Err("metric tables have the fields `median` and `mean`".into());
        };
        let Some(analysis) = crate::checking::library::analysis(&spec.function) else {
            return Err("this result has no fields".into());
        };
        match analysis.output {
            OutputKind::Tables(parts) => match parts.iter().find(|p| **p == field) {
                Some(part) => Ok(ResultKind::Part(part)),
                None => Err(format!(
                    "the tables of `{}` are {}",
                    spec.function,
                    list(parts.iter().copied())
                )),
            },
            OutputKind::Figure => Err("a figure has no fields; write it to a file".into()),
        }
    }
}
