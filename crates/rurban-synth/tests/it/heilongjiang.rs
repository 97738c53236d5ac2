//! The checked-in Heilongjiang example is exactly what the generator writes,
//! and its index specification matches the generated indicators.

use std::path::PathBuf;

use rurban_synth::{SynthConfig, SynthPanel, generate};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/heilongjiang")
}

fn read(name: &str) -> String {
    let path = dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example_panel() -> SynthPanel {
    let cfg = SynthConfig::from_toml(&read("synth.toml")).unwrap();
    generate(&cfg).unwrap()
}

#[test]
fn synth_toml_is_the_preset() {
    assert_eq!(
        SynthConfig::from_toml(&read("synth.toml")).unwrap(),
        SynthConfig::heilongjiang()
    );
}

/// Regenerating gives the checked-in panel.csv and groups.csv byte for byte
/// (run `cargo run -p rurban-synth --example heilongjiang` after a deliberate
/// change to the model or the configuration).
#[test]
fn checked_in_files_are_regenerated_exactly() {
    let p = example_panel();
    let mut csv = Vec::new();
    p.write_wide_csv(&mut csv).unwrap();
    let on_disk = read("panel.csv");
    assert!(
        String::from_utf8(csv).unwrap() == on_disk,
        "examples/heilongjiang/panel.csv has drifted"
    );
    let mut groups = Vec::new();
    p.write_groups_csv(&mut groups).unwrap();
    assert_eq!(String::from_utf8(groups).unwrap(), read("groups.csv"));
    assert_eq!(on_disk.lines().count(), 131);
    assert!(!on_disk.contains(",,") && !on_disk.lines().any(|l| l.ends_with(',')));
}

#[test]
fn the_example_has_the_stated_structure() {
    let p = example_panel();
    assert_eq!(p.regions, rurban_synth::HEILONGJIANG_CITIES);
    assert_eq!(p.years, (2011..=2020).collect::<Vec<_>>());
    assert_eq!(p.missing_count(), 0);
    let shocks: Vec<(&str, i32)> = p
        .shocks
        .iter()
        .map(|s| (s.region.as_str(), s.year))
        .collect();
    // Sorted by city order, then year.
    assert_eq!(
        shocks,
        [
            ("Hegang", 2015),
            ("Shuangyashan", 2015),
            ("Daqing", 2016),
            ("Yichun", 2014),
            ("Qitaihe", 2016)
        ]
    );
    let leaders = ["Harbin", "Daqing", "Qiqihar", "Mudanjiang", "Suihua"];
    let idx = |r: &str| p.regions.iter().position(|x| x == r).unwrap();
    let lead_min = leaders
        .iter()
        .map(|r| p.base[idx(r)])
        .fold(f64::INFINITY, f64::min);
    for (i, r) in p.regions.iter().enumerate() {
        if !leaders.contains(&r.as_str()) {
            assert!(p.base[i] < lead_min, "{r}");
        }
    }
    assert_eq!(p.group_of("Harbin"), Some("southwest"));
    assert_eq!(p.group_of("Jiamusi"), Some("east"));
    assert_eq!(p.group_of("Heihe"), Some("north"));
}

/// Keys the index-specification parser accepts (see the contract); anything
/// else would be rejected.
fn check_keys(spec: &toml::Table) {
    // The specification parser itself rejects unknown keys, bad directions,
    // duplicate ids and empty dimensions: a spec it accepts is valid.
    let text = toml::to_string(spec).unwrap();
    if let Err(e) = rurban_spec::Spec::from_str_at(&text, std::path::Path::new("index.toml")) {
        panic!("not a valid index specification: {e}");
    }
}

/// (dimension id, dimension name, [(id, name, direction, unit)]) of a spec.
type Listing = Vec<(String, String, Vec<[String; 4]>)>;

fn listing(spec: &toml::Table) -> Listing {
    let s = |v: &toml::Value, k: &str| v[k].as_str().unwrap().to_string();
    spec["dimension"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let inds = d["indicator"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| [s(i, "id"), s(i, "name"), s(i, "direction"), s(i, "unit")])
                .collect();
            (s(d, "id"), s(d, "name"), inds)
        })
        .collect()
}

fn panel_listing(p: &SynthPanel) -> Listing {
    p.dimensions
        .iter()
        .map(|d| {
            let inds = p
                .indicators
                .iter()
                .filter(|i| i.dimension == d.id)
                .map(|i| {
                    [
                        i.id.clone(),
                        i.name.clone(),
                        i.direction.symbol().to_string(),
                        i.unit.clone(),
                    ]
                })
                .collect();
            (d.id.clone(), d.name.clone(), inds)
        })
        .collect()
}

#[test]
fn index_toml_matches_the_panel() {
    let spec: toml::Table = toml::from_str(&read("index.toml")).unwrap();
    check_keys(&spec);
    assert_eq!(spec["data"].as_str(), Some("panel.csv"));
    let m = spec["method"].as_table().unwrap();
    assert_eq!(m["weighting"].as_str(), Some("entropy"));
    assert_eq!(m["scope"].as_str(), Some("panel"));
    assert_eq!(m["shift"].as_float(), Some(0.0));
    assert_eq!(m["impute"].as_str(), Some("none"));
    let p = example_panel();
    let want = panel_listing(&p);
    assert_eq!(listing(&spec), want);
    let ids: Vec<&str> = want.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(ids, ["economy", "social", "talent", "ecology", "space"]);
    // The panel's header holds exactly the spec's indicators.
    let header = read("panel.csv").lines().next().unwrap().to_string();
    let cols: Vec<String> = want
        .iter()
        .flat_map(|d| d.2.iter().map(|i| i[0].clone()))
        .collect();
    assert_eq!(header, format!("region,year,{}", cols.join(",")));
}

#[test]
fn generated_spec_is_a_valid_index_specification() {
    let p = example_panel();
    let text = p.spec_toml_with_data("Heilongjiang \"synthetic\"", Some("panel.csv"));
    let spec: toml::Table = toml::from_str(&text).unwrap();
    check_keys(&spec);
    assert_eq!(spec["name"].as_str(), Some("Heilongjiang \"synthetic\""));
    assert_eq!(spec["data"].as_str(), Some("panel.csv"));
    assert_eq!(spec["method"]["impute"].as_str(), Some("none"));
    assert_eq!(listing(&spec), panel_listing(&p));
    // Without data, no data key; with missing cells, year-mean imputation.
    let spec: toml::Table = toml::from_str(&p.spec_toml("x")).unwrap();
    assert!(!spec.contains_key("data"));
    let mut cfg = SynthConfig::small();
    cfg.indicators.missing_share = 0.05;
    let holed = generate(&cfg).unwrap();
    let spec: toml::Table = toml::from_str(&holed.spec_toml("x")).unwrap();
    check_keys(&spec);
    assert_eq!(spec["method"]["impute"].as_str(), Some("year-mean"));
    assert_eq!(listing(&spec), panel_listing(&holed));
}
