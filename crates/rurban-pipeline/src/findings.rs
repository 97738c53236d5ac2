//! The findings of a run in words, each sentence with the number it rests on.
//!
//! Every sentence that states a direction of change (the mean composite
//! rising, the regional gaps narrowing, the number of density peaks
//! growing, Moran's I rising) rests on the Mann-Kendall test (alpha 0.05) of
//! the yearly series it describes (`rurban_trend::yearly_change`) and
//! quotes its p value (`p = 0.012`, `p < 0.001`), or says `no significant
//! change`. Polarisation (density peaks) is worded as an observation at the
//! bandwidths used.

use crate::RunOutput;
use crate::analysis::Analysis;
pub use rurban_results::findings::{
    DimensionGrade, DisparityFinding, Findings, GreyFinding, Polarisation, RegionTier, Sources,
    Trend,
};
use rurban_trend::{Direction, YearlyChange, yearly_change};

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

/// The Mann-Kendall verdict on a yearly series; `None` when the series is
/// too short for the test (fewer than 3 years).
fn change(name: &str, years: &[i64], values: &[f64], up: &str, down: &str) -> Option<YearlyChange> {
    yearly_change(name, years, values, up, down).ok()
}

/// What a finding says without a test: fewer than 3 years.
const UNTESTED: &str = "too few years for a trend test";

/// Derives the findings from a run and its analysis.
pub fn findings(out: &RunOutput, analysis: &Analysis) -> Findings {
    let mut f = Findings::default();
    if out.panel.years.is_empty() || out.panel.regions.is_empty() {
        return f;
    }
    trend_finding(out, &mut f);
    if let Some(d) = &analysis.disparity {
        disparity_finding(d, &mut f);
        sources_finding(d, &mut f);
    }
    if let Some(k) = &analysis.kde {
        polarisation_finding(k, &mut f);
    }
    grey_finding(analysis, &mut f);
    tier_finding(analysis, &mut f);
    f.sentences.extend(crate::construction::findings(out));
    if let Some(sp) = &analysis.spatial {
        let s = crate::spatial::spatial_findings(sp);
        f.sentences.extend(s.sentences.iter().cloned());
        f.spatial = Some(s);
    }
    f
}

/// The mean composite over the years: its Mann-Kendall direction, the
/// first and last mean and the years it fell from the year before.
fn trend_finding(out: &RunOutput, f: &mut Findings) {
    let years = &out.panel.years;
    let ny = years.len();
    if ny < 2 {
        return;
    }
    let means: Vec<f64> = out.yearly.iter().map(|s| s.mean).collect();
    let (first, last) = (years[0], years[ny - 1]);
    let x: Vec<f64> = years.iter().map(|&y| y as f64).collect();
    let (slope, intercept) = ols(&x, &means);
    let declines: Vec<i64> = (1..ny)
        .filter(|&y| means[y] < means[y - 1])
        .map(|y| years[y])
        .collect();
    let c = change("mean composite", years, &means, "rising", "falling");
    let (direction, verdict) = match &c {
        Some(c) => (
            match c.direction {
                Direction::Increasing => "rising",
                Direction::Decreasing => "falling",
                Direction::NoTrend => "no significant change",
            },
            c.phrase.clone(),
        ),
        None => ("untested", UNTESTED.to_string()),
    };
    let mut s = format!(
        "The mean composite score went from {} in {first} to {} in {last}: {verdict}",
        f4(means[0]),
        f4(means[ny - 1]),
    );
    if declines.is_empty() {
        s.push_str(", with no year-on-year decline.");
    } else {
        let ys: Vec<String> = declines
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
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
        mann_kendall_p: c.map(|c| c.mann_kendall.p),
    });
}

/// The regional gaps: the yearly CV of the composite (sigma convergence)
/// by its Mann-Kendall test, with the first and last CV and Gini.
fn disparity_finding(d: &rurban_results::DisparityAnalysis, f: &mut Findings) {
    let g = &d.composite.groups;
    if g.len() < 2 {
        return;
    }
    let (a, b) = (&g[0], &g[g.len() - 1]);
    let years: Vec<i64> = g.iter().map(|x| x.key.parse().unwrap_or(0)).collect();
    let cvs: Vec<f64> = g.iter().map(|x| x.cv).collect();
    let c = change("CV of the composite", &years, &cvs, "widening", "narrowing");
    let narrowed = c
        .as_ref()
        .is_some_and(|c| c.direction == Direction::Decreasing);
    let lead = match c.as_ref().map(|c| c.direction) {
        Some(Direction::Decreasing) => "Regional gaps narrowed (sigma convergence)",
        Some(Direction::Increasing) => "Regional gaps widened (sigma divergence)",
        _ => "Regional gaps",
    };
    let verdict = c
        .as_ref()
        .map_or(UNTESTED.to_string(), |c| c.phrase.clone());
    f.sentences.push(format!(
        "{lead}: the coefficient of variation of the composite went from {} in {} to {} in {} ({:+.4}), the Gini coefficient from {} to {}; the yearly CV series: {verdict}.",
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
        mann_kendall_p: c.as_ref().map(|c| c.mann_kendall.p),
        direction: c.map(|c| c.direction),
    });
}

/// Where the last year's inequality comes from (Dagum decomposition, with
/// groups).
fn sources_finding(d: &rurban_results::DisparityAnalysis, f: &mut Findings) {
    let g = &d.composite.groups;
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

/// The shape of the composite's density: the main peak and the number of
/// peaks in the first and last year, observed at the bandwidths used, and
/// the Mann-Kendall test of the yearly number of peaks.
fn polarisation_finding(k: &rurban_kde::KdeResult, f: &mut Findings) {
    if k.groups.len() < 2 {
        return;
    }
    let (a, b) = (&k.groups[0], &k.groups[k.groups.len() - 1]);
    let years: Vec<i64> = k
        .groups
        .iter()
        .map(|g| g.key.parse().unwrap_or(0))
        .collect();
    let peaks: Vec<f64> = k.groups.iter().map(|g| g.peaks.len() as f64).collect();
    let c = change(
        "number of density peaks",
        &years,
        &peaks,
        "growing",
        "shrinking",
    );
    let verdict = c
        .as_ref()
        .map_or(UNTESTED.to_string(), |c| c.phrase.clone());
    let (bmin, bmax) = k
        .groups
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), g| {
            (lo.min(g.bandwidth), hi.max(g.bandwidth))
        });
    f.sentences.push(format!(
        "Observed in the density of the composite (bandwidths {} to {}): the main peak lies at {} in {} and at {} in {} (height {} to {}, spread {} to {}), with {} peak(s) in {} and {} in {}; the yearly number of peaks: {verdict}.",
        f4(bmin),
        f4(bmax),
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
        peaks_mann_kendall_p: c.map(|c| c.mann_kendall.p),
    });
}

/// Which dimension leads the composite by grey relational grade.
fn grey_finding(analysis: &Analysis, f: &mut Findings) {
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
}

/// The tiers of the regions' composite series.
fn tier_finding(analysis: &Analysis, f: &mut Findings) {
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
}
