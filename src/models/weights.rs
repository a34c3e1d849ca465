//! Backend-neutral weights of the LSTM and the EA-LSTM: the one layout every training engine
//! reads and writes, and [`ModelWeights`], the weights of any architecture (the MC-LSTM's and
//! EXP-HYDRO's are defined beside their modules).
//!
//! LSTM gate blocks are stacked in the order (input, forget, cell candidate, output), as in
//! PyTorch, so weights convert one to one between the fused CPU engine, the Burn module and
//! peers. The EA-LSTM keeps the last three of these blocks and computes its input gate from the
//! static attributes instead.

use serde::{Deserialize, Serialize};

use crate::models::exphydro::ExpHydroParameters;
use crate::models::mclstm::McLstmWeights;

/// Sizes of a sequence-to-one LSTM with a linear head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LstmShape {
    /// Features per time step (dynamic inputs plus any static attributes concatenated to them).
    pub inputs: usize,
    /// Size of the hidden and cell state.
    pub hidden: usize,
    /// Values predicted per sample (one per target).
    pub outputs: usize,
}

/// All trainable parameters of the LSTM and its head, as flat row-major `f32` arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LstmWeights {
    /// Sizes the arrays below are laid out for.
    pub shape: LstmShape,
    /// Input-to-gates matrix, `[4 * hidden][inputs]`.
    pub w_ih: Vec<f32>,
    /// Hidden-to-gates matrix, `[4 * hidden][hidden]`.
    pub w_hh: Vec<f32>,
    /// Gate bias, `[4 * hidden]` (a single bias; PyTorch's two biases sum into it).
    pub bias: Vec<f32>,
    /// Head matrix, `[outputs][hidden]`.
    pub head_w: Vec<f32>,
    /// Head bias, `[outputs]`.
    pub head_b: Vec<f32>,
}

impl LstmWeights {
    /// Number of trainable values.
    pub fn parameter_count(&self) -> usize {
        self.w_ih.len() + self.w_hh.len() + self.bias.len() + self.head_w.len() + self.head_b.len()
    }
}

/// Sizes of a sequence-to-one EA-LSTM (Kratzert et al. 2019, Eq. 7-12) with a linear head.
///
/// Its inputs per time step are the `dynamic` inputs followed by the `statics` static
/// attributes (repeated at every step, as in a [`Batch`](crate::data::windows::Batch)); the
/// static attributes are read at the first step only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EaLstmShape {
    /// Dynamic inputs per time step (the meteorological forcings).
    pub dynamic: usize,
    /// Static attributes of the basin, feeding the input gate.
    pub statics: usize,
    /// Size of the hidden and cell state.
    pub hidden: usize,
    /// Values predicted per sample (one per target).
    pub outputs: usize,
}

impl EaLstmShape {
    /// Features per time step of a batch: the dynamic inputs, then the static attributes.
    pub fn features(&self) -> usize {
        self.dynamic + self.statics
    }
}

/// All trainable parameters of the EA-LSTM and its head, as flat row-major `f32` arrays.
///
/// The input gate `i = sigmoid(static_w x_s + static_b)` depends on the static attributes `x_s`
/// only and is constant over time (Eq. 7). The three time-varying gates are stacked in the
/// order (forget, cell candidate, output), as the LSTM's last three blocks:
/// `[f, g, o][t] = act(w_ih x_d[t] + w_hh h[t-1] + bias)` (Eq. 8-10), and
/// `c[t] = f[t] * c[t-1] + i * g[t]`, `h[t] = o[t] * tanh(c[t])` (Eq. 11-12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EaLstmWeights {
    /// Sizes the arrays below are laid out for.
    pub shape: EaLstmShape,
    /// Static-attributes-to-input-gate matrix `W_i`, `[hidden][statics]`.
    pub static_w: Vec<f32>,
    /// Input-gate bias `b_i`, `[hidden]`.
    pub static_b: Vec<f32>,
    /// Dynamic-inputs-to-gates matrix, `[3 * hidden][dynamic]`, blocks (forget, cell, output).
    pub w_ih: Vec<f32>,
    /// Hidden-to-gates matrix, `[3 * hidden][hidden]`, blocks (forget, cell, output).
    pub w_hh: Vec<f32>,
    /// Bias of the time-varying gates, `[3 * hidden]`, blocks (forget, cell, output).
    pub bias: Vec<f32>,
    /// Head matrix, `[outputs][hidden]`.
    pub head_w: Vec<f32>,
    /// Head bias, `[outputs]`.
    pub head_b: Vec<f32>,
}

