//! Agglomerative clustering in SciPy's conventions, and the `maxclust` cut.
//!
//! * `single`: `kodama`'s minimum-spanning-tree algorithm, the same
//!   algorithm as SciPy's `mst_single_linkage` (same tie order).
//! * `complete`, `average`, `ward`: the nearest-neighbour-chain algorithm
//!   exactly as SciPy's `nn_chain` runs it (chain continued after a merge,
//!   the previous chain element preferred on ties, first index otherwise),
//!   with SciPy's Lance–Williams updates on unsquared distances. kodama's
//!   chain restarts differently and its Ward update works on squared
//!   distances; the rounding differences change which of two tied merges
//!   comes first, so on data with ties its Ward dendrogram can differ from
//!   SciPy's. Doing the updates as SciPy does keeps results identical.
//!
//! Both end with SciPy's post-processing: merges stably sorted by height,
//! then relabelled with a union-find so that rows are `0..n-1`, the cluster
//! made by the i-th merge is `n + i`, and each merge lists the smaller id
//! first.

use rayon::prelude::*;
use serde::Serialize;

use crate::ClusterError;

/// Linkage criterion of the agglomerative methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// Ward's minimum variance criterion on Euclidean distances
    /// (Lance–Williams update on unsquared distances, as SciPy).
    Ward,
    /// Largest pairwise distance.
    Complete,
    /// Mean pairwise distance (UPGMA).
    Average,
    /// Smallest pairwise distance.
    Single,
}

/// One merge of a dendrogram in SciPy's convention: clusters `a < b` merged
/// at `height` into a cluster of `size` rows. Serialises as `[a, b, height, size]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merge {
    /// Smaller cluster id (`< n`: a row, else the cluster of merge `a - n`).
    pub a: usize,
    /// Larger cluster id.
    pub b: usize,
    /// Linkage distance at which the two clusters merge.
    pub height: f64,
    /// Number of rows in the merged cluster.
    pub size: usize,
}

impl Serialize for Merge {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.a, self.b, self.height, self.size).serialize(serializer)
    }
}

/// Reads `[a, b, height, size]`; a row of another length, or a cluster id
/// or size that is not a non-negative whole number, is an error saying so
/// (a height of `null` is read as NaN, for the reader to judge).
impl<'de> serde::Deserialize<'de> for Merge {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let cells: Vec<rurban_serde::Num> = serde::Deserialize::deserialize(d)?;
        if cells.len() != 4 {
            return Err(D::Error::custom(rurban_serde::inconsistent(format!(
                "should be [a, b, height, size], found {} item(s)",
                cells.len()
            ))));
        }
        let id = |i: usize, what: &str| {
            let v = cells[i].0;
            if v.fract() == 0.0 && (0.0..9.0e15).contains(&v) {
                Ok(v as usize)
            } else {
                Err(D::Error::custom(rurban_serde::inconsistent(format!(
                    "has {what} {v}, which is not a non-negative whole number"
                ))))
            }
        };
        Ok(Merge {
            a: id(0, "cluster id")?,
            b: id(1, "cluster id")?,
            height: cells[2].0,
            size: id(3, "size")?,
        })
    }
}

/// Condensed Euclidean distance matrix (as `scipy.spatial.distance.pdist`):
/// `d(i, j)` for `i < j` at position `n i - i (i + 1) / 2 + j - i - 1`.
///
/// Each distance is the square root of the squared differences summed in
/// feature order, computed on its own: every entry is the same whatever the
/// number of threads the rows are shared among.
pub fn pdist_euclidean(data: &ndarray::ArrayView2<'_, f64>) -> Vec<f64> {
    pdist(data).0
}

/// Distances from row `i` are computed for this many rows `j` at a time:
/// their sums run side by side (each in feature order), which fills the
/// vector lanes instead of waiting on one chain of additions.
const LANES: usize = 8;

/// Pairs times features from which the rows are shared among threads.
const PAR_WORK: usize = 1 << 16;

