//! The summary, read from JSON into typed parts. Everything `rurban run`
//! always writes is required; every analysis section is optional, but a
//! section that is present must have the contract's shape.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::ReportError;
use crate::json::{
    arr, count, index, int, join, key, nums, obj, opt, opt_num, opt_str, req, req_num, string,
};

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
    pub year: i64,
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
    pub warnings: Vec<String>,
    pub analysis_present: bool,
    pub analysis: Analysis,
    pub findings: Option<Findings>,
}

impl Summary {
    /// Parses and checks a summary.
    pub fn parse(v: &Value) -> Result<Summary, ReportError> {
        let top = v.as_object().ok_or_else(|| ReportError::Invalid {
            path: "(top level)".into(),
            expected: "an object",
            found: crate::json::describe(v),
        })?;
        let name = opt_str(top, "", "name")?.unwrap_or_else(|| "Composite index".into());
        let spec = opt_str(top, "", "spec")?;
        let data = opt_str(top, "", "data")?;
        let method = match opt(top, "method") {
            None => Method::default(),
            Some(m) => {
                let m = obj(m, "method")?;
                Method {
                    weighting: opt_str(m, "method", "weighting")?,
                    scope: opt_str(m, "method", "scope")?,
                    shift: opt_num(m, "method", "shift")?,
                    impute: opt_str(m, "method", "impute")?,
                }
            }
        };

        let regions_v = arr(req(top, "", "regions")?, "regions")?;
        if regions_v.is_empty() {
            return Err(ReportError::Inconsistent(
                "`regions` is empty: there is nothing to report".into(),
            ));
        }
        let mut regions = Vec::with_capacity(regions_v.len());
        let mut region_ix = HashMap::new();
        for (i, r) in regions_v.iter().enumerate() {
            let s = string(r, &index("regions", i))?.to_string();
            if region_ix.insert(s.clone(), i).is_some() {
                return Err(ReportError::Inconsistent(format!(
                    "`regions` lists '{s}' twice"
                )));
            }
            regions.push(s);
        }
        let years_v = arr(req(top, "", "years")?, "years")?;
        if years_v.is_empty() {
            return Err(ReportError::Inconsistent(
                "`years` is empty: there is nothing to report".into(),
            ));
        }
        let mut years = Vec::with_capacity(years_v.len());
        let mut year_ix = HashMap::new();
        for (i, y) in years_v.iter().enumerate() {
            let y = int(y, &index("years", i))?;
            if year_ix.insert(y, i).is_some() {
                return Err(ReportError::Inconsistent(format!(
                    "`years` lists {y} twice"
                )));
            }
            years.push(y);
        }
        if years.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ReportError::Inconsistent(format!(
                "`years` must be in increasing order, found {}",
                years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }

        let dims_v = arr(req(top, "", "dimensions")?, "dimensions")?;
        let mut dimensions = Vec::with_capacity(dims_v.len());
        for (i, d) in dims_v.iter().enumerate() {
            let p = index("dimensions", i);
            let o = obj(d, &p)?;
            let id = string(req(o, &p, "id")?, &join(&p, "id"))?.to_string();
            let name = opt_str(o, &p, "name")?.unwrap_or_else(|| id.clone());
            let inds_p = join(&p, "indicators");
            let inds_v = arr(req(o, &p, "indicators")?, &inds_p)?;
            let mut indicators = Vec::with_capacity(inds_v.len());
            for (j, ind) in inds_v.iter().enumerate() {
                let q = index(&inds_p, j);
                let io = obj(ind, &q)?;
                let iid = string(req(io, &q, "id")?, &join(&q, "id"))?.to_string();
                indicators.push(Indicator {
                    name: opt_str(io, &q, "name")?.unwrap_or_else(|| iid.clone()),
                    direction: opt_str(io, &q, "direction")?.unwrap_or_else(|| "+".into()),
                    unit: opt_str(io, &q, "unit")?.unwrap_or_default(),
                    weight: opt_num(io, &q, "weight")?.unwrap_or(f64::NAN),
                    id: iid,
                });
            }
            dimensions.push(Dimension {
                id,
                name,
                indicators,
            });
        }
        if dimensions.is_empty() {
            return Err(ReportError::Inconsistent(
                "`dimensions` is empty: the index has no dimension".into(),
            ));
        }

        let year_weights = match opt(top, "weights") {
            Some(w @ Value::Array(_)) => parse_year_weights(w)?,
            _ => Vec::new(),
        };

        let nr = regions.len();
        let ny = years.len();
        let mut composite = vec![vec![f64::NAN; ny]; nr];
        let mut dims = vec![vec![vec![f64::NAN; ny]; nr]; dimensions.len()];
        let mut seen = vec![vec![false; ny]; nr];
        let scores_v = arr(req(top, "", "scores")?, "scores")?;
        for (i, s) in scores_v.iter().enumerate() {
            let p = index("scores", i);
            let o = obj(s, &p)?;
            let region = string(req(o, &p, "region")?, &join(&p, "region"))?;
            let year = int(req(o, &p, "year")?, &join(&p, "year"))?;
            let r = *region_ix.get(region).ok_or_else(|| {
                ReportError::Inconsistent(format!(
                    "`{p}.region` = '{region}' is not one of `regions`"
                ))
            })?;
            let y = *year_ix.get(&year).ok_or_else(|| {
                ReportError::Inconsistent(format!("`{p}.year` = {year} is not one of `years`"))
            })?;
            if seen[r][y] {
                return Err(ReportError::Inconsistent(format!(
                    "`scores` has region '{region}', year {year} twice"
                )));
            }
            seen[r][y] = true;
            composite[r][y] = req_num(o, &p, "composite")?;
            for (d, dim) in dimensions.iter().enumerate() {
                if let Some(v) = opt_num(o, &p, &dim.id)? {
                    dims[d][r][y] = v;
                }
            }
        }

        let imputed = match opt(top, "imputed") {
            Some(v) => arr(v, "imputed")?.len(),
            None => 0,
        };
        let warnings = match opt(top, "warnings") {
            Some(v) => {
                let a = arr(v, "warnings")?;
                a.iter()
                    .enumerate()
                    .map(|(i, w)| string(w, &index("warnings", i)).map(str::to_string))
                    .collect::<Result<Vec<_>, _>>()?
            }
            None => Vec::new(),
        };

        let (analysis_present, analysis) = match opt(top, "analysis") {
            Some(a) => (true, parse_analysis(obj(a, "analysis")?)?),
            None => (false, Analysis::default()),
        };
        let findings = opt(top, "findings").map(parse_findings).transpose()?;

        Ok(Summary {
            name,
            spec,
            data,
            method,
            regions,
            years,
            dimensions,
            year_weights,
            composite,
            dims,
            imputed,
            warnings,
            analysis_present,
            analysis,
            findings,
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
        (0..self.years.len())
            .map(|y| mean(self.composite.iter().map(|row| row[y])))
            .collect()
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
    let (s, n) = it
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { s / n as f64 }
}

fn parse_year_weights(w: &Value) -> Result<Vec<YearWeights>, ReportError> {
    let a = arr(w, "weights")?;
    let mut out = Vec::with_capacity(a.len());
    for (i, set) in a.iter().enumerate() {
        let p = index("weights", i);
        let o = obj(set, &p)?;
        let year = int(req(o, &p, "year")?, &join(&p, "year"))?;
        let inds_p = join(&p, "indicators");
        let inds = arr(req(o, &p, "indicators")?, &inds_p)?;
        let ws = nums(req(o, &p, "weights")?, &join(&p, "weights"))?;
        if ws.len() != inds.len() {
            return Err(ReportError::Inconsistent(format!(
                "`{p}` has {} indicators but {} weights",
                inds.len(),
                ws.len()
            )));
        }
        let mut weights = HashMap::new();
        for (j, (ind, w)) in inds.iter().zip(ws).enumerate() {
            weights.insert(string(ind, &index(&inds_p, j))?.to_string(), w);
        }
        out.push(YearWeights { year, weights });
    }
    Ok(out)
}

fn parse_analysis(a: &Map<String, Value>) -> Result<Analysis, ReportError> {
    let mut out = Analysis::default();
    if let Some(c) = opt(a, "cluster") {
        out.cluster = Some(parse_cluster(c, "analysis.cluster")?);
    }
    if let Some(k) = opt(a, "kde") {
        out.kde = Some(parse_kde(k, "analysis.kde")?);
    }
    if let Some(d) = opt(a, "disparity") {
        out.disparity_present = true;
        let o = obj(d, "analysis.disparity")?;
        if let Some(c) = opt(o, "composite") {
            out.disparity_composite = Some(parse_disparity(c, "analysis.disparity.composite")?);
        }
        if let Some(ds) = opt(o, "dimensions") {
            let m = obj(ds, "analysis.disparity.dimensions")?;
            for (id, rep) in m {
                if rep.is_null() {
                    continue;
                }
                let p = join("analysis.disparity.dimensions", id);
                out.disparity_dimensions
                    .push((id.clone(), parse_disparity(rep, &p)?));
            }
        }
    }
    if let Some(c) = opt(a, "convergence") {
        out.convergence = Some(parse_convergence(c, "analysis.convergence")?);
    }
    if let Some(g) = opt(a, "grey") {
        let p = "analysis.grey";
        let o = obj(g, p)?;
        let mean = opt(o, "mean")
            .map(|m| parse_grey(m, "analysis.grey.mean"))
            .transpose()?;
        let mut regions = Vec::new();
        if let Some(rs) = opt(o, "regions") {
            let rp = "analysis.grey.regions";
            for (i, r) in arr(rs, rp)?.iter().enumerate() {
                let q = index(rp, i);
                let ro = obj(r, &q)?;
                let region = string(req(ro, &q, "region")?, &join(&q, "region"))?.to_string();
                let result = parse_grey(req(ro, &q, "result")?, &join(&q, "result"))?;
                regions.push((region, result));
            }
        }
        out.grey = Some(GreySection { mean, regions });
    }
    Ok(out)
}

fn parse_labels(v: &Value, p: &str, label_key: &str) -> Result<Vec<ClusterLabel>, ReportError> {
    let mut out = Vec::new();
    for (i, l) in arr(v, p)?.iter().enumerate() {
        let q = index(p, i);
        let o = obj(l, &q)?;
        out.push(ClusterLabel {
            label: key(req(o, &q, label_key)?, &join(&q, label_key))?,
            cluster: int(req(o, &q, "cluster")?, &join(&q, "cluster"))?,
            tier: int(req(o, &q, "tier")?, &join(&q, "tier"))?,
        });
    }
    Ok(out)
}

fn parse_cluster(v: &Value, p: &str) -> Result<Cluster, ReportError> {
    let o = obj(v, p)?;
    let labels = parse_labels(req(o, p, "labels")?, &join(p, "labels"), "label")?;
    let n = labels.len();
    let merges = match opt(o, "merges") {
        None => None,
        Some(m) => {
            let mp = join(p, "merges");
            let rows = arr(m, &mp)?;
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
            for (i, row) in rows.iter().enumerate() {
                let q = index(&mp, i);
                let cells = arr(row, &q)?;
                if cells.len() != 4 {
                    return Err(ReportError::Inconsistent(format!(
                        "`{q}` should be [a, b, height, size], found {} item(s)",
                        cells.len()
                    )));
                }
                let a = count(&cells[0], &index(&q, 0))?;
                let b = count(&cells[1], &index(&q, 1))?;
                let height = crate::json::num(&cells[2], &index(&q, 2))?;
                let size = count(&cells[3], &index(&q, 3))?;
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
        method: opt_str(o, p, "method")?,
        k: opt(o, "k").map(|k| count(k, &join(p, "k"))).transpose()?,
        labels,
        merges,
    })
}

fn parse_kde(v: &Value, p: &str) -> Result<Kde, ReportError> {
    let o = obj(v, p)?;
    let gp = join(p, "groups");
    let mut groups = Vec::new();
    for (i, g) in arr(req(o, p, "groups")?, &gp)?.iter().enumerate() {
        let q = index(&gp, i);
        let go = obj(g, &q)?;
        let x = nums(req(go, &q, "x")?, &join(&q, "x"))?;
        let density = nums(req(go, &q, "density")?, &join(&q, "density"))?;
        if x.len() != density.len() {
            return Err(ReportError::Inconsistent(format!(
                "`{q}` has {} grid points but {} density values",
                x.len(),
                density.len()
            )));
        }
        let mut peaks = Vec::new();
        if let Some(pk) = opt(go, "peaks") {
            let pp = join(&q, "peaks");
            for (j, peak) in arr(pk, &pp)?.iter().enumerate() {
                let r = index(&pp, j);
                let po = obj(peak, &r)?;
                peaks.push((req_num(po, &r, "x")?, req_num(po, &r, "density")?));
            }
        }
        let top = density
            .iter()
            .copied()
            .filter(|d| d.is_finite())
            .fold(f64::NAN, f64::max);
        let peak_height = opt_num(go, &q, "peak_height")?.unwrap_or(top);
        let spread = match opt_num(go, &q, "spread")? {
            Some(s) => s,
            None => spread_of(&x, &density),
        };
        let mode = match opt_num(go, &q, "mode")? {
            Some(m) => m,
            None => {
                x.iter()
                    .zip(&density)
                    .fold((f64::NAN, f64::NEG_INFINITY), |(bx, bf), (&xx, &f)| {
                        if f > bf { (xx, f) } else { (bx, bf) }
                    })
                    .0
            }
        };
        groups.push(KdeGroup {
            key: key(req(go, &q, "key")?, &join(&q, "key"))?,
            n: opt(go, "n").map(|n| count(n, &join(&q, "n"))).transpose()?,
            bandwidth: opt_num(go, &q, "bandwidth")?.unwrap_or(f64::NAN),
            x,
            density,
            peaks,
            mode,
            peak_height,
            spread,
        });
    }
    Ok(Kde {
        kernel: opt_str(o, p, "kernel")?,
        bandwidth_rule: opt_str(o, p, "bandwidth_rule")?,
        groups,
    })
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

fn parse_disparity(v: &Value, p: &str) -> Result<Disparity, ReportError> {
    let o = obj(v, p)?;
    let gp = join(p, "groups");
    let mut groups = Vec::new();
    for (i, g) in arr(req(o, p, "groups")?, &gp)?.iter().enumerate() {
        let q = index(&gp, i);
        let go = obj(g, &q)?;
        let theil_decomposition = match opt(go, "theil_decomposition") {
            None => None,
            Some(t) => {
                let tp = join(&q, "theil_decomposition");
                let to = obj(t, &tp)?;
                Some((req_num(to, &tp, "within")?, req_num(to, &tp, "between")?))
            }
        };
        let dagum = match opt(go, "dagum") {
            None => None,
            Some(d) => {
                let dp = join(&q, "dagum");
                let dobj = obj(d, &dp)?;
                let mut within_groups = Vec::new();
                if let Some(wg) = opt(dobj, "within_groups") {
                    let wp = join(&dp, "within_groups");
                    for (k, val) in obj(wg, &wp)? {
                        within_groups.push((k.clone(), crate::json::num(val, &join(&wp, k))?));
                    }
                }
                let mut between_groups = Vec::new();
                if let Some(bg) = opt(dobj, "between_groups") {
                    let bp = join(&dp, "between_groups");
                    for (j, pair) in arr(bg, &bp)?.iter().enumerate() {
                        let r = index(&bp, j);
                        let po = obj(pair, &r)?;
                        between_groups.push(DagumPair {
                            a: key(req(po, &r, "a")?, &join(&r, "a"))?,
                            b: key(req(po, &r, "b")?, &join(&r, "b"))?,
                            gini: req_num(po, &r, "gini")?,
                            d: req_num(po, &r, "d")?,
                        });
                    }
                }
                Some(Dagum {
                    total: req_num(dobj, &dp, "total")?,
                    within: req_num(dobj, &dp, "within")?,
                    between: req_num(dobj, &dp, "between")?,
                    transvariation: req_num(dobj, &dp, "transvariation")?,
                    within_groups,
                    between_groups,
                })
            }
        };
        groups.push(DisparityGroup {
            key: key(req(go, &q, "key")?, &join(&q, "key"))?,
            n: opt(go, "n").map(|n| count(n, &join(&q, "n"))).transpose()?,
            mean: req_num(go, &q, "mean")?,
            std: opt_num(go, &q, "std")?.unwrap_or(f64::NAN),
            cv: req_num(go, &q, "cv")?,
            theil: req_num(go, &q, "theil")?,
            gini: req_num(go, &q, "gini")?,
            theil_decomposition,
            dagum,
        });
    }
    Ok(Disparity {
        ddof: opt(o, "ddof")
            .map(|d| int(d, &join(p, "ddof")))
            .transpose()?,
        groups,
    })
}

fn parse_convergence(v: &Value, p: &str) -> Result<Convergence, ReportError> {
    let o = obj(v, p)?;
    let mut sigma = Vec::new();
    if let Some(s) = opt(o, "sigma") {
        let sp = join(p, "sigma");
        for (i, pt) in arr(s, &sp)?.iter().enumerate() {
            let q = index(&sp, i);
            let po = obj(pt, &q)?;
            sigma.push((
                int(req(po, &q, "year")?, &join(&q, "year"))?,
                req_num(po, &q, "cv")?,
            ));
        }
    }
    let beta = match opt(o, "beta") {
        None => None,
        Some(b) => {
            let bp = join(p, "beta");
            let bo = obj(b, &bp)?;
            let a = match opt_num(bo, &bp, "a")? {
                Some(a) => Some(a),
                None => opt_num(bo, &bp, "intercept")?,
            };
            Some(Beta {
                b: req_num(bo, &bp, "b")?,
                a,
                se: opt_num(bo, &bp, "se")?,
                t: opt_num(bo, &bp, "t")?,
                p: opt_num(bo, &bp, "p")?,
                r2: opt_num(bo, &bp, "r2")?,
                lambda: opt_num(bo, &bp, "lambda")?,
                half_life: opt_num(bo, &bp, "half_life")?,
                n: opt(bo, "n")
                    .map(|n| count(n, &join(&bp, "n")))
                    .transpose()?,
            })
        }
    };
    Ok(Convergence { sigma, beta })
}

fn parse_grey(v: &Value, p: &str) -> Result<Grey, ReportError> {
    let o = obj(v, p)?;
    let gp = join(p, "grades");
    let mut grades = Vec::new();
    for (i, g) in arr(req(o, p, "grades")?, &gp)?.iter().enumerate() {
        let q = index(&gp, i);
        let go = obj(g, &q)?;
        grades.push((
            key(req(go, &q, "column")?, &join(&q, "column"))?,
            req_num(go, &q, "grade")?,
            int(req(go, &q, "rank")?, &join(&q, "rank"))?,
        ));
    }
    Ok(Grey {
        rho: opt_num(o, p, "rho")?,
        normalization: opt_str(o, p, "normalization")?,
        grades,
    })
}

fn parse_findings(v: &Value) -> Result<Findings, ReportError> {
    let p = "findings";
    let o = obj(v, p)?;
    let mut sentences = Vec::new();
    if let Some(s) = opt(o, "sentences") {
        let sp = join(p, "sentences");
        for (i, x) in arr(s, &sp)?.iter().enumerate() {
            sentences.push(string(x, &index(&sp, i))?.to_string());
        }
    }
    let tiers = match opt(o, "tiers") {
        Some(t) => parse_labels(t, "findings.tiers", "region")?,
        None => Vec::new(),
    };
    Ok(Findings { sentences, tiers })
}
