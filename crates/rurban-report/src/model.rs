//! The report's view of a run's typed summary ([`rurban_results::Summary`]):
//! checked for consistency (every score's region and year known, no
//! region-year twice, merges that build a tree, ...), the scores put on the
//! region x year grid, and each section in the form the charts and tables
//! draw from. Every analysis section is optional.

use std::collections::HashMap;

use rurban_results as res;

use crate::ReportError;

/// One indicator of the index system.
#[derive(Debug, Clone)]
pub(crate) struct Indicator {
    pub id: String,
    pub name: String,
    pub direction: String,
    pub unit: String,
    pub weight: f64,
}

/// One dimension with its indicators.
#[derive(Debug, Clone)]
pub(crate) struct Dimension {
    pub id: String,
    pub name: String,
    pub indicators: Vec<Indicator>,
}

/// Weights of one year (scope = year).
#[derive(Debug, Clone)]
pub(crate) struct YearWeights {
    /// Indicator id -> weight.
    pub weights: HashMap<String, f64>,
}

/// `method` of the summary, as far as present.
#[derive(Debug, Clone, Default)]
pub(crate) struct Method {
    pub weighting: Option<String>,
    pub scope: Option<String>,
    pub shift: Option<f64>,
    pub impute: Option<String>,
}

/// `analysis.cluster`.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub method: Option<String>,
    pub k: Option<usize>,
    pub labels: Vec<ClusterLabel>,
    /// SciPy linkage rows `[a, b, height, size]`.
    pub merges: Option<Vec<Merge>>,
}

/// One row of the cluster labels (or of `findings.tiers`).
#[derive(Debug, Clone)]
pub(crate) struct ClusterLabel {
    pub label: String,
    pub cluster: i64,
    pub tier: i64,
}

/// One linkage row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Merge {
    pub a: usize,
    pub b: usize,
    pub height: f64,
}

/// `analysis.kde`.
#[derive(Debug, Clone)]
pub(crate) struct Kde {
    pub kernel: Option<String>,
    pub bandwidth_rule: Option<String>,
    pub groups: Vec<KdeGroup>,
}

/// One density curve.
#[derive(Debug, Clone)]
pub(crate) struct KdeGroup {
    pub key: String,
    pub n: Option<usize>,
    pub bandwidth: f64,
    pub x: Vec<f64>,
    pub density: Vec<f64>,
    pub peaks: Vec<(f64, f64)>,
    pub mode: f64,
    pub peak_height: f64,
    pub spread: f64,
}

/// A disparity report (`rurban disparity` JSON).
#[derive(Debug, Clone)]
pub(crate) struct Disparity {
    pub ddof: Option<i64>,
    pub groups: Vec<DisparityGroup>,
}

/// One year of a disparity report.
#[derive(Debug, Clone)]
pub(crate) struct DisparityGroup {
    pub key: String,
    pub n: Option<usize>,
    pub mean: f64,
    pub std: f64,
    pub cv: f64,
    pub theil: f64,
    pub gini: f64,
    pub theil_decomposition: Option<(f64, f64)>,
    pub dagum: Option<Dagum>,
}

/// A Dagum decomposition.
#[derive(Debug, Clone)]
pub(crate) struct Dagum {
    pub total: f64,
    pub within: f64,
    pub between: f64,
    pub transvariation: f64,
    pub within_groups: Vec<(String, f64)>,
    pub between_groups: Vec<DagumPair>,
}

/// One pair of groups in a Dagum decomposition.
#[derive(Debug, Clone)]
pub(crate) struct DagumPair {
    pub a: String,
    pub b: String,
    pub gini: f64,
    pub d: f64,
}

/// `analysis.convergence`.
#[derive(Debug, Clone)]
pub(crate) struct Convergence {
    pub sigma: Vec<(i64, f64)>,
    pub beta: Option<Beta>,
}

/// Absolute beta convergence.
#[derive(Debug, Clone)]
pub(crate) struct Beta {
    pub b: f64,
    pub a: Option<f64>,
    pub se: Option<f64>,
    pub t: Option<f64>,
    pub p: Option<f64>,
    pub r2: Option<f64>,
    pub lambda: Option<f64>,
    pub half_life: Option<f64>,
    pub n: Option<usize>,
}

/// A grey relational result.
#[derive(Debug, Clone)]
pub(crate) struct Grey {
    pub rho: Option<f64>,
    pub normalization: Option<String>,
    /// (column, grade, rank) in compare order.
    pub grades: Vec<(String, f64, i64)>,
}