/// The condensed distances and whether all of them are finite.
fn pdist(data: &ndarray::ArrayView2<'_, f64>) -> (Vec<f64>, bool) {
    let (n, p) = data.dim();
    let len = n * n.saturating_sub(1) / 2;
    let mut out = vec![0.0f64; len];
    if len == 0 {
        return (out, true);
    }
    // rows (row-major) for the fixed row i, columns (feature-major) for the
    // block of rows j compared with it
    let copy: Vec<f64>;
    let rows: &[f64] = match data.as_slice() {
        Some(rows) => rows,
        None => {
            copy = data.iter().copied().collect();
            &copy
        }
    };
    let cols: Vec<f64> = data.t().iter().copied().collect();
    let fill = |i: usize, row: &mut [f64]| {
        pdist_row(&rows[i * p..(i + 1) * p], i, &cols, n, row);
        row.iter().all(|d| d.is_finite())
    };
    let mut rest = out.as_mut_slice();
    let finite = if len.saturating_mul(p) >= PAR_WORK {
        let mut parts: Vec<(usize, &mut [f64])> = Vec::with_capacity(n);
        for i in 0..n - 1 {
            let (row, tail) = rest.split_at_mut(n - i - 1);
            parts.push((i, row));
            rest = tail;
        }
        parts
            .into_par_iter()
            .map(|(i, row)| fill(i, row))
            .reduce(|| true, |a, b| a && b)
    } else {
        let mut finite = true;
        for i in 0..n - 1 {
            let (row, tail) = rest.split_at_mut(n - i - 1);
            finite &= fill(i, row);
            rest = tail;
        }
        finite
    };
    (out, finite)
}

/// Distances from row `i` (its features `xi`) to rows `i+1..n` into `out`,
/// `cols` the data feature-major (`cols[c n + j]` = feature `c` of row `j`).
fn pdist_row(xi: &[f64], i: usize, cols: &[f64], n: usize, out: &mut [f64]) {
    let mut j = i + 1;
    let mut blocks = out.chunks_exact_mut(LANES);
    for block in &mut blocks {
        let mut acc = [0.0f64; LANES];
        for (c, &a) in xi.iter().enumerate() {
            let col: &[f64; LANES] = cols[c * n + j..c * n + j + LANES]
                .try_into()
                .expect("LANES columns");
            for (s, &b) in acc.iter_mut().zip(col) {
                let d = a - b;
                *s += d * d;
            }
        }
        for (o, s) in block.iter_mut().zip(acc) {
            *o = s.sqrt();
        }
        j += LANES;
    }
    for o in blocks.into_remainder() {
        let mut s = 0.0f64;
        for (c, &a) in xi.iter().enumerate() {
            let d = a - cols[c * n + j];
            s += d * d;
        }
        *o = s.sqrt();
        j += 1;
    }
}

/// Hierarchical clustering of the rows of `data` (Euclidean distances),
/// returning the `n - 1` merges in SciPy's `linkage` convention.
///
/// One row gives no merges. Errors when a distance or a merge height is
/// not finite (values so large that squares overflow).
pub fn linkage(
    data: &ndarray::ArrayView2<'_, f64>,
    method: Linkage,
) -> Result<Vec<Merge>, ClusterError> {
    let n = data.nrows();
    // The condensed distance matrix, n (n - 1) / 2 numbers, and a copy of the data.
    let pairs = (n as u128) * (n.saturating_sub(1) as u128) / 2;
    rurban_method::memory::ensure(
        rurban_method::memory::bytes_for::<f64>(pairs + 2 * data.len() as u128),
        &format!("the distance matrix of {n} rows for {method:?} linkage"),
        "cluster fewer rows, or use k-means (--method kmeans), which needs no distance matrix",
    )
    .map_err(|e| ClusterError::Memory(e.to_string()))?;
    let (mut dist, finite) = pdist(data);
    if !finite {
        return Err(ClusterError::DistanceOverflow);
    }
    if n < 2 {
        return Ok(Vec::new());
    }
    let merges = match method {
        Linkage::Single => {
            let dend = kodama::linkage(&mut dist, n, kodama::Method::Single);
            dend.steps()
                .iter()
                .map(|s| Merge {
                    a: s.cluster1.min(s.cluster2),
                    b: s.cluster1.max(s.cluster2),
                    height: s.dissimilarity,
                    size: s.size,
                })
                .collect()
        }
        _ => {
            let mut raw = nn_chain(&mut dist, n, method);
            // numpy argsort(kind="mergesort") is stable, as is sort_by
            raw.sort_by(|x, y| x.height.total_cmp(&y.height));
            label(&mut raw, n);
            raw
        }
    };
    if merges.iter().any(|m| !m.height.is_finite()) {
        return Err(ClusterError::DistanceOverflow);
    }
    Ok(merges)
}

