//! The findings in the report's language. `summary.json` keeps its English
//! sentences (part of the contract); in another language each sentence whose
//! kind the catalogue knows (trend, one-year cross-section, disparity,
//! sources of inequality, polarisation with its bandwidth check, grey order,
//! tiers, coupling coordination, main obstacles, robustness of the ranking)
//! is written anew from the typed parts of the summary through the
//! catalogue, and every other sentence (a kind added later, the spatial
//! findings) is kept in English.

use super::Lang;
use crate::fmt::{fx, signed};
use crate::model::{Findings, Summary};
use rurban_results::findings as typed;

/// The kinds of finding the catalogue can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The mean composite over the years.
    Trend,
    /// Regional gaps (CV and Gini).
    Disparity,
    /// Sources of the last year's inequality (Dagum).
    Sources,
    /// The shape of the density.
    Polarisation,
    /// The grey relational order of the dimensions.
    Grey,
    /// The tiers of the clustering.
    Tiers,
    /// A one-year panel: the year's range, mean and disparity.
    CrossSection,
    /// The mean coupling coordination degree over the years.
    Coupling,
    /// The three largest obstacles of each region in the last year.
    Obstacles,
    /// The robustness of the ranking to the uncertain assumptions.
    Robustness,
}

/// The kind of an English sentence of the pipeline, by how it begins;
/// `None` for a sentence the catalogue does not know.
pub(crate) fn kind(sentence: &str) -> Option<Kind> {
    if sentence.starts_with("The mean composite score went from") {
        Some(Kind::Trend)
    } else if sentence.starts_with("Regional gaps") {
        Some(Kind::Disparity)
    } else if sentence.starts_with("In ")
        && sentence.contains("the Gini coefficient of the composite")
    {
        Some(Kind::Sources)
    } else if sentence.starts_with("Observed in the density of the composite") {
        Some(Kind::Polarisation)
    } else if sentence.starts_with("By grey relational grade") {
        Some(Kind::Grey)
    } else if sentence.starts_with("Clustering the regions'") {
        Some(Kind::Tiers)
    } else if sentence.starts_with("One year (") {
        Some(Kind::CrossSection)
    } else if sentence.starts_with("The mean coupling coordination degree D") {
        Some(Kind::Coupling)
    } else if sentence.starts_with("The three largest obstacles") {
        Some(Kind::Obstacles)
    } else if sentence.starts_with("Under the uncertain assumptions") {
        Some(Kind::Robustness)
    } else {
        None
    }
}

/// The findings to show: the summary's sentences in English; in another
/// language each known kind rewritten from its typed part (falling back to
/// the English sentence when the typed part is absent).
pub(crate) fn sentences(s: &Summary, f: &Findings) -> Vec<String> {
    if s.lang == Lang::En {
        return f.sentences.clone();
    }
    f.sentences
        .iter()
        .map(|sentence| {
            kind(sentence)
                .and_then(|k| write(s, k))
                .unwrap_or_else(|| sentence.clone())
        })
        .collect()
}

/// The verdict of a Mann-Kendall test on a series, from its direction
/// (`increasing`/`rising`, `decreasing`/`falling`, anything else: no
/// significant trend) and p value.
fn verdict(l: Lang, direction: Option<&str>, p: Option<f64>) -> String {
    let Some(p) = p else {
        return l.t("finding.untested").to_string();
    };
    let key = match direction {
        Some("increasing" | "rising") => "finding.mk_up",
        Some("decreasing" | "falling") => "finding.mk_down",
        _ => "finding.mk_none",
    };
    // as the English findings quote it: `p = 0.012` or `p < 0.001`
    l.fill(key, &[("p", &rurban_trend::format_p(p))])
}

