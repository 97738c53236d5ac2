//! Index construction through `rurban run`: the stages, treatment, scores at
//! every level of the dimension tree, coupling coordination and obstacle
//! degree of eight specs (normalisation x aggregation x weighting x scope,
//! with a three-level hierarchy) against an independent numpy reference
//! (`tests/fixtures/construct/reference.py` writes the panels, the specs and
//! `reference.json`), at rtol 1e-9; and every bad input of the construction
//! ending in one `error:` line naming the spec key or the data cell.

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{TempDir, check_failures, col, fails, read_csv, read_json, run_quiet};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/construct")
}

/// `a` equals `b` at rtol 1e-9 (absolute 1e-12 near 0); `None` = blank.
#[track_caller]
fn same(got: &str, want: &Value, what: &str) {
    match want.as_f64() {
        None => assert!(got.is_empty(), "{what}: {got:?}, expected blank"),
        Some(w) => {
            let g: f64 = got
                .parse()
                .unwrap_or_else(|_| panic!("{what}: {got:?} is not a number"));
            assert!(
                (g - w).abs() <= 1e-9 * w.abs().max(1e-3),
                "{what}: {g} vs expected {w}"
            );
        }
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn check_case(name: &str, r: &Value) {
    let tmp = TempDir::new(&format!("construct-{name}"));
    let out = tmp.join("out");
    let spec = dir().join(format!("case_{name}.toml"));
    run_quiet(&spec, &out, &["--no-report", "--no-xlsx"]).ok();
    let regions = strs(&r["regions"]);
    let years: Vec<i64> = r["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    let n = regions.len();
    // scores.csv: composite, then every dimension, parents after children
    let (h, rows) = read_csv(&out.join("scores.csv"));
    let order = strs(&r["dimension_order"]);
    let ids = strs(&r["dimension_ids"]);
    let mut want_header = vec!["region".to_string(), "year".into(), "composite".into()];
    want_header.extend(order.iter().cloned());
    assert_eq!(h, want_header, "{name}: scores.csv header");
    assert_eq!(rows.len(), n, "{name}: scores.csv rows");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], regions[i]);
        assert_eq!(row[1], years[i].to_string());
        same(
            &row[2],
            &r["composite"][i],
            &format!("{name} composite row {i}"),
        );
        for d in &order {
            let k = ids.iter().position(|x| x == d).unwrap();
            same(
                &row[col(&h, d)],
                &r["dimensions"][i][k],
                &format!("{name} {d} row {i}"),
            );
        }
    }
    // the stages that ran, and only those
    for stage in ["denominated", "imputed", "treated", "normalised"] {
        let path = out.join("stages").join(format!("{stage}.csv"));
        let Some(want) = r["stages"].get(stage) else {
            assert!(!path.exists(), "{name}: {stage}.csv written");
            continue;
        };
        let (h, rows) = read_csv(&path);
        assert_eq!(h[..2], ["region", "year"]);
        assert_eq!(h.len(), 8, "{name}: {stage} header");
        assert_eq!(rows.len(), n);
        for (i, row) in rows.iter().enumerate() {
            for j in 0..6 {
                same(
                    &row[2 + j],
                    &want[i][j],
                    &format!("{name} {stage} row {i} {}", h[2 + j]),
                );
            }
        }
    }
    // treatment.csv
    let tpath = out.join("treatment.csv");
    let treat = r["treatment"].as_array().unwrap();
    if treat.is_empty() {
        assert!(!tpath.exists(), "{name}: treatment.csv written");
    } else {
        let (h, rows) = read_csv(&tpath);
        let by_year = treat[0]["year"].is_i64();
        let mut want_h = if by_year { vec!["year"] } else { vec![] };
        want_h.extend(["indicator", "steps", "cells", "log"]);
        assert_eq!(h, want_h, "{name}: treatment header");
        assert_eq!(rows.len(), treat.len());
        for (row, t) in rows.iter().zip(treat) {
            let row = if by_year {
                assert_eq!(row[0], t["year"].as_i64().unwrap().to_string());
                &row[1..]
            } else {
                &row[..]
            };
            assert_eq!(row[0], t["indicator"].as_str().unwrap());
            assert_eq!(row[1], t["steps"].to_string(), "{name}: {row:?}");
            assert_eq!(row[2], t["cells"].to_string(), "{name}: {row:?}");
            assert_eq!(row[3], t["log"].to_string(), "{name}: {row:?}");
        }
    }
    // coupling.csv
    let cpath = out.join("coupling.csv");
    let coup = r["coupling"].as_array().unwrap();
    if coup.is_empty() {
        assert!(!cpath.exists(), "{name}: coupling.csv written");
    } else {
        let (h, rows) = read_csv(&cpath);
        assert_eq!(h, ["region", "year", "C", "T", "D", "level", "level_name"]);
        assert_eq!(rows.len(), coup.len());
        for (row, c) in rows.iter().zip(coup) {
            let i = c["row"].as_u64().unwrap() as usize;
            assert_eq!(row[0], regions[i]);
            for (k, key) in ["C", "T", "D"].iter().enumerate() {
                same(
                    &row[2 + k],
                    &c[key],
                    &format!("{name} coupling {key} row {i}"),
                );
            }
            assert_eq!(row[5], c["level"].to_string());
            assert_eq!(row[6], c["level_name"].as_str().unwrap());
        }
    }
    // obstacles.csv: per region-year the indicators, then the dimensions
    let (h, rows) = read_csv(&out.join("obstacles.csv"));
    assert_eq!(h, ["region", "year", "indicator", "dimension", "obstacle"]);
    let per = 6 + ids.len();
    assert_eq!(rows.len(), n * per, "{name}: obstacles rows");
    for i in 0..n {
        let o = &r["obstacles"][i.to_string()];
        for j in 0..6 {
            let row = &rows[i * per + j];
            assert_eq!(row[0], regions[i]);
            assert_eq!(row[2], format!("x{}", j + 1));
            same(
                &row[4],
                &o[0][j],
                &format!("{name} obstacle x{} row {i}", j + 1),
            );
        }
        for (k, d) in order.iter().enumerate() {
            let row = &rows[i * per + 6 + k];
            assert_eq!(row[2], "");
            assert_eq!(&row[3], d);
            let di = ids.iter().position(|x| x == d).unwrap();
            same(&row[4], &o[1][di], &format!("{name} obstacle {d} row {i}"));
        }
    }
}

