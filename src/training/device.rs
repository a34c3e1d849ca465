//! The device a model trains and runs on, and the Burn backend behind each.
//!
//! Code that works on any backend implements [`BackendTask`]; [`DeviceKind::run`] picks the
//! backend for the device chosen at run time (`--device cpu` or `--device cuda`) and runs it.

use std::fmt;
use std::str::FromStr;

use burn::backend::Autodiff;

use crate::models::ealstm::EaLstm;
use crate::models::exphydro::ExpHydro;
use crate::models::mclstm::McLstm;
use crate::models::stacked_lstm::StackedLstm;
use crate::models::weights::ModelWeights;
use crate::training::architectures::{CnnLstmRecord, GridCnnLstm, StackedLstmRecord};
use crate::training::burn_engine::BurnEngine;
use crate::training::engine::{AdamSettings, Engine};
use crate::training::fused::backend::AutodiffLstmBackend;

/// The CPU backend: `ndarray`, single precision.
pub type CpuBackend = burn::backend::NdArray<f32>;

/// The NVIDIA GPU backend: CUDA through CubeCL, single precision.
#[cfg(feature = "cuda")]
pub type CudaBackend = burn::backend::Cuda<f32>;

/// Where models train and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DeviceKind {
    /// The CPU (the default).
    #[default]
    Cpu,
    /// The first NVIDIA GPU, through CUDA (needs a build with the `cuda` feature).
    Cuda,
}

impl DeviceKind {
    /// The devices one may name, in the spelling [`FromStr`] accepts.
    pub const NAMES: [&'static str; 2] = ["cpu", "cuda"];

    /// Whether this build can run on the device.
    pub fn is_available(self) -> bool {
        match self {
            DeviceKind::Cpu => true,
            DeviceKind::Cuda => cfg!(feature = "cuda"),
        }
    }

    /// Runs `task` on this device's autodiff backend and returns its output, or an error when
    /// this build cannot use the device.
    pub fn run<T: BackendTask>(self, task: T) -> Result<T::Output, DeviceError> {
        match self {
            DeviceKind::Cpu => Ok(task.run::<Autodiff<CpuBackend>>(Default::default())),
            #[cfg(feature = "cuda")]
            DeviceKind::Cuda => Ok(task.run::<Autodiff<CudaBackend>>(Default::default())),
            #[cfg(not(feature = "cuda"))]
            DeviceKind::Cuda => Err(DeviceError::CudaNotBuilt),
        }
    }

    /// A Burn training engine on this device, holding `weights` of any architecture (see
    /// [`BurnEngine::new`]).
    pub fn burn_engine(
        self,
        weights: impl Into<ModelWeights>,
        adam: AdamSettings,
        dropout: f64,
        seed: u64,
    ) -> Result<Box<dyn Engine>, DeviceError> {
        self.run(NewEngine {
            weights: weights.into(),
            adam,
            dropout,
            seed,
        })
    }
}

/// Generic code to run on whichever backend the chosen device needs.
pub trait BackendTask {
    /// What the task returns.
    type Output;
    /// Runs the task on backend `B` (an autodiff backend; its inner backend serves inference;
    /// both run the LSTM recurrence as one operation).
    fn run<B: AutodiffLstmBackend>(self, device: B::Device) -> Self::Output;
}

/// The task of building a [`BurnEngine`] behind a trait object.
struct NewEngine {
    weights: ModelWeights,
    adam: AdamSettings,
    dropout: f64,
    seed: u64,
}

impl BackendTask for NewEngine {
    type Output = Box<dyn Engine>;

    fn run<B: AutodiffLstmBackend>(self, device: B::Device) -> Box<dyn Engine> {
        let (adam, dropout, seed) = (self.adam, self.dropout, self.seed);
        match self.weights {
            ModelWeights::Lstm(weights) => {
                Box::new(BurnEngine::<B>::new(weights, adam, dropout, seed, device))
            }
            ModelWeights::EaLstm(weights) => Box::new(BurnEngine::<B, EaLstm<B>>::new(
                weights, adam, dropout, seed, device,
            )),
            ModelWeights::McLstm(weights) => Box::new(BurnEngine::<B, McLstm<B>>::new(
                weights, adam, 0.0, seed, device,
            )),
            ModelWeights::ExpHydro(weights) => Box::new(BurnEngine::<B, ExpHydro<B>>::new(
                weights, adam, 0.0, seed, device,
            )),
            ModelWeights::CnnLstm(weights) => Box::new(BurnEngine::<B, GridCnnLstm<B>>::new(
                CnnLstmRecord(weights),
                adam,
                dropout,
                seed,
                device,
            )),
            ModelWeights::StackedLstm(weights) => Box::new(BurnEngine::<B, StackedLstm<B>>::new(
                StackedLstmRecord(weights),
                adam,
                dropout,
                seed,
                device,
            )),
        }
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::Cuda => "cuda",
        })
    }
}

impl FromStr for DeviceKind {
    type Err = DeviceError;

    fn from_str(name: &str) -> Result<Self, DeviceError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceKind::Cpu),
            "cuda" => Ok(DeviceKind::Cuda),
            _ => Err(DeviceError::Unknown(name.to_string())),
        }
    }
}

/// A device that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum DeviceError {
    /// The name is not a device.
    #[error("unknown device `{0}`")]
    #[diagnostic(code(hydro::device::unknown), help("the devices are `cpu` and `cuda`"))]
    Unknown(String),
    /// CUDA was asked for, but this build has no CUDA backend.
    #[error("this build of hydro cannot use CUDA")]
    #[diagnostic(
        code(hydro::device::cuda_not_built),
        help(
            "rebuild with `cargo build --release --features cuda` (needs the NVIDIA driver at \
             run time), or train on the CPU with `--device cpu`"
        )
    )]
    CudaNotBuilt,
}
