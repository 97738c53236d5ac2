//! `rurban run` writes report.html and results.xlsx; `rurban report`
//! re-renders them; workbooks are read back as input.

use crate::support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::{TempDir, check_failures, fails, run_quiet, rurban};

/// `rurban kde --column composite --by year --format json` on a run's
/// scores, from `scores.csv` or from the `scores` sheet of `results.xlsx`.
fn composite_kde(input: &Path) -> serde_json::Value {
    let mut args: Vec<OsString> = vec!["kde".into(), "--input".into(), input.into()];
    if input.extension().is_some_and(|e| e == "xlsx") {
        args.extend(["--sheet".into(), "scores".into()]);
    }
    args.extend(["--column", "composite", "--by", "year", "--format", "json"].map(Into::into));
    let out = rurban(args);
    out.ok();
    out.json()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/heilongjiang/index.toml")
}

/// `rurban run SPEC --out OUT -q EXTRA...`, which must succeed.
#[track_caller]
fn run_ok(spec: &Path, out: &Path, extra: &[&str]) {
    run_quiet(spec, out, extra).ok();
}

/// The output directory of one `--no-report` run of the example, shared by
/// the tests that only read its workbook. A static is never dropped, so
/// this one directory stays in the system's temporary directory.
fn no_report_out() -> &'static Path {
    static RUN: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &RUN.get_or_init(|| {
        let dir = TempDir::new("xlsx");
        let out = dir.join("out");
        run_ok(&example(), &out, &["--no-report"]);
        (dir, out)
    })
    .1
}

#[test]
fn run_writes_report_and_workbook_and_no_report_skips_them() {
    let dir = TempDir::new("report");
    let out = dir.join("out");
    run_ok(&example(), &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "fig-weights",
        "fig-composite",
        "fig-heatmap",
        "fig-dimensions",
        "fig-kde",
        "fig-disparity",
        "fig-dagum",
        "fig-beta",
        "fig-grey",
        "fig-dendrogram",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "report lacks {id}");
    }
    assert!(
        !html.contains("<script src"),
        "the report must be self-contained"
    );
    assert!(out.join("results.xlsx").metadata().unwrap().len() > 0);

    let bare = dir.join("bare");
    run_ok(&example(), &bare, &["--no-report", "--no-xlsx"]);
    assert!(bare.join("summary.json").exists());
    assert!(!bare.join("report.html").exists());
    assert!(!bare.join("results.xlsx").exists());

    // Re-rendering from summary.json gives the same page.
    rurban(["report".as_ref(), bare.as_os_str()]).ok();
    assert_eq!(
        std::fs::read_to_string(bare.join("report.html")).unwrap(),
        html
    );
}

#[test]
fn the_workbook_reads_back_as_input_with_sheet() {
    let out = no_report_out();
    let from_csv = composite_kde(&out.join("scores.csv"));
    let from_xlsx = composite_kde(&out.join("results.xlsx"));
    assert_eq!(
        from_csv, from_xlsx,
        "numbers must survive the workbook exactly"
    );
}

#[test]
fn a_missing_sheet_and_a_missing_summary_are_errors() {
    let dir = TempDir::new("xlsxbad");
    let xlsx = no_report_out().join("results.xlsx");
    let empty = dir.join("empty");
    let xlsx = xlsx.to_str().unwrap();
    check_failures(&[
        fails(
            &[
                "kde",
                "--input",
                xlsx,
                "--sheet",
                "nope",
                "--column",
                "composite",
            ],
            &["results.xlsx", "no sheet 'nope'"],
        ),
        fails(&["report", empty.to_str().unwrap()], &["summary.json"]),
    ]);
}

