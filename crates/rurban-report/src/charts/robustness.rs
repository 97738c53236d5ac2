//! The robustness section's charts and table: the uncertainty of each
//! region's rank in the last year (regions in nominal order, median and
//! 5-95 % interval), the first- and total-order Sobol indices per factor,
//! and the rank correlations of each alternative taken alone with the
//! nominal ranking.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rurban_robust::RobustnessReport;

use super::{Axis, Figure, figure, mesh};
use crate::ReportError;
use crate::draw::{Area, DrawResult, INK, MUTED, begin, end, font, render, series_colour, text};
use crate::fmt::fx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::model::Summary;

const WIDTH: u32 = 920;

/// The last year's rank intervals, regions in nominal order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RankData {
    pub year: i64,
    /// (region, nominal, median, q05, q95)
    pub rows: Vec<(String, u32, f64, f64, f64)>,
}

pub(crate) fn rank_data(r: &RobustnessReport) -> Option<RankData> {
    let year = r.result.ranks.iter().map(|x| x.year).max()?;
    let mut rows: Vec<_> = r
        .result
        .ranks
        .iter()
        .filter(|x| x.year == year)
        .map(|x| (x.region.clone(), x.nominal, x.median, x.q05, x.q95))
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Some(RankData { year, rows })
}

pub(crate) fn rank_caption(d: &RankData, l: Lang) -> String {
    let n = d.rows.len();
    let widths: Vec<f64> = d.rows.iter().map(|r| r.4 - r.3).collect();
    let narrow = widths.iter().filter(|w| **w <= 2.0).count();
    let widest = d
        .rows
        .iter()
        .max_by(|a, b| (a.4 - a.3).total_cmp(&(b.4 - b.3)));
    let mut s = l.fill(
        "robust.ranks.cap",
        &[("year", &d.year), ("narrow", &narrow), ("n", &n)],
    );
    if let Some(w) = widest {
        s.push_str(&l.fill(
            "robust.ranks.cap.widest",
            &[("region", &w.0), ("lo", &fx(w.3, 1)), ("hi", &fx(w.4, 1))],
        ));
    }
    s.push_str(l.t("robust.stop"));
    s
}

pub(crate) fn rank_svg(d: &RankData, l: Lang) -> Result<String, ReportError> {
    let n = d.rows.len().max(1);
    let height = 380u32;
    let fmt_rank = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 && *v >= 1.0 {
            format!("{:.0}", v)
        } else {
            String::new()
        }
    };
    render(
        "fig-robust-ranks",
        l.t("robust.ranks.title"),
        (WIDTH, height),
        |root| {
            // ranks increase downwards: y is the negated rank
            let mut chart = ChartBuilder::on(root)
                .margin_top(16)
                .margin_right(24)
                .x_label_area_size(if n <= 40 { 90 } else { 30 })
                .y_label_area_size(56)
                .build_cartesian_2d(-0.5..(n as f64 - 0.5), -(n as f64 + 0.5)..-0.5)?;
            let neg = |v: &f64| fmt_rank(&-*v);
            let y = Axis {
                desc: l.t("robust.ranks.axis").into(),
                labels: n.min(12),
                grid: true,
                fmt: &neg,
            };
            mesh(root, &mut chart, &Axis::hidden(), &y)?;
            intervals(root, &mut chart, d)?;
            if n <= 40 {
                labels(root, &chart, d)?;
            }
            Ok(())
        },
    )
}

fn intervals(root: &Area, chart: &mut super::Chart, d: &RankData) -> DrawResult {
    let c = series_colour(0);
    begin(root, "intervals")?;
    for (k, r) in d.rows.iter().enumerate() {
        let x = k as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, -r.3), (x, -r.4)],
            c.stroke_width(4),
        )))?;
    }
    end(root)?;
    begin(root, "medians")?;
    for (k, r) in d.rows.iter().enumerate() {
        chart.draw_series(std::iter::once(Circle::new(
            (k as f64, -r.2),
            4,
            INK.filled(),
        )))?;
    }
    end(root)?;
    begin(root, "nominal")?;
    for (k, r) in d.rows.iter().enumerate() {
        chart.draw_series(std::iter::once(Circle::new(
            (k as f64, -f64::from(r.1)),
            7,
            MUTED.stroke_width(1),
        )))?;
    }
    end(root)
}

fn labels(root: &Area, chart: &super::Chart, d: &RankData) -> DrawResult {
    begin(root, "labels")?;
    let y0 = chart.plotting_area().get_pixel_range().1.end;
    for (k, r) in d.rows.iter().enumerate() {
        let (px, _) = chart.backend_coord(&(k as f64, -0.5));
        let name: String = r.0.chars().take(14).collect();
        let style = font(11.0)
            .color(&MUTED)
            .transform(FontTransform::Rotate90)
            .pos(plotters::style::text_anchor::Pos::new(
                HPos::Left,
                VPos::Center,
            ));
        root.draw(&Text::new(name, (px, y0 + 6), style))?;
    }
    end(root)
}

