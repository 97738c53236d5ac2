//! The HTML report: self-contained, every figure present, and the SVG
//! structure of each chart matching the data behind it.

use crate::common;

use common::{ALL_FIGURES, caption, count, figure, fixture, group, groups, svg, svg_size, texts};
use rurban_report::render_html;
use serde_json::{Value, json};

fn full() -> (Value, String) {
    let s = fixture("summary_full.json");
    let h = render_html(&s).unwrap();
    (s, h)
}

fn zh() -> (Value, String) {
    let s = fixture("summary_zh.json");
    let h = render_html(&s).unwrap();
    (s, h)
}

fn n_regions(s: &Value) -> usize {
    s["regions"].as_array().unwrap().len()
}

fn n_years(s: &Value) -> usize {
    s["years"].as_array().unwrap().len()
}

#[test]
fn every_figure_has_a_sized_svg() {
    for (_, html) in [full(), zh()] {
        for id in ALL_FIGURES {
            let fig = figure(&html, id).unwrap_or_else(|| panic!("{id} missing"));
            let svg = svg(fig);
            assert!(
                svg.starts_with(&format!("<svg id=\"{id}-svg\"")),
                "{id}: {}",
                &svg[..80]
            );
            let (w, h) = svg_size(svg);
            assert!(w > 100.0 && h > 100.0, "{id}: {w} x {h}");
            assert!(svg.contains(&format!("viewBox=\"0 0 {w} {h}\"")), "{id}");
            assert!(!caption(fig).trim().is_empty(), "{id} has an empty caption");
        }
    }
}

#[test]
fn report_is_self_contained() {
    for (_, html) in [full(), zh()] {
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.to_lowercase().contains("<script"), "a script element");
        assert!(!html.contains("<link"), "a linked resource");
        assert!(!html.contains("<img"), "an external image");
        assert!(
            !html.contains("@import") && !html.contains("url("),
            "a CSS fetch"
        );
        // The only URL is the SVG namespace.
        let stripped = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(
            !stripped.contains("http://") && !stripped.contains("https://"),
            "a URL in the report"
        );
        assert!(html.contains("<meta charset=\"utf-8\">"));
    }
}

#[test]
fn header_states_name_data_method_and_panel_size() {
    let (_, html) = full();
    let header = &html[html.find("<header>").unwrap()..html.find("</header>").unwrap()];
    assert!(header.contains("<h1>Urban-rural integrated development, Jiangsu</h1>"));
    assert!(header.contains("data/jiangsu.csv"));
    assert!(header.contains("entropy weights · panel scope · shift 0 · imputation: none"));
    assert!(header.contains("13 × 10 (2011–2020), 130 region-years"));
    assert!(header.contains("5 dimensions, 15 indicators"));
    // A table of contents linking every section.
    for id in [
        "sec-findings",
        "sec-system",
        "sec-scores",
        "sec-kde",
        "sec-disparity",
        "sec-convergence",
        "sec-grey",
        "sec-clusters",
    ] {
        assert!(
            html.contains(&format!("<a href=\"#{id}\">")),
            "{id} not in the contents"
        );
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "{id} missing"
        );
    }
    // Nothing of the analysis was left out of this run; the summary has no
    // `spatial` object (no [geo] table), so the notice names only the maps.
    let notice = &html[html
        .find("<aside class=\"notice\" id=\"not-run\">")
        .unwrap()..];
    let notice = &notice[..notice.find("</aside>").unwrap()];
    assert_eq!(notice.matches("<li>").count(), 1, "{notice}");
    assert!(notice.contains("<li><strong>Maps and spatial structure"));
    assert!(notice.contains("no [geo] table"));
}

#[test]
fn composite_chart_has_a_line_per_region_and_the_mean() {
    // 13 regions: every region a coloured line with its label.
    let (s, html) = full();
    let svg = svg(figure(&html, "fig-composite").unwrap());
    let series = count(group(svg, "series"), "polyline");
    let mean = count(group(svg, "mean"), "polyline");
    assert_eq!(series, n_regions(&s));
    assert_eq!(series + mean, n_regions(&s) + 1);
    // One dot per year on the mean, one end label per region plus "Mean".
    assert_eq!(count(group(svg, "mean-points"), "circle"), n_years(&s));
    let labels = texts(group(svg, "labels"));
    assert_eq!(labels.len(), n_regions(&s) + 1);
    assert!(labels.iter().any(|t| t.content == "Mean"));
    assert!(groups(svg, "highlight").is_empty());
}

