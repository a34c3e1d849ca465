//! The spatiotemporal CNN-LSTM of Li et al. (2023, Sect. 2.1, Fig. 1, Table A3), sequence to
//! one, as a Burn module generic over the backend.
//!
//! At every time step a stack of 2-D convolutions reads the gridded forcing of that day
//! (channels = variables such as precipitation and mean temperature, normalised, cells outside
//! the basin 0), each convolution followed by an activation; the last feature maps are
//! flattened (channel-major: channel, row, column), optionally extended by per-step extra
//! features, and fed to a [`StackedLstm`] (paper: two layers of 32 cells) whose head maps the
//! last layer's hidden state at the last step to the outputs (one per task, e.g. discharge
//! and evaporation).
//!
//! Table A3 uses 8, 16, 32, 64 channels and 5x5 kernels with stride 2 (the third stride 2x3 or
//! 3x2 per basin), the last kernel (stride 1) spanning the whole remaining map so that 64
//! features remain. Its sizes mostly follow unpadded convolutions ([`ConvPadding::Valid`], e.g.
//! 41x77 -> 19x37; a few differ by one cell), which need grids far larger than a small domain
//! such as mHM's 9x6 test grid; here one kernel and stride serve all layers. [`ConvPadding::Half`] pads every
//! side with `kernel / 2` zero cells, which are exactly what cells outside the basin hold after
//! normalisation, so that an odd kernel maps `n` cells to `ceil(n / stride)`: 9x6 ->
//! 5x3 -> 3x2 -> 2x1 -> 1x1, i.e. the paper's 64 features. The paper names neither the
//! activation nor dropout; the defaults here are ReLU and no dropout.
//!
//! All `batch * steps` frames go through the convolutions at once. Burn's [`Conv2d`] holds the
//! kernels and biases (and its `forward` gives the same maps), but [`convolve`] computes each
//! convolution as one matrix product of the frames' patches with the kernel matrix: on the CPU
//! backend, Burn's direct convolution loops over every frame, channel pair and kernel cell, which
//! made a training step of the paper's model on the 9x6 mHM grid about 17 times slower.

use std::path::Path;

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, PaddingConfig2d};
use burn::tensor::activation::{relu, tanh};
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};

use crate::models::lstm::ModelFileError;
use crate::models::stacked_lstm::{
    check_count, check_shapes, drawn, read_record, save_module, LayeredModelFileError, StackedLstm,
    StackedLstmConfig,
};

/// How the convolutions pad their input.
#[derive(Config, Debug, PartialEq, Eq)]
pub enum ConvPadding {
    /// No padding: `n` cells become `(n - kernel) / stride + 1` (as in most sizes of
    /// Li et al. 2023, Table A3); the grid must hold at least `kernel` cells at every layer.
    Valid,
    /// `kernel / 2` zero cells on every side: `n` cells become
    /// `(n + 2 * (kernel / 2) - kernel) / stride + 1`, i.e. `ceil(n / stride)` for an odd
    /// kernel; any grid works.
    Half,
}

impl ConvPadding {
    /// Zero cells added on each side of a map for a kernel of `kernel` cells.
    pub fn cells(&self, kernel: usize) -> usize {
        match self {
            ConvPadding::Valid => 0,
            ConvPadding::Half => kernel / 2,
        }
    }
}

/// The activation after every convolution.
#[derive(Config, Debug, PartialEq, Eq)]
pub enum ConvActivation {
    /// `max(0, x)`.
    Relu,
    /// `tanh(x)`.
    Tanh,
}

impl ConvActivation {
    /// The activation applied to every element of `x`.
    pub fn apply<B: Backend, const D: usize>(&self, x: Tensor<B, D>) -> Tensor<B, D> {
        match self {
            ConvActivation::Relu => relu(x),
            ConvActivation::Tanh => tanh(x),
        }
    }
}

