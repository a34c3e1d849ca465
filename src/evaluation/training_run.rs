//! Running a `train` declaration: samples, normalisation, engine, training loop, and the files a
//! trained run leaves in the run directory.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::dataset::LoadedData;
use super::error::RunError;
use super::evaluate::PREDICTION_BATCH;
use super::run_dir::RunDirectory;
use crate::checking::plan::{ModelSpec, TrainSpec, TrainingMode};
use crate::data::normalization::basin_target_std;
use crate::data::windows::{assemble, usable_samples, Batch, SampleReport};
use crate::data::{BasinRecord, DateRange, Normalization, Sample, Scaling, ScalingSettings};
use crate::models::ealstm::EaLstm;
use crate::models::lstm::Lstm;
use crate::models::weights::{EaLstmWeights, ModelWeights};
use crate::syntax::ScriptError;
use crate::training::architectures::{architecture, EngineRequest};
use crate::training::device::{CpuBackend, DeviceKind};
use crate::training::engine::{AdamSettings, Engine, Loss};
use crate::training::losses;
use crate::training::trainer::{self, LoopSettings, TrainingLog, Validation};

/// A trained model with everything needed to run it on new windows of its data set.
pub struct TrainedRun {
    /// The checked declaration.
    pub spec: TrainSpec,
    /// Statistics fitted on the training period.
    pub normalization: Normalization,
    /// Normalised static attributes per basin.
    pub statics: Vec<Vec<f32>>,
    /// Per-basin discharge standard deviation over the training samples (mm/day).
    pub basin_std: Vec<f32>,
    /// The engines holding the trained weights: one for a regional run, one per basin (in the
    /// order of the data set's basins) for a local run.
    pub engines: Vec<Box<dyn Engine>>,
    /// The loop's log (for a local run, the epochs of every basin's loop in turn).
    pub log: TrainingLog,
    /// The run's folder inside the run directory.
    pub dir: PathBuf,
}

impl TrainedRun {
    /// The engine that predicts basin `basin` (a position in the data set's basins).
    pub fn engine_for(&mut self, basin: usize) -> &mut dyn Engine {
        match self.spec.mode {
            TrainingMode::Regional => self.engines[0].as_mut(),
            TrainingMode::Local => self.engines[basin].as_mut(),
        }
    }

    /// The windows `samples` of `records` as the run's models read them: normalised as in
    /// training, with `statics` as the normalised static attributes of each basin.
    pub fn batch_with(
        &self,
        records: &[BasinRecord],
        statics: &[Vec<f32>],
        samples: &[Sample],
    ) -> Batch {
        assemble(
            records,
            &self.normalization,
            statics,
            samples,
            self.spec.data.lookback,
            &self.basin_std,
        )
    }

    /// The windows `samples` of `records` with the run's own static attributes.
    pub fn batch(&self, records: &[BasinRecord], samples: &[Sample]) -> Batch {
        self.batch_with(records, &self.statics, samples)
    }
}

/// Trains the run `spec` on `data`, writing its files under `<run dir>/<name>/`.
pub fn train(
    spec: &TrainSpec,
    data: &LoadedData,
    run_dir: &RunDirectory,
) -> Result<TrainedRun, RunError> {
    train_or_restore(spec, data, run_dir, None)
}

/// Rebuilds the run `spec` from weights it reached earlier (one per model: one for a regional
/// run, one per basin for a local run) without training; its files are written as by [`train`].
pub fn restore(
    spec: &TrainSpec,
    data: &LoadedData,
    run_dir: &RunDirectory,
    weights: Vec<ModelWeights>,
) -> Result<TrainedRun, RunError> {
    train_or_restore(spec, data, run_dir, Some(weights))
}

