//! Small series whose statistics are computed by hand (the working is in
//! the comments): n = 3, ties in C, ties in x, S = 0, constant and exactly
//! linear series, the direction rule, the findings' wording, and every
//! rejected input.

use rurban_trend::{
    DEFAULT_ALPHA, Direction, TrendError, format_p, mann_kendall, trend, trend_report,
    yearly_change,
};

#[track_caller]
fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: {a} vs expected {b}"
    );
}

/// Normal tail probabilities come from `statrs`' erfc, whose relative
/// error is about 1e-10 (checked against mpmath); compare them at 1e-9.
#[track_caller]
fn close_p(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs(),
        "{what}: {a} vs expected {b}"
    );
}

#[test]
fn three_points() {
    // x = 1,2,3, C = 1,3,2.
    // S = sign(3-1) + sign(2-1) + sign(2-3) = 1 + 1 - 1 = 1;
    // var_S = 3*2*11/18 = 11/3; z = (1 - 1)/sqrt(var_S) = 0, p = 1; tau = 1/3.
    // Sen: slopes 2, 0.5, -1 -> median 0.5.
    // OLS: xbar = cbar = 2, Sxx = 2, Sxy = 1, Syy = 2 -> b = 0.5, a = 1,
    // residuals -0.5, 1, -0.5 -> SSR = 1.5, se = sqrt(1.5/1/2) = sqrt(0.75),
    // t = 1/sqrt(3); with 1 degree of freedom (Cauchy)
    // p = 1 - (2/pi) atan(1/sqrt(3)) = 1 - 1/3 = 2/3; R^2 = 1/(2*2) = 0.25.
    let g = trend("all", &[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0], 0.05).unwrap();
    assert_eq!(g.n, 3);
    assert_eq!(g.mann_kendall.s, 1);
    close(g.mann_kendall.var_s, 11.0 / 3.0, "var_s");
    assert_eq!(g.mann_kendall.z, 0.0);
    assert_eq!(g.mann_kendall.p, 1.0);
    close(g.mann_kendall.tau, 1.0 / 3.0, "tau");
    close(g.sen_slope, 0.5, "sen");
    close(g.ols.slope, 0.5, "slope");
    close(g.ols.se, 0.75f64.sqrt(), "se");
    close(g.ols.t.unwrap(), 1.0 / 3f64.sqrt(), "t");
    close(g.ols.p, 2.0 / 3.0, "p");
    close(g.ols.r2.unwrap(), 0.25, "r2");
    assert_eq!(g.direction, Direction::NoTrend);
}

#[test]
fn ties_in_c() {
    // x = 1..5, C = 1,2,2,3,2. S = 4 + 1 + 1 - 1 = 5.
    // One tie group of three 2s: var_S = (5*4*15 - 3*2*11)/18 = 234/18 = 13.
    // z = 4/sqrt(13); p = erfc(z/sqrt(2)) = erfc(4/sqrt(26)) (scipy:
    // 0.26725749315438785); tau = 5/10.
    // Sen: slopes 1, 1/2, 2/3, 1/4, 0, 1/2, 0, 1, 0, -1 -> sorted middle pair
    // 1/4 and 1/2 -> 0.375.
    let g = trend("t", &[1., 2., 3., 4., 5.], &[1., 2., 2., 3., 2.], 0.05).unwrap();
    assert_eq!(g.mann_kendall.s, 5);
    close(g.mann_kendall.var_s, 13.0, "var_s");
    close(g.mann_kendall.z, 4.0 / 13f64.sqrt(), "z");
    close_p(g.mann_kendall.p, 0.267_257_493_154_387_85, "p");
    close(g.mann_kendall.tau, 0.5, "tau");
    close(g.sen_slope, 0.375, "sen");
    assert_eq!(g.direction, Direction::NoTrend);
}

