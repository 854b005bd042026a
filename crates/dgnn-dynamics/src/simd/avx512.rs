//! The SIMD kernels on 512-bit vectors, chosen at run time on CPUs with AVX-512 F and DQ.
//!
//! The default build targets x86-64-v3 (AVX2 and FMA), where `wide`'s `f64x8` and `f32x16` run
//! as two 256-bit halves. Where the CPU has AVX-512, [`hkb_block_512`] and [`kuramoto_one_512`]
//! run the same generic kernels on [`F64x8`], [`F32x16`] and [`U64x8`] instead, about twice as
//! fast. These vectors port, operation for operation, what the kernels take from `wide` 1.7 on
//! AVX2: `sin_cos` and `ln` (f64 and f32) as `wide` writes them after Agner Fog's vector class
//! library (VCL 2, `vectormath_trig.h` and `vectormath_exp.h`), `round_int` with `wide`'s
//! saturation, and the lane sum in [`SumLanes::reduce_add`]'s fixed order. Every lane therefore
//! sees the same IEEE operations in the same order (fused multiply-adds where `wide` fuses), and
//! the two paths give the same bits, as the tests check on random and special inputs and on
//! whole kernels.
//!
//! # Safety
//! The intrinsics need AVX-512 F and DQ. The vector types are private to this module, and the
//! only code that makes them runs inside [`hkb_block_512`] and [`kuramoto_one_512`] after
//! [`available`] found both features, within functions compiled with them enabled.
#![allow(unsafe_code)]
// The coefficients are written as VCL and `wide` publish them, so that a reader can compare.
#![allow(clippy::excessive_precision)]

use super::hkb::{F32_VECTORS, F64_VECTORS, HKB_BLOCK, HkbEnsembleParams, Precision, hkb_block};
use super::kuramoto::{KuramotoParams, KuramotoPoint, kuramoto_one};
use super::lanes::{GeneratorLanes, PhaseLanes, SumLanes, sum_in_fixed_order};
use rand::Rng;
use std::arch::x86_64::*;
use std::ops::{Add, BitOr, BitXor, Mul, Shl, Shr, Sub};

/// Whether this CPU runs the 512-bit kernels (AVX-512 F and DQ).
pub(super) fn available() -> bool {
    is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq")
}

/// [`hkb_block`] on 512-bit vectors in `precision`, or `None` if this CPU lacks AVX-512.
pub(super) fn hkb_block_512<R: Rng + ?Sized>(
    p: &HkbEnsembleParams,
    precision: Precision,
    rng: &mut R,
    snapshot_steps: &[usize],
) -> Option<Vec<[f64; HKB_BLOCK]>> {
    #[target_feature(enable = "avx512f,avx512dq")]
    fn run<R: Rng + ?Sized>(
        p: &HkbEnsembleParams,
        precision: Precision,
        rng: &mut R,
        snapshot_steps: &[usize],
    ) -> Vec<[f64; HKB_BLOCK]> {
        match precision {
            Precision::F64 => hkb_block::<F64x8, F64_VECTORS, R>(p, rng, snapshot_steps),
            Precision::F32 => hkb_block::<F32x16, F32_VECTORS, R>(p, rng, snapshot_steps),
        }
    }
    // SAFETY: the CPU has the features `run` is compiled for.
    available().then(|| unsafe { run(p, precision, rng, snapshot_steps) })
}

/// The Kuramoto kernel for one coupling on 512-bit vectors, or `None` if this CPU lacks
/// AVX-512.
pub(super) fn kuramoto_one_512(params: &KuramotoParams, k: f64) -> Option<KuramotoPoint> {
    #[target_feature(enable = "avx512f,avx512dq")]
    fn run(params: &KuramotoParams, k: f64) -> KuramotoPoint {
        kuramoto_one::<F64x8>(params, k)
    }
    // SAFETY: the CPU has the features `run` is compiled for.
    available().then(|| unsafe { run(params, k) })
}

/// Eight f64 lanes in one 512-bit register.
#[derive(Debug, Clone, Copy)]
struct F64x8(__m512d);

/// Sixteen f32 lanes in one 512-bit register.
#[derive(Debug, Clone, Copy)]
struct F32x16(__m512);

/// Eight u64 lanes in one 512-bit register.
#[derive(Debug, Clone, Copy)]
struct U64x8(__m512i);

