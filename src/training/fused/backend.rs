//! The LSTM recurrence as a Burn backend extension, so Burn models stay generic over the backend
//! and still run on the fused kernels where a backend has them.
//!
//! [`LstmBackend`] extends Burn's `Backend` with one operation: run the recurrence over a window
//! ([`Recurrence`]: inputs `[batch, steps, features]`, input weights, recurrent weights and bias,
//! and for the EA-LSTM a constant input gate `[batch, hidden]`) and return the last hidden state
//! `h_T` `[batch, hidden]`, which is what the sequence-to-one models read.
//!
//! - `NdArray<f32>` runs the fused engine's forward kernels (the batch split into the same two
//!   shards, on two threads when the machine has them, denormals flushed to zero). Buffers of
//!   the last finished pass are kept for the next, as the fused engine keeps its own.
//! - `Autodiff<B>` for any `B: LstmBackend` runs `B`'s operation when no input needs a
//!   gradient, and otherwise records the operation with a custom backward step:
//!   when `B` has a fused kernel, the forward pass keeps its activations as the step's state and
//!   the backward step runs the fused backpropagation through time on them; otherwise it
//!   differentiates the straightforward path ([`Recurrence::straightforward_final_state`], plain
//!   tensor operations) with Burn's own autodiff.
//! - Backends without a fused kernel (`Cuda<f32>` with the `cuda` feature) run the
//!   straightforward path.
//!
//! The extension lives beside the fused kernels rather than with the models because its
//! `NdArray` implementation drives their shards directly; the models only call
//! [`Recurrence::final_state`] and keep their bound at `B: LstmBackend`.
//!
//! Gate blocks follow the models: (input, forget, cell candidate, output) for the LSTM, (forget,
//! cell candidate, output) for the EA-LSTM, whose input gate is the given activations. Weights
//! are in Burn's `[d_input, d_output]` layout: input weights `[features, gates]`, recurrent
//! weights `[hidden, gates]`, bias `[gates]`. For the fused kernels an EA-LSTM's window is an
//! EA-LSTM whose inputs hold no static attributes (`statics: Some(0)`), its gate being given.

use std::fmt;
use std::sync::{Arc, Mutex};

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::{Autodiff, NdArray};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::ops::FloatTensor;
use burn::tensor::{Tensor, TensorData, TensorPrimitive};

use super::denormals::FlushDenormals;
use super::engine::{add, for_each_shard, shard_range, transpose, SHARDS};
use super::parameters::CellShape;
use super::shard::{step_width, ModelView, Shard};
use crate::models::lstm::LIMIT;

/// One LSTM recurrence over a window: its inputs and gate weights, as tensors.
#[derive(Debug, Clone)]
pub struct Recurrence<B: Backend> {
    /// Inputs `[batch, steps, features]`.
    pub x: Tensor<B, 3>,
    /// Input-to-gates weights `[features, gates]`.
    pub input_weights: Tensor<B, 2>,
    /// Hidden-to-gates weights `[hidden, gates]`.
    pub recurrent_weights: Tensor<B, 2>,
    /// Gate bias `[gates]`.
    pub bias: Tensor<B, 1>,
    /// The EA-LSTM's constant input gate, activations `[batch, hidden]` (then `gates` is
    /// `3 * hidden`); `None` for the LSTM (`gates` is `4 * hidden`).
    pub input_gate: Option<Tensor<B, 2>>,
}

impl<B: Backend> Recurrence<B> {
    /// The last hidden state `h_T` `[batch, hidden]` (zero without steps), computed by the
    /// backend's implementation of the operation.
    pub fn final_state(self) -> Tensor<B, 2>
    where
        B: LstmBackend,
    {
        float(B::lstm_final_state(self.into_primitives()))
    }

