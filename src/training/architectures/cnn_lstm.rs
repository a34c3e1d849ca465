//! `cnn_lstm`: the CNN-LSTM of Li et al. (2023) (src/models/cnn_lstm.rs), trained through Burn
//! on any device. Its inputs are the cells of a `gridded` data set's variables, named like
//! `pre[3,2]`: the grid's shape is read from the names, the cells are gathered into frames
//! `[channels, rows, columns]`, and any other per-step features follow as extra features.

use burn::module::Module;
use burn::tensor::backend::Backend;
use burn::tensor::{s, Tensor};

use super::columns::SelectedColumns;
use super::records::{decode, encode};
use super::{burn_engine, Architecture, EngineRequest};
use crate::data::gridded::parse_cell_name;
use crate::models::cnn_lstm::{CnnLstm, CnnLstmConfig};
use crate::models::weights::{ModelWeights, RecordWeights};
use crate::training::burn_engine::SequenceModel;
use crate::training::burn_random::seeded;
use crate::training::device::CpuBackend;
use crate::training::engine::Engine;

/// A CNN-LSTM reading flat steps: the first `channels * height * width` features of a step
/// are its frame (channel, row, column order), the rest extra features.
#[derive(Module, Debug)]
pub struct GridCnnLstm<B: Backend> {
    /// The model.
    pub model: CnnLstm<B>,
    /// Its configuration, as JSON (the grid's shape, the layers).
    #[module(skip)]
    pub config: String,
}

impl<B: Backend> GridCnnLstm<B> {
    fn parsed(&self) -> CnnLstmConfig {
        serde_json::from_str(&self.config).expect("the configuration was written by serde")
    }
}

/// The record weights of a CNN-LSTM.
#[derive(Debug, Clone)]
pub struct CnnLstmRecord(pub RecordWeights);

impl From<CnnLstmRecord> for ModelWeights {
    fn from(weights: CnnLstmRecord) -> Self {
        ModelWeights::CnnLstm(weights.0)
    }
}

impl<B: Backend> SequenceModel<B> for GridCnnLstm<B> {
    type Weights = CnnLstmRecord;

    fn with_weights(weights: &CnnLstmRecord, _dropout: f64, device: &B::Device) -> Self {
        GridCnnLstm {
            model: decode(&weights.0, device, |c: &CnnLstmConfig| c.init(device)),
            config: weights.0.config.clone(),
        }
    }

    fn weights(&self) -> CnnLstmRecord {
        CnnLstmRecord(encode(
            self.config.clone(),
            &self.model,
            self.model.parameter_count(),
        ))
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        let config = self.parsed();
        let [batch, steps, features] = x.dims();
        let cells = config.channels * config.height * config.width;
        let frames = x.clone().slice(s![.., .., 0..cells]).reshape([
            batch,
            steps,
            config.channels,
            config.height,
            config.width,
        ]);
        let extra = (features > cells).then(|| x.slice(s![.., .., cells..features]));
        self.model.forward(frames, extra)
    }

    fn dropout_probability(&self) -> f64 {
        self.model.lstm.dropout.prob
    }
}

/// The `cnn_lstm` architecture.
pub struct CnnLstmArchitecture;

impl Architecture for CnnLstmArchitecture {
    fn name(&self) -> &'static str {
        "cnn_lstm"
    }

    fn engine(&self, request: &EngineRequest) -> Result<Box<dyn Engine>, String> {
        let (columns, channels, height, width) = grid_columns(request.inputs)?;
        let features = request.inputs.len() + request.statics;
        let mut order = columns.clone();
        order.extend((0..features).filter(|c| !columns.contains(c)));
        let model = request.model;
        let mut config = CnnLstmConfig::new(channels, height, width, request.outputs)
            .with_kernel(model.integer("kernel") as usize)
            .with_stride(model.integer("stride") as usize)
            .with_lstm_hidden(model.integer("hidden") as usize)
            .with_lstm_layers(model.integer("layers") as usize)
            .with_dropout(model.number("dropout"))
            .with_initial_forget_bias(model.number("initial_forget_bias"))
            .with_extra(features - columns.len());
        if let Some(channels) = model.numbers("conv_channels") {
            config = config.with_conv_channels(channels.iter().map(|&c| c as usize).collect());
        }
        config.cnn_features().map_err(|e| e.to_string())?;
        let weights = match &request.weights {
            Some(ModelWeights::CnnLstm(weights)) => CnnLstmRecord(weights.clone()),
            _ => {
                let device = Default::default();
                seeded::<CpuBackend, _>(&device, request.seed, || {
                    GridCnnLstm {
                        model: config.init::<CpuBackend>(&device),
                        config: serde_json::to_string(&config).expect("a configuration serialises"),
                    }
                    .weights()
                })
            }
        };
        let inner = burn_engine(request, weights.into(), model.number("dropout"))?;
        Ok(Box::new(SelectedColumns {
            columns: order,
            inner,
        }))
    }
}

/// The positions of the grid cells among `inputs` in frame order (variable, row, column), and
/// the frame's channels, rows and columns; an error unless every cell of every variable is
/// there.
fn grid_columns(inputs: &[String]) -> Result<(Vec<usize>, usize, usize, usize), String> {
    let cells: Vec<(usize, &str, usize, usize)> = inputs
        .iter()
        .enumerate()
        .filter_map(|(k, name)| parse_cell_name(name).map(|(v, y, x)| (k, v, y, x)))
        .collect();
    let mut variables: Vec<&str> = Vec::new();
    for &(_, v, _, _) in &cells {
        if !variables.contains(&v) {
            variables.push(v);
        }
    }
    let height = cells.iter().map(|c| c.2 + 1).max().unwrap_or(0);
    let width = cells.iter().map(|c| c.3 + 1).max().unwrap_or(0);
    if cells.is_empty() || cells.len() != variables.len() * height * width {
        return Err(format!(
            "the CNN-LSTM needs every cell of a grid among its inputs; found {} grid cells of {} variables on a {height} x {width} grid",
            cells.len(),
            variables.len()
        ));
    }
    let mut columns = vec![0; cells.len()];
    for &(k, v, y, x) in &cells {
        let channel = variables
            .iter()
            .position(|u| *u == v)
            .expect("collected above");
        columns[(channel * height + y) * width + x] = k;
    }
    Ok((columns, variables.len(), height, width))
}
