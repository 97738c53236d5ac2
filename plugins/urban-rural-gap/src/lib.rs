//! The urban-rural gap as a derived-indicator plugin (`kind = "urban-rural-gap"`).
//!
//! Two measures, chosen with the parameter `measure`:
//!
//! * `"ratio"` (default), inputs `[urban, rural]` per-capita income (or
//!   consumption): `gap = y_u / y_r`. Both must be >= 0; `y_r = 0` gives a
//!   missing value.
//! * `"theil"`, the urban-rural Theil index (Wang & Fan 2005), inputs
//!   `[urban, rural, urban_share]` or `[urban, rural, urban_pop, rural_pop]`:
//!   with `s = P_u / (P_u + P_r)` (or the share given, in [0, 1]),
//!   `ybar = s y_u + (1 - s) y_r`,
//!   `T = sum_{i in {u, r}} (I_i / I) ln((I_i / I) / (P_i / P))
//!      = s (y_u / ybar) ln(y_u / ybar) + (1 - s) (y_r / ybar) ln(y_r / ybar)`.
//!   Per-capita values must be > 0; a group with zero population adds 0.
//!
//! A row with any input missing (NaN) is missing in the result. Bad values
//! are errors naming the region, the year and the input column.

use rurban_plugin_api::{IndicatorInput, IndicatorPlugin, Params, export_indicator};

/// The urban-rural gap indicator.
#[derive(Debug, Default, Clone, Copy)]
pub struct UrbanRuralGap;

impl IndicatorPlugin for UrbanRuralGap {
    const NAME: &'static str = "urban-rural-gap";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "urban-rural gap: income ratio y_u/y_r or the urban-rural Theil index";

    fn compute(&self, input: &IndicatorInput<'_>) -> Result<Vec<f64>, String> {
        let params = Params::parse(input.params)?;
        params.only(&["measure"])?;
        match params.str("measure")?.unwrap_or("ratio") {
            "ratio" => ratio(input),
            "theil" => theil(input),
            other => Err(format!(
                "unknown measure '{other}': expected \"ratio\" or \"theil\""
            )),
        }
    }
}

fn place(input: &IndicatorInput<'_>, i: usize, j: usize) -> String {
    format!(
        "region '{}', year {}, input '{}'",
        input.regions[i], input.years[i], input.names[j]
    )
}

/// `y_u / y_r` per row.
pub fn ratio(input: &IndicatorInput<'_>) -> Result<Vec<f64>, String> {
    if input.columns.len() != 2 {
        return Err(format!(
            "measure \"ratio\" needs 2 inputs [urban, rural], got {}",
            input.columns.len()
        ));
    }
    let (u, r) = (input.columns[0], input.columns[1]);
    (0..input.rows)
        .map(|i| {
            if u[i].is_nan() || r[i].is_nan() {
                return Ok(f64::NAN);
            }
            for (j, v) in [u[i], r[i]].into_iter().enumerate() {
                if v < 0.0 {
                    return Err(format!("{}: value {v} is negative", place(input, i, j)));
                }
            }
            Ok(if r[i] == 0.0 { f64::NAN } else { u[i] / r[i] })
        })
        .collect()
}

/// The urban-rural Theil index per row.
pub fn theil(input: &IndicatorInput<'_>) -> Result<Vec<f64>, String> {
    let k = input.columns.len();
    if k != 3 && k != 4 {
        return Err(format!(
            "measure \"theil\" needs 3 inputs [urban, rural, urban_share] or 4 [urban, rural, urban_pop, rural_pop], got {k}"
        ));
    }
    (0..input.rows)
        .map(|i| {
            let v: Vec<f64> = input.columns.iter().map(|c| c[i]).collect();
            if v.iter().any(|x| x.is_nan()) {
                return Ok(f64::NAN);
            }
            for (j, &y) in v.iter().enumerate().take(2) {
                if y <= 0.0 || !y.is_finite() {
                    return Err(format!("{}: per-capita value must be > 0, got {y}", place(input, i, j)));
                }
            }
            let s = if k == 3 {
                if !(0.0..=1.0).contains(&v[2]) {
                    return Err(format!(
                        "{}: urban share must be in [0, 1], got {} (a percentage must be divided by 100)",
                        place(input, i, 2),
                        v[2]
                    ));
                }
                v[2]
            } else {
                for (j, &p) in v.iter().enumerate().skip(2) {
                    if p < 0.0 {
                        return Err(format!("{}: population must be >= 0, got {p}", place(input, i, j)));
                    }
                }
                if v[2] + v[3] == 0.0 {
                    return Err(format!("region '{}', year {}: total population is 0", input.regions[i], input.years[i]));
                }
                v[2] / (v[2] + v[3])
            };
            let (yu, yr) = (v[0], v[1]);
            let ybar = s * yu + (1.0 - s) * yr;
            let term = |p: f64, y: f64| if p == 0.0 { 0.0 } else { p * (y / ybar) * (y / ybar).ln() };
            Ok(term(s, yu) + term(1.0 - s, yr))
        })
        .collect()
}

