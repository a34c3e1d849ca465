//! The engine's flat parameter vector: every weight of the LSTM and its head in one array, so
//! clipping and Adam are single loops and gradients reduce with one addition per value.
//!
//! Blocks follow [`LstmWeights`]: `w_ih`, `w_hh`, `bias`, `head_w`, `head_b`, each in its
//! row-major layout.

use std::ops::Range;

use crate::models::weights::{LstmShape, LstmWeights};

/// Offsets of each parameter block inside the flat vector of an LSTM of a given shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterLayout {
    /// Sizes the layout is computed for.
    shape: LstmShape,
}

impl ParameterLayout {
    /// The layout for `shape`.
    pub fn new(shape: LstmShape) -> Self {
        Self { shape }
    }

    /// Sizes the layout is computed for.
    pub fn shape(&self) -> LstmShape {
        self.shape
    }

    /// Number of parameters.
    pub fn count(&self) -> usize {
        self.head_b().end
    }

    /// Input-to-gates matrix, `[4 * hidden][inputs]`.
    pub fn w_ih(&self) -> Range<usize> {
        0..4 * self.shape.hidden * self.shape.inputs
    }

    /// Hidden-to-gates matrix, `[4 * hidden][hidden]`.
    pub fn w_hh(&self) -> Range<usize> {
        let start = self.w_ih().end;
        start..start + 4 * self.shape.hidden * self.shape.hidden
    }

    /// Gate bias, `[4 * hidden]`.
    pub fn bias(&self) -> Range<usize> {
        let start = self.w_hh().end;
        start..start + 4 * self.shape.hidden
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

    /// The flat vector holding `weights`.
    ///
    /// # Panics
    /// If an array of `weights` does not have the length its shape implies.
    pub fn flatten(&self, weights: &LstmWeights) -> Vec<f32> {
        assert_eq!(weights.shape, self.shape, "weights have another shape");
        let blocks = [
            (&weights.w_ih, self.w_ih(), "w_ih"),
            (&weights.w_hh, self.w_hh(), "w_hh"),
            (&weights.bias, self.bias(), "bias"),
            (&weights.head_w, self.head_w(), "head_w"),
            (&weights.head_b, self.head_b(), "head_b"),
        ];
        let mut flat = Vec::with_capacity(self.count());
        for (values, range, name) in blocks {
            assert_eq!(values.len(), range.len(), "{name} has the wrong length");
            flat.extend_from_slice(values);
        }
        flat
    }

    /// The weights held in the flat vector `flat`.
    pub fn unflatten(&self, flat: &[f32]) -> LstmWeights {
        LstmWeights {
            shape: self.shape,
            w_ih: flat[self.w_ih()].to_vec(),
            w_hh: flat[self.w_hh()].to_vec(),
            bias: flat[self.bias()].to_vec(),
            head_w: flat[self.head_w()].to_vec(),
            head_b: flat[self.head_b()].to_vec(),
        }
    }
}
