//! The CNN-LSTM of Li et al. (2023) and the stacked LSTM: feature-map sizes, a hand-computed
//! convolution, output and state shapes, the recurrence against the project's LSTM, gradients
//! against central finite differences, model files, and a short training on the real mHM grids
//! with gauge 00398.

mod common;

use common::data_root;

use std::path::PathBuf;
use std::sync::Mutex;

use burn::backend::{Autodiff, NdArray};
use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::PaddingConfig2d;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use chrono::NaiveDate;
use hydro::data::gridded::{read_forcing, read_gauge, GridVariable};
use hydro::data::DateRange;
use hydro::models::cnn_lstm::{convolve, CnnLstm, CnnLstmConfig, CnnLstmConfigError, ConvPadding};
use hydro::models::lstm::{Lstm, ModelFileError};
use hydro::models::stacked_lstm::{
    LayeredModelFileError, LstmLayer, StackedLstm, StackedLstmConfig,
};
use hydro::models::weights::{LstmShape, LstmWeights};

// Burn keeps one default float type per device kind for the whole process, set by the first
// tensor made: NdArray<f32> and NdArray<f64> in one test binary would race for it. Every test
// here computes in f64.
type Cpu = NdArray<f64>;
type CpuAutodiff = Autodiff<Cpu>;
type Exact = CpuAutodiff;

/// The CPU backend's random generator is one per process: tests drawing from it take turns.
static GENERATOR: Mutex<()> = Mutex::new(());

/// Holds the generator for the caller, seeded with `seed`.
fn seeded<B: Backend>(seed: u64) -> std::sync::MutexGuard<'static, ()> {
    let turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    B::seed(&Default::default(), seed);
    turn
}

/// Smooth, irregular values in `[-1, 1]`.
fn wave(n: usize, phase: f64) -> Vec<f64> {
    (0..n)
        .map(|k| (k as f64 * 0.731 + phase).sin() * (k as f64 * 0.173).cos())
        .collect()
}

/// A tensor of the given dimensions filled by [`wave`].
fn tensor<B: Backend, const D: usize>(dims: [usize; D], phase: f64) -> Tensor<B, D> {
    let n = dims.iter().product();
    Tensor::from_data(TensorData::new(wave(n, phase), dims), &Default::default())
}

/// The values of a tensor as f64, row-major.
fn values<B: Backend, const D: usize>(tensor: Tensor<B, D>) -> Vec<f64> {
    tensor.into_data().convert::<f64>().iter::<f64>().collect()
}

fn max_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hydro-cnn-lstm-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir.join("model")
}

