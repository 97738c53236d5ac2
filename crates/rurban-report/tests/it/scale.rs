//! A county-sized report stays light: with 2,851 regions x 30 years the
//! charts aggregate (percentile bands and the top and bottom regions, a
//! heatmap binned by rank, a truncated dendrogram, tables cut to the top and
//! bottom regions), and the page is at most 3 MB. The switch happens above
//! 60 regions (`MANY_REGIONS` in `src/charts/mod.rs`, documented in
//! docs/report.md).

use crate::common;

use common::{caption, count, figure, group, groups, svg};
use serde_json::{Value, json};

/// Above this many regions the charts aggregate.
pub const MANY_REGIONS: usize = 60;

/// A summary of `nr` regions x `ny` years x 4 dimensions of 10 indicators,
/// with every analysis the report draws, the shapes of the contract.
pub fn big_summary(nr: usize, ny: usize) -> Value {
    let regions: Vec<String> = (0..nr).map(|r| format!("R{:04}", r + 1)).collect();
    let years: Vec<i64> = (0..ny as i64).map(|y| 1991 + y).collect();
    let dims = ["economy", "society", "space", "ecology"];
    let dimensions: Vec<Value> = dims
        .iter()
        .map(|d| {
            json!({"id": d, "name": d, "indicators": (0..10).map(|i| json!({
                "id": format!("{d}_{i}"), "name": format!("{d} {i}"), "direction": "+",
                "unit": "%", "weight": 1.0 / 40.0}))
                .collect::<Vec<_>>()})
        })
        .collect();
    // A level per region, a common trend, a little wobble; on [0, 1].
    let dim_score = |r: usize, y: usize, d: usize| {
        let level = 0.02 + 0.16 * ((r * 37 + d * 11) % nr) as f64 / nr as f64;
        let wobble = 0.01 * ((r + 3 * y + 5 * d) as f64).sin();
        (level + 0.002 * y as f64 + wobble).clamp(0.0, 0.25)
    };
    let mut scores = Vec::with_capacity(nr * ny);
    let mut comp = vec![vec![0.0; ny]; nr];
    for r in 0..nr {
        for y in 0..ny {
            let mut row = json!({"region": regions[r], "year": years[y]});
            let mut c = 0.0;
            for (d, id) in dims.iter().enumerate() {
                let v = dim_score(r, y, d);
                row[id] = json!(v);
                c += v;
            }
            row["composite"] = json!(c);
            comp[r][y] = c;
            scores.push(row);
        }
    }
    let mean_of = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let region_mean: Vec<f64> = comp.iter().map(|row| mean_of(row)).collect();
    let mut by_mean: Vec<usize> = (0..nr).collect();
    by_mean.sort_by(|&a, &b| region_mean[b].total_cmp(&region_mean[a]));
    let mut tier = vec![0usize; nr];
    for (k, &r) in by_mean.iter().enumerate() {
        tier[r] = 1 + 4 * k / nr;
    }
    // A balanced tree: adjacent clusters merged level by level.
    let mut merges = Vec::new();
    let mut level: Vec<(usize, usize)> = (0..nr).map(|r| (r, 1)).collect();
    let mut next = nr;
    let mut h = 0.0;
    while level.len() > 1 {
        h += 1.0;
        let mut up = Vec::new();
        for pair in level.chunks(2) {
            if let [a, b] = pair {
                merges.push(json!([a.0, b.0, h, a.1 + b.1]));
                up.push((next, a.1 + b.1));
                next += 1;
            } else {
                up.push(pair[0]);
            }
        }
        level = up;
    }
    let grid: Vec<f64> = (0..512).map(|i| -0.3 + 1.6 * i as f64 / 511.0).collect();
    let kde_groups: Vec<Value> = (0..ny)
        .map(|y| {
            let m = mean_of(&comp.iter().map(|r| r[y]).collect::<Vec<_>>());
            let f: Vec<f64> = grid
                .iter()
                .map(|x| (-(x - m).powi(2) / 0.02).exp() / (0.02 * std::f64::consts::PI).sqrt())
                .collect();
            let top = f.iter().copied().fold(0.0, f64::max);
            json!({"key": years[y].to_string(), "n": nr, "bandwidth": 0.05, "x": grid,
                   "density": f, "peaks": [{"x": m, "density": top}], "mode": m,
                   "peak_height": top, "spread": 0.5})
        })
        .collect();
    let disparity: Vec<Value> = (0..ny)
        .map(|y| {
            let v: Vec<f64> = comp.iter().map(|r| r[y]).collect();
            let m = mean_of(&v);
            let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (nr - 1) as f64).sqrt();
            json!({"key": years[y].to_string(), "n": nr, "mean": m, "std": sd, "cv": sd / m,
                   "theil": 0.05, "gini": 0.2})
        })
        .collect();
    let grades = |s: f64| {
        dims.iter()
            .enumerate()
            .map(|(d, id)| json!({"column": id, "grade": 0.6 + 0.05 * d as f64 + s, "rank": 4 - d}))
            .collect::<Vec<_>>()
    };
    let grey_regions: Vec<Value> = regions
        .iter()
        .enumerate()
        .map(|(r, name)| {
            json!({"region": name, "result": {"rho": 0.5, "normalization": "mean",
            "grades": grades(0.001 * (r % 7) as f64)}})
        })
        .collect();
    json!({
        "name": "County panel",
        "method": {"weighting": "entropy", "scope": "panel", "shift": 0.0, "impute": "none"},
        "regions": regions,
        "years": years,
        "dimensions": dimensions,
        "scores": scores,
        "analysis": {
            "cluster": {"method": "ward", "k": 4,
                "labels": (0..nr).map(|r| json!({"label": regions[r], "cluster": tier[r], "tier": tier[r]})).collect::<Vec<_>>(),
                "merges": merges},
            "kde": {"kernel": "gaussian", "bandwidth_rule": "silverman", "groups": kde_groups},
            "disparity": {"composite": {"ddof": 1, "groups": disparity}},
            "convergence": {
                "sigma": (0..ny).map(|y| json!({"year": years[y], "cv": 0.3 - 0.001 * y as f64})).collect::<Vec<_>>(),
                "beta": {"b": -0.01, "se": 0.001, "t": -10.0, "p": 1e-6, "r2": 0.3, "lambda": 0.01, "half_life": 69.0, "n": nr}},
            "grey": {"mean": {"rho": 0.5, "normalization": "mean", "grades": grades(0.0)},
                     "regions": grey_regions}
        },
        "findings": {"sentences": ["The mean composite score went from 0.4 in 1991 to 0.6 in 2020."]}
    })
}

