//! Region-years and their ranks within each year.

use crate::error::RobustError;

/// The region-years a model scores, in the order of its score buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    regions: Vec<String>,
    years: Vec<i64>,
    cells: Vec<(usize, usize)>,
    groups: Vec<Vec<usize>>,
}

impl Layout {
    /// Every region in every year, region-major (region 0 in each year,
    /// then region 1, ...), as a panel's `scores.csv` lists them.
    pub fn full(regions: Vec<String>, years: Vec<i64>) -> Result<Self, RobustError> {
        let cells = (0..regions.len())
            .flat_map(|r| (0..years.len()).map(move |t| (r, t)))
            .collect();
        Layout::new(regions, years, cells)
    }

    /// Cells `(region index, year index)` in score order. Errors: no cell,
    /// an index out of range, a cell listed twice, a duplicate year.
    pub fn new(
        regions: Vec<String>,
        years: Vec<i64>,
        cells: Vec<(usize, usize)>,
    ) -> Result<Self, RobustError> {
        if cells.is_empty() {
            return Err(RobustError::Layout {
                cause: "no region-year to rank".into(),
            });
        }
        for (i, y) in years.iter().enumerate() {
            if years[..i].contains(y) {
                return Err(RobustError::Layout {
                    cause: format!("year {y} is listed twice"),
                });
            }
        }
        let mut seen = vec![false; regions.len() * years.len()];
        let mut groups = vec![Vec::new(); years.len()];
        for (i, &(r, t)) in cells.iter().enumerate() {
            if r >= regions.len() || t >= years.len() {
                return Err(RobustError::Layout {
                    cause: format!("cell {i} ({r}, {t}) is out of range"),
                });
            }
            let s = &mut seen[r * years.len() + t];
            if *s {
                return Err(RobustError::Layout {
                    cause: format!("region '{}' in {} is listed twice", regions[r], years[t]),
                });
            }
            *s = true;
            groups[t].push(i);
        }
        groups.retain(|g| !g.is_empty());
        Ok(Layout {
            regions,
            years,
            cells,
            groups,
        })
    }

    /// The number of region-years (the length of a score buffer).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Always false: a layout has at least one region-year.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The region of cell `i`.
    pub fn region(&self, i: usize) -> &str {
        &self.regions[self.cells[i].0]
    }

    /// The year of cell `i`.
    pub fn year(&self, i: usize) -> i64 {
        self.years[self.cells[i].1]
    }

    /// The cells of each year that has any, in cell order.
    pub fn groups(&self) -> &[Vec<usize>] {
        &self.groups
    }
}

/// Up to this many region-years a year is ranked by counting, not sorting.
const SMALL_GROUP: usize = 64;
/// The lanes of the counting: ranks of this many region-years are counted
/// side by side (divides [`SMALL_GROUP`]).
const COUNT_WIDTH: usize = 8;

/// Ranks `scores` within each year of `layout` into `ranks`: 1 = highest,
/// ties (equal scores) share the smallest rank. `order` is scratch space
/// (any length; reused). The scores must be finite.
///
/// Years of up to 64 region-years are ranked by counting larger scores
/// (with AVX-512 or AVX2 comparisons when the processor has them: the
/// same comparisons, so the same ranks); larger years by sorting (score,
/// position) keys.
pub fn rank_within_years(
    layout: &Layout,
    scores: &[f64],
    order: &mut Vec<usize>,
    ranks: &mut [u32],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            return rank_with(layout, scores, order, ranks, |b, n, o| unsafe {
                count_ranks_avx512(b, n, o);
            });
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return rank_with(layout, scores, order, ranks, |b, n, o| unsafe {
                count_ranks_avx2(b, n, o);
            });
        }
    }
    rank_portable(layout, scores, order, ranks);
}

/// [`rank_within_years`] with the portable counting.
fn rank_portable(layout: &Layout, scores: &[f64], order: &mut Vec<usize>, ranks: &mut [u32]) {
    rank_with(layout, scores, order, ranks, count_ranks);
}

/// [`rank_within_years`] with `count` ranking the small years.
#[inline(always)]
fn rank_with(
    layout: &Layout,
    scores: &[f64],
    order: &mut Vec<usize>,
    ranks: &mut [u32],
    count: impl Fn(&[f64; SMALL_GROUP], usize, &mut [u32; SMALL_GROUP]),
) {
    let mut keys: Vec<(u64, u32)> = Vec::new();
    for g in layout.groups() {
        if g.len() <= SMALL_GROUP {
            // padded with -inf, never larger than a finite score
            let mut buf = [f64::NEG_INFINITY; SMALL_GROUP];
            for (b, &i) in buf.iter_mut().zip(g) {
                *b = scores[i];
            }
            let mut out = [0u32; SMALL_GROUP];
            count(&buf, g.len(), &mut out);
            for (&i, &r) in g.iter().zip(&out) {
                ranks[i] = r;
            }
            continue;
        }
        sort_ranks(g, scores, order, &mut keys, ranks);
    }
}

