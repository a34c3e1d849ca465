//! The Burn LSTM's model files, initialisation, dropout and device selection.

use std::path::PathBuf;
use std::sync::Mutex;

use burn::backend::{Autodiff, NdArray};
use hydro::data::windows::Batch;
use hydro::models::lstm::{Lstm, LstmConfig, ModelFileError};
use hydro::models::weights::{LstmShape, LstmWeights, ModelWeights};
use hydro::training::burn_engine::BurnEngine;
use hydro::training::device::{DeviceError, DeviceKind};
use hydro::training::engine::{AdamSettings, Engine, Loss};

type Cpu = NdArray<f32>;
type CpuAutodiff = Autodiff<Cpu>;

/// The CPU backend's random generator is one per process: tests drawing from it take turns.
static GENERATOR: Mutex<()> = Mutex::new(());

/// Deterministic, irregular weights of the given sizes.
fn weights(inputs: usize, hidden: usize, outputs: usize) -> LstmWeights {
    let values = |n: usize, offset: usize| -> Vec<f32> {
        (0..n)
            .map(|k| (((k + offset) * 7919 % 1000) as f32 / 1000.0 - 0.5) / 3.0)
            .collect()
    };
    LstmWeights {
        shape: LstmShape {
            inputs,
            hidden,
            outputs,
        },
        w_ih: values(4 * hidden * inputs, 1),
        w_hh: values(4 * hidden * hidden, 2),
        bias: values(4 * hidden, 3),
        head_w: values(outputs * hidden, 4),
        head_b: values(outputs, 5),
    }
}

/// A batch of smooth inputs and targets.
fn batch(size: usize, steps: usize, features: usize, targets: usize) -> Batch {
    Batch {
        size,
        steps,
        features,
        x: (0..size * steps * features)
            .map(|k| (k as f32 * 0.37).sin())
            .collect(),
        y: (0..size * targets)
            .map(|k| (k as f32 * 0.11).cos())
            .collect(),
        targets,
        basin_std: vec![1.0; size],
    }
}

/// Mean squared error.
struct Mse;

impl Loss for Mse {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        let n = prediction.len() as f32;
        let residuals: Vec<f32> = prediction
            .iter()
            .zip(&batch.y)
            .map(|(p, y)| p - y)
            .collect();
        let value = residuals.iter().map(|r| r * r).sum::<f32>() / n;
        (value, residuals.iter().map(|r| 2.0 * r / n).collect())
    }
}

/// Adam with PyTorch's defaults.
fn adam() -> AdamSettings {
    AdamSettings {
        learning_rate: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm: Some(1.0),
    }
}

/// A path in a fresh scratch directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro-burn-lstm-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join("model")
}

#[test]
fn save_then_load_restores_weights_exactly() {
    let original = weights(5, 6, 2);
    let config = LstmConfig::new(5, 6, 2);
    let path = scratch("round-trip");
    Lstm::<Cpu>::from_weights(&original, 0.0, &Default::default())
        .save(&path)
        .expect("save");
    assert!(path.with_extension("mpk").exists());
    let loaded = Lstm::<Cpu>::load(&config, &path, &Default::default()).expect("load");
    assert_eq!(loaded.to_weights(), original);
    // A model file written on one backend reads on another.
    let loaded = Lstm::<CpuAutodiff>::load(&config, &path, &Default::default()).expect("load");
    assert_eq!(loaded.to_weights(), original);
    let _ = std::fs::remove_dir_all(path.parent().expect("scratch directory"));
}

#[test]
fn loading_other_sizes_or_no_file_is_an_error() {
    let path = scratch("errors");
    Lstm::<Cpu>::from_weights(&weights(5, 6, 1), 0.0, &Default::default())
        .save(&path)
        .expect("save");
    let wrong = LstmConfig::new(5, 8, 1);
    let error = Lstm::<Cpu>::load(&wrong, &path, &Default::default()).expect_err("sizes differ");
    assert!(matches!(error, ModelFileError::Shape { .. }), "{error:?}");
    let missing = path.with_file_name("absent");
    let error = Lstm::<Cpu>::load(&wrong, &missing, &Default::default()).expect_err("no file");
    assert!(matches!(error, ModelFileError::Load { .. }), "{error:?}");
    let _ = std::fs::remove_dir_all(path.parent().expect("scratch directory"));
}

#[test]
fn init_sets_sizes_bounds_and_forget_bias() {
    let _turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let config = LstmConfig::new(4, 5, 2).with_initial_forget_bias(3.0);
    let model = config.init::<Cpu>(&Default::default());
    let w = model.to_weights();
    assert_eq!(w.shape, config.shape());
    let bound = 1.0 / 5f32.sqrt();
    for (k, b) in w.bias.iter().enumerate() {
        if (5..10).contains(&k) {
            assert_eq!(*b, 3.0);
        } else {
            assert!(b.abs() <= bound);
        }
    }
    for v in w
        .w_ih
        .iter()
        .chain(&w.w_hh)
        .chain(&w.head_w)
        .chain(&w.head_b)
    {
        assert!(v.abs() <= bound);
    }
}

