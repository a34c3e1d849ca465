//! `lstm`: a sequence-to-one LSTM with static attributes concatenated to every step.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// The `lstm` model constructor.
pub const LSTM: CallSpec = CallSpec {
    name: "lstm",
    doc: "LSTM (Hochreiter & Schmidhuber 1997) over the look-back window; dropout, then a linear head on the last hidden state",
    params: &[
        Param {
            name: "hidden",
            kind: ParamKind::Integer { min: 1, max: 4096 },
            default: Default::Integer(64),
            doc: "size of the hidden and cell state",
        },
        Param {
            name: "layers",
            kind: ParamKind::Integer { min: 1, max: 16 },
            default: Default::Integer(1),
            doc: "stacked LSTM layers (1 trains on the fused CPU kernels; more through Burn)",
        },
        Param {
            name: "dropout",
            kind: ParamKind::Number { min: 0.0, max: 0.99 },
            default: Default::Number(0.0),
            doc: "dropout rate before the linear head",
        },
        Param {
            name: "initial_forget_bias",
            kind: ParamKind::Number { min: -100.0, max: 100.0 },
            default: Default::Number(0.0),
            doc: "initial value of the forget-gate bias (e.g. 3 keeps memory early in training)",
        },
    ],
};
