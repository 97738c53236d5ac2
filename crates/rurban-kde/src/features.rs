//! Shape summaries of an estimated density: peaks, mode, height, spread.

use serde::Serialize;

/// A local maximum of the density on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Peak {
    /// Grid point of the peak.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub x: f64,
    /// Density at the peak.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub density: f64,
}

/// Largest density value (0 for an empty or all-zero curve).
pub fn peak_height(f: &[f64]) -> f64 {
    f.iter().copied().fold(0.0, f64::max)
}

/// Interior grid points `i` (`0 < i < N-1`) with `f[i] > f[i-1]`,
/// `f[i] >= f[i+1]` and `f[i] >= 0.01 * max f`, in grid order.
pub fn find_peaks(x: &[f64], f: &[f64]) -> Vec<Peak> {
    let n = x.len().min(f.len());
    let threshold = 0.01 * peak_height(&f[..n]);
    (1..n.saturating_sub(1))
        .filter(|&i| f[i] > f[i - 1] && f[i] >= f[i + 1] && f[i] >= threshold)
        .map(|i| Peak {
            x: x[i],
            density: f[i],
        })
        .collect()
}

/// The grid point with the largest density; the first one on ties.
/// `None` for an empty grid.
pub fn mode(x: &[f64], f: &[f64]) -> Option<f64> {
    let n = x.len().min(f.len());
    if n == 0 {
        return None;
    }
    let mut best = 0;
    for i in 1..n {
        if f[i] > f[best] {
            best = i;
        }
    }
    Some(x[best])
}

/// Width of the region where the density is at least 5% of its maximum,
/// measured on the grid: the x of the last point with `f >= 0.05 max f` minus
/// the x of the first such point (gaps in between are included). 0 when the
/// curve is all zero.
pub fn spread(x: &[f64], f: &[f64]) -> f64 {
    let n = x.len().min(f.len());
    let top = peak_height(&f[..n]);
    if top <= 0.0 {
        return 0.0;
    }
    let cut = 0.05 * top;
    let first = (0..n).find(|&i| f[i] >= cut);
    let last = (0..n).rev().find(|&i| f[i] >= cut);
    match (first, last) {
        (Some(a), Some(b)) => x[b] - x[a],
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_by_hand() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        // i=2: 5 > 1 and 5 >= 5 (a plateau counts at its first point);
        // i=3: 5 > 5 is false; i=5: 0.04 is a local maximum but below
        // 0.01 * max f = 0.05, so it is dropped.
        let f = [0.0, 1.0, 5.0, 5.0, 0.0, 0.04, 0.02, 0.0];
        let p = find_peaks(&x, &f);
        assert_eq!(
            p,
            vec![Peak {
                x: 2.0,
                density: 5.0
            }]
        );
        let f = [0.0, 1.0, 5.0, 5.0, 0.0, 3.0, 0.0, 9.0];
        // the end point 7 is never a peak
        let p = find_peaks(&x, &f);
        assert_eq!(
            p,
            vec![
                Peak {
                    x: 2.0,
                    density: 5.0
                },
                Peak {
                    x: 5.0,
                    density: 3.0
                }
            ]
        );
    }

    #[test]
    fn mode_first_on_ties() {
        let x = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(mode(&x, &[1.0, 3.0, 3.0, 2.0]), Some(1.0));
        assert_eq!(mode(&x, &[4.0, 3.0, 3.0, 2.0]), Some(0.0));
        assert_eq!(mode(&[], &[]), None);
    }

    #[test]
    fn spread_by_hand() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        // max 10, cut 0.5: first index 1 (0.5 >= 0.5), last index 4 (0.6) -> 4 - 1 = 3
        let f = [0.4, 0.5, 10.0, 0.1, 0.6, 0.49];
        assert_eq!(spread(&x, &f), 3.0);
        assert_eq!(peak_height(&f), 10.0);
        assert_eq!(spread(&x, &[0.0; 6]), 0.0);
    }
}
