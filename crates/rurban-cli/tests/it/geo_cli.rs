//! End-to-end tests of the spatial subcommands (`neighbours`, `moran`,
//! `classify`, `markov`, `gravity`): JSON shapes, values against references
//! recorded from PySAL, shapely and numpy (`tests/fixtures/geo/record.py`,
//! and rurban-geo's `tests/fixtures/record.py`), and every rejected input as
//! one clean `error:` line.

use crate::support;

use std::path::PathBuf;

use serde_json::Value;
use support::*;

const COL: &str = "城镇化率_%";
const GDP: &str = "GDP_当年价_亿元";

fn provinces_panel() -> String {
    shared_data("china-provinces/provinces_2005_2024.csv")
        .to_string_lossy()
        .into_owned()
}

fn boundaries(name: &str) -> String {
    shared_data(&format!("boundaries/{name}.geojson"))
        .to_string_lossy()
        .into_owned()
}

fn reference() -> Value {
    read_json(&fixture("geo/geo_reference.json"))
}

fn geo_reference() -> Value {
    read_json(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../rurban-geo/tests/fixtures/boundaries_reference.json"),
    )
}

/// Runs `rurban ARGS --format json` and returns the document.
fn json(args: &[&str]) -> Value {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--format", "json"]);
    rurban(&a).json()
}

/// Runs `rurban ARGS --format json` and expects a clean error line (the
/// one-line error rule of [`support::Fails::check`]).
#[track_caller]
fn fails(args: &[&str], needles: &[&str]) -> String {
    support::fails(args, needles)
        .with(&["--format", "json"])
        .check()
}

/// A small panel of Heilongjiang cities (English names) as CSV text.
fn cities_csv(rows: &[(&str, i64, &str)]) -> String {
    let mut s = String::from("city,year,x\n");
    for (r, y, v) in rows {
        s.push_str(&format!("{r},{y},{v}\n"));
    }
    s
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

// ------------------------------------------------------------- neighbours

#[test]
fn neighbours_of_the_provinces_match_libpysal() {
    let geo = boundaries("china_provinces");
    let doc = json(&["neighbours", "--geo", &geo, "--key", "adcode"]);
    assert_keys(
        &doc,
        &[
            "ids",
            "neighbours",
            "islands",
            "n",
            "mean_neighbours",
            "warnings",
        ],
        &[],
        "neighbours",
    );
    let r = &geo_reference()["china_provinces"];
    let ids = strings(&r["adcode"]);
    assert_eq!(strings(&doc["ids"]), ids);
    let nb = doc["neighbours"].as_object().unwrap();
    assert_eq!(
        nb.keys().cloned().collect::<Vec<_>>(),
        ids,
        "keys in feature order"
    );
    let mut total = 0;
    for (i, id) in ids.iter().enumerate() {
        let want: Vec<String> = r["queen"][i]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| ids[j.as_u64().unwrap() as usize].clone())
            .collect();
        total += want.len();
        assert_eq!(strings(&nb[id]), want, "neighbours of {id}");
    }
    assert_eq!(strings(&doc["islands"]), s(&["460000"]));
    assert_eq!(doc["n"], 31);
    assert_rel(
        fnum(&doc["mean_neighbours"], "mean"),
        total as f64 / 31.0,
        1e-12,
        "mean",
    );
    let w = strings(&doc["warnings"]);
    assert!(w.len() == 1 && w[0].contains("460000"), "{w:?}");
    // Rook and KNN through the same options; the name key by default.
    let doc = json(&["neighbours", "--geo", &geo, "--contiguity", "rook"]);
    assert_eq!(strings(&doc["ids"])[0], "北京市");
    let doc = json(&["neighbours", "--geo", &geo, "--knn", "4", "--key", "adcode"]);
    assert_eq!(fnum(&doc["mean_neighbours"], "knn"), 4.0);
    let first: Vec<String> = r["knn4"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| ids[j.as_u64().unwrap() as usize].clone())
        .collect();
    assert_eq!(strings(&doc["neighbours"]["110000"]), first);
    assert!(strings(&doc["islands"]).is_empty());
}

