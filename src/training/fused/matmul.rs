//! Matrix products on the `gemm` crate, behind a bounds-checked interface.
//!
//! Every product runs single-threaded on the calling thread: the engine parallelises over the
//! batch itself, which keeps each product's summation order, and so every result, fixed.

use gemm::{gemm, Parallelism};

/// A matrix operand: its values, whether they are stored transposed, and how far apart its
/// stored rows start.
#[derive(Debug, Clone, Copy)]
pub struct Operand<'a> {
    /// Values, row-major in the orientation they are stored in.
    data: &'a [f32],
    /// `true` when the operand is stored as its transpose (the product reads it column-major).
    transposed: bool,
    /// Distance between the starts of consecutive stored rows; `None` when they follow each
    /// other without a gap.
    stride: Option<usize>,
}

impl<'a> Operand<'a> {
    /// An operand stored as it is used: `[rows][columns]`.
    pub fn plain(data: &'a [f32]) -> Self {
        Self {
            data,
            transposed: false,
            stride: None,
        }
    }

    /// An operand stored as its transpose: `[columns][rows]`.
    pub fn transposed(data: &'a [f32]) -> Self {
        Self {
            data,
            transposed: true,
            stride: None,
        }
    }

    /// An operand stored as it is used whose rows start `stride` values apart: some columns of
    /// a wider matrix, `data` starting at the first of them.
    pub fn rows(data: &'a [f32], stride: usize) -> Self {
        Self {
            data,
            transposed: false,
            stride: Some(stride),
        }
    }

    /// Row and column strides of a `rows x columns` view of the operand.
    fn strides(&self, rows: usize, columns: usize) -> (isize, isize) {
        if self.transposed {
            (1, self.stride.unwrap_or(rows) as isize)
        } else {
            (self.stride.unwrap_or(columns) as isize, 1)
        }
    }

    /// Panics unless the operand holds a `rows x columns` matrix.
    fn check(&self, rows: usize, columns: usize, name: &str) {
        let (stored_rows, stored_columns) = if self.transposed {
            (columns, rows)
        } else {
            (rows, columns)
        };
        match self.stride {
            None => assert_eq!(
                self.data.len(),
                rows * columns,
                "{name} has the wrong length"
            ),
            Some(stride) => assert!(
                stride >= stored_columns
                    && self.data.len() >= reach(stored_rows, stored_columns, stride),
                "{name} is too short for its stride"
            ),
        }
    }
}

/// Values spanned by `rows` rows of `columns` values whose starts are `stride` apart.
fn reach(rows: usize, columns: usize, stride: usize) -> usize {
    match rows {
        0 => 0,
        _ => (rows - 1) * stride + columns,
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
    assert_eq!(
        out.len(),
        dims.m * dims.n,
        "product output has the wrong length"
    );
    multiply_into_rows(out, dims.n, a, b, dims, accumulate);
}

/// Writes `a * b` into the `[m][n]` matrix whose rows start `out_stride` values apart in `out`
/// (some columns of a wider matrix, `out` starting at the first of them), or adds it there when
/// `accumulate`; the values between those rows are left as they are.
///
/// # Panics
/// If `out_stride` is below `n` or a slice is too short for `dims`.
pub fn multiply_into_rows(
    out: &mut [f32],
    out_stride: usize,
    a: Operand,
    b: Operand,
    dims: Dims,
    accumulate: bool,
) {
    let Dims { m, n, k } = dims;
    assert!(
        out_stride >= n && out.len() >= reach(m, n, out_stride),
        "product output is too short for its stride"
    );
    a.check(m, k, "left operand");
    b.check(k, n, "right operand");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for row in out.chunks_mut(out_stride).take(m) {
                row[..n].fill(0.0);
            }
        }
        return;
    }
    let (a_rs, a_cs) = a.strides(m, k);
    let (b_rs, b_cs) = b.strides(k, n);
    // SAFETY: the lengths and strides checked above make every index the strides reach lie
    // inside its slice, and `out` is borrowed mutably, so it aliases neither operand.
    unsafe {
        gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            out_stride as isize,
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