/// Competition ranks of the `n` first values of `buf` (padded with -inf)
/// into `out`: 1 + the number of larger values (no sort; equal values,
/// -0.0 and 0.0 too, tie). The counts are added as 0.0 / 1.0 (a compare
/// and a mask), so the loop vectorises with no conversion.
fn count_ranks(buf: &[f64; SMALL_GROUP], n: usize, out: &mut [u32; SMALL_GROUP]) {
    let width = n.div_ceil(COUNT_WIDTH) * COUNT_WIDTH;
    let vals = &buf[..width];
    for (o, &s) in out.iter_mut().zip(&vals[..n]) {
        let mut above = [0.0f64; COUNT_WIDTH];
        for c in vals.chunks_exact(COUNT_WIDTH) {
            for k in 0..COUNT_WIDTH {
                above[k] += if c[k] > s { 1.0 } else { 0.0 };
            }
        }
        // at most 64 ones: exact in f64
        *o = above.iter().sum::<f64>() as u32 + 1;
    }
}

/// [`count_ranks`] with AVX-512: 32 values side by side in four
/// registers, each counting (masked add) the values larger than it, one
/// broadcast value at a time.
///
/// # Safety
/// The CPU must have AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn count_ranks_avx512(buf: &[f64; SMALL_GROUP], n: usize, out: &mut [u32; SMALL_GROUP]) {
    use std::arch::x86_64::*;
    let one = _mm512_set1_epi64(1);
    for base in (0..n).step_by(32) {
        // SAFETY: base + 32 <= SMALL_GROUP (a multiple of 32), so every
        // load reads inside `buf`.
        let v: [__m512d; 4] =
            std::array::from_fn(|b| unsafe { _mm512_loadu_pd(buf.as_ptr().add(base + 8 * b)) });
        let mut c = [_mm512_set1_epi64(1); 4];
        for &x in &buf[..n] {
            let s = _mm512_set1_pd(x);
            for b in 0..4 {
                // lanes whose value is < x, i.e. x is larger
                let m = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(v[b], s);
                c[b] = _mm512_mask_add_epi64(c[b], m, c[b], one);
            }
        }
        for (b, cb) in c.iter().enumerate() {
            let mut lanes = [0u64; 8];
            // SAFETY: `lanes` holds 8 u64.
            unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), *cb) };
            for (k, &r) in lanes.iter().enumerate() {
                // at most 65: fits
                out[base + 8 * b + k] = r as u32;
            }
        }
    }
}

/// [`count_ranks`] with AVX2: 16 values side by side in four registers,
/// each subtracting the all-ones mask of the larger values.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_ranks_avx2(buf: &[f64; SMALL_GROUP], n: usize, out: &mut [u32; SMALL_GROUP]) {
    use std::arch::x86_64::*;
    for base in (0..n).step_by(16) {
        // SAFETY: base + 16 <= SMALL_GROUP (a multiple of 16), so every
        // load reads inside `buf`.
        let v: [__m256d; 4] =
            std::array::from_fn(|b| unsafe { _mm256_loadu_pd(buf.as_ptr().add(base + 4 * b)) });
        let mut c = [_mm256_set1_epi64x(1); 4];
        for &x in &buf[..n] {
            let s = _mm256_set1_pd(x);
            for b in 0..4 {
                let m = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LT_OQ>(v[b], s));
                c[b] = _mm256_sub_epi64(c[b], m);
            }
        }
        for (b, cb) in c.iter().enumerate() {
            let mut lanes = [0u64; 4];
            // SAFETY: `lanes` holds 4 u64.
            unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), *cb) };
            for (k, &r) in lanes.iter().enumerate() {
                out[base + 4 * b + k] = r as u32;
            }
        }
    }
}

