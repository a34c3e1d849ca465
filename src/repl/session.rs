//! The state of a REPL session and what each input does to it: statements are checked against
//! everything accepted so far and their plan steps run at once; meta-commands inspect, load,
//! save or reset. An input with an error (in checking or while running) leaves the session as
//! it was before the input.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::inspect::View;
use super::interrupt;
use super::lexer::{tokenize, TokenKind};
use super::meta::{self, Meta};
use super::transcript::Transcript;
use super::{completion::Scope, help};
use crate::checking::plan::Step;
use crate::checking::value::Value;
use crate::checking::{Checker, Environment};
use crate::evaluation::{RunError, RunOptions, Session};
use crate::syntax::{parser, render_plain, ScriptError, SourceId, SourceMap};

/// How the REPL runs.
#[derive(Debug, Clone)]
pub struct ReplOptions {
    /// Parent folder of the session's run directory (`<runs_dir>/repl-<date>-<time>/`).
    pub runs_dir: PathBuf,
    /// Overrides every training run's `device` setting when given.
    pub device: Option<String>,
    /// Where scripts find their data.
    pub env: Environment,
    /// Print diagnostics in colour.
    pub colours: bool,
}

/// What the loop does after an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// Leave the REPL.
    Quit,
}

/// A REPL session: checked names, trained runs and results, and the accepted inputs.
pub struct Repl {
    options: ReplOptions,
    checker: Checker,
    /// Created when the first plan step runs.
    session: Option<Session>,
    transcript: Transcript,
    /// Plan steps that ran (their results can be printed and written).
    done: HashSet<usize>,
    /// For each loaded data set, the declaration it was loaded from (as JSON): a training run on
    /// a changed declaration of the same name loads the data again.
    loaded: HashMap<String, String>,
    /// Inputs read so far (they are named `<repl:N>` in diagnostics).
    inputs: usize,
}

impl Repl {
    /// An empty session.
    pub fn new(options: ReplOptions) -> Self {
        Repl {
            checker: Checker::new(options.env.clone()),
            options,
            session: None,
            transcript: Transcript::default(),
            done: HashSet::new(),
            loaded: HashMap::new(),
            inputs: 0,
        }
    }

    /// The checked names of the session.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// The session's run directory, once something has run.
    pub fn run_directory(&self) -> Option<&Path> {
        self.session.as_ref().map(|s| s.run_dir.path.as_path())
    }

    /// What completion needs to know about the names in scope.
    pub fn scope(&self) -> Scope {
        Scope::from_checker(&self.checker)
    }

