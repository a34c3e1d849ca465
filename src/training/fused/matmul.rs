//! Matrix products on the `gemm` crate, behind a bounds-checked interface.
//!
//! Every product runs single-threaded on the calling thread: the engine parallelises over the
//! batch itself, which keeps each product's summation order, and so every result, fixed.

use gemm::{gemm, Parallelism};

/// A matrix operand: its values, and whether they are stored transposed.
#[derive(Debug, Clone, Copy)]
pub struct Operand<'a> {
    /// Values, row-major in the orientation they are stored in.
    data: &'a [f32],
    /// `true` when the operand is stored as its transpose (the product reads it column-major).
    transposed: bool,
}

impl<'a> Operand<'a> {
    /// An operand stored as it is used: `[rows][columns]`.
    pub fn plain(data: &'a [f32]) -> Self {
        Self {
            data,
            transposed: false,
        }
    }

    /// An operand stored as its transpose: `[columns][rows]`.
    pub fn transposed(data: &'a [f32]) -> Self {
        Self {
            data,
            transposed: true,
        }
    }

    /// Row and column strides of a `rows x columns` view of the operand.
    fn strides(&self, rows: usize, columns: usize) -> (isize, isize) {
        if self.transposed {
            (1, rows as isize)
        } else {
            (columns as isize, 1)
        }
    }
}

/// Sizes of a product: `[m][k] x [k][n] -> [m][n]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// Rows of the result.
    pub m: usize,
    /// Columns of the result.
    pub n: usize,
    /// Length of the summed dimension.
    pub k: usize,
}

/// Writes `a * b` into `out` (`[m][n]`, row-major), or adds it to `out` when `accumulate`.
///
/// # Panics
/// If a slice's length does not match `dims`.
pub fn multiply(out: &mut [f32], a: Operand, b: Operand, dims: Dims, accumulate: bool) {
    let Dims { m, n, k } = dims;
    assert_eq!(out.len(), m * n, "product output has the wrong length");
    assert_eq!(a.data.len(), m * k, "left operand has the wrong length");
    assert_eq!(b.data.len(), k * n, "right operand has the wrong length");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            out.fill(0.0);
        }
        return;
    }
    let (a_rs, a_cs) = a.strides(m, k);
    let (b_rs, b_cs) = b.strides(k, n);
    // SAFETY: the lengths checked above make every index the strides reach lie inside its
    // slice, and `out` is borrowed mutably, so it aliases neither operand.
    unsafe {
        gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a_cs,
            a_rs,
            b.data.as_ptr(),
            b_cs,
            b_rs,
            1.0,
            1.0,
            false,
            false,
            false,
            Parallelism::None,
        );
    }
}
