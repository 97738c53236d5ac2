//! End-to-end tests of `rurban weights`: the binary is run as a process and
//! its JSON is checked against the contract's formulas, written out again
//! as plain loops in `support::reference`.

use crate::support;

use serde_json::Value;
use support::{TempDir, assert_close, f64s, matrix_csv, reference, rurban, strings};

/// Six observations of four indicators with different scales; all values
/// are > 0 so that every method applies.
fn matrix() -> (Vec<&'static str>, Vec<Vec<f64>>) {
    (
        vec!["a", "b", "c", "d"],
        vec![
            vec![3.2, 120.0, 0.45, 7.0],
            vec![5.1, 80.0, 0.30, 9.0],
            vec![2.4, 150.0, 0.62, 4.0],
            vec![6.8, 95.0, 0.51, 8.0],
            vec![4.0, 60.0, 0.28, 6.5],
            vec![3.7, 132.5, 0.40, 5.5],
        ],
    )
}

/// `rurban weights --input FILE --method M --format json EXTRA...`.
fn weights_json(file: &std::path::Path, method: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "weights",
        "--input",
        file.to_str().unwrap(),
        "--method",
        method,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    rurban(&args).json()
}

/// The contract's JSON shape: exactly these keys, `entropy` only for entropy.
#[track_caller]
fn assert_shape(doc: &Value, method: &str, names: &[&str], n: usize) {
    let obj = doc.as_object().expect("a JSON object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    // The contract's keys, plus `directions` ("+"/"-" per indicator).
    let mut want = vec![
        "directions",
        "indicators",
        "method",
        "n",
        "warnings",
        "weights",
    ];
    if method == "entropy" {
        want.push("entropy");
    }
    want.sort_unstable();
    assert_eq!(keys, want, "JSON keys of {method}");
    assert_eq!(doc["method"], method);
    assert_eq!(strings(&doc["indicators"]), names);
    assert_eq!(strings(&doc["directions"]).len(), names.len());
    assert_eq!(doc["n"].as_u64(), Some(n as u64));
    assert!(doc["warnings"].is_array());
    let w = f64s(&doc["weights"]);
    assert_eq!(w.len(), names.len());
    assert!(
        (w.iter().sum::<f64>() - 1.0).abs() < 1e-12,
        "{method}: weights sum to {}",
        w.iter().sum::<f64>()
    );
}

#[test]
fn all_five_methods_match_the_contract_formulas() {
    let dir = TempDir::new("methods");
    let (names, x) = matrix();
    let file = dir.write("m.csv", &matrix_csv(&names, &x));
    let neg = [false, true, false, true];

    let doc = weights_json(&file, "entropy", &["--negative", "b,d"]);
    assert_shape(&doc, "entropy", &names, 6);
    assert_eq!(strings(&doc["directions"]), ["+", "-", "+", "-"]);
    let (w, e) = reference::entropy(&x, &neg, 0.0);
    assert_close(&f64s(&doc["weights"]), &w, 1e-12, "entropy weights");
    assert_close(&f64s(&doc["entropy"]), &e, 1e-12, "entropy e_j");

    let doc = weights_json(&file, "critic", &["--negative", "b,d"]);
    assert_shape(&doc, "critic", &names, 6);
    assert_close(
        &f64s(&doc["weights"]),
        &reference::critic(&x, &neg),
        1e-12,
        "critic",
    );

    let doc = weights_json(&file, "stddev", &["--negative", "b,d"]);
    assert_shape(&doc, "stddev", &names, 6);
    assert_close(
        &f64s(&doc["weights"]),
        &reference::stddev(&x, &neg),
        1e-12,
        "stddev",
    );

    // Direction does not apply to cv: the same weights with or without --negative.
    let want = reference::cv(&x);
    for extra in [&[][..], &["--negative", "b,d"][..]] {
        let doc = weights_json(&file, "cv", extra);
        assert_shape(&doc, "cv", &names, 6);
        assert_close(&f64s(&doc["weights"]), &want, 1e-12, "cv");
    }

    let doc = weights_json(&file, "equal", &["--negative", "b,d"]);
    assert_shape(&doc, "equal", &names, 6);
    assert_eq!(f64s(&doc["weights"]), reference::equal(4));
}

#[test]
fn direction_changes_entropy_and_critic_weights() {
    // A sanity check that --negative is applied: with min-max on (max - x)
    // instead of (x - min), entropy weights of a skewed column change.
    let dir = TempDir::new("direction");
    let (names, x) = matrix();
    let file = dir.write("m.csv", &matrix_csv(&names, &x));
    let plain = f64s(&weights_json(&file, "entropy", &[])["weights"]);
    let (w, _) = reference::entropy(&x, &[false; 4], 0.0);
    assert_close(&plain, &w, 1e-12, "entropy, all positive");
    let neg = f64s(&weights_json(&file, "entropy", &["--negative", "a"])["weights"]);
    assert!(
        (plain[0] - neg[0]).abs() > 1e-6,
        "--negative a did not change a's weight: {plain:?} vs {neg:?}"
    );
}

#[test]
fn entropy_shift() {
    let dir = TempDir::new("shift");
    let (names, x) = matrix();
    let file = dir.write("m.csv", &matrix_csv(&names, &x));
    for s in [0.01, 0.5] {
        let doc = weights_json(
            &file,
            "entropy",
            &["--negative", "b", "--shift", &s.to_string()],
        );
        assert_shape(&doc, "entropy", &names, 6);
        let (w, e) = reference::entropy(&x, &[false, true, false, false], s);
        assert_close(&f64s(&doc["weights"]), &w, 1e-12, "shifted entropy weights");
        assert_close(&f64s(&doc["entropy"]), &e, 1e-12, "shifted entropy e_j");
    }
    rurban([
        "weights",
        "--input",
        file.to_str().unwrap(),
        "--method",
        "entropy",
        "--shift=-1",
    ])
    .error(&["shift"]);
}

#[test]
fn a_constant_column_warns_and_gets_weight_zero() {
    let dir = TempDir::new("constant");
    let (mut names, mut x) = matrix();
    names.insert(2, "flat");
    for r in &mut x {
        r.insert(2, 42.0);
    }
    let file = dir.write("m.csv", &matrix_csv(&names, &x));
    let neg = [false, true, false, false, true];
    let (we, _) = reference::entropy(&x, &neg, 0.0);
    let cases = [
        ("entropy", we),
        ("critic", reference::critic(&x, &neg)),
        ("stddev", reference::stddev(&x, &neg)),
    ];
    for (method, want) in cases {
        let out = rurban([
            "weights",
            "--input",
            file.to_str().unwrap(),
            "--method",
            method,
            "--negative",
            "b,d",
            "--format",
            "json",
        ]);
        let doc = out.json();
        assert_shape(&doc, method, &names, 6);
        let w = f64s(&doc["weights"]);
        assert_eq!(w[2], 0.0, "{method}: constant column weight");
        assert_close(&w, &want, 1e-12, method);
        let warnings = out.warnings();
        assert!(
            warnings.iter().any(|l| l.contains("flat")),
            "{method}: no stderr warning naming 'flat': {}",
            out.stderr
        );
        let json_warnings = strings(&doc["warnings"]);
        assert!(
            json_warnings.iter().any(|l| l.contains("flat")),
            "{method}: no JSON warning naming 'flat': {json_warnings:?}"
        );
    }
    // Without a constant column there is nothing to warn about.
    let (names, x) = matrix();
    let file = dir.write("ok.csv", &matrix_csv(&names, &x));
    let out = rurban([
        "weights",
        "--input",
        file.to_str().unwrap(),
        "--method",
        "entropy",
        "--format",
        "json",
    ]);
    assert!(strings(&out.json()["warnings"]).is_empty());
    assert!(out.warnings().is_empty(), "{}", out.stderr);
}

#[test]
fn tsv_input_reads_like_csv() {
    let dir = TempDir::new("tsv");
    let (names, x) = matrix();
    let tsv = matrix_csv(&names, &x).replace(',', "\t");
    let file = dir.write("m.tsv", &tsv);
    let doc = weights_json(&file, "critic", &["--negative", "b"]);
    assert_shape(&doc, "critic", &names, 6);
    assert_close(
        &f64s(&doc["weights"]),
        &reference::critic(&x, &[false, true, false, false]),
        1e-12,
        "critic on TSV",
    );
}

/// A small table with Chinese headers, as Chinese Excel writes it.
const CHINESE: &str = "地区,年份,人均可支配收入,城镇化率,城乡收入比\n\
                       哈尔滨,2020,30140,66.1,2.11\n\
                       长春,2020,32140,62.6,2.30\n\
                       沈阳,2020,41950,84.5,2.40\n\
                       大连,2020,46460,80.6,2.15\n";

fn chinese_matrix() -> Vec<Vec<f64>> {
    vec![
        vec![30140.0, 66.1, 2.11],
        vec![32140.0, 62.6, 2.30],
        vec![41950.0, 84.5, 2.40],
        vec![46460.0, 80.6, 2.15],
    ]
}

#[track_caller]
fn assert_chinese_weights(doc: &Value) {
    assert_shape(
        doc,
        "entropy",
        &["人均可支配收入", "城镇化率", "城乡收入比"],
        4,
    );
    let (w, _) = reference::entropy(&chinese_matrix(), &[false, false, true], 0.0);
    assert_close(
        &f64s(&doc["weights"]),
        &w,
        1e-12,
        "entropy on the Chinese table",
    );
}

#[test]
fn gb18030_csv_is_decoded() {
    let dir = TempDir::new("gb18030");
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(CHINESE);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file must not be valid UTF-8"
    );
    let file = dir.write_bytes("gb.csv", &bytes);
    assert_chinese_weights(&weights_json(
        &file,
        "entropy",
        &["--negative", "城乡收入比"],
    ));
}

