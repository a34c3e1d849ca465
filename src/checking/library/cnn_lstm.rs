//! `cnn_lstm`: the spatiotemporal CNN-LSTM of Li et al. (2023): 2-D convolutions over the
//! gridded inputs of every step, feeding stacked LSTM layers and a dense head.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// The `cnn_lstm` model constructor.
pub const CNN_LSTM: CallSpec = CallSpec {
    name: "cnn_lstm",
    doc: "CNN-LSTM (Li et al. 2023): a stack of 2-D convolutions over the grid of every step (a `gridded` data set with layout = grid), then stacked LSTM layers and a dense head with one output per target",
    params: &[
        Param {
            name: "conv_channels",
            kind: ParamKind::Numbers { min: 1.0, max: 4096.0 },
            default: Default::Absent,
            doc: "output channels of the convolutions, first to last (default [8, 16, 32, 64], Table A3)",
        },
        Param {
            name: "kernel",
            kind: ParamKind::Integer { min: 1, max: 99 },
            default: Default::Integer(5),
            doc: "side of the square kernels, in cells",
        },
        Param {
            name: "stride",
            kind: ParamKind::Integer { min: 1, max: 99 },
            default: Default::Integer(2),
            doc: "stride of the convolutions along both axes",
        },
        Param {
            name: "hidden",
            kind: ParamKind::Integer { min: 1, max: 4096 },
            default: Default::Integer(32),
            doc: "hidden size of every LSTM layer",
        },
        Param {
            name: "layers",
            kind: ParamKind::Integer { min: 1, max: 16 },
            default: Default::Integer(2),
            doc: "number of stacked LSTM layers",
        },
        Param {
            name: "dropout",
            kind: ParamKind::Number { min: 0.0, max: 0.99 },
            default: Default::Number(0.0),
            doc: "dropout between LSTM layers and before the head",
        },
        Param {
            name: "initial_forget_bias",
            kind: ParamKind::Number { min: -100.0, max: 100.0 },
            default: Default::Number(0.0),
            doc: "initial forget-gate bias of every LSTM layer",
        },
    ],
};
