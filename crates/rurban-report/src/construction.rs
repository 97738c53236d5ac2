//! The report's "Construction, coupling and obstacles" section: the mean
//! coupling coordination degree over the years, a heatmap of the coupling
//! levels by region and year (English and Chinese level names), each
//! region's main obstacles in the last year, and one indicator followed
//! through the construction stages. Drawn as plain SVG from the summary's
//! `construction`, `coupling` and `obstacle` objects.

use std::fmt::Write as _;

use rurban_index::{LEVEL_NAMES, LEVEL_NAMES_ZH};
use rurban_results::construction::{
    Construction, CouplingRowRef, CouplingSummary, ObstacleSummary,
};

use crate::charts::Figure;
use crate::draw::FONT_STACK;
use crate::html::esc;
use crate::i18n::Lang;
use crate::model::Summary;

/// Colours of the ten coupling levels, from extreme imbalance (red) to
/// quality coordination (dark green).
const LEVEL_COLOURS: [&str; 10] = [
    "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#d9ef8b", "#a6d96a", "#66bd63",
    "#1a9850", "#006837",
];

fn svg_open(id: &str, w: f64, h: f64, title: &str) -> String {
    format!(
        "<svg id=\"{id}-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"{}\" font-size=\"12\" role=\"img\"><title>{}</title>\n",
        FONT_STACK.replace('"', "&quot;"),
        esc(title)
    )
}

/// The mean D of each year over the regions.
pub(crate) fn mean_d(c: &CouplingSummary, years: &[i64]) -> Vec<f64> {
    years
        .iter()
        .map(|&y| {
            let ds: Vec<f64> = c.rows().filter(|r| r.year == y).map(|r| r.d).collect();
            if ds.is_empty() {
                f64::NAN
            } else {
                ds.iter().sum::<f64>() / ds.len() as f64
            }
        })
        .collect()
}

pub(crate) fn level_of(d: f64) -> usize {
    usize::from(rurban_index::coupling::level(d))
}

/// The name of level `k` (1-based) in the report's language.
pub(crate) fn level_name(lang: Lang, k: usize) -> &'static str {
    if lang.is_zh() {
        LEVEL_NAMES_ZH[k - 1]
    } else {
        LEVEL_NAMES[k - 1]
    }
}

/// The line chart of the mean coupling coordination degree D (with the
/// lowest and highest region) over the years.
fn coupling_chart(c: &CouplingSummary, years: &[i64], lang: Lang) -> Figure {
    let (w, h, l, r, t, b) = (640.0, 300.0, 56.0, 20.0, 16.0, 40.0);
    let means = mean_d(c, years);
    let ext: Vec<(f64, f64)> = years
        .iter()
        .map(|&y| {
            c.rows()
                .filter(|r| r.year == y)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
                    (a.min(r.d), b.max(r.d))
                })
        })
        .collect();
    let n = years.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            l + (w - l - r) / 2.0
        } else {
            l + (w - l - r) * i as f64 / (n - 1) as f64
        }
    };
    let y = |d: f64| t + (h - t - b) * (1.0 - d.clamp(0.0, 1.0));
    let mut svg = svg_open("fig-coupling", w, h, "Coupling coordination degree");
    // level bands
    for (k, colour) in LEVEL_COLOURS.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<rect x=\"{l}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\" fill-opacity=\"0.12\"/>",
            y((k + 1) as f64 / 10.0),
            w - l - r,
            (h - t - b) / 10.0,
        );
    }
    for k in 0..=10 {
        let v = k as f64 / 10.0;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{v:.1}</text>",
            l - 6.0,
            y(v) + 4.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"14\" y=\"{:.1}\" transform=\"rotate(-90 14 {:.1})\" text-anchor=\"middle\">D</text>",
        t + (h - t - b) / 2.0,
        t + (h - t - b) / 2.0
    );
    for (i, yr) in years.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{yr}</text>",
            x(i),
            h - b + 18.0
        );
    }
    let band: Vec<String> = ext
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{:.1},{:.1}", x(i), y(e.1)))
        .chain(
            ext.iter()
                .enumerate()
                .rev()
                .map(|(i, e)| format!("{:.1},{:.1}", x(i), y(e.0))),
        )
        .collect();
    let _ = writeln!(
        svg,
        "<g class=\"range\"><polygon points=\"{}\" fill=\"#1d91c0\" fill-opacity=\"0.18\"/></g>",
        band.join(" ")
    );
    let line: Vec<String> = means
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{:.1},{:.1}", x(i), y(*m)))
        .collect();
    let _ = writeln!(
        svg,
        "<g class=\"mean\"><polyline points=\"{}\" fill=\"none\" stroke=\"#225ea8\" stroke-width=\"2\"/>",
        line.join(" ")
    );
    for (i, m) in means.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#225ea8\"><title>{}: mean D {m:.4}</title></circle>",
            x(i),
            y(*m),
            years[i]
        );
    }
    svg.push_str("</g>\n</svg>\n");
    let last = means.len().saturating_sub(1);
    let dims = c.dimensions.join(lang.list_sep());
    let caption = match (means.first(), means.get(last)) {
        (Some(&f), Some(&e)) if n > 1 => lang.fill(
            "construction.fig_coupling.cap",
            &[
                ("dims", &dims),
                ("first", &format!("{f:.4}")),
                ("first_level", &level_name(lang, level_of(f))),
                ("y0", &years[0]),
                ("last", &format!("{e:.4}")),
                ("last_level", &level_name(lang, level_of(e))),
                ("y1", &years[last]),
            ],
        ),
        (Some(&f), _) => lang.fill(
            "construction.fig_coupling.cap1",
            &[
                ("dims", &dims),
                ("first", &format!("{f:.4}")),
                ("first_level", &level_name(lang, level_of(f))),
            ],
        ),
        _ => String::new(),
    };
    Figure {
        id: "fig-coupling",
        title: lang.t("construction.fig_coupling.title").into(),
        svg,
        caption,
    }
}

