//! The spatial chain of `rurban run` (`[geo]`) against the standalone
//! subcommands on the run's own `scores.csv`, `rurban synth --geo` for a
//! panel on real geometry, and `[geo]` spec errors through the binary.

use std::path::{Path, PathBuf};

use crate::support::{self, *};
use rurban_pipeline::spatial::spatial_findings;
use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/heilongjiang")
}

fn json(args: &[&str]) -> Value {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--format", "json"]);
    rurban(&a).json()
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn the_chain_equals_the_subcommands_on_the_runs_scores() {
    let spec_path = example().join("index.toml");
    let dir = TempDir::new("geo-run");
    let out = dir.join("out");
    rurban([
        "run".as_ref(),
        spec_path.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ])
    .ok();
    let scores = out.join("scores.csv");
    let scores = scores.to_str().unwrap();
    let geo = example().join("heilongjiang_cities.geojson");
    let geo = geo.to_str().unwrap();

    // the run's own summary.json: its top-level "spatial" object
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let sp = &summary["spatial"];
    assert_eq!(sp["geometry"]["key"], "name_en");
    let moran = json(&[
        "moran",
        "--input",
        scores,
        "--column",
        "composite",
        "--by",
        "year",
        "--geo",
        geo,
        "--key",
        "name_en",
        "--local",
    ]);
    assert_eq!(sp["moran"], without_warnings(&moran));
    let markov = json(&[
        "markov",
        "--input",
        scores,
        "--column",
        "composite",
        "--k",
        "4",
        "--geo",
        geo,
        "--key",
        "name_en",
    ]);
    assert_eq!(sp["markov"], without_warnings(&markov));
    let gravity = json(&[
        "gravity",
        "--input",
        scores,
        "--column",
        "composite",
        "--by",
        "year",
        "--geo",
        geo,
        "--key",
        "name_en",
    ]);
    assert_eq!(sp["gravity"], without_warnings(&gravity));
    // the map classes: classify of the years drawn, pooled
    let cl: rurban_pipeline::spatial::MapClasses =
        serde_json::from_value(sp["classes"].clone()).unwrap();
    assert_eq!(cl.years, ["2011", "2015", "2020"]);
    let (h, rows) = read_csv(&out.join("scores.csv"));
    let (yc, cc) = (col(&h, "year"), col(&h, "composite"));
    let mut pooled = String::from("year,composite\n");
    for r in rows.iter().filter(|r| cl.years.contains(&r[yc])) {
        pooled.push_str(&format!("{},{}\n", r[yc], r[cc]));
    }
    let pooled = dir.write("pooled.csv", &pooled);
    let classes = json(&[
        "classify",
        "--input",
        pooled.to_str().unwrap(),
        "--column",
        "composite",
        "--method",
        "jenks",
        "--k",
        "5",
    ]);
    assert_eq!(to_value(&cl.bins), classes["groups"][0]["bins"]);

    // the maps are in the report, one labelled path per city
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "fig-map-choropleth",
        "fig-map-tiers",
        "fig-map-lisa",
        "fig-map-gravity",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // `rurban report` reopens the GeoJSON named in summary.json and draws
    // the same page
    rurban(["report".as_ref(), out.as_os_str()]).ok();
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );
    // without the GeoJSON, the maps give way to a note; the rest renders
    let moved = dir.join("moved");
    std::fs::create_dir_all(&moved).unwrap();
    let mut s2 = summary.clone();
    s2["spec"] = Value::String(moved.join("index.toml").display().to_string());
    s2["spatial"]["geometry"]["resolved"] =
        Value::String(moved.join("gone.geojson").display().to_string());
    std::fs::write(out.join("summary.json"), s2.to_string()).unwrap();
    rurban(["report".as_ref(), out.as_os_str()]).ok();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("id=\"fig-map-choropleth\""));
    assert!(html.contains("the maps cannot be drawn"));
    assert!(html.contains("id=\"tbl-moran\""));
}

