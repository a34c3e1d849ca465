//! The LSTM recurrence as a Burn backend operation (`LstmBackend`): on `NdArray<f32>` its fused
//! forward pass equals the straightforward tensor path, and under `Autodiff<NdArray<f32>>` its
//! fused backward pass gives the gradients of every input (inputs, weights, bias, the EA-LSTM's
//! input gate) that Burn's autodiff of the straightforward path gives and that central finite
//! differences in `f64` give (of a plain loop over the LSTM equations). The finite differences
//! also check the fallback of backends without a fused kernel, whose autodiff differentiates the
//! straightforward path: `Autodiff<Autodiff<NdArray<f32>>>`, whose inner backend has none.
//!
//! The loss is `L = sum(h_T * R)` for fixed random weights `R`, so `dL/dh_T = R`.

use burn::backend::{Autodiff, NdArray};
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use hydro::models::ealstm::EaLstm;
use hydro::models::lstm::Lstm;
use hydro::models::weights::{EaLstmShape, EaLstmWeights, LstmShape, LstmWeights};
use hydro::training::fused::backend::Recurrence;

type Cpu = NdArray<f32>;
type CpuAutodiff = Autodiff<Cpu>;
/// An autodiff backend whose inner backend has no fused kernel (it is itself an autodiff
/// backend), so the operation falls back to differentiating the straightforward path.
type Unfused = Autodiff<CpuAutodiff>;

/// Names of the tensors of a recurrence, in the order of [`Case::values`].
const NAMES: [&str; 5] = [
    "x",
    "input weights",
    "recurrent weights",
    "bias",
    "input gate",
];

/// Sizes of a recurrence: `(batch, steps, features, hidden)`. They include one window, one
/// step, odd sizes, a batch the two shards split unevenly, and a hidden size beyond a SIMD
/// width with a remainder.
const SHAPES: [(usize, usize, usize, usize); 5] = [
    (1, 1, 1, 1),
    (1, 5, 2, 3),
    (3, 7, 5, 9),
    (4, 10, 3, 16),
    (5, 4, 4, 33),
];

/// A random recurrence and loss weights.
#[derive(Debug, Clone)]
struct Case {
    batch: usize,
    steps: usize,
    features: usize,
    hidden: usize,
    /// Whether this is the EA-LSTM variant (constant input gate, three gate blocks).
    ealstm: bool,
    /// Values of x, input weights, recurrent weights, bias and input gate (empty for the LSTM).
    values: [Vec<f64>; 5],
    /// The weights `R` of the loss, `[batch, hidden]`.
    loss_weights: Vec<f64>,
}

impl Case {
    /// A case of the given sizes drawn from `seed`.
    fn new(shape: (usize, usize, usize, usize), ealstm: bool, seed: u64) -> Self {
        let (batch, steps, features, hidden) = shape;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let gates = if ealstm { 3 * hidden } else { 4 * hidden };
        let mut draw = |count: usize, low: f64, high: f64| -> Vec<f64> {
            (0..count)
                .map(|_| rng.random_range(low..high) as f32 as f64)
                .collect()
        };
        let x = draw(batch * steps * features, -1.5, 1.5);
        let input_weights = draw(features * gates, -0.6, 0.6);
        let recurrent_weights = draw(hidden * gates, -0.6, 0.6);
        let bias = draw(gates, -0.5, 0.5);
        let input_gate = if ealstm {
            draw(batch * hidden, 0.05, 0.95)
        } else {
            Vec::new()
        };
        let loss_weights = draw(batch * hidden, -1.0, 1.0);
        Case {
            batch,
            steps,
            features,
            hidden,
            ealstm,
            values: [x, input_weights, recurrent_weights, bias, input_gate],
            loss_weights,
        }
    }

    /// Number of gate blocks.
    fn blocks(&self) -> usize {
        if self.ealstm {
            3
        } else {
            4
        }
    }

    /// Number of gate values per sample.
    fn gates(&self) -> usize {
        self.blocks() * self.hidden
    }

    /// Indices of the tensors the case has (the input gate only for the EA-LSTM).
    fn tensors(&self) -> std::ops::Range<usize> {
        0..if self.ealstm { 5 } else { 4 }
    }

