//! The two smoothing kernels.

use serde::{Deserialize, Serialize};

/// `1 / sqrt(2 pi)`.
pub const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Smoothing kernel `K(u)`; the estimate is `f(x) = 1/(n h) sum_i K((x - x_i)/h)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// Standard normal density `phi(u) = exp(-u^2 / 2) / sqrt(2 pi)`.
    Gaussian,
    /// `K(u) = 0.75 (1 - u^2)` for `|u| <= 1`, else 0.
    Epanechnikov,
}

impl Kernel {
    /// The kernel's name as written in the JSON output.
    pub fn name(&self) -> &'static str {
        match self {
            Kernel::Gaussian => "gaussian",
            Kernel::Epanechnikov => "epanechnikov",
        }
    }

    /// `K(u)`.
    #[inline]
    pub fn eval(&self, u: f64) -> f64 {
        match self {
            Kernel::Gaussian => FRAC_1_SQRT_2PI * (-0.5 * u * u).exp(),
            Kernel::Epanechnikov => {
                if u.abs() <= 1.0 {
                    0.75 * (1.0 - u * u)
                } else {
                    0.0
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_values_by_hand() {
        // phi(0) = 1/sqrt(2 pi); phi(1) = exp(-1/2)/sqrt(2 pi)
        let tau = 2.0 * std::f64::consts::PI;
        assert!((Kernel::Gaussian.eval(0.0) - 1.0 / tau.sqrt()).abs() < 1e-16);
        assert!((Kernel::Gaussian.eval(1.0) - (-0.5f64).exp() / tau.sqrt()).abs() < 1e-16);
        // 0.75 (1 - 0.25) = 0.5625; edges are 0; outside 0
        assert_eq!(Kernel::Epanechnikov.eval(0.5), 0.5625);
        assert_eq!(Kernel::Epanechnikov.eval(-0.5), 0.5625);
        assert_eq!(Kernel::Epanechnikov.eval(1.0), 0.0);
        assert_eq!(Kernel::Epanechnikov.eval(1.5), 0.0);
        assert_eq!(Kernel::Epanechnikov.eval(0.0), 0.75);
    }
}