/// One finding of kind `k` in the report's language.
fn write(s: &Summary, k: Kind) -> Option<String> {
    let l = s.lang;
    match k {
        Kind::CrossSection => return cross_section(s),
        Kind::Coupling => return coupling(s),
        Kind::Obstacles => return obstacles(s),
        Kind::Robustness => return robustness(s),
        _ => {}
    }
    let f = s.typed_findings.as_ref()?;
    let (y0, y1) = (s.years[0], s.years[s.years.len() - 1]);
    match k {
        Kind::Trend => {
            let t = f.trend.as_ref()?;
            let declines = if t.declines.is_empty() {
                l.t("finding.trend.no_decline").to_string()
            } else {
                let ys: Vec<String> = t.declines.iter().map(ToString::to_string).collect();
                l.fill(
                    "finding.trend.declines",
                    &[("years", &ys.join(l.list_sep()))],
                )
            };
            Some(l.fill(
                "finding.trend",
                &[
                    ("y0", &y0),
                    ("y1", &y1),
                    ("m0", &fx(t.first_mean, 4)),
                    ("m1", &fx(t.last_mean, 4)),
                    (
                        "verdict",
                        &verdict(l, Some(t.direction.as_str()), t.mann_kendall_p),
                    ),
                    ("declines", &declines),
                ],
            ))
        }
        Kind::Disparity => {
            let d = f.disparity.as_ref()?;
            let dir = d
                .direction
                .and_then(|x| serde_json::to_value(x).ok())
                .and_then(|v| v.as_str().map(str::to_string));
            let lead = match dir.as_deref() {
                Some("decreasing") => "finding.gaps.narrowed",
                Some("increasing") => "finding.gaps.widened",
                _ => "finding.gaps",
            };
            Some(l.fill(
                "finding.disparity",
                &[
                    ("lead", &l.t(lead)),
                    ("y0", &y0),
                    ("y1", &y1),
                    ("cv0", &fx(d.cv_first, 4)),
                    ("cv1", &fx(d.cv_last, 4)),
                    ("change", &signed(d.change, 4)),
                    ("g0", &fx(d.gini_first, 4)),
                    ("g1", &fx(d.gini_last, 4)),
                    ("verdict", &verdict(l, dir.as_deref(), d.mann_kendall_p)),
                ],
            ))
        }
        Kind::Sources => {
            let x: &typed::Sources = f.sources.as_ref()?;
            let mut parts = [
                ("dagum.within", x.within),
                ("dagum.between", x.between),
                ("dagum.transvariation", x.transvariation),
            ];
            parts.sort_by(|a, b| b.1.total_cmp(&a.1));
            let p1 = |v: f64| format!("{:.1}", 100.0 * v);
            Some(l.fill(
                "finding.sources",
                &[
                    ("year", &x.year),
                    ("g", &fx(x.gini, 4)),
                    ("main", &l.t(parts[0].0)),
                    ("w", &fx(x.within, 4)),
                    ("wp", &p1(x.within_share)),
                    ("b", &fx(x.between, 4)),
                    ("bp", &p1(x.between_share)),
                    ("t", &fx(x.transvariation, 4)),
                    ("tp", &p1(x.transvariation_share)),
                ],
            ))
        }
        Kind::Polarisation => {
            let p = f.polarisation.as_ref()?;
            let dir = p.peaks_mann_kendall_p.map(|_| {
                // The direction of the peaks' test is not stored; the p
                // value and the end points say enough.
                if p.peaks_last > p.peaks_first {
                    "increasing"
                } else if p.peaks_last < p.peaks_first {
                    "decreasing"
                } else {
                    "none"
                }
            });
            let verdict = match (p.peaks_mann_kendall_p, dir) {
                (Some(pv), Some(d)) if pv <= 0.05 => verdict(l, Some(d), Some(pv)),
                (pv, _) => verdict(l, None, pv),
            };
            let mut sentence = l.fill(
                "finding.polarisation",
                &[
                    ("y0", &y0),
                    ("y1", &y1),
                    ("m0", &fx(p.mode_first, 4)),
                    ("m1", &fx(p.mode_last, 4)),
                    ("h0", &fx(p.peak_height_first, 4)),
                    ("h1", &fx(p.peak_height_last, 4)),
                    ("s0", &fx(p.spread_first, 4)),
                    ("s1", &fx(p.spread_last, 4)),
                    ("p0", &p.peaks_first),
                    ("p1", &p.peaks_last),
                    ("verdict", &verdict),
                ],
            );
            sentence.push_str(&bandwidth_check(l, p));
            Some(sentence)
        }
        Kind::Grey => {
            let g = f.grey.as_ref()?;
            let order: Vec<String> = g
                .ranking
                .iter()
                .map(|r| format!("{}（{}）", s.dim_name(&r.dimension), fx(r.grade, 4)))
                .map(|x| {
                    if l.is_zh() {
                        x
                    } else {
                        x.replace('（', " (").replace('）', ")")
                    }
                })
                .collect();
            Some(l.fill(
                "finding.grey",
                &[
                    ("lead", &s.dim_name(&g.leading)),
                    ("lg", &fx(g.leading_grade, 4)),
                    ("base", &s.dim_name(&g.base)),
                    ("bg", &fx(g.base_grade, 4)),
                    ("order", &order.join(" > ")),
                ],
            ))
        }
        Kind::Tiers => {
            if f.tiers.is_empty() {
                return None;
            }
            let max_tier = f.tiers.iter().map(|t| t.tier).max().unwrap_or(0);
            const SHOWN: usize = 12;
            let parts: Vec<String> = (1..=max_tier)
                .map(|t| {
                    let members: Vec<&str> = f
                        .tiers
                        .iter()
                        .filter(|x| x.tier == t)
                        .map(|x| x.region.as_str())
                        .collect();
                    let mut named = members[..members.len().min(SHOWN)].join(l.list_sep());
                    if members.len() > SHOWN {
                        named.push_str(
                            &l.fill("finding.tiers.more", &[("more", &(members.len() - SHOWN))]),
                        );
                    }
                    l.fill(
                        "finding.tiers.part",
                        &[("t", &t), ("n", &members.len()), ("names", &named)],
                    )
                })
                .collect();
            let method = s
                .analysis
                .cluster
                .as_ref()
                .and_then(|c| c.method.clone())
                .map(|m| l.method_name(&m))
                .unwrap_or_default();
            Some(l.fill(
                "finding.tiers",
                &[
                    ("method", &method),
                    ("k", &max_tier),
                    ("parts", &parts.join(l.t("sep.clause"))),
                ],
            ))
        }
        Kind::CrossSection | Kind::Coupling | Kind::Obstacles | Kind::Robustness => None,
    }
}