    /// The recurrence holding `values` on backend `B`, every tensor made a leaf that requires
    /// a gradient when `track` says so.
    fn recurrence<B: Backend>(&self, values: &[Vec<f64>; 5], track: [bool; 5]) -> Recurrence<B> {
        let device = Default::default();
        let (batch, steps, features, hidden) = (self.batch, self.steps, self.features, self.hidden);
        let gates = self.gates();
        let data = |index: usize, shape: Vec<usize>| {
            TensorData::new(values[index].clone(), shape).convert::<B::FloatElem>()
        };
        let x = Tensor::<B, 3>::from_data(data(0, vec![batch, steps, features]), &device);
        let input_weights = Tensor::<B, 2>::from_data(data(1, vec![features, gates]), &device);
        let recurrent_weights = Tensor::<B, 2>::from_data(data(2, vec![hidden, gates]), &device);
        let bias = Tensor::<B, 1>::from_data(data(3, vec![gates]), &device);
        let input_gate = self
            .ealstm
            .then(|| Tensor::<B, 2>::from_data(data(4, vec![batch, hidden]), &device));
        Recurrence {
            x: track_if(x, track[0]),
            input_weights: track_if(input_weights, track[1]),
            recurrent_weights: track_if(recurrent_weights, track[2]),
            bias: track_if(bias, track[3]),
            input_gate: input_gate.map(|gate| track_if(gate, track[4])),
        }
    }

    /// The loss weights `R` on backend `B`.
    fn loss_weights<B: Backend>(&self) -> Tensor<B, 2> {
        let data = TensorData::new(self.loss_weights.clone(), [self.batch, self.hidden]);
        Tensor::from_data(data.convert::<B::FloatElem>(), &Default::default())
    }

    /// `sum(h_T * R)` at `values`, computed in `f64` by a plain loop over the LSTM equations
    /// (independent of Burn and of the kernels).
    fn exact_loss(&self, values: &[Vec<f64>; 5]) -> f64 {
        let [x, input_weights, recurrent_weights, bias, input_gate] = values;
        let (hidden, gates, features) = (self.hidden, self.gates(), self.features);
        let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp());
        let mut loss = 0.0;
        for sample in 0..self.batch {
            let mut h = vec![0.0; hidden];
            let mut c = vec![0.0; hidden];
            for step in 0..self.steps {
                let x_t = &x[(sample * self.steps + step) * features..][..features];
                let z: Vec<f64> = (0..gates)
                    .map(|gate| {
                        let from_x: f64 = (0..features)
                            .map(|k| x_t[k] * input_weights[k * gates + gate])
                            .sum();
                        let from_h: f64 = (0..hidden)
                            .map(|k| h[k] * recurrent_weights[k * gates + gate])
                            .sum();
                        from_x + from_h + bias[gate]
                    })
                    .collect();
                for j in 0..hidden {
                    let block = |index: usize| z[index * hidden + j];
                    let (i, f, g, o) = if self.ealstm {
                        (
                            input_gate[sample * hidden + j],
                            sigmoid(block(0)),
                            block(1).tanh(),
                            sigmoid(block(2)),
                        )
                    } else {
                        (
                            sigmoid(block(0)),
                            sigmoid(block(1)),
                            block(2).tanh(),
                            sigmoid(block(3)),
                        )
                    };
                    c[j] = f * c[j] + i * g;
                    h[j] = o * c[j].tanh();
                }
            }
            loss += (0..hidden)
                .map(|j| h[j] * self.loss_weights[sample * hidden + j])
                .sum::<f64>();
        }
        loss
    }

    /// The last hidden states `[batch][hidden]` at the case's values, in `f64`: the gradient of
    /// [`Case::exact_loss`] with respect to the loss weights.
    fn exact_final_state(&self) -> Vec<f64> {
        (0..self.batch * self.hidden)
            .map(|index| {
                let mut unit = self.clone();
                unit.loss_weights = vec![0.0; self.batch * self.hidden];
                unit.loss_weights[index] = 1.0;
                unit.exact_loss(&self.values)
            })
            .collect()
    }

    /// Central finite differences of [`Case::exact_loss`] with respect to every value of every
    /// tensor (step `1e-6`, so truncation error is about `1e-12` and rounding about `1e-10`).
    fn finite_differences(&self) -> Vec<Vec<f64>> {
        const STEP: f64 = 1e-6;
        self.tensors()
            .map(|tensor| {
                (0..self.values[tensor].len())
                    .map(|index| {
                        let mut shifted = self.values.clone();
                        shifted[tensor][index] += STEP;
                        let up = self.exact_loss(&shifted);
                        shifted[tensor][index] -= 2.0 * STEP;
                        let down = self.exact_loss(&shifted);
                        (up - down) / (2.0 * STEP)
                    })
                    .collect()
            })
            .collect()
    }
}

