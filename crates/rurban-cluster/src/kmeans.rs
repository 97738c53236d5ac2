//! k-means with `linfa-clustering`'s arithmetic.
//!
//! linfa's `KMeans::fit` with `n_runs = 10` draws the k-means++ start of
//! each run from one generator, one run after the other, and then runs the
//! Lloyd iterations of that run; only the starts use random numbers. Here
//! the ten starts are drawn first, in the same order and with the same
//! arithmetic as linfa draws them, and the ten runs are shared among
//! threads. Each run is `Starts::lloyd`, a copy of linfa-clustering 0.8's Lloyd
//! loop (its m_k-means centroid update, its stopping rule, its distances
//! summed in feature order) that computes the distances of eight rows side
//! by side instead of one `sq_l2_dist` call per row and centroid: every
//! number is rounded as in linfa, so the partition and the centroids are
//! linfa's to the bit (tested against linfa's own fit), whatever the number
//! of threads.

use linfa_clustering::KMeansError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rand::SeedableRng;
use rand::distributions::{Distribution, WeightedIndex};
use rand_xoshiro::Xoshiro256Plus;
use rayon::prelude::*;

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
/// k-means++ starts, [`N_RUNS`] runs, the best by inertia kept (the first
/// of equal ones), random numbers from `Xoshiro256Plus::seed_from_u64(seed)`;
/// rows are assigned with the model's `predict`. The same seed gives the
/// same partition, the one of linfa's `n_runs(N_RUNS)` fit.
///
/// `k` must be in `1..=rows` (checked by the caller).
pub fn kmeans(data: &ArrayView2<'_, f64>, k: usize, seed: u64) -> Result<KMeansFit, ClusterError> {
    let (_, raw) = best_run(data, k, seed)?;
    let clusters = renumber(&raw.to_vec());
    let inertia = within_sum_of_squares(data, &clusters);
    Ok(KMeansFit { clusters, inertia })
}

/// The centroids of the best of the [`N_RUNS`] runs and each row's centroid
/// (linfa's `predict`).
fn best_run(
    data: &ArrayView2<'_, f64>,
    k: usize,
    seed: u64,
) -> Result<(Array2<f64>, Array1<usize>), ClusterError> {
    let records = data.as_standard_layout();
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let starts = Starts::new(&records.view());
    let inits: Vec<Array2<f64>> = (0..N_RUNS)
        .map(|_| starts.kmeans_plusplus(k, &mut rng))
        .collect();
    let fits: Vec<_> = inits
        .into_par_iter()
        .map(|init| starts.lloyd(init))
        .collect();
    // as linfa: the first run whose inertia is below all earlier ones; a run
    // whose inertia is not below infinity is linfa's `InertiaError`
    let mut best = None;
    let mut best_inertia = f64::INFINITY;
    let mut failed = false;
    for (inertia, centroids) in fits {
        if inertia.is_nan() || inertia == f64::INFINITY {
            failed = true;
        } else if inertia < best_inertia {
            best_inertia = inertia;
            best = Some(centroids);
        }
    }
    let centroids = match (best, failed) {
        (Some(centroids), _) => centroids,
        (None, true) => {
            return Err(ClusterError::KMeans(KMeansError::InertiaError.to_string()));
        }
        (None, false) => return Err(ClusterError::KMeans("no run converged".into())),
    };
    // linfa's `predict`: each row's closest centroid
    let mut raw = vec![0usize; starts.n];
    let mut dists = vec![0.0f64; starts.n];
    starts.assign(&centroids, &mut raw, &mut dists);
    Ok((centroids, Array1::from(raw)))
}

/// linfa-clustering 0.8's defaults: the run stops when the centroids moved
/// less than `TOLERANCE` (Euclidean distance of the whole centroid matrix)
/// or after `MAX_ITERATIONS` iterations.
const TOLERANCE: f64 = 1e-4;
/// See [`TOLERANCE`].
const MAX_ITERATIONS: u64 = 300;

