//! Evaluation: runs a checked [`Plan`] step by step. Data sets are loaded once, when a training
//! run first needs them; results of `evaluate` are kept for later `print` and `write` steps.
//! Everything a run produces goes into its run directory.

pub mod dataset;
pub mod error;
pub mod evaluate;
pub mod run_dir;
pub mod scenario;
pub mod training_run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use error::RunError;
pub use run_dir::RunDirectory;

use crate::analysis::MetricTable;
use crate::checking::plan::{Plan, Step};
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
    data: HashMap<String, LoadedData>,
    runs: HashMap<String, TrainedRun>,
    tables: HashMap<usize, MetricTable>,
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
        Ok(Session {
            run_dir: RunDirectory::create(runs_dir, stem)?,
            data: HashMap::new(),
            runs: HashMap::new(),
            tables: HashMap::new(),
        })
    }

    /// The trained run of this name, if it has been trained in this session.
    pub fn trained(&self, name: &str) -> Option<&TrainedRun> {
        self.runs.get(name)
    }

    /// The metric table computed by the plan step `index`, if it has run.
    pub fn table(&self, index: usize) -> Option<&MetricTable> {
        self.tables.get(&index)
    }

    /// The loaded data set of this name, if a training run has loaded it.
    pub fn data(&self, name: &str) -> Option<&LoadedData> {
        self.data.get(name)
    }

    /// Drops the loaded data set of this name, so that the next training run on it loads it
    /// again (after its declaration changed).
    pub fn forget_data(&mut self, name: &str) {
        self.data.remove(name);
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
                if !self.data.contains_key(&spec.data.name) {
                    let started = std::time::Instant::now();
                    let loaded = dataset::load(&spec.data)?;
                    self.run_dir.say(&format!(
                        "data set {}: {} basins, {} days each, {} inputs, {} static attributes (loaded in {:.1} s)",
                        spec.data.name,
                        loaded.basins.len(),
                        loaded.records.first().map_or(0, |r| r.dates.len()),
                        spec.data.inputs.len(),
                        loaded.static_names.len(),
                        started.elapsed().as_secs_f64()
                    ));
                    self.data.insert(spec.data.name.clone(), loaded);
                }
                let data = &self.data[&spec.data.name];
                let started = std::time::Instant::now();
                let trained = training_run::train(&spec, data, &mut self.run_dir)?;
                self.run_dir.say(&format!(
                    "{}: trained in {:.1} s{}",
                    spec.name,
                    started.elapsed().as_secs_f64(),
                    if trained.log.interrupted {
                        " (interrupted)"
                    } else {
                        ""
                    }
                ));
                self.runs.insert(spec.name.clone(), trained);
            }
            Step::Evaluate(spec) => {
                let run = self
                    .runs
                    .get_mut(&spec.run)
                    .expect("the checker orders runs before use");
                let data = &self.data[&run.spec.data.name];
                let table = evaluate::evaluate(spec, run, data, &mut self.run_dir)?;
                self.tables.insert(index, table);
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
                let table = &self.tables[&step];
                let path = self.run_dir.path.join(&write.path);
                let json = write.path.extension().is_some_and(|e| e == "json");
                match (kind, json) {
                    (ResultKind::MetricTable, false) => {
                        table.write_csv(&path).map_err(|e| RunError::Other {
                            message: e.to_string(),
                            help: "check that the run directory is writable".into(),
                        })?
                    }
                    _ => {
                        self.run_dir.write(&write.path, &table_json(table, kind))?;
                    }
                }
                self.run_dir.say(&format!("wrote {}", path.display()));
            }
        }
        Ok(())
    }

    /// The text `print` shows for a value.
    fn show(&self, value: &Value) -> Result<String, String> {
        Ok(match value {
            Value::Result(step, ResultKind::MetricTable) => self.tables[step].to_string(),
            Value::Result(step, kind) => summary_line(&self.tables[step], *kind),
            other => other.to_string(),
        })
    }
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