#[test]
fn feature_map_sizes_follow_the_padding_rule() {
    // mHM test domain, 9 x 6 cells, the paper's 8, 16, 32, 64 channels, 5x5 kernels, stride 2,
    // half padding (2 cells): n -> (n + 4 - 5) / 2 + 1 = ceil(n / 2).
    let mhm = CnnLstmConfig::new(2, 9, 6, 1);
    assert_eq!(mhm.padding, ConvPadding::Half);
    assert_eq!(
        mhm.conv_map_sizes().unwrap(),
        vec![[5, 3], [3, 2], [2, 1], [1, 1]]
    );
    assert_eq!(mhm.cnn_features().unwrap(), 64);
    // The Yellow River grid of Table A3, 41 x 77: unpadded, (41 - 5) / 2 + 1 = 19,
    // (77 - 5) / 2 + 1 = 37 as in the table; then 8 x 17, 2 x 7.
    let yellow = CnnLstmConfig::new(2, 41, 77, 1)
        .with_padding(ConvPadding::Valid)
        .with_conv_channels(vec![8, 16, 32]);
    assert_eq!(
        yellow.conv_map_sizes().unwrap(),
        vec![[19, 37], [8, 17], [2, 7]]
    );
    assert_eq!(yellow.cnn_features().unwrap(), 32 * 2 * 7);
    // A fourth unpadded 5x5 convolution does not fit the 2 x 7 map.
    let too_deep = yellow.clone().with_conv_channels(vec![8, 16, 32, 64]);
    assert_eq!(
        too_deep.cnn_features(),
        Err(CnnLstmConfigError::GridTooSmall {
            layer: 4,
            height: 2,
            width: 7,
            kernel: 5
        })
    );
    // Unpadded on the mHM grid: 9 x 6 -> 3 x 1, and the second convolution fails.
    let unpadded = mhm.clone().with_padding(ConvPadding::Valid);
    assert!(matches!(
        unpadded.cnn_features(),
        Err(CnnLstmConfigError::GridTooSmall { layer: 2, .. })
    ));
    // Half padding on odd sides: 41 -> 21 -> 11 -> 6 -> 3, 77 -> 39 -> 20 -> 10 -> 5.
    let odd = CnnLstmConfig::new(2, 41, 77, 1);
    assert_eq!(
        odd.conv_map_sizes().unwrap(),
        vec![[21, 39], [11, 20], [6, 10], [3, 5]]
    );
    assert_eq!(odd.cnn_features().unwrap(), 64 * 3 * 5);
    // Stride 3, kernel 3 (1 cell of padding) on 7 x 10: (7 + 2 - 3) / 3 + 1 = 3,
    // (10 + 2 - 3) / 3 + 1 = 4; then 1 x 2.
    let strided = CnnLstmConfig::new(1, 7, 10, 1)
        .with_kernel(3)
        .with_stride(3)
        .with_conv_channels(vec![2, 5]);
    assert_eq!(strided.conv_map_sizes().unwrap(), vec![[3, 4], [1, 2]]);
    assert_eq!(strided.cnn_features().unwrap(), 10);
    // Without convolutions the grid itself is flattened.
    let flat = CnnLstmConfig::new(3, 4, 5, 1).with_conv_channels(Vec::new());
    assert_eq!(flat.cnn_features().unwrap(), 60);
    assert!(matches!(
        CnnLstmConfig::new(2, 9, 6, 1).with_stride(0).cnn_features(),
        Err(CnnLstmConfigError::ZeroSize { .. })
    ));

    // The modules produce what the configurations compute.
    let _turn = seeded::<Cpu>(3);
    for config in [mhm, yellow, odd, strided, flat] {
        let model = config.init::<Cpu>(&Default::default());
        let x = tensor::<Cpu, 5>([2, 3, config.channels, config.height, config.width], 0.2);
        assert_eq!(
            model.cnn_features(x).dims(),
            [2, 3, config.cnn_features().unwrap()],
            "{config:?}"
        );
    }
}

#[test]
fn convolution_pads_with_zeros_and_flattens_channel_major() {
    // One 1 -> 2 channel convolution, 3x3 kernel, stride 2, one cell of zero padding, on the
    // 3 x 3 grid 1..9. Channel 0 has all weights 1, channel 1 all weights 2, biases 0.5, -1.
    // Windows (rows x columns of the grid inside each): (0..=1, 0..=1) 1+2+4+5 = 12,
    // (0..=1, 1..=2) 2+3+5+6 = 16, (1..=2, 0..=1) 4+5+7+8 = 24, (1..=2, 1..=2) 5+6+8+9 = 28.
    let config = CnnLstmConfig::new(1, 3, 3, 1)
        .with_kernel(3)
        .with_conv_channels(vec![2]);
    let _turn = seeded::<Cpu>(1);
    let mut model = config.init::<Cpu>(&Default::default());
    let device = Default::default();
    let mut kernel = vec![1.0f32; 9];
    kernel.extend([2.0f32; 9]);
    let conv: &mut Conv2d<Cpu> = &mut model.convs[0];
    conv.weight = Param::from_tensor(Tensor::from_data(
        TensorData::new(kernel, [2, 1, 3, 3]),
        &device,
    ));
    conv.bias = Some(Param::from_tensor(Tensor::from_data(
        TensorData::new(vec![0.5f32, -1.0], [2]),
        &device,
    )));
    let grid: Vec<f32> = (1..=9).map(|v| v as f32).collect();
    let x = Tensor::<Cpu, 5>::from_data(TensorData::new(grid, [1, 1, 1, 3, 3]), &device);
    let features = values(model.cnn_features(x));
    let expected = [
        12.5, 16.5, 24.5, 28.5, // channel 0: sums + 0.5
        23.0, 31.0, 47.0, 55.0, // channel 1: 2 * sums - 1
    ];
    assert_eq!(features, expected);
    // ReLU follows the convolution: a negative grid gives zeros.
    let negative =
        Tensor::<Cpu, 5>::from_data(TensorData::new(vec![-1.0f32; 9], [1, 1, 1, 3, 3]), &device);
    assert_eq!(values(model.cnn_features(negative)), vec![0.0; 8]);
}

