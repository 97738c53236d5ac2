//! Filling missing panel cells by the rule a specification chooses, and
//! counting each indicator's coverage.
//!
//! * `linear`: within each region and indicator, linear interpolation in the
//!   year value between the nearest observed years. Before a region's first
//!   or after its last observed year there is nothing to interpolate
//!   between: such a cell is an error naming the indicator, its coverage and
//!   the ways out (a year range, dropping the indicator, or
//!   [`Extrapolate::Constant`], which copies the nearest observed value).
//! * `year-mean`: the mean of the other regions' observed values that year.
//!
//! Under `linear`, a region with no observation of an indicator in any year
//! is an error. Under `year-mean` it is imputed from the other regions like
//! any other cell (otherwise a one-year cross-section could never be imputed);
//! a year in which no region has a value is an error.
//!
//! [`coverage`] counts, per indicator, the observed cells and the cells
//! linear imputation would interpolate or extrapolate (the year-mean cells
//! under that rule); every run reports it.

use serde::Serialize;

use crate::error::{CoreError, Location};
use crate::panel::Panel;
use crate::terms::{Extrapolate, Impute};

/// One imputed cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImputedCell {
    /// Region of the filled cell.
    pub region: String,
    /// Year of the filled cell.
    pub year: i64,
    /// Indicator (column) of the filled cell.
    pub indicator: String,
    /// The value written into the cell.
    pub value: f64,
    /// How it was obtained: `"linear"` (interpolation along the region's
    /// years), `"constant"` (the nearest observed value, beyond the
    /// region's observed years, with `extrapolate = "constant"`) or
    /// `"year-mean"` (mean of the year's observed values).
    pub method: &'static str,
}

/// How much of one indicator was observed and how the rest was filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The indicator (column).
    pub indicator: String,
    /// Region-year cells of the panel (regions x years).
    pub cells: usize,
    /// Cells with an observed value.
    pub observed: usize,
    /// Missing cells between a region's first and last observation
    /// (filled by linear interpolation under `linear`).
    pub interpolated: usize,
    /// Missing cells before a region's first or after its last observation
    /// (filled only with `extrapolate = "constant"`), and the cells of
    /// regions that never observe the indicator.
    pub extrapolated: usize,
    /// Cells filled by the year mean of the other regions (`year-mean`).
    pub year_mean: usize,
    /// Cells left to the index construction's group-mean imputation
    /// (`group-mean`).
    pub group_mean: usize,
    /// Cells left missing (`none` with given weights, whose aggregation
    /// skips them).
    pub missing: usize,
    /// The first year any region observes the indicator.
    pub first_year: Option<i64>,
    /// The last year any region observes the indicator.
    pub last_year: Option<i64>,
    /// The years in which every region is inside its own observed span:
    /// the widest year range needing no extrapolation (`None` when there
    /// is none).
    pub common: Option<(i64, i64)>,
}

/// What imputation did: the filled cells and each indicator's coverage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imputation {
    /// Every filled cell, in region, year, indicator order.
    pub cells: Vec<ImputedCell>,
    /// One record per indicator, in panel order.
    pub coverage: Vec<Coverage>,
}

/// The coverage of every indicator of `panel` before imputation: observed
/// cells, and the missing ones split into interpolated (inside a region's
/// observed span) and extrapolated (outside it) under `linear`; under
/// `year-mean`, `group-mean` and `none` every missing cell is counted in
/// `year_mean`, `group_mean` or `missing` instead.
pub fn coverage(panel: &Panel, rule: Impute) -> Vec<Coverage> {
    coverage_in(panel, rule, None)
}

