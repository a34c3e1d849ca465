//! Analysis and figure functions: what each reads (its positional inputs), its named parameters
//! and what it returns. The checker validates calls against this table; `evaluation::analyses`
//! holds one runner per entry, looked up by the same name.

use super::CallSpec;
use crate::checking::params::{Default, Param, ParamKind};

/// What a positional input of an analysis must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A training run (`train` declaration).
    Run,
    /// A training run or a sweep.
    RunOrSweep,
    /// A table (from `evaluate` or another analysis).
    Table,
    /// One table or a list of tables (e.g. one per model in a figure).
    Tables,
    /// A data set (`data` declaration).
    Data,
}

impl InputKind {
    /// How the input is described in diagnostics.
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::Run => "a training run",
            InputKind::RunOrSweep => "a training run or a sweep",
            InputKind::Table => "a table",
            InputKind::Tables => "a table or a list of tables",
            InputKind::Data => "a data set",
        }
    }
}

/// What an analysis returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// Tables, the first being the result itself and the others reachable as fields
    /// (`ig.lookback`).
    Tables(&'static [&'static str]),
    /// A figure, drawn when written (`write fig -> "name.png"`).
    Figure,
}

/// One analysis or figure function.
#[derive(Debug, Clone, Copy)]
pub struct Analysis {
    /// Name, documentation and named parameters.
    pub call: CallSpec,
    /// Positional inputs, in order.
    pub inputs: &'static [InputKind],
    /// What it returns.
    pub output: OutputKind,
}

impl Analysis {
    /// The name in scripts.
    pub fn name(&self) -> &'static str {
        self.call.name
    }
}

/// The analysis with this name.
pub fn analysis(name: &str) -> Option<&'static Analysis> {
    ANALYSES.iter().find(|a| a.call.name == name)
}

const PERIOD: Param = Param {
    name: "period",
    kind: ParamKind::Choice(&["train", "validation", "test"]),
    default: Default::Name("test"),
    doc: "which period of the data set",
};
const METRIC: Param = Param {
    name: "metric",
    kind: ParamKind::Name,
    default: Default::Name("nse"),
    doc: "the column (metric) compared or drawn",
};
const LABELS: Param = Param {
    name: "labels",
    kind: ParamKind::Texts,
    default: Default::Absent,
    doc: "legend labels, one per table (default: the runs' names)",
};
const TITLE: Param = Param {
    name: "title",
    kind: ParamKind::Text,
    default: Default::Absent,
    doc: "the figure's title",
};
const SEED: Param = Param {
    name: "seed",
    kind: ParamKind::Integer {
        min: 0,
        max: i64::MAX,
    },
    default: Default::Integer(1),
    doc: "seed of the random draws",
};
const BASINS: Param = Param {
    name: "basins",
    kind: ParamKind::Texts,
    default: Default::Absent,
    doc: "the basins analysed (default: all)",
};