#[test]
fn neighbours_prints_a_table_for_people() {
    let out = rurban([
        "neighbours",
        "--geo",
        &boundaries("heilongjiang_cities"),
        "--key",
        "name_en",
    ]);
    out.ok();
    assert!(out.stdout.contains("Harbin") && out.stdout.contains("Daqing"));
}

// ------------------------------------------------------------------ moran

fn moran_doc(extra: &[&str]) -> Value {
    let (p, g) = (provinces_panel(), boundaries("china_provinces"));
    let mut a = vec![
        "moran", "--input", &p, "--column", COL, "--geo", &g, "--by", "年份",
    ];
    a.extend(extra);
    json(&a)
}

#[test]
fn moran_matches_esda_on_the_provinces() {
    let doc = moran_doc(&["--permutations", "99"]);
    assert_keys(
        &doc,
        &["weights", "permutations", "groups", "warnings"],
        &[],
        "moran",
    );
    let w = &doc["weights"];
    assert_keys(w, &["kind", "transform", "n", "islands"], &[], "weights");
    assert_eq!(
        (w["kind"].as_str(), w["transform"].as_str(), w["n"].as_u64()),
        (Some("queen"), Some("r"), Some(31))
    );
    assert_eq!(strings(&w["islands"]), s(&["海南"]));
    assert_eq!(doc["permutations"], 99);
    assert!(strings(&doc["warnings"]).iter().any(|m| m.contains("海南")));
    let r = reference();
    let groups = doc["groups"].as_array().unwrap();
    let want = r["moran"].as_array().unwrap();
    assert_eq!(groups.len(), want.len());
    for (g, e) in groups.iter().zip(want) {
        assert_keys(
            g,
            &[
                "key",
                "n",
                "I",
                "expected",
                "variance_normal",
                "z_normal",
                "p_normal",
                "variance_random",
                "z_random",
                "p_random",
                "geary_c",
                "p_sim",
            ],
            &[],
            "moran group",
        );
        assert_eq!(g["key"], e["key"]);
        assert_eq!(g["n"], e["n"]);
        for k in [
            "I",
            "expected",
            "variance_normal",
            "z_normal",
            "p_normal",
            "variance_random",
            "z_random",
            "p_random",
            "geary_c",
        ] {
            assert_rel(
                fnum(&g[k], k),
                fnum(&e[k], k),
                1e-9,
                &format!("{} {k}", e["key"]),
            );
        }
        let p = fnum(&g["p_sim"], "p_sim");
        assert!(
            p > 0.0 && p <= 1.0 && (p * 100.0 - (p * 100.0).round()).abs() < 1e-9,
            "{p}"
        );
    }
}

#[test]
fn lisa_matches_esda_and_permutations_are_seeded() {
    let doc = moran_doc(&["--local", "--permutations", "199", "--seed", "7"]);
    let r = &reference()["lisa"];
    let local: Vec<&Value> = doc["local"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["key"] == r["key"])
        .collect();
    assert_eq!(local.len(), 31);
    for (i, l) in local.iter().enumerate() {
        assert_keys(
            l,
            &[
                "key",
                "region",
                "value",
                "lag",
                "I",
                "quadrant",
                "p_sim",
                "significant",
            ],
            &[],
            "local",
        );
        assert_eq!(l["region"], r["region"][i]);
        assert_eq!(l["quadrant"], r["quadrant"][i], "{}", l["region"]);
        assert_rel(
            fnum(&l["value"], "value"),
            fnum(&r["value"][i], "value"),
            1e-12,
            "value",
        );
        for k in ["lag", "I"] {
            let (a, b) = (fnum(&l[k], k), fnum(&r[k][i], k));
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{} {k}: {a} vs {b}",
                l["region"]
            );
        }
        if l["region"] == "海南" {
            assert!(l["p_sim"].is_null() && l["significant"] == false);
        } else {
            let p = fnum(&l["p_sim"], "p_sim");
            assert_eq!(l["significant"], p <= 0.05);
        }
    }
    assert_eq!(
        moran_doc(&["--local", "--permutations", "199", "--seed", "7"]),
        doc
    );
    let other = moran_doc(&["--local", "--permutations", "199", "--seed", "8"]);
    assert_ne!(other["local"], doc["local"]);
    // Without permutations there is no p_sim.
    let none = moran_doc(&["--permutations", "0"]);
    assert!(none["groups"][0]["p_sim"].is_null());
}