/// The coverage of the cells of the years from `period.0` to `period.1`
/// (all years when `None`). A region's observed span is that of all its
/// years, so an observation outside the period still bounds an
/// interpolation inside it; `first_year`, `last_year` and `common` are
/// clipped to the period.
pub fn coverage_in(panel: &Panel, rule: Impute, period: Option<(i64, i64)>) -> Vec<Coverage> {
    let (nr, ny, m) = panel.values.dim();
    let inside: Vec<bool> = panel
        .years
        .iter()
        .map(|y| period.is_none_or(|(a, b)| (a..=b).contains(y)))
        .collect();
    let (pa, pb) = period.unwrap_or((i64::MIN, i64::MAX));
    (0..m)
        .map(|k| {
            let mut c = Coverage {
                indicator: panel.indicators[k].clone(),
                cells: nr * inside.iter().filter(|i| **i).count(),
                observed: 0,
                interpolated: 0,
                extrapolated: 0,
                year_mean: 0,
                group_mean: 0,
                missing: 0,
                first_year: None,
                last_year: None,
                common: None,
            };
            let (mut lo, mut hi) = (i64::MIN, i64::MAX);
            for r in 0..nr {
                let seen: Vec<usize> = (0..ny).filter(|&y| panel.observed[[r, y, k]]).collect();
                let (Some(&a), Some(&b)) = (seen.first(), seen.last()) else {
                    c.extrapolated += c.cells / nr.max(1);
                    (lo, hi) = (i64::MAX, i64::MIN);
                    continue;
                };
                for y in (0..ny).filter(|&y| inside[y]) {
                    if panel.observed[[r, y, k]] {
                        c.observed += 1;
                        let yy = panel.years[y];
                        c.first_year = Some(c.first_year.map_or(yy, |f| f.min(yy)));
                        c.last_year = Some(c.last_year.map_or(yy, |l| l.max(yy)));
                    } else if (a..=b).contains(&y) {
                        c.interpolated += 1;
                    } else {
                        c.extrapolated += 1;
                    }
                }
                lo = lo.max(panel.years[a]).max(pa);
                hi = hi.min(panel.years[b]).min(pb);
            }
            if nr > 0 && lo <= hi {
                c.common = Some((lo, hi));
            }
            // The interpolated / extrapolated split is linear imputation's;
            // under the other rules every missing cell goes to its rule.
            let gaps = c.interpolated + c.extrapolated;
            match rule {
                Impute::Linear => {}
                Impute::YearMean => c.year_mean = gaps,
                Impute::GroupMean => c.group_mean = gaps,
                Impute::None => c.missing = gaps,
            }
            if rule != Impute::Linear {
                c.interpolated = 0;
                c.extrapolated = 0;
            }
            c
        })
        .collect()
}

/// Fills every missing cell of `panel` in place and reports what was
/// filled; linear imputation refuses to extrapolate (see [`impute_with`]).
pub fn impute(panel: &mut Panel, rule: Impute) -> Result<Vec<ImputedCell>, CoreError> {
    impute_with(panel, rule, Extrapolate::None).map(|i| i.cells)
}

/// Fills every missing cell of `panel` in place and reports what was filled
/// and each indicator's coverage. Under `linear`, a cell before a region's
/// first or after its last observation is an error naming the indicator
/// unless `extrapolate` is [`Extrapolate::Constant`].
pub fn impute_with(
    panel: &mut Panel,
    rule: Impute,
    extrapolate: Extrapolate,
) -> Result<Imputation, CoreError> {
    impute_in(panel, rule, extrapolate, None)
}

