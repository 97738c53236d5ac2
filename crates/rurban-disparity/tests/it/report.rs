//! The contract-level report: JSON shape, group handling, errors.

use crate::common;

use common::close;
use rurban_disparity::{DisparityError, disparity_report, gini, order_keys};
use serde_json::{Value, json};

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

#[test]
fn report_without_sub_groups_has_exactly_the_contract_keys() {
    let groups = vec![("all".to_string(), vec![1.0, 2.0, 3.0, 4.0, 10.0], None)];
    let r = disparity_report(&groups, 1).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["ddof"], json!(1));
    let g = &v["groups"][0];
    let mut keys: Vec<&str> = g.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["cv", "gini", "key", "mean", "n", "std", "theil"]);
    assert_eq!(g["key"], json!("all"));
    assert_eq!(g["n"], json!(5));
    assert_eq!(g["mean"], json!(4.0));
    assert_eq!(g["gini"].as_f64().unwrap(), 0.4);
    // std with ddof 1: sqrt(50 / 4)
    close(g["std"].as_f64().unwrap(), 12.5f64.sqrt(), 1e-15, 0.0);
}

#[test]
fn report_with_sub_groups_serialises_the_decompositions() {
    // Same data as the hand-computed Dagum case in tests/measures.rs.
    let groups = vec![(
        "2020".to_string(),
        vec![1.0, 2.0, 3.0, 4.0, 10.0],
        Some(strings(&["a", "a", "b", "b", "b"])),
    )];
    let r = disparity_report(&groups, 0).unwrap();
    let v: Value = serde_json::to_value(&r).unwrap();
    assert_eq!(v["ddof"], json!(0));
    let g = &v["groups"][0];
    let td = g["theil_decomposition"].as_object().unwrap();
    assert_eq!(td.len(), 2);
    close(
        td["within"].as_f64().unwrap() + td["between"].as_f64().unwrap(),
        g["theil"].as_f64().unwrap(),
        1e-14,
        0.0,
    );
    let d = g["dagum"].as_object().unwrap();
    let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "between",
            "between_groups",
            "total",
            "transvariation",
            "within",
            "within_groups"
        ]
    );
    close(d["total"].as_f64().unwrap(), 0.4, 1e-15, 0.0);
    close(
        d["within_groups"]["a"].as_f64().unwrap(),
        1.0 / 6.0,
        1e-15,
        0.0,
    );
    close(
        d["within_groups"]["b"].as_f64().unwrap(),
        14.0 / 51.0,
        1e-15,
        0.0,
    );
    let pair = &d["between_groups"][0];
    assert_eq!(pair.as_object().unwrap().len(), 4);
    assert_eq!(pair["a"], json!("b"));
    assert_eq!(pair["b"], json!("a"));
    close(pair["gini"].as_f64().unwrap(), 25.0 / 43.0, 1e-15, 0.0);
    assert_eq!(pair["d"], json!(1.0));
}

#[test]
fn within_groups_keep_sub_group_order_in_the_json_text() {
    let groups = vec![(
        "all".to_string(),
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        Some(strings(&["10", "9", "10", "2", "9", "2"])),
    )];
    let r = disparity_report(&groups, 1).unwrap();
    let text = serde_json::to_string(&r).unwrap();
    let (p2, p9, p10) = (
        text.find("\"2\":").unwrap(),
        text.find("\"9\":").unwrap(),
        text.find("\"10\":").unwrap(),
    );
    assert!(p2 < p9 && p9 < p10, "{text}");
    assert_eq!(order_keys(&["10", "9", "2"]), ["2", "9", "10"]);
}

#[test]
fn several_groups_are_reported_in_the_given_order() {
    let groups = vec![
        ("b".to_string(), vec![2.0, 4.0], None),
        ("a".to_string(), vec![1.0, 1.0, 7.0], None),
    ];
    let r = disparity_report(&groups, 1).unwrap();
    assert_eq!(r.groups[0].key, "b");
    assert_eq!(r.groups[1].key, "a");
    assert_eq!(r.groups[1].gini, gini(&[1.0, 1.0, 7.0]).unwrap());
    assert!(r.groups[0].dagum.is_none());
}

