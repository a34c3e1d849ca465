//! The internal states of a trained model at the last step of each window: the hidden state
//! `h_T` and the cell state `c_T` of the LSTM and the EA-LSTM, and the MC-LSTM's water per cell
//! and outflow per cell.
//!
//! The backend operation the LSTM and the EA-LSTM run on (`LstmBackend::lstm_final_state`)
//! returns `h_T` only, so the recurrence runs again here with plain tensor operations on the
//! models' own parameters ([`Lstm::recurrence`], [`EaLstm::recurrence`]): the input projection
//! of all steps in one product, then per step `c = f * c + i * g`, `h = o * tanh(c)` from zero
//! states, arguments of the activations clamped to `±40` as in the models. The head applied to
//! these `h_T` reproduces the models' predictions to float rounding
//! ([`StateModel::predictions`]). The MC-LSTM's states come from
//! [`McLstm::forward_states`].
//!
//! The states are in the model's own units: dimensionless for the LSTM and the EA-LSTM (`h` in
//! `(-1, 1)`), for the MC-LSTM `c` is the water stored in each cell (mm) and `h` the outflow of
//! each cell at the last step (mm/day), the first `trash_cells` cells being the sink.

use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Tensor, TensorData};

use crate::data::windows::Batch;
use crate::models::ealstm::EaLstm;
use crate::models::lstm::{values, Lstm, LIMIT};
use crate::models::mclstm::McLstm;
use crate::models::weights::ModelWeights;
use crate::training::device::CpuBackend;
use crate::training::fused::backend::Recurrence;
use crate::training::fused::denormals::FlushDenormals;

/// The states of a batch of windows at their last step.
#[derive(Debug, Clone, PartialEq)]
pub struct States {
    /// Hidden state `h_T` of each window, `[size][hidden]` (the MC-LSTM: outflow per cell,
    /// mm/day).
    pub h: Vec<Vec<f32>>,
    /// Cell state `c_T` of each window, `[size][hidden]` (the MC-LSTM: water per cell, mm).
    pub c: Vec<Vec<f32>>,
}

impl States {
    /// Number of windows.
    pub fn size(&self) -> usize {
        self.c.len()
    }
}

/// A model whose internal states cannot be read: its architecture has no single cell state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {architecture} has no cell states to read; states are read from an lstm, an ealstm or an mclstm")]
pub struct UnsupportedModel {
    /// The architecture's name.
    pub architecture: &'static str,
}

/// A model whose states can be read, on the CPU backend.
#[derive(Debug)]
pub enum StateModel {
    /// A sequence-to-one LSTM.
    Lstm(Box<Lstm<CpuBackend>>),
    /// A sequence-to-one EA-LSTM.
    EaLstm(Box<EaLstm<CpuBackend>>),
    /// A sequence-to-one MC-LSTM.
    McLstm(Box<McLstm<CpuBackend>>),
}

impl StateModel {
    /// The model holding `weights`, or why its states cannot be read (EXP-HYDRO, the CNN-LSTM
    /// and the stacked LSTM).
    pub fn new(weights: &ModelWeights) -> Result<Self, UnsupportedModel> {
        let device = Default::default();
        match weights {
            ModelWeights::Lstm(w) => Ok(StateModel::Lstm(Box::new(Lstm::from_weights(
                w, 0.0, &device,
            )))),
            ModelWeights::EaLstm(w) => Ok(StateModel::EaLstm(Box::new(EaLstm::from_weights(
                w, 0.0, &device,
            )))),
            ModelWeights::McLstm(w) => Ok(StateModel::McLstm(Box::new(McLstm::from_weights(
                w, &device,
            )))),
            ModelWeights::ExpHydro(_) => Err(UnsupportedModel {
                architecture: "exphydro",
            }),
            ModelWeights::CnnLstm(_) => Err(UnsupportedModel {
                architecture: "cnn_lstm",
            }),
            ModelWeights::StackedLstm(_) => Err(UnsupportedModel {
                architecture: "stacked lstm",
            }),
        }
    }

    /// Size of the hidden and cell state (number of cells).
    pub fn hidden(&self) -> usize {
        match self {
            StateModel::Lstm(model) => model.shape().hidden,
            StateModel::EaLstm(model) => model.shape().hidden,
            StateModel::McLstm(model) => model.shape().hidden,
        }
    }

