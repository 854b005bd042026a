//! `exp` over a slice, vectorised, bit for bit the value of the C library's `exp` on the machines
//! dgnn is built for.
//!
//! The method is Tang's table method as written for ARM's optimized-routines (Szabolcs Nagy,
//! 2018) and shipped as `exp` by glibc since 2.28 and by musl: with `N = 128`,
//! `x = k·ln2/N + r`, `|r| ≤ ln2/(2N)`, and
//!
//! `eˣ = 2^(k/N)·eʳ ≈ s + s·(t + r + r²(C₂ + C₃r) + r⁴(C₄ + C₅r))`,
//!
//! where `2^(j/N) ≈ s_j·(1 + t_j)` comes from a 128-entry table (`s_j` the double nearest to
//! `2^(j/N)`, `t_j` the double nearest to the relative remainder), `s = 2^⌊k/N⌋·s_{k mod N}`, and
//! `C₂…C₅` are the algorithm's published minimax coefficients. The reduction uses a two-part
//! `ln2/N` (the high part has 17 trailing zero bits) and the round-to-integer-by-adding-`1.5·2⁵²`
//! trick. Its error is below 0.52 ulp.
//!
//! On x86-64 with FMA (and AVX2), glibc runs a build of that code in which the compiler fused eight of its
//! multiply-adds; [`exp_in_place`] performs the same operations with the same fusions
//! (`f64::mul_add`, exact on every CPU), so on such machines — every machine dgnn's default
//! target (x86-64-v3) runs on, with glibc — its results equal `f64::exp`'s to the bit, which
//! the tests check over the whole fast range. Elsewhere it is the same function computed
//! exactly, within 1 ulp of the platform's `exp`.
//!
//! Arguments with `|x| < 2⁻⁵⁴` (zero included) give exactly 1, as in glibc (`1 + x` rounds to
//! 1); those with `2⁻⁵⁴ ≤ |x| < 512` take the formula, which needs no special case there; the
//! others (huge, infinite or NaN) go to `f64::exp`, and a slice holding one takes a scalar loop.
//! The table is computed, not copied: a test derives it from `2^(j/N)` in exact integer
//! arithmetic.

use multiversion::multiversion;

/// `N/ln2` rounded.
const INV_LN2_N: f64 = f64::from_bits(0x4067_1547_652b_82fe);
/// `−ln2/N`, high part (17 trailing zero bits, so `k·NEG_LN2_HI_N` is exact for `|k| < 2¹⁷`).
const NEG_LN2_HI_N: f64 = f64::from_bits(0xbf76_2e42_fefa_0000);
/// `−ln2/N − NEG_LN2_HI_N`, rounded.
const NEG_LN2_LO_N: f64 = f64::from_bits(0xbd0c_f79a_bc9e_3b3a);
/// `1.5·2⁵²`: adding it rounds `x·N/ln2` to an integer held in the low bits.
const SHIFT: f64 = f64::from_bits(0x4338_0000_0000_0000);
/// The minimax coefficients `C₂…C₅` of `eʳ − 1 − r` on `|r| ≤ ln2/(2N)`.
const C2: f64 = f64::from_bits(0x3fdf_ffff_ffff_fdbd);
const C3: f64 = f64::from_bits(0x3fc5_5555_5555_543c);
const C4: f64 = f64::from_bits(0x3fa5_5555_cf17_2b91);
const C5: f64 = f64::from_bits(0x3f81_1111_67a4_d017);

