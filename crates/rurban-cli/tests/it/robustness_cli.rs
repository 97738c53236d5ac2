//! `rurban robustness`: the contract's files and JSON, bad `[uncertainty]`
//! settings as one `error:` line before any run, the nominal ranking equal
//! to `rurban run`'s, runs recomputed by hand from the samples file, and
//! the same numbers in rayon pools of 1 and 2 threads.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::support::*;

const REGIONS: usize = 7;
const YEARS: [i64; 3] = [2018, 2019, 2020];
const INDICATORS: [(&str, &str); 4] = [("a", "+"), ("b", "-"), ("c", "+"), ("d", "+")];

/// A complete wide panel with distinct values, all > 0.
fn value(r: usize, t: usize, j: usize) -> f64 {
    let x = ((r * 7 + t * 3 + j * 5) % 11) as f64 + 1.0 + 0.1 * (r * j) as f64 + 0.37 * t as f64;
    x * (j + 1) as f64
}

fn panel_csv(missing: bool) -> String {
    let mut s = String::from("region,year,a,b,c,d\n");
    for r in 0..REGIONS {
        for (t, y) in YEARS.iter().enumerate() {
            let cells: Vec<String> = (0..4)
                .map(|j| {
                    if missing && r == 2 && t == 1 && j == 0 {
                        String::new()
                    } else {
                        value(r, t, j).to_string()
                    }
                })
                .collect();
            s.push_str(&format!("R{r},{y},{}\n", cells.join(",")));
        }
    }
    s
}

fn spec_text(method: &str, uncertainty: &str) -> String {
    let mut s = format!("name = \"t\"\ndata = \"panel.csv\"\n[method]\n{method}\n");
    for (d, chunk) in INDICATORS.chunks(2).enumerate() {
        s.push_str(&format!("[[dimension]]\nid = \"d{d}\"\n"));
        for (id, dir) in chunk {
            s.push_str(&format!(
                "[[dimension.indicator]]\nid = \"{id}\"\ndirection = \"{dir}\"\n"
            ));
        }
    }
    s.push_str("[analysis.cluster]\nenabled = false\n");
    if !uncertainty.is_empty() {
        s.push_str(&format!("[uncertainty]\n{uncertainty}\n"));
    }
    s
}

fn setup(tag: &str, method: &str, uncertainty: &str, missing: bool) -> (TempDir, String) {
    let dir = TempDir::new(tag);
    dir.write("panel.csv", &panel_csv(missing));
    let spec = dir.write("index.toml", &spec_text(method, uncertainty));
    let spec = spec.display().to_string();
    (dir, spec)
}

const ALL_SIX: &str = "replications = 40\nseed = 7\nweights_noise = 0.3\n\
    weighting = [\"entropy\", \"critic\", \"equal\"]\n\
    normalisation = [\"minmax\", \"rank\"]\naggregation = [\"arithmetic\", \"topsis\"]\n\
    impute = [\"linear\", \"year-mean\"]\nexclude = true";