#[test]
fn construction_matches_the_numpy_reference() {
    let r = read_json(&dir().join("reference.json"));
    let cases: Vec<&String> = r
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !k.starts_with('_'))
        .collect();
    assert_eq!(cases.len(), 8);
    for name in cases {
        check_case(name, &r[name.as_str()]);
    }
}

/// Writes a spec beside a copy of the panel and returns its path.
fn spec_with(tmp: &TempDir, name: &str, text: &str) -> String {
    let data = std::fs::read_to_string(dir().join("data.csv")).unwrap();
    tmp.write("data.csv", &data);
    tmp.write(name, text).to_string_lossy().into_owned()
}

const DIMS: &str = r#"
[[dimension]]
id = "econ"
[[dimension.indicator]]
id = "x1"
direction = "+"
[[dimension.indicator]]
id = "x2"
direction = "-"
[[dimension]]
id = "soc"
[[dimension.indicator]]
id = "x4"
direction = "+"
"#;

#[test]
fn bad_construction_input_is_one_error_line() {
    let tmp = TempDir::new("construct-bad");
    let out = tmp.join("out");
    let out = out.to_str().unwrap();
    let case = |file: &str, method: &str, dims: &str, needles: &[&str]| {
        let spec = spec_with(
            &tmp,
            file,
            &format!("data = \"data.csv\"\n[method]\n{method}\n{dims}"),
        );
        fails(&["run", spec.as_str(), "--out", out, "-q"], needles)
    };
    let data = std::fs::read_to_string(dir().join("data.csv")).unwrap();
    // a zero in x4 and a missing group cell
    let mut lines: Vec<String> = data.lines().map(String::from).collect();
    let mut cells: Vec<String> = lines[3].split(',').map(String::from).collect();
    cells[2] = "NA".into();
    lines[3] = cells.join(",");
    tmp.write("nogroup.csv", &(lines.join("\n") + "\n"));
    // x1 of every east region missing in 2015
    let mut east_missing: Vec<String> = data.lines().map(String::from).collect();
    for l in east_missing.iter_mut().skip(1) {
        let mut c: Vec<String> = l.split(',').map(String::from).collect();
        if c[1] == "2015" && c[2] == "east" {
            c[4] = "NA".into();
        }
        *l = c.join(",");
    }
    tmp.write("eastgap.csv", &(east_missing.join("\n") + "\n"));
    let zero_dims = DIMS.replace("id = \"x4\"", "id = \"x4\"\ndenominator = \"pop\"");
    let cases = vec![
        case(
            "geo.toml",
            "weighting = \"entropy\"\naggregation = \"geometric\"",
            DIMS,
            &["geometric aggregation", "is not > 0", "range = [1, 100]"],
        ),
        case(
            "harm.toml",
            "weighting = \"given\"\naggregation = \"harmonic\"",
            DIMS,
            &[
                "harmonic aggregation",
                "is not > 0",
                "range = [1, 100]",
                "region '",
            ],
        ),
        case(
            "norm.toml",
            "normalisation = \"softmax\"",
            DIMS,
            &[
                "[method] normalisation = \"softmax\"",
                "minmax, zscore, rank, goalposts, target",
            ],
        ),
        case(
            "agg.toml",
            "aggregation = \"median\"",
            DIMS,
            &[
                "[method] aggregation = \"median\"",
                "arithmetic, geometric, harmonic, topsis",
            ],
        ),
        case(
            "den.toml",
            "denominate = true",
            &DIMS.replace("id = \"x4\"", "id = \"x4\"\ndenominator = \"people\""),
            &["indicator 'x4'", "denominator = \"people\"", "not a column"],
        ),
        case(
            "parent.toml",
            "weighting = \"given\"",
            &DIMS.replace("id = \"soc\"", "id = \"soc\"\nparent = \"society\""),
            &["dimension 'soc'", "parent 'society'"],
        ),
        case(
            "cycle.toml",
            "weighting = \"given\"",
            &DIMS
                .replace("id = \"soc\"", "id = \"soc\"\nparent = \"econ\"")
                .replace("id = \"econ\"", "id = \"econ\"\nparent = \"soc\""),
            &["cycle", "econ", "soc"],
        ),
        case(
            "winmax.toml",
            "treat = \"winsorise\"\n[method.treatment]\nwinmax = \"ten\"",
            DIMS,
            &["[method.treatment]", "winmax = \"ten\""],
        ),
        case(
            "winmax_neg.toml",
            "treat = \"winsorise\"\n[method.treatment]\nwinmax = -1",
            DIMS,
            &["[method.treatment]", "winmax = \"-1\""],
        ),
        case(
            "posts.toml",
            "normalisation = \"goalposts\"",
            &DIMS
                .replace(
                    "direction = \"+\"",
                    "direction = \"+\"\ngoalposts = [0, 10]",
                )
                .replace("direction = \"-\"", "direction = \"-\"\ngoalposts = [5, 5]"),
            &["indicator 'x2'", "goalposts = [5, 5]"],
        ),
        case(
            "noposts.toml",
            "normalisation = \"goalposts\"",
            DIMS,
            &["indicator 'x1'", "has no goalposts"],
        ),
        case(
            "target.toml",
            "normalisation = \"target\"",
            &DIMS
                .replace("direction = \"+\"", "direction = \"+\"\ntarget = 3")
                .replace("direction = \"-\"", "direction = \"-\"\ntarget = 0"),
            &["indicator 'x2'", "target = 0", "greater than 0"],
        ),
        {
            let spec = tmp.write(
                "nogroup.toml",
                &format!(
                    "data = \"nogroup.csv\"\n[method]\nimpute = \"group-mean\"\nimpute_group = \"group\"\n{DIMS}"
                ),
            );
            fails(
                &["run", spec.to_str().unwrap(), "--out", out, "-q"],
                &["nogroup.csv", "row 3", "column 'group'", "missing group"],
            )
        },
        {
            let spec = tmp.write(
                "eastgap.toml",
                &format!(
                    "data = \"eastgap.csv\"\n[method]\nscope = \"year\"\nimpute = \"group-mean\"\nimpute_group = \"group\"\n{DIMS}"
                ),
            );
            fails(
                &["run", spec.to_str().unwrap(), "--out", out, "-q"],
                &[
                    "region 'R01', year 2015, indicator 'x1'",
                    "missing value",
                    "group",
                ],
            )
        },
        case(
            "nogroupkey.toml",
            "impute = \"group-mean\"",
            DIMS,
            &["impute_group"],
        ),
        case(
            "alpha.toml",
            "weighting = \"equal\"",
            &format!("{DIMS}\n[analysis.coupling]\nalpha = [1.0]\n")
                .replace("[analysis.coupling]", "[analysis.coupling]"),
            &["[analysis.coupling] alpha has 1 values", "2 top-level"],
        ),
        case(
            "unknown.toml",
            "weighting = \"given\"\nweights = 3",
            DIMS,
            &["weights"],
        ),
    ];
    let _ = zero_dims;
    check_failures(&cases);
    support::assert_no_outputs(Path::new(out));
}

