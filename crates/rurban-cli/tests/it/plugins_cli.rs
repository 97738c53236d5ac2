//! The binary with real plugin libraries: discovery by --plugin, by
//! RURBAN_PLUGIN_PATH and by a spec's `plugins` list; plugin weighting and
//! derived indicators in `rurban run`; a broken plugin ends in one error line.

use crate::support;

// The plugin crates are built once per test binary by the same helper the
// host's tests use (a nested cargo into target/plugin-tests).
#[path = "../../../rurban-host/tests/common/mod.rs"]
pub(crate) mod plugin_build;

use std::process::Command;

use support::{TempDir, read_csv, rurban};

const DATA: &str = "region,year,urban,rural,x,y\n\
a,2011,30,10,1,9\nb,2011,28,14,2,7\nc,2011,35,9,4,8\n\
a,2012,33,12,2,8\nb,2012,30,15,3,6\nc,2012,36,11,5,9\n";

const DIMS: &str = r#"
[[dimension]]
id = "d1"
[[dimension.indicator]]
id = "x"
direction = "+"
[[dimension.indicator]]
id = "y"
direction = "-"
"#;

fn weights_of(dir: &TempDir) -> Vec<f64> {
    let (h, rows) = read_csv(&dir.join("out/weights.csv"));
    let w = support::col(&h, "weight");
    rows.iter().map(|r| support::num(&r[w])).collect()
}