/// Implements a binary operator trait with an AVX-512 intrinsic.
macro_rules! binary_op {
    ($ty:ident, $op:ident, $method:ident, $intrinsic:ident) => {
        impl $op for $ty {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                // SAFETY: see the module docs.
                Self(unsafe { $intrinsic(self.0, rhs.0) })
            }
        }
    };
}

binary_op!(F64x8, Add, add, _mm512_add_pd);
binary_op!(F64x8, Sub, sub, _mm512_sub_pd);
binary_op!(F64x8, Mul, mul, _mm512_mul_pd);
binary_op!(F32x16, Add, add, _mm512_add_ps);
binary_op!(F32x16, Sub, sub, _mm512_sub_ps);
binary_op!(F32x16, Mul, mul, _mm512_mul_ps);
binary_op!(U64x8, Add, add, _mm512_add_epi64);
binary_op!(U64x8, BitOr, bitor, _mm512_or_si512);
binary_op!(U64x8, BitXor, bitxor, _mm512_xor_si512);

impl Shl<u32> for U64x8 {
    type Output = Self;
    #[inline(always)]
    fn shl(self, k: u32) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_sll_epi64(self.0, _mm_cvtsi64_si128(i64::from(k))) })
    }
}

impl Shr<u32> for U64x8 {
    type Output = Self;
    #[inline(always)]
    fn shr(self, k: u32) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_srl_epi64(self.0, _mm_cvtsi64_si128(i64::from(k))) })
    }
}

impl GeneratorLanes for U64x8 {
    fn from_words(words: [u64; 8]) -> Self {
        // SAFETY: same size, and every bit pattern is a valid vector.
        Self(unsafe { std::mem::transmute::<[u64; 8], __m512i>(words) })
    }
}

impl PhaseLanes for F64x8 {
    const WIDTH: usize = 8;
    type Bits = U64x8;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_set1_pd(x) })
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        // SAFETY: see the module docs.
        let (s, c) = unsafe { sin_cos(self.0) };
        (Self(s), Self(c))
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_fmadd_pd(self.0, a.0, b.0) })
    }
    #[inline(always)]
    fn ln(self) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { ln(self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_sqrt_pd(self.0) })
    }
    #[inline(always)]
    fn one_to_two(bits: U64x8) -> Self {
        let mantissa = bits >> 12;
        // SAFETY: see the module docs.
        Self(unsafe {
            _mm512_castsi512_pd(_mm512_or_si512(mantissa.0, _mm512_set1_epi64(ONE_BITS)))
        })
    }
    fn store(self, out: &mut [f64]) {
        out.copy_from_slice(&to_array(self.0));
    }
}

impl PhaseLanes for F32x16 {
    const WIDTH: usize = 16;
    type Bits = U64x8;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_set1_ps(x as f32) })
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        // SAFETY: see the module docs.
        let (s, c) = unsafe { sin_cos_f32(self.0) };
        (Self(s), Self(c))
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_fmadd_ps(self.0, a.0, b.0) })
    }
    #[inline(always)]
    fn ln(self) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { ln_f32(self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe { _mm512_sqrt_ps(self.0) })
    }
    /// Sixteen uniforms from the 512 bits of one draw (lane `2k` from the low half of u64 lane
    /// `k`, as `wide`'s cast).
    #[inline(always)]
    fn one_to_two(bits: U64x8) -> Self {
        // SAFETY: see the module docs.
        Self(unsafe {
            _mm512_castsi512_ps(_mm512_or_si512(
                _mm512_srli_epi32::<9>(bits.0),
                _mm512_set1_epi32(0x3F80_0000),
            ))
        })
    }
    fn store(self, out: &mut [f64]) {
        // SAFETY: same size, and every bit pattern is a valid array.
        let lanes = unsafe { std::mem::transmute::<__m512, [f32; 16]>(self.0) };
        out.copy_from_slice(&lanes.map(f64::from));
    }
}

impl SumLanes for F64x8 {
    fn pack(chunk: &[f64]) -> Self {
        let mut lanes = [0.0; 8];
        lanes[..chunk.len()].copy_from_slice(chunk);
        // SAFETY: same size, and every bit pattern is a valid vector.
        Self(unsafe { std::mem::transmute::<[f64; 8], __m512d>(lanes) })
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        sum_in_fixed_order(to_array(self.0))
    }
}

