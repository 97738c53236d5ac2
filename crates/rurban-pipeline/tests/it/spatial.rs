//! The spatial chain of `rurban run` (`[geo]`): on the Heilongjiang example
//! and on the 31 provinces with real boundaries. Values are checked against
//! identities recomputed here from the weights and centroids (global I from
//! its definition, the sum of the local I, the weighted mean of the
//! centroids, the Markov counts); the equality with the standalone
//! subcommands is tested through the binary in rurban-cli's `geo_run_cli.rs`.

use std::path::{Path, PathBuf};

use ndarray::Array2;
use rurban_pipeline::spatial::{
    SpatialAnalysis, SpatialSetup, analyse, compass, map_years, maps_input, moran_p, setup,
    spatial_findings,
};
use rurban_pipeline::{Builtins, RunOptions, run};
use rurban_spec::Spec;
use rurban_trend::format_p;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

use rurban_test_support::shared_data as shared;

use rurban_test_support::TempDir as Scratch;

/// A run's panel and composite with its spatial setup and analysis.
struct Chain {
    spec: Spec,
    regions: Vec<String>,
    years: Vec<i64>,
    composite: Array2<f64>,
    setup: SpatialSetup,
    analysis: SpatialAnalysis,
    warnings: Vec<String>,
}

fn chain(spec_path: &Path) -> Chain {
    let spec = Spec::from_file(spec_path).unwrap();
    let geo = spec.geo.clone().expect("the spec has [geo]");
    let out = run(&spec, &RunOptions::default(), &Builtins).unwrap();
    let regions = out.panel.regions.clone();
    let years = out.panel.years.clone();
    let composite = out.index.composite.clone();
    let s = setup(&geo, &spec, &regions).unwrap();
    let (analysis, warnings) = analyse(&geo, &s, &regions, &years, composite.view());
    Chain {
        spec,
        regions,
        years,
        composite,
        setup: s,
        analysis,
        warnings,
    }
}

fn example() -> Chain {
    chain(&root().join("examples/heilongjiang/index.toml"))
}