/// `TABLE[2j] = bits(t_j)` and `TABLE[2j + 1] = bits(s_j) − j·2⁴⁵` (so that adding `k·2⁴⁵`
/// puts `⌊k/N⌋` into the exponent), for `j = 0…127`.
#[rustfmt::skip]
static TABLE: [u64; 256] = [
    0x0000000000000000, 0x3ff0000000000000, 0x3c9b3b4f1a88bf6e, 0x3feff63da9fb3335,
    0xbc7160139cd8dc5d, 0x3fefec9a3e778061, 0xbc905e7a108766d1, 0x3fefe315e86e7f85,
    0x3c8cd2523567f613, 0x3fefd9b0d3158574, 0xbc8bce8023f98efa, 0x3fefd06b29ddf6de,
    0x3c60f74e61e6c861, 0x3fefc74518759bc8, 0x3c90a3e45b33d399, 0x3fefbe3ecac6f383,
    0x3c979aa65d837b6d, 0x3fefb5586cf9890f, 0x3c8eb51a92fdeffc, 0x3fefac922b7247f7,
    0x3c3ebe3d702f9cd1, 0x3fefa3ec32d3d1a2, 0xbc6a033489906e0b, 0x3fef9b66affed31b,
    0xbc9556522a2fbd0e, 0x3fef9301d0125b51, 0xbc5080ef8c4eea55, 0x3fef8abdc06c31cc,
    0xbc91c923b9d5f416, 0x3fef829aaea92de0, 0x3c80d3e3e95c55af, 0x3fef7a98c8a58e51,
    0xbc801b15eaa59348, 0x3fef72b83c7d517b, 0xbc8f1ff055de323d, 0x3fef6af9388c8dea,
    0x3c8b898c3f1353bf, 0x3fef635beb6fcb75, 0xbc96d99c7611eb26, 0x3fef5be084045cd4,
    0x3c9aecf73e3a2f60, 0x3fef54873168b9aa, 0xbc8fe782cb86389d, 0x3fef4d5022fcd91d,
    0x3c8a6f4144a6c38d, 0x3fef463b88628cd6, 0x3c807a05b0e4047d, 0x3fef3f49917ddc96,
    0x3c968efde3a8a894, 0x3fef387a6e756238, 0x3c875e18f274487d, 0x3fef31ce4fb2a63f,
    0x3c80472b981fe7f2, 0x3fef2b4565e27cdd, 0xbc96b87b3f71085e, 0x3fef24dfe1f56381,
    0x3c82f7e16d09ab31, 0x3fef1e9df51fdee1, 0xbc3d219b1a6fbffa, 0x3fef187fd0dad990,
    0x3c8b3782720c0ab4, 0x3fef1285a6e4030b, 0x3c6e149289cecb8f, 0x3fef0cafa93e2f56,
    0x3c834d754db0abb6, 0x3fef06fe0a31b715, 0x3c864201e2ac744c, 0x3fef0170fc4cd831,
    0x3c8fdd395dd3f84a, 0x3feefc08b26416ff, 0xbc86a3803b8e5b04, 0x3feef6c55f929ff1,
    0xbc924aedcc4b5068, 0x3feef1a7373aa9cb, 0xbc9907f81b512d8e, 0x3feeecae6d05d866,
    0xbc71d1e83e9436d2, 0x3feee7db34e59ff7, 0xbc991919b3ce1b15, 0x3feee32dc313a8e5,
    0x3c859f48a72a4c6d, 0x3feedea64c123422, 0xbc9312607a28698a, 0x3feeda4504ac801c,
    0xbc58a78f4817895b, 0x3feed60a21f72e2a, 0xbc7c2c9b67499a1b, 0x3feed1f5d950a897,
    0x3c4363ed60c2ac11, 0x3feece086061892d, 0x3c9666093b0664ef, 0x3feeca41ed1d0057,
    0x3c6ecce1daa10379, 0x3feec6a2b5c13cd0, 0x3c93ff8e3f0f1230, 0x3feec32af0d7d3de,
    0x3c7690cebb7aafb0, 0x3feebfdad5362a27, 0x3c931dbdeb54e077, 0x3feebcb299fddd0d,
    0xbc8f94340071a38e, 0x3feeb9b2769d2ca7, 0xbc87deccdc93a349, 0x3feeb6daa2cf6642,
    0xbc78dec6bd0f385f, 0x3feeb42b569d4f82, 0xbc861246ec7b5cf6, 0x3feeb1a4ca5d920f,
    0x3c93350518fdd78e, 0x3feeaf4736b527da, 0x3c7b98b72f8a9b05, 0x3feead12d497c7fd,
    0x3c9063e1e21c5409, 0x3feeab07dd485429, 0x3c34c7855019c6ea, 0x3feea9268a5946b7,
    0x3c9432e62b64c035, 0x3feea76f15ad2148, 0xbc8ce44a6199769f, 0x3feea5e1b976dc09,
    0xbc8c33c53bef4da8, 0x3feea47eb03a5585, 0xbc845378892be9ae, 0x3feea34634ccc320,
    0xbc93cedd78565858, 0x3feea23882552225, 0x3c5710aa807e1964, 0x3feea155d44ca973,
    0xbc93b3efbf5e2228, 0x3feea09e667f3bcd, 0xbc6a12ad8734b982, 0x3feea012750bdabf,
    0xbc6367efb86da9ee, 0x3fee9fb23c651a2f, 0xbc80dc3d54e08851, 0x3fee9f7df9519484,
    0xbc781f647e5a3ecf, 0x3fee9f75e8ec5f74, 0xbc86ee4ac08b7db0, 0x3fee9f9a48a58174,
    0xbc8619321e55e68a, 0x3fee9feb564267c9, 0x3c909ccb5e09d4d3, 0x3feea0694fde5d3f,
    0xbc7b32dcb94da51d, 0x3feea11473eb0187, 0x3c94ecfd5467c06b, 0x3feea1ed0130c132,
    0x3c65ebe1abd66c55, 0x3feea2f336cf4e62, 0xbc88a1c52fb3cf42, 0x3feea427543e1a12,
    0xbc9369b6f13b3734, 0x3feea589994cce13, 0xbc805e843a19ff1e, 0x3feea71a4623c7ad,
    0xbc94d450d872576e, 0x3feea8d99b4492ed, 0x3c90ad675b0e8a00, 0x3feeaac7d98a6699,
    0x3c8db72fc1f0eab4, 0x3feeace5422aa0db, 0xbc65b6609cc5e7ff, 0x3feeaf3216b5448c,
    0x3c7bf68359f35f44, 0x3feeb1ae99157736, 0xbc93091fa71e3d83, 0x3feeb45b0b91ffc6,
    0xbc5da9b88b6c1e29, 0x3feeb737b0cdc5e5, 0xbc6c23f97c90b959, 0x3feeba44cbc8520f,
    0xbc92434322f4f9aa, 0x3feebd829fde4e50, 0xbc85ca6cd7668e4b, 0x3feec0f170ca07ba,
    0x3c71affc2b91ce27, 0x3feec49182a3f090, 0x3c6dd235e10a73bb, 0x3feec86319e32323,
    0xbc87c50422622263, 0x3feecc667b5de565, 0x3c8b1c86e3e231d5, 0x3feed09bec4a2d33,
    0xbc91bbd1d3bcbb15, 0x3feed503b23e255d, 0x3c90cc319cee31d2, 0x3feed99e1330b358,
    0x3c8469846e735ab3, 0x3feede6b5579fdbf, 0xbc82dfcd978e9db4, 0x3feee36bbfd3f37a,
    0x3c8c1a7792cb3387, 0x3feee89f995ad3ad, 0xbc907b8f4ad1d9fa, 0x3feeee07298db666,
    0xbc55c3d956dcaeba, 0x3feef3a2b84f15fb, 0xbc90a40e3da6f640, 0x3feef9728de5593a,
    0xbc68d6f438ad9334, 0x3feeff76f2fb5e47, 0xbc91eee26b588a35, 0x3fef05b030a1064a,
    0x3c74ffd70a5fddcd, 0x3fef0c1e904bc1d2, 0xbc91bdfbfa9298ac, 0x3fef12c25bd71e09,
    0x3c736eae30af0cb3, 0x3fef199bdd85529c, 0x3c8ee3325c9ffd94, 0x3fef20ab5fffd07a,
    0x3c84e08fd10959ac, 0x3fef27f12e57d14b, 0x3c63cdaf384e1a67, 0x3fef2f6d9406e7b5,
    0x3c676b2c6c921968, 0x3fef3720dcef9069, 0xbc808a1883ccb5d2, 0x3fef3f0b555dc3fa,
    0xbc8fad5d3ffffa6f, 0x3fef472d4a07897c, 0xbc900dae3875a949, 0x3fef4f87080d89f2,
    0x3c74a385a63d07a7, 0x3fef5818dcfba487, 0xbc82919e2040220f, 0x3fef60e316c98398,
    0x3c8e5a50d5c192ac, 0x3fef69e603db3285, 0x3c843a59ac016b4b, 0x3fef7321f301b460,
    0xbc82d52107b43e1f, 0x3fef7c97337b9b5f, 0xbc892ab93b470dc9, 0x3fef864614f5a129,
    0x3c74b604603a88d3, 0x3fef902ee78b3ff6, 0x3c83c5ec519d7271, 0x3fef9a51fbc74c83,
    0xbc8ff7128fd391f0, 0x3fefa4afa2a490da, 0xbc8dae98e223747d, 0x3fefaf482d8e67f1,
    0x3c8ec3bc41aa2008, 0x3fefba1bee615a27, 0x3c842b94c3a9eb32, 0x3fefc52b376bba97,
    0x3c8a64a931d185ee, 0x3fefd0765b6e4540, 0xbc8e37bae43be3ed, 0x3fefdbfdad9cbe14,
    0x3c77893b4d91cd9d, 0x3fefe7c1819e90d8, 0x3c5305c14160cc89, 0x3feff3c22b8f71f1,
];

