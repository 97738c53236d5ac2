//! The findings of a run in words, each sentence with the number it rests on.

// A few spots in this module predate the workspace lints; they are being
// reworked together with the module, so the lints wait for that.
#![allow(clippy::redundant_closure_for_method_calls)]

use crate::RunOutput;
use crate::analysis::Analysis;
pub use rurban_results::findings::{
    DimensionGrade, DisparityFinding, Findings, GreyFinding, Polarisation, RegionTier, Sources,
    Trend,
};

/// OLS of y on x: (slope, intercept).
fn ols(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

fn f4(x: f64) -> String {
    format!("{x:.4}")
}

/// Derives the findings from a run and its analysis.
pub fn findings(out: &RunOutput, analysis: &Analysis) -> Findings {
    let mut f = Findings::default();
    let years = &out.panel.years;
    let ny = years.len();
    let nr = out.panel.regions.len();
    if ny == 0 || nr == 0 {
        return f;
    }
    let means: Vec<f64> = out.yearly.iter().map(|s| s.mean).collect();
    let (first, last) = (years[0], years[ny - 1]);

    if ny >= 2 {
        let x: Vec<f64> = years.iter().map(|&y| y as f64).collect();
        let (slope, intercept) = ols(&x, &means);
        let declines: Vec<i64> = (1..ny)
            .filter(|&y| means[y] < means[y - 1])
            .map(|y| years[y])
            .collect();
        let direction = if slope > 0.0 {
            "rising"
        } else if slope < 0.0 {
            "falling"
        } else {
            "flat"
        };
        let mut s = format!(
            "The mean composite score is {direction}: from {} in {first} to {} in {last}, a linear trend of {slope:+.4} per year",
            f4(means[0]),
            f4(means[ny - 1]),
        );
        if declines.is_empty() {
            s.push_str(", with no year-on-year decline.");
        } else {
            let ys: Vec<String> = declines.iter().map(|y| y.to_string()).collect();
            s.push_str(&format!(", with short-term declines in {}.", ys.join(", ")));
        }
        f.sentences.push(s);
        f.trend = Some(Trend {
            slope,
            intercept,
            first_mean: means[0],
            last_mean: means[ny - 1],
            declines,
            direction: direction.to_string(),
        });
    }

    if let Some(d) = &analysis.disparity {
        let g = &d.composite.groups;
        if g.len() >= 2 {
            let (a, b) = (&g[0], &g[g.len() - 1]);
            let narrowed = b.cv < a.cv;
            f.sentences.push(format!(
                "Regional gaps {}: the coefficient of variation of the composite went from {} in {} to {} in {} ({:+.4}), the Gini coefficient from {} to {}.",
                if narrowed { "narrowed" } else { "widened" },
                f4(a.cv),
                a.key,
                f4(b.cv),
                b.key,
                b.cv - a.cv,
                f4(a.gini),
                f4(b.gini)
            ));
            f.disparity = Some(DisparityFinding {
                cv_first: a.cv,
                cv_last: b.cv,
                change: b.cv - a.cv,
                narrowed,
                gini_first: a.gini,
                gini_last: b.gini,
            });
        }
        if let Some(last) = g.last()
            && let Some(dg) = &last.dagum
            && dg.total > 0.0
        {
            let share = |x: f64| x / dg.total;
            let mut parts = [
                ("within groups", dg.within),
                ("between groups", dg.between),
                ("transvariation (overlap between groups)", dg.transvariation),
            ];
            parts.sort_by(|a, b| b.1.total_cmp(&a.1));
            f.sentences.push(format!(
                "In {} the Gini coefficient of the composite, {}, comes mostly from {}: within groups {} ({:.1}%), between groups {} ({:.1}%), transvariation {} ({:.1}%) (Dagum decomposition).",
                last.key,
                f4(dg.total),
                parts[0].0,
                f4(dg.within),
                100.0 * share(dg.within),
                f4(dg.between),
                100.0 * share(dg.between),
                f4(dg.transvariation),
                100.0 * share(dg.transvariation),
            ));
            f.sources = Some(Sources {
                year: last.key.clone(),
                gini: dg.total,
                within: dg.within,
                between: dg.between,
                transvariation: dg.transvariation,
                within_share: share(dg.within),
                between_share: share(dg.between),
                transvariation_share: share(dg.transvariation),
            });
        }
    }

    if let Some(k) = &analysis.kde
        && k.groups.len() >= 2
    {
        let (a, b) = (&k.groups[0], &k.groups[k.groups.len() - 1]);
        let shape = match b.peaks.len().cmp(&a.peaks.len()) {
            std::cmp::Ordering::Greater => "more peaks: signs of polarisation",
            std::cmp::Ordering::Less => "fewer peaks: the distribution became less polarised",
            std::cmp::Ordering::Equal => "the same number of peaks",
        };
        f.sentences.push(format!(
                "The distribution of the composite moved {}: its main peak from {} in {} to {} in {} (height {} to {}, spread {} to {}), with {} peak(s) in {} and {} in {}, {}.",
                if b.mode > a.mode { "right" } else if b.mode < a.mode { "left" } else { "neither left nor right" },
                f4(a.mode),
                a.key,
                f4(b.mode),
                b.key,
                f4(a.peak_height),
                f4(b.peak_height),
                f4(a.spread),
                f4(b.spread),
                a.peaks.len(),
                a.key,
                b.peaks.len(),
                b.key,
                shape
            ));
        f.polarisation = Some(Polarisation {
            peaks_first: a.peaks.len(),
            peaks_last: b.peaks.len(),
            mode_first: a.mode,
            mode_last: b.mode,
            peak_height_first: a.peak_height,
            peak_height_last: b.peak_height,
            spread_first: a.spread,
            spread_last: b.spread,
        });
    }

    if let Some(mean) = analysis.grey.as_ref().and_then(|g| g.mean.as_ref()) {
        let mut ranking: Vec<DimensionGrade> = mean
            .grades
            .iter()
            .map(|x| DimensionGrade {
                dimension: x.column.clone(),
                grade: x.grade,
                rank: x.rank,
            })
            .collect();
        ranking.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| a.dimension.cmp(&b.dimension))
        });
        if let (Some(top), Some(bottom)) = (ranking.first().cloned(), ranking.last().cloned()) {
            let order: Vec<String> = ranking
                .iter()
                .map(|r| format!("{} ({})", r.dimension, f4(r.grade)))
                .collect();
            f.sentences.push(format!(
                "By grey relational grade with the composite, '{}' leads ({}) and '{}' is the base ({}); the full order is {}.",
                top.dimension,
                f4(top.grade),
                bottom.dimension,
                f4(bottom.grade),
                order.join(" > ")
            ));
            f.grey = Some(GreyFinding {
                leading: top.dimension,
                leading_grade: top.grade,
                base: bottom.dimension,
                base_grade: bottom.grade,
                ranking,
            });
        }
    }

    if let Some(c) = &analysis.cluster {
        for l in &c.labels {
            f.tiers.push(RegionTier {
                region: l.label.clone(),
                tier: l.tier,
                cluster: l.cluster,
            });
        }
        let max_tier = f.tiers.iter().map(|t| t.tier).max().unwrap_or(0);
        let parts: Vec<String> = (1..=max_tier)
            .map(|t| {
                let members: Vec<&str> = f
                    .tiers
                    .iter()
                    .filter(|x| x.tier == t)
                    .map(|x| x.region.as_str())
                    .collect();
                // A sentence names at most 12 members per tier; the full
                // list is in `tiers` and clusters.csv.
                const SHOWN: usize = 12;
                let mut named = members[..members.len().min(SHOWN)].join(", ");
                if members.len() > SHOWN {
                    named.push_str(&format!(" and {} more", members.len() - SHOWN));
                }
                format!("tier {t} ({} regions): {named}", members.len())
            })
            .collect();
        f.sentences.push(format!(
            "Clustering the regions' composite series ({}, k = {}) gives {}.",
            c.method.name(),
            max_tier,
            parts.join("; ")
        ));
    }
    f
}