/// `tensor`, requiring a gradient when `track`.
fn track_if<B: Backend, const D: usize>(tensor: Tensor<B, D>, track: bool) -> Tensor<B, D> {
    if track {
        tensor.require_grad()
    } else {
        tensor
    }
}

/// The values of a tensor as `f64`, row-major.
fn values<B: Backend, const D: usize>(tensor: Tensor<B, D>) -> Vec<f64> {
    tensor.into_data().iter::<f64>().collect()
}

/// Which implementation of the recurrence a gradient comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// The backend operation (`Recurrence::final_state`).
    Operation,
    /// Plain tensor operations (`Recurrence::straightforward_final_state`).
    Straightforward,
}

/// The gradients of `sum(h_T * R)` with respect to the tensors tracked in `track`, on the
/// autodiff backend `B`, through `path`; `None` for a tensor without a gradient.
fn gradients<B: burn::tensor::backend::AutodiffBackend + hydro::training::fused::LstmBackend>(
    case: &Case,
    path: Path,
    track: [bool; 5],
) -> Vec<Option<Vec<f64>>> {
    let recurrence = case.recurrence::<B>(&case.values, track);
    let leaves = recurrence.clone();
    let state = match path {
        Path::Operation => recurrence.final_state(),
        Path::Straightforward => recurrence.straightforward_final_state(),
    };
    let grads = (state * case.loss_weights::<B>()).sum().backward();
    let mut out = vec![
        leaves.x.grad(&grads).map(values),
        leaves.input_weights.grad(&grads).map(values),
        leaves.recurrent_weights.grad(&grads).map(values),
        leaves.bias.grad(&grads).map(values),
    ];
    if let Some(gate) = leaves.input_gate {
        out.push(gate.grad(&grads).map(values));
    }
    out
}

/// Largest `|a - b| / (1 + |b|)` over two equally long arrays.
fn largest_error(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "arrays of different lengths");
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs() / (1.0 + b.abs()))
        .fold(0.0, f64::max)
}

/// Largest absolute value of an array (zero when empty).
fn largest(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |m, v| f64::max(m, v.abs()))
}

/// Every tensor tracked.
const ALL: [bool; 5] = [true; 5];

#[test]
fn forward_on_ndarray_equals_the_straightforward_path() {
    let mut worst: f64 = 0.0;
    for ealstm in [false, true] {
        for (seed, shape) in SHAPES.into_iter().enumerate() {
            let case = Case::new(shape, ealstm, seed as u64);
            let fused = values(
                case.recurrence::<Cpu>(&case.values, [false; 5])
                    .final_state(),
            );
            let reference = values(
                case.recurrence::<Cpu>(&case.values, [false; 5])
                    .straightforward_final_state(),
            );
            let exact = case.exact_final_state();
            assert_eq!(fused.len(), case.batch * case.hidden);
            // The state is not trivially small: a mixing-up of gates would show.
            assert!(
                largest(&exact) > 1e-3,
                "{shape:?}: state {}",
                largest(&exact)
            );
            let to_reference = largest_error(&fused, &reference);
            let to_exact = largest_error(&fused, &exact);
            worst = worst.max(to_reference).max(to_exact);
            assert!(
                to_reference < 2e-6 && to_exact < 2e-6,
                "ealstm {ealstm}, {shape:?}: fused vs f32 reference {to_reference:.2e}, vs f64 \
                 {to_exact:.2e}"
            );
        }
    }
    println!("largest relative difference of h_T: {worst:.2e}");
}

#[test]
fn windows_without_steps_end_in_the_zero_state() {
    for ealstm in [false, true] {
        let case = Case::new((3, 0, 2, 5), ealstm, 1);
        let state = values(
            case.recurrence::<Cpu>(&case.values, [false; 5])
                .final_state(),
        );
        assert_eq!(state, vec![0.0; 15]);
        let gradients = gradients::<CpuAutodiff>(&case, Path::Operation, ALL);
        for (gradient, name) in gradients.iter().zip(NAMES) {
            let gradient = gradient.as_ref().expect("every tensor has a gradient");
            assert!(gradient.iter().all(|&v| v == 0.0), "{name}: {gradient:?}");
        }
    }
}