#[test]
fn patch_convolution_equals_burns_convolution() {
    let _turn = seeded::<Cpu>(2);
    let device = Default::default();
    // (input channels, output channels, kernel, stride, padding top/left/bottom/right, grid)
    let cases = [
        (2, 8, [5, 5], [2, 2], (2, 2, 2, 2), [9, 6]),
        (3, 4, [3, 3], [1, 1], (1, 1, 1, 1), [4, 7]),
        (2, 3, [5, 5], [2, 2], (0, 0, 0, 0), [11, 8]),
        (1, 2, [3, 5], [3, 2], (0, 2, 1, 2), [8, 9]),
        (4, 2, [2, 2], [2, 2], (1, 1, 1, 1), [5, 5]),
    ];
    for (c_in, c_out, kernel, stride, (top, left, bottom, right), [h, w]) in cases {
        let conv: Conv2d<Cpu> = Conv2dConfig::new([c_in, c_out], kernel)
            .with_stride(stride)
            .with_padding(PaddingConfig2d::Explicit(top, left, bottom, right))
            .init(&device);
        let x = tensor::<Cpu, 4>([3, c_in, h, w], 0.6);
        let reference = conv.forward(x.clone());
        let found = convolve(&conv, x);
        assert_eq!(found.dims(), reference.dims());
        let difference = max_difference(&values(found), &values(reference));
        assert!(difference < 1e-12, "{kernel:?} {stride:?}: {difference}");
    }
}

#[test]
fn outputs_and_states_have_the_contract_shapes() {
    let _turn = seeded::<Cpu>(5);
    let device = Default::default();
    for outputs in [1, 2] {
        for extra in [0, 3] {
            let config = CnnLstmConfig::new(2, 9, 6, outputs)
                .with_conv_channels(vec![3, 4])
                .with_extra(extra)
                .with_lstm_hidden(5);
            let model = config.init::<Cpu>(&device);
            let x = tensor::<Cpu, 5>([4, 7, 2, 9, 6], 0.4);
            let extras = tensor::<Cpu, 3>([4, 7, extra], 1.3);
            let prediction = model.forward(x.clone(), Some(extras.clone()));
            assert_eq!(prediction.dims(), [4, outputs]);
            let states = model.forward_states(x.clone(), Some(extras));
            // 9 x 6 -> 5 x 3 -> 3 x 2, 4 channels: 24 features.
            assert_eq!(states.features.dims(), [4, 7, 24]);
            assert_eq!(states.hidden.dims(), [4, 7, 5]);
            assert_eq!(states.cell.dims(), [4, 7, 5]);
            assert_eq!(values(states.prediction), values(prediction.clone()));
            if extra == 0 {
                assert_eq!(values(model.forward(x, None)), values(prediction));
            }
        }
    }
    // A stacked LSTM on basin means: [batch, steps, features] -> [batch, outputs].
    let lstm = StackedLstmConfig::new(2, 6, 2).init::<Cpu>(&device);
    assert_eq!(lstm.layers.len(), 2);
    let x = tensor::<Cpu, 3>([3, 10, 2], 0.0);
    assert_eq!(lstm.forward(x.clone()).dims(), [3, 2]);
    let states = lstm.forward_states(x);
    assert_eq!(states.cell.dims(), [3, 10, 6]);
    assert_eq!(states.hidden.dims(), [3, 10, 6]);
}

#[test]
#[should_panic(expected = "extra features")]
fn missing_extra_features_are_refused() {
    let model = {
        let _turn = seeded::<Cpu>(5);
        CnnLstmConfig::new(2, 9, 6, 1)
            .with_conv_channels(vec![3])
            .with_extra(2)
            .init::<Cpu>(&Default::default())
    };
    model.forward(tensor::<Cpu, 5>([1, 2, 2, 9, 6], 0.0), None);
}

/// Deterministic, irregular LSTM weights.
fn lstm_weights(inputs: usize, hidden: usize, outputs: usize) -> LstmWeights {
    let values = |n: usize, phase: f64| -> Vec<f32> {
        wave(n, phase).into_iter().map(|v| v as f32 * 0.6).collect()
    };
    LstmWeights {
        shape: LstmShape {
            inputs,
            hidden,
            outputs,
        },
        w_ih: values(4 * hidden * inputs, 0.1),
        w_hh: values(4 * hidden * hidden, 0.2),
        bias: values(4 * hidden, 0.3),
        head_w: values(outputs * hidden, 0.4),
        head_b: values(outputs, 0.5),
    }
}

