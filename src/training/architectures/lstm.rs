//! `lstm`: a sequence-to-one LSTM, static attributes concatenated to every step; trained on the
//! fused CPU kernels, or through Burn on any device.

use super::{burn_engine, Architecture, EngineRequest};
use crate::models::weights::{LstmShape, ModelWeights};
use crate::training::device::DeviceKind;
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
        if self.engine_name(request) == "fused" {
            let engine = FusedLstm::new(weights, request.adam, dropout as f32, request.seed);
            return Ok(Box::new(engine));
        }
        burn_engine(request, weights.into(), dropout)
    }

    fn engine_name(&self, request: &EngineRequest) -> &'static str {
        if request.device == DeviceKind::Cpu && request.cpu_engine == "fused" {
            "fused"
        } else {
            "burn"
        }
    }
}
