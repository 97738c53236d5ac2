//! The findings of a run in words, each sentence with the number it rests on.

use serde::Serialize;

use crate::RunOutput;
use crate::analysis::Analysis;

/// Trend of the mean composite over the years.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// OLS slope of the yearly mean composite on the year.
    pub slope: f64,
    /// OLS intercept.
    pub intercept: f64,
    /// Mean composite in the first year.
    pub first_mean: f64,
    /// Mean composite in the last year.
    pub last_mean: f64,
    /// Years in which the mean composite fell from the year before.
    pub declines: Vec<i64>,
    /// `rising`, `falling` or `flat` (slope exactly 0).
    pub direction: &'static str,
}

/// Did regional gaps narrow?
#[derive(Debug, Clone, Serialize)]
pub struct DisparityFinding {
    pub cv_first: f64,
    pub cv_last: f64,
    pub change: f64,
    pub narrowed: bool,
    pub gini_first: f64,
    pub gini_last: f64,
}

/// Where the last year's inequality comes from (with a groups file).
#[derive(Debug, Clone, Serialize)]
pub struct Sources {
    /// The year decomposed (the last year of the panel).
    pub year: String,
    /// Gini of the composite that year.
    pub gini: f64,
    /// Dagum within-group part.
    pub within: f64,
    /// Dagum net between-group part.
    pub between: f64,
    /// Dagum transvariation part.
    pub transvariation: f64,
    /// The same three as shares of the Gini.
    pub within_share: f64,
    pub between_share: f64,
    pub transvariation_share: f64,
}

/// How the shape of the distribution moved.
#[derive(Debug, Clone, Serialize)]
pub struct Polarisation {
    pub peaks_first: usize,
    pub peaks_last: usize,
    pub mode_first: f64,
    pub mode_last: f64,
    pub peak_height_first: f64,
    pub peak_height_last: f64,
    pub spread_first: f64,
    pub spread_last: f64,
}

/// One dimension's grey relational grade.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionGrade {
    pub dimension: String,
    pub grade: f64,
    pub rank: usize,
}

/// Which dimension drives the composite.
#[derive(Debug, Clone, Serialize)]
pub struct GreyFinding {
    pub leading: String,
    pub leading_grade: f64,
    pub base: String,
    pub base_grade: f64,
    pub ranking: Vec<DimensionGrade>,
}

/// A region's tier.
#[derive(Debug, Clone, Serialize)]
pub struct RegionTier {
    pub region: String,
    pub tier: u64,
    pub cluster: u64,
}

/// All findings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    /// The findings as sentences.
    pub sentences: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disparity: Option<DisparityFinding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Sources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polarisation: Option<Polarisation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grey: Option<GreyFinding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<RegionTier>,
}

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
    let means: Vec<f64> = (0..ny)
        .map(|y| out.index.composite.column(y).sum() / nr as f64)
        .collect();
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
            direction,
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

    if let Some(g) = &analysis.grey {
        let mut ranking: Vec<DimensionGrade> = g
            .mean
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

    if let Some(c) = &analysis.cluster
        && let Some(labels) = c.get("labels").and_then(|l| l.as_array())
    {
        for l in labels {
            f.tiers.push(RegionTier {
                region: l
                    .get("label")
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string(),
                tier: l.get("tier").and_then(|x| x.as_u64()).unwrap_or(0),
                cluster: l.get("cluster").and_then(|x| x.as_u64()).unwrap_or(0),
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
            c.get("method").and_then(|x| x.as_str()).unwrap_or(""),
            max_tier,
            parts.join("; ")
        ));
    }
    f
}