/// [`impute_with`] for the cells of the years from `period.0` to
/// `period.1` only (all years when `None`): the study period. Observations
/// outside the period still bound an interpolation inside it; cells
/// outside it are left as they are (the caller then keeps the period's
/// years); with rule `none` only the period must be complete.
pub fn impute_in(
    panel: &mut Panel,
    rule: Impute,
    extrapolate: Extrapolate,
    period: Option<(i64, i64)>,
) -> Result<Imputation, CoreError> {
    let coverage = coverage_in(panel, rule, period);
    if rule == Impute::None {
        match period {
            Some((a, b)) => panel.select_years(a, b)?.require_complete()?,
            None => panel.require_complete()?,
        }
        return Ok(Imputation {
            cells: Vec::new(),
            coverage,
        });
    }
    if rule == Impute::GroupMean {
        // done by the index construction, over a data column
        return Ok(Imputation {
            cells: Vec::new(),
            coverage,
        });
    }
    // Linear interpolation needs at least one observed year per region. The
    // year-mean rule does not: it is what makes one-year panels (a
    // cross-section) imputable at all.
    if rule == Impute::Linear {
        check_every_series_observed(panel)?;
        if extrapolate == Extrapolate::None
            && let Some(c) = coverage.iter().find(|c| c.extrapolated > 0)
        {
            return Err(extrapolation_error(panel, c, period));
        }
    }
    let inside: Vec<bool> = panel
        .years
        .iter()
        .map(|y| period.is_none_or(|(a, b)| (a..=b).contains(y)))
        .collect();
    let year_mean = (rule == Impute::YearMean).then(|| YearSums::of(panel));
    let years: Vec<f64> = panel.years.iter().map(|&y| y as f64).collect();
    let (nr, _, m) = panel.values.dim();
    // Cells in panel order: region (file order), year, indicator.
    let mut cells: Vec<(usize, usize, usize, f64, &'static str)> = Vec::new();
    for r in 0..nr {
        for (y, _) in inside.iter().enumerate().filter(|(_, i)| **i) {
            for k in 0..m {
                if panel.observed[[r, y, k]] {
                    continue;
                }
                let (value, method) = match &year_mean {
                    None => linear_value(panel, &years, (r, y, k)),
                    Some(sums) => (sums.value(panel, (r, y, k))?, "year-mean"),
                };
                cells.push((r, y, k, value, method));
            }
        }
    }
    // Write after computing, so year-mean only ever uses observed values.
    // The cells then hold values: later steps (derived indicators, the
    // completeness check) must see them as present.
    let mut filled = Vec::with_capacity(cells.len());
    for (r, y, k, value, method) in cells {
        panel.values[[r, y, k]] = value;
        panel.observed[[r, y, k]] = true;
        filled.push(ImputedCell {
            region: panel.regions[r].clone(),
            year: panel.years[y],
            indicator: panel.indicators[k].clone(),
            value,
            method,
        });
    }
    Ok(Imputation {
        cells: filled,
        coverage,
    })
}

/// The error of an indicator that linear imputation would have to
/// extrapolate: its coverage, the first region concerned, and the three
/// ways out.
fn extrapolation_error(panel: &Panel, c: &Coverage, period: Option<(i64, i64)>) -> CoreError {
    let k = panel
        .indicators
        .iter()
        .position(|i| *i == c.indicator)
        .unwrap_or(0);
    let ny = panel.years.len();
    let (pa, pb) = period.unwrap_or((i64::MIN, i64::MAX));
    let (pa, pb) = (
        panel.years.iter().position(|y| *y >= pa).unwrap_or(ny),
        panel.years.iter().rposition(|y| *y <= pb).unwrap_or(0),
    );
    // The first region (file order) with a cell of the period outside its
    // observed span.
    let example = (0..panel.regions.len()).find_map(|r| {
        let a = (0..ny).find(|&y| panel.observed[[r, y, k]])?;
        let b = (0..ny).rev().find(|&y| panel.observed[[r, y, k]])?;
        (a > pa || b < pb).then(|| {
            format!(
                "e.g. region '{}' is observed from {} to {}",
                crate::clip(&panel.regions[r]),
                panel.years[a],
                panel.years[b]
            )
        })
    });
    let span = match (c.first_year, c.last_year) {
        (Some(a), Some(b)) => format!("observed only from {a} to {b}"),
        _ => "never observed".to_string(),
    };
    let range = match c.common {
        Some((a, b)) => format!(
            "a year range inside its coverage ([data] years = [{a}, {b}] in the spec, or --years {a}-{b}), "
        ),
        None => "a year range inside its coverage ([data] years = [FIRST, LAST], or --years FIRST-LAST), ".to_string(),
    };
    CoreError::at(
        Location::file(&panel.source).column(c.indicator.as_str()),
        format!(
            "linear imputation would extrapolate {} of {} cells: the indicator is {span} ({} cells observed{}), and linear imputation only fills between a region's observed years; choose {range}drop the indicator from the spec, or set extrapolate = \"constant\" in [method] to copy each region's nearest observed value",
            c.extrapolated,
            c.cells,
            c.observed,
            example.map(|e| format!("; {e}")).unwrap_or_default(),
        ),
    )
}

/// Every region has at least one observed year of every indicator.
fn check_every_series_observed(panel: &Panel) -> Result<(), CoreError> {
    let (nr, ny, m) = panel.values.dim();
    for r in 0..nr {
        for k in 0..m {
            if (0..ny).all(|y| !panel.observed[[r, y, k]]) {
                return Err(CoreError::at(
                    Location::file(&panel.source).column(panel.indicators[k].as_str()),
                    format!(
                        "region '{}' has no observation of this indicator in any year: it cannot be imputed",
                        crate::clip(&panel.regions[r])
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The linear value of cell `(r, y, k)` between the nearest observed years
/// of its series, or the nearest observed value beyond either end (only
/// reached with `extrapolate = "constant"`), with the method's name.
fn linear_value(
    panel: &Panel,
    years: &[f64],
    (r, y, k): (usize, usize, usize),
) -> (f64, &'static str) {
    let ny = years.len();
    let prev = (0..y).rev().find(|&t| panel.observed[[r, t, k]]);
    let next = (y + 1..ny).find(|&t| panel.observed[[r, t, k]]);
    match (prev, next) {
        (Some(a), Some(b)) => {
            let (va, vb) = (panel.values[[r, a, k]], panel.values[[r, b, k]]);
            (
                va + (vb - va) * (years[y] - years[a]) / (years[b] - years[a]),
                "linear",
            )
        }
        (Some(a), None) => (panel.values[[r, a, k]], "constant"),
        (None, Some(b)) => (panel.values[[r, b, k]], "constant"),
        (None, None) => unreachable!("checked by check_every_series_observed"),
    }
}

/// Year means over the observed regions, summed in region order (the region
/// being imputed is unobserved, so "the other regions" are all the observed
/// ones): one pass instead of one scan per missing cell.
struct YearSums {
    sum: ndarray::Array2<f64>,
    count: ndarray::Array2<usize>,
}

impl YearSums {
    fn of(panel: &Panel) -> Self {
        let (nr, ny, m) = panel.values.dim();
        let mut sum = ndarray::Array2::<f64>::zeros((ny, m));
        let mut count = ndarray::Array2::<usize>::zeros((ny, m));
        for r in 0..nr {
            for y in 0..ny {
                for k in 0..m {
                    if panel.observed[[r, y, k]] {
                        sum[[y, k]] += panel.values[[r, y, k]];
                        count[[y, k]] += 1;
                    }
                }
            }
        }
        YearSums { sum, count }
    }

    /// The year-mean value of cell `(r, y, k)`; an error when no region has
    /// a value that year.
    fn value(&self, panel: &Panel, (r, y, k): (usize, usize, usize)) -> Result<f64, CoreError> {
        if self.count[[y, k]] == 0 {
            return Err(CoreError::at(
                Location::file(&panel.source).column(panel.indicators[k].as_str()),
                format!(
                    "year {}: no other region has a value, so year-mean cannot impute region '{}'",
                    panel.years[y],
                    crate::clip(&panel.regions[r])
                ),
            ));
        }
        Ok(self.sum[[y, k]] / self.count[[y, k]] as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel::PanelColumns;
    use crate::table::Table;
    use std::path::Path;

    fn panel(text: &str) -> Panel {
        let t = Table::parse_delimited(text, b',', Path::new("p.csv")).unwrap();
        Panel::from_table(&t, &PanelColumns::default(), None).unwrap()
    }

    #[test]
    fn linear_interpolates_in_year_value_and_refuses_to_extrapolate() {
        // a: 2010=1, 2011=?, 2013=4, 2014=? -> 2011 = 1 + 3*(1/3) = 2; 2014
        // lies after a's last observation.
        let text = "region,year,x\na,2010,1\na,2011,\na,2013,4\na,2014,NA\n";
        let mut p = panel(text);
        let e = impute(&mut p, Impute::Linear).unwrap_err().to_string();
        assert_eq!(
            e,
            "p.csv, column 'x': linear imputation would extrapolate 1 of 4 cells: the indicator is observed only from 2010 to 2013 (2 cells observed; e.g. region 'a' is observed from 2010 to 2013), and linear imputation only fills between a region's observed years; choose a year range inside its coverage ([data] years = [2010, 2013] in the spec, or --years 2010-2013), drop the indicator from the spec, or set extrapolate = \"constant\" in [method] to copy each region's nearest observed value"
        );
        // nothing was written
        assert!(!p.observed[[0, 1, 0]]);
        let mut p = panel(text);
        let f = impute_with(&mut p, Impute::Linear, Extrapolate::Constant).unwrap();
        assert_eq!(f.cells.len(), 2);
        assert_eq!(p.values[[0, 1, 0]], 2.0);
        assert_eq!(p.values[[0, 3, 0]], 4.0);
        assert_eq!(
            (f.cells[0].method, f.cells[1].method),
            ("linear", "constant")
        );
        let c = &f.coverage[0];
        assert_eq!(
            (
                c.cells,
                c.observed,
                c.interpolated,
                c.extrapolated,
                c.year_mean
            ),
            (4, 2, 1, 1, 0)
        );
        assert_eq!(
            (c.first_year, c.last_year, c.common),
            (Some(2010), Some(2013), Some((2010, 2013)))
        );
    }

    #[test]
    fn coverage_counts_each_region_span() {
        // a observed 2010, 2012; b observed 2011 only; years 2010-2013.
        // a: interpolated 2011, extrapolated 2013; b: extrapolated 2010, 2012, 2013.
        let p = panel(
            "region,year,x,y\na,2010,1,1\na,2011,,2\na,2012,3,3\na,2013,,4\n\
             b,2010,,1\nb,2011,5,2\nb,2012,,3\nb,2013,,4\n",
        );
        let c = coverage(&p, Impute::Linear);
        assert_eq!(
            (c[0].observed, c[0].interpolated, c[0].extrapolated),
            (3, 1, 4)
        );
        assert_eq!((c[0].first_year, c[0].last_year), (Some(2010), Some(2012)));
        // every region is inside its span only in 2011
        assert_eq!(c[0].common, Some((2011, 2011)));
        assert_eq!(
            (c[1].observed, c[1].interpolated, c[1].extrapolated),
            (8, 0, 0)
        );
        let c = coverage(&p, Impute::YearMean);
        assert_eq!(
            (
                c[0].observed,
                c[0].interpolated,
                c[0].extrapolated,
                c[0].year_mean
            ),
            (3, 0, 0, 5)
        );
    }

    #[test]
    fn year_mean_uses_other_regions() {
        let mut p = panel("region,year,x\na,2010,1\nb,2010,3\nc,2010,\n");
        let f = impute(&mut p, Impute::YearMean).unwrap();
        assert_eq!(f[0].region, "c");
        assert_eq!(p.values[[2, 0, 0]], 2.0);
    }

    #[test]
    fn imputed_cells_count_as_present_afterwards() {
        // Without this the pipeline's completeness check after imputation
        // rejected every imputed panel as still missing its cells.
        let mut p = panel("region,year,x\na,2010,1\na,2011,\nb,2010,3\nb,2011,5\n");
        let f = impute_with(&mut p, Impute::Linear, Extrapolate::Constant)
            .unwrap()
            .cells;
        assert_eq!(f.len(), 1);
        assert!(p.observed[[0, 1, 0]]);
        assert!(p.missing().is_empty());
        p.require_complete().unwrap();
        let mut p = panel("region,year,x\na,2010,1\nb,2010,3\nc,2010,\n");
        impute(&mut p, Impute::YearMean).unwrap();
        assert!(p.missing().is_empty());
        p.require_complete().unwrap();
    }

    #[test]
    fn region_without_observation_is_an_error() {
        let mut p = panel("region,year,x\na,2010,1\nb,2010,NA\n");
        let e = impute(&mut p, Impute::Linear).unwrap_err().to_string();
        assert!(e.contains("'b'") && e.contains("no observation"), "{e}");
    }

    #[test]
    fn none_rule_lists_missing() {
        let mut p = panel("region,year,x\na,2010,1\nb,2010,NA\n");
        let e = impute(&mut p, Impute::None).unwrap_err().to_string();
        assert!(e.contains("b 2010 'x'"), "{e}");
    }
}
