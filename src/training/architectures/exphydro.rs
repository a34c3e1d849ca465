//! `exphydro`: differentiable EXP-HYDRO (src/models/exphydro.rs), trained through Burn on any
//! device with the networks' loop. It reads precipitation, maximum and minimum temperature and
//! day length in physical units and predicts runoff in mm/day, so nothing is normalised.

use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::columns::SelectedColumns;
use super::{burn_engine, Architecture, EngineRequest, InputNeeds};
use crate::checking::library::EXPHYDRO_INPUTS;
use crate::checking::plan::ModelSpec;
use crate::models::exphydro::{ExpHydro, ExpHydroConfig, ExpHydroParameters};
use crate::models::weights::ModelWeights;
use crate::training::burn_engine::SequenceModel;
use crate::training::engine::Engine;

/// The `exphydro` architecture.
pub struct ExpHydroArchitecture;

impl Architecture for ExpHydroArchitecture {
    fn name(&self) -> &'static str {
        "exphydro"
    }

    fn input_needs(&self, _model: &ModelSpec) -> InputNeeds {
        InputNeeds {
            unscaled_inputs: EXPHYDRO_INPUTS.iter().map(|s| s.to_string()).collect(),
            unscaled_targets: true,
        }
    }

    fn engine(&self, request: &EngineRequest) -> Result<Box<dyn Engine>, String> {
        let columns = EXPHYDRO_INPUTS
            .iter()
            .map(|name| {
                request
                    .inputs
                    .iter()
                    .position(|i| i == name)
                    .ok_or_else(|| format!("EXP-HYDRO needs the input `{name}`"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let weights = match &request.weights {
            Some(ModelWeights::ExpHydro(weights)) => *weights,
            _ => ExpHydroConfig::new()
                .with_step_sharpness(request.model.number("step_sharpness"))
                .with_initial_soil_fraction(request.model.number("initial_soil_fraction"))
                .parameters(),
        };
        let inner = burn_engine(request, weights.into(), 0.0)?;
        Ok(Box::new(SelectedColumns { columns, inner }))
    }
}

impl<B: Backend> SequenceModel<B> for ExpHydro<B> {
    type Weights = ExpHydroParameters;

    fn with_weights(weights: &ExpHydroParameters, _dropout: f64, device: &B::Device) -> Self {
        ExpHydro::from_weights(weights, device)
    }

    fn weights(&self) -> ExpHydroParameters {
        self.to_weights()
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.forward(x)
    }

    fn dropout_probability(&self) -> f64 {
        0.0
    }
}