export_indicator!(UrbanRuralGap);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(columns: Vec<&[f64]>, params: &str) -> Result<Vec<f64>, String> {
        let rows = columns[0].len();
        let names = ["urban", "rural", "third", "fourth"][..columns.len()].to_vec();
        let regions = vec!["Harbin"; rows];
        let years: Vec<i64> = (0..rows as i64).map(|i| 2015 + i).collect();
        let input = IndicatorInput {
            rows,
            names,
            columns,
            regions,
            years: &years,
            params,
        };
        UrbanRuralGap.compute(&input)
    }

    #[test]
    fn ratio_divides_and_marks_missing() {
        let u = [30000.0, 25000.0, f64::NAN, 100.0];
        let r = [10000.0, 12500.0, 5.0, 0.0];
        let g = run(vec![&u, &r], "{}").unwrap();
        assert_eq!(&g[..2], &[3.0, 2.0]);
        assert!(g[2].is_nan() && g[3].is_nan());
    }

    #[test]
    fn theil_with_share_hand_computed() {
        // y_u = 30000, y_r = 10000, s = 0.5: ybar = 20000, income shares 0.75 / 0.25,
        // T = 0.75 ln 1.5 + 0.25 ln 0.5 = 0.304099 - 0.173287 = 0.130812.
        // Equal per-capita incomes: T = 0. s = 1: T = 1 * 1 * ln 1 = 0.
        let u = [30000.0, 8.0, 30000.0];
        let r = [10000.0, 8.0, 10000.0];
        let s = [0.5, 0.3, 1.0];
        let t = run(vec![&u, &r, &s], r#"{"measure": "theil"}"#).unwrap();
        assert!((t[0] - (0.75 * 1.5f64.ln() + 0.25 * 0.5f64.ln())).abs() < 1e-15);
        assert!((t[0] - 0.130812).abs() < 1e-6);
        assert_eq!(t[1], 0.0);
        assert_eq!(t[2], 0.0);
    }

    #[test]
    fn theil_with_populations_matches_share_form() {
        // P_u = 600, P_r = 400 -> s = 0.6; y_u = 2, y_r = 1: ybar = 1.6,
        // T = 0.6 * 1.25 ln 1.25 + 0.4 * 0.625 ln 0.625.
        let t = run(
            vec![&[2.0], &[1.0], &[600.0], &[400.0]],
            r#"{"measure": "theil"}"#,
        )
        .unwrap();
        let expect = 0.6 * 1.25 * 1.25f64.ln() + 0.4 * 0.625 * 0.625f64.ln();
        assert!((t[0] - expect).abs() < 1e-15);
        let t3 = run(vec![&[2.0], &[1.0], &[0.6]], r#"{"measure": "theil"}"#).unwrap();
        assert!((t[0] - t3[0]).abs() < 1e-15);
    }

    #[test]
    fn rejects_bad_inputs_naming_the_row() {
        let e = run(vec![&[1.0, -2.0], &[1.0, 1.0]], "").unwrap_err();
        assert_eq!(
            e,
            "region 'Harbin', year 2016, input 'urban': value -2 is negative"
        );
        let e = run(vec![&[1.0], &[1.0], &[56.0]], r#"{"measure":"theil"}"#).unwrap_err();
        assert!(
            e.starts_with(
                "region 'Harbin', year 2015, input 'third': urban share must be in [0, 1], got 56"
            ),
            "{e}"
        );
        let e = run(vec![&[1.0], &[0.0], &[0.5]], r#"{"measure":"theil"}"#).unwrap_err();
        assert_eq!(
            e,
            "region 'Harbin', year 2015, input 'rural': per-capita value must be > 0, got 0"
        );
        let e = run(
            vec![&[1.0], &[1.0], &[0.0], &[0.0]],
            r#"{"measure":"theil"}"#,
        )
        .unwrap_err();
        assert_eq!(e, "region 'Harbin', year 2015: total population is 0");
        let e = run(vec![&[1.0], &[1.0], &[1.0]], "{}").unwrap_err();
        assert_eq!(e, "measure \"ratio\" needs 2 inputs [urban, rural], got 3");
        let e = run(vec![&[1.0], &[1.0]], r#"{"measure":"gini"}"#).unwrap_err();
        assert_eq!(e, "unknown measure 'gini': expected \"ratio\" or \"theil\"");
        let e = run(vec![&[1.0], &[1.0]], r#"{"scale": 2}"#).unwrap_err();
        assert_eq!(e, "unknown parameter 'scale' (expected one of: measure)");
    }
}