#[test]
fn encoding_gbk_is_honoured() {
    let dir = TempDir::new("gbk");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(CHINESE);
    assert!(!unmappable);
    let file = dir.write_bytes("gbk.csv", &bytes);
    assert_chinese_weights(&weights_json(
        &file,
        "entropy",
        &["--negative", "城乡收入比", "--encoding", "gbk"],
    ));
    // An encoding label that does not exist is an error naming it.
    let out = rurban([
        "weights",
        "--input",
        file.to_str().unwrap(),
        "--method",
        "entropy",
        "--encoding",
        "klingon",
    ]);
    out.error(&["gbk.csv", "klingon"]);
}

#[test]
fn utf8_bom_is_stripped() {
    let dir = TempDir::new("bom");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(CHINESE.as_bytes());
    let file = dir.write_bytes("bom.csv", &bytes);
    // With the BOM left in, `地区` would not be recognised as the region
    // column and would be read as a (non-numeric) indicator.
    assert_chinese_weights(&weights_json(
        &file,
        "entropy",
        &["--negative", "城乡收入比"],
    ));
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"region,x,y\nA,1,5\nB,2,3\nC,4,4\n");
    let file = dir.write_bytes("bom2.csv", &bytes);
    let doc = weights_json(&file, "equal", &[]);
    assert_shape(&doc, "equal", &["x", "y"], 3);
}

