//! The Burn LSTM against a plain f64 reference, and the training engines against each other.
//!
//! On random weights and inputs of several shapes (one sample, odd sizes, a realistic batch):
//! weights convert exactly; the Burn forward pass matches a straightforward f64 LSTM; Burn's
//! gradients match f64 central differences of the reference; one Adam step of the Burn engine
//! matches Adam (PyTorch semantics, global-norm clipping) on the reference gradients; and the
//! fused CPU engine takes the same step as the Burn engine, with and without clipping.

use burn::backend::{Autodiff, NdArray};
use burn::module::Param;
use burn::nn::Linear;
use burn::tensor::{Tensor, TensorData};
use hydro::data::windows::Batch;
use hydro::models::lstm::Lstm;
use hydro::models::weights::{LstmShape, LstmWeights};
use hydro::training::burn_engine::BurnEngine;
use hydro::training::engine::{AdamSettings, Engine, Loss};
use hydro::training::fused::FusedLstm;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Cpu = NdArray<f32>;
type CpuAutodiff = Autodiff<Cpu>;

/// Sizes of one test case.
#[derive(Debug, Clone, Copy)]
struct Case {
    size: usize,
    steps: usize,
    features: usize,
    hidden: usize,
    outputs: usize,
}

/// Cases small enough for finite differences: one sample, odd sizes, several outputs.
const SMALL: [Case; 5] = [
    Case {
        size: 1,
        steps: 1,
        features: 1,
        hidden: 1,
        outputs: 1,
    },
    Case {
        size: 1,
        steps: 4,
        features: 3,
        hidden: 2,
        outputs: 1,
    },
    Case {
        size: 3,
        steps: 7,
        features: 5,
        hidden: 6,
        outputs: 1,
    },
    Case {
        size: 2,
        steps: 5,
        features: 4,
        hidden: 3,
        outputs: 3,
    },
    Case {
        size: 5,
        steps: 9,
        features: 2,
        hidden: 8,
        outputs: 2,
    },
];

/// A batch of the size of a real training run (smaller look-back).
const REALISTIC: Case = Case {
    size: 16,
    steps: 30,
    features: 32,
    hidden: 16,
    outputs: 1,
};

/// All cases.
fn cases() -> Vec<Case> {
    SMALL.iter().copied().chain([REALISTIC]).collect()
}

/// Random weights of PyTorch's initial scale, with a forget bias of 1.
fn random_weights(case: Case, seed: u64) -> LstmWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bound = 1.0 / (case.hidden as f32).sqrt();
    let mut draw =
        |n: usize| -> Vec<f32> { (0..n).map(|_| rng.random_range(-bound..bound)).collect() };
    let gates = 4 * case.hidden;
    let w_ih = draw(gates * case.features);
    let w_hh = draw(gates * case.hidden);
    let mut bias = draw(gates);
    for b in &mut bias[case.hidden..2 * case.hidden] {
        *b += 1.0;
    }
    LstmWeights {
        shape: LstmShape {
            inputs: case.features,
            hidden: case.hidden,
            outputs: case.outputs,
        },
        w_ih,
        w_hh,
        bias,
        head_w: draw(case.outputs * case.hidden),
        head_b: draw(case.outputs),
    }
}

/// A random batch with standard-normal-like inputs and targets.
fn random_batch(case: Case, seed: u64) -> Batch {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draw = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| (0..3).map(|_| rng.random_range(-1.0f32..1.0)).sum::<f32>())
            .collect()
    };
    Batch {
        size: case.size,
        steps: case.steps,
        features: case.features,
        x: draw(case.size * case.steps * case.features),
        y: draw(case.size * case.outputs),
        targets: case.outputs,
        basin_std: vec![1.0; case.size],
    }
}

/// Mean squared error over all samples and targets.
struct Mse;

impl Loss for Mse {
    fn value_and_gradient(&self, prediction: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
        let n = prediction.len() as f32;
        let value = prediction
            .iter()
            .zip(&batch.y)
            .map(|(p, y)| (p - y) * (p - y))
            .sum::<f32>()
            / n;
        let gradient = prediction
            .iter()
            .zip(&batch.y)
            .map(|(p, y)| 2.0 * (p - y) / n)
            .collect();
        (value, gradient)
    }
}

