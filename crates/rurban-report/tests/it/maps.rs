//! The maps on real boundaries (`../shared/data/boundaries`): geometry
//! (aspect, north up, scale bar against the haversine distance), one path
//! per region with the class its value implies, labels, escaping, LISA
//! greys, the gravity path, file size and degenerate input.

use std::collections::BTreeMap;

use rurban_report::maps::{
    self, Choropleth, Gravity, GravityPoint, Lisa, LisaRegion, MapsInput, Quadrant, RegionShape,
    Tiers, YearValues,
};

const R_KM: f64 = 6371.0;

/// A boundary file of the shared data.
fn boundary_path(file: &str) -> String {
    rurban_test_support::shared_data(&format!("boundaries/{file}"))
        .display()
        .to_string()
}

/// Test-only reader of a GeoJSON FeatureCollection: the regions named by
/// property `key`, in feature order.
fn read_geojson(file: &str, key: &str) -> Vec<RegionShape> {
    let path = boundary_path(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ring = |r: &serde_json::Value| -> Vec<[f64; 2]> {
        r.as_array()
            .unwrap()
            .iter()
            .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
            .collect()
    };
    let poly = |p: &serde_json::Value| -> Vec<Vec<[f64; 2]>> {
        p.as_array().unwrap().iter().map(ring).collect()
    };
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g = &f["geometry"];
            let polygons = match g["type"].as_str().unwrap() {
                "Polygon" => vec![poly(&g["coordinates"])],
                "MultiPolygon" => g["coordinates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(poly)
                    .collect(),
                t => panic!("unexpected geometry {t}"),
            };
            RegionShape {
                name: f["properties"][key].as_str().unwrap().to_string(),
                polygons,
            }
        })
        .collect()
}

fn extent(regions: &[RegionShape]) -> [f64; 4] {
    let mut e = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in regions
        .iter()
        .flat_map(|r| r.polygons.iter().flatten().flatten())
    {
        e = [
            e[0].min(p[0]),
            e[1].min(p[1]),
            e[2].max(p[0]),
            e[3].max(p[1]),
        ];
    }
    e
}

fn haversine(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let a = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((lon2 - lon1).to_radians() / 2.0).sin().powi(2);
    2.0 * R_KM * a.sqrt().asin()
}

// ------------------------------------------------------------ SVG reading

/// Every `<path data-region="..." d="...">` in `svg` with the class of the
/// group around it: (class, region, d).
fn region_paths(svg: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(k) = svg[i..].find('<') {
        let at = i + k;
        let rest = &svg[at..];
        if rest.starts_with("</g>") {
            stack.pop();
        } else if rest.starts_with("<g ") || rest.starts_with("<g>") {
            let tag = &rest[..rest.find('>').unwrap()];
            stack.push(attr(tag, "class").unwrap_or_default());
        } else if rest.starts_with("<path ") {
            let tag = &rest[..rest.find('>').unwrap()];
            if let Some(region) = attr(tag, "data-region") {
                let class =
                    attr(tag, "class").unwrap_or_else(|| stack.last().cloned().unwrap_or_default());
                out.push((class, region, attr(tag, "d").unwrap()));
            }
        }
        i = at + 1;
    }
    out
}

/// The value of attribute `name` in a tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key).map(|i| i + key.len()).or_else(|| {
        let key = format!("{name}=\"");
        tag.starts_with(&key).then_some(key.len())
    })?;
    let j = tag[i..].find('"')? + i;
    Some(tag[i..j].to_string())
}

