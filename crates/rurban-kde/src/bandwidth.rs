//! Rule-of-thumb bandwidths (Silverman, Scott) and the statistics they need.

use serde::Serialize;

use crate::KdeError;

/// How the bandwidth `h` of a group is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bandwidth {
    /// Silverman's rule of thumb: `h = 0.9 * A * n^(-1/5)`.
    Silverman,
    /// Scott's rule of thumb: `h = 1.059 * A * n^(-1/5)`.
    Scott,
    /// A fixed bandwidth used as is (must be finite and > 0).
    Fixed(f64),
}

impl Bandwidth {
    /// The rule's name as written in the JSON output: `"silverman"`, `"scott"` or `"fixed"`.
    pub fn rule_name(&self) -> &'static str {
        match self {
            Bandwidth::Silverman => "silverman",
            Bandwidth::Scott => "scott",
            Bandwidth::Fixed(_) => "fixed",
        }
    }
}

impl Serialize for Bandwidth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.rule_name())
    }
}

/// Quantile of already **sorted** data with linear interpolation between order
/// statistics (Hyndman–Fan type 7, numpy's default `method="linear"`).
///
/// With `g = (n - 1) p`, `j = floor(g)`, `t = g - j`, the result is
/// `x[j] + t (x[j+1] - x[j])`, evaluated as numpy does: for `t >= 0.5` it is
/// computed as `x[j+1] - (1 - t)(x[j+1] - x[j])`. Returns `None` for empty
/// data or `p` outside `[0, 1]`.
pub fn quantile_type7(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let g = (n - 1) as f64 * p;
    let j = g.floor();
    let t = g - j;
    let j = j as usize;
    if j + 1 >= n {
        return Some(sorted[n - 1]);
    }
    let (a, b) = (sorted[j], sorted[j + 1]);
    let diff = b - a;
    Some(if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    })
}

/// Sample standard deviation with `n - 1` in the denominator (two-pass).
/// Returns `None` when fewer than two values are given.
pub fn sample_std(data: &[f64]) -> Option<f64> {
    let n = data.len();
    if n < 2 {
        return None;
    }
    let mean = data.iter().sum::<f64>() / n as f64;
    let ss: f64 = data.iter().map(|&v| (v - mean) * (v - mean)).sum();
    Some((ss / (n - 1) as f64).sqrt())
}

/// The scale `A = min(s, IQR / 1.349)` of the rule-of-thumb bandwidths, with
/// `s` the sample standard deviation (ddof 1) and the IQR from type-7
/// quartiles; when `IQR = 0`, `A = s`.
///
/// Errors when the group has fewer than two values or `s = 0`; `group` names
/// the group in the message.
pub fn scale_a(group: &str, data: &[f64]) -> Result<f64, KdeError> {
    let s = sample_std(data).ok_or_else(|| KdeError::TooFewValues {
        group: group.to_string(),
        n: data.len(),
    })?;
    if s == 0.0 {
        return Err(KdeError::ZeroSpread {
            group: group.to_string(),
        });
    }
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    let iqr = match (quantile_type7(&sorted, 0.75), quantile_type7(&sorted, 0.25)) {
        (Some(q75), Some(q25)) => q75 - q25,
        _ => 0.0,
    };
    Ok(if iqr > 0.0 { s.min(iqr / 1.349) } else { s })
}

