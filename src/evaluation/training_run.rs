//! Running a `train` declaration: samples, normalisation, engine, training loop, and the files a
//! trained run leaves in the run directory.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use super::dataset::LoadedData;
use super::error::RunError;
use super::run_dir::RunDirectory;
use crate::checking::plan::TrainSpec;
use crate::data::normalization::basin_target_std;
use crate::data::windows::{assemble, usable_samples};
use crate::data::Normalization;
use crate::models::ealstm::EaLstm;
use crate::models::lstm::Lstm;
use crate::models::weights::{EaLstmShape, EaLstmWeights, LstmShape, ModelWeights};
use crate::syntax::ScriptError;
use crate::training::device::{CpuBackend, DeviceKind};
use crate::training::engine::{AdamSettings, Engine};
use crate::training::fused::{init_ealstm_weights, init_weights, FusedEaLstm, FusedLstm};
use crate::training::losses;
use crate::training::trainer::{self, LoopSettings, TrainingLog};

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
    /// The engine holding the trained weights.
    pub engine: Box<dyn Engine>,
    /// The loop's log.
    pub log: TrainingLog,
    /// The run's folder inside the run directory.
    pub dir: PathBuf,
}

/// Trains the run `spec` on `data`, writing its files under `<run dir>/<name>/`.
pub fn train(
    spec: &TrainSpec,
    data: &LoadedData,
    run_dir: &mut RunDirectory,
) -> Result<TrainedRun, RunError> {
    let dir = run_dir.subdir(&spec.name)?;
    let lookback = spec.data.lookback;
    let train_period = spec.data.train.value;
    let (samples, report) = usable_samples(&data.records, train_period, lookback);
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
    let all: Vec<_> = samples.iter().flatten().copied().collect();
    if all.is_empty() {
        return Err(ScriptError::new(
            spec.data.train.span,
            "no usable training sample in this period",
        )
        .with_label(format!(
            "no day with observed streamflow and a complete {lookback}-day look-back"
        ))
        .with_help("choose a training period where the basins have streamflow observations")
        .into());
    }
    let normalization = Normalization::fit(
        &data.records,
        train_period,
        &data.statics,
        &data.static_names,
    )
    .map_err(|e| {
        ScriptError::new(spec.data.train.span, e.to_string())
            .with_label("fitting the normalisation here")
    })?;
    run_dir.write(dir.join("normalization.json"), &to_json(&normalization))?;
    let basin_std = basin_target_std(&data.records, &samples, 0);
    let statics = normalization.normalize_statics(&data.statics);

    let features = normalization.inputs.len() + normalization.statics.len();
    let weights = initial_weights(
        spec,
        normalization.inputs.len(),
        normalization.statics.len(),
    );
    let adam = AdamSettings {
        learning_rate: spec.learning_rate as f32,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm: spec.clip_grad_norm.map(|c| c as f32),
    };
    let device = DeviceKind::from_str(&spec.device).map_err(|e| RunError::Other {
        message: e.to_string(),
        help: "the devices are `cpu` and `cuda`".into(),
    })?;
    let parameters = weights.parameter_count();
    let dropout = spec.model.dropout;
    let mut engine: Box<dyn Engine> = match (device, weights) {
        (DeviceKind::Cpu, ModelWeights::Lstm(weights)) if spec.engine == "fused" => {
            Box::new(FusedLstm::new(weights, adam, dropout as f32, spec.seed))
        }
        (DeviceKind::Cpu, ModelWeights::EaLstm(weights)) if spec.engine == "fused" => {
            Box::new(FusedEaLstm::new(weights, adam, dropout as f32, spec.seed))
        }
        (_, weights) => device
            .burn_engine(weights, adam, dropout, spec.seed)
            .map_err(|e| RunError::Other {
                message: e.to_string(),
                help: "rebuild with `cargo build --release --features cuda`, or set `device = cpu`"
                    .into(),
            })?,
    };
    run_dir.say(&format!(
        "{}: {} on {} ({} inputs, hidden {}, {} parameters), {} epochs of batch {}, loss {}, device {device} ({} engine)",
        spec.name,
        spec.model.architecture,
        spec.data.name,
        features,
        spec.model.hidden,
        parameters,
        spec.epochs,
        spec.batch,
        spec.loss,
        if device == DeviceKind::Cpu { spec.engine.as_str() } else { "burn" },
    ));
    let loss = losses::from_spec(spec.loss);
    let settings = LoopSettings {
        epochs: spec.epochs,
        batch: spec.batch,
        seed: spec.seed,
        learning_rate: spec.learning_rate as f32,
        samples_per_epoch: spec.samples_per_epoch,
    };
    let make_batch = |chunk: &[crate::data::Sample]| {
        assemble(
            &data.records,
            &normalization,
            &statics,
            chunk,
            lookback,
            &basin_std,
        )
    };
    let mut lines = Vec::new();
    let log = trainer::train(
        engine.as_mut(),
        loss.as_ref(),
        &all,
        settings,
        &make_batch,
        &spec.name,
        &mut |line| {
            eprintln!("{line}");
            lines.push(line.to_string());
        },
    );
    for line in &lines {
        run_dir.note(line);
    }
    let mut csv = String::from("epoch,mean_loss,batches,seconds\n");
    for e in &log.epochs {
        let _ = writeln!(
            csv,
            "{},{},{},{:.3}",
            e.epoch, e.mean_loss, e.batches, e.seconds
        );
    }
    run_dir.write(dir.join("training_log.csv"), &csv)?;
    let weights = engine.model_weights();
    save_weights(&weights, spec, &dir)?;
    if let ModelWeights::EaLstm(weights) = &weights {
        let basins = data.basins.iter().map(String::as_str);
        run_dir.write(
            dir.join("input_gates.csv"),
            &input_gates_csv(weights, basins, &statics),
        )?;
    }
    Ok(TrainedRun {
        spec: spec.clone(),
        normalization,
        statics,
        basin_std,
        engine,
        log,
        dir,
    })
}

