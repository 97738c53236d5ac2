//! The report in Chinese: every heading, caption, table header, note and
//! chart text comes from the Chinese catalogue; what stays in Latin letters
//! is names (regions, dimensions, indicators, methods named after people),
//! symbols, units and file names.

use crate::common;

use std::collections::HashSet;
use std::path::Path;

use common::{figure, fixture};
use rurban_report::{Lang, Maps, render_html_with_maps_in};

/// The example's run (examples/heilongjiang, with [geo]) and its maps.
fn example() -> (rurban_results::Summary, rurban_pipeline::RunOutput) {
    let out = crate::common::example_run();
    (rurban_pipeline::output::summary(&out), out)
}

/// Latin words (two letters or more) that may stay in a Chinese report:
/// proper names of methods and people, symbols, and names of files, keys and
/// sections of summary.json the notes point to.
const ALLOWED: &[&str] = &[
    "Moran",
    "Geary",
    "LISA",
    "Dagum",
    "Mann",
    "Kendall",
    "SciPy",
    "truncate_mode",
    "lastp",
    "ddof",
    "CRITIC",
    "TOPSIS",
    "Sobol",
    "ST",
    "Ward",
    "Silverman",
    "Scott",
    "Epanechnikov",
    "ln",
    "se",
    "csv",
    "json",
    "xlsx",
    "summary",
    "scores",
    "clusters",
    "grey",
    "kde",
    "analysis",
    "findings",
    "geo",
    "GeoJSON",
    "rurban",
    "SVG",
    "mean",
    "beta",
    "convergence",
    "disparity",
    "cluster",
    "spatial",
    "p_sim",
    "na",
    "HH",
    "LL",
    "LH",
    "HL",
    "km",
    "CV",
    "mean",
    "min",
    "max",
    "sigma",
    "E[I]",
    "x0",
    "toml",
];

/// The visible text of an HTML fragment: tags removed, entities decoded
/// enough for counting words.
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// Latin words of `text` not in `allowed`.
fn leftover_english(text: &str, allowed: &HashSet<String>) -> Vec<String> {
    let mut bad = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '\'')) {
        let w = word.trim_matches('\'');
        let w = w.strip_suffix("'s").unwrap_or(w);
        if w.len() < 2 || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if !w
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '\'')
        {
            continue;
        }
        if !allowed.contains(w) && !allowed.contains(&w.to_lowercase()) {
            bad.push(w.to_string());
        }
    }
    bad
}

/// The names a summary brings (they may be English).
fn names(s: &rurban_results::Summary) -> HashSet<String> {
    let mut set: HashSet<String> = ALLOWED.iter().map(|w| (*w).to_string()).collect();
    let mut add = |t: &str| {
        for w in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '\'')) {
            set.insert(w.trim_matches('\'').to_string());
        }
    };
    add(&s.name);
    s.regions.iter().for_each(|r| add(r));
    for d in &s.dimensions {
        add(&d.id);
        add(d.name.as_deref().unwrap_or(""));
        for i in &d.indicators {
            add(&i.id);
            add(i.name.as_deref().unwrap_or(""));
            add(i.unit.as_deref().unwrap_or(""));
        }
    }
    if let Some(d) = &s.data {
        add(d);
    }
    if let Some(d) = &s.spec {
        add(d);
    }
    set
}

/// The page without the parts that are data, not words: the findings list
/// (checked separately), code spans (paths) and the header's file names.
fn words_part(html: &str) -> String {
    let mut page = html.to_string();
    for (open, close) in [
        ("<ol class=\"findings\">", "</ol>"),
        ("<code>", "</code>"),
        ("<style>", "</style>"),
        ("<title>", "</title>"),
    ] {
        while let Some(a) = page.find(open) {
            let b = page[a..]
                .find(close)
                .map_or(page.len(), |b| a + b + close.len());
            page.replace_range(a..b, " ");
        }
    }
    page
}