/// Rows blocked this many at a time in the distances of the k-means++ draw.
const LANES: usize = 8;

/// The data laid out for linfa's k-means++ draw.
struct Starts {
    /// Number of rows.
    n: usize,
    /// Row-major values.
    rows: Vec<f64>,
    /// Feature-major values: `cols[c n + i]` is feature `c` of row `i`.
    cols: Vec<f64>,
}

impl Starts {
    fn new(data: &ArrayView2<'_, f64>) -> Starts {
        Starts {
            n: data.nrows(),
            rows: data.iter().copied().collect(),
            cols: data.t().iter().copied().collect(),
        }
    }

    fn row(&self, i: usize) -> &[f64] {
        let p = self.rows.len() / self.n.max(1);
        &self.rows[i * p..(i + 1) * p]
    }

    /// One Lloyd run from `init` as linfa-clustering 0.8's `KMeans::fit`
    /// (one run, L2 distance, default tolerance and iterations) computes
    /// it: returns the inertia (sum of the rows' squared distances to the
    /// centroids they were assigned to in the last iteration, summed as
    /// ndarray's `sum`, divided by the number of rows, as linfa's
    /// `inertia()`) and the centroids after the last update.
    fn lloyd(&self, init: Array2<f64>) -> (f64, Array2<f64>) {
        let n = self.n;
        let (k, p) = init.dim();
        let mut centroids = init;
        let mut memberships = vec![0usize; n];
        let mut dists = vec![0.0f64; n];
        let mut n_iter = 0u64;
        let inertia = loop {
            self.assign(&centroids, &mut memberships, &mut dists);
            // m_k-means: sums of the members in row order, plus the old
            // centroid, divided by the count of members plus one
            let mut next = Array2::<f64>::zeros((k, p));
            let mut counts = vec![1usize; k];
            for (i, &m) in memberships.iter().enumerate() {
                for (c, &v) in next.row_mut(m).iter_mut().zip(self.row(i)) {
                    *c += v;
                }
                counts[m] += 1;
            }
            next += &centroids;
            for (mut row, &cnt) in next.rows_mut().into_iter().zip(&counts) {
                row /= cnt as f64;
            }
            // ndarray-stats' `l2_dist` of the two matrices, in memory order
            let mut moved = 0.0f64;
            for (a, b) in centroids.iter().zip(next.iter()) {
                let d = a - b;
                moved += d * d;
            }
            centroids = next;
            n_iter += 1;
            if moved.sqrt() < TOLERANCE || n_iter == MAX_ITERATIONS {
                break ArrayView1::from(&dists[..]).sum();
            }
        };
        (inertia / n as f64, centroids)
    }

