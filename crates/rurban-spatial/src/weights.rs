//! Sparse spatial weights over named regions.

use serde::{Deserialize, Serialize};

use crate::SpatialError;

/// How weights are transformed after restriction to the data's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Transform {
    /// Each row divided by its sum (`r`, the default); a row of zeros stays zero.
    #[default]
    #[serde(rename = "r")]
    Row,
    /// Every non-zero weight becomes 1 (`b`).
    #[serde(rename = "b")]
    Binary,
}

impl std::str::FromStr for Transform {
    type Err = SpatialError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "r" | "R" => Ok(Transform::Row),
            "b" | "B" => Ok(Transform::Binary),
            _ => Err(SpatialError::Invalid(format!(
                "transform \"{s}\" is not r (row-standardised) or b (binary)"
            ))),
        }
    }
}

impl Transform {
    /// The contract's one-letter name.
    pub fn name(self) -> &'static str {
        match self {
            Transform::Row => "r",
            Transform::Binary => "b",
        }
    }
}

/// A sparse weights matrix: row `i` lists `(j, w_ij)` with `j` ascending,
/// no `j == i`, no zero weight.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialWeights {
    /// Region names, in order (feature order for weights built from boundaries).
    pub ids: Vec<String>,
    /// For each region, its neighbours by index (ascending) with their weights.
    pub rows: Vec<Vec<(usize, f64)>>,
}

impl SpatialWeights {
    /// Binary weights from neighbour lists (indices into `ids`; sorted and
    /// de-duplicated here, self-neighbours dropped).
    pub fn from_neighbours(ids: Vec<String>, lists: Vec<Vec<usize>>) -> Self {
        let rows = lists
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                l.sort_unstable();
                l.dedup();
                l.into_iter()
                    .filter(|&j| j != i)
                    .map(|j| (j, 1.0))
                    .collect()
            })
            .collect();
        SpatialWeights { ids, rows }
    }

    /// Number of regions.
    pub fn n(&self) -> usize {
        self.ids.len()
    }

    /// Indices of regions without a neighbour (islands), ascending.
    pub fn islands(&self) -> Vec<usize> {
        (0..self.n()).filter(|&i| self.rows[i].is_empty()).collect()
    }

    /// Mean number of neighbours.
    pub fn mean_neighbours(&self) -> f64 {
        if self.n() == 0 {
            return 0.0;
        }
        self.rows.iter().map(Vec::len).sum::<usize>() as f64 / self.n() as f64
    }

    /// The weights among `keep` only (indices into `ids`), in the order of `keep`.
    pub fn restrict(&self, keep: &[usize]) -> Self {
        let mut pos = vec![usize::MAX; self.n()];
        for (new, &old) in keep.iter().enumerate() {
            pos[old] = new;
        }
        let ids = keep.iter().map(|&i| self.ids[i].clone()).collect();
        let rows = keep
            .iter()
            .map(|&i| {
                let mut r: Vec<(usize, f64)> = self.rows[i]
                    .iter()
                    .filter(|(j, _)| pos[*j] != usize::MAX)
                    .map(|&(j, w)| (pos[j], w))
                    .collect();
                r.sort_unstable_by_key(|&(j, _)| j);
                r
            })
            .collect();
        SpatialWeights { ids, rows }
    }

    /// The transformed weights.
    pub fn transform(&self, t: Transform) -> Self {
        let rows = self
            .rows
            .iter()
            .map(|r| match t {
                Transform::Binary => r.iter().map(|&(j, _)| (j, 1.0)).collect(),
                Transform::Row => {
                    let s: f64 = r.iter().map(|&(_, w)| w).sum();
                    if s == 0.0 {
                        Vec::new()
                    } else {
                        r.iter().map(|&(j, w)| (j, w / s)).collect()
                    }
                }
            })
            .collect();
        SpatialWeights {
            ids: self.ids.clone(),
            rows,
        }
    }

    /// `sum_j w_ij x_j` for every i.
    pub fn lag(&self, x: &[f64]) -> Vec<f64> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|&(j, w)| w * x[j]).sum())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("r{i}")).collect()
    }

    #[test]
    fn row_standardised_rows_sum_to_one_and_islands_stay_zero() {
        let w = SpatialWeights::from_neighbours(ids(4), vec![vec![1, 2], vec![0], vec![0], vec![]]);
        let r = w.transform(Transform::Row);
        assert_eq!(r.rows[0], vec![(1, 0.5), (2, 0.5)]);
        assert_eq!(r.rows[1], vec![(0, 1.0)]);
        assert_eq!(r.islands(), vec![3]);
        assert_eq!(w.mean_neighbours(), 1.0);
        assert_eq!(r.lag(&[1.0, 2.0, 4.0, 8.0]), vec![3.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn restriction_reorders_and_drops_links_to_removed_regions() {
        let w =
            SpatialWeights::from_neighbours(ids(3), vec![vec![1, 2, 0, 1], vec![0, 2], vec![0, 1]]);
        assert_eq!(w.rows[0], vec![(1, 1.0), (2, 1.0)]);
        let r = w.restrict(&[2, 0]);
        assert_eq!(r.ids, vec!["r2".to_string(), "r0".to_string()]);
        assert_eq!(r.rows, vec![vec![(1, 1.0)], vec![(0, 1.0)]]);
    }
}