/// Lance–Williams update of SciPy's `_hierarchy_distance_update.pxi`:
/// distance from cluster `i` to the union of `x` and `y`.
#[inline]
fn update(
    method: Linkage,
    d_xi: f64,
    d_yi: f64,
    d_xy: f64,
    nx: usize,
    ny: usize,
    ni: usize,
) -> f64 {
    match method {
        Linkage::Complete => d_xi.max(d_yi),
        Linkage::Average => (nx as f64 * d_xi + ny as f64 * d_yi) / (nx + ny) as f64,
        Linkage::Ward => {
            let t = 1.0 / (nx + ny + ni) as f64;
            ((ni + nx) as f64 * t * d_xi * d_xi + (ni + ny) as f64 * t * d_yi * d_yi
                - ni as f64 * t * d_xy * d_xy)
                .sqrt()
        }
        Linkage::Single => d_xi.min(d_yi),
    }
}

/// SciPy's `nn_chain`: merges in the order found, cluster ids are the
/// surviving matrix slots (relabelled later by [`label`]).
///
/// The clusters still alive are kept in increasing order, and every scan or
/// update visits only them, in that order (SciPy visits all slots in
/// increasing order and skips the dead ones: the same comparisons, so the
/// same ties are broken the same way). Row `x` of the condensed matrix is
/// read as its two runs: `d(j, x)` for `j < x` (one entry per row `j`) and
/// `d(x, j)` for `j > x` (contiguous).
fn nn_chain(d: &mut [f64], n: usize, method: Linkage) -> Vec<Merge> {
    // d(i, j), i < j, is at start[i] + j - i - 1
    let start: Vec<usize> = (0..n).map(|i| n * i - i * (i + 1) / 2).collect();
    let at = |i: usize, j: usize| start[i] + j - i - 1;
    let mut size = vec![1usize; n];
    let mut live: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n - 1);
    for _ in 0..n - 1 {
        if chain.is_empty() {
            chain.push(live[0]);
        }
        let (mut x, mut y, mut current_min);
        loop {
            x = chain[chain.len() - 1];
            // prefer the previous chain element on ties, to avoid cycles
            if chain.len() > 1 {
                y = chain[chain.len() - 2];
                current_min = d[if x < y { at(x, y) } else { at(y, x) }];
            } else {
                y = x;
                current_min = f64::INFINITY;
            }
            let pos = live.partition_point(|&j| j < x);
            for &j in &live[..pos] {
                let dist = d[at(j, x)];
                if dist < current_min {
                    current_min = dist;
                    y = j;
                }
            }
            let row = &d[start[x]..start[x] + (n - x - 1)];
            for &j in &live[pos + 1..] {
                let dist = row[j - x - 1];
                if dist < current_min {
                    current_min = dist;
                    y = j;
                }
            }
            if chain.len() > 1 && y == chain[chain.len() - 2] {
                break;
            }
            if y == x {
                // nothing below infinity (an update overflowed): go on with
                // the first other cluster; the chain then merges at an
                // infinite (or NaN) height, which the caller reports
                y = live[if pos == 0 { 1 } else { 0 }];
            }
            chain.push(y);
        }
        chain.truncate(chain.len() - 2);
        if x > y {
            std::mem::swap(&mut x, &mut y);
        }
        let (nx, ny) = (size[x], size[y]);
        out.push(Merge {
            a: x,
            b: y,
            height: current_min,
            size: nx + ny,
        });
        size[x] = 0;
        size[y] = nx + ny;
        let px = live.partition_point(|&j| j < x);
        live.remove(px);
        let py = live.partition_point(|&j| j < y);
        // i < x: d(i, x) and d(i, y) in row i
        for &i in &live[..px] {
            let (ix, iy) = (at(i, x), at(i, y));
            d[iy] = update(method, d[ix], d[iy], current_min, nx, ny, size[i]);
        }
        // x < i < y: d(x, i) in row x, d(i, y) in row i
        for &i in &live[px..py] {
            let (ix, iy) = (at(x, i), at(i, y));
            d[iy] = update(method, d[ix], d[iy], current_min, nx, ny, size[i]);
        }
        // i > y: d(x, i) in row x, d(y, i) in row y
        for &i in &live[py + 1..] {
            let (ix, iy) = (at(x, i), at(y, i));
            d[iy] = update(method, d[ix], d[iy], current_min, nx, ny, size[i]);
        }
    }
    out
}

