//! The checker: walks a script (and the files it `use`s), computes its constant values,
//! validates every name, kind and setting, and builds the [`Plan`]. It never reads data files.

mod analyses;
mod sweep;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::library::{
    self, described_calls, CallSpec, ANALYSES, EXPHYDRO_INPUTS, FUNCTIONS, TRAIN_PARAMS,
};
use super::params::{check_settings, check_settings_in_scope, require_settings, with_defaults};
use super::plan::*;
use super::stdlib;
use super::value::{CallValue, ResultKind, Spanned, Value};
use crate::data::period::DateRange;
use crate::syntax::ast::{DeclKind, Declaration, Expr, ExprKind, Name, Statement};
use crate::syntax::{did_you_mean, parser, ScriptError, SourceId, SourceMap, Span};

/// Where the checker finds what scripts refer to outside themselves.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Root of the shared data (`$HYDRO_DATA`, default `../shared/data`).
    pub data_root: PathBuf,
    /// Which value `by_mode(quick = ..., full = ...)` takes.
    pub mode: RunMode,
}

/// How large a script runs: as written for the experiment (`full`), or in its small `quick`
/// variant (`hydro run --quick`), each value given by `by_mode(quick = ..., full = ...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunMode {
    /// The experiment as stated.
    #[default]
    Full,
    /// A small variant for tests and quick looks.
    Quick,
}

impl Environment {
    /// Reads `HYDRO_DATA` from the process environment.
    pub fn from_process() -> Self {
        Environment {
            data_root: crate::data::data_root(),
            mode: Default::default(),
        }
    }
}

/// A name bound in a script.
#[derive(Debug, Clone)]
enum Binding {
    /// `let`.
    Value(Spanned<Value>),
    /// A declaration with its merged, checked settings.
    Declared(Declared),
    /// A name whose definition had errors: uses of it stay quiet instead of cascading.
    Poisoned,
}

#[derive(Debug, Clone)]
struct Declared {
    kind: DeclKind,
    constructor: &'static CallSpec,
    settings: BTreeMap<String, Spanned<Value>>,
    /// The declared name (where errors about the declaration as a whole point).
    span: Span,
    /// For training runs: the checked spec (absent when it had errors); for sweeps, the run
    /// they vary.
    train: Option<Box<TrainSpec>>,
    /// For sweeps: the settings varied.
    axes: Vec<String>,
}

/// Checks a script given as text. `path` (if any) anchors relative `use`s and paths.
pub fn check_text(
    name: &str,
    path: Option<&Path>,
    text: String,
    env: &Environment,
) -> Result<Plan, (SourceMap, Vec<ScriptError>)> {
    let mut checker = Checker::new(env.clone());
    let id = checker.sources.add(name, path, text);
    checker.check_file(id);
    checker.finish()
}

/// Checks a script file.
pub fn check_file(path: &Path, env: &Environment) -> Result<Plan, (SourceMap, Vec<ScriptError>)> {
    let mut checker = Checker::new(env.clone());
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let id = checker
                .sources
                .add(path.display().to_string(), Some(path), text);
            checker.check_file(id);
            checker.finish()
        }
        Err(e) => {
            let id = checker
                .sources
                .add(path.display().to_string(), Some(path), String::new());
            let error = ScriptError::new(
                Span {
                    source: id,
                    start: 0,
                    end: 0,
                },
                format!("cannot read the script {}: {e}", path.display()),
            )
            .with_help("check the path; scripts are plain text files ending in .hydro");
            Err((checker.sources, vec![error]))
        }
    }
}

/// A declaration as the REPL inspects it: its kind, its constructor and its written settings.
pub type DeclarationView<'a> = (
    DeclKind,
    &'static CallSpec,
    &'a BTreeMap<String, Spanned<Value>>,
);

/// Incremental checking state: the REPL keeps one across lines.
#[derive(Debug, Clone)]
pub struct Checker {
    env: Environment,
    /// Every file loaded so far.
    pub sources: SourceMap,
    scope: HashMap<String, Binding>,
    /// Files already `use`d (by resolved path or stdlib name).
    used: Vec<String>,
    /// Files being checked (for cycles).
    stack: Vec<String>,
    steps: Vec<Step>,
    errors: Vec<ScriptError>,
}

impl Checker {
    /// An empty checker.
    pub fn new(env: Environment) -> Self {
        Checker {
            env,
            sources: SourceMap::default(),
            scope: HashMap::new(),
            used: Vec::new(),
            stack: Vec::new(),
            steps: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The plan, or every error found.
    pub fn finish(self) -> Result<Plan, (SourceMap, Vec<ScriptError>)> {
        if self.errors.is_empty() {
            Ok(Plan {
                sources: self.sources,
                steps: self.steps,
            })
        } else {
            Err((self.sources, self.errors))
        }
    }

    /// Checks one more piece of script (a REPL line or a loaded file) against everything checked
    /// so far. On success returns the indices of the new plan steps; on errors the checker is left
    /// exactly as it was and the errors are returned (with the sources, to render them).
    pub fn check_snippet(
        &mut self,
        name: &str,
        path: Option<&Path>,
        text: String,
    ) -> Result<std::ops::Range<usize>, (SourceMap, Vec<ScriptError>)> {
        let saved = self.clone();
        let first = self.steps.len();
        let id = self.sources.add(name, path, text);
        self.check_file(id);
        if self.errors.is_empty() {
            Ok(first..self.steps.len())
        } else {
            let errors = std::mem::take(&mut self.errors);
            let sources = std::mem::replace(self, saved).sources;
            Err((sources, errors))
        }
    }

    /// Every plan step accepted so far.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The names in scope with what they hold ("data", "model", "train", "value"), sorted.
    pub fn names_in_scope(&self) -> Vec<(String, &'static str)> {
        let mut names: Vec<(String, &'static str)> = self
            .scope
            .iter()
            .filter_map(|(name, binding)| match binding {
                Binding::Value(_) => Some((name.clone(), "value")),
                Binding::Declared(d) => Some((name.clone(), d.kind.keyword())),
                Binding::Poisoned => None,
            })
            .collect();
        names.sort();
        names
    }

    /// The check-time value of a `let` name, or the description of a declaration's settings.
    pub fn describe(&self, name: &str) -> Option<String> {
        match self.scope.get(name)? {
            Binding::Value(v) => Some(v.value.to_string()),
            Binding::Declared(d) => {
                let settings: Vec<String> = d
                    .settings
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.value))
                    .collect();
                Some(format!(
                    "{} {name} = {} {{ {} }}",
                    d.kind.keyword(),
                    d.constructor.name,
                    settings.join(", ")
                ))
            }
            Binding::Poisoned => None,
        }
    }

    /// The kind, constructor and written settings (its own and inherited, without defaults) of
    /// the declaration `name`, if `name` is a declaration in scope.
    pub fn declaration(&self, name: &str) -> Option<DeclarationView<'_>> {
        match self.scope.get(name)? {
            Binding::Declared(d) => Some((d.kind, d.constructor, &d.settings)),
            _ => None,
        }
    }