#[inline(always)]
fn to_array(x: __m512d) -> [f64; 8] {
    // SAFETY: same size, and every bit pattern is a valid array.
    unsafe { std::mem::transmute::<__m512d, [f64; 8]>(x) }
}

/// The bits of 1.0.
const ONE_BITS: i64 = 0x3FF0_0000_0000_0000;
/// The sign bit.
const SIGN_BIT: i64 = i64::MIN;
/// The exponent field.
const EXPONENT_BITS: i64 = 0x7FF0_0000_0000_0000;

/// `mask ? if_true : if_false`, lane by lane.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn select(mask: __mmask8, if_true: __m512d, if_false: __m512d) -> __m512d {
    _mm512_mask_blend_pd(mask, if_false, if_true)
}

/// The lanes whose value is neither infinite nor NaN (`wide`'s `is_finite`).
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn is_finite(x: __m512d) -> __mmask8 {
    let shifted_exponent = _mm512_set1_epi64(0xFFE0_0000_0000_0000_u64 as i64);
    let doubled = _mm512_slli_epi64::<1>(_mm512_castpd_si512(x));
    _mm512_cmpneq_epi64_mask(_mm512_and_si512(doubled, shifted_exponent), shifted_exponent)
}

/// `c₀ + c₁x + … + c₅x⁵` in `wide`'s `polynomial_5!` order.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn polynomial_5(x: __m512d, c: [f64; 6]) -> __m512d {
    let c = c.map(|ci| _mm512_set1_pd(ci));
    let x2 = _mm512_mul_pd(x, x);
    let x4 = _mm512_mul_pd(x2, x2);
    _mm512_fmadd_pd(
        _mm512_fmadd_pd(c[3], x, c[2]),
        x2,
        _mm512_fmadd_pd(_mm512_fmadd_pd(c[5], x, c[4]), x4, _mm512_fmadd_pd(c[1], x, c[0])),
    )
}

/// `c₀ + c₁x + … + c₄x⁴ + x⁵` in `wide`'s `polynomial_5n!` order.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn polynomial_5n(x: __m512d, c: [f64; 5]) -> __m512d {
    let c = c.map(|ci| _mm512_set1_pd(ci));
    let x2 = _mm512_mul_pd(x, x);
    let x4 = _mm512_mul_pd(x2, x2);
    _mm512_fmadd_pd(
        x2,
        _mm512_fmadd_pd(x, c[3], c[2]),
        _mm512_fmadd_pd(x4, _mm512_add_pd(c[4], x), _mm512_fmadd_pd(x, c[1], c[0])),
    )
}

/// Round to the nearest integer (ties to even) and convert, saturating like `as i64`
/// (NaN gives 0): `wide`'s `round_int` after `round_ties_even`.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn round_int(y: __m512d) -> __m512i {
    let not_nan = _mm512_cmp_pd_mask::<_CMP_ORD_Q>(y, y);
    let too_big = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(y, _mm512_set1_pd(9_223_372_036_854_775_808.0));
    let converted = _mm512_cvtpd_epi64(_mm512_maskz_mov_pd(not_nan, y));
    _mm512_mask_mov_epi64(converted, too_big, _mm512_set1_epi64(i64::MAX))
}