    /// The last hidden state `h_T` `[batch, hidden]` computed with plain tensor operations: per
    /// step one product of the step's inputs and one of the previous hidden state with the
    /// weights, and all gate activations from one exponential over the gate block, as
    /// `sigmoid(z) = 1 / (1 + exp(-z))` and `tanh(z) = 2 / (1 + exp(-2z)) - 1`, arguments
    /// clamped to `±40`. It runs on any backend and Burn's autodiff differentiates it.
    ///
    /// The loop goes over the steps rather than projecting all steps in one product and slicing
    /// the result per step: the gradient of every slice of a tensor is a tensor of the full
    /// size, which would make the backward pass quadratic in the number of steps.
    ///
    /// # Panics
    /// If the sizes of the tensors do not fit together.
    pub fn straightforward_final_state(self) -> Tensor<B, 2> {
        let Recurrence {
            x,
            input_weights,
            recurrent_weights,
            bias,
            input_gate,
        } = self;
        let [batch, steps, features] = x.dims();
        let [hidden, gates] = recurrent_weights.dims();
        check_sizes(
            [batch, features, hidden, gates],
            input_weights.dims(),
            bias.dims(),
            input_gate.as_ref().map(Tensor::dims),
        );
        let device = x.device();
        // Step-major rows, so that every step's inputs are one contiguous block.
        let x = x.swap_dims(0, 1).reshape([steps, batch * features]);
        // Position of the first step gate (forget for the EA-LSTM, input for the LSTM) and of
        // the cell candidate among the gate blocks.
        let first = usize::from(input_gate.is_none());
        let candidate = first + 1;
        // Per gate block, the factor of the exponent, the scale and the offset.
        let block = |sigmoid_gate: f32, candidate_gate: f32| {
            let mut values = vec![sigmoid_gate; gates];
            values[candidate * hidden..(candidate + 1) * hidden].fill(candidate_gate);
            Tensor::<B, 2>::from_data(TensorData::new(values, [1, gates]), &device)
        };
        let exponent = block(-1.0, -2.0);
        let scale = block(1.0, 2.0);
        let offset = block(0.0, -1.0);
        let bias = bias.unsqueeze::<2>();
        let mut h = Tensor::<B, 2>::zeros([batch, hidden], &device);
        let mut c = Tensor::<B, 2>::zeros([batch, hidden], &device);
        let gate = |a: &Tensor<B, 2>, index: usize| {
            a.clone()
                .slice([0..batch, index * hidden..(index + 1) * hidden])
        };
        for t in 0..steps {
            let x_t = x.clone().narrow(0, t, 1).reshape([batch, features]);
            let z = x_t.matmul(input_weights.clone())
                + bias.clone()
                + h.matmul(recurrent_weights.clone());
            let e = (z.clamp(-LIMIT, LIMIT) * exponent.clone()).exp();
            let a = e.add_scalar(1.0).recip() * scale.clone() + offset.clone();
            let i = match &input_gate {
                Some(i) => i.clone(),
                None => gate(&a, 0),
            };
            let (f, g, o) = (gate(&a, first), gate(&a, candidate), gate(&a, first + 2));
            c = f * c + i * g;
            let e = (c.clone().clamp(-LIMIT, LIMIT) * -2.0).exp();
            h = o * (e.add_scalar(1.0).recip() * 2.0 - 1.0);
        }
        h
    }

    /// The tensors as backend primitives.
    fn into_primitives(self) -> RecurrencePrimitives<B> {
        RecurrencePrimitives {
            x: self.x.into_primitive().tensor(),
            input_weights: self.input_weights.into_primitive().tensor(),
            recurrent_weights: self.recurrent_weights.into_primitive().tensor(),
            bias: self.bias.into_primitive().tensor(),
            input_gate: self.input_gate.map(|gate| gate.into_primitive().tensor()),
        }
    }
}

/// A float tensor of backend `B` around `primitive`.
fn float<B: Backend, const D: usize>(primitive: FloatTensor<B>) -> Tensor<B, D> {
    Tensor::from_primitive(TensorPrimitive::Float(primitive))
}

