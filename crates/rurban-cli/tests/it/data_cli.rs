//! What a researcher meets on real data: linear imputation that would
//! extrapolate (refused, with the coverage and the ways out), the coverage
//! table of every run, a study period (`[data] years`, `--years`), a
//! one-year panel (steps over time skipped with a reason), findings under
//! `scope = "year"` (no level compared across years), and the nearest
//! names suggested for a misspelt key, value or column.

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{TempDir, fails, fixture, read_csv, run_quiet, rurban, shared_data};

const CHINA: &str = "china-provinces/provinces_2005_2024.csv";

/// A spec over the China panel: two dimensions of two indicators each,
/// linear imputation, and `extra` appended to `[method]`.
fn china_spec(dir: &TempDir, indicators: [&str; 4], method_extra: &str, tail: &str) -> PathBuf {
    let data = shared_data(CHINA);
    let ind = |id: &str| format!("[[dimension.indicator]]\nid = \"{id}\"\ndirection = \"+\"\n");
    let text = format!(
        "name = \"China\"\ndata = {:?}\n{tail}\n[method]\nimpute = \"linear\"\n{method_extra}\n\
         [[dimension]]\nid = \"a\"\n{}{}[[dimension]]\nid = \"b\"\n{}{}",
        data.display().to_string(),
        ind(indicators[0]),
        ind(indicators[1]),
        ind(indicators[2]),
        ind(indicators[3]),
    );
    dir.write("spec.toml", &text)
}

const TRADE: [&str; 4] = [
    "进出口总额_亿元人民币",
    "GDP_当年价_亿元",
    "城镇化率_%",
    "就业人员数_万人",
];