    /// The checked specification of the training run `name`, if it is one in scope.
    pub fn train_spec(&self, name: &str) -> Option<&TrainSpec> {
        match self.scope.get(name)? {
            Binding::Declared(d) => d.train.as_deref(),
            _ => None,
        }
    }

    /// The check-time value bound to `name` by `let`, if any.
    pub fn value(&self, name: &str) -> Option<&Value> {
        match self.scope.get(name)? {
            Binding::Value(v) => Some(&v.value),
            _ => None,
        }
    }

    /// Parses and checks one loaded file.
    pub fn check_file(&mut self, id: SourceId) {
        let text = self.sources.get(id).text.clone();
        match parser::parse(&text, id) {
            Ok((script, literal_errors)) => {
                self.errors.extend(literal_errors);
                for statement in script.statements {
                    self.statement(statement, id);
                }
            }
            Err(errors) => self.errors.extend(errors),
        }
    }

    fn scope_names(&self) -> Vec<&str> {
        self.scope.keys().map(String::as_str).collect()
    }

    fn statement(&mut self, statement: Statement, file: SourceId) {
        match statement {
            Statement::Use { path, span } => self.use_file(&path, span, file),
            Statement::Declaration(decl) => self.declare(decl),
            Statement::Let { name, value } => {
                let binding = self.expr(&value).map_or(Binding::Poisoned, Binding::Value);
                self.bind(&name, binding);
            }
            Statement::Print { value, .. } => {
                if let Some(value) = self.expr(&value) {
                    if let Value::Symbol(name) = &value.value {
                        let scope = self.scope_names();
                        let help = did_you_mean(name, scope.iter().copied()).unwrap_or_else(|| {
                            "define it first with `let`, `data`, `model` or `train`".into()
                        });
                        self.errors.push(
                            ScriptError::new(value.span, format!("unknown name `{name}`"))
                                .with_label("not defined in this script or the files it uses")
                                .with_help(help),
                        );
                        return;
                    }
                    self.steps.push(Step::Print(PrintSpec { value }));
                }
            }
            Statement::Write { value, target, .. } => self.write(&value, &target),
        }
    }

    fn bind(&mut self, name: &Name, binding: Binding) {
        if FUNCTIONS.iter().any(|f| f.name == name.text) {
            self.errors.push(
                ScriptError::new(name.span, format!("`{}` is a built-in function", name.text))
                    .with_label("this name is taken")
                    .with_help("choose another name"),
            );
            return;
        }
        self.scope.insert(name.text.clone(), binding);
    }

    fn use_file(&mut self, path: &str, span: Span, file: SourceId) {
        let base = self
            .sources
            .get(file)
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let local = base.join(path);
        let (key, name, local_path, text) = if local.is_file() {
            match std::fs::read_to_string(&local) {
                Ok(text) => (
                    local.display().to_string(),
                    path.to_string(),
                    Some(local),
                    text,
                ),
                Err(e) => {
                    self.errors.push(
                        ScriptError::new(span, format!("cannot read `{path}`: {e}"))
                            .with_help("check the file's permissions"),
                    );
                    return;
                }
            }
        } else if let Some(text) = stdlib::lookup(path) {
            (
                format!("stdlib/{path}"),
                format!("stdlib/{path}"),
                None,
                text.to_string(),
            )
        } else {
            let stdlib_names: Vec<&str> = stdlib::FILES.iter().map(|(n, _)| *n).collect();
            let help = did_you_mean(path, stdlib_names.iter().copied()).unwrap_or_else(|| {
                format!(
                    "looked for {} and in the standard library ({})",
                    local.display(),
                    stdlib_names.join(", ")
                )
            });
            self.errors.push(
                ScriptError::new(span, format!("cannot find `{path}`"))
                    .with_label("no such file")
                    .with_help(help),
            );
            return;
        };
        if self.stack.contains(&key) {
            self.errors.push(
                ScriptError::new(span, format!("`{path}` uses itself"))
                    .with_label("this `use` closes a cycle")
                    .with_help("remove one of the `use` statements of the cycle"),
            );
            return;
        }
        if self.used.contains(&key) {
            return;
        }
        self.used.push(key.clone());
        self.stack.push(key);
        let id = self.sources.add(name, local_path.as_deref(), text);
        self.check_file(id);
        self.stack.pop();
    }

