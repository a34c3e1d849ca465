//! The checked plan: fully resolved, typed settings for every step of a script, in order.
//! Spans are kept so that errors found while running still point into the script.

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::value::{ResultKind, Spanned, Value};
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
    /// Train every member of a grid of runs (finished members are reused).
    Sweep(SweepSpec),
    /// Run an analysis or draw a figure.
    Analysis(AnalysisSpec),
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
    /// The data-source constructor: `camels_us`, `caravan` or `daily_csv`.
    pub source: String,
    /// Root folder of the data set.
    pub root: PathBuf,
    /// Basins.
    pub basins: BasinsSpec,
    /// Forcing product (`camels_us` only).
    pub forcing: Option<String>,
    /// Dynamic inputs.
    pub inputs: Vec<Spanned<String>>,
    /// Static attributes.
    pub statics: Vec<Spanned<String>>,
    /// Target variables, in the order of the model's outputs (`target = x` gives one).
    pub targets: Vec<Spanned<String>>,
    /// How the files of a `daily_csv` data set are read (`None` for the other sources).
    pub csv: Option<CsvSpec>,
    /// NetCDF and gauge files of a `gridded` data set.
    pub grid: Option<GridSpec>,
    /// Training period.
    pub train: Spanned<DateRange>,
    /// Validation period.
    pub validation: Option<Spanned<DateRange>>,
    /// Test period.
    pub test: Option<Spanned<DateRange>>,
    /// Look-back in days.
    pub lookback: usize,
    /// `zscore` or `minmax`.
    pub scaling: String,
    /// The declaration.
    #[serde(skip)]
    pub span: Span,
}

/// How the per-basin files of a `daily_csv` data set are found and read.
#[derive(Debug, Clone, Serialize)]
pub struct CsvSpec {
    /// File name of a basin's inputs relative to the root, with `{basin}` standing for the id.
    pub file: Spanned<String>,
    /// File name of a basin's targets when they are in another file (same pattern syntax).
    pub target_file: Option<Spanned<String>>,
    /// Column names of headerless files (`None`: the first line is the header).
    pub columns: Option<Vec<String>>,
    /// The date column, or the year, month and day columns; empty to detect them.
    pub date: Vec<Spanned<String>>,
    /// The chrono format of a single date column (`None`: detected).
    pub date_format: Option<String>,
    /// `comma`, `semicolon`, `tab` or `whitespace` (`None`: detected).
    pub delimiter: Option<String>,
    /// Missing-value markers (`None`: the loader's defaults `-999`, `-9999`, `NaN`, empty).
    pub missing: Option<Vec<String>>,
    /// Basin area in km^2, for converting targets given in volume per time.
    pub area_km2: Option<f64>,
    /// Unit of the target columns: `mm_per_day` (kept), `m3_per_s` or `cfs` (converted to mm/day).
    pub target_units: String,
}

/// The files and layout of a `gridded` data set.
#[derive(Debug, Clone, Serialize)]
pub struct GridSpec {
    /// A variable's NetCDF file relative to the root, `{variable}` standing for its name.
    pub variable_file: String,
    /// A basin's gauge file relative to the root, `{basin}` standing for its id.
    pub gauge_file: String,
    /// `grid` (every cell an input) or `basin_mean`.
    pub layout: String,
    /// Basin area (km^2) converting the discharge to mm/day; m^3/s without it.
    pub area_km2: Option<f64>,
}

/// A resolved setting of a model declaration (defaults filled in).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SettingValue {
    /// A whole number.
    Integer(i64),
    /// A real number.
    Number(f64),
    /// One name (a choice).
    Name(String),
    /// A list of names (e.g. input variables).
    Names(Vec<String>),
    /// A list of numbers (e.g. channels of convolutions).
    Numbers(Vec<f64>),
}

/// A complete model declaration: its architecture and every setting of it, defaults included.
/// Which settings exist is the architecture's parameter table (`checking/library/`), so the
/// accessors below only fail on a name that table does not declare.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSpec {
    /// Declared name.
    pub name: String,
    /// The architecture constructor (e.g. `lstm`).
    pub architecture: String,
    /// Every setting, by name.
    #[serde(flatten)]
    pub settings: BTreeMap<String, SettingValue>,
}