/// All parameters in one f64 vector: `w_ih`, `w_hh`, `bias`, `head_w`, `head_b`.
fn flatten(w: &LstmWeights) -> Vec<f64> {
    [&w.w_ih, &w.w_hh, &w.bias, &w.head_w, &w.head_b]
        .iter()
        .flat_map(|part| part.iter().map(|&v| f64::from(v)))
        .collect()
}

/// Plain f64 LSTM: predictions `[size][outputs]` for parameters `p` laid out as [`flatten`].
fn reference_forward(shape: LstmShape, p: &[f64], batch: &Batch) -> Vec<f64> {
    let (f, h, o) = (shape.inputs, shape.hidden, shape.outputs);
    let g = 4 * h;
    let (w_ih, rest) = p.split_at(g * f);
    let (w_hh, rest) = rest.split_at(g * h);
    let (bias, rest) = rest.split_at(g);
    let (head_w, head_b) = rest.split_at(o * h);
    let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp());
    let mut out = Vec::with_capacity(batch.size * o);
    for s in 0..batch.size {
        let mut hs = vec![0.0f64; h];
        let mut cs = vec![0.0f64; h];
        for t in 0..batch.steps {
            let x = &batch.x[(s * batch.steps + t) * f..(s * batch.steps + t + 1) * f];
            let mut z = bias.to_vec();
            for (k, zk) in z.iter_mut().enumerate() {
                for j in 0..f {
                    *zk += w_ih[k * f + j] * f64::from(x[j]);
                }
                for j in 0..h {
                    *zk += w_hh[k * h + j] * hs[j];
                }
            }
            for j in 0..h {
                let i = sigmoid(z[j]);
                let fg = sigmoid(z[h + j]);
                let gg = z[2 * h + j].tanh();
                let og = sigmoid(z[3 * h + j]);
                cs[j] = fg * cs[j] + i * gg;
                hs[j] = og * cs[j].tanh();
            }
        }
        for k in 0..o {
            out.push(head_b[k] + (0..h).map(|j| head_w[k * h + j] * hs[j]).sum::<f64>());
        }
    }
    out
}

/// Mean squared error of the reference.
fn reference_loss(shape: LstmShape, p: &[f64], batch: &Batch) -> f64 {
    let prediction = reference_forward(shape, p, batch);
    let n = prediction.len() as f64;
    prediction
        .iter()
        .zip(&batch.y)
        .map(|(q, &y)| (q - f64::from(y)).powi(2))
        .sum::<f64>()
        / n
}

/// Central-difference gradient of the reference loss.
fn reference_gradient(shape: LstmShape, p: &[f64], batch: &Batch) -> Vec<f64> {
    let step = 1e-6;
    let mut q = p.to_vec();
    (0..p.len())
        .map(|k| {
            q[k] = p[k] + step;
            let up = reference_loss(shape, &q, batch);
            q[k] = p[k] - step;
            let down = reference_loss(shape, &q, batch);
            q[k] = p[k];
            (up - down) / (2.0 * step)
        })
        .collect()
}

/// One Adam step (PyTorch semantics) from zero moments, after global-norm clipping.
fn reference_adam_step(p: &[f64], gradient: &[f64], adam: AdamSettings) -> Vec<f64> {
    let norm = gradient.iter().map(|g| g * g).sum::<f64>().sqrt();
    let scale = adam
        .clip_grad_norm
        .map_or(1.0, |limit| (f64::from(limit) / (norm + 1e-6)).min(1.0));
    let (b1, b2) = (f64::from(adam.beta1), f64::from(adam.beta2));
    p.iter()
        .zip(gradient)
        .map(|(w, g)| {
            let g = g * scale;
            let m_hat = (1.0 - b1) * g / (1.0 - b1);
            let v_hat = (1.0 - b2) * g * g / (1.0 - b2);
            w - f64::from(adam.learning_rate) * m_hat / (v_hat.sqrt() + f64::from(adam.epsilon))
        })
        .collect()
}