#[test]
fn a_zero_denominator_is_a_missing_cell_with_a_warning() {
    let tmp = TempDir::new("construct-zero");
    let data = std::fs::read_to_string(dir().join("data.csv")).unwrap();
    let mut lines: Vec<String> = data.lines().map(String::from).collect();
    let mut c: Vec<String> = lines[5].split(',').map(String::from).collect();
    c[3] = "0".into();
    let (region, year) = (c[0].clone(), c[1].clone());
    lines[5] = c.join(",");
    tmp.write("data.csv", &(lines.join("\n") + "\n"));
    let spec = tmp.write(
        "s.toml",
        &format!(
            "data = \"data.csv\"\n[method]\nweighting = \"given\"\ndenominate = true\n{}",
            DIMS.replace("id = \"x4\"", "id = \"x4\"\ndenominator = \"pop\"")
        ),
    );
    let out = tmp.join("out");
    let o = run_quiet(&spec, &out, &["--no-report", "--no-xlsx"]);
    o.ok();
    let w = o.warnings().join("\n");
    assert!(
        w.contains(&format!(
            "region '{region}', year {year}: denominator 'pop' of indicator 'x4' is 0"
        )),
        "{w}"
    );
    let (h, rows) = read_csv(&out.join("stages/denominated.csv"));
    let row = rows
        .iter()
        .find(|r| r[0] == region && r[1] == year)
        .unwrap();
    assert_eq!(row[col(&h, "x4")], "");
    // given weights skip the missing value: soc (x4 only) is missing, the
    // composite is econ's
    let (h, rows) = read_csv(&out.join("scores.csv"));
    let row = rows
        .iter()
        .find(|r| r[0] == region && r[1] == year)
        .unwrap();
    assert_eq!(row[col(&h, "soc")], "");
    assert_eq!(row[col(&h, "composite")], row[col(&h, "econ")]);
}

