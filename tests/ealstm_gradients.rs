//! The EA-LSTM (Kratzert et al. 2019, Eq. 7-12) against a naive `f64` reference: the fused
//! engine's predictions to 1e-5 and every gradient against central finite differences, on
//! shapes with a batch of one, odd sizes, a single step and several outputs; the Burn module's
//! predictions; the fused and Burn engines taking the same two Adam steps; the input gate of a
//! basin being constant over time and equal to `sigmoid(W_i s + b_i)`; and Burn model files
//! round-tripping.

use burn::backend::{Autodiff, NdArray};
use burn::tensor::{Tensor, TensorData};
use hydro::data::windows::Batch;
use hydro::models::ealstm::{EaLstm, EaLstmConfig};
use hydro::models::lstm::ModelFileError;
use hydro::models::weights::{EaLstmShape, EaLstmWeights, ModelWeights};
use hydro::training::burn_engine::BurnEngine;
use hydro::training::device::DeviceKind;
use hydro::training::engine::{AdamSettings, Engine, Loss};
use hydro::training::fused::{init_ealstm_weights, FusedEaLstm};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Cpu = NdArray<f32>;
type CpuAutodiff = Autodiff<Cpu>;

/// Mean squared error over every prediction of a batch.
struct MeanSquaredError;

impl Loss for MeanSquaredError {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        let count = prediction.len() as f32;
        let errors: Vec<f32> = prediction
            .iter()
            .zip(&batch.y)
            .map(|(p, y)| p - y)
            .collect();
        let value = errors.iter().map(|e| e * e).sum::<f32>() / count;
        (value, errors.iter().map(|e| 2.0 * e / count).collect())
    }
}

/// PyTorch's Adam defaults with the given clipping.
fn adam(clip_grad_norm: Option<f32>) -> AdamSettings {
    AdamSettings {
        learning_rate: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm,
    }
}

/// Sizes of one case: samples, steps and the model's shape.
#[derive(Debug, Clone, Copy)]
struct Case {
    size: usize,
    steps: usize,
    shape: EaLstmShape,
}

const fn case(
    size: usize,
    steps: usize,
    dynamic: usize,
    statics: usize,
    hidden: usize,
    outputs: usize,
) -> Case {
    Case {
        size,
        steps,
        shape: EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs,
        },
    }
}

/// A batch of one, odd sizes, a single step, several outputs, the 27 attributes of the
/// CAMELS-US experiments, and hidden sizes with full SIMD blocks and remainders.
const CASES: [Case; 6] = [
    case(1, 4, 2, 3, 3, 1),
    case(3, 7, 5, 2, 6, 1),
    case(5, 1, 3, 4, 4, 2),
    case(2, 9, 1, 5, 7, 3),
    case(4, 6, 3, 27, 20, 1),
    case(3, 5, 4, 3, 70, 1),
];

