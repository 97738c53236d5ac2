//! Reading a summary from its text (`read_summary_str`, what `rurban
//! report` does) gives the summary, and every message, that parsing the text
//! into a `serde_json::Value` and reading that (`read_summary`) gives.

use crate::common;

use common::fixture;
use rurban_report::{SummaryTextError, read_summary, read_summary_str, render_html_summary};
use serde_json::{Value, json};

/// The full fixture with coupling rows and obstacle rows (the columns that
/// are streamed), for every region and year.
fn with_construction() -> Value {
    let mut s = fixture("summary_full.json");
    let regions: Vec<String> = s["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let years: Vec<i64> = s["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    let mut coupling = Vec::new();
    let mut obstacles = Vec::new();
    for (r, region) in regions.iter().enumerate() {
        for (y, year) in years.iter().enumerate() {
            let d = ((r + y) % 10) as f64 / 10.0 + 0.05;
            coupling.push(json!({"region": region, "year": year, "C": 1.0 - d / 3.0,
                "T": d * d, "D": d, "level": (r + y) % 10 + 1, "level_name": ""}));
            for i in 0..3 {
                obstacles.push(json!({"region": region, "year": year,
                    "indicator": format!("ind_{i}"), "dimension": "economy",
                    "obstacle": 0.1 * (i + 1) as f64 + r as f64 / 1000.0 + 1e-17}));
            }
        }
    }
    s["coupling"] =
        json!({"dimensions": ["economy", "society"], "alpha": [0.5, 0.5], "rows": coupling});
    s["obstacle"] = json!({"rows": obstacles});
    s
}

/// The message of reading `v` from its text, which must equal that of
/// reading it as a `Value`.
fn same_error(v: &Value) -> String {
    let from_value = read_summary(v)
        .expect_err("read_summary accepted it")
        .to_string();
    let text = serde_json::to_string(v).unwrap();
    let from_text = match read_summary_str(&text) {
        Err(SummaryTextError::Report(e)) => e.to_string(),
        other => panic!("expected a summary error, got {other:?}"),
    };
    assert_eq!(from_text, from_value);
    from_text
}

#[test]
fn the_text_gives_the_summary_the_value_gives() {
    let recorded = [
        "summary_full.json",
        "summary_zh.json",
        "summary_minimal.json",
    ];
    let mut all: Vec<(String, Value)> = recorded
        .iter()
        .map(|n| (n.to_string(), fixture(n)))
        .collect();
    all.push(("with construction".into(), with_construction()));
    for (name, v) in all {
        for text in [
            serde_json::to_string(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap(),
        ] {
            let typed = read_summary_str(&text).unwrap();
            let via_value = read_summary(&v).unwrap();
            assert_eq!(
                serde_json::to_value(&typed).unwrap(),
                serde_json::to_value(&via_value).unwrap(),
                "{name}"
            );
            assert_eq!(
                render_html_summary(&typed).unwrap(),
                render_html_summary(&via_value).unwrap(),
                "{name}"
            );
        }
    }
    // the streamed columns hold every row
    let typed = read_summary_str(&with_construction().to_string()).unwrap();
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        back["obstacle"]["rows"].as_array().unwrap().len(),
        13 * 10 * 3
    );
    assert_eq!(back["coupling"]["rows"].as_array().unwrap().len(), 13 * 10);
    assert_eq!(back["obstacle"], with_construction()["obstacle"]);
}

#[test]
fn field_errors_are_those_of_the_value() {
    let e = same_error(&json!([1, 2]));
    assert!(
        e.contains("(top level)") && e.contains("an array of 2 item(s)"),
        "{e}"
    );
    same_error(&json!("summary"));
    for key in ["regions", "years", "dimensions", "scores"] {
        let mut s = fixture("summary_full.json");
        s.as_object_mut().unwrap().remove(key);
        let e = same_error(&s);
        assert_eq!(e, format!("summary.json: `{key}` is missing"));
    }
    let mut s = fixture("summary_full.json");
    s["scores"][3]["composite"] = json!("high");
    let e = same_error(&s);
    assert!(
        e.contains("`scores[3].composite`") && e.contains("the string \"high\""),
        "{e}"
    );
    let mut s = fixture("summary_full.json");
    s["years"][2] = json!(2013.5);
    assert!(same_error(&s).contains("`years[2]` should be a whole number"));
    // in the streamed columns
    let mut s = with_construction();
    s["obstacle"]["rows"][7]["obstacle"] = json!("big");
    let e = same_error(&s);
    assert!(
        e.contains("`obstacle.rows[7].obstacle`") && e.contains("the string \"big\""),
        "{e}"
    );
    let mut s = with_construction();
    s["coupling"]["rows"][5]
        .as_object_mut()
        .unwrap()
        .remove("D");
    let e = same_error(&s);
    assert!(e.contains("coupling.rows[5].D` is missing"), "{e}");
    // two bad fields: the first in the document is named, as before
    let mut s = fixture("summary_full.json");
    s["years"][0] = json!("y");
    s["scores"][0]["composite"] = json!("x");
    same_error(&s);
}

#[test]
fn a_syntax_error_comes_before_a_field_error() {
    let full = serde_json::to_string(&fixture("summary_full.json")).unwrap();
    for text in [
        // truncated
        &full[..full.len() / 2],
        "",
        "{\"regions\": [\"A\"],",
        // trailing text
        &format!("{full} x"),
    ] {
        match read_summary_str(text) {
            Err(e @ SummaryTextError::Json(_)) => {
                assert_eq!(e.to_string(), "not a valid summary.json");
                let cause = std::error::Error::source(&e).unwrap().to_string();
                assert!(cause.contains("line 1"), "{cause}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }
    // a field error early and a syntax error at the end: the syntax error
    let mut s = fixture("summary_full.json");
    s["years"][0] = json!("y");
    let text = serde_json::to_string(&s).unwrap();
    let text = &text[..text.len() - 1];
    assert!(matches!(
        read_summary_str(text),
        Err(SummaryTextError::Json(_))
    ));
}