/// Sine and cosine of every lane, as `wide`'s `f64x8::sin_cos` (VCL's `sincos`): reduction
/// by multiples of π/2 in three parts, then the minimax polynomials of each quadrant.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn sin_cos(x: __m512d) -> (__m512d, __m512d) {
    const SIN: [f64; 6] = [
        -1.66666666666666307295E-1,
        8.33333333332211858878E-3,
        -1.98412698295895385996E-4,
        2.75573136213857245213E-6,
        -2.50507477628578072866E-8,
        1.58962301576546568060E-10,
    ];
    const COS: [f64; 6] = [
        4.16666666666665929218E-2,
        -1.38888888888730564116E-3,
        2.48015872888517045348E-5,
        -2.75573141792967388112E-7,
        2.08757008419747316778E-9,
        -1.13585365213876817300E-11,
    ];
    const DP1: f64 = 7.853981554508209228515625E-1 * 2.;
    const DP2: f64 = 7.94662735614792836714E-9 * 2.;
    const DP3: f64 = 3.06161699786838294307E-17 * 2.;
    let splat = |v: f64| _mm512_set1_pd(v);
    let bits = _mm512_castpd_si512(x);
    let xa = _mm512_castsi512_pd(_mm512_andnot_si512(_mm512_set1_epi64(SIGN_BIT), bits));
    let y = _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
        _mm512_mul_pd(xa, splat(2.0 / std::f64::consts::PI)),
    );
    let q = round_int(y);
    let reduced = _mm512_fnmadd_pd(
        y,
        splat(DP3),
        _mm512_fnmadd_pd(y, splat(DP2), _mm512_fnmadd_pd(y, splat(DP1), xa)),
    );
    let x2 = _mm512_mul_pd(reduced, reduced);
    let s = polynomial_5(x2, SIN);
    let c = polynomial_5(x2, COS);
    let s = _mm512_fmadd_pd(_mm512_mul_pd(reduced, x2), s, reduced);
    let c = _mm512_fmadd_pd(_mm512_mul_pd(x2, x2), c, _mm512_fnmadd_pd(x2, splat(0.5), splat(1.0)));
    let one = _mm512_set1_epi64(1);
    let swap = _mm512_test_epi64_mask(q, one);
    let overflow =
        _mm512_cmpgt_epi64_mask(q, _mm512_set1_epi64(0x0080_0000_0000_0000)) & is_finite(xa);
    let s = select(overflow, splat(0.0), s);
    let c = select(overflow, splat(1.0), c);
    let sign_bit = _mm512_set1_epi64(SIGN_BIT);
    let sign_sin = _mm512_and_si512(_mm512_xor_si512(_mm512_slli_epi64::<62>(q), bits), sign_bit);
    let sin = _mm512_xor_si512(_mm512_castpd_si512(select(swap, c, s)), sign_sin);
    let sign_cos =
        _mm512_slli_epi64::<62>(_mm512_and_si512(_mm512_add_epi64(q, one), _mm512_set1_epi64(2)));
    let cos = _mm512_xor_si512(_mm512_castpd_si512(select(swap, s, c)), sign_cos);
    let finite = is_finite(x);
    (
        select(finite, _mm512_castsi512_pd(sin), splat(f64::NAN)),
        select(finite, _mm512_castsi512_pd(cos), splat(f64::NAN)),
    )
}

/// `mask ? if_true : if_false`, lane by lane (f32).
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn select_f32(mask: __mmask16, if_true: __m512, if_false: __m512) -> __m512 {
    _mm512_mask_blend_ps(mask, if_false, if_true)
}

/// The f32 lanes whose value is neither infinite nor NaN (`wide`'s `is_finite`).
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn is_finite_f32(x: __m512) -> __mmask16 {
    let shifted_exponent = _mm512_set1_epi32(0xFF00_0000_u32 as i32);
    let doubled = _mm512_slli_epi32::<1>(_mm512_castps_si512(x));
    _mm512_cmpneq_epi32_mask(_mm512_and_si512(doubled, shifted_exponent), shifted_exponent)
}

