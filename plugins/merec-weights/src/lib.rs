//! MEREC weights as a rurban plugin (`weighting = "merec"`).
//!
//! MEREC, the Method based on the Removal Effects of Criteria
//! (Keshavarz-Ghorabaee et al., 2021, *Symmetry* 13(4), 525), weighs a
//! criterion by how much the overall performance of the alternatives changes
//! when it is removed. This plugin follows `pymcdm.weights.merec_weights`
//! (pymcdm 1.4.0) exactly, on the **raw** values x (n rows, m columns):
//!
//! * `n_ij = min_k x_kj / x_ij` for a `+` (beneficial) column,
//!   `n_ij = x_ij / max_k x_kj` for a `-` (non-beneficial) column;
//! * `S_i = ln(1 + (1/m) sum_j |ln n_ij|)`;
//! * `S'_ij = ln(1 + (1/m) sum_{k != j} |ln n_ik|)` (still divided by m);
//! * `E_j = sum_i |S'_ij - S_i|`, `w_j = E_j / sum_k E_k`.
//!
//! Every raw value must be > 0 (the logarithms need it). A constant column
//! has `n_ij = 1`, so `E_j = 0`: weight 0, named in a warning. The plugin
//! takes no parameters.
//!
//! Build it with `cargo build --release -p rurban-plugin-merec-weights` and
//! load `librurban_plugin_merec_weights.so` with `--plugin` or the spec's
//! `plugins` list.

use rurban_plugin_api::{
    Direction, Params, WeightingInput, WeightingOutput, WeightingPlugin, export_weighting,
};

/// The MEREC weighting scheme.
#[derive(Debug, Default, Clone, Copy)]
pub struct Merec;

impl WeightingPlugin for Merec {
    const NAME: &'static str = "merec";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "MEREC: weight = effect of removing the criterion (Keshavarz-Ghorabaee et al. 2021)";

    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        Params::parse(input.params)?.only(&[])?;
        merec(input)
    }
}

/// MEREC weights of `input` (see the crate documentation).
pub fn merec(input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
    let (n, m) = (input.rows, input.cols);
    if m == 0 {
        return Err("no indicator columns to weight".into());
    }
    if n < 2 {
        return Err(format!("MEREC needs at least 2 rows, got {n}"));
    }
    // |ln n_ij|, row-major.
    let mut abs_log = vec![0.0; n * m];
    for j in 0..m {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for (i, x) in input.raw_column(j).enumerate() {
            if x <= 0.0 || !x.is_finite() {
                return Err(format!(
                    "column '{}', row {}: MEREC needs finite values > 0, got {x}",
                    input.names[j],
                    i + 1
                ));
            }
            lo = lo.min(x);
            hi = hi.max(x);
        }
        for (i, x) in input.raw_column(j).enumerate() {
            let nij = match input.directions[j] {
                Direction::Positive => lo / x,
                Direction::Negative => x / hi,
            };
            abs_log[i * m + j] = nij.ln().abs();
        }
    }
    let mf = m as f64;
    let mut effect = vec![0.0; m];
    for row in abs_log.chunks_exact(m) {
        let total: f64 = row.iter().sum();
        let s = (1.0 + total / mf).ln();
        for (j, e) in effect.iter_mut().enumerate() {
            // Sum without column j, added up as pymcdm does (not total - row[j]).
            let without: f64 = row
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != j)
                .map(|(_, v)| v)
                .sum();
            let s_removed = (1.0 + without / mf).ln();
            *e += (s_removed - s).abs();
        }
    }
    let sum: f64 = effect.iter().sum();
    if sum <= 0.0 || sum.is_nan() {
        return Err("all removal effects are 0: no column carries information".into());
    }
    let warnings = effect
        .iter()
        .enumerate()
        .filter(|&(_, &e)| e == 0.0)
        .map(|(j, _)| {
            format!(
                "column '{}' has no removal effect (constant): weight 0",
                input.names[j]
            )
        })
        .collect();
    Ok(WeightingOutput {
        weights: effect.iter().map(|e| e / sum).collect(),
        entropy: None,
        warnings,
    })
}

