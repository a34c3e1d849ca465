//! The MC-LSTM (Li & Zhao Eq. 2-10) on real CAMELS-US windows: the water balance closing at
//! every step (f32 and f64), two steps computed by hand, a naive `f64` implementation of the
//! equations, gradients against central finite differences, the normalisation of the gates, a
//! cell without positive share keeping its water, weights round-tripping, and Adam steps
//! reducing an MSE.
//!
//! Real data: basin 01022500 (Narraguagus River, Maine) from the NLDAS forcing, water years
//! 2000-2003; precipitation in mm/day as the mass input, day length, shortwave radiation,
//! maximum temperature and vapour pressure normalised over the period as auxiliary inputs, and
//! streamflow in mm/day as the target.

mod common;

use common::data_root;

use std::process::Command;
use std::sync::OnceLock;

use burn::backend::ndarray::NdArrayDevice;
use burn::backend::{Autodiff, NdArray};
use burn::module::{AutodiffModule, Param};
use burn::nn::Linear;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::Backend;
use burn::tensor::{
    get_device_settings, set_default_dtypes, FloatDType, IntDType, Tensor, TensorData,
};
use chrono::NaiveDate;
use hydro::data::camels_us::{CamelsUs, ForcingSource};
use hydro::data::normalization::Normalization;
use hydro::data::DateRange;
use hydro::models::mclstm::{McLstm, McLstmConfig, McLstmShape, McLstmWeights, CELL_NORM_EPSILON};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Cpu = NdArray<f32>;
type Cpu64 = NdArray<f64>;

/// Set in the environment of the child process that runs a test in double precision.
const DOUBLE_PRECISION_CHILD: &str = "HYDRO_MCLSTM_TEST_F64";

/// The CPU device, computing in `f64` in a double-precision child process and in `f32`
/// otherwise.
///
/// Burn keeps the float type of new tensors per device, and `NdArray<f32>` and `NdArray<f64>`
/// share one device: whichever creates the first tensor of a process fixes it for both. So
/// every test fixes it first, and a test in double precision runs in a child process of its
/// own ([`in_double_precision`]).
fn device() -> NdArrayDevice {
    let device = NdArrayDevice::Cpu;
    let float = if std::env::var_os(DOUBLE_PRECISION_CHILD).is_some() {
        FloatDType::F64
    } else {
        FloatDType::F32
    };
    // Only the first call of a process sets it; the check below covers the others.
    let _ = set_default_dtypes::<Cpu>(&device, float, IntDType::I64);
    assert_eq!(get_device_settings::<Cpu>(&device).float_dtype, float);
    device
}

/// Runs `check` on a device that computes in `f64`: in a child process of this test binary
/// that runs only the test `name`, whose outcome is this test's outcome.
fn in_double_precision(name: &str, check: impl FnOnce(NdArrayDevice)) {
    if std::env::var_os(DOUBLE_PRECISION_CHILD).is_some() {
        let device = device();
        check(device);
        return;
    }
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(DOUBLE_PRECISION_CHILD, "1")
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} in double precision:\n{stdout}\n{stderr}"
    );
}

/// Auxiliary forcings of the real windows, in this order (NLDAS's tmin equals its tmax).
const AUX_NAMES: [&str; 4] = ["dayl", "srad", "tmax", "vp"];

/// The real record: precipitation (mm/day), normalised auxiliary forcings and streamflow.
struct RealData {
    /// Precipitation in mm/day, `[day]`.
    precipitation: Vec<f32>,
    /// Normalised auxiliary forcings, `[forcing][day]` in the order of [`AUX_NAMES`].
    aux: Vec<Vec<f32>>,
    /// Streamflow in mm/day, `[day]` (`NaN` where missing).
    streamflow: Vec<f32>,
}

