//! Checking `sweep` declarations: every axis names a setting of the training run, its model or
//! its data set, and every value of it is checked as that setting would be; the grid is expanded
//! into complete training runs here, so that a bad combination (a look-back longer than a period,
//! a model the data cannot feed) is reported before anything runs.

use std::collections::BTreeMap;

use super::{data_spec, model_spec, train_spec, Binding, Checker, Completed, Declared};
use crate::checking::library::CallSpec;
use crate::checking::library::TRAIN_PARAMS;
use crate::checking::params::{check_settings_in_scope, with_defaults, Param};
use crate::checking::plan::{Step, SweepMember, SweepSpec};
use crate::checking::value::{Spanned, Value};
use crate::syntax::ast::{DeclKind, Declaration, Name};
use crate::syntax::{did_you_mean, ScriptError};

/// The pseudo-constructor of sweeps (their settings are axes, plus `workers`).
pub(super) static SWEEP_CONSTRUCTOR: CallSpec = CallSpec {
    name: "sweep",
    doc: "a grid of training runs: each setting lists the values of one axis (a training, model or data setting), `workers` trains that many members at once",
    params: &[],
};

/// Largest number of members of one sweep.
const MAX_MEMBERS: usize = 100_000;

/// Which declaration an axis varies.
#[derive(Clone, Copy, PartialEq)]
enum Owner {
    Train,
    Model,
    Data,
}

