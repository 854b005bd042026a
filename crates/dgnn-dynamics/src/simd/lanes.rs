//! SIMD lanes of the two kernels: eight xoshiro256++ generators run as the lanes of one 64-bit
//! integer vector (Blackman & Vigna 2021, ACM TOMS 47:36), uniforms and exact Box–Muller
//! normals from them (Box & Muller 1958), and [`PhaseLanes`], what the kernels need from a
//! vector of phases: `wide`'s `f64x8` and `f32x16`, and on CPUs with AVX-512 the
//! [`super::avx512`] vectors, which give the same bits as `f64x8`.
//!
//! No crate offers xoshiro over SIMD lanes with these types, and the generator is twelve
//! lines, so it lives here (checked against the reference scalar algorithm in the tests).

use rand::Rng;
use std::f64::consts::TAU;
use std::ops::{Add, BitOr, BitXor, Mul, Shl, Shr, Sub};
use wide::{f32x16, f64x8, u64x8};

/// Eight 64-bit integer lanes: what [`Xoshiro8`] needs from its state vectors.
pub(super) trait GeneratorLanes:
    Copy
    + Add<Output = Self>
    + BitOr<Output = Self>
    + BitXor<Output = Self>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
{
    /// The vector holding `words`, lane `k` from `words[k]`.
    fn from_words(words: [u64; 8]) -> Self;
}

impl GeneratorLanes for u64x8 {
    fn from_words(words: [u64; 8]) -> Self {
        u64x8::from(words)
    }
}

/// Eight independent xoshiro256++ generators, one per lane.
#[derive(Debug, Clone, Copy)]
pub(super) struct Xoshiro8<U> {
    s: [U; 4],
}

impl<U: GeneratorLanes> Xoshiro8<U> {
    /// Seeds the eight lanes with 256 bits each from `rng` (never all zero).
    pub(super) fn from_rng<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut lanes = [[0u64; 4]; 8];
        for state in &mut lanes {
            while state.iter().all(|&w| w == 0) {
                *state = [rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64()];
            }
        }
        Self { s: std::array::from_fn(|k| U::from_words(lanes.map(|state| state[k]))) }
    }

    #[inline(always)]
    fn rotl(x: U, k: u32) -> U {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 bits of each lane (xoshiro256++).
    #[inline(always)]
    pub(super) fn next(&mut self) -> U {
        let [s0, s1, s2, s3] = self.s;
        let result = Self::rotl(s0 + s3, 23) + s0;
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        let s1 = s1 ^ s2;
        let s0 = s0 ^ s3;
        let s2 = s2 ^ t;
        let s3 = Self::rotl(s3, 45);
        self.s = [s0, s1, s2, s3];
        result
    }
}

/// A SIMD vector of phases: what the HKB and Kuramoto kernels need from `f64x8`, `f32x16` and
/// the AVX-512 vectors.
pub(super) trait PhaseLanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
    /// Number of lanes.
    const WIDTH: usize;
    /// The generator's lanes that feed this vector.
    type Bits: GeneratorLanes;
    fn splat(x: f64) -> Self;
    fn sin_cos(self) -> (Self, Self);
    fn mul_add(self, a: Self, b: Self) -> Self;
    fn ln(self) -> Self;
    fn sqrt(self) -> Self;
    /// Uniforms in `[1, 2)` from the top mantissa-width bits of one draw.
    fn one_to_two(bits: Self::Bits) -> Self;
    /// Writes the lanes as f64.
    fn store(self, out: &mut [f64]);
}

/// A vector of f64 phases that the Kuramoto kernel also sums across.
pub(super) trait SumLanes: PhaseLanes {
    /// The vector of `chunk` (at most `WIDTH` values), the rest of the lanes 0.
    fn pack(chunk: &[f64]) -> Self;
    /// The sum of the lanes in one fixed order (`wide`'s on AVX2),
    /// `((x₀ + x₂) + (x₁ + x₃)) + ((x₄ + x₆) + (x₅ + x₇))`, so that every build and CPU gives the
    /// same bits.
    fn reduce_add(self) -> f64;
}

/// `((x₀ + x₂) + (x₁ + x₃)) + ((x₄ + x₆) + (x₅ + x₇))`: [`SumLanes::reduce_add`]'s order.
#[inline(always)]
pub(crate) fn sum_in_fixed_order(x: [f64; 8]) -> f64 {
    ((x[0] + x[2]) + (x[1] + x[3])) + ((x[4] + x[6]) + (x[5] + x[7]))
}