/// A summary.json that is cut short, not UTF-8, lacks a field or holds a
/// value of the wrong type: an error naming the file and the cause, the
/// field's path and what was found.
#[test]
fn a_bad_summary_is_an_error_naming_the_file_and_field() {
    let dir = TempDir::new("badsummary");
    let text = std::fs::read_to_string(no_report_out().join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut no_scores = v.clone();
    no_scores.as_object_mut().unwrap().remove("scores");
    let mut bad_year = v.clone();
    bad_year["years"][1] = serde_json::json!("later");
    let mut not_utf8 = text.as_bytes().to_vec();
    not_utf8.insert(text.find("\"regions\"").unwrap() + 1, 0xff);
    let cases: [(&str, Vec<u8>, &[&str]); 5] = [
        (
            "cut",
            text.as_bytes()[..text.len() / 2].to_vec(),
            &[
                "summary.json: not a valid summary.json",
                "EOF while parsing",
            ],
        ),
        (
            "latin1",
            not_utf8,
            &["summary.json: cannot read the run's summary"],
        ),
        (
            "array",
            b"[1, 2]".to_vec(),
            &[
                "summary.json",
                "`(top level)` should be an object, found an array of 2 item(s)",
            ],
        ),
        (
            "noscores",
            no_scores.to_string().into_bytes(),
            &["summary.json", "`scores` is missing"],
        ),
        (
            "badyear",
            bad_year.to_string().into_bytes(),
            &[
                "summary.json",
                "`years[1]` should be a whole number, found the string \"later\"",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (name, bytes, needles) in cases {
        let out = dir.join(name);
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("summary.json"), bytes).unwrap();
        failures.push(fails(&["report", out.to_str().unwrap()], needles));
    }
    check_failures(&failures);
    for name in ["cut", "latin1", "array", "noscores", "badyear"] {
        assert!(!dir.join(name).join("report.html").exists(), "{name}");
    }
}

#[test]
fn a_tiny_panel_with_as_many_regions_as_clusters_renders() {
    // 3 regions, k = 3 (the default): every region is its own tier and the
    // dendrogram has no cut line; 2 years: the smallest panel with a trend.
    let dir = TempDir::new("tiny");
    dir.write(
        "panel.csv",
        "region,year,x,y\na,2011,1,9\nb,2011,2,7\nc,2011,4,8\na,2012,2,8\nb,2012,3,6\nc,2012,5,9\n",
    );
    let spec = dir.write(
        "spec.toml",
        "data = \"panel.csv\"\n[[dimension]]\nid = \"d\"\n[[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"\n[[dimension.indicator]]\nid = \"y\"\ndirection = \"-\"\n",
    );
    let out = dir.join("out");
    run_ok(&spec, &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"fig-dendrogram\""));
}

#[test]
fn the_real_31_province_panel_gets_a_report_with_chinese_names() {
    let spec =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis/china_chain.toml");
    // The spec reads the shared data set beside the workspace; say so if it is absent.
    let data = support::shared_data("china-provinces/provinces_2005_2024.csv");
    assert!(data.is_file());
    let dir = TempDir::new("report-cn");
    let out = dir.join("out");
    run_ok(&spec, &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "fig-composite",
        "fig-heatmap",
        "fig-kde",
        "fig-dagum",
        "fig-dendrogram",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "report lacks {id}");
    }
    // Province names appear as SVG text, in a font stack that covers Chinese.
    for name in ["广东", "黑龙江", "西藏"] {
        assert!(
            html.contains(&format!(">{name}<")),
            "{name} not drawn as text"
        );
    }
    assert!(html.contains("Noto Sans CJK SC"));
    // And the workbook carries them too.
    let from_xlsx = composite_kde(&out.join("results.xlsx"));
    assert_eq!(from_xlsx["groups"].as_array().unwrap().len(), 20);
}

#[test]
fn a_rerun_into_the_same_directory_leaves_no_file_of_the_earlier_run() {
    let dir = TempDir::new("rerun");
    let out = dir.join("out");
    run_ok(&example(), &out, &[]);
    assert!(out.join("clusters.csv").exists() && out.join("report.html").exists());
    // The same spec without clustering, and no report: those files would
    // describe the earlier run, so they go; a file of the user's stays.
    let text = std::fs::read_to_string(example()).unwrap();
    let base = example().parent().unwrap().to_path_buf();
    let spec = dir.write(
        "spec.toml",
        &text
            .replace(
                "data = \"panel.csv\"",
                &format!("data = {:?}", base.join("panel.csv").display().to_string()),
            )
            .replace(
                "groups = \"groups.csv\"",
                &format!(
                    "groups = {:?}",
                    base.join("groups.csv").display().to_string()
                ),
            )
            .replace(
                "file = \"heilongjiang_cities.geojson\"",
                &format!(
                    "file = {:?}",
                    base.join("heilongjiang_cities.geojson")
                        .display()
                        .to_string()
                ),
            )
            .replace(
                "[analysis.cluster]\n",
                "[analysis.cluster]\nenabled = false\n",
            ),
    );
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run_ok(&spec, &out, &["--no-report"]);
    assert!(
        !out.join("clusters.csv").exists(),
        "clusters.csv of the earlier run left behind"
    );
    assert!(
        !out.join("report.html").exists(),
        "report.html of the earlier run left behind"
    );
    assert!(out.join("results.xlsx").exists() && out.join("summary.json").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// A copy of the example with `extra` appended to its spec.
fn example_copy(dir: &Path, extra: &str) -> PathBuf {
    let src = example().parent().unwrap().to_path_buf();
    let dst = dir.join("example");
    std::fs::create_dir_all(&dst).unwrap();
    for f in ["panel.csv", "groups.csv", "heilongjiang_cities.geojson"] {
        std::fs::copy(src.join(f), dst.join(f)).unwrap();
    }
    let spec = std::fs::read_to_string(src.join("index.toml")).unwrap();
    std::fs::write(dst.join("index.toml"), format!("{spec}\n{extra}")).unwrap();
    dst.join("index.toml")
}

#[test]
fn lang_zh_writes_the_report_in_chinese_and_report_rerenders_it() {
    let dir = TempDir::new("lang");
    let out = dir.join("out");
    run_ok(&example(), &out, &["--lang", "zh", "--no-xlsx"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("<h2>主要结论</h2>"), "no Chinese heading");
    assert!(html.contains("熵权法"));
    assert!(html.contains("<h2>灰色关联分析</h2>"));
    // The contract's sentences stay English in summary.json.
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("The mean composite score went from"));
    // `rurban report --lang en` re-renders the same run in English.
    rurban(["report", out.to_str().unwrap(), "--lang", "en", "--no-xlsx"]).ok();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("<h2>Findings</h2>"));

    // [report] lang = "zh" in the spec: `rurban run` and, reading the spec
    // the summary names, `rurban report` both write Chinese.
    let spec = example_copy(&dir.join(""), "[report]\nlang = \"zh\"\n");
    let out2 = dir.join("out2");
    run_ok(&spec, &out2, &["--no-xlsx"]);
    let html = std::fs::read_to_string(out2.join("report.html")).unwrap();
    assert!(html.contains("<h2>主要结论</h2>"));
    rurban(["report", out2.to_str().unwrap(), "--no-xlsx"]).ok();
    let html = std::fs::read_to_string(out2.join("report.html")).unwrap();
    assert!(html.contains("<h2>主要结论</h2>"));
    // --lang overrides the spec.
    run_ok(&spec, &out2, &["--no-xlsx", "--lang", "en"]);
    let html = std::fs::read_to_string(out2.join("report.html")).unwrap();
    assert!(html.contains("<h2>Findings</h2>"));
}

/// The sheet names and the header row of one sheet of a results.xlsx.
fn workbook_names(path: &Path, sheet: &str) -> (Vec<String>, Vec<String>) {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names();
    let range = wb.worksheet_range(sheet).unwrap();
    let header = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    (names, header)
}

#[test]
fn lang_zh_names_the_workbooks_sheets_and_headers_in_chinese() {
    let dir = TempDir::new("langxlsx");
    let out = dir.join("out");
    run_ok(&example(), &out, &["--lang", "zh"]);
    let (names, header) = workbook_names(&out.join("results.xlsx"), "重心迁移");
    assert_eq!(
        names[..4],
        ["主要结论", "指标体系", "指标权重", "得分与排名"]
    );
    assert!(names.iter().any(|n| n == "全局莫兰指数"), "{names:?}");
    assert_eq!(
        header,
        ["年份", "经度", "纬度", "移动距离（km）", "方位角（度）"]
    );
    // The spatial findings of the report are Chinese too.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("综合得分的全局莫兰指数"));
    assert!(!html.contains("Spatial Markov chain ("));
    // `rurban report --lang en` writes the English workbook again.
    rurban(["report", out.to_str().unwrap(), "--lang", "en"]).ok();
    let (names, header) = workbook_names(&out.join("results.xlsx"), "gravity");
    assert_eq!(
        names[..4],
        ["findings", "index_system", "weights", "scores"]
    );
    assert_eq!(header, ["year", "lon", "lat", "distance_km", "bearing"]);
}

#[test]
fn an_unknown_report_language_is_an_error() {
    let dir = TempDir::new("langbad");
    let spec = example_copy(&dir.join(""), "[report]\nlang = \"fr\"\n");
    let out = dir.join("out");
    let spec = spec.to_str().unwrap();
    let good = example();
    let good = good.to_str().unwrap();
    check_failures(&[
        fails(
            &["run", spec, "--out", out.to_str().unwrap()],
            &[
                "index.toml",
                "[report]",
                "lang",
                "unknown report language \"fr\"",
            ],
        ),
        fails(
            &["run", good, "--out", out.to_str().unwrap(), "--lang", "fr"],
            &["--lang", "unknown report language \"fr\""],
        ),
        fails(
            &["report", out.to_str().unwrap(), "--lang", "de"],
            &["--lang", "unknown report language \"de\""],
        ),
    ]);
}