/// Sizes and regularisation of a [`CnnLstm`].
#[derive(Config, Debug)]
pub struct CnnLstmConfig {
    /// Gridded input variables (channels of every frame).
    pub channels: usize,
    /// Rows of the grid.
    pub height: usize,
    /// Columns of the grid.
    pub width: usize,
    /// Values predicted per sample (several for multi-task heads, e.g. discharge and
    /// evaporation).
    pub outputs: usize,
    /// Output channels of the convolutions, first to last (Li et al. 2023: 8, 16, 32, 64).
    #[config(default = "vec![8, 16, 32, 64]")]
    pub conv_channels: Vec<usize>,
    /// Side of the square kernels, in cells.
    #[config(default = 5)]
    pub kernel: usize,
    /// Stride of the convolutions along both axes.
    #[config(default = 2)]
    pub stride: usize,
    /// Padding of the convolutions.
    #[config(default = "ConvPadding::Half")]
    pub padding: ConvPadding,
    /// Activation after every convolution.
    #[config(default = "ConvActivation::Relu")]
    pub activation: ConvActivation,
    /// Per-step features concatenated after the CNN features (0 for none).
    #[config(default = 0)]
    pub extra: usize,
    /// Size of the hidden and cell state of every LSTM layer.
    #[config(default = 32)]
    pub lstm_hidden: usize,
    /// Number of LSTM layers.
    #[config(default = 2)]
    pub lstm_layers: usize,
    /// Probability of zeroing an element of a hidden state during training, in `[0, 1)`:
    /// between LSTM layers and on the last hidden state before the head.
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Value the forget-gate biases start at in [`CnnLstmConfig::init`].
    #[config(default = 0.0)]
    pub initial_forget_bias: f64,
}

/// A configuration whose convolutions do not fit the grid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum CnnLstmConfigError {
    /// A kernel, stride or grid side of zero cells.
    #[error(
        "the CNN needs a grid, kernel and stride of at least one cell (grid {height}x{width}, \
         kernel {kernel}, stride {stride})"
    )]
    #[diagnostic(code(hydro::model::cnn_sizes))]
    ZeroSize {
        /// Rows of the grid.
        height: usize,
        /// Columns of the grid.
        width: usize,
        /// Side of the kernels.
        kernel: usize,
        /// Stride of the convolutions.
        stride: usize,
    },
    /// A convolution's input map is smaller than its kernel.
    #[error(
        "convolution {layer} gets a {height}x{width} map, smaller than its {kernel}x{kernel} \
         kernel"
    )]
    #[diagnostic(
        code(hydro::model::cnn_sizes),
        help("use half padding, a smaller kernel or stride, or fewer convolutions")
    )]
    GridTooSmall {
        /// The convolution, counted from 1.
        layer: usize,
        /// Rows of its (padded) input map.
        height: usize,
        /// Columns of its (padded) input map.
        width: usize,
        /// Side of the kernel.
        kernel: usize,
    },
}

impl CnnLstmConfig {
    /// Rows and columns of the feature maps after each convolution, first to last.
    pub fn conv_map_sizes(&self) -> Result<Vec<[usize; 2]>, CnnLstmConfigError> {
        let (kernel, stride) = (self.kernel, self.stride);
        if kernel == 0 || stride == 0 || self.height == 0 || self.width == 0 {
            return Err(CnnLstmConfigError::ZeroSize {
                height: self.height,
                width: self.width,
                kernel,
                stride,
            });
        }
        let pad = 2 * self.padding.cells(kernel);
        let mut size = [self.height, self.width];
        let mut sizes = Vec::with_capacity(self.conv_channels.len());
        for layer in 0..self.conv_channels.len() {
            let [height, width] = [size[0] + pad, size[1] + pad];
            if height < kernel || width < kernel {
                return Err(CnnLstmConfigError::GridTooSmall {
                    layer: layer + 1,
                    height,
                    width,
                    kernel,
                });
            }
            size = [
                (height - kernel) / stride + 1,
                (width - kernel) / stride + 1,
            ];
            sizes.push(size);
        }
        Ok(sizes)
    }

