//! `mclstm`: the Mass-Conserving LSTM (src/models/mclstm.rs), trained through Burn on any
//! device. Its mass inputs stay in mm/day and come first in every step; the other inputs and
//! the static attributes follow, normalised; the target stays in mm/day, since the model's
//! outflow is runoff itself.

use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::columns::SelectedColumns;
use super::{burn_engine, Architecture, EngineRequest, InputNeeds};
use crate::checking::plan::ModelSpec;
use crate::models::mclstm::{McLstm, McLstmConfig, McLstmWeights};
use crate::models::weights::ModelWeights;
use crate::training::burn_engine::SequenceModel;
use crate::training::burn_random::seeded;
use crate::training::device::CpuBackend;
use crate::training::engine::Engine;

/// The `mclstm` architecture.
pub struct McLstmArchitecture;

impl Architecture for McLstmArchitecture {
    fn name(&self) -> &'static str {
        "mclstm"
    }

    fn input_needs(&self, model: &ModelSpec) -> InputNeeds {
        InputNeeds {
            unscaled_inputs: model.names("mass_inputs"),
            unscaled_targets: true,
        }
    }

    fn engine(&self, request: &EngineRequest) -> Result<Box<dyn Engine>, String> {
        let model = request.model;
        let mass = model.names("mass_inputs");
        let position = |name: &String| request.inputs.iter().position(|i| i == name);
        let mut columns: Vec<usize> = mass.iter().filter_map(position).collect();
        if columns.len() != mass.len() {
            return Err(format!(
                "the mass inputs [{}] are not all among the inputs [{}]",
                mass.join(", "),
                request.inputs.join(", ")
            ));
        }
        let features = request.inputs.len() + request.statics;
        let rest: Vec<usize> = (0..features).filter(|c| !columns.contains(c)).collect();
        columns.extend(rest);
        let weights = match &request.weights {
            Some(ModelWeights::McLstm(weights)) => weights.clone(),
            _ => {
                let device = Default::default();
                let config = McLstmConfig::new(
                    mass.len(),
                    features - mass.len(),
                    model.integer("hidden") as usize,
                )
                .with_trash_cells(model.integer("trash_cells") as usize)
                .with_initial_output_bias(model.number("initial_output_bias"));
                seeded::<CpuBackend, _>(&device, request.seed, || {
                    config.init::<CpuBackend>(&device).to_weights()
                })
            }
        };
        let inner = burn_engine(request, weights.into(), 0.0)?;
        Ok(Box::new(SelectedColumns { columns, inner }))
    }
}

impl<B: Backend> SequenceModel<B> for McLstm<B> {
    type Weights = McLstmWeights;

    fn with_weights(weights: &McLstmWeights, _dropout: f64, device: &B::Device) -> Self {
        McLstm::from_weights(weights, device)
    }

    fn weights(&self) -> McLstmWeights {
        self.to_weights()
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.forward(x)
    }

    fn dropout_probability(&self) -> f64 {
        0.0
    }
}
