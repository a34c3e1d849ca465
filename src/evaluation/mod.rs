//! Evaluation: runs a checked [`Plan`] step by step. Data sets are loaded once, when a training
//! run first needs them; results of `evaluate` are kept for later `print` and `write` steps.
//! Everything a run produces goes into its run directory.

pub mod analyses;
pub mod dataset;
pub mod error;
pub mod evaluate;
pub mod finished;
pub mod interpretation;
pub mod output;
pub mod run_dir;
pub mod scenario;
pub mod states;
pub mod sweep;
pub mod training_run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use error::RunError;
pub use output::{Figure, Output};
pub use run_dir::RunDirectory;
pub use sweep::TrainedSweep;

use crate::analysis::{MetricTable, Table};
use crate::checking::plan::{DataSpec, Plan, Step};
use crate::checking::value::{ResultKind, Value};
use crate::syntax::ScriptError;
use dataset::LoadedData;
use training_run::TrainedRun;

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Parent folder of run directories.
    pub runs_dir: PathBuf,
    /// Overrides every run's `device` setting when given.
    pub device: Option<String>,
}

/// The state of a running script.
pub struct Session {
    /// The run directory.
    pub run_dir: RunDirectory,
    /// Parent folder of run directories, where finished runs are kept (see [`finished`]).
    runs_dir: PathBuf,
    data: LoadedSets,
    runs: HashMap<String, TrainedRun>,
    sweeps: HashMap<String, TrainedSweep>,
    outputs: HashMap<usize, Output>,
}

/// The data sets in memory.
#[derive(Default)]
struct LoadedSets {
    /// By name, with the declaration they were loaded from (JSON).
    by_name: HashMap<String, (String, LoadedData)>,
    /// Loaded for sweep members whose data settings differ from the named one, by declaration.
    variants: HashMap<String, LoadedData>,
}

impl LoadedSets {
    /// The data of the declaration `spec`, if loaded.
    fn get(&self, spec: &DataSpec) -> Option<&LoadedData> {
        let declaration = serde_json::to_string(spec).expect("plain data serialises");
        match self.by_name.get(&spec.name) {
            Some((loaded_from, data)) if *loaded_from == declaration => Some(data),
            _ => self.variants.get(&declaration),
        }
    }
}

/// Runs `plan` (checked from the script at `script`) and returns the run directory's path.
pub fn run(plan: &Plan, script: &Path, options: &RunOptions) -> Result<PathBuf, RunError> {
    let stem = script.file_stem().and_then(|s| s.to_str()).unwrap_or("run");
    let mut session = Session::new(&options.runs_dir, stem)?;
    session.record_inputs(plan)?;
    for (index, step) in plan.steps.iter().enumerate() {
        session.execute(index, step, options)?;
    }
    let path = session.run_dir.path.clone();
    session
        .run_dir
        .say(&format!("run directory: {}", path.display()));
    Ok(path)
}

impl Session {
    /// A session writing into a new run directory `<runs_dir>/<stem>-<date>-<time>`.
    pub fn new(runs_dir: &Path, stem: &str) -> Result<Self, RunError> {
        let run_dir = RunDirectory::create(runs_dir, stem)?;
        let runs_dir = run_dir
            .path
            .parent()
            .map_or_else(|| runs_dir.to_path_buf(), Path::to_path_buf);
        Ok(Session {
            run_dir,
            runs_dir,
            data: LoadedSets::default(),
            runs: HashMap::new(),
            sweeps: HashMap::new(),
            outputs: HashMap::new(),
        })
    }

    /// The trained run of this name, if it has been trained in this session.
    pub fn trained(&self, name: &str) -> Option<&TrainedRun> {
        self.runs.get(name)
    }

    /// The trained sweep of this name, if it has been trained in this session.
    pub fn sweep(&self, name: &str) -> Option<&TrainedSweep> {
        self.sweeps.get(name)
    }

    /// The metric table computed by the plan step `index`, if it has run.
    pub fn table(&self, index: usize) -> Option<&MetricTable> {
        match self.outputs.get(&index) {
            Some(Output::Metrics { table, .. }) => Some(table),
            _ => None,
        }
    }

    /// What the plan step `index` produced, if it has run.
    pub fn output(&self, index: usize) -> Option<&Output> {
        self.outputs.get(&index)
    }

    /// The loaded data set of this name, if a training run has loaded it.
    pub fn data(&self, name: &str) -> Option<&LoadedData> {
        self.data.by_name.get(name).map(|(_, d)| d)
    }

    /// Drops the loaded data set of this name, so that the next training run on it loads it
    /// again (after its declaration changed).
    pub fn forget_data(&mut self, name: &str) {
        self.data.by_name.remove(name);
    }