#[test]
fn report_errors_name_the_group() {
    let one = |values: Vec<f64>, labels: Option<Vec<String>>| {
        disparity_report(&[("east".to_string(), values, labels)], 1).unwrap_err()
    };
    let in_group = |e: DisparityError| match e {
        DisparityError::InGroup { group, source } => {
            assert_eq!(group, "east");
            *source
        }
        other => panic!("not wrapped: {other:?}"),
    };
    assert_eq!(
        in_group(one(vec![3.0], None)),
        DisparityError::TooFew { n: 1, ddof: 1 }
    );
    assert_eq!(in_group(one(vec![], None)), DisparityError::Empty);
    assert_eq!(
        in_group(one(vec![3.0, 0.0], None)),
        DisparityError::NonPositive {
            index: 1,
            value: 0.0
        }
    );
    assert!(matches!(
        in_group(one(vec![3.0, f64::NAN], None)),
        DisparityError::NonFinite { index: 1, .. }
    ));
    assert_eq!(
        in_group(one(vec![3.0, 4.0], Some(strings(&["w", "w"])))),
        DisparityError::SingleSubgroup("w".into())
    );
    assert_eq!(
        in_group(one(vec![3.0, 4.0], Some(strings(&["w"])))),
        DisparityError::LabelLength {
            values: 2,
            labels: 1
        }
    );
    let msg = one(vec![3.0, -1.0], None).to_string();
    assert!(msg.contains("\"east\"") && msg.contains("-1"), "{msg}");
    // one value is fine with ddof 0
    let r = disparity_report(&[("x".to_string(), vec![3.0], None)], 0).unwrap();
    assert_eq!(r.groups[0].std, 0.0);
    assert_eq!(r.groups[0].gini, 0.0);
}

#[test]
fn ddof_other_than_0_or_1_is_rejected() {
    let groups = vec![("all".to_string(), vec![1.0, 2.0], None)];
    assert_eq!(
        disparity_report(&groups, 2),
        Err(DisparityError::InvalidDdof(2))
    );
}

#[test]
fn ddof_is_checked_once_into_its_type() {
    use rurban_disparity::{Ddof, DisparityOptions, Fit, ParamGuard};
    assert_eq!(Ddof::new(0).unwrap().get(), 0);
    assert_eq!(Ddof::new(2), Err(DisparityError::InvalidDdof(2)));
    assert_eq!("1".parse::<Ddof>().unwrap(), Ddof::ONE);
    assert!("2".parse::<Ddof>().is_err());
    assert!("one".parse::<Ddof>().is_err());
    assert_eq!(
        DisparityOptions { ddof: 3 }.check(),
        Err(DisparityError::InvalidDdof(3))
    );
    // fitting checked parameters is the report
    let groups = vec![("all".to_string(), vec![1.0, 2.0, 4.0], None)];
    let p = DisparityOptions { ddof: 0 }.check().unwrap();
    assert_eq!(
        p.fit(&groups).unwrap(),
        disparity_report(&groups, 0).unwrap()
    );
    // std with ddof 0 of 1, 2, 4: mean 7/3, squares sum 14/3, / 3 -> sqrt(14/9)
    let s = p.fit(&groups).unwrap().groups[0].std;
    assert!((s - (14.0f64 / 9.0).sqrt()).abs() < 1e-15);
}

#[test]
fn errors_name_the_position_of_the_value_within_its_group() {
    let groups = vec![
        ("2019".to_string(), vec![1.0, 2.0], None),
        ("2020".to_string(), vec![3.0, 4.0, 0.0], None),
    ];
    let e = disparity_report(&groups, 1).unwrap_err();
    assert_eq!(e.position(), Some((Some("2020"), 2)));
    assert!(e.cause().contains("not positive"), "{}", e.cause());
    assert!(!e.cause().contains("2020"), "{}", e.cause());
    assert_eq!(DisparityError::Empty.position(), None);
}

#[test]
fn sub_groups_with_inf_or_nan_labels_are_ordered_lexically() {
    // "inf" and "NaN" are text: the sub-groups are ordered lexically, as the
    // table orders --by groups
    assert_eq!(order_keys(&["9", "inf", "10"]), ["10", "9", "inf"]);
    assert_eq!(order_keys(&["9", "NaN", "10"]), ["10", "9", "NaN"]);
}