#[test]
fn bad_uncertainty_settings_fail_before_any_run() {
    let plain = "weighting = [\"entropy\", \"equal\"]";
    let cases = [
        (
            "zero",
            "replications = 0\nexclude = true",
            false,
            "[uncertainty] replications: must be an integer >= 1, got 0",
        ),
        (
            "noise",
            "weights_noise = 1.0",
            false,
            "[uncertainty] weights_noise: must be in [0, 1), got 1",
        ),
        (
            "negnoise",
            "weights_noise = -0.25",
            false,
            "weights_noise: must be in [0, 1), got -0.25",
        ),
        (
            "scheme",
            "weighting = [\"entropy\", \"merec2\"]",
            false,
            "[uncertainty] weighting: unknown weighting 'merec2'",
        ),
        (
            "norm",
            "normalisation = [\"minmax\", \"log\"]",
            false,
            "[uncertainty] normalisation: unknown normalisation 'log'",
        ),
        (
            "agg",
            "aggregation = [\"median\"]",
            false,
            "[uncertainty] aggregation: unknown aggregation 'median'",
        ),
        (
            "goal",
            "normalisation = [\"minmax\", \"goalposts\"]",
            false,
            "indicator 'a' has no goalposts",
        ),
        ("key", "exclude = true\nrepeats = 3", false, "repeats"),
        ("nofactor", "seed = 3", false, "names no uncertain factor"),
        (
            "zgeo",
            "normalisation = [\"zscore\", \"rank\"]\naggregation = [\"arithmetic\", \"geometric\"]",
            false,
            "normalisation 'zscore' cannot run under geometric aggregation",
        ),
        (
            "zharm",
            "normalisation = [\"zscore\"]\naggregation = [\"harmonic\"]",
            false,
            "'zscore' cannot run under harmonic",
        ),
        (
            "zeros",
            "aggregation = [\"arithmetic\", \"geometric\"]",
            false,
            "geometric aggregation cannot run on the 'minmax' normalisation",
        ),
        (
            "none",
            "impute = [\"none\", \"linear\"]",
            true,
            "[uncertainty] impute: 'none' cannot run: the data have missing cells",
        ),
        (
            "dup",
            "weighting = [\"equal\", \"EQUAL\"]",
            false,
            "'EQUAL' is listed twice",
        ),
    ];
    let mut dirs = Vec::new();
    let mut table = Vec::new();
    for (tag, u, missing, needle) in cases {
        let method = if missing { "impute = \"linear\"" } else { "" };
        let (dir, spec) = setup(tag, method, u, missing);
        let out = dir.join("out").display().to_string();
        table.push(fails(&["robustness", &spec, "--out", &out], &[needle]));
        dirs.push(dir);
    }
    let (dir, spec) = setup("cli-n", "", plain, false);
    let out = dir.join("out").display().to_string();
    table.push(fails(
        &["robustness", &spec, "--out", &out, "--replications", "0"],
        &["[uncertainty] replications: must be an integer >= 1, got 0"],
    ));
    let (dir2, spec2) = setup("no-table", "", "", false);
    table.push(fails(
        &["robustness", &spec2, "--out", &out],
        &["no [uncertainty] table"],
    ));
    let lines = check_failures(&table);
    // spec errors name the spec file
    assert!(lines[0].contains("index.toml"), "{}", lines[0]);
    for d in dirs.iter().chain([&dir, &dir2]) {
        assert_no_outputs(&d.join("out"));
    }
}

fn rank_within_years(composite: &HashMap<(String, i64), f64>) -> HashMap<(String, i64), u32> {
    let mut out = HashMap::new();
    for y in YEARS {
        let mut v: Vec<(&String, f64)> = composite
            .iter()
            .filter(|((_, yy), _)| *yy == y)
            .map(|((r, _), s)| (r, *s))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (r, s) in &v {
            let rank = 1 + v.iter().filter(|(_, t)| t > s).count() as u32;
            out.insert(((*r).clone(), y), rank);
        }
    }
    out
}