impl EaLstmWeights {
    /// Number of trainable values.
    pub fn parameter_count(&self) -> usize {
        self.static_w.len()
            + self.static_b.len()
            + self.w_ih.len()
            + self.w_hh.len()
            + self.bias.len()
            + self.head_w.len()
            + self.head_b.len()
    }

    /// The input gate `i = sigmoid(W_i x_s + b_i)` (`[hidden]`, each in `(0, 1)`) of a basin
    /// with the (normalised) static attributes `statics`: the basin's embedding, constant over
    /// time, which weighs how much of the cell input is written into each cell state.
    ///
    /// # Panics
    /// If `statics` does not hold `shape.statics` values.
    pub fn input_gates(&self, statics: &[f32]) -> Vec<f32> {
        assert_eq!(
            statics.len(),
            self.shape.statics,
            "one value per static attribute"
        );
        let columns = self.shape.statics;
        (0..self.shape.hidden)
            .map(|gate| {
                let row = &self.static_w[gate * columns..(gate + 1) * columns];
                let z =
                    self.static_b[gate] + row.iter().zip(statics).map(|(w, s)| w * s).sum::<f32>();
                1.0 / (1.0 + (-z).exp())
            })
            .collect()
    }
}

/// The weights of any model the engines train.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelWeights {
    /// A sequence-to-one LSTM.
    Lstm(LstmWeights),
    /// A sequence-to-one EA-LSTM.
    EaLstm(EaLstmWeights),
    /// A sequence-to-one MC-LSTM.
    McLstm(McLstmWeights),
    /// Differentiable EXP-HYDRO.
    ExpHydro(ExpHydroParameters),
    /// A CNN-LSTM.
    CnnLstm(RecordWeights),
    /// An LSTM of several layers.
    StackedLstm(RecordWeights),
}

/// Weights of a model kept as a Burn module (the CNN-LSTM, the stacked LSTM): its configuration
/// and its parameters as a Burn record (binary, full precision), which loads into the module
/// on any backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordWeights {
    /// The module's configuration (`CnnLstmConfig`, `StackedLstmConfig`) as JSON.
    pub config: String,
    /// The module's record.
    pub record: Vec<u8>,
    /// Number of trainable values.
    pub parameters: usize,
}

impl ModelWeights {
    /// Number of trainable values.
    pub fn parameter_count(&self) -> usize {
        match self {
            ModelWeights::Lstm(weights) => weights.parameter_count(),
            ModelWeights::EaLstm(weights) => weights.parameter_count(),
            ModelWeights::McLstm(weights) => weights.parameter_count(),
            ModelWeights::ExpHydro(weights) => weights.parameter_count(),
            ModelWeights::CnnLstm(weights) | ModelWeights::StackedLstm(weights) => {
                weights.parameters
            }
        }
    }
}

impl From<McLstmWeights> for ModelWeights {
    fn from(weights: McLstmWeights) -> Self {
        ModelWeights::McLstm(weights)
    }
}

impl From<ExpHydroParameters> for ModelWeights {
    fn from(weights: ExpHydroParameters) -> Self {
        ModelWeights::ExpHydro(weights)
    }
}

impl From<LstmWeights> for ModelWeights {
    fn from(weights: LstmWeights) -> Self {
        ModelWeights::Lstm(weights)
    }
}

impl From<EaLstmWeights> for ModelWeights {
    fn from(weights: EaLstmWeights) -> Self {
        ModelWeights::EaLstm(weights)
    }
}
