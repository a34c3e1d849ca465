//! Sweeps: training every member of a grid of runs, up to `workers` at a time, and evaluating
//! them (each member, or ensembles averaging the members' predictions over one axis).
//!
//! A finished member is kept in the store of finished runs (`finished`) under
//! `<runs dir>/finished/<sweep>-<key>/`; running a sweep again (after an interruption, or with
//! more seeds) restores those members instead of training them again, so only missing ones
//! are trained.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use super::dataset::LoadedData;
use super::evaluate::{predict, score, BasinSeries};
use super::finished;
use super::training_run::{self, TrainedRun};
use super::{Output, RunError, Session};
use crate::analysis::{Cell, Table};
use crate::checking::plan::{DataSpec, EvaluateSpec, SweepSpec, TrainSpec};
use crate::data::DateRange;
use crate::training::trainer::STOP_REQUESTED;

/// A trained sweep: its declaration and one trained run per member, in member order.
pub struct TrainedSweep {
    /// The declaration.
    pub spec: SweepSpec,
    /// The members' runs.
    pub runs: Vec<TrainedRun>,
}

/// Trains (or restores) every member of `spec`.
pub fn train(
    spec: &SweepSpec,
    session: &mut Session,
    device: Option<&str>,
) -> Result<TrainedSweep, RunError> {
    let members: Vec<TrainSpec> = spec
        .members
        .iter()
        .map(|m| {
            let mut s = m.spec.clone();
            if let Some(device) = device {
                s.device = device.to_string();
            }
            s
        })
        .collect();
    for member in &members {
        session.load_data(&member.data)?;
    }
    let store = session.runs_dir.join("finished");
    let folders = members
        .iter()
        .map(|member| finished::folder(&session.runs_dir, &spec.name, member))
        .collect::<Result<Vec<PathBuf>, RunError>>()?;
    let mut runs: Vec<Option<TrainedRun>> = (0..members.len()).map(|_| None).collect();
    let mut pending = Vec::new();
    for (i, (member, folder)) in members.iter().zip(&folders).enumerate() {
        // A member identical to a run trained earlier in the session (the declared run itself,
        // typically) takes that run's weights.
        let same = session
            .runs
            .values()
            .find(|run| !run.log.interrupted && same_training(&run.spec, member))
            .map(|run| run.engines.iter().map(|e| e.model_weights()).collect());
        match same.or_else(|| finished::read(folder)) {
            Some(weights) => {
                let data = session.loaded(&member.data);
                runs[i] = Some(training_run::restore(
                    member,
                    data,
                    &session.run_dir,
                    weights,
                )?);
            }
            None => pending.push((i, folder.as_path())),
        }
    }
    let restored = members.len() - pending.len();
    session.run_dir.say(&format!(
        "sweep {}: {} members over {}; {restored} finished earlier (identical to a run above, or kept in {}), {} to train with {} worker{}",
        spec.name,
        members.len(),
        spec.axes.join(" x "),
        store.display(),
        pending.len(),
        spec.workers,
        if spec.workers == 1 { "" } else { "s" },
    ));
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<RunError>> = Mutex::new(None);
    let (sender, receiver) = mpsc::channel::<(usize, TrainedRun)>();
    let member_data: Vec<&LoadedData> = members.iter().map(|m| session.loaded(&m.data)).collect();
    let run_dir = &session.run_dir;
    std::thread::scope(|scope| {
        for _ in 0..spec.workers.min(pending.len()) {
            let sender = sender.clone();
            let (next, failure, pending, members) = (&next, &failure, &pending, &members);
            let member_data = &member_data;
            scope.spawn(move || {
                crate::training::fused::set_flush_denormals();
                loop {
                    if STOP_REQUESTED.load(Ordering::SeqCst)
                        || failure.lock().map_or(true, |f| f.is_some())
                    {
                        return;
                    }
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some((i, folder)) = pending.get(k) else {
                        return;
                    };
                    let member = &members[*i];
                    let result =
                        training_run::train(member, member_data[*i], run_dir).and_then(|run| {
                            if !run.log.interrupted {
                                finished::write(folder, member, &run)?;
                            }
                            Ok(run)
                        });
                    match result {
                        Ok(run) => {
                            let _ = sender.send((*i, run));
                        }
                        Err(error) => {
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(error);
                            }
                            return;
                        }
                    }
                }
            });
        }
    });
    drop(sender);
    if let Some(error) = failure.into_inner().ok().flatten() {
        return Err(error);
    }
    for (i, run) in receiver {
        runs[i] = Some(run);
    }
    let missing = runs.iter().filter(|r| r.is_none()).count();
    if missing > 0 {
        // Stopped by Ctrl-C: the finished members are kept for the next run of the sweep.
        return Err(RunError::Other {
            message: format!(
                "sweep {} stopped: {missing} of {} members not trained",
                spec.name,
                members.len()
            ),
            help: "run the script again: the members finished so far are restored, not retrained"
                .into(),
        });
    }
    let mut summary = String::from("member,folder,trained_now\n");
    for (i, (member, folder)) in spec.members.iter().zip(&folders).enumerate() {
        let trained_now = pending.iter().any(|(k, _)| *k == i);
        summary.push_str(&format!(
            "{},{},{}\n",
            member.label(spec),
            folder.display(),
            if trained_now { "yes" } else { "no" }
        ));
    }
    session
        .run_dir
        .write(format!("{}/trained_members.csv", spec.name), &summary)?;
    Ok(TrainedSweep {
        spec: spec.clone(),
        runs: runs
            .into_iter()
            .map(|r| r.expect("checked above"))
            .collect(),
    })
}

