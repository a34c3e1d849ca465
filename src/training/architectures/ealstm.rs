//! `ealstm`: the Entity-Aware LSTM (Kratzert et al. 2019), whose input gate is set by the static
//! attributes; trained on the fused CPU kernels, or through Burn on any device.

use super::{burn_engine, fused_on_cpu, Architecture, EngineRequest};
use crate::models::weights::{EaLstmShape, ModelWeights};
use crate::training::engine::Engine;
use crate::training::fused::{init_ealstm_weights, FusedEaLstm};

/// The `ealstm` architecture.
pub struct EaLstmArchitecture;

impl Architecture for EaLstmArchitecture {
    fn name(&self) -> &'static str {
        "ealstm"
    }

    fn engine(&self, request: &EngineRequest) -> Result<Box<dyn Engine>, String> {
        let model = request.model;
        let weights = match &request.weights {
            Some(ModelWeights::EaLstm(weights)) => weights.clone(),
            _ => {
                let shape = EaLstmShape {
                    dynamic: request.inputs.len(),
                    statics: request.statics,
                    hidden: model.integer("hidden") as usize,
                    outputs: request.outputs,
                };
                let forget_bias = model.number("initial_forget_bias") as f32;
                init_ealstm_weights(shape, request.seed, forget_bias)
            }
        };
        let dropout = model.number("dropout");
        if fused_on_cpu(request) {
            let engine = FusedEaLstm::new(weights, request.adam, dropout as f32, request.seed);
            return Ok(Box::new(engine));
        }
        burn_engine(request, weights.into(), dropout)
    }

    fn engine_name(&self, request: &EngineRequest) -> &'static str {
        if fused_on_cpu(request) {
            "fused"
        } else {
            "burn"
        }
    }
}
