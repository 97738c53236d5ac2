//! Statistics of the scores that the findings, the terminal summary and the
//! report all show, computed in one place.

use serde::{Deserialize, Serialize};

/// The composite of one year across the regions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YearStats {
    /// The year.
    pub year: i64,
    /// Regions with a finite score.
    pub n: usize,
    /// Mean over those regions, summed in region order (NaN when n = 0).
    pub mean: f64,
    /// Smallest score (NaN when n = 0).
    pub min: f64,
    /// Largest score (NaN when n = 0).
    pub max: f64,
}

/// Per-year statistics of `value(r, y)` over `nr` regions; values that are
/// not finite (absent scores) are left out.
pub fn yearly(years: &[i64], nr: usize, value: impl Fn(usize, usize) -> f64) -> Vec<YearStats> {
    years
        .iter()
        .enumerate()
        .map(|(y, &year)| {
            let (mut sum, mut n) = (0.0, 0usize);
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for r in 0..nr {
                let v = value(r, y);
                if v.is_finite() {
                    sum += v;
                    n += 1;
                    min = min.min(v);
                    max = max.max(v);
                }
            }
            if n == 0 {
                YearStats {
                    year,
                    n,
                    mean: f64::NAN,
                    min: f64::NAN,
                    max: f64::NAN,
                }
            } else {
                YearStats {
                    year,
                    n,
                    mean: sum / n as f64,
                    min,
                    max,
                }
            }
        })
        .collect()
}

/// Mean over the finite values (NaN when there is none), summed in order.
pub fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (s, n) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Region indices `0..nr` from the highest `value` to the lowest (ties
/// keep region order; NaN sorts as `f64::total_cmp` puts it).
pub fn ranking(nr: usize, value: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..nr).collect();
    order.sort_by(|&a, &b| value(b).total_cmp(&value(a)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yearly_statistics_by_hand() {
        // Two years, three regions; one score absent in the second year.
        let grid = [[1.0, 4.0], [2.0, f64::NAN], [6.0, 0.5]];
        let s = yearly(&[2020, 2021], 3, |r, y| grid[r][y]);
        assert_eq!(
            s[0],
            YearStats {
                year: 2020,
                n: 3,
                mean: 3.0,
                min: 1.0,
                max: 6.0
            }
        );
        assert_eq!(
            s[1],
            YearStats {
                year: 2021,
                n: 2,
                mean: 2.25,
                min: 0.5,
                max: 4.0
            }
        );
        let none = yearly(&[2020], 1, |_, _| f64::NAN);
        assert_eq!(none[0].n, 0);
        assert!(none[0].mean.is_nan());
    }

    #[test]
    fn ranking_is_descending_and_stable() {
        let v = [0.2, 0.9, 0.2, 0.5];
        assert_eq!(ranking(4, |r| v[r]), [1, 3, 0, 2]);
        assert_eq!(mean([1.0, f64::NAN, 3.0]), 2.0);
    }
}
