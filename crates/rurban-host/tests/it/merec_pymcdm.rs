//! The MEREC plugin, loaded through the dynamic loader, against weights
//! recorded from pymcdm 1.4.0 (`plugins/merec-weights/tests/fixtures/record.py`).

use crate::common;

use rurban_core::Direction;
use rurban_host::Registry;

#[test]
fn merec_plugin_matches_pymcdm() {
    let path = common::workspace().join("plugins/merec-weights/tests/fixtures/merec_pymcdm.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);

    let mut r = Registry::with_builtins();
    r.load(&common::merec()).unwrap();
    let merec = r.weighting("merec").unwrap();

    let mut saw_cost = false;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let rows: Vec<Vec<f64>> = serde_json::from_value(case["matrix"].clone()).unwrap();
        let types: Vec<i64> = serde_json::from_value(case["types"].clone()).unwrap();
        let expect: Vec<f64> = serde_json::from_value(case["weights"].clone()).unwrap();
        let names: Vec<String> = serde_json::from_value(case["names"].clone()).unwrap();
        let (n, m) = (rows.len(), rows[0].len());
        let raw = ndarray::Array2::from_shape_vec((n, m), rows.concat()).unwrap();
        let dirs: Vec<Direction> = types
            .iter()
            .map(|&t| {
                if t == 1 {
                    Direction::Positive
                } else {
                    Direction::Negative
                }
            })
            .collect();
        saw_cost |= dirs.contains(&Direction::Negative) && dirs.contains(&Direction::Positive);
        let w = rurban_weighting::compute(&*merec, &names, raw.view(), &dirs, 0.0, "{}")
            .unwrap_or_else(|e| panic!("case {name}: {e}"));
        assert_eq!(w.weights.len(), m);
        for (j, (got, want)) in w.weights.iter().zip(&expect).enumerate() {
            assert!(
                (got - want).abs() < 1e-12,
                "case {name}, column {}: {got} vs pymcdm {want}",
                j + 1
            );
        }
    }
    assert!(
        saw_cost,
        "the fixtures must include a case with mixed directions"
    );
}

#[test]
fn merec_plugin_refuses_non_positive_values_through_the_host() {
    let mut r = Registry::with_builtins();
    r.load(&common::merec()).unwrap();
    let raw = ndarray::array![[1.0, 2.0], [0.0, 3.0], [2.0, 1.0]];
    let e = common::weigh(&r, "merec", raw.view()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "plugin 'merec' ({}) failed: column 'a', row 2: MEREC needs finite values > 0, got 0",
            common::merec().display()
        )
    );
}