/// Initial weights of the run's model (`lstm` or `ealstm`) for `dynamic` dynamic inputs and
/// `statics` static attributes per step, drawn from the run's seed.
fn initial_weights(spec: &TrainSpec, dynamic: usize, statics: usize) -> ModelWeights {
    let (seed, hidden) = (spec.seed, spec.model.hidden);
    let forget_bias = spec.model.initial_forget_bias as f32;
    match spec.model.architecture.as_str() {
        "ealstm" => {
            let shape = EaLstmShape {
                dynamic,
                statics,
                hidden,
                outputs: 1,
            };
            init_ealstm_weights(shape, seed, forget_bias).into()
        }
        _ => {
            let shape = LstmShape {
                inputs: dynamic + statics,
                hidden,
                outputs: 1,
            };
            init_weights(shape, seed, forget_bias).into()
        }
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

/// Writes the weights with Burn's recorder (`weights.mpk`), loadable into the Burn model of the
/// run's architecture on any backend.
fn save_weights(
    weights: &ModelWeights,
    spec: &TrainSpec,
    dir: &std::path::Path,
) -> Result<(), RunError> {
    let dropout = spec.model.dropout;
    let device = Default::default();
    let path = dir.join("weights.mpk");
    let saved = match weights {
        ModelWeights::Lstm(weights) => {
            Lstm::<CpuBackend>::from_weights(weights, dropout, &device).save(&path)
        }
        ModelWeights::EaLstm(weights) => {
            EaLstm::<CpuBackend>::from_weights(weights, dropout, &device).save(&path)
        }
    };
    saved.map_err(|e| RunError::Other {
        message: e.to_string(),
        help: "check that the run directory is writable".into(),
    })?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("plain data serialises")
}
