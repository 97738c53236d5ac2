//! rurban-grey: hand-computed cases, a published example, numpy reference
//! values, ranking ties, JSON shape and rejected input.

mod common;

use common::close;
use rurban_grey::{
    GreyError, Normalization, coefficients, competition_ranks, grey_report, normalize,
};
use serde_json::{Value, json};

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn hand_computed_three_points_no_normalisation() {
    // reference 1, 2, 3; A = 1, 2, 4; B = 2, 2, 2; rho = 0.5.
    // D_A = 0, 0, 1; D_B = 1, 0, 1; Dmin = 0, Dmax = 1.
    // xi = (0 + 0.5) / (D + 0.5): D = 0 -> 1, D = 1 -> 1/3.
    // A: 1, 1, 1/3 -> grade 7/9; B: 1/3, 1, 1/3 -> grade 5/9.
    let r = grey_report(
        "ref",
        &[1.0, 2.0, 3.0],
        &[("A", vec![1.0, 2.0, 4.0]), ("B", vec![2.0, 2.0, 2.0])],
        Normalization::None,
        0.5,
    )
    .unwrap();
    let third = 1.0 / 3.0;
    assert_eq!(
        r.coefficients,
        vec![vec![1.0, 1.0, third], vec![third, 1.0, third]]
    );
    close(r.grades[0].grade, 7.0 / 9.0, 1e-15, 0.0);
    close(r.grades[1].grade, 5.0 / 9.0, 1e-15, 0.0);
    assert_eq!((r.grades[0].rank, r.grades[1].rank), (1, 2));
}

#[test]
fn hand_computed_initial_and_minmax() {
    // initial: ref 2, 4, 6 -> 1, 2, 3; C = 1, 1, 1 -> 1, 1, 1.
    // D = 0, 1, 2; Dmin = 0, Dmax = 2; xi = (0 + 1) / (D + 1) = 1, 1/2, 1/3.
    // grade = (1 + 1/2 + 1/3) / 3 = 11/18.
    let r = grey_report(
        "ref",
        &[2.0, 4.0, 6.0],
        &[("C", [1.0, 1.0, 1.0])],
        Normalization::Initial,
        0.5,
    )
    .unwrap();
    close(r.grades[0].grade, 11.0 / 18.0, 1e-15, 0.0);
    close(r.coefficients[0][1], 0.5, 1e-15, 0.0);

    // minmax: ref 0, 5, 10 -> 0, 0.5, 1; E = 3, 1, 2 -> 1, 0, 0.5.
    // D = 1, 0.5, 0.5; Dmin = 0.5, Dmax = 1;
    // xi = (0.5 + 0.5) / (D + 0.5) = 2/3, 1, 1; grade = (2/3 + 2) / 3 = 8/9.
    let r = grey_report(
        "ref",
        &[0.0, 5.0, 10.0],
        &[("E", [3.0, 1.0, 2.0])],
        Normalization::MinMax,
        0.5,
    )
    .unwrap();
    close(r.grades[0].grade, 8.0 / 9.0, 1e-15, 0.0);
    assert_eq!(r.coefficients[0][1], 1.0);
}

#[test]
fn zero_dmax_gives_all_ones() {
    // mean: ref 1, 2, 3 -> 0.5, 1, 1.5 and F = 2, 4, 6 -> 0.5, 1, 1.5: every D = 0.
    let r = grey_report(
        "ref",
        &[1.0, 2.0, 3.0],
        &[("F", [2.0, 4.0, 6.0])],
        Normalization::Mean,
        0.5,
    )
    .unwrap();
    assert_eq!(r.coefficients, vec![vec![1.0; 3]]);
    assert_eq!(r.grades[0].grade, 1.0);
    // a single point: Dmax is that one difference's own value, so xi = 1 too
    let r = grey_report("ref", &[3.0], &[("G", [5.0])], Normalization::None, 0.5).unwrap();
    assert_eq!(r.coefficients, vec![vec![1.0]]);
}