/// The Sobol indices per factor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SobolData {
    /// (factor, first order, total order); None when null.
    pub rows: Vec<(String, Option<f64>, Option<f64>)>,
    pub runs: usize,
}

pub(crate) fn sobol_data(r: &RobustnessReport) -> SobolData {
    SobolData {
        rows: r
            .result
            .sensitivity
            .iter()
            .map(|s| (s.factor.clone(), s.first_order, s.total_order))
            .collect(),
        runs: r.result.runs,
    }
}

pub(crate) fn sobol_caption(d: &SobolData, l: Lang) -> String {
    let null = l.t("robust.null");
    let parts: Vec<String> = d
        .rows
        .iter()
        .map(|(f, s, t)| {
            l.fill(
                "robust.sobol.cap.part",
                &[
                    ("factor", &factor_name(f, l)),
                    ("s", &s.map_or(null.into(), |v| fx(v, 3))),
                    ("t", &t.map_or(null.into(), |v| fx(v, 3))),
                ],
            )
        })
        .collect();
    l.fill(
        "robust.sobol.cap",
        &[("runs", &d.runs), ("parts", &parts.join(l.t("sep.clause")))],
    )
}

/// A factor's name as the report writes it (`weighting`: "赋权方法" in
/// Chinese); an unknown factor keeps its name.
pub(crate) fn factor_name(f: &str, l: Lang) -> String {
    l.opt(&format!("robust.factor.{f}"))
        .map_or_else(|| f.to_string(), str::to_string)
}

/// An alternative as the report writes it: for `exclude` the left-out
/// indicator ("without x1"), else the method's name.
pub(crate) fn alternative_name(factor: &str, alt: &str, l: Lang) -> String {
    if factor == "exclude" {
        l.fill("robust.without", &[("name", &alt)])
    } else {
        l.method_name(alt)
    }
}

pub(crate) fn sobol_svg(d: &SobolData, l: Lang) -> Result<String, ReportError> {
    let n = d.rows.len().max(1);
    let height = n as u32 * 44 + 70;
    let xmax = d
        .rows
        .iter()
        .flat_map(|r| [r.1, r.2])
        .flatten()
        .fold(1e-9f64, f64::max)
        .max(1.0)
        * 1.05;
    let fmt = |v: &f64| fx(*v, 1);
    render(
        "fig-robust-sobol",
        l.t("robust.sobol.title"),
        (WIDTH, height),
        |root| {
            let mut chart = ChartBuilder::on(root)
                .margin_top(16)
                .margin_right(24)
                .x_label_area_size(46)
                .y_label_area_size(130)
                .build_cartesian_2d(0.0..xmax, -0.5..(n as f64 - 0.5))?;
            let x = Axis {
                desc: l.t("robust.sobol.axis").into(),
                labels: 8,
                grid: true,
                fmt: &fmt,
            };
            mesh(root, &mut chart, &x, &Axis::hidden())?;
            begin(root, "bars")?;
            let (dark, light) = (series_colour(0), series_colour(0).mix(0.35));
            for (k, (_, s, t)) in d.rows.iter().enumerate() {
                let y = (n - 1 - k) as f64;
                if let Some(t) = t {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.36), (t.max(0.0), y)],
                        light.filled(),
                    )))?;
                }
                if let Some(s) = s {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y), (s.max(0.0), y + 0.36)],
                        dark.filled(),
                    )))?;
                }
            }
            end(root)?;
            begin(root, "factors")?;
            for (k, (f, _, _)) in d.rows.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(0.0, (n - 1 - k) as f64));
                text(
                    root,
                    &factor_name(f, l),
                    (px - 8, py),
                    &font(12.0).color(&INK),
                    HPos::Right,
                    VPos::Center,
                )?;
            }
            end(root)
        },
    )
}

fn opt(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| fx(v, 3))
}