#[test]
fn ties_in_x_keep_input_order() {
    // x = 2,1,2,3, C = 5,1,4,6: sorted stably by x the series is
    // (1,1), (2,5), (2,4), (3,6). S = 3 + (-1 + 1) + 1 = 4 (the reverse
    // order of the tied pair would give 6). var_S = 4*3*13/18 = 26/3,
    // z = 3/sqrt(26/3), p = erfc(z/sqrt 2) (scipy: 0.3081795474670541).
    // Sen skips the pair with equal x: slopes 4, 3, 2.5, 1, 2 -> 2.5.
    // OLS: xbar = 2, cbar = 4, Sxx = 2, Sxy = 5, Syy = 14 -> b = 2.5,
    // a = -1, residuals -0.5, 1, 0, -0.5 -> SSR = 1.5, se = sqrt(1.5/2/2),
    // t^2 = 6.25/0.375; with 2 degrees of freedom p = 1 - t/sqrt(t^2 + 2);
    // R^2 = 25/28.
    let g = trend("t", &[2., 1., 2., 3.], &[5., 1., 4., 6.], 0.05).unwrap();
    assert_eq!(g.mann_kendall.s, 4);
    close(g.mann_kendall.var_s, 26.0 / 3.0, "var_s");
    close(g.mann_kendall.z, 3.0 / (26.0f64 / 3.0).sqrt(), "z");
    close_p(g.mann_kendall.p, 0.308_179_547_467_054_1, "p");
    close(g.sen_slope, 2.5, "sen");
    close(g.ols.slope, 2.5, "slope");
    close(g.ols.se, 0.375f64.sqrt(), "se");
    let t = (6.25f64 / 0.375).sqrt();
    close(g.ols.t.unwrap(), t, "t");
    close(g.ols.p, 1.0 - t / (t * t + 2.0).sqrt(), "p");
    close(g.ols.r2.unwrap(), 25.0 / 28.0, "r2");
}

#[test]
fn s_zero() {
    // x = 1..4, C = 2,1,1,2: S = -1 -1 +0 +0 +1 +1 = 0. Two tie groups of 2:
    // var_S = (4*3*13 - 2*(2*1*9))/18 = 120/18. z = 0, p = 1, tau = 0.
    // Sen: -1, -1/2, 0, 0, 1/2, 1 -> 0. OLS: Sxy = 0 -> slope 0, R^2 = 0,
    // SSR = Syy = 1, Sxx = 5 -> se = sqrt(1/2/5), t = 0, p = 1.
    let g = trend("t", &[1., 2., 3., 4.], &[2., 1., 1., 2.], 0.05).unwrap();
    assert_eq!(g.mann_kendall.s, 0);
    close(g.mann_kendall.var_s, 120.0 / 18.0, "var_s");
    assert_eq!(
        (g.mann_kendall.z, g.mann_kendall.p, g.mann_kendall.tau),
        (0.0, 1.0, 0.0)
    );
    close(g.sen_slope, 0.0, "sen");
    close(g.ols.slope, 0.0, "slope");
    close(g.ols.se, 0.1f64.sqrt(), "se");
    close(g.ols.t.unwrap(), 0.0, "t");
    close(g.ols.p, 1.0, "p");
    close(g.ols.r2.unwrap(), 0.0, "r2");
    assert_eq!(g.direction, Direction::NoTrend);
}

#[test]
fn all_values_equal() {
    // se = 0 -> t null and p 0; all C equal -> r2 null; one tie group of
    // all n: var_S = 0, S = 0 -> z = 0, p = 1. 0.1 is not exact in binary,
    // so the mean is not 0.1 and only an explicit rule gives slope 0.
    let g = trend("flat", &[1., 2., 3.], &[0.1, 0.1, 0.1], 0.05).unwrap();
    assert_eq!(g.ols.slope, 0.0);
    assert_eq!(g.ols.se, 0.0);
    assert_eq!(g.ols.t, None);
    assert_eq!(g.ols.p, 0.0);
    assert_eq!(g.ols.r2, None);
    assert_eq!(g.mann_kendall.s, 0);
    assert_eq!(g.mann_kendall.var_s, 0.0);
    assert_eq!((g.mann_kendall.z, g.mann_kendall.p), (0.0, 1.0));
    assert_eq!(g.sen_slope, 0.0);
    let json = serde_json::to_value(&g).unwrap();
    assert!(json["ols"]["t"].is_null() && json["ols"]["r2"].is_null());
}

#[test]
fn exact_line_has_zero_se() {
    // C = 2x + 1 on x = 0..3 is exact in binary: residuals 0, se = 0.
    let g = trend("line", &[0., 1., 2., 3.], &[1., 3., 5., 7.], 0.05).unwrap();
    assert_eq!(g.ols.slope, 2.0);
    assert_eq!(g.ols.se, 0.0);
    assert_eq!((g.ols.t, g.ols.p), (None, 0.0));
    assert_eq!(g.ols.r2, Some(1.0));
    assert_eq!(g.sen_slope, 2.0);
}

