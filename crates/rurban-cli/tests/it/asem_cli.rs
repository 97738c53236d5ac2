//! `examples/asem/index.toml` reproduces COINr's reference build of the ASEM
//! Sustainable Connectivity index: every stage, every aggregate score and
//! every rank are compared with what COINr 1.1.14 computed
//! (`tests/fixtures/asem/`, written by `coinr_reference.R` beside it).

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use support::{TempDir, col, num, read_csv, run_quiet};

/// Relative tolerance on every number: the fixture holds 17 significant
/// digits, so this only leaves room for a different order of summation.
const RTOL: f64 = 2e-9;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/index.toml")
}

fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/asem")
        .join(name)
}

/// A wide table keyed by its first column (the country code): column name
/// -> code -> value; empty cells are left out.
fn table(path: &Path) -> BTreeMap<String, BTreeMap<String, f64>> {
    let (h, rows) = read_csv(path);
    let mut t: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for r in &rows {
        for (j, name) in h.iter().enumerate().skip(1) {
            if !r[j].trim().is_empty() {
                t.entry(name.clone())
                    .or_default()
                    .insert(r[0].clone(), num(&r[j]));
            }
        }
    }
    t
}

#[track_caller]
fn assert_rel(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= RTOL * want.abs() || (got - want).abs() <= 1e-300,
        "{what}: rurban {got} vs COINr {want} (relative {:.3e})",
        ((got - want) / want).abs()
    );
}

/// Ranks within the column, 1 = highest, ties share the smallest rank.
fn ranks(v: &BTreeMap<String, f64>) -> BTreeMap<String, usize> {
    v.iter()
        .map(|(k, x)| (k.clone(), 1 + v.values().filter(|y| *y > x).count()))
        .collect()
}

/// The aggregates of the hierarchy: pillars, sub-indices and the index.
const AGGREGATES: [&str; 11] = [
    "Physical",
    "ConEcFin",
    "Political",
    "Instit",
    "P2P",
    "Environ",
    "Social",
    "SusEcFin",
    "Conn",
    "Sust",
    "Index",
];

fn run_example() -> (TempDir, PathBuf) {
    let dir = TempDir::new("asem");
    let out = dir.join("out");
    run_quiet(&example(), &out, &[]).ok();
    (dir, out)
}

#[test]
fn asem_example_reproduces_coinr_scores_and_ranks() {
    let (_guard, out) = run_example();
    let (h, rows) = read_csv(&out.join("scores.csv"));
    assert_eq!(&h[..3], ["region", "year", "composite"]);
    assert_eq!(rows.len(), 51);
    assert!(rows.iter().all(|r| r[1] == "2018"));
    let got = table(&out.join("scores.csv"));
    let want = table(&reference("aggregated.csv"));
    let want_ranks = table(&reference("ranks.csv"));
    for a in AGGREGATES {
        let g = &got[a];
        let w = &want[a];
        assert_eq!(g.len(), 51, "{a}: {} countries", g.len());
        for (code, x) in w {
            assert_rel(g[code], *x, &format!("{a} of {code}"));
        }
        let r = ranks(g);
        for (code, x) in &want_ranks[a] {
            assert_eq!(r[code] as f64, *x, "rank of {code} in {a}");
        }
    }
    // The composite is the root of the hierarchy.
    for (code, x) in &want["Index"] {
        assert_rel(got["composite"][code], *x, &format!("composite of {code}"));
    }
    // One column per dimension at every level, parents after their children.
    let pos = |n: &str| col(&h, n);
    for p in ["Physical", "ConEcFin", "Political", "Instit", "P2P"] {
        assert!(pos(p) < pos("Conn"), "{p} after Conn");
    }
    for p in ["Environ", "Social", "SusEcFin"] {
        assert!(pos(p) < pos("Sust"), "{p} after Sust");
    }
    assert!(pos("Conn") < pos("Index") && pos("Sust") < pos("Index"));
}