impl ModelSpec {
    /// The integer setting `name`.
    ///
    /// # Panics
    /// If the architecture has no such integer setting (a programming error).
    pub fn integer(&self, name: &str) -> i64 {
        match self.settings.get(name) {
            Some(SettingValue::Integer(i)) => *i,
            other => panic!(
                "`{}` has no integer setting `{name}` ({other:?})",
                self.architecture
            ),
        }
    }

    /// The number setting `name` (an integer is accepted).
    ///
    /// # Panics
    /// If the architecture has no such number setting (a programming error).
    pub fn number(&self, name: &str) -> f64 {
        match self.settings.get(name) {
            Some(SettingValue::Number(x)) => *x,
            Some(SettingValue::Integer(i)) => *i as f64,
            other => panic!(
                "`{}` has no number setting `{name}` ({other:?})",
                self.architecture
            ),
        }
    }

    /// The list-of-numbers setting `name`, if given.
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        match self.settings.get(name) {
            Some(SettingValue::Numbers(numbers)) => Some(numbers.clone()),
            _ => None,
        }
    }

    /// The list-of-names setting `name` (empty when absent).
    pub fn names(&self, name: &str) -> Vec<String> {
        match self.settings.get(name) {
            Some(SettingValue::Names(names)) => names.clone(),
            Some(SettingValue::Name(n)) => vec![n.clone()],
            _ => Vec::new(),
        }
    }

    /// The settings as `name value` pairs for one line of a log (`hidden 64, dropout 0.4`).
    pub fn summary(&self) -> String {
        self.settings
            .iter()
            .map(|(k, v)| match v {
                SettingValue::Integer(i) => format!("{k} {i}"),
                SettingValue::Number(x) => format!("{k} {x}"),
                SettingValue::Name(n) => format!("{k} {n}"),
                SettingValue::Names(n) => format!("{k} [{}]", n.join(", ")),
                SettingValue::Numbers(n) => format!(
                    "{k} [{}]",
                    n.iter().map(f64::to_string).collect::<Vec<_>>().join(", ")
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
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
    /// Squared errors over the batch's squared deviations from its mean (Li & Zhao, Eq. 13).
    NormalizedSquaredError,
}

impl std::fmt::Display for LossSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LossSpec::Mse => write!(f, "mse"),
            LossSpec::NseStar { eps } => write!(f, "nse_star(eps = {eps})"),
            LossSpec::NormalizedSquaredError => write!(f, "normalized_squared_error"),
        }
    }
}

/// A learning-rate schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum ScheduleSpec {
    /// The same rate throughout.
    Constant,
    /// Multiply by `factor` after every `every` epochs.
    Step {
        /// Epochs between decays.
        every: usize,
        /// Multiplier at each decay.
        factor: f64,
    },
    /// Multiply by `factor` after `patience` epochs without a better validation loss.
    Plateau {
        /// Epochs without improvement before a decay.
        patience: usize,
        /// Multiplier at each decay.
        factor: f64,
    },
}

/// One model for all basins, or one per basin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingMode {
    /// One model trained on the samples of every basin.
    Regional,
    /// One model per basin, trained on that basin's samples only.
    Local,
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
    /// Learning-rate schedule.
    pub schedule: ScheduleSpec,
    /// Early stopping: epochs without a better validation loss before training stops.
    pub patience: Option<usize>,
    /// Regional or local training.
    pub mode: TrainingMode,
    /// Train on this many whole years of the training period.
    pub train_years: Option<usize>,
    /// Seed of the draw of `train_years`.
    pub years_seed: u64,
    /// Weight of each target in the loss, one per target of the data set (all 1 by default).
    pub target_weights: Vec<f64>,
    /// The declaration.
    #[serde(skip)]
    pub span: Span,
}

/// `sweep name = run { axis = [values], ... }`: a grid of training runs.
#[derive(Debug, Clone, Serialize)]
pub struct SweepSpec {
    /// Declared name.
    pub name: String,
    /// The training run whose settings the grid varies.
    pub base: String,
    /// The settings varied, in the order written.
    pub axes: Vec<String>,
    /// Every combination of the axes' values (the last axis varies fastest).
    pub members: Vec<SweepMember>,
    /// Members trained at the same time.
    pub workers: usize,
    /// The declaration.
    #[serde(skip)]
    pub span: Span,
}

/// One run of a sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepMember {
    /// The value of each axis, as written (e.g. `3` for `seed`).
    pub values: Vec<String>,
    /// The complete training run.
    pub spec: TrainSpec,
}