/// The heatmap of the coupling level of each region and year.
fn level_heatmap(c: &CouplingSummary, regions: &[String], years: &[i64], lang: Lang) -> Figure {
    let (cw, ch, l, t) = (44.0, 20.0, 120.0, 24.0);
    let legend_h = 10.0 * 18.0 + 10.0;
    let w = l + cw * years.len() as f64 + 260.0;
    let h = (t + ch * regions.len() as f64 + 10.0).max(legend_h + t);
    let mut svg = svg_open("fig-coupling-levels", w, h, "Coupling levels");
    for (i, y) in years.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{y}</text>",
            l + cw * (i as f64 + 0.5),
            t - 8.0
        );
    }
    // One lookup table instead of a scan of every row per cell.
    let at: std::collections::HashMap<(&str, i64), CouplingRowRef> =
        c.rows().map(|r| ((r.region, r.year), r)).collect();
    if regions.len() > crate::charts::MANY_REGIONS {
        return level_counts(&at, regions, years, lang);
    }
    let mut counts = [0usize; 10];
    for (ri, region) in regions.iter().enumerate() {
        let yy = t + ch * ri as f64;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            l - 6.0,
            yy + ch * 0.7,
            esc(region)
        );
        for (i, y) in years.iter().enumerate() {
            let Some(row) = at.get(&(region.as_str(), *y)) else {
                continue;
            };
            let k = usize::from(row.level.clamp(1, 10)) - 1;
            counts[k] += 1;
            let fill = LEVEL_COLOURS[k];
            let ink = if (2..=7).contains(&k) { "#222" } else { "#fff" };
            let _ = writeln!(
                svg,
                "<g class=\"cell\"><rect x=\"{:.1}\" y=\"{yy:.1}\" width=\"{cw}\" height=\"{ch}\" fill=\"{fill}\" stroke=\"#fff\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{ink}\">{}</text><title>{} {y}: D = {:.4}, level {} {} ({})</title></g>",
                l + cw * i as f64,
                l + cw * (i as f64 + 0.5),
                yy + ch * 0.7,
                k + 1,
                esc(region),
                row.d,
                k + 1,
                LEVEL_NAMES[k],
                LEVEL_NAMES_ZH[k]
            );
        }
    }
    let lx = l + cw * years.len() as f64 + 16.0;
    for k in 0..10 {
        let ly = t + 18.0 * k as f64;
        let _ = writeln!(
            svg,
            "<rect x=\"{lx:.1}\" y=\"{ly:.1}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{} {}</text>",
            LEVEL_COLOURS[k],
            lx + 20.0,
            ly + 11.0,
            k + 1,
            if lang.is_zh() {
                LEVEL_NAMES_ZH[k].to_string()
            } else {
                format!("{} ({})", LEVEL_NAMES[k], LEVEL_NAMES_ZH[k])
            }
        );
    }
    svg.push_str("</svg>\n");
    let common = counts
        .iter()
        .enumerate()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse(*k)))
        .map(|(k, _)| k)
        .unwrap_or(0);
    Figure {
        id: "fig-coupling-levels",
        title: lang.t("construction.fig_levels.title").into(),
        svg,
        caption: lang.fill(
            "construction.fig_levels.cap",
            &[
                ("level", &(common + 1)),
                (
                    "name",
                    &if lang.is_zh() {
                        LEVEL_NAMES_ZH[common].to_string()
                    } else {
                        format!("{} ({})", LEVEL_NAMES[common], LEVEL_NAMES_ZH[common])
                    },
                ),
                ("n", &counts[common]),
                ("total", &counts.iter().sum::<usize>()),
            ],
        ),
    }
}

