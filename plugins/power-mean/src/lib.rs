//! The weighted power mean as a rurban plugin (`aggregation = "power-mean"`).
//!
//! The weighted power mean of order p of the values `z_j` with weights
//! `w_j` (Hardy, Littlewood and Pólya's generalised mean), over the values
//! that are not missing and whose weight is not 0:
//!
//! * `M_p = (sum w_j z_j^p / sum w_j)^(1/p)` for `p != 0`;
//! * `M_0 = exp(sum w_j ln z_j / sum w_j)` (the weighted geometric mean,
//!   the limit of `M_p` as p -> 0).
//!
//! p sets how far a high value may compensate a low one: p = 1 is the
//! weighted arithmetic mean (full compensation), p = 0 the geometric mean,
//! p = -1 the harmonic mean, and `M_p` rises with p (`M_p <= M_q` for
//! p < q), so p < 1 penalises unbalanced profiles. The parameter `p`
//! (default 0.5, between the arithmetic and the geometric mean) is any
//! finite number.
//!
//! The composite of a row is the power mean of all its indicators; each
//! dimension score is the power mean of that dimension's indicators with
//! their weights. A row or dimension with nothing to aggregate is NaN.
//!
//! Domain: `z >= 0` for p > 0, and `z > 0` for p <= 0 (`0^p` is infinite
//! there). A value outside it is an error naming the indicator and the row;
//! min-max normalisation gives 0 at the bottom, so use p > 0, a range that
//! starts above 0 (`range = [1, 100]`) or a strictly positive normalisation
//! such as the logistic plugin with p <= 0.
//!
//! Build it with `cargo build --release -p rurban-plugin-power-mean` and
//! load `librurban_plugin_power_mean.so` with `--plugin` or a spec's
//! `plugins` list.

use rurban_plugin_api::{
    AggregateInput, AggregateOutput, AggregatorPlugin, Params, export_aggregator,
};

/// The weighted power mean aggregation.
#[derive(Debug, Default, Clone, Copy)]
pub struct PowerMean;

/// The order used when the parameter `p` is not given.
pub const DEFAULT_P: f64 = 0.5;

impl AggregatorPlugin for PowerMean {
    const NAME: &'static str = "power-mean";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "weighted power mean of order p: (sum w z^p / sum w)^(1/p), geometric at p = 0 (default p = 0.5)";

    fn aggregate(&self, input: &AggregateInput<'_>) -> Result<AggregateOutput, String> {
        let params = Params::parse(input.params)?;
        params.only(&["p"])?;
        let p = params.f64("p")?.unwrap_or(DEFAULT_P);
        if !p.is_finite() {
            return Err(format!("p = {p}: the order must be a finite number"));
        }
        aggregate(input, p)
    }
}

/// The weighted power mean of order `p` of `values` with `weights`, over
/// the values that are not NaN and whose weight is not 0; NaN when none is
/// left. `Err((k, z))` names the first value outside the domain.
pub fn power_mean(values: &[f64], weights: &[f64], p: f64) -> Result<f64, (usize, f64)> {
    let mut sw = 0.0;
    let mut acc = 0.0;
    for (k, (&z, &w)) in values.iter().zip(weights).enumerate() {
        if z.is_nan() || w == 0.0 {
            continue;
        }
        if z < 0.0 || (p <= 0.0 && z == 0.0) {
            return Err((k, z));
        }
        sw += w;
        acc += if p == 0.0 { w * z.ln() } else { w * z.powf(p) };
    }
    if sw == 0.0 {
        return Ok(f64::NAN);
    }
    Ok(if p == 0.0 {
        (acc / sw).exp()
    } else {
        (acc / sw).powf(1.0 / p)
    })
}

/// Every row's composite and dimension scores (see the crate documentation).
pub fn aggregate(input: &AggregateInput<'_>, p: f64) -> Result<AggregateOutput, String> {
    let d = input.dimensions;
    let mut composite = Vec::with_capacity(input.rows);
    let mut dimension_scores = Vec::with_capacity(input.rows * d);
    let domain = if p > 0.0 { ">= 0" } else { "> 0" };
    for i in 0..input.rows {
        let row = input.row(i);
        let out_of_domain = |(k, z): (usize, f64)| {
            format!(
                "indicator '{}', row {}: value {z} is not {domain}, which a power mean of order p = {p} needs",
                input.names[k],
                i + 1
            )
        };
        composite.push(power_mean(row, input.weights, p).map_err(out_of_domain)?);
        for dim in 0..d {
            let mut ws = input.weights.to_vec();
            for (w, &of) in ws.iter_mut().zip(input.dimension_of) {
                if of != dim {
                    *w = 0.0;
                }
            }
            dimension_scores.push(power_mean(row, &ws, p).map_err(out_of_domain)?);
        }
    }
    Ok(AggregateOutput {
        composite,
        dimension_scores,
    })
}

