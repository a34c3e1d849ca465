//! The checked plan: fully resolved, typed settings for every step of a script, in order.
//! Spans are kept so that errors found while running still point into the script.

use serde::{Serialize, Serializer};
use std::path::PathBuf;

use super::value::{Spanned, Value};
use crate::data::period::DateRange;
use crate::syntax::{SourceMap, Span};

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// A checked script, ready to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The script and every file it uses.
    pub sources: SourceMap,
    /// The steps in script order.
    pub steps: Vec<Step>,
}

/// One thing to do.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Train a model on a data set.
    Train(Box<TrainSpec>),
    /// Compute metrics of a run on a period.
    Evaluate(EvaluateSpec),
    /// Print a value.
    Print(PrintSpec),
    /// Write a table into the run directory.
    Write(WriteSpec),
}

/// Which basins a data set holds.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BasinsSpec {
    /// Listed in the script.
    Listed(Vec<Spanned<String>>),
    /// Read from a basin list file (path relative to the data set's root).
    File(Spanned<PathBuf>),
}

/// A complete data set declaration (as a training run uses it).
#[derive(Debug, Clone, Serialize)]
pub struct DataSpec {
    /// Declared name.
    pub name: String,
    /// The data-source constructor (e.g. `camels_us`).
    pub source: String,
    /// Root folder of the data set.
    pub root: PathBuf,
    /// Basins.
    pub basins: BasinsSpec,
    /// Forcing product.
    pub forcing: String,
    /// Dynamic inputs.
    pub inputs: Vec<Spanned<String>>,
    /// Static attributes.
    pub statics: Vec<Spanned<String>>,
    /// Target variable.
    pub target: String,
    /// Training period.
    pub train: Spanned<DateRange>,
    /// Validation period.
    pub validation: Option<Spanned<DateRange>>,
    /// Test period.
    pub test: Option<Spanned<DateRange>>,
    /// Look-back in days.
    pub lookback: usize,
    /// The declaration.
    #[serde(skip)]
    pub span: Span,
}

/// A complete model declaration.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSpec {
    /// Declared name.
    pub name: String,
    /// The architecture constructor (e.g. `lstm`).
    pub architecture: String,
    /// Hidden size.
    pub hidden: usize,
    /// Dropout before the head.
    pub dropout: f64,
    /// Initial forget-gate bias.
    pub initial_forget_bias: f64,
}

/// A training loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum LossSpec {
    /// Mean squared error.
    Mse,
    /// NSE* with the given epsilon.
    NseStar {
        /// Added to each basin's standard deviation.
        eps: f64,
    },
}

impl std::fmt::Display for LossSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LossSpec::Mse => write!(f, "mse"),
            LossSpec::NseStar { eps } => write!(f, "nse_star(eps = {eps})"),
        }
    }
}

/// A training run.
#[derive(Debug, Clone, Serialize)]
pub struct TrainSpec {
    /// Declared name.
    pub name: String,
    /// The model's declaration.
    pub model: ModelSpec,
    /// The data set.
    pub data: DataSpec,
    /// Loss.
    pub loss: LossSpec,
    /// Adam step size.
    pub learning_rate: f64,
    /// Epochs.
    pub epochs: usize,
    /// Batch size.
    pub batch: usize,
    /// Seed.
    pub seed: u64,
    /// Gradient clipping.
    pub clip_grad_norm: Option<f64>,
    /// Random samples per epoch (all when absent).
    pub samples_per_epoch: Option<usize>,
    /// Device.
    pub device: String,
    /// CPU engine: `fused` or `burn`.
    pub engine: String,
    /// The declaration.
    #[serde(skip)]
    pub span: Span,
}

/// `evaluate(run, period = ..., metrics = [...])`.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluateSpec {
    /// The trained run.
    pub run: String,
    /// `train`, `validation` or `test`.
    pub period: String,
    /// Metric names.
    pub metrics: Vec<String>,
    /// The call.
    #[serde(skip)]
    pub span: Span,
}

/// `print value`.
#[derive(Debug, Clone, Serialize)]
pub struct PrintSpec {
    /// What to print.
    #[serde(serialize_with = "display")]
    pub value: Spanned<Value>,
}

/// `write value -> "file.csv"`.
#[derive(Debug, Clone, Serialize)]
pub struct WriteSpec {
    /// What to write (a table result).
    #[serde(serialize_with = "display")]
    pub value: Spanned<Value>,
    /// Relative path inside the run directory.
    pub path: PathBuf,
}

fn display<S: Serializer>(value: &Spanned<Value>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.value.to_string())
}
