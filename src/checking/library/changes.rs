//! Changes of one input series in hypothetical-input scenarios (`scenario(run, input = prcp,
//! change = zero)`), after Yokoo et al.'s experiments.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

const ANY: ParamKind = ParamKind::Number {
    min: f64::MIN,
    max: f64::MAX,
};

const DAY_OF_YEAR: ParamKind = ParamKind::Integer { min: 1, max: 366 };

/// Every change an input can undergo.
pub const CHANGES: &[CallSpec] = &[
    CallSpec {
        name: "zero",
        doc: "the input is 0 on every day",
        params: &[],
    },
    CallSpec {
        name: "replace",
        doc: "the input is `value` on every day",
        params: &[Param {
            name: "value",
            kind: ANY,
            default: Default::Required,
            doc: "the value of every day",
        }],
    },
    CallSpec {
        name: "scale",
        doc: "the input is multiplied by `factor`",
        params: &[Param {
            name: "factor",
            kind: ANY,
            default: Default::Required,
            doc: "the multiplier",
        }],
    },
    CallSpec {
        name: "shift",
        doc: "`by` is added to the input",
        params: &[Param {
            name: "by",
            kind: ANY,
            default: Default::Required,
            doc: "the added amount",
        }],
    },
    CallSpec {
        name: "sinusoid",
        doc: "the input is offset + amplitude * sin(2 pi (day - phase) / period), days counted from the period's start",
        params: &[
            Param {
                name: "period",
                kind: ParamKind::Number { min: 1e-9, max: f64::MAX },
                default: Default::Number(365.0),
                doc: "length of a cycle in days",
            },
            Param {
                name: "amplitude",
                kind: ANY,
                default: Default::Required,
                doc: "half the range of the cycle",
            },
            Param {
                name: "offset",
                kind: ANY,
                default: Default::Number(0.0),
                doc: "the cycle's mean",
            },
            Param {
                name: "phase",
                kind: ANY,
                default: Default::Number(0.0),
                doc: "days by which the cycle is delayed",
            },
        ],
    },
    CallSpec {
        name: "seasonal",
        doc: "the input is `value` on the days of the year from `from_day` to `to_day` (wrapping over New Year), unchanged otherwise",
        params: &[
            Param {
                name: "value",
                kind: ANY,
                default: Default::Required,
                doc: "the value inside the season",
            },
            Param {
                name: "from_day",
                kind: DAY_OF_YEAR,
                default: Default::Required,
                doc: "first day of the season (day of the year, 1..366)",
            },
            Param {
                name: "to_day",
                kind: DAY_OF_YEAR,
                default: Default::Required,
                doc: "last day of the season (day of the year, 1..366)",
            },
        ],
    },
];