/// The rings (absolute pixel points) of a path written with `m`, implicit
/// relative line-tos and `z` (the first `m` is absolute, as SVG says).
fn parse_d(d: &str) -> Vec<Vec<(f64, f64)>> {
    let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut nums: Vec<f64> = Vec::new();
    let mut cur = (0.0, 0.0);
    let mut start = (0.0, 0.0);
    let flush = |nums: &mut Vec<f64>,
                 rings: &mut Vec<Vec<(f64, f64)>>,
                 cur: &mut (f64, f64),
                 start: &mut (f64, f64)| {
        if nums.is_empty() {
            return;
        }
        assert!(nums.len().is_multiple_of(2), "odd number count in {d}");
        let mut ring = Vec::new();
        for (k, xy) in nums.chunks(2).enumerate() {
            *cur = (cur.0 + xy[0], cur.1 + xy[1]);
            if k == 0 {
                *start = *cur;
            }
            ring.push(*cur);
        }
        rings.push(ring);
        nums.clear();
    };
    let b = d.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'm' => {
                flush(&mut nums, &mut rings, &mut cur, &mut start);
                i += 1;
            }
            b'z' => {
                flush(&mut nums, &mut rings, &mut cur, &mut start);
                cur = start;
                i += 1;
            }
            b' ' => i += 1,
            _ => {
                let s = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                nums.push(
                    d[s..i]
                        .parse()
                        .unwrap_or_else(|_| panic!("bad number {}", &d[s..i])),
                );
            }
        }
    }
    flush(&mut nums, &mut rings, &mut cur, &mut start);
    rings
}

fn bbox(points: impl Iterator<Item = (f64, f64)>) -> [f64; 4] {
    points.fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |e, p| {
        [e[0].min(p.0), e[1].min(p.1), e[2].max(p.0), e[3].max(p.1)]
    })
}

fn inside(pt: (f64, f64), rings: &[Vec<(f64, f64)>]) -> bool {
    let mut c = false;
    for r in rings {
        for i in 0..r.len() {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            if (a.1 > pt.1) != (b.1 > pt.1) && pt.0 < (b.0 - a.0) * (pt.1 - a.1) / (b.1 - a.1) + a.0
            {
                c = !c;
            }
        }
    }
    c
}

/// The text of every `<text>` in the `labels` group with its position.
fn labels(svg: &str) -> Vec<(String, f64, f64)> {
    let Some(i) = svg.find("<g class=\"labels\">") else {
        return Vec::new();
    };
    let body = &svg[i..i + svg[i..].find("</g>").unwrap()];
    body.split("<text ")
        .skip(1)
        .map(|t| {
            let tag = &t[..t.find('>').unwrap()];
            let txt = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            (
                txt.to_string(),
                attr(tag, "x").unwrap().parse().unwrap(),
                attr(tag, "y").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn mean_point(d: &str) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = parse_d(d).into_iter().flatten().collect();
    let n = pts.len() as f64;
    (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    )
}

// ------------------------------------------------------------ inputs

/// Hand-made values for the 13 cities in three years (English names).
fn city_values() -> BTreeMap<&'static str, [f64; 3]> {
    BTreeMap::from([
        ("Harbin", [0.52, 0.57, 0.61]),
        ("Qiqihar", [0.30, 0.31, 0.33]),
        ("Jixi", [0.20, 0.21, 0.22]),
        ("Hegang", [0.15, 0.16, 0.18]),
        ("Shuangyashan", [0.18, 0.19, 0.2]),
        ("Daqing", [0.45, 0.46, 0.44]),
        ("Yichun", [0.12, 0.14, 0.15]),
        ("Jiamusi", [0.28, 0.30, 0.35]),
        ("Qitaihe", [0.17, 0.18, 0.19]),
        ("Mudanjiang", [0.33, 0.36, 0.40]),
        ("Heihe", [0.16, 0.18, 0.2001]),
        ("Suihua", [0.22, 0.25, 0.29]),
        ("Daxing'anling", [0.13, 0.13, 0.14]),
    ])
}

const BINS: [f64; 4] = [0.2, 0.3, 0.45, 0.61];
const YEARS: [&str; 3] = ["2011", "2015", "2020"];

fn choropleth(values: &BTreeMap<&str, [f64; 3]>) -> Choropleth {
    Choropleth {
        variable: "Composite score".into(),
        method: "natural-breaks".into(),
        bins: BINS.to_vec(),
        years: YEARS
            .iter()
            .enumerate()
            .map(|(j, y)| YearValues {
                year: y.to_string(),
                values: values
                    .iter()
                    .map(|(k, v)| (k.to_string(), Some(v[j])))
                    .collect(),
            })
            .collect(),
    }
}

fn cities_input() -> MapsInput {
    let regions = read_geojson("heilongjiang_cities.geojson", "name_en");
    let vals = city_values();
    let tiers = vals
        .iter()
        .map(|(k, v)| {
            let t = if v[2] > 0.4 {
                1
            } else if v[2] > 0.25 {
                2
            } else {
                3
            };
            (k.to_string(), t)
        })
        .collect();
    let lisa = vals
        .iter()
        .map(|(k, v)| LisaRegion {
            region: k.to_string(),
            quadrant: if v[2] > 0.3 {
                Quadrant::HH
            } else {
                Quadrant::LL
            },
            significant: matches!(*k, "Harbin" | "Suihua" | "Yichun" | "Hegang"),
        })
        .collect();
    MapsInput {
        regions,
        choropleth: Some(choropleth(&vals)),
        tiers: Some(Tiers {
            title: "Cluster tiers of the composite score".into(),
            tiers,
        }),
        lisa: Some(Lisa {
            variable: "Composite score".into(),
            year: "2020".into(),
            alpha: 0.05,
            regions: lisa,
            islands: vec![],
        }),
        gravity: Some(Gravity {
            variable: "Composite score".into(),
            points: vec![
                GravityPoint {
                    year: "2011".into(),
                    lon: 127.20,
                    lat: 46.60,
                },
                GravityPoint {
                    year: "2015".into(),
                    lon: 127.26,
                    lat: 46.55,
                },
                GravityPoint {
                    year: "2020".into(),
                    lon: 127.41,
                    lat: 46.48,
                },
            ],
        }),
    }
}

fn panels(svg: &str) -> Vec<&str> {
    svg.split("<g class=\"panel\"").skip(1).collect()
}

fn artifact_dir() -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&d).unwrap();
    d
}

