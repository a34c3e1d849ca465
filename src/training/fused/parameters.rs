//! The engine's flat parameter vector: every weight of the model and its head in one array, so
//! clipping and Adam are single loops and gradients reduce with one addition per value.
//!
//! Blocks, in order: the static input gate's weights and bias (EA-LSTM only, empty for the
//! LSTM), the step gates' input weights `w_ih`, hidden weights `w_hh` and bias, then the head's
//! weights and bias, each in the row-major layout of [`LstmWeights`] and [`EaLstmWeights`].

use std::ops::Range;

use crate::models::weights::{EaLstmShape, EaLstmWeights, LstmShape, LstmWeights};

/// Sizes of a model the fused kernels run: an LSTM, or an EA-LSTM whose input gate is set once
/// per window by static attributes.
///
/// A step's gate row always holds four blocks (input, forget, cell candidate, output); the
/// product of a step's inputs with the stacked weights fills the last [`CellShape::step_gates`]
/// values of it, and the EA-LSTM's constant input gate fills the first block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellShape {
    /// Features read at every step through the stacked weights: all the LSTM's inputs, the
    /// EA-LSTM's dynamic inputs.
    pub inputs: usize,
    /// Static attributes setting the EA-LSTM's input gate, after the step inputs in every step
    /// of a batch; `None` for the LSTM, whose input gate is a step gate.
    pub statics: Option<usize>,
    /// Size of the hidden and cell state.
    pub hidden: usize,
    /// Values predicted per sample.
    pub outputs: usize,
}

impl CellShape {
    /// Features per step of a batch.
    pub fn features(&self) -> usize {
        self.inputs + self.statics.unwrap_or(0)
    }

    /// Gate values per sample computed at every step from the step's inputs: four blocks for
    /// the LSTM, three (forget, cell candidate, output) for the EA-LSTM.
    pub fn step_gates(&self) -> usize {
        match self.statics {
            Some(_) => 3 * self.hidden,
            None => 4 * self.hidden,
        }
    }

    /// Where the step gates start in a gate row of `4 * hidden` values.
    pub fn step_gate_offset(&self) -> usize {
        4 * self.hidden - self.step_gates()
    }
}

