//! k-means through `linfa-clustering`.

use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array1, ArrayView2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::ClusterError;

/// Default seed of the k-means++ starts.
pub const DEFAULT_SEED: u64 = 42;

/// Number of k-means++ starts; the one with the smallest inertia is kept.
pub const N_RUNS: usize = 10;

/// A k-means partition.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    /// Cluster number of each row, `1..=m` numbered by first appearance in
    /// row order (`m <= k`; `m < k` only when the rows have fewer than `k`
    /// distinct points, or a start leaves a centroid without members).
    pub clusters: Vec<usize>,
    /// Sum over rows of the squared Euclidean distance to the mean of the
    /// row's cluster (scikit-learn's `inertia_` for a converged partition).
    pub inertia: f64,
}

/// k-means of the rows of `data` with `k` clusters: linfa `KMeans` with
/// k-means++ starts, [`N_RUNS`] runs, the best by inertia kept, random
/// numbers from `Xoshiro256Plus::seed_from_u64(seed)`; rows are assigned
/// with the model's `predict`. The same seed gives the same partition.
///
/// `k` must be in `1..=rows` (checked by the caller).
pub fn kmeans(data: &ArrayView2<'_, f64>, k: usize, seed: u64) -> Result<KMeansFit, ClusterError> {
    let records = data.to_owned();
    let dataset = DatasetBase::from(records.clone());
    let rng = Xoshiro256Plus::seed_from_u64(seed);
    let model = KMeans::params_with_rng(k, rng)
        .n_runs(N_RUNS)
        .init_method(KMeansInit::KMeansPlusPlus)
        .fit(&dataset)
        .map_err(|e| ClusterError::KMeans(e.to_string()))?;
    let raw: Array1<usize> = model.predict(&records);
    let clusters = renumber(&raw.to_vec());
    let inertia = within_sum_of_squares(data, &clusters);
    Ok(KMeansFit { clusters, inertia })
}

/// Renumbers arbitrary cluster ids to `1..=m` in order of first appearance.
pub fn renumber(raw: &[usize]) -> Vec<usize> {
    let mut map: Vec<(usize, usize)> = Vec::new();
    raw.iter()
        .map(|&r| match map.iter().find(|(from, _)| *from == r) {
            Some(&(_, to)) => to,
            None => {
                let to = map.len() + 1;
                map.push((r, to));
                to
            }
        })
        .collect()
}

/// `sum_c sum_{i in c} ||x_i - mean_c||^2` for clusters numbered `1..=m`.
pub fn within_sum_of_squares(data: &ArrayView2<'_, f64>, clusters: &[usize]) -> f64 {
    let m = clusters.iter().copied().max().unwrap_or(0);
    let p = data.ncols();
    let mut sums = vec![vec![0.0f64; p]; m + 1];
    let mut counts = vec![0usize; m + 1];
    for (row, &c) in data.rows().into_iter().zip(clusters) {
        counts[c] += 1;
        for (s, v) in sums[c].iter_mut().zip(row.iter()) {
            *s += v;
        }
    }
    let means: Vec<Vec<f64>> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &cnt)| s.iter().map(|v| v / cnt.max(1) as f64).collect())
        .collect();
    data.rows()
        .into_iter()
        .zip(clusters)
        .map(|(row, &c)| {
            row.iter()
                .zip(&means[c])
                .map(|(v, mu)| (v - mu) * (v - mu))
                .sum::<f64>()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn renumber_by_first_appearance() {
        assert_eq!(renumber(&[2, 2, 0, 1, 0]), vec![1, 1, 2, 3, 2]);
        assert_eq!(renumber(&[]), Vec::<usize>::new());
    }

    #[test]
    fn inertia_by_hand() {
        // cluster 1: (0,0), (2,0) -> mean (1,0), SS = 1 + 1 = 2
        // cluster 2: (10,10), (10,14) -> mean (10,12), SS = 4 + 4 = 8
        let x = array![[0.0, 0.0], [10.0, 10.0], [2.0, 0.0], [10.0, 14.0]];
        assert_eq!(within_sum_of_squares(&x.view(), &[1, 2, 1, 2]), 10.0);
    }

    #[test]
    fn two_obvious_groups() {
        let x = array![[0.0, 0.0], [10.0, 10.0], [2.0, 0.0], [10.0, 14.0]];
        let fit = kmeans(&x.view(), 2, DEFAULT_SEED).unwrap();
        assert_eq!(fit.clusters, vec![1, 2, 1, 2]);
        assert_eq!(fit.inertia, 10.0);
    }
}