    /// Number of CNN features per step: channels times rows times columns of the last feature
    /// map (the grid itself if there are no convolutions).
    pub fn cnn_features(&self) -> Result<usize, CnnLstmConfigError> {
        let sizes = self.conv_map_sizes()?;
        Ok(match (self.conv_channels.last(), sizes.last()) {
            (Some(channels), Some([height, width])) => channels * height * width,
            _ => self.channels * self.height * self.width,
        })
    }

    /// The configuration of the LSTM stack behind the CNN.
    pub fn lstm(&self) -> Result<StackedLstmConfig, CnnLstmConfigError> {
        Ok(StackedLstmConfig::new(
            self.cnn_features()? + self.extra,
            self.lstm_hidden,
            self.outputs,
        )
        .with_layers(self.lstm_layers)
        .with_dropout(self.dropout)
        .with_initial_forget_bias(self.initial_forget_bias))
    }

    /// A freshly initialised model, drawn from the backend's random generator (seed it with
    /// `B::seed`): convolutions as Burn's default (PyTorch's `Conv2d` initialisation, uniform
    /// in `±1/sqrt(fan_in)`), the LSTM stack as [`StackedLstmConfig::init`].
    ///
    /// # Panics
    /// If the convolutions do not fit the grid ([`CnnLstmConfig::cnn_features`] says why) or
    /// `lstm_layers` is 0.
    pub fn init<B: Backend>(&self, device: &B::Device) -> CnnLstm<B> {
        let lstm = self.lstm().unwrap_or_else(|error| panic!("{error}"));
        let convs = drawn(self.convs(None, device));
        CnnLstm {
            convs,
            activation: self.activation.clone(),
            lstm: lstm.init(device),
        }
    }

    /// A model of these sizes with every parameter zero: the skeleton a model file is read
    /// into (it draws nothing from the backend's generator).
    fn zeros<B: Backend>(&self, device: &B::Device) -> Result<CnnLstm<B>, CnnLstmConfigError> {
        let lstm = self.lstm()?;
        Ok(CnnLstm {
            convs: self.convs(Some(Initializer::Zeros), device),
            activation: self.activation.clone(),
            lstm: lstm.zeros(device),
        })
    }

    /// The convolutions, initialised by `initializer` or Burn's default.
    fn convs<B: Backend>(
        &self,
        initializer: Option<Initializer>,
        device: &B::Device,
    ) -> Vec<Conv2d<B>> {
        let pad = self.padding.cells(self.kernel);
        let inputs = std::iter::once(self.channels).chain(self.conv_channels.iter().copied());
        inputs
            .zip(&self.conv_channels)
            .map(|(d_input, &d_output)| {
                let config = Conv2dConfig::new([d_input, d_output], [self.kernel, self.kernel])
                    .with_stride([self.stride, self.stride])
                    .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad));
                match &initializer {
                    Some(initializer) => config.with_initializer(initializer.clone()),
                    None => config,
                }
                .init(device)
            })
            .collect()
    }
}

/// The CNN-LSTM: convolutions over every frame, then a stack of LSTM layers with a head.
#[derive(Module, Debug)]
pub struct CnnLstm<B: Backend> {
    /// The convolutions, first to last.
    pub convs: Vec<Conv2d<B>>,
    /// The activation after every convolution (a setting, not saved in model files).
    #[module(skip)]
    pub activation: ConvActivation,
    /// The LSTM stack reading the CNN features (and extra features) of every step.
    pub lstm: StackedLstm<B>,
}

/// A prediction with the CNN features and LSTM states behind it.
#[derive(Debug, Clone)]
pub struct CnnLstmStates<B: Backend> {
    /// Predictions `[batch, outputs]`.
    pub prediction: Tensor<B, 2>,
    /// The flattened CNN features of every step, `[batch, steps, features]` (without the
    /// extra features).
    pub features: Tensor<B, 3>,
    /// Hidden states of the last LSTM layer at every step, `[batch, steps, hidden]`.
    pub hidden: Tensor<B, 3>,
    /// Cell states of the last LSTM layer at every step, `[batch, steps, hidden]`.
    pub cell: Tensor<B, 3>,
}