fn real_data() -> &'static RealData {
    static DATA: OnceLock<RealData> = OnceLock::new();
    DATA.get_or_init(|| {
        let camels = CamelsUs::new(data_root().join("camels_us"));
        let attributes = camels.attributes().expect("attribute tables");
        let period = DateRange::new(
            NaiveDate::from_ymd_opt(1999, 10, 1).unwrap(),
            NaiveDate::from_ymd_opt(2003, 9, 30).unwrap(),
        );
        let mut names = vec!["prcp".to_string()];
        names.extend(AUX_NAMES.iter().map(|s| s.to_string()));
        let record = camels
            .load_basin(
                ForcingSource::Nldas,
                "01022500",
                &names,
                period,
                &attributes,
            )
            .expect("basin 01022500");
        let normalization = Normalization::fit(
            std::slice::from_ref(&record),
            &[period],
            &[],
            &[],
            &Default::default(),
        )
        .unwrap();
        let aux = (1..names.len())
            .map(|k| {
                record.inputs[k]
                    .iter()
                    .map(|&v| normalization.inputs.normalize(k, f64::from(v)) as f32)
                    .collect()
            })
            .collect();
        RealData {
            precipitation: record.inputs[0].clone(),
            aux,
            streamflow: record.targets[0].clone(),
        }
    })
}

/// A batch of real windows: inputs `[size][steps][1 + aux]` (precipitation, then the first
/// `aux` auxiliary forcings) and the streamflow at each window's last day.
struct Windows {
    size: usize,
    steps: usize,
    features: usize,
    x: Vec<f32>,
    y: Vec<f32>,
}

impl Windows {
    /// `size` windows of `steps` days whose last days are spread evenly over the record.
    fn real(size: usize, steps: usize, aux: usize) -> Self {
        let data = real_data();
        let days = data.precipitation.len();
        assert!(aux <= AUX_NAMES.len() && steps <= days);
        let features = 1 + aux;
        let spread = (days - steps) / size.max(1);
        let mut x = Vec::with_capacity(size * steps * features);
        let mut y = Vec::with_capacity(size);
        for sample in 0..size {
            let end = steps - 1 + sample * spread;
            for day in end + 1 - steps..=end {
                x.push(data.precipitation[day]);
                x.extend(data.aux[..aux].iter().map(|series| series[day]));
            }
            assert!(!data.streamflow[end].is_nan(), "streamflow observed");
            y.push(data.streamflow[end]);
        }
        Windows {
            size,
            steps,
            features,
            x,
            y,
        }
    }

    fn tensor<B: Backend>(&self, device: &B::Device) -> Tensor<B, 3> {
        Tensor::from_data(
            TensorData::new(self.x.clone(), [self.size, self.steps, self.features]),
            device,
        )
    }

    fn targets<B: Backend>(&self, device: &B::Device) -> Tensor<B, 2> {
        Tensor::from_data(TensorData::new(self.y.clone(), [self.size, 1]), device)
    }

    /// Precipitation of `sample` at step `t`, in mm/day.
    fn precipitation(&self, sample: usize, t: usize) -> f64 {
        f64::from(self.x[(sample * self.steps + t) * self.features])
    }
}

fn to_f64<B: Backend, const D: usize>(tensor: Tensor<B, D>) -> Vec<f64> {
    tensor.into_data().iter::<f64>().collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Weights of `shape` drawn uniformly in `±scale` (biases included), for tests that need
/// generic values (orthogonal weights and zero biases are special).
fn random_weights(shape: McLstmShape, scale: f32, seed: u64) -> McLstmWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draw = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| rng.random_range(-scale..scale))
            .collect::<Vec<_>>()
    };
    let (m, h, g) = (shape.mass_inputs, shape.hidden, shape.gate_inputs());
    McLstmWeights {
        shape,
        input_gate_w: draw(m * h * g),
        input_gate_b: draw(m * h),
        redistribution_w: draw(h * h * g),
        redistribution_b: draw(h * h),
        output_gate_w: draw(h * g),
        output_gate_b: draw(h),
    }
}