#[test]
fn asem_example_stages_match_coinr() {
    let (_guard, out) = run_example();
    let want_indicators = table(&reference("normalised.csv"));
    for (stage, fixture) in [
        ("denominated", "denominated.csv"),
        ("imputed", "imputed.csv"),
        ("treated", "treated.csv"),
        ("normalised", "normalised.csv"),
    ] {
        let path = out.join("stages").join(format!("{stage}.csv"));
        let (h, rows) = read_csv(&path);
        assert_eq!(&h[..2], ["region", "year"], "{stage}");
        assert_eq!(h.len(), 2 + 49, "{stage}: {h:?}");
        assert_eq!(rows.len(), 51, "{stage}");
        let got = table(&path);
        let want = table(&reference(fixture));
        for ind in want_indicators.keys() {
            let (g, w) = (&got[ind], &want[ind]);
            // The denominated data keep their gaps (COINr's NA), the later
            // stages have none.
            assert_eq!(
                g.keys().collect::<Vec<_>>(),
                w.keys().collect::<Vec<_>>(),
                "{stage}: missing cells of {ind}"
            );
            for (code, x) in w {
                assert_rel(g[code], *x, &format!("{stage} {ind} of {code}"));
            }
        }
    }
    let den = table(&reference("denominated.csv"));
    let gaps: usize = want_indicators
        .keys()
        .map(|i| 51 - den.get(i).map_or(0, BTreeMap::len))
        .sum();
    // 63 empty indicator cells in the data, plus LAO's Elec and Gas, whose
    // denominator (Energy) is empty.
    assert_eq!(gaps, 65);
    // The coverage table counts the data's own gaps as left to the
    // group mean, not as interpolated or extrapolated.
    let (h, rows) = read_csv(&out.join("coverage.csv"));
    let at = |name: &str| h.iter().position(|c| c == name).unwrap();
    let conspeed = rows.iter().find(|r| r[0] == "ConSpeed").unwrap();
    assert_eq!(
        [
            &conspeed[at("observed")],
            &conspeed[at("interpolated")],
            &conspeed[at("extrapolated")],
            &conspeed[at("group_mean")],
            &conspeed[at("missing")],
        ],
        ["43", "0", "0", "8", "0"]
    );
    let left: usize = rows
        .iter()
        .filter(|r| want_indicators.contains_key(&r[0]))
        .map(|r| r[at("group_mean")].parse::<usize>().unwrap())
        .sum();
    assert_eq!(left, 63);
}

#[test]
fn asem_example_treats_the_indicators_coinr_treats() {
    let (_guard, out) = run_example();
    let (h, rows) = read_csv(&out.join("treatment.csv"));
    assert_eq!(h, ["indicator", "steps", "cells", "log"]);
    assert_eq!(rows.len(), 49);
    let (th, trows) = read_csv(&reference("treatment.csv"));
    let (code, pass, nwin) = (
        col(&th, "iCode"),
        col(&th, "check_SkewKurt0.Pass"),
        col(&th, "winsorise.nwin"),
    );
    let coinr: BTreeMap<&str, (bool, usize)> = trows
        .iter()
        .map(|r| {
            let treated = r[pass] == "FALSE";
            let n = if treated { num(&r[nwin]) as usize } else { 0 };
            (r[code].as_str(), (treated, n))
        })
        .collect();
    let mut treated = 0;
    for r in &rows {
        let (t, n) = coinr[r[0].as_str()];
        // COINr's nwin counts winsorised points; no extreme is tied in this
        // data, so every step moves one point and steps = cells = nwin.
        assert_eq!(num(&r[2]) as usize, n, "cells of {}", r[0]);
        assert_eq!(num(&r[1]) as usize, n, "steps of {}", r[0]);
        assert_eq!(r[3], "false", "log of {}", r[0]);
        treated += usize::from(t);
    }
    assert_eq!(treated, 15);
}

/// The terminal's weights table gives each dimension the total weight of
/// every indicator below it, at any depth: the pillars hold their
/// indicators, the sub-indices their pillars, the index everything.
#[test]
fn asem_weights_table_totals_nested_dimensions() {
    let dir = TempDir::new("asem-weights");
    let out = dir.join("out");
    let o = support::rurban([
        "run".as_ref(),
        example().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-report".as_ref(),
        "--no-xlsx".as_ref(),
    ]);
    o.ok();
    let total = |dim: &str| -> f64 {
        let line = o
            .stdout
            .lines()
            .find(|l| {
                let mut w = l.split_whitespace().filter(|w| *w != "│");
                w.next() == Some(dim) && w.next() == Some("(total)")
            })
            .unwrap_or_else(|| panic!("no total row of {dim}:\n{}", o.stdout));
        let w: Vec<&str> = line.split_whitespace().filter(|w| *w != "│").collect();
        num(w[2])
    };
    // Given weights: Conn and Sust share the index equally, and each
    // pillar shares its sub-index equally (5 pillars under Conn, 3 under Sust).
    assert_eq!(total("Index"), 1.0);
    assert_eq!(total("Conn"), 0.5);
    assert_eq!(total("Sust"), 0.5);
    assert_eq!(total("Physical"), 0.1);
    assert_eq!(total("Environ"), 0.1667);
}