#[test]
fn direction_follows_sign_of_s_and_alpha() {
    // C = x on 1..10: S = 45, var_S = 10*9*25/18 = 125, z = 44/sqrt(125),
    // p = erfc(z/sqrt 2) (scipy: 8.303070332644999e-05).
    let x: Vec<f64> = (1..=10).map(f64::from).collect();
    let up = trend("up", &x, &x, 0.05).unwrap();
    assert_eq!(up.mann_kendall.s, 45);
    close(up.mann_kendall.var_s, 125.0, "var_s");
    close_p(up.mann_kendall.p, 8.303_070_332_644_999e-5, "p");
    close(up.mann_kendall.tau, 1.0, "tau");
    assert_eq!(up.direction, Direction::Increasing);
    let down: Vec<f64> = x.iter().map(|v| -v).collect();
    let dn = trend("down", &x, &down, 0.05).unwrap();
    assert_eq!(dn.mann_kendall.s, -45);
    close(dn.mann_kendall.z, -44.0 / 125f64.sqrt(), "z");
    assert_eq!(dn.direction, Direction::Decreasing);
    // p <= alpha is significant, p > alpha is not.
    let p = up.mann_kendall.p;
    assert_eq!(
        trend("a", &x, &x, p).unwrap().direction,
        Direction::Increasing
    );
    let below = p * (1.0 - 1e-12);
    assert_eq!(
        trend("a", &x, &x, below).unwrap().direction,
        Direction::NoTrend
    );
    // Serialised as the contract's words.
    assert_eq!(
        serde_json::to_value(Direction::NoTrend).unwrap(),
        "no trend"
    );
    assert_eq!(
        serde_json::to_value(Direction::Decreasing).unwrap(),
        "decreasing"
    );
}

#[test]
fn mann_kendall_counts_every_pair() {
    // 5,4,3,3: -1-1-1 -1-1 +0 = -5; one tie pair -> var = (4*3*13 - 18)/18.
    let mk = mann_kendall(&[5., 4., 3., 3.]);
    assert_eq!(mk.s, -5);
    close(mk.var_s, (156.0 - 18.0) / 18.0, "var_s");
}

#[test]
fn report_json_field_names() {
    let r = trend_report(
        &[
            ("b".into(), vec![1., 2., 3.], vec![1., 3., 2.]),
            ("a".into(), vec![1., 2., 3.], vec![3., 2., 1.]),
        ],
        DEFAULT_ALPHA,
    )
    .unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["alpha", "groups"]);
    let g = &v["groups"][0];
    assert_eq!(g["key"], "b", "groups stay in the order given");
    assert_eq!(
        keys(g),
        ["direction", "key", "mann_kendall", "n", "ols", "sen_slope"]
    );
    assert_eq!(keys(&g["ols"]), ["p", "r2", "se", "slope", "t"]);
    assert_eq!(keys(&g["mann_kendall"]), ["p", "s", "tau", "var_s", "z"]);
    let back: rurban_trend::TrendReport = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

#[test]
fn rejected_inputs_name_the_group() {
    let e = trend("Hebei", &[1., 2.], &[1., 2.], 0.05).unwrap_err();
    assert!(matches!(e, TrendError::TooFewPoints { n: 2, .. }));
    assert!(e.to_string().contains("'Hebei'") && e.to_string().contains("at least 3"));

    let e = trend("2011", &[5., 5., 5.], &[1., 2., 3.], 0.05).unwrap_err();
    assert!(matches!(e, TrendError::ConstantX { x: 5.0, .. }));
    assert!(e.to_string().contains("'2011'"));

    let e = trend("g", &[1., 2., 3.], &[1., f64::NAN, 3.], 0.05).unwrap_err();
    assert!(matches!(
        e,
        TrendError::NonFinite {
            what: "value",
            point: 2,
            ..
        }
    ));
    assert!(e.to_string().contains("'g'"));
    let e = trend("g", &[1., f64::INFINITY, 3.], &[1., 2., 3.], 0.05).unwrap_err();
    assert!(matches!(
        e,
        TrendError::NonFinite {
            what: "x",
            point: 2,
            ..
        }
    ));

    let e = trend("g", &[1., 2., 3.], &[1., 2.], 0.05).unwrap_err();
    assert!(matches!(e, TrendError::LengthMismatch { .. }));

    for alpha in [0.0, 1.0, -0.1, f64::NAN] {
        let e = trend("g", &[1., 2., 3.], &[1., 2., 3.], alpha).unwrap_err();
        assert!(matches!(e, TrendError::BadAlpha(_)), "{alpha}");
    }
    // The report stops at the first bad group.
    let e = trend_report(
        &[
            ("ok".into(), vec![1., 2., 3.], vec![1., 2., 3.]),
            ("short".into(), vec![1.], vec![1.]),
        ],
        0.05,
    )
    .unwrap_err();
    assert!(e.to_string().contains("'short'"));
}

