//! Platform-independent arithmetic for the generator.
//!
//! `f64::ln` and `f64::exp` call the platform's maths library, whose last bit
//! may differ between systems. The generator must give the same bytes
//! everywhere, so it uses the functions below instead: they are built from
//! IEEE-754 `+ - * /`, `sqrt` and bit manipulation only, which are exactly
//! rounded on every platform (Rust does not contract `a * b + c` into a fused
//! multiply-add on its own).
//!
//! Random numbers come straight from `next_u64` of a xoshiro256++ stream, so
//! they do not depend on how a `rand` version maps bits to floats or ranges.

use rand::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;

/// ln 2 split in two (fdlibm): `LN2_HI` has its low 32 bits zero, so
/// `k * LN2_HI` is exact for |k| < 2^20; `LN2_HI + LN2_LO` = ln 2 to 1e-27.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// Natural logarithm of a positive finite `x` (NaN otherwise).
///
/// `x = m 2^e` with `m` in `[sqrt(1/2), sqrt(2))`, `s = (m - 1)/(m + 1)`,
/// `ln x = e ln 2 + 2 sum_{k=0}^{13} s^(2k+1)/(2k+1)`; `|s| <= 0.1716`, so the
/// truncated series is below 1e-22 relative.
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return f64::NAN;
    }
    if x < f64::MIN_POSITIVE {
        // Subnormal: scale into the normal range first (2^54 is exact).
        return ln(x * 18_014_398_509_481_984.0) - 54.0 * (LN2_HI + LN2_LO);
    }
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p = 0.0;
    for k in (0..=13).rev() {
        p = p * s2 + 1.0 / (2 * k + 1) as f64;
    }
    let ef = e as f64;
    ef * LN2_HI + (ef * LN2_LO + 2.0 * s * p)
}

/// `e^x` for finite `x` (0 below -745, infinity above 709.78).
///
/// `x = k ln 2 + r` with `k = round(x / ln 2)`, `|r| <= 0.35`,
/// `e^r = sum_{n=0}^{20} r^n / n!`, scaled by `2^k` through the exponent bits.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < -745.2 {
        return 0.0;
    }
    if x > 709.78 {
        return f64::INFINITY;
    }
    let k = (x / (LN2_HI + LN2_LO)).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0;
    for n in (1..=20).rev() {
        p = 1.0 + p * r / n as f64;
    }
    let k = k as i64;
    // 2^k split in two factors so that each stays a normal number.
    let k1 = k / 2;
    let k2 = k - k1;
    p * pow2(k1) * pow2(k2)
}

/// `2^k` for `-1022 <= k <= 1023`, built from the exponent bits.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `x^n` by repeated multiplication, `x^0 = 1` (also for `x = 0`).
pub(crate) fn powi(x: f64, n: usize) -> f64 {
    let mut p = 1.0;
    for _ in 0..n {
        p *= x;
    }
    p
}

/// A uniform double in `[0, 1)`: the top 53 bits of `next_u64` times `2^-53`.
pub(crate) fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// A uniform integer in `[0, n)` for `n >= 1`: `floor(next_u64 * n / 2^64)`.
pub(crate) fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// Standard normal draws by the polar (Marsaglia) form of Box-Muller.
///
/// `v1 = 2 u1 - 1`, `v2 = 2 u2 - 1`, redrawn until `0 < s = v1^2 + v2^2 < 1`;
/// then `v1 f` and `v2 f` with `f = sqrt(-2 ln s / s)` are two independent
/// standard normals, returned in that order.
pub(crate) struct Normal {
    rng: Xoshiro256PlusPlus,
    spare: Option<f64>,
}

impl Normal {
    pub(crate) fn new(rng: Xoshiro256PlusPlus) -> Self {
        Normal { rng, spare: None }
    }

    /// The next standard normal draw.
    pub(crate) fn next(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let v1 = 2.0 * uniform(&mut self.rng) - 1.0;
            let v2 = 2.0 * uniform(&mut self.rng) - 1.0;
            let s = v1 * v1 + v2 * v2;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * ln(s) / s).sqrt();
                self.spare = Some(v2 * f);
                return v1 * f;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn ln_matches_std() {
        let mut x = 1e-300;
        while x < 1e300 {
            for m in [1.0, 1.1, 1.414, 1.5, 2.9, 7.3] {
                let v = x * m;
                let (a, b) = (ln(v), v.ln());
                assert!(
                    (a - b).abs() <= 4e-16 * b.abs().max(1.0),
                    "ln({v}) = {a}, std {b}"
                );
            }
            x *= 1e7;
        }
        assert_eq!(ln(1.0), 0.0);
        assert!(ln(0.0).is_nan() && ln(-1.0).is_nan());
        // Subnormal input: ln(2^-1070) = -1070 ln 2.
        let sub = f64::from_bits(1 << 4);
        assert!(rel(ln(sub), -1070.0 * std::f64::consts::LN_2) < 1e-15);
    }

    #[test]
    fn exp_matches_std() {
        let mut x = -700.0;
        while x < 700.0 {
            let (a, b) = (exp(x), x.exp());
            assert!(rel(a, b) < 4e-15, "exp({x}) = {a}, std {b}");
            x += 0.731;
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-800.0), 0.0);
        assert!(rel(exp(1.0), std::f64::consts::E) < 2e-16);
    }

    #[test]
    fn powi_by_multiplication() {
        assert_eq!(powi(0.0, 0), 1.0);
        assert_eq!(powi(0.5, 3), 0.125);
        assert_eq!(powi(0.94, 2), 0.94 * 0.94);
    }

    #[test]
    fn normals_have_mean_zero_and_unit_variance() {
        let mut n = Normal::new(Xoshiro256PlusPlus::seed_from_u64(7));
        let k = 200_000;
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..k {
            let z = n.next();
            s1 += z;
            s2 += z * z;
        }
        let mean = s1 / k as f64;
        let var = s2 / k as f64 - mean * mean;
        // Standard errors: 1/sqrt(k) = 0.0022 for the mean, sqrt(2/k) = 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "variance {var}");
    }

    #[test]
    fn uniform_and_below_stay_in_range() {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut counts = [0usize; 3];
        for _ in 0..30_000 {
            let u = uniform(&mut r);
            assert!((0.0..1.0).contains(&u));
            counts[below(&mut r, 3)] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
    }
}