/// The equations of Li & Zhao written out with loops in `f64`, for one window `[steps][features]`:
/// the cell states and outflows after every step, `[steps][hidden]` each.
fn reference_states(
    weights: &McLstmWeights,
    window: &[f32],
    steps: usize,
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let McLstmShape {
        mass_inputs,
        hidden,
        ..
    } = weights.shape;
    let features = weights.shape.features();
    let columns = weights.shape.gate_inputs();
    let wide = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
    let (iw, ib) = (wide(&weights.input_gate_w), wide(&weights.input_gate_b));
    let (rw, rb) = (
        wide(&weights.redistribution_w),
        wide(&weights.redistribution_b),
    );
    let (ow, ob) = (wide(&weights.output_gate_w), wide(&weights.output_gate_b));
    let mut c = vec![0.0f64; hidden];
    let (mut all_cells, mut all_outflow) = (Vec::new(), Vec::new());
    for t in 0..steps {
        let x = wide(&window[t * features..(t + 1) * features]);
        let norm: f64 = c.iter().map(|v| v.abs()).sum::<f64>() + CELL_NORM_EPSILON;
        let mut inputs = x.clone();
        inputs.extend(c.iter().map(|v| v / norm));
        let affine = |w: &[f64], b: &[f64], row: usize| -> f64 {
            b[row]
                + (0..columns)
                    .map(|k| w[row * columns + k] * inputs[k])
                    .sum::<f64>()
        };
        // Eq. 2 and 9: each mass input shared among the cells by a normalised sigmoid.
        let mut inflow = vec![0.0; hidden];
        for (m, &mass) in x[..mass_inputs].iter().enumerate() {
            let s: Vec<f64> = (0..hidden)
                .map(|j| sigmoid(affine(&iw, &ib, m * hidden + j)))
                .collect();
            let total: f64 = s.iter().sum();
            for j in 0..hidden {
                inflow[j] += s[j] / total * mass;
            }
        }
        // Eq. 4 and 10: each cell's water shared among the cells by a normalised ReLU (kept in
        // place when no share is positive).
        let mut moved = vec![0.0; hidden];
        for (k, &stored) in c.iter().enumerate() {
            let r: Vec<f64> = (0..hidden)
                .map(|j| affine(&rw, &rb, k * hidden + j).max(0.0))
                .collect();
            let total: f64 = r.iter().sum();
            for j in 0..hidden {
                let share = if total > 0.0 {
                    r[j] / total
                } else {
                    f64::from(u8::from(j == k))
                };
                moved[j] += share * stored;
            }
        }
        // Eq. 3, 5-7.
        let mut outflow = vec![0.0; hidden];
        for j in 0..hidden {
            let o = sigmoid(affine(&ow, &ob, j));
            let m = moved[j] + inflow[j];
            outflow[j] = o * m;
            c[j] = (1.0 - o) * m;
        }
        all_cells.push(c.clone());
        all_outflow.push(outflow);
    }
    (all_cells, all_outflow)
}

/// Largest `|P - (S_t - S_{t-1}) - Q_t| / (S_{t-1} + P)` over all samples and steps (`P` the
/// precipitation, `S` the water stored in all cells, `Q` the outflow of all cells, trash cells
/// included), and the largest storage, for a freshly initialised model with output bias `bias`.
/// Also checks that states and outflows are `>= 0` and the prediction is the last outflow of
/// the cells after the trash cell.
fn water_balance<B: Backend>(bias: f64, windows: &Windows, device: &B::Device) -> (f64, f64) {
    B::seed(device, 7);
    let hidden = 20;
    let model = McLstmConfig::new(1, windows.features - 1, hidden)
        .with_initial_output_bias(bias)
        .init::<B>(device);
    let states = model.forward_states(windows.tensor::<B>(device));
    let prediction = to_f64(model.forward(windows.tensor::<B>(device)));
    let cells = to_f64(states.cells);
    let outflow = to_f64(states.outflow);
    let (mut worst, mut largest_storage) = (0.0f64, 0.0f64);
    for (sample, &predicted) in prediction.iter().enumerate() {
        let mut before = 0.0;
        for t in 0..windows.steps {
            let at = (sample * windows.steps + t) * hidden;
            let storage: f64 = cells[at..at + hidden].iter().sum();
            let out: f64 = outflow[at..at + hidden].iter().sum();
            assert!(cells[at..at + hidden].iter().all(|&c| c >= 0.0));
            assert!(outflow[at..at + hidden].iter().all(|&h| h >= 0.0));
            let rain = windows.precipitation(sample, t);
            let residual = rain - (storage - before) - out;
            let scale = before + rain;
            if scale > 0.0 {
                worst = worst.max(residual.abs() / scale);
            } else {
                assert_eq!(residual, 0.0, "nothing in, nothing out");
            }
            largest_storage = largest_storage.max(storage);
            before = storage;
        }
        let last = (sample * windows.steps + windows.steps - 1) * hidden;
        let runoff: f64 = outflow[last + 1..last + hidden].iter().sum();
        assert!(runoff > 0.0);
        assert!((predicted - runoff).abs() <= 1e-6 * runoff);
    }
    (worst, largest_storage)
}