    /// Handles one complete input: a meta-command or statements of the language.
    pub fn handle(&mut self, input: &str) -> Flow {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Flow::Continue;
        }
        if trimmed.starts_with(':') {
            return match meta::parse(trimmed) {
                Ok(command) => self.meta(command),
                Err(message) => {
                    eprintln!("{message}");
                    Flow::Continue
                }
            };
        }
        self.statements(input);
        Flow::Continue
    }

    fn meta(&mut self, command: Meta) -> Flow {
        match command {
            Meta::Help(topic) => print!("{}", help::help(topic.as_deref())),
            Meta::Load(path) => self.load(&path),
            Meta::Vars => print!("{}", self.view().vars()),
            Meta::Show(name) => print!("{}", self.view().show(&name)),
            Meta::Save(path) => self.save(&path),
            Meta::Reset => {
                self.checker = Checker::new(self.options.env.clone());
                self.session = None;
                self.transcript.clear();
                self.done.clear();
                self.loaded.clear();
                println!("forgot every name, trained run and result; the next run writes a new run directory");
            }
            Meta::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    fn view(&self) -> View<'_> {
        View {
            checker: &self.checker,
            session: self.session.as_ref(),
            done: &self.done,
        }
    }

    /// Statements typed at the prompt (or a bare expression, run as `print`).
    fn statements(&mut self, input: &str) {
        self.inputs += 1;
        let name = format!("<repl:{}>", self.inputs);
        let text = match parser::parse(input, SourceId(0)) {
            Ok((script, _)) if script.statements.is_empty() => return,
            Ok(_) => input.to_string(),
            Err(_) => match bare_expression(input) {
                Some(expression) => {
                    let declared = self.checker.declaration(expression).is_some();
                    if declared {
                        print!("{}", self.view().show(expression));
                        return;
                    }
                    format!("print {expression}")
                }
                None => input.to_string(),
            },
        };
        if self.run_text(&name, None, &text) {
            self.transcript.push_typed(&text);
            self.record();
        }
    }

    /// `:load FILE`.
    fn load(&mut self, path: &Path) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("cannot read {}: {e}", path.display());
                return;
            }
        };
        if self.run_text(&path.display().to_string(), Some(path), &text) {
            self.transcript.push_loaded(path, &text);
            self.record();
            println!("loaded {}", path.display());
        }
    }

    /// `:save FILE`.
    fn save(&self, path: &Path) {
        if self.transcript.is_empty() {
            eprintln!("nothing to save yet: no statement has been accepted");
            return;
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let text = self.transcript.render(&folder);
        match std::fs::write(path, text) {
            Ok(()) => println!(
                "saved {} input{} to {}; `hydro run {}` reproduces the session",
                self.transcript.len(),
                if self.transcript.len() == 1 { "" } else { "s" },
                path.display(),
                path.display()
            ),
            Err(e) => eprintln!("cannot write {}: {e}", path.display()),
        }
    }

    /// Checks `text` and runs its plan steps. On any error the diagnostics are printed, the
    /// checker is restored and false is returned.
    fn run_text(&mut self, name: &str, path: Option<&Path>, text: &str) -> bool {
        let saved = self.checker.clone();
        let range = match self.checker.check_snippet(name, path, text.to_string()) {
            Ok(range) => range,
            Err((sources, errors)) => {
                self.print_errors(&sources, &errors);
                return false;
            }
        };
        interrupt::start_input();
        let result = self.execute(range.clone());
        interrupt::set_running(false);
        match result {
            Ok(()) => true,
            Err(error) => {
                match error {
                    RunError::Script(error) => self.print_errors(&self.checker.sources, &[*error]),
                    RunError::Io { path, source } => {
                        eprintln!("error: cannot write {}: {source}", path.display())
                    }
                    RunError::Other { message, help } => {
                        eprintln!("error: {message}\n  help: {help}")
                    }
                }
                eprintln!("(the input was not accepted; the session is as it was before it)");
                self.checker = saved;
                for index in range {
                    self.done.remove(&index);
                }
                false
            }
        }
    }

    /// Runs the plan steps `range`; after Ctrl-C the remaining ones are skipped.
    fn execute(&mut self, range: Range<usize>) -> Result<(), RunError> {
        let steps: Vec<Step> = self.checker.steps()[range.clone()].to_vec();
        for (offset, step) in steps.iter().enumerate() {
            if interrupted_message(steps.len() - offset) {
                break;
            }
            let index = range.start + offset;
            self.done.remove(&index);
            interrupt::set_running(true);
            let result = self.step(index, step);
            interrupt::set_running(false);
            result?;
            self.done.insert(index);
        }
        Ok(())
    }

    /// Runs one plan step.
    fn step(&mut self, index: usize, step: &Step) -> Result<(), RunError> {
        if self.session.is_none() {
            // An absolute folder: the files of a training run are addressed through the run
            // directory's path, which must not be relative to itself.
            let runs_dir = std::path::absolute(&self.options.runs_dir)
                .unwrap_or_else(|_| self.options.runs_dir.clone());
            let session = Session::new(&runs_dir, "repl")?;
            println!("run directory: {}", session.run_dir.path.display());
            self.session = Some(session);
        }
        let options = RunOptions {
            runs_dir: self.options.runs_dir.clone(),
            device: self.options.device.clone(),
        };
        match step {
            Step::Train(spec) => {
                let declaration = serde_json::to_string(&spec.data).unwrap_or_default();
                let session = self.session.as_mut().expect("created above");
                if session.data(&spec.data.name).is_some()
                    && self.loaded.get(&spec.data.name) != Some(&declaration)
                {
                    session.forget_data(&spec.data.name);
                }
                if let Err(error) = session.execute(index, step, &options) {
                    // The data in memory may be half-replaced: load it afresh next time.
                    session.forget_data(&spec.data.name);
                    self.loaded.remove(&spec.data.name);
                    return Err(error);
                }
                self.loaded.insert(spec.data.name.clone(), declaration);
                if let Some(run) = session.trained(&spec.name).filter(|r| r.log.interrupted) {
                    println!(
                        "{}: training stopped by Ctrl-C after {} of {} epochs; the weights reached so far are KEPT \
                         (`:show {}`; declare the run again to retrain it)",
                        spec.name,
                        run.log.epochs.len(),
                        spec.epochs,
                        spec.name
                    );
                }
            }
            Step::Sweep(_) | Step::Analysis(_) => {
                let session = self.session.as_mut().expect("created above");
                session.execute(index, step, &options)?;
            }
            Step::Evaluate(spec) if spec.sweep => {
                let session = self.session.as_mut().expect("created above");
                if session.sweep(&spec.run).is_none() {
                    return Err(ScriptError::new(
                        spec.span,
                        format!("`{}` has not been trained in this session", spec.run),
                    )
                    .with_help(format!(
                        "enter the `sweep {} = ...` declaration again",
                        spec.run
                    ))
                    .into());
                }
                session.execute(index, step, &options)?;
            }
            Step::Evaluate(spec) => {
                let session = self.session.as_mut().expect("created above");
                let Some(run) = session.trained(&spec.run) else {
                    return Err(ScriptError::new(
                        spec.span,
                        format!("`{}` has not been trained in this session", spec.run),
                    )
                    .with_label("its training did not run")
                    .with_help(format!(
                        "enter the `train {} = ...` declaration again",
                        spec.run
                    ))
                    .into());
                };
                let data = &run.spec.data.name;
                let trained_on = serde_json::to_string(&run.spec.data).unwrap_or_default();
                if self.loaded.get(data) != Some(&trained_on) {
                    return Err(ScriptError::new(
                        spec.span,
                        format!(
                            "`{}` was trained on an earlier declaration of `{data}`, which is no longer in memory",
                            spec.run
                        ),
                    )
                    .with_label("its data set was declared again since")
                    .with_help(format!(
                        "enter the `train {} = ...` declaration again to train it on the current `{data}`",
                        spec.run
                    ))
                    .into());
                }
                let folder = run.dir.join(&spec.period);
                session.execute(index, step, &options)?;
                let figures = folder.join("hydrographs");
                println!(
                    "{}: metrics in {}",
                    spec.run,
                    folder.join("metrics.csv").display()
                );
                println!("{}: hydrographs in {}", spec.run, figures.display());
                let first = session
                    .table(index)
                    .and_then(|t| t.rows.first())
                    .map(|(basin, _)| figures.join(format!("{basin}.png")));
                if let Some(figure) = first {
                    open_in_viewer(&figure);
                }
            }
            Step::Print(print) => {
                if let Value::Result(result, _) = print.value.value {
                    self.require_result(result, print.value.span)?;
                }
                let text = self.view().value_text(&print.value.value);
                let session = self.session.as_mut().expect("created above");
                session.run_dir.say(text.trim_end());
            }
            Step::Write(write) => {
                if let Value::Result(result, _) = write.value.value {
                    self.require_result(result, write.value.span)?;
                }
                let session = self.session.as_mut().expect("created above");
                session.execute(index, step, &options)?;
            }
        }
        Ok(())
    }

    /// An error unless the plan step `step` (an `evaluate`) has run.
    fn require_result(&self, step: usize, span: crate::syntax::Span) -> Result<(), RunError> {
        let ran = self.done.contains(&step)
            && self.session.as_ref().and_then(|s| s.output(step)).is_some();
        if ran {
            return Ok(());
        }
        let what = match self.checker.steps().get(step) {
            Some(Step::Evaluate(e)) => format!("`evaluate({}, ...)`", e.run),
            _ => "this result".to_string(),
        };
        Err(
            ScriptError::new(span, format!("{what} has not been computed"))
                .with_label("its input was interrupted before it ran")
                .with_help("enter the `let ... = evaluate(...)` line again")
                .into(),
        )
    }

    /// Writes the accepted inputs and the resolved steps into the run directory.
    fn record(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let script = self.transcript.render(&session.run_dir.path);
        let settings = serde_json::json!({
            "hydro_version": env!("CARGO_PKG_VERSION"),
            "steps": self.checker.steps(),
        });
        let written = session
            .run_dir
            .write("script.hydro", &script)
            .and_then(|_| {
                session.run_dir.write(
                    "settings.json",
                    &serde_json::to_string_pretty(&settings).unwrap_or_default(),
                )
            });
        if let Err(RunError::Io { path, source }) = written {
            eprintln!("warning: cannot write {}: {source}", path.display());
        }
    }

    /// Prints diagnostics as `hydro check` does.
    fn print_errors(&self, sources: &SourceMap, errors: &[ScriptError]) {
        if self.options.colours {
            for error in errors {
                eprintln!("{:?}", miette::Report::new(error.report(sources)));
            }
        } else {
            eprint!("{}", render_plain(errors, sources));
        }
    }
}

