//! End-to-end tests of the analysis chain inside `rurban run`: the files it
//! writes, `summary.json`'s `analysis` and `findings`, and that every number
//! of the chain equals what the standalone subcommands give on the run's own
//! `scores.csv`. On the Heilongjiang example and on the real panel of the 31
//! Chinese provinces with the NBS four regions as groups; plus the
//! `[analysis]` settings and the errors they can raise.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use support::{
    Fails, TempDir, assert_close, assert_json_close, assert_no_outputs, col, f64s, fixture, fnum,
    num, read_csv, read_json, run_quiet, rurban, shared_data, without_warnings,
};

const HLJ_SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/heilongjiang/index.toml"
);
const HLJ_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/heilongjiang");
const HLJ_DIMS: [&str; 5] = ["economy", "social", "talent", "ecology", "space"];

const CHINA: &str = "china-provinces/provinces_2005_2024.csv";
const CHINA_DIMS: [&str; 3] = ["economy", "urban", "innovation"];

/// The chain's files (report.html / results.xlsx are not required here).
const CHAIN_FILES: [&str; 8] = [
    "weights.csv",
    "scores.csv",
    "clusters.csv",
    "kde.csv",
    "disparity.csv",
    "grey.csv",
    "convergence.json",
    "summary.json",
];

/// Same-library results may differ only by summation order.
const TOL: f64 = 1e-12;

/// Runs `rurban run SPEC --out TMP/out -q`; returns the guard and `out`.
fn run_spec(spec: &Path) -> (TempDir, PathBuf) {
    let dir = TempDir::new("chain");
    let out = dir.join("out");
    run_quiet(spec, &out, &[]).ok();
    (dir, out)
}

/// The output directory of one run of the Heilongjiang example, shared by
/// the tests that only read it (each writes its own files into its own
/// scratch directory). A static is never dropped, so this one directory
/// stays in the system's temporary directory after the tests.
fn hlj_out() -> &'static Path {
    static RUN: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &RUN.get_or_init(|| run_spec(Path::new(HLJ_SPEC))).1
}

fn summary(out: &Path) -> Value {
    read_json(&out.join("summary.json"))
}

/// `scores.csv` read back: regions in file order, years, and per region the
/// rows (composite then dimensions) in year order.
struct Scores {
    header: Vec<String>,
    regions: Vec<String>,
    years: Vec<i64>,
    /// `values[r][y]` = composite, dimension 1, ...
    values: Vec<Vec<Vec<f64>>>,
}

impl Scores {
    fn read(out: &Path) -> Scores {
        let (header, rows) = read_csv(&out.join("scores.csv"));
        assert_eq!(&header[..3], ["region", "year", "composite"]);
        let mut regions: Vec<String> = Vec::new();
        let mut years: Vec<i64> = Vec::new();
        for r in &rows {
            if !regions.contains(&r[0]) {
                regions.push(r[0].clone());
            }
            let y: i64 = r[1].parse().expect("integer year");
            if !years.contains(&y) {
                years.push(y);
            }
        }
        let mut values = vec![vec![Vec::new(); years.len()]; regions.len()];
        for r in &rows {
            let i = regions.iter().position(|x| *x == r[0]).unwrap();
            let j = years.iter().position(|y| y.to_string() == r[1]).unwrap();
            values[i][j] = r[2..].iter().map(|s| num(s)).collect();
        }
        Scores {
            header,
            regions,
            years,
            values,
        }
    }

    /// Series names: composite, then the dimensions.
    fn series(&self) -> &[String] {
        &self.header[2..]
    }

    /// Yearly means across regions of series `s` (sequential sum in region
    /// order, over the number of regions).
    fn means(&self, s: usize) -> Vec<f64> {
        (0..self.years.len())
            .map(|y| {
                let mut t = 0.0;
                for r in 0..self.regions.len() {
                    t += self.values[r][y][s];
                }
                t / self.regions.len() as f64
            })
            .collect()
    }
}

/// `rurban ARGS --format json`, parsed.
fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    rurban(&a).json()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `rurban run SPEC --out OUT`, which must fail with one `error:` line
/// containing every needle.
fn run_fails(spec: &Path, out: &Path, needles: &[&str]) -> Fails {
    support::fails(&["run", s(spec), "--out", s(out)], needles)
}

/// Checks a failing run and that it left no output.
#[track_caller]
fn check_run_fails(spec: &Path, out: &Path, needles: &[&str]) {
    run_fails(spec, out, needles).check();
    assert_no_outputs(out);
}