/// Uniforms in `[0, 1)`.
#[inline(always)]
pub(super) fn uniform<L: PhaseLanes>(gen8: &mut Xoshiro8<L::Bits>) -> L {
    L::one_to_two(gen8.next()) - L::splat(1.0)
}

/// A pair of independent standard normal vectors (Box–Muller).
#[inline(always)]
pub(super) fn normals<L: PhaseLanes>(gen8: &mut Xoshiro8<L::Bits>) -> (L, L) {
    let u1 = L::splat(2.0) - L::one_to_two(gen8.next()); // (0, 1]
    let u2 = L::one_to_two(gen8.next()) - L::splat(1.0); // [0, 1)
    let radius = (L::splat(-2.0) * u1.ln()).sqrt();
    let (s, c) = (u2 * L::splat(TAU)).sin_cos();
    (radius * c, radius * s)
}

impl PhaseLanes for f64x8 {
    const WIDTH: usize = 8;
    type Bits = u64x8;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        f64x8::splat(x)
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        f64x8::sin_cos(self)
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        f64x8::mul_add(self, a, b)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        f64x8::ln(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64x8::sqrt(self)
    }
    #[inline(always)]
    fn one_to_two(bits: u64x8) -> Self {
        wide::bytemuck::cast((bits >> 12) | u64x8::splat(0x3FF0_0000_0000_0000))
    }
    fn store(self, out: &mut [f64]) {
        out.copy_from_slice(&self.to_array());
    }
}

impl SumLanes for f64x8 {
    fn pack(chunk: &[f64]) -> Self {
        let mut lanes = [0.0; 8];
        lanes[..chunk.len()].copy_from_slice(chunk);
        f64x8::from(lanes)
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        sum_in_fixed_order(self.to_array())
    }
}

impl PhaseLanes for f32x16 {
    const WIDTH: usize = 16;
    type Bits = u64x8;
    #[inline(always)]
    fn splat(x: f64) -> Self {
        f32x16::splat(x as f32)
    }
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        f32x16::sin_cos(self)
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        f32x16::mul_add(self, a, b)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        f32x16::ln(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f32x16::sqrt(self)
    }
    /// Sixteen uniforms from the 512 bits of one draw.
    #[inline(always)]
    fn one_to_two(bits: u64x8) -> Self {
        let raw: wide::u32x16 = wide::bytemuck::cast(bits);
        wide::bytemuck::cast((raw >> 9) | wide::u32x16::splat(0x3F80_0000))
    }
    fn store(self, out: &mut [f64]) {
        out.copy_from_slice(&self.to_array().map(f64::from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_core::Seed;

    #[test]
    fn xoshiro_lanes_follow_the_reference_algorithm() {
        // xoshiro256++ from state (1, 2, 3, 4): the reference implementation's first outputs
        // (also the test vector of the rand_xoshiro crate). The first is rotl(1 + 4, 23) + 1.
        let expected = [41_943_041u64, 58_720_359, 3_588_806_011_781_223, 3_591_011_842_654_386];
        let mut gen8 = Xoshiro8 { s: [1u64, 2, 3, 4].map(u64x8::splat) };
        for want in expected {
            assert!(gen8.next().to_array().iter().all(|&x| x == want));
        }
    }

    #[test]
    fn box_muller_variates_are_standard_normal() {
        // 800 000 variates: standard errors 1.1e-3 (mean), 1.6e-3 (variance), 5.5e-3 (fourth
        // moment 3); tolerance 5 standard errors. Also the f32 path.
        let mut rng = Seed(1).stream("test/normals", &[]);
        let mut gen8 = Xoshiro8::<u64x8>::from_rng(&mut rng);
        let (mut m1, mut m2, mut m4, mut n) = (0.0, 0.0, 0.0, 0.0);
        let (mut f1, mut f2, mut f4) = (0.0, 0.0, 0.0);
        for _ in 0..50_000 {
            let (a, b) = normals::<f64x8>(&mut gen8);
            for z in a.to_array().into_iter().chain(b.to_array()) {
                m1 += z;
                m2 += z * z;
                m4 += z.powi(4);
                n += 1.0;
            }
            let (c, d) = normals::<f32x16>(&mut gen8);
            for z in c.to_array().into_iter().chain(d.to_array()).take(16) {
                let z = f64::from(z);
                f1 += z;
                f2 += z * z;
                f4 += z.powi(4);
            }
        }
        for (s1, s2, s4) in [(m1, m2, m4), (f1, f2, f4)] {
            assert!((s1 / n).abs() < 5.0 * 1.1e-3);
            assert!((s2 / n - 1.0).abs() < 5.0 * 1.6e-3);
            assert!((s4 / n - 3.0).abs() < 5.0 * 5.5e-3);
        }
    }
}