export_weighting!(Merec);

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(
        raw: &'a [f64],
        cols: usize,
        dirs: Vec<Direction>,
        names: Vec<&'a str>,
    ) -> WeightingInput<'a> {
        WeightingInput {
            rows: raw.len() / cols,
            cols,
            normalized: raw,
            raw,
            directions: dirs,
            constant: vec![false; cols],
            names,
            shift: 0.0,
            params: "{}",
        }
    }

    #[test]
    fn hand_computed_two_by_two() {
        // x = [[1, 1], [2, 4]], both '+': n = min/x -> [[1, 1], [0.5, 0.25]],
        // |ln n| row 2 = (ln 2, 2 ln 2), row 1 = 0 (S_1 = S'_1j = 0).
        // S_2 = ln(1 + 3 ln2 / 2); S'_21 = ln(1 + 2 ln2 / 2); S'_22 = ln(1 + ln2 / 2).
        // E_1 = 0.712813 - 0.526589 = 0.186224, E_2 = 0.712813 - 0.297563 = 0.415250,
        // w = (0.309612, 0.690388).
        let raw = [1.0, 1.0, 2.0, 4.0];
        let w = merec(&input(
            &raw,
            2,
            vec![Direction::Positive; 2],
            vec!["a", "b"],
        ))
        .unwrap();
        let l2 = 2f64.ln();
        let s2 = (1.0 + 1.5 * l2).ln();
        let e1 = s2 - (1.0 + l2).ln();
        let e2 = s2 - (1.0 + 0.5 * l2).ln();
        assert!((w.weights[0] - e1 / (e1 + e2)).abs() < 1e-15);
        assert!((w.weights[1] - e2 / (e1 + e2)).abs() < 1e-15);
        assert!((w.weights[0] - 0.309612).abs() < 1e-6);
        assert!(w.warnings.is_empty());
    }

    #[test]
    fn cost_column_uses_x_over_max() {
        // Column b as '-': n = x / max = (0.25, 1), the same |ln n| multiset as
        // '+' on (1, 4) but in the other row: row 1 = (0, 2 ln 2), row 2 = (ln 2, 0).
        // S_1 = ln(1 + ln2), S'_11 = S_1, S'_12 = 0 -> |.| = ln(1 + ln2);
        // S_2 = ln(1 + ln2/2), S'_21 = 0 -> ln(1 + ln2/2), S'_22 = S_2.
        // E_1 = ln(1 + ln2/2), E_2 = ln(1 + ln2).
        let raw = [1.0, 1.0, 2.0, 4.0];
        let w = merec(&input(
            &raw,
            2,
            vec![Direction::Positive, Direction::Negative],
            vec!["a", "b"],
        ))
        .unwrap();
        let l2 = 2f64.ln();
        let (e1, e2) = ((1.0 + l2 / 2.0).ln(), (1.0 + l2).ln());
        assert!((w.weights[0] - e1 / (e1 + e2)).abs() < 1e-15);
        assert!((w.weights[1] - e2 / (e1 + e2)).abs() < 1e-15);
    }

    #[test]
    fn constant_column_gets_zero_and_a_warning() {
        let raw = [1.0, 5.0, 2.0, 5.0, 3.0, 5.0];
        let w = merec(&input(
            &raw,
            2,
            vec![Direction::Positive; 2],
            vec!["a", "flat"],
        ))
        .unwrap();
        assert_eq!(w.weights, vec![1.0, 0.0]);
        assert_eq!(
            w.warnings,
            vec!["column 'flat' has no removal effect (constant): weight 0".to_string()]
        );
    }

    #[test]
    fn rejects_non_positive_values_naming_them() {
        let raw = [1.0, 5.0, 0.0, 6.0];
        let e = merec(&input(
            &raw,
            2,
            vec![Direction::Positive; 2],
            vec!["a", "b"],
        ))
        .unwrap_err();
        assert_eq!(e, "column 'a', row 2: MEREC needs finite values > 0, got 0");
        let raw = [1.0, -5.0, 2.0, 6.0];
        let e = merec(&input(
            &raw,
            2,
            vec![Direction::Positive; 2],
            vec!["a", "b"],
        ))
        .unwrap_err();
        assert_eq!(
            e,
            "column 'b', row 1: MEREC needs finite values > 0, got -5"
        );
    }

    #[test]
    fn rejects_all_constant_too_few_rows_and_parameters() {
        let raw = [2.0, 3.0, 2.0, 3.0];
        let e = merec(&input(
            &raw,
            2,
            vec![Direction::Positive; 2],
            vec!["a", "b"],
        ))
        .unwrap_err();
        assert!(e.starts_with("all removal effects are 0"), "{e}");
        let raw = [2.0, 3.0];
        let e = merec(&input(
            &raw,
            2,
            vec![Direction::Positive; 2],
            vec!["a", "b"],
        ))
        .unwrap_err();
        assert_eq!(e, "MEREC needs at least 2 rows, got 1");
        let raw = [1.0, 1.0, 2.0, 4.0];
        let mut i = input(&raw, 2, vec![Direction::Positive; 2], vec!["a", "b"]);
        i.params = r#"{"alpha": 1}"#;
        assert_eq!(
            Merec.weigh(&i).unwrap_err(),
            "unknown parameter 'alpha' (this takes no parameters)"
        );
    }
}
