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
const SMALL_GROUP: usize = 48;
/// The unrolled width of the counting (divides [`SMALL_GROUP`]).
const COUNT_WIDTH: usize = 8;

/// Ranks `scores` within each year of `layout` into `ranks`: 1 = highest,
/// ties (equal scores) share the smallest rank. `order` is scratch space
/// (any length; reused). The scores must be finite.
pub fn rank_within_years(
    layout: &Layout,
    scores: &[f64],
    order: &mut Vec<usize>,
    ranks: &mut [u32],
) {
    for g in layout.groups() {
        if g.len() <= SMALL_GROUP {
            // 1 + the number of larger scores: no sort, and the same
            // competition ranks (equal scores, -0.0 and 0.0 too, tie).
            // The buffer is padded with -inf (never larger than a finite
            // score) to a multiple of the unrolled width, and the counts
            // are added as 0.0 / 1.0 (a compare and a mask), so the loop
            // vectorises with no conversion.
            let mut buf = [f64::NEG_INFINITY; SMALL_GROUP];
            for (b, &i) in buf.iter_mut().zip(g) {
                *b = scores[i];
            }
            count_ranks(&buf, g, ranks);
            continue;
        }
        order.clear();
        order.extend_from_slice(g);
        order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let mut prev = f64::NAN;
        let mut rank = 0u32;
        for (p, &i) in order.iter().enumerate() {
            // -0.0 and 0.0 sort side by side and compare equal: they tie.
            if scores[i] != prev {
                rank = p as u32 + 1;
                prev = scores[i];
            }
            ranks[i] = rank;
        }
    }
}

/// Competition ranks of the `g.len()` first values of `buf` (padded with
/// -inf) into `ranks[g[..]]`, by counting larger values.
fn count_ranks(buf: &[f64; SMALL_GROUP], g: &[usize], ranks: &mut [u32]) {
    let width = g.len().div_ceil(COUNT_WIDTH) * COUNT_WIDTH;
    let vals = &buf[..width];
    for (&i, &s) in g.iter().zip(vals) {
        let mut above = [0.0f64; COUNT_WIDTH];
        for c in vals.chunks_exact(COUNT_WIDTH) {
            for k in 0..COUNT_WIDTH {
                above[k] += if c[k] > s { 1.0 } else { 0.0 };
            }
        }
        // at most 48 ones: exact in f64
        ranks[i] = above.iter().sum::<f64>() as u32 + 1;
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
        for n in [1, 2, 7, 8, 9, 31, 47, 48, 49, 64, 100] {
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
}