#[test]
fn json_files_and_the_nominal_ranking_of_rurban_run() {
    let (dir, spec) = setup("json", "weighting = \"entropy\"", ALL_SIX, false);
    let out = dir.join("out");
    let o = rurban([
        "robustness",
        &spec,
        "--out",
        &out.display().to_string(),
        "--format",
        "json",
    ]);
    let v = o.ok().json();
    assert_keys(
        &v,
        &[
            "replications",
            "runs",
            "factors",
            "ranks",
            "sensitivity",
            "y",
            "warnings",
        ],
        &[],
        "robustness",
    );
    assert_eq!(v["replications"], 40);
    assert_eq!(v["runs"], 40 * 8);
    assert_eq!(
        strings(&v["factors"]),
        [
            "weights",
            "weighting",
            "normalisation",
            "aggregation",
            "impute",
            "exclude"
        ]
    );
    let ranks = v["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), REGIONS * YEARS.len());
    for r in ranks {
        assert_keys(
            r,
            &[
                "region",
                "year",
                "nominal",
                "median",
                "q05",
                "q95",
                "mean_abs_shift",
            ],
            &[],
            "rank",
        );
        let (q05, med, q95) = (
            fnum(&r["q05"], "q05"),
            fnum(&r["median"], "m"),
            fnum(&r["q95"], "q95"),
        );
        assert!(1.0 <= q05 && q05 <= med && med <= q95 && q95 <= REGIONS as f64);
    }
    let (y_mean, y05, y95) = (
        fnum(&v["y"]["mean"], "y"),
        fnum(&v["y"]["q05"], "y"),
        fnum(&v["y"]["q95"], "y"),
    );
    assert!(y05 <= y_mean && y_mean <= y95 && y95 > 0.0);
    // the CSV files hold the JSON's numbers
    let (h, rows) = read_csv(&out.join("robustness.csv"));
    assert_eq!(
        h,
        [
            "region",
            "year",
            "nominal",
            "median",
            "q05",
            "q95",
            "mean_abs_shift"
        ]
    );
    assert_eq!(rows.len(), ranks.len());
    for (row, r) in rows.iter().zip(ranks) {
        assert_eq!(row[0], r["region"].as_str().unwrap());
        assert_eq!(num(&row[3]), fnum(&r["median"], "median"));
        assert_eq!(num(&row[6]), fnum(&r["mean_abs_shift"], "shift"));
    }
    let (h, rows) = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(h, ["factor", "first_order", "total_order"]);
    assert_eq!(rows.len(), 6);
    // impute changes nothing on a complete panel: both indices exactly 0
    assert_eq!(rows[4][0], "impute");
    assert_eq!(num(&rows[4][1]), 0.0);
    assert_eq!(num(&rows[4][2]), 0.0);

    // the nominal ranks are the ranks of rurban run's composite
    let run_out = dir.join("run");
    run_quiet(Path::new(&spec), &run_out, &["--no-report", "--no-xlsx"]).ok();
    let (h, rows) = read_csv(&run_out.join("scores.csv"));
    let (rc, yc, cc) = (col(&h, "region"), col(&h, "year"), col(&h, "composite"));
    let composite: HashMap<(String, i64), f64> = rows
        .iter()
        .map(|r| ((r[rc].clone(), r[yc].parse().unwrap()), num(&r[cc])))
        .collect();
    let want = rank_within_years(&composite);
    for r in ranks {
        let key = (
            r["region"].as_str().unwrap().to_string(),
            r["year"].as_i64().unwrap(),
        );
        assert_eq!(r["nominal"].as_u64().unwrap() as u32, want[&key], "{key:?}");
    }
}

/// The nominal ranks of `rurban robustness` against the ranks of `rurban
/// run`'s composite, for a spec's `[method]`.
fn nominal_matches_run(tag: &str, method: &str, uncertainty: &str) {
    let (dir, spec) = setup(tag, method, uncertainty, false);
    let o = rurban([
        "robustness",
        &spec,
        "--out",
        &dir.join("out").display().to_string(),
        "--format",
        "json",
    ]);
    let v = o.ok().json();
    let run_out = dir.join("run");
    run_quiet(Path::new(&spec), &run_out, &["--no-report", "--no-xlsx"]).ok();
    let (h, rows) = read_csv(&run_out.join("scores.csv"));
    let (rc, yc, cc) = (col(&h, "region"), col(&h, "year"), col(&h, "composite"));
    let composite: HashMap<(String, i64), f64> = rows
        .iter()
        .map(|r| ((r[rc].clone(), r[yc].parse().unwrap()), num(&r[cc])))
        .collect();
    let want = rank_within_years(&composite);
    for r in v["ranks"].as_array().unwrap() {
        let key = (
            r["region"].as_str().unwrap().to_string(),
            r["year"].as_i64().unwrap(),
        );
        assert_eq!(
            r["nominal"].as_u64().unwrap() as u32,
            want[&key],
            "{tag} {key:?}"
        );
    }
}

#[test]
fn the_nominal_run_follows_the_construction_keys() {
    nominal_matches_run(
        "given-geo",
        "weighting = \"given\"\nrange = [1, 100]\naggregation = \"geometric\"",
        "replications = 8\nweighting = [\"given\", \"entropy\"]\naggregation = [\"geometric\", \"arithmetic\"]",
    );
    nominal_matches_run(
        "year-z",
        "scope = \"year\"\nnormalisation = \"zscore\"",
        "replications = 8\nweights_noise = 0.2\nnormalisation = [\"zscore\", \"rank\"]\nexclude = true",
    );
    nominal_matches_run(
        "topsis",
        "weighting = \"critic\"\naggregation = \"topsis\"",
        "replications = 8\nweighting = [\"critic\", \"equal\"]",
    );
    nominal_matches_run(
        "harm-rank",
        "normalisation = \"rank\"\naggregation = \"harmonic\"",
        "replications = 8\naggregation = [\"harmonic\", \"geometric\"]",
    );
}

fn robustness_with_threads(spec: &str, out: &Path, samples: &Path, threads: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_rurban"))
        .args([
            "robustness",
            spec,
            "--out",
            &out.display().to_string(),
            "--samples-out",
            &samples.display().to_string(),
            "--format",
            "json",
        ])
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn the_same_numbers_whatever_the_thread_count() {
    let (dir, spec) = setup("threads", "", ALL_SIX, false);
    let one = robustness_with_threads(&spec, &dir.join("o1"), &dir.join("s1.csv"), "1");
    let two = robustness_with_threads(&spec, &dir.join("o2"), &dir.join("s2.csv"), "2");
    assert_eq!(one, two);
    for f in ["robustness.csv", "sensitivity.csv"] {
        assert_eq!(
            std::fs::read(dir.join("o1").join(f)).unwrap(),
            std::fs::read(dir.join("o2").join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(
        std::fs::read(dir.join("s1.csv")).unwrap(),
        std::fs::read(dir.join("s2.csv")).unwrap()
    );
}

/// Direction-aware min-max over all region-years (scope = panel).
fn minmax_columns(x: &[[f64; 4]]) -> Vec<[f64; 4]> {
    let mut z = vec![[0.0; 4]; x.len()];
    for (j, (_, dir)) in INDICATORS.iter().enumerate() {
        let lo = x.iter().map(|r| r[j]).fold(f64::INFINITY, f64::min);
        let hi = x.iter().map(|r| r[j]).fold(f64::NEG_INFINITY, f64::max);
        for (zi, xi) in z.iter_mut().zip(x) {
            zi[j] = if *dir == "+" {
                (xi[j] - lo) / (hi - lo)
            } else {
                (hi - xi[j]) / (hi - lo)
            };
        }
    }
    z
}

/// Average ranks over all region-years, descending for `-`.
fn rank_columns(x: &[[f64; 4]]) -> Vec<[f64; 4]> {
    let mut z = vec![[0.0; 4]; x.len()];
    for (j, (_, dir)) in INDICATORS.iter().enumerate() {
        let v: Vec<f64> = x
            .iter()
            .map(|r| if *dir == "+" { r[j] } else { -r[j] })
            .collect();
        for (i, zi) in z.iter_mut().enumerate() {
            let below = v.iter().filter(|&&o| o < v[i]).count() as f64;
            let equal = v.iter().filter(|&&o| o == v[i]).count() as f64;
            zi[j] = below + (equal + 1.0) / 2.0;
        }
    }
    z
}

fn topsis(z: &[[f64; 4]], w: &[f64]) -> Vec<f64> {
    let v: Vec<Vec<f64>> = z
        .iter()
        .map(|r| (0..4).map(|j| w[j] * r[j]).collect())
        .collect();
    let best: Vec<f64> = (0..4)
        .map(|j| v.iter().map(|r| r[j]).fold(f64::NEG_INFINITY, f64::max))
        .collect();
    let worst: Vec<f64> = (0..4)
        .map(|j| v.iter().map(|r| r[j]).fold(f64::INFINITY, f64::min))
        .collect();
    v.iter()
        .map(|r| {
            let dp: f64 = (0..4).map(|j| (r[j] - best[j]).powi(2)).sum::<f64>().sqrt();
            let dm: f64 = (0..4)
                .map(|j| (r[j] - worst[j]).powi(2))
                .sum::<f64>()
                .sqrt();
            dm / (dp + dm)
        })
        .collect()
}

/// Competition ranks (1 = highest, ties share the smallest) within years
/// of scores in region-major order.
fn ranks(scores: &[f64]) -> Vec<u32> {
    let ny = YEARS.len();
    (0..scores.len())
        .map(|i| {
            let t = i % ny;
            1 + (0..scores.len())
                .filter(|&k| k % ny == t && scores[k] > scores[i])
                .count() as u32
        })
        .collect()
}

#[test]
fn runs_recomputed_by_hand_from_the_samples_file() {
    let (dir, spec) = setup("samples", "", ALL_SIX, false);
    let samples = dir.join("samples.csv");
    let json = robustness_with_threads(&spec, &dir.join("out"), &samples, "2");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let (h, rows) = read_csv(&samples);
    assert_eq!(rows.len(), 40 * 8);
    assert_eq!(&h[..3], ["block", "row", "u:weights:a"]);
    assert!(h.contains(&"w:d".to_string()) && h.last().unwrap() == "y");
    let x: Vec<[f64; 4]> = (0..REGIONS)
        .flat_map(|r| (0..YEARS.len()).map(move |t| [0, 1, 2, 3].map(|j| value(r, t, j))))
        .collect();
    let (zmm, zrank) = (minmax_columns(&x), rank_columns(&x));
    let nominal: Vec<u32> = v["ranks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["nominal"].as_u64().unwrap() as u32)
        .collect();
    let c = |name: &str| col(&h, name);
    let mut checked = 0;
    for row in rows.iter().step_by(7) {
        // the realised alternatives are floor(u L) of their uniforms
        let pick = |u: &str, l: usize| (num(&row[c(u)]) * l as f64).floor() as usize;
        assert_eq!(
            row[c("weighting")],
            ["entropy", "critic", "equal"][pick("u:weighting", 3)]
        );
        assert_eq!(
            row[c("normalisation")],
            ["minmax", "rank"][pick("u:normalisation", 2)]
        );
        assert_eq!(
            row[c("aggregation")],
            ["arithmetic", "topsis"][pick("u:aggregation", 2)]
        );
        let ex = pick("u:exclude", 5);
        let excluded = if ex == 0 {
            String::new()
        } else {
            INDICATORS[ex - 1].0.to_string()
        };
        assert_eq!(row[c("exclude")], excluded);
        let w: Vec<f64> = INDICATORS
            .iter()
            .map(|(id, _)| num(&row[c(&format!("w:{id}"))]))
            .collect();
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        if ex > 0 {
            assert_eq!(w[ex - 1], 0.0);
        }
        let scores: Vec<f64> = if row[c("aggregation")] == "topsis" {
            topsis(&zmm, &w)
        } else {
            let z = if row[c("normalisation")] == "rank" {
                &zrank
            } else {
                &zmm
            };
            z.iter()
                .map(|zi| (0..4).map(|j| w[j] * zi[j]).sum())
                .collect()
        };
        let rk = ranks(&scores);
        let y = rk
            .iter()
            .zip(&nominal)
            .map(|(a, b)| a.abs_diff(*b) as f64)
            .sum::<f64>()
            / rk.len() as f64;
        assert_eq!(y, num(&row[c("y")]), "run {} {}", row[0], row[1]);
        checked += 1;
    }
    assert!(checked >= 40);
    // y of the A and B rows gives the JSON's mean
    let ys: Vec<f64> = rows[..80].iter().map(|r| num(&r[c("y")])).collect();
    let mean = ys.iter().sum::<f64>() / 80.0;
    assert_rel(mean, fnum(&v["y"]["mean"], "mean"), 1e-12, "mean y");
}