fn train_or_restore(
    spec: &TrainSpec,
    data: &LoadedData,
    run_dir: &RunDirectory,
    finished: Option<Vec<ModelWeights>>,
) -> Result<TrainedRun, RunError> {
    let dir = run_dir.subdir(&spec.name)?;
    let lookback = spec.data.lookback;
    let train_period = spec.data.train.value;
    let periods = training_years(spec);
    if let Some(n) = spec.train_years {
        let years: Vec<String> = periods.iter().map(ToString::to_string).collect();
        run_dir.say(&format!(
            "{}: training on {n} of the years of {train_period}: {}",
            spec.name,
            years.join(", ")
        ));
    }
    let (samples, report) = usable_samples_in(&data.records, &periods, lookback);
    run_dir.say(&format!("{}: {report}", spec.name));
    let mut counts = String::from("basin,usable_samples,missing_target,no_window\n");
    for b in &report.basins {
        let _ = writeln!(
            counts,
            "{},{},{},{}",
            b.basin, b.usable, b.missing_target, b.no_window
        );
    }
    run_dir.write(dir.join("training_samples.csv"), &counts)?;
    let no_samples = |what: String| -> RunError {
        ScriptError::new(
            spec.data.train.span,
            "no usable training sample in this period",
        )
        .with_label(format!(
            "no day {what}with observed streamflow and a complete {lookback}-day look-back"
        ))
        .with_help("choose a training period where the basins have streamflow observations")
        .into()
    };
    if samples.iter().all(Vec::is_empty) {
        return Err(no_samples(String::new()));
    }
    if spec.mode == TrainingMode::Local {
        if let Some(basin) = report.basins.iter().find(|b| b.usable == 0) {
            return Err(no_samples(format!("of basin {} ", basin.basin)));
        }
    }
    let architecture = architecture(&spec.model.architecture);
    let needs = architecture.input_needs(&spec.model);
    let scaling = ScalingSettings {
        method: Scaling::from_str(&spec.data.scaling).unwrap_or_default(),
        unscaled_inputs: needs.unscaled_inputs,
        unscaled_targets: needs.unscaled_targets,
    };
    let normalization = Normalization::fit(
        &data.records,
        &periods,
        &data.statics,
        &data.static_names,
        &scaling,
    )
    .map_err(|e| {
        ScriptError::new(spec.data.train.span, e.to_string())
            .with_label("fitting the normalisation here")
    })?;
    run_dir.write(dir.join("normalization.json"), &to_json(&normalization))?;
    let basin_std = basin_target_std(&data.records, &samples, 0);
    let statics = normalization.normalize_statics(&data.statics);
    let validation_samples = spec
        .data
        .validation
        .as_ref()
        .map(|p| usable_samples(&data.records, p.value, lookback).0);

    let device = DeviceKind::from_str(&spec.device).map_err(|e| RunError::Other {
        message: e.to_string(),
        help: "the devices are `cpu` and `cuda`".into(),
    })?;
    let input_names = &normalization.inputs.names;
    let request = EngineRequest {
        model: &spec.model,
        inputs: input_names,
        statics: normalization.statics.len(),
        outputs: normalization.targets.len(),
        seed: spec.seed,
        adam: AdamSettings {
            learning_rate: spec.learning_rate as f32,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            clip_grad_norm: spec.clip_grad_norm.map(|c| c as f32),
        },
        device,
        cpu_engine: &spec.engine,
        weights: None,
    };
    let new_engine = |request: &EngineRequest| {
        architecture
            .engine(request)
            .map_err(|message| RunError::Other {
                message,
                help: "rebuild with `cargo build --release --features cuda`, or set `device = cpu`"
                    .into(),
            })
    };
    let loss = losses::from_spec(spec.loss, &spec.target_weights);
    let settings = LoopSettings {
        epochs: spec.epochs,
        batch: spec.batch,
        seed: spec.seed,
        learning_rate: spec.learning_rate as f32,
        samples_per_epoch: spec.samples_per_epoch,
        schedule: spec.schedule,
        patience: spec.patience,
    };
    let make_batch = |chunk: &[Sample]| {
        assemble(
            &data.records,
            &normalization,
            &statics,
            chunk,
            lookback,
            &basin_std,
        )
    };
    // One group of samples per model: all basins together, or each basin alone.
    let groups: Vec<(String, Vec<Sample>, Option<Vec<Sample>>)> = match spec.mode {
        TrainingMode::Regional => vec![(
            spec.name.clone(),
            samples.iter().flatten().copied().collect(),
            validation_samples
                .as_ref()
                .map(|v| v.iter().flatten().copied().collect()),
        )],
        TrainingMode::Local => samples
            .iter()
            .enumerate()
            .map(|(b, basin_samples)| {
                (
                    format!("{} [{}]", spec.name, data.basins[b]),
                    basin_samples.clone(),
                    validation_samples.as_ref().map(|v| v[b].clone()),
                )
            })
            .collect(),
    };
    let mut engines = Vec::with_capacity(groups.len());
    let mut log = TrainingLog::default();
    let mut lines = Vec::new();
    for (k, (label, group, validation)) in groups.iter().enumerate() {
        if let Some(weights) = finished.as_ref().and_then(|w| w.get(k)) {
            let restored = EngineRequest {
                weights: Some(weights.clone()),
                ..request.clone()
            };
            engines.push(new_engine(&restored)?);
            continue;
        }
        let mut engine = new_engine(&request)?;
        if engines.is_empty() {
            run_dir.say(&format!(
                "{}: {} on {} ({} inputs, {}, {} parameters{}), {} epochs of batch {}, loss {}, device {device} ({} engine)",
                spec.name,
                spec.model.architecture,
                spec.data.name,
                request.inputs.len() + request.statics,
                spec.model.summary(),
                engine.model_weights().parameter_count(),
                if spec.mode == TrainingMode::Local { " per basin" } else { "" },
                spec.epochs,
                spec.batch,
                spec.loss,
                architecture.engine_name(&request),
            ));
        }
        let loss_ref: &dyn Loss = loss.as_ref();
        let validate = validation
            .as_ref()
            .map(|v| move |engine: &mut dyn Engine| mean_loss(engine, loss_ref, v, &make_batch));
        let basin_log = trainer::train(
            engine.as_mut(),
            loss.as_ref(),
            group,
            settings,
            &make_batch,
            validate.as_ref().map(|f| f as Validation),
            label,
            &mut |line| {
                eprintln!("{line}");
                lines.push(line.to_string());
            },
        );
        if let Some(best) = &basin_log.best_weights {
            let restored = EngineRequest {
                weights: Some(best.clone()),
                ..request.clone()
            };
            engine = new_engine(&restored)?;
        }
        log.absorb(basin_log);
        engines.push(engine);
        if log.interrupted {
            break;
        }
    }
    for line in &lines {
        run_dir.note(line);
    }
    // Interrupted during a local run: the remaining basins keep untrained weights, said in
    // the log; predictions of them are still produced so the run can be inspected.
    for _ in engines.len()..groups.len() {
        engines.push(new_engine(&request)?);
    }
    let mut csv =
        String::from("model,epoch,mean_loss,validation_loss,learning_rate,batches,seconds\n");
    for e in &log.epochs {
        let validation = e.validation_loss.map(|v| v.to_string()).unwrap_or_default();
        let _ = writeln!(
            csv,
            "{},{},{},{validation},{},{},{:.3}",
            e.model, e.epoch, e.mean_loss, e.learning_rate, e.batches, e.seconds
        );
    }
    run_dir.write(dir.join("training_log.csv"), &csv)?;
    for (k, engine) in engines.iter().enumerate() {
        let weights = engine.model_weights();
        let file = match spec.mode {
            TrainingMode::Regional => "weights".to_string(),
            TrainingMode::Local => format!("weights_{}", data.basins[k]),
        };
        save_weights(&weights, &spec.model, &dir, &file)?;
        if let (ModelWeights::EaLstm(weights), TrainingMode::Regional) = (&weights, spec.mode) {
            let basins = data.basins.iter().map(String::as_str);
            run_dir.write(
                dir.join("input_gates.csv"),
                &input_gates_csv(weights, basins, &statics),
            )?;
        }
    }
    Ok(TrainedRun {
        spec: spec.clone(),
        normalization,
        statics,
        basin_std,
        engines,
        log,
        dir,
    })
}