#[test]
fn one_layer_stack_is_the_projects_lstm_and_layers_chain() {
    let device = Default::default();
    let lstm = Lstm::<Cpu>::from_weights(&lstm_weights(3, 6, 2), 0.0, &device);
    let stacked = StackedLstm::<Cpu> {
        layers: vec![LstmLayer {
            input: lstm.input.clone(),
            recurrent: lstm.recurrent.clone(),
        }],
        dropout: lstm.dropout.clone(),
        head: lstm.head.clone(),
    };
    let x = tensor::<Cpu, 3>([5, 40, 3], 0.7).mul_scalar(2.0);
    let expected =
        values(lstm.head_forward(lstm.recurrence(x.clone()).straightforward_final_state()));
    let found = values(stacked.forward(x.clone()));
    assert!(
        max_difference(&expected, &found) < 1e-12,
        "{expected:?} vs {found:?}"
    );
    // The head reads the last hidden state of the sequence of states.
    let states = stacked.forward_states(x.clone());
    let last = states.hidden.clone().narrow(1, 39, 1).reshape([5, 6]);
    assert_eq!(values(lstm.head.forward(last)), found);
    // h_t = o * tanh(c_t) with |o| < 1: |h| < |tanh(c)| at every step.
    let hidden = values(states.hidden);
    let cell = values(states.cell);
    assert!(hidden
        .iter()
        .zip(&cell)
        .all(|(h, c)| h.abs() <= c.tanh().abs() + 1e-6));

    // Two layers are the first layer's hidden sequence read by the second.
    let second = Lstm::<Cpu>::from_weights(&lstm_weights(6, 6, 2), 0.0, &device);
    let layer = |lstm: &Lstm<Cpu>| LstmLayer {
        input: lstm.input.clone(),
        recurrent: lstm.recurrent.clone(),
    };
    let two = StackedLstm::<Cpu> {
        layers: vec![layer(&lstm), layer(&second)],
        dropout: lstm.dropout.clone(),
        head: second.head.clone(),
    };
    let first_hidden = stacked.forward_states(x.clone()).hidden;
    let expected = values(
        second.head_forward(
            second
                .recurrence(first_hidden)
                .straightforward_final_state(),
        ),
    );
    let found = values(two.forward(x));
    assert!(
        max_difference(&expected, &found) < 1e-12,
        "{expected:?} vs {found:?}"
    );
}

/// Half the squared error of the predictions of `model` against `y`.
fn loss(
    model: &CnnLstm<Exact>,
    x: &Tensor<Exact, 5>,
    extra: &Tensor<Exact, 3>,
    y: &Tensor<Exact, 2>,
) -> Tensor<Exact, 1> {
    let residual = model.forward(x.clone(), Some(extra.clone())) - y.clone();
    (residual.clone() * residual).sum().mul_scalar(0.5)
}

/// Compares the autodiff gradient of the loss with respect to the parameter `select` picks
/// with central differences at the flat positions `at`; returns the largest gradient seen.
fn check_gradient<const D: usize>(
    name: &str,
    model: &CnnLstm<Exact>,
    data: (&Tensor<Exact, 5>, &Tensor<Exact, 3>, &Tensor<Exact, 2>),
    select: fn(&mut CnnLstm<Exact>) -> &mut Param<Tensor<Exact, D>>,
    at: &[usize],
) -> f64 {
    let (x, extra, y) = data;
    let mut probe = model.clone();
    let grads = loss(model, x, extra, y).backward();
    let analytic = values(
        select(&mut probe)
            .val()
            .grad(&grads)
            .expect("parameter has a gradient"),
    );
    let eps = 1e-6;
    let mut largest: f64 = 0.0;
    for &k in at {
        let shifted = |delta: f64| {
            let mut moved = model.clone();
            let param = select(&mut moved);
            let tensor = param.val();
            let dims = tensor.dims();
            let mut flat = values(tensor);
            flat[k] += delta;
            *param = Param::from_tensor(Tensor::from_data(
                TensorData::new(flat, dims),
                &Default::default(),
            ));
            values(loss(&moved, x, extra, y))[0]
        };
        let numeric = (shifted(eps) - shifted(-eps)) / (2.0 * eps);
        let difference = (analytic[k] - numeric).abs();
        assert!(
            difference <= 1e-7 + 1e-6 * numeric.abs(),
            "{name}[{k}]: autodiff {} vs central difference {numeric}",
            analytic[k]
        );
        largest = largest.max(numeric.abs());
    }
    largest
}

