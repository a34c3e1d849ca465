//! Internal states and linear probes: the final states of random-weight LSTMs, EA-LSTMs and
//! MC-LSTMs against the models' own predictions and against hand-computed one-step windows and
//! a naive `f64` recurrence; ridge probes against an exactly linear variable, against
//! scikit-learn, and with missing values; and, on real CAMELS-US data (basins 01031500 and
//! 01022500, Daymet forcing, random weights), the shapes of the state, probe and input-gate
//! tables, predictions from the states equal to the engines' predictions, and the embedding
//! equal to `EaLstmWeights::input_gates`.

mod common;

use common::data_root;

use burn::tensor::{Tensor, TensorData};
use hydro::checking::plan::{Step, TrainSpec};
use hydro::checking::{check_text, Environment};
use hydro::data::windows::{all_samples, assemble, Batch};
use hydro::data::DateRange;
use hydro::evaluation::dataset::{self, LoadedData};
use hydro::evaluation::states::{cell_states, input_gate_embedding, probe};
use hydro::evaluation::training_run::{train, TrainedRun};
use hydro::evaluation::{RunDirectory, RunError};
use hydro::interpretation::probe::{LinearProbe, ProbeError, DEFAULT_RIDGE};
use hydro::interpretation::states::{StateModel, States};
use hydro::models::ealstm::EaLstm;
use hydro::models::lstm::Lstm;
use hydro::models::mclstm::{McLstm, McLstmShape, McLstmWeights};
use hydro::models::weights::{EaLstmShape, EaLstmWeights, LstmShape, LstmWeights, ModelWeights};
use hydro::syntax::render_plain;
use hydro::training::device::CpuBackend;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` values uniform in `±bound`.
fn uniform(rng: &mut ChaCha8Rng, n: usize, bound: f32) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-bound..bound)).collect()
}

/// A batch of `size` random windows of `steps` steps and `features` features.
fn random_batch(rng: &mut ChaCha8Rng, size: usize, steps: usize, features: usize) -> Batch {
    Batch {
        size,
        steps,
        features,
        x: uniform(rng, size * steps * features, 1.5),
        y: vec![0.0; size],
        targets: 1,
        basin_std: vec![1.0; size],
    }
}

fn random_lstm(rng: &mut ChaCha8Rng, inputs: usize, hidden: usize, outputs: usize) -> LstmWeights {
    LstmWeights {
        shape: LstmShape {
            inputs,
            hidden,
            outputs,
        },
        w_ih: uniform(rng, 4 * hidden * inputs, 0.8),
        w_hh: uniform(rng, 4 * hidden * hidden, 0.8),
        bias: uniform(rng, 4 * hidden, 0.5),
        head_w: uniform(rng, outputs * hidden, 1.0),
        head_b: uniform(rng, outputs, 0.5),
    }
}

fn random_ealstm(
    rng: &mut ChaCha8Rng,
    dynamic: usize,
    statics: usize,
    hidden: usize,
) -> EaLstmWeights {
    EaLstmWeights {
        shape: EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs: 1,
        },
        static_w: uniform(rng, hidden * statics, 0.8),
        static_b: uniform(rng, hidden, 0.5),
        w_ih: uniform(rng, 3 * hidden * dynamic, 0.8),
        w_hh: uniform(rng, 3 * hidden * hidden, 0.8),
        bias: uniform(rng, 3 * hidden, 0.5),
        head_w: uniform(rng, hidden, 1.0),
        head_b: uniform(rng, 1, 0.5),
    }
}

fn random_mclstm(rng: &mut ChaCha8Rng, shape: McLstmShape) -> McLstmWeights {
    let gate_inputs = shape.gate_inputs();
    let (mass, hidden) = (shape.mass_inputs, shape.hidden);
    McLstmWeights {
        shape,
        input_gate_w: uniform(rng, mass * hidden * gate_inputs, 0.8),
        input_gate_b: uniform(rng, mass * hidden, 0.5),
        redistribution_w: uniform(rng, hidden * hidden * gate_inputs, 0.8),
        redistribution_b: uniform(rng, hidden * hidden, 0.5),
        output_gate_w: uniform(rng, hidden * gate_inputs, 0.8),
        output_gate_b: uniform(rng, hidden, 0.5),
    }
}

fn x_tensor(batch: &Batch) -> Tensor<CpuBackend, 3> {
    Tensor::from_data(
        TensorData::new(batch.x.clone(), [batch.size, batch.steps, batch.features]),
        &Default::default(),
    )
}

fn flat(tensor: Tensor<CpuBackend, 2>) -> Vec<f32> {
    tensor.into_data().iter::<f32>().collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `row · x + b` in `f64` for row `r` of a `[rows][x.len()]` matrix.
fn affine(w: &[f32], r: usize, x: &[f64], b: f32) -> f64 {
    let n = x.len();
    f64::from(b)
        + w[r * n..(r + 1) * n]
            .iter()
            .zip(x)
            .map(|(&w, x)| f64::from(w) * x)
            .sum::<f64>()
}

fn assert_close(got: &[f32], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            (f64::from(g) - w).abs() <= tolerance,
            "{what}[{k}] = {g}, expected {w}"
        );
    }
}

/// The LSTM recurrence written out in `f64` from the weights: `(h_T, c_T)` of one window.
fn naive_lstm(w: &LstmWeights, window: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let LstmShape { inputs, hidden, .. } = w.shape;
    let (mut h, mut c) = (vec![0.0; hidden], vec![0.0; hidden]);
    for x in window.chunks_exact(inputs) {
        let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let z: Vec<f64> = (0..4 * hidden)
            .map(|r| affine(&w.w_ih, r, &x, w.bias[r]) + affine(&w.w_hh, r, &h, 0.0))
            .collect();
        for j in 0..hidden {
            let i = sigmoid(z[j]);
            let f = sigmoid(z[hidden + j]);
            let g = z[2 * hidden + j].tanh();
            let o = sigmoid(z[3 * hidden + j]);
            c[j] = f * c[j] + i * g;
            h[j] = o * c[j].tanh();
        }
    }
    (h, c)
}

#[test]
fn lstm_states_match_a_naive_recurrence_and_reproduce_the_prediction() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let weights = random_lstm(&mut rng, 3, 5, 2);
    let batch = random_batch(&mut rng, 7, 9, 3);
    let model = StateModel::new(&ModelWeights::Lstm(weights.clone())).unwrap();
    assert_eq!(model.hidden(), 5);
    let states = model.states(&batch);
    assert_eq!(states.size(), 7);
    for (k, window) in batch.x.chunks_exact(9 * 3).enumerate() {
        let (h, c) = naive_lstm(&weights, window);
        assert_close(&states.h[k], &h, 1e-5, "h");
        assert_close(&states.c[k], &c, 1e-5, "c");
    }
    // The head on h_T against the model's prediction through the backend's fused operation.
    let predicted = flat(
        Lstm::<CpuBackend>::from_weights(&weights, 0.0, &Default::default())
            .forward(x_tensor(&batch)),
    );
    let from_states: Vec<f32> = model.predictions(&states).concat();
    let predicted: Vec<f64> = predicted.iter().map(|&v| f64::from(v)).collect();
    assert_close(&from_states, &predicted, 1e-5, "prediction from h_T");
}

#[test]
fn lstm_cell_state_of_a_one_step_window_by_hand() {
    // One step from zero states: c = sigmoid(z_i) * tanh(z_g), h = sigmoid(z_o) * tanh(c),
    // z = W_ih x + b (the recurrent term vanishes).
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let weights = random_lstm(&mut rng, 2, 3, 1);
    let batch = random_batch(&mut rng, 2, 1, 2);
    let states = StateModel::new(&weights.clone().into())
        .unwrap()
        .states(&batch);
    for (k, x) in batch.x.chunks_exact(2).enumerate() {
        let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let z = |r: usize| affine(&weights.w_ih, r, &x, weights.bias[r]);
        let c: Vec<f64> = (0..3).map(|j| sigmoid(z(j)) * z(6 + j).tanh()).collect();
        let h: Vec<f64> = (0..3).map(|j| sigmoid(z(9 + j)) * c[j].tanh()).collect();
        assert_close(&states.c[k], &c, 1e-6, "c");
        assert_close(&states.h[k], &h, 1e-6, "h");
    }
}

#[test]
fn ealstm_states_by_hand_and_through_the_head() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let weights = random_ealstm(&mut rng, 2, 3, 4);
    // One step: c = i * tanh(z_g) with the input gate i of the static attributes (the last 3
    // features), z = W_ih x_d + b over the blocks (forget, cell, output).
    let mut one_step = random_batch(&mut rng, 3, 1, 5);
    // The static attributes are those of the first step; later steps repeat them.
    let model = StateModel::new(&weights.clone().into()).unwrap();
    let states = model.states(&one_step);
    for (k, x) in one_step.x.chunks_exact(5).enumerate() {
        let dynamic: Vec<f64> = x[..2].iter().map(|&v| f64::from(v)).collect();
        let i = weights.input_gates(&x[2..]);
        let z = |r: usize| affine(&weights.w_ih, r, &dynamic, weights.bias[r]);
        let c: Vec<f64> = (0..4).map(|j| f64::from(i[j]) * z(4 + j).tanh()).collect();
        let h: Vec<f64> = (0..4).map(|j| sigmoid(z(8 + j)) * c[j].tanh()).collect();
        assert_close(&states.c[k], &c, 1e-6, "c");
        assert_close(&states.h[k], &h, 1e-6, "h");
    }
    // Longer windows: the head on h_T against the model's prediction through the backend.
    one_step = random_batch(&mut rng, 6, 8, 5);
    for window in one_step.x.chunks_exact_mut(8 * 5) {
        let statics = window[2..5].to_vec();
        for step in window.chunks_exact_mut(5) {
            step[2..].copy_from_slice(&statics);
        }
    }
    let states = model.states(&one_step);
    let predicted = flat(
        EaLstm::<CpuBackend>::from_weights(&weights, 0.0, &Default::default())
            .forward(x_tensor(&one_step)),
    );
    let predicted: Vec<f64> = predicted.iter().map(|&v| f64::from(v)).collect();
    assert_close(
        &model.predictions(&states).concat(),
        &predicted,
        1e-5,
        "prediction from h_T",
    );
}

#[test]
fn mclstm_states_by_hand_and_through_the_runoff() {
    let shape = McLstmShape {
        mass_inputs: 1,
        aux_inputs: 2,
        hidden: 4,
        trash_cells: 1,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let weights = random_mclstm(&mut rng, shape);
    let model = StateModel::new(&weights.clone().into()).unwrap();
    // One step from empty cells: the gates see [x, a, 0]; the input gate shares the mass
    // x >= 0 among the cells, i_j = sigmoid(z_j) / Σ_k sigmoid(z_k); the output gate o_j =
    // sigmoid(z_o,j) lets o_j m_j leave and keeps c_j = (1 - o_j) m_j with m_j = i_j x.
    let mut batch = random_batch(&mut rng, 3, 1, 3);
    for step in batch.x.chunks_exact_mut(3) {
        step[0] = step[0].abs() * 4.0;
    }
    let states = model.states(&batch);
    for (k, x) in batch.x.chunks_exact(3).enumerate() {
        let mut features: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        features.extend([0.0; 4]);
        let shares: Vec<f64> = (0..4)
            .map(|j| {
                sigmoid(affine(
                    &weights.input_gate_w,
                    j,
                    &features,
                    weights.input_gate_b[j],
                ))
            })
            .collect();
        let total: f64 = shares.iter().sum();
        let mass: Vec<f64> = shares.iter().map(|s| s / total * features[0]).collect();
        let o: Vec<f64> = (0..4)
            .map(|j| {
                sigmoid(affine(
                    &weights.output_gate_w,
                    j,
                    &features,
                    weights.output_gate_b[j],
                ))
            })
            .collect();
        let c: Vec<f64> = (0..4).map(|j| (1.0 - o[j]) * mass[j]).collect();
        let h: Vec<f64> = (0..4).map(|j| o[j] * mass[j]).collect();
        assert_close(&states.c[k], &c, 1e-5, "c");
        assert_close(&states.h[k], &h, 1e-5, "h");
    }
    // Longer windows: the runoff from the states against the model's prediction, and water
    // stored plus water released at the last step never more than the water that came in.
    let mut batch = random_batch(&mut rng, 5, 6, 3);
    for step in batch.x.chunks_exact_mut(3) {
        step[0] = step[0].abs();
    }
    let states = model.states(&batch);
    let predicted = flat(
        McLstm::<CpuBackend>::from_weights(&weights, &Default::default()).forward(x_tensor(&batch)),
    );
    let predicted: Vec<f64> = predicted.iter().map(|&v| f64::from(v)).collect();
    assert_close(
        &model.predictions(&states).concat(),
        &predicted,
        1e-5,
        "runoff from h_T",
    );
    for (k, window) in batch.x.chunks_exact(6 * 3).enumerate() {
        let rain: f32 = window.chunks_exact(3).map(|s| s[0]).sum();
        let held: f32 = states.c[k].iter().chain(&states.h[k]).sum();
        assert!(held <= rain + 1e-4, "window {k}: {held} mm from {rain} mm");
        assert!(states.c[k].iter().all(|&c| c >= 0.0));
    }
}

#[test]
fn architectures_without_cell_states_are_refused() {
    let weights = ModelWeights::StackedLstm(hydro::models::weights::RecordWeights {
        config: String::new(),
        record: Vec::new(),
        parameters: 0,
    });
    let error = StateModel::new(&weights).unwrap_err();
    assert!(error.to_string().contains("stacked lstm"), "{error}");
}

/// Random rows of `width` states.
fn random_states(rng: &mut ChaCha8Rng, rows: usize, width: usize) -> Vec<Vec<f32>> {
    (0..rows).map(|_| uniform(rng, width, 2.0)).collect()
}

#[test]
fn a_probe_recovers_an_exactly_linear_variable() {
    // States of a random LSTM on random windows, and y = 2 + Σ a_j c_j exactly.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let weights = random_lstm(&mut rng, 3, 6, 1);
    let batch = random_batch(&mut rng, 80, 5, 3);
    let states = StateModel::new(&weights.into()).unwrap().states(&batch);
    let a = [0.7, -1.3, 2.0, 0.1, -0.4, 0.9];
    let y: Vec<f64> = states
        .c
        .iter()
        .map(|c| 2.0 + c.iter().zip(a).map(|(&c, a)| f64::from(c) * a).sum::<f64>())
        .collect();
    let (fit_states, test_states) = states.c.split_at(60);
    let probe = LinearProbe::fit(fit_states, &y[..60], DEFAULT_RIDGE).unwrap();
    assert_eq!(probe.samples, 60);
    // The weights in the units of the raw states: w_j / scale_j = a_j.
    for (j, want) in a.iter().enumerate() {
        let got = probe.weights[j] / probe.scale[j];
        assert!((got - want).abs() < 1e-4, "a_{j} = {got}, expected {want}");
    }
    let score = probe.score(test_states, &y[60..]);
    assert_eq!(score.samples, 20);
    let (nse, r) = (score.nse.unwrap(), score.r.unwrap());
    assert!(nse > 1.0 - 1e-6 && nse <= 1.0, "NSE {nse}");
    assert!(r > 1.0 - 1e-6, "r {r}");
}

#[test]
fn probe_weights_predictions_and_scores_match_scikit_learn() {
    // Reference: python3 with numpy and scikit-learn 1.9, states cast through float32:
    //   mu = S_fit.mean(0); sd = S_fit.std(0); Z = (S_fit - mu) / sd
    //   m = Ridge(alpha=lam * n, fit_intercept=True, solver="cholesky").fit(Z, y_fit)
    //   p = m.predict((S_test - mu) / sd)
    //   nse = 1 - ((p - y_test)**2).sum() / ((y_test - y_test.mean())**2).sum()
    //   r = np.corrcoef(y_test, p)[0, 1]
    // with lam = 0.1, n = 8 and the values below.
    let rows = |values: &[[f32; 2]]| values.iter().map(|r| r.to_vec()).collect::<Vec<_>>();
    let fit = rows(&[
        [0.1, -0.3],
        [0.5, 0.2],
        [-0.4, 0.9],
        [0.8, -0.7],
        [0.0, 0.4],
        [-0.6, -0.1],
        [0.3, 0.6],
        [0.9, 0.05],
    ]);
    let y_fit = [1.2, 2.1, 0.4, 3.0, 1.1, 0.2, 1.9, 3.3];
    let test = rows(&[[0.2, 0.1], [-0.5, 0.3], [0.7, -0.2], [0.4, 0.8]]);
    let y_test = [1.6, 0.5, 2.6, 2.0];
    let probe = LinearProbe::fit(&fit, &y_fit, 0.1).unwrap();
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() < 1e-10,
            "{what} = {got}, expected {want}"
        )
    };
    close(probe.weights[0], 0.9307930687578484, "w_0");
    close(probe.weights[1], -0.058240832819716454, "w_1");
    close(probe.intercept, 1.65, "intercept");
    let predicted = probe.predict_all(&test);
    let expected = [
        1.6538109190363282,
        0.32631082065432504,
        2.621188660798101,
        1.94076383234433,
    ];
    for (k, (&got, want)) in predicted.iter().zip(expected).enumerate() {
        close(got, want, &format!("prediction {k}"));
    }
    let score = probe.score(&test, &y_test);
    close(score.nse.unwrap(), 0.9842294232441934, "NSE");
    close(score.r.unwrap(), 0.9975358575844199, "r");
}

#[test]
fn missing_values_are_skipped_in_the_fit_and_the_score() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let states = random_states(&mut rng, 30, 4);
    let y: Vec<f64> = states
        .iter()
        .enumerate()
        .map(|(k, s)| f64::from(s[0]) - 2.0 * f64::from(s[3]) + (k as f64 * 0.7).sin())
        .collect();
    let missing = [1, 4, 5, 17, 28];
    let with_gaps: Vec<f64> = y
        .iter()
        .enumerate()
        .map(|(k, &v)| if missing.contains(&k) { f64::NAN } else { v })
        .collect();
    let kept: Vec<usize> = (0..30).filter(|k| !missing.contains(k)).collect();
    let kept_states: Vec<Vec<f32>> = kept.iter().map(|&k| states[k].clone()).collect();
    let kept_y: Vec<f64> = kept.iter().map(|&k| y[k]).collect();
    let gappy = LinearProbe::fit(&states, &with_gaps, 1e-3).unwrap();
    let filtered = LinearProbe::fit(&kept_states, &kept_y, 1e-3).unwrap();
    assert_eq!(gappy.samples, 25);
    for (a, b) in gappy.weights.iter().zip(&filtered.weights) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    assert!((gappy.intercept - filtered.intercept).abs() < 1e-12);
    let gappy_score = gappy.score(&states, &with_gaps);
    let filtered_score = filtered.score(&kept_states, &kept_y);
    assert_eq!(gappy_score.samples, 25);
    assert!((gappy_score.nse.unwrap() - filtered_score.nse.unwrap()).abs() < 1e-12);
    assert!((gappy_score.r.unwrap() - filtered_score.r.unwrap()).abs() < 1e-12);
    assert!(gappy_score.nse.unwrap() < 1.0, "not an exact fit");
}

#[test]
fn collinear_states_need_a_ridge_and_a_probe_needs_two_samples() {
    // A constant state and a duplicated one: singular without a penalty, fine with one, the
    // constant state getting no weight.
    let states: Vec<Vec<f32>> = (0..10)
        .map(|k| {
            let s = k as f32 * 0.3 - 1.0;
            vec![s, s, 0.5]
        })
        .collect();
    let y: Vec<f64> = states.iter().map(|s| 3.0 * f64::from(s[0])).collect();
    assert_eq!(
        LinearProbe::fit(&states, &y, 0.0),
        Err(ProbeError::Singular)
    );
    let probe = LinearProbe::fit(&states, &y, DEFAULT_RIDGE).unwrap();
    assert_eq!(probe.weights[2], 0.0);
    assert!(probe.score(&states, &y).nse.unwrap() > 1.0 - 1e-6);
    let one = [
        f64::NAN,
        2.0,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
    ];
    assert_eq!(
        LinearProbe::fit(&states, &one, DEFAULT_RIDGE),
        Err(ProbeError::TooFewSamples { observed: 1 })
    );
    assert!(matches!(
        LinearProbe::fit(&states, &y, -1.0),
        Err(ProbeError::InvalidRidge { .. })
    ));
}

const SCRIPT: &str = r#"
use "camels_us.hydro"
data single = camels_us_daymet {
    basins   = ["01031500"]
    targets  = [streamflow, et]
    train    = 2000-10-01..2001-09-30
    test     = 2001-10-01..2002-09-30
    lookback = 30
}
data pair = camels_us_daymet {
    basins   = ["01031500", "01022500"]
    train    = 2000-10-01..2001-09-30
    test     = 2001-10-01..2002-09-30
    lookback = 30
}
model small = lstm { hidden = 4 }
model gated = ealstm { hidden = 3 }
model mass = mclstm { hidden = 3, mass_inputs = [prcp] }
train probed = small on single { epochs = 1, seed = 1 }
train embedded = gated on pair { epochs = 1, seed = 2 }
train local_mass = mass on pair { mode = local, epochs = 1, seed = 3 }
"#;

/// The runs of [`SCRIPT`] with their initial random weights (no epoch trained), each with its
/// data set.
fn untrained_runs() -> Vec<(TrainedRun, LoadedData)> {
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    let plan = match check_text("states.hydro", None, SCRIPT.to_string(), &env) {
        Ok(plan) => plan,
        Err((sources, errors)) => panic!("{}", render_plain(&errors, &sources)),
    };
    let runs = std::env::temp_dir().join(format!("hydro-states-{}", std::process::id()));
    let run_dir = RunDirectory::create(&runs, "states").unwrap();
    let specs: Vec<TrainSpec> = plan
        .steps
        .iter()
        .filter_map(|step| match step {
            Step::Train(spec) => Some(TrainSpec {
                epochs: 0,
                ..(**spec).clone()
            }),
            _ => None,
        })
        .collect();
    let out = specs
        .iter()
        .map(|spec| {
            let data = dataset::load(&spec.data).unwrap_or_else(|e| panic!("{e:?}"));
            let run = train(spec, &data, &run_dir).unwrap_or_else(|e| panic!("{e:?}"));
            (run, data)
        })
        .collect();
    let _ = std::fs::remove_dir_all(&runs);
    out
}

/// The engine's predictions and the predictions from the states of the windows of `period`
/// of basin `basin`, both `[window][output]` flattened.
fn engine_and_state_predictions(
    run: &mut TrainedRun,
    data: &LoadedData,
    basin: usize,
    period: DateRange,
) -> (Vec<f32>, Vec<f32>) {
    let samples = &all_samples(&data.records, period, run.spec.data.lookback)[basin];
    let batch = assemble(
        &data.records,
        &run.normalization,
        &run.statics,
        samples,
        run.spec.data.lookback,
        &run.basin_std,
    );
    let engine = run.engine_for(basin);
    let model = StateModel::new(&engine.model_weights()).unwrap();
    let states: States = model.states(&batch);
    (engine.predict(&batch), model.predictions(&states).concat())
}

#[test]
fn real_data_tables_and_predictions_from_states() {
    let mut runs = untrained_runs();
    let test = DateRange::new(
        chrono::NaiveDate::from_ymd_opt(2001, 10, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2002, 9, 30).unwrap(),
    );
    let train_period = DateRange::new(
        chrono::NaiveDate::from_ymd_opt(2000, 10, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2001, 9, 30).unwrap(),
    );
    // Every engine's predictions (the fused kernels for the LSTM and the EA-LSTM, the Burn
    // module for the MC-LSTM) from the states of its windows.
    for (run, data) in runs.iter_mut() {
        for basin in 0..data.basins.len() {
            let (engine, states) = engine_and_state_predictions(run, data, basin, test);
            assert_eq!(engine.len(), 365 * run.normalization.targets.len());
            let engine: Vec<f64> = engine.iter().map(|&v| f64::from(v)).collect();
            assert_close(&states, &engine, 1e-4, &run.spec.name);
        }
    }

    // The LSTM on one basin: states of every test day, probes of a target and of an input.
    let (lstm, single) = &runs[0];
    let table = cell_states(lstm, single, test, None).unwrap();
    assert_eq!(table.columns.len(), 2 + 2 * 4);
    assert_eq!(&table.columns[..3], ["basin", "date", "c_0"]);
    assert_eq!(table.columns[6], "h_0");
    assert_eq!(table.rows.len(), 365);
    assert_eq!(table.texts("date").unwrap()[0], "2001-10-01");
    assert!(table
        .numbers("h_3")
        .unwrap()
        .iter()
        .all(|h| h.is_some_and(|h| h.abs() < 1.0)));
    for variable in ["et", "prcp"] {
        let scores = probe(lstm, single, variable, train_period, test)
            .unwrap()
            .scores;
        assert_eq!(
            scores.columns,
            ["basin", "nse", "r", "fit_samples", "test_samples"]
        );
        assert_eq!(scores.texts("basin").unwrap(), ["01031500"]);
        assert_eq!(scores.numbers("fit_samples").unwrap(), [Some(365.0)]);
        assert_eq!(scores.numbers("test_samples").unwrap(), [Some(365.0)]);
        let r = scores.numbers("r").unwrap()[0].unwrap();
        assert!((-1.0..=1.0).contains(&r), "{variable}: r = {r}");
        assert!(scores.numbers("nse").unwrap()[0].is_some_and(|nse| nse <= 1.0));
    }
    match probe(lstm, single, "soil_moisture", train_period, test) {
        Err(RunError::Other { message, help }) => {
            assert!(message.contains("soil_moisture"), "{message}");
            assert!(help.contains("et") && help.contains("prcp"), "{help}");
        }
        other => panic!("expected an unknown-column error, got {other:?}"),
    }
    assert!(input_gate_embedding(lstm, single).is_err());

    // The EA-LSTM on two basins: the embedding is the input gate of each basin's statics.
    let (ealstm, pair) = &runs[1];
    let embedding = input_gate_embedding(ealstm, pair).unwrap();
    assert_eq!(embedding.columns, ["basin", "gate_0", "gate_1", "gate_2"]);
    assert_eq!(embedding.texts("basin").unwrap(), ["01031500", "01022500"]);
    let ModelWeights::EaLstm(weights) = ealstm.engines[0].model_weights() else {
        panic!("an EA-LSTM run");
    };
    for (basin, row) in embedding.rows.iter().enumerate() {
        let gates = weights.input_gates(&ealstm.statics[basin]);
        for (cell, gate) in row[1..].iter().zip(gates) {
            assert_eq!(cell.as_number(), Some(f64::from(gate)));
            assert!(gate > 0.0 && gate < 1.0);
        }
    }
    let pooled = probe(ealstm, pair, "streamflow", train_period, test)
        .unwrap()
        .scores;
    assert_eq!(pooled.rows.len(), 2);

    // The local MC-LSTM: cells of both basins, one probe per basin.
    let (mclstm, pair) = &runs[2];
    let table = cell_states(mclstm, pair, test, None).unwrap();
    assert_eq!(table.rows.len(), 2 * 365);
    assert!(table
        .numbers("c_1")
        .unwrap()
        .iter()
        .all(|c| c.is_some_and(|c| c >= 0.0)));
    let local = probe(mclstm, pair, "tmax", train_period, test)
        .unwrap()
        .scores;
    assert_eq!(local.texts("basin").unwrap(), ["01031500", "01022500"]);
    assert!(local.numbers("r").unwrap().iter().all(Option::is_some));
}