#[test]
fn scipy_skewness_and_kurtosis_of_the_outlier_column() {
    // G1, G2 of x3 over the panel as scipy's bias-corrected skew/kurtosis
    let r = read_json(&dir().join("reference.json"));
    let want = &r["_x3_skew_kurtosis"];
    let (h, rows) = read_csv(&dir().join("data.csv"));
    let x: Vec<f64> = rows
        .iter()
        .map(|r| r[col(&h, "x3")].parse().unwrap())
        .collect();
    let (g1, g2) = rurban_index::skew_kurtosis(&x);
    assert!((g1 - want[0].as_f64().unwrap()).abs() < 1e-12 * g1.abs());
    assert!((g2 - want[1].as_f64().unwrap()).abs() < 1e-12 * g2.abs());
}

#[test]
fn the_report_shows_coupling_obstacles_and_the_stages() {
    let tmp = TempDir::new("construct-report");
    let out = tmp.join("out");
    // nested dimensions with a treated indicator, two top-level dimensions
    let spec = dir().join("case_given_minmax_harmonic_treat_year.toml");
    run_quiet(&spec, &out, &["--no-xlsx"]).ok();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for needle in [
        "Construction, coupling and obstacles",
        "id=\"fig-coupling\"",
        "id=\"fig-coupling-levels\"",
        "Main obstacles in 2019",
        "id=\"fig-stages\"",
        "Indicator x2 through the stages",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle:?}");
    }
    // every region-year cell of the heatmap names its level in both languages
    let cells = html.matches("<g class=\"cell\">").count();
    assert_eq!(cells, 8 * 5);
    let r = read_json(&dir().join("reference.json"));
    let c = &r["given_minmax_harmonic_treat_year"]["coupling"][0];
    let k = c["level"].as_u64().unwrap() as usize;
    let zh = rurban_index::LEVEL_NAMES_ZH[k - 1];
    assert!(html.contains(&format!(
        "level {k} {} ({zh})",
        c["level_name"].as_str().unwrap()
    )));
    // the findings name the obstacles and the coupling trend with its p
    let sum = read_json(&out.join("summary.json"));
    let s = support::strings(&sum["findings"]["sentences"]);
    assert!(
        s.iter().any(|x| x
            .starts_with("The mean coupling coordination degree D of Q, S went from")
            && x.contains("Mann-Kendall p")),
        "{s:?}"
    );
    let obstacles = s
        .iter()
        .find(|x| x.starts_with("The three largest obstacles"))
        .unwrap();
    assert!(obstacles.contains("in 2019: R01: "), "{obstacles}");
    assert_eq!(obstacles.matches("; ").count(), 7, "{obstacles}");
}