// ------------------------------------------------------------ tests

#[test]
fn projection_keeps_the_aspect_and_north_is_up() {
    let input = cities_input();
    let fig = maps::tiers_figure(&input.regions, input.tiers.as_ref().unwrap()).unwrap();
    let paths = region_paths(&fig.svg);
    let bb = bbox(paths.iter().flat_map(|p| parse_d(&p.2)).flatten());
    let e = extent(&input.regions);
    let lat0 = (e[1] + e[3]) / 2.0;
    let ratio = (e[2] - e[0]) * lat0.to_radians().cos() / (e[3] - e[1]);
    let (w, h) = (bb[2] - bb[0], bb[3] - bb[1]);
    assert!((w - h * ratio).abs() <= 1.0, "w {w} h {h} ratio {ratio}");
    assert!(w > 300.0, "map fills its box: {w}");
    // North up: Heihe (northernmost city) above Mudanjiang, Harbin south of
    // Daxing'anling, Daxing'anling west of Jiamusi.
    let at = |n: &str| mean_point(&paths.iter().find(|p| p.1 == n).unwrap().2);
    assert!(at("Heihe").1 < at("Mudanjiang").1);
    assert!(at("Harbin").1 > at("Daxing&#39;anling").1);
    assert!(at("Daxing&#39;anling").0 < at("Jiamusi").0);
}