#[test]
fn gradients_match_central_differences() {
    // 2 variables on 5 x 4 cells; 3x3 kernels, stride 2, one cell of padding:
    // 5 x 4 -> 3 x 2 -> 2 x 1, 3 channels: 6 CNN features and 1 extra feature per step.
    let config = CnnLstmConfig::new(2, 5, 4, 2)
        .with_conv_channels(vec![2, 3])
        .with_kernel(3)
        .with_extra(1)
        .with_lstm_hidden(3);
    let model = {
        let _turn = seeded::<Exact>(11);
        config.init::<Exact>(&Default::default())
    };
    let x = tensor::<Exact, 5>([2, 4, 2, 5, 4], 0.3).mul_scalar(1.5);
    let extra = tensor::<Exact, 3>([2, 4, 1], 2.1);
    let y = tensor::<Exact, 2>([2, 2], 0.9);
    let data = (&x, &extra, &y);
    let largest = [
        check_gradient(
            "conv 1 kernel",
            &model,
            data,
            |m| &mut m.convs[0].weight,
            &[0, 7, 20, 35],
        ),
        check_gradient(
            "conv 2 kernel",
            &model,
            data,
            |m| &mut m.convs[1].weight,
            &[0, 13, 40, 53],
        ),
        check_gradient(
            "conv 2 bias",
            &model,
            data,
            |m| m.convs[1].bias.as_mut().expect("bias"),
            &[0, 1, 2],
        ),
        check_gradient(
            "LSTM 1 input weight",
            &model,
            data,
            |m| &mut m.lstm.layers[0].input.weight,
            &[0, 5, 30, 83],
        ),
        check_gradient(
            "LSTM 2 recurrent weight",
            &model,
            data,
            |m| &mut m.lstm.layers[1].recurrent.weight,
            &[1, 17, 35],
        ),
        check_gradient(
            "head weight",
            &model,
            data,
            |m| &mut m.lstm.head.weight,
            &[0, 3, 5],
        ),
        check_gradient(
            "head bias",
            &model,
            data,
            |m| m.lstm.head.bias.as_mut().expect("bias"),
            &[0, 1],
        ),
    ];
    // Every parameter checked moves the loss: the comparisons are not of zeros.
    assert!(largest.iter().all(|&g| g > 1e-4), "{largest:?}");
}