/// Every analysis and figure function.
pub const ANALYSES: &[Analysis] = &[
    Analysis {
        call: CallSpec {
            name: "summarize",
            doc: "count, mean, std, percentiles and count at or below a threshold of every metric column",
            params: &[Param {
                name: "threshold",
                kind: ParamKind::Number {
                    min: f64::MIN,
                    max: f64::MAX,
                },
                default: Default::Number(0.0),
                doc: "values at or below it are counted (e.g. basins with NSE <= 0)",
            }],
        },
        inputs: &[InputKind::Table],
        output: OutputKind::Tables(&["summary"]),
    },
    Analysis {
        call: CallSpec {
            name: "spread",
            doc: "mean and standard deviation of every metric across one axis of a sweep's table (e.g. over seeds)",
            params: &[Param {
                name: "over",
                kind: ParamKind::Name,
                default: Default::Name("seed"),
                doc: "the axis the statistics run over",
            }],
        },
        inputs: &[InputKind::Table],
        output: OutputKind::Tables(&["spread"]),
    },
    Analysis {
        call: CallSpec {
            name: "compare",
            doc: "paired two-sided Wilcoxon signed-rank test and Cohen's d between two tables' metric, paired by basin (and sweep axes)",
            params: &[
                METRIC,
                Param {
                    name: "by",
                    kind: ParamKind::Name,
                    default: Default::Absent,
                    doc: "test separately per value of this column (e.g. `by = basin`: across seeds)",
                },
            ],
        },
        inputs: &[InputKind::Table, InputKind::Table],
        output: OutputKind::Tables(&["test"]),
    },
    Analysis {
        call: CallSpec {
            name: "predictions",
            doc: "observed and simulated series of a run over a period: date, basin, observed, simulated",
            params: &[PERIOD],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["series"]),
    },
    Analysis {
        call: CallSpec {
            name: "signatures",
            doc: "the 13 hydrological signatures (Addor et al. 2018) of each basin's observed streamflow",
            params: &[PERIOD, Param {
                name: "precipitation",
                kind: ParamKind::Name,
                default: Default::Name("prcp"),
                doc: "the input holding precipitation (mm/day), for the runoff ratio and elasticity",
            }],
        },
        inputs: &[InputKind::Data],
        output: OutputKind::Tables(&["signatures"]),
    },
    Analysis {
        call: CallSpec {
            name: "attributes",
            doc: "the static attributes of each basin of a data set, raw (physical units)",
            params: &[],
        },
        inputs: &[InputKind::Data],
        output: OutputKind::Tables(&["attributes"]),
    },
    Analysis {
        call: CallSpec {
            name: "integrated_gradients",
            doc: "Integrated Gradients of the prediction w.r.t. the inputs: per-feature shares, cumulative over the look-back, by season",
            params: &[
                PERIOD,
                BASINS,
                Param {
                    name: "baseline",
                    kind: ParamKind::Choice(&["zero", "mean"]),
                    default: Default::Name("zero"),
                    doc: "reference input: `zero` (physical zero of every input) or `mean` (the training mean)",
                },
                Param {
                    name: "steps",
                    kind: ParamKind::Integer { min: 1, max: 10_000 },
                    default: Default::Integer(50),
                    doc: "interpolation steps of the path integral",
                },
                Param {
                    name: "samples",
                    kind: ParamKind::Integer { min: 1, max: i64::MAX },
                    default: Default::Integer(365),
                    doc: "prediction days attributed per basin (evenly spread over the period)",
                },
            ],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["features", "lookback", "seasons"]),
    },
    Analysis {
        call: CallSpec {
            name: "static_sensitivity",
            doc: "Morris-style sensitivity: mean absolute gradient of the prediction w.r.t. each static attribute, per basin, and its normalised ranking",
            params: &[PERIOD, BASINS],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["sensitivity", "ranking"]),
    },
    Analysis {
        call: CallSpec {
            name: "noise_robustness",
            doc: "NSE per basin when Gaussian noise N(0, sigma) is added to the normalised static inputs",
            params: &[
                PERIOD,
                Param {
                    name: "sigmas",
                    kind: ParamKind::Numbers { min: 0.0, max: 100.0 },
                    default: Default::Required,
                    doc: "standard deviations of the noise, e.g. [0.1, 0.2, 0.5, 1.0]",
                },
                Param {
                    name: "draws",
                    kind: ParamKind::Integer { min: 1, max: 10_000 },
                    default: Default::Integer(50),
                    doc: "noise draws per basin and sigma",
                },
                SEED,
            ],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["nse", "summary"]),
    },
    Analysis {
        call: CallSpec {
            name: "scenario",
            doc: "a hypothetical-input experiment: the run's simulation with one input changed, against the unchanged simulation",
            params: &[
                PERIOD,
                Param {
                    name: "input",
                    kind: ParamKind::Name,
                    default: Default::Required,
                    doc: "the input changed, e.g. prcp",
                },
                Param {
                    name: "change",
                    kind: ParamKind::OneOf(super::CHANGES),
                    default: Default::Required,
                    doc: "zero, replace(value), scale(factor), shift(by), sinusoid(period, amplitude, offset, phase) or constant(value, from_day, to_day)",
                },
                Param {
                    name: "units",
                    kind: ParamKind::Choice(&["physical", "scaled"]),
                    default: Default::Name("physical"),
                    doc: "whether values are in the input's units or in its min-max scaled units [0, 1]",
                },
                Param {
                    name: "precipitation",
                    kind: ParamKind::Name,
                    default: Default::Name("prcp"),
                    doc: "the input holding precipitation, for the water-balance ratio",
                },
            ],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["summary", "series"]),
    },
    Analysis {
        call: CallSpec {
            name: "cell_states",
            doc: "cell and hidden states at the last step of each day's look-back window",
            params: &[PERIOD, BASINS],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["states"]),
    },
    Analysis {
        call: CallSpec {
            name: "probe",
            doc: "linear-regression probe from the cell states to a variable the model was not trained on, fitted on one period and scored on another",
            params: &[
                Param {
                    name: "variable",
                    kind: ParamKind::Name,
                    default: Default::Required,
                    doc: "the probed variable: a target or input of the data set (e.g. et)",
                },
                Param {
                    name: "fit",
                    kind: ParamKind::Choice(&["train", "validation", "test"]),
                    default: Default::Name("train"),
                    doc: "the period the regression is fitted on",
                },
                PERIOD,
            ],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["scores", "series"]),
    },
    Analysis {
        call: CallSpec {
            name: "input_gates",
            doc: "the EA-LSTM's input gate of every basin (its embedding of the static attributes)",
            params: &[],
        },
        inputs: &[InputKind::Run],
        output: OutputKind::Tables(&["gates"]),
    },
    Analysis {
        call: CallSpec {
            name: "kmeans",
            doc: "k-means clustering of a table's rows (z-scored numeric columns) for each k, with mean and minimum silhouette",
            params: &[
                Param {
                    name: "k",
                    kind: ParamKind::Numbers { min: 2.0, max: 1000.0 },
                    default: Default::Required,
                    doc: "numbers of clusters, e.g. 2..15",
                },
                Param {
                    name: "restarts",
                    kind: ParamKind::Integer { min: 1, max: 10_000 },
                    default: Default::Integer(10),
                    doc: "k-means++ restarts per k (the lowest inertia is kept)",
                },
                SEED,
                Param {
                    name: "standardize",
                    kind: ParamKind::Choice(&["yes", "no"]),
                    default: Default::Name("yes"),
                    doc: "z-score the columns first (raw attributes have different units)",
                },
            ],
        },
        inputs: &[InputKind::Table],
        output: OutputKind::Tables(&["silhouette", "labels"]),
    },
    Analysis {
        call: CallSpec {
            name: "pca",
            doc: "principal-component projection of a table's rows (numeric columns)",
            params: &[Param {
                name: "components",
                kind: ParamKind::Integer { min: 1, max: 1000 },
                default: Default::Integer(2),
                doc: "number of components",
            }],
        },
        inputs: &[InputKind::Table],
        output: OutputKind::Tables(&["projection", "variance"]),
    },
    Analysis {
        call: CallSpec {
            name: "variance_reduction",
            doc: "fractional reduction of the variance of each column (e.g. signatures) by a clustering",
            params: &[Param {
                name: "k",
                kind: ParamKind::Integer { min: 2, max: 1000 },
                default: Default::Required,
                doc: "which clustering of the k-means labels table",
            }],
        },
        inputs: &[InputKind::Table, InputKind::Table],
        output: OutputKind::Tables(&["reduction"]),
    },
    Analysis {
        call: CallSpec {
            name: "cdf",
            doc: "figure: empirical CDFs of a metric, one curve per table",
            params: &[METRIC, LABELS, TITLE, Param {
                name: "x_min",
                kind: ParamKind::Number { min: f64::MIN, max: f64::MAX },
                default: Default::Absent,
                doc: "left end of the x axis (e.g. 0 for NSE; lower values are clipped)",
            }],
        },
        inputs: &[InputKind::Tables],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "boxplot",
            doc: "figure: box plots of a metric, grouped by a column (e.g. train_years), one box per table in each group",
            params: &[METRIC, LABELS, TITLE, Param {
                name: "x",
                kind: ParamKind::Name,
                default: Default::Absent,
                doc: "the grouping column (default: one group)",
            }],
        },
        inputs: &[InputKind::Tables],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "heatmap",
            doc: "figure: the numeric columns of a table as a heatmap, one row per table row",
            params: &[TITLE, Param {
                name: "value",
                kind: ParamKind::Text,
                default: Default::Absent,
                doc: "label of the colour bar",
            }],
        },
        inputs: &[InputKind::Table],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "scatter",
            doc: "figure: one column against another, one series per table, optionally with the 1:1 line",
            params: &[LABELS, TITLE,
                Param { name: "x", kind: ParamKind::Name, default: Default::Name("observed"), doc: "column on the x axis" },
                Param { name: "y", kind: ParamKind::Name, default: Default::Name("simulated"), doc: "column on the y axis" },
                Param { name: "identity", kind: ParamKind::Choice(&["yes", "no"]), default: Default::Name("yes"), doc: "draw the 1:1 line" },
            ],
        },
        inputs: &[InputKind::Tables],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "bars",
            doc: "figure: bars of a value column per category, one series per table",
            params: &[LABELS, TITLE,
                Param { name: "category", kind: ParamKind::Name, default: Default::Required, doc: "the column naming the bars" },
                Param { name: "value", kind: ParamKind::Name, default: Default::Required, doc: "the column giving their heights" },
            ],
        },
        inputs: &[InputKind::Tables],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "curves",
            doc: "figure: lines of y columns against an x column, for each table",
            params: &[LABELS, TITLE,
                Param { name: "x", kind: ParamKind::Name, default: Default::Required, doc: "the column on the x axis" },
                Param { name: "y", kind: ParamKind::Names(None), default: Default::Required, doc: "the columns drawn as lines" },
            ],
        },
        inputs: &[InputKind::Tables],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "basin_map",
            doc: "figure: the basins at their gauges' latitude and longitude, coloured by a column of a table",
            params: &[METRIC, TITLE],
        },
        inputs: &[InputKind::Table, InputKind::Data],
        output: OutputKind::Figure,
    },
    Analysis {
        call: CallSpec {
            name: "hydrograph",
            doc: "figure: observed flow and the simulation of a run, or a sweep's ensemble mean with the members' range as a band",
            params: &[PERIOD, TITLE, Param {
                name: "basin",
                kind: ParamKind::Text,
                default: Default::Absent,
                doc: "the basin drawn (default: the first)",
            }],
        },
        inputs: &[InputKind::RunOrSweep],
        output: OutputKind::Figure,
    },
];