#[test]
fn quoted_thousands_separators_are_numbers() {
    let dir = TempDir::new("thousands");
    let file = dir.write(
        "t.csv",
        "region,gdp,pop\n\
         A,\"6,016.3\",120\n\
         B,\"12,500\",\"1,050\"\n\
         C,980.5,300\n\
         D,\"1,234,567.25\",75\n",
    );
    let x = vec![
        vec![6016.3, 120.0],
        vec![12500.0, 1050.0],
        vec![980.5, 300.0],
        vec![1234567.25, 75.0],
    ];
    let doc = weights_json(&file, "cv", &[]);
    assert_shape(&doc, "cv", &["gdp", "pop"], 4);
    assert_close(
        &f64s(&doc["weights"]),
        &reference::cv(&x),
        1e-12,
        "cv with thousands separators",
    );
}

#[test]
fn missing_tokens_are_errors_naming_row_and_column() {
    let dir = TempDir::new("tokens");
    for (i, tok) in ["NA", "..", "-", "", "N/A", "NaN", "null", " na "]
        .iter()
        .enumerate()
    {
        let name = format!("tok{i}.csv");
        let file = dir.write(&name, &format!("region,x,y\nA,1,5\nB,2,{tok}\nC,4,4\n"));
        let out = rurban([
            "weights",
            "--input",
            file.to_str().unwrap(),
            "--method",
            "entropy",
        ]);
        let line = out.error(&[&name, "row 2", "'y'"]);
        assert!(
            line.to_lowercase().contains("missing"),
            "token {tok:?}: {line}"
        );
    }
}

// ---------------------------------------------------------------- bad input

/// Runs `rurban weights` on a scratch file with these contents.
fn weights_on(name: &str, text: &str, method: &str, extra: &[&str]) -> (TempDir, support::Out) {
    let dir = TempDir::new("bad");
    let file = dir.write(name, text);
    let mut args = vec![
        "weights",
        "--input",
        file.to_str().unwrap(),
        "--method",
        method,
    ];
    args.extend_from_slice(extra);
    let out = rurban(&args);
    (dir, out)
}

#[test]
fn empty_file() {
    weights_on("empty.csv", "", "entropy", &[])
        .1
        .error(&["empty.csv", "empty"]);
}