/// Whether the peak counts hold at 0.75 to 1.5 times the chosen bandwidth
/// (empty without the check).
fn bandwidth_check(l: Lang, p: &typed::Polarisation) -> String {
    let checks = &p.bandwidth_check;
    if checks.is_empty() {
        return String::new();
    }
    let held: Vec<String> = checks
        .iter()
        .filter(|c| p.holds(c))
        .map(|c| format!("{:.2}", c.multiple))
        .collect();
    if held.len() == checks.len() {
        return l.t("finding.peaks.hold").to_string();
    }
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !p.holds(c))
        .map(|c| {
            let m = format!("{:.2}", c.multiple);
            match (c.first, c.last) {
                (Some(a), Some(b)) => {
                    l.fill("finding.peaks.failed", &[("c", &m), ("a", &a), ("b", &b)])
                }
                _ => l.fill("finding.peaks.failed_na", &[("c", &m)]),
            }
        })
        .collect();
    let failed = failed.join(l.t("sep.clause"));
    if held.len() <= 1 {
        l.fill("finding.peaks.artefact", &[("failed", &failed)])
    } else {
        l.fill(
            "finding.peaks.only",
            &[("held", &held.join(l.list_sep())), ("failed", &failed)],
        )
    }
}

/// A one-year panel: the composite's range, its leading and last regions,
/// its mean and, when the disparity step ran, its CV and Gini.
fn cross_section(s: &Summary) -> Option<String> {
    let l = s.lang;
    let stats = s.yearly.first()?;
    let nr = s.regions.len();
    let order = rurban_results::stats::ranking(nr, |r| s.composite[r][0]);
    let (&top, &bottom) = (order.first()?, order.last()?);
    let inequality = s
        .analysis
        .disparity_composite
        .as_ref()
        .and_then(|d| d.groups.first())
        .map(|g| {
            l.fill(
                "finding.cross_section.inequality",
                &[("cv", &fx(g.cv, 4)), ("g", &fx(g.gini, 4))],
            )
        })
        .unwrap_or_default();
    Some(l.fill(
        "finding.cross_section",
        &[
            ("year", &stats.year),
            ("min", &fx(stats.min, 4)),
            ("bottom", &s.regions[bottom]),
            ("max", &fx(stats.max, 4)),
            ("top", &s.regions[top]),
            ("n", &nr),
            ("mean", &fx(stats.mean, 4)),
            ("inequality", &inequality),
        ],
    ))
}

