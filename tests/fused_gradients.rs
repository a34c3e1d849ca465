//! The fused engine's forward pass and gradients against a naive `f64` LSTM: predictions to
//! about 1e-5, and every gradient against central finite differences of the reference loss.

mod fused_support;

use fused_support::{adam, random_batch, MeanSquaredError};
use hydro::data::windows::Batch;
use hydro::models::weights::{LstmShape, LstmWeights};
use hydro::training::engine::Engine;
use hydro::training::fused::{init_weights, FusedLstm};

/// A straightforward `f64` sequence-to-one LSTM with a linear head, in PyTorch's conventions.
struct Reference {
    /// Sizes of the model.
    shape: LstmShape,
    /// Parameter blocks in the order of [`LstmWeights`]: w_ih, w_hh, bias, head_w, head_b.
    blocks: [Vec<f64>; 5],
}

impl Reference {
    fn new(weights: &LstmWeights) -> Self {
        let widen = |values: &[f32]| values.iter().map(|&v| f64::from(v)).collect();
        Self {
            shape: weights.shape,
            blocks: [
                widen(&weights.w_ih),
                widen(&weights.w_hh),
                widen(&weights.bias),
                widen(&weights.head_w),
                widen(&weights.head_b),
            ],
        }
    }

    /// Predictions `[size][outputs]`.
    fn predict(&self, batch: &Batch) -> Vec<f64> {
        let LstmShape {
            inputs,
            hidden,
            outputs,
        } = self.shape;
        let [w_ih, w_hh, bias, head_w, head_b] = &self.blocks;
        let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
        let mut predictions = Vec::new();
        for sample in 0..batch.size {
            let mut h = vec![0.0; hidden];
            let mut c = vec![0.0; hidden];
            for t in 0..batch.steps {
                let x = &batch.x[(sample * batch.steps + t) * inputs..][..inputs];
                let gate = |row: usize| {
                    let mut sum = bias[row];
                    for (k, &value) in x.iter().enumerate() {
                        sum += w_ih[row * inputs + k] * f64::from(value);
                    }
                    for (k, &value) in h.iter().enumerate() {
                        sum += w_hh[row * hidden + k] * value;
                    }
                    sum
                };
                let pre: Vec<f64> = (0..4 * hidden).map(gate).collect();
                for j in 0..hidden {
                    let i = sigmoid(pre[j]);
                    let f = sigmoid(pre[hidden + j]);
                    let g = pre[2 * hidden + j].tanh();
                    let o = sigmoid(pre[3 * hidden + j]);
                    c[j] = f * c[j] + i * g;
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
    fn numerical_gradient(&mut self, batch: &Batch, stride: usize) -> [Vec<Option<f64>>; 5] {
        let step = 1e-5;
        let mut gradient: [Vec<Option<f64>>; 5] = Default::default();
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

/// Random weights with biases and gates large enough to make every non-linearity matter.
fn weights(shape: LstmShape, seed: u64) -> LstmWeights {
    let mut weights = init_weights(shape, seed, 0.5);
    for w in weights.w_hh.iter_mut().chain(&mut weights.w_ih) {
        *w *= 2.0;
    }
    weights
}

/// Shapes checked (batch, steps, inputs, hidden, outputs): a batch of one, odd sizes, a single
/// step, several outputs, and hidden sizes with full and unrolled SIMD blocks and remainders.
const CASES: [(usize, usize, usize, usize, usize); 6] = [
    (1, 4, 2, 3, 1),
    (3, 7, 5, 6, 1),
    (5, 1, 3, 4, 2),
    (4, 9, 4, 20, 1),
    (2, 12, 3, 17, 3),
    (3, 5, 5, 70, 1),
];

fn shape(inputs: usize, hidden: usize, outputs: usize) -> LstmShape {
    LstmShape {
        inputs,
        hidden,
        outputs,
    }
}

#[test]
fn forward_matches_the_f64_reference() {
    for (seed, (size, steps, inputs, hidden, outputs)) in CASES.into_iter().enumerate() {
        let weights = weights(shape(inputs, hidden, outputs), seed as u64);
        let batch = random_batch(size, steps, inputs, outputs, 100 + seed as u64);
        let expected = Reference::new(&weights).predict(&batch);
        let mut engine = FusedLstm::new(weights, adam(None), 0.3, 1);
        let predictions = engine.predict(&batch);
        assert_eq!(predictions.len(), expected.len());
        for (p, e) in predictions.iter().zip(&expected) {
            assert!(
                (f64::from(*p) - e).abs() < 1e-5,
                "case {seed}: prediction {p} against reference {e}"
            );
        }
    }
}

#[test]
fn prediction_of_a_batch_larger_than_one_pass_matches_the_reference() {
    let weights = weights(shape(3, 5, 1), 9);
    let batch = random_batch(600, 5, 3, 1, 10);
    let expected = Reference::new(&weights).predict(&batch);
    let predictions = FusedLstm::new(weights, adam(None), 0.0, 1).predict(&batch);
    assert_eq!(predictions.len(), 600);
    for (p, e) in predictions.iter().zip(&expected) {
        assert!((f64::from(*p) - e).abs() < 1e-5, "{p} against {e}");
    }
}

#[test]
fn gradients_match_finite_differences() {
    for (seed, (size, steps, inputs, hidden, outputs)) in CASES.into_iter().enumerate() {
        let weights = weights(shape(inputs, hidden, outputs), seed as u64);
        let batch = random_batch(size, steps, inputs, outputs, 200 + seed as u64);
        let mut reference = Reference::new(&weights);
        let expected_loss = reference.loss(&batch);
        // Large models check every seventh parameter, which keeps the test fast.
        let stride = if hidden > 32 { 7 } else { 1 };
        let numerical = reference.numerical_gradient(&batch, stride);
        let mut engine = FusedLstm::new(weights, adam(Some(1e-3)), 0.5, 1);
        let (loss, gradient) = engine.gradients(&batch, &MeanSquaredError);
        assert!((f64::from(loss) - expected_loss).abs() < 1e-5 * (1.0 + expected_loss));
        let analytic = [
            gradient.w_ih,
            gradient.w_hh,
            gradient.bias,
            gradient.head_w,
            gradient.head_b,
        ];
        let names = ["w_ih", "w_hh", "bias", "head_w", "head_b"];
        for ((name, analytic), numerical) in names.iter().zip(&analytic).zip(&numerical) {
            assert_eq!(analytic.len(), numerical.len(), "{name} length");
            let checked = analytic.iter().zip(numerical).enumerate();
            for (index, (a, n)) in checked.filter_map(|(i, (a, n))| n.map(|n| (i, (a, n)))) {
                let a = f64::from(*a);
                assert!(
                    (a - n).abs() <= 1e-4 + 1e-2 * n.abs(),
                    "case {seed}: d loss / d {name}[{index}] is {a}, finite differences give {n}"
                );
            }
        }
    }
}

#[test]
fn gradients_are_not_all_zero() {
    let weights = weights(shape(3, 4, 1), 3);
    let batch = random_batch(4, 6, 3, 1, 4);
    let (_, gradient) =
        FusedLstm::new(weights, adam(None), 0.0, 1).gradients(&batch, &MeanSquaredError);
    for block in [
        &gradient.w_ih,
        &gradient.w_hh,
        &gradient.bias,
        &gradient.head_w,
    ] {
        assert!(block.iter().any(|g| g.abs() > 1e-4));
    }
}