#[test]
fn fused_gradients_equal_autodiff_of_the_straightforward_path() {
    let mut worst: f64 = 0.0;
    for ealstm in [false, true] {
        for (seed, shape) in SHAPES.into_iter().enumerate() {
            let case = Case::new(shape, ealstm, 100 + seed as u64);
            let fused = gradients::<CpuAutodiff>(&case, Path::Operation, ALL);
            let reference = gradients::<CpuAutodiff>(&case, Path::Straightforward, ALL);
            for ((fused, reference), name) in fused.iter().zip(&reference).zip(NAMES) {
                let fused = fused.as_ref().expect("fused gradient");
                let reference = reference.as_ref().expect("reference gradient");
                let error = largest_error(fused, reference);
                worst = worst.max(error);
                assert!(
                    error < 3e-6,
                    "ealstm {ealstm}, {shape:?}, {name}: error {error:.2e} (largest gradient \
                     {:.3})",
                    largest(reference)
                );
            }
        }
    }
    println!("largest relative difference of the gradients: {worst:.2e}");
}

#[test]
fn fused_and_fallback_gradients_equal_finite_differences() {
    let (mut worst_fused, mut worst_fallback): (f64, f64) = (0.0, 0.0);
    for ealstm in [false, true] {
        for (seed, shape) in SHAPES.into_iter().take(4).enumerate() {
            let case = Case::new(shape, ealstm, 200 + seed as u64);
            let expected = case.finite_differences();
            let fused = gradients::<CpuAutodiff>(&case, Path::Operation, ALL);
            let fallback = gradients::<Unfused>(&case, Path::Operation, ALL);
            for (tensor, name) in case.tensors().zip(NAMES) {
                let expected = &expected[tensor];
                // (With one step h_0 = 0 meets the recurrent weights: their gradient is zero.)
                let recurrent_unused = tensor == 2 && case.steps == 1;
                assert!(
                    recurrent_unused || largest(expected) > 1e-4,
                    "{shape:?} {name}: gradient vanishes"
                );
                let fused = fused[tensor].as_ref().expect("fused gradient");
                let fallback = fallback[tensor].as_ref().expect("fallback gradient");
                let fused_error = largest_error(fused, expected);
                let fallback_error = largest_error(fallback, expected);
                worst_fused = worst_fused.max(fused_error);
                worst_fallback = worst_fallback.max(fallback_error);
                // f32 kernels: rounding and the polynomial exponential, about 1e-6 here.
                assert!(
                    fused_error < 3e-6,
                    "ealstm {ealstm}, {shape:?}, {name}: fused {fused_error:.2e}"
                );
                // f32 tensor operations with the library exponential.
                assert!(
                    fallback_error < 3e-6,
                    "ealstm {ealstm}, {shape:?}, {name}: fallback {fallback_error:.2e}"
                );
            }
        }
    }
    println!(
        "largest relative difference from finite differences: fused {worst_fused:.2e}, \
         fallback {worst_fallback:.2e}"
    );
}

#[test]
fn only_tracked_tensors_get_gradients() {
    // Training tracks the weights but not the batch: x gets no gradient, the rest the same.
    for ealstm in [false, true] {
        let case = Case::new((3, 7, 5, 9), ealstm, 7);
        let weights_only = [false, true, true, true, true];
        let partial = gradients::<CpuAutodiff>(&case, Path::Operation, weights_only);
        let all = gradients::<CpuAutodiff>(&case, Path::Operation, ALL);
        assert!(partial[0].is_none(), "x is not tracked");
        for tensor in 1..partial.len() {
            assert_eq!(partial[tensor], all[tensor], "{}", NAMES[tensor]);
        }
        let recurrent_only = [false, false, true, false, false];
        let single = gradients::<CpuAutodiff>(&case, Path::Operation, recurrent_only);
        for (tensor, gradient) in single.iter().enumerate() {
            assert_eq!(gradient.is_some(), tensor == 2, "{}", NAMES[tensor]);
        }
        assert_eq!(single[2], all[2]);
    }
}

/// Row-major random values in `±scale`.
fn random(rng: &mut ChaCha8Rng, count: usize, scale: f32) -> Vec<f32> {
    (0..count)
        .map(|_| rng.random_range(-scale..scale))
        .collect()
}

/// The parameters' gradients of `sum(prediction * R)` for a model built by `build`, through
/// `predict`, in the order the model visits them.
fn model_gradients<M, P>(build: impl Fn() -> M, predict: P, x: &[f32], dims: [usize; 3]) -> Vec<f64>
where
    M: burn::module::AutodiffModule<CpuAutodiff>,
    P: Fn(&M, Tensor<CpuAutodiff, 3>) -> Tensor<CpuAutodiff, 2>,
{
    let model = build();
    let x =
        Tensor::<CpuAutodiff, 3>::from_data(TensorData::new(x.to_vec(), dims), &Default::default());
    let prediction = predict(&model, x);
    let [batch, outputs] = prediction.dims();
    let weights: Vec<f32> = (0..batch * outputs).map(|k| 1.0 - 0.3 * k as f32).collect();
    let weights = Tensor::<CpuAutodiff, 2>::from_data(
        TensorData::new(weights, [batch, outputs]),
        &Default::default(),
    );
    let grads = (prediction * weights).sum().backward();
    let grads = burn::optim::GradientsParams::from_grads(grads, &model);
    let mut collected = Vec::new();
    let mut visitor = Collect {
        grads: &grads,
        out: &mut collected,
    };
    model.visit(&mut visitor);
    collected
}

