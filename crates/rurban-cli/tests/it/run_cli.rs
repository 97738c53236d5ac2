//! End-to-end tests of `rurban run`: bad specifications and data end in one
//! clean `error:` line and no output files; real data (the shared China
//! provinces panel and the ASEM index inputs) run through, and the files
//! written are checked against independent computations.

use crate::support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{
    TempDir, assert_close, assert_no_outputs, col, f64s, fixture, num, read_csv, reference,
    run_quiet, rurban, rurban_in, shared_data,
};

const CHINA: &str = "china-provinces/provinces_2005_2024.csv";

/// The five indicators of `fixtures/china.toml`, in spec order, and whether
/// each is negative.
const CHINA_INDICATORS: [(&str, bool); 5] = [
    ("GDP_当年价_亿元", false),
    ("第二产业比重_%", true),
    ("税收收入_亿元", false),
    ("城镇化率_%", false),
    ("发明专利申请数_件", false),
];

/// Runs a spec into a fresh output directory; returns the directory guard and `out`.
fn run_ok(spec: &Path) -> (TempDir, PathBuf) {
    let dir = TempDir::new("run");
    let out = dir.join("out");
    run_quiet(spec, &out, &[]).ok();
    for f in ["weights.csv", "scores.csv", "summary.json"] {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    (dir, out)
}

fn summary(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

/// Scores by (region, year): composite and the dimension columns.
fn scores(out: &Path, dims: &[&str]) -> BTreeMap<(String, i64), (f64, Vec<f64>)> {
    let (h, rows) = read_csv(&out.join("scores.csv"));
    let mut want = vec!["region", "year", "composite"];
    want.extend_from_slice(dims);
    assert_eq!(h, want, "scores.csv header");
    let mut m = BTreeMap::new();
    for r in rows {
        let key = (r[0].clone(), r[1].parse::<i64>().expect("integer year"));
        let dimv: Vec<f64> = r[3..].iter().map(|s| num(s)).collect();
        assert!(
            m.insert(key.clone(), (num(&r[2]), dimv)).is_none(),
            "scores.csv repeats {key:?}"
        );
    }
    m
}

#[track_caller]
fn assert_dimensions_add_up(scores: &BTreeMap<(String, i64), (f64, Vec<f64>)>) {
    for (k, (c, d)) in scores {
        let s: f64 = d.iter().sum();
        assert!(
            (s - c).abs() <= 1e-12,
            "{k:?}: dimensions sum to {s}, composite {c}"
        );
    }
}

/// The real China panel: (region, year) -> row, and the header.
fn china_table() -> (Vec<String>, Vec<Vec<String>>) {
    read_csv(&shared_data(CHINA))
}

// ------------------------------------------------------------- real data

#[test]
fn china_panel_scores_weights_and_agreement_with_rurban_weights() {
    let data = shared_data(CHINA);
    let (_guard, out) = run_ok(&fixture("china.toml"));

    // weights.csv: the five indicators in spec order, summing to 1.
    let (h, rows) = read_csv(&out.join("weights.csv"));
    assert_eq!(
        h,
        ["dimension", "indicator", "direction", "weight", "entropy"]
    );
    assert_eq!(rows.len(), 5);
    let dims = ["economy", "economy", "economy", "society", "society"];
    for (j, r) in rows.iter().enumerate() {
        assert_eq!(r[0], dims[j]);
        assert_eq!(r[1], CHINA_INDICATORS[j].0);
        assert_eq!(r[2], if CHINA_INDICATORS[j].1 { "-" } else { "+" });
    }
    let w: Vec<f64> = rows.iter().map(|r| num(&r[3])).collect();
    let e: Vec<f64> = rows.iter().map(|r| num(&r[4])).collect();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);

    // The same weights as `rurban weights` over the same columns and rows.
    let names: Vec<&str> = CHINA_INDICATORS.iter().map(|c| c.0).collect();
    let doc = rurban([
        "weights",
        "--input",
        data.to_str().unwrap(),
        "--method",
        "entropy",
        "--columns",
        &names.join(","),
        "--negative",
        "第二产业比重_%",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(doc["n"], 620);
    assert_close(&w, &f64s(&doc["weights"]), 1e-12, "run vs weights: weights");
    assert_close(&e, &f64s(&doc["entropy"]), 1e-12, "run vs weights: entropy");

    // And the contract's formula on the raw file.
    let (th, trows) = china_table();
    let x: Vec<Vec<f64>> = trows
        .iter()
        .map(|r| names.iter().map(|n| num(&r[col(&th, n)])).collect())
        .collect();
    let neg: Vec<bool> = CHINA_INDICATORS.iter().map(|c| c.1).collect();
    let (rw, re) = reference::entropy(&x, &neg, 0.0);
    assert_close(&w, &rw, 1e-12, "weights vs reference");
    assert_close(&e, &re, 1e-12, "entropy vs reference");

    // scores.csv: 31 provinces x 20 years, dimensions adding up to the
    // composite, composite = sum_j w_j z_j with z min-max over the panel.
    let s = scores(&out, &["economy", "society"]);
    assert_eq!(s.len(), 620);
    assert_eq!(s.keys().map(|k| &k.0).collect::<BTreeSet<_>>().len(), 31);
    assert_eq!(
        s.keys().map(|k| k.1).collect::<BTreeSet<_>>(),
        (2005..=2024).collect()
    );
    assert_dimensions_add_up(&s);
    let z: Vec<Vec<f64>> = reference::minmax(&x, &neg)
        .into_iter()
        .map(|c| c.expect("not constant"))
        .collect();
    let (ri, yi) = (col(&th, "地区"), col(&th, "年份"));
    for (i, r) in trows.iter().enumerate() {
        let (c, d) = &s[&(r[ri].clone(), r[yi].parse().unwrap())];
        let want: f64 = (0..5).map(|j| w[j] * z[j][i]).sum();
        let econ: f64 = (0..3).map(|j| w[j] * z[j][i]).sum();
        assert!(
            (c - want).abs() < 1e-12,
            "{} {}: composite {c} vs {want}",
            r[ri],
            r[yi]
        );
        assert!(
            (d[0] - econ).abs() < 1e-12,
            "{} {}: economy {} vs {econ}",
            r[ri],
            r[yi],
            d[0]
        );
    }
    assert_eq!(summary(&out)["imputed"].as_array().map(Vec::len), Some(0));
}

/// Linear interpolation within a region in the year value; the nearest
/// observed value before the first and after the last observation.
fn interpolate(obs: &[(i64, f64)], year: i64) -> f64 {
    let before = obs.iter().rev().find(|(y, _)| *y < year);
    let after = obs.iter().find(|(y, _)| *y > year);
    match (before, after) {
        (Some(&(ya, va)), Some(&(yb, vb))) => {
            va + (vb - va) * (year - ya) as f64 / (yb - ya) as f64
        }
        (Some(&(_, v)), None) | (None, Some(&(_, v))) => v,
        (None, None) => panic!("no observation"),
    }
}

#[test]
fn china_linear_imputation_fills_exactly_the_empty_cells() {
    let (th, trows) = china_table();
    let gappy = ["固定资产投资总额_亿元", "就业人员数_万人"];
    let (ri, yi) = (col(&th, "地区"), col(&th, "年份"));
    // The empty cells of the file, and each province's observations.
    let mut empty: BTreeSet<(String, i64, String)> = BTreeSet::new();
    let mut obs: HashMap<(String, &str), Vec<(i64, f64)>> = HashMap::new();
    for r in &trows {
        let year: i64 = r[yi].parse().unwrap();
        for g in gappy {
            let cell = r[col(&th, g)].trim();
            if cell.is_empty() {
                empty.insert((r[ri].clone(), year, g.to_string()));
            } else {
                obs.entry((r[ri].clone(), g))
                    .or_default()
                    .push((year, num(cell)));
            }
        }
    }
    for v in obs.values_mut() {
        v.sort_by_key(|p| p.0);
    }
    assert!(
        empty.len() > 100,
        "the chosen columns should be gappy: {}",
        empty.len()
    );

    let (_guard, out) = run_ok(&fixture("china_linear.toml"));
    let sum = summary(&out);
    let imputed = sum["imputed"].as_array().expect("imputed is an array");
    let mut listed = BTreeSet::new();
    for c in imputed {
        let key = (
            c["region"].as_str().unwrap().to_string(),
            c["year"].as_i64().unwrap(),
            c["indicator"].as_str().unwrap().to_string(),
        );
        let series = &obs[&(
            key.0.clone(),
            gappy.iter().find(|g| **g == key.2).copied().unwrap(),
        )];
        let inside = series.first().unwrap().0 < key.1 && key.1 < series.last().unwrap().0;
        assert_eq!(
            c["method"],
            if inside { "linear" } else { "constant" },
            "{key:?}"
        );
        let want = interpolate(
            &obs[&(
                key.0.clone(),
                gappy.iter().find(|g| **g == key.2).copied().unwrap(),
            )],
            key.1,
        );
        let got = c["value"].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{key:?}: imputed {got}, expected {want}"
        );
        assert!(listed.insert(key.clone()), "{key:?} listed twice");
    }
    assert_eq!(
        listed, empty,
        "imputed cells differ from the empty cells of the file"
    );

    let s = scores(&out, &["economy", "labour"]);
    assert_eq!(s.len(), 620);
    assert_dimensions_add_up(&s);
    let (_, wrows) = read_csv(&out.join("weights.csv"));
    assert!((wrows.iter().map(|r| num(&r[3])).sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn china_gappy_columns_without_imputation_are_an_error() {
    let data = shared_data(CHINA);
    let dir = TempDir::new("china-none");
    let text = std::fs::read_to_string(fixture("china_linear.toml"))
        .unwrap()
        .replace("impute = \"linear\"", "impute = \"none\"");
    let spec = dir.write("spec.toml", &text);
    let out = dir.join("out");
    let o = rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--data".as_ref(),
        data.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    // The first empty cell of 就业人员数_万人 in file order is 上海 2015.
    o.error(&["provinces_2005_2024.csv", "missing", "就业人员数_万人"]);
    assert_no_outputs(&out);
}

#[test]
fn china_scope_year_writes_one_weight_block_per_year() {
    let (th, trows) = china_table();
    let (_guard, out) = run_ok(&fixture("china_year.toml"));
    let (h, rows) = read_csv(&out.join("weights.csv"));
    assert_eq!(
        h,
        [
            "year",
            "dimension",
            "indicator",
            "direction",
            "weight",
            "entropy"
        ]
    );
    assert_eq!(rows.len(), 20 * 5);
    let names: Vec<&str> = CHINA_INDICATORS.iter().map(|c| c.0).collect();
    let neg: Vec<bool> = CHINA_INDICATORS.iter().map(|c| c.1).collect();
    let (ri, yi) = (col(&th, "地区"), col(&th, "年份"));
    let s = scores(&out, &["economy", "society"]);
    assert_eq!(s.len(), 620);
    assert_dimensions_add_up(&s);
    for (b, block) in rows.chunks(5).enumerate() {
        let year = 2005 + b as i64;
        for (j, r) in block.iter().enumerate() {
            assert_eq!(r[0], year.to_string(), "block {b} row {j}");
            assert_eq!(r[2], names[j]);
        }
        let w: Vec<f64> = block.iter().map(|r| num(&r[4])).collect();
        // The year's own min-max and entropy weights.
        let yrows: Vec<&Vec<String>> = trows.iter().filter(|r| r[yi] == year.to_string()).collect();
        assert_eq!(yrows.len(), 31);
        let x: Vec<Vec<f64>> = yrows
            .iter()
            .map(|r| names.iter().map(|n| num(&r[col(&th, n)])).collect())
            .collect();
        let (rw, re) = reference::entropy(&x, &neg, 0.0);
        assert_close(&w, &rw, 1e-12, &format!("weights of {year}"));
        assert_close(
            &block.iter().map(|r| num(&r[5])).collect::<Vec<_>>(),
            &re,
            1e-12,
            &format!("entropy of {year}"),
        );
        let z: Vec<Vec<f64>> = reference::minmax(&x, &neg)
            .into_iter()
            .map(|c| c.expect("not constant"))
            .collect();
        for (i, r) in yrows.iter().enumerate() {
            let want: f64 = (0..5).map(|j| w[j] * z[j][i]).sum();
            let (c, _) = &s[&(r[ri].clone(), year)];
            assert!(
                (c - want).abs() < 1e-12,
                "{} {year}: composite {c} vs {want}",
                r[ri]
            );
        }
    }
}

#[test]
fn asem_one_year_panel_with_year_mean_imputation() {
    let data = shared_data("asem/ASEM_iData.csv");
    let (mh, meta) = read_csv(&shared_data("asem/ASEM_iMeta.csv"));
    let (lvl, code, dir_c, parent) = (
        col(&mh, "Level"),
        col(&mh, "iCode"),
        col(&mh, "Direction"),
        col(&mh, "Parent"),
    );
    let inds: Vec<&Vec<String>> = meta
        .iter()
        .filter(|r| r[lvl].trim() == "1.0" || r[lvl].trim() == "1")
        .collect();
    assert_eq!(inds.len(), 49);
    let mut pillars: Vec<&str> = Vec::new();
    for r in &inds {
        if !pillars.contains(&r[parent].as_str()) {
            pillars.push(&r[parent]);
        }
    }
    assert_eq!(pillars.len(), 8);

    let (dh, drows) = read_csv(&data);
    let ucode = col(&dh, "uCode");
    // Missing cells among the indicators used, and the year mean of the
    // other countries for each.
    let mut expected: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in &inds {
        let c = col(&dh, &r[code]);
        let observed: Vec<f64> = drows
            .iter()
            .filter(|d| !d[c].trim().is_empty())
            .map(|d| num(&d[c]))
            .collect();
        for d in drows.iter().filter(|d| d[c].trim().is_empty()) {
            expected.insert(
                (d[ucode].clone(), r[code].clone()),
                observed.iter().sum::<f64>() / observed.len() as f64,
            );
        }
    }
    // The data README counts 64 empty cells in the whole file; one of them
    // (LAO's Energy) is a denominator, not an indicator.
    assert_eq!(expected.len(), 63);

    let (_guard, out) = run_ok(&fixture("asem.toml"));
    let sum = summary(&out);
    let imputed = sum["imputed"].as_array().expect("imputed is an array");
    assert_eq!(imputed.len(), expected.len());
    for c in imputed {
        let key = (
            c["region"].as_str().unwrap().to_string(),
            c["indicator"].as_str().unwrap().to_string(),
        );
        let want = expected
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} imputed but not empty in the file"));
        let got = c["value"].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{key:?}: {got} vs year mean {want}"
        );
        assert_eq!(c["year"], 2018);
        assert_eq!(c["method"], "year-mean");
    }

    // weights.csv follows the metadata: dimension = pillar, direction from Direction.
    let (h, rows) = read_csv(&out.join("weights.csv"));
    assert_eq!(
        h,
        ["dimension", "indicator", "direction", "weight", "entropy"]
    );
    assert_eq!(rows.len(), 49);
    for (r, m) in rows.iter().zip(&inds) {
        assert_eq!(r[0], m[parent]);
        assert_eq!(r[1], m[code]);
        assert_eq!(
            r[2],
            if num(&m[dir_c]) < 0.0 { "-" } else { "+" },
            "{}",
            m[code]
        );
    }
    assert!((rows.iter().map(|r| num(&r[3])).sum::<f64>() - 1.0).abs() < 1e-12);

    let s = scores(&out, &pillars);
    assert_eq!(s.len(), 51);
    let codes: BTreeSet<String> = drows.iter().map(|d| d[ucode].clone()).collect();
    assert_eq!(
        s.keys().map(|k| k.0.clone()).collect::<BTreeSet<_>>(),
        codes
    );
    assert!(s.keys().all(|k| k.1 == 2018));
    assert_dimensions_add_up(&s);
}

// ---------------------------------------------------------- paths and forms

fn regions_in(out: &Path) -> Vec<String> {
    let (_, rows) = read_csv(&out.join("scores.csv"));
    let mut r: Vec<String> = rows.into_iter().map(|r| r[0].clone()).collect();
    r.dedup();
    r
}

#[test]
fn relative_data_path_resolves_against_the_spec_directory() {
    let cwd = TempDir::new("cwd");
    let spec = fixture("small_spec.toml");
    // Run from a directory that has no small_panel.csv; relative --out and
    // the default output directory are relative to the working directory.
    rurban_in(
        Some(cwd.path()),
        [
            "run".as_ref(),
            spec.as_os_str(),
            "--out".as_ref(),
            "results".as_ref(),
            "-q".as_ref(),
        ],
    )
    .ok();
    assert_eq!(regions_in(&cwd.join("results")), ["A", "B", "C"]);
    rurban_in(
        Some(cwd.path()),
        ["run".as_ref(), spec.as_os_str(), "-q".as_ref()],
    )
    .ok();
    assert_eq!(regions_in(&cwd.join("rurban-out")), ["A", "B", "C"]);
}

#[test]
fn data_option_overrides_the_spec() {
    let cwd = TempDir::new("override");
    let spec = fixture("small_spec.toml");
    let other = fixture("small_other.csv");
    let out = cwd.join("out");
    rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--data".as_ref(),
        other.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ])
    .ok();
    assert_eq!(regions_in(&out), ["P", "Q"]);
    assert!(
        summary(&out)["data"]
            .as_str()
            .unwrap()
            .ends_with("small_other.csv")
    );

    // A relative --data is relative to the working directory, not the spec;
    // and the spec's own data file need not exist when --data is given.
    std::fs::copy(&other, cwd.join("mine.csv")).unwrap();
    let spec2 = cwd.write(
        "sub/spec.toml",
        &std::fs::read_to_string(&spec)
            .unwrap()
            .replace("small_panel.csv", "absent.csv"),
    );
    rurban_in(
        Some(cwd.path()),
        [
            "run".as_ref(),
            spec2.as_os_str(),
            "--data".as_ref(),
            "mine.csv".as_ref(),
            "--out".as_ref(),
            "o2".as_ref(),
            "-q".as_ref(),
        ],
    )
    .ok();
    assert_eq!(regions_in(&cwd.join("o2")), ["P", "Q"]);
    // Without --data the missing file is an error naming it.
    let o = rurban([
        "run".as_ref(),
        spec2.as_os_str(),
        "--out".as_ref(),
        cwd.join("o3").as_os_str(),
    ]);
    o.error(&["absent.csv"]);
    assert_no_outputs(&cwd.join("o3"));
}

#[test]
fn long_form_gives_the_same_results_as_wide_form() {
    let dir = TempDir::new("long");
    let (h, rows) = read_csv(&fixture("small_panel.csv"));
    let mut long = String::from("region,year,indicator,value\n");
    // Indicator-major order, so the rows are not in the wide file's order.
    for (c, name) in h.iter().enumerate().skip(2) {
        for r in rows.iter().rev() {
            long.push_str(&format!("{},{},{name},{}\n", r[0], r[1], r[c]));
        }
    }
    let data = dir.write("long.csv", &long);
    let spec = fixture("small_spec.toml");
    let (wide_out, long_out) = (dir.join("wide"), dir.join("longout"));
    run_quiet(&spec, &wide_out, &[]).ok();
    rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--data".as_ref(),
        data.as_os_str(),
        "--out".as_ref(),
        long_out.as_os_str(),
        "-q".as_ref(),
    ])
    .ok();
    let (a, b) = (
        scores(&wide_out, &["economy", "equity"]),
        scores(&long_out, &["economy", "equity"]),
    );
    assert_eq!(a.len(), 6);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, (c, _)) in &a {
        assert!((c - b[k].0).abs() < 1e-12, "{k:?}");
    }
    let wa: Vec<f64> = read_csv(&wide_out.join("weights.csv"))
        .1
        .iter()
        .map(|r| num(&r[3]))
        .collect();
    let wb: Vec<f64> = read_csv(&long_out.join("weights.csv"))
        .1
        .iter()
        .map(|r| num(&r[3]))
        .collect();
    assert_close(&wa, &wb, 1e-12, "weights, long vs wide");
}