#[test]
fn composite_chart_of_31_regions_highlights_the_top_and_bottom_five() {
    // Above 15 regions: every region a thin grey line, the five highest and
    // the five lowest of the last year coloured and labelled.
    let (s, html) = zh();
    let svg = svg(figure(&html, "fig-composite").unwrap());
    assert_eq!(count(group(svg, "series"), "polyline"), n_regions(&s));
    assert!(
        group(svg, "series").contains("#DDDFE3"),
        "grey context lines"
    );
    assert_eq!(count(group(svg, "highlight"), "polyline"), 10);
    let labels = texts(group(svg, "labels"));
    assert_eq!(labels.len(), 11);
    // The labelled regions are the top and bottom five of the last year.
    let last = s["years"].as_array().unwrap().last().unwrap().clone();
    let mut last_scores: Vec<(String, f64)> = s["scores"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["year"] == last)
        .map(|r| {
            (
                r["region"].as_str().unwrap().to_string(),
                r["composite"].as_f64().unwrap(),
            )
        })
        .collect();
    last_scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let named: Vec<&str> = labels.iter().map(|t| t.content.as_str()).collect();
    for (r, _) in last_scores[..5].iter().chain(&last_scores[26..]) {
        assert!(
            named.contains(&r.as_str()),
            "{r} is not labelled: {named:?}"
        );
    }
    assert!(
        caption(figure(&html, "fig-composite").unwrap()).contains("the 5 highest and the 5 lowest")
    );
}

