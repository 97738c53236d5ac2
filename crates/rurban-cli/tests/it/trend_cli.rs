//! End-to-end tests of `rurban trend` through the binary: the contract's
//! JSON shape, the numbers of the 31 provincial series against the values
//! recorded from pymannkendall and scipy (`crates/rurban-trend/tests/
//! fixtures/record.py` writes `reference.json`), group order, the choice of
//! x (`--x`, the year column, the row number), and every bad input ending
//! in one `error:` line.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::{TempDir, assert_keys, assert_rel, fnum, read_json, rurban, shared_data, strings};

const RTOL: f64 = 1e-9;

fn reference() -> Value {
    read_json(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rurban-trend/tests/fixtures/reference.json"),
    )
}

fn trend_json(args: &[&str]) -> Value {
    let mut a = vec!["trend"];
    a.extend_from_slice(args);
    a.extend(["--format", "json"]);
    rurban(&a).json()
}

fn keys(doc: &Value) -> Vec<String> {
    doc["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["key"].as_str().expect("string key").to_string())
        .collect()
}

/// The one group of a run without `--by`.
fn only(doc: &Value) -> &Value {
    assert_eq!(keys(doc), ["all"]);
    &doc["groups"][0]
}

#[track_caller]
fn close(a: f64, b: f64, what: &str) {
    rurban_test_support::assert_scaled(a, b, 1e-12, what);
}

#[test]
fn provincial_series_match_the_recorded_references() {
    let data = shared_data("china-provinces/provinces_2005_2024.csv");
    let reference = reference();
    for case in reference["provinces"].as_array().expect("provinces") {
        let column = case["column"].as_str().unwrap();
        let out = rurban([
            "trend".as_ref(),
            "--input".as_ref(),
            data.as_os_str(),
            "--column".as_ref(),
            column.as_ref(),
            "--by".as_ref(),
            "地区".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        let doc = out.json();
        assert_keys(&doc, &["alpha", "groups", "warnings"], &[], "top level");
        assert_eq!(fnum(&doc["alpha"], "alpha"), 0.05);
        let expected = case["groups"].as_array().unwrap();
        let want_keys: Vec<&str> = expected
            .iter()
            .map(|g| g["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys(&doc), want_keys, "{column}: group order");
        for (g, e) in doc["groups"].as_array().unwrap().iter().zip(expected) {
            let what = format!("{column} {}", e["key"]);
            assert_keys(
                g,
                &["key", "n", "ols", "mann_kendall", "sen_slope", "direction"],
                &[],
                &what,
            );
            assert_keys(&g["ols"], &["slope", "se", "t", "p", "r2"], &[], &what);
            assert_keys(
                &g["mann_kendall"],
                &["s", "var_s", "z", "p", "tau"],
                &[],
                &what,
            );
            assert_eq!(g["n"], e["expected"]["n"], "{what} n");
            for part in ["ols", "mann_kendall"] {
                for (k, v) in e["expected"][part].as_object().unwrap() {
                    let w = format!("{what} {part}.{k}");
                    assert_rel(fnum(&g[part][k], &w), fnum(v, &w), RTOL, &w);
                }
            }
            assert!(g["mann_kendall"]["s"].is_i64(), "{what}: S is an integer");
            let w = format!("{what} sen_slope");
            assert_rel(
                fnum(&g["sen_slope"], &w),
                fnum(&e["expected"]["sen_slope"], &w),
                RTOL,
                &w,
            );
            let p = fnum(&e["expected"]["mann_kendall"]["p"], "p");
            let s = e["expected"]["mann_kendall"]["s"].as_i64().unwrap();
            let want = match (p <= 0.05, s.signum()) {
                (true, 1) => "increasing",
                (true, -1) => "decreasing",
                _ => "no trend",
            };
            assert_eq!(g["direction"], want, "{what} direction");
        }
        // Rows with a missing value are left out, and said so on stderr and
        // in "warnings".
        let missing: usize = expected
            .iter()
            .map(|g| 20 - g["expected"]["n"].as_u64().unwrap() as usize)
            .sum();
        let warnings = strings(&doc["warnings"]);
        assert_eq!(
            warnings.len(),
            usize::from(missing > 0),
            "{column}: {warnings:?}"
        );
        assert_eq!(out.warnings().len(), warnings.len());
        if missing > 0 {
            assert!(
                warnings[0].contains(&format!("{missing} row(s)")),
                "{warnings:?}"
            );
        }
    }
}

#[test]
fn groups_are_ordered_numerically_or_lexically() {
    let dir = TempDir::new("trend-order");
    let mut csv = String::from("code,name,year,v\n");
    for (code, name) in [("10", "b"), ("9", "c"), ("100", "a")] {
        for (k, y) in (2001..=2003).enumerate() {
            csv.push_str(&format!("{code},{name},{y},{}\n", k * k));
        }
    }
    let f = dir.write("panel.csv", &csv);
    let f = f.to_str().unwrap();
    let doc = trend_json(&["--input", f, "--column", "v", "--by", "code"]);
    assert_eq!(keys(&doc), ["9", "10", "100"]);
    let doc = trend_json(&["--input", f, "--column", "v", "--by", "name"]);
    assert_eq!(keys(&doc), ["a", "b", "c"]);
    // Without --by: one group "all" of every row.
    let doc = trend_json(&["--input", f, "--column", "v"]);
    assert_eq!(only(&doc)["n"], 9);
}

#[test]
fn x_column_sorted_stably() {
    // The case `ties_in_x_keep_input_order` of the crate's hand tests:
    // x = 2,1,2,3, C = 5,1,4,6 -> S = 4, Sen 2.5, OLS slope 2.5, R^2 25/28.
    let dir = TempDir::new("trend-x");
    let f = dir.write(
        "s.csv",
        "year,t,v\n2001,2,5\n2002,1,1\n2003,2,4\n2004,3,6\n",
    );
    let doc = trend_json(&["--input", f.to_str().unwrap(), "--column", "v", "--x", "t"]);
    let g = only(&doc);
    assert_eq!(g["mann_kendall"]["s"], 4);
    close(fnum(&g["sen_slope"], "sen"), 2.5, "sen");
    close(fnum(&g["ols"]["slope"], "slope"), 2.5, "slope");
    close(fnum(&g["ols"]["r2"], "r2"), 25.0 / 28.0, "r2");
    // Against the year column (the default) the series is 5,1,4,6 in file
    // order: S = sign(1-5) + sign(4-5) + sign(6-5) + sign(4-1) + sign(6-1)
    // + sign(6-4) = -1 - 1 + 1 + 1 + 1 + 1 = 2.
    let doc = trend_json(&["--input", f.to_str().unwrap(), "--column", "v"]);
    assert_eq!(only(&doc)["mann_kendall"]["s"], 2);
}

#[test]
fn year_column_is_the_default_x() {
    // Years in descending file order: by year the series is 3,2,1 (S = -3);
    // by row number it would be 1,2,3 (S = 3). The Chinese alias counts.
    let dir = TempDir::new("trend-year");
    for header in ["year", "Time", "年份"] {
        let f = dir.write("y.csv", &format!("{header},v\n2003,1\n2002,2\n2001,3\n"));
        let doc = trend_json(&["--input", f.to_str().unwrap(), "--column", "v"]);
        let g = only(&doc);
        assert_eq!(g["mann_kendall"]["s"], -3, "{header}");
        close(fnum(&g["ols"]["slope"], "slope"), -1.0, "slope");
        assert_eq!(g["direction"], "no trend", "n = 3: p = 0.296");
    }
}

#[test]
fn row_number_is_x_without_a_year_column() {
    // v = 1, 3, NA, 2 in data rows 1..4: x = 1, 2, 4 (rows counted before
    // the missing one is dropped). S = 1 + 1 - 1 = 1. Sen: slopes 2, 1/3,
    // -1/2 -> 1/3 (with x = 1,2,3 it would be 0.5). OLS: xbar = 7/3,
    // cbar = 2, Sxx = 14/3, Sxy = 1 -> slope 3/14.
    let dir = TempDir::new("trend-rows");
    let f = dir.write("r.csv", "name,v\na,1\nb,3\nc,NA\nd,2\n");
    let out = rurban([
        "trend",
        "--input",
        f.to_str().unwrap(),
        "--column",
        "v",
        "--format",
        "json",
    ]);
    let doc = out.json();
    let g = only(&doc);
    assert_eq!(g["n"], 3);
    assert_eq!(g["mann_kendall"]["s"], 1);
    close(fnum(&g["sen_slope"], "sen"), 1.0 / 3.0, "sen");
    close(fnum(&g["ols"]["slope"], "slope"), 3.0 / 14.0, "slope");
    let w = strings(&doc["warnings"]);
    assert_eq!(w.len(), 1);
    assert!(
        w[0].contains("1 row(s)") && w[0].contains("rows 3"),
        "{w:?}"
    );
    assert_eq!(out.warnings().len(), 1);
}

#[test]
fn human_table_by_default() {
    let dir = TempDir::new("trend-human");
    let f = dir.write("h.csv", "year,v\n2001,1\n2002,2\n2003,3\n2004,5\n2005,8\n");
    let out = rurban(["trend", "--input", f.to_str().unwrap(), "--column", "v"]);
    out.ok();
    assert!(out.stdout.contains("Sen slope") && out.stdout.contains("increasing"));
    assert!(serde_json::from_str::<Value>(&out.stdout).is_err());
}

#[test]
fn too_few_points_names_the_group() {
    let dir = TempDir::new("trend-few");
    let f = dir.write(
        "few.csv",
        "region,year,v\nA,2001,1\nA,2002,2\nA,2003,3\nB,2001,1\nB,2002,\nB,2003,2\n",
    );
    let out = rurban([
        "trend",
        "--input",
        f.to_str().unwrap(),
        "--column",
        "v",
        "--by",
        "region",
    ]);
    out.error(&["few.csv", "group 'B'", "2 point(s)", "at least 3"]);
}

#[test]
fn all_x_equal_names_the_group() {
    let dir = TempDir::new("trend-constx");
    let f = dir.write("cx.csv", "region,year,v\nA,2001,1\nA,2001,2\nA,2001,3\n");
    let out = rurban([
        "trend",
        "--input",
        f.to_str().unwrap(),
        "--column",
        "v",
        "--by",
        "region",
    ]);
    out.error(&["cx.csv", "group 'A'", "every x is 2001"]);
}

#[test]
fn unknown_columns() {
    let dir = TempDir::new("trend-cols");
    let f = dir.write("c.csv", "year,v\n2001,1\n2002,2\n2003,3\n");
    let f = f.to_str().unwrap();
    for (flag, name) in [("--column", "nope"), ("--x", "nox"), ("--by", "noby")] {
        let mut args = vec!["trend", "--input", f, "--column", "v"];
        if flag == "--column" {
            args[4] = name;
        } else {
            args.extend([flag, name]);
        }
        rurban(&args).error(&["c.csv", &format!("column '{name}'"), "no such column"]);
    }
}

#[test]
fn non_numeric_cells_name_file_row_and_column() {
    let dir = TempDir::new("trend-cells");
    let f = dir.write("bad.csv", "year,v\n2001,1\n2002,abc\n2003,3\n");
    rurban(["trend", "--input", f.to_str().unwrap(), "--column", "v"]).error(&[
        "bad.csv",
        "row 2",
        "column 'v'",
        "'abc' is not a number",
    ]);
    let f = dir.write("inf.csv", "year,v\n2001,1\n2002,2\n2003,inf\n");
    rurban(["trend", "--input", f.to_str().unwrap(), "--column", "v"]).error(&[
        "inf.csv",
        "row 3",
        "column 'v'",
        "not a finite number",
    ]);
    let f = dir.write("x.csv", "year,v\n2001,1\n20x2,2\n2003,3\n");
    rurban(["trend", "--input", f.to_str().unwrap(), "--column", "v"]).error(&[
        "x.csv",
        "row 2",
        "column 'year'",
    ]);
    // A missing x where the value is given.
    let f = dir.write("mx.csv", "year,v\n2001,1\n,2\n2003,3\n2004,3\n");
    rurban(["trend", "--input", f.to_str().unwrap(), "--column", "v"]).error(&[
        "mx.csv",
        "row 2",
        "column 'year'",
        "missing x",
    ]);
}

#[test]
fn alpha_must_be_in_the_open_unit_interval() {
    let dir = TempDir::new("trend-alpha");
    let f = dir.write("a.csv", "year,v\n2001,1\n2002,2\n2003,3\n2004,4\n2005,5\n");
    let f = f.to_str().unwrap();
    for a in ["0", "1", "-0.5", "NaN"] {
        rurban(["trend", "--input", f, "--column", "v", "--alpha", a]).error(&["--alpha"]);
    }
    // n = 5 rising: p = 0.0275 (see the crate's hand tests): significant at
    // 0.05, not at 0.01; the JSON echoes alpha.
    let doc = trend_json(&["--input", f, "--column", "v", "--alpha", "0.01"]);
    assert_eq!(fnum(&doc["alpha"], "alpha"), 0.01);
    assert_eq!(only(&doc)["direction"], "no trend");
    let doc = trend_json(&["--input", f, "--column", "v"]);
    assert_eq!(only(&doc)["direction"], "increasing");
    // An exact line: se = 0 -> t null, p 0.
    let g = only(&doc);
    assert!(g["ols"]["t"].is_null());
    assert_eq!(fnum(&g["ols"]["p"], "p"), 0.0);
}
