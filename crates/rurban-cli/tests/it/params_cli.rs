//! Parameters checked once: bounds, case-insensitive names, the one order
//! of group keys, and error rows counted as file rows in every subcommand.

use crate::support;

use serde_json::Value;
use support::{TempDir, rurban};

/// Runs `rurban ARGS --format json` and expects a clean `error:` line
/// containing every needle.
#[track_caller]
fn fails(args: &[&str], needles: &[&str]) -> String {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--format", "json"]);
    rurban(&a).error(needles)
}

#[track_caller]
fn json(args: &[&str]) -> Value {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--format", "json"]);
    rurban(&a).json()
}

fn keys(doc: &Value) -> Vec<String> {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap().to_string())
        .collect()
}

const KDE: &str = "year,value\n2010,1.0\n2010,2.0\n2010,2.5\n2011,3.0\n2011,1.0\n2011,4.0\n";

#[test]
fn kde_grid_n_above_the_limit_is_an_error_naming_it() {
    let dir = TempDir::new("grid-limit");
    let f = dir.write("kde.csv", KDE);
    let f = f.to_str().unwrap();
    let line = fails(
        &[
            "kde",
            "--input",
            f,
            "--column",
            "value",
            "--grid-n",
            "100000000",
        ],
        &["--grid-n", "100000000", "too large", "100000"],
    );
    assert!(line.contains("at most 100000 grid points"), "{line}");
    fails(
        &["kde", "--input", f, "--column", "value", "--grid-n", "1"],
        &["--grid-n", "at least 2"],
    );
    // the limit itself runs
    let doc = json(&[
        "kde", "--input", f, "--column", "value", "--grid-n", "100000",
    ]);
    assert_eq!(doc["groups"][0]["x"].as_array().unwrap().len(), 100_000);
}

#[test]
fn spec_grid_n_above_the_limit_is_an_error_naming_line_and_key() {
    let dir = TempDir::new("grid-limit-spec");
    dir.write("panel.csv", "region,year,x\na,2010,1\nb,2010,2\nc,2010,4\n");
    let spec = dir.write(
        "spec.toml",
        "data = \"panel.csv\"\n[[dimension]]\nid = \"d\"\n[[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"\n[analysis.kde]\ngrid_n = 10000000\n",
    );
    let out = dir.join("out");
    rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .error(&[
        "spec.toml",
        "line 8",
        "[analysis] kde.grid_n",
        "too large",
        "100000",
    ]);
    support::assert_no_outputs(&out);
}

#[test]
fn names_are_accepted_in_any_case() {
    let dir = TempDir::new("names-case");
    let f = dir.write("kde.csv", KDE);
    let f = f.to_str().unwrap();
    let lower = json(&[
        "kde",
        "--input",
        f,
        "--column",
        "value",
        "--kernel",
        "epanechnikov",
        "--bandwidth",
        "scott",
    ]);
    let mixed = json(&[
        "kde",
        "--input",
        f,
        "--column",
        "value",
        "--kernel",
        "Epanechnikov",
        "--bandwidth",
        "SCOTT",
    ]);
    assert_eq!(lower, mixed);
    assert_eq!(mixed["kernel"], "epanechnikov");
    assert_eq!(mixed["bandwidth_rule"], "scott");

    let c = dir.write("c.csv", "label,a,b\np,0,0\nq,0,1\nr,10,10\ns,10,11\n");
    let c = c.to_str().unwrap();
    let ward = json(&[
        "cluster",
        "--input",
        c,
        "--label-column",
        "label",
        "--method",
        "ward",
        "--k",
        "2",
    ]);
    let upper = json(&[
        "cluster",
        "--input",
        c,
        "--label-column",
        "label",
        "--method",
        "WARD",
        "--k",
        "2",
    ]);
    assert_eq!(ward, upper);
    assert_eq!(upper["method"], "ward");

    let g = dir.write("g.csv", "year,ref,a\n2018,1,1\n2019,2,2\n2020,3,4\n");
    let g = g.to_str().unwrap();
    let doc = json(&[
        "grey",
        "--input",
        g,
        "--reference",
        "ref",
        "--compare",
        "a",
        "--normalization",
        "MinMax",
    ]);
    assert_eq!(doc["normalization"], "minmax");
    // minmax: ref 0, .5, 1; a 0, 1/3, 1; D = 0, 1/6, 0; rho .5:
    // xi = 1, (0 + .5 (1/6)) / (1/6 + .5 (1/6)) = 1/3, 1; grade 7/9
    let grade = doc["grades"][0]["grade"].as_f64().unwrap();
    assert!((grade - 7.0 / 9.0).abs() < 1e-12, "{grade}");
    fails(
        &["kde", "--input", f, "--column", "value", "--kernel", "box"],
        &["--kernel", "'box'"],
    );
}

