//! SIMD lanes of the HKB kernel: eight xoshiro256++ generators run as the lanes of one `u64x8`
//! (Blackman & Vigna 2021, ACM TOMS 47:36), uniforms and exact Box–Muller normals from them
//! (Box & Muller 1958), and [`PhaseLanes`], what the kernel needs from `f64x8` and `f32x16`.
//!
//! No crate offers xoshiro over SIMD lanes with wide's types, and the generator is twelve
//! lines, so it lives here (checked against the reference scalar algorithm in the tests).

use rand::Rng;
use std::f64::consts::TAU;
use wide::{f32x16, f64x8, u64x8};

/// Eight independent xoshiro256++ generators, one per lane.
#[derive(Debug, Clone, Copy)]
pub(super) struct Xoshiro8 {
    s: [u64x8; 4],
}

impl Xoshiro8 {
    /// Seeds the eight lanes with 256 bits each from `rng` (never all zero).
    pub(super) fn from_rng<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut lanes = [[0u64; 4]; 8];
        for state in &mut lanes {
            while state.iter().all(|&w| w == 0) {
                *state = [rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64()];
            }
        }
        Self { s: std::array::from_fn(|k| u64x8::from(lanes.map(|state| state[k]))) }
    }

    #[inline(always)]
    fn rotl(x: u64x8, k: u32) -> u64x8 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 bits of each lane (xoshiro256++).
    #[inline(always)]
    fn next(&mut self) -> u64x8 {
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

    /// Uniforms in `[1, 2)` from the top 52 bits.
    #[inline(always)]
    fn one_to_two_f64(&mut self) -> f64x8 {
        let bits = (self.next() >> 12) | u64x8::splat(0x3FF0_0000_0000_0000);
        wide::bytemuck::cast(bits)
    }

    /// Sixteen uniforms in `[1, 2)` (f32) from the 512 bits of one draw.
    #[inline(always)]
    fn one_to_two_f32(&mut self) -> f32x16 {
        let raw: wide::u32x16 = wide::bytemuck::cast(self.next());
        let bits = (raw >> 9) | wide::u32x16::splat(0x3F80_0000);
        wide::bytemuck::cast(bits)
    }

    /// A pair of independent standard normal vectors (Box–Muller), f64.
    #[inline(always)]
    fn normals_f64(&mut self) -> (f64x8, f64x8) {
        let u1 = f64x8::splat(2.0) - self.one_to_two_f64(); // (0, 1]
        let u2 = self.one_to_two_f64() - f64x8::ONE; // [0, 1)
        let radius = (f64x8::splat(-2.0) * u1.ln()).sqrt();
        let (s, c) = (u2 * f64x8::splat(TAU)).sin_cos();
        (radius * c, radius * s)
    }

    /// A pair of independent standard normal vectors (Box–Muller), f32.
    #[inline(always)]
    fn normals_f32(&mut self) -> (f32x16, f32x16) {
        let u1 = f32x16::splat(2.0) - self.one_to_two_f32(); // (0, 1]
        let u2 = self.one_to_two_f32() - f32x16::ONE; // [0, 1)
        let radius = (f32x16::splat(-2.0) * u1.ln()).sqrt();
        let (s, c) = (u2 * f32x16::splat(std::f32::consts::TAU)).sin_cos();
        (radius * c, radius * s)
    }
}

/// A SIMD vector of phases: what the HKB kernel needs from `f64x8` and `f32x16`.
pub(super) trait PhaseLanes:
    Copy + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self> + std::ops::Mul<Output = Self>
{
    /// Number of lanes.
    const WIDTH: usize;
    fn splat(x: f64) -> Self;
    fn sin_cos(self) -> (Self, Self);
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// Uniforms in `[0, 1)`.
    fn uniform(gen8: &mut Xoshiro8) -> Self;
    /// A pair of independent standard normal vectors.
    fn normals(gen8: &mut Xoshiro8) -> (Self, Self);
    /// Writes the lanes as f64.
    fn store(self, out: &mut [f64]);
}

impl PhaseLanes for f64x8 {
    const WIDTH: usize = 8;
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
    fn uniform(gen8: &mut Xoshiro8) -> Self {
        gen8.one_to_two_f64() - f64x8::ONE
    }
    #[inline(always)]
    fn normals(gen8: &mut Xoshiro8) -> (Self, Self) {
        gen8.normals_f64()
    }
    fn store(self, out: &mut [f64]) {
        out.copy_from_slice(&self.to_array());
    }
}

impl PhaseLanes for f32x16 {
    const WIDTH: usize = 16;
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
    fn uniform(gen8: &mut Xoshiro8) -> Self {
        gen8.one_to_two_f32() - f32x16::ONE
    }
    #[inline(always)]
    fn normals(gen8: &mut Xoshiro8) -> (Self, Self) {
        gen8.normals_f32()
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
        let mut gen8 = Xoshiro8::from_rng(&mut rng);
        let (mut m1, mut m2, mut m4, mut n) = (0.0, 0.0, 0.0, 0.0);
        let (mut f1, mut f2, mut f4) = (0.0, 0.0, 0.0);
        for _ in 0..50_000 {
            let (a, b) = gen8.normals_f64();
            for z in a.to_array().into_iter().chain(b.to_array()) {
                m1 += z;
                m2 += z * z;
                m4 += z.powi(4);
                n += 1.0;
            }
            let (c, d) = gen8.normals_f32();
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