/// Whether `a` is within `tolerance` of `b`, relative to `max(|b|, floor)`.
fn close(a: f64, b: f64, tolerance: f64, floor: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(floor)
}

/// Asserts two arrays agree element by element.
fn assert_close(what: &str, case: Case, a: &[f64], b: &[f64], tolerance: f64, floor: f64) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ for {case:?}");
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            close(*x, *y, tolerance, floor),
            "{what} [{k}] for {case:?}: {x} vs {y}"
        );
    }
}

/// Adam settings of the comparisons; the clip limit is set per case.
fn adam(clip_grad_norm: Option<f32>) -> AdamSettings {
    AdamSettings {
        learning_rate: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm,
    }
}

/// The inputs of `batch` as a tensor.
fn inputs<B: burn::tensor::backend::Backend>(batch: &Batch) -> Tensor<B, 3> {
    Tensor::from_data(
        TensorData::new(batch.x.clone(), [batch.size, batch.steps, batch.features]),
        &Default::default(),
    )
}

/// Burn's gradient of the mean squared error, in the layout of [`flatten`].
fn burn_gradient(weights: &LstmWeights, batch: &Batch) -> Vec<f64> {
    let model = Lstm::<CpuAutodiff>::from_weights(weights, 0.0, &Default::default());
    let prediction = model.forward(inputs(batch));
    let dims = prediction.dims();
    let values: Vec<f32> = prediction.clone().into_data().iter::<f32>().collect();
    let (_, gradient) = Mse.value_and_gradient(&values, batch);
    let gradient =
        Tensor::<CpuAutodiff, 2>::from_data(TensorData::new(gradient, dims), &Default::default());
    let grads = (prediction * gradient).sum().backward();
    let grad = |param: &Param<Tensor<CpuAutodiff, 2>>| {
        Param::from_tensor(param.grad(&grads).expect("weight gradient"))
    };
    let grad_bias = |param: &Option<Param<Tensor<CpuAutodiff, 1>>>| {
        param
            .as_ref()
            .map(|b| Param::from_tensor(b.grad(&grads).expect("bias gradient")))
    };
    let as_model = Lstm::<Cpu> {
        input: Linear {
            weight: grad(&model.input.weight),
            bias: grad_bias(&model.input.bias),
        },
        recurrent: Linear {
            weight: grad(&model.recurrent.weight),
            bias: None,
        },
        dropout: model.dropout.clone(),
        head: Linear {
            weight: grad(&model.head.weight),
            bias: grad_bias(&model.head.bias),
        },
    };
    flatten(&as_model.to_weights())
}

#[test]
fn weights_round_trip_exactly() {
    for (n, case) in cases().into_iter().enumerate() {
        let weights = random_weights(case, n as u64);
        let plain = Lstm::<Cpu>::from_weights(&weights, 0.0, &Default::default());
        assert_eq!(plain.to_weights(), weights, "{case:?}");
        let autodiff = Lstm::<CpuAutodiff>::from_weights(&weights, 0.3, &Default::default());
        assert_eq!(autodiff.to_weights(), weights, "{case:?}");
        assert_eq!(autodiff.shape(), weights.shape);
    }
}

#[test]
fn burn_forward_matches_reference() {
    for (n, case) in cases().into_iter().enumerate() {
        let weights = random_weights(case, 10 + n as u64);
        let batch = random_batch(case, 20 + n as u64);
        let expected = reference_forward(weights.shape, &flatten(&weights), &batch);
        let model = Lstm::<Cpu>::from_weights(&weights, 0.0, &Default::default());
        let output = model.forward(inputs(&batch));
        assert_eq!(output.dims(), [case.size, case.outputs]);
        let found: Vec<f64> = output.into_data().iter::<f32>().map(f64::from).collect();
        assert_close("forward", case, &found, &expected, 1e-5, 1.0);
        // The engine's prediction is the same model without dropout.
        let mut engine =
            BurnEngine::<CpuAutodiff>::new(weights, adam(None), 0.5, 1, Default::default());
        let predicted: Vec<f64> = engine.predict(&batch).into_iter().map(f64::from).collect();
        assert_close("predict", case, &predicted, &expected, 1e-5, 1.0);
    }
}