#[test]
fn rurban_report_finds_the_boundaries_from_another_directory() {
    // A run with a relative spec path, re-rendered from elsewhere: the
    // summary's absolute path of the GeoJSON still finds the boundaries.
    let a = TempDir::new("geo-rel-a");
    for f in [
        "index.toml",
        "panel.csv",
        "groups.csv",
        "heilongjiang_cities.geojson",
    ] {
        std::fs::copy(example().join(f), a.join(f)).unwrap();
    }
    rurban_in(Some(a.path()), ["run", "index.toml", "--out", "out", "-q"]).ok();
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("out/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["spec"], "index.toml");
    let resolved = summary["spatial"]["geometry"]["resolved"].as_str().unwrap();
    assert!(Path::new(resolved).is_absolute(), "{resolved}");
    assert_eq!(
        std::fs::canonicalize(resolved).unwrap(),
        std::fs::canonicalize(a.join("heilongjiang_cities.geojson")).unwrap()
    );
    let b = TempDir::new("geo-rel-b");
    let out = a.join("out");
    rurban_in(Some(b.path()), ["report".as_ref(), out.as_os_str()]).ok();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"fig-map-choropleth\""));
    assert!(!html.contains("the maps cannot be drawn"));
}

#[test]
fn the_31_provinces_run_with_the_hainan_island_warning() {
    let dir = TempDir::new("provinces");
    let geo = shared_data("boundaries/china_provinces.geojson");
    let panel = dir.join("panel.csv");
    let spec_path = dir.join("index.toml");
    rurban([
        "synth".as_ref(),
        "--geo".as_ref(),
        geo.as_os_str(),
        "--key".as_ref(),
        "name".as_ref(),
        "--years".as_ref(),
        "2015-2020".as_ref(),
        "--out".as_ref(),
        panel.as_os_str(),
        "--spec".as_ref(),
        spec_path.as_os_str(),
    ])
    .ok();
    let mut text = std::fs::read_to_string(&spec_path).unwrap();
    text.push_str(&format!(
        "\n[geo]\nfile = {:?}\nkey = \"name\"\npermutations = 99\n",
        geo.display().to_string()
    ));
    std::fs::write(&spec_path, text).unwrap();
    let out = dir.join("out");
    let v = json(&[
        "run",
        spec_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-xlsx",
    ]);
    let sp = &v["spatial"];
    assert_eq!(sp["moran"]["weights"]["n"], 31);
    let islands = support::strings(&sp["moran"]["weights"]["islands"]);
    assert_eq!(islands.len(), 1, "{islands:?}");
    assert!(islands[0].contains("海南"), "{islands:?}");
    let warnings = support::strings(&v["warnings"]);
    assert!(
        warnings.iter().any(|w| w.contains("without a neighbour")),
        "{warnings:?}"
    );
    assert!(out.join("moran.csv").exists() && out.join("lisa.csv").exists());
}

#[test]
fn synth_names_regions_after_the_features() {
    let dir = TempDir::new("synth-geo");
    let hlj = shared_data("boundaries/heilongjiang_cities.geojson");
    let panel = dir.join("p.csv");
    rurban([
        "synth".as_ref(),
        "--geo".as_ref(),
        hlj.as_os_str(),
        "--key".as_ref(),
        "name_en".as_ref(),
        "--out".as_ref(),
        panel.as_os_str(),
    ])
    .ok();
    let (h, rows) = read_csv(&panel);
    let rc = col(&h, "region");
    let mut names: Vec<String> = rows.iter().map(|r| r[rc].clone()).collect();
    names.dedup();
    assert_eq!(
        names,
        [
            "Harbin",
            "Qiqihar",
            "Jixi",
            "Hegang",
            "Shuangyashan",
            "Daqing",
            "Yichun",
            "Jiamusi",
            "Qitaihe",
            "Mudanjiang",
            "Heihe",
            "Suihua",
            "Daxing'anling"
        ]
    );
    // without --key: the first of name, short, name_en, adcode
    rurban([
        "synth".as_ref(),
        "--geo".as_ref(),
        hlj.as_os_str(),
        "--out".as_ref(),
        panel.as_os_str(),
    ])
    .ok();
    let (h, rows) = read_csv(&panel);
    assert_eq!(rows[0][col(&h, "region")], "哈尔滨市");
    // counties: names repeat, so the key must be unique
    let counties = shared_data("boundaries/china_counties.geojson");
    rurban([
        "synth".as_ref(),
        "--geo".as_ref(),
        counties.as_os_str(),
        "--key".as_ref(),
        "name".as_ref(),
    ])
    .error(&["repeats the value", "adcode"]);
    rurban(["synth", "--key", "adcode"]).error(&["required arguments were not provided"]);
    rurban([
        "synth".as_ref(),
        "--geo".as_ref(),
        hlj.as_os_str(),
        "--regions".as_ref(),
        "5".as_ref(),
    ])
    .error(&["--regions"]);
}

