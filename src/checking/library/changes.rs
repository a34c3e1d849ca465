//! Changes of one input series in hypothetical-input scenarios (`scenario(run, input = prcp,
//! change = zero)`), after Yokoo et al.'s experiments. The numbers of a change are in the
//! input's units or, with `units = scaled`, in the run's scaled units of the input (levels such
//! as a value or an offset as `x * scale + offset`, differences such as a shift or an amplitude
//! as `x * scale`; `zero` is a physical zero either way).

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
        doc: "the input is offset + amplitude * cos(2 pi (doy - peak_day) / period), doy the day of the year (1 on 1 January): a curve of the calendar day, highest on `peak_day` of every year",
        params: &[
            Param {
                name: "period",
                kind: ParamKind::Number { min: 1e-9, max: f64::MAX },
                default: Default::Number(365.0),
                doc: "length of a cycle in days (with 365, 31 December of a leap year, day 366, takes the value of 1 January)",
            },
            Param {
                name: "amplitude",
                kind: ANY,
                default: Default::Required,
                doc: "half the difference between the highest and the lowest value",
            },
            Param {
                name: "offset",
                kind: ANY,
                default: Default::Number(0.0),
                doc: "the cycle's mean (0.55 scaled: a curve from 0.2 to 0.9 with amplitude 0.35)",
            },
            Param {
                name: "peak_day",
                kind: ParamKind::Number { min: 1.0, max: 366.0 },
                default: Default::Required,
                doc: "day of the year of the highest value (e.g. 200, 19 July, for temperature in the northern hemisphere)",
            },
        ],
    },
    CallSpec {
        name: "seasonal",
        doc: "the input is `value` on the days of the year from `from_day` to `to_day` (wrapping over New Year when `from_day` > `to_day`: 288..74 is mid-October to mid-March), unchanged otherwise",
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