#[test]
fn moran_with_binary_knn_and_file_weights_reports_them() {
    let doc = moran_doc(&["--knn", "3", "--transform", "b", "--permutations", "0"]);
    let w = &doc["weights"];
    assert_eq!(
        (w["kind"].as_str(), w["transform"].as_str()),
        (Some("knn"), Some("b"))
    );
    assert!(strings(&w["islands"]).is_empty());
    // A weights file equal to the queen matrix gives the queen result.
    let d = TempDir::new("wfile");
    let r = geo_reference();
    let r = &r["china_provinces"];
    let feature_short: Vec<String> = {
        let text = std::fs::read_to_string(boundaries("china_provinces")).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["short"].as_str().unwrap().to_string())
            .collect()
    };
    let n = feature_short.len();
    let mut csv = format!(",{}\n", feature_short.join(","));
    for i in (0..n).rev() {
        let nb: Vec<u64> = r["queen"][i]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j.as_u64().unwrap())
            .collect();
        let cells: Vec<&str> = (0..n)
            .map(|j| if nb.contains(&(j as u64)) { "1" } else { "0" })
            .collect();
        csv.push_str(&format!("{},{}\n", feature_short[i], cells.join(",")));
    }
    let wf = d.write("w.csv", &csv);
    let file = moran_doc(&[
        "--weights-file",
        wf.to_str().unwrap(),
        "--permutations",
        "0",
    ]);
    assert_eq!(file["weights"]["kind"], "file");
    let queen = moran_doc(&["--permutations", "0"]);
    assert_json_close(&file["groups"], &queen["groups"], 1e-12, "file vs queen");
}

#[test]
fn features_without_data_are_dropped_with_a_warning() {
    let d = TempDir::new("subset");
    let data = d.write(
        "c.csv",
        &cities_csv(&[
            ("Harbin", 2020, "3"),
            ("Suihua", 2020, "1"),
            ("Daqing", 2020, "2"),
            ("Yichun", 2020, "5"),
        ]),
    );
    let geo = boundaries("heilongjiang_cities");
    let out = rurban([
        "moran",
        "--input",
        data.to_str().unwrap(),
        "--column",
        "x",
        "--geo",
        &geo,
        "--permutations",
        "0",
        "--format",
        "json",
    ]);
    let doc = out.json();
    assert_eq!(doc["weights"]["n"], 4);
    let w = strings(&doc["warnings"]);
    assert!(
        w.iter()
            .any(|m| m.contains("9 of 13") && m.contains("Qiqihar")),
        "{w:?}"
    );
    assert!(out.warnings().iter().any(|m| m.contains("Qiqihar")));
}

// ---------------------------------------------------------------- classify