/// Sine and cosine of every lane, as `wide`'s `f32x16::sin_cos` (VCL's `sincos_f`): the same
/// reduction as [`sin_cos`] with the single-precision constants and polynomials.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn sin_cos_f32(x: __m512) -> (__m512, __m512) {
    const SIN: [f32; 3] = [-1.6666654611E-1, 8.3321608736E-3, -1.9515295891E-4];
    const COS: [f32; 3] = [4.166664568298827E-2, -1.388731625493765E-3, 2.443315711809948E-5];
    const DP1: f32 = 0.78515625_f32 * 2.0;
    const DP2: f32 = 2.4187564849853515625E-4_f32 * 2.0;
    const DP3: f32 = 3.77489497744594108E-8_f32 * 2.0;
    let splat = |v: f32| _mm512_set1_ps(v);
    // `wide`'s polynomial_2!: c₀ + c₁x + c₂x².
    let polynomial_2 = |x: __m512, c: [f32; 3]| {
        _mm512_fmadd_ps(
            _mm512_mul_ps(x, x),
            splat(c[2]),
            _mm512_fmadd_ps(x, splat(c[1]), splat(c[0])),
        )
    };
    let bits = _mm512_castps_si512(x);
    let xa = _mm512_castsi512_ps(_mm512_andnot_si512(_mm512_set1_epi32(i32::MIN), bits));
    let y = _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
        _mm512_mul_ps(xa, splat(2.0 / std::f32::consts::PI)),
    );
    // Round to int, NaN to 0 and values from 2³¹ up to i32::MAX (`wide`'s `round_int`).
    let not_nan = _mm512_cmp_ps_mask::<_CMP_ORD_Q>(y, y);
    let too_big = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(y, splat(2_147_483_648.0));
    let q = _mm512_mask_mov_epi32(
        _mm512_cvtps_epi32(_mm512_maskz_mov_ps(not_nan, y)),
        too_big,
        _mm512_set1_epi32(i32::MAX),
    );
    let reduced = _mm512_fnmadd_ps(
        y,
        splat(DP3),
        _mm512_fnmadd_ps(y, splat(DP2), _mm512_fnmadd_ps(y, splat(DP1), xa)),
    );
    let x2 = _mm512_mul_ps(reduced, reduced);
    let s =
        _mm512_add_ps(_mm512_mul_ps(polynomial_2(x2, SIN), _mm512_mul_ps(reduced, x2)), reduced);
    let c = _mm512_add_ps(
        _mm512_mul_ps(polynomial_2(x2, COS), _mm512_mul_ps(x2, x2)),
        _mm512_fnmadd_ps(splat(0.5), x2, splat(1.0)),
    );
    let one = _mm512_set1_epi32(1);
    let swap = _mm512_test_epi32_mask(q, one);
    let overflow = _mm512_cmpgt_epi32_mask(q, _mm512_set1_epi32(0x0200_0000)) & is_finite_f32(xa);
    let s = select_f32(overflow, splat(0.0), s);
    let c = select_f32(overflow, splat(1.0), c);
    let sign_bit = _mm512_set1_epi32(i32::MIN);
    let sign_sin = _mm512_and_si512(_mm512_xor_si512(_mm512_slli_epi32::<30>(q), bits), sign_bit);
    let sin = _mm512_xor_si512(_mm512_castps_si512(select_f32(swap, c, s)), sign_sin);
    let sign_cos =
        _mm512_slli_epi32::<30>(_mm512_and_si512(_mm512_add_epi32(q, one), _mm512_set1_epi32(2)));
    let cos = _mm512_xor_si512(_mm512_castps_si512(select_f32(swap, s, c)), sign_cos);
    let finite = is_finite_f32(x);
    (
        select_f32(finite, _mm512_castsi512_ps(sin), splat(f32::NAN)),
        select_f32(finite, _mm512_castsi512_ps(cos), splat(f32::NAN)),
    )
}

