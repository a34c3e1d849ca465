//! Functions callable in expressions.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// Functions a script may call; their results are computed by the checker (paths) or are plan
/// steps run later (`evaluate`).
pub const FUNCTIONS: &[CallSpec] = &[
    CallSpec {
        name: "data_dir",
        doc: "a folder under the data root ($HYDRO_DATA, default ../shared/data)",
        params: &[],
    },
    CallSpec {
        name: "basin_file",
        doc: "a basin list file (one gauge id per line), relative to the data set's root",
        params: &[],
    },
    CallSpec {
        name: "by_mode",
        doc: "a value per run mode: `by_mode(quick = 2, full = 30)` is 2 under `hydro run --quick`, 30 otherwise",
        params: &[],
    },
    CallSpec {
        name: "evaluate",
        doc: "metrics of a trained run on one of its data set's periods: a per-basin table",
        params: &[
            Param {
                name: "period",
                kind: ParamKind::Choice(&["train", "validation", "test"]),
                default: Default::Name("test"),
                doc: "which period of the data set to evaluate on",
            },
            Param {
                name: "metrics",
                kind: ParamKind::Metrics,
                default: Default::Required,
                doc: "metrics to compute, e.g. [nse, kge, alpha_nse, beta_nse, fhv, fms, flv]",
            },
            Param {
                name: "ensemble",
                kind: ParamKind::Name,
                default: Default::Absent,
                doc: "for a sweep: the axis (e.g. seed) whose members' predictions are averaged into an ensemble",
            },
            Param {
                name: "target",
                kind: ParamKind::Name,
                default: Default::Absent,
                doc: "which target of the data set the metrics are computed on, e.g. et (default: the first target)",
            },
        ],
    },
];