#[test]
fn classify_matches_mapclassify() {
    let p = provinces_panel();
    let r = &reference()["classify"];
    for method in ["quantile", "equal", "jenks"] {
        let doc = json(&[
            "classify", "--input", &p, "--column", COL, "--method", method, "--k", "5", "--by",
            "年份",
        ]);
        assert_keys(
            &doc,
            &["method", "k", "groups", "warnings"],
            &[],
            "classify",
        );
        assert_eq!(
            (doc["method"].as_str(), doc["k"].as_u64()),
            (Some(method), Some(5))
        );
        let g = doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == r["key"])
            .unwrap();
        assert_keys(g, &["key", "bins", "counts", "classes"], &[], "group");
        assert_close(&f64s(&g["bins"]), &f64s(&r[method]), 1e-9, method);
        let bins = f64s(&g["bins"]);
        let classes: Vec<usize> = g["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(classes.len(), 31);
        let counts: Vec<u64> = g["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(counts.iter().sum::<u64>(), 31);
        for (c, n) in counts.iter().enumerate() {
            assert_eq!(classes.iter().filter(|&&x| x == c).count() as u64, *n);
        }
        assert_eq!(bins.len(), counts.len());
    }
}

// ------------------------------------------------------------------ markov

#[test]
fn markov_matches_giddy_classic_and_spatial() {
    let (p, g) = (provinces_panel(), boundaries("china_provinces"));
    let r = &reference()["markov"];
    let doc = json(&["markov", "--input", &p, "--column", COL]);
    assert_keys(
        &doc,
        &[
            "k",
            "cutoffs",
            "counts",
            "probabilities",
            "steady_state",
            "warnings",
        ],
        &[],
        "markov",
    );
    assert_eq!(doc["k"], 4);
    assert_close(
        &f64s(&doc["cutoffs"]),
        &f64s(&r["cutoffs"]),
        1e-9,
        "cutoffs",
    );
    assert_eq!(doc["counts"], r["counts"]);
    assert_json_close(&doc["probabilities"], &r["probabilities"], 1e-9, "P");
    assert_close(
        &f64s(&doc["steady_state"]),
        &f64s(&r["steady_state"]),
        1e-9,
        "steady state",
    );
    let doc = json(&["markov", "--input", &p, "--column", COL, "--geo", &g]);
    let sp = &doc["spatial"];
    assert_keys(
        sp,
        &[
            "m",
            "lag_cutoffs",
            "counts",
            "probabilities",
            "steady_states",
        ],
        &[],
        "spatial",
    );
    assert_eq!(sp["m"], 4);
    assert_close(
        &f64s(&sp["lag_cutoffs"]),
        &f64s(&r["spatial"]["lag_cutoffs"]),
        1e-9,
        "lag cutoffs",
    );
    assert_eq!(sp["counts"], r["spatial"]["counts"]);
    assert_json_close(
        &sp["probabilities"],
        &r["spatial"]["probabilities"],
        1e-9,
        "spatial P",
    );
}

#[test]
fn markov_needs_a_balanced_panel() {
    let d = TempDir::new("markov");
    let geo = boundaries("heilongjiang_cities");
    let f = d.write(
        "c.csv",
        &cities_csv(&[
            ("Harbin", 2020, "1"),
            ("Harbin", 2021, "2"),
            ("Daqing", 2020, "3"),
        ]),
    );
    fails(
        &[
            "markov",
            "--input",
            f.to_str().unwrap(),
            "--column",
            "x",
            "--k",
            "2",
        ],
        &["c.csv", "\"Daqing\"", "2021", "not balanced"],
    );
    let f = d.write(
        "dup.csv",
        &cities_csv(&[
            ("Harbin", 2020, "1"),
            ("Harbin", 2020, "2"),
            ("Daqing", 2020, "3"),
        ]),
    );
    fails(
        &[
            "markov",
            "--input",
            f.to_str().unwrap(),
            "--column",
            "x",
            "--k",
            "2",
        ],
        &["dup.csv", "row 2", "\"Harbin\"", "2020", "row 1"],
    );
    fails(
        &[
            "markov",
            "--input",
            f.to_str().unwrap(),
            "--column",
            "x",
            "--knn",
            "2",
        ],
        &["required arguments"],
    );
    let _ = geo;
}

// ----------------------------------------------------------------- gravity

#[test]
fn gravity_matches_numpy_on_the_provinces() {
    let (p, g) = (provinces_panel(), boundaries("china_provinces"));
    let doc = json(&[
        "gravity", "--input", &p, "--column", GDP, "--geo", &g, "--by", "年份",
    ]);
    assert_keys(&doc, &["groups", "moves", "warnings"], &[], "gravity");
    let r = &reference()["gravity"];
    assert_eq!(doc["groups"].as_array().unwrap().len(), 20);
    assert_json_close(&doc["groups"], &r["groups"], 1e-9, "groups");
    assert_json_close(&doc["moves"], &r["moves"], 1e-9, "moves");
    for m in doc["moves"].as_array().unwrap() {
        assert_keys(m, &["from", "to", "distance_km", "bearing"], &[], "move");
    }
}

#[test]
fn gravity_of_two_cities_is_their_weighted_centroid() {
    let d = TempDir::new("grav");
    let geo = boundaries("heilongjiang_cities");
    let f = d.write(
        "c.csv",
        &cities_csv(&[
            ("Harbin", 2020, "1"),
            ("Daqing", 2020, "0"),
            ("Harbin", 2021, "0"),
            ("Daqing", 2021, "2"),
        ]),
    );
    let out = rurban([
        "gravity",
        "--input",
        f.to_str().unwrap(),
        "--column",
        "x",
        "--geo",
        &geo,
        "--by",
        "year",
        "--format",
        "json",
    ]);
    let doc = out.json();
    let r = &geo_reference()["heilongjiang_cities"]["centroids"];
    // Harbin is feature 0, Daqing feature 5.
    assert_close(
        &[
            fnum(&doc["groups"][0]["lon"], "lon"),
            fnum(&doc["groups"][0]["lat"], "lat"),
        ],
        &f64s(&r[0]),
        1e-12,
        "2020",
    );
    assert_close(
        &[
            fnum(&doc["groups"][1]["lon"], "lon"),
            fnum(&doc["groups"][1]["lat"], "lat"),
        ],
        &f64s(&r[5]),
        1e-12,
        "2021",
    );
    // Daqing's centre lies west-north-west of Harbin's, some 260 km away.
    let m = &doc["moves"][0];
    let (dist, br) = (fnum(&m["distance_km"], "d"), fnum(&m["bearing"], "b"));
    assert!(
        dist > 230.0 && dist < 300.0 && br > 270.0 && br < 315.0,
        "{m}"
    );
    assert!(
        strings(&doc["warnings"])
            .iter()
            .any(|w| w.contains("11 of 13"))
    );
    let f = d.write(
        "neg.csv",
        &cities_csv(&[("Harbin", 2020, "1"), ("Daqing", 2020, "-2")]),
    );
    fails(
        &[
            "gravity",
            "--input",
            f.to_str().unwrap(),
            "--column",
            "x",
            "--geo",
            &geo,
        ],
        &["neg.csv", "\"Daqing\"", "negative"],
    );
    let f = d.write(
        "miss.csv",
        &cities_csv(&[("Harbin", 2020, "1"), ("Daqing", 2020, "NA")]),
    );
    fails(
        &[
            "gravity",
            "--input",
            f.to_str().unwrap(),
            "--column",
            "x",
            "--geo",
            &geo,
        ],
        &["miss.csv", "row 2", "column 'x'", "missing"],
    );
}

// ------------------------------------------------------------------ errors

fn moran_on(data: &str, geo: &str, extra: &[&str]) -> Vec<String> {
    let mut a = s(&["moran", "--input", data, "--column", "x", "--geo", geo]);
    a.extend(extra.iter().map(ToString::to_string));
    a
}

fn moran_fails(data: &str, geo: &str, extra: &[&str], needles: &[&str]) {
    let a = moran_on(data, geo, extra);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    fails(&a, needles);
}

#[test]
fn bad_boundaries_files_are_clean_errors() {
    let d = TempDir::new("badgeo");
    let data = d.write("c.csv", &cities_csv(&[("A", 2020, "1"), ("B", 2020, "2")]));
    let data = data.to_str().unwrap();
    let sq = |x: f64, name: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},0],[{x1},0],[{x1},1],[{x},1],[{x},0]]]}}}}"#,
            x1 = x + 1.0
        )
    };
    let fc = |f: &[String]| {
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
            f.join(",\n")
        )
    };
    let g = d.write(
        "bad.geojson",
        "{\"type\": \"FeatureCollection\",\n  \"features\": [}",
    );
    moran_fails(
        data,
        g.to_str().unwrap(),
        &[],
        &["bad.geojson", "line 2, column"],
    );
    let g = d.write("feat.geojson", &sq(0.0, "A"));
    moran_fails(
        data,
        g.to_str().unwrap(),
        &[],
        &["feat.geojson", "not a FeatureCollection"],
    );
    let pt = r#"{"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Point","coordinates":[1,1]}}"#;
    let g = d.write("pt.geojson", &fc(&[sq(0.0, "A"), pt.to_string()]));
    moran_fails(
        data,
        g.to_str().unwrap(),
        &[],
        &["pt.geojson", "feature 1", "Point"],
    );
    let g = d.write("proj.geojson", &fc(&[sq(0.0, "A"), sq(350000.0, "B")]));
    moran_fails(
        data,
        g.to_str().unwrap(),
        &[],
        &[
            "proj.geojson",
            "looks projected, not lon/lat; reproject to EPSG:4326",
        ],
    );
    let g = d.write("rep.geojson", &fc(&[sq(0.0, "A"), sq(1.0, "A")]));
    moran_fails(
        data,
        g.to_str().unwrap(),
        &["--key", "name"],
        &["rep.geojson", "\"A\""],
    );
    let g = d.write(
        "ok.geojson",
        &fc(&[sq(0.0, "A"), sq(1.0, "B"), sq(2.0, "C")]),
    );
    moran_fails(
        data,
        g.to_str().unwrap(),
        &["--key", "nom"],
        &["ok.geojson", "'nom'", "properties: name"],
    );
    moran_fails(
        data,
        g.to_str().unwrap(),
        &["--knn", "3"],
        &["--knn 3", "(3)"],
    );
    moran_fails(data, "no/such.geojson", &[], &["no/such.geojson"]);
}