    fn declare(&mut self, decl: Declaration) {
        if decl.kind == DeclKind::Train {
            self.train_declaration(decl);
            return;
        }
        if decl.kind == DeclKind::Sweep {
            self.sweep_declaration(decl);
            return;
        }
        if decl.on.is_some() {
            self.errors.push(
                ScriptError::new(decl.span, "`on` only belongs to `train` declarations").with_help(
                    format!(
                        "write `{} {} = {} {{ ... }}`",
                        decl.kind.keyword(),
                        decl.name.text,
                        decl.base.text
                    ),
                ),
            );
        }
        let constructors = library::constructors(decl.kind);
        let (constructor, mut settings) = match self.scope.get(&decl.base.text) {
            Some(Binding::Declared(base)) if base.kind == decl.kind => {
                (base.constructor, base.settings.clone())
            }
            Some(_) => {
                self.errors.push(
                    ScriptError::new(
                        decl.base.span,
                        format!(
                            "`{}` is not a {} declaration",
                            decl.base.text,
                            decl.kind.keyword()
                        ),
                    )
                    .with_label("a different kind of value")
                    .with_help(format!(
                        "derive from a constructor ({}) or an earlier `{}` declaration",
                        list(constructors.iter().map(|c| c.name)),
                        decl.kind.keyword()
                    )),
                );
                self.bind(&decl.name, Binding::Poisoned);
                return;
            }
            None => match constructors.iter().find(|c| c.name == decl.base.text) {
                Some(c) => (c, BTreeMap::new()),
                None => {
                    let declared = self.scope.iter().filter_map(|(n, b)| match b {
                        Binding::Declared(d) if d.kind == decl.kind => Some(n.as_str()),
                        _ => None,
                    });
                    let candidates: Vec<&str> = constructors
                        .iter()
                        .map(|c| c.name)
                        .chain(declared)
                        .collect();
                    let help = did_you_mean(&decl.base.text, candidates.iter().copied())
                        .unwrap_or_else(|| {
                            format!(
                                "a {} is built from {}",
                                decl.kind.keyword(),
                                list(candidates.iter().copied())
                            )
                        });
                    self.errors.push(
                        ScriptError::new(
                            decl.base.span,
                            format!("unknown {} `{}`", what(decl.kind), decl.base.text),
                        )
                        .with_label("not a constructor or declaration in scope")
                        .with_help(help),
                    );
                    self.bind(&decl.name, Binding::Poisoned);
                    return;
                }
            },
        };
        let given = self.settings(&decl.settings);
        let scope: Vec<String> = self.scope_names().into_iter().map(String::from).collect();
        let scope: Vec<&str> = scope.iter().map(String::as_str).collect();
        let owner = format!("`{}`", constructor.name);
        let before = self.errors.len();
        let checked = check_settings_in_scope(
            constructor.params,
            given.values,
            &owner,
            &scope,
            &mut self.errors,
        );
        if self.errors.len() != before || !given.complete {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        }
        // `target` and `targets` are two spellings of one data setting: a declaration that sets
        // one replaces the other inherited from its base (the stdlib's `target = streamflow`).
        for (set, inherited) in [("target", "targets"), ("targets", "target")] {
            if checked.contains_key(set) && !checked.contains_key(inherited) {
                settings.remove(inherited);
            }
        }
        settings.extend(checked);
        self.bind(
            &decl.name,
            Binding::Declared(Declared {
                kind: decl.kind,
                constructor,
                settings,
                span: decl.name.span,
                train: None,
                axes: Vec::new(),
            }),
        );
    }

    fn train_declaration(&mut self, decl: Declaration) {
        let before = self.errors.len();
        let model = self.complete(&decl.base, DeclKind::Model);
        let data = match &decl.on {
            Some(on) => self.complete(on, DeclKind::Data),
            None => {
                self.errors.push(
                    ScriptError::new(decl.span, "a training run needs a data set")
                        .with_label("missing `on DATA`")
                        .with_help(format!(
                            "write `train {} = {} on DATA {{ ... }}`",
                            decl.name.text, decl.base.text
                        )),
                );
                None
            }
        };
        let given = self.settings(&decl.settings);
        let settings = check_settings(
            TRAIN_PARAMS,
            given.values,
            "`train`",
            decl.span,
            &mut self.errors,
        );
        if let (Some(Completed::Model(model)), Some(Completed::Data(data)), Some(on)) =
            (&model, &data, &decl.on)
        {
            self.model_on_data(model, data, on.span);
        }
        if let Some(Completed::Data(data)) = &data {
            self.needs_validation(&settings, data);
            self.target_weights_fit(&settings, data);
        }
        let train = match (model, data) {
            (Some(model), Some(data)) if self.errors.len() == before && given.complete => {
                Some(Box::new(train_spec(
                    &decl.name.text,
                    decl.span,
                    &settings,
                    model,
                    data,
                )))
            }
            _ => None,
        };
        if train.is_none() {
            self.bind(&decl.name, Binding::Poisoned);
            return;
        }
        self.bind(
            &decl.name,
            Binding::Declared(Declared {
                kind: DeclKind::Train,
                constructor: &TRAIN_CONSTRUCTOR,
                settings,
                span: decl.name.span,
                train: train.clone(),
                axes: Vec::new(),
            }),
        );
        if let Some(train) = train {
            self.steps.push(Step::Train(train));
        }
    }

    /// Checks that the data set gives the model what its architecture reads: the EA-LSTM's
    /// static attributes, the MC-LSTM's
    /// mass inputs among the inputs and a cell besides the sink; EXP-HYDRO's four forcings and
    /// no static attributes (which it would ignore).
    fn model_on_data(&mut self, model: &ModelSpec, data: &DataSpec, on: Span) {
        let inputs: Vec<&str> = data.inputs.iter().map(|i| i.value.as_str()).collect();
        let mut fail = |message: String, label: String, help: String| {
            self.errors.push(
                ScriptError::new(on, message)
                    .with_label(label)
                    .with_help(help),
            );
        };
        match model.architecture.as_str() {
            "ealstm" if data.statics.is_empty() => fail(
                format!("the EA-LSTM `{}` needs static attributes", model.name),
                format!("data set `{}` has no `statics`", data.name),
                format!(
                    "its input gate is computed from each basin's static attributes: set \
                     `statics = [...]` in `{}` (e.g. `statics = kratzert_attributes` from \
                     \"camels_us.hydro\"), or train an `lstm`",
                    data.name
                ),
            ),
            "mclstm" => {
                for mass in model.names("mass_inputs") {
                    if !inputs.contains(&mass.as_str()) {
                        fail(
                            format!("the MC-LSTM `{}` conserves `{mass}`, which `{}` does not read", model.name, data.name),
                            format!("data set `{}` has inputs [{}]", data.name, inputs.join(", ")),
                            format!("add `{mass}` to the `inputs` of `{}`, or list only inputs of it in `mass_inputs`", data.name),
                        );
                    }
                }
                if model.integer("trash_cells") >= model.integer("hidden") {
                    fail(
                        format!("the MC-LSTM `{}` has no cell left for runoff", model.name),
                        format!(
                            "{} trash cells out of {}",
                            model.integer("trash_cells"),
                            model.integer("hidden")
                        ),
                        "set `hidden` larger than `trash_cells`".into(),
                    );
                }
                if data.inputs.len() == model.names("mass_inputs").len() && data.statics.is_empty()
                {
                    fail(
                        format!(
                            "the MC-LSTM `{}` has no auxiliary input to steer its gates",
                            model.name
                        ),
                        format!("every input of `{}` is a mass input", data.name),
                        "add forcings such as tmax or srad to `inputs`, or static attributes"
                            .into(),
                    );
                }
            }
            "cnn_lstm" if data.grid.as_ref().map(|g| g.layout.as_str()) != Some("grid") => {
                fail(
                    format!(
                        "the CNN-LSTM `{}` convolves over grids, which `{}` does not have",
                        model.name, data.name
                    ),
                    format!(
                        "data set `{}` is not a `gridded` data set with `layout = grid`",
                        data.name
                    ),
                    "train it on a `gridded` data set (its default layout is `grid`)".into(),
                );
            }
            "exphydro" => {
                let missing: Vec<&str> = EXPHYDRO_INPUTS
                    .iter()
                    .copied()
                    .filter(|i| !inputs.contains(i))
                    .collect();
                if !missing.is_empty() {
                    fail(
                        format!("EXP-HYDRO `{}` needs the forcings {}", model.name, EXPHYDRO_INPUTS.join(", ")),
                        format!("data set `{}` lacks {}", data.name, missing.join(", ")),
                        format!("set `inputs = [{}]` in `{}` (Daymet forcings: precipitation mm/day, temperatures deg C, day length s)", EXPHYDRO_INPUTS.join(", "), data.name),
                    );
                }
                if !data.statics.is_empty() {
                    fail(
                        format!("EXP-HYDRO `{}` does not read static attributes", model.name),
                        format!("data set `{}` has `statics`", data.name),
                        format!("train it on a data set without `statics` (derive one from `{}` with `statics = []`)", data.name),
                    );
                }
            }
            _ => {}
        }
    }