#[test]
fn a_county_panel_on_real_geometry_runs_the_spatial_chain() {
    let dir = TempDir::new("counties");
    let counties = shared_data("boundaries/china_counties.geojson");
    let panel = dir.join("panel.csv");
    let spec_path = dir.join("index.toml");
    rurban([
        "synth".as_ref(),
        "--preset".as_ref(),
        "county".as_ref(),
        "--geo".as_ref(),
        counties.as_os_str(),
        "--key".as_ref(),
        "adcode".as_ref(),
        "--years".as_ref(),
        "2018-2020".as_ref(),
        "--indicators".as_ref(),
        "4".as_ref(),
        "--missing".as_ref(),
        "0".as_ref(),
        "--out".as_ref(),
        panel.as_os_str(),
        "--spec".as_ref(),
        spec_path.as_os_str(),
    ])
    .ok();
    let mut text = std::fs::read_to_string(&spec_path).unwrap();
    text.push_str(&format!(
        "\n[analysis.cluster]\nenabled = false\n[analysis.kde]\nenabled = false\n\
         [analysis.grey]\nenabled = false\n\n[geo]\nfile = {:?}\nkey = \"adcode\"\npermutations = 99\n",
        counties.display().to_string()
    ));
    std::fs::write(&spec_path, text).unwrap();
    let out = dir.join("out");
    let v = json(&[
        "run",
        spec_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-xlsx",
    ]);
    let regions = support::strings(&v["regions"]);
    assert_eq!(regions.len(), 2848);
    assert_eq!(regions[0], "110101");
    let a: rurban_pipeline::spatial::SpatialAnalysis =
        serde_json::from_value(v["spatial"].clone()).unwrap();
    let warnings = support::strings(&v["warnings"]);
    let m = a.moran.as_ref().unwrap();
    assert_eq!(m.weights.n, 2848);
    assert_eq!(m.weights.islands.len(), 6, "{:?}", m.weights.islands);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("6 regions without a neighbour")),
        "{warnings:?}"
    );
    assert_eq!(m.groups.len(), 3);
    assert_eq!(m.local.len(), 3 * 2848);
    let mk = a.markov.as_ref().unwrap();
    assert_eq!(mk.counts.iter().flatten().sum::<u64>(), 2 * 2848);
    assert_eq!(a.gravity.as_ref().unwrap().moves.len(), 2);
    assert_eq!(spatial_findings(&a).sentences.len(), 4);
    let sentences = support::strings(&v["findings"]["sentences"]);
    assert!(sentences.ends_with(&spatial_findings(&a).sentences));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"fig-map-lisa\""));
}

#[test]
fn geo_spec_errors_are_one_line_naming_the_key() {
    let dir = TempDir::new("geo-spec");
    let base = std::fs::read_to_string(example().join("index.toml")).unwrap();
    let data = example().join("panel.csv");
    // the example's [geo] table with `from` replaced by `to`
    let bad = |from: &str, to: &str, needles: &[&str]| {
        assert!(base.contains(from), "{from}");
        let text = base
            .replace(
                "data = \"panel.csv\"",
                &format!("data = {:?}", data.display().to_string()),
            )
            .replace(from, to);
        let spec = dir.write("index.toml", &text);
        rurban([
            "run".as_ref(),
            spec.as_os_str(),
            "--out".as_ref(),
            dir.join("out").as_os_str(),
        ])
        .error(needles);
        assert_no_outputs(&dir.join("out"));
    };
    bad(
        "seed = 42\n",
        "seed = 42\ncolour = \"red\"\n",
        &["index.toml", "[geo]", "unknown field `colour`"],
    );
    bad(
        "contiguity = \"queen\"\n",
        "contiguity = \"queen\"\nknn = 3\n",
        &["index.toml", "[geo] contiguity and knn are both set"],
    );
    bad(
        "permutations = 999\n",
        "permutations = 1000000\n",
        &[
            "index.toml: line ",
            "[geo] permutations: permutations must be between 0 and 99999",
        ],
    );
}