/// Weights the fused engine keeps in one flat vector: [`LstmWeights`] and [`EaLstmWeights`].
pub trait FlatWeights: Sized {
    /// The sizes the kernels run with.
    fn cell_shape(&self) -> CellShape;
    /// The parameter blocks in the order of the flat vector, with their names.
    fn blocks(&self) -> [(&[f32], &'static str); 7];
    /// The weights of `shape` held in `blocks` (in the order of the flat vector).
    fn from_blocks(shape: CellShape, blocks: [&[f32]; 7]) -> Self;
}

impl FlatWeights for LstmWeights {
    fn cell_shape(&self) -> CellShape {
        let LstmShape {
            inputs,
            hidden,
            outputs,
        } = self.shape;
        CellShape {
            inputs,
            statics: None,
            hidden,
            outputs,
        }
    }

    fn blocks(&self) -> [(&[f32], &'static str); 7] {
        [
            (&[], "static_w"),
            (&[], "static_b"),
            (&self.w_ih, "w_ih"),
            (&self.w_hh, "w_hh"),
            (&self.bias, "bias"),
            (&self.head_w, "head_w"),
            (&self.head_b, "head_b"),
        ]
    }

    fn from_blocks(shape: CellShape, blocks: [&[f32]; 7]) -> Self {
        let [_, _, w_ih, w_hh, bias, head_w, head_b] = blocks;
        LstmWeights {
            shape: LstmShape {
                inputs: shape.inputs,
                hidden: shape.hidden,
                outputs: shape.outputs,
            },
            w_ih: w_ih.to_vec(),
            w_hh: w_hh.to_vec(),
            bias: bias.to_vec(),
            head_w: head_w.to_vec(),
            head_b: head_b.to_vec(),
        }
    }
}

impl FlatWeights for EaLstmWeights {
    fn cell_shape(&self) -> CellShape {
        let EaLstmShape {
            dynamic,
            statics,
            hidden,
            outputs,
        } = self.shape;
        CellShape {
            inputs: dynamic,
            statics: Some(statics),
            hidden,
            outputs,
        }
    }

    fn blocks(&self) -> [(&[f32], &'static str); 7] {
        [
            (&self.static_w, "static_w"),
            (&self.static_b, "static_b"),
            (&self.w_ih, "w_ih"),
            (&self.w_hh, "w_hh"),
            (&self.bias, "bias"),
            (&self.head_w, "head_w"),
            (&self.head_b, "head_b"),
        ]
    }

    fn from_blocks(shape: CellShape, blocks: [&[f32]; 7]) -> Self {
        let [static_w, static_b, w_ih, w_hh, bias, head_w, head_b] = blocks;
        EaLstmWeights {
            shape: EaLstmShape {
                dynamic: shape.inputs,
                statics: shape.statics.unwrap_or(0),
                hidden: shape.hidden,
                outputs: shape.outputs,
            },
            static_w: static_w.to_vec(),
            static_b: static_b.to_vec(),
            w_ih: w_ih.to_vec(),
            w_hh: w_hh.to_vec(),
            bias: bias.to_vec(),
            head_w: head_w.to_vec(),
            head_b: head_b.to_vec(),
        }
    }
}

/// Offsets of each parameter block inside the flat vector of a model of a given shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterLayout {
    /// Sizes the layout is computed for.
    shape: CellShape,
}

impl ParameterLayout {
    /// The layout for `shape`.
    pub fn new(shape: CellShape) -> Self {
        Self { shape }
    }

    /// Sizes the layout is computed for.
    pub fn shape(&self) -> CellShape {
        self.shape
    }

    /// Number of parameters.
    pub fn count(&self) -> usize {
        self.head_b().end
    }

    /// Static-attributes-to-input-gate matrix, `[hidden][statics]` (empty for the LSTM).
    pub fn static_w(&self) -> Range<usize> {
        0..self.shape.hidden * self.shape.statics.unwrap_or(0)
    }

    /// Bias of the static input gate, `[hidden]` (empty for the LSTM).
    pub fn static_b(&self) -> Range<usize> {
        let start = self.static_w().end;
        let length = if self.shape.statics.is_some() {
            self.shape.hidden
        } else {
            0
        };
        start..start + length
    }

    /// Input-to-gates matrix of the step gates, `[step gates][inputs]`.
    pub fn w_ih(&self) -> Range<usize> {
        let start = self.static_b().end;
        start..start + self.shape.step_gates() * self.shape.inputs
    }

    /// Hidden-to-gates matrix of the step gates, `[step gates][hidden]`.
    pub fn w_hh(&self) -> Range<usize> {
        let start = self.w_ih().end;
        start..start + self.shape.step_gates() * self.shape.hidden
    }

    /// Bias of the step gates, `[step gates]`.
    pub fn bias(&self) -> Range<usize> {
        let start = self.w_hh().end;
        start..start + self.shape.step_gates()
    }

    /// Head matrix, `[outputs][hidden]`.
    pub fn head_w(&self) -> Range<usize> {
        let start = self.bias().end;
        start..start + self.shape.outputs * self.shape.hidden
    }

    /// Head bias, `[outputs]`.
    pub fn head_b(&self) -> Range<usize> {
        let start = self.head_w().end;
        start..start + self.shape.outputs
    }

    /// Every block, in the order of the flat vector.
    fn ranges(&self) -> [Range<usize>; 7] {
        [
            self.static_w(),
            self.static_b(),
            self.w_ih(),
            self.w_hh(),
            self.bias(),
            self.head_w(),
            self.head_b(),
        ]
    }

    /// The flat vector holding `weights`.
    ///
    /// # Panics
    /// If `weights` have another shape, or an array of them does not have the length the shape
    /// implies.
    pub fn flatten<W: FlatWeights>(&self, weights: &W) -> Vec<f32> {
        assert_eq!(
            weights.cell_shape(),
            self.shape,
            "weights have another shape"
        );
        let mut flat = Vec::with_capacity(self.count());
        for ((values, name), range) in weights.blocks().into_iter().zip(self.ranges()) {
            assert_eq!(values.len(), range.len(), "{name} has the wrong length");
            flat.extend_from_slice(values);
        }
        flat
    }

    /// The weights held in the flat vector `flat`.
    pub fn unflatten<W: FlatWeights>(&self, flat: &[f32]) -> W {
        W::from_blocks(self.shape, self.ranges().map(|range| &flat[range]))
    }
}