#[test]
fn heatmap_has_a_cell_per_region_year_and_lists_every_region() {
    for (s, html) in [full(), zh()] {
        let svg = svg(figure(&html, "fig-heatmap").unwrap());
        assert_eq!(
            count(group(svg, "cells"), "rect"),
            n_regions(&s) * n_years(&s)
        );
        let rows: Vec<String> = texts(group(svg, "row-labels"))
            .into_iter()
            .map(|t| t.content)
            .collect();
        let mut want: Vec<String> = s["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().replace('\'', "&apos;"))
            .collect();
        let mut got = rows.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want);
        // Years as column labels: 10 years fit, so each is there.
        let cols: Vec<String> = texts(group(svg, "col-labels"))
            .into_iter()
            .map(|t| t.content)
            .collect();
        assert_eq!(
            cols,
            (2011..=2020).map(|y| y.to_string()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn dimension_bars_stack_every_dimension_for_every_region() {
    for (s, html) in [full(), zh()] {
        let svg = svg(figure(&html, "fig-dimensions").unwrap());
        let nd = s["dimensions"].as_array().unwrap().len();
        assert_eq!(count(group(svg, "bars"), "rect"), n_regions(&s) * nd);
        // A legend naming each dimension.
        let legend: Vec<String> = texts(group(svg, "legend"))
            .into_iter()
            .map(|t| t.content)
            .collect();
        let names: Vec<String> = s["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(legend, names);
    }
}

#[test]
fn weights_chart_has_a_bar_per_indicator_labelled_with_its_weight() {
    let (s, html) = full();
    let svg = svg(figure(&html, "fig-weights").unwrap());
    let inds: Vec<&Value> = s["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["indicators"].as_array().unwrap())
        .collect();
    assert_eq!(count(group(svg, "bars"), "rect"), inds.len());
    let labels: Vec<String> = texts(group(svg, "labels"))
        .into_iter()
        .map(|t| t.content)
        .collect();
    for ind in &inds {
        let w = ind["weight"].as_f64().unwrap();
        assert!(labels.contains(&format!("{w:.3}")), "no label {w:.3}");
        assert!(labels.contains(&ind["name"].as_str().unwrap().to_string()));
    }
    // The index system table lists every indicator with its weight to 4 decimals.
    let table = &html[html.find("<table class=\"system\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr").count(), inds.len() + 1);
    for ind in &inds {
        assert!(table.contains(&format!("{:.4}", ind["weight"].as_f64().unwrap())));
    }
}

#[test]
fn kde_has_a_curve_per_year_and_a_dot_per_peak() {
    for (s, html) in [full(), zh()] {
        let svg = svg(figure(&html, "fig-kde").unwrap());
        let groups_json = s["analysis"]["kde"]["groups"].as_array().unwrap();
        assert_eq!(count(group(svg, "curves"), "polyline"), groups_json.len());
        assert_eq!(groups_json.len(), n_years(&s));
        let peaks: usize = groups_json
            .iter()
            .map(|g| g["peaks"].as_array().unwrap().len())
            .sum();
        assert_eq!(count(group(svg, "peaks"), "circle"), peaks);
        // The colour runs with time: every curve has its own stroke colour.
        let strokes: Vec<&str> = group(svg, "curves")
            .lines()
            .filter_map(|l| l.split("stroke=\"").nth(1))
            .map(|r| &r[..7])
            .collect();
        let mut distinct = strokes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), strokes.len());
    }
}

#[test]
fn disparity_and_dagum_charts() {
    let (s, html) = full();
    let svg_d = svg(figure(&html, "fig-disparity").unwrap());
    assert_eq!(count(group(svg_d, "series"), "polyline"), 3);
    // Markers: circles for CV, triangles (polygons) for Theil, crosses for Gini.
    let markers = group(svg_d, "markers");
    assert_eq!(count(markers, "circle"), n_years(&s));
    let svg_g = svg(figure(&html, "fig-dagum").unwrap());
    assert_eq!(count(group(svg_g, "areas"), "polygon"), 3);
    assert_eq!(count(group(svg_g, "totals"), "circle"), n_years(&s));
    let cap = caption(figure(&html, "fig-dagum").unwrap());
    let d0 = &s["analysis"]["disparity"]["composite"]["groups"][0]["dagum"];
    assert!(
        cap.contains(&format!("within {:.4}", d0["within"].as_f64().unwrap())),
        "{cap}"
    );
    assert!(cap.contains("Groups: Central, North, South."), "{cap}");
}

/// Width estimate used to check overlaps: CJK 1 em, anything else 0.62 em.
fn width(t: &common::TextEl) -> f64 {
    let s = t
        .content
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    s.chars()
        .map(|c| if c as u32 >= 0x2E80 { 1.0 } else { 0.62 })
        .sum::<f64>()
        * t.size
}

#[test]
fn beta_chart_has_a_dot_per_region_and_the_fitted_line() {
    let (s, html) = full();
    let fig = figure(&html, "fig-beta").unwrap();
    let svg = svg(fig);
    assert_eq!(count(group(svg, "points"), "circle"), n_regions(&s));
    assert_eq!(count(group(svg, "fit"), "polyline"), 1);
    // The caption gives b from the summary and the intercept computed from
    // the points, which must equal scipy's linregress intercept.
    let cap = caption(fig);
    let b = s["analysis"]["convergence"]["beta"]["b"].as_f64().unwrap();
    let a = fixture("expected.json")["full"]["beta_intercept"]
        .as_f64()
        .unwrap();
    assert!(cap.contains(&format!("b = {b:.4}")), "{cap}");
    assert!(
        cap.contains(&format!("a = {a:.4} (computed from the points")),
        "{cap}"
    );
    assert!(cap.contains("half-life 5.5 years"), "{cap}");
    // Point labels never overlap each other.
    let labels = texts(group(svg, "labels"));
    for (i, p) in labels.iter().enumerate() {
        for q in &labels[i + 1..] {
            let (wp, wq) = (width(p), width(q));
            let apart_x = p.x + wp <= q.x || q.x + wq <= p.x;
            let apart_y = (p.y - q.y).abs() >= 11.0;
            assert!(
                apart_x || apart_y,
                "labels {} and {} overlap",
                p.content,
                q.content
            );
        }
    }
}

#[test]
fn beta_uses_the_intercept_when_the_summary_has_one() {
    let mut s = fixture("summary_full.json");
    s["analysis"]["convergence"]["beta"]["a"] = json!(0.125);
    let html = render_html(&s).unwrap();
    let cap = caption(figure(&html, "fig-beta").unwrap());
    assert!(cap.contains("a = 0.1250,"), "{cap}");
    assert!(!cap.contains("computed from the points"), "{cap}");
}

#[test]
fn grey_bars_are_ranked() {
    let (s, html) = full();
    let svg = svg(figure(&html, "fig-grey").unwrap());
    let grades = s["analysis"]["grey"]["mean"]["grades"].as_array().unwrap();
    assert_eq!(count(group(svg, "bars"), "rect"), grades.len());
    // Labels "rank. name" from the top down in rank order.
    let mut labels = texts(group(svg, "labels"));
    labels.retain(|t| t.anchor == "end");
    labels.sort_by(|a, b| a.y.total_cmp(&b.y));
    let ranks: Vec<u64> = labels
        .iter()
        .map(|t| t.content.split('.').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ranks, (1..=grades.len() as u64).collect::<Vec<_>>());
    let leading = &s["findings"]["grey"]["leading"];
    let name = s["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| &d["id"] == leading)
        .unwrap()["name"]
        .as_str()
        .unwrap();
    assert_eq!(labels[0].content, format!("1. {name}"));
}

#[test]
fn dendrogram_has_three_segments_per_merge_and_scipy_leaf_order() {
    for (s, html, key) in [(full().0, full().1, "full"), (zh().0, zh().1, "zh")] {
        let svg = svg(figure(&html, "fig-dendrogram").unwrap());
        let merges = s["analysis"]["cluster"]["merges"].as_array().unwrap().len();
        assert_eq!(merges, n_regions(&s) - 1);
        assert_eq!(count(group(svg, "links"), "polyline"), 3 * merges);
        // Leaf labels from the top in scipy's dendrogram order.
        let mut leaves = texts(group(svg, "leaves"));
        leaves.sort_by(|a, b| a.y.total_cmp(&b.y));
        let order = fixture("expected.json")[key]["dendrogram_leaves"].clone();
        let want: Vec<String> = order
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                s["regions"][i.as_u64().unwrap() as usize]
                    .as_str()
                    .unwrap()
                    .replace('\'', "&apos;")
            })
            .collect();
        assert_eq!(
            leaves.into_iter().map(|t| t.content).collect::<Vec<_>>(),
            want
        );
        // Links inside a tier carry a tier colour; the top merge joins tiers (grey).
        let last = group(svg, "links").lines().last().unwrap();
        assert!(
            last.contains("stroke=\"#9A9A9A\"") || last.contains("stroke=\"#9a9a9a\""),
            "{last}"
        );
    }
}

#[test]
fn tier_table_lists_every_region_once() {
    for (s, html) in [full(), zh()] {
        let t = &html[html.find("<table class=\"tiers\">").unwrap()..];
        let t = &t[..t.find("</table>").unwrap()];
        for r in s["regions"].as_array().unwrap() {
            let name = r.as_str().unwrap().replace('\'', "&#39;");
            assert_eq!(t.matches(name.as_str()).count(), 1, "{name}");
        }
        let tiers = s["analysis"]["cluster"]["k"].as_u64().unwrap() as usize;
        assert_eq!(t.matches("<tr>").count(), tiers + 1);
    }
}

#[test]
fn chinese_names_are_text_in_the_cjk_font_stack() {
    let (s, html) = zh();
    let heat = svg(figure(&html, "fig-heatmap").unwrap());
    for r in s["regions"].as_array().unwrap() {
        let name = r.as_str().unwrap();
        assert!(
            heat.contains(&format!(">\n{name}\n</text>")),
            "{name} is not a text element"
        );
    }
    let weights = svg(figure(&html, "fig-weights").unwrap());
    assert!(weights.contains(">\n农村居民恩格尔系数\n</text>"));
    assert!(html.contains("<h1>城乡融合发展指数（省级）</h1>"));
    // Every SVG text element uses the CJK-capable stack.
    let stack = "font-family=\"&quot;Noto Sans CJK SC&quot;, &quot;Source Han Sans SC&quot;, &quot;Microsoft YaHei&quot;, &quot;PingFang SC&quot;, &quot;SimSun&quot;, sans-serif\"";
    for id in ALL_FIGURES {
        let svg = svg(figure(&html, id).unwrap());
        let n_text = count(svg, "text");
        assert!(n_text > 0);
        assert_eq!(
            svg.matches(stack).count(),
            n_text,
            "{id}: a text without the font stack"
        );
    }
}

#[test]
fn tick_and_category_labels_do_not_overlap() {
    for (_, html) in [full(), zh()] {
        for id in ALL_FIGURES {
            let svg = svg(figure(&html, id).unwrap());
            let ticks = texts(group(svg, "axes"));
            // x tick labels: centred, hanging below the axis, unrotated.
            let mut xs: Vec<&common::TextEl> = ticks
                .iter()
                .filter(|t| t.anchor == "middle" && t.dy == "0.76em" && !t.rotated)
                .collect();
            let base = xs.iter().map(|t| t.y).fold(f64::NEG_INFINITY, f64::max);
            assert!(
                xs.iter().all(|t| t.y == base),
                "{id}: x tick labels on different baselines"
            );
            xs.sort_by(|a, b| a.x.total_cmp(&b.x));
            if id != "fig-heatmap" {
                assert!(xs.len() >= 3, "{id}: only {} x tick labels", xs.len());
            }
            for w in xs.windows(2) {
                let gap = w[1].x - w[0].x;
                assert!(
                    gap >= (width(w[0]) + width(w[1])) / 2.0,
                    "{id}: x ticks {} and {} overlap",
                    w[0].content,
                    w[1].content
                );
            }
            // y tick labels: right-aligned at the axis.
            let mut ys: Vec<&common::TextEl> = ticks
                .iter()
                .filter(|t| t.anchor == "end" && !t.rotated)
                .collect();
            ys.sort_by(|a, b| a.y.total_cmp(&b.y));
            if [
                "fig-composite",
                "fig-kde",
                "fig-disparity",
                "fig-dagum",
                "fig-beta",
            ]
            .contains(&id)
            {
                assert!(ys.len() >= 3, "{id}: only {} y tick labels", ys.len());
            }
            for w in ys.windows(2) {
                assert!(
                    w[1].y - w[0].y >= w[0].size,
                    "{id}: y ticks {} and {} overlap",
                    w[0].content,
                    w[1].content
                );
            }
        }
        // Region lists: one label per row, rows at least a font size apart.
        for (id, class) in [
            ("fig-heatmap", "row-labels"),
            ("fig-dimensions", "labels"),
            ("fig-dendrogram", "leaves"),
            ("fig-composite", "labels"),
        ] {
            let svg = svg(figure(&html, id).unwrap());
            let mut labels: Vec<common::TextEl> = texts(group(svg, class));
            if id == "fig-dimensions" {
                labels.retain(|t| t.anchor == "end");
            }
            labels.sort_by(|a, b| a.y.total_cmp(&b.y));
            for w in labels.windows(2) {
                assert!(
                    w[1].y - w[0].y >= w[0].size,
                    "{id}: {} and {} overlap",
                    w[0].content,
                    w[1].content
                );
            }
        }
    }
}

#[test]
fn captions_state_the_numbers() {
    let (s, html) = full();
    let f = &s["findings"];
    let cap = caption(figure(&html, "fig-composite").unwrap());
    let (m0, m1) = (
        f["trend"]["first_mean"].as_f64().unwrap(),
        f["trend"]["last_mean"].as_f64().unwrap(),
    );
    assert!(
        cap.contains(&format!("from {m0:.3} in 2011 to {m1:.3} in 2020")),
        "{cap}"
    );
    let cap = caption(figure(&html, "fig-disparity").unwrap());
    let (c0, c1) = (
        f["disparity"]["cv_first"].as_f64().unwrap(),
        f["disparity"]["cv_last"].as_f64().unwrap(),
    );
    assert!(
        cap.contains(&format!("CV fell from {c0:.3} to {c1:.3}")),
        "{cap}"
    );
    let cap = caption(figure(&html, "fig-kde").unwrap());
    let p = &f["polarisation"];
    assert!(
        cap.contains(&format!(
            "2011: mode {:.3}, {} peak(s)",
            p["mode_first"].as_f64().unwrap(),
            p["peaks_first"]
        )),
        "{cap}"
    );
    assert!(
        cap.contains(&format!(
            "2020: mode {:.3}, {} peak(s)",
            p["mode_last"].as_f64().unwrap(),
            p["peaks_last"]
        )),
        "{cap}"
    );
    let cap = caption(figure(&html, "fig-grey").unwrap());
    assert!(
        cap.contains(&format!(
            "1. Living standard integration {:.3}",
            f["grey"]["leading_grade"].as_f64().unwrap()
        )),
        "{cap}"
    );
    // Figures are numbered in order.
    for (i, id) in ALL_FIGURES.iter().enumerate() {
        assert!(
            caption(figure(&html, id).unwrap()).starts_with(&format!("<strong>Figure {}.", i + 1)),
            "{id}"
        );
    }
}

#[test]
fn findings_are_numbered_sentences() {
    let (s, html) = full();
    let sentences = s["findings"]["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for (i, sentence) in sentences.iter().enumerate() {
        let text = sentence.as_str().unwrap().replace('\'', "&#39;");
        let li = format!(
            "<li id=\"finding-{n}\"><span class=\"num\">{n}</span><span class=\"text\">{text}</span></li>",
            n = i + 1
        );
        assert!(html.contains(&li), "{li}");
    }
}

#[test]
fn minimal_summary_renders_what_is_there_and_names_what_is_not() {
    let s = fixture("summary_minimal.json");
    assert!(s.get("analysis").is_none() && s.get("findings").is_none());
    let html = render_html(&s).unwrap();
    for id in [
        "fig-weights",
        "fig-composite",
        "fig-heatmap",
        "fig-dimensions",
    ] {
        assert!(figure(&html, id).is_some(), "{id}");
    }
    for id in [
        "fig-kde",
        "fig-disparity",
        "fig-dagum",
        "fig-beta",
        "fig-grey",
        "fig-dendrogram",
    ] {
        assert!(
            !html.contains(&format!("id=\"{id}\"")),
            "{id} should be absent"
        );
    }
    let notice = &html[html
        .find("<aside class=\"notice\" id=\"not-run\">")
        .unwrap()..];
    let notice = &notice[..notice.find("</aside>").unwrap()];
    for what in [
        "Findings",
        "Kernel density",
        "Regional disparity",
        "Convergence",
        "Grey relational analysis",
        "Clustering",
        "Maps and spatial structure",
    ] {
        assert!(
            notice.contains(&format!("<li><strong>{what}")),
            "{what} not listed as not run"
        );
    }
    assert_eq!(
        html.matches("<span class=\"tag\">not run</span>").count(),
        7
    );
    assert!(
        html.contains("<li>analysis switched off in the spec</li>"),
        "warnings not listed"
    );
}

#[test]
fn missing_parts_of_sections_are_named() {
    let mut s = fixture("summary_full.json");
    let a = s["analysis"].as_object_mut().unwrap();
    a.remove("kde");
    a["cluster"].as_object_mut().unwrap().remove("merges");
    a["grey"].as_object_mut().unwrap().remove("mean");
    for g in a["disparity"]["composite"]["groups"]
        .as_array_mut()
        .unwrap()
    {
        g.as_object_mut().unwrap().remove("dagum");
    }
    let html = render_html(&s).unwrap();
    for id in ["fig-kde", "fig-dagum", "fig-dendrogram", "fig-grey"] {
        assert!(
            !html.contains(&format!("id=\"{id}\"")),
            "{id} should be absent"
        );
    }
    for id in ["fig-disparity", "fig-beta"] {
        assert!(figure(&html, id).is_some(), "{id}");
    }
    let notice = &html[html.find("id=\"not-run\"").unwrap()..];
    let notice = &notice[..notice.find("</aside>").unwrap()];
    for what in [
        "Kernel density (analysis.kde)",
        "Dagum decomposition",
        "Dendrogram",
        "Grey grades of the yearly means",
    ] {
        assert!(notice.contains(what), "{what} not named");
    }
    // The tiers are still reported, and the per-region grey grades.
    assert!(html.contains("<table class=\"tiers\">"));
    assert!(html.contains("<table class=\"grades\">"));
}

#[test]
fn year_scope_weights_show_the_mean_and_the_range() {
    let mut s = fixture("summary_full.json");
    let ids: Vec<Value> = s["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            d["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone())
        })
        .collect();
    let m = ids.len();
    // Two years: all equal weights, then the first indicator takes 1/3 + (rest equal).
    let w1: Vec<f64> = vec![1.0 / m as f64; m];
    let mut w2 = vec![(2.0 / 3.0) / (m - 1) as f64; m];
    w2[0] = 1.0 / 3.0;
    s["weights"] = json!([
        {"method": "entropy", "indicators": ids, "weights": w1, "n": 13, "warnings": [], "year": 2011},
        {"method": "entropy", "indicators": ids, "weights": w2, "n": 13, "warnings": [], "year": 2012},
    ]);
    s["method"]["scope"] = json!("year");
    let html = render_html(&s).unwrap();
    let svg = svg(figure(&html, "fig-weights").unwrap());
    assert_eq!(count(group(svg, "ranges"), "polyline"), m);
    // First indicator: mean of 1/15 and 1/3 = 0.2, range [0.0667, 0.3333].
    assert!(
        html.contains("0.2000 [0.0667, 0.3333]"),
        "mean and range of the first weight"
    );
    assert!(caption(figure(&html, "fig-weights").unwrap()).contains("scope = year"));
}

#[test]
fn names_are_escaped() {
    let mut s = fixture("summary_minimal.json");
    s["name"] = json!("A <b>bold</b> & \"quoted\" index");
    s["regions"][0] = json!("Nan<jing>&");
    for row in s["scores"].as_array_mut().unwrap() {
        if row["region"] == "Nanjing" {
            row["region"] = json!("Nan<jing>&");
        }
    }
    let html = render_html(&s).unwrap();
    assert!(!html.contains("<b>bold</b>") && !html.contains("Nan<jing>"));
    assert!(html.contains("<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; index</h1>"));
    let heat = svg(figure(&html, "fig-heatmap").unwrap());
    assert!(heat.contains(">\nNan&lt;jing&gt;&amp;\n</text>"));
}

#[test]
fn groups_are_balanced() {
    let (_, html) = full();
    for id in ALL_FIGURES {
        let svg = svg(figure(&html, id).unwrap());
        assert_eq!(
            svg.matches("<g ").count(),
            svg.matches("</g>").count(),
            "{id}"
        );
        assert!(
            !svg.contains('\u{E000}'),
            "{id}: a grouping marker was left"
        );
        assert!(!groups(svg, "axes").is_empty(), "{id}: no axes");
    }
}

/// A summary without analysis: `nr` regions, `ny` years from 1991, two
/// dimensions; composite = economy + society with values from `f(r, y)`.
fn synthetic(nr: usize, ny: usize, f: impl Fn(usize, usize) -> f64) -> Value {
    let regions: Vec<String> = (0..nr).map(|r| format!("Region {r:02}")).collect();
    let years: Vec<i64> = (0..ny as i64).map(|y| 1991 + y).collect();
    let mut scores = Vec::new();
    for (r, name) in regions.iter().enumerate() {
        for (y, year) in years.iter().enumerate() {
            let v = f(r, y);
            scores.push(json!({"region": name, "year": year, "composite": v, "economy": 0.4 * v, "society": 0.6 * v}));
        }
    }
    json!({
        "name": "Synthetic", "regions": regions, "years": years,
        "dimensions": [
            {"id": "economy", "name": "Economy", "indicators": [{"id": "a", "name": "A", "direction": "+", "unit": "%", "weight": 0.4}]},
            {"id": "society", "name": "Society", "indicators": [{"id": "b", "name": "B", "direction": "-", "unit": "ratio", "weight": 0.6}]}
        ],
        "scores": scores
    })
}

#[test]
fn degenerate_panels_render() {
    // One region and one year; one year; one region; every score equal; zeros.
    let cases = [
        synthetic(1, 1, |_, _| 0.5),
        synthetic(5, 1, |r, _| 0.1 * (r + 1) as f64),
        synthetic(1, 6, |_, y| 0.1 * (y + 1) as f64),
        synthetic(4, 4, |_, _| 0.3),
        synthetic(3, 3, |_, _| 0.0),
    ];
    for s in &cases {
        let html = render_html(s).unwrap();
        let one_year = n_years(s) == 1;
        for id in [
            "fig-weights",
            "fig-composite",
            "fig-heatmap",
            "fig-dimensions",
        ] {
            if one_year && (id == "fig-composite" || id == "fig-heatmap") {
                // A single year has no charts over the years: the ranked
                // cross-section stays, the rest is named with its reason.
                assert!(figure(&html, id).is_none(), "{id} with one year");
                continue;
            }
            let svg = svg(figure(&html, id).unwrap_or_else(|| panic!("{id}")));
            let (w, h) = svg_size(svg);
            assert!(w > 0.0 && h > 0.0);
        }
        if one_year {
            let notice = &html[html.find("id=\"not-run\"").unwrap()..];
            assert!(
                notice.contains("<strong>Charts over the years</strong>")
                    && notice.contains("the panel has a single year (1991)"),
                "{notice}"
            );
        }
        rurban_report::render_xlsx(s).unwrap();
    }
    // A beta chart needs two end years: one year gives a note instead.
    let mut s = cases[1].clone();
    s["analysis"] =
        json!({"convergence": {"sigma": [{"year": 1991, "cv": 0.5}], "beta": {"b": -0.1}}});
    let html = render_html(&s).unwrap();
    assert!(!html.contains("id=\"fig-beta\""));
    assert!(html.contains("β convergence chart"));
}

#[test]
fn many_regions_and_years_stay_readable() {
    let s = synthetic(31, 30, |r, y| {
        0.01 + 0.9 * ((r * 7 + y * 3) % 31) as f64 / 31.0
    });
    let html = render_html(&s).unwrap();
    let comp = svg(figure(&html, "fig-composite").unwrap());
    assert_eq!(
        count(group(comp, "series"), "polyline") + count(group(comp, "mean"), "polyline"),
        32
    );
    // 30 years: the year axis is thinned, and no two year labels overlap.
    let mut ticks: Vec<common::TextEl> = texts(group(comp, "axes"))
        .into_iter()
        .filter(|t| t.anchor == "middle" && t.dy == "0.76em")
        .collect();
    assert!(
        ticks.len() >= 4 && ticks.len() <= 12,
        "{} year labels",
        ticks.len()
    );
    ticks.sort_by(|a, b| a.x.total_cmp(&b.x));
    for w in ticks.windows(2) {
        assert!(w[1].x - w[0].x >= (width(&w[0]) + width(&w[1])) / 2.0);
    }
    let heat = svg(figure(&html, "fig-heatmap").unwrap());
    assert_eq!(count(group(heat, "cells"), "rect"), 31 * 30);
    assert_eq!(
        texts(group(heat, "row-labels")).len(),
        31,
        "every region is listed"
    );
    let mut cols = texts(group(heat, "col-labels"));
    assert!(
        cols.len() < 30,
        "30 year columns are too narrow for every label"
    );
    cols.sort_by(|a, b| a.x.total_cmp(&b.x));
    for w in cols.windows(2) {
        assert!(w[1].x - w[0].x >= (width(&w[0]) + width(&w[1])) / 2.0);
    }
    // Cells too narrow for numbers: no values are printed.
    assert!(groups(heat, "values").is_empty());
}

#[test]
fn a_step_skipped_by_the_run_gives_its_own_reason() {
    let mut s = synthetic(5, 1, |r, _| 0.1 * (r + 1) as f64);
    s["analysis"] = json!({});
    s["warnings"] = json!([
        "convergence analysis skipped: the panel has a single year (1991); beta convergence needs a first and a last year"
    ]);
    let html = render_html(&s).unwrap();
    let notice = &html[html.find("id=\"not-run\"").unwrap()..];
    let notice = &notice[..notice.find("</aside>").unwrap()];
    assert!(
        notice.contains("Convergence (analysis.convergence)</strong> — not run: convergence analysis skipped: the panel has a single year (1991)"),
        "{notice}"
    );
    // A step without a warning keeps the general reason.
    assert!(
        notice
            .contains("Grey relational analysis (analysis.grey)</strong> — the section is absent"),
        "{notice}"
    );
}