#[test]
fn scale_bar_length_matches_the_haversine_distance() {
    let input = cities_input();
    let fig = maps::tiers_figure(&input.regions, input.tiers.as_ref().unwrap()).unwrap();
    let paths = region_paths(&fig.svg);
    let bb = bbox(paths.iter().flat_map(|p| parse_d(&p.2)).flatten());
    let e = extent(&input.regions);
    let lat0 = (e[1] + e[3]) / 2.0;
    let lon0 = (e[0] + e[2]) / 2.0;
    // Pixels per degree of longitude at lat0, from the drawn map itself.
    let px_per_lon = (bb[2] - bb[0]) / (e[2] - e[0]);
    let i = fig.svg.find("<g class=\"scale-bar\"").unwrap();
    let tag = &fig.svg[i..i + fig.svg[i..].find('>').unwrap()];
    let km: f64 = attr(tag, "data-km").unwrap().parse().unwrap();
    let px: f64 = attr(tag, "data-px").unwrap().parse().unwrap();
    // A round length.
    let m = km / 10f64.powf(km.log10().floor());
    assert!([1.0, 2.0, 5.0].iter().any(|r| (m - r).abs() < 1e-9), "{km}");
    // The ground distance of the bar's pixels along the centre parallel.
    let ground = haversine(lon0, lat0, lon0 + px / px_per_lon, lat0);
    let px_of_km = px * km / ground;
    assert!(
        (px - px_of_km).abs() <= 1.0,
        "bar {px} px for {km} km; haversine says {px_of_km}"
    );
    // The drawn bar has that length (0.1 px rounding).
    let body = &fig.svg[i..];
    let d = attr(&body[body.find("<path").unwrap()..], "d").unwrap();
    let hlen: f64 = d
        .split('h')
        .nth(1)
        .unwrap()
        .split('v')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((hlen - px).abs() <= 0.1, "{d} vs {px}");
    // A north arrow.
    assert!(fig.svg.contains("<g class=\"north-arrow\">"));
}

#[test]
fn every_region_has_one_path_with_the_class_its_value_implies() {
    let input = cities_input();
    let c = input.choropleth.as_ref().unwrap();
    let fig = maps::choropleth_figure(&input.regions, c).unwrap();
    let ps = panels(&fig.svg);
    assert_eq!(ps.len(), 3);
    let vals = city_values();
    for (j, p) in ps.iter().enumerate() {
        assert!(p.starts_with(&format!(" data-year=\"{}\"", YEARS[j])));
        let paths = region_paths(p);
        assert_eq!(paths.len(), 13);
        for (name, v) in &vals {
            let esc = name.replace('\'', "&#39;");
            let found: Vec<_> = paths.iter().filter(|x| x.1 == esc).collect();
            assert_eq!(found.len(), 1, "{name}");
            let expect = BINS.iter().position(|b| v[j] <= *b).unwrap();
            assert_eq!(found[0].0, format!("c{expect}"), "{name} {}", YEARS[j]);
        }
    }
    // By hand, 2020: Harbin 0.61 is the top class (<= 0.61), Shuangyashan
    // 0.2 the lowest (inclusive bound), Heihe 0.2001 the second.
    let p2020 = region_paths(ps[2]);
    let class = |n: &str| p2020.iter().find(|x| x.1 == n).unwrap().0.clone();
    assert_eq!(class("Harbin"), "c3");
    assert_eq!(class("Shuangyashan"), "c0");
    assert_eq!(class("Heihe"), "c1");
    assert_eq!(class("Daqing"), "c2");
    // One shared style class per class, with its fill.
    for i in 0..4 {
        let rule = format!(".c{i}{{fill:{}}}", maps::class_colour(i, 4));
        assert_eq!(fig.svg.matches(&rule).count(), 1, "{rule}");
    }
    // Paths are filled evenodd and take their fill from their class group,
    // not from attributes of their own.
    assert!(fig.svg.contains("fill-rule:evenodd"));
    assert!(fig.svg.contains("<g class=\"c0\">\n<path data-region=\""));
    assert!(!fig.svg.contains("<path data-region=\"Jixi\" fill"));
    // Legend counts, 2011 column: c0 has Jixi 0.20, Hegang, Shuangyashan,
    // Yichun, Qitaihe, Heihe, Daxing'anling = 7.
    let legend = &fig.svg[fig.svg.find("<g class=\"legend\">").unwrap()..];
    let counts: Vec<&str> = legend
        .split("class=\"count\"")
        .skip(1)
        .map(|t| &t[t.find('>').unwrap() + 1..t.find('<').unwrap()])
        .collect();
    assert_eq!(counts.len(), 12);
    assert_eq!(counts[0], "7");
    assert!(legend.contains("[0.12, 0.20]") && legend.contains("(0.45, 0.61]"));
}