// ---------------------------------------------------------------- bad input

/// Indicators `a` (+) and `b` (-) in one dimension.
const DIMS: &str = "\n[[dimension]]\nid = \"d\"\n\n[[dimension.indicator]]\nid = \"a\"\ndirection = \"+\"\n\n[[dimension.indicator]]\nid = \"b\"\ndirection = \"-\"\n";

/// Writes `data_name` with `data` and `spec.toml` (`data = data_name`, then
/// `spec_extra`, then [`DIMS`]) into a scratch directory, runs the spec into
/// `out` (absent) and checks the failure: first line starts with `error:`
/// and has every needle, and `out` stays absent or empty.
fn run_fails(data_name: &str, data: &str, spec_extra: &str, needles: &[&str]) -> String {
    run_fails_with(
        data_name,
        data,
        &format!("data = \"{data_name}\"\n{spec_extra}{DIMS}"),
        needles,
    )
}

/// As [`run_fails`] with the whole spec text given.
fn run_fails_with(data_name: &str, data: &str, spec: &str, needles: &[&str]) -> String {
    let dir = TempDir::new("runbad");
    dir.write(data_name, data);
    let spec_path = dir.write("spec.toml", spec);
    let out = dir.join("out");
    let line = rurban([
        "run".as_ref(),
        spec_path.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .error(needles);
    assert_no_outputs(&out);
    line
}

const GOOD: &str = "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nz,2011,5,9\n";

#[test]
fn the_good_case_of_the_bad_input_tests_runs() {
    // The template below is valid, so every failure is due to the one defect.
    let dir = TempDir::new("good");
    dir.write("good.csv", GOOD);
    let spec = dir.write("spec.toml", &format!("data = \"good.csv\"\n{DIMS}"));
    run_ok(&spec);
}

#[test]
fn empty_file() {
    run_fails("empty.csv", "", "", &["empty.csv", "empty"]);
}

#[test]
fn header_only() {
    run_fails(
        "hdr.csv",
        "region,year,a,b\n",
        "",
        &["hdr.csv", "no data rows"],
    );
}

#[test]
fn ragged_rows() {
    run_fails(
        "ragged.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,3\n",
        "",
        &["ragged.csv", "row 2", "ragged"],
    );
}

#[test]
fn non_numeric_value_names_row_and_column() {
    run_fails(
        "text.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nz,2011,5,n/a?\n",
        "",
        &["text.csv", "row 3", "column 'b'", "not a number"],
    );
}

#[test]
fn duplicate_region_year_in_wide_form_names_both_rows() {
    run_fails(
        "dup.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nx,2011,5,6\n",
        "",
        &["dup.csv", "row 3", "row 1", "duplicate", "x", "2011"],
    );
}

#[test]
fn duplicate_region_year_indicator_in_long_form_names_both_rows() {
    let data =
        "region,year,indicator,value\nx,2011,a,1\nx,2011,b,2\ny,2011,a,3\ny,2011,b,4\nx,2011,a,5\n";
    run_fails(
        "dupl.csv",
        data,
        "",
        &["dupl.csv", "row 5", "row 1", "duplicate", "(x, 2011, a)"],
    );
}

#[test]
fn year_not_an_integer() {
    run_fails(
        "y1.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011.5,3,4\n",
        "",
        &["y1.csv", "row 2", "column 'year'", "2011.5", "integer"],
    );
    run_fails(
        "y2.csv",
        "region,year,a,b\nx,2011,1,2\ny,20x1,3,4\n",
        "",
        &["y2.csv", "row 2", "column 'year'", "20x1"],
    );
}

#[test]
fn unknown_indicator_in_the_spec() {
    let spec = format!(
        "data = \"d.csv\"\n{}",
        DIMS.replace("id = \"b\"", "id = \"bb\"")
    );
    run_fails_with("d.csv", GOOD, &spec, &["d.csv", "'bb'", "not a column"]);
}

#[test]
fn spec_key_typo() {
    run_fails(
        "d.csv",
        GOOD,
        "[method]\nwieghting = \"entropy\"\n",
        &["spec.toml", "line 3", "wieghting"],
    );
    run_fails(
        "d.csv",
        GOOD,
        "imput = \"linear\"\n",
        &["spec.toml", "line 2", "imput"],
    );
    let spec = format!(
        "data = \"d.csv\"\n{}",
        DIMS.replace("direction = \"-\"", "direction = \"-\"\nweigth = 2")
    );
    run_fails_with("d.csv", GOOD, &spec, &["spec.toml", "weigth"]);
}

#[test]
fn params_of_a_builtin_scheme_are_refused() {
    // Ignoring them would hide a typo or a scheme mix-up.
    run_fails(
        "d.csv",
        GOOD,
        "[method]\nweighting = \"critic\"\n[method.params]\nalpha = 0.5\n",
        &[
            "spec.toml",
            "[method] params",
            "'alpha'",
            "\"critic\"",
            "no parameters",
        ],
    );
    // The default scheme (entropy) too.
    run_fails(
        "d.csv",
        GOOD,
        "[method.params]\nshift = 1\n",
        &["spec.toml", "'shift'", "\"entropy\""],
    );
}

#[test]
fn a_derived_indicator_named_like_a_column_is_refused() {
    // Before, the derived values silently replaced the column's.
    let data = "region,year,a,b,c\nx,2011,1,2,4\ny,2011,3,4,5\nz,2011,5,9,7\n";
    let spec = format!(
        "data = \"d.csv\"\n[[derived]]\nid = \"b\"\nkind = \"ratio\"\ninputs = [\"a\", \"c\"]\n{DIMS}"
    );
    run_fails_with(
        "d.csv",
        data,
        &spec,
        &["spec.toml", "derived indicator 'b'", "column 'b'", "d.csv"],
    );
}

#[test]
fn invalid_direction() {
    let spec = format!(
        "data = \"d.csv\"\n{}",
        DIMS.replace("direction = \"-\"", "direction = \"up\"")
    );
    run_fails_with(
        "d.csv",
        GOOD,
        &spec,
        &["spec.toml", "line", "'up'", "direction"],
    );
}

#[test]
fn invalid_method_values() {
    run_fails(
        "d.csv",
        GOOD,
        "[method]\nweighting = \"bogus\"\n",
        &["spec.toml", "bogus", "entropy"],
    );
    run_fails(
        "d.csv",
        GOOD,
        "[method]\nimpute = \"spline\"\n",
        &["spec.toml", "spline"],
    );
    run_fails(
        "d.csv",
        GOOD,
        "[method]\nscope = \"decade\"\n",
        &["spec.toml", "decade"],
    );
}

#[test]
fn all_columns_constant() {
    run_fails(
        "flat.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,1,2\nz,2011,1,2\n",
        "",
        &["flat.csv", "constant"],
    );
}

#[test]
fn fewer_than_two_rows() {
    run_fails(
        "one.csv",
        "region,year,a,b\nx,2011,1,2\n",
        "",
        &["one.csv", "2 rows"],
    );
}

#[test]
fn a_missing_cell_without_an_imputation_rule() {
    let data = "region,year,a,b\nx,2011,1,2\ny,2011,NA,4\nz,2011,5,9\n";
    run_fails("gap.csv", data, "", &["gap.csv", "missing", "y 2011 'a'"]);
    run_fails(
        "gap2.csv",
        data,
        "[method]\nimpute = \"none\"\n",
        &["gap2.csv", "missing", "y 2011 'a'"],
    );
    // A region-year absent from the file is missing too.
    let data = "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nx,2012,5,9\n";
    run_fails("hole.csv", data, "", &["hole.csv", "missing", "y 2012"]);
}

#[test]
fn linear_imputation_needs_an_observation_in_the_region() {
    let data =
        "region,year,a,b\nx,2011,1,2\nx,2012,2,3\ny,2011,,4\ny,2012,,5\nz,2011,5,9\nz,2012,6,1\n";
    run_fails(
        "lin.csv",
        data,
        "[method]\nimpute = \"linear\"\n",
        &["lin.csv", "'a'", "'y'", "no observation"],
    );
}

#[test]
fn year_mean_needs_another_region_with_a_value() {
    let data = "region,year,a,b\nx,2011,,2\ny,2011,,4\nx,2012,1,2\ny,2012,2,3\n";
    run_fails(
        "ym.csv",
        data,
        "[method]\nimpute = \"year-mean\"\n",
        &["ym.csv", "'a'", "2011"],
    );
}

#[test]
fn cv_needs_positive_values() {
    let spec = "[method]\nweighting = \"cv\"\n";
    run_fails(
        "zero.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,0,4\nz,2011,5,9\n",
        spec,
        &["zero.csv", "column 'a'", "row 2", "> 0"],
    );
    run_fails(
        "neg.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nz,2011,5,-9\n",
        spec,
        &["neg.csv", "column 'b'", "row 3", "> 0"],
    );
}

#[test]
fn cv_error_names_the_file_row_of_a_multi_year_panel() {
    // File rows: 1 = x 2011, 2 = y 2011 (the zero), 3 = x 2012, 4 = y 2012.
    // The panel stacks x 2011, x 2012, y 2011, y 2012, where the zero is 3rd.
    let line = run_fails(
        "zero.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,0,4\nx,2012,3,5\ny,2012,4,1\n",
        "[method]\nweighting = \"cv\"\n",
        &["zero.csv", "column 'a'"],
    );
    assert!(
        line.contains("row 2") || (line.contains("'y'") && line.contains("2011")),
        "{line}"
    );
    assert!(!line.contains("row 3"), "{line}");
}

#[test]
fn weighting_errors_state_the_cause_once() {
    let line = run_fails(
        "flat.csv",
        "region,year,a,b\nx,2011,1,2\ny,2011,1,2\n",
        "",
        &["flat.csv", "constant"],
    );
    assert_eq!(line.matches("constant").count(), 1, "{line}");
}

#[test]
fn output_directory_that_cannot_be_written() {
    // Permission bits do not stop root, so put the directory under a file.
    let dir = TempDir::new("unwritable");
    dir.write("d.csv", GOOD);
    let spec = dir.write("spec.toml", &format!("data = \"d.csv\"\n{DIMS}"));
    let blocker = dir.write("blocker", "not a directory\n");
    for out in [blocker.join("out"), blocker.clone()] {
        rurban([
            "run".as_ref(),
            spec.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .error(&["blocker"]);
        assert_eq!(
            std::fs::read_to_string(&blocker).unwrap(),
            "not a directory\n",
            "the file was touched"
        );
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["blocker", "d.csv", "spec.toml"],
        "nothing else was written"
    );
}

#[test]
fn a_failed_run_leaves_a_fresh_existing_directory_empty() {
    let dir = TempDir::new("fresh");
    dir.write("flat.csv", "region,year,a,b\nx,2011,1,2\ny,2011,1,2\n");
    let spec = dir.write("spec.toml", &format!("data = \"flat.csv\"\n{DIMS}"));
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .error(&["flat.csv"]);
    assert!(out.is_dir());
    assert_no_outputs(&out);
}

#[test]
fn files_that_do_not_exist() {
    let dir = TempDir::new("nofiles");
    let out = dir.join("out");
    let spec = dir.join("nospec.toml");
    let line = rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .error(&["nospec.toml"]);
    assert_eq!(
        line.matches("No such file").count(),
        1,
        "cause stated once: {line}"
    );
    assert_no_outputs(&out);
    let spec = format!("data = \"nowhere.csv\"\n{DIMS}");
    let line = run_fails_with("unused.csv", GOOD, &spec, &["nowhere.csv"]);
    assert!(
        !line.contains("no such file: no such file"),
        "cause stated twice: {line}"
    );
    // --data naming a file that does not exist.
    let spec = dir.write("spec.toml", &format!("data = \"x.csv\"\n{DIMS}"));
    let o = rurban([
        "run".as_ref(),
        spec.as_os_str(),
        "--data".as_ref(),
        dir.join("gone.csv").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    o.error(&["gone.csv"]);
    assert_no_outputs(&out);
}

/// Two pairs of regions with identical composite series give k-means two
/// distinct points: asked for k = 3 it finds 2 clusters, and says so both in
/// the run's warnings and in the cluster result of summary.json.
#[test]
fn cluster_warnings_reach_the_summary() {
    let dir = TempDir::new("run-cluster-warning");
    let data = dir.join("panel.csv");
    std::fs::write(
        &data,
        "region,year,x\nA,2020,1\nA,2021,2\nB,2020,1\nB,2021,2\nC,2020,5\nC,2021,6\nD,2020,5\nD,2021,6\n",
    )
    .unwrap();
    let spec = dir.join("spec.toml");
    std::fs::write(
        &spec,
        "name = \"Pairs\"\ndata = \"panel.csv\"\n\n[method]\nweighting = \"equal\"\n\n\
         [analysis.cluster]\nmethod = \"kmeans\"\nk = 3\n\n\
         [[dimension]]\nid = \"d\"\n\n[[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"\n",
    )
    .unwrap();
    let (_out_dir, out) = run_ok(&spec);
    let s = summary(&out);
    let cluster = &s["analysis"]["cluster"];
    let labels: Vec<u64> = cluster["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["cluster"].as_u64().unwrap())
        .collect();
    assert_eq!(labels[0], labels[1]);
    assert_eq!(labels[2], labels[3]);
    assert_ne!(labels[0], labels[2]);
    let own = cluster["warnings"].as_array().expect("cluster warnings");
    assert_eq!(own.len(), 1);
    let w = own[0].as_str().unwrap();
    assert!(w.contains("2 non-empty cluster(s) instead of k = 3"), "{w}");
    let all: Vec<&str> = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        all.contains(&format!("cluster analysis: {w}").as_str()),
        "{all:?}"
    );
}