/// The 31 provinces, five complete indicators (the CLI fixture's), 2005-2024,
/// with the real boundaries keyed by `short`.
fn provinces_spec(dir: &Scratch, geo: &str) -> PathBuf {
    let fixture =
        std::fs::read_to_string(root().join("crates/rurban-cli/tests/fixtures/china.toml"))
            .unwrap();
    let data = shared("china-provinces/provinces_2005_2024.csv");
    let mut text: String = fixture
        .lines()
        .map(|l| {
            if l.starts_with("data = ") {
                format!("data = {:?}", data.display().to_string())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    text.push_str("\n\n");
    text.push_str(geo);
    dir.write("index.toml", &text)
}

fn provinces_geo(extra: &str) -> String {
    format!(
        "[geo]\nfile = {:?}\nkey = \"short\"\npermutations = 199\n{extra}",
        shared("boundaries/china_provinces.geojson")
            .display()
            .to_string()
    )
}

/// Global Moran's I from its definition, over the setup's transformed weights.
fn moran_by_definition(c: &Chain, y: usize) -> f64 {
    let w = &c.setup.weights.weights;
    let x: Vec<f64> = c.composite.column(y).to_vec();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let z: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let mut s0 = 0.0;
    let mut zwz = 0.0;
    for (i, row) in w.rows.iter().enumerate() {
        for &(j, wij) in row {
            s0 += wij;
            zwz += z[i] * wij * z[j];
        }
    }
    n / s0 * zwz / z.iter().map(|v| v * v).sum::<f64>()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn the_example_runs_the_whole_chain_with_the_definitions() {
    let c = example();
    let a = &c.analysis;
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(a.geometry.key, "name_en");
    assert_eq!(a.alpha, 0.05);
    let m = a.moran.as_ref().unwrap();
    assert_eq!(m.weights.kind, "queen");
    assert_eq!(m.weights.n, 13);
    assert_eq!(m.permutations, 999);
    assert_eq!(m.groups.len(), c.years.len());
    assert_eq!(m.local.len(), c.years.len() * c.regions.len());
    let n = c.regions.len() as f64;
    for (y, g) in m.groups.iter().enumerate() {
        assert_eq!(g.key, c.years[y].to_string());
        assert!(
            close(g.i, moran_by_definition(&c, y)),
            "{} {}",
            g.i,
            moran_by_definition(&c, y)
        );
        assert_eq!(g.expected, -1.0 / (n - 1.0));
        // sum_i I_i = (n - 1) (S0 / n) I, with S0 = n for row-standardised
        // weights without islands
        let sum: f64 = m.local.iter().filter(|l| l.key == g.key).map(|l| l.i).sum();
        assert!(close(sum, (n - 1.0) * g.i), "{sum} vs {}", (n - 1.0) * g.i);
    }
    // the Markov chain: every consecutive pair of years is one transition per region
    let mk = a.markov.as_ref().unwrap();
    let transitions = (c.regions.len() * (c.years.len() - 1)) as u64;
    assert_eq!(mk.k, 4);
    assert_eq!(mk.counts.iter().flatten().sum::<u64>(), transitions);
    let sp = mk.spatial.as_ref().unwrap();
    assert_eq!(sp.m, 4);
    assert_eq!(
        sp.counts.iter().flatten().flatten().sum::<u64>(),
        transitions
    );
    // the spatial counts add up to the classic ones
    for i in 0..4 {
        for j in 0..4 {
            let s: u64 = sp.counts.iter().map(|l| l[i][j]).sum();
            assert_eq!(s, mk.counts[i][j]);
        }
    }
    // the centre of gravity is the composite-weighted mean of the centroids
    let g = a.gravity.as_ref().unwrap();
    for (y, centre) in g.groups.iter().enumerate() {
        let (mut sx, mut slon, mut slat) = (0.0, 0.0, 0.0);
        for (r, name) in c.regions.iter().enumerate() {
            let p = c.setup.geography.centroid_of(name).unwrap();
            let x = c.composite[[r, y]];
            sx += x;
            slon += x * p[0];
            slat += x * p[1];
        }
        assert!(close(centre.lon, slon / sx) && close(centre.lat, slat / sx));
    }
    assert_eq!(g.moves.len(), c.years.len() - 1);
    // five natural-breaks classes over 2011, 2015 and 2020 pooled
    let cl = a.classes.as_ref().unwrap();
    assert_eq!(cl.years, vec!["2011", "2015", "2020"]);
    assert_eq!(cl.bins.len(), 5);
    let pooled_max = [0usize, 4, 9]
        .iter()
        .flat_map(|&y| c.composite.column(y).to_vec())
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(*cl.bins.last().unwrap(), pooled_max);
    // the analysis survives a JSON round trip
    let text = serde_json::to_string(a).unwrap();
    let back: SpatialAnalysis = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, a);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in ["moran", "markov", "gravity"] {
        assert!(v.get(key).is_some(), "no {key} in {v}");
    }
    assert!(v["moran"]["local"].is_array() && v["moran"]["groups"].is_array());
}

#[test]
fn findings_quote_the_numbers_they_rest_on() {
    let c = example();
    let a = &c.analysis;
    let f = spatial_findings(a);
    let m = a.moran.as_ref().unwrap();
    let (first, last) = (&m.groups[0], m.groups.last().unwrap());
    let s = &f.sentences[0];
    for part in [
        format!("{:.4} ({})", first.i, format_p(moran_p(first))),
        format!("{:.4} ({})", last.i, format_p(moran_p(last))),
        format!("in {}", first.key),
        format!("in {}", last.key),
    ] {
        assert!(s.contains(&part), "{part:?} not in {s:?}");
    }
    let years: Vec<i64> = c.years.clone();
    let series: Vec<f64> = m.groups.iter().map(|g| g.i).collect();
    let mk = rurban_trend::mann_kendall(&series);
    assert!(
        s.contains(&format!("Mann-Kendall {}", format_p(mk.p))),
        "{s}"
    );
    let fm = f.moran.as_ref().unwrap();
    assert_eq!(fm.mann_kendall_p, Some(mk.p));
    let change = rurban_trend::yearly_change("I", &years, &series, "up", "down").unwrap();
    let word = match change.direction {
        rurban_trend::Direction::Increasing => "rose",
        rurban_trend::Direction::Decreasing => "fell",
        rurban_trend::Direction::NoTrend => "no significant change",
    };
    assert!(s.contains(word), "{s}");

    // hot and cold spots: the significant HH and LL of the last year
    let spots = f.spots.as_ref().unwrap();
    let last_local: Vec<_> = m.local.iter().filter(|l| l.key == last.key).collect();
    let hh: Vec<&str> = last_local
        .iter()
        .filter(|l| l.significant && l.quadrant == "HH")
        .map(|l| l.region.as_str())
        .collect();
    let mut got: Vec<&str> = spots.hot.iter().map(|s| s.region.as_str()).collect();
    let mut want = hh.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for l in last_local
        .iter()
        .filter(|l| l.significant && (l.quadrant == "HH" || l.quadrant == "LL"))
    {
        let part = format!("{} ({})", l.region, format_p(l.p_sim.unwrap()));
        assert!(
            f.sentences[1].contains(&part),
            "{part} not in {}",
            f.sentences[1]
        );
    }

    // the centre of gravity from the first to the last year
    let g = a.gravity.as_ref().unwrap();
    let (p, q) = (&g.groups[0], g.groups.last().unwrap());
    let d = rurban_geo::haversine_km([p.lon, p.lat], [q.lon, q.lat]);
    let b = rurban_geo::initial_bearing([p.lon, p.lat], [q.lon, q.lat]);
    let gs = &f.sentences[2];
    assert!(
        gs.contains(&format!("moved {d:.1} km towards the {}", compass(b))),
        "{gs}"
    );
    assert!(gs.contains(&format!("(bearing {b:.0} degrees)")), "{gs}");

    // the spatial Markov chain: moving up from below the top class
    let sp = a.markov.as_ref().unwrap().spatial.as_ref().unwrap();
    let up = |l: usize| {
        let c = &sp.counts[l];
        let mut u = 0;
        let mut n = 0;
        for a in 0..c.len() - 1 {
            n += c[a].iter().sum::<u64>();
            u += c[a][a + 1..].iter().sum::<u64>();
        }
        (u, n)
    };
    let (lu, ln) = up(0);
    let (hu, hn) = up(sp.m - 1);
    let ms = &f.sentences[3];
    assert!(ms.contains(&format!("{lu} of {ln} transitions")), "{ms}");
    assert!(ms.contains(&format!("{hu} of {hn} transitions")), "{ms}");
    assert!(
        ms.contains(&format!("{:.4}", lu as f64 / ln as f64)),
        "{ms}"
    );
    let fm = f.markov.as_ref().unwrap();
    assert_eq!(
        (fm.low_up, fm.low_from, fm.high_up, fm.high_from),
        (lu, ln, hu, hn)
    );
}

#[test]
fn compass_words_follow_the_bearing() {
    let cases = [
        (0.0, "north"),
        (22.4, "north"),
        (22.6, "north-east"),
        (90.0, "east"),
        (135.0, "south-east"),
        (180.0, "south"),
        (221.0, "south-west"),
        (270.0, "west"),
        (315.0, "north-west"),
        (337.6, "north"),
        (359.9, "north"),
    ];
    for (b, w) in cases {
        assert_eq!(compass(b), w, "{b}");
    }
}

#[test]
fn map_years_are_first_middle_and_last() {
    assert_eq!(
        map_years(&[2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020]),
        vec![2011, 2015, 2020]
    );
    assert_eq!(map_years(&[2019, 2020]), vec![2019, 2020]);
    assert_eq!(map_years(&[2020]), vec![2020]);
    assert!(map_years(&[]).is_empty());
}

#[test]
fn the_maps_input_holds_the_layers_of_the_analysis() {
    let c = example();
    let a = &c.analysis;
    let tiers: std::collections::BTreeMap<String, u32> = c
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.clone(), (i % 3) as u32 + 1))
        .collect();
    let mi = maps_input(
        a,
        &c.setup.geography,
        &c.regions,
        &c.years,
        |r, y| c.composite[[r, y]],
        Some(&tiers),
    );
    assert_eq!(mi.regions.len(), 13);
    let harbin = mi.regions.iter().find(|r| r.name == "Harbin").unwrap();
    assert_eq!(
        harbin.polygons.as_slice(),
        c.setup.geography.polygons_of("Harbin").unwrap()
    );
    let ch = mi.choropleth.as_ref().unwrap();
    assert_eq!(ch.bins, a.classes.as_ref().unwrap().bins);
    assert_eq!(ch.method, "natural-breaks");
    let years: Vec<&str> = ch.years.iter().map(|y| y.year.as_str()).collect();
    assert_eq!(years, ["2011", "2015", "2020"]);
    let y2015 = c.years.iter().position(|&y| y == 2015).unwrap();
    let r = c.regions.iter().position(|r| r == "Daqing").unwrap();
    assert_eq!(ch.years[1].values["Daqing"], Some(c.composite[[r, y2015]]));
    assert_eq!(mi.tiers.as_ref().unwrap().tiers, tiers);
    let lisa = mi.lisa.as_ref().unwrap();
    assert_eq!(lisa.year, "2020");
    assert_eq!(lisa.regions.len(), 13);
    let m = a.moran.as_ref().unwrap();
    for l in &lisa.regions {
        let src = m
            .local
            .iter()
            .find(|x| x.key == "2020" && x.region == l.region)
            .unwrap();
        assert_eq!(format!("{:?}", l.quadrant), src.quadrant);
        assert_eq!(l.significant, src.significant);
    }
    let g = mi.gravity.as_ref().unwrap();
    assert_eq!(g.points.len(), 10);
    assert_eq!(g.points[0].lon, a.gravity.as_ref().unwrap().groups[0].lon);
    // and the report draws them
    let figs = rurban_report::maps::maps_figures(&mi).unwrap();
    assert_eq!(figs.len(), 4);
    // without tiers the tiers map is absent
    let mi = maps_input(
        a,
        &c.setup.geography,
        &c.regions,
        &c.years,
        |r, y| c.composite[[r, y]],
        None,
    );
    assert!(mi.tiers.is_none());
}

#[test]
fn hainan_is_an_island_a_warning_not_a_failure() {
    let dir = Scratch::new("provinces");
    let spec = provinces_spec(&dir, &provinces_geo(""));
    let c = chain(&spec);
    assert_eq!(c.regions.len(), 31);
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("island") && w.contains("海南")),
        "{:?}",
        c.warnings
    );
    let m = c.analysis.moran.as_ref().unwrap();
    assert_eq!(m.weights.islands, vec!["海南".to_string()]);
    assert_eq!(m.groups.len(), 20);
    for (y, g) in m.groups.iter().enumerate() {
        assert!(close(g.i, moran_by_definition(&c, y)));
    }
    let hainan = m.local.iter().find(|l| l.region == "海南").unwrap();
    assert_eq!(
        (hainan.lag, hainan.i, hainan.p_sim, hainan.significant),
        (0.0, 0.0, None, false)
    );
    assert!(c.analysis.markov.is_some() && c.analysis.gravity.is_some());
    assert_eq!(c.spec.geo.as_ref().unwrap().permutations.get(), 199);
}