/// `analysis.grey`.
#[derive(Debug, Clone)]
pub(crate) struct GreySection {
    pub mean: Option<Grey>,
    pub regions: Vec<(String, Grey)>,
}

/// `analysis`, each part optional.
#[derive(Debug, Clone, Default)]
pub(crate) struct Analysis {
    pub cluster: Option<Cluster>,
    pub kde: Option<Kde>,
    pub disparity_composite: Option<Disparity>,
    pub disparity_dimensions: Vec<(String, Disparity)>,
    pub disparity_present: bool,
    pub convergence: Option<Convergence>,
    pub grey: Option<GreySection>,
}

/// `findings`, the parts the report uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Findings {
    pub sentences: Vec<String>,
    pub tiers: Vec<ClusterLabel>,
}

/// The whole summary.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub name: String,
    pub spec: Option<String>,
    pub data: Option<String>,
    pub method: Method,
    pub regions: Vec<String>,
    pub years: Vec<i64>,
    pub dimensions: Vec<Dimension>,
    /// Per-year weights when scope = year.
    pub year_weights: Vec<YearWeights>,
    /// composite[r][y], NaN where absent.
    pub composite: Vec<Vec<f64>>,
    /// dims[d][r][y], NaN where absent.
    pub dims: Vec<Vec<Vec<f64>>>,
    pub imputed: usize,
    /// Statistics of the composite per year.
    pub yearly: Vec<res::YearStats>,
    pub warnings: Vec<String>,
    pub analysis_present: bool,
    pub analysis: Analysis,
    pub findings: Option<Findings>,
    /// The spatial chain (with `[geo]`).
    pub spatial: Option<res::SpatialAnalysis>,
    /// The spatial findings' sentences.
    pub spatial_sentences: Vec<String>,
    /// The construction: stages, treatment (absent in older summaries).
    pub construction: Option<std::sync::Arc<res::construction::Construction>>,
    /// Coupling coordination.
    pub coupling: Option<std::sync::Arc<res::construction::CouplingSummary>>,
    /// Obstacle degree.
    pub obstacle: Option<std::sync::Arc<res::construction::ObstacleSummary>>,
    /// The typed findings (for the findings in another language).
    pub typed_findings: Option<rurban_results::findings::Findings>,
    /// The language of the report.
    pub lang: crate::i18n::Lang,
    /// The uncertainty and sensitivity analysis (with `[uncertainty]`).
    pub robustness: Option<rurban_robust::RobustnessReport>,
}

impl Summary {
    /// Reads and checks a summary given as JSON.
    #[cfg(test)]
    pub fn parse(v: &serde_json::Value) -> Result<Summary, ReportError> {
        Summary::check(&crate::read::summary(v)?)
    }

    /// Checks a typed summary and builds the report's view of it.
    pub fn check(s: &res::Summary) -> Result<Summary, ReportError> {
        check_regions(&s.regions)?;
        check_years(&s.years)?;
        let dimensions = dimensions(s)?;
        let year_weights = year_weights(s)?;
        let ids: Vec<&str> = dimensions.iter().map(|d| d.id.as_str()).collect();
        let grid = s
            .scores
            .grid(&s.regions, &s.years, &ids)
            .map_err(ReportError::Inconsistent)?;
        let yearly = res::stats::yearly(&s.years, s.regions.len(), |r, y| grid.composite[r][y]);
        let analysis = match &s.analysis {
            Some(a) => analysis(a)?,
            None => Analysis::default(),
        };
        let findings = findings(s);
        let method = method(s);
        Ok(Summary {
            name: s.name.clone(),
            spec: s.spec.clone(),
            data: s.data.clone(),
            method,
            regions: s.regions.clone(),
            years: s.years.clone(),
            dimensions,
            year_weights,
            composite: grid.composite,
            dims: grid.dimensions,
            imputed: s.imputed.len(),
            yearly,
            warnings: s.warnings.clone(),
            analysis_present: s.analysis.is_some(),
            analysis,
            findings,
            spatial: s.spatial.clone(),
            spatial_sentences: s
                .findings
                .as_ref()
                .and_then(|f| f.spatial.as_ref())
                .map(|sp| sp.sentences.clone())
                .unwrap_or_default(),
            construction: s.construction.clone(),
            coupling: s.coupling.clone(),
            obstacle: s.obstacle.clone(),
            typed_findings: s.findings.clone(),
            lang: crate::i18n::Lang::En,
            robustness: s.robustness.clone(),
        })
    }

