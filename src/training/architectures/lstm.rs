//! `lstm`: a sequence-to-one LSTM, static attributes concatenated to every step; one layer
//! trains on the fused CPU kernels (or through Burn on any device), several stacked layers
//! ([`StackedLstm`]) through Burn.

use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::records::{decode, encode};
use super::{burn_engine, fused_on_cpu, Architecture, EngineRequest};
use crate::models::stacked_lstm::{StackedLstm, StackedLstmConfig};
use crate::models::weights::RecordWeights;
use crate::models::weights::{LstmShape, ModelWeights};
use crate::training::burn_engine::SequenceModel;
use crate::training::burn_random::seeded;
use crate::training::device::CpuBackend;
use crate::training::engine::Engine;
use crate::training::fused::{init_weights, FusedLstm};

/// The `lstm` architecture.
pub struct LstmArchitecture;

impl Architecture for LstmArchitecture {
    fn name(&self) -> &'static str {
        "lstm"
    }

    fn engine(&self, request: &EngineRequest) -> Result<Box<dyn Engine>, String> {
        let model = request.model;
        if model.integer("layers") > 1 {
            return stacked_engine(request);
        }
        let weights = match &request.weights {
            Some(ModelWeights::Lstm(weights)) => weights.clone(),
            _ => {
                let shape = LstmShape {
                    inputs: request.inputs.len() + request.statics,
                    hidden: model.integer("hidden") as usize,
                    outputs: request.outputs,
                };
                let forget_bias = model.number("initial_forget_bias") as f32;
                init_weights(shape, request.seed, forget_bias)
            }
        };
        let dropout = model.number("dropout");
        if fused_on_cpu(request) {
            let engine = FusedLstm::new(weights, request.adam, dropout as f32, request.seed);
            return Ok(Box::new(engine));
        }
        burn_engine(request, weights.into(), dropout)
    }

    fn engine_name(&self, request: &EngineRequest) -> &'static str {
        if request.model.integer("layers") == 1 && fused_on_cpu(request) {
            "fused"
        } else {
            "burn"
        }
    }
}

/// The Burn engine of an LSTM of several layers.
fn stacked_engine(request: &EngineRequest) -> Result<Box<dyn Engine>, String> {
    let model = request.model;
    let weights = match &request.weights {
        Some(ModelWeights::StackedLstm(weights)) => weights.clone(),
        _ => {
            let config = StackedLstmConfig::new(
                request.inputs.len() + request.statics,
                model.integer("hidden") as usize,
                request.outputs,
            )
            .with_layers(model.integer("layers") as usize)
            .with_dropout(model.number("dropout"))
            .with_initial_forget_bias(model.number("initial_forget_bias"));
            let device = Default::default();
            seeded::<CpuBackend, _>(&device, request.seed, || {
                record_weights(&config.init::<CpuBackend>(&device))
            })
        }
    };
    burn_engine(
        request,
        ModelWeights::StackedLstm(weights),
        model.number("dropout"),
    )
}

/// The record weights of a stacked LSTM module.
fn record_weights<B: Backend>(module: &StackedLstm<B>) -> RecordWeights {
    let config = StackedLstmConfig::new(
        module.layers[0].input.weight.dims()[0],
        module.hidden(),
        module.head.weight.dims()[1],
    )
    .with_layers(module.layers.len())
    .with_dropout(module.dropout.prob);
    let config = serde_json::to_string(&config).expect("a configuration serialises");
    encode(config, module, module.parameter_count())
}

/// The record weights of an LSTM of several layers.
#[derive(Debug, Clone)]
pub struct StackedLstmRecord(pub RecordWeights);

impl From<StackedLstmRecord> for ModelWeights {
    fn from(weights: StackedLstmRecord) -> Self {
        ModelWeights::StackedLstm(weights.0)
    }
}

impl<B: Backend> SequenceModel<B> for StackedLstm<B> {
    type Weights = StackedLstmRecord;

    fn with_weights(weights: &StackedLstmRecord, _dropout: f64, device: &B::Device) -> Self {
        decode(&weights.0, device, |c: &StackedLstmConfig| c.init(device))
    }

    fn weights(&self) -> StackedLstmRecord {
        StackedLstmRecord(record_weights(self))
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.forward(x)
    }

    fn dropout_probability(&self) -> f64 {
        self.dropout.prob
    }
}