/// The order key of a finite score: larger scores have larger keys, and
/// -0.0 and 0.0 the same key.
#[inline(always)]
fn order_key(s: f64) -> u64 {
    // + 0.0 turns -0.0 into 0.0 and leaves every other value alone
    let b = (s + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Competition ranks of a large year by sorting (key, position) pairs,
/// highest key first.
#[inline(always)]
fn sort_ranks(
    g: &[usize],
    scores: &[f64],
    order: &mut Vec<usize>,
    keys: &mut Vec<(u64, u32)>,
    ranks: &mut [u32],
) {
    // the sorted positions, left in `order` (scratch the caller reuses)
    order.clear();
    keys.clear();
    keys.extend(
        g.iter()
            .enumerate()
            .map(|(p, &i)| (!order_key(scores[i]), p as u32)),
    );
    keys.sort_unstable();
    let mut prev = u64::MAX;
    let mut rank = 0u32;
    for (p, &(k, at)) in keys.iter().enumerate() {
        if k != prev {
            rank = p as u32 + 1;
            prev = k;
        }
        ranks[g[at as usize]] = rank;
        order.push(g[at as usize]);
    }
}

/// `mean over region-years of |rank - nominal rank|` (exact: the sum is
/// an integer).
pub fn mean_abs_shift(ranks: &[u32], nominal: &[u32]) -> f64 {
    let s: u64 = ranks
        .iter()
        .zip(nominal)
        .map(|(&a, &b)| u64::from(a.abs_diff(b)))
        .sum();
    s as f64 / ranks.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Competition ranks by definition: 1 + the number of larger scores.
    fn by_definition(v: &[f64]) -> Vec<u32> {
        v.iter()
            .map(|&s| 1 + v.iter().filter(|&&x| x > s).count() as u32)
            .collect()
    }

    #[test]
    fn counting_and_sorting_give_competition_ranks_with_ties() {
        // sizes on both sides of the counting limit and of the unrolled
        // width; scores drawn from few values so that many tie, -0.0 and
        // 0.0 among them
        let pool = [0.5, -0.0, 0.0, 1.25, -3.0, 0.5, 7.0];
        let mut state = 12345u64;
        for n in [1, 2, 7, 8, 9, 31, 47, 48, 49, 63, 64, 65, 100, 3000] {
            let scores: Vec<f64> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    pool[(state >> 33) as usize % pool.len()]
                })
                .collect();
            let layout = Layout::full((0..n).map(|r| format!("r{r}")).collect(), vec![2020])
                .expect("layout");
            let mut ranks = vec![0; n];
            rank_within_years(&layout, &scores, &mut Vec::new(), &mut ranks);
            assert_eq!(ranks, by_definition(&scores), "n = {n}");
        }
        // a hand case: 3 > 2 = 2 > 1, and -0.0 ties 0.0
        let layout = Layout::full(
            ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec(),
            vec![2020],
        )
        .expect("layout");
        let mut ranks = vec![0; 6];
        rank_within_years(
            &layout,
            &[2.0, 3.0, 2.0, 1.0, -0.0, 0.0],
            &mut Vec::new(),
            &mut ranks,
        );
        assert_eq!(ranks, [2, 1, 2, 4, 5, 5]);
    }

    /// The compiled-for-the-processor ranking, the portable one and the
    /// definition agree on random years with many ties, several years of
    /// different sizes in one layout, cells not in year order.
    #[test]
    fn dispatched_and_portable_ranking_agree_with_the_definition() {
        let mut state = 99u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 11
        };
        for trial in 0..200 {
            let ny = 1 + (next() % 4) as usize;
            let nr = 1 + (next() % 90) as usize;
            // few distinct values in some trials (ties), continuous in others
            let distinct = if trial % 2 == 0 { 5 } else { 1 << 40 };
            let years: Vec<i64> = (0..ny as i64).collect();
            let mut cells: Vec<(usize, usize)> =
                (0..nr).flat_map(|r| (0..ny).map(move |t| (r, t))).collect();
            cells.reverse();
            let layout = Layout::new((0..nr).map(|r| format!("r{r}")).collect(), years, cells)
                .expect("layout");
            let scores: Vec<f64> = (0..layout.len())
                .map(|_| {
                    let v = (next() % distinct) as f64 - (distinct / 2) as f64;
                    if v == 0.0 && next() % 2 == 0 {
                        -0.0
                    } else {
                        v * 0.37
                    }
                })
                .collect();
            let mut want = vec![0u32; layout.len()];
            for g in layout.groups() {
                let v: Vec<f64> = g.iter().map(|&i| scores[i]).collect();
                for (&i, r) in g.iter().zip(by_definition(&v)) {
                    want[i] = r;
                }
            }
            let mut got = vec![0u32; layout.len()];
            rank_within_years(&layout, &scores, &mut Vec::new(), &mut got);
            assert_eq!(got, want, "trial {trial}");
            let mut portable = vec![0u32; layout.len()];
            rank_portable(&layout, &scores, &mut Vec::new(), &mut portable);
            assert_eq!(portable, want, "trial {trial}");
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut avx2 = vec![0u32; layout.len()];
                rank_with(&layout, &scores, &mut Vec::new(), &mut avx2, |b, n, o| {
                    // SAFETY: the CPU has AVX2 (checked just above).
                    unsafe { count_ranks_avx2(b, n, o) }
                });
                assert_eq!(avx2, want, "trial {trial}");
            }
        }
    }

    #[test]
    fn order_keys_follow_the_order_of_scores() {
        let v = [
            -f64::MAX,
            -1e300,
            -2.5,
            -1e-310,
            -0.0,
            0.0,
            1e-310,
            1.0,
            2.5,
            f64::MAX,
        ];
        for w in v.windows(2) {
            if w[0] == w[1] {
                assert_eq!(order_key(w[0]), order_key(w[1]));
            } else {
                assert!(order_key(w[0]) < order_key(w[1]), "{} {}", w[0], w[1]);
            }
        }
    }
}
