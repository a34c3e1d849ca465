//! The model architectures a script can train, looked up by the name of its `model`
//! declaration. Each architecture says how the data must be prepared for it (which inputs stay in
//! physical units, whether the targets are normalised, which columns it reads) and builds the
//! engine that trains it on a device. Adding an architecture is one file here plus one line in
//! [`ARCHITECTURES`] (and its parameter table in `checking/library/`).

mod cnn_lstm;
mod columns;
mod ealstm;
mod exphydro;
mod lstm;
mod mclstm;
mod records;

pub use cnn_lstm::{CnnLstmRecord, GridCnnLstm};
pub use lstm::StackedLstmRecord;

use crate::checking::plan::ModelSpec;
use crate::models::weights::ModelWeights;
use crate::training::device::DeviceKind;
use crate::training::engine::{AdamSettings, Engine};

/// How a data set is prepared for an architecture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InputNeeds {
    /// Dynamic inputs left in physical units instead of being normalised (mass inputs).
    pub unscaled_inputs: Vec<String>,
    /// Whether the targets stay in physical units (models that predict fluxes directly).
    pub unscaled_targets: bool,
}

/// What an engine is built for: the model's settings and the batches it will see.
#[derive(Debug, Clone)]
pub struct EngineRequest<'a> {
    /// The model declaration.
    pub model: &'a ModelSpec,
    /// Names of the dynamic inputs, in the order of a batch's first features.
    pub inputs: &'a [String],
    /// Static attributes following the dynamic inputs in every step of a batch.
    pub statics: usize,
    /// Values predicted per sample.
    pub outputs: usize,
    /// Seed of the initial weights and of dropout.
    pub seed: u64,
    /// Optimiser settings.
    pub adam: AdamSettings,
    /// Where to train.
    pub device: DeviceKind,
    /// CPU engine: `fused` (hand-written kernels, where the architecture has them) or `burn`.
    pub cpu_engine: &'a str,
    /// Start from these weights instead of drawing new ones (e.g. the best epoch's).
    pub weights: Option<ModelWeights>,
}

/// A trainable architecture.
pub trait Architecture: Sync {
    /// Its name in scripts.
    fn name(&self) -> &'static str;

    /// How the data must be prepared for `model` (by default: everything normalised).
    fn input_needs(&self, model: &ModelSpec) -> InputNeeds {
        let _ = model;
        InputNeeds::default()
    }

    /// An engine holding initial (or the requested) weights.
    fn engine(&self, request: &EngineRequest) -> Result<Box<dyn Engine>, String>;

    /// The name of the engine that [`Architecture::engine`] builds for `request`, for the log.
    fn engine_name(&self, request: &EngineRequest) -> &'static str {
        let _ = request;
        "burn"
    }
}

/// Every architecture, by name.
pub const ARCHITECTURES: &[&dyn Architecture] = &[
    &lstm::LstmArchitecture,
    &ealstm::EaLstmArchitecture,
    &mclstm::McLstmArchitecture,
    &exphydro::ExpHydroArchitecture,
    &cnn_lstm::CnnLstmArchitecture,
];

/// The architecture called `name`.
///
/// # Panics
/// If there is none (the checker only lets registered names through).
pub fn architecture(name: &str) -> &'static dyn Architecture {
    ARCHITECTURES
        .iter()
        .copied()
        .find(|a| a.name() == name)
        .unwrap_or_else(|| panic!("no architecture `{name}` is registered"))
}

/// Whether the request asks for the fused CPU kernels (for architectures that have them).
fn fused_on_cpu(request: &EngineRequest) -> bool {
    request.device == DeviceKind::Cpu && request.cpu_engine == "fused"
}

/// The Burn engine for `weights` on the request's device (the error says how to get the device).
fn burn_engine(
    request: &EngineRequest,
    weights: ModelWeights,
    dropout: f64,
) -> Result<Box<dyn Engine>, String> {
    request
        .device
        .burn_engine(weights, request.adam, dropout, request.seed)
        .map_err(|e| e.to_string())
}