/// Natural logarithm of every lane, as `wide`'s `f32x16::ln` (VCL's `log_f`): the mantissa
/// scaled into [√½, √2), a polynomial of degree 8, and ln 2 in two parts.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn ln_f32(x1: __m512) -> __m512 {
    const P: [f32; 9] = [
        3.3333331174E-1,
        -2.4999993993E-1,
        2.0000714765E-1,
        -1.6668057665E-1,
        1.4249322787E-1,
        -1.2420140846E-1,
        1.1676998740E-1,
        -1.1514610310E-1,
        7.0376836292E-2,
    ];
    const LN2_HI: f32 = 0.693359375;
    const LN2_LO: f32 = -2.12194440e-4;
    const POW2_23: f32 = 8_388_608.0;
    let splat = |v: f32| _mm512_set1_ps(v);
    let bits = _mm512_castps_si512(x1);
    let fraction = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(bits, _mm512_set1_epi32(0x007F_FFFF)),
        _mm512_set1_epi32(0x3F00_0000),
    ));
    let biased =
        _mm512_or_si512(_mm512_srli_epi32::<23>(bits), _mm512_set1_epi32(POW2_23.to_bits() as i32));
    let exponent = _mm512_sub_ps(_mm512_castsi512_ps(biased), splat(POW2_23 + 127.0));
    let upper = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(fraction, splat(std::f32::consts::SQRT_2 * 0.5));
    let x = select_f32(upper, fraction, _mm512_add_ps(fraction, fraction));
    let fe = select_f32(upper, _mm512_add_ps(exponent, splat(1.0)), exponent);
    let x = _mm512_sub_ps(x, splat(1.0));
    // `wide`'s polynomial_8!.
    let c = P.map(splat);
    let x2 = _mm512_mul_ps(x, x);
    let x4 = _mm512_mul_ps(x2, x2);
    let x8 = _mm512_mul_ps(x4, x4);
    let res = _mm512_fmadd_ps(
        x4,
        _mm512_fmadd_ps(x2, _mm512_fmadd_ps(c[7], x, c[6]), _mm512_fmadd_ps(x, c[5], c[4])),
        _mm512_fmadd_ps(
            x8,
            c[8],
            _mm512_fmadd_ps(x2, _mm512_fmadd_ps(x, c[3], c[2]), _mm512_fmadd_ps(x, c[1], c[0])),
        ),
    );
    let res = _mm512_mul_ps(_mm512_mul_ps(x2, x), res);
    let res = _mm512_fmadd_ps(fe, splat(LN2_LO), res);
    let res = _mm512_add_ps(res, _mm512_fnmadd_ps(x2, splat(0.5), x));
    let res = _mm512_fmadd_ps(fe, splat(LN2_HI), res);
    let finite = is_finite_f32(x1);
    let underflow = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(x1, splat(f32::MIN_POSITIVE));
    if (!finite | underflow) == 0 {
        return res;
    }
    let nan_log = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FC0_0101));
    let zero_or_subnormal = _mm512_testn_epi32_mask(bits, _mm512_set1_epi32(0x7F80_0000));
    let negative = _mm512_test_epi32_mask(bits, _mm512_set1_epi32(i32::MIN));
    let res = select_f32(underflow, nan_log, res);
    let res = select_f32(zero_or_subnormal, splat(f32::NEG_INFINITY), res);
    let res = select_f32(!finite, x1, res);
    select_f32(!finite & negative, nan_log, res)
}

/// Natural logarithm of every lane, as `wide`'s `f64x8::ln` (VCL's `log`): the mantissa
/// scaled into [√½, √2), a rational minimax approximation, and ln 2 in two parts (fdlibm's).
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn ln(x1: __m512d) -> __m512d {
    const P: [f64; 6] = [
        7.70838733755885391666E0,
        1.79368678507819816313E1,
        1.44989225341610930846E1,
        4.70579119878881725854E0,
        4.97494994976747001425E-1,
        1.01875663804580931796E-4,
    ];
    const Q: [f64; 5] = [
        2.31251620126765340583E1,
        7.11544750618563894466E1,
        8.29875266912776603211E1,
        4.52279145837532221105E1,
        1.12873587189167450590E1,
    ];
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    const POW2_52: f64 = 4_503_599_627_370_496.0;
    let splat = |v: f64| _mm512_set1_pd(v);
    let bits = _mm512_castpd_si512(x1);
    // The mantissa as a number in [0.5, 1), and the unbiased exponent as a float.
    let fraction = _mm512_castsi512_pd(_mm512_or_si512(
        _mm512_and_si512(bits, _mm512_set1_epi64(0x000F_FFFF_FFFF_FFFF)),
        _mm512_set1_epi64(0x3FE0_0000_0000_0000),
    ));
    let biased =
        _mm512_or_si512(_mm512_srli_epi64::<52>(bits), _mm512_set1_epi64(POW2_52.to_bits() as i64));
    let exponent = _mm512_sub_pd(_mm512_castsi512_pd(biased), splat(POW2_52 + 1023.0));
    let upper = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(fraction, splat(std::f64::consts::SQRT_2 * 0.5));
    let x = select(upper, fraction, _mm512_add_pd(fraction, fraction));
    let fe = select(upper, _mm512_add_pd(exponent, splat(1.0)), exponent);
    let x = _mm512_sub_pd(x, splat(1.0));
    let px = polynomial_5(x, P);
    let x2 = _mm512_mul_pd(x, x);
    let px = _mm512_mul_pd(_mm512_mul_pd(x2, x), px);
    let qx = polynomial_5n(x, Q);
    let res = _mm512_div_pd(px, qx);
    let res = _mm512_fmadd_pd(fe, splat(LN2_LO), res);
    let res = _mm512_add_pd(res, _mm512_fnmadd_pd(x2, splat(0.5), x));
    let res = _mm512_fmadd_pd(fe, splat(LN2_HI), res);
    let finite = is_finite(x1);
    let underflow = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x1, splat(2.2250738585072014E-308));
    if (!finite | underflow) == 0 {
        return res;
    }
    let nan_log = _mm512_castsi512_pd(_mm512_set1_epi64(0x7FF8_0000_0000_0000 | (0x101 << 29)));
    let zero_or_subnormal = _mm512_testn_epi64_mask(bits, _mm512_set1_epi64(EXPONENT_BITS));
    let negative = _mm512_test_epi64_mask(bits, _mm512_set1_epi64(SIGN_BIT));
    let res = select(underflow, nan_log, res);
    let res = select(zero_or_subnormal, splat(f64::NEG_INFINITY), res);
    let res = select(!finite, x1, res);
    select(!finite & negative, nan_log, res)
}