    /// Early stopping and a plateau schedule watch the validation loss: the data set must
    /// declare a validation period.
    fn needs_validation(&mut self, settings: &BTreeMap<String, Spanned<Value>>, data: &DataSpec) {
        if data.validation.is_some() {
            return;
        }
        let watchers = [
            settings.get("patience"),
            settings
                .get("schedule")
                .filter(|v| matches!(&v.value, Value::Call(c) if c.name == "plateau")),
        ];
        for setting in watchers.into_iter().flatten() {
            self.errors.push(
                ScriptError::new(setting.span, "this setting needs a validation period")
                    .with_label(format!("data set `{}` has no `validation`", data.name))
                    .with_help(format!(
                        "it watches the loss on the validation period: set `validation = \
                         YYYY-MM-DD..YYYY-MM-DD` in `{}`",
                        data.name
                    )),
            );
        }
    }

    /// `target_weights` needs one weight per target of the data set.
    fn target_weights_fit(&mut self, settings: &BTreeMap<String, Spanned<Value>>, data: &DataSpec) {
        let Some(weights) = settings.get("target_weights") else {
            return;
        };
        let Value::List(items) = &weights.value else {
            return;
        };
        if items.len() != data.targets.len() {
            let targets: Vec<&str> = data.targets.iter().map(|t| t.value.as_str()).collect();
            self.errors.push(
                ScriptError::new(
                    weights.span,
                    format!(
                        "{} target weights for {} targets",
                        items.len(),
                        data.targets.len()
                    ),
                )
                .with_label(format!(
                    "data set `{}` has the targets [{}]",
                    data.name,
                    targets.join(", ")
                ))
                .with_help("give one weight per target, in the order of the data set's targets"),
            );
        }
    }

    /// Resolves a reference to a complete declaration of `kind` and builds its typed spec.
    fn complete(&mut self, name: &Name, kind: DeclKind) -> Option<Completed> {
        if matches!(self.scope.get(&name.text), Some(Binding::Poisoned)) {
            return None;
        }
        let Some(Binding::Declared(declared)) = self.scope.get(&name.text).cloned() else {
            let candidates: Vec<String> = self
                .scope
                .iter()
                .filter(|(_, b)| matches!(b, Binding::Declared(d) if d.kind == kind))
                .map(|(n, _)| n.clone())
                .collect();
            let exists = self.scope.contains_key(&name.text);
            let help = did_you_mean(&name.text, candidates.iter().map(String::as_str))
                .unwrap_or_else(|| {
                    format!(
                        "declare it first: `{} {} = ... {{ ... }}`",
                        kind.keyword(),
                        name.text
                    )
                });
            let message = if exists {
                format!("`{}` is not a {} declaration", name.text, kind.keyword())
            } else {
                format!("unknown {} `{}`", what(kind), name.text)
            };
            self.errors.push(
                ScriptError::new(name.span, message)
                    .with_label("not declared")
                    .with_help(help),
            );
            return None;
        };
        if declared.kind != kind {
            self.errors.push(
                ScriptError::new(
                    name.span,
                    format!(
                        "`{}` is a {} declaration, not a {}",
                        name.text,
                        declared.kind.keyword(),
                        kind.keyword()
                    ),
                )
                .with_label("wrong kind of declaration"),
            );
            return None;
        }
        let before = self.errors.len();
        let owner = format!("{} `{}`", kind.keyword(), name.text);
        require_settings(
            declared.constructor.params,
            &declared.settings,
            &owner,
            declared.span,
            &mut self.errors,
        );
        if self.errors.len() != before {
            return None;
        }
        let settings = with_defaults(
            declared.constructor.params,
            declared.settings,
            declared.span,
        );
        Some(match kind {
            DeclKind::Model => {
                Completed::Model(model_spec(&name.text, declared.constructor.name, &settings))
            }
            _ => Completed::Data(Box::new(data_spec(
                &name.text,
                declared.constructor.name,
                &settings,
                declared.span,
                &mut self.errors,
            )?)),
        })
    }

    /// The values of a block's settings; a setting whose value had an error is left out and
    /// `complete` is false (so that it is not also reported as missing).
    fn settings(&mut self, settings: &[crate::syntax::ast::Setting]) -> Settings {
        let mut complete = true;
        let values = settings
            .iter()
            .filter_map(|s| {
                let value = self.expr(&s.value);
                complete &= value.is_some();
                value.map(|v| (s.name.clone(), v))
            })
            .collect();
        Settings { values, complete }
    }