    /// Loads the data set `spec` unless it is loaded already.
    pub(crate) fn load_data(&mut self, spec: &DataSpec) -> Result<(), RunError> {
        if self.data.get(spec).is_some() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let loaded = dataset::load(spec)?;
        self.run_dir.say(&format!(
            "data set {}: {} basins, {} days each, {} inputs, {} static attributes (loaded in {:.1} s)",
            spec.name,
            loaded.basins.len(),
            loaded.records.first().map_or(0, |r| r.dates.len()),
            spec.inputs.len(),
            loaded.static_names.len(),
            started.elapsed().as_secs_f64()
        ));
        let declaration = serde_json::to_string(spec).expect("plain data serialises");
        if self.data.by_name.contains_key(&spec.name) {
            self.data.variants.insert(declaration, loaded);
        } else {
            self.data
                .by_name
                .insert(spec.name.clone(), (declaration, loaded));
        }
        Ok(())
    }

    /// The loaded data of the declaration `spec` (after [`Session::load_data`]).
    pub(crate) fn loaded(&self, spec: &DataSpec) -> &LoadedData {
        self.data
            .get(spec)
            .expect("data sets are loaded before they are used")
    }

    /// The trained run `name`, the data it was trained on and the run directory.
    pub(crate) fn run_and_data(
        &mut self,
        name: &str,
    ) -> (&mut TrainedRun, &LoadedData, &RunDirectory) {
        let run = self
            .runs
            .get_mut(name)
            .expect("the checker orders runs before use");
        let data = self
            .data
            .get(&run.spec.data)
            .expect("data sets are loaded before they are used");
        (run, data, &self.run_dir)
    }

    /// The sweep `name` and the data of each of its members.
    pub(crate) fn sweep_and_data(&mut self, name: &str) -> (&mut TrainedSweep, Vec<&LoadedData>) {
        let sweep = self
            .sweeps
            .get_mut(name)
            .expect("the checker orders sweeps before use");
        let data = sweep
            .runs
            .iter()
            .map(|run| {
                self.data
                    .get(&run.spec.data)
                    .expect("data sets are loaded before they are used")
            })
            .collect();
        (sweep, data)
    }

    /// The table an analysis input refers to, with the label it is shown under in figures.
    pub(crate) fn input_table(&self, step: usize, kind: ResultKind) -> (String, Table) {
        match (&self.outputs[&step], kind) {
            (Output::Metrics { label, table }, _) => (label.clone(), Table::from(table)),
            (Output::Tables { label, tables }, ResultKind::Part(part)) => {
                let (_, table) = tables
                    .iter()
                    .find(|(name, _)| *name == part)
                    .expect("the checker only names declared tables");
                (label.clone(), table.clone())
            }
            (Output::Tables { label, tables }, _) => (label.clone(), tables[0].1.clone()),
            (Output::Figure(_), _) => unreachable!("the checker only passes tables"),
        }
    }

    /// Writes the scripts and the resolved settings into the run directory.
    pub fn record_inputs(&mut self, plan: &Plan) -> Result<(), RunError> {
        for index in 0.. {
            let Some(file) = plan.sources.files().get(index) else {
                break;
            };
            let name = if index == 0 {
                "script.hydro".to_string()
            } else {
                format!(
                    "uses/{}",
                    file.name
                        .trim_start_matches("stdlib/")
                        .replace(['/', '\\'], "_")
                )
            };
            self.run_dir.write(name, &file.text)?;
        }
        let settings = serde_json::json!({
            "hydro_version": env!("CARGO_PKG_VERSION"),
            "steps": plan.steps,
        });
        self.run_dir.write(
            "settings.json",
            &serde_json::to_string_pretty(&settings).expect("plain data serialises"),
        )?;
        Ok(())
    }