/// The bandwidth of one group under `rule`.
///
/// `Silverman`: `0.9 A n^(-1/5)`; `Scott`: `1.059 A n^(-1/5)`; `Fixed(h)`: `h`
/// (an empty group is still an error). Errors name `group`.
pub fn select_bandwidth(group: &str, data: &[f64], rule: Bandwidth) -> Result<f64, KdeError> {
    if data.is_empty() {
        return Err(KdeError::EmptyGroup {
            group: group.to_string(),
        });
    }
    let n = data.len() as f64;
    match rule {
        Bandwidth::Silverman => Ok(0.9 * scale_a(group, data)? * n.powf(-0.2)),
        Bandwidth::Scott => Ok(1.059 * scale_a(group, data)? * n.powf(-0.2)),
        Bandwidth::Fixed(h) => Bandwidth::fixed(h).map(|_| h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_hand() {
        // x = [1, 2, 3, 4, 10], n = 5: g(0.25) = 4 * 0.25 = 1 -> x[1] = 2;
        // g(0.75) = 3 -> x[3] = 4.
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_type7(&x, 0.25), Some(2.0));
        assert_eq!(quantile_type7(&x, 0.75), Some(4.0));
        // x = [1, 2, 4, 8], n = 4: g(0.25) = 0.75 -> 2 - 0.25 * (2 - 1) = 1.75;
        // g(0.75) = 2.25 -> 4 + 0.25 * (8 - 4) = 5.
        let y = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile_type7(&y, 0.25), Some(1.75));
        assert_eq!(quantile_type7(&y, 0.75), Some(5.0));
        assert_eq!(quantile_type7(&y, 0.0), Some(1.0));
        assert_eq!(quantile_type7(&y, 1.0), Some(8.0));
        assert_eq!(quantile_type7(&[], 0.5), None);
        assert_eq!(quantile_type7(&y, 1.5), None);
    }

    #[test]
    fn std_by_hand() {
        // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, squared deviations sum to 32,
        // s = sqrt(32 / 7).
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let s = sample_std(&x).unwrap();
        assert!((s - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert_eq!(sample_std(&[3.0]), None);
    }

    #[test]
    fn silverman_by_hand() {
        // [1, 2, 3, 4, 10]: s = sqrt(50 / 4) = 3.5355..., IQR = 4 - 2 = 2,
        // IQR / 1.349 = 1.48258 < s, so A = 2 / 1.349 and
        // h = 0.9 * 2 / 1.349 * 5^(-0.2).
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        let h = select_bandwidth("g", &x, Bandwidth::Silverman).unwrap();
        let expect = 0.9 * (2.0 / 1.349) * 5f64.powf(-0.2);
        assert!((h - expect).abs() < 1e-15);
        let h = select_bandwidth("g", &x, Bandwidth::Scott).unwrap();
        let expect = 1.059 * (2.0 / 1.349) * 5f64.powf(-0.2);
        assert!((h - expect).abs() < 1e-15);
    }

    #[test]
    fn iqr_zero_falls_back_to_std() {
        // [1 x 7, 5]: quartiles are both 1, so A = s = sqrt(14 / 7) = sqrt(2)
        // (mean 1.5, squared deviations 7 * 0.25 + 12.25 = 14).
        let x = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0];
        let a = scale_a("g", &x).unwrap();
        assert!((a - 2f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn rule_errors_name_the_group() {
        let e = select_bandwidth("east", &[3.0, 3.0, 3.0], Bandwidth::Silverman).unwrap_err();
        assert!(e.to_string().contains("east"), "{e}");
        assert!(matches!(e, KdeError::ZeroSpread { .. }));
        let e = select_bandwidth("west", &[3.0], Bandwidth::Scott).unwrap_err();
        assert!(e.to_string().contains("west"), "{e}");
        assert!(matches!(e, KdeError::TooFewValues { n: 1, .. }));
        let e = select_bandwidth("north", &[], Bandwidth::Fixed(1.0)).unwrap_err();
        assert!(e.to_string().contains("north"), "{e}");
    }

    #[test]
    fn fixed_bandwidth_checked() {
        assert_eq!(
            select_bandwidth("g", &[1.0], Bandwidth::Fixed(0.25)).unwrap(),
            0.25
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = select_bandwidth("g", &[1.0, 2.0], Bandwidth::Fixed(bad)).unwrap_err();
            assert!(matches!(e, KdeError::InvalidBandwidth { .. }), "{e}");
        }
    }
}