export_aggregator!(PowerMean);

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15
    }

    #[test]
    fn hand_computed_orders() {
        // z = (.25, 1), w = (.5, .5):
        let (z, w) = ([0.25, 1.0], [0.5, 0.5]);
        // p = 1: .625; p = .5: (.5 * .5 + .5 * 1)^2 = .5625; p = 0: sqrt(.25) = .5;
        // p = -1: 1 / (.5 * 4 + .5 * 1) = .4; p = 2: sqrt(.5 * .0625 + .5) = 0.7288689868556626
        assert!(close(power_mean(&z, &w, 1.0).unwrap(), 0.625));
        assert!(close(power_mean(&z, &w, 0.5).unwrap(), 0.5625));
        assert!(close(power_mean(&z, &w, 0.0).unwrap(), 0.5));
        assert!(close(power_mean(&z, &w, -1.0).unwrap(), 0.4));
        assert!(close(power_mean(&z, &w, 2.0).unwrap(), 0.7288689868556626));
        // Weights need not sum to 1: (1, 1) gives the same means.
        assert!(close(power_mean(&z, &[1.0, 1.0], 0.5).unwrap(), 0.5625));
        // Missing values and zero weights are skipped; nothing left is NaN.
        assert_eq!(
            power_mean(&[f64::NAN, 0.36], &[0.5, 0.5], 0.5).unwrap(),
            0.36
        );
        assert!(power_mean(&[0.0, 0.5], &[0.0, 0.0], 0.5).unwrap().is_nan());
        // Domain.
        assert_eq!(power_mean(&[0.5, 0.0], &w, 0.0), Err((1, 0.0)));
        // (.5 * sqrt(.5) + .5 * 0)^2 = .25 * .5 = .125
        assert!(close(power_mean(&[0.5, 0.0], &w, 0.5).unwrap(), 0.125));
        assert_eq!(power_mean(&[-0.1, 0.5], &w, 2.0), Err((0, -0.1)));
    }

    fn input<'a>(
        z: &'a [f64],
        w: &'a [f64],
        dims: &'a [usize],
        params: &'a str,
    ) -> AggregateInput<'a> {
        AggregateInput {
            rows: z.len() / w.len(),
            cols: w.len(),
            z,
            weights: w,
            dimension_of: dims,
            dimensions: 2,
            names: vec!["a", "b", "c"],
            params,
        }
    }

    #[test]
    fn rows_and_dimensions() {
        // w = (.5, .25, .25), dimensions (0, 1, 1), p = .5 (default).
        // Row 1: z = (.25, 1, 1): composite (.5*.5 + .25 + .25)^2 = .5625,
        //   dimension 0 = .25, dimension 1 = 1.
        // Row 2: z = (1, .09, .49): composite (.5 + .25*.3 + .25*.7)^2 = .75^2 = .5625,
        //   dimension 0 = 1, dimension 1 = ((.3 + .7) / 2)^2 = .25.
        let z = [0.25, 1.0, 1.0, 1.0, 0.09, 0.49];
        let w = [0.5, 0.25, 0.25];
        let out = PowerMean
            .aggregate(&input(&z, &w, &[0, 1, 1], "{}"))
            .unwrap();
        let expect_c = [0.5625, 0.5625];
        let expect_d = [0.25, 1.0, 1.0, 0.25];
        for (a, b) in out.composite.iter().zip(expect_c) {
            assert!(close(*a, b), "{a} vs {b}");
        }
        for (a, b) in out.dimension_scores.iter().zip(expect_d) {
            assert!(close(*a, b), "{a} vs {b}");
        }
        // p = 1 is the weighted arithmetic mean: row 1 = .125 + .25 + .25 = .625.
        let out = PowerMean
            .aggregate(&input(&z, &w, &[0, 1, 1], r#"{"p": 1}"#))
            .unwrap();
        assert!(close(out.composite[0], 0.625));
    }

    #[test]
    fn out_of_domain_names_indicator_and_row() {
        let z = [0.5, 0.5, 0.5, 0.5, 0.0, 0.5];
        let w = [0.5, 0.25, 0.25];
        let e = PowerMean
            .aggregate(&input(&z, &w, &[0, 1, 1], r#"{"p": -1}"#))
            .unwrap_err();
        assert_eq!(
            e,
            "indicator 'b', row 2: value 0 is not > 0, which a power mean of order p = -1 needs"
        );
        let e = PowerMean
            .aggregate(&input(&z, &w, &[0, 1, 1], r#"{"q": 1}"#))
            .unwrap_err();
        assert!(e.contains("'q'"), "{e}");
    }
}
