//! results.xlsx read back with calamine (values, sheet names, headers) and
//! as the zip of XML files it is (number formats, column widths,
//! autofilters, frozen header rows).

use crate::common;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use common::fixture;
use rurban_report::{render_xlsx, render_xlsx_summary, render_xlsx_summary_in};
use serde_json::Value;

/// A workbook's bytes, opened both ways.
struct Book {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
    files: HashMap<String, String>,
}

impl Book {
    fn new(bytes: Vec<u8>) -> Book {
        assert_eq!(&bytes[..2], b"PK", "not a zip container");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        let mut files = HashMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            if name.ends_with(".xml") {
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                files.insert(name, s);
            }
        }
        Book {
            xlsx: Xlsx::new(Cursor::new(bytes)).unwrap(),
            files,
        }
    }

    fn names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    /// The rows of a sheet, which must start at A1.
    fn rows(&mut self, name: &str) -> Vec<Vec<Data>> {
        let r: Range<Data> = self.xlsx.worksheet_range(name).unwrap();
        assert_eq!(
            r.start(),
            Some((0, 0)),
            "{name}: the table does not start at A1"
        );
        r.rows().map(<[Data]>::to_vec).collect()
    }

    /// The XML of a sheet (rust_xlsxwriter numbers them in order).
    fn xml(&self, name: &str) -> &str {
        let i = self.names().iter().position(|n| n == name).unwrap();
        &self.files[&format!("xl/worksheets/sheet{}.xml", i + 1)]
    }

    /// The number format of a cell, e.g. `C2`: `General`, `0`, `0.0000`.
    fn format(&self, sheet: &str, cell: &str) -> String {
        let xml = self.xml(sheet);
        let at = xml
            .find(&format!("<c r=\"{cell}\""))
            .unwrap_or_else(|| panic!("{sheet}!{cell} is not written"));
        let tag = &xml[at..at + xml[at..].find('>').unwrap()];
        let xf: usize = attr(tag, "s").map_or(0, |s| s.parse().unwrap());
        let styles = &self.files["xl/styles.xml"];
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        let xf_tag = xfs.split("<xf ").nth(xf + 1).unwrap();
        let id: u32 = attr(&format!(" {xf_tag}"), "numFmtId")
            .unwrap()
            .parse()
            .unwrap();
        match id {
            0 => "General".into(),
            1 => "0".into(),
            2 => "0.00".into(),
            _ => {
                let at = styles.find(&format!("<numFmt numFmtId=\"{id}\"")).unwrap();
                attr(&styles[at..], "formatCode").unwrap()
            }
        }
    }

    /// The width of column `col` (1-based), as set in `<cols>`.
    fn width(&self, sheet: &str, col: usize) -> f64 {
        let xml = self.xml(sheet);
        let cols = &xml[xml.find("<cols>").expect("no <cols>")..xml.find("</cols>").unwrap()];
        for tag in cols.split("<col ").skip(1) {
            let tag = format!(" {tag}");
            let bound = |k: &str| -> usize { attr(&tag, k).unwrap().parse().unwrap() };
            if (bound("min")..=bound("max")).contains(&col) {
                return attr(&tag, "width").unwrap().parse().unwrap();
            }
        }
        panic!("{sheet}: column {col} has no width")
    }

    /// Every sheet: an autofilter over the whole table and the header row
    /// frozen.
    fn assert_tables(&mut self) {
        for name in self.names() {
            let rows = self.rows(&name);
            let (nr, nc) = (rows.len(), rows[0].len());
            let xml = self.xml(&name);
            let want = format!("<autoFilter ref=\"A1:{}{nr}\"/>", column(nc));
            assert!(xml.contains(&want), "{name}: no {want}");
            assert!(
                xml.contains("<pane ySplit=\"1\" topLeftCell=\"A2\"")
                    && xml.contains("state=\"frozen\""),
                "{name}: the header row is not frozen"
            );
            for c in 1..=nc {
                assert!(self.width(&name, c) >= 6.0, "{name}: column {c}");
            }
        }
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

/// Excel's letters of a 1-based column.
fn column(mut c: usize) -> String {
    let mut s = Vec::new();
    while c > 0 {
        s.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn open(s: &Value) -> Book {
    Book::new(render_xlsx(s).unwrap())
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
fn full_workbook_has_one_table_per_sheet() {
    let mut wb = open(&fixture("summary_full.json"));
    assert_eq!(
        wb.names(),
        [
            "findings",
            "index_system",
            "weights",
            "scores",
            "tiers",
            "kde",
            "kde_peaks",
            "disparity",
            "convergence_beta",
            "convergence_sigma",
            "convergence_points",
            "grey"
        ]
    );
    wb.assert_tables();
}

#[test]
fn minimal_workbook_has_only_the_index_tables() {
    let mut wb = open(&fixture("summary_minimal.json"));
    assert_eq!(
        wb.names(),
        ["index_system", "weights", "scores", "warnings"]
    );
    wb.assert_tables();
    let s = fixture("summary_minimal.json");
    let w = wb.rows("warnings");
    assert_eq!(header(&w), ["no", "warning"]);
    assert_eq!(w[1][0], Data::Float(1.0));
    assert_eq!(
        w[1][1],
        Data::String(s["warnings"][0].as_str().unwrap().into())
    );
}

#[test]
fn findings_one_sentence_a_row() {
    let s = fixture("summary_full.json");
    let mut wb = open(&s);
    let f = wb.rows("findings");
    assert_eq!(header(&f), ["no", "finding"]);
    let sentences = s["findings"]["sentences"].as_array().unwrap();
    assert_eq!(f.len(), sentences.len() + 1);
    for (i, (row, want)) in f[1..].iter().zip(sentences).enumerate() {
        assert_eq!(num(&row[0]), (i + 1) as f64);
        assert_eq!(row[1], Data::String(want.as_str().unwrap().into()));
    }
    assert_eq!(wb.format("findings", "A2"), "0");
}

#[test]
fn index_system_weights_and_scores_are_formatted_numbers() {
    let s = fixture("summary_full.json");
    let mut wb = open(&s);
    let w = wb.rows("index_system");
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
    assert_eq!(wb.format("index_system", "G2"), "0.0000");

    let wt = wb.rows("weights");
    assert_eq!(
        header(&wt),
        ["dimension", "indicator", "direction", "weight", "entropy"]
    );
    assert_eq!(wb.format("weights", "D2"), "0.0000");
    assert_eq!(wb.format("weights", "E2"), "0.0000");

    let sc = wb.rows("scores");
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
            "life",
            "rank",
            "economy_rank",
            "society_rank",
            "space_rank",
            "ecology_rank",
            "life_rank"
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
        let sum: f64 = row[3..8].iter().map(num).sum();
        assert!((sum - num(&row[2])).abs() < 1e-12);
    }
    assert_eq!(wb.format("scores", "B2"), "0");
    assert_eq!(wb.format("scores", "C2"), "0.0000");
    assert_eq!(wb.format("scores", "H2"), "0.0000");
    assert_eq!(wb.format("scores", "I2"), "0");
    assert_eq!(wb.format("scores", "N2"), "0");
}

/// Competition ranks (1 = highest, ties share the smallest) of column `c`
/// among the rows of the same year, counted by hand.
fn ranks(rows: &[Vec<Data>], c: usize) -> Vec<f64> {
    rows.iter()
        .map(|r| {
            let above = rows
                .iter()
                .filter(|o| num(&o[1]) == num(&r[1]) && num(&o[c]) > num(&r[c]))
                .count();
            (above + 1) as f64
        })
        .collect()
}

#[test]
fn ranks_within_each_year() {
    let mut wb = open(&fixture("summary_full.json"));
    let sc = wb.rows("scores");
    let body = &sc[1..];
    // composite -> rank, economy -> economy_rank, ...
    for (score, rank) in [(2, 8), (3, 9), (7, 13)] {
        let want = ranks(body, score);
        let got: Vec<f64> = body.iter().map(|r| num(&r[rank])).collect();
        assert_eq!(got, want, "ranks of {}", sc[0][score]);
    }
    // Each year ranks every region once: 1..=13.
    let mut first: Vec<f64> = body
        .iter()
        .filter(|r| num(&r[1]) == 2011.0)
        .map(|r| num(&r[8]))
        .collect();
    first.sort_by(f64::total_cmp);
    assert_eq!(first, (1..=13).map(f64::from).collect::<Vec<_>>());
}

#[test]
fn analysis_sheets() {
    let s = fixture("summary_full.json");
    let a = &s["analysis"];
    let mut wb = open(&s);

    let t = wb.rows("tiers");
    assert_eq!(header(&t), ["region", "cluster", "tier", "mean_composite"]);
    for (row, l) in t[1..]
        .iter()
        .zip(a["cluster"]["labels"].as_array().unwrap())
    {
        assert_eq!(row[0], Data::String(l["label"].as_str().unwrap().into()));
        assert_eq!(num(&row[1]), l["cluster"].as_f64().unwrap());
        assert_eq!(num(&row[2]), l["tier"].as_f64().unwrap());
    }
    assert_eq!(wb.format("tiers", "C2"), "0");
    assert_eq!(wb.format("tiers", "D2"), "0.0000");

    let k = wb.rows("kde");
    assert_eq!(
        header(&k),
        [
            "year",
            "n",
            "bandwidth",
            "mode",
            "peaks",
            "peak_height",
            "spread"
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
    assert_eq!(wb.format("kde", "A2"), "0");
    assert_eq!(wb.format("kde", "C2"), "General");

    // The peaks: numbers, one a row, not "a; b" text.
    let p = wb.rows("kde_peaks");
    assert_eq!(header(&p), ["year", "peak", "x", "density"]);
    let mut want = Vec::new();
    for g in groups {
        let y: f64 = g["key"].as_str().unwrap().parse().unwrap();
        for (i, pk) in g["peaks"].as_array().unwrap().iter().enumerate() {
            want.push(vec![
                Data::Float(y),
                Data::Float((i + 1) as f64),
                Data::Float(pk["x"].as_f64().unwrap()),
                Data::Float(pk["density"].as_f64().unwrap()),
            ]);
        }
    }
    assert!(want.len() > groups.len(), "some year has two peaks");
    assert_eq!(p[1..], want[..]);

    let d = wb.rows("disparity");
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
    assert_eq!(d[1][1], Data::Float(2011.0));
    assert_eq!(d[1][5], Data::Float(g0["cv"].as_f64().unwrap()));
    assert_eq!(
        d[1][10],
        Data::Float(g0["dagum"]["total"].as_f64().unwrap())
    );
    // Dimension rows have no decomposition: blank, not zero.
    assert_eq!(d[11][0], Data::String("economy".into()));
    assert_eq!(d[11][10], Data::Empty);

    // Convergence: three tables, three sheets.
    let beta = &a["convergence"]["beta"];
    let c = wb.rows("convergence_beta");
    assert_eq!(header(&c), ["statistic", "value"]);
    assert_eq!(c[1][0], Data::String("b".into()));
    assert_eq!(c[1][1], Data::Float(beta["b"].as_f64().unwrap()));
    // The intercept computed from the points equals scipy's.
    assert_eq!(c[2][0], Data::String("a".into()));
    let want_a = fixture("expected.json")["full"]["beta_intercept"]
        .as_f64()
        .unwrap();
    assert!((num(&c[2][1]) - want_a).abs() < 1e-12);
    let sg = wb.rows("convergence_sigma");
    assert_eq!(header(&sg), ["year", "sigma_cv"]);
    assert_eq!(sg.len(), 11);
    assert_eq!(num(&sg[1][0]), 2011.0);
    assert_eq!(
        num(&sg[1][1]),
        a["convergence"]["sigma"][0]["cv"].as_f64().unwrap()
    );
    let pts = wb.rows("convergence_points");
    assert_eq!(header(&pts), ["region", "ln_x0", "growth", "fitted"]);
    assert_eq!(pts.len(), 14);
    let lx = fixture("expected.json")["full"]["ln_x0"][0]
        .as_f64()
        .unwrap();
    assert!((num(&pts[1][1]) - lx).abs() < 1e-13);
    // fitted = a + b ln_x0
    let (ca, cb) = (num(&c[2][1]), num(&c[1][1]));
    for row in &pts[1..] {
        assert!((num(&row[3]) - (ca + cb * num(&row[1]))).abs() < 1e-15);
    }

    let g = wb.rows("grey");
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
    assert_eq!(wb.format("grey", "D2"), "0.0000");
    assert_eq!(wb.format("grey", "E2"), "0");
}

#[test]
fn chinese_names_survive() {
    let s = fixture("summary_zh.json");
    let mut wb = open(&s);
    let sc = wb.rows("scores");
    assert_eq!(sc[1][0], Data::String("北京".into()));
    let w = wb.rows("index_system");
    assert_eq!(w[1][1], Data::String("经济融合".into()));
    assert_eq!(w[1][5], Data::String("元".into()));
}

#[test]
fn chinese_columns_are_twice_as_wide() {
    // The first dimension's id in Chinese, as long in characters as the
    // last one's, `life`.
    let mut s = fixture("summary_zh.json");
    s["dimensions"][0]["id"] = "经济融合".into();
    for r in s["scores"].as_array_mut().unwrap() {
        let v = r.as_object_mut().unwrap().remove("economy").unwrap();
        r["经济融合"] = v;
    }
    s.as_object_mut().unwrap().remove("analysis");
    s.as_object_mut().unwrap().remove("findings");
    s.as_object_mut().unwrap().remove("weights");
    let mut wb = open(&s);
    let sc = wb.rows("scores");
    assert_eq!(sc[0][3], Data::String("经济融合".into()));
    assert_eq!(sc[0][7], Data::String("life".into()));
    let (zh, en) = (wb.width("scores", 4), wb.width("scores", 8));
    assert!(zh > en + 3.0, "经济融合 {zh} vs life {en}");
    // The rank columns, `经济融合_rank` and `life_rank`, likewise.
    assert!(wb.width("scores", 10) > wb.width("scores", 14) + 3.0);
    // Region names: 黑龙江 (3 characters) needs 6 columns plus padding.
    assert!(wb.width("scores", 1) >= 7.0);
}

/// The example's run (examples/heilongjiang, with [geo]): the workbook's
/// numbers are those of the run's CSV files.
#[test]
fn workbook_of_a_run_equals_its_csv_files() {
    let out = crate::common::example_run();
    let summary = std::sync::Arc::new(rurban_pipeline::output::summary(&out));
    let files = rurban_pipeline::output::summary_files(&summary).unwrap();
    let mut wb = Book::new(render_xlsx_summary(&summary).unwrap());
    let names = wb.names();
    for want in ["scores", "weights", "moran", "lisa", "gravity", "markov"] {
        assert!(
            names.iter().any(|n| n == want),
            "no sheet {want}: {names:?}"
        );
    }
    wb.assert_tables();

    let csv = |name: &str| -> Vec<Vec<String>> {
        let bytes = files.render(name).unwrap().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        text.lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    // Each CSV cell: a number equal to the sheet's, or the same text.
    let same = |sheet: &str, rows: &[Vec<Data>], table: &[Vec<String>], ncol: usize| {
        assert_eq!(rows.len(), table.len(), "{sheet}: rows");
        assert_eq!(header(rows)[..ncol], table[0][..], "{sheet}: header");
        for (i, (got, want)) in rows[1..].iter().zip(&table[1..]).enumerate() {
            for (j, w) in want.iter().enumerate() {
                match w.parse::<f64>() {
                    Ok(x) => assert_eq!(num(&got[j]), x, "{sheet} row {} col {j}", i + 2),
                    Err(_) => assert_eq!(got[j], Data::String(w.clone()), "{sheet}"),
                }
            }
        }
    };
    let scores = csv("scores.csv");
    let sc = wb.rows("scores");
    let nd = summary.dimensions.len();
    same("scores", &sc, &scores, 3 + nd);
    assert_eq!(sc[0].len(), 2 * (3 + nd) - 2, "a rank per score column");
    let weights = csv("weights.csv");
    let w = wb.rows("weights");
    same("weights", &w, &weights, weights[0].len());
    assert_eq!(w[0].len(), weights[0].len());
    // The ranks of the run's composite, counted by hand.
    let want = ranks(&sc[1..], 2);
    let got: Vec<f64> = sc[1..].iter().map(|r| num(&r[3 + nd])).collect();
    assert_eq!(got, want);
    // The coverage of each indicator, as in coverage.csv.
    let coverage = csv("coverage.csv");
    assert_eq!(coverage.len(), 1 + 20, "the example's 20 indicators");
    same(
        "coverage",
        &wb.rows("coverage"),
        &coverage,
        coverage[0].len(),
    );
    assert_eq!(wb.format("coverage", "C2"), "0");
    // The yearly keys of the spatial tables are numbers.
    let m = wb.rows("moran");
    assert_eq!(m[1][0], Data::Float(summary.years[0] as f64));
    assert_eq!(wb.format("moran", "A2"), "0");
}

/// `render_both` (one check for both documents, two threads) gives the
/// very documents of `render_html_summary_in` and `render_xlsx_summary`,
/// each only when asked for, and the check's error as its own.
#[test]
fn both_documents_at_once_are_the_documents_rendered_apart() {
    use rurban_report::{Lang, read_summary, render_both, render_html_summary_in};
    for name in ["summary_full.json", "summary_minimal.json"] {
        let s = read_summary(&fixture(name)).unwrap();
        for lang in [Lang::En, Lang::Zh] {
            let both = render_both(&s, None, lang, true, true).unwrap();
            let html = both.html.unwrap().unwrap();
            assert_eq!(html, render_html_summary_in(&s, lang).unwrap(), "{name}");
            let mut got = Book::new(both.xlsx.unwrap().unwrap());
            let mut want = Book::new(render_xlsx_summary_in(&s, lang).unwrap());
            assert_eq!(got.names(), want.names(), "{name}");
            for sheet in want.names() {
                assert_eq!(got.rows(&sheet), want.rows(&sheet), "{name} {sheet}");
                assert_eq!(got.xml(&sheet), want.xml(&sheet), "{name} {sheet}");
            }
        }
        let only_book = render_both(&s, None, Lang::En, false, true).unwrap();
        assert!(only_book.html.is_none());
        let only_page = render_both(&s, None, Lang::En, true, false).unwrap();
        assert!(only_page.xlsx.is_none());
        assert_eq!(
            only_page.html.unwrap().unwrap(),
            render_html_summary_in(&s, Lang::En).unwrap()
        );
        let neither = render_both(&s, None, Lang::En, false, false).unwrap();
        assert!(neither.html.is_none() && neither.xlsx.is_none());
    }
    // A score of a region the summary does not list: the check fails once,
    // with the message of either renderer.
    let mut v = fixture("summary_full.json");
    v["scores"][5]["region"] = serde_json::json!("Shanghai");
    let s = read_summary(&v).unwrap();
    let e = render_both(&s, None, Lang::En, true, true).unwrap_err();
    assert!(e.to_string().contains("Shanghai"), "{e}");
    assert_eq!(
        e.to_string(),
        render_xlsx_summary(&s).unwrap_err().to_string()
    );
}

/// Whole-number and score columns carry their number format as the
/// column's style, and their cells keep the same format.
#[test]
fn score_and_rank_columns_are_styled_as_their_cells() {
    let wb = open(&fixture("summary_full.json"));
    let xml = wb.xml("scores");
    let cols = &xml[xml.find("<cols>").unwrap()..xml.find("</cols>").unwrap()];
    let style = |col: usize| -> Option<String> {
        cols.split("<col ").skip(1).find_map(|tag| {
            let tag = format!(" {tag}");
            let (lo, hi): (usize, usize) = (
                attr(&tag, "min").unwrap().parse().unwrap(),
                attr(&tag, "max").unwrap().parse().unwrap(),
            );
            (lo..=hi)
                .contains(&col)
                .then(|| attr(&tag, "style"))
                .flatten()
        })
    };
    // region: text, no style; year: `0`; composite: `0.0000`.
    assert_eq!(style(1), None);
    let cell_style = |cell: &str| {
        let at = xml.find(&format!("<c r=\"{cell}\"")).unwrap();
        attr(&xml[at..at + xml[at..].find('>').unwrap()], "s")
    };
    assert_eq!(style(2), cell_style("B2"));
    assert_eq!(style(3), cell_style("C2"));
    assert_eq!(wb.format("scores", "B2"), "0");
    assert_eq!(wb.format("scores", "C2"), "0.0000");
}

/// The example's workbook in Chinese: sheet names and header row from the
/// catalogue, the data cells those of the English workbook, the findings
/// as the Chinese report writes them.
#[test]
fn the_chinese_workbook_names_its_sheets_and_headers_in_chinese() {
    use rurban_report::Lang;
    let out = crate::common::example_run();
    let summary = rurban_pipeline::output::summary(&out);
    let mut en = Book::new(render_xlsx_summary(&summary).unwrap());
    let mut zh = Book::new(render_xlsx_summary_in(&summary, Lang::Zh).unwrap());
    zh.assert_tables();
    let en_names = en.names();
    assert_eq!(
        en_names,
        [
            "findings",
            "index_system",
            "weights",
            "scores",
            "tiers",
            "kde",
            "kde_peaks",
            "disparity",
            "convergence_beta",
            "convergence_sigma",
            "convergence_points",
            "grey",
            "moran",
            "lisa",
            "gravity",
            "markov",
            "coverage",
        ]
    );
    assert_eq!(
        zh.names(),
        [
            "主要结论",
            "指标体系",
            "指标权重",
            "得分与排名",
            "聚类梯队",
            "核密度估计",
            "核密度波峰",
            "区域差异",
            "β收敛",
            "σ收敛",
            "β收敛散点",
            "灰色关联度",
            "全局莫兰指数",
            "局部空间自相关",
            "重心迁移",
            "马尔可夫转移矩阵",
            "数据覆盖",
        ]
    );
    let head = |b: &mut Book, sheet: &str| header(&b.rows(sheet));
    // The scores: the dimensions' ids stay, their ranks are `<id>排名`.
    let ids: Vec<String> = summary.dimensions.iter().map(|d| d.id.clone()).collect();
    let mut want = vec!["地区".to_string(), "年份".into(), "综合得分".into()];
    want.extend(ids.iter().cloned());
    want.push("综合得分排名".into());
    want.extend(ids.iter().map(|id| format!("{id}排名")));
    assert_eq!(head(&mut zh, "得分与排名"), want);
    assert_eq!(
        head(&mut zh, "指标体系"),
        [
            "维度",
            "维度名称",
            "指标",
            "指标名称",
            "指标方向",
            "单位",
            "权重"
        ]
    );
    assert_eq!(
        head(&mut zh, "指标权重"),
        ["维度", "指标", "指标方向", "权重", "信息熵"]
    );
    assert_eq!(
        head(&mut zh, "全局莫兰指数"),
        [
            "年份",
            "样本数",
            "莫兰指数 I",
            "期望值 E[I]",
            "方差（正态假设）",
            "z 值（正态假设）",
            "p 值（正态假设）",
            "方差（随机化假设）",
            "z 值（随机化假设）",
            "p 值（随机化假设）",
            "吉尔里指数 C",
            "p 值（置换检验）",
        ]
    );
    assert_eq!(
        head(&mut zh, "局部空间自相关"),
        [
            "年份",
            "地区",
            "综合得分",
            "空间滞后值",
            "局部莫兰指数 I",
            "象限",
            "p 值（置换检验）",
            "是否显著",
        ]
    );
    assert_eq!(
        head(&mut zh, "重心迁移"),
        ["年份", "经度", "纬度", "移动距离（km）", "方位角（度）"]
    );
    assert_eq!(
        head(&mut zh, "马尔可夫转移矩阵"),
        ["转移矩阵", "初始类型", "转移后类型", "转移次数", "转移概率"]
    );
    // Every header cell of every sheet is Chinese but the dimension ids
    // and symbols; the same sheets hold the same data cells.
    let han = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for (e, z) in en_names.iter().zip(zh.names()) {
        let (er, zr) = (en.rows(e), zh.rows(&z));
        assert_eq!(er.len(), zr.len(), "{e}: rows");
        assert_eq!(er[0].len(), zr[0].len(), "{e}: columns");
        for h in header(&zr) {
            assert!(han(&h) || ids.contains(&h), "{z}: header {h}");
        }
        match e.as_str() {
            "findings" => continue,
            // The statistics' labels are Chinese, their values the same.
            "convergence_beta" => {
                for (a, b) in er[1..].iter().zip(&zr[1..]) {
                    assert_eq!(a[1..], b[1..], "{e}: {}", a[0]);
                    assert!(han(&b[0].to_string()), "{e}: {}", b[0]);
                }
            }
            _ => assert_eq!(er[1..], zr[1..], "{e}: data cells"),
        }
    }
    let beta = zh.rows("β收敛");
    assert_eq!(header(&beta), ["统计量", "数值"]);
    let labels: Vec<String> = beta[1..].iter().map(|r| r[0].to_string()).collect();
    assert_eq!(
        labels,
        [
            "b（回归系数）",
            "a（常数项）",
            "标准误",
            "t 值",
            "p 值",
            "拟合优度 R²",
            "收敛速度 λ",
            "半生命周期",
            "样本数",
            "基期年份",
            "末期年份",
        ]
    );
    // The findings, as the Chinese report writes them: all Chinese, the
    // spatial ones last.
    let f = zh.rows("主要结论");
    assert_eq!(header(&f), ["序号", "结论"]);
    let sentences = &summary.findings.as_ref().unwrap().sentences;
    assert_eq!(f.len(), 1 + sentences.len());
    for row in &f[1..] {
        assert!(han(&row[1].to_string()), "{}", row[1]);
    }
    assert!(
        f.iter()
            .any(|r| r[1].to_string().starts_with("综合得分的全局莫兰指数")),
        "no Moran's I finding"
    );
}