impl Checker {
    /// Checks `sweep name = run { axis = [values], ..., workers = N }` and expands its grid.
    pub(super) fn sweep_declaration(&mut self, decl: Declaration) {
        if decl.on.is_some() {
            self.errors.push(
                ScriptError::new(decl.span, "a sweep varies a training run and takes no `on`")
                    .with_help(format!(
                        "write `sweep {} = RUN {{ seed = 1..8 }}`",
                        decl.name.text
                    )),
            );
        }
        let base = match self.scope.get(&decl.base.text) {
            Some(Binding::Declared(d)) if d.kind == DeclKind::Train => d.clone(),
            Some(Binding::Poisoned) => {
                self.bind(&decl.name, Binding::Poisoned);
                return;
            }
            _ => {
                let runs = self.scope.iter().filter_map(|(n, b)| match b {
                    Binding::Declared(d) if d.kind == DeclKind::Train => Some(n.as_str()),
                    _ => None,
                });
                let help = did_you_mean(&decl.base.text, runs).unwrap_or_else(|| {
                    "a sweep varies the settings of a `train` declaration".into()
                });
                self.errors.push(
                    ScriptError::new(
                        decl.base.span,
                        format!("`{}` is not a training run", decl.base.text),
                    )
                    .with_label("expected a `train` declaration")
                    .with_help(help),
                );
                self.bind(&decl.name, Binding::Poisoned);
                return;
            }
        };
        let Some(base_train) = base.train.clone() else {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        };
        let Some(model_decl) = self.declared(&base_train.model.name) else {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        };
        let Some(data_decl) = self.declared(&base_train.data.name) else {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        };
        let before = self.errors.len();
        let given = self.settings(&decl.settings);
        let mut workers = 1usize;
        let mut axes: Vec<(Name, Owner, Vec<Spanned<Value>>)> = Vec::new();
        for (name, value) in given.values {
            if name.text == "workers" {
                match value.value {
                    Value::Integer(n) if (1..=256).contains(&n) => workers = n as usize,
                    _ => self.errors.push(
                        ScriptError::new(
                            value.span,
                            "`workers` is the number of members trained at once",
                        )
                        .with_label(format!("found {}", value.value.describe()))
                        .with_help("write an integer in 1..256, e.g. `workers = 2`"),
                    ),
                }
                continue;
            }
            let (owner, params): (Owner, &[Param]) =
                if TRAIN_PARAMS.iter().any(|p| p.name == name.text) {
                    (Owner::Train, TRAIN_PARAMS)
                } else if model_decl
                    .constructor
                    .params
                    .iter()
                    .any(|p| p.name == name.text)
                {
                    (Owner::Model, model_decl.constructor.params)
                } else if data_decl
                    .constructor
                    .params
                    .iter()
                    .any(|p| p.name == name.text)
                {
                    (Owner::Data, data_decl.constructor.params)
                } else {
                    let all = TRAIN_PARAMS
                        .iter()
                        .chain(model_decl.constructor.params)
                        .chain(data_decl.constructor.params)
                        .map(|p| p.name)
                        .chain(["workers"]);
                    let help = did_you_mean(&name.text, all.clone()).unwrap_or_else(|| {
                        format!(
                            "an axis is a setting of the run, of model `{}` or of data set `{}`",
                            base_train.model.name, base_train.data.name
                        )
                    });
                    self.errors.push(
                        ScriptError::new(
                            name.span,
                            format!("`{}` is not a setting a sweep can vary", name.text),
                        )
                        .with_label("not a training, model or data setting")
                        .with_help(help),
                    );
                    continue;
                };
            let values = match value.value {
                Value::List(items) if !items.is_empty() => items,
                Value::IntRange(a, b) if a <= b && b - a < 100_000 => (a..=b)
                    .map(|i| Spanned {
                        value: Value::Integer(i),
                        span: value.span,
                    })
                    .collect(),
                other => {
                    self.errors.push(
                        ScriptError::new(
                            value.span,
                            format!("the axis `{}` needs its values", name.text),
                        )
                        .with_label(format!("found {}", other.describe()))
                        .with_help(
                            "write a non-empty list such as [32, 64] or a range such as 1..8",
                        ),
                    );
                    continue;
                }
            };
            let owner_text = format!("sweep `{}`", decl.name.text);
            let mut checked = Vec::with_capacity(values.len());
            for value in values {
                // A basin axis gives one basin per member.
                let value = if name.text == "basins" {
                    Spanned {
                        span: value.span,
                        value: Value::List(vec![value]),
                    }
                } else {
                    value
                };
                let mut one = check_settings_in_scope(
                    params,
                    vec![(name.clone(), value)],
                    &owner_text,
                    &[],
                    &mut self.errors,
                );
                if let Some(v) = one.remove(&name.text) {
                    checked.push(v);
                }
            }
            axes.push((name, owner, checked));
        }
        if axes.is_empty() && self.errors.len() == before {
            self.errors.push(
                ScriptError::new(decl.span, "a sweep needs at least one axis")
                    .with_help("list the values of a setting, e.g. `seed = 1..8`"),
            );
        }
        let count: usize = axes.iter().map(|(_, _, v)| v.len().max(1)).product();
        if count > MAX_MEMBERS {
            self.errors.push(
                ScriptError::new(decl.span, format!("this sweep has {count} members"))
                    .with_help(format!("a sweep holds at most {MAX_MEMBERS} runs")),
            );
        }
        if self.errors.len() != before || !given.complete {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        }
        let mut members = Vec::with_capacity(count);
        for index in 0..count {
            // The last axis varies fastest.
            let mut rest = index;
            let mut picks = vec![0; axes.len()];
            for (a, (_, _, values)) in axes.iter().enumerate().rev() {
                picks[a] = rest % values.len();
                rest /= values.len();
            }
            let mut train = base.settings.clone();
            let mut model = model_decl.settings.clone();
            let mut data = data_decl.settings.clone();
            let mut shown = Vec::with_capacity(axes.len());
            for ((name, owner, values), &pick) in axes.iter().zip(&picks) {
                let value = values[pick].clone();
                shown.push(match &value.value {
                    Value::List(items) if name.text == "basins" => {
                        items.first().map_or(String::new(), |v| match &v.value {
                            Value::Text(t) => t.clone(),
                            other => other.to_string(),
                        })
                    }
                    other => other.to_string(),
                });
                match owner {
                    Owner::Train => train.insert(name.text.clone(), value),
                    Owner::Model => model.insert(name.text.clone(), value),
                    Owner::Data => data.insert(name.text.clone(), value),
                };
            }
            let model = with_defaults(model_decl.constructor.params, model, model_decl.span);
            let model = model_spec(&base_train.model.name, model_decl.constructor.name, &model);
            let data = with_defaults(data_decl.constructor.params, data, data_decl.span);
            let Some(data) = data_spec(
                &base_train.data.name,
                data_decl.constructor.name,
                &data,
                data_decl.span,
                &mut self.errors,
            ) else {
                break;
            };
            self.model_on_data(&model, &data, decl.span);
            if self.errors.len() != before {
                break;
            }
            let pairs: Vec<String> = axes
                .iter()
                .zip(&shown)
                .map(|((n, _, _), v)| format!("{}={v}", n.text))
                .collect();
            let name = format!("{}/{}", decl.name.text, pairs.join(","));
            let spec = train_spec(
                &name,
                decl.span,
                &train,
                Completed::Model(model),
                Completed::Data(Box::new(data)),
            );
            members.push(SweepMember {
                values: shown,
                spec,
            });
        }
        if self.errors.len() != before {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        }
        let axis_names: Vec<String> = axes.iter().map(|(n, _, _)| n.text.clone()).collect();
        self.bind(
            &decl.name,
            Binding::Declared(Declared {
                kind: DeclKind::Sweep,
                constructor: &SWEEP_CONSTRUCTOR,
                settings: BTreeMap::new(),
                span: decl.name.span,
                train: Some(base_train),
                axes: axis_names.clone(),
            }),
        );
        self.steps.push(Step::Sweep(SweepSpec {
            name: decl.name.text.clone(),
            base: decl.base.text.clone(),
            axes: axis_names,
            members,
            workers,
            span: decl.span,
        }));
    }

    /// The declaration bound to `name`, if it checked.
    fn declared(&self, name: &str) -> Option<Declared> {
        match self.scope.get(name) {
            Some(Binding::Declared(d)) => Some(d.clone()),
            _ => None,
        }
    }
}