    fn write(&mut self, value: &Expr, target: &Expr) {
        let value = self.expr(value);
        let target = self.expr(target);
        let (Some(value), Some(target)) = (value, target) else {
            return;
        };
        let Value::Text(path) = &target.value else {
            self.errors.push(
                ScriptError::new(target.span, "`write` needs a file name")
                    .with_label(format!("found {}", target.value.describe()))
                    .with_help(
                        "write a string such as \"scores.csv\" (relative to the run directory)",
                    ),
            );
            return;
        };
        let Value::Result(_, kind) = value.value else {
            self.errors.push(
                ScriptError::new(value.span, "only results can be written")
                    .with_label(format!("found {}", value.value.describe()))
                    .with_help("write a table or a figure, e.g. `write scores -> \"scores.csv\"`"),
            );
            return;
        };
        let path = PathBuf::from(path);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let figure = kind == ResultKind::Figure;
        let (allowed, help): (&[&str], &str) = if figure {
            (
                &["png", "svg", ""],
                "figures are written as .png or .svg, or as both when the name has no extension, e.g. \"nse_cdf\"",
            )
        } else {
            (
                &["csv", "json"],
                "use a relative name ending in .csv or .json, e.g. \"scores.csv\"",
            )
        };
        if !allowed.contains(&extension)
            || path.is_absolute()
            || path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            self.errors.push(
                ScriptError::new(target.span, "unsupported output file")
                    .with_label(if figure {
                        "figures are written inside the run directory"
                    } else {
                        "tables are written as .csv or .json inside the run directory"
                    })
                    .with_help(help),
            );
            return;
        }
        self.steps.push(Step::Write(WriteSpec { value, path }));
    }

    /// Computes an expression's check-time value, reporting errors.
    fn expr(&mut self, expr: &Expr) -> Option<Spanned<Value>> {
        let span = expr.span;
        let value = match &expr.kind {
            ExprKind::Invalid => return None,
            ExprKind::Number { value, integer } => {
                if *integer && value.abs() < 9.0e15 {
                    Value::Integer(*value as i64)
                } else {
                    Value::Number(*value)
                }
            }
            ExprKind::Str(s) => Value::Text(s.clone()),
            ExprKind::Date(d) => Value::Date(*d),
            ExprKind::Range(a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                match (a.value, b.value) {
                    (Value::Date(start), Value::Date(end)) => {
                        Value::Period(DateRange { start, end })
                    }
                    (Value::Integer(start), Value::Integer(end)) => Value::IntRange(start, end),
                    (x, y) => {
                        self.errors.push(
                            ScriptError::new(span, "a range joins two dates or two integers")
                                .with_label(format!("found {} and {}", x.describe(), y.describe()))
                                .with_help("write e.g. 1999-10-01..2008-09-30 or 1..8"),
                        );
                        return None;
                    }
                }
            }
            ExprKind::List(items) => {
                let values: Vec<_> = items.iter().map(|i| self.expr(i)).collect();
                Value::List(values.into_iter().collect::<Option<Vec<_>>>()?)
            }
            ExprKind::Name(name) => match self.scope.get(name) {
                Some(Binding::Poisoned) => return None,
                Some(Binding::Value(v)) => v.value.clone(),
                Some(Binding::Declared(d)) => Value::Declared(d.kind, name.clone()),
                None => Value::Symbol(name.clone()),
            },
            ExprKind::Member(inner, field) => {
                let inner = self.expr(inner)?;
                match (&inner.value, field.text.as_str()) {
                    (Value::Result(step, ResultKind::MetricTable), "median") => {
                        Value::Result(*step, ResultKind::Median)
                    }
                    (Value::Result(step, ResultKind::MetricTable), "mean") => {
                        Value::Result(*step, ResultKind::Mean)
                    }
                    (Value::Result(step, ResultKind::Table), part) => {
                        match self.result_part(*step, part) {
                            Ok(kind) => Value::Result(*step, kind),
                            Err(help) => {
                                self.errors.push(
                                    ScriptError::new(
                                        field.span,
                                        format!("this table has no field `{part}`"),
                                    )
                                    .with_label("unknown field")
                                    .with_help(help),
                                );
                                return None;
                            }
                        }
                    }
                    (v, _) => {
                        self.errors.push(
                            ScriptError::new(
                                field.span,
                                format!("{} has no field `{}`", v.describe(), field.text),
                            )
                            .with_label("unknown field")
                            .with_help("metric tables have the fields `median` and `mean`"),
                        );
                        return None;
                    }
                }
            }
            ExprKind::Call {
                callee,
                positional,
                named,
            } => return self.call(callee, positional, named, span),
        };
        Some(Spanned { value, span })
    }

    fn call(
        &mut self,
        callee: &Name,
        positional: &[Expr],
        named: &[crate::syntax::ast::Setting],
        span: Span,
    ) -> Option<Spanned<Value>> {
        let value = match callee.text.as_str() {
            "data_dir" | "basin_file" => {
                let [arg] = positional else {
                    self.errors.push(
                        ScriptError::new(span, format!("`{}` takes one file name", callee.text))
                            .with_help(format!("write `{}(\"name\")`", callee.text)),
                    );
                    return None;
                };
                let arg = self.expr(arg)?;
                let Value::Text(text) = arg.value else {
                    self.errors.push(
                        ScriptError::new(arg.span, format!("`{}` takes a string", callee.text))
                            .with_label(format!("found {}", arg.value.describe())),
                    );
                    return None;
                };
                if callee.text == "data_dir" {
                    Value::Path(self.env.data_root.join(text))
                } else {
                    Value::BasinFile(PathBuf::from(text))
                }
            }
            "by_mode" => {
                if let Some(first) = positional.first() {
                    self.errors.push(
                        ScriptError::new(first.span, "`by_mode` takes named arguments only")
                            .with_help("write `by_mode(quick = 2, full = 30)`"),
                    );
                    return None;
                }
                let given = self.settings(named);
                let mut quick = None;
                let mut full = None;
                for (name, value) in given.values {
                    match name.text.as_str() {
                        "quick" => quick = Some(value),
                        "full" => full = Some(value),
                        other => self.errors.push(
                            ScriptError::new(name.span, format!("`by_mode` has no mode `{other}`"))
                                .with_help("the modes are `quick` and `full`"),
                        ),
                    }
                }
                let (Some(quick), Some(full)) = (quick, full) else {
                    if given.complete {
                        self.errors.push(
                            ScriptError::new(span, "`by_mode` needs a value for each mode")
                                .with_help("write `by_mode(quick = 2, full = 30)`"),
                        );
                    }
                    return None;
                };
                let chosen = match self.env.mode {
                    RunMode::Quick => quick,
                    RunMode::Full => full,
                };
                return Some(Spanned {
                    value: chosen.value,
                    span,
                });
            }
            "evaluate" => {
                let [run] = positional else {
                    self.errors.push(
                        ScriptError::new(
                            span,
                            "`evaluate` takes one trained run and named settings",
                        )
                        .with_help("write `evaluate(run, period = test, metrics = [nse, kge])`"),
                    );
                    return None;
                };
                let run_value = self.expr(run)?;
                let run_name = match (
                    &run_value.value,
                    self.scope.get(match &run_value.value {
                        Value::Declared(_, n) => n.as_str(),
                        _ => "",
                    }),
                ) {
                    (
                        Value::Declared(DeclKind::Train | DeclKind::Sweep, name),
                        Some(Binding::Declared(d)),
                    ) => {
                        let train = d.train.clone()?;
                        (
                            name.clone(),
                            (train, d.kind == DeclKind::Sweep, d.axes.clone()),
                        )
                    }
                    (v, _) => {
                        let candidates: Vec<&str> = self
                            .scope
                            .iter()
                            .filter_map(|(n, b)| {
                                matches!(b, Binding::Declared(d) if d.kind == DeclKind::Train)
                                    .then_some(n.as_str())
                            })
                            .collect();
                        let help = match v {
                            Value::Symbol(s) => did_you_mean(s, candidates.iter().copied()),
                            _ => None,
                        }
                        .unwrap_or_else(|| "evaluate a `train` declaration".to_string());
                        let message = match v {
                            Value::Symbol(s) => format!("unknown training run `{s}`"),
                            other => format!(
                                "`evaluate` needs a training run, found {}",
                                other.describe()
                            ),
                        };
                        self.errors.push(
                            ScriptError::new(run_value.span, message)
                                .with_label("not a `train` declaration")
                                .with_help(help),
                        );
                        return None;
                    }
                };
                let given = self.settings(named);
                let spec = FUNCTIONS
                    .iter()
                    .find(|f| f.name == "evaluate")
                    .expect("evaluate is registered");
                let before = self.errors.len();
                let args = check_settings(
                    spec.params,
                    given.values,
                    "`evaluate`",
                    span,
                    &mut self.errors,
                );
                if self.errors.len() != before || !given.complete {
                    return None;
                }
                let (run_name, (train, is_sweep, axes)) = run_name;
                let ensemble = match args.get("ensemble") {
                    None => None,
                    Some(given) => {
                        let axis = symbol(given);
                        if !is_sweep || !axes.contains(&axis) {
                            let help = if is_sweep {
                                format!(
                                    "the axes of `{run_name}` are {}",
                                    list(axes.iter().map(String::as_str))
                                )
                            } else {
                                "an ensemble averages the members of a sweep, e.g. `sweep seeds = run { seed = 1..8 }`".to_string()
                            };
                            self.errors.push(
                                ScriptError::new(
                                    given.span,
                                    format!("`{axis}` is not an axis of a sweep `{run_name}`"),
                                )
                                .with_label("nothing to average over")
                                .with_help(help),
                            );
                            return None;
                        }
                        Some(axis)
                    }
                };
                let period = symbol(&args["period"]);
                let available = match period.as_str() {
                    "validation" => train.data.validation.is_some(),
                    "test" => train.data.test.is_some(),
                    _ => true,
                };
                if !available {
                    self.errors.push(
                        ScriptError::new(
                            args["period"].span,
                            format!("data set `{}` has no {period} period", train.data.name),
                        )
                        .with_label("not declared on the data set")
                        .with_help(format!(
                            "add `{period} = START..END` to the data declaration"
                        )),
                    );
                    return None;
                }
                let metrics = symbols(&args["metrics"]);
                let targets: Vec<&str> = train
                    .data
                    .targets
                    .iter()
                    .map(|t| t.value.as_str())
                    .collect();
                let (target, target_index) = match args.get("target") {
                    None => (targets[0].to_string(), 0),
                    Some(given) => {
                        let name = symbol(given);
                        let Some(index) = targets.iter().position(|t| *t == name) else {
                            let help =
                                did_you_mean(&name, targets.iter().copied()).unwrap_or_else(|| {
                                    format!(
                                        "the targets of `{}` are {}",
                                        train.data.name,
                                        list(targets.iter().copied())
                                    )
                                });
                            self.errors.push(
                                ScriptError::new(
                                    given.span,
                                    format!(
                                        "`{name}` is not a target of data set `{}`",
                                        train.data.name
                                    ),
                                )
                                .with_label("not among the data set's targets")
                                .with_help(help),
                            );
                            return None;
                        };
                        (name, index)
                    }
                };
                let kind = if is_sweep && axes.iter().any(|a| Some(a) != ensemble.as_ref()) {
                    ResultKind::Table
                } else {
                    ResultKind::MetricTable
                };
                self.steps.push(Step::Evaluate(EvaluateSpec {
                    run: run_name,
                    sweep: is_sweep,
                    ensemble,
                    period,
                    metrics,
                    target,
                    target_index,
                    span,
                }));
                Value::Result(self.steps.len() - 1, kind)
            }
            name if library::analysis(name).is_some() => {
                let analysis = library::analysis(name).expect("just found");
                return self.analysis_call(analysis, positional, named, span);
            }
            name if described_calls().any(|l| l.name == name) => {
                if let Some(first) = positional.first() {
                    self.errors.push(
                        ScriptError::new(
                            first.span,
                            format!("`{name}` takes named arguments only"),
                        )
                        .with_help("write e.g. `nse_star(eps = 0.1)`"),
                    );
                    return None;
                }
                let args = self.settings(named);
                if !args.complete {
                    return None;
                }
                Value::Call(CallValue {
                    name: name.to_string(),
                    args: args.values.into_iter().map(|(n, v)| (n.text, v)).collect(),
                })
            }
            name => {
                let candidates = FUNCTIONS
                    .iter()
                    .chain(described_calls())
                    .chain(ANALYSES.iter().map(|a| &a.call))
                    .map(|f| f.name);
                let help = did_you_mean(name, candidates.clone())
                    .unwrap_or_else(|| format!("functions are {}", list(candidates)));
                self.errors.push(
                    ScriptError::new(callee.span, format!("unknown function `{name}`"))
                        .with_label("not a function")
                        .with_help(help),
                );
                return None;
            }
        };
        Some(Spanned { value, span })
    }
}