/// `scores.csv` with a `group` column joined from a `region,group` file.
fn scores_with_groups(out: &Path, groups: &Path, dir: &TempDir) -> PathBuf {
    let (_, g) = read_csv(groups);
    let map: BTreeMap<String, String> = g
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let (h, rows) = read_csv(&out.join("scores.csv"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = h.clone();
    head.push("group".into());
    w.write_record(&head).unwrap();
    for r in rows {
        let mut r = r.clone();
        let grp = map
            .get(&r[0])
            .unwrap_or_else(|| panic!("no group for {}", r[0]))
            .clone();
        r.push(grp);
        w.write_record(&r).unwrap();
    }
    dir.write_bytes("scores_groups.csv", &w.into_inner().unwrap())
}

/// The regions' composite series as a wide table: one row per region, one
/// column per year.
fn wide_composite(sc: &Scores, dir: &TempDir) -> PathBuf {
    let mut text = String::from("region");
    for y in &sc.years {
        text.push_str(&format!(",{y}"));
    }
    text.push('\n');
    for (r, name) in sc.regions.iter().enumerate() {
        text.push_str(name);
        for y in 0..sc.years.len() {
            text.push_str(&format!(",{}", sc.values[r][y][0]));
        }
        text.push('\n');
    }
    dir.write("wide.csv", &text)
}

/// The yearly means of composite and dimensions, one row per year.
fn yearly_means(sc: &Scores, dir: &TempDir) -> PathBuf {
    let series = sc.series();
    let means: Vec<Vec<f64>> = (0..series.len()).map(|s| sc.means(s)).collect();
    let mut text = format!("year,{}\n", series.join(","));
    for (y, year) in sc.years.iter().enumerate() {
        let cells: Vec<String> = means.iter().map(|m| format!("{}", m[y])).collect();
        text.push_str(&format!("{year},{}\n", cells.join(",")));
    }
    dir.write("means.csv", &text)
}

// ============================================================ Heilongjiang

#[test]
fn heilongjiang_chain_writes_every_file_and_summary_sections() {
    let out = hlj_out().to_path_buf();
    for f in CHAIN_FILES {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    for f in std::fs::read_dir(&out).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".partial"), "{name} left behind");
    }
    let sum = summary(&out);
    let a = sum["analysis"].as_object().expect("analysis");
    for k in ["cluster", "kde", "disparity", "convergence", "grey"] {
        assert!(a.contains_key(k), "analysis.{k} missing");
    }
    let f = &sum["findings"];
    for k in [
        "sentences",
        "trend",
        "disparity",
        "sources",
        "polarisation",
        "grey",
        "tiers",
    ] {
        assert!(f.get(k).is_some(), "findings.{k} missing");
    }
    let sentences = support::strings(&f["sentences"]);
    // trend, disparity, sources of inequality (groups given), polarisation,
    // grey, tiers, coupling coordination, the main obstacles; then the
    // spatial chain's ([geo]): Moran's I, hot and cold spots, centre of
    // gravity, spatial Markov.
    assert_eq!(sentences.len(), 12, "{sentences:?}");
    assert_eq!(
        support::strings(&f["spatial"]["sentences"]),
        sentences[8..],
        "findings.spatial"
    );
    assert!(sentences.iter().all(|s| s.len() > 20 && s.ends_with('.')));
    assert_eq!(sum["warnings"], Value::Array(vec![]), "warnings");
    // The groups file gives decompositions of the composite and dimensions.
    let d = &sum["analysis"]["disparity"];
    assert!(d["composite"]["groups"][0]["dagum"].is_object());
    let dims: Vec<&String> = d["dimensions"].as_object().unwrap().keys().collect();
    assert_eq!(dims, HLJ_DIMS);
}