#[test]
fn one_year_skips_the_markov_chain_with_a_warning() {
    let c = example();
    let geo = c.spec.geo.clone().unwrap();
    let last = c.years.len() - 1;
    let one = c.composite.slice(ndarray::s![.., last..]).to_owned();
    let (a, warnings) = analyse(&geo, &c.setup, &c.regions, &c.years[last..], one.view());
    assert!(a.markov.is_none());
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("needs at least 2 years")),
        "{warnings:?}"
    );
    assert_eq!(a.moran.as_ref().unwrap().groups.len(), 1);
    assert_eq!(a.classes.as_ref().unwrap().years, vec!["2020"]);
    let f = spatial_findings(&a);
    assert!(
        f.sentences[0].starts_with("Moran's I of the composite in 2020 is"),
        "{:?}",
        f.sentences
    );
    assert!(f.gravity.is_none() && f.markov.is_none());
}

fn setup_error(geo: &str) -> String {
    let dir = Scratch::new("errors");
    let path = provinces_spec(&dir, geo);
    let spec = Spec::from_file(&path).unwrap();
    // The run reads [geo] before computing anything, and fails with the
    // setup's error.
    match run(&spec, &RunOptions::default(), &Builtins) {
        Ok(_) => panic!("the run accepted {geo}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_geo_files_and_weights_are_errors_naming_the_key() {
    let e = setup_error("[geo]\nfile = \"missing.geojson\"\n");
    assert!(
        e.contains("index.toml: [geo] file: ") && e.contains("missing.geojson: cannot read file"),
        "{e}"
    );
    let e = setup_error(&provinces_geo("knn = 31\n"));
    assert!(
        e.contains("[geo] knn: knn = 31: K must be less than the number of regions (31)"),
        "{e}"
    );
    let e = setup_error(&format!(
        "[geo]\nfile = {:?}\nkey = \"name_en\"\n",
        shared("boundaries/china_provinces.geojson")
            .display()
            .to_string()
    ));
    assert!(
        e.contains("[geo] key: ") && e.contains("has no feature (key property 'name_en')"),
        "{e}"
    );
    let e = setup_error(&provinces_geo("weights_file = \"w.csv\"\n"));
    assert!(
        e.contains("[geo] weights_file: ") && e.contains("w.csv"),
        "{e}"
    );
}