impl<B: Backend> CnnLstm<B> {
    /// Number of parameters (convolution kernels and biases, LSTM layers, head).
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }

    /// The flattened CNN features `[batch, steps, features]` of grids `x`
    /// `[batch, steps, channels, height, width]`, all frames convolved at once.
    pub fn cnn_features(&self, x: Tensor<B, 5>) -> Tensor<B, 3> {
        let [batch, steps, channels, height, width] = x.dims();
        let mut maps = x.reshape([batch * steps, channels, height, width]);
        for conv in &self.convs {
            maps = self.activation.apply(convolve(conv, maps));
        }
        let [_, channels, height, width] = maps.dims();
        maps.reshape([batch, steps, channels * height * width])
    }

    /// Predictions `[batch, outputs]` for grids `x` `[batch, steps, channels, height, width]`
    /// and, if the model has extra features, `extra` `[batch, steps, extra]` (`None` or a
    /// tensor of zero features otherwise). Dropout acts only under an autodiff backend.
    ///
    /// # Panics
    /// If the extra features do not match the model's.
    pub fn forward(&self, x: Tensor<B, 5>, extra: Option<Tensor<B, 3>>) -> Tensor<B, 2> {
        self.lstm
            .forward(self.lstm_inputs(self.cnn_features(x), extra))
    }

    /// The predictions of [`CnnLstm::forward`] together with the CNN features and the states
    /// of the last LSTM layer at every step.
    pub fn forward_states(&self, x: Tensor<B, 5>, extra: Option<Tensor<B, 3>>) -> CnnLstmStates<B> {
        let features = self.cnn_features(x);
        let states = self
            .lstm
            .forward_states(self.lstm_inputs(features.clone(), extra));
        CnnLstmStates {
            prediction: states.prediction,
            features,
            hidden: states.hidden,
            cell: states.cell,
        }
    }

    /// The CNN features followed by the extra features of every step.
    fn lstm_inputs(&self, features: Tensor<B, 3>, extra: Option<Tensor<B, 3>>) -> Tensor<B, 3> {
        let [batch, steps, cnn] = features.dims();
        let expected = self.lstm.layers[0].input.weight.dims()[0] - cnn;
        let found = extra.as_ref().map_or(0, |extra| extra.dims()[2]);
        assert_eq!(
            found, expected,
            "the model reads {expected} extra features per step, not {found}"
        );
        match extra {
            Some(extra) if found > 0 => {
                assert_eq!(
                    extra.dims()[..2],
                    [batch, steps],
                    "extra features need the grids' batch and steps"
                );
                Tensor::cat(vec![features, extra], 2)
            }
            _ => features,
        }
    }

    /// Writes the parameters to `path` with its extension set to `.mpk` (named MessagePack,
    /// full precision), so that [`CnnLstm::load`] restores them bit for bit.
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        save_module(self.clone(), path)
    }

    /// Reads a model of configuration `config` from the file [`CnnLstm::save`] wrote at `path`;
    /// an error if the file holds other sizes or the convolutions of `config` do not fit its
    /// grid.
    pub fn load(
        config: &CnnLstmConfig,
        path: &Path,
        device: &B::Device,
    ) -> Result<Self, LayeredModelFileError> {
        let skeleton = config.zeros::<B>(device)?;
        let expected = skeleton.parameter_shapes();
        let record: CnnLstmRecord<B> = read_record(path, device)?;
        let model_name = "CNN-LSTM";
        check_count(
            path,
            model_name,
            "convolutions",
            skeleton.convs.len(),
            record.convs.len(),
        )?;
        let layers = (skeleton.lstm.layers.len(), record.lstm.layers.len());
        check_count(path, model_name, "LSTM layers", layers.0, layers.1)?;
        let model = skeleton.load_record(record);
        check_shapes(path, model_name, &expected, &model.parameter_shapes())?;
        Ok(model)
    }

    /// The name and dimensions of every parameter, in a fixed order.
    fn parameter_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let mut out = Vec::new();
        for (k, conv) in self.convs.iter().enumerate() {
            out.push((format!("convs.{k}.weight"), conv.weight.dims().to_vec()));
            if let Some(bias) = &conv.bias {
                out.push((format!("convs.{k}.bias"), bias.dims().to_vec()));
            }
        }
        out.extend(self.lstm.parameter_shapes("lstm."));
        out
    }
}