/// SciPy's `label`: rewrite the ids of height-sorted merges with a
/// union-find so that the i-th merge creates cluster `n + i`.
fn label(merges: &mut [Merge], n: usize) {
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut sizes = vec![1usize; 2 * n - 1];
    let mut next = n;
    let find = |parent: &mut Vec<usize>, mut x: usize| {
        let mut p = x;
        while parent[x] != x {
            x = parent[x];
        }
        while parent[p] != x {
            let up = parent[p];
            parent[p] = x;
            p = up;
        }
        x
    };
    for m in merges.iter_mut() {
        let xr = find(&mut parent, m.a);
        let yr = find(&mut parent, m.b);
        let (a, b) = if xr < yr { (xr, yr) } else { (yr, xr) };
        parent[a] = next;
        parent[b] = next;
        sizes[next] = sizes[a] + sizes[b];
        m.a = a;
        m.b = b;
        m.size = sizes[next];
        next += 1;
    }
}

/// Flat clusters as SciPy's `fcluster(Z, k, criterion="maxclust")`.
///
/// Finds the smallest merge height `t` such that cutting the tree at `t`
/// (keeping merges of height `<= t`) leaves at most `k` clusters, then
/// numbers the clusters 1, 2, .. in SciPy's depth-first order (left child
/// first, from the last merge). With tied heights at the cut this gives
/// fewer than `k` clusters, as SciPy does. When `k >= n` every row is its
/// own cluster, numbered `row + 1`. Returns one cluster number per row.
pub fn fcluster_maxclust(merges: &[Merge], n: usize, k: usize) -> Vec<usize> {
    if k >= n || merges.len() + 1 != n {
        return (1..=n).collect();
    }
    // monotone criterion: the largest height in each merge's subtree
    let mut mc = vec![0.0f64; n - 1];
    for (i, m) in merges.iter().enumerate() {
        let mut v = m.height;
        for c in [m.a, m.b] {
            if c >= n {
                v = v.max(mc[c - n]);
            }
        }
        mc[i] = v;
    }
    // number of clusters at threshold t: one more than the merges cut
    let clusters_at = |t: f64| 1 + mc.iter().filter(|&&v| v > t).count();
    // binary search as SciPy: lower is "-infinity" (n clusters > k)
    let (mut lower, mut upper): (isize, isize) = (-1, n as isize - 1);
    while upper - lower > 1 {
        let i = (lower + upper) >> 1;
        if clusters_at(mc[i as usize]) > k {
            lower = i;
        } else {
            upper = i;
        }
    }
    let cutoff = mc[(upper as usize).min(n - 2)];
    monocrit(merges, &mc, cutoff, n)
}

