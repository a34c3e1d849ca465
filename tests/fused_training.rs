//! The fused engine's optimisation: Adam's first update, gradient clipping, determinism for a
//! seed, initial weights, flush-to-zero, and learning a small synthetic runoff-like task.

mod fused_support;

use fused_support::{adam, random_batch, MeanSquaredError};
use hydro::data::windows::Batch;
use hydro::models::weights::LstmShape;
use hydro::training::engine::Engine;
use hydro::training::fused::{clip_grad_norm, init_weights, set_flush_denormals, FusedLstm};

const SHAPE: LstmShape = LstmShape {
    inputs: 3,
    hidden: 10,
    outputs: 1,
};

#[test]
fn first_adam_update_is_the_learning_rate_times_the_gradient_sign() {
    let weights = init_weights(SHAPE, 5, 1.0);
    let batch = random_batch(6, 8, 3, 1, 6);
    let settings = adam(None);
    let mut engine = FusedLstm::new(weights.clone(), settings, 0.0, 1);
    let (_, gradient) = engine.gradients(&batch, &MeanSquaredError);
    let learning_rate = 0.01;
    engine.train_step(&batch, &MeanSquaredError, learning_rate);
    let updated = engine.weights();
    let blocks = [
        (&weights.w_ih, &gradient.w_ih, &updated.w_ih),
        (&weights.w_hh, &gradient.w_hh, &updated.w_hh),
        (&weights.bias, &gradient.bias, &updated.bias),
        (&weights.head_w, &gradient.head_w, &updated.head_w),
        (&weights.head_b, &gradient.head_b, &updated.head_b),
    ];
    for (before, gradient, after) in blocks {
        for ((w, g), new) in before.iter().zip(gradient).zip(after) {
            // m_hat = g and v_hat = g^2 after one step, so the update is lr * g / (|g| + eps).
            let expected = w - learning_rate * g / (g.abs() + settings.epsilon);
            assert!(
                (new - expected).abs() <= 1e-4 * learning_rate,
                "weight {w} with gradient {g}: {new} instead of {expected}"
            );
        }
    }
}

#[test]
fn clipping_scales_the_gradient_to_the_given_norm() {
    let mut gradient = vec![3.0, -4.0, 0.0, 12.0];
    let norm = clip_grad_norm(&mut gradient, 2.6);
    assert!((norm - 13.0).abs() < 1e-5);
    let clipped = gradient.iter().map(|g| g * g).sum::<f32>().sqrt();
    assert!(
        (clipped - 2.6).abs() < 1e-5,
        "norm after clipping {clipped}"
    );
    let direction = [3.0 / 13.0, -4.0 / 13.0, 0.0, 12.0 / 13.0];
    for (g, d) in gradient.iter().zip(direction) {
        assert!((g / 2.6 - d).abs() < 1e-6);
    }
    let mut small = vec![0.3, 0.4];
    assert!((clip_grad_norm(&mut small, 1.0) - 0.5).abs() < 1e-7);
    assert_eq!(small, [0.3, 0.4]);
}

/// Weights after three training steps with dropout, from engines built with `seed`.
fn weights_after_three_steps(seed: u64, threads: usize) -> hydro::models::weights::LstmWeights {
    let weights = init_weights(SHAPE, 11, 1.0);
    let mut engine = FusedLstm::new(weights, adam(Some(1.0)), 0.5, seed).with_threads(threads);
    for step in 0..3 {
        let batch = random_batch(9, 6, 3, 1, 20 + step);
        engine.train_step(&batch, &MeanSquaredError, 0.01);
    }
    engine.weights()
}

#[test]
fn training_is_bit_identical_for_a_seed() {
    let first = weights_after_three_steps(42, 2);
    assert_eq!(first, weights_after_three_steps(42, 2));
    assert_eq!(first, weights_after_three_steps(42, 1));
    assert_ne!(first, weights_after_three_steps(43, 2));
}