#[test]
fn plugins_lists_a_loaded_plugin_with_its_file() {
    let merec = plugin_build::merec();
    let out = rurban([
        "plugins".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--plugin".as_ref(),
        merec.as_os_str(),
    ]);
    out.ok();
    let doc = out.json();
    assert_eq!(doc["warnings"], serde_json::json!([]));
    let m = doc["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "merec")
        .expect("merec listed");
    assert_eq!(m["kind"], "weighting");
    assert_eq!(m["abi"], "1.1");
    assert_eq!(m["builtin"], false);
    assert!(
        m["file"]
            .as_str()
            .unwrap()
            .ends_with(&*merec.file_name().unwrap().to_string_lossy())
    );
}

#[test]
fn plugins_lists_every_kind_in_both_formats() {
    let (logistic, power_mean, gap) = (
        plugin_build::logistic(),
        plugin_build::power_mean(),
        plugin_build::urban_rural_gap(),
    );
    let args = |format: &'static str| -> [&std::ffi::OsStr; 9] {
        [
            "plugins".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "--plugin".as_ref(),
            logistic.as_os_str(),
            "--plugin".as_ref(),
            power_mean.as_os_str(),
            "--plugin".as_ref(),
            gap.as_os_str(),
        ]
    };
    let out = rurban(args("json"));
    out.ok();
    let doc = out.json();
    let kinds: Vec<(String, String)> = doc["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["builtin"] == false)
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect: Vec<(String, String)> = [
        ("logistic", "normaliser"),
        ("power-mean", "aggregator"),
        ("urban-rural-gap", "indicator"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(kinds, expect);
    let out = Command::new(env!("CARGO_BIN_EXE_rurban"))
        .args(args("human"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "normaliser",
        "aggregator",
        "logistic",
        "power-mean",
        "abi",
        "1.1",
    ] {
        assert!(text.contains(word), "{word} missing from:\n{text}");
    }
}

#[test]
fn weights_with_a_plugin_method_sum_to_one() {
    let dir = TempDir::new("plw");
    let f = dir.write("m.csv", "a,b,c\n1,2,3\n2,5,1\n4,1,2\n");
    let merec = plugin_build::merec();
    let out = rurban([
        "--plugin".as_ref(),
        merec.as_os_str(),
        "weights".as_ref(),
        "--input".as_ref(),
        f.as_os_str(),
        "--method".as_ref(),
        "merec".as_ref(),
        "--negative".as_ref(),
        "c".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    out.ok();
    let w = support::f64s(&out.json()["weights"]);
    assert_eq!(w.len(), 3);
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{w:?}");
}

#[test]
fn spec_plugins_list_switches_run_to_merec() {
    let dir = TempDir::new("plrun");
    dir.write("panel.csv", DATA);
    let merec = plugin_build::merec();
    let spec = format!(
        "data = \"panel.csv\"\nplugins = [{:?}]\n[method]\nweighting = \"merec\"\n{DIMS}",
        merec.display().to_string()
    );
    let s = dir.write("spec.toml", &spec);
    rurban([
        "run".as_ref(),
        s.as_os_str(),
        "--out".as_ref(),
        dir.join("out").as_os_str(),
        "-q".as_ref(),
    ])
    .ok();
    let merec_w = weights_of(&dir);
    // The same spec with entropy gives different weights: the plugin was used.
    dir.write(
        "spec2.toml",
        &spec
            .replace("\"merec\"", "\"entropy\"")
            .replace("plugins = [", "# ["),
    );
    rurban([
        "run".as_ref(),
        dir.join("spec2.toml").as_os_str(),
        "--out".as_ref(),
        dir.join("out").as_os_str(),
        "-q".as_ref(),
    ])
    .ok();
    let entropy_w = weights_of(&dir);
    assert!((merec_w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_ne!(merec_w, entropy_w);
}

#[test]
fn plugin_path_directories_are_searched() {
    let merec = plugin_build::merec();
    let out = Command::new(env!("CARGO_BIN_EXE_rurban"))
        .args(["plugins", "--format", "json"])
        .env("RURBAN_PLUGIN_PATH", merec.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"merec\""), "{text}");
}

#[test]
fn derived_indicators_builtin_and_plugin_enter_the_index() {
    let dir = TempDir::new("plderived");
    dir.write("panel.csv", DATA);
    let gap = plugin_build::urban_rural_gap();
    let spec = format!(
        r#"data = "panel.csv"
plugins = [{:?}]
[[derived]]
id = "income_ratio"
kind = "ratio"
inputs = ["urban", "rural"]
[[derived]]
id = "gap"
kind = "urban-rural-gap"
inputs = ["urban", "rural"]
params = {{ measure = "ratio" }}
[[dimension]]
id = "d1"
[[dimension.indicator]]
id = "income_ratio"
direction = "-"
[[dimension.indicator]]
id = "gap"
direction = "-"
[[dimension.indicator]]
id = "x"
direction = "+"
"#,
        gap.display().to_string()
    );
    let s = dir.write("spec.toml", &spec);
    let out = rurban([
        "run".as_ref(),
        s.as_os_str(),
        "--out".as_ref(),
        dir.join("out").as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    out.ok();
    let summary = out.json();
    // Both derived columns are urban / rural, so they get equal weights.
    let w = support::f64s(&summary["weights"]["weights"]);
    assert!((w[0] - w[1]).abs() < 1e-12, "{w:?}");
    // Region a, 2011: ratio 30 / 10 = 3 is the largest ratio of 2011 and
    // 2012 except c 2011 (35 / 9); with direction - its z is (max - 3)/(max - min).
    let ratios = [
        30.0 / 10.0,
        33.0 / 12.0,
        28.0 / 14.0,
        30.0 / 15.0,
        35.0 / 9.0,
        36.0 / 11.0,
    ];
    let (lo, hi) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &v| (l.min(v), h.max(v)));
    let z_a2011 = (hi - 3.0) / (hi - lo);
    let (h, rows) = read_csv(&dir.join("out/scores.csv"));
    let c = support::col(&h, "composite");
    let xs = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0];
    let z_x = (1.0 - 1.0) / (5.0 - 1.0);
    let want = w[0] * z_a2011 + w[1] * z_a2011 + w[2] * z_x;
    assert!(
        (support::num(&rows[0][c]) - want).abs() < 1e-12,
        "{} vs {want} ({xs:?})",
        rows[0][c]
    );
}

#[test]
fn a_panicking_plugin_ends_in_one_error_line_naming_it() {
    let dir = TempDir::new("plpanic");
    let f = dir.write("m.csv", "a,b\n1,2\n2,5\n4,1\n");
    let broken = plugin_build::broken("broken_panic");
    let out = rurban([
        "--plugin".as_ref(),
        broken.as_os_str(),
        "weights".as_ref(),
        "--input".as_ref(),
        f.as_os_str(),
        "--method".as_ref(),
        "broken-panic".as_ref(),
    ]);
    let line = out.error(&["broken-panic"]);
    assert!(line.contains("panicked (caught)"), "{line}");
    assert!(line.starts_with("error:"));
}

#[test]
fn weights_not_summing_to_one_are_refused() {
    let dir = TempDir::new("plsum");
    let f = dir.write("m.csv", "a,b\n1,2\n2,5\n4,1\n");
    let broken = plugin_build::broken("broken_sum");
    let out = rurban([
        "--plugin".as_ref(),
        broken.as_os_str(),
        "weights".as_ref(),
        "--input".as_ref(),
        f.as_os_str(),
        "--method".as_ref(),
        "broken-sum".as_ref(),
    ]);
    out.error(&["broken-sum", "sum"]);
}

#[test]
fn a_missing_plugin_file_is_an_error_naming_it() {
    let dir = TempDir::new("plmissing");
    let nowhere = dir.join("libnothing.so");
    let out = rurban(["--plugin".as_ref(), nowhere.as_os_str(), "plugins".as_ref()]);
    out.error(&["libnothing.so"]);
}

/// A spec whose normalisation and aggregation come from plugins: the
/// composite of every region-year is the power mean (p = 0.5) of the
/// logistic-normalised values `rurban run` wrote, with its weights.
#[test]
fn run_uses_a_plugin_normaliser_and_aggregator() {
    let dir = TempDir::new("plstages");
    dir.write("panel.csv", DATA);
    let spec = format!(
        "data = \"panel.csv\"\nplugins = [{:?}, {:?}]\n[method]\nnormalisation = \"logistic\"\naggregation = \"power-mean\"\n{DIMS}",
        plugin_build::logistic().display().to_string(),
        plugin_build::power_mean().display().to_string(),
    );
    let s = dir.write("spec.toml", &spec);
    rurban([
        "run".as_ref(),
        s.as_os_str(),
        "--out".as_ref(),
        dir.join("out").as_os_str(),
        "-q".as_ref(),
        "--no-report".as_ref(),
        "--no-xlsx".as_ref(),
    ])
    .ok();
    let w = weights_of(&dir);
    let (h, z) = read_csv(&dir.join("out/stages/normalised.csv"));
    let (sh, scores) = read_csv(&dir.join("out/scores.csv"));
    let (zx, zy) = (support::col(&h, "x"), support::col(&h, "y"));
    let c = support::col(&sh, "composite");
    assert_eq!(z.len(), 6);
    for (zr, sr) in z.iter().zip(&scores) {
        assert_eq!(zr[..2], sr[..2]);
        let v = [support::num(&zr[zx]), support::num(&zr[zy])];
        // logistic values lie strictly inside (0, 1)
        assert!(v.iter().all(|x| *x > 0.0 && *x < 1.0), "{v:?}");
        let m = ((w[0] * v[0].sqrt() + w[1] * v[1].sqrt()) / (w[0] + w[1])).powi(2);
        support::assert_rel(support::num(&sr[c]), m, 1e-12, "power mean");
    }
}

/// A plugin aggregator that fails inside the run ends it with one error
/// line naming the plugin, and writes nothing.
#[test]
fn a_failing_plugin_aggregator_ends_the_run() {
    let dir = TempDir::new("plbroken");
    dir.write("panel.csv", DATA);
    let spec = format!(
        "data = \"panel.csv\"\nplugins = [{:?}]\n[method]\naggregation = \"broken-aggregator\"\n{DIMS}",
        plugin_build::broken("broken_aggregator")
            .display()
            .to_string(),
    );
    let s = dir.write("spec.toml", &spec);
    let o = rurban([
        "run".as_ref(),
        s.as_os_str(),
        "--out".as_ref(),
        dir.join("out").as_os_str(),
        "-q".as_ref(),
    ]);
    o.error(&["broken-aggregator"]);
    support::assert_no_outputs(&dir.join("out"));
}