    /// The weight of each indicator to show: the panel weight, or with
    /// scope = year the mean over the years. Returns (weight, min, max) with
    /// min/max over the years (equal to the weight for a panel scope).
    pub fn shown_weight(&self, ind: &Indicator) -> (f64, f64, f64) {
        if self.year_weights.is_empty() {
            return (ind.weight, ind.weight, ind.weight);
        }
        let ws: Vec<f64> = self
            .year_weights
            .iter()
            .filter_map(|y| y.weights.get(&ind.id).copied())
            .filter(|w| w.is_finite())
            .collect();
        if ws.is_empty() {
            return (ind.weight, ind.weight, ind.weight);
        }
        let mean = ws.iter().sum::<f64>() / ws.len() as f64;
        let lo = ws.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ws.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (mean, lo, hi)
    }

    /// Mean composite of each year over the regions with a value.
    pub fn yearly_mean(&self) -> Vec<f64> {
        self.yearly.iter().map(|s| s.mean).collect()
    }

    /// Mean composite of each region over the years with a value.
    pub fn region_mean(&self) -> Vec<f64> {
        self.composite
            .iter()
            .map(|row| mean(row.iter().copied()))
            .collect()
    }

    /// Name of a dimension by id (the id itself when unknown).
    pub fn dim_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.dimensions
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.as_str())
            .unwrap_or(id)
    }

    /// Tier rows: from the cluster labels, else from the findings.
    pub fn tiers(&self) -> Option<&[ClusterLabel]> {
        if let Some(c) = &self.analysis.cluster {
            return Some(&c.labels);
        }
        self.findings
            .as_ref()
            .filter(|f| !f.tiers.is_empty())
            .map(|f| f.tiers.as_slice())
    }
}

/// Mean of the finite values (NaN when there is none).
pub(crate) fn mean(it: impl Iterator<Item = f64>) -> f64 {
    res::stats::mean(it)
}

/// Width of the region where `f >= 0.05 max f` (as `rurban kde` defines
/// spread), for summaries that do not carry it.
pub(crate) fn spread_of(x: &[f64], f: &[f64]) -> f64 {
    let top = f
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if top <= 0.0 || !top.is_finite() {
        return 0.0;
    }
    let cut = 0.05 * top;
    let first = f.iter().position(|&v| v >= cut);
    let last = f.iter().rposition(|&v| v >= cut);
    match (first, last) {
        (Some(a), Some(b)) => x[b] - x[a],
        _ => 0.0,
    }
}

fn inconsistent<T>(m: String) -> Result<T, ReportError> {
    Err(ReportError::Inconsistent(m))
}

/// The regions: at least one, none twice.
fn check_regions(regions: &[String]) -> Result<(), ReportError> {
    if regions.is_empty() {
        return inconsistent("`regions` is empty: there is nothing to report".into());
    }
    let mut seen = HashMap::new();
    for (i, r) in regions.iter().enumerate() {
        if seen.insert(r.as_str(), i).is_some() {
            return inconsistent(format!("`regions` lists '{r}' twice"));
        }
    }
    Ok(())
}