/// The periods trained on: the whole training period, or `train_years` whole years of it
/// (consecutive 365/366-day years counted from its start) drawn with `years_seed`, in date
/// order. A trailing part-year is never drawn.
pub fn training_years(spec: &TrainSpec) -> Vec<DateRange> {
    let period = spec.data.train.value;
    let Some(wanted) = spec.train_years else {
        return vec![period];
    };
    let mut years = Vec::new();
    let mut start = period.start;
    while let Some(next) = start.checked_add_months(chrono::Months::new(12)) {
        let end = next.pred_opt().expect("a date after the start");
        if end > period.end {
            break;
        }
        years.push(DateRange::new(start, end));
        start = next;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.years_seed);
    years.shuffle(&mut rng);
    years.truncate(wanted);
    years.sort_by_key(|y| y.start);
    years
}

/// The usable samples of each record over several periods, with one report for all of them.
fn usable_samples_in(
    records: &[crate::data::BasinRecord],
    periods: &[DateRange],
    lookback: usize,
) -> (Vec<Vec<Sample>>, SampleReport) {
    let mut merged: Option<(Vec<Vec<Sample>>, SampleReport)> = None;
    for period in periods {
        let (samples, report) = usable_samples(records, *period, lookback);
        merged = Some(match merged {
            None => (samples, report),
            Some((mut all, mut total)) => {
                for (into, more) in all.iter_mut().zip(samples) {
                    into.extend(more);
                }
                for (into, more) in total.basins.iter_mut().zip(report.basins) {
                    into.usable += more.usable;
                    into.missing_target += more.missing_target;
                    into.no_window += more.no_window;
                }
                (all, total)
            }
        });
    }
    merged.expect("at least one period")
}