/// The parameters in `f64`, in the order of [`EaLstmWeights`]: static_w, static_b, w_ih,
/// w_hh, bias, head_w, head_b.
struct Reference {
    shape: EaLstmShape,
    blocks: [Vec<f64>; 7],
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Reference {
    fn new(weights: &EaLstmWeights) -> Self {
        let widen = |values: &[f32]| values.iter().map(|&v| f64::from(v)).collect();
        Self {
            shape: weights.shape,
            blocks: [
                widen(&weights.static_w),
                widen(&weights.static_b),
                widen(&weights.w_ih),
                widen(&weights.w_hh),
                widen(&weights.bias),
                widen(&weights.head_w),
                widen(&weights.head_b),
            ],
        }
    }

    /// Eq. 7: the input gate for static attributes `statics`.
    fn input_gate(&self, statics: &[f32]) -> Vec<f64> {
        let EaLstmShape {
            statics: count,
            hidden,
            ..
        } = self.shape;
        let [static_w, static_b, ..] = &self.blocks;
        (0..hidden)
            .map(|j| {
                let z: f64 = (0..count)
                    .map(|k| static_w[j * count + k] * f64::from(statics[k]))
                    .sum();
                sigmoid(static_b[j] + z)
            })
            .collect()
    }

    /// Predictions `[size][outputs]`; the static attributes are read at the first step.
    fn predict(&self, batch: &Batch) -> Vec<f64> {
        let EaLstmShape {
            dynamic,
            hidden,
            outputs,
            ..
        } = self.shape;
        let features = self.shape.features();
        let [_, _, w_ih, w_hh, bias, head_w, head_b] = &self.blocks;
        let mut predictions = Vec::new();
        for sample in 0..batch.size {
            let window = &batch.x[sample * batch.steps * features..];
            let i = self.input_gate(&window[dynamic..features]);
            let mut h = vec![0.0; hidden];
            let mut c = vec![0.0; hidden];
            for t in 0..batch.steps {
                let x = &window[t * features..t * features + dynamic];
                let pre: Vec<f64> = (0..3 * hidden)
                    .map(|row| {
                        let mut sum = bias[row];
                        for (k, &value) in x.iter().enumerate() {
                            sum += w_ih[row * dynamic + k] * f64::from(value);
                        }
                        for (k, &value) in h.iter().enumerate() {
                            sum += w_hh[row * hidden + k] * value;
                        }
                        sum
                    })
                    .collect();
                for j in 0..hidden {
                    let f = sigmoid(pre[j]);
                    let g = pre[hidden + j].tanh();
                    let o = sigmoid(pre[2 * hidden + j]);
                    c[j] = f * c[j] + i[j] * g;
                    h[j] = o * c[j].tanh();
                }
            }
            for output in 0..outputs {
                let row = &head_w[output * hidden..(output + 1) * hidden];
                let dot: f64 = row.iter().zip(&h).map(|(w, s)| w * s).sum();
                predictions.push(head_b[output] + dot);
            }
        }
        predictions
    }

    /// Mean squared error against `batch.y`.
    fn loss(&self, batch: &Batch) -> f64 {
        let predictions = self.predict(batch);
        let squares: f64 = predictions
            .iter()
            .zip(&batch.y)
            .map(|(p, &y)| (p - f64::from(y)).powi(2))
            .sum();
        squares / predictions.len() as f64
    }

    /// Central finite differences of the loss for every `stride`-th parameter of each block
    /// (the others are `None`).
    fn numerical_gradient(&mut self, batch: &Batch, stride: usize) -> [Vec<Option<f64>>; 7] {
        let step = 1e-5;
        let mut gradient: [Vec<Option<f64>>; 7] = Default::default();
        for (block, block_gradient) in gradient.iter_mut().enumerate() {
            for index in 0..self.blocks[block].len() {
                if index % stride != 0 {
                    block_gradient.push(None);
                    continue;
                }
                let original = self.blocks[block][index];
                self.blocks[block][index] = original + step;
                let above = self.loss(batch);
                self.blocks[block][index] = original - step;
                let below = self.loss(batch);
                self.blocks[block][index] = original;
                block_gradient.push(Some((above - below) / (2.0 * step)));
            }
        }
        gradient
    }
}

/// The arrays of `weights` in the order of [`Reference::blocks`], with their names.
fn blocks(weights: &EaLstmWeights) -> [(&'static str, &[f32]); 7] {
    [
        ("static_w", &weights.static_w),
        ("static_b", &weights.static_b),
        ("w_ih", &weights.w_ih),
        ("w_hh", &weights.w_hh),
        ("bias", &weights.bias),
        ("head_w", &weights.head_w),
        ("head_b", &weights.head_b),
    ]
}

/// All parameters in one `f64` vector, in the order of [`blocks`].
fn flatten(weights: &EaLstmWeights) -> Vec<f64> {
    blocks(weights)
        .iter()
        .flat_map(|(_, values)| values.iter().map(|&v| f64::from(v)))
        .collect()
}

/// Random weights with gates large enough to make every non-linearity matter.
fn weights(shape: EaLstmShape, seed: u64) -> EaLstmWeights {
    let mut weights = init_ealstm_weights(shape, seed, 0.5);
    for w in weights
        .w_hh
        .iter_mut()
        .chain(&mut weights.w_ih)
        .chain(&mut weights.static_w)
    {
        *w *= 2.0;
    }
    weights
}

/// A batch of `case` with dynamic inputs and targets uniform on `[-1, 1]` and each window's
/// static attributes (uniform on `[-1.5, 1.5]`) repeated at every step, as in real batches.
fn batch(case: Case, seed: u64) -> Batch {
    let EaLstmShape {
        dynamic,
        statics,
        outputs,
        ..
    } = case.shape;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Vec::new();
    for _ in 0..case.size {
        let attributes: Vec<f32> = (0..statics).map(|_| rng.random_range(-1.5..1.5)).collect();
        for _ in 0..case.steps {
            x.extend((0..dynamic).map(|_| rng.random_range(-1.0f32..1.0)));
            x.extend_from_slice(&attributes);
        }
    }
    Batch {
        size: case.size,
        steps: case.steps,
        features: case.shape.features(),
        x,
        y: (0..case.size * outputs)
            .map(|_| rng.random_range(-1.0..1.0))
            .collect(),
        targets: outputs,
        basin_std: vec![1.0; case.size],
    }
}

/// Burn's prediction of the model holding `weights` on `batch`, without dropout.
fn burn_predict(weights: &EaLstmWeights, batch: &Batch) -> Vec<f64> {
    let model = EaLstm::<Cpu>::from_weights(weights, 0.0, &Default::default());
    let x = Tensor::<Cpu, 3>::from_data(
        TensorData::new(batch.x.clone(), [batch.size, batch.steps, batch.features]),
        &Default::default(),
    );
    let output = model.forward(x);
    assert_eq!(output.dims(), [batch.size, weights.shape.outputs]);
    output.into_data().iter::<f32>().map(f64::from).collect()
}

/// Asserts that `found` is within `tolerance` of `expected`, relative to `max(|expected|, floor)`.
fn assert_close(what: &str, found: &[f64], expected: &[f64], tolerance: f64, floor: f64) {
    assert_eq!(found.len(), expected.len(), "{what}: lengths differ");
    for (k, (a, b)) in found.iter().zip(expected).enumerate() {
        assert!(
            (a - b).abs() <= tolerance * b.abs().max(floor),
            "{what} [{k}]: {a} vs {b}"
        );
    }
}

#[test]
fn fused_forward_matches_the_f64_reference() {
    for (seed, case) in CASES.into_iter().enumerate() {
        let weights = weights(case.shape, seed as u64);
        let batch = batch(case, 100 + seed as u64);
        let expected = Reference::new(&weights).predict(&batch);
        let mut engine = FusedEaLstm::new(weights.clone(), adam(None), 0.3, 1);
        let predictions: Vec<f64> = engine.predict(&batch).into_iter().map(f64::from).collect();
        assert_close(
            &format!("fused prediction, {case:?}"),
            &predictions,
            &expected,
            1e-5,
            1.0,
        );
        let mut one_thread = FusedEaLstm::new(weights, adam(None), 0.3, 1).with_threads(1);
        let single: Vec<f64> = one_thread
            .predict(&batch)
            .into_iter()
            .map(f64::from)
            .collect();
        assert_eq!(single, predictions, "one thread or two, {case:?}");
    }
}

#[test]
fn burn_forward_matches_the_f64_reference() {
    for (seed, case) in CASES.into_iter().enumerate() {
        let weights = weights(case.shape, 10 + seed as u64);
        let batch = batch(case, 110 + seed as u64);
        let expected = Reference::new(&weights).predict(&batch);
        assert_close(
            &format!("Burn prediction, {case:?}"),
            &burn_predict(&weights, &batch),
            &expected,
            1e-5,
            1.0,
        );
    }
}

#[test]
fn fused_gradients_match_finite_differences() {
    for (seed, case) in CASES.into_iter().enumerate() {
        let weights = weights(case.shape, 20 + seed as u64);
        let batch = batch(case, 200 + seed as u64);
        let mut reference = Reference::new(&weights);
        let expected_loss = reference.loss(&batch);
        // Large models check every seventh parameter, which keeps the test fast.
        let stride = if case.shape.hidden > 32 { 7 } else { 1 };
        let numerical = reference.numerical_gradient(&batch, stride);
        let mut engine = FusedEaLstm::new(weights, adam(Some(1e-3)), 0.5, 1);
        let (loss, gradient) = engine.gradients(&batch, &MeanSquaredError);
        assert!(
            (f64::from(loss) - expected_loss).abs() < 1e-5 * (1.0 + expected_loss),
            "{case:?}: loss {loss} against reference {expected_loss}"
        );
        for ((name, analytic), numerical) in blocks(&gradient).iter().zip(&numerical) {
            assert_eq!(analytic.len(), numerical.len(), "{name} length");
            // With a single step, h[0] = 0 leaves w_hh without effect.
            let inert = *name == "w_hh" && case.steps == 1;
            assert!(
                inert || analytic.iter().any(|g| g.abs() > 1e-6),
                "{case:?}: d loss / d {name} is all zero"
            );
            let checked = analytic.iter().zip(numerical).enumerate();
            for (index, (a, n)) in checked.filter_map(|(i, (a, n))| n.map(|n| (i, (a, n)))) {
                let a = f64::from(*a);
                assert!(
                    (a - n).abs() <= 1e-4 + 1e-2 * n.abs(),
                    "{case:?}: d loss / d {name}[{index}] is {a}, finite differences give {n}"
                );
            }
        }
    }
}

#[test]
fn fused_and_burn_engines_take_the_same_two_steps() {
    for (seed, case) in CASES.into_iter().enumerate() {
        let weights = weights(case.shape, 30 + seed as u64);
        let batch = batch(case, 300 + seed as u64);
        let settings = adam(None);
        let mut burn = BurnEngine::<CpuAutodiff, EaLstm<CpuAutodiff>>::new(
            weights.clone(),
            settings,
            0.0,
            7,
            Default::default(),
        );
        let mut fused = FusedEaLstm::new(weights.clone(), settings, 0.0, 7);
        for step in 1..=2 {
            let burn_loss = burn.train_step(&batch, &MeanSquaredError, settings.learning_rate);
            let fused_loss = fused.train_step(&batch, &MeanSquaredError, settings.learning_rate);
            assert_close(
                &format!("loss of step {step}, {case:?}"),
                &[f64::from(fused_loss)],
                &[f64::from(burn_loss)],
                1e-5,
                1e-3,
            );
            let burn_weights = flatten(&burn.weights());
            let fused_weights = flatten(&fused.weights());
            assert_ne!(fused_weights, flatten(&weights), "the step changes weights");
            // Relative to the scale of the initial weights at least: a gradient as small as
            // Adam's epsilon turns its last bits into visible differences of its step.
            assert_close(
                &format!("weights after step {step}, {case:?}"),
                &fused_weights,
                &burn_weights,
                1e-5,
                1.0 / (case.shape.hidden as f64).sqrt(),
            );
        }
        let burn_prediction: Vec<f64> = burn.predict(&batch).into_iter().map(f64::from).collect();
        let fused_prediction: Vec<f64> = fused.predict(&batch).into_iter().map(f64::from).collect();
        assert_close(
            &format!("prediction after training, {case:?}"),
            &fused_prediction,
            &burn_prediction,
            1e-5,
            1.0,
        );
        let ModelWeights::EaLstm(returned) = fused.model_weights() else {
            panic!("the fused EA-LSTM returns EA-LSTM weights");
        };
        assert_eq!(returned, fused.weights());
    }
}

#[test]
fn burn_engine_for_ealstm_weights_is_built_on_the_cpu() {
    let case = CASES[1];
    let weights = weights(case.shape, 40);
    let batch = batch(case, 400);
    let mut engine = DeviceKind::Cpu
        .burn_engine(weights.clone(), adam(None), 0.0, 1)
        .expect("the CPU is always there");
    assert_eq!(
        engine.model_weights(),
        ModelWeights::EaLstm(weights.clone())
    );
    let predicted: Vec<f64> = engine.predict(&batch).into_iter().map(f64::from).collect();
    assert_close(
        "device engine prediction",
        &predicted,
        &Reference::new(&weights).predict(&batch),
        1e-5,
        1.0,
    );
}

/// Weights whose prediction reads the input gate of the last step: the time-varying gates
/// saturate to forget everything (f = 0) and write and show everything (g = o = 1), so
/// `c[t] = i` and `h[t] = tanh(i)` at every step, and the head (one output per cell) is the
/// identity.
fn gate_readout(shape: EaLstmShape, seed: u64) -> EaLstmWeights {
    let hidden = shape.hidden;
    let mut weights = init_ealstm_weights(shape, seed, 0.0);
    weights.static_w.iter_mut().for_each(|w| *w *= 3.0);
    weights.w_ih.fill(0.0);
    weights.w_hh.fill(0.0);
    weights.bias[..hidden].fill(-40.0);
    weights.bias[hidden..].fill(40.0);
    weights.head_w.fill(0.0);
    for j in 0..hidden {
        weights.head_w[j * hidden + j] = 1.0;
    }
    weights.head_b.fill(0.0);
    weights
}

#[test]
fn input_gate_is_constant_over_time_and_set_by_the_static_attributes() {
    let shape = EaLstmShape {
        dynamic: 3,
        statics: 4,
        hidden: 6,
        outputs: 6,
    };
    let weights = gate_readout(shape, 50);
    let reference = Reference::new(&weights);
    let mut rng = ChaCha8Rng::seed_from_u64(51);
    let basins: Vec<Vec<f32>> = (0..3)
        .map(|_| (0..4).map(|_| rng.random_range(-1.5..1.5)).collect())
        .collect();
    for basin in &basins {
        let expected = reference.input_gate(basin);
        let found: Vec<f64> = weights
            .input_gates(basin)
            .into_iter()
            .map(f64::from)
            .collect();
        assert_close("input_gates", &found, &expected, 1e-6, 1e-2);
        assert!(found.iter().all(|&g| 0.0 < g && g < 1.0));
    }
    let model = EaLstm::<Cpu>::from_weights(&weights, 0.0, &Default::default());
    let mut fused = FusedEaLstm::new(weights.clone(), adam(None), 0.0, 1);
    // Windows of every length whose static attributes at the later steps are noise: the gate
    // read at the last step is the one the first step's attributes set, whatever the step.
    for steps in 1..=8 {
        let mut x = Vec::new();
        for basin in &basins {
            for t in 0..steps {
                x.extend((0..3).map(|_| rng.random_range(-1.0f32..1.0)));
                match t {
                    0 => x.extend_from_slice(basin),
                    _ => x.extend((0..4).map(|_| rng.random_range(-3.0f32..3.0))),
                }
            }
        }
        let batch = Batch {
            size: basins.len(),
            steps,
            features: shape.features(),
            x,
            y: vec![0.0; basins.len() * shape.outputs],
            targets: shape.outputs,
            basin_std: vec![1.0; basins.len()],
        };
        let expected: Vec<f64> = basins
            .iter()
            .flat_map(|b| reference.input_gate(b))
            .collect();
        let read = |predictions: Vec<f64>| -> Vec<f64> {
            predictions.into_iter().map(f64::atanh).collect()
        };
        let from_fused = read(fused.predict(&batch).into_iter().map(f64::from).collect());
        assert_close(
            &format!("fused gate at step {steps}"),
            &from_fused,
            &expected,
            1e-5,
            1e-2,
        );
        assert_close(
            &format!("Burn gate at step {steps}"),
            &read(burn_predict(&weights, &batch)),
            &expected,
            1e-5,
            1e-2,
        );
        let statics = Tensor::<Cpu, 2>::from_data(
            TensorData::new(basins.concat(), [basins.len(), 4]),
            &Default::default(),
        );
        let burn_gate: Vec<f64> = model
            .input_gate(statics)
            .into_data()
            .iter::<f32>()
            .map(f64::from)
            .collect();
        assert_close("Burn input_gate", &burn_gate, &expected, 1e-6, 1e-2);
    }
}

#[test]
fn model_files_round_trip_and_check_sizes() {
    let shape = CASES[3].shape;
    let original = weights(shape, 60);
    let dir = std::env::temp_dir().join(format!("hydro-ealstm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join("model");
    EaLstm::<Cpu>::from_weights(&original, 0.0, &Default::default())
        .save(&path)
        .expect("save");
    let config = EaLstmConfig::new(shape.dynamic, shape.statics, shape.hidden, shape.outputs);
    let loaded = EaLstm::<Cpu>::load(&config, &path, &Default::default()).expect("load");
    assert_eq!(loaded.to_weights(), original);
    let loaded = EaLstm::<CpuAutodiff>::load(&config, &path, &Default::default()).expect("load");
    assert_eq!(loaded.shape(), shape);
    let wrong = EaLstmConfig::new(
        shape.dynamic,
        shape.statics + 1,
        shape.hidden,
        shape.outputs,
    );
    let error = EaLstm::<Cpu>::load(&wrong, &path, &Default::default()).expect_err("sizes differ");
    assert!(
        matches!(error, ModelFileError::EaLstmShape { .. }),
        "{error:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn init_sets_bounds_and_the_forget_bias() {
    let shape = CASES[4].shape;
    let hidden = shape.hidden;
    let fused = init_ealstm_weights(shape, 70, 3.0);
    assert_eq!(fused, init_ealstm_weights(shape, 70, 3.0), "seeded");
    let burn = EaLstmConfig::new(shape.dynamic, shape.statics, hidden, shape.outputs)
        .with_initial_forget_bias(3.0)
        .init::<Cpu>(&Default::default())
        .to_weights();
    let bound = 1.0 / (hidden as f32).sqrt();
    for weights in [&fused, &burn] {
        assert_eq!(weights.shape, shape);
        assert!(weights.bias[..hidden].iter().all(|&b| b == 3.0));
        for (name, values) in blocks(weights) {
            let values = if name == "bias" {
                &values[hidden..]
            } else {
                values
            };
            assert!(values.iter().all(|v| v.abs() <= bound), "{name}");
        }
    }
}