/// Panics unless the sizes of a recurrence fit together: `sizes` is `[batch, features, hidden,
/// gates]`, the others are the dimensions of the input weights, the bias and the input gate.
fn check_sizes(
    sizes: [usize; 4],
    input_weights: [usize; 2],
    bias: [usize; 1],
    input_gate: Option<[usize; 2]>,
) {
    let [batch, features, hidden, gates] = sizes;
    let blocks = if input_gate.is_some() { 3 } else { 4 };
    assert_eq!(
        gates,
        blocks * hidden,
        "recurrent weights must be [hidden, {blocks} * hidden]"
    );
    assert_eq!(
        input_weights,
        [features, gates],
        "input weights must be [features, gates]"
    );
    assert_eq!(bias, [gates], "the bias must have one value per gate");
    if let Some(input_gate) = input_gate {
        assert_eq!(
            input_gate,
            [batch, hidden],
            "the input gate must be [batch, hidden]"
        );
    }
}

/// The tensors of a [`Recurrence`] as primitives of backend `B`, which the operations of
/// [`LstmBackend`] take.
#[derive(Debug, Clone)]
pub struct RecurrencePrimitives<B: Backend> {
    /// Inputs `[batch, steps, features]`.
    pub x: FloatTensor<B>,
    /// Input-to-gates weights `[features, gates]`.
    pub input_weights: FloatTensor<B>,
    /// Hidden-to-gates weights `[hidden, gates]`.
    pub recurrent_weights: FloatTensor<B>,
    /// Gate bias `[gates]`.
    pub bias: FloatTensor<B>,
    /// The EA-LSTM's constant input gate `[batch, hidden]`, `None` for the LSTM.
    pub input_gate: Option<FloatTensor<B>>,
}

impl<B: Backend> RecurrencePrimitives<B> {
    /// The primitives as tensors.
    pub fn into_tensors(self) -> Recurrence<B> {
        Recurrence {
            x: float(self.x),
            input_weights: float(self.input_weights),
            recurrent_weights: float(self.recurrent_weights),
            bias: float(self.bias),
            input_gate: self.input_gate.map(float),
        }
    }
}

/// Which gradients a backward pass must compute: those of the tensors of a [`Recurrence`] that
/// require one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WantedGradients {
    /// Of the inputs `x`.
    pub x: bool,
    /// Of the input weights.
    pub input_weights: bool,
    /// Of the recurrent weights.
    pub recurrent_weights: bool,
    /// Of the bias.
    pub bias: bool,
    /// Of the EA-LSTM's input gate.
    pub input_gate: bool,
}

impl WantedGradients {
    /// The flags of `tracked`, one per tensor in the order `x`, input weights, recurrent
    /// weights, bias and (when present) input gate.
    fn from_tracked(tracked: &[bool]) -> Self {
        let flag = |index: usize| tracked.get(index).copied().unwrap_or(false);
        Self {
            x: flag(0),
            input_weights: flag(1),
            recurrent_weights: flag(2),
            bias: flag(3),
            input_gate: flag(4),
        }
    }
}

/// Gradients of the loss with respect to the tensors of a [`Recurrence`], each present when it
/// was wanted.
#[derive(Debug)]
pub struct RecurrenceGradients<B: Backend> {
    /// Of the inputs, `[batch, steps, features]`.
    pub x: Option<FloatTensor<B>>,
    /// Of the input weights, `[features, gates]`.
    pub input_weights: Option<FloatTensor<B>>,
    /// Of the recurrent weights, `[hidden, gates]`.
    pub recurrent_weights: Option<FloatTensor<B>>,
    /// Of the bias, `[gates]`.
    pub bias: Option<FloatTensor<B>>,
    /// Of the EA-LSTM's input gate activations, `[batch, hidden]`.
    pub input_gate: Option<FloatTensor<B>>,
}

impl<B: Backend> RecurrenceGradients<B> {
    /// The gradients in the order of [`WantedGradients::from_tracked`].
    fn into_list(self) -> [Option<FloatTensor<B>>; 5] {
        [
            self.x,
            self.input_weights,
            self.recurrent_weights,
            self.bias,
            self.input_gate,
        ]
    }
}