#[test]
fn a_county_report_aggregates_and_stays_under_3_mb() {
    let s = big_summary(2851, 30);
    let t = std::time::Instant::now();
    let html = rurban_report::render_html(&s).unwrap();
    eprintln!(
        "county report: {} bytes, rendered in {:.2} s",
        html.len(),
        t.elapsed().as_secs_f64()
    );
    assert!(html.len() <= 3_000_000, "{} bytes", html.len());

    // Composite: bands, the top and bottom five, the mean; no line per region.
    let comp = svg(figure(&html, "fig-composite").unwrap());
    assert!(groups(comp, "series").is_empty());
    assert_eq!(count(group(comp, "bands"), "polygon"), 2);
    assert_eq!(count(group(comp, "highlight"), "polyline"), 10);
    assert!(
        caption(figure(&html, "fig-composite").unwrap()).contains("10th to the 90th percentile")
    );
    // Heatmap: 40 rows of ranks x 30 years.
    let heat = svg(figure(&html, "fig-heatmap").unwrap());
    assert_eq!(count(group(heat, "cells"), "rect"), 40 * 30);
    let rows = common::texts(group(heat, "row-labels"));
    assert_eq!(rows.len(), 40);
    assert_eq!(rows[0].content, "1–72");
    assert_eq!(rows[39].content, "2781–2851");
    // Dimensions: the top and bottom 15.
    let dims = svg(figure(&html, "fig-dimensions").unwrap());
    assert_eq!(count(group(dims, "bars"), "rect"), 30 * 4);
    // Dendrogram: the last 30 clusters, 29 merges drawn.
    let tree = svg(figure(&html, "fig-dendrogram").unwrap());
    assert_eq!(count(group(tree, "links"), "polyline"), 3 * 29);
    assert!(caption(figure(&html, "fig-dendrogram").unwrap()).contains("last 30 clusters"));
    // Grey table: 20 regions and a note; tiers: at most 40 names each.
    let grades = &html[html.find("<table class=\"grades\">").unwrap()..];
    let grades = &grades[..grades.find("</table>").unwrap()];
    assert_eq!(grades.matches("<tr>").count(), 1 + 20);
    assert!(grades.contains("every region is in grey.csv"));
    assert!(html.contains("(all in clusters.csv)"));
}

#[test]
fn aggregation_switches_above_60_regions() {
    for (n, aggregated) in [(MANY_REGIONS, false), (MANY_REGIONS + 1, true)] {
        let html = rurban_report::render_html(&big_summary(n, 5)).unwrap();
        let comp = svg(figure(&html, "fig-composite").unwrap());
        assert_eq!(groups(comp, "bands").len(), usize::from(aggregated), "{n}");
        let heat = svg(figure(&html, "fig-heatmap").unwrap());
        let rows = common::texts(group(heat, "row-labels")).len();
        assert_eq!(rows, if aggregated { 40 } else { n }, "{n}");
        let tree = svg(figure(&html, "fig-dendrogram").unwrap());
        let leaves = common::texts(group(tree, "leaves")).len();
        assert_eq!(leaves, if aggregated { 30 } else { n }, "{n}");
    }
}