/// SciPy's `cluster_monocrit`: depth-first numbering of the flat clusters.
fn monocrit(merges: &[Merge], mc: &[f64], cutoff: f64, n: usize) -> Vec<usize> {
    let mut t = vec![0usize; n];
    let mut visited = vec![false; 2 * n - 1];
    let mut stack = vec![2 * n - 2];
    let mut n_cluster = 0usize;
    let mut leader: Option<usize> = None;
    while let Some(&node) = stack.last() {
        let root = node - n;
        let (lc, rc) = (merges[root].a, merges[root].b);
        if leader.is_none() && mc[root] <= cutoff {
            leader = Some(root);
            n_cluster += 1;
        }
        if lc >= n && !visited[lc] {
            visited[lc] = true;
            stack.push(lc);
            continue;
        }
        if rc >= n && !visited[rc] {
            visited[rc] = true;
            stack.push(rc);
            continue;
        }
        for c in [lc, rc] {
            if c < n {
                if leader.is_none() {
                    n_cluster += 1;
                }
                t[c] = n_cluster;
            }
        }
        if leader == Some(root) {
            leader = None;
        }
        stack.pop();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    fn cidx(n: usize, i: usize, j: usize) -> usize {
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        n * i - i * (i + 1) / 2 + (j - i - 1)
    }

    /// The distances as first written: one row pair at a time, the squared
    /// differences summed by the iterator.
    fn pdist_pairwise(data: &ndarray::ArrayView2<'_, f64>) -> Vec<f64> {
        let n = data.nrows();
        let mut out = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let s: f64 = data
                    .row(i)
                    .iter()
                    .zip(data.row(j).iter())
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum();
                out.push(s.sqrt());
            }
        }
        out
    }

    /// The chain as first written, literally SciPy's loops: every slot
    /// `0..n` scanned and updated in order, dead ones skipped, each entry
    /// found by its condensed index.
    fn nn_chain_full_scan(d: &mut [f64], n: usize, method: Linkage) -> Vec<Merge> {
        let mut size = vec![1usize; n];
        let mut chain: Vec<usize> = Vec::new();
        let mut out = Vec::new();
        for _ in 0..n - 1 {
            if chain.is_empty()
                && let Some(first) = (0..n).find(|&i| size[i] > 0)
            {
                chain.push(first);
            }
            let (mut x, mut y, mut current_min);
            loop {
                x = chain[chain.len() - 1];
                if chain.len() > 1 {
                    y = chain[chain.len() - 2];
                    current_min = d[cidx(n, x, y)];
                } else {
                    y = x;
                    current_min = f64::INFINITY;
                }
                for i in 0..n {
                    if size[i] == 0 || i == x {
                        continue;
                    }
                    let dist = d[cidx(n, x, i)];
                    if dist < current_min {
                        current_min = dist;
                        y = i;
                    }
                }
                if chain.len() > 1 && y == chain[chain.len() - 2] {
                    break;
                }
                chain.push(y);
            }
            chain.truncate(chain.len() - 2);
            if x > y {
                std::mem::swap(&mut x, &mut y);
            }
            let (nx, ny) = (size[x], size[y]);
            out.push(Merge {
                a: x,
                b: y,
                height: current_min,
                size: nx + ny,
            });
            size[x] = 0;
            size[y] = nx + ny;
            for i in 0..n {
                let ni = size[i];
                if ni == 0 || i == y {
                    continue;
                }
                d[cidx(n, i, y)] = update(
                    method,
                    d[cidx(n, i, x)],
                    d[cidx(n, i, y)],
                    current_min,
                    nx,
                    ny,
                    ni,
                );
            }
        }
        out
    }

    /// Random rows: small integers (many equal distances, duplicate rows)
    /// or continuous values.
    fn random_rows(rng: &mut Xoshiro256Plus, n: usize, p: usize, ties: bool) -> Array2<f64> {
        let m = rng.gen_range(2..5);
        Array2::from_shape_fn((n, p), |_| {
            if ties {
                rng.gen_range(0..m) as f64
            } else {
                rng.gen_range(-3.0..3.0)
            }
        })
    }

    fn bits(merges: &[Merge]) -> Vec<(usize, usize, u64, usize)> {
        merges
            .iter()
            .map(|m| (m.a, m.b, m.height.to_bits(), m.size))
            .collect()
    }

    #[test]
    fn distances_equal_the_pairwise_sums_bit_for_bit() {
        let mut rng = Xoshiro256Plus::seed_from_u64(1);
        // below and above the threaded size, row counts around the block width
        let shapes = [
            (1, 3),
            (2, 1),
            (9, 2),
            (17, 5),
            (40, 30),
            (301, 7),
            (700, 2),
        ];
        for (n, p) in shapes {
            for ties in [false, true] {
                let x = random_rows(&mut rng, n, p, ties);
                let want: Vec<u64> = pdist_pairwise(&x.view())
                    .iter()
                    .map(|d| d.to_bits())
                    .collect();
                let got: Vec<u64> = pdist_euclidean(&x.view())
                    .iter()
                    .map(|d| d.to_bits())
                    .collect();
                assert_eq!(got, want, "{n} x {p}");
                // any memory layout of the input
                let f = x.t().as_standard_layout().into_owned().reversed_axes();
                let got: Vec<u64> = pdist_euclidean(&f.view())
                    .iter()
                    .map(|d| d.to_bits())
                    .collect();
                assert_eq!(got, want, "{n} x {p}, column-major");
            }
        }
    }

    #[test]
    fn chain_over_live_clusters_equals_the_full_scan() {
        // the same merges in the same order with the same heights, bit for
        // bit, on tie-heavy and continuous data
        let mut rng = Xoshiro256Plus::seed_from_u64(2);
        for case in 0..300 {
            let n = rng.gen_range(2..70);
            let p = rng.gen_range(1..5);
            let x = random_rows(&mut rng, n, p, case % 3 != 0);
            let d = pdist_euclidean(&x.view());
            for method in [Linkage::Ward, Linkage::Complete, Linkage::Average] {
                let want = nn_chain_full_scan(&mut d.clone(), n, method);
                let got = nn_chain(&mut d.clone(), n, method);
                assert_eq!(bits(&got), bits(&want), "case {case} {method:?}");
            }
        }
    }

    #[test]
    fn linkage_does_not_depend_on_the_thread_count() {
        let mut rng = Xoshiro256Plus::seed_from_u64(3);
        let x = random_rows(&mut rng, 400, 6, false);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| linkage(&x.view(), Linkage::Ward).unwrap())
        };
        let one = run(1);
        assert_eq!(bits(&run(2)), bits(&one));
        assert_eq!(bits(&run(4)), bits(&one));
        // and equals the first implementation end to end
        let d = pdist_pairwise(&x.view());
        let mut want = nn_chain_full_scan(&mut d.clone(), 400, Linkage::Ward);
        want.sort_by(|a, b| a.height.total_cmp(&b.height));
        label(&mut want, 400);
        assert_eq!(bits(&one), bits(&want));
    }

    #[test]
    fn overflowing_ward_update_is_an_error() {
        // the distances are finite (1.22e154^2 = 1.49e308 < f64::MAX), but
        // after {0, 1} merge the Ward update needs
        // (2/3) d^2 + (2/3) d^2 = 1.99e308: infinite. That merge height must
        // come out as an overflow, not as a merge of a cluster with itself.
        let x = array![[0.0], [1.0], [1.22e154]];
        assert!(pdist_euclidean(&x.view()).iter().all(|d| d.is_finite()));
        assert!(matches!(
            linkage(&x.view(), Linkage::Ward),
            Err(ClusterError::DistanceOverflow)
        ));
    }

    #[test]
    fn condensed_distances_by_hand() {
        // (0,0), (3,4), (6,8): d01 = 5, d02 = 10, d12 = 5
        let x = array![[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]];
        assert_eq!(pdist_euclidean(&x.view()), vec![5.0, 10.0, 5.0]);
        assert_eq!(cidx(3, 0, 1), 0);
        assert_eq!(cidx(3, 2, 0), 1);
        assert_eq!(cidx(3, 1, 2), 2);
    }

    #[test]
    fn four_points_on_a_line_by_hand() {
        // rows 0, 1, 4, 10 on a line. Distances: 01=1, 02=4, 03=10, 12=3, 13=9, 23=6.
        // complete: {0,1} at 1 -> id 4; d(4,2) = max(4,3) = 4, d(4,3) = max(10,9) = 10,
        //   d(2,3) = 6: {2,4} at 4 -> id 5; then {3,5} at max(10, 6) = 10.
        // average: d(4,2) = 3.5 -> {2,4} at 3.5; d(5,3) = (2*9.5 + 6)/3 = 25/3.
        // single: {0,1} at 1, {2,4} at 3, {3,5} at 6.
        // ward: d(4,2)^2 = (2*16 + 2*9 - 1*1)/3 = 49/3 -> sqrt = 4.0415;
        //   d(4,3)^2 = (2*100 + 2*81 - 1)/3 = 361/3; {2,4} merge at sqrt(49/3);
        //   d(5,3)^2 = (3*361/3 + 2*36 - 1*49/3)/4 = (361 + 72 - 49/3)/4 = 1250/12
        let x = array![[0.0], [1.0], [4.0], [10.0]];
        let v = x.view();
        let m = linkage(&v, Linkage::Complete).unwrap();
        let as_tuples = |m: &[Merge]| m.iter().map(|m| (m.a, m.b, m.size)).collect::<Vec<_>>();
        assert_eq!(as_tuples(&m), vec![(0, 1, 2), (2, 4, 3), (3, 5, 4)]);
        assert_eq!(
            m.iter().map(|m| m.height).collect::<Vec<_>>(),
            vec![1.0, 4.0, 10.0]
        );
        let m = linkage(&v, Linkage::Average).unwrap();
        assert_eq!(as_tuples(&m), vec![(0, 1, 2), (2, 4, 3), (3, 5, 4)]);
        assert_eq!(m[1].height, 3.5);
        assert!((m[2].height - 25.0 / 3.0).abs() < 1e-14);
        let m = linkage(&v, Linkage::Single).unwrap();
        assert_eq!(as_tuples(&m), vec![(0, 1, 2), (2, 4, 3), (3, 5, 4)]);
        assert_eq!(
            m.iter().map(|m| m.height).collect::<Vec<_>>(),
            vec![1.0, 3.0, 6.0]
        );
        let m = linkage(&v, Linkage::Ward).unwrap();
        assert_eq!(as_tuples(&m), vec![(0, 1, 2), (2, 4, 3), (3, 5, 4)]);
        assert!((m[1].height - (49.0f64 / 3.0).sqrt()).abs() < 1e-14);
        assert!((m[2].height - (1250.0f64 / 12.0).sqrt()).abs() < 1e-13);

        // maxclust on the complete tree: k=2 cuts at 4 -> {0,1,2} and {3};
        // depth-first from the root (3, 5): left child 3 is a row, right child
        // 5 is visited first (as SciPy), so {0,1,2} is cluster 1, row 3 is 2.
        let m = linkage(&v, Linkage::Complete).unwrap();
        assert_eq!(fcluster_maxclust(&m, 4, 2), vec![1, 1, 1, 2]);
        assert_eq!(fcluster_maxclust(&m, 4, 1), vec![1, 1, 1, 1]);
        assert_eq!(fcluster_maxclust(&m, 4, 3), vec![1, 1, 2, 3]);
        assert_eq!(fcluster_maxclust(&m, 4, 4), vec![1, 2, 3, 4]);
        assert_eq!(fcluster_maxclust(&m, 4, 9), vec![1, 2, 3, 4]);
    }

    #[test]
    fn merges_serialise_as_arrays() {
        let m = Merge {
            a: 1,
            b: 5,
            height: 2.5,
            size: 3,
        };
        assert_eq!(serde_json::to_string(&m).unwrap(), "[1,5,2.5,3]");
    }

    #[test]
    fn single_row_has_no_merges() {
        let x = array![[1.0, 2.0]];
        for method in [Linkage::Ward, Linkage::Single] {
            assert!(linkage(&x.view(), method).unwrap().is_empty());
        }
        assert_eq!(fcluster_maxclust(&[], 1, 1), vec![1]);
    }

    #[test]
    fn overflowing_distances_are_an_error() {
        let x = array![[-1e200], [1e200]];
        assert!(matches!(
            linkage(&x.view(), Linkage::Ward),
            Err(ClusterError::DistanceOverflow)
        ));
    }
}