#[test]
fn burn_gradient_matches_finite_differences() {
    for (n, case) in SMALL.into_iter().enumerate() {
        let weights = random_weights(case, 30 + n as u64);
        let batch = random_batch(case, 40 + n as u64);
        let expected = reference_gradient(weights.shape, &flatten(&weights), &batch);
        let scale = expected.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        let found = burn_gradient(&weights, &batch);
        assert_close("gradient", case, &found, &expected, 1e-4, scale);
    }
}

#[test]
fn burn_adam_step_matches_reference() {
    for (n, case) in SMALL.into_iter().enumerate() {
        let weights = random_weights(case, 50 + n as u64);
        let batch = random_batch(case, 60 + n as u64);
        let p = flatten(&weights);
        let gradient = reference_gradient(weights.shape, &p, &batch);
        let norm = gradient.iter().map(|g| g * g).sum::<f64>().sqrt();
        // A limit far below the norm scales the gradients to the size of epsilon, where Adam's
        // step depends on them, and so on how they were clipped.
        for clip in [None, Some(1e3), Some((norm * 1e-6) as f32)] {
            let settings = adam(clip);
            let mut engine = BurnEngine::<CpuAutodiff>::new(
                weights.clone(),
                settings,
                0.0,
                1,
                Default::default(),
            );
            let loss = engine.train_step(&batch, &Mse, settings.learning_rate);
            let expected_loss = reference_loss(weights.shape, &p, &batch);
            assert!(
                close(f64::from(loss), expected_loss, 1e-5, 1.0),
                "loss for {case:?}: {loss} vs {expected_loss}"
            );
            let expected = reference_adam_step(&p, &gradient, settings);
            let found = flatten(&engine.weights());
            // Compare the steps taken, relative to the step size.
            let step = |w: &[f64]| -> Vec<f64> { w.iter().zip(&p).map(|(a, b)| a - b).collect() };
            assert_close(
                "Adam step",
                case,
                &step(&found),
                &step(&expected),
                1e-3,
                f64::from(settings.learning_rate),
            );
        }
    }
}

#[test]
fn fused_and_burn_engines_take_the_same_step() {
    for (n, case) in cases().into_iter().enumerate() {
        let weights = random_weights(case, 70 + n as u64);
        let batch = random_batch(case, 80 + n as u64);
        let norm = burn_gradient_norm(&weights, &batch);
        for clip in [None, Some(norm * 0.1)] {
            let settings = adam(clip);
            let mut burn = BurnEngine::<CpuAutodiff>::new(
                weights.clone(),
                settings,
                0.0,
                7,
                Default::default(),
            );
            let mut fused = FusedLstm::new(weights.clone(), settings, 0.0, 7);
            for _ in 0..2 {
                let burn_loss = burn.train_step(&batch, &Mse, settings.learning_rate);
                let fused_loss = fused.train_step(&batch, &Mse, settings.learning_rate);
                assert!(
                    close(f64::from(fused_loss), f64::from(burn_loss), 1e-5, 1e-3),
                    "loss for {case:?}, clip {clip:?}: fused {fused_loss} vs burn {burn_loss}"
                );
                let burn_weights = flatten(&burn.weights());
                let fused_weights = flatten(&fused.weights());
                assert_close(
                    "updated weights",
                    case,
                    &fused_weights,
                    &burn_weights,
                    1e-5,
                    1e-2,
                );
            }
            let burn_prediction: Vec<f64> =
                burn.predict(&batch).into_iter().map(f64::from).collect();
            let fused_prediction: Vec<f64> =
                fused.predict(&batch).into_iter().map(f64::from).collect();
            assert_close(
                "prediction",
                case,
                &fused_prediction,
                &burn_prediction,
                1e-5,
                1.0,
            );
        }
    }
}

/// The global norm of Burn's gradient, to set a clip limit that bites.
fn burn_gradient_norm(weights: &LstmWeights, batch: &Batch) -> f32 {
    burn_gradient(weights, batch)
        .iter()
        .map(|g| g * g)
        .sum::<f64>()
        .sqrt() as f32
}