#[test]
fn the_chinese_report_of_the_example_has_no_leftover_english() {
    let (summary, out) = example();
    let maps = out.maps.as_ref().unwrap();
    let html = render_html_with_maps_in(&summary, Some(Maps::Input(maps)), Lang::Zh).unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    let mut allowed = names(&summary);
    // The region groups of the example (data, like the region names).
    let groups = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/heilongjiang/groups.csv"),
    )
    .unwrap();
    for line in groups.lines() {
        for w in line.split(',') {
            allowed.insert(w.trim().to_string());
        }
    }
    let text = visible(&words_part(&html));
    let bad = leftover_english(&text, &allowed);
    // Map legends and north arrows are drawn by the maps module in English
    // symbols (N, km); anything else is a missing translation.
    let context = bad
        .first()
        .and_then(|w| text.find(w.as_str()))
        .map(|i| {
            let a = text.floor_char_boundary(i.saturating_sub(200));
            let b = text.ceil_char_boundary((i + 200).min(text.len()));
            text[a..b].to_string()
        })
        .unwrap_or_default();
    assert!(
        bad.is_empty(),
        "English left in the Chinese report: {bad:?}\n... {context} ..."
    );
    // Every finding of the example is of a kind the catalogue knows, the
    // spatial ones included: all are Chinese.
    let findings = &html[html.find("<ol class=\"findings\">").unwrap()..];
    let findings = &findings[..findings.find("</ol>").unwrap()];
    let items: Vec<&str> = findings.split("<li ").skip(1).collect();
    let chinese = items
        .iter()
        .filter(|i| i.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        .count();
    assert_eq!(
        chinese,
        items.len(),
        "{chinese} of {} findings in Chinese",
        items.len()
    );
    assert!(findings.contains("综合得分均值由"));
    assert!(findings.contains("灰色关联分析表明"));
    assert!(findings.contains("Dagum 基尼系数分解"));
}

#[test]
fn the_english_report_is_unchanged_by_the_catalogue() {
    // English findings are the summary's sentences, verbatim.
    let (summary, _) = example();
    let html = rurban_report::render_html_summary(&summary).unwrap();
    for s in &summary.findings.as_ref().unwrap().sentences {
        let escaped = s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(html.contains(&escaped), "finding missing: {s}");
    }
}

#[test]
fn the_chinese_fixture_reports_render_every_figure() {
    for name in ["summary_full.json", "summary_zh.json"] {
        let s = rurban_report::read_summary(&fixture(name)).unwrap();
        let html = rurban_report::render_html_summary_in(&s, Lang::Zh).unwrap();
        for id in common::ALL_FIGURES {
            let fig = figure(&html, id).unwrap_or_else(|| panic!("{name}: {id}"));
            assert!(fig.contains("<strong>图 "), "{name}: {id} caption label");
        }
        assert!(html.contains("<h2>目录</h2>"));
    }
}

/// The numbers of a sentence, in order, without the p values (the
/// catalogue writes them as `p = 8.30e-5` where the pipeline writes
/// `p < 0.001`).
fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    let words: Vec<&str> = text
        .split(|c: char| {
            !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '<' || c == '=')
        })
        .filter(|w| !w.is_empty())
        .collect();
    for w in words {
        if w == "p" {
            skip = true;
            continue;
        }
        if w == "=" || w == "<" {
            continue;
        }
        let t = w.trim_matches(|c: char| c == '.' || c == '-');
        if skip {
            skip = false;
            continue;
        }
        if !t.is_empty() && t.parse::<f64>().is_ok() {
            out.push(t.to_string());
        }
    }
    out.sort();
    out
}