/// Gathers every parameter gradient, in visiting order.
struct Collect<'a> {
    grads: &'a burn::optim::GradientsParams,
    out: &'a mut Vec<f64>,
}

impl burn::module::ModuleVisitor<CpuAutodiff> for Collect<'_> {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<CpuAutodiff, D>>) {
        let gradient = self
            .grads
            .get::<Cpu, D>(param.id)
            .expect("every parameter has a gradient");
        self.out.extend(values(gradient));
    }
}

#[test]
fn models_train_the_same_through_the_operation() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (batch, steps, dynamic, statics, hidden) = (3, 6, 3, 2, 7);
    let lstm = LstmWeights {
        shape: LstmShape {
            inputs: dynamic,
            hidden,
            outputs: 2,
        },
        w_ih: random(&mut rng, 4 * hidden * dynamic, 0.5),
        w_hh: random(&mut rng, 4 * hidden * hidden, 0.5),
        bias: random(&mut rng, 4 * hidden, 0.5),
        head_w: random(&mut rng, 2 * hidden, 0.5),
        head_b: random(&mut rng, 2, 0.5),
    };
    let ealstm = EaLstmWeights {
        shape: EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs: 1,
        },
        static_w: random(&mut rng, hidden * statics, 0.8),
        static_b: random(&mut rng, hidden, 0.5),
        w_ih: random(&mut rng, 3 * hidden * dynamic, 0.5),
        w_hh: random(&mut rng, 3 * hidden * hidden, 0.5),
        bias: random(&mut rng, 3 * hidden, 0.5),
        head_w: random(&mut rng, hidden, 0.5),
        head_b: random(&mut rng, 1, 0.5),
    };
    let x = random(&mut rng, batch * steps * dynamic, 1.5);
    let build = || Lstm::<CpuAutodiff>::from_weights(&lstm, 0.0, &Default::default());
    let fused = model_gradients(
        build,
        |m: &Lstm<_>, x| m.forward(x),
        &x,
        [batch, steps, dynamic],
    );
    let reference = model_gradients(
        build,
        |m: &Lstm<_>, x| m.head_forward(m.recurrence(x).straightforward_final_state()),
        &x,
        [batch, steps, dynamic],
    );
    let error = largest_error(&fused, &reference);
    println!("LSTM parameters: largest relative difference {error:.2e}");
    assert!(error < 1e-6, "LSTM parameters: {error:.2e}");

    // The EA-LSTM's batches repeat the static attributes at every step.
    let attributes = random(&mut rng, batch * statics, 1.0);
    let features = dynamic + statics;
    let mut x_ea = Vec::with_capacity(batch * steps * features);
    for sample in 0..batch {
        for step in 0..steps {
            let start = (sample * steps + step) * dynamic;
            x_ea.extend_from_slice(&x[start..start + dynamic]);
            x_ea.extend_from_slice(&attributes[sample * statics..(sample + 1) * statics]);
        }
    }
    let build = || EaLstm::<CpuAutodiff>::from_weights(&ealstm, 0.0, &Default::default());
    let dims = [batch, steps, features];
    let fused = model_gradients(build, |m: &EaLstm<_>, x| m.forward(x), &x_ea, dims);
    let reference = model_gradients(
        build,
        |m: &EaLstm<_>, x| m.head_forward(m.recurrence(x).straightforward_final_state()),
        &x_ea,
        dims,
    );
    assert_eq!(fused.len(), ealstm_parameter_count(&ealstm));
    let error = largest_error(&fused, &reference);
    println!("EA-LSTM parameters: largest relative difference {error:.2e}");
    assert!(error < 1e-6, "EA-LSTM parameters: {error:.2e}");
}

/// Number of parameters of an EA-LSTM.
fn ealstm_parameter_count(weights: &EaLstmWeights) -> usize {
    [
        &weights.static_w,
        &weights.static_b,
        &weights.w_ih,
        &weights.w_hh,
        &weights.bias,
        &weights.head_w,
        &weights.head_b,
    ]
    .iter()
    .map(|block| block.len())
    .sum()
}