/// The convolution `conv` of the maps `x` `[frames, channels, height, width]`, equal to
/// `conv.forward(x)`, as one matrix product: the patches of all frames
/// `[frames * positions, channels * kernel cells]` times the kernels
/// `[channels * kernel cells, out channels]`.
///
/// The patches are gathered from the maps with one index per position and kernel cell; cells
/// of the padding point at an extra zero row. Gathering and the product have linear-cost
/// gradients.
///
/// # Panics
/// If `conv` has dilation or groups other than 1, or `Same` padding (a CNN-LSTM builds neither).
pub fn convolve<B: Backend>(conv: &Conv2d<B>, x: Tensor<B, 4>) -> Tensor<B, 4> {
    assert!(
        conv.dilation == [1, 1] && conv.groups == 1,
        "patch convolution without dilation or groups"
    );
    let [frames, channels, height, width] = x.dims();
    let (top, left, bottom, right) = match conv.padding {
        PaddingConfig2d::Valid => (0, 0, 0, 0),
        PaddingConfig2d::Explicit(top, left, bottom, right) => (top, left, bottom, right),
        PaddingConfig2d::Same => panic!("patch convolution with explicit padding"),
    };
    let [kernel_h, kernel_w] = conv.kernel_size;
    let [stride_h, stride_w] = conv.stride;
    let out_h = (height + top + bottom - kernel_h) / stride_h + 1;
    let out_w = (width + left + right - kernel_w) / stride_w + 1;
    let cells = height * width;
    // Row `cells` of the cell-major maps is zero: the padding.
    let mut index = Vec::with_capacity(out_h * out_w * kernel_h * kernel_w);
    for oh in 0..out_h {
        for ow in 0..out_w {
            for kh in 0..kernel_h {
                for kw in 0..kernel_w {
                    let y = (oh * stride_h + kh)
                        .checked_sub(top)
                        .filter(|&y| y < height);
                    let x = (ow * stride_w + kw)
                        .checked_sub(left)
                        .filter(|&x| x < width);
                    index.push(match (y, x) {
                        (Some(y), Some(x)) => (y * width + x) as i64,
                        _ => cells as i64,
                    });
                }
            }
        }
    }
    let device = x.device();
    let positions = out_h * out_w;
    let kernel_cells = kernel_h * kernel_w;
    let index_len = index.len();
    let index = Tensor::<B, 1, Int>::from_data(TensorData::new(index, [index_len]), &device);
    // Cell-major maps `[cells + 1, frames * channels]`: every gathered row is contiguous.
    let maps = x.reshape([frames * channels, cells]).transpose();
    let maps = Tensor::cat(
        vec![maps, Tensor::zeros([1, frames * channels], &device)],
        0,
    );
    let patches = maps
        .select(0, index)
        .reshape([positions, kernel_cells, frames, channels])
        .permute([2, 0, 3, 1])
        .reshape([frames * positions, channels * kernel_cells]);
    let [out_channels, _, _, _] = conv.weight.dims();
    let kernels = conv
        .weight
        .val()
        .reshape([out_channels, channels * kernel_cells])
        .transpose();
    let mut out = patches.matmul(kernels);
    if let Some(bias) = &conv.bias {
        out = out + bias.val().unsqueeze_dim(0);
    }
    out.reshape([frames, positions, out_channels])
        .swap_dims(1, 2)
        .reshape([frames, out_channels, out_h, out_w])
}