    /// Each row's closest centroid and its squared distance, as linfa's
    /// `closest_centroid`: distances `sum_c (mu_c - x_c)^2` summed in
    /// feature order from 0, the first of equal minima kept.
    fn assign(&self, centroids: &Array2<f64>, memberships: &mut [usize], dists: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { self.assign_avx2(centroids, memberships, dists) };
                return;
            }
        }
        self.assign_portable(centroids, memberships, dists);
    }

    /// [`Starts::assign_portable`] compiled for AVX2; no fused
    /// multiply-add, so the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn assign_avx2(&self, centroids: &Array2<f64>, memberships: &mut [usize], dists: &mut [f64]) {
        self.assign_portable(centroids, memberships, dists);
    }

    #[inline(always)]
    fn assign_portable(
        &self,
        centroids: &Array2<f64>,
        memberships: &mut [usize],
        dists: &mut [f64],
    ) {
        let n = self.n;
        let centroids = centroids.as_standard_layout();
        let p = centroids.ncols();
        let cen = centroids.as_slice().expect("standard layout");
        let mut i = 0;
        while i + LANES <= n {
            let mut best = [0usize; LANES];
            let mut min = [0.0f64; LANES];
            for (c, centre) in cen.chunks_exact(p).enumerate() {
                let mut acc = [0.0f64; LANES];
                for (f, &m) in centre.iter().enumerate() {
                    let col: &[f64; LANES] = self.cols[f * n + i..f * n + i + LANES]
                        .try_into()
                        .expect("LANES rows");
                    for (s, &x) in acc.iter_mut().zip(col) {
                        let d = m - x;
                        *s += d * d;
                    }
                }
                for l in 0..LANES {
                    if c == 0 || acc[l] < min[l] {
                        min[l] = acc[l];
                        best[l] = c;
                    }
                }
            }
            memberships[i..i + LANES].copy_from_slice(&best);
            dists[i..i + LANES].copy_from_slice(&min);
            i += LANES;
        }
        for r in i..n {
            let mut best = 0;
            let mut min = 0.0f64;
            for (c, centre) in cen.chunks_exact(p).enumerate() {
                let mut s = 0.0f64;
                for (f, &m) in centre.iter().enumerate() {
                    let d = m - self.cols[f * n + r];
                    s += d * d;
                }
                if c == 0 || s < min {
                    min = s;
                    best = c;
                }
            }
            memberships[r] = best;
            dists[r] = min;
        }
    }

    /// One k-means++ start as linfa-clustering 0.8's `KMeansInit::KMeansPlusPlus`
    /// draws it: the first centroid a row drawn with `WeightedIndex` over
    /// weights 1; each next one a row drawn with `WeightedIndex` over each
    /// row's smallest squared distance to the centroids so far (row 0 when
    /// they are all 0). Squared distances are `sum_c (mu_c - x_c)^2` summed
    /// in feature order from 0 (as linfa's `L2Dist`), so the draws and the
    /// generator's state afterwards are exactly linfa's.
    fn kmeans_plusplus(&self, k: usize, rng: &mut Xoshiro256Plus) -> Array2<f64> {
        let n = self.n;
        let p = self.rows.len() / n.max(1);
        let mut centroids = Array2::<f64>::zeros((k, p));
        let ones = vec![1.0f64; n];
        let first = WeightedIndex::new(ones.iter()).map_or(0, |w| w.sample(rng));
        let mut chosen = first;
        centroids
            .row_mut(0)
            .iter_mut()
            .zip(self.row(first))
            .for_each(|(c, &v)| *c = v);
        let mut dists = vec![f64::INFINITY; n];
        for c_cnt in 1..k {
            // the smallest distance so far, updated with the newest centroid
            // (the minimum of the same values as linfa's scan)
            let centre = self.row(chosen);
            self.min_dists(centre, &mut dists, c_cnt == 1);
            chosen = WeightedIndex::new(dists.iter()).map_or(0, |w| w.sample(rng));
            centroids
                .row_mut(c_cnt)
                .iter_mut()
                .zip(self.row(chosen))
                .for_each(|(c, &v)| *c = v);
        }
        centroids
    }

    /// `dists[i] = min(dists[i], |centre - x_i|^2)` (`first`: just the
    /// squared distance), keeping the old value unless the new one is
    /// smaller, as linfa's `closest_centroid`.
    fn min_dists(&self, centre: &[f64], dists: &mut [f64], first: bool) {
        let n = self.n;
        let mut i = 0;
        let mut blocks = dists.chunks_exact_mut(LANES);
        for block in &mut blocks {
            let mut acc = [0.0f64; LANES];
            for (c, &m) in centre.iter().enumerate() {
                let col: &[f64; LANES] = self.cols[c * n + i..c * n + i + LANES]
                    .try_into()
                    .expect("LANES rows");
                for (s, &x) in acc.iter_mut().zip(col) {
                    let d = m - x;
                    *s += d * d;
                }
            }
            for (o, s) in block.iter_mut().zip(acc) {
                if first || s < *o {
                    *o = s;
                }
            }
            i += LANES;
        }
        for o in blocks.into_remainder() {
            let mut s = 0.0f64;
            for (c, &m) in centre.iter().enumerate() {
                let d = m - self.cols[c * n + i];
                s += d * d;
            }
            if first || s < *o {
                *o = s;
            }
            i += 1;
        }
    }
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
    use linfa::DatasetBase;
    use linfa::traits::{Fit, Predict};
    use linfa_clustering::{KMeans, KMeansInit};
    use ndarray::array;
    use rand::Rng;

    /// k-means as first written: one linfa fit with `n_runs(N_RUNS)`.
    fn linfa_ten_runs(
        data: &ArrayView2<'_, f64>,
        k: usize,
        seed: u64,
    ) -> (Array2<f64>, Array1<usize>) {
        let records = data.to_owned();
        let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
            .n_runs(N_RUNS)
            .init_method(KMeansInit::KMeansPlusPlus)
            .fit(&DatasetBase::from(records.clone()))
            .unwrap();
        let raw = model.predict(&records);
        (model.centroids().clone(), raw)
    }

    /// Overlapping blobs (the starts matter), small integers (ties and
    /// duplicate rows), or few distinct rows (fewer than `k` points).
    fn random_rows(rng: &mut Xoshiro256Plus, n: usize, p: usize, kind: usize) -> Array2<f64> {
        let centres: Vec<f64> = (0..4 * p).map(|_| rng.gen_range(-2.0..2.0)).collect();
        let mut x = Array2::zeros((n, p));
        for i in 0..n {
            let b = rng.gen_range(0..4);
            for c in 0..p {
                x[[i, c]] = match kind {
                    0 => centres[b * p + c] + rng.gen_range(-1.5..1.5),
                    1 => rng.gen_range(0..3) as f64,
                    _ => (i % 3) as f64 * (c + 1) as f64,
                };
            }
        }
        x
    }

    #[test]
    fn parallel_runs_equal_linfa_ten_runs_bit_for_bit() {
        // starts drawn here + runs from them on threads = linfa's own
        // n_runs(10) fit: same centroids to the bit, same rows' centroids
        let mut rng = Xoshiro256Plus::seed_from_u64(11);
        for case in 0..60 {
            let n = rng.gen_range(1..150);
            let p = rng.gen_range(1..6);
            let k = rng.gen_range(1..=n.min(6));
            let seed = rng.gen_range(0..1000);
            let x = random_rows(&mut rng, n, p, case % 3);
            let (want_c, want_raw) = linfa_ten_runs(&x.view(), k, seed);
            let (got_c, got_raw) = best_run(&x.view(), k, seed).unwrap();
            let b = |c: &Array2<f64>| c.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                b(&got_c),
                b(&want_c),
                "case {case}: {n} x {p}, k = {k}, seed {seed}"
            );
            assert_eq!(got_raw, want_raw, "case {case}");
        }
        // wider rows, as the composite series of the benches (30 years)
        let x = random_rows(&mut rng, 500, 30, 0);
        let (want_c, want_raw) = linfa_ten_runs(&x.view(), 5, DEFAULT_SEED);
        let (got_c, got_raw) = best_run(&x.view(), 5, DEFAULT_SEED).unwrap();
        assert_eq!(got_c, want_c);
        assert_eq!(got_raw, want_raw);
    }

    #[test]
    fn same_result_with_one_or_many_threads() {
        let mut rng = Xoshiro256Plus::seed_from_u64(12);
        let x = random_rows(&mut rng, 500, 4, 0);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| best_run(&x.view(), 5, 7).unwrap())
        };
        let one = run(1);
        for threads in [2, 3, 8] {
            let many = run(threads);
            assert_eq!(many.1, one.1, "{threads} threads");
            assert!(
                many.0
                    .iter()
                    .zip(&one.0)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
        }
    }

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
