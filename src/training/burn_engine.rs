//! The training engine on any Burn backend: a Burn model ([`Lstm`] or [`EaLstm`]), Burn's
//! autodiff and Adam.
//!
//! This is the backend-generic path (CPU through `ndarray`, NVIDIA GPUs through CUDA). The
//! models' recurrence is the backend operation of `training::fused::backend`: on the CPU
//! (`NdArray<f32>`) it runs the fused kernels, with their own backward pass under autodiff; on
//! other backends it is plain tensor operations, which Burn's autodiff differentiates (the
//! reference the fused kernels are checked against). The loss is evaluated in plain Rust on the
//! predictions; its gradient is fed back into the graph as the constant weights of a sum, so
//! `backward` of `sum(prediction * dloss/dprediction)` yields the parameter gradients.
//!
//! Gradient clipping rescales all parameter gradients together by one factor so that their
//! global L2 norm is at most the limit (PyTorch's `clip_grad_norm_`, with its `1e-6` guard).
//! Burn's own `GradientClippingConfig::Norm` clips each parameter tensor separately, so it is
//! not used.
//!
//! On the CPU, denormal floats are flushed to zero while the engine computes: gradients fading
//! back through hundreds of steps reach the denormal range, where x86 arithmetic is slow enough
//! to make a training step several times longer.