/// [`level_heatmap`] for many regions: a row per coupling level, a cell per
/// year holding the number of regions at that level (shaded by it).
fn level_counts(
    at: &std::collections::HashMap<(&str, i64), CouplingRowRef>,
    regions: &[String],
    years: &[i64],
    lang: Lang,
) -> Figure {
    let (cw, ch, l, t) = (52.0, 22.0, 230.0, 24.0);
    let w = l + cw * years.len() as f64 + 20.0;
    let h = t + ch * 10.0 + 10.0;
    let mut svg = svg_open("fig-coupling-levels", w, h, "Coupling levels");
    let mut grid = vec![[0usize; 10]; years.len()];
    for (i, y) in years.iter().enumerate() {
        for region in regions {
            if let Some(row) = at.get(&(region.as_str(), *y)) {
                grid[i][usize::from(row.level.clamp(1, 10)) - 1] += 1;
            }
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{y}</text>",
            l + cw * (i as f64 + 0.5),
            t - 8.0
        );
    }
    let most = grid.iter().flatten().copied().max().unwrap_or(0).max(1);
    for k in 0..10 {
        let yy = t + ch * k as f64;
        let name = if lang.is_zh() {
            LEVEL_NAMES_ZH[k].to_string()
        } else {
            LEVEL_NAMES[k].to_string()
        };
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{} {}</text>",
            l - 6.0,
            yy + ch * 0.7,
            k + 1,
            esc(&name)
        );
        for (i, y) in years.iter().enumerate() {
            let n = grid[i][k];
            let _ = writeln!(
                svg,
                "<g class=\"cell\"><rect x=\"{:.1}\" y=\"{yy:.1}\" width=\"{cw}\" height=\"{ch}\" fill=\"{}\" fill-opacity=\"{:.3}\" stroke=\"#fff\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text><title>{y}, level {}: {n}</title></g>",
                l + cw * i as f64,
                LEVEL_COLOURS[k],
                if n == 0 {
                    0.0
                } else {
                    0.15 + 0.85 * n as f64 / most as f64
                },
                l + cw * (i as f64 + 0.5),
                yy + ch * 0.7,
                k + 1,
            );
        }
    }
    svg.push_str("</svg>\n");
    Figure {
        id: "fig-coupling-levels",
        title: lang.t("construction.fig_levels.title").into(),
        svg,
        caption: lang.fill("construction.fig_levels.binned", &[("n", &regions.len())]),
    }
}