/// The values of a settings block.
struct Settings {
    values: Vec<(Name, Spanned<Value>)>,
    /// Every value could be computed.
    complete: bool,
}

/// The pseudo-constructor of training runs (their settings are [`TRAIN_PARAMS`]).
static TRAIN_CONSTRUCTOR: CallSpec = CallSpec {
    name: "train",
    doc: "a training run of a model on a data set",
    params: TRAIN_PARAMS,
};

enum Completed {
    Model(ModelSpec),
    Data(Box<DataSpec>),
}

fn what(kind: DeclKind) -> &'static str {
    match kind {
        DeclKind::Data => "data set",
        DeclKind::Model => "model",
        DeclKind::Train => "training run",
        DeclKind::Sweep => "sweep",
    }
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn symbol(value: &Spanned<Value>) -> String {
    match &value.value {
        Value::Symbol(s) => s.clone(),
        other => other.to_string(),
    }
}

fn symbols(value: &Spanned<Value>) -> Vec<String> {
    spanned_symbols(value)
        .into_iter()
        .map(|s| s.value)
        .collect()
}

fn spanned_symbols(value: &Spanned<Value>) -> Vec<Spanned<String>> {
    match &value.value {
        Value::List(items) => items
            .iter()
            .map(|i| Spanned {
                value: symbol(i),
                span: i.span,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn integer(value: &Spanned<Value>) -> i64 {
    match value.value {
        Value::Integer(i) => i,
        Value::Number(x) => x as i64,
        _ => 0,
    }
}

fn number(value: &Spanned<Value>) -> f64 {
    match value.value {
        Value::Integer(i) => i as f64,
        Value::Number(x) => x,
        _ => 0.0,
    }
}

fn period(value: &Spanned<Value>) -> Spanned<DateRange> {
    match &value.value {
        Value::Period(p) => Spanned {
            value: *p,
            span: value.span,
        },
        _ => unreachable!("checked as a period"),
    }
}

fn model_spec(name: &str, architecture: &str, s: &BTreeMap<String, Spanned<Value>>) -> ModelSpec {
    let settings = s
        .iter()
        .filter_map(|(key, value)| {
            let resolved = match &value.value {
                Value::Integer(i) => SettingValue::Integer(*i),
                Value::Number(x) => SettingValue::Number(*x),
                Value::Symbol(n) => SettingValue::Name(n.clone()),
                Value::List(items)
                    if !items.is_empty()
                        && items
                            .iter()
                            .all(|i| matches!(i.value, Value::Integer(_) | Value::Number(_))) =>
                {
                    SettingValue::Numbers(items.iter().map(number).collect())
                }
                Value::List(_) => SettingValue::Names(symbols(value)),
                _ => return None,
            };
            Some((key.clone(), resolved))
        })
        .collect();
    ModelSpec {
        name: name.to_string(),
        architecture: architecture.to_string(),
        settings,
    }
}

fn data_spec(
    name: &str,
    source: &str,
    s: &BTreeMap<String, Spanned<Value>>,
    span: Span,
    errors: &mut Vec<ScriptError>,
) -> Option<DataSpec> {
    let before = errors.len();
    let basins = match &s["basins"].value {
        Value::BasinFile(path) => BasinsSpec::File(Spanned {
            value: path.clone(),
            span: s["basins"].span,
        }),
        Value::List(items) => BasinsSpec::Listed(
            items
                .iter()
                .map(|i| Spanned {
                    value: match &i.value {
                        Value::Text(t) => t.clone(),
                        other => other.to_string(),
                    },
                    span: i.span,
                })
                .collect(),
        ),
        _ => unreachable!("checked as basins"),
    };
    if let (BasinsSpec::Listed(ids), "caravan") = (&basins, source) {
        for id in ids {
            if crate::data::caravan::source_of(&id.value).is_none() {
                errors.push(
                    ScriptError::new(id.span, format!("`{}` is not a Caravan basin id", id.value))
                        .with_label("no `<source>_` prefix")
                        .with_help("Caravan ids are `<source>_<gauge id>`, e.g. \"camelsch_4001\" or \"camels_01022500\""),
                );
            }
        }
    }
    let targets = data_targets(source, s, span, errors);
    let csv = (source == "daily_csv").then(|| csv_spec(s, errors));
    let grid = (source == "gridded").then(|| grid_spec(s));
    if errors.len() != before {
        return None;
    }
    Some(DataSpec {
        name: name.to_string(),
        source: source.to_string(),
        root: match &s["root"].value {
            Value::Path(p) => p.clone(),
            _ => unreachable!("checked as a path"),
        },
        basins,
        forcing: s.get("forcing").map(symbol),
        inputs: spanned_symbols(&s["inputs"]),
        statics: s.get("statics").map(spanned_symbols).unwrap_or_default(),
        targets,
        csv,
        grid,
        train: period(&s["train"]),
        validation: s.get("validation").map(period),
        test: s.get("test").map(period),
        lookback: integer(&s["lookback"]) as usize,
        scaling: symbol(&s["scaling"]),
        span,
    })
}

/// The targets of a data set: `targets = [...]`, or `target = x`, or the source's default
/// (`streamflow` for `camels_us` and `caravan`; `daily_csv` has none).
fn data_targets(
    source: &str,
    s: &BTreeMap<String, Spanned<Value>>,
    span: Span,
    errors: &mut Vec<ScriptError>,
) -> Vec<Spanned<String>> {
    let targets = match (s.get("target"), s.get("targets")) {
        (Some(_), Some(list)) => {
            errors.push(
                ScriptError::new(list.span, "both `target` and `targets` are set")
                    .with_label("a second way of naming the targets")
                    .with_help(
                        "keep `targets = [...]` for several targets or `target = x` for one",
                    ),
            );
            return Vec::new();
        }
        (None, Some(list)) => spanned_symbols(list),
        (Some(one), None) => vec![Spanned {
            value: symbol(one),
            span: one.span,
        }],
        (None, None) if source == "daily_csv" => {
            errors.push(
                ScriptError::new(span, "a `daily_csv` data set needs its target column")
                    .with_label("no `target` or `targets`")
                    .with_help(
                        "name the column to predict, e.g. `target = Q` (or `targets = [...]`)",
                    ),
            );
            return Vec::new();
        }
        (None, None) if source == "gridded" => vec![Spanned {
            value: "discharge".to_string(),
            span,
        }],
        (None, None) => vec![Spanned {
            value: crate::data::caravan::STREAMFLOW.to_string(),
            span,
        }],
    };
    if targets.is_empty() {
        errors.push(
            ScriptError::new(s["targets"].span, "`targets` is empty")
                .with_label("no target to predict")
                .with_help("list at least one target, e.g. `targets = [streamflow]`"),
        );
    }
    for (k, t) in targets.iter().enumerate() {
        if targets[..k].iter().any(|earlier| earlier.value == t.value) {
            errors.push(
                ScriptError::new(t.span, format!("target `{}` is listed twice", t.value))
                    .with_label("repeated target")
                    .with_help("list each target once"),
            );
        }
    }
    targets
}

/// Where a `gridded` data set's files are and how its cells become inputs.
fn grid_spec(s: &BTreeMap<String, Spanned<Value>>) -> GridSpec {
    let text = |key: &str, default: &str| match s.get(key).map(|v| &v.value) {
        Some(Value::Text(t)) => t.clone(),
        Some(other) => other.to_string(),
        None => default.to_string(),
    };
    GridSpec {
        variable_file: text("variable_file", "meteo/{variable}/{variable}.nc"),
        gauge_file: text("gauge_file", "gauge/{basin}.txt"),
        layout: symbol(&s["layout"]),
        area_km2: s.get("area").map(number),
    }
}

/// How a `daily_csv` data set's files are read, checking the settings that depend on each other.
fn csv_spec(s: &BTreeMap<String, Spanned<Value>>, errors: &mut Vec<ScriptError>) -> CsvSpec {
    let text = |value: &Spanned<Value>| match &value.value {
        Value::Text(t) => t.clone(),
        other => other.to_string(),
    };
    let mut pattern = |key: &str| -> Option<Spanned<String>> {
        let value = s.get(key)?;
        let pattern = text(value);
        if !pattern.contains("{basin}") {
            errors.push(
                ScriptError::new(value.span, format!("`{key}` does not contain `{{basin}}`"))
                    .with_label("every basin would read the same file")
                    .with_help("write `{basin}` where the basin id goes, e.g. \"{basin}.csv\""),
            );
        }
        Some(Spanned {
            value: pattern,
            span: value.span,
        })
    };
    let file = pattern("file").unwrap_or_else(|| Spanned {
        value: "{basin}.csv".to_string(),
        span: s["root"].span,
    });
    let target_file = pattern("target_file");
    let date = s.get("date").map(spanned_symbols).unwrap_or_default();
    if let Some(value) = s.get("date") {
        if ![1, 3].contains(&date.len()) {
            errors.push(
                ScriptError::new(value.span, format!("`date` names {} columns", date.len()))
                    .with_label("expected one date column or three (year, month, day)")
                    .with_help("write `date = [Date]` or `date = [Year, Month, Day]`"),
            );
        }
    }
    let date_format = s.get("date_format").map(text);
    if let (Some(format), 3) = (s.get("date_format"), date.len()) {
        errors.push(
            ScriptError::new(
                format.span,
                "`date_format` with year, month and day columns",
            )
            .with_label("the date is read from three numeric columns")
            .with_help("remove `date_format`, or name a single date column in `date`"),
        );
    }
    let target_units = symbol(&s["target_units"]);
    let area_km2 = s.get("area").map(number);
    if target_units != "mm_per_day" && area_km2.is_none() {
        errors.push(
            ScriptError::new(
                s["target_units"].span,
                format!("`{target_units}` needs the basin area"),
            )
            .with_label("converting to mm/day divides by the area")
            .with_help("add `area = ...` (km^2), or give the targets in mm/day"),
        );
    }
    CsvSpec {
        file,
        target_file,
        columns: s.get("columns").map(symbols),
        date,
        date_format,
        delimiter: s.get("delimiter").map(symbol),
        missing: s.get("missing").map(|v| match &v.value {
            Value::List(items) => items.iter().map(text).collect(),
            _ => Vec::new(),
        }),
        area_km2,
        target_units,
    }
}
fn train_spec(
    name: &str,
    span: Span,
    s: &BTreeMap<String, Spanned<Value>>,
    model: Completed,
    data: Completed,
) -> TrainSpec {
    let (Completed::Model(model), Completed::Data(data)) = (model, data) else {
        unreachable!("completed by kind")
    };
    let target_weights = match s.get("target_weights").map(|v| &v.value) {
        Some(Value::List(items)) => items.iter().map(number).collect(),
        _ => vec![1.0; data.targets.len()],
    };
    let loss = match &s["loss"].value {
        Value::Call(call) if call.name == "nse_star" => LossSpec::NseStar {
            eps: number(&call.args["eps"]),
        },
        Value::Call(call) if call.name == "normalized_squared_error" => {
            LossSpec::NormalizedSquaredError
        }
        _ => LossSpec::Mse,
    };
    let schedule = match &s["schedule"].value {
        Value::Call(call) if call.name == "step" => ScheduleSpec::Step {
            every: integer(&call.args["every"]) as usize,
            factor: number(&call.args["factor"]),
        },
        Value::Call(call) if call.name == "plateau" => ScheduleSpec::Plateau {
            patience: integer(&call.args["patience"]) as usize,
            factor: number(&call.args["factor"]),
        },
        _ => ScheduleSpec::Constant,
    };
    TrainSpec {
        name: name.to_string(),
        model,
        data: *data,
        loss,
        learning_rate: number(&s["learning_rate"]),
        epochs: integer(&s["epochs"]) as usize,
        batch: integer(&s["batch"]) as usize,
        seed: integer(&s["seed"]) as u64,
        clip_grad_norm: s.get("clip_grad_norm").map(number),
        samples_per_epoch: s.get("samples_per_epoch").map(|v| integer(v) as usize),
        device: symbol(&s["device"]),
        engine: symbol(&s["engine"]),
        schedule,
        patience: s.get("patience").map(|v| integer(v) as usize),
        mode: if symbol(&s["mode"]) == "local" {
            TrainingMode::Local
        } else {
            TrainingMode::Regional
        },
        train_years: s.get("train_years").map(|v| integer(v) as usize),
        years_seed: integer(&s["years_seed"]) as u64,
        target_weights,
        span,
    }
}
