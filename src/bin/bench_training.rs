//! Benchmark of the fused CPU engine on CAMELS-sized batches.
//!
//! Run with `cargo run --release --bin bench_training`. For a batch of 256 windows of 365 days
//! with 5 inputs, it prints the milliseconds per training step (forward, MSE loss, backward,
//! clipping, Adam) and per inference batch, for hidden sizes 64 and 256 on one and two threads:
//! the mean over a few steps after a warm-up step, and the fastest step (a better guide when
//! other work shares the machine).

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use hydro::data::windows::Batch;
use hydro::models::weights::LstmShape;
use hydro::training::engine::{AdamSettings, Engine};
use hydro::training::fused::{init_weights, FusedLstm};
use hydro::training::losses::Mse;

/// Windows per batch.
const BATCH: usize = 256;
/// Days of look-back per window.
const STEPS: usize = 365;
/// Meteorological inputs per day.
const FEATURES: usize = 5;
/// Hidden sizes benchmarked, each with the number of timed steps.
const CASES: [(usize, usize); 2] = [(64, 10), (256, 3)];

/// A batch of inputs and targets spread like normalised data (uniform on `[-1.7, 1.7]`).
fn random_batch(rng: &mut ChaCha8Rng) -> Batch {
    let mut draw =
        |count: usize| -> Vec<f32> { (0..count).map(|_| rng.random_range(-1.7..1.7)).collect() };
    Batch {
        size: BATCH,
        steps: STEPS,
        features: FEATURES,
        x: draw(BATCH * STEPS * FEATURES),
        y: draw(BATCH),
        targets: 1,
        basin_std: vec![1.0; BATCH],
    }
}

/// Mean and fastest milliseconds per call of `run` over `repeats` calls after a warm-up call.
fn time_ms(repeats: usize, mut run: impl FnMut()) -> (f64, f64) {
    run();
    let times: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let mean = times.iter().sum::<f64>() / repeats as f64;
    (mean, times.iter().copied().fold(f64::INFINITY, f64::min))
}

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let batch = random_batch(&mut rng);
    let adam = AdamSettings {
        learning_rate: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm: Some(1.0),
    };
    println!("batch {BATCH}, look-back {STEPS}, {FEATURES} inputs, sequence-to-one, Adam, f32");
    for (hidden, repeats) in CASES {
        let shape = LstmShape {
            inputs: FEATURES,
            hidden,
            outputs: 1,
        };
        for threads in [1, 2] {
            let weights = init_weights(shape, 1, 3.0);
            let mut engine = FusedLstm::new(weights, adam, 0.4, 1).with_threads(threads);
            let train = time_ms(repeats, || {
                engine.train_step(&batch, &Mse, 1e-3);
            });
            let predict = time_ms(repeats, || {
                engine.predict(&batch);
            });
            println!(
                "hidden {hidden:>3}, {threads} thread(s): {:7.1} ms per training step \
                 (fastest {:7.1}), {:7.1} ms per inference batch (fastest {:7.1})",
                train.0, train.1, predict.0, predict.1
            );
        }
    }
}