/// Whether two runs train identically (they differ at most in their names).
fn same_training(a: &TrainSpec, b: &TrainSpec) -> bool {
    let unnamed = |spec: &TrainSpec| {
        let mut spec = spec.clone();
        spec.name.clear();
        serde_json::to_string(&spec).expect("plain data serialises")
    };
    unnamed(a) == unnamed(b)
}

/// The dates of a declared period of a run's data set.
pub(crate) fn period_of(spec: &TrainSpec, period: &str) -> DateRange {
    data_period(&spec.data, period)
}

/// The dates of a declared period (`train`, `validation` or `test`) of a data set.
pub(crate) fn data_period(data: &DataSpec, period: &str) -> DateRange {
    match period {
        "train" => Some(data.train.value),
        "validation" => data.validation.as_ref().map(|p| p.value),
        _ => data.test.as_ref().map(|p| p.value),
    }
    .expect("the checker makes sure the period is declared")
}

/// `evaluate(sweep, ...)`: a table with the axes' values, the basin and the metrics of every
/// member, or of every ensemble when `ensemble = axis` averages the predictions over that axis.
pub fn evaluate(spec: &EvaluateSpec, session: &mut Session) -> Result<Output, RunError> {
    // Members and ensembles of one period go to separate folders, so that both can be evaluated.
    let folder = match &spec.ensemble {
        Some(axis) => format!("{}_ensemble_{axis}", spec.period),
        None => spec.period.clone(),
    };
    let figures = session_dir(&session.run_dir.path, &spec.run, &folder);
    let (sweep, data) = session.sweep_and_data(&spec.run);
    let period = period_of(&sweep.runs[0].spec, &spec.period);
    let ensemble_axis = spec
        .ensemble
        .as_ref()
        .and_then(|a| sweep.spec.axes.iter().position(|x| x == a));
    let kept: Vec<usize> = (0..sweep.spec.axes.len())
        .filter(|a| Some(*a) != ensemble_axis)
        .collect();
    // Members grouped by the values of the kept axes (every member alone without an ensemble).
    let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for (m, member) in sweep.spec.members.iter().enumerate() {
        let key: Vec<String> = kept.iter().map(|&a| member.values[a].clone()).collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) if ensemble_axis.is_some() => members.push(m),
            _ => groups.push((key, vec![m])),
        }
    }
    let mut columns: Vec<String> = kept.iter().map(|&a| sweep.spec.axes[a].clone()).collect();
    columns.push("basin".into());
    columns.extend(spec.metrics.iter().cloned());
    let mut table = Table::new(&columns);
    let mut last = None;
    // Every member's predictions (without an ensemble): the axes, date, basin, observed, simulated.
    let mut member_predictions: String = kept
        .iter()
        .map(|&a| format!("{},", sweep.spec.axes[a]))
        .collect::<String>()
        + "date,basin,observed,simulated\n";
    let target = spec.target_index;
    for (key, members) in &groups {
        let series: Vec<Vec<BasinSeries>> = members
            .iter()
            .map(|&m| predict(&mut sweep.runs[m], data[m], period))
            .collect();
        let mean = ensemble_mean(&series);
        let metrics = score(spec, &mean)?;
        for (basin, values) in &metrics.rows {
            let mut row: Vec<Cell> = key.iter().map(|k| axis_cell(k)).collect();
            row.push(Cell::Text(basin.clone()));
            row.extend(values.iter().map(|v| Cell::maybe(*v)));
            table.push(row);
        }
        if ensemble_axis.is_some() {
            write_ensemble_predictions(&figures, key, &series, &mean, target)?;
        } else {
            for s in &mean {
                for (d, date) in s.dates.iter().enumerate() {
                    let observed = s.observed[target][d];
                    let observed = if observed.is_nan() {
                        String::new()
                    } else {
                        format!("{observed:.4}")
                    };
                    member_predictions.push_str(&format!(
                        "{}{date},{},{observed},{:.4}\n",
                        key.iter().map(|k| format!("{k},")).collect::<String>(),
                        s.basin,
                        s.simulated[target][d]
                    ));
                }
            }
        }
        last = Some(metrics);
    }
    let file = figures.join("metrics.csv");
    std::fs::create_dir_all(&figures).map_err(|e| RunError::io(&figures, e))?;
    if ensemble_axis.is_none() {
        let path = figures.join("predictions.csv");
        std::fs::write(&path, member_predictions).map_err(|e| RunError::io(&path, e))?;
    }
    table.write_csv(&file).map_err(|e| RunError::Other {
        message: e.to_string(),
        help: "check that the run directory is writable".into(),
    })?;
    session.run_dir.note(&format!(
        "{}: evaluated {} members on {} ({period}): {}",
        spec.run,
        sweep_members(session, &spec.run),
        spec.period,
        file.display()
    ));
    let label = match &spec.ensemble {
        Some(axis) => format!("{} (mean over {axis})", spec.run),
        None => spec.run.clone(),
    };
    Ok(match (kept.is_empty(), last) {
        (true, Some(table)) => Output::Metrics { label, table },
        _ => Output::table(label, "metrics", table),
    })
}