#[test]
fn choropleth_caption_names_years_and_classes() {
    let input = cities_input();
    let cap = maps::choropleth_caption(&input.regions, input.choropleth.as_ref().unwrap());
    assert!(
        cap.starts_with(
            "Composite score by natural-breaks class, 2011, 2015 and 2020; 4 classes from 0.12 to 0.61"
        ),
        "{cap}"
    );
    // 2011 counts lowest first: 7 (<= .2), 3 (Qiqihar .30, Jiamusi .28,
    // Suihua .22), 2 (Daqing .45, Mudanjiang .33), 1 (Harbin .52).
    assert!(cap.contains("2011: 7/3/2/1"), "{cap}");
    assert!(!cap.contains("not labelled"));
}

#[test]
fn labels_in_chinese_and_english_lie_inside_their_city() {
    for key in ["name", "name_en"] {
        let regions = read_geojson("heilongjiang_cities.geojson", key);
        let tiers = Tiers {
            title: "Tiers".into(),
            tiers: regions.iter().map(|r| (r.name.clone(), 1)).collect(),
        };
        let fig = maps::tiers_figure(&regions, &tiers).unwrap();
        let labs = labels(&fig.svg);
        assert_eq!(labs.len(), 13, "{key}: {labs:?}");
        let paths = region_paths(&fig.svg);
        for r in &regions {
            let l = labs
                .iter()
                .find(|l| l.0 == r.name.replace('\'', "&#39;"))
                .unwrap_or_else(|| panic!("no label {}", r.name));
            let d = &paths
                .iter()
                .find(|p| p.1 == r.name.replace('\'', "&#39;"))
                .unwrap()
                .2;
            assert!(inside((l.1, l.2), &parse_d(d)), "{} label outside", r.name);
        }
        if key == "name" {
            assert!(labs.iter().any(|l| l.0 == "哈尔滨市"));
            assert!(fig.svg.contains("font-family=\"&quot;Noto Sans CJK SC&quot;, &quot;Source Han Sans SC&quot;, &quot;Microsoft YaHei&quot;, &quot;PingFang SC&quot;, &quot;SimSun&quot;, sans-serif\""));
        }
    }
}