#[test]
fn by_groups_and_sub_groups_share_one_order_and_inf_is_text() {
    let dir = TempDir::new("key-order");
    // keys 9, inf, 10: "inf" is text, so the order is lexical: 10, 9, inf
    let f = dir.write(
        "keys.csv",
        "zone,value\n9,1\n9,2\ninf,3\ninf,5\n10,2\n10,4\n9,3\ninf,4\n10,3\n",
    );
    let f = f.to_str().unwrap();
    let kde = json(&["kde", "--input", f, "--column", "value", "--by", "zone"]);
    assert_eq!(keys(&kde), ["10", "9", "inf"]);
    let disp = json(&[
        "disparity",
        "--input",
        f,
        "--column",
        "value",
        "--by",
        "zone",
    ]);
    assert_eq!(keys(&disp), ["10", "9", "inf"]);
    // sub-groups of the Dagum decomposition in the same order as the groups
    let d = json(&[
        "disparity",
        "--input",
        f,
        "--column",
        "value",
        "--group",
        "zone",
    ]);
    let within: Vec<&String> = d["groups"][0]["dagum"]["within_groups"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(within, ["10", "9", "inf"]);
    // NaN as a key: also text
    let f2 = dir.write(
        "nan.csv",
        "zone,value\n2,1\n2,2\nNaN,3\nNaN,5\n10,2\n10,4\n",
    );
    let kde = json(&[
        "kde",
        "--input",
        f2.to_str().unwrap(),
        "--column",
        "value",
        "--by",
        "zone",
    ]);
    assert_eq!(keys(&kde), ["10", "2", "NaN"]);
}

#[test]
fn a_bad_value_in_a_second_group_names_its_file_row() {
    let dir = TempDir::new("second-group");
    // the file is sorted by region, so the year groups interleave: the bad
    // value is the 2nd value of group 2020 and data row 4 of the file
    let bad = |v: &str| {
        format!("region,year,value,other\na,2019,1.0,2\na,2020,2.0,3\nb,2019,3.0,4\nb,2020,{v},5\n")
    };
    let f = dir.write("disp.csv", &bad("0"));
    let f = f.to_str().unwrap();
    fails(
        &[
            "disparity",
            "--input",
            f,
            "--column",
            "value",
            "--by",
            "year",
        ],
        &["disp.csv", "row 4", "column 'value'", "not positive"],
    );
    // the first non-positive value in group order, not in file order
    let f2 = dir.write(
        "disp2.csv",
        "region,year,value\na,2020,-1\na,2019,1.0\nb,2020,2.0\nb,2019,0\n",
    );
    fails(
        &[
            "disparity",
            "--input",
            f2.to_str().unwrap(),
            "--column",
            "value",
            "--by",
            "year",
        ],
        &[
            "disp2.csv",
            "row 4",
            "column 'value'",
            "value 0 is not positive",
        ],
    );
    let f = dir.write("text.csv", &bad("x"));
    let f = f.to_str().unwrap();
    let need = ["text.csv", "row 4", "column 'value'", "'x'"];
    fails(
        &["kde", "--input", f, "--column", "value", "--by", "year"],
        &need,
    );
    fails(
        &[
            "disparity",
            "--input",
            f,
            "--column",
            "value",
            "--by",
            "year",
        ],
        &need,
    );
    fails(&["convergence", "--input", f, "--column", "value"], &need);
    fails(
        &[
            "grey",
            "--input",
            f,
            "--reference",
            "other",
            "--compare",
            "value",
        ],
        &need,
    );
    fails(
        &[
            "cluster",
            "--input",
            f,
            "--columns",
            "other,value",
            "--method",
            "ward",
            "--k",
            "2",
        ],
        &need,
    );
}

#[test]
fn numeric_settings_are_checked_before_the_file_is_read() {
    let dir = TempDir::new("checked-first");
    let missing = dir.join("absent.csv");
    let m = missing.to_str().unwrap();
    // the setting is wrong, so the (absent) file is never opened
    fails(
        &["cluster", "--input", m, "--method", "ward", "--k", "0"],
        &["absent.csv", "k = 0"],
    );
    let line = fails(
        &[
            "grey",
            "--input",
            m,
            "--reference",
            "a",
            "--compare",
            "b",
            "--rho",
            "2",
        ],
        &["absent.csv", "rho"],
    );
    assert!(!line.contains("cannot read"), "{line}");
    fails(
        &["disparity", "--input", m, "--column", "v", "--ddof", "2"],
        &["--ddof", "0 or 1"],
    );
    fails(
        &["weights", "--input", m, "--method", "entropy", "--shift=-1"],
        &["--shift", "finite number >= 0"],
    );
}