#[test]
fn published_gdp_example() {
    // Regional GDP and its primary, secondary and tertiary sectors, 2000-2005,
    // mean normalisation, rho = 0.5 (a widely reproduced teaching example).
    // The published mean-normalised table (4 decimals) must match ours; the
    // grades themselves are recorded with numpy (see fixtures/record.py).
    let cases: Vec<Value> = serde_json::from_str(include_str!("fixtures/reference.json")).unwrap();
    let case = cases.iter().find(|c| c["name"] == "gdp_published").unwrap();
    let published = case["published_normalised"].as_array().unwrap();
    let mut columns = vec![nums(&case["reference"])];
    for c in case["compare"].as_array().unwrap() {
        columns.push(nums(&c[1]));
    }
    for (j, col) in columns.iter().enumerate() {
        let norm = normalize("col", col, Normalization::Mean).unwrap();
        for (k, v) in norm.iter().enumerate() {
            let p = published[k][j].as_f64().unwrap();
            assert!(
                (v - p).abs() <= 0.5e-4 + 1e-12,
                "row {k} col {j}: {v} vs {p}"
            );
        }
    }
    // Grades (recorded with numpy), and their order: tertiary > secondary > primary.
    let compare: Vec<(String, Vec<f64>)> = case["compare"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().to_string(), nums(&c[1])))
        .collect();
    let r = grey_report("gdp", &columns[0], &compare, Normalization::Mean, 0.5).unwrap();
    for (g, want) in r.grades.iter().zip(nums(&case["grades"])) {
        close(g.grade, want, 1e-14, 0.0);
    }
    let ranks: Vec<usize> = r.grades.iter().map(|g| g.rank).collect();
    assert_eq!(ranks, [3, 2, 1]);
}

#[test]
fn matches_numpy_for_every_normalisation_and_rho() {
    let cases: Vec<Value> = serde_json::from_str(include_str!("fixtures/reference.json")).unwrap();
    assert_eq!(cases.len(), 14);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let method: Normalization = case["normalization"].as_str().unwrap().parse().unwrap();
        let rho = case["rho"].as_f64().unwrap();
        let compare: Vec<(String, Vec<f64>)> = case["compare"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c[0].as_str().unwrap().to_string(), nums(&c[1])))
            .collect();
        let r = grey_report("ref", &nums(&case["reference"]), &compare, method, rho).unwrap();
        assert_eq!(r.rho, rho);
        assert_eq!(r.normalization, method);
        let want_xi = case["coefficients"].as_array().unwrap();
        assert_eq!(r.coefficients.len(), want_xi.len(), "{name}");
        for (row, want) in r.coefficients.iter().zip(want_xi) {
            for (a, b) in row.iter().zip(nums(want)) {
                close(*a, b, 1e-14, 0.0);
            }
        }
        let ranks: Vec<usize> = nums(&case["ranks"]).iter().map(|&v| v as usize).collect();
        for ((g, want), rank) in r.grades.iter().zip(nums(&case["grades"])).zip(ranks) {
            close(g.grade, want, 1e-14, 0.0);
            assert_eq!(g.rank, rank, "{name}: {}", g.column);
        }
    }
}

#[test]
fn equal_grades_share_the_smaller_rank() {
    assert_eq!(competition_ranks(&[0.7, 0.9, 0.9, 0.5]), [3, 1, 1, 4]);
    assert_eq!(competition_ranks(&[0.9, 0.8, 0.8, 0.7]), [1, 2, 2, 4]);
    assert_eq!(competition_ranks(&[0.5, 0.5, 0.5]), [1, 1, 1]);
    assert!(competition_ranks(&[]).is_empty());
    // identical compared sequences in a report
    let r = grey_report(
        "ref",
        &[1.0, 2.0, 3.0],
        &[
            ("A", [1.0, 2.0, 4.0]),
            ("B", [2.0, 2.0, 2.0]),
            ("C", [1.0, 2.0, 4.0]),
        ],
        Normalization::None,
        0.5,
    )
    .unwrap();
    let ranks: Vec<usize> = r.grades.iter().map(|g| g.rank).collect();
    assert_eq!(ranks, [1, 3, 1]);
}