#[test]
fn county_maps_have_no_labels_and_stay_under_a_megabyte() {
    let regions = read_geojson("china_counties.geojson", "adcode");
    assert_eq!(regions.len(), 2848);
    let names: Vec<String> = regions.iter().map(|r| r.name.clone()).collect();
    // Values rising with the adcode, so that every class is used.
    let value = |i: usize| i as f64 / 2847.0;
    let years = ["2011", "2015", "2020"]
        .iter()
        .map(|y| YearValues {
            year: y.to_string(),
            values: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), Some(value(i))))
                .collect(),
        })
        .collect();
    let input = MapsInput {
        choropleth: Some(Choropleth {
            variable: "Value".into(),
            method: "quantile".into(),
            bins: vec![0.2, 0.4, 0.6, 0.8, 1.0],
            years,
        }),
        tiers: Some(Tiers {
            title: "Tiers".into(),
            tiers: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), 1 + (i % 4) as u32))
                .collect(),
        }),
        lisa: Some(Lisa {
            variable: "Value".into(),
            year: "2020".into(),
            alpha: 0.05,
            regions: names
                .iter()
                .enumerate()
                .map(|(i, n)| LisaRegion {
                    region: n.clone(),
                    quadrant: [Quadrant::HH, Quadrant::LL, Quadrant::LH, Quadrant::HL][i % 4],
                    significant: i % 3 == 0,
                })
                .collect(),
            islands: vec!["460000".into()]
                .into_iter()
                .filter(|n| names.contains(n))
                .collect(),
        }),
        gravity: Some(Gravity {
            variable: "Value".into(),
            points: vec![
                GravityPoint {
                    year: "2011".into(),
                    lon: 112.0,
                    lat: 32.0,
                },
                GravityPoint {
                    year: "2020".into(),
                    lon: 112.3,
                    lat: 31.8,
                },
            ],
        }),
        regions,
    };
    let figs = maps::maps_figures(&input).unwrap();
    assert_eq!(figs.len(), 4);
    std::fs::write(artifact_dir().join("maps-counties.html"), page(&input)).unwrap();

    for f in &figs {
        eprintln!("{}: {} bytes", f.id, f.svg.len());
        assert!(f.svg.len() < 1_000_000, "{}: {} bytes", f.id, f.svg.len());
        assert!(labels(&f.svg).is_empty(), "{}", f.id);
        assert!(!f.svg.contains("NaN"));
        let paths = region_paths(&f.svg);
        assert!(paths.len() >= 2848, "{}", f.id);
    }
    assert!(
        figs[0]
            .caption
            .contains("Regions are not labelled (2848 regions"),
        "{}",
        figs[0].caption
    );
    // The choropleth: 2848 paths per panel.
    for p in panels(&figs[0].svg) {
        assert_eq!(region_paths(p).len(), 2848);
    }
}

#[test]
fn lisa_map_greys_non_significant_regions_and_circles_islands() {
    let regions = read_geojson("china_provinces.geojson", "short");
    let lisa = Lisa {
        variable: "Composite score".into(),
        year: "2020".into(),
        alpha: 0.05,
        regions: regions
            .iter()
            .map(|r| LisaRegion {
                region: r.name.clone(),
                quadrant: match r.name.as_str() {
                    "上海" | "江苏" | "浙江" => Quadrant::HH,
                    "甘肃" | "青海" => Quadrant::LL,
                    "安徽" => Quadrant::LH,
                    "重庆" => Quadrant::HL,
                    _ => Quadrant::LL,
                },
                significant: matches!(
                    r.name.as_str(),
                    "上海" | "江苏" | "浙江" | "甘肃" | "青海" | "安徽" | "重庆"
                ),
            })
            .collect(),
        islands: vec!["海南".into()],
    };
    let fig = maps::lisa_figure(&regions, &lisa).unwrap();
    let paths = region_paths(&fig.svg);
    assert_eq!(paths.len(), 31);
    let class = |n: &str| paths.iter().find(|p| p.1 == n).unwrap().0.clone();
    assert_eq!(class("江苏"), "hh");
    assert_eq!(class("甘肃"), "ll");
    assert_eq!(class("安徽"), "lh");
    assert_eq!(class("重庆"), "hl");
    assert_eq!(paths.iter().filter(|p| p.0 == "ns").count(), 24);
    assert_eq!(class("海南"), "ns");
    assert!(fig.svg.contains(".ns{fill:#e4e4e4}"));
    assert!(fig.svg.contains(".hh{fill:#e31a1c}"));
    assert!(
        fig.svg
            .contains("<circle class=\"island\" data-region=\"海南\"")
    );
    assert!(fig.caption.contains("3 HH"), "{}", fig.caption);
    assert!(
        fig.caption.contains("24 not significant"),
        "{}",
        fig.caption
    );
    assert!(
        fig.caption.contains("1 island without neighbours (海南)"),
        "{}",
        fig.caption
    );
    // 31 provinces are labelled (some small ones may be left out for room).
    assert!(labels(&fig.svg).len() >= 25);
}