/// A backend that runs the LSTM recurrence as one operation.
///
/// A backend with a fused kernel computes the forward pass keeping what its backward pass
/// needs ([`LstmBackend::lstm_final_state_keeping_history`]) and backpropagates through it
/// ([`LstmBackend::lstm_backward`]); `Autodiff` over it records the two as one custom step.
/// A backend without one sets `LstmHistory` to [`NoFusedKernel`] and returns `None` there, and
/// `Autodiff` over it differentiates the straightforward path instead.
pub trait LstmBackend: Backend {
    /// What the fused forward pass keeps for the fused backward pass.
    type LstmHistory: Clone + Send + fmt::Debug + 'static;

    /// The last hidden state `h_T` `[batch, hidden]` of `recurrence`.
    fn lstm_final_state(recurrence: RecurrencePrimitives<Self>) -> FloatTensor<Self>;

    /// The last hidden state of `recurrence` and the history of its fused forward pass, or
    /// `None` when this backend has no fused kernel.
    fn lstm_final_state_keeping_history(
        recurrence: &RecurrencePrimitives<Self>,
    ) -> Option<(FloatTensor<Self>, Self::LstmHistory)>;

    /// Backpropagates `final_state_gradient` (`dL/dh_T`, `[batch, hidden]`) through the
    /// forward pass that kept `history`, computing the `wanted` gradients.
    fn lstm_backward(
        history: Self::LstmHistory,
        final_state_gradient: FloatTensor<Self>,
        wanted: WantedGradients,
    ) -> RecurrenceGradients<Self>;
}

/// An autodiff backend whose forward and inference backends both run the recurrence as one
/// operation: what hydro's Burn training engine trains on.
pub trait AutodiffLstmBackend: LstmBackend + AutodiffBackend<InnerBackend: LstmBackend> {}

impl<B> AutodiffLstmBackend for B
where
    B: LstmBackend + AutodiffBackend,
    B::InnerBackend: LstmBackend,
{
}

/// The history of a backend without a fused kernel: there is none, so no value of this type
/// exists.
#[derive(Debug, Clone, Copy)]
pub enum NoFusedKernel {}

/// CUDA has no fused kernel: it runs the straightforward path, and its autodiff differentiates
/// that.
#[cfg(feature = "cuda")]
impl LstmBackend for burn::backend::Cuda<f32> {
    type LstmHistory = NoFusedKernel;

    fn lstm_final_state(recurrence: RecurrencePrimitives<Self>) -> FloatTensor<Self> {
        recurrence
            .into_tensors()
            .straightforward_final_state()
            .into_primitive()
            .tensor()
    }

    fn lstm_final_state_keeping_history(
        _recurrence: &RecurrencePrimitives<Self>,
    ) -> Option<(FloatTensor<Self>, NoFusedKernel)> {
        None
    }

    fn lstm_backward(
        history: NoFusedKernel,
        _final_state_gradient: FloatTensor<Self>,
        _wanted: WantedGradients,
    ) -> RecurrenceGradients<Self> {
        match history {}
    }
}

impl LstmBackend for NdArray<f32> {
    type LstmHistory = FusedHistory;

    fn lstm_final_state(recurrence: RecurrencePrimitives<Self>) -> FloatTensor<Self> {
        fused_forward(&recurrence, false).0
    }

    fn lstm_final_state_keeping_history(
        recurrence: &RecurrencePrimitives<Self>,
    ) -> Option<(FloatTensor<Self>, FusedHistory)> {
        let (final_state, pass) = fused_forward(recurrence, true);
        Some((final_state, FusedHistory(Arc::new(pass))))
    }

    fn lstm_backward(
        history: FusedHistory,
        final_state_gradient: FloatTensor<Self>,
        wanted: WantedGradients,
    ) -> RecurrenceGradients<Self> {
        fused_backward(
            Arc::unwrap_or_clone(history.0),
            final_state_gradient,
            wanted,
        )
    }
}

impl<B: LstmBackend, C: CheckpointStrategy> LstmBackend for Autodiff<B, C> {
    type LstmHistory = NoFusedKernel;

