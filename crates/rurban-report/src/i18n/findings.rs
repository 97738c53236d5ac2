//! The findings in the report's language. `summary.json` keeps its English
//! sentences (part of the contract); in another language each sentence whose
//! kind the catalogue knows (trend, one-year cross-section, disparity,
//! sources of inequality, polarisation with its bandwidth check, grey order,
//! tiers, coupling coordination, main obstacles, robustness of the ranking,
//! and the spatial findings: Moran's I, LISA hot and cold spots, centre of
//! gravity, spatial Markov chain) is written anew from the typed parts of
//! the summary through the catalogue, and every other sentence (a kind
//! added later, or a known kind whose typed part an older summary lacks)
//! is kept in English.

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
    /// Global Moran's I of the composite, first to last year.
    Moran,
    /// The LISA hot and cold spots of the last year.
    Spots,
    /// The move of the centre of gravity.
    Gravity,
    /// The spatial Markov chain: moving up by the neighbours' level.
    Markov,
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
    } else if sentence.starts_with("Moran's I of the composite") {
        Some(Kind::Moran)
    } else if sentence.starts_with("In ") && sentence.contains(" the LISA (alpha ") {
        Some(Kind::Spots)
    } else if sentence.starts_with("From ")
        && sentence.contains(" the centre of gravity of the composite moved ")
    {
        Some(Kind::Gravity)
    } else if sentence.starts_with("Spatial Markov chain (") {
        Some(Kind::Markov)
    } else {
        None
    }
}

/// The findings to show: the summary's sentences in English; in another
/// language each known kind rewritten from its typed part (falling back to
/// the English sentence when the typed part is absent).
pub(crate) fn sentences(s: &Summary, f: &Findings) -> Vec<String> {
    in_language(s, &f.sentences)
}

/// The spatial findings of the report's spatial section (the summary's
/// spatial sentences), rewritten as [`sentences`] rewrites the findings.
pub(crate) fn spatial_sentences(s: &Summary) -> Vec<String> {
    in_language(s, &s.spatial_sentences)
}

/// English `sentences` in the report's language: each of a kind the
/// catalogue knows rewritten from its typed part, the others kept.
fn in_language(s: &Summary, sentences: &[String]) -> Vec<String> {
    if s.lang == Lang::En {
        return sentences.to_vec();
    }
    sentences
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
        Kind::Moran | Kind::Spots | Kind::Gravity | Kind::Markov => return spatial(s, k),
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
        Kind::CrossSection
        | Kind::Coupling
        | Kind::Obstacles
        | Kind::Robustness
        | Kind::Moran
        | Kind::Spots
        | Kind::Gravity
        | Kind::Markov => None,
    }
}

/// A spatial finding of kind `k` from its typed part (`findings.spatial`)
/// and the spatial object (the LISA's alpha, the centres of gravity, the
/// Markov chain's classes); `None` when a part is missing.
fn spatial(s: &Summary, k: Kind) -> Option<String> {
    let l = s.lang;
    let f = s.typed_findings.as_ref()?.spatial.as_ref()?;
    let a = s.spatial.as_ref();
    match k {
        Kind::Moran => Some(super::spatial::moran(l, f.moran.as_ref()?)),
        Kind::Spots => Some(super::spatial::spots(l, f.spots.as_ref()?, a?.alpha)),
        Kind::Gravity => super::spatial::gravity(l, f.gravity.as_ref()?, a),
        Kind::Markov => {
            let sp = a?.markov.as_ref()?.spatial.as_ref()?;
            let k = sp.counts.first()?.len();
            Some(super::spatial::markov(l, f.markov.as_ref()?, k, sp.m))
        }
        _ => None,
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
        assert_eq!(
            kind("Moran's I of the composite rose from 0.1 (p = 0.2) in 2011 ..."),
            Some(Kind::Moran)
        );
        assert_eq!(
            kind("In 2020 the LISA (alpha 0.05) finds no significant hot spots ..."),
            Some(Kind::Spots)
        );
        assert_eq!(
            kind("From 2011 to 2020 the centre of gravity of the composite moved 3.2 km ..."),
            Some(Kind::Gravity)
        );
        assert_eq!(
            kind("Spatial Markov chain (4 classes of the composite, 4 lag classes): ..."),
            Some(Kind::Markov)
        );
        assert_eq!(kind("Global Moran's I of the composite ..."), None);
        assert_eq!(kind("A finding of a kind added later."), None);
    }

    /// The summary of the example's run (examples/heilongjiang, with [geo]).
    fn example() -> Summary {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let spec =
            rurban_pipeline::read_spec(&root.join("examples/heilongjiang/index.toml")).unwrap();
        let out = rurban_pipeline::run(
            &spec,
            &rurban_pipeline::RunOptions::default(),
            &rurban_pipeline::Builtins,
        )
        .unwrap();
        Summary::check(&rurban_pipeline::output::summary(&out)).unwrap()
    }

    #[test]
    fn the_spatial_findings_are_rewritten_and_kept_when_their_parts_are_missing() {
        let mut s = example();
        let english = s.spatial_sentences.clone();
        assert_eq!(english.len(), 4, "{english:#?}");
        // The English catalogue writes the pipeline's very sentences from
        // the typed parts (same numbers, same formats) ...
        for sentence in &english {
            let k = kind(sentence).unwrap_or_else(|| panic!("unknown: {sentence}"));
            assert_eq!(write(&s, k).as_deref(), Some(sentence.as_str()));
        }
        // ... while the English report shows them verbatim.
        assert_eq!(spatial_sentences(&s), english);
        // In Chinese every one is rewritten, in the order of the summary.
        s.lang = Lang::Zh;
        let zh = spatial_sentences(&s);
        assert_eq!(zh.len(), 4);
        assert!(
            zh[0].starts_with("综合得分的全局莫兰指数（Moran's I）由 2011 年的"),
            "{}",
            zh[0]
        );
        assert!(
            zh[1].starts_with("2020 年局部空间自相关（LISA，显著性水平 0.05）"),
            "{}",
            zh[1]
        );
        assert!(
            zh[2].starts_with("2011—2020 年，综合得分的重心向"),
            "{}",
            zh[2]
        );
        assert!(zh[2].contains("，由（经度 "), "{}", zh[2]);
        assert!(
            zh[3].starts_with("空间马尔可夫链（综合得分分为 4 种类型"),
            "{}",
            zh[3]
        );
        // The findings list holds the same sentences after the others.
        let f = s.findings.clone().unwrap();
        assert!(sentences(&s, &f).ends_with(&zh));
        // An older summary without the typed parts keeps the English.
        if let Some(t) = s.typed_findings.as_mut() {
            t.spatial = None;
        }
        assert_eq!(spatial_sentences(&s), english);
        // Without the spatial object, the parts that need it stay English
        // (the LISA's alpha, the Markov chain's classes).
        let mut s = example();
        s.lang = Lang::Zh;
        s.spatial = None;
        let partly = spatial_sentences(&s);
        assert!(partly[0].starts_with("综合得分的全局莫兰指数"));
        assert_eq!(partly[1], english[1]);
        assert!(partly[2].starts_with("2011—2020 年") && !partly[2].contains("经度"));
        assert_eq!(partly[3], english[3]);
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