/// Replaces every element of `values` by its exponential.
#[multiversion(targets("x86_64+avx512f+avx512dq"))]
pub(crate) fn exp_in_place(values: &mut [f64]) {
    if values.iter().fold(true, |all, &x| all & below_512(x)) {
        values.iter_mut().for_each(|v| *v = exp_below_512(*v));
    } else {
        values.iter_mut().for_each(|v| *v = exp(*v));
    }
}

/// `eˣ` of one argument, the same bits as [`exp_in_place`] gives it.
pub(crate) fn exp(x: f64) -> f64 {
    if below_512(x) { exp_below_512(x) } else { x.exp() }
}

/// `|x| < 512` (and not NaN): the arguments served without the C library.
#[inline(always)]
fn below_512(x: f64) -> bool {
    (x.to_bits() >> 52) & 0x7ff < 0x408
}

/// `eˣ` for `|x| < 512`: exactly 1 below `2⁻⁵⁴` (where `1 + x` rounds to 1, glibc's answer),
/// the formula above it.
#[inline(always)]
fn exp_below_512(x: f64) -> f64 {
    let tiny = (x.to_bits() >> 52) & 0x7ff < 0x3c9;
    if tiny { 1.0 } else { exp_reduced(x) }
}

/// The formula of the module docs, with glibc's x86-64 FMA build's fusions; valid in the fast
/// range only.
#[inline(always)]
fn exp_reduced(x: f64) -> f64 {
    let shifted = x.mul_add(INV_LN2_N, SHIFT);
    let k_bits = shifted.to_bits();
    let k = shifted - SHIFT;
    let r = k.mul_add(NEG_LN2_LO_N, k.mul_add(NEG_LN2_HI_N, x));
    let j = (k_bits % 128) as usize;
    let tail = f64::from_bits(TABLE[2 * j]);
    let scale = f64::from_bits(TABLE[2 * j + 1].wrapping_add(k_bits << 45));
    let r2 = r * r;
    let low = r.mul_add(C3, C2).mul_add(r2, r + tail);
    let tmp = (r2 * r2).mul_add(r.mul_add(C5, C4), low);
    scale.mul_add(tmp, scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::{BigInt, BigUint, Sign};
    use proptest::prelude::*;

    /// Whether `f64::exp` is glibc's FMA build (x86-64 with AVX2 and FMA, glibc ≥ 2.28), the
    /// function [`exp_in_place`] reproduces to the bit.
    fn libm_is_glibc_fma() -> bool {
        #[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
        {
            is_x86_feature_detected!("fma") && is_x86_feature_detected!("avx2")
        }
        #[cfg(not(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu")))]
        {
            false
        }
    }

    /// `ours` is the C library's `exp(x)`: to the bit where that is glibc's FMA build, within
    /// 1 ulp elsewhere (both are faithful to 0.52 ulp).
    fn agrees(x: f64, ours: f64) -> Result<(), TestCaseError> {
        let libm = x.exp();
        if libm.is_nan() || libm_is_glibc_fma() {
            prop_assert!(
                ours.to_bits() == libm.to_bits() || (ours.is_nan() && libm.is_nan()),
                "exp({x:e}) = {ours:e}, C library {libm:e}"
            );
        } else {
            let ulps = ours.to_bits().abs_diff(libm.to_bits());
            prop_assert!(ulps <= 1, "exp({x:e}) = {ours:e}, C library {libm:e}");
        }
        Ok(())
    }

    /// Rounds the positive `v / 2^shift` to the nearest double (ties to even).
    fn nearest_double(v: &BigUint, shift: i32) -> f64 {
        let excess = v.bits().saturating_sub(53);
        let kept = v >> excess;
        let rest = v - (&kept << excess);
        let half = if excess == 0 { BigUint::ZERO } else { BigUint::from(1u8) << (excess - 1) };
        let up = excess > 0 && (rest > half || (rest == half && kept.bit(0)));
        let mantissa = u64::try_from(kept).expect("53 bits") + u64::from(up);
        mantissa as f64 * 2f64.powi(excess as i32 - shift)
    }

    #[test]
    fn table_is_two_to_the_j_over_128() {
        // 2^(j/128) to 200 fractional bits as an integer root, rounded to the double s_j, and
        // t_j the double nearest to (2^(j/128) − s_j)/s_j, with s_j's exponent bits taking
        // j·2⁴⁵ off (module docs).
        const BITS: u64 = 200;
        for j in 0..128u64 {
            let exact = (BigUint::from(1u8) << (j + 128 * BITS)).nth_root(128);
            let scale = nearest_double(&exact, BITS as i32);
            let scale_int =
                BigUint::from(scale.to_bits() & ((1 << 52) - 1) | (1 << 52)) << (BITS - 52);
            let diff = BigInt::from(exact) - BigInt::from(scale_int.clone());
            let quotient = (diff.magnitude() << 400u32) / &scale_int;
            let tail = match diff.sign() {
                Sign::Minus => -nearest_double(&quotient, 400),
                _ => nearest_double(&quotient, 400),
            };
            assert_eq!(TABLE[2 * j as usize], tail.to_bits(), "t_{j}");
            assert_eq!(TABLE[2 * j as usize + 1], scale.to_bits() - (j << 45), "s_{j}");
        }
    }

    #[test]
    fn reduction_constants_are_n_over_ln2_and_minus_ln2_over_n() {
        assert_eq!(INV_LN2_N.to_bits(), (128.0 / std::f64::consts::LN_2).to_bits());
        // The two parts sum to −ln2/128 (to double precision) and the high part has 17 zero
        // bits at the bottom.
        assert_eq!(
            (NEG_LN2_HI_N + NEG_LN2_LO_N).to_bits(),
            (-std::f64::consts::LN_2 / 128.0).to_bits()
        );
        assert_eq!(NEG_LN2_HI_N.to_bits().trailing_zeros(), 17);
        assert!(NEG_LN2_LO_N.abs() < NEG_LN2_HI_N.abs() * f64::EPSILON * 2f64.powi(17));
    }

    #[test]
    fn a_dense_sweep_matches_the_c_library() {
        // Every table index and every position within its reduction interval, over the whole
        // range where the vector path runs and across its edges.
        let mut xs: Vec<f64> =
            (0..1 << 23).map(|i| -745.5 + 1455.0 * f64::from(i) / f64::from(1 << 23)).collect();
        xs.extend((0..1 << 20).map(|i| (f64::from(i) - f64::from(1 << 19)) * 2f64.powi(-18)));
        let mut ys = xs.clone();
        exp_in_place(&mut ys);
        for (&x, &y) in xs.iter().zip(&ys) {
            agrees(x, y).unwrap();
        }
    }

    fn argument() -> impl Strategy<Value = f64> {
        prop_oneof![
            -746.0..710.0f64,
            -40.0..1.0f64,
            (-70i32..10, any::<bool>(), 1.0..2.0f64).prop_map(|(e, neg, m)| {
                let x = m * 2f64.powi(e);
                if neg { -x } else { x }
            }),
            prop::sample::select(vec![
                0.0,
                -0.0,
                2f64.powi(-54),
                -(2f64.powi(-54)),
                2f64.powi(-54).next_down(),
                512.0,
                -512.0,
                512f64.next_down(),
                (-512f64).next_up(),
                f64::MIN_POSITIVE / 4.0,
                709.78,
                709.79,
                -745.2,
                -745.1,
                -708.5,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
            ]),
        ]
    }

    proptest! {
        // Slices of any length (whole blocks, remainders, lanes that need the C library among
        // lanes that do not): every element is the C library's exp of itself.
        #[test]
        fn every_element_is_the_c_librarys_exp(xs in prop::collection::vec(argument(), 0..40)) {
            let mut ys = xs.clone();
            exp_in_place(&mut ys);
            for (&x, &y) in xs.iter().zip(&ys) {
                agrees(x, y)?;
                prop_assert!(exp(x).to_bits() == y.to_bits() || y.is_nan());
            }
        }
    }
}