    fn lstm_final_state(recurrence: RecurrencePrimitives<Self>) -> FloatTensor<Self> {
        match recurrence.input_gate.is_some() {
            false => record::<B, C, 4>(recurrence),
            true => record::<B, C, 5>(recurrence),
        }
    }

    fn lstm_final_state_keeping_history(
        _recurrence: &RecurrencePrimitives<Self>,
    ) -> Option<(FloatTensor<Self>, NoFusedKernel)> {
        None
    }

    fn lstm_backward(
        history: NoFusedKernel,
        _final_state_gradient: FloatTensor<Self>,
        _wanted: WantedGradients,
    ) -> RecurrenceGradients<Self> {
        match history {}
    }
}

/// Runs `recurrence` (of `N` tensors: four for the LSTM, five with the EA-LSTM's input gate) on
/// the autodiff backend: untracked, on `B` directly; tracked, as one step whose backward runs
/// `B`'s fused backward pass, or through the straightforward path when `B` has no fused kernel.
fn record<B: LstmBackend, C: CheckpointStrategy, const N: usize>(
    recurrence: RecurrencePrimitives<Autodiff<B, C>>,
) -> FloatTensor<Autodiff<B, C>> {
    let nodes = [
        Some(&recurrence.x),
        Some(&recurrence.input_weights),
        Some(&recurrence.recurrent_weights),
        Some(&recurrence.bias),
        recurrence.input_gate.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|tensor| tensor.node.clone())
    .collect::<Vec<_>>();
    assert_eq!(nodes.len(), N, "a recurrence of {N} tensors");
    let inner = RecurrencePrimitives::<B> {
        x: recurrence.x.primitive.clone(),
        input_weights: recurrence.input_weights.primitive.clone(),
        recurrent_weights: recurrence.recurrent_weights.primitive.clone(),
        bias: recurrence.bias.primitive.clone(),
        input_gate: recurrence
            .input_gate
            .as_ref()
            .map(|gate| gate.primitive.clone()),
    };
    let step = <FusedRecurrenceBackward as Backward<B, N>>::prepare::<C>(
        FusedRecurrenceBackward,
        std::array::from_fn(|index| nodes[index].clone()),
    );
    match step.compute_bound().stateful() {
        OpsKind::UnTracked(prep) => prep.finish(B::lstm_final_state(inner)),
        OpsKind::Tracked(prep) => match B::lstm_final_state_keeping_history(&inner) {
            Some((final_state, history)) => prep.finish(history, final_state),
            None => recurrence
                .into_tensors()
                .straightforward_final_state()
                .into_primitive()
                .tensor(),
        },
    }
}

/// The backward step of a recurrence run by a fused kernel; its state is the kernel's history.
#[derive(Debug)]
struct FusedRecurrenceBackward;

impl<B: LstmBackend, const N: usize> Backward<B, N> for FusedRecurrenceBackward {
    type State = B::LstmHistory;

    fn backward(
        self,
        ops: Ops<Self::State, N>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let final_state_gradient = grads.consume::<B>(&ops.node);
        let tracked = ops.parents.each_ref().map(Option::is_some);
        let wanted = WantedGradients::from_tracked(&tracked);
        let gradients = B::lstm_backward(ops.state, final_state_gradient, wanted);
        for (parent, gradient) in ops.parents.iter().zip(gradients.into_list()) {
            if let (Some(parent), Some(gradient)) = (parent, gradient) {
                grads.register::<B>(parent.id, gradient);
            }
        }
    }
}

/// The history of a fused forward pass on `NdArray<f32>`: the shards with every step's
/// activations, and the weights in the layouts the kernels read. Shared between clones; the
/// backward pass takes it over (copying it only if a clone is still alive).
#[derive(Clone)]
pub struct FusedHistory(Arc<FusedPass>);

impl fmt::Debug for FusedHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pass = &self.0;
        f.debug_struct("FusedHistory")
            .field("shape", &pass.shape)
            .field("samples", &pass.samples)
            .field("steps", &pass.steps)
            .finish_non_exhaustive()
    }
}

