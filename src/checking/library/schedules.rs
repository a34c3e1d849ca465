//! Learning-rate schedules of training runs.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

const FACTOR: Param = Param {
    name: "factor",
    kind: ParamKind::Number { min: 0.0, max: 1.0 },
    default: Default::Number(0.3),
    doc: "the learning rate is multiplied by this at each decay",
};

/// The same learning rate throughout.
pub const CONSTANT: CallSpec = CallSpec {
    name: "constant",
    doc: "the learning rate stays at `learning_rate`",
    params: &[],
};

/// Decay every few epochs.
pub const STEP: CallSpec = CallSpec {
    name: "step",
    doc: "multiply the learning rate by `factor` after every `every` epochs",
    params: &[
        Param {
            name: "every",
            kind: ParamKind::Integer {
                min: 1,
                max: 100_000,
            },
            default: Default::Integer(10),
            doc: "epochs between decays",
        },
        FACTOR,
    ],
};

/// Decay when the validation loss stops improving.
pub const PLATEAU: CallSpec = CallSpec {
    name: "plateau",
    doc: "multiply the learning rate by `factor` when the validation loss has not improved for `patience` epochs (needs a validation period)",
    params: &[
        Param {
            name: "patience",
            kind: ParamKind::Integer { min: 1, max: 100_000 },
            default: Default::Integer(5),
            doc: "epochs without improvement before a decay",
        },
        FACTOR,
    ],
};