#[test]
fn model_files_restore_parameters_and_refuse_other_sizes() {
    let device = Default::default();
    let config = CnnLstmConfig::new(2, 9, 6, 2)
        .with_conv_channels(vec![3, 4])
        .with_extra(1)
        .with_lstm_hidden(5);
    let model = {
        let _turn = seeded::<Cpu>(21);
        config.init::<Cpu>(&device)
    };
    let path = scratch("files");
    model.save(&path).expect("save");
    let loaded = CnnLstm::<Cpu>::load(&config, &path, &device).expect("load");
    let x = tensor::<Cpu, 5>([2, 6, 2, 9, 6], 0.1);
    let extra = tensor::<Cpu, 3>([2, 6, 1], 0.8);
    // Model files hold f32 (Burn's full precision): every parameter comes back rounded to f32.
    let rounded = |v: Vec<f64>| -> Vec<f64> { v.iter().map(|&x| f64::from(x as f32)).collect() };
    let exact = CnnLstm::<CpuAutodiff>::load(&config, &path, &device).expect("load");
    assert_eq!(
        values(exact.convs[1].weight.val()),
        rounded(values(model.convs[1].weight.val()))
    );
    assert_eq!(
        values(loaded.lstm.layers[1].recurrent.weight.val()),
        rounded(values(model.lstm.layers[1].recurrent.weight.val()))
    );
    let difference = max_difference(
        &values(loaded.forward(x.clone(), Some(extra.clone()))),
        &values(model.forward(x.clone(), Some(extra.clone()))),
    );
    assert!(difference < 1e-6, "{difference}");
    // Saved again, the rounded parameters come back bit for bit.
    loaded.save(&path).expect("save");
    let again = CnnLstm::<Cpu>::load(&config, &path, &device).expect("load");
    assert_eq!(
        values(again.forward(x.clone(), Some(extra.clone()))),
        values(loaded.forward(x.clone(), Some(extra.clone())))
    );
    for other in [
        config.clone().with_lstm_hidden(6),
        config.clone().with_conv_channels(vec![3, 5]),
        config.clone().with_extra(0),
        config.clone().with_lstm_layers(3),
        CnnLstmConfig {
            outputs: 1,
            ..config.clone()
        },
    ] {
        let error = CnnLstm::<Cpu>::load(&other, &path, &device).err();
        assert!(
            matches!(
                error,
                Some(LayeredModelFileError::Shape { .. } | LayeredModelFileError::Count { .. })
            ),
            "{other:?}: {error:?}"
        );
    }
    let error = CnnLstm::<Cpu>::load(&config.clone().with_lstm_hidden(6), &path, &device).err();
    assert!(
        matches!(error, Some(LayeredModelFileError::Shape { ref parameter, .. })
            if parameter == "lstm.layers.0.input.weight"),
        "{error:?}"
    );
    let error = CnnLstm::<Cpu>::load(&config, &path.with_file_name("absent"), &device).err();
    assert!(
        matches!(
            error,
            Some(LayeredModelFileError::File(ModelFileError::Load { .. }))
        ),
        "{error:?}"
    );
    let unfit = config.clone().with_padding(ConvPadding::Valid);
    let error = CnnLstm::<Cpu>::load(&unfit, &path, &device).err();
    assert!(
        matches!(error, Some(LayeredModelFileError::Sizes(_))),
        "{error:?}"
    );

    // The lumped stack alone.
    let lumped = StackedLstmConfig::new(2, 4, 1).with_layers(3);
    let stack = {
        let _turn = seeded::<Cpu>(22);
        lumped.init::<Cpu>(&device)
    };
    stack.save(&path).expect("save");
    let loaded = StackedLstm::<Cpu>::load(&lumped, &path, &device).expect("load");
    assert_eq!(
        values(loaded.layers[2].input.weight.val()),
        rounded(values(stack.layers[2].input.weight.val()))
    );
    assert_eq!(
        values(loaded.head.weight.val()),
        rounded(values(stack.head.weight.val()))
    );
    let error = StackedLstm::<Cpu>::load(&lumped.clone().with_layers(2), &path, &device).err();
    assert!(
        matches!(
            error,
            Some(LayeredModelFileError::Count {
                expected: 2,
                found: 3,
                ..
            })
        ),
        "{error:?}"
    );
    let _ = std::fs::remove_dir_all(path.parent().expect("scratch directory"));
}

#[test]
fn parameter_counts_and_initialisation() {
    let device = Default::default();
    let _turn = seeded::<Cpu>(31);
    // The paper's sizes on the mHM grid (2 variables), two outputs (discharge and evaporation).
    let model = CnnLstmConfig::new(2, 9, 6, 2)
        .with_initial_forget_bias(3.0)
        .init::<Cpu>(&device);
    let conv = |c_in: usize, c_out: usize| c_out * c_in * 25 + c_out;
    // Gate block 4 * 32 = 128: input weights, recurrent weights, one bias.
    let lstm = |inputs: usize| 128 * inputs + 128 * 32 + 128;
    let expected =
        conv(2, 8) + conv(8, 16) + conv(16, 32) + conv(32, 64) + lstm(64) + lstm(32) + (32 * 2 + 2);
    assert_eq!(expected, 88_522);
    assert_eq!(model.parameter_count(), expected);
    // LSTM weights uniform in ±1/sqrt(32), forget-gate biases 3.
    let bound = 1.0 / 32f64.sqrt();
    for layer in &model.lstm.layers {
        assert!(values(layer.recurrent.weight.val())
            .iter()
            .all(|w| w.abs() <= bound));
        let bias = values(layer.input.bias.as_ref().expect("bias").val());
        assert!(bias[32..64].iter().all(|&b| b == 3.0));
        assert!(bias[..32].iter().all(|b| b.abs() <= bound));
    }
    // Seeding the backend reproduces the model.
    Cpu::seed(&device, 31);
    let again = CnnLstmConfig::new(2, 9, 6, 2)
        .with_initial_forget_bias(3.0)
        .init::<Cpu>(&device);
    Cpu::seed(&device, 31);
    let first = CnnLstmConfig::new(2, 9, 6, 2)
        .with_initial_forget_bias(3.0)
        .init::<Cpu>(&device);
    assert_eq!(
        values(first.convs[0].weight.val()),
        values(again.convs[0].weight.val())
    );
    let stack = StackedLstmConfig::new(2, 32, 1).init::<Cpu>(&device);
    assert_eq!(stack.parameter_count(), lstm(2) + lstm(32) + 33);
}