/// The water balance of [`water_balance`] on six years-long real windows, with open outlets
/// (bias 0) and closed ones (bias -5: the cells fill up to hundreds of mm): the largest
/// relative residuals and storages.
fn water_balance_on_real_data<B: Backend>(device: &B::Device) -> [(f64, f64); 2] {
    let windows = Windows::real(6, 365, 4);
    let total_rain: f64 = (0..windows.steps)
        .map(|t| windows.precipitation(0, t))
        .sum();
    assert!(
        total_rain > 500.0,
        "a year of rain in Maine: {total_rain} mm"
    );
    let balances = [0.0, -5.0].map(|bias| water_balance::<B>(bias, &windows, device));
    assert!(
        balances[0].1 > 1.0,
        "open cells hold water: {} mm",
        balances[0].1
    );
    assert!(
        balances[1].1 > 100.0,
        "closed cells store: {} mm",
        balances[1].1
    );
    balances
}

#[test]
fn water_balance_closes_at_every_step_on_real_data_in_f32() {
    for (worst, storage) in water_balance_on_real_data::<Cpu>(&device()) {
        println!("f32: largest relative residual {worst:e}, storage up to {storage:.1} mm");
        assert!(worst <= 1e-5, "f32 relative residual {worst:e}");
    }
}

#[test]
fn water_balance_closes_at_every_step_on_real_data_in_f64() {
    in_double_precision(
        "water_balance_closes_at_every_step_on_real_data_in_f64",
        |device| {
            for (worst, storage) in water_balance_on_real_data::<Cpu64>(&device) {
                println!("f64: largest relative residual {worst:e}, storage up to {storage:.1} mm");
                assert!(worst <= 1e-12, "f64 relative residual {worst:e}");
            }
        },
    );
}

