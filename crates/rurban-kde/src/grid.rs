//! The evaluation grid shared by all groups.

use crate::KdeError;

/// Default number of grid points.
pub const DEFAULT_GRID_N: usize = 512;

/// An evenly spaced grid of `n` points from `min` to `max`, both included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// First grid point.
    pub min: f64,
    /// Last grid point.
    pub max: f64,
    /// Number of points (at least 2).
    pub n: usize,
}

impl Grid {
    /// A checked grid: `n >= 2`, both ends finite, `min < max`, and
    /// `max - min` finite (so is the step).
    pub fn new(min: f64, max: f64, n: usize) -> Result<Grid, KdeError> {
        if n < 2 {
            return Err(KdeError::InvalidGridSize { n });
        }
        if !(min.is_finite() && max.is_finite() && min < max) {
            return Err(KdeError::InvalidGridRange { min, max, at: None });
        }
        if !(max - min).is_finite() {
            return Err(KdeError::GridRangeOverflow { min, max });
        }
        Ok(Grid { min, max, n })
    }

    /// The contract's default grid over all groups: from `lo - 3 h_max` to
    /// `hi + 3 h_max`, with `lo`/`hi` the smallest/largest value of any group.
    /// Ends or a width that overflow are an error (the caller names the value).
    pub fn around(lo: f64, hi: f64, h_max: f64, n: usize) -> Result<Grid, KdeError> {
        Grid::new(lo - 3.0 * h_max, hi + 3.0 * h_max, n)
    }

    /// Distance between neighbouring points, `(max - min) / (n - 1)`.
    pub fn step(&self) -> f64 {
        (self.max - self.min) / (self.n - 1) as f64
    }

    /// The points, computed as `numpy.linspace` does: `x_i = min + i * step`
    /// and the last point exactly `max`.
    pub fn points(&self) -> Vec<f64> {
        linspace(self.min, self.max, self.n)
    }
}

/// `numpy.linspace(a, b, n)`: `a + i * ((b - a) / (n - 1))`, last point exactly `b`.
/// `n = 0` gives an empty vector and `n = 1` gives `[a]`.
pub fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![a],
        _ => {
            let step = (b - a) / (n - 1) as f64;
            let mut x: Vec<f64> = (0..n).map(|i| a + i as f64 * step).collect();
            x[n - 1] = b;
            x
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linspace_by_hand() {
        // step = (1 - 0) / 4 = 0.25
        assert_eq!(linspace(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(-1.0, 1.0, 2), vec![-1.0, 1.0]);
        // the last point is exactly b even where a + (n-1) * step rounds off
        let x = linspace(0.1, 0.7, 7);
        assert_eq!(x[6], 0.7);
        assert_eq!(x.len(), 7);
    }

    #[test]
    fn grid_checks() {
        assert!(matches!(
            Grid::new(0.0, 1.0, 1),
            Err(KdeError::InvalidGridSize { n: 1 })
        ));
        assert!(matches!(
            Grid::new(1.0, 1.0, 10),
            Err(KdeError::InvalidGridRange { .. })
        ));
        assert!(matches!(
            Grid::new(2.0, 1.0, 10),
            Err(KdeError::InvalidGridRange { .. })
        ));
        assert!(matches!(
            Grid::new(f64::NEG_INFINITY, 1.0, 10),
            Err(KdeError::InvalidGridRange { .. })
        ));
        // lo - 3h .. hi + 3h
        let g = Grid::around(1.0, 4.0, 0.5, 3).unwrap();
        assert_eq!(g.points(), vec![-0.5, 2.5, 5.5]);
        assert_eq!(g.step(), 3.0);
    }

    #[test]
    fn a_grid_whose_width_overflows_is_refused() {
        // -1e308 .. 1e308 are finite, but their distance (2e308) is not.
        assert!(matches!(
            Grid::new(-1e308, 1e308, 10),
            Err(KdeError::GridRangeOverflow { .. })
        ));
        assert!(Grid::new(-8e307, 8e307, 10).is_ok());
    }
}
