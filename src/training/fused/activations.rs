//! Branch-free sigmoid and tanh that the compiler vectorises.
//!
//! The library `exp` is a scalar call, which would leave the gate non-linearities as the slowest
//! part of a step. These versions use Cody-Waite range reduction and a degree-6 polynomial
//! (relative error of `exp` about 2e-7 over the clamped range), with only arithmetic, min/max and
//! bit casts, so loops over them turn into SIMD code. With `FMA` the multiply-adds are fused,
//! which callers enable only when the processor has the instruction.

/// `log2(e)`.
const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// High part of `ln(2)`, exact in a few bits so `n * LN2_HIGH` is exact.
const LN2_HIGH: f32 = 0.693_359_4;
/// Low part of `ln(2)`: `ln(2) - LN2_HIGH`.
const LN2_LOW: f32 = -2.121_944_4e-4;
/// `1.5 * 2^23`: adding it rounds a float to an integer held in the low mantissa bits.
const ROUNDING_SHIFT: f32 = 12_582_912.0;
/// Bit pattern of `ROUNDING_SHIFT`.
const ROUNDING_SHIFT_BITS: i32 = 0x4B40_0000;
/// Largest argument whose exponential is a finite `f32` once the scale is built below.
const EXP_MAX: f32 = 88.0;
/// Smallest argument whose exponential stays a normal `f32`.
const EXP_MIN: f32 = -87.0;

/// `a * b + c`, rounded once when `FMA`.
#[inline(always)]
pub fn mul_add<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `e^x` for `x` clamped to `[-87, 88]`, accurate to about 2e-7 relative.
#[inline(always)]
pub fn exp<const FMA: bool>(x: f32) -> f32 {
    let x = x.clamp(EXP_MIN, EXP_MAX);
    let shifted = mul_add::<FMA>(x, LOG2_E, ROUNDING_SHIFT);
    let n = shifted - ROUNDING_SHIFT;
    let r = mul_add::<FMA>(-n, LN2_LOW, mul_add::<FMA>(-n, LN2_HIGH, x));
    let mut p = 1.987_569_1e-4;
    p = mul_add::<FMA>(p, r, 1.398_199_9e-3);
    p = mul_add::<FMA>(p, r, 8.333_452e-3);
    p = mul_add::<FMA>(p, r, 4.166_579_6e-2);
    p = mul_add::<FMA>(p, r, 1.666_666_5e-1);
    p = mul_add::<FMA>(p, r, 0.5);
    let poly = mul_add::<FMA>(p * r, r, r) + 1.0;
    let exponent = (shifted.to_bits() as i32).wrapping_sub(ROUNDING_SHIFT_BITS) + 127;
    poly * f32::from_bits((exponent << 23) as u32)
}

/// The logistic function `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid<const FMA: bool>(x: f32) -> f32 {
    1.0 / (1.0 + exp::<FMA>(-x))
}

/// The hyperbolic tangent, as `1 - 2 / (1 + e^2x)` (absolute error about 2e-7).
#[inline(always)]
pub fn tanh<const FMA: bool>(x: f32) -> f32 {
    1.0 - 2.0 / (1.0 + exp::<FMA>(2.0 * x))
}