/// The table of rank correlations of each alternative taken alone.
pub(crate) fn schemes_table(r: &RobustnessReport, l: Lang) -> String {
    let mut out = format!(
        "<table class=\"data\" id=\"robust-schemes\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
        l.t("robust.col.factor"),
        l.t("robust.col.alternative"),
        l.t("robust.col.spearman"),
        l.t("robust.col.kendall"),
    );
    for s in &r.schemes {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            esc(&factor_name(&s.factor, l)),
            esc(&alternative_name(&s.factor, &s.alternative, l)),
            opt(s.spearman),
            opt(s.kendall)
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The section's figures and table, or `None` without `[uncertainty]`.
pub(crate) fn parts(s: &Summary) -> Result<Option<(Vec<Figure>, String)>, ReportError> {
    let l = s.lang;
    let Some(r) = &s.robustness else {
        return Ok(None);
    };
    let mut figs = Vec::new();
    if let Some(d) = rank_data(r) {
        figs.push(figure(
            "fig-robust-ranks",
            l.t("robust.ranks.title"),
            &d,
            |d| rank_svg(d, l),
            |d| rank_caption(d, l),
        )?);
    }
    let d = sobol_data(r);
    figs.push(figure(
        "fig-robust-sobol",
        l.t("robust.sobol.title"),
        &d,
        |d| sobol_svg(d, l),
        |d| sobol_caption(d, l),
    )?);
    let factors: Vec<String> = r.result.factors.iter().map(|f| factor_name(f, l)).collect();
    let intro = format!(
        "<p>{}</p>\n",
        esc(&l.fill(
            "robust.intro",
            &[
                ("runs", &r.result.runs),
                ("n", &r.result.replications),
                ("seed", &r.seed),
                ("factors", &factors.join(l.list_sep())),
                ("y", &fx(r.result.y.mean, 3)),
                ("lo", &fx(r.result.y.q05, 3)),
                ("hi", &fx(r.result.y.q95, 3)),
            ],
        ))
    );
    Ok(Some((figs, intro + &schemes_table(r, l))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rurban_robust::{RankSummary, Robustness, SchemeCorrelation, Sensitivity, YSummary};

    fn report() -> RobustnessReport {
        let rank = |region: &str, nominal, q05, q95| RankSummary {
            region: region.into(),
            year: 2020,
            nominal,
            median: f64::from(nominal),
            q05,
            q95,
            mean_abs_shift: 0.1,
        };
        RobustnessReport {
            result: Robustness {
                replications: 10,
                runs: 40,
                factors: vec!["weighting".into(), "exclude".into()],
                ranks: vec![
                    rank("B", 2, 1.0, 3.0),
                    rank("A", 1, 1.0, 1.0),
                    rank("C", 3, 2.0, 3.0),
                ],
                sensitivity: vec![
                    Sensitivity {
                        factor: "weighting".into(),
                        first_order: Some(0.61),
                        total_order: Some(0.7),
                    },
                    Sensitivity {
                        factor: "exclude".into(),
                        first_order: None,
                        total_order: None,
                    },
                ],
                y: YSummary {
                    mean: 0.2,
                    q05: 0.0,
                    q95: 0.5,
                },
                warnings: vec![],
            },
            seed: 1,
            schemes: vec![SchemeCorrelation {
                factor: "exclude".into(),
                alternative: "x1".into(),
                spearman: Some(0.9),
                kendall: None,
            }],
        }
    }

    #[test]
    fn captions_and_table_state_the_numbers() {
        let r = report();
        let d = rank_data(&r).unwrap();
        assert_eq!(d.rows.iter().map(|x| x.1).collect::<Vec<_>>(), [1, 2, 3]);
        let c = rank_caption(&d, Lang::En);
        assert!(c.contains("at most 2 places for 3 of 3 regions"), "{c}");
        assert!(c.contains("the widest is B's, ranks 1.0 to 3.0"), "{c}");
        let c = sobol_caption(&sobol_data(&r), Lang::En);
        assert!(
            c.contains("weighting 0.610 / 0.700; exclude null / null"),
            "{c}"
        );
        let c = sobol_caption(&sobol_data(&r), Lang::Zh);
        assert!(
            c.contains("赋权方法 0.610 / 0.700；剔除指标 无 / 无"),
            "{c}"
        );
        let c = rank_caption(&d, Lang::Zh);
        assert!(
            c.contains("3 个地区中有 3 个地区")
                && c.contains("最宽的是B，介于第 1.0 至第 3.0 位。"),
            "{c}"
        );
        let t = schemes_table(&r, Lang::Zh);
        assert!(
            t.contains("<th>不确定性因素</th>")
                && t.contains("<td>剔除指标</td><td>剔除 x1</td><td class=\"num\">0.900</td>"),
            "{t}"
        );
        let t = schemes_table(&r, Lang::En);
        assert!(
            t.contains("<td>without x1</td><td class=\"num\">0.900</td><td class=\"num\">–</td>"),
            "{t}"
        );
        assert!(rank_svg(&d, Lang::En).unwrap().contains("<svg"));
        assert!(
            sobol_svg(&sobol_data(&r), Lang::Zh)
                .unwrap()
                .contains("剔除指标")
        );
        assert!(
            sobol_svg(&sobol_data(&r), Lang::En)
                .unwrap()
                .contains("<svg")
        );
    }
}
