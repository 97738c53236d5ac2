//! Bad summaries are rejected by both renderers with a message naming the
//! field and what is wrong.

use crate::common;

use common::fixture;
use rurban_report::{ReportError, render_html, render_xlsx};
use serde_json::{Value, json};

/// Both renderers fail, and the message contains every `needle`.
fn rejects(s: &Value, needles: &[&str]) -> ReportError {
    let e = render_html(s).expect_err("render_html accepted a bad summary");
    let msg = e.to_string();
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} does not contain {n:?}");
    }
    let x = render_xlsx(s).expect_err("render_xlsx accepted a bad summary");
    assert_eq!(x.to_string(), msg);
    e
}

fn full() -> Value {
    fixture("summary_full.json")
}

#[test]
fn top_level_must_be_an_object() {
    let e = rejects(
        &json!([1, 2]),
        &["(top level)", "an object", "an array of 2 item(s)"],
    );
    assert!(matches!(e, ReportError::Invalid { .. }));
}

#[test]
fn required_fields() {
    for key in ["regions", "years", "dimensions", "scores"] {
        let mut s = full();
        s.as_object_mut().unwrap().remove(key);
        let e = rejects(&s, &[&format!("`{key}` is missing")]);
        assert!(matches!(e, ReportError::Missing { .. }));
    }
}

#[test]
fn empty_panel() {
    let mut s = full();
    s["regions"] = json!([]);
    rejects(&s, &["`regions` is empty"]);
    let mut s = full();
    s["years"] = json!([]);
    rejects(&s, &["`years` is empty"]);
    let mut s = full();
    s["dimensions"] = json!([]);
    rejects(&s, &["`dimensions` is empty"]);
}

#[test]
fn duplicate_and_unordered_keys() {
    let mut s = full();
    s["regions"][1] = json!("Nanjing");
    rejects(&s, &["`regions` lists 'Nanjing' twice"]);
    let mut s = full();
    s["years"][1] = json!(2011);
    rejects(&s, &["`years` lists 2011 twice"]);
    let mut s = full();
    s["years"].as_array_mut().unwrap().swap(0, 1);
    rejects(&s, &["`years` must be in increasing order", "2012, 2011"]);
}

#[test]
fn wrong_types_name_the_field() {
    let mut s = full();
    s["scores"][3]["composite"] = json!("high");
    rejects(
        &s,
        &["`scores[3].composite`", "a number", "the string \"high\""],
    );
    let mut s = full();
    s["years"][2] = json!(2013.5);
    rejects(&s, &["`years[2]`", "a whole number"]);
    let mut s = full();
    s["dimensions"][1]["indicators"][0]["weight"] = json!("0.1");
    rejects(&s, &["`dimensions[1].indicators[0].weight`", "a number"]);
    let mut s = full();
    s["dimensions"][0]
        .as_object_mut()
        .unwrap()
        .remove("indicators");
    rejects(&s, &["`dimensions[0].indicators` is missing"]);
    let mut s = full();
    s["name"] = json!(7);
    rejects(&s, &["`name` should be a string, found the number 7"]);
}

#[test]
fn scores_must_match_regions_and_years() {
    let mut s = full();
    s["scores"][5]["region"] = json!("Shanghai");
    rejects(
        &s,
        &["`scores[5].region` = 'Shanghai' is not one of `regions`"],
    );
    let mut s = full();
    s["scores"][5]["year"] = json!(1999);
    rejects(&s, &["`scores[5].year` = 1999 is not one of `years`"]);
    let mut s = full();
    s["scores"][1]["year"] = json!(2011);
    rejects(&s, &["`scores` has region 'Nanjing', year 2011 twice"]);
}

#[test]
fn year_weights_must_match_their_indicators() {
    let mut s = full();
    s["weights"] = json!([{"year": 2011, "indicators": ["a", "b"], "weights": [1.0]}]);
    rejects(&s, &["`weights[0]` has 2 indicators but 1 weights"]);
}