    /// Runs the plan step `step`, whose index in its plan is `index`.
    pub fn execute(
        &mut self,
        index: usize,
        step: &Step,
        options: &RunOptions,
    ) -> Result<(), RunError> {
        match step {
            Step::Train(spec) => {
                let mut spec = (**spec).clone();
                if let Some(device) = &options.device {
                    spec.device = device.clone();
                }
                self.load_data(&spec.data)?;
                let data = self.loaded(&spec.data);
                let folder = finished::folder(&self.runs_dir, &spec.name, &spec)?;
                let trained = match finished::read(&folder) {
                    Some(weights) => {
                        let run = training_run::restore(&spec, data, &self.run_dir, weights)?;
                        finished::restore_log(&folder, &run)?;
                        self.run_dir.say(&format!(
                            "{}: finished earlier, restored from {} (delete that folder to train again)",
                            spec.name,
                            folder.display()
                        ));
                        run
                    }
                    None => {
                        let started = std::time::Instant::now();
                        let run = training_run::train(&spec, data, &self.run_dir)?;
                        self.run_dir.say(&format!(
                            "{}: trained in {:.1} s{}",
                            spec.name,
                            started.elapsed().as_secs_f64(),
                            if run.log.interrupted {
                                " (interrupted)"
                            } else {
                                ""
                            }
                        ));
                        if !run.log.interrupted {
                            finished::write(&folder, &spec, &run)?;
                        }
                        run
                    }
                };
                self.runs.insert(spec.name.clone(), trained);
            }
            Step::Sweep(spec) => {
                let trained = sweep::train(spec, self, options.device.as_deref())?;
                self.sweeps.insert(spec.name.clone(), trained);
            }
            Step::Evaluate(spec) if spec.sweep => {
                let output = sweep::evaluate(spec, self)?;
                self.outputs.insert(index, output);
            }
            Step::Evaluate(spec) => {
                let (run, data, run_dir) = self.run_and_data(&spec.run);
                let table = evaluate::evaluate(spec, run, data, run_dir)?;
                let label = spec.run.clone();
                self.outputs.insert(index, Output::Metrics { label, table });
            }
            Step::Analysis(spec) => {
                let output = analyses::run(spec, self)?;
                self.outputs.insert(index, output);
            }
            Step::Print(print) => {
                let text = self
                    .show(&print.value.value)
                    .map_err(|e| ScriptError::new(print.value.span, e))?;
                self.run_dir.say(&text);
            }
            Step::Write(write) => {
                let Value::Result(step, kind) = write.value.value else {
                    unreachable!("the checker only lets results be written")
                };
                let path = self.run_dir.path.join(&write.path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| RunError::io(parent, e))?;
                }
                let written = self.write_output(step, kind, &path)?;
                for path in written {
                    self.run_dir.say(&format!("wrote {}", path.display()));
                }
            }
        }
        Ok(())
    }

    /// Writes the result of step `step` to `path`; returns the files written.
    fn write_output(
        &self,
        step: usize,
        kind: ResultKind,
        path: &Path,
    ) -> Result<Vec<PathBuf>, RunError> {
        let unwritable = |message: String| RunError::Other {
            message,
            help: "check that the run directory is writable".into(),
        };
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match (&self.outputs[&step], kind) {
            (Output::Figure(figure), _) => {
                let paths = if extension.is_empty() {
                    vec![path.with_extension("png"), path.with_extension("svg")]
                } else {
                    vec![path.to_path_buf()]
                };
                for path in &paths {
                    (figure.draw)(path).map_err(|e| unwritable(e.to_string()))?;
                }
                Ok(paths)
            }
            (Output::Metrics { table, .. }, ResultKind::Median | ResultKind::Mean) => {
                self.run_dir.write(path, &table_json(table, kind))?;
                Ok(vec![path.to_path_buf()])
            }
            (Output::Metrics { table, .. }, _) if extension == "json" => {
                self.run_dir
                    .write(path, &table_json(table, ResultKind::MetricTable))?;
                Ok(vec![path.to_path_buf()])
            }
            _ => {
                let (_, table) = self.input_table(step, kind);
                if extension == "json" {
                    let text = serde_json::to_string_pretty(&table.to_json())
                        .expect("plain data serialises");
                    self.run_dir.write(path, &text)?;
                } else {
                    table
                        .write_csv(path)
                        .map_err(|e| unwritable(e.to_string()))?;
                }
                Ok(vec![path.to_path_buf()])
            }
        }
    }

    /// The text `print` shows for a value.
    pub fn show(&self, value: &Value) -> Result<String, String> {
        Ok(match value {
            Value::Result(step, ResultKind::MetricTable) => match &self.outputs[step] {
                Output::Metrics { table, .. } => table.to_string(),
                _ => self.input_table(*step, ResultKind::Table).1.to_string(),
            },
            Value::Result(step, kind @ (ResultKind::Median | ResultKind::Mean)) => {
                summary_line(self.table(*step).expect("a metric table"), *kind)
            }
            Value::Result(_, ResultKind::Figure) => {
                "a figure: write it to a file, e.g. `write fig -> \"fig.png\"`".to_string()
            }
            Value::Result(step, kind) => shortened(&self.input_table(*step, *kind).1),
            other => other.to_string(),
        })
    }
}

/// A table as text, its middle rows left out when it is long.
fn shortened(table: &Table) -> String {
    const SHOWN: usize = 40;
    if table.rows.len() <= SHOWN {
        return table.to_string();
    }
    let mut head = table.clone();
    head.rows.truncate(SHOWN / 2);
    format!(
        "{}... {} more rows (write the table to a file to see them all)",
        head,
        table.rows.len() - SHOWN / 2
    )
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
    format!("{label}: {}", cells.join(", "))
}

/// A table (or its summary row) as JSON.
fn table_json(table: &MetricTable, kind: ResultKind) -> String {
    let value = match kind {
        ResultKind::MetricTable => serde_json::json!({
            "metrics": table.metrics,
            "basins": table.rows.iter().map(|(basin, values)| {
                let mut row = serde_json::Map::new();
                row.insert("basin".into(), basin.clone().into());
                for (m, v) in table.metrics.iter().zip(values) {
                    row.insert(m.clone(), v.map_or(serde_json::Value::Null, Into::into));
                }
                serde_json::Value::Object(row)
            }).collect::<Vec<_>>(),
        }),
        _ => {
            let mut row = serde_json::Map::new();
            for m in &table.metrics {
                let v = if kind == ResultKind::Median {
                    table.median(m)
                } else {
                    table.mean(m)
                };
                row.insert(m.clone(), v.map_or(serde_json::Value::Null, Into::into));
            }
            serde_json::Value::Object(row)
        }
    };
    serde_json::to_string_pretty(&value).expect("plain data serialises")
}