/// Mean loss of `engine`'s predictions over `samples` (in prediction-sized batches), without
/// dropout.
fn mean_loss(
    engine: &mut dyn Engine,
    loss: &dyn Loss,
    samples: &[Sample],
    make_batch: &dyn Fn(&[Sample]) -> Batch,
) -> f64 {
    let mut total = 0.0;
    let mut count = 0usize;
    for chunk in samples.chunks(PREDICTION_BATCH) {
        let batch = make_batch(chunk);
        let prediction = engine.predict(&batch);
        let (value, _) = loss.value_and_gradient(&prediction, &batch);
        total += f64::from(value) * chunk.len() as f64;
        count += chunk.len();
    }
    if count == 0 {
        f64::NAN
    } else {
        total / count as f64
    }
}

/// The input gate of every basin (`basin,gate_1,..,gate_H`, one row per basin): the EA-LSTM's
/// embedding of the basin's normalised static attributes `statics`, constant over time.
fn input_gates_csv<'a>(
    weights: &EaLstmWeights,
    basins: impl Iterator<Item = &'a str>,
    statics: &[Vec<f32>],
) -> String {
    let mut csv = String::from("basin");
    for gate in 1..=weights.shape.hidden {
        let _ = write!(csv, ",gate_{gate}");
    }
    csv.push('\n');
    for (basin, attributes) in basins.zip(statics) {
        csv.push_str(basin);
        for gate in weights.input_gates(attributes) {
            let _ = write!(csv, ",{gate}");
        }
        csv.push('\n');
    }
    csv
}

/// Writes the weights into `dir/<file>.mpk` with Burn's recorder (the LSTM and the EA-LSTM,
/// loadable into their Burn modules on any backend) or as `dir/<file>.json` (the MC-LSTM's and
/// EXP-HYDRO's backend-neutral weights; EXP-HYDRO's physical parameters also go to
/// `dir/<file>_parameters.csv`), or as a Burn binary record `dir/<file>.bin` with its
/// configuration `dir/<file>_config.json` (the CNN-LSTM, an LSTM of several layers).
fn save_weights(
    weights: &ModelWeights,
    model: &ModelSpec,
    dir: &std::path::Path,
    file: &str,
) -> Result<(), RunError> {
    let device = Default::default();
    let path = dir.join(format!("{file}.mpk"));
    let failed = |message: String| RunError::Other {
        message,
        help: "check that the run directory is writable".into(),
    };
    let write = |name: String, text: String| {
        std::fs::write(dir.join(&name), text).map_err(|e| failed(format!("{name}: {e}")))
    };
    match weights {
        ModelWeights::Lstm(weights) => {
            Lstm::<CpuBackend>::from_weights(weights, model.number("dropout"), &device)
                .save(&path)
                .map_err(|e| failed(e.to_string()))
        }
        ModelWeights::EaLstm(weights) => {
            EaLstm::<CpuBackend>::from_weights(weights, model.number("dropout"), &device)
                .save(&path)
                .map_err(|e| failed(e.to_string()))
        }
        ModelWeights::McLstm(weights) => write(format!("{file}.json"), to_json(weights)),
        ModelWeights::CnnLstm(weights) | ModelWeights::StackedLstm(weights) => {
            write(format!("{file}_config.json"), weights.config.clone())?;
            std::fs::write(dir.join(format!("{file}.bin")), &weights.record)
                .map_err(|e| failed(format!("{file}.bin: {e}")))
        }
        ModelWeights::ExpHydro(weights) => {
            write(format!("{file}.json"), to_json(weights))?;
            let p = weights.physical();
            write(
                format!("{file}_parameters.csv"),
                format!(
                    "f,smax,qmax,df,tmax,tmin\n{},{},{},{},{},{}\n",
                    p.f, p.smax, p.qmax, p.df, p.tmax, p.tmin
                ),
            )
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("plain data serialises")
}
