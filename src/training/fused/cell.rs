//! The element-wise half of an LSTM step: gate non-linearities and state updates, forward and
//! backward, in one sweep over a step's gate buffer, sample by sample.
//!
//! A gate row holds `4 * hidden` values per sample in the order (input, forget, cell candidate,
//! output). The forward pass turns pre-activations into activations in place (the EA-LSTM's
//! input gate arrives activated, as it is the same at every step); the backward pass turns the
//! stored activations into gradients of the pre-activations in place (for the EA-LSTM's
//! constant input gate, into gradients of its activations, which are summed over the steps
//! before anything else reads them). On x86-64 the same code is also compiled for AVX-512 and
//! for AVX2, both with fused multiply-adds, and the widest build the processor supports is
//! chosen at run time.

use super::activations::{mul_add, sigmoid, tanh};

/// Defines a public function that runs a portable body compiled for the widest SIMD
/// instruction set the processor offers (AVX-512, else AVX2 with FMA, else the build target);
/// the body takes a `const FMA: bool` saying whether fused multiply-adds are available.
macro_rules! multiversioned {
    ($(#[$doc:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $body:ident) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,fma")]
                fn avx512($($arg: $ty),*) {
                    $body::<true>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) {
                    $body::<true>($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx512f") {
                    // SAFETY: the processor supports the features `avx512` is compiled for.
                    return unsafe { avx512($($arg),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: the processor supports the features `avx2` is compiled for.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $body::<false>($($arg),*)
        }
    };
}

multiversioned! {
    /// Forward step for a block of samples.
    ///
    /// `gates` (`[samples][4 * hidden]`) holds pre-activations on entry, and the activations
    /// (i, f, g, o) on return. `previous_cell` is `c_{t-1}` (`None` for the zero initial state);
    /// `cell` receives `c_t` (`[samples][hidden]`) and `hidden_state` receives `h_t`, the state
    /// of sample `s` at offset `s * state_stride`.
    pub fn forward(
        gates: &mut [f32],
        previous_cell: Option<&[f32]>,
        cell: &mut [f32],
        hidden_state: &mut [f32],
        state_stride: usize,
        hidden: usize,
    ) => forward_lstm_body
}

multiversioned! {
    /// Forward step of the EA-LSTM for a block of samples: as [`forward`], except that the
    /// input-gate block of each row of `gates` holds on entry the activations of the constant
    /// input gate, which are used as they are.
    pub fn forward_constant_input_gate(
        gates: &mut [f32],
        previous_cell: Option<&[f32]>,
        cell: &mut [f32],
        hidden_state: &mut [f32],
        state_stride: usize,
        hidden: usize,
    ) => forward_ealstm_body
}

multiversioned! {
    /// Backward step for a block of samples.
    ///
    /// `activations` (`[samples][4 * hidden]`) are the gate activations of step `t`, `cell` is
    /// `c_t` and `previous_cell` is `c_{t-1}` (`None` at the first step). `hidden_gradient` is
    /// `dL/dh_t`; `cell_gradient` holds `dL/dc_t` from later steps on entry and `dL/dc_{t-1}` on
    /// return. `gate_gradient` (`[samples][4 * hidden]`) receives the gradients of the loss with
    /// respect to the gate pre-activations.
    pub fn backward(
        activations: &[f32],
        previous_cell: Option<&[f32]>,
        cell: &[f32],
        hidden_gradient: &[f32],
        cell_gradient: &mut [f32],
        gate_gradient: &mut [f32],
        hidden: usize,
    ) => backward_lstm_body
}

multiversioned! {
    /// Backward step of the EA-LSTM for a block of samples: as [`backward`], except that the
    /// input-gate block of each row of `gate_gradient` receives the gradient of the loss with
    /// respect to the constant input gate's activations (not its pre-activations), which the
    /// caller sums over the steps.
    pub fn backward_constant_input_gate(
        activations: &[f32],
        previous_cell: Option<&[f32]>,
        cell: &[f32],
        hidden_gradient: &[f32],
        cell_gradient: &mut [f32],
        gate_gradient: &mut [f32],
        hidden: usize,
    ) => backward_ealstm_body
}

/// Portable body of [`forward`].
#[inline(always)]
fn forward_lstm_body<const FMA: bool>(
    gates: &mut [f32],
    previous_cell: Option<&[f32]>,
    cell: &mut [f32],
    hidden_state: &mut [f32],
    state_stride: usize,
    hidden: usize,
) {
    forward_body::<FMA, true>(
        gates,
        previous_cell,
        cell,
        hidden_state,
        state_stride,
        hidden,
    );
}

/// Portable body of [`forward_constant_input_gate`].
#[inline(always)]
fn forward_ealstm_body<const FMA: bool>(
    gates: &mut [f32],
    previous_cell: Option<&[f32]>,
    cell: &mut [f32],
    hidden_state: &mut [f32],
    state_stride: usize,
    hidden: usize,
) {
    forward_body::<FMA, false>(
        gates,
        previous_cell,
        cell,
        hidden_state,
        state_stride,
        hidden,
    );
}

/// Forward step for a block of samples; the input-gate block holds pre-activations to be
/// activated when `ACTIVATE_INPUT`, activations otherwise.
#[inline(always)]
fn forward_body<const FMA: bool, const ACTIVATE_INPUT: bool>(
    gates: &mut [f32],
    previous_cell: Option<&[f32]>,
    cell: &mut [f32],
    hidden_state: &mut [f32],
    state_stride: usize,
    hidden: usize,
) {
    let rows = gates.chunks_exact_mut(4 * hidden);
    let cells = cell.chunks_exact_mut(hidden);
    let states = hidden_state.chunks_mut(state_stride);
    for (sample, ((gate_row, c), h)) in rows.zip(cells).zip(states).enumerate() {
        let (gi, rest) = gate_row.split_at_mut(hidden);
        let (gf, rest) = rest.split_at_mut(hidden);
        let (gg, go) = rest.split_at_mut(hidden);
        match previous_cell {
            Some(previous) => {
                let c_prev = &previous[sample * hidden..(sample + 1) * hidden];
                forward_row::<FMA, false, ACTIVATE_INPUT>(gi, gf, gg, go, c_prev, c, h);
            }
            None => forward_row::<FMA, true, ACTIVATE_INPUT>(gi, gf, gg, go, &[], c, h),
        }
    }
}

/// Forward step of one sample: `gi`, `gf`, `gg` and `go` are its (input, forget, cell, output)
/// gate blocks, `c_prev` its previous cell state (ignored, and may be empty, when `FIRST`);
/// `gi` holds activations already unless `ACTIVATE_INPUT`.
///
/// Each non-linearity gets its own loop: the iterations of such a loop are independent, so the
/// processor overlaps their long polynomial chains instead of waiting on one.
#[inline(always)]
fn forward_row<const FMA: bool, const FIRST: bool, const ACTIVATE_INPUT: bool>(
    gi: &mut [f32],
    gf: &mut [f32],
    gg: &mut [f32],
    go: &mut [f32],
    c_prev: &[f32],
    c: &mut [f32],
    h: &mut [f32],
) {
    let n = c.len();
    let (gi, gf, gg, go, h) = (
        &mut gi[..n],
        &mut gf[..n],
        &mut gg[..n],
        &mut go[..n],
        &mut h[..n],
    );
    let c_prev = if FIRST { c_prev } else { &c_prev[..n] };
    if ACTIVATE_INPUT {
        gi.iter_mut().for_each(|v| *v = sigmoid::<FMA>(*v));
    }
    gf.iter_mut().for_each(|v| *v = sigmoid::<FMA>(*v));
    gg.iter_mut().for_each(|v| *v = tanh::<FMA>(*v));
    go.iter_mut().for_each(|v| *v = sigmoid::<FMA>(*v));
    for j in 0..n {
        c[j] = if FIRST {
            gi[j] * gg[j]
        } else {
            mul_add::<FMA>(gf[j], c_prev[j], gi[j] * gg[j])
        };
    }
    for j in 0..n {
        h[j] = go[j] * tanh::<FMA>(c[j]);
    }
}

/// Portable body of [`backward`].
#[inline(always)]
fn backward_lstm_body<const FMA: bool>(
    activations: &[f32],
    previous_cell: Option<&[f32]>,
    cell: &[f32],
    hidden_gradient: &[f32],
    cell_gradient: &mut [f32],
    gate_gradient: &mut [f32],
    hidden: usize,
) {
    backward_body::<FMA, false>(
        activations,
        previous_cell,
        cell,
        hidden_gradient,
        cell_gradient,
        gate_gradient,
        hidden,
    );
}

/// Portable body of [`backward_constant_input_gate`].
#[inline(always)]
fn backward_ealstm_body<const FMA: bool>(
    activations: &[f32],
    previous_cell: Option<&[f32]>,
    cell: &[f32],
    hidden_gradient: &[f32],
    cell_gradient: &mut [f32],
    gate_gradient: &mut [f32],
    hidden: usize,
) {
    backward_body::<FMA, true>(
        activations,
        previous_cell,
        cell,
        hidden_gradient,
        cell_gradient,
        gate_gradient,
        hidden,
    );
}

/// Backward step for a block of samples; the input-gate block of `gate_gradient` receives the
/// gradient with respect to the gate's activations when `CONSTANT_INPUT`, its pre-activations
/// otherwise.
#[inline(always)]
fn backward_body<const FMA: bool, const CONSTANT_INPUT: bool>(
    activations: &[f32],
    previous_cell: Option<&[f32]>,
    cell: &[f32],
    hidden_gradient: &[f32],
    cell_gradient: &mut [f32],
    gate_gradient: &mut [f32],
    hidden: usize,
) {
    let rows = activations
        .chunks_exact(4 * hidden)
        .zip(gate_gradient.chunks_exact_mut(4 * hidden));
    let states = cell
        .chunks_exact(hidden)
        .zip(hidden_gradient.chunks_exact(hidden))
        .zip(cell_gradient.chunks_exact_mut(hidden));
    for (sample, ((activation_row, gradient_row), ((c, dh), dc))) in rows.zip(states).enumerate() {
        let (di, rest) = gradient_row.split_at_mut(hidden);
        let (df, rest) = rest.split_at_mut(hidden);
        let (dg, d_o) = rest.split_at_mut(hidden);
        match previous_cell {
            Some(previous) => {
                let c_prev = &previous[sample * hidden..(sample + 1) * hidden];
                backward_row::<FMA, false, CONSTANT_INPUT>(
                    activation_row,
                    c_prev,
                    c,
                    dh,
                    dc,
                    di,
                    df,
                    dg,
                    d_o,
                );
            }
            None => backward_row::<FMA, true, CONSTANT_INPUT>(
                activation_row,
                &[],
                c,
                dh,
                dc,
                di,
                df,
                dg,
                d_o,
            ),
        }
    }
}

/// Backward step of one sample: `activations` are its (input, forget, cell, output) gate
/// activations and `c_prev` its previous cell state (ignored when `FIRST`, as `c_0` is zero);
/// the gradients of the four gate pre-activations go to `di`, `df`, `dg` and `d_o`, except that
/// `di` receives the gradient of the input gate's activation when `CONSTANT_INPUT`.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // Separate slices let the compiler see they are disjoint.
fn backward_row<const FMA: bool, const FIRST: bool, const CONSTANT_INPUT: bool>(
    activations: &[f32],
    c_prev: &[f32],
    c: &[f32],
    dh: &[f32],
    dc: &mut [f32],
    di: &mut [f32],
    df: &mut [f32],
    dg: &mut [f32],
    d_o: &mut [f32],
) {
    let n = dc.len();
    let (gi, rest) = activations.split_at(n);
    let (gf, rest) = rest.split_at(n);
    let (gg, go) = rest.split_at(n);
    let (go, c, dh) = (&go[..n], &c[..n], &dh[..n]);
    let (di, df, dg, d_o) = (&mut di[..n], &mut df[..n], &mut dg[..n], &mut d_o[..n]);
    let c_prev = if FIRST { c_prev } else { &c_prev[..n] };
    for j in 0..n {
        let (i, f, g, o) = (gi[j], gf[j], gg[j], go[j]);
        let tanh_c = tanh::<FMA>(c[j]);
        let d_output = dh[j] * tanh_c;
        let d_c = mul_add::<FMA>(dh[j] * o, 1.0 - tanh_c * tanh_c, dc[j]);
        let d_forget = if FIRST { 0.0 } else { d_c * c_prev[j] };
        dc[j] = d_c * f;
        di[j] = if CONSTANT_INPUT {
            d_c * g
        } else {
            d_c * g * i * (1.0 - i)
        };
        df[j] = d_forget * f * (1.0 - f);
        dg[j] = d_c * i * (1.0 - g * g);
        d_o[j] = d_output * o * (1.0 - o);
    }
}