/// The mean coupling coordination degree D over the regions, first and
/// last year with their levels, and its Mann-Kendall test (3 years or
/// more).
fn coupling(s: &Summary) -> Option<String> {
    use crate::construction::{level_name, level_of};
    let l = s.lang;
    let c = s.coupling.as_ref()?;
    let years = &s.years;
    let (&y0, &y1) = (years.first()?, years.last()?);
    let means: Vec<f64> = years
        .iter()
        .map(|&y| {
            let ds: Vec<f64> = c.rows().filter(|r| r.year == y).map(|r| r.d).collect();
            ds.iter().sum::<f64>() / ds.len().max(1) as f64
        })
        .collect();
    let dims: Vec<&str> = c.dimensions.iter().map(|d| s.dim_name(d)).collect();
    let dims = dims.join(l.list_sep());
    let (d0, d1) = (means[0], means[means.len() - 1]);
    if years.len() < 2 {
        return Some(l.fill(
            "finding.coupling1",
            &[
                ("dims", &dims),
                ("y1", &y1),
                ("d1", &fx(d1, 4)),
                ("l1", &level_name(l, level_of(d1))),
            ],
        ));
    }
    let test = (years.len() >= 3)
        .then(|| rurban_trend::yearly_change("coupling", years, &means, "rising", "falling").ok())
        .flatten();
    let verdict = match test {
        Some(t) => {
            let dir = match t.direction {
                rurban_trend::Direction::Increasing => "increasing",
                rurban_trend::Direction::Decreasing => "decreasing",
                rurban_trend::Direction::NoTrend => "none",
            };
            verdict(l, Some(dir), Some(t.mann_kendall.p))
        }
        None => verdict(l, None, None),
    };
    Some(l.fill(
        "finding.coupling",
        &[
            ("dims", &dims),
            ("y0", &y0),
            ("y1", &y1),
            ("d0", &fx(d0, 4)),
            ("d1", &fx(d1, 4)),
            ("l0", &level_name(l, level_of(d0))),
            ("l1", &level_name(l, level_of(d1))),
            ("verdict", &verdict),
        ],
    ))
}