/// The three largest indicator obstacles of each region in the last year.
fn obstacle_table(o: &ObstacleSummary, regions: &[String], last: i64, lang: Lang) -> String {
    let mut out = format!(
        "<h3>{}</h3>\n<p>{}</p>\n<table class=\"data\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        esc(&lang.fill("construction.obstacles", &[("year", &last)])),
        lang.t("construction.obstacles.note"),
        esc(lang.t("construction.obstacles.region")),
        esc(lang.t("construction.obstacles.first")),
        esc(lang.t("construction.obstacles.second")),
        esc(lang.t("construction.obstacles.third")),
    );
    // The last year's three largest of every region, in one pass over the
    // region-years (not over the rows once per region).
    let by_region = o.largest_in_year(last, 3);
    // Many regions: the first ones only; the CSV holds them all.
    let shown = regions.len().min(crate::charts::MANY_REGIONS);
    for region in &regions[..shown] {
        let top = by_region.get(region.as_str()).cloned().unwrap_or_default();
        let _ = write!(out, "<tr><td>{}</td>", esc(region));
        for k in 0..3 {
            match top.get(k) {
                Some((name, v)) => {
                    let _ = write!(out, "<td>{} ({:.1}%)</td>", esc(name), 100.0 * v);
                }
                None => out.push_str("<td>&mdash;</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    if shown < regions.len() {
        let _ = writeln!(
            out,
            "<p class=\"note\">{}</p>",
            esc(&lang.fill(
                "construction.obstacles.limited",
                &[("shown", &shown), ("n", &regions.len())]
            ))
        );
    }
    out
}

/// One indicator through the stages: a row per stage with min, mean and
/// max, and a parallel-coordinates drawing of every region-year's value
/// (each stage scaled to its own range).
fn stage_trace(c: &Construction, lang: Lang) -> Option<(String, Figure)> {
    let tr = c.trace.as_ref()?;
    let name = &tr.indicator;
    let cols: Vec<(&str, &Vec<Option<f64>>)> = tr
        .stages
        .iter()
        .map(|(s, v)| {
            (
                lang.opt(&format!("construction.stage.{s}"))
                    .unwrap_or(s.as_str()),
                v,
            )
        })
        .collect();
    if cols.len() < 2 {
        return None;
    }
    let mut table = format!(
        "<h3>{}</h3>\n<table class=\"data\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>\n",
        esc(&lang.fill("construction.stages", &[("name", name)])),
        esc(lang.t("construction.stages.stage")),
        esc(lang.t("construction.stages.values")),
        esc(lang.t("construction.stages.min")),
        esc(lang.t("construction.stages.mean")),
        esc(lang.t("construction.stages.max")),
    );
    let mut ranges = Vec::new();
    for (stage, v) in &cols {
        let xs: Vec<f64> = v.iter().flatten().copied().collect();
        let (lo, hi) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        let mean = xs.iter().sum::<f64>() / xs.len().max(1) as f64;
        ranges.push((lo, hi));
        let _ = writeln!(
            table,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{lo:.4}</td><td class=\"n\">{mean:.4}</td><td class=\"n\">{hi:.4}</td></tr>",
            esc(stage),
            xs.len()
        );
    }
    table.push_str("</tbody></table>\n");
    let (w, h, l, r, t, b) = (640.0, 280.0, 40.0, 40.0, 20.0, 36.0);
    let k = cols.len();
    let x = |i: usize| {
        if k == 1 {
            w / 2.0
        } else {
            l + (w - l - r) * i as f64 / (k - 1) as f64
        }
    };
    let y = |i: usize, v: f64| {
        let (lo, hi) = ranges[i];
        let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        t + (h - t - b) * (1.0 - f)
    };
    let mut svg = svg_open("fig-stages", w, h, &format!("{name} through the stages"));
    for (i, (stage, _)) in cols.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{t}\" y2=\"{1:.1}\" stroke=\"#999\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{3}</text>",
            x(i),
            h - b,
            h - b + 18.0,
            esc(stage)
        );
    }
    let n = cols[0].1.len();
    svg.push_str("<g class=\"lines\" fill=\"none\" stroke=\"#225ea8\" stroke-opacity=\"0.35\">\n");
    for row in 0..n {
        let pts: Vec<String> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, (_, v))| {
                v.get(row)
                    .copied()
                    .flatten()
                    .map(|val| format!("{:.1},{:.1}", x(i), y(i, val)))
            })
            .collect();
        if pts.len() >= 2 {
            let _ = writeln!(svg, "<polyline points=\"{}\"/>", pts.join(" "));
        }
    }
    svg.push_str("</g>\n</svg>\n");
    Some((
        table,
        Figure {
            id: "fig-stages",
            title: lang.fill("construction.fig_stages.title", &[("name", name)]),
            svg,
            caption: lang.fill(
                "construction.fig_stages.cap",
                &[
                    ("name", name),
                    (
                        "stages",
                        &cols
                            .iter()
                            .map(|c| c.0)
                            .collect::<Vec<_>>()
                            .join(lang.list_sep()),
                    ),
                ],
            ),
        },
    ))
}

