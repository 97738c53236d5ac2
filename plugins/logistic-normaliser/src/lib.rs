//! Logistic normalisation as a rurban plugin (`normalisation = "logistic"`).
//!
//! The logistic (sigmoid) transform of the z-score, per column j over the
//! rows of the scope unit (the whole panel, or one year):
//!
//! * `m_j` the mean and `s_j` the sample standard deviation (divisor
//!   `n_j - 1`) of the column's non-missing values;
//! * `t_ij = d_j (x_ij - m_j) / s_j`, with `d_j = +1` for a `+` indicator
//!   and `-1` for a `-` one;
//! * `z_ij = 1 / (1 + exp(-k t_ij))`, with the slope `k > 0` (parameter
//!   `slope`, default 1).
//!
//! The result lies strictly inside (0, 1) (up to floating-point rounding
//! for |k t| beyond about 36), keeps the order of the z-score, is 0.5 at the
//! column mean, and squeezes outliers towards 0 and 1 instead of letting
//! them set the scale as min-max does. Being strictly positive, it can feed
//! a geometric or power-mean aggregation directly.
//!
//! A missing value (NaN) stays missing and is left out of `m_j` and `s_j`.
//! A column with fewer than two values, or with `s_j = 0`, carries no
//! information: its values are 0.5 and the column is flagged constant.
//!
//! Build it with `cargo build --release -p rurban-plugin-logistic-normaliser`
//! and load `librurban_plugin_logistic_normaliser.so` with `--plugin` or a
//! spec's `plugins` list.

use rurban_plugin_api::{
    Direction, NormaliseInput, NormaliseOutput, NormaliserPlugin, Params, export_normaliser,
};

/// The logistic normalisation.
#[derive(Debug, Default, Clone, Copy)]
pub struct Logistic;

impl NormaliserPlugin for Logistic {
    const NAME: &'static str = "logistic";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "logistic of the z-score: z = 1 / (1 + exp(-slope * (x - mean) / sd)), in (0, 1)";

    fn normalise(&self, input: &NormaliseInput<'_>) -> Result<NormaliseOutput, String> {
        let params = Params::parse(input.params)?;
        params.only(&["slope"])?;
        let slope = params.f64("slope")?.unwrap_or(1.0);
        if !(slope.is_finite() && slope > 0.0) {
            return Err(format!("slope = {slope}: the slope must be a number > 0"));
        }
        Ok(logistic(input, slope))
    }
}

/// The logistic normalisation of `input` with slope `k` (see the crate
/// documentation).
pub fn logistic(input: &NormaliseInput<'_>, k: f64) -> NormaliseOutput {
    let (n, m) = (input.rows, input.cols);
    let mut z = vec![f64::NAN; n * m];
    let mut constant = vec![false; m];
    for j in 0..m {
        let values: Vec<f64> = input.raw_column(j).filter(|x| !x.is_nan()).collect();
        let count = values.len();
        let mean = values.iter().sum::<f64>() / count.max(1) as f64;
        let ss: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
        let sd = if count >= 2 {
            (ss / (count - 1) as f64).sqrt()
        } else {
            0.0
        };
        constant[j] = !(sd > 0.0 && sd.is_finite());
        let sign = match input.directions[j] {
            Direction::Positive => 1.0,
            Direction::Negative => -1.0,
        };
        for i in 0..n {
            let x = input.raw(i, j);
            z[i * m + j] = if x.is_nan() {
                f64::NAN
            } else if constant[j] {
                0.5
            } else {
                1.0 / (1.0 + (-k * sign * (x - mean) / sd).exp())
            };
        }
    }
    NormaliseOutput { z, constant }
}

export_normaliser!(Logistic);

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(
        raw: &'a [f64],
        cols: usize,
        dirs: Vec<Direction>,
        params: &'a str,
    ) -> NormaliseInput<'a> {
        NormaliseInput {
            rows: raw.len() / cols,
            cols,
            raw,
            directions: dirs,
            names: (0..cols).map(|_| "x").collect(),
            params,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15
    }

    #[test]
    fn hand_computed_columns() {
        // Column 1 (+): 1, 2, 3: mean 2, sd 1, t = -1, 0, 1:
        //   z = 1/(1+e) = 0.2689414213699951, 0.5, 0.7310585786300049.
        // Column 2 (-): 2, NaN, 6: mean 4, sd = sqrt(8) = 2.8284271247461903,
        //   t = +0.7071, -0.7071 (flipped): z = 0.6697615493266569, NaN, 0.3302384506733431.
        // Column 3: 5, 5, 5: constant, 0.5 each.
        let raw = [1.0, 2.0, 5.0, 2.0, f64::NAN, 5.0, 3.0, 6.0, 5.0];
        let dirs = vec![
            Direction::Positive,
            Direction::Negative,
            Direction::Positive,
        ];
        let out = Logistic.normalise(&input(&raw, 3, dirs, "{}")).unwrap();
        let expect = [
            0.2689414213699951,
            0.6697615493266569,
            0.5,
            0.5,
            f64::NAN,
            0.5,
            0.7310585786300049,
            0.3302384506733431,
            0.5,
        ];
        for (k, (&a, &b)) in out.z.iter().zip(&expect).enumerate() {
            assert!(
                close(a, b) || (a.is_nan() && b.is_nan()),
                "cell {k}: {a} vs {b}"
            );
        }
        assert_eq!(out.constant, [false, false, true]);
    }

    #[test]
    fn slope_sharpens_the_curve() {
        // 1, 2, 3 with slope 2: t = -1, 0, 1 -> 1/(1+e^2) = 0.11920292202211755, 0.5, 0.8807970779778823
        let raw = [1.0, 2.0, 3.0];
        let out = Logistic
            .normalise(&input(
                &raw,
                1,
                vec![Direction::Positive],
                r#"{"slope": 2}"#,
            ))
            .unwrap();
        assert!(close(out.z[0], 0.11920292202211755), "{}", out.z[0]);
        assert_eq!(out.z[1], 0.5);
        assert!(close(out.z[2], 0.8807970779778823), "{}", out.z[2]);
        // Symmetry: z(t) + z(-t) = 1.
        assert!(close(out.z[0] + out.z[2], 1.0));
    }

    #[test]
    fn a_single_value_is_constant_and_bad_parameters_are_refused() {
        let raw = [f64::NAN, 7.0];
        let out = Logistic
            .normalise(&input(&raw, 1, vec![Direction::Positive], "{}"))
            .unwrap();
        assert!(out.z[0].is_nan());
        assert_eq!(out.z[1], 0.5);
        assert_eq!(out.constant, [true]);
        let raw = [1.0, 2.0];
        let e = Logistic
            .normalise(&input(
                &raw,
                1,
                vec![Direction::Positive],
                r#"{"slope": 0}"#,
            ))
            .unwrap_err();
        assert_eq!(e, "slope = 0: the slope must be a number > 0");
        let e = Logistic
            .normalise(&input(&raw, 1, vec![Direction::Positive], r#"{"slop": 1}"#))
            .unwrap_err();
        assert!(e.contains("slop"), "{e}");
    }
}
