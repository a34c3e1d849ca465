//! `ealstm`: the Entity-Aware LSTM of Kratzert et al. (2019, Eq. 7-12), whose input gate is set
//! by the basin's static attributes and stays constant over time.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// The `ealstm` model constructor.
pub const EALSTM: CallSpec = CallSpec {
    name: "ealstm",
    doc: "EA-LSTM (Kratzert et al. 2019): static attributes set a constant input gate, dynamic inputs drive the other gates; dropout, then a linear head on the last hidden state. Needs a data set with statics",
    params: &[
        Param {
            name: "hidden",
            kind: ParamKind::Integer { min: 1, max: 4096 },
            default: Default::Integer(64),
            doc: "size of the hidden and cell state (and of each basin's input-gate embedding)",
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