/// After Ctrl-C: says that the `remaining` steps of the input are skipped; true if so.
fn interrupted_message(remaining: usize) -> bool {
    if !interrupt::interrupted() {
        return false;
    }
    println!(
        "interrupted: the remaining {remaining} step{} of this input did not run",
        if remaining == 1 { "" } else { "s" }
    );
    true
}

/// The text of `input` if it is an expression and not a statement: it does not start with a
/// statement keyword and parses as `print <input>`.
fn bare_expression(input: &str) -> Option<&str> {
    let input = input.trim();
    let tokens = tokenize(input);
    let first = tokens
        .iter()
        .find(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::Newline))?;
    if first.is_keyword(input) {
        return None;
    }
    parser::parse(&format!("print {input}"), SourceId(0)).ok()?;
    Some(input)
}

/// Opens `figure` with the program named by `HYDRO_VIEWER` (with its arguments), if set; the
/// viewer runs on its own.
fn open_in_viewer(figure: &Path) {
    let Some(viewer) = std::env::var_os("HYDRO_VIEWER") else {
        return;
    };
    let viewer = viewer.to_string_lossy().to_string();
    let mut words = viewer.split_whitespace();
    let Some(program) = words.next() else { return };
    let spawned = std::process::Command::new(program)
        .args(words)
        .arg(figure)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            println!("opened {} with {program}", figure.display());
            // Reap the viewer when it exits, without waiting for it here.
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("warning: cannot start the viewer `{viewer}` (HYDRO_VIEWER): {e}"),
    }
}