#[cfg(test)]
mod tests {
    //! On a CPU without AVX-512 these tests have nothing to compare and say so.
    use super::*;
    use dgnn_core::Seed;
    use proptest::prelude::*;
    use wide::{f32x16, f64x8};

    fn skip() -> bool {
        let skip = !available();
        if skip {
            eprintln!("this CPU has no AVX-512 F and DQ: nothing to compare");
        }
        skip
    }

    fn bits_of(x: f64x8) -> [u64; 8] {
        x.to_array().map(f64::to_bits)
    }

    fn avx_bits(x: __m512d) -> [u64; 8] {
        to_array(x).map(f64::to_bits)
    }

    /// `sin_cos` and `ln` of `lanes` on both paths, as bits.
    fn both_paths(lanes: [f64; 8]) -> ([[u64; 8]; 3], [[u64; 8]; 3]) {
        let wide_x = f64x8::from(lanes);
        let (s, c) = wide_x.sin_cos();
        let from_wide = [bits_of(s), bits_of(c), bits_of(wide_x.ln())];
        let avx_x = F64x8::pack(&lanes);
        // SAFETY: the callers check `available()` first.
        let (s, c, l) = unsafe {
            let (s, c) = sin_cos(avx_x.0);
            (s, c, ln(avx_x.0))
        };
        (from_wide, [avx_bits(s), avx_bits(c), avx_bits(l)])
    }

    /// `sin_cos` and `ln` of `lanes` on both f32 paths, as bits.
    fn both_paths_f32(lanes: [f32; 16]) -> ([[u32; 16]; 3], [[u32; 16]; 3]) {
        let bits = |x: [f32; 16]| x.map(f32::to_bits);
        let wide_x = f32x16::from(lanes);
        let (s, c) = wide_x.sin_cos();
        let from_wide = [bits(s.to_array()), bits(c.to_array()), bits(wide_x.ln().to_array())];
        // SAFETY: same size, and every bit pattern is a valid vector; the callers check
        // `available()` before the intrinsics run.
        let (s, c, l) = unsafe {
            let x = std::mem::transmute::<[f32; 16], __m512>(lanes);
            let (s, c) = sin_cos_f32(x);
            (s, c, ln_f32(x))
        };
        let avx = |x: __m512| bits(unsafe { std::mem::transmute::<__m512, [f32; 16]>(x) });
        (from_wide, [avx(s), avx(c), avx(l)])
    }