#[test]
fn bad_merges() {
    let mut s = full();
    s["analysis"]["cluster"]["merges"][0][0] = json!(20);
    rejects(
        &s,
        &["`analysis.cluster.merges[0]` merges cluster 20, which does not exist yet"],
    );
    let mut s = full();
    s["analysis"]["cluster"]["merges"]
        .as_array_mut()
        .unwrap()
        .pop();
    rejects(
        &s,
        &["`analysis.cluster.merges` has 11 rows, but 13 labelled rows need 12 merges"],
    );
    let mut s = full();
    s["analysis"]["cluster"]["merges"][0][3] = json!(5);
    rejects(
        &s,
        &["`analysis.cluster.merges[0]` says the merged cluster has 5 rows"],
    );
    let mut s = full();
    s["analysis"]["cluster"]["merges"][0] = json!([0, 1, 0.5]);
    rejects(
        &s,
        &["`analysis.cluster.merges[0]` should be [a, b, height, size], found 3 item(s)"],
    );
    let mut s = full();
    let first = s["analysis"]["cluster"]["merges"][0].clone();
    s["analysis"]["cluster"]["merges"][1][0] = first[0].clone();
    rejects(
        &s,
        &[
            "`analysis.cluster.merges[1]` merges cluster",
            "a second time",
        ],
    );
    let mut s = full();
    s["analysis"]["cluster"]["merges"][2][2] = Value::Null;
    rejects(
        &s,
        &["`analysis.cluster.merges[2]` has a height that is not a number"],
    );
}

#[test]
fn bad_kde() {
    let mut s = full();
    s["analysis"]["kde"]["groups"][2]["density"]
        .as_array_mut()
        .unwrap()
        .pop();
    rejects(
        &s,
        &["`analysis.kde.groups[2]` has 512 grid points but 511 density values"],
    );
    let mut s = full();
    s["analysis"]["kde"]["groups"][0]["peaks"][0] = json!({"x": 0.3});
    rejects(
        &s,
        &["`analysis.kde.groups[0].peaks[0].density` is missing"],
    );
    let mut s = full();
    s["analysis"]["kde"] = json!({"groups": "none"});
    rejects(&s, &["`analysis.kde.groups` should be an array"]);
}

#[test]
fn bad_disparity_convergence_grey_findings() {
    let mut s = full();
    s["analysis"]["disparity"]["composite"]["groups"][4]
        .as_object_mut()
        .unwrap()
        .remove("cv");
    rejects(
        &s,
        &["`analysis.disparity.composite.groups[4].cv` is missing"],
    );
    let mut s = full();
    s["analysis"]["disparity"]["dimensions"]["economy"]["groups"][0]["dagum"] = json!({"total": 1});
    rejects(
        &s,
        &["`analysis.disparity.dimensions.economy.groups[0].dagum.within` is missing"],
    );
    let mut s = full();
    s["analysis"]["convergence"]["beta"]
        .as_object_mut()
        .unwrap()
        .remove("b");
    rejects(&s, &["`analysis.convergence.beta.b` is missing"]);
    let mut s = full();
    s["analysis"]["convergence"]["sigma"][0]["year"] = json!("first");
    rejects(
        &s,
        &["`analysis.convergence.sigma[0].year` should be a whole number"],
    );
    let mut s = full();
    s["analysis"]["grey"]["regions"][3]["result"]["grades"][1]
        .as_object_mut()
        .unwrap()
        .remove("rank");
    rejects(
        &s,
        &["`analysis.grey.regions[3].result.grades[1].rank` is missing"],
    );
    let mut s = full();
    s["findings"]["sentences"][2] = json!(42);
    rejects(&s, &["`findings.sentences[2]` should be a string"]);
    let mut s = full();
    s["analysis"] = json!("off");
    rejects(&s, &["`analysis` should be an object"]);
}

#[test]
fn nulls_are_tolerated_where_json_writes_nan() {
    // A non-finite score is written as null: the report shows it as missing.
    let mut s = full();
    s["scores"][0]["composite"] = Value::Null;
    let html = render_html(&s).unwrap();
    assert!(html.contains("1 region-year(s) have no score"));
    render_xlsx(&s).unwrap();
}
