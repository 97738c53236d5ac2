//! results.xlsx read back with calamine: the sheets, their headers, and
//! numbers stored as numbers.

use crate::common;

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use common::fixture;
use rurban_report::render_xlsx;
use serde_json::Value;

fn open(s: &Value) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = render_xlsx(s).unwrap();
    assert_eq!(&bytes[..2], b"PK", "not a zip container");
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let r: Range<Data> = wb.worksheet_range(name).unwrap();
    assert_eq!(
        r.start(),
        Some((0, 0)),
        "{name}: the table does not start at A1"
    );
    r.rows().map(<[Data]>::to_vec).collect()
}

fn header(rows: &[Vec<Data>]) -> Vec<String> {
    rows[0].iter().map(ToString::to_string).collect()
}

fn num(c: &Data) -> f64 {
    match c {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

#[test]
fn full_workbook_has_one_sheet_per_table() {
    let wb = open(&fixture("summary_full.json"));
    assert_eq!(
        wb.sheet_names(),
        [
            "weights",
            "scores",
            "tiers",
            "kde",
            "disparity",
            "convergence",
            "grey"
        ]
    );
}

#[test]
fn minimal_workbook_has_only_the_index_tables() {
    let wb = open(&fixture("summary_minimal.json"));
    assert_eq!(wb.sheet_names(), ["weights", "scores"]);
}

#[test]
fn weights_and_scores_are_numbers() {
    let s = fixture("summary_full.json");
    let mut wb = open(&s);
    let w = sheet(&mut wb, "weights");
    assert_eq!(
        header(&w),
        [
            "dimension",
            "dimension_name",
            "indicator",
            "indicator_name",
            "direction",
            "unit",
            "weight"
        ]
    );
    let inds: Vec<&Value> = s["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["indicators"].as_array().unwrap())
        .collect();
    assert_eq!(w.len(), inds.len() + 1);
    for (row, ind) in w[1..].iter().zip(&inds) {
        assert_eq!(row[2], Data::String(ind["id"].as_str().unwrap().into()));
        assert_eq!(
            row[6],
            Data::Float(ind["weight"].as_f64().unwrap()),
            "weight of {}",
            ind["id"]
        );
    }
    let total: f64 = w[1..].iter().map(|r| num(&r[6])).sum();
    assert!((total - 1.0).abs() < 1e-12);

    let sc = sheet(&mut wb, "scores");
    assert_eq!(
        header(&sc),
        [
            "region",
            "year",
            "composite",
            "economy",
            "society",
            "space",
            "ecology",
            "life"
        ]
    );
    let scores = s["scores"].as_array().unwrap();
    assert_eq!(sc.len(), scores.len() + 1);
    for (row, want) in sc[1..].iter().zip(scores) {
        assert_eq!(
            row[0],
            Data::String(want["region"].as_str().unwrap().into())
        );
        assert_eq!(num(&row[1]), want["year"].as_f64().unwrap());
        assert_eq!(row[2], Data::Float(want["composite"].as_f64().unwrap()));
        assert_eq!(row[3], Data::Float(want["economy"].as_f64().unwrap()));
        // Dimension scores add up to the composite.
        let sum: f64 = row[3..].iter().map(num).sum();
        assert!((sum - num(&row[2])).abs() < 1e-12);
    }
}

#[test]
fn analysis_sheets() {
    let s = fixture("summary_full.json");
    let a = &s["analysis"];
    let mut wb = open(&s);

    let t = sheet(&mut wb, "tiers");
    assert_eq!(header(&t), ["region", "cluster", "tier", "mean_composite"]);
    for (row, l) in t[1..]
        .iter()
        .zip(a["cluster"]["labels"].as_array().unwrap())
    {
        assert_eq!(row[0], Data::String(l["label"].as_str().unwrap().into()));
        assert_eq!(num(&row[1]), l["cluster"].as_f64().unwrap());
        assert_eq!(num(&row[2]), l["tier"].as_f64().unwrap());
    }

    let k = sheet(&mut wb, "kde");
    assert_eq!(
        header(&k),
        [
            "year",
            "n",
            "bandwidth",
            "mode",
            "peaks",
            "peak_height",
            "spread",
            "peak_x"
        ]
    );
    let groups = a["kde"]["groups"].as_array().unwrap();
    assert_eq!(k.len(), groups.len() + 1);
    for (row, g) in k[1..].iter().zip(groups) {
        assert_eq!(
            num(&row[0]),
            g["key"].as_str().unwrap().parse::<f64>().unwrap(),
            "year is a number"
        );
        assert_eq!(num(&row[1]), 13.0);
        assert_eq!(row[2], Data::Float(g["bandwidth"].as_f64().unwrap()));
        assert_eq!(row[3], Data::Float(g["mode"].as_f64().unwrap()));
        assert_eq!(num(&row[4]), g["peaks"].as_array().unwrap().len() as f64);
        assert_eq!(row[5], Data::Float(g["peak_height"].as_f64().unwrap()));
        assert_eq!(row[6], Data::Float(g["spread"].as_f64().unwrap()));
    }

    let d = sheet(&mut wb, "disparity");
    assert_eq!(
        header(&d),
        [
            "series",
            "year",
            "n",
            "mean",
            "std",
            "cv",
            "theil",
            "gini",
            "theil_within",
            "theil_between",
            "dagum_total",
            "dagum_within",
            "dagum_between",
            "dagum_transvariation"
        ]
    );
    // Composite rows first, then one block per dimension.
    assert_eq!(d.len(), 1 + 10 * 6);
    let g0 = &a["disparity"]["composite"]["groups"][0];
    assert_eq!(d[1][0], Data::String("composite".into()));
    assert_eq!(num(&d[1][1]), 2011.0);
    assert_eq!(d[1][5], Data::Float(g0["cv"].as_f64().unwrap()));
    assert_eq!(
        d[1][10],
        Data::Float(g0["dagum"]["total"].as_f64().unwrap())
    );
    // Dimension rows have no decomposition: blank, not zero.
    assert_eq!(d[11][0], Data::String("economy".into()));
    assert_eq!(d[11][10], Data::Empty);

    let c = sheet(&mut wb, "convergence");
    assert_eq!(c[0][0], Data::String("statistic".into()));
    assert_eq!(c[0][3], Data::String("year".into()));
    assert_eq!(c[0][6], Data::String("region".into()));
    let beta = &a["convergence"]["beta"];
    assert_eq!(c[1][0], Data::String("b".into()));
    assert_eq!(c[1][1], Data::Float(beta["b"].as_f64().unwrap()));
    // The intercept computed from the points equals scipy's.
    assert_eq!(c[2][0], Data::String("a".into()));
    let want_a = fixture("expected.json")["full"]["beta_intercept"]
        .as_f64()
        .unwrap();
    assert!((num(&c[2][1]) - want_a).abs() < 1e-12);
    assert_eq!(
        num(&c[1][4]),
        a["convergence"]["sigma"][0]["cv"].as_f64().unwrap()
    );
    let lx = fixture("expected.json")["full"]["ln_x0"][0]
        .as_f64()
        .unwrap();
    assert!((num(&c[1][7]) - lx).abs() < 1e-13);

    let g = sheet(&mut wb, "grey");
    assert_eq!(
        header(&g),
        ["scope", "region", "dimension", "grade", "rank"]
    );
    let mean = a["grey"]["mean"]["grades"].as_array().unwrap();
    assert_eq!(g.len(), 1 + mean.len() * 14);
    for (row, want) in g[1..].iter().zip(mean) {
        assert_eq!(row[0], Data::String("mean".into()));
        assert_eq!(row[1], Data::Empty);
        assert_eq!(row[3], Data::Float(want["grade"].as_f64().unwrap()));
        assert_eq!(num(&row[4]), want["rank"].as_f64().unwrap());
    }
    assert_eq!(g[1 + mean.len()][1], Data::String("Nanjing".into()));
}

#[test]
fn chinese_names_survive() {
    let s = fixture("summary_zh.json");
    let mut wb = open(&s);
    let sc = sheet(&mut wb, "scores");
    assert_eq!(sc[1][0], Data::String("北京".into()));
    let w = sheet(&mut wb, "weights");
    assert_eq!(w[1][1], Data::String("经济融合".into()));
    assert_eq!(w[1][5], Data::String("元".into()));
}
