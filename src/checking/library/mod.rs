//! The library of names a script can use: data sources, models, losses, training settings and
//! functions, each with its parameters. The checker, the help text and the REPL read these tables;
//! adding an entry is one file here plus one line in the registry below.

mod analyses;
mod camels_us;
mod caravan;
mod changes;
mod cnn_lstm;
mod daily_csv;
mod ealstm;
mod exphydro;
mod functions;
mod gridded;
mod losses;
mod lstm;
mod mclstm;
mod periods;
mod schedules;
mod training;

use std::collections::BTreeMap;

pub use analyses::{analysis, Analysis, InputKind, OutputKind, ANALYSES};
pub use changes::CHANGES;
pub use exphydro::EXPHYDRO_INPUTS;
pub use functions::FUNCTIONS;
pub use training::TRAIN_PARAMS;

use super::params::{check_settings, Param};
use super::value::{CallValue, Spanned, Value};
use crate::syntax::ast::{DeclKind, Name};
use crate::syntax::{did_you_mean, ScriptError, Span};

/// A named entry with parameters: a data source, model, loss or function.
#[derive(Debug, Clone, Copy)]
pub struct CallSpec {
    /// Its name in scripts.
    pub name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// Its parameters.
    pub params: &'static [Param],
}

/// Constructors of `data` declarations.
pub const DATA_SOURCES: &[CallSpec] = &[
    camels_us::CAMELS_US,
    caravan::CARAVAN,
    daily_csv::DAILY_CSV,
    gridded::GRIDDED,
];
/// Constructors of `model` declarations.
pub const MODELS: &[CallSpec] = &[
    lstm::LSTM,
    ealstm::EALSTM,
    mclstm::MCLSTM,
    exphydro::EXPHYDRO,
    cnn_lstm::CNN_LSTM,
];
/// Training losses.
pub const LOSSES: &[CallSpec] = &[
    losses::MSE,
    losses::NSE_STAR,
    losses::NORMALIZED_SQUARED_ERROR,
];
/// Learning-rate schedules.
pub const SCHEDULES: &[CallSpec] = &[schedules::CONSTANT, schedules::STEP, schedules::PLATEAU];

/// Entries a script writes as calls kept as descriptions of a setting (a loss such as
/// `nse_star(eps = 0.1)`, a schedule such as `step(every = 10)`).
pub fn described_calls() -> impl Iterator<Item = &'static CallSpec> + Clone {
    LOSSES.iter().chain(SCHEDULES).chain(CHANGES)
}

/// The constructors available to a kind of declaration.
pub fn constructors(kind: DeclKind) -> &'static [CallSpec] {
    match kind {
        DeclKind::Data => DATA_SOURCES,
        DeclKind::Model => MODELS,
        DeclKind::Train | DeclKind::Sweep => &[],
    }
}

/// Checks a call to one of `specs` (a loss written as `nse_star(eps = 0.1)` or just `mse`).
pub fn check_call_spec(
    specs: &[CallSpec],
    name: &str,
    span: Span,
    args: Vec<(Name, Spanned<Value>)>,
    param: &Param,
    errors: &mut Vec<ScriptError>,
) -> Option<CallValue> {
    let Some(spec) = specs.iter().find(|s| s.name == name) else {
        let names = specs.iter().map(|s| s.name);
        let help = did_you_mean(name, names.clone()).unwrap_or_else(|| {
            format!(
                "`{}` accepts {}",
                param.name,
                names
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        errors.push(
            ScriptError::new(span, format!("unknown name `{name}` for `{}`", param.name))
                .with_label("not one of the accepted names")
                .with_help(help),
        );
        return None;
    };
    let before = errors.len();
    let args = check_settings(spec.params, args, &format!("`{name}`"), span, errors);
    (errors.len() == before).then(|| CallValue {
        name: name.to_string(),
        args,
    })
}

/// Arguments of a call kept for later checking, with spans standing in for argument names.
pub fn raw_args(args: &BTreeMap<String, Spanned<Value>>) -> Vec<(Name, Spanned<Value>)> {
    args.iter()
        .map(|(k, v)| {
            (
                Name {
                    text: k.clone(),
                    span: v.span,
                },
                v.clone(),
            )
        })
        .collect()
}