#[test]
fn header_only() {
    weights_on("hdr.csv", "region,x,y\n", "entropy", &[])
        .1
        .error(&["hdr.csv", "no data rows"]);
}

#[test]
fn ragged_rows() {
    weights_on(
        "ragged.csv",
        "region,x,y\nA,1,2\nB,3\nC,4,5\n",
        "entropy",
        &[],
    )
    .1
    .error(&["ragged.csv", "row 2", "ragged"]);
    weights_on(
        "long.csv",
        "region,x,y\nA,1,2\nB,3,4\nC,4,5,6\n",
        "entropy",
        &[],
    )
    .1
    .error(&["long.csv", "row 3", "ragged"]);
}

#[test]
fn non_numeric_value_names_row_and_column() {
    let (_d, out) = weights_on(
        "text.csv",
        "region,x,y\nA,1,2\nB,3,4\nC,four,5\n",
        "entropy",
        &["--format", "json"],
    );
    out.error(&["text.csv", "row 3", "column 'x'", "'four' is not a number"]);
}

#[test]
fn all_columns_constant() {
    for m in ["entropy", "critic", "stddev"] {
        weights_on("flat.csv", "region,x,y\nA,1,2\nB,1,2\nC,1,2\n", m, &[])
            .1
            .error(&["flat.csv", "constant"]);
    }
}

#[test]
fn fewer_than_two_rows() {
    for m in ["entropy", "critic", "stddev", "cv", "equal"] {
        weights_on("one.csv", "region,x,y\nA,1,2\n", m, &[])
            .1
            .error(&["one.csv", "2 rows"]);
    }
}

#[test]
fn a_missing_cell() {
    for m in ["entropy", "critic", "stddev", "cv", "equal"] {
        weights_on("gap.csv", "region,x,y\nA,1,2\nB,,4\nC,4,5\n", m, &[])
            .1
            .error(&["gap.csv", "row 2", "'x'", "missing"]);
    }
}

#[test]
fn cv_needs_positive_values() {
    let (_d, out) = weights_on("zero.csv", "region,x,y\nA,1,2\nB,3,0\nC,4,5\n", "cv", &[]);
    out.error(&["zero.csv", "row 2", "'y'", "0"]);
    let (_d, out) = weights_on("neg.csv", "region,x,y\nA,1,2\nB,3,4\nC,-4.5,5\n", "cv", &[]);
    out.error(&["neg.csv", "row 3", "'x'", "-4.5"]);
}

#[test]
fn a_file_that_does_not_exist() {
    let dir = TempDir::new("nofile");
    let missing = dir.join("nowhere.csv");
    let out = rurban([
        "weights",
        "--input",
        missing.to_str().unwrap(),
        "--method",
        "entropy",
    ]);
    let line = out.error(&["nowhere.csv"]);
    assert!(
        !line.contains("no such file: no such file"),
        "cause stated twice: {line}"
    );
}

#[test]
fn unknown_method() {
    let (_d, out) = weights_on("m.csv", "region,x,y\nA,1,2\nB,3,4\n", "topsis-ish", &[]);
    let line = out.error(&["topsis-ish"]);
    assert!(
        line.contains("entropy") && line.contains("critic"),
        "the known methods are listed: {line}"
    );
}

#[test]
fn negative_naming_a_column_that_does_not_exist() {
    let (_d, out) = weights_on(
        "m.csv",
        "region,x,y\nA,1,2\nB,3,4\n",
        "entropy",
        &["--negative", "x,zz"],
    );
    out.error(&["m.csv", "'zz'"]);
}

#[test]
fn an_unclosed_quote_is_reported_on_the_first_line() {
    // The stray quote pulls the rest of the file into one cell: the whole
    // message (row, column and cause) must still be on the error line.
    let (_d, out) = weights_on(
        "quote.csv",
        "region,x,y\nA,1,5\nB,2,\"3\nC,4,4\n",
        "entropy",
        &[],
    );
    out.error(&["quote.csv", "row 2", "column 'y'", "is not a number"]);
}

#[test]
fn human_output_has_no_colour_codes_when_piped() {
    let dir = TempDir::new("nocolour");
    let f = dir.write("m.csv", "a,b\n1,2\n2,5\n4,1\n");
    let out = rurban([
        "weights".as_ref(),
        "--input".as_ref(),
        f.as_os_str(),
        "--method".as_ref(),
        "entropy".as_ref(),
    ]);
    out.ok();
    assert!(out.stdout.contains("entropy"), "{}", out.stdout);
    assert!(
        !out.stdout.contains('\u{1b}'),
        "escape codes in piped output: {:?}",
        out.stdout
    );
}