#[test]
fn p_formatting() {
    assert_eq!(format_p(0.0123), "p = 0.012");
    assert_eq!(format_p(0.5), "p = 0.500");
    assert_eq!(format_p(0.001), "p = 0.001");
    assert_eq!(format_p(0.000_999), "p < 0.001");
    assert_eq!(format_p(0.0), "p < 0.001");
}

#[test]
fn yearly_change_words_the_finding() {
    // Ten rising years (given out of order): p = 8.3e-5 (see above).
    let years: Vec<i64> = (2001..=2010).rev().collect();
    let values: Vec<f64> = years.iter().map(|&y| (y - 2000) as f64).collect();
    let up = yearly_change("mean score", &years, &values, "rising", "falling").unwrap();
    assert_eq!(up.phrase, "rising (Mann-Kendall p < 0.001)");
    assert_eq!(up.direction, Direction::Increasing);
    let neg: Vec<f64> = values.iter().map(|v| -v).collect();
    let dn = yearly_change("gap", &years, &neg, "widening", "narrowing").unwrap();
    assert_eq!(dn.phrase, "narrowing (Mann-Kendall p < 0.001)");
    // The series of `three_points`: z = 0, p = 1.
    let flat = yearly_change("x", &[2001, 2002, 2003], &[1., 3., 2.], "rising", "falling").unwrap();
    assert_eq!(
        flat.phrase,
        "no significant change (Mann-Kendall p = 1.000)"
    );
    // The series of `ties_in_c`: p = 0.26726, not significant.
    let t = yearly_change(
        "x",
        &[2001, 2002, 2003, 2004, 2005],
        &[1., 2., 2., 3., 2.],
        "rising",
        "falling",
    )
    .unwrap();
    assert_eq!(t.phrase, "no significant change (Mann-Kendall p = 0.267)");
    // n = 5, strictly rising: S = 10, var = 5*4*15/18 = 50/3,
    // z = 9/sqrt(50/3) = 2.2045, p = 0.0275 -> "p = 0.027".
    let r = yearly_change(
        "x",
        &[2001, 2002, 2003, 2004, 2005],
        &[1., 2., 3., 4., 5.],
        "rising",
        "falling",
    )
    .unwrap();
    assert_eq!(r.phrase, "rising (Mann-Kendall p = 0.027)");
    let e = yearly_change("mean score", &[2001, 2002], &[1., 2.], "rising", "falling").unwrap_err();
    assert!(e.to_string().contains("'mean score'"));
}

#[test]
fn overflowing_statistics_are_errors_naming_the_largest_point() {
    // Finite values whose mean overflows: the OLS slope is NaN.
    let x = [1.0, 2.0, 3.0, 4.0];
    let c = [1e308, 1.7e308, 1e308, 1.5e308];
    match trend("g", &x, &c, 0.05) {
        Err(TrendError::Overflow {
            group,
            what,
            point,
            value,
            ..
        }) => assert_eq!(
            (group.as_str(), what, point, value),
            ("g", "value", 2, 1.7e308)
        ),
        other => panic!("expected an overflow error, got {other:?}"),
    }
    // x near the limit: its squares overflow.
    let x = [1.0, 2.0, -1.5e308, 1.5e308];
    let c = [1.0, 3.0, 2.0, 4.0];
    assert!(matches!(
        trend("g", &x, &c, 0.05),
        Err(TrendError::Overflow {
            what: "x",
            point: 3,
            ..
        })
    ));
}