#[test]
fn batches_of_changing_size_and_predictions_between_steps_leave_no_trace() {
    let mut engine = FusedLstm::new(init_weights(SHAPE, 2, 1.0), adam(None), 0.2, 3);
    engine.train_step(&random_batch(7, 9, 3, 1, 30), &MeanSquaredError, 0.01);
    engine.predict(&random_batch(300, 12, 3, 1, 31));
    engine.train_step(&random_batch(2, 4, 3, 1, 32), &MeanSquaredError, 0.01);
    engine.predict(&random_batch(1, 1, 3, 1, 33));
    let batch = random_batch(5, 6, 3, 1, 34);
    let (loss, gradient) = engine.gradients(&batch, &MeanSquaredError);
    let mut fresh = FusedLstm::new(engine.weights(), adam(None), 0.2, 3);
    assert_eq!((loss, gradient), fresh.gradients(&batch, &MeanSquaredError));
    assert_eq!(engine.predict(&batch), fresh.predict(&batch));
}

#[test]
fn initial_weights_follow_pytorch_bounds_and_the_forget_bias() {
    let shape = LstmShape {
        inputs: 5,
        hidden: 16,
        outputs: 2,
    };
    let weights = init_weights(shape, 3, 3.0);
    assert_eq!(weights, init_weights(shape, 3, 3.0));
    assert_ne!(weights, init_weights(shape, 4, 3.0));
    assert_eq!(weights.w_ih.len(), 64 * 5);
    assert_eq!(weights.w_hh.len(), 64 * 16);
    assert_eq!(weights.head_w.len(), 2 * 16);
    let bound = 0.25;
    let all = weights
        .w_ih
        .iter()
        .chain(&weights.w_hh)
        .chain(&weights.head_w)
        .chain(&weights.head_b);
    assert!(all.clone().all(|w| w.abs() <= bound));
    assert!(all.clone().any(|w| w.abs() > 0.9 * bound));
    assert!(weights.bias[16..32].iter().all(|&b| b == 3.0));
    let others = weights.bias[..16].iter().chain(&weights.bias[32..]);
    assert!(others.clone().all(|b| b.abs() <= bound));
}

#[test]
fn flushing_denormals_zeroes_tiny_products() {
    let tiny = std::hint::black_box(1e-30_f32);
    assert!(tiny * std::hint::black_box(1e-10) > 0.0);
    set_flush_denormals();
    if cfg!(target_arch = "x86_64") {
        assert_eq!(tiny * std::hint::black_box(1e-10), 0.0);
    }
}

/// Windows whose target is the sum of the first input over the last three steps, as a
/// catchment's runoff responds to the last few days of rain.
fn summing_task(size: usize, seed: u64) -> Batch {
    let mut batch = random_batch(size, 10, 3, 1, seed);
    for (sample, y) in batch.y.iter_mut().enumerate() {
        let window = &batch.x[sample * 30..(sample + 1) * 30];
        *y = (7..10).map(|t| window[t * 3]).sum();
    }
    batch
}

#[test]
fn training_learns_the_sum_of_the_last_three_inputs() {
    let shape = LstmShape {
        inputs: 3,
        hidden: 16,
        outputs: 1,
    };
    let mut engine = FusedLstm::new(init_weights(shape, 1, 1.0), adam(Some(1.0)), 0.0, 1);
    let test = summing_task(256, 999);
    let mse = |engine: &mut FusedLstm| -> f32 {
        let predictions = engine.predict(&test);
        let squares: f32 = predictions
            .iter()
            .zip(&test.y)
            .map(|(p, y)| (p - y).powi(2))
            .sum();
        squares / test.size as f32
    };
    let before = mse(&mut engine);
    for step in 0..400 {
        engine.train_step(&summing_task(32, step), &MeanSquaredError, 0.01);
    }
    let after = mse(&mut engine);
    assert!(before > 0.5, "the task starts unexplained: {before}");
    assert!(
        after < before / 20.0,
        "mean squared error {before} -> {after}"
    );
}
