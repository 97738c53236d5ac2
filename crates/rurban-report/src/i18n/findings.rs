//! The findings in the report's language. `summary.json` keeps its English
//! sentences (part of the contract); in another language each sentence whose
//! kind the catalogue knows (trend, disparity, sources of inequality,
//! polarisation, grey order, tiers) is written anew from the typed part of
//! the findings through the catalogue, and every other sentence (a kind
//! added later, the spatial findings) is kept in English.

use super::Lang;
use crate::fmt::{fx, pval, signed};
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
    l.fill(key, &[("p", &pval(p))])
}

/// One finding of kind `k` in the report's language.
fn write(s: &Summary, k: Kind) -> Option<String> {
    let l = s.lang;
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
            Some(l.fill(
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
            ))
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
    }
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
        assert_eq!(kind("Global Moran's I of the composite ..."), None);
        assert_eq!(kind("A finding of a kind added later."), None);
    }
}
