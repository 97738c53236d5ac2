//! Filling missing panel cells by the rule a specification chooses.
//!
//! * `linear`: within each region and indicator, linear interpolation in the
//!   year value between the nearest observed years; before the first or after
//!   the last observed year, the nearest observed value.
//! * `year-mean`: the mean of the other regions' observed values that year.
//!
//! Under `linear`, a region with no observation of an indicator in any year
//! is an error. Under `year-mean` it is imputed from the other regions like
//! any other cell (otherwise a one-year cross-section could never be imputed);
//! a year in which no region has a value is an error.

use serde::Serialize;

use crate::error::{CoreError, Location};
use crate::panel::Panel;
use crate::terms::Impute;

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
    /// years) or `"year-mean"` (mean of the year's observed values).
    pub method: &'static str,
}

/// Fills every missing cell of `panel` in place and reports what was filled.
pub fn impute(panel: &mut Panel, rule: Impute) -> Result<Vec<ImputedCell>, CoreError> {
    if rule == Impute::None {
        panel.require_complete()?;
        return Ok(Vec::new());
    }
    if rule == Impute::GroupMean {
        // done by the index construction, over a data column
        return Ok(Vec::new());
    }
    // Linear interpolation needs at least one observed year per region. The
    // year-mean rule does not: it is what makes one-year panels (a
    // cross-section) imputable at all.
    if rule == Impute::Linear {
        check_every_series_observed(panel)?;
    }
    let year_mean = (rule == Impute::YearMean).then(|| YearSums::of(panel));
    let method = match rule {
        Impute::Linear => "linear",
        _ => "year-mean",
    };
    let years: Vec<f64> = panel.years.iter().map(|&y| y as f64).collect();
    let (nr, ny, m) = panel.values.dim();
    // Cells in panel order: region (file order), year, indicator.
    let mut cells: Vec<(usize, usize, usize, f64)> = Vec::new();
    for r in 0..nr {
        for y in 0..ny {
            for k in 0..m {
                if panel.observed[[r, y, k]] {
                    continue;
                }
                let value = match &year_mean {
                    None => linear_value(panel, &years, (r, y, k)),
                    Some(sums) => sums.value(panel, (r, y, k))?,
                };
                cells.push((r, y, k, value));
            }
        }
    }
    // Write after computing, so year-mean only ever uses observed values.
    // The cells then hold values: later steps (derived indicators, the
    // completeness check) must see them as present.
    let mut filled = Vec::with_capacity(cells.len());
    for (r, y, k, value) in cells {
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
    Ok(filled)
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
/// of its series, or the nearest observed value beyond either end.
fn linear_value(panel: &Panel, years: &[f64], (r, y, k): (usize, usize, usize)) -> f64 {
    let ny = years.len();
    let prev = (0..y).rev().find(|&t| panel.observed[[r, t, k]]);
    let next = (y + 1..ny).find(|&t| panel.observed[[r, t, k]]);
    match (prev, next) {
        (Some(a), Some(b)) => {
            let (va, vb) = (panel.values[[r, a, k]], panel.values[[r, b, k]]);
            va + (vb - va) * (years[y] - years[a]) / (years[b] - years[a])
        }
        (Some(a), None) => panel.values[[r, a, k]],
        (None, Some(b)) => panel.values[[r, b, k]],
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
    fn linear_interpolates_in_year_value_and_extends_ends() {
        // a: 2010=1, 2011=?, 2013=4, 2014=? -> 2011 = 1 + 3*(1/3) = 2, 2014 = 4 (nearest)
        let mut p = panel("region,year,x\na,2010,1\na,2011,\na,2013,4\na,2014,NA\n");
        let f = impute(&mut p, Impute::Linear).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(p.values[[0, 1, 0]], 2.0);
        assert_eq!(p.values[[0, 3, 0]], 4.0);
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
        let f = impute(&mut p, Impute::Linear).unwrap();
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