/// Mean and standard deviation of the finite values.
fn moments(values: &[f32]) -> (f32, f32) {
    let finite: Vec<f64> = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| f64::from(v))
        .collect();
    let n = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / n;
    let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean as f32, var.sqrt().max(1e-6) as f32)
}

#[test]
fn training_on_mhm_grids_lowers_the_mse() {
    let input = data_root().join("mhm_test_domain/test_domain/input");
    let variables: Vec<GridVariable> = [("pre/pre.nc", "pre"), ("tavg/tavg.nc", "tavg")]
        .iter()
        .map(|(file, name)| GridVariable {
            path: input.join("meteo").join(file),
            name: name.to_string(),
        })
        .collect();
    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(1990, m, d).expect("date");
    let period = DateRange::new(date(1, 1), date(6, 30));
    let forcing = read_forcing("00398", &variables, period).expect("mHM grids");
    let gauge = read_gauge(input.join("gauge/00398.txt"), period).expect("gauge 00398");
    let days = forcing.dates.len();
    assert_eq!(days, 181);
    let (ny, nx) = (forcing.ny, forcing.nx);
    // Standardise each variable over all cells and days; cells outside the basin become 0.
    let grids: Vec<Vec<f32>> = forcing
        .values
        .iter()
        .map(|v| {
            let (mean, std) = moments(v);
            v.iter()
                .map(|x| if x.is_finite() { (x - mean) / std } else { 0.0 })
                .collect()
        })
        .collect();
    let (q_mean, q_std) = moments(&gauge.discharge_m3s);

    // 8 windows of 30 days, ends spread over the half year; target: that day's discharge.
    let (steps, batch) = (30, 8);
    let ends: Vec<usize> = (0..batch)
        .map(|b| steps - 1 + b * (days - steps) / (batch - 1))
        .collect();
    let cells = ny * nx;
    let mut x = Vec::with_capacity(batch * steps * 2 * cells);
    let mut y = Vec::with_capacity(batch);
    for &end in &ends {
        for day in end + 1 - steps..=end {
            for grid in &grids {
                x.extend_from_slice(&grid[day * cells..(day + 1) * cells]);
            }
        }
        let q = gauge.discharge_m3s[end];
        assert!(q.is_finite(), "gauge 00398 has discharge on day {end}");
        y.push((q - q_mean) / q_std);
    }
    let device = Default::default();
    let x =
        Tensor::<CpuAutodiff, 5>::from_data(TensorData::new(x, [batch, steps, 2, ny, nx]), &device);
    let y = Tensor::<CpuAutodiff, 2>::from_data(TensorData::new(y, [batch, 1]), &device);
    let config = CnnLstmConfig::new(2, ny, nx, 1)
        .with_conv_channels(vec![4, 8])
        .with_lstm_hidden(16);
    let mut model = {
        let _turn = seeded::<CpuAutodiff>(42);
        config.init::<CpuAutodiff>(&device)
    };
    let mse = |model: &CnnLstm<CpuAutodiff>| {
        let residual = model.forward(x.clone(), None) - y.clone();
        (residual.clone() * residual).mean()
    };
    let mut optimizer = AdamConfig::new().init::<CpuAutodiff, CnnLstm<CpuAutodiff>>();
    let first = values(mse(&model))[0];
    for _ in 0..40 {
        let loss = mse(&model);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(1e-2, model, grads);
    }
    let last = values(mse(&model))[0];
    assert!(first.is_finite() && last.is_finite());
    assert!(last < 0.3 * first, "MSE {first} -> {last}");
}