#[test]
fn json_has_exactly_the_contract_shape() {
    let r = grey_report(
        "ref",
        &[1.0, 2.0, 3.0],
        &[("A", [1.0, 2.0, 4.0]), ("B", [2.0, 1.0, 2.0])],
        Normalization::MinMax,
        0.5,
    )
    .unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["coefficients", "grades", "normalization", "rho"]);
    assert_eq!(v["normalization"], json!("minmax"));
    assert_eq!(v["rho"], json!(0.5));
    assert_eq!(v["grades"][1]["column"], json!("B"));
    assert_eq!(v["grades"][0].as_object().unwrap().len(), 3);
    assert_eq!(v["coefficients"].as_array().unwrap().len(), 2);
    assert_eq!(v["coefficients"][0].as_array().unwrap().len(), 3);
    for (m, s) in [
        (Normalization::Mean, "mean"),
        (Normalization::Initial, "initial"),
        (Normalization::MinMax, "minmax"),
        (Normalization::None, "none"),
    ] {
        assert_eq!(serde_json::to_value(m).unwrap(), json!(s));
        assert_eq!(s.parse::<Normalization>().unwrap(), m);
        assert_eq!(m.to_string(), s);
    }
    assert_eq!(Normalization::default(), Normalization::Mean);
}

#[test]
fn bad_input_is_rejected_with_the_reason() {
    let one = |reference: &[f64], cols: &[(&str, Vec<f64>)], m: Normalization, rho: f64| {
        grey_report("gdp", reference, cols, m, rho).unwrap_err()
    };
    let ok = [("A", vec![1.0, 2.0])];
    for rho in [0.0, -0.5, 1.5, f64::NAN] {
        assert!(matches!(
            one(&[1.0, 2.0], &ok, Normalization::Mean, rho),
            GreyError::Rho(_)
        ));
    }
    assert_eq!(
        one(&[1.0, 2.0], &ok, Normalization::Mean, 1.0 + 1e-12),
        GreyError::Rho(1.0 + 1e-12)
    );
    // rho = 1 is allowed
    assert!(grey_report("gdp", &[1.0, 2.0], &ok, Normalization::Mean, 1.0).is_ok());
    assert_eq!(
        one(&[], &[("A", vec![])], Normalization::Mean, 0.5),
        GreyError::NoPoints
    );
    assert_eq!(
        one(&[1.0], &[], Normalization::Mean, 0.5),
        GreyError::NoCompared
    );
    assert_eq!(
        one(
            &[1.0, 2.0],
            &[("A", vec![1.0, 2.0]), ("B", vec![1.0])],
            Normalization::Mean,
            0.5
        ),
        GreyError::LengthMismatch {
            column: "B".into(),
            len: 1,
            expected: 2
        }
    );
    assert!(matches!(
        one(&[1.0, f64::NAN], &ok, Normalization::None, 0.5),
        GreyError::NonFinite { ref column, index: 1, .. } if column == "gdp"
    ));
    assert!(matches!(
        one(&[1.0, 2.0], &[("A", vec![f64::INFINITY, 2.0])], Normalization::None, 0.5),
        GreyError::NonFinite { ref column, index: 0, .. } if column == "A"
    ));
    assert_eq!(
        one(
            &[1.0, 2.0],
            &[("A", vec![-1.0, 1.0])],
            Normalization::Mean,
            0.5
        ),
        GreyError::ZeroMean { column: "A".into() }
    );
    assert_eq!(
        one(&[0.0, 2.0], &ok, Normalization::Initial, 0.5),
        GreyError::ZeroInitial {
            column: "gdp".into()
        }
    );
    assert_eq!(
        one(
            &[1.0, 2.0],
            &[("A", vec![3.0, 3.0])],
            Normalization::MinMax,
            0.5
        ),
        GreyError::Constant { column: "A".into() }
    );
    let msg = one(
        &[1.0, 2.0],
        &[("A", vec![3.0, 3.0])],
        Normalization::MinMax,
        0.5,
    )
    .to_string();
    assert!(msg.contains("\"A\"") && msg.contains("constant"), "{msg}");
    assert_eq!(
        "zscore".parse::<Normalization>(),
        Err(GreyError::UnknownNormalization("zscore".into()))
    );
    // lower-level entry points
    assert_eq!(
        normalize("x", &[], Normalization::None),
        Err(GreyError::NoPoints)
    );
    assert_eq!(
        coefficients(&[1.0], &[vec![1.0]], 0.0),
        Err(GreyError::Rho(0.0))
    );
    assert_eq!(coefficients(&[], &[vec![]], 0.5), Err(GreyError::NoPoints));
    assert_eq!(coefficients(&[1.0], &[], 0.5), Err(GreyError::NoCompared));
    assert!(matches!(
        coefficients(&[1.0, 2.0], &[vec![1.0]], 0.5),
        Err(GreyError::LengthMismatch {
            len: 1,
            expected: 2,
            ..
        })
    ));
    assert!(matches!(
        coefficients(&[1.0], &[vec![f64::NAN]], 0.5),
        Err(GreyError::NonFinite { index: 0, .. })
    ));
    assert_eq!(
        coefficients(&[1.0, 3.0], &[vec![1.0, 2.0]], 0.5),
        Ok(vec![vec![1.0, 1.0 / 3.0]])
    );
}