    #[test]
    fn special_values_give_the_same_bits_as_wide() {
        if skip() {
            return;
        }
        let specials = [
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            1e-310,
            1.0,
            -1.0,
            std::f64::consts::FRAC_PI_4,
            std::f64::consts::FRAC_PI_2,
            std::f64::consts::PI,
            -std::f64::consts::PI,
            1e15,
            // q beyond 2⁵⁵: the reduction's overflow branch.
            6e16,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for chunk in specials.chunks(8) {
            let mut lanes = [0.5; 8];
            lanes[..chunk.len()].copy_from_slice(chunk);
            let (from_wide, from_avx) = both_paths(lanes);
            assert_eq!(from_wide, from_avx, "inputs {lanes:?}");
        }
        // The same in f32, with f32's overflow point (q beyond 2²⁵) and subnormals.
        let mut lanes = [0.5f32; 16];
        for (lane, &x) in lanes.iter_mut().zip(&specials) {
            *lane = x as f32;
        }
        lanes[14] = 6e7;
        lanes[15] = 1e-40;
        let (from_wide, from_avx) = both_paths_f32(lanes);
        assert_eq!(from_wide, from_avx, "inputs {lanes:?}");
    }

    proptest! {
        #[test]
        fn any_bit_pattern_gives_the_same_bits_as_wide(words in any::<[u64; 8]>()) {
            if !skip() {
                let (from_wide, from_avx) = both_paths(words.map(f64::from_bits));
                prop_assert_eq!(from_wide, from_avx);
            }
        }

        #[test]
        fn any_f32_bit_pattern_gives_the_same_bits_as_wide(words in any::<[u32; 16]>()) {
            if !skip() {
                let (from_wide, from_avx) = both_paths_f32(words.map(f32::from_bits));
                prop_assert_eq!(from_wide, from_avx);
            }
        }

        #[test]
        fn phases_and_uniforms_give_the_same_bits_as_wide(
            lanes in any::<[f64; 8]>().prop_map(|v| v.map(|x| x % 1e4)),
        ) {
            // The kernels' inputs: phases of moderate size, and Box–Muller's u in (0, 1].
            if !skip() {
                let (from_wide, from_avx) = both_paths(lanes);
                prop_assert_eq!(from_wide, from_avx);
                let u = lanes.map(|x| (x.abs() % 1.0).max(f64::EPSILON));
                let (from_wide, from_avx) = both_paths(u);
                prop_assert_eq!(from_wide, from_avx);
            }
        }
    }

    #[test]
    fn hkb_blocks_give_the_same_bits_as_wide() {
        if skip() {
            return;
        }
        for (k, (a, b, detuning, q)) in
            [(1.0, 1.0, 0.0, 0.5), (1.0, 0.1, 1.3, 0.0), (0.3, 2.0, -0.7, 4.0)]
                .into_iter()
                .enumerate()
        {
            let p = HkbEnsembleParams { a, b, detuning, q, dt: 0.01, trajectories: 64, steps: 501 };
            let snapshots = [0, 1, 250, 501];
            let mut rng = Seed(7).stream("test/avx512", &[k as u64]);
            let from_wide = hkb_block::<f64x8, F64_VECTORS, _>(&p, &mut rng, &snapshots);
            let mut rng = Seed(7).stream("test/avx512", &[k as u64]);
            let from_avx =
                hkb_block_512(&p, Precision::F64, &mut rng, &snapshots).expect("checked above");
            for (w, v) in from_wide.iter().zip(&from_avx) {
                assert_eq!(w.map(f64::to_bits), v.map(f64::to_bits), "case {k}");
            }
            let mut rng = Seed(7).stream("test/avx512", &[k as u64]);
            let from_wide = hkb_block::<f32x16, F32_VECTORS, _>(&p, &mut rng, &snapshots);
            let mut rng = Seed(7).stream("test/avx512", &[k as u64]);
            let from_avx =
                hkb_block_512(&p, Precision::F32, &mut rng, &snapshots).expect("checked above");
            for (w, v) in from_wide.iter().zip(&from_avx) {
                assert_eq!(w.map(f64::to_bits), v.map(f64::to_bits), "f32 case {k}");
            }
        }
    }

    #[test]
    fn kuramoto_gives_the_same_bits_as_wide() {
        if skip() {
            return;
        }
        // 21 oscillators: three vectors, the last one padded.
        let n = 21;
        let params = KuramotoParams {
            omega: (0..n).map(|i| -1.0 + 2.0 * i as f64 / n as f64).collect(),
            theta0: (0..n).map(|i| (i as f64 * 2.4).sin() * 3.0).collect(),
            couplings: vec![0.5, 1.5, 3.0],
            dt: 0.05,
            steps: 400,
            average: 100,
        };
        for &k in &params.couplings {
            let from_wide = kuramoto_one::<f64x8>(&params, k);
            let from_avx = kuramoto_one_512(&params, k).expect("checked above");
            assert_eq!(from_wide.r_mean.to_bits(), from_avx.r_mean.to_bits(), "K = {k}");
            let series =
                |p: &KuramotoPoint| p.r_series.iter().map(|r| r.to_bits()).collect::<Vec<_>>();
            assert_eq!(series(&from_wide), series(&from_avx), "K = {k}");
        }
    }
}
