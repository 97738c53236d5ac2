//! rurban-geo against the real boundaries and references recorded from
//! libpysal, shapely and numpy (`tests/fixtures/record.py`), hand-computed
//! distances and bearings, and every rejected input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rurban_geo::{
    Geography, GravityGroup, Transform, WeightsKind, WeightsOptions, gravity, haversine_km,
    initial_bearing, region_weights,
};
use serde_json::Value;

fn boundaries(name: &str) -> PathBuf {
    rurban_test_support::shared_data(&format!("boundaries/{name}.geojson"))
}

fn reference() -> &'static Value {
    static R: OnceLock<Value> = OnceLock::new();
    R.get_or_init(|| {
        rurban_test_support::fixture_json(env!("CARGO_MANIFEST_DIR"), "boundaries_reference.json")
    })
}

fn lists(v: &Value) -> Vec<Vec<usize>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l.as_array()
                .unwrap()
                .iter()
                .map(|j| j.as_u64().unwrap() as usize)
                .collect()
        })
        .collect()
}

fn neighbour_lists(w: &rurban_spatial::SpatialWeights) -> Vec<Vec<usize>> {
    w.rows
        .iter()
        .map(|r| r.iter().map(|&(j, _)| j).collect())
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn opts(kind: WeightsKind) -> WeightsOptions {
    WeightsOptions {
        kind,
        transform: Transform::Row,
    }
}

use rurban_test_support::TempDir as Scratch;

/// A square feature with its lower-left corner at (x, y) and side 1.
fn square(x: f64, y: f64, props: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
        x1 = x + 1.0,
        y1 = y + 1.0
    )
}

fn collection(features: &[String]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
        features.join(",\n")
    )
}