#[test]
fn a_region_without_a_feature_is_named_with_the_nearest_names() {
    let d = TempDir::new("nofeature");
    let data = d.write("c.csv", "地区,年份,x\n哈尔滨,2020,1\n大庆,2020,2\n");
    let geo = boundaries("heilongjiang_cities");
    moran_fails(
        data.to_str().unwrap(),
        &geo,
        &["--key", "name"],
        &[
            "heilongjiang_cities.geojson",
            "\"哈尔滨\"",
            "哈尔滨市",
            "--key short",
        ],
    );
    let out = rurban([
        "gravity",
        "--input",
        data.to_str().unwrap(),
        "--column",
        "x",
        "--geo",
        &geo,
        "--format",
        "json",
    ]);
    out.ok();
}

#[test]
fn bad_weights_options_and_files_are_clean_errors() {
    let d = TempDir::new("badw");
    let data = d.write(
        "c.csv",
        &cities_csv(&[
            ("Harbin", 2020, "1"),
            ("Daqing", 2020, "2"),
            ("Suihua", 2020, "4"),
        ]),
    );
    let data = data.to_str().unwrap();
    let geo = boundaries("heilongjiang_cities");
    moran_fails(
        data,
        &geo,
        &["--knn", "3", "--contiguity", "rook"],
        &["cannot be used"],
    );
    moran_fails(data, &geo, &["--transform", "x"], &["transform"]);
    fails(&["moran", "--input", data, "--column", "x"], &["--geo"]);
    fails(
        &["moran", "--input", data, "--column", "x", "--knn", "2"],
        &["required arguments"],
    );
    let wcase = |name: &str, text: &str, needles: &[&str]| {
        let wf = d.write(name, text);
        moran_fails(
            data,
            &geo,
            &["--weights-file", wf.to_str().unwrap()],
            needles,
        );
    };
    wcase(
        "ns.csv",
        ",Harbin,Daqing\nHarbin,0,1\n",
        &["ns.csv", "not square"],
    );
    wcase(
        "unk.csv",
        ",Harbin,Daqing,Paris\nHarbin,0,1,0\nDaqing,1,0,0\nParis,0,0,0\n",
        &["unk.csv", "column 'Paris'"],
    );
    wcase(
        "txt.csv",
        ",Harbin,Daqing,Suihua\nHarbin,0,1,x\nDaqing,1,0,0\nSuihua,1,0,0\n",
        &["txt.csv", "row 1", "column 'Suihua'"],
    );
    wcase(
        "neg.csv",
        ",Harbin,Daqing,Suihua\nHarbin,0,1,1\nDaqing,-1,0,0\nSuihua,1,0,0\n",
        &["neg.csv", "row 2", "column 'Harbin'", "negative"],
    );
    wcase(
        "rep.csv",
        ",Harbin,Daqing,Suihua\nHarbin,0,1,1\nHarbin,1,0,0\nSuihua,1,0,0\n",
        &["rep.csv", "row 2", "repeated"],
    );
    let dup = d.write(
        "dup.csv",
        &cities_csv(&[
            ("Harbin", 2020, "1"),
            ("Harbin", 2021, "2"),
            ("Daqing", 2020, "3"),
        ]),
    );
    moran_fails(
        dup.to_str().unwrap(),
        &geo,
        &[],
        &["dup.csv", "row 2", "\"Harbin\"", "--by"],
    );
}