/// The findings of a summary as the Chinese report writes them, beside the
/// summary's English sentences.
fn findings_zh(summary: &rurban_results::Summary) -> Vec<(String, String)> {
    let html = rurban_report::render_html_summary_in(summary, Lang::Zh).unwrap();
    let list = &html[html.find("<ol class=\"findings\">").unwrap()..];
    let list = &list[..list.find("</ol>").unwrap()];
    let zh: Vec<String> = list
        .split("<span class=\"text\">")
        .skip(1)
        .map(|x| visible(&x[..x.find("</span>").unwrap()]))
        .collect();
    let en = &summary.findings.as_ref().unwrap().sentences;
    assert_eq!(zh.len(), en.len());
    en.iter().cloned().zip(zh).collect()
}

#[test]
fn the_new_findings_in_chinese_state_the_numbers_of_the_english_ones() {
    let (summary, _) = example();
    let pairs = findings_zh(&summary);
    let find = |start: &str| {
        pairs
            .iter()
            .find(|(en, _)| en.starts_with(start))
            .unwrap_or_else(|| panic!("no finding {start}"))
    };
    // Robustness and coupling: the same numbers, in Chinese words.
    let (en, zh) = find("Under the uncertain assumptions");
    assert!(
        zh.starts_with("在不确定性假设（权重扰动、赋权方法、标准化方法、集结方法、剔除指标；"),
        "{zh}"
    );
    assert!(
        zh.contains("一阶 Sobol 指数") && zh.contains("总效应指数"),
        "{zh}"
    );
    assert_eq!(numbers(en), numbers(zh), "{en}\n{zh}");
    let (en, zh) = find("The mean coupling coordination degree D");
    assert!(zh.contains("平均耦合协调度 D 由 2011 年的"), "{zh}");
    assert!(
        zh.contains("（勉强协调）") && zh.contains("（良好协调）"),
        "{zh}"
    );
    assert!(zh.contains("呈显著上升趋势"), "{zh}");
    assert_eq!(numbers(en), numbers(zh), "{en}\n{zh}");
    // Obstacles: the same shares, region by region.
    let (en, zh) = find("The three largest obstacles");
    assert!(
        zh.starts_with("2020 年各地区障碍度最大的三个指标：Harbin："),
        "{zh}"
    );
    let shares = |t: &str| -> Vec<String> {
        t.split(['%'])
            .filter_map(|x| {
                let n: String = x
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                n.chars()
                    .any(|c| c.is_ascii_digit())
                    .then(|| n.chars().rev().collect())
            })
            .collect()
    };
    assert_eq!(shares(en), shares(zh));
    assert_eq!(shares(en).len(), 3 * summary.regions.len());
    // The bandwidth check after the density finding.
    let (en, zh) = find("Observed in the density");
    let tail_en = &en[en.find("These peak counts").unwrap()..];
    let tail_zh = &zh[zh.find("上述波峰数仅在").unwrap()..];
    assert_eq!(numbers(tail_en), numbers(tail_zh), "{tail_en}\n{tail_zh}");
}

#[test]
fn a_one_year_run_has_its_cross_section_finding_in_chinese() {
    let options = rurban_pipeline::RunOptions {
        years: Some("2020-2020".parse().unwrap()),
        ..Default::default()
    };
    let out = crate::common::example_run_with(&options);
    let summary = rurban_pipeline::output::summary(&out);
    let pairs = findings_zh(&summary);
    let (en, zh) = pairs
        .iter()
        .find(|(en, _)| en.starts_with("One year ("))
        .expect("a cross-section finding");
    assert!(zh.starts_with("数据仅有一年（2020 年）"), "{zh}");
    assert!(
        zh.contains("变异系数为") && zh.contains("基尼系数为"),
        "{zh}"
    );
    assert_eq!(numbers(en), numbers(zh), "{en}\n{zh}");
    let (en, zh) = pairs
        .iter()
        .find(|(en, _)| en.starts_with("The mean coupling coordination degree D"))
        .expect("a coupling finding");
    assert!(
        zh.starts_with("2020 年") && zh.contains("平均耦合协调度 D 为"),
        "{zh}"
    );
    assert_eq!(numbers(en), numbers(zh), "{en}\n{zh}");
}