#[test]
fn gravity_path_has_a_point_per_year_and_labels_the_ends() {
    let input = cities_input();
    let g = input.gravity.as_ref().unwrap();
    let fig = maps::gravity_figure(&input.regions, g).unwrap();
    for grp in fig.svg.split("<g class=\"gravity-points\">").skip(1) {
        let body = &grp[..grp.find("</g>").unwrap()];
        assert_eq!(body.matches("<circle").count(), 3);
    }
    assert_eq!(fig.svg.matches("<g class=\"gravity-points\">").count(), 2);
    let i = fig.svg.find("<g class=\"gravity-labels\">").unwrap();
    let body = &fig.svg[i..i + fig.svg[i..].find("</g>").unwrap()];
    assert!(body.contains(">2011<") && body.contains(">2020<") && !body.contains(">2015<"));
    // Caption: the net move, from haversine.
    let net = haversine(127.20, 46.60, 127.41, 46.48);
    assert!(
        fig.caption.contains(&format!("net {net:.1} km")),
        "{}",
        fig.caption
    );
    assert!(
        fig.caption.contains("towards the south-east"),
        "{}",
        fig.caption
    );
}

#[test]
fn text_is_escaped() {
    let sq = |x: f64| {
        vec![vec![
            [x, 0.0],
            [x + 1.0, 0.0],
            [x + 1.0, 1.0],
            [x, 1.0],
            [x, 0.0],
        ]]
    };
    let regions = vec![
        RegionShape {
            name: "A<&\"B'".into(),
            polygons: vec![sq(0.0)],
        },
        RegionShape {
            name: "C".into(),
            polygons: vec![sq(1.0)],
        },
    ];
    let tiers = Tiers {
        title: "Tiers <of> & \"x\"".into(),
        tiers: BTreeMap::from([("A<&\"B'".to_string(), 1), ("C".to_string(), 2)]),
    };
    let input = MapsInput {
        regions,
        tiers: Some(tiers),
        ..Default::default()
    };
    let html = maps::maps_section(&input, 7).unwrap();
    assert!(html.contains("data-region=\"A&lt;&amp;&quot;B&#39;\""));
    assert!(html.contains(">A&lt;&amp;&quot;B&#39;</text>"));
    assert!(html.contains("<title>Tiers &lt;of&gt; &amp; &quot;x&quot;</title>"));
    assert!(!html.contains("A<&"));
    assert!(html.contains("<figcaption><strong>Figure 7. Tiers &lt;of&gt;"));
    assert!(html.contains(
        "<figure id=\"fig-map-tiers\" data-chart=\"fig-map-tiers\">\n<svg id=\"fig-map-tiers-svg\""
    ));
}

#[test]
fn degenerate_inputs_are_drawn_without_nan() {
    let one = vec![RegionShape {
        name: "Only".into(),
        polygons: vec![vec![vec![
            [127.0, 45.0],
            [128.0, 45.0],
            [128.0, 46.0],
            [127.0, 45.0],
        ]]],
    }];
    let all_equal = Choropleth {
        variable: "V".into(),
        method: "equal-interval".into(),
        bins: vec![0.5],
        years: vec![YearValues {
            year: "2020".into(),
            values: BTreeMap::from([("Only".to_string(), Some(0.5))]),
        }],
    };
    let point = RegionShape {
        name: "Dot".into(),
        polygons: vec![vec![vec![[127.0, 45.0]; 4]]],
    };
    for regions in [one.clone(), vec![], vec![point]] {
        let c = Choropleth {
            years: vec![YearValues {
                year: "2020".into(),
                values: regions
                    .iter()
                    .map(|r| (r.name.clone(), Some(0.5)))
                    .collect(),
            }],
            ..all_equal.clone()
        };
        let input = MapsInput {
            choropleth: Some(c),
            tiers: Some(Tiers {
                title: "T".into(),
                tiers: regions.iter().map(|r| (r.name.clone(), 1)).collect(),
            }),
            lisa: Some(Lisa {
                variable: "V".into(),
                year: "2020".into(),
                alpha: 0.05,
                regions: vec![],
                islands: vec![],
            }),
            gravity: Some(Gravity {
                variable: "V".into(),
                points: vec![GravityPoint {
                    year: "2020".into(),
                    lon: 127.5,
                    lat: 45.5,
                }],
            }),
            regions,
        };
        let html = maps::maps_section(&input, 1).unwrap();
        assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
        assert_eq!(html.matches("<figure").count(), 4);
    }
    let cap = maps::choropleth_caption(&one, &all_equal);
    assert!(
        cap.starts_with("V by equal-interval class, 2020; 1 class from 0.50 to 0.50"),
        "{cap}"
    );
}