#[test]
fn two_steps_by_hand() {
    // One mass input, one auxiliary input, two cells, the first of them the trash cell. Gate
    // columns: (precipitation, aux, c_0/|c|, c_1/|c|).
    let shape = McLstmShape {
        mass_inputs: 1,
        aux_inputs: 1,
        hidden: 2,
        trash_cells: 1,
    };
    let ln3 = 3.0f32.ln();
    let weights = McLstmWeights {
        shape,
        // Cell 0 from the precipitation, cell 1 from the aux input: sigmoid(ln 3) = 0.75 each
        // at step 1 (P = 10, a = ln 3), so the rain is split half and half.
        input_gate_w: vec![ln3 / 10.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        input_gate_b: vec![0.0, 0.0],
        // Constant redistribution: cell 0 sends half to cell 1 (relu [1, 1]), cell 1 keeps all
        // (relu [-1, 2]).
        redistribution_w: vec![0.0; 16],
        redistribution_b: vec![1.0, 1.0, -1.0, 2.0],
        // Output of cell 0 opens with its share of the storage (2.5 ln 3 * c_0/|c|), cell 1's
        // is sigmoid(-ln 3) = 0.25.
        output_gate_w: vec![0.0, 0.0, 2.5 * ln3, 0.0, 0.0, 0.0, 0.0, 0.0],
        output_gate_b: vec![0.0, -ln3],
    };
    let device = device();
    let model = McLstm::<Cpu>::from_weights(&weights, &device);
    let x = Tensor::<Cpu, 3>::from_data(
        TensorData::new(vec![10.0, ln3, 0.0, 0.0], [1, 2, 2]),
        &device,
    );
    let states = model.forward_states(x.clone());
    // Step 1: m = [5, 5], o = [sigmoid(0), 0.25] = [0.5, 0.25], h = [2.5, 1.25], c = [2.5, 3.75].
    // Step 2: m = [0.5 * 2.5, 0.5 * 2.5 + 3.75] = [1.25, 5]; c_0/|c| = 2.5/6.25 = 0.4, so
    // o = [sigmoid(ln 3), 0.25] = [0.75, 0.25], h = [0.9375, 1.25], c = [0.3125, 3.75].
    // 10 mm in = 4.0625 mm stored + 5.9375 mm out.
    let expected_cells = [2.5, 3.75, 0.3125, 3.75];
    let expected_outflow = [2.5, 1.25, 0.9375, 1.25];
    // The 1e-5 added to |c| moves o_0 at step 2 by about 3e-7.
    let close = |found: Vec<f64>, expected: &[f64]| {
        assert_eq!(found.len(), expected.len());
        for (f, e) in found.iter().zip(expected) {
            assert!((f - e).abs() < 1e-5, "{found:?} vs {expected:?}");
        }
    };
    close(to_f64(states.cells), &expected_cells);
    close(to_f64(states.outflow), &expected_outflow);
    // The prediction is cell 1's outflow at step 2.
    close(to_f64(model.forward(x)), &[1.25]);
}

/// The largest difference between the module on `B` and [`reference_states`] on three real
/// windows with generic weights and two trash cells, relative to `1 + |value|` (cell states
/// and outflows) or to the runoff (predictions).
fn difference_from_reference<B: Backend>(device: &B::Device) -> f64 {
    let windows = Windows::real(3, 120, 4);
    let shape = McLstmShape {
        mass_inputs: 1,
        aux_inputs: 4,
        hidden: 7,
        trash_cells: 2,
    };
    let weights = random_weights(shape, 0.5, 11);
    let model = McLstm::<B>::from_weights(&weights, device);
    let states = model.forward_states(windows.tensor::<B>(device));
    let (cells, outflow) = (to_f64(states.cells), to_f64(states.outflow));
    let prediction = to_f64(model.forward(windows.tensor::<B>(device)));
    let per_window = windows.steps * windows.features;
    let mut worst = 0.0f64;
    for (sample, &predicted) in prediction.iter().enumerate() {
        let window = &windows.x[sample * per_window..(sample + 1) * per_window];
        let (ref_cells, ref_outflow) = reference_states(&weights, window, windows.steps);
        for t in 0..windows.steps {
            let at = (sample * windows.steps + t) * shape.hidden;
            for j in 0..shape.hidden {
                let (c, h) = (ref_cells[t][j], ref_outflow[t][j]);
                worst = worst.max((cells[at + j] - c).abs() / (1.0 + c.abs()));
                worst = worst.max((outflow[at + j] - h).abs() / (1.0 + h.abs()));
            }
        }
        let runoff: f64 = ref_outflow[windows.steps - 1][shape.trash_cells..]
            .iter()
            .sum();
        assert!(runoff > 0.0);
        worst = worst.max((predicted - runoff).abs() / runoff);
    }
    worst
}

#[test]
fn matches_a_naive_implementation_of_the_equations_in_f32() {
    let worst = difference_from_reference::<Cpu>(&device());
    assert!(worst <= 1e-4, "f32 against the f64 reference: {worst:e}");
}

#[test]
fn matches_a_naive_implementation_of_the_equations_in_f64() {
    in_double_precision(
        "matches_a_naive_implementation_of_the_equations_in_f64",
        |device| {
            let worst = difference_from_reference::<Cpu64>(&device);
            assert!(worst <= 1e-10, "f64 against the f64 reference: {worst:e}");
        },
    );
}

/// A parameter of the model: which gate, weight (with its output row and input column in the
/// layout of [`McLstmWeights`]) or bias (with its output row).
#[derive(Debug, Clone, Copy)]
enum Parameter {
    Weight(Gate, usize, usize),
    Bias(Gate, usize),
}

#[derive(Debug, Clone, Copy)]
enum Gate {
    Input,
    Redistribution,
    Output,
}

fn gate_ref<B: Backend>(model: &McLstm<B>, gate: Gate) -> &Linear<B> {
    match gate {
        Gate::Input => &model.input_gate,
        Gate::Redistribution => &model.redistribution,
        Gate::Output => &model.output_gate,
    }
}

fn gate_mut<B: Backend>(model: &mut McLstm<B>, gate: Gate) -> &mut Linear<B> {
    match gate {
        Gate::Input => &mut model.input_gate,
        Gate::Redistribution => &mut model.redistribution,
        Gate::Output => &mut model.output_gate,
    }
}

/// The tensor with `delta` added to its value at flat position `index`.
fn bumped<B: Backend, const D: usize>(
    tensor: Tensor<B, D>,
    index: usize,
    delta: f64,
) -> Tensor<B, D> {
    let dims = tensor.dims();
    let device = tensor.device();
    let mut values = to_f64(tensor);
    values[index] += delta;
    Tensor::from_data(TensorData::new(values, dims), &device)
}

/// Burn stores a weight as `[gate_inputs, outputs]`: the flat position of `(row, column)`.
fn weight_index<B: Backend>(linear: &Linear<B>, row: usize, column: usize) -> usize {
    let [_, outputs] = linear.weight.shape().dims();
    column * outputs + row
}

/// A copy of `model` with `delta` added to `parameter`.
fn perturbed(model: &McLstm<Cpu64>, parameter: Parameter, delta: f64) -> McLstm<Cpu64> {
    let mut model = model.clone();
    match parameter {
        Parameter::Weight(gate, row, column) => {
            let linear = gate_mut(&mut model, gate);
            let index = weight_index(linear, row, column);
            linear.weight = Param::from_tensor(bumped(linear.weight.val(), index, delta));
        }
        Parameter::Bias(gate, row) => {
            let linear = gate_mut(&mut model, gate);
            let bias = linear.bias.as_ref().unwrap().val();
            linear.bias = Some(Param::from_tensor(bumped(bias, row, delta)));
        }
    }
    model
}

/// The loss differentiated: squared errors of the predictions, summed.
fn squared_error<B: Backend>(model: &McLstm<B>, x: Tensor<B, 3>, y: Tensor<B, 2>) -> Tensor<B, 1> {
    (model.forward(x) - y).powi_scalar(2).sum()
}

#[test]
fn gradients_match_central_finite_differences_in_f64() {
    in_double_precision(
        "gradients_match_central_finite_differences_in_f64",
        |device| {
            type Grad = Autodiff<Cpu64>;
            let windows = Windows::real(3, 40, 3);
            let shape = McLstmShape {
                mass_inputs: 1,
                aux_inputs: 3,
                hidden: 5,
                trash_cells: 1,
            };
            let weights = random_weights(shape, 0.5, 3);
            let model = McLstm::<Grad>::from_weights(&weights, &device);
            let x = windows.tensor::<Grad>(&device).require_grad();
            let y = windows.targets::<Grad>(&device);
            let gradients = squared_error(&model, x.clone(), y).backward();
            let gradient_of = |parameter: Parameter| -> f64 {
                match parameter {
                    Parameter::Weight(gate, row, column) => {
                        let linear = gate_ref(&model, gate);
                        let at = weight_index(linear, row, column);
                        to_f64(linear.weight.grad(&gradients).unwrap())[at]
                    }
                    Parameter::Bias(gate, row) => {
                        let bias = gate_ref(&model, gate).bias.as_ref().unwrap();
                        to_f64(bias.grad(&gradients).unwrap())[row]
                    }
                }
            };
            let inner = model.valid();
            let x64 = windows.tensor::<Cpu64>(&device);
            let y64 = windows.targets::<Cpu64>(&device);
            let loss = |model: &McLstm<Cpu64>, x: Tensor<Cpu64, 3>| -> f64 {
                to_f64(squared_error(model, x, y64.clone()))[0]
            };
            let step = 1e-5;
            let mut worst = 0.0f64;
            let mut agree = |analytic: f64, numeric: f64, what: String| {
                let scale = analytic.abs().max(numeric.abs()).max(1e-3);
                let error = (analytic - numeric).abs() / scale;
                println!("{what}: autodiff {analytic:e}, finite differences {numeric:e}");
                assert!(error <= 1e-6, "{what}: relative difference {error:e}");
                worst = worst.max(error);
                analytic
            };
            // Columns: 0 precipitation, 1..4 aux, 4..9 normalised cells. Cell 0 is the trash cell.
            let parameters = [
                Parameter::Weight(Gate::Input, 0, 0),
                Parameter::Weight(Gate::Input, 3, 2),
                Parameter::Weight(Gate::Input, 4, 6),
                Parameter::Bias(Gate::Input, 1),
                Parameter::Weight(Gate::Redistribution, 2 * 5 + 4, 1),
                Parameter::Weight(Gate::Redistribution, 4 * 5, 8),
                Parameter::Bias(Gate::Redistribution, 3 * 5 + 1),
                Parameter::Weight(Gate::Output, 0, 0),
                Parameter::Weight(Gate::Output, 2, 3),
                Parameter::Weight(Gate::Output, 4, 5),
                Parameter::Bias(Gate::Output, 1),
            ];
            let mut largest = 0.0f64;
            for parameter in parameters {
                let plus = loss(&perturbed(&inner, parameter, step), x64.clone());
                let minus = loss(&perturbed(&inner, parameter, -step), x64.clone());
                let numeric = (plus - minus) / (2.0 * step);
                let analytic = agree(gradient_of(parameter), numeric, format!("{parameter:?}"));
                largest = largest.max(analytic.abs());
            }
            assert!(largest > 1e-2, "the loss depends on the parameters");
            // Inputs: precipitation and an auxiliary forcing of sample 1 at step 30.
            let x_gradient = to_f64(x.grad(&gradients).unwrap());
            for feature in [0, 2] {
                let at = (windows.steps + 30) * windows.features + feature;
                let plus = loss(&inner, bumped(x64.clone(), at, step));
                let minus = loss(&inner, bumped(x64.clone(), at, -step));
                let numeric = (plus - minus) / (2.0 * step);
                let analytic = agree(x_gradient[at], numeric, format!("input {feature}"));
                assert!(analytic != 0.0);
            }
            println!("largest relative difference {worst:e}");
        },
    );
}

#[test]
fn gates_are_normalised_and_states_non_negative() {
    let windows = Windows::real(4, 200, 3);
    let device = device();
    Cpu::seed(&device, 5);
    let shape = McLstmShape {
        mass_inputs: 2,
        aux_inputs: 3,
        hidden: 9,
        trash_cells: 1,
    };
    // Two mass inputs: the precipitation split into two equal halves.
    let x = windows.tensor::<Cpu>(&device);
    let [batch, steps, _] = x.dims();
    let half = x.clone().narrow(2, 0, 1) / 2.0;
    let x = Tensor::cat(vec![half.clone(), half, x.narrow(2, 1, 3)], 2);
    for weights in [
        McLstmConfig::new(2, 3, 9).init::<Cpu>(&device).to_weights(),
        random_weights(shape, 1.0, 17),
    ] {
        let model = McLstm::<Cpu>::from_weights(&weights, &device);
        let states = model.forward_states(x.clone());
        assert!(to_f64(states.cells.clone()).iter().all(|&c| c >= 0.0));
        assert!(to_f64(states.outflow.clone()).iter().all(|&h| h >= 0.0));
        for t in [0, 1, 57, steps - 1] {
            let x_t = x.clone().narrow(1, t, 1).reshape([batch, 5]);
            let before = if t == 0 {
                Tensor::zeros([batch, 9], &device)
            } else {
                states.cells.clone().narrow(1, t - 1, 1).reshape([batch, 9])
            };
            let gates = model.gates(x_t, before);
            assert_eq!(gates.input.dims(), [batch, 2, 9]);
            assert_eq!(gates.redistribution.dims(), [batch, 9, 9]);
            assert_eq!(gates.output.dims(), [batch, 9]);
            for shares in [to_f64(gates.input), to_f64(gates.redistribution)] {
                for row in shares.chunks_exact(9) {
                    assert!(row.iter().all(|&s| (0.0..=1.0).contains(&s)), "{row:?}");
                    let sum: f64 = row.iter().sum();
                    assert!((sum - 1.0).abs() <= 1e-6, "row sums to {sum}");
                }
            }
            let output = to_f64(gates.output);
            assert!(output.iter().all(|&o| (0.0..=1.0).contains(&o)));
        }
    }
}

#[test]
fn a_cell_with_no_positive_share_keeps_its_water() {
    let windows = Windows::real(2, 100, 4);
    let shape = McLstmShape {
        mass_inputs: 1,
        aux_inputs: 4,
        hidden: 4,
        trash_cells: 1,
    };
    let mut weights = random_weights(shape, 0.5, 23);
    // Every redistribution argument is -1: relu gives rows of zeros.
    weights.redistribution_w.fill(0.0);
    weights.redistribution_b.fill(-1.0);
    let device = device();
    let model = McLstm::<Cpu>::from_weights(&weights, &device);
    let x = windows.tensor::<Cpu>(&device);
    let states = model.forward_states(x.clone());
    let before = states.cells.clone().narrow(1, 49, 1).reshape([2, 4]);
    let x_t = x.narrow(1, 50, 1).reshape([2, 5]);
    let redistribution = to_f64(model.gates(x_t, before).redistribution);
    for (at, value) in redistribution.iter().enumerate() {
        let (k, j) = ((at / 4) % 4, at % 4);
        assert_eq!(*value, f64::from(u8::from(k == j)), "identity at {k},{j}");
    }
    // No water is lost: P = change of storage + outflow at every step.
    let cells = to_f64(states.cells);
    let outflow = to_f64(states.outflow);
    for sample in 0..2 {
        let mut stored = 0.0;
        for t in 0..windows.steps {
            let at = (sample * windows.steps + t) * 4;
            let now: f64 = cells[at..at + 4].iter().sum();
            let out: f64 = outflow[at..at + 4].iter().sum();
            let rain = windows.precipitation(sample, t);
            assert!((rain - (now - stored) - out).abs() <= 1e-5 * (stored + rain));
            stored = now;
        }
        assert!(stored > 0.0);
    }
}

#[test]
fn weights_round_trip_and_parameter_count() {
    let device = device();
    Cpu::seed(&device, 1);
    let config = McLstmConfig::new(1, 5, 20).with_initial_output_bias(-2.0);
    assert_eq!(config.trash_cells, 1);
    let model = config.init::<Cpu>(&device);
    let shape = model.shape();
    assert_eq!(
        shape,
        McLstmShape {
            mass_inputs: 1,
            aux_inputs: 5,
            hidden: 20,
            trash_cells: 1
        }
    );
    assert_eq!(shape, config.shape());
    assert_eq!(shape.features(), 6);
    assert_eq!(shape.gate_inputs(), 26);
    // (20 input shares + 400 redistribution shares + 20 output gates) * (26 weights + 1 bias).
    assert_eq!(model.parameter_count(), 11_880);
    let weights = model.to_weights();
    assert_eq!(weights.parameter_count(), 11_880);
    assert_eq!(weights.input_gate_w.len(), 20 * 26);
    assert_eq!(weights.input_gate_b.len(), 20);
    assert_eq!(weights.redistribution_w.len(), 400 * 26);
    assert_eq!(weights.redistribution_b.len(), 400);
    assert_eq!(weights.output_gate_w.len(), 20 * 26);
    assert_eq!(weights.output_gate_b, vec![-2.0; 20]);
    assert!(weights.input_gate_b.iter().all(|&b| b == 0.0));
    assert!(weights.redistribution_b.iter().all(|&b| b == 0.0));
    // Orthogonal initialisation: the 20 rows of the output gate's [20][26] matrix are
    // orthonormal.
    let row = |r: usize| &weights.output_gate_w[r * 26..(r + 1) * 26];
    for a in 0..20 {
        for b in 0..20 {
            let dot: f32 = row(a).iter().zip(row(b)).map(|(x, y)| x * y).sum();
            let expected = if a == b { 1.0 } else { 0.0 };
            assert!((dot - expected).abs() < 1e-4, "rows {a}, {b}: {dot}");
        }
    }
    // Through JSON and back into a model: the same weights and bit-identical predictions.
    let json = serde_json::to_string(&weights).unwrap();
    let restored: McLstmWeights = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, weights);
    let copy = McLstm::<Cpu>::from_weights(&restored, &device);
    assert_eq!(copy.to_weights(), weights);
    // Five auxiliary inputs: the four forcings and the square root of the precipitation.
    let windows = Windows::real(5, 60, 4);
    let x: Vec<f32> = windows
        .x
        .chunks_exact(5)
        .flat_map(|step| {
            let mut step = step.to_vec();
            step.push(step[0].sqrt());
            step
        })
        .collect();
    let x = Tensor::<Cpu, 3>::from_data(TensorData::new(x, [5, 60, 6]), &device);
    let original = to_f64(model.forward(x.clone()));
    let again = to_f64(copy.forward(x));
    assert_eq!(original, again);
    assert!(original.iter().all(|&q| q > 0.0));
    // Another seed draws other weights.
    Cpu::seed(&device, 2);
    assert_ne!(config.init::<Cpu>(&device).to_weights(), weights);
}

#[test]
fn adam_steps_reduce_the_mse_on_real_data() {
    type Grad = Autodiff<Cpu>;
    let windows = Windows::real(32, 120, 4);
    let device = device();
    Grad::seed(&device, 3);
    let mut model = McLstmConfig::new(1, 4, 8).init::<Grad>(&device);
    let mut optimizer = AdamConfig::new().init();
    let x = windows.tensor::<Grad>(&device);
    let y = windows.targets::<Grad>(&device);
    let mse = |model: &McLstm<Grad>| (model.forward(x.clone()) - y.clone()).powi_scalar(2).mean();
    let first = to_f64(mse(&model))[0];
    for _ in 0..40 {
        let loss = mse(&model);
        let gradients = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(0.01, model, gradients);
    }
    let last = to_f64(mse(&model))[0];
    println!("MSE from {first} to {last} (mm/day)^2");
    assert!(last.is_finite());
    assert!(last < 0.7 * first, "MSE from {first} to {last} (mm/day)^2");
}