/// Four unit squares in a row A B C, and D touching C only at a corner.
fn four_squares() -> String {
    collection(&[
        square(0.0, 0.0, r#"{"name":"A","code":1}"#),
        square(1.0, 0.0, r#"{"name":"B","code":2}"#),
        square(2.0, 0.0, r#"{"name":"C","code":3}"#),
        square(3.0, 1.0, r#"{"name":"D","code":4}"#),
    ])
}

fn err(r: Result<impl std::fmt::Debug, rurban_geo::GeoError>) -> String {
    r.expect_err("expected an error").to_string()
}

// ---------------------------------------------------------------- references

#[test]
fn contiguity_knn_and_centroids_match_libpysal_shapely_and_numpy() {
    for name in ["heilongjiang_cities", "china_provinces", "china_counties"] {
        let r = &reference()[name];
        let geo = Geography::open(&boundaries(name), Some("adcode"), &[]).unwrap();
        let ids: Vec<String> = r["adcode"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(geo.ids, ids, "{name}: feature order");
        let queen = geo.weights(&WeightsKind::Queen).unwrap();
        assert_eq!(neighbour_lists(&queen), lists(&r["queen"]), "{name}: queen");
        let rook = geo.weights(&WeightsKind::Rook).unwrap();
        assert_eq!(neighbour_lists(&rook), lists(&r["rook"]), "{name}: rook");
        let knn = geo.weights(&WeightsKind::Knn(4)).unwrap();
        assert_eq!(neighbour_lists(&knn), lists(&r["knn4"]), "{name}: knn 4");
        for (i, c) in r["centroids"].as_array().unwrap().iter().enumerate() {
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            let got = geo.centroids[i];
            assert!(
                (got[0] - x).abs() <= 1e-9 && (got[1] - y).abs() <= 1e-9,
                "{name}: centroid of feature {i}: {got:?} vs shapely ({x}, {y})"
            );
        }
        let islands: Vec<String> = queen
            .islands()
            .into_iter()
            .map(|i| geo.ids[i].clone())
            .collect();
        let expected: Vec<String> = r["islands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(islands, expected, "{name}: islands");
    }
}

#[test]
fn hainan_is_the_one_island_province_and_six_counties_are_islands() {
    let geo = Geography::open(&boundaries("china_provinces"), None, &[]).unwrap();
    assert_eq!(geo.key, "name");
    let w = region_weights(&geo, &geo.ids.clone(), &opts(WeightsKind::Queen)).unwrap();
    assert_eq!(w.islands, s(&["海南省"]));
    assert!(
        w.warnings
            .iter()
            .any(|m| m.contains("海南省") && m.contains("neighbour"))
    );
    assert!(w.weights.rows[geo.index_of("海南省").unwrap()].is_empty());
    // The counties' names repeat, so the key is their adcode.
    let geo = Geography::open(&boundaries("china_counties"), Some("adcode"), &[]).unwrap();
    let w = region_weights(&geo, &geo.ids.clone(), &opts(WeightsKind::Rook)).unwrap();
    assert_eq!(w.islands.len(), 6);
    assert!(w.islands.contains(&"460301".to_string()));
}

// ------------------------------------------------------------ keys, regions

#[test]
fn the_key_is_found_among_name_short_name_en_adcode() {
    let p = boundaries("heilongjiang_cities");
    for (regions, key) in [
        (s(&["哈尔滨市", "大庆市"]), "name"),
        (s(&["哈尔滨", "大庆"]), "short"),
        (s(&["Harbin", "Daqing"]), "name_en"),
        (s(&["230100", "230600"]), "adcode"),
    ] {
        let geo = Geography::open(&p, None, &regions).unwrap();
        assert_eq!(geo.key, key, "{regions:?}");
        assert!(geo.index_of(&regions[0]).is_some());
        assert!(!geo.polygons_of(&regions[0]).unwrap().is_empty());
    }
}

#[test]
fn numeric_properties_are_compared_as_their_text() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let geo = Geography::open(&p, Some("code"), &s(&["1", "3"])).unwrap();
    assert_eq!(geo.ids, s(&["1", "2", "3", "4"]));
    // Centroid of the unit square at (2, 0).
    assert_eq!(geo.centroid_of("3"), Some([2.5, 0.5]));
}

#[test]
fn weights_are_restricted_to_the_data_in_its_order_and_transformed() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let regions = s(&["C", "A", "B"]);
    let geo = Geography::open(&p, None, &regions).unwrap();
    // Queen: A-B, B-C, C-D (corner). Restricted to C, A, B: C-B, A-B.
    let w = region_weights(&geo, &regions, &opts(WeightsKind::Queen)).unwrap();
    assert_eq!(w.weights.ids, regions);
    assert_eq!(
        w.weights.rows,
        vec![vec![(2, 1.0)], vec![(2, 1.0)], vec![(0, 0.5), (1, 0.5)]]
    );
    assert!(w.islands.is_empty());
    assert_eq!(w.warnings.len(), 1);
    assert!(
        w.warnings[0].contains("D") && w.warnings[0].contains("no data"),
        "{:?}",
        w.warnings
    );
    let sm = w.summary();
    assert_eq!((sm.kind.as_str(), sm.n), ("queen", 3));
    // Binary transform; D kept but C-D is a corner, so rook makes D an island.
    let all = s(&["A", "B", "C", "D"]);
    let w = region_weights(
        &geo,
        &all,
        &WeightsOptions {
            kind: WeightsKind::Rook,
            transform: Transform::Binary,
        },
    )
    .unwrap();
    assert_eq!(w.islands, s(&["D"]));
    assert_eq!(w.weights.rows[1], vec![(0, 1.0), (2, 1.0)]);
    assert!(
        w.warnings
            .iter()
            .any(|m| m.contains("island") && m.contains("D"))
    );
    // A subset (one year's regions) is transformed after restriction.
    let sub = w.subset(&s(&["B", "C"]), Transform::Row).unwrap();
    assert_eq!(sub.rows, vec![vec![(1, 1.0)], vec![(0, 1.0)]]);
    assert!(w.subset(&s(&["B", "Z"]), Transform::Row).is_err());
}

#[test]
fn knn_takes_the_nearest_centroids_with_ties_in_feature_order() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let geo = Geography::open(&p, None, &[]).unwrap();
    let w = geo.weights(&WeightsKind::Knn(1)).unwrap();
    // B is equally far from A and C (same latitude, 1 degree of longitude
    // each way): the tie goes to A, the earlier feature.
    assert_eq!(w.rows[1], vec![(0, 1.0)]);
    assert_eq!(w.rows[0], vec![(1, 1.0)]);
    let w = geo.weights(&WeightsKind::Knn(2)).unwrap();
    assert_eq!(w.rows[1], vec![(0, 1.0), (2, 1.0)]);
}

#[test]
fn a_weights_file_gives_the_matrix_it_holds_in_any_order() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let geo = Geography::open(&p, None, &[]).unwrap();
    let wf = d.write("w.csv", ",C,A,B\nB,0,2,0\nA,0,0,1\nC,0.5,\"1,000\",0\n");
    let w = region_weights(&geo, &s(&["A", "B", "C"]), &opts(WeightsKind::File(wf))).unwrap();
    // A: B 1 -> 1; B: A 2 -> 1; C: A 1000, C 0.5 (diagonal ignored) -> A only.
    assert_eq!(
        w.raw.rows,
        vec![vec![(1, 1.0)], vec![(0, 2.0)], vec![(0, 1000.0)]]
    );
    assert_eq!(w.summary().kind, "file");
}

// ----------------------------------------------------------------- gravity

#[test]
fn distances_and_bearings_match_hand_values_and_numpy() {
    // Harbin -> Beijing: about 1,053 km to the south-west.
    let (harbin, beijing) = ([126.5349, 45.8038], [116.4074, 39.9042]);
    let d = haversine_km(harbin, beijing);
    assert!((d - 1053.0).abs() < 1.0, "{d}");
    let b = initial_bearing(harbin, beijing);
    assert!(b > 225.0 && b < 245.0, "{b}");
    // One degree of latitude is R pi / 180 km; due north is 0, due west 270.
    let one = 6371.0 * std::f64::consts::PI / 180.0;
    assert!((haversine_km([10.0, 0.0], [10.0, 1.0]) - one).abs() < 1e-9);
    assert_eq!(initial_bearing([10.0, 0.0], [10.0, 5.0]), 0.0);
    assert!((initial_bearing([10.0, 0.0], [5.0, 0.0]) - 270.0).abs() < 1e-12);
    for m in reference()["moves"].as_array().unwrap() {
        let a = [m["a"][0].as_f64().unwrap(), m["a"][1].as_f64().unwrap()];
        let b = [m["b"][0].as_f64().unwrap(), m["b"][1].as_f64().unwrap()];
        let (dk, br) = (
            m["distance_km"].as_f64().unwrap(),
            m["bearing"].as_f64().unwrap(),
        );
        assert!((haversine_km(a, b) - dk).abs() <= 1e-9 * dk.max(1.0), "{m}");
        assert!(
            (initial_bearing(a, b) - br).abs() <= 1e-9 * br.max(1.0),
            "{m}"
        );
    }
}

#[test]
fn centre_of_gravity_is_the_value_weighted_mean_of_centroids() {
    let pts = vec![[120.0, 30.0], [122.0, 34.0], [110.0, 40.0]];
    let g = |key: &str, v: Vec<f64>| GravityGroup {
        key: key.into(),
        regions: s(&["a", "b", "c"]),
        values: v,
        points: pts.clone(),
    };
    let res = gravity(&[
        g("2020", vec![1.0, 1.0, 2.0]),
        g("2021", vec![0.0, 3.0, 1.0]),
    ])
    .unwrap();
    // 2020: lon (120 + 122 + 220) / 4 = 115.5, lat (30 + 34 + 80) / 4 = 36.
    assert_eq!((res.groups[0].lon, res.groups[0].lat), (115.5, 36.0));
    // 2021: lon (366 + 110) / 4 = 119, lat (102 + 40) / 4 = 35.5.
    assert_eq!((res.groups[1].lon, res.groups[1].lat), (119.0, 35.5));
    let m = &res.moves[0];
    assert_eq!((m.from.as_str(), m.to.as_str()), ("2020", "2021"));
    assert_eq!(m.distance_km, haversine_km([115.5, 36.0], [119.0, 35.5]));
    assert!(m.bearing > 90.0 && m.bearing < 110.0);
    let json = serde_json::to_value(&res).unwrap();
    assert!(json["groups"][0]["lon"].is_number() && json["moves"][0]["distance_km"].is_number());
    assert!(json["moves"][0]["bearing"].is_number());
    // Zero sum and negative values are errors naming the group / region.
    let e = err(gravity(&[g("2020", vec![0.0, 0.0, 0.0])]));
    assert!(e.contains("2020"), "{e}");
    let e = err(gravity(&[g("2020", vec![1.0, -1.0, 0.0])]));
    assert!(e.contains("\"b\"") && e.contains("negative"), "{e}");
}

#[test]
fn overflowing_weighted_sums_of_the_centre_are_errors() {
    let pts = vec![[120.0, 30.0], [122.0, 34.0], [110.0, 40.0]];
    let g = |v: Vec<f64>| GravityGroup {
        key: "2021".into(),
        regions: s(&["a", "b", "c"]),
        values: v,
        points: pts.clone(),
    };
    // The sum of the values overflows.
    let e = err(gravity(&[g(vec![1e308, 1.7e308, 1.0])]));
    assert!(
        e.contains("2021")
            && e.contains("\"b\"")
            && e.contains("1.7e308")
            && e.contains("overflow"),
        "{e}"
    );
    // Their sum does not, but value x longitude does.
    let e = err(gravity(&[g(vec![1.0, 1e307, 1.0])]));
    assert!(e.contains("\"b\"") && e.contains("overflow"), "{e}");
}

// ------------------------------------------------------------------ errors

#[test]
fn bad_json_names_file_line_and_column() {
    let d = Scratch::new("geo");
    let p = d.write(
        "bad.geojson",
        "{\"type\": \"FeatureCollection\",\n \"features\": [,]}",
    );
    let e = err(Geography::open(&p, None, &[]));
    assert!(
        e.contains("bad.geojson") && e.contains("line 2, column"),
        "{e}"
    );
}

#[test]
fn a_document_that_is_not_a_feature_collection_is_rejected() {
    let d = Scratch::new("geo");
    let p = d.write("f.geojson", &square(0.0, 0.0, r#"{"name":"A"}"#));
    let e = err(Geography::open(&p, None, &[]));
    assert!(
        e.contains("f.geojson") && e.contains("Feature, not a FeatureCollection"),
        "{e}"
    );
    let p = d.write("a.geojson", "[1, 2]");
    let e = err(Geography::open(&p, None, &[]));
    assert!(e.contains("not a GeoJSON FeatureCollection"), "{e}");
}

#[test]
fn a_feature_that_is_not_a_polygon_is_named_with_its_type() {
    let d = Scratch::new("geo");
    let line = r#"{"type":"Feature","properties":{"name":"L"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}"#;
    let p = d.write(
        "l.geojson",
        &collection(&[square(0.0, 0.0, r#"{"name":"A"}"#), line.to_string()]),
    );
    let e = err(Geography::open(&p, None, &[]));
    assert!(
        e.contains("l.geojson") && e.contains("feature 1") && e.contains("LineString"),
        "{e}"
    );
    let none = r#"{"type":"Feature","properties":{"name":"N"},"geometry":null}"#;
    let p = d.write("n.geojson", &collection(&[none.to_string()]));
    let e = err(Geography::open(&p, None, &[]));
    assert!(e.contains("feature 0") && e.contains("no geometry"), "{e}");
}

#[test]
fn projected_coordinates_are_rejected_with_a_hint() {
    let d = Scratch::new("geo");
    let p = d.write(
        "proj.geojson",
        &collection(&[square(500000.0, 4000000.0, r#"{"name":"A"}"#)]),
    );
    let e = err(Geography::open(&p, None, &[]));
    assert!(
        e.contains("proj.geojson")
            && e.contains("looks projected, not lon/lat; reproject to EPSG:4326"),
        "{e}"
    );
}

#[test]
fn an_unknown_key_lists_the_properties() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let e = err(Geography::open(&p, Some("nom"), &[]));
    assert!(e.contains("'nom'") && e.contains("name, code"), "{e}");
}

#[test]
fn a_repeated_key_value_is_named() {
    let d = Scratch::new("geo");
    let p = d.write(
        "rep.geojson",
        &collection(&[
            square(0.0, 0.0, r#"{"name":"A","code":1}"#),
            square(1.0, 0.0, r#"{"name":"A","code":2}"#),
        ]),
    );
    let e = err(Geography::open(&p, None, &[]));
    assert!(
        e.contains("rep.geojson") && e.contains("\"A\"") && e.contains("--key"),
        "{e}"
    );
    // The real counties: names like 朝阳区 repeat across provinces.
    let e = err(Geography::open(
        &boundaries("china_counties"),
        Some("name"),
        &[],
    ));
    assert!(
        e.contains("repeats the value") && e.contains("adcode"),
        "{e}"
    );
}

#[test]
fn a_region_without_a_feature_suggests_the_nearest_names_and_the_key() {
    let p = boundaries("heilongjiang_cities");
    let e = err(Geography::open(&p, Some("name"), &s(&["哈尔滨", "大庆市"])));
    assert!(
        e.contains("\"哈尔滨\"") && e.contains("哈尔滨市") && e.contains("--key short"),
        "{e}"
    );
    // Without --key: no property holds both spellings.
    let e = err(Geography::open(
        &p,
        None,
        &s(&["哈尔滨", "大庆市", "Harbn"]),
    ));
    assert!(
        e.contains("has no feature") && e.contains("2 regions have no feature: 哈尔滨, Harbn"),
        "{e}"
    );
    let e = err(Geography::open(&p, Some("name_en"), &s(&["Harbn"])));
    assert!(e.contains("\"Harbn\"") && e.contains("Harbin"), "{e}");
}

#[test]
fn knn_with_k_not_below_the_number_of_features_is_an_error() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let geo = Geography::open(&p, None, &[]).unwrap();
    let e = err(geo.weights(&WeightsKind::Knn(4)));
    assert!(e.contains("--knn 4") && e.contains("(4)"), "{e}");
    assert!(geo.weights(&WeightsKind::Knn(3)).is_ok());
}

#[test]
fn bad_weights_files_are_errors_naming_row_and_column() {
    let d = Scratch::new("geo");
    let p = d.write("sq.geojson", &four_squares());
    let geo = Geography::open(&p, None, &[]).unwrap();
    let regions = s(&["A", "B"]);
    let case = |name: &str, text: &str| {
        let wf = d.write(name, text);
        err(region_weights(&geo, &regions, &opts(WeightsKind::File(wf))))
    };
    let e = case("ns.csv", ",A,B\nA,0,1\n");
    assert!(e.contains("ns.csv") && e.contains("not square"), "{e}");
    let e = case("unk.csv", ",A,Z\nA,0,1\nZ,1,0\n");
    assert!(
        e.contains("unk.csv") && e.contains("column 'Z'") && e.contains("not a feature"),
        "{e}"
    );
    let e = case("rowname.csv", ",A,B\nA,0,1\nC,1,0\n");
    assert!(
        e.contains("row 2") && e.contains("\"C\"") && e.contains("not in the header"),
        "{e}"
    );
    let e = case("reprow.csv", ",A,B\nA,0,1\nA,1,0\n");
    assert!(e.contains("row 2") && e.contains("repeated"), "{e}");
    let e = case("rephead.csv", ",A,A\nA,0,1\nB,1,0\n");
    assert!(e.contains("rephead.csv") && e.contains("duplicate"), "{e}");
    let e = case("text.csv", ",A,B\nA,0,x\nB,1,0\n");
    assert!(
        e.contains("row 1") && e.contains("column 'B'") && e.contains("'x'"),
        "{e}"
    );
    let e = case("neg.csv", ",A,B\nA,0,1\nB,-1,0\n");
    assert!(
        e.contains("row 2") && e.contains("column 'A'") && e.contains("negative"),
        "{e}"
    );
    let e = case("miss.csv", ",A,B\nA,0,\nB,1,0\n");
    assert!(e.contains("row 1") && e.contains("missing"), "{e}");
    let e = case("lack.csv", ",A,C\nA,0,1\nC,1,0\n");
    assert!(e.contains("\"B\"") && e.contains("no row"), "{e}");
}

#[test]
fn an_unreadable_file_is_named() {
    let e = err(Geography::open(Path::new("no/such.geojson"), None, &[]));
    assert!(
        e.contains("no/such.geojson") && e.contains("cannot read"),
        "{e}"
    );
}
