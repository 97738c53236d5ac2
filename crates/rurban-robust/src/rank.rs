//! Region-years and their ranks within each year.

use crate::error::RobustError;

/// The region-years a model scores, in the order of its score buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    regions: Vec<String>,
    years: Vec<i64>,
    cells: Vec<(usize, usize)>,
    groups: Vec<Vec<usize>>,
    /// Every region in every year, region-major (cell `i` is region
    /// `i / years`, year `i % years`): a year's cells are strided.
    full: bool,
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
        let ny = years.len();
        let full = cells.len() == regions.len() * ny
            && cells
                .iter()
                .enumerate()
                .all(|(i, &(r, t))| r == i / ny && t == i % ny);
        Ok(Layout {
            regions,
            years,
            cells,
            groups,
            full,
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

    /// `(regions, years)` when the layout is every region in every year,
    /// region-major, with at most [`SMALL_GROUP`] regions: the years are
    /// then ranked side by side ([`full_counts`]).
    fn small_full(&self) -> Option<(usize, usize)> {
        (self.full && self.regions.len() <= SMALL_GROUP)
            .then_some((self.regions.len(), self.years.len()))
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
/// same comparisons, so the same ranks; every year side by side when the
/// layout is every region in every year); larger years by sorting
/// (score, position) keys.
pub fn rank_within_years(
    layout: &Layout,
    scores: &[f64],
    order: &mut Vec<usize>,
    ranks: &mut [u32],
) {
    if let Some((nr, ny)) = layout.small_full() {
        full_counts(scores, nr, ny, None, Some(ranks));
        return;
    }
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

/// Ranks `scores` within each year of `layout` as [`rank_within_years`]
/// and returns their [`mean_abs_shift`] from `nominal` (the same value).
/// `ranks` (as long as `scores`) receives the ranks when `keep` is true;
/// otherwise it is scratch space left in any state. `order` is scratch
/// space as in [`rank_within_years`]. The scores must be finite.
///
/// When the layout is every region in every year with at most 64
/// regions, the ranks are counted and their shifts summed in registers,
/// all years side by side, and not written at all unless kept.
pub fn rank_shift(
    layout: &Layout,
    scores: &[f64],
    nominal: &[u32],
    order: &mut Vec<usize>,
    ranks: &mut [u32],
    keep: bool,
) -> f64 {
    if let Some((nr, ny)) = layout.small_full() {
        let sum = full_counts(scores, nr, ny, Some(nominal), keep.then_some(ranks));
        // as mean_abs_shift: an exact integer sum over the region-years
        return sum as f64 / scores.len() as f64;
    }
    rank_within_years(layout, scores, order, ranks);
    mean_abs_shift(ranks, nominal)
}

/// Regions ranked together by the side-by-side counting (one register of
/// counts per region and lane of years).
const FULL_BLOCK: usize = 4;

/// Competition ranks within each year of a full region-major layout of
/// `nr` regions and `ny` years (cell `r * ny + t`): for each lane of
/// consecutive years, each region counts the regions with a larger score
/// in the same year (the comparisons of [`count_ranks`]: -0.0 and 0.0
/// tie). The ranks go to `ranks` if given; the sum over cells of
/// `|rank - nominal|` is returned (0 without `nominal`). AVX-512 or AVX2
/// when the processor has them (the same comparisons, the same ranks).
///
/// # Panics
/// When a slice is not `nr * ny` long.
fn full_counts(
    scores: &[f64],
    nr: usize,
    ny: usize,
    nominal: Option<&[u32]>,
    ranks: Option<&mut [u32]>,
) -> u64 {
    let len = nr * ny;
    assert!(
        scores.len() == len
            && nominal.is_none_or(|n| n.len() == len)
            && ranks.as_ref().is_none_or(|r| r.len() == len),
        "a score, nominal or rank buffer does not fit {nr} regions x {ny} years"
    );
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            // SAFETY: the CPU has AVX-512F and VL (checked just above);
            // every slice is nr * ny long (asserted above).
            return unsafe { full_counts_avx512(scores, nr, ny, nominal, ranks) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above); every slice
            // is nr * ny long (asserted above).
            return unsafe { full_counts_avx2(scores, nr, ny, nominal, ranks) };
        }
    }
    full_counts_portable(scores, nr, ny, nominal, ranks)
}

/// [`full_counts`] in portable code, eight years side by side: each lane
/// of years is first copied into a buffer of whole arrays (lanes past the
/// last year keep stale values, whose counts are dropped: lanes do not
/// mix); the counts are added as 0.0 / 1.0, so that the loops vectorise
/// with no conversion (as [`count_ranks`]).
fn full_counts_portable(
    scores: &[f64],
    nr: usize,
    ny: usize,
    nominal: Option<&[u32]>,
    mut ranks: Option<&mut [u32]>,
) -> u64 {
    const LANES: usize = 8;
    let mut sum = 0u64;
    let mut rows = [[0.0f64; LANES]; SMALL_GROUP];
    let rows = &mut rows[..nr];
    for t0 in (0..ny).step_by(LANES) {
        let l = (ny - t0).min(LANES);
        for (r, row) in rows.iter_mut().enumerate() {
            row[..l].copy_from_slice(&scores[r * ny + t0..r * ny + t0 + l]);
        }
        for (r, v) in rows.iter().enumerate() {
            let mut c = [1.0f64; LANES];
            for x in rows.iter() {
                for i in 0..LANES {
                    c[i] += if v[i] < x[i] { 1.0 } else { 0.0 };
                }
            }
            for (i, &count) in c[..l].iter().enumerate() {
                let at = r * ny + t0 + i;
                // at most 65: exact in f64
                let rank = count as u32;
                if let Some(nom) = nominal {
                    sum += u64::from(rank.abs_diff(nom[at]));
                }
                if let Some(out) = ranks.as_deref_mut() {
                    out[at] = rank;
                }
            }
        }
    }
    sum
}

/// [`full_counts`] with AVX-512: eight years side by side in a register,
/// [`FULL_BLOCK`] regions at a time, each counting (masked add) the
/// regions larger than it; the last lanes of a row masked off.
///
/// # Safety
/// The CPU must have AVX-512F and AVX-512VL; `scores`, and `nominal` and
/// `ranks` when given, must be `nr * ny` long.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl")]
unsafe fn full_counts_avx512(
    scores: &[f64],
    nr: usize,
    ny: usize,
    nominal: Option<&[u32]>,
    mut ranks: Option<&mut [u32]>,
) -> u64 {
    use std::arch::x86_64::*;
    let one = _mm512_set1_epi64(1);
    let mut acc = _mm512_setzero_si512();
    let sp = scores.as_ptr();
    for t0 in (0..ny).step_by(8) {
        if ny - t0 <= 4 {
            // the last 1 to 4 years: half registers (half the work where
            // the processor splits a full one in two)
            // SAFETY: as this function's (t0 < ny).
            let tail = unsafe { full_counts_avx512_tail(scores, nr, ny, t0, nominal, ranks) };
            return _mm512_reduce_add_epi64(acc) as u64 + tail;
        }
        let mask: __mmask8 = 0xff >> (8 - (ny - t0).min(8));
        // SAFETY: r < nr and t0 < ny, so r * ny + t0 is a cell, and the
        // mask keeps only the lanes t0 .. min(t0 + 8, ny) of row r: every
        // lane read is inside `scores` (masked-off lanes are not read).
        let load = |r: usize| unsafe { _mm512_maskz_loadu_pd(mask, sp.add(r * ny + t0)) };
        for rb in (0..nr).step_by(FULL_BLOCK) {
            let real = (nr - rb).min(FULL_BLOCK);
            // blocks past the last region repeat it (their counts are dropped)
            let v: [__m512d; FULL_BLOCK] = std::array::from_fn(|k| load(rb + k.min(real - 1)));
            let mut c = [one; FULL_BLOCK];
            for r2 in 0..nr {
                let x = load(r2);
                for k in 0..FULL_BLOCK {
                    // lanes whose value is < x, i.e. x is larger
                    let m = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(v[k], x);
                    c[k] = _mm512_mask_add_epi64(c[k], m, c[k], one);
                }
            }
            for (k, &ck) in c.iter().enumerate().take(real) {
                let at = (rb + k) * ny + t0;
                if let Some(nom) = nominal {
                    // SAFETY: the lanes of `load`, in `nominal` (nr * ny long).
                    let nv = unsafe { _mm256_maskz_loadu_epi32(mask, nom.as_ptr().add(at).cast()) };
                    let d = _mm512_abs_epi64(_mm512_sub_epi64(ck, _mm512_cvtepu32_epi64(nv)));
                    acc = _mm512_mask_add_epi64(acc, mask, acc, d);
                }
                if let Some(out) = ranks.as_deref_mut() {
                    // SAFETY: the lanes of `load`, in `out` (nr * ny long);
                    // a count is at most 65, so it fits 32 bits.
                    unsafe {
                        _mm512_mask_cvtepi64_storeu_epi32(
                            out.as_mut_ptr().add(at).cast(),
                            mask,
                            ck,
                        );
                    }
                }
            }
        }
    }
    _mm512_reduce_add_epi64(acc) as u64
}

/// The years `t0 ..` (at most four) of [`full_counts_avx512`], in
/// 256-bit registers; returns their sum of shifts.
///
/// # Safety
/// As [`full_counts_avx512`], and `t0 < ny`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl")]
unsafe fn full_counts_avx512_tail(
    scores: &[f64],
    nr: usize,
    ny: usize,
    t0: usize,
    nominal: Option<&[u32]>,
    mut ranks: Option<&mut [u32]>,
) -> u64 {
    use std::arch::x86_64::*;
    let one = _mm256_set1_epi64x(1);
    let mut acc = _mm256_setzero_si256();
    let sp = scores.as_ptr();
    let mask: __mmask8 = 0xf >> (4 - (ny - t0).min(4));
    // SAFETY: r < nr and t0 < ny, so r * ny + t0 is a cell, and the mask
    // keeps only the lanes t0 .. min(t0 + 4, ny) of row r: every lane
    // read is inside `scores` (masked-off lanes are not read).
    let load = |r: usize| unsafe { _mm256_maskz_loadu_pd(mask, sp.add(r * ny + t0)) };
    for rb in (0..nr).step_by(FULL_BLOCK) {
        let real = (nr - rb).min(FULL_BLOCK);
        // blocks past the last region repeat it (their counts are dropped)
        let v: [__m256d; FULL_BLOCK] = std::array::from_fn(|k| load(rb + k.min(real - 1)));
        let mut c = [one; FULL_BLOCK];
        for r2 in 0..nr {
            let x = load(r2);
            for k in 0..FULL_BLOCK {
                let m = _mm256_cmp_pd_mask::<_CMP_LT_OQ>(v[k], x);
                c[k] = _mm256_mask_add_epi64(c[k], m, c[k], one);
            }
        }
        for (k, &ck) in c.iter().enumerate().take(real) {
            let at = (rb + k) * ny + t0;
            if let Some(nom) = nominal {
                // SAFETY: the lanes of `load`, in `nominal` (nr * ny long).
                let nv = unsafe { _mm_maskz_loadu_epi32(mask, nom.as_ptr().add(at).cast()) };
                let d = _mm256_abs_epi64(_mm256_sub_epi64(ck, _mm256_cvtepu32_epi64(nv)));
                acc = _mm256_mask_add_epi64(acc, mask, acc, d);
            }
            if let Some(out) = ranks.as_deref_mut() {
                // SAFETY: the lanes of `load`, in `out` (nr * ny long); a
                // count is at most 65, so it fits 32 bits.
                unsafe {
                    _mm256_mask_cvtepi64_storeu_epi32(out.as_mut_ptr().add(at).cast(), mask, ck);
                }
            }
        }
    }
    let mut lanes = [0u64; 4];
    // SAFETY: `lanes` holds 4 u64.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc) };
    lanes.iter().sum()
}

/// [`full_counts`] with AVX2: four years side by side in a register,
/// [`FULL_BLOCK`] regions at a time, each subtracting the all-ones mask
/// of the regions larger than it; the last lanes of a row masked off.
///
/// # Safety
/// The CPU must have AVX2; `scores`, and `nominal` and `ranks` when
/// given, must be `nr * ny` long.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn full_counts_avx2(
    scores: &[f64],
    nr: usize,
    ny: usize,
    nominal: Option<&[u32]>,
    mut ranks: Option<&mut [u32]>,
) -> u64 {
    use std::arch::x86_64::*;
    let one = _mm256_set1_epi64x(1);
    let zero = _mm256_setzero_si256();
    let mut acc = zero;
    let sp = scores.as_ptr();
    // the even 32-bit halves, i.e. the low halves of the four counts
    let low = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    for t0 in (0..ny).step_by(4) {
        let lanes = (ny - t0).min(4) as i64;
        let mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(lanes), _mm256_setr_epi64x(0, 1, 2, 3));
        let mask32 = _mm_cmpgt_epi32(_mm_set1_epi32(lanes as i32), _mm_setr_epi32(0, 1, 2, 3));
        // SAFETY: r < nr and t0 < ny, so r * ny + t0 is a cell, and the
        // mask keeps only the lanes t0 .. min(t0 + 4, ny) of row r: every
        // lane read is inside `scores` (masked-off lanes are not read).
        let load = |r: usize| unsafe { _mm256_maskload_pd(sp.add(r * ny + t0), mask) };
        for rb in (0..nr).step_by(FULL_BLOCK) {
            let real = (nr - rb).min(FULL_BLOCK);
            // blocks past the last region repeat it (their counts are dropped)
            let v: [__m256d; FULL_BLOCK] = std::array::from_fn(|k| load(rb + k.min(real - 1)));
            let mut c = [one; FULL_BLOCK];
            for r2 in 0..nr {
                let x = load(r2);
                for k in 0..FULL_BLOCK {
                    let m = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LT_OQ>(v[k], x));
                    c[k] = _mm256_sub_epi64(c[k], m);
                }
            }
            for (k, &ck) in c.iter().enumerate().take(real) {
                let at = (rb + k) * ny + t0;
                if let Some(nom) = nominal {
                    // SAFETY: the lanes of `load`, in `nominal` (nr * ny long).
                    let nv = unsafe { _mm_maskload_epi32(nom.as_ptr().add(at).cast(), mask32) };
                    let d = _mm256_sub_epi64(ck, _mm256_cvtepu32_epi64(nv));
                    let sign = _mm256_cmpgt_epi64(zero, d);
                    let abs = _mm256_sub_epi64(_mm256_xor_si256(d, sign), sign);
                    acc = _mm256_add_epi64(acc, _mm256_and_si256(abs, mask));
                }
                if let Some(out) = ranks.as_deref_mut() {
                    let packed = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(ck, low));
                    // SAFETY: the lanes of `load`, in `out` (nr * ny long);
                    // a count is at most 65, so its low half is the count.
                    unsafe { _mm_maskstore_epi32(out.as_mut_ptr().add(at).cast(), mask32, packed) };
                }
            }
        }
    }
    let mut lanes = [0u64; 4];
    // SAFETY: `lanes` holds 4 u64.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc) };
    lanes.iter().sum()
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

    /// A generator of scores: from five values (many ties, -0.0 and 0.0
    /// among them) or continuous.
    fn score_source(seed: u64) -> impl FnMut(bool) -> f64 {
        let mut state = seed;
        move |ties| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = state >> 11;
            if ties {
                [0.5, -0.0, 0.0, 1.25, -3.0][(x % 5) as usize]
            } else {
                (x % (1 << 40)) as f64 * 0.37 - 1e11
            }
        }
    }

    /// The side-by-side counting of every region in every year (through
    /// the dispatch, portable, and with AVX2 and AVX-512 when the
    /// processor has them) gives the ranks of the definition year by
    /// year and their exact sum of shifts, for region and year counts
    /// around the register widths and the block of regions.
    #[test]
    fn full_layout_counting_agrees_with_the_definition() {
        let mut next = score_source(2024);
        let region_counts = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64];
        let year_counts = [1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 20, 23];
        for (trial, (&nr, &ny)) in region_counts
            .iter()
            .flat_map(|nr| year_counts.iter().map(move |ny| (nr, ny)))
            .enumerate()
        {
            let ties = trial % 2 == 0;
            let len = nr * ny;
            let scores: Vec<f64> = (0..len).map(|_| next(ties)).collect();
            let nominal: Vec<u32> = (0..len)
                .map(|i| 1 + (next(false).to_bits() as usize + i) as u32 % nr as u32)
                .collect();
            let mut want = vec![0u32; len];
            for t in 0..ny {
                let year: Vec<f64> = (0..nr).map(|r| scores[r * ny + t]).collect();
                for (r, rank) in by_definition(&year).into_iter().enumerate() {
                    want[r * ny + t] = rank;
                }
            }
            let want_sum: u64 = want
                .iter()
                .zip(&nominal)
                .map(|(&a, &b)| u64::from(a.abs_diff(b)))
                .sum();
            let case = format!("{nr} regions x {ny} years");
            type Kernel = fn(&[f64], usize, usize, Option<&[u32]>, Option<&mut [u32]>) -> u64;
            let mut kernels: Vec<(&str, Kernel)> = vec![
                ("dispatched", full_counts),
                ("portable", full_counts_portable),
            ];
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx2") {
                    kernels.push(("avx2", |s, nr, ny, nom, out| {
                        // SAFETY: the CPU has AVX2 (checked above); the
                        // slices are nr * ny long.
                        unsafe { full_counts_avx2(s, nr, ny, nom, out) }
                    }));
                }
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                {
                    kernels.push(("avx512", |s, nr, ny, nom, out| {
                        // SAFETY: the CPU has AVX-512F and VL (checked
                        // above); the slices are nr * ny long.
                        unsafe { full_counts_avx512(s, nr, ny, nom, out) }
                    }));
                }
            }
            for (name, kernel) in kernels {
                let mut got = vec![0u32; len];
                let sum = kernel(&scores, nr, ny, Some(&nominal), Some(&mut got));
                assert_eq!(got, want, "{name}: {case}");
                assert_eq!(sum, want_sum, "{name}: {case}");
                assert_eq!(
                    kernel(&scores, nr, ny, Some(&nominal), None),
                    want_sum,
                    "{name}: {case}"
                );
                let mut got = vec![0u32; len];
                assert_eq!(kernel(&scores, nr, ny, None, Some(&mut got)), 0);
                assert_eq!(got, want, "{name}: {case}");
            }
            // and through the public functions
            let layout = Layout::full(
                (0..nr).map(|r| format!("r{r}")).collect(),
                (0..ny as i64).collect(),
            )
            .expect("layout");
            assert!(layout.small_full().is_some());
            let mut got = vec![0u32; len];
            rank_within_years(&layout, &scores, &mut Vec::new(), &mut got);
            assert_eq!(got, want, "{case}");
            let mean = mean_abs_shift(&want, &nominal);
            for keep in [true, false] {
                let mut got = vec![0u32; len];
                let y = rank_shift(&layout, &scores, &nominal, &mut Vec::new(), &mut got, keep);
                assert_eq!(y.to_bits(), mean.to_bits(), "{case}");
                if keep {
                    assert_eq!(got, want, "{case}");
                }
            }
        }
    }

    /// Where the layout is not every region in every year region-major
    /// (cells in another order, years of different sizes, a year beyond
    /// the counting), the ranks and shift of `rank_shift` are those of
    /// `rank_within_years` and `mean_abs_shift`, and the definition's.
    #[test]
    fn rank_shift_of_other_layouts_agrees_with_the_definition() {
        let mut next = score_source(7);
        for (trial, (nr, ny)) in [(5, 3), (31, 20), (70, 2), (64, 4), (65, 1), (9, 1)]
            .into_iter()
            .enumerate()
        {
            let mut cells: Vec<(usize, usize)> =
                (0..nr).flat_map(|r| (0..ny).map(move |t| (r, t))).collect();
            match trial % 3 {
                0 => cells.reverse(),
                // a region missing from some years: years of different sizes
                1 => cells.retain(|&(r, t)| r % (t + 2) != 0),
                _ => {}
            }
            let layout = Layout::new(
                (0..nr).map(|r| format!("r{r}")).collect(),
                (0..ny as i64).collect(),
                cells,
            )
            .expect("layout");
            let len = layout.len();
            let scores: Vec<f64> = (0..len).map(|_| next(trial % 2 == 0)).collect();
            let nominal: Vec<u32> = (0..len).map(|i| 1 + (i % 7) as u32).collect();
            let mut want = vec![0u32; len];
            for g in layout.groups() {
                let v: Vec<f64> = g.iter().map(|&i| scores[i]).collect();
                for (&i, r) in g.iter().zip(by_definition(&v)) {
                    want[i] = r;
                }
            }
            let mean = mean_abs_shift(&want, &nominal);
            let mut got = vec![0u32; len];
            let y = rank_shift(&layout, &scores, &nominal, &mut Vec::new(), &mut got, true);
            assert_eq!(got, want, "{nr} x {ny}, trial {trial}");
            assert_eq!(y.to_bits(), mean.to_bits(), "{nr} x {ny}, trial {trial}");
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