/// The section's body, when the summary has any construction result;
/// `figure` turns a figure into its numbered HTML.
pub(crate) fn body(s: &Summary, figure: &mut dyn FnMut(&Figure) -> String) -> Option<String> {
    let mut out = String::new();
    let lang = s.lang;
    if let Some(c) = &s.coupling {
        let dims = esc(&c.dimensions.join(lang.list_sep()));
        let _ = writeln!(
            out,
            "<p>{}</p>",
            lang.fill("construction.coupling", &[("dims", &dims)])
        );
        out.push_str(&figure(&coupling_chart(c, &s.years, lang)));
        out.push_str(&figure(&level_heatmap(c, &s.regions, &s.years, lang)));
    }
    if let (Some(o), Some(&last)) = (&s.obstacle, s.years.last()) {
        out.push_str(&obstacle_table(o, &s.regions, last, lang));
    }
    if let Some(c) = &s.construction
        && let Some((table, fig)) = stage_trace(c, lang)
    {
        out.push_str(&table);
        out.push_str(&figure(&fig));
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rurban_results::construction::{CouplingRow, StageValues, TreatmentRecord};

    fn row(region: &str, year: i64, d: f64) -> CouplingRow {
        CouplingRow {
            region: region.into(),
            year,
            d,
            level: rurban_index::coupling::level(d),
            ..CouplingRow::default()
        }
    }

    #[test]
    fn mean_d_and_levels_by_hand() {
        let mut c = CouplingSummary::new(vec!["a".into(), "b".into()], vec![0.5, 0.5]);
        c.extend([
            row("r1", 2000, 0.25),
            row("r2", 2000, 0.45),
            row("r1", 2001, 0.95),
        ]);
        assert_eq!(mean_d(&c, &[2000, 2001]), [0.35, 0.95]);
        let f = level_heatmap(&c, &["r1".into(), "r2".into()], &[2000, 2001], Lang::En);
        // levels 3, 5 and 10, each cell titled with both names
        assert!(
            f.svg.contains("level 3 moderate imbalance (中度失调)"),
            "{}",
            f.svg
        );
        assert!(f.svg.contains("level 10 quality coordination (优质协调)"));
        assert!(
            f.caption.contains("in 1 of 3 region-years"),
            "{}",
            f.caption
        );
        let g = coupling_chart(&c, &[2000, 2001], Lang::En);
        assert!(
            g.caption.contains("0.3500 (mild imbalance) in 2000"),
            "{}",
            g.caption
        );
    }

    #[test]
    fn the_traced_indicator_is_the_treated_one() {
        let stage = |name: &str, b: f64| {
            StageValues::from_rows(
                name,
                [
                    ("r", 2000, &[Some(1.0), Some(2.0)][..]),
                    ("s", 2000, &[Some(3.0), Some(b)][..]),
                ],
            )
        };
        let mut c = Construction {
            indicators: vec!["a".into(), "b".into()],
            stages: vec!["treat".into(), "normalise".into()],
            values: vec![stage("treated", 4.0), stage("normalised", 1.0)],
            treatment: vec![TreatmentRecord {
                indicator: "b".into(),
                steps: 1,
                ..TreatmentRecord::default()
            }],
            ..Construction::default()
        };
        assert_eq!(c.traced_indicator(), Some(1));
        c.trace = c.trace_of();
        let (table, fig) = stage_trace(&c, Lang::En).unwrap();
        // b: treated 2, 4 (mean 3), normalised 2, 1
        assert!(table.contains("<td>treated</td><td class=\"n\">2</td><td class=\"n\">2.0000</td><td class=\"n\">3.0000</td><td class=\"n\">4.0000</td>"), "{table}");
        assert_eq!(fig.svg.matches("<polyline").count(), 2);
        c.treatment.clear();
        assert_eq!(c.traced_indicator(), Some(0));
    }
}