#[test]
fn heilongjiang_files_agree_with_summary() {
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let a = &sum["analysis"];

    // clusters.csv = cluster labels.
    let (h, rows) = read_csv(&out.join("clusters.csv"));
    assert_eq!(h, ["region", "cluster", "tier"]);
    let labels = a["cluster"]["labels"].as_array().unwrap();
    assert_eq!(rows.len(), labels.len());
    for (r, l) in rows.iter().zip(labels) {
        assert_eq!(r[0], l["label"].as_str().unwrap());
        assert_eq!(r[1], l["cluster"].to_string());
        assert_eq!(r[2], l["tier"].to_string());
    }

    // kde.csv = each year's grid and density.
    let (h, rows) = read_csv(&out.join("kde.csv"));
    assert_eq!(h, ["year", "x", "density"]);
    let groups = a["kde"]["groups"].as_array().unwrap();
    let mut i = 0;
    for g in groups {
        let (x, f) = (f64s(&g["x"]), f64s(&g["density"]));
        for k in 0..x.len() {
            assert_eq!(rows[i][0], g["key"].as_str().unwrap());
            assert_eq!((num(&rows[i][1]), num(&rows[i][2])), (x[k], f[k]));
            i += 1;
        }
    }
    assert_eq!(i, rows.len());

    // disparity.csv: composite then each dimension, one row per year.
    let (h, rows) = read_csv(&out.join("disparity.csv"));
    assert_eq!(
        &h[..8],
        ["series", "year", "n", "mean", "std", "cv", "theil", "gini"]
    );
    let mut expect: Vec<(String, &Value)> = Vec::new();
    for g in a["disparity"]["composite"]["groups"].as_array().unwrap() {
        expect.push(("composite".into(), g));
    }
    for d in HLJ_DIMS {
        for g in a["disparity"]["dimensions"][d]["groups"]
            .as_array()
            .unwrap()
        {
            expect.push((d.into(), g));
        }
    }
    assert_eq!(rows.len(), expect.len());
    for (r, (series, g)) in rows.iter().zip(&expect) {
        assert_eq!(&r[0], series);
        assert_eq!(r[1], g["key"].as_str().unwrap());
        for (c, k) in ["mean", "std", "cv", "theil", "gini"].iter().enumerate() {
            assert_eq!(num(&r[3 + c]), fnum(&g[*k], k), "{series} {} {k}", r[1]);
        }
        let w = col(&h, "dagum_within");
        assert_eq!(num(&r[w]), fnum(&g["dagum"]["within"], "w"));
    }

    // grey.csv: the mean scope, then every region.
    let (h, rows) = read_csv(&out.join("grey.csv"));
    assert_eq!(h, ["scope", "region", "dimension", "grade", "rank"]);
    let n_regions = a["grey"]["regions"].as_array().unwrap().len();
    assert_eq!(n_regions, 13);
    assert_eq!(rows.len(), HLJ_DIMS.len() * (1 + n_regions));
    for (r, g) in rows
        .iter()
        .zip(a["grey"]["mean"]["grades"].as_array().unwrap())
    {
        assert_eq!((r[0].as_str(), r[1].as_str()), ("mean", ""));
        assert_eq!(r[2], g["column"].as_str().unwrap());
        assert_eq!(num(&r[3]), fnum(&g["grade"], "grade"));
        assert_eq!(r[4], g["rank"].to_string());
    }

    // convergence.json = the convergence section, plus its warnings.
    let conv = read_json(&out.join("convergence.json"));
    assert_eq!(without_warnings(&conv), a["convergence"]);
    assert!(conv["warnings"].is_array());
}

