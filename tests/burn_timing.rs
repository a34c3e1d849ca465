//! Throwaway timing.
use burn::backend::{Autodiff, NdArray};
use hydro::data::windows::Batch;
use hydro::models::weights::{LstmShape, LstmWeights};
use hydro::training::burn_engine::BurnEngine;
use hydro::training::engine::{AdamSettings, Engine, Loss};
struct Mse;
impl Loss for Mse {
    fn value_and_gradient(&self, p: &[f32], b: &Batch) -> (f32, Vec<f32>) {
        let n = p.len() as f32;
        let r: Vec<f32> = p.iter().zip(&b.y).map(|(a, y)| a - y).collect();
        (r.iter().map(|x| x * x).sum::<f32>() / n, r.iter().map(|x| 2.0 * x / n).collect())
    }
}
#[test]
#[ignore]
fn time_step() {
    let (bs, t, f, h) = (256, 270, 32, 64);
    let v = |n: usize, o: usize| (0..n).map(|k| (((k + o) * 7919 % 1000) as f32 / 1000.0 - 0.5) / 8.0).collect::<Vec<f32>>();
    let w = LstmWeights { shape: LstmShape { inputs: f, hidden: h, outputs: 1 }, w_ih: v(4*h*f,1), w_hh: v(4*h*h,2), bias: v(4*h,3), head_w: v(h,4), head_b: v(1,5) };
    let b = Batch { size: bs, steps: t, features: f, x: v(bs*t*f, 7).iter().map(|x| x*8.0).collect(), y: v(bs, 9), targets: 1, basin_std: vec![1.0; bs] };
    let adam = AdamSettings { learning_rate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clip_grad_norm: Some(1.0) };
    let drop: f64 = std::env::var("DROP").ok().and_then(|s| s.parse().ok()).unwrap_or(0.4);
    let mut e = BurnEngine::<Autodiff<NdArray<f32>>>::new(w, adam, drop, 1, Default::default());
    e.train_step(&b, &Mse, 1e-3);
    let n = 10;
    let t0 = std::time::Instant::now();
    for _ in 0..n { e.train_step(&b, &Mse, 1e-3); }
    println!("train ms/step: {:.1}", t0.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let t0 = std::time::Instant::now();
    for _ in 0..n { e.predict(&b); }
    println!("predict ms/batch: {:.1}", t0.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