#[test]
fn a_rerun_without_the_stages_removes_their_files() {
    let tmp = TempDir::new("construct-rerun");
    let out = tmp.join("out");
    let with = dir().join("case_given_minmax_geometric_deep.toml");
    run_quiet(&with, &out, &["--no-report", "--no-xlsx"]).ok();
    for f in [
        "stages/denominated.csv",
        "stages/treated.csv",
        "stages/normalised.csv",
        "treatment.csv",
        "obstacles.csv",
    ] {
        assert!(out.join(f).exists(), "{f} not written");
    }
    // the deep tree has one top-level dimension: no coupling
    assert!(!out.join("coupling.csv").exists());
    let without = dir().join("case_entropy_minmax_arith_panel.toml");
    run_quiet(&without, &out, &["--no-report", "--no-xlsx"]).ok();
    for f in [
        "stages/denominated.csv",
        "stages/treated.csv",
        "treatment.csv",
    ] {
        assert!(!out.join(f).exists(), "{f} left from the first run");
    }
    assert!(out.join("stages/normalised.csv").exists());
    assert!(out.join("coupling.csv").exists());
    // alpha not summing to 1 is a warning
    let spec = std::fs::read_to_string(&without).unwrap().replace(
        "[analysis]\n",
        "[analysis]\n[analysis.coupling]\nalpha = [0.7, 0.7]\n",
    );
    let s = tmp.write("alpha.toml", &spec);
    std::fs::copy(dir().join("data.csv"), tmp.join("data.csv")).unwrap();
    let o = run_quiet(&s, &tmp.join("out2"), &["--no-report", "--no-xlsx"]);
    o.ok();
    assert!(
        o.warnings().iter().any(|w| w.contains("alpha sums to 1.4")),
        "{:?}",
        o.warnings()
    );
}