/// A fused forward pass over a window and what its backward pass reads.
#[derive(Clone)]
struct FusedPass {
    /// Sizes the kernels ran with (`outputs` unused).
    shape: CellShape,
    /// Windows in the batch.
    samples: usize,
    /// Steps per window.
    steps: usize,
    /// Input weights, bias and recurrent weights stacked: `[features + 1 + hidden][gates]`.
    stacked_transposed: Vec<f32>,
    /// Recurrent weights as `[gates][hidden]`.
    recurrent_weights: Vec<f32>,
    /// The parts of the batch, with their buffers.
    shards: Vec<Shard>,
    /// Whether shards run on separate threads.
    parallel: bool,
    /// Where the tensors live.
    device: burn::tensor::Device<NdArray<f32>>,
}

impl FusedPass {
    /// The weights as the kernels read them.
    fn view(&self) -> ModelView<'_> {
        ModelView {
            shape: self.shape,
            stacked_transposed: &self.stacked_transposed,
            recurrent_weights: &self.recurrent_weights,
            static_transposed: &[],
        }
    }
}

/// The shards of the last finished pass, whose buffers the next pass reuses instead of
/// allocating and clearing them again (a training pass over a CAMELS batch of 256 windows of 365
/// days at hidden size 256 holds about 600 MB). At most one set is kept.
static SPARE_SHARDS: Mutex<Option<Vec<Shard>>> = Mutex::new(None);

/// Shards for a pass: the spare ones when there are, else new ones.
fn take_shards() -> Vec<Shard> {
    let spare = SPARE_SHARDS.lock().ok().and_then(|mut spare| spare.take());
    spare.unwrap_or_else(|| (0..SHARDS).map(|_| Shard::default()).collect())
}

/// Keeps the shards of a finished pass for the next one.
fn give_back(shards: Vec<Shard>) {
    if let Ok(mut spare) = SPARE_SHARDS.lock() {
        *spare = Some(shards);
    }
}

/// The values of a tensor of `NdArray<f32>`, row-major.
fn values<const D: usize>(tensor: Tensor<NdArray<f32>, D>) -> Vec<f32> {
    tensor
        .into_data()
        .into_vec::<f32>()
        .expect("NdArray<f32> holds f32 values")
}

/// The float tensor of `NdArray<f32>` holding `values` in shape `dims`.
fn tensor<const D: usize>(
    values: Vec<f32>,
    dims: [usize; D],
    device: &burn::tensor::Device<NdArray<f32>>,
) -> FloatTensor<NdArray<f32>> {
    Tensor::<NdArray<f32>, D>::from_data(TensorData::new(values, dims), device)
        .into_primitive()
        .tensor()
}