impl SweepMember {
    /// `name[axis=value, ...]`, how the member is named in logs and tables.
    pub fn label(&self, sweep: &SweepSpec) -> String {
        let pairs: Vec<String> = sweep
            .axes
            .iter()
            .zip(&self.values)
            .map(|(a, v)| format!("{a}={v}"))
            .collect();
        format!("{}[{}]", sweep.name, pairs.join(", "))
    }
}

/// What an analysis reads, given as its positional arguments.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum AnalysisInput {
    /// A training run.
    Run(String),
    /// A sweep.
    Sweep(String),
    /// A data set (loaded when first needed).
    Data(Box<DataSpec>),
    /// The result of an earlier step.
    #[serde(serialize_with = "result_input")]
    Result(usize, ResultKind),
}

fn result_input<S: Serializer>(
    step: &usize,
    kind: &ResultKind,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("step {step} ({kind:?})"))
}

/// A call of an analysis or figure function, its arguments checked and defaults filled in.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisSpec {
    /// The function.
    pub function: String,
    /// Its positional arguments.
    pub inputs: Vec<AnalysisInput>,
    /// Its named arguments.
    #[serde(serialize_with = "display_args")]
    pub args: BTreeMap<String, Spanned<Value>>,
    /// The call.
    #[serde(skip)]
    pub span: Span,
}

fn display_args<S: Serializer>(
    args: &BTreeMap<String, Spanned<Value>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(args.len()))?;
    for (k, v) in args {
        map.serialize_entry(k, &v.value.to_string())?;
    }
    map.end()
}

impl AnalysisSpec {
    /// The argument `name` (present when the parameter has a default or was given).
    pub fn arg(&self, name: &str) -> Option<&Spanned<Value>> {
        self.args.get(name)
    }

    /// The integer argument `name`.
    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.arg(name).map(|v| &v.value) {
            Some(Value::Integer(i)) => Some(*i),
            _ => None,
        }
    }

    /// The number argument `name` (an integer is accepted).
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.arg(name).map(|v| &v.value) {
            Some(Value::Number(x)) => Some(*x),
            Some(Value::Integer(i)) => Some(*i as f64),
            _ => None,
        }
    }

    /// The list-of-numbers argument `name` (an integer range counts).
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        match self.arg(name).map(|v| &v.value) {
            Some(Value::List(items)) => items
                .iter()
                .map(|v| match v.value {
                    Value::Number(x) => Some(x),
                    Value::Integer(i) => Some(i as f64),
                    _ => None,
                })
                .collect(),
            Some(Value::IntRange(a, b)) => Some((*a..=*b).map(|i| i as f64).collect()),
            Some(Value::Number(x)) => Some(vec![*x]),
            Some(Value::Integer(i)) => Some(vec![*i as f64]),
            _ => None,
        }
    }

    /// The name (or string) argument `name`.
    pub fn symbol(&self, name: &str) -> Option<String> {
        match self.arg(name).map(|v| &v.value) {
            Some(Value::Symbol(s) | Value::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// The list-of-names argument `name` (one name counts as a list of one).
    pub fn symbols(&self, name: &str) -> Option<Vec<String>> {
        match self.arg(name).map(|v| &v.value) {
            Some(Value::List(items)) => items
                .iter()
                .map(|v| match &v.value {
                    Value::Symbol(s) | Value::Text(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            Some(Value::Symbol(s) | Value::Text(s)) => Some(vec![s.clone()]),
            _ => None,
        }
    }

    /// Where the argument `name` was written (the call when it was defaulted).
    pub fn span_of(&self, name: &str) -> Span {
        self.arg(name).map_or(self.span, |v| v.span)
    }
}

/// `evaluate(run, period = ..., metrics = [...])`.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluateSpec {
    /// The trained run, or the sweep whose members are evaluated.
    pub run: String,
    /// Whether `run` names a sweep.
    pub sweep: bool,
    /// For a sweep: the axis averaged over (the members' predictions are averaged into an
    /// ensemble for each combination of the other axes).
    pub ensemble: Option<String>,
    /// `train`, `validation` or `test`.
    pub period: String,
    /// Metric names.
    pub metrics: Vec<String>,
    /// The target the metrics are computed on (the data set's first target by default).
    pub target: String,
    /// Its position among the data set's targets.
    pub target_index: usize,
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