#[test]
fn heilongjiang_kde_equals_rurban_kde_on_scores() {
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let doc = json(&[
        "kde",
        "--input",
        s(&out.join("scores.csv")),
        "--column",
        "composite",
        "--by",
        "year",
    ]);
    assert_json_close(&without_warnings(&doc), &sum["analysis"]["kde"], TOL, "kde");
    let keys: Vec<&str> = sum["analysis"]["kde"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    let years: Vec<String> = (2011..=2020).map(|y| y.to_string()).collect();
    assert_eq!(keys, years);
}

#[test]
fn heilongjiang_disparity_equals_rurban_disparity_with_joined_groups() {
    let g = TempDir::new("chain-hlj");
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let joined = scores_with_groups(&out, &Path::new(HLJ_DIR).join("groups.csv"), &g);
    for series in std::iter::once("composite").chain(HLJ_DIMS) {
        let doc = json(&[
            "disparity",
            "--input",
            s(&joined),
            "--column",
            series,
            "--by",
            "year",
            "--group",
            "group",
        ]);
        let chain = if series == "composite" {
            &sum["analysis"]["disparity"]["composite"]
        } else {
            &sum["analysis"]["disparity"]["dimensions"][series]
        };
        assert_json_close(&without_warnings(&doc), chain, TOL, series);
    }
    // Without groups the totals are the same numbers.
    let plain = json(&[
        "disparity",
        "--input",
        s(&out.join("scores.csv")),
        "--column",
        "composite",
        "--by",
        "year",
    ]);
    for (p, c) in plain["groups"].as_array().unwrap().iter().zip(
        sum["analysis"]["disparity"]["composite"]["groups"]
            .as_array()
            .unwrap(),
    ) {
        for k in ["n", "mean", "std", "cv", "theil", "gini"] {
            assert_json_close(&p[k], &c[k], TOL, k);
        }
    }
}

#[test]
fn heilongjiang_convergence_equals_rurban_convergence() {
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let doc = json(&[
        "convergence",
        "--input",
        s(&out.join("scores.csv")),
        "--column",
        "composite",
    ]);
    assert_json_close(
        &without_warnings(&doc),
        &sum["analysis"]["convergence"],
        TOL,
        "convergence",
    );
    assert_eq!(doc["beta"]["n"], 13);
}

#[test]
fn heilongjiang_cluster_equals_ward_k3_on_the_composite_series() {
    let g = TempDir::new("chain-hlj");
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let sc = Scores::read(&out);
    let wide = wide_composite(&sc, &g);
    let doc = json(&[
        "cluster",
        "--input",
        s(&wide),
        "--method",
        "ward",
        "--k",
        "3",
    ]);
    assert_json_close(
        &without_warnings(&doc),
        &sum["analysis"]["cluster"],
        TOL,
        "cluster",
    );
    assert_eq!(doc["merges"].as_array().unwrap().len(), 12);
}

#[test]
fn heilongjiang_grey_equals_rurban_grey_on_yearly_means_and_each_region() {
    let g = TempDir::new("chain-hlj");
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let sc = Scores::read(&out);
    let compare = HLJ_DIMS.join(",");
    let means = yearly_means(&sc, &g);
    let doc = json(&[
        "grey",
        "--input",
        s(&means),
        "--reference",
        "composite",
        "--compare",
        &compare,
    ]);
    assert_json_close(
        &without_warnings(&doc),
        &sum["analysis"]["grey"]["mean"],
        TOL,
        "grey mean",
    );
    // Each region on its own series.
    let regions = sum["analysis"]["grey"]["regions"].as_array().unwrap();
    assert_eq!(regions.len(), sc.regions.len());
    for (r, entry) in regions.iter().enumerate() {
        assert_eq!(entry["region"].as_str().unwrap(), sc.regions[r]);
        let mut text = format!("year,{}\n", sc.series().join(","));
        for (y, year) in sc.years.iter().enumerate() {
            let cells: Vec<String> = sc.values[r][y].iter().map(|v| format!("{v}")).collect();
            text.push_str(&format!("{year},{}\n", cells.join(",")));
        }
        let f = g.write(&format!("region{r}.csv"), &text);
        let doc = json(&[
            "grey",
            "--input",
            s(&f),
            "--reference",
            "composite",
            "--compare",
            &compare,
        ]);
        assert_json_close(
            &without_warnings(&doc),
            &entry["result"],
            TOL,
            &sc.regions[r],
        );
    }
}

#[test]
fn heilongjiang_findings_rest_on_the_analysis() {
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let sc = Scores::read(&out);
    let f = &sum["findings"];
    let a = &sum["analysis"];

    // Trend: an independent OLS of the yearly mean composite on the year.
    let m = sc.means(0);
    let x: Vec<f64> = sc.years.iter().map(|&y| y as f64).collect();
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, m.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(&m).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let slope = sxy / sxx;
    let t = &f["trend"];
    assert_close(
        &[
            fnum(&t["slope"], "slope"),
            fnum(&t["intercept"], "intercept"),
        ],
        &[slope, my - slope * mx],
        1e-10,
        "trend",
    );
    assert_close(
        &[fnum(&t["first_mean"], "f"), fnum(&t["last_mean"], "l")],
        &[m[0], m[m.len() - 1]],
        TOL,
        "means",
    );
    // The direction rests on the Mann-Kendall test of the yearly means
    // (contract, "Trends": alpha 0.05), not on the sign of the OLS slope.
    let mk = rurban_trend::trend("mean", &x, &m, 0.05).unwrap();
    let direction = match mk.direction {
        rurban_trend::Direction::Increasing => "rising",
        rurban_trend::Direction::Decreasing => "falling",
        rurban_trend::Direction::NoTrend => "no significant change",
    };
    assert_eq!(t["direction"], direction);
    assert_eq!(fnum(&t["mann_kendall_p"], "p"), mk.mann_kendall.p);

    // Disparity: the first and last year of the composite's report.
    let g = a["disparity"]["composite"]["groups"].as_array().unwrap();
    let (cv0, cv1) = (fnum(&g[0]["cv"], "cv"), fnum(&g[g.len() - 1]["cv"], "cv"));
    let d = &f["disparity"];
    assert_eq!(fnum(&d["cv_first"], "cv_first"), cv0);
    assert_eq!(fnum(&d["cv_last"], "cv_last"), cv1);
    assert_eq!(fnum(&d["change"], "change"), cv1 - cv0);
    // Narrowed: the yearly CV falls by the Mann-Kendall test (alpha 0.05).
    let gx: Vec<f64> = g
        .iter()
        .map(|r| r["key"].as_str().unwrap().parse().unwrap())
        .collect();
    let gcv: Vec<f64> = g.iter().map(|r| fnum(&r["cv"], "cv")).collect();
    let cv_mk = rurban_trend::trend("cv", &gx, &gcv, 0.05).unwrap();
    let narrowed = cv_mk.direction == rurban_trend::Direction::Decreasing;
    assert_eq!(d["narrowed"], Value::Bool(narrowed));
    assert_eq!(fnum(&d["mann_kendall_p"], "p"), cv_mk.mann_kendall.p);

    // Polarisation: peaks of the first and last year's density.
    let k = a["kde"]["groups"].as_array().unwrap();
    let p = &f["polarisation"];
    assert_eq!(p["peaks_first"], k[0]["peaks"].as_array().unwrap().len());
    assert_eq!(
        p["peaks_last"],
        k[k.len() - 1]["peaks"].as_array().unwrap().len()
    );
    assert_eq!(p["mode_first"], k[0]["mode"]);
    assert_eq!(p["mode_last"], k[k.len() - 1]["mode"]);

    // Grey: leading = the highest grade on the yearly means, base = the lowest.
    let grades = a["grey"]["mean"]["grades"].as_array().unwrap();
    let by = |best: bool| {
        grades
            .iter()
            .max_by(|x, y| {
                let (gx, gy) = (fnum(&x["grade"], "g"), fnum(&y["grade"], "g"));
                if best {
                    gx.total_cmp(&gy)
                } else {
                    gy.total_cmp(&gx)
                }
            })
            .unwrap()
    };
    let gf = &f["grey"];
    assert_eq!(gf["leading"], by(true)["column"]);
    assert_eq!(gf["leading_grade"], by(true)["grade"]);
    assert_eq!(gf["base"], by(false)["column"]);
    assert_eq!(gf["base_grade"], by(false)["grade"]);
    let ranking = gf["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), HLJ_DIMS.len());
    assert!(
        ranking
            .windows(2)
            .all(|w| fnum(&w[0]["grade"], "g") >= fnum(&w[1]["grade"], "g"))
    );

    // Tiers: the cluster labels.
    let tiers = f["tiers"].as_array().unwrap();
    let labels = a["cluster"]["labels"].as_array().unwrap();
    assert_eq!(tiers.len(), labels.len());
    for (t, l) in tiers.iter().zip(labels) {
        assert_eq!(t["region"], l["label"]);
        assert_eq!(t["tier"], l["tier"]);
        assert_eq!(t["cluster"], l["cluster"]);
    }

    // The sentences state these numbers.
    let sentences = support::strings(&f["sentences"]);
    let first = &sentences[0];
    assert!(first.contains(direction), "{first}");
    assert!(first.contains(&format!("{:.4}", m[0])), "{first}");
    // The p value quoted as the contract writes it.
    let quoted = |p: f64| {
        if p < 0.001 {
            "p < 0.001".to_string()
        } else {
            format!("p = {p:.3}")
        }
    };
    assert!(
        first.contains(&format!("Mann-Kendall {}", quoted(mk.mann_kendall.p))),
        "{first}"
    );
    let word = match cv_mk.direction {
        rurban_trend::Direction::Decreasing => "narrowed",
        rurban_trend::Direction::Increasing => "widened",
        rurban_trend::Direction::NoTrend => "no significant change",
    };
    assert!(sentences[1].contains(word), "{}", sentences[1]);
    assert!(
        sentences[1].contains(&quoted(cv_mk.mann_kendall.p)),
        "{}",
        sentences[1]
    );
    assert!(
        sentences[1].contains(&format!("{cv0:.4}")),
        "{}",
        sentences[1]
    );
    let leading = gf["leading"].as_str().unwrap();
    assert!(
        sentences[4].contains(&format!("'{leading}' leads")),
        "{}",
        sentences[4]
    );
    assert!(sentences[5].contains("tier 1"), "{}", sentences[5]);
}

// ================================================================ China

fn china_spec() -> PathBuf {
    // Fails with a clear message when the shared data set is not there.
    shared_data(CHINA);
    fixture("analysis/china_chain.toml")
}

#[test]
fn china_chain_runs_with_nbs_regions_and_decompositions_add_up() {
    let (g, out) = run_spec(&china_spec());
    for f in CHAIN_FILES {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    let sum = summary(&out);
    let years: Vec<i64> = sum["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years, (2005..=2024).collect::<Vec<_>>());
    let d = &sum["analysis"]["disparity"]["composite"];
    let groups = d["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 20);
    for g in groups {
        let key = g["key"].as_str().unwrap();
        assert_eq!(g["n"], 31, "{key}");
        let gini = fnum(&g["gini"], "gini");
        let dg = &g["dagum"];
        let total =
            fnum(&dg["within"], "w") + fnum(&dg["between"], "b") + fnum(&dg["transvariation"], "t");
        assert!(
            (total - gini).abs() <= 1e-12,
            "{key}: Dagum parts {total} vs Gini {gini}"
        );
        assert!((fnum(&dg["total"], "total") - gini).abs() <= 1e-12);
        let td = &g["theil_decomposition"];
        let theil = fnum(&g["theil"], "theil");
        assert!(
            (fnum(&td["within"], "w") + fnum(&td["between"], "b") - theil).abs() <= 1e-12,
            "{key}: Theil parts"
        );
        // The four NBS regions, six pairs.
        let wg: BTreeSet<&str> = dg["within_groups"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            wg,
            BTreeSet::from(["centre", "east", "northeast", "west"]),
            "{key}"
        );
        assert_eq!(dg["between_groups"].as_array().unwrap().len(), 6);
    }
    // An independent Gini: the literal double sum over the run's scores.
    let sc = Scores::read(&out);
    for (y, g) in groups.iter().enumerate() {
        let v: Vec<f64> = (0..sc.regions.len()).map(|r| sc.values[r][y][0]).collect();
        let n = v.len() as f64;
        let mu = v.iter().sum::<f64>() / n;
        let mut s = 0.0;
        for a in &v {
            for b in &v {
                s += (a - b).abs();
            }
        }
        assert_close(
            &[fnum(&g["gini"], "gini")],
            &[s / (2.0 * n * n * mu)],
            1e-12,
            "gini by the double sum",
        );
    }
    // The chain's composite disparity equals rurban disparity on scores.csv
    // joined with the groups file.
    let joined = scores_with_groups(&out, &fixture("analysis/china_groups.csv"), &g);
    let doc = json(&[
        "disparity",
        "--input",
        s(&joined),
        "--column",
        "composite",
        "--by",
        "year",
        "--group",
        "group",
    ]);
    assert_json_close(&without_warnings(&doc), d, TOL, "china disparity");
    // Every dimension is reported. A single-indicator dimension scores 0 at
    // its minimum, where the Theil index is undefined: that year's theil is
    // null (CV and Gini still there) and a warning names the dimension.
    let dims = sum["analysis"]["disparity"]["dimensions"]
        .as_object()
        .unwrap();
    let warnings = support::strings(&sum["warnings"]);
    for dim in CHINA_DIMS {
        let groups = dims[dim]["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 20, "dimension {dim}: one entry per year");
        let undefined: Vec<&Value> = groups.iter().filter(|g| g["theil"].is_null()).collect();
        let warned = warnings
            .iter()
            .any(|w| w.contains(&format!("dimension '{dim}'")) && w.contains("Theil"));
        assert_eq!(
            !undefined.is_empty(),
            warned,
            "dimension {dim}: {warnings:?}"
        );
        for g in undefined {
            assert!(g["cv"].as_f64().unwrap() > 0.0 && g["gini"].as_f64().unwrap() > 0.0);
        }
    }
}

#[test]
fn china_tiers_cover_all_31_provinces_and_chinese_names_survive() {
    let (_g, out) = run_spec(&china_spec());
    let (_, groups) = read_csv(&fixture("analysis/china_groups.csv"));
    let provinces: BTreeSet<String> = groups.iter().map(|r| r[0].clone()).collect();
    assert_eq!(provinces.len(), 31);
    // The names of the data's 地区 column are exactly those of the groups file.
    let (h, rows) = read_csv(&shared_data(CHINA));
    let c = col(&h, "地区");
    let in_data: BTreeSet<String> = rows.iter().map(|r| r[c].clone()).collect();
    assert_eq!(in_data, provinces);

    let (h, rows) = read_csv(&out.join("clusters.csv"));
    assert_eq!(h, ["region", "cluster", "tier"]);
    let names: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(names, provinces, "clusters.csv regions");
    let tiers: BTreeSet<u64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    assert_eq!(tiers, BTreeSet::from([1, 2, 3]));

    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        text.contains("黑龙江"),
        "summary.json escapes or loses Chinese names"
    );
    let sum: Value = serde_json::from_str(&text).unwrap();
    let regions: BTreeSet<String> = support::strings(&sum["regions"]).into_iter().collect();
    assert_eq!(regions, provinces);
    let tiers = sum["findings"]["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 31);
    let named: BTreeSet<String> = tiers
        .iter()
        .map(|t| t["region"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(named, provinces);
    assert!(
        sum["findings"]["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("广东"))
    );
    let grey: BTreeSet<String> = sum["analysis"]["grey"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(grey, provinces);
}

// ====================================================== [analysis] settings

/// The Heilongjiang spec with absolute data paths and `analysis` in place of
/// its own `[analysis]` section, written into `dir`.
fn hlj_spec_with(dir: &TempDir, name: &str, analysis: &str) -> PathBuf {
    let text = std::fs::read_to_string(HLJ_SPEC).expect("index.toml");
    let start = text.find("[analysis]").expect("an [analysis] section");
    let end = start + text[start..].find("[[dimension]]").expect("dimensions");
    let panel = Path::new(HLJ_DIR).join("panel.csv");
    let body = format!("{}{}", &text[..start], &text[end..]).replace(
        "data = \"panel.csv\"",
        &format!("data = '{}'", panel.display()),
    );
    assert!(body.contains(&panel.display().to_string()));
    dir.write(name, &format!("{body}\n{analysis}\n"))
}

fn groups_line() -> String {
    format!(
        "groups = '{}'",
        Path::new(HLJ_DIR).join("groups.csv").display()
    )
}

#[test]
fn settings_kmeans_with_k_4() {
    let dir = TempDir::new("kmeans");
    let spec = hlj_spec_with(
        &dir,
        "kmeans.toml",
        "[analysis.cluster]\nmethod = \"kmeans\"\nk = 4\n",
    );
    let (g, out) = run_spec(&spec);
    let sum = summary(&out);
    let c = &sum["analysis"]["cluster"];
    assert_eq!(c["method"], "kmeans");
    assert_eq!(c["k"], 4);
    assert!(c["inertia"].is_number());
    assert!(c.get("merges").is_none());
    let sc = Scores::read(&out);
    let wide = wide_composite(&sc, &g);
    let doc = json(&[
        "cluster",
        "--input",
        s(&wide),
        "--method",
        "kmeans",
        "--k",
        "4",
        "--seed",
        "42",
    ]);
    assert_json_close(&without_warnings(&doc), c, TOL, "kmeans");
    let (_, rows) = read_csv(&out.join("clusters.csv"));
    let tiers: BTreeSet<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(tiers, BTreeSet::from(["1", "2", "3", "4"]));
}

#[test]
fn settings_kde_epanechnikov_with_a_numeric_bandwidth() {
    let dir = TempDir::new("kde-epa");
    let spec = hlj_spec_with(
        &dir,
        "epa.toml",
        "[analysis.kde]\nkernel = \"epanechnikov\"\nbandwidth = 0.05\ngrid_n = 200\n",
    );
    let (_g, out) = run_spec(&spec);
    let sum = summary(&out);
    let k = &sum["analysis"]["kde"];
    assert_eq!(k["kernel"], "epanechnikov");
    assert_eq!(k["bandwidth_rule"], "fixed");
    for g in k["groups"].as_array().unwrap() {
        assert_eq!(fnum(&g["bandwidth"], "h"), 0.05);
        assert_eq!(g["x"].as_array().unwrap().len(), 200);
    }
    let doc = json(&[
        "kde",
        "--input",
        s(&out.join("scores.csv")),
        "--column",
        "composite",
        "--by",
        "year",
        "--kernel",
        "epanechnikov",
        "--bandwidth",
        "0.05",
        "--grid-n",
        "200",
    ]);
    assert_json_close(&without_warnings(&doc), k, TOL, "kde epanechnikov");
}

#[test]
fn settings_grey_initial_normalisation() {
    let dir = TempDir::new("grey-initial");
    let spec = hlj_spec_with(
        &dir,
        "initial.toml",
        "[analysis.grey]\nnormalization = \"initial\"\nrho = 0.3\n",
    );
    let (g, out) = run_spec(&spec);
    let sum = summary(&out);
    let grey = &sum["analysis"]["grey"]["mean"];
    assert_eq!(grey["normalization"], "initial");
    assert_eq!(fnum(&grey["rho"], "rho"), 0.3);
    let sc = Scores::read(&out);
    let means = yearly_means(&sc, &g);
    let doc = json(&[
        "grey",
        "--input",
        s(&means),
        "--reference",
        "composite",
        "--compare",
        &HLJ_DIMS.join(","),
        "--normalization",
        "initial",
        "--rho",
        "0.3",
    ]);
    assert_json_close(&without_warnings(&doc), grey, TOL, "grey initial");
    for r in sum["analysis"]["grey"]["regions"].as_array().unwrap() {
        assert_eq!(r["result"]["normalization"], "initial");
    }
}

#[test]
fn settings_a_section_switched_off_is_absent_and_its_file_not_written() {
    // section, its file, its findings key.
    let cases = [
        ("cluster", "clusters.csv", Some("tiers")),
        ("kde", "kde.csv", Some("polarisation")),
        ("disparity", "disparity.csv", Some("disparity")),
        ("convergence", "convergence.json", None),
        ("grey", "grey.csv", Some("grey")),
    ];
    let dir = TempDir::new("off");
    for (section, file, finding) in cases {
        let spec = hlj_spec_with(
            &dir,
            &format!("off_{section}.toml"),
            &format!(
                "[analysis]\n{}\n\n[analysis.{section}]\nenabled = false\n",
                groups_line()
            ),
        );
        let (_g, out) = run_spec(&spec);
        let sum = summary(&out);
        let a = sum["analysis"].as_object().unwrap();
        assert!(!a.contains_key(section), "{section} still in summary.json");
        assert!(
            !out.join(file).exists(),
            "{file} written with {section} off"
        );
        if let Some(k) = finding {
            assert!(
                sum["findings"].get(k).is_none(),
                "findings.{k} with {section} off"
            );
        }
        // The other sections and files are there.
        for (other, other_file, _) in cases {
            if other != section {
                assert!(a.contains_key(other), "{other} missing with {section} off");
                assert!(out.join(other_file).is_file(), "{other_file} missing");
            }
        }
        assert!(out.join("scores.csv").is_file());
    }
}

#[test]
fn settings_that_are_wrong_are_errors_naming_the_spec() {
    let dir = TempDir::new("bad-settings");
    let cases = [
        ("k0.toml", "[analysis.cluster]\nk = 0\n", "cluster.k"),
        ("rho2.toml", "[analysis.grey]\nrho = 2\n", "grey.rho"),
        ("rho2f.toml", "[analysis.grey]\nrho = 2.0\n", "grey.rho"),
        ("rho0.toml", "[analysis.grey]\nrho = 0.0\n", "grey.rho"),
        (
            "method.toml",
            "[analysis.cluster]\nmethod = \"kmedoids\"\n",
            "kmedoids",
        ),
        (
            "wide.toml",
            "[analysis.kde]\nbandwidth = \"wide\"\n",
            "wide",
        ),
        ("kernel.toml", "[analysis.kde]\nkernel = \"box\"\n", "box"),
        (
            "norm.toml",
            "[analysis.grey]\nnormalization = \"zscore\"\n",
            "zscore",
        ),
        ("ddof.toml", "[analysis.disparity]\nddof = 3\n", "ddof"),
        ("grid.toml", "[analysis.kde]\ngrid_n = 1\n", "grid_n"),
    ];
    for (name, analysis, needle) in cases {
        let spec = hlj_spec_with(&dir, name, analysis);
        check_run_fails(
            &spec,
            &dir.join(&format!("out-{name}")),
            &[name, "[analysis]", needle],
        );
    }
}

#[test]
fn settings_unknown_key_in_analysis_is_an_error_naming_the_spec() {
    // Misspelt keys are rejected when the spec is read.
    let dir = TempDir::new("bad-key");
    let spec = hlj_spec_with(&dir, "typo.toml", "[analysis.cluster]\nclusters = 3\n");
    check_run_fails(&spec, &dir.join("out"), &["typo.toml", "clusters"]);
}

#[test]
fn groups_file_missing_a_region_is_an_error_naming_it() {
    let dir = TempDir::new("groups-missing");
    let text = std::fs::read_to_string(Path::new(HLJ_DIR).join("groups.csv")).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("Jixi,")).collect();
    assert_eq!(kept.len(), text.lines().count() - 1);
    let groups = dir.write("partial_groups.csv", &(kept.join("\n") + "\n"));
    let spec = hlj_spec_with(
        &dir,
        "partial.toml",
        &format!("[analysis]\ngroups = '{}'\n", groups.display()),
    );
    check_run_fails(&spec, &dir.join("out"), &["partial_groups.csv", "'Jixi'"]);
}

#[test]
fn heilongjiang_sources_finding_is_the_last_years_dagum_decomposition() {
    let out = hlj_out().to_path_buf();
    let sum = summary(&out);
    let groups = sum["analysis"]["disparity"]["composite"]["groups"]
        .as_array()
        .unwrap();
    let last = groups.last().unwrap();
    let dagum = &last["dagum"];
    let src = &sum["findings"]["sources"];
    assert_eq!(src["year"], last["key"]);
    for part in ["within", "between", "transvariation"] {
        let v = dagum[part].as_f64().unwrap();
        assert_eq!(src[part].as_f64().unwrap(), v, "{part}");
        let share = src[&format!("{part}_share")].as_f64().unwrap();
        assert!(
            (share - v / last["gini"].as_f64().unwrap()).abs() < 1e-12,
            "{part} share"
        );
    }
    let shares: f64 = ["within_share", "between_share", "transvariation_share"]
        .iter()
        .map(|k| src[*k].as_f64().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 1e-12, "shares add up to 1: {shares}");
    let sentences = support::strings(&sum["findings"]["sentences"]);
    let gini = format!("{:.4}", last["gini"].as_f64().unwrap());
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("Dagum") && s.contains(&gini)),
        "{sentences:?}"
    );
}