fn sweep_members(session: &Session, name: &str) -> usize {
    session.sweep(name).map_or(0, |s| s.runs.len())
}

fn session_dir(run_dir: &Path, sweep: &str, period: &str) -> PathBuf {
    run_dir.join(sweep).join(period)
}

/// An axis value as a cell: a number when it reads as one.
fn axis_cell(value: &str) -> Cell {
    value
        .parse::<f64>()
        .map_or_else(|_| Cell::Text(value.to_string()), Cell::number)
}

/// The mean simulation of several members (the observations are the same for all).
pub(crate) fn ensemble_mean(members: &[Vec<BasinSeries>]) -> Vec<BasinSeries> {
    let mut mean = members[0].clone();
    for (b, basin) in mean.iter_mut().enumerate() {
        for (t, target) in basin.simulated.iter_mut().enumerate() {
            for (d, value) in target.iter_mut().enumerate() {
                let sum: f64 = members.iter().map(|m| m[b].simulated[t][d]).sum();
                *value = sum / members.len() as f64;
            }
        }
    }
    mean
}

/// `ensemble_predictions.csv`: observed, ensemble mean, min and max of the members per day.
fn write_ensemble_predictions(
    dir: &Path,
    key: &[String],
    members: &[Vec<BasinSeries>],
    mean: &[BasinSeries],
    target: usize,
) -> Result<(), RunError> {
    std::fs::create_dir_all(dir).map_err(|e| RunError::io(dir, e))?;
    let name = if key.is_empty() {
        "ensemble_predictions.csv".to_string()
    } else {
        format!("ensemble_predictions_{}.csv", key.join("_"))
    };
    let mut csv = String::from("date,basin,observed,mean,min,max\n");
    for (b, basin) in mean.iter().enumerate() {
        for (d, date) in basin.dates.iter().enumerate() {
            let values = members.iter().map(|m| m[b].simulated[target][d]);
            let min = values.clone().fold(f64::INFINITY, f64::min);
            let max = values.fold(f64::NEG_INFINITY, f64::max);
            let observed = basin.observed[target][d];
            let observed = if observed.is_nan() {
                String::new()
            } else {
                format!("{observed:.4}")
            };
            csv.push_str(&format!(
                "{date},{},{observed},{:.4},{min:.4},{max:.4}\n",
                basin.basin, basin.simulated[target][d]
            ));
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).map_err(|e| RunError::io(&path, e))
}