/// The years: at least one, none twice, in increasing order.
fn check_years(years: &[i64]) -> Result<(), ReportError> {
    if years.is_empty() {
        return inconsistent("`years` is empty: there is nothing to report".into());
    }
    let mut seen_years = HashMap::new();
    for (i, y) in years.iter().enumerate() {
        if seen_years.insert(*y, i).is_some() {
            return inconsistent(format!("`years` lists {y} twice"));
        }
    }
    if years.windows(2).any(|w| w[0] >= w[1]) {
        return inconsistent(format!(
            "`years` must be in increasing order, found {}",
            years
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(())
}

/// The index system with display names; at least one dimension.
fn dimensions(s: &res::Summary) -> Result<Vec<Dimension>, ReportError> {
    let dimensions: Vec<Dimension> = s
        .dimensions
        .iter()
        .map(|d| Dimension {
            id: d.id.clone(),
            name: d.label().to_string(),
            indicators: d
                .indicators
                .iter()
                .map(|i| Indicator {
                    id: i.id.clone(),
                    name: i.label().to_string(),
                    direction: i.direction.clone(),
                    unit: i.unit.clone().unwrap_or_default(),
                    weight: i.weight,
                })
                .collect(),
        })
        .collect();
    if dimensions.is_empty() {
        return inconsistent("`dimensions` is empty: the index has no dimension".into());
    }
    Ok(dimensions)
}

/// The weights per year when they vary by year (empty otherwise); each set
/// needs its year and one weight per indicator.
fn year_weights(s: &res::Summary) -> Result<Vec<YearWeights>, ReportError> {
    let mut year_weights = Vec::new();
    if let Some(res::Weights::Year(sets)) = &s.weights {
        for (i, set) in sets.iter().enumerate() {
            let p = format!("weights[{i}]");
            set.year.ok_or_else(|| ReportError::Missing {
                path: format!("{p}.year"),
            })?;
            if set.weights.len() != set.indicators.len() {
                return inconsistent(format!(
                    "`{p}` has {} indicators but {} weights",
                    set.indicators.len(),
                    set.weights.len()
                ));
            }
            let weights = set
                .indicators
                .iter()
                .cloned()
                .zip(set.weights.iter().copied())
                .collect();
            year_weights.push(YearWeights { weights });
        }
    }
    Ok(year_weights)
}

/// The findings' sentences and tiers.
fn findings(s: &res::Summary) -> Option<Findings> {
    s.findings.as_ref().map(|f| Findings {
        sentences: f.sentences.clone(),
        tiers: f
            .tiers
            .iter()
            .map(|t| ClusterLabel {
                label: t.region.clone(),
                cluster: t.cluster as i64,
                tier: t.tier as i64,
            })
            .collect(),
    })
}

/// The method's particulars, empty when the summary names none.
fn method(s: &res::Summary) -> Method {
    s.method
        .as_ref()
        .map(|m| Method {
            weighting: m.weighting.clone(),
            scope: m.scope.clone(),
            shift: m.shift,
            impute: m.impute.clone(),
        })
        .unwrap_or_default()
}

fn analysis(a: &res::Analysis) -> Result<Analysis, ReportError> {
    Ok(Analysis {
        cluster: a.cluster.as_ref().map(cluster).transpose()?,
        kde: a.kde.as_ref().map(kde).transpose()?,
        disparity_composite: a.disparity.as_ref().map(|d| disparity(&d.composite)),
        disparity_dimensions: a
            .disparity
            .iter()
            .flat_map(|d| d.dimensions.0.iter())
            .map(|(id, r)| (id.clone(), disparity(r)))
            .collect(),
        disparity_present: a.disparity.is_some(),
        convergence: a.convergence.as_ref().map(convergence),
        grey: a.grey.as_ref().map(|g| GreySection {
            mean: g.mean.as_ref().map(grey),
            regions: g
                .regions
                .iter()
                .map(|r| (r.region.clone(), grey(&r.result)))
                .collect(),
        }),
    })
}

fn labels(c: &res::ClusterResult) -> Vec<ClusterLabel> {
    c.labels
        .iter()
        .map(|l| ClusterLabel {
            label: l.label.clone(),
            cluster: l.cluster as i64,
            tier: l.tier as i64,
        })
        .collect()
}

/// The clusters, with the merges checked to build one tree over the
/// labelled rows in SciPy's convention.
fn cluster(c: &res::ClusterResult) -> Result<Cluster, ReportError> {
    let labels = labels(c);
    let n = labels.len();
    let merges = match &c.merges {
        None => None,
        Some(rows) => {
            let mp = "analysis.cluster.merges";
            if rows.len() + 1 != n {
                return Err(ReportError::Inconsistent(format!(
                    "`{mp}` has {} rows, but {} labelled rows need {} merges",
                    rows.len(),
                    n,
                    n.saturating_sub(1)
                )));
            }
            let mut used = vec![false; 2 * n];
            // Rows under each cluster id: 1 for an original row.
            let mut leaves = vec![1usize; n];
            let mut out = Vec::with_capacity(rows.len());
            for (i, m) in rows.iter().enumerate() {
                let q = format!("{mp}[{i}]");
                let (a, b, height, size) = (m.a, m.b, m.height, m.size);
                for c in [a, b] {
                    if c >= n + i {
                        return Err(ReportError::Inconsistent(format!(
                            "`{q}` merges cluster {c}, which does not exist yet (rows are 0..{}, merged clusters {}..{})",
                            n - 1,
                            n,
                            n + i
                        )));
                    }
                    if used[c] {
                        return Err(ReportError::Inconsistent(format!(
                            "`{q}` merges cluster {c} a second time"
                        )));
                    }
                    used[c] = true;
                }
                if a == b {
                    return Err(ReportError::Inconsistent(format!(
                        "`{q}` merges cluster {a} with itself"
                    )));
                }
                let expect = leaves[a] + leaves[b];
                if size != expect {
                    return Err(ReportError::Inconsistent(format!(
                        "`{q}` says the merged cluster has {size} rows, but clusters {a} and {b} hold {expect}"
                    )));
                }
                leaves.push(expect);
                if !height.is_finite() {
                    return Err(ReportError::Inconsistent(format!(
                        "`{q}` has a height that is not a number"
                    )));
                }
                out.push(Merge { a, b, height });
            }
            Some(out)
        }
    };
    Ok(Cluster {
        method: Some(c.method.name().to_string()),
        k: Some(c.k),
        labels,
        merges,
    })
}

/// The densities, with what a summary may leave out (mode, main-peak
/// height, spread) computed from the curve.
fn kde(k: &res::KdeResult) -> Result<Kde, ReportError> {
    for (i, g) in k.groups.iter().enumerate() {
        if g.x.len() != g.density.len() {
            return Err(ReportError::Inconsistent(format!(
                "`analysis.kde.groups[{i}]` has {} grid points but {} density values",
                g.x.len(),
                g.density.len()
            )));
        }
    }
    let groups = k
        .groups
        .iter()
        .map(|g| {
            let (x, density) = (&g.x, &g.density);
            let top = density
                .iter()
                .copied()
                .filter(|d| d.is_finite())
                .fold(f64::NAN, f64::max);
            let mode = if g.mode.is_nan() {
                x.iter()
                    .zip(density)
                    .fold((f64::NAN, f64::NEG_INFINITY), |(bx, bf), (&xx, &f)| {
                        if f > bf { (xx, f) } else { (bx, bf) }
                    })
                    .0
            } else {
                g.mode
            };
            KdeGroup {
                key: g.key.clone(),
                n: (g.n > 0).then_some(g.n),
                bandwidth: g.bandwidth,
                x: x.clone(),
                density: density.clone(),
                peaks: g.peaks.iter().map(|p| (p.x, p.density)).collect(),
                mode,
                peak_height: if g.peak_height.is_nan() {
                    top
                } else {
                    g.peak_height
                },
                spread: if g.spread.is_nan() {
                    spread_of(x, density)
                } else {
                    g.spread
                },
            }
        })
        .collect();
    Ok(Kde {
        kernel: Some(k.kernel.name().to_string()),
        bandwidth_rule: Some(k.bandwidth_rule.clone()),
        groups,
    })
}

fn disparity(d: &res::DisparityReport) -> Disparity {
    Disparity {
        ddof: Some(d.ddof as i64),
        groups: d
            .groups
            .iter()
            .map(|g| DisparityGroup {
                key: g.key.clone(),
                n: (g.n > 0).then_some(g.n),
                mean: g.mean,
                std: g.std,
                cv: g.cv,
                theil: g.theil,
                gini: g.gini,
                theil_decomposition: g.theil_decomposition.map(|t| (t.within, t.between)),
                dagum: g.dagum.as_ref().map(|dg| Dagum {
                    total: dg.total,
                    within: dg.within,
                    between: dg.between,
                    transvariation: dg.transvariation,
                    within_groups: dg.within_groups.0.clone(),
                    between_groups: dg
                        .between_groups
                        .iter()
                        .map(|p| DagumPair {
                            a: p.a.clone(),
                            b: p.b.clone(),
                            gini: p.gini,
                            d: p.d,
                        })
                        .collect(),
                }),
            })
            .collect(),
    }
}

fn finite(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

fn convergence(c: &res::ConvergenceReport) -> Convergence {
    let b = &c.beta;
    Convergence {
        sigma: c.sigma.iter().map(|p| (p.year, p.cv)).collect(),
        beta: Some(Beta {
            b: b.b,
            a: b.stated_intercept,
            se: finite(b.se),
            t: finite(b.t),
            p: finite(b.p),
            r2: finite(b.r2),
            lambda: b.lambda,
            half_life: b.half_life,
            n: (b.n > 0).then_some(b.n),
        }),
    }
}

fn grey(g: &res::GreyReport) -> Grey {
    Grey {
        rho: finite(g.rho),
        normalization: Some(g.normalization.as_str().to_string()),
        grades: g
            .grades
            .iter()
            .map(|x| (x.column.clone(), x.grade, x.rank as i64))
            .collect(),
    }
}
