//! Settings every data source shares: the periods, the look-back and the scaling.

use crate::checking::params::{Default, Param, ParamKind};

/// `train`, `validation`, `test`, `lookback` and `scaling`.
pub const PERIOD_PARAMS: [Param; 5] = [
    Param {
        name: "train",
        kind: ParamKind::Period,
        default: Default::Required,
        doc: "training period, e.g. 1999-10-01..2008-09-30",
    },
    Param {
        name: "validation",
        kind: ParamKind::Period,
        default: Default::Absent,
        doc: "validation period",
    },
    Param {
        name: "test",
        kind: ParamKind::Period,
        default: Default::Absent,
        doc: "test period, e.g. 2008-10-01..2013-09-30",
    },
    Param {
        name: "lookback",
        kind: ParamKind::Integer { min: 1, max: 10_000 },
        default: Default::Integer(365),
        doc: "days of input the model sees before each predicted day",
    },
    Param {
        name: "scaling",
        kind: ParamKind::Choice(&["zscore", "minmax"]),
        default: Default::Name("zscore"),
        doc: "normalisation by training-period statistics: zscore (mean, std) or minmax (to [0, 1]); mass inputs of an mclstm and the inputs of exphydro stay unscaled",
    },
];

/// The parameters `fixed` followed by [`PERIOD_PARAMS`], as one table.
pub const fn with_periods<const N: usize, const M: usize>(fixed: [Param; N]) -> [Param; M] {
    assert!(M == N + PERIOD_PARAMS.len(), "M must be N + 5");
    let mut all = [PERIOD_PARAMS[0]; M];
    let mut i = 0;
    while i < N {
        all[i] = fixed[i];
        i += 1;
    }
    let mut j = 0;
    while j < PERIOD_PARAMS.len() {
        all[N + j] = PERIOD_PARAMS[j];
        j += 1;
    }
    all
}