/// The spatial section's findings of a report: their visible text.
fn spatial_items(html: &str) -> Vec<String> {
    let at = html
        .find("<ul class=\"spatial-findings\">")
        .expect("a list of spatial findings");
    let list = &html[at..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li>")
        .skip(1)
        .map(|x| visible(&x[..x.find("</li>").unwrap()]).trim().to_string())
        .collect()
}

#[test]
fn the_spatial_findings_of_the_example_are_chinese_with_the_english_numbers() {
    let (summary, out) = example();
    let maps = out.maps.as_ref().unwrap();
    let html = render_html_with_maps_in(&summary, Some(Maps::Input(maps)), Lang::Zh).unwrap();
    let zh = spatial_items(&html);
    let en = &summary
        .findings
        .as_ref()
        .unwrap()
        .spatial
        .as_ref()
        .unwrap()
        .sentences;
    assert_eq!(zh.len(), en.len());
    assert_eq!(zh.len(), 4, "Moran's I, LISA, centre of gravity, Markov");
    // No English sentence, no English word but names and symbols.
    let allowed = names(&summary);
    for (e, z) in en.iter().zip(&zh) {
        assert_ne!(e, z);
        let bad = leftover_english(z, &allowed);
        assert!(bad.is_empty(), "English left: {bad:?} in {z}");
        assert_eq!(numbers(e), numbers(z), "{e}\n{z}");
    }
    assert!(zh[0].contains("全局莫兰指数"), "{}", zh[0]);
    // The example's Moran's I trend is one of the three verdicts.
    assert!(
        zh[0].contains("呈显著上升趋势")
            || zh[0].contains("呈显著下降趋势")
            || zh[0].contains("无显著变化"),
        "{}",
        zh[0]
    );
    assert!(
        zh[1].contains("热点区（HH，高-高集聚）") && zh[1].contains("冷点区（LL，低-低集聚）"),
        "{}",
        zh[1]
    );
    assert!(
        zh[2].contains("综合得分的重心向") && zh[2].contains(" km（方位角 "),
        "{}",
        zh[2]
    );
    assert!(zh[3].starts_with("空间马尔可夫链"), "{}", zh[3]);
    // The English report keeps the summary's sentences.
    let html_en = rurban_report::render_html_with_maps(&summary, Some(Maps::Input(maps))).unwrap();
    let en_items = spatial_items(&html_en);
    assert_eq!(&en_items, en);
}

/// A fixture summary with a hand-built spatial object (no maps, no chains)
/// and hand-built spatial findings: their English sentences and typed
/// parts, Moran's I going `direction`.
fn with_spatial(direction: Option<rurban_trend::Direction>) -> rurban_results::Summary {
    use rurban_results::spatial::{
        GeometrySource, GravityFinding, MarkovFinding, MoranFinding, SpatialAnalysis,
        SpatialFindings, Spot, SpotsFinding,
    };
    let mut s = rurban_report::read_summary(&fixture("summary_full.json")).unwrap();
    s.spatial = Some(SpatialAnalysis {
        geometry: GeometrySource {
            file: "no-such-boundaries.geojson".into(),
            key: "name".into(),
            resolved: None,
        },
        alpha: 0.05,
        moran: None,
        markov: None,
        gravity: None,
        classes: None,
    });
    let sentences = vec![
        "Moran's I of the composite rose from 0.2000 (p = 0.010) in 2011 to 0.3000 \
         (p = 0.002) in 2020 (Mann-Kendall p = 0.031): similar levels cluster more and more."
            .to_string(),
        "In 2020 the LISA (alpha 0.05) finds hot spots (HH, high among high) in Nanjing \
         (p = 0.004); no significant cold spots (LL, low among low)."
            .to_string(),
        "From 2011 to 2020 the centre of gravity of the composite moved 25.4 km towards the \
         south-west (bearing 222 degrees), from (119.1000, 32.9000) to (118.9000, 32.7000) \
         (lon, lat)."
            .to_string(),
        "Spatial Markov chain (4 classes of the composite, 4 lag classes): a region whose \
         neighbours are in the lowest lag class moved up a class with probability 0.2500 \
         (2 of 8 transitions from below the top class), one whose neighbours are in the \
         highest lag class with probability 0.5000 (3 of 6 transitions from below the top \
         class): prosperous neighbours go with moving up."
            .to_string(),
    ];
    let f = s.findings.as_mut().unwrap();
    f.sentences.extend(sentences.iter().cloned());
    f.spatial = Some(SpatialFindings {
        sentences,
        moran: Some(MoranFinding {
            first_year: "2011".into(),
            first_i: 0.2,
            first_p: 0.01,
            last_year: "2020".into(),
            last_i: 0.3,
            last_p: 0.002,
            mann_kendall_p: Some(0.031),
            direction,
        }),
        spots: Some(SpotsFinding {
            year: "2020".into(),
            hot: vec![Spot {
                region: "Nanjing".into(),
                p_sim: 0.004,
            }],
            cold: vec![],
        }),
        gravity: Some(GravityFinding {
            from: "2011".into(),
            to: "2020".into(),
            distance_km: 25.43,
            bearing: 222.0,
            towards: "south-west".into(),
        }),
        markov: Some(MarkovFinding {
            low_up: 2,
            low_from: 8,
            high_up: 3,
            high_from: 6,
            low_p: Some(0.25),
            high_p: Some(0.5),
        }),
    });
    s
}

#[test]
fn a_hand_built_spatial_summary_reads_in_chinese() {
    use rurban_trend::Direction;
    let s = with_spatial(Some(Direction::Increasing));
    let html = rurban_report::render_html_summary_in(&s, Lang::Zh).unwrap();
    let items = spatial_items(&html);
    let markov_en = s
        .findings
        .as_ref()
        .unwrap()
        .sentences
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        items,
        [
            "综合得分的全局莫兰指数（Moran's I）由 2011 年的 0.2000（p = 0.010）变为 2020 年的 \
             0.3000（p = 0.002），经 Mann-Kendall 检验呈显著上升趋势（p = 0.031），\
             相近水平地区的空间集聚不断增强。"
                .to_string(),
            "2020 年局部空间自相关（LISA，显著性水平 0.05）分析显示：热点区（HH，高-高集聚）为 \
             Nanjing（p = 0.004）；无显著的冷点区（LL，低-低集聚）。"
                .to_string(),
            // No centres in the spatial object: the move without them.
            "2011—2020 年，综合得分的重心向西南方向移动了 25.4 km（方位角 222°）。".to_string(),
            // No Markov chain in the spatial object (its classes are
            // unknown): the English sentence.
            markov_en,
        ]
    );
    // The findings list holds the same Chinese sentences.
    assert!(html.contains("呈显著上升趋势（p = 0.031）"));
    // Falling, and no significant change.
    let html =
        rurban_report::render_html_summary_in(&with_spatial(Some(Direction::Decreasing)), Lang::Zh)
            .unwrap();
    assert!(
        spatial_items(&html)[0]
            .contains("呈显著下降趋势（p = 0.031），相近水平地区的空间集聚逐渐减弱。")
    );
    let html =
        rurban_report::render_html_summary_in(&with_spatial(Some(Direction::NoTrend)), Lang::Zh)
            .unwrap();
    assert!(
        spatial_items(&html)[0].ends_with("无显著变化（Mann-Kendall 检验 p = 0.031）。"),
        "{}",
        spatial_items(&html)[0]
    );
    // English: the hand-written sentences, verbatim.
    let html = rurban_report::render_html_summary_in(&s, Lang::En).unwrap();
    assert_eq!(
        spatial_items(&html),
        s.findings
            .as_ref()
            .unwrap()
            .spatial
            .as_ref()
            .unwrap()
            .sentences
    );
}