/// Estimated width of a text element (as the report estimates it).
fn text_w(t: &common::TextEl) -> f64 {
    t.content
        .chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * t.size
}

#[test]
fn the_density_legend_of_30_years_has_no_overlapping_labels() {
    let html = rurban_report::render_html(&big_summary(20, 30)).unwrap();
    let kde = svg(figure(&html, "fig-kde").unwrap());
    let legend = group(kde, "time-legend");
    assert_eq!(count(legend, "rect"), 30, "a swatch per year");
    let mut years: Vec<common::TextEl> = common::texts(legend)
        .into_iter()
        .filter(|t| t.content.len() == 4 && t.content.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert!(
        years.len() >= 3 && years.len() < 30,
        "{} labels",
        years.len()
    );
    assert!(years.iter().any(|t| t.content == "1991"));
    assert!(
        years.iter().any(|t| t.content == "2020"),
        "the last year is labelled"
    );
    years.sort_by(|a, b| a.x.total_cmp(&b.x));
    for w in years.windows(2) {
        assert!(
            w[1].x - w[0].x >= (text_w(&w[0]) + text_w(&w[1])) / 2.0,
            "{} and {} overlap",
            w[0].content,
            w[1].content
        );
    }
    // Scores on [0, 1]: the axis runs from 0 to 1 and the caption says the
    // curves are reflected at the bounds.
    let ticks: Vec<f64> = common::texts(group(kde, "axes"))
        .iter()
        .filter(|t| t.anchor == "middle")
        .filter_map(|t| t.content.parse::<f64>().ok())
        .collect();
    assert!(!ticks.is_empty());
    assert!(ticks.iter().all(|&v| (0.0..=1.0).contains(&v)), "{ticks:?}");
    let cap = caption(figure(&html, "fig-kde").unwrap());
    assert!(cap.contains("reflected at 0 and 1"), "{cap}");
}

/// Adds coupling rows (D rising with the region's index, so the levels are
/// known) and the last year's obstacle rows to a summary of `nr` regions.
fn with_construction(mut s: Value, nr: usize, ny: usize) -> Value {
    let regions: Vec<String> = (0..nr).map(|r| format!("R{:04}", r + 1)).collect();
    let mut rows = Vec::new();
    for (r, region) in regions.iter().enumerate() {
        for y in 0..ny {
            // D in [0, 1): level floor(10 D) + 1
            let d = (r % 10) as f64 / 10.0 + 0.05;
            rows.push(json!({"region": region, "year": 1991 + y as i64,
                "C": 1.0, "T": d * d, "D": d, "level": (r % 10) + 1, "level_name": ""}));
        }
    }
    s["coupling"] =
        json!({"dimensions": ["economy", "society"], "alpha": [0.5, 0.5], "rows": rows});
    let last = 1990 + ny as i64;
    let obstacles: Vec<Value> = regions
        .iter()
        .flat_map(|region| {
            (0..4).map(move |i| {
                json!({"region": region, "year": last, "indicator": format!("economy_{i}"),
                       "dimension": "economy", "obstacle": 0.1 * (i + 1) as f64})
            })
        })
        .collect();
    s["obstacle"] = json!({"rows": obstacles});
    s
}

/// Above 60 regions the coupling heatmap counts regions per level and
/// year (10 rows), and the obstacle table lists the first 60 regions with a
/// note; at 60 regions both show every region.
#[test]
fn the_construction_section_aggregates_above_60_regions() {
    for (n, aggregated) in [(MANY_REGIONS, false), (2851, true)] {
        let s = with_construction(big_summary(n, 30), n, 30);
        let html = rurban_report::render_html(&s).unwrap();
        let heat = svg(figure(&html, "fig-coupling-levels").expect("the level heatmap"));
        let cells = count(heat, "rect");
        if aggregated {
            // 10 levels x 30 years; each region is at one level every year
            assert_eq!(cells, 10 * 30, "{n}");
            assert!(
                caption(figure(&html, "fig-coupling-levels").unwrap())
                    .contains(&format!("{n} regions: each row is a coupling level"))
            );
            // level 1 holds the regions r with r % 10 == 0
            let want = n.div_ceil(10);
            assert!(
                heat.contains(&format!("<title>1991, level 1: {want}</title>")),
                "{n}"
            );
            assert!(html.contains(&format!(
                "The first 60 of {n} regions; obstacles.csv holds every region."
            )));
        } else {
            // a cell per region and year, plus the legend's 10 swatches
            assert_eq!(cells, n * 30 + 10, "{n}");
            assert!(!html.contains("obstacles.csv holds every region"));
        }
        // the obstacle table: the largest first, as a percentage
        assert!(
            html.contains("<td>R0001</td><td>economy 3 (40.0%)</td>")
                || html.contains("<td>R0001</td><td>economy_3 (40.0%)</td>"),
            "{n}"
        );
    }
}