#[test]
fn dropout_is_seeded_and_off_in_prediction() {
    let _turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let start = weights(3, 8, 1);
    let data = batch(6, 5, 3, 1);
    let train = |dropout: f64, seed: u64| {
        let mut engine = BurnEngine::<CpuAutodiff>::new(
            start.clone(),
            adam(),
            dropout,
            seed,
            Default::default(),
        );
        let losses: Vec<f32> = (0..3)
            .map(|_| engine.train_step(&data, &Mse, 1e-2))
            .collect();
        (losses, engine.weights())
    };
    let first = train(0.5, 11);
    assert_eq!(first, train(0.5, 11), "same seed, same training");
    assert_ne!(
        first.1,
        train(0.5, 12).1,
        "another seed, other dropout masks"
    );
    assert_ne!(first.1, train(0.0, 11).1, "dropout changes the updates");
    // Engines trained in turn each keep their own masks.
    let engine =
        || BurnEngine::<CpuAutodiff>::new(start.clone(), adam(), 0.5, 11, Default::default());
    let (mut a, mut b) = (engine(), engine());
    for _ in 0..3 {
        a.train_step(&data, &Mse, 1e-2);
        b.train_step(&data, &Mse, 1e-2);
    }
    assert_eq!(a.weights(), first.1);
    assert_eq!(b.weights(), first.1);
    // Prediction never drops: it matches the plain model on the same weights.
    let mut engine =
        BurnEngine::<CpuAutodiff>::new(start.clone(), adam(), 0.9, 3, Default::default());
    let plain = Lstm::<Cpu>::from_weights(&start, 0.0, &Default::default());
    let x = burn::tensor::Tensor::<Cpu, 3>::from_data(
        burn::tensor::TensorData::new(data.x.clone(), [6, 5, 3]),
        &Default::default(),
    );
    let expected: Vec<f32> = plain.forward(x).into_data().iter::<f32>().collect();
    assert_eq!(engine.predict(&data), expected);
    assert_eq!(engine.predict(&data), expected);
}

#[test]
fn training_lowers_the_loss() {
    let _turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let data = batch(8, 6, 3, 2);
    let mut engine =
        BurnEngine::<CpuAutodiff>::new(weights(3, 8, 2), adam(), 0.0, 1, Default::default());
    let first = engine.train_step(&data, &Mse, 1e-2);
    let last = (0..50)
        .map(|_| engine.train_step(&data, &Mse, 1e-2))
        .last()
        .unwrap_or(first);
    assert!(last < first * 0.5, "loss {first} -> {last}");
}

#[test]
fn devices_parse_and_display() {
    assert_eq!("cpu".parse::<DeviceKind>(), Ok(DeviceKind::Cpu));
    assert_eq!(" CUDA ".parse::<DeviceKind>(), Ok(DeviceKind::Cuda));
    assert_eq!(
        "tpu".parse::<DeviceKind>(),
        Err(DeviceError::Unknown("tpu".into()))
    );
    for name in DeviceKind::NAMES {
        let kind: DeviceKind = name.parse().expect("a device name");
        assert_eq!(kind.to_string(), name);
    }
    assert!(DeviceKind::Cpu.is_available());
    assert_eq!(DeviceKind::Cuda.is_available(), cfg!(feature = "cuda"));
}

#[test]
fn engines_are_built_for_the_chosen_device() {
    let _turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let start = weights(3, 4, 1);
    let mut engine = DeviceKind::Cpu
        .burn_engine(start.clone(), adam(), 0.0, 1)
        .expect("the CPU is always there");
    assert_eq!(engine.model_weights(), ModelWeights::Lstm(start.clone()));
    assert_eq!(engine.predict(&batch(2, 3, 3, 1)).len(), 2);
    if !cfg!(feature = "cuda") {
        let error = DeviceKind::Cuda
            .burn_engine(start, adam(), 0.0, 1)
            .err()
            .expect("no CUDA in this build");
        assert_eq!(error, DeviceError::CudaNotBuilt);
    }
}

#[test]
fn saturated_gates_keep_values_and_gradients_finite() {
    let _turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut start = weights(3, 4, 1);
    for w in start.w_ih.iter_mut().chain(&mut start.w_hh) {
        *w *= 300.0;
    }
    let mut data = batch(4, 12, 3, 1);
    for x in &mut data.x {
        *x *= 100.0;
    }
    let mut engine = BurnEngine::<CpuAutodiff>::new(start, adam(), 0.0, 1, Default::default());
    for _ in 0..3 {
        assert!(engine.train_step(&data, &Mse, 1e-2).is_finite());
    }
    let w = engine.weights();
    assert!(w
        .w_ih
        .iter()
        .chain(&w.w_hh)
        .chain(&w.bias)
        .all(|v| v.is_finite()));
    assert!(engine.predict(&data).iter().all(|p| p.is_finite()));
}
