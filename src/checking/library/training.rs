//! Settings of `train` declarations.

use super::{CallSpec, LOSSES, SCHEDULES};
use crate::checking::params::{Default, Param, ParamKind};

const LOSS_SPECS: &[CallSpec] = LOSSES;
const SCHEDULE_SPECS: &[CallSpec] = SCHEDULES;

/// Parameters of `train NAME = MODEL on DATA { ... }`.
pub const TRAIN_PARAMS: &[Param] = &[
    Param {
        name: "loss",
        kind: ParamKind::OneOf(LOSS_SPECS),
        default: Default::Name("mse"),
        doc: "training loss: mse, nse_star(eps = 0.1) or normalized_squared_error",
    },
    Param {
        name: "schedule",
        kind: ParamKind::OneOf(SCHEDULE_SPECS),
        default: Default::Name("constant"),
        doc: "learning-rate schedule: constant, step(every = 10, factor = 0.3) or plateau(patience = 5, factor = 0.3)",
    },
    Param {
        name: "patience",
        kind: ParamKind::Integer { min: 1, max: 100_000 },
        default: Default::Absent,
        doc: "early stopping: stop after this many epochs without a better validation loss and keep the best epoch's weights (needs a validation period)",
    },
    Param {
        name: "mode",
        kind: ParamKind::Choice(&["regional", "local"]),
        default: Default::Name("regional"),
        doc: "regional: one model for all basins; local: one model per basin, each trained on its own basin only",
    },
    Param {
        name: "train_years",
        kind: ParamKind::Integer { min: 1, max: 1000 },
        default: Default::Absent,
        doc: "train on this many whole years of the training period (years counted from its start), drawn at random with `years_seed`",
    },
    Param {
        name: "years_seed",
        kind: ParamKind::Integer { min: 0, max: i64::MAX },
        default: Default::Integer(0),
        doc: "seed of the draw of `train_years` (separate from `seed`, so seed ensembles share the same years)",
    },
    Param {
        name: "target_weights",
        kind: ParamKind::Numbers { min: 0.0, max: 1e6 },
        default: Default::Absent,
        doc: "weight of each target in the loss, one per target of the data set, e.g. [1.0, 0.5] for targets = [streamflow, et]; the loss is the weighted sum of the per-target losses (default all 1)",
    },
    Param {
        name: "learning_rate",
        kind: ParamKind::Number { min: 0.0, max: 10.0 },
        default: Default::Number(1e-3),
        doc: "Adam step size",
    },
    Param {
        name: "epochs",
        kind: ParamKind::Integer { min: 1, max: 100_000 },
        default: Default::Integer(10),
        doc: "passes over the training samples",
    },
    Param {
        name: "batch",
        kind: ParamKind::Integer { min: 1, max: 1_000_000 },
        default: Default::Integer(256),
        doc: "samples per optimisation step",
    },
    Param {
        name: "seed",
        kind: ParamKind::Integer { min: 0, max: i64::MAX },
        default: Default::Integer(0),
        doc: "seed of weight initialisation, shuffling and dropout",
    },
    Param {
        name: "clip_grad_norm",
        kind: ParamKind::Number { min: 0.0, max: 1e9 },
        default: Default::Absent,
        doc: "largest global L2 norm of the gradient (unclipped when absent)",
    },
    Param {
        name: "samples_per_epoch",
        kind: ParamKind::Integer { min: 1, max: i64::MAX },
        default: Default::Absent,
        doc: "draw this many random training samples per epoch instead of all of them",
    },
    Param {
        name: "engine",
        kind: ParamKind::Choice(&["fused", "burn"]),
        default: Default::Name("fused"),
        doc: "how to train on the cpu: fused (hand-written kernels, fast) or burn (the generic Burn path, the reference); cuda always uses burn",
    },
    Param {
        name: "device",
        kind: ParamKind::Choice(&["cpu", "cuda"]),
        default: Default::Name("cpu"),
        doc: "where to train: cpu (fused kernels) or cuda (needs a build with --features cuda)",
    },
];