#[test]
fn settings_are_checked_once_and_names_ignore_case() {
    use rurban_grey::{Fit, GreyInput, GreyOptions, ParamGuard, Rho};
    assert_eq!(
        "MinMax".parse::<Normalization>().unwrap(),
        Normalization::MinMax
    );
    assert_eq!(
        " NONE ".parse::<Normalization>().unwrap(),
        Normalization::None
    );
    assert_eq!(Rho::new(1.0).unwrap().get(), 1.0);
    assert_eq!("0.25".parse::<Rho>().unwrap().get(), 0.25);
    for bad in ["0", "1.5", "-0.5", "NaN"] {
        assert!(bad.parse::<Rho>().is_err(), "{bad}");
    }
    let bad = GreyOptions {
        rho: 2.0,
        ..GreyOptions::default()
    };
    assert_eq!(bad.check(), Err(GreyError::Rho(2.0)));
    // reference 1, 2, 3; A = 1, 2, 4 under no normalisation, rho = 1:
    // D = 0, 0, 1, Dmin 0, Dmax 1, xi = 1, 1, 1/2, grade 5/6
    let p = GreyOptions {
        normalization: Normalization::None,
        rho: 1.0,
    }
    .check()
    .unwrap();
    let compare = vec![("A".to_string(), vec![1.0, 2.0, 4.0])];
    let r = p
        .fit(&GreyInput {
            reference_name: "ref",
            reference: &[1.0, 2.0, 3.0],
            compare: &compare,
        })
        .unwrap();
    assert!((r.grades[0].grade - 5.0 / 6.0).abs() < 1e-15);
}

#[test]
fn overflowing_normalisations_and_differences_are_errors() {
    let over = |r: Result<rurban_grey::GreyReport, GreyError>| match r {
        Err(GreyError::Overflow {
            column,
            index,
            value,
            what,
        }) => (column, index, value, what),
        other => panic!("expected an overflow error, got {other:?}"),
    };
    let y = [1.0, 2.0, 3.0, 4.0];
    // min-max: the range 1e308 - (-1e308) is not finite.
    let x = [1e308, -1e308, 3.0, 4.0];
    let (c, i, v, w) = over(grey_report(
        "x",
        &x,
        &[("y", &y)],
        Normalization::MinMax,
        0.5,
    ));
    assert_eq!((c.as_str(), i, v, w), ("x", 0, 1e308, "range (max - min)"));
    // mean: the sum overflows.
    let x = [1e308, 1.7e308, 1e308, 1e308];
    let (c, i, v, w) = over(grey_report("x", &x, &[("y", &y)], Normalization::Mean, 0.5));
    assert_eq!((c.as_str(), i, v, w), ("x", 1, 1.7e308, "mean"));
    // none: a difference overflows; the larger value of the pair is named.
    let z = [1.0, -1.7e308, 3.0, 4.0];
    let (c, i, v, _) = over(grey_report("x", &x, &[("z", &z)], Normalization::None, 0.5));
    assert_eq!((c.as_str(), i, v), ("x", 1, 1.7e308));
    // none: every difference is finite, but dmin + rho dmax is not.
    let x = [1.5e308, 1.0, 3.0, 4.0];
    let z = [0.0, 1.0, 3.0, 4.0];
    let (c, i, v, w) = over(grey_report("x", &x, &[("z", &z)], Normalization::None, 0.5));
    assert_eq!(
        (c.as_str(), i, v, w),
        ("x", 0, 1.5e308, "distinguishing term dmin + rho dmax")
    );
}

#[test]
fn coefficients_of_normalised_sequences_refuse_an_overflowing_difference() {
    let e = coefficients(&[1.0, 1.7e308], &[vec![1.0, -1.7e308]], 0.5).unwrap_err();
    assert!(
        matches!(&e, GreyError::Overflow { column, index: 1, .. } if column == "reference"),
        "{e:?}"
    );
}