fn summary(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

/// `(indicator, cells, observed, interpolated, extrapolated, first, last)`
/// of each coverage record.
fn coverage(s: &Value) -> Vec<(String, u64, u64, u64, u64, i64, i64)> {
    s["coverage"]
        .as_array()
        .expect("coverage is an array")
        .iter()
        .map(|c| {
            (
                c["indicator"].as_str().unwrap().to_string(),
                c["cells"].as_u64().unwrap(),
                c["observed"].as_u64().unwrap(),
                c["interpolated"].as_u64().unwrap(),
                c["extrapolated"].as_u64().unwrap(),
                c["first_year"].as_i64().unwrap(),
                c["last_year"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn cov(
    name: &str,
    cells: u64,
    obs: u64,
    int: u64,
    ext: u64,
    first: i64,
    last: i64,
) -> (String, u64, u64, u64, u64, i64, i64) {
    (name.to_string(), cells, obs, int, ext, first, last)
}

#[test]
fn linear_imputation_refuses_to_extrapolate_the_trade_series() {
    // 进出口总额_亿元人民币 is observed 2016-2024 in every province: 279 of
    // 620 cells, the 341 cells of 2005-2015 lie before every first
    // observation (counted with pandas, see the coverage test).
    let dir = TempDir::new("extrapolate");
    let spec = china_spec(&dir, TRADE, "", "");
    let out = dir.join("out");
    let line = fails(
        &[
            "run",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[
            "provinces_2005_2024.csv, column '进出口总额_亿元人民币': linear imputation would extrapolate 341 of 620 cells",
            "observed only from 2016 to 2024 (279 cells observed; e.g. region '上海' is observed from 2016 to 2024)",
            "[data] years = [2016, 2024] in the spec, or --years 2016-2024",
            "drop the indicator from the spec",
            "extrapolate = \"constant\" in [method]",
        ],
    )
    .check();
    assert!(line.starts_with("error: "), "{line}");
    assert!(!out.exists(), "a refused run wrote {}", out.display());
}

#[test]
fn coverage_of_the_china_panel_is_counted_and_printed() {
    // Counted independently with pandas: per province, observed cells,
    // gaps between the first and last observation, cells outside them.
    //   GDP_当年价_亿元       620 observed
    //   固定资产投资总额_亿元 403 observed, 0 gaps, 217 after 2017
    //   就业人员数_万人       340 observed, 280 gaps, 0 outside
    //   城镇化率_%            620 observed
    let dir = TempDir::new("coverage");
    let spec = fixture("china_linear.toml");
    let out = dir.join("out");
    let o = rurban([
        "run",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-report",
        "--no-xlsx",
    ]);
    o.ok();
    assert!(
        o.stdout.contains("Coverage of the indicators:"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("217 (35.0%)") && o.stdout.contains("280 (45.2%)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("217 cell(s) outside their region's observed years were filled"),
        "{}",
        o.stderr
    );
    let s = summary(&out);
    assert_eq!(
        coverage(&s),
        [
            cov("GDP_当年价_亿元", 620, 620, 0, 0, 2005, 2024),
            cov("固定资产投资总额_亿元", 620, 403, 0, 217, 2005, 2017),
            cov("就业人员数_万人", 620, 340, 280, 0, 2005, 2024),
            cov("城镇化率_%", 620, 620, 0, 0, 2005, 2024),
        ]
    );
    assert_eq!(s["method"]["extrapolate"], "constant");
    let constant = s["imputed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["method"] == "constant")
        .count();
    assert_eq!(constant, 217);
    let (h, rows) = read_csv(&out.join("coverage.csv"));
    assert_eq!(
        h,
        [
            "indicator",
            "cells",
            "observed",
            "interpolated",
            "extrapolated",
            "year_mean",
            "group_mean",
            "missing",
            "first_year",
            "last_year"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "固定资产投资总额_亿元",
            "620",
            "403",
            "0",
            "217",
            "0",
            "0",
            "0",
            "2005",
            "2017"
        ]
    );
}

#[test]
fn a_year_range_selects_the_study_period() {
    let dir = TempDir::new("years");
    let spec = china_spec(&dir, TRADE, "", "");
    let out = dir.join("out");
    run_quiet(
        &spec,
        &out,
        &["--years", "2016-2024", "--no-report", "--no-xlsx"],
    )
    .ok();
    let s = summary(&out);
    let years: Vec<i64> = s["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years, (2016..=2024).collect::<Vec<_>>());
    assert_eq!(s["method"]["years"], serde_json::json!([2016, 2024]));
    // 就业人员数_万人 in 2016-2024: 155 observed; its 124 gaps lie between
    // observations (some before 2016), so they are interpolations.
    assert_eq!(
        coverage(&s),
        [
            cov("进出口总额_亿元人民币", 279, 279, 0, 0, 2016, 2024),
            cov("GDP_当年价_亿元", 279, 279, 0, 0, 2016, 2024),
            cov("城镇化率_%", 279, 279, 0, 0, 2016, 2024),
            cov("就业人员数_万人", 279, 155, 124, 0, 2020, 2024),
        ]
    );
    let (_, rows) = read_csv(&out.join("scores.csv"));
    assert_eq!(rows.len(), 31 * 9);
    // 上海 is observed 2005-2010 and 2020-2024: its 2016 value lies on the
    // line between 2010 and 2020, an observation outside the period.
    let (th, trows) = read_csv(&shared_data(CHINA));
    let c = th.iter().position(|h| h == "就业人员数_万人").unwrap();
    let at = |y: &str| -> f64 {
        trows.iter().find(|r| r[0] == "上海" && r[1] == y).unwrap()[c]
            .parse()
            .unwrap()
    };
    let want = at("2010") + (at("2020") - at("2010")) * 6.0 / 10.0;
    let got = s["imputed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["region"] == "上海" && x["year"] == 2016 && x["indicator"] == "就业人员数_万人")
        .expect("上海 2016 imputed")["value"]
        .as_f64()
        .unwrap();
    assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}");

    // The same period from the spec gives the same scores; --years overrides it.
    let dir2 = TempDir::new("years-spec");
    let spec2 = china_spec(&dir2, TRADE, "", "[data]\nyears = [2016, 2024]\n");
    let text = std::fs::read_to_string(&spec2)
        .unwrap()
        .replacen("data = ", "[data]\nfile = ", 1)
        .replacen("\n[data]\nyears", "\nyears", 1);
    let spec2 = dir2.write("spec.toml", &text);
    let out2 = dir2.join("out");
    run_quiet(&spec2, &out2, &["--no-report", "--no-xlsx"]).ok();
    assert_eq!(
        std::fs::read(out.join("scores.csv")).unwrap(),
        std::fs::read(out2.join("scores.csv")).unwrap()
    );
    let out3 = dir2.join("out3");
    run_quiet(
        &spec2,
        &out3,
        &["--years", "2020-2024", "--no-report", "--no-xlsx"],
    )
    .ok();
    assert_eq!(read_csv(&out3.join("scores.csv")).1.len(), 31 * 5);

    // A range that selects nothing, or is reversed, is an error.
    let s2 = spec2.to_str().unwrap();
    let o3 = out3.to_str().unwrap();
    support::check_failures(&[
        fails(
            &["run", s2, "--out", o3, "--years", "2030-2040"],
            &[
                "--years 2030-2040",
                "year range 2030-2040 selects no year of the data (the data hold 2005-2024)",
            ],
        ),
        fails(
            &["run", s2, "--out", o3, "--years", "2020-2011"],
            &["--years", "year range 2020-2011 is reversed"],
        ),
        fails(
            &["run", s2, "--out", o3, "--years", "twenty"],
            &["--years", "a year range is two years"],
        ),
    ]);
    let bad = dir2.write(
        "bad.toml",
        &text.replace("years = [2016, 2024]", "years = [2024, 2016]"),
    );
    fails(
        &["run", bad.to_str().unwrap(), "--out", o3],
        &[
            "bad.toml",
            "[data] years",
            "year range 2024-2016 is reversed",
        ],
    )
    .check();
    let none = dir2.write(
        "none.toml",
        &text.replace("years = [2016, 2024]", "years = [1990, 1999]"),
    );
    fails(
        &["run", none.to_str().unwrap(), "--out", o3],
        &[
            "none.toml: [data] years = [1990, 1999]",
            "selects no year of the data (the data hold 2005-2024)",
        ],
    )
    .check();
}

#[test]
fn a_one_year_panel_skips_the_steps_over_time_with_reasons() {
    let dir = TempDir::new("asem-one-year");
    let out = dir.join("out");
    let o = run_quiet(&fixture("asem.toml"), &out, &["--no-report", "--no-xlsx"]);
    o.ok();
    assert!(
        o.stderr.contains(
            "warning: one year (2018): analyses over time are skipped (trend, convergence, grey, kde-movement)"
        ),
        "{}",
        o.stderr
    );
    let s = summary(&out);
    let skipped: Vec<(String, String)> = s["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["step"].as_str().unwrap().to_string(),
                x["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "trend",
                "one year (2018): no trend of the composite over time"
            ),
            (
                "convergence",
                "one year (2018): no sigma or beta convergence"
            ),
            (
                "grey",
                "one year (2018): no grey relational analysis over time"
            ),
            (
                "kde-movement",
                "one year (2018): the density of one year, no movement between years"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let a = &s["analysis"];
    assert!(
        a.get("grey").is_none() && a.get("convergence").is_none(),
        "{a}"
    );
    assert!(a.get("kde").is_some() && a.get("disparity").is_some());
    let f = &s["findings"];
    assert!(f.get("grey").is_none() && f.get("trend").is_none(), "{f}");
    // The cross-section sentence rests on scores.csv: its min and max.
    let (_, rows) = read_csv(&out.join("scores.csv"));
    let mut v: Vec<(f64, String)> = rows
        .iter()
        .map(|r| (r[2].parse::<f64>().unwrap(), r[0].clone()))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lo, hi) = (&v[0], &v[v.len() - 1]);
    let g = &a["disparity"]["composite"]["groups"][0];
    let want = format!(
        "One year (2018), so nothing is said about change over time: the composite ranges from {:.4} ({}) to {:.4} ({}) across 51 regions, mean {:.4}; coefficient of variation {:.4}, Gini coefficient {:.4}.",
        lo.0,
        lo.1,
        hi.0,
        hi.1,
        v.iter().map(|x| x.0).sum::<f64>() / 51.0,
        g["cv"].as_f64().unwrap(),
        g["gini"].as_f64().unwrap()
    );
    let sentences: Vec<&str> = f["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(sentences[0], want);
    assert_eq!((lo.1.as_str(), hi.1.as_str()), ("MNG", "DEU"));
    // No sentence states a change between years.
    for s in &sentences {
        assert!(!s.contains(" to 0.") || s.starts_with("One year"), "{s}");
        assert!(!s.contains("in 2018 to"), "{s}");
    }
}

#[test]
fn scope_year_findings_compare_ranks_not_levels() {
    let dir = TempDir::new("scope-year");
    let out = dir.join("out");
    run_quiet(
        &fixture("china_year.toml"),
        &out,
        &["--no-report", "--no-xlsx"],
    )
    .ok();
    let s = summary(&out);
    let sentences: Vec<&str> = s["findings"]["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        !sentences
            .iter()
            .any(|x| x.contains("mean composite score went from")),
        "{sentences:?}"
    );
    // The ranks of the first and last year, from scores.csv.
    let (_, rows) = read_csv(&out.join("scores.csv"));
    let leader = |year: &str, best: bool| -> String {
        let mut v: Vec<(f64, &str)> = rows
            .iter()
            .filter(|r| r[1] == year)
            .map(|r| (r[2].parse::<f64>().unwrap(), r[0].as_str()))
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        (if best { v[0].1 } else { v[v.len() - 1].1 }).to_string()
    };
    let want = format!(
        "With scope = \"year\" every year is normalised and weighted on its own, so scores are positions within their year and their levels are not compared across years; by rank, {} leads and {} is last in 2005, {} leads and {} is last in 2024;",
        leader("2005", true),
        leader("2005", false),
        leader("2024", true),
        leader("2024", false)
    );
    assert!(sentences[0].starts_with(&want), "{}\n{want}", sentences[0]);
    assert_eq!(leader("2024", true), "广东");
    let density = sentences
        .iter()
        .find(|x| x.starts_with("Observed in the density"))
        .expect("a density finding");
    assert!(
        density.ends_with("not levels comparable across years.)"),
        "{density}"
    );
}

#[test]
fn misspelt_keys_values_and_columns_suggest_the_nearest_name() {
    let dir = TempDir::new("suggest");
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let key = china_spec(&dir, TRADE, "", "")
        .to_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(&key).unwrap();
    let typo = dir.write("typo.toml", &text.replace("impute = ", "imput = "));
    let value = dir.write("value.toml", &text.replace("\"linear\"", "\"lineer\""));
    let column = dir.write(
        "column.toml",
        &text.replace("\"城镇化率_%\"", "\"城镇化率\""),
    );
    let scheme = dir.write(
        "scheme.toml",
        &text.replace(
            "impute = \"linear\"",
            "impute = \"linear\"\nweighting = \"entopy\"",
        ),
    );
    support::check_failures(&[
        fails(
            &["run", typo.to_str().unwrap(), "--out", o],
            &["[method] imput: unknown field `imput`; did you mean `impute`?"],
        ),
        fails(
            &["run", value.to_str().unwrap(), "--out", o],
            &["[method] impute: unknown variant `lineer`; did you mean `linear`?"],
        ),
        fails(
            &["run", column.to_str().unwrap(), "--out", o],
            &[
                "column '城镇化率': indicator named in the specification is not a column of the data; did you mean '城镇化率_%'?",
            ],
        ),
        fails(
            &["run", scheme.to_str().unwrap(), "--out", o],
            &["[method] weighting = \"entopy\" is not a known scheme; did you mean 'entropy'?"],
        ),
    ]);
    // A groups file whose region names differ from the panel's.
    let groups = dir.write("groups.csv", "region,group\n上海市,east\n");
    let g = dir.write(
        "groups.toml",
        &format!(
            "{text}\n[analysis]\ngroups = {:?}\n",
            groups.display().to_string()
        ),
    );
    let line = rurban([
        "run",
        g.to_str().unwrap(),
        "--out",
        o,
        "--years",
        "2016-2024",
    ])
    .error(&["groups.csv: region '上海' of the panel has no group; did you mean '上海市'?"]);
    assert!(line.starts_with("error:"));
}

/// `rurban grey --mean-by year` and `rurban cluster --series year` on a
/// run's scores.csv give the run's own grey and cluster results; without
/// them every region-year is a point, labelled "region year".
#[test]
fn grey_and_cluster_on_scores_reproduce_the_run() {
    let dir = TempDir::new("papercut-chain");
    let out = dir.join("out");
    run_quiet(&fixture("china.toml"), &out, &["--no-report", "--no-xlsx"]).ok();
    let s = summary(&out);
    let scores = out.join("scores.csv");
    let sc = scores.to_str().unwrap();
    let g = rurban([
        "grey",
        "--input",
        sc,
        "--reference",
        "composite",
        "--compare",
        "economy,society",
        "--mean-by",
        "year",
        "--format",
        "json",
    ])
    .json();
    let run_grey = &s["analysis"]["grey"]["mean"]["grades"];
    for (a, b) in g["grades"]
        .as_array()
        .unwrap()
        .iter()
        .zip(run_grey.as_array().unwrap())
    {
        assert_eq!(a["column"], b["column"]);
        let (x, y) = (a["grade"].as_f64().unwrap(), b["grade"].as_f64().unwrap());
        assert!((x - y).abs() <= 1e-12, "{x} vs {y}");
        assert_eq!(a["rank"], b["rank"]);
    }
    // Without --mean-by the rows are region-years: other grades.
    let rows = rurban([
        "grey",
        "--input",
        sc,
        "--reference",
        "composite",
        "--compare",
        "economy,society",
        "--format",
        "json",
    ])
    .json();
    assert_ne!(rows["grades"][0]["grade"], g["grades"][0]["grade"]);

    let c = rurban([
        "cluster",
        "--input",
        sc,
        "--columns",
        "composite",
        "--series",
        "year",
        "--method",
        "ward",
        "--k",
        "3",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(c["labels"], s["analysis"]["cluster"]["labels"]);
    assert_eq!(c["labels"].as_array().unwrap().len(), 31);
    let rows = rurban([
        "cluster",
        "--input",
        sc,
        "--columns",
        "composite",
        "--method",
        "ward",
        "--k",
        "3",
        "--format",
        "json",
    ])
    .json();
    let labels = rows["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 620);
    assert_eq!(labels[0]["label"], "上海 2005");
    // A region missing a year is an error naming it.
    let cut = dir.join("cut.csv");
    let text = std::fs::read_to_string(&scores).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("上海,2010,"))
        .collect();
    std::fs::write(&cut, kept.join("\n")).unwrap();
    fails(
        &[
            "cluster",
            "--input",
            cut.to_str().unwrap(),
            "--columns",
            "composite",
            "--series",
            "year",
            "--method",
            "ward",
            "--k",
            "3",
        ],
        &["cut.csv: '上海' has no row for composite 2010"],
    )
    .check();
}

/// `--format json` on synth, report, plugins and weights.
#[test]
fn every_subcommand_speaks_json() {
    let dir = TempDir::new("papercut-json");
    let panel = dir.join("p.csv");
    let spec = dir.join("p.toml");
    let j = rurban([
        "synth",
        "--preset",
        "small",
        "--seed",
        "7",
        "--out",
        panel.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(j["regions"], 13);
    assert_eq!(j["years"].as_array().unwrap().len(), 2);
    assert_eq!(j["indicators"], 20);
    assert_eq!(j["panel"], panel.to_str().unwrap());
    assert_eq!(j["warnings"], serde_json::json!([]));
    let (_, rows) = read_csv(&panel);
    assert_eq!(rows.len(), 13 * 10);
    fails(
        &["synth", "--preset", "small", "--format", "json"],
        &["--out"],
    )
    .check();

    let out = dir.join("out");
    run_quiet(&fixture("china.toml"), &out, &["--no-xlsx"]).ok();
    let r = rurban(["report", out.to_str().unwrap(), "--format", "json"]).json();
    assert_eq!(
        r["files"],
        serde_json::json!(["report.html", "results.xlsx"])
    );
    assert_eq!(r["dir"], out.to_str().unwrap());

    let p = rurban(["plugins", "--format", "json"]).json();
    assert!(p["plugins"].as_array().unwrap().len() >= 8);
    assert_eq!(p["plugins"][0]["name"], "entropy");
    assert_eq!(p["warnings"], serde_json::json!([]));

    // The README's command: all seven cost indicators of the example.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ex = root.join("examples/heilongjiang/panel.csv");
    let w = rurban([
        "weights", "--input", ex.to_str().unwrap(), "--method", "critic", "--negative",
        "income_ratio,consumption_ratio,engel_ratio,teacher_ratio_gap,fertiliser_per_ha,pm25,housing_area_ratio",
        "--format", "json",
    ])
    .json();
    let names: Vec<&str> = w["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    let dirs: Vec<&str> = w["directions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), dirs.len());
    let spec =
        rurban_spec::Spec::from_file(&root.join("examples/heilongjiang/index.toml")).unwrap();
    let cost: Vec<String> = spec
        .indicators()
        .iter()
        .filter(|(_, i)| i.direction == rurban_spec::Direction::Negative)
        .map(|(_, i)| i.id.clone())
        .collect();
    assert_eq!(cost.len(), 7);
    for (n, d) in names.iter().zip(&dirs) {
        assert_eq!(*d == "-", cost.iter().any(|c| c == n), "{n}");
    }
}