use burn::module::{AutodiffModule, Module, ModuleVisitor, Param};
use burn::optim::adaptor::OptimizerAdaptor;
use burn::optim::{Adam, AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{Tensor, TensorData};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::data::windows::Batch;
use crate::models::ealstm::EaLstm;
use crate::models::lstm::Lstm;
use crate::models::weights::{EaLstmWeights, LstmWeights, ModelWeights};
use crate::training::burn_random::seeded;
use crate::training::engine::{AdamSettings, Engine, Loss};
use crate::training::fused::backend::LstmBackend;
use crate::training::fused::denormals::FlushDenormals;

/// A sequence-to-one Burn model the engine trains: built from and read back as backend-neutral
/// weights, and run on batches of windows `[batch, steps, features]`.
pub trait SequenceModel<B: Backend>: Module<B> {
    /// Its backend-neutral weights.
    type Weights: Clone + Into<ModelWeights>;
    /// A model holding exactly `weights`, with dropout probability `dropout` on the last
    /// hidden state.
    fn with_weights(weights: &Self::Weights, dropout: f64, device: &B::Device) -> Self;
    /// A copy of the parameters.
    fn weights(&self) -> Self::Weights;
    /// Predictions `[batch, outputs]`.
    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2>;
    /// The dropout probability on the last hidden state.
    fn dropout_probability(&self) -> f64;
}

impl<B: LstmBackend> SequenceModel<B> for Lstm<B> {
    type Weights = LstmWeights;

    fn with_weights(weights: &LstmWeights, dropout: f64, device: &B::Device) -> Self {
        Lstm::from_weights(weights, dropout, device)
    }

    fn weights(&self) -> LstmWeights {
        self.to_weights()
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.forward(x)
    }

    fn dropout_probability(&self) -> f64 {
        self.dropout.prob
    }
}

impl<B: LstmBackend> SequenceModel<B> for EaLstm<B> {
    type Weights = EaLstmWeights;

    fn with_weights(weights: &EaLstmWeights, dropout: f64, device: &B::Device) -> Self {
        EaLstm::from_weights(weights, dropout, device)
    }

    fn weights(&self) -> EaLstmWeights {
        self.to_weights()
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        self.forward(x)
    }

    fn dropout_probability(&self) -> f64 {
        self.dropout.prob
    }
}

/// Added to the global gradient norm before dividing the limit by it (as in PyTorch).
const CLIP_GUARD: f32 = 1e-6;

/// An [`Engine`] running the model `M` (an [`Lstm`] unless said otherwise, or an [`EaLstm`]) on
/// the autodiff backend `B`.
pub struct BurnEngine<B: AutodiffBackend, M: AutodiffModule<B> = Lstm<B>> {
    /// The model being trained.
    model: M,
    /// Adam with its moment estimates.
    optimizer: OptimizerAdaptor<Adam, M, B>,
    /// Largest global gradient norm, if clipping.
    clip_grad_norm: Option<f32>,
    /// Seeds of the backend's generator, one per training step with dropout.
    seeds: ChaCha8Rng,
    /// The device tensors live on.
    device: B::Device,
}

impl<B, M> BurnEngine<B, M>
where
    B: AutodiffBackend,
    M: SequenceModel<B> + AutodiffModule<B>,
{
    /// An engine holding `weights` on `device`, optimised with Adam under `adam` (the step size
    /// comes with each [`Engine::train_step`]), with dropout probability `dropout` (in `[0, 1)`)
    /// on the last hidden state.
    ///
    /// Dropout masks come from the backend's generator, which is shared by everything on the
    /// device (by the whole process on the CPU). Before every training step with dropout the
    /// engine reseeds it from its own stream, started from `seed`, so an engine's masks do not
    /// depend on other engines trained in turn; engines trained at the same time on several
    /// threads would still share the generator.
    pub fn new(
        weights: M::Weights,
        adam: AdamSettings,
        dropout: f64,
        seed: u64,
        device: B::Device,
    ) -> Self {
        let optimizer = AdamConfig::new()
            .with_beta_1(adam.beta1)
            .with_beta_2(adam.beta2)
            .with_epsilon(adam.epsilon)
            .init();
        BurnEngine {
            model: M::with_weights(&weights, dropout, &device),
            optimizer,
            clip_grad_norm: adam.clip_grad_norm,
            seeds: ChaCha8Rng::seed_from_u64(seed),
            device,
        }
    }

    /// The model in its current state.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// A copy of the current parameters.
    pub fn weights(&self) -> M::Weights {
        self.model.weights()
    }

    /// The inputs of `batch` as a `[size, steps, features]` tensor on the engine's device.
    fn inputs<C: burn::tensor::backend::Backend<Device = B::Device>>(
        &self,
        batch: &Batch,
    ) -> Tensor<C, 3> {
        Tensor::from_data(
            TensorData::new(batch.x.clone(), [batch.size, batch.steps, batch.features]),
            &self.device,
        )
    }
}

impl<B, M> Engine for BurnEngine<B, M>
where
    B: AutodiffBackend,
    M: SequenceModel<B> + AutodiffModule<B>,
    M::InnerModule: SequenceModel<B::InnerBackend>,
{
    fn train_step(&mut self, batch: &Batch, loss: &dyn Loss, learning_rate: f32) -> f32 {
        let _flush = FlushDenormals::enable();
        let inputs = self.inputs::<B>(batch);
        let prediction = if self.model.dropout_probability() > 0.0 {
            seeded::<B, _>(&self.device, self.seeds.next_u64(), || {
                self.model.predict(inputs)
            })
        } else {
            self.model.predict(inputs)
        };
        let dims = prediction.dims();
        let values: Vec<f32> = prediction.clone().into_data().iter::<f32>().collect();
        let (value, gradient) = loss.value_and_gradient(&values, batch);
        let gradient = Tensor::<B, 2>::from_data(TensorData::new(gradient, dims), &self.device);
        let gradients = (prediction * gradient).sum().backward();
        let mut gradients = GradientsParams::from_grads(gradients, &self.model);
        if let Some(limit) = self.clip_grad_norm {
            clip_global_norm(&self.model, &mut gradients, limit);
        }
        self.model = self
            .optimizer
            .step(f64::from(learning_rate), self.model.clone(), gradients);
        value
    }

    fn predict(&mut self, batch: &Batch) -> Vec<f32> {
        let _flush = FlushDenormals::enable();
        let model = self.model.valid();
        let x = self.inputs::<B::InnerBackend>(batch);
        model.predict(x).into_data().iter::<f32>().collect()
    }

    fn model_weights(&self) -> ModelWeights {
        self.weights().into()
    }
}

/// Scales every gradient of `model` in `gradients` by `min(1, limit / (norm + 1e-6))`, where
/// `norm` is the L2 norm of all of them together.
fn clip_global_norm<B: AutodiffBackend, M: AutodiffModule<B>>(
    model: &M,
    gradients: &mut GradientsParams,
    limit: f32,
) {
    let mut squares = SquaredNorm::<B> {
        gradients,
        total: None,
    };
    model.visit(&mut squares);
    let Some(total) = squares.total else {
        return;
    };
    let limit = Tensor::<B::InnerBackend, 1>::from_data([limit], &total.device());
    let factor = (limit / total.sqrt().add_scalar(CLIP_GUARD)).clamp_max(1.0);
    model.visit(&mut Rescale::<B> { gradients, factor });
}

/// Sums the squares of all parameter gradients.
struct SquaredNorm<'a, B: AutodiffBackend> {
    gradients: &'a GradientsParams,
    total: Option<Tensor<B::InnerBackend, 1>>,
}

impl<B: AutodiffBackend> ModuleVisitor<B> for SquaredNorm<'_, B> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        if let Some(gradient) = self.gradients.get::<B::InnerBackend, D>(param.id) {
            let squares = gradient.square().sum();
            self.total = Some(match self.total.take() {
                Some(total) => total + squares,
                None => squares,
            });
        }
    }
}

/// Multiplies every parameter gradient by one factor.
struct Rescale<'a, B: AutodiffBackend> {
    gradients: &'a mut GradientsParams,
    factor: Tensor<B::InnerBackend, 1>,
}

impl<B: AutodiffBackend> ModuleVisitor<B> for Rescale<'_, B> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        if let Some(gradient) = self.gradients.remove::<B::InnerBackend, D>(param.id) {
            let scaled = gradient * self.factor.clone().unsqueeze::<D>();
            self.gradients.register(param.id, scaled);
        }
    }
}