#[test]
fn bad_layers_are_rejected_with_the_cause() {
    let input = cities_input();
    let mut c = input.choropleth.clone().unwrap();
    c.years[0].values.insert("Atlantis".into(), Some(0.3));
    let e = maps::choropleth_figure(&input.regions, &c)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fig-map-choropleth") && e.contains("\"Atlantis\""),
        "{e}"
    );
    let mut c = input.choropleth.clone().unwrap();
    c.bins = vec![0.3, 0.2];
    let e = maps::choropleth_figure(&input.regions, &c)
        .unwrap_err()
        .to_string();
    assert!(e.contains("bins must increase"), "{e}");
    let mut c = input.choropleth.clone().unwrap();
    c.years.push(c.years[0].clone());
    let e = maps::choropleth_figure(&input.regions, &c)
        .unwrap_err()
        .to_string();
    assert!(e.contains("one to three years, found 4"), "{e}");
}

#[test]
fn input_round_trips_through_json() {
    let input = cities_input();
    let json = serde_json::to_string(&input).unwrap();
    assert!(json.contains("\"quadrant\":\"HH\""));
    let back: MapsInput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, input);
    // Layers are optional; a null value is no data.
    let small: MapsInput = serde_json::from_str(
        r#"{"regions":[{"name":"A","polygons":[[[[0,0],[1,0],[1,1],[0,0]]]]}],
            "choropleth":{"variable":"V","method":"jenks","bins":[1.0],
              "years":[{"year":"2020","values":{"A":null}}]}}"#,
    )
    .unwrap();
    let f = maps::maps_figures(&small).unwrap();
    assert_eq!(f.len(), 1);
    assert!(
        f[0].svg
            .contains("<g class=\"nd\">\n<path data-region=\"A\"")
    );
}

/// A page holding the maps section, for a look in a browser.
fn page(input: &MapsInput) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{{max-width:1000px;margin:auto;font-family:sans-serif}} figure svg{{display:block;width:100%;height:auto}} figcaption{{font-size:13.5px;color:#444}}</style></head><body><h2>Maps</h2>{}</body></html>",
        maps::maps_section(input, 1).unwrap()
    )
}

#[test]
fn heilongjiang_maps_page_is_written() {
    let mut input = cities_input();
    std::fs::write(artifact_dir().join("maps.html"), page(&input)).unwrap();
    // The same in Chinese names.
    let zh = read_geojson("heilongjiang_cities.geojson", "name");
    let en = read_geojson("heilongjiang_cities.geojson", "name_en");
    let to_zh: BTreeMap<String, String> = en
        .iter()
        .zip(&zh)
        .map(|(e, z)| (e.name.clone(), z.name.clone()))
        .collect();
    input.regions = zh;
    let c = input.choropleth.as_mut().unwrap();
    for y in &mut c.years {
        y.values = y
            .values
            .iter()
            .map(|(k, v)| (to_zh[k].clone(), *v))
            .collect();
    }
    let t = input.tiers.as_mut().unwrap();
    t.tiers = t
        .tiers
        .iter()
        .map(|(k, v)| (to_zh[k].clone(), *v))
        .collect();
    for r in &mut input.lisa.as_mut().unwrap().regions {
        r.region = to_zh[&r.region].clone();
    }
    let html = page(&input);
    assert!(html.contains("data-region=\"哈尔滨市\""));
    std::fs::write(artifact_dir().join("maps-zh.html"), html).unwrap();
}