    /// The states of every window of `batch` at its last step.
    ///
    /// # Panics
    /// If the batch's features do not fit the model.
    pub fn states(&self, batch: &Batch) -> States {
        let hidden = self.hidden();
        if batch.size == 0 {
            return States {
                h: Vec::new(),
                c: Vec::new(),
            };
        }
        if batch.steps == 0 {
            let zeros = vec![vec![0.0; hidden]; batch.size];
            return States {
                h: zeros.clone(),
                c: zeros,
            };
        }
        let _flush = FlushDenormals::enable();
        let x = Tensor::<CpuBackend, 3>::from_data(
            TensorData::new(batch.x.clone(), [batch.size, batch.steps, batch.features]),
            &Default::default(),
        );
        let (h, c) = match self {
            StateModel::Lstm(model) => last_states(model.recurrence(x)),
            StateModel::EaLstm(model) => last_states(model.recurrence(x)),
            StateModel::McLstm(model) => {
                let states = model.forward_states(x);
                let last = |t: Tensor<CpuBackend, 3>| {
                    t.narrow(1, batch.steps - 1, 1)
                        .reshape([batch.size, hidden])
                };
                (last(states.outflow), last(states.cells))
            }
        };
        States {
            h: rows(values(h), hidden),
            c: rows(values(c), hidden),
        }
    }

    /// The model's predictions `[size][outputs]` computed from `states` alone: the head on `h_T`
    /// for the LSTM and the EA-LSTM (normalised targets), the summed outflow of the cells
    /// outside the sink for the MC-LSTM (runoff in mm/day).
    pub fn predictions(&self, states: &States) -> Vec<Vec<f32>> {
        let hidden = self.hidden();
        let h = || {
            let flat: Vec<f32> = states.h.iter().flatten().copied().collect();
            Tensor::<CpuBackend, 2>::from_data(
                TensorData::new(flat, [states.h.len(), hidden]),
                &Default::default(),
            )
        };
        let (outputs, flat) = match self {
            StateModel::Lstm(model) => (model.shape().outputs, values(model.head_forward(h()))),
            StateModel::EaLstm(model) => (model.shape().outputs, values(model.head_forward(h()))),
            StateModel::McLstm(model) => {
                let runoff = states
                    .h
                    .iter()
                    .map(|outflow| outflow[model.trash_cells..].iter().sum())
                    .collect();
                (1, runoff)
            }
        };
        rows(flat, outputs)
    }
}

/// The states `(h_T, c_T)` (`[batch, hidden]` each) of a recurrence run from zero states.
fn last_states(
    recurrence: Recurrence<CpuBackend>,
) -> (Tensor<CpuBackend, 2>, Tensor<CpuBackend, 2>) {
    let Recurrence {
        x,
        input_weights,
        recurrent_weights,
        bias,
        input_gate,
    } = recurrence;
    let [batch, steps, features] = x.dims();
    let [hidden, gates] = recurrent_weights.dims();
    let device = x.device();
    // The input projection of every step at once, `[batch, steps, gates]`.
    let projected = (x.reshape([batch * steps, features]).matmul(input_weights)
        + bias.unsqueeze::<2>())
    .reshape([batch, steps, gates]);
    // Position of the first gate computed per step (forget for the EA-LSTM, whose input gate
    // is given; input for the LSTM).
    let first = usize::from(input_gate.is_none());
    let mut h = Tensor::<CpuBackend, 2>::zeros([batch, hidden], &device);
    let mut c = Tensor::<CpuBackend, 2>::zeros([batch, hidden], &device);
    for t in 0..steps {
        let z = (projected.clone().narrow(1, t, 1).reshape([batch, gates])
            + h.matmul(recurrent_weights.clone()))
        .clamp(-LIMIT, LIMIT);
        let block = |k: usize| z.clone().narrow(1, k * hidden, hidden);
        let i = match &input_gate {
            Some(i) => i.clone(),
            None => sigmoid(block(0)),
        };
        let (f, g, o) = (
            sigmoid(block(first)),
            tanh(block(first + 1)),
            sigmoid(block(first + 2)),
        );
        c = f * c + i * g;
        h = o * tanh(c.clone().clamp(-LIMIT, LIMIT));
    }
    (h, c)
}

/// A flat row-major `[n][width]` array as rows.
fn rows(flat: Vec<f32>, width: usize) -> Vec<Vec<f32>> {
    if width == 0 {
        return Vec::new();
    }
    flat.chunks_exact(width).map(<[f32]>::to_vec).collect()
}