/// Runs the fused forward kernels over `recurrence`, keeping every step for the backward pass
/// when `history`; returns `h_T` and the pass.
fn fused_forward(
    recurrence: &RecurrencePrimitives<NdArray<f32>>,
    history: bool,
) -> (FloatTensor<NdArray<f32>>, FusedPass) {
    let _flush = FlushDenormals::enable();
    let Recurrence {
        x,
        input_weights,
        recurrent_weights,
        bias,
        input_gate,
    } = recurrence.clone().into_tensors();
    let [samples, steps, features] = x.dims();
    let [hidden, gates] = recurrent_weights.dims();
    check_sizes(
        [samples, features, hidden, gates],
        input_weights.dims(),
        bias.dims(),
        input_gate.as_ref().map(Tensor::dims),
    );
    let device = x.device();
    let shape = CellShape {
        inputs: features,
        statics: input_gate.is_some().then_some(0),
        hidden,
        outputs: 0,
    };
    let recurrent_rows = values(recurrent_weights);
    let mut stacked_transposed = values(input_weights);
    stacked_transposed.extend(values(bias));
    stacked_transposed.extend_from_slice(&recurrent_rows);
    debug_assert_eq!(stacked_transposed.len(), step_width(shape) * gates);
    let mut recurrent_weights = vec![0.0; gates * hidden];
    transpose(&recurrent_rows, hidden, gates, &mut recurrent_weights);
    let x = values(x);
    let input_gates = input_gate.map(values);
    let mut pass = FusedPass {
        shape,
        samples,
        steps,
        stacked_transposed,
        recurrent_weights,
        shards: Vec::new(),
        parallel: std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2),
        device,
    };
    let mut shards = take_shards();
    let view = pass.view();
    let window = steps * features;
    for_each_shard(&mut shards, samples, pass.parallel, |shard, range| {
        let x = &x[range.start * window..range.end * window];
        let gates = input_gates
            .as_deref()
            .map(|gates| &gates[range.start * hidden..range.end * hidden]);
        shard.forward(&view, x, gates, range.len(), steps, history);
    });
    let mut final_state = vec![0.0; samples * hidden];
    for (index, shard) in shards.iter().enumerate() {
        let range = shard_range(index, samples);
        shard.copy_final_state(
            shape,
            &mut final_state[range.start * hidden..range.end * hidden],
        );
    }
    if history {
        pass.shards = shards;
    } else {
        give_back(shards);
    }
    let final_state = tensor(final_state, [samples, hidden], &pass.device);
    (final_state, pass)
}

/// Runs the fused backward kernels from `final_state_gradient` through `pass`.
fn fused_backward(
    mut pass: FusedPass,
    final_state_gradient: FloatTensor<NdArray<f32>>,
    wanted: WantedGradients,
) -> RecurrenceGradients<NdArray<f32>> {
    let _flush = FlushDenormals::enable();
    let FusedPass {
        shape,
        samples,
        steps,
        ..
    } = pass;
    let CellShape {
        inputs: features,
        hidden,
        ..
    } = shape;
    let gates = shape.step_gates();
    let final_state_gradient = values(float::<_, 2>(final_state_gradient));
    let mut shards = std::mem::take(&mut pass.shards);
    let view = pass.view();
    for_each_shard(&mut shards, samples, pass.parallel, |shard, range| {
        let gradient = &final_state_gradient[range.start * hidden..range.end * hidden];
        shard.backward(&view, gradient, wanted.x);
    });
    let width = step_width(shape);
    let mut weights = vec![0.0; width * gates];
    for shard in &shards {
        add(&mut weights, &shard.weights_gradient[..width * gates]);
    }
    let bias_start = features * gates;
    let recurrent_start = bias_start + gates;
    let device = &pass.device;
    let wanted_tensor = |wanted: bool, range: std::ops::Range<usize>, dims: [usize; 2]| {
        wanted.then(|| tensor(weights[range].to_vec(), dims, device))
    };
    // Each shard's rows of a `[samples][row]` gradient, gathered in shard order.
    let gather = |row: usize, part: fn(&Shard) -> &[f32]| {
        let mut all = Vec::with_capacity(samples * row);
        for (index, shard) in shards.iter().enumerate() {
            let rows = shard_range(index, samples).len();
            all.extend_from_slice(&part(shard)[..rows * row]);
        }
        all
    };
    let gradients = RecurrenceGradients {
        x: wanted.x.then(|| {
            let values = gather(steps * features, |shard| &shard.input_gradient);
            tensor(values, [samples, steps, features], device)
        }),
        input_weights: wanted_tensor(wanted.input_weights, 0..bias_start, [features, gates]),
        recurrent_weights: wanted_tensor(
            wanted.recurrent_weights,
            recurrent_start..width * gates,
            [hidden, gates],
        ),
        bias: wanted.bias.then(|| {
            tensor(
                weights[bias_start..recurrent_start].to_vec(),
                [gates],
                device,
            )
        }),
        input_gate: (wanted.input_gate && shape.statics.is_some()).then(|| {
            let values = gather(hidden, |shard| &shard.input_gate_gradient);
            tensor(values, [samples, hidden], device)
        }),
    };
    give_back(shards);
    gradients
}