/// The three largest indicator obstacles of each region in the last year.
fn obstacles(s: &Summary) -> Option<String> {
    let l = s.lang;
    let o = s.obstacle.as_ref()?;
    let &year = s.years.last()?;
    let mut largest = o.largest_in_year(year, 3);
    let parts: Vec<String> = s
        .regions
        .iter()
        .filter_map(|region| {
            let top = largest.remove(region.as_str()).unwrap_or_default();
            if top.is_empty() {
                return None;
            }
            let items: Vec<String> = top
                .iter()
                .map(|(i, v)| {
                    l.fill(
                        "finding.obstacles.item",
                        &[
                            ("name", &indicator_name(s, i)),
                            ("p", &format!("{:.1}", 100.0 * v)),
                        ],
                    )
                })
                .collect();
            Some(l.fill(
                "finding.obstacles.part",
                &[("region", region), ("items", &items.join(l.list_sep()))],
            ))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(l.fill(
        "finding.obstacles",
        &[("year", &year), ("parts", &parts.join(l.t("sep.clause")))],
    ))
}

/// An indicator's name (its id when it has none).
fn indicator_name<'a>(s: &'a Summary, id: &'a str) -> &'a str {
    s.dimensions
        .iter()
        .flat_map(|d| &d.indicators)
        .find(|i| i.id == id && !i.name.is_empty())
        .map_or(id, |i| i.name.as_str())
}

/// How robust the last year's ranking is: the width of the 90 % rank
/// intervals, the mean rank shift and the factor with the largest
/// first-order Sobol index.
fn robustness(s: &Summary) -> Option<String> {
    use crate::charts::robustness::factor_name;
    let l = s.lang;
    let res = &s.robustness.as_ref()?.result;
    let last = res.ranks.iter().map(|x| x.year).max()?;
    let rows: Vec<_> = res.ranks.iter().filter(|x| x.year == last).collect();
    let narrow = rows.iter().filter(|x| x.q95 - x.q05 <= 2.0).count();
    let widest = rows.iter().map(|x| x.q95 - x.q05).fold(0.0f64, f64::max);
    let factors: Vec<String> = res.factors.iter().map(|f| factor_name(f, l)).collect();
    let mut out = l.fill(
        "finding.robust",
        &[
            ("factors", &factors.join(l.list_sep())),
            ("runs", &res.runs),
            ("year", &last),
            ("narrow", &narrow),
            ("n", &rows.len()),
            ("widest", &format!("{widest:.1}")),
            ("y", &fx(res.y.mean, 4)),
            ("lo", &fx(res.y.q05, 4)),
            ("hi", &fx(res.y.q95, 4)),
        ],
    );
    let top = res
        .sensitivity
        .iter()
        .filter_map(|x| x.first_order.map(|s1| (x, s1)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match top {
        Some((x, s1)) => {
            let factor = match x.factor.as_str() {
                "weights" => l.t("finding.robust.factor.weights").to_string(),
                "exclude" => l.t("finding.robust.factor.exclude").to_string(),
                other => l.fill(
                    "finding.robust.factor.other",
                    &[("name", &factor_name(other, l))],
                ),
            };
            let st = x.total_order.unwrap_or(f64::NAN);
            out.push_str(&l.fill(
                "finding.robust.top",
                &[
                    ("factor", &factor),
                    ("s1p", &format!("{:.0}", 100.0 * s1)),
                    ("s1", &fx(s1, 4)),
                    ("stp", &format!("{:.0}", 100.0 * st)),
                    ("st", &fx(st, 4)),
                ],
            ));
        }
        None => out.push_str(l.t("finding.robust.none")),
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipeline_sentences_are_recognised_and_others_are_not() {
        assert_eq!(
            kind("The mean composite score went from 0.2 in 2011 to 0.3 in 2020: x."),
            Some(Kind::Trend)
        );
        assert_eq!(
            kind("Regional gaps narrowed (sigma convergence): the ..."),
            Some(Kind::Disparity)
        );
        assert_eq!(
            kind("In 2020 the Gini coefficient of the composite, 0.2, comes mostly from ..."),
            Some(Kind::Sources)
        );
        assert_eq!(
            kind("Observed in the density of the composite (bandwidths ...)"),
            Some(Kind::Polarisation)
        );
        assert_eq!(
            kind("By grey relational grade with the composite, 'a' leads"),
            Some(Kind::Grey)
        );
        assert_eq!(
            kind("Clustering the regions' composite series (ward, k = 3) gives ..."),
            Some(Kind::Tiers)
        );
        assert_eq!(
            kind("One year (2020), so nothing is said about change over time: ..."),
            Some(Kind::CrossSection)
        );
        assert_eq!(
            kind("The mean coupling coordination degree D of a, b went from ..."),
            Some(Kind::Coupling)
        );
        assert_eq!(
            kind("The three largest obstacles (obstacle degree) of each region in 2020: ..."),
            Some(Kind::Obstacles)
        );
        assert_eq!(
            kind("Under the uncertain assumptions (weighting; 40 runs), ..."),
            Some(Kind::Robustness)
        );
        assert_eq!(kind("Global Moran's I of the composite ..."), None);
        assert_eq!(kind("A finding of a kind added later."), None);
    }

    fn polarisation(checks: &[(f64, Option<usize>, Option<usize>)]) -> typed::Polarisation {
        typed::Polarisation {
            peaks_first: 1,
            peaks_last: 2,
            bandwidth_check: checks
                .iter()
                .map(|&(multiple, first, last)| typed::PeakCheck {
                    multiple,
                    first,
                    last,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_bandwidth_check_reads_as_the_pipeline_writes_it() {
        // Held at every multiple; at two; at one only; no check at all.
        let all = polarisation(&[(0.75, Some(1), Some(2)), (1.5, Some(1), Some(2))]);
        assert_eq!(
            bandwidth_check(Lang::En, &all),
            " These peak counts hold at every bandwidth from 0.75 to 1.5 times the chosen one."
        );
        let some = polarisation(&[
            (0.75, Some(2), Some(2)),
            (1.0, Some(1), Some(2)),
            (1.25, Some(1), Some(2)),
            (1.5, None, Some(1)),
        ]);
        assert_eq!(
            bandwidth_check(Lang::En, &some),
            " These peak counts hold only at 1.00, 1.25 times the chosen bandwidth (0.75 times: 2 and 2; 1.50 times: not computable)."
        );
        assert_eq!(
            bandwidth_check(Lang::Zh, &some),
            "上述波峰数仅在所选带宽的 1.00、1.25 倍时成立（0.75 倍时为 2 个和 2 个；1.50 倍时无法计算）。"
        );
        let one = polarisation(&[(0.75, Some(3), Some(2)), (1.0, Some(1), Some(2))]);
        assert!(
            bandwidth_check(Lang::Zh, &one).contains("应视为带宽选择的结果"),
            "{}",
            bandwidth_check(Lang::Zh, &one)
        );
        assert_eq!(bandwidth_check(Lang::Zh, &polarisation(&[])), "");
    }
}
